// One stack's operation inside the pipeline driver (I/O around the pure modules): the promotion
// gate's preview, the operation with the flags the SDK takes for it (./op-options), drift (a refresh
// preview, ./drift), --show-secrets, and the policy pack config file of --policy-pack.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ConfigMap, EngineEvent, OpMap, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { diffLines } from "./diff-lines";
import { driftLine, driftOf } from "./drift";
import { CancelledError, classifyError, cliSignal } from "./errors";
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

/** Commands that change the stack and hold its lock while they run. */
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
  packConfigDirs.add(dir);
  try {
    const file = path.join(dir, "policy-pack-config.json");
    fs.writeFileSync(file, `${JSON.stringify(result.config, null, 2)}\n`, { mode: 0o600 });
    return await fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    packConfigDirs.delete(dir);
  }
}

/** The pack config directories of the operations still running. */
const packConfigDirs = new Set<string>();

/** Removes the pack config directories still there (a forced stop does not wait for their operations). */
export function removePackConfigs(): void {
  for (const dir of packConfigDirs) fs.rmSync(dir, { recursive: true, force: true });
  packConfigDirs.clear();
}

/**
 * After a cancellation, a Pulumi CLI that died of a signal (killed, not ended by its own cancel
 * path) never released the stack's lock: `pulumi cancel` releases it, now that no CLI writes the
 * state (./forced-stop). A CLI that exited by itself released its lock.
 */
async function releaseLockOfKilledCli(
  ctx: RunContext,
  name: string,
  stack: Stack,
  error: unknown,
): Promise<void> {
  const signal = cliSignal(error);
  if (signal === undefined || !ctx.cancelled || !MUTATING.has(ctx.options.command)) return;
  ctx.log(
    `[${name}] the Pulumi CLI was killed (${signal}) before it released the stack's lock: pulumi cancel`,
  );
  try {
    await stack.cancel();
  } catch (e) {
    ctx.log(`[${name}] pulumi cancel failed: ${classifyError(e, name).message}`);
  }
}

/** Runs the gate's preview of up or destroy; returns its events, error diagnostics, violations and error. */
export async function gatePreview(
  ctx: RunContext,
  name: string,
  stack: Stack,
  packConfig: string | undefined,
): Promise<{
  events: EngineEvent[];
  diagnostics: string[];
  violations: PolicyViolation[];
  /** The engine reported that it cancelled the preview. */
  cancelled: boolean;
  error?: unknown;
}> {
  const events: EngineEvent[] = [];
  const tracker = new ProgressTracker(name, "preview", ctx.now);
  const onEvent = (e: EngineEvent): void => {
    events.push(e);
    for (const line of eventLines(ctx, name, tracker, e)) ctx.log(line);
  };
  const signal = ctx.abort.signal;
  const done = () => ({
    events,
    diagnostics: tracker.errors,
    violations: tracker.policyViolations,
    cancelled: tracker.cancelled,
  });
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

/**
 * What the destroy will leave behind (./leftovers), from the state before it. The SDK exports with
 * `--show-secrets` (automation/localWorkspace.js exportStack): the export stays in memory and only
 * URNs, types, names, reasons and hints reach the log and the report. With --target, only what the
 * targeted destroy touches. An export ./leftovers cannot read is a warning, not a reason to keep the
 * stack.
 */
async function whatStays(ctx: RunContext, name: string, stack: Stack): Promise<LeftBehind[] | undefined> {
  const exported = await stack.exportStack();
  try {
    return leftBehind(exported, ctx.options.targets);
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
 * up --expect-no-changes: a preview with the flag first, so that nothing is applied when it shows
 * changes (exit EXIT.changes), as the gate's preview does on protected stacks. Pulumi's own `up
 * --expect-no-changes` applies the changes and fails afterwards (pulumi/pulumi
 * pkg/cmd/pulumi/operations/up.go: NoChangesExpectedError after the update), and the Automation
 * API's up skips Pulumi's preview (automation/stack.js: --skip-preview). The planned steps are
 * printed as a preview prints them; its diagnostics and policy violations go to `onEvent`, the
 * stack's own record (its failure text, its report).
 */
async function previewFirst(
  ctx: RunContext,
  name: string,
  stack: Stack,
  onEvent: (e: EngineEvent) => void,
  packConfig: string | undefined,
): Promise<void> {
  ctx.log(`[${name}] --expect-no-changes: previewing first; nothing is applied if anything would change`);
  const planned = new ProgressTracker(name, "preview", ctx.now);
  await stack.preview({
    ...previewOptions(ctx.options, packConfig),
    onEvent: (e) => {
      if (e.resourcePreEvent !== undefined || e.resOutputsEvent !== undefined) {
        for (const line of eventLines(ctx, name, planned, e)) ctx.log(line);
      } else if (e.diagnosticEvent !== undefined || e.policyEvent !== undefined) {
        onEvent(e);
      }
    },
    signal: ctx.abort.signal,
  });
  if (ctx.cancelled) throw new CancelledError();
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
  if (MUTATING.has(ctx.options.command)) ctx.updating.set(name, stack);
  try {
    return await operation(ctx, name, stack, protection, result, onEvent, packConfig);
  } catch (e) {
    await releaseLockOfKilledCli(ctx, name, stack, e);
    throw e;
  }
}

async function operation(
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
  switch (options.command) {
    case "preview":
      return runPreview(ctx, name, stack, protection, result, onEvent, packConfig);
    case "drift":
      return runDrift(ctx, name, stack, result, onEvent);
    case "up": {
      // The gate's preview already ran with --expect-no-changes on a protected stack.
      if (options.expectNoChanges && protection?.protected !== true) {
        await previewFirst(ctx, name, stack, onEvent, packConfig);
      }
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
      const report = (): void => {
        if (left === undefined) return;
        result.leftBehind = left;
        for (const l of left) ctx.log(`[${name}] left behind: ${l.type} "${l.name}": ${l.reason}; ${l.hint}`);
      };
      try {
        const r = await stack.destroy({ ...destroyOptions(options), ...run });
        report();
        return r.summary?.resourceChanges;
      } catch (e) {
        // What stays whatever happens (protected, retained) is still told; the failure itself
        // follows, and what the destroy did not reach stays too.
        report();
        if (left !== undefined) {
          ctx.log(`[${name}] the destroy failed: besides the above, what it did not delete stays`);
        }
        throw e;
      }
    }
    case "outputs":
      recordOutputs(ctx, name, result, await stack.outputs());
      return undefined;
  }
}
