import { ClusterComponentOptions, ClusterSettings, ManagedCluster, assertNever } from "./types";

export * from "./types";

/*
 * Each target is loaded only when chosen: a target module pulls in its cloud SDK, and loading all
 * four costs every `pulumi up` about 0.4 s and 35 MB (docs/benchmarks.md) for SDKs it never uses.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
  eks: () => (require("./eks") as typeof import("./eks")).EksCluster,
  gke: () => (require("./gke") as typeof import("./gke")).GkeCluster,
  aks: () => (require("./aks") as typeof import("./aks")).AksCluster,
  doks: () => (require("./doks") as typeof import("./doks")).DoksCluster,
  existing: () => (require("./existing") as typeof import("./existing")).ExistingCluster,
};
/* eslint-enable @typescript-eslint/no-require-imports */

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
      return new (load.eks())(name, settings, opts);
    case "gke":
      return new (load.gke())(name, settings, opts);
    case "aks":
      return new (load.aks())(name, settings, opts);
    case "doks":
      return new (load.doks())(name, settings, opts);
    case "existing":
      return new (load.existing())(name, settings, opts);
    default:
      return assertNever(settings, "cluster target");
  }
}
