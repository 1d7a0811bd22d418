/**
 * What a first `pulumi up` on AKS needs besides the cluster itself: a network path from the deploying
 * machine to a private API server, Kubernetes permissions for the deploying identity (Azure RBAC for
 * Kubernetes), and the planned-maintenance windows that keep auto-upgrades out of working hours.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { AksMaintenanceWindow, AksSettings } from "../types";
import { propagationWait } from "../identity-common";
import { VnetRef, aksPrivateDnsZoneName } from "./ids";
import { AzureClientConfig, builtInRoleAssignment } from "./roles";

/**
 * How long Kubernetes objects wait after the deployer's role assignment: "New role assignments can take
 * up to five minutes to propagate and be updated by the authorization server" (AKS "Use Azure RBAC for
 * Kubernetes Authorization", before you begin). Until then every request is Forbidden.
 */
export const AKS_RBAC_PROPAGATION = "5m";

/**
 * Public client applications a user signs in through (their app id is the token's `appid`, which
 * azure-native's getClientConfig returns as clientId, provider auth_getclientconfig.go): the Azure CLI
 * and Visual Studio (Microsoft's first-party app ids). Any other client id is a service principal or
 * managed identity (ARM_CLIENT_ID, OIDC, MSI).
 */
export const USER_SIGN_IN_APPS: ReadonlySet<string> = new Set([
  "04b07795-8ddb-461a-bbee-02f9e1bf7b46", // Azure CLI (`az login`, also under DefaultAzureCredential)
  "872cd9fa-d31f-45e0-9eab-6e460a02d1f1", // Visual Studio
]);

/**
 * The role assignment's principalType for the deploying identity. It must match the principal: ARM
 * refuses a mismatch ("UnmatchedPrincipalType: … has type 'ServicePrincipal', which is different from
 * specified PrincipalType 'User'", Azure/modern-web-app-pattern-dotnet #129), and the azure-native SDK
 * sends "User" when it is unset (authorization/roleAssignment.js): every CI service principal would fail.
 */
export function deployerPrincipalType(clientId: string): "User" | "ServicePrincipal" {
  return USER_SIGN_IN_APPS.has(clientId.toLowerCase()) ? "User" : "ServicePrincipal";
}

/**
 * Grants the identity that runs `pulumi up` (azure-native getClientConfig objectId, a user after
 * `az login` or a service principal in CI) "Azure Kubernetes Service RBAC Cluster Admin" on the cluster:
 * with Azure RBAC for Kubernetes, data-plane access comes only from Azure role assignments (or the admin
 * groups; AKS "Use Azure RBAC for Kubernetes Authorization").
 *
 * The grant stays with the identity that created it, like the creator's access entry on EKS: principalId
 * and principalType are ignored after creation. Otherwise a `pulumi up` by another identity (CI after a
 * laptop, a colleague) would replace the assignment (principalId forces a replacement, pulumi-azure-native
 * provider/pkg/gen/replacement.go) and delete the previous deployer's access, so that its next
 * `pulumi up --refresh` or `pulumi destroy` fails with Forbidden on the first Kubernetes object.
 * With ignoreChanges the engine sends the value from the state and the property cannot trigger a replacement
 * (Pulumi "Resource option: ignoreChanges"). Every other identity reaches the cluster through the admin groups.
 *
 * Returns the assignment, a time.Sleep that waits for its propagation (created once, with the assignment;
 * a replaced assignment changes its trigger and waits again; the k8s provider and every Kubernetes object
 * wait for it), and `notice`: the warning logged when `currentPrincipalId` is not the granted principal
 * and no admin group exists (then that identity has no Kubernetes access from this program).
 */
export function grantDeployerClusterAdmin(
  name: string,
  args: {
    cluster: containerservice.ManagedCluster;
    principalId: pulumi.Input<string>;
    principalType: pulumi.Input<"User" | "ServicePrincipal">;
    subscriptionId: pulumi.Output<string>;
    /** The identity running this `pulumi up` (the same as principalId, except in tests). */
    currentPrincipalId: pulumi.Input<string>;
    adminGroupObjectIds: string[];
  },
  parent: pulumi.Resource,
): {
  assignment: authorization.RoleAssignment;
  propagated: time.Sleep;
  notice: pulumi.Output<string | undefined>;
} {
  const assignment = builtInRoleAssignment(
    `${name}-deployer-admin`,
    {
      principalId: args.principalId,
      principalType: args.principalType,
      role: "aksRbacClusterAdmin",
      scope: args.cluster.id,
      subscriptionId: args.subscriptionId,
    },
    { parent, ignoreChanges: ["principalId", "principalType"] },
  );
  const propagated = propagationWait(
    `${name}-deployer-admin-propagation`,
    AKS_RBAC_PROPAGATION,
    { roleAssignmentId: assignment },
    parent,
  );
  const notice = pulumi.all([assignment.principalId, args.currentPrincipalId]).apply(([granted, current]) => {
    const text = deployerGrantNotice(granted, current, args.adminGroupObjectIds.length);
    if (text) void pulumi.log.warn(text, assignment);
    return text;
  });
  return { assignment, propagated, notice };
}

