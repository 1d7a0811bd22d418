/**
 * The setup Jobs' specs and RBAC (pure: plain objects). Two Jobs run the program in ./setup/
 * (`node /setup/vault-setup.js bootstrap|configure`): the bootstrap Job initialises Vault and sets
 * up its Kubernetes auth and the configurator role; the configure Job, logged in as that role,
 * applies the configuration. Both run under Pod Security "restricted".
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { VaultSettings } from "../types";
import { VAULT_CA, VAULT_SETUP, vaultAddress, vaultSetupLabels } from "./names";

type JobSpec = k8s.types.input.batch.v1.JobSpec;
type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

/**
 * The image the Jobs run: the official Node.js image (Docker Hub library/node, tag listed on
 * hub.docker.com/_/node/tags; Node 24 LTS on Alpine 3.24, amd64 and arm64). The program needs
 * Node ≥ 20 built-ins only and no file of the image's own `node` user (uid 1000), so the pods run
 * as a uid above 10000 (CKV_K8S_40), which the volumes are readable for (fsGroup).
 */
export const SETUP_IMAGE = "node:24.20.0-alpine3.24";
export const SETUP_UID = 10001;
/** Requests, and limits on memory and CPU (CKV_K8S_11): the program is a few HTTP calls. */
export const SETUP_RESOURCES = {
  requests: { cpu: "20m", memory: "64Mi" },
  limits: { cpu: "250m", memory: "128Mi" },
} as const;

/** Where each input is mounted (the program's ENV_DEFAULTS, set explicitly in the env too). */
export const SETUP_MOUNTS = {
  program: "/setup",
  config: "/config",
  initial: "/initial",
  devToken: "/dev-token",
  vaultCa: "/vault-ca",
} as const;

/** Where the program reads the ServiceAccount token and the cluster CA (its SA_TOKEN, KUBE_CACERT defaults). */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
/** Lifetime of the projected token (the kubelet renews it at 80 %; the program reads it once). */
export const SETUP_TOKEN_SECONDS = 3600;

/** The data keys of the setup ConfigMap and the Secrets the Jobs mount. */
export const SETUP_FILES = {
  config: "setup.json",
  initial: "values.json",
  devToken: "token",
} as const;

/** The pod-template annotation carrying the Vault release's revision: each new revision re-runs both Jobs. */
export const RELEASE_REVISION_ANNOTATION = "kube-platform/vault-release-revision";

export type SetupStep = "bootstrap" | "configure";

export interface SetupJobOptions {
  step: SetupStep;
  mode: VaultSettings["mode"];
  serviceAccount: string;
  /** The ConfigMaps of the program files and of setup.json. */
  programConfigMap: pulumi.Input<string>;
  configConfigMap: pulumi.Input<string>;
  /** configure: the Secret holding values.json. */
  initialValuesSecret?: pulumi.Input<string>;
  /** bootstrap in dev mode: the Secret holding the dev server's root token. */
  devTokenSecret?: pulumi.Input<string>;
  /** Whether the pod gets a ServiceAccount token (the kube API, Vault's Kubernetes login). */
  serviceAccountToken: boolean;
  releaseRevision: pulumi.Input<string>;
  activeDeadlineSeconds: number;
  backoffLimit: number;
}

/**
 * The bounds of one Job: the program's own waits are bounded by `unsealWaitSeconds` (the bootstrap
 * waits for Vault to answer, then for the unseal; configure waits for an active Vault), plus ten
 * minutes for the calls themselves. Pulumi waits a little longer than Kubernetes does, so the Job's
 * own deadline fails it first (pulumi-kubernetes await/job.go: a Failed condition fails the update).
 */
export function setupJobBounds(step: SetupStep, unsealWaitSeconds: number) {
  const waits = step === "bootstrap" ? 2 : 1;
  const activeDeadlineSeconds = waits * unsealWaitSeconds + 600;
  const minutes = Math.ceil((activeDeadlineSeconds + 300) / 60);
  return { activeDeadlineSeconds, customTimeouts: { create: `${minutes}m`, update: `${minutes}m` } };
}

