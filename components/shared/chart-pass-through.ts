/**
 * What each pinned chart hands on whole, so that any key under it reaches the chart although its
 * values.yaml lists only some defaults there, and the maps it reads by name. Found in each chart's
 * templates at its pinned release tag (the sources listed in components/addons/chart-data/README.md).
 * Not listed, because they follow from the chart's data (components/shared/chart-values.ts): a map
 * whose default is empty, a map its values.schema.json opens (`additionalProperties` or
 * `patternProperties`, like traefik's `ports`), and the Kubernetes maps and objects named below
 * (`kubernetesFreeForm`). Where the schema closes a map (`additionalProperties: false`, like traefik's
 * `livenessProbe`), its declared keys are the only valid ones even under a value listed here.
 * A `*` stands for any one key. No Pulumi import.
 */
import type { ChartKey } from "../addons/versions";

/**
 * Values rendered whole: a Kubernetes object or a configuration file the templates render with
 * `toYaml` (directly, `with <key>` … `toYaml .`, or `toYaml (omit <key> "enabled")`), a map turned
 * into command-line flags key by key, or a map they iterate by key.
 */
export const CHART_PASS_THROUGH: Readonly<Partial<Record<ChartKey, readonly string[]>>> = {
  traefik: [
    // "Additional entries here will be added to the Service spec" (values.yaml, service.spec).
    "service.spec",
    // _helpers.tpl traefik.oltpCommonParams: `omit . "enabled"` of each OTLP exporter through
    // traefik.yaml2CommandLineArgs, one --<path>.<key> flag per key (Traefik refuses unknown flags).
    "log.otlp.http",
    "log.otlp.grpc",
    "accessLog.otlp.http",
    "accessLog.otlp.grpc",
    "metrics.otlp.http",
    "metrics.otlp.grpc",
    "tracing.otlp.http",
    "tracing.otlp.grpc",
    // _podtemplate.tpl: the Hub providers and trace headers through traefik.yaml2CommandLineArgs.
    "hub.providers.consulCatalogEnterprise",
    "hub.providers.microcks",
    "hub.providers.multicluster",
    "hub.tracing.additionalTraceHeaders.traceContext",
  ],
  nginx: [
    // controller-statefulset.yaml: toYaml.
    "controller.statefulset.persistentVolumeClaimRetentionPolicy",
  ],
  vault: [
    // _helpers.tpl csi.agent.securityContext.container (toYaml), server-route.yaml (toYaml of its tls).
    "csi.agent.securityContext.container",
    "server.route.tls",
  ],
  monitoring: [
    // alertmanager/secret.yaml: Alertmanager's configuration file, rendered whole; the VPAs'
    // updatePolicy, the operator's env (range), the kubelet ServiceMonitor's attachMetadata: toYaml.
    "alertmanager.config",
    "alertmanager.verticalPodAutoscaler.updatePolicy",
    "prometheus.verticalPodAutoscaler.updatePolicy",
    "prometheusOperator.env",
    "prometheusOperator.verticalPodAutoscaler.updatePolicy",
    "kubelet.serviceMonitor.attachMetadata",
    // <component>/podDisruptionBudget.yaml, prometheus-operator/pdb.yaml, admission-webhooks/deployment/pdb.yaml:
    // toYaml (omit .Values.<component>.podDisruptionBudget "enabled") as the PodDisruptionBudget's spec.
    "alertmanager.podDisruptionBudget",
    "prometheus.podDisruptionBudget",
    "thanosRuler.podDisruptionBudget",
    "prometheusOperator.podDisruptionBudget",
    "prometheusOperator.admissionWebhooks.deployment.podDisruptionBudget",
    // The prometheus-windows-exporter sub-chart (windowsMonitoring.enabled): its data is not shipped,
    // so its values are not checked.
    "prometheus-windows-exporter",
    // The grafana sub-chart: grafana.ini (_config.tpl ranges over its sections), _pod.tpl's objects,
    // vpa.yaml's resource bounds.
    "grafana.grafana.ini",
    "grafana.livenessProbe",
    "grafana.readinessProbe",
    "grafana.deploymentStrategy",
    "grafana.imageRenderer.env",
    "grafana.verticalPodAutoscaler.minAllowed",
    "grafana.verticalPodAutoscaler.maxAllowed",
    // The kube-state-metrics sub-chart: deployment.yaml, `omit .Values.securityContext "enabled" | toYaml`.
    "kube-state-metrics.securityContext",
    // The prometheus-node-exporter sub-chart: daemonset.yaml, servicemonitor.yaml, podmonitor.yaml.
    "prometheus-node-exporter.updateStrategy",
    "prometheus-node-exporter.prometheus.monitor.attachMetadata",
    "prometheus-node-exporter.prometheus.podMonitor.attachMetadata",
  ],
  metricsServer: [
    // deployment.yaml: toYaml of the probes and of the tmp volume's source.
    "livenessProbe",
    "readinessProbe",
    "tmpVolume",
  ],
  clusterAutoscaler: [
    // deployment.yaml: each extraArgs entry becomes --<key>=<value>; servicemonitor.yaml ranges over
    // the selector's labels.
    "extraArgs",
    "serviceMonitor.selector",
  ],
};