/**
 * The warning for a `pulumi up` by an identity other than the one holding the deployer grant, when no admin
 * group exists: it has no Kubernetes access from this program (unless an AKS RBAC role reaches it at a wider
 * scope, which the program cannot see), so its first Kubernetes call is Forbidden. Not an error: group
 * membership and wider assignments cannot be read here. With admin groups, it is a member or not: undefined.
 */
export function deployerGrantNotice(
  grantedPrincipalId: string,
  currentPrincipalId: string,
  adminGroupCount: number,
): string | undefined {
  if (adminGroupCount > 0 || grantedPrincipalId.toLowerCase() === currentPrincipalId.toLowerCase()) {
    return undefined;
  }
  return (
    `AKS: the deployer grant (AKS RBAC Cluster Admin) belongs to ${grantedPrincipalId}, the identity that ` +
    `created it; this run is by ${currentPrincipalId}, and cluster.adminGroupObjectIds is empty, so its ` +
    "Kubernetes calls will be Forbidden: add an Entra ID group of this identity to cluster.adminGroupObjectIds, " +
    "or run `pulumi up` as the granted identity"
  );
}

/**
 * The deployer's path to a private API server (AKS "Establish network connectivity to a private AKS
 * cluster", connect using virtual network peering): the cluster VNet and the deployer's VNet peered both
 * ways, and the AKS-managed private DNS zone (privateDNSZone "system", in the node resource group) linked
 * to the deployer's VNet so that the API server's private FQDN (the kubeconfig's server) resolves there.
 *
 * The peerings wait for the cluster: peering a VNet while subnets and private endpoints are written to it
 * fails (hashicorp/terraform-provider-azurerm #2605, "Concurrently peering vnets and adding subnets to
 * them fails"), and AKS adds the API server's private endpoint to the node subnet. The reverse peering is
 * written with the stack's Azure provider, so the deployer's VNet must be in the same subscription.
 */
export function deployerNetworkPath(
  name: string,
  args: {
    deployer: VnetRef;
    deployerVnetId: string;
    resourceGroupName: pulumi.Input<string>;
    vnet: network.VirtualNetwork;
    cluster: containerservice.ManagedCluster;
    subscriptionId: pulumi.Output<string>;
  },
  parent: pulumi.Resource,
): pulumi.Resource[] {
  const { deployer } = args;
  // Both directions allow VNet access only: no forwarded traffic, no gateway transit.
  const peeringFlags = {
    allowVirtualNetworkAccess: true,
    allowForwardedTraffic: false,
    allowGatewayTransit: false,
    useRemoteGateways: false,
  };
  const toDeployer = new network.VirtualNetworkPeering(
    `${name}-to-deployer`,
    {
      resourceGroupName: args.resourceGroupName,
      virtualNetworkName: args.vnet.name,
      remoteVirtualNetwork: { id: args.deployerVnetId },
      ...peeringFlags,
    },
    { parent, dependsOn: [args.cluster] },
  );
  const deployerResourceGroup = args.subscriptionId.apply((current) =>
    deployerVnetResourceGroup(current, deployer),
  );
  const fromDeployer = new network.VirtualNetworkPeering(
    `${name}-from-deployer`,
    {
      resourceGroupName: deployerResourceGroup,
      virtualNetworkName: deployer.name,
      remoteVirtualNetwork: { id: args.vnet.id },
      ...peeringFlags,
    },
    { parent, dependsOn: [args.cluster] },
  );
  const dnsLink = new privatedns.VirtualNetworkLink(
    `${name}-deployer-dns`,
    {
      resourceGroupName: args.cluster.nodeResourceGroup.apply((rg) => {
        if (!rg) throw new Error(`AKS cluster ${name} reports no node resource group`);
        return rg;
      }),
      privateZoneName: args.cluster.privateFQDN.apply(aksPrivateDnsZoneName),
      virtualNetwork: { id: args.deployerVnetId },
      // Resolution only: the runner's VMs are not registered in the cluster's zone.
      registrationEnabled: false,
      // Private DNS zones and their links are global resources.
      location: "global",
    },
    { parent },
  );
  return [toDeployer, fromDeployer, dnsLink];
}

/**
 * The resource group of the deployer's VNet, where the reverse peering is written with the stack's own
 * Azure provider: refused (before anything is created) when that VNet is in another subscription.
 */
