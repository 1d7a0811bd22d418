/**
 * EKS rules that hold before any resource exists. One home per rule: stacks/config.ts reports these
 * per key, the EksCluster component throws on the first one (it can be used without stack config).
 * No Pulumi imports here.
 */

/** A problem at a key path relative to the `cluster` config block. */
export interface EksProblem {
  path: (string | number)[];
  message: string;
}

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

function parseCidr(c: string): [number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(c);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) return undefined;
  const size = 2 ** (32 - Number(m[5]));
  const base = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  return [base - (base % size), size];
}

function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return !!x && !!y && x[0] < y[0] + y[1] && y[0] < x[0] + x[1];
}

function duplicates(values: string[], at: (string | number)[]): EksProblem[] {
  return values.flatMap((v, i) =>
    values.indexOf(v) < i ? [{ path: [...at, i], message: "is listed twice" }] : [],
  );
}

/**
 * The deployer's path to the API server (EKS user guide, "Cluster API server endpoint"): with public
 * access off, the API is reachable only from the cluster's VPC or a connected network, and the
 * cluster security group must allow tcp 443 from it; with public access on, EKS opens the endpoint
 * to 0.0.0.0/0 unless publicAccessCidrs lists the allowed sources. A program that creates the VPC
 * cannot reach a private endpoint from outside unless that path is declared.
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
        message:
          "is required when endpointPublicAccess is false: a private endpoint is reachable only from the cluster's VPC or a network connected to it, so `pulumi up` from anywhere else cannot create the first Kubernetes object; either set endpointPublicAccess: true with publicAccessCidrs (the deployer's egress CIDRs), or declare deployerNetwork {cidrs and/or securityGroupIds, optionally transitGatewayId} of the machine that runs `pulumi up`",
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
  }
  const d = dn as DeployerNetworkShape;
  const sources = stringsOf(d.cidrs);
  const groups = stringsOf(d.securityGroupIds);
  if (sources.length === 0 && groups.length === 0) {
    out.push({
      path: ["deployerNetwork"],
      message:
        "must list at least one of cidrs or securityGroupIds: the deployer's sources allowed on tcp 443 of the cluster security group",
    });
  }
  out.push(...duplicates(sources, ["deployerNetwork", "cidrs"]));
  out.push(...duplicates(groups, ["deployerNetwork", "securityGroupIds"]));
  if (typeof d.transitGatewayId === "string") {
    if (sources.length === 0) {
      out.push({
        path: ["deployerNetwork", "cidrs"],
        message:
          "must list the deployer network's CIDRs when transitGatewayId is set: the private subnets get one route per CIDR to the transit gateway",
      });
    }
    const vpc = typeof c.vpcCidr === "string" ? c.vpcCidr : undefined;
    sources.forEach((s, i) => {
      if (vpc && overlaps(s, vpc)) {
        out.push({
          path: ["deployerNetwork", "cidrs", i],
          message: `overlaps vpcCidr (${vpc}): traffic to it stays in the VPC, a route to the transit gateway cannot carry it`,
        });
      }
    });
  }
  return out;
}

/**
 * AZ IDs where EKS cannot place cluster subnets (EKS user guide, "View Amazon EKS networking
 * requirements for VPC and subnets"). Zone names map to IDs differently per account, so the
 * selection excludes IDs, not names.
 */
export const EKS_UNSUPPORTED_ZONE_IDS = ["use1-az3", "usw1-az2", "cac1-az3"];

/**
 * A pool's min or max split over its per-zone node groups: ceil(total / zones), so the zones
 * together never allow fewer nodes than the pool asks for (they may allow up to zones-1 more).
 */
export function perZoneNodes(total: number, zones: number): number {
  return Math.ceil(total / zones);
}
