/**
 * The one table of the estimate: per managed target, which recorded resources (and which of
 * their inputs) are the cloud's priced things. Each row reads what the cloud really runs from
 * the inputs the program gives it (node counts per zone or per pool, disk classes, tiers);
 * ./estimate-items.ts prices every row the same way.
 */
import type { RecordedResource } from "../../offline/mocks";
import { get } from "../../rules";
import type { MonthlyRange, PricedCloud } from "./types";
import { Resources, keyAt, numberAt, objectsAt, stringAt, stringsAt } from "./estimate-resources";
import { eksNodeGroups, karpenterNodePools } from "./estimate-eks-nodes";

/** A node's root disk: its class and size, included in the node's price, or why it cannot be read. */
export type NodeDisk = { diskClass: string; sizeGiB: number } | { included: string } | { problem: string };

/** One node pool as the cloud runs it (all its per-zone groups together). */
export interface NodePoolUse {
  component: string;
  pool: string;
  /** The instance types it may run; the most expensive prices the pool (one, but for Karpenter). */
  machineTypes: string[];
  count: MonthlyRange;
  /** How the count is made up, in the user's words ("3 node groups, one per zone"). */
  detail?: string;
  capacity?: string;
  disk: NodeDisk;
  /** Why the pool's nodes cannot be priced at all (a Karpenter NodePool of instance families). */
  problem?: string;
}

/** Something counted once per recorded resource: a NAT gateway, a key, a control plane. */
export interface Counted {
  component: string;
  resource: string;
  count: number;
  /** The public IPv4 addresses it holds, where the cloud charges for them. */
  publicIps?: number;
  /** The price item's variant (a control plane's tier). */
  tier?: string;
}

export interface CloudRow {
  cloud: PricedCloud;
  controlPlanes(res: Resources): Counted[];
  nodePools(res: Resources): NodePoolUse[];
  /** Storage class name → disk class, for classes the program does not record (the cloud's own). */
  storageClasses(res: Resources): Record<string, string>;
  /** The parameter of a recorded StorageClass that names its disk class. */
  storageClassParameter: string;
  /** The class a claim without one gets when the program records no default StorageClass. */
  defaultStorageClass: string;
  natGateways(res: Resources): Counted[];
  /** Cloud NAT is priced per VM using it (up to this many VMs per gateway), not per gateway. */
  natPerNodeUpTo?: number;
  /** The load balancers the cluster itself holds (AKS: the outbound Standard Load Balancer). */
  clusterLoadBalancers(res: Resources): Counted[];
  /** What a Service of type LoadBalancer costs: its own load balancer or rules on the cluster's. */
  serviceLoadBalancer(svc: RecordedResource, res: Resources): { dedicated: boolean; publicIps: number };
  /** How a load balancer's use is priced: capacity units (AWS NLCU), data processed, or not at all. */
  loadBalancerUsage: "capacityUnits" | "data" | "none";
  kmsKeyTypes: string[];
  /** Whether a key also costs per month (AWS, GCP), not only per operation (Key Vault Standard). */
  kmsKeyMonthly: boolean;
  /** The control-plane logs the cluster sends to the cloud's log service, with their retention. */
  logs(res: Resources): { component: string; resource: string; retentionDays?: number }[];
}

const counted = (res: Resources, r: RecordedResource, resource: string, extra: Partial<Counted> = {}) => ({
  component: res.componentOf(r),
  resource,
  count: 1,
  ...extra,
});

const range = (min: number, max: number): MonthlyRange => ({ min, max });

