/**
 * The AWS Load Balancer Controller's IAM policy (pure, no Pulumi): the statements of the controller's
 * reference policy at the tag of CHARTS.awsLoadBalancerController's app version
 * (kubernetes-sigs/aws-load-balancer-controller docs/install/iam_policy.json; the us-gov and cn files
 * beside it hold the same statements in their partitions), in its order, with one change: where the
 * reference only asks for the `elbv2.k8s.aws/cluster` tag to be present on a request or a resource
 * (`Null: "false"`), this policy asks for it to name this cluster (`StringEquals`). The controller
 * puts `elbv2.k8s.aws/cluster: <its --cluster-name>` on every AWS resource it creates
 * (pkg/deploy/tracking/provider.go StackTags; the shared backend security group too:
 * pkg/networking/backend_sg_provider.go buildBackendSGTagsMap), so it still manages all of its own
 * load balancers, target groups and security groups, and no longer those of another cluster in the
 * account. The one unconditioned `ec2:AuthorizeSecurityGroupIngress` statement stays as documented:
 * the controller adds the load balancer's rule to the targets' security group (the cluster security
 * group EKS puts on managed nodes), and with one security group on an ENI it takes it untagged
 * (pkg/networking/networking_manager.go), so a tag condition there would depend on how nodes are made.
 */

/** The controller's tag naming its cluster on everything it creates (pkg/shared_constants/tag_keys.go). */
export const LBC_CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/** The IAM limit for a role's inline policies, in characters without whitespace (IAM quotas). */
export const INLINE_POLICY_MAX_CHARS = 10_240;

type Statement = Record<string, unknown>;

/** What the controller reads (reference statement 2): discovery of subnets, groups, load balancers. */
const READ_ACTIONS = [
  "ec2:DescribeAccountAttributes",
  "ec2:DescribeAddresses",
  "ec2:DescribeAvailabilityZones",
  "ec2:DescribeInternetGateways",
  "ec2:DescribeVpcs",
  "ec2:DescribeVpcPeeringConnections",
  "ec2:DescribeSubnets",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeInstances",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeTags",
  "ec2:GetCoipPoolUsage",
  "ec2:DescribeCoipPools",
  "ec2:GetSecurityGroupsForVpc",
  "ec2:DescribeIpamPools",
  "ec2:DescribeRouteTables",
  "elasticloadbalancing:DescribeLoadBalancers",
  "elasticloadbalancing:DescribeLoadBalancerAttributes",
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:DescribeListenerCertificates",
  "elasticloadbalancing:DescribeSSLPolicies",
  "elasticloadbalancing:DescribeRules",
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeTargetGroupAttributes",
  "elasticloadbalancing:DescribeTargetHealth",
  "elasticloadbalancing:DescribeTags",
  "elasticloadbalancing:DescribeTrustStores",
  "elasticloadbalancing:DescribeListenerAttributes",
  "elasticloadbalancing:DescribeCapacityReservation",
];

/** The ALB integrations it looks up or attaches (reference statement 3: certificates, WAF, Shield). */
const INTEGRATION_ACTIONS = [
  "cognito-idp:DescribeUserPoolClient",
  "acm:ListCertificates",
  "acm:DescribeCertificate",
  "iam:ListServerCertificates",
  "iam:GetServerCertificate",
  "waf-regional:GetWebACL",
  "waf-regional:GetWebACLForResource",
  "waf-regional:AssociateWebACL",
  "waf-regional:DisassociateWebACL",
  "wafv2:GetWebACL",
  "wafv2:GetWebACLForResource",
  "wafv2:AssociateWebACL",
  "wafv2:DisassociateWebACL",
  "shield:GetSubscriptionState",
  "shield:DescribeProtection",
  "shield:CreateProtection",
  "shield:DeleteProtection",
];

