/** Typed settings of the platform add-ons, produced and validated by stacks/config.ts. */
import type { Output } from "@pulumi/pulumi";
import type { IssuerName } from "../kube/conventions";
import type { AlertSeverity } from "../shared/alerting";
import type { DnsZone, TokenDnsProvider } from "../cluster/types";

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
  /**
   * Annotations of the controller's Service (the platform's, ./ingress-service.ts), after the
   * target's own: e.g. an internal load balancer. None of the keys the target or the platform sets.
   */
  serviceAnnotations: Record<string, string>;
}

export interface CertManagerSettings extends AddonCommon {
  /** ACME account e-mail; the Let's Encrypt issuers exist only when it is set. */
  email?: string;
  /** The ClusterIssuer workloads use. */
  defaultIssuer: IssuerName;
}

export interface VaultSettings extends AddonCommon {
  /** dev: Vault's dev server, in memory (not for production); ha: raft cluster with TLS. */
  mode: "dev" | "ha";
  /** Raft voters in ha mode. */
  replicas: 3 | 5;
  storageSize: string;
  auditStorageSize: string;
  injectorReplicas: number;
  /** How the bootstrap Job initialises Vault (ha mode; the dev server is initialised at start). */
  init: VaultInitSettings;
}

/** One holder of an unseal (Shamir) or recovery (auto-unseal) key share. */
export interface VaultKeyHolder {
  /** Names the holder's share in the shares Secret. */
  name: string;
  /** Base64 of the holder's binary OpenPGP public key (`gpg --export <id> | base64 -w0`). */
  pgpKey: string;
}

export interface VaultInitSettings {
  /** One share per holder, encrypted to that holder's key (empty: dev mode only). */
  keyHolders: VaultKeyHolder[];
  /** Shares needed to unseal or recover (a majority of the holders unless configured). */
  threshold: number;
  /** How long the bootstrap Job waits for the key holders to unseal a Shamir Vault. */
  unsealWaitSeconds: number;
  /** A group (the cluster's authentication) allowed to `get` the Secret holding the encrypted shares. */
  sharesReaderGroup?: string;
}

/**
 * What one app needs from Vault (derived from the apps config): a policy with `read` on exactly
 * `paths`, a role bound to exactly its ServiceAccount in its namespace, and the initial values
 * written to a path when it holds nothing yet (`initial`: KV v2 data path → field → value).
 */
export interface VaultClient {
  app: string;
  namespace: string;
  serviceAccount: string;
  role: string;
  paths: string[];
  initial: Record<string, Record<string, Output<string>>>;
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

/**
 * external-dns and the DNS-01 issuers: present when zones are configured (addons.dns.zones).
 * The zones must exist; the platform manages records in them, never the zones themselves.
 */
export interface DnsSettings {
  /** At least one zone, names unique; each with its cloud id on eks/gke/aks (DnsZone.id). */
  zones: DnsZone[];
  /** external-dns `--policy`: upsert-only never deletes a record, sync deletes what it owns and no longer publishes. */
  policy: "upsert-only" | "sync";
  /** The TXT registry's owner id (unique per stack, so two stacks never take each other's records). */
  txtOwnerId: string;
  /** On DOKS and existing clusters: the DNS service and its API token (a Pulumi secret from `secrets`). */
  token?: { provider: TokenDnsProvider; value: Output<string> };
  /**
   * A record for the ingress itself (a host one of `zones` covers): external-dns publishes it from
   * the ingress controller's LoadBalancer Service. Absent: only the app hosts get records.
   */
  ingressHostname?: string;
  /** Extra external-dns chart values, merged last. */
  values: HelmValues;
}

/** "auto": installed only where the cluster needs it (no metrics API / no native node autoscaling). */
export type AutoToggle = "auto" | boolean;

/**
 * What a destroy does with the add-ons' PersistentVolumeClaims (Vault's data and audit, Prometheus,
 * Alertmanager, Grafana): "delete" removes them (and so their disks) before the nodes and the
 * cluster go; "retain" keeps them, in their namespace, and the destroy reports them
 * (components/addons/volume-retention.ts).
 */
export type VolumeOnDestroy = "delete" | "retain";

export interface AddonsSettings {
  /** Replicas > 1, PodDisruptionBudgets and spread constraints for every add-on. */
  highAvailability: boolean;
  ingress: IngressSettings;
  certManager: CertManagerSettings;
  vault: VaultSettings;
  monitoring: MonitoringSettings;
  metricsServer: { enabled: AutoToggle; values: HelmValues };
  clusterAutoscaler: { enabled: AutoToggle; values: HelmValues };
  /** Absent: no external-dns, no DNS-01 issuers (no zone configured). */
  dns?: DnsSettings;
  /** The add-ons' volumes on destroy (addons.volumes). */
  volumes: { onDestroy: VolumeOnDestroy };
}
