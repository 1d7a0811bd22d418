// One stack's operation inside the pipeline driver (I/O around the pure modules): the promotion
// gate's preview, the operation with the flags the SDK takes for it (./op-options), drift (a refresh
// preview, ./drift), --show-secrets, and the policy pack config file of --policy-pack.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ConfigMap, EngineEvent, OpMap, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { diffLines } from "./diff-lines";
import { driftLine, driftOf } from "./drift";
import { CancelledError } from "./errors";
import { decideGate, findProtectedChanges, refusalMessage, type StackProtection } from "./gate";
import {
  destroyOptions,
  driftOptions,
  previewDestroyOptions,
  previewOptions,
  refreshOptions,
  upOptions,
} from "./op-options";
import { leftBehind, type LeftBehind } from "./leftovers";
import { packConfigFromConfigMap } from "./pack-config";
import { ProgressTracker, type PolicyViolation } from "./progress";
import { splitOutputs, type GateReport, type StackReport } from "./report";
import type { RunContext } from "./stack-run";

/** Commands that change the stack (a forced stop runs `pulumi cancel` on them). */
const MUTATING: ReadonlySet<string> = new Set(["up", "refresh", "destroy"]);

/** The progress lines of one event, with the step's property diff under its line when --diff. */
export function eventLines(
  ctx: RunContext,
  name: string,
  tracker: ProgressTracker,
  e: EngineEvent,
): string[] {
  const lines = tracker.handle(e);
  const meta = e.resourcePreEvent?.metadata ?? e.resOutputsEvent?.metadata;
  if (!ctx.options.diff || lines.length === 0 || meta === undefined) return lines;
  return [...lines, ...diffLines(meta).map((l) => `[${name}]     ${l}`)];
}

/** A thrown problem of the stack's own config (exit code EXIT.usage): named, not a CLI failure. */
export class StackConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "StackConfigError";
  }
}

/**
 * Runs `fn` with the path of the stack's policy pack config (profile and waivers from its config,
 * ./pack-config) in a private temporary directory, removed afterwards; without --policy-pack, with
 * no file. The file holds rule ids and reasons only, never a config value of the stack's.
 */
