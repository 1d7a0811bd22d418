/**
 * The rule model shared by the cluster and workload rules: plain data in, plain messages out. No
 * Pulumi import, so the same rules serve a CrossGuard policy pack (one ResourceRule per resource
 * policy, StackRules as stack policies) and the offline preflight (evaluate() over the resources a
 * mocked program run registered).
 */

import { PROFILES, type Profile } from "../components/shared/profile";

export { PROFILES, type Profile };
export type Severity = "mandatory" | "advisory";

/**
 * What a rule guards: the cluster (cloud resources), the workloads on it, or whether the first
 * `pulumi up` can finish (deployability). docs/security-rules.md groups the rules by it.
 */
export type RuleArea = "cluster" | "workload" | "deployability";

/** One registered resource, as the engine sees it: type token, logical name, inputs and options. */
export interface ResourceUnderTest {
  /** Pulumi type token, e.g. `aws:eks/cluster:Cluster`, `kubernetes:apps/v1:Deployment`. */
  type: string;
  /** Logical (Pulumi) name. */
  name: string;
  urn?: string;
  /** Inputs with secrets unwrapped. Anything may be missing or partially set. */
  inputs: Record<string, unknown>;
  options?: { ignoreChanges?: string[]; protect?: boolean };
  /** URNs of the resources this one depends on (explicit and through inputs), where known. */
  dependsOn?: string[];
}

export interface Violation {
  ruleId: string;
  scannerIds: string[];
  severity: Severity;
  /** `<type> <name>` of the offending resource. */
  resource: string;
  message: string;
}

export interface RuleContext {
  profile: Profile;
  /** Rule ids waived for this evaluation (their violations are dropped). */
  waivers?: string[];
}

interface RuleBase {
  /** Stable id (kebab-case), what waivers name. */
  id: string;
  /**
   * The scanners' ids this rule stands for (Checkov `CKV_*`, Trivy/tfsec `AVD-*`), plus
   * `PSS:baseline` / `PSS:restricted` for the Pod Security Standards controls it enforces. Empty when
   * no scanner checks it (a rule of the platform's own; docs/security-rules.md lists every rule).
   */
  scannerIds: string[];
  description: string;
  severity: Severity;
  /** Profiles the rule applies in; all when absent (e.g. `["prod"]` for HA-only requirements). */
  profiles?: Profile[];
  /** What the rule guards (docs/security-rules.md groups by it). */
  area?: RuleArea;
  /**
   * The type tokens of the resources the rule reads (azure-native ones without an API version
   * module), for docs/security-rules.md, which also groups the rules per cloud by them.
   */
  resourceTypes?: string[];
}

/** A rule over one resource at a time. */
export interface ResourceRule extends RuleBase {
  kind: "resource";
  appliesTo(r: ResourceUnderTest): boolean;
  /** Problems found on `r`, one message each; `[]` when compliant. Never throws on odd inputs. */
  check(r: ResourceUnderTest, ctx: RuleContext): string[];
}

/** A rule over the whole set of resources (coverage, cross-references, presence). */
export interface StackRule extends RuleBase {
  kind: "stack";
  check(all: ResourceUnderTest[], ctx: RuleContext): Violation[];
}

export type Rule = ResourceRule | StackRule;

/* ------------------------------------------------------------------------------------------ */
/* Defining rules                                                                             */
/* ------------------------------------------------------------------------------------------ */

/** What a rule's definition states of it (severity: mandatory unless said). */
export interface RuleDefinition {
  id: string;
  scannerIds: string[];
  description: string;
  severity?: Severity;
  profiles?: Profile[];
}

/** The fields every rule carries: its definition, its area and the resource types it reads. */
export function ruleFields(def: RuleDefinition, area: RuleArea, resourceTypes: string[]) {
  return {
    id: def.id,
    scannerIds: def.scannerIds,
    description: def.description,
    severity: def.severity ?? "mandatory",
    ...(def.profiles ? { profiles: def.profiles } : {}),
    area,
    resourceTypes,
  } satisfies RuleBase;
}

/** A stack rule whose `check` reports through `v`: a violation of this rule by a resource. */
export function defineStackRule(
  def: RuleDefinition & {
    area: RuleArea;
    types: string[];
    check(
      all: ResourceUnderTest[],
      ctx: RuleContext,
      v: (r: ResourceUnderTest, message: string) => Violation,
    ): Violation[];
  },
): StackRule {
  const rule: StackRule = {
    kind: "stack",
    ...ruleFields(def, def.area, def.types),
    check: (all, ctx) => def.check(all, ctx, (r, message) => violationOf(rule, r, message)),
  };
  return rule;
}

