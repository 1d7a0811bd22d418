import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterComponentOptions, ClusterTarget, ManagedCluster, UnsealKms, WorkloadIdentity } from "./types";

/** How a target scales its nodes (EKS narrows it to cluster-autoscaler or Karpenter). */
export type NodeAutoscaling = ManagedCluster["nodeAutoscaling"];

/** What a target publishes when its constructor is done: the contract without its target tag. */
export type ClusterContract<A extends NodeAutoscaling = NodeAutoscaling> = Omit<
  ManagedCluster,
  "target" | "nodeAutoscaling"
> & { nodeAutoscaling: A };

/**
 * The one declaration of the cluster contract's fields. Every target extends this class, builds its
 * resources with free functions and ends its constructor with `publish(...)`: the fields read
 * below are the published record, so no target re-declares them and none can forget one (the record
 * is type-checked whole). Reading the contract before `publish` is a programming error, reported with
 * the component's name.
 */
export abstract class ClusterComponent<A extends NodeAutoscaling = NodeAutoscaling>
  extends pulumi.ComponentResource
  implements ManagedCluster
{
  abstract readonly target: ClusterTarget;
  private published: ClusterContract<A> | undefined;
  private readonly componentName: string;

  protected constructor(type: string, name: string, opts?: ClusterComponentOptions) {
    super(type, name, {}, opts);
    this.componentName = `${type} ${name}`;
  }

  /**
   * Completes the component: the contract becomes readable and the component's outputs are registered
   * (the cluster name and the secret kubeconfig, plus `extraOutputs`).
   */
  protected publish(contract: ClusterContract<A>, extraOutputs: pulumi.Inputs = {}): void {
    this.published = contract;
    this.registerOutputs({
      clusterName: contract.clusterName,
      kubeconfig: contract.kubeconfig,
      ...extraOutputs,
    });
  }

  private get contract(): ClusterContract<A> {
    if (!this.published)
      throw new Error(`${this.componentName}: the cluster contract is read before publish()`);
    return this.published;
  }

  get clusterName(): pulumi.Output<string> {
    return this.contract.clusterName;
  }
  get region(): string {
    return this.contract.region;
  }
  get kubernetesVersion(): string {
    return this.contract.kubernetesVersion;
  }
  get kubeconfig(): pulumi.Output<string> {
    return this.contract.kubeconfig;
  }
  get provider(): k8s.Provider {
    return this.contract.provider;
  }
  get ready(): pulumi.Resource[] {
    return this.contract.ready;
  }
  get storageReady(): pulumi.Resource[] {
    return this.contract.storageReady;
  }
  get defaultStorageClass(): pulumi.Output<string> {
    return this.contract.defaultStorageClass;
  }
  get loadBalancer(): ManagedCluster["loadBalancer"] {
    return this.contract.loadBalancer;
  }
  get hasMetricsApi(): boolean {
    return this.contract.hasMetricsApi;
  }
  get kubeletCertsTrusted(): boolean | undefined {
    return this.contract.kubeletCertsTrusted;
  }
  get nodeAutoscaling(): A {
    return this.contract.nodeAutoscaling;
  }
  get workloadIdentity(): ManagedCluster["workloadIdentity"] {
    return this.contract.workloadIdentity;
  }
  get unsealKms(): ManagedCluster["unsealKms"] {
    return this.contract.unsealKms;
  }
  get dns(): ManagedCluster["dns"] {
    return this.contract.dns;
  }
}

/**
 * A target that always has a workload identity and an unseal KMS: the contract's optional fields,
 * read as present (a target that published none is a programming error, named here).
 */
export abstract class IdentityClusterComponent<
  A extends NodeAutoscaling = NodeAutoscaling,
> extends ClusterComponent<A> {
  override get workloadIdentity(): WorkloadIdentity {
    return present(super.workloadIdentity, this, "workloadIdentity");
  }
  override get unsealKms(): UnsealKms {
    return present(super.unsealKms, this, "unsealKms");
  }
}

function present<T>(value: T | undefined, cluster: ClusterComponent, field: string): T {
  if (value === undefined) throw new Error(`cluster target ${cluster.target} published no ${field}`);
  return value;
}
