/** Vault's fixed names: namespace, release, ServiceAccount, TLS Secret, labels, ports, address. */
import { VaultSettings } from "../types";

export const VAULT_NAMESPACE = "vault";
/**
 * The namespace of Vault's setup (setup.ts): the Jobs, their ServiceAccounts and RBAC, the program
 * and config ConfigMaps, the initial-values Secret, the dev root token's Secret and the Secrets the
 * program writes and reads (the encrypted shares, the break-glass token). Not `vault`: the chart's
 * injector Role (templates/injector-role.yaml at CHARTS.vault, leader election with more than one
 * injector replica) grants its ServiceAccount get/list/watch on every Secret of the `vault` namespace.
 */
export const VAULT_SETUP_NAMESPACE = "vault-setup";
export const VAULT_RELEASE = "vault";
/** The server ServiceAccount (set explicitly in the values so the cloud identity binding matches it). */
export const VAULT_SERVICE_ACCOUNT = "vault";
/** Certificate and Secret holding the server's TLS key pair and the CA (ha mode). */
export const VAULT_TLS_SECRET = "vault-server-tls";
/** Where the TLS Secret is mounted in the server pods. */
export const VAULT_TLS_DIR = "/vault/userconfig/tls";
/**
 * Vault's own CA (ha mode): its Certificate, Secret and namespaced CA Issuer in the vault namespace,
 * the only issuer of the server certificate. Clients trust this CA, never the cluster-wide internal CA.
 */
export const VAULT_CA = "vault-ca";
/** Where the server pods mount the Vault CA's certificate (tls.crt of its Secret only: never the key). */
export const VAULT_CA_DIR = "/vault/userconfig/vault-ca";
/** The Vault CA certificate file in the server pods (raft retry_join, the CLI's VAULT_CACERT). */
export const VAULT_CA_FILE = `${VAULT_CA_DIR}/ca.crt`;
/**
 * The server image of the chart at CHARTS.vault (its values.yaml `server.image`), which the TLS reload
 * sidecar runs too (busybox sh, cat, tr, sed, sleep, kill). tests/addon-vault.test.ts fails when the
 * pinned chart's default changes and this does not.
 */
export const VAULT_SERVER_IMAGE = { repository: "hashicorp/vault", tag: "2.0.4" } as const;
/** The chart's injector Deployment and its container (vault-helm templates/injector-deployment.yaml). */
export const INJECTOR_DEPLOYMENT = `${VAULT_RELEASE}-agent-injector`;
export const INJECTOR_CONTAINER = "sidecar-injector";
/** Label (and annotation) marking dev-mode Vault as not for production. */
export const NOT_FOR_PRODUCTION = "kube-platform/not-for-production";
/**
 * Port of the injector's webhook server (chart `injector.port`, default 8080: AGENT_INJECT_LISTEN,
 * the probes and the Service's targetPort; vault-helm at CHARTS.vault, templates/injector-deployment.yaml,
 * injector-service.yaml). GKE's automatic firewall rule lets the control plane of a private-node
 * cluster reach the nodes on tcp 443 and 10250 only (GKE docs, private clusters, "Adding firewall
 * rules for specific use cases"); 10250, the default of the cert-manager and prometheus-operator
 * webhooks for the same reason, needs no per-cloud rule. The pod is not on the host network
 * (injector.hostNetwork false), so the kubelet's own 10250 does not clash.
 */
export const VAULT_INJECTOR_PORT = 10250;
/** The chart's labels of the server pods. */
export const SERVER_LABELS = {
  "app.kubernetes.io/name": "vault",
  "app.kubernetes.io/instance": VAULT_RELEASE,
  component: "server",
};
/** The chart's labels of the injector pods. */
export const INJECTOR_LABELS = {
  "app.kubernetes.io/name": "vault-agent-injector",
  "app.kubernetes.io/instance": VAULT_RELEASE,
  component: "webhook",
};

/**
 * The in-cluster address clients use. In `ha` mode the chart's `vault-active` Service. It publishes
 * not-ready addresses too (vault-helm at CHARTS.vault, templates/server-ha-active-service.yaml, the
 * same `server.service.publishNotReadyAddresses` as the `vault` Service, default true); what makes
 * it right is its selector: only the pod that Kubernetes service registration labels
 * `vault-active: "true"` (`service_registration "kubernetes"` in the server config), i.e. the
 * active, unsealed server. The `vault` Service selects every server, sealed standbys included. In
 * `dev` mode the one server's `vault` Service.
 */
