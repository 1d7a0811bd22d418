/**
 * Cloud identities the EKS cluster hands out: an IAM role per ServiceAccount, reached through EKS Pod
 * Identity (an association, the EKS default) or IRSA (the cluster's OIDC provider) as
 * `cluster.workloadIdentity` says; the cluster-autoscaler's role scoped to the cluster's node groups;
 * KMS keys for Vault's auto-unseal.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BoundIdentity, EksSettings, SealStanza, ServiceAccountRef } from "../types";
import { EksAws } from "./account";
import {
  UNSEAL_KEY_ACTIONS,
  clusterAutoscalerPolicy,
  kmsKeyUsePolicy,
  roleNameFromArn,
  unsealKeyPolicy,
  workloadTrustDocument,
} from "./iam";
import { IAM_ROLE_NAME_PREFIX_MAX, namePrefix } from "./names";
import { POD_IDENTITY_AGENT_ADDON, podIdentityAssociation } from "./pod-identity";

interface IssuerCommon {
  /** The cluster's configured name (role name prefixes and descriptions). */
  clusterName: string;
  /** The cluster's AWS provider. */
  provider: aws.Provider;
  /**
   * The cluster's OIDC provider and issuer: IRSA's, trusted with Pod Identity too, for the same
   * ServiceAccount (iam.ts workloadTrustDocument: pods admitted under IRSA keep working).
   */
  oidcProviderArn: pulumi.Output<string>;
  oidcIssuer: pulumi.Output<string>;
}

/**
 * What the roles of one cluster's workloads trust, and how a ServiceAccount reaches its role: the
 * Pod Identity agent and the cluster (its name for the associations, its ARN in the trust), or the
 * cluster's OIDC provider and issuer.
 */
export type WorkloadIdentityIssuer =
  | (IssuerCommon & { mechanism: "podIdentity"; cluster: aws.eks.Cluster; agent: aws.eks.Addon })
  | (IssuerCommon & { mechanism: "irsa" });

/** The role's trust: only `sa` of this cluster (iam.ts workloadTrustDocument for the issuer's mechanism). */
export function workloadTrustPolicy(
  issuer: WorkloadIdentityIssuer,
  sa: ServiceAccountRef,
): pulumi.Output<string> {
  const oidc = pulumi.all([issuer.oidcProviderArn, issuer.oidcIssuer]);
  return issuer.mechanism === "podIdentity"
    ? pulumi
        .all([issuer.cluster.arn, oidc])
        .apply(([clusterArn, [oidcProviderArn, issuerUrl]]) =>
          workloadTrustDocument({ mechanism: "podIdentity", clusterArn, oidcProviderArn, issuerUrl }, sa),
        )
    : oidc.apply(([oidcProviderArn, issuerUrl]) =>
        workloadTrustDocument({ mechanism: "irsa", oidcProviderArn, issuerUrl }, sa),
      );
}

/**
 * The IAM role of `sa`, a child of `parent`. Its logical name `<name>-irsa` predates Pod Identity and
 * is kept: switching `cluster.workloadIdentity` changes only its trust and description, which IAM
 * updates in place (UpdateAssumeRolePolicy, UpdateRoleDescription; only the name prefix would replace
 * it: terraform-provider-aws internal/service/iam/role.go), so its ARN — which the Vault unseal key's
 * policy names — stays.
 */
export function workloadRole(
  issuer: WorkloadIdentityIssuer,
  name: string,
  sa: ServiceAccountRef,
  parent: pulumi.Resource,
): aws.iam.Role {
  const via = issuer.mechanism === "podIdentity" ? "EKS Pod Identity" : "IRSA";
  return new aws.iam.Role(
    `${name}-irsa`,
    {
      namePrefix: namePrefix([issuer.clusterName, sa.name], IAM_ROLE_NAME_PREFIX_MAX),
      description: `${via} for ServiceAccount ${sa.namespace}/${sa.name} of EKS ${issuer.clusterName}`,
      assumeRolePolicy: workloadTrustPolicy(issuer, sa),
    },
    { parent, provider: issuer.provider },
  );
}

/**
 * Binds `sa` to its own IAM role (children of `parent`). Pod Identity: an association of `sa` with the
 * role; no ServiceAccount annotation, and the (empty) annotations resolve once the association has had
 * time to take effect (pod-identity.ts), so a release that carries them starts its pods after it. IRSA:
 * the role-ARN annotation the EKS webhook reads. No pod labels either way: the EKS webhook needs none.
 */
