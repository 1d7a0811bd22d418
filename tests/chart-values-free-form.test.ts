/**
 * Maps of a chart's values that ship with default entries: a new key under one is accepted exactly
 * where the chart takes any key there — its templates render the map whole (toYaml, command-line
 * flags key by key, a range over it), read it by name, or its values.schema.json opens it — and
 * refused elsewhere (Helm would ignore it, or the schema refuses it). The lists below were checked
 * against each chart's templates at its pinned tag (components/addons/chart-data/README.md).
 */
import * as assert from "node:assert/strict";
import { CHARTS, ChartKey } from "../components/addons/versions";
import { kubernetesFreeForm } from "../components/shared/chart-pass-through";
import { chartData, unknownKeys } from "../components/shared/chart-values";

type Values = Record<string, unknown>;
const isObject = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);
const nested = (keyPath: string[], leaf: Values): Values =>
  keyPath.reduceRight<Values>((inner, k) => ({ [k]: inner }), leaf);

/** Every map with default entries that takes a new key, leaving out those inside one that does. */
function mapsTakingAnyKey(key: ChartKey): string[] {
  const found: string[] = [];
  const walk = (defaults: Values, keyPath: string[], insideOne: boolean) => {
    for (const [k, v] of Object.entries(defaults)) {
      if (!isObject(v) || Object.keys(v).length === 0) continue;
      const p = [...keyPath, k];
      const takes = unknownKeys(key, nested(p, { "example.com/new-key": "x" })).length === 0;
      if (takes && !insideOne) found.push(p.join("."));
      walk(v, p, takes);
    }
  };
  walk(chartData(key).defaults, [], false);
  return found;
}

/**
 * The maps with default entries that take any key, per chart. Kubernetes maps and objects
 * (nodeSelector, labels, annotations, security contexts, resources, label selectors), values the
 * templates render whole, maps read by name (traefik's ports.<name>.expose, ingressRoute,
 * gateway.listeners) and maps the schema opens (traefik's ports, hub…children, nginx's hostPort).
 */
