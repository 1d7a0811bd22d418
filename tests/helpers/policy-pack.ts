// The policy pack (policy/policies.ts) run over a recorded program run the way Pulumi runs it, for
// tests that compare its verdict with the preflight's. What @pulumi/policy's server does per policy
// (node_modules/@pulumi/policy/server.js): the enforcement level is the pack config's for that
// policy, else the policy's own (makeAnalyzeRpcFun: `policyPackConfig[p.name]?.enforcementLevel ||
// p.enforcementLevel`), "disabled" skips it; getConfig() is that config entry without its
// enforcementLevel (makeGetConfigFun). The engine fails the operation on a mandatory violation only.

import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigEntry } from "../../policy/policies";
import { toPolicies } from "../../policy/policies";
import type { ProgramRun, RecordedResource } from "../../offline/mocks";
import { ALL_RULES } from "../../rules";

export interface PackViolation {
  policy: string;
  level: string;
  message: string;
  urn?: string;
}

function options(r: RecordedResource): PolicyResourceOptions {
  return {
    protect: r.protect,
    ignoreChanges: r.ignoreChanges,
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
}

const notApplicable = (reason?: string): never => {
  throw new Error(`not applicable: ${reason ?? ""}`);
};

/** Every violation the pack reports for the run under `config` (a --policy-pack-config), with its level. */
export function runPack(run: ProgramRun, config: Record<string, PolicyConfigEntry>): PackViolation[] {
  const found: PackViolation[] = [];
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const asPolicyResource = (r: RecordedResource): PolicyResource => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.inputs,
    opts: options(r),
    dependencies: r.dependsOn.flatMap((u) => {
      const d = byUrn.get(u);
      return d ? [{ ...asPolicyResource({ ...d, dependsOn: [] }) }] : [];
    }),
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  });
  for (const policy of toPolicies(ALL_RULES)) {
    const entry = config[policy.name] ?? {};
    const { enforcementLevel, ...properties } = entry as Partial<PolicyConfigEntry>;
    const level = enforcementLevel ?? policy.enforcementLevel ?? "advisory";
    if (level === "disabled") continue;
    const getConfig = <T extends object>(): T => properties as T;
    const report = (message: string, urn?: string) =>
      found.push({ policy: policy.name, level, message, ...(urn !== undefined ? { urn } : {}) });
    if ("validateResource" in policy) {
      const validate = (policy as ResourceValidationPolicy).validateResource;
      for (const v of Array.isArray(validate) ? validate : validate ? [validate] : []) {
        for (const r of run.resources) {
          void v(
            {
              type: r.type,
              name: r.name,
              urn: r.urn,
              props: r.inputs,
              opts: options(r),
              stackTags: new Map(),
              isType: () => false,
              asType: () => undefined,
              getConfig,
              notApplicable,
            },
            (message) => report(message, r.urn),
          );
        }
      }
    } else {
      void (policy as StackValidationPolicy).validateStack(
        { resources: run.resources.map(asPolicyResource), stackTags: new Map(), getConfig, notApplicable },
        report,
      );
    }
  }
  return found;
}
