/**
 * EKS cluster rules: the API endpoint, Secrets encryption, control-plane logs, supported versions,
 * node metadata (IMDSv2) and SSH, IAM roles for pods (IRSA / Pod Identity), node autoscaling, and
 * Karpenter's AWS side (its interruption queue, encrypted, and the rules feeding it).
 */
import { INTERRUPTION_EVENTS } from "../../components/cluster/eks/karpenter/iam";
import { POD_IDENTITY_AGENT_ADDON } from "../../components/cluster/eks/pod-identity-facts";
import { defineStackRule, get, isFalse, isRec, isTrue, list, num, rec, recs, str, strings } from "../types";
import { HELM_RELEASE } from "../deployability-base";
import {
  EKS_ADDON,
  EKS_CLUSTER,
  EKS_NODE_GROUP,
  LAUNCH_TEMPLATE,
  LOG_GROUP,
  OIDC_PROVIDER,
  clusterRule,
  hasEksAddon,
  openCidrs,
} from "./common";

/** `[major, minor]` of a Kubernetes version like "1.34" or "1.34.2-eks…", undefined when unparseable. */
export function kubernetesMinor(version: unknown): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(String(version ?? ""));
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export const eksEndpointAccess = clusterRule({
  id: "eks-endpoint-access",
  scannerIds: ["CKV_AWS_39", "AVD-AWS-0040", "CKV_AWS_38", "AVD-AWS-0041"],
  description: "the API endpoint is private, or public only to listed CIDRs (none of them 0.0.0.0/0)",
  types: [EKS_CLUSTER],
  check(_r, inputs) {
    const vpc = rec(inputs.vpcConfig);
    // EKS defaults to a public endpoint open to 0.0.0.0/0.
    if (isFalse(vpc.endpointPublicAccess)) return [];
    const cidrs = strings(vpc.publicAccessCidrs);
    if (cidrs.length === 0)
      return ["the public endpoint has no publicAccessCidrs (EKS opens it to 0.0.0.0/0)"];
    const open = openCidrs(cidrs);
    return open.length ? [`the public endpoint is open to ${open.join(", ")}`] : [];
  },
});

export const eksSecretsEncryption = clusterRule({
  id: "eks-secrets-encryption",
  scannerIds: ["CKV_AWS_58", "AVD-AWS-0039"],
  description:
    "Secrets are envelope-encrypted with a KMS key (encryptionConfig resources [secrets] + keyArn)",
  types: [EKS_CLUSTER],
  check(_r, inputs) {
    const configs = recs(list(inputs.encryptionConfig));
    const secrets = configs.find((c) => strings(c.resources).includes("secrets"));
    if (!secrets) return ["no encryptionConfig for secrets"];
    return str(get(secrets, "provider.keyArn")) ? [] : ["encryptionConfig has no provider.keyArn"];
  },
});

/** The five EKS control-plane log types. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export const eksControlPlaneLogs = clusterRule({
  id: "eks-control-plane-logs",
  scannerIds: ["CKV_AWS_37", "AVD-AWS-0038"],
  description: `all five control-plane log types enabled (${EKS_LOG_TYPES.join(", ")})`,
  types: [EKS_CLUSTER],
  check(_r, inputs) {
    const enabled = strings(inputs.enabledClusterLogTypes);
    const missing = EKS_LOG_TYPES.filter((t) => !enabled.includes(t));
    return missing.length ? [`control-plane logs not enabled: ${missing.join(", ")}`] : [];
  },
});

export const eksLogGroupEncryption = clusterRule({
  id: "eks-log-group-encryption",
  scannerIds: ["CKV_AWS_158", "AVD-AWS-0017"],
  description:
    "CloudWatch log groups (the control-plane logs) are encrypted with a customer KMS key (kmsKeyId)",
  types: [LOG_GROUP],
  check(_r, inputs) {
    return str(inputs.kmsKeyId)
      ? []
      : ["no kmsKeyId: the log events are encrypted with a key the account does not control"];
  },
});

/** Oldest EKS minor in standard support (reference: >= 1.32). */
export const EKS_MIN_SUPPORTED: [number, number] = [1, 32];

