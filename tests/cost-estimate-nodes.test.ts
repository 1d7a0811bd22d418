/**
 * The cost estimate of node pools over hand-made recorded resources (test price files,
 * tests/fixtures/cost/): each pool from its minimum to its maximum as the cloud runs it (EKS node
 * groups per zone, GKE zones, AKS pools, DOKS Droplets), their disks, Karpenter NodePools.
 */
import * as assert from "node:assert/strict";
import type { CostEstimate } from "../preflight/cost";
import type { RecordedResource } from "../offline/mocks";
import { recorded } from "./fixtures/cost/recorded";
import { aksCluster, doksCluster, estimateUnder as estimate, line, nodeGroup } from "./helpers/cost-estimate";

describe("cost estimate: nodes per pool, as the cloud runs them", () => {
  it("EKS: sums a pool's node groups (one per zone) and prices their root volumes", () => {
    const e = estimate("eks", (c) =>
      [0, 1, 2].flatMap((z) => nodeGroup(c, "general", z, "m6i.xlarge", 1, 6)),
    );
    const nodes = line(e, "instance:m6i.xlarge");
    assert.equal(nodes.resource, "node pool general: 3-18 × m6i.xlarge (3 node groups, one per zone)");
    // 3 × 730 h × $0.20 = $438.00; 18 × 730 × $0.20 = $2628.00
    assert.deepEqual(nodes.quantity, { min: 2190, max: 13140 });
    assert.deepEqual(nodes.monthly, { min: 438, max: 2628 });
    // 3 × 100 GiB × $0.10 = $30.00; 18 × 100 × $0.10 = $180.00
    const disks = line(e, "disk:gp3");
    assert.equal(disks.resource, "node disks of pool general: 100 GiB gp3 × 3-18");
    assert.deepEqual(disks.monthly, { min: 30, max: 180 });
    assert.deepEqual(e.total, { min: 468, max: 2808 });
    assert.equal(nodes.capacity, undefined);
  });

  it("a pool with minNodes 0 costs nothing at its minimum", () => {
    const e = estimate("eks", (c) => nodeGroup(c, "arm", 0, "m7g.xlarge", 0, 3));
    // 3 × 730 × $0.16 = $350.40; disks 3 × 100 × $0.10 = $30.00
    assert.deepEqual(line(e, "instance:m7g.xlarge").monthly, { min: 0, max: 350.4 });
    assert.deepEqual(e.total, { min: 0, max: 380.4 });
  });

  it("marks spot node groups, priced at on-demand as the upper bound", () => {
    const l = line(
      estimate("eks", (c) => nodeGroup(c, "batch", 0, "m6i.large", 1, 2, "SPOT")),
      "instance:m6i.large",
    );
    assert.equal(l.capacity, "spot");
    assert.match(l.resource, /spot priced at on-demand, the upper bound/);
    assert.deepEqual(l.monthly, { min: 73, max: 146 });
  });

  it("lists a machine type the price file lacks as unpriced, never as zero", () => {
    const e = estimate("eks", (c) => nodeGroup(c, "big", 0, "m9.huge", 1, 2));
    assert.equal(e.lines.filter((l) => l.item.startsWith("instance:")).length, 0);
    assert.deepEqual(e.unpriced[0], {
      component: "EksCluster kp-cluster",
      resource: "node pool big: 1-2 × m9.huge",
      reason: "no price for instance:m9.huge in eu-west-1",
    });
    // its disks are still priced: 1-2 × 100 GiB × $0.10
    assert.deepEqual(e.total, { min: 10, max: 20 });
  });

  it("GKE: a regional pool's per-zone counts run in each of the region's 3 zones (or its nodeLocations)", () => {
    const pool = (autoscaling: unknown, nodeLocations?: string[]) => (c: RecordedResource) => [
      recorded(
        "gcp:container/nodePool:NodePool",
        "kp-cluster-general",
        {
          name: "general",
          location: "europe-west1",
          autoscaling,
          ...(nodeLocations ? { nodeLocations } : {}),
          nodeConfig: { machineType: "e2-standard-4", diskSizeGb: 50, diskType: "pd-ssd" },
        },
        c.urn,
      ),
    ];
    // 3 zones × 1-3 = 3-9 nodes: 3 × 730 × $0.15 = $328.50, 9 × = $985.50
    assert.deepEqual(
      line(estimate("gke", pool({ minNodeCount: 1, maxNodeCount: 3 })), "instance:e2-standard-4").monthly,
      { min: 328.5, max: 985.5 },
    );
    // 2 zones × 1-3 = 2-6 nodes: $219.00-$657.00
    assert.deepEqual(
      line(
        estimate("gke", pool({ minNodeCount: 1, maxNodeCount: 3 }, ["europe-west1-b", "europe-west1-c"])),
        "instance:e2-standard-4",
      ).monthly,
      { min: 219, max: 657 },
    );
    // total counts are the pool's whole size: 3-9
    const e = estimate("gke", pool({ totalMinNodeCount: 3, totalMaxNodeCount: 9 }));
    assert.deepEqual(line(e, "instance:e2-standard-4").quantity, { min: 2190, max: 6570 });
    // disks: 3 × 50 GiB × $0.17 = $25.50; 9 × 50 × $0.17 = $76.50
    assert.deepEqual(line(e, "disk:pd-ssd").monthly, { min: 25.5, max: 76.5 });
  });

  it("AKS: the system pool and user pools, each from minCount to maxCount, OS disks per size tier", () => {
    const system = {
      name: "system",
      mode: "System",
      vmSize: "Standard_D2s_v5",
      enableAutoScaling: true,
      minCount: 3,
      maxCount: 5,
      count: 3,
      osDiskSizeGB: 100,
    };
    const e = estimate("aks", (c) => [
      aksCluster(c, "Free", [system]),
      recorded(
        "azure-native:containerservice:AgentPool",
        "kp-cluster-pool-general",
        {
          agentPoolName: "general",
          vmSize: "Standard_D4s_v5",
          enableAutoScaling: false,
          count: 2,
          osDiskSizeGB: 129,
        },
        c.urn,
      ),
    ]);
    // system: 3-5 × 730 × $0.10 = $219.00-$365.00; OS disks P10 (128 GiB) $10 × 3-5
    assert.deepEqual(line(e, "instance:Standard_D2s_v5").monthly, { min: 219, max: 365 });
    assert.equal(
      line(e, "disk:premium-lrs:P10").resource,
      "node disks of pool system: 100 GiB premium-lrs × 3-5 (P10, 128 GiB)",
    );
    assert.deepEqual(line(e, "disk:premium-lrs:P10").monthly, { min: 30, max: 50 });
    // general: fixed 2 × 730 × $0.20 = $292.00; a 129 GiB disk fits no tier of the file
    assert.deepEqual(line(e, "instance:Standard_D4s_v5").monthly, { min: 292, max: 292 });
    assert.deepEqual(e.unpriced, [
      {
        component: "AksCluster kp-cluster",
        resource: "node disks of pool general: 129 GiB premium-lrs × 2-2",
        reason: "no disk:premium-lrs size tier of 129 GiB or more in westeurope",
      },
    ]);
  });

  it("AKS: a VM size without premium storage gets Standard SSD OS disks; an ephemeral OS disk costs nothing", () => {
    const pool = (vmSize: string, osDiskType?: string) => (c: RecordedResource) => [
      aksCluster(c, "Free", [
        { name: "system", vmSize, count: 2, osDiskSizeGB: 100, ...(osDiskType ? { osDiskType } : {}) },
      ]),
    ];
    const disks = (e: CostEstimate) =>
      e.lines.filter((l) => l.item.startsWith("disk:")).map((l) => [l.item, l.monthly.min]);
    // Standard_D4_v5 (no "s"): E10 (128 GiB) $8 × 2 = $16; Standard_B2ms: premium P10 $10 × 2 = $20
    assert.deepEqual(disks(estimate("aks", pool("Standard_D4_v5"))), [["disk:standardssd-lrs:E10", 16]]);
    assert.deepEqual(disks(estimate("aks", pool("Standard_B2ms"))), [["disk:premium-lrs:P10", 20]]);
    assert.deepEqual(disks(estimate("aks", pool("Standard_D4s_v5", "Ephemeral"))), []);
  });

  it("DOKS: monthly Droplet prices, a pool from 0 nodes, disks in the Droplet price", () => {
    const e = estimate("doks", (c) => [
      doksCluster(c, false, {
        name: "general",
        size: "s-4vcpu-8gb",
        autoScale: true,
        minNodes: 1,
        maxNodes: 3,
        nodeCount: 1,
      }),
      recorded(
        "digitalocean:index/kubernetesNodePool:KubernetesNodePool",
        "kp-cluster-pool-batch",
        { name: "batch", size: "c-8", autoScale: true, minNodes: 0, maxNodes: 4, nodeCount: 1 },
        c.urn,
      ),
    ]);
    // general 1-3 × $48 = $48-$144; batch 0-4 × $168 = $0-$672
    assert.deepEqual(line(e, "instance:s-4vcpu-8gb").monthly, { min: 48, max: 144 });
    assert.deepEqual(line(e, "instance:c-8").monthly, { min: 0, max: 672 });
    assert.equal(
      e.lines.some((l) => l.item.startsWith("disk:")),
      false,
    );
    assert.deepEqual(e.total, { min: 48, max: 816 });
  });
});

