/**
 * The Helm values of Karpenter's two charts (CHARTS.karpenterCrd, CHARTS.karpenter), pure: every
 * key is one of charts/karpenter/values.yaml at the chart's tag (aws/karpenter-provider-aws), as
 * recorded in components/addons/chart-data/karpenter/<version>/keys.json; what they render is in
 * objects.json beside it.
 */
import { resources } from "../../../addons/base";
import { identityChecksumAnnotations } from "../../identity-common";

/** Where Karpenter runs: the namespace its guides install it in (kube-system's FlowSchemas apply). */
export const KARPENTER_NAMESPACE = "kube-system";
export const KARPENTER_RELEASE = "karpenter";
export const KARPENTER_CRD_RELEASE = "karpenter-crd";

/** The chart's selector labels (templates/_helpers.tpl karpenter.selectorLabels) for our release. */
export const KARPENTER_POD_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/name": "karpenter",
  "app.kubernetes.io/instance": KARPENTER_RELEASE,
};

/** The label of the system node groups' nodes: Karpenter's pods select them (and nothing else). */
export const SYSTEM_NODE_LABELS: Readonly<Record<string, string>> = { "kube-platform/system-nodes": "true" };

/**
 * The taint of the system nodes (cluster.karpenter.systemPool.criticalAddonsOnly): only pods that
 * tolerate it run there, so no workload takes the capacity Karpenter needs to start, and every
 * other pod goes to Karpenter's nodes. EKS Auto Mode taints its own `system` NodePool so, and
 * "many EKS addons, such as CoreDNS, tolerate this taint" (EKS user guide, "Enable or Disable
 * Built-in NodePools"); Karpenter's chart tolerates it by default (values.yaml `tolerations`).
 * Add-ons that do not tolerate it (the EBS CSI controller, if so) run on Karpenter's nodes.
 */
export const CRITICAL_ADDONS_ONLY_TAINT = "CriticalAddonsOnly=true:NoSchedule";

export interface KarpenterValuesArgs<S> {
  clusterName: S;
  /** The API server endpoint (settings.clusterEndpoint): no DescribeCluster at start-up. */
  clusterEndpoint: S;
  /** The interruption queue's name (settings.interruptionQueue). */
  interruptionQueue: S;
  region: string;
  /** The controller identity's ServiceAccount annotations (IRSA role) and pod labels. */
  serviceAccountAnnotations: unknown;
  podLabels: Record<string, string>;
  highAvailability: boolean;
}

/** The CRD chart's values: none (its only key is additionalAnnotations). */
export function karpenterCrdValues(): Record<string, unknown> {
  return {};
}

/**
 * The controller's values. Its region comes from AWS_REGION: with neither AWS_REGION nor
 * AWS_DEFAULT_REGION the SDK config has none and Karpenter asks IMDS (pkg/operator/operator.go
 * NewOperator: `imds.GetRegion` when cfg.Region is empty), which a pod cannot reach behind IMDSv2
 * with one hop (the launch templates' and node classes' hop limit). The cluster endpoint is given,
 * so Karpenter makes no DescribeCluster call to find it (ResolveClusterEndpoint).
 * dnsPolicy Default: Karpenter resolves AWS endpoints through the node's resolver, not CoreDNS,
 * so it can always start and launch the nodes CoreDNS may need (getting-started "DNS Policy Notice";
 * it calls no in-cluster Service: the API server is reached by its address).
 * Scheduling: the system nodes only (nodeSelector), never a node of its own (the chart's default
 * affinity: no karpenter.sh/nodepool label; one replica per node), tolerating their taint; spread
 * over zones (the chart's default topologySpreadConstraints) with the chart's PodDisruptionBudget
 * (maxUnavailable 1). The chart's security context is Pod Security "restricted" already (a
 * non-root 65532 user, no privilege escalation, all capabilities dropped, read-only root, seccomp
 * RuntimeDefault for the pod): nothing to add.
 */
export function karpenterValues<S>(a: KarpenterValuesArgs<S>): Record<string, unknown> {
  return {
    settings: {
      clusterName: a.clusterName,
      clusterEndpoint: a.clusterEndpoint,
      interruptionQueue: a.interruptionQueue,
    },
    serviceAccount: { create: true, name: KARPENTER_RELEASE, annotations: a.serviceAccountAnnotations },
    podLabels: a.podLabels,
    // A changed binding (a switch between IRSA and Pod Identity) rolls the controller: its credentials
    // are injected only when a pod is created (identity-common.ts identityChecksum). The chart puts
    // podAnnotations into the pod template only (templates/deployment.yaml: spec.template.metadata.annotations).
    podAnnotations: identityChecksumAnnotations({
      serviceAccountAnnotations: a.serviceAccountAnnotations,
      podLabels: a.podLabels,
    }),
    // One leader (leader election); a second replica takes over without waiting for a new pod.
    replicas: a.highAvailability ? 2 : 1,
    dnsPolicy: "Default",
    nodeSelector: { "kubernetes.io/os": "linux", ...SYSTEM_NODE_LABELS },
    tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
    controller: {
      env: [{ name: "AWS_REGION", value: a.region }],
      // Karpenter's guides give the controller 1 CPU and 1 GiB (getting-started step08-apply-helm-chart.sh).
      resources: resources("1", "1Gi", "1Gi"),
    },
  };
}
