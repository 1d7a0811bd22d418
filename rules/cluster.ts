/**
 * Cluster security rules per cloud (../shared/reference.md "Cluster security rules"), over the cloud
 * resources as their Pulumi providers register them (camelCase inputs of @pulumi/aws, @pulumi/gcp,
 * @pulumi/azure-native, @pulumi/digitalocean).
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
  StackRule,
  Violation,
  get,
  isFalse,
  isIgnored,
  isTrue,
  list,
  num,
  rec,
  recs,
  str,
  strings,
  violationOf,
} from "./types";

export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
export const EKS_ADDON = "aws:eks/addon:Addon";
export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
export const GKE_CLUSTER = "gcp:container/cluster:Cluster";
export const GKE_NODE_POOL = "gcp:container/nodePool:NodePool";
export const DOKS_CLUSTER = "digitalocean:index/kubernetesCluster:KubernetesCluster";
export const DOKS_NODE_POOL = "digitalocean:index/kubernetesNodePool:KubernetesNodePool";

/** azure-native tokens, with or without an explicit API version module (`containerservice/v20240901`). */
const azure = (resource: string) => (type: string) =>
  new RegExp(`^azure-native:containerservice(/v[0-9a-z]+)?:${resource}$`).test(type);
export const isAksCluster = azure("ManagedCluster");
export const isAksAgentPool = azure("AgentPool");

type TypeMatch = string | ((type: string) => boolean);

function matches(r: ResourceUnderTest, types: TypeMatch[]): boolean {
  return types.some((t) => (typeof t === "string" ? r.type === t : t(r.type)));
}

/** A resource rule over the given types. */
function clusterRule(def: {
  id: string;
  scannerIds: string[];
  description: string;
  severity?: ResourceRule["severity"];
  profiles?: ResourceRule["profiles"];
  types: TypeMatch[];
  check(r: ResourceUnderTest, inputs: Rec, ctx: RuleContext): string[];
}): ResourceRule {
  return {
    kind: "resource",
    id: def.id,
    scannerIds: def.scannerIds,
    description: def.description,
    severity: def.severity ?? "mandatory",
    ...(def.profiles ? { profiles: def.profiles } : {}),
    appliesTo: (r) => matches(r, def.types),
    check: (r, ctx) => def.check(r, rec(r.inputs), ctx),
  };
}

const openCidrs = (cidrs: string[]) => cidrs.filter((c) => OPEN_CIDRS.includes(c.trim()));

/** `[major, minor]` of a Kubernetes version like "1.34" or "1.34.2-eks…", undefined when unparseable. */
export function kubernetesMinor(version: unknown): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(String(version ?? ""));
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/* ------------------------------------------------------------------------------------------ */
/* EKS                                                                                        */
/* ------------------------------------------------------------------------------------------ */

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

export const eksIrsa: StackRule = {
  kind: "stack",
  id: "eks-irsa",
  scannerIds: [],
  description:
    "every EKS cluster has an IAM OIDC provider for IRSA (audience sts.amazonaws.com), or the EKS Pod Identity agent add-on",
  severity: "mandatory",
  check(all: ResourceUnderTest[]): Violation[] {
    const clusters = all.filter((r) => r.type === EKS_CLUSTER);
    const irsa = all.some((r) => {
      if (r.type !== OIDC_PROVIDER || !strings(r.inputs.clientIdLists).includes("sts.amazonaws.com"))
        return false;
      const url = r.inputs.url;
      return typeof url !== "string" || /oidc\.eks\./.test(url);
    });
    const podIdentity = all.some(
      (r) => r.type === EKS_ADDON && r.inputs.addonName === "eks-pod-identity-agent",
    );
    if (irsa || podIdentity) return [];
    return clusters.map((c) =>
      violationOf(
        eksIrsa,
        c,
        "no IAM OIDC provider (sts.amazonaws.com) nor Pod Identity agent: pods cannot get IAM roles",
      ),
    );
  },
};

/** Helm charts that scale EKS managed node groups. */
const NODE_AUTOSCALER_CHART = /(^|\/)(cluster-autoscaler|karpenter)$/;

