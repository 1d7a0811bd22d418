/**
 * The `cluster` section of stack config: one schema per target, chosen by `cluster.target`. Each
 * schema's output is checked at compile time against the settings its component takes (without
 * the stack-wide tags config adds to managed targets), so the parsed section needs no cast.
 */
import { z } from "zod";
import {
  AksSettings,
  DoksSettings,
  EksSettings,
  ExistingSettings,
  GkeSettings,
} from "../../components/cluster/types";
import type { Profile } from "../../components/shared/profile";
import { existingClusterSchema } from "../existing-config";
import { aksClusterSchema } from "./aks";
import { doksClusterSchema } from "./doks";
import { eksClusterSchema } from "./eks";
import { gkeClusterSchema } from "./gke";

export { DEFAULT_KUBERNETES_VERSION, DEFAULT_MACHINE_TYPES, PROFILE_DEFAULTS, type Preset } from "./common";

/** What a managed target's section parses to: its settings but the tags. */
type Section<S> = z.ZodType<{ target: string } & Omit<S, "tags">>;

/** The cluster schemas for a profile (defaults come from the profile's preset). */
export function clusterSchema(profile: Profile, defaultClusterName: string) {
  return z.discriminatedUnion("target", [
    eksClusterSchema(profile, defaultClusterName) satisfies Section<EksSettings>,
    gkeClusterSchema(profile, defaultClusterName) satisfies Section<GkeSettings>,
    aksClusterSchema(profile, defaultClusterName) satisfies Section<AksSettings>,
    // autoUpgrade's default depends on addons.vault: parseConfig resolves it (doksAutoUpgrade).
    doksClusterSchema(profile, defaultClusterName) satisfies Section<
      Omit<DoksSettings, "autoUpgrade"> & { autoUpgrade?: boolean }
    >,
    // The kubeconfig (a secret, or read from kubeconfigPath) is added by parseConfig.
    existingClusterSchema(defaultClusterName) satisfies z.ZodType<
      { target: "existing"; kubeconfigPath?: string } & Omit<ExistingSettings, "kubeconfig">
    >,
  ]);
}

/** A parsed `cluster` section. */
export type ClusterSection = z.output<ReturnType<typeof clusterSchema>>;
