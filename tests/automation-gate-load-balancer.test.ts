// The promotion gate on a LoadBalancer Service's replacement (automation/protected-types.ts): the
// engine's step events built as the engine writes them (tests/helpers/engine-events.ts), in the
// order of a delete-first replacement (pulumi pkg/resource/deploy/step_generator.go: delete-replaced,
// replace, create-replacement when deleteBeforeReplace) and of a create-first one, each state with
// the Service's inputs.

import * as assert from "assert";
import {
  decideGate,
  findProtectedChanges,
  protectedTypeReason,
  refusalMessage,
  type StackProtection,
} from "../automation/gate";
import { EventStream, type StepOptions } from "./helpers/engine-events";

const PROD: StackProtection = { protected: true, reason: "profile is prod" };
const DEV: StackProtection = { protected: false, reason: "profile is dev" };
const SERVICE = "kubernetes:core/v1:Service";
const NAME = "kp-addons-ingress-lb";
const REASON =
  "protected type: the load balancer's Service: replacing it deletes the cloud load balancer first — " +
  "minutes without ingress — and gives a new address";

/** A Service's inputs of `type` (the ingress Service's shape: components/addons/ingress-service.ts). */
function serviceInputs(type: string, loadBalancerClass?: string): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "traefik", namespace: "ingress" },
    spec: {
      type,
      ...(type === "LoadBalancer" ? { externalTrafficPolicy: "Local" } : {}),
      ...(loadBalancerClass !== undefined ? { loadBalancerClass } : {}),
      selector: { "app.kubernetes.io/name": "traefik" },
    },
  };
}

/** The engine's steps of a delete-first replacement (the ingress Service's deleteBeforeReplace). */
function deleteFirstReplace(s: EventStream, o: StepOptions): EventStream {
  for (const op of ["delete-replaced", "replace", "create-replacement"] as const)
    s.step(op, SERVICE, NAME, o);
  return s;
}

/** The EKS upgrade's replacement: the in-tree Service to the controller's class, both LoadBalancer. */
const CLASS_CHANGE: StepOptions = {
  oldInputs: serviceInputs("LoadBalancer"),
  inputs: serviceInputs("LoadBalancer", "service.k8s.aws/nlb"),
  keys: ["spec.loadBalancerClass"],
  planning: true,
};

