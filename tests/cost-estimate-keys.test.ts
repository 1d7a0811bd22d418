/**
 * The cost estimate of customer-managed keys and control-plane logs over hand-made recorded
 * resources (test price files, tests/fixtures/cost/): keys per month where the cloud charges one,
 * their operations under cost.kmsKeyOperations, log ingestion and what the retention keeps.
 */
import * as assert from "node:assert/strict";
import { estimateCost, loadPrices } from "../preflight/cost";
import { diffCost, renderCostDiff } from "../preflight/cost/diff";
import { ADDONS, FIXTURE_PRICES, ROOT, addon, configOf, recorded } from "./fixtures/cost/recorded";
import { CLUSTER, estimateWith as estimate, summary } from "./helpers/cost-estimate";
import { EKS, VAULT } from "./helpers/cost-lines";

/** The assumption each operations line states at the default of cost.kmsKeyOperations. */
const OPERATIONS = "10,000 operations/month per key (cost.kmsKeyOperations)";

/** AWS: the cluster's two keys (Secrets, logs) and Vault's unseal key with its alias. */
function awsKeys(withVaultKey = true) {
  const c = CLUSTER("eks");
  const vault = addon("Vault", "kp-addons-vault");
  return [
    recorded("aws:kms/key:Key", "kp-cluster-secrets", {}, c.urn),
    recorded("aws:kms/key:Key", "kp-cluster-logs", {}, c.urn),
    vault,
    ...(withVaultKey
      ? [
          recorded("aws:kms/key:Key", "kp-addons-vault-unseal", {}, vault.urn),
          recorded("aws:kms/alias:Alias", "kp-addons-vault-unseal", {}, vault.urn),
        ]
      : []),
  ];
}

