/**
 * The AWS Load Balancer Controller on an EKS cluster: its AWS identity (the controller's policy,
 * through the cluster's binder: Pod Identity or IRSA), its Helm release in kube-system, and the
 * `loadBalancer` record the cluster publishes, whose LoadBalancer Services it serves as NLBs with
 * IP targets.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AWS_LOAD_BALANCER_CLASS, eksLoadBalancerServiceAnnotations } from "../../capabilities";
import type { BoundIdentity, ClusterLoadBalancer, ServiceAccountRef } from "../../types";
import type { EksLoadBalancerScheme } from "../settings";
import { clusterRelease } from "../release";
import { loadBalancerControllerPolicy } from "./iam";
import { LBC_NAMESPACE, LBC_RELEASE, LBC_SERVICE_ACCOUNT, loadBalancerControllerValues } from "./values";

export * from "./iam";
export * from "./values";

/** The cluster's binder of ServiceAccounts to AWS identities with an inline policy (eks/identity.ts). */
export type BindWithPolicy = (
  b: { name: string; sa: ServiceAccountRef; policyName: string },
  policy: pulumi.Input<string>,
  parent: pulumi.Resource,
) => BoundIdentity;

export interface LoadBalancerControllerArgs {
  clusterName: string;
  region: string;
  partition: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  bind: BindWithPolicy;
  provider: k8s.Provider;
  /** What the release waits for besides its identity: the nodes, CoreDNS, the deployer's API access. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * The controller's identity and release (`<name>-load-balancer-controller`), children of `parent`.
 * The release's values carry the binding's annotations, so it waits until the identity can be used
 * (a pod started before its Pod Identity association never gets credentials).
 */
export function loadBalancerController(
  name: string,
  a: LoadBalancerControllerArgs,
  parent: pulumi.Resource,
): { identity: BoundIdentity; release: k8s.helm.v3.Release } {
  const part = `${name}-load-balancer-controller`;
  const identity = a.bind(
    { name: part, sa: LBC_SERVICE_ACCOUNT, policyName: part },
    pulumi.output(a.partition).apply((p) => loadBalancerControllerPolicy(p, a.clusterName)),
    parent,
  );
  const release = clusterRelease({
    name: part,
    chart: "awsLoadBalancerController",
    releaseName: LBC_RELEASE,
    namespace: LBC_NAMESPACE,
    values: loadBalancerControllerValues({
      clusterName: a.clusterName,
      region: a.region,
      vpcId: a.vpcId,
      serviceAccountAnnotations: identity.serviceAccountAnnotations,
      podLabels: identity.podLabels,
    }),
    provider: a.provider,
    parent,
    dependsOn: a.dependsOn,
  });
  return { identity, release };
}

/**
 * What LoadBalancer Services of the cluster get: an NLB of the controller (its class, IP targets, the
 * configured scheme), reached by its DNS name. Subnets: the controller places an internet-facing NLB
 * in the subnets tagged `kubernetes.io/role/elb` and an internal one in those tagged
 * `kubernetes.io/role/internal-elb`, skipping subnets whose `kubernetes.io/cluster/<name>` tag names
 * another cluster (docs/deploy/subnet_discovery.md); eks/network.ts tags the public and private
 * subnets so. Security groups: it creates a frontend group per NLB and one shared backend group,
 * and lets the backend group reach the targets' ports in the pods' security group, the cluster
 * security group (EKS tags it `kubernetes.io/cluster/<name>: owned`), deleting all of them with the
 * Service (docs/deploy/security_groups.md; docs/guide/service/nlb.md "Security group").
 */
export function eksLoadBalancer(scheme: EksLoadBalancerScheme): ClusterLoadBalancer {
  return {
    addressKind: "hostname",
    serviceAnnotations: eksLoadBalancerServiceAnnotations(scheme),
    loadBalancerClass: AWS_LOAD_BALANCER_CLASS,
  };
}
