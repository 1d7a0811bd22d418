/**
 * The monitoring add-on: kube-prometheus-stack (Prometheus Operator with its CRDs, Prometheus,
 * Alertmanager, Grafana, kube-state-metrics, node-exporter) and the ServiceMonitors of the other
 * add-ons' metrics endpoints.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ClusterDns } from "../cluster/capabilities";
import { PART_OF_PLATFORM, PLATFORM_PRIORITY, spreadAcrossNodesAndZones } from "../kube/conventions";
import { alertingValues, receiversSecret } from "./alerting";
import { AddonContext, addonNamespace, chartRelease, resources } from "./base";
import { KUBE_STATE_METRICS_COLLECTORS } from "./kube-state-metrics";
import { AddonComponent, MetricsEndpoint } from "./contract";
import { HelmValues, MonitoringSettings, VolumeOnDestroy } from "./types";
import { HELM_KEEP, monitoringVolumeClaims, namespaceRetention } from "./volume-retention";

/** Namespace of everything but node-exporter (Pod Security "restricted"). */
export const MONITORING_NAMESPACE = "monitoring";
/** node-exporter reads the host (hostNetwork, hostPID, hostPath): it alone gets a "privileged" namespace. */
export const NODE_EXPORTER_NAMESPACE = "monitoring-node-exporter";
/** Helm release name, also the chart's fullnameOverride: objects are named kps-prometheus, kps-grafana, … */
export const MONITORING_RELEASE = "kps";
/** The Secret holding Grafana's admin credentials (created by this component, never by the chart). */
export const GRAFANA_ADMIN_SECRET = `${MONITORING_RELEASE}-grafana-admin`;
export const GRAFANA_ADMIN_USER = "admin";
/** Keys of the admin Secret (the chart's grafana.admin.userKey / passwordKey). */
export const GRAFANA_SECRET_KEYS = { user: "admin-user", password: "admin-password" } as const;

/**
 * Images of the chart's CRD upgrade job, pinned: the chart defaults busybox to "latest" and kubectl
 * to the API server's version string, which is no image tag on EKS or GKE ("v1.34.1-eks-…").
 * kubectl supports API servers one minor version either side: move it with the clusters' version.
 */
export const CRD_UPGRADE_IMAGES = { busybox: "1.38.0", kubectl: "v1.34.1" } as const;

/** How to reach an in-cluster Service. */
export interface ServiceRef {
  namespace: string;
  name: string;
  port: number;
  /** The command that makes it reachable on localhost. */
  portForward: string;
}

export interface MonitoringArgs {
  settings: MonitoringSettings;
  ctx: AddonContext;
  /** StorageClass of the Prometheus, Alertmanager and Grafana volumes. */
  storageClass: pulumi.Input<string>;
  /** The cluster's DNS (a per-target capability): which of the chart's DNS targets is scraped. */
  clusterDns: ClusterDns;
  /** The claims on destroy (addons.volumes.onDestroy, ./volume-retention.ts); absent: deleted. */
  volumesOnDestroy?: VolumeOnDestroy;
}

/**
 * The chart's default scrape targets that depend on the cluster (kube-prometheus-stack at CHARTS.monitoring,
 * templates/exporters/<target>/: a Service in kube-system selecting the component's pods, and a
 * ServiceMonitor). A target that cannot be scraped stays down and fires TargetDown (and its own "…Down"
 * alert) forever, so each is on only where it is reachable; `values` can re-enable one.
 * - kubeApiServer (default/kubernetes) and kubelet (the operator's kube-system/kps-kubelet) stay on
 *   (chart defaults): every target serves them.
 * - kubeControllerManager, kubeScheduler, kubeEtcd: off everywhere. EKS, GKE, AKS and DOKS run them
 *   outside the cluster, so the chart's Services select no pods (EKS serves controller-manager and
 *   scheduler metrics only through the API server: EKS "Fetch control plane raw metrics in
 *   Prometheus format"; GKE and AKS only to their managed Prometheus); kubeadm/kind bind them to
 *   127.0.0.1 (--bind-address, etcd --listen-metrics-urls).
 * - kubeProxy: off everywhere. kube-proxy's metricsBindAddress defaults to 127.0.0.1:10249 (EKS's
 *   kube-proxy add-on, kubeadm); GKE Dataplane V2 and AKS with Cilium run no kube-proxy.
 * - coreDns (port 9153) where the cluster runs CoreDNS (EKS, AKS, DOKS, kubeadm/kind); kubeDns
 *   (dnsmasq 10054, skydns 10055) where it runs kube-dns (GKE): both select k8s-app=kube-dns, so
 *   the wrong one selects the DNS pods on a port they do not serve.
 * tests/integrity.test.ts checks each target's scrape chain against what its cluster runs.
 */
