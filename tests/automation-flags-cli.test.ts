// The driver against the fake `pulumi` where the real CLI's behaviour matters for a flag:
// `up --expect-no-changes` applies nothing on any stack (Pulumi's own up would apply, then exit 7),
// the refresh steps `--refresh` puts before a preview pass through the promotion gate, and
// `--target` globs as Pulumi applies them (the fake's header: tests/fixtures/fake-pulumi/bin/pulumi).

import * as assert from "assert";
import { EXIT } from "../automation/exit-codes";
import { DriverHarness, commandCalls } from "./helpers/driver-harness";

const CLUSTER = "aws:eks/cluster:Cluster";
const VPC = "aws:ec2/vpc:Vpc";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const cfg = (profile: string) => ({ "kube-platform:profile": { value: profile, secret: false } });
const STEPS = [
  { op: "update", type: CLUSTER, name: "kp-cluster", diffs: ["version", "tags.env"] },
  { op: "create", type: VPC, name: "kp-vpc" },
];

describe("automation: flags against the real CLI's behaviour (fake pulumi)", function () {
  this.timeout(60000);
  let h: DriverHarness | undefined;
  const harness = (scenario: unknown): DriverHarness => (h = new DriverHarness(scenario));
  afterEach(() => {
    h?.cleanup();
    h = undefined;
  });

  it("up --expect-no-changes: nothing applied when the preview shows changes, on unprotected and protected stacks alike", async () => {
    const t = harness({
      stacks: {
        dev: { exists: true, config: cfg("dev"), steps: { preview: STEPS, up: STEPS } },
        prod: { exists: true, config: cfg("prod"), steps: { preview: STEPS, up: STEPS } },
      },
    });
    for (const stack of ["dev", "prod"]) {
      const r = await t.run(["up", "-s", stack, "--expect-no-changes", "--json", "report.json"]);
      assert.strictEqual(r.code, EXIT.changes, `${stack}: ${r.stderr}`);
      assert.deepStrictEqual(commandCalls(r.calls, "up"), [], `${stack}: nothing applied`);
      const [preview] = commandCalls(r.calls, "preview", stack);
      assert.ok(preview.args.includes("--expect-no-changes"), stack);
      assert.match(
        r.stderr,
        new RegExp(`^\\[${stack}\\] ~ update aws:eks/cluster:Cluster "kp-cluster"`, "m"),
      );
      const [report] = t.report().stacks;
      assert.deepStrictEqual(
        [report.status, report.exitCode, report.error?.kind, report.changes.updated],
        ["failed", EXIT.changes, "unexpected-changes", 0],
      );
    }
  });

  it("--refresh on a protected stack: the refresh steps before the gate's preview are not changes (a volume gone outside Pulumi is no deletion)", async () => {
    const refresh = [
      { op: "delete", type: PVC, name: "data-vault-0" },
      { op: "update", type: CLUSTER, name: "kp-cluster", diffs: ["tags.owner"] },
    ];
    const same = [{ op: "same", type: CLUSTER, name: "kp-cluster" }];
    const t = harness({
      stacks: { prod: { exists: true, config: cfg("prod"), steps: { refresh, preview: same, up: same } } },
    });
    const r = await t.run(["up", "-s", "prod", "--refresh", "--json", "report.json"]);
    assert.strictEqual(r.code, EXIT.success, r.stderr);
    const [gate] = commandCalls(r.calls, "preview", "prod");
    assert.ok(gate.args.includes("--refresh"));
    assert.match(r.stderr, /^\[prod\] gate passed: no protected resource would be replaced or deleted$/m);
    // The update's own refresh: the drift it adopts is printed, with the changed top-level key.
    assert.match(
      r.stderr,
      /^\[prod\] - refreshed kubernetes:core\/v1:PersistentVolumeClaim "data-vault-0": deleted outside Pulumi, removed from the state/m,
    );
    assert.match(r.stderr, /^\[prod\] ~ refreshed aws:eks\/cluster:Cluster "kp-cluster" \(changed: tags\)/m);
    const [report] = t.report().stacks;
    assert.deepStrictEqual(
      [report.gate?.outcome, report.gate?.findings, report.resourceChanges],
      ["passed", [], { same: 1 }],
    );
  });

  it("--target: Pulumi applies the glob (`*` within a URN segment); the driver reports what it changed", async () => {
    const t = harness({
      stacks: { dev: { exists: true, config: cfg("dev"), steps: { preview: STEPS, up: STEPS } } },
    });
    const glob = "urn:pulumi:dev::kube-platform::aws:eks*:Cluster::kp-cluster";
    const r = await t.run(["up", "-s", "dev", "--target", glob, "--json", "report.json"]);
    assert.strictEqual(r.code, EXIT.success, r.stderr);
    assert.deepStrictEqual(t.report().stacks[0].resourceChanges, { update: 1 });
    assert.match(
      r.stderr,
      /^\[dev\] ~ updated aws:eks\/cluster:Cluster "kp-cluster" \(changed: version, tags\)/m,
    );
    const none = await t.run([
      "up",
      "-s",
      "dev",
      "--target",
      "urn:pulumi:dev::kube-platform::*::kp-cluster",
      "--json",
      "report.json",
    ]);
    assert.strictEqual(none.code, EXIT.success, none.stderr);
    assert.deepStrictEqual(
      t.report().stacks[0].resourceChanges,
      { same: 1 },
      "`*` does not cross the type's ':', so nothing is targeted",
    );
  });
});
