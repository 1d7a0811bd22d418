/**
 * The workloads of every example stack, through the real program: the objects of the hello app,
 * dev/prod differences, the security rules over everything registered, and a 200-app stack.
 */
import * as assert from "assert";
import { SECURITY_RULES, WORKLOAD_RULES, evaluate, get } from "../rules";
import { ProgramRun, RecordedResource, runProgram, underTest } from "../offline/mocks";
import { validateKubernetesObject } from "./helpers/k8s-schemas";
import { EXAMPLE_STACKS, exampleConfig, loadStackConfig, runExample } from "../offline/stacks";

const run = runExample;

type Obj = Record<string, unknown>;

/** The objects of app `name` (labelled app.kubernetes.io/name). */
function appObjects(r: ProgramRun, name: string): RecordedResource[] {
  return r.resources.filter((x) =>
    x.type.startsWith("kubernetes:") && get(x.inputs, "metadata.labels")?.constructor === Object
      ? (get(x.inputs, "metadata.labels") as Obj)["app.kubernetes.io/name"] === name
      : false,
  );
}

const PROFILE = (stack: string) => (loadStackConfig(stack).profile === "prod" ? "prod" : "dev");

describe("workloads on every example stack", () => {
  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    const prod = PROFILE(stack) === "prod";
    describe(stack, () => {
      it("deploys the hello app: podinfo on 8080 behind port 80, the greeting, probes, metrics, TLS ingress", async () => {
        const r = await run(stack);
        // The hello app (the examples' Vault app, hello-vault, is checked in tests/vault-wiring*.test.ts).
        const deployment = r.one("kubernetes:apps/v1:Deployment", "-hello-deploy").inputs;
        const pod = get(deployment, "spec.template.spec") as Obj;
        const [container] = pod.containers as Obj[];
        assert.strictEqual(container.image, "ghcr.io/stefanprodan/podinfo:6.9.1");
        assert.ok((container.args as string[]).includes("--port=8080"));
        const env = Object.fromEntries((container.env as Obj[]).map((e) => [e.name, e.value]));
        assert.strictEqual(env.NODE_ENV, "production");
        assert.strictEqual(env.PODINFO_UI_MESSAGE, "Kubernetes is awesome!");
        assert.strictEqual(get(container, "livenessProbe.httpGet.path"), "/healthz");
        assert.strictEqual(get(container, "readinessProbe.httpGet.path"), "/readyz");
        const service = r.one("kubernetes:core/v1:Service", "-hello-svc").inputs;
        const http = (get(service, "spec.ports") as Obj[]).find((p) => p.name === "http")!;
        assert.deepStrictEqual([http.port, http.targetPort], [80, "http"]);
        assert.ok((container.ports as Obj[]).some((p) => p.name === "http" && p.containerPort === 8080));
        const ingress = r.one("kubernetes:networking.k8s.io/v1:Ingress").inputs;
        const outputs = r.outputs;
        assert.strictEqual(get(ingress, "spec.ingressClassName"), outputs.ingressClass);
        assert.strictEqual(
          (get(ingress, "metadata.annotations") as Obj)["cert-manager.io/cluster-issuer"],
          outputs.clusterIssuer,
        );
        assert.ok((get(ingress, "spec.tls") as Obj[]).length === 1);
        const sm = r
          .ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor")
          .find((x) => x.name.includes("hello"));
        assert.ok(sm, "a ServiceMonitor for the app");
        assert.strictEqual((get(sm.inputs, "spec.endpoints") as Obj[])[0].port, "metrics");
      });

      it(
        prod
          ? "prod: ≥ 2 replicas through an HPA, with a PodDisruptionBudget"
          : "dev: one replica, no HPA, no PodDisruptionBudget",
        async () => {
          const r = await run(stack);
          const hpas = r.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
          const pdbs = r
            .ofType("kubernetes:policy/v1:PodDisruptionBudget")
            .filter((x) => x.name.endsWith("-hello-pdb"));
          const deployment = r.one("kubernetes:apps/v1:Deployment", "-hello-deploy").inputs;
          if (prod) {
            assert.strictEqual(hpas.length, 1);
            assert.ok((get(hpas[0].inputs, "spec.minReplicas") as number) >= 2);
            assert.strictEqual(pdbs.length, 1);
          } else {
            assert.deepStrictEqual([hpas.length, pdbs.length], [0, 0]);
            assert.strictEqual(get(deployment, "spec.replicas"), 1);
          }
        },
      );

      it("every app object is valid against the Kubernetes and prometheus-operator schemas", async () => {
        const r = await run(stack);
        const objects = appObjects(r, "hello");
        assert.ok(objects.length >= 6, `found ${objects.length}`);
        for (const o of objects) assert.doesNotThrow(() => validateKubernetesObject(o.inputs), o.name);
      });

      it("has zero mandatory violations of the cluster and workload rules", async () => {
        const r = await run(stack);
        const violations = evaluate(
          r.resources.map(underTest),
          { profile: PROFILE(stack) },
          SECURITY_RULES,
        ).filter((v) => v.severity === "mandatory");
        assert.deepStrictEqual(violations, []);
      });
    });
  }

  it("the workload rules can fail on this program's objects (a root container is caught)", async () => {
    const r = await run("prod");
    const resources = r.resources.map(underTest).map((x) =>
      x.type === "kubernetes:apps/v1:Deployment"
        ? {
            ...x,
            inputs: JSON.parse(
              JSON.stringify(x.inputs).replace(/"runAsNonRoot":true/g, '"runAsNonRoot":false'),
            ) as Obj,
          }
        : x,
    );
    const ids = evaluate(resources, { profile: "prod" }, WORKLOAD_RULES).map((v) => v.ruleId);
    assert.ok(ids.includes("k8s-run-as-non-root"), ids.join(", "));
  });
});