describe("cost estimate: customer-managed keys and their operations", () => {
  it("counts the customer-managed keys per component: each key per month and its operations", () => {
    assert.deepEqual(summary(estimate("eks", awsKeys())), [
      // 2 keys × $1.00 = $2.00
      ["kmsKey", "customer-managed key × 2", 2, 2, undefined],
      // 2 keys × 10,000 operations (the default) / 10,000 = 2 units × $0.03 = $0.06
      ["kmsKey:operations", "operations of customer-managed key × 2", 0.06, 0.06, OPERATIONS],
      ["kmsKey", "customer-managed key", 1, 1, undefined],
      // 1 unit × $0.03 = $0.03
      ["kmsKey:operations", "operations of customer-managed key", 0.03, 0.03, OPERATIONS],
    ]);
  });

  it("prices the operations per 10,000 from cost.kmsKeyOperations, rounded to the cent half up", () => {
    const e = estimate("eks", awsKeys(), { kmsKeyOperations: 25000 });
    const assumption = "25,000 operations/month per key (cost.kmsKeyOperations)";
    assert.deepEqual(
      e.lines
        .filter((l) => l.item === "kmsKey:operations")
        .map((l) => [l.resource, l.quantity, l.unit, l.unitPrice, l.monthly, l.assumption]),
      [
        // 2 keys × 25,000 / 10,000 = 5 units × $0.03 = $0.15
        [
          "operations of customer-managed key × 2",
          { min: 5, max: 5 },
          "10k-operations",
          0.03,
          { min: 0.15, max: 0.15 },
          assumption,
        ],
        // 25,000 / 10,000 = 2.5 units × $0.03 = $0.075 → $0.08 (half a cent up)
        [
          "operations of customer-managed key",
          { min: 2.5, max: 2.5 },
          "10k-operations",
          0.03,
          { min: 0.08, max: 0.08 },
          assumption,
        ],
      ],
    );
    // keys $2.00 + $1.00, operations $0.15 + $0.08
    assert.deepEqual(e.total, { min: 3.23, max: 3.23 });
  });

  it("0 operations: a $0.00 line that still states its assumption", () => {
    const e = estimate("eks", awsKeys(), { kmsKeyOperations: 0 });
    const none = "0 operations/month per key (cost.kmsKeyOperations)";
    assert.deepEqual(summary(e), [
      ["kmsKey", "customer-managed key × 2", 2, 2, undefined],
      ["kmsKey:operations", "operations of customer-managed key × 2", 0, 0, none],
      ["kmsKey", "customer-managed key", 1, 1, undefined],
      ["kmsKey:operations", "operations of customer-managed key", 0, 0, none],
    ]);
    assert.deepEqual(e.total, { min: 3, max: 3 });
    assert.deepEqual(e.unpriced, []);
  });

  it("GCP: a Cloud KMS key version per month and its operations", () => {
    const e = estimate("gke", [
      recorded("gcp:kms/cryptoKey:CryptoKey", "kp-cluster-secrets", {}, CLUSTER("gke").urn),
    ]);
    assert.deepEqual(summary(e), [
      // one key version × $0.06
      ["kmsKey", "customer-managed key", 0.06, 0.06, undefined],
      // 1 unit × $0.03
      ["kmsKey:operations", "operations of customer-managed key", 0.03, 0.03, OPERATIONS],
    ]);
  });

  it("Azure: a Key Vault key has no per-key line (Standard charges none), only its operations", () => {
    const vault = addon("Vault", "kp-addons-vault");
    const key = recorded("azure-native:keyvault:Key", "kp-addons-vault-key", {}, vault.urn);
    // The test file has a kmsKey figure ($5.00) in westeurope: the Azure row never asks for it.
    assert.equal(loadPrices("azure", FIXTURE_PRICES).regions.westeurope.kmsKey.price, 5);
    const e = estimate("aks", [vault, key]);
    // 10,000 / 10,000 = 1 unit × $0.15 = $0.15
    assert.deepEqual(summary(e), [
      ["kmsKey:operations", "operations of customer-managed key", 0.15, 0.15, OPERATIONS],
    ]);
    assert.deepEqual(e.unpriced, []);
    assert.deepEqual(e.byComponent, { [VAULT]: { min: 0.15, max: 0.15 } });
    // 25,000 / 10,000 = 2.5 units × $0.15 = $0.375 → $0.38
    assert.deepEqual(estimate("aks", [vault, key], { kmsKeyOperations: 25000 }).total, {
      min: 0.38,
      max: 0.38,
    });
  });

  it("DigitalOcean: no customer-managed key, no key line", () => {
    const e = estimate("doks", [addon("Vault", "kp-addons-vault")]);
    assert.deepEqual(summary(e), []);
    assert.deepEqual(e.unpriced, []);
  });

  it("a price file without the operations figure lists them as unpriced, never as zero", () => {
    const prices = loadPrices("aws", FIXTURE_PRICES);
    const { "kmsKey:operations": _operations, ...rest } = prices.regions["eu-west-1"];
    const e = estimateCost({
      stack: "test",
      config: configOf("eks"),
      resources: [ROOT, CLUSTER("eks"), ADDONS, ...awsKeys()],
      prices: { ...prices, regions: { "eu-west-1": rest } },
    });
    assert.deepEqual(e.unpriced, [
      {
        component: EKS,
        resource: "operations of customer-managed key × 2",
        reason: "no price for kmsKey:operations in eu-west-1",
      },
      {
        component: VAULT,
        resource: "operations of customer-managed key",
        reason: "no price for kmsKey:operations in eu-west-1",
      },
    ]);
    // the keys themselves still priced: $2.00 + $1.00
    assert.deepEqual(e.total, { min: 3, max: 3 });
  });

  it("in the diff, a change of cost.kmsKeyOperations changes each operations line; a new key adds two", () => {
    const base = estimate("eks", awsKeys());
    const more = diffCost(base, estimate("eks", awsKeys(), { kmsKeyOperations: 25000 }));
    assert.deepEqual(
      more.lines.map((l) => [l.change, l.component, l.item, l.before, l.after, l.delta, l.quantityDelta]),
      [
        // 2 → 5 units: $0.06 → $0.15
        [
          "changed",
          EKS,
          "kmsKey:operations",
          { min: 0.06, max: 0.06 },
          { min: 0.15, max: 0.15 },
          { min: 0.09, max: 0.09 },
          { min: 3, max: 3 },
        ],
        // 1 → 2.5 units: $0.03 → $0.08
        [
          "changed",
          VAULT,
          "kmsKey:operations",
          { min: 0.03, max: 0.03 },
          { min: 0.08, max: 0.08 },
          { min: 0.05, max: 0.05 },
          { min: 1.5, max: 1.5 },
        ],
      ],
    );
    // $3.09 (2 + 0.06 + 1 + 0.03) → $3.23 (2 + 0.15 + 1 + 0.08)
    assert.deepEqual(renderCostDiff(more).split("\n"), [
      'Cost change of stack "test" against the base config: +$0.14/month (USD)',
      "  $3.09/month → $3.23/month",
      "  EksCluster kp-cluster: +$0.09/month",
      "    +$0.09/month: kmsKey:operations (operations of customer-managed key × 2): $0.06 → $0.15",
      "  Vault kp-addons-vault: +$0.05/month",
      "    +$0.05/month: kmsKey:operations (operations of customer-managed key): $0.03 → $0.08",
    ]);
    // Vault's key added: one more key-month ($1.00) and its operations ($0.03), no count for operations
    const added = diffCost(estimate("eks", awsKeys(false)), base);
    assert.deepEqual(renderCostDiff(added).split("\n"), [
      'Cost change of stack "test" against the base config: +$1.03/month (USD)',
      "  $2.06/month → $3.09/month",
      "  Vault kp-addons-vault: +$1.03/month",
      "    +$1.00/month: kmsKey × 1 more (customer-managed key)",
      "    +$0.03/month: kmsKey:operations new (operations of customer-managed key)",
    ]);
  });
});

