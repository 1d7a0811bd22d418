/** cert-manager add-on: the release, its values against the chart, the ClusterIssuers and the internal CA. */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  CertManager,
  certManagerValues,
  checkDefaultIssuer,
  INTERNAL_CA_SECRET,
  LETSENCRYPT_SERVERS,
  SELF_SIGNED_ROOT_ISSUER,
} from "../components/addons/cert-manager";
import { AddonContext } from "../components/addons/base";
import { CertManagerSettings } from "../components/addons/types";
import { CHARTS } from "../components/addons/versions";
import { chartValueProblems } from "./helpers/chart-values";
import { validateKubernetesObject } from "./helpers/k8s-schemas";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A custom resource of any type (pulumi.CustomResource is abstract). */
class Dummy extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CUSTOM_RESOURCES = [
  "kubernetes:cert-manager.io/v1:ClusterIssuer",
  "kubernetes:cert-manager.io/v1:Certificate",
];
const ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer";
const CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";

function settings(overrides: Partial<CertManagerSettings> = {}): CertManagerSettings {
  return { enabled: true, defaultIssuer: "selfsigned", values: {}, ...overrides };
}

function testCtx(highAvailability: boolean): AddonContext {
  const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
  // A custom resource: a childless ComponentResource in dependsOn expands to nothing.
  const ready = new Dummy("test:index:ClusterReady", "cluster-ready", {});
  return { provider, dependsOn: [ready], highAvailability, kubernetesVersion: "1.34" };
}

/** `ingressClassName` null: no ingress controller. */
async function run(s: CertManagerSettings, ha: boolean, ingressClass: string | null = "traefik") {
  const ingressClassName = ingressClass ?? undefined;
  let component: CertManager | undefined;
  const r = await runResources(() => {
    component = new CertManager("cm", { settings: s, ctx: testCtx(ha), ingressClassName });
    return {
      defaultIssuer: component.defaultIssuer,
      internalCaIssuer: component.internalCaIssuer,
      namespace: component.namespace,
    };
  });
  return { r, component: component! };
}

const values = (r: ProgramRun) => r.one(RELEASE).inputs.values as Record<string, any>;
const issuerNamed = (r: ProgramRun, name: string): RecordedResource =>
  r.ofType(ISSUER).find((i) => (i.inputs.metadata as { name: string }).name === name) ??
  assert.fail(`no ClusterIssuer ${name}`);

