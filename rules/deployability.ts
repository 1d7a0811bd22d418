/**
 * Deployability rules: can this stack's first `pulumi up` finish from the deploying machine, and
 * survive a routine change? Each rule reads the resources as the engine registers them (like the
 * security rules) and names its source: the provider document or source that states the
 * constraint. Messages name the config key to change and the fix.
 *
 * What the resources cannot show (whether an adopted cluster has a LoadBalancer implementation, a
 * metrics API, trusted kubelet certificates) comes from `ctx.cluster`; without it those checks are
 * skipped (the CrossGuard pack sees only resources).
 *
 * This file holds the rules on the deployer's access (API server reachable, Kubernetes RBAC, no
 * placeholder allow-lists) and the list of all of them; ./deployability-addons.ts those on what the
 * add-ons need, ./deployability-clouds.ts those of one cloud.
 */
import {
  ResourceUnderTest,
  StackRule,
  Violation,
  get,
  isFalse,
  isTrue,
  rec,
  recs,
  str,
  strings,
} from "./types";
import { documentationRangeOf } from "../components/shared/documentation-ranges";
import { AKS_CLUSTER, DOKS_CLUSTER, EKS_CLUSTER, GKE_CLUSTER, isAksCluster } from "./cluster";
import {
  AKS_RBAC_CLUSTER_ADMIN,
  EKS_ACCESS_ENTRY,
  ROLE_ASSIGNMENT,
  ROUTE,
  SECURITY_GROUP_INGRESS,
  TGW_ATTACHMENT,
  VNET_PEERING,
  coversTcp,
  isRoleAssignment,
  isVnetPeering,
  ofType,
  stackRule,
} from "./deployability-base";
import {
  deployKubeletTls,
  deployLoadBalancerAvailable,
  deployMetricsApi,
  deployWebhooksReachable,
} from "./deployability-addons";
import {
  deployAksMaintenanceWindow,
  deployEksControlPlaneSubnets,
  deployEksNodeGroupPerZone,
  deployEksPrincipalArns,
  deployEksSupportType,
  deployEksZones,
  deployGcpLabels,
  deployGkeServiceAgent,
} from "./deployability-clouds";
import { deployEksLoadBalancerController } from "./load-balancer-services";

export * from "./deployability-base";
export * from "./deployability-addons";
export * from "./deployability-clouds";

/* ------------------------------------------------------------------------------------------ */
/* The deployer reaches the API server                                                        */
/* ------------------------------------------------------------------------------------------ */

function eksApiProblems(cluster: ResourceUnderTest, all: ResourceUnderTest[]): string[] {
  const vpc = rec(cluster.inputs.vpcConfig);
  if (!isFalse(vpc.endpointPublicAccess)) return [];
  // The program creates the VPC: on a first deploy only a transit gateway attachment with routes to
  // the deployer's CIDRs connects it (a security group rule alone is no path), and the cluster
  // security group must allow tcp 443 from those CIDRs.
  const sources = ofType(all, SECURITY_GROUP_INGRESS)
    .filter((r) => coversTcp(r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, 443))
    .map((r) => str(r.inputs.cidrIpv4))
    .filter((c): c is string => c !== undefined);
  const attached = ofType(all, TGW_ATTACHMENT).some((a) => str(a.inputs.transitGatewayId));
  const routed = ofType(all, ROUTE)
    .filter((r) => str(r.inputs.transitGatewayId))
    .map((r) => str(r.inputs.destinationCidrBlock));
  if (attached && sources.some((c) => routed.includes(c))) return [];
  return [
    "the API endpoint is private (cluster.endpointPublicAccess: false) and no deployer network is both routed " +
      "to the VPC through a transit gateway and allowed on tcp 443 of the cluster security group: set " +
      "cluster.deployerNetwork.transitGatewayId with deployerNetwork.cidrs, or endpointPublicAccess: true " +
      "with publicAccessCidrs",
  ];
}

