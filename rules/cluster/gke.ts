/**
 * GKE cluster rules: private nodes, master authorized networks, control-plane authentication,
 * NetworkPolicy enforcement, release channel, logging, Secrets encryption, Workload Identity, and
 * per node pool (a NodePool, or a cluster's inline and default pools) shielded nodes, the metadata
 * server, auto-repair / auto-upgrade and the node service account.
 */
import {
  Rec,
  ResourceRule,
  ResourceUnderTest,
  get,
  isFalse,
  isTrue,
  rec,
  recs,
  str,
  strings,
} from "../types";
import { GKE_CLUSTER, GKE_NODE_POOL, clusterRule, oneOf, openCidrs, prefixed } from "./common";

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
    // No config (undefined / null) has no cidrBlocks either.
    if (!privateEndpoint && cidrs.length === 0)
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
  check: oneOf("releaseChannel.channel", RELEASE_CHANNELS),
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
