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
import { Problem, duplicateProblems } from "../components/shared/problems";
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
const isCloudTarget = (t: unknown): t is CloudTarget => typeof t === "string" && t in ZONE_IDS;

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
  return z.strictObject({
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
    values: z.record(z.string(), z.unknown()).default({}),
  });
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
}

const zonesOf = (dns: DnsView | undefined): { name?: unknown; id?: unknown }[] =>
  Array.isArray(dns?.zones) ? dns.zones.filter((z): z is object => typeof z === "object" && z !== null) : [];

/**
 * Problems of `addons.dns` on `target` (paths relative to `addons.dns`): the zone ids a cloud target
 * needs and a token target refuses, the token service and its secret, Azure's one resource group.
 */
export function dnsTargetProblems(
  target: unknown,
  dns: DnsView | undefined,
  secrets: Readonly<Record<string, unknown>> | undefined,
): Problem[] {
  const zones = zonesOf(dns);
  if (zones.length === 0 || typeof target !== "string") return [];
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
  if (dns?.provider === undefined && target === "existing") {
    problems.push({
      path: ["provider"],
      message: `is required on cluster.target existing (no cloud identity): the DNS service of the zones; allowed: ${offered.join(" | ")}`,
    });
  } else if (
    // A value outside TOKEN_DNS_PROVIDERS is the schema's to report.
    TOKEN_DNS_PROVIDERS.some((p) => p === dns?.provider) &&
    !offered.some((p) => p === dns?.provider)
  ) {
    problems.push({
      path: ["provider"],
      message: `is not offered on cluster.target ${target}; allowed: ${offered.join(" | ")}`,
    });
  }
  if (dns?.tokenSecret === undefined) {
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
  dns: DnsView | undefined,
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
  if (dns?.provider !== undefined) problems.push({ path: ["provider"], message: noToken });
  if (dns?.tokenSecret !== undefined) problems.push({ path: ["tokenSecret"], message: noToken });
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
  certManager?: { enabled?: unknown; email?: unknown; defaultIssuer?: unknown };
  dns?: DnsView;
}

/** A DNS-01 default issuer needs the ACME e-mail and DNS zones (paths relative to `addons`). */
export function dns01IssuerProblems(addons: Dns01IssuerView | undefined): Problem[] {
  const cm = addons?.certManager;
  const issuer = cm?.defaultIssuer;
  if (cm?.enabled === false || !DNS01_ISSUERS.some((i) => i === issuer)) return [];
  const problems: Problem[] = [];
  if (cm?.email === undefined) {
    problems.push({
      path: ["certManager", "email"],
      message: `is required for the DNS-01 issuer "${String(issuer)}" (the ACME account e-mail); or choose another certManager.defaultIssuer`,
    });
  }
  if (zonesOf(addons?.dns).length === 0) {
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
): void {
  report(ctx, dnsTargetProblems(target, dns, secrets), ["addons", "dns"]);
}

/**
 * The default TXT owner id: the Pulumi project and stack (unique per backend), sanitized to the owner
 * id's characters; longer than TXT_OWNER_ID_MAX it is cut and suffixed with a hash of the whole.
 */
export function defaultTxtOwnerId(project: string, stack: string): string {
  const raw = `${project}-${stack}`;
  const clean = raw
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "")
    .toLowerCase();
  if (clean.length > 0 && clean.length <= TXT_OWNER_ID_MAX && clean === raw.toLowerCase()) return clean;
  const hash = shortHash(raw, 8);
  const head = clean.slice(0, TXT_OWNER_ID_MAX - hash.length - 1).replace(/[^A-Za-z0-9]+$/, "");
  return head ? `${head}-${hash}` : hash;
}

/** Where the DNS settings come from besides `addons.dns`. */
export interface DnsContext {
  project: string;
  stack: string;
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
    txtOwnerId: dns.txtOwnerId ?? defaultTxtOwnerId(c.project, c.stack),
    ...(provider && secret !== undefined ? { token: { provider, value: pulumi.secret(secret) } } : {}),
    values: dns.values,
  };
}
