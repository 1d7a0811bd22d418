/** Typed settings of the workloads (apps), produced and validated by stacks/apps-config.ts. */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AddonServices } from "../addons/contract";
import type { IssuerName } from "../kube/conventions";

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
  /**
   * Values the platform writes to `path` (KV v2) when it holds no secret yet (field → value, from
   * the `secrets` config: Pulumi secrets); a value already in Vault is never overwritten.
   */
  initial?: Record<string, pulumi.Output<string>>;
}

/** The ports of an egress rule. */
interface EgressPorts {
  ports: number[];
  protocol: "TCP" | "UDP";
}

/**
 * Extra egress an app may use beyond DNS (and Vault, added when it uses Vault): to a CIDR outside
 * the cluster, or to another namespace of the cluster.
 */
export type EgressRule =
  (EgressPorts & { kind: "cidr"; cidr: string }) | (EgressPorts & { kind: "namespace"; namespace: string });

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
  /** Public host ("*.example.com": a wildcard): an Ingress with TLS from the app's ClusterIssuer. */
  host?: string;
  /** The ClusterIssuer of the host's certificate; default: the platform's (addons.certManager.defaultIssuer). */
  issuer?: IssuerName;
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

/**
 * What the platform gives the workloads: the cluster's provider and readiness, and what the
 * installed add-ons hand them (AddonServices: ingress, ClusterIssuer, monitoring, Vault).
 */
export interface WorkloadContext extends AddonServices {
  provider: k8s.Provider;
  /** Cluster readiness (node pools, …). */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  /** Production-grade defaults (spread, PDBs) — the platform's addons.highAvailability. */
  highAvailability: boolean;
  /** The cluster's Kubernetes minor ("1.34"): the namespaces' Pod Security versions are pinned to it. */
  kubernetesVersion: string;
}
