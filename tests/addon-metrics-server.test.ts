import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AddonContext } from "../components/addons/base";
import { podSecurityLabels } from "../components/kube/conventions";
import {
  KUBELET_INSECURE_TLS,
  METRICS_SERVER_NAMESPACE,
  METRICS_SERVER_POD_LABELS,
  MetricsServer,
  metricsServerValues,
} from "../components/addons/metrics-server";
import { HelmValues } from "../components/addons/types";
import { CHARTS } from "../components/addons/versions";
import { chartData, chartValueProblems } from "./helpers/chart-values";
import { validateKubernetesObject } from "./helpers/k8s-schemas";
import { ProgramRun, runResources } from "../offline/mocks";
import { get } from "../rules";

const T = {
  release: "kubernetes:helm.sh/v3:Release",
  namespace: "kubernetes:core/v1:Namespace",
  provider: "pulumi:providers:kubernetes",
  component: "kube-platform:addons:MetricsServer",
  pool: "test:index:NodePool",
};

/** A plain custom resource (the mocks accept any type). */
class TestResource extends pulumi.CustomResource {
  constructor(type: string, name: string, opts?: pulumi.CustomResourceOptions) {
    super(type, name, {}, opts);
  }
}

function testCtx(ha: boolean): AddonContext {
  const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
  const cluster = new pulumi.ComponentResource("test:index:Cluster", "cluster", {});
  new TestResource(T.pool, "pool", { parent: cluster });
  return { provider, dependsOn: [cluster], highAvailability: ha, kubernetesVersion: "1.34" };
}

async function deploy(
  ha: boolean,
  values: HelmValues = {},
  kubeletCertsTrusted?: boolean,
): Promise<{ run: ProgramRun; component: MetricsServer }> {
  let component: MetricsServer | undefined;
  const run = await runResources(() => {
    new TestResource("test:index:Unrelated", "unrelated");
    component = new MetricsServer("metrics-server", { values, ctx: testCtx(ha), kubeletCertsTrusted });
    return { namespace: component.namespace };
  });
  return { run, component: component! };
}

const problems = (v: HelmValues): string[] => chartValueProblems("metricsServer", v);

const releaseValues = (run: ProgramRun): HelmValues => run.one(T.release).inputs.values as HelmValues;

