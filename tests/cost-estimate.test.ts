/**
 * The cost estimate over hand-made recorded resources, priced from the test price files
 * (tests/fixtures/cost/: figures for easy arithmetic): control planes by tier, nodes per pool
 * as the cloud runs them, unpriced items, unknown regions, rounding.
 */
import * as assert from "node:assert/strict";
import { UnknownRegionError, costOf, estimateCost, loadPrices } from "../preflight/cost";
import type { CostEstimate, PricedCloud } from "../preflight/cost";
import type { RecordedResource } from "../offline/mocks";
import { FIXTURE_PRICES, ROOT, clusterComponent, configOf, recorded } from "./fixtures/cost/recorded";

const KINDS = { eks: "EksCluster", gke: "GkeCluster", aks: "AksCluster", doks: "DoksCluster" } as const;
const CLOUDS = { eks: "aws", gke: "gcp", aks: "azure", doks: "digitalocean" } as const;
type Target = keyof typeof KINDS;

/** The estimate of `resources` (under the target's cluster component) with the target's dev config. */
function estimate(
  target: Target,
  make: (cluster: RecordedResource) => RecordedResource[],
  cluster = {},
): CostEstimate {
  const component = clusterComponent(KINDS[target]);
  return estimateCost({
    stack: "test",
    config: configOf(target, cluster),
    resources: [ROOT, component, ...make(component)],
    prices: loadPrices(CLOUDS[target] as PricedCloud, FIXTURE_PRICES),
  });
}

const line = (e: CostEstimate, item: string) => {
  const found = e.lines.filter((l) => l.item === item);
  assert.equal(found.length, 1, `one line of ${item}, got ${found.length}`);
  return found[0];
};

describe("cost estimate: control planes by tier and support type", () => {
  const cases: [string, Target, (c: RecordedResource) => RecordedResource[], string, number][] = [
    // 730 h × $0.10 = $73.00; extended 730 × $0.60 = $438.00
    ["EKS STANDARD", "eks", (c) => [eksCluster(c, "STANDARD")], "controlPlane:standard", 73],
    ["EKS EXTENDED", "eks", (c) => [eksCluster(c, "EXTENDED")], "controlPlane:extended", 438],
    [
      "GKE (cluster management fee)",
      "gke",
      (c) => [recorded("gcp:container/cluster:Cluster", "kp-cluster-cluster", {}, c.urn)],
      "controlPlane:standard",
      73,
    ],
    ["AKS Free", "aks", (c) => [aksCluster(c, "Free")], "controlPlane:free", 0],
    ["AKS Standard", "aks", (c) => [aksCluster(c, "Standard")], "controlPlane:standard", 73],
    ["AKS Premium", "aks", (c) => [aksCluster(c, "Premium")], "controlPlane:premium", 438],
    // DOKS: monthly figures, $40 for HA
    ["DOKS HA", "doks", (c) => [doksCluster(c, true)], "controlPlane:ha", 40],
    ["DOKS without HA", "doks", (c) => [doksCluster(c, false)], "controlPlane:free", 0],
  ];
  for (const [what, target, make, item, monthly] of cases) {
    it(`${what}: ${item}, $${monthly}/month`, () => {
      const l = line(estimate(target, make), item);
      assert.deepEqual(l.monthly, { min: monthly, max: monthly });
      assert.equal(l.component, `${KINDS[target]} kp-cluster`);
    });
  }

  it("names the support type, and says when the extended rate applies", () => {
    assert.equal(
      line(
        estimate("eks", (c) => [eksCluster(c, "STANDARD")]),
        "controlPlane:standard",
      ).resource,
      "EKS control plane (support type STANDARD)",
    );
    assert.match(
      line(
        estimate("eks", (c) => [eksCluster(c, "EXTENDED")]),
        "controlPlane:extended",
      ).resource,
      /support type EXTENDED; the extended-support rate, charged once the version leaves standard support/,
    );
  });
});

function eksCluster(c: RecordedResource, supportType: string) {
  return recorded("aws:eks/cluster:Cluster", "kp-cluster-eks", { upgradePolicy: { supportType } }, c.urn);
}
function aksCluster(c: RecordedResource, tier: string, profiles: unknown[] = []) {
  return recorded(
    "azure-native:containerservice:ManagedCluster",
    "kp-cluster-aks",
    {
      sku: { name: "Base", tier },
      agentPoolProfiles: profiles,
      networkProfile: { outboundType: "userDefinedRouting" },
    },
    c.urn,
  );
}
function doksCluster(c: RecordedResource, ha: boolean, nodePool: unknown = undefined) {
  return recorded(
    "digitalocean:index/kubernetesCluster:KubernetesCluster",
    "kp-cluster-doks",
    { ha, nodePool },
    c.urn,
  );
}

