/**
 * What each target's cluster provides by itself, in one place: the cluster components publish the
 * metrics API and kubelet-certificate facts from it in their contract, the preflight hands it to the
 * deployability rules as the cluster's facts, and the monitoring add-on reads the cluster DNS.
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
  /**
   * The cluster DNS the cluster runs in kube-system (pods labelled k8s-app=kube-dns either way):
   * CoreDNS serves metrics on 9153, legacy kube-dns on 10054/10055 (what the monitoring add-on scrapes).
   */
  clusterDns: ClusterDns;
}

export type ClusterDns = "coredns" | "kube-dns";

/**
 * The managed targets. GKE and AKS run metrics-server themselves (GKE "Configuring horizontal Pod
 * autoscaling"; AKS "Metrics Server in AKS"); EKS and DOKS do not (EKS "Install the Kubernetes
 * Metrics Server"; DigitalOcean offers it as a 1-Click app). All four have cloud load balancers and
 * CA-signed kubelet serving certificates. Cluster DNS: GKE Standard runs kube-dns (GKE "About kube-dns
for GKE"; from 1.36 "kube-dns on CoreDNS": recheck its metrics then); EKS (EKS "Monitor Kubernetes DNS
resolution with CoreDNS metrics"), AKS ("Customize CoreDNS with Azure Kubernetes Service") and DOKS
("The Managed Elements of DigitalOcean Kubernetes") run CoreDNS.
 */
export const MANAGED_CAPABILITIES = {
  eks: {
    target: "eks",
    loadBalancer: true,
    metricsApi: false,
    kubeletCertsTrusted: true,
    clusterDns: "coredns",
  },
  gke: {
    target: "gke",
    loadBalancer: true,
    metricsApi: true,
    kubeletCertsTrusted: true,
    clusterDns: "kube-dns",
  },
  aks: {
    target: "aks",
    loadBalancer: true,
    metricsApi: true,
    kubeletCertsTrusted: true,
    clusterDns: "coredns",
  },
  doks: {
    target: "doks",
    loadBalancer: true,
    metricsApi: false,
    kubeletCertsTrusted: true,
    clusterDns: "coredns",
  },
} as const satisfies Record<Exclude<ClusterTarget, "existing">, ClusterCapabilities>;

/**
 * The annotations each target's cluster puts on LoadBalancer Services (its contract's
 * `loadBalancer.serviceAnnotations`, which the ingress controller's Service carries; stack config
 * refuses `addons.ingress.serviceAnnotations` of the same keys). EKS: the in-tree
 * (cloud-controller-manager) annotation that makes the load balancer an NLB (EKS user guide "Route
 * TCP and UDP traffic with Network Load Balancers"); the others' defaults need none.
 */
export const LOAD_BALANCER_SERVICE_ANNOTATIONS: Record<ClusterTarget, Readonly<Record<string, string>>> = {
  eks: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" },
  gke: {},
  aks: {},
  doks: {},
  existing: {},
};

/** The capabilities of the configured cluster: per target, or as declared for an existing cluster. */
export function capabilitiesOf(settings: ClusterSettings): ClusterCapabilities {
  if (settings.target !== "existing") return MANAGED_CAPABILITIES[settings.target];
  return {
    target: "existing",
    loadBalancer: settings.loadBalancer === "available",
    metricsApi: settings.hasMetricsApi,
    kubeletCertsTrusted: settings.kubeletServingCerts !== "selfSigned",
    clusterDns: clusterDnsOf("existing"),
  };
}

/**
 * The cluster DNS of a target. An existing cluster is taken to run CoreDNS, the default DNS add-on
 * of kubeadm (and so kind) since Kubernetes 1.13; an adopted GKE cluster needs the monitoring
 * values `coreDns.enabled: false, kubeDns.enabled: true`.
 */
export function clusterDnsOf(target: ClusterTarget): ClusterDns {
  return target === "existing" ? "coredns" : MANAGED_CAPABILITIES[target].clusterDns;
}
