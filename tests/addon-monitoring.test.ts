/** The monitoring add-on (kube-prometheus-stack), evaluated under mocks. */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AddonContext } from "../components/addons/base";
import { MetricsEndpoint } from "../components/addons/contract";
import { podSecurityLabels } from "../components/kube/conventions";
import {
  CRD_UPGRADE_IMAGES,
  GRAFANA_ADMIN_SECRET,
  MONITORING_NAMESPACE,
  MONITORING_RELEASE,
  Monitoring,
  NODE_EXPORTER_NAMESPACE,
  clusterScrapeTargets,
  monitoringValues,
  prometheusRetentionSize,
} from "../components/addons/monitoring";
import { ClusterDns, clusterDnsOf } from "../components/cluster/capabilities";
import { RECEIVERS_SECRET, alertmanagerConfig } from "../components/addons/alerting";
import { AlertingSettings, MonitoringSettings } from "../components/addons/types";
import { CHARTS } from "../components/addons/versions";
import { chartValueProblems } from "./helpers/chart-values";
import { validateKubernetesObject } from "./helpers/k8s-schemas";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";
import { get } from "../rules";

type Obj = Record<string, unknown>;

const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";
const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const STORAGE_CLASS = "gp3";

/** The dev and prod presets of stacks/addons-config.ts. */
const dev: MonitoringSettings = {
  enabled: true,
  values: {},
  retention: "3d",
  prometheusStorageSize: "10Gi",
  alertmanagerStorageSize: "1Gi",
  grafanaStorageSize: "1Gi",
  prometheusReplicas: 1,
  alertmanagerReplicas: 1,
};
const prod: MonitoringSettings = {
  enabled: true,
  values: {},
  retention: "15d",
  prometheusStorageSize: "100Gi",
  alertmanagerStorageSize: "10Gi",
  grafanaStorageSize: "10Gi",
  prometheusReplicas: 2,
  alertmanagerReplicas: 3,
};

/** A stand-in custom resource (a node pool, another add-on's release). */
class Dummy extends pulumi.CustomResource {
  constructor(type: string, name: string, parent: pulumi.Resource) {
    super(type, name, {}, { parent });
  }
}

interface Built {
  run: ProgramRun;
  release: RecordedResource;
  values: Obj;
}

/** Evaluates a Monitoring component (and, optionally, ServiceMonitors for `endpoints`). */
async function build(
  settings: MonitoringSettings,
  ha: boolean,
  endpoints: (other: pulumi.Resource) => MetricsEndpoint[] = () => [],
  clusterDns: ClusterDns = "coredns",
): Promise<Built> {
  const run = await runResources(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
    // Depending on a component means depending on its custom children: give each one.
    const ready = new pulumi.ComponentResource("test:index:ClusterReady", "ready");
    new Dummy("test:index:NodePool", "ready-pool", ready);
    const other = new pulumi.ComponentResource("test:index:OtherAddon", "other");
    new Dummy("test:index:OtherRelease", "other-release", other);
    const ctx: AddonContext = {
      provider,
      dependsOn: [ready],
      highAvailability: ha,
      kubernetesVersion: "1.34",
    };
    const m = new Monitoring("kp-monitoring", { settings, ctx, storageClass: STORAGE_CLASS, clusterDns });
    for (const e of endpoints(other)) m.serviceMonitor(e);
    return {
      grafanaAdminPassword: m.grafanaAdminPassword,
      grafanaService: m.grafanaService,
      prometheusService: m.prometheusService,
      serviceMonitorCount: m.serviceMonitors.length,
    };
  });
  const release = run.one(RELEASE);
  return { run, release, values: release.inputs.values as Obj };
}

const cache = new Map<string, Promise<Built>>();
const devRun = () => memo("dev", () => build(dev, false));
const prodRun = () => memo("prod", () => build(prod, true));
function memo(key: string, f: () => Promise<Built>): Promise<Built> {
  if (!cache.has(key)) cache.set(key, f());
  return cache.get(key)!;
}

