// The one table of exit codes of this repository's commands: the pipeline driver (`npm run
// platform`), the quick start (`npm run local`) and the offline preflight (`npm run preflight`).
// Where the meaning is the same, the code is the Pulumi CLI's own (its exit code taxonomy,
// pkg/cmd/pulumi/cmd/exit_codes.go in pulumi/pulumi: "part of the contract for automation", stable
// once released); the codes only this repository gives start at 20, outside Pulumi's range.

export const EXIT = {
  /** Everything succeeded (Pulumi: ExitSuccess). */
  success: 0,
  /** An operation failed: the update, a resource, the program (Pulumi: ExitCodeError). */
  failed: 1,
  /** Bad flags or arguments, invalid stack config, a required setting missing (Pulumi: ExitConfigurationError). */
  usage: 2,
  /** Not logged in to the backend, bad or expired credentials (Pulumi: ExitAuthenticationError). */
  auth: 3,
  /** A mandatory policy or rule is violated (Pulumi: ExitPolicyViolation). */
  policy: 5,
  /** The stack does not exist in the backend (Pulumi: ExitStackNotFound). */
  stackNotFound: 6,
  /** Changes where none were expected: --expect-no-changes, drift found (Pulumi: ExitNoChanges). */
  changes: 7,
  /** Cancelled by a signal or `pulumi cancel` (Pulumi: ExitCancelled). */
  cancelled: 8,
  /** An operation ran out of time (Pulumi: ExitTimeout). */
  timeout: 9,
  /** The promotion gate refused to replace or delete protected resources (this repository's). */
  refused: 20,
  /** This machine is not ready: no or an unsupported Pulumi CLI, kind or Docker missing (this repository's). */
  setup: 21,
  /** A bug in this program, not an operation failure (Pulumi: ExitInternalError). */
  internal: 255,
} as const;

export type ExitName = keyof typeof EXIT;
export type ExitCode = (typeof EXIT)[ExitName];

/**
 * When several stacks (or checks) end differently, the first of this list that occurred is the
 * command's exit code: a bug or a cancellation hides nothing more important, a failure outranks a
 * refusal, and "changes found" only shows when nothing went wrong.
 */
export const SEVERITY: readonly ExitName[] = [
  "internal",
  "cancelled",
  "failed",
  "timeout",
  "auth",
  "stackNotFound",
  "usage",
  "setup",
  "policy",
  "refused",
  "changes",
  "success",
];

/** The most severe of the given exit codes (success for none). Codes outside the table rank as `failed`. */
export function mostSevere(codes: readonly number[]): number {
  const rank = (code: number): number => {
    const name = (Object.keys(EXIT) as ExitName[]).find((n) => EXIT[n] === code) ?? "failed";
    return SEVERITY.indexOf(name);
  };
  let worst: number = EXIT.success;
  for (const code of codes) if (rank(code) < rank(worst)) worst = code;
  return worst;
}

/** What each code means, for `--help` texts and docs (tests keep docs/pipelines.md in step). */
export const EXIT_MEANING: Readonly<Record<ExitName, string>> = {
  success: "success",
  failed: "an operation failed",
  usage: "bad usage or invalid configuration",
  auth: "not logged in to the Pulumi backend",
  policy: "a mandatory policy or rule is violated",
  stackNotFound: "the stack does not exist",
  changes: "changes where none were expected (--expect-no-changes, drift)",
  cancelled: "cancelled",
  timeout: "timed out",
  refused: "the promotion gate refused",
  setup: "this machine is not ready (Pulumi CLI, kind, Docker)",
  internal: "internal error (a bug)",
};
