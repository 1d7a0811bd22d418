/** metrics-server: the resource metrics API (metrics.k8s.io) behind HPA and `kubectl top`. */
import * as pulumi from "@pulumi/pulumi";
import { spreadAcrossNodesAndZones } from "../kube/conventions";
import { AddonContext, namespacedRelease, resources } from "./base";
import { AddonComponent } from "./contract";
import { HelmValues } from "./types";

export const METRICS_SERVER_NAMESPACE = "metrics-server";
export const METRICS_SERVER_RELEASE = "metrics-server";

/** The chart's selector labels for our release name. */
export const METRICS_SERVER_POD_LABELS = {
  "app.kubernetes.io/name": "metrics-server",
  "app.kubernetes.io/instance": METRICS_SERVER_RELEASE,
};

/** The flag metrics-server needs where kubelets serve self-signed certificates. */
export const KUBELET_INSECURE_TLS = "--kubelet-insecure-tls";

/**
 * metrics-server values (CHARTS.metricsServer). The chart's container security context (non-root 1000,
 * read-only root filesystem, no capabilities, no privilege escalation, seccomp RuntimeDefault) satisfies Pod
 * Security "restricted". Kubelet certificates are verified where the cluster CA signs them (every managed
 * cloud). Where kubelets serve self-signed certificates (kind, kubeadm defaults) metrics-server cannot scrape
 * them and never becomes ready, failing the release: its README ("Requirements") names --kubelet-insecure-tls
 * for that case, added to the chart's `args` (after its `defaultArgs`).
 */
export function metricsServerValues(ha: boolean, kubeletCertsTrusted = true): HelmValues {
  return {
    replicas: ha ? 2 : 1,
    ...(kubeletCertsTrusted ? {} : { args: [KUBELET_INSECURE_TLS] }),
    resources: resources("100m", "200Mi", "400Mi"),
    // Not enabled: /metrics would be served without authorization on the API port, and the HTTPS
    // scrape needs TLS settings a MetricsEndpoint cannot express.
    metrics: { enabled: false },
    serviceMonitor: { enabled: false },
    ...(ha
      ? {
          podDisruptionBudget: { enabled: true, minAvailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" },
          topologySpreadConstraints: spreadAcrossNodesAndZones(METRICS_SERVER_POD_LABELS),
        }
      : {}),
  };
}

export interface MetricsServerArgs {
  /** Extra Helm values, merged last. */
  values: HelmValues;
  ctx: AddonContext;
  /** Whether the kubelets' serving certificates are signed by the cluster CA (default true). */
  kubeletCertsTrusted?: boolean;
}

/**
 * metrics-server in its own namespace (Pod Security restricted). No metrics endpoint: see
 * metricsServerValues (metrics-server's own metrics need an authorized HTTPS scrape).
 */
export class MetricsServer extends AddonComponent {
  constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:MetricsServer", name, opts);
    const { ctx } = args;
    const { release } = namespacedRelease({
      name,
      chart: "metricsServer",
      releaseName: METRICS_SERVER_RELEASE,
      namespace: METRICS_SERVER_NAMESPACE,
      podSecurity: "restricted",
      values: metricsServerValues(ctx.highAvailability, args.kubeletCertsTrusted ?? true),
      extraValues: args.values,
      ctx,
      parent: this,
    });
    this.publish({ namespace: METRICS_SERVER_NAMESPACE, release, metrics: [] });
  }
}