/** GKE: a regional pool's counts are per zone, over the region's zones (3 unless nodeLocations says). */
function gkeNodePools(res: Resources): NodePoolUse[] {
  return res.ofType("gcp:container/nodePool:NodePool").map((p) => {
    const i = p.inputs;
    const location = stringAt(i, "location") ?? "";
    const zones = stringsAt(i, "nodeLocations").length || (/-[a-z]$/.test(location) ? 1 : 3);
    const total = range(
      numberAt(i, "autoscaling.totalMinNodeCount") ?? -1,
      numberAt(i, "autoscaling.totalMaxNodeCount") ?? -1,
    );
    const perZone = range(
      numberAt(i, "autoscaling.minNodeCount") ??
        numberAt(i, "nodeCount") ??
        numberAt(i, "initialNodeCount") ??
        1,
      numberAt(i, "autoscaling.maxNodeCount") ??
        numberAt(i, "nodeCount") ??
        numberAt(i, "initialNodeCount") ??
        1,
    );
    const totals = total.min >= 0 && total.max >= 0;
    const spot = get(i, "nodeConfig.spot") === true || get(i, "nodeConfig.preemptible") === true;
    return {
      component: res.componentOf(p),
      pool: stringAt(i, "name") ?? p.name,
      machineTypes: [stringAt(i, "nodeConfig.machineType") ?? "e2-medium"],
      count: totals ? total : range(perZone.min * zones, perZone.max * zones),
      detail: totals ? "total over the region's zones" : `${zones} zone(s) × ${perZone.min}-${perZone.max}`,
      ...(spot ? { capacity: "spot" } : {}),
      disk: {
        diskClass: stringAt(i, "nodeConfig.diskType") ?? "pd-balanced",
        sizeGiB: numberAt(i, "nodeConfig.diskSizeGb") ?? 100,
      },
    };
  });
}

/** AKS: the system pool (in the cluster's agentPoolProfiles) and the user pools; counts are per pool. */
function aksNodePools(res: Resources): NodePoolUse[] {
  const cluster = res.ofType("azure-native:containerservice:ManagedCluster");
  const profiles = cluster.flatMap((c) => objectsAt(c.inputs, "agentPoolProfiles").map((p) => ({ r: c, p })));
  const pools = res.ofType("azure-native:containerservice:AgentPool").map((r) => ({ r, p: r.inputs }));
  return [...profiles, ...pools].map(({ r, p }) => {
    const vmSize = stringAt(p, "vmSize") ?? "";
    const fixed = numberAt(p, "count") ?? 1;
    const auto = get(p, "enableAutoScaling") === true;
    const premium = /^Standard_[A-Z]+\d+[a-z]*s[a-z]*(_|$)/.test(vmSize);
    return {
      component: res.componentOf(r),
      pool: stringAt(p, "name") ?? stringAt(p, "agentPoolName") ?? r.name,
      machineTypes: [vmSize],
      count: auto
        ? range(numberAt(p, "minCount") ?? fixed, numberAt(p, "maxCount") ?? fixed)
        : range(fixed, fixed),
      ...(get(p, "mode") === "System" ? { detail: "system pool" } : {}),
      ...(get(p, "scaleSetPriority") === "Spot" ? { capacity: "spot" } : {}),
      disk:
        get(p, "osDiskType") === "Ephemeral"
          ? { included: "ephemeral OS disk, on the VM's own storage" }
          : {
              diskClass: premium ? "premium-lrs" : "standardssd-lrs",
              sizeGiB: numberAt(p, "osDiskSizeGB") ?? 128,
            },
    };
  });
}

/**
 * Whether AKS's built-in storage classes make zone-redundant (ZRS) disks: from Kubernetes 1.29 in a
 * cluster whose pools span availability zones (AKS "Storage options for applications", storage classes).
 */
function aksZoneRedundant(res: Resources): boolean {
  const clusters = res.ofType("azure-native:containerservice:ManagedCluster");
  const minor = Number((stringAt(clusters[0]?.inputs, "kubernetesVersion") ?? "").split(".")[1]);
  const pools = [
    ...clusters.flatMap((c) => objectsAt(c.inputs, "agentPoolProfiles")),
    ...res.ofType("azure-native:containerservice:AgentPool").map((p) => p.inputs),
  ];
  return minor >= 29 && pools.some((p) => stringsAt(p, "availabilityZones").length > 1);
}

