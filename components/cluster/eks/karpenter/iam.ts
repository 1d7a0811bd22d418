/**
 * Karpenter's AWS policy documents and interruption events (pure functions, no Pulumi), as
 * Karpenter's own CloudFormation template defines them for the chart the platform pins
 * (CHARTS.karpenter): aws/karpenter-provider-aws, at the tag of that release,
 * website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml (the
 * same file as website/content/en/v1.14/… of the docs release; each statement is explained in
 * website/content/en/v1.14/reference/cloudformation.md). The template splits the controller's
 * permissions over six managed policies; here they are one document with the template's statements
 * (Sids, actions, resources and conditions unchanged) in the template's order. The AWS API calls the
 * controller makes are the interfaces of pkg/aws/sdk.go at the same tag: every one has a statement
 * (iam:GetRole is declared there but called by tests only).
 */

/** What the controller's permissions are scoped to. */
export interface KarpenterPolicyScope {
  partition: string;
  region: string;
  accountId: string;
  /** The EKS cluster's name (the template's ClusterName parameter). */
  clusterName: string;
  /** The interruption queue's ARN. */
  queueArn: string;
  /** The ARN of the role Karpenter's nodes run as (EC2NodeClass spec.role). */
  nodeRoleArn: string;
}

type Statement = Record<string, unknown>;

/** `arn:<partition>:ec2:<region>:*:<resource>/*` for each resource type. */
function ec2Arns(s: KarpenterPolicyScope, resources: string[]): string[] {
  return resources.map((r) => `arn:${s.partition}:ec2:${s.region}:*:${r}/*`);
}

/** The EC2 resources Karpenter creates (and tags on creation) for a node. */
const CREATED_EC2_RESOURCES = [
  "fleet",
  "instance",
  "volume",
  "network-interface",
  "launch-template",
  "spot-instances-request",
];

/** The tags every resource Karpenter creates carries, which its grants require (RequestTag). */
function ownedRequestTags(s: KarpenterPolicyScope): Record<string, string> {
  return {
    [`aws:RequestTag/kubernetes.io/cluster/${s.clusterName}`]: "owned",
    "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
  };
}

/** The template's NodeLifecyclePolicy: launching, tagging and terminating this cluster's nodes only. */
export function karpenterNodeLifecycleStatements(s: KarpenterPolicyScope): Statement[] {
  const ownedResource = { [`aws:ResourceTag/kubernetes.io/cluster/${s.clusterName}`]: "owned" };
  const anyNodePool = (kind: "ResourceTag" | "RequestTag") => ({
    [`aws:${kind}/karpenter.sh/nodepool`]: "*",
  });
  return [
    {
      Sid: "AllowScopedEC2InstanceAccessActions",
      Effect: "Allow",
      Resource: [
        `arn:${s.partition}:ec2:${s.region}::image/*`,
        `arn:${s.partition}:ec2:${s.region}::snapshot/*`,
        ...ec2Arns(s, ["security-group", "subnet", "capacity-reservation", "placement-group"]),
      ],
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
    },
    {
      Sid: "AllowScopedEC2LaunchTemplateAccessActions",
      Effect: "Allow",
      Resource: `arn:${s.partition}:ec2:${s.region}:*:launch-template/*`,
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Condition: { StringEquals: ownedResource, StringLike: anyNodePool("ResourceTag") },
    },
    {
      Sid: "AllowScopedEC2InstanceActionsWithTags",
      Effect: "Allow",
      Resource: ec2Arns(s, CREATED_EC2_RESOURCES),
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Condition: { StringEquals: ownedRequestTags(s), StringLike: anyNodePool("RequestTag") },
    },
    {
      Sid: "AllowScopedResourceCreationTagging",
      Effect: "Allow",
      Resource: ec2Arns(s, CREATED_EC2_RESOURCES),
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: {
          ...ownedRequestTags(s),
          "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
        },
        StringLike: anyNodePool("RequestTag"),
      },
    },
    {
      Sid: "AllowScopedResourceTagging",
      Effect: "Allow",
      Resource: `arn:${s.partition}:ec2:${s.region}:*:instance/*`,
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: ownedResource,
        StringLike: anyNodePool("ResourceTag"),
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": s.clusterName },
        "ForAllValues:StringEquals": {
          "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
        },
      },
    },
    {
      Sid: "AllowScopedDeletion",
      Effect: "Allow",
      Resource: ec2Arns(s, ["instance", "launch-template"]),
      Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      Condition: { StringEquals: ownedResource, StringLike: anyNodePool("ResourceTag") },
    },
  ];
}

