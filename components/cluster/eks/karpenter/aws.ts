/**
 * Karpenter's AWS side, as Karpenter's CloudFormation template and getting-started guide set it up
 * (aws/karpenter-provider-aws at the tag of CHARTS.karpenter, website/content/en/v1.14/
 * getting-started/getting-started-with-karpenter/cloudformation.yaml and reference/cloudformation.md):
 * the controller's identity and permissions, the interruption queue with its policy and EventBridge
 * rules, the role of Karpenter's nodes with its access entry, and the discovery tag on the cluster
 * security group (the private subnets carry it from eks/network.ts). Created only with
 * `nodeAutoscaling: karpenter`; the Karpenter release and its node classes (eks/karpenter/ of
 * EksCluster's wiring) wait for `ready`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BoundIdentity, EksSettings, ServiceAccountRef } from "../../types";
import { EksAws } from "../account";
import { namePrefix } from "../names";
import { nodeRole } from "../nodes";
import {
  INTERRUPTION_EVENTS,
  INTERRUPTION_TARGET_ID,
  interruptionEventPattern,
  interruptionQueuePolicy,
  karpenterControllerPolicy,
} from "./iam";
import { EVENT_RULE_NAME_PREFIX_MAX, KARPENTER_DISCOVERY_TAG, interruptionQueueName } from "./names";

export { KARPENTER_DISCOVERY_TAG } from "./names";

/** Binds a ServiceAccount to an AWS identity with one inline policy (eks/identity.ts bindWithInlinePolicy). */
export type Binder = (
  b: { name: string; sa: ServiceAccountRef; policyName: string },
  policy: pulumi.Input<string>,
  parent: pulumi.Resource,
) => BoundIdentity;

/** The controller's ServiceAccount: the chart's default name, in the namespace the guide installs it. */
export const KARPENTER_SERVICE_ACCOUNT: ServiceAccountRef = { namespace: "kube-system", name: "karpenter" };

export interface KarpenterAws {
  /** The controller's identity (its annotations resolve once it is usable). */
  controller: BoundIdentity;
  /** The interruption queue's name (the chart's settings.interruptionQueue). */
  interruptionQueueName: pulumi.Output<string>;
  /** The name of the role Karpenter's nodes run as (EC2NodeClass spec.role). */
  nodeRoleName: pulumi.Output<string>;
  /** What the controller release and the node classes wait for (access entry, SG tag, queue policy, rules). */
  ready: pulumi.Resource[];
}

/** The interruption queue and what feeds it. */
interface InterruptionQueue {
  queue: aws.sqs.Queue;
  /** The queue policy, the EventBridge rules and their targets. */
  feeds: pulumi.Resource[];
}

/**
 * The interruption queue (the template's KarpenterInterruptionQueue: named after the cluster,
 * messages kept 300 seconds, SSE with SQS-owned keys), its policy, and one EventBridge rule per
 * interruption event with the queue as its target. Karpenter reads it to taint, drain and replace a
 * node ahead of a spot interruption (2 minutes' notice), a scheduled maintenance or an instance
 * stopping or terminating; rebalance recommendations only become Kubernetes events (Karpenter docs,
 * website/content/en/v1.14/concepts/disruption.md "Interruption").
 */
function interruptionQueue(name: string, s: EksSettings, env: EksAws): InterruptionQueue {
  const queue = new aws.sqs.Queue(
    `${name}-karpenter-interruption`,
    {
      name: interruptionQueueName(s.clusterName),
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
    },
    env.child,
  );
  const policy = new aws.sqs.QueuePolicy(
    `${name}-karpenter-interruption`,
    { queueUrl: queue.url, policy: queue.arn.apply(interruptionQueuePolicy) },
    env.child,
  );
  const feeds: pulumi.Resource[] = [policy];
  for (const event of INTERRUPTION_EVENTS) {
    const rule = new aws.cloudwatch.EventRule(
      `${name}-karpenter-${event.key}`,
      {
        namePrefix: namePrefix([s.clusterName, "karpenter", event.key], EVENT_RULE_NAME_PREFIX_MAX),
        description: `Karpenter interruption handling of EKS ${s.clusterName}: ${event.detailType}`,
        eventPattern: interruptionEventPattern(event),
      },
      env.child,
    );
    const target = new aws.cloudwatch.EventTarget(
      `${name}-karpenter-${event.key}`,
      { rule: rule.name, arn: queue.arn, targetId: INTERRUPTION_TARGET_ID },
      env.child,
    );
    feeds.push(rule, target);
  }
  return { queue, feeds };
}

