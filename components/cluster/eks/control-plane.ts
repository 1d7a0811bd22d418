/**
 * The EKS control plane: the Secrets encryption key, the control-plane log group, the cluster role,
 * the cluster itself, admin access entries, the OIDC provider IRSA trusts, the deployer's path to a
 * private endpoint, and the kubeconfig and Kubernetes provider that reach the API.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EksSettings } from "../types";
import { EksAws, managedPolicyArn } from "./account";
import { IRSA_AUDIENCE, kmsKeyUsePolicy, principalSuffix, serviceTrustPolicy } from "./iam";
import { buildKubeconfig } from "./kubeconfig";
import { clusterKeyPolicy, controlPlaneLogGroupName } from "./log-encryption";
import { IAM_ROLE_NAME_PREFIX_MAX, namePrefix } from "./names";
import { EksNetwork, deployerAccess } from "./network";

/** The five EKS control-plane log types (CKV_AWS_37). */
export const EKS_CONTROL_PLANE_LOG_TYPES = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
];

export interface EksControlPlane {
  cluster: aws.eks.Cluster;
  /** The cluster's OIDC issuer URL, which IRSA trust policies name. */
  oidcIssuer: pulumi.Output<string>;
  oidcProvider: aws.iam.OpenIdConnectProvider;
  /** The access entries of the admin principals (one per principal). */
  adminEntries: aws.eks.AccessEntry[];
  /** The cluster-admin policy association of each admin entry. */
  adminAccess: aws.eks.AccessPolicyAssociation[];
  /** The deployer network's path to a private endpoint (none with a public endpoint). */
  deployerPath: pulumi.Resource[];
}

/**
 * The cluster role: EKS assumes it, with the managed cluster policy and the use of the Secrets key.
 * `ready` holds its policies: the cluster waits for them.
 */
function clusterRole(
  name: string,
  s: EksSettings,
  env: EksAws,
  secretsKey: aws.kms.Key,
): { role: aws.iam.Role; ready: pulumi.Resource[] } {
  const child = env.child;
  const role = new aws.iam.Role(
    `${name}-cluster`,
    {
      namePrefix: namePrefix([s.clusterName, "cluster"], IAM_ROLE_NAME_PREFIX_MAX),
      assumeRolePolicy: serviceTrustPolicy("eks.amazonaws.com"),
    },
    child,
  );
  const clusterPolicy = new aws.iam.RolePolicyAttachment(
    `${name}-cluster-AmazonEKSClusterPolicy`,
    { role: role.name, policyArn: managedPolicyArn(env.partition, "AmazonEKSClusterPolicy") },
    child,
  );
  const clusterEncryption = new aws.iam.RolePolicy(
    `${name}-cluster-encryption`,
    {
      role: role.name,
      policy: secretsKey.arn.apply((arn) =>
        kmsKeyUsePolicy(arn, ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]),
      ),
    },
    child,
  );
  return { role, ready: [clusterPolicy, clusterEncryption] };
}

/**
 * The EKS cluster in the private subnets: Secrets envelope-encrypted with its own KMS key, every
 * control-plane log type into a log group kept 90 days and encrypted with the same key, API-only
 * authentication.
 */
function eksCluster(name: string, s: EksSettings, env: EksAws, net: EksNetwork): aws.eks.Cluster {
  const { child } = env;
  const { clusterName, protect } = s;
  const logGroupName = controlPlaneLogGroupName(clusterName);
  const secretsKey = new aws.kms.Key(
    `${name}-secrets`,
    {
      description: `EKS ${clusterName}: envelope encryption of Kubernetes Secrets and the control-plane logs`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // Set on an existing key it replaces the default key policy in place (PutKeyPolicy): its one
      // statement is kept, the logs service's added.
      policy: pulumi
        .all([env.partition, env.dnsSuffix, env.accountId])
        .apply(([partition, dnsSuffix, accountId]) =>
          clusterKeyPolicy({ partition, dnsSuffix, region: s.region, accountId }, logGroupName),
        ),
    },
    { ...child, protect },
  );
  new aws.kms.Alias(
    `${name}-secrets`,
    { name: `alias/eks/${clusterName}`, targetKeyId: secretsKey.keyId },
    child,
  );
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane-logs`,
    // An existing log group is associated with the key in place (AssociateKmsKey): events from then on
    // are encrypted with it (CloudWatch Logs user guide, "Encrypt log data … using AWS KMS").
    { name: logGroupName, retentionInDays: 90, kmsKeyId: secretsKey.arn },
    { ...child, protect },
  );
  const role = clusterRole(name, s, env, secretsKey);
  return new aws.eks.Cluster(
    `${name}-eks`,
    {
      name: clusterName,
      version: s.kubernetesVersion,
      roleArn: role.role.arn,
      vpcConfig: {
        subnetIds: net.privateSubnets.map((sn) => sn.id),
        endpointPrivateAccess: true,
        endpointPublicAccess: s.endpointPublicAccess,
        publicAccessCidrs: s.endpointPublicAccess ? s.publicAccessCidrs : undefined,
      },
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: secretsKey.arn } },
      enabledClusterLogTypes: EKS_CONTROL_PLANE_LOG_TYPES,
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
      // Unset, EKS puts the cluster on EXTENDED support (and pricing) when standard support ends
      // (EKS user guide, "Cluster upgrade policy"); STANDARD upgrades it instead.
      upgradePolicy: { supportType: s.supportType },
      deletionProtection: protect,
    },
    {
      ...child,
      protect,
      dependsOn: [...role.ready, logGroup],
      ignoreChanges: [
        // Only read at creation; EKS reports false afterwards (pulumi-eks ignores it too).
        "accessConfig.bootstrapClusterCreatorAdminPermissions",
        // The control plane keeps its creation-time subnets: terraform-provider-aws updates
        // vpc_config.subnet_ids in place (UpdateClusterConfig), and EKS rejects subnets outside the
        // AZs given at creation (EKS user guide, "VPC and subnet requirements"), so a raised
        // availabilityZoneCount reaches the node groups only.
        "vpcConfig.subnetIds",
      ],
    },
  );
}

/** Cluster admin for each admin principal: an access entry and its AmazonEKSClusterAdminPolicy. */
function adminAccessEntries(
  name: string,
  s: EksSettings,
  env: EksAws,
  cluster: aws.eks.Cluster,
): Pick<EksControlPlane, "adminEntries" | "adminAccess"> {
  const { child } = env;
  const adminEntries: aws.eks.AccessEntry[] = [];
  const adminAccess = s.adminPrincipalArns.map((principalArn) => {
    const suffix = principalSuffix(principalArn);
    const entry = new aws.eks.AccessEntry(
      `${name}-admin-${suffix}`,
      { clusterName: cluster.name, principalArn, type: "STANDARD" },
      child,
    );
    adminEntries.push(entry);
    return new aws.eks.AccessPolicyAssociation(
      `${name}-admin-${suffix}`,
      {
        clusterName: cluster.name,
        principalArn,
        policyArn: pulumi.interpolate`arn:${env.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: "cluster" },
      },
      { ...child, dependsOn: [entry] },
    );
  });
  return { adminEntries, adminAccess };
}