const TAKING_ANY_KEY: Record<ChartKey, string[]> = {
  traefik: [
    "gateway.listeners",
    "ingressRoute",
    "log.otlp.http",
    "log.otlp.grpc",
    "accessLog.otlp.http",
    "accessLog.otlp.grpc",
    "metrics.otlp.http",
    "metrics.otlp.grpc",
    "tracing.otlp.http",
    "tracing.otlp.grpc",
    "ports",
    "ports.traefik.expose",
    "ports.web.expose",
    "ports.websecure.expose",
    "ports.metrics.expose",
    "service.spec",
    "securityContext",
    "podSecurityContext",
    "hub.providers.consulCatalogEnterprise",
    "hub.providers.microcks",
    "hub.providers.multicluster",
    "hub.providers.multicluster.children.cluster-1.serversTransport",
    "hub.tracing.additionalTraceHeaders.traceContext",
  ],
  nginx: [
    "controller.appprotect.configManager.securityContext",
    "controller.appprotect.ipIntelligence.securityContext",
    "controller.hostPort",
    "controller.containerPort",
    "controller.resources",
    "controller.podSecurityContext",
    "controller.initContainerResources",
    "controller.statefulset.persistentVolumeClaimRetentionPolicy",
    "prometheus.service.labels",
    "prometheus.serviceMonitor.selectorMatchLabels",
  ],
  certManager: [
    "securityContext",
    "containerSecurityContext",
    "nodeSelector",
    "webhook.securityContext",
    "webhook.containerSecurityContext",
    "webhook.validatingWebhookConfiguration.namespaceSelector",
    "webhook.nodeSelector",
    "cainjector.securityContext",
    "cainjector.containerSecurityContext",
    "cainjector.nodeSelector",
    "startupapicheck.securityContext",
    "startupapicheck.containerSecurityContext",
    "startupapicheck.jobAnnotations",
    "startupapicheck.nodeSelector",
    "startupapicheck.rbac.annotations",
    "startupapicheck.serviceAccount.annotations",
  ],
  vault: ["server.route.tls", "csi.agent.securityContext.container"],
  monitoring: [
    "crds.upgradeJob.containerSecurityContext",
    "crds.upgradeJob.podSecurityContext",
    "prometheus-windows-exporter",
    "alertmanager.podDisruptionBudget",
    "alertmanager.verticalPodAutoscaler.updatePolicy",
    "alertmanager.config",
    "alertmanager.route",
    "alertmanager.routePerReplica",
    "alertmanager.alertmanagerSpec.securityContext",
    "grafana.sidecar.securityContext",
    "grafana.deploymentStrategy",
    "grafana.readinessProbe",
    "grafana.livenessProbe",
    "grafana.securityContext",
    "grafana.containerSecurityContext",
    "grafana.downloadDashboards.securityContext",
    "grafana.route",
    "grafana.listenerSet",
    "grafana.initChownData.securityContext",
    "grafana.grafana.ini",
    "grafana.imageRenderer.env",
    "grafana.imageRenderer.containerSecurityContext",
    "grafana.verticalPodAutoscaler.minAllowed",
    "grafana.verticalPodAutoscaler.maxAllowed",
    "kubeApiServer.serviceMonitor.selector",
    "kubelet.serviceMonitor.attachMetadata",
    "kube-state-metrics.kubeRBACProxy.containerSecurityContext",
    "kube-state-metrics.securityContext",
    "kube-state-metrics.containerSecurityContext",
    "prometheus-node-exporter.podLabels",
    "prometheus-node-exporter.service.labels",
    "prometheus-node-exporter.service.annotations",
    "prometheus-node-exporter.prometheus.monitor.attachMetadata",
    "prometheus-node-exporter.prometheus.podMonitor.attachMetadata",
    "prometheus-node-exporter.updateStrategy",
    "prometheus-node-exporter.securityContext",
    "prometheus-node-exporter.containerSecurityContext",
    "prometheus-node-exporter.podAnnotations",
    "prometheus-node-exporter.nodeSelector",
    "prometheus-node-exporter.permissionInitContainer.securityContext",
    "prometheusOperator.admissionWebhooks.deployment.podDisruptionBudget",
    "prometheusOperator.admissionWebhooks.deployment.securityContext",
    "prometheusOperator.admissionWebhooks.deployment.containerSecurityContext",
    "prometheusOperator.admissionWebhooks.patch.securityContext",
    "prometheusOperator.admissionWebhooks.createSecretJob.securityContext",
    "prometheusOperator.admissionWebhooks.patchWebhookJob.securityContext",
    "prometheusOperator.podDisruptionBudget",
    "prometheusOperator.env",
    "prometheusOperator.securityContext",
    "prometheusOperator.containerSecurityContext",
    "prometheusOperator.verticalPodAutoscaler.updatePolicy",
    "prometheus.podDisruptionBudget",
    "prometheus.verticalPodAutoscaler.updatePolicy",
    "prometheus.route",
    "prometheus.routePerReplica",
    "prometheus.prometheusSpec.securityContext",
    "thanosRuler.podDisruptionBudget",
    "thanosRuler.route",
    "thanosRuler.thanosRulerSpec.securityContext",
  ],
  metricsServer: [
    "securityContext",
    "livenessProbe",
    "readinessProbe",
    "addonResizer.securityContext",
    "addonResizer.resources",
    "resources",
    "tmpVolume",
  ],
  clusterAutoscaler: ["extraArgs", "serviceMonitor.selector"],
  externalDns: [
    "deploymentStrategy",
    "livenessProbe",
    "podSecurityContext",
    "provider.webhook.livenessProbe",
    "provider.webhook.readinessProbe",
    "readinessProbe",
    "securityContext",
  ],
  awsLoadBalancerController: [
    "livenessProbe",
    "objectSelector",
    "podSecurityContext",
    "readinessProbe",
    "securityContext",
    "serviceMutatorWebhookConfig.objectSelector",
    "webhookConfig.ingressValidationNamespaceSelector",
    "webhookConfig.ingressValidationObjectSelector",
  ],
  karpenterCrd: [],
  karpenter: [
    "affinity",
    // Taken as a Kubernetes securityContext by its name and keys, though templates/deployment.yaml
    // reads only its appArmorProfile, seLinuxOptions and seccompProfile (the container's other
    // fields are fixed there): another field under it would be accepted and ignored.
    "controller.securityContext",
    "nodeSelector",
    "podSecurityContext",
    "strategy",
  ],
};

