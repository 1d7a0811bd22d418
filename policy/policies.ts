/**
 * The platform's rules (../rules) as CrossGuard policies. The rule logic lives in ../rules and is
 * shared with the offline preflight; this file only adapts Pulumi's policy arguments to it.
 *
 * What a policy knows of the stack: @pulumi/policy (the version pinned in package.json) gives a
 * policy only its own entry of the `--policy-pack-config` file (getConfig: server.js
 * makeGetConfigFun) and the stack's tags (server.js configureStack), never the stack's config. So
 * the stack's profile and waivers reach the pack through that file: the driver writes it for every
 * stack (`npm run platform -- preview|up --policy-pack policy`), `npm run policy-config -- --stack
 * <name>` prints it for plain `pulumi preview|up --policy-pack policy --policy-pack-config <file>`.
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
  type Waiver,
  resourceLabel,
  ruleIsActive,
  waivedMessage,
  waiverOf,
} from "../rules";

/** Configuration every policy accepts (`--policy-pack-config`): the stack's profile and waivers. */
export interface RuleConfig {
  profile: Profile;
  /** The stack's waivers (`kube-platform:waivers`), as the preflight applies them. */
  waivers?: Waiver[];
}

/**
 * One policy's entry of a `--policy-pack-config` file. `enforcementLevel` is Pulumi's own per-policy
 * setting (pulumi/pulumi pkg/resource/analyzer/config.go parsePolicyPackConfig takes it out of the
 * object, the rest is the policy's config; @pulumi/policy server.js uses it instead of the policy's
 * level): a waived rule is reported as advisory, so it is shown and does not fail the update.
 */
export interface PolicyConfigEntry extends RuleConfig {
  enforcementLevel?: "advisory";
}

export const CONFIG_SCHEMA = {
  properties: {
    profile: {
      type: "string" as const,
      enum: [...PROFILES],
      default: "prod",
      description: "The stack's profile: prod applies the prod-only rules (the strictest is the default).",
    },
    waivers: {
      type: "array" as const,
      description:
        "The stack's waivers (kube-platform:waivers): a waived rule's violations are shown with the reason, " +
        "not counted (set its enforcementLevel to advisory too, as npm run policy-config does).",
      items: {
        type: "object" as const,
        properties: { rule: { type: "string" as const }, reason: { type: "string" as const } },
        required: ["rule", "reason"],
      },
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

/** The rule context and the stack's waiver of `rule` from the policy's config. */
function contextOf(
  rule: Rule,
  args: { getConfig<T extends object>(): T },
): { ctx: RuleContext; waiver?: Waiver } {
  const config = args.getConfig<Partial<RuleConfig>>();
  return { ctx: { profile: config.profile ?? "prod" }, waiver: waiverOf(rule.id, config.waivers) };
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
          const { ctx, waiver } = contextOf(rule, args);
          const r = underPolicy(args);
          if (!ruleIsActive(rule, ctx) || !rule.appliesTo(r)) return;
          for (const message of rule.check(r, ctx)) report(waiver ? waivedMessage(message, waiver) : message);
        },
      };
    }
    return {
      ...base,
      validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const { ctx, waiver } = contextOf(rule, args);
        if (!ruleIsActive(rule, ctx)) return;
        const resources = args.resources.map(underPolicy);
        const urnOf = new Map(resources.map((r) => [resourceLabel(r), r.urn]));
        for (const v of rule.check(resources, ctx)) {
          report(waiver ? waivedMessage(v.message, waiver) : v.message, urnOf.get(v.resource));
        }
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

/**
 * A stack's `--policy-pack-config`: every policy gets the stack's profile and waivers; a waived
 * policy is advisory (shown, not counted), as the preflight treats it (rules/waivers.ts).
 */
export function stackPolicyConfig(
  rules: readonly Rule[],
  profile: Profile,
  waivers: readonly Waiver[],
): Record<string, PolicyConfigEntry> {
  return Object.fromEntries(
    rules.map((r) => [
      r.id,
      {
        profile,
        waivers: waivers.map((w) => ({ rule: w.rule, reason: w.reason })),
        ...(waiverOf(r.id, waivers) ? { enforcementLevel: "advisory" as const } : {}),
      },
    ]),
  );
}