export const eksSupportedVersion = clusterRule({
  id: "eks-supported-version",
  scannerIds: ["CKV_AWS_339"],
  description: `the cluster and its node groups run Kubernetes >= ${EKS_MIN_SUPPORTED.join(".")} (unset: the cluster's / EKS default)`,
  types: [EKS_CLUSTER, EKS_NODE_GROUP],
  check(_r, inputs) {
    if (inputs.version === undefined || inputs.version === null) return [];
    const v = kubernetesMinor(inputs.version);
    if (!v) return [`unparseable version ${JSON.stringify(inputs.version)}`];
    const [major, minor] = v;
    const [minMajor, minMinor] = EKS_MIN_SUPPORTED;
    const ok = major > minMajor || (major === minMajor && minor >= minMinor);
    return ok ? [] : [`version ${major}.${minor} is below ${minMajor}.${minMinor} (out of standard support)`];
  },
});

export const eksImdsv2 = clusterRule({
  id: "eks-imdsv2",
  scannerIds: ["CKV_AWS_79", "CKV_AWS_341"],
  description:
    "launch templates require IMDSv2 (httpTokens required) with hop limit 1; node groups use such a launch template",
  types: [LAUNCH_TEMPLATE, EKS_NODE_GROUP],
  check(r, inputs) {
    if (r.type === EKS_NODE_GROUP) {
      return inputs.launchTemplate === undefined || inputs.launchTemplate === null
        ? ["no launchTemplate: the EKS-generated one's metadata options are not ours to check"]
        : [];
    }
    const md = rec(inputs.metadataOptions);
    if (md.httpEndpoint === "disabled") return [];
    const out: string[] = [];
    if (md.httpTokens !== "required")
      out.push(`metadataOptions.httpTokens is ${JSON.stringify(md.httpTokens)}, not "required"`);
    if (num(md.httpPutResponseHopLimit) !== 1)
      out.push(
        `metadataOptions.httpPutResponseHopLimit is ${JSON.stringify(md.httpPutResponseHopLimit)}, not 1`,
      );
    return out;
  },
});

export const eksNoImplicitSsh = clusterRule({
  id: "eks-no-implicit-ssh",
  scannerIds: ["CKV_AWS_100"],
  description: "no node group SSH key without source security groups (implicit SSH from 0.0.0.0/0)",
  types: [EKS_NODE_GROUP],
  check(_r, inputs) {
    const ra = rec(list(inputs.remoteAccess)[0]);
    if (!str(ra.ec2SshKey)) return [];
    return strings(ra.sourceSecurityGroupIds).length
      ? []
      : [`remoteAccess.ec2SshKey ${String(ra.ec2SshKey)} without sourceSecurityGroupIds`];
  },
});

export const eksNoNodeSshKey = clusterRule({
  id: "eks-no-node-ssh-key",
  scannerIds: [],
  description: "no SSH key on nodes at all (use SSM Session Manager)",
  severity: "advisory",
  types: [EKS_NODE_GROUP, LAUNCH_TEMPLATE],
  check(r, inputs) {
    const key = r.type === LAUNCH_TEMPLATE ? inputs.keyName : get(list(inputs.remoteAccess)[0], "ec2SshKey");
    return str(key) ? [`SSH key pair ${String(key)} on the nodes`] : [];
  },
});

export const eksIrsa = defineStackRule({
  id: "eks-irsa",
  scannerIds: [],
  description:
    "every EKS cluster has an IAM OIDC provider for IRSA (audience sts.amazonaws.com), or the EKS Pod Identity agent add-on",
  area: "cluster",
  types: [EKS_CLUSTER, OIDC_PROVIDER, EKS_ADDON],
  check(all, _ctx, v) {
    const clusters = all.filter((r) => r.type === EKS_CLUSTER);
    const irsa = all.some((r) => {
      if (r.type !== OIDC_PROVIDER || !strings(r.inputs.clientIdLists).includes("sts.amazonaws.com"))
        return false;
      const url = r.inputs.url;
      return typeof url !== "string" || /oidc\.eks\./.test(url);
    });
    if (irsa || hasEksAddon(all, POD_IDENTITY_AGENT_ADDON)) return [];
    return clusters.map((c) =>
      v(c, "no IAM OIDC provider (sts.amazonaws.com) nor Pod Identity agent: pods cannot get IAM roles"),
    );
  },
});

