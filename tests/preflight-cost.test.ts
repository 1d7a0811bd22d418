/**
 * The preflight's cost flags (preflight/cli.ts): `--cost` (the estimate after the plan, `cost` in
 * --json), `--cost-base <stack file>` (diff mode, `costDiff` in --json), an unknown region as a
 * usage error, the exit code otherwise untouched. The evaluation is injected with hand-built
 * estimates; one real run at the end goes through the whole preflight.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT } from "../automation/exit-codes";
import { Evaluate, PreflightArgs, USAGE, UsageError, main, parseArgs } from "../preflight/cli";
import { type Plan, type PreflightOptions, type PreflightResult, preflight } from "../preflight/plan";
import { UnknownRegionError } from "../preflight/cost";
import type { CostEstimate } from "../preflight/cost/types";
import { ROOT } from "../offline/stacks";
import { exampleArgs, writeStackFile } from "./helpers/preflight-run";
import { CONTROL_PLANE, EKS, natLine } from "./helpers/cost-lines";

/** `natGateways` NAT gateways and a $73.00 control plane (730 h × $0.10). */
function estimateWith(natGateways: number): CostEstimate {
  const nats = Array.from({ length: natGateways }, (_, i) => natLine(`kp-cluster-nat-${i}`));
  const total = Math.round((73 + 35.04 * natGateways) * 100) / 100;
  return {
    stack: "prod",
    cloud: "aws",
    region: "eu-west-1",
    currency: "USD",
    pricesDate: "2025-06-02",
    lines: [CONTROL_PLANE, ...nats],
    unpriced: [],
    total: { min: total, max: total },
    byComponent: { [EKS]: { min: total, max: total } },
  };
}

const PLAN: Plan = {
  stack: "prod",
  profile: "prod",
  resourceCount: 1,
  components: { [EKS]: { "aws:ec2/natGateway:NatGateway": 1 } },
  releases: [],
  apps: [],
  requirements: [],
  violations: [],
  waivers: [],
  waived: [],
  volumeChanges: [],
};

interface Call {
  natGateways: unknown;
  options: PreflightOptions | undefined;
}

/**
 * An evaluation that reads `natGateways` from the stack file and prices that many NAT gateways
 * when asked to (`{ cost: true }`); `invalid: true` is a config problem; the calls are recorded.
 */
function fakeEvaluate(calls: Call[], exitCode: PreflightResult["exitCode"] = EXIT.success): Evaluate {
  return (config, _stack, _last, _file, options) => {
    calls.push({ natGateways: config.natGateways, options });
    if (config.invalid === true)
      return Promise.resolve({ exitCode: EXIT.usage, problems: ["invalid: got true"], warnings: [] });
    if (config.region === "ap-south-2")
      return Promise.reject(new UnknownRegionError("aws", "ap-south-2", ["eu-west-1", "us-east-1"]));
    const result: PreflightResult = { exitCode, plan: PLAN, warnings: [] };
    if (options?.cost) result.cost = estimateWith(Number(config.natGateways));
    return Promise.resolve(result);
  };
}

async function run(argv: string[], evaluate: Evaluate): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(
    argv,
    (s) => (out += s),
    (s) => (err += s),
    evaluate,
  );
  return { code, out, err };
}

const change = writeStackFile("cost-change", { natGateways: 3 });
const base = writeStackFile("cost-base", { natGateways: 1 });
const invalidBase = writeStackFile("cost-invalid", { invalid: true });
const elsewhere = writeStackFile("cost-region", { natGateways: 1, region: "ap-south-2" });

