// One stack's run inside the pipeline driver: open (or create) the stack, set its config, pass the
// promotion gate on protected stacks, run the operation, and fill in the stack's report entry.

import {
  Stack,
  StackNotFoundError,
  type ConfigMap,
  type EngineEvent,
  type LocalWorkspace,
  type OpMap,
} from "@pulumi/pulumi/automation";
import type { Command, DriverOptions } from "./args";
import { CancelledError, classifyError, type ClassifiedError } from "./errors";
import {
  decideGate,
  describeFinding,
  findProtectedChanges,
  refusalMessage,
  stackProtection,
  type StackProtection,
} from "./gate";
import { ProgressTracker, type ProgressMode } from "./progress";
import { changeCounts, redactDeep, splitOutputs, type GateReport, type StackReport } from "./report";

export type Logger = (line: string) => void;

/** What every stack run of one driver invocation shares. */
export interface RunContext {
  options: DriverOptions;
  workspace: LocalWorkspace;
  log: Logger;
  redact: (text: string) => string;
  now: () => number;
  abort: AbortController;
  cancelled: boolean;
  /** Stacks with a state-changing operation in flight (for `pulumi cancel` on a forced stop). */
  updating: Map<string, Stack>;
  /** Stacks whose run has started and not finished. */
  running: Set<string>;
}

const MUTATING: ReadonlySet<Command> = new Set<Command>(["up", "refresh", "destroy"]);

/** A stack's report entry before its run (a stack never started stays "skipped"). */
export function emptyResult(stack: string): StackReport {
  return {
    stack,
    status: "skipped",
    stackCreated: false,
    configKeys: [],
    changes: changeCounts(undefined, 0),
    resourceChanges: {},
    durationSeconds: 0,
  };
}

function checkCancelled(ctx: RunContext): void {
  if (ctx.cancelled) throw new CancelledError();
}

/** Selects the stack; creates it on first use for preview/up (the same calls as createOrSelect). */
async function openStack(ctx: RunContext, name: string): Promise<{ stack: Stack; created: boolean }> {
  try {
    return { stack: await Stack.select(name, ctx.workspace), created: false };
  } catch (e) {
    const creates = ctx.options.command === "preview" || ctx.options.command === "up";
    if (!(e instanceof StackNotFoundError) || !creates) throw e;
  }
  const stack = await Stack.create(name, ctx.workspace);
  ctx.log(
    `[${name}] created stack ${name}` +
      (ctx.options.secretsProvider !== undefined ? ` (secrets provider ${ctx.options.secretsProvider})` : ""),
  );
  return { stack, created: true };
}

function configMap(options: DriverOptions): ConfigMap {
  const map: ConfigMap = {};
  for (const c of options.config) map[c.key] = { value: c.value, secret: c.secret };
  return map;
}

function gateReport(
  protection: StackProtection,
  outcome: GateReport["outcome"],
  findings: GateReport["findings"],
) {
  return { protected: protection.protected, reason: protection.reason, outcome, findings };
}

/** Runs a preview-like operation for the gate; returns its events, error diagnostics and error. */
async function gatePreview(
  ctx: RunContext,
  name: string,
  stack: Stack,
): Promise<{ events: EngineEvent[]; diagnostics: string[]; error?: unknown }> {
  const events: EngineEvent[] = [];
  const tracker = new ProgressTracker(name, "preview", ctx.now);
  const onEvent = (e: EngineEvent): void => {
    events.push(e);
    for (const line of tracker.handle(e)) ctx.log(line);
  };
  checkCancelled(ctx);
  try {
    if (ctx.options.command === "destroy") {
      await stack.previewDestroy({ onEvent, signal: ctx.abort.signal, refresh: ctx.options.refresh });
    } else {
      await stack.preview({
        onEvent,
        signal: ctx.abort.signal,
        refresh: ctx.options.refresh,
        ...(ctx.options.message !== undefined ? { message: ctx.options.message } : {}),
      });
    }
    return { events, diagnostics: tracker.errors };
  } catch (error) {
    return { events, diagnostics: tracker.errors, error };
  }
}

