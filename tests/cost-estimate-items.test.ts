/**
 * The cost estimate's other priced things over hand-made recorded resources (test price files,
 * tests/fixtures/cost/): NAT gateways and their data, load balancers and public IPv4 addresses,
 * persistent volumes from the Helm values, KMS keys, control-plane logs.
 */
import * as assert from "node:assert/strict";
import { estimateCost, loadPrices } from "../preflight/cost";
import type { CostEstimate, CostLine, PricedCloud } from "../preflight/cost";
import type { RecordedResource } from "../offline/mocks";
import {
  FIXTURE_PRICES,
  ROOT,
  ADDONS,
  addon,
  clusterComponent,
  configOf,
  loadBalancerService,
  recorded,
  release,
} from "./fixtures/cost/recorded";

const KINDS = { eks: "EksCluster", gke: "GkeCluster", aks: "AksCluster", doks: "DoksCluster" } as const;
const CLOUDS = { eks: "aws", gke: "gcp", aks: "azure", doks: "digitalocean" } as const;
type Target = keyof typeof KINDS;
const CLUSTER = (t: Target) => clusterComponent(KINDS[t]);

function estimate(target: Target, resources: RecordedResource[], cost?: unknown): CostEstimate {
  return estimateCost({
    stack: "test",
    config: configOf(target, {}, cost),
    resources: [ROOT, CLUSTER(target), ADDONS, ...resources],
    prices: loadPrices(CLOUDS[target] as PricedCloud, FIXTURE_PRICES),
  });
}

/** item → [resource, monthly min, monthly max, assumption] of every line, for literal comparison. */
const summary = (e: CostEstimate) =>
  e.lines.map((l: CostLine) => [l.item, l.resource, l.monthly.min, l.monthly.max, l.assumption]);

describe("cost estimate: NAT gateways", () => {
  const gateways = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      recorded(
        "aws:ec2/natGateway:NatGateway",
        `kp-cluster-nat-${i}`,
        { allocationId: `eipalloc-${i}` },
        CLUSTER("eks").urn,
      ),
    );

  it("AWS: per gateway hour, its Elastic IP, and the data processed under the stated assumption", () => {
    assert.deepEqual(summary(estimate("eks", gateways(3))), [
      // 3 × 730 h × $0.05 = $109.50
      ["natGateway", "NAT gateway × 3", 109.5, 109.5, undefined],
      // 3 × 730 h × $0.005 = $10.95
      ["publicIp", "public IPv4 addresses × 3 of the NAT gateways", 10.95, 10.95, undefined],
      // 100 GiB × $0.05 = $5.00
      ["natGateway:data", "NAT data processed", 5, 5, "100 GiB/month processed (cost.natDataGiB)"],
    ]);
  });

  it("the data assumption comes from kube-platform:cost (500 GiB × $0.05 = $25.00)", () => {
    const data = estimate("eks", gateways(1), { natDataGiB: 500 }).lines.find(
      (l) => l.item === "natGateway:data",
    );
    assert.deepEqual(data?.monthly, { min: 25, max: 25 });
    assert.equal(data?.assumption, "500 GiB/month processed (cost.natDataGiB)");
  });

  it("no NAT gateway, no NAT line (nor data)", () => {
    assert.deepEqual(summary(estimate("eks", [])), []);
  });

  it("GCP: Cloud NAT per node using it, up to 32, plus its address", () => {
    const c = CLUSTER("gke");
    const e = estimate("gke", [
      recorded(
        "gcp:compute/routerNat:RouterNat",
        "kp-cluster-nat",
        { natIpAllocateOption: "AUTO_ONLY" },
        c.urn,
      ),
      recorded(
        "gcp:container/nodePool:NodePool",
        "kp-cluster-general",
        {
          name: "general",
          location: "europe-west1",
          autoscaling: { totalMinNodeCount: 3, totalMaxNodeCount: 40 },
          nodeConfig: { machineType: "e2-standard-4", diskSizeGb: 10, diskType: "pd-standard" },
        },
        c.urn,
      ),
    ]);
    const nat = e.lines.find((l) => l.item === "natGateway");
    // 3 × 730 × $0.0014 = $3.066 → $3.07; max capped at 32 nodes: 32 × 730 × $0.0014 = $32.704 → $32.70
    assert.deepEqual(nat?.monthly, { min: 3.07, max: 32.7 });
    assert.equal(nat?.resource, "Cloud NAT gateway (priced per node using it, up to 32: 3-32)");
    // one address: 730 × $0.005 = $3.65
    assert.deepEqual(e.lines.find((l) => l.item === "publicIp")?.monthly, { min: 3.65, max: 3.65 });
  });
});

