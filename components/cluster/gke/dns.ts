/**
 * Cloud DNS for external-dns and cert-manager's DNS-01 solver: a Workload Identity Google service
 * account per ServiceAccount, granted record changes on exactly the configured managed zones (a
 * zone-level custom role) and, for external-dns alone, the one project permission that lists the
 * zones. The role contents are pure data (exported for tests).
 */
import * as dns from "@pulumi/gcp/dns";
import * as projects from "@pulumi/gcp/projects";
import * as pulumi from "@pulumi/pulumi";
import {
  CloudDnsTarget,
  DnsClient,
  DnsIdentity,
  DnsZone,
  ServiceAccountRef,
  WorkloadIdentity,
} from "../types";
import { shortHash } from "../shared";
import { GkeIdentityScope } from "./identity";

/**
 * What each client's record changes need, per method (Cloud DNS "Roles and permissions": a change
 * that adds, deletes or updates a record set needs dns.changes.create and dns.resourceRecordSets.create,
 * .delete or .update). external-dns (provider/google/google.go at the image of CHARTS.externalDns)
 * lists the record sets of each zone and applies changes; cert-manager's cloudDNS solver with
 * `hostedZoneName` (pkg/issuer/acme/dns/clouddns/clouddns.go of CHARTS.certManager) lists the
 * challenge record, creates a change (deleting and re-adding a name's TXT set when it already
 * exists: kept as .update) and polls it (changes.get).
 */
export const CLOUD_DNS_RECORD_PERMISSIONS: Readonly<Record<DnsClient, readonly string[]>> = {
  "external-dns": [
    "dns.changes.create",
    "dns.resourceRecordSets.create",
    "dns.resourceRecordSets.delete",
    "dns.resourceRecordSets.list",
    "dns.resourceRecordSets.update",
  ],
  "cert-manager": [
    "dns.changes.create",
    "dns.changes.get",
    "dns.resourceRecordSets.create",
    "dns.resourceRecordSets.delete",
    "dns.resourceRecordSets.list",
    "dns.resourceRecordSets.update",
  ],
};

/**
 * external-dns lists the project's managed zones on every sync (`managedZones.list(project)`,
 * google.go), a call on the project that a zone-level grant cannot allow: its only project-level
 * permission. roles/dns.reader would add reading every zone's records; roles/dns.admin (the
 * tutorial's project grant, docs/tutorials/gke.md) every change to every zone.
 */
export const CLOUD_DNS_ZONE_LIST_PERMISSIONS: readonly string[] = ["dns.managedZones.list"];

/**
 * A custom role id (3-64 of `[a-zA-Z0-9_.]`, IAM "Create and manage custom roles"), unique per cluster
 * and binding: a readable head and a hash of both.
 */
export function dnsCustomRoleId(clusterName: string, bindingName: string, purpose: string): string {
  const hash = shortHash(`${clusterName}/${bindingName}/${purpose}`, 8);
  const head = `kp_${clusterName}`
    .replace(/[^a-zA-Z0-9_]+/g, "_")
    .slice(0, 64 - purpose.length - hash.length - 2);
  return `${head}_${purpose}_${hash}`;
}

/** The managed-zone names of `zones`; each must carry one (config requires it on gke). */
export function managedZoneNames(zones: DnsZone[]): string[] {
  return zones.map((z) => {
    if (!z.id) throw new Error(`Cloud DNS: zone ${z.name} has no managed-zone name (addons.dns.zones[].id)`);
    return z.id;
  });
}

/** The custom role `purpose` of one binding (`<cluster>-<binding>-dns-role-<purpose>`), a child of `parent`. */
function customRole(
  scope: GkeIdentityScope,
  bindingName: string,
  purpose: "records" | "zone-list",
  permissions: readonly string[],
  parent: pulumi.Resource,
): { role: projects.IAMCustomRole; name: pulumi.Output<string> } {
  const { settings, provider } = scope;
  const role = new projects.IAMCustomRole(
    `${scope.name}-${bindingName}-dns-role-${purpose}`,
    {
      project: settings.project,
      roleId: dnsCustomRoleId(settings.clusterName, bindingName, `dns_${purpose.replace("-", "_")}`),
      title: `kube-platform ${settings.clusterName}: DNS ${purpose} (${bindingName})`,
      description: `Cloud DNS ${purpose} of ${bindingName} on GKE ${settings.clusterName}`,
      permissions: [...permissions],
      stage: "GA",
    },
    { parent, provider },
  );
  return { role, name: pulumi.interpolate`projects/${settings.project}/roles/${role.roleId}` };
}

/** Binds `sa` to a Google service account allowed `client`'s Cloud DNS calls on `zones`. */
export function bindDnsServiceAccount(
  scope: GkeIdentityScope,
  workloadIdentity: WorkloadIdentity,
  bind: { name: string; sa: ServiceAccountRef; zones: DnsZone[]; client: DnsClient },
  parent: pulumi.Resource,
): DnsIdentity {
  const { settings, provider } = scope;
  const zoneNames = managedZoneNames(bind.zones);
  const identity = workloadIdentity.bindServiceAccount(bind.name, bind.sa, parent);
  const member = pulumi.interpolate`serviceAccount:${identity.principal}`;
  const records = customRole(scope, bind.name, "records", CLOUD_DNS_RECORD_PERMISSIONS[bind.client], parent);
  const grants: pulumi.CustomResource[] = zoneNames.map(
    (zone) =>
      // Zone-level IAM (Cloud DNS "Set and manage IAM policies for managed zones"): this zone only.
      new dns.DnsManagedZoneIamMember(
        `${scope.name}-${bind.name}-dns-zone-${zone}`,
        { project: settings.project, managedZone: zone, role: records.name, member },
        { parent, provider },
      ),
  );
  if (bind.client === "external-dns") {
    const lister = customRole(scope, bind.name, "zone-list", CLOUD_DNS_ZONE_LIST_PERMISSIONS, parent);
    grants.push(
      new projects.IAMMember(
        `${scope.name}-${bind.name}-dns-project-zone-list`,
        { project: settings.project, role: lister.name, member },
        { parent, provider },
      ),
    );
  }
  return {
    ...identity,
    // A pod started before its grants fails its first sync or challenge.
    serviceAccountAnnotations: pulumi
      .all([identity.serviceAccountAnnotations, pulumi.all(grants.map((g) => g.id))])
      .apply(([annotations]) => annotations),
    facts: { provider: "google", project: settings.project },
  };
}

/** What the GKE cluster publishes as its DNS: Cloud DNS of its project through Workload Identity. */
export function gkeDns(scope: GkeIdentityScope, workloadIdentity: WorkloadIdentity): CloudDnsTarget {
  return {
    kind: "cloud",
    provider: "google",
    bindServiceAccount: (name, sa, zones, client, parent) =>
      bindDnsServiceAccount(scope, workloadIdentity, { name, sa, zones, client }, parent),
  };
}
