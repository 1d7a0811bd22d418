/**
 * The preflight's DNS report: for each app host (only when the stack has an ingress), the configured
 * zone (`addons.dns.zones`) that covers it, so external-dns publishes its record, or the record the
 * user must create by hand, pointing at the ingress address. Pure functions over the validated
 * config; preflight/plan.ts puts the report in the plan (`dns` in `--json`) and renders it.
 */
import type { AddonsSettings } from "../components/addons/types";
import type { ClusterSettings, LoadBalancerAddressKind } from "../components/cluster/types";
import { coveringZone, subdomainsBetween } from "../components/shared/dns-zones";
import { parseCidr } from "../components/shared/net";
import type { AppSettings } from "../components/workloads/types";
import type { PlatformConfig } from "../stacks/config";
import type { PlatformOutputs } from "../stacks/platform";

/** The stack output holding the ingress address (README "Stack outputs", stacks/platform.ts). */
export const ADDRESS_OUTPUT = "loadBalancerAddress" satisfies keyof PlatformOutputs;

/** A record to create by hand: `<name> <type> <value>`. */
export interface DnsRecord {
  name: string;
  /**
   * CNAME to a load balancer's DNS name, A to an IP address; ALIAS (a Route 53 alias A record, an
   * ALIAS/ANAME elsewhere) to a DNS name at a zone apex, which takes no CNAME (RFC 1034 §3.6.2: a
   * node with a CNAME holds no other data, and an apex holds the zone's SOA and NS).
   */
  type: "CNAME" | "A" | "ALIAS";
  /** The address when the config states it, else `<loadBalancerAddress>` (known after `pulumi up`). */
  value: string;
}

/** One app host: the zone covering it, or the record to create. */
export interface HostCoverage {
  app: string;
  namespace: string;
  host: string;
  /** The configured zone covering the host (the longest match); absent when none does. */
  zone?: string;
  /**
   * With a zone: the names between it and the host (nearest the zone first). One delegated to a zone
   * of its own answers for the host instead, and that zone must then be listed: a record external-dns
   * writes into `zone` is hidden by the delegation, and so is a DNS-01 challenge.
   */
  delegable?: string[];
  /** Only when no zone covers the host. */
  record?: DnsRecord;
}

export interface DnsReport {
  /** The configured zone names (`addons.dns.zones[].name`). */
  zones: string[];
  /** The stack output that holds the address the records point at. */
  addressOutput: typeof ADDRESS_OUTPUT;
  hosts: HostCoverage[];
}

/** The configured zone names (`addons.dns.zones[].name`); none without `addons.dns`. */
export function dnsZoneNames(addons: AddonsSettings): string[] {
  return addons.dns?.zones.map((z) => z.name) ?? [];
}

/** How the ingress is reached: what its address is, and the address itself when config states it. */
export interface IngressAddress {
  kind: LoadBalancerAddressKind;
  /** Known offline only for an existing cluster without a load balancer (cluster.ingressAddress). */
  known?: string;
}

/**
 * The ingress address per target, as the cluster components publish it (ClusterLoadBalancer
 * addressKind): an AWS load balancer has a DNS name (components/cluster/eks/index.ts); GKE, AKS and
 * DOKS load balancers an IP (gke/index.ts, aks/index.ts, doks.ts); an existing cluster as declared
 * (cluster.loadBalancerAddressKind), or without a load balancer the configured cluster.ingressAddress.
 */
export function ingressAddressOf(cluster: ClusterSettings): IngressAddress {
  if (cluster.target !== "existing") return { kind: cluster.target === "eks" ? "hostname" : "ip" };
  if (cluster.loadBalancer === "available") return { kind: cluster.loadBalancerAddressKind };
  const address = cluster.ingressAddress;
  return { kind: parseCidr(`${address}/32`) ? "ip" : "hostname", known: address };
}