/* ------------------------------------------------------------------------------------------ */
/* Evaluation                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/** `<type> <name>`: how a violation names its resource. */
export function resourceLabel(r: Pick<ResourceUnderTest, "type" | "name">): string {
  return `${r.type} ${r.name}`;
}

/** A violation of `rule` by `r`. */
export function violationOf(
  rule: RuleBase,
  r: Pick<ResourceUnderTest, "type" | "name">,
  message: string,
): Violation {
  return {
    ruleId: rule.id,
    scannerIds: [...rule.scannerIds],
    severity: rule.severity,
    resource: resourceLabel(r),
    message,
  };
}

/** Whether `rule` applies under `ctx`: its profile list allows the profile and it is not waived. */
export function ruleIsActive(rule: RuleBase, ctx: RuleContext): boolean {
  if (rule.profiles && !rule.profiles.includes(ctx.profile)) return false;
  return !(ctx.waivers ?? []).includes(rule.id);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Applies `rules` to `resources`: every active resource rule to every resource it applies to, every
 * active stack rule to the whole set. A rule that throws (it should not) is reported as a violation
 * of that rule rather than aborting the evaluation. Order: rules in the given order, then resources.
 */
export function runRules(
  resources: ResourceUnderTest[],
  ctx: RuleContext,
  rules: readonly Rule[],
): Violation[] {
  const out: Violation[] = [];
  for (const rule of rules) {
    if (!ruleIsActive(rule, ctx)) continue;
    if (rule.kind === "stack") {
      try {
        out.push(...rule.check(resources, ctx));
      } catch (err) {
        out.push(violationOf(rule, { type: "stack", name: "*" }, `rule failed: ${errorText(err)}`));
      }
      continue;
    }
    for (const r of resources) {
      try {
        if (!rule.appliesTo(r)) continue;
        for (const message of rule.check(r, ctx)) out.push(violationOf(rule, r, message));
      } catch (err) {
        out.push(violationOf(rule, r, `rule failed: ${errorText(err)}`));
      }
    }
  }
  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* Reading loosely typed inputs                                                               */
/* ------------------------------------------------------------------------------------------ */

export type Rec = Record<string, unknown>;

export function isRec(v: unknown): v is Rec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `v` as an object, `{}` when it is anything else. */
export function rec(v: unknown): Rec {
  return isRec(v) ? v : {};
}

/** `v` as an array, `[]` when it is not one (a single object counts as a one-element list). */
export function list(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return isRec(v) ? [v] : [];
}

/** `v` as an array of objects (non-objects dropped). */
export function recs(v: unknown): Rec[] {
  return list(v).filter(isRec);
}

/** `v` as an array of strings (non-strings dropped). */
export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** The value at a dotted path (`a.b.c`); `undefined` when any step is missing. Arrays index by number. */
export function get(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const key of path.split(".")) {
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isRec(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

/** Booleans as Pulumi may carry them: `true` or `"true"`. */
export function isTrue(v: unknown): boolean {
  return v === true || v === "true";
}

export function isFalse(v: unknown): boolean {
  return v === false || v === "false";
}

/** A finite number from a number or numeric string, else undefined. */
export function num(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A non-empty string, else undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

/** A string-valued map (labels, annotations); non-string values are stringified when scalar. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(rec(v))) {
    if (typeof x === "string") out[k] = x;
    else if (typeof x === "number" || typeof x === "boolean") out[k] = String(x);
  }
  return out;
}

/** CIDRs that mean "the whole internet". */
export const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

/**
 * Whether `path` (e.g. `agentPoolProfiles[0].count`) is covered by the resource's ignoreChanges:
 * an equal entry, an entry naming a parent (`agentPoolProfiles`), or one with `[*]` wildcards.
 */
export function isIgnored(r: ResourceUnderTest, path: string): boolean {
  const norm = (p: string) => p.replace(/\[(\d+|\*)\]/g, ".$1").replace(/^\./, "");
  const target = norm(path).split(".");
  return (r.options?.ignoreChanges ?? []).some((entry) => {
    const parts = norm(entry).split(".");
    if (parts.length > target.length) return false;
    return parts.every((p, i) => p === "*" || p === target[i]);
  });
}
