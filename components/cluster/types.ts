import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Settings every cluster target receives. They are produced (and validated) by stacks/config.ts;
 * components never read Pulumi config or the environment themselves.
 */

/** The targets this platform supports. Adding one here without handling it fails to compile. */
export type ClusterTarget = "eks" | "gke" | "aks" | "doks" | "existing";

/** One autoscaling node pool. `machineType` is the cloud's own instance type / VM size / droplet slug. */
export interface NodePoolSettings {
  name: string;
  machineType: string;
  minNodes: number;
  maxNodes: number;
  /** Root disk size in GiB (ignored on DOKS, where the droplet size fixes it). */
  diskSizeGb: number;
  labels: Record<string, string>;
  /** Taints as `key=value:Effect` strings (Effect: NoSchedule | PreferNoSchedule | NoExecute). */
  taints: string[];
}

/** Settings shared by the managed targets. */
export interface ManagedClusterCommon {
  /** Name of the cluster in the cloud (DNS-1123 label). */
  clusterName: string;
  /** Kubernetes minor version, e.g. "1.34". Patch versions are chosen by the cloud. */
  kubernetesVersion: string;
  /** Protect the cluster, its network and its encryption key against `pulumi destroy`/replacement. */
  protect: boolean;
  /** Cloud tags / labels put on everything the target creates. */
  tags: Record<string, string>;
  nodePools: NodePoolSettings[];
}

// EKS's settings live with the target (eks/settings.ts); here for every importer of the settings.
export type { EksDeployerNetwork, EksSettings } from "./eks/settings";

export interface GkeSettings extends ManagedClusterCommon {
  project: string;
  region: string;
  nodesCidr: string;
  podsCidr: string;
  servicesCidr: string;
  masterCidr: string;
  masterAuthorizedNetworks: { name: string; cidr: string }[];
  releaseChannel: "RAPID" | "REGULAR" | "STABLE";
  deletionProtection: boolean;
}

export interface AksSettings extends ManagedClusterCommon {
  location: string;
  vnetCidr: string;
  nodeSubnetCidr: string;
  podCidr: string;
  serviceCidr: string;
  dnsServiceIp: string;
  authorizedIpRanges: string[];
  privateCluster: boolean;
  /**
   * The existing VNet `pulumi up` runs in, for a private cluster (required then): it is peered with the
   * cluster VNet both ways and linked to the cluster's private DNS zone. Same subscription as the cluster.
   */
  deployerNetwork?: { vnetId: string };
  skuTier: "Free" | "Standard" | "Premium";
  upgradeChannel: "patch" | "stable" | "rapid" | "node-image";
  disableLocalAccounts: boolean;
  /** Entra ID group object IDs that become cluster admins. */
  adminGroupObjectIds: string[];
  /**
   * Grant the identity that runs `pulumi up` "Azure Kubernetes Service RBAC Cluster Admin" on the cluster
   * (with Azure RBAC for Kubernetes nothing else gives it Kubernetes permissions). When false,
   * `adminGroupObjectIds` must hold a group of that identity.
   */
  grantDeployerClusterAdmin: boolean;
  /** The deployer's principal type for that grant; default: detected from the signed-in client. */
  deployerPrincipalType?: "User" | "ServicePrincipal";
  /** The weekly window for cluster (auto-upgrade channel) and node OS upgrades. */
  maintenanceWindow: AksMaintenanceWindow;
  /** The system pool (critical add-ons only); `nodePools` are the user pools. */
  systemPool: NodePoolSettings;
}

/** A weekly AKS planned-maintenance window. */
export interface AksMaintenanceWindow {
  /** Lowercase day of the week, e.g. "sunday". */
  day: string;
  /** "HH:MM" in `utcOffset`. */
  startTime: string;
  /** 4–24 (the AKS API range; auto-upgrade needs at least 4). */
  durationHours: number;
  /** "+HH:MM" / "-HH:MM". */
  utcOffset: string;
}