/**
 * Whether `host` is certainly a zone apex, offline: a name of two labels ("example.com") is a
 * registered domain's own name under a one-label top-level domain, the apex of its zone. A longer
 * name may be an apex too (a domain under "co.uk", a delegated sub-zone): renderDns says so.
 */
export function isApexName(host: string): boolean {
  return host.replace(/\.$/, "").split(".").length === 2;
}

/** The record pointing `host` at the ingress: A to an IP address; to a DNS name, CNAME or, at an apex, ALIAS. */
export function recordFor(host: string, address: IngressAddress): DnsRecord {
  const toName = isApexName(host) ? "ALIAS" : "CNAME";
  return {
    name: host,
    type: address.kind === "hostname" ? toName : "A",
    value: address.known ?? `<${ADDRESS_OUTPUT}>`,
  };
}

/** One app host's coverage. */
export function hostCoverage(
  app: Pick<AppSettings, "name" | "namespace">,
  host: string,
  zones: readonly string[],
  address: IngressAddress,
): HostCoverage {
  const base = { app: app.name, namespace: app.namespace, host };
  const zone = coveringZone(host, zones);
  if (zone === undefined) return { ...base, record: recordFor(host, address) };
  const delegable = subdomainsBetween(zone, host);
  return delegable.length > 0 ? { ...base, zone, delegable } : { ...base, zone };
}

/** A covered host's line: its zone, and the sub-domains whose delegation would take it out of that zone. */
function coveredLine(h: HostCoverage): string {
  const published = `zone ${h.zone}, published by external-dns`;
  if (!h.delegable) return published;
  return (
    `${published}; if ${h.delegable.join(" or ")} is delegated to its own zone, that zone must be ` +
    "listed in addons.dns.zones (the longest listed zone wins)"
  );
}

/** A record's text; an ALIAS says what it is, as services name it differently. */
function recordText(r: DnsRecord): string {
  const text = `${r.name} ${r.type} ${r.value}`;
  return r.type === "ALIAS"
    ? `${text} (a zone apex takes no CNAME: a Route 53 alias A record, or the DNS service's ALIAS/ANAME record)`
    : text;
}

/** The DNS report of a validated stack config; undefined without an ingress (no app is exposed). */
export function dnsReportOf(cfg: PlatformConfig): DnsReport | undefined {
  if (!cfg.addons.ingress.enabled) return undefined;
  const zones = dnsZoneNames(cfg.addons);
  const address = ingressAddressOf(cfg.cluster);
  const hosts = cfg.apps.flatMap((a) =>
    a.host === undefined ? [] : [hostCoverage(a, a.host, zones, address)],
  );
  return { zones, addressOutput: ADDRESS_OUTPUT, hosts };
}

/** The report's lines in the text output (none when no app has a host). */
export function renderDns(report: DnsReport): string[] {
  if (report.hosts.length === 0) return [];
  const lines = [
    report.zones.length > 0
      ? `DNS (addons.dns.zones: ${report.zones.join(", ")}):`
      : "DNS (no addons.dns.zones: each host's record is created by hand):",
  ];
  for (const h of report.hosts) {
    const where = `  ${h.host} (${h.namespace}/${h.app})`;
    lines.push(
      h.record
        ? `${where}: in no configured zone; create by hand: ${recordText(h.record)}`
        : `${where}: ${coveredLine(h)}`,
    );
  }
  const placeholder = `<${report.addressOutput}>`;
  if (report.hosts.some((h) => h.record?.value === placeholder)) {
    lines.push(
      `  ${placeholder}: the ingress address, known after the first pulumi up: \`pulumi stack output ${report.addressOutput}\``,
    );
  }
  if (report.hosts.some((h) => h.record?.type === "CNAME")) {
    lines.push(
      "  CNAME: where the name is a zone apex (its zone's own name), create an alias record (ALIAS) instead: an apex takes no CNAME",
    );
  }
  return lines;
}