describe("automation: the gate holds a LoadBalancer Service's replacement", () => {
  it("prod: refused without --allow-replace, naming the outage and the new address; --allow-replace passes", () => {
    const s = deleteFirstReplace(new EventStream("prod").prelude(), CLASS_CHANGE)
      .summary({ replace: 1 }, { isPreview: true, result: "succeeded" })
      .cancel();
    const findings = findProtectedChanges(s.events);
    const urn = s.urn(SERVICE, NAME);
    assert.deepStrictEqual(findings, [
      {
        urn,
        type: SERVICE,
        name: NAME,
        op: "replace",
        reasons: [REASON],
        replaceKeys: ["spec.loadBalancerClass"],
        refusedByPulumi: false,
      },
    ]);
    const refused = decideGate(PROD, findings, false);
    assert.strictEqual(refused.refused, true);
    assert.strictEqual(decideGate(PROD, findings, true).refused, false);
    assert.strictEqual(
      refusalMessage("prod", refused, "up"),
      "up refused on protected stack prod (profile is prod): 1 protected resource would be replaced or " +
        "deleted. Review the preview and re-run with --allow-replace to proceed.\n" +
        `  - kubernetes:core/v1:Service "${NAME}" would be replaced (replacement forced by: ` +
        `spec.loadBalancerClass): ${REASON} [${urn}]`,
    );
  });

  it("an unprotected (dev) stack is not held", () => {
    const s = deleteFirstReplace(new EventStream("dev").prelude(), CLASS_CHANGE);
    const decision = decideGate(DEV, findProtectedChanges(s.events), false);
    assert.deepStrictEqual([decision.checked, decision.refused, decision.findings], [false, false, []]);
  });

  it("a create-first replacement and the engine's steps alone (replace only) are held the same", () => {
    const createFirst = new EventStream("prod").replace(SERVICE, NAME, CLASS_CHANGE);
    assert.deepStrictEqual(
      findProtectedChanges(createFirst.events).map((f) => [f.name, f.op, f.reasons]),
      [[NAME, "replace", [REASON]]],
    );
    const replaceOnly = new EventStream("prod").step("replace", SERVICE, NAME, CLASS_CHANGE);
    assert.deepStrictEqual(
      findProtectedChanges(replaceOnly.events).map((f) => f.reasons),
      [[REASON]],
    );
  });

  it("LoadBalancer in either state counts: a type change to or from LoadBalancer is held", () => {
    for (const [from, to] of [
      ["LoadBalancer", "NodePort"],
      ["NodePort", "LoadBalancer"],
      ["ClusterIP", "LoadBalancer"],
    ]) {
      const s = deleteFirstReplace(new EventStream("prod"), {
        oldInputs: serviceInputs(from),
        inputs: serviceInputs(to),
        keys: ["spec.type"],
      });
      assert.deepStrictEqual(
        findProtectedChanges(s.events).map((f) => [f.name, f.reasons]),
        [[NAME, [REASON]]],
        `${from} → ${to}`,
      );
    }
  });

  it("ClusterIP and NodePort Services' replacements stay allowed, as does a Service without a spec", () => {
    for (const type of ["ClusterIP", "NodePort"]) {
      const s = deleteFirstReplace(new EventStream("prod"), {
        inputs: serviceInputs(type),
        keys: ["spec.clusterIP"],
      });
      assert.deepStrictEqual(findProtectedChanges(s.events), [], type);
      assert.strictEqual(decideGate(PROD, findProtectedChanges(s.events), false).refused, false, type);
    }
    const noSpec = deleteFirstReplace(new EventStream("prod"), { inputs: {} });
    assert.deepStrictEqual(findProtectedChanges(noSpec.events), []);
  });

  it("only a replacement: a LoadBalancer Service's update, or its deletion, is not held", () => {
    const lb = { inputs: serviceInputs("LoadBalancer", "service.k8s.aws/nlb") };
    const s = new EventStream("prod")
      .step("update", SERVICE, "updated", { ...lb, diffs: ["metadata"] })
      .step("delete", SERVICE, "deleted", lb);
    assert.deepStrictEqual(findProtectedChanges(s.events), []);
  });

  it("the predicate: LoadBalancer in the old or new inputs' spec.type, replacements only", () => {
    const lb = serviceInputs("LoadBalancer");
    const reason = REASON.replace("protected type: ", "");
    assert.strictEqual(protectedTypeReason(SERVICE, { op: "replace", oldInputs: lb }), reason);
    assert.strictEqual(protectedTypeReason(SERVICE, { op: "replace", newInputs: lb }), reason);
    assert.strictEqual(protectedTypeReason(SERVICE, { op: "delete", oldInputs: lb }), undefined);
    assert.strictEqual(protectedTypeReason(SERVICE, { op: "replace" }), undefined);
    assert.strictEqual(
      protectedTypeReason(SERVICE, { op: "replace", oldInputs: { spec: { type: ["LoadBalancer"] } } }),
      undefined,
    );
    assert.strictEqual(protectedTypeReason(SERVICE, { op: "replace", oldInputs: { spec: null } }), undefined);
    // Unconditional entries hold every replacement and deletion, whatever the inputs.
    assert.strictEqual(
      protectedTypeReason("kubernetes:core/v1:Namespace", { op: "delete" }),
      "a namespace (deleting it deletes everything in it)",
    );
    assert.strictEqual(protectedTypeReason("kubernetes:apps/v1:Deployment", { op: "replace" }), undefined);
  });
});
