/**
 * One home per rule: stack config and the cluster components apply the same taint and node pool
 * rules (components/shared), so for every input config accepts exactly when the component
 * assertion does not throw. Each row states the expected answer literally.
 */
import * as assert from "assert";
import { apiTaint, assertNodePools, parseTaint } from "../components/cluster/shared";
import { NodePoolSettings } from "../components/cluster/types";
import { PoolNaming, nodePoolListProblems, nodePoolsProblems } from "../components/shared/node-pools";
import { readTaint, taintProblems } from "../components/shared/taint";
import { problemsOf } from "./helpers/config-problems";
import { ConfigError } from "../stacks/config";
import {
  RAW_CLUSTERS,
  aksSettings,
  doksSettings,
  eksSettings,
  existingSettings,
  gkeSettings,
  nodePoolSettings,
} from "./helpers/settings";

const ctx = { project: "kube-platform", stack: "dev" };

function throws(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
}

/** The problems config reports for `pools` as the node pools of a `target` cluster. */
function configProblems(target: "eks" | "aks", pools: unknown[]): string[] {
  return problemsOf({ cluster: { target, ...RAW_CLUSTERS[target], nodePools: pools } }, ctx);
}

/** [taint, accepted] */
const TAINTS: [string, boolean][] = [
  ["a=b:NoSchedule", true],
  ["a=:NoSchedule", true],
  ["spot=:PreferNoSchedule", true],
  ["dedicated=gpu:NoExecute", true],
  ["example.com/x=y:NoExecute", true],
  ["A_B.c=D_e.F:PreferNoSchedule", true],
  ["1=2:NoSchedule", true],
  // Looser than Kubernetes, as config has always been: several '/', no length limits.
  ["example.com/a/b=c:NoSchedule", true],
  [`k=${"v".repeat(70)}:NoExecute`, true],
  // The kubectl shorthand without "=" is not the documented form.
  ["spot:PreferNoSchedule", false],
  ["a:NoSchedule", false],
  ["a=b", false],
  ["a=b:", false],
  ["a=b:Never", false],
  ["a=b:noschedule", false],
  ["a=b:No-Schedule", false],
  ["a=b:NoSchedule:NoSchedule", false],
  ["=b:NoSchedule", false],
  [":NoSchedule", false],
  ["", false],
  ["-a=b:NoSchedule", false],
  ["a-=b:NoSchedule", false],
  ["a_=b:NoSchedule", false],
  ["a/=b:NoSchedule", false],
  ["/a=b:NoSchedule", false],
  ["a=-b:NoSchedule", false],
  ["a=b-:NoSchedule", false],
  ["a=_b:NoSchedule", false],
  ["a=b/c:NoSchedule", false],
  ["a=b=c:NoSchedule", false],
  ["a b=c:NoSchedule", false],
  [" a=b:NoSchedule", false],
  ["a=b:NoSchedule ", false],
];

const POOL: NodePoolSettings = {
  name: "general",
  machineType: "m6i.large",
  minNodes: 1,
  maxNodes: 3,
  diskSizeGb: 100,
  labels: {},
  taints: [],
};
const pool = (changes: Partial<NodePoolSettings>): NodePoolSettings => ({ ...POOL, ...changes });

