// The tools `npm run local` (./local) runs on this machine: kind and the container runtime's CLI,
// their output captured or passed on, a missing tool told apart; and the check that an existing
// kind cluster maps the host ports of the shipped kind config.

import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { DriverIO } from "./driver";
import { KIND_NODE, type RunResult } from "./local-kind";

/** The shipped kind cluster config, relative to the repository. */
export const KIND_CONFIG = "examples/kind-cluster.yaml";

/** A tool the command needs is not on PATH (its name is the message). */
export class MissingTool extends Error {}

/** Runs a command; its stderr (and stdout unless captured) goes to `io.stderr` as it comes. */
export function run(io: DriverIO, cmd: string, args: string[], capture: boolean): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: io.env as NodeJS.ProcessEnv,
      cwd: io.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: string[] = [];
    const err: string[] = [];
    child.stdout.on("data", (d: Buffer) => (capture ? out.push(d.toString()) : io.stderr(d.toString())));
    child.stderr.on("data", (d: Buffer) => {
      err.push(d.toString());
      if (!capture) io.stderr(d.toString());
    });
    child.on("error", (e: NodeJS.ErrnoException) => reject(e.code === "ENOENT" ? new MissingTool(cmd) : e));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout: out.join(""), stderr: err.join("") }));
  });
}

/** Where to get each tool the command needs. */
export const INSTALL: Record<string, string> = {
  docker: "install Docker: https://docs.docker.com/get-docker/",
  kind: "install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation",
};

/** The host ports the shipped kind config maps: containerPort → "listenAddress:hostPort". */
function expectedPortMappings(repoRoot: string): Map<number, string> {
  const doc = parse(fs.readFileSync(path.join(repoRoot, KIND_CONFIG), "utf8")) as {
    nodes?: { extraPortMappings?: { containerPort: number; hostPort: number; listenAddress?: string }[] }[];
  };
  const mappings = (doc.nodes ?? []).flatMap((n) => n.extraPortMappings ?? []);
  return new Map(mappings.map((m) => [m.containerPort, `${m.listenAddress ?? "0.0.0.0"}:${m.hostPort}`]));
}

/** Warns when an existing cluster lacks the shipped port mappings (the ingress is then not on localhost). */
export async function checkPortMappings(
  io: DriverIO,
  runtime: string,
  repoRoot: string,
  log: (line: string) => void,
): Promise<void> {
  const ports = await run(io, runtime, ["port", KIND_NODE], true);
  const published = ports.stdout.split("\n").map((l) => l.trim());
  for (const [containerPort, host] of expectedPortMappings(repoRoot)) {
    if (!published.includes(`${containerPort}/tcp -> ${host}`)) {
      log(
        `warning: the cluster does not map ${host} to node port ${containerPort} (it was not created from ` +
          `${KIND_CONFIG}): the deploy completes, but the ingress is not reachable on localhost; ` +
          "npm run local -- destroy, then npm run local, recreates it",
      );
    }
  }
}
