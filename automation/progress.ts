// Live progress from the engine's event stream: one readable line per resource operation, the
// error/warning diagnostics, policy violations by policy name, the engine's cancellation, and the
// final summary. Pure: the tracker turns events into lines; the driver prints them.
//
// The events as the engine writes them (pulumi/pulumi sdk/go/common/apitype/events.go; the orders
// recorded in pkg/engine/lifecycletest/testdata/output/*/eventstream.json): a refresh step is a
// resourcePreEvent with op "refresh" and a resOutputsEvent with what it found (same, update with the
// drifted diffs, delete when gone: pkg/engine/update.go OnResourceStepPost); a cancelled run ends
// with the diagnostic "update canceled" (an update, destroy or refresh) or "preview canceled" (any
// dry run) (pkg/resource/deploy/deployment_executor.go reportExecResult); every stream ends with the
// summaryEvent and a cancelEvent, on success too.

import type { OpMap } from "@pulumi/pulumi/automation";
import { urnName, type EngineEventIn, type StepMetadataIn } from "./gate";

export type ProgressMode = "preview" | "apply";

/** The driver's operation a tracker follows (for the wording of cancellation). */
export type Operation = "preview" | "up" | "refresh" | "destroy";

/** A policy violation the engine reported (a policyEvent). */
export interface PolicyViolation {
  policyPack: string;
  policyPackVersion: string;
  policyName: string;
  /** "mandatory" or "advisory" (the pack config's level, as the engine applied it). */
  enforcementLevel: string;
  message: string;
  urn?: string;
}

/** The summary event's outcome fields (apitype.SummaryEvent). */
export interface SummaryOutcome {
  /** "succeeded", "failed" or "canceled" (apitype.OperationResult). */
  result?: string;
  isPreview?: boolean;
  /** The policy packs that ran: name → version (the event's "PolicyPacks"). */
  policyPacks: Record<string, string>;
}

const SYMBOL: Readonly<Record<string, string>> = {
  create: "+",
  update: "~",
  replace: "+-",
  delete: "-",
  read: ">",
  import: "=",
};
const DONE: Readonly<Record<string, string>> = {
  create: "created",
  update: "updated",
  replace: "replaced",
  delete: "deleted",
  read: "read",
  import: "imported",
};
const PLANNED: Readonly<Record<string, string>> = {
  create: "create",
  update: "update",
  replace: "replace",
  delete: "delete",
  read: "read",
  import: "import",
};
const CANCELLED_WORD: Readonly<Record<Operation, string>> = {
  preview: "preview",
  up: "update",
  refresh: "refresh",
  destroy: "destroy",
};
/** The engine's closing diagnostic of a cancelled run (deployment_executor.go reportExecResult). */
const ENGINE_CANCELLED = /^(update|preview) canceled$/;

/** Removes the CLI's colour markup (`<{%reset%}>`, `<{%fg 1%}>`) and trailing whitespace. */
export function stripColor(message: string): string {
  return message.replace(/<\{%[^%]*%\}>/g, "").replace(/\s+$/, "");
}

function describe(meta: StepMetadataIn): string {
  return `${meta.type} "${urnName(meta.urn)}"`;
}

function detail(meta: StepMetadataIn): string {
  if (meta.op === "replace" && meta.keys !== undefined && meta.keys.length > 0) {
    return ` (replacement forced by: ${meta.keys.join(", ")})`;
  }
  if (meta.op === "update" && meta.diffs !== undefined && meta.diffs.length > 0) {
    return ` (changed: ${meta.diffs.join(", ")})`;
  }
  return "";
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * A policy violation's text split as @pulumi/policy builds it for a violation reported as a string:
 * the policy's description, a newline, then the finding (node_modules/@pulumi/policy/server.js
 * makeReportViolationFun); the engine passes it on as is (pulumi/pulumi pkg/engine/events.go
 * policyViolationEvent). One line is the finding alone (a violation reported as an object).
 */
export function splitPolicyMessage(message: string): { finding: string; description?: string } {
  const i = message.indexOf("\n");
  if (i < 0) return { finding: message };
  return { description: message.slice(0, i), finding: message.slice(i + 1) };
}

/** A message's lines: the first after the stack and the label, the others indented under it. */
function block(stack: string, label: string, message: string): string[] {
  const [first, ...rest] = message.split("\n");
  return [`[${stack}] ${label} ${first}`, ...rest.map((l) => `[${stack}]     ${l}`)];
}

/** Follows one operation's events for one stack. */
export class ProgressTracker {
  /** The engine's final counts, from the summary event. */
  summary: OpMap | undefined;
  /** The summary event's result, preview flag and policy packs. */
  outcome: SummaryOutcome | undefined;
  /** URNs whose operation failed. */
  readonly failedUrns = new Set<string>();
  /** Error diagnostics (messages without colour), in order; the engine's cancellation is not one. */
  readonly errors: string[] = [];
  /** Policy violations (policyEvents), in order, with the engine's whole text (description and finding). */
  readonly policyViolations: PolicyViolation[] = [];
  /** The engine reported that it cancelled the operation. */
  cancelled = false;
  private readonly started = new Map<string, number>();
  private readonly printed = new Set<string>();
  private readonly refreshing = new Set<string>();

