/** How an app is reached: its Service, its Ingress (with TLS from the ClusterIssuer), its ServiceMonitor. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isDns01Issuer, IssuerName } from "../kube/conventions";
import { HTTP_PORT, METRICS_PORT, selectorLabels } from "./deployment";
import { ingressRoute, requireIngress } from "./needs";
import { AppSettings, WorkloadContext } from "./types";

type ServiceSpec = k8s.types.input.core.v1.ServiceSpec;
type IngressSpec = k8s.types.input.networking.v1.IngressSpec;

/** ClusterIP Service: servicePort → the http port, and the metrics port when declared. */
export function serviceSpec(s: AppSettings): ServiceSpec {
  return {
    type: "ClusterIP",
    selector: selectorLabels(s.name),
    ports: [
      { name: HTTP_PORT, port: s.servicePort, targetPort: HTTP_PORT, protocol: "TCP" },
      ...(s.metrics
        ? [{ name: METRICS_PORT, port: s.metrics.port, targetPort: METRICS_PORT, protocol: "TCP" }]
        : []),
    ],
  };
}

/** The Secret cert-manager writes the Ingress certificate into. */
export const ingressTlsSecretName = (app: string): string => `${app}-tls`;

/**
 * The ClusterIssuer of an app's certificate: its own (apps[].issuer), else the platform's default;
 * undefined without a host (no certificate) or without cert-manager.
 */
export function certificateIssuer(
  s: Pick<AppSettings, "host" | "issuer">,
  ctx: Pick<WorkloadContext, "clusterIssuer">,
): IssuerName | undefined {
  return s.host === undefined ? undefined : (s.issuer ?? ctx.clusterIssuer);
}

/**
 * Annotations of an app's Ingress: the ClusterIssuer its certificate comes from (the app's, else
 * the platform's), and with F5 NGINX HTTP-01 solved inside this Ingress (that controller admits one
 * Ingress per host, so cert-manager's separate solver Ingress would be rejected). A DNS-01 issuer
 * answers its challenges with TXT records and never edits the Ingress.
 */
export function ingressAnnotations(
  ctx: WorkloadContext,
  app: Pick<AppSettings, "issuer"> = {},
): Record<string, string> {
  const route = ingressRoute(ctx);
  if ("missing" in route) throw new Error(`an app's Ingress needs what the platform lacks: ${route.missing}`);
  const issuer = app.issuer ?? route.clusterIssuer;
  const editInPlace = route.ingress.controller === "nginx" && !isDns01Issuer(issuer);
  return {
    "cert-manager.io/cluster-issuer": issuer,
    ...(editInPlace ? { "acme.cert-manager.io/http01-edit-in-place": "true" } : {}),
  };
}

/** Ingress of an app with a host: TLS from the ClusterIssuer (cert-manager's ingress-shim). */
export function ingressSpec(
  s: AppSettings,
  ctx: WorkloadContext,
  serviceName: pulumi.Input<string>,
): IngressSpec {
  const host = s.host;
  if (!host) throw new Error(`app ${s.name}: an Ingress needs apps[].host`);
  const { ingress } = requireIngress(s, ctx);
  return {
    ingressClassName: ingress.className,
    tls: [{ hosts: [host], secretName: ingressTlsSecretName(s.name) }],
    rules: [
      {
        host,
        http: {
          paths: [
            {
              path: s.path,
              pathType: "Prefix",
              backend: { service: { name: serviceName, port: { name: HTTP_PORT } } },
            },
          ],
        },
      },
    ],
  };
}

/** ServiceMonitor spec: the app's Service, its metrics port and path. */
export function serviceMonitorSpec(s: AppSettings): Record<string, unknown> {
  if (!s.metrics) throw new Error(`app ${s.name}: a ServiceMonitor needs apps[].metrics`);
  return {
    selector: { matchLabels: selectorLabels(s.name) },
    namespaceSelector: { matchNames: [s.namespace] },
    endpoints: [{ port: METRICS_PORT, path: s.metrics.path }],
  };
}