describe("cert-manager add-on", () => {
  it("installs the pinned chart as release cert-manager in namespace cert-manager", async () => {
    const { r } = await run(settings(), false);
    const rel = r.one(RELEASE);
    assert.strictEqual(rel.inputs.chart, CHARTS.certManager.chart);
    assert.strictEqual(rel.inputs.version, "v1.21.1");
    assert.deepStrictEqual(rel.inputs.repositoryOpts, { repo: "https://charts.jetstack.io" });
    assert.strictEqual(rel.inputs.name, "cert-manager");
    assert.strictEqual(rel.inputs.namespace, "cert-manager");
    assert.strictEqual(
      (r.one("kubernetes:core/v1:Namespace").inputs.metadata as { name: string }).name,
      "cert-manager",
    );
  });

  it("installs the CRDs with the chart and keeps them on uninstall", async () => {
    const { r } = await run(settings(), false);
    assert.deepStrictEqual(values(r).crds, { enabled: true, keep: true });
    assert.strictEqual(values(r).installCRDs, undefined);
  });

  it("dev values: one replica each, no PDBs, resources on every container, metrics without ServiceMonitor", async () => {
    const { r } = await run(settings(), false);
    const v = values(r);
    for (const c of [v, v.webhook, v.cainjector]) {
      assert.strictEqual(c.replicaCount, 1);
      assert.deepStrictEqual(c.podDisruptionBudget, { enabled: false });
      assert.deepStrictEqual(c.topologySpreadConstraints, []);
    }
    for (const c of [v, v.webhook, v.cainjector, v.startupapicheck]) {
      assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
    }
    assert.strictEqual(v.prometheus.enabled, true);
    assert.strictEqual(v.prometheus.servicemonitor.enabled, false);
    assert.strictEqual(v.prometheus.podmonitor.enabled, false);
    assert.strictEqual(v.global.leaderElection.namespace, "cert-manager");
  });

  it("HA values: controller 2, webhook 3, cainjector 2 replicas with PDBs and spread", async () => {
    const { r } = await run(settings(), true);
    const v = values(r);
    const expected: [Record<string, any>, number, string][] = [
      [v, 2, "controller"],
      [v.webhook, 3, "webhook"],
      [v.cainjector, 2, "cainjector"],
    ];
    for (const [c, replicas, component] of expected) {
      assert.strictEqual(c.replicaCount, replicas, component);
      assert.deepStrictEqual(c.podDisruptionBudget, { enabled: true, maxUnavailable: 1 }, component);
      const keys = c.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey);
      assert.deepStrictEqual(keys, ["kubernetes.io/hostname", "topology.kubernetes.io/zone"], component);
      for (const t of c.topologySpreadConstraints) {
        assert.deepStrictEqual(t.labelSelector.matchLabels, {
          "app.kubernetes.io/instance": "cert-manager",
          "app.kubernetes.io/component": component,
        });
      }
    }
  });

  it("every values object is valid for the pinned chart (recorded release inputs)", async () => {
    for (const ha of [false, true]) {
      const { r } = await run(settings(), ha);
      assert.deepStrictEqual(chartValueProblems("certManager", values(r)), [], `ha=${ha}`);
    }
    assert.deepStrictEqual(chartValueProblems("certManager", certManagerValues(true)), []);
  });

  it("merges settings.values last, and the checker reports an unknown key in them", async () => {
    const { r } = await run(settings({ values: { webhook: { replicaCount: 5, timeoutSeconds: 20 } } }), true);
    assert.strictEqual(values(r).webhook.replicaCount, 5);
    assert.strictEqual(values(r).webhook.timeoutSeconds, 20);
    assert.deepStrictEqual(values(r).webhook.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
    assert.deepStrictEqual(chartValueProblems("certManager", values(r)), []);
    const typo = await run(settings({ values: { webhook: { replicas: 5 } } }), true);
    assert.ok(chartValueProblems("certManager", values(typo.r)).includes("unknown key webhook.replicas"));
  });

  it("labels the namespace for Pod Security restricted", async () => {
    const { r } = await run(settings(), false);
    const labels = (
      r.one("kubernetes:core/v1:Namespace").inputs.metadata as { labels: Record<string, string> }
    ).labels;
    assert.strictEqual(labels["pod-security.kubernetes.io/enforce"], "restricted");
    assert.strictEqual(labels["pod-security.kubernetes.io/warn"], "restricted");
  });

  it("the release depends on its namespace and the cluster, and on nothing else", async () => {
    const { r } = await run(settings({ email: "ops@kube-platform.dev" }), false);
    const rel = r.one(RELEASE);
    const ns = r.one("kubernetes:core/v1:Namespace");
    const ready = r.one("test:index:ClusterReady");
    assert.deepStrictEqual(new Set(rel.dependsOn), new Set([ns.urn, ready.urn]));
    assert.ok(r.dependsOnTransitively(ns, ready), "the namespace waits for the cluster too");
  });

  it("every ClusterIssuer depends on the release, and the release on none of them", async () => {
    const { r } = await run(settings({ email: "ops@kube-platform.dev" }), false);
    const rel = r.one(RELEASE);
    const issuers = r.ofType(ISSUER);
    assert.strictEqual(issuers.length, 4);
    for (const i of [...issuers, ...r.ofType(CERTIFICATE)]) {
      assert.ok(i.dependsOn.includes(rel.urn), `${i.name} must depend on the release (CRDs)`);
      assert.ok(!r.dependsOnTransitively(rel, i), `the release must not depend on ${i.name}`);
    }
  });

  it("creates Let's Encrypt staging and prod issuers with the ACME servers and the ingress class", async () => {
    const { r, component } = await run(settings({ email: "ops@kube-platform.dev" }), false, "nginx");
    for (const [name, server] of Object.entries(LETSENCRYPT_SERVERS)) {
      const acme = (issuerNamed(r, name).inputs.spec as { acme: Record<string, unknown> }).acme;
      assert.strictEqual(acme.server, server);
      assert.strictEqual(acme.email, "ops@kube-platform.dev");
      assert.deepStrictEqual(acme.privateKeySecretRef, { name: `${name}-account-key` });
      assert.deepStrictEqual(acme.solvers, [{ http01: { ingress: { ingressClassName: "nginx" } } }]);
    }
    assert.strictEqual(
      LETSENCRYPT_SERVERS["letsencrypt-prod"],
      "https://acme-v02.api.letsencrypt.org/directory",
    );
    assert.strictEqual(
      LETSENCRYPT_SERVERS["letsencrypt-staging"],
      "https://acme-staging-v02.api.letsencrypt.org/directory",
    );
    assert.deepStrictEqual(Object.keys(component.issuers).sort(), [
      "kube-platform-selfsigned-root",
      "letsencrypt-prod",
      "letsencrypt-staging",
      "selfsigned",
    ]);
  });

  it("creates no ACME issuer without an e-mail or without an ingress class", async () => {
    for (const [s, cls] of [
      [settings(), "traefik"],
      [settings({ email: "ops@kube-platform.dev" }), null],
    ] as const) {
      const { r, component } = await run(s, false, cls);
      const names = r.ofType(ISSUER).map((i) => (i.inputs.metadata as { name: string }).name);
      assert.deepStrictEqual(names.sort(), ["kube-platform-selfsigned-root", "selfsigned"]);
      assert.deepStrictEqual(Object.keys(component.issuers).sort(), names);
    }
  });

  it("builds the internal CA chain: self-signed root → CA Certificate → CA issuer 'selfsigned'", async () => {
    const { r } = await run(settings(), false);
    const root = issuerNamed(r, SELF_SIGNED_ROOT_ISSUER);
    assert.deepStrictEqual(root.inputs.spec, { selfSigned: {} });

    const cert = r.one(CERTIFICATE);
    const meta = cert.inputs.metadata as { namespace: string; annotations: Record<string, string> };
    const spec = cert.inputs.spec as Record<string, any>;
    assert.strictEqual(meta.namespace, "cert-manager");
    assert.strictEqual(meta.annotations["pulumi.com/waitFor"], "condition=Ready");
    assert.strictEqual(spec.isCA, true);
    assert.strictEqual(spec.privateKey.algorithm, "ECDSA");
    assert.strictEqual(spec.duration, "87600h");
    assert.strictEqual(spec.secretName, INTERNAL_CA_SECRET);
    assert.deepStrictEqual(spec.issuerRef, {
      name: SELF_SIGNED_ROOT_ISSUER,
      kind: "ClusterIssuer",
      group: "cert-manager.io",
    });
    assert.ok(cert.dependsOn.includes(root.urn));

    const ca = issuerNamed(r, "selfsigned");
    assert.deepStrictEqual(ca.inputs.spec, { ca: { secretName: spec.secretName } });
    assert.ok(ca.dependsOn.includes(cert.urn), "the CA issuer waits for its CA certificate");
    assert.ok(r.dependsOnTransitively(ca, root));
  });

  it("validates every ClusterIssuer and Certificate and puts them on the cluster's provider", async () => {
    const { r } = await run(settings({ email: "ops@kube-platform.dev" }), true);
    const provider = r.one("pulumi:providers:kubernetes");
    const objects = r.resources.filter((x) => CUSTOM_RESOURCES.includes(x.type));
    assert.strictEqual(objects.length, 5);
    for (const o of objects) validateKubernetesObject(o.inputs);
    for (const k of r.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      assert.strictEqual(r.providerUrn(k), provider.urn, k.name);
    }
  });

  it("is a kube-platform:addons:CertManager component parenting every child, with its outputs", async () => {
    const { r, component } = await run(settings({ email: "ops@kube-platform.dev" }), false);
    const comp = r.one("kube-platform:addons:CertManager");
    for (const k of r.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      assert.strictEqual(k.parent, comp.urn, k.name);
      assert.ok(k.name.startsWith("cm-"), k.name);
    }
    assert.deepStrictEqual(r.outputs, {
      defaultIssuer: "selfsigned",
      internalCaIssuer: "selfsigned",
      namespace: "cert-manager",
    });
    assert.deepStrictEqual(component.internalCaSecret, {
      namespace: "cert-manager",
      name: "kube-platform-root-ca",
    });
  });

  it("exposes the controller, webhook and cainjector metrics Services", async () => {
    const { r, component } = await run(settings(), false);
    assert.deepStrictEqual(
      component.metrics.map((m) => [m.name, m.namespace, m.port, m.selector["app.kubernetes.io/component"]]),
      [
        ["cert-manager-controller", "cert-manager", "http-metrics", "controller"],
        ["cert-manager-webhook", "cert-manager", "metrics", "webhook"],
        ["cert-manager-cainjector", "cert-manager", "http-metrics", "cainjector"],
      ],
    );
    assert.ok(component.metrics.every((m) => m.release === component.release && m.path === "/metrics"));
    assert.strictEqual(r.ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").length, 0);
  });

  it("the default issuer must exist: Let's Encrypt needs the e-mail and the ingress class", async () => {
    checkDefaultIssuer("selfsigned", undefined, undefined);
    checkDefaultIssuer("letsencrypt-prod", "ops@kube-platform.dev", "traefik");
    assert.throws(
      () => checkDefaultIssuer("letsencrypt-prod", undefined, "traefik"),
      /addons\.certManager\.email/,
    );
    assert.throws(
      () => checkDefaultIssuer("letsencrypt-staging", "ops@kube-platform.dev", undefined),
      /"letsencrypt-staging" needs an ingress controller/,
    );
    await runResources(() => {
      assert.throws(
        () =>
          new CertManager("cm", {
            settings: settings({ defaultIssuer: "letsencrypt-prod" }),
            ctx: testCtx(false),
          }),
        /default issuer "letsencrypt-prod" needs addons.certManager.email and an ingress controller/,
      );
    });
    const { r } = await run(
      settings({ email: "ops@kube-platform.dev", defaultIssuer: "letsencrypt-prod" }),
      true,
    );
    assert.strictEqual(r.outputs.defaultIssuer, "letsencrypt-prod");
  });
});
