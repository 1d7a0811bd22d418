import * as assert from "node:assert/strict";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import {
  AZURE_ROLES,
  AksCluster,
  CRITICAL_ADDONS_ONLY_TAINT,
  aksAvailabilityZones,
  aksAzureCliKubeconfig,
  aksNodeTaints,
  aksPoolArgs,
  aksPoolName,
  aksVersionManagedByChannel,
  keyVaultName,
  parseAksKubeconfig,
} from "../components/cluster/aks";
import {
  aksMaintenanceWindowArgs,
  deployerGrantNotice,
  deployerPrincipalType,
  deployerVnetResourceGroup,
  grantDeployerClusterAdmin,
} from "../components/cluster/aks/access";
import { deployerVnetProblems, overlappingPrefixes } from "../components/cluster/aks/deployer-vnet";
import { aksPrivateDnsZoneName, parseVnetId } from "../components/cluster/aks/ids";
import { serviceAccountSubject } from "../components/cluster/shared";
import { AksSettings } from "../components/cluster/types";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";
import { AZURE_MOCK, AZURE_SESSION, mockAksUserKubeconfig, mockGuid } from "../offline/mock-state/azure";

const T = {
  rg: "azure-native:resources:ResourceGroup",
  vnet: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  fic: "azure-native:managedidentity:FederatedIdentityCredential",
  role: "azure-native:authorization:RoleAssignment",
  cluster: "azure-native:containerservice:ManagedCluster",
  pool: "azure-native:containerservice:AgentPool",
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  peering: "azure-native:network:VirtualNetworkPeering",
  dnsLink: "azure-native:privatedns:VirtualNetworkLink",
  maintenance: "azure-native:containerservice:MaintenanceConfiguration",
  sleep: "time:index/sleep:Sleep",
  k8s: "pulumi:providers:kubernetes",
  component: "kube-platform:cluster:AksCluster",
};

const prodSettings: AksSettings = {
  clusterName: "kp-prod",
  kubernetesVersion: "1.34",
  protect: true,
  tags: { environment: "prod", "managed-by": "pulumi" },
  location: "westeurope",
  vnetCidr: "10.20.0.0/16",
  nodeSubnetCidr: "10.20.0.0/20",
  podCidr: "192.168.0.0/16",
  serviceCidr: "10.0.0.0/16",
  dnsServiceIp: "10.0.0.10",
  authorizedIpRanges: ["203.0.113.0/24", "198.51.100.7/32"],
  privateCluster: false,
  skuTier: "Standard",
  upgradeChannel: "patch",
  disableLocalAccounts: true,
  adminGroupObjectIds: ["aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"],
  grantDeployerClusterAdmin: true,
  maintenanceWindow: { day: "sunday", startTime: "03:00", durationHours: 4, utcOffset: "+00:00" },
  systemPool: {
    name: "system",
    machineType: "Standard_D4s_v5",
    minNodes: 3,
    maxNodes: 5,
    diskSizeGb: 128,
    labels: { "kube-platform/pool": "system" },
    taints: [],
  },
  nodePools: [
    {
      name: "apps",
      machineType: "Standard_D8s_v5",
      minNodes: 3,
      maxNodes: 12,
      diskSizeGb: 128,
      labels: { "kube-platform/pool": "apps" },
      taints: [],
    },
    {
      name: "batch",
      machineType: "Standard_F8s_v2",
      minNodes: 0,
      maxNodes: 6,
      diskSizeGb: 64,
      labels: { "kube-platform/pool": "batch" },
      taints: ["dedicated=batch:NoSchedule"],
    },
  ],
};

const devSettings: AksSettings = {
  ...prodSettings,
  clusterName: "kp-dev",
  protect: false,
  tags: { environment: "dev" },
  location: "westus",
  skuTier: "Free",
  disableLocalAccounts: false,
  systemPool: {
    ...prodSettings.systemPool,
    machineType: "Standard_B2s",
    minNodes: 1,
    maxNodes: 2,
    diskSizeGb: 64,
  },
  nodePools: [{ ...prodSettings.nodePools[0], machineType: "Standard_B4ms", minNodes: 1, maxNodes: 3 }],
};

/** The runner's VNet (same subscription as the mocked session). */
const RUNNER_VNET_ID = `/subscriptions/${AZURE_MOCK.subscriptionId}/resourceGroups/ci-runners/providers/Microsoft.Network/virtualNetworks/runner-vnet`;

const privateSettings: AksSettings = {
  ...prodSettings,
  authorizedIpRanges: [],
  privateCluster: true,
  deployerNetwork: { vnetId: RUNNER_VNET_ID },
};

type Inputs = Record<string, unknown>;
const obj = (v: unknown): Inputs => v as Inputs;

async function evaluate(
  settings: AksSettings,
  stack = "prod",
  withIdentity = false,
  probe = false,
): Promise<ProgramRun> {
  return runResources(
    () => {
      const c = new AksCluster("kp", settings);
      if (probe) {
        // Stands for every Kubernetes object the platform creates: they all wait for `ready`.
        new k8s.core.v1.Namespace("probe", {}, { provider: c.provider, dependsOn: c.ready });
      }
      const out: Record<string, unknown> = {
        kubeconfig: c.kubeconfig,
        clusterName: c.clusterName,
        storageClass: c.defaultStorageClass,
      };
      if (withIdentity) {
        const bound = c.workloadIdentity.bindServiceAccount(
          "vault",
          { namespace: "vault", name: "vault" },
          c,
        );
        out.annotations = bound.serviceAccountAnnotations;
        out.principal = bound.principal;
        out.podLabels = bound.podLabels;
        out.seal = c.unsealKms.createUnsealKey("vault-unseal", bound, c);
      }
      return out;
    },
    { stack },
  );
}

const clusterOf = (run: ProgramRun): RecordedResource => run.one(T.cluster);
const systemProfile = (run: ProgramRun): Inputs =>
  obj((clusterOf(run).inputs.agentPoolProfiles as unknown[])[0]);
const poolNamed = (run: ProgramRun, pool: string): RecordedResource => run.one(T.pool, `-pool-${pool}`);

