/**
 * The kube-state-metrics collectors the monitoring add-on enables: the sub-chart's default
 * `collectors` (its values.yaml at the kube-state-metrics version CHARTS' kube-prometheus-stack
 * bundles) without `secrets`. The chart grants its ServiceAccount `list`/`watch` on the resource of
 * each collector in the list (templates/role.yaml, one rule per entry), so the default lets it read
 * every Secret of the cluster — the Vault setup's initial values and key shares included. No
 * dashboard or alert of the platform reads the `kube_secret_*` series it would export.
 */
export const KUBE_STATE_METRICS_COLLECTORS: readonly string[] = [
  "certificatesigningrequests",
  "configmaps",
  "cronjobs",
  "daemonsets",
  "deployments",
  "endpointslices",
  "horizontalpodautoscalers",
  "ingresses",
  "jobs",
  "leases",
  "limitranges",
  "mutatingwebhookconfigurations",
  "namespaces",
  "networkpolicies",
  "nodes",
  "persistentvolumeclaims",
  "persistentvolumes",
  "poddisruptionbudgets",
  "pods",
  "replicasets",
  "replicationcontrollers",
  "resourcequotas",
  "services",
  "statefulsets",
  "storageclasses",
  "validatingwebhookconfigurations",
  "volumeattachments",
];
