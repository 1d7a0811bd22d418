/**
 * HashiCorp Vault (chart CHARTS.vault) with the agent injector.
 *
 * - mode "ha": a Raft cluster of 3 or 5 voters serving TLS with a cert-manager Certificate from the
 *   internal CA, data + audit volumes, PodDisruptionBudgets, a NetworkPolicy.
 * - mode "dev": ONE server with file storage on a persistent volume, plain HTTP. Not for production;
 *   its pods and StatefulSet carry a label/annotation that says so.
 *
 * Auto-unseal through the cluster's cloud KMS (IRSA / Workload Identity) when the cluster offers one,
 * Shamir otherwise. Initialisation (`vault operator init`) is a manual step: nothing secret (root
 * token, unseal or recovery keys) is ever created or exported here.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  AddonContext,
  addonNamespace,
  chartRelease,
  MetricsEndpoint,
  resources,
  spreadAcrossNodesAndZones,
} from "./base";
import { PLATFORM_PRIORITY } from "./priority";
import { HelmValues, VaultSettings } from "./types";
import { SealStanza, UnsealKms, WorkloadIdentity } from "../cluster/types";

export const VAULT_NAMESPACE = "vault";
export const VAULT_RELEASE = "vault";
/** The server ServiceAccount (set explicitly in the values so the cloud identity binding matches it). */
export const VAULT_SERVICE_ACCOUNT = "vault";
/** Certificate and Secret holding the server's TLS key pair and the CA (ha mode). */
export const VAULT_TLS_SECRET = "vault-server-tls";
/** Where the TLS Secret is mounted in the server pods. */
export const VAULT_TLS_DIR = "/vault/userconfig/tls";
/** Label (and annotation) marking dev-mode Vault as not for production. */
export const NOT_FOR_PRODUCTION = "kube-platform/not-for-production";
/**
 * Port of the injector's webhook server (chart `injector.port`, default 8080: AGENT_INJECT_LISTEN,
 * the probes and the Service's targetPort; vault-helm v0.34.1 templates/injector-deployment.yaml,
 * injector-service.yaml). GKE's automatic firewall rule lets the control plane of a private-node
 * cluster reach the nodes on tcp 443 and 10250 only (GKE docs, private clusters, "Adding firewall
 * rules for specific use cases"); 10250, the default of the cert-manager and prometheus-operator
 * webhooks for the same reason, needs no per-cloud rule. The pod is not on the host network
 * (injector.hostNetwork false), so the kubelet's own 10250 does not clash.
 */
export const VAULT_INJECTOR_PORT = 10250;
/**
 * The injector only serves namespaces with this label (webhook.namespaceSelector): the App
 * component sets it on the namespaces of apps with `vault:`. Pods elsewhere are never sent to the
 * webhook, so an unreachable injector cannot delay (30 s timeout) every pod of the cluster.
 */
export const VAULT_INJECTION_LABEL = "kube-platform/vault-injection";
export const VAULT_INJECTION_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  [VAULT_INJECTION_LABEL]: "enabled",
};

const SERVER_LABELS = {
  "app.kubernetes.io/name": "vault",
  "app.kubernetes.io/instance": VAULT_RELEASE,
  component: "server",
};
const INJECTOR_LABELS = {
  "app.kubernetes.io/name": "vault-agent-injector",
  "app.kubernetes.io/instance": VAULT_RELEASE,
  component: "webhook",
};

/**
 * The in-cluster address clients use. In `ha` mode the chart's `vault-active` Service: it selects only
 * the pod that Kubernetes service registration labels `vault-active: "true"` (vault-helm 0.34.1
 * templates/server-ha-active-service.yaml; `service_registration "kubernetes"` in the server config),
 * while the `vault` Service publishes not-ready addresses (`server.service.publishNotReadyAddresses`
 * defaults to true), so clients would also reach sealed standbys. In `dev` mode the one server's
 * `vault` Service.
 */
export function vaultAddress(mode: VaultSettings["mode"]): string {
  return mode === "ha"
    ? `https://${VAULT_RELEASE}-active.${VAULT_NAMESPACE}.svc:8200`
    : `http://${VAULT_RELEASE}.${VAULT_NAMESPACE}.svc:8200`;
}