/** What the gate before up/destroy on a protected stack decided: stop, or go on (maybe to fail). */
type GateOutcome = { refused: true } | { refused: false; previewError?: unknown; refusedByPulumi: boolean };

/**
 * The promotion gate on a protected stack: previews the operation, refuses it when it would replace
 * or delete a protected resource (unless --allow-replace), and records the decision in `result`.
 */
async function runGate(
  ctx: RunContext,
  command: "up" | "destroy",
  name: string,
  stack: Stack,
  protection: StackProtection,
  result: StackReport,
  tracker: ProgressTracker,
): Promise<GateOutcome> {
  const { allowReplace } = ctx.options;
  ctx.log(`[${name}] gate: previewing ${command} to check protected resources`);
  const { events, diagnostics, error } = await gatePreview(ctx, name, stack);
  checkCancelled(ctx);
  const decision = decideGate(protection, findProtectedChanges(events), allowReplace);
  if (decision.refused) {
    result.gate = gateReport(protection, "refused", decision.findings);
    const message = refusalMessage(name, decision, command);
    result.status = "refused";
    result.error = { kind: "failed", message: ctx.redact(message) };
    for (const line of message.split("\n")) ctx.log(`[${name}] ${line}`);
    if (error !== undefined) {
      ctx.log(
        `[${name}] (the preview itself also failed: ${classifyError(error, name).message.split("\n")[0]})`,
      );
    }
    return { refused: true };
  }
  if (error !== undefined) {
    // The preview failed although the gate let it through: report the preview's diagnostics.
    tracker.errors.push(...diagnostics);
    return {
      refused: false,
      previewError: error,
      refusedByPulumi: decision.findings.some((f) => f.refusedByPulumi),
    };
  }
  if (decision.findings.length > 0) {
    result.gate = gateReport(protection, "allowed", decision.findings);
    ctx.log(
      `[${name}] gate: --allow-replace given; proceeding with ${decision.findings.length} protected change(s):`,
    );
    for (const f of decision.findings) ctx.log(`[${name}]   - ${describeFinding(f)}`);
  } else {
    result.gate = gateReport(protection, "passed", []);
    ctx.log(`[${name}] gate passed: no protected resource would be replaced or deleted`);
  }
  return { refused: false, refusedByPulumi: false };
}

/**
 * Runs the stack's operation, its engine events to `onEvent`; sets `op.summary` to the resource
 * changes it reports (as soon as it has them) and the outputs into `result`.
 */