/** [what, pools, naming, accepted] */
const POOLS: [string, NodePoolSettings[], PoolNaming, boolean][] = [
  ["one pool", [POOL], "dnsLabel", true],
  ["no pool", [], "dnsLabel", false],
  ["two pools", [POOL, pool({ name: "batch" })], "dnsLabel", true],
  ["a name twice", [POOL, pool({ minNodes: 0 })], "dnsLabel", false],
  ["min 0, max 1", [pool({ minNodes: 0, maxNodes: 1 })], "dnsLabel", true],
  ["min 1, max 1", [pool({ minNodes: 1, maxNodes: 1 })], "dnsLabel", true],
  ["min 0, max 0", [pool({ minNodes: 0, maxNodes: 0 })], "dnsLabel", false],
  ["min > max", [pool({ minNodes: 3, maxNodes: 2 })], "dnsLabel", false],
  ["min -1", [pool({ minNodes: -1 })], "dnsLabel", false],
  ["max 1000", [pool({ maxNodes: 1000 })], "dnsLabel", true],
  ["min 1000, max 1000", [pool({ minNodes: 1000, maxNodes: 1000 })], "dnsLabel", true],
  ["max 1001", [pool({ maxNodes: 1001 })], "dnsLabel", false],
  ["min 1001, max 1001", [pool({ minNodes: 1001, maxNodes: 1001 })], "dnsLabel", false],
  ["min 2.5", [pool({ minNodes: 2.5 })], "dnsLabel", false],
  ["max 2.5", [pool({ maxNodes: 2.5 })], "dnsLabel", false],
  ["max NaN", [pool({ maxNodes: NaN })], "dnsLabel", false],
  ["max Infinity", [pool({ maxNodes: Infinity })], "dnsLabel", false],
  ["name a", [pool({ name: "a" })], "dnsLabel", true],
  ["name po-ol", [pool({ name: "po-ol" })], "dnsLabel", true],
  ["name of 30", [pool({ name: "a".repeat(30) })], "dnsLabel", true],
  ["name of 31", [pool({ name: "a".repeat(31) })], "dnsLabel", false],
  ["name Bad", [pool({ name: "Bad" })], "dnsLabel", false],
  ["name a_b", [pool({ name: "a_b" })], "dnsLabel", false],
  ["name -a", [pool({ name: "-a" })], "dnsLabel", false],
  ["name a-", [pool({ name: "a-" })], "dnsLabel", false],
  ["name 1pool", [pool({ name: "1pool" })], "dnsLabel", false],
  ["name empty", [pool({ name: "" })], "dnsLabel", false],
  [
    "valid taints",
    [pool({ taints: ["dedicated=gpu:NoSchedule", "spot=:PreferNoSchedule"] })],
    "dnsLabel",
    true,
  ],
  ["a key:Effect taint", [pool({ taints: ["spot:PreferNoSchedule"] })], "dnsLabel", false],
  ["a taint without effect", [pool({ taints: ["a=b"] })], "dnsLabel", false],
  ["aks pool1", [pool({ name: "pool1" })], "aks", true],
  ["aks name of 12", [pool({ name: "abcdefghijkl" })], "aks", true],
  ["aks name of 13", [pool({ name: "abcdefghijklm" })], "aks", false],
  ["aks name po-ol", [pool({ name: "po-ol" })], "aks", false],
  ["aks name Pool", [pool({ name: "Pool" })], "aks", false],
  ["aks min > max", [pool({ name: "apps", minNodes: 4, maxNodes: 3 })], "aks", false],
];