/**
 * DNS names of the server certificate: the chart's Services (vault, vault-active, vault-standby,
 * vault-internal) and every pod behind the headless Service (vault-N.vault-internal), in short,
 * namespaced, .svc and cluster.local forms.
 */
export function vaultTlsDnsNames(): string[] {
  const forms = (host: string) => [
    host,
    `${host}.${VAULT_NAMESPACE}`,
    `${host}.${VAULT_NAMESPACE}.svc`,
    `${host}.${VAULT_NAMESPACE}.svc.cluster.local`,
  ];
  const services = ["", "-active", "-standby", "-internal"].map((s) => `${VAULT_RELEASE}${s}`);
  return [...services.flatMap(forms), ...forms(`*.${VAULT_RELEASE}-internal`)];
}

/** The cert-manager Certificate of the Vault servers, issued by the internal CA ClusterIssuer. */
export function vaultCertificateSpec(issuerName: string): Record<string, unknown> {
  return {
    secretName: VAULT_TLS_SECRET,
    commonName: `${VAULT_RELEASE}.${VAULT_NAMESPACE}.svc`,
    dnsNames: vaultTlsDnsNames(),
    // VAULT_ADDR inside the pods is https://127.0.0.1:8200 (the CLI, `vault operator init`).
    ipAddresses: ["127.0.0.1"],
    // Vault reads the key pair at start and on SIGHUP only: a long lifetime keeps renewals rare (README).
    duration: "8760h", // 1 year
    renewBefore: "720h", // 30 days
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    usages: ["digital signature", "server auth", "client auth"],
    issuerRef: { name: issuerName, kind: "ClusterIssuer", group: "cert-manager.io" },
  };
}

const HCL_KEY = /^[a-z][a-z0-9_]*$/;

/** A quoted HCL string; rejects what the chart's template/sed passes or HCL could misread. */
function hclString(value: string, what: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value) || value.includes("{{")) {
    throw new Error(`Vault config: ${what} contains a control character or "{{": ${JSON.stringify(value)}`);
  }
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The HCL `seal "<type>" { ... }` block of an auto-unseal stanza. */
export function sealHcl(stanza: SealStanza): string {
  const entries = Object.entries(stanza.attributes);
  if (!HCL_KEY.test(stanza.type) || entries.length === 0) {
    throw new Error(`Vault seal stanza: invalid type or no attributes: ${JSON.stringify(stanza)}`);
  }
  const width = Math.max(...entries.map(([k]) => k.length));
  const lines = entries.map(([key, value]) => {
    if (!HCL_KEY.test(key))
      throw new Error(`Vault seal stanza: invalid attribute name ${JSON.stringify(key)}`);
    return `  ${key.padEnd(width)} = ${hclString(value, `seal attribute ${key}`)}`;
  });
  return [`seal "${stanza.type}" {`, ...lines, "}"].join("\n");
}

export interface VaultServerConfigOptions {
  mode: VaultSettings["mode"];
  /** Raft voters (ha mode): one retry_join block per pod. */
  replicas: number;
  /** Auto-unseal stanza; Shamir when absent. */
  seal?: SealStanza;
}

/** The Vault server configuration (HCL) the chart renders into its ConfigMap. */
export function vaultServerConfig(o: VaultServerConfigOptions): string {
  const ha = o.mode === "ha";
  const listener = ha
    ? [
        'listener "tcp" {',
        '  address         = "[::]:8200"',
        '  cluster_address = "[::]:8201"',
        `  tls_cert_file   = "${VAULT_TLS_DIR}/tls.crt"`,
        `  tls_key_file    = "${VAULT_TLS_DIR}/tls.key"`,
        '  tls_min_version = "tls12"',
        "}",
      ]
    : [
        'listener "tcp" {',
        '  address         = "[::]:8200"',
        '  cluster_address = "[::]:8201"',
        "  tls_disable     = true",
        "}",
      ];
  const retryJoin = Array.from({ length: o.replicas }, (_, i) => [
    "  retry_join {",
    `    leader_api_addr     = "https://${VAULT_RELEASE}-${i}.${VAULT_RELEASE}-internal:8200"`,
    `    leader_ca_cert_file = "${VAULT_TLS_DIR}/ca.crt"`,
    "  }",
  ]);
  const storage = ha
    ? ['storage "raft" {', '  path = "/vault/data"', ...retryJoin.flatMap((b) => ["", ...b]), "}"]
    : ['storage "file" {', '  path = "/vault/data"', "}"];
  const blocks = [
    [
      "ui = true",
      "# Raft/BoltDB and dropped capabilities: no mlock (node swap is off on Kubernetes).",
      "disable_mlock = true",
    ],
    listener,
    storage,
    ...(ha ? [['service_registration "kubernetes" {}']] : []),
    ...(o.seal ? [sealHcl(o.seal).split("\n")] : []),
    // /v1/sys/metrics in Prometheus format (it still needs a Vault token: see README).
    ["telemetry {", '  prometheus_retention_time = "30s"', "  disable_hostname          = true", "}"],
  ];
  return blocks.map((b) => b.join("\n")).join("\n\n") + "\n";
}