export function clusterScrapeTargets(clusterDns: ClusterDns): HelmValues {
  return {
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    coreDns: { enabled: clusterDns === "coredns" },
    kubeDns: { enabled: clusterDns === "kube-dns" },
  };
}

/** The Prometheus volume share at which it deletes its oldest blocks (a full volume crashes it). */
const RETENTION_SIZE_SHARE = 0.85;
const MEBIBYTES: Record<string, number> = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

/** Prometheus `retentionSize` for a volume of `size` (e.g. "10Gi" → "8704MB"; Prometheus units are base 2). */
export function prometheusRetentionSize(size: string): string {
  const m = /^([1-9]\d*)(Mi|Gi|Ti)$/.exec(size);
  if (!m) throw new Error(`storage size ${JSON.stringify(size)} is not like "10Gi" (Mi, Gi or Ti)`);
  return `${Math.floor(Number(m[1]) * MEBIBYTES[m[2]] * RETENTION_SIZE_SHARE)}MB`;
}

/** A ReadWriteOnce volume claim template of `size` in `storageClass` (operator storage spec). */
function volumeClaim(storageClass: pulumi.Input<string>, size: string) {
  return {
    volumeClaimTemplate: {
      spec: {
        storageClassName: storageClass,
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: size } },
      },
    },
  };
}

/** PodDisruptionBudget values: with HA and several replicas, at most one replica down at a time. */
function disruptionBudget(ha: boolean, replicas: number) {
  const enabled = ha && replicas > 1;
  return { enabled, minAvailable: enabled ? replicas - 1 : 1 };
}

/**
 * Prometheus picks up every ServiceMonitor, PodMonitor, Probe, ScrapeConfig and PrometheusRule in
 * every namespace: `…NilUsesHelmValues: false` stops the chart from turning an empty selector into
 * `release: kps`, and an empty namespace selector means all namespaces.
 */
const SELECT_EVERYTHING = {
  serviceMonitorSelectorNilUsesHelmValues: false,
  serviceMonitorSelector: {},
  serviceMonitorNamespaceSelector: {},
  podMonitorSelectorNilUsesHelmValues: false,
  podMonitorSelector: {},
  podMonitorNamespaceSelector: {},
  probeSelectorNilUsesHelmValues: false,
  probeSelector: {},
  probeNamespaceSelector: {},
  scrapeConfigSelectorNilUsesHelmValues: false,
  scrapeConfigSelector: {},
  scrapeConfigNamespaceSelector: {},
  ruleSelectorNilUsesHelmValues: false,
  ruleSelector: {},
  ruleNamespaceSelector: {},
} as const;