/** Helm charts that scale EKS managed node groups. */
const NODE_AUTOSCALER_CHART = /(^|\/)(cluster-autoscaler|karpenter)$/;

export const eksNodeAutoscaler = defineStackRule({
  id: "eks-node-autoscaler",
  scannerIds: [],
  description:
    "EKS managed node groups do not scale by themselves: a cluster-autoscaler (or Karpenter) Helm release is installed",
  area: "cluster",
  types: [EKS_NODE_GROUP, HELM_RELEASE, EKS_CLUSTER],
  check(all, _ctx, v) {
    const groups = all.filter((r) => r.type === EKS_NODE_GROUP);
    if (groups.length === 0) return [];
    const installed = all.some(
      (r) =>
        r.type.startsWith("kubernetes:helm.sh/") && NODE_AUTOSCALER_CHART.test(String(r.inputs.chart ?? "")),
    );
    if (installed) return [];
    const clusters = all.filter((r) => r.type === EKS_CLUSTER);
    return (clusters.length ? clusters : groups.slice(0, 1)).map((c) =>
      v(c, "node groups but no cluster-autoscaler / Karpenter release: min/max are never used"),
    );
  },
});

/* Karpenter's AWS side (components/cluster/eks/karpenter/aws.ts). */

const SQS_QUEUE = "aws:sqs/queue:Queue";
const SQS_QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy";
const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
/** The Karpenter controller's chart (not its CRD chart, karpenter-crd). */
const KARPENTER_CHART = /(^|\/)karpenter$/;

export const eksSqsEncryption = clusterRule({
  id: "eks-sqs-encryption",
  scannerIds: ["CKV_AWS_27"],
  description:
    "SQS queues (Karpenter's interruption queue) encrypt messages at rest: SQS-managed SSE, as Karpenter's template sets it, or a KMS key",
  types: [SQS_QUEUE],
  check(_r, inputs) {
    return isTrue(inputs.sqsManagedSseEnabled) || str(inputs.kmsMasterKeyId)
      ? []
      : ["neither sqsManagedSseEnabled nor kmsMasterKeyId is set"];
  },
});

/** The `<source> <detail-type>` pairs an EventBridge rule's event pattern matches (none if unreadable). */
function patternEvents(pattern: unknown): string[] {
  let p: unknown = pattern;
  if (typeof pattern === "string") {
    try {
      p = JSON.parse(pattern);
    } catch {
      return [];
    }
  }
  if (!isRec(p)) return [];
  return strings(p.source).flatMap((source) => strings(p["detail-type"]).map((t) => `${source} ${t}`));
}

export const eksKarpenterInterruption = defineStackRule({
  id: "eks-karpenter-interruption",
  scannerIds: [],
  description:
    "a Karpenter release has its interruption handling: an SQS queue, its queue policy and an EventBridge rule for every interruption event of Karpenter's CloudFormation template",
  area: "cluster",
  types: [HELM_RELEASE, SQS_QUEUE, SQS_QUEUE_POLICY, EVENT_RULE],
  check(all, _ctx, v) {
    const releases = all.filter(
      (r) => r.type.startsWith("kubernetes:helm.sh/") && KARPENTER_CHART.test(String(r.inputs.chart ?? "")),
    );
    if (releases.length === 0) return [];
    const missing: string[] = [];
    if (!all.some((r) => r.type === SQS_QUEUE)) missing.push("no SQS queue");
    if (!all.some((r) => r.type === SQS_QUEUE_POLICY))
      missing.push("no SQS queue policy (EventBridge may not send to the queue)");
    const matched = new Set(
      all.filter((r) => r.type === EVENT_RULE).flatMap((r) => patternEvents(r.inputs.eventPattern)),
    );
    const unmatched = INTERRUPTION_EVENTS.filter((e) => !matched.has(`${e.source} ${e.detailType}`));
    if (unmatched.length)
      missing.push(`no EventBridge rule for ${unmatched.map((e) => `"${e.detailType}"`).join(", ")}`);
    if (missing.length === 0) return [];
    // Without it Karpenter learns of a spot interruption or a maintenance only when the node is gone.
    return releases.map((r) => v(r, `Karpenter without interruption handling: ${missing.join("; ")}`));
  },
});
