/**
 * The AKS and DOKS cluster rules and node-pool autoscaling (rules/cluster/aks.ts, doks.ts,
 * autoscaling.ts) on hand-built resources: every check both ways with its exact message, the
 * boundaries (min = max, max 1), and the prod-only rules refusing in prod and silent in dev.
 */
import * as assert from "assert";
import { ResourceRule, ResourceUnderTest, evaluate } from "../rules";
import {
  aksApiServerAccess,
  aksAutoUpgrade,
  aksAzureCni,
  aksLocalAccounts,
  aksNetworkPolicy,
  aksNoNodePublicIp,
  aksPaidTier,
  aksPools,
  aksRbac,
  aksSystemPoolCriticalOnly,
  aksWorkloadIdentity,
  doksAutoUpgrade,
  doksHa,
  doksMaintenanceWindow,
  doksSurgeUpgrade,
  isShamirHaVault,
  nodePoolAutoscaling,
} from "../rules/cluster";

const AKS = "azure-native:containerservice:ManagedCluster";
const AKS_POOL = "azure-native:containerservice/v20240901:AgentPool";
const DOKS = "digitalocean:index/kubernetesCluster:KubernetesCluster";
const DOKS_POOL = "digitalocean:index/kubernetesNodePool:KubernetesNodePool";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const res = (
  type: string,
  inputs: Record<string, unknown>,
  ignoreChanges: string[] = [],
): ResourceUnderTest => ({ type, name: "x", inputs, options: { ignoreChanges } });
const check = (
  rule: ResourceRule,
  inputs: Record<string, unknown>,
  type: string,
  ignoreChanges: string[] = [],
) => {
  const r = res(type, inputs, ignoreChanges);
  assert.ok(rule.appliesTo(r), `${rule.id} applies to ${type}`);
  return rule.check(r, { profile: "prod" });
};
/** Violations of `rules` in a profile, as `<rule> <severity>: <message>`. */
const inProfile = (profile: "dev" | "prod", r: ResourceUnderTest, rules: ResourceRule[]) =>
  evaluate([r], { profile }, rules).map((v) => `${v.ruleId} ${v.severity}: ${v.message}`);

