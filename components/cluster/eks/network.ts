/**
 * The EKS target's network: zone selection, the subnet plan, the VPC with its subnets, NAT and route
 * tables, and the deployer's path to a private API.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { blockSize, networkOf, parseCidr, subnetAt } from "../../shared/net";
import { EksDeployerNetwork, EksSettings } from "../types";
import { EKS_AZ_COUNT, EKS_UNSUPPORTED_ZONE_IDS } from "./checks";
import { KARPENTER_DISCOVERY_TAG } from "./karpenter/names";

/** Most availability zones the subnet layout has room for (the largest AWS regions have 6). */
export const MAX_AVAILABILITY_ZONES = EKS_AZ_COUNT.max;

/**
 * Carves the VPC CIDR into one private and one public subnet per availability zone.
 *
 * The layout does not depend on `azCount`, so adding a zone later never moves an existing subnet:
 * the VPC is split into eighths; eighths 0–5 are the private subnets (one per zone, large: nodes and
 * pods take their IPs from the VPC CNI), eighth 6 is split into eight public subnets (small: NAT
 * gateways and load balancers only), eighth 7 stays free. A /16 gives private /19s (8187 usable
 * addresses) and public /22s (1019 usable).
 */
export function subnetCidrs(vpcCidr: string, azCount: number): { private: string[]; public: string[] } {
  const vpc = parseCidr(vpcCidr.trim());
  if (!vpc) throw new Error(`invalid VPC CIDR "${vpcCidr}"`);
  const { base, prefix } = vpc;
  if (prefix < 16 || prefix > 22) {
    throw new Error(
      `VPC CIDR ${vpcCidr}: the prefix must be between /16 and /22 (public subnets need at least /28)`,
    );
  }
  if (networkOf(vpc) !== base) throw new Error(`VPC CIDR ${vpcCidr} is not aligned to its prefix length`);
  if (!Number.isInteger(azCount) || azCount < EKS_AZ_COUNT.min || azCount > MAX_AVAILABILITY_ZONES) {
    throw new Error(
      `availabilityZoneCount must be an integer between 2 and ${MAX_AVAILABILITY_ZONES}, got ${azCount}`,
    );
  }
  const eighthPrefix = prefix + 3;
  const publicStart = base + 6 * blockSize(eighthPrefix);
  const zones = [...Array(azCount).keys()];
  return {
    private: zones.map((i) => subnetAt(base, eighthPrefix, i)),
    public: zones.map((i) => subnetAt(publicStart, prefix + 6, i)),
  };
}

/**
 * The first `count` regular zones of `region` where EKS accepts cluster subnets. Local and
 * Wavelength zones are filtered out; the AZ IDs EKS refuses (EKS network requirements) are excluded
 * by ID. Excluding them never shifts the zones of a working stack: a stack whose first `count` zones
 * held a refused one could not have created its cluster, and the IDs exist only in us-east-1,
 * us-west-1 and ca-central-1.
 */
export function eksZones(
  region: string,
  count: number,
  opts: pulumi.InvokeOutputOptions,
): pulumi.Output<string[]> {
  return aws
    .getAvailabilityZonesOutput(
      {
        // No `state: "available"` filter on purpose: an impaired zone would drop out of the list
        // during an incident, shift the zones of the subnets after it and force their (and the
        // cluster's) replacement on the next update.
        region,
        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
        excludeZoneIds: EKS_UNSUPPORTED_ZONE_IDS,
      },
      opts,
    )
    .names.apply((names) => {
      if (names.length < count) {
        throw new Error(
          `region ${region} has ${names.length} availability zones EKS accepts (excluding ${EKS_UNSUPPORTED_ZONE_IDS.join(", ")}), availabilityZoneCount is ${count}`,
        );
      }
      return names.slice(0, count);
    });
}

/** The VPC's resources the control plane, the node groups and the deployer's path use. */
export interface EksNetwork {
  vpc: aws.ec2.Vpc;
  publicSubnets: aws.ec2.Subnet[];
  privateSubnets: aws.ec2.Subnet[];
  /** One route table per private subnet (index = zone). */
  privateRouteTables: aws.ec2.RouteTable[];
  /** The private route tables, their default routes and associations: what nodes reach out through. */
  privateRouting: pulumi.Resource[];
}

/** The role tag by which load balancers find a tier's subnets. */
const SUBNET_TIERS = {
  public: "kubernetes.io/role/elb",
  private: "kubernetes.io/role/internal-elb",
} as const;

/**
 * The tag by which Karpenter's EC2NodeClass finds the node subnets (eks/karpenter/aws.ts), on the
 * private subnets with Karpenter only: `karpenter.sh/discovery=<cluster name>`, the tag Karpenter's
 * getting-started and migration guides select subnets by.
 */
