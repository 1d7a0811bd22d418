import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import {
  AksSettings,
  BoundIdentity,
  ClusterComponentOptions,
  ManagedCluster,
  NodePoolSettings,
  SealStanza,
  ServiceAccountRef,
  UnsealKms,
  WorkloadIdentity,
} from "./types";
import { assertNodePools, parseTaint, serviceAccountSubject, shortHash } from "./shared";

/* ------------------------------------------------------------------------------------------ */
/* Pure helpers (exported for tests).                                                          */
/* ------------------------------------------------------------------------------------------ */

/** Built-in Azure role definition ids (identical in every subscription and tenant). */
export const AZURE_ROLES = {
  /** "Network Contributor": lets the AKS control plane join nodes and load balancers to our subnet. */
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  /** "Key Vault Crypto User": get/wrapKey/unwrapKey on keys of an RBAC-mode vault, nothing else. */
  keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
} as const;

/** The subscription-scoped id of a built-in role definition. */
export function roleDefinitionId(subscriptionId: string, roleGuid: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** The audience Entra ID expects on projected service account tokens (Azure workload identity). */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** The taint that keeps everything but critical add-ons (tolerating it) off the system pool (CKV_AZURE_232). */
export const CRITICAL_ADDONS_ONLY_TAINT = "CriticalAddonsOnly=true:NoSchedule";

/**
 * Validates taints in the `key=value:Effect` form AKS takes verbatim and, for the system pool, adds
 * `CriticalAddonsOnly=true:NoSchedule` (once).
 */
export function aksNodeTaints(taints: string[], systemPool: boolean): string[] {
  taints.forEach(parseTaint);
  if (
    !systemPool ||
    taints.some((t) => t.startsWith("CriticalAddonsOnly=") || t.startsWith("CriticalAddonsOnly:"))
  ) {
    return [...taints];
  }
  return [...taints, CRITICAL_ADDONS_ONLY_TAINT];
}

/** AKS Linux pool names: 1-12 lowercase letters/digits, starting with a letter. Rejected, never rewritten. */
export function aksPoolName(name: string): string {
  if (!/^[a-z][a-z0-9]{0,11}$/.test(name)) {
    throw new Error(
      `invalid AKS node pool name "${name}": 1-12 lowercase letters or digits, starting with a letter`,
    );
  }
  return name;
}

/**
 * Azure regions (programmatic names) with availability zones, from Microsoft's "Azure regions list"
 * (learn.microsoft.com/azure/reliability/regions-list). An allow-list on purpose: a region missing
 * here only loses zone spreading, while asking for zones where there are none fails pool creation.
 */
export const AZURE_ZONAL_REGIONS: ReadonlySet<string> = new Set([
  "australiaeast",
  "austriaeast",
  "belgiumcentral",
  "brazilsouth",
  "canadacentral",
  "centralindia",
  "centralus",
  "chinanorth3",
  "eastasia",
  "eastus",
  "eastus2",
  "francecentral",
  "germanywestcentral",
  "indonesiacentral",
  "israelcentral",
  "italynorth",
  "japaneast",
  "japanwest",
  "koreacentral",
  "mexicocentral",
  "newzealandnorth",
  "northeurope",
  "norwayeast",
  "polandcentral",
  "qatarcentral",
  "southafricanorth",
  "southcentralus",
  "southeastasia",
  "spaincentral",
  "swedencentral",
  "switzerlandnorth",
  "uaenorth",
  "uksouth",
  "usgovvirginia",
  "westeurope",
  "westus2",
  "westus3",
]);

/**
 * The zones every pool spreads over: ["1","2","3"] where the region has zones, none elsewhere.
 * Zones are fixed at pool creation, so this depends only on the location.
 */
export function aksAvailabilityZones(location: string): string[] | undefined {
  const normalized = location.toLowerCase().replace(/\s+/g, "");
  return AZURE_ZONAL_REGIONS.has(normalized) ? ["1", "2", "3"] : undefined;
}

/**
 * Whether AKS, not the settings, owns the Kubernetes version: the "stable" and "rapid" channels move
 * clusters to new minor versions, so re-applying the configured minor would be a downgrade (rejected).
 * With "patch" (latest patch of the configured minor) and "node-image" the settings own it.
 */
export function aksVersionManagedByChannel(channel: AksSettings["upgradeChannel"]): boolean {
  return channel === "stable" || channel === "rapid";
}

/** The settings of one pool, shared by the inline system pool and the separate user `AgentPool`s. */
export interface AksPoolArgs {
  mode: "System" | "User";
  type: "VirtualMachineScaleSets";
  osType: "Linux";
  vmSize: string;
  /** Initial size only: autoscaled afterwards (ignoreChanges). */
  count: number;
  enableAutoScaling: true;
  minCount: number;
  maxCount: number;
  osDiskSizeGB: number;
  enableNodePublicIP: false;
  availabilityZones: string[] | undefined;
  nodeLabels: Record<string, string>;
  nodeTaints: string[];
  orchestratorVersion: string;
  tags: Record<string, string>;
}

export function aksPoolArgs(
  pool: NodePoolSettings,
  mode: "System" | "User",
  settings: Pick<AksSettings, "location" | "kubernetesVersion" | "tags">,
): AksPoolArgs {
  aksPoolName(pool.name);
  const minCount = mode === "System" ? Math.max(1, pool.minNodes) : pool.minNodes;
  if (pool.maxNodes < minCount || pool.maxNodes < 1) {
    throw new Error(`AKS pool ${pool.name}: maxNodes (${pool.maxNodes}) must be >= max(minNodes, 1)`);
  }
  return {
    mode,
    type: "VirtualMachineScaleSets",
    osType: "Linux",
    vmSize: pool.machineType,
    count: Math.max(1, minCount),
    enableAutoScaling: true,
    minCount,
    maxCount: pool.maxNodes,
    osDiskSizeGB: pool.diskSizeGb,
    // CKV_AZURE_143: nodes only have private addresses; egress goes through the standard load balancer.
    enableNodePublicIP: false,
    availabilityZones: aksAvailabilityZones(settings.location),
    nodeLabels: { ...pool.labels },
    nodeTaints: aksNodeTaints(pool.taints, mode === "System"),
    orchestratorVersion: settings.kubernetesVersion,
    tags: { ...settings.tags },
  };
}

/** What the AKS-issued kubeconfig says about the API server. */
export interface AksKubeconfigParts {
  server: string;
  certificateAuthorityData: string;
  /** The Entra ID application of the AKS API server (`--server-id` of kubelogin). */
  serverId: string;
}

interface KubeconfigDoc {
  clusters?: { cluster?: { server?: string; "certificate-authority-data"?: string } }[];
  users?: { user?: { exec?: { args?: string[] } } }[];
}

/**
 * Reads server, CA and kubelogin server id from the kubeconfig AKS returns for
 * `listClusterUserCredential?format=exec` (one cluster, one kubelogin exec user).
 */
export function parseAksKubeconfig(kubeconfigYaml: string): AksKubeconfigParts {
  const doc = parseYaml(kubeconfigYaml) as KubeconfigDoc | null;
  const cluster = doc?.clusters?.[0]?.cluster;
  const args = doc?.users?.[0]?.user?.exec?.args ?? [];
  const idIndex = args.indexOf("--server-id");
  const serverId =
    idIndex >= 0 ? args[idIndex + 1] : args.find((a) => a.startsWith("--server-id="))?.split("=")[1];
  const server = cluster?.server;
  const ca = cluster?.["certificate-authority-data"];
  if (!server || !ca || !serverId) {
    throw new Error(
      "unexpected AKS kubeconfig: need clusters[0].cluster.server, certificate-authority-data and a kubelogin " +
        "exec user with --server-id (request the credentials with format=exec on an Entra ID cluster)",
    );
  }
  return { server, certificateAuthorityData: ca, serverId };
}

/**
 * Rewrites the AKS user kubeconfig (interactive `kubelogin --login devicecode`) into a non-interactive one
 * that takes the token of the logged-in Azure CLI (`az login` locally, azure/login in CI):
 * `kubelogin get-token --login azurecli --server-id <id>` — what `kubelogin convert-kubeconfig -l azurecli`
 * produces. No token is stored, so refreshes never change it. Returned as JSON (valid YAML).
 */
export function aksAzureCliKubeconfig(kubeconfigYaml: string, clusterName: string): string {
  const parts = parseAksKubeconfig(kubeconfigYaml);
  const user = `${clusterName}-azurecli`;
  return JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: clusterName,
          cluster: { server: parts.server, "certificate-authority-data": parts.certificateAuthorityData },
        },
      ],
      contexts: [{ name: clusterName, context: { cluster: clusterName, user } }],
      "current-context": clusterName,
      users: [
        {
          name: user,
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "kubelogin",
              args: ["get-token", "--login", "azurecli", "--server-id", parts.serverId],
              interactiveMode: "Never",
              provideClusterInfo: false,
              installHint:
                "kubelogin is required (https://azure.github.io/kubelogin/) and an Azure CLI session (az login).",
            },
          },
        },
      ],
    },
    null,
    2,
  );
}

