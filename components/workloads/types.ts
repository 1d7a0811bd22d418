/** Typed settings of the workloads (apps), produced and validated by stacks/apps-config.ts. */
import * as pulumi from "@pulumi/pulumi";

export interface AppResources {
  requests: { cpu: string; memory: string };
  /** The memory limit is required; a CPU limit is optional (throttling hurts latency). */
  limits: { memory: string; cpu?: string };
}

export interface AppAutoscaling {
  minReplicas: number;
  maxReplicas: number;
  /** Average CPU utilization (percent of requests) the HPA keeps. */
  targetCpuUtilization: number;
  /** Optional average memory utilization target (percent of requests). */
  targetMemoryUtilization?: number;
}

/** A secret file the Vault Agent injector renders into /vault/secrets/<name>. */
export interface VaultSecret {
  name: string;
  /** Vault path, e.g. secret/data/shop/config. */
  path: string;
  /** Optional Consul-template; without it the agent writes the secret's data as JSON-ish text. */
  template?: string;
}

/** Extra egress an app may use beyond DNS (and Vault, added when it uses Vault). */
export interface EgressRule {
  /** A CIDR outside the cluster (exclusive with namespace). */
  cidr?: string;
  /** Another namespace of the cluster. */
  namespace?: string;
  ports: number[];
  protocol: "TCP" | "UDP";
}

export interface AppSettings {
  /** DNS-1123 label; names every object of the app. */
  name: string;
  /** Namespace the app runs in (its own by default; several apps may share one). */
  namespace: string;
  /** Image with a pinned tag or digest (never `latest`). */
  image: string;
  args: string[];
  /** Container port the app serves HTTP on. */
  port: number;
  /** ClusterIP Service port (→ port). */
  servicePort: number;
  replicas: number;
  resources: AppResources;
  env: Record<string, string>;
  /** Env vars from Pulumi secrets (stored in a Kubernetes Secret, referenced by the Deployment). */
  secretEnv: Record<string, pulumi.Output<string>>;
  /** Public host: an Ingress with TLS from the stack's ClusterIssuer. */
  host?: string;
  path: string;
  probes: { liveness: string; readiness: string };
  autoscaling?: AppAutoscaling;
  metrics?: { port: number; path: string };
  /** Paths mounted as emptyDir (the root filesystem is read-only). */
  writablePaths: string[];
  egress: EgressRule[];
  vault?: { role: string; secrets: VaultSecret[] };
  /**
   * Numeric user to run as, for images whose USER is a name (the kubelet cannot verify that a
   * named user is non-root, so runAsNonRoot alone would refuse to start them).
   */
  runAsUser?: number;
}

/** What the platform gives the workloads: the cluster's provider and the add-ons they use. */
export interface WorkloadContext {
  provider: import("@pulumi/kubernetes").Provider;
  /** Cluster readiness (node pools, …). */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  /** Production-grade defaults (spread, PDBs) — the platform's addons.highAvailability. */
  highAvailability: boolean;
  /** The cluster's Kubernetes minor ("1.34"): the namespaces' Pod Security versions are pinned to it. */
  kubernetesVersion: string;
  /**
   * The ingress controller: its IngressClass, its namespace (allowed in by NetworkPolicy) and which
   * controller it is (F5 NGINX needs HTTP-01 solved inside the app's own Ingress).
   */
  ingress?: { className: string; namespace: string; controller: "traefik" | "nginx" };
  /** The ClusterIssuer Ingress TLS certificates come from. */
  clusterIssuer?: string;
  /** Prometheus' namespace (allowed to scrape) and the release that installs the ServiceMonitor CRD. */
  monitoring?: { namespace: string; release: pulumi.Resource };
  /**
   * Vault: its address and namespace, the release whose injector must run before annotated pods
   * start, and (TLS in ha mode) the internal CA issuer whose ca.crt the agents must trust.
   */
  vault?: {
    address: string;
    namespace: string;
    release: pulumi.Resource;
    tls?: { issuerName: string; issuer: pulumi.Resource };
  };
}
