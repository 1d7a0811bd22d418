/**
 * The AKS target. The class wires the free functions of this folder: network.ts (resource group, VNet,
 * node subnet), identity.ts (control-plane identity, workload identity, Key Vault unseal keys),
 * cluster.ts (the ManagedCluster, user pools, kubeconfig and provider), access.ts (what a first
 * `pulumi up` needs: the deployer's grant and network path, the maintenance windows), deployer-vnet.ts,
 * and the pure ids.ts, pools.ts and kubeconfig.ts.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { AksSettings, ClusterComponentOptions } from "../types";
import { assertNodePools } from "../shared";
import { IdentityClusterComponent } from "../contract";
import { aksMaintenanceConfigurations, deployerAccess } from "./access";
import { aksKubeconfig, aksManagedCluster, aksProvider, aksUserPools } from "./cluster";
import { aksDeployerVnet, deployerVnetReady } from "./deployer-vnet";
import { aksUnsealKms, aksWorkloadIdentity, controlPlaneIdentity } from "./identity";
import { aksDns } from "./dns";
import { aksNetwork } from "./network";
import { LOAD_BALANCER_SERVICE_ANNOTATIONS, MANAGED_CAPABILITIES } from "../capabilities";

export { AZURE_ROLES, keyVaultName, roleDefinitionId } from "./ids";
export { aksDeployerVnet } from "./deployer-vnet";
export { aksAzureCliKubeconfig, parseAksKubeconfig } from "./kubeconfig";
export type { AksKubeconfigParts } from "./kubeconfig";
export {
  AZURE_ZONAL_REGIONS,
  CRITICAL_ADDONS_ONLY_TAINT,
  aksAvailabilityZones,
  aksNodeTaints,
  aksPoolArgs,
  aksPoolName,
  aksVersionManagedByChannel,
} from "./pools";
export type { AksPoolArgs } from "./pools";
export { AZURE_CLIENT_ID_ANNOTATION, AZURE_TOKEN_EXCHANGE_AUDIENCE } from "./identity";
export { dnsRoleGrants, dnsZoneScope, grantScope, resourceGroupScope } from "./dns";
export type { DnsRoleGrant } from "./dns";

/**
 * An AKS cluster: resource group, VNet with a separate node Subnet, a user-assigned control-plane identity
 * (Network Contributor on the subnet), the ManagedCluster (Azure CNI Overlay + Cilium, Entra ID + Azure
 * RBAC, OIDC issuer + workload identity), user node pools as separate AgentPools, a kubelogin (Azure CLI)
 * kubeconfig, and Azure workload identity / Key Vault for Vault auto-unseal. For the first `pulumi up`:
 * the deploying identity's AKS RBAC Cluster Admin grant (and its propagation wait), the peering and DNS
 * link to the deployer's VNet of a private cluster, and the planned-maintenance windows (access.ts).
 */
export class AksCluster extends IdentityClusterComponent {
  readonly target = "aks" as const;
  readonly resourceGroup: resources.ResourceGroup;
  readonly vnet: network.VirtualNetwork;
  readonly subnet: network.Subnet;
  readonly controlPlaneIdentity: managedidentity.UserAssignedIdentity;
  readonly cluster: containerservice.ManagedCluster;
  readonly userPools: containerservice.AgentPool[];
  /** Planned-maintenance windows: auto-upgrade channel and node OS channel. */
  readonly maintenance: containerservice.MaintenanceConfiguration[];

  constructor(name: string, settings: AksSettings, opts?: ClusterComponentOptions) {
    super("kube-platform:cluster:AksCluster", name, opts);
    assertNodePools("AKS", [settings.systemPool, ...settings.nodePools], "aks");
    const clientConfig = authorization.getClientConfigOutput({ parent: this });
    const deployerVnet = aksDeployerVnet(settings);
    if (!settings.grantDeployerClusterAdmin && settings.adminGroupObjectIds.length === 0) {
      throw new Error(
        "AKS: with grantDeployerClusterAdmin false, adminGroupObjectIds must name a group of the deploying identity",
      );
    }

    const net = aksNetwork(name, settings, this);
    this.resourceGroup = net.resourceGroup;
    this.vnet = net.vnet;
    this.subnet = net.subnet;
    const rgName = this.resourceGroup.name;
    const controlPlane = controlPlaneIdentity(
      name,
      settings,
      { resourceGroupName: rgName, subnet: this.subnet, clientConfig },
      this,
    );
    this.controlPlaneIdentity = controlPlane.identity;

    // A private cluster's deployer VNet is read first: a peering Azure would refuse fails here, before the
    // cluster build, rather than after it (deployer-vnet.ts). The cluster's tags wait for the check.
    const deployerVnetOk = deployerVnetReady(
      deployerVnet,
      {
        vnetCidr: settings.vnetCidr,
        subscriptionId: clientConfig.subscriptionId,
        clusterVnetId: this.vnet.id,
      },
      this,
    );
    const tags = { ...settings.tags };
    this.cluster = aksManagedCluster(
      name,
      settings,
      {
        resourceGroupName: rgName,
        subnet: this.subnet,
        controlPlaneIdentity: this.controlPlaneIdentity,
        tenantId: clientConfig.tenantId,
        tags: deployerVnetOk.apply(() => tags),
        dependsOn: [controlPlane.subnetNetworkContributor],
      },
      this,
    );
    this.userPools = aksUserPools(
      name,
      settings,
      { resourceGroupName: rgName, cluster: this.cluster, subnet: this.subnet },
      this,
    );

    const kubeconfig = aksKubeconfig(rgName, this.cluster, this);
    // What every Kubernetes object waits for: the pools, the deployer's Kubernetes permissions (propagated)
    // and, for a private cluster, the deployer's network path and name resolution.
    const deployer = deployerAccess(
      name,
      settings,
      { cluster: this.cluster, vnet: this.vnet, resourceGroupName: rgName, clientConfig, deployerVnet },
      this,
    );
    const provider = aksProvider(name, kubeconfig, this.cluster, deployer.provider, this);
    this.maintenance = aksMaintenanceConfigurations(
      name,
      {
        resourceGroupName: rgName,
        clusterName: this.cluster.name,
        window: settings.maintenanceWindow,
        after: this.userPools,
      },
      this,
    );

    const workloadIdentity = aksWorkloadIdentity(settings, this.cluster, this.resourceGroup);
    this.publish({
      clusterName: this.cluster.name,
      region: settings.location,
      kubernetesVersion: settings.kubernetesVersion,
      kubeconfig,
      provider,
      ready: [this.cluster, ...this.userPools, ...deployer.ready],
      // The cloud ships the CSI driver and the default StorageClass.
      storageReady: [],
      defaultStorageClass: pulumi.output("managed-csi"),
      loadBalancer: { addressKind: "ip", serviceAnnotations: { ...LOAD_BALANCER_SERVICE_ANNOTATIONS.aks } },
      // AKS runs metrics-server as a managed add-on.
      hasMetricsApi: MANAGED_CAPABILITIES.aks.metricsApi,
      nodeAutoscaling: { kind: "native" },
      workloadIdentity,
      unsealKms: aksUnsealKms(settings, this.resourceGroup, clientConfig),
      dns: aksDns(clientConfig, workloadIdentity),
    });
  }
}
