// The promotion gate's verdict and its text (automation/gate.ts decideGate, describeFinding,
// refusalMessage), with literal expectations: refused only on a protected stack with findings and
// no --allow-replace, and the exact refusal naming each resource, why, and what to do.

import * as assert from "assert";
import { decideGate, describeFinding, refusalMessage, type GateFinding } from "../automation/gate";

const urn = (type: string, name: string) => `urn:pulumi:prod::kube-platform::${type}::${name}`;
const CLUSTER = "aws:eks/cluster:Cluster";
const NS = "kubernetes:core/v1:Namespace";
const CLUSTER_REASON = "protected type: the cluster (replacing it recreates every workload)";
const PROD = { protected: true, reason: "profile is prod" };

describe("automation: the gate's verdict and refusal, literally", () => {
  it("decideGate: refused only on a protected stack with findings and no --allow-replace", () => {
    const finding: GateFinding = {
      urn: urn(CLUSTER, "kp"),
      type: CLUSTER,
      name: "kp",
      op: "replace",
      reasons: [CLUSTER_REASON],
      replaceKeys: [],
      refusedByPulumi: false,
    };
    const dev = { protected: false, reason: "profile is dev" };
    assert.deepStrictEqual(decideGate(PROD, [finding], false), {
      checked: true,
      protection: PROD,
      findings: [finding],
      allowReplace: false,
      refused: true,
    });
    assert.deepStrictEqual(decideGate(PROD, [finding], true), {
      checked: true,
      protection: PROD,
      findings: [finding],
      allowReplace: true,
      refused: false,
    });
    assert.deepStrictEqual(decideGate(PROD, [], false), {
      checked: true,
      protection: PROD,
      findings: [],
      allowReplace: false,
      refused: false,
    });
    assert.deepStrictEqual(decideGate(dev, [finding], false), {
      checked: false,
      protection: dev,
      findings: [],
      allowReplace: false,
      refused: false,
    });
  });

  it("describeFinding and refusalMessage: the exact text", () => {
    const replace: GateFinding = {
      urn: urn(CLUSTER, "kp"),
      type: CLUSTER,
      name: "kp",
      op: "replace",
      reasons: ["protect: true", CLUSTER_REASON],
      replaceKeys: ["name", "roleArn"],
      refusedByPulumi: true,
    };
    const del: GateFinding = {
      urn: urn(NS, "vault"),
      type: NS,
      name: "vault",
      op: "delete",
      reasons: ["protected type: a namespace (deleting it deletes everything in it)"],
      replaceKeys: [],
      refusedByPulumi: false,
    };
    const replaceLine =
      'aws:eks/cluster:Cluster "kp" would be replaced (replacement forced by: name, roleArn): protect: true; ' +
      "protected type: the cluster (replacing it recreates every workload); Pulumi refuses this step itself: " +
      "unprotect the resource first in a reviewed change [urn:pulumi:prod::kube-platform::aws:eks/cluster:Cluster::kp]";
    const deleteLine =
      'kubernetes:core/v1:Namespace "vault" would be deleted: protected type: a namespace (deleting it deletes ' +
      "everything in it) [urn:pulumi:prod::kube-platform::kubernetes:core/v1:Namespace::vault]";
    assert.strictEqual(describeFinding(replace), replaceLine);
    assert.strictEqual(describeFinding(del), deleteLine);
    assert.strictEqual(
      refusalMessage("prod", decideGate(PROD, [del], false), "destroy"),
      "destroy refused on protected stack prod (profile is prod): 1 protected resource would be replaced or " +
        "deleted. Review the preview and re-run with --allow-replace to proceed.\n" +
        `  - ${deleteLine}`,
    );
    assert.strictEqual(
      refusalMessage(
        "live",
        decideGate({ protected: true, reason: "cluster.protect is true" }, [replace, del], false),
        "up",
      ),
      "up refused on protected stack live (cluster.protect is true): 2 protected resources would be replaced or " +
        "deleted. Review the preview and re-run with --allow-replace to proceed.\n" +
        `  - ${replaceLine}\n  - ${deleteLine}`,
    );
  });
});
