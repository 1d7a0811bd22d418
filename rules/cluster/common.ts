/**
 * What every cloud's cluster rules share: the type tokens of the cloud resources they read (as
 * their Pulumi providers register them: camelCase inputs of @pulumi/aws, @pulumi/gcp,
 * @pulumi/azure-native, @pulumi/digitalocean) and the builders of a cluster rule.
 *
 * Missing inputs: where the cloud's default is the secure value and the scanners accept an absent
 * setting (GKE legacy ABAC off, node auto-repair on, no node public IPs, …) absence passes; every
 * other requirement needs the secure value set explicitly.
 */
import {
  OPEN_CIDRS,
  Rec,
  ResourceRule,
  ResourceUnderTest,
  RuleContext,
  RuleDefinition,
  get,
  isTrue,
  rec,
  ruleFields,
} from "../types";

export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
export const EKS_ADDON = "aws:eks/addon:Addon";
export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
export const OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
export const GKE_CLUSTER = "gcp:container/cluster:Cluster";
export const GKE_NODE_POOL = "gcp:container/nodePool:NodePool";
export const AKS_CLUSTER = "azure-native:containerservice:ManagedCluster";
export const AKS_AGENT_POOL = "azure-native:containerservice:AgentPool";
export const DOKS_CLUSTER = "digitalocean:index/kubernetesCluster:KubernetesCluster";
export const DOKS_NODE_POOL = "digitalocean:index/kubernetesNodePool:KubernetesNodePool";

/** Whether the resources hold the EKS managed add-on `addonName` (the Pod Identity agent, …). */
export function hasEksAddon(all: readonly ResourceUnderTest[], addonName: string): boolean {
  return all.some((r) => r.type === EKS_ADDON && r.inputs.addonName === addonName);
}

/**
 * A type token without its azure-native API version module (`containerservice/v20240901` →
 * `containerservice`); other tokens unchanged.
 */
export function unversionedType(type: string): string {
  return type.replace(/^(azure-native:[a-z]+)\/v[0-9a-z]+:/, "$1:");
}

/** azure-native tokens, with or without an explicit API version module. */
export const isAksCluster = (type: string) => unversionedType(type) === AKS_CLUSTER;
export const isAksAgentPool = (type: string) => unversionedType(type) === AKS_AGENT_POOL;

/** A resource rule over the given types (azure-native ones match any API version). */
export function clusterRule(
  def: RuleDefinition & {
    types: string[];
    check(r: ResourceUnderTest, inputs: Rec, ctx: RuleContext): string[];
  },
): ResourceRule {
  return {
    kind: "resource",
    ...ruleFields(def, "cluster", def.types),
    appliesTo: (r) => def.types.includes(unversionedType(r.type)),
    check: (r, ctx) => def.check(r, rec(r.inputs), ctx),
  };
}

/** A check that input `key` is true: `<key> is not true` otherwise. */
export const mustBeTrue =
  (key: string) =>
  (_r: ResourceUnderTest, inputs: Rec): string[] =>
    isTrue(inputs[key]) ? [] : [`${key} is not true`];

/** A check that the string at `path` is one of `allowed`: `<path> is <value>` otherwise. */
export const oneOf =
  (path: string, allowed: readonly string[]) =>
  (_r: ResourceUnderTest, inputs: Rec): string[] => {
    const value = get(inputs, path);
    return typeof value === "string" && allowed.includes(value)
      ? []
      : [`${path} is ${JSON.stringify(value)}`];
  };

export const openCidrs = (cidrs: string[]) => cidrs.filter((c) => OPEN_CIDRS.includes(c.trim()));

/** `<label>: <msg>`, or `msg` alone when the label is empty (the resource is the pool itself). */
export const prefixed = (label: string, msg: string) => (label ? `${label}: ${msg}` : msg);
