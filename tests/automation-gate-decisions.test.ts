// The promotion gate's decisions (automation/gate.ts), with literal expectations: which stacks are
// protected and why, which engine steps are protected replacements or deletions, which of them
// Pulumi refuses itself, when the gate refuses, and the exact text of the refusal. The events are
// hand-built plain objects in the engine's shape (apitype events.go), each test building its own.

import * as assert from "assert";
import {
  findProtectedChanges,
  pulumiRefusals,
  stackProtection,
  urnName,
  urnType,
  type EngineEventIn,
  type StepMetadataIn,
  type StepStateIn,
} from "../automation/gate";

const cfg = (entries: Record<string, string>) =>
  Object.fromEntries(Object.entries(entries).map(([k, value]) => [k, { value, secret: false }]));
const urn = (type: string, name: string) => `urn:pulumi:prod::kube-platform::${type}::${name}`;
const st = (
  type: string,
  name: string,
  protect?: boolean,
  inputs?: Record<string, unknown>,
): StepStateIn => ({
  type,
  urn: urn(type, name),
  ...(protect !== undefined ? { protect } : {}),
  ...(inputs !== undefined ? { inputs } : {}),
});
const step = (m: Partial<StepMetadataIn> & { op: string; type: string; name: string }): StepMetadataIn => {
  const { name, ...rest } = m;
  return { urn: urn(m.type, name), old: null, new: null, ...rest };
};
const pre = (metadata: StepMetadataIn): EngineEventIn => ({ resourcePreEvent: { metadata } });
const outs = (metadata: StepMetadataIn): EngineEventIn => ({ resOutputsEvent: { metadata } });
const diag = (message: string, severity = "error"): EngineEventIn => ({
  diagnosticEvent: { message, severity },
});

const DEPLOY = "kubernetes:apps/v1:Deployment";
const CLUSTER = "aws:eks/cluster:Cluster";
const NS = "kubernetes:core/v1:Namespace";
const CLUSTER_REASON = "protected type: the cluster (replacing it recreates every workload)";