export const eksNodeAutoscaler: StackRule = {
  kind: "stack",
  id: "eks-node-autoscaler",
  scannerIds: [],
  description:
    "EKS managed node groups do not scale by themselves: a cluster-autoscaler (or Karpenter) Helm release is installed",
  severity: "mandatory",
  check(all: ResourceUnderTest[]): Violation[] {
    const groups = all.filter((r) => r.type === EKS_NODE_GROUP);
    if (groups.length === 0) return [];
    const installed = all.some(
      (r) =>
        r.type.startsWith("kubernetes:helm.sh/") && NODE_AUTOSCALER_CHART.test(String(r.inputs.chart ?? "")),
    );
    if (installed) return [];
    const clusters = all.filter((r) => r.type === EKS_CLUSTER);
    return (clusters.length ? clusters : groups.slice(0, 1)).map((c) =>
      violationOf(
        eksNodeAutoscaler,
        c,
        "node groups but no cluster-autoscaler / Karpenter release: min/max are never used",
      ),
    );
  },
};

/* ------------------------------------------------------------------------------------------ */
/* GKE                                                                                        */
/* ------------------------------------------------------------------------------------------ */

interface GkePool {
  /** "" for a NodePool resource, `node pool "x"` / `default node pool` for a cluster's inline pools. */
  label: string;
  nodeConfig: Rec;
  management: Rec;
  autoscaling: Rec | undefined;
  nodeCount: unknown;
  /** ignoreChanges path of the pool's size. */
  sizePath: string;
}

/**
 * The node pools a GKE resource defines: a NodePool itself; for a Cluster its inline `nodePools` and
 * the default pool unless `removeDefaultNodePool` (none for Autopilot, whose nodes Google manages).
 */
export function gkePools(r: ResourceUnderTest): GkePool[] {
  const inputs = rec(r.inputs);
  const pool = (label: string, p: Rec, sizePath: string): GkePool => ({
    label,
    nodeConfig: rec(p.nodeConfig),
    management: rec(p.management),
    autoscaling: p.autoscaling === undefined || p.autoscaling === null ? undefined : rec(p.autoscaling),
    nodeCount: p.nodeCount,
    sizePath,
  });
  if (r.type === GKE_NODE_POOL) return [pool("", inputs, "nodeCount")];
  if (r.type !== GKE_CLUSTER || isTrue(inputs.enableAutopilot)) return [];
  const pools = recs(inputs.nodePools).map((p, i) =>
    pool(`node pool "${str(p.name) ?? i}"`, p, `nodePools[${i}].nodeCount`),
  );
  if (!isTrue(inputs.removeDefaultNodePool)) {
    pools.push(
      pool(
        "default node pool",
        { nodeConfig: inputs.nodeConfig, nodeCount: inputs.initialNodeCount },
        "initialNodeCount",
      ),
    );
  }
  return pools;
}

const prefixed = (label: string, msg: string) => (label ? `${label}: ${msg}` : msg);

/** A GKE rule over the pools of a cluster / node pool. */
function gkePoolRule(def: {
  id: string;
  scannerIds: string[];
  description: string;
  cluster?: (inputs: Rec) => string[];
  pool: (p: GkePool) => string[];
}): ResourceRule {
  return clusterRule({
    id: def.id,
    scannerIds: def.scannerIds,
    description: def.description,
    types: [GKE_CLUSTER, GKE_NODE_POOL],
    check(r, inputs) {
      const own = r.type === GKE_CLUSTER && def.cluster ? def.cluster(inputs) : [];
      return [...own, ...gkePools(r).flatMap((p) => def.pool(p).map((m) => prefixed(p.label, m)))];
    },
  });
}

export const gkePrivateNodes = clusterRule({
  id: "gke-private-nodes",
  scannerIds: ["CKV_GCP_25", "CKV_GCP_64"],
  description: "nodes have no public IPs (privateClusterConfig.enablePrivateNodes); no pool opts out",
  types: [GKE_CLUSTER, GKE_NODE_POOL],
  check(r, inputs) {
    if (r.type === GKE_NODE_POOL) {
      return isFalse(get(inputs, "networkConfig.enablePrivateNodes"))
        ? ["networkConfig.enablePrivateNodes is false"]
        : [];
    }
    return isTrue(get(inputs, "privateClusterConfig.enablePrivateNodes"))
      ? []
      : ["privateClusterConfig.enablePrivateNodes is not true"];
  },
});