describe("metrics-server add-on", () => {
  let dev: { run: ProgramRun; component: MetricsServer };
  let prod: { run: ProgramRun; component: MetricsServer };
  before(async () => {
    dev = await deploy(false);
    prod = await deploy(true);
  });

  it("installs the pinned chart as release 'metrics-server' in its own namespace", () => {
    const r = dev.run.one(T.release).inputs;
    assert.equal(r.chart, "metrics-server");
    assert.equal(r.chart, CHARTS.metricsServer.chart);
    assert.equal(r.version, "3.13.1");
    assert.equal(r.version, CHARTS.metricsServer.version);
    assert.deepEqual(r.repositoryOpts, { repo: "https://kubernetes-sigs.github.io/metrics-server/" });
    assert.equal(r.name, "metrics-server");
    assert.equal(r.namespace, "metrics-server");
    assert.equal(dev.run.outputs.namespace, "metrics-server");
  });

  it("dev: one replica, no PDB, no spread", () => {
    const v = releaseValues(dev.run);
    assert.equal(v.replicas, 1);
    assert.equal(v.podDisruptionBudget, undefined);
    assert.equal(v.topologySpreadConstraints, undefined);
  });

  it("HA: two replicas, a PDB keeping one available, spread across nodes and zones", () => {
    const v = releaseValues(prod.run);
    assert.equal(v.replicas, 2);
    assert.deepEqual(v.podDisruptionBudget, {
      enabled: true,
      minAvailable: 1,
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    });
    const spread = v.topologySpreadConstraints as Record<string, unknown>[];
    assert.deepEqual(
      spread.map((c) => c.topologyKey),
      ["kubernetes.io/hostname", "topology.kubernetes.io/zone"],
    );
    for (const c of spread) {
      assert.deepEqual(get(c, "labelSelector.matchLabels"), {
        "app.kubernetes.io/name": "metrics-server",
        "app.kubernetes.io/instance": "metrics-server",
      });
    }
    assert.deepEqual(
      METRICS_SERVER_POD_LABELS["app.kubernetes.io/instance"],
      dev.run.one(T.release).inputs.name,
    );
  });

  it("sets requests and a memory limit", () => {
    for (const v of [releaseValues(dev.run), releaseValues(prod.run)]) {
      assert.deepEqual(v.resources, {
        requests: { cpu: "100m", memory: "200Mi" },
        limits: { memory: "400Mi" },
      });
    }
  });

  it("verifies kubelet certificates and creates no chart ServiceMonitor", () => {
    for (const v of [releaseValues(dev.run), releaseValues(prod.run)]) {
      assert.ok(!JSON.stringify(v).includes("kubelet-insecure-tls"));
      assert.equal(get(v, "serviceMonitor.enabled"), false);
      assert.equal(get(v, "metrics.enabled"), false);
    }
    assert.ok(
      !(chartData("metricsServer").defaults.defaultArgs as string[]).includes("--kubelet-insecure-tls"),
    );
    assert.deepEqual(dev.component.metrics, []);
  });

  it("self-signed kubelet certificates (kind): --kubelet-insecure-tls after the chart's defaultArgs", async () => {
    for (const ha of [false, true]) {
      const { run } = await deploy(ha, {}, false);
      const v = releaseValues(run);
      assert.deepEqual(v.args, ["--kubelet-insecure-tls"]);
      assert.deepEqual(problems(v), []);
    }
    // `args` is the chart's list for extra flags; `defaultArgs` (kept) still carries the others.
    assert.deepEqual(chartData("metricsServer").defaults.args, []);
    assert.ok((chartData("metricsServer").defaults.defaultArgs as string[]).includes("--cert-dir=/tmp"));
    const trusted = await deploy(false, {}, true);
    assert.equal(releaseValues(trusted.run).args, undefined);
    assert.deepEqual(metricsServerValues(false, false).args, [KUBELET_INSECURE_TLS]);
    assert.equal(metricsServerValues(false).args, undefined);
  });

  it("the chart's container security context (kept) satisfies Pod Security restricted", () => {
    const d = chartData("metricsServer").defaults;
    assert.equal(get(d, "securityContext.runAsNonRoot"), true);
    assert.equal(get(d, "securityContext.allowPrivilegeEscalation"), false);
    assert.equal(get(d, "securityContext.readOnlyRootFilesystem"), true);
    assert.equal(get(d, "securityContext.seccompProfile.type"), "RuntimeDefault");
    assert.deepEqual(get(d, "securityContext.capabilities.drop"), ["ALL"]);
    assert.equal(get(d, "hostNetwork.enabled"), false);
    for (const v of [releaseValues(dev.run), releaseValues(prod.run)]) {
      assert.equal(v.securityContext, undefined);
      assert.equal(v.hostNetwork, undefined);
    }
  });

  it("every values object is valid for the pinned chart (dev, prod)", () => {
    assert.deepEqual(problems(releaseValues(dev.run)), []);
    assert.deepEqual(problems(releaseValues(prod.run)), []);
    assert.deepEqual(problems(metricsServerValues(true)), []);
    assert.deepEqual(chartValueProblems("metricsServer", { resources: { requests: { cpu: "1" } } }), []);
  });

  it("values are merged last; an unknown key among them is reported", async () => {
    const { run } = await deploy(true, { replicas: 3, args: ["--kubelet-insecure-tls"] });
    const v = releaseValues(run);
    assert.equal(v.replicas, 3);
    assert.deepEqual(v.args, ["--kubelet-insecure-tls"]);
    assert.equal(get(v, "podDisruptionBudget.enabled"), true);
    assert.deepEqual(problems(v), []);
    const typo = await deploy(false, { replica: 3 });
    assert.deepEqual(problems(releaseValues(typo.run)), ["unknown key replica"]);
  });

  it("namespace 'metrics-server' enforces Pod Security restricted and is a valid object", () => {
    const ns = dev.run.one(T.namespace).inputs;
    const metadata = ns.metadata as { name: string; labels: Record<string, string> };
    assert.equal(metadata.name, METRICS_SERVER_NAMESPACE);
    for (const [k, val] of Object.entries(podSecurityLabels("restricted", "1.34")))
      assert.equal(metadata.labels[k], val);
    validateKubernetesObject(ns);
  });

  it("objects are on the cluster's provider, children of the component", () => {
    const provider = dev.run.one(T.provider).urn;
    const component = dev.run.one(T.component).urn;
    const objects = dev.run.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.deepEqual(objects.map((r) => r.type).sort(), [T.namespace, T.release].sort());
    for (const r of objects) {
      assert.equal(dev.run.providerUrn(r), provider, r.name);
      assert.equal(r.parent, component, r.name);
    }
  });

  it("the release depends on its namespace and cluster readiness, and on nothing else", () => {
    const release = dev.run.one(T.release);
    assert.deepEqual(
      [...new Set(release.dependsOn)].sort(),
      [dev.run.one(T.namespace).urn, dev.run.one(T.pool).urn].sort(),
    );
    assert.equal(dev.run.dependsOnTransitively(release, dev.run.one("test:index:Unrelated")), false);
  });
});