export interface DoksSettings extends ManagedClusterCommon {
  region: string;
  vpcCidr: string;
  highAvailability: boolean;
  autoUpgrade: boolean;
  surgeUpgrade: boolean;
  maintenanceWindow: { day: string; startTime: string };
  /**
   * Public CIDRs allowed through the control-plane firewall to the API server. Non-empty: the firewall is
   * on and only these reach the API (include the address `pulumi up` runs from); empty: the firewall is
   * off and the API server is open to the internet (dev only; the config refuses it in prod).
   */
  apiAllowedAddresses: string[];
}

export interface ExistingSettings {
  /** The adopted cluster's Kubernetes minor, e.g. "1.34" (declared: the program cannot read it). */
  kubernetesVersion: string;
  /** Kubeconfig contents, a Pulumi secret (the stack layer reads a configured path into it). */
  kubeconfig: pulumi.Output<string>;
  /** The kubeconfig context to use (default: the kubeconfig's current context). */
  context?: string;
  /** A display name for the adopted cluster. */
  clusterName: string;
  defaultStorageClass: string;
  loadBalancerAddressKind: LoadBalancerAddressKind;
  /**
   * "available": LoadBalancer Services get an address (a cloud, MetalLB, cloud-provider-kind);
   * "none": they never do (plain kind, minikube without `tunnel`), so the ingress runs behind a
   * NodePort Service on `ingressNodePorts`.
   */
  loadBalancer: "available" | "none";
  /** With loadBalancer "none": the fixed node ports of the ingress controller's Service. */
  ingressNodePorts: IngressNodePorts;
  /**
   * With loadBalancer "none": the address clients reach those ports at (an IP or a DNS name),
   * reported in every Ingress status and exported as loadBalancerAddress (kind: 127.0.0.1).
   */
  ingressAddress: string;
  /** Whether the cluster already serves the metrics API (metrics-server). */
  hasMetricsApi: boolean;
  /**
   * "trusted": kubelet serving certificates are signed by the cluster CA; "selfSigned" (kind,
   * kubeadm defaults): metrics-server must run with --kubelet-insecure-tls.
   */
  kubeletServingCerts: "trusted" | "selfSigned";
}

/** The node ports an ingress controller listens on where no LoadBalancer implementation exists. */
export interface IngressNodePorts {
  http: number;
  https: number;
}

import type { EksSettings } from "./eks/settings";

/** The cluster section of the stack config, discriminated by target. */
export type ClusterSettings =
  | ({ target: "eks" } & EksSettings)
  | ({ target: "gke" } & GkeSettings)
  | ({ target: "aks" } & AksSettings)
  | ({ target: "doks" } & DoksSettings)
  | ({ target: "existing" } & ExistingSettings);

/* ------------------------------------------------------------------------------------------ */
/* The contract every target returns.                                                         */
/* ------------------------------------------------------------------------------------------ */

/** Whether a LoadBalancer Service gets a DNS name (AWS) or an IP address (the others). */
export type LoadBalancerAddressKind = "hostname" | "ip";

/** A Kubernetes ServiceAccount that should act as a cloud identity. */
export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

/** The result of binding a ServiceAccount to a cloud identity. */
export interface BoundIdentity {
  /** Annotations to put on the ServiceAccount (IRSA role ARN, GSA email, Azure client id). */
  serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
  /** Labels the pods need (Azure workload identity requires `azure.workload.identity/use`). */
  podLabels: Record<string, string>;
  /** The cloud principal: IAM role ARN, Google service account email, or managed identity principal id. */
  principal: pulumi.Output<string>;
}

/** How this target binds ServiceAccounts to cloud identities (EKS Pod Identity, IRSA, Workload Identity). */
export interface WorkloadIdentity {
  mechanism: "eks-pod-identity" | "irsa" | "gke-workload-identity" | "azure-workload-identity";
  /**
   * Creates a cloud identity that only `sa` can assume. `name` must be unique within the
   * platform; the identity's resources are children of `parent`.
   */
  bindServiceAccount(name: string, sa: ServiceAccountRef, parent: pulumi.Resource): BoundIdentity;
}

/** A Vault `seal` stanza: the seal type and its attributes. */
export interface SealStanza {
  type: "awskms" | "gcpckms" | "azurekeyvault";
  attributes: Record<string, string>;
}

