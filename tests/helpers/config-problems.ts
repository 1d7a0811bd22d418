/** The config tests' shared probes: the problems `parseConfig` (or one schema) reports for raw config. */
import * as assert from "assert";
import type { z } from "zod";
import { ConfigContext, ConfigError, parseConfig } from "../../stacks/config";
import { formatIssues } from "../../stacks/validation";

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

/** The problem lines `schema` gives `data` as parseConfig prints them, `[]` when it parses. */
export function schemaLines(schema: z.ZodType, data: unknown): string[] {
  const r = schema.safeParse(data);
  return r.success ? [] : formatIssues(r.error.issues, data, schema);
}
