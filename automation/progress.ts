// Live progress from the engine's event stream: one readable line per resource operation, the
// error/warning diagnostics, and the counts of the final summary. Pure: the tracker turns events
// into lines; the driver prints them.

import type { EngineEvent, OpMap, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";
import { urnName } from "./gate";

export type ProgressMode = "preview" | "apply";

const SYMBOL: Partial<Record<OpType, string>> = {
  create: "+",
  update: "~",
  replace: "+-",
  delete: "-",
  read: ">",
  import: "=",
  refresh: "~",
};
const DONE: Partial<Record<OpType, string>> = {
  create: "created",
  update: "updated",
  replace: "replaced",
  delete: "deleted",
  read: "read",
  import: "imported",
  refresh: "refreshed",
};
const PLANNED: Partial<Record<OpType, string>> = {
  create: "create",
  update: "update",
  replace: "replace",
  delete: "delete",
  read: "read",
  import: "import",
};

/** Removes the CLI's colour markup (`<{%reset%}>`, `<{%fg 1%}>`) and trailing whitespace. */
export function stripColor(message: string): string {
  return message.replace(/<\{%[^%]*%\}>/g, "").replace(/\s+$/, "");
}

function describe(meta: StepEventMetadata): string {
  return `${meta.type} "${urnName(meta.urn)}"`;
}

function detail(meta: StepEventMetadata): string {
  if (meta.op === "replace" && meta.keys !== undefined && meta.keys.length > 0) {
    return ` (replacement forced by: ${meta.keys.join(", ")})`;
  }
  if ((meta.op === "update" || meta.op === "refresh") && meta.diffs !== undefined && meta.diffs.length > 0) {
    return ` (changed: ${meta.diffs.join(", ")})`;
  }
  return "";
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Follows one operation's events for one stack. */
export class ProgressTracker {
  /** The engine's final counts, from the summary event. */
  summary: OpMap | undefined;
  /** URNs whose operation failed. */
  readonly failedUrns = new Set<string>();
  /** Error diagnostics (messages without colour), in order. */
  readonly errors: string[] = [];
  private readonly started = new Map<string, number>();
  private readonly printed = new Set<string>();

  constructor(
    private readonly stack: string,
    private readonly mode: ProgressMode,
    private readonly now: () => number = Date.now,
  ) {}

  /** Lines to print for this event (without newlines). */
  handle(event: EngineEvent): string[] {
    const p = `[${this.stack}]`;
    if (event.summaryEvent !== undefined) {
      this.summary = event.summaryEvent.resourceChanges;
      return [];
    }
    if (event.diagnosticEvent !== undefined) {
      const d = event.diagnosticEvent;
      if (d.ephemeral === true || (d.severity !== "error" && d.severity !== "warning")) return [];
      const message = stripColor(d.message);
      if (message === "") return [];
      if (d.severity === "error") this.errors.push(message);
      const where = d.urn !== undefined && d.urn !== "" ? ` ${urnName(d.urn)}:` : "";
      const [first, ...rest] = message.split("\n");
      return [`${p} ${d.severity}:${where} ${first}`, ...rest.map((l) => `${p}     ${l}`)];
    }
    if (event.resOpFailedEvent !== undefined) {
      const meta = event.resOpFailedEvent.metadata;
      this.failedUrns.add(meta.urn);
      const key = `failed|${meta.urn}`;
      if (this.printed.has(key)) return [];
      this.printed.add(key);
      const op = PLANNED[meta.op] ?? meta.op;
      return [`${p} x failed to ${op} ${describe(meta)}`];
    }
    if (event.resourcePreEvent !== undefined) {
      const meta = event.resourcePreEvent.metadata;
      this.started.set(meta.urn, this.now());
      if (this.mode !== "preview") return [];
      const planned = PLANNED[meta.op];
      if (planned === undefined) return [];
      return this.once(meta, `${p} ${SYMBOL[meta.op]} ${planned} ${describe(meta)}${detail(meta)}`);
    }
    if (event.resOutputsEvent !== undefined) {
      if (this.mode === "preview") return [];
      const meta = event.resOutputsEvent.metadata;
      const done = DONE[meta.op];
      if (done === undefined) return [];
      // A refresh reports every resource; only drift is worth a line.
      if (meta.op === "refresh" && (meta.diffs === undefined || meta.diffs.length === 0)) return [];
      const start = this.started.get(meta.urn);
      const took = start !== undefined ? ` (${seconds(this.now() - start)})` : "";
      return this.once(meta, `${p} ${SYMBOL[meta.op]} ${done} ${describe(meta)}${detail(meta)}${took}`);
    }
    return [];
  }

  private once(meta: StepEventMetadata, line: string): string[] {
    const key = `${meta.op}|${meta.urn}`;
    if (this.printed.has(key)) return [];
    this.printed.add(key);
    return [line];
  }
}
