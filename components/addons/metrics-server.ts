/** metrics-server: the resource metrics API (metrics.k8s.io) behind HPA and `kubectl top`. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  AddonContext,
  MetricsEndpoint,
  addonNamespace,
  chartRelease,
  resources,
  spreadAcrossNodesAndZones,
} from "./base";
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
 * metrics-server 3.13.x values. The chart's container security context (non-root 1000, read-only
 * root filesystem, no capabilities, no privilege escalation, seccomp RuntimeDefault) satisfies Pod
 * Security "restricted". Kubelet certificates are verified where the cluster CA signs them (every
 * managed cloud). Where kubelets serve self-signed certificates (kind, kubeadm defaults) metrics-server
 * cannot scrape them and never becomes ready, failing the release: its README ("Requirements")
 * names --kubelet-insecure-tls for that case, added to the chart's `args` (after its `defaultArgs`).
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

/** metrics-server in its own namespace (Pod Security restricted). */
export class MetricsServer extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly release: k8s.helm.v3.Release;
  /** None: see metricsServerValues (metrics-server's own metrics need an authorized HTTPS scrape). */
  readonly metrics: MetricsEndpoint[] = [];

  constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:MetricsServer", name, {}, opts);
    const { ctx } = args;
    const namespace = addonNamespace(name, METRICS_SERVER_NAMESPACE, "restricted", ctx, this);
    this.release = chartRelease(
      name,
      "metricsServer",
      METRICS_SERVER_RELEASE,
      namespace,
      metricsServerValues(ctx.highAvailability, args.kubeletCertsTrusted ?? true),
      args.values,
      ctx,
      this,
    );
    this.namespace = METRICS_SERVER_NAMESPACE;
    this.registerOutputs({ namespace: this.namespace });
  }
}
