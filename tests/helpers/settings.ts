/**
 * Component settings for tests, built by the real config parser (`parseConfig`) from a raw stack
 * config, so that a fixture can only hold what stack config accepts.
 *
 * Use: write the raw `cluster` keys the settings stand for; every key left out gets what a stack
 * would get (the profile's preset, the target's defaults):
 *
 *   import { eksSettings, nodePoolSettings } from "./helpers/settings";
 *
 *   const prodSettings = eksSettings(
 *     { clusterName: "kp-prod", nodePools: [{ name: "general", minNodes: 3, maxNodes: 12 }] },
 *     { profile: "prod", tags: { environment: "prod" } },
 *   );
 *   const pool = nodePoolSettings({ name: "batch", taints: ["dedicated=batch:NoSchedule"] });
 *
 * Each builder starts from the fewest keys its target requires (`RAW_CLUSTERS`: region, access
 * CIDRs, …), which the overrides replace, and throws the ConfigError when the result is refused.
 * The settings are exactly config's: `tags` holds the stack's own (`managed-by`,
 * `kube-platform-stack`) plus `options.tags`. A test of a component's own guard builds a valid
 * fixture and spreads the bad value into it: `{ ...pool, minNodes: 9 }`.
 */
import { z } from "zod";
import {
  AksSettings,
  ClusterSettings,
  DoksSettings,
  EksSettings,
  ExistingSettings,
  GkeSettings,
  NodePoolSettings,
} from "../../components/cluster/types";
import type { Profile } from "../../components/shared/profile";
import { SAMPLE_KUBECONFIG } from "../../offline/stacks";
import { aksClusterSchema } from "../../stacks/cluster/aks";
import { doksClusterSchema } from "../../stacks/cluster/doks";
import { eksClusterSchema } from "../../stacks/cluster/eks";
import { gkeClusterSchema } from "../../stacks/cluster/gke";
import { parseConfig } from "../../stacks/config";
import { existingClusterSchema } from "../../stacks/existing-config";
import { VAULT_INIT } from "./vault-fixtures";

/** The raw `cluster` keys of each target, as a stack config holds them (`target` is set for you). */
export type RawCluster<S extends (profile: Profile, name: string) => z.ZodType> = Partial<
  Omit<z.input<ReturnType<S>>, "target">
>;
export type RawEks = RawCluster<typeof eksClusterSchema>;
export type RawGke = RawCluster<typeof gkeClusterSchema>;
export type RawAks = RawCluster<typeof aksClusterSchema>;
export type RawDoks = RawCluster<typeof doksClusterSchema>;
export type RawExisting = Partial<Omit<z.input<ReturnType<typeof existingClusterSchema>>, "target">>;
export type RawNodePool = NonNullable<RawEks["nodePools"]>[number];

/** The fewest keys each managed target requires (its region and who may reach the API server). */
export const RAW_CLUSTERS = {
  eks: { region: "eu-west-1", publicAccessCidrs: ["198.18.0.0/24"] },
  gke: {
    project: "my-project-1",
    region: "europe-west1",
    masterAuthorizedNetworks: [{ name: "office", cidr: "198.18.0.0/24" }],
  },
  aks: { location: "westeurope", adminGroupObjectIds: ["00000000-0000-0000-0000-000000000001"] },
  doks: { region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] },
} as const;

export interface FixtureOptions {
  /** The stack profile (default "dev"): the preset the keys left out come from. */
  profile?: Profile;
  /** The stack name (default "test"): the default cluster name is `<project>-<stack>`. */
  stack?: string;
  project?: string;
  /** Top-level `tags`, added to the stack's own. */
  tags?: Record<string, string>;
  /** Other top-level keys of the stack config (addons, apps, …), for their cross-checks. */
  config?: Record<string, unknown>;
}

/**
 * The prod profile needs an ACME e-mail for its default Let's Encrypt issuer, and key holders for
 * Vault's initialisation (ha mode).
 */
const PROD_ADDONS = { certManager: { email: "platform@kube-platform.dev" }, vault: { init: VAULT_INIT } };

/** Runs the config parser on a stack config whose `cluster` is `cluster`. */
export function parsedCluster(
  cluster: Record<string, unknown>,
  options: FixtureOptions = {},
): ClusterSettings {
  const { profile = "dev", stack = "test", project = "kube-platform", tags, config = {} } = options;
  const raw: Record<string, unknown> = {
    profile,
    ...(profile === "prod" ? { addons: PROD_ADDONS } : {}),
    ...(tags ? { tags } : {}),
    ...(cluster.target === "existing" && !("kubeconfigPath" in cluster)
      ? { kubeconfig: SAMPLE_KUBECONFIG }
      : {}),
    ...config,
    cluster,
  };
  return parseConfig(raw, { project, stack }).cluster;
}

type TargetSettings<T extends ClusterSettings["target"]> = Extract<ClusterSettings, { target: T }>;

function isTarget<T extends ClusterSettings["target"]>(
  target: T,
  settings: ClusterSettings,
): settings is TargetSettings<T> {
  return settings.target === target;
}

/** The parsed settings of `target`, or an error naming the target config gave instead. */
function ofTarget<T extends ClusterSettings["target"]>(
  target: T,
  settings: ClusterSettings,
): TargetSettings<T> {
  if (!isTarget(target, settings)) throw new Error(`expected ${target} settings, got ${settings.target}`);
  return settings;
}

export function eksSettings(cluster: RawEks = {}, options?: FixtureOptions): EksSettings {
  return ofTarget("eks", parsedCluster({ target: "eks", ...RAW_CLUSTERS.eks, ...cluster }, options));
}

export function gkeSettings(cluster: RawGke = {}, options?: FixtureOptions): GkeSettings {
  return ofTarget("gke", parsedCluster({ target: "gke", ...RAW_CLUSTERS.gke, ...cluster }, options));
}

export function aksSettings(cluster: RawAks = {}, options?: FixtureOptions): AksSettings {
  return ofTarget("aks", parsedCluster({ target: "aks", ...RAW_CLUSTERS.aks, ...cluster }, options));
}

export function doksSettings(cluster: RawDoks = {}, options?: FixtureOptions): DoksSettings {
  return ofTarget("doks", parsedCluster({ target: "doks", ...RAW_CLUSTERS.doks, ...cluster }, options));
}

/** The existing target; the kubeconfig is SAMPLE_KUBECONFIG unless `config.kubeconfig` says otherwise. */
export function existingSettings(cluster: RawExisting = {}, options?: FixtureOptions): ExistingSettings {
  return ofTarget("existing", parsedCluster({ target: "existing", ...cluster }, options));
}

/**
 * One node pool as config makes it: `pool` is the raw pool (its name defaults to "general"),
 * parsed as the only pool of a `target` cluster (the target decides the pool-name rule).
 */
export function nodePoolSettings(
  pool: Partial<RawNodePool> = {},
  target: "eks" | "gke" | "aks" | "doks" = "eks",
  options?: FixtureOptions,
): NodePoolSettings {
  const cluster = { target, ...RAW_CLUSTERS[target], nodePools: [{ name: "general", ...pool }] };
  const settings = parsedCluster(cluster, options);
  const [parsed] = "nodePools" in settings ? settings.nodePools : [];
  if (!parsed) throw new Error(`the ${target} settings have no node pool`);
  return parsed;
}