/**
 * Maps the templates iterate by key, each entry an object they read field by field: any new key is
 * a new entry, and a default entry's fields are checked like any other value.
 */
export const CHART_KEYED_MAPS: Readonly<Partial<Record<ChartKey, readonly string[]>>> = {
  traefik: [
    // Each entry point's `expose`, by Service name (_service.tpl: `index $config.expose $.serviceName`;
    // the entry points themselves are opened by the schema).
    "ports.*.expose",
    // ingressroute.yaml, gateway.yaml: `range $name, $config := .Values.ingressRoute` (.gateway.listeners).
    "ingressRoute",
    "gateway.listeners",
  ],
  monitoring: [
    // <component>/route.yaml, routeperreplica.yaml: `range $name, $route := .Values.<component>.route`,
    // one HTTPRoute per enabled entry; the grafana sub-chart's route.yaml and listenerset.yaml alike.
    "alertmanager.route",
    "alertmanager.routePerReplica",
    "prometheus.route",
    "prometheus.routePerReplica",
    "thanosRuler.route",
    "grafana.route",
    "grafana.listenerSet",
  ],
};

/**
 * Maps that the Kubernetes API itself leaves free-form, as string to string: labels, annotations
 * (ObjectMeta), a nodeSelector (PodSpec), and a label selector's matchLabels (k8s.io/api core/v1 and
 * apimachinery meta/v1 types.go). A chart value of that name whose default entries are all strings is
 * one of them, whatever keys the chart ships as an example.
 */
const STRING_MAP_KEY = /^(?:nodeSelector|(?:l|.*L)abels|(?:a|.*A)nnotations)$/u;

/**
 * Kubernetes objects that charts pass on whole, by the fields of their type (k8s.io/api core/v1
 * types.go: PodSecurityContext and SecurityContext, ResourceRequirements, Affinity; apimachinery meta/v1 LabelSelector; the pinned
 * @pulumi/kubernetes's types/input.d.ts lists the same). A chart value of such a name whose default
 * keys are all fields of the type is that object, and Helm checks the rendered object against the
 * cluster's OpenAPI schema (helm/helm pkg/action/install.go and upgrade.go: KubeClient.Build with
 * validation unless DisableOpenAPIValidation, which the platform never sets). A value of such a name
 * with other keys (vault's `securityContext: { pod, container }`) is the chart's own structure.
 */
const KUBERNETES_OBJECTS: readonly { key: RegExp; fields: ReadonlySet<string> }[] = [
  {
    key: /^(?:s|.*S)ecurityContext$/u,
    fields: new Set([
      ...["allowPrivilegeEscalation", "appArmorProfile", "capabilities", "privileged", "procMount"],
      ...["readOnlyRootFilesystem", "runAsGroup", "runAsNonRoot", "runAsUser", "seLinuxOptions"],
      ...["seccompProfile", "windowsOptions", "fsGroup", "fsGroupChangePolicy", "seLinuxChangePolicy"],
      ...["supplementalGroups", "supplementalGroupsPolicy", "sysctls"],
    ]),
  },
  { key: /^(?:r|.*R)esources$/u, fields: new Set(["claims", "limits", "requests"]) },
  { key: /^(?:a|.*A)ffinity$/u, fields: new Set(["nodeAffinity", "podAffinity", "podAntiAffinity"]) },
  { key: /^(?:s|.*S)elector$/u, fields: new Set(["matchExpressions", "matchLabels"]) },
];

/** Whether the chart value `key` with default `defaults` is a free-form Kubernetes map or object (see above). */
export function kubernetesFreeForm(key: string, defaults: unknown): boolean {
  if (typeof defaults !== "object" || defaults === null || Array.isArray(defaults)) return false;
  const entries = Object.entries(defaults);
  if (STRING_MAP_KEY.test(key)) return entries.every(([, v]) => typeof v === "string");
  const type = KUBERNETES_OBJECTS.find((o) => o.key.test(key));
  return type !== undefined && entries.every(([k]) => type.fields.has(k));
}