describe("the F5 NGINX ingress option", () => {
  it("installs nginx-ingress and lets cert-manager solve HTTP-01 inside the app's Ingress", async () => {
    const cfg = exampleConfig("prod");
    cfg.addons = { ...(cfg.addons as Obj), ingress: { controller: "nginx" } };
    const r = await runProgram(cfg, "prod");
    const charts = r.ofType("kubernetes:helm.sh/v3:Release").map((x) => x.inputs.chart);
    assert.ok(charts.includes("oci://ghcr.io/nginx/charts/nginx-ingress") && !charts.includes("traefik"));
    const ingress = r.one("kubernetes:networking.k8s.io/v1:Ingress").inputs;
    assert.strictEqual(get(ingress, "spec.ingressClassName"), "nginx");
    assert.strictEqual(
      (get(ingress, "metadata.annotations") as Obj)["acme.cert-manager.io/http01-edit-in-place"],
      "true",
    );
  });
});

describe("a stack with 200 apps", function () {
  this.timeout(300_000);
  let r: ProgramRun;
  before(async () => {
    const cfg = exampleConfig("prod");
    const [hello] = cfg.apps as Obj[];
    cfg.apps = Array.from({ length: 200 }, (_, i) => ({
      ...hello,
      name: `app-${i}`,
      // Twenty teams, ten apps each in a shared namespace.
      namespace: `team-${i % 20}`,
      host: `app-${i}.kube-platform.dev`,
    }));
    r = await runProgram(cfg, "prod");
  });

  it("evaluates every app with its own objects and one namespace per team", () => {
    const count = (type: string) => r.ofType(type).length;
    assert.strictEqual(count("kube-platform:workloads:App"), 200);
    assert.strictEqual(count("kubernetes:apps/v1:Deployment"), 200);
    assert.strictEqual(count("kubernetes:networking.k8s.io/v1:Ingress"), 200);
    assert.strictEqual(count("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"), 200);
    // Each app's, plus the Vault bootstrap pod's (vault-setup/vault-bootstrap).
    assert.strictEqual(count("kubernetes:policy/v1:PodDisruptionBudget"), 201);
    const namespaces = r.ofType("kubernetes:core/v1:Namespace").map((x) => get(x.inputs, "metadata.name"));
    for (let t = 0; t < 20; t++) assert.ok(namespaces.includes(`team-${t}`), `team-${t}`);
    const urns = r.resources.map((x) => x.urn);
    assert.strictEqual(new Set(urns).size, urns.length, "duplicate URNs");
  });

  it("keeps zero mandatory workload-rule violations at scale", () => {
    const violations = evaluate(r.resources.map(underTest), { profile: "prod" }, WORKLOAD_RULES).filter(
      (v) => v.severity === "mandatory",
    );
    assert.deepStrictEqual(violations, []);
  });
});
