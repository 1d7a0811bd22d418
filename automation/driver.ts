// The pipeline driver: runs this repository's Pulumi program (Pulumi.yaml + index.ts, the same
// program the CLI runs) through the Automation API for one or several stacks. Thin I/O around the
// pure modules: args (parsing), gate (promotion gate), progress (event lines), report (JSON report,
// exit code), errors (classification).

import * as fs from "fs";
import * as path from "path";
import {
  LocalWorkspace,
  PulumiCommand,
  Stack,
  StackNotFoundError,
  type ConfigMap,
  type EngineEvent,
  type OpMap,
} from "@pulumi/pulumi/automation";
import {
  USAGE,
  UsageError,
  backendUrl,
  executionOrder,
  parseArgs,
  preflightProblems,
  type Command,
  type DriverOptions,
} from "./args";
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
import {
  EXIT,
  changeCounts,
  createRedactor,
  exitCodeFor,
  overallStatus,
  redactDeep,
  sanitizeUrl,
  splitOutputs,
  summaryLine,
  type GateReport,
  type Report,
  type StackReport,
} from "./report";

/** The repository root: the Pulumi project the driver runs. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** Environment variable naming a directory that holds `bin/pulumi` (a pinned CLI, or the tests' fake). */
export const PULUMI_ROOT_ENV = "KP_PULUMI_ROOT";

export interface DriverIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /**
   * Subscribes to cancellation signals (SIGINT/SIGTERM). `reachesChildren` tells whether the
   * Pulumi processes got the signal too (Ctrl-C in a terminal signals the whole process group);
   * otherwise the driver forwards an interrupt to them. Returns an unsubscribe function.
   */
  onSignal(handler: (signal: string, reachesChildren: boolean) => void): () => void;
  now?: () => number;
}

type Logger = (line: string) => void;

interface RunContext {
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

function emptyResult(stack: string): StackReport {
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

async function runStack(ctx: RunContext, name: string, result: StackReport): Promise<void> {
  const { options } = ctx;
  const command = options.command;
  const start = ctx.now();
  const mode: ProgressMode = command === "preview" ? "preview" : "apply";
  const tracker = new ProgressTracker(name, mode, ctx.now);
  const onEvent = (e: EngineEvent): void => {
    for (const line of tracker.handle(e)) ctx.log(line);
  };
  let opSummary: OpMap | undefined;
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
      ctx.log(`[${name}] gate: previewing ${command} to check protected resources`);
      const { events, diagnostics, error } = await gatePreview(ctx, name, stack);
      checkCancelled(ctx);
      const decision = decideGate(protection, findProtectedChanges(events), options.allowReplace);
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
        return;
      }
      if (error !== undefined) {
        // The preview failed although the gate let it through: report the preview's diagnostics.
        tracker.errors.push(...diagnostics);
        if (decision.findings.some((f) => f.refusedByPulumi)) {
          refusedByPulumiHint = true;
        }
        throw error;
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
    } else if (protection !== undefined && command !== "preview") {
      result.gate = gateReport(protection, "not-protected", []);
    }

    checkCancelled(ctx);
    const signal = ctx.abort.signal;
    const message = options.message !== undefined ? { message: options.message } : {};
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
          opSummary = r.changeSummary;
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
        const r = await stack.up({
          onEvent,
          signal,
          refresh: options.refresh,
          showSecrets: false,
          ...message,
        });
        opSummary = r.summary?.resourceChanges;
        Object.assign(result, splitOutputs(r.outputs));
        break;
      }
      case "refresh": {
        const r = await stack.refresh({ onEvent, signal, showSecrets: false, ...message });
        opSummary = r.summary?.resourceChanges;
        ctx.updating.delete(name);
        checkCancelled(ctx);
        Object.assign(result, splitOutputs(await stack.outputs()));
        break;
      }
      case "destroy": {
        const r = await stack.destroy({
          onEvent,
          signal,
          refresh: options.refresh,
          showSecrets: false,
          ...message,
        });
        opSummary = r.summary?.resourceChanges;
        break;
      }
      case "outputs": {
        Object.assign(result, splitOutputs(await stack.outputs()));
        break;
      }
    }
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
    const ops = tracker.summary ?? opSummary ?? {};
    if (result.status !== "refused") {
      result.resourceChanges = ops;
      result.changes = changeCounts(ops, tracker.failedUrns.size);
    }
    result.durationSeconds = Math.round((ctx.now() - start) / 100) / 10;
  }
}

