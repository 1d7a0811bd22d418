// Runs the fake `pulumi` (tests/fixtures/fake-pulumi) once, as the Automation API would, and reads
// back its exit code, output and the engine events it wrote.

import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EngineEvent } from "./engine-events";

export const FAKE = path.join(__dirname, "..", "fixtures", "fake-pulumi", "bin", "pulumi");

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  events: EngineEvent[];
}

/** Runs the fake once with this scenario; `signals` are sent (50 ms apart) once the operation started. */
export async function fake(scenario: object, args: string[], signals: NodeJS.Signals[] = []): Promise<Ran> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-fake-"));
  try {
    fs.writeFileSync(path.join(dir, "scenario.json"), JSON.stringify(scenario));
    const log = path.join(dir, "events.jsonl");
    const isOp = ["preview", "up", "refresh", "destroy"].includes(args[0]);
    const argv = isOp ? [...args, "--event-log", log] : args;
    const child = spawn(process.execPath, [FAKE, ...argv], {
      env: { ...process.env, FAKE_PULUMI_SCENARIO: path.join(dir, "scenario.json"), FAKE_PULUMI_STATE: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    if (signals.length > 0) {
      const stack = args[args.indexOf("--stack") + 1];
      const marker = path.join(dir, `fake-started-${args[0]}-${stack}`);
      const until = Date.now() + 10000;
      while (!fs.existsSync(marker) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      for (const s of signals) {
        child.kill(s);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const code = await done;
    const events = fs.existsSync(log)
      ? fs
          .readFileSync(log, "utf8")
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => JSON.parse(l) as EngineEvent)
      : [];
    return { code, stdout, stderr, events };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Each event as its payload's name, steps as "pre:<op>:<name>" / "out:<op>:<name>", diagnostics by text. */
export function kinds(events: readonly EngineEvent[]): string[] {
  return events.map((e) => {
    if (e.resourcePreEvent)
      return `pre:${e.resourcePreEvent.metadata.op}:${e.resourcePreEvent.metadata.urn.split("::").pop()}`;
    if (e.resOutputsEvent)
      return `out:${e.resOutputsEvent.metadata.op}:${e.resOutputsEvent.metadata.urn.split("::").pop()}`;
    if (e.resOpFailedEvent) return `failed:${e.resOpFailedEvent.metadata.urn.split("::").pop()}`;
    if (e.diagnosticEvent)
      return `diag:${e.diagnosticEvent.message.replace(/<\{%[^%]*%\}>/g, "").split("\n")[0]}`;
    if (e.policyEvent) return `policy:${e.policyEvent.enforcementLevel}:${e.policyEvent.policyName}`;
    const [key] = Object.keys(e).filter((k) => k !== "sequence" && k !== "timestamp");
    return key;
  });
}