describe("cost estimate: control-plane logs", () => {
  const eks = (logTypes: string[], retentionInDays?: number) => {
    const c = CLUSTER("eks");
    return [
      recorded("aws:eks/cluster:Cluster", "kp-cluster-eks", { enabledClusterLogTypes: logTypes }, c.urn),
      ...(retentionInDays === undefined
        ? []
        : [recorded("aws:cloudwatch/logGroup:LogGroup", "kp-cluster-logs", { retentionInDays }, c.urn)]),
    ];
  };

  it("EKS control-plane logs: ingestion assumed, storage of what the retention keeps", () => {
    const e = estimate("eks", eks(["api", "audit"], 90), { logIngestionGiB: 20 });
    assert.deepEqual(summary(e).slice(1), [
      // 20 GiB × $0.50 = $10.00
      [
        "logs:ingestion",
        "control-plane logs (api, audit): ingestion",
        10,
        10,
        "20 GiB/month ingested (cost.logIngestionGiB)",
      ],
      // 20 GiB × 90 / 30 = 60 GiB-month × $0.03 = $1.80
      [
        "logs:storage",
        "control-plane logs (api, audit): storage (90 days kept)",
        1.8,
        1.8,
        "20 GiB/month ingested, kept 90 days: 60 GiB stored (cost.logIngestionGiB)",
      ],
    ]);
  });

  it("no log types, no log lines; logs that never expire are unpriced", () => {
    assert.equal(
      estimate("eks", eks([], 90)).lines.some((l) => l.item.startsWith("logs:")),
      false,
    );
    assert.deepEqual(estimate("eks", eks(["api"], 0)).unpriced, [
      {
        component: "EksCluster kp-cluster",
        resource: "control-plane logs (api): storage",
        reason: "the logs never expire: what is kept grows every month",
      },
    ]);
  });
});
