/**
 * The modeled deploy: the registered resources as a dependency graph weighted by provisioning
 * durations (./build.ts, with the edges it draws), its longest (critical) path, the groups and the
 * physical limit it is compared with (./groups.ts), and the waits the Kubernetes provider adds
 * (./await-edges.ts).
 */
export * from "./build";
export * from "./groups";
export * from "./await-edges";
