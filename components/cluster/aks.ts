import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  AksSettings,
  BoundIdentity,
  ClusterComponentOptions,
  ManagedCluster,
  SealStanza,
  ServiceAccountRef,
  UnsealKms,
  WorkloadIdentity,
} from "./types";
import { assertNodePools, serviceAccountSubject } from "./shared";
import { AZURE_ROLES, keyVaultName, roleDefinitionId } from "./azure-ids";
import { aksAzureCliKubeconfig } from "./aks-kubeconfig";
import { aksPoolArgs, aksVersionManagedByChannel } from "./aks-pools";
import {
  aksMaintenanceConfigurations,
  deployerNetworkPath,
  deployerPrincipalType,
  deployerVnetResourceGroup,
  grantDeployerClusterAdmin,
} from "./aks-access";
import { aksDeployerVnet, checkDeployerVnet } from "./aks-deployer-vnet";

export { AZURE_ROLES, keyVaultName, roleDefinitionId } from "./azure-ids";
export { aksDeployerVnet } from "./aks-deployer-vnet";
export { aksAzureCliKubeconfig, parseAksKubeconfig } from "./aks-kubeconfig";
export type { AksKubeconfigParts } from "./aks-kubeconfig";
export {
  AZURE_ZONAL_REGIONS,
  CRITICAL_ADDONS_ONLY_TAINT,
  aksAvailabilityZones,
  aksNodeTaints,
  aksPoolArgs,
  aksPoolName,
  aksVersionManagedByChannel,
} from "./aks-pools";
export type { AksPoolArgs } from "./aks-pools";

/* ------------------------------------------------------------------------------------------ */
/* Pure helpers (exported for tests).                                                          */
/* ------------------------------------------------------------------------------------------ */

/** The audience Entra ID expects on projected service account tokens (Azure workload identity). */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/* ------------------------------------------------------------------------------------------ */
/* The component.                                                                             */
/* ------------------------------------------------------------------------------------------ */

/**
 * An AKS cluster: resource group, VNet with a separate node Subnet, a user-assigned control-plane identity
 * (Network Contributor on the subnet), the ManagedCluster (Azure CNI Overlay + Cilium, Entra ID + Azure
 * RBAC, OIDC issuer + workload identity), user node pools as separate AgentPools, a kubelogin (Azure CLI)
 * kubeconfig, and Azure workload identity / Key Vault for Vault auto-unseal. For the first `pulumi up`:
 * the deploying identity's AKS RBAC Cluster Admin grant (and its propagation wait), the peering and DNS
 * link to the deployer's VNet of a private cluster, and the planned-maintenance windows (aks-access.ts).
 */
export class AksCluster extends pulumi.ComponentResource implements ManagedCluster {
  readonly target = "aks" as const;
  readonly clusterName: pulumi.Output<string>;
  readonly region: string;
  readonly kubernetesVersion: string;
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
  /** Planned-maintenance windows: auto-upgrade channel and node OS channel. */
  readonly maintenance: containerservice.MaintenanceConfiguration[];

  constructor(name: string, settings: AksSettings, opts?: ClusterComponentOptions) {
    super("kube-platform:cluster:AksCluster", name, {}, opts);
    assertNodePools("AKS", [settings.systemPool, ...settings.nodePools]);
    const protect = settings.protect;
    const tags = { ...settings.tags };
    this.region = settings.location;
    this.kubernetesVersion = settings.kubernetesVersion;
    const clientConfig = authorization.getClientConfigOutput({ parent: this });
    const deployerVnet = aksDeployerVnet(settings);
    if (!settings.grantDeployerClusterAdmin && settings.adminGroupObjectIds.length === 0) {
      throw new Error(
        "AKS: with grantDeployerClusterAdmin false, adminGroupObjectIds must name a group of the deploying identity",
      );
    }

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

    // A private cluster's deployer VNet is read first: a peering Azure would refuse fails here, before the
    // cluster build, rather than after it (aks-deployer-vnet.ts). The cluster's tags wait for the check.
    const deployerVnetOk = deployerVnet
      ? checkDeployerVnet(
          {
            deployer: deployerVnet.ref,
            deployerVnetId: deployerVnet.id,
            resourceGroupName: clientConfig.subscriptionId.apply((s) =>
              deployerVnetResourceGroup(s, deployerVnet.ref),
            ),
            vnetCidr: settings.vnetCidr,
            clusterVnetId: this.vnet.id,
          },
          this,
        )
      : pulumi.output(true as const);

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
        agentPoolProfiles: [{ name: settings.systemPool.name, vnetSubnetID: this.subnet.id, ...system }],
        tags: deployerVnetOk.apply(() => tags),
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
    // What every Kubernetes object waits for: the pools, the deployer's Kubernetes permissions (propagated)
    // and, for a private cluster, the deployer's network path and name resolution.
    const grant = settings.grantDeployerClusterAdmin
      ? grantDeployerClusterAdmin(
          name,
          {
            cluster: this.cluster,
            principalId: clientConfig.objectId,
            principalType:
              settings.deployerPrincipalType ?? clientConfig.clientId.apply(deployerPrincipalType),
            subscriptionId: clientConfig.subscriptionId,
            currentPrincipalId: clientConfig.objectId,
            adminGroupObjectIds: settings.adminGroupObjectIds,
          },
          this,
        )
      : undefined;
    const deployerAccess = grant ? [grant.propagated] : [];
    const deployerPath = deployerVnet
      ? deployerNetworkPath(
          name,
          {
            deployer: deployerVnet.ref,
            deployerVnetId: deployerVnet.id,
            resourceGroupName: rgName,
            vnet: this.vnet,
            cluster: this.cluster,
            subscriptionId: clientConfig.subscriptionId,
          },
          this,
        )
      : [];
    // The provider waits for the deployer's grant and path too, not only the objects using it: its Configure
    // fetches the API server's schema once, and a failure (no route or name yet) marks the cluster
    // unreachable for the whole run, after which every Create and Update is refused (pulumi-kubernetes
    // provider/pkg/provider/provider.go, Configure: getResources sets clusterUnreachable; Create/Update).
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      // The ARM id never changes with credentials, so the provider (and everything under it) is never replaced.
      { kubeconfig: this.kubeconfig, clusterIdentifier: this.cluster.id },
      { parent: this, dependsOn: [...(grant ? [grant.assignment] : []), ...deployerAccess, ...deployerPath] },
    );
    this.ready = [this.cluster, ...this.userPools, ...deployerAccess, ...deployerPath];
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
