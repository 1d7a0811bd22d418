import * as pulumi from "@pulumi/pulumi";
import { PlatformAddOns } from "../components/addons";
import { createCluster, ManagedCluster } from "../components/cluster";
import { WorkloadContext, Workloads } from "../components/workloads";
import { PlatformConfig } from "./config";

/** The stack outputs of one platform. Only the kubeconfig and the Grafana password are secrets. */
export interface PlatformOutputs {
  target: string;
  clusterName: pulumi.Output<string>;
  region: string;
  kubeconfig: pulumi.Output<string>;
  defaultStorageClass: pulumi.Output<string>;
  /** IngressClass workloads use ("" when the ingress add-on is disabled). */
  ingressClass: string;
  /** The ingress load balancer's hostname or IP ("" until the cloud assigns it, or when disabled). */
  loadBalancerAddress: pulumi.Output<string>;
  /** ClusterIssuer workloads use ("" when cert-manager is disabled). */
  clusterIssuer: string;
  /** In-cluster address of Vault ("" when disabled). */
  vaultAddress: string;
  /** Grafana's generated admin password (secret; "" when monitoring is disabled). */
  grafanaAdminPassword: pulumi.Output<string>;
  /** Per app: its public URL ("" without a host) and in-cluster address. */
  apps: pulumi.Output<Record<string, { url: string; serviceHost: string }>>;
}

/**
 * One platform: the cluster, its add-ons and the stack's workloads. `name` prefixes every
 * resource, so several platforms can live in one program without colliding.
 */
export class Platform extends pulumi.ComponentResource {
  readonly cluster: ManagedCluster;
  readonly addons: PlatformAddOns;
  readonly workloads: Workloads;
  readonly outputs: PlatformOutputs;

  constructor(name: string, cfg: PlatformConfig, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:index:Platform", name, {}, opts);
    this.cluster = createCluster(`${name}-cluster`, cfg.cluster, { parent: this });
    this.addons = new PlatformAddOns(
      `${name}-addons`,
      { cluster: this.cluster, settings: cfg.addons },
      { parent: this },
    );
    this.workloads = new Workloads(
      `${name}-workloads`,
      { apps: cfg.apps, ctx: workloadContext(this.cluster, this.addons) },
      { parent: this },
    );
    this.outputs = {
      target: this.cluster.target,
      clusterName: this.cluster.clusterName,
      region: this.cluster.region,
      kubeconfig: this.cluster.kubeconfig,
      defaultStorageClass: this.cluster.defaultStorageClass,
      ingressClass: this.addons.ingressClass ?? "",
      loadBalancerAddress: this.addons.loadBalancerAddress ?? pulumi.output(""),
      clusterIssuer: this.addons.clusterIssuer ?? "",
      vaultAddress: this.addons.vaultAddress ?? "",
      grafanaAdminPassword: this.addons.grafanaAdminPassword ?? pulumi.secret(""),
      apps: this.workloads.endpoints,
    };
    this.registerOutputs(this.outputs);
  }
}

/** What the workloads get from the cluster and the add-ons (only what is installed). */
export function workloadContext(cluster: ManagedCluster, addons: PlatformAddOns): WorkloadContext {
  return {
    provider: cluster.provider,
    dependsOn: cluster.ready,
    highAvailability: addons.highAvailability,
    kubernetesVersion: cluster.kubernetesVersion,
    ...addons.services,
  };
}

export function buildPlatform(name: string, cfg: PlatformConfig): Platform {
  return new Platform(name, cfg);
}