/** An EKS managed node group of the pool, with its launch template's root volume. */
function nodeGroup(
  c: RecordedResource,
  pool: string,
  zone: number,
  type: string,
  min: number,
  max: number,
  capacityType = "ON_DEMAND",
) {
  const template = recorded(
    "aws:ec2/launchTemplate:LaunchTemplate",
    `kp-cluster-${pool}`,
    {
      blockDeviceMappings: [{ ebs: { volumeSize: 100, volumeType: "gp3" } }],
    },
    c.urn,
  );
  const group = recorded(
    "aws:eks/nodeGroup:NodeGroup",
    `kp-cluster-${pool}.${zone}`,
    {
      instanceTypes: [type],
      capacityType,
      scalingConfig: { minSize: min, maxSize: max, desiredSize: min },
    },
    c.urn,
  );
  return [template, { ...group, dependsOn: [template.urn] }];
}

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

describe("cost estimate: regions and rounding", () => {
  it("a region with no data in the price file is an UnknownRegionError naming the regions it has", () => {
    assert.throws(
      () => estimate("eks", () => [], { region: "eu-central-1" }),
      (err: unknown) =>
        err instanceof UnknownRegionError &&
        err.region === "eu-central-1" &&
        err.message ===
          'no aws prices for region "eu-central-1" (preflight/cost/prices/aws.json has: eu-west-1, us-east-1); estimate a stack in one of those regions, or add the region\'s figures to the file',
    );
  });

  it("a region the file has is priced (us-east-1: only its control plane figure)", () => {
    const e = estimate(
      "eks",
      (c) => [eksCluster(c, "STANDARD"), ...nodeGroup(c, "general", 0, "m6i.large", 1, 1)],
      { region: "us-east-1" },
    );
    assert.equal(e.region, "us-east-1");
    assert.deepEqual(e.total, { min: 73, max: 73 });
    assert.deepEqual(
      e.unpriced.map((u) => u.reason),
      ["no price for instance:m6i.large in us-east-1", "no price for disk:gp3 in us-east-1"],
    );
  });

  it("rounds each line to the cent (half up) and totals the rounded lines", () => {
    // instance:t3.micro-like figure: $0.0115/h × 730 h = $8.395 → $8.40 per line; 2 lines → $16.80 (not $16.79)
    const prices = loadPrices("aws", FIXTURE_PRICES);
    prices.regions["eu-west-1"]["instance:t3.small"] = {
      unit: "hour",
      price: 0.0115,
      source: "https://example.com/kube-platform-test-fixture",
    };
    const component = clusterComponent("EksCluster");
    const e = estimateCost({
      stack: "test",
      config: configOf("eks"),
      resources: [
        ROOT,
        component,
        ...nodeGroup(component, "a", 0, "t3.small", 1, 1),
        ...nodeGroup(component, "b", 0, "t3.small", 1, 1),
      ],
      prices,
    });
    assert.deepEqual(
      e.lines.filter((l) => l.item === "instance:t3.small").map((l) => l.monthly.min),
      [8.4, 8.4],
    );
    // + disks 2 × 100 GiB × $0.10 = $20.00
    assert.deepEqual(e.total, { min: 36.8, max: 36.8 });
    assert.deepEqual(e.byComponent, { "EksCluster kp-cluster": { min: 36.8, max: 36.8 } });
  });

  it("an adopted cluster is no estimate: its costOf lists what it claims, unpriced", () => {
    const monitoring = recorded("kube-platform:addons:Monitoring", "kp-addons-monitoring", {}, ROOT.urn);
    const cost = costOf(
      {
        resources: [
          ROOT,
          monitoring,
          recorded(
            "kubernetes:helm.sh/v3:Release",
            "kp-addons-monitoring-release",
            {
              chart: "kube-prometheus-stack",
              values: {
                prometheus: {
                  prometheusSpec: {
                    storageSpec: {
                      volumeClaimTemplate: { spec: { resources: { requests: { storage: "10Gi" } } } },
                    },
                  },
                },
              },
            },
            monitoring.urn,
          ),
        ],
      },
      configOf("existing"),
      "dev",
      FIXTURE_PRICES,
    );
    assert.deepEqual(cost, {
      stack: "dev",
      target: "existing",
      unpriced: [
        {
          component: "Monitoring kp-addons-monitoring",
          resource: "Prometheus volume: 10 GiB × 1",
          reason: "an adopted cluster (target existing): its cloud and prices are unknown to the estimate",
        },
      ],
    });
  });
});
