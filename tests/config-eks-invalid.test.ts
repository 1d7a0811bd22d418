/**
 * EKS stack config (stacks/cluster/eks.ts, eks-karpenter.ts) on invalid input: the section's
 * cross-checks run even when a key failed its type (the refinement runs ALWAYS), so each of these
 * lists the type errors only (no TypeError, no second problem from a check reading the bad value);
 * the bounds of the system pool's disk, the enums given explicitly, kubeconfigProfile's length; and
 * the exported Karpenter helpers on unchecked input.
 */
import * as assert from "assert";
import { EksSettings } from "../components/cluster/types";
import { parseConfig } from "../stacks/config";
import { karpenterPoolOf, karpenterProblems } from "../stacks/cluster/eks-karpenter";
import { problemsOf as problemsIn } from "./helpers/config-problems";

const ctx = { project: "kube-platform", stack: "eks" };
const EKS = { target: "eks", region: "eu-west-1", publicAccessCidrs: ["198.18.0.0/24"] };
const KARPENTER = { ...EKS, nodeAutoscaling: "karpenter" };
const ONLY_WITH_KARPENTER = "only with cluster.nodeAutoscaling: karpenter (it is cluster-autoscaler)";

const problemsOf = (cluster: Record<string, unknown>, base: Record<string, unknown> = {}) =>
  problemsIn({ ...base, cluster }, ctx);
const settingsOf = (cluster: Record<string, unknown>): EksSettings => {
  const c = parseConfig({ cluster }, ctx).cluster;
  assert.ok(c.target === "eks");
  return c;
};
const pool = (fields: Record<string, unknown>) => ({ nodePools: [{ name: "general", ...fields }] });

describe("EKS config: nodePools of the wrong type reach the cross-checks", () => {
  it("nodePools that is not a list: the type error only, with either autoscaler", () => {
    for (const cluster of [EKS, KARPENTER])
      assert.deepStrictEqual(problemsOf({ ...cluster, nodePools: "general" }), [
        'cluster.nodePools: got "general"; expected array',
      ]);
  });

  it("entries that are no object (null, a string, a number): one type error each, with either autoscaler", () => {
    for (const cluster of [EKS, KARPENTER])
      assert.deepStrictEqual(problemsOf({ ...cluster, nodePools: [null, "general", 5] }), [
        "cluster.nodePools[0]: got null; expected object",
        'cluster.nodePools[1]: got "general"; expected object',
        "cluster.nodePools[2]: got 5; expected object",
      ]);
  });

  it("a pool after an entry that is no object keeps its own index in the Karpenter problems", () => {
    assert.deepStrictEqual(
      problemsOf({ ...EKS, nodePools: [null, { name: "general", capacityTypes: ["spot"] }] }),
      [
        "cluster.nodePools[0]: got null; expected object",
        `cluster.nodePools[1].capacityTypes: got ["spot"]; is a Karpenter NodePool field: ${ONLY_WITH_KARPENTER}`,
      ],
    );
    assert.deepStrictEqual(problemsOf({ ...KARPENTER, nodePools: ["general", { name: "system" }] }), [
      'cluster.nodePools[0]: got "general"; expected object',
      'cluster.nodePools[1].name: got "system"; is the name of Karpenter\'s system node groups (cluster.karpenter.systemPool); choose another',
    ]);
  });
});

describe("EKS config: a Karpenter pool's fields of the wrong type", () => {
  it("machineType that is no string: the type error only, also beside an architecture", () => {
    assert.deepStrictEqual(problemsOf({ ...KARPENTER, ...pool({ machineType: 5 }) }), [
      "cluster.nodePools[0].machineType: got 5; expected string",
    ]);
    assert.deepStrictEqual(problemsOf({ ...KARPENTER, ...pool({ machineType: 5, architecture: "arm64" }) }), [
      "cluster.nodePools[0].machineType: got 5; expected string",
    ]);
  });

  it("instance types that are no string are skipped by the architecture check; the strings are checked", () => {
    assert.deepStrictEqual(
      problemsOf({ ...KARPENTER, ...pool({ instanceTypes: [5], architecture: "arm64" }) }),
      ["cluster.nodePools[0].instanceTypes[0]: got 5; expected string"],
    );
    assert.deepStrictEqual(
      problemsOf({ ...KARPENTER, ...pool({ instanceTypes: [5, "m7g.large"], architecture: "amd64" }) }),
      [
        "cluster.nodePools[0].instanceTypes[0]: got 5; expected string",
        'cluster.nodePools[0].architecture: got "amd64"; contradicts instanceTypes (m7g.large: arm64)',
      ],
    );
  });

  it("a mix of architectures beside an architecture: the mix only (no contradiction with no architecture)", () => {
    assert.deepStrictEqual(
      problemsOf({
        ...KARPENTER,
        ...pool({ instanceTypes: ["m7i.large", "m7g.large"], architecture: "amd64" }),
      }),
      [
        'cluster.nodePools[0].instanceTypes: got ["m7i.large","m7g.large"]; mixes amd64 (m7i.large) and arm64 (m7g.large): one pool has one architecture; split it into two pools',
      ],
    );
  });

  it("a contradicted architecture lists every family, comma-separated", () => {
    assert.deepStrictEqual(
      problemsOf({ ...KARPENTER, ...pool({ instanceFamilies: ["c7g", "m7g"], architecture: "amd64" }) }),
      ['cluster.nodePools[0].architecture: got "amd64"; contradicts instanceFamilies (c7g, m7g: arm64)'],
    );
  });

  it("minNodes that is no number: the type error only (not the Karpenter minimum)", () => {
    assert.deepStrictEqual(problemsOf({ ...KARPENTER, ...pool({ minNodes: "3" }) }), [
      'cluster.nodePools[0].minNodes: got "3"; expected number',
    ]);
  });

  it("labels null: the type error only", () => {
    assert.deepStrictEqual(problemsOf({ ...KARPENTER, ...pool({ labels: null }) }), [
      "cluster.nodePools[0].labels: got null; expected record",
    ]);
  });

  it("an unknown AMI family: its error only, the version is not checked against it", () => {
    assert.deepStrictEqual(
      problemsOf({ ...KARPENTER, karpenter: { amiFamily: "al2", amiVersion: "20250807" } }),
      ['cluster.karpenter.amiFamily: got "al2"; allowed: "al2023" | "bottlerocket"'],
    );
  });

  it("addons or addons.clusterAutoscaler null beside Karpenter: the type error only", () => {
    assert.deepStrictEqual(problemsOf(KARPENTER, { addons: null }), ["addons: got null; expected object"]);
    assert.deepStrictEqual(problemsOf(KARPENTER, { addons: { clusterAutoscaler: null } }), [
      "addons.clusterAutoscaler: got null; expected object",
    ]);
  });
});

