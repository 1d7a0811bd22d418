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
  RuleContext,
  StackRule,
  Violation,
  get,
  isFalse,
  isIgnored,
  isTrue,
  list,
  num,
  rec,
  recs,
  str,
  strings,
  violationOf,
} from "./types";
import { DOKS_CLUSTER, EKS_CLUSTER, EKS_NODE_GROUP, GKE_CLUSTER, isAksCluster } from "./cluster";
import { WEBHOOK_PORTS, chartName } from "./webhooks";
import { EKS_UNSUPPORTED_ZONE_IDS } from "../components/cluster/eks/checks";

export const SECURITY_GROUP_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const SUBNET = "aws:ec2/subnet:Subnet";
export const TGW_ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment";
export const ROUTE = "aws:ec2/route:Route";
export const EKS_ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry";
export const GCP_FIREWALL = "gcp:compute/firewall:Firewall";
export const GCP_SERVICE_IDENTITY = "gcp:projects/serviceIdentity:ServiceIdentity";
export const GCP_KMS_KEY_MEMBER = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember";
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
export const SERVICE = "kubernetes:core/v1:Service";
export const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const isAzure = (resource: string) => (type: string) =>
  new RegExp(`^azure-native:[a-z]+(/v[0-9a-z]+)?:${resource}$`).test(type);
export const isVnetPeering = isAzure("VirtualNetworkPeering");
export const isRoleAssignment = isAzure("RoleAssignment");
export const isAksMaintenance = isAzure("MaintenanceConfiguration");

/** "Azure Kubernetes Service RBAC Cluster Admin" (built-in role, the same id in every tenant). */
export const AKS_RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";
/** AZ IDs where EKS cannot place cluster subnets (the EKS target excludes them when it picks zones). */
export const EKS_REFUSED_ZONE_IDS = EKS_UNSUPPORTED_ZONE_IDS;
/**
 * Ports GKE's automatic firewall rule opens from the control plane to private nodes (GKE "Private
 * clusters: adding firewall rules for specific use cases": tcp 443 and 10250).
 */
export const GKE_CONTROL_PLANE_PORTS = [443, 10250];
/** GCP label keys and values: lowercase letters, digits, `_` and `-`, at most 63 (GCP "Labels" doc). */
const GCP_LABEL = /^[a-z0-9_-]{0,63}$/;
const GCP_LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;

/** What the stack config says of the cluster that its resources cannot show. */
export interface ClusterFacts {
  target: "eks" | "gke" | "aks" | "doks" | "existing";
  /** LoadBalancer Services get an address (a cloud LB, MetalLB, cloud-provider-kind, …). */
  loadBalancer: boolean;
  /** The metrics API is served without the platform's metrics-server. */
  metricsApi: boolean;
  /** Kubelet serving certificates are signed by the cluster CA (kind's are self-signed). */
  kubeletCertsTrusted: boolean;
}

export interface DeployContext extends RuleContext {
  cluster?: ClusterFacts;
}

function stackRule(def: {
  id: string;
  description: string;
  source: string;
  severity?: StackRule["severity"];
  check(
    all: ResourceUnderTest[],
    ctx: DeployContext,
    v: (r: ResourceUnderTest, m: string) => Violation,
  ): Violation[];
}): StackRule {
  const rule: StackRule = {
    kind: "stack",
    id: def.id,
    scannerIds: [],
    description: `${def.description} (${def.source})`,
    severity: def.severity ?? "mandatory",
    check: (all, ctx) => def.check(all, ctx, (r, m) => violationOf(rule, r, m)),
  };
  return rule;
}

const ofType = (all: ResourceUnderTest[], match: string | ((t: string) => boolean)) =>
  all.filter((r) => (typeof match === "string" ? r.type === match : match(r.type)));

