/**
 * AKS node pools: names, taints, zones and the arguments shared by the inline system pool and the
 * separate user AgentPools. Pure (no resources).
 */
import { AksSettings, NodePoolSettings } from "../types";
import { keepsANodeProblems, poolNameProblems } from "../../shared/node-pools";
import { parseTaint } from "../shared";

/** The taint that keeps everything but critical add-ons (tolerating it) off the system pool (CKV_AZURE_232). */
export const CRITICAL_ADDONS_ONLY_TAINT = "CriticalAddonsOnly=true:NoSchedule";

/**
 * Validates taints in the `key=value:Effect` form AKS takes verbatim and, for the system pool, adds
 * `CriticalAddonsOnly=true:NoSchedule` (once).
 */
export function aksNodeTaints(taints: string[], systemPool: boolean): string[] {
  taints.forEach(parseTaint);
  if (!systemPool || taints.some((t) => t.startsWith("CriticalAddonsOnly="))) {
    return [...taints];
  }
  return [...taints, CRITICAL_ADDONS_ONLY_TAINT];
}

/** AKS Linux pool names (the shared pool-name rule, "aks" naming). Rejected, never rewritten. */
export function aksPoolName(name: string): string {
  if (poolNameProblems(name, "aks").length > 0) {
    throw new Error(
      `invalid AKS node pool name "${name}": 1-12 lowercase letters or digits, starting with a letter`,
    );
  }
  return name;
}

/**
 * Azure regions (programmatic names) with availability zones, from Microsoft's "Azure regions list"
 * (learn.microsoft.com/azure/reliability/regions-list). An allow-list on purpose: a region missing
 * here only loses zone spreading, while asking for zones where there are none fails pool creation.
 */
export const AZURE_ZONAL_REGIONS: ReadonlySet<string> = new Set([
  "australiaeast",
  "austriaeast",
  "belgiumcentral",
  "brazilsouth",
  "canadacentral",
  "centralindia",
  "centralus",
  "chinanorth3",
  "eastasia",
  "eastus",
  "eastus2",
  "francecentral",
  "germanywestcentral",
  "indonesiacentral",
  "israelcentral",
  "italynorth",
  "japaneast",
  "japanwest",
  "koreacentral",
  "mexicocentral",
  "newzealandnorth",
  "northeurope",
  "norwayeast",
  "polandcentral",
  "qatarcentral",
  "southafricanorth",
  "southcentralus",
  "southeastasia",
  "spaincentral",
  "swedencentral",
  "switzerlandnorth",
  "uaenorth",
  "uksouth",
  "usgovvirginia",
  "westeurope",
  "westus2",
  "westus3",
]);

/**
 * The zones every pool spreads over: ["1","2","3"] where the region has zones, none elsewhere.
 * Zones are fixed at pool creation, so this depends only on the location.
 */
export function aksAvailabilityZones(location: string): string[] | undefined {
  const normalized = location.toLowerCase().replace(/\s+/g, "");
  return AZURE_ZONAL_REGIONS.has(normalized) ? ["1", "2", "3"] : undefined;
}

/**
 * Whether AKS, not the settings, owns the Kubernetes version: the "stable" and "rapid" channels move
 * clusters to new minor versions, so re-applying the configured minor would be a downgrade (rejected).
 * With "patch" (latest patch of the configured minor) and "node-image" the settings own it.
 */
export function aksVersionManagedByChannel(channel: AksSettings["upgradeChannel"]): boolean {
  return channel === "stable" || channel === "rapid";
}

/** The settings of one pool, shared by the inline system pool and the separate user `AgentPool`s. */
export interface AksPoolArgs {
  mode: "System" | "User";
  type: "VirtualMachineScaleSets";
  osType: "Linux";
  vmSize: string;
  /** Initial size only: autoscaled afterwards (ignoreChanges). */
  count: number;
  enableAutoScaling: true;
  minCount: number;
  maxCount: number;
  osDiskSizeGB: number;
  enableNodePublicIP: false;
  availabilityZones: string[] | undefined;
  nodeLabels: Record<string, string>;
  nodeTaints: string[];
  orchestratorVersion: string;
  tags: Record<string, string>;
}

export function aksPoolArgs(
  pool: NodePoolSettings,
  mode: "System" | "User",
  settings: Pick<AksSettings, "location" | "kubernetesVersion" | "tags">,
): AksPoolArgs {
  aksPoolName(pool.name);
  const [systemMin] = mode === "System" ? keepsANodeProblems(pool.minNodes, "aks") : [];
  if (systemMin) throw new Error(`AKS system pool ${pool.name}: minNodes ${systemMin.message}`);
  const minCount = pool.minNodes;
  if (pool.maxNodes < minCount || pool.maxNodes < 1) {
    throw new Error(`AKS pool ${pool.name}: maxNodes (${pool.maxNodes}) must be >= max(minNodes, 1)`);
  }
  return {
    mode,
    type: "VirtualMachineScaleSets",
    osType: "Linux",
    vmSize: pool.machineType,
    count: Math.max(1, minCount),
    enableAutoScaling: true,
    minCount,
    maxCount: pool.maxNodes,
    osDiskSizeGB: pool.diskSizeGb,
    // CKV_AZURE_143: nodes only have private addresses; egress goes through the standard load balancer.
    enableNodePublicIP: false,
    availabilityZones: aksAvailabilityZones(settings.location),
    nodeLabels: { ...pool.labels },
    nodeTaints: aksNodeTaints(pool.taints, mode === "System"),
    orchestratorVersion: settings.kubernetesVersion,
    tags: { ...settings.tags },
  };
}