/**
 * A Key Vault name (3-24 characters, letters/digits/hyphens, starting with a letter, no "--") made of
 * `base` and a hash of `seed`: vault names are global across Azure, so the hash (of the resource group
 * id, which contains the subscription) keeps two platforms from colliding.
 */
export function keyVaultName(base: string, seed: string): string {
  const hash = shortHash(seed, 8);
  let prefix = base
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[^a-z]+/, "");
  prefix = prefix.slice(0, 24 - hash.length - 1).replace(/-+$/, "");
  if (!prefix) prefix = "kv";
  return `${prefix}-${hash}`;
}

/* ------------------------------------------------------------------------------------------ */
/* The component.                                                                             */
/* ------------------------------------------------------------------------------------------ */

/**
 * An AKS cluster: resource group, VNet with a separate node Subnet, a user-assigned control-plane identity
 * (Network Contributor on the subnet), the ManagedCluster (Azure CNI Overlay + Cilium, Entra ID + Azure
 * RBAC, OIDC issuer + workload identity), user node pools as separate AgentPools, a kubelogin (Azure CLI)
 * kubeconfig, and Azure workload identity / Key Vault for Vault auto-unseal.
 */
export class AksCluster extends pulumi.ComponentResource implements ManagedCluster {
  readonly target = "aks" as const;
  readonly clusterName: pulumi.Output<string>;
  readonly region: string;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly ready: pulumi.Resource[];
  /** The cloud ships the CSI driver and the default StorageClass. */
  readonly storageReady: pulumi.Resource[] = [];
  readonly defaultStorageClass: pulumi.Output<string>;
  readonly loadBalancer: ManagedCluster["loadBalancer"] = { addressKind: "ip", serviceAnnotations: {} };
  /** AKS runs metrics-server as a managed add-on. */
  readonly hasMetricsApi = true;
  readonly nodeAutoscaling = { kind: "native" } as const;
  readonly workloadIdentity: WorkloadIdentity;
  readonly unsealKms: UnsealKms;

