// The per-stack results, the JSON report, the summary lines, the exit code and secret redaction,
// as pure functions. Exit codes come from the one table, ./exit-codes.

import type { OpMap, OutputMap } from "@pulumi/pulumi/automation";
import type { Command } from "./args";
import { driftSummary, type DriftEntry } from "./drift";
import type { ClassifiedError } from "./errors";
import { EXIT, mostSevere } from "./exit-codes";
import type { GateFinding } from "./gate";
import type { LeftBehind } from "./leftovers";
import type { PolicyViolation } from "./progress";

export type StackStatus = "succeeded" | "failed" | "refused" | "cancelled" | "skipped";

export interface ChangeCounts {
  created: number;
  updated: number;
  replaced: number;
  deleted: number;
  same: number;
  failed: number;
}

export type GateOutcome = "not-protected" | "passed" | "allowed" | "refused" | "would-refuse";

export interface GateReport {
  protected: boolean;
  reason: string;
  outcome: GateOutcome;
  findings: GateFinding[];
}

export interface StackReport {
  stack: string;
  status: StackStatus;
  /** This stack's exit code (./exit-codes); the command's is the most severe of them. */
  exitCode: number;
  /** The driver created the stack in this run. */
  stackCreated: boolean;
  /** Config keys set from --config/--secret (never their values). */
  configKeys: string[];
  changes: ChangeCounts;
  /** The engine's raw counts per operation. */
  resourceChanges: OpMap;
  durationSeconds: number;
  /** Non-secret outputs (up, refresh, outputs). */
  outputs?: Record<string, unknown>;
  /** Names of the outputs left out because they are secret. */
  secretOutputs?: string[];
  gate?: GateReport;
  /** What the policy packs (--policy-pack) reported, by policy name; mandatory ones fail the stack. */
  policyViolations: PolicyViolation[];
  /** drift: the resources that changed outside Pulumi (empty when none did). */
  drift?: DriftEntry[];
  /** destroy: what it left in the cloud or the cluster on purpose (retained volumes, …), ./leftovers. */
  leftBehind?: LeftBehind[];
  error?: ClassifiedError;
}

export interface Report {
  command: Command;
  status: "succeeded" | "changes" | "failed" | "policy-violation" | "refused" | "cancelled" | "setup-error";
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  /** The backend the CLI used (credentials and query string removed). */
  backend?: string;
  parallel: number;
  /** Per-stack results, in the order the stacks started. */
  stacks: StackReport[];
  /** A problem before any stack ran (setup error). */
  error?: ClassifiedError;
}

export function changeCounts(ops: OpMap | undefined, failed: number): ChangeCounts {
  const n = (v: number | undefined): number => v ?? 0;
  return {
    created: n(ops?.create) + n(ops?.import),
    updated: n(ops?.update),
    replaced: n(ops?.replace),
    deleted: n(ops?.delete),
    same: n(ops?.same),
    failed,
  };
}

/** Splits stack outputs into the non-secret values and the names of the secret ones. */
export function splitOutputs(outputs: OutputMap): {
  outputs: Record<string, unknown>;
  secretOutputs: string[];
} {
  const plain: Record<string, unknown> = {};
  const secret: string[] = [];
  for (const [name, output] of Object.entries(outputs)) {
    if (output.secret) secret.push(name);
    else plain[name] = output.value;
  }
  return { outputs: plain, secretOutputs: secret.sort() };
}

/** Whether a policy pack reported a mandatory violation (the engine then fails the operation). */
export function hasMandatoryViolation(s: Pick<StackReport, "policyViolations">): boolean {
  return s.policyViolations.some((v) => v.enforcementLevel === "mandatory");
}

/**
 * One stack's exit code: a failure as the CLI's code says (the classified error's), except that a
 * mandatory policy violation is EXIT.policy (the CLI exits 1 for it: pulumi/pulumi
 * pkg/cmd/pulumi/cmd/exit_codes.go ExitCodeFor has no policy case yet); drift found is EXIT.changes.
 * A stack the gate refused whose preview also reported a mandatory violation is EXIT.policy, the
 * more severe of the two (SEVERITY); its status stays "refused".
 */