export function bindServiceAccount(
  issuer: WorkloadIdentityIssuer,
  name: string,
  sa: ServiceAccountRef,
  parent: pulumi.Resource,
): BoundIdentity {
  const role = workloadRole(issuer, name, sa, parent);
  if (issuer.mechanism === "irsa") {
    return {
      serviceAccountAnnotations: role.arn.apply((arn): Record<string, string> => ({
        "eks.amazonaws.com/role-arn": arn,
      })),
      podLabels: {},
      principal: role.arn,
    };
  }
  const binding = podIdentityAssociation(
    name,
    {
      clusterName: issuer.cluster.name,
      sa,
      roleArn: role.arn,
      agent: issuer.agent,
      provider: issuer.provider,
    },
    parent,
  );
  return {
    serviceAccountAnnotations: binding.propagated.id.apply((): Record<string, string> => ({})),
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
 * The cluster-autoscaler's identity: it may change the size of this cluster's node groups' Auto
 * Scaling groups only; the Describe calls auto-discovery needs cannot be scoped to resources in IAM.
 * Its pods carry no identity label: CHARTS.clusterAutoscaler puts `podLabels` into the Deployment's
 * selector too (templates/deployment.yaml), which Kubernetes never lets change on a running release.
 */
export function bindClusterAutoscaler(
  issuer: WorkloadIdentityIssuer,
  scope: AutoscalerScope,
  name: string,
  sa: ServiceAccountRef,
  parent: pulumi.Resource,
): BoundIdentity {
  return bindWithInlinePolicy(
    issuer,
    { name, sa, policyName: `${name}-autoscaling` },
    pulumi
      .all([scope.autoScalingGroupArns, scope.clusterArn])
      .apply(([asgArns, clusterArn]) => clusterAutoscalerPolicy(asgArns, clusterArn)),
    parent,
  );
}

/**
 * `sa` bound to its role (bindServiceAccount) with the inline `policy` (resource `policyName`). The
 * ServiceAccount annotations resolve only once the policy exists too: a pod started before its
 * permissions fails its first calls (the autoscaler's first scale-ups, external-dns's first sync, a
 * first challenge).
 */
export function bindWithInlinePolicy(
  issuer: WorkloadIdentityIssuer,
  bind: { name: string; sa: ServiceAccountRef; policyName: string },
  policy: pulumi.Input<string>,
  parent: pulumi.Resource,
): BoundIdentity {
  const identity = bindServiceAccount(issuer, bind.name, bind.sa, parent);
  const rolePolicy = new aws.iam.RolePolicy(
    bind.policyName,
    { role: identity.principal.apply(roleNameFromArn), policy },
    { parent, provider: issuer.provider },
  );
  return {
    ...identity,
    serviceAccountAnnotations: pulumi
      .all([identity.serviceAccountAnnotations, rolePolicy.id])
      .apply(([annotations]) => annotations),
  };
}

/**
 * A KMS key for Vault's awskms seal that only `identity` (its role) may use, a child of `parent`;
 * protected when the cluster is. The key policy names the role ARN, which a switch of the mechanism
 * keeps (workloadRole): the seal needs nothing mechanism-specific (the stanza's region and key id).
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

/**
 * The issuer of `s.workloadIdentity`: Pod Identity needs the agent add-on (podIdentityAgent, eks/addons.ts),
 * IRSA the cluster's OIDC provider (kept with Pod Identity too: every role still trusts it for its own
 * ServiceAccount, and the EKS add-ons' serviceAccountRoleArn and a switch back to IRSA use it).
 */
export function workloadIdentityIssuer(
  s: Pick<EksSettings, "clusterName" | "workloadIdentity">,
  a: {
    cluster: aws.eks.Cluster;
    oidcProviderArn: pulumi.Output<string>;
    oidcIssuer: pulumi.Output<string>;
    agent: aws.eks.Addon | undefined;
    provider: aws.Provider;
  },
): WorkloadIdentityIssuer {
  const common = {
    clusterName: s.clusterName,
    provider: a.provider,
    oidcProviderArn: a.oidcProviderArn,
    oidcIssuer: a.oidcIssuer,
  };
  if (s.workloadIdentity === "irsa") return { ...common, mechanism: "irsa" };
  if (!a.agent)
    throw new Error(
      `EKS ${s.clusterName}: cluster.workloadIdentity podIdentity needs the ${POD_IDENTITY_AGENT_ADDON} add-on`,
    );
  return { ...common, mechanism: "podIdentity", cluster: a.cluster, agent: a.agent };
}
