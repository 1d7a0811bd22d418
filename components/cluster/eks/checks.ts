/**
 * EKS rules that hold before any resource exists. One home per rule: stacks/config.ts reports these
 * per key, the EksCluster component throws on the first one (it can be used without stack config).
 * No Pulumi imports here.
 */
import { cidrsOverlap } from "../../shared/net";

/** A problem at a key path relative to the `cluster` config block. */
export interface EksProblem {
  path: (string | number)[];
  message: string;
}

/**
 * The VPC prefixes offered: /16 (private /19s, public /22s) to /20 (private /23s, public /26s); the
 * subnet plan (network.ts) splits the VPC into eighths.
 */
export const EKS_VPC_PREFIX = { min: 16, max: 20 } as const;

/** Availability zones: EKS needs cluster subnets in at least two; the subnet plan has room for six. */
export const EKS_AZ_COUNT = { min: 2, max: 6 } as const;

/** The partitions EKS runs in (commercial, China, GovCloud). */
export const EKS_PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;

const PARTITION = "(aws|aws-cn|aws-us-gov)";
/** IAM names: letters, digits and +=,.@_- (IAM "IAM identifiers"); a path is /segment/…/. */
const NAME = "[\\w+=,.@-]+";
const IAM_PRINCIPAL = new RegExp(`^arn:${PARTITION}:iam::(\\d{12}):(role|user)/(?:${NAME}/)*${NAME}$`);
const ASSUMED_ROLE = new RegExp(`^arn:${PARTITION}:sts::(\\d{12}):assumed-role/(${NAME})/${NAME}$`);

/** The form a role ARN takes, for messages. */
const ROLE_ARN_FORM = "arn:aws:iam::<account>:role/<name> (partition aws, aws-cn or aws-us-gov)";

/** `arn:aws:sts::<a>:assumed-role/<role>/<session>` → the role ARN (without the role's path). */
function roleOfSession(arn: string): string | undefined {
  const m = ASSUMED_ROLE.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined;
}

/**
 * Why `arn` cannot be an access entry principal (undefined when it can). EKS user guide, "Create
 * access entries": an access entry names one existing IAM role (a path is allowed) or user, and
 * service-linked roles (role/aws-service-role/…) are not supported; an STS assumed-role session
 * ARN is neither, and CreateAccessEntry refuses it.
 */
export function adminPrincipalArnProblem(arn: string): string | undefined {
  const role = roleOfSession(arn);
  if (role) {
    return `is an STS assumed-role session ARN, which CreateAccessEntry refuses; use the role's ARN ${role} (the form ${ROLE_ARN_FORM}; add the role's path if it has one)`;
  }
  const m = IAM_PRINCIPAL.exec(arn);
  if (!m) return `must be an IAM role or user ARN like ${ROLE_ARN_FORM}`;
  if (m[3] === "role" && arn.includes(":role/aws-service-role/")) {
    return "is a service-linked role, which EKS access entries do not support; use a role you created";
  }
  return undefined;
}

/**
 * Why `arn` cannot be the kubeconfig's `aws eks get-token --role-arn` (undefined when it can): the
 * AWS CLI assumes that role with sts:AssumeRole (AWS CLI reference, `eks get-token`), and only
 * roles can be assumed.
 */
export function kubeconfigRoleArnProblem(arn: string): string | undefined {
  const role = roleOfSession(arn);
  if (role) return `is an STS assumed-role session ARN; \`--role-arn\` needs the role's ARN, e.g. ${role}`;
  const m = IAM_PRINCIPAL.exec(arn);
  if (m?.[3] === "user") {
    return `is an IAM user ARN; \`aws eks get-token --role-arn\` can only assume a role: use a role ARN like ${ROLE_ARN_FORM}, or kubeconfigProfile for the user's own credentials`;
  }
  return m ? undefined : `must be an IAM role ARN like ${ROLE_ARN_FORM}`;
}

/** EC2 security group and transit gateway IDs. */
export const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
export const TRANSIT_GATEWAY_ID = /^tgw-[0-9a-f]{8,17}$/;

/** Where `pulumi up` reaches a private API endpoint from. */
export interface DeployerNetworkShape {
  cidrs?: unknown;
  securityGroupIds?: unknown;
  transitGatewayId?: unknown;
}

/** The parts of the EKS settings the deployer-path rules read (values may be of any type). */
export interface DeployerPathShape {
  endpointPublicAccess?: unknown;
  publicAccessCidrs?: unknown;
  deployerNetwork?: unknown;
  vpcCidr?: unknown;
}

function stringsOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function duplicates(values: string[], at: (string | number)[]): EksProblem[] {
  return values.flatMap((v, i) =>
    values.indexOf(v) < i ? [{ path: [...at, i], message: "is listed twice" }] : [],
  );
}

/**
 * Why a private endpoint has no path on the first deploy, and the fixes (the message of the
 * `deployerNetwork` / `deployerNetwork.transitGatewayId` problem).
 */
const NO_FIRST_DEPLOY_PATH =
  "this program creates the VPC, so on the first `pulumi up` nothing is inside it and only a transit gateway connects the deployer to it (security group or CIDR rules alone are no path); " +
  "set deployerNetwork.transitGatewayId (a transit gateway that reaches the deployer's network and auto-accepts VPC attachments) with deployerNetwork.cidrs (the deployer's CIDRs behind it), " +
  "or set endpointPublicAccess: true with publicAccessCidrs (the deployer's egress CIDRs); " +
  "a cluster created public can switch to private once a runner inside or connected to the VPC exists, with the same transit gateway declaration (securityGroupIds of a runner inside the VPC only add to it)";

