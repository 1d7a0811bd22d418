/**
 * Cross-object integrity: on every example stack, every reference between the program's objects,
 * the objects its charts create (components/addons/chart-data/<chart>/<version>/objects.json) and the
 * target cluster's own (tests/helpers/cluster-objects.ts) points at something that exists.
 */
import * as assert from "assert";
import * as fs from "fs";
import { ADDON_NAMESPACES } from "../components/addons/namespaces";
import { CHARTS, ChartKey } from "../components/addons/versions";
import { runProgram } from "../offline/mocks";
import { EXAMPLE_STACKS, exampleConfig, runExample } from "../offline/stacks";
import { chartObjects, objectsFile } from "./helpers/chart-objects";
import { StackView, integrityProblems, inventoryOf, stackViewOf } from "./helpers/integrity";

type Obj = Record<string, unknown>;

/** The configuration of each release's chart data every example stack uses. */
const EXPECTED_CONFIGURATIONS: Record<string, Record<string, string>> = {
  dev: {
    "ingress/traefik": "traefik",
    "cert-manager/cert-manager": "cert-manager",
    "vault/vault": "dev",
    "monitoring/kps": "coredns",
    "metrics-server/metrics-server": "metrics-server",
  },
  prod: {
    "ingress/traefik": "traefik",
    "cert-manager/cert-manager": "cert-manager",
    "vault/vault": "ha",
    "monitoring/kps": "coredns",
    "metrics-server/metrics-server": "metrics-server",
    "cluster-autoscaler/cluster-autoscaler": "aws",
    "external-dns/external-dns": "aws",
    // The EKS target's AWS Load Balancer Controller (components/cluster/eks/load-balancer-controller)
    "kube-system/aws-load-balancer-controller": "eks",
  },
  "eks-dev": {
    "ingress/traefik": "traefik",
    "cert-manager/cert-manager": "cert-manager",
    "vault/vault": "dev",
    "monitoring/kps": "coredns",
    "metrics-server/metrics-server": "metrics-server",
    // nodeAutoscaling karpenter: Karpenter's releases instead of cluster-autoscaler
    "kube-system/karpenter-crd": "crds",
    "kube-system/karpenter": "eks",
    "external-dns/external-dns": "aws",
    "kube-system/aws-load-balancer-controller": "eks",
  },
  gke: {
    "ingress/traefik": "traefik",
    "cert-manager/cert-manager": "cert-manager",
    "vault/vault": "ha",
    "monitoring/kps": "kube-dns",
    "external-dns/external-dns": "google",
  },
  aks: {
    "ingress/traefik": "traefik",
    "cert-manager/cert-manager": "cert-manager",
    "vault/vault": "ha",
    "monitoring/kps": "coredns",
    "external-dns/external-dns": "azure",
  },
  doks: {
    "ingress/traefik": "traefik",
    "cert-manager/cert-manager": "cert-manager",
    "vault/vault": "ha",
    "monitoring/kps": "coredns",
    "metrics-server/metrics-server": "metrics-server",
    "external-dns/external-dns": "webhook",
  },
};

/** An example stack with the F5 NGINX controller instead of Traefik. */
async function withNginx(stack: string): Promise<StackView> {
  const cfg = exampleConfig(stack);
  const addons = (cfg.addons ?? {}) as Obj;
  cfg.addons = { ...addons, ingress: { ...((addons.ingress as Obj) ?? {}), controller: "nginx" } };
  return stackViewOf(await runProgram(cfg, stack));
}

describe("integrity: chart objects data", () => {
  it("exists for every pinned chart version (components/addons/versions.ts)", () => {
    for (const key of Object.keys(CHARTS) as ChartKey[]) {
      const { version, dataName } = CHARTS[key];
      assert.ok(fs.existsSync(objectsFile(key)), `${dataName} ${version}: ${objectsFile(key)} is missing`);
      const data = chartObjects(key);
      assert.strictEqual(data.chart, dataName);
      assert.strictEqual(data.version, version);
      assert.ok(data.configurations.length > 0, key);
      for (const c of data.configurations)
        assert.ok(c.release.name && c.release.namespace && c.values, c.name);
    }
  });

  it("a pinned version without data fails with the file to write", () => {
    assert.throws(
      () => chartObjects("traefik", "41.4.0"),
      /no objects data for chart traefik 41\.4\.0: record what it creates in .*traefik\/41\.4\.0\/objects\.json/,
    );
  });
});