export const gkeMasterAuthorizedNetworks = clusterRule({
  id: "gke-master-authorized-networks",
  scannerIds: ["CKV_GCP_20", "CKV_GCP_18"],
  description:
    "the control plane answers only master authorized networks (none 0.0.0.0/0, no Google public CIDRs), or only a private endpoint",
  types: [GKE_CLUSTER],
  check(_r, inputs) {
    const man = inputs.masterAuthorizedNetworksConfig;
    const cidrs = recs(get(man, "cidrBlocks")).map((b) => String(b.cidrBlock ?? ""));
    const privateEndpoint = isTrue(get(inputs, "privateClusterConfig.enablePrivateEndpoint"));
    const out: string[] = [];
    if (!privateEndpoint && (man === undefined || man === null || cidrs.length === 0))
      out.push("public endpoint without masterAuthorizedNetworksConfig cidrBlocks");
    const open = openCidrs(cidrs);
    if (open.length) out.push(`master authorized networks include ${open.join(", ")}`);
    if (isTrue(get(man, "gcpPublicCidrsAccessEnabled"))) out.push("gcpPublicCidrsAccessEnabled is true");
    return out;
  },
});

export const gkeLegacyAbac = clusterRule({
  id: "gke-legacy-abac-off",
  scannerIds: ["CKV_GCP_7"],
  description: "legacy ABAC off (enableLegacyAbac not true; GKE's default is off)",
  types: [GKE_CLUSTER],
  check: (_r, inputs) => (isTrue(inputs.enableLegacyAbac) ? ["enableLegacyAbac is true"] : []),
});

export const gkeNoClientCert = clusterRule({
  id: "gke-no-client-cert-basic-auth",
  scannerIds: ["CKV_GCP_13"],
  description: "no client certificate and no basic auth on the control plane",
  types: [GKE_CLUSTER],
  check(_r, inputs) {
    const auth = rec(inputs.masterAuth);
    const out: string[] = [];
    if (isTrue(get(auth, "clientCertificateConfig.issueClientCertificate")))
      out.push("masterAuth issues a client certificate");
    if (str(auth.username) || str(auth.password)) out.push("masterAuth sets basic auth (username/password)");
    return out;
  },
});

export const gkeNetworkPolicy = clusterRule({
  id: "gke-network-policy",
  scannerIds: ["CKV_GCP_12"],
  description: "NetworkPolicy is enforced: Dataplane V2 (ADVANCED_DATAPATH) or the network policy add-on",
  types: [GKE_CLUSTER],
  check(_r, inputs) {
    if (inputs.datapathProvider === "ADVANCED_DATAPATH" || isTrue(inputs.enableAutopilot)) return [];
    const addonOn =
      isTrue(get(inputs, "networkPolicy.enabled")) &&
      !isTrue(get(inputs, "addonsConfig.networkPolicyConfig.disabled"));
    return addonOn ? [] : ["neither datapathProvider ADVANCED_DATAPATH nor networkPolicy enabled"];
  },
});

export const gkeShieldedNodes = gkePoolRule({
  id: "gke-shielded-nodes",
  scannerIds: ["CKV_GCP_71", "CKV_GCP_68", "CKV_GCP_72"],
  description: "shielded nodes on the cluster, secure boot and integrity monitoring on every pool",
  cluster: (inputs) => (isFalse(inputs.enableShieldedNodes) ? ["enableShieldedNodes is false"] : []),
  pool(p) {
    const sic = rec(p.nodeConfig.shieldedInstanceConfig);
    const out: string[] = [];
    if (!isTrue(sic.enableSecureBoot)) out.push("shieldedInstanceConfig.enableSecureBoot is not true");
    if (isFalse(sic.enableIntegrityMonitoring))
      out.push("shieldedInstanceConfig.enableIntegrityMonitoring is false");
    return out;
  },
});

export const gkeWorkloadMetadata = gkePoolRule({
  id: "gke-workload-metadata",
  scannerIds: ["CKV_GCP_69"],
  description: "every pool runs the GKE metadata server (workloadMetadataConfig.mode GKE_METADATA)",
  pool(p) {
    const mode = get(p.nodeConfig, "workloadMetadataConfig.mode");
    return mode === "GKE_METADATA" || mode === "GKE_METADATA_SERVER"
      ? []
      : [`workloadMetadataConfig.mode is ${JSON.stringify(mode)}, not GKE_METADATA`];
  },
});

