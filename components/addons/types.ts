/** Typed settings of the platform add-ons, produced and validated by stacks/config.ts. */
import type { Output } from "@pulumi/pulumi";
import type { IssuerName } from "../kube/conventions";
import type { AlertSeverity } from "../shared/alerting";

export type { IssuerName };

/** Free-form Helm values: the escape hatch, deep-merged over what the component computes. */
export type HelmValues = Record<string, unknown>;

interface AddonCommon {
  enabled: boolean;
  /** Extra Helm values, merged last (they win). Checked against the chart like every value. */
  values: HelmValues;
}

export interface IngressSettings extends AddonCommon {
  /** traefik (default) or F5 NGINX Ingress Controller. ingress-nginx is retired and not offered. */
  controller: "traefik" | "nginx";
  replicas: number;
  /** Name of the IngressClass the controller serves; it becomes the cluster default. */
  className: string;
}

export interface CertManagerSettings extends AddonCommon {
  /** ACME account e-mail; the Let's Encrypt issuers exist only when it is set. */
  email?: string;
  /** The ClusterIssuer workloads use. */
  defaultIssuer: IssuerName;
}

export interface VaultSettings extends AddonCommon {
  /** dev: one server with persistent storage (not for production); ha: raft cluster with TLS. */
  mode: "dev" | "ha";
  /** Raft voters in ha mode. */
  replicas: 3 | 5;
  storageSize: string;
  auditStorageSize: string;
  injectorReplicas: number;
}

export interface MonitoringSettings extends AddonCommon {
  /** Prometheus retention, e.g. "15d". */
  retention: string;
  prometheusStorageSize: string;
  alertmanagerStorageSize: string;
  grafanaStorageSize: string;
  prometheusReplicas: number;
  alertmanagerReplicas: number;
  /** Alertmanager receivers and routing by severity; undefined: the chart's default (alerts dropped). */
  alerting?: AlertingSettings;
}

/** One Alertmanager receiver: at least one integration. Secret values are Pulumi secrets. */
export interface AlertReceiver {
  slack?: { url: Output<string>; channel?: string; sendResolved: boolean };
  webhook?: { url: Output<string>; sendResolved: boolean };
  email?: {
    to: string[];
    from: string;
    /** host:port of the SMTP server. */
    smarthost: string;
    authUsername?: string;
    authPassword?: Output<string>;
    sendResolved: boolean;
  };
  pagerduty?: { routingKey: Output<string>; sendResolved: boolean };
}

export interface AlertingSettings {
  /** Receiver name → its integrations. */
  receivers: Record<string, AlertReceiver>;
  /** The receivers of each severity, in order ("null" drops). */
  routes: Partial<Record<AlertSeverity, string[]>>;
  /** Where alerts no severity route takes go ("null" drops them). */
  defaultReceiver: string;
  /**
   * The TCP ports of the receivers' endpoints (from their URLs and smarthosts; a port is no secret),
   * which the monitoring namespace's NetworkPolicy opens for Alertmanager besides the defaults.
   */
  receiverPorts: number[];
}

/** "auto": installed only where the cluster needs it (no metrics API / no native node autoscaling). */
export type AutoToggle = "auto" | boolean;

export interface AddonsSettings {
  /** Replicas > 1, PodDisruptionBudgets and spread constraints for every add-on. */
  highAvailability: boolean;
  ingress: IngressSettings;
  certManager: CertManagerSettings;
  vault: VaultSettings;
  monitoring: MonitoringSettings;
  metricsServer: { enabled: AutoToggle; values: HelmValues };
  clusterAutoscaler: { enabled: AutoToggle; values: HelmValues };
}