describe("preflight --cost and --cost-base", function () {
  this.timeout(120_000);

  it("parses --cost and --cost-base, and leaves them out when not given", () => {
    const prod = path.join(ROOT, "Pulumi.prod.yaml");
    assert.deepStrictEqual(parseArgs(["--stack", "prod"]), { stack: "prod", file: prod, json: false });
    assert.deepStrictEqual(parseArgs(["--stack", "prod", "--cost"]), {
      stack: "prod",
      file: prod,
      json: false,
      cost: true,
    } satisfies PreflightArgs);
    // --cost-base implies --cost; both spellings of the value.
    const diff = { stack: "prod", file: prod, json: true, cost: true, costBase: base };
    assert.deepStrictEqual(parseArgs(["--stack", "prod", "--json", "--cost-base", base]), diff);
    assert.deepStrictEqual(parseArgs(["--stack", "prod", "--json", `--cost-base=${base}`, "--cost"]), diff);
    assert.throws(
      () => parseArgs(["--stack", "prod", "--cost-base"]),
      (e: Error) => e instanceof UsageError && e.message === "--cost-base needs a value",
    );
    assert.throws(() => parseArgs(["--stack", "prod", "--cost-base", "--json"]), /--cost-base needs a value/);
    assert.throws(() => parseArgs(["--stack", "prod", "--cost=yes"]), /unknown argument --cost=yes/);
    assert.throws(
      () => parseArgs(["--stack", "prod", "--cost-base", "/nonexistent/main.yaml"]),
      (e: Error) =>
        e instanceof UsageError && e.message === "--cost-base /nonexistent/main.yaml: no such file",
    );
  });

  it("the usage names both flags", () => {
    assert.match(USAGE, /\[--cost \[--cost-base <stack file>\]\]/);
    assert.match(USAGE, /\n {2}--cost {10}print the stack's monthly cost estimate after the plan/);
    assert.match(USAGE, /\n {2}--cost-base {5}diff mode \(implies --cost\)/);
  });

  it("asks for the estimate only with --cost, and prints it after the plan", async () => {
    const calls: Call[] = [];
    const plain = await run(["--stack", "prod", "--file", change], fakeEvaluate(calls));
    assert.strictEqual(plain.code, EXIT.success);
    assert.doesNotMatch(plain.out, /Monthly cost/);
    const priced = await run(["--stack", "prod", "--file", change, "--cost"], fakeEvaluate(calls));
    assert.strictEqual(priced.code, EXIT.success, priced.err);
    assert.deepStrictEqual(
      calls.map((c) => c.options),
      [{ cost: false }, { cost: true }],
    );
    // $73.00 + 3 × $35.04 = $178.12.
    assert.match(
      priced.out,
      /Preflight passed\.\n\nMonthly cost estimate of stack "prod" \(aws eu-west-1, USD, prices of 2025-06-02\): \$178\.12\/month\n/,
    );
    assert.match(priced.out, /\nTotal: \$178\.12\/month /);
  });

  it("--json has the estimate as `cost`, and no cost without --cost", async () => {
    const calls: Call[] = [];
    const json = await run(["--stack", "prod", "--file", change, "--json", "--cost"], fakeEvaluate(calls));
    const report = JSON.parse(json.out) as { cost: CostEstimate; costDiff?: unknown };
    assert.deepStrictEqual(report.cost, estimateWith(3));
    assert.strictEqual(report.cost.total.max, 178.12);
    assert.strictEqual("costDiff" in report, false);
    const without = await run(["--stack", "prod", "--file", change, "--json"], fakeEvaluate(calls));
    assert.strictEqual("cost" in (JSON.parse(without.out) as object), false);
  });

  it("the estimate never changes the exit code", async () => {
    const policy = await run(["--stack", "prod", "--file", change, "--cost"], fakeEvaluate([], EXIT.policy));
    assert.strictEqual(policy.code, EXIT.policy);
    assert.match(policy.out, /Monthly cost estimate/);
    const diff = await run(["--stack", "prod", "--file", change, "--cost-base", base], fakeEvaluate([]));
    assert.strictEqual(diff.code, EXIT.success);
  });

  it("--cost-base prints the estimate, then its change against the base file", async () => {
    const calls: Call[] = [];
    const r = await run(["--stack", "prod", "--file", change, "--cost-base", base], fakeEvaluate(calls));
    assert.strictEqual(r.code, EXIT.success, r.err);
    assert.deepStrictEqual(calls, [
      { natGateways: 3, options: { cost: true } },
      { natGateways: 1, options: { cost: true } },
    ]);
    const estimateAt = r.out.indexOf("Monthly cost estimate");
    const diffAt = r.out.indexOf("Cost change");
    assert.ok(estimateAt > 0 && diffAt > estimateAt, r.out);
    // $73.00 + $35.04 = $108.04 before, $178.12 after: +$70.08.
    assert.ok(
      r.out.endsWith(
        [
          `Cost change of stack "prod" against ${base}: +$70.08/month (USD)`,
          "  $108.04/month → $178.12/month",
          "  EksCluster kp-cluster: +$70.08/month",
          "    +$70.08/month: natGateway × 2 more (NAT gateway kp-cluster-nat-1, NAT gateway kp-cluster-nat-2)",
          "",
        ].join("\n"),
      ),
      r.out,
    );
  });

  it("--json with --cost-base has `costBase` and `costDiff`", async () => {
    const r = await run(
      ["--stack", "prod", "--file", change, "--cost-base", base, "--json"],
      fakeEvaluate([]),
    );
    const report = JSON.parse(r.out) as {
      cost: CostEstimate;
      costBase: string;
      costDiff: { total: unknown; lines: { change: string }[] };
    };
    assert.strictEqual(report.costBase, base);
    assert.deepStrictEqual(report.costDiff.total, { min: 70.08, max: 70.08 });
    assert.deepStrictEqual(
      report.costDiff.lines.map((l) => l.change),
      ["added", "added"],
    );
    assert.strictEqual(report.cost.total.min, 178.12);
  });

  it("a base the program refuses gives no diff, with a note, and the change's exit code", async () => {
    const r = await run(["--stack", "prod", "--file", change, "--cost-base", invalidBase], fakeEvaluate([]));
    assert.strictEqual(r.code, EXIT.success);
    assert.match(r.out, /Monthly cost estimate/);
    assert.doesNotMatch(r.out, /Cost change/);
    assert.match(
      r.err,
      new RegExp(
        `note: --cost-base ${invalidBase}: not a valid config for this program \\(invalid: got true\\): no cost diff\n`,
      ),
    );
    const json = await run(
      ["--stack", "prod", "--file", change, "--cost-base", invalidBase, "--json"],
      fakeEvaluate([]),
    );
    const report = JSON.parse(json.out) as { notes: string[]; costDiff?: unknown };
    assert.strictEqual("costDiff" in report, false);
    assert.strictEqual(report.notes.length, 1);
    // The change itself invalid: its problems, no base evaluated.
    const calls: Call[] = [];
    const invalid = await run(
      ["--stack", "prod", "--file", invalidBase, "--cost-base", base],
      fakeEvaluate(calls),
    );
    assert.strictEqual(invalid.code, EXIT.usage);
    assert.strictEqual(calls.length, 1);
    assert.match(invalid.err, /invalid configuration\n {2}- invalid: got true\n$/);
  });

  it("an unknown region is a usage error naming the region and the regions the file has", async () => {
    const r = await run(["--stack", "prod", "--file", elsewhere, "--cost"], fakeEvaluate([]));
    assert.strictEqual(r.code, EXIT.usage);
    assert.strictEqual(
      r.err,
      '--cost: no aws prices for region "ap-south-2" (preflight/cost/prices/aws.json has: eu-west-1, us-east-1); ' +
        "estimate a stack in one of those regions, or add the region's figures to the file\n",
    );
    assert.strictEqual(r.out, "");
    // In the base only: the change's estimate stands, the diff cannot be made.
    const inBase = await run(
      ["--stack", "prod", "--file", change, "--cost-base", elsewhere],
      fakeEvaluate([]),
    );
    assert.strictEqual(inBase.code, EXIT.success);
    assert.match(
      inBase.err,
      /note: --cost-base .*: no aws prices for region "ap-south-2" .*: no cost diff\n/,
    );
    assert.doesNotMatch(inBase.out, /Cost change/);
  });

  it("a --cost-base file that is missing or not a stack file is a usage error naming it", async () => {
    const missing = await run(["--stack", "prod", "--cost-base", "/nonexistent/main.yaml"], fakeEvaluate([]));
    assert.strictEqual(missing.code, EXIT.usage);
    assert.ok(
      missing.err.startsWith("--cost-base /nonexistent/main.yaml: no such file\nusage: "),
      missing.err,
    );
    const notYaml = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kp-cost-")), "main.yaml");
    fs.writeFileSync(notYaml, "config: [unclosed\n");
    const bad = await run(["--stack", "prod", "--file", change, "--cost-base", notYaml], fakeEvaluate([]));
    assert.strictEqual(bad.code, EXIT.usage);
    assert.match(bad.err, /^--cost-base .*main\.yaml: not readable as a stack file \(/);
  });

  it("the real preflight: a stack against its own config is no change", async () => {
    const args = exampleArgs("gke");
    const file = args[args.length - 1];
    const r = await run([...args, "--cost-base", file, "--json"], preflight);
    assert.strictEqual(r.code, EXIT.success, r.err);
    const report = JSON.parse(r.out) as {
      cost: CostEstimate;
      costDiff: { total: unknown; lines: unknown[] };
    };
    assert.strictEqual(report.cost.cloud, "gcp");
    assert.strictEqual(report.cost.region, "europe-west1");
    assert.ok(report.cost.lines.length > 0, "the gke stack has priced lines");
    assert.deepStrictEqual(report.costDiff.total, { min: 0, max: 0 });
    assert.deepStrictEqual(report.costDiff.lines, []);
  });
});
