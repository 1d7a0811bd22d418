// The DNS records a destroy leaves behind: with a policy other than `sync` (the platform's prod
// default `upsert-only`, or `create-only`), external-dns never deletes a record (kubernetes-sigs/
// external-dns plan/policy.go: UpsertOnlyPolicy and CreateOnlyPolicy drop the deletes), so the
// record of every host it published, and its TXT ownership records, stay and point at the deleted
// load balancer (on GKE, AKS and DigitalOcean an IP address the cloud hands out again). Read from
// the export: the external-dns Release's values, the Ingresses' hosts and the hostname annotations.
// Pure: no I/O, no Pulumi import.
import { EXTERNAL_DNS_HOSTNAME_ANNOTATION } from "../components/kube/conventions";
import type { LeftBehind } from "./leftovers";
import {
  ExportedResource,
  annotationsOf,
  field,
  isObj,
  keptByProtection,
  releasesOf,
  str,
} from "./leftovers-state";

/** The chart's defaults for what its values leave out (chart-data/external-dns keys.json). */
const CHART_DEFAULTS = { policy: "upsert-only", sources: ["service", "ingress"], registry: "txt" } as const;

interface TxtNaming {
  prefix: string;
  suffix: string;
  wildcard: string;
}

interface DnsSettings {
  policy: string;
  provider: "aws" | "google" | "azure" | "digitalocean" | "cloudflare" | "other";
  zones: string[];
  /** How the TXT registry names its records; undefined without the TXT registry. */
  txt: TxtNaming | undefined;
  sources: string[];
  zoneId?: string;
  project?: string;
  resourceGroup?: string;
}

/** A string or a list of strings as a list (non-strings dropped). */
const strings = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).flatMap((s) => str(s) ?? []);

/** The external-dns provider, the DigitalOcean webhook counted as DigitalOcean (its DO_TOKEN). */
function providerOf(values: Record<string, unknown>): DnsSettings["provider"] {
  const provider = isObj(values.provider) ? values.provider : {};
  const name = str(provider.name) ?? "aws";
  if (name === "aws" || name === "google" || name === "azure" || name === "cloudflare") return name;
  if (name === "digitalocean" || JSON.stringify(provider.webhook ?? "").includes("DO_TOKEN"))
    return "digitalocean";
  return "other";
}

/** The resource group of the Azure DNS zones: azure.json of the external-dns ConfigMap. */
function azureResourceGroup(resources: ExportedResource[]): string | undefined {
  for (const r of resources) {
    const text = r.type === "kubernetes:core/v1:ConfigMap" ? str(field(r, "data", "azure.json")) : undefined;
    if (!text) continue;
    try {
      const parsed: unknown = JSON.parse(text);
      if (isObj(parsed) && str(parsed.resourceGroup)) return str(parsed.resourceGroup);
    } catch {
      // Not the file external-dns reads: no resource group to name.
    }
  }
  return undefined;
}

/** external-dns's settings when its policy leaves records behind; undefined otherwise. */
function dnsSettings(resources: ExportedResource[]): DnsSettings | undefined {
  const [release] = releasesOf(resources, "external-dns");
  if (!release) return undefined;
  const raw = field(release, "values");
  const values = isObj(raw) ? raw : {};
  const policy = str(values.policy) ?? CHART_DEFAULTS.policy;
  if (policy === "sync") return undefined;
  const extraArgs = isObj(values.extraArgs) ? values.extraArgs : {};
  const zoneIds = strings(extraArgs["zone-id-filter"]);
  const registry = str(values.registry) ?? CHART_DEFAULTS.registry;
  const project = str(extraArgs["google-project"]);
  return {
    policy,
    provider: providerOf(values),
    zones: strings(values.domainFilters),
    txt:
      registry === "txt"
        ? {
            prefix: str(values.txtPrefix) ?? "",
            suffix: str(values.txtSuffix) ?? "",
            wildcard: str(extraArgs["txt-wildcard-replacement"]) ?? "",
          }
        : undefined,
    sources: Array.isArray(values.sources) ? strings(values.sources) : [...CHART_DEFAULTS.sources],
    ...(zoneIds.length === 1 ? { zoneId: zoneIds[0] } : {}),
    ...(project ? { project } : {}),
    resourceGroup: azureResourceGroup(resources),
  };
}

/**
 * The TXT record's name for `host` and a record type: external-dns's AffixNameMapper.ToTXTName
 * (registry/mapper/mapper.go): the type and a dash before the first label, unless the prefix or the
 * suffix holds `%{record_type}`; a leading `*` replaced by --txt-wildcard-replacement.
 */
export function txtName(host: string, type: string, txt: TxtNaming): string {
  const [first, ...rest] = host.split(".");
  const template = "%{record_type}";
  const prefix = txt.prefix.replaceAll(template, type);
  const suffix = txt.suffix.replaceAll(template, type);
  const label = txt.wildcard !== "" && first === "*" ? txt.wildcard : first;
  const typed = txt.prefix.includes(template) || txt.suffix.includes(template) ? label : `${type}-${label}`;
  return rest.length === 0 ? `${prefix}${typed}${suffix}` : `${prefix}${typed}${suffix}.${rest.join(".")}`;
}

