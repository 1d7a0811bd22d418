// Error classification, as pure functions: an error thrown by the Automation API (or the driver)
// → a kind, the driver's exit code for it, a one-line message taken from the CLI's own "error:"
// lines, and a hint that says what to do. Callers redact secrets from the result before printing it.
//
// The CLI's exit code decides first where it is distinct (pulumi/pulumi pkg/cmd/pulumi/cmd/
// exit_codes.go ExitCodeFor, since v3.226.0): 2 usage, 3 authentication, 5 policy, 6 stack not
// found, 7 changes where none were expected, 8 cancelled, 9 timeout. 1 is the CLI's generic code
// and its bail path: the engine already reported the failure in its events and nothing is printed
// on stderr (pkg/cmd/pulumi/cmd/cmd.go processCmdErrors), so `withEngineEvidence` completes those
// from the events. Older CLIs exit 255 for everything; the text decides for them.

import { EXIT } from "./exit-codes";
import { splitPolicyMessage, type PolicyViolation } from "./progress";

export type ErrorKind =
  | "cli-missing"
  | "cli-version"
  | "not-logged-in"
  | "missing-stack"
  | "concurrent-update"
  | "passphrase"
  | "cancelled"
  | "policy"
  | "unexpected-changes"
  | "timeout"
  | "usage"
  | "failed";

export interface ClassifiedError {
  kind: ErrorKind;
  message: string;
  hint?: string;
  /** The driver's exit code for this error (automation/exit-codes.ts EXIT; KIND_EXIT[kind]). */
  exitCode?: number;
}

/** The driver's exit code for each kind of error. */
export const KIND_EXIT: Readonly<Record<ErrorKind, number>> = {
  "cli-missing": EXIT.setup,
  "cli-version": EXIT.setup,
  "not-logged-in": EXIT.auth,
  "missing-stack": EXIT.stackNotFound,
  "concurrent-update": EXIT.failed,
  passphrase: EXIT.usage,
  cancelled: EXIT.cancelled,
  policy: EXIT.policy,
  "unexpected-changes": EXIT.changes,
  timeout: EXIT.timeout,
  usage: EXIT.usage,
  failed: EXIT.failed,
};

/** The kind of each distinct CLI exit code (exit_codes.go); 1 and 255 are decided by the text. */
export const CLI_EXIT_KIND: Readonly<Record<number, ErrorKind>> = {
  2: "usage",
  3: "not-logged-in",
  4: "failed",
  5: "policy",
  6: "missing-stack",
  7: "unexpected-changes",
  8: "cancelled",
  9: "timeout",
};

export const INSTALL_HINT =
  "install the Pulumi CLI: curl -fsSL https://get.pulumi.com | sh (or see https://www.pulumi.com/docs/install/), " +
  "then make sure `pulumi` is on PATH";

const LOGIN_HINT =
  "set PULUMI_ACCESS_TOKEN (Pulumi Cloud) or choose a self-managed backend with --backend URL / " +
  "PULUMI_BACKEND_URL, or use --local for a state directory on this machine";