function gkeApiProblems(cluster: ResourceUnderTest): string[] {
  const man = cluster.inputs.masterAuthorizedNetworksConfig;
  if (man === undefined || man === null) return [];
  const cfg = rec(man);
  if (recs(cfg.cidrBlocks).length > 0 || isTrue(cfg.gcpPublicCidrsAccessEnabled)) return [];
  return [
    "masterAuthorizedNetworksConfig has no cidrBlocks, which disallows all external access to the API server " +
      "(GKE authorized networks): list the deployer's network in cluster.masterAuthorizedNetworks",
  ];
}

function aksApiProblems(cluster: ResourceUnderTest, all: ResourceUnderTest[]): string[] {
  if (!isTrue(get(cluster.inputs, "apiServerAccessProfile.enablePrivateCluster"))) return [];
  if (ofType(all, isVnetPeering).length > 0) return [];
  return [
    "the API server is private (cluster.privateCluster: true) and no network of the deployer is peered with the " +
      "cluster's VNet: set cluster.deployerNetwork to the runner's VNet, or use authorizedIpRanges instead",
  ];
}

function doksApiProblems(cluster: ResourceUnderTest): string[] {
  const fw = rec(cluster.inputs.controlPlaneFirewall);
  if (!isTrue(fw.enabled) || strings(fw.allowedAddresses).length > 0) return [];
  return [
    "the control-plane firewall is on with no allowed address, so nobody reaches the API server: list the " +
      "deployer's addresses in cluster.apiAllowedAddresses",
  ];
}

export const deployApiReachable = stackRule({
  id: "deploy-api-reachable",
  description: "the machine running `pulumi up` has a declared network path to the cluster's API server",
  source:
    "EKS cluster endpoint access; GKE authorized networks; AKS private clusters; DOKS control-plane firewall",
  types: [
    EKS_CLUSTER,
    SECURITY_GROUP_INGRESS,
    TGW_ATTACHMENT,
    ROUTE,
    GKE_CLUSTER,
    AKS_CLUSTER,
    VNET_PEERING,
    DOKS_CLUSTER,
  ],
  check(all, _ctx, v) {
    const out: Violation[] = [];
    for (const r of all) {
      let problems: string[] = [];
      if (r.type === EKS_CLUSTER) problems = eksApiProblems(r, all);
      else if (r.type === GKE_CLUSTER) problems = gkeApiProblems(r);
      else if (isAksCluster(r.type)) problems = aksApiProblems(r, all);
      else if (r.type === DOKS_CLUSTER) problems = doksApiProblems(r);
      out.push(...problems.map((m) => v(r, m)));
    }
    return out;
  },
});

/* ------------------------------------------------------------------------------------------ */
/* The deployer has Kubernetes RBAC                                                           */
/* ------------------------------------------------------------------------------------------ */

export const deployKubernetesRbac = stackRule({
  id: "deploy-kubernetes-rbac",
  description: "the identity running `pulumi up` is granted Kubernetes permissions on the cluster it creates",
  source:
    "EKS access entries (bootstrapClusterCreatorAdminPermissions); AKS 'Use Azure RBAC for Kubernetes authorization'",
  types: [EKS_CLUSTER, EKS_ACCESS_ENTRY, AKS_CLUSTER, ROLE_ASSIGNMENT],
  check(all, _ctx, v) {
    const out: Violation[] = [];
    for (const r of ofType(all, EKS_CLUSTER)) {
      const bootstrap = get(r.inputs, "accessConfig.bootstrapClusterCreatorAdminPermissions");
      if (isFalse(bootstrap) && ofType(all, EKS_ACCESS_ENTRY).length === 0) {
        out.push(
          v(
            r,
            "the cluster creator gets no admin access entry and no access entry exists: the deployer cannot create " +
              "Kubernetes objects; keep bootstrapClusterCreatorAdminPermissions or list the deployer in cluster.adminPrincipalArns",
          ),
        );
      }
    }
    for (const r of ofType(all, isAksCluster)) {
      if (!isTrue(get(r.inputs, "aadProfile.enableAzureRBAC"))) continue;
      const groups = strings(get(r.inputs, "aadProfile.adminGroupObjectIDs"));
      const granted = ofType(all, isRoleAssignment).some((a) =>
        String(a.inputs.roleDefinitionId ?? "")
          .toLowerCase()
          .endsWith(AKS_RBAC_CLUSTER_ADMIN),
      );
      if (!granted && groups.length === 0) {
        out.push(
          v(
            r,
            "Azure RBAC for Kubernetes is on, the deployer holds no 'Azure Kubernetes Service RBAC Cluster Admin' " +
              "assignment and no admin group is set: every Kubernetes object would be Forbidden; keep " +
              "cluster.grantDeployerClusterAdmin true or list the deployer's group in cluster.adminGroupObjectIds",
          ),
        );
      }
    }
    return out;
  },
});