/** Each host external-dns published from the export's objects, with the object naming it. */
function publishedHosts(
  resources: ExportedResource[],
  sources: string[],
): { host: string; from: ExportedResource }[] {
  const found: { host: string; from: ExportedResource }[] = [];
  const add = (from: ExportedResource, hosts: string[]) =>
    hosts.forEach((host) => found.push({ host: host.trim().toLowerCase().replace(/\.$/, ""), from }));
  for (const r of resources) {
    const annotated = strings(annotationsOf(r)?.[EXTERNAL_DNS_HOSTNAME_ANNOTATION]).flatMap((h) =>
      h.split(","),
    );
    if (r.type === "kubernetes:networking.k8s.io/v1:Ingress" && sources.includes("ingress")) {
      // external-dns source/ingress.go: the rules' hosts, the TLS hosts and the annotation.
      const spec = field(r, "spec");
      const rules = isObj(spec) && Array.isArray(spec.rules) ? spec.rules : [];
      const tls = isObj(spec) && Array.isArray(spec.tls) ? spec.tls : [];
      add(r, [
        ...rules.flatMap((rule) => (isObj(rule) ? strings(rule.host) : [])),
        ...tls.flatMap((t) => (isObj(t) ? strings(t.hosts) : [])),
        ...annotated,
      ]);
    } else if (r.type === "kubernetes:core/v1:Service" && sources.includes("service")) {
      add(r, annotated);
    }
  }
  const first = new Map<string, { host: string; from: ExportedResource }>();
  for (const f of found) if (f.host !== "" && !first.has(f.host)) first.set(f.host, f);
  return [...first.values()];
}

/** The zone (of domainFilters) holding `host`: the longest one it ends with. */
function zoneOf(host: string, zones: string[]): string | undefined {
  return zones.filter((z) => host === z || host.endsWith(`.${z}`)).sort((a, b) => b.length - a.length)[0];
}

/** How to find and delete the record of `host` and its TXT records with the provider's own CLI. */
function deleteCommand(s: DnsSettings, host: string, zone: string | undefined, txt: string[]): string {
  const names = [host, ...txt];
  const relative = (name: string) =>
    zone === undefined || name === zone ? "@" : name.slice(0, name.length - zone.length - 1);
  switch (s.provider) {
    case "aws": {
      // AWS CLI route53 change-resource-record-sets: a DELETE names the record set exactly as listed.
      const zoneId = s.zoneId ?? "<hosted zone id>";
      const query = names.map((n) => `Name == '${n}.'`).join(" || ");
      return (
        `aws route53 list-resource-record-sets --hosted-zone-id ${zoneId} --query "ResourceRecordSets[?${query}]"; ` +
        `delete each: aws route53 change-resource-record-sets --hosted-zone-id ${zoneId} ` +
        `--change-batch '{"Changes":[{"Action":"DELETE","ResourceRecordSet":<the set as listed>}]}'`
      );
    }
    case "google": {
      const where = `--zone=${s.zoneId ?? "<managed zone>"}${s.project ? ` --project=${s.project}` : ""}`;
      return (
        `gcloud dns record-sets list ${where} --name=${host}.; ` +
        [
          `gcloud dns record-sets delete ${host}. --type=A ${where}`,
          ...txt.map((t) => `gcloud dns record-sets delete ${t}. --type=TXT ${where}`),
        ].join("; ")
      );
    }
    case "azure": {
      const where = `--resource-group ${s.resourceGroup ?? "<resource group>"} --zone-name ${zone ?? "<zone>"}`;
      return [
        `az network dns record-set a delete ${where} --name ${relative(host)} --yes`,
        ...txt.map((t) => `az network dns record-set txt delete ${where} --name ${relative(t)} --yes`),
      ].join("; ");
    }
    case "digitalocean": {
      const domain = zone ?? "<domain>";
      return (
        `doctl compute domain records list ${domain} --format ID,Type,Name (the records named ${names.map(relative).join(", ")}); ` +
        `delete each: doctl compute domain records delete ${domain} <record id> --force`
      );
    }
    case "cloudflare":
      return `delete the records ${names.join(", ")} in the Cloudflare dashboard, or with its API (DELETE /zones/<zone id>/dns_records/<record id>)`;
    case "other":
      return `delete the records ${names.join(", ")} with the DNS provider's console or CLI`;
  }
}

/**
 * The TXT records of a host's record: the record's type names them (registry/txt/registry.go
 * generateTXTRecordWithFilter). A load balancer's address is an A record, except on AWS, whose
 * load balancers have host names: an alias A record (its TXT record typed `cname`) and its AAAA
 * twin (provider/aws/aws.go adjustEndpointAndNewAaaaIfNeeded), or a CNAME with --aws-prefer-cname.
 */
function txtRecords(s: DnsSettings, host: string): string[] {
  const txt = s.txt;
  if (!txt) return [];
  const types = s.provider === "aws" ? ["cname", "aaaa", "a"] : ["a"];
  return types.map((t) => txtName(host, t, txt));
}

/** One entry per host whose records the destroy leaves in DNS (none with policy `sync`). */
export function leftDnsRecords(resources: ExportedResource[]): LeftBehind[] {
  const s = dnsSettings(resources);
  if (!s) return [];
  const kept = keptByProtection(resources);
  return publishedHosts(resources, s.sources)
    .filter(({ from }) => !kept.has(from.urn))
    .flatMap(({ host, from }) => {
      const zone = zoneOf(host, s.zones);
      if (s.zones.length > 0 && zone === undefined) return [];
      const txt = txtRecords(s, host);
      const owners = txt.length > 0 ? ` and its TXT ownership records (${txt.join(", ")})` : "";
      return [
        {
          urn: from.urn,
          type: "dns:record",
          name: host,
          reason: `external-dns never deletes a record with policy ${s.policy} (addons.dns.policy): the record of ${host}${owners} stays, pointing at the deleted load balancer`,
          hint: deleteCommand(s, host, zone, txt),
        },
      ];
    });
}
