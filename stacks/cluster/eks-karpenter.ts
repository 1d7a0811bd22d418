/**
 * Karpenter in the `cluster` section of the `eks` target (cluster.nodeAutoscaling: karpenter): the
 * `cluster.karpenter` keys, the Karpenter fields of `cluster.nodePools[]`, the cross-checks (each
 * problem at its key) and the resolved settings. The formats are the CRDs' (components/cluster/eks/
 * karpenter/rules.ts); the defaults are the profile's.
 */
import { z } from "zod";
import { INSTANCE_TYPE } from "../../components/cluster/eks/instance-types";
import {
  AMI_VERSION_LATEST,
  DURATION_OR_NEVER,
  MAX_BUDGETS,
  amiVersionProblems,
  budgetProblems,
  instanceNameProblems,
  poolArchitecture,
  quantityProblems,
  restrictedLabelProblem,
} from "../../components/cluster/eks/karpenter/rules";
import type {
  EksKarpenterSettings,
  EksNodeAutoscalingChoice,
  KarpenterNodePoolSettings,
} from "../../components/cluster/eks/settings";
import type { NodePoolSettings } from "../../components/cluster/types";
import { poolCountProblems } from "../../components/shared/node-pools";
import { Problem, duplicateProblems } from "../../components/shared/problems";
import type { Profile } from "../../components/shared/profile";
import { checkedBy } from "../validation";
import { Preset, nodePool } from "./common";

/**
 * The system node groups per profile: Karpenter's controller asks for 1 CPU and 1 GiB (its guides'
 * values, getting-started step08-apply-helm-chart.sh), next to CoreDNS, the EBS CSI controller and
 * the node DaemonSets: a 2-vCPU node per zone holds them (dev: burstable t3.medium, 4 GiB; prod:
 * m6i.large, 8 GiB). One node per zone: the zones together keep the two prod controller replicas
 * on separate nodes (the chart's required anti-affinity) and one more node for a group's update.
 */
export const KARPENTER_SYSTEM_POOL_DEFAULTS = {
  dev: { machineType: "t3.medium", nodesPerZone: 1, diskSizeGb: 50 },
  prod: { machineType: "m6i.large", nodesPerZone: 1, diskSizeGb: 50 },
} as const satisfies Record<Profile, unknown>;

/** The most nodes a system group runs per zone (it is a fixed size: more is a node pool's job). */
export const MAX_SYSTEM_NODES_PER_ZONE = 10;

/** NodePool defaults: Karpenter's getting-started NodePool (1m), the CRD's budget and expiry defaults. */
export const KARPENTER_POOL_DEFAULTS = {
  capacityTypes: ["on-demand"],
  consolidationPolicy: "WhenEmptyOrUnderutilized",
  consolidateAfter: "1m",
  budgets: [{ nodes: "10%" }],
  expireAfter: "720h",
} as const;

const unique = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1)
    .superRefine(checkedBy((items: unknown[]) => duplicateProblems(items)));

/** `cluster.karpenter` for a profile. */
export function karpenterSchema(profile: Profile) {
  const sys = KARPENTER_SYSTEM_POOL_DEFAULTS[profile];
  return z.strictObject({
    systemPool: z
      .strictObject({
        machineType: z
          .string()
          .regex(INSTANCE_TYPE, 'must be an EC2 instance type like "m6i.large"')
          .default(sys.machineType),
        nodesPerZone: z.number().int().min(1).max(MAX_SYSTEM_NODES_PER_ZONE).default(sys.nodesPerZone),
        diskSizeGb: z.number().int().min(20).max(16384).default(sys.diskSizeGb),
        criticalAddonsOnly: z.boolean().default(true),
      })
      .prefault({}),
    amiFamily: z.enum(["al2023", "bottlerocket"]).default("al2023"),
    amiVersion: z.string().min(1).default(AMI_VERSION_LATEST),
    highAvailability: z.boolean().default(profile === "prod"),
    retainNodeGroups: z.boolean().default(false),
  });
}

