// The fake `pulumi` (tests/fixtures/fake-pulumi) behaves like the real CLI and engine where the
// driver can tell: exit codes, what goes to stderr, the events and their order, policy packs,
// cancellation, refresh steps and --expect-no-changes (config typing, export and the policy pack
// config: automation-fake-cli.test.ts). Each expectation is the real CLI's (pulumi/pulumi sources
// named in tests/fixtures/fake-pulumi/lib/*.js).

import * as assert from "assert";
import { fake, kinds, type Ran } from "./helpers/fake-pulumi";

const summaryOf = (r: Ran) => r.events.find((e) => e.summaryEvent)?.summaryEvent;
const CLUSTER = { op: "create", type: "aws:eks/cluster:Cluster", name: "kp" };
const VPC = { op: "create", type: "aws:ec2/vpc:Vpc", name: "vpc" };
const UP = ["up", "--yes", "--skip-preview", "--stack", "dev"];
const stacks = (spec: object) => ({ stacks: { dev: { exists: true, ...spec } } });

describe("the fake pulumi: exit codes, stderr and the event stream of the real CLI", function () {
  this.timeout(30000);

  it("success: the summary's real field names, a final cancelEvent, exit 0", async () => {
    const r = await fake(stacks({ steps: { up: [VPC] } }), UP);
    assert.deepStrictEqual([r.code, r.stderr], [0, ""]);
    assert.deepStrictEqual(kinds(r.events), [
      "preludeEvent",
      "pre:create:vpc",
      "out:create:vpc",
      "summaryEvent",
      "cancelEvent",
    ]);
    assert.deepStrictEqual(summaryOf(r), {
      maybeCorrupt: false,
      durationSeconds: 1,
      resourceChanges: { create: 1 },
      PolicyPacks: {},
      isPreview: false,
      result: "succeeded",
    });
    const meta = r.events[1].resourcePreEvent?.metadata;
    assert.deepStrictEqual([meta?.old, meta?.detailedDiff], [null, null], "Go nil pointers are JSON null");
  });

  it("a failed step: the engine reports it, the CLI bails with exit 1 and nothing on stderr (255 before 3.226)", async () => {
    const steps = { up: [VPC, { ...CLUSTER, fail: "creating EKS Cluster: AccessDeniedException" }, CLUSTER] };
    const r = await fake(stacks({ steps }), UP);
    assert.deepStrictEqual([r.code, r.stderr], [1, ""]);
    assert.deepStrictEqual(kinds(r.events), [
      "preludeEvent",
      "pre:create:vpc",
      "out:create:vpc",
      "pre:create:kp",
      "diag:creating EKS Cluster: AccessDeniedException",
      "failed:kp",
      "diag:update failed",
      "summaryEvent",
      "cancelEvent",
    ]);
    assert.deepStrictEqual([summaryOf(r)?.result, summaryOf(r)?.resourceChanges], ["failed", { create: 1 }]);
    assert.match(
      r.stdout,
      /Diagnostics:\n {2}aws:eks\/cluster:Cluster \(kp\):\n {4}error: creating EKS Cluster/,
    );

    const diff = await fake(stacks({ steps }), [...UP, "--diff"]);
    assert.strictEqual(
      diff.stderr,
      "error: creating EKS Cluster: AccessDeniedException\nerror: update failed\n",
    );
    const old = await fake({ version: "v3.225.0", ...stacks({ steps }) }, UP);
    assert.strictEqual(old.code, 255);
    const first = await fake({ version: "v3.226.0", ...stacks({ steps }) }, UP);
    assert.strictEqual(first.code, 1, "distinct exit codes since v3.226.0");
  });

  it("a protected replacement: the diagnostic before the steps; a preview shows them, an up emits none", async () => {
    const replace = {
      op: "replace",
      type: "aws:eks/cluster:Cluster",
      name: "kp",
      protect: true,
      keys: ["name"],
    };
    const spec = stacks({ steps: { preview: [replace], up: [replace, VPC] } });
    const preview = await fake(spec, ["preview", "--stack", "dev"]);
    assert.deepStrictEqual([preview.code, preview.stderr], [1, ""]);
    assert.deepStrictEqual(kinds(preview.events), [
      "preludeEvent",
      'diag:unable to replace resource "urn:pulumi:dev::kube-platform::aws:eks/cluster:Cluster::kp"',
      "pre:create-replacement:kp",
      "out:create-replacement:kp",
      "pre:replace:kp",
      "out:replace:kp",
      "pre:delete-replaced:kp",
      "out:delete-replaced:kp",
      "diag:preview failed",
      "summaryEvent",
      "cancelEvent",
    ]);
    assert.deepStrictEqual(
      [summaryOf(preview)?.isPreview, summaryOf(preview)?.resourceChanges],
      [true, { replace: 1 }],
    );
    const up = await fake(spec, UP);
    assert.deepStrictEqual([up.code, up.stderr], [1, ""]);
    assert.deepStrictEqual(kinds(up.events), [
      "preludeEvent",
      'diag:unable to replace resource "urn:pulumi:dev::kube-platform::aws:eks/cluster:Cluster::kp"',
      "summaryEvent",
      "cancelEvent",
    ]);
  });

  it("a protected delete: after its step, the executor goes on; 'Preview failed: ' in a preview", async () => {
    const del = { op: "delete", type: "kubernetes:core/v1:Namespace", name: "vault", protect: true };
    const other = { op: "delete", type: "aws:ec2/vpc:Vpc", name: "old" };
    const spec = stacks({ steps: { destroy: [del, other] } });
    const up = await fake(spec, ["destroy", "--yes", "--skip-preview", "--stack", "dev"]);
    assert.strictEqual(up.code, 1);
    const urn = "urn:pulumi:dev::kube-platform::kubernetes:core/v1:Namespace::vault";
    assert.deepStrictEqual(kinds(up.events), [
      "preludeEvent",
      "pre:delete:vault",
      `diag:resource "${urn}" cannot be deleted`,
      "failed:vault",
      "pre:delete:old",
      "out:delete:old",
      "diag:update failed",
      "summaryEvent",
      "cancelEvent",
    ]);
    const preview = await fake(spec, ["destroy", "--preview-only", "--stack", "dev"]);
    assert.strictEqual(kinds(preview.events)[2], `diag:Preview failed: resource "${urn}" cannot be deleted`);
  });

  it("policy packs: events only with --policy-pack; a mandatory violation stops an up before the resource", async () => {
    const policy = [
      {
        policy: "eks-endpoint-access",
        level: "mandatory",
        message: "public endpoint",
        step: "kp",
        version: "0.1.0",
      },
      {
        policy: "eks-control-plane-logs",
        level: "advisory",
        message: "no logs",
        step: "vpc",
        version: "0.1.0",
      },
    ];
    const spec = stacks({ steps: { up: [VPC, CLUSTER], preview: [VPC, CLUSTER] }, policy });
    const without = await fake(spec, UP);
    assert.deepStrictEqual(
      [without.code, kinds(without.events).filter((k) => k.startsWith("policy"))],
      [0, []],
    );

    const up = await fake(spec, [...UP, "--policy-pack", "policy"]);
    assert.deepStrictEqual([up.code, up.stderr], [1, ""]);
    assert.deepStrictEqual(kinds(up.events), [
      "policyLoadEvent",
      "preludeEvent",
      "policy:advisory:eks-control-plane-logs",
      "policyAnalyzeSummaryEvent",
      "pre:create:vpc",
      "out:create:vpc",
      "policy:mandatory:eks-endpoint-access",
      "policyAnalyzeSummaryEvent",
      "summaryEvent",
      "cancelEvent",
    ]);
    assert.deepStrictEqual(up.events[6].policyEvent, {
      resourceUrn: "urn:pulumi:dev::kube-platform::aws:eks/cluster:Cluster::kp",
      // @pulumi/policy: the policy's description, a newline, the violation's message.
      message: "<{%reset%}>eks-endpoint-access description\npublic endpoint<{%reset%}>\n",
      color: "raw",
      policyName: "eks-endpoint-access",
      policyPackName: "kube-platform",
      policyPackVersion: "0.1.0",
      policyPackVersionTag: "0.1.0",
      enforcementLevel: "mandatory",
    });
    assert.deepStrictEqual(summaryOf(up)?.PolicyPacks, { "kube-platform|local|policy": "0.1.0" });

    const preview = await fake(spec, ["preview", "--stack", "dev", "--policy-pack", "policy"]);
    assert.deepStrictEqual(kinds(preview.events).slice(-4), [
      "out:create:kp",
      "diag:preview failed",
      "summaryEvent",
      "cancelEvent",
    ]);
  });

  it("a signal: the engine's graceful cancel (exit 1, silent); a second one terminates (exit 8)", async () => {
    const spec = stacks({
      sleepMs: { up: 5000, destroy: 5000, preview: 5000 },
      cancelMs: { destroy: 3000, preview: 3000 },
      steps: { up: [VPC], destroy: [VPC] },
    });
    const once = await fake(spec, UP, ["SIGINT"]);
    assert.deepStrictEqual([once.code, once.stderr], [1, ""]);
    assert.deepStrictEqual(kinds(once.events), [
      "preludeEvent",
      "stdoutEvent",
      "diag:update canceled",
      "summaryEvent",
      "cancelEvent",
    ]);
    assert.match(
      once.events[1].stdoutEvent?.message ?? "",
      /^\^C received; cancelling\. If you would like to terminate immediately, press \^C again\.\n/,
    );
    assert.strictEqual(summaryOf(once)?.result, "failed");

    const destroy = await fake(
      spec,
      ["destroy", "--yes", "--skip-preview", "--stack", "dev"],
      ["SIGINT", "SIGINT"],
    );
    assert.deepStrictEqual([destroy.code, destroy.stderr], [8, "error: destroy cancelled\n"]);
    assert.deepStrictEqual(
      [summaryOf(destroy)?.result, kinds(destroy.events).slice(-2)],
      ["canceled", ["summaryEvent", "cancelEvent"]],
    );
    const preview = await fake(spec, ["preview", "--stack", "dev"], ["SIGINT", "SIGINT"]);
    assert.deepStrictEqual([preview.code, preview.stderr], [1, "error: context canceled\n"]);
  });

  it("--expect-no-changes: the operation runs, then exit 7 when it changed anything but same", async () => {
    const spec = stacks({
      steps: { up: [VPC], refresh: [{ op: "same", type: "aws:ec2/vpc:Vpc", name: "vpc" }] },
    });
    const changed = await fake(spec, [...UP, "--expect-no-changes"]);
    assert.deepStrictEqual(
      [changed.code, changed.stderr, summaryOf(changed)?.result],
      [7, "error: no changes were expected for update but changes were proposed\n", "succeeded"],
    );
    const same = await fake(spec, ["refresh", "--preview-only", "--expect-no-changes", "--stack", "dev"]);
    assert.deepStrictEqual([same.code, same.stderr], [0, ""]);
  });

  it("refresh: pre op refresh, outputs op what it found; --preview-only plans it", async () => {
    const refresh = [
      {
        op: "update",
        type: "aws:eks/nodeGroup:NodeGroup",
        name: "general",
        diffs: ["scalingConfig.desiredSize", "tags.owner"],
      },
      { op: "delete", type: "kubernetes:core/v1:PersistentVolumeClaim", name: "data" },
      { op: "refresh", type: "aws:ec2/vpc:Vpc", name: "vpc" },
    ];
    const r = await fake(stacks({ steps: { refresh } }), ["refresh", "--preview-only", "--stack", "dev"]);
    assert.deepStrictEqual(kinds(r.events).slice(1, 7), [
      "pre:refresh:general",
      "out:update:general",
      "pre:refresh:data",
      "out:delete:data",
      "pre:refresh:vpc",
      "out:same:vpc",
    ]);
    const general = r.events[2].resOutputsEvent;
    assert.deepStrictEqual(
      [general?.planning, general?.metadata.diffs, general?.metadata.detailedDiff],
      // diffs: the changed top-level keys; the paths only in detailedDiff (TestRefreshBasics).
      [
        true,
        ["scalingConfig", "tags"],
        {
          "scalingConfig.desiredSize": { diffKind: "update", inputDiff: true },
          "tags.owner": { diffKind: "update", inputDiff: true },
        },
      ],
    );
    assert.strictEqual(r.events[4].resOutputsEvent?.metadata.new, null);
    assert.deepStrictEqual(
      [summaryOf(r)?.isPreview, summaryOf(r)?.resourceChanges],
      [true, { update: 1, delete: 1, same: 1 }],
    );
  });

  it("--refresh on preview/up: the refresh steps first (planned in a preview), not counted in the summary", async () => {
    const update = { op: "update", type: "aws:eks/cluster:Cluster", name: "kp", diffs: ["version"] };
    const spec = stacks({ steps: { preview: [VPC, update] } });
    const r = await fake(spec, ["preview", "--refresh", "--stack", "dev"]);
    assert.deepStrictEqual(kinds(r.events), [
      "preludeEvent",
      "pre:refresh:kp",
      "out:same:kp",
      "pre:create:vpc",
      "out:create:vpc",
      "pre:update:kp",
      "out:update:kp",
      "summaryEvent",
      "cancelEvent",
    ]);
    assert.deepStrictEqual(
      [r.events[1].resourcePreEvent?.planning, summaryOf(r)?.resourceChanges],
      [true, { create: 1, update: 1 }],
    );
    const without = await fake(spec, ["preview", "--stack", "dev"]);
    assert.strictEqual(kinds(without.events)[1], "pre:create:vpc");
  });

  it("a step failing in a preview (the provider's Check/Diff): its diagnostic, a silent bail, no closing diagnostic", async () => {
    const invalid = { ...CLUSTER, fail: "aws:eks/cluster:Cluster resource 'kp' has a problem: bad version" };
    const spec = stacks({ steps: { preview: [VPC, invalid, { ...VPC, name: "vpc2" }] } });
    const r = await fake(spec, ["preview", "--stack", "dev"]);
    assert.deepStrictEqual([r.code, r.stderr], [1, ""]);
    assert.deepStrictEqual(kinds(r.events), [
      "preludeEvent",
      "pre:create:vpc",
      "out:create:vpc",
      "diag:aws:eks/cluster:Cluster resource 'kp' has a problem: bad version",
      "summaryEvent",
      "cancelEvent",
    ]);
    assert.strictEqual(summaryOf(r)?.result, "failed");
    const diff = await fake(spec, ["preview", "--diff", "--stack", "dev"]);
    assert.deepStrictEqual(
      [diff.code, diff.stderr],
      [1, "error: aws:eks/cluster:Cluster resource 'kp' has a problem: bad version\n"],
    );
  });

  it("--target: Pulumi's globs (* stops at ':', ** does not); untargeted updates are same, creates and deletes not done", async () => {
    const role = { op: "update", type: "aws:iam/role:Role", name: "role", diffs: ["tags"] };
    const update = { op: "update", type: "aws:eks/cluster:Cluster", name: "kp", diffs: ["version"] };
    const old = { op: "delete", type: "aws:ec2/vpc:Vpc", name: "old" };
    const spec = stacks({
      steps: { up: [VPC, update, role, old], destroy: [old, { ...VPC, op: "delete" }] },
    });
    const stepsOf = (r: Ran) => kinds(r.events).filter((k) => k.startsWith("pre:") || k.startsWith("out:"));
    const deep = await fake(spec, [...UP, "--target", "urn:pulumi:dev::kube-platform::**::kp"]);
    assert.deepStrictEqual(stepsOf(deep), [
      "pre:update:kp",
      "out:update:kp",
      "pre:same:role",
      "out:same:role",
    ]);
    assert.deepStrictEqual(summaryOf(deep)?.resourceChanges, { update: 1, same: 1 });
    const single = await fake(spec, [...UP, "--target", "urn:pulumi:dev::kube-platform::*::kp"]);
    assert.deepStrictEqual(
      stepsOf(single),
      ["pre:same:kp", "out:same:kp", "pre:same:role", "out:same:role"],
      "`*` does not match the type's ':'",
    );
    const typed = await fake(spec, [...UP, "--target", "urn:pulumi:dev::kube-platform::aws:iam/*:Role::*"]);
    assert.deepStrictEqual(stepsOf(typed), [
      "pre:same:kp",
      "out:same:kp",
      "pre:update:role",
      "out:update:role",
    ]);
    const destroy = await fake(spec, [
      "destroy",
      "--yes",
      "--skip-preview",
      "--stack",
      "dev",
      "--target",
      "urn:pulumi:dev::kube-platform::aws:ec2/vpc:Vpc::old",
    ]);
    assert.deepStrictEqual(stepsOf(destroy), ["pre:delete:old", "out:delete:old"]);
  });
});
