/**
 * Deployability rules about what the add-ons need from the cluster: admission webhooks the control
 * plane can reach, a LoadBalancer implementation for LoadBalancer Services, a metrics API for HPAs,
 * and metrics-server's kubelet TLS. Each names its source.
 */
import {
  OPEN_CIDRS,
  ResourceUnderTest,
  Violation,
  get,
  isTrue,
  list,
  rec,
  recs,
  str,
  strings,
} from "./types";
import { GKE_CLUSTER } from "./cluster";
import { WEBHOOK_PORTS, chartName } from "./webhooks";
import { loadBalancerValues } from "./load-balancer-services";
import {
  GCP_FIREWALL,
  GKE_CONTROL_PLANE_PORTS,
  HELM_RELEASE,
  HPA,
  SERVICE,
  ofType,
  stackRule,
} from "./deployability-base";

/* ------------------------------------------------------------------------------------------ */
/* Admission webhooks reachable from the control plane                                        */
/* ------------------------------------------------------------------------------------------ */

/** Whether a GCP firewall rule lets `source` (a CIDR) reach tcp `port` (allow rules, ingress). */
function gcpFirewallAllows(fw: ResourceUnderTest, source: string, port: number): boolean {
  const i = rec(fw.inputs);
  if (str(i.direction) && String(i.direction).toUpperCase() !== "INGRESS") return false;
  if (isTrue(i.disabled)) return false;
  const sources = strings(i.sourceRanges);
  if (!sources.includes(source) && !sources.some((s) => OPEN_CIDRS.includes(s))) return false;
  return recs(i.allows).some((a) => {
    const proto = String(a.protocol ?? "").toLowerCase();
    if (proto === "all") return true;
    if (proto !== "tcp") return false;
    const ports = strings(list(a.ports).map(String));
    if (ports.length === 0) return true;
    return ports.some((p) => {
      const [lo, hi] = p.split("-").map(Number);
      return lo <= port && port <= (hi ?? lo);
    });
  });
}

export const deployWebhooksReachable = stackRule({
  id: "deploy-webhooks-reachable",
  description:
    "on GKE private nodes every admission webhook and aggregated API serves on a port the control plane can reach",
  source: "GKE private clusters, 'Adding firewall rules for specific use cases' (tcp 443 and 10250 only)",
  types: [GKE_CLUSTER, GCP_FIREWALL, HELM_RELEASE],
  check(all, _ctx, v) {
    const clusters = ofType(all, GKE_CLUSTER).filter((c) =>
      isTrue(get(c.inputs, "privateClusterConfig.enablePrivateNodes")),
    );
    if (clusters.length === 0) return [];
    const out: Violation[] = [];
    const firewalls = ofType(all, GCP_FIREWALL);
    for (const cluster of clusters) {
      const master = str(get(cluster.inputs, "privateClusterConfig.masterIpv4CidrBlock")) ?? "";
      for (const release of ofType(all, HELM_RELEASE)) {
        const ports = WEBHOOK_PORTS[chartName(release.inputs.chart)]?.(rec(release.inputs.values)) ?? [];
        for (const w of ports) {
          if (GKE_CONTROL_PLANE_PORTS.includes(w.port)) continue;
          if (firewalls.some((fw) => gcpFirewallAllows(fw, master, w.port))) continue;
          out.push(
            v(
              release,
              `${w.what} serves on tcp ${w.port}, which GKE's control plane cannot reach on private nodes ` +
                `(only ${GKE_CONTROL_PLANE_PORTS.join(" and ")}): serve it on one of those (${w.key}) or add a ` +
                `firewall rule from ${master || "the control-plane range"} to the nodes on tcp ${w.port}`,
            ),
          );
        }
      }
    }
    return out;
  },
});

/* ------------------------------------------------------------------------------------------ */
/* A LoadBalancer implementation exists for LoadBalancer Services                             */
/* ------------------------------------------------------------------------------------------ */

