import { AksCluster } from "./aks";
import { DoksCluster } from "./doks";
import { EksCluster } from "./eks";
import { ExistingCluster } from "./existing";
import { GkeCluster } from "./gke";
import { ClusterComponentOptions, ClusterSettings, ManagedCluster, assertNever } from "./types";

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
    case "eks":
      return new EksCluster(name, settings, opts);
    case "gke":
      return new GkeCluster(name, settings, opts);
    case "aks":
      return new AksCluster(name, settings, opts);
    case "doks":
      return new DoksCluster(name, settings, opts);
    case "existing":
      return new ExistingCluster(name, settings, opts);
    default:
      return assertNever(settings, "cluster target");
  }
}