function nodeSubnetTags(s: EksSettings): Record<string, string> {
  return s.nodeAutoscaling === "karpenter" ? { [KARPENTER_DISCOVERY_TAG]: s.clusterName } : {};
}

/** One subnet per zone of a tier (`<name>-<tier>-<zone index>`), from the subnet plan. */
function tierSubnets(
  name: string,
  tier: keyof typeof SUBNET_TIERS,
  cidrs: string[],
  a: {
    vpc: aws.ec2.Vpc;
    zone: (i: number) => pulumi.Output<string>;
    clusterName: string;
    tags?: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): aws.ec2.Subnet[] {
  return cidrs.map(
    (cidrBlock, i) =>
      new aws.ec2.Subnet(
        `${name}-${tier}-${i}`,
        {
          vpcId: a.vpc.id,
          cidrBlock,
          availabilityZone: a.zone(i),
          mapPublicIpOnLaunch: false,
          tags: {
            Name: pulumi.interpolate`${a.clusterName}-${tier}-${a.zone(i)}`,
            [SUBNET_TIERS[tier]]: "1",
            [`kubernetes.io/cluster/${a.clusterName}`]: "shared",
            ...a.tags,
          },
        },
        opts,
      ),
  );
}

/**
 * The cluster's VPC over `zones`: a public and a private subnet per zone (subnetCidrs), the internet
 * gateway and the public route table, NAT gateways (one, or one per zone) and a private route table
 * per zone. `opts` carries the component as parent and the AWS provider.
 */
export function eksNetwork(
  name: string,
  s: EksSettings,
  zones: pulumi.Output<string[]>,
  opts: pulumi.CustomResourceOptions,
): EksNetwork {
  const { clusterName, protect } = s;
  const cidrs = subnetCidrs(s.vpcCidr, s.availabilityZoneCount);
  const zone = (i: number) => zones.apply((z) => z[i]);
  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock: s.vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: clusterName },
    },
    { ...opts, protect },
  );
  // Strip every rule from the VPC's default security group (CKV2_AWS_12): nothing here uses it.
  new aws.ec2.DefaultSecurityGroup(
    `${name}-default-sg`,
    { vpcId: vpc.id, tags: { Name: `${clusterName}-default-deny` } },
    opts,
  );
  const igw = new aws.ec2.InternetGateway(
    `${name}-igw`,
    { vpcId: vpc.id, tags: { Name: clusterName } },
    opts,
  );
  const subnetArgs = { vpc, zone, clusterName };
  const publicSubnets = tierSubnets(name, "public", cidrs.public, subnetArgs, { ...opts, protect });
  const privateSubnets = tierSubnets(
    name,
    "private",
    cidrs.private,
    { ...subnetArgs, tags: nodeSubnetTags(s) },
    { ...opts, protect },
  );

  const publicRt = new aws.ec2.RouteTable(
    `${name}-public-rt`,
    { vpcId: vpc.id, tags: { Name: `${clusterName}-public` } },
    opts,
  );
  const publicDefault = new aws.ec2.Route(
    `${name}-public-default`,
    { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
    opts,
  );
  const publicAssocs = publicSubnets.map(
    (sn, i) =>
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${i}`,
        { subnetId: sn.id, routeTableId: publicRt.id },
        opts,
      ),
  );

  const publicRouting = [publicDefault, ...publicAssocs];
  const nats = natGateways(name, s, { publicSubnets, igw, publicRouting }, opts);
  const { privateRouteTables, privateRouting } = privateRoutes(
    name,
    s,
    { vpc, zone, privateSubnets, nats },
    opts,
  );
  return { vpc, publicSubnets, privateSubnets, privateRouteTables, privateRouting };
}

/**
 * The NAT gateways (one, or one per zone) in the first public subnets, each with its elastic IP; they
 * wait for the internet gateway and the public routing.
 */
function natGateways(
  name: string,
  s: EksSettings,
  a: { publicSubnets: aws.ec2.Subnet[]; igw: aws.ec2.InternetGateway; publicRouting: pulumi.Resource[] },
  opts: pulumi.CustomResourceOptions,
): aws.ec2.NatGateway[] {
  const natCount = s.natGateways === "perAz" ? s.availabilityZoneCount : 1;
  return [...Array(natCount).keys()].map((i) => {
    const eip = new aws.ec2.Eip(
      `${name}-nat-${i}`,
      { domain: "vpc", tags: { Name: `${s.clusterName}-nat-${i}` } },
      { ...opts, dependsOn: [a.igw] },
    );
    return new aws.ec2.NatGateway(
      `${name}-nat-${i}`,
      {
        allocationId: eip.allocationId,
        subnetId: a.publicSubnets[i].id,
        tags: { Name: `${s.clusterName}-nat-${i}` },
      },
      { ...opts, dependsOn: [a.igw, ...a.publicRouting] },
    );
  });
}

/**
 * One private route table per zone in both NAT modes, so switching single <-> perAz only edits routes:
 * each routes the internet through its zone's NAT gateway (or the single one).
 */
function privateRoutes(
  name: string,
  s: EksSettings,
  a: {
    vpc: aws.ec2.Vpc;
    zone: (i: number) => pulumi.Output<string>;
    privateSubnets: aws.ec2.Subnet[];
    nats: aws.ec2.NatGateway[];
  },
  opts: pulumi.CustomResourceOptions,
): Pick<EksNetwork, "privateRouteTables" | "privateRouting"> {
  const privateRouting: pulumi.Resource[] = [];
  const privateRouteTables = a.privateSubnets.map((sn, i) => {
    const rt = new aws.ec2.RouteTable(
      `${name}-private-rt-${i}`,
      { vpcId: a.vpc.id, tags: { Name: pulumi.interpolate`${s.clusterName}-private-${a.zone(i)}` } },
      opts,
    );
    privateRouting.push(
      rt,
      new aws.ec2.Route(
        `${name}-private-default-${i}`,
        {
          routeTableId: rt.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: a.nats[i % a.nats.length].id,
        },
        opts,
      ),
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${i}`,
        { subnetId: sn.id, routeTableId: rt.id },
        opts,
      ),
    );
    return rt;
  });
  return { privateRouteTables, privateRouting };
}