describe("AKS cluster rules: exact messages, both ways", () => {
  it("aks-api-server-access: private, or authorized ranges none of them open", () => {
    assert.deepStrictEqual(
      check(aksApiServerAccess, { apiServerAccessProfile: { enablePrivateCluster: true } }, AKS),
      [],
    );
    assert.deepStrictEqual(
      check(aksApiServerAccess, { apiServerAccessProfile: { authorizedIPRanges: ["203.0.113.0/24"] } }, AKS),
      [],
    );
    assert.deepStrictEqual(check(aksApiServerAccess, {}, AKS), [
      "public API server without authorizedIPRanges",
    ]);
    assert.deepStrictEqual(
      check(
        aksApiServerAccess,
        { apiServerAccessProfile: { authorizedIPRanges: ["0.0.0.0/0", "10.0.0.0/8", "::/0"] } },
        AKS,
      ),
      ["authorizedIPRanges include 0.0.0.0/0, ::/0"],
    );
  });

  it("aks-rbac, aks-network-policy, aks-azure-cni, aks-auto-upgrade", () => {
    assert.deepStrictEqual(check(aksRbac, { enableRBAC: true }, AKS), []);
    assert.deepStrictEqual(check(aksRbac, {}, AKS), ["enableRBAC is not true"]);
    for (const networkPolicy of ["azure", "calico", "cilium"])
      assert.deepStrictEqual(check(aksNetworkPolicy, { networkProfile: { networkPolicy } }, AKS), []);
    assert.deepStrictEqual(check(aksNetworkPolicy, { networkProfile: { networkPolicy: "none" } }, AKS), [
      'networkProfile.networkPolicy is "none"',
    ]);
    assert.deepStrictEqual(check(aksAzureCni, { networkProfile: { networkPlugin: "azure" } }, AKS), []);
    assert.deepStrictEqual(check(aksAzureCni, { networkProfile: { networkPlugin: "kubenet" } }, AKS), [
      'networkProfile.networkPlugin is "kubenet", not azure',
    ]);
    for (const upgradeChannel of ["patch", "stable", "rapid", "node-image"])
      assert.deepStrictEqual(check(aksAutoUpgrade, { autoUpgradeProfile: { upgradeChannel } }, AKS), []);
    assert.deepStrictEqual(check(aksAutoUpgrade, { autoUpgradeProfile: { upgradeChannel: "none" } }, AKS), [
      'autoUpgradeProfile.upgradeChannel is "none"',
    ]);
  });

  it("prod-only: aks-local-accounts-disabled and aks-paid-tier refuse in prod, are silent in dev", () => {
    const weak = res(AKS, { disableLocalAccounts: false, sku: { tier: "Free" } });
    assert.deepStrictEqual(inProfile("prod", weak, [aksLocalAccounts, aksPaidTier]), [
      "aks-local-accounts-disabled mandatory: disableLocalAccounts is not true",
      'aks-paid-tier mandatory: sku.tier is "Free", not Standard',
    ]);
    assert.deepStrictEqual(inProfile("dev", weak, [aksLocalAccounts, aksPaidTier]), []);
    for (const tier of ["Standard", "Premium"])
      assert.deepStrictEqual(
        inProfile("prod", res(AKS, { disableLocalAccounts: true, sku: { tier } }), [
          aksLocalAccounts,
          aksPaidTier,
        ]),
        [],
        tier,
      );
    assert.deepStrictEqual(inProfile("prod", res(AKS, {}), [aksPaidTier]), [
      "aks-paid-tier mandatory: sku.tier is undefined, not Standard",
    ]);
  });

  it("aksPools: the inline profiles (named or by index), or the agent pool itself", () => {
    assert.deepStrictEqual(aksPools(res(AKS, { agentPoolProfiles: [{ name: "system" }, { name: "" }] })), [
      { label: 'agent pool "system"', pool: { name: "system" }, sizePath: "agentPoolProfiles[0].count" },
      { label: 'agent pool "1"', pool: { name: "" }, sizePath: "agentPoolProfiles[1].count" },
    ]);
    assert.deepStrictEqual(aksPools(res(AKS_POOL, { count: 2 })), [
      { label: "", pool: { count: 2 }, sizePath: "count" },
    ]);
  });

  it("aks-no-node-public-ip and aks-system-pool-critical-only, per pool", () => {
    assert.deepStrictEqual(
      check(aksNoNodePublicIp, { agentPoolProfiles: [{ name: "a", enableNodePublicIP: false }] }, AKS),
      [],
    );
    assert.deepStrictEqual(
      check(
        aksNoNodePublicIp,
        { agentPoolProfiles: [{ name: "a", enableNodePublicIP: true }, { name: "b" }] },
        AKS,
      ),
      ['agent pool "a": enableNodePublicIP is true'],
    );
    assert.deepStrictEqual(check(aksNoNodePublicIp, { enableNodePublicIP: "true" }, AKS_POOL), [
      "enableNodePublicIP is true",
    ]);
    const taint = "System pool without the CriticalAddonsOnly=true:NoSchedule taint";
    for (const t of ["CriticalAddonsOnly=true:NoSchedule", " CriticalAddonsOnly:NoExecute "])
      assert.deepStrictEqual(
        check(aksSystemPoolCriticalOnly, { mode: "System", nodeTaints: ["a=b:NoSchedule", t] }, AKS_POOL),
        [],
        t,
      );
    assert.deepStrictEqual(check(aksSystemPoolCriticalOnly, { mode: "User" }, AKS_POOL), []);
    for (const t of [
      "CriticalAddonsOnly=true:PreferNoSchedule",
      "xCriticalAddonsOnly=true:NoSchedule",
      "CriticalAddonsOnly=false:NoSchedule",
    ])
      assert.deepStrictEqual(
        check(aksSystemPoolCriticalOnly, { mode: "System", nodeTaints: [t] }, AKS_POOL),
        [taint],
        t,
      );
    assert.deepStrictEqual(
      check(aksSystemPoolCriticalOnly, { agentPoolProfiles: [{ name: "sys", mode: "System" }] }, AKS),
      [`agent pool "sys": ${taint}`],
    );
  });

  it("aks-workload-identity: the OIDC issuer and workload identity", () => {
    assert.deepStrictEqual(
      check(
        aksWorkloadIdentity,
        { oidcIssuerProfile: { enabled: true }, securityProfile: { workloadIdentity: { enabled: true } } },
        AKS,
      ),
      [],
    );
    assert.deepStrictEqual(check(aksWorkloadIdentity, {}, AKS), [
      "oidcIssuerProfile.enabled is not true",
      "securityProfile.workloadIdentity.enabled is not true",
    ]);
  });
});

