// Error classification, as pure functions: an error thrown by the Automation API (or the driver)
// → a kind, a one-line message taken from the CLI's own "error:" lines, and a hint that says what
// to do. Callers redact secrets from the result before printing it.

export type ErrorKind =
  | "cli-missing"
  | "cli-version"
  | "not-logged-in"
  | "missing-stack"
  | "concurrent-update"
  | "passphrase"
  | "cancelled"
  | "failed";

export interface ClassifiedError {
  kind: ErrorKind;
  message: string;
  hint?: string;
}

export const INSTALL_HINT =
  "install the Pulumi CLI: curl -fsSL https://get.pulumi.com | sh (or see https://www.pulumi.com/docs/install/), " +
  "then make sure `pulumi` is on PATH";

interface CommandResultLike {
  stdout?: unknown;
  stderr?: unknown;
  code?: unknown;
  err?: { code?: unknown; stderr?: unknown; message?: unknown } | undefined;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** The CLI's stderr of a CommandError (execa's own stderr when present: it excludes the argv). */
export function commandStderr(error: unknown): string {
  if (error === null || typeof error !== "object") return "";
  const result = (error as { commandResult?: CommandResultLike }).commandResult;
  if (result === undefined) return "";
  const inner = text(result.err?.stderr);
  return inner !== "" ? inner : text(result.stderr);
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
  /\[401\]/,
  /invalid access token/i,
  /getting user info/i,
];

/** Classifies an error. `stack` names the stack in the message when known. */
export function classifyError(error: unknown, stack?: string): ClassifiedError {
  const name = errorName(error);
  const stderr = commandStderr(error);
  const all = `${stderr}\n${errorMessage(error)}`;
  const on = stack !== undefined ? ` (stack ${stack})` : "";
  const result = (error as { commandResult?: CommandResultLike } | null)?.commandResult;
  const spawnCode = result?.err?.code;

  if (spawnCode === "ENOENT" || /spawn \S*pulumi ENOENT/.test(all)) {
    return { kind: "cli-missing", message: "the Pulumi CLI was not found", hint: INSTALL_HINT };
  }
  if (
    /Minimum version requirement failed|Major version mismatch|Failed to parse Pulumi CLI version/.test(all)
  ) {
    const line = all.split("\n").find((l) => /version/i.test(l)) ?? "unsupported Pulumi CLI version";
    return { kind: "cli-version", message: line.trim(), hint: INSTALL_HINT };
  }
  if (name === "CancelledError" || /update canceled|update cancelled|operation cancell?ed/i.test(stderr)) {
    return { kind: "cancelled", message: `cancelled${on}` };
  }
  if (name === "ConcurrentUpdateError") {
    return {
      kind: "concurrent-update",
      message: `another update is running on the stack${on}: ${firstUseful(stderr, "the stack is locked")}`,
      hint:
        "wait for the other update to finish and re-run; if no update is running (a crashed job left " +
        "the lock), clear it with `pulumi cancel --stack <stack>`",
    };
  }
  if (name === "StackNotFoundError") {
    return {
      kind: "missing-stack",
      message: `stack ${stack ?? ""} does not exist in this backend`.replace("  ", " "),
      hint: "create it with `up` (or `preview`), or check --backend / PULUMI_BACKEND_URL and the stack name",
    };
  }
  if (NOT_LOGGED_IN.some((re) => re.test(stderr))) {
    return {
      kind: "not-logged-in",
      message: `not logged in to a Pulumi backend: ${firstUseful(stderr, "no credentials")}`,
      hint:
        "set PULUMI_ACCESS_TOKEN (Pulumi Cloud) or choose a self-managed backend with --backend URL / " +
        "PULUMI_BACKEND_URL, or use --local for a state directory on this machine",
    };
  }
  if (/passphrase must be set|incorrect passphrase|PULUMI_CONFIG_PASSPHRASE/.test(stderr)) {
    return {
      kind: "passphrase",
      message: `the stack's secrets need a passphrase${on}: ${firstUseful(stderr, "passphrase missing or wrong")}`,
      hint: "set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE (the one the stack was created with)",
    };
  }
  const message = result !== undefined ? firstUseful(stderr, errorMessage(error)) : errorMessage(error);
  return { kind: "failed", message };
}

/** Thrown by the driver when a signal cancelled an operation. */
export class CancelledError extends Error {
  constructor(message = "cancelled") {
    super(message);
    this.name = "CancelledError";
  }
}