export interface VaultValuesOptions {
  /** StorageClass of the data (and audit) volumes. */
  storageClass: pulumi.Input<string>;
  /** vaultServerConfig(...) — an Output when the seal stanza comes from the cloud KMS. */
  serverConfig: pulumi.Input<string>;
  /** Auto-unseal configured: upgrades can roll pods (they unseal themselves). */
  autoUnseal: boolean;
  /** Annotations binding the server ServiceAccount to the cloud identity (IRSA, Workload Identity). */
  serviceAccountAnnotations?: pulumi.Input<Record<string, string>>;
  /** Labels the server pods need for the cloud identity (Azure workload identity). */
  podLabels?: Record<string, string>;
}

/** Helm values of the Vault chart (CHARTS.vault). */
export function vaultValues(
  settings: VaultSettings,
  highAvailability: boolean,
  o: VaultValuesOptions,
): HelmValues {
  const ha = settings.mode === "ha";
  const injectorReplicas =
    ha || highAvailability ? Math.max(2, settings.injectorReplicas) : settings.injectorReplicas;
  const zoneSpread = (matchLabels: Record<string, string>) => [
    {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels },
    },
  ];
  // Pod Security "restricted" (the chart's defaults lack seccomp and dropped capabilities on the server).
  const podSecurity = {
    runAsNonRoot: true,
    runAsUser: 100,
    runAsGroup: 1000,
    fsGroup: 1000,
    seccompProfile: { type: "RuntimeDefault" },
  };
  const containerSecurity = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
  };
  const devWarning = ha
    ? {}
    : {
        [NOT_FOR_PRODUCTION]: "dev mode: a single Vault server with file storage, no TLS; not for production",
      };
  const health = "/v1/sys/health?standbyok=true&perfstandbyok=true";
  const volume = (size: string) => ({
    enabled: true,
    size,
    storageClass: o.storageClass,
    accessMode: "ReadWriteOnce",
  });

  return {
    global: {
      enabled: true,
      tlsDisable: !ha,
      psp: { enable: false },
      serverTelemetry: { prometheusOperator: false },
    },
    injector: {
      enabled: true,
      replicas: injectorReplicas,
      port: VAULT_INJECTOR_PORT,
      // injector-deployment.yaml / server-statefulset.yaml render these (priority.ts).
      priorityClassName: PLATFORM_PRIORITY.critical.name,
      webhook: { namespaceSelector: { matchLabels: { ...VAULT_INJECTION_NAMESPACE_LABELS } } },
      resources: resources("50m", "64Mi", "128Mi"),
      securityContext: { pod: podSecurity, container: containerSecurity },
      // Soft anti-affinity: a small cluster can still schedule every replica.
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                topologyKey: "kubernetes.io/hostname",
                labelSelector: { matchLabels: INJECTOR_LABELS },
              },
            },
          ],
        },
      },
      topologySpreadConstraints: injectorReplicas > 1 ? spreadAcrossNodesAndZones(INJECTOR_LABELS) : [],
      podDisruptionBudget: injectorReplicas > 1 ? { maxUnavailable: 1 } : {},
      metrics: { enabled: false },
    },
    server: {
      enabled: true,
      priorityClassName: PLATFORM_PRIORITY.critical.name,
      // ha: RollingUpdate only with auto-unseal (a restarted pod unseals itself and must be Ready —
      // unsealed — before the next one rolls); with Shamir every restarted pod stays sealed until an
      // operator unseals it, so pods are replaced by hand (OnDelete, HashiCorp's upgrade procedure).
      // dev: one pod, RollingUpdate so upgrades apply.
      updateStrategyType: ha && !o.autoUnseal ? "OnDelete" : "RollingUpdate",
      // A config checksum on the pods: config changes roll them (or show which ones are stale).
      includeConfigAnnotation: true,
      resources: ha ? resources("500m", "512Mi", "1Gi") : resources("100m", "128Mi", "256Mi"),
      statefulSet: {
        annotations: devWarning,
        securityContext: { pod: podSecurity, container: containerSecurity },
      },
      extraLabels: { ...(ha ? {} : { [NOT_FOR_PRODUCTION]: "true" }), ...(o.podLabels ?? {}) },
      annotations: devWarning,
      // ha: Ready = unsealed (or not yet initialised, so the first install completes before `operator init`).
      // dev: Ready = the process answers (a sealed single server must not fail the release).
      readinessProbe: {
        enabled: true,
        path: ha ? `${health}&uninitcode=204` : `${health}&sealedcode=204&uninitcode=204`,
      },
      // Liveness never restarts a sealed or uninitialised server.
      livenessProbe: {
        enabled: true,
        path: `${health}&sealedcode=204&uninitcode=204`,
        initialDelaySeconds: 60,
      },
      // Read-only root filesystem: the chart copies its config to /tmp at start.
      volumes: [
        { name: "tmp", emptyDir: {} },
        ...(ha ? [{ name: "tls", secret: { secretName: VAULT_TLS_SECRET, defaultMode: 0o440 } }] : []),
      ],
      volumeMounts: [
        { name: "tmp", mountPath: "/tmp" },
        ...(ha ? [{ name: "tls", mountPath: VAULT_TLS_DIR, readOnly: true }] : []),
      ],
      // The CLI in the pods (VAULT_ADDR=https://127.0.0.1:8200) verifies the server with the CA.
      extraEnvironmentVars: ha ? { VAULT_CACERT: `${VAULT_TLS_DIR}/ca.crt` } : {},
      dataStorage: volume(settings.storageSize),
      auditStorage: ha ? volume(settings.auditStorageSize) : { enabled: false },
      // Raft data survives an uninstall and a scale-down.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      networkPolicy: {
        enabled: true,
        ingress: [
          // The API from every namespace (clients and injected agents live everywhere).
          { from: [{ namespaceSelector: {} }], ports: [{ port: 8200, protocol: "TCP" }] },
          // Raft and request forwarding only between the Vault servers.
          {
            from: [{ podSelector: { matchLabels: SERVER_LABELS } }],
            ports: [{ port: 8201, protocol: "TCP" }],
          },
        ],
        // Egress open: secrets engines reach databases and cloud APIs, auto-unseal the cloud KMS.
        egress: [],
      },
      serviceAccount: {
        create: true,
        name: VAULT_SERVICE_ACCOUNT,
        annotations: o.serviceAccountAnnotations ?? {},
        createSecret: false,
        serviceDiscovery: { enabled: true },
      },
      // system:auth-delegator, so the Kubernetes auth method can review tokens with Vault's own token.
      authDelegator: { enabled: true },
      dev: { enabled: false },
      standalone: ha ? { enabled: false } : { enabled: true, config: o.serverConfig },
      ha: ha
        ? {
            enabled: true,
            replicas: settings.replicas,
            // Redirects name a host the certificate covers, not the pod IP.
            apiAddr: `https://$(VAULT_K8S_POD_NAME).${VAULT_RELEASE}-internal.${VAULT_NAMESPACE}.svc:8200`,
            raft: { enabled: true, setNodeId: true, config: o.serverConfig },
            disruptionBudget: { enabled: true, maxUnavailable: 1 },
          }
        : { enabled: false },
      // ha: one Raft voter per node (losing a node must not lose two voters), soft spread across zones.
      ...(ha
        ? {
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: SERVER_LABELS } },
                ],
              },
            },
            topologySpreadConstraints: zoneSpread(SERVER_LABELS),
          }
        : {}),
    },
    ui: { enabled: false },
    csi: { enabled: false },
    // No chart ServiceMonitor (see `metrics` below).
    serverTelemetry: { serviceMonitor: { enabled: false }, prometheusRules: { enabled: false } },
  };
}

