/**
 * The cost diff (preflight/cost/diff.ts): two hand-built estimates of one stack, main's and a
 * change's, every figure computed by hand from the unit prices (730 hours a month).
 */
import * as assert from "assert";
import { diffCost, money, renderCostDiff, signedMoney, signedRange } from "../preflight/cost/diff";
import type { CostEstimate, CostLine } from "../preflight/cost/types";
import { CONTROL_PLANE, EKS, NAT_DATA, POOL_GENERAL, VAULT, VAULT_DATA, natLine } from "./helpers/cost-lines";

const MONITORING = "Monitoring kp-addons-monitoring";

/** 4-12 nodes: 2920 h × $0.214 = $624.88. */
const pool4: CostLine = {
  ...POOL_GENERAL,
  resource: "node pool general: 4-12 × m6i.xlarge",
  quantity: { min: 2920, max: 8760 },
  monthly: { min: 624.88, max: 1874.64 },
};
/** 50 GiB × $0.088 = $4.40. */
const prometheus: CostLine = { ...VAULT_DATA, component: MONITORING, resource: "Prometheus volume × 1" };
prometheus.quantity = { min: 50, max: 50 };
prometheus.monthly = { min: 4.4, max: 4.4 };

function estimate(lines: CostLine[], rest: Partial<CostEstimate>): CostEstimate {
  return {
    stack: "prod",
    cloud: "aws",
    region: "eu-west-1",
    currency: "USD",
    pricesDate: "2025-06-02",
    lines,
    unpriced: [],
    total: { min: 0, max: 0 },
    byComponent: {},
    ...rest,
  };
}

/** main: $73 + $468.66 + $35.04 + $4.80 = $581.50 (max $1,987.48), Vault $2.64: $584.14–$1,990.12. */
const BASE = estimate([CONTROL_PLANE, POOL_GENERAL, natLine("kp-cluster-nat-0"), NAT_DATA, VAULT_DATA], {
  unpriced: [
    { component: VAULT, resource: "Vault audit volume × 3", reason: "no price for disk:io2 in eu-west-1" },
  ],
  total: { min: 584.14, max: 1990.12 },
  byComponent: { [EKS]: { min: 581.5, max: 1987.48 }, [VAULT]: { min: 2.64, max: 2.64 } },
});

/**
 * The change: a 4th minimum node, 2 more NAT gateways, Vault's volumes gone, Prometheus' added:
 * $73 + $624.88 + 3 × $35.04 + $4.80 = $807.80 (max $2,057.56), Monitoring $4.40: $812.20–$2,061.96.
 */
const CHANGE = estimate(
  [
    CONTROL_PLANE,
    pool4,
    natLine("kp-cluster-nat-0"),
    natLine("kp-cluster-nat-1"),
    natLine("kp-cluster-nat-2"),
    NAT_DATA,
    prometheus,
  ],
  {
    unpriced: [
      { component: MONITORING, resource: "Grafana volume", reason: "no price for disk:sc1 in eu-west-1" },
    ],
    total: { min: 812.2, max: 2061.96 },
    byComponent: { [EKS]: { min: 807.8, max: 2057.56 }, [MONITORING]: { min: 4.4, max: 4.4 } },
  },
);

