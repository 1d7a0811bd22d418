/**
 * The setup Jobs' specs and RBAC (pure: plain objects). Two Jobs run the program in ./setup/
 * (`node /setup/vault-setup.js bootstrap|configure`): the bootstrap Job initialises Vault and sets
 * up its Kubernetes auth and the configurator role; the configure Job, logged in as that role,
 * applies the configuration. In dev mode a CronJob re-runs both (DEV_REAPPLY). All run under Pod
 * Security "restricted" in VAULT_SETUP_NAMESPACE.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { PLATFORM_PRIORITY } from "../../kube/conventions";
import { VaultSettings } from "../types";
import { VAULT_SETUP, vaultAddress, vaultSetupLabels } from "./names";

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

/**
 * The bootstrap pod must not be disrupted between init and storing the shares, or before the
 * setup (with Shamir: up to `unsealWaitSeconds`): the root token exists only in its memory.
 * - `cluster-autoscaler.kubernetes.io/safe-to-evict: "false"`: the cluster autoscaler does not
 *   remove its node (kubernetes/autoscaler cluster-autoscaler/FAQ.md, "What types of pods can
 *   prevent CA from removing a node?"); a terminal pod does not count (utils/drain isPodTerminal).
 * - `karpenter.sh/do-not-disrupt: "true"`: Karpenter neither consolidates nor drifts its node
 *   (karpenter.sh reference, "Well-Known Annotations"; EKS Auto Mode is Karpenter).
 * Besides: the platform's critical priority class (no app preempts it, PLATFORM_PRIORITY) and a
 * PodDisruptionBudget allowing no eviction (BOOTSTRAP_PDB: drains wait for it).
 */
export const BOOTSTRAP_POD_ANNOTATIONS = {
  "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
  "karpenter.sh/do-not-disrupt": "true",
} as const;

/**
 * The bootstrap pods' PodDisruptionBudget: no voluntary eviction (a drain waits, the Eviction API
 * answers 429). Only while the pod runs: the Eviction API ignores budgets for Succeeded, Failed and
 * Pending pods (kubernetes pkg/registry/core/pod/storage/eviction.go `canIgnorePDB`), so a finished
 * bootstrap pod never blocks a drain.
 */
export function bootstrapPdbSpec(): k8s.types.input.policy.v1.PodDisruptionBudgetSpec {
  return { maxUnavailable: 0, selector: { matchLabels: vaultSetupLabels("bootstrap") } };
}

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

/** Volumes, mounts and env of the setup pods (the containers' mounts list only what each step reads). */
interface PodParts {
  volumes: k8s.types.input.core.v1.Volume[];
  container: (step: SetupStep, extra: StepInputs) => k8s.types.input.core.v1.Container;
}

/** What one step's container reads besides the program and setup.json. */
interface StepInputs {
  /** configure: the Secret holding values.json. */
  initialValuesSecret?: pulumi.Input<string>;
  /** bootstrap in dev mode: the Secret holding the dev server's root token. */
  devTokenSecret?: pulumi.Input<string>;
  /** Whether the container mounts the pod's ServiceAccount token (the kube API, Vault's Kubernetes login). */
  serviceAccountToken: boolean;
}

/**
 * The pod's volumes (the union of what its steps read) and a builder of each step's container
 * (mounting only its own inputs). ha mode: the configure step trusts Vault's CA from the ConfigMap
 * the bootstrap copies it into (VAULT_SETUP.caConfigMap: a pod mounts no Secret of another
 * namespace); the bootstrap reads it from the kube API (setup.json `vaultCa`, ./setup/ca.js).
 */
