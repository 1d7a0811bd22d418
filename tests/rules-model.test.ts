/**
 * The rule model (rules/types.ts, rules/waivers.ts, rules/index.ts evaluate, the cluster rule
 * builders of rules/cluster/common.ts), called directly: a rule's default severity, its profiles,
 * waivers, a throwing rule, and the readers of loosely typed inputs.
 */
import * as assert from "assert";
import {
  ResourceRule,
  ResourceUnderTest,
  RuleDefinition,
  StackRule,
  defineStackRule,
  evaluate,
  get,
  isFalse,
  isIgnored,
  isRec,
  isTrue,
  list,
  num,
  rec,
  recs,
  resourceLabel,
  ruleFields,
  ruleIsActive,
  runRules,
  splitWaived,
  str,
  stringMap,
  strings,
  violationOf,
  waivedMessage,
  waiverOf,
} from "../rules";
import {
  clusterRule,
  hasEksAddon,
  mustBeTrue,
  oneOf,
  openCidrs,
  prefixed,
  unversionedType,
} from "../rules/cluster/common";

const r = (type: string, name: string, inputs: Record<string, unknown> = {}): ResourceUnderTest => ({
  type,
  name,
  inputs,
});
const DEF: RuleDefinition = { id: "x-rule", scannerIds: ["CKV_X_1"], description: "a rule" };

describe("rule definitions: ruleFields, defineStackRule, clusterRule", () => {
  it("ruleFields: mandatory unless the definition says advisory; profiles only when given", () => {
    assert.deepStrictEqual(ruleFields(DEF, "cluster", ["t:a"]), {
      id: "x-rule",
      scannerIds: ["CKV_X_1"],
      description: "a rule",
      severity: "mandatory",
      area: "cluster",
      resourceTypes: ["t:a"],
    });
    const advisory = ruleFields({ ...DEF, severity: "advisory", profiles: ["prod"] }, "workload", []);
    assert.strictEqual(advisory.severity, "advisory");
    assert.deepStrictEqual(advisory.profiles, ["prod"]);
    assert.strictEqual(advisory.area, "workload");
    assert.ok(!("profiles" in ruleFields(DEF, "cluster", [])), "no profiles key without profiles");
  });

  it("defineStackRule: a mandatory stack rule whose v() names the rule, the resource and the message", () => {
    const seen: unknown[] = [];
    const rule = defineStackRule({
      ...DEF,
      area: "deployability",
      types: ["t:a", "t:b"],
      check(all, ctx, v) {
        seen.push(ctx.profile);
        return all.map((x) => v(x, `bad ${x.name}`));
      },
    });
    assert.strictEqual(rule.kind, "stack");
    assert.strictEqual(rule.severity, "mandatory");
    assert.strictEqual(rule.area, "deployability");
    assert.deepStrictEqual(rule.resourceTypes, ["t:a", "t:b"]);
    assert.deepStrictEqual(rule.check([r("t:a", "one")], { profile: "prod" }), [
      {
        ruleId: "x-rule",
        scannerIds: ["CKV_X_1"],
        severity: "mandatory",
        resource: "t:a one",
        message: "bad one",
      },
    ]);
    assert.deepStrictEqual(seen, ["prod"]);
    const advisory = defineStackRule({
      ...DEF,
      severity: "advisory",
      area: "cluster",
      types: [],
      check: (all, _c, v) => all.map((x) => v(x, "m")),
    });
    assert.strictEqual(advisory.check([r("t:a", "one")], { profile: "dev" })[0].severity, "advisory");
  });

  it("clusterRule: a mandatory cluster resource rule over its types, azure-native at any API version", () => {
    const calls: unknown[] = [];
    const rule = clusterRule({
      ...DEF,
      types: ["azure-native:containerservice:ManagedCluster", "aws:eks/cluster:Cluster"],
      check(res, inputs, ctx) {
        calls.push([res.name, inputs, ctx.profile]);
        return ["m"];
      },
    });
    assert.strictEqual(rule.kind, "resource");
    assert.strictEqual(rule.severity, "mandatory");
    assert.strictEqual(rule.area, "cluster");
    assert.deepStrictEqual(rule.resourceTypes, [
      "azure-native:containerservice:ManagedCluster",
      "aws:eks/cluster:Cluster",
    ]);
    assert.ok(rule.appliesTo(r("azure-native:containerservice/v20240901:ManagedCluster", "a")));
    assert.ok(rule.appliesTo(r("azure-native:containerservice:ManagedCluster", "a")));
    assert.ok(rule.appliesTo(r("aws:eks/cluster:Cluster", "a")));
    assert.ok(!rule.appliesTo(r("aws:eks/nodeGroup:NodeGroup", "a")));
    assert.deepStrictEqual(
      rule.check({ type: "aws:eks/cluster:Cluster", name: "c", inputs: null as never }, { profile: "dev" }),
      ["m"],
    );
    assert.deepStrictEqual(calls, [["c", {}, "dev"]]);
    const advisory = clusterRule({ ...DEF, severity: "advisory", types: [], check: () => [] });
    assert.strictEqual(advisory.severity, "advisory");
  });

  it("unversionedType drops an azure-native API version module only", () => {
    assert.strictEqual(
      unversionedType("azure-native:containerservice/v20240901:AgentPool"),
      "azure-native:containerservice:AgentPool",
    );
    assert.strictEqual(
      unversionedType("azure-native:containerservice/v20240901preview:AgentPool"),
      "azure-native:containerservice:AgentPool",
    );
    assert.strictEqual(unversionedType("aws:eks/cluster:Cluster"), "aws:eks/cluster:Cluster");
    assert.strictEqual(unversionedType("x:azure-native:a/v1:B"), "x:azure-native:a/v1:B");
  });

  it("mustBeTrue, oneOf, openCidrs, prefixed, hasEksAddon", () => {
    const x = r("t", "n");
    assert.deepStrictEqual(mustBeTrue("ha")(x, { ha: true }), []);
    assert.deepStrictEqual(mustBeTrue("ha")(x, { ha: "true" }), []);
    assert.deepStrictEqual(mustBeTrue("ha")(x, { ha: false }), ["ha is not true"]);
    assert.deepStrictEqual(mustBeTrue("ha")(x, {}), ["ha is not true"]);
    const check = oneOf("a.b", ["x", "y"]);
    assert.deepStrictEqual(check(x, { a: { b: "y" } }), []);
    assert.deepStrictEqual(check(x, { a: { b: "z" } }), ['a.b is "z"']);
    assert.deepStrictEqual(check(x, { a: { b: 3 } }), ["a.b is 3"]);
    assert.deepStrictEqual(check(x, {}), ["a.b is undefined"]);
    assert.deepStrictEqual(openCidrs(["10.0.0.0/8", " 0.0.0.0/0 ", "::/0", "0.0.0.0/1"]), [
      " 0.0.0.0/0 ",
      "::/0",
    ]);
    assert.strictEqual(prefixed("pool a", "bad"), "pool a: bad");
    assert.strictEqual(prefixed("", "bad"), "bad");
    const addon = r("aws:eks/addon:Addon", "a", { addonName: "eks-pod-identity-agent" });
    assert.ok(hasEksAddon([addon], "eks-pod-identity-agent"));
    assert.ok(!hasEksAddon([addon], "vpc-cni"));
    assert.ok(!hasEksAddon([{ ...addon, type: "aws:eks/cluster:Cluster" }], "eks-pod-identity-agent"));
  });
});