/** DOKS: the cluster's first pool and the others; a Droplet's disk is in its price. */
function doksNodePools(res: Resources): NodePoolUse[] {
  const first = res
    .ofType("digitalocean:index/kubernetesCluster:KubernetesCluster")
    .map((r) => ({ r, p: get(r.inputs, "nodePool") }));
  const others = res
    .ofType("digitalocean:index/kubernetesNodePool:KubernetesNodePool")
    .map((r) => ({ r, p: r.inputs }));
  return [...first, ...others].map(({ r, p }) => {
    const fixed = numberAt(p, "nodeCount") ?? 1;
    const auto = get(p, "autoScale") === true;
    return {
      component: res.componentOf(r),
      pool: stringAt(p, "name") ?? r.name,
      machineTypes: [stringAt(p, "size") ?? ""],
      count: auto
        ? range(numberAt(p, "minNodes") ?? fixed, numberAt(p, "maxNodes") ?? fixed)
        : range(fixed, fixed),
      disk: { included: "the Droplet's disk is in its price" },
    };
  });
}

/** Internet-facing NLBs hold one public IPv4 address per public subnet (AZ) they are placed in. */
function awsServiceLoadBalancer(svc: RecordedResource, res: Resources) {
  const scheme = keyAt(
    svc.inputs,
    "metadata.annotations",
    "service.beta.kubernetes.io/aws-load-balancer-scheme",
  );
  const publicSubnets = res
    .ofType("aws:ec2/subnet:Subnet")
    .filter((s) => keyAt(s.inputs, "tags", "kubernetes.io/role/elb") === "1");
  return { dedicated: true, publicIps: scheme === "internet-facing" ? publicSubnets.length : 0 };
}

