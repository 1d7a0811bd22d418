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

/**
 * The IRSA statement: only the ServiceAccount `sa` of this cluster's OIDC issuer, with the STS audience
 * (EKS user guide "Assign IAM roles to Kubernetes service accounts", the trust policy's `sub` and `aud`
 * conditions).
 */
export function irsaTrustStatement(
  oidcProviderArn: string,
  issuerUrl: string,
  sa: ServiceAccountRef,
): Record<string, unknown> {
  const issuer = issuerHostPath(issuerUrl);
  return {
    Effect: "Allow",
    Principal: { Federated: oidcProviderArn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: {
      StringEquals: {
        [`${issuer}:sub`]: serviceAccountSubject(sa),
        [`${issuer}:aud`]: IRSA_AUDIENCE,
      },
    },
  };
}

/** The IRSA trust policy: only the ServiceAccount `sa` of this cluster's OIDC issuer may assume the role. */
export function irsaTrustPolicy(oidcProviderArn: string, issuerUrl: string, sa: ServiceAccountRef): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [irsaTrustStatement(oidcProviderArn, issuerUrl, sa)],
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
 * The Pod Identity statement: EKS Pod Identity may assume the role only for the ServiceAccount `sa`
 * of the cluster `clusterArn` — the scope of the IRSA trust, read from the request's session tags
 * (`aws:RequestTag/<key>`, as in the guide's example trust policy). The guide documents no
 * aws:SourceAccount / aws:SourceArn for this principal, so none is required here.
 */
export function podIdentityTrustStatement(
  clusterArn: string,
  sa: ServiceAccountRef,
): Record<string, unknown> {
  const tag = (key: string) => `aws:RequestTag/${key}`;
  return {
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
  };
}

/** What a workload role's trust is built from: the mechanism, the cluster and its OIDC provider. */
export type WorkloadTrust =
  | { mechanism: "irsa"; oidcProviderArn: string; issuerUrl: string }
  | { mechanism: "podIdentity"; clusterArn: string; oidcProviderArn: string; issuerUrl: string };

/**
 * The trust of the role of the ServiceAccount `sa` (every workload role of the cluster: eks/identity.ts).
 * - `irsa`: the IRSA statement only (irsaTrustPolicy).
 * - `podIdentity`: the Pod Identity statement AND the IRSA statement for the same ServiceAccount of
 *   the same OIDC provider. This is for the upgrade of a running stack: a switch rewrites the trust in
 *   place early in the `up` (the role waits only for the cluster), long before the associations exist
 *   and the releases have rolled their pods, and a pod keeps the credentials environment it was admitted
 *   with — the EKS pod identity webhook mutates pods only at creation (aws/amazon-eks-pod-identity-webhook
 *   deploy/mutatingwebhook.yaml `operations: [ "CREATE" ]`, pkg/handler/handler.go MutatePod →
 *   buildPodPatchConfig; README: "All new pods launched using this Service Account will be modified").
 *   A pod started under IRSA (a Vault server, which is not rolled; any pod admitted while the
 *   ServiceAccount still had its annotation) goes on exchanging its web-identity token until it is
 *   replaced; without the IRSA statement it would lose AWS access at its next refresh. New pods get
 *   Pod Identity: an association wins over the annotation (buildPodPatchConfig: "Container credentials
 *   method takes precedence"). It is the order the EKS user guide gives for a safe migration ("Understand
 *   how EKS Pod Identity works": "creating the association first, before removing the old credentials").
 *   The statement trusts nobody new: the same `sub` (this namespace and ServiceAccount) and `aud`, the
 *   cluster's own OIDC provider, which the program keeps with both mechanisms.
 * Size: IAM's default quota for a role trust policy is 2,048 characters, white space not counted (IAM
 * user guide "IAM and AWS STS quotas"); both statements for the longest names Kubernetes allows stay
 * below it (tests/cluster-eks-identity.test.ts).
 */
export function workloadTrustDocument(t: WorkloadTrust, sa: ServiceAccountRef): string {
  const irsa = irsaTrustStatement(t.oidcProviderArn, t.issuerUrl, sa);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: t.mechanism === "podIdentity" ? [podIdentityTrustStatement(t.clusterArn, sa), irsa] : [irsa],
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