describe("chart values: maps with default entries take new keys where the chart does", () => {
  for (const key of Object.keys(CHARTS) as ChartKey[]) {
    it(`${key}: exactly the maps the templates render whole, read by name or the schema opens`, () => {
      assert.deepEqual(mapsTakingAnyKey(key), TAKING_ANY_KEY[key]);
    });
  }

  it("Kubernetes maps and objects by name and shape: string maps, known fields only", () => {
    assert.equal(kubernetesFreeForm("nodeSelector", { "kubernetes.io/os": "linux" }), true);
    assert.equal(kubernetesFreeForm("podLabels", { jobLabel: "node-exporter" }), true);
    assert.equal(kubernetesFreeForm("labels", { a: "b" }), true);
    assert.equal(kubernetesFreeForm("jobAnnotations", { a: "b" }), true);
    // Keyed by rule group, each a map: the chart's own structure.
    assert.equal(kubernetesFreeForm("additionalRuleGroupLabels", { alertmanager: {} }), false);
    assert.equal(kubernetesFreeForm("relabelings", { a: "b" }), false);
    assert.equal(kubernetesFreeForm("podSecurityContext", { runAsUser: 1000, fsGroup: 2000 }), true);
    assert.equal(kubernetesFreeForm("securityContext", { capabilities: { drop: ["ALL"] } }), true);
    // vault's securityContext: { pod, container }; kube-state-metrics' adds `enabled`.
    assert.equal(kubernetesFreeForm("securityContext", { pod: {}, container: {} }), false);
    assert.equal(kubernetesFreeForm("securityContext", { enabled: true, runAsUser: 65534 }), false);
    assert.equal(kubernetesFreeForm("resources", { requests: { cpu: "100m" } }), true);
    assert.equal(kubernetesFreeForm("resources", { cpu: "100m" }), false);
    assert.equal(kubernetesFreeForm("sessionAffinity", { enable: false }), false);
    assert.equal(kubernetesFreeForm("selector", { matchLabels: { a: "b" } }), true);
    assert.equal(kubernetesFreeForm("livenessProbe", { periodSeconds: 10 }), false);
    assert.equal(kubernetesFreeForm("nodeSelector", "linux"), false);
  });

  it("a map the schema closes takes only its declared keys, even where the templates render it whole", () => {
    // traefik's livenessProbe: additionalProperties false with five properties (values.schema.json).
    assert.deepEqual(unknownKeys("traefik", { livenessProbe: { periodSeconds: 5, grpc: { port: 1 } } }), [
      "livenessProbe.grpc",
    ]);
    // A new entry point is opened by the schema; its fields are closed by it.
    assert.deepEqual(unknownKeys("traefik", { ports: { metrics2: { port: 9101, exposedPortt: 1 } } }), [
      "ports.metrics2.exposedPortt",
    ]);
    assert.deepEqual(unknownKeys("traefik", { ports: { web: { expose: { internal: true } } } }), []);
  });

  it("a map read by name takes new entries and checks a default entry's fields", () => {
    assert.deepEqual(unknownKeys("traefik", { ingressRoute: { custom: { enabled: true } } }), []);
    assert.deepEqual(unknownKeys("traefik", { ingressRoute: { dashboard: { enabeld: true } } }), [
      "ingressRoute.dashboard.enabeld",
    ]);
    assert.deepEqual(
      unknownKeys("monitoring", { alertmanager: { route: { extra: { enabled: true } } } }),
      [],
    );
    assert.deepEqual(unknownKeys("monitoring", { alertmanager: { route: { main: { enabeld: true } } } }), [
      "alertmanager.route.main.enabeld",
    ]);
  });
});
