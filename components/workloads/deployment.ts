/**
 * An app's pods and how they scale: labels, env, the Deployment spec (Pod Security "restricted":
 * non-root, no privilege escalation, no capabilities, seccomp RuntimeDefault, a read-only root
 * filesystem with emptyDirs where it must write, requests and a memory limit, probes), the HPA and
 * the PodDisruptionBudget. Pure functions of the settings.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_LABELS, spreadAcrossNodesAndZones } from "../kube/conventions";
import { AppSettings, WorkloadContext } from "./types";
import { vaultAnnotations } from "./vault-agent";

type DeploymentSpec = k8s.types.input.apps.v1.DeploymentSpec;
type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type HpaSpec = k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec;
type PdbSpec = k8s.types.input.policy.v1.PodDisruptionBudgetSpec;

/** Port names of the app container and its Service. */
export const HTTP_PORT = "http";
export const METRICS_PORT = "metrics";

/** Probe timings: a slow start gets up to 150 s (startup probe) before liveness takes over. */
export const PROBE_TIMINGS = {
  startup: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 30 },
  liveness: { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
  readiness: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
} as const;

export const TERMINATION_GRACE_SECONDS = 30;
export const REVISION_HISTORY_LIMIT = 5;
/**
 * fsGroup of the pods: the group volumes are made writable for. emptyDirs are world-writable
 * anyway; it matters for volumes an app may add later. 65532 is the conventional "nonroot" group.
 */
export const POD_FS_GROUP = 65532;

/** Labels of every object of an app. */
export function appLabels(name: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    ...PLATFORM_LABELS,
  };
}

/** Labels selecting an app's pods (Deployment selector, Service, NetworkPolicies, spread, PDB). */
export function selectorLabels(name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name };
}

/** The app's ServiceAccount (its Vault role is bound to exactly this name in the app's namespace). */
export function serviceAccountName(s: Pick<AppSettings, "name">): string {
  return s.name;
}

/** The replica count the app never goes below: autoscaling's minimum, or its fixed replicas. */
export function minReplicas(s: AppSettings): number {
  return s.autoscaling ? s.autoscaling.minReplicas : s.replicas;
}

/** The Secret key of an env var from `secretEnv` (env var names are valid Secret keys). */
export const secretKey = (env: string): string => env;