export const gkeNodeAutoRepairUpgrade = gkePoolRule({
  id: "gke-node-auto-repair-upgrade",
  scannerIds: ["CKV_GCP_9", "CKV_GCP_10"],
  description: "node auto-repair and auto-upgrade not turned off (both default on)",
  pool: (p) =>
    (["autoRepair", "autoUpgrade"] as const)
      .filter((k) => isFalse(p.management[k]))
      .map((k) => `management.${k} is false`),
});

export const gkeNodeServiceAccount = gkePoolRule({
  id: "gke-node-service-account",
  scannerIds: ["CKV2_GCP_1"],
  description: "every pool runs as a dedicated service account, not the Compute Engine default",
  pool(p) {
    const sa = str(p.nodeConfig.serviceAccount);
    if (!sa || sa === "default")
      return ["nodeConfig.serviceAccount not set: the Compute Engine default account"];
    return /-compute@developer\.gserviceaccount\.com$/.test(sa)
      ? [`nodeConfig.serviceAccount ${sa} is the Compute Engine default`]
      : [];
  },
});

const RELEASE_CHANNELS = ["RAPID", "REGULAR", "STABLE", "EXTENDED"];

export const gkeReleaseChannel = clusterRule({
  id: "gke-release-channel",
  scannerIds: ["CKV_GCP_70"],
  description: "the cluster is enrolled in a release channel",
  types: [GKE_CLUSTER],
  check(_r, inputs) {
    const channel = get(inputs, "releaseChannel.channel");
    return typeof channel === "string" && RELEASE_CHANNELS.includes(channel)
      ? []
      : [`releaseChannel.channel is ${JSON.stringify(channel)}`];
  },
});

export const gkeLoggingMonitoring = clusterRule({
  id: "gke-logging-monitoring",
  scannerIds: ["CKV_GCP_1", "CKV_GCP_8"],
  description: "Cloud Logging and Cloud Monitoring not turned off (both default on)",
  types: [GKE_CLUSTER],
  check(_r, inputs) {
    const out: string[] = [];
    if (inputs.loggingService === "none") out.push('loggingService is "none"');
    if (inputs.monitoringService === "none") out.push('monitoringService is "none"');
    if (
      get(inputs, "loggingConfig.enableComponents") !== undefined &&
      strings(get(inputs, "loggingConfig.enableComponents")).length === 0
    )
      out.push("loggingConfig.enableComponents is empty");
    return out;
  },
});

export const gkeSecretsEncryption = clusterRule({
  id: "gke-secrets-encryption",
  scannerIds: [],
  description:
    "application-layer Secrets encryption with a Cloud KMS key (databaseEncryption ENCRYPTED + keyName)",
  types: [GKE_CLUSTER],
  check(_r, inputs) {
    const db = rec(inputs.databaseEncryption);
    if (db.state !== "ENCRYPTED")
      return [`databaseEncryption.state is ${JSON.stringify(db.state)}, not ENCRYPTED`];
    return str(db.keyName) ? [] : ["databaseEncryption has no keyName"];
  },
});

export const gkeWorkloadIdentity = clusterRule({
  id: "gke-workload-identity",
  scannerIds: [],
  description: "Workload Identity enabled (workloadIdentityConfig.workloadPool)",
  types: [GKE_CLUSTER],
  check: (_r, inputs) =>
    str(get(inputs, "workloadIdentityConfig.workloadPool")) || isTrue(inputs.enableAutopilot)
      ? []
      : ["no workloadIdentityConfig.workloadPool"],
});

/* ------------------------------------------------------------------------------------------ */
/* AKS                                                                                        */
/* ------------------------------------------------------------------------------------------ */

export const aksApiServerAccess = clusterRule({
  id: "aks-api-server-access",
  scannerIds: ["CKV_AZURE_115", "CKV_AZURE_6"],
  description: "private cluster, or the API server limited to authorized IP ranges (none 0.0.0.0/0)",
  types: [isAksCluster],
  check(_r, inputs) {
    const p = rec(inputs.apiServerAccessProfile);
    if (isTrue(p.enablePrivateCluster)) return [];
    const ranges = strings(p.authorizedIPRanges);
    if (ranges.length === 0) return ["public API server without authorizedIPRanges"];
    const open = openCidrs(ranges);
    return open.length ? [`authorizedIPRanges include ${open.join(", ")}`] : [];
  },
});

