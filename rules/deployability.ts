/**
 * Deployability rules: can this stack's first `pulumi up` finish from the deploying machine, and
 * survive a routine change? Each rule reads the resources as the engine registers them (like the
 * security rules) and names its source: the provider document or source that states the
 * constraint. Messages name the config key to change and the fix.
 *
 * What the resources cannot show (whether an adopted cluster has a LoadBalancer implementation, a
 * metrics API, trusted kubelet certificates) comes from `ctx.cluster`; without it those checks are
 * skipped (the CrossGuard pack sees only resources).
 */
import {
  OPEN_CIDRS,
  Rec,
  ResourceUnderTest,
  StackRule,
  Violation,
  get,
  isFalse,
  isTrue,
  list,
  rec,
  recs,
  str,
  strings,
} from "./types";
import { DOKS_CLUSTER, EKS_CLUSTER, GKE_CLUSTER, isAksCluster } from "./cluster";
import { WEBHOOK_PORTS, chartName } from "./webhooks";
import {
  AKS_RBAC_CLUSTER_ADMIN,
  EKS_ACCESS_ENTRY,
  GCP_FIREWALL,
  GKE_CONTROL_PLANE_PORTS,
  HELM_RELEASE,
  HPA,
  ROUTE,
  SECURITY_GROUP_INGRESS,
  SERVICE,
  TGW_ATTACHMENT,
  coversTcp,
  isRoleAssignment,
  isVnetPeering,
  ofType,
  stackRule,
} from "./deployability-base";
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

export * from "./deployability-base";
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
    .map((r) => String(r.inputs.destinationCidrBlock ?? ""));
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
/* Admission webhooks reachable from the control plane                                        */
/* ------------------------------------------------------------------------------------------ */

/** Whether a GCP firewall rule lets `source` (a CIDR) reach tcp `port` (allow rules, ingress). */
function gcpFirewallAllows(fw: ResourceUnderTest, source: string, port: number): boolean {
  const i = rec(fw.inputs);
  if (str(i.direction) && String(i.direction).toUpperCase() !== "INGRESS") return false;
  if (isTrue(i.disabled)) return false;
  const sources = strings(i.sourceRanges);
  if (!sources.includes(source) && !sources.some((s) => OPEN_CIDRS.includes(s))) return false;
  return recs(i.allows).some((a) => {
    const proto = String(a.protocol ?? "").toLowerCase();
    if (proto === "all") return true;
    if (proto !== "tcp") return false;
    const ports = strings(list(a.ports).map(String));
    if (ports.length === 0) return true;
    return ports.some((p) => {
      const [lo, hi] = p.split("-").map(Number);
      return lo <= port && port <= (hi ?? lo);
    });
  });
}

export const deployWebhooksReachable = stackRule({
  id: "deploy-webhooks-reachable",
  description:
    "on GKE private nodes every admission webhook and aggregated API serves on a port the control plane can reach",
  source: "GKE private clusters, 'Adding firewall rules for specific use cases' (tcp 443 and 10250 only)",
  check(all, _ctx, v) {
    const clusters = ofType(all, GKE_CLUSTER).filter((c) =>
      isTrue(get(c.inputs, "privateClusterConfig.enablePrivateNodes")),
    );
    if (clusters.length === 0) return [];
    const out: Violation[] = [];
    const firewalls = ofType(all, GCP_FIREWALL);
    for (const cluster of clusters) {
      const master = str(get(cluster.inputs, "privateClusterConfig.masterIpv4CidrBlock")) ?? "";
      for (const release of ofType(all, HELM_RELEASE)) {
        const ports = WEBHOOK_PORTS[chartName(release.inputs.chart)]?.(rec(release.inputs.values)) ?? [];
        for (const w of ports) {
          if (GKE_CONTROL_PLANE_PORTS.includes(w.port)) continue;
          if (firewalls.some((fw) => gcpFirewallAllows(fw, master, w.port))) continue;
          out.push(
            v(
              release,
              `${w.what} serves on tcp ${w.port}, which GKE's control plane cannot reach on private nodes ` +
                `(only ${GKE_CONTROL_PLANE_PORTS.join(" and ")}): serve it on one of those (${w.key}) or add a ` +
                `firewall rule from ${master || "the control-plane range"} to the nodes on tcp ${w.port}`,
            ),
          );
        }
      }
    }
    return out;
  },
});

/* ------------------------------------------------------------------------------------------ */
/* A LoadBalancer implementation exists for LoadBalancer Services                             */
/* ------------------------------------------------------------------------------------------ */

/**
 * The Service types the ingress charts create with these values (their defaults: LoadBalancer):
 * traefik 41.3.0 `service.spec.type` (templates/_service.tpl renders `service.spec`), F5
 * nginx-ingress 2.6.4 `controller.service.type`.
 */
