import * as digitalocean from "@pulumi/digitalocean";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterComponent } from "./contract";
import { ClusterComponentOptions, DoksSettings, NodePoolSettings, TOKEN_DNS } from "./types";
import { keepsANodeProblems } from "../shared/node-pools";
import { Taint, assertNodePools, parseTaint } from "./shared";
import { LOAD_BALANCER_SERVICE_ANNOTATIONS, MANAGED_CAPABILITIES } from "./capabilities";

/* ------------------------------------------------------------------------------------------ */
/* Pure helpers (exported for tests).                                                          */
/* ------------------------------------------------------------------------------------------ */

/**
 * DigitalOcean tags are plain names (letters, digits, `_`, `-`, `:`; at most 255 characters), so
 * `{team: "platform"}` becomes `team:platform`. Keys starting with `k8s` / `terraform:` are dropped:
 * the provider filters such tags out when it reads them back, which would show as a permanent diff.
 */
export function doTags(tags: Record<string, string>): string[] {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_:-]/g, "-");
  return Object.entries(tags)
    .map(([k, v]) => clean(v ? `${k}:${v}` : k).slice(0, 255))
    .filter((t) => t !== "" && t !== "k8s" && !t.startsWith("k8s:") && !t.startsWith("terraform:"))
    .sort();
}

/** The `versionPrefix` that selects the patch releases of a minor ("1.34" → "1.34."). */
export function doksVersionPrefix(minor: string): string {
  if (!/^\d+\.\d+$/.test(minor))
    throw new Error(`kubernetesVersion must be "<major>.<minor>", got "${minor}"`);
  return `${minor}.`;
}

/** The arguments `doctl kubernetes cluster kubeconfig save` writes into the exec user (doctl source). */
export function doctlExecArgs(clusterId: string): string[] {
  return ["kubernetes", "cluster", "kubeconfig", "exec-credential", "--version=v1beta1", clusterId];
}

/**
 * A kubeconfig whose user runs `doctl kubernetes cluster kubeconfig exec-credential` for a fresh token on
 * every connection, instead of the 7-day token the provider stores (pulumi-digitalocean #77, #312). doctl
 * authenticates with its current context or DIGITALOCEAN_ACCESS_TOKEN. Nothing in it changes when tokens
 * rotate. `caCertificate` is the base64 PEM from `kubeConfigs[0].clusterCaCertificate`. JSON (valid YAML).
 */
export function doksExecKubeconfig(args: {
  clusterName: string;
  clusterId: string;
  endpoint: string;
  caCertificate: string;
}): string {
  const user = `${args.clusterName}-doctl`;
  return JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: args.clusterName,
          cluster: { server: args.endpoint, "certificate-authority-data": args.caCertificate },
        },
      ],
      contexts: [{ name: args.clusterName, context: { cluster: args.clusterName, user } }],
      "current-context": args.clusterName,
      users: [
        {
          name: user,
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "doctl",
              args: doctlExecArgs(args.clusterId),
              interactiveMode: "Never",
              provideClusterInfo: false,
              installHint:
                "doctl is required (https://docs.digitalocean.com/reference/doctl/how-to/install/), " +
                "authenticated with `doctl auth init` or DIGITALOCEAN_ACCESS_TOKEN.",
            },
          },
        },
      ],
    },
    null,
    2,
  );
}

/** One DOKS node pool: always autoscaled between minNodes and maxNodes. */
export interface DoksPoolArgs {
  name: string;
  size: string;
  autoScale: true;
  minNodes: number;
  maxNodes: number;
  /** Initial size only: autoscaled afterwards (ignoreChanges). */
  nodeCount: number;
  labels: Record<string, string>;
  taints: Taint[];
  tags: string[];
}

/** `first` is the cluster's inline pool, which DOKS requires to keep at least one node. */
export function doksPoolArgs(
  pool: NodePoolSettings,
  first: boolean,
  tags: Record<string, string>,
): DoksPoolArgs {
  const [defaultPoolMin] = first ? keepsANodeProblems(pool.minNodes, "doks") : [];
  if (defaultPoolMin) throw new Error(`DOKS pool ${pool.name}: minNodes ${defaultPoolMin.message}`);
  const minNodes = pool.minNodes;
  if (pool.maxNodes < Math.max(1, minNodes)) {
    throw new Error(`DOKS pool ${pool.name}: maxNodes (${pool.maxNodes}) must be >= max(minNodes, 1)`);
  }
  return {
    name: pool.name,
    size: pool.machineType,
    autoScale: true,
    minNodes,
    maxNodes: pool.maxNodes,
    nodeCount: Math.max(1, minNodes),
    labels: { ...pool.labels },
    taints: pool.taints.map(parseTaint),
    tags: doTags(tags),
  };
}

