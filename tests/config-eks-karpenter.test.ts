/**
 * EKS stack config with Karpenter (stacks/cluster/eks-karpenter.ts): cluster.karpenter and the
 * pools' Karpenter fields, their defaults per profile, every refusal with its one message, both
 * sides of each boundary, and the settings the component gets.
 */
import * as assert from "assert";
import { EksSettings } from "../components/cluster/types";
import { parseConfig } from "../stacks/config";
import { problemsOf as problemsIn } from "./helpers/config-problems";
import { VAULT_INIT } from "./helpers/vault-fixtures";

const ctx = { project: "kube-platform", stack: "eks" };
const PROD = {
  profile: "prod",
  addons: { certManager: { email: "platform@kube-platform.dev" }, vault: { init: VAULT_INIT } },
};
const EKS = { target: "eks", region: "eu-west-1", publicAccessCidrs: ["198.18.0.0/24"] };
const KARPENTER = { ...EKS, nodeAutoscaling: "karpenter" };

const problemsOf = (cluster: Record<string, unknown>, base: Record<string, unknown> = {}) =>
  problemsIn({ ...base, cluster }, ctx);
const settingsOf = (cluster: Record<string, unknown>, base: Record<string, unknown> = {}): EksSettings => {
  const c = parseConfig({ ...base, cluster }, ctx).cluster;
  assert.ok(c.target === "eks");
  return c;
};
const pool = (fields: Record<string, unknown>) => ({ nodePools: [{ name: "general", ...fields }] });