/** The Job spec of one step. Never `ttlSecondsAfterFinished`: Pulumi would recreate a deleted Job. */
export function setupJobSpec(o: SetupJobOptions): JobSpec {
  const ha = o.mode === "ha";
  const volumes: k8s.types.input.core.v1.Volume[] = [
    { name: "program", configMap: { name: o.programConfigMap, defaultMode: 0o444 } },
    { name: "config", configMap: { name: o.configConfigMap, defaultMode: 0o444 } },
  ];
  const mounts: k8s.types.input.core.v1.VolumeMount[] = [
    { name: "program", mountPath: SETUP_MOUNTS.program, readOnly: true },
    { name: "config", mountPath: SETUP_MOUNTS.config, readOnly: true },
  ];
  const env: k8s.types.input.core.v1.EnvVar[] = [
    { name: "VAULT_ADDR", value: vaultAddress(o.mode) },
    { name: "SETUP_CONFIG", value: `${SETUP_MOUNTS.config}/${SETUP_FILES.config}` },
  ];
  // Secret volumes: group-readable for the pod's fsGroup (the files are root-owned otherwise).
  const secretVolume = (name: string, secretName: pulumi.Input<string>, path: string, file: string) => {
    volumes.push({ name, secret: { secretName, defaultMode: 0o440 } });
    mounts.push({ name, mountPath: path, readOnly: true });
    return `${path}/${file}`;
  };
  if (o.initialValuesSecret !== undefined) {
    const file = secretVolume("initial", o.initialValuesSecret, SETUP_MOUNTS.initial, SETUP_FILES.initial);
    env.push({ name: "SETUP_INITIAL_VALUES", value: file });
  }
  if (o.devTokenSecret !== undefined) {
    const file = secretVolume("dev-token", o.devTokenSecret, SETUP_MOUNTS.devToken, SETUP_FILES.devToken);
    env.push({ name: "SETUP_DEV_ROOT_TOKEN", value: file });
  }
  if (o.serviceAccountToken) {
    // The token as the kubelet would automount it (Kubernetes docs, "Service account token volume
    // projection"; the API server's own audience, which Vault's TokenReview checks, and the cluster
    // CA from kube-root-ca.crt) but explicit: `automountServiceAccountToken` stays false
    // (CKV_K8S_38) and no other pod of these ServiceAccounts ever gets one.
    volumes.push({
      name: "kube-api-access",
      projected: {
        defaultMode: 0o444,
        sources: [
          { serviceAccountToken: { path: "token", expirationSeconds: SETUP_TOKEN_SECONDS } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        ],
      },
    });
    mounts.push({ name: "kube-api-access", mountPath: SERVICE_ACCOUNT_DIR, readOnly: true });
  }
  if (ha) {
    // Vault's CA certificate only (`items`: never its key), as the server pods mount it (values.ts).
    volumes.push({
      name: "vault-ca",
      secret: { secretName: VAULT_CA, defaultMode: 0o444, items: [{ key: "tls.crt", path: "ca.crt" }] },
    });
    mounts.push({ name: "vault-ca", mountPath: SETUP_MOUNTS.vaultCa, readOnly: true });
    env.push({ name: "VAULT_CACERT", value: `${SETUP_MOUNTS.vaultCa}/ca.crt` });
  }
  const labels = vaultSetupLabels(o.step);
  return {
    backoffLimit: o.backoffLimit,
    activeDeadlineSeconds: o.activeDeadlineSeconds,
    template: {
      metadata: { labels, annotations: { [RELEASE_REVISION_ANNOTATION]: o.releaseRevision } },
      spec: {
        serviceAccountName: o.serviceAccount,
        automountServiceAccountToken: false,
        restartPolicy: "Never",
        enableServiceLinks: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: SETUP_UID,
          runAsGroup: SETUP_UID,
          fsGroup: SETUP_UID,
          seccompProfile: { type: "RuntimeDefault" },
        },
        containers: [
          {
            name: o.step,
            image: SETUP_IMAGE,
            imagePullPolicy: "IfNotPresent",
            command: ["node", `${SETUP_MOUNTS.program}/vault-setup.js`, o.step],
            env,
            resources: { requests: { ...SETUP_RESOURCES.requests }, limits: { ...SETUP_RESOURCES.limits } },
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ["ALL"] },
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
            },
            volumeMounts: mounts,
          },
        ],
        volumes,
      },
    },
  };
}

/**
 * What the bootstrap Job may do with the kube API (./setup/kube.js): write the shares Secret (GET,
 * then POST or PUT) and read and delete the break-glass Secret. `create` cannot be limited to a
 * name ("You cannot restrict create or deletecollection requests by their resource name", Kubernetes
 * RBAC docs, "Referring to resources"): it is granted on Secrets of the vault namespace, the rest
 * only on the two names.
 */
export function bootstrapRoleRules(): PolicyRule[] {
  return [
    { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
    {
      apiGroups: [""],
      resources: ["secrets"],
      resourceNames: [VAULT_SETUP.sharesSecret],
      verbs: ["get", "update"],
    },
    {
      apiGroups: [""],
      resources: ["secrets"],
      resourceNames: [VAULT_SETUP.breakGlassSecret],
      verbs: ["get", "delete"],
    },
  ];
}

/** The key holders' group: `get` on the shares Secret, nothing else. */
export function sharesReaderRules(): PolicyRule[] {
  return [
    { apiGroups: [""], resources: ["secrets"], resourceNames: [VAULT_SETUP.sharesSecret], verbs: ["get"] },
  ];
}
