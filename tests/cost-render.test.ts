/**
 * The estimate as the preflight prints it (preflight/cost/render.ts): a hand-built estimate, its
 * figures computed by hand (730 hours a month), rendered to the exact text.
 */
import * as assert from "assert";
import { quantityText, renderCost, renderStackCost, unitPriceText } from "../preflight/cost/render";
import type { CostEstimate } from "../preflight/cost/types";
import {
  CONTROL_PLANE,
  EKS,
  KMS_OPERATIONS,
  NAT_DATA,
  POOL_GENERAL,
  VAULT,
  VAULT_DATA,
  natLine,
} from "./helpers/cost-lines";

/**
 * $73.00 control plane + $468.66–$1,874.64 (3-12 × 730 h × $0.214) + $35.04 NAT (730 h × $0.048)
 * + $4.80 NAT data (100 GiB × $0.048) = $581.50–$1,987.48; Vault 3 × 10 GiB × $0.088 = $2.64.
 */
const ESTIMATE: CostEstimate = {
  stack: "prod",
  cloud: "aws",
  region: "eu-west-1",
  currency: "USD",
  pricesDate: "2025-06-02",
  lines: [
    CONTROL_PLANE,
    { ...POOL_GENERAL, capacity: "spot" },
    natLine("kp-cluster-nat-0"),
    NAT_DATA,
    VAULT_DATA,
  ],
  unpriced: [
    { component: VAULT, resource: "Vault audit volume × 3", reason: "no price for disk:io2 in eu-west-1" },
  ],
  total: { min: 584.14, max: 1990.12 },
  byComponent: { [EKS]: { min: 581.5, max: 1987.48 }, [VAULT]: { min: 2.64, max: 2.64 } },
};