function podParts(
  mode: VaultSettings["mode"],
  programConfigMap: pulumi.Input<string>,
  configConfigMap: pulumi.Input<string>,
  steps: StepInputs[],
): PodParts {
  const volumes: k8s.types.input.core.v1.Volume[] = [
    { name: "program", configMap: { name: programConfigMap, defaultMode: 0o444 } },
    { name: "config", configMap: { name: configConfigMap, defaultMode: 0o444 } },
  ];
  // Secret volumes: group-readable for the pod's fsGroup (the files are root-owned otherwise).
  const secretVolume = (name: string, secretName: pulumi.Input<string>) =>
    volumes.push({ name, secret: { secretName, defaultMode: 0o440 } });
  const initial = steps.find((x) => x.initialValuesSecret !== undefined)?.initialValuesSecret;
  if (initial !== undefined) secretVolume("initial", initial);
  const devToken = steps.find((x) => x.devTokenSecret !== undefined)?.devTokenSecret;
  if (devToken !== undefined) secretVolume("dev-token", devToken);
  if (steps.some((x) => x.serviceAccountToken)) {
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
  }
  const ha = mode === "ha";
  if (ha && steps.some((x) => x.initialValuesSecret !== undefined)) {
    // Vault's CA certificate as the bootstrap copied it (./setup/ca.js); the configure step runs after it.
    volumes.push({
      name: "vault-ca",
      configMap: {
        name: VAULT_SETUP.caConfigMap,
        defaultMode: 0o444,
        items: [{ key: "ca.crt", path: "ca.crt" }],
      },
    });
  }
  const container = (step: SetupStep, x: StepInputs): k8s.types.input.core.v1.Container => {
    const mounts: k8s.types.input.core.v1.VolumeMount[] = [
      { name: "program", mountPath: SETUP_MOUNTS.program, readOnly: true },
      { name: "config", mountPath: SETUP_MOUNTS.config, readOnly: true },
    ];
    const env: k8s.types.input.core.v1.EnvVar[] = [
      { name: "VAULT_ADDR", value: vaultAddress(mode) },
      { name: "SETUP_CONFIG", value: `${SETUP_MOUNTS.config}/${SETUP_FILES.config}` },
    ];
    const mount = (name: string, path: string, envName?: string, file?: string) => {
      mounts.push({ name, mountPath: path, readOnly: true });
      if (envName && file) env.push({ name: envName, value: `${path}/${file}` });
    };
    if (x.initialValuesSecret !== undefined)
      mount("initial", SETUP_MOUNTS.initial, "SETUP_INITIAL_VALUES", SETUP_FILES.initial);
    if (x.devTokenSecret !== undefined)
      mount("dev-token", SETUP_MOUNTS.devToken, "SETUP_DEV_ROOT_TOKEN", SETUP_FILES.devToken);
    if (x.serviceAccountToken) mount("kube-api-access", SERVICE_ACCOUNT_DIR);
    if (ha && step === "configure") mount("vault-ca", SETUP_MOUNTS.vaultCa, "VAULT_CACERT", "ca.crt");
    return {
      name: step,
      image: SETUP_IMAGE,
      imagePullPolicy: "IfNotPresent",
      command: ["node", `${SETUP_MOUNTS.program}/vault-setup.js`, step],
      env,
      resources: { requests: { ...SETUP_RESOURCES.requests }, limits: { ...SETUP_RESOURCES.limits } },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      },
      volumeMounts: mounts,
    };
  };
  return { volumes, container };
}

/** What every setup pod shares: its ServiceAccount, no automounted token, restricted Pod Security. */
function podSpecBase(serviceAccount: string) {
  return {
    serviceAccountName: serviceAccount,
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
  };
}

/** The Job spec of one step. Never `ttlSecondsAfterFinished`: Pulumi would recreate a deleted Job. */
export function setupJobSpec(o: SetupJobOptions): JobSpec {
  const step: StepInputs = {
    initialValuesSecret: o.initialValuesSecret,
    devTokenSecret: o.devTokenSecret,
    serviceAccountToken: o.serviceAccountToken,
  };
  const parts = podParts(o.mode, o.programConfigMap, o.configConfigMap, [step]);
  // The bootstrap is not repeatable once it has initialised Vault: not disrupted (BOOTSTRAP_POD_ANNOTATIONS).
  const bootstrap = o.step === "bootstrap";
  return {
    backoffLimit: o.backoffLimit,
    activeDeadlineSeconds: o.activeDeadlineSeconds,
    template: {
      metadata: {
        labels: vaultSetupLabels(o.step),
        annotations: {
          [RELEASE_REVISION_ANNOTATION]: o.releaseRevision,
          ...(bootstrap ? BOOTSTRAP_POD_ANNOTATIONS : {}),
        },
      },
      spec: {
        ...podSpecBase(o.serviceAccount),
        ...(bootstrap ? { priorityClassName: PLATFORM_PRIORITY.critical.name } : {}),
        containers: [parts.container(o.step, step)],
        volumes: parts.volumes,
      },
    },
  };
}