describe("AksCluster", function () {
  let prod: ProgramRun;
  let dev: ProgramRun;
  before(async function () {
    prod = await evaluate(prodSettings, "prod");
    dev = await evaluate(devSettings, "dev");
  });

  describe("resources", function () {
    it("registers exactly the expected resource types (prod)", function () {
      assert.deepEqual(prod.typeCounts(), {
        [T.component]: 1,
        [T.rg]: 1,
        [T.vnet]: 1,
        [T.subnet]: 1,
        [T.identity]: 1,
        [T.role]: 2,
        [T.sleep]: 1,
        [T.cluster]: 1,
        [T.maintenance]: 2,
        [T.pool]: 2,
        [T.k8s]: 1,
      });
    });

    it("registers exactly the expected resource types (dev)", function () {
      assert.deepEqual(dev.typeCounts(), {
        [T.component]: 1,
        [T.rg]: 1,
        [T.vnet]: 1,
        [T.subnet]: 1,
        [T.identity]: 1,
        [T.role]: 2,
        [T.sleep]: 1,
        [T.cluster]: 1,
        [T.maintenance]: 2,
        [T.pool]: 1,
        [T.k8s]: 1,
      });
    });

    it("derives every child name from the component name and parents it to the component", function () {
      const component = prod.one(T.component);
      for (const r of prod.resources.filter((x) => x !== component)) {
        assert.ok(r.name.startsWith("kp-"), `${r.type} ${r.name}`);
        assert.equal(r.parent, component.urn, `${r.type} ${r.name} parent`);
      }
    });

    it("keeps the subnet a separate resource (no inline subnets on the VNet)", function () {
      const vnet = prod.one(T.vnet);
      assert.equal(vnet.inputs.subnets, undefined);
      assert.deepEqual(obj(vnet.inputs.addressSpace).addressPrefixes, ["10.20.0.0/16"]);
      const subnet = prod.one(T.subnet);
      assert.equal(subnet.inputs.addressPrefix, "10.20.0.0/20");
      assert.equal(subnet.inputs.virtualNetworkName, "kp-vnet");
      assert.equal(prod.one(T.rg).inputs.location, "westeurope");
    });

    it("gives the control plane a user-assigned identity with Network Contributor on the node subnet", function () {
      const cluster = clusterOf(prod);
      const identity = prod.one(T.identity);
      const grant = prod.one(T.role, "-cp-subnet");
      assert.deepEqual(cluster.inputs.identity, {
        type: "UserAssigned",
        userAssignedIdentities: [`${identity.name}-id`],
      });
      assert.equal(grant.inputs.principalId, mockGuid(`principal/${identity.name}`));
      assert.equal(grant.inputs.principalType, "ServicePrincipal");
      assert.equal(grant.inputs.scope, `${prod.one(T.subnet).name}-id`);
      assert.equal(
        grant.inputs.roleDefinitionId,
        `/subscriptions/${AZURE_MOCK.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${AZURE_ROLES.networkContributor}`,
      );
      assert.ok(prod.dependsOnTransitively(cluster, grant), "the cluster waits for the subnet grant");
    });

    it("pins the cluster name, DNS prefix, version and Entra ID admin groups from settings", function () {
      const c = clusterOf(prod).inputs;
      assert.equal(c.resourceName, "kp-prod");
      assert.equal(c.dnsPrefix, "kp-prod");
      assert.equal(c.kubernetesVersion, "1.34");
      assert.equal(c.resourceGroupName, "kp-rg");
      assert.deepEqual(c.aadProfile, {
        managed: true,
        enableAzureRBAC: true,
        adminGroupObjectIDs: ["aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"],
        tenantID: AZURE_MOCK.tenantId,
      });
      assert.deepEqual(c.tags, prodSettings.tags);
    });
  });

  describe("security rules (docs/security-rules.md, AKS)", function () {
    it("CKV_AZURE_6: a public API server only accepts the authorized IP ranges", function () {
      const access = obj(clusterOf(prod).inputs.apiServerAccessProfile);
      assert.equal(access.enablePrivateCluster, false);
      assert.deepEqual(access.authorizedIPRanges, ["203.0.113.0/24", "198.51.100.7/32"]);
      assert.ok(!(access.authorizedIPRanges as string[]).includes("0.0.0.0/0"));
    });

    it("CKV_AZURE_115: privateCluster makes the API server private (no authorized ranges, which AKS rejects there)", async function () {
      const run = await evaluate(privateSettings);
      const access = obj(clusterOf(run).inputs.apiServerAccessProfile);
      assert.equal(access.enablePrivateCluster, true);
      assert.equal(access.authorizedIPRanges, undefined);
    });

    it("CKV_AZURE_5: Kubernetes RBAC is enabled", function () {
      assert.equal(clusterOf(prod).inputs.enableRBAC, true);
      assert.equal(clusterOf(dev).inputs.enableRBAC, true);
    });

    it("CKV_AZURE_141: local accounts are disabled in prod", function () {
      assert.equal(clusterOf(prod).inputs.disableLocalAccounts, true);
    });

    it("CKV_AZURE_7: network policy is enforced (Cilium)", function () {
      const net = obj(clusterOf(prod).inputs.networkProfile);
      assert.equal(net.networkPolicy, "cilium");
      assert.equal(net.networkDataplane, "cilium");
    });

    it("CKV2_AZURE_29: Azure CNI (overlay) with the configured pod/service CIDRs and a standard LB", function () {
      assert.deepEqual(clusterOf(prod).inputs.networkProfile, {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        networkDataplane: "cilium",
        networkPolicy: "cilium",
        podCidr: "192.168.0.0/16",
        serviceCidr: "10.0.0.0/16",
        dnsServiceIP: "10.0.0.10",
        loadBalancerSku: "standard",
        outboundType: "loadBalancer",
      });
    });

    it("CKV_AZURE_171: an auto-upgrade channel and node OS upgrades are set", function () {
      assert.deepEqual(clusterOf(prod).inputs.autoUpgradeProfile, {
        upgradeChannel: "patch",
        nodeOSUpgradeChannel: "NodeImage",
      });
    });

    it("CKV_AZURE_170: the Standard (SLA) tier in prod", function () {
      assert.deepEqual(clusterOf(prod).inputs.sku, { name: "Base", tier: "Standard" });
    });

    it("CKV_AZURE_143: no node has a public IP (system and user pools)", function () {
      assert.equal(systemProfile(prod).enableNodePublicIP, false);
      for (const p of prod.ofType(T.pool)) assert.equal(p.inputs.enableNodePublicIP, false, p.name);
    });

    it("CKV_AZURE_232: the system pool runs critical add-ons only; user pools are User mode", function () {
      const sys = systemProfile(prod);
      assert.equal(sys.mode, "System");
      assert.deepEqual(sys.nodeTaints, [CRITICAL_ADDONS_ONLY_TAINT]);
      for (const p of prod.ofType(T.pool)) {
        assert.equal(p.inputs.mode, "User", p.name);
        assert.ok(!(p.inputs.nodeTaints as string[]).includes(CRITICAL_ADDONS_ONLY_TAINT), p.name);
      }
      assert.deepEqual(poolNamed(prod, "batch").inputs.nodeTaints, ["dedicated=batch:NoSchedule"]);
    });

    it("OIDC issuer and workload identity are enabled", function () {
      const c = clusterOf(prod).inputs;
      assert.deepEqual(c.oidcIssuerProfile, { enabled: true });
      assert.deepEqual(c.securityProfile, { workloadIdentity: { enabled: true } });
    });
  });

  describe("dev vs prod", function () {
    it("dev uses the Free tier and keeps local accounts", function () {
      assert.deepEqual(clusterOf(dev).inputs.sku, { name: "Base", tier: "Free" });
      assert.equal(clusterOf(dev).inputs.disableLocalAccounts, false);
    });

    it("spreads pools over zones 1-3 in zonal regions only (westeurope yes, westus no)", function () {
      assert.deepEqual(systemProfile(prod).availabilityZones, ["1", "2", "3"]);
      for (const p of prod.ofType(T.pool)) assert.deepEqual(p.inputs.availabilityZones, ["1", "2", "3"]);
      assert.equal(systemProfile(dev).availabilityZones, undefined);
      for (const p of dev.ofType(T.pool)) assert.equal(p.inputs.availabilityZones, undefined);
    });

    it("sizes pools from settings", function () {
      assert.equal(systemProfile(dev).vmSize, "Standard_B2s");
      assert.equal(systemProfile(prod).vmSize, "Standard_D4s_v5");
      assert.equal(poolNamed(dev, "apps").inputs.vmSize, "Standard_B4ms");
    });
  });

  describe("protect", function () {
    const critical = [T.rg, T.vnet, T.subnet, T.cluster];
    it("protects the resource group, network and cluster when settings.protect", function () {
      for (const t of critical) assert.equal(prod.one(t).protect, true, t);
      for (const p of prod.ofType(T.pool)) assert.equal(p.protect, false, `node pool ${p.name}`);
    });
    it("protects nothing when settings.protect is false", function () {
      for (const r of dev.resources) assert.equal(r.protect, false, `${r.type} ${r.name}`);
    });
  });

  describe("node pools and autoscaling", function () {
    it("every pool autoscales between min and max on VM scale sets in the node subnet", function () {
      const subnetId = `${prod.one(T.subnet).name}-id`;
      const sys = systemProfile(prod);
      assert.deepEqual(
        [sys.name, sys.type, sys.enableAutoScaling, sys.minCount, sys.maxCount, sys.count, sys.vnetSubnetID],
        ["system", "VirtualMachineScaleSets", true, 3, 5, 3, subnetId],
      );
      assert.equal(sys.osDiskSizeGB, 128);
      assert.deepEqual(sys.nodeLabels, { "kube-platform/pool": "system" });
      const apps = poolNamed(prod, "apps").inputs;
      assert.deepEqual(
        [
          apps.agentPoolName,
          apps.type,
          apps.enableAutoScaling,
          apps.minCount,
          apps.maxCount,
          apps.vnetSubnetID,
        ],
        ["apps", "VirtualMachineScaleSets", true, 3, 12, subnetId],
      );
      const batch = poolNamed(prod, "batch").inputs;
      assert.deepEqual([batch.minCount, batch.maxCount, batch.count], [0, 6, 1]);
      assert.equal(batch.orchestratorVersion, "1.34");
      assert.equal(apps.resourceName, "kp-prod");
    });

    it("user pools are separate AgentPools; the cluster has only the system pool inline", function () {
      const profiles = clusterOf(prod).inputs.agentPoolProfiles as unknown[];
      assert.equal(profiles.length, 1);
      assert.deepEqual(
        prod.ofType(T.pool).map((p) => p.inputs.agentPoolName),
        ["apps", "batch"],
      );
    });

    it("ignores the autoscaled counts so Pulumi never fights the autoscaler", function () {
      assert.deepEqual(clusterOf(prod).ignoreChanges, ["agentPoolProfiles[0].count"]);
      for (const p of prod.ofType(T.pool)) assert.deepEqual(p.ignoreChanges, ["count"], p.name);
    });

    it("replaces a user pool delete-first (its name is fixed)", function () {
      for (const p of prod.ofType(T.pool)) assert.equal(p.deleteBeforeReplace, true, p.name);
    });

    it("with the stable/rapid channel AKS owns the version: version drift is ignored too", async function () {
      const run = await evaluate({ ...prodSettings, upgradeChannel: "stable" });
      assert.deepEqual(clusterOf(run).ignoreChanges, [
        "agentPoolProfiles[0].count",
        "kubernetesVersion",
        "agentPoolProfiles[0].orchestratorVersion",
      ]);
      for (const p of run.ofType(T.pool)) assert.deepEqual(p.ignoreChanges, ["count", "orchestratorVersion"]);
    });

    it("user pools wait for the cluster", function () {
      const cluster = clusterOf(prod);
      for (const p of prod.ofType(T.pool)) assert.ok(prod.dependsOnTransitively(p, cluster), p.name);
    });
  });

  describe("kubeconfig and provider", function () {
    it("is a secret, exec-based kubeconfig using non-interactive kubelogin (Azure CLI)", function () {
      assert.ok(prod.secretOutputs.has("kubeconfig"));
      const kc = parse(prod.outputs.kubeconfig as string);
      assert.equal(kc.clusters[0].cluster.server, "https://kp-prod-k3x9q2ab.hcp.westeurope.azmk8s.io:443");
      assert.equal(kc.clusters[0].cluster["certificate-authority-data"], AZURE_MOCK.caData);
      const exec = kc.users[0].user.exec;
      assert.equal(exec.command, "kubelogin");
      assert.deepEqual(exec.args, [
        "get-token",
        "--login",
        "azurecli",
        "--server-id",
        AZURE_MOCK.aksServerId,
      ]);
      assert.equal(exec.interactiveMode, "Never");
      assert.equal(kc.users[0].user.token, undefined);
      assert.equal(kc["current-context"], "kp-prod");
    });

    it("the k8s provider uses the kubeconfig (secret) and the cluster's ARM id as its identity", function () {
      const provider = prod.one(T.k8s);
      assert.ok(provider.secretInputs.has("kubeconfig"));
      assert.equal(provider.inputs.kubeconfig, prod.outputs.kubeconfig);
      assert.equal(provider.inputs.clusterIdentifier, `${clusterOf(prod).name}-id`);
    });

    it("Azure resources use the default azure-native provider; no Kubernetes object is created here", function () {
      for (const r of prod.resources.filter((x) => x.type.startsWith("azure-native:"))) {
        assert.ok(!prod.providerUrn(r).includes("pulumi:providers:kubernetes"), r.name);
        assert.ok(
          prod.providerUrn(r) === "" || prod.providerUrn(r).includes("pulumi:providers:azure-native"),
          r.name,
        );
      }
      assert.deepEqual(
        prod.resources.filter((r) => r.type.startsWith("kubernetes:")),
        [],
      );
    });

    it("exposes the contract values", function () {
      assert.equal(prod.outputs.clusterName, "kp-prod");
      assert.equal(prod.outputs.storageClass, "managed-csi");
    });
  });

  describe("replacement stability", function () {
    it("node counts and the Kubernetes version never change replacement-forcing inputs", async function () {
      const bumped: AksSettings = {
        ...prodSettings,
        kubernetesVersion: "1.35",
        systemPool: { ...prodSettings.systemPool, minNodes: 4, maxNodes: 9 },
        nodePools: prodSettings.nodePools.map((p) => ({
          ...p,
          minNodes: p.minNodes + 1,
          maxNodes: p.maxNodes + 5,
        })),
      };
      const a = prod;
      const b = await evaluate(bumped);
      const stable = (run: ProgramRun) => {
        const c = clusterOf(run);
        const sys = systemProfile(run);
        return {
          urns: run.resources.map((r) => r.urn).sort(),
          cluster: {
            resourceName: c.inputs.resourceName,
            resourceGroupName: c.inputs.resourceGroupName,
            location: c.inputs.location,
            dnsPrefix: c.inputs.dnsPrefix,
            networkProfile: c.inputs.networkProfile,
            identity: c.inputs.identity,
            privateCluster: obj(c.inputs.apiServerAccessProfile).enablePrivateCluster,
            systemPool: [
              sys.name,
              sys.vmSize,
              sys.availabilityZones,
              sys.vnetSubnetID,
              sys.osDiskSizeGB,
              sys.mode,
            ],
          },
          pools: run
            .ofType(T.pool)
            .map((p) => [
              p.inputs.agentPoolName,
              p.inputs.resourceName,
              p.inputs.vmSize,
              p.inputs.availabilityZones,
              p.inputs.vnetSubnetID,
              p.inputs.osDiskSizeGB,
            ]),
          providerIdentity: run.one(T.k8s).inputs.clusterIdentifier,
        };
      };
      assert.deepEqual(stable(b), stable(a));
      // …while the changes themselves do reach the cluster and the pools (as in-place updates).
      assert.equal(clusterOf(b).inputs.kubernetesVersion, "1.35");
      assert.equal(systemProfile(b).maxCount, 9);
      assert.equal(poolNamed(b, "apps").inputs.orchestratorVersion, "1.35");
    });
  });

  describe("workload identity and Key Vault unseal", function () {
    let run: ProgramRun;
    before(async function () {
      run = await evaluate(prodSettings, "prod", true);
    });

    it("binds exactly system:serviceaccount:<ns>:<name> to a new user-assigned identity", function () {
      const fic = run.one(T.fic);
      const identity = run.one(T.identity, "vault-identity");
      assert.equal(fic.inputs.subject, "system:serviceaccount:vault:vault");
      assert.deepEqual(fic.inputs.audiences, ["api://AzureADTokenExchange"]);
      assert.match(fic.inputs.issuer as string, /^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//);
      assert.equal(fic.inputs.resourceName, identity.name);
      assert.equal(fic.inputs.resourceGroupName, "kp-rg");
    });

    it("returns the client-id annotation, the use label and the principal id", function () {
      const identity = run.one(T.identity, "vault-identity");
      assert.deepEqual(run.outputs.annotations, {
        "azure.workload.identity/client-id": mockGuid(`client/${identity.name}`),
      });
      assert.deepEqual(run.outputs.podLabels, { "azure.workload.identity/use": "true" });
      assert.equal(run.outputs.principal, mockGuid(`principal/${identity.name}`));
    });

    it("creates an RBAC Key Vault with purge protection and 90-day soft delete, protected in prod", function () {
      const vault = run.one(T.vault);
      const props = obj(vault.inputs.properties);
      assert.equal(props.enableRbacAuthorization, true);
      assert.equal(props.enablePurgeProtection, true);
      assert.equal(props.enableSoftDelete, true);
      assert.equal(props.softDeleteRetentionInDays, 90);
      assert.equal(props.tenantId, AZURE_MOCK.tenantId);
      assert.equal(props.accessPolicies, undefined);
      const name = vault.inputs.vaultName as string;
      assert.ok(name.length <= 24 && /^[a-z][a-z0-9-]*[a-z0-9]$/.test(name), name);
      assert.equal(vault.protect, true);
      assert.equal(run.one(T.key).protect, true);
    });

    it("creates an RSA key usable only for wrapKey/unwrapKey", function () {
      const key = run.one(T.key);
      assert.deepEqual(obj(key.inputs.properties).keyOps, ["wrapKey", "unwrapKey"]);
      assert.equal(obj(key.inputs.properties).kty, "RSA");
      assert.equal(key.inputs.vaultName, run.one(T.vault).inputs.vaultName);
    });

    it("grants Key Vault Crypto User on that key to that identity only", function () {
      const grants = run.ofType(T.role).filter((r) => r.name.endsWith("-crypto-user"));
      assert.equal(grants.length, 1);
      const g = grants[0].inputs;
      assert.equal(g.principalId, run.outputs.principal);
      assert.equal(g.principalType, "ServicePrincipal");
      assert.equal(g.scope, `${run.one(T.key).name}-id`);
      assert.equal(
        g.roleDefinitionId,
        `/subscriptions/${AZURE_MOCK.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${AZURE_ROLES.keyVaultCryptoUser}`,
      );
    });

    it("returns the azurekeyvault seal stanza", function () {
      assert.deepEqual(run.outputs.seal, {
        type: "azurekeyvault",
        attributes: {
          tenant_id: AZURE_MOCK.tenantId,
          vault_name: run.one(T.vault).inputs.vaultName,
          key_name: "vault-unseal",
        },
      });
    });

    it("is not protected when settings.protect is false", async function () {
      const devRun = await evaluate(devSettings, "dev", true);
      assert.equal(devRun.one(T.vault).protect, false);
      assert.equal(devRun.one(T.key).protect, false);
    });
  });

  describe("the deployer's Kubernetes permissions (Azure RBAC for Kubernetes)", function () {
    let run: ProgramRun;
    before(async function () {
      run = await evaluate(prodSettings, "prod", false, true);
    });

    it("grants the deploying identity AKS RBAC Cluster Admin on the cluster, with its principal type", function () {
      const grant = run.one(T.role, "-deployer-admin");
      assert.deepEqual(grant.inputs, {
        principalId: AZURE_MOCK.objectId,
        // The mocked session signs in with its own client id: a service principal, as in CI.
        principalType: "ServicePrincipal",
        roleDefinitionId: `/subscriptions/${AZURE_MOCK.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b`,
        scope: `${clusterOf(run).name}-id`,
      });
    });

    it("keeps the grant with the identity that created it: a later deployer does not replace it", function () {
      // principalId forces a replacement (azure-native replacement.go): without this, B's `pulumi up`
      // would delete A's grant.
      assert.deepEqual(run.one(T.role, "-deployer-admin").ignoreChanges, ["principalId", "principalType"]);
      for (const r of run.ofType(T.role).filter((x) => !x.name.endsWith("-deployer-admin"))) {
        assert.deepEqual(r.ignoreChanges, [], r.name);
      }
    });

    it("waits 5 minutes for the assignment to propagate, again only when the assignment changes", function () {
      const sleep = run.one(T.sleep);
      const grant = run.one(T.role, "-deployer-admin");
      assert.equal(sleep.name, "kp-deployer-admin-propagation");
      assert.deepEqual(sleep.inputs, {
        createDuration: "5m",
        triggers: { roleAssignmentId: "kp-deployer-admin-id" },
      });
      assert.ok(run.dependsOnTransitively(sleep, grant), "the sleep starts after the assignment");
    });

    it("every Kubernetes object waits for the propagation (cluster ready)", function () {
      const probe = run.one("kubernetes:core/v1:Namespace");
      assert.ok(run.dependsOnTransitively(probe, run.one(T.sleep)), "waits for the sleep");
      assert.ok(run.dependsOnTransitively(probe, run.one(T.role, "-deployer-admin")), "waits for the grant");
    });

    it("the k8s provider itself waits for the grant and its propagation (it is configured once)", function () {
      const deps = run.one(T.k8s).dependsOn;
      assert.ok(deps.includes(run.one(T.role, "-deployer-admin").urn), "provider dependsOn the grant");
      assert.ok(deps.includes(run.one(T.sleep).urn), "provider dependsOn the propagation wait");
      // …and not on the other grants (the control plane's subnet role is no concern of the deployer).
      assert.ok(!deps.includes(run.one(T.role, "-cp-subnet").urn));
    });

    it("warns when another identity runs `pulumi up` and no admin group exists; quiet otherwise", async function () {
      const warned: unknown[] = [];
      const original = console.warn;
      console.warn = (...args: unknown[]) => void warned.push(args.join(" "));
      try {
        const notices = await runResources(() => {
          const cluster = new containerservice.ManagedCluster("c", { resourceGroupName: "rg" });
          const notice = (current: string, groups: string[]) =>
            grantDeployerClusterAdmin(
              `g-${current}-${groups.length}`,
              {
                cluster,
                principalId: "aaaaaaaa-0000-0000-0000-00000000000a",
                principalType: "User",
                subscriptionId: pulumi.output(AZURE_MOCK.subscriptionId),
                currentPrincipalId: current,
                adminGroupObjectIds: groups,
              },
              cluster,
            ).notice;
          return {
            other: notice("bbbbbbbb-0000-0000-0000-00000000000b", []),
            otherWithGroup: notice("bbbbbbbb-0000-0000-0000-00000000000b", [
              "cccccccc-0000-0000-0000-00000000000c",
            ]),
            creator: notice("AAAAAAAA-0000-0000-0000-00000000000A", []),
          };
        });
        const expected =
          "AKS: the deployer grant (AKS RBAC Cluster Admin) belongs to aaaaaaaa-0000-0000-0000-00000000000a, the " +
          "identity that created it; this run is by bbbbbbbb-0000-0000-0000-00000000000b, and " +
          "cluster.adminGroupObjectIds is empty, so its Kubernetes calls will be Forbidden: add an Entra ID group " +
          "of this identity to cluster.adminGroupObjectIds, or run `pulumi up` as the granted identity";
        assert.equal(notices.outputs.other, expected);
        assert.equal(notices.outputs.otherWithGroup, undefined);
        assert.equal(notices.outputs.creator, undefined);
        assert.deepEqual(warned, [`warning: [runtime] ${expected}`]);
      } finally {
        console.warn = original;
      }
      assert.equal(deployerGrantNotice("a", "A", 0), undefined);
      assert.equal(deployerGrantNotice("a", "b", 1), undefined);
      assert.match(deployerGrantNotice("a", "b", 0) ?? "", /^AKS: the deployer grant .* belongs to a,/);
    });

    it("detects a user signed in through the Azure CLI or Visual Studio; any other client is a service principal", function () {
      assert.equal(deployerPrincipalType("04b07795-8ddb-461a-bbee-02f9e1bf7b46"), "User");
      assert.equal(deployerPrincipalType("04B07795-8DDB-461A-BBEE-02F9E1BF7B46"), "User");
      assert.equal(deployerPrincipalType("872cd9fa-d31f-45e0-9eab-6e460a02d1f1"), "User");
      assert.equal(deployerPrincipalType("3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"), "ServicePrincipal");
    });

    it("the grant's principal type follows the session's client: `az login` as a user gives User", async function () {
      AZURE_SESSION.clientId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
      try {
        const asUser = await evaluate(prodSettings);
        assert.equal(asUser.one(T.role, "-deployer-admin").inputs.principalType, "User");
      } finally {
        AZURE_SESSION.clientId = AZURE_MOCK.clientId;
      }
      // The default mocked session is a CI service principal (its own app id).
      assert.equal(run.one(T.role, "-deployer-admin").inputs.principalType, "ServicePrincipal");
    });

    it("deployerPrincipalType overrides the detection", async function () {
      const user = await evaluate({ ...prodSettings, deployerPrincipalType: "User" });
      assert.equal(user.one(T.role, "-deployer-admin").inputs.principalType, "User");
    });

    it("grantDeployerClusterAdmin false: no grant and no wait; it then needs an admin group", async function () {
      const off = await evaluate({ ...prodSettings, grantDeployerClusterAdmin: false });
      assert.deepEqual(
        off.ofType(T.role).map((r) => r.name),
        ["kp-cp-subnet"],
      );
      assert.deepEqual(off.ofType(T.sleep), []);
      await assert.rejects(
        evaluate({ ...prodSettings, grantDeployerClusterAdmin: false, adminGroupObjectIds: [] }),
        /grantDeployerClusterAdmin false, adminGroupObjectIds must name a group/,
      );
    });
  });

  describe("the deployer's path to a private API server", function () {
    let run: ProgramRun;
    before(async function () {
      run = await evaluate(privateSettings, "prod", false, true);
    });

    it("keeps the AKS-managed private DNS zone", function () {
      assert.deepEqual(clusterOf(run).inputs.apiServerAccessProfile, {
        enablePrivateCluster: true,
        privateDNSZone: "system",
      });
    });

    it("peers the cluster VNet with the runner's VNet both ways (VNet access only), after the cluster", function () {
      const to = run.one(T.peering, "-to-deployer");
      const from = run.one(T.peering, "-from-deployer");
      const flags = {
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: false,
        allowGatewayTransit: false,
        useRemoteGateways: false,
      };
      assert.deepEqual(to.inputs, {
        resourceGroupName: "kp-rg",
        virtualNetworkName: "kp-vnet",
        remoteVirtualNetwork: { id: RUNNER_VNET_ID },
        ...flags,
      });
      assert.deepEqual(from.inputs, {
        resourceGroupName: "ci-runners",
        virtualNetworkName: "runner-vnet",
        remoteVirtualNetwork: { id: "kp-vnet-id" },
        ...flags,
      });
      for (const p of [to, from]) assert.ok(run.dependsOnTransitively(p, clusterOf(run)), p.name);
    });

    it("links the cluster's private DNS zone (node resource group) to the runner's VNet", function () {
      // The mocked cluster reports privateFQDN "kp-prod-2fc44ihq.ec2ccfad-dd02-4ef6-8ce0-e3f276ae86aa.
      // privatelink.westeurope.azmk8s.io", the shape AKS gives a private cluster's API server.
      assert.deepEqual(run.one(T.dnsLink).inputs, {
        resourceGroupName: "MC_kp-rg_kp-prod_westeurope",
        privateZoneName: "ec2ccfad-dd02-4ef6-8ce0-e3f276ae86aa.privatelink.westeurope.azmk8s.io",
        virtualNetwork: { id: RUNNER_VNET_ID },
        registrationEnabled: false,
        location: "global",
      });
    });

    it("every Kubernetes object waits for both peerings and the DNS link", function () {
      const probe = run.one("kubernetes:core/v1:Namespace");
      for (const r of [...run.ofType(T.peering), run.one(T.dnsLink)]) {
        assert.ok(run.dependsOnTransitively(probe, r), r.name);
      }
    });

    it("the k8s provider waits for both peerings, the DNS link and the deployer grant before it is configured", function () {
      // pulumi-kubernetes marks the cluster unreachable for the whole run when its Configure cannot
      // reach the API server; the objects' own dependsOn cannot undo that.
      const deps = run.one(T.k8s).dependsOn;
      const expected = [
        run.one(T.peering, "-to-deployer"),
        run.one(T.peering, "-from-deployer"),
        run.one(T.dnsLink),
        run.one(T.role, "-deployer-admin"),
        run.one(T.sleep),
      ];
      for (const r of expected) assert.ok(deps.includes(r.urn), `provider dependsOn ${r.name}`);
    });

    it("a public API server gets no peering and no DNS link", function () {
      assert.deepEqual(prod.ofType(T.peering), []);
      assert.deepEqual(prod.ofType(T.dnsLink), []);
    });

    it("refuses a private cluster without a deployer network, or with a runner VNet in another subscription", async function () {
      await assert.rejects(
        evaluate({ ...privateSettings, deployerNetwork: undefined }),
        /privateCluster needs cluster\.deployerNetwork\.vnetId/,
      );
      const elsewhere = RUNNER_VNET_ID.replace(
        AZURE_MOCK.subscriptionId,
        "12345678-0000-0000-0000-000000000000",
      );
      assert.throws(
        () => deployerVnetResourceGroup(AZURE_MOCK.subscriptionId, parseVnetId(elsewhere)!),
        /cluster\.deployerNetwork\.vnetId is in subscription 12345678-0000-0000-0000-000000000000, but this stack deploys to subscription 00000000-0000-0000-0000-0000000000aa/,
      );
      assert.equal(
        deployerVnetResourceGroup(AZURE_MOCK.subscriptionId.toUpperCase(), parseVnetId(RUNNER_VNET_ID)!),
        "ci-runners",
      );
    });
  });

  describe("the deployer's VNet is checked before the cluster is built", function () {
    const vnetNamed = (name: string) => RUNNER_VNET_ID.replace("runner-vnet", name);
    /** Registers the component only: a refused check leaves the cluster (and what follows) unregistered. */
    const register = (settings: AksSettings) =>
      runResources(() => {
        new AksCluster("kp", settings);
      });
    /** Registers and returns the run with the program errors Pulumi reports (logged, as in a real run). */
    async function registerLoggingErrors(settings: AksSettings) {
      const errors: string[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => void errors.push(args.join(" "));
      try {
        return { run: await register(settings), errors: errors.join("\n") };
      } finally {
        console.error = original;
      }
    }
    const withRunner = (name: string, vnetCidr = "10.20.0.0/16"): AksSettings => ({
      ...privateSettings,
      vnetCidr,
      nodeSubnetCidr: vnetCidr.replace(/\/16$/, "/20"),
      deployerNetwork: { vnetId: vnetNamed(name) },
    });

    it("a runner VNet clear of vnetCidr: the cluster is registered, its tags unchanged", async function () {
      const run = await register(withRunner("runner-vnet"));
      assert.deepEqual(clusterOf(run).inputs.tags, prodSettings.tags);
    });

    it("a runner VNet whose own space overlaps vnetCidr: no cluster is built", async function () {
      const { run, errors } = await registerLoggingErrors(withRunner("hub-overlap"));
      assert.deepEqual(run.ofType(T.cluster), []);
      assert.match(
        errors,
        /cluster\.vnetCidr: got "10\.20\.0\.0\/16"; it overlaps the address space of cluster\.deployerNetwork\.vnetId \(\S+\/virtualNetworks\/hub-overlap: 10\.20\.128\.0\/24\)/,
      );
      assert.equal(run.ofType(T.vnet).length, 1, "only what precedes the cluster is registered");
      // The same runner VNet with a vnetCidr outside 10.20.128.0/24 passes.
      const clear = await register(withRunner("hub-overlap", "10.50.0.0/16"));
      assert.equal(clear.ofType(T.cluster).length, 1);
    });

    it("a runner VNet already peered with an overlapping VNet (another stack's): no cluster is built", async function () {
      const { run: refused, errors } = await registerLoggingErrors(withRunner("runner-peered"));
      assert.deepEqual(refused.ofType(T.cluster), []);
      assert.match(
        errors,
        /is already peered \(peering "to-staging"\) with \S+\/virtualNetworks\/staging-vnet \(10\.20\.0\.0\/16\)/,
      );
      assert.doesNotMatch(errors, /to-tools/);
      const clear = await register(withRunner("runner-peered", "10.50.0.0/16"));
      assert.equal(clear.ofType(T.cluster).length, 1);
    });

    it("the runner VNet's peering to this cluster's own VNet (a later run) is not a conflict", async function () {
      const run = await register(withRunner("runner-own-peering"));
      assert.equal(run.ofType(T.cluster).length, 1);
    });

    it("a public API server reads no deployer VNet", async function () {
      const run = await register({ ...prodSettings, vnetCidr: "10.20.0.0/16" });
      assert.equal(run.ofType(T.cluster).length, 1);
    });

    const facts = {
      id: vnetNamed("runner-peered"),
      addressPrefixes: ["10.100.0.0/16", "fd00:db8::/48"],
      peerings: [
        {
          name: "to-staging",
          remoteVnetId:
            "/subscriptions/x/resourceGroups/platform-staging/providers/Microsoft.Network/virtualNetworks/staging-vnet",
          remotePrefixes: ["10.30.0.0/16"],
        },
        { name: "to-self", remoteVnetId: "KP-VNET-ID", remotePrefixes: ["10.30.0.0/16"] },
      ],
    };

    it("deployerVnetProblems names vnetCidr, the deployer VNet and the conflicting range", function () {
      assert.deepEqual(
        deployerVnetProblems({ ...facts, addressPrefixes: ["10.30.4.0/24"] }, "10.30.0.0/16"),
        [
          `cluster.vnetCidr: got "10.30.0.0/16"; it overlaps the address space of cluster.deployerNetwork.vnetId (${vnetNamed("runner-peered")}: 10.30.4.0/24), and Azure cannot peer overlapping VNets: choose a vnetCidr outside the deployer VNet's address space`,
        ],
      );
      assert.deepEqual(deployerVnetProblems(facts, "10.30.0.0/16", "kp-vnet-id"), [
        `cluster.vnetCidr: got "10.30.0.0/16"; cluster.deployerNetwork.vnetId (${vnetNamed("runner-peered")}) is already peered (peering "to-staging") with /subscriptions/x/resourceGroups/platform-staging/providers/Microsoft.Network/virtualNetworks/staging-vnet (10.30.0.0/16), which overlaps it, and Azure refuses a peering to a VNet that overlaps an already peered one (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet): choose a vnetCidr outside the address spaces the deployer VNet is peered with (each AKS stack peered with the same runner VNet needs its own vnetCidr), or remove that peering`,
      ]);
      // Peerings wait for the cluster VNet's id (its own peering overlaps by definition).
      assert.deepEqual(deployerVnetProblems(facts, "10.30.0.0/16"), []);
      assert.deepEqual(deployerVnetProblems(facts, "10.31.0.0/16", "kp-vnet-id"), []);
    });

    it("overlappingPrefixes: any shared address, both directions; IPv6 prefixes skipped", function () {
      assert.deepEqual(
        overlappingPrefixes(["10.0.0.0/8", "10.31.0.0/16", "10.30.255.0/24"], "10.30.0.0/16"),
        ["10.0.0.0/8", "10.30.255.0/24"],
      );
      assert.deepEqual(
        overlappingPrefixes(["10.29.255.255/32", "10.31.0.0/16", "fd00::/8"], "10.30.0.0/16"),
        [],
      );
      assert.deepEqual(overlappingPrefixes(["10.30.0.0/16"], "fd00::/8"), []);
    });
  });

  describe("planned maintenance", function () {
    it("schedules channel upgrades and node OS upgrades in the configured weekly window", function () {
      const configs = prod.ofType(T.maintenance);
      assert.deepEqual(
        configs.map((m) => [m.name, m.inputs.configName]),
        [
          ["kp-maintenance-upgrades", "aksManagedAutoUpgradeSchedule"],
          ["kp-maintenance-node-os", "aksManagedNodeOSUpgradeSchedule"],
        ],
      );
      for (const m of configs) {
        assert.equal(m.inputs.resourceGroupName, "kp-rg");
        assert.equal(m.inputs.resourceName, "kp-prod");
        assert.deepEqual(m.inputs.maintenanceWindow, {
          schedule: { weekly: { dayOfWeek: "Sunday", intervalWeeks: 1 } },
          durationHours: 4,
          startTime: "03:00",
          utcOffset: "+00:00",
        });
      }
    });

    it("is written after the user pools (AKS refuses cluster writes during an agent pool operation)", function () {
      const pools = prod.ofType(T.pool).map((p) => p.urn);
      assert.equal(pools.length, 2);
      for (const m of prod.ofType(T.maintenance)) {
        for (const pool of pools) assert.ok(m.dependsOn.includes(pool), `${m.name} after ${pool}`);
      }
    });

    it("aksMaintenanceWindowArgs maps the config's window to the API shape", function () {
      assert.deepEqual(
        aksMaintenanceWindowArgs({
          day: "wednesday",
          startTime: "22:30",
          durationHours: 6,
          utcOffset: "-05:00",
        }),
        {
          schedule: { weekly: { dayOfWeek: "Wednesday", intervalWeeks: 1 } },
          durationHours: 6,
          startTime: "22:30",
          utcOffset: "-05:00",
        },
      );
    });
  });

  describe("pure functions", function () {
    const sample = mockAksUserKubeconfig(
      "kp-prod",
      "https://kp-prod-abc.hcp.westeurope.azmk8s.io:443",
      "exec",
    );

    it("parseAksKubeconfig reads server, CA and server id; rejects a non-exec kubeconfig", function () {
      assert.deepEqual(parseAksKubeconfig(sample), {
        server: "https://kp-prod-abc.hcp.westeurope.azmk8s.io:443",
        certificateAuthorityData: AZURE_MOCK.caData,
        serverId: AZURE_MOCK.aksServerId,
      });
      const legacy = mockAksUserKubeconfig("kp-prod", "https://x:443", "azure");
      assert.throws(() => parseAksKubeconfig(legacy), /--server-id/);
    });

    it("aksAzureCliKubeconfig rewrites devicecode login into azurecli login, dropping tenant/client ids", function () {
      const kc = parse(aksAzureCliKubeconfig(sample, "kp-prod"));
      const exec = kc.users[0].user.exec;
      assert.deepEqual(exec.args, [
        "get-token",
        "--login",
        "azurecli",
        "--server-id",
        AZURE_MOCK.aksServerId,
      ]);
      assert.equal(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
      assert.ok(!JSON.stringify(kc).includes("devicecode"));
      assert.equal(kc.contexts[0].context.user, kc.users[0].name);
      assert.equal(kc.contexts[0].context.cluster, kc.clusters[0].name);
    });

    it("keyVaultName: <= 24 valid characters, deterministic, distinct per seed", function () {
      const seeds = ["/subscriptions/a/resourceGroups/rg1/x", "/subscriptions/b/resourceGroups/rg1/x"];
      const [a, b] = seeds.map((s) => keyVaultName("vault-unseal-for-a-very-long-platform", s));
      assert.notEqual(a, b);
      assert.equal(keyVaultName("vault-unseal-for-a-very-long-platform", seeds[0]), a);
      for (const n of [a, b, keyVaultName("9--Weird__Name--", "s"), keyVaultName("", "s")]) {
        assert.ok(n.length >= 3 && n.length <= 24, n);
        assert.match(n, /^[a-z][a-z0-9-]*[a-z0-9]$/);
        assert.ok(!n.includes("--"), n);
      }
    });

    it("aksNodeTaints validates and adds CriticalAddonsOnly to the system pool once", function () {
      assert.deepEqual(aksNodeTaints([], true), [CRITICAL_ADDONS_ONLY_TAINT]);
      assert.deepEqual(aksNodeTaints([CRITICAL_ADDONS_ONLY_TAINT], true), [CRITICAL_ADDONS_ONLY_TAINT]);
      assert.deepEqual(aksNodeTaints(["a=b:NoExecute"], false), ["a=b:NoExecute"]);
      assert.throws(() => aksNodeTaints(["a=b"], false), /invalid taint/);
      assert.throws(() => aksNodeTaints(["a=b:Sometimes"], false), /invalid taint/);
    });

    it("parseVnetId reads a VNet ARM id and rejects anything else", function () {
      assert.deepEqual(parseVnetId(RUNNER_VNET_ID), {
        subscriptionId: AZURE_MOCK.subscriptionId,
        resourceGroup: "ci-runners",
        name: "runner-vnet",
      });
      assert.deepEqual(
        parseVnetId(
          "/subscriptions/AAAAAAAA-0000-0000-0000-000000000000/resourcegroups/Net_RG/providers/microsoft.network/virtualNetworks/hub.vnet_1",
        ),
        {
          subscriptionId: "aaaaaaaa-0000-0000-0000-000000000000",
          resourceGroup: "Net_RG",
          name: "hub.vnet_1",
        },
      );
      for (const bad of [
        "runner-vnet",
        "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
        `${RUNNER_VNET_ID}/subnets/default`,
        RUNNER_VNET_ID.replace("virtualNetworks", "networkSecurityGroups"),
      ]) {
        assert.equal(parseVnetId(bad), undefined, bad);
      }
    });

    it("aksPrivateDnsZoneName drops the host label of the private FQDN", function () {
      assert.equal(
        aksPrivateDnsZoneName(
          "kp-prod-2fc44ihq.ec2ccfad-dd02-4ef6-8ce0-e3f276ae86aa.privatelink.westeurope.azmk8s.io",
        ),
        "ec2ccfad-dd02-4ef6-8ce0-e3f276ae86aa.privatelink.westeurope.azmk8s.io",
      );
      assert.throws(() => aksPrivateDnsZoneName(""), /unexpected AKS private FQDN/);
      assert.throws(() => aksPrivateDnsZoneName("kp-prod-abc.hcp.westeurope.azmk8s.io"), /privatelink/);
    });

    it("aksPoolName rejects names AKS would reject", function () {
      assert.equal(aksPoolName("system1"), "system1");
      for (const bad of ["System", "1pool", "pool-a", "waytoolongname"])
        assert.throws(() => aksPoolName(bad));
    });

    it("aksPoolArgs keeps system pools at >= 1 node and rejects max < min", function () {
      const base = prodSettings.systemPool;
      assert.equal(aksPoolArgs({ ...base, minNodes: 0 }, "System", prodSettings).minCount, 1);
      assert.equal(aksPoolArgs({ ...base, minNodes: 0 }, "User", prodSettings).minCount, 0);
      assert.throws(
        () => aksPoolArgs({ ...base, minNodes: 4, maxNodes: 3 }, "User", prodSettings),
        /maxNodes/,
      );
    });

    it("aksAvailabilityZones normalizes display names", function () {
      assert.deepEqual(aksAvailabilityZones("West Europe"), ["1", "2", "3"]);
      assert.equal(aksAvailabilityZones("northcentralus"), undefined);
    });

    it("serviceAccountSubject and aksVersionManagedByChannel", function () {
      assert.equal(serviceAccountSubject({ namespace: "ns", name: "sa" }), "system:serviceaccount:ns:sa");
      assert.equal(aksVersionManagedByChannel("patch"), false);
      assert.equal(aksVersionManagedByChannel("node-image"), false);
      assert.equal(aksVersionManagedByChannel("rapid"), true);
    });
  });
});
