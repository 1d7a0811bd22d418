// The pipeline driver: runs this repository's Pulumi program (Pulumi.yaml + index.ts, the same
// program the CLI runs) through the Automation API for one or several stacks. Thin I/O around the
// pure modules: args (parsing), gate (promotion gate), progress (event lines), report (JSON report,
// exit code), errors (classification), drift; stack-run and stack-ops run one stack. Exit codes:
// ./exit-codes.

import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import {
  UsageError,
  backendUrl,
  executionOrder,
  parseArgs,
  preflightProblems,
  type DriverOptions,
} from "./args";
import { classifyError, type ClassifiedError } from "./errors";
import { EXIT } from "./exit-codes";
import {
  createRedactor,
  exitCodeFor,
  overallStatus,
  redactDeep,
  sanitizeUrl,
  summaryLine,
  type Report,
  type StackReport,
} from "./report";
import { FORCED_WAIT_MS, cliChildren, sendSignal, type CliProcess } from "./forced-stop";
import { removePackConfigs } from "./stack-ops";
import { emptyResult, runStack, type Logger, type RunContext } from "./stack-run";
import { USAGE } from "./usage";

/** The repository root: the Pulumi project the driver runs. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** Environment variable naming a directory that holds `bin/pulumi` (a pinned CLI, or the tests' fake). */
export const PULUMI_ROOT_ENV = "KP_PULUMI_ROOT";

export interface DriverIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The environment: the driver reads it, and the Pulumi CLI gets it (the process's, for the CLI). */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /**
   * Subscribes to cancellation signals (SIGINT/SIGTERM). `reachesChildren` tells whether the
   * Pulumi processes got the signal too (Ctrl-C in a terminal signals the whole process group);
   * otherwise the driver forwards an interrupt to them. Returns an unsubscribe function.
   */
  onSignal(handler: (signal: string, reachesChildren: boolean) => void): () => void;
  now?: () => number;
  /** How long a forced stop (the second signal) waits for Pulumi; default FORCED_WAIT_MS. */
  forcedWaitMs?: number;
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

/**
 * Cancellation: the first signal interrupts Pulumi (its graceful cancel: the operations in flight
 * finish); the second sends the signal on to the Pulumi CLI processes (their own terminate path:
 * the state saved, the lock released) and waits for them, at most `forcedWaitMs`; a third stops
 * waiting. `forcedStop` resolves when the driver stops waiting.
 */
function watchSignals(
  io: DriverIO,
  ctx: RunContext,
  command: string,
): { forcedStop: Promise<void>; dispose: () => void } {
  let forced: () => void = () => undefined;
  const forcedStop = new Promise<void>((resolve) => (forced = resolve));
  let timer: NodeJS.Timeout | undefined;
  let signals = 0;
  const waitMs = io.forcedWaitMs ?? FORCED_WAIT_MS;
  const unsubscribe = io.onSignal((signal, reachesChildren) => {
    signals++;
    if (signals === 1) {
      ctx.cancelled = true;
      ctx.log(
        `${signal} received: cancelling; Pulumi stops cleanly after the operations in flight (send again to force)`,
      );
      if (!reachesChildren) ctx.abort.abort();
      return;
    }
    if (signals === 2) {
      // The driver never removes the lock of a CLI that lives (`pulumi cancel`, ./forced-stop).
      const sent = reachesChildren ? [] : sendSignal(cliChildren(command), signal);
      ctx.log(
        `${signal} received again: forcing; Pulumi stops without finishing the operations in flight ` +
          `(${reachesChildren ? "it got the signal too" : `sent to ${sent.length} Pulumi process(es)`}), ` +
          `saves the state and releases the lock; waiting up to ${Math.round(waitMs / 1000)}s for it ` +
          "(send again to exit at once)",
      );
      timer = setTimeout(forced, waitMs);
      return;
    }
    ctx.log(`${signal} received again: exiting without waiting for Pulumi`);
    forced();
  });
  return {
    forcedStop,
    dispose: () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

/** A stack still running when a forced stop ended the wait: cancelled, and whether its CLI still runs. */
function forcedResult(r: StackReport, alive: readonly CliProcess[], log: Logger, elapsedMs: number): void {
  const pids = alive.filter((p) => p.stack === r.stack).map((p) => p.pid);
  const still = pids.length > 0 ? ` (the Pulumi CLI, pid ${pids.join(", ")}, is still running)` : "";
  r.status = "cancelled";
  r.exitCode = EXIT.cancelled;
  r.error = {
    kind: "cancelled",
    message: `cancelled by a signal (forced)${still}`,
    exitCode: EXIT.cancelled,
  };
  r.durationSeconds = Math.round(elapsedMs / 100) / 10;
  if (pids.length > 0) {
    log(
      `[${r.stack}] warning: the Pulumi CLI (pid ${pids.join(", ")}) is still running; the stack stays ` +
        `locked until it ends. If it never ends, stop it, then run pulumi cancel --stack ${r.stack} and refresh`,
    );
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
    const parsed = parseArgs(argv, io.cwd, io.env);
    if (parsed.help) {
      io.stdout(`${USAGE}\n`);
      return EXIT.success;
    }
    options = parsed.options;
    const missing = options.policyPacks.find((dir) => !fs.existsSync(path.join(dir, "PulumiPolicy.yaml")));
    if (missing !== undefined) {
      throw new UsageError(`--policy-pack ${missing}: not a policy pack (it has no PulumiPolicy.yaml)`);
    }
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
    return finish(redacted.kind === "not-logged-in" ? EXIT.auth : EXIT.setup, redacted);
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
    return finish(EXIT.internal, {
      kind: "failed",
      message: `internal error: ${redact(String(e))}`,
      exitCode: EXIT.internal,
    });
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

  // The CLI gets the environment the driver was given (the passphrase and backend it checked, the
  // cloud's credentials), then the driver's own settings.
  const envVars: Record<string, string> = {};
  for (const [k, v] of Object.entries(io.env)) if (v !== undefined) envVars[k] = v;
  envVars.PULUMI_SKIP_UPDATE_CHECK = "true";
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

  const command = workspace.pulumiCommand.command;
  const signals = watchSignals(io, ctx, command);
  try {
    const work = runPool(
      order,
      options.parallel,
      (name) => runStack(ctx, name, results[order.indexOf(name)]),
      () => ctx.cancelled,
    );
    await Promise.race([work, signals.forcedStop]);
  } finally {
    signals.dispose();
  }
  // A forced stop does not wait for every operation: their pack config files go now, and a stack
  // whose Pulumi CLI still runs keeps its lock until the CLI ends (./forced-stop).
  removePackConfigs();
  const alive = cliChildren(command);
  for (const r of results) {
    if (ctx.running.has(r.stack)) forcedResult(r, alive, log, now() - startedAt.getTime());
  }
  return finish(exitCodeFor(results, ctx.cancelled));
}