describe("evaluation: ruleIsActive, violationOf, runRules, evaluate", () => {
  const prodOnly = { ...ruleFields({ ...DEF, profiles: ["prod"] }, "cluster", []) };
  const always = ruleFields(DEF, "cluster", []);

  it("ruleIsActive: a prod-only rule is active in prod, not in dev; a waived rule in neither", () => {
    assert.strictEqual(ruleIsActive(prodOnly, { profile: "prod" }), true);
    assert.strictEqual(ruleIsActive(prodOnly, { profile: "dev" }), false);
    assert.strictEqual(ruleIsActive(always, { profile: "dev" }), true);
    assert.strictEqual(ruleIsActive(always, { profile: "prod", waivers: ["x-rule"] }), false);
    assert.strictEqual(ruleIsActive(prodOnly, { profile: "prod", waivers: ["x-rule"] }), false);
    assert.strictEqual(ruleIsActive(always, { profile: "prod", waivers: ["other-rule"] }), true);
    assert.strictEqual(ruleIsActive(always, { profile: "prod", waivers: [] }), true);
  });

  it("violationOf copies the rule's id, scanner ids (a copy) and severity; resourceLabel", () => {
    const v = violationOf(always, r("t:a", "n"), "msg");
    assert.deepStrictEqual(v, {
      ruleId: "x-rule",
      scannerIds: ["CKV_X_1"],
      severity: "mandatory",
      resource: "t:a n",
      message: "msg",
    });
    assert.notStrictEqual(v.scannerIds, always.scannerIds);
    assert.strictEqual(resourceLabel({ type: "a:b:C", name: "x" }), "a:b:C x");
  });

  const resourceRule: ResourceRule = {
    kind: "resource",
    ...ruleFields({ id: "res-rule", scannerIds: [], description: "d" }, "cluster", []),
    appliesTo: (x) => x.type === "t:a",
    check: (x, ctx) => [`${x.name} in ${ctx.profile}`],
  };
  const stackRule: StackRule = {
    kind: "stack",
    ...ruleFields({ id: "stack-rule", scannerIds: [], description: "d", profiles: ["prod"] }, "cluster", []),
    check: (all) => [violationOf(stackRule, all[0], `${all.length} resources`)],
  };
  const set = [r("t:a", "one"), r("t:b", "two"), r("t:a", "three")];
  const shown = (vs: { ruleId: string; resource: string; message: string; severity: string }[]) =>
    vs.map((v) => `${v.ruleId} ${v.severity} ${v.resource}: ${v.message}`);

  it("runRules: resource rules on the resources they apply to, stack rules once; prod-only rules only in prod", () => {
    assert.deepStrictEqual(shown(runRules(set, { profile: "prod" }, [resourceRule, stackRule])), [
      "res-rule mandatory t:a one: one in prod",
      "res-rule mandatory t:a three: three in prod",
      "stack-rule mandatory t:a one: 3 resources",
    ]);
    assert.deepStrictEqual(shown(runRules(set, { profile: "dev" }, [stackRule, resourceRule])), [
      "res-rule mandatory t:a one: one in dev",
      "res-rule mandatory t:a three: three in dev",
    ]);
    assert.deepStrictEqual(
      runRules(set, { profile: "prod", waivers: ["res-rule", "stack-rule"] }, [resourceRule, stackRule]),
      [],
    );
  });

  it("runRules: a throwing rule is a violation of it, and the other rules and resources still run", () => {
    const throwsOnOne: ResourceRule = {
      ...resourceRule,
      id: "throws",
      severity: "advisory",
      appliesTo: () => true,
      check: (x) => {
        if (x.name === "one") throw new Error("boom");
        return [];
      },
    };
    const appliesThrows: ResourceRule = {
      ...resourceRule,
      id: "applies-throws",
      appliesTo: () => {
        throw "odd";
      },
    };
    const stackThrows: StackRule = {
      ...stackRule,
      profiles: undefined,
      check: () => {
        throw new Error("bang");
      },
    };
    assert.deepStrictEqual(
      shown(
        runRules(set.slice(0, 2), { profile: "dev" }, [
          throwsOnOne,
          appliesThrows,
          stackThrows,
          resourceRule,
        ]),
      ),
      [
        "throws advisory t:a one: rule failed: boom",
        "applies-throws mandatory t:a one: rule failed: odd",
        "applies-throws mandatory t:b two: rule failed: odd",
        "stack-rule mandatory stack *: rule failed: bang",
        "res-rule mandatory t:a one: one in dev",
      ],
    );
  });

  it("evaluate: the given rules under the context; all rules by default", () => {
    assert.deepStrictEqual(shown(evaluate(set, { profile: "dev" }, [resourceRule])), [
      "res-rule mandatory t:a one: one in dev",
      "res-rule mandatory t:a three: three in dev",
    ]);
    const ids = evaluate([r("aws:eks/cluster:Cluster", "c")], { profile: "prod" }).map((v) => v.ruleId);
    assert.ok(ids.includes("eks-control-plane-logs"), ids.join(" "));
    assert.ok(ids.includes("eks-irsa"), ids.join(" "));
  });
});