  constructor(
    private readonly stack: string,
    private readonly mode: ProgressMode,
    private readonly now: () => number = Date.now,
    private readonly operation: Operation = mode === "preview" ? "preview" : "up",
  ) {}

  /** Lines to print for this event (without newlines). */
  handle(event: EngineEventIn): string[] {
    if (event.summaryEvent !== undefined) {
      const s = event.summaryEvent;
      this.summary = s.resourceChanges;
      this.outcome = { result: s.result, isPreview: s.isPreview, policyPacks: { ...(s.PolicyPacks ?? {}) } };
      return [];
    }
    if (event.diagnosticEvent !== undefined) return this.diagnostic(event.diagnosticEvent);
    if (event.policyEvent !== undefined) return this.policy(event.policyEvent);
    if (event.resOpFailedEvent !== undefined) {
      const meta = event.resOpFailedEvent.metadata;
      this.failedUrns.add(meta.urn);
      const key = `failed|${meta.urn}`;
      if (this.printed.has(key)) return [];
      this.printed.add(key);
      return [`[${this.stack}] x failed to ${PLANNED[meta.op] ?? meta.op} ${describe(meta)}`];
    }
    if (event.resourcePreEvent !== undefined) return this.pre(event.resourcePreEvent.metadata);
    if (event.resOutputsEvent !== undefined) return this.outputs(event.resOutputsEvent.metadata);
    return [];
  }

  private diagnostic(d: NonNullable<EngineEventIn["diagnosticEvent"]>): string[] {
    const p = `[${this.stack}]`;
    if (d.ephemeral === true || (d.severity !== "error" && d.severity !== "warning")) return [];
    const message = stripColor(d.message);
    if (message === "") return [];
    if (d.severity === "error" && d.urn === undefined && ENGINE_CANCELLED.test(message)) {
      this.cancelled = true;
      return [
        `${p} ${CANCELLED_WORD[this.operation]} cancelled: Pulumi stopped after the operations in flight`,
      ];
    }
    if (d.severity === "error") this.errors.push(message);
    const where = d.urn !== undefined && d.urn !== "" ? ` ${urnName(d.urn)}:` : "";
    return block(this.stack, `${d.severity}:${where}`, message);
  }

  private policy(e: NonNullable<EngineEventIn["policyEvent"]>): string[] {
    const message = stripColor(e.message);
    const urn = e.resourceUrn !== undefined && e.resourceUrn !== "" ? e.resourceUrn : undefined;
    this.policyViolations.push({
      policyPack: e.policyPackName,
      policyPackVersion: e.policyPackVersion,
      policyName: e.policyName,
      enforcementLevel: e.enforcementLevel,
      message,
      ...(urn !== undefined ? { urn } : {}),
    });
    const where = urn !== undefined ? ` ${urnName(urn)}:` : "";
    // The finding first (a waiver's "waived (<reason>): …" included), the policy's description under it.
    const { finding, description } = splitPolicyMessage(message);
    return block(
      this.stack,
      `policy ${e.enforcementLevel} ${e.policyPackName}/${e.policyName}:${where}`,
      description !== undefined ? `${finding}\n${description}` : finding,
    );
  }

  private pre(meta: StepMetadataIn): string[] {
    this.started.set(meta.urn, this.now());
    if (meta.op === "refresh") {
      this.refreshing.add(meta.urn);
      return [];
    }
    if (this.mode !== "preview") return [];
    const planned = PLANNED[meta.op];
    if (planned === undefined) return [];
    return this.once(meta, `[${this.stack}] ${SYMBOL[meta.op]} ${planned} ${describe(meta)}${detail(meta)}`);
  }

  private outputs(meta: StepMetadataIn): string[] {
    const p = `[${this.stack}]`;
    const start = this.started.get(meta.urn);
    const took = start !== undefined ? ` (${seconds(this.now() - start)})` : "";
    if (this.refreshing.delete(meta.urn)) {
      // A refresh step's result: only drift is worth a line, and a refresh preview (drift) leaves
      // the reporting of drift to its caller.
      if (this.mode === "preview" || (meta.op !== "update" && meta.op !== "delete")) return [];
      const line =
        meta.op === "delete"
          ? `${p} - refreshed ${describe(meta)}: deleted outside Pulumi, removed from the state${took}`
          : `${p} ~ refreshed ${describe(meta)}${detail(meta)}${took}`;
      return this.once({ ...meta, op: "refresh" }, line);
    }
    if (this.mode === "preview") return [];
    const done = DONE[meta.op];
    if (done === undefined) return [];
    return this.once(meta, `${p} ${SYMBOL[meta.op]} ${done} ${describe(meta)}${detail(meta)}${took}`);
  }

  private once(meta: StepMetadataIn, line: string): string[] {
    const key = `${meta.op}|${meta.urn}`;
    if (this.printed.has(key)) return [];
    this.printed.add(key);
    return [line];
  }
}