interface CommandResultLike {
  stdout?: unknown;
  stderr?: unknown;
  code?: unknown;
  err?: { code?: unknown; exitCode?: unknown; stderr?: unknown; message?: unknown } | undefined;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function commandResult(error: unknown): CommandResultLike | undefined {
  if (error === null || typeof error !== "object") return undefined;
  return (error as { commandResult?: CommandResultLike }).commandResult;
}

/**
 * The CLI's stderr of a CommandError. The SDK runs the CLI with execa, which rejects on a non-zero
 * exit; the SDK then wraps execa's error as `err` with `stderr` = execa's message ("Command failed
 * with exit code N: <argv>" + stderr + stdout) (node_modules/@pulumi/pulumi/automation/cmd.js exec).
 * execa's own `stderr` is the CLI's stderr alone, empty on the bail path: it is used whenever present.
 */
export function commandStderr(error: unknown): string {
  const result = commandResult(error);
  if (result === undefined) return "";
  if (result.err !== undefined && typeof result.err.stderr === "string") return result.err.stderr;
  return text(result.stderr);
}

/** The CLI's exit code of a CommandError (execa's `exitCode`; the SDK's own `code` is -2 then). */
export function cliExitCode(error: unknown): number | undefined {
  const result = commandResult(error);
  if (result === undefined) return undefined;
  if (typeof result.err?.exitCode === "number") return result.err.exitCode;
  return typeof result.code === "number" && result.code >= 0 ? result.code : undefined;
}

/** The signal that killed the CLI of a CommandError (execa's `signal`), if it did not exit by itself. */
export function cliSignal(error: unknown): string | undefined {
  const signal = (commandResult(error)?.err as { signal?: unknown } | undefined)?.signal;
  return typeof signal === "string" && signal !== "" ? signal : undefined;
}

function errorName(error: unknown): string {
  return error !== null && typeof error === "object" ? text((error as { name?: unknown }).name) : "";
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : String(error);
}

/**
 * The CLI's `error:` lines (with their indented continuation lines), without the CLI's
 * "Command failed with exit code N: pulumi ..." preamble, which repeats the whole argv.
 */
export function cliErrorLines(stderr: string): string[] {
  const out: string[] = [];
  let inError = false;
  for (const raw of stderr.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, "");
    if (/^\s*error: /.test(line)) {
      out.push(line.trim());
      inError = true;
    } else if (inError && /^\s+\S/.test(line) && !/^\s*(stdout|stderr|err\?):/.test(line)) {
      out.push(line.trim());
    } else {
      inError = false;
    }
  }
  return [...new Set(out)];
}

/** The message of a CLI that failed without printing anything (its bail path). */
export function silentFailure(code: number | undefined): string {
  return `the Pulumi CLI exited with code ${code ?? "unknown"} without an error message`;
}
const SILENT = /^the Pulumi CLI exited with code \S+ without an error message$/;

function firstUseful(stderr: string, fallback: string): string {
  const lines = cliErrorLines(stderr);
  if (lines.length > 0) return lines.join("\n");
  const plain = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(
      (l) => l !== "" && !l.startsWith("Command failed with") && !/^(code|stdout|stderr|err\?):/.test(l),
    );
  return plain.length > 0 ? plain.slice(-5).join("\n") : fallback;
}

const NOT_LOGGED_IN = [
  /PULUMI_ACCESS_TOKEN must be set for login/i,
  /not logged in/i,
  /requires logging in/i,
  /\[401\]/,
  /invalid access token/i,
  /getting user info/i,
];
// backenderr.CancelledError "<op> cancelled" (exit 8) and the engine's "update canceled".
const CANCELLED_TEXT = /\b(update|destroy|refresh|import|preview|operation) cancell?ed\b/i;
// backenderr.NoChangesExpectedError (exit 7).
const NO_CHANGES_TEXT = /no changes were expected/i;

function classified(kind: ErrorKind, message: string, hint?: string): ClassifiedError {
  return { kind, message, ...(hint !== undefined ? { hint } : {}), exitCode: KIND_EXIT[kind] };
}

/**
 * The kinds the CLI's exit code decides, with their messages; `byText`: the CLI's codes are not
 * distinct (255, before v3.226.0), so its wording decides instead.
 */
