// The driver's second signal (a forced stop), the I/O part: the Pulumi CLI processes this process
// started are found and sent the signal themselves, so that each one takes the CLI's own path for a
// second interrupt. The Automation API sends a single SIGINT on abort and nothing more
// (node_modules/@pulumi/pulumi/automation/cmd.js exec: `proc.kill("SIGINT")`), and it does not
// expose the child process, so the children are found by their parent pid (Linux /proc; elsewhere
// none are found and the driver only waits).
//
// What the CLI does on a second signal (pulumi/pulumi pkg/backend/cancellation_scope.go: the second
// one terminates; pkg/cmd/pulumi/operations/{up,destroy,refresh}.go: "<op> cancelled", exit 8): it
// stops without waiting for the operations in flight, writes the state and releases the stack's
// lock. `pulumi cancel` is not that: on a DIY backend (s3://, gs://, azblob://, file://) it deletes
// the stack's lock files (pkg/backend/diy/backend.go CancelCurrentUpdate) even while the CLI that
// holds the lock is still writing the state, so the driver never runs it for a CLI that lives.

import * as fs from "fs";
import * as path from "path";

/** How long a forced stop waits for the Pulumi CLI processes to end before the driver exits. */
export const FORCED_WAIT_MS = 30_000;

/** A running Pulumi CLI process: its pid and the stack it works on (`--stack`), if any. */
export interface CliProcess {
  pid: number;
  stack?: string;
}

/** The parent pid of a /proc/<pid>/stat line (its command name may hold spaces and parentheses). */
export function parentOf(stat: string): number | undefined {
  const close = stat.lastIndexOf(")");
  if (close < 0) return undefined;
  // After "<pid> (<comm>) ": the state, then the parent pid (proc(5)).
  const ppid = Number(stat.slice(close + 2).split(" ")[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/**
 * Whether a process's argv runs `command`: as the program (`pulumi up …`) or as the script of an
 * interpreter (`node /path/bin/pulumi up …`, a `#!` CLI).
 */
export function runsCommand(argv: readonly string[], command: string): boolean {
  const name = path.basename(command);
  return argv.slice(0, 2).some((a) => a === command || path.basename(a) === name);
}

/** The children of `parent` that run `command` (none where there is no /proc). */
export function cliChildren(command: string, parent: number = process.pid, proc = "/proc"): CliProcess[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(proc);
  } catch {
    return [];
  }
  const out: CliProcess[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (parentOf(fs.readFileSync(path.join(proc, entry, "stat"), "utf8")) !== parent) continue;
      const argv = fs
        .readFileSync(path.join(proc, entry, "cmdline"), "utf8")
        .split("\0")
        .filter((a) => a !== "");
      if (!runsCommand(argv, command)) continue;
      const at = argv.indexOf("--stack");
      out.push({ pid: Number(entry), ...(at >= 0 && at + 1 < argv.length ? { stack: argv[at + 1] } : {}) });
    } catch {
      // The process ended meanwhile.
    }
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** Sends `signal` to each process; returns those that got it (one that already ended did not). */
export function sendSignal(processes: readonly CliProcess[], signal: string): CliProcess[] {
  return processes.filter((p) => {
    try {
      process.kill(p.pid, signal as NodeJS.Signals);
      return true;
    } catch {
      return false;
    }
  });
}