const budgetNodes = z.union([z.string(), z.number().int().min(0)]).transform(String);

const budget = z
  .strictObject({
    nodes: budgetNodes,
    schedule: z.string().optional(),
    duration: z.string().optional(),
    reasons: unique(z.enum(["Underutilized", "Empty", "Drifted"])).optional(),
  })
  .superRefine(checkedBy(budgetProblems));

const quantity = z
  .union([z.string(), z.number().min(0)])
  .transform(String)
  .superRefine(checkedBy(quantityProblems));

/** The Karpenter fields of one `nodePools` entry (EKS with Karpenter only; all optional). */
export const KARPENTER_POOL_FIELDS = {
  instanceTypes: unique(
    z.string().superRefine(checkedBy((n: string) => instanceNameProblems("types", n))),
  ).optional(),
  instanceFamilies: unique(
    z.string().superRefine(checkedBy((n: string) => instanceNameProblems("families", n))),
  ).optional(),
  capacityTypes: unique(z.enum(["on-demand", "spot"])).optional(),
  architecture: z.enum(["amd64", "arm64"]).optional(),
  limits: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
  disruption: z
    .strictObject({
      consolidationPolicy: z.enum(["WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"]).optional(),
      consolidateAfter: z
        .string()
        .regex(DURATION_OR_NEVER, 'must be a duration like "30s", "5m", "1h30m", or "Never"')
        .optional(),
      budgets: z.array(budget).min(1).max(MAX_BUDGETS).optional(),
    })
    .optional(),
  expireAfter: z.string().regex(DURATION_OR_NEVER, 'must be a duration like "720h", or "Never"').optional(),
} as const;
const KARPENTER_POOL_KEYS = Object.keys(KARPENTER_POOL_FIELDS) as (keyof typeof KARPENTER_POOL_FIELDS)[];

/**
 * The EKS node pools: the shared pool keys plus Karpenter's, and `minNodes` without a default
 * (its default depends on cluster.nodeAutoscaling: withNodeCounts).
 */
export function eksNodePools(preset: Preset, machineType: string) {
  const base = nodePool(preset, machineType);
  const pool = base.extend({ minNodes: base.shape.minNodes.unwrap().optional(), ...KARPENTER_POOL_FIELDS });
  return z
    .array(pool)
    .superRefine(checkedBy(poolCountProblems))
    .default([
      { name: "general", machineType, maxNodes: preset.maxNodes, diskSizeGb: 100, labels: {}, taints: [] },
    ]);
}

type EksPool = z.output<ReturnType<typeof eksNodePools>>[number];
type RawPool = Partial<Record<string, unknown>>;

/**
 * minNodes as set, else the default: the preset's with cluster-autoscaler; 0 with Karpenter (a
 * NodePool keeps no minimum, and the retained node groups of a migration may then be emptied).
 */
export function defaultMinNodes(preset: Preset, autoscaling: EksNodeAutoscalingChoice): number {
  return autoscaling === "karpenter" ? 0 : preset.minNodes;
}

/** The shared fields of a pool, minNodes resolved (the rest of the program's NodePoolSettings). */
export function nodePoolSettingsOf(pool: EksPool, minNodes: number): NodePoolSettings {
  const { name, machineType, maxNodes, diskSizeGb, labels, taints } = pool;
  return { name, machineType, minNodes: pool.minNodes ?? minNodes, maxNodes, diskSizeGb, labels, taints };
}

/** The pools with minNodes resolved, for the shared pool checks (min ≤ max). */
export function withNodeCounts(pools: unknown, minNodes: number): unknown {
  if (!Array.isArray(pools)) return pools;
  return pools.map((p: unknown) =>
    typeof p === "object" && p !== null && !("minNodes" in p) ? { ...p, minNodes } : p,
  );
}