/** What the firewall carries when it is off: with the firewall off the API server is open to every address anyway. */
export const DOKS_FIREWALL_OFF_ADDRESSES = ["0.0.0.0/0"];

/**
 * The control-plane firewall from the allowed addresses. Non-empty: on, and only those public addresses
 * (IPv4 or CIDR, DigitalOcean API `control_plane_firewall.allowed_addresses`) reach the API server; the
 * nodes reach the control plane inside the VPC (DOKS "Managed elements": the cluster's VPC firewall covers
 * control plane and workers) and are not listed. Empty: explicitly off, so the API server is open to the
 * internet; sent rather than omitted because the provider keeps the last value of this computed block
 * when it is absent (terraform-provider-digitalocean resource_kubernetes_cluster.go), which would leave
 * an emptied list enforcing the old addresses.
 *
 * Off still sends a non-empty list (DOKS_FIREWALL_OFF_ADDRESSES), never []: `allowed_addresses` is Required in
 * the TF schema, and an empty list reaches the provider as an empty Go slice (pulumi-terraform-bridge
 * makeTerraformInput), which the provider's expandAllowedAddresses turns into nil and godo sends as
 * `"allowed_addresses": null` (no omitempty). Upstream never sends that: its acceptance test turns the
 * firewall off with `enabled = false` and a non-empty list, and reads the list back unchanged
 * (resource_kubernetes_cluster_test.go, TestAccDigitalOceanKubernetesCluster_ControlPlaneFirewall), so a
 * non-empty list is also what a refresh returns (no permanent diff).
 */
export function doksControlPlaneFirewall(allowed: string[]): {
  enabled: boolean;
  allowedAddresses: string[];
} {
  return allowed.length > 0
    ? { enabled: true, allowedAddresses: [...allowed] }
    : { enabled: false, allowedAddresses: [...DOKS_FIREWALL_OFF_ADDRESSES] };
}

/* ------------------------------------------------------------------------------------------ */
/* The component.                                                                             */
/* ------------------------------------------------------------------------------------------ */

/**
 * A DigitalOcean Kubernetes cluster: a VPC, the cluster (latest patch of the configured minor,
 * auto-upgrade, surge upgrade, maintenance window, optional HA control plane) with the first node pool
 * inline, every further pool as a KubernetesNodePool, and a doctl exec kubeconfig.
 *
 * Inputs that replace the cluster (terraform-provider-digitalocean, resource_kubernetes_cluster.go and
 * kubernetes.go): `region`, `vpcUuid`, `clusterSubnet`, `serviceSubnet`, the inline pool's `size`
 * (nodePools[0].machineType!) and a `version` lower than the current one. `name`, `ha`, `autoUpgrade`,
 * `surgeUpgrade`, `maintenancePolicy`, `controlPlaneFirewall`, tags and the pool's name/min/max/labels/taints
 * update in place, a higher `version` is an in-place upgrade. A KubernetesNodePool is replaced when its `size` changes.
 */
export class DoksCluster extends ClusterComponent {
  readonly target = "doks" as const;
  readonly vpc: digitalocean.Vpc;
  readonly cluster: digitalocean.KubernetesCluster;
  readonly extraPools: digitalocean.KubernetesNodePool[];