async function runOperation(
  ctx: RunContext,
  name: string,
  stack: Stack,
  protection: StackProtection | undefined,
  result: StackReport,
  onEvent: (e: EngineEvent) => void,
  op: { summary?: OpMap },
): Promise<void> {
  const { options } = ctx;
  const command = options.command;
  checkCancelled(ctx);
  const signal = ctx.abort.signal;
  const message = options.message !== undefined ? { message: options.message } : {};
  const applying = { onEvent, signal, refresh: options.refresh, showSecrets: false, ...message };
  if (MUTATING.has(command)) ctx.updating.set(name, stack);
  switch (command) {
    case "preview": {
      const events: EngineEvent[] = [];
      let previewError: unknown;
      try {
        const r = await stack.preview({
          onEvent: (e) => {
            events.push(e);
            onEvent(e);
          },
          signal,
          refresh: options.refresh,
          ...message,
        });
        op.summary = r.changeSummary;
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
      break;
    }
    case "up": {
      const r = await stack.up(applying);
      op.summary = r.summary?.resourceChanges;
      Object.assign(result, splitOutputs(r.outputs));
      break;
    }
    case "refresh": {
      const r = await stack.refresh({ onEvent, signal, showSecrets: false, ...message });
      op.summary = r.summary?.resourceChanges;
      ctx.updating.delete(name);
      checkCancelled(ctx);
      Object.assign(result, splitOutputs(await stack.outputs()));
      break;
    }
    case "destroy": {
      const r = await stack.destroy(applying);
      op.summary = r.summary?.resourceChanges;
      break;
    }
    case "outputs": {
      Object.assign(result, splitOutputs(await stack.outputs()));
      break;
    }
  }
}

/** Runs the driver's command on one stack; the outcome (never a throw) goes into `result`. */
export async function runStack(ctx: RunContext, name: string, result: StackReport): Promise<void> {
  const { options } = ctx;
  const command = options.command;
  const start = ctx.now();
  const mode: ProgressMode = command === "preview" ? "preview" : "apply";
  const tracker = new ProgressTracker(name, mode, ctx.now);
  const onEvent = (e: EngineEvent): void => {
    for (const line of tracker.handle(e)) ctx.log(line);
  };
  const op: { summary?: OpMap } = {};
  let refusedByPulumiHint = false;
  ctx.running.add(name);
  try {
    checkCancelled(ctx);
    result.status = "failed"; // until it succeeds
    ctx.log(`[${name}] ${command} starting`);
    const { stack, created } = await openStack(ctx, name);
    result.stackCreated = created;

    if (options.config.length > 0) {
      checkCancelled(ctx);
      result.configKeys = options.config.map((c) => c.key);
      const described = options.config.map((c) => (c.secret ? `${c.key} (secret)` : c.key)).join(", ");
      ctx.log(`[${name}] setting config: ${described}`);
      await stack.setAllConfig(configMap(options), true);
    }

    let protection: StackProtection | undefined;
    if (command === "preview" || command === "up" || command === "destroy") {
      checkCancelled(ctx);
      protection = stackProtection(await stack.getAllConfig());
      if (protection.protected) ctx.log(`[${name}] protected stack (${protection.reason})`);
    }

    if ((command === "up" || command === "destroy") && protection?.protected) {
      const gate = await runGate(ctx, command, name, stack, protection, result, tracker);
      if (gate.refused) return;
      if (gate.previewError !== undefined) {
        refusedByPulumiHint = gate.refusedByPulumi;
        throw gate.previewError;
      }
    } else if (protection !== undefined && command !== "preview") {
      result.gate = gateReport(protection, "not-protected", []);
    }

    await runOperation(ctx, name, stack, protection, result, onEvent, op);
    ctx.updating.delete(name);
    result.status = "succeeded";
  } catch (error) {
    ctx.updating.delete(name);
    const classified: ClassifiedError = ctx.cancelled
      ? { kind: "cancelled", message: `cancelled by a signal` }
      : classifyError(error, name);
    result.status = classified.kind === "cancelled" ? "cancelled" : "failed";
    if (classified.kind === "failed" && tracker.errors.length > 0 && !ctx.cancelled) {
      // The engine's diagnostics say more than the CLI's final "update failed".
      classified.message = [...tracker.errors, classified.message].join("\n");
    }
    if (refusedByPulumiHint) {
      classified.hint =
        "Pulumi refuses to replace or delete a resource that is protected in the state and in the program, " +
        "even with --allow-replace: set cluster.protect: false in a reviewed change, then run up --allow-replace";
    }
    result.error = redactDeep(classified, ctx.redact);
    if (result.status === "failed") {
      const lines = result.error.message.split("\n");
      ctx.log(`[${name}] ${command} failed: ${lines[0]}`);
      for (const l of lines.slice(1)) ctx.log(`[${name}]   ${l}`);
      if (result.error.hint !== undefined) ctx.log(`[${name}]   hint: ${result.error.hint}`);
    }
  } finally {
    ctx.running.delete(name);
    const ops = tracker.summary ?? op.summary ?? {};
    if (result.status !== "refused") {
      result.resourceChanges = ops;
      result.changes = changeCounts(ops, tracker.failedUrns.size);
    }
    result.durationSeconds = Math.round((ctx.now() - start) / 100) / 10;
  }
}
