/**
 * The cost estimate over hand-made recorded resources, priced from the test price files
 * (tests/fixtures/cost/: figures for easy arithmetic): control planes by tier, unpriced items,
 * unknown regions, rounding, an adopted cluster. Nodes: cost-estimate-nodes.test.ts.
 */
import * as assert from "node:assert/strict";
import { UnknownRegionError, costOf, estimateCost, loadPrices } from "../preflight/cost";
import type { RecordedResource } from "../offline/mocks";
import { FIXTURE_PRICES, ROOT, clusterComponent, configOf, recorded } from "./fixtures/cost/recorded";
import {
  KINDS,
  type Target,
  aksCluster,
  doksCluster,
  eksCluster,
  estimateUnder as estimate,
  line,
  nodeGroup,
} from "./helpers/cost-estimate";

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