export async function withPackConfig<T>(
  ctx: RunContext,
  config: ConfigMap,
  fn: (file: string | undefined) => Promise<T>,
): Promise<T> {
  if (ctx.options.policyPacks.length === 0) return fn(undefined);
  const result = packConfigFromConfigMap(config);
  if ("problems" in result) throw new StackConfigError(result.problems);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-policy-"));
  try {
    const file = path.join(dir, "policy-pack-config.json");
    fs.writeFileSync(file, `${JSON.stringify(result.config, null, 2)}\n`, { mode: 0o600 });
    return await fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the gate's preview of up or destroy; returns its events, error diagnostics, violations and error. */
export async function gatePreview(
  ctx: RunContext,
  name: string,
  stack: Stack,
  packConfig: string | undefined,
): Promise<{ events: EngineEvent[]; diagnostics: string[]; violations: PolicyViolation[]; error?: unknown }> {
  const events: EngineEvent[] = [];
  const tracker = new ProgressTracker(name, "preview", ctx.now);
  const onEvent = (e: EngineEvent): void => {
    events.push(e);
    for (const line of eventLines(ctx, name, tracker, e)) ctx.log(line);
  };
  const signal = ctx.abort.signal;
  const done = () => ({ events, diagnostics: tracker.errors, violations: tracker.policyViolations });
  try {
    if (ctx.options.command === "destroy") {
      await stack.previewDestroy({ ...previewDestroyOptions(ctx.options), onEvent, signal });
    } else {
      await stack.preview({ ...previewOptions(ctx.options, packConfig), onEvent, signal });
    }
    return done();
  } catch (error) {
    return { ...done(), error };
  }
}

export function gateReport(
  protection: StackProtection,
  outcome: GateReport["outcome"],
  findings: GateReport["findings"],
): GateReport {
  return { protected: protection.protected, reason: protection.reason, outcome, findings };
}

/** The outputs into the report (secret ones by name only); with --show-secrets, their values to the log. */
function recordOutputs(ctx: RunContext, name: string, result: StackReport, outputs: OutputMap): void {
  Object.assign(result, splitOutputs(outputs));
  if (!ctx.options.showSecrets) return;
  for (const key of Object.keys(outputs).sort()) {
    const o = outputs[key];
    if (!o.secret) continue;
    const text = typeof o.value === "string" ? o.value : JSON.stringify(o.value, null, 2);
    ctx.log(`[${name}] secret output ${key} (--show-secrets; not in the report):`);
    for (const line of text.replace(/\n$/, "").split("\n")) ctx.log(`[${name}]   ${line}`);
  }
}

/** Whether `urn` is one of the --target URNs (`*` in a target matches anything, as a pattern). */
function targeted(urn: string, targets: readonly string[]): boolean {
  return targets.some((t) =>
    t.includes("*")
      ? new RegExp(
          `^${t
            .split("*")
            .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
        ).test(urn)
      : t === urn,
  );
}

/**
 * What the destroy will leave behind (./leftovers), from the state before it. The SDK exports with
 * `--show-secrets` (automation/localWorkspace.js exportStack): the export stays in memory and only
 * URNs, types, names, reasons and hints reach the log and the report. With --target, only the
 * targeted resources. An export ./leftovers cannot read is a warning, not a reason to keep the stack.
 */
async function whatStays(ctx: RunContext, name: string, stack: Stack): Promise<LeftBehind[] | undefined> {
  const exported = await stack.exportStack();
  try {
    const all = leftBehind(exported);
    const targets = ctx.options.targets;
    return targets.length === 0 ? all : all.filter((l) => targeted(l.urn, targets));
  } catch (e) {
    ctx.log(`[${name}] warning: cannot tell what the destroy leaves behind: ${(e as Error).message}`);
    return undefined;
  }
}

/** preview: the gate's verdict is reported (what up would refuse), the preview's error rethrown. */
async function runPreview(
  ctx: RunContext,
  name: string,
  stack: Stack,
  protection: StackProtection | undefined,
  result: StackReport,
  onEvent: (e: EngineEvent) => void,
  packConfig: string | undefined,
): Promise<OpMap | undefined> {
  const events: EngineEvent[] = [];
  let summary: OpMap | undefined;
  let previewError: unknown;
  try {
    const r = await stack.preview({
      ...previewOptions(ctx.options, packConfig),
      onEvent: (e) => {
        events.push(e);
        onEvent(e);
      },
      signal: ctx.abort.signal,
    });
    summary = r.changeSummary;
  } catch (e) {
    previewError = e;
  }
  if (protection !== undefined && !ctx.cancelled) {
    const decision = decideGate(protection, findProtectedChanges(events), false);
    result.gate = gateReport(
      protection,
      !protection.protected ? "not-protected" : decision.refused ? "would-refuse" : "passed",
      decision.findings,
    );
    if (decision.refused) {
      for (const line of refusalMessage(name, decision, "up").split("\n")) {
        ctx.log(`[${name}] warning: ${line.replace(/^up refused/, "up would be refused")}`);
      }
    }
  }
  if (previewError !== undefined) throw previewError;
  return summary;
}

/** drift: a refresh preview; what changed outside Pulumi goes into the report and the log. */
async function runDrift(
  ctx: RunContext,
  name: string,
  stack: Stack,
  result: StackReport,
  onEvent: (e: EngineEvent) => void,
): Promise<OpMap | undefined> {
  const events: EngineEvent[] = [];
  const r = await stack.previewRefresh({
    ...driftOptions(ctx.options),
    onEvent: (e) => {
      events.push(e);
      onEvent(e);
    },
    signal: ctx.abort.signal,
  });
  result.drift = driftOf(events);
  for (const d of result.drift) ctx.log(driftLine(name, d));
  return r.changeSummary;
}

/**
 * Runs the stack's operation, its engine events to `onEvent`; returns the resource changes the SDK
 * reports and puts the outputs (and drift) into `result`.
 */
export async function runOperation(
  ctx: RunContext,
  name: string,
  stack: Stack,
  protection: StackProtection | undefined,
  result: StackReport,
  onEvent: (e: EngineEvent) => void,
  packConfig: string | undefined,
): Promise<OpMap | undefined> {
  const { options } = ctx;
  const run = { onEvent, signal: ctx.abort.signal };
  if (MUTATING.has(options.command)) ctx.updating.set(name, stack);
  switch (options.command) {
    case "preview":
      return runPreview(ctx, name, stack, protection, result, onEvent, packConfig);
    case "drift":
      return runDrift(ctx, name, stack, result, onEvent);
    case "up": {
      const r = await stack.up({ ...upOptions(options, packConfig), ...run });
      recordOutputs(ctx, name, result, r.outputs);
      return r.summary?.resourceChanges;
    }
    case "refresh": {
      const r = await stack.refresh({ ...refreshOptions(options), ...run });
      ctx.updating.delete(name);
      if (ctx.cancelled) throw new CancelledError();
      recordOutputs(ctx, name, result, await stack.outputs());
      return r.summary?.resourceChanges;
    }
    case "destroy": {
      const left = await whatStays(ctx, name, stack);
      const r = await stack.destroy({ ...destroyOptions(options), ...run });
      if (left !== undefined) {
        result.leftBehind = left;
        for (const l of left) ctx.log(`[${name}] left behind: ${l.type} "${l.name}": ${l.reason}; ${l.hint}`);
      }
      return r.summary?.resourceChanges;
    }
    case "outputs":
      recordOutputs(ctx, name, result, await stack.outputs());
      return undefined;
  }
}
