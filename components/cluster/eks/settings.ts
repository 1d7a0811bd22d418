/**
 * The settings of the EKS target (stack config builds and validates them: stacks/cluster/eks.ts).
 */
import type { ManagedClusterCommon } from "../types";

/** How ServiceAccounts get AWS credentials (cluster.workloadIdentity). */
export type EksWorkloadIdentity = "podIdentity" | "irsa";
/** Who scales the nodes (cluster.nodeAutoscaling). */
export type EksNodeAutoscalingChoice = "karpenter" | "cluster-autoscaler";
/** The scheme of the ingress NLB (cluster.loadBalancerScheme). */
export type EksLoadBalancerScheme = "internet-facing" | "internal";

export interface EksSettings extends ManagedClusterCommon {
  region: string;
  vpcCidr: string;
  availabilityZoneCount: number;
  /** "single": one NAT gateway for all private subnets; "perAz": one per availability zone. */
  natGateways: "single" | "perAz";
  endpointPublicAccess: boolean;
  /** CIDRs allowed to reach the public endpoint (only when endpointPublicAccess). */
  publicAccessCidrs: string[];
  /**
   * Where `pulumi up` reaches a private endpoint from (required when !endpointPublicAccess):
   * sources allowed on tcp 443 of the cluster security group, and optionally a transit gateway the
   * VPC's private subnets attach to, with a route per deployer CIDR.
   */
  deployerNetwork?: EksDeployerNetwork;
  /** EKS upgrade policy: STANDARD (upgraded at the end of standard support) or EXTENDED (paid). */
  supportType: "STANDARD" | "EXTENDED";
  /** IAM principal ARNs (roles/users) granted cluster admin through access entries. */
  adminPrincipalArns: string[];
  /**
   * How ServiceAccounts get AWS credentials: EKS Pod Identity (an association per ServiceAccount,
   * the EKS default) or IRSA (the cluster's OIDC provider). Every identity the platform creates uses it.
   */
  workloadIdentity: EksWorkloadIdentity;
  /**
   * Who adds and removes nodes: cluster-autoscaler over one managed node group per pool and zone, or
   * Karpenter (NodePools derived from `nodePools`, on a small managed system node group).
   */
  nodeAutoscaling: EksNodeAutoscalingChoice;
  /**
   * Karpenter's settings (cluster.karpenter and the pools' Karpenter fields, defaults resolved):
   * present exactly when `nodeAutoscaling` is "karpenter".
   */
  karpenter?: EksKarpenterSettings;
  /** The NLB of the ingress Service (AWS Load Balancer Controller, IP targets): public or VPC-internal. */
  loadBalancerScheme: EksLoadBalancerScheme;
  /** Optional AWS CLI profile / role used by the exec-based kubeconfig. */
  kubeconfigProfile?: string;
  kubeconfigRoleArn?: string;
}

/**
 * The deploying machine's network, for a private EKS endpoint. The program creates the VPC, so the
 * transit gateway is the path on the first deploy: required with a private endpoint.
 */
export interface EksDeployerNetwork {
  /** IPv4 CIDRs of the deployer's network behind the transit gateway (required, routed to it). */
  cidrs: string[];
  /** Security groups of a later runner inside the cluster's VPC (an addition, never the path alone). */
  securityGroupIds: string[];
  /** The transit gateway (tgw-…, auto-accepting attachments) connecting the deployer's network. */
  transitGatewayId?: string;
}

/* ---- Karpenter (cluster.nodeAutoscaling: karpenter; stacks/cluster/eks-karpenter.ts) ---- */

/** The EKS-optimized AMI family of Karpenter's nodes (the EC2NodeClass alias family). */
export type KarpenterAmiFamily = "al2023" | "bottlerocket";
/** EC2 purchase options a NodePool may launch (karpenter.sh/capacity-type values). */
export type KarpenterCapacityType = "on-demand" | "spot";
/** CPU architectures (kubernetes.io/arch values). */
export type KarpenterArchitecture = "amd64" | "arm64";
/** Karpenter's consolidation policies (NodePool spec.disruption.consolidationPolicy). */
export type KarpenterConsolidationPolicy = "WhenEmpty" | "WhenEmptyOrUnderutilized" | "Balanced";
/** The disruption reasons a budget may be limited to (spec.disruption.budgets[].reasons). */
export type KarpenterDisruptionReason = "Underutilized" | "Empty" | "Drifted";

/**
 * The managed node groups Karpenter and the critical add-ons run on: one per zone, of a fixed size
 * (no autoscaler scales them).
 */
export interface KarpenterSystemPool {
  machineType: string;
  /** Nodes of each zone's group (min = desired = max). */
  nodesPerZone: number;
  diskSizeGb: number;
  /** Taint the nodes CriticalAddonsOnly=true:NoSchedule: only pods tolerating it run there. */
  criticalAddonsOnly: boolean;
}

/** One NodePool disruption budget, in the CRD's formats (validated by stack config). */
export interface KarpenterDisruptionBudget {
  /** A count ("2") or a percentage ("10%"). */
  nodes: string;
  /** A cron schedule; with `duration` (both or neither). */
  schedule?: string;
  duration?: string;
  reasons?: KarpenterDisruptionReason[];
}

/** What Karpenter may do to a pool's nodes of its own accord. */
export interface KarpenterDisruption {
  consolidationPolicy: KarpenterConsolidationPolicy;
  /** A duration ("30s", "1h30m") or "Never". */
  consolidateAfter: string;
  budgets: KarpenterDisruptionBudget[];
}

/** The Karpenter NodePool derived from one entry of `nodePools` (same name). */
export interface KarpenterNodePoolSettings {
  /** The `nodePools` entry it is derived from. */
  pool: string;
  /** What it launches: instance types (node.kubernetes.io/instance-type) or families, never both. */
  instances: { kind: "types" | "families"; values: string[] };
  capacityTypes: KarpenterCapacityType[];
  architecture: KarpenterArchitecture;
  /** Resource limits of the whole pool: CPU (DecimalSI) and memory (BinarySI) quantities, node count. */
  limits: { cpu?: string; memory?: string; nodes: number };
  disruption: KarpenterDisruption;
  /** A node's lifetime ("720h") or "Never". */
  expireAfter: string;
}

/** Karpenter on EKS: its system node groups, its node class and the NodePools of `nodePools`. */
export interface EksKarpenterSettings {
  systemPool: KarpenterSystemPool;
  amiFamily: KarpenterAmiFamily;
  /** "latest" (follows the cluster's Kubernetes version) or a release tag of the family ("v20250807", "v1.42.0"). */
  amiVersion: string;
  /** Two controller replicas (leader election) with a disruption budget, spread over zones. */
  highAvailability: boolean;
  /**
   * Keep the pools' managed node groups (unscaled: no autoscaler runs) while migrating their
   * workloads from cluster-autoscaler to Karpenter; false deletes them.
   */
  retainNodeGroups: boolean;
  /** One per entry of `nodePools`, in its order. */
  nodePools: KarpenterNodePoolSettings[];
}