/**
 * The role Karpenter's nodes run as (nodeRole, `<name>-karpenter-node`) and its access entry.
 * EKS adds the entries of managed node groups' roles by itself, not of any other role (EKS user
 * guide, "Create access entries"), and a principal can be in one access entry only: hence a role
 * of Karpenter's own, entered as EC2_LINUX (Linux and Bottlerocket nodes; the username
 * system:node:{{EC2PrivateDNSName}} and the node groups follow from the type).
 */
function nodeAccess(
  name: string,
  s: EksSettings,
  env: EksAws,
  cluster: aws.eks.Cluster,
): { role: aws.iam.Role; ready: pulumi.Resource[] } {
  const node = nodeRole(name, s, env, "karpenter-node");
  const entry = new aws.eks.AccessEntry(
    `${name}-karpenter-node`,
    { clusterName: cluster.name, principalArn: node.role.arn, type: "EC2_LINUX" },
    env.child,
  );
  return { role: node.role, ready: [...node.policies, entry] };
}

/**
 * The controller's permissions (eks/karpenter/iam.ts) for this cluster, its queue and its node
 * role, as one inline policy: every statement of the template fits the role's inline quota.
 */
function controllerPolicy(
  s: EksSettings,
  env: EksAws,
  queue: aws.sqs.Queue,
  nodeRoleArn: pulumi.Output<string>,
): pulumi.Output<string> {
  return pulumi
    .all([env.partition, env.accountId, queue.arn, nodeRoleArn])
    .apply(([partition, accountId, queueArn, roleArn]) =>
      karpenterControllerPolicy({
        partition,
        region: s.region,
        accountId,
        clusterName: s.clusterName,
        queueArn,
        nodeRoleArn: roleArn,
      }),
    );
}

/**
 * Karpenter's AWS resources for the cluster `a.cluster` (children of the EksCluster component, named
 * `<name>-karpenter-…`), the controller bound through `a.bind` to KARPENTER_SERVICE_ACCOUNT. Nothing
 * here is protected: the queue holds messages for minutes, the roles and rules are re-created alike.
 */
export function karpenterAws(
  name: string,
  s: EksSettings,
  env: EksAws,
  a: { cluster: aws.eks.Cluster; bind: Binder },
): KarpenterAws {
  const { queue, feeds } = interruptionQueue(name, s, env);
  const node = nodeAccess(name, s, env, a.cluster);
  const controller = a.bind(
    { name: `${name}-karpenter`, sa: KARPENTER_SERVICE_ACCOUNT, policyName: `${name}-karpenter-controller` },
    controllerPolicy(s, env, queue, node.role.arn),
    env.child.parent,
  );
  // The security group EKS creates for the cluster, which the nodes use (the launch templates name
  // none): Karpenter's node classes select it by this tag (getting-started, migrating-from-cas
  // step06-tag-security-groups.sh, "configured to use only Cluster security group").
  const securityGroupTag = new aws.ec2.Tag(
    `${name}-karpenter-discovery-sg`,
    {
      resourceId: a.cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId),
      key: KARPENTER_DISCOVERY_TAG,
      value: s.clusterName,
    },
    env.child,
  );
  return {
    controller,
    interruptionQueueName: queue.name,
    nodeRoleName: node.role.name,
    ready: [...node.ready, securityGroupTag, ...feeds],
  };
}
