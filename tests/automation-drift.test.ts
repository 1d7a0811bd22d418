// Drift (automation/drift.ts) and --diff lines (automation/diff-lines.ts) from engine events built
// field by field as the engine writes them (tests/helpers/engine-events.ts): a refresh preview's
// resourcePreEvent has op "refresh", its resOutputsEvent the step's result op (same, update, delete;
// pulumi/pulumi pkg/engine/update.go, pkg/resource/deploy/step.go RefreshStep.ResultOp).

import * as assert from "assert";
import { diffLines, parsePropertyPath, showValue } from "../automation/diff-lines";
import { driftLine, driftOf, driftSummary } from "../automation/drift";
import { EventStream } from "./helpers/engine-events";

const NG = "aws:eks/nodeGroup:NodeGroup";

describe("automation: drift from a refresh preview's events", () => {
  it("changed (with the property paths) and deleted resources; same ones and component steps are no drift", () => {
    const s = new EventStream("prod")
      .prelude()
      .refresh("same", "aws:ec2/vpc:Vpc", "vpc", { planning: true })
      .refresh("update", NG, "general", {
        diffs: ["tags.owner", "scalingConfig.desiredSize"],
        planning: true,
      })
      .refresh("delete", "aws:ec2/eip:Eip", "nat", { planning: true })
      .summary({ same: 1, update: 1, delete: 1 }, { isPreview: true, result: "succeeded" })
      .cancel();
    assert.deepStrictEqual(driftOf(s.events), [
      {
        urn: s.urn("aws:ec2/eip:Eip", "nat"),
        type: "aws:ec2/eip:Eip",
        name: "nat",
        change: "deleted",
        properties: [],
      },
      {
        urn: s.urn(NG, "general"),
        type: NG,
        name: "general",
        change: "changed",
        properties: ["scalingConfig.desiredSize", "tags.owner"],
      },
    ]);
    assert.deepStrictEqual(driftOf(new EventStream("prod").refresh("same", NG, "general").events), []);
  });

  it("the property paths: the detailed diff's, else the changed keys, else the outputs that differ (legacy refresh diff)", () => {
    const s = new EventStream("prod");
    const meta = s.metadata("update", NG, "general", { diffs: ["scalingConfig"] });
    const only = (m: typeof meta) => driftOf(new EventStream("prod").outputs(m, true).events)[0].properties;
    assert.deepStrictEqual(
      only({
        ...meta,
        detailedDiff: { "scalingConfig.desiredSize": { diffKind: "update", inputDiff: false } },
      }),
      ["scalingConfig.desiredSize"],
    );
    assert.deepStrictEqual(only({ ...meta, detailedDiff: null }), ["scalingConfig"]);
    const old = s.state(NG, "general", false);
    const legacy = {
      ...meta,
      diffs: undefined,
      detailedDiff: null,
      old: { ...old, outputs: { a: 1, b: { c: 2 }, same: "x" } },
      new: { ...old, outputs: { a: 1, b: { c: 3 }, same: "x", added: true } },
    };
    assert.deepStrictEqual(only(legacy), ["added", "b"]);
  });

  it("lines and the summary", () => {
    const changed = {
      urn: "u",
      type: NG,
      name: "general",
      change: "changed" as const,
      properties: ["a", "b.c"],
    };
    const deleted = {
      urn: "u2",
      type: "aws:ec2/eip:Eip",
      name: "nat",
      change: "deleted" as const,
      properties: [],
    };
    assert.strictEqual(
      driftLine("prod", changed),
      `[prod] drift: ~ ${NG} "general" changed outside Pulumi: a, b.c`,
    );
    assert.strictEqual(
      driftLine("prod", { ...changed, properties: [] }),
      `[prod] drift: ~ ${NG} "general" changed outside Pulumi`,
    );
    assert.strictEqual(
      driftLine("prod", deleted),
      `[prod] drift: - aws:ec2/eip:Eip "nat" was deleted outside Pulumi`,
    );
    assert.strictEqual(driftSummary([]), "no drift");
    assert.strictEqual(driftSummary([changed]), "1 resource drifted (1 changed, 0 deleted)");
    assert.strictEqual(driftSummary([changed, deleted]), "2 resources drifted (1 changed, 1 deleted)");
  });
});

describe("automation: --diff lines", () => {
  it("property paths as Pulumi writes them", () => {
    assert.deepStrictEqual(parsePropertyPath("spec.replicas"), ["spec", "replicas"]);
    assert.deepStrictEqual(parsePropertyPath("containers[0].image"), ["containers", 0, "image"]);
    assert.deepStrictEqual(parsePropertyPath('labels["app.kubernetes.io/name"].x'), [
      "labels",
      "app.kubernetes.io/name",
      "x",
    ]);
    assert.deepStrictEqual(parsePropertyPath('a["b]c"]'), ["a", "b]c"]);
    assert.strictEqual(parsePropertyPath("a[0"), undefined);
    assert.strictEqual(parsePropertyPath(".a"), undefined);
  });

  it("values: compact JSON, secrets (Pulumi's signature) as [secret], long ones shortened", () => {
    const secret = {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      ciphertext: "[secret]",
    };
    assert.strictEqual(showValue({ a: [1, secret] }), '{"a":[1,"[secret]"]}');
    assert.strictEqual(showValue(undefined), "(none)");
    assert.strictEqual(showValue("x".repeat(100)), `"${"x".repeat(58)}…`);
  });

  it("one line per path, by kind, old value from inputs or outputs as the diff says", () => {
    const s = new EventStream("dev");
    const m = s.metadata("update", "kubernetes:apps/v1:Deployment", "web", {});
    const lines = diffLines({
      ...m,
      old: {
        ...s.state("t", "web", false),
        inputs: { spec: { replicas: 1 }, a: "x" },
        outputs: { status: "old" },
      },
      new: { ...s.state("t", "web", false), inputs: { spec: { replicas: 3 }, b: true, status: "new" } },
      detailedDiff: {
        "spec.replicas": { diffKind: "update", inputDiff: true },
        b: { diffKind: "add", inputDiff: true },
        a: { diffKind: "delete-replace", inputDiff: true },
        status: { diffKind: "update", inputDiff: false },
        gone: { diffKind: "update", inputDiff: true },
      },
    });
    assert.deepStrictEqual(lines, [
      '- a: "x" (forces replacement)',
      "+ b: true",
      "~ gone",
      "~ spec.replicas: 1 => 3",
      '~ status: "old" => "new"',
    ]);
    assert.deepStrictEqual(diffLines({ ...m, detailedDiff: null }), []);
  });
});