/** A URN-safe name part for a CIDR or an ID ("10.1.0.0/16" → "10-1-0-0-16"). */
function slug(source: string): string {
  return source.replace(/[^A-Za-z0-9-]+/g, "-");
}

export interface DeployerAccessArgs {
  network: EksDeployerNetwork;
  /** The security group EKS creates for the control plane (vpcConfig.clusterSecurityGroupId). */
  clusterSecurityGroupId: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string>[];
  /** One route table per private subnet (index = zone). */
  privateRouteTableIds: pulumi.Input<string>[];
  clusterName: string;
}

/**
 * The deployer's path to a private API endpoint (EKS user guide, "Cluster API server endpoint",
 * "Accessing a private only API server": from a connected network, the cluster security group must
 * allow tcp 443 from it; the endpoint's name resolves, through public DNS, to private IPs in the
 * VPC). One ingress rule per deployer CIDR / security group; the private subnets attach to the transit
 * gateway and route each deployer CIDR to it. The Kubernetes provider waits for all of these.
 *
 * Security group rules reference groups of this VPC only (VPC peering guide, "Reference peer security
 * groups": same VPC or an active peering; across a transit gateway only with security group
 * referencing enabled on it): they serve a runner inside the VPC. The transit gateway must accept the
 * attachment automatically: the provider's create waits for `available` or `pendingAcceptance`
 * (terraform-provider-aws transitgateway waitTransitGatewayVPCAttachmentCreated), so on a shared gateway
 * without auto-accept the routes below fail with InvalidTransitGatewayID.NotFound
 * (hashicorp/terraform-provider-aws#10025).
 */
export function deployerAccess(
  name: string,
  a: DeployerAccessArgs,
  opts: pulumi.CustomResourceOptions,
): pulumi.Resource[] {
  const rule = (source: string, from: Partial<aws.vpc.SecurityGroupIngressRuleArgs>) =>
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-deployer-${slug(source)}`,
      {
        securityGroupId: a.clusterSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: `Kubernetes API of ${a.clusterName} for the deployer (${source})`,
        ...from,
      },
      opts,
    );
  const out: pulumi.Resource[] = [
    ...a.network.cidrs.map((cidr) => rule(cidr, { cidrIpv4: cidr })),
    ...a.network.securityGroupIds.map((sg) => rule(sg, { referencedSecurityGroupId: sg })),
  ];
  const tgw = a.network.transitGatewayId;
  // Refused by validateEksSettings for a private endpoint; kept for the type.
  if (tgw === undefined) return out;
  // One subnet per zone (a transit gateway attachment takes at most one subnet per AZ). The route
  // tables and associations on the transit gateway's side belong to its owner.
  const attachment = new aws.ec2transitgateway.VpcAttachment(
    `${name}-deployer-tgw`,
    {
      transitGatewayId: tgw,
      vpcId: a.vpcId,
      subnetIds: a.privateSubnetIds,
      tags: { Name: `${a.clusterName}-deployer` },
    },
    opts,
  );
  out.push(attachment);
  a.privateRouteTableIds.forEach((routeTableId, i) => {
    for (const cidr of a.network.cidrs) {
      out.push(
        new aws.ec2.Route(
          `${name}-private-${i}-deployer-${slug(cidr)}`,
          { routeTableId, destinationCidrBlock: cidr, transitGatewayId: tgw },
          { ...opts, dependsOn: [attachment] },
        ),
      );
    }
  });
  return out;
}
