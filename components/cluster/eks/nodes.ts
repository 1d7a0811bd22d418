/**
 * The EKS nodes: the node role, one IMDSv2-only launch template per pool and one managed node group
 * per pool and zone, and the Auto Scaling groups behind them that cluster-autoscaler scales.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksSettings, NodePoolSettings } from "../types";
import { apiTaint } from "../shared";
import { EksAws, managedPolicyArn } from "./account";
import { perZoneMaxNodes, perZoneMinNodes } from "./checks";
import { autoScalingGroupArn, serviceTrustPolicy } from "./iam";
import { instanceFamily, isArmFamily, isNeuronFamily, isNvidiaFamily } from "./instance-types";
import {
  IAM_ROLE_NAME_PREFIX_MAX,
  LAUNCH_TEMPLATE_NAME_PREFIX_MAX,
  NODE_GROUP_NAME_PREFIX_MAX,
  namePrefix,
} from "./names";

/** The EKS managed node group AMI type (Amazon Linux 2023) for an EC2 instance type. */
export function amiTypeFor(machineType: string): string {
  const family = instanceFamily(machineType);
  const arm = isArmFamily(family);
  const nvidia = isNvidiaFamily(family);
  const neuron = isNeuronFamily(family);
  if (arm) return nvidia ? "AL2023_ARM_64_NVIDIA" : "AL2023_ARM_64_STANDARD";
  if (nvidia) return "AL2023_x86_64_NVIDIA";
  if (neuron) return "AL2023_x86_64_NEURON";
  return "AL2023_x86_64_STANDARD";
}

/** A taint in the EKS node group shape (the value is omitted when empty). */
export function parseTaint(taint: string): { key: string; value?: string; effect: string } {
  const t = apiTaint(taint);
  return t.value ? t : { key: t.key, effect: t.effect };
}

/**
 * What the SSM agent needs for Session Manager and nothing else: the "Session Manager only"
 * permissions of the AWS Systems Manager user guide ("Create a custom IAM role for Session
 * Manager"; the same actions as the AWS managed AWSCloud9SSMInstanceProfile). Not
 * AmazonSSMManagedInstanceCore: it also grants ssm:GetParameter(s) on every parameter of the account
 * (SecureStrings under aws/ssm included) and Run Command, which a node never needs.
 */
export const SESSION_MANAGER_ACTIONS = [
  "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
];

/**
 * The role EC2 nodes assume, with the worker, registry read-only and CNI managed policies, and the
 * Session Manager permissions (SESSION_MANAGER_ACTIONS): the SSM agent of the EKS-optimized AL2023
 * and Bottlerocket AMIs registers the node, so Session Manager reaches it without SSH or a key pair.
 * `part` names the role: resource `<name>-<part>` (the managed node groups' role is `<name>-node`),
 * cloud name prefix `<clusterName>-<part>-`; the Karpenter node role is `karpenter-node`
 * (eks/karpenter/aws.ts). Karpenter's CloudFormation template (KarpenterNodeRole) attaches the same
 * managed policies but AmazonEC2ContainerRegistryPullOnly for the read-only one (both let nodes
 * pull images) and AmazonSSMManagedInstanceCore.
 */