describe("waivers", () => {
  const waivers = [
    { rule: "k8s-cpu-limit", reason: "bursty batch jobs" },
    { rule: "eks-irsa", reason: "no pods need AWS" },
  ];

  it("waiverOf finds the waiver naming the rule, none otherwise", () => {
    assert.deepStrictEqual(waiverOf("eks-irsa", waivers), { rule: "eks-irsa", reason: "no pods need AWS" });
    assert.strictEqual(waiverOf("k8s-pdb-coverage", waivers), undefined);
    assert.strictEqual(waiverOf("eks-irsa", undefined), undefined);
  });

  it("splitWaived: only violations of a waived rule are waived, order kept", () => {
    const vs = [
      { ruleId: "eks-irsa", n: 1 },
      { ruleId: "k8s-pdb-coverage", n: 2 },
      { ruleId: "k8s-cpu-limit", n: 3 },
    ];
    assert.deepStrictEqual(splitWaived(vs, waivers), {
      counted: [{ ruleId: "k8s-pdb-coverage", n: 2 }],
      waived: [
        { ruleId: "eks-irsa", n: 1 },
        { ruleId: "k8s-cpu-limit", n: 3 },
      ],
    });
    assert.deepStrictEqual(splitWaived(vs, undefined), { counted: vs, waived: [] });
  });

  it("waivedMessage puts the reason first", () => {
    assert.strictEqual(
      waivedMessage("no PodDisruptionBudget", { rule: "k8s-pdb-coverage", reason: "one replica by design" }),
      "waived (one replica by design): no PodDisruptionBudget",
    );
  });
});

