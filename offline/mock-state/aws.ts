import { createHash } from "crypto";
import { MockTables } from "./types";

/** The account and region the AWS mocks pretend to run in (a `region` input overrides the region). */
export const MOCK_AWS_ACCOUNT = "123456789012";
export const MOCK_AWS_REGION = "eu-west-1";

type Inputs = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function regionOf(inputs: Inputs): string {
  return str(inputs.region) ?? MOCK_AWS_REGION;
}

/** A deterministic hex string derived from `seed`. */
function hex(seed: string, len: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, len);
}

/** What the provider's autonaming would produce: `name`, or `namePrefix` + a 26-character unique suffix. */
function cloudName(inputs: Inputs, nameKey: string, prefixKey: string, fallback: string): string {
  return (
    str(inputs[nameKey]) ??
    (str(inputs[prefixKey]) ? `${inputs[prefixKey]}20260101000000000000000001` : fallback)
  );
}

function arn(service: string, region: string, resource: string): string {
  return `arn:aws:${service}:${region}:${MOCK_AWS_ACCOUNT}:${resource}`;
}

const DIRECTIONS: Record<string, string> = {
  north: "n",
  south: "s",
  east: "e",
  west: "w",
  central: "c",
  northeast: "ne",
  northwest: "nw",
  southeast: "se",
  southwest: "sw",
};

/** The AZ ID prefix of a region, as AWS spells it: us-east-1 → use1, ap-northeast-2 → apne2. */
export function zoneIdPrefix(region: string): string {
  return region
    .split("-")
    .map((p, i) => (i === 0 || /^\d+$/.test(p) ? p : (DIRECTIONS[p] ?? p[0])))
    .join("");
}

