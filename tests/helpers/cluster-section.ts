/**
 * The `cluster` section alone, through its schema (stacks/cluster): the problems as config words
 * them (paths relative to `cluster`), or the parsed section. Each call builds the schema again, so a
 * test sees the code it runs.
 */
import * as assert from "node:assert/strict";
import type { Profile } from "../../components/shared/profile";
import { clusterSchema } from "../../stacks/cluster";
import { formatIssues } from "../../stacks/validation";

/** Every problem of a `cluster` section, one line each (`[]` when it parses). */
export function sectionProblems(profile: Profile, cluster: Record<string, unknown>): string[] {
  const schema = clusterSchema(profile, "kp-test");
  const r = schema.safeParse(cluster);
  return r.success ? [] : formatIssues(r.error.issues, cluster, schema);
}

/** The parsed section (it must parse). */
export function parsedSection(profile: Profile, cluster: Record<string, unknown>): Record<string, unknown> {
  const problems = sectionProblems(profile, cluster);
  assert.deepEqual(problems, [], problems.join("\n"));
  return clusterSchema(profile, "kp-test").parse(cluster) as Record<string, unknown>;
}

/** The zod issue codes of a section's problems, in order (the cross-field checks add "custom" ones). */
export function sectionIssueCodes(profile: Profile, cluster: Record<string, unknown>): string[] {
  const r = clusterSchema(profile, "kp-test").safeParse(cluster);
  return r.success ? [] : r.error.issues.map((i) => i.code);
}