  constructor(name: string, settings: DoksSettings, opts?: ClusterComponentOptions) {
    super("kube-platform:cluster:DoksCluster", name, opts);
    const protect = settings.protect;
    assertNodePools("DOKS", settings.nodePools);
    const [firstPool, ...otherPools] = settings.nodePools;

    this.vpc = new digitalocean.Vpc(
      `${name}-vpc`,
      {
        region: settings.region,
        ipRange: settings.vpcCidr,
        description: `kube-platform ${settings.clusterName}`,
      },
      { parent: this, protect },
    );

    const versionPrefix = doksVersionPrefix(settings.kubernetesVersion);
    const versions = digitalocean.getKubernetesVersionsOutput({ versionPrefix }, { parent: this });
    const version = versions.latestVersion.apply((v) => {
      if (!v) throw new Error(`DigitalOcean offers no Kubernetes ${settings.kubernetesVersion} release`);
      return v;
    });

    // `version` is the newest patch of the configured minor, which is never below what auto-upgrade
    // (patch releases of the same minor, in the maintenance window) installs, so it never reads as the
    // downgrade that would replace the cluster; a new patch shows as an in-place upgrade. It is not
    // ignored: ignoring it would also swallow a minor bump in settings.
    this.cluster = new digitalocean.KubernetesCluster(
      `${name}-doks`,
      {
        name: settings.clusterName,
        region: settings.region,
        version,
        vpcUuid: this.vpc.id,
        // HA control plane: can be turned on later, never off again.
        ha: settings.highAvailability,
        // AVD-DIG-0008.
        autoUpgrade: settings.autoUpgrade,
        // AVD-DIG-0005: new nodes are brought up before old ones are drained.
        surgeUpgrade: settings.surgeUpgrade,
        maintenancePolicy: {
          day: settings.maintenanceWindow.day.toLowerCase(),
          startTime: settings.maintenanceWindow.startTime,
        },
        // Only the listed addresses reach the API server (the deployer's must be one); none: open (dev).
        controlPlaneFirewall: doksControlPlaneFirewall(settings.apiAllowedAddresses),
        nodePool: doksPoolArgs(firstPool, true, settings.tags),
        tags: doTags(settings.tags),
      },
      { parent: this, protect, ignoreChanges: ["nodePool.nodeCount"] },
    );

    this.extraPools = otherPools.map(
      (pool) =>
        new digitalocean.KubernetesNodePool(
          `${name}-pool-${pool.name}`,
          { clusterId: this.cluster.id, ...doksPoolArgs(pool, false, settings.tags) },
          // A size change replaces the pool; its name is fixed, so the old one goes first.
          { parent: this, ignoreChanges: ["nodeCount"], deleteBeforeReplace: true },
        ),
    );

    const kubeconfig = pulumi.secret(
      pulumi
        .all([this.cluster.name, this.cluster.id, this.cluster.endpoint, this.cluster.kubeConfigs])
        .apply(([clusterName, clusterId, endpoint, kubeConfigs]) => {
          const ca = kubeConfigs?.[0]?.clusterCaCertificate;
          if (!ca) throw new Error(`DOKS cluster ${clusterName} returned no CA certificate`);
          return doksExecKubeconfig({ clusterName, clusterId, endpoint, caCertificate: ca });
        }),
    );
    const provider = new k8s.Provider(
      `${name}-k8s`,
      // The cluster id never changes with credentials, so the provider is never replaced.
      { kubeconfig, clusterIdentifier: this.cluster.id },
      { parent: this },
    );
    this.publish({
      clusterName: this.cluster.name,
      region: settings.region,
      kubernetesVersion: settings.kubernetesVersion,
      kubeconfig,
      provider,
      ready: [this.cluster, ...this.extraPools],
      // The cloud ships the CSI driver and the default StorageClass.
      storageReady: [],
      defaultStorageClass: pulumi.output("do-block-storage"),
      loadBalancer: { addressKind: "ip", serviceAnnotations: { ...LOAD_BALANCER_SERVICE_ANNOTATIONS.doks } },
      // DOKS does not ship metrics-server: DigitalOcean offers it as a separate 1-Click app
      // ("Kubernetes Metrics Server", docs.digitalocean.com/products/marketplace/catalog/kubernetes-metrics-server,
      // deployed with Helm), and its list of managed components (Cilium, CoreDNS, CSI, …) does not include it.
      hasMetricsApi: MANAGED_CAPABILITIES.doks.metricsApi,
      nodeAutoscaling: { kind: "native" },
      // DigitalOcean has no workload identity federation for Kubernetes ServiceAccounts.
      workloadIdentity: undefined,
      // DigitalOcean has no managed KMS: Vault uses Shamir unseal.
      unsealKms: undefined,
      // Without a workload identity, DigitalOcean DNS is reached with an API token from `secrets`.
      dns: TOKEN_DNS.doks,
    });
  }
}