/** The Karpenter NodePool of a pool, defaults resolved (after the checks below passed). */
export function karpenterPoolOf(pool: EksPool): KarpenterNodePoolSettings {
  const instances = pool.instanceFamilies
    ? { kind: "families" as const, values: pool.instanceFamilies }
    : { kind: "types" as const, values: pool.instanceTypes ?? [pool.machineType] };
  const derived = poolArchitecture(instances.values);
  const d = KARPENTER_POOL_DEFAULTS;
  return {
    pool: pool.name,
    instances,
    capacityTypes: pool.capacityTypes ?? [...d.capacityTypes],
    architecture: pool.architecture ?? ("architecture" in derived ? derived.architecture : "amd64"),
    limits: { ...pool.limits, nodes: pool.maxNodes },
    disruption: {
      consolidationPolicy: pool.disruption?.consolidationPolicy ?? d.consolidationPolicy,
      consolidateAfter: pool.disruption?.consolidateAfter ?? d.consolidateAfter,
      budgets: pool.disruption?.budgets ?? d.budgets.map((b) => ({ ...b })),
    },
    expireAfter: pool.expireAfter ?? d.expireAfter,
  };
}

/** What the cross-checks read of the section (unchecked input: fields of the wrong type are skipped). */
export interface KarpenterView {
  nodeAutoscaling?: unknown;
  karpenter?: unknown;
  nodePools?: unknown;
}

/** Whether a `nodePools` entry is an object (the cross-checks skip the others: already a type error). */
const isPool = (p: unknown): p is RawPool => typeof p === "object" && p !== null;

/** The Karpenter fields and cluster.karpenter where cluster-autoscaler scales the nodes. */
function withoutKarpenterProblems(c: KarpenterView, pools: unknown[]): Problem[] {
  const why = `only with cluster.nodeAutoscaling: karpenter (it is ${String(c.nodeAutoscaling)})`;
  const out: Problem[] = c.karpenter !== undefined ? [{ path: ["karpenter"], message: `is ${why}` }] : [];
  pools.forEach((p, i) => {
    if (!isPool(p)) return;
    for (const key of KARPENTER_POOL_KEYS)
      if (p[key] !== undefined)
        out.push({ path: ["nodePools", i, key], message: `is a Karpenter NodePool field: ${why}` });
  });
  return out;
}

/** One pool's Karpenter problems (raw input). */
function poolProblems(p: RawPool, retain: boolean): Problem[] {
  const out: Problem[] = [];
  if (p.name === "system")
    out.push({
      path: ["name"],
      message: "is the name of Karpenter's system node groups (cluster.karpenter.systemPool); choose another",
    });
  const types = Array.isArray(p.instanceTypes) ? p.instanceTypes : undefined;
  const families = Array.isArray(p.instanceFamilies) ? p.instanceFamilies : undefined;
  if (types && families)
    out.push({ path: ["instanceFamilies"], message: "set instanceTypes or instanceFamilies, not both" });
  const [key, names] = families
    ? ["instanceFamilies", families]
    : types
      ? ["instanceTypes", types]
      : ["machineType", [p.machineType]];
  // Names of the wrong type are a type error already: the checks below skip them.
  const strings = names.filter((n): n is string => typeof n === "string");
  if (key === "machineType" && strings.some((n) => instanceNameProblems("types", n).length > 0))
    out.push({
      path: ["machineType"],
      message: 'is the NodePool\'s instance type without instanceTypes: it must be one like "m7i.large"',
    });
  const arch = strings.length > 0 ? poolArchitecture(strings) : undefined;
  if (arch && "problem" in arch) out.push({ path: [key], message: arch.problem });
  if (
    arch &&
    "architecture" in arch &&
    typeof p.architecture === "string" &&
    p.architecture !== arch.architecture
  )
    out.push({
      path: ["architecture"],
      message: `contradicts ${key} (${strings.join(", ")}: ${arch.architecture})`,
    });
  if (typeof p.minNodes === "number" && p.minNodes > 0 && !retain)
    out.push({
      path: ["minNodes"],
      message:
        "has no meaning for a Karpenter NodePool: Karpenter launches nodes for pending pods only and keeps no minimum; " +
        "remove it (or set 0). It sizes the pools' node groups only while they are kept (cluster.karpenter.retainNodeGroups: true)",
    });
  const labels = typeof p.labels === "object" && p.labels !== null ? Object.keys(p.labels) : [];
  for (const label of labels) {
    const problem = restrictedLabelProblem(label);
    if (problem) out.push({ path: ["labels", label], message: `${problem} on a Karpenter NodePool` });
  }
  return out;
}

