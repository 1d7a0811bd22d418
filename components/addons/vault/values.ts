/** Helm values of the Vault chart (CHARTS.vault): injector and server, dev and ha. */
import * as pulumi from "@pulumi/pulumi";
import {
  PLATFORM_PRIORITY,
  spreadAcrossNodesAndZones,
  VAULT_INJECTION_NAMESPACE_LABELS,
} from "../../kube/conventions";
import { resources } from "../base";
import { HelmValues, VaultSettings } from "../types";
import {
  INJECTOR_LABELS,
  NOT_FOR_PRODUCTION,
  SERVER_LABELS,
  VAULT_INJECTOR_PORT,
  VAULT_NAMESPACE,
  VAULT_RELEASE,
  VAULT_SERVICE_ACCOUNT,
  VAULT_CA,
  VAULT_CA_DIR,
  VAULT_CA_FILE,
  VAULT_TLS_DIR,
  VAULT_TLS_SECRET,
} from "./names";
import { tlsReloadContainer } from "./reload";
import { statefulSetClaims } from "../volume-retention";

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
  /** dev mode: the dev server's root token (`server.dev.devRootToken`; a Pulumi secret). */
  devRootToken?: pulumi.Input<string>;
}

/** Helm values of the Vault chart (CHARTS.vault). */
export function vaultValues(
  settings: VaultSettings,
  highAvailability: boolean,
  o: VaultValuesOptions,
): HelmValues {
  const ha = settings.mode === "ha";
  if (!ha && o.devRootToken === undefined) {
    throw new Error("Vault dev mode runs the dev server: pass devRootToken (its root token, a secret)");
  }
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
        [NOT_FOR_PRODUCTION]:
          "dev mode: Vault's dev server, in memory (a restart loses everything), no TLS; not for production",
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
      // injector-deployment.yaml / server-statefulset.yaml render these (PLATFORM_PRIORITY).
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
      volumes: [{ name: "tmp", emptyDir: {} }, ...(ha ? tlsVolumes() : [])],
      volumeMounts: [
        { name: "tmp", mountPath: "/tmp" },
        ...(ha
          ? [
              { name: "tls", mountPath: VAULT_TLS_DIR, readOnly: true },
              { name: "vault-ca", mountPath: VAULT_CA_DIR, readOnly: true },
            ]
          : []),
      ],
      // The CLI in the pods (VAULT_ADDR=https://127.0.0.1:8200) verifies the server with Vault's CA.
      extraEnvironmentVars: ha ? { VAULT_CACERT: VAULT_CA_FILE } : {},
      // ha: a sidecar reloads the renewed certificate with a SIGHUP (reload.ts), which needs to see the
      // server process: one process namespace for the pod (templates/server-statefulset.yaml).
      shareProcessNamespace: ha,
      extraContainers: ha ? [tlsReloadContainer()] : null,
      // dev: no volume (the chart renders no volumeClaimTemplates in dev mode, and would mount the
      // audit volume in any mode: templates/_helpers.tpl "vault.volumeclaims", "vault.mounts").
      dataStorage: ha ? volume(settings.storageSize) : { enabled: false },
      auditStorage: ha ? volume(settings.auditStorageSize) : { enabled: false },
      // Raft data survives an uninstall (a dev/ha switch replaces the release), a StatefulSet deleted
      // by hand (the volume procedures) and a scale-down. What a destroy does with the claims is the
      // namespace's (addons.volumes.onDestroy: ../volume-retention.ts): `whenDeleted: Delete` would have
      // the garbage collector delete them after the StatefulSet, awaited by nobody. Kubernetes may
      // change this policy of a running StatefulSet (pkg/apis/apps/validation ValidateStatefulSetUpdate).
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
      // dev: Vault's dev server (`vault server -dev`: in-memory storage, initialised and unsealed at
      // start, KV v2 at secret/, HTTP) with VAULT_DEV_ROOT_TOKEN_ID from devRootToken
      // (templates/_helpers.tpl "vault.args", "vault.envs"; the mode "dev" wins over ha/standalone,
      // "vault.mode"). No server config is rendered or mounted in dev mode (server-config-configmap.yaml);
      // the dev server's own config turns mlock off (vault command/server/config.go DevConfig).
      dev: ha ? { enabled: false } : { enabled: true, devRootToken: o.devRootToken },
      standalone: { enabled: false },
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

/**
 * The claims of the server StatefulSet: templates `data` and `audit` (ha mode; chart
 * templates/_helpers.tpl "vault.volumeclaims"), one each per server; none in dev mode.
 */
export function vaultVolumeClaims(settings: Pick<VaultSettings, "mode" | "replicas">): string[] {
  return settings.mode === "ha" ? statefulSetClaims(["data", "audit"], VAULT_RELEASE, settings.replicas) : [];
}

/**
 * ha: the server's TLS Secret, and the certificate of Vault's CA alone (`items` projects only the
 * listed keys of a Secret: the CA's private key never reaches the pods).
 */
function tlsVolumes(): Record<string, unknown>[] {
  return [
    { name: "tls", secret: { secretName: VAULT_TLS_SECRET, defaultMode: 0o440 } },
    {
      name: "vault-ca",
      secret: { secretName: VAULT_CA, defaultMode: 0o440, items: [{ key: "tls.crt", path: "ca.crt" }] },
    },
  ];
}
