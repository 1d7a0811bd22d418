/**
 * Karpenter on an EKS cluster (cluster.nodeAutoscaling: karpenter): its AWS side (./aws.ts), the
 * system node groups it runs on (./system-pool.ts), its releases and the NodePools of the
 * platform's pools (./controller.ts). EksCluster puts `ready` in the contract's `ready`, so every
 * add-on and workload is created once capacity can be launched and deleted, on destroy, before it.
 */
import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { EksAws } from "../account";
import type { EksKarpenterSettings, EksSettings } from "../settings";
import { Binder, karpenterAws } from "./aws";
import { karpenterNodePools, karpenterReleases } from "./controller";

export { KARPENTER_DISCOVERY_TAG, KARPENTER_SERVICE_ACCOUNT } from "./aws";
export { SYSTEM_POOL_NAME, systemNodeGroups, systemPoolSettings } from "./system-pool";
export * from "./node-classes";
export * from "./rules";
export * from "./values";

/** Karpenter's settings of a cluster whose nodes it scales; a programming error otherwise. */
export function karpenterSettings(s: EksSettings): EksKarpenterSettings {
  if (s.nodeAutoscaling !== "karpenter" || !s.karpenter)
    throw new Error(
      `EKS ${s.clusterName}: Karpenter's settings are read where nodeAutoscaling is ${s.nodeAutoscaling}`,
    );
  return s.karpenter;
}

export interface EksKarpenterArgs {
  env: EksAws;
  cluster: aws.eks.Cluster;
  bind: Binder;
  provider: k8s.Provider;
  parent: pulumi.Resource;
  /** What the controller waits for besides its AWS side: the system node groups, CoreDNS, API access. */
  dependsOn: pulumi.Resource[];
}

/**
 * Karpenter's AWS side, releases, node classes and NodePools. `ready`: the releases, the node
 * classes and the NodePools (each Ready), which depend on everything else here.
 */
export function eksKarpenter(
  name: string,
  s: EksSettings,
  a: EksKarpenterArgs,
): { ready: pulumi.Resource[] } {
  const k = karpenterSettings(s);
  const side = karpenterAws(name, s, a.env, { cluster: a.cluster, bind: a.bind });
  const inCluster = {
    s,
    k,
    cluster: a.cluster,
    aws: side,
    provider: a.provider,
    parent: a.parent,
    dependsOn: a.dependsOn,
  };
  const releases = karpenterReleases(name, inCluster);
  const { nodeClasses, nodePools } = karpenterNodePools(name, inCluster, releases);
  return { ready: [releases.crds, releases.controller, ...nodeClasses, ...nodePools] };
}
