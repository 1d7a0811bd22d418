/**
 * The ingress namespace of every example stack as the program registers it (index.ts under mocks):
 * on EKS the AWS Load Balancer Controller's pod readiness gate label (the cluster's
 * loadBalancer.controllerNamespaceLabels) beside the Pod Security labels, elsewhere only those.
 */
import * as assert from "node:assert/strict";
import { EXAMPLE_STACKS, runExample } from "../offline/stacks";
import { ProgramRun } from "../offline/mocks";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const GATE = { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" };

/** The labels every platform namespace of Pod Security restricted carries at Kubernetes 1.34. */
const RESTRICTED = {
  "app.kubernetes.io/part-of": "kube-platform",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/audit-version": "v1.34",
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/enforce-version": "v1.34",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/warn-version": "v1.34",
};

/** Per example stack: the ingress namespace's labels. */
const EXPECTED: Record<string, Record<string, string>> = {
  prod: { ...GATE, ...RESTRICTED },
  "eks-dev": { ...GATE, ...RESTRICTED },
  dev: RESTRICTED,
  gke: RESTRICTED,
  aks: RESTRICTED,
  doks: RESTRICTED,
};

const ingressNamespace = (r: ProgramRun) => r.one(NAMESPACE, "kp-addons-ingress-ns");

describe("the ingress namespace on every example stack", function () {
  it("has an expectation for every example", () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), Object.keys(EXAMPLE_STACKS).sort());
  });

  for (const [stack, labels] of Object.entries(EXPECTED)) {
    it(`${stack}: ${"elbv2.k8s.aws/pod-readiness-gate-inject" in labels ? "the readiness gate label and " : ""}the Pod Security labels`, async () => {
      const ns = ingressNamespace(await runExample(stack));
      assert.deepEqual(ns.inputs.metadata, { name: "ingress", labels });
    });
  }

  it("no other namespace of the EKS stacks carries the label (only the ingress pods sit behind an NLB)", async () => {
    for (const stack of ["prod", "eks-dev"]) {
      const r = await runExample(stack);
      const labelled = r
        .ofType(NAMESPACE)
        .filter((n) => {
          const labels = (n.inputs.metadata as { labels?: Record<string, string> }).labels ?? {};
          return "elbv2.k8s.aws/pod-readiness-gate-inject" in labels;
        })
        .map((n) => n.name);
      assert.deepEqual(labelled, ["kp-addons-ingress-ns"], stack);
    }
  });
});
