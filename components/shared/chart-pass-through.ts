/**
 * Values each pinned chart hands on whole, so that any key under them reaches the chart although
 * its values.yaml lists only some defaults there: a Kubernetes object or a configuration file its
 * templates render with `toYaml` (directly, or `with <key>` … `toYaml .`), or a map they iterate
 * by key (`range $name, $v := <key>`). Found in each chart's templates at its pinned release tag
 * (the sources listed in components/addons/chart-data/README.md); the keys whose default is an
 * empty map are free-form anyway and not listed. No Pulumi import.
 */
import type { ChartKey } from "../addons/versions";

export const CHART_PASS_THROUGH: Readonly<Partial<Record<ChartKey, readonly string[]>>> = {
  traefik: [
    // "Additional entries here will be added to the Service spec" (values.yaml, service.spec).
    "service.spec",
    // _podtemplate.tpl: toYaml of the probes and security contexts; entry points by name.
    "livenessProbe",
    "readinessProbe",
    "podSecurityContext",
    "securityContext",
    "ports",
    // ingressroute.yaml, gateway.yaml: the routes and listeners by name.
    "ingressRoute",
    "gateway.listeners",
  ],
  nginx: [
    // controller-deployment.yaml (and the daemonset's, statefulset's): toYaml.
    "controller.podSecurityContext",
    "controller.resources",
    "controller.initContainerResources",
    "controller.containerPort",
    "controller.statefulset.persistentVolumeClaimRetentionPolicy",
    "controller.appprotect.configManager.securityContext",
    "controller.appprotect.ipIntelligence.securityContext",
    "prometheus.service.labels",
    "prometheus.serviceMonitor.selectorMatchLabels",
  ],
  certManager: [
    // deployment.yaml, cainjector-deployment.yaml, webhook-deployment.yaml, startupapicheck-job.yaml.
    "securityContext",
    "containerSecurityContext",
    "cainjector.securityContext",
    "cainjector.containerSecurityContext",
    "webhook.securityContext",
    "webhook.containerSecurityContext",
    "webhook.validatingWebhookConfiguration.namespaceSelector",
    "startupapicheck.securityContext",
    "startupapicheck.containerSecurityContext",
    "startupapicheck.jobAnnotations",
    "startupapicheck.rbac.annotations",
    "startupapicheck.serviceAccount.annotations",
  ],
  vault: ["csi.agent.securityContext.container", "server.route.tls"],
  monitoring: [
    // alertmanager/secret.yaml: Alertmanager's configuration file, rendered whole.
    "alertmanager.config",
    "alertmanager.alertmanagerSpec.securityContext",
    "alertmanager.route",
    "alertmanager.routePerReplica",
    "alertmanager.verticalPodAutoscaler.updatePolicy",
    "prometheus.prometheusSpec.securityContext",
    "prometheus.route",
    "prometheus.routePerReplica",
    "prometheus.verticalPodAutoscaler.updatePolicy",
    "prometheusOperator.securityContext",
    "prometheusOperator.containerSecurityContext",
    "prometheusOperator.env",
    "prometheusOperator.verticalPodAutoscaler.updatePolicy",
    "prometheusOperator.admissionWebhooks.deployment.securityContext",
    "prometheusOperator.admissionWebhooks.deployment.containerSecurityContext",
    "prometheusOperator.admissionWebhooks.patch.securityContext",
    "thanosRuler.route",
    "thanosRuler.thanosRulerSpec.securityContext",
    "kubeApiServer.serviceMonitor.selector",
    "kubelet.serviceMonitor.attachMetadata",
    // The grafana sub-chart: grafana.ini (_config.tpl ranges over its sections), _pod.tpl's objects.
    "grafana.grafana.ini",
    "grafana.securityContext",
    "grafana.containerSecurityContext",
    "grafana.livenessProbe",
    "grafana.readinessProbe",
    "grafana.deploymentStrategy",
    "grafana.downloadDashboards.securityContext",
    "grafana.initChownData.securityContext",
    "grafana.sidecar.securityContext",
    "grafana.imageRenderer.containerSecurityContext",
    "grafana.imageRenderer.env",
    "grafana.listenerSet",
    "grafana.route",
    // The kube-state-metrics and prometheus-node-exporter sub-charts.
    "kube-state-metrics.containerSecurityContext",
    "kube-state-metrics.kubeRBACProxy.containerSecurityContext",
    "prometheus-node-exporter.securityContext",
    "prometheus-node-exporter.containerSecurityContext",
    "prometheus-node-exporter.permissionInitContainer.securityContext",
    "prometheus-node-exporter.updateStrategy",
    "prometheus-node-exporter.nodeSelector",
    "prometheus-node-exporter.podAnnotations",
    "prometheus-node-exporter.service.annotations",
    "prometheus-node-exporter.prometheus.monitor.attachMetadata",
    "prometheus-node-exporter.prometheus.podMonitor.attachMetadata",
  ],
  metricsServer: [
    // deployment.yaml.
    "securityContext",
    "resources",
    "livenessProbe",
    "readinessProbe",
    "tmpVolume",
    "addonResizer.resources",
    "addonResizer.securityContext",
  ],
  clusterAutoscaler: [
    // deployment.yaml: each extraArgs entry becomes --<key>=<value>.
    "extraArgs",
    "serviceMonitor.selector",
  ],
};