export function nodeRole(
  name: string,
  s: EksSettings,
  env: EksAws,
  part = "node",
): { role: aws.iam.Role; policies: pulumi.Resource[] } {
  const role = new aws.iam.Role(
    `${name}-${part}`,
    {
      namePrefix: namePrefix([s.clusterName, part], IAM_ROLE_NAME_PREFIX_MAX),
      assumeRolePolicy: env.dnsSuffix.apply((suffix) => serviceTrustPolicy(`ec2.${suffix}`)),
    },
    env.child,
  );
  const policies = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEKS_CNI_Policy",
  ].map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-${part}-${policy}`,
        { role: role.name, policyArn: managedPolicyArn(env.partition, policy) },
        env.child,
      ),
  );
  const sessionManager = new aws.iam.RolePolicy(
    `${name}-${part}-session-manager`,
    {
      role: role.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: SESSION_MANAGER_ACTIONS, Resource: "*" }],
      }),
    },
    env.child,
  );
  return { role, policies: [...policies, sessionManager] };
}

/** What every node group of the cluster is built on. */
export interface NodeGroupBase {
  cluster: aws.eks.Cluster;
  /** One subnet per zone: a group per pool in each. */
  privateSubnets: aws.ec2.Subnet[];
  nodeRole: aws.iam.Role;
  /** What the groups wait for (node role policies, private routing, networking add-ons). */
  dependsOn: pulumi.Resource[];
}

/** The pool's launch template: IMDSv2 only, an encrypted gp3 root volume, tagged instances. */
function launchTemplate(
  name: string,
  s: EksSettings,
  pool: NodePoolSettings,
  opts: pulumi.CustomResourceOptions,
): aws.ec2.LaunchTemplate {
  const instanceTags = { ...s.tags, Name: `${s.clusterName}-${pool.name}` };
  return new aws.ec2.LaunchTemplate(
    `${name}-${pool.name}`,
    {
      namePrefix: namePrefix([s.clusterName, pool.name], LAUNCH_TEMPLATE_NAME_PREFIX_MAX),
      description: `EKS ${s.clusterName} node pool ${pool.name}`,
      // IMDSv2 only, one hop: pods cannot reach the node's credentials (CKV_AWS_79, CKV_AWS_341).
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: pool.diskSizeGb,
            volumeType: "gp3",
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      // No key pair and no remote access: nodes are reached through Session Manager (the node role's
      // SESSION_MANAGER_ACTIONS) if ever (CKV_AWS_100).
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
        resourceType,
        tags: instanceTags,
      })),
    },
    opts,
  );
}

/**
 * Who sizes a pool's node groups: cluster-autoscaler between min and max (it discovers them by its
 * tags); nobody (`unscaled`: the pools' groups kept while migrating to Karpenter, at the size they
 * have, their minimum lowered to what config says so they can be emptied by hand); or Pulumi, at a
 * fixed size (`fixed`: Karpenter's system groups, eks/karpenter/system-pool.ts).
 */
export type NodeGroupScaling =
  { kind: "cluster-autoscaler" } | { kind: "unscaled" } | { kind: "fixed"; nodesPerZone: number };

/**
 * One managed node group per zone for `pool`, all from one launch template. A group spanning
 * zones lets cluster-autoscaler add a node in any of them, not in the zone of a pending pod's EBS
 * volume (EKS best practices, "Cluster Autoscaler": one node group per AZ, with
 * --balance-similar-node-groups). The groups are alike but for the zone, which cluster-autoscaler
 * ignores when balancing (it ignores eks.amazonaws.com/nodegroup and zone labels; the shared
 * launch template keeps the other EKS labels equal).
 */
export function zonalNodeGroups(
  name: string,
  s: EksSettings,
  pool: NodePoolSettings,
  base: NodeGroupBase,
  opts: pulumi.CustomResourceOptions,
  scaling: NodeGroupScaling = { kind: "cluster-autoscaler" },
): aws.eks.NodeGroup[] {
  const template = launchTemplate(name, s, pool, opts);
  // A raised availabilityZoneCount never lowers an existing group's maximum (eks/checks.ts).
  const [minSize, maxSize] =
    scaling.kind === "fixed"
      ? [scaling.nodesPerZone, scaling.nodesPerZone]
      : [perZoneMinNodes(pool.minNodes, base.privateSubnets.length), perZoneMaxNodes(pool.maxNodes)];
  // cluster-autoscaler discovers the groups by these tags (its auto-discovery); no other group has them.
  const tags =
    scaling.kind === "cluster-autoscaler"
      ? {
          tags: {
            "k8s.io/cluster-autoscaler/enabled": "true",
            [`k8s.io/cluster-autoscaler/${s.clusterName}`]: "owned",
          },
        }
      : {};
  return base.privateSubnets.map(
    (subnet, i) =>
      new aws.eks.NodeGroup(
        // "." cannot occur in a pool name (a DNS label), so no pool's group can take another's name.
        `${name}-${pool.name}.${i}`,
        {
          clusterName: base.cluster.name,
          nodeGroupNamePrefix: namePrefix([pool.name, String(i)], NODE_GROUP_NAME_PREFIX_MAX),
          nodeRoleArn: base.nodeRole.arn,
          subnetIds: [subnet.id],
          version: s.kubernetesVersion,
          amiType: amiTypeFor(pool.machineType),
          instanceTypes: [pool.machineType],
          capacityType: "ON_DEMAND",
          launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
          scalingConfig: { minSize, maxSize, desiredSize: minSize },
          updateConfig: { maxUnavailablePercentage: 33 },
          nodeRepairConfig: { enabled: true },
          labels: pool.labels,
          taints: pool.taints.map(parseTaint),
          ...tags,
        },
        {
          ...opts,
          dependsOn: base.dependsOn,
          // cluster-autoscaler owns the current size; Pulumi only sets min/max. On a min/max change
          // the provider sends the whole scaling config with the desired size of the *state*
          // (pulumi-terraform-bridge drops the ignored path from the diff; terraform-provider-aws
          // node_group.go expandNodegroupScalingConfig): run such changes with `pulumi up --refresh`
          // so that it is the live size, not the one of the last refresh (Pulumi docs, ignoreChanges).
          // Kept (unscaled) groups keep the size they have too; a fixed group's size is Pulumi's.
          ...(scaling.kind === "fixed" ? {} : { ignoreChanges: ["scalingConfig.desiredSize"] }),
          // The zone-0 group takes over the URN of the former one-group-per-pool layout: subnetIds
          // force a new group (terraform-provider-aws node_group: subnet_ids ForceNew), so an
          // upgrade replaces that group (create first, delete last) instead of deleting it.
          aliases: i === 0 && scaling.kind !== "fixed" ? [{ name: `${name}-${pool.name}` }] : [],
        },
      ),
  );
}

/**
 * The node groups of every pool, `<name>-<pool>.<zone index>`: scaled by cluster-autoscaler, or
 * with Karpenter kept unscaled while `karpenter.retainNodeGroups` (a migration), else none (the
 * pools are Karpenter NodePools then; the system groups are eks/karpenter/system-pool.ts's).
 */
export function eksNodeGroups(
  name: string,
  s: EksSettings,
  base: NodeGroupBase,
  opts: pulumi.CustomResourceOptions,
): aws.eks.NodeGroup[] {
  if (s.nodeAutoscaling === "karpenter" && !s.karpenter?.retainNodeGroups) return [];
  const scaling: NodeGroupScaling =
    s.nodeAutoscaling === "karpenter" ? { kind: "unscaled" } : { kind: "cluster-autoscaler" };
  return s.nodePools.flatMap((pool) => zonalNodeGroups(name, s, pool, base, opts, scaling));
}

/** The ARNs of the Auto Scaling groups EKS created behind `nodeGroups`. */
export function nodeGroupAsgArns(
  nodeGroups: aws.eks.NodeGroup[],
  region: string,
  env: EksAws,
): pulumi.Output<string[]> {
  return pulumi
    .all([env.partition, env.accountId, pulumi.all(nodeGroups.map((ng) => ng.resources))])
    .apply(([p, account, groups]) =>
      groups
        .flat()
        .flatMap((r) => r.autoscalingGroups ?? [])
        .map((asg) => autoScalingGroupArn(p, region, account, asg.name)),
    );
}
