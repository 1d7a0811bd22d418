/** Building blocks every add-on uses: its namespace, its Helm release, values merging. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, ChartKey } from "./versions";
import { HelmValues } from "./types";

/** Pod Security Standards level enforced on a namespace. */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/**
 * Pod Security admission labels: `enforce` at the strictest level the add-on supports; `warn` and
 * `audit` always at restricted, so anything weaker shows up. Every mode is pinned to the cluster's
 * minor ("v1.34"), not "latest": with "latest" a control-plane upgrade applies the new release's
 * policy checks to pods already running and to every pod recreated later (Kubernetes docs, "Enforce
 * Pod Security Standards with Namespace Labels"); pinned, the policy moves only when the stack's
 * kubernetesVersion does.
 */
export function podSecurityLabels(
  level: PodSecurityLevel,
  kubernetesVersion: string,
): Record<string, string> {
  const version = podSecurityVersion(kubernetesVersion);
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": version,
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": version,
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": version,
  };
}

/** The Pod Security version label value ("v1.34") of a Kubernetes minor ("1.34"). */
export function podSecurityVersion(kubernetesVersion: string): string {
  if (!/^1\.\d+$/.test(kubernetesVersion))
    throw new Error(
      `Pod Security version: expected a Kubernetes minor like "1.34", got "${kubernetesVersion}"`,
    );
  return `v${kubernetesVersion}`;
}

/** Deep-merges plain objects (arrays and scalars of `override` replace those of `base`). */
export function deepMerge(base: HelmValues, override: HelmValues): HelmValues {
  const out: HelmValues = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is HelmValues {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !pulumi.Output.isInstance(v);
}

/** What every add-on component receives besides its settings. */
export interface AddonContext {
  /** The cluster's Kubernetes provider. */
  provider: k8s.Provider;
  /** What the add-on's release must wait for (node pools, CSI driver, …). */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  /** Replicas, PodDisruptionBudgets and spreading. */
  highAvailability: boolean;
  /** The cluster's Kubernetes minor ("1.34"): namespace Pod Security versions are pinned to it. */
  kubernetesVersion: string;
}

/** A namespace for an add-on, labelled for Pod Security admission. */
export function addonNamespace(
  name: string,
  namespace: string,
  level: PodSecurityLevel,
  ctx: AddonContext,
  parent: pulumi.Resource,
): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(
    `${name}-ns`,
    {
      metadata: {
        name: namespace,
        labels: {
          ...podSecurityLabels(level, ctx.kubernetesVersion),
          "app.kubernetes.io/part-of": "kube-platform",
        },
      },
    },
    { parent, provider: ctx.provider, dependsOn: ctx.dependsOn },
  );
}

/** Release settings every add-on shares: upgrades roll back on failure and keep a short history. */
export const RELEASE_DEFAULTS = {
  atomic: true,
  cleanupOnFail: true,
  timeout: 900,
  maxHistory: 10,
} as const;

/**
 * User values objects that come from secret stack config. Pulumi marks a whole top-level config key
 * secret when any path under it was set with `--secret` (CLI: config.Map.Set stores the key as a
 * secure object; SecureKeys lists the key; the SDK's isConfigSecret checks top-level keys only), so
 * the program cannot tell which entry was secret: every release fed from such a key gets secret values.
 */
const SECRET_VALUES = new WeakSet<HelmValues>();

/** Marks `values` (a user values object from secret config) so chartRelease keeps them secret. */
export function markSecretValues(values: HelmValues): HelmValues {
  SECRET_VALUES.add(values);
  return values;
}

/** Whether `values` came from secret config (markSecretValues). */
export function isSecretValues(values: HelmValues): boolean {
  return SECRET_VALUES.has(values);
}

/**
 * The Helm release of a pinned chart (CHARTS) in `namespace`, with `values` and the user's
 * `extraValues` merged over them. When `extraValues` came from secret config, the merged values are
 * a Pulumi secret (encrypted in state, masked in previews); otherwise they stay readable.
 */
export function chartRelease(
  name: string,
  key: ChartKey,
  releaseName: string,
  namespace: k8s.core.v1.Namespace,
  values: HelmValues,
  extraValues: HelmValues,
  ctx: AddonContext,
  parent: pulumi.Resource,
  opts: { dependsOn?: pulumi.Input<pulumi.Resource>[] } = {},
): k8s.helm.v3.Release {
  const chart: { chart: string; version: string; repo?: string } = CHARTS[key];
  const merged = deepMerge(values, extraValues);
  return new k8s.helm.v3.Release(
    `${name}-release`,
    {
      name: releaseName,
      chart: chart.chart,
      version: chart.version,
      repositoryOpts: chart.repo ? { repo: chart.repo } : undefined,
      namespace: namespace.metadata.name,
      values: isSecretValues(extraValues) ? pulumi.secret(merged) : merged,
      ...RELEASE_DEFAULTS,
    },
    { parent, provider: ctx.provider, dependsOn: [namespace, ...ctx.dependsOn, ...(opts.dependsOn ?? [])] },
  );
}

/** A Prometheus scrape target an add-on exposes (turned into a ServiceMonitor by the platform). */
export interface MetricsEndpoint {
  /** Unique name of the ServiceMonitor. */
  name: string;
  namespace: string;
  /** Labels selecting the Service that exposes the metrics. */
  selector: Record<string, string>;
  /** Name of the Service port serving metrics. */
  port: string;
  path?: string;
  /** Query parameters of the scrape (e.g. format=prometheus). */
  params?: Record<string, string[]>;
  /** The release that creates the Service. */
  release: pulumi.Resource;
}

/** Resource requests/limits: requests for scheduling, a memory limit against leaks. */
export function resources(cpu: string, memory: string, memoryLimit: string) {
  return { requests: { cpu, memory }, limits: { memory: memoryLimit } };
}

/**
 * Spreads the pods of one workload: evenly across nodes (hard, so a node loss never takes all
 * replicas while another node has room) and across zones (soft, single-zone clusters still
 * schedule). Only the current ReplicaSet counts during a rollout (pod-template-hash), and tainted
 * nodes the pods cannot use are not counted as empty domains.
 */
export function spreadAcrossNodesAndZones(matchLabels: Record<string, string>): HelmValues[] {
  const common = {
    maxSkew: 1,
    labelSelector: { matchLabels },
    matchLabelKeys: ["pod-template-hash"],
    nodeTaintsPolicy: "Honor",
  };
  return [
    { ...common, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule" },
    { ...common, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" },
  ];
}
