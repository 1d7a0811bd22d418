/**
 * The platform's pod groups: which pods of which add-on namespace a NetworkPolicy selects, and the
 * pod ports other pods reach them on. NetworkPolicies match pod labels and pod (container) ports,
 * after a Service's translation (Kubernetes "Network Policies"), so every port here is the pod's
 * own, read from the chart template named beside it at the pinned version (CHARTS); the integrity
 * check (tests/network-policies.test.ts) proves each selector selects the pods the charts create
 * and each port is a port of those pods.
 */
import { CERT_MANAGER_NAMESPACE, CERT_MANAGER_RELEASE } from "../cert-manager";
import { CLUSTER_AUTOSCALER_POD_LABELS, CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } from "../cluster-autoscaler";
import { EXTERNAL_DNS_METRICS_PORT, EXTERNAL_DNS_NAMESPACE, EXTERNAL_DNS_POD_LABELS } from "../dns/values";
import { INGRESS_CONTROLLERS, INGRESS_NAMESPACE } from "../ingress";
import { METRICS_SERVER_NAMESPACE, METRICS_SERVER_POD_LABELS } from "../metrics-server";
import { MONITORING_NAMESPACE, MONITORING_RELEASE, NODE_EXPORTER_NAMESPACE } from "../monitoring";
import { IngressSettings } from "../types";
import {
  INJECTOR_LABELS,
  SERVER_LABELS,
  VAULT_INJECTOR_PORT,
  VAULT_NAMESPACE,
  VAULT_SETUP_NAMESPACE,
  vaultSetupLabels,
} from "../vault/names";

/** A label selector as a NetworkPolicy takes it. */
export interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
  }[];
}

/** The pods of one platform component: its policy is `allow-<id>` in `namespace`. */
export interface PodGroup {
  id: string;
  namespace: string;
  selector: Selector;
  /**
   * The namespace the group's pods (and its policy) were in before: the policy resource keeps an
   * alias to its former name, so the move is a replacement, not a deletion and an unrelated creation.
   */
  movedFrom?: string;
}

const group = (id: string, namespace: string, matchLabels: Record<string, string>): PodGroup => ({
  id,
  namespace,
  selector: { matchLabels: { ...matchLabels } },
});

/**
 * Every Job's pods in a namespace: the Job controller labels each pod `batch.kubernetes.io/job-name`
 * (Kubernetes "Jobs", job labels, since 1.27). In the add-on namespaces the only Jobs are the charts'
 * Helm hooks (cert-manager's startupapicheck, kube-prometheus-stack's admission-create/-patch and
 * CRD upgrade jobs), and the CRD upgrade job's pods carry no chart label at all (kube-prometheus-stack
 * charts/crds/templates/upgrade/job.yaml renders only `upgradeJob.podLabels`), so the Job label is
 * the one selector that reaches them all.
 */
export const HELM_HOOK_JOBS: Selector = {
  matchExpressions: [{ key: "batch.kubernetes.io/job-name", operator: "Exists" }],
};

/** The ingress controller's pods and their ports (the Service publishes 80/443 on these). */
export interface IngressControllerPods {
  group: PodGroup;
  http: number;
  https: number;
  metrics: number;
}

/**
 * Traefik (CHARTS.traefik): values.yaml `ports.web.port` 8000, `ports.websecure.port` 8443,
 * `ports.metrics.port` 9100 (_podtemplate.tpl containerPorts). F5 NGINX (CHARTS.nginx):
 * controller-deployment.yaml containerPorts 80/443 and `prometheus.port` (nginxValues sets 9113).
 */
export function ingressControllerPods(controller: IngressSettings["controller"]): IngressControllerPods {
  const labels = INGRESS_CONTROLLERS[controller].podLabels;
  return controller === "traefik"
    ? { group: group("traefik", INGRESS_NAMESPACE, labels), http: 8000, https: 8443, metrics: 9100 }
    : { group: group("nginx-ingress", INGRESS_NAMESPACE, labels), http: 80, https: 443, metrics: 9113 };
}

/**
 * cert-manager (CHARTS.certManager, deploy/charts/cert-manager/templates/*-deployment.yaml): the
 * selector labels of each Deployment; every component serves metrics on `http-metrics` 9402, the
 * webhook on `webhook.securePort` (10250, rules/webhooks.ts).
 */
const certManagerGroup = (component: string, appName: string): PodGroup =>
  group(`cert-manager-${component}`, CERT_MANAGER_NAMESPACE, {
    "app.kubernetes.io/name": appName,
    "app.kubernetes.io/instance": CERT_MANAGER_RELEASE,
    "app.kubernetes.io/component": component,
  });

export const CERT_MANAGER_PODS = {
  controller: certManagerGroup("controller", "cert-manager"),
  webhook: certManagerGroup("webhook", "webhook"),
  cainjector: certManagerGroup("cainjector", "cainjector"),
  hooks: { id: "helm-hooks", namespace: CERT_MANAGER_NAMESPACE, selector: HELM_HOOK_JOBS },
} satisfies Record<string, PodGroup>;

export const CERT_MANAGER_PORTS = { metrics: 9402, webhook: 10250 } as const;