/** Whether a port range `from`–`to` of protocol `proto` covers `port` over TCP. */
function coversTcp(proto: unknown, from: unknown, to: unknown, port: number): boolean {
  const p = String(proto ?? "").toLowerCase();
  if (p !== "tcp" && p !== "-1" && p !== "all") return false;
  if (p !== "tcp") return true;
  const lo = num(from);
  const hi = num(to) ?? lo;
  return lo !== undefined && hi !== undefined && lo <= port && port <= hi;
}

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
/* EKS: zones, control-plane subnets, node groups per zone, support type, ARNs                 */
/* ------------------------------------------------------------------------------------------ */

export const deployEksZones = stackRule({
  id: "deploy-eks-zones",
  description: `no EKS subnet in an AZ where EKS refuses cluster subnets (${EKS_REFUSED_ZONE_IDS.join(", ")})`,
  source: "EKS user guide, 'View Amazon EKS networking requirements for VPC and subnets'",
  check(all, _ctx, v) {
    if (ofType(all, EKS_CLUSTER).length === 0) return [];
    return ofType(all, SUBNET)
      .filter((s) => EKS_REFUSED_ZONE_IDS.includes(String(s.inputs.availabilityZoneId ?? "")))
      .map((s) =>
        v(
          s,
          `is in ${String(s.inputs.availabilityZoneId)}, where EKS cannot place cluster subnets: CreateCluster fails`,
        ),
      );
  },
});

export const deployEksControlPlaneSubnets = stackRule({
  id: "deploy-eks-control-plane-subnets",
  description:
    "the EKS control-plane subnets stay on the zones given at creation when availabilityZoneCount grows",
  source:
    "EKS user guide, 'Subnet requirements for clusters' (subnets added later must be in the creation-time AZs)",
  check(all, _ctx, v) {
    return ofType(all, EKS_CLUSTER)
      .filter((c) => !isIgnored(c, "vpcConfig.subnetIds"))
      .map((c) =>
        v(
          c,
          "vpcConfig.subnetIds follows every new zone: raising cluster.availabilityZoneCount would hand EKS a " +
            "subnet outside the creation-time zones, which it rejects",
        ),
      );
  },
});

export const deployEksNodeGroupPerZone = stackRule({
  id: "deploy-eks-node-group-per-zone",
  description:
    "every EKS managed node group lives in one zone, so cluster-autoscaler can add a node where a zonal EBS volume is",
  source:
    "EKS best practices, 'Cluster Autoscaler' (one node group per AZ with --balance-similar-node-groups)",
  check(all, _ctx, v) {
    return ofType(all, EKS_NODE_GROUP)
      .filter((g) => list(g.inputs.subnetIds).length > 1)
      .map((g) =>
        v(
          g,
          `spans ${list(g.inputs.subnetIds).length} subnets: after a node loss a pod bound to a zonal volume may find ` +
            "no node in its zone; use one node group per zone",
        ),
      );
  },
});

export const deployEksSupportType = stackRule({
  id: "deploy-eks-support-type",
  description: "the EKS support type is chosen explicitly (unset means EXTENDED support pricing, about 6×)",
  source: "EKS user guide, 'Cluster upgrade policy' (upgradePolicy.supportType defaults to EXTENDED)",
  check(all, _ctx, v) {
    return ofType(all, EKS_CLUSTER)
      .filter((c) => !str(get(c.inputs, "upgradePolicy.supportType")))
      .map((c) => v(c, "upgradePolicy.supportType is unset: set cluster.supportType (STANDARD or EXTENDED)"));
  },
});

