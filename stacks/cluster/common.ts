/**
 * What the cluster schemas of every managed target share: the profile presets, node pools and
 * the cross-field checks on CIDR lists. The node pool and taint rules themselves live once in
 * components/shared (no Pulumi import); these schemas report their problems at the config keys.
 */
import { z } from "zod";
import { NodePoolSettings } from "../../components/cluster/types";
import {
  NodeCount,
  PoolNaming,
  nodeCountRangeProblems,
  nodePoolListProblems,
  poolCountProblems,
  poolNameProblems,
  wholeNumberProblems,
} from "../../components/shared/node-pools";
import { CLUSTER_NAME_MAX } from "../../components/shared/dns";
import { duplicateProblems } from "../../components/shared/problems";
import type { Profile } from "../../components/shared/profile";
import { taintProblems } from "../../components/shared/taint";
import {
  checkedBy,
  cidrsOverlap,
  dnsLabel,
  isOpenToWorld,
  kubernetesVersion,
  parseCidr,
  report,
} from "../validation";

/**
 * Cross-field checks run even when other keys are invalid, so that every problem is reported in
 * one go; they therefore guard against values of the wrong type.
 */
export const ALWAYS = { when: () => true };

/**
 * Presets: the defaults each profile gives. Every value here can be overridden by the key named
 * in the comment. All environment differences come from here or from the stack's own config.
 */
export const PROFILE_DEFAULTS = {
  dev: {
    protect: false, // cluster.protect
    minNodes: 1, // cluster.nodePools[].minNodes (and aks systemPool)
    maxNodes: 3, // cluster.nodePools[].maxNodes
    availabilityZoneCount: 2, // cluster.availabilityZoneCount (eks)
    natGateways: "single", // cluster.natGateways (eks)
    endpointPublicAccess: true, // cluster.endpointPublicAccess (eks)
    releaseChannel: "REGULAR", // cluster.releaseChannel (gke)
    deletionProtection: false, // cluster.deletionProtection (gke)
    skuTier: "Free", // cluster.skuTier (aks)
    disableLocalAccounts: false, // cluster.disableLocalAccounts (aks)
    highAvailability: false, // cluster.highAvailability (doks)
  },
  prod: {
    protect: true,
    minNodes: 3,
    maxNodes: 9,
    availabilityZoneCount: 3,
    natGateways: "perAz",
    // Public, limited to publicAccessCidrs (required, never 0.0.0.0/0 in prod): a private endpoint
    // in the VPC this program creates is out of reach of the machine running `pulumi up` unless
    // cluster.deployerNetwork declares its path (EKS user guide, "Cluster API server endpoint").
    endpointPublicAccess: true,
    releaseChannel: "STABLE",
    deletionProtection: true,
    skuTier: "Standard",
    disableLocalAccounts: true,
    highAvailability: true,
  },
} as const satisfies Record<Profile, unknown>;
export type Preset = (typeof PROFILE_DEFAULTS)[Profile];

/** Default machine type per target for the default node pool. */
export const DEFAULT_MACHINE_TYPES = {
  eks: "m6i.large",
  gke: "e2-standard-4",
  aks: "Standard_D4s_v5",
  doks: "s-4vcpu-8gb",
} as const;

export const DEFAULT_KUBERNETES_VERSION = "1.34";

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * minNodes or maxNodes. A count that is not whole stops the checks after it, the cross-field ones
 * included, as `z.number().int()` has always done here.
 */
function nodeCount(key: NodeCount) {
  return z
    .number()
    .superRefine(checkedBy(wholeNumberProblems, { abort: true }))
    .superRefine(checkedBy((n: number) => nodeCountRangeProblems(n, key)));
}

/** One node pool; `naming` is the target's pool-name rule. */
export function nodePool(preset: Preset, machineType: string, naming: PoolNaming = "dnsLabel") {
  return z.strictObject({
    name: z.string().superRefine(checkedBy((name: string) => poolNameProblems(name, naming))),
    machineType: z.string().min(1).default(machineType),
    minNodes: nodeCount("minNodes").default(preset.minNodes),
    maxNodes: nodeCount("maxNodes").default(preset.maxNodes),
    diskSizeGb: z.number().int().min(20).max(16384).default(100),
    labels: z
      .record(
        z.string().regex(LABEL_KEY, "must be a Kubernetes label key like example.com/role"),
        z.string().regex(LABEL_VALUE, "must be a Kubernetes label value (≤ 63 alphanumerics, '-', '_', '.')"),
      )
      .default({}),
    taints: z.array(z.string().superRefine(checkedBy(taintProblems))).default([]),
  });
}

/** The node pools of a target: one "general" pool of the preset's size by default. */
export function nodePools(preset: Preset, machineType: string, naming: PoolNaming = "dnsLabel") {
  const defaults: NodePoolSettings = {
    name: "general",
    machineType,
    minNodes: preset.minNodes,
    maxNodes: preset.maxNodes,
    diskSizeGb: 100,
    labels: {},
    taints: [],
  };
  return z
    .array(nodePool(preset, machineType, naming))
    .superRefine(checkedBy(poolCountProblems))
    .default([defaults]);
}

/** The checks across node pools (min ≤ max, unique names), reported under `at`. */
export function checkNodePools(pools: unknown, at: PropertyKey[], ctx: z.RefinementCtx): void {
  if (Array.isArray(pools)) report(ctx, nodePoolListProblems(pools), at);
}

/** The keys every managed target has. */
export function commonClusterFields(preset: Preset, defaultClusterName: string) {
  return {
    clusterName: dnsLabel(CLUSTER_NAME_MAX).default(defaultClusterName),
    kubernetesVersion: kubernetesVersion.default(DEFAULT_KUBERNETES_VERSION),
    protect: z.boolean().default(preset.protect),
  };
}

export function regionSchema(re: RegExp, example: string) {
  return z.string().regex(re, `must be a region name like "${example}"`);
}

/** Items of a list must be unique (each duplicate is reported at its index). */
export function checkUnique(items: unknown[], ctx: z.RefinementCtx): void {
  report(ctx, duplicateProblems(items));
}

export function checkNotOpenToWorld(
  profile: Profile,
  cidrs: unknown[],
  at: PropertyKey[],
  ctx: z.RefinementCtx,
  what: string,
): void {
  if (profile !== "prod" || !Array.isArray(cidrs)) return;
  cidrs.forEach((c, i) => {
    if (typeof c === "string" && isOpenToWorld(c)) {
      ctx.addIssue({
        code: "custom",
        path: [...at, i],
        message: `${what} must not be open to the whole internet in prod; list your office/VPN/CI CIDRs`,
      });
    }
  });
}

/** Whether every argument is a well-formed CIDR (cross-field checks skip malformed ones). */
export function validCidrs(...values: unknown[]): boolean {
  return values.every((v) => typeof v === "string" && parseCidr(v) !== undefined);
}

export function checkDisjoint(ranges: Record<string, string>, ctx: z.RefinementCtx): void {
  const entries = Object.entries(ranges).filter(([, v]) => validCidrs(v));
  entries.forEach(([ka, a], i) => {
    for (const [kb, b] of entries.slice(i + 1)) {
      if (cidrsOverlap(a, b)) {
        ctx.addIssue({
          code: "custom",
          path: [kb],
          message: `overlaps ${ka} (${a}); the ranges must be disjoint`,
        });
      }
    }
  });
}