const INGRESS_SERVICE_TYPE: Record<string, (values: Rec) => unknown> = {
  traefik: (values) => (isFalse(get(values, "service.enabled")) ? "None" : get(values, "service.spec.type")),
  "nginx-ingress": (values) =>
    isFalse(get(values, "controller.service.create")) ? "None" : get(values, "controller.service.type"),
};

export const deployLoadBalancerAvailable = stackRule({
  id: "deploy-loadbalancer-available",
  description:
    "no Service of type LoadBalancer on a cluster without a LoadBalancer implementation (Helm's wait never ends)",
  source: "Kubernetes Service type LoadBalancer; Helm ready.go waits for the LoadBalancer ingress address",
  check(all, ctx, v) {
    if (!ctx.cluster || ctx.cluster.loadBalancer) return [];
    const out: Violation[] = [];
    for (const s of ofType(all, SERVICE)) {
      if (get(s.inputs, "spec.type") === "LoadBalancer") {
        out.push(
          v(
            s,
            "is of type LoadBalancer but the cluster has none (cluster.loadBalancer: none): it never gets an " +
              "address; use a NodePort Service, or install MetalLB / cloud-provider-kind and set " +
              "cluster.loadBalancer: available",
          ),
        );
      }
    }
    for (const r of ofType(all, HELM_RELEASE)) {
      const typeOf = INGRESS_SERVICE_TYPE[chartName(r.inputs.chart)];
      if (!typeOf) continue;
      const type = typeOf(rec(r.inputs.values)) ?? "LoadBalancer";
      if (type === "LoadBalancer") {
        out.push(
          v(
            r,
            "creates a LoadBalancer Service but the cluster has no LoadBalancer implementation (cluster.loadBalancer: " +
              "none): the release would wait for an address until it times out and rolls back; keep the ingress in " +
              "NodePort mode (no addons.ingress.values override of the Service type) or install MetalLB / " +
              "cloud-provider-kind and set cluster.loadBalancer: available",
          ),
        );
      }
    }
    return out;
  },
});

/* ------------------------------------------------------------------------------------------ */
/* The metrics API for HPAs, and metrics-server's kubelet TLS                                 */
/* ------------------------------------------------------------------------------------------ */

export const deployMetricsApi = stackRule({
  id: "deploy-metrics-api",
  description: "HorizontalPodAutoscalers have a metrics API (the cluster's own or a metrics-server release)",
  source: "Kubernetes 'Horizontal Pod Autoscaling' (resource metrics come from the metrics.k8s.io API)",
  check(all, ctx, v) {
    if (!ctx.cluster || ctx.cluster.metricsApi) return [];
    const hpas = ofType(all, HPA);
    if (hpas.length === 0) return [];
    const server = ofType(all, HELM_RELEASE).some((r) => chartName(r.inputs.chart) === "metrics-server");
    if (server) return [];
    return hpas.map((h) =>
      v(
        h,
        "scales on CPU but the cluster serves no metrics API: enable addons.metricsServer (or set " +
          "cluster.hasMetricsApi: true if the cluster has one)",
      ),
    );
  },
});

export const deployKubeletTls = stackRule({
  id: "deploy-kubelet-tls",
  description: "metrics-server accepts the kubelets' serving certificates (kind's are self-signed)",
  source:
    "metrics-server README, 'Requirements' (--kubelet-insecure-tls for self-signed kubelet certificates)",
  check(all, ctx, v) {
    if (!ctx.cluster || ctx.cluster.kubeletCertsTrusted) return [];
    return ofType(all, HELM_RELEASE)
      .filter((r) => chartName(r.inputs.chart) === "metrics-server")
      .filter((r) => !strings(get(r.inputs, "values.args")).includes("--kubelet-insecure-tls"))
      .map((r) =>
        v(
          r,
          "the kubelets' serving certificates are self-signed (cluster.kubeletServingCerts: selfSigned) and " +
            "metrics-server runs without --kubelet-insecure-tls: it never becomes ready; keep the flag in " +
            "addons.metricsServer.values.args (it replaces the list the platform sets)",
        ),
      );
  },
});

/* ------------------------------------------------------------------------------------------ */
/* Placeholders left from the examples                                                        */
/* ------------------------------------------------------------------------------------------ */

/** RFC 5737 documentation ranges: no real machine has these addresses (the examples use them). */
const DOCUMENTATION_RANGES = ["192.0.2.", "198.51.100.", "203.0.113."];
const isDocumentationRange = (cidr: string) => DOCUMENTATION_RANGES.some((p) => cidr.trim().startsWith(p));

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
  deployGcpLabels,
  deployGkeServiceAgent,
  deployAksMaintenanceWindow,
  deployNoPlaceholders,
];