export const CLOUD_ROWS = {
  eks: {
    cloud: "aws",
    controlPlanes: (res) =>
      res.ofType("aws:eks/cluster:Cluster").map((c) => {
        const support = stringAt(c.inputs, "upgradePolicy.supportType") ?? "STANDARD";
        const extended =
          support === "EXTENDED"
            ? "; the extended-support rate, charged once the version leaves standard support (the standard rate until then)"
            : "";
        return counted(res, c, `EKS control plane (support type ${support}${extended})`, {
          tier: support.toLowerCase(),
        });
      }),
    nodePools: (res) => [...eksNodeGroups(res), ...karpenterNodePools(res)],
    storageClasses: () => ({ gp2: "gp2", gp3: "gp3" }),
    storageClassParameter: "type",
    defaultStorageClass: "gp3",
    natGateways: (res) => {
      // A public NAT gateway holds its Elastic IP (allocationId) and any secondary ones.
      return res.ofType("aws:ec2/natGateway:NatGateway").map((g) =>
        counted(res, g, "NAT gateway", {
          publicIps:
            (stringAt(g.inputs, "allocationId") ? 1 : 0) +
            stringsAt(g.inputs, "secondaryAllocationIds").length,
        }),
      );
    },
    clusterLoadBalancers: () => [],
    serviceLoadBalancer: awsServiceLoadBalancer,
    loadBalancerUsage: "capacityUnits",
    kmsKeyTypes: ["aws:kms/key:Key"],
    kmsKeyMonthly: true,
    logs: (res) =>
      res
        .ofType("aws:eks/cluster:Cluster")
        .filter((c) => stringsAt(c.inputs, "enabledClusterLogTypes").length > 0)
        .map((c) => {
          const group = res
            .ofType("aws:cloudwatch/logGroup:LogGroup")
            .find((g) => res.componentOf(g) === res.componentOf(c));
          const days = group ? numberAt(group.inputs, "retentionInDays") : undefined;
          return {
            component: res.componentOf(c),
            resource: `control-plane logs (${stringsAt(c.inputs, "enabledClusterLogTypes").join(", ")})`,
            ...(days !== undefined ? { retentionDays: days } : {}),
          };
        }),
  },
  gke: {
    cloud: "gcp",
    controlPlanes: (res) =>
      res
        .ofType("gcp:container/cluster:Cluster")
        .map((c) => counted(res, c, "GKE cluster management fee", { tier: "standard" })),
    nodePools: gkeNodePools,
    storageClasses: () => ({
      "standard-rwo": "pd-balanced",
      "premium-rwo": "pd-ssd",
      standard: "pd-standard",
    }),
    storageClassParameter: "type",
    defaultStorageClass: "standard-rwo",
    natGateways: (res) =>
      res.ofType("gcp:compute/routerNat:RouterNat").map((n) =>
        counted(res, n, "Cloud NAT gateway", {
          publicIps:
            get(n.inputs, "natIpAllocateOption") === "MANUAL_ONLY" ? stringsAt(n.inputs, "natIps").length : 1,
        }),
      ),
    natPerNodeUpTo: 32,
    clusterLoadBalancers: () => [],
    serviceLoadBalancer: () => ({ dedicated: true, publicIps: 0 }),
    loadBalancerUsage: "data",
    kmsKeyTypes: ["gcp:kms/cryptoKey:CryptoKey"],
    kmsKeyMonthly: true,
    logs: (res) =>
      res
        .ofType("gcp:container/cluster:Cluster")
        .filter(
          (c) => (stringAt(c.inputs, "loggingService") ?? "logging.googleapis.com/kubernetes") !== "none",
        )
        .map((c) => ({ component: res.componentOf(c), resource: "cluster logs (Cloud Logging)" })),
  },
  aks: {
    cloud: "azure",
    controlPlanes: (res) =>
      res.ofType("azure-native:containerservice:ManagedCluster").map((c) =>
        counted(res, c, `AKS control plane (tier ${stringAt(c.inputs, "sku.tier") ?? "Free"})`, {
          tier: (stringAt(c.inputs, "sku.tier") ?? "Free").toLowerCase(),
        }),
      ),
    nodePools: aksNodePools,
    storageClasses: (res) => {
      const redundancy = aksZoneRedundant(res) ? "zrs" : "lrs";
      const standard = `standardssd-${redundancy}`;
      const premium = `premium-${redundancy}`;
      return {
        "managed-csi": standard,
        default: standard,
        "managed-csi-premium": premium,
        "managed-premium": premium,
      };
    },
    storageClassParameter: "skuName",
    defaultStorageClass: "managed-csi",
    natGateways: () => [],
    clusterLoadBalancers: (res) =>
      res
        .ofType("azure-native:containerservice:ManagedCluster")
        .filter(
          (c) => (stringAt(c.inputs, "networkProfile.outboundType") ?? "loadBalancer") === "loadBalancer",
        )
        .map((c) =>
          counted(res, c, "Standard Load Balancer (outbound traffic and LoadBalancer Services)", {
            publicIps: numberAt(c.inputs, "networkProfile.loadBalancerProfile.managedOutboundIPs.count") ?? 1,
          }),
        ),
    serviceLoadBalancer: (svc) => ({
      dedicated: false,
      publicIps:
        keyAt(
          svc.inputs,
          "metadata.annotations",
          "service.beta.kubernetes.io/azure-load-balancer-internal",
        ) === "true"
          ? 0
          : 1,
    }),
    loadBalancerUsage: "data",
    kmsKeyTypes: ["azure-native:keyvault:Key"],
    // Key Vault Standard: software-protected keys are billed per 10,000 transactions only
    // (https://azure.microsoft.com/en-us/pricing/details/key-vault/).
    kmsKeyMonthly: false,
    logs: () => [],
  },
  doks: {
    cloud: "digitalocean",
    controlPlanes: (res) =>
      res
        .ofType("digitalocean:index/kubernetesCluster:KubernetesCluster")
        .map((c) =>
          get(c.inputs, "ha") === true
            ? counted(res, c, "DOKS control plane (high availability)", { tier: "ha" })
            : counted(res, c, "DOKS control plane (free, not highly available)", { tier: "free" }),
        ),
    nodePools: doksNodePools,
    storageClasses: () => ({ "do-block-storage": "volume", "do-block-storage-retain": "volume" }),
    storageClassParameter: "type",
    defaultStorageClass: "do-block-storage",
    natGateways: () => [],
    clusterLoadBalancers: () => [],
    serviceLoadBalancer: () => ({ dedicated: true, publicIps: 0 }),
    loadBalancerUsage: "none",
    kmsKeyTypes: [],
    kmsKeyMonthly: false,
    logs: () => [],
  },
} as const satisfies Record<string, CloudRow>;

export type ManagedTarget = keyof typeof CLOUD_ROWS;
