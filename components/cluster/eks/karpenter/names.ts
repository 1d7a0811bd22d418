/** Cloud names of Karpenter's AWS resources and their limits (pure functions, no Pulumi). */

/**
 * SQS queue names: 1 to 80 characters, alphanumerics, hyphens and underscores (SQS API reference,
 * CreateQueue: QueueName).
 */
export const SQS_QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * The interruption queue's name: the cluster's, as Karpenter's CloudFormation template names it
 * (KarpenterInterruptionQueue QueueName `${ClusterName}`). Cluster names are DNS labels of at most
 * CLUSTER_NAME_MAX characters, so always a valid queue name; anything else is refused.
 */
export function interruptionQueueName(clusterName: string): string {
  if (!SQS_QUEUE_NAME.test(clusterName)) {
    throw new Error(
      `cluster name "${clusterName}" is not a valid SQS queue name (1-80 letters, digits, "-" or "_")`,
    );
  }
  return clusterName;
}

/**
 * EventBridge rule `namePrefix`: rule names have at most 64 characters, and the provider appends a
 * 26-character unique suffix to a prefix (EventBridge API reference, PutRule: Name).
 */
export const EVENT_RULE_NAME_PREFIX_MAX = 38;

/**
 * The tag by which Karpenter's EC2NodeClass selects the node subnets and security groups (value: the
 * cluster's name), as Karpenter's getting-started guide tags them (website/content/en/v1.14/
 * getting-started/migrating-from-cas/scripts/step05-tag-subnets.sh, step06-tag-security-groups.sh).
 */
export const KARPENTER_DISCOVERY_TAG = "karpenter.sh/discovery";
