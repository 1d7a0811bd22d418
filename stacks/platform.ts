import * as pulumi from "@pulumi/pulumi";
import { createCluster, ManagedCluster } from "../components/cluster";
import { PlatformConfig } from "./config";

/**
 * One platform: the cluster (and, in later layers, its add-ons and workloads). `name` prefixes
 * every resource, so several platforms can live in one program without colliding.
 */
export class Platform extends pulumi.ComponentResource {
  readonly cluster: ManagedCluster;
  readonly outputs: {
    target: string;
    clusterName: pulumi.Output<string>;
    region: string;
    kubeconfig: pulumi.Output<string>;
    defaultStorageClass: pulumi.Output<string>;
  };

  constructor(name: string, cfg: PlatformConfig, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:index:Platform", name, {}, opts);
    this.cluster = createCluster(`${name}-cluster`, cfg.cluster, { parent: this });
    this.outputs = {
      target: this.cluster.target,
      clusterName: this.cluster.clusterName,
      region: this.cluster.region,
      kubeconfig: this.cluster.kubeconfig,
      defaultStorageClass: this.cluster.defaultStorageClass,
    };
    this.registerOutputs(this.outputs);
  }
}

export function buildPlatform(name: string, cfg: PlatformConfig): Platform {
  return new Platform(name, cfg);
}
