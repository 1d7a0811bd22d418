/** The config tests' shared probes: the problems `parseConfig` reports for a raw stack config. */
import * as assert from "assert";
import { ConfigContext, ConfigError, parseConfig } from "../../stacks/config";

/** Every problem of `raw` (one line each), `[]` when it parses. Anything but a ConfigError fails. */
export function problemsOf(raw: Record<string, unknown>, ctx: ConfigContext): string[] {
  try {
    parseConfig(raw, ctx);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
  return [];
}

/** `raw` has exactly one problem, and it matches every pattern. */
export function oneProblem(raw: Record<string, unknown>, ctx: ConfigContext, ...patterns: RegExp[]): void {
  const problems = problemsOf(raw, ctx);
  assert.equal(problems.length, 1, `expected exactly one problem, got:\n${problems.join("\n")}`);
  for (const p of patterns) assert.match(problems[0], p);
}
