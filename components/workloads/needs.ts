/**
 * What an app needs from the platform, checked: each check names the app, what it declared and the
 * add-on to enable, and returns what it checked (so callers use it without re-checking).
 */
import type { IngressService, MonitoringService, VaultService } from "../addons/contract";
import type { IssuerName } from "../kube/conventions";
import { AppSettings, WorkloadContext } from "./types";

/** An Ingress's platform side: the controller serving its class and the ClusterIssuer of its TLS. */
export interface IngressRoute {
  ingress: IngressService;
  clusterIssuer: IssuerName;
}

/** The ingress controller and the ClusterIssuer, or what the platform lacks of them. */
export function ingressRoute(ctx: WorkloadContext): IngressRoute | { missing: string } {
  const { ingress, clusterIssuer } = ctx;
  if (ingress && clusterIssuer) return { ingress, clusterIssuer };
  const missing = [!ingress && "no ingress controller", !clusterIssuer && "no ClusterIssuer"]
    .filter(Boolean)
    .join(" and ");
  return { missing };
}

/** The ingress controller and ClusterIssuer of an app with a host; throws when the platform lacks one. */
export function requireIngress(s: AppSettings, ctx: WorkloadContext): IngressRoute {
  const route = ingressRoute(ctx);
  if ("missing" in route) {
    throw new Error(
      `app ${s.name} has a host (${s.host}) but the platform has ${route.missing}: enable addons.ingress and addons.certManager, or remove apps[].host`,
    );
  }
  return route;
}

/** Vault, for an app with `vault:`; throws when the platform has none. */
export function requireVault(s: AppSettings, ctx: WorkloadContext): VaultService {
  if (!ctx.vault) {
    throw new Error(
      `app ${s.name} uses Vault (apps[].vault) but the platform has no Vault: enable addons.vault or remove apps[].vault`,
    );
  }
  return ctx.vault;
}

/** The monitoring add-on, for an app with `metrics:`; throws when the platform has none. */
export function requireMonitoring(s: AppSettings, ctx: WorkloadContext): MonitoringService {
  if (!ctx.monitoring) {
    throw new Error(
      `app ${s.name} declares metrics (apps[].metrics) but the platform has no monitoring: enable addons.monitoring or remove apps[].metrics`,
    );
  }
  return ctx.monitoring;
}