describe("monitoring add-on (kube-prometheus-stack)", () => {
  it("installs the pinned chart as release kps in the monitoring namespace", async () => {
    const { release, values } = await devRun();
    assert.strictEqual(release.inputs.chart, CHARTS.monitoring.chart);
    assert.strictEqual(release.inputs.version, "88.5.3");
    assert.strictEqual(release.inputs.version, CHARTS.monitoring.version);
    assert.deepStrictEqual(release.inputs.repositoryOpts, { repo: CHARTS.monitoring.repo });
    assert.strictEqual(release.inputs.name, "kps");
    assert.strictEqual(release.inputs.name, MONITORING_RELEASE);
    assert.strictEqual(release.inputs.namespace, "monitoring");
    assert.strictEqual(values.fullnameOverride, "kps");
  });

  it("kube-state-metrics collects no Secrets (its RBAC follows the collectors: no list/watch on Secrets)", async () => {
    const { values } = await devRun();
    const collectors = get(values, "kube-state-metrics.collectors") as string[];
    assert.strictEqual(collectors.includes("secrets"), false);
    assert.strictEqual(collectors.length, 27);
    for (const kept of ["pods", "deployments", "nodes", "persistentvolumeclaims", "configmaps"]) {
      assert.ok(collectors.includes(kept), kept);
    }
  });

  it("lets Helm create the CRDs and upgrades them with the chart's server-side apply job (pinned images)", async () => {
    const { values } = await devRun();
    assert.strictEqual(get(values, "crds.enabled"), true);
    assert.strictEqual(get(values, "crds.upgradeJob.enabled"), true);
    assert.strictEqual(get(values, "crds.upgradeJob.image.busybox.tag"), CRD_UPGRADE_IMAGES.busybox);
    assert.match(String(get(values, "crds.upgradeJob.image.kubectl.tag")), /^v1\.\d+\.\d+$/);
    assert.notStrictEqual(get(values, "crds.upgradeJob.image.busybox.tag"), "latest");
  });

  it("dev: retention, 1 Prometheus / 1 Alertmanager, volumes in the storage class, no PDB, no spread", async () => {
    const { values } = await devRun();
    const p = get(values, "prometheus.prometheusSpec") as Obj;
    assert.strictEqual(p.retention, "3d");
    assert.strictEqual(p.retentionSize, "8704MB");
    assert.strictEqual(p.replicas, 1);
    assert.deepStrictEqual(p.storageSpec, {
      volumeClaimTemplate: {
        spec: {
          storageClassName: STORAGE_CLASS,
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: "10Gi" } },
        },
      },
    });
    assert.deepStrictEqual(p.topologySpreadConstraints, []);
    const a = get(values, "alertmanager.alertmanagerSpec") as Obj;
    assert.strictEqual(a.replicas, 1);
    assert.strictEqual(get(a, "storage.volumeClaimTemplate.spec.storageClassName"), STORAGE_CLASS);
    assert.strictEqual(get(a, "storage.volumeClaimTemplate.spec.resources.requests.storage"), "1Gi");
    assert.deepStrictEqual(a.topologySpreadConstraints, []);
    assert.strictEqual(get(values, "prometheus.podDisruptionBudget.enabled"), false);
    assert.strictEqual(get(values, "alertmanager.podDisruptionBudget.enabled"), false);
    assert.deepStrictEqual(get(values, "grafana.persistence"), {
      enabled: true,
      type: "pvc",
      storageClassName: STORAGE_CLASS,
      accessModes: ["ReadWriteOnce"],
      size: "1Gi",
    });
  });

  it("prod: 2 Prometheus / 3 Alertmanager replicas with PDBs and spread, larger volumes and resources", async () => {
    const { values } = await prodRun();
    const p = get(values, "prometheus.prometheusSpec") as Obj;
    assert.strictEqual(p.retention, "15d");
    assert.strictEqual(p.replicas, 2);
    assert.strictEqual(get(p, "storageSpec.volumeClaimTemplate.spec.resources.requests.storage"), "100Gi");
    assert.strictEqual(get(p, "resources.requests.memory"), "2Gi");
    assert.deepStrictEqual(get(values, "prometheus.podDisruptionBudget"), { enabled: true, minAvailable: 1 });
    const a = get(values, "alertmanager.alertmanagerSpec") as Obj;
    assert.strictEqual(a.replicas, 3);
    assert.strictEqual(get(a, "storage.volumeClaimTemplate.spec.resources.requests.storage"), "10Gi");
    assert.deepStrictEqual(get(values, "alertmanager.podDisruptionBudget"), {
      enabled: true,
      minAvailable: 2,
    });
    assert.strictEqual(get(values, "grafana.persistence.size"), "10Gi");

    const promSpread = p.topologySpreadConstraints as Obj[];
    assert.deepStrictEqual(
      promSpread.map((c) => [c.topologyKey, c.whenUnsatisfiable]),
      [
        ["kubernetes.io/hostname", "DoNotSchedule"],
        ["topology.kubernetes.io/zone", "ScheduleAnyway"],
      ],
    );
    assert.deepStrictEqual(get(promSpread[0], "labelSelector.matchLabels"), {
      "app.kubernetes.io/name": "prometheus",
      "operator.prometheus.io/name": "kps-prometheus",
    });
    const amSpread = a.topologySpreadConstraints as Obj[];
    assert.deepStrictEqual(get(amSpread[0], "labelSelector.matchLabels"), {
      "app.kubernetes.io/name": "alertmanager",
      alertmanager: "kps-alertmanager",
    });
  });

  it("HA with a single replica gets no PDB (it would block node drains)", () => {
    const v = monitoringValues(
      { ...prod, prometheusReplicas: 1, alertmanagerReplicas: 1 },
      true,
      "sc",
      "s",
      "coredns",
    );
    assert.strictEqual(get(v, "prometheus.podDisruptionBudget.enabled"), false);
    assert.strictEqual(get(v, "alertmanager.podDisruptionBudget.enabled"), false);
    assert.deepStrictEqual(get(v, "prometheus.prometheusSpec.topologySpreadConstraints"), []);
  });

  it("Prometheus selects ServiceMonitors, PodMonitors, Probes, ScrapeConfigs and rules in every namespace", async () => {
    for (const { values } of [await devRun(), await prodRun()]) {
      const p = get(values, "prometheus.prometheusSpec") as Obj;
      for (const kind of ["serviceMonitor", "podMonitor", "probe", "scrapeConfig", "rule"]) {
        assert.strictEqual(p[`${kind}SelectorNilUsesHelmValues`], false, kind);
        assert.deepStrictEqual(p[`${kind}Selector`], {}, kind);
        assert.deepStrictEqual(p[`${kind}NamespaceSelector`], {}, kind);
      }
    }
  });

  it("sets requests and a memory limit for every container the chart runs", async () => {
    const { values } = await devRun();
    for (const path of [
      "prometheus.prometheusSpec.resources",
      "alertmanager.alertmanagerSpec.resources",
      "prometheusOperator.resources",
      "prometheusOperator.prometheusConfigReloader.resources",
      "prometheusOperator.admissionWebhooks.patch.resources",
      "crds.upgradeJob.resources",
      "grafana.resources",
      "grafana.sidecar.resources",
      "kube-state-metrics.resources",
      "prometheus-node-exporter.resources",
    ]) {
      const r = get(values, path) as Obj | undefined;
      assert.ok(get(r, "requests.cpu") && get(r, "requests.memory"), `${path} requests`);
      assert.ok(get(r, "limits.memory"), `${path} memory limit`);
    }
  });

  it("merges settings.values last", async () => {
    const { values } = await build(
      {
        ...dev,
        values: {
          prometheus: { prometheusSpec: { retention: "30d" } },
          grafana: { persistence: { size: "5Gi" } },
        },
      },
      false,
    );
    assert.strictEqual(get(values, "prometheus.prometheusSpec.retention"), "30d");
    assert.strictEqual(get(values, "prometheus.prometheusSpec.replicas"), 1);
    assert.strictEqual(get(values, "grafana.persistence.size"), "5Gi");
    assert.strictEqual(get(values, "grafana.persistence.storageClassName"), STORAGE_CLASS);
  });

  it("every values object is valid for the chart (chartValueProblems)", async () => {
    for (const { values } of [await devRun(), await prodRun()]) {
      assert.deepStrictEqual(chartValueProblems("monitoring", values), []);
    }
    for (const [s, ha] of [
      [dev, true],
      [prod, false],
      [{ ...prod, prometheusReplicas: 1, alertmanagerReplicas: 1 }, true],
    ] as const) {
      for (const dns of ["coredns", "kube-dns"] as const) {
        assert.deepStrictEqual(
          chartValueProblems("monitoring", monitoringValues(s, ha, "sc", "secret", dns)),
          [],
        );
      }
    }
  });

  it("scrapes the cluster's own DNS (kube-dns on GKE, CoreDNS elsewhere) and no unreachable control plane", async () => {
    const off = { enabled: false };
    const controlPlane = { kubeControllerManager: off, kubeScheduler: off, kubeEtcd: off, kubeProxy: off };
    assert.deepStrictEqual(clusterScrapeTargets("coredns"), {
      ...controlPlane,
      coreDns: { enabled: true },
      kubeDns: { enabled: false },
    });
    assert.deepStrictEqual(clusterScrapeTargets("kube-dns"), {
      ...controlPlane,
      coreDns: { enabled: false },
      kubeDns: { enabled: true },
    });
    // Per target, from the cluster capabilities the add-ons receive.
    const dnsOf = Object.fromEntries(
      (["eks", "gke", "aks", "doks", "existing"] as const).map((t) => [t, clusterDnsOf(t)]),
    );
    assert.deepStrictEqual(dnsOf, {
      eks: "coredns",
      gke: "kube-dns",
      aks: "coredns",
      doks: "coredns",
      existing: "coredns",
    });
    const { values } = await memo("dev-kube-dns", () => build(dev, false, undefined, "kube-dns"));
    assert.deepStrictEqual(values.coreDns, { enabled: false });
    assert.deepStrictEqual(values.kubeDns, { enabled: true });
    assert.deepStrictEqual(values.kubeEtcd, { enabled: false });
    // kubelet and the API server stay at the chart's defaults (on).
    assert.strictEqual(values.kubelet, undefined);
    assert.strictEqual(values.kubeApiServer, undefined);
  });

  it("reports a typo under grafana. in settings.values", async () => {
    const { values } = await build(
      { ...dev, values: { grafana: { persistance: { enabled: false } } } },
      false,
    );
    assert.deepStrictEqual(chartValueProblems("monitoring", values), ["unknown key grafana.persistance"]);
  });

  it("monitoring is restricted; node-exporter (host namespaces, hostPath) alone gets a privileged namespace", async () => {
    const { run, values } = await devRun();
    const byName = (n: string) => {
      const ns = run.ofType(NAMESPACE).find((r) => get(r.inputs, "metadata.name") === n);
      assert.ok(ns, `namespace ${n}`);
      return ns;
    };
    const labels = (n: string) => get(byName(n).inputs, "metadata.labels") as Obj;
    assert.deepStrictEqual(labels(MONITORING_NAMESPACE), {
      ...podSecurityLabels("restricted", "1.34"),
      "app.kubernetes.io/part-of": "kube-platform",
    });
    assert.strictEqual(labels("monitoring")["pod-security.kubernetes.io/enforce"], "restricted");
    assert.strictEqual(labels(NODE_EXPORTER_NAMESPACE)["pod-security.kubernetes.io/enforce"], "privileged");
    assert.strictEqual(get(values, "prometheus-node-exporter.namespaceOverride"), NODE_EXPORTER_NAMESPACE);
    assert.strictEqual(run.ofType(NAMESPACE).length, 2);
    // What would break "restricted" in the monitoring namespace is off.
    assert.strictEqual(get(values, "grafana.initChownData.enabled"), false);
    assert.strictEqual(get(values, "grafana.testFramework.enabled"), false);
  });

  it("the release waits for its namespaces, the Grafana Secret and cluster readiness, and nothing else", async () => {
    const { run, release } = await build(dev, false, (other) => [
      { name: "x", namespace: "x", selector: { app: "x" }, port: "metrics", release: other },
    ]);
    const urnOf = (type: string, name: string) => run.one(type, name).urn;
    const expected = [
      urnOf(NAMESPACE, "kp-monitoring-ns"),
      urnOf(NAMESPACE, "kp-monitoring-node-exporter-ns"),
      urnOf(SECRET, "kp-monitoring-grafana-admin"),
      urnOf("test:index:NodePool", "ready-pool"),
    ].sort();
    assert.deepStrictEqual([...new Set(release.dependsOn)].sort(), expected);
    assert.ok(run.dependsOnTransitively(release, run.one("test:index:ClusterReady")));
    assert.ok(!run.dependsOnTransitively(release, run.one("test:index:OtherRelease")));
    assert.ok(!run.dependsOnTransitively(release, run.one(SERVICE_MONITOR)));
  });

  it("Grafana's admin credentials come only from the Secret; the password appears nowhere in the release", async () => {
    const { run, release, values } = await devRun();
    const secret = run.one(SECRET);
    const password = run.outputs.grafanaAdminPassword as string;
    assert.strictEqual(typeof password, "string");
    assert.strictEqual(password.length, 32);
    assert.deepStrictEqual(get(values, "grafana.admin"), {
      existingSecret: GRAFANA_ADMIN_SECRET,
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
    assert.strictEqual(get(secret.inputs, "metadata.name"), get(values, "grafana.admin.existingSecret"));
    assert.strictEqual(get(secret.inputs, "metadata.namespace"), "monitoring");
    assert.deepStrictEqual(get(secret.inputs, "stringData"), {
      "admin-user": "admin",
      "admin-password": password,
    });
    assert.ok(!JSON.stringify(release.inputs).includes(password), "password leaked into the release");
    assert.strictEqual(get(values, "grafana.adminPassword"), undefined);
  });

  it("the password is generated by a RandomPassword child and stays secret end to end", async () => {
    const { run } = await devRun();
    const component = run.one("kube-platform:addons:Monitoring");
    const pw = run.one(PASSWORD);
    assert.strictEqual(pw.parent, component.urn);
    assert.strictEqual(pw.inputs.length, 32);
    const secret = run.one(SECRET);
    assert.ok(secret.secretInputs.has("stringData"));
    assert.ok(run.secretOutputs.has("grafanaAdminPassword"));
  });

  it("every Kubernetes object is schema-valid, on the cluster provider and a child of the component", async () => {
    const { run } = await build(prod, true, (other) => [
      { name: "y", namespace: "y", selector: { app: "y" }, port: "metrics", release: other },
    ]);
    const provider = run.one("pulumi:providers:kubernetes");
    const component = run.one("kube-platform:addons:Monitoring");
    const kube = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.deepStrictEqual(
      kube.map((r) => r.type).sort(),
      [NAMESPACE, NAMESPACE, SECRET, RELEASE, SERVICE_MONITOR].sort(),
    );
    for (const r of kube) {
      assert.strictEqual(run.providerUrn(r), provider.urn, r.name);
      assert.strictEqual(r.parent, component.urn, r.name);
      if (r.type !== RELEASE) validateKubernetesObject(r.inputs);
    }
    assert.strictEqual(component.type, "kube-platform:addons:Monitoring");
  });

  it("serviceMonitor() creates a valid ServiceMonitor that waits for the CRDs and the endpoint's release", async () => {
    const { run, release } = await build(dev, false, (other): MetricsEndpoint[] => [
      {
        name: "vault",
        namespace: "vault",
        selector: { "app.kubernetes.io/name": "vault" },
        port: "http",
        path: "/v1/sys/metrics",
        params: { format: ["prometheus"] },
        release: other,
      },
      {
        name: "traefik",
        namespace: "ingress",
        selector: { app: "traefik" },
        port: "metrics",
        release: other,
      },
    ]);
    assert.strictEqual(run.outputs.serviceMonitorCount, 2);
    const sm = run.one(SERVICE_MONITOR, "vault-servicemonitor");
    validateKubernetesObject(sm.inputs);
    assert.strictEqual(get(sm.inputs, "metadata.name"), "vault");
    assert.strictEqual(get(sm.inputs, "metadata.namespace"), "vault");
    assert.deepStrictEqual(get(sm.inputs, "spec.selector"), {
      matchLabels: { "app.kubernetes.io/name": "vault" },
    });
    assert.deepStrictEqual(get(sm.inputs, "spec.namespaceSelector"), { matchNames: ["vault"] });
    assert.deepStrictEqual(get(sm.inputs, "spec.endpoints"), [
      { port: "http", path: "/v1/sys/metrics", params: { format: ["prometheus"] } },
    ]);
    assert.ok(sm.dependsOn.includes(release.urn));
    assert.ok(sm.dependsOn.includes(run.one("test:index:OtherRelease").urn));
    assert.strictEqual(run.providerUrn(sm), run.one("pulumi:providers:kubernetes").urn);
    const traefik = run.one(SERVICE_MONITOR, "traefik-servicemonitor");
    assert.deepStrictEqual(get(traefik.inputs, "spec.endpoints"), [{ port: "metrics", path: "/metrics" }]);
  });

  it("outputs how to reach Grafana and Prometheus", async () => {
    const { run } = await devRun();
    assert.deepStrictEqual(run.outputs.grafanaService, {
      namespace: "monitoring",
      name: "kps-grafana",
      port: 80,
      portForward: "kubectl -n monitoring port-forward svc/kps-grafana 3000:80",
    });
    assert.deepStrictEqual(run.outputs.prometheusService, {
      namespace: "monitoring",
      name: "kps-prometheus",
      port: 9090,
      portForward: "kubectl -n monitoring port-forward svc/kps-prometheus 9090:9090",
    });
    assert.ok(!run.secretOutputs.has("grafanaService"));
  });

  it("prometheusRetentionSize keeps 15% of the volume free", () => {
    assert.strictEqual(prometheusRetentionSize("10Gi"), "8704MB");
    assert.strictEqual(prometheusRetentionSize("512Mi"), "435MB");
    assert.strictEqual(prometheusRetentionSize("1Ti"), "891289MB");
    assert.throws(() => prometheusRetentionSize("10GB"), /not like/);
  });
});

