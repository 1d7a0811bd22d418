/**
 * Label selectors (rules/workload/templates.ts selectorMatches: every operator both ways, matchLabels,
 * empty and missing selectors) and the rules that use them: NetworkPolicy coverage and the
 * PodDisruptionBudget / replica rules with their HPA lookup (rules/workload/scheduling.ts), which
 * must count only the HPA of the same workload (same namespace, kind and name).
 */
import * as assert from "assert";
import { ResourceUnderTest, RuleContext, evaluate } from "../rules";
import { networkPolicyCoverage, pdbCoverage, prodReplicas, selectorMatches } from "../rules/workload";

const DEV: RuleContext = { profile: "dev" };
const PROD: RuleContext = { profile: "prod" };
const LABELS = { app: "web", tier: "front" };

const expr = (key: string | undefined, operator: unknown, values?: unknown) => ({
  matchExpressions: [{ ...(key === undefined ? {} : { key }), operator, values }],
});

describe("label selectors: missing, empty, matchLabels", () => {
  it("a missing selector selects everything only when missingSelectsAll", () => {
    assert.strictEqual(selectorMatches(undefined, LABELS, true), true);
    assert.strictEqual(selectorMatches(undefined, LABELS, false), false);
    assert.strictEqual(selectorMatches(null, LABELS, true), true);
    assert.strictEqual(selectorMatches(null, LABELS, false), false);
  });

  it("an empty selector selects everything, labelled or not", () => {
    assert.strictEqual(selectorMatches({}, LABELS, false), true);
    assert.strictEqual(selectorMatches({}, {}, false), true);
    assert.strictEqual(selectorMatches({ matchLabels: {}, matchExpressions: [] }, {}, false), true);
  });

  it("matchLabels: every pair must be present with the same value", () => {
    assert.strictEqual(selectorMatches({ matchLabels: { app: "web" } }, LABELS, false), true);
    assert.strictEqual(selectorMatches({ matchLabels: { app: "web", tier: "front" } }, LABELS, false), true);
    assert.strictEqual(selectorMatches({ matchLabels: { app: "api" } }, LABELS, false), false);
    assert.strictEqual(selectorMatches({ matchLabels: { app: "web", tier: "back" } }, LABELS, false), false);
    assert.strictEqual(selectorMatches({ matchLabels: { app: "web", zone: "a" } }, LABELS, false), false);
    assert.strictEqual(selectorMatches({ matchLabels: { app: "web" } }, {}, false), false);
  });
});

describe("label selectors: matchExpressions, every operator both ways", () => {
  it("In: the label is present with one of the values", () => {
    assert.strictEqual(selectorMatches(expr("tier", "In", ["front", "back"]), LABELS, false), true);
    assert.strictEqual(selectorMatches(expr("tier", "In", ["front"]), LABELS, false), true);
    assert.strictEqual(selectorMatches(expr("tier", "In", ["back", "db"]), LABELS, false), false);
    assert.strictEqual(selectorMatches(expr("zone", "In", ["front"]), LABELS, false), false);
    assert.strictEqual(selectorMatches(expr("tier", "In", []), LABELS, false), false);
    assert.strictEqual(selectorMatches(expr("tier", "In"), LABELS, false), false);
  });

  it("NotIn: the label is absent or has none of the values", () => {
    assert.strictEqual(selectorMatches(expr("tier", "NotIn", ["front"]), LABELS, false), false);
    assert.strictEqual(selectorMatches(expr("tier", "NotIn", ["back", "front"]), LABELS, false), false);
    assert.strictEqual(selectorMatches(expr("tier", "NotIn", ["back"]), LABELS, false), true);
    assert.strictEqual(selectorMatches(expr("zone", "NotIn", ["front"]), LABELS, false), true);
  });

  it("Exists: the key is present (whatever the value, even empty)", () => {
    assert.strictEqual(selectorMatches(expr("tier", "Exists"), LABELS, false), true);
    assert.strictEqual(selectorMatches(expr("zone", "Exists"), LABELS, false), false);
    assert.strictEqual(selectorMatches(expr("tier", "Exists"), { tier: "" }, false), true);
  });

  it("DoesNotExist: the key is absent", () => {
    assert.strictEqual(selectorMatches(expr("tier", "DoesNotExist"), LABELS, false), false);
    assert.strictEqual(selectorMatches(expr("zone", "DoesNotExist"), LABELS, false), true);
    assert.strictEqual(selectorMatches(expr("tier", "DoesNotExist"), { tier: "" }, false), false);
  });

  it("an unknown or missing operator selects nothing", () => {
    assert.strictEqual(selectorMatches(expr("tier", "Bogus", ["front"]), LABELS, false), false);
    assert.strictEqual(selectorMatches(expr("tier", "in", ["front"]), LABELS, false), false);
    assert.strictEqual(selectorMatches(expr("tier", undefined, ["front"]), LABELS, false), false);
  });

  it("an expression without a key reads the empty key", () => {
    assert.strictEqual(selectorMatches(expr(undefined, "Exists"), { "": "x" }, false), true);
    assert.strictEqual(selectorMatches(expr(undefined, "Exists"), LABELS, false), false);
  });

  it("expressions are ANDed with each other and with matchLabels", () => {
    const both = (first: unknown[], matchLabels?: Record<string, string>) => ({
      ...(matchLabels ? { matchLabels } : {}),
      matchExpressions: first,
    });
    const tierIn = { key: "tier", operator: "In", values: ["front"] };
    const appExists = { key: "app", operator: "Exists" };
    const zoneExists = { key: "zone", operator: "Exists" };
    assert.strictEqual(selectorMatches(both([tierIn, appExists]), LABELS, false), true);
    assert.strictEqual(selectorMatches(both([tierIn, zoneExists]), LABELS, false), false);
    assert.strictEqual(selectorMatches(both([zoneExists, tierIn]), LABELS, false), false);
    assert.strictEqual(selectorMatches(both([tierIn], { app: "web" }), LABELS, false), true);
    assert.strictEqual(selectorMatches(both([tierIn], { app: "api" }), LABELS, false), false);
    assert.strictEqual(selectorMatches(both([zoneExists], { app: "web" }), LABELS, false), false);
  });
});

