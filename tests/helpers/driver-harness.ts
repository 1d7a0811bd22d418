// The pipeline driver (automation/driver.ts) against the fake `pulumi` (tests/fixtures/fake-pulumi,
// its header comment has the scenario schema): a temporary directory with the scenario, the fake's
// call log and state, an optional stand-in for the repository, and the driver's streams captured.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PULUMI_ROOT_ENV, REPO_ROOT, runDriver } from "../../automation/driver";
import type { Report } from "../../automation/report";

export const FAKE_ROOT = path.join(__dirname, "..", "fixtures", "fake-pulumi");
export const PASSPHRASE = "pass-phrase-never-printed";

/**
 * A Pulumi root (`<dir>/bin/pulumi`, for KP_PULUMI_ROOT) that runs the fake with these variables:
 * every CLI call gets them, `pulumi version` included (the SDK runs that one with this process's
 * environment only), and this process's environment is never changed, so tests do not depend on
 * their order.
 */
export function fakeRoot(dir: string, env: Readonly<Record<string, string>>): string {
  const quote = (v: string) => `'${v.replace(/'/g, "'\\''")}'`;
  const root = path.join(dir, "pulumi-root");
  fs.mkdirSync(path.join(root, "bin"), { recursive: true });
  const vars = Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`);
  const fake = path.join(FAKE_ROOT, "bin", "pulumi");
  fs.writeFileSync(
    path.join(root, "bin", "pulumi"),
    `#!/bin/sh\nexport ${vars.join(" ")}\nexec ${quote(process.execPath)} ${quote(fake)} "$@"\n`,
    { mode: 0o755 },
  );
  return root;
}

export interface Call {
  args: string[];
  env: string[];
  backendUrl?: string;
  cwd: string;
  /** When the fake started and ended (ms since the epoch). */
  start: number;
  end: number;
  /** The exit code; null when the fake died of a signal. */
  code: number | null;
  /** The signals it received. */
  signals: string[];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  calls: Call[];
}

export class DriverHarness {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-driver-"));
  readonly logFile = path.join(this.dir, "calls.jsonl");
  private handler: ((signal: string, reachesChildren: boolean) => void) | undefined;

  constructor(scenario: unknown) {
    fs.writeFileSync(path.join(this.dir, "scenario.json"), JSON.stringify(scenario));
  }

  /** The variables the fake reads: its scenario, call log and state directory. */
  fakeEnv(): Record<string, string> {
    return {
      FAKE_PULUMI_LOG: this.logFile,
      FAKE_PULUMI_SCENARIO: path.join(this.dir, "scenario.json"),
      FAKE_PULUMI_STATE: this.dir,
    };
  }

  /** Runs the driver; `repoRoot` is the Pulumi project directory (the real repository by default). */
  async run(
    argv: string[],
    o: {
      env?: Record<string, string | undefined>;
      repoRoot?: string;
      cwd?: string;
      /** How long a forced stop waits for Pulumi (the driver's default otherwise). */
      forcedWaitMs?: number;
    } = {},
  ): Promise<RunResult> {
    fs.rmSync(this.logFile, { force: true });
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runDriver(
      argv,
      {
        stdout: (t) => stdout.push(t),
        stderr: (t) => stderr.push(t),
        // The fake's variables go with its root; this process's environment stays as it was.
        env: {
          [PULUMI_ROOT_ENV]: fakeRoot(this.dir, this.fakeEnv()),
          PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
          ...o.env,
        },
        cwd: o.cwd ?? this.dir,
        onSignal: (handler) => {
          this.handler = handler;
          return () => (this.handler = undefined);
        },
        ...(o.forcedWaitMs !== undefined ? { forcedWaitMs: o.forcedWaitMs } : {}),
      },
      o.repoRoot ?? REPO_ROOT,
    );
    return { code, stdout: stdout.join(""), stderr: stderr.join(""), calls: this.calls() };
  }

  /** Sends a cancellation signal to the running driver as a CI runner would (Pulumi does not get it). */
  signal(name = "SIGINT"): void {
    if (this.handler === undefined) throw new Error("the driver is not listening for signals");
    this.handler(name, false);
  }

  /** Waits until the fake started `command` on `stack` (its marker file). */
  async started(command: string, stack: string, timeoutMs = 10000): Promise<void> {
    const marker = path.join(this.dir, `fake-started-${command}-${stack}`);
    const until = Date.now() + timeoutMs;
    while (!fs.existsSync(marker)) {
      if (Date.now() > until) throw new Error(`the fake never started ${command} on ${stack}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits until the fake logged a call of `command` (it ends after the driver returned). */
  async ended(command: string, timeoutMs = 10000): Promise<Call[]> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const done = this.calls().filter((c) => c.args[0] === command);
      if (done.length > 0) return done;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the fake never ended ${command}`);
  }

  calls(): Call[] {
    if (!fs.existsSync(this.logFile)) return [];
    return fs
      .readFileSync(this.logFile, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Call);
  }

  report(file = "report.json"): Report {
    return JSON.parse(fs.readFileSync(path.join(this.dir, file), "utf8")) as Report;
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The calls of one CLI command (`preview`, `up`, `refresh`, `destroy`) on a stack, previews included. */
export function commandCalls(calls: readonly Call[], command: string, stack?: string): Call[] {
  return calls.filter(
    (c) => c.args[0] === command && (stack === undefined || c.args[c.args.indexOf("--stack") + 1] === stack),
  );
}

/** A call's flags without the Automation API's volatile ones (the event log, the pack config's path). */
export function flagsOf(call: Call): string[] {
  const out: string[] = [];
  for (let i = 0; i < call.args.length; i++) {
    const a = call.args[i];
    if (a === "--event-log") i++;
    else if (a === "--policy-pack-config") out.push(a, `<${path.basename(call.args[++i])}>`);
    else out.push(a);
  }
  return out;
}

/** Every file under `dir` (relative path → content), to show that a run wrote nothing there. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}
