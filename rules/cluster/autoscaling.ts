/**
 * The cluster rule every cloud shares: node pools autoscale, and Pulumi does not fight the
 * autoscaler (the pool size is in ignoreChanges).
 */
import { ResourceUnderTest, isIgnored, isTrue, list, num, rec } from "../types";
import { aksPools } from "./aks";
import {
  AKS_AGENT_POOL,
  AKS_CLUSTER,
  DOKS_CLUSTER,
  DOKS_NODE_POOL,
  EKS_NODE_GROUP,
  GKE_CLUSTER,
  GKE_NODE_POOL,
  clusterRule,
  isAksAgentPool,
  isAksCluster,
  prefixed,
} from "./common";
import { gkePools } from "./gke";

function bounds(label: string, min: unknown, max: unknown): string[] {
  const lo = num(min);
  const hi = num(max);
  if (lo === undefined || hi === undefined)
    return [prefixed(label, `min/max not set (min ${String(min)}, max ${String(max)})`)];
  if (lo < 0 || lo > hi) return [prefixed(label, `min ${lo} > max ${hi}`)];
  if (hi < 1) return [prefixed(label, `max ${hi} < 1`)];
  return [];
}

function sizeIgnored(r: ResourceUnderTest, label: string, size: unknown, path: string): string[] {
  if (size === undefined || size === null || isIgnored(r, path)) return [];
  return [
    prefixed(label, `${path} is set but not in ignoreChanges: every update resets what the autoscaler chose`),
  ];
}

/**
 * A node group of one fixed size (min = desired = max ≥ 1): Pulumi owns its size and nothing else
 * changes it, so there is no autoscaler to fight (components/cluster/eks/karpenter/system-pool.ts).
 */
function isFixedSize(s: Record<string, unknown>): boolean {
  const [min, desired, max] = [num(s.minSize), num(s.desiredSize), num(s.maxSize)];
  return min !== undefined && min >= 1 && min === desired && min === max;
}

export const nodePoolAutoscaling = clusterRule({
  id: "node-pool-autoscaling",
  scannerIds: [],
  description:
    "every node pool autoscales between min and max (0 <= min <= max, max >= 1) and its size is in ignoreChanges; an EKS node group may instead have a fixed size (min = desired = max: Karpenter's system node groups, which no autoscaler scales)",
  types: [
    EKS_NODE_GROUP,
    GKE_CLUSTER,
    GKE_NODE_POOL,
    AKS_CLUSTER,
    AKS_AGENT_POOL,
    DOKS_CLUSTER,
    DOKS_NODE_POOL,
  ],
  check(r, inputs) {
    if (r.type === EKS_NODE_GROUP) {
      const s = rec(inputs.scalingConfig);
      if (isFixedSize(s)) return [];
      return [
        ...bounds("", s.minSize, s.maxSize),
        ...sizeIgnored(r, "", s.desiredSize, "scalingConfig.desiredSize"),
      ];
    }
    if (r.type === GKE_CLUSTER || r.type === GKE_NODE_POOL) {
      return gkePools(r).flatMap((p) => {
        if (p.label === "default node pool")
          return ["the default node pool is kept and does not autoscale (set removeDefaultNodePool)"];
        if (!p.autoscaling) return [prefixed(p.label, "no autoscaling")];
        const a = p.autoscaling;
        return [
          ...bounds(p.label, a.totalMinNodeCount ?? a.minNodeCount, a.totalMaxNodeCount ?? a.maxNodeCount),
          ...sizeIgnored(r, p.label, p.nodeCount, p.sizePath),
        ];
      });
    }
    if (isAksCluster(r.type) || isAksAgentPool(r.type)) {
      return aksPools(r).flatMap(({ label, pool, sizePath }) =>
        isTrue(pool.enableAutoScaling)
          ? [...bounds(label, pool.minCount, pool.maxCount), ...sizeIgnored(r, label, pool.count, sizePath)]
          : [prefixed(label, "enableAutoScaling is not true")],
      );
    }
    const [label, pool, sizePath] =
      r.type === DOKS_CLUSTER
        ? ["node pool", rec(list(inputs.nodePool)[0]), "nodePool.nodeCount"]
        : ["", inputs, "nodeCount"];
    return isTrue(pool.autoScale)
      ? [...bounds(label, pool.minNodes, pool.maxNodes), ...sizeIgnored(r, label, pool.nodeCount, sizePath)]
      : [prefixed(label, "autoScale is not true")];
  },
});