/* ------------------------------------------------------------------------------------------ */
/* The rules that select pods                                                                 */
/* ------------------------------------------------------------------------------------------ */

function res(type: string, name: string, inputs: Record<string, unknown>): ResourceUnderTest {
  return { type, name, inputs };
}

function workload(
  kind: string,
  opts: { name?: string; namespace?: string; replicas?: number; labels?: Record<string, string> } = {},
) {
  const { name = "web", namespace = "shop", replicas, labels = LABELS } = opts;
  const group = kind === "Deployment" || kind === "StatefulSet" || kind === "DaemonSet" ? "apps" : "core";
  return res(`kubernetes:${group}/v1:${kind}`, `shop-${name}`, {
    metadata: { ...(name ? { name } : {}), namespace },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      template: { metadata: { labels }, spec: { containers: [{ name: "app" }] } },
    },
  });
}

function hpa(
  minReplicas: number | undefined,
  target: { kind?: string; name?: string; namespace?: string; type?: string } = {},
) {
  const {
    kind = "Deployment",
    name = "web",
    namespace = "shop",
    type = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  } = target;
  return res(type, `hpa-${kind}-${name}-${namespace}`, {
    metadata: { name, namespace },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind, name },
      ...(minReplicas === undefined ? {} : { minReplicas }),
      maxReplicas: 10,
    },
  });
}

function pdb(selector: unknown, namespace = "shop", type = "kubernetes:policy/v1:PodDisruptionBudget") {
  return res(type, `pdb-${namespace}`, {
    metadata: { name: "web", namespace },
    spec: { maxUnavailable: 1, ...(selector === undefined ? {} : { selector }) },
  });
}

const messages = (all: ResourceUnderTest[], ctx: RuleContext, rule = prodReplicas) =>
  evaluate(all, ctx, [rule]).map((v) => `${v.ruleId} ${v.severity} ${v.resource}: ${v.message}`);

