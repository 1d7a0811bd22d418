/**
 * `addons.dns`: the zones external-dns publishes the app hosts in and cert-manager solves DNS-01 in,
 * the record policy, the TXT owner id, and on targets without a cloud identity the DNS service and
 * its API token. The schema, the cross-checks against the cluster target and `secrets`, the typed
 * settings.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { DnsSettings } from "../components/addons/types";
import { shortHash } from "../components/cluster/shared";
import { TOKEN_DNS, type TokenDnsProvider } from "../components/cluster/types";
import { DNS01_ISSUERS } from "../components/kube/conventions";
import { coveringZone } from "../components/shared/dns-zones";
import { Problem, duplicateProblems } from "../components/shared/problems";
import { HOSTNAME } from "./apps-config";
import { dnsValuesProblems } from "./dns-values-config";
import { report } from "./validation";

export const DNS_POLICIES = ["upsert-only", "sync"] as const;
export const TOKEN_DNS_PROVIDERS = [
  "cloudflare",
  "digitalocean",
] as const satisfies readonly TokenDnsProvider[];

/**
 * A zone's name as external-dns's --domain-filter and cert-manager's dnsZones take it: a lowercase
 * DNS name of two or more labels (RFC 1035 §2.3.4: labels of 1-63, names of at most 253 characters),
 * without the root's trailing dot.
 */
const ZONE_NAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The TXT registry's owner id: external-dns stores it in each TXT record as `external-dns/owner=<id>`
 * among comma-separated `key=value` labels (endpoint/labels.go: a "," or "=" would split it) in one
 * TXT character-string of at most 255 bytes (RFC 1035 §3.3) shared with the resource label: letters,
 * digits, ".", "_", "-", at most 63.
 */
export const TXT_OWNER_ID = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
export const TXT_OWNER_ID_MAX = 63;

/** The cloud handle `id` names per target, and its form (Route 53, Cloud DNS, Azure Resource Manager). */
export const ZONE_IDS = {
  eks: {
    what: "the Route 53 hosted zone id",
    pattern: /^[A-Z0-9]{1,32}$/,
    format: 'a Route 53 hosted zone id like "Z0123456789ABCDEFGHIJ" (without "/hostedzone/")',
  },
  gke: {
    what: "the Cloud DNS managed-zone name",
    pattern: /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
    format: 'a Cloud DNS managed-zone name like "kube-platform-dev" (1-63 lowercase letters, digits, "-")',
  },
  aks: {
    what: "the resource group of the Azure DNS zone",
    // Microsoft.Resources naming rules (as components/cluster/aks/ids.ts VNET_ID).
    pattern: /^[-\w.()]{0,89}[-\w()]$/,
    format: 'an Azure resource group name (1-90 letters, digits, "_", "-", ".", "(", ")"; not ending in ".")',
  },
} as const;

type CloudTarget = keyof typeof ZONE_IDS;
const isCloudTarget = (t: string): t is CloudTarget => t in ZONE_IDS;

/** The token services a target without a cloud identity offers (the cluster contract's `dns`). */
export const TOKEN_TARGETS: Readonly<Record<"doks" | "existing", readonly TokenDnsProvider[]>> = {
  doks: TOKEN_DNS.doks.providers,
  existing: TOKEN_DNS.existing.providers,
};

const zoneSchema = z.strictObject({
  name: z
    .string()
    .regex(ZONE_NAME, 'must be a lowercase DNS name like "example.com" (no trailing dot, no wildcard)'),
  id: z.string().min(1).optional(),
});

