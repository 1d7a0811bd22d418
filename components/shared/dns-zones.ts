/**
 * Which configured DNS zone covers a host, and what a wildcard host is: the rules the stack config
 * (a DNS-01 issuer needs a zone covering the app's host), the DNS add-on and the preflight (per-host
 * coverage) share. Plain functions (no Pulumi import).
 *
 * DNS names compare case-insensitively, and an absolute name's printed form ends with the root's dot
 * ("example.com."): both spellings name the same node (RFC 1034 §3.1; RFC 4343 §2).
 */

/** The prefix of a wildcard host: one leading "*" label (RFC 8555 §7.1.3, "*." + a domain name). */
export const WILDCARD_PREFIX = "*.";

/** A DNS name as compared: lowercase, without the trailing dot of a fully qualified name. */
export function canonicalDnsName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** Whether `host` is a wildcard host ("*.example.com"). */
export function isWildcardHost(host: string): boolean {
  return host.startsWith(WILDCARD_PREFIX);
}

/**
 * Whether `zone` covers `host`: the host is the zone's apex or a name under it, on a label
 * boundary ("evilkube-platform.dev" is not under "kube-platform.dev"). A wildcard host's record
 * ("*.example.com") lives in the zone of the name it stands under.
 */
export function zoneCovers(zone: string, host: string): boolean {
  const z = canonicalDnsName(zone);
  const h = canonicalDnsName(host);
  return z !== "" && (h === z || h.endsWith(`.${z}`));
}

/**
 * The zone that covers `host`, as configured: of several (a delegated sub-zone under its parent),
 * the longest, the one whose name servers answer for the host. Undefined when none does.
 */
export function coveringZone(host: string, zones: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const zone of zones) {
    if (!zoneCovers(zone, host)) continue;
    if (best === undefined || canonicalDnsName(zone).length > canonicalDnsName(best).length) best = zone;
  }
  return best;
}

/**
 * The names strictly between `zone` and `host` (nearest the zone first): each may be delegated to
 * a zone of its own (NS records in `zone`), which then answers for the host instead of `zone`.
 * "x.dev.example.com" under "example.com": ["dev.example.com"]; a name right under the zone: [].
 * A wildcard's "*" label counts as a label ("*.dev.example.com": ["dev.example.com"]).
 */
export function subdomainsBetween(zone: string, host: string): string[] {
  const z = canonicalDnsName(zone);
  const h = canonicalDnsName(host);
  if (!zoneCovers(z, h) || h === z) return [];
  const labels = h.slice(0, -(z.length + 1)).split(".");
  const names: string[] = [];
  for (let i = labels.length - 1; i >= 1; i--) names.push(`${labels.slice(i).join(".")}.${z}`);
  return names;
}