export const aksRbac = clusterRule({
  id: "aks-rbac",
  scannerIds: ["CKV_AZURE_5"],
  description: "Kubernetes RBAC enabled (enableRBAC true)",
  types: [isAksCluster],
  check: (_r, inputs) => (isTrue(inputs.enableRBAC) ? [] : ["enableRBAC is not true"]),
});

export const aksLocalAccounts = clusterRule({
  id: "aks-local-accounts-disabled",
  scannerIds: ["CKV_AZURE_141"],
  description: "local accounts disabled: Entra ID only (prod)",
  profiles: ["prod"],
  types: [isAksCluster],
  check: (_r, inputs) => (isTrue(inputs.disableLocalAccounts) ? [] : ["disableLocalAccounts is not true"]),
});

const AKS_NETWORK_POLICIES = ["azure", "calico", "cilium"];

export const aksNetworkPolicy = clusterRule({
  id: "aks-network-policy",
  scannerIds: ["CKV_AZURE_7"],
  description: `a network policy engine (${AKS_NETWORK_POLICIES.join(", ")})`,
  types: [isAksCluster],
  check(_r, inputs) {
    const policy = get(inputs, "networkProfile.networkPolicy");
    return typeof policy === "string" && AKS_NETWORK_POLICIES.includes(policy)
      ? []
      : [`networkProfile.networkPolicy is ${JSON.stringify(policy)}`];
  },
});

export const aksAzureCni = clusterRule({
  id: "aks-azure-cni",
  scannerIds: ["CKV2_AZURE_29"],
  description: "Azure CNI networking (networkProfile.networkPlugin azure)",
  types: [isAksCluster],
  check(_r, inputs) {
    const plugin = get(inputs, "networkProfile.networkPlugin");
    return plugin === "azure" ? [] : [`networkProfile.networkPlugin is ${JSON.stringify(plugin)}, not azure`];
  },
});

const AKS_UPGRADE_CHANNELS = ["patch", "stable", "rapid", "node-image"];

export const aksAutoUpgrade = clusterRule({
  id: "aks-auto-upgrade",
  scannerIds: ["CKV_AZURE_171"],
  description: "an automatic upgrade channel (not none)",
  types: [isAksCluster],
  check(_r, inputs) {
    const channel = get(inputs, "autoUpgradeProfile.upgradeChannel");
    return typeof channel === "string" && AKS_UPGRADE_CHANNELS.includes(channel)
      ? []
      : [`autoUpgradeProfile.upgradeChannel is ${JSON.stringify(channel)}`];
  },
});

export const aksPaidTier = clusterRule({
  id: "aks-paid-tier",
  scannerIds: ["CKV_AZURE_170"],
  description: "Standard (or Premium) tier with the uptime SLA (prod)",
  profiles: ["prod"],
  types: [isAksCluster],
  check(_r, inputs) {
    const tier = get(inputs, "sku.tier");
    return tier === "Standard" || tier === "Premium"
      ? []
      : [`sku.tier is ${JSON.stringify(tier)}, not Standard`];
  },
});

/** Every pool of an AKS resource: the cluster's inline agentPoolProfiles, or the AgentPool itself. */
function aksPools(r: ResourceUnderTest): { label: string; pool: Rec; sizePath: string }[] {
  if (isAksAgentPool(r.type)) return [{ label: "", pool: rec(r.inputs), sizePath: "count" }];
  return recs(r.inputs.agentPoolProfiles).map((pool, i) => ({
    label: `agent pool "${str(pool.name) ?? i}"`,
    pool,
    sizePath: `agentPoolProfiles[${i}].count`,
  }));
}

export const aksNoNodePublicIp = clusterRule({
  id: "aks-no-node-public-ip",
  scannerIds: ["CKV_AZURE_143"],
  description: "no node public IPs on any pool",
  types: [isAksCluster, isAksAgentPool],
  check: (r) =>
    aksPools(r)
      .filter((p) => isTrue(p.pool.enableNodePublicIP))
      .map((p) => prefixed(p.label, "enableNodePublicIP is true")),
});