export const aws: MockTables = {
  resources: {
    "aws:ec2/vpc:Vpc": (name, inputs) => ({
      arn: arn("ec2", regionOf(inputs), `vpc/vpc-${hex(name, 17)}`),
      defaultSecurityGroupId: `sg-${hex(`${name}-default`, 17)}`,
      mainRouteTableId: `rtb-${hex(`${name}-main`, 17)}`,
    }),
    "aws:ec2/subnet:Subnet": (name, inputs) => ({
      arn: arn("ec2", regionOf(inputs), `subnet/subnet-${hex(name, 17)}`),
    }),
    "aws:ec2/eip:Eip": (name) => ({
      allocationId: `eipalloc-${hex(name, 17)}`,
      publicIp: `203.0.113.${parseInt(hex(name, 2), 16) % 250}`,
    }),
    "aws:ec2/launchTemplate:LaunchTemplate": (name, inputs) => ({
      name: cloudName(inputs, "name", "namePrefix", name),
      arn: arn("ec2", regionOf(inputs), `launch-template/lt-${hex(name, 17)}`),
      latestVersion: 1,
      defaultVersion: 1,
    }),
    "aws:kms/key:Key": (name, inputs) => {
      const keyId = `${hex(name, 8)}-${hex(name, 4)}-4${hex(name, 3)}-8${hex(name, 3)}-${hex(name, 12)}`;
      return { keyId, arn: arn("kms", regionOf(inputs), `key/${keyId}`) };
    },
    "aws:kms/alias:Alias": (name, inputs) => ({
      arn: arn("kms", regionOf(inputs), str(inputs.name) ?? `alias/${name}`),
    }),
    "aws:cloudwatch/logGroup:LogGroup": (name, inputs) => ({
      arn: arn("logs", regionOf(inputs), `log-group:${str(inputs.name) ?? name}`),
    }),
    "aws:iam/role:Role": (name, inputs) => {
      const roleName = cloudName(inputs, "name", "namePrefix", `${name}-${hex(name, 7)}`);
      return {
        name: roleName,
        arn: `arn:aws:iam::${MOCK_AWS_ACCOUNT}:role/${roleName}`,
        uniqueId: `AROA${hex(name, 17).toUpperCase()}`,
      };
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (_name, inputs) => ({
      arn: `arn:aws:iam::${MOCK_AWS_ACCOUNT}:oidc-provider/${String(inputs.url ?? "").replace(/^https:\/\//, "")}`,
    }),
    "aws:eks/cluster:Cluster": (name, inputs) => {
      const clusterName = str(inputs.name) ?? name;
      const region = regionOf(inputs);
      return {
        name: clusterName,
        arn: arn("eks", region, `cluster/${clusterName}`),
        // EKS creates the cluster security group and reports it in vpcConfig.
        vpcConfig: {
          ...(inputs.vpcConfig as Inputs | undefined),
          clusterSecurityGroupId: `sg-${hex(`${clusterName}-cluster`, 17)}`,
        },
        endpoint: `https://${hex(clusterName, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
        certificateAuthority: { data: Buffer.from(`mock CA of ${clusterName}`).toString("base64") },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/EXAMPLE` }] }],
        clusterId: hex(clusterName, 36),
        platformVersion: "eks.1",
        status: "ACTIVE",
      };
    },
    "aws:eks/nodeGroup:NodeGroup": (name, inputs) => {
      const nodeGroupName = cloudName(inputs, "nodeGroupName", "nodeGroupNamePrefix", name);
      const uuid = `${hex(name, 8)}-${hex(name, 4)}-${hex(name, 4)}-${hex(name, 4)}-${hex(name, 12)}`;
      return {
        nodeGroupName,
        arn: arn("eks", regionOf(inputs), `nodegroup/${String(inputs.clusterName)}/${nodeGroupName}/${uuid}`),
        status: "ACTIVE",
        resources: [
          { autoscalingGroups: [{ name: `eks-${nodeGroupName}-${uuid}` }], remoteAccessSecurityGroupId: "" },
        ],
      };
    },
    "aws:eks/addon:Addon": (name, inputs) => ({
      arn: arn(
        "eks",
        regionOf(inputs),
        `addon/${String(inputs.clusterName)}/${String(inputs.addonName)}/${hex(name, 8)}`,
      ),
    }),
    // EKS returns the association's id and ARN (podidentityassociation/<cluster>/<id>, API PodIdentityAssociation).
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": (name, inputs) => {
      const associationId = `a-${hex(name, 17)}`;
      return {
        associationId,
        associationArn: arn(
          "eks",
          regionOf(inputs),
          `podidentityassociation/${String(inputs.clusterName)}/${associationId}`,
        ),
      };
    },
    "aws:sqs/queue:Queue": (name, inputs) => {
      const queueName = cloudName(inputs, "name", "namePrefix", name);
      const region = regionOf(inputs);
      return {
        name: queueName,
        arn: arn("sqs", region, queueName),
        url: `https://sqs.${region}.amazonaws.com/${MOCK_AWS_ACCOUNT}/${queueName}`,
      };
    },
    "aws:cloudwatch/eventRule:EventRule": (name, inputs) => {
      const ruleName = cloudName(inputs, "name", "namePrefix", name);
      return { name: ruleName, arn: arn("events", regionOf(inputs), `rule/${ruleName}`) };
    },
    "aws:eks/accessEntry:AccessEntry": (name, inputs) => ({
      accessEntryArn: arn(
        "eks",
        regionOf(inputs),
        `access-entry/${String(inputs.clusterName)}/${hex(name, 8)}`,
      ),
    }),
  },
  calls: {
    "aws:index/getAvailabilityZones:getAvailabilityZones": (inputs) => {
      // Four zones a-d with IDs <region id>-az1…az4 (real accounts map names to IDs per account),
      // minus the IDs in excludeZoneIds, as the provider filters them.
      const region = regionOf(inputs);
      const excluded = Array.isArray(inputs.excludeZoneIds) ? (inputs.excludeZoneIds as unknown[]) : [];
      const zones = ["a", "b", "c", "d"]
        .map((l, i) => ({ name: `${region}${l}`, zoneId: `${zoneIdPrefix(region)}-az${i + 1}` }))
        .filter((z) => !excluded.includes(z.zoneId));
      return {
        id: region,
        region,
        names: zones.map((z) => z.name),
        zoneIds: zones.map((z) => z.zoneId),
        groupNames: zones.map(() => region),
      };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
      id: MOCK_AWS_ACCOUNT,
      accountId: MOCK_AWS_ACCOUNT,
      arn: `arn:aws:sts::${MOCK_AWS_ACCOUNT}:assumed-role/deployer/session`,
      userId: "AROAEXAMPLE:session",
    }),
    "aws:index/getPartition:getPartition": () => ({
      id: "aws",
      partition: "aws",
      dnsSuffix: "amazonaws.com",
      reverseDnsPrefix: "com.amazonaws",
    }),
    "aws:index/getRegion:getRegion": (inputs) => {
      const region = regionOf(inputs);
      return {
        id: region,
        name: region,
        region,
        endpoint: `ec2.${region}.amazonaws.com`,
        description: region,
      };
    },
    "aws:eks/getAddonVersion:getAddonVersion": (inputs) => ({
      id: String(inputs.addonName),
      addonName: inputs.addonName,
      kubernetesVersion: inputs.kubernetesVersion,
      version: `v${String(inputs.kubernetesVersion)}.0-eksbuild.1`,
    }),
    "aws:eks/getClusterAuth:getClusterAuth": (inputs) => ({
      id: String(inputs.name),
      name: inputs.name,
      token: "k8s-aws-v1.mock-token",
    }),
  },
};
