/**
 * `addons.dns.values`, the user's external-dns chart values: merged over the platform's
 * (components/addons/base.ts deepMerge), where a list or a scalar replaces the platform's entry and
 * an Output (the identity's ServiceAccount annotations) is replaced whole. The keys that would
 * silently drop what binds external-dns to its DNS service, or override a key `addons.dns` has, are
 * refused here, one message each (paths relative to `addons.dns`).
 */
import { DNS_IDENTITY_ANNOTATION } from "../components/addons/dns/access";
import { DURATION_FORMAT, durationSeconds } from "../components/shared/dns-sync";
import { Problem } from "../components/shared/problems";

/** The label the Azure workload identity webhook injects credentials for (components/cluster/aks/identity.ts). */
const AZURE_IDENTITY_LABEL = "azure.workload.identity/use";

interface ValuesScope {
  target: string;
  /** addons.dns.provider as configured (raw). */
  provider: unknown;
}

interface RefusedKey {
  /** The path under `values`. */
  path: string[];
  /** Whether the platform sets it on this target. */
  applies(s: ValuesScope): boolean;
  message(s: ValuesScope): string;
}

const CLOUD_TARGETS = ["eks", "gke", "aks"];
const cloud = (s: ValuesScope) => CLOUD_TARGETS.includes(s.target);
const ownKey = (key: string, what: string): RefusedKey => ({
  path: [key],
  applies: () => true,
  message: () => `is set from addons.dns.${key} (${what}); set that instead`,
});

/** The chart values the platform owns, with why. */
const REFUSED: readonly RefusedKey[] = [
  {
    path: ["provider"],
    applies: () => true,
    message: (s) =>
      `is set by the platform from cluster.target ${s.target}` +
      (s.target === "doks" || s.target === "existing"
        ? " and addons.dns.provider (the DigitalOcean webhook holds the API token)"
        : "") +
      "; remove it",
  },
  {
    path: ["serviceAccount"],
    applies: cloud,
    message: (s) =>
      `is set by the platform on cluster.target ${s.target}: the ServiceAccount its cloud identity trusts, ` +
      "annotated with that identity; a value here replaces the annotation and leaves external-dns without credentials; remove it",
  },
  {
    path: ["podLabels", AZURE_IDENTITY_LABEL],
    applies: (s) => s.target === "aks",
    message: () =>
      "is set by the platform on cluster.target aks: the Azure workload identity webhook gives credentials only to pods with it; remove it",
  },
  {
    path: ["podAnnotations", DNS_IDENTITY_ANNOTATION],
    applies: cloud,
    message: () =>
      "is set by the platform: the checksum of the cloud identity that restarts external-dns when it changes; remove it",
  },
  ...(["extraVolumes", "extraVolumeMounts"] as const).map((key): RefusedKey => ({
    path: [key],
    applies: (s) => s.target === "aks",
    message: () =>
      "is set by the platform on cluster.target aks: it mounts azure.json (tenant, subscription, the zones' resource group), " +
      "and a list here replaces it; remove it",
  })),
  {
    path: ["env"],
    applies: (s) => s.provider === "cloudflare",
    message: () =>
      "is set by the platform with addons.dns.provider cloudflare: it holds CF_API_TOKEN from the token's Secret, " +
      "and a list here replaces it; remove it",
  },
  ownKey("policy", "upsert-only or sync"),
  ownKey("txtOwnerId", "the TXT registry's owner id"),
  {
    ...ownKey("domainFilters", "the zone names"),
    message: () => "is set from addons.dns.zones; set those instead",
  },
];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether `values` holds `path`. */
function holds(values: Record<string, unknown>, path: readonly string[]): boolean {
  let at: unknown = values;
  for (const key of path) {
    if (!isObject(at) || !Object.prototype.hasOwnProperty.call(at, key)) return false;
    at = at[key];
  }
  return true;
}

/**
 * Problems of raw `addons.dns.values` on `target`: the keys the platform owns there, and an
 * `interval` that is not a duration the platform can read (a teardown waits for one interval).
 */
export function dnsValuesProblems(values: unknown, scope: ValuesScope): Problem[] {
  if (!isObject(values)) return [];
  const problems: Problem[] = REFUSED.filter((r) => r.applies(scope) && holds(values, r.path)).map((r) => ({
    path: ["values", ...r.path],
    message: r.message(scope),
  }));
  const interval = values.interval;
  if (interval !== undefined && (typeof interval !== "string" || durationSeconds(interval) === undefined)) {
    problems.push({
      path: ["values", "interval"],
      message: `must be ${DURATION_FORMAT} (external-dns's sync interval; a teardown waits one interval for external-dns)`,
    });
  }
  return problems;
}