describe("cost diff", () => {
  it("gives the total and per-component deltas to the cent", () => {
    const d = diffCost(BASE, CHANGE);
    // $812.20 − $584.14, $2,061.96 − $1,990.12 (floating point gives 228.06000000000006).
    assert.deepStrictEqual(d.total, { min: 228.06, max: 71.84 });
    assert.deepStrictEqual(d.byComponent, {
      [EKS]: { min: 226.3, max: 70.08 },
      [MONITORING]: { min: 4.4, max: 4.4 },
      [VAULT]: { min: -2.64, max: -2.64 },
    });
    assert.deepStrictEqual(d.base, { region: "eu-west-1", pricesDate: "2025-06-02", total: BASE.total });
    assert.deepStrictEqual(d.change.total, { min: 812.2, max: 2061.96 });
  });

  it("lists only the lines that differ: a reworded line as changed, new and gone ones as added and removed", () => {
    const d = diffCost(BASE, CHANGE);
    assert.deepStrictEqual(
      d.lines.map((l) => [l.change, l.component, l.item, l.resource]),
      [
        ["changed", EKS, "instance:m6i.xlarge", "node pool general: 4-12 × m6i.xlarge"],
        ["added", EKS, "natGateway", "NAT gateway kp-cluster-nat-1"],
        ["added", EKS, "natGateway", "NAT gateway kp-cluster-nat-2"],
        ["added", MONITORING, "disk:gp3", "Prometheus volume × 1"],
        ["removed", VAULT, "disk:gp3", "Vault data volume × 3"],
      ],
    );
    assert.deepStrictEqual(d.lines[0], {
      change: "changed",
      component: EKS,
      item: "instance:m6i.xlarge",
      resource: "node pool general: 4-12 × m6i.xlarge",
      baseResource: "node pool general: 3-12 × m6i.xlarge",
      unit: "hour",
      before: { min: 468.66, max: 1874.64 },
      after: { min: 624.88, max: 1874.64 },
      delta: { min: 156.22, max: 0 },
      quantityDelta: { min: 730, max: 0 },
    });
    const added = d.lines[1];
    assert.strictEqual(added.before, undefined);
    assert.deepStrictEqual(added.after, { min: 35.04, max: 35.04 });
    assert.deepStrictEqual(added.delta, { min: 35.04, max: 35.04 });
    const removed = d.lines[4];
    assert.strictEqual(removed.after, undefined);
    assert.deepStrictEqual(removed.delta, { min: -2.64, max: -2.64 });
    assert.deepStrictEqual(removed.quantityDelta, { min: -30, max: -30 });
  });

  it("pairs a reworded line only when it is the one unmatched line of its component and item on both sides", () => {
    // A NAT gateway renamed costs the same: no change to list.
    const renamed = diffCost(estimate([natLine("nat-a")], {}), estimate([natLine("nat-b")], {}));
    assert.deepStrictEqual(renamed.lines, []);
    // One before, two after: which one it became is unknown, so one removed and two added.
    const split = diffCost(
      estimate([natLine("nat-a")], {}),
      estimate([natLine("nat-b"), natLine("nat-c")], {}),
    );
    assert.deepStrictEqual(
      split.lines.map((l) => [l.change, l.resource]),
      [
        ["added", "NAT gateway nat-b"],
        ["added", "NAT gateway nat-c"],
        ["removed", "NAT gateway nat-a"],
      ],
    );
  });

  it("matches lines worded alike one each", () => {
    const twice = estimate([natLine("a"), natLine("a")], {});
    const once = estimate([natLine("a")], {});
    assert.deepStrictEqual(
      diffCost(twice, once).lines.map((l) => [l.change, l.resource, l.delta.max]),
      [["removed", "NAT gateway a", -35.04]],
    );
    assert.deepStrictEqual(
      diffCost(once, twice).lines.map((l) => [l.change, l.resource, l.delta.max]),
      [["added", "NAT gateway a", 35.04]],
    );
    assert.deepStrictEqual(diffCost(twice, twice).lines, []);
  });

  it("a sub-cent difference is no change; one cent is", () => {
    const base = estimate([natLine("n")], {});
    const tiny = diffCost(base, estimate([{ ...natLine("n"), monthly: { min: 35.0449, max: 35.0449 } }], {}));
    assert.deepStrictEqual(tiny.lines, []);
    const cent = diffCost(base, estimate([{ ...natLine("n"), monthly: { min: 35.05, max: 35.05 } }], {}));
    assert.deepStrictEqual(
      cent.lines.map((l) => [l.change, l.delta]),
      [["changed", { min: 0.01, max: 0.01 }]],
    );
    // Another unit price with the same amount (a region's price, rounded) is a change too.
    const price = diffCost(base, estimate([{ ...natLine("n"), unitPrice: 0.04801 }], {}));
    assert.strictEqual(price.lines.length, 1);
  });

  it("lists the unpriced items that appear and disappear, not those in both", () => {
    const d = diffCost(BASE, CHANGE);
    assert.deepStrictEqual(d.unpricedAdded, CHANGE.unpriced);
    assert.deepStrictEqual(d.unpricedRemoved, BASE.unpriced);
    const same = diffCost(BASE, { ...BASE, unpriced: [...BASE.unpriced] });
    assert.deepStrictEqual([same.unpricedAdded, same.unpricedRemoved], [[], []]);
  });

  it("renders the change per component, biggest first, with the resources' names", () => {
    assert.strictEqual(
      renderCostDiff(diffCost(BASE, CHANGE), "main-Pulumi.prod.yaml"),
      [
        'Cost change of stack "prod" against main-Pulumi.prod.yaml: +$228.06/month min, +$71.84/month max (USD)',
        "  $584.14–$1,990.12/month → $812.20–$2,061.96/month",
        "  EksCluster kp-cluster: +$226.30/month min, +$70.08/month max",
        "    +$156.22/month min, +$0.00/month max: instance:m6i.xlarge (node pool general: 3-12 × m6i.xlarge → node pool general: 4-12 × m6i.xlarge): $468.66–$1,874.64 → $624.88–$1,874.64",
        "    +$70.08/month: natGateway × 2 more (NAT gateway kp-cluster-nat-1, NAT gateway kp-cluster-nat-2)",
        "  Monitoring kp-addons-monitoring: +$4.40/month",
        "    +$4.40/month: disk:gp3 new (Prometheus volume × 1)",
        "  Vault kp-addons-vault: -$2.64/month",
        "    -$2.64/month: disk:gp3 gone (Vault data volume × 3)",
        "  newly unpriced: Monitoring kp-addons-monitoring: Grafana volume (no price for disk:sc1 in eu-west-1)",
        "  no longer unpriced: Vault kp-addons-vault: Vault audit volume × 3",
      ].join("\n"),
    );
  });

  it("counts the things an hour- or month-priced line adds, from its quantity", () => {
    // One line for all NAT gateways: 1 × 730 h → 3 × 730 h is 2 more, +$70.08 (2 × $35.04).
    const gateways = (n: number): CostLine => ({
      ...natLine("x"),
      resource: `NAT gateway × ${n}`,
      quantity: { min: 730 * n, max: 730 * n },
      monthly: { min: 35.04 * n, max: 35.04 * n },
    });
    /** A key at $1.00 a month. */
    const key: CostLine = {
      component: VAULT,
      resource: "customer-managed key",
      item: "kmsKey",
      quantity: { min: 1, max: 1 },
      unit: "month",
      unitPrice: 1,
      monthly: { min: 1, max: 1 },
      source: "https://aws.amazon.com/kms/pricing/",
    };
    const before = estimate([gateways(1), key], {
      total: { min: 36.04, max: 36.04 },
      byComponent: { [EKS]: { min: 35.04, max: 35.04 }, [VAULT]: { min: 1, max: 1 } },
    });
    const after = estimate([gateways(3)], {
      total: { min: 105.12, max: 105.12 },
      byComponent: { [EKS]: { min: 105.12, max: 105.12 } },
    });
    const text = renderCostDiff(diffCost(before, after));
    assert.deepStrictEqual(text.split("\n"), [
      'Cost change of stack "prod" against the base config: +$69.08/month (USD)',
      "  $36.04/month → $105.12/month",
      "  EksCluster kp-cluster: +$70.08/month",
      "    +$70.08/month: natGateway × 2 more (NAT gateway × 1 → NAT gateway × 3): $35.04 → $105.12",
      "  Vault kp-addons-vault: -$1.00/month",
      "    -$1.00/month: kmsKey × 1 fewer (customer-managed key)",
    ]);
    // Fewer at min only (a pool's minimum lowered): no count, the amounts say it.
    const lowered = renderCostDiff(diffCost(estimate([pool4], {}), estimate([POOL_GENERAL], {})));
    assert.match(
      lowered,
      /\n {4}-\$156\.22\/month min, \+\$0\.00\/month max: instance:m6i\.xlarge \(node pool/,
    );
  });

  it("renders no change, and a change of region, as such", () => {
    assert.strictEqual(
      renderCostDiff(diffCost(BASE, BASE)),
      [
        'Cost change of stack "prod" against the base config: +$0.00/month (USD)',
        "  $584.14–$1,990.12/month → $584.14–$1,990.12/month",
        "  no priced line changes",
      ].join("\n"),
    );
    const moved = renderCostDiff(diffCost({ ...BASE, region: "us-east-1" }, BASE), "main.yaml");
    assert.ok(
      moved.startsWith(
        'Cost change of stack "prod" against main.yaml (region us-east-1 → eu-west-1): +$0.00/month',
      ),
      moved,
    );
  });

  it("formats amounts with a sign, thousands and cents", () => {
    assert.strictEqual(money(1234.5), "$1,234.50");
    assert.strictEqual(money(-1234.56), "-$1,234.56");
    assert.strictEqual(money(0), "$0.00");
    assert.strictEqual(signedMoney(97.09), "+$97.09");
    assert.strictEqual(signedMoney(-0.01), "-$0.01");
    assert.strictEqual(signedMoney(0), "+$0.00");
    assert.strictEqual(signedRange({ min: 97.09, max: 97.09 }), "+$97.09/month");
    assert.strictEqual(signedRange({ min: -35.04, max: 140.16 }), "-$35.04/month min, +$140.16/month max");
  });
});