describe("k8s-prod-replicas and its HPA lookup", () => {
  it("a Deployment with 1 replica is refused in prod, 2 accepted", () => {
    assert.deepStrictEqual(messages([workload("Deployment", { replicas: 1 })], PROD), [
      "k8s-prod-replicas mandatory kubernetes:apps/v1:Deployment shop-web: replicas is 1; prod needs at least 2",
    ]);
    assert.deepStrictEqual(messages([workload("Deployment")], PROD), [
      "k8s-prod-replicas mandatory kubernetes:apps/v1:Deployment shop-web: replicas is 1; prod needs at least 2",
    ]);
    assert.deepStrictEqual(messages([workload("Deployment", { replicas: 2 })], PROD), []);
    assert.deepStrictEqual(messages([workload("Deployment", { replicas: 1 })], DEV), []);
  });

  it("its own HPA's minReplicas decides: 2 accepted, 1 (or unset) refused whatever spec.replicas", () => {
    assert.deepStrictEqual(messages([workload("Deployment", { replicas: 1 }), hpa(2)], PROD), []);
    assert.deepStrictEqual(messages([workload("Deployment", { replicas: 5 }), hpa(1)], PROD), [
      "k8s-prod-replicas mandatory kubernetes:apps/v1:Deployment shop-web: HPA minReplicas is 1; prod needs at least 2",
    ]);
    assert.deepStrictEqual(messages([workload("Deployment", { replicas: 5 }), hpa(undefined)], PROD), [
      "k8s-prod-replicas mandatory kubernetes:apps/v1:Deployment shop-web: HPA minReplicas is 1; prod needs at least 2",
    ]);
    const v1 = hpa(3, { type: "kubernetes:autoscaling/v1:HorizontalPodAutoscaler" });
    assert.deepStrictEqual(messages([workload("Deployment", { replicas: 1 }), v1], PROD), []);
  });

  it("another app's HPA does not count: other name, other namespace, other kind, not an HPA", () => {
    const refused =
      "k8s-prod-replicas mandatory kubernetes:apps/v1:Deployment shop-web: replicas is 1; prod needs at least 2";
    for (const other of [
      hpa(3, { name: "api" }),
      hpa(3, { namespace: "billing" }),
      hpa(3, { kind: "StatefulSet" }),
      hpa(3, { type: "kubernetes:autoscaling/v2:VerticalPodAutoscaler" }),
      hpa(3, { type: "kubernetes:custom/v1:HorizontalPodAutoscaler" }),
    ]) {
      assert.deepStrictEqual(
        messages([workload("Deployment", { replicas: 1 }), other], PROD),
        [refused],
        other.name + " " + other.type,
      );
    }
  });

  it("a Deployment without metadata.name has no HPA (Pulumi auto-names it)", () => {
    const unnamed = workload("Deployment", { name: "", replicas: 1 });
    const noTarget = hpa(3);
    delete (noTarget.inputs.spec as { scaleTargetRef: Record<string, unknown> }).scaleTargetRef.name;
    assert.deepStrictEqual(messages([unnamed, noTarget], PROD), [
      "k8s-prod-replicas mandatory kubernetes:apps/v1:Deployment shop-: replicas is 1; prod needs at least 2",
    ]);
    assert.deepStrictEqual(messages([unnamed, hpa(3, { name: "" })], PROD), [
      "k8s-prod-replicas mandatory kubernetes:apps/v1:Deployment shop-: replicas is 1; prod needs at least 2",
    ]);
  });

  it("only Deployments: a StatefulSet or DaemonSet with 1 replica passes in prod", () => {
    assert.deepStrictEqual(messages([workload("StatefulSet", { replicas: 1 })], PROD), []);
    assert.deepStrictEqual(messages([workload("DaemonSet")], PROD), []);
  });
});

describe("k8s-pdb-coverage and its HPA lookup", () => {
  const pdbMessages = (all: ResourceUnderTest[]) => messages(all, DEV, pdbCoverage);

  it("more than one replica needs a PDB selecting the pods; one replica does not", () => {
    assert.deepStrictEqual(pdbMessages([workload("Deployment", { replicas: 2 })]), [
      "k8s-pdb-coverage mandatory kubernetes:apps/v1:Deployment shop-web: 2 replicas but no PodDisruptionBudget selects its pods",
    ]);
    assert.deepStrictEqual(pdbMessages([workload("Deployment", { replicas: 1 })]), []);
    assert.deepStrictEqual(pdbMessages([workload("Deployment")]), []);
    assert.deepStrictEqual(
      pdbMessages([workload("Deployment", { replicas: 2 }), pdb({ matchLabels: { app: "web" } })]),
      [],
    );
  });

  it("the HPA's minReplicas counts too, with both numbers in the message", () => {
    assert.deepStrictEqual(pdbMessages([workload("Deployment", { replicas: 1 }), hpa(3)]), [
      "k8s-pdb-coverage mandatory kubernetes:apps/v1:Deployment shop-web: HPA minReplicas 3, replicas 1 but no PodDisruptionBudget selects its pods",
    ]);
    assert.deepStrictEqual(pdbMessages([workload("Deployment", { replicas: 2 }), hpa(1)]), [
      "k8s-pdb-coverage mandatory kubernetes:apps/v1:Deployment shop-web: HPA minReplicas 1, replicas 2 but no PodDisruptionBudget selects its pods",
    ]);
    assert.deepStrictEqual(pdbMessages([workload("Deployment", { replicas: 1 }), hpa(undefined)]), []);
    assert.deepStrictEqual(
      pdbMessages([workload("Deployment", { replicas: 1 }), hpa(3, { name: "api" })]),
      [],
    );
    assert.deepStrictEqual(
      pdbMessages([workload("Deployment", { replicas: 1 }), hpa(3, { namespace: "billing" })]),
      [],
    );
  });

  it("StatefulSets too; DaemonSets and other kinds never", () => {
    assert.deepStrictEqual(pdbMessages([workload("StatefulSet", { replicas: 3 })]), [
      "k8s-pdb-coverage mandatory kubernetes:apps/v1:StatefulSet shop-web: 3 replicas but no PodDisruptionBudget selects its pods",
    ]);
    assert.deepStrictEqual(
      pdbMessages([workload("StatefulSet", { replicas: 1 }), hpa(2, { kind: "StatefulSet" })]),
      [
        "k8s-pdb-coverage mandatory kubernetes:apps/v1:StatefulSet shop-web: HPA minReplicas 2, replicas 1 but no PodDisruptionBudget selects its pods",
      ],
    );
    assert.deepStrictEqual(pdbMessages([workload("DaemonSet", { replicas: 3 })]), []);
    assert.deepStrictEqual(pdbMessages([workload("ReplicationController", { replicas: 3 })]), []);
  });

  it("the PDB must be in the namespace, a PDB type, and select the pods (a missing selector selects none)", () => {
    const w = workload("Deployment", { replicas: 2 });
    const refused = [
      "k8s-pdb-coverage mandatory kubernetes:apps/v1:Deployment shop-web: 2 replicas but no PodDisruptionBudget selects its pods",
    ];
    assert.deepStrictEqual(pdbMessages([w, pdb({ matchLabels: { app: "web" } }, "billing")]), refused);
    assert.deepStrictEqual(pdbMessages([w, pdb({ matchLabels: { app: "api" } })]), refused);
    assert.deepStrictEqual(pdbMessages([w, pdb(undefined)]), refused);
    assert.deepStrictEqual(pdbMessages([w, pdb({})]), []);
    assert.deepStrictEqual(
      pdbMessages([w, pdb({}, "shop", "kubernetes:policy/v1beta1:PodDisruptionBudget")]),
      [],
    );
    assert.deepStrictEqual(pdbMessages([w, pdb({}, "shop", "kubernetes:policy/v1:Eviction")]), refused);
    assert.deepStrictEqual(
      pdbMessages([w, pdb({}, "shop", "kubernetes:custom/v1:PodDisruptionBudget")]),
      refused,
    );
    const tierIn = { matchExpressions: [{ key: "tier", operator: "In", values: ["front"] }] };
    const tierOut = { matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }] };
    assert.deepStrictEqual(pdbMessages([w, pdb(tierIn)]), []);
    assert.deepStrictEqual(pdbMessages([w, pdb(tierOut)]), refused);
  });
});