  readonly resourceGroup: resources.ResourceGroup;
  readonly vnet: network.VirtualNetwork;
  readonly subnet: network.Subnet;
  readonly controlPlaneIdentity: managedidentity.UserAssignedIdentity;
  readonly cluster: containerservice.ManagedCluster;
  readonly userPools: containerservice.AgentPool[];

  constructor(name: string, settings: AksSettings, opts?: ClusterComponentOptions) {
    super("kube-platform:cluster:AksCluster", name, {}, opts);
    assertNodePools("AKS", [settings.systemPool, ...settings.nodePools]);
    const protect = settings.protect;
    const tags = { ...settings.tags };
    this.region = settings.location;
    const clientConfig = authorization.getClientConfigOutput({ parent: this });

    this.resourceGroup = new resources.ResourceGroup(
      `${name}-rg`,
      { location: settings.location, tags },
      { parent: this, protect },
    );
    const rgName = this.resourceGroup.name;

    // Subnets are separate resources, never inline `subnets` on the VNet: azure-native keeps existing
    // subnets when the property is absent (pulumi-azure-native #611), so VNet updates don't touch them.
    this.vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        resourceGroupName: rgName,
        location: settings.location,
        addressSpace: { addressPrefixes: [settings.vnetCidr] },
        tags,
      },
      { parent: this, protect },
    );
    this.subnet = new network.Subnet(
      `${name}-nodes`,
      {
        resourceGroupName: rgName,
        virtualNetworkName: this.vnet.name,
        addressPrefix: settings.nodeSubnetCidr,
      },
      { parent: this, protect },
    );

    this.controlPlaneIdentity = new managedidentity.UserAssignedIdentity(
      `${name}-cp`,
      { resourceGroupName: rgName, location: settings.location, tags },
      { parent: this },
    );
    const subnetNetworkContributor = new authorization.RoleAssignment(
      `${name}-cp-subnet`,
      {
        principalId: this.controlPlaneIdentity.principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: clientConfig.subscriptionId.apply((s) =>
          roleDefinitionId(s, AZURE_ROLES.networkContributor),
        ),
        scope: this.subnet.id,
      },
      { parent: this },
    );

    const system = aksPoolArgs(settings.systemPool, "System", settings);
    const versionByChannel = aksVersionManagedByChannel(settings.upgradeChannel);

    // Node pools. AKS cannot create a cluster without a System pool, and agent pools added later must go
    // through the agentPools API ("A new agent pool was introduced…", pulumi-azure-native #579), so:
    //  - the SYSTEM pool is the single inline `agentPoolProfiles` entry. It is never removed or renamed, so
    //    every later cluster PUT names the same, existing pool and AKS updates it in place (min/max, version,
    //    labels). Ignoring the whole `agentPoolProfiles` instead would make Pulumi re-send the creation-time
    //    profile forever, reverting changes and failing once that pool is gone (pulumi-azure-native #2719).
    //    Only its autoscaled `count` is ignored (as `count` on the AgentPools). Pulumi then re-sends the last
    //    known count on other updates and AKS rejects a count differing from the live one on an autoscaled
    //    pool (hashicorp/terraform-provider-azurerm #4543), so deploy with `--refresh` to make the live count
    //    the known one. Editing the system pool briefly puts all pools in "Scaling"
    //    (pulumi-azure-native #4264, Azure behaviour), so it is kept small and rarely changed.
    //  - USER pools are separate `containerservice.AgentPool` resources: added, resized, upgraded or removed
    //    with per-pool operations, never touching the cluster resource.
    const clusterIgnore = ["agentPoolProfiles[0].count"];
    if (versionByChannel) clusterIgnore.push("kubernetesVersion", "agentPoolProfiles[0].orchestratorVersion");

    this.cluster = new containerservice.ManagedCluster(
      `${name}-aks`,
      {
        resourceGroupName: rgName,
        resourceName: settings.clusterName,
        location: settings.location,
        dnsPrefix: settings.clusterName,
        // "<major>.<minor>": AKS picks the latest patch and the "patch" channel keeps it current.
        kubernetesVersion: settings.kubernetesVersion,
        identity: { type: "UserAssigned", userAssignedIdentities: [this.controlPlaneIdentity.id] },
        // CKV_AZURE_170: the uptime SLA comes with the Standard tier.
        sku: { name: "Base", tier: settings.skuTier },
        // CKV_AZURE_5.
        enableRBAC: true,
        // CKV_AZURE_141: no static cluster-admin certificate; Entra ID only.
        disableLocalAccounts: settings.disableLocalAccounts,
        aadProfile: {
          managed: true,
          enableAzureRBAC: true,
          adminGroupObjectIDs: settings.adminGroupObjectIds,
          tenantID: clientConfig.tenantId,
        },
        // CKV_AZURE_115 (private API server) or CKV_AZURE_6 (authorized ranges; not allowed with private).
        apiServerAccessProfile: settings.privateCluster
          ? { enablePrivateCluster: true }
          : { enablePrivateCluster: false, authorizedIPRanges: settings.authorizedIpRanges },
        // CKV2_AZURE_29 Azure CNI, in overlay mode (pods get podCidr addresses, not VNet ones) with the
        // Cilium eBPF dataplane; CKV_AZURE_7 network policy enforced by Cilium.
        networkProfile: {
          networkPlugin: "azure",
          networkPluginMode: "overlay",
          networkDataplane: "cilium",
          networkPolicy: "cilium",
          podCidr: settings.podCidr,
          serviceCidr: settings.serviceCidr,
          dnsServiceIP: settings.dnsServiceIp,
          loadBalancerSku: "standard",
          outboundType: "loadBalancer",
        },
        oidcIssuerProfile: { enabled: true },
        securityProfile: { workloadIdentity: { enabled: true } },
        // CKV_AZURE_171.
        autoUpgradeProfile: { upgradeChannel: settings.upgradeChannel, nodeOSUpgradeChannel: "NodeImage" },
        storageProfile: { diskCSIDriver: { enabled: true } },
        agentPoolProfiles: [{ name: settings.systemPool.name, vnetSubnetID: this.subnet.id, ...system }],
        tags,
      },
      { parent: this, protect, dependsOn: [subnetNetworkContributor], ignoreChanges: clusterIgnore },
    );

    const poolIgnore = versionByChannel ? ["count", "orchestratorVersion"] : ["count"];
    this.userPools = settings.nodePools.map((pool) => {
      return new containerservice.AgentPool(
        `${name}-pool-${pool.name}`,
        {
          resourceGroupName: rgName,
          resourceName: this.cluster.name,
          agentPoolName: pool.name,
          vnetSubnetID: this.subnet.id,
          ...aksPoolArgs(pool, "User", settings),
        },
        // VM size / zones / disk changes replace a pool; its name is fixed, so the old one goes first.
        { parent: this, ignoreChanges: poolIgnore, deleteBeforeReplace: true },
      );
    });

    this.clusterName = this.cluster.name;
    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
      { resourceGroupName: rgName, resourceName: this.cluster.name, format: "exec" },
      { parent: this },
    );
    this.kubeconfig = pulumi.secret(
      pulumi.all([credentials.kubeconfigs, this.cluster.name]).apply(([kubeconfigs, clusterName]) => {
        if (!kubeconfigs?.length) throw new Error(`AKS returned no user kubeconfig for ${clusterName}`);
        return aksAzureCliKubeconfig(
          Buffer.from(kubeconfigs[0].value, "base64").toString("utf8"),
          clusterName,
        );
      }),
    );
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      // The ARM id never changes with credentials, so the provider (and everything under it) is never replaced.
      { kubeconfig: this.kubeconfig, clusterIdentifier: this.cluster.id },
      { parent: this },
    );
    this.ready = [this.cluster, ...this.userPools];
    this.defaultStorageClass = pulumi.output("managed-csi");

    const cluster = this.cluster;
    const resourceGroup = this.resourceGroup;

    this.workloadIdentity = {
      mechanism: "azure-workload-identity",
      bindServiceAccount(idName: string, sa: ServiceAccountRef, parent: pulumi.Resource): BoundIdentity {
        const identity = new managedidentity.UserAssignedIdentity(
          `${idName}-identity`,
          { resourceGroupName: resourceGroup.name, location: settings.location, tags },
          { parent },
        );
        const federation = new managedidentity.FederatedIdentityCredential(
          `${idName}-federation`,
          {
            resourceGroupName: resourceGroup.name,
            resourceName: identity.name,
            issuer: cluster.oidcIssuerProfile.apply((p) => {
              if (!p?.issuerURL)
                throw new Error(`AKS cluster ${settings.clusterName} has no OIDC issuer URL`);
              return p.issuerURL;
            }),
            subject: serviceAccountSubject(sa),
            audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
          },
          { parent },
        );
        return {
          // Wait for the federation: a pod started before it exists gets token-exchange errors.
          serviceAccountAnnotations: pulumi
            .all([identity.clientId, federation.id])
            .apply(([clientId]): Record<string, string> => ({
              "azure.workload.identity/client-id": clientId,
            })),
          podLabels: { "azure.workload.identity/use": "true" },
          principal: identity.principalId,
        };
      },
    };

    this.unsealKms = {
      createUnsealKey(
        keyName: string,
        identity: BoundIdentity,
        parent: pulumi.Resource,
      ): pulumi.Output<SealStanza> {
        const vault = new keyvault.Vault(
          `${keyName}-kv`,
          {
            resourceGroupName: resourceGroup.name,
            location: settings.location,
            vaultName: pulumi.interpolate`${resourceGroup.id}/${keyName}`.apply((seed) =>
              keyVaultName(keyName, seed),
            ),
            properties: {
              tenantId: clientConfig.tenantId,
              sku: { family: "A", name: "standard" },
              enableRbacAuthorization: true,
              enableSoftDelete: true,
              softDeleteRetentionInDays: 90,
              enablePurgeProtection: true,
            },
            tags,
          },
          { parent, protect },
        );
        const key = new keyvault.Key(
          `${keyName}-key`,
          {
            resourceGroupName: resourceGroup.name,
            vaultName: vault.name,
            keyName: "vault-unseal",
            properties: { kty: "RSA", keySize: 3072, keyOps: ["wrapKey", "unwrapKey"] },
            tags,
          },
          { parent, protect },
        );
        const grant = new authorization.RoleAssignment(
          `${keyName}-crypto-user`,
          {
            principalId: identity.principal,
            principalType: "ServicePrincipal",
            roleDefinitionId: clientConfig.subscriptionId.apply((s) =>
              roleDefinitionId(s, AZURE_ROLES.keyVaultCryptoUser),
            ),
            // Scoped to the one key, not the vault.
            scope: key.id,
          },
          { parent },
        );
        return pulumi
          .all([clientConfig.tenantId, vault.name, key.name, grant.id])
          .apply(([tenantId, vaultName, kName]): SealStanza => ({
            type: "azurekeyvault",
            attributes: { tenant_id: tenantId, vault_name: vaultName, key_name: kName },
          }));
      },
    };

    this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig });
  }
}