const CRITICAL_ADDONS_TAINT = /^CriticalAddonsOnly(=true)?:(NoSchedule|NoExecute)$/;

export const aksSystemPoolCriticalOnly = clusterRule({
  id: "aks-system-pool-critical-only",
  scannerIds: ["CKV_AZURE_232"],
  description: "System-mode pools are tainted CriticalAddonsOnly=true:NoSchedule",
  types: [isAksCluster, isAksAgentPool],
  check: (r) =>
    aksPools(r)
      .filter((p) => p.pool.mode === "System")
      .filter((p) => !strings(p.pool.nodeTaints).some((t) => CRITICAL_ADDONS_TAINT.test(t.trim())))
      .map((p) => prefixed(p.label, "System pool without the CriticalAddonsOnly=true:NoSchedule taint")),
});

export const aksWorkloadIdentity = clusterRule({
  id: "aks-workload-identity",
  scannerIds: [],
  description: "OIDC issuer and workload identity enabled",
  types: [isAksCluster],
  check(_r, inputs) {
    const out: string[] = [];
    if (!isTrue(get(inputs, "oidcIssuerProfile.enabled"))) out.push("oidcIssuerProfile.enabled is not true");
    if (!isTrue(get(inputs, "securityProfile.workloadIdentity.enabled")))
      out.push("securityProfile.workloadIdentity.enabled is not true");
    return out;
  },
});

/* ------------------------------------------------------------------------------------------ */
/* DOKS                                                                                       */
/* ------------------------------------------------------------------------------------------ */

export const doksAutoUpgrade = clusterRule({
  id: "doks-auto-upgrade",
  scannerIds: ["AVD-DIG-0008"],
  description: "automatic patch upgrades (autoUpgrade true)",
  types: [DOKS_CLUSTER],
  check: (_r, inputs) => (isTrue(inputs.autoUpgrade) ? [] : ["autoUpgrade is not true"]),
});

export const doksSurgeUpgrade = clusterRule({
  id: "doks-surge-upgrade",
  scannerIds: ["AVD-DIG-0005"],
  description: "surge upgrades (new nodes before old ones drain)",
  types: [DOKS_CLUSTER],
  check: (_r, inputs) => (isTrue(inputs.surgeUpgrade) ? [] : ["surgeUpgrade is not true"]),
});

export const doksHa = clusterRule({
  id: "doks-ha-control-plane",
  scannerIds: [],
  description: "highly available control plane (prod)",
  profiles: ["prod"],
  types: [DOKS_CLUSTER],
  check: (_r, inputs) => (isTrue(inputs.ha) ? [] : ["ha is not true"]),
});

