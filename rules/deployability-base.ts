/**
 * The shared model of the deployability rules (./deployability.ts, ./deployability-clouds.ts): the
 * resource types they read, the facts an adopted cluster's config gives, and the rule builder.
 */
import { ResourceUnderTest, RuleContext, StackRule, Violation, defineStackRule, num } from "./types";
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
/** azure-native tokens as the program registers them (the rules match any module and API version). */
export const VNET_PEERING = "azure-native:network:VirtualNetworkPeering";
export const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
export const AKS_MAINTENANCE = "azure-native:containerservice:MaintenanceConfiguration";
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

/** A deployability rule: a stack rule that names its source and the resource types it reads. */
export function stackRule(def: {
  id: string;
  description: string;
  source: string;
  /** The resource types the rule reads (documentation: `check` decides what it looks at). */
  types: string[];
  severity?: StackRule["severity"];
  check(
    all: ResourceUnderTest[],
    ctx: DeployContext,
    v: (r: ResourceUnderTest, m: string) => Violation,
  ): Violation[];
}): StackRule {
  return defineStackRule({
    id: def.id,
    scannerIds: [],
    description: `${def.description} (${def.source})`,
    severity: def.severity,
    area: "deployability",
    types: def.types,
    check: def.check,
  });
}

export const ofType = (all: ResourceUnderTest[], match: string | ((t: string) => boolean)) =>
  all.filter((r) => (typeof match === "string" ? r.type === match : match(r.type)));

/** Whether a port range `from`–`to` of protocol `proto` covers `port` over TCP. */
export function coversTcp(proto: unknown, from: unknown, to: unknown, port: number): boolean {
  const p = String(proto ?? "").toLowerCase();
  if (p !== "tcp" && p !== "-1" && p !== "all") return false;
  if (p !== "tcp") return true;
  const lo = num(from);
  const hi = num(to) ?? lo;
  return lo !== undefined && hi !== undefined && lo <= port && port <= hi;
}