/** The changes to load balancers and target groups it made itself (the tag condition's statement). */
const MODIFY_OWN_ACTIONS = [
  "elasticloadbalancing:ModifyLoadBalancerAttributes",
  "elasticloadbalancing:SetIpAddressType",
  "elasticloadbalancing:SetSecurityGroups",
  "elasticloadbalancing:SetSubnets",
  "elasticloadbalancing:DeleteLoadBalancer",
  "elasticloadbalancing:ModifyTargetGroup",
  "elasticloadbalancing:ModifyTargetGroupAttributes",
  "elasticloadbalancing:DeleteTargetGroup",
  "elasticloadbalancing:ModifyListenerAttributes",
  "elasticloadbalancing:ModifyCapacityReservation",
  "elasticloadbalancing:ModifyIpPools",
];

/** The policy document as an object, for `partition` (aws, aws-cn, aws-us-gov) and `clusterName`. */
export function loadBalancerControllerPolicyDocument(partition: string, clusterName: string) {
  const arn = (service: string, resource: string) => `arn:${partition}:${service}:*:*:${resource}`;
  const requestTag = `aws:RequestTag/${LBC_CLUSTER_TAG}`;
  const resourceTag = `aws:ResourceTag/${LBC_CLUSTER_TAG}`;
  const allow = (Action: string[], Resource: string | string[], Condition?: Statement): Statement => ({
    Effect: "Allow",
    Action,
    Resource,
    ...(Condition ? { Condition } : {}),
  });
  const ownResource = { StringEquals: { [resourceTag]: clusterName } };
  // A change of tags that leaves the cluster tag alone, on a resource of this cluster.
  const retagOwn = { Null: { [requestTag]: "true" }, StringEquals: { [resourceTag]: clusterName } };
  const elbTaggable = [
    arn("elasticloadbalancing", "targetgroup/*/*"),
    arn("elasticloadbalancing", "loadbalancer/net/*/*"),
    arn("elasticloadbalancing", "loadbalancer/app/*/*"),
  ];
  const Statement: Statement[] = [
    allow(["iam:CreateServiceLinkedRole"], "*", {
      StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" },
    }),
    allow(READ_ACTIONS, "*"),
    allow(INTEGRATION_ACTIONS, "*"),
    allow(["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], "*"),
    allow(["ec2:CreateSecurityGroup"], "*"),
    allow(["ec2:CreateTags"], arn("ec2", "security-group/*"), {
      StringEquals: { "ec2:CreateAction": "CreateSecurityGroup", [requestTag]: clusterName },
    }),
    allow(["ec2:CreateTags", "ec2:DeleteTags"], arn("ec2", "security-group/*"), retagOwn),
    allow(
      ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
      "*",
      ownResource,
    ),
    allow(["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"], "*", {
      StringEquals: { [requestTag]: clusterName },
    }),
    allow(
      [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteRule",
      ],
      "*",
    ),
    allow(["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], elbTaggable, retagOwn),
    allow(
      ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      [
        arn("elasticloadbalancing", "listener/net/*/*/*"),
        arn("elasticloadbalancing", "listener/app/*/*/*"),
        arn("elasticloadbalancing", "listener-rule/net/*/*/*"),
        arn("elasticloadbalancing", "listener-rule/app/*/*/*"),
      ],
    ),
    allow(MODIFY_OWN_ACTIONS, "*", ownResource),
    allow(["elasticloadbalancing:AddTags"], elbTaggable, {
      StringEquals: {
        "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
        [requestTag]: clusterName,
      },
    }),
    allow(
      ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      arn("elasticloadbalancing", "targetgroup/*/*"),
    ),
    allow(
      [
        "elasticloadbalancing:SetWebAcl",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:SetRulePriorities",
      ],
      "*",
    ),
  ];
  return { Version: "2012-10-17", Statement };
}

/**
 * The policy as the role's inline policy. It stays far below the IAM limit (under 6,000 characters
 * for a 100-character cluster name): one RolePolicy holds it, checked here.
 */
export function loadBalancerControllerPolicy(partition: string, clusterName: string): string {
  const text = JSON.stringify(loadBalancerControllerPolicyDocument(partition, clusterName));
  if (text.length > INLINE_POLICY_MAX_CHARS) {
    throw new Error(
      `the AWS Load Balancer Controller's policy has ${text.length} characters, more than IAM's ` +
        `${INLINE_POLICY_MAX_CHARS} for a role's inline policies: split it`,
    );
  }
  return text;
}
