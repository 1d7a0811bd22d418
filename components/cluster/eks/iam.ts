/** IAM and KMS policy documents and ARN helpers of the EKS target (pure functions, no Pulumi). */
import { ServiceAccountRef } from "../types";
import { serviceAccountSubject, shortHash } from "../shared";

/** The audience IRSA tokens are issued for. */
export const IRSA_AUDIENCE = "sts.amazonaws.com";

/** A stable, URN-safe resource-name suffix for an IAM principal ARN (ARNs contain "::"). */
export function principalSuffix(arn: string): string {
  const last = arn.split(/[/:]/).pop() ?? "";
  const slug = last
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32);
  const hash = shortHash(arn, 8);
  return slug ? `${slug}-${hash}` : hash;
}

/** The role name in an IAM role ARN (`arn:<partition>:iam::<account>:role/<path/>name`). */
export function roleNameFromArn(arn: string): string {
  const m = /^arn:[^:]+:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!m) throw new Error(`not an IAM role ARN: "${arn}"`);
  return m[1];
}

/** The issuer URL without its scheme: the prefix of IRSA condition keys. */
export function issuerHostPath(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, "").replace(/\/+$/, "");
}

/** A trust policy letting an AWS service (eks.amazonaws.com, ec2.amazonaws.com, …) assume a role. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

/** The IRSA trust policy: only the ServiceAccount `sa` of this cluster's OIDC issuer may assume the role. */
export function irsaTrustPolicy(oidcProviderArn: string, issuerUrl: string, sa: ServiceAccountRef): string {
  const issuer = issuerHostPath(issuerUrl);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: serviceAccountSubject(sa),
            [`${issuer}:aud`]: IRSA_AUDIENCE,
          },
        },
      },
    ],
  });
}

/**
 * The service principal EKS Pod Identity assumes roles as, and the two actions its trust must allow:
 * AssumeRole, and TagSession for the session tags it sets (EKS user guide "Create IAM role with trust
 * policy required by EKS Pod Identity"; the China regions' page names the same principal).
 */
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";
export const POD_IDENTITY_TRUST_ACTIONS = ["sts:AssumeRole", "sts:TagSession"];

/**
 * The session tags EKS Pod Identity adds to its AssumeRole request that name the cluster, namespace and
 * ServiceAccount (EKS user guide "Grant Pods access to AWS resources based on tags", list of session
 * tags; the others are eks-cluster-name, kubernetes-pod-name and kubernetes-pod-uid). A trust
 * condition on them needs the association's session tags on (`disableSessionTags` false, the default).
 */
export const POD_IDENTITY_SESSION_TAGS = {
  clusterArn: "eks-cluster-arn",
  namespace: "kubernetes-namespace",
  serviceAccount: "kubernetes-service-account",
} as const;

/**
 * The Pod Identity trust policy: EKS Pod Identity may assume the role only for the ServiceAccount `sa`
 * of the cluster `clusterArn` — the scope of the IRSA trust, read from the request's session tags
 * (`aws:RequestTag/<key>`, as in the guide's example trust policy). The guide documents no
 * aws:SourceAccount / aws:SourceArn for this principal, so none is required here.
 */
export function podIdentityTrustPolicy(clusterArn: string, sa: ServiceAccountRef): string {
  const tag = (key: string) => `aws:RequestTag/${key}`;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EksPodIdentityForOneServiceAccount",
        Effect: "Allow",
        Principal: { Service: POD_IDENTITY_PRINCIPAL },
        Action: POD_IDENTITY_TRUST_ACTIONS,
        Condition: {
          StringEquals: {
            [tag(POD_IDENTITY_SESSION_TAGS.clusterArn)]: clusterArn,
            [tag(POD_IDENTITY_SESSION_TAGS.namespace)]: sa.namespace,
            [tag(POD_IDENTITY_SESSION_TAGS.serviceAccount)]: sa.name,
          },
        },
      },
    ],
  });
}

/** An identity policy allowing `actions` on one KMS key only. */
export function kmsKeyUsePolicy(keyArn: string, actions: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: actions, Resource: keyArn }],
  });
}

/** What Vault's awskms seal needs on its key. */
export const UNSEAL_KEY_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"];

/** Administrative KMS actions (no encrypt/decrypt): what the account keeps on an unseal key. */
export const KMS_ADMIN_ACTIONS = [
  // Not "kms:Create*": kms:CreateGrant would let the account hand the key's use to anyone.
  "kms:CreateAlias",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
];

/**
 * The unseal key's key policy: the account administers the key (through IAM, so it can never become
 * unmanageable) but only `roleArn` may use it for cryptography.
 */
export function unsealKeyPolicy(partition: string, accountId: string, roleArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersTheKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: KMS_ADMIN_ACTIONS,
        Resource: "*",
      },
      {
        Sid: "OnlyTheBoundIdentityUsesTheKey",
        Effect: "Allow",
        Principal: { AWS: roleArn },
        Action: UNSEAL_KEY_ACTIONS,
        Resource: "*",
      },
    ],
  });
}

/**
 * The cluster-autoscaler's permissions (its documented minimum for auto-discovery): scaling actions
 * only on the given Auto Scaling groups; read-only calls, which IAM cannot scope, on "*".
 */
export function clusterAutoscalerPolicy(autoScalingGroupArns: string[], clusterArn: string): string {
  const nodegroupArn = clusterArn.replace(":cluster/", ":nodegroup/") + "/*";
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ScaleOwnNodeGroupsOnly",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: autoScalingGroupArns,
      },
      {
        Sid: "DescribeForAutoDiscovery",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
        ],
        Resource: "*",
      },
      {
        Sid: "DescribeOwnNodeGroups",
        Effect: "Allow",
        Action: ["eks:DescribeNodegroup"],
        Resource: nodegroupArn,
      },
    ],
  });
}

/** The ARN pattern of an Auto Scaling group (the group's UUID is a wildcard). */
export function autoScalingGroupArn(
  partition: string,
  region: string,
  accountId: string,
  asgName: string,
): string {
  return `arn:${partition}:autoscaling:${region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/${asgName}`;
}
