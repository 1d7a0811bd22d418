/**
 * The platform's rules as plain functions: security rules (cluster rules per cloud and workload
 * rules, with the scanners' ids) and deployability rules (can the first `pulumi up` finish, does a
 * routine change survive). `evaluate()` applies them to a set of registered resources.
 * docs/security-rules.md lists ALL_RULES (`npm run docs:rules` regenerates it; a test fails when stale).
 */
import { CLUSTER_RULES } from "./cluster";
import { ClusterFacts, DEPLOYABILITY_RULES } from "./deployability";
import { ResourceUnderTest, Rule, RuleContext, Violation, runRules } from "./types";
import { WORKLOAD_RULES } from "./workload";

export * from "./types";
export { CLUSTER_RESOURCE_RULES, CLUSTER_RULES, CLUSTER_STACK_RULES } from "./cluster";
export { WORKLOAD_RESOURCE_RULES, WORKLOAD_RULES, WORKLOAD_STACK_RULES, podTemplateOf } from "./workload";
export * from "./deployability";
export { WEBHOOK_PORTS, chartName } from "./webhooks";
export { SERVICE_TYPE_VALUES, loadBalancerValues } from "./load-balancer-services";
export { type Waiver, splitWaived, waivedMessage, waiverOf } from "./waivers";

/** The security rules: cluster rules, then workload rules. */
export const SECURITY_RULES: readonly Rule[] = [...CLUSTER_RULES, ...WORKLOAD_RULES];

/** Every rule: the security rules, then the deployability rules. Ids are unique. */
export const ALL_RULES: readonly Rule[] = [...SECURITY_RULES, ...DEPLOYABILITY_RULES];

/** Applies `rules` (default: all) to `resources`, minus waived rules and rules of other profiles. */
export function evaluate(
  resources: ResourceUnderTest[],
  ctx: RuleContext & { cluster?: ClusterFacts },
  rules: readonly Rule[] = ALL_RULES,
): Violation[] {
  return runRules(resources, ctx, rules);
}
