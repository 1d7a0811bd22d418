/**
 * Karpenter's system node groups: a managed node group per zone (the node groups' launch template,
 * IMDSv2 with one hop, an encrypted gp3 root volume) where Karpenter itself and the critical add-ons
 * run, so that Karpenter never runs on, nor waits for, a node it launches. Fixed size (min = desired =
 * max = `nodesPerZone`): no autoscaler scales them (cluster-autoscaler does not run with Karpenter,
 * Karpenter does not manage node groups), so Pulumi owns the size; an update of a group still works
 * (EKS raises the group's maximum and desired size for the new nodes itself: EKS user guide,
 * "Understand each phase of node updates", setup phase).
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { NodePoolSettings } from "../../types";
import { NodeGroupBase, zonalNodeGroups } from "../nodes";
import type { EksKarpenterSettings, EksSettings } from "../settings";
import { CRITICAL_ADDONS_ONLY_TAINT, SYSTEM_NODE_LABELS } from "./values";

/** The name of the system pool's resources (`<name>-system.<zone>`); config refuses it for a pool. */
export const SYSTEM_POOL_NAME = "system";

/** The system pool as a node pool (its counts are the groups' fixed size per zone). */
export function systemPoolSettings(k: EksKarpenterSettings): NodePoolSettings {
  const p = k.systemPool;
  return {
    name: SYSTEM_POOL_NAME,
    machineType: p.machineType,
    minNodes: p.nodesPerZone,
    maxNodes: p.nodesPerZone,
    diskSizeGb: p.diskSizeGb,
    labels: { ...SYSTEM_NODE_LABELS },
    taints: p.criticalAddonsOnly ? [CRITICAL_ADDONS_ONLY_TAINT] : [],
  };
}

/** The system node groups, `<name>-system.<zone index>`. */
export function systemNodeGroups(
  name: string,
  s: EksSettings,
  k: EksKarpenterSettings,
  base: NodeGroupBase,
  opts: pulumi.CustomResourceOptions,
): aws.eks.NodeGroup[] {
  return zonalNodeGroups(name, s, systemPoolSettings(k), base, opts, {
    kind: "fixed",
    nodesPerZone: k.systemPool.nodesPerZone,
  });
}
