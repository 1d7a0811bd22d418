/**
 * The Karpenter objects of the platform's node pools, as plain Kubernetes objects (pure, no Pulumi):
 * per pool an EC2NodeClass (how its nodes are launched) and a NodePool (what it may launch), in the
 * v1 APIs of the CRDs of CHARTS.karpenterCrd (aws/karpenter-provider-aws at that tag,
 * charts/karpenter-crd/templates/karpenter.k8s.aws_ec2nodeclasses.yaml and karpenter.sh_nodepools.yaml;
 * the fields are explained in website/content/en/v1.14/concepts/nodeclasses.md and nodepools.md).
 * tests/cluster-eks-karpenter.test.ts validates them against those schemas.
 */
import { parseTaint } from "../../shared";
import type { NodePoolSettings } from "../../types";
import type { EksKarpenterSettings, KarpenterAmiFamily, KarpenterNodePoolSettings } from "../settings";
import { KARPENTER_DISCOVERY_TAG } from "./names";
import { amiAlias } from "./rules";

export const EC2_NODE_CLASS_API = { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass" } as const;
export const NODE_POOL_API = { apiVersion: "karpenter.sh/v1", kind: "NodePool" } as const;

/** Well-known labels Karpenter schedules by (website/content/en/v1.14/concepts/scheduling.md). */
export const KARPENTER_LABELS = {
  instanceType: "node.kubernetes.io/instance-type",
  instanceFamily: "karpenter.k8s.aws/instance-family",
  capacityType: "karpenter.sh/capacity-type",
  arch: "kubernetes.io/arch",
  os: "kubernetes.io/os",
  nodePool: "karpenter.sh/nodepool",
} as const;

/** An encrypted gp3 volume, deleted with its instance. */
function gp3(sizeGb: number) {
  return { volumeSize: `${sizeGb}Gi`, volumeType: "gp3", encrypted: true, deleteOnTermination: true };
}

/**
 * The block devices per AMI family (nodeclasses.md "spec.blockDeviceMappings"): AL2023 boots and
 * runs containers from /dev/xvda; Bottlerocket keeps its OS on a small /dev/xvda (the family's
 * default 4Gi) and images, logs and emptyDirs on /dev/xvdb, which gets the pool's disk size.
 */
export function blockDeviceMappings(family: KarpenterAmiFamily, diskSizeGb: number) {
  return family === "bottlerocket"
    ? [
        { deviceName: "/dev/xvda", ebs: gp3(4) },
        { deviceName: "/dev/xvdb", ebs: gp3(diskSizeGb) },
      ]
    : [{ deviceName: "/dev/xvda", rootVolume: true, ebs: gp3(diskSizeGb) }];
}

export interface NodeClassArgs {
  clusterName: string;
  /** The name of the role Karpenter's nodes run as (Karpenter makes its instance profile). */
  role: string;
  karpenter: Pick<EksKarpenterSettings, "amiFamily" | "amiVersion">;
  pool: Pick<NodePoolSettings, "name" | "diskSizeGb">;
  /** The stack's tags, put on every instance, volume and launch template Karpenter creates. */
  tags: Record<string, string>;
}

/**
 * A pool's EC2NodeClass (named after the pool): the EKS-optimized AMI of the family by alias
 * (`latest` follows the cluster's Kubernetes version), the node role, the private subnets and the
 * cluster security group by the discovery tag, IMDSv2 only with one hop (pods cannot reach the
 * node's credentials, as the node groups' launch templates), encrypted gp3 volumes.
 */
export function ec2NodeClass(a: NodeClassArgs) {
  const discovery = [{ tags: { [KARPENTER_DISCOVERY_TAG]: a.clusterName } }];
  return {
    ...EC2_NODE_CLASS_API,
    metadata: { name: a.pool.name },
    spec: {
      role: a.role,
      amiSelectorTerms: [{ alias: amiAlias(a.karpenter.amiFamily, a.karpenter.amiVersion) }],
      subnetSelectorTerms: discovery,
      securityGroupSelectorTerms: discovery,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpProtocolIPv6: "disabled",
        httpPutResponseHopLimit: 1,
        httpTokens: "required",
      },
      blockDeviceMappings: blockDeviceMappings(a.karpenter.amiFamily, a.pool.diskSizeGb),
      tags: { ...a.tags, Name: `${a.clusterName}-${a.pool.name}` },
    },
  };
}

/** A scheduling requirement of a NodePool (a node selector requirement). */
export interface Requirement {
  key: string;
  operator: "In";
  values: string[];
}

/** What a NodePool may launch: its instance types or families, capacity types, architecture, Linux. */
export function requirements(k: KarpenterNodePoolSettings): Requirement[] {
  const instances =
    k.instances.kind === "types" ? KARPENTER_LABELS.instanceType : KARPENTER_LABELS.instanceFamily;
  return [
    { key: instances, operator: "In", values: [...k.instances.values] },
    { key: KARPENTER_LABELS.capacityType, operator: "In", values: [...k.capacityTypes] },
    { key: KARPENTER_LABELS.arch, operator: "In", values: [k.architecture] },
    { key: KARPENTER_LABELS.os, operator: "In", values: ["linux"] },
  ];
}

/** A `key=value:Effect` taint as a Kubernetes taint (the value omitted when empty: the CRD refuses ""). */
export function kubernetesTaint(taint: string): { key: string; value?: string; effect: string } {
  const t = parseTaint(taint);
  return t.value ? { key: t.key, value: t.value, effect: t.effect } : { key: t.key, effect: t.effect };
}

/**
 * A pool's NodePool: its labels and taints on every node (the taint parser of the node groups),
 * its requirements, its limits (`maxNodes` → limits.nodes, nodepools.md "spec.limits"), disruption
 * and expiry, and its EC2NodeClass.
 */
export function nodePool(pool: NodePoolSettings, k: KarpenterNodePoolSettings) {
  const limits: Record<string, string | number> = { nodes: k.limits.nodes };
  if (k.limits.cpu !== undefined) limits.cpu = k.limits.cpu;
  if (k.limits.memory !== undefined) limits.memory = k.limits.memory;
  return {
    ...NODE_POOL_API,
    metadata: { name: pool.name },
    spec: {
      template: {
        metadata: { labels: { ...pool.labels } },
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: EC2_NODE_CLASS_API.kind, name: pool.name },
          requirements: requirements(k),
          taints: pool.taints.map(kubernetesTaint),
          expireAfter: k.expireAfter,
        },
      },
      limits,
      disruption: {
        consolidationPolicy: k.disruption.consolidationPolicy,
        consolidateAfter: k.disruption.consolidateAfter,
        budgets: k.disruption.budgets.map((b) => ({ ...b })),
      },
    },
  };
}
