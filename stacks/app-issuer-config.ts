/**
 * The certificate issuer of each app (`apps[].issuer`, else addons.certManager.defaultIssuer)
 * against its host and the add-ons: checked in the platform schema's refinement, which sees both
 * `apps` and `addons` (raw, possibly invalid config).
 */
import { z } from "zod";
import {
  ACME_ISSUERS,
  DNS01_ISSUERS,
  INTERNAL_CA_ISSUER,
  isAcmeIssuer,
  isDns01Issuer,
} from "../components/kube/conventions";
import { coveringZone, isWildcardHost } from "../components/shared/dns-zones";
import { Problem } from "../components/shared/problems";
import { report } from "./validation";

/** What the issuer checks read of `addons`, raw (in the platform schema's refinement). */
export interface IssuerAddonsView {
  certManager?: { enabled?: unknown; email?: unknown; defaultIssuer?: unknown };
  dns?: { zones?: unknown };
}

/** The zone names of raw `addons.dns.zones` (entries without a string name are the DNS schema's to report). */
function zoneNamesOf(zones: unknown): string[] {
  if (!Array.isArray(zones)) return [];
  return zones.flatMap((z: { name?: unknown } | null) => (typeof z?.name === "string" ? [z.name] : []));
}

const DNS01 = DNS01_ISSUERS.join(" or ");

/**
 * The problems of one app's certificate issuer (`issuer`, else addons.certManager.defaultIssuer),
 * paths relative to the app. A wildcard host needs a DNS-01 issuer (or the internal CA, which
 * validates nothing): Let's Encrypt offers only the DNS-01 challenge for a wildcard name ("Challenge
 * Types"; cert-manager: HTTP01 cannot obtain wildcard certificates). A DNS-01 issuer needs a configured
 * zone covering the host (its challenge is a TXT record there) and, as every Let's Encrypt issuer,
 * the ACME e-mail. Without `issuer` the default's own requirements are checked at the default
 * (addons.certManager.defaultIssuer); here only what depends on the host.
 */
export function appIssuerProblems(
  app: { host?: unknown; issuer?: unknown },
  addons: IssuerAddonsView | undefined,
): Problem[] {
  const explicit = typeof app.issuer === "string" ? app.issuer : undefined;
  const host = typeof app.host === "string" ? app.host : undefined;
  if (host === undefined) {
    return explicit === undefined
      ? []
      : [
          {
            path: ["issuer"],
            message: "is set but the app has no host (no certificate); set host or remove issuer",
          },
        ];
  }
  const fallback = addons?.certManager?.defaultIssuer;
  const issuer = explicit ?? (typeof fallback === "string" ? fallback : undefined);
  // Without cert-manager the host itself is refused (checkAppsFitAddons): no issuer to check.
  if (issuer === undefined || addons?.certManager?.enabled === false) return [];
  const at: Problem["path"] = explicit !== undefined ? ["issuer"] : ["host"];
  const named =
    explicit !== undefined
      ? "is"
      : `uses the default issuer "${issuer}" (addons.certManager.defaultIssuer), which is`;
  const wildcard = isWildcardHost(host);
  const others = wildcard
    ? INTERNAL_CA_ISSUER
    : `${ACME_ISSUERS.join(", ")} (HTTP-01) or ${INTERNAL_CA_ISSUER}`;
  const problems: Problem[] = [];
  if (wildcard && !isDns01Issuer(issuer) && issuer !== INTERNAL_CA_ISSUER) {
    problems.push({
      path: at,
      message: `${named} an HTTP-01 issuer: it cannot validate the wildcard host "${host}" (Let's Encrypt validates wildcard names only with DNS-01); allowed for a wildcard host: issuer ${DNS01} (with addons.dns.zones) or ${INTERNAL_CA_ISSUER}`,
    });
  }
  if (isDns01Issuer(issuer)) {
    const zones = zoneNamesOf(addons?.dns?.zones);
    if (zones.length === 0 && explicit !== undefined) {
      problems.push({
        path: at,
        message: `names a DNS-01 issuer, which exists only with addons.dns.zones (none is set); set addons.dns.zones with the zone of "${host}", or use ${others}`,
      });
    } else if (zones.length > 0 && coveringZone(host, zones) === undefined) {
      problems.push({
        path: at,
        message: `${named} a DNS-01 issuer, but no zone of addons.dns.zones (${zones.join(", ")}) covers the host "${host}": its challenge record can only be published there; add the host's zone to addons.dns.zones, or use ${others}`,
      });
    }
  }
  const letsEncrypt = explicit !== undefined && (isAcmeIssuer(explicit) || isDns01Issuer(explicit));
  if (letsEncrypt && addons?.certManager?.email === undefined) {
    problems.push({
      path: at,
      message: `names a Let's Encrypt issuer, which exists only with addons.certManager.email (the ACME account e-mail); set it, or use ${INTERNAL_CA_ISSUER}`,
    });
  }
  return problems;
}

/** The issuer problems of every app (appIssuerProblems), at `apps[i]`; for the platform schema's refinement. */
export function checkAppIssuers(
  apps: unknown,
  addons: IssuerAddonsView | undefined,
  ctx: z.RefinementCtx,
): void {
  if (!Array.isArray(apps)) return;
  apps.forEach((a: { host?: unknown; issuer?: unknown } | null, i) => {
    if (typeof a === "object" && a !== null) report(ctx, appIssuerProblems(a, addons), ["apps", i]);
  });
}
