/**
 * The node pool rules, once for stack config and every cluster target: at least one pool, names
 * that are valid and unique, whole node counts with 0 ≤ minNodes ≤ maxNodes ≤ MAX_POOL_NODES and
 * maxNodes ≥ 1, and valid taints. Stack config applies each rule to its key (and alone checks the
 * machine type, disk size and labels); components assert them all with `nodePoolsProblems`.
 * No Pulumi import.
 */
import { dnsLabelProblems } from "./dns";
import { Problem, under } from "./problems";
import { taintProblems } from "./taint";

/** The fields of a node pool these rules read (the cluster targets' NodePoolSettings has them). */
export interface NodePoolShape {
  name: string;
  minNodes: number;
  maxNodes: number;
  taints: readonly string[];
}

/** The most nodes a pool may be given (minNodes and maxNodes alike). */
export const MAX_POOL_NODES = 1000;

/** Pool names: a DNS-1123 label of at most 30 characters, or an AKS Linux pool name. */
export type PoolNaming = "dnsLabel" | "aks";

const POOL_NAME_MAX = 30;
const AKS_POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;
export const AKS_POOL_NAME_FORMAT =
  "must be an AKS pool name: 1-12 lowercase letters and digits, starting with a letter";

export function poolNameProblems(name: string, naming: PoolNaming = "dnsLabel"): Problem[] {
  if (naming === "dnsLabel") return dnsLabelProblems(name, POOL_NAME_MAX);
  return AKS_POOL_NAME.test(name) ? [] : [{ path: [], message: AKS_POOL_NAME_FORMAT }];
}

/** A node count must be a whole number. */
export function wholeNumberProblems(count: number): Problem[] {
  return Number.isInteger(count) ? [] : [{ path: [], message: "expected int" }];
}

/** The two node counts of a pool, and the least value of each. */
export type NodeCount = "minNodes" | "maxNodes";
const LEAST: Record<NodeCount, number> = { minNodes: 0, maxNodes: 1 };

/** A whole node count lies in [least, MAX_POOL_NODES] (least: 0 for minNodes, 1 for maxNodes). */
export function nodeCountRangeProblems(count: number, key: NodeCount): Problem[] {
  const least = LEAST[key];
  const messages: string[] = [];
  // Past 2^53 a number no longer tells neighbouring integers apart; config has always said so too.
  if (count > Number.MAX_SAFE_INTEGER) messages.push(`must be ≤ ${Number.MAX_SAFE_INTEGER}`);
  if (count < Number.MIN_SAFE_INTEGER) messages.push(`must be ≥ ${Number.MIN_SAFE_INTEGER}`);
  if (count < least) messages.push(`must be ≥ ${least}`);
  if (count > MAX_POOL_NODES) messages.push(`must be ≤ ${MAX_POOL_NODES}`);
  return messages.map((message) => ({ path: [], message }));
}

/** A target needs at least one pool. */
export function poolCountProblems(pools: readonly unknown[]): Problem[] {
  return pools.length > 0 ? [] : [{ path: [], message: "must have at least 1 item(s)" }];
}

/** `value[key]` when `value` is an object (config runs the cross-field rules on unchecked input). */
function field(value: unknown, key: "name" | "minNodes" | "maxNodes"): unknown {
  return typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
}

/** minNodes ≤ maxNodes, reported at minNodes; skipped unless both are numbers. */
export function poolSizeProblems(pool: unknown): Problem[] {
  const [min, max] = [field(pool, "minNodes"), field(pool, "maxNodes")];
  if (typeof min === "number" && typeof max === "number" && min > max) {
    return [{ path: ["minNodes"], message: `must be ≤ maxNodes (${max})` }];
  }
  return [];
}

/** Whether pool `i` repeats the name of an earlier pool (names of other types are skipped). */
function repeatsName(pools: readonly unknown[], i: number): boolean {
  const name = field(pools[i], "name");
  return typeof name === "string" && pools.slice(0, i).some((p) => field(p, "name") === name);
}

const DUPLICATE_NAME: Problem = { path: ["name"], message: "duplicates another node pool's name" };

/**
 * The rules across the fields and pools of a list, pool by pool: minNodes ≤ maxNodes, then a
 * name used by an earlier pool. Fields of the wrong type are skipped (config reports those).
 */
export function nodePoolListProblems(pools: readonly unknown[]): Problem[] {
  return pools.flatMap((pool, i) =>
    under([i], [...poolSizeProblems(pool), ...(repeatsName(pools, i) ? [DUPLICATE_NAME] : [])]),
  );
}

/** Which rule a problem breaks: components phrase their errors by it. */
export type NodePoolRule = "count" | "name" | "unique" | "integer" | "size" | "taint";

export interface NodePoolProblem extends Problem {
  rule: NodePoolRule;
  /** The pool's name ("" for the list), or for a taint the taint as written. */
  subject: string;
}

/**
 * Every node pool problem of a target's pools, each with its rule, pool by pool: name, repeated
 * name, whole counts, sizes, taints. Config reports the same rules at its keys; this is what a
 * component asserts.
 */
export function nodePoolsProblems(
  pools: readonly NodePoolShape[],
  naming: PoolNaming = "dnsLabel",
): NodePoolProblem[] {
  const tag = (rule: NodePoolRule, subject: string, problems: Problem[]): NodePoolProblem[] =>
    problems.map((p) => ({ ...p, rule, subject }));
  const problems = tag("count", "", poolCountProblems(pools));
  pools.forEach((pool, i) => {
    const at = (key: string, found: Problem[]) => under([i, key], found);
    const counts = (["minNodes", "maxNodes"] as const).map((key) => {
      const whole = at(key, wholeNumberProblems(pool[key]));
      return { whole, range: whole.length > 0 ? [] : at(key, nodeCountRangeProblems(pool[key], key)) };
    });
    problems.push(
      ...tag("name", pool.name, at("name", poolNameProblems(pool.name, naming))),
      ...tag("unique", pool.name, repeatsName(pools, i) ? under([i], [DUPLICATE_NAME]) : []),
      ...tag(
        "integer",
        pool.name,
        counts.flatMap((c) => c.whole),
      ),
      ...tag("size", pool.name, [...counts.flatMap((c) => c.range), ...under([i], poolSizeProblems(pool))]),
      ...pool.taints.flatMap((t, j) => tag("taint", t, under([i, "taints", j], taintProblems(t)))),
    );
  });
  return problems;
}

/**
 * The pool a target's own system components run on (the AKS system pool, the first DOKS pool, which
 * DOKS keeps as the cluster's default pool) cannot scale to zero.
 */
export const KEEPS_A_NODE = {
  aks: "must be ≥ 1: the AKS system pool runs CoreDNS and other critical add-ons",
  doks: "must be ≥ 1: the first DOKS pool is the cluster's default pool and cannot scale to zero",
} as const;

/** The minNodes of a pool that must keep a node (see KEEPS_A_NODE). */
export function keepsANodeProblems(minNodes: number, target: keyof typeof KEEPS_A_NODE): Problem[] {
  return minNodes >= 1 ? [] : [{ path: [], message: KEEPS_A_NODE[target] }];
}