export function deployerVnetResourceGroup(currentSubscription: string, deployer: VnetRef): string {
  if (currentSubscription.toLowerCase() !== deployer.subscriptionId) {
    throw new Error(
      `cluster.deployerNetwork.vnetId is in subscription ${deployer.subscriptionId}, but this stack deploys to ` +
        `subscription ${currentSubscription}: the peering from that VNet cannot be created here; use a runner ` +
        `VNet in subscription ${currentSubscription}`,
    );
  }
  return deployer.resourceGroup;
}

/** What Kubernetes objects and the Kubernetes provider wait for on the deployer's side. */
export interface DeployerAccess {
  /** The provider's dependencies: the grant, its propagation and the network path. */
  provider: pulumi.Resource[];
  /** What every Kubernetes object waits for besides the cluster and its pools. */
  ready: pulumi.Resource[];
}

/**
 * The deployer's Kubernetes permissions (granted with `settings.grantDeployerClusterAdmin`, and
 * propagated) and, for a private cluster (`deployerVnet`), the deployer's network path and name resolution.
 */
export function deployerAccess(
  name: string,
  settings: AksSettings,
  args: {
    cluster: containerservice.ManagedCluster;
    vnet: network.VirtualNetwork;
    resourceGroupName: pulumi.Input<string>;
    clientConfig: AzureClientConfig;
    deployerVnet: { id: string; ref: VnetRef } | undefined;
  },
  parent: pulumi.Resource,
): DeployerAccess {
  const { clientConfig, deployerVnet } = args;
  const grant = settings.grantDeployerClusterAdmin
    ? grantDeployerClusterAdmin(
        name,
        {
          cluster: args.cluster,
          principalId: clientConfig.objectId,
          principalType: settings.deployerPrincipalType ?? clientConfig.clientId.apply(deployerPrincipalType),
          subscriptionId: clientConfig.subscriptionId,
          currentPrincipalId: clientConfig.objectId,
          adminGroupObjectIds: settings.adminGroupObjectIds,
        },
        parent,
      )
    : undefined;
  const propagated = grant ? [grant.propagated] : [];
  const path = deployerVnet
    ? deployerNetworkPath(
        name,
        {
          deployer: deployerVnet.ref,
          deployerVnetId: deployerVnet.id,
          resourceGroupName: args.resourceGroupName,
          vnet: args.vnet,
          cluster: args.cluster,
          subscriptionId: clientConfig.subscriptionId,
        },
        parent,
      )
    : [];
  return {
    provider: [...(grant ? [grant.assignment] : []), ...propagated, ...path],
    ready: [...propagated, ...path],
  };
}

/** The AKS API's `dayOfWeek` ("Sunday") from the config's lowercase day. */
function weekDay(day: string): string {
  return day.charAt(0).toUpperCase() + day.slice(1).toLowerCase();
}

/**
 * One weekly window as the maintenanceConfigurations API takes it (AKS "Use Planned Maintenance to
 * schedule and control upgrades": weekly schedule with dayOfWeek and intervalWeeks, durationHours 4-24,
 * startTime in utcOffset; weekly is the recommended cadence for the NodeImage channel).
 */
export function aksMaintenanceWindowArgs(w: AksMaintenanceWindow) {
  return {
    schedule: { weekly: { dayOfWeek: weekDay(w.day), intervalWeeks: 1 } },
    durationHours: w.durationHours,
    startTime: w.startTime,
    utcOffset: w.utcOffset,
  };
}

/** The configuration names AKS reads for the auto-upgrade channel and the node OS channel. */
export const AKS_MAINTENANCE_CONFIGS = {
  upgrades: "aksManagedAutoUpgradeSchedule",
  "node-os": "aksManagedNodeOSUpgradeSchedule",
} as const;

/**
 * Without these, AKS runs channel upgrades and node image upgrades at any hour. Both share one window
 * (AKS orders overlapping configurations itself, planned-maintenance FAQ).
 */
export function aksMaintenanceConfigurations(
  name: string,
  args: {
    resourceGroupName: pulumi.Input<string>;
    clusterName: pulumi.Input<string>;
    window: AksMaintenanceWindow;
    /** The user pools: written after them, see below. */
    after: pulumi.Resource[];
  },
  parent: pulumi.Resource,
): containerservice.MaintenanceConfiguration[] {
  return Object.entries(AKS_MAINTENANCE_CONFIGS).map(
    ([suffix, configName]) =>
      new containerservice.MaintenanceConfiguration(
        `${name}-maintenance-${suffix}`,
        {
          resourceGroupName: args.resourceGroupName,
          resourceName: args.clusterName,
          configName,
          maintenanceWindow: aksMaintenanceWindowArgs(args.window),
        },
        // After the user pools: AKS refuses a cluster-level write while an agent pool operation runs
        // ("OperationNotAllowed ... another operation is in progress", cilium/cilium #25944,
        // Azure/azure-workload-identity #417). The PUT is quick, so the wait costs nothing.
        { parent, dependsOn: args.after },
      ),
  );
}