function byCodeOrText(
  kind: ErrorKind | undefined,
  byText: boolean,
  stderr: string,
  on: string,
): ClassifiedError | undefined {
  const cli = firstUseful(stderr, "");
  const said = cli !== "" ? `: ${cli}` : "";
  if (kind === "cancelled" || (byText && CANCELLED_TEXT.test(cliErrorLines(stderr).join("\n")))) {
    return classified("cancelled", `cancelled${on}${said}`);
  }
  if (kind === "unexpected-changes" || (byText && NO_CHANGES_TEXT.test(stderr))) {
    return classified(
      "unexpected-changes",
      `changes where none were expected${on}${said}`,
      "the stack differs from what it should be: review the changes with `preview` (or `drift`)",
    );
  }
  // Some authentication failures still exit 1 (an invalid token's [401]: ExitCodeFor maps only
  // backenderr.IsAuthError), so the wording counts on every CLI.
  if (kind === "not-logged-in" || (kind === undefined && NOT_LOGGED_IN.some((re) => re.test(stderr)))) {
    return classified(
      "not-logged-in",
      `not logged in to a Pulumi backend: ${cli || "no credentials"}`,
      LOGIN_HINT,
    );
  }
  if (kind === "policy") return classified("policy", `a mandatory policy is violated${on}${said}`);
  if (kind === "timeout") return classified("timeout", `timed out${on}${said}`);
  if (kind === "usage") return classified("usage", `the Pulumi CLI refused the command${on}${said}`);
  return undefined;
}

/** Lines compared without the CLI's "error: " prefix, so the engine's and the CLI's copies meet. */
function sameLine(line: string): string {
  return line.trim().replace(/^error: /, "");
}

/**
 * The CLI's stderr without the lines that copy the engine's error diagnostics: with --diff the CLI
 * prints every diagnostic on stderr too (pulumi/pulumi pkg/engine/lifecycletest testdata
 * diff.stderr.txt), and a provider's error that mentions "[401]" or PULUMI_CONFIG_PASSPHRASE is
 * still the provider's, not the CLI's own login or passphrase failure.
 */
export function withoutEngineCopies(stderr: string, engineErrors: readonly string[]): string {
  if (engineErrors.length === 0) return stderr;
  const copies = new Set(engineErrors.flatMap((e) => e.split("\n")).map(sameLine));
  return stderr
    .split(/\r?\n/)
    .filter((l) => !copies.has(sameLine(l)))
    .join("\n");
}

/** Where each classification came from, so that withEngineEvidence can re-read it with the events. */
const ORIGIN = new WeakMap<ClassifiedError, { error: unknown; stack?: string }>();

/**
 * Classifies an error. `stack` names the stack in the message when known; `engineErrors`: the
 * engine's error diagnostics of the operation, whose copies on stderr are not the CLI's own words.
 */
export function classifyError(
  error: unknown,
  stack?: string,
  engineErrors: readonly string[] = [],
): ClassifiedError {
  const c = classifyRaw(error, stack, engineErrors);
  ORIGIN.set(c, { error, ...(stack !== undefined ? { stack } : {}) });
  return c;
}

function classifyRaw(
  error: unknown,
  stack: string | undefined,
  engineErrors: readonly string[],
): ClassifiedError {
  const name = errorName(error);
  const stderr = withoutEngineCopies(commandStderr(error), engineErrors);
  const all = `${stderr}\n${errorMessage(error)}`;
  const on = stack !== undefined ? ` (stack ${stack})` : "";
  const result = commandResult(error);
  const code = cliExitCode(error);

  if (result?.err?.code === "ENOENT" || /spawn \S*pulumi ENOENT/.test(all)) {
    return classified("cli-missing", "the Pulumi CLI was not found", INSTALL_HINT);
  }
  if (
    /Minimum version requirement failed|Major version mismatch|Failed to parse Pulumi CLI version/.test(all)
  ) {
    const line = all.split("\n").find((l) => /version/i.test(l)) ?? "unsupported Pulumi CLI version";
    return classified("cli-version", line.trim(), INSTALL_HINT);
  }
  if (name === "CancelledError") return classified("cancelled", `cancelled${on}`);
  if (code === 6 || name === "StackNotFoundError") {
    return classified(
      "missing-stack",
      `stack ${stack ?? ""} does not exist in this backend`.replace("  ", " "),
      "create it with `up` (or `preview`), or check --backend / PULUMI_BACKEND_URL and the stack name",
    );
  }
  const byText = code === undefined || code === 255;
  const byCli = byCodeOrText(code !== undefined ? CLI_EXIT_KIND[code] : undefined, byText, stderr, on);
  if (byCli !== undefined && byCli.kind !== "failed") return byCli;
  if (name === "ConcurrentUpdateError") {
    return classified(
      "concurrent-update",
      `another update is running on the stack${on}: ${firstUseful(stderr, "the stack is locked")}`,
      "wait for the other update to finish and re-run; if no update is running (a crashed job left " +
        "the lock), clear it with `pulumi cancel --stack <stack>`",
    );
  }
  if (/passphrase must be set|incorrect passphrase|PULUMI_CONFIG_PASSPHRASE/.test(stderr)) {
    return classified(
      "passphrase",
      `the stack's secrets need a passphrase${on}: ${firstUseful(stderr, "passphrase missing or wrong")}`,
      "set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE (the one the stack was created with)",
    );
  }
  if (result === undefined) return classified("failed", errorMessage(error));
  return classified("failed", firstUseful(stderr, silentFailure(code)));
}

