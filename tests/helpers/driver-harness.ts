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

export interface Call {
  args: string[];
  env: string[];
  backendUrl?: string;
  cwd: string;
  code: number;
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

  constructor(scenario: unknown) {
    fs.writeFileSync(path.join(this.dir, "scenario.json"), JSON.stringify(scenario));
  }

  /** Runs the driver; `repoRoot` is the Pulumi project directory (the real repository by default). */
  async run(
    argv: string[],
    o: { env?: Record<string, string | undefined>; repoRoot?: string; cwd?: string } = {},
  ): Promise<RunResult> {
    Object.assign(process.env, {
      FAKE_PULUMI_LOG: this.logFile,
      FAKE_PULUMI_SCENARIO: path.join(this.dir, "scenario.json"),
      FAKE_PULUMI_STATE: this.dir,
    });
    fs.rmSync(this.logFile, { force: true });
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runDriver(
      argv,
      {
        stdout: (t) => stdout.push(t),
        stderr: (t) => stderr.push(t),
        env: { [PULUMI_ROOT_ENV]: FAKE_ROOT, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ...o.env },
        cwd: o.cwd ?? this.dir,
        onSignal: () => () => undefined,
      },
      o.repoRoot ?? REPO_ROOT,
    );
    return { code, stdout: stdout.join(""), stderr: stderr.join(""), calls: this.calls() };
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