export const deployLoadBalancerAvailable = stackRule({
  id: "deploy-loadbalancer-available",
  description:
    "no Service of type LoadBalancer on a cluster without a LoadBalancer implementation (Helm's wait never ends)",
  source: "Kubernetes Service type LoadBalancer; Helm ready.go waits for the LoadBalancer ingress address",
  types: [SERVICE, HELM_RELEASE],
  check(all, ctx, v) {
    if (!ctx.cluster || ctx.cluster.loadBalancer) return [];
    const out: Violation[] = [];
    for (const s of ofType(all, SERVICE)) {
      if (get(s.inputs, "spec.type") === "LoadBalancer") {
        out.push(
          v(
            s,
            "is of type LoadBalancer but the cluster has none (cluster.loadBalancer: none): it never gets an " +
              "address; use a NodePort Service, or install MetalLB / cloud-provider-kind and set " +
              "cluster.loadBalancer: available",
          ),
        );
      }
    }
    // Every chart value that makes a LoadBalancer Service (./load-balancer-services.ts).
    for (const r of ofType(all, HELM_RELEASE)) {
      for (const lb of loadBalancerValues(chartName(r.inputs.chart), rec(r.inputs.values))) {
        out.push(
          v(
            r,
            `creates a LoadBalancer Service (${lb.key}: LoadBalancer${lb.byDefault ? ", the chart's default" : ""}) ` +
              "but the cluster has no LoadBalancer implementation (cluster.loadBalancer: none): the release would " +
              `wait for an address until it times out and rolls back; ${lb.fix}, or install MetalLB / ` +
              "cloud-provider-kind and set cluster.loadBalancer: available",
          ),
        );
      }
    }
    return out;
  },
});

/* ------------------------------------------------------------------------------------------ */
/* The metrics API for HPAs, and metrics-server's kubelet TLS                                 */
/* ------------------------------------------------------------------------------------------ */

export const deployMetricsApi = stackRule({
  id: "deploy-metrics-api",
  description: "HorizontalPodAutoscalers have a metrics API (the cluster's own or a metrics-server release)",
  source: "Kubernetes 'Horizontal Pod Autoscaling' (resource metrics come from the metrics.k8s.io API)",
  types: [HPA, HELM_RELEASE],
  check(all, ctx, v) {
    if (!ctx.cluster || ctx.cluster.metricsApi) return [];
    const hpas = ofType(all, HPA);
    if (hpas.length === 0) return [];
    const server = ofType(all, HELM_RELEASE).some((r) => chartName(r.inputs.chart) === "metrics-server");
    if (server) return [];
    return hpas.map((h) =>
      v(
        h,
        "scales on CPU but the cluster serves no metrics API: enable addons.metricsServer (or set " +
          "cluster.hasMetricsApi: true if the cluster has one)",
      ),
    );
  },
});

export const deployKubeletTls = stackRule({
  id: "deploy-kubelet-tls",
  description: "metrics-server accepts the kubelets' serving certificates (kind's are self-signed)",
  source:
    "metrics-server README, 'Requirements' (--kubelet-insecure-tls for self-signed kubelet certificates)",
  types: [HELM_RELEASE],
  check(all, ctx, v) {
    if (!ctx.cluster || ctx.cluster.kubeletCertsTrusted) return [];
    return ofType(all, HELM_RELEASE)
      .filter((r) => chartName(r.inputs.chart) === "metrics-server")
      .filter((r) => !strings(get(r.inputs, "values.args")).includes("--kubelet-insecure-tls"))
      .map((r) =>
        v(
          r,
          "the kubelets' serving certificates are self-signed (cluster.kubeletServingCerts: selfSigned) and " +
            "metrics-server runs without --kubelet-insecure-tls: it never becomes ready; keep the flag in " +
            "addons.metricsServer.values.args (it replaces the list the platform sets)",
        ),
      );
  },
});
