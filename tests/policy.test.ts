/** The CrossGuard adaptation of ../rules: one policy per rule, same verdicts as the rules. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { ALL_RULES, Profile } from "../rules";
import { devPolicyConfig, policyDescription, toPolicies } from "../policy/policies";

const policies = toPolicies(ALL_RULES);
const byName = new Map(policies.map((p) => [p.name, p]));

function resourceArgs(
  type: string,
  props: Record<string, unknown>,
  profile: Profile,
  ignoreChanges: string[] = [],
): ResourceValidationArgs {
  return {
    type,
    name: "r",
    urn: `urn:pulumi:s::p::${type}::r`,
    props,
    opts: { protect: false, ignoreChanges, aliases: [], additionalSecretOutputs: [], customTimeouts: {} },
    getConfig: <T extends object>() => ({ profile }) as T,
  } as unknown as ResourceValidationArgs;
}

function violationsOf(policy: ResourceValidationPolicy, args: ResourceValidationArgs): string[] {
  const found: string[] = [];
  const report: ReportViolation = (message) => found.push(message);
  const validate = policy.validateResource;
  for (const v of Array.isArray(validate) ? validate : validate ? [validate] : []) void v(args, report);
  return found;
}

const rootDeployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx:latest", securityContext: { privileged: true } }] },
    },
  },
};

describe("policy pack", () => {
  it("has one policy per rule, named by the rule id, with its scanner IDs and enforcement level", () => {
    assert.strictEqual(policies.length, ALL_RULES.length);
    for (const rule of ALL_RULES) {
      const p = byName.get(rule.id);
      assert.ok(p, rule.id);
      assert.strictEqual(p.enforcementLevel, rule.severity);
      assert.strictEqual(p.description, policyDescription(rule));
      for (const id of rule.scannerIds) assert.ok(p.description.includes(id), `${rule.id} names ${id}`);
      assert.strictEqual(rule.kind === "resource" ? "validateResource" in p : "validateStack" in p, true);
    }
  });

  it("reports what the rules report for a violating resource, nothing for a compliant one", () => {
    const args = resourceArgs("kubernetes:apps/v1:Deployment", rootDeployment, "prod");
    const privileged = byName.get("k8s-no-privileged") as ResourceValidationPolicy;
    const pinned = byName.get("k8s-image-pinned") as ResourceValidationPolicy;
    assert.strictEqual(violationsOf(privileged, args).length, 1);
    assert.strictEqual(violationsOf(pinned, args).length, 1);
    const fixed = structuredClone(rootDeployment);
    fixed.spec.template.spec.containers[0] = {
      name: "web",
      image: "nginx:1.29.3",
      securityContext: {},
    } as never;
    assert.deepStrictEqual(
      violationsOf(privileged, resourceArgs("kubernetes:apps/v1:Deployment", fixed, "prod")),
      [],
    );
  });

  it("applies prod-only rules only under the prod profile config", () => {
    const prodOnly = ALL_RULES.find(
      (r) => r.kind === "resource" && r.profiles?.length === 1 && r.profiles[0] === "prod",
    );
    assert.ok(prodOnly, "a prod-only resource rule exists");
    const cluster = { enableRBAC: true, disableLocalAccounts: false, sku: { tier: "Free" } };
    const p = byName.get(prodOnly.id) as ResourceValidationPolicy;
    const type = "azure-native:containerservice:ManagedCluster";
    const prodFound = violationsOf(p, resourceArgs(type, cluster, "prod"));
    const devFound = violationsOf(p, resourceArgs(type, cluster, "dev"));
    assert.deepStrictEqual(devFound, []);
    assert.ok(prodFound.length > 0, `${prodOnly.id} reports in prod`);
  });

  it("reports stack-rule violations against the offending resource's URN", () => {
    const policy = byName.get("k8s-network-policy-coverage") as StackValidationPolicy;
    const deployment = {
      type: "kubernetes:apps/v1:Deployment",
      name: "web",
      urn: "urn:pulumi:s::p::kubernetes:apps/v1:Deployment::web",
      props: { ...rootDeployment, metadata: { name: "web", namespace: "shop" } },
      opts: { protect: false, ignoreChanges: [] },
    } as unknown as PolicyResource;
    const reported: { message: string; urn?: string }[] = [];
    void policy.validateStack(
      {
        resources: [deployment],
        getConfig: <T extends object>() => ({ profile: "prod" }) as T,
      } as unknown as StackValidationArgs,
      (message, urn) => reported.push({ message, urn }),
    );
    assert.strictEqual(reported.length, 1);
    assert.strictEqual(reported[0].urn, deployment.urn);
  });

  it("ships a dev config (policy/dev.json) that covers every policy", () => {
    const file = path.resolve(__dirname, "../policy/dev.json");
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(file, "utf8")), devPolicyConfig(ALL_RULES));
  });
});
