/**
 * The control-plane log group's encryption with the cluster's KMS key (the one that envelope-encrypts
 * Secrets): the key policy CloudWatch Logs needs to use it for that log group only (pure).
 */

/** Where EKS writes the control-plane logs: `/aws/eks/<cluster>/cluster` (EKS user guide, "Send control plane logs to CloudWatch Logs"). */
export function controlPlaneLogGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/cluster`;
}

/** What identifies the key's account, region and partition in its policy. */
export interface KeyPolicyScope {
  partition: string;
  /** The partition's DNS suffix (amazonaws.com, amazonaws.com.cn): the logs service principal ends in it. */
  dnsSuffix: string;
  region: string;
  accountId: string;
}

/**
 * The cluster key's policy: the account administers and grants the key through IAM — the default
 * key policy's statement, which the cluster role's IAM grant (control-plane.ts) relies on (AWS KMS
 * "Default key policy") — and CloudWatch Logs of the key's region may use it for the control-plane
 * log group only: the service principal `logs.<region>.<suffix>` with the encryption context
 * `kms:EncryptionContext:aws:logs:arn` of that log group (CloudWatch Logs user guide, "Encrypt log
 * data in CloudWatch Logs using AWS Key Management Service", step 2: the key policy).
 */
export function clusterKeyPolicy(scope: KeyPolicyScope, logGroupName: string): string {
  const { partition, dnsSuffix, region, accountId } = scope;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersTheKeyThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchLogsEncryptsTheControlPlaneLogGroup",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.${dnsSuffix}` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnEquals: {
            "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`,
          },
        },
      },
    ],
  });
}