describe("EKS config: Karpenter defaults", () => {
  it("cluster-autoscaler (the default): no Karpenter settings, minNodes from the profile, same pools as before", () => {
    const s = settingsOf(EKS);
    assert.strictEqual(s.nodeAutoscaling, "cluster-autoscaler");
    assert.strictEqual(s.karpenter, undefined);
    assert.deepStrictEqual(s.nodePools, [
      {
        name: "general",
        machineType: "m6i.large",
        minNodes: 1,
        maxNodes: 3,
        diskSizeGb: 100,
        labels: {},
        taints: [],
      },
    ]);
    assert.strictEqual(settingsOf(EKS, PROD).nodePools[0].minNodes, 3);
  });

  it("dev: a t3.medium per zone, tainted, one controller, al2023@latest, the pool's machine type on demand", () => {
    const s = settingsOf(KARPENTER);
    assert.deepStrictEqual(s.nodePools[0].minNodes, 0);
    assert.deepStrictEqual(s.karpenter, {
      systemPool: { machineType: "t3.medium", nodesPerZone: 1, diskSizeGb: 50, criticalAddonsOnly: true },
      amiFamily: "al2023",
      amiVersion: "latest",
      highAvailability: false,
      retainNodeGroups: false,
      nodePools: [
        {
          pool: "general",
          instances: { kind: "types", values: ["m6i.large"] },
          capacityTypes: ["on-demand"],
          architecture: "amd64",
          limits: { nodes: 3 },
          disruption: {
            consolidationPolicy: "WhenEmptyOrUnderutilized",
            consolidateAfter: "1m",
            budgets: [{ nodes: "10%" }],
          },
          expireAfter: "720h",
        },
      ],
    });
  });

  it("prod: an m6i.large per zone and two controllers", () => {
    const k = settingsOf(KARPENTER, PROD).karpenter;
    assert.deepStrictEqual(k?.systemPool, {
      machineType: "m6i.large",
      nodesPerZone: 1,
      diskSizeGb: 50,
      criticalAddonsOnly: true,
    });
    assert.strictEqual(k?.highAvailability, true);
  });

  it("every Karpenter field as set: families, spot, arm64 derived, limits, disruption, expiry", () => {
    const k = settingsOf({
      ...KARPENTER,
      karpenter: { amiFamily: "bottlerocket", amiVersion: "v1.42.0", systemPool: { nodesPerZone: 2 } },
      ...pool({
        instanceFamilies: ["m7g", "c7g"],
        capacityTypes: ["spot", "on-demand"],
        limits: { cpu: 64, memory: "256Gi" },
        maxNodes: 12,
        disruption: {
          consolidationPolicy: "WhenEmpty",
          consolidateAfter: "5m",
          budgets: [
            { nodes: 0, schedule: "0 9 * * mon-fri", duration: "8h", reasons: ["Drifted"] },
            { nodes: "20%" },
          ],
        },
        expireAfter: "Never",
      }),
    }).karpenter;
    assert.deepStrictEqual(k?.systemPool.nodesPerZone, 2);
    assert.deepStrictEqual([k?.amiFamily, k?.amiVersion], ["bottlerocket", "v1.42.0"]);
    assert.deepStrictEqual(k?.nodePools[0], {
      pool: "general",
      instances: { kind: "families", values: ["m7g", "c7g"] },
      capacityTypes: ["spot", "on-demand"],
      architecture: "arm64",
      limits: { cpu: "64", memory: "256Gi", nodes: 12 },
      disruption: {
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: "5m",
        budgets: [
          { nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h", reasons: ["Drifted"] },
          { nodes: "20%" },
        ],
      },
      expireAfter: "Never",
    });
  });

  it("retainNodeGroups: minNodes sizes the kept node groups; its default is 0", () => {
    const s = settingsOf({
      ...KARPENTER,
      karpenter: { retainNodeGroups: true },
      ...pool({ minNodes: 3, maxNodes: 9 }),
    });
    assert.strictEqual(s.karpenter?.retainNodeGroups, true);
    assert.strictEqual(s.nodePools[0].minNodes, 3);
    assert.strictEqual(
      settingsOf({ ...KARPENTER, karpenter: { retainNodeGroups: true } }).nodePools[0].minNodes,
      0,
    );
  });
});

describe("EKS config: Karpenter refusals, one message each", () => {
  it("cluster.karpenter and the pools' Karpenter fields need nodeAutoscaling: karpenter", () => {
    assert.deepStrictEqual(
      problemsOf({ ...EKS, karpenter: {}, ...pool({ capacityTypes: ["spot"], expireAfter: "1h" }) }),
      [
        "cluster.karpenter: got {}; is only with cluster.nodeAutoscaling: karpenter (it is cluster-autoscaler)",
        'cluster.nodePools[0].capacityTypes: got ["spot"]; is a Karpenter NodePool field: only with cluster.nodeAutoscaling: karpenter (it is cluster-autoscaler)',
        'cluster.nodePools[0].expireAfter: got "1h"; is a Karpenter NodePool field: only with cluster.nodeAutoscaling: karpenter (it is cluster-autoscaler)',
      ],
    );
  });

  it("addons.clusterAutoscaler.enabled: true with Karpenter names both keys; auto and false pass", () => {
    assert.deepStrictEqual(
      problemsIn({ cluster: KARPENTER, addons: { clusterAutoscaler: { enabled: true } } }, ctx),
      [
        'addons.clusterAutoscaler.enabled: got true; cluster-autoscaler is not installed where Karpenter scales the nodes (cluster.nodeAutoscaling: karpenter); use "auto" or false, or cluster.nodeAutoscaling: cluster-autoscaler',
      ],
    );
    for (const enabled of ["auto", false])
      assert.deepStrictEqual(
        problemsIn({ cluster: KARPENTER, addons: { clusterAutoscaler: { enabled } } }, ctx),
        [],
      );
    assert.deepStrictEqual(
      problemsIn({ cluster: EKS, addons: { clusterAutoscaler: { enabled: true } } }, ctx),
      [],
    );
  });

  it("minNodes: a non-zero value is refused (NodePools keep no minimum) unless the node groups are kept", () => {
    assert.deepStrictEqual(problemsOf({ ...KARPENTER, ...pool({ minNodes: 1 }) }), [
      "cluster.nodePools[0].minNodes: got 1; has no meaning for a Karpenter NodePool: Karpenter launches nodes for pending pods only and keeps no minimum; remove it (or set 0). It sizes the pools' node groups only while they are kept (cluster.karpenter.retainNodeGroups: true)",
    ]);
    assert.deepStrictEqual(problemsOf({ ...KARPENTER, ...pool({ minNodes: 0 }) }), []);
    assert.deepStrictEqual(
      problemsOf({ ...KARPENTER, karpenter: { retainNodeGroups: true }, ...pool({ minNodes: 1 }) }),
      [],
    );
    // The shared rule (min ≤ max) still holds for the kept groups, and for the default minimum.
    assert.deepStrictEqual(
      problemsOf({
        ...KARPENTER,
        karpenter: { retainNodeGroups: true },
        ...pool({ minNodes: 4, maxNodes: 3 }),
      }),
      ["cluster.nodePools[0].minNodes: got 4; must be ≤ maxNodes (3)"],
    );
    assert.deepStrictEqual(problemsOf({ ...EKS, ...pool({ maxNodes: 2 }) }, PROD), [
      // The preset's minimum (3), not written in the config, as before.
      "cluster.nodePools[0].minNodes: must be ≤ maxNodes (2)",
    ]);
  });

  it("instance types and families: the formats, not both, and one architecture per pool", () => {
    assert.deepStrictEqual(
      problemsOf({ ...KARPENTER, ...pool({ instanceTypes: ["m7i"], instanceFamilies: ["m7i.large"] }) }),
      [
        'cluster.nodePools[0].instanceTypes[0]: got "m7i"; must be an EC2 instance type like "m7i.large"',
        'cluster.nodePools[0].instanceFamilies[0]: got "m7i.large"; must be an EC2 instance family like "m7i"',
        'cluster.nodePools[0].instanceFamilies: got ["m7i.large"]; set instanceTypes or instanceFamilies, not both',
      ],
    );
    assert.deepStrictEqual(
      problemsOf({ ...KARPENTER, ...pool({ instanceTypes: ["m7i.large", "m7g.large"] }) }),
      [
        'cluster.nodePools[0].instanceTypes: got ["m7i.large","m7g.large"]; mixes amd64 (m7i.large) and arm64 (m7g.large): one pool has one architecture; split it into two pools',
      ],
    );
    assert.deepStrictEqual(
      problemsOf({ ...KARPENTER, ...pool({ instanceFamilies: ["c7g"], architecture: "amd64" }) }),
      ['cluster.nodePools[0].architecture: got "amd64"; contradicts instanceFamilies (c7g: arm64)'],
    );
    assert.deepStrictEqual(
      problemsOf({ ...KARPENTER, ...pool({ instanceFamilies: ["c7g"], architecture: "arm64" }) }),
      [],
    );
    // Without instanceTypes the NodePool launches machineType, which must then be an instance type.
    assert.deepStrictEqual(problemsOf({ ...KARPENTER, ...pool({ machineType: "large" }) }), [
      'cluster.nodePools[0].machineType: got "large"; is the NodePool\'s instance type without instanceTypes: it must be one like "m7i.large"',
    ]);
    assert.deepStrictEqual(
      problemsOf({ ...KARPENTER, ...pool({ instanceTypes: ["t3.large", "t3.large"] }) }),
      ['cluster.nodePools[0].instanceTypes[1]: got "t3.large"; is listed twice'],
    );
  });

  it("capacity types: on-demand and spot only, at least one", () => {
    assert.deepStrictEqual(problemsOf({ ...KARPENTER, ...pool({ capacityTypes: ["reserved"] }) }), [
      'cluster.nodePools[0].capacityTypes[0]: got "reserved"; allowed: "on-demand" | "spot"',
    ]);
    assert.strictEqual(problemsOf({ ...KARPENTER, ...pool({ capacityTypes: [] }) }).length, 1);
  });

  it("limits: non-negative quantities", () => {
    assert.deepStrictEqual(problemsOf({ ...KARPENTER, ...pool({ limits: { cpu: "-1", memory: "1 Gi" } }) }), [
      'cluster.nodePools[0].limits.cpu: got "-1"; must be a non-negative Kubernetes quantity ("100", "500m", "400Gi")',
      'cluster.nodePools[0].limits.memory: got "1 Gi"; must be a non-negative Kubernetes quantity ("100", "500m", "400Gi")',
    ]);
    assert.deepStrictEqual(
      problemsOf({ ...KARPENTER, ...pool({ limits: { cpu: "0", memory: "1.5Ti" } }) }),
      [],
    );
  });

  it("disruption: the CRD's duration, budget and schedule formats; schedule and duration together", () => {
    const budgets = (b: unknown[]) => ({ ...KARPENTER, ...pool({ disruption: { budgets: b } }) });
    assert.deepStrictEqual(problemsOf(budgets([{ nodes: "101%" }, { nodes: "100%" }, { nodes: "0" }])), [
      'cluster.nodePools[0].disruption.budgets[0].nodes: got "101%"; must be a node count ("2") or a percentage up to 100% ("10%")',
    ]);
    assert.deepStrictEqual(problemsOf(budgets([{ nodes: "1", schedule: "@daily" }])), [
      "cluster.nodePools[0].disruption.budgets[0].duration: is required: a budget sets schedule and duration together or neither",
    ]);
    assert.deepStrictEqual(problemsOf(budgets([{ nodes: "1", schedule: "daily", duration: "8h" }])), [
      'cluster.nodePools[0].disruption.budgets[0].schedule: got "daily"; must be a cron schedule ("0 9 * * mon-fri") or a macro ("@daily")',
    ]);
    assert.deepStrictEqual(problemsOf(budgets([{ nodes: "1", schedule: "@weekly", duration: "30s" }])), [
      'cluster.nodePools[0].disruption.budgets[0].duration: got "30s"; must be hours and/or minutes ("8h", "30m", "1h30m")',
    ]);
    assert.deepStrictEqual(problemsOf(budgets([{ nodes: "1", schedule: "@weekly", duration: "1h30m" }])), []);
    assert.deepStrictEqual(problemsOf(budgets([{ nodes: "1", reasons: ["Expired"] }])), [
      'cluster.nodePools[0].disruption.budgets[0].reasons[0]: got "Expired"; allowed: "Underutilized" | "Empty" | "Drifted"',
    ]);
    assert.strictEqual(problemsOf(budgets(Array.from({ length: 51 }, () => ({ nodes: "1" })))).length, 1);
    assert.deepStrictEqual(problemsOf(budgets(Array.from({ length: 50 }, () => ({ nodes: "1" })))), []);
    assert.deepStrictEqual(
      problemsOf({ ...KARPENTER, ...pool({ disruption: { consolidateAfter: "1d" }, expireAfter: "30d" }) }),
      [
        'cluster.nodePools[0].disruption.consolidateAfter: got "1d"; must be a duration like "30s", "5m", "1h30m", or "Never"',
        'cluster.nodePools[0].expireAfter: got "30d"; must be a duration like "720h", or "Never"',
      ],
    );
  });

  it("the AMI version: latest or the family's release tag", () => {
    const ami = (karpenter: Record<string, unknown>) => problemsOf({ ...KARPENTER, karpenter });
    assert.deepStrictEqual(ami({ amiVersion: "v20250807" }), []);
    assert.deepStrictEqual(ami({ amiVersion: "20250807" }), [
      'cluster.karpenter.amiVersion: got "20250807"; must be "latest" or a release tag of al2023 like "v20250807" (the EC2NodeClass alias al2023@<version>)',
    ]);
    assert.deepStrictEqual(ami({ amiFamily: "bottlerocket", amiVersion: "1.42.0" }), []);
    assert.deepStrictEqual(ami({ amiFamily: "bottlerocket", amiVersion: "v20250807" }), [
      'cluster.karpenter.amiVersion: got "v20250807"; must be "latest" or a release tag of bottlerocket like "v1.42.0" (the EC2NodeClass alias bottlerocket@<version>)',
    ]);
    assert.deepStrictEqual(ami({ amiFamily: "al2" }), [
      'cluster.karpenter.amiFamily: got "al2"; allowed: "al2023" | "bottlerocket"',
    ]);
  });

  it("the system pool: an instance type, 1 to 10 nodes per zone; the name system is its own; unknown keys listed", () => {
    const sys = (systemPool: Record<string, unknown>) =>
      problemsOf({ ...KARPENTER, karpenter: { systemPool } });
    assert.deepStrictEqual(sys({ nodesPerZone: 1 }), []);
    assert.deepStrictEqual(sys({ nodesPerZone: 10 }), []);
    assert.strictEqual(sys({ nodesPerZone: 0 }).length, 1);
    assert.strictEqual(sys({ nodesPerZone: 11 }).length, 1);
    assert.deepStrictEqual(sys({ machineType: "medium" }), [
      'cluster.karpenter.systemPool.machineType: got "medium"; must be an EC2 instance type like "m6i.large"',
    ]);
    assert.deepStrictEqual(problemsOf({ ...KARPENTER, nodePools: [{ name: "system" }] }), [
      'cluster.nodePools[0].name: got "system"; is the name of Karpenter\'s system node groups (cluster.karpenter.systemPool); choose another',
    ]);
    assert.deepStrictEqual(problemsOf({ ...EKS, nodePools: [{ name: "system" }] }), []);
    assert.deepStrictEqual(problemsOf({ ...KARPENTER, karpenter: { retain: true } }), [
      "cluster.karpenter.retain: unknown key; allowed keys here: amiFamily, amiVersion, highAvailability, retainNodeGroups, systemPool",
    ]);
  });

  it("labels the NodePool CRD refuses", () => {
    assert.deepStrictEqual(
      problemsOf({
        ...KARPENTER,
        ...pool({ labels: { "kubernetes.io/hostname": "a", "karpenter.sh/x": "b", "example.com/ok": "c" } }),
      }),
      [
        'cluster.nodePools[0].labels.kubernetes.io/hostname: got "a"; label "kubernetes.io/hostname" is restricted on a Karpenter NodePool',
        'cluster.nodePools[0].labels.karpenter.sh/x: got "b"; label domain "karpenter.sh" is restricted on a Karpenter NodePool',
      ],
    );
  });
});