/** The cloud KMS that can auto-unseal Vault. */
export interface UnsealKms {
  /**
   * Creates a key usable only by `identity` (from the same cluster's WorkloadIdentity) and returns
   * the Vault seal stanza that uses it. The key is protected when the cluster is.
   */
  createUnsealKey(name: string, identity: BoundIdentity, parent: pulumi.Resource): pulumi.Output<SealStanza>;
}

/* ------------------------------------------------------------------------------------------ */
/* DNS: where external-dns publishes records and cert-manager solves DNS-01 challenges.      */
/* ------------------------------------------------------------------------------------------ */

/** The cloud DNS services a workload identity reaches (external-dns's provider names). */
export type CloudDnsProvider = "aws" | "google" | "azure";
/** DNS services reached with an API token (a Pulumi secret), where the target has no cloud identity. */
export type TokenDnsProvider = "digitalocean" | "cloudflare";
export type DnsProvider = CloudDnsProvider | TokenDnsProvider;

/** A DNS zone the platform manages records in (it must exist; the platform never creates zones). */
export interface DnsZone {
  /** The zone's DNS name ("example.com", no trailing dot). */
  name: string;
  /**
   * The cloud's handle of the zone: the Route 53 hosted zone id (aws), the Cloud DNS managed-zone
   * name (google), the resource group of the Azure DNS zone (azure); absent for token providers.
   */
  id?: string;
}

/** Which program a DNS identity is for: they make different API calls, so their grants differ. */
export type DnsClient = "external-dns" | "cert-manager";

/** What a DNS client needs besides its identity to address the cloud's DNS API. */
export type CloudDnsFacts =
  /** `region`: the cluster's (the Route 53 client's credential scope hint). */
  | { provider: "aws"; region: string }
  | { provider: "google"; project: string }
  | {
      provider: "azure";
      tenantId: pulumi.Output<string>;
      subscriptionId: pulumi.Output<string>;
      /** The managed identity's client id (cert-manager's azureDNS.managedIdentity.clientID). */
      clientId: pulumi.Output<string>;
    };

/** A ServiceAccount bound to a cloud identity allowed to manage records in exactly the given zones. */
export interface DnsIdentity extends BoundIdentity {
  facts: CloudDnsFacts;
}

/** The target's cloud DNS, reached through a workload identity (Route 53, Cloud DNS, Azure DNS). */
export interface CloudDnsTarget {
  kind: "cloud";
  provider: CloudDnsProvider;
  /**
   * Creates a cloud identity only `sa` can assume, granted what `client` needs on exactly `zones`
   * (each with its `id`) and nothing else. `name` must be unique within the platform; the identity's
   * resources are children of `parent`. The annotations resolve once the grants exist.
   */
  bindServiceAccount(
    name: string,
    sa: ServiceAccountRef,
    zones: DnsZone[],
    client: DnsClient,
    parent: pulumi.Resource,
  ): DnsIdentity;
}

/** A target without a cloud identity: DNS through an API token from the stack's `secrets`. */
export interface TokenDnsTarget {
  kind: "token";
  /** The token-based services this target may use (DOKS: DigitalOcean; an existing cluster: either). */
  providers: readonly TokenDnsProvider[];
}

/** How a target's workloads reach a DNS service. */
export type DnsTarget = CloudDnsTarget | TokenDnsTarget;

/**
 * The DNS of the targets without a workload identity (doks.ts and existing.ts publish these; stack
 * config checks `addons.dns.provider` against them): DOKS, DigitalOcean DNS (the account's domains);
 * an adopted cluster, the token services external-dns and cert-manager both serve (DigitalOcean
 * through external-dns's webhook, Cloudflare in-tree).
 */
export const TOKEN_DNS: Readonly<Record<"doks" | "existing", TokenDnsTarget>> = {
  doks: { kind: "token", providers: ["digitalocean"] },
  existing: { kind: "token", providers: ["cloudflare", "digitalocean"] },
};

/** What the EKS cluster-autoscaler needs to discover and scale the node groups. */
export interface ClusterAutoscalerTarget {
  clusterName: pulumi.Output<string>;
  region: string;
  /** The cluster's Kubernetes minor, e.g. "1.34": cluster-autoscaler's image follows it. */
  kubernetesVersion: string;
  /** ARNs of the Auto Scaling groups behind the node groups (the IAM policy is scoped to them). */
  autoScalingGroupArns: pulumi.Output<string[]>;
  /**
   * Binds the cluster-autoscaler's ServiceAccount to a cloud identity allowed to scale exactly
   * this cluster's node groups (and to read what auto-discovery needs).
   */
  bindServiceAccount(name: string, sa: ServiceAccountRef, parent: pulumi.Resource): BoundIdentity;
}