/** The cluster's OIDC issuer and the IAM OIDC provider for it (IRSA). */
function clusterOidc(
  name: string,
  s: EksSettings,
  env: EksAws,
  cluster: aws.eks.Cluster,
): Pick<EksControlPlane, "oidcIssuer" | "oidcProvider"> {
  const oidcIssuer = cluster.identities.apply((ids) => {
    const issuer = ids?.[0]?.oidcs?.[0]?.issuer;
    if (!issuer) throw new Error(`EKS cluster ${s.clusterName} reports no OIDC issuer`);
    return issuer;
  });
  const oidcProvider = new aws.iam.OpenIdConnectProvider(
    `${name}-oidc`,
    { url: oidcIssuer, clientIdLists: [IRSA_AUDIENCE] },
    { ...env.child, protect: s.protect },
  );
  return { oidcIssuer, oidcProvider };
}

/** The control plane and who reaches it: the cluster, the deployer's path, admin entries, OIDC. */
export function eksControlPlane(name: string, s: EksSettings, env: EksAws, net: EksNetwork): EksControlPlane {
  const cluster = eksCluster(name, s, env, net);
  // A private endpoint: the declared deployer network's path to it (none with a public endpoint).
  const deployerPath =
    !s.endpointPublicAccess && s.deployerNetwork
      ? deployerAccess(
          name,
          {
            network: s.deployerNetwork,
            clusterSecurityGroupId: cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId),
            vpcId: net.vpc.id,
            privateSubnetIds: net.privateSubnets.map((sn) => sn.id),
            privateRouteTableIds: net.privateRouteTables.map((rt) => rt.id),
            clusterName: s.clusterName,
          },
          env.child,
        )
      : [];
  return {
    cluster,
    deployerPath,
    ...adminAccessEntries(name, s, env, cluster),
    ...clusterOidc(name, s, env, cluster),
  };
}

/**
 * The secret exec-based kubeconfig and the Kubernetes provider built on it (a child of `parent`,
 * without the AWS provider).
 */
export function kubernetesAccess(
  name: string,
  s: EksSettings,
  cp: EksControlPlane,
  parent: pulumi.Resource,
): { kubeconfig: pulumi.Output<string>; provider: k8s.Provider } {
  const { cluster } = cp;
  const kubeconfig = pulumi.secret(
    pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority]).apply(([n, endpoint, ca]) =>
      buildKubeconfig({
        clusterName: n,
        endpoint,
        certificateAuthorityData: ca.data ?? "",
        region: s.region,
        profile: s.kubeconfigProfile,
        roleArn: s.kubeconfigRoleArn,
      }),
    ),
  );
  // The provider is configured only once the deployer can reach and use the API: pulumi-kubernetes
  // loads the API schema once in Configure and, if that fails, marks the cluster unreachable for the
  // whole run (provider/pkg/provider/provider.go, Configure: clusterUnreachable, "unable to load
  // schema information from the API server"), so a later dependsOn on single objects cannot help.
  const provider = new k8s.Provider(
    `${name}-k8s`,
    {
      kubeconfig,
      // The cluster ARN is stable: credential or endpoint changes never replace the provider.
      clusterIdentifier: cluster.arn,
    },
    { parent, dependsOn: [...cp.adminEntries, ...cp.adminAccess, ...cp.deployerPath] },
  );
  return { kubeconfig, provider };
}