describe("cost estimate: load balancers and public IPv4 addresses", () => {
  const ingress = addon("IngressController", "kp-addons-ingress");
  const publicSubnets = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      recorded(
        "aws:ec2/subnet:Subnet",
        `kp-cluster-public-${i}`,
        { tags: { "kubernetes.io/role/elb": "1" } },
        CLUSTER("eks").urn,
      ),
    );

  it("AWS: an internet-facing NLB per LoadBalancer Service, an address per public subnet, NLCUs assumed", () => {
    const e = estimate("eks", [
      ingress,
      loadBalancerService(ingress, {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
      }),
      ...publicSubnets(3),
      recorded(
        "aws:ec2/subnet:Subnet",
        "kp-cluster-private-0",
        { tags: { "kubernetes.io/role/internal-elb": "1" } },
        CLUSTER("eks").urn,
      ),
    ]);
    assert.deepEqual(summary(e), [
      // 730 × $0.025 = $18.25
      ["loadBalancer", "load balancer of Service ingress/traefik", 18.25, 18.25, undefined],
      // 3 × 730 × $0.005 = $10.95
      ["publicIp", "public IPv4 addresses × 3 of Service ingress/traefik", 10.95, 10.95, undefined],
      // 1 NLCU × 730 × $0.006 = $4.38
      [
        "loadBalancer:capacityUnit",
        "capacity units of Service ingress/traefik",
        4.38,
        4.38,
        "1 NLCU on average each hour (cost.loadBalancerCapacityUnits)",
      ],
    ]);
    assert.deepEqual(e.byComponent, { "IngressController kp-addons-ingress": { min: 33.58, max: 33.58 } });
  });

  it("AWS: an internal NLB holds no public address", () => {
    const e = estimate("eks", [
      ingress,
      loadBalancerService(ingress, { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }),
      ...publicSubnets(2),
    ]);
    assert.equal(
      e.lines.some((l) => l.item === "publicIp"),
      false,
    );
    assert.equal(
      e.lines.some((l) => l.item === "loadBalancer"),
      true,
    );
  });

  it("a ClusterIP Service costs nothing", () => {
    const svc = recorded(
      "kubernetes:core/v1:Service",
      "kp-addons-ingress-svc",
      { spec: { type: "ClusterIP" } },
      ingress.urn,
    );
    assert.deepEqual(summary(estimate("eks", [ingress, svc])), []);
  });

  it("Azure: the cluster's outbound Standard Load Balancer; a Service adds an address and its data", () => {
    const c = CLUSTER("aks");
    const e = estimate("aks", [
      recorded(
        "azure-native:containerservice:ManagedCluster",
        "kp-cluster-aks",
        { sku: { tier: "Free" }, networkProfile: { outboundType: "loadBalancer" } },
        c.urn,
      ),
      ingress,
      loadBalancerService(ingress),
    ]);
    assert.deepEqual(summary(e), [
      ["controlPlane:free", "AKS control plane (tier Free)", 0, 0, undefined],
      [
        "loadBalancer",
        "Standard Load Balancer (outbound traffic and LoadBalancer Services)",
        18.25,
        18.25,
        undefined,
      ],
      ["publicIp", "public IPv4 address of its outbound traffic", 3.65, 3.65, undefined],
      // the nodes' egress through its outbound rules: 100 GiB (cost.natDataGiB) × $0.005 = $0.50
      [
        "loadBalancer:data",
        "outbound data processed (the nodes' egress)",
        0.5,
        0.5,
        "100 GiB/month processed (cost.natDataGiB)",
      ],
      ["publicIp", "public IPv4 address of Service ingress/traefik", 3.65, 3.65, undefined],
      // 100 GiB × $0.005 = $0.50
      [
        "loadBalancer:data",
        "data processed by Service ingress/traefik",
        0.5,
        0.5,
        "100 GiB/month processed (cost.loadBalancerDataGiB)",
      ],
    ]);
  });

  it("Azure: with outbound traffic routed elsewhere, no outbound load balancer and no outbound data", () => {
    const e = estimate("aks", [
      recorded(
        "azure-native:containerservice:ManagedCluster",
        "kp-cluster-aks",
        { sku: { tier: "Free" }, networkProfile: { outboundType: "userDefinedRouting" } },
        CLUSTER("aks").urn,
      ),
    ]);
    assert.deepEqual(summary(e), [["controlPlane:free", "AKS control plane (tier Free)", 0, 0, undefined]]);
  });

  it("DigitalOcean: one monthly load balancer, no usage line", () => {
    assert.deepEqual(summary(estimate("doks", [ingress, loadBalancerService(ingress)])), [
      ["loadBalancer", "load balancer of Service ingress/traefik", 12, 12, undefined],
    ]);
  });
});

