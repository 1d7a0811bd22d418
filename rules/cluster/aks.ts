/**
 * AKS cluster rules: API server access, RBAC and local accounts, the network policy engine and
 * CNI, the upgrade channel and tier, and per agent pool public IPs and the system pool's taint.
 */
import { Rec, ResourceUnderTest, get, isTrue, rec, recs, str, strings } from "../types";
import {
  AKS_AGENT_POOL,
  AKS_CLUSTER,
  clusterRule,
  isAksAgentPool,
  mustBeTrue,
  oneOf,
  openCidrs,
  prefixed,
} from "./common";

export const aksApiServerAccess = clusterRule({
  id: "aks-api-server-access",
  scannerIds: ["CKV_AZURE_115", "CKV_AZURE_6"],
  description: "private cluster, or the API server limited to authorized IP ranges (none 0.0.0.0/0)",
  types: [AKS_CLUSTER],
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
  types: [AKS_CLUSTER],
  check: mustBeTrue("enableRBAC"),
});

export const aksLocalAccounts = clusterRule({
  id: "aks-local-accounts-disabled",
  scannerIds: ["CKV_AZURE_141"],
  description: "local accounts disabled: Entra ID only (prod)",
  profiles: ["prod"],
  types: [AKS_CLUSTER],
  check: mustBeTrue("disableLocalAccounts"),
});

const AKS_NETWORK_POLICIES = ["azure", "calico", "cilium"];

export const aksNetworkPolicy = clusterRule({
  id: "aks-network-policy",
  scannerIds: ["CKV_AZURE_7"],
  description: `a network policy engine (${AKS_NETWORK_POLICIES.join(", ")})`,
  types: [AKS_CLUSTER],
  check: oneOf("networkProfile.networkPolicy", AKS_NETWORK_POLICIES),
});

export const aksAzureCni = clusterRule({
  id: "aks-azure-cni",
  scannerIds: ["CKV2_AZURE_29"],
  description: "Azure CNI networking (networkProfile.networkPlugin azure)",
  types: [AKS_CLUSTER],
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
  types: [AKS_CLUSTER],
  check: oneOf("autoUpgradeProfile.upgradeChannel", AKS_UPGRADE_CHANNELS),
});

export const aksPaidTier = clusterRule({
  id: "aks-paid-tier",
  scannerIds: ["CKV_AZURE_170"],
  description: "Standard (or Premium) tier with the uptime SLA (prod)",
  profiles: ["prod"],
  types: [AKS_CLUSTER],
  check(_r, inputs) {
    const tier = get(inputs, "sku.tier");
    return tier === "Standard" || tier === "Premium"
      ? []
      : [`sku.tier is ${JSON.stringify(tier)}, not Standard`];
  },
});

/** Every pool of an AKS resource: the cluster's inline agentPoolProfiles, or the AgentPool itself. */
export function aksPools(r: ResourceUnderTest): { label: string; pool: Rec; sizePath: string }[] {
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
  types: [AKS_CLUSTER, AKS_AGENT_POOL],
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
  types: [AKS_CLUSTER, AKS_AGENT_POOL],
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
  types: [AKS_CLUSTER],
  check(_r, inputs) {
    const out: string[] = [];
    if (!isTrue(get(inputs, "oidcIssuerProfile.enabled"))) out.push("oidcIssuerProfile.enabled is not true");
    if (!isTrue(get(inputs, "securityProfile.workloadIdentity.enabled")))
      out.push("securityProfile.workloadIdentity.enabled is not true");
    return out;
  },
});