/** The `addons.dns` schema; `defaultPolicy` from the profile (ADDON_PROFILE_DEFAULTS.dnsPolicy). */
export function dnsSchema(defaultPolicy: (typeof DNS_POLICIES)[number]) {
  return z
    .strictObject({
      zones: z
        .array(zoneSchema)
        .default([])
        .superRefine((zones, ctx) => report(ctx, zoneNameProblems(zones))),
      policy: z.enum(DNS_POLICIES).default(defaultPolicy),
      txtOwnerId: z
        .string()
        .regex(
          TXT_OWNER_ID,
          `must be letters, digits, ".", "_" or "-" (no "," or "="), at most ${TXT_OWNER_ID_MAX}`,
        )
        .optional(),
      provider: z.enum(TOKEN_DNS_PROVIDERS).optional(),
      tokenSecret: z
        .string()
        .regex(/^[A-Za-z][\w-]*$/, "must be a key of `secrets`")
        .optional(),
      ingressHostname: z
        .string()
        .regex(
          HOSTNAME,
          'must be a DNS hostname like "ingress.example.com", or a wildcard with one leading label like "*.example.com"',
        )
        .optional(),
      values: z.record(z.string(), z.unknown()).default({}),
    })
    .superRefine((dns, ctx) => report(ctx, ingressHostnameZoneProblems(dns)));
}

/** The ingress's own record must be in a configured zone: external-dns publishes only there (--domain-filter). */
export function ingressHostnameZoneProblems(dns: {
  zones: readonly { name: string }[];
  ingressHostname?: string;
}): Problem[] {
  const host = dns.ingressHostname;
  const zones = dns.zones.map((z) => z.name);
  if (host === undefined || coveringZone(host, zones) !== undefined) return [];
  return [
    {
      path: ["ingressHostname"],
      message:
        `is in no configured zone (addons.dns.zones: ${zones.length > 0 ? zones.join(", ") : "none"}); ` +
        "allowed: a host one of the zones covers (its apex or a name under it)",
    },
  ];
}

export type DnsConfig = z.output<ReturnType<typeof dnsSchema>>;

/** Each zone name once (the names compared as they are: the schema wants them lowercase). */
export function zoneNameProblems(zones: readonly { name?: unknown }[]): Problem[] {
  return duplicateProblems(zones.map((z) => z.name)).map((p) => ({ ...p, path: [...p.path, "name"] }));
}

/** What the cross-checks read of `addons.dns` (raw, possibly invalid config). */
export interface DnsView {
  zones?: unknown;
  provider?: unknown;
  tokenSecret?: unknown;
  ingressHostname?: unknown;
  values?: unknown;
}

const zonesOf = (dns: DnsView | undefined): { name?: unknown; id?: unknown }[] =>
  Array.isArray(dns?.zones) ? dns.zones.filter((z): z is object => typeof z === "object" && z !== null) : [];

/** What the ingress hostname check reads besides `addons.dns` (raw). */
export interface IngressView {
  /** addons.ingress.enabled */
  enabled?: unknown;
  /** cluster.loadBalancer (existing clusters: "available" or "none") */
  loadBalancer?: unknown;
}

/**
 * Problems of `addons.dns` on `target` (paths relative to `addons.dns`): the zone ids a cloud target
 * needs and a token target refuses, the token service and its secret, Azure's one resource group,
 * the chart values the platform owns there, and what the ingress's own record needs.
 */
export function dnsTargetProblems(
  target: unknown,
  dns: DnsView | undefined,
  secrets: Readonly<Record<string, unknown>> | undefined,
  ingress: IngressView = {},
): Problem[] {
  if (dns === undefined) return [];
  const zones = zonesOf(dns);
  if (zones.length === 0 || typeof target !== "string") return [];
  return [
    ...zoneTargetProblems(target, zones, dns, secrets),
    ...dnsValuesProblems(dns.values, { target, provider: dns.provider }),
    ...ingressHostnameProblems(dns, ingress),
  ];
}

/**
 * The ingress's own record is published from the controller's LoadBalancer Service: it needs the
 * controller, and a cluster whose LoadBalancer Services get an address (external-dns's Service
 * source would publish a NodePort Service's node addresses instead).
 */
function ingressHostnameProblems(dns: DnsView, ingress: IngressView): Problem[] {
  if (dns.ingressHostname === undefined) return [];
  const at = ["ingressHostname"];
  if (ingress.enabled === false)
    return [
      { path: at, message: "needs the ingress controller (addons.ingress.enabled is false); remove it" },
    ];
  if (ingress.loadBalancer === "none") {
    return [
      {
        path: at,
        message:
          'needs a LoadBalancer Service (cluster.loadBalancer is "none": the ingress runs on node ports); remove it and create the record by hand',
      },
    ];
  }
  return [];
}

