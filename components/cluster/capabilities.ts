/**
 * What each target's cluster provides by itself, in one place: the cluster components report it in
 * their contract and the deployability rules (rules/deployability.ts) check the stack against it.
 */
import type { ClusterSettings, ClusterTarget } from "./types";

export interface ClusterCapabilities {
  target: ClusterTarget;
  /** LoadBalancer Services get an address (the cloud's load balancers, MetalLB, cloud-provider-kind, …). */
  loadBalancer: boolean;
  /** The metrics API (metrics.k8s.io) is served without the platform's metrics-server. */
  metricsApi: boolean;
  /** Kubelet serving certificates are signed by the cluster CA (metrics-server can verify them). */
  kubeletCertsTrusted: boolean;
}

/**
 * The managed targets. GKE and AKS run metrics-server themselves (GKE "Configuring horizontal Pod
 * autoscaling"; AKS "Metrics Server in AKS"); EKS and DOKS do not (EKS "Install the Kubernetes
 * Metrics Server"; DigitalOcean offers it as a 1-Click app). All four have cloud load balancers and
 * CA-signed kubelet serving certificates.
 */
export const MANAGED_CAPABILITIES = {
  eks: { target: "eks", loadBalancer: true, metricsApi: false, kubeletCertsTrusted: true },
  gke: { target: "gke", loadBalancer: true, metricsApi: true, kubeletCertsTrusted: true },
  aks: { target: "aks", loadBalancer: true, metricsApi: true, kubeletCertsTrusted: true },
  doks: { target: "doks", loadBalancer: true, metricsApi: false, kubeletCertsTrusted: true },
} as const satisfies Record<Exclude<ClusterTarget, "existing">, ClusterCapabilities>;

/** The capabilities of the configured cluster: per target, or as declared for an existing cluster. */
export function capabilitiesOf(settings: ClusterSettings): ClusterCapabilities {
  if (settings.target !== "existing") return MANAGED_CAPABILITIES[settings.target];
  return {
    target: "existing",
    loadBalancer: settings.loadBalancer === "available",
    metricsApi: settings.hasMetricsApi,
    kubeletCertsTrusted: settings.kubeletServingCerts !== "selfSigned",
  };
}
