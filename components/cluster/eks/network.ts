/** The EKS target's network: zone selection, the subnet plan, the deployer's path to a private API. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksDeployerNetwork } from "../types";
import { EKS_UNSUPPORTED_ZONE_IDS } from "./checks";

/** Most availability zones the subnet layout has room for (the largest AWS regions have 6). */
export const MAX_AVAILABILITY_ZONES = 6;

function ipv4ToInt(ip: string): number {
  const parts = ip.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new Error(`invalid IPv4 address "${ip}"`);
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

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
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(vpcCidr.trim());
  if (!m) throw new Error(`invalid VPC CIDR "${vpcCidr}"`);
  const base = ipv4ToInt(m[1]);
  const prefix = Number(m[2]);
  if (prefix < 16 || prefix > 22) {
    throw new Error(
      `VPC CIDR ${vpcCidr}: the prefix must be between /16 and /22 (public subnets need at least /28)`,
    );
  }
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) throw new Error(`VPC CIDR ${vpcCidr} is not aligned to its prefix length`);
  if (!Number.isInteger(azCount) || azCount < 2 || azCount > MAX_AVAILABILITY_ZONES) {
    throw new Error(
      `availabilityZoneCount must be an integer between 2 and ${MAX_AVAILABILITY_ZONES}, got ${azCount}`,
    );
  }
  const eighth = size / 8;
  const publicSize = eighth / 8;
  const zones = [...Array(azCount).keys()];
  return {
    private: zones.map((i) => `${intToIpv4(base + i * eighth)}/${prefix + 3}`),
    public: zones.map((i) => `${intToIpv4(base + 6 * eighth + i * publicSize)}/${prefix + 6}`),
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
