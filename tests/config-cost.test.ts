import * as assert from "node:assert/strict";
import { parseConfig } from "../stacks/config";
import { COST_DEFAULTS, MAX_MONTHLY_ASSUMPTION } from "../stacks/cost-config";
import { problemsOf } from "./helpers/config-problems";

const ctx = { project: "kube-platform", stack: "doks" };
const cluster = { target: "doks", region: "ams3" };
const costOf = (cost: unknown) => parseConfig({ cluster, cost }, ctx).cost;

describe("config: kube-platform:cost (the cost estimate's monthly usage assumptions)", () => {
  it("defaults every assumption when the key is absent", () => {
    assert.deepEqual(parseConfig({ cluster }, ctx).cost, {
      natDataGiB: 100,
      loadBalancerDataGiB: 100,
      loadBalancerCapacityUnits: 1,
      logIngestionGiB: 10,
      kmsKeyOperations: 10000,
    });
    assert.deepEqual(COST_DEFAULTS, {
      natDataGiB: 100,
      loadBalancerDataGiB: 100,
      loadBalancerCapacityUnits: 1,
      logIngestionGiB: 10,
      kmsKeyOperations: 10000,
    });
  });

  it("keeps a value that is set and defaults the others", () => {
    assert.deepEqual(costOf({ natDataGiB: 500, logIngestionGiB: 2.5 }), {
      natDataGiB: 500,
      loadBalancerDataGiB: 100,
      loadBalancerCapacityUnits: 1,
      logIngestionGiB: 2.5,
      kmsKeyOperations: 10000,
    });
    assert.deepEqual(costOf({ kmsKeyOperations: 25000 }), {
      natDataGiB: 100,
      loadBalancerDataGiB: 100,
      loadBalancerCapacityUnits: 1,
      logIngestionGiB: 10,
      kmsKeyOperations: 25000,
    });
  });

  it("accepts the bounds: 0 and 1 PiB (1048576 GiB)", () => {
    assert.equal(MAX_MONTHLY_ASSUMPTION, 1048576);
    assert.equal(costOf({ natDataGiB: 0 }).natDataGiB, 0);
    assert.equal(costOf({ loadBalancerDataGiB: 1048576 }).loadBalancerDataGiB, 1048576);
    assert.equal(costOf({ kmsKeyOperations: 0 }).kmsKeyOperations, 0);
    assert.equal(costOf({ kmsKeyOperations: 1000000000 }).kmsKeyOperations, 1000000000);
  });

  const bad: [string, unknown, string][] = [
    ["a negative figure", { natDataGiB: -1 }, "cost.natDataGiB: got -1; must be ≥ 0"],
    [
      "a figure above 1 PiB",
      { loadBalancerDataGiB: 1048577 },
      "cost.loadBalancerDataGiB: got 1048577; must be ≤ 1048576",
    ],
    ["a string", { logIngestionGiB: "lots" }, 'cost.logIngestionGiB: got "lots"; expected number'],
    [
      "a negative capacity unit count",
      { loadBalancerCapacityUnits: -0.5 },
      "cost.loadBalancerCapacityUnits: got -0.5; must be ≥ 0",
    ],
    [
      "a negative operations count",
      { kmsKeyOperations: -10000 },
      "cost.kmsKeyOperations: got -10000; must be ≥ 0",
    ],
    [
      "an operations count above the bound",
      { kmsKeyOperations: 1000000001 },
      "cost.kmsKeyOperations: got 1000000001; must be ≤ 1000000000",
    ],
    ["a fraction of an operation", { kmsKeyOperations: 2.5 }, "cost.kmsKeyOperations: got 2.5; expected int"],
    [
      "operations as a string",
      { kmsKeyOperations: "10k" },
      'cost.kmsKeyOperations: got "10k"; expected number',
    ],
    [
      "an unknown key",
      { natDataGB: 5 },
      "cost.natDataGB: unknown key; allowed keys here: kmsKeyOperations, loadBalancerCapacityUnits, loadBalancerDataGiB, logIngestionGiB, natDataGiB",
    ],
    ["not an object", "cheap", 'cost: got "cheap"; expected object'],
  ];
  for (const [what, cost, message] of bad) {
    it(`refuses ${what}, naming key, value and what is allowed`, () => {
      assert.deepEqual(problemsOf({ cluster, cost }, ctx), [message]);
    });
  }

  it("reports every bad value at once, one line each", () => {
    assert.deepEqual(problemsOf({ cluster, cost: { natDataGiB: -2, logIngestionGiB: "x" } }, ctx), [
      "cost.natDataGiB: got -2; must be ≥ 0",
      'cost.logIngestionGiB: got "x"; expected number',
    ]);
  });
});
