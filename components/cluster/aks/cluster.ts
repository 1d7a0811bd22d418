/**
 * The AKS ManagedCluster (Azure CNI Overlay + Cilium, Entra ID + Azure RBAC, OIDC issuer + workload
 * identity) with its inline System pool, the user pools as separate AgentPools, and the access to it:
 * the kubelogin (Azure CLI) kubeconfig and the Kubernetes provider.
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AksSettings } from "../types";
import { aksAzureCliKubeconfig } from "./kubeconfig";
import { aksPoolArgs, aksVersionManagedByChannel } from "./pools";

/** What the cluster is built in and with. */
export interface AksClusterArgs {
  resourceGroupName: pulumi.Output<string>;
  subnet: network.Subnet;
  controlPlaneIdentity: managedidentity.UserAssignedIdentity;
  tenantId: pulumi.Output<string>;
  /** The cluster's tags, known once the deployer's VNet has been checked. */
  tags: pulumi.Output<Record<string, string>>;
  dependsOn: pulumi.Resource[];
}

/**
 * Node pools. AKS cannot create a cluster without a System pool, and agent pools added later must go
 * through the agentPools API ("A new agent pool was introduced…", pulumi-azure-native #579), so:
 *  - the SYSTEM pool is the single inline `agentPoolProfiles` entry. It is never removed or renamed, so
 *    every later cluster PUT names the same, existing pool and AKS updates it in place (min/max, version,
 *    labels). Ignoring the whole `agentPoolProfiles` instead would make Pulumi re-send the creation-time
 *    profile forever, reverting changes and failing once that pool is gone (pulumi-azure-native #2719).
 *    Only its autoscaled `count` is ignored (as `count` on the AgentPools). Pulumi then re-sends the last
 *    known count on other updates and AKS rejects a count differing from the live one on an autoscaled
 *    pool (hashicorp/terraform-provider-azurerm #4543), so deploy with `--refresh` to make the live count
 *    the known one. Editing the system pool briefly puts all pools in "Scaling"
 *    (pulumi-azure-native #4264, Azure behaviour), so it is kept small and rarely changed.
 *  - USER pools are separate `containerservice.AgentPool` resources (aksUserPools): added, resized,
 *    upgraded or removed with per-pool operations, never touching the cluster resource.
 */
export function aksManagedCluster(
  name: string,
  settings: AksSettings,
  args: AksClusterArgs,
  parent: pulumi.Resource,
): containerservice.ManagedCluster {
  const system = aksPoolArgs(settings.systemPool, "System", settings);
  const clusterIgnore = ["agentPoolProfiles[0].count"];
  if (aksVersionManagedByChannel(settings.upgradeChannel)) {
    clusterIgnore.push("kubernetesVersion", "agentPoolProfiles[0].orchestratorVersion");
  }
  return new containerservice.ManagedCluster(
    `${name}-aks`,
    {
      resourceGroupName: args.resourceGroupName,
      resourceName: settings.clusterName,
      location: settings.location,
      dnsPrefix: settings.clusterName,
      // "<major>.<minor>": AKS picks the latest patch and the "patch" channel keeps it current.
      kubernetesVersion: settings.kubernetesVersion,
      identity: { type: "UserAssigned", userAssignedIdentities: [args.controlPlaneIdentity.id] },
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
        tenantID: args.tenantId,
      },
      // CKV_AZURE_115 (private API server) or CKV_AZURE_6 (authorized ranges; not allowed with private).
      // A private cluster keeps the AKS-managed private DNS zone ("system", the API default, stated because
      // the deployer's VNet is linked to it) rather than "none", which would publish the private IP in
      // public DNS and can never be changed back (AKS "Create a private AKS cluster").
      apiServerAccessProfile: settings.privateCluster
        ? { enablePrivateCluster: true, privateDNSZone: "system" }
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
      agentPoolProfiles: [{ name: settings.systemPool.name, vnetSubnetID: args.subnet.id, ...system }],
      tags: args.tags,
    },
    { parent, protect: settings.protect, dependsOn: args.dependsOn, ignoreChanges: clusterIgnore },
  );
}

/** The user pools, one AgentPool per `settings.nodePools` entry. */
export function aksUserPools(
  name: string,
  settings: AksSettings,
  args: {
    resourceGroupName: pulumi.Output<string>;
    cluster: containerservice.ManagedCluster;
    subnet: network.Subnet;
  },
  parent: pulumi.Resource,
): containerservice.AgentPool[] {
  const poolIgnore = aksVersionManagedByChannel(settings.upgradeChannel)
    ? ["count", "orchestratorVersion"]
    : ["count"];
  return settings.nodePools.map(
    (pool) =>
      new containerservice.AgentPool(
        `${name}-pool-${pool.name}`,
        {
          resourceGroupName: args.resourceGroupName,
          resourceName: args.cluster.name,
          agentPoolName: pool.name,
          vnetSubnetID: args.subnet.id,
          ...aksPoolArgs(pool, "User", settings),
        },
        // VM size / zones / disk changes replace a pool; its name is fixed, so the old one goes first.
        { parent, ignoreChanges: poolIgnore, deleteBeforeReplace: true },
      ),
  );
}

/** The secret, non-interactive user kubeconfig of `cluster` (kubelogin with the Azure CLI token). */
export function aksKubeconfig(
  resourceGroupName: pulumi.Output<string>,
  cluster: containerservice.ManagedCluster,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const credentials = containerservice.listManagedClusterUserCredentialsOutput(
    { resourceGroupName, resourceName: cluster.name, format: "exec" },
    { parent },
  );
  return pulumi.secret(
    pulumi.all([credentials.kubeconfigs, cluster.name]).apply(([kubeconfigs, clusterName]) => {
      if (!kubeconfigs?.length) throw new Error(`AKS returned no user kubeconfig for ${clusterName}`);
      return aksAzureCliKubeconfig(Buffer.from(kubeconfigs[0].value, "base64").toString("utf8"), clusterName);
    }),
  );
}

/**
 * The Kubernetes provider. It waits for the deployer's grant and path too (`dependsOn`), not only the
 * objects using it: its Configure fetches the API server's schema once, and a failure (no route or name
 * yet) marks the cluster unreachable for the whole run, after which every Create and Update is refused
 * (pulumi-kubernetes provider/pkg/provider/provider.go, Configure: getResources sets clusterUnreachable;
 * Create/Update).
 */
export function aksProvider(
  name: string,
  kubeconfig: pulumi.Output<string>,
  cluster: containerservice.ManagedCluster,
  dependsOn: pulumi.Resource[],
  parent: pulumi.Resource,
): k8s.Provider {
  return new k8s.Provider(
    `${name}-k8s`,
    // The ARM id never changes with credentials, so the provider (and everything under it) is never replaced.
    { kubeconfig, clusterIdentifier: cluster.id },
    { parent, dependsOn },
  );
}