export function vaultAddress(mode: VaultSettings["mode"]): string {
  return mode === "ha"
    ? `https://${VAULT_RELEASE}-active.${VAULT_NAMESPACE}.svc:8200`
    : `http://${VAULT_RELEASE}.${VAULT_NAMESPACE}.svc:8200`;
}

/**
 * The pod a fresh Vault is initialised on (ha mode: `vault-0` through the chart's headless
 * `vault-internal` Service, which publishes not-ready addresses, templates/server-headless-service.yaml;
 * the server certificate covers `*.vault-internal.vault.svc`, tls.ts). The dev server is one pod.
 */
export function vaultInitAddress(mode: VaultSettings["mode"]): string {
  return mode === "ha"
    ? `https://${VAULT_RELEASE}-0.${VAULT_RELEASE}-internal.${VAULT_NAMESPACE}.svc:8200`
    : vaultAddress(mode);
}

/**
 * The names the in-cluster setup (setup.ts, the program in ./setup/) works with, in one place: the
 * program reads them from setup.json and hard-codes none of them.
 */
export const VAULT_SETUP = {
  /** ServiceAccount of the bootstrap Job (the kube API: the shares Secret, the break-glass Secret). */
  bootstrapServiceAccount: "vault-bootstrap",
  /** ServiceAccount of the configure Job: the only identity Vault's configurator role accepts. */
  configuratorServiceAccount: "vault-configurator",
  configuratorRole: "kube-platform-configurator",
  configuratorPolicy: "kube-platform-configurator",
  configuratorTokenTtl: "15m",
  /** TTL of the tokens the apps' agents get from their roles. */
  appTokenTtl: "1h",
  /** Secret (VAULT_SETUP_NAMESPACE) holding the PGP-encrypted key shares, written by the bootstrap Job. */
  sharesSecret: "vault-init-shares",
  /** Secret (VAULT_SETUP_NAMESPACE) a key holder creates with a root token from `vault operator generate-root` (break glass). */
  breakGlassSecret: "vault-bootstrap-token",
  /**
   * ha mode: a Certificate (and its Secret) in the vault namespace, issued by Vault's CA Issuer only
   * for its `ca.crt` (cert-manager's CA issuer writes the issuing CA there): the bootstrap Job reads
   * that one Secret, whose key signs nothing anyone trusts (no server or client usage, a name nobody
   * serves), never Vault's CA Secret itself (its tls.key would sign Vault server certificates).
   */
  caSourceSecret: "vault-setup-ca-source",
  /** ha mode: the ConfigMap (VAULT_SETUP_NAMESPACE) the bootstrap Job copies Vault's CA certificate into. */
  caConfigMap: "vault-ca",
  /** dev mode: the CronJob that re-applies the setup after a dev server restart (it keeps everything in memory). */
  devReapplyCronJob: "vault-setup-reapply",
  /** Kubernetes auth method mount and the API server address Vault reviews tokens at. */
  authPath: "kubernetes",
  kubernetesHost: "https://kubernetes.default.svc:443",
  /** KV v2 mount the apps' secrets live in (the dev server mounts KV v2 at secret/ by itself). */
  kvPath: "secret",
  /** File audit device on the audit volume (the chart's `server.auditStorage.mountPath`, /vault/audit). */
  auditPath: "file",
  auditFile: "/vault/audit/audit.log",
  /** The dev server has no audit volume: its audit log goes to stdout (Vault's file device keyword). */
  devAuditFile: "stdout",
  /** Prefix of the policies the configure Job manages (and deletes when config drops them). */
  managedPrefix: "kp-app-",
} as const;

/** Vault policy of one app: `read` on exactly its declared paths. */
export function vaultPolicyName(namespace: string, app: string): string {
  return `${VAULT_SETUP.managedPrefix}${namespace}-${app}`;
}

/** Labels of the setup Jobs' pods (their NetworkPolicy groups select them). */
export function vaultSetupLabels(step: "bootstrap" | "configure"): Record<string, string> {
  return {
    "app.kubernetes.io/name": "kube-platform-vault-setup",
    "app.kubernetes.io/component": step,
    "app.kubernetes.io/part-of": "kube-platform",
  };
}