/** What a failed operation's engine events said (a ProgressTracker's findings). */
export interface EngineEvidence {
  /** The error diagnostics, in order. */
  errors: readonly string[];
  policyViolations: readonly PolicyViolation[];
  /** The engine reported that it cancelled the operation. */
  cancelled: boolean;
}

/**
 * A failure's text: the engine's error diagnostics, then the mandatory policy violations, then the
 * CLI's own lines that say something new; no line twice (the --diff display repeats every
 * diagnostic on stderr), and no "exited without an error message" when the engine said why.
 */
export function failureText(evidence: EngineEvidence, cliMessage: string): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  const add = (line: string): void => {
    const key = sameLine(line);
    if (key === "" || seen.has(key)) return;
    seen.add(key);
    lines.push(line);
  };
  for (const e of evidence.errors) for (const l of e.split("\n")) add(l);
  for (const v of evidence.policyViolations) {
    if (v.enforcementLevel !== "mandatory") continue;
    const where = v.urn !== undefined ? ` ${v.urn.slice(v.urn.lastIndexOf("::") + 2)}:` : "";
    const { finding, description } = splitPolicyMessage(v.message);
    const about = description !== undefined ? ` (${description})` : "";
    add(`policy mandatory ${v.policyPack}/${v.policyName}:${where} ${finding.split("\n").join(" ")}${about}`);
  }
  const said = lines.length > 0;
  for (const l of cliMessage.split("\n")) if (!(said && SILENT.test(l))) add(l);
  return lines.join("\n");
}

/**
 * A failed operation's classified error, completed with what the engine reported: the text of
 * failureText, and the kind of a run the CLI only exits 1 for (its bail path) but the events
 * explain: the engine cancelled it ("update canceled"), or a mandatory policy stopped it. An error
 * from classifyError is first classified again without the stderr lines that copy the engine's
 * diagnostics (withoutEngineCopies).
 */
export function withEngineEvidence(given: ClassifiedError, evidence: EngineEvidence): ClassifiedError {
  // Read the CLI's stderr again without the engine's copies of its diagnostics (--diff).
  const origin = ORIGIN.get(given);
  const error =
    origin !== undefined && evidence.errors.length > 0
      ? classifyRaw(origin.error, origin.stack, evidence.errors)
      : given;
  const message = failureText(evidence, error.message);
  if (error.kind !== "failed") return { ...error, message };
  if (evidence.policyViolations.some((v) => v.enforcementLevel === "mandatory")) {
    return { ...error, kind: "policy", message, exitCode: KIND_EXIT.policy };
  }
  if (evidence.cancelled) {
    return {
      ...error,
      kind: "cancelled",
      message: failureText(evidence, "cancelled"),
      exitCode: KIND_EXIT.cancelled,
    };
  }
  return { ...error, message };
}

/** Thrown by the driver when a signal cancelled an operation. */
export class CancelledError extends Error {
  constructor(message = "cancelled") {
    super(message);
    this.name = "CancelledError";
  }
}
