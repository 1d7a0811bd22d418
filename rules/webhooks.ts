/**
 * Which pod ports the Kubernetes control plane must reach for the admission webhooks and
 * aggregated APIs of the pinned add-on charts, given a release's values. Data read from the charts'
 * own values.yaml and templates at the pinned versions (the defaults named below); a chart absent
 * here serves none (F5 nginx-ingress 2.6.4, cluster-autoscaler 9.59.0).
 */
import { Rec, get, isFalse, num, str } from "./types";

export interface WebhookPort {
  /** What serves it, for messages. */
  what: string;
  /** The values key that sets the port. */
  key: string;
  port: number;
}

/** A values key's number, or the chart's default when unset. */
const portAt = (values: Rec, key: string, chartDefault: number) => num(get(values, key)) ?? chartDefault;

/** Whether a component of a chart is on: `"-"` (vault's "follow global.enabled") and unset mean the default. */
const on = (value: unknown, chartDefault: boolean) =>
  value === undefined || value === "-" ? chartDefault : !isFalse(value);

/** The chart's name from a Helm release's `chart` (a name, `repo/name` or an `oci://…/name` reference). */
export function chartName(chart: unknown): string {
  return String(chart ?? "")
    .split("/")
    .pop()!;
}

export const WEBHOOK_PORTS: Record<string, (values: Rec) => WebhookPort[]> = {
  // vault 0.34.1: injector.enabled "-" follows global.enabled (true); templates/injector-service.yaml
  // targets injector.port (default 8080).
  vault: (values) =>
    on(get(values, "injector.enabled"), on(get(values, "global.enabled"), true))
      ? [
          {
            what: "the Vault agent injector webhook",
            key: "injector.port",
            port: portAt(values, "injector.port", 8080),
          },
        ]
      : [],
  // cert-manager v1.21.1: templates/webhook-deployment.yaml serves on webhook.config.securePort when
  // set, else webhook.securePort (default 10250).
  "cert-manager": (values) => {
    const key =
      num(get(values, "webhook.config.securePort")) !== undefined
        ? "webhook.config.securePort"
        : "webhook.securePort";
    return [{ what: "the cert-manager webhook", key, port: portAt(values, key, 10250) }];
  },
  // kube-prometheus-stack 88.5.3 (templates/prometheus-operator/deployment.yaml): the operator serves
  // the admission webhook on prometheusOperator.tls.internalPort (10250), on 8080 when
  // prometheusOperator.tls.enabled is false; a separate webhook deployment on
  // prometheusOperator.admissionWebhooks.deployment.tls.internalPort (10250).
  "kube-prometheus-stack": (values) => {
    const what = "the prometheus-operator admission webhook";
    if (isFalse(get(values, "prometheusOperator.enabled"))) return [];
    if (isFalse(get(values, "prometheusOperator.admissionWebhooks.enabled"))) return [];
    if (on(get(values, "prometheusOperator.admissionWebhooks.deployment.enabled"), false)) {
      const key = "prometheusOperator.admissionWebhooks.deployment.tls.internalPort";
      return [{ what, key, port: portAt(values, key, 10250) }];
    }
    if (isFalse(get(values, "prometheusOperator.tls.enabled"))) {
      return [{ what, key: "prometheusOperator.tls.enabled", port: 8080 }];
    }
    const key = "prometheusOperator.tls.internalPort";
    return [{ what, key, port: portAt(values, key, 10250) }];
  },
  // traefik 41.3.0 (templates/hub-admission-controller.yaml): a webhook only with Traefik Hub API
  // management (hub.token and hub.apimanagement.enabled), on hub.apimanagement.admission.listenAddr (:9943).
  traefik: (values) => {
    if (!str(get(values, "hub.token")) || !on(get(values, "hub.apimanagement.enabled"), false)) return [];
    const key = "hub.apimanagement.admission.listenAddr";
    const port =
      num(
        String(get(values, key) ?? ":9943")
          .split(":")
          .pop(),
      ) ?? 9943;
    return [{ what: "the Traefik Hub admission webhook", key, port }];
  },
  // metrics-server 3.13.1: the v1beta1.metrics.k8s.io APIService reaches the pod on containerPort (10250).
  "metrics-server": (values) => [
    {
      what: "the metrics-server APIService",
      key: "containerPort",
      port: portAt(values, "containerPort", 10250),
    },
  ],
};