/** The kube-prometheus-stack values (the user's `settings.values` are merged over them by chartRelease). */
export function monitoringValues(
  settings: MonitoringSettings,
  ha: boolean,
  storageClass: pulumi.Input<string>,
  grafanaSecretName: pulumi.Input<string>,
  clusterDns: ClusterDns,
  volumesOnDestroy?: VolumeOnDestroy,
): HelmValues {
  const prometheusPods = {
    "app.kubernetes.io/name": "prometheus",
    "operator.prometheus.io/name": `${MONITORING_RELEASE}-prometheus`,
  };
  const alertmanagerPods = {
    "app.kubernetes.io/name": "alertmanager",
    alertmanager: `${MONITORING_RELEASE}-alertmanager`,
  };
  const promReplicas = settings.prometheusReplicas;
  const amReplicas = settings.alertmanagerReplicas;
  // Receivers and routes (addons.monitoring.alerting); their secret values only in RECEIVERS_SECRET.
  const { config: alertmanagerConfig, secrets: alertmanagerSecrets } = alertingValues(settings.alerting);
  return {
    fullnameOverride: MONITORING_RELEASE,
    crds: {
      // Helm creates the CRDs from the chart's crds/ directory on install (no client-side apply and
      // its annotation size limit), but never upgrades them: the chart's pre-upgrade job applies them
      // server-side on every install/upgrade, with RBAC limited to these CRDs.
      enabled: true,
      upgradeJob: {
        enabled: true,
        image: {
          busybox: { tag: CRD_UPGRADE_IMAGES.busybox },
          kubectl: { tag: CRD_UPGRADE_IMAGES.kubectl },
        },
        resources: resources("50m", "128Mi", "512Mi"),
      },
    },
    ...clusterScrapeTargets(clusterDns),
    prometheusOperator: {
      // prometheus-operator/deployment.yaml, prometheus.yaml, alertmanager.yaml render these
      // (PLATFORM_PRIORITY).
      priorityClassName: PLATFORM_PRIORITY.high.name,
      resources: resources("50m", "128Mi", "512Mi"),
      prometheusConfigReloader: { resources: resources("10m", "32Mi", "64Mi") },
      admissionWebhooks: { patch: { resources: resources("10m", "32Mi", "128Mi") } },
    },
    prometheus: {
      podDisruptionBudget: disruptionBudget(ha, promReplicas),
      prometheusSpec: {
        priorityClassName: PLATFORM_PRIORITY.high.name,
        replicas: promReplicas,
        retention: settings.retention,
        retentionSize: prometheusRetentionSize(settings.prometheusStorageSize),
        storageSpec: volumeClaim(storageClass, settings.prometheusStorageSize),
        resources: ha ? resources("500m", "2Gi", "4Gi") : resources("200m", "1Gi", "2Gi"),
        topologySpreadConstraints: ha && promReplicas > 1 ? spreadAcrossNodesAndZones(prometheusPods) : [],
        ...SELECT_EVERYTHING,
      },
    },
    alertmanager: {
      podDisruptionBudget: disruptionBudget(ha, amReplicas),
      ...(alertmanagerConfig ? { config: alertmanagerConfig } : {}),
      alertmanagerSpec: {
        ...(alertmanagerSecrets ? { secrets: alertmanagerSecrets } : {}),
        priorityClassName: PLATFORM_PRIORITY.high.name,
        replicas: amReplicas,
        storage: volumeClaim(storageClass, settings.alertmanagerStorageSize),
        resources: resources("20m", "64Mi", "256Mi"),
        topologySpreadConstraints: ha && amReplicas > 1 ? spreadAcrossNodesAndZones(alertmanagerPods) : [],
      },
    },
    grafana: {
      // Admin credentials only from the Secret this component creates; the chart creates none.
      admin: {
        existingSecret: grafanaSecretName,
        userKey: GRAFANA_SECRET_KEYS.user,
        passwordKey: GRAFANA_SECRET_KEYS.password,
      },
      // One replica with a ReadWriteOnce volume for its SQLite database (users, UI-made dashboards):
      // replicas sharing it would need ReadWriteMany, replicas without it an external database.
      // Recreate, because a rolling update would start the new pod while the old one holds the volume.
      replicas: 1,
      deploymentStrategy: { type: "Recreate" },
      persistence: {
        enabled: true,
        type: "pvc",
        storageClassName: storageClass,
        accessModes: ["ReadWriteOnce"],
        size: settings.grafanaStorageSize,
        // Retained volumes: the uninstall keeps the claim (templates/pvc.yaml renders these annotations).
        ...(volumesOnDestroy === "retain" ? { annotations: { ...HELM_KEEP } } : {}),
      },
      // The chown init container runs as root (breaks "restricted"); fsGroup 472 already owns the volume.
      initChownData: { enabled: false },
      // The helm-test pod has no security context and is never run by Pulumi.
      testFramework: { enabled: false },
      resources: resources("100m", "256Mi", "512Mi"),
      sidecar: { resources: resources("20m", "96Mi", "256Mi") },
    },
    "kube-state-metrics": {
      resources: resources("20m", "128Mi", "512Mi"),
      // Without `secrets`: the chart's RBAC follows this list (kube-state-metrics.ts).
      collectors: [...KUBE_STATE_METRICS_COLLECTORS],
    },
    "prometheus-node-exporter": {
      namespaceOverride: NODE_EXPORTER_NAMESPACE,
      resources: resources("20m", "32Mi", "128Mi"),
      containerSecurityContext: { readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    },
  };
}

/** Grafana's admin credentials: a generated password in a Secret of `namespace`. */
export function grafanaAdmin(
  name: string,
  namespace: k8s.core.v1.Namespace,
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
): { password: pulumi.Output<string>; secret: k8s.core.v1.Secret } {
  const generated = new random.RandomPassword(
    `${name}-grafana-admin-password`,
    { length: 32, special: false },
    { parent: opts.parent },
  );
  const password = pulumi.secret(generated.result);
  const secret = new k8s.core.v1.Secret(
    `${name}-grafana-admin`,
    {
      metadata: {
        name: GRAFANA_ADMIN_SECRET,
        namespace: namespace.metadata.name,
        labels: { ...PART_OF_PLATFORM },
      },
      type: "Opaque",
      stringData: {
        [GRAFANA_SECRET_KEYS.user]: GRAFANA_ADMIN_USER,
        [GRAFANA_SECRET_KEYS.password]: password,
      },
    },
    opts,
  );
  return { password, secret };
}

/** How to reach Service `svc` of the release, and the port-forward that makes it local. */
function serviceRef(
  release: k8s.helm.v3.Release,
  svc: string,
  port: number,
  localPort: number,
): pulumi.Output<ServiceRef> {
  return pulumi.all([release.namespace, release.name]).apply(([ns]): ServiceRef => ({
    namespace: ns,
    name: svc,
    port,
    portForward: `kubectl -n ${ns} port-forward svc/${svc} ${localPort}:${port}`,
  }));
}

/**
 * kube-prometheus-stack in the "monitoring" namespace, Grafana's admin credentials in a Secret made
 * here, and `serviceMonitor()` for the metrics endpoints of the other add-ons. No metrics endpoint
 * of its own: the chart's ServiceMonitors scrape its components.
 */
export class Monitoring extends AddonComponent {
  /** node-exporter's namespace (privileged: host namespaces and hostPath). */
  readonly nodeExporterNamespace: k8s.core.v1.Namespace;
  /** Grafana's admin password (a Pulumi secret). */
  readonly grafanaAdminPassword: pulumi.Output<string>;
  readonly grafanaService: pulumi.Output<ServiceRef>;
  readonly prometheusService: pulumi.Output<ServiceRef>;
  /** The ServiceMonitors created by `serviceMonitor()`. */
  readonly serviceMonitors: k8s.apiextensions.CustomResource[] = [];

  private readonly childPrefix: string;
  private readonly k8sProvider: k8s.Provider;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:Monitoring", name, opts);
    const { settings, ctx } = args;
    this.childPrefix = name;
    this.k8sProvider = ctx.provider;

    // The "monitoring" namespace (restricted) holds everything but node-exporter, and the volumes.
    const claims = monitoringVolumeClaims(MONITORING_RELEASE, settings);
    const retention = namespaceRetention(args.volumesOnDestroy, claims);
    const namespace = addonNamespace(name, MONITORING_NAMESPACE, "restricted", ctx, this, retention);
    this.nodeExporterNamespace = addonNamespace(
      `${name}-node-exporter`,
      NODE_EXPORTER_NAMESPACE,
      "privileged",
      ctx,
      this,
    );
    const admin = grafanaAdmin(name, namespace, { parent: this, provider: ctx.provider });
    this.grafanaAdminPassword = admin.password;
    const receivers =
      settings.alerting &&
      receiversSecret(name, namespace, settings.alerting, { parent: this, provider: ctx.provider });

    // The release also installs the monitoring.coreos.com CRDs.
    const release = chartRelease({
      name,
      chart: "monitoring",
      releaseName: MONITORING_RELEASE,
      namespace,
      values: monitoringValues(
        settings,
        ctx.highAvailability,
        args.storageClass,
        admin.secret.metadata.name,
        args.clusterDns,
        args.volumesOnDestroy,
      ),
      extraValues: settings.values,
      ctx,
      parent: this,
      dependsOn: [admin.secret, this.nodeExporterNamespace, ...(receivers ? [receivers] : [])],
    });
    this.grafanaService = serviceRef(release, `${MONITORING_RELEASE}-grafana`, 80, 3000);
    this.prometheusService = serviceRef(release, `${MONITORING_RELEASE}-prometheus`, 9090, 9090);

    this.publish(
      { namespace: MONITORING_NAMESPACE, release, metrics: [] },
      {
        release: release.name,
        grafanaAdminPassword: this.grafanaAdminPassword,
        grafanaService: this.grafanaService,
        prometheusService: this.prometheusService,
      },
    );
  }

  /**
   * A ServiceMonitor scraping `endpoint` (in the endpoint's namespace). It waits for this release
   * (which brings the ServiceMonitor CRD) and for the release that creates the Service.
   */
  serviceMonitor(endpoint: MetricsEndpoint): k8s.apiextensions.CustomResource {
    const scrape: Record<string, unknown> = { port: endpoint.port, path: endpoint.path ?? "/metrics" };
    if (endpoint.params) scrape.params = endpoint.params;
    const monitor = new k8s.apiextensions.CustomResource(
      `${this.childPrefix}-${endpoint.name}-servicemonitor`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: endpoint.name, namespace: endpoint.namespace, labels: { ...PART_OF_PLATFORM } },
        spec: {
          selector: { matchLabels: endpoint.selector },
          namespaceSelector: { matchNames: [endpoint.namespace] },
          endpoints: [scrape],
        },
      },
      { parent: this, provider: this.k8sProvider, dependsOn: [this.release, endpoint.release] },
    );
    this.serviceMonitors.push(monitor);
    return monitor;
  }
}
