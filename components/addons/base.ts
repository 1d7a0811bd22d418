/** Building blocks every add-on uses: its namespace, its Helm release, values merging. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF_PLATFORM, PodSecurityLevel, podSecurityLabels } from "../kube/conventions";
import { HelmValues } from "./types";
import { CHARTS, ChartKey } from "./versions";
import type { NamespaceRetention } from "./volume-retention";

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

/**
 * A namespace for an add-on, labelled for Pod Security admission. With `retention` (its volumes are
 * retained: ./volume-retention.ts) it is annotated with the claims it keeps and left in the cluster
 * on destroy (retainOnDelete), with them. `labels` are added beside the platform's own, which they
 * cannot change (the Pod Security labels stay what `level` says).
 */
export function addonNamespace(
  name: string,
  namespace: string,
  level: PodSecurityLevel,
  ctx: AddonContext,
  parent: pulumi.Resource,
  retention?: NamespaceRetention,
  labels: Readonly<Record<string, string>> = {},
): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(
    `${name}-ns`,
    {
      metadata: {
        name: namespace,
        labels: { ...labels, ...podSecurityLabels(level, ctx.kubernetesVersion), ...PART_OF_PLATFORM },
        ...(retention ? { annotations: retention.annotations } : {}),
      },
    },
    {
      parent,
      provider: ctx.provider,
      dependsOn: ctx.dependsOn,
      ...(retention ? { retainOnDelete: true } : {}),
    },
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

/** One add-on's Helm release: which pinned chart, where, with which values. */
export interface ChartReleaseArgs {
  /** The add-on component's name: the release resource is `<name>-release`. */
  name: string;
  /** The pinned chart (CHARTS). */
  chart: ChartKey;
  /** The Helm release name. */
  releaseName: string;
  namespace: k8s.core.v1.Namespace;
  /** The values the add-on computes. */
  values: HelmValues;
  /** The user's values (settings.values), merged over `values`. */
  extraValues: HelmValues;
  ctx: AddonContext;
  parent: pulumi.Resource;
  /** What the release waits for besides its namespace and `ctx.dependsOn`. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  /** Replacement options of the release (an add-on whose chart changes something Kubernetes never updates). */
  options?: Pick<pulumi.CustomResourceOptions, "replaceOnChanges" | "deleteBeforeReplace">;
}

/** A release of a pinned chart: which chart (CHARTS), its Helm name, namespace and values. */
export interface PinnedRelease {
  chart: ChartKey;
  releaseName: string;
  namespace: pulumi.Input<string>;
  values: pulumi.Input<Record<string, unknown>>;
  /** Leave the chart's crds/ out (another release manages them: Karpenter's CRD chart). */
  skipCrds?: boolean;
}

/**
 * The Helm release `<name>-release` of a pinned chart with the platform's release settings
 * (RELEASE_DEFAULTS): the one place a CHARTS entry becomes a release, for the add-ons and for the
 * charts a cluster target installs itself (the EKS target's Karpenter and Load Balancer Controller).
 */
export function pinnedRelease(
  name: string,
  r: PinnedRelease,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  const chart: { chart: string; version: string; repo?: string } = CHARTS[r.chart];
  return new k8s.helm.v3.Release(
    `${name}-release`,
    {
      name: r.releaseName,
      chart: chart.chart,
      version: chart.version,
      repositoryOpts: chart.repo ? { repo: chart.repo } : undefined,
      namespace: r.namespace,
      values: r.values,
      ...(r.skipCrds ? { skipCrds: true } : {}),
      ...RELEASE_DEFAULTS,
    },
    opts,
  );
}

/**
 * The Helm release of a pinned chart (CHARTS) in `namespace`, with `values` and the user's
 * `extraValues` merged over them. When `extraValues` came from secret config, the merged values are
 * a Pulumi secret (encrypted in state, masked in previews); otherwise they stay readable.
 */
export function chartRelease(a: ChartReleaseArgs): k8s.helm.v3.Release {
  const merged = deepMerge(a.values, a.extraValues);
  return pinnedRelease(
    a.name,
    {
      chart: a.chart,
      releaseName: a.releaseName,
      namespace: a.namespace.metadata.name,
      values: isSecretValues(a.extraValues) ? pulumi.secret(merged) : merged,
    },
    {
      parent: a.parent,
      provider: a.ctx.provider,
      dependsOn: [a.namespace, ...a.ctx.dependsOn, ...(a.dependsOn ?? [])],
      ...a.options,
    },
  );
}

/**
 * An add-on's own namespace (`<name>-ns`, with `namespaceLabels` beside the platform's) and its
 * release in it: the start of most add-ons.
 */
export function namespacedRelease(
  a: Omit<ChartReleaseArgs, "namespace"> & {
    namespace: string;
    podSecurity: PodSecurityLevel;
    namespaceLabels?: Readonly<Record<string, string>>;
  },
): { namespace: k8s.core.v1.Namespace; release: k8s.helm.v3.Release } {
  const { podSecurity, namespaceLabels, ...release } = a;
  const namespace = addonNamespace(
    a.name,
    a.namespace,
    podSecurity,
    a.ctx,
    a.parent,
    undefined,
    namespaceLabels,
  );
  return { namespace, release: chartRelease({ ...release, namespace }) };
}

/** Resource requests/limits: requests for scheduling, a memory limit against leaks. */
export function resources(cpu: string, memory: string, memoryLimit: string) {
  return { requests: { cpu, memory }, limits: { memory: memoryLimit } };
}