interface LoadBalancerCommon {
  addressKind: LoadBalancerAddressKind;
  /** Annotations for LoadBalancer Services (e.g. NLB on AWS). */
  serviceAnnotations: Record<string, string>;
  /**
   * `spec.loadBalancerClass` of LoadBalancer Services: the controller that serves them (EKS: the
   * AWS Load Balancer Controller's `service.k8s.aws/nlb`); absent: the cluster's default one.
   */
  loadBalancerClass?: string;
  /**
   * Labels for the namespace of the pods behind LoadBalancer Services (the ingress controller's), set
   * next to its Pod Security labels (EKS: the AWS Load Balancer Controller's pod readiness gate,
   * eks/load-balancer-controller/controller.ts); absent: none.
   */
  controllerNamespaceLabels?: Record<string, string>;
}

/**
 * How traffic reaches the ingress controller. `available` absent or true: LoadBalancer Services
 * get an address (every cloud target). false: the cluster has no LoadBalancer implementation (Helm
 * would wait for an address forever), so the controller runs behind a NodePort Service on
 * `nodePorts` and reports `address` in Ingress status.
 */
export type ClusterLoadBalancer =
  | (LoadBalancerCommon & { available?: true })
  | (LoadBalancerCommon & { available: false; nodePorts: IngressNodePorts; address: string });

/** The one contract between a cluster target and everything installed on it. */
export interface ManagedCluster {
  target: ClusterTarget;
  /** Cloud name of the cluster. */
  clusterName: pulumi.Output<string>;
  /** Region / location, or "" for an existing cluster. */
  region: string;
  /** The Kubernetes minor the stack config declares, e.g. "1.34" (Pod Security versions are pinned to it). */
  kubernetesVersion: string;
  /** Kubeconfig (always a Pulumi secret). */
  kubeconfig: pulumi.Output<string>;
  /** The Kubernetes provider every in-cluster resource must use. */
  provider: k8s.Provider;
  /** Resources in-cluster objects must wait for (node pools, networking and DNS add-ons). */
  ready: pulumi.Resource[];
  /**
   * What workloads with persistent volumes must additionally wait for (a CSI driver and the
   * default StorageClass the target installs); empty where the cloud ships them.
   */
  storageReady: pulumi.Resource[];
  /** The StorageClass that is the cluster default. */
  defaultStorageClass: pulumi.Output<string>;
  loadBalancer: ClusterLoadBalancer;
  /** Whether the cluster serves the metrics API already (else metrics-server must be installed). */
  hasMetricsApi: boolean;
  /**
   * Whether kubelet serving certificates are signed by the cluster CA (absent: true, as on every
   * managed target); false: metrics-server runs with --kubelet-insecure-tls.
   */
  kubeletCertsTrusted?: boolean;
  /**
   * "native": the cloud scales node pools itself; "cluster-autoscaler": it must be installed;
   * "karpenter": the target runs Karpenter (EKS), which launches nodes for pending pods: no
   * cluster-autoscaler, and Karpenter's NodePools are in `ready`.
   */
  nodeAutoscaling:
    { kind: "native" } | ({ kind: "cluster-autoscaler" } & ClusterAutoscalerTarget) | { kind: "karpenter" };
  /** Cloud identity for ServiceAccounts, or undefined where the target has none (DOKS, existing). */
  workloadIdentity?: WorkloadIdentity;
  /** Cloud KMS for Vault auto-unseal, or undefined (Shamir unseal) where the target has none. */
  unsealKms?: UnsealKms;
  /** How external-dns and cert-manager's DNS-01 solver reach the DNS service. */
  dns: DnsTarget;
}

/** Options every cluster component accepts besides its settings. */
export type ClusterComponentOptions = pulumi.ComponentResourceOptions;

/** Compile-time exhaustiveness check for discriminated unions. */
export function assertNever(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