function zoneTargetProblems(
  target: string,
  zones: { name?: unknown; id?: unknown }[],
  dns: DnsView,
  secrets: Readonly<Record<string, unknown>> | undefined,
): Problem[] {
  if (isCloudTarget(target)) return cloudTargetProblems(target, zones, dns);
  if (target !== "doks" && target !== "existing") return [];
  const problems: Problem[] = zones.flatMap((z, i) =>
    z.id === undefined
      ? []
      : [
          {
            path: ["zones", i, "id"],
            message: `is not used on cluster.target ${target}: the zone is found by its name with the API token; remove it`,
          },
        ],
  );
  const offered = TOKEN_TARGETS[target];
  if (dns.provider === undefined && target === "existing") {
    problems.push({
      path: ["provider"],
      message: `is required on cluster.target existing (no cloud identity): the DNS service of the zones; allowed: ${offered.join(" | ")}`,
    });
  } else if (
    // A value outside TOKEN_DNS_PROVIDERS is the schema's to report.
    TOKEN_DNS_PROVIDERS.some((p) => p === dns.provider) &&
    !offered.some((p) => p === dns.provider)
  ) {
    problems.push({
      path: ["provider"],
      message: `is not offered on cluster.target ${target}; allowed: ${offered.join(" | ")}`,
    });
  }
  if (dns.tokenSecret === undefined) {
    problems.push({
      path: ["tokenSecret"],
      message:
        `is required on cluster.target ${target} (no cloud identity): the key of \`secrets\` holding the DNS API ` +
        "token, set with `pulumi config set --secret --path secrets.<name> <token>`",
    });
  } else if (typeof dns.tokenSecret === "string" && !(secrets && dns.tokenSecret in secrets)) {
    problems.push({
      path: ["tokenSecret"],
      message: `names the secret "${dns.tokenSecret}", which is not set; set it with \`pulumi config set --secret --path secrets.${dns.tokenSecret} <token>\``,
    });
  }
  return problems;
}

function cloudTargetProblems(
  target: CloudTarget,
  zones: { name?: unknown; id?: unknown }[],
  dns: DnsView,
): Problem[] {
  const ids = ZONE_IDS[target];
  const problems: Problem[] = zones.flatMap((z, i): Problem[] => {
    const at = ["zones", i, "id"];
    if (z.id === undefined)
      return [{ path: at, message: `is required on cluster.target ${target}: ${ids.what}` }];
    return typeof z.id === "string" && !ids.pattern.test(z.id)
      ? [{ path: at, message: `must be ${ids.format}` }]
      : [];
  });
  const noToken = `is only for cluster.target doks or existing: ${target} reaches its DNS through a workload identity; remove it`;
  if (dns.provider !== undefined) problems.push({ path: ["provider"], message: noToken });
  if (dns.tokenSecret !== undefined) problems.push({ path: ["tokenSecret"], message: noToken });
  if (target === "aks") {
    // external-dns's Azure provider manages the zones of one resource group (azure.json `resourceGroup`).
    const groups = [...new Set(zones.map((z) => z.id).filter((id) => typeof id === "string"))];
    if (groups.length > 1) {
      problems.push({
        path: ["zones"],
        message: `are in ${groups.length} resource groups (${groups.join(", ")}); on aks every zone must be in one: external-dns manages the zones of one resource group`,
      });
    }
  }
  return problems;
}

/** What the DNS-01 default-issuer check reads of `addons`. */
export interface Dns01IssuerView {
  certManager?: { enabled?: unknown; email?: unknown; defaultIssuer?: unknown } | null;
  dns?: DnsView;
}

