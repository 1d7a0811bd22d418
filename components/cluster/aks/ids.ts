/**
 * Pure Azure helpers without Pulumi imports, shared by stacks/config.ts (validation) and the AKS
 * component (one home per rule).
 */
import { shortHash } from "../shared";

/** Built-in Azure role definition ids (identical in every subscription and tenant; "Azure built-in roles"). */
export const AZURE_ROLES = {
  /** "Network Contributor": lets the AKS control plane join nodes and load balancers to our subnet. */
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  /** "Key Vault Crypto User": get/wrapKey/unwrapKey on keys of an RBAC-mode vault, nothing else. */
  keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
  /** "Azure Kubernetes Service RBAC Cluster Admin": every Kubernetes object of the cluster (Azure RBAC for Kubernetes). */
  aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  /** "DNS Zone Contributor": the zones and record sets of Azure DNS, not who may access them. */
  dnsZoneContributor: "befefa01-2a29-4197-83a8-272ff33ce314",
  /** "Reader": view everything, change nothing (external-dns lists a resource group's zones with it). */
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
} as const;

/** The subscription-scoped id of a built-in role definition. */
export function roleDefinitionId(subscriptionId: string, roleGuid: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** An Azure virtual network named by its ARM id. */
export interface VnetRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/**
 * `/subscriptions/<uuid>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<name>`.
 * Resource group names: 1-90 letters, digits, `_`, `(`, `)`, `-`, `.` (not ending in `.`); VNet names:
 * 2-64 letters, digits, `_`, `.`, `-`, starting with a letter or digit and ending with one or `_`
 * (Azure "Naming rules and restrictions for Azure resources", Microsoft.Resources and Microsoft.Network).
 * ARM treats the segment names case-insensitively.
 */
const VNET_ID =
  /^\/subscriptions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/resourceGroups\/([-\w.()]{0,89}[-\w()])\/providers\/Microsoft\.Network\/virtualNetworks\/([A-Za-z0-9][-\w.]{0,62}\w)$/i;

/** The parts of a VNet ARM id, or undefined when `id` is not one. */
export function parseVnetId(id: string): VnetRef | undefined {
  const m = VNET_ID.exec(id);
  if (!m) return undefined;
  return { subscriptionId: m[1].toLowerCase(), resourceGroup: m[2], name: m[3] };
}

/**
 * The AKS-managed ("system") private DNS zone of a private cluster, from its private FQDN:
 * `<prefix>-<hash>.<guid>.privatelink.<region>.azmk8s.io` lives in the zone
 * `<guid>.privatelink.<region>.azmk8s.io` that AKS creates in the node resource group (AKS "Create a
 * private AKS cluster", private DNS zone "system"; "Connect using virtual network peering": link that
 * zone to the peered VNet).
 */
export function aksPrivateDnsZoneName(privateFqdn: string): string {
  const labels = privateFqdn.toLowerCase().replace(/\.$/, "").split(".");
  const zone = labels.slice(1);
  if (labels.length < 5 || !zone.includes("privatelink") || labels.some((l) => l === "")) {
    throw new Error(
      `unexpected AKS private FQDN "${privateFqdn}": expected <name>.<zone> with a privatelink zone ` +
        '(cluster.privateCluster needs privateDNSZone "system")',
    );
  }
  return zone.join(".");
}

/**
 * A Key Vault name (3-24 characters, letters/digits/hyphens, starting with a letter, no "--") made of
 * `base` and a hash of `seed`: vault names are global across Azure, so the hash (of the resource group
 * id, which contains the subscription) keeps two platforms from colliding.
 */
export function keyVaultName(base: string, seed: string): string {
  const hash = shortHash(seed, 8);
  let prefix = base
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[^a-z]+/, "");
  prefix = prefix.slice(0, 24 - hash.length - 1).replace(/-+$/, "");
  if (!prefix) prefix = "kv";
  return `${prefix}-${hash}`;
}