describe("readers of loosely typed inputs", () => {
  it("isRec, rec, list, recs, strings", () => {
    assert.deepStrictEqual(
      [isRec({}), isRec(null), isRec([]), isRec("x"), isRec(undefined)],
      [true, false, false, false, false],
    );
    assert.deepStrictEqual(rec({ a: 1 }), { a: 1 });
    assert.deepStrictEqual([rec(null), rec([1]), rec("x")], [{}, {}, {}]);
    assert.deepStrictEqual(list([1, "a"]), [1, "a"]);
    assert.deepStrictEqual(list({ a: 1 }), [{ a: 1 }]);
    assert.deepStrictEqual([list("x"), list(null), list(undefined)], [[], [], []]);
    assert.deepStrictEqual(recs([{ a: 1 }, null, 3, [], { b: 2 }]), [{ a: 1 }, { b: 2 }]);
    assert.deepStrictEqual(recs({ a: 1 }), [{ a: 1 }]);
    assert.deepStrictEqual(strings(["a", 1, null, "b"]), ["a", "b"]);
    assert.deepStrictEqual(strings("a"), []);
  });

  it("get follows dotted paths through objects and arrays", () => {
    const o = { a: { b: [{ c: 1 }, { c: 2 }] } };
    assert.strictEqual(get(o, "a.b.1.c"), 2);
    assert.deepStrictEqual(get(o, "a.b.0"), { c: 1 });
    assert.strictEqual(get(o, "a.x.c"), undefined);
    assert.strictEqual(get(o, "a.b.0.c.d"), undefined);
    assert.strictEqual(get(null, "a"), undefined);
  });

  it("isTrue / isFalse accept the boolean and its string form only", () => {
    assert.deepStrictEqual([true, "true", "True", 1, undefined].map(isTrue), [
      true,
      true,
      false,
      false,
      false,
    ]);
    assert.deepStrictEqual([false, "false", "False", 0, undefined].map(isFalse), [
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it("num: finite numbers and numeric strings; str: non-blank strings", () => {
    assert.deepStrictEqual([3, -1.5, "42", " 7 ", "0"].map(num), [3, -1.5, 42, 7, 0]);
    assert.deepStrictEqual([Infinity, NaN, "", "  ", "x", "Infinity", null, true].map(num), [
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    assert.deepStrictEqual(["a", " a ", "", "  ", 3, undefined].map(str), [
      "a",
      " a ",
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("stringMap keeps strings, stringifies numbers and booleans, drops the rest", () => {
    assert.deepStrictEqual(stringMap({ a: "x", b: 2, c: false, d: null, e: { f: 1 }, g: ["h"] }), {
      a: "x",
      b: "2",
      c: "false",
    });
  });

  it("isIgnored: an equal entry, a parent, an index or a wildcard; not a sibling or a child", () => {
    const x: ResourceUnderTest = {
      ...r("t", "n"),
      options: { ignoreChanges: ["agentPoolProfiles[*].count", "scalingConfig", "nodePools[1].nodeCount"] },
    };
    assert.ok(isIgnored(x, "agentPoolProfiles[0].count"));
    assert.ok(isIgnored(x, "agentPoolProfiles[3].count"));
    assert.ok(isIgnored(x, "scalingConfig.desiredSize"));
    assert.ok(isIgnored(x, "scalingConfig"));
    assert.ok(isIgnored(x, "nodePools[1].nodeCount"));
    assert.ok(!isIgnored(x, "nodePools[0].nodeCount"));
    assert.ok(!isIgnored(x, "agentPoolProfiles[0].minCount"));
    assert.ok(!isIgnored(x, "agentPoolProfiles"), "a child entry does not cover its parent");
    assert.ok(!isIgnored(r("t", "n"), "scalingConfig"));
    assert.ok(isIgnored({ ...r("t", "n"), options: { ignoreChanges: [".a[0]"] } }, "a.0"));
    const ig = (entry: string, path: string) =>
      isIgnored({ ...r("t", "n"), options: { ignoreChanges: [entry] } }, path);
    assert.ok(ig("pools[12].count", "pools.12.count"));
    assert.ok(!ig("pools[12].count", "pools[1].count"));
    assert.ok(!ig("pools[*]", "pools"), "a wildcard child entry does not cover its parent");
  });
});