describe("DOKS cluster rules", () => {
  it("doks-surge-upgrade, and prod-only doks-ha-control-plane: refused in prod, silent in dev", () => {
    assert.deepStrictEqual(check(doksSurgeUpgrade, { surgeUpgrade: true }, DOKS), []);
    assert.deepStrictEqual(check(doksSurgeUpgrade, {}, DOKS), ["surgeUpgrade is not true"]);
    assert.deepStrictEqual(inProfile("prod", res(DOKS, { ha: false }), [doksHa]), [
      "doks-ha-control-plane mandatory: ha is not true",
    ]);
    assert.deepStrictEqual(inProfile("dev", res(DOKS, { ha: false }), [doksHa]), []);
    assert.deepStrictEqual(inProfile("prod", res(DOKS, { ha: true }), [doksHa]), []);
  });

  it("doks-maintenance-window: a day and an HH:MM start", () => {
    const mw = (day: unknown, startTime: unknown) =>
      check(doksMaintenanceWindow, { maintenancePolicy: [{ day, startTime }] }, DOKS);
    assert.deepStrictEqual(mw("any", "00:00"), []);
    assert.deepStrictEqual(mw("sunday", "23:59"), []);
    assert.deepStrictEqual(
      check(doksMaintenanceWindow, { maintenancePolicy: { day: "monday", startTime: "19:30" } }, DOKS),
      [],
    );
    assert.deepStrictEqual(mw("someday", "24:00"), [
      'maintenancePolicy.day is "someday"',
      'maintenancePolicy.startTime is "24:00"',
    ]);
    assert.deepStrictEqual(mw(1, 1200), [
      "maintenancePolicy.day is 1",
      "maintenancePolicy.startTime is 1200",
    ]);
    assert.deepStrictEqual(mw(["any"], ["12:00"]), [
      'maintenancePolicy.day is ["any"]',
      'maintenancePolicy.startTime is ["12:00"]',
    ]);
    for (const t of ["x12:00", "12:00x", "12:60", "9:00"])
      assert.deepStrictEqual(mw("any", t), [`maintenancePolicy.startTime is "${t}"`], t);
    assert.deepStrictEqual(check(doksMaintenanceWindow, {}, DOKS), [
      "maintenancePolicy.day is undefined",
      "maintenancePolicy.startTime is undefined",
    ]);
  });

  it("isShamirHaVault: a vault release in ha mode without a seal stanza", () => {
    const vault = (chart: string, values: Record<string, unknown>, type = RELEASE) =>
      isShamirHaVault({ type, name: "v", inputs: { chart, values } });
    assert.strictEqual(vault("vault", { server: { ha: { enabled: true } } }), true);
    assert.strictEqual(
      vault("hashicorp/vault", { server: { ha: { enabled: true, raft: { config: 'storage "raft" {}' } } } }),
      true,
    );
    assert.strictEqual(
      vault("vault", { server: { ha: { enabled: true, raft: { config: 'seal "awskms" {}' } } } }),
      false,
    );
    assert.strictEqual(
      vault("vault", { server: { ha: { enabled: true, raft: { config: 'seal  "gcpckms" {}' } } } }),
      false,
    );
    assert.strictEqual(
      vault("vault", { server: { ha: { enabled: true, raft: { config: 'noseal "x"' } } } }),
      true,
    );
    assert.strictEqual(vault("vault", { server: { ha: { enabled: false } } }), false);
    assert.strictEqual(vault("vault-secrets-operator", { server: { ha: { enabled: true } } }), false);
    assert.strictEqual(
      vault("vault", { server: { ha: { enabled: true } } }, "kubernetes:core/v1:ConfigMap"),
      false,
    );
  });

  it("doks-auto-upgrade: autoUpgrade true, except while a Shamir ha Vault runs", () => {
    const cluster = res(DOKS, { autoUpgrade: false });
    const found = (all: ResourceUnderTest[]) =>
      evaluate(all, { profile: "prod" }, [doksAutoUpgrade]).map(
        (v) => `${v.severity} ${v.resource}: ${v.message}`,
      );
    assert.deepStrictEqual(found([cluster, res(DOKS_POOL, {})]), [
      `mandatory ${DOKS} x: autoUpgrade is not true`,
    ]);
    assert.deepStrictEqual(found([res(DOKS, { autoUpgrade: true })]), []);
    assert.deepStrictEqual(
      found([cluster, res(RELEASE, { chart: "vault", values: { server: { ha: { enabled: true } } } })]),
      [],
    );
  });
});