describe("one home per rule: config and components accept the same inputs", () => {
  describe("taints", () => {
    for (const [taint, accepted] of TAINTS) {
      it(`${accepted ? "accepts" : "refuses"} ${JSON.stringify(taint)}`, () => {
        const config = configProblems("eks", [pool({ taints: [taint] })]);
        assert.deepStrictEqual(
          {
            config: config.length === 0,
            parseTaint: !throws(() => parseTaint(taint)),
            apiTaint: !throws(() => apiTaint(taint)),
            assertNodePools: !throws(() => assertNodePools("EKS", [pool({ taints: [taint] })])),
            rule: readTaint(taint).ok,
          },
          {
            config: accepted,
            parseTaint: accepted,
            apiTaint: accepted,
            assertNodePools: accepted,
            rule: accepted,
          },
          config.join("\n"),
        );
      });
    }

    it("reads key, value and effect", () => {
      assert.deepStrictEqual(parseTaint("example.com/x=y:NoExecute"), {
        key: "example.com/x",
        value: "y",
        effect: "NoExecute",
      });
      assert.deepStrictEqual(parseTaint("spot=:PreferNoSchedule"), {
        key: "spot",
        value: "",
        effect: "PreferNoSchedule",
      });
      assert.deepStrictEqual(readTaint("a=b:Never"), { ok: false, reason: "effect", effect: "Never" });
      assert.deepStrictEqual(readTaint("spot:PreferNoSchedule"), { ok: false, reason: "shape" });
      assert.deepStrictEqual(taintProblems("a=b"), [
        {
          path: [],
          message: 'must be a taint "key=value:Effect" (Effect: NoSchedule | PreferNoSchedule | NoExecute)',
        },
      ]);
    });
  });

  describe("node pools", () => {
    for (const [what, pools, naming, accepted] of POOLS) {
      it(`${accepted ? "accepts" : "refuses"} ${what}`, () => {
        const target = naming === "aks" ? "aks" : "eks";
        const config = configProblems(target, pools);
        assert.deepStrictEqual(
          {
            config: config.length === 0,
            assertNodePools: !throws(() => assertNodePools(target.toUpperCase(), pools, naming)),
            rule: nodePoolsProblems(pools, naming).length === 0,
          },
          { config: accepted, assertNodePools: accepted, rule: accepted },
          config.join("\n"),
        );
      });
    }

    it("reports each problem where config reports it", () => {
      const pools = [pool({ minNodes: 3, maxNodes: 2 }), pool({ name: "Bad" }), pool({ name: "Bad" })];
      assert.deepStrictEqual(nodePoolListProblems(pools), [
        { path: [0, "minNodes"], message: "must be ≤ maxNodes (2)" },
        { path: [2, "name"], message: "duplicates another node pool's name" },
      ]);
      assert.deepStrictEqual(
        nodePoolsProblems(pools).map((p) => [p.rule, p.subject, p.path]),
        [
          ["size", "general", [0, "minNodes"]],
          ["name", "Bad", [1, "name"]],
          ["name", "Bad", [2, "name"]],
          ["unique", "Bad", [2, "name"]],
        ],
      );
      assert.deepStrictEqual(configProblems("eks", pools), [
        "cluster.nodePools[1].name: got \"Bad\"; must be a DNS-1123 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
        "cluster.nodePools[2].name: got \"Bad\"; must be a DNS-1123 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
        "cluster.nodePools[0].minNodes: got 3; must be ≤ maxNodes (2)",
        'cluster.nodePools[2].name: got "Bad"; duplicates another node pool\'s name',
      ]);
    });

    it("names the rule a component breaks", () => {
      const error = (pools: NodePoolSettings[], naming?: PoolNaming) => {
        try {
          assertNodePools("EKS", pools, naming);
        } catch (err) {
          return (err as Error).message;
        }
        return "";
      };
      assert.equal(error([]), "EKS: at least one node pool is required");
      assert.equal(error([POOL, POOL]), 'EKS: duplicate node pool name "general"');
      assert.equal(
        error([pool({ minNodes: 1.5 })]),
        "EKS node pool general: minNodes and maxNodes must be integers",
      );
      assert.equal(
        error([pool({ maxNodes: 1001 })]),
        "EKS node pool general: need 0 <= minNodes <= maxNodes <= 1000 and maxNodes >= 1",
      );
      assert.equal(
        error([pool({ name: "Bad" })]),
        "EKS: invalid node pool name \"Bad\": must be a DNS-1123 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
      );
      assert.equal(
        error([pool({ name: "po-ol" })], "aks"),
        'EKS: invalid node pool name "po-ol": must be an AKS pool name: 1-12 lowercase letters and digits, starting with a letter',
      );
      assert.equal(
        error([pool({ taints: ["a=b:Never"] })]),
        'invalid taint effect "Never" in "a=b:Never": expected NoSchedule, PreferNoSchedule, NoExecute',
      );
      assert.equal(
        error([pool({ taints: ["spot:PreferNoSchedule"] })]),
        'invalid taint "spot:PreferNoSchedule": expected key=value:Effect',
      );
    });
  });

  describe("test fixtures come from the config parser", () => {
    it("builds each target's settings with config's defaults", () => {
      assert.equal(eksSettings().natGateways, "single");
      assert.equal(eksSettings({}, { profile: "prod" }).natGateways, "perAz");
      assert.equal(gkeSettings().releaseChannel, "REGULAR");
      assert.equal(aksSettings().systemPool.name, "system");
      assert.equal(doksSettings().highAvailability, false);
      assert.equal(existingSettings().defaultStorageClass, "standard");
      assert.deepStrictEqual(nodePoolSettings({ name: "batch" }), {
        name: "batch",
        machineType: "m6i.large",
        minNodes: 1,
        maxNodes: 3,
        diskSizeGb: 100,
        labels: {},
        taints: [],
      });
      assert.deepStrictEqual(eksSettings({}, { stack: "ci", tags: { team: "platform" } }).tags, {
        "managed-by": "pulumi",
        "kube-platform-stack": "ci",
        team: "platform",
      });
    });

    it("refuses a fixture config refuses", () => {
      assert.throws(() => nodePoolSettings({ taints: ["spot:PreferNoSchedule"] }), ConfigError);
      assert.throws(() => nodePoolSettings({ name: "po-ol" }, "aks"), ConfigError);
      assert.throws(() => eksSettings({ region: "mars" }), ConfigError);
    });
  });
});