describe("integrity: every example stack", () => {
  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    it(`${stack}: no broken reference, every release matched its recorded chart objects`, async () => {
      const view = stackViewOf(await runExample(stack));
      assert.deepStrictEqual(integrityProblems(view), []);
      assert.deepStrictEqual(inventoryOf(view).configurations, EXPECTED_CONFIGURATIONS[stack]);
    });
  }

  for (const stack of ["dev", "prod"]) {
    it(`${stack} with F5 NGINX: no broken reference`, async () => {
      const view = await withNginx(stack);
      assert.deepStrictEqual(integrityProblems(view), []);
      assert.strictEqual(inventoryOf(view).configurations["ingress/nginx-ingress"], "nginx");
    });
  }

  it("is not vacuous: the prod stack's references are all there to check", async () => {
    const inv = inventoryOf(stackViewOf(await runExample("prod")));
    const count = (kind: string) => inv.monitors.filter((m) => m.owner.startsWith(kind)).length;
    assert.strictEqual(count("ServiceMonitor"), 7 + 9, "7 of the program, 9 of kube-prometheus-stack");
    assert.ok(inv.policies.length >= 6 && inv.pdbs.length >= 1 && inv.ingresses.length === 1);
    // The internal root CA, Vault's CA (vault namespace), the Vault server certificate it issues and
    // the certificate issued for its ca.crt alone (Vault's setup copies it into vault-setup).
    assert.strictEqual(inv.certificates.length, 4);
    assert.deepStrictEqual(inv.ingressClasses, ["traefik"]);
  });

  it("names the ServiceMonitor whose port its Service lacks (cert-manager's controller before the fix)", async () => {
    const view = stackViewOf(await runExample("prod"));
    const objects = structuredClone(view.objects);
    const sm = objects.find(
      (o) => o.kind === "ServiceMonitor" && o.metadata?.name === "cert-manager-controller",
    )!;
    ((sm.spec as Obj).endpoints as Obj[])[0].port = "tcp-prometheus-servicemonitor";
    assert.deepStrictEqual(integrityProblems({ ...view, objects }), [
      'ServiceMonitor cert-manager/cert-manager-controller: port "tcp-prometheus-servicemonitor" is no port of ' +
        "the Services it selects (cert-manager: http-metrics)",
    ]);
  });

  it("GKE with the CoreDNS scrape (before the fix): the chart's Service targets 9153, which kube-dns does not serve", async () => {
    const view = stackViewOf(await runExample("gke"));
    const releases = view.releases.map((r) =>
      r.name === "kps"
        ? { ...r, values: { ...r.values, coreDns: { enabled: true }, kubeDns: { enabled: false } } }
        : r,
    );
    assert.deepStrictEqual(integrityProblems({ ...view, releases }), [
      "Service kube-system/kps-coredns (chart kube-prometheus-stack 88.5.3, templates/exporters/core-dns/service.yaml): " +
        "port http-metrics targets 9153, which its pods do not have",
    ]);
    // And the kube-dns scrape on a CoreDNS cluster (EKS) selects the DNS pods on ports they do not serve.
    const eks = stackViewOf(await runExample("prod"));
    const eksReleases = eks.releases.map((r) =>
      r.name === "kps"
        ? { ...r, values: { ...r.values, coreDns: { enabled: false }, kubeDns: { enabled: true } } }
        : r,
    );
    assert.deepStrictEqual(
      integrityProblems({ ...eks, releases: eksReleases }).map((p) => p.replace(/ \(chart .*?\)/, "")),
      [
        "Service kube-system/kps-kube-dns: port http-metrics-dnsmasq targets 10054, which its pods do not have",
        "Service kube-system/kps-kube-dns: port http-metrics-skydns targets 10055, which its pods do not have",
      ],
    );
  });

  it("a control-plane target turned back on through values needs its chart objects recorded first", async () => {
    const view = stackViewOf(await runExample("aks"));
    const releases = view.releases.map((r) =>
      r.name === "kps" ? { ...r, values: { ...r.values, kubeScheduler: { enabled: true } } } : r,
    );
    // Without its chart's objects, what refers to them (the app's policy allowing Prometheus in) fails too.
    // The platform namespaces' own policies naming those pods: tests/network-policies.test.ts.
    const platform = (p: string) => ADDON_NAMESPACES.some((ns) => p.startsWith(`NetworkPolicy ${ns}/`));
    const problems = integrityProblems({ ...view, releases }).filter((p) => !platform(p));
    assert.deepStrictEqual(problems, [
      "Release monitoring/kps (kube-prometheus-stack 88.5.3): no configuration in its objects.json fits these " +
        "values; record what the chart creates with them (coredns: kubeScheduler.enabled is true, not false; " +
        "kube-dns: kubeScheduler.enabled is true, not false)",
      'NetworkPolicy hello/hello-ingress: ingress peer {"namespaceSelector":{"matchLabels":' +
        '{"kubernetes.io/metadata.name":"monitoring"}}} selects no pods',
    ]);
  });
});
