/**
 * The small config modules at their edges: config keys of other namespaces
 * (stacks/config-namespaces.ts), the chart values check (stacks/chart-values-config.ts), the
 * ingress Service checks (stacks/ingress-config.ts) and the existing target's cluster section.
 */
import * as assert from "assert";
import { chartValuesProblems } from "../stacks/chart-values-config";
import { isNearMissNamespace, namespaceProblems, splitConfigKey } from "../stacks/config-namespaces";
import { existingClusterSchema } from "../stacks/existing-config";
import {
  ingressAnnotationProblems,
  ingressValuesProblems,
  serviceAnnotationsSchema,
} from "../stacks/ingress-config";
import { formatIssues } from "../stacks/validation";

describe("config namespaces", () => {
  it("splitConfigKey: <namespace>:<name> and <namespace>:config:<name> only", () => {
    assert.deepStrictEqual(splitConfigKey("aws:region"), { namespace: "aws", name: "region" });
    assert.deepStrictEqual(splitConfigKey("kube-platfrom:config:apps"), {
      namespace: "kube-platfrom",
      name: "apps",
    });
    assert.strictEqual(splitConfigKey("a:other:b"), undefined);
    assert.strictEqual(splitConfigKey("a:b:config"), undefined);
    assert.strictEqual(splitConfigKey("a:config:b:c"), undefined);
    assert.strictEqual(splitConfigKey("region"), undefined);
  });

  it("a near miss of the project is a problem; the project itself and providers never are", () => {
    assert.deepStrictEqual(
      namespaceProblems(["kube-platfrom:apps", "kube-platform:apps", "aws:region"], "kube-platform"),
      ["kube-platfrom:apps: not this program's namespace; did you mean kube-platform:apps?"],
    );
    assert.strictEqual(isNearMissNamespace("vault", "vaults"), false);
    assert.strictEqual(isNearMissNamespace("vaultt", "vaults"), true);
    assert.strictEqual(isNearMissNamespace("kube-platform", "kube-platform"), false);
    assert.deepStrictEqual(namespaceProblems(["kube-platfrom:config:apps", "x:y:z"], "kube-platform"), [
      "kube-platfrom:config:apps: not this program's namespace; did you mean kube-platform:apps?",
    ]);
  });
});

describe("chart values check: which chart, which values", () => {
  it("each add-on's chart; an unknown controller or add-on, or no values, gives nothing", () => {
    const [ca] = chartValuesProblems({ clusterAutoscaler: { values: { zzzUnknown: 1 } } });
    assert.match(
      ca,
      /^addons\.clusterAutoscaler\.values\.zzzUnknown: not a value of chart cluster-autoscaler /,
    );
    const [nginx] = chartValuesProblems({ ingress: { controller: "nginx", values: { zzzUnknown: 1 } } });
    assert.match(nginx, /^addons\.ingress\.values\.zzzUnknown: not a value of chart nginx-ingress /);
    assert.deepStrictEqual(
      chartValuesProblems({ ingress: { controller: "haproxy", values: { zzzUnknown: 1 } } }),
      [],
    );
    assert.deepStrictEqual(chartValuesProblems({ volumes: { values: { zzzUnknown: 1 } } }), []);
    assert.deepStrictEqual(chartValuesProblems({ certManager: null, vault: { values: null } }), []);
    assert.deepStrictEqual(chartValuesProblems(null), []);
  });

  it("values are shown unless hidden", () => {
    const raw = { certManager: { values: { replicaCount: "two" } } };
    assert.match(
      chartValuesProblems(raw)[0],
      /^addons\.certManager\.values\.replicaCount: got "two"; chart cert-manager /,
    );
    assert.match(
      chartValuesProblems(raw, true)[0],
      /^addons\.certManager\.values\.replicaCount: got \[secret\]; /,
    );
  });
});

