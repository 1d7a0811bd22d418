/**
 * Fixtures of the AWS Load Balancer Controller tests (tests/cluster-eks-lbc*.test.ts): the resource
 * types, the mocks' VPC id, the controller's reference policy and the values of the prod fixture's
 * release.
 */
import type * as pulumi from "@pulumi/pulumi";

export const T = {
  release: "kubernetes:helm.sh/v3:Release",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  association: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  addon: "aws:eks/addon:Addon",
  access: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  sleep: "time:index/sleep:Sleep",
};

/** The VPC id the mocks give the cluster's VPC (offline/mock-state). */
export const VPC_ID = "kp-vpc-id";
export const resolve = <V>(o: pulumi.Output<V>): Promise<V> => new Promise((res) => o.apply((v) => res(v)));

/** The reference policy's statements with the `elbv2.k8s.aws/cluster` tag conditions of `cluster` (literal). */
export function expectedPolicy(partition: string, cluster: string) {
  const elb = (r: string) => `arn:${partition}:elasticloadbalancing:*:*:${r}`;
  const sg = `arn:${partition}:ec2:*:*:security-group/*`;
  const taggable = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["iam:CreateServiceLinkedRole"],
        Resource: "*",
        Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
      },
      {
        Effect: "Allow",
        Action: [
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
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
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
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
        Resource: "*",
      },
      { Effect: "Allow", Action: ["ec2:CreateSecurityGroup"], Resource: "*" },
      {
        Effect: "Allow",
        Action: ["ec2:CreateTags"],
        Resource: sg,
        Condition: {
          StringEquals: {
            "ec2:CreateAction": "CreateSecurityGroup",
            "aws:RequestTag/elbv2.k8s.aws/cluster": cluster,
          },
        },
      },
      {
        Effect: "Allow",
        Action: ["ec2:CreateTags", "ec2:DeleteTags"],
        Resource: sg,
        Condition: {
          Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true" },
          StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster },
        },
      },
      {
        Effect: "Allow",
        Action: [
          "ec2:AuthorizeSecurityGroupIngress",
          "ec2:RevokeSecurityGroupIngress",
          "ec2:DeleteSecurityGroup",
        ],
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster } },
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
        Resource: "*",
        Condition: { StringEquals: { "aws:RequestTag/elbv2.k8s.aws/cluster": cluster } },
      },
      {
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:DeleteListener",
          "elasticloadbalancing:CreateRule",
          "elasticloadbalancing:DeleteRule",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: taggable,
        Condition: {
          Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true" },
          StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster },
        },
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: [
          elb("listener/net/*/*/*"),
          elb("listener/app/*/*/*"),
          elb("listener-rule/net/*/*/*"),
          elb("listener-rule/app/*/*/*"),
        ],
      },
      {
        Effect: "Allow",
        Action: [
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
        ],
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster } },
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags"],
        Resource: taggable,
        Condition: {
          StringEquals: {
            "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
            "aws:RequestTag/elbv2.k8s.aws/cluster": cluster,
          },
        },
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: elb("targetgroup/*/*"),
      },
      {
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:SetWebAcl",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates",
          "elasticloadbalancing:ModifyRule",
          "elasticloadbalancing:SetRulePriorities",
        ],
        Resource: "*",
      },
    ],
  };
}

/**
 * The values of the prod fixture's release (kp-prod, eu-west-1), with `annotations` for the
 * ServiceAccount and `checksum` (of the binding) on the pods.
 */
export const expectedValues = (vpcId: unknown, annotations: Record<string, string>, checksum: unknown) => ({
  clusterName: "kp-prod",
  region: "eu-west-1",
  vpcId,
  serviceAccount: { create: true, name: "aws-load-balancer-controller", annotations },
  podLabels: {},
  podAnnotations: { "kube-platform/identity-checksum": checksum },
  replicaCount: 2,
  podDisruptionBudget: { maxUnavailable: 1 },
  topologySpreadConstraints: [
    {
      maxSkew: 1,
      labelSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "aws-load-balancer-controller",
          "app.kubernetes.io/instance": "aws-load-balancer-controller",
        },
      },
      matchLabelKeys: ["pod-template-hash"],
      nodeTaintsPolicy: "Honor",
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "DoNotSchedule",
    },
    {
      maxSkew: 1,
      labelSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "aws-load-balancer-controller",
          "app.kubernetes.io/instance": "aws-load-balancer-controller",
        },
      },
      matchLabelKeys: ["pod-template-hash"],
      nodeTaintsPolicy: "Honor",
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "ScheduleAnyway",
    },
  ],
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
  podSecurityContext: { fsGroup: 65534, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
  securityContext: {
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
  },
  enableServiceMutatorWebhook: false,
  createIngressClassResource: false,
  webhookConfig: { disableIngressValidation: true },
  keepTLSSecret: true,
});

export const obj = (v: unknown) => v as Record<string, unknown>;
