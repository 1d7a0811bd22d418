// One stack's run inside the pipeline driver: open (or create) the stack, set its config, pass the
// promotion gate on protected stacks, run the operation (./stack-ops), and fill in the stack's
// report entry.

import {
  Stack,
  StackNotFoundError,
  type ConfigMap,
  type EngineEvent,
  type LocalWorkspace,
  type OpMap,
} from "@pulumi/pulumi/automation";
import type { DriverOptions } from "./args";
import { CancelledError, classifyError, withEngineEvidence, type ClassifiedError } from "./errors";
import { EXIT } from "./exit-codes";
import {
  decideGate,
  describeFinding,
  findProtectedChanges,
  refusalMessage,
  stackProtection,
  type StackProtection,
} from "./gate";
import { ProgressTracker, type Operation, type PolicyViolation, type ProgressMode } from "./progress";
import { changeCounts, redactDeep, stackExitCode, type StackReport } from "./report";
import {
  StackConfigError,
  eventLines,
  gatePreview,
  gateReport,
  runOperation,
  withPackConfig,
} from "./stack-ops";

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
  /** Stacks with a state-changing operation in flight (a forced stop signals their CLI, automation/forced-stop.ts). */
  updating: Map<string, Stack>;
  /** Stacks whose run has started and not finished. */
  running: Set<string>;
}

/** A stack's report entry before its run (a stack never started stays "skipped"). */
export function emptyResult(stack: string): StackReport {
  return {
    stack,
    status: "skipped",
    exitCode: EXIT.cancelled,
    stackCreated: false,
    configKeys: [],
    changes: changeCounts(undefined, 0),
    resourceChanges: {},
    durationSeconds: 0,
    policyViolations: [],
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
  packConfig: string | undefined,
  violations: PolicyViolation[],
): Promise<GateOutcome> {
  const { allowReplace } = ctx.options;
  ctx.log(`[${name}] gate: previewing ${command} to check protected resources`);
  checkCancelled(ctx);
  const preview = await gatePreview(ctx, name, stack, packConfig);
  const { events, diagnostics, violations: found, error } = preview;
  violations.push(...found);
  checkCancelled(ctx);
  const decision = decideGate(protection, findProtectedChanges(events), allowReplace);
  if (decision.refused) {
    result.gate = gateReport(protection, "refused", decision.findings);
    const message = refusalMessage(name, decision, command);
    result.status = "refused";
    result.error = { kind: "failed", message: ctx.redact(message) };
    for (const line of message.split("\n")) ctx.log(`[${name}] ${line}`);
    if (error !== undefined) {
      // What the engine said, not the CLI's bail ("exited with code 1 without an error message").
      const why = withEngineEvidence(classifyError(error, name), {
        errors: diagnostics,
        policyViolations: found,
        cancelled: preview.cancelled,
      });
      ctx.log(`[${name}] (the preview itself also failed: ${ctx.redact(why.message.split("\n")[0])})`);
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

/** Runs the driver's command on one stack; the outcome (never a throw) goes into `result`. */
export async function runStack(ctx: RunContext, name: string, result: StackReport): Promise<void> {
  const { options } = ctx;
  const command = options.command;
  const start = ctx.now();
  // drift is a refresh preview: its drift is reported from the events (./drift), not as steps.
  const mode: ProgressMode = command === "preview" || command === "drift" ? "preview" : "apply";
  const operation: Operation = command === "drift" ? "refresh" : command === "outputs" ? "up" : command;
  const tracker = new ProgressTracker(name, mode, ctx.now, operation);
  const onEvent = (e: EngineEvent): void => {
    for (const line of eventLines(ctx, name, tracker, e)) ctx.log(line);
  };
  const op: { summary?: OpMap } = {};
  const gateViolations: PolicyViolation[] = [];
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

    // drift changes nothing, so it needs neither the gate nor the config.
    let protection: StackProtection | undefined;
    let config: ConfigMap = {};
    if (command === "preview" || command === "up" || command === "destroy") {
      checkCancelled(ctx);
      config = await stack.getAllConfig();
      protection = stackProtection(config);
      if (protection.protected) ctx.log(`[${name}] protected stack (${protection.reason})`);
    }

    const ran = await withPackConfig(ctx, config, async (packConfig) => {
      if ((command === "up" || command === "destroy") && protection?.protected) {
        const gate = await runGate(
          ctx,
          command,
          name,
          stack,
          protection,
          result,
          tracker,
          packConfig,
          gateViolations,
        );
        if (gate.refused) return false;
        if (gate.previewError !== undefined) {
          refusedByPulumiHint = gate.refusedByPulumi;
          throw gate.previewError;
        }
      } else if (protection !== undefined && command !== "preview") {
        result.gate = gateReport(protection, "not-protected", []);
      }
      checkCancelled(ctx);
      op.summary = await runOperation(ctx, name, stack, protection, result, onEvent, packConfig);
      return true;
    });
    if (!ran) return;
    ctx.updating.delete(name);
    result.status = "succeeded";
  } catch (error) {
    ctx.updating.delete(name);
    const classified: ClassifiedError = ctx.cancelled
      ? { kind: "cancelled", message: `cancelled by a signal` }
      : error instanceof StackConfigError
        ? configProblem(error)
        : // The engine's diagnostics say more than the CLI (which prints nothing on its bail path).
          withEngineEvidence(classifyError(error, name), {
            errors: tracker.errors,
            cancelled: tracker.cancelled,
            policyViolations: [...gateViolations, ...tracker.policyViolations],
          });
    result.status = classified.kind === "cancelled" ? "cancelled" : "failed";
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
    result.policyViolations = uniqueViolations([...gateViolations, ...tracker.policyViolations]);
    result.durationSeconds = Math.round((ctx.now() - start) / 100) / 10;
    result.exitCode = stackExitCode(result);
  }
}

/** The stack's own config cannot give the policy pack its config (invalid waivers or profile). */
function configProblem(error: StackConfigError): ClassifiedError {
  return {
    kind: "failed",
    message: `the stack's config is invalid:\n${error.problems.map((p) => `  - ${p}`).join("\n")}`,
    hint: "fix the stack's config (the preflight shows every problem: npm run preflight -- --stack <stack>)",
    exitCode: EXIT.usage,
  };
}

/** Violations reported by both the gate's preview and the operation, once each. */
function uniqueViolations(violations: readonly PolicyViolation[]): PolicyViolation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = JSON.stringify([v.policyPack, v.policyName, v.urn ?? "", v.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