export interface VaultArgs {
  settings: VaultSettings;
  ctx: AddonContext;
  /** StorageClass of the data and audit volumes. */
  storageClass: pulumi.Input<string>;
  /** The internal CA ClusterIssuer (required in ha mode, ignored in dev mode). */
  tls?: { issuerName: string; issuer: pulumi.Resource };
  /** Auto-unseal with the cluster's cloud KMS; Shamir when absent. */
  unseal?: { workloadIdentity: WorkloadIdentity; kms: UnsealKms };
}

export class Vault extends pulumi.ComponentResource {
  /** In-cluster address: https://vault-active.vault.svc:8200 (ha), http://vault.vault.svc:8200 (dev). */
  readonly address: string;
  readonly namespace: pulumi.Output<string>;
  readonly release: k8s.helm.v3.Release;
  /** The server Certificate (ha mode). */
  readonly certificate?: k8s.apiextensions.CustomResource;
  /**
   * Empty: /v1/sys/metrics requires a Vault token unless `unauthenticated_metrics_access` is turned
   * on, and in ha mode it is served over TLS only; MetricsEndpoint has no scheme, CA or credentials.
   */
  readonly metrics: MetricsEndpoint[] = [];

  constructor(name: string, args: VaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:Vault", name, {}, opts);
    const { settings, ctx } = args;
    const ha = settings.mode === "ha";
    if (ha && !args.tls) {
      throw new Error(
        "Vault ha mode serves TLS with a cert-manager certificate: pass tls (the internal CA ClusterIssuer)",
      );
    }

    const ns = addonNamespace(name, VAULT_NAMESPACE, "restricted", ctx, this);
    this.namespace = ns.metadata.name;

    if (ha && args.tls) {
      // Vault TLS waits only for its certificate; the certificate waits for its issuer.
      this.certificate = new k8s.apiextensions.CustomResource(
        `${name}-tls`,
        {
          apiVersion: "cert-manager.io/v1",
          kind: "Certificate",
          metadata: {
            name: VAULT_TLS_SECRET,
            namespace: ns.metadata.name,
            labels: { "app.kubernetes.io/part-of": "kube-platform" },
            // The release starts once the Secret exists (pulumi-kubernetes waitFor).
            annotations: { "pulumi.com/waitFor": "condition=Ready" },
          },
          spec: vaultCertificateSpec(args.tls.issuerName),
        },
        { parent: this, provider: ctx.provider, dependsOn: [args.tls.issuer] },
      );
    }

    const configOptions = { mode: settings.mode, replicas: settings.replicas };
    let serverConfig: pulumi.Input<string> = vaultServerConfig(configOptions);
    let serviceAccountAnnotations: pulumi.Input<Record<string, string>> | undefined;
    let podLabels: Record<string, string> | undefined;
    if (args.unseal) {
      const identity = args.unseal.workloadIdentity.bindServiceAccount(
        `${name}-server`,
        { namespace: VAULT_NAMESPACE, name: VAULT_SERVICE_ACCOUNT },
        this,
      );
      const stanza = args.unseal.kms.createUnsealKey(name, identity, this);
      serverConfig = stanza.apply((seal) => vaultServerConfig({ ...configOptions, seal }));
      serviceAccountAnnotations = identity.serviceAccountAnnotations;
      podLabels = identity.podLabels;
    }

    const values = vaultValues(settings, ctx.highAvailability, {
      storageClass: args.storageClass,
      serverConfig,
      autoUnseal: args.unseal !== undefined,
      serviceAccountAnnotations,
      podLabels,
    });
    this.release = chartRelease(name, "vault", VAULT_RELEASE, ns, values, settings.values, ctx, this, {
      dependsOn: this.certificate ? [this.certificate] : [],
    });

    // The chart's NetworkPolicy selects the servers only: the injector gets its own (webhook port only;
    // the API server calling it is not a pod, so no narrower source can be named portably).
    new k8s.networking.v1.NetworkPolicy(
      `${name}-injector-netpol`,
      {
        metadata: { name: "vault-agent-injector", namespace: ns.metadata.name },
        spec: {
          podSelector: { matchLabels: INJECTOR_LABELS },
          policyTypes: ["Ingress"],
          ingress: [{ ports: [{ port: VAULT_INJECTOR_PORT, protocol: "TCP" }] }],
        },
      },
      { parent: this, provider: ctx.provider },
    );

    this.address = vaultAddress(settings.mode);
    this.registerOutputs({ address: this.address, namespace: this.namespace });
  }
}
