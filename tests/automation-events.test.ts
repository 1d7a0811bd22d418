// The engine's event streams, built field by field as the engine writes them
// (tests/helpers/engine-events.ts, in the orders of pulumi/pulumi
// pkg/engine/lifecycletest/testdata/output/*/eventstream.json), replayed through the promotion gate
// (findProtectedChanges/decideGate) and the progress output (ProgressTracker): one stream per
// scenario (success, failure, protection refusal, policy violation, cancellation, refresh), and
// the failure text the driver builds from them (withEngineEvidence).

import * as assert from "assert";
import { EXIT } from "../automation/exit-codes";
import { withEngineEvidence, type ClassifiedError } from "../automation/errors";
import { decideGate, findProtectedChanges, pulumiRefusals, type StackProtection } from "../automation/gate";
import { ProgressTracker, type Operation, type ProgressMode } from "../automation/progress";
import {
  EventStream,
  protectedDeleteMessage,
  protectedReplaceMessage,
  type EngineEvent,
} from "./helpers/engine-events";

const PROD: StackProtection = { protected: true, reason: "profile is prod" };
const VPC = "aws:ec2/vpc:Vpc";
const CLUSTER = "aws:eks/cluster:Cluster";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

function replay(events: readonly EngineEvent[], mode: ProgressMode, operation: Operation, stack = "dev") {
  const tracker = new ProgressTracker(stack, mode, () => 0, operation);
  const lines = events.flatMap((e) => tracker.handle(e));
  return { tracker, lines };
}

/** The CLI's bail: exit 1, nothing on stderr (what classifyError makes of it). */
const BAIL: ClassifiedError = {
  kind: "failed",
  message: "the Pulumi CLI exited with code 1 without an error message",
  exitCode: EXIT.failed,
};