const DOKS_DAYS = ["any", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

export const doksMaintenanceWindow = clusterRule({
  id: "doks-maintenance-window",
  scannerIds: [],
  description: "a maintenance window (day and HH:MM start time) bounds when upgrades happen",
  types: [DOKS_CLUSTER],
  check(_r, inputs) {
    const mp = rec(list(inputs.maintenancePolicy)[0]);
    const day = mp.day;
    const start = mp.startTime;
    const out: string[] = [];
    if (typeof day !== "string" || !DOKS_DAYS.includes(day))
      out.push(`maintenancePolicy.day is ${JSON.stringify(day)}`);
    if (typeof start !== "string" || !/^([01]\d|2[0-3]):[0-5]\d$/.test(start))
      out.push(`maintenancePolicy.startTime is ${JSON.stringify(start)}`);
    return out;
  },
});

/* ------------------------------------------------------------------------------------------ */
/* All clouds: node pools autoscale, Pulumi does not fight the autoscaler                     */
/* ------------------------------------------------------------------------------------------ */

function bounds(label: string, min: unknown, max: unknown): string[] {
  const lo = num(min);
  const hi = num(max);
  if (lo === undefined || hi === undefined)
    return [prefixed(label, `min/max not set (min ${String(min)}, max ${String(max)})`)];
  if (lo < 0 || lo > hi) return [prefixed(label, `min ${lo} > max ${hi}`)];
  if (hi < 1) return [prefixed(label, `max ${hi} < 1`)];
  return [];
}

function sizeIgnored(r: ResourceUnderTest, label: string, size: unknown, path: string): string[] {
  if (size === undefined || size === null || isIgnored(r, path)) return [];
  return [
    prefixed(label, `${path} is set but not in ignoreChanges: every update resets what the autoscaler chose`),
  ];
}

export const nodePoolAutoscaling = clusterRule({
  id: "node-pool-autoscaling",
  scannerIds: [],
  description:
    "every node pool autoscales between min and max (0 <= min <= max, max >= 1) and its size is in ignoreChanges",
  types: [
    EKS_NODE_GROUP,
    GKE_CLUSTER,
    GKE_NODE_POOL,
    isAksCluster,
    isAksAgentPool,
    DOKS_CLUSTER,
    DOKS_NODE_POOL,
  ],
  check(r, inputs) {
    if (r.type === EKS_NODE_GROUP) {
      const s = rec(inputs.scalingConfig);
      return [
        ...bounds("", s.minSize, s.maxSize),
        ...sizeIgnored(r, "", s.desiredSize, "scalingConfig.desiredSize"),
      ];
    }
    if (r.type === GKE_CLUSTER || r.type === GKE_NODE_POOL) {
      return gkePools(r).flatMap((p) => {
        if (p.label === "default node pool")
          return ["the default node pool is kept and does not autoscale (set removeDefaultNodePool)"];
        if (!p.autoscaling) return [prefixed(p.label, "no autoscaling")];
        const a = p.autoscaling;
        return [
          ...bounds(p.label, a.totalMinNodeCount ?? a.minNodeCount, a.totalMaxNodeCount ?? a.maxNodeCount),
          ...sizeIgnored(r, p.label, p.nodeCount, p.sizePath),
        ];
      });
    }
    if (isAksCluster(r.type) || isAksAgentPool(r.type)) {
      return aksPools(r).flatMap(({ label, pool, sizePath }) =>
        isTrue(pool.enableAutoScaling)
          ? [...bounds(label, pool.minCount, pool.maxCount), ...sizeIgnored(r, label, pool.count, sizePath)]
          : [prefixed(label, "enableAutoScaling is not true")],
      );
    }
    const [label, pool, sizePath] =
      r.type === DOKS_CLUSTER
        ? ["node pool", rec(list(inputs.nodePool)[0]), "nodePool.nodeCount"]
        : ["", inputs, "nodeCount"];
    return isTrue(pool.autoScale)
      ? [...bounds(label, pool.minNodes, pool.maxNodes), ...sizeIgnored(r, label, pool.nodeCount, sizePath)]
      : [prefixed(label, "autoScale is not true")];
  },
});

/* ------------------------------------------------------------------------------------------ */

export const CLUSTER_RESOURCE_RULES: ResourceRule[] = [
  eksEndpointAccess,
  eksSecretsEncryption,
  eksControlPlaneLogs,
  eksSupportedVersion,
  eksImdsv2,
  eksNoImplicitSsh,
  eksNoNodeSshKey,
  gkePrivateNodes,
  gkeMasterAuthorizedNetworks,
  gkeLegacyAbac,
  gkeNoClientCert,
  gkeNetworkPolicy,
  gkeShieldedNodes,
  gkeWorkloadMetadata,
  gkeNodeAutoRepairUpgrade,
  gkeNodeServiceAccount,
  gkeReleaseChannel,
  gkeLoggingMonitoring,
  gkeSecretsEncryption,
  gkeWorkloadIdentity,
  aksApiServerAccess,
  aksRbac,
  aksLocalAccounts,
  aksNetworkPolicy,
  aksAzureCni,
  aksAutoUpgrade,
  aksPaidTier,
  aksNoNodePublicIp,
  aksSystemPoolCriticalOnly,
  aksWorkloadIdentity,
  doksAutoUpgrade,
  doksSurgeUpgrade,
  doksHa,
  doksMaintenanceWindow,
  nodePoolAutoscaling,
];

export const CLUSTER_STACK_RULES: StackRule[] = [eksIrsa, eksNodeAutoscaler];

export const CLUSTER_RULES = [...CLUSTER_RESOURCE_RULES, ...CLUSTER_STACK_RULES];