/** A DNS-01 default issuer needs the ACME e-mail and DNS zones (paths relative to `addons`). */
export function dns01IssuerProblems(addons: Dns01IssuerView | undefined): Problem[] {
  // `certManager: null` is ill-typed (the schema reports it): nothing to check here.
  if (addons?.certManager === undefined || addons.certManager === null) return [];
  const cm = addons.certManager;
  const issuer = cm.defaultIssuer;
  if (cm.enabled === false || !DNS01_ISSUERS.some((i) => i === issuer)) return [];
  const problems: Problem[] = [];
  if (cm.email === undefined) {
    problems.push({
      path: ["certManager", "email"],
      message: `is required for the DNS-01 issuer "${String(issuer)}" (the ACME account e-mail); or choose another certManager.defaultIssuer`,
    });
  }
  if (zonesOf(addons.dns).length === 0) {
    problems.push({
      path: ["certManager", "defaultIssuer"],
      message: `"${String(issuer)}" solves DNS-01 in addons.dns.zones, which are not set; configure the zones or choose another issuer`,
    });
  }
  return problems;
}

/** A refinement adding the target cross-check at `addons.dns` (for stacks/config.ts). */
export function checkDnsFitsCluster(
  target: unknown,
  dns: DnsView | undefined,
  secrets: Readonly<Record<string, unknown>> | undefined,
  ctx: z.RefinementCtx,
  ingress: IngressView = {},
): void {
  report(ctx, dnsTargetProblems(target, dns, secrets, ingress), ["addons", "dns"]);
}

/**
 * The organization a DIY backend reports for every stack ("diy has no organizations really, but we
 * just always say it's \"organization\"": pulumi pkg/backend/diy/state.go getTarget): it tells no
 * two stacks apart, so the owner id leaves it out.
 */
export const DIY_ORGANIZATION = "organization";

/** What tells this stack's records apart from every other stack's. */
export interface TxtOwnerScope {
  /** pulumi.getOrganization(); undefined when the engine gave none. */
  organization?: string;
  project: string;
  stack: string;
  /** cluster.clusterName (its default is `<project>-<stack>`). */
  clusterName: string;
}

const ownerIdChars = (text: string): string =>
  text
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "")
    .toLowerCase();

/**
 * The default TXT owner id: the Pulumi organization (Pulumi Cloud), project, stack and the cluster's
 * name when it is not the default `<project>-<stack>`, in the owner id's characters, then a hash of
 * all four (so names that read alike after the cut or the character mapping still differ), at most
 * TXT_OWNER_ID_MAX.
 */
export function defaultTxtOwnerId(s: TxtOwnerScope): string {
  const organization = s.organization === DIY_ORGANIZATION ? undefined : s.organization;
  const cluster =
    ownerIdChars(s.clusterName) === ownerIdChars(`${s.project}-${s.stack}`) ? [] : [s.clusterName];
  const readable = ownerIdChars(
    [organization ?? "", s.project, s.stack, ...cluster].filter(Boolean).join("-"),
  );
  const hash = shortHash(JSON.stringify([organization ?? "", s.project, s.stack, s.clusterName]), 8);
  const head = readable.slice(0, TXT_OWNER_ID_MAX - hash.length - 1).replace(/[^A-Za-z0-9]+$/, "");
  return head ? `${head}-${hash}` : hash;
}

/** Where the DNS settings come from besides `addons.dns`. */
export interface DnsContext extends TxtOwnerScope {
  target: string;
  secrets: Readonly<Record<string, string>>;
}

/** The typed settings (undefined without zones); the token a Pulumi secret. Config is valid here. */
export function toDnsSettings(dns: DnsConfig | undefined, c: DnsContext): DnsSettings | undefined {
  if (!dns || dns.zones.length === 0) return undefined;
  const provider: TokenDnsProvider | undefined =
    c.target === "doks" ? (dns.provider ?? "digitalocean") : dns.provider;
  const secret = dns.tokenSecret === undefined ? undefined : c.secrets[dns.tokenSecret];
  return {
    zones: dns.zones.map((z) => ({ name: z.name, ...(z.id === undefined ? {} : { id: z.id }) })),
    policy: dns.policy,
    txtOwnerId: dns.txtOwnerId ?? defaultTxtOwnerId(c),
    ...(provider && secret !== undefined ? { token: { provider, value: pulumi.secret(secret) } } : {}),
    ...(dns.ingressHostname === undefined ? {} : { ingressHostname: dns.ingressHostname }),
    values: dns.values,
  };
}
