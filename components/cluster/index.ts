import { ClusterComponentOptions, ClusterSettings, ManagedCluster, assertNever } from "./types";
import { ExistingCluster } from "./existing";

export * from "./types";

/**
 * Creates the cluster for the configured target. Each target returns the same ManagedCluster
 * contract; a target added to ClusterSettings without a case here fails to compile.
 */
export function createCluster(
  name: string,
  settings: ClusterSettings,
  opts?: ClusterComponentOptions,
): ManagedCluster {
  switch (settings.target) {
    case "existing":
      return new ExistingCluster(name, settings, opts);
    case "eks":
    case "gke":
    case "aks":
    case "doks":
      throw new Error(`target ${settings.target} is being integrated`);
    default:
      return assertNever(settings, "cluster target");
  }
}
