/**
 * The AksCluster's resources, security rules, dev/prod differences, protection, node pools,
 * kubeconfig and provider, replacement stability and planned maintenance (Pulumi mocks).
 */
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { AZURE_ROLES, CRITICAL_ADDONS_ONLY_TAINT } from "../components/cluster/aks";
import { aksMaintenanceWindowArgs } from "../components/cluster/aks/access";
import { AksSettings } from "../components/cluster/types";
import { ProgramRun } from "../offline/mocks";
import { AZURE_MOCK, mockGuid } from "../offline/mock-state/azure";
import {
  T,
  clusterOf,
  devSettings,
  evaluate,
  obj,
  poolNamed,
  privateSettings,
  prodSettings,
  prodWith,
  systemProfile,
} from "./helpers/aks-cluster";

describe("AksCluster", function () {
  let prod: ProgramRun;
  let dev: ProgramRun;
  before(async function () {
    prod = await evaluate(prodSettings, "prod");
    dev = await evaluate(devSettings, "dev");
  });

  describe("resources", function () {
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
      assert.deepEqual(access.authorizedIPRanges, ["198.18.113.0/24", "198.19.100.7/32"]);
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
      const run = await evaluate(prodWith({ upgradeChannel: "stable" }));
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
  });

  describe("replacement stability", function () {
    it("node counts and the Kubernetes version never change replacement-forcing inputs", async function () {
      const bumped: AksSettings = prodWith({
        kubernetesVersion: "1.35",
        systemPool: { ...prodSettings.systemPool, minNodes: 4, maxNodes: 9 },
        nodePools: prodSettings.nodePools.map((p) => ({
          ...p,
          minNodes: p.minNodes + 1,
          maxNodes: p.maxNodes + 5,
        })),
      });
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
});
