/**
 * What the platform's NetworkPolicies must know about each cluster target (where the cluster DNS
 * runs, on which port pods reach the API server) and about each workload identity mechanism (the
 * link-local endpoints a pod with a cloud identity needs besides the cloud's HTTPS APIs).
 */
import type { ClusterTarget, WorkloadIdentity } from "../../cluster/types";
import { Selector } from "./groups";

export interface TargetNetwork {
  /** The cluster DNS pods (kube-system), reached on UDP and TCP 53. */
  dns: { namespace: string; selector: Selector; source: string };
  /**
   * The API server's ports as the pods' packets carry them. The API server is no pod: on the
   * managed clouds it runs outside the cluster's network (EKS endpoint ENIs or public addresses,
   * GKE's control-plane range, AKS's and DOKS's managed endpoints) and on kind/kubeadm it is the
   * control-plane node's host network. A podSelector cannot select it, and its addresses are not
   * in the cluster contract (EKS public endpoints even change), so the rule is the port to any
   * address. `default/kubernetes` is 443 → the endpoint's port: 443 on the managed clouds, 6443
   * on kubeadm (kind) — both for an existing cluster, since implementations evaluate policies
   * before (Cilium socket LB) or after (iptables DNAT) the Service translation.
   */
  apiServerPorts: number[];
}

/** A link-local address (a /32) and TCP port a pod with a cloud identity gets its credentials from. */
export interface IdentityEndpoint {
  cidr: string;
  port: number;
  what: string;
}

/**
 * The link-local endpoints of each workload identity mechanism (the contract's
 * `workloadIdentity.mechanism`), beyond the cloud's APIs on 443.
 * - GKE Workload Identity: the GKE metadata server answers on 169.254.169.254:80 and
 *   169.254.169.252:988 (GKE "About Workload Identity Federation for GKE", restrictions with network
 *   policies).
 * - EKS Pod Identity: the agent on every node listens on 169.254.170.23 (EKS user guide "Set up the
 *   Amazon EKS Pod Identity Agent", considerations; the cluster is IPv4, so not its [fd00:ec2::23]),
 *   and the pods' AWS_CONTAINER_CREDENTIALS_FULL_URI is http://169.254.170.23/v1/credentials: port 80
 *   (aws/amazon-eks-pod-identity-webhook main.go, --container-credentials-full-uri). The agent is no
 *   platform pod: only the calling pod's egress is the platform's to allow.
 * - EKS IRSA and AKS workload identity exchange the projected token with STS / Entra ID over HTTPS.
 */
export const IDENTITY_ENDPOINTS: Readonly<Record<WorkloadIdentity["mechanism"], IdentityEndpoint[]>> = {
  "eks-pod-identity": [{ cidr: "169.254.170.23/32", port: 80, what: "the node's EKS Pod Identity agent" }],
  irsa: [],
  "gke-workload-identity": [
    { cidr: "169.254.169.254/32", port: 80, what: "the node's metadata server" },
    { cidr: "169.254.169.252/32", port: 988, what: "the node's metadata server" },
  ],
  "azure-workload-identity": [],
};

/**
 * The cluster DNS pods are labelled `k8s-app=kube-dns` on every target: CoreDNS as the EKS add-on,
 * on AKS, DOKS and kubeadm/kind (upstream kubernetes cluster/addons/dns/coredns/coredns.yaml.base
 * and coredns/deployment keep the kube-dns label), and legacy kube-dns on GKE Standard (kube-dns.yaml.in).
 * GKE's Cloud DNS (not enabled by components/cluster/gke) would answer on 169.254.169.254:53
 * instead, and NodeLocal DNSCache (enabled nowhere) on 169.254.20.10: neither is a pod to select.
 */
const KUBE_DNS = (source: string): TargetNetwork["dns"] => ({
  namespace: "kube-system",
  selector: { matchLabels: { "k8s-app": "kube-dns" } },
  source,
});

export const TARGET_NETWORK: Readonly<Record<ClusterTarget, TargetNetwork>> = {
  eks: {
    dns: KUBE_DNS("EKS CoreDNS add-on"),
    apiServerPorts: [443],
  },
  gke: {
    dns: KUBE_DNS("GKE Standard kube-dns"),
    apiServerPorts: [443],
  },
  aks: {
    dns: KUBE_DNS("AKS CoreDNS"),
    apiServerPorts: [443],
  },
  doks: {
    dns: KUBE_DNS("DOKS CoreDNS"),
    apiServerPorts: [443],
  },
  existing: {
    dns: KUBE_DNS("kubeadm's CoreDNS (kind)"),
    apiServerPorts: [443, 6443],
  },
};