/** env then secretEnv, sorted by name; secret values only as references into the app's Secret. */
export function containerEnv(s: AppSettings, secretName: pulumi.Input<string> | undefined): EnvVar[] {
  const plain: EnvVar[] = Object.entries(s.env).map(([name, value]) => ({ name, value }));
  const secretNames = Object.keys(s.secretEnv);
  if (secretNames.length > 0 && secretName === undefined) {
    throw new Error(`app ${s.name}: secretEnv needs the app's Secret`);
  }
  const secret: EnvVar[] = secretNames.map((name) => ({
    name,
    valueFrom: { secretKeyRef: { name: secretName, key: secretKey(name) } },
  }));
  const all = [...plain, ...secret] as (EnvVar & { name: string })[];
  return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Volume name of the i-th writable path (paths are not valid volume names). */
export const writableVolumeName = (i: number): string => `writable-${i}`;

/** What the Deployment refers to by name. */
export interface DeploymentRefs {
  serviceAccountName: pulumi.Input<string>;
  /** The Secret holding secretEnv (when there is any). */
  secretName?: pulumi.Input<string>;
}

/**
 * The Deployment spec. With autoscaling, `replicas` is left out: the HPA owns it (server-side apply
 * leaves a field alone that Pulumi never set), so a `pulumi up` never resets a scaled-out app.
 */
export function deploymentSpec(s: AppSettings, ctx: WorkloadContext, refs: DeploymentRefs): DeploymentSpec {
  const usesVault = s.vault !== undefined;
  const limits: Record<string, string> = { memory: s.resources.limits.memory };
  if (s.resources.limits.cpu) limits.cpu = s.resources.limits.cpu;
  const httpGet = (path: string) => ({ path, port: HTTP_PORT, scheme: "HTTP" });

  const container: Container = {
    name: s.name,
    image: s.image,
    imagePullPolicy: "IfNotPresent",
    ...(s.args.length > 0 ? { args: s.args } : {}),
    ports: [
      { name: HTTP_PORT, containerPort: s.port, protocol: "TCP" },
      ...(s.metrics ? [{ name: METRICS_PORT, containerPort: s.metrics.port, protocol: "TCP" }] : []),
    ],
    env: containerEnv(s, refs.secretName),
    startupProbe: { httpGet: httpGet(s.probes.liveness), ...PROBE_TIMINGS.startup },
    livenessProbe: { httpGet: httpGet(s.probes.liveness), ...PROBE_TIMINGS.liveness },
    readinessProbe: { httpGet: httpGet(s.probes.readiness), ...PROBE_TIMINGS.readiness },
    resources: { requests: { ...s.resources.requests }, limits },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      // Only for images whose USER is a name (the kubelet cannot check a name is non-root).
      ...(s.runAsUser !== undefined ? { runAsUser: s.runAsUser } : {}),
    },
    volumeMounts: s.writablePaths.map((mountPath, i) => ({ name: writableVolumeName(i), mountPath })),
  };

  const spread = minReplicas(s) > 1 ? spreadAcrossNodesAndZones(selectorLabels(s.name)) : undefined;

  return {
    ...(s.autoscaling ? {} : { replicas: s.replicas }),
    revisionHistoryLimit: REVISION_HISTORY_LIMIT,
    selector: { matchLabels: selectorLabels(s.name) },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
    template: {
      metadata: {
        labels: appLabels(s.name),
        ...(usesVault ? { annotations: vaultAnnotations(s, ctx) } : {}),
      },
      spec: {
        serviceAccountName: refs.serviceAccountName,
        automountServiceAccountToken: usesVault,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
        securityContext: {
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
          fsGroup: POD_FS_GROUP,
          fsGroupChangePolicy: "OnRootMismatch",
        },
        containers: [container],
        volumes: s.writablePaths.map((_, i) => ({ name: writableVolumeName(i), emptyDir: {} })),
        ...(spread ? { topologySpreadConstraints: spread } : {}),
      },
    },
  };
}

/** HPA (autoscaling/v2): CPU (and optionally memory) utilization, slow scale-down. */
export function hpaSpec(s: AppSettings, deploymentName: pulumi.Input<string>): HpaSpec {
  const a = s.autoscaling;
  if (!a) throw new Error(`app ${s.name}: an HPA needs apps[].autoscaling`);
  const utilization = (name: string, averageUtilization: number) => ({
    type: "Resource",
    resource: { name, target: { type: "Utilization", averageUtilization } },
  });
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [
      utilization("cpu", a.targetCpuUtilization),
      ...(a.targetMemoryUtilization !== undefined ? [utilization("memory", a.targetMemoryUtilization)] : []),
    ],
    behavior: {
      // Scale down only on 5 minutes of lower load, and by at most half the pods a minute.
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: "Max",
        policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
      },
      // Scale up at once: double, or +4 pods, a minute (whichever is more).
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: "Max",
        policies: [
          { type: "Percent", value: 100, periodSeconds: 60 },
          { type: "Pods", value: 4, periodSeconds: 60 },
        ],
      },
    },
  };
}

/**
 * PodDisruptionBudget: one pod down at a time. maxUnavailable (not minAvailable) never blocks a
 * drain when the app is scaled to its minimum, and unhealthy pods may always be evicted.
 */
export function pdbSpec(s: AppSettings): PdbSpec {
  return {
    maxUnavailable: 1,
    selector: { matchLabels: selectorLabels(s.name) },
    unhealthyPodEvictionPolicy: "AlwaysAllow",
  };
}
