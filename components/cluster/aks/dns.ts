/**
 * Azure DNS for external-dns and cert-manager's DNS-01 solver: a workload-identity managed identity
 * per ServiceAccount with "DNS Zone Contributor" on exactly each configured zone and, for external-dns
 * alone, "Reader" on the zones' resource group. The scopes are pure functions (exported for tests).
 */
import * as pulumi from "@pulumi/pulumi";
import {
  CloudDnsTarget,
  DnsClient,
  DnsIdentity,
  DnsZone,
  ServiceAccountRef,
  WorkloadIdentity,
} from "../types";
import { AZURE_CLIENT_ID_ANNOTATION } from "./identity";
import { AzureClientConfig, builtInRoleAssignment } from "./roles";

/** The ARM id of a resource group. */
export function resourceGroupScope(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/** The ARM id of a public Azure DNS zone (Microsoft.Network/dnsZones/<zone name>). */
export function dnsZoneScope(subscriptionId: string, resourceGroup: string, zone: string): string {
  return `${resourceGroupScope(subscriptionId, resourceGroup)}/providers/Microsoft.Network/dnsZones/${zone}`;
}

/** A zone name as a resource-name part ("kube-platform.dev" → "kube-platform-dev"). */
export function zoneSlug(zone: string): string {
  return zone.replace(/\./g, "-");
}

/** The resource group of each zone (DnsZone.id on aks; config requires it). */
export function zoneResourceGroups(zones: DnsZone[]): { zone: string; resourceGroup: string }[] {
  return zones.map((z) => {
    if (!z.id) throw new Error(`Azure DNS: zone ${z.name} has no resource group (addons.dns.zones[].id)`);
    return { zone: z.name, resourceGroup: z.id };
  });
}

/** One role assignment of a DNS identity: on a zone, or on a resource group (`zone` absent). */
export interface DnsRoleGrant {
  role: "dnsZoneContributor" | "reader";
  resourceGroup: string;
  zone?: string;
  /** The resource-name part of the assignment. */
  key: string;
}

/**
 * What `client` is granted (external-dns docs/tutorials/azure.md, "Managed identity using Workload
 * Identity": "DNS Zone Contributor" on the zone and "Reader" on its resource group, which external-dns
 * lists the zones of, provider/azure/azure.go `NewListByResourceGroupPager`). cert-manager's azureDNS
 * solver with `hostedZoneName` only gets, writes and deletes the challenge record set of that zone
 * (pkg/issuer/acme/dns/azuredns/azuredns.go of CHARTS.certManager): the zone grant alone.
 */
export function dnsRoleGrants(client: DnsClient, zones: DnsZone[]): DnsRoleGrant[] {
  const groups = zoneResourceGroups(zones);
  const zoneGrants: DnsRoleGrant[] = groups.map(({ zone, resourceGroup }) => ({
    role: "dnsZoneContributor",
    resourceGroup,
    zone,
    key: zoneSlug(zone),
  }));
  if (client === "cert-manager") return zoneGrants;
  const readers: DnsRoleGrant[] = [...new Set(groups.map((g) => g.resourceGroup))].map((resourceGroup) => ({
    role: "reader",
    resourceGroup,
    key: `rg-${resourceGroup.toLowerCase()}`,
  }));
  return [...zoneGrants, ...readers];
}

/** The ARM scope of a grant in `subscriptionId`. */
export function grantScope(g: DnsRoleGrant, subscriptionId: string): string {
  return g.zone
    ? dnsZoneScope(subscriptionId, g.resourceGroup, g.zone)
    : resourceGroupScope(subscriptionId, g.resourceGroup);
}

/** Binds `sa` to a managed identity allowed `client`'s Azure DNS calls on `zones` (children of `parent`). */
export function bindDnsServiceAccount(
  clientConfig: AzureClientConfig,
  workloadIdentity: WorkloadIdentity,
  bind: { name: string; sa: ServiceAccountRef; zones: DnsZone[]; client: DnsClient },
  parent: pulumi.Resource,
): DnsIdentity {
  const identity = workloadIdentity.bindServiceAccount(bind.name, bind.sa, parent);
  // The zones live in the stack's subscription (the one the cluster is deployed to).
  const grants = dnsRoleGrants(bind.client, bind.zones).map((g) =>
    builtInRoleAssignment(
      `${bind.name}-dns-${g.key}`,
      {
        principalId: identity.principal,
        principalType: "ServicePrincipal",
        role: g.role,
        scope: clientConfig.subscriptionId.apply((sub) => grantScope(g, sub)),
        subscriptionId: clientConfig.subscriptionId,
      },
      { parent },
    ),
  );
  const clientId = identity.serviceAccountAnnotations.apply((a) => {
    const id = a[AZURE_CLIENT_ID_ANNOTATION];
    if (!id)
      throw new Error(`Azure workload identity ${bind.name} published no ${AZURE_CLIENT_ID_ANNOTATION}`);
    return id;
  });
  return {
    ...identity,
    // Role assignments can take minutes to apply; the pods retry (external-dns every interval,
    // cert-manager with back-off), but none starts before the assignments exist.
    serviceAccountAnnotations: pulumi
      .all([identity.serviceAccountAnnotations, pulumi.all(grants.map((g) => g.id))])
      .apply(([annotations]) => annotations),
    facts: {
      provider: "azure",
      tenantId: clientConfig.tenantId,
      subscriptionId: clientConfig.subscriptionId,
      clientId,
    },
  };
}

/** What the AKS cluster publishes as its DNS: Azure DNS of the stack's subscription through workload identity. */
export function aksDns(clientConfig: AzureClientConfig, workloadIdentity: WorkloadIdentity): CloudDnsTarget {
  return {
    kind: "cloud",
    provider: "azure",
    bindServiceAccount: (name, sa, zones, client, parent) =>
      bindDnsServiceAccount(clientConfig, workloadIdentity, { name, sa, zones, client }, parent),
  };
}
