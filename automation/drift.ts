// Drift, as pure functions: the engine events of a refresh preview (`pulumi refresh --preview-only`,
// the SDK's stack.previewRefresh) → what changed outside Pulumi, per resource.
//
// What the engine emits (pulumi/pulumi): a refresh runs one RefreshStep per resource in the state
// (pkg/resource/deploy/step.go RefreshStep, issued by the deployment executor, not the program). Its
// resourcePreEvent has op "refresh"; its resOutputsEvent has the step's result op instead
// (pkg/engine/update.go previewActions.OnResourceStepPost: `op, record = s.ResultOp(), true` when
// refreshing): "same" when nothing differs, "update" when the provider's read differs from the state,
// "delete" when the provider no longer finds the resource (RefreshStep.ResultOp; `new` is then nil).
// `diffs` and `detailedDiff` are the step's Diffs()/DetailedDiff(): the changed top-level keys and
// the property paths with their kind, computed as the diff an `up` of the unchanged program would
// show, inverted, so that they read from the state to the cloud (RefreshStep.Apply: `s.diff =
// diff.Invert()`). For external resources and with the legacy refresh diff the engine compares
// outputs only and leaves both empty (RefreshStep.ResultOp): the changed output keys are then taken
// from the event's old and new outputs. Secret values arrive masked (the CLI's event log is written
// with showSecrets false: pkg/backend/display/display.go logJSONEvent); only paths are reported.

import { urnName, type EngineEventIn, type StepMetadataIn } from "./gate";

export interface DriftEntry {
  urn: string;
  type: string;
  name: string;
  /** changed: the cloud's state differs from Pulumi's; deleted: the resource is gone from the cloud. */
  change: "changed" | "deleted";
  /** The property paths that differ (sorted; empty for a deletion or when the engine names none). */
  properties: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Top-level keys whose values differ between two output maps (the legacy, outputs-only refresh diff). */
function changedKeys(before: unknown, after: unknown): string[] {
  const a = isObject(before) ? before : {};
  const b = isObject(after) ? after : {};
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

function propertiesOf(meta: StepMetadataIn): string[] {
  const detailed = Object.keys(meta.detailedDiff ?? {});
  if (detailed.length > 0) return detailed.sort();
  if (meta.diffs !== undefined && meta.diffs.length > 0) return [...meta.diffs].sort();
  return changedKeys(meta.old?.outputs, meta.new?.outputs).sort();
}

/** The drifted resources of a refresh preview's events, in URN order. */
export function driftOf(events: readonly EngineEventIn[]): DriftEntry[] {
  const byUrn = new Map<string, DriftEntry>();
  for (const event of events) {
    const meta = event.resOutputsEvent?.metadata;
    if (meta === undefined || (meta.op !== "update" && meta.op !== "delete")) continue;
    const type = meta.type || meta.old?.type || "";
    byUrn.set(meta.urn, {
      urn: meta.urn,
      type,
      name: urnName(meta.urn),
      change: meta.op === "delete" ? "deleted" : "changed",
      properties: meta.op === "delete" ? [] : propertiesOf(meta),
    });
  }
  return [...byUrn.values()].sort((a, b) => a.urn.localeCompare(b.urn));
}

/** One progress line per drifted resource. */
export function driftLine(stack: string, d: DriftEntry): string {
  if (d.change === "deleted") return `[${stack}] drift: - ${d.type} "${d.name}" was deleted outside Pulumi`;
  const props = d.properties.length > 0 ? `: ${d.properties.join(", ")}` : "";
  return `[${stack}] drift: ~ ${d.type} "${d.name}" changed outside Pulumi${props}`;
}

/** The summary's counts: `2 resources drifted (1 changed, 1 deleted)` or `no drift`. */
export function driftSummary(entries: readonly DriftEntry[]): string {
  if (entries.length === 0) return "no drift";
  const deleted = entries.filter((d) => d.change === "deleted").length;
  const n = entries.length;
  return `${n} resource${n === 1 ? "" : "s"} drifted (${n - deleted} changed, ${deleted} deleted)`;
}