describe("node-pool-autoscaling on every cloud", () => {
  const check1 = (inputs: Record<string, unknown>, type: string, ignore: string[] = []) =>
    check(nodePoolAutoscaling, inputs, type, ignore);

  it("AKS: autoscaling on, 0 <= min <= max, max >= 1, count ignored", () => {
    const pool = (p: Record<string, unknown>) => ({ enableAutoScaling: true, ...p });
    assert.deepStrictEqual(check1(pool({ minCount: 2, maxCount: 2 }), AKS_POOL), []);
    assert.deepStrictEqual(check1(pool({ minCount: 0, maxCount: 1, count: 1 }), AKS_POOL, ["count"]), []);
    assert.deepStrictEqual(check1(pool({ minCount: 3, maxCount: 2 }), AKS_POOL), ["min 3 > max 2"]);
    assert.deepStrictEqual(check1(pool({ minCount: -1, maxCount: 2 }), AKS_POOL), ["min -1 > max 2"]);
    assert.deepStrictEqual(check1(pool({ minCount: 0, maxCount: 0 }), AKS_POOL), ["max 0 < 1"]);
    assert.deepStrictEqual(check1(pool({ minCount: 1 }), AKS_POOL), [
      "min/max not set (min 1, max undefined)",
    ]);
    assert.deepStrictEqual(check1(pool({ maxCount: 1 }), AKS_POOL), [
      "min/max not set (min undefined, max 1)",
    ]);
    assert.deepStrictEqual(check1(pool({ minCount: 1, maxCount: 3, count: 2 }), AKS_POOL), [
      "count is set but not in ignoreChanges: every update resets what the autoscaler chose",
    ]);
    assert.deepStrictEqual(check1(pool({ minCount: 1, maxCount: 3, count: null }), AKS_POOL), []);
    assert.deepStrictEqual(check1({ agentPoolProfiles: [{ name: "sys", minCount: 1, maxCount: 3 }] }, AKS), [
      'agent pool "sys": enableAutoScaling is not true',
    ]);
    assert.deepStrictEqual(
      check1({ agentPoolProfiles: [pool({ name: "sys", minCount: 1, maxCount: 3, count: 1 })] }, AKS, [
        "agentPoolProfiles[*].count",
      ]),
      [],
    );
  });

  it("EKS: bounds and desiredSize ignored, or one fixed size", () => {
    const NG = "aws:eks/nodeGroup:NodeGroup";
    const sc = (scalingConfig: Record<string, unknown>, ignore: string[] = []) =>
      check1({ scalingConfig }, NG, ignore);
    assert.deepStrictEqual(sc({ minSize: 1, desiredSize: 2, maxSize: 3 }, ["scalingConfig.desiredSize"]), []);
    assert.deepStrictEqual(sc({ minSize: 2, desiredSize: 2, maxSize: 2 }), [], "fixed size");
    assert.deepStrictEqual(sc({ minSize: 1, desiredSize: 1, maxSize: 1 }), [], "fixed size of one");
    const notIgnored =
      "scalingConfig.desiredSize is set but not in ignoreChanges: every update resets what the autoscaler chose";
    assert.deepStrictEqual(sc({ minSize: 0, desiredSize: 0, maxSize: 0 }), ["max 0 < 1", notIgnored]);
    assert.deepStrictEqual(sc({ minSize: 2, desiredSize: 3, maxSize: 3 }), [notIgnored]);
    assert.deepStrictEqual(sc({ minSize: 2, desiredSize: 2, maxSize: 3 }), [notIgnored]);
    assert.deepStrictEqual(sc({ minSize: 2, maxSize: 2 }), []);
    assert.deepStrictEqual(
      sc({ minSize: 2, desiredSize: 1, maxSize: 2 }),
      [notIgnored],
      "min = max but not desired",
    );
    assert.deepStrictEqual(sc({}), ["min/max not set (min undefined, max undefined)"]);
  });

  it("GKE: every pool autoscales, the default pool is removed", () => {
    const GKE = "gcp:container/cluster:Cluster";
    const POOL = "gcp:container/nodePool:NodePool";
    assert.deepStrictEqual(check1({ autoscaling: { minNodeCount: 1, maxNodeCount: 3 } }, POOL), []);
    assert.deepStrictEqual(
      check1(
        { autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 3, minNodeCount: 5 }, nodeCount: 1 },
        POOL,
        ["nodeCount"],
      ),
      [],
    );
    assert.deepStrictEqual(
      check1(
        { autoscaling: { totalMinNodeCount: 4, totalMaxNodeCount: 3, minNodeCount: 1, maxNodeCount: 9 } },
        POOL,
      ),
      ["min 4 > max 3"],
    );
    assert.deepStrictEqual(
      check1({ autoscaling: { minNodeCount: 1, maxNodeCount: 3 }, nodeCount: 1 }, POOL),
      ["nodeCount is set but not in ignoreChanges: every update resets what the autoscaler chose"],
    );
    assert.deepStrictEqual(check1({}, POOL), ["no autoscaling"]);
    assert.deepStrictEqual(check1({ autoscaling: {} }, POOL), [
      "min/max not set (min undefined, max undefined)",
    ]);
    assert.deepStrictEqual(
      check1(
        {
          nodePools: [
            { name: "a" },
            { name: "b", autoscaling: { minNodeCount: 1, maxNodeCount: 2 }, nodeCount: 1 },
          ],
        },
        GKE,
      ),
      [
        'node pool "a": no autoscaling',
        'node pool "b": nodePools[1].nodeCount is set but not in ignoreChanges: every update resets what the autoscaler chose',
        "the default node pool is kept and does not autoscale (set removeDefaultNodePool)",
      ],
    );
  });

  it("DOKS: the cluster's pool and node pools autoscale, nodeCount ignored", () => {
    assert.deepStrictEqual(
      check1({ nodePool: { autoScale: true, minNodes: 1, maxNodes: 3, nodeCount: 2 } }, DOKS, [
        "nodePool.nodeCount",
      ]),
      [],
    );
    assert.deepStrictEqual(check1({ nodePool: [{ autoScale: true, minNodes: 2, maxNodes: 1 }] }, DOKS), [
      "node pool: min 2 > max 1",
    ]);
    assert.deepStrictEqual(check1({ nodePool: { autoScale: false } }, DOKS), [
      "node pool: autoScale is not true",
    ]);
    assert.deepStrictEqual(check1({ autoScale: true, minNodes: 1, maxNodes: 3, nodeCount: 2 }, DOKS_POOL), [
      "nodeCount is set but not in ignoreChanges: every update resets what the autoscaler chose",
    ]);
    assert.deepStrictEqual(check1({}, DOKS_POOL), ["autoScale is not true"]);
  });
});
