/**
 * Fixtures of the tests of Karpenter's AWS side (tests/cluster-eks-karpenter-aws*.test.ts): the
 * CloudFormation template's controller policies, queue policy and EventBridge rules for kp-prod, the
 * policy scope and names under the mocks, and the prod fixture with Karpenter.
 */
import { createHash } from "crypto";
import { KarpenterPolicyScope } from "../../components/cluster/eks/karpenter/iam";
import { ACCOUNT, PROD_EKS, prodWith } from "./eks-cluster";

export const QUEUE_ARN = `arn:aws:sqs:eu-west-1:${ACCOUNT}:kp-prod`;
/** The Karpenter node role's name under the mocks (its namePrefix and the mocks' unique suffix). */
export const NODE_ROLE_NAME = "kp-prod-karpenter-node-20260101000000000000000001";
export const NODE_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${NODE_ROLE_NAME}`;
export const SCOPE: KarpenterPolicyScope = {
  partition: "aws",
  region: "eu-west-1",
  accountId: ACCOUNT,
  clusterName: "kp-prod",
  queueArn: QUEUE_ARN,
  nodeRoleArn: NODE_ROLE_ARN,
};

export const EC2 = "arn:aws:ec2:eu-west-1";
export const CREATED = [
  `${EC2}:*:fleet/*`,
  `${EC2}:*:instance/*`,
  `${EC2}:*:volume/*`,
  `${EC2}:*:network-interface/*`,
  `${EC2}:*:launch-template/*`,
  `${EC2}:*:spot-instances-request/*`,
];
export const PROFILES = `arn:aws:iam::${ACCOUNT}:instance-profile/*`;
export const CLUSTER_ARN = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/kp-prod`;

/** cloudformation.yaml's six controller policies for ClusterName kp-prod, in eu-west-1 of the mock account. */
export const CONTROLLER_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "AllowScopedEC2InstanceAccessActions",
      Effect: "Allow",
      Resource: [
        `${EC2}::image/*`,
        `${EC2}::snapshot/*`,
        `${EC2}:*:security-group/*`,
        `${EC2}:*:subnet/*`,
        `${EC2}:*:capacity-reservation/*`,
        `${EC2}:*:placement-group/*`,
      ],
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
    },
    {
      Sid: "AllowScopedEC2LaunchTemplateAccessActions",
      Effect: "Allow",
      Resource: `${EC2}:*:launch-template/*`,
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Condition: {
        StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/kp-prod": "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedEC2InstanceActionsWithTags",
      Effect: "Allow",
      Resource: CREATED,
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Condition: {
        StringEquals: {
          "aws:RequestTag/kubernetes.io/cluster/kp-prod": "owned",
          "aws:RequestTag/eks:eks-cluster-name": "kp-prod",
        },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceCreationTagging",
      Effect: "Allow",
      Resource: CREATED,
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: {
          "aws:RequestTag/kubernetes.io/cluster/kp-prod": "owned",
          "aws:RequestTag/eks:eks-cluster-name": "kp-prod",
          "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
        },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceTagging",
      Effect: "Allow",
      Resource: `${EC2}:*:instance/*`,
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/kp-prod": "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": "kp-prod" },
        "ForAllValues:StringEquals": {
          "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
        },
      },
    },
    {
      Sid: "AllowScopedDeletion",
      Effect: "Allow",
      Resource: [`${EC2}:*:instance/*`, `${EC2}:*:launch-template/*`],
      Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      Condition: {
        StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/kp-prod": "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowPassingInstanceRole",
      Effect: "Allow",
      Resource: NODE_ROLE_ARN,
      Action: "iam:PassRole",
      Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
    },
    {
      Sid: "AllowScopedInstanceProfileCreationActions",
      Effect: "Allow",
      Resource: PROFILES,
      Action: ["iam:CreateInstanceProfile"],
      Condition: {
        StringEquals: {
          "aws:RequestTag/kubernetes.io/cluster/kp-prod": "owned",
          "aws:RequestTag/eks:eks-cluster-name": "kp-prod",
          "aws:RequestTag/topology.kubernetes.io/region": "eu-west-1",
        },
        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileTagActions",
      Effect: "Allow",
      Resource: PROFILES,
      Action: ["iam:TagInstanceProfile"],
      Condition: {
        StringEquals: {
          "aws:ResourceTag/kubernetes.io/cluster/kp-prod": "owned",
          "aws:ResourceTag/topology.kubernetes.io/region": "eu-west-1",
          "aws:RequestTag/kubernetes.io/cluster/kp-prod": "owned",
          "aws:RequestTag/eks:eks-cluster-name": "kp-prod",
          "aws:RequestTag/topology.kubernetes.io/region": "eu-west-1",
        },
        StringLike: {
          "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
          "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
        },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileActions",
      Effect: "Allow",
      Resource: PROFILES,
      Action: [
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:DeleteInstanceProfile",
      ],
      Condition: {
        StringEquals: {
          "aws:ResourceTag/kubernetes.io/cluster/kp-prod": "owned",
          "aws:ResourceTag/topology.kubernetes.io/region": "eu-west-1",
        },
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowAPIServerEndpointDiscovery",
      Effect: "Allow",
      Resource: CLUSTER_ARN,
      Action: "eks:DescribeCluster",
    },
    {
      Sid: "AllowInterruptionQueueActions",
      Effect: "Allow",
      Resource: QUEUE_ARN,
      Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
    },
    {
      Sid: "AllowZonalShiftStatusReadOnly",
      Effect: "Allow",
      Resource: "*",
      Action: ["arc-zonal-shift:GetManagedResource"],
      Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": CLUSTER_ARN } },
    },
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
      Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } },
    },
    {
      Sid: "AllowSSMReadActions",
      Effect: "Allow",
      Resource: "arn:aws:ssm:eu-west-1::parameter/aws/service/*",
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
      Resource: PROFILES,
      Action: "iam:GetInstanceProfile",
    },
  ],
};

/** cloudformation.yaml's KarpenterInterruptionQueuePolicy for the kp-prod queue. */
export const QUEUE_POLICY = {
  Version: "2012-10-17",
  Id: "EC2InterruptionPolicy",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
      Action: "sqs:SendMessage",
      Resource: QUEUE_ARN,
    },
    {
      Sid: "DenyHTTP",
      Effect: "Deny",
      Action: "sqs:*",
      Resource: QUEUE_ARN,
      Condition: { Bool: { "aws:SecureTransport": false } },
      Principal: "*",
    },
  ],
};

/** cloudformation.yaml's five EventBridge rules: [resource-name key, event pattern]. */
export const EVENT_PATTERNS: [string, object][] = [
  ["health", { source: ["aws.health"], "detail-type": ["AWS Health Event"] }],
  ["spot", { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] }],
  ["rebalance", { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] }],
  ["state-change", { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] }],
  [
    "capacity-reservation",
    { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
  ],
];

export const NODE_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEC2ContainerRegistryReadOnly",
  "AmazonEKS_CNI_Policy",
];

/** The prod fixture with Karpenter (its pools keep no minimum: stack config refuses one). */
export const karpenterProd = prodWith({
  nodeAutoscaling: "karpenter",
  nodePools: (PROD_EKS.nodePools ?? []).map((pool) => ({ ...pool, minNodes: 0 })),
});

/** The mocks' deterministic hex (offline/mock-state/aws.ts) and names.ts's short hash, for literal names. */
export function hex(seed: string, len: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, len);
}