describe("monitoring add-on with alerting (Alertmanager receivers)", () => {
  const SLACK = "https://hooks.slack.com/services/T000/B000/s3cr3t";
  const PD = `s3cr3t${"k".repeat(26)}`;
  const alerting = (): AlertingSettings => ({
    receivers: {
      pager: { pagerduty: { routingKey: pulumi.secret(PD), sendResolved: true } },
      chat: { slack: { url: pulumi.secret(SLACK), channel: "#alerts", sendResolved: true } },
    },
    routes: { critical: ["pager"], warning: ["chat"] },
    defaultReceiver: "chat",
    receiverPorts: [443],
  });
  const withAlerting = () => memo("alerting", () => build({ ...prod, alerting: alerting() }, true));

  it("creates the receivers' Secret as a child on the cluster provider; the release mounts it and waits for it", async () => {
    const { run, release, values } = await withAlerting();
    const secret = run.one(SECRET, "alertmanager-receivers");
    assert.strictEqual(secret.name, "kp-monitoring-alertmanager-receivers");
    assert.strictEqual(secret.parent, run.one("kube-platform:addons:Monitoring").urn);
    assert.strictEqual(run.providerUrn(secret), run.one("pulumi:providers:kubernetes").urn);
    validateKubernetesObject(secret.inputs);
    assert.deepStrictEqual(secret.inputs.metadata, {
      name: RECEIVERS_SECRET,
      namespace: MONITORING_NAMESPACE,
      labels: { "app.kubernetes.io/part-of": "kube-platform" },
    });
    assert.deepStrictEqual(secret.inputs.stringData, {
      "pager.pagerduty-routing-key": PD,
      "chat.slack-url": SLACK,
    });
    assert.ok(secret.secretInputs.has("stringData"));
    assert.ok(release.dependsOn.includes(secret.urn), "the pods mount it: the release waits for it");
    assert.deepStrictEqual(get(values, "alertmanager.alertmanagerSpec.secrets"), [RECEIVERS_SECRET]);
    assert.strictEqual(release.secretInputs.has("values"), false);
    assert.ok(!JSON.stringify(release.inputs).includes("s3cr3t"), "a secret value reached the release");
  });

  it("renders the routes and receivers into alertmanager.config, valid for the chart in dev and prod", async () => {
    const { values } = await withAlerting();
    assert.deepStrictEqual(get(values, "alertmanager.config"), alertmanagerConfig(alerting()));
    assert.deepStrictEqual(get(values, "alertmanager.config.route.receiver"), "chat");
    assert.deepStrictEqual(chartValueProblems("monitoring", values), []);
    for (const [s, ha] of [
      [dev, false],
      [prod, true],
    ] as const) {
      const v = monitoringValues({ ...s, alerting: alerting() }, ha, "sc", "secret", "coredns");
      assert.deepStrictEqual(chartValueProblems("monitoring", v), []);
    }
  });

  it("user values merge over it without dropping the mount", async () => {
    const { values } = await build(
      { ...dev, alerting: alerting(), values: { alertmanager: { alertmanagerSpec: { logLevel: "debug" } } } },
      false,
    );
    assert.deepStrictEqual(get(values, "alertmanager.alertmanagerSpec.secrets"), [RECEIVERS_SECRET]);
    assert.strictEqual(get(values, "alertmanager.alertmanagerSpec.logLevel"), "debug");
  });

  it("without alerting: the chart's default config and no receivers' Secret", async () => {
    const { run, values } = await devRun();
    assert.strictEqual(get(values, "alertmanager.config"), undefined);
    assert.strictEqual(get(values, "alertmanager.alertmanagerSpec.secrets"), undefined);
    assert.deepStrictEqual(
      run.ofType(SECRET).map((s) => s.name),
      ["kp-monitoring-grafana-admin"],
    );
  });
});