export function stackExitCode(s: StackReport): number {
  switch (s.status) {
    case "cancelled":
    case "skipped":
      return EXIT.cancelled;
    case "refused":
      return mostSevere([EXIT.refused, hasMandatoryViolation(s) ? EXIT.policy : EXIT.refused]);
    case "failed":
      return hasMandatoryViolation(s) ? EXIT.policy : (s.error?.exitCode ?? EXIT.failed);
    case "succeeded":
      return (s.drift?.length ?? 0) > 0 ? EXIT.changes : EXIT.success;
  }
}

/** The command's exit code: the most severe of the stacks' (EXIT.cancelled after a signal). */
export function exitCodeFor(stacks: readonly StackReport[], cancelled: boolean): number {
  return mostSevere([...(cancelled ? [EXIT.cancelled] : []), ...stacks.map(stackExitCode)]);
}

export function overallStatus(exitCode: number): Report["status"] {
  switch (exitCode) {
    case EXIT.success:
      return "succeeded";
    case EXIT.changes:
      return "changes";
    case EXIT.policy:
      return "policy-violation";
    case EXIT.refused:
      return "refused";
    case EXIT.cancelled:
      return "cancelled";
    case EXIT.setup:
    case EXIT.auth:
      return "setup-error";
    default:
      return "failed";
  }
}

/** The final per-stack summary line. */
export function summaryLine(command: Command, s: StackReport): string {
  const c = s.changes;
  const took = `${s.durationSeconds.toFixed(1)}s`;
  let counts: string;
  if (command === "outputs") {
    const shown = Object.keys(s.outputs ?? {}).length;
    const hidden = s.secretOutputs?.length ?? 0;
    counts = `${shown} output${shown === 1 ? "" : "s"}${hidden > 0 ? ` (+${hidden} secret, not shown)` : ""}`;
  } else if (s.status === "refused") {
    const n = s.gate?.findings.length ?? 0;
    counts = `${n} protected resource${n === 1 ? "" : "s"} would be replaced or deleted (nothing applied)`;
  } else if (command === "drift") {
    counts = s.drift === undefined ? "not checked" : driftSummary(s.drift);
  } else if (command === "preview") {
    counts = `planned ${c.created} to create, ${c.updated} to update, ${c.replaced} to replace, ${c.deleted} to delete`;
  } else {
    counts = `${c.created} created, ${c.updated} updated, ${c.replaced} replaced, ${c.deleted} deleted, ${c.failed} failed`;
    const left = s.leftBehind?.length ?? 0;
    if (left > 0) counts += `; ${left} left behind (listed above)`;
  }
  const why = s.error !== undefined && s.status !== "refused" ? ` - ${s.error.message.split("\n")[0]}` : "";
  return `[${s.stack}] ${command} ${s.status} in ${took}: ${counts}${why}`;
}

/** A URL without credentials or query string (which may carry tokens). */
export function sanitizeUrl(url: string): string {
  return url.replace(/^([a-z0-9+.-]+:\/\/)[^@/]*@/i, "$1").replace(/\?.*$/, "");
}

/**
 * Values shorter than this are not redacted: masking every "x" or "1" in the output would garble
 * it (exit codes, words) while hiding nothing a 3-character secret could protect.
 */
export const MIN_REDACTED_LENGTH = 4;

/**
 * A function that replaces every given secret value with `[secret]` in a string. Longer values
 * are replaced first so a secret that contains another is not half-redacted.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const values = [
    ...new Set(secrets.filter((s): s is string => s !== undefined && s.length >= MIN_REDACTED_LENGTH)),
  ].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const v of values) out = out.split(v).join("[secret]");
    return out;
  };
}

/** Applies a redactor to every string (and key) in a JSON-like value. */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) out[redact(k)] = walk(inner);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