describe("ingress Service checks on raw config", () => {
  it("the chart's Service values: traefik's by default, nginx's under controller", () => {
    const [t] = ingressValuesProblems({ values: { service: {} } });
    assert.deepStrictEqual(t.path, ["values", "service"]);
    assert.match(t.message, /^is the traefik chart's Service, which the platform turns off: /);
    const [n] = ingressValuesProblems({ controller: "nginx", values: { controller: { service: {} } } });
    assert.deepStrictEqual(n.path, ["values", "controller", "service"]);
    assert.match(n.message, /^is the nginx chart's Service/);
    assert.deepStrictEqual(ingressValuesProblems(undefined), []);
    assert.deepStrictEqual(ingressValuesProblems({ values: null }), []);
    assert.deepStrictEqual(ingressValuesProblems({ controller: "nginx", values: { service: {} } }), []);
    assert.deepStrictEqual(ingressValuesProblems({ controller: "haproxy", values: { service: {} } }), []);
  });

  it("annotations the platform sets: only on their target", () => {
    const lb = "service.beta.kubernetes.io/aws-load-balancer-type";
    const [p] = ingressAnnotationProblems("eks", { serviceAnnotations: { [lb]: "nlb" } });
    assert.deepStrictEqual(p, {
      path: ["serviceAnnotations", lb],
      message:
        'is set by the platform on cluster.target eks (to "external": the load balancer the ingress is reached by); remove it',
    });
    assert.deepStrictEqual(ingressAnnotationProblems("doks", { serviceAnnotations: { [lb]: "nlb" } }), []);
    assert.deepStrictEqual(ingressAnnotationProblems("kind", { serviceAnnotations: { [lb]: "nlb" } }), []);
    assert.deepStrictEqual(ingressAnnotationProblems(undefined, { serviceAnnotations: { [lb]: "nlb" } }), []);
    // Not a string: no target's table, even one whose text is a target's name.
    assert.deepStrictEqual(ingressAnnotationProblems(["eks"], { serviceAnnotations: { [lb]: "nlb" } }), []);
    assert.deepStrictEqual(ingressAnnotationProblems("eks", undefined), []);
    assert.deepStrictEqual(ingressAnnotationProblems("eks", {}), []);
  });

  it("an annotation key or size problem is a custom issue", () => {
    const bad = serviceAnnotationsSchema.safeParse({ "bad key!": "x" });
    assert.strictEqual(bad.success, false);
    const big = serviceAnnotationsSchema.safeParse({ a: "x".repeat(300 * 1024) });
    assert.strictEqual(big.success, false);
    assert.deepStrictEqual(
      [...(bad.error?.issues ?? []), ...(big.error?.issues ?? [])]
        .map((i) => i.code)
        .filter((c) => c !== "invalid_key"),
      ["custom"],
    );
    assert.strictEqual(
      bad.error?.issues[0].code === "invalid_key" ? bad.error.issues[0].issues[0].code : "",
      "custom",
    );
  });
});

describe("existing cluster section", () => {
  // Built in each test (not in the describe body), so that per-test coverage sees the schema's mutants.
  const lines = (c: object) => {
    const schema = existingClusterSchema("local");
    const data = { target: "existing", ...c };
    const r = schema.safeParse(data);
    return r.success ? [] : formatIssues(r.error.issues, data, schema);
  };

  it("defaults: storage class standard, addresses of kind ip", () => {
    const schema = existingClusterSchema("local");
    const c = schema.parse({ target: "existing" });
    assert.deepStrictEqual(
      [c.defaultStorageClass, c.loadBalancerAddressKind, c.clusterName],
      ["standard", "ip", "local"],
    );
    assert.strictEqual(
      schema.parse({ target: "existing", loadBalancerAddressKind: "hostname" }).loadBalancerAddressKind,
      "hostname",
    );
    assert.deepStrictEqual(lines({ loadBalancerAddressKind: "dns" }), [
      'loadBalancerAddressKind: got "dns"; allowed: "ip" | "hostname"',
    ]);
  });

  it("the node ports differ; ill-typed or missing ones get their type problem only", () => {
    assert.deepStrictEqual(lines({ ingressNodePorts: { http: 30080, https: 30080 } }), [
      "ingressNodePorts.https: got 30080; must differ from ingressNodePorts.http (30080): one Service cannot use a node port twice",
    ]);
    const r = existingClusterSchema("local").safeParse({
      target: "existing",
      ingressNodePorts: { http: 30080, https: 30080 },
    });
    assert.strictEqual(r.error?.issues[0].code, "custom");
    assert.deepStrictEqual(lines({ ingressNodePorts: { http: "a", https: "a" } }), [
      'ingressNodePorts.http: got "a"; expected number',
      'ingressNodePorts.https: got "a"; expected number',
    ]);
    assert.deepStrictEqual(lines({ ingressNodePorts: null }), [
      "ingressNodePorts: got null; expected object",
    ]);
    assert.deepStrictEqual(lines({ ingressNodePorts: { http: 30000, https: 32767 } }), []);
  });

  it("the duplicate port is reported beside other problems", () => {
    assert.deepStrictEqual(lines({ context: "", ingressNodePorts: { http: 30080, https: 30080 } }), [
      'context: got ""; must be at least 1 character(s)',
      "ingressNodePorts.https: got 30080; must differ from ingressNodePorts.http (30080): one Service cannot use a node port twice",
    ]);
  });
});
