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
import { emptyResult, runStack, type Logger, type RunContext } from "./stack-run";
import { USAGE } from "./usage";

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
      r.exitCode = EXIT.cancelled;
      r.error = { kind: "cancelled", message: "cancelled by a signal (forced)", exitCode: EXIT.cancelled };
      r.durationSeconds = Math.round((now() - startedAt.getTime()) / 100) / 10;
    }
  }
  return finish(exitCodeFor(results, ctx.cancelled));
}
