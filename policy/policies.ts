/**
 * The platform's rules (../rules) as CrossGuard policies. The rule logic lives in ../rules and is
 * shared with the offline preflight; this file only adapts Pulumi's policy arguments to it.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import {
  PROFILES,
  Profile,
  ResourceUnderTest,
  Rule,
  RuleContext,
  resourceLabel,
  ruleIsActive,
} from "../rules";

/** Configuration every policy accepts (`--policy-pack-config`): the stack's profile. */
export interface RuleConfig {
  profile: Profile;
}

export const CONFIG_SCHEMA = {
  properties: {
    profile: {
      type: "string" as const,
      enum: [...PROFILES],
      default: "prod",
      description: "The stack's profile: prod applies the prod-only rules (the strictest is the default).",
    },
  },
};

/** The policy's description: the rule's text with the scanner IDs it corresponds to. */
export function policyDescription(rule: Rule): string {
  return rule.scannerIds.length > 0
    ? `${rule.description} [${rule.scannerIds.join(", ")}]`
    : rule.description;
}

/** A resource as the rules see it, from a policy argument (inputs in resource policies, state in stack ones). */
export function underPolicy(
  r: Pick<PolicyResource, "type" | "name" | "urn" | "props" | "opts"> &
    Partial<Pick<PolicyResource, "dependencies" | "propertyDependencies">>,
): ResourceUnderTest {
  const dependsOn = [...(r.dependencies ?? []), ...Object.values(r.propertyDependencies ?? {}).flat()].map(
    (d) => d.urn,
  );
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    inputs: r.props,
    options: { ignoreChanges: r.opts?.ignoreChanges ?? [], protect: r.opts?.protect ?? false },
    dependsOn: [...new Set(dependsOn)],
  };
}

function contextOf(args: { getConfig<T extends object>(): T }): RuleContext {
  return { profile: args.getConfig<RuleConfig>().profile ?? "prod" };
}

/** One CrossGuard policy per rule, named by the rule id, mandatory or advisory as the rule says. */
export function toPolicies(rules: readonly Rule[]): (ResourceValidationPolicy | StackValidationPolicy)[] {
  return rules.map((rule) => {
    const base = {
      name: rule.id,
      description: policyDescription(rule),
      enforcementLevel: rule.severity,
      configSchema: CONFIG_SCHEMA,
    };
    if (rule.kind === "resource") {
      return {
        ...base,
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
          const ctx = contextOf(args);
          const r = underPolicy(args);
          if (!ruleIsActive(rule, ctx) || !rule.appliesTo(r)) return;
          for (const message of rule.check(r, ctx)) report(message);
        },
      };
    }
    return {
      ...base,
      validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const ctx = contextOf(args);
        if (!ruleIsActive(rule, ctx)) return;
        const resources = args.resources.map(underPolicy);
        const urnOf = new Map(resources.map((r) => [resourceLabel(r), r.urn]));
        for (const v of rule.check(resources, ctx)) report(v.message, urnOf.get(v.resource));
      },
    };
  });
}

/**
 * The `--policy-pack-config` for dev stacks (policy/dev.json): every policy with profile dev.
 * Pulumi's config file has no pack-wide setting other than the enforcement level, so each policy
 * is listed; tests/policy.test.ts keeps the committed file current.
 */
export function devPolicyConfig(rules: readonly Rule[]): Record<string, RuleConfig> {
  return Object.fromEntries(rules.map((r) => [r.id, { profile: "dev" as const }]));
}
