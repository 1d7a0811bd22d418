/**
 * The cluster, workload and deployability rules over the example stacks, evaluated through the real
 * program under mocks. Kept apart from the rule unit tests (rules.test.ts, deployability.test.ts):
 * a program evaluation is memoised per process, so the mutation run (stryker.config.json) leaves
 * this file out of its spec.
 */
import * as assert from "assert";
import * as path from "path";
import { capabilitiesOf } from "../components/cluster/capabilities";
import { underTest } from "../offline/mocks";
import { EXAMPLE_STACKS, ROOT, exampleConfig, readStackFile, runExample } from "../offline/stacks";
import { stackConfigOf } from "../preflight/plan";
import {
  CLUSTER_RULES,
  DEPLOYABILITY_RULES,
  ResourceUnderTest,
  Rule,
  RuleContext,
  WORKLOAD_RULES,
  evaluate,
} from "../rules";

const PROD: RuleContext = { profile: "prod" };

function stackResources(stack: string): Promise<ResourceUnderTest[]> {
  return runExample(stack).then((run) => run.resources.map(underTest));
}

// The file's profile as written (the test titles need it when the suite loads; filling in changes no profile).
const profileOf = (stack: string) =>
  readStackFile(path.join(ROOT, EXAMPLE_STACKS[stack])).profile as RuleContext["profile"];
const show = (vs: { ruleId: string; resource: string; message: string }[]) =>
  vs.map((v) => `${v.ruleId} ${v.resource}: ${v.message}`).join("\n");

describe("the rules on the example stacks (real program under mocks)", () => {
  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    const profile = profileOf(stack);
    it(`${stack} (${profile}): ${profile === "prod" ? "no cluster-rule violation" : "cluster rules evaluate without failing"}`, async () => {
      const found = evaluate(await stackResources(stack), { profile }, CLUSTER_RULES);
      if (profile === "prod") assert.deepStrictEqual(found, [], show(found));
      else
        assert.deepStrictEqual(
          found.filter((v) => v.message.startsWith("rule failed")),
          [],
        );
    });

    it(`${stack}: the workload rules evaluate over the add-on objects without failing`, async () => {
      const found = evaluate(await stackResources(stack), { profile }, WORKLOAD_RULES);
      assert.deepStrictEqual(
        found.filter((v) => v.message.startsWith("rule failed")),
        [],
      );
    });
  }

  it("a prod stack's evaluation catches a weakened cluster (the rules see the registered shapes)", async () => {
    const resources = (await stackResources("prod")).map((r) =>
      r.type === "aws:eks/cluster:Cluster"
        ? {
            ...r,
            inputs: {
              ...r.inputs,
              vpcConfig: { ...(r.inputs.vpcConfig as object), publicAccessCidrs: ["0.0.0.0/0"] },
            },
          }
        : r,
    );
    const found = evaluate(resources, PROD, CLUSTER_RULES as Rule[]);
    assert.deepStrictEqual(
      found.map((v) => [v.ruleId, v.resource]),
      [["eks-endpoint-access", "aws:eks/cluster:Cluster kp-cluster-eks"]],
    );
  });
});

describe("deployability rules on every example stack", () => {
  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    it(`${stack}: zero mandatory violations with the facts its config gives; only its placeholders are advised (eks-dev: the documentation range dev accepts)`, async () => {
      const cfg = stackConfigOf(exampleConfig(stack), stack);
      const run = await runExample(stack);
      const found = evaluate(
        run.resources.map(underTest),
        { profile: cfg.profile, cluster: capabilitiesOf(cfg.cluster) },
        DEPLOYABILITY_RULES,
      );
      assert.deepStrictEqual(
        found.map((v) => v.ruleId),
        stack === "eks-dev" ? ["deploy-no-placeholders"] : [],
        JSON.stringify(found),
      );
    });
  }
});