/**
 * The deployer's path to the API server (EKS user guide, "Cluster API server endpoint"): with public
 * access off, the API is reachable only from the cluster's VPC or a connected network ("connect your
 * network to the VPC with a transit gateway or other connectivity option"), and the cluster security
 * group must allow tcp 443 from it; with public access on, EKS opens the endpoint to 0.0.0.0/0 unless
 * publicAccessCidrs lists the allowed sources.
 *
 * This program creates the VPC, so on a first deploy nothing is inside it and nothing is connected to
 * it but what the program itself attaches: a transit gateway (deployerNetwork.transitGatewayId). A
 * security group can only be referenced from the same VPC or an active peering (VPC peering guide,
 * "Reference peer security groups"), so securityGroupIds serve a later runner inside the VPC and never
 * satisfy the rule alone.
 */
export function deployerPathProblems(c: DeployerPathShape): EksProblem[] {
  const out: EksProblem[] = [];
  const cidrs = stringsOf(c.publicAccessCidrs);
  const isPublic = c.endpointPublicAccess === true;
  const isPrivate = c.endpointPublicAccess === false;
  if (isPublic && cidrs.length === 0) {
    out.push({
      path: ["publicAccessCidrs"],
      message:
        "must list at least one CIDR when endpointPublicAccess is true (EKS would open the endpoint to 0.0.0.0/0)",
    });
  }
  if (isPrivate && cidrs.length > 0) {
    out.push({
      path: ["publicAccessCidrs"],
      message: "is only used when endpointPublicAccess is true; remove it or enable public access",
    });
  }
  const dn = c.deployerNetwork;
  if (dn === undefined || dn === null) {
    if (isPrivate) {
      out.push({
        path: ["deployerNetwork"],
        message: `is required when endpointPublicAccess is false: ${NO_FIRST_DEPLOY_PATH}`,
      });
    }
    return out;
  }
  if (typeof dn !== "object") return out;
  if (isPublic) {
    out.push({
      path: ["deployerNetwork"],
      message:
        "is only used with a private endpoint (endpointPublicAccess: false); remove it, or set endpointPublicAccess: false",
    });
    return out;
  }
  const d = dn as DeployerNetworkShape;
  const sources = stringsOf(d.cidrs);
  const groups = stringsOf(d.securityGroupIds);
  if (isPrivate && d.transitGatewayId === undefined) {
    out.push({
      path: ["deployerNetwork", "transitGatewayId"],
      message: `is required when endpointPublicAccess is false: ${NO_FIRST_DEPLOY_PATH}`,
    });
  }
  if (isPrivate && sources.length === 0) {
    out.push({
      path: ["deployerNetwork", "cidrs"],
      message:
        "must list the deployer network's CIDRs: the private subnets route each one to the transit gateway and the cluster security group allows tcp 443 from it",
    });
  }
  out.push(...duplicates(sources, ["deployerNetwork", "cidrs"]));
  out.push(...duplicates(groups, ["deployerNetwork", "securityGroupIds"]));
  const vpc = typeof c.vpcCidr === "string" ? c.vpcCidr : undefined;
  sources.forEach((s, i) => {
    if (vpc && cidrsOverlap(s, vpc)) {
      out.push({
        path: ["deployerNetwork", "cidrs", i],
        message: `overlaps vpcCidr (${vpc}): traffic to it stays in the VPC, a route to the transit gateway cannot carry it`,
      });
    }
  });
  return out;
}

/**
 * AZ IDs where EKS cannot place cluster subnets (EKS user guide, "View Amazon EKS networking
 * requirements for VPC and subnets"). Zone names map to IDs differently per account, so the
 * selection excludes IDs, not names.
 */
export const EKS_UNSUPPORTED_ZONE_IDS = ["use1-az3", "usw1-az2", "cac1-az3"];

/** The fewest availability zones an EKS stack may have (stack config, cluster.availabilityZoneCount). */
export const MIN_AVAILABILITY_ZONES = 2;

/**
 * A pool's minimum split over its per-zone node groups: ceil(minNodes / zones), so the zones together
 * never start fewer nodes than the pool asks for. Raising the zone count can only lower it, which EKS
 * always accepts (UpdateNodegroupConfig refuses a minimum above the current desired size, never one
 * below it).
 */
export function perZoneMinNodes(minNodes: number, zones: number): number {
  return Math.ceil(minNodes / zones);
}

/**
 * The maximum of each per-zone node group of a pool: ceil(maxNodes / MIN_AVAILABILITY_ZONES), the same
 * for every zone count. A maximum that followed the zone count (ceil(maxNodes / zones)) would shrink on
 * every existing group when availabilityZoneCount grows, and EKS refuses a maximum below a group's
 * current desired size ("desiredSize can't be greater than maxSize"; terraform-provider-aws
 * node_group.go sends the whole scaling_config on any min/max change). The zones together may
 * therefore run up to zones × ceil(maxNodes / 2) nodes: cluster-autoscaler balances the groups
 * (--balance-similar-node-groups) and only scales for pending pods.
 */
export function perZoneMaxNodes(maxNodes: number): number {
  return Math.ceil(maxNodes / MIN_AVAILABILITY_ZONES);
}