describe("automation: engine event streams through the gate and the progress output", () => {
  it("success: one line per completed step, the summary's real fields, nothing for the gate", () => {
    const s = new EventStream("dev")
      .prelude()
      .step("create", VPC, "vpc")
      .step("update", CLUSTER, "kp", { diffs: ["version"] })
      .step("same", NAMESPACE, "apps")
      .summary({ create: 1, update: 1, same: 1 }, { isPreview: false, result: "succeeded" })
      .cancel();
    const { tracker, lines } = replay(s.events, "apply", "up");
    assert.deepStrictEqual(lines, [
      `[dev] + created aws:ec2/vpc:Vpc "vpc" (0.0s)`,
      `[dev] ~ updated aws:eks/cluster:Cluster "kp" (changed: version) (0.0s)`,
    ]);
    assert.deepStrictEqual(tracker.summary, { create: 1, update: 1, same: 1 });
    assert.deepStrictEqual(tracker.outcome, { result: "succeeded", isPreview: false, policyPacks: {} });
    assert.deepStrictEqual([tracker.errors, tracker.policyViolations, tracker.cancelled], [[], [], false]);
    const decision = decideGate(PROD, findProtectedChanges(s.events), false);
    assert.deepStrictEqual([decision.checked, decision.refused, decision.findings], [true, false, []]);
  });

  it("failure: the provider's error and the engine's closing diagnostic, once each in the failure text", () => {
    const s = new EventStream("dev").prelude().step("create", VPC, "vpc");
    const cluster = s.metadata("create", CLUSTER, "kp");
    s.pre(cluster)
      .diagnostic("creating EKS Cluster: AccessDeniedException\n  status code: 403", { urn: cluster.urn })
      .failed(cluster)
      .diagnostic("update failed")
      .summary({ create: 1 }, { isPreview: false, result: "failed" })
      .cancel();
    const { tracker, lines } = replay(s.events, "apply", "up");
    assert.deepStrictEqual(lines, [
      `[dev] + created aws:ec2/vpc:Vpc "vpc" (0.0s)`,
      `[dev] error: kp: creating EKS Cluster: AccessDeniedException`,
      `[dev]       status code: 403`,
      `[dev] x failed to create aws:eks/cluster:Cluster "kp"`,
      `[dev] error: update failed`,
    ]);
    assert.deepStrictEqual(tracker.outcome?.result, "failed");
    const expected = "creating EKS Cluster: AccessDeniedException\n  status code: 403\nupdate failed";
    // The bail path: the engine's diagnostics replace the CLI's empty stderr.
    assert.deepStrictEqual(withEngineEvidence(BAIL, tracker), { ...BAIL, message: expected });
    // The --diff display repeats every diagnostic on stderr: still each line once.
    const diffDisplay: ClassifiedError = {
      kind: "failed",
      message: "error: creating EKS Cluster: AccessDeniedException\nstatus code: 403\nerror: update failed",
      exitCode: EXIT.failed,
    };
    assert.strictEqual(withEngineEvidence(diffDisplay, tracker).message, expected);
  });

  it("protection refusal in a preview: the engine's diagnostic comes before the steps; the gate refuses", () => {
    const s = new EventStream("prod").prelude();
    const urn = s.urn(CLUSTER, "kp");
    s.diagnostic(protectedReplaceMessage(urn), { urn })
      .replace(CLUSTER, "kp", { protect: true, keys: ["name"], planning: true })
      .diagnostic("preview failed")
      .summary({ replace: 1 }, { isPreview: true, result: "failed" })
      .cancel();
    const findings = findProtectedChanges(s.events);
    assert.deepStrictEqual(findings, [
      {
        urn,
        type: CLUSTER,
        name: "kp",
        op: "replace",
        reasons: ["protect: true", "protected type: the cluster (replacing it recreates every workload)"],
        replaceKeys: ["name"],
        refusedByPulumi: true,
      },
    ]);
    assert.strictEqual(decideGate(PROD, findings, false).refused, true);
    assert.strictEqual(decideGate(PROD, findings, true).refused, false);
    const { lines } = replay(s.events, "preview", "preview", "prod");
    assert.deepStrictEqual(lines, [
      `[prod] error: kp: unable to replace resource "${urn}"`,
      "[prod]     as it is currently marked for protection. To unprotect the resource, remove the `protect` " +
        "flag from the resource in your Pulumi program and run `pulumi up`",
      `[prod] +- replace aws:eks/cluster:Cluster "kp" (replacement forced by: name)`,
      `[prod] error: preview failed`,
    ]);
  });

  it("protection refusal in an up: no step events at all, the gate still names the resource from the diagnostic", () => {
    const s = new EventStream("prod").prelude();
    const urn = s.urn(`kube-platform:cluster:Eks$${CLUSTER}`, "kp");
    s.diagnostic(protectedReplaceMessage(urn), { urn })
      .summary({}, { isPreview: false, result: "failed" })
      .cancel();
    assert.deepStrictEqual(pulumiRefusals(s.events), [{ urn, op: "replace" }]);
    const [finding] = findProtectedChanges(s.events);
    assert.deepStrictEqual(
      [finding.type, finding.name, finding.op, finding.refusedByPulumi, finding.reasons[0]],
      [CLUSTER, "kp", "replace", true, "protect: true"],
    );
    const { tracker } = replay(s.events, "apply", "up", "prod");
    // No closing "update failed": the step generator bailed.
    assert.strictEqual(
      withEngineEvidence(BAIL, tracker).message,
      `unable to replace resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, ` +
        "remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`",
    );
  });

  it("protected deletes: after the delete step, in a destroy preview and an update; other steps go on", () => {
    const preview = new EventStream("prod").prelude();
    const ns = preview.urn(NAMESPACE, "vault");
    preview
      .pre(preview.metadata("delete", NAMESPACE, "vault", { protect: true }), true)
      .diagnostic(protectedDeleteMessage(ns, true), { urn: ns })
      .diagnostic("preview failed")
      .summary({}, { isPreview: true, result: "failed" })
      .cancel();
    assert.deepStrictEqual(pulumiRefusals(preview.events), [{ urn: ns, op: "delete" }]);
    assert.deepStrictEqual(
      findProtectedChanges(preview.events).map((f) => [f.name, f.op, f.refusedByPulumi]),
      [["vault", "delete", true]],
    );

    const up = new EventStream("prod").prelude();
    const del = up.metadata("delete", NAMESPACE, "vault", { protect: true });
    up.pre(del)
      .diagnostic(protectedDeleteMessage(ns), { urn: ns })
      .failed(del)
      .step("delete", VPC, "old")
      .diagnostic("update failed")
      .summary({ delete: 1 }, { isPreview: false, result: "failed" })
      .cancel();
    const { tracker, lines } = replay(up.events, "apply", "up", "prod");
    assert.deepStrictEqual(lines, [
      `[prod] error: vault: resource "${ns}" cannot be deleted`,
      "[prod]     because it is protected. To unprotect the resource, either remove the `protect` flag from " +
        "the resource in your Pulumi program and run `pulumi up`, or use the command:",
      `[prod]     \`pulumi state unprotect '${ns}'\``,
      `[prod] x failed to delete kubernetes:core/v1:Namespace "vault"`,
      `[prod] - deleted aws:ec2/vpc:Vpc "old" (0.0s)`,
      `[prod] error: update failed`,
    ]);
    assert.deepStrictEqual([...tracker.failedUrns], [ns]);
  });

  it("policy violations: one line per violation naming the policy, the finding first; a mandatory one stops an up silently", () => {
    const s = new EventStream("dev").policyLoad().prelude();
    const kp = s.urn(CLUSTER, "kp");
    s.policy(kp, {
      policy: "eks-control-plane-logs",
      level: "advisory",
      description: "EKS control plane logging is on [CKV_AWS_37]",
      message: "waived (a throwaway dev cluster): control plane logging is off",
    })
      .policy(kp, {
        policy: "eks-endpoint-access",
        level: "mandatory",
        description: "the EKS API endpoint is not public [CKV_AWS_39]",
        message: "the API endpoint is public",
      })
      .policySummary(kp, ["eks-control-plane-logs", "eks-endpoint-access"])
      .summary(
        {},
        { isPreview: false, result: "failed", policyPacks: { "kube-platform|local|policy": "0.1.0" } },
      )
      .cancel();
    const { tracker, lines } = replay(s.events, "apply", "up");
    // The finding leads (a waiver's reason on the first line), the policy's description under it.
    assert.deepStrictEqual(lines, [
      "[dev] policy advisory kube-platform/eks-control-plane-logs: kp: waived (a throwaway dev cluster): control plane logging is off",
      "[dev]     EKS control plane logging is on [CKV_AWS_37]",
      "[dev] policy mandatory kube-platform/eks-endpoint-access: kp: the API endpoint is public",
      "[dev]     the EKS API endpoint is not public [CKV_AWS_39]",
    ]);
    assert.deepStrictEqual(tracker.policyViolations, [
      {
        policyPack: "kube-platform",
        policyPackVersion: "0.1.0",
        policyName: "eks-control-plane-logs",
        enforcementLevel: "advisory",
        // The report keeps the engine's whole text.
        message:
          "EKS control plane logging is on [CKV_AWS_37]\nwaived (a throwaway dev cluster): control plane logging is off",
        urn: kp,
      },
      {
        policyPack: "kube-platform",
        policyPackVersion: "0.1.0",
        policyName: "eks-endpoint-access",
        enforcementLevel: "mandatory",
        message: "the EKS API endpoint is not public [CKV_AWS_39]\nthe API endpoint is public",
        urn: kp,
      },
    ]);
    assert.deepStrictEqual(tracker.outcome?.policyPacks, { "kube-platform|local|policy": "0.1.0" });
    // The CLI exits 1 (its policy code is not used yet) and the engine sends no error diagnostic.
    assert.deepStrictEqual(withEngineEvidence(BAIL, tracker), {
      kind: "policy",
      message:
        "policy mandatory kube-platform/eks-endpoint-access: kp: the API endpoint is public " +
        "(the EKS API endpoint is not public [CKV_AWS_39])",
      exitCode: EXIT.policy,
    });
    // Advisory only: not a policy failure.
    const advisory = { ...tracker, policyViolations: tracker.policyViolations.slice(0, 1) };
    assert.strictEqual(withEngineEvidence(BAIL, advisory).kind, "failed");
  });

  it("cancellation: the engine's \"update canceled\" becomes the operation's own wording", () => {
    const stream = () =>
      new EventStream("dev")
        .prelude()
        .stdout("^C received; cancelling. If you would like to terminate immediately, press ^C again.\n")
        .step("delete", VPC, "vpc")
        .diagnostic("update canceled")
        .summary({ delete: 1 }, { isPreview: false, result: "failed" })
        .cancel();
    const expected: Record<Operation, string> = {
      up: "update",
      destroy: "destroy",
      refresh: "refresh",
      preview: "preview",
    };
    for (const op of ["up", "destroy", "refresh"] as const) {
      const { tracker, lines } = replay(stream().events, "apply", op);
      assert.deepStrictEqual(lines, [
        `[dev] - deleted aws:ec2/vpc:Vpc "vpc" (0.0s)`,
        `[dev] ${expected[op]} cancelled: Pulumi stopped after the operations in flight`,
      ]);
      assert.deepStrictEqual([tracker.cancelled, tracker.errors], [true, []]);
      assert.deepStrictEqual(withEngineEvidence(BAIL, tracker), {
        kind: "cancelled",
        message: "cancelled",
        exitCode: EXIT.cancelled,
      });
    }
    const preview = new EventStream("dev").prelude().diagnostic("preview canceled").cancel();
    assert.deepStrictEqual(replay(preview.events, "preview", "preview").lines, [
      "[dev] preview cancelled: Pulumi stopped after the operations in flight",
    ]);
  });

  it("refresh: drift lines in a refresh; a refresh preview prints none and the gate ignores what it found", () => {
    const s = new EventStream("prod").prelude();
    s.refresh("update", "aws:eks/nodeGroup:NodeGroup", "general", {
      diffs: ["scalingConfig"],
      planning: true,
    })
      .refresh("delete", PVC, "data", { planning: true })
      .refresh("same", VPC, "vpc", { planning: true })
      .step("update", CLUSTER, "kp", { diffs: ["tags"], planning: true })
      .summary({ update: 2, delete: 1, same: 1 }, { isPreview: true, result: "succeeded" })
      .cancel();
    assert.deepStrictEqual(
      findProtectedChanges(s.events),
      [],
      "a resource gone outside Pulumi is not deleted",
    );
    assert.deepStrictEqual(replay(s.events, "preview", "refresh", "prod").lines, [
      `[prod] ~ update aws:eks/cluster:Cluster "kp" (changed: tags)`,
    ]);
    assert.deepStrictEqual(replay(s.events, "apply", "refresh", "prod").lines, [
      `[prod] ~ refreshed aws:eks/nodeGroup:NodeGroup "general" (changed: scalingConfig) (0.0s)`,
      `[prod] - refreshed kubernetes:core/v1:PersistentVolumeClaim "data": deleted outside Pulumi, removed from the state (0.0s)`,
      `[prod] ~ updated aws:eks/cluster:Cluster "kp" (changed: tags) (0.0s)`,
    ]);
    // The same PVC deleted by an update is a protected deletion.
    const del = new EventStream("prod").step("delete", PVC, "data", { planning: true });
    assert.deepStrictEqual(
      findProtectedChanges(del.events).map((f) => f.name),
      ["data"],
    );
  });
});