describe("automation: the gate's decisions, literally", () => {
  it("stackProtection: profile and cluster.protect, every reason", () => {
    assert.deepStrictEqual(stackProtection(cfg({ "kube-platform:profile": "staging" })), {
      protected: false,
      reason: "profile is staging",
    });
    assert.deepStrictEqual(
      stackProtection(cfg({ "kube-platform:profile": "prod", "kube-platform:cluster": '{"protect":true}' })),
      { protected: true, reason: "profile is prod" },
    );
    assert.deepStrictEqual(stackProtection(cfg({ "kube-platform:cluster": '{"protect":"false"}' })), {
      protected: false,
      reason: "profile is dev, cluster.protect is false",
    });
    assert.deepStrictEqual(stackProtection(cfg({ "kube-platform:cluster": '{"protect":"true"}' })), {
      protected: true,
      reason: "cluster.protect is true",
    });
    // Neither a boolean nor "true"/"false": not set.
    for (const raw of [
      '{"protect":1}',
      '{"protect":"yes"}',
      '{"target":"eks"}',
      "null",
      '"protect"',
      "not json",
    ])
      assert.deepStrictEqual(stackProtection(cfg({ "kube-platform:cluster": raw })), {
        protected: false,
        reason: "profile is dev",
      });
  });

  it("urnName and urnType", () => {
    assert.strictEqual(urnName("urn:pulumi:s::p::a:b:C::my-name"), "my-name");
    assert.strictEqual(urnName("no-separator"), "no-separator");
    assert.strictEqual(urnName("::at-start"), "at-start");
    assert.strictEqual(urnType("urn:pulumi:s::p::a:b:C::n"), "a:b:C");
    assert.strictEqual(urnType("urn:pulumi:s::p::parent:x:P$child:y:C::n"), "child:y:C");
    assert.strictEqual(urnType("no-separator"), "");
  });

  it("pulumiRefusals: the engine's protection errors only, once per URN", () => {
    const u1 = urn(CLUSTER, "kp");
    const u2 = urn(NS, "vault");
    const replaceMsg = `unable to replace resource ${JSON.stringify(u1)}\nas it is currently marked for protection.`;
    const deleteMsg = `Preview failed: resource ${JSON.stringify(u2)} cannot be deleted\nbecause it is protected.`;
    assert.deepStrictEqual(
      pulumiRefusals([
        diag(replaceMsg, "warning"),
        diag(deleteMsg, "info"),
        { stdoutEvent: { message: replaceMsg } },
        diag(replaceMsg),
        diag(replaceMsg),
        diag(deleteMsg),
        diag(`resource ${JSON.stringify(u2)} cannot be deleted because it is protected`),
        diag(`unable to replace resource ${JSON.stringify(u1)}: some other failure`),
        diag(`resource "bad\\q" cannot be deleted because it is protected`),
        diag("unrelated error"),
      ]),
      [
        { urn: u1, op: "replace" },
        { urn: u2, op: "delete" },
      ],
    );
    assert.deepStrictEqual(
      pulumiRefusals([diag(`resource "a\\"b" cannot be deleted because it is protected`)]),
      [{ urn: 'a"b', op: "delete" }],
    );
    assert.deepStrictEqual(pulumiRefusals([diag(`resource ${JSON.stringify(u2)} cannot be deleted`)]), []);
    // Only errors: the same text as a warning or info is not a refusal.
    assert.deepStrictEqual(pulumiRefusals([diag(replaceMsg, "warning"), diag(deleteMsg, "info")]), []);
  });

  it("replace, create-replacement and delete-replaced are replacements; delete a deletion; others nothing", () => {
    for (const op of ["replace", "create-replacement", "delete-replaced"]) {
      const [f] = findProtectedChanges([pre(step({ op, type: CLUSTER, name: "kp" }))]);
      assert.deepStrictEqual(f, {
        urn: urn(CLUSTER, "kp"),
        type: CLUSTER,
        name: "kp",
        op: "replace",
        reasons: [CLUSTER_REASON],
        replaceKeys: [],
        refusedByPulumi: false,
      });
    }
    const [d] = findProtectedChanges([pre(step({ op: "delete", type: CLUSTER, name: "kp" }))]);
    assert.strictEqual(d.op, "delete");
    assert.deepStrictEqual(d.reasons, [CLUSTER_REASON]);
    for (const op of ["create", "update", "same", "read", "discard", "import"])
      assert.deepStrictEqual(
        findProtectedChanges([pre(step({ op, type: CLUSTER, name: "kp", old: st(CLUSTER, "kp", true) }))]),
        [],
      );
    // Neither protected flag nor protected type: no finding.
    assert.deepStrictEqual(
      findProtectedChanges([pre(step({ op: "delete", type: DEPLOY, name: "web" }))]),
      [],
    );
    assert.deepStrictEqual(
      findProtectedChanges([
        pre(step({ op: "delete", type: DEPLOY, name: "web", old: st(DEPLOY, "web", false) })),
      ]),
      [],
    );
  });

  it("the type comes from the step, else its old, else its new state", () => {
    const viaOld = findProtectedChanges([
      pre({ op: "delete", urn: urn(NS, "a"), type: "", old: st(NS, "a"), new: null }),
    ]);
    assert.deepStrictEqual(
      viaOld.map((f) => [f.type, f.reasons]),
      [[NS, ["protected type: a namespace (deleting it deletes everything in it)"]]],
    );
    const viaNew = findProtectedChanges([
      pre({
        op: "replace",
        urn: urn(CLUSTER, "b"),
        type: "",
        old: { protect: false },
        new: st(CLUSTER, "b"),
      }),
    ]);
    assert.deepStrictEqual(
      viaNew.map((f) => [f.type, f.reasons]),
      [[CLUSTER, [CLUSTER_REASON]]],
    );
    const noOld = findProtectedChanges([
      pre({ op: "create-replacement", urn: urn(CLUSTER, "d"), type: "", old: null, new: st(CLUSTER, "d") }),
    ]);
    assert.deepStrictEqual(
      noOld.map((f) => [f.type, f.reasons]),
      [[CLUSTER, [CLUSTER_REASON]]],
    );
    const none = findProtectedChanges([
      pre({ op: "delete", urn: urn(DEPLOY, "c"), type: "", old: { protect: true }, new: null }),
    ]);
    assert.deepStrictEqual(
      none.map((f) => [f.type, f.reasons]),
      [["", ["protect: true"]]],
    );
  });

  it("protect flags: which replacements and deletions Pulumi refuses itself", () => {
    const find = (op: string, oldP?: boolean, newP?: boolean | null) =>
      findProtectedChanges([
        pre(
          step({
            op,
            type: DEPLOY,
            name: "api",
            old: st(DEPLOY, "api", oldP),
            new: newP === null ? null : st(DEPLOY, "api", newP),
          }),
        ),
      ]).map((f) => [f.op, f.reasons, f.refusedByPulumi]);
    assert.deepStrictEqual(find("replace", true, true), [["replace", ["protect: true"], true]]);
    assert.deepStrictEqual(find("replace", false, true), [["replace", ["protect: true"], false]]);
    assert.deepStrictEqual(find("replace", true, false), [
      ["replace", ["protect: true in the state (this update removes the flag)"], false],
    ]);
    // No new state seen: the flag is not known to be removed.
    assert.deepStrictEqual(find("replace", true, null), [["replace", ["protect: true"], false]]);
    // Nor when the step has no `new` at all (absent rather than null).
    const absent = findProtectedChanges([
      pre({ op: "replace", urn: urn(DEPLOY, "api"), type: DEPLOY, old: st(DEPLOY, "api", true) }),
    ]);
    assert.deepStrictEqual(
      absent.map((f) => [f.op, f.reasons, f.refusedByPulumi]),
      [["replace", ["protect: true"], false]],
    );
    // A deletion never "removes the flag", whatever new state the step carries.
    assert.deepStrictEqual(find("delete", true, false), [["delete", ["protect: true"], true]]);
    assert.deepStrictEqual(find("delete", true, null), [["delete", ["protect: true"], true]]);
    assert.deepStrictEqual(find("delete", false, true), [["delete", ["protect: true"], false]]);
    assert.deepStrictEqual(find("replace", false, false), []);
    assert.deepStrictEqual(find("delete", undefined, undefined), []);
  });

  it("the steps of one replacement merge: flags, keys once in order, the first inputs", () => {
    const u = urn(DEPLOY, "api");
    const findings = findProtectedChanges([
      pre({
        op: "create-replacement",
        urn: u,
        type: DEPLOY,
        old: null,
        new: st(DEPLOY, "api", false),
        keys: ["b", "a"],
      }),
      pre({ op: "replace", urn: u, type: DEPLOY, old: st(DEPLOY, "api", true), new: null, keys: ["a", "c"] }),
      pre({ op: "delete-replaced", urn: u, type: DEPLOY, old: st(DEPLOY, "api", false), new: null }),
    ]);
    assert.deepStrictEqual(findings, [
      {
        urn: u,
        type: DEPLOY,
        name: "api",
        op: "replace",
        reasons: ["protect: true in the state (this update removes the flag)"],
        replaceKeys: ["b", "a", "c"],
        refusedByPulumi: false,
      },
    ]);
    // A delete merged with a later replacement step of the same URN is a replacement.
    const merged = findProtectedChanges([
      pre(step({ op: "delete", type: DEPLOY, name: "x", old: st(DEPLOY, "x", true) })),
      pre(step({ op: "replace", type: DEPLOY, name: "x", new: st(DEPLOY, "x", true) })),
    ]);
    assert.deepStrictEqual(
      merged.map((f) => [f.op, f.reasons, f.refusedByPulumi]),
      [["replace", ["protect: true"], true]],
    );
  });

  it("the predicate sees the first old and the first new inputs (a LoadBalancer Service)", () => {
    const SVC = "kubernetes:core/v1:Service";
    const lb = { spec: { type: "LoadBalancer" } };
    const cip = { spec: { type: "ClusterIP" } };
    const reasonsOf = (steps: StepMetadataIn[]) => findProtectedChanges(steps.map(pre)).map((f) => f.reasons);
    const LB_REASON = /^protected type: the load balancer's Service/;
    const [[oldLb]] = reasonsOf([
      step({
        op: "replace",
        type: SVC,
        name: "s",
        old: st(SVC, "s", false, lb),
        new: st(SVC, "s", false, cip),
      }),
      step({ op: "delete-replaced", type: SVC, name: "s", old: st(SVC, "s", false, cip) }),
    ]);
    assert.match(oldLb, LB_REASON);
    const [[newLb]] = reasonsOf([
      step({
        op: "replace",
        type: SVC,
        name: "s",
        old: st(SVC, "s", false, cip),
        new: st(SVC, "s", false, lb),
      }),
      step({ op: "create-replacement", type: SVC, name: "s", new: st(SVC, "s", false, cip) }),
    ]);
    assert.match(newLb, LB_REASON);
    assert.deepStrictEqual(
      reasonsOf([
        step({
          op: "replace",
          type: SVC,
          name: "s",
          old: st(SVC, "s", false, cip),
          new: st(SVC, "s", false, cip),
        }),
        step({ op: "create-replacement", type: SVC, name: "s", new: st(SVC, "s", false, lb) }),
      ]),
      [],
    );
    // A deletion of a LoadBalancer Service is not a protected change of its type.
    assert.deepStrictEqual(
      reasonsOf([step({ op: "delete", type: SVC, name: "s", old: st(SVC, "s", false, lb) })]),
      [],
    );
  });

  it("a refresh's results are not planned changes; outputs events without a refresh are", () => {
    const u = urn(NS, "gone");
    const refreshPre = pre({ op: "refresh", urn: u, type: NS, old: st(NS, "gone"), new: null });
    const found = outs({ op: "delete", urn: u, type: NS, old: st(NS, "gone"), new: null });
    assert.deepStrictEqual(findProtectedChanges([refreshPre, found]), []);
    // Only the one outputs event after the refresh is skipped: a later one counts.
    assert.deepStrictEqual(
      findProtectedChanges([refreshPre, found, found]).map((f) => [f.name, f.op]),
      [["gone", "delete"]],
    );
    assert.deepStrictEqual(
      findProtectedChanges([found]).map((f) => [f.name, f.op]),
      [["gone", "delete"]],
    );
    // A refresh of another resource does not hide this one's outputs.
    assert.deepStrictEqual(
      findProtectedChanges([pre({ op: "refresh", urn: urn(NS, "other"), type: NS }), found]).map(
        (f) => f.name,
      ),
      ["gone"],
    );
    assert.deepStrictEqual(findProtectedChanges([{ cancelEvent: {} }, diag("x")]), []);
  });

  it("Pulumi's own refusals are findings even without step events, sorted by URN", () => {
    const uc = urn(CLUSTER, "kp");
    const ud = urn(DEPLOY, "db");
    const findings = findProtectedChanges([
      diag(`resource ${JSON.stringify(ud)} cannot be deleted\nbecause it is protected.`),
      diag(`unable to replace resource ${JSON.stringify(uc)}\nas it is currently marked for protection.`),
    ]);
    assert.deepStrictEqual(findings, [
      {
        urn: uc,
        type: CLUSTER,
        name: "kp",
        op: "replace",
        reasons: ["protect: true", CLUSTER_REASON],
        replaceKeys: [],
        refusedByPulumi: true,
      },
      {
        urn: ud,
        type: DEPLOY,
        name: "db",
        op: "delete",
        reasons: ["protect: true"],
        replaceKeys: [],
        refusedByPulumi: true,
      },
    ]);
    // A refusal after a step that removes the flag: Pulumi refused it, and it still is a replacement.
    const [f] = findProtectedChanges([
      pre(
        step({
          op: "replace",
          type: DEPLOY,
          name: "db",
          old: st(DEPLOY, "db", false),
          new: st(DEPLOY, "db", false),
        }),
      ),
      diag(`unable to replace resource ${JSON.stringify(ud)}\nas it is currently marked for protection.`),
    ]);
    assert.deepStrictEqual([f.op, f.reasons, f.refusedByPulumi], ["replace", ["protect: true"], true]);
    // A delete refusal merged with a deletion step keeps it a deletion.
    const [g] = findProtectedChanges([
      pre(step({ op: "delete", type: DEPLOY, name: "db", old: st(DEPLOY, "db", false) })),
      diag(`resource ${JSON.stringify(ud)} cannot be deleted\nbecause it is protected.`),
    ]);
    assert.deepStrictEqual([g.op, g.reasons, g.refusedByPulumi], ["delete", ["protect: true"], true]);
  });
});