/** Runs `fn` over the items with at most `limit` in flight; stops taking new items when `stop()`. */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  stop: () => boolean,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop()) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
}

function writeReport(report: Report, target: string, io: DriverIO): void {
  const text = `${JSON.stringify(report, null, 2)}\n`;
  if (target === "-") {
    io.stdout(text);
  } else {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
}

/** The driver: parses argv, runs the stacks, prints progress and writes the report. Returns the exit code. */
export async function runDriver(
  argv: readonly string[],
  io: DriverIO,
  repoRoot: string = REPO_ROOT,
): Promise<number> {
  const now = io.now ?? Date.now;
  let options: DriverOptions;
  try {
    const parsed = parseArgs(argv, io.cwd, repoRoot);
    if (parsed.help) {
      io.stdout(`${USAGE}\n`);
      return EXIT.success;
    }
    options = parsed.options;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\nRun with --help for the usage.\n`);
      return EXIT.usage;
    }
    throw e;
  }

  const redact = createRedactor([
    ...options.config.filter((c) => c.secret).map((c) => c.value),
    io.env.PULUMI_CONFIG_PASSPHRASE,
    io.env.PULUMI_ACCESS_TOKEN,
  ]);
  let closed = false;
  const log: Logger = (line) => {
    if (!closed) io.stderr(`${redact(line)}\n`);
  };
  const startedAt = new Date(now());
  const order = executionOrder(options.command, options.stacks);
  const results = order.map(emptyResult);
  const meta: { backend?: string } = {};

  const finish = (exitCode: number, error?: ClassifiedError): number => {
    const finishedAt = new Date(now());
    const report: Report = redactDeep(
      {
        command: options.command,
        status: overallStatus(exitCode),
        exitCode,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
        ...(meta.backend !== undefined ? { backend: meta.backend } : {}),
        parallel: options.parallel,
        stacks: results,
        ...(error !== undefined ? { error } : {}),
      },
      redact,
    );
    if (error === undefined) {
      for (const r of results) log(summaryLine(options.command, r));
    }
    log(`${options.command} ${report.status} (exit code ${exitCode})`);
    let code = exitCode;
    if (options.json !== undefined) {
      try {
        writeReport(report, options.json, io);
      } catch (e) {
        log(`error: could not write the JSON report to ${options.json}: ${(e as Error).message}`);
        if (code === EXIT.success) code = EXIT.failed;
      }
    } else if (options.command === "outputs" && error === undefined) {
      const byStack: Record<string, unknown> = {};
      for (const r of report.stacks) if (r.outputs !== undefined) byStack[r.stack] = r.outputs;
      io.stdout(`${JSON.stringify(byStack, null, 2)}\n`);
    }
    closed = true;
    return code;
  };
  const setupError = (error: ClassifiedError): number => {
    const redacted = redactDeep(error, redact);
    log(`error: ${redacted.message}`);
    if (redacted.hint !== undefined) log(`  hint: ${redacted.hint}`);
    return finish(EXIT.setup, redacted);
  };

  try {
    return await runStacks(options, io, {
      log,
      redact,
      now,
      startedAt,
      order,
      results,
      finish,
      setupError,
      repoRoot,
      meta,
    });
  } catch (e) {
    // A bug, not an operation failure: still redact, report and exit non-zero.
    log(`error: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return finish(EXIT.failed, { kind: "failed", message: `internal error: ${redact(String(e))}` });
  }
}

interface RunState {
  log: Logger;
  redact: (text: string) => string;
  now: () => number;
  startedAt: Date;
  order: string[];
  results: StackReport[];
  finish: (exitCode: number, error?: ClassifiedError) => number;
  setupError: (error: ClassifiedError) => number;
  repoRoot: string;
  /** What the run learned about its environment (the backend), for the report. */
  meta: { backend?: string };
}

async function runStacks(options: DriverOptions, io: DriverIO, state: RunState): Promise<number> {
  const { log, redact, now, startedAt, order, results, finish, setupError, repoRoot, meta } = state;
  const problems = preflightProblems(options, io.env);
  if (problems.length > 0) {
    return setupError({ kind: "passphrase", message: problems.join("; ") });
  }

  const envVars: Record<string, string> = { PULUMI_SKIP_UPDATE_CHECK: "true" };
  const url = backendUrl(options);
  if (url !== undefined) envVars.PULUMI_BACKEND_URL = url;
  if (options.localDir !== undefined) fs.mkdirSync(options.localDir, { recursive: true });

  let workspace: LocalWorkspace;
  try {
    const root = io.env[PULUMI_ROOT_ENV];
    const pulumiCommand =
      root !== undefined && root !== ""
        ? await PulumiCommand.get({ root, skipVersionCheck: true })
        : await PulumiCommand.get();
    workspace = await LocalWorkspace.create({
      workDir: repoRoot,
      pulumiCommand,
      envVars,
      ...(options.secretsProvider !== undefined ? { secretsProvider: options.secretsProvider } : {}),
    });
    const who = await workspace.whoAmI();
    if (who.url !== undefined && who.url !== "") meta.backend = sanitizeUrl(who.url);
    log(`pulumi ${workspace.pulumiVersion}, backend ${meta.backend ?? "(default)"} as ${who.user}`);
  } catch (e) {
    const classified = classifyError(e);
    if (classified.kind === "failed") {
      classified.message = `could not reach the Pulumi backend: ${classified.message}`;
      classified.hint = "check --backend / PULUMI_BACKEND_URL and the backend's credentials";
    }
    return setupError(classified);
  }

  const ctx: RunContext = {
    options,
    workspace,
    log,
    redact,
    now,
    abort: new AbortController(),
    cancelled: false,
    updating: new Map(),
    running: new Set(),
  };

  let forced: () => void = () => undefined;
  const forcedStop = new Promise<void>((resolve) => (forced = resolve));
  let signals = 0;
  const unsubscribe = io.onSignal((signal, reachesChildren) => {
    signals++;
    if (signals === 1) {
      ctx.cancelled = true;
      log(
        `${signal} received: cancelling; Pulumi stops cleanly after the operations in flight (send again to force)`,
      );
      if (!reachesChildren) ctx.abort.abort();
      return;
    }
    if (signals === 2) {
      const running = [...ctx.updating.entries()];
      log(
        `${signal} received again: forcing; pulumi cancel on ${running.map(([n]) => n).join(", ") || "no stack"}`,
      );
      void Promise.allSettled(
        running.map(([name, stack]) =>
          stack
            .cancel()
            .catch((e: unknown) => log(`[${name}] pulumi cancel failed: ${classifyError(e, name).message}`)),
        ),
      ).then(() => forced());
    }
  });

  try {
    const work = runPool(
      order,
      options.parallel,
      (name) => runStack(ctx, name, results[order.indexOf(name)]),
      () => ctx.cancelled,
    );
    await Promise.race([work, forcedStop]);
  } finally {
    unsubscribe();
  }
  // After a forced stop, the stacks still running are reported as cancelled (their Pulumi
  // processes got the interrupt and `pulumi cancel`); the ones never started stay "skipped".
  for (const r of results) {
    if (ctx.running.has(r.stack)) {
      r.status = "cancelled";
      r.error = { kind: "cancelled", message: "cancelled by a signal (forced)" };
      r.durationSeconds = Math.round((now() - startedAt.getTime()) / 100) / 10;
    }
  }
  return finish(exitCodeFor(results, ctx.cancelled));
}
