/**
 * What each target's cluster runs by itself that the platform's objects (and the charts') refer
 * to: the namespaces every cluster has, the API server's `kubernetes` Service, the cluster DNS pods
 * and the control-plane / kube-proxy pods where they are pods at all. `ports` are the ports other
 * pods can reach: a component whose metrics listen on 127.0.0.1 lists none.
 *
 * These are the test's own facts, each with its source, on purpose independent of the program's
 * per-target capabilities (components/cluster/capabilities.ts): the integrity check compares the
 * program's choices with them.
 */
import type { ClusterTarget } from "../../components/cluster/types";

export interface ClusterPort {
  name?: string;
  port: number;
  protocol?: "TCP" | "UDP";
}

export interface ClusterPods {
  namespace: string;
  /** The workload's name (for messages). */
  name: string;
  /** The labels selectors use (other labels may exist). */
  labels: Record<string, string>;
  ports: ClusterPort[];
  source: string;
}

export interface ClusterService {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ports: { name: string; port: number }[];
  /** What backs it (no selector: the API server writes its endpoints). */
  endpoints: string;
  source: string;
}

/** Namespaces the API server creates in every cluster (Kubernetes "Namespaces": initial namespaces). */
export const CLUSTER_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** default/kubernetes: labelled and maintained by kube-apiserver (pkg/controlplane/controller/kubernetesservice). */
export const API_SERVER_SERVICE: ClusterService = {
  namespace: "default",
  name: "kubernetes",
  labels: { component: "apiserver", provider: "kubernetes" },
  ports: [{ name: "https", port: 443 }],
  endpoints: "the API server",
  source: "kube-apiserver's kubernetes Service controller (every cluster)",
};

const DNS_PORTS: ClusterPort[] = [
  { name: "dns", port: 53, protocol: "UDP" },
  { name: "dns-tcp", port: 53, protocol: "TCP" },
];

/** CoreDNS: the `prometheus :9153` plugin of the default Corefile (CoreDNS "prometheus" plugin docs). */
function coreDns(source: string): ClusterPods {
  return {
    namespace: "kube-system",
    name: "coredns",
    labels: { "k8s-app": "kube-dns" },
    ports: [...DNS_PORTS, { name: "metrics", port: 9153, protocol: "TCP" }],
    source,
  };
}

/**
 * Legacy kube-dns (GKE Standard up to 1.35): kubedns serves metrics on 10055, the sidecar on 10054,
 * dnsmasq answers on 53; nothing listens on 9153. kubernetes/kubernetes
 * cluster/addons/dns/kube-dns/kube-dns.yaml.in; GKE "About kube-dns for GKE" (kube-dns is the
 * default DNS of Standard clusters; from 1.36 it is "kube-dns on CoreDNS": recheck then).
 */
const KUBE_DNS: ClusterPods = {
  namespace: "kube-system",
  name: "kube-dns",
  labels: { "k8s-app": "kube-dns" },
  ports: [
    ...DNS_PORTS,
    { name: "dns-local", port: 10053, protocol: "UDP" },
    { name: "dns-tcp-local", port: 10053, protocol: "TCP" },
    { name: "metrics", port: 10055, protocol: "TCP" },
    { name: "metrics", port: 10054, protocol: "TCP" },
  ],
  source: "GKE kube-dns: kubernetes/kubernetes cluster/addons/dns/kube-dns/kube-dns.yaml.in",
};

/** kube-proxy binds its metrics to 127.0.0.1:10249 unless configured (kube-proxy config v1alpha1, metricsBindAddress). */
function kubeProxy(source: string): ClusterPods {
  return {
    namespace: "kube-system",
    name: "kube-proxy",
    labels: { "k8s-app": "kube-proxy" },
    ports: [],
    source,
  };
}

/**
 * kubeadm's static control-plane pods (kind uses kubeadm): kube-controller-manager and
 * kube-scheduler run with --bind-address=127.0.0.1, etcd with
 * --listen-metrics-urls=http://127.0.0.1:2381 (kubeadm's generated manifests), so none of their
 * metrics are reachable from a pod.
 */
const KUBEADM_CONTROL_PLANE: ClusterPods[] = ["kube-controller-manager", "kube-scheduler", "etcd"].map(
  (component) => ({
    namespace: "kube-system",
    name: component,
    labels: { component, tier: "control-plane" },
    ports: [],
    source: "kubeadm static pod manifests (metrics bound to 127.0.0.1)",
  }),
);

/**
 * The pods each target runs by itself. Managed control planes (EKS, GKE, AKS, DOKS) run
 * kube-controller-manager, kube-scheduler and etcd outside the cluster: no pods. GKE (Dataplane V2)
 * and AKS (Azure CNI powered by Cilium) run no kube-proxy; DOKS's kube-proxy is not modelled (its
 * metrics would listen on 127.0.0.1 by default anyway). The existing target is modelled as kind.
 */
export const CLUSTER_PODS: Record<ClusterTarget, ClusterPods[]> = {
  eks: [
    coreDns(
      'EKS CoreDNS add-on: EKS user guide "Monitor Kubernetes DNS resolution with CoreDNS metrics" (port 9153)',
    ),
    kubeProxy("EKS kube-proxy add-on (kube-proxy-config: metricsBindAddress 127.0.0.1:10249)"),
  ],
  gke: [KUBE_DNS],
  aks: [coreDns('AKS docs "Customize CoreDNS with Azure Kubernetes Service" (CoreDNS since 1.12)')],
  doks: [coreDns('DigitalOcean "The Managed Elements of DigitalOcean Kubernetes" (CoreDNS, Cilium)')],
  existing: [
    coreDns("kubeadm's default DNS add-on (kind)"),
    kubeProxy("kubeadm's kube-proxy DaemonSet (kind)"),
    ...KUBEADM_CONTROL_PLANE,
  ],
};
