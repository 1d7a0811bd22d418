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
 * The annotations each target's cluster puts on LoadBalancer Services whatever the stack config (its
 * contract's `loadBalancer.serviceAnnotations`, which the ingress controller's Service carries; stack
 * config refuses `addons.ingress.serviceAnnotations` of the same keys). EKS: an NLB of the AWS Load
 * Balancer Controller (eks/load-balancer-controller/) with IP targets: `external` makes the in-tree
 * cloud provider ignore the Service and the controller take it, `ip` registers the pods' VPC
 * addresses as targets, so traffic reaches the pods without a node port (aws-load-balancer-controller
 * docs/guide/service/nlb.md, "With `service.beta.kubernetes.io/aws-load-balancer-type` annotation",
 * and annotations.md "nlb-target-type"; the Service also names the controller's class,
 * AWS_LOAD_BALANCER_CLASS). The others' defaults need none.
 */
export const LOAD_BALANCER_SERVICE_ANNOTATIONS: Record<ClusterTarget, Readonly<Record<string, string>>> = {
  eks: {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
  },
  gke: {},
  aks: {},
  doks: {},
  existing: {},
};

/**
 * The class of the AWS Load Balancer Controller's NLBs, its `--load-balancer-class` default: a
 * LoadBalancer Service with it is the controller's, and the in-tree cloud provider ignores it
 * (aws-load-balancer-controller docs/guide/service/nlb.md, "With LoadBalancerClass").
 */
export const AWS_LOAD_BALANCER_CLASS = "service.k8s.aws/nlb";

/** The Service annotations of an EKS NLB whose value comes from stack config. */
export const EKS_SCHEME_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-scheme";
export const EKS_TARGET_GROUP_ATTRIBUTES_ANNOTATION =
  "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes";
/**
 * The in-tree provider's `internal` annotation, deprecated in the controller, whose scheme
 * annotation wins over it (annotations.md "lb-internal"): a stack that set it for an internal NLB
 * would get an internet-facing one, so config refuses it on EKS for cluster.loadBalancerScheme.
 */
export const EKS_INTERNAL_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-internal";

/**
 * Annotation keys the target sets from a stack config key (annotation → the config key), which
 * `addons.ingress.serviceAnnotations` may not hold either.
 */
export const CONFIGURED_SERVICE_ANNOTATIONS: Record<ClusterTarget, Readonly<Record<string, string>>> = {
  eks: {
    [EKS_SCHEME_ANNOTATION]: "cluster.loadBalancerScheme",
    [EKS_TARGET_GROUP_ATTRIBUTES_ANNOTATION]: "cluster.loadBalancerScheme",
    [EKS_INTERNAL_ANNOTATION]: "cluster.loadBalancerScheme",
  },
  gke: {},
  aks: {},
  doks: {},
  existing: {},
};

/**
 * The EKS ingress NLB's annotations for a scheme (cluster.loadBalancerScheme): the fixed ones, the
 * scheme (the controller's default is `internal`: docs/guide/service/nlb.md, "Secure by default"),
 * and client IP preservation, off by default for IP targets (annotations.md "target-group-attributes";
 * Elastic Load Balancing user guide, "Edit target group attributes for your Network Load Balancer":
 * IP type TCP target groups disabled). Internet-facing keeps the clients' addresses as the in-tree
 * NLB's instance targets did; internal does not: with client IP preservation an internal NLB does not
 * support a client that is also behind it (ELB user guide, "Troubleshoot your Network Load Balancer",
 * loopback-timeout: source and destination are the same), and with IP targets a pod calling the
 * internal NLB that lands on an ingress pod of its own node gets the answer from that pod's address,
 * not the NLB's. So behind an internal NLB the ingress sees the NLB's private addresses.
 */
export function eksLoadBalancerServiceAnnotations(
  scheme: "internet-facing" | "internal",
): Record<string, string> {
  return {
    ...LOAD_BALANCER_SERVICE_ANNOTATIONS.eks,
    [EKS_SCHEME_ANNOTATION]: scheme,
    [EKS_TARGET_GROUP_ATTRIBUTES_ANNOTATION]: `preserve_client_ip.enabled=${scheme === "internet-facing"}`,
  };
}

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