describe("EKS config: bounds and enums given explicitly", () => {
  it("the system pool's disk: 20 to 16384 GB", () => {
    const disk = (diskSizeGb: number) => ({ ...KARPENTER, karpenter: { systemPool: { diskSizeGb } } });
    assert.strictEqual(settingsOf(disk(20)).karpenter?.systemPool.diskSizeGb, 20);
    assert.strictEqual(settingsOf(disk(16384)).karpenter?.systemPool.diskSizeGb, 16384);
    assert.deepStrictEqual(problemsOf(disk(19)), [
      "cluster.karpenter.systemPool.diskSizeGb: got 19; must be ≥ 20",
    ]);
    assert.deepStrictEqual(problemsOf(disk(16385)), [
      "cluster.karpenter.systemPool.diskSizeGb: got 16385; must be ≤ 16384",
    ]);
  });

  it("nodeAutoscaling: cluster-autoscaler or karpenter, both accepted when written", () => {
    assert.strictEqual(
      settingsOf({ ...EKS, nodeAutoscaling: "cluster-autoscaler" }).nodeAutoscaling,
      "cluster-autoscaler",
    );
    assert.strictEqual(settingsOf(KARPENTER).nodeAutoscaling, "karpenter");
    assert.deepStrictEqual(problemsOf({ ...EKS, nodeAutoscaling: "keda" }), [
      'cluster.nodeAutoscaling: got "keda"; allowed: "cluster-autoscaler" | "karpenter"',
    ]);
  });

  it("loadBalancerScheme: internet-facing or internal, both accepted when written", () => {
    for (const scheme of ["internet-facing", "internal"])
      assert.strictEqual(settingsOf({ ...EKS, loadBalancerScheme: scheme }).loadBalancerScheme, scheme);
    assert.deepStrictEqual(problemsOf({ ...EKS, loadBalancerScheme: "private" }), [
      'cluster.loadBalancerScheme: got "private"; allowed: "internet-facing" | "internal"',
    ]);
  });

  it("kubeconfigProfile: at least one character", () => {
    assert.strictEqual(settingsOf({ ...EKS, kubeconfigProfile: "a" }).kubeconfigProfile, "a");
    assert.strictEqual(
      settingsOf({ ...EKS, kubeconfigProfile: "prod-admin" }).kubeconfigProfile,
      "prod-admin",
    );
    assert.deepStrictEqual(problemsOf({ ...EKS, kubeconfigProfile: "" }), [
      'cluster.kubeconfigProfile: got ""; must be at least 1 character(s)',
    ]);
  });
});

describe("EKS Karpenter helpers on unchecked input", () => {
  it("karpenterProblems: the AMI family defaults to al2023; a pool without labels has no label problem", () => {
    assert.deepStrictEqual(
      karpenterProblems({
        nodeAutoscaling: "karpenter",
        karpenter: { amiVersion: "20250807" },
        nodePools: [{ name: "general", machineType: "m6i.large" }],
      }),
      [
        {
          path: ["karpenter", "amiVersion"],
          message:
            'must be "latest" or a release tag of al2023 like "v20250807" (the EC2NodeClass alias al2023@<version>)',
        },
      ],
    );
  });

  it("karpenterPoolOf: a pool of mixed architectures (refused by the checks) and no architecture falls back to amd64", () => {
    const mixed = {
      name: "general",
      machineType: "m6i.large",
      maxNodes: 3,
      diskSizeGb: 100,
      labels: {},
      taints: [],
      instanceTypes: ["m7g.large", "m7i.large"],
    } as Parameters<typeof karpenterPoolOf>[0];
    assert.strictEqual(karpenterPoolOf(mixed).architecture, "amd64");
    assert.strictEqual(karpenterPoolOf({ ...mixed, architecture: "arm64" }).architecture, "arm64");
  });
});