describe("cost estimate text", () => {
  it("prints per component its lines, the unpriced items, the total, the date and the sources", () => {
    assert.strictEqual(
      renderCost(ESTIMATE),
      [
        'Monthly cost estimate of stack "prod" (aws eu-west-1, USD, prices of 2025-06-02): $584.14–$1,990.12/month',
        "    resource                                       quantity        unit price            monthly",
        "  EksCluster kp-cluster: $581.50–$1,987.48/month",
        "    control plane (standard support)              730 hours        $0.10/hour             $73.00",
        "    node pool general: 3-12 × m6i.xlarge  2,190–8,760 hours       $0.214/hour  $468.66–$1,874.64  [spot: priced at on-demand]",
        "    NAT gateway kp-cluster-nat-0                  730 hours       $0.048/hour             $35.04",
        "    NAT gateway data processed                      100 GiB        $0.048/GiB              $4.80  assumes 100 GiB/month processed (cost.natDataGiB)",
        "  Vault kp-addons-vault: $2.64/month",
        "    Vault data volume × 3                     30 GiB-months  $0.088/GiB-month              $2.64",
        "",
        "Unpriced (not in the total; they cost money, the price file has no figure): 1",
        "  - Vault kp-addons-vault: Vault audit volume × 3: no price for disk:io2 in eu-west-1",
        "",
        "Total: $584.14–$1,990.12/month (USD; min with every pool at minNodes, max at maxNodes)",
        "Prices: aws eu-west-1 list prices of 2025-06-02, on-demand, before discounts and taxes, from:",
        "  https://aws.amazon.com/ebs/pricing/",
        "  https://aws.amazon.com/ec2/pricing/on-demand/",
        "  https://aws.amazon.com/eks/pricing/",
        "  https://aws.amazon.com/vpc/pricing/",
      ].join("\n"),
    );
  });

  it("says when nothing is priced, and leaves out the unpriced section when there is none", () => {
    const text = renderCost({
      ...ESTIMATE,
      lines: [],
      unpriced: [],
      total: { min: 0, max: 0 },
      byComponent: {},
    });
    assert.strictEqual(
      text,
      [
        'Monthly cost estimate of stack "prod" (aws eu-west-1, USD, prices of 2025-06-02): $0.00/month',
        "  (nothing priced)",
        "",
        "Total: $0.00/month (USD; min with every pool at minNodes, max at maxNodes)",
        "Prices: aws eu-west-1 list prices of 2025-06-02, on-demand, before discounts and taxes, from:",
      ].join("\n"),
    );
    assert.doesNotMatch(text, /Unpriced/);
  });

  it("writes quantities and unit prices as published", () => {
    assert.strictEqual(quantityText({ min: 1, max: 1 }, "month"), "1 month");
    assert.strictEqual(quantityText({ min: 2, max: 2 }, "month"), "2 months");
    assert.strictEqual(quantityText({ min: 0.5, max: 1 }, "GiB-month"), "0.5–1 GiB-month");
    assert.strictEqual(quantityText({ min: 1460, max: 1460 }, "hour"), "1,460 hours");
    assert.strictEqual(quantityText({ min: 12.34567, max: 12.34567 }, "GiB"), "12.3457 GiB");
    assert.strictEqual(unitPriceText(0.1, "hour"), "$0.10/hour");
    assert.strictEqual(unitPriceText(73, "month"), "$73.00/month");
    assert.strictEqual(unitPriceText(0.0456, "hour"), "$0.0456/hour");
    assert.strictEqual(unitPriceText(0.000166, "GiB"), "$0.000166/GiB");
    assert.strictEqual(unitPriceText(1234.5, "month"), "$1,234.50/month");
  });

  it("writes a key's operations as units of 10,000", () => {
    assert.strictEqual(quantityText({ min: 1, max: 1 }, "10k-operations"), "1 × 10,000 operations");
    assert.strictEqual(quantityText({ min: 2.5, max: 2.5 }, "10k-operations"), "2.5 × 10,000 operations");
    assert.strictEqual(quantityText({ min: 0, max: 0 }, "10k-operations"), "0 × 10,000 operations");
    assert.strictEqual(quantityText({ min: 2, max: 5 }, "10k-operations"), "2–5 × 10,000 operations");
    assert.strictEqual(unitPriceText(0.15, "10k-operations"), "$0.15/10,000 operations");
    assert.strictEqual(unitPriceText(0.03, "10k-operations"), "$0.03/10,000 operations");
    // Vault's volume and its key's operations: $2.64 + $0.03 = $2.67
    assert.strictEqual(
      renderCost({
        ...ESTIMATE,
        lines: [VAULT_DATA, KMS_OPERATIONS],
        unpriced: [],
        total: { min: 2.67, max: 2.67 },
        byComponent: { [VAULT]: { min: 2.67, max: 2.67 } },
      }),
      [
        'Monthly cost estimate of stack "prod" (aws eu-west-1, USD, prices of 2025-06-02): $2.67/month',
        "    resource                                         quantity               unit price  monthly",
        "  Vault kp-addons-vault: $2.67/month",
        "    Vault data volume × 3                       30 GiB-months         $0.088/GiB-month    $2.64",
        "    operations of customer-managed key  1 × 10,000 operations  $0.03/10,000 operations    $0.03  assumes 10,000 operations/month per key (cost.kmsKeyOperations)",
        "",
        "Total: $2.67/month (USD; min with every pool at minNodes, max at maxNodes)",
        "Prices: aws eu-west-1 list prices of 2025-06-02, on-demand, before discounts and taxes, from:",
        "  https://aws.amazon.com/ebs/pricing/",
        "  https://aws.amazon.com/kms/pricing/",
      ].join("\n"),
    );
  });

  it("an adopted cluster has no estimate and says why", () => {
    assert.strictEqual(renderStackCost(ESTIMATE), renderCost(ESTIMATE));
    assert.strictEqual(
      renderStackCost({ stack: "dev", target: "existing", unpriced: [] }),
      'Monthly cost estimate of stack "dev": not estimated: the cluster is adopted (cluster.target existing): ' +
        "what it runs on is billed where it runs, outside this program's price files",
    );
    const withUnpriced = renderStackCost({
      stack: "dev",
      target: "existing",
      unpriced: [
        { component: "Ingress kp-addons-ingress", resource: "load balancer", reason: "the cluster's own" },
      ],
    });
    assert.match(
      withUnpriced,
      /\nUnpriced: 1\n {2}- Ingress kp-addons-ingress: load balancer: the cluster's own$/,
    );
  });
});