export const deployEksPrincipalArns = stackRule({
  id: "deploy-eks-principal-arns",
  description: "EKS access entries name IAM roles or users, never sts assumed-role session ARNs",
  source: "EKS API reference, CreateAccessEntry (principalArn: an IAM user or role)",
  check(all, _ctx, v) {
    return ofType(all, EKS_ACCESS_ENTRY)
      .filter((e) => /:sts::\d{12}:assumed-role\//.test(String(e.inputs.principalArn ?? "")))
      .map((e) =>
        v(
          e,
          `principalArn ${String(e.inputs.principalArn)} is a session ARN, which CreateAccessEntry refuses: list ` +
            "the role (arn:aws:iam::<account>:role/<name>) in cluster.adminPrincipalArns",
        ),
      );
  },
});

/* ------------------------------------------------------------------------------------------ */
/* GKE: label values, the service agent                                                       */
/* ------------------------------------------------------------------------------------------ */

/** The label maps a GCP resource (or the google provider) carries. */
function gcpLabelMaps(r: ResourceUnderTest): [string, Rec][] {
  const i = rec(r.inputs);
  if (r.type === "pulumi:providers:gcp") return [["defaultLabels", rec(i.defaultLabels)]];
  if (!r.type.startsWith("gcp:")) return [];
  const maps: [string, Rec][] = [];
  if (i.labels !== undefined) maps.push(["labels", rec(i.labels)]);
  if (i.resourceLabels !== undefined) maps.push(["resourceLabels", rec(i.resourceLabels)]);
  const nodeResourceLabels = get(i, "nodeConfig.resourceLabels");
  if (nodeResourceLabels !== undefined) maps.push(["nodeConfig.resourceLabels", rec(nodeResourceLabels)]);
  return maps;
}

export const deployGcpLabels = stackRule({
  id: "deploy-gcp-labels",
  description: "GCP label keys and values are lowercase letters, digits, '_' and '-', at most 63 characters",
  source: "Google Cloud 'Labels' requirements",
  check(all, _ctx, v) {
    const out: Violation[] = [];
    for (const r of all) {
      for (const [where, labels] of gcpLabelMaps(r)) {
        for (const [k, value] of Object.entries(labels)) {
          if (!GCP_LABEL_KEY.test(k)) out.push(v(r, `${where} key "${k}" is not a valid GCP label key`));
          else if (typeof value === "string" && !GCP_LABEL.test(value)) {
            out.push(v(r, `${where}.${k} "${value}" is not a valid GCP label value (fix it in tags)`));
          }
        }
      }
    }
    return out;
  },
});

export const deployGkeServiceAgent = stackRule({
  id: "deploy-gke-service-agent",
  description:
    "grants to the GKE service agent wait for its service identity (it may not exist right after the API is enabled)",
  source: "GKE 'Encrypt secrets at the application layer' and google_project_service_identity",
  check(all, _ctx, v) {
    const identities = new Set(ofType(all, GCP_SERVICE_IDENTITY).map((r) => r.urn));
    return ofType(all, GCP_KMS_KEY_MEMBER)
      .filter((m) => /container-engine-robot/.test(String(m.inputs.member ?? "")))
      .filter((m) => !(m.dependsOn ?? []).some((u) => identities.has(u)))
      .map((m) =>
        v(
          m,
          "grants the GKE service agent before gcp.projects.ServiceIdentity has created it (fresh projects fail)",
        ),
      );
  },
});

/* ------------------------------------------------------------------------------------------ */
/* AKS: maintenance window                                                                    */
/* ------------------------------------------------------------------------------------------ */

export const deployAksMaintenanceWindow = stackRule({
  id: "deploy-aks-maintenance-window",
  description: "AKS auto-upgrades run in a planned maintenance window, not at any hour",
  source: "AKS 'Use Planned Maintenance to schedule and control upgrades'",
  check(all, _ctx, v) {
    const windows = ofType(all, isAksMaintenance).map((m) => String(m.inputs.configName ?? ""));
    const out: Violation[] = [];
    for (const c of ofType(all, isAksCluster)) {
      const profile = rec(c.inputs.autoUpgradeProfile);
      const wanted: [string, string][] = [];
      if (str(profile.upgradeChannel) && profile.upgradeChannel !== "none") {
        wanted.push(["aksManagedAutoUpgradeSchedule", "cluster upgrades"]);
      }
      if (
        str(profile.nodeOSUpgradeChannel) &&
        !["None", "Unmanaged"].includes(String(profile.nodeOSUpgradeChannel))
      ) {
        wanted.push(["aksManagedNodeOSUpgradeSchedule", "node OS upgrades"]);
      }
      for (const [name, what] of wanted) {
        if (!windows.includes(name)) {
          out.push(v(c, `${what} have no ${name} maintenance configuration: set cluster.maintenanceWindow`));
        }
      }
    }
    return out;
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