/* ------------------------------------------------------------------------------------------ */
/* Placeholders left from the examples                                                        */
/* ------------------------------------------------------------------------------------------ */

/**
 * RFC 5737 documentation ranges (the examples use them), as stack config reads them: a network
 * inside one (components/shared/documentation-ranges.ts).
 */
const isDocumentationRange = (cidr: string) => documentationRangeOf(cidr) !== undefined;

/** The API allow-lists of each cluster type, as registered. */
function apiAllowLists(r: ResourceUnderTest): [string, string[]][] {
  const i = rec(r.inputs);
  if (r.type === EKS_CLUSTER)
    return [["cluster.publicAccessCidrs", strings(get(i, "vpcConfig.publicAccessCidrs"))]];
  if (r.type === GKE_CLUSTER) {
    const blocks = recs(get(i, "masterAuthorizedNetworksConfig.cidrBlocks")).map((b) =>
      String(b.cidrBlock ?? ""),
    );
    return [["cluster.masterAuthorizedNetworks", blocks]];
  }
  if (isAksCluster(r.type)) {
    return [["cluster.authorizedIpRanges", strings(get(i, "apiServerAccessProfile.authorizedIPRanges"))]];
  }
  if (r.type === DOKS_CLUSTER && isTrue(get(i, "controlPlaneFirewall.enabled"))) {
    return [["cluster.apiAllowedAddresses", strings(get(i, "controlPlaneFirewall.allowedAddresses"))]];
  }
  return [];
}

export const deployNoPlaceholders = stackRule({
  id: "deploy-no-placeholders",
  severity: "advisory",
  description:
    "the API allow-lists hold real networks, not the documentation ranges the examples ship (no machine has them)",
  source: "RFC 5737, 'IPv4 Address Blocks Reserved for Documentation'",
  types: [EKS_CLUSTER, GKE_CLUSTER, AKS_CLUSTER, DOKS_CLUSTER],
  check(all, _ctx, v) {
    const out: Violation[] = [];
    for (const r of all) {
      for (const [key, cidrs] of apiAllowLists(r)) {
        const placeholders = cidrs.filter(isDocumentationRange);
        if (placeholders.length > 0) {
          out.push(
            v(
              r,
              `${key} lists ${placeholders.join(", ")}, a documentation range (RFC 5737) that no machine has: ` +
                "replace it with the egress address of the machine that runs `pulumi up`, or every Kubernetes " +
                "call times out after the cluster is built",
            ),
          );
        }
      }
    }
    return out;
  },
});

export const DEPLOYABILITY_RULES: StackRule[] = [
  deployApiReachable,
  deployKubernetesRbac,
  deployWebhooksReachable,
  deployLoadBalancerAvailable,
  deployMetricsApi,
  deployKubeletTls,
  deployEksZones,
  deployEksControlPlaneSubnets,
  deployEksNodeGroupPerZone,
  deployEksSupportType,
  deployEksPrincipalArns,
  deployEksLoadBalancerController,
  deployGcpLabels,
  deployGkeServiceAgent,
  deployAksMaintenanceWindow,
  deployNoPlaceholders,
];
