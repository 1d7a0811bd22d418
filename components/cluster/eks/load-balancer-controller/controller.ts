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
import { pinnedRelease } from "../../../addons/base";
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
  const release = pinnedRelease(
    part,
    {
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
    },
    { provider: a.provider, parent, dependsOn: a.dependsOn },
  );
  return { identity, release };
}

/**
 * The namespace label that has the controller inject its pod readiness gate (docs/deploy/
 * pod_readiness_gate.md at the controller's tag): with IP targets the NLB reaches the pods directly,
 * and a pod Ready for Kubernetes is not yet registered and healthy in the target group (the
 * controller's default health check: TCP, every 10 s, healthy after 3: docs/guide/service/annotations.md), so a rollout or a node drain faster than that leaves the NLB with only initial or
 * draining targets ("this results in service outage", the same page). With the gate a new pod turns
 * Ready only once its target is healthy, so the rolling update and the PodDisruptionBudget wait for
 * it. The chart's pod webhook (templates/webhook.yaml `mpod.elbv2.k8s.aws`, rendered with the values
 * of ./values.ts: webhookNamespaceSelectors and objectSelector unset, so it matches pods created in
 * namespaces with this label, the controller's own excluded; CREATE only; failurePolicy
 * podMutatorWebhookConfig.failurePolicy, `Ignore` by default, so pods are admitted without a gate
 * while the controller is down) injects `target-health.elbv2.k8s.aws/<TargetGroupBinding>` gates at a
 * pod's creation only, and only for pods selected by a Service that an IP TargetGroupBinding in the
 * same namespace refers to (pkg/inject/pod_readiness/pod_readiness_gate.go
 * computeTargetHealthReadinessGateConditionTypes; --enable-pod-readiness-gate-inject defaults to
 * true: pod_readiness_gate_config.go). The controller registers pods whose containers are ready
 * while the gate is still pending (pkg/backend/endpoint_resolver.go), so the gate cannot hold
 * itself. Readiness does not hold a pod's deletion.
 */
export const POD_READINESS_GATE_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
};

/**
 * What LoadBalancer Services of the cluster get: an NLB of the controller (its class, IP targets, the
 * configured scheme), reached by its DNS name, and the pod readiness gate's label for the namespace
 * of the pods behind them (POD_READINESS_GATE_NAMESPACE_LABELS). Subnets: the controller places an
 * internet-facing NLB in the subnets tagged `kubernetes.io/role/elb` and an internal one in those
 * tagged `kubernetes.io/role/internal-elb`, skipping subnets whose `kubernetes.io/cluster/<name>`
 * tag names another cluster (docs/deploy/subnet_discovery.md); eks/network.ts tags the public and
 * private subnets so. Security groups: it creates a frontend group per NLB and one shared backend group,
 * and lets the backend group reach the targets' ports in the pods' security group, the cluster
 * security group (EKS tags it `kubernetes.io/cluster/<name>: owned`), deleting all of them with the
 * Service (docs/deploy/security_groups.md; docs/guide/service/nlb.md "Security group").
 */
export function eksLoadBalancer(scheme: EksLoadBalancerScheme): ClusterLoadBalancer {
  return {
    addressKind: "hostname",
    serviceAnnotations: eksLoadBalancerServiceAnnotations(scheme),
    loadBalancerClass: AWS_LOAD_BALANCER_CLASS,
    controllerNamespaceLabels: { ...POD_READINESS_GATE_NAMESPACE_LABELS },
  };
}
