/**
 * Cloud identities the EKS cluster hands out: IRSA roles for ServiceAccounts, the cluster-autoscaler's
 * role scoped to the cluster's node groups, and KMS keys for Vault's auto-unseal.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BoundIdentity, EksSettings, SealStanza, ServiceAccountRef } from "../types";
import { EksAws } from "./account";
import {
  UNSEAL_KEY_ACTIONS,
  clusterAutoscalerPolicy,
  irsaTrustPolicy,
  kmsKeyUsePolicy,
  roleNameFromArn,
  unsealKeyPolicy,
} from "./iam";
import { IAM_ROLE_NAME_PREFIX_MAX, namePrefix } from "./names";

/** What IRSA roles of one cluster trust: its OIDC provider and issuer. */
export interface IrsaIssuer {
  clusterName: string;
  oidcProviderArn: pulumi.Output<string>;
  oidcIssuer: pulumi.Output<string>;
  /** The cluster's AWS provider. */
  provider: aws.Provider;
}

/** IRSA: an IAM role only `sa` (through the cluster's OIDC provider) can assume, a child of `parent`. */
export function bindServiceAccount(
  irsa: IrsaIssuer,
  name: string,
  sa: ServiceAccountRef,
  parent: pulumi.Resource,
): BoundIdentity {
  const role = new aws.iam.Role(
    `${name}-irsa`,
    {
      namePrefix: namePrefix([irsa.clusterName, sa.name], IAM_ROLE_NAME_PREFIX_MAX),
      description: `IRSA for ServiceAccount ${sa.namespace}/${sa.name} of EKS ${irsa.clusterName}`,
      assumeRolePolicy: pulumi
        .all([irsa.oidcProviderArn, irsa.oidcIssuer])
        .apply(([providerArn, issuer]) => irsaTrustPolicy(providerArn, issuer, sa)),
    },
    { parent, provider: irsa.provider },
  );
  return {
    serviceAccountAnnotations: role.arn.apply((arn): Record<string, string> => ({
      "eks.amazonaws.com/role-arn": arn,
    })),
    podLabels: {},
    principal: role.arn,
  };
}

/** What the cluster-autoscaler's role may act on. */
export interface AutoscalerScope {
  /** The Auto Scaling groups behind the cluster's node groups. */
  autoScalingGroupArns: pulumi.Output<string[]>;
  clusterArn: pulumi.Output<string>;
}

/**
 * IRSA for cluster-autoscaler: it may change the size of this cluster's node groups' Auto Scaling
 * groups only; the Describe calls auto-discovery needs cannot be scoped to resources in IAM.
 */
export function bindClusterAutoscaler(
  irsa: IrsaIssuer,
  scope: AutoscalerScope,
  name: string,
  sa: ServiceAccountRef,
  parent: pulumi.Resource,
): BoundIdentity {
  return bindWithInlinePolicy(
    irsa,
    { name, sa, policyName: `${name}-autoscaling` },
    pulumi
      .all([scope.autoScalingGroupArns, scope.clusterArn])
      .apply(([asgArns, clusterArn]) => clusterAutoscalerPolicy(asgArns, clusterArn)),
    parent,
  );
}

/**
 * IRSA for `sa` with the inline `policy` (resource `policyName`). The ServiceAccount annotations
 * resolve only once the policy exists: a pod started before its permissions fails its first calls
 * (the autoscaler's first scale-ups, external-dns's first sync, a first challenge).
 */
export function bindWithInlinePolicy(
  irsa: IrsaIssuer,
  bind: { name: string; sa: ServiceAccountRef; policyName: string },
  policy: pulumi.Input<string>,
  parent: pulumi.Resource,
): BoundIdentity {
  const identity = bindServiceAccount(irsa, bind.name, bind.sa, parent);
  const rolePolicy = new aws.iam.RolePolicy(
    bind.policyName,
    { role: identity.principal.apply(roleNameFromArn), policy },
    { parent, provider: irsa.provider },
  );
  return {
    ...identity,
    serviceAccountAnnotations: pulumi
      .all([identity.serviceAccountAnnotations, rolePolicy.id])
      .apply(([annotations]) => annotations),
  };
}

/**
 * A KMS key for Vault's awskms seal that only `identity` (an IRSA role) may use, a child of `parent`;
 * protected when the cluster is.
 */
export function createUnsealKey(
  s: EksSettings,
  env: EksAws,
  name: string,
  identity: BoundIdentity,
  parent: pulumi.Resource,
): pulumi.Output<SealStanza> {
  const opts = { parent, provider: env.provider };
  const key = new aws.kms.Key(
    `${name}-unseal`,
    {
      description: `EKS ${s.clusterName}: Vault auto-unseal (${name})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi
        .all([env.partition, env.accountId, identity.principal])
        .apply(([p, account, roleArn]) => unsealKeyPolicy(p, account, roleArn)),
    },
    { ...opts, protect: s.protect },
  );
  const grant = new aws.iam.RolePolicy(
    `${name}-unseal`,
    {
      role: identity.principal.apply(roleNameFromArn),
      policy: key.arn.apply((arn) => kmsKeyUsePolicy(arn, UNSEAL_KEY_ACTIONS)),
    },
    opts,
  );
  return pulumi.all([key.keyId, grant.id]).apply(([keyId]): SealStanza => ({
    type: "awskms",
    attributes: { region: s.region, kms_key_id: keyId },
  }));
}
