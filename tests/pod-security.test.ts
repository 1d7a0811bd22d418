/**
 * Pod Security admission versions are pinned to the cluster's Kubernetes minor on every namespace
 * the program creates (platform and app namespaces): with "latest", a control-plane upgrade would
 * apply the newer release's checks to running add-ons (Kubernetes docs, "Enforce Pod Security
 * Standards with Namespace Labels"). The minor comes from cluster.kubernetesVersion on every target.
 */
import * as assert from "node:assert/strict";
import { podSecurityLabels, podSecurityVersion } from "../components/kube/conventions";
import { ConfigError, parseConfig } from "../stacks/config";
import { ProgramRun, runProgram } from "../offline/mocks";
import { EXAMPLE_STACKS, SAMPLE_KUBECONFIG, exampleConfig, runExample } from "../offline/stacks";
import { get } from "../rules";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const VERSION_LABELS = [
  "pod-security.kubernetes.io/enforce-version",
  "pod-security.kubernetes.io/warn-version",
  "pod-security.kubernetes.io/audit-version",
];

/** Per namespace name, its three Pod Security version labels. */
function versions(r: ProgramRun): Record<string, string[]> {
  return Object.fromEntries(
    r.ofType(NAMESPACE).map((ns) => {
      const labels = get(ns.inputs, "metadata.labels") as Record<string, string>;
      return [get(ns.inputs, "metadata.name") as string, VERSION_LABELS.map((l) => labels[l])];
    }),
  );
}

const ctx = { project: "kube-platform", stack: "dev" };
function existingProblems(kubernetesVersion: unknown): string[] {
  try {
    parseConfig({ cluster: { target: "existing", kubernetesVersion }, kubeconfig: SAMPLE_KUBECONFIG }, ctx);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  return [];
}

describe("Pod Security versions pinned to the cluster's minor", () => {
  it("labels: every mode at the given minor, never latest", () => {
    assert.deepEqual(podSecurityLabels("baseline", "1.33"), {
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": "v1.33",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "v1.33",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "v1.33",
    });
    assert.equal(podSecurityVersion("1.34"), "v1.34");
    assert.throws(() => podSecurityVersion("latest"), {
      message: 'Pod Security version: expected a Kubernetes minor like "1.34", got "latest"',
    });
  });

  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    it(`${stack}: every namespace (add-ons and apps) pins enforce/warn/audit to v1.34`, async () => {
      const r = await runExample(stack);
      const found = versions(r);
      assert.ok(Object.keys(found).includes("hello"), "the app namespace is covered");
      assert.ok(Object.keys(found).includes("ingress"), "a platform namespace is covered");
      for (const [ns, v] of Object.entries(found)) assert.deepEqual(v, ["v1.34", "v1.34", "v1.34"], ns);
    });
  }

  it("follows cluster.kubernetesVersion: EKS at 1.33 pins v1.33 (and runs cluster-autoscaler v1.33.6)", async () => {
    const cfg = exampleConfig("eks-dev");
    // The example runs Karpenter: cluster-autoscaler (and its image) comes with its node groups.
    const cluster = {
      ...(cfg.cluster as Record<string, unknown>),
      kubernetesVersion: "1.33",
      nodeAutoscaling: "cluster-autoscaler",
      nodePools: [{ name: "general", machineType: "t3.large", minNodes: 1, maxNodes: 3 }],
    };
    const r = await runProgram({ ...cfg, cluster }, "eks-dev");
    const found = versions(r);
    assert.deepEqual(Object.keys(found).sort(), [
      "cert-manager",
      "cluster-autoscaler",
      "external-dns",
      "hello",
      "ingress",
      "metrics-server",
      "monitoring",
      "monitoring-node-exporter",
      "vault",
      "vault-setup",
    ]);
    for (const [ns, v] of Object.entries(found)) assert.deepEqual(v, ["v1.33", "v1.33", "v1.33"], ns);
    const autoscaler = r
      .ofType("kubernetes:helm.sh/v3:Release")
      .find((x) => x.inputs.chart === "cluster-autoscaler")!;
    assert.equal(get(autoscaler.inputs, "values.image.tag"), "v1.33.6");
  });

  it("existing clusters declare it: cluster.kubernetesVersion, default 1.34, validated like the managed targets", async () => {
    const parsed = (v?: string) => {
      const cfg = parseConfig(
        {
          cluster: { target: "existing", ...(v ? { kubernetesVersion: v } : {}) },
          kubeconfig: SAMPLE_KUBECONFIG,
        },
        ctx,
      );
      assert.ok(cfg.cluster.target === "existing");
      return cfg.cluster.kubernetesVersion;
    };
    assert.equal(parsed(), "1.34");
    assert.equal(parsed("1.35"), "1.35");
    assert.deepEqual(existingProblems("v1.34"), [
      'cluster.kubernetesVersion: got "v1.34"; must be a Kubernetes minor version like "1.34" (no patch level, no "v")',
    ]);
    assert.deepEqual(existingProblems("1.30"), [
      'cluster.kubernetesVersion: got "1.30"; must be 1.32 or newer (older versions are out of standard support)',
    ]);
    const cfg = exampleConfig("dev");
    const r = await runProgram(
      { ...cfg, cluster: { ...(cfg.cluster as Record<string, unknown>), kubernetesVersion: "1.35" } },
      "dev",
    );
    for (const [ns, v] of Object.entries(versions(r))) assert.deepEqual(v, ["v1.35", "v1.35", "v1.35"], ns);
  });
});