/**
 * The template's IAMIntegrationPolicy: passing the node role (only it) to EC2, and managing the
 * instance profiles Karpenter generates for its EC2NodeClasses, scoped by their tags to this
 * cluster and region.
 */
export function karpenterIamIntegrationStatements(s: KarpenterPolicyScope): Statement[] {
  const instanceProfiles = `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`;
  const ownedResource = {
    [`aws:ResourceTag/kubernetes.io/cluster/${s.clusterName}`]: "owned",
    "aws:ResourceTag/topology.kubernetes.io/region": s.region,
  };
  const requestTags = { ...ownedRequestTags(s), "aws:RequestTag/topology.kubernetes.io/region": s.region };
  return [
    {
      Sid: "AllowPassingInstanceRole",
      Effect: "Allow",
      Resource: s.nodeRoleArn,
      Action: "iam:PassRole",
      // Literal in the template: the service principals of the commercial and China partitions.
      Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
    },
    {
      Sid: "AllowScopedInstanceProfileCreationActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: ["iam:CreateInstanceProfile"],
      Condition: {
        StringEquals: requestTags,
        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileTagActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: ["iam:TagInstanceProfile"],
      Condition: {
        StringEquals: { ...ownedResource, ...requestTags },
        StringLike: {
          "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
          "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
        },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: [
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:DeleteInstanceProfile",
      ],
      Condition: {
        StringEquals: ownedResource,
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
  ];
}

/** The ARN of an EKS cluster. */
export function eksClusterArn(s: KarpenterPolicyScope): string {
  return `arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.clusterName}`;
}

/**
 * The template's EKSIntegrationPolicy (the API endpoint of this cluster only), InterruptionPolicy
 * (reading and deleting the interruption queue's messages) and ZonalShiftPolicy (this cluster's
 * zonal shifts).
 */
export function karpenterClusterStatements(s: KarpenterPolicyScope): Statement[] {
  return [
    {
      Sid: "AllowAPIServerEndpointDiscovery",
      Effect: "Allow",
      Resource: eksClusterArn(s),
      Action: "eks:DescribeCluster",
    },
    {
      Sid: "AllowInterruptionQueueActions",
      Effect: "Allow",
      Resource: s.queueArn,
      Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
    },
    {
      Sid: "AllowZonalShiftStatusReadOnly",
      Effect: "Allow",
      Resource: "*",
      Action: ["arc-zonal-shift:GetManagedResource"],
      Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": eksClusterArn(s) } },
    },
  ];
}

/**
 * The template's ResourceDiscoveryPolicy: the EC2 reads of this region, the public AMI parameters
 * of SSM (`/aws/service/…`), prices, and instance profile reads.
 */
export function karpenterResourceDiscoveryStatements(s: KarpenterPolicyScope): Statement[] {
  return [
    {
      Sid: "AllowRegionalReadActions",
      Effect: "Allow",
      Resource: "*",
      Action: [
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceStatus",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribePlacementGroups",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
      ],
      Condition: { StringEquals: { "aws:RequestedRegion": s.region } },
    },
    {
      Sid: "AllowSSMReadActions",
      Effect: "Allow",
      Resource: `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`,
      Action: "ssm:GetParameter",
    },
    { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
    {
      Sid: "AllowUnscopedInstanceProfileListAction",
      Effect: "Allow",
      Resource: "*",
      Action: "iam:ListInstanceProfiles",
    },
    {
      Sid: "AllowInstanceProfileReadActions",
      Effect: "Allow",
      Resource: `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`,
      Action: "iam:GetInstanceProfile",
    },
  ];
}

/**
 * The most characters a role's inline policies may hold together; IAM does not count white space
 * (IAM user guide, "IAM and AWS STS quotas": role policy size). Splitting a document over several
 * inline policies of one role does not raise it.
 */
export const IAM_ROLE_INLINE_POLICIES_MAX = 10240;

/** A policy document's size as IAM counts it against its quotas (white space excluded). */
export function iamPolicySize(document: string): number {
  return document.replace(/\s/g, "").length;
}

/**
 * The controller's permissions: every statement of the template's six controller policies, as the
 * one inline policy of the controller's role. The longest cluster names, partitions, regions and
 * role names keep it under 7,000 characters; a document over the quota is refused here rather
 * than by PutRolePolicy halfway through a deployment.
 */
export function karpenterControllerPolicy(s: KarpenterPolicyScope): string {
  const document = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      ...karpenterNodeLifecycleStatements(s),
      ...karpenterIamIntegrationStatements(s),
      ...karpenterClusterStatements(s),
      ...karpenterResourceDiscoveryStatements(s),
    ],
  });
  const size = iamPolicySize(document);
  if (size > IAM_ROLE_INLINE_POLICIES_MAX) {
    throw new Error(
      `Karpenter's controller policy for cluster ${s.clusterName} has ${size} characters, more than the ${IAM_ROLE_INLINE_POLICIES_MAX} IAM allows a role's inline policies`,
    );
  }
  return document;
}

/**
 * The interruption queue's policy (the template's KarpenterInterruptionQueuePolicy): EventBridge
 * and SQS may send to it; any access without TLS is denied.
 */
export function interruptionQueuePolicy(queueArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Id: "EC2InterruptionPolicy",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
        Action: "sqs:SendMessage",
        Resource: queueArn,
      },
      {
        Sid: "DenyHTTP",
        Effect: "Deny",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": false } },
        Principal: "*",
      },
    ],
  });
}