/** Every Karpenter problem of an EKS `cluster` section, at its key. */
export function karpenterProblems(c: KarpenterView): Problem[] {
  // Entries that are no object are skipped, each other pool keeps its index in cluster.nodePools.
  const pools: unknown[] = Array.isArray(c.nodePools) ? c.nodePools : [];
  if (c.nodeAutoscaling !== "karpenter") return withoutKarpenterProblems(c, pools);
  const k = (typeof c.karpenter === "object" && c.karpenter !== null ? c.karpenter : {}) as RawPool;
  const retain = k.retainNodeGroups === true;
  const out: Problem[] = [];
  const family = k.amiFamily ?? "al2023";
  if (typeof k.amiVersion === "string" && (family === "al2023" || family === "bottlerocket"))
    out.push(
      ...amiVersionProblems(family, k.amiVersion).map((p) => ({ ...p, path: ["karpenter", "amiVersion"] })),
    );
  pools.forEach((p, i) => {
    if (isPool(p))
      out.push(...poolProblems(p, retain).map((q) => ({ ...q, path: ["nodePools", i, ...q.path] })));
  });
  return out;
}

/** The settings of cluster.karpenter and the pools (Karpenter's, when it scales the nodes). */
export function karpenterSettingsOf(
  profile: Profile,
  karpenter: z.output<ReturnType<typeof karpenterSchema>> | undefined,
  pools: EksPool[],
): EksKarpenterSettings {
  const k = karpenter ?? karpenterSchema(profile).parse({});
  return { ...k, nodePools: pools.map(karpenterPoolOf) };
}

/** What the EKS section's transform reads: the parsed keys this module adds or changes. */
interface KarpenterSection {
  nodeAutoscaling: EksNodeAutoscalingChoice;
  karpenter?: z.output<ReturnType<typeof karpenterSchema>>;
  nodePools: EksPool[];
}

/**
 * The parsed EKS section as settings: the pools' shared fields with minNodes resolved, and with
 * Karpenter its settings (cluster.karpenter's defaults and one NodePool per pool).
 */
export function resolveKarpenter<T extends KarpenterSection>(
  profile: Profile,
  preset: Preset,
  c: T,
): Omit<T, "karpenter" | "nodePools"> & { nodePools: NodePoolSettings[]; karpenter?: EksKarpenterSettings } {
  const { karpenter, nodePools, ...rest } = c;
  const minNodes = defaultMinNodes(preset, c.nodeAutoscaling);
  return {
    ...rest,
    nodePools: nodePools.map((p) => nodePoolSettingsOf(p, minNodes)),
    ...(c.nodeAutoscaling === "karpenter"
      ? { karpenter: karpenterSettingsOf(profile, karpenter, nodePools) }
      : {}),
  };
}

/**
 * `addons.clusterAutoscaler.enabled: true` where Karpenter scales the nodes: a cluster-autoscaler
 * beside it would resize node groups Karpenter does not know of (the system groups are fixed).
 */
export function clusterAutoscalerWithKarpenterProblems(
  cluster: { target?: unknown; nodeAutoscaling?: unknown } | undefined,
  addons: { clusterAutoscaler?: { enabled?: unknown } } | undefined,
): Problem[] {
  if (cluster?.target !== "eks" || cluster.nodeAutoscaling !== "karpenter") return [];
  if (addons?.clusterAutoscaler?.enabled !== true) return [];
  return [
    {
      path: ["addons", "clusterAutoscaler", "enabled"],
      message:
        'cluster-autoscaler is not installed where Karpenter scales the nodes (cluster.nodeAutoscaling: karpenter); use "auto" or false, or cluster.nodeAutoscaling: cluster-autoscaler',
    },
  ];
}