describe("cost estimate: Karpenter NodePools", () => {
  function nodePool(c: RecordedResource, requirements: unknown[], limits: unknown = { nodes: 3 }) {
    return [
      recorded(
        "kubernetes:karpenter.sh/v1:NodePool",
        "kp-cluster-karpenter-general",
        {
          metadata: { name: "general" },
          spec: { limits, template: { spec: { nodeClassRef: { name: "general" }, requirements } } },
        },
        c.urn,
      ),
      recorded(
        "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
        "kp-cluster-karpenter-general",
        {
          metadata: { name: "general" },
          spec: {
            blockDeviceMappings: [{ rootVolume: true, ebs: { volumeSize: "100Gi", volumeType: "gp3" } }],
          },
        },
        c.urn,
      ),
    ];
  }
  const types = (...values: string[]) => ({
    key: "node.kubernetes.io/instance-type",
    operator: "In",
    values,
  });
  const capacity = (...values: string[]) => ({ key: "karpenter.sh/capacity-type", operator: "In", values });

  it("0 to the node limit, at the dearest listed type, marked with its capacity types", () => {
    const e = estimate("eks", (c) =>
      nodePool(c, [types("t3a.large", "t3.large"), capacity("on-demand", "spot")]),
    );
    const l = line(e, "instance:t3.large");
    // t3.large $0.08 > t3a.large $0.07: 3 × 730 × $0.08 = $175.20
    assert.deepEqual(l.monthly, { min: 0, max: 175.2 });
    assert.equal(l.capacity, "karpenter: on-demand,spot");
    assert.equal(
      l.resource,
      "node pool general: 0-3 × t3.large (Karpenter NodePool, no minimum; the dearest of t3a.large, t3.large; spot priced at on-demand, the upper bound)",
    );
    // 3 × 100 GiB × $0.10 = $30.00
    assert.deepEqual(line(e, "disk:gp3").monthly, { min: 0, max: 30 });
  });

  it("on-demand only by default", () => {
    assert.equal(
      line(
        estimate("eks", (c) => nodePool(c, [types("t3.large")])),
        "instance:t3.large",
      ).capacity,
      "karpenter: on-demand",
    );
  });

  const unpricedCases: [string, unknown[], unknown, string][] = [
    [
      "a type the file lacks",
      [types("t3.large", "x9.mega")],
      { nodes: 3 },
      "no price for instance:x9.mega in eu-west-1",
    ],
    [
      "instance families",
      [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["m7i"] }],
      { nodes: 3 },
      "it launches any size of the instance families m7i: list instanceTypes to price it",
    ],
    [
      "no node limit",
      [types("t3.large")],
      { cpu: "100" },
      "it has no node limit (spec.limits.nodes): no upper bound",
    ],
  ];
  for (const [what, requirements, limits, reason] of unpricedCases) {
    it(`lists a NodePool with ${what} as unpriced`, () => {
      const e = estimate("eks", (c) => nodePool(c, requirements, limits));
      assert.equal(
        e.lines.some((l) => l.item.startsWith("instance:")),
        false,
      );
      assert.equal(e.unpriced[0].reason, reason);
    });
  }
});
