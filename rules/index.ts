/**
 * The platform's security rules as plain functions: cluster rules per cloud and workload rules
 * (../shared/reference.md). `evaluate()` applies them to a set of registered resources.
 */
import { CLUSTER_RULES } from "./cluster";
import { ResourceUnderTest, Rule, RuleContext, Violation, runRules } from "./types";
import { WORKLOAD_RULES } from "./workload";

export * from "./types";
export { CLUSTER_RESOURCE_RULES, CLUSTER_RULES, CLUSTER_STACK_RULES } from "./cluster";
export { WORKLOAD_RESOURCE_RULES, WORKLOAD_RULES, WORKLOAD_STACK_RULES, podTemplateOf } from "./workload";

/** Every rule: cluster rules first, then workload rules. Ids are unique. */
export const ALL_RULES: readonly Rule[] = [...CLUSTER_RULES, ...WORKLOAD_RULES];

/** Applies `rules` (default: all) to `resources`, minus waived rules and rules of other profiles. */
export function evaluate(
  resources: ResourceUnderTest[],
  ctx: RuleContext,
  rules: readonly Rule[] = ALL_RULES,
): Violation[] {
  return runRules(resources, ctx, rules);
}