/**
 * dev mode: Vault's dev server keeps everything in memory, so a restart of its pod (a laptop or
 * Docker restart restarts the kind node) loses the auth method, the roles and the values. This
 * CronJob re-runs the setup every DEV_REAPPLY.schedule: the bootstrap (an init container: the dev
 * root token is valid again on a fresh dev server → sets up again; HTTP 403 → already set up, exit
 * 0), then the configure step (the main container: roles, policies, initial values with cas 0).
 * Its pods carry the configure Job's labels (the same NetworkPolicy: DNS and Vault's API only).
 */
export const DEV_REAPPLY = {
  schedule: "*/5 * * * *",
  /** A run that could not start within this window is skipped (the next one comes 5 minutes later). */
  startingDeadlineSeconds: 120,
  /** Shorter than the schedule: with concurrencyPolicy Forbid a stuck run would block the next ones. */
  activeDeadlineSeconds: 240,
  successfulJobsHistoryLimit: 1,
  failedJobsHistoryLimit: 1,
} as const;

export function devReapplyCronJobSpec(o: {
  programConfigMap: pulumi.Input<string>;
  configConfigMap: pulumi.Input<string>;
  initialValuesSecret: pulumi.Input<string>;
  devTokenSecret: pulumi.Input<string>;
}): k8s.types.input.batch.v1.CronJobSpec {
  const bootstrap: StepInputs = { devTokenSecret: o.devTokenSecret, serviceAccountToken: false };
  const configure: StepInputs = { initialValuesSecret: o.initialValuesSecret, serviceAccountToken: true };
  const parts = podParts("dev", o.programConfigMap, o.configConfigMap, [bootstrap, configure]);
  return {
    schedule: DEV_REAPPLY.schedule,
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: DEV_REAPPLY.startingDeadlineSeconds,
    successfulJobsHistoryLimit: DEV_REAPPLY.successfulJobsHistoryLimit,
    failedJobsHistoryLimit: DEV_REAPPLY.failedJobsHistoryLimit,
    jobTemplate: {
      spec: {
        // No retry inside a run: the next run comes within the schedule.
        backoffLimit: 0,
        activeDeadlineSeconds: DEV_REAPPLY.activeDeadlineSeconds,
        template: {
          metadata: { labels: vaultSetupLabels("configure") },
          spec: {
            ...podSpecBase(VAULT_SETUP.configuratorServiceAccount),
            initContainers: [parts.container("bootstrap", bootstrap)],
            containers: [parts.container("configure", configure)],
            volumes: parts.volumes,
          },
        },
      },
    },
  };
}

/**
 * What the bootstrap Job may do with the kube API in its own namespace (./setup/kube.js): write
 * the shares Secret (GET, then POST or PUT), read and delete the break-glass Secret, and in ha mode
 * write the ConfigMap of Vault's CA certificate. `create` cannot be limited to a name ("You cannot
 * restrict create or deletecollection requests by their resource name", Kubernetes RBAC docs,
 * "Referring to resources"): it is granted on Secrets (and ConfigMaps) of VAULT_SETUP_NAMESPACE, the
 * rest only on the names.
 */
export function bootstrapRoleRules(mode: VaultSettings["mode"]): PolicyRule[] {
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
    ...(mode === "ha"
      ? [
          { apiGroups: [""], resources: ["configmaps"], verbs: ["create"] },
          {
            apiGroups: [""],
            resources: ["configmaps"],
            resourceNames: [VAULT_SETUP.caConfigMap],
            verbs: ["get", "update"],
          },
        ]
      : []),
  ];
}

/**
 * ha mode, in the vault namespace: `get` on exactly the Secret of VAULT_SETUP.caSourceSecret (its
 * ca.crt is Vault's CA certificate), nothing else there.
 */
export function caSourceReaderRules(): PolicyRule[] {
  return [
    {
      apiGroups: [""],
      resources: ["secrets"],
      resourceNames: [VAULT_SETUP.caSourceSecret],
      verbs: ["get"],
    },
  ];
}

/** The key holders' group: `get` on the shares Secret, nothing else. */
export function sharesReaderRules(): PolicyRule[] {
  return [
    { apiGroups: [""], resources: ["secrets"], resourceNames: [VAULT_SETUP.sharesSecret], verbs: ["get"] },
  ];
}