/**
 * Vault (CHARTS.vault): server-statefulset.yaml containerPorts 8200 (API) and 8201 (cluster: Raft
 * and request forwarding); the injector listens on `injector.port` (VAULT_INJECTOR_PORT). The
 * platform's setup Jobs (vault/setup.ts, in VAULT_SETUP_NAMESPACE) label their pods themselves
 * (vaultSetupLabels); they listen on nothing.
 */
export const VAULT_PODS = {
  server: group("vault-server", VAULT_NAMESPACE, SERVER_LABELS),
  injector: group("vault-injector", VAULT_NAMESPACE, INJECTOR_LABELS),
  bootstrap: {
    ...group("vault-bootstrap", VAULT_SETUP_NAMESPACE, vaultSetupLabels("bootstrap")),
    movedFrom: VAULT_NAMESPACE,
  },
  configure: {
    ...group("vault-configure", VAULT_SETUP_NAMESPACE, vaultSetupLabels("configure")),
    movedFrom: VAULT_NAMESPACE,
  },
} satisfies Record<string, PodGroup>;

export const VAULT_PORTS = { api: 8200, cluster: 8201, injector: VAULT_INJECTOR_PORT } as const;

/**
 * kube-prometheus-stack (CHARTS.monitoring) with fullnameOverride MONITORING_RELEASE. Prometheus
 * and Alertmanager pods are labelled by the operator (prometheus-operator pkg/prometheus and
 * pkg/alertmanager: `app.kubernetes.io/name`, `operator.prometheus.io/name` / `alertmanager`);
 * Grafana by the grafana sub-chart's selector labels; kube-state-metrics and node-exporter by
 * theirs; the operator by templates/prometheus-operator/deployment.yaml (`app`, `release`).
 */
export const MONITORING_PODS = {
  prometheus: group("prometheus", MONITORING_NAMESPACE, {
    "app.kubernetes.io/name": "prometheus",
    "operator.prometheus.io/name": `${MONITORING_RELEASE}-prometheus`,
  }),
  alertmanager: group("alertmanager", MONITORING_NAMESPACE, {
    "app.kubernetes.io/name": "alertmanager",
    alertmanager: `${MONITORING_RELEASE}-alertmanager`,
  }),
  grafana: group("grafana", MONITORING_NAMESPACE, {
    "app.kubernetes.io/name": "grafana",
    "app.kubernetes.io/instance": MONITORING_RELEASE,
  }),
  kubeStateMetrics: group("kube-state-metrics", MONITORING_NAMESPACE, {
    "app.kubernetes.io/name": "kube-state-metrics",
    "app.kubernetes.io/instance": MONITORING_RELEASE,
  }),
  operator: group("prometheus-operator", MONITORING_NAMESPACE, {
    app: "kube-prometheus-stack-operator",
    release: MONITORING_RELEASE,
  }),
  hooks: { id: "helm-hooks", namespace: MONITORING_NAMESPACE, selector: HELM_HOOK_JOBS },
  nodeExporter: group("node-exporter", NODE_EXPORTER_NAMESPACE, {
    "app.kubernetes.io/name": "prometheus-node-exporter",
    "app.kubernetes.io/instance": MONITORING_RELEASE,
  }),
} satisfies Record<string, PodGroup>;

/**
 * Prometheus `http-web` 9090 and its config reloader `reloader-web` 8080, Alertmanager `http-web`
 * 9093, its cluster `mesh-tcp`/`mesh-udp` 9094 and `reloader-web` 8080 (operator-generated
 * StatefulSets); Grafana `grafana` 3000 (grafana deployment, `service.targetPort`);
 * kube-state-metrics `http` 8080; the operator `https` 10250 (`prometheusOperator.tls.internalPort`:
 * its admission webhook and its metrics); node-exporter 9100 (`service.port`, on the host network).
 */
export const MONITORING_PORTS = {
  prometheus: 9090,
  reloader: 8080,
  alertmanager: 9093,
  alertmanagerMesh: 9094,
  grafana: 3000,
  kubeStateMetrics: 8080,
  operator: 10250,
  nodeExporter: 9100,
} as const;

/** metrics-server (CHARTS.metricsServer): `containerPort` 10250 serves the metrics.k8s.io APIService. */
export const METRICS_SERVER_PODS = group(
  "metrics-server",
  METRICS_SERVER_NAMESPACE,
  METRICS_SERVER_POD_LABELS,
);
export const METRICS_SERVER_PORT = 10250;

/** cluster-autoscaler (CHARTS.clusterAutoscaler): deployment.yaml containerPort 8085 (metrics). */
export const CLUSTER_AUTOSCALER_PODS = group(
  "cluster-autoscaler",
  CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace,
  CLUSTER_AUTOSCALER_POD_LABELS,
);
export const CLUSTER_AUTOSCALER_METRICS_PORT = 8085;

/**
 * external-dns (CHARTS.externalDns): templates/deployment.yaml containerPort `http` 7979 (metrics and
 * /healthz); the DigitalOcean webhook sidecar is reached over localhost only.
 */
export const EXTERNAL_DNS_PODS = group("external-dns", EXTERNAL_DNS_NAMESPACE, EXTERNAL_DNS_POD_LABELS);
export { EXTERNAL_DNS_METRICS_PORT };