describe("k8s-network-policy-coverage", () => {
  const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
  const policy = (podSelector: unknown, namespace = "shop", type = NP) =>
    res(type, `np-${namespace}`, {
      metadata: { name: "np", namespace },
      spec: { ...(podSelector === undefined ? {} : { podSelector }), policyTypes: ["Ingress"] },
    });
  const npMessages = (all: ResourceUnderTest[]) => messages(all, DEV, networkPolicyCoverage);
  const refused = [
    'k8s-network-policy-coverage mandatory kubernetes:apps/v1:Deployment shop-web: no NetworkPolicy in namespace shop selects pods labelled {"app":"web","tier":"front"}',
  ];

  it("every workload needs a NetworkPolicy selecting its pods in its namespace", () => {
    const w = workload("Deployment");
    assert.deepStrictEqual(npMessages([w]), refused);
    assert.deepStrictEqual(npMessages([w, policy({ matchLabels: { app: "web" } })]), []);
    assert.deepStrictEqual(npMessages([w, policy({ matchLabels: { app: "api" } })]), refused);
    assert.deepStrictEqual(npMessages([w, policy({ matchLabels: { app: "web" } }, "billing")]), refused);
    assert.deepStrictEqual(
      npMessages([w, policy({}, "shop", "kubernetes:networking.k8s.io/v1:Ingress")]),
      refused,
    );
  });

  it("an empty or missing podSelector selects every pod of the namespace", () => {
    const w = workload("Deployment");
    assert.deepStrictEqual(npMessages([w, policy({})]), []);
    assert.deepStrictEqual(npMessages([w, policy(undefined)]), []);
  });

  it("a workload and a policy without a namespace are both in default", () => {
    const w = workload("Deployment");
    delete (w.inputs.metadata as Record<string, unknown>).namespace;
    const p = policy({});
    delete (p.inputs.metadata as Record<string, unknown>).namespace;
    assert.deepStrictEqual(npMessages([w, p]), []);
    assert.deepStrictEqual(npMessages([w, policy({})]), [
      'k8s-network-policy-coverage mandatory kubernetes:apps/v1:Deployment shop-web: no NetworkPolicy in namespace default selects pods labelled {"app":"web","tier":"front"}',
    ]);
  });

  it("names the default namespace and the labels; non-workloads need nothing", () => {
    const bare = res("kubernetes:core/v1:Pod", "bare", { spec: { containers: [{ name: "c" }] } });
    assert.deepStrictEqual(npMessages([bare, res("kubernetes:core/v1:Service", "svc", {})]), [
      "k8s-network-policy-coverage mandatory kubernetes:core/v1:Pod bare: no NetworkPolicy in namespace default selects pods labelled {}",
    ]);
  });
});
