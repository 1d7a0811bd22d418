// The promotion gate, as pure functions: whether a stack is protected (from its config) and which
// replacements/deletions in a preview's engine events touch protected resources, including the
// ones Pulumi itself refuses (its protection diagnostics).

import type { ConfigMap, OpMap } from "@pulumi/pulumi/automation";
import { protectedTypeReason } from "./protected-types";

export { PROTECTED_TYPES, protectedTypeReason } from "./protected-types";
export type { ConditionalProtection, ProtectedChange } from "./protected-types";

export const PROJECT = "kube-platform";

/** A resource state in a step event (apitype StepEventStateMetadata; the gate reads `protect`). */
export interface StepStateIn {
  type?: string;
  urn?: string;
  custom?: boolean;
  delete?: boolean;
  id?: string;
  parent?: string;
  protect?: boolean;
  retainOnDelete?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  provider?: string;
}

/**
 * A step's metadata as the engine writes it (pulumi/pulumi sdk/go/common/apitype/events.go
 * StepEventMetadata): `old`/`new` are null, not absent, when there is no such state.
 */
export interface StepMetadataIn {
  op: string;
  urn: string;
  type: string;
  old?: StepStateIn | null;
  new?: StepStateIn | null;
  keys?: string[];
  diffs?: string[];
  detailedDiff?: Record<string, { diffKind: string; inputDiff: boolean }> | null;
  logical?: boolean;
  provider?: string;
}

/**
 * The fields of an engine event that the gate and the progress output read, named as the engine
 * writes them (apitype events.go: the summary's "PolicyPacks", `isPreview`, `result`; policy events'
 * `enforcementLevel` "advisory"/"mandatory"). The SDK's EngineEvent type fits too (its SummaryEvent
 * type misnames "PolicyPacks" and lacks `isPreview`/`result`, so they are optional here).
 */
export interface EngineEventIn {
  sequence?: number;
  timestamp?: number;
  cancelEvent?: object;
  stdoutEvent?: { message: string; color?: string };
  diagnosticEvent?: {
    urn?: string;
    prefix?: string;
    message: string;
    color?: string;
    severity: string;
    streamID?: number;
    ephemeral?: boolean;
  };
  preludeEvent?: { config: Record<string, string> };
  resourcePreEvent?: { metadata: StepMetadataIn; planning?: boolean };
  resOutputsEvent?: { metadata: StepMetadataIn; planning?: boolean };
  resOpFailedEvent?: { metadata: StepMetadataIn; status?: number; steps?: number };
  summaryEvent?: {
    maybeCorrupt?: boolean;
    durationSeconds?: number;
    resourceChanges: OpMap;
    PolicyPacks?: Readonly<Record<string, string>>;
    /** The SDK's type names the engine's "PolicyPacks" so; the engine never sends it. */
    policyPacks?: Readonly<Record<string, string>>;
    isPreview?: boolean;
    result?: string;
  };
  policyEvent?: {
    resourceUrn?: string;
    message: string;
    color?: string;
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    policyPackVersionTag?: string;
    enforcementLevel: string;
    severity?: string;
  };
  policyLoadEvent?: object;
  policyAnalyzeSummaryEvent?: object;
}

export interface StackProtection {
  protected: boolean;
  /** Human-readable reason, e.g. `profile is prod`. */
  reason: string;
}

/** A project config value by its key without the namespace (`profile`, `cluster`). */
function configValue(config: ConfigMap, key: string): string | undefined {
  return config[`${PROJECT}:${key}`]?.value;
}

