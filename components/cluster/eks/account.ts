/**
 * The AWS side every part of the EKS target shares: the provider its resources use, the partition
 * and account they live in, and the ARNs of AWS managed policies.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksSettings } from "../types";

export interface EksAws {
  /** The AWS provider every AWS resource of the cluster (and of its bindings) uses. */
  provider: aws.Provider;
  /** Options of the component's AWS children and invokes: the component as parent, the provider. */
  child: { parent: pulumi.Resource; provider: aws.Provider };
  partition: pulumi.Output<string>;
  /** The partition's DNS suffix (amazonaws.com, amazonaws.com.cn): service principals end in it. */
  dnsSuffix: pulumi.Output<string>;
  accountId: pulumi.Output<string>;
}

/** The provider (region and default tags from the settings, child of `parent`) and what it reports. */
export function eksAws(name: string, s: EksSettings, parent: pulumi.Resource): EksAws {
  const provider = new aws.Provider(
    `${name}-aws`,
    { region: s.region, defaultTags: { tags: s.tags } },
    { parent },
  );
  const child = { parent, provider };
  const partitionInfo = aws.getPartitionOutput({}, child);
  return {
    provider,
    child,
    partition: partitionInfo.partition,
    dnsSuffix: partitionInfo.dnsSuffix,
    accountId: aws.getCallerIdentityOutput({}, child).accountId,
  };
}

/** The ARN of an AWS managed IAM policy (`service-role/…` included) in `partition`. */
export function managedPolicyArn(partition: pulumi.Input<string>, policy: string): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;
}