describe("cost estimate: persistent volumes from the recorded Helm values", () => {
  const vault = addon("Vault", "kp-addons-vault");
  const monitoring = addon("Monitoring", "kp-addons-monitoring");
  const claim = (size: string, storageClassName?: string) => ({
    volumeClaimTemplate: {
      spec: { resources: { requests: { storage: size } }, ...(storageClassName ? { storageClassName } : {}) },
    },
  });
  const haVault = (extra: Record<string, unknown> = {}) =>
    release(vault, "vault", {
      server: {
        ha: { enabled: true, replicas: 3 },
        dataStorage: { enabled: true, size: "10Gi", storageClass: "gp3" },
        auditStorage: { enabled: true, size: "20Gi", storageClass: "gp3" },
        ...extra,
      },
    });

  it("Vault HA: data and audit volumes per server", () => {
    assert.deepEqual(summary(estimate("eks", [vault, haVault()])), [
      // 3 × 10 GiB × $0.10 = $3.00; 3 × 20 GiB × $0.10 = $6.00
      ["disk:gp3", "Vault data volume: 10 GiB gp3 × 3", 3, 3, undefined],
      ["disk:gp3", "Vault audit volume: 20 GiB gp3 × 3", 6, 6, undefined],
    ]);
  });

  it("Vault in dev mode claims nothing", () => {
    assert.deepEqual(summary(estimate("eks", [vault, haVault({ dev: { enabled: true } })])), []);
  });

  it("Prometheus and Alertmanager per replica, Grafana's one claim; the default StorageClass when none is set", () => {
    const defaultClass = recorded(
      "kubernetes:storage.k8s.io/v1:StorageClass",
      "kp-cluster-gp3",
      {
        metadata: { name: "fast", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        parameters: { type: "io2" },
      },
      CLUSTER("eks").urn,
    );
    const e = estimate("eks", [
      defaultClass,
      monitoring,
      release(monitoring, "kube-prometheus-stack", {
        prometheus: { prometheusSpec: { replicas: 2, storageSpec: claim("100Gi", "gp3") } },
        alertmanager: { alertmanagerSpec: { replicas: 3, storage: claim("512Mi", "gp3") } },
        grafana: { replicas: 2, persistence: { enabled: true, type: "pvc", size: "10Gi" } },
      }),
    ]);
    assert.deepEqual(summary(e).slice(0, 2), [
      // 2 × 100 GiB × $0.10 = $20.00; 3 × 0.5 GiB × $0.10 = $0.15
      ["disk:gp3", "Prometheus volume: 100 GiB gp3 × 2", 20, 20, undefined],
      ["disk:gp3", "Alertmanager volume: 0.5 GiB gp3 × 3", 0.15, 0.15, undefined],
    ]);
    // Grafana: no class → the default StorageClass "fast" (io2), which the file cannot price
    assert.deepEqual(e.unpriced, [
      {
        component: "Monitoring kp-addons-monitoring",
        resource: "Grafana volume: 10 GiB fast × 1",
        reason: "no price for disk:io2 in eu-west-1",
      },
    ]);
  });

  it("lists a storage class of unknown disk type, and a size it cannot read, as unpriced", () => {
    const e = estimate("eks", [
      monitoring,
      release(monitoring, "kube-prometheus-stack", {
        prometheus: { prometheusSpec: { storageSpec: claim("100Gi", "nfs") } },
        alertmanager: { alertmanagerSpec: { storage: claim("1G", "gp3") } },
        grafana: { persistence: { enabled: false } },
      }),
    ]);
    assert.deepEqual(e.lines, []);
    assert.deepEqual(
      e.unpriced.map((u) => [u.resource, u.reason]),
      [
        ["Prometheus volume", 'storage class "nfs": its disk type is not known to the estimate'],
        ["Alertmanager volume", 'size "1G" is not a size in Mi, Gi or Ti'],
      ],
    );
  });

  it("Azure volumes take the smallest size tier that holds them", () => {
    const e = estimate("aks", [
      monitoring,
      release(monitoring, "kube-prometheus-stack", {
        prometheus: { prometheusSpec: { storageSpec: claim("20Gi", "managed-csi") } },
      }),
    ]);
    // 20 GiB → E4 (32 GiB) at $2/month
    assert.deepEqual(summary(e), [
      ["disk:standardssd-lrs:E4", "Prometheus volume: 20 GiB managed-csi × 1 (E4, 32 GiB)", 2, 2, undefined],
    ]);
  });
  it("Azure: from Kubernetes 1.29 in a zonal cluster, the built-in classes make zone-redundant disks", () => {
    const cluster = (kubernetesVersion: string, availabilityZones: string[]) =>
      recorded(
        "azure-native:containerservice:ManagedCluster",
        "kp-cluster-aks",
        {
          kubernetesVersion,
          agentPoolProfiles: [{ name: "system", availabilityZones }],
          networkProfile: { outboundType: "none" },
        },
        CLUSTER("aks").urn,
      );
    const volume = release(monitoring, "kube-prometheus-stack", {
      prometheus: { prometheusSpec: { storageSpec: claim("20Gi", "managed-csi") } },
    });
    const diskOf = (e: CostEstimate) =>
      e.lines.filter((l) => l.resource.startsWith("Prometheus")).map((l) => [l.item, l.monthly.min]);
    // ZRS: E4 at $3/month; LRS (one zone, or before 1.29): E4 at $2/month
    assert.deepEqual(diskOf(estimate("aks", [cluster("1.34", ["1", "2", "3"]), monitoring, volume])), [
      ["disk:standardssd-zrs:E4", 3],
    ]);
    assert.deepEqual(diskOf(estimate("aks", [cluster("1.34", ["1"]), monitoring, volume])), [
      ["disk:standardssd-lrs:E4", 2],
    ]);
    assert.deepEqual(diskOf(estimate("aks", [cluster("1.28", ["1", "2", "3"]), monitoring, volume])), [
      ["disk:standardssd-lrs:E4", 2],
    ]);
  });
});

describe("cost estimate: KMS keys and logs", () => {
  it("counts the customer-managed keys per component", () => {
    const c = CLUSTER("eks");
    const vault = addon("Vault", "kp-addons-vault");
    const e = estimate("eks", [
      recorded("aws:kms/key:Key", "kp-cluster-secrets", {}, c.urn),
      recorded("aws:kms/key:Key", "kp-cluster-logs", {}, c.urn),
      vault,
      recorded("aws:kms/key:Key", "kp-addons-vault-unseal", {}, vault.urn),
      recorded("aws:kms/alias:Alias", "kp-addons-vault-unseal", {}, vault.urn),
    ]);
    assert.deepEqual(summary(e), [
      ["kmsKey", "customer-managed key × 2", 2, 2, undefined],
      ["kmsKey", "customer-managed key", 1, 1, undefined],
    ]);
  });

  it("Azure Key Vault keys are priced per operation: listed as unpriced, with why", () => {
    const vault = addon("Vault", "kp-addons-vault");
    const e = estimate("aks", [
      vault,
      recorded("azure-native:keyvault:Key", "kp-addons-vault-key", {}, vault.urn),
    ]);
    assert.deepEqual(e.unpriced, [
      {
        component: "Vault kp-addons-vault",
        resource: "customer-managed key",
        reason:
          "Key Vault Standard prices its keys per 10,000 operations, not per key: a use the estimate does not assume",
      },
    ]);
    assert.equal(
      e.lines.some((l) => l.item === "kmsKey"),
      false,
    );
  });

  const eks = (logTypes: string[], retentionInDays?: number) => {
    const c = CLUSTER("eks");
    return [
      recorded("aws:eks/cluster:Cluster", "kp-cluster-eks", { enabledClusterLogTypes: logTypes }, c.urn),
      ...(retentionInDays === undefined
        ? []
        : [recorded("aws:cloudwatch/logGroup:LogGroup", "kp-cluster-logs", { retentionInDays }, c.urn)]),
    ];
  };

  it("EKS control-plane logs: ingestion assumed, storage of what the retention keeps", () => {
    const e = estimate("eks", eks(["api", "audit"], 90), { logIngestionGiB: 20 });
    assert.deepEqual(summary(e).slice(1), [
      // 20 GiB × $0.50 = $10.00
      [
        "logs:ingestion",
        "control-plane logs (api, audit): ingestion",
        10,
        10,
        "20 GiB/month ingested (cost.logIngestionGiB)",
      ],
      // 20 GiB × 90 / 30 = 60 GiB-month × $0.03 = $1.80
      [
        "logs:storage",
        "control-plane logs (api, audit): storage (90 days kept)",
        1.8,
        1.8,
        "20 GiB/month ingested, kept 90 days: 60 GiB stored (cost.logIngestionGiB)",
      ],
    ]);
  });

  it("no log types, no log lines; logs that never expire are unpriced", () => {
    assert.equal(
      estimate("eks", eks([], 90)).lines.some((l) => l.item.startsWith("logs:")),
      false,
    );
    assert.deepEqual(estimate("eks", eks(["api"], 0)).unpriced, [
      {
        component: "EksCluster kp-cluster",
        resource: "control-plane logs (api): storage",
        reason: "the logs never expire: what is kept grows every month",
      },
    ]);
  });
});