/** One EventBridge rule of the template that feeds the interruption queue. */
export interface InterruptionEvent {
  /** Part of the rule's resource and cloud names. */
  key: string;
  /** The template's logical id of the rule. */
  templateRule: string;
  source: string;
  detailType: string;
}

/**
 * Every rule of the template (ScheduledChangeRule, SpotInterruptionRule, RebalanceRule,
 * InstanceStateChangeRule, CapacityReservationInterruptionRule), whose events Karpenter's interruption
 * controller handles (pkg/controllers/interruption/messages at the same tag).
 */
export const INTERRUPTION_EVENTS: readonly InterruptionEvent[] = [
  {
    key: "health",
    templateRule: "ScheduledChangeRule",
    source: "aws.health",
    detailType: "AWS Health Event",
  },
  {
    key: "spot",
    templateRule: "SpotInterruptionRule",
    source: "aws.ec2",
    detailType: "EC2 Spot Instance Interruption Warning",
  },
  {
    key: "rebalance",
    templateRule: "RebalanceRule",
    source: "aws.ec2",
    detailType: "EC2 Instance Rebalance Recommendation",
  },
  {
    key: "state-change",
    templateRule: "InstanceStateChangeRule",
    source: "aws.ec2",
    detailType: "EC2 Instance State-change Notification",
  },
  {
    key: "capacity-reservation",
    templateRule: "CapacityReservationInterruptionRule",
    source: "aws.ec2",
    detailType: "EC2 Capacity Reservation Instance Interruption Warning",
  },
];

/** The event pattern of one of those rules. */
export function interruptionEventPattern(e: InterruptionEvent): string {
  return JSON.stringify({ source: [e.source], "detail-type": [e.detailType] });
}

/** The target id the template gives the queue in every rule. */
export const INTERRUPTION_TARGET_ID = "KarpenterInterruptionQueueTarget";