/** `cluster.protect` from the `cluster` object (its JSON string in `pulumi config --json`). */
function clusterProtect(config: ConfigMap): boolean | undefined {
  const raw = configValue(config, "cluster");
  if (raw === undefined) return undefined;
  try {
    const cluster: unknown = JSON.parse(raw);
    if (cluster !== null && typeof cluster === "object" && "protect" in cluster) {
      const protect = (cluster as { protect: unknown }).protect;
      if (typeof protect === "boolean") return protect;
      if (protect === "true" || protect === "false") return protect === "true";
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The gate's rule: a stack is protected when its `profile` is `prod` or its `cluster.protect`
 * is true. A prod stack stays protected when `cluster.protect` is switched off, so unprotecting
 * and replacing the cluster in one update is still caught.
 */
export function stackProtection(config: ConfigMap): StackProtection {
  const profile = configValue(config, "profile") ?? "dev";
  const protect = clusterProtect(config);
  if (profile === "prod") {
    return { protected: true, reason: "profile is prod" };
  }
  if (protect === true) {
    return { protected: true, reason: "cluster.protect is true" };
  }
  return {
    protected: false,
    reason: `profile is ${profile}${protect === false ? ", cluster.protect is false" : ""}`,
  };
}

const REPLACE_OPS: ReadonlySet<string> = new Set(["replace", "create-replacement", "delete-replaced"]);
const DELETE_OPS: ReadonlySet<string> = new Set(["delete"]);

export interface GateFinding {
  urn: string;
  type: string;
  name: string;
  op: "replace" | "delete";
  /** Why the resource counts as protected (protect flag, protected type). */
  reasons: string[];
  /** Properties whose change forces the replacement, when the engine reports them. */
  replaceKeys: string[];
  /**
   * True when Pulumi itself refuses the step (protected in state and still protected in the
   * program): --allow-replace cannot help; unprotect it first in a reviewed change.
   */
  refusedByPulumi: boolean;
}

/** The resource's name: the URN's last `::` segment. */
export function urnName(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i < 0 ? urn : urn.slice(i + 2);
}

/** The type part of a URN (`urn:pulumi:<stack>::<project>::<parent$type>::<name>`). */
export function urnType(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

export interface PulumiRefusal {
  urn: string;
  op: "replace" | "delete";
}

// Pulumi's own protection errors, as the engine words them: a replacement of a resource protected
// in the state and in the program (pkg/resource/deploy/step_generator.go: reported before the
// resource's steps; an update stops there, so it has no step events at all) and a deletion
// (step.go deleteProtectedError, after the delete's resourcePreEvent; "Preview failed: " first in a
// preview). The URN is Go-quoted (%q), i.e. a JSON string.
const QUOTED = String.raw`("(?:[^"\\]|\\.)*")`;
const REFUSED_REPLACE = new RegExp(
  String.raw`unable to replace resource ${QUOTED}[\s\S]*?marked for protection`,
);
const REFUSED_DELETE = new RegExp(String.raw`resource ${QUOTED} cannot be deleted\s+because it is protected`);

/** The URN of a QUOTED match (a JSON string literal: it parses to a string or not at all). */
function quotedUrn(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return "";
  }
}

/** The replacements and deletions Pulumi itself refused, from the engine's error diagnostics. */
export function pulumiRefusals(events: readonly EngineEventIn[]): PulumiRefusal[] {
  const out: PulumiRefusal[] = [];
  for (const event of events) {
    const d = event.diagnosticEvent;
    if (d === undefined || d.severity !== "error") continue;
    const replace = REFUSED_REPLACE.exec(d.message);
    const del = REFUSED_DELETE.exec(d.message);
    const urn = quotedUrn((replace ?? del)?.[1] ?? "");
    if (urn === "" || out.some((r) => r.urn === urn)) continue;
    out.push({ urn, op: replace !== null ? "replace" : "delete" });
  }
  return out;
}

/**
 * The steps of the events that plan a change of the resource, without the results of refresh steps:
 * a refresh's resOutputsEvent says what it found (op "delete": gone outside Pulumi, nothing is
 * deleted), after a resourcePreEvent with op "refresh" (pkg/engine/update.go OnResourceStepPost).
 */
function* plannedSteps(events: readonly EngineEventIn[]): Generator<StepMetadataIn> {
  const refreshing = new Set<string>();
  for (const event of events) {
    const pre = event.resourcePreEvent?.metadata;
    if (pre !== undefined) {
      if (pre.op === "refresh") refreshing.add(pre.urn);
      else yield pre;
      continue;
    }
    const out = event.resOutputsEvent?.metadata;
    if (out === undefined) continue;
    if (refreshing.delete(out.urn)) continue;
    yield out;
  }
}

interface Accumulated {
  urn: string;
  type: string;
  replacing: boolean;
  oldProtect: boolean;
  newProtect: boolean;
  /** Some step carried the resource's new state (so `newProtect` is meaningful). */
  sawNew: boolean;
  keys: string[];
  /** The engine's own protection error named this resource. */
  pulumiRefused: boolean;
  /** The inputs of the first step carrying the old (new) state. */
  oldInputs?: Record<string, unknown>;
  newInputs?: Record<string, unknown>;
}

function accumulator(byUrn: Map<string, Accumulated>, urn: string, type: string): Accumulated {
  let acc = byUrn.get(urn);
  if (acc === undefined) {
    acc = {
      urn,
      type,
      replacing: false,
      oldProtect: false,
      newProtect: false,
      sawNew: false,
      keys: [],
      pulumiRefused: false,
    };
    byUrn.set(urn, acc);
  }
  return acc;
}

/**
 * Replacements and deletions of protected resources in a preview's (or a failed run's) events. A
 * resource is protected when its old or new state carries `protect`, its type and change are in
 * PROTECTED_TYPES, or Pulumi's own protection error names it (then it is found even without step
 * events, as when an update stops at the error). The engine reports a replacement as several steps
 * (create-replacement, replace, delete-replaced); they are merged per URN.
 */
export function findProtectedChanges(events: readonly EngineEventIn[]): GateFinding[] {
  const byUrn = new Map<string, Accumulated>();
  for (const meta of plannedSteps(events)) {
    const replacing = REPLACE_OPS.has(meta.op);
    if (!replacing && !DELETE_OPS.has(meta.op)) continue;
    const acc = accumulator(byUrn, meta.urn, meta.type || meta.old?.type || meta.new?.type || "");
    acc.replacing = acc.replacing || replacing;
    acc.oldProtect = acc.oldProtect || meta.old?.protect === true;
    acc.newProtect = acc.newProtect || meta.new?.protect === true;
    acc.sawNew = acc.sawNew || (meta.new !== undefined && meta.new !== null);
    for (const k of meta.keys ?? []) if (!acc.keys.includes(k)) acc.keys.push(k);
    acc.oldInputs = acc.oldInputs ?? meta.old?.inputs;
    acc.newInputs = acc.newInputs ?? meta.new?.inputs;
  }
  for (const refusal of pulumiRefusals(events)) {
    const acc = accumulator(byUrn, refusal.urn, urnType(refusal.urn));
    acc.pulumiRefused = true;
    acc.oldProtect = true;
    if (refusal.op === "replace") {
      acc.replacing = true;
      acc.newProtect = true;
      acc.sawNew = true;
    }
  }

  const findings: GateFinding[] = [];
  for (const acc of byUrn.values()) {
    const reasons: string[] = [];
    if (acc.oldProtect || acc.newProtect) {
      const unprotecting = acc.replacing && acc.oldProtect && acc.sawNew && !acc.newProtect;
      reasons.push(
        unprotecting ? "protect: true in the state (this update removes the flag)" : "protect: true",
      );
    }
    const typeReason = protectedTypeReason(acc.type, {
      op: acc.replacing ? "replace" : "delete",
      oldInputs: acc.oldInputs,
      newInputs: acc.newInputs,
    });
    if (typeReason !== undefined) reasons.push(`protected type: ${typeReason}`);
    if (reasons.length === 0) continue;
    findings.push({
      urn: acc.urn,
      type: acc.type,
      name: urnName(acc.urn),
      op: acc.replacing ? "replace" : "delete",
      reasons,
      replaceKeys: acc.keys,
      refusedByPulumi:
        acc.pulumiRefused || (acc.replacing ? acc.oldProtect && acc.newProtect : acc.oldProtect),
    });
  }
  return findings.sort((a, b) => a.urn.localeCompare(b.urn));
}

export interface GateDecision {
  /** The stack was protected, so the gate ran. */
  checked: boolean;
  protection: StackProtection;
  findings: GateFinding[];
  allowReplace: boolean;
  /** The operation must not run. */
  refused: boolean;
}

export function decideGate(
  protection: StackProtection,
  findings: readonly GateFinding[],
  allowReplace: boolean,
): GateDecision {
  const checked = protection.protected;
  return {
    checked,
    protection,
    findings: checked ? [...findings] : [],
    allowReplace,
    refused: checked && findings.length > 0 && !allowReplace,
  };
}

/** One line per finding: what would happen to which resource and why it is protected. */
export function describeFinding(f: GateFinding): string {
  const action = f.op === "replace" ? "would be replaced" : "would be deleted";
  const keys = f.replaceKeys.length > 0 ? ` (replacement forced by: ${f.replaceKeys.join(", ")})` : "";
  const pulumi = f.refusedByPulumi
    ? "; Pulumi refuses this step itself: unprotect the resource first in a reviewed change"
    : "";
  return `${f.type} "${f.name}" ${action}${keys}: ${f.reasons.join("; ")}${pulumi} [${f.urn}]`;
}

/** The refusal text for the log and the report. */
export function refusalMessage(stack: string, decision: GateDecision, command: "up" | "destroy"): string {
  const n = decision.findings.length;
  const lines = [
    `${command} refused on protected stack ${stack} (${decision.protection.reason}): ` +
      `${n} protected resource${n === 1 ? "" : "s"} would be replaced or deleted. ` +
      `Review the preview and re-run with --allow-replace to proceed.`,
    ...decision.findings.map((f) => `  - ${describeFinding(f)}`),
  ];
  return lines.join("\n");
}
