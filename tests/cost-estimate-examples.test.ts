/**
 * The estimates of the example stacks (the prod stack and one per cloud), from the shipped price
 * files (preflight/cost/prices/, dated 2026-12-01), computed by hand from those files' figures:
 * count × 730 hours (or × GiB, × months, × units of 10,000 operations) × unit price, each line
 * rounded to the cent; totals and per-component figures = sums of the rounded lines. When a price
 * file changes, these change with it.
 */
import * as assert from "node:assert/strict";
import { exampleConfig, runExample } from "../offline/stacks";
import { stackConfigOf } from "../preflight/plan";
import { type CostEstimate, costOf, isAdoptedClusterCost } from "../preflight/cost";

const STACKS = ["prod", "eks-dev", "gke", "aks", "doks"] as const;
const estimates = new Map<string, CostEstimate>();

const estimateOf = (stack: string): CostEstimate => {
  const e = estimates.get(stack);
  assert.ok(e, stack);
  return e;
};
/** Every line, in order: "resource | item: quantity min-max unit × unit price = monthly min-max". */
const linesOf = (stack: string) =>
  estimateOf(stack).lines.map(
    (l) =>
      `${l.resource} | ${l.item}: ${l.quantity.min}-${l.quantity.max} ${l.unit} × ${l.unitPrice} = ${l.monthly.min}-${l.monthly.max}`,
  );
const unpricedOf = (stack: string) => estimateOf(stack).unpriced.map((u) => `${u.resource}: ${u.reason}`);

describe("cost estimate of the example stacks (shipped price files)", function () {
  this.timeout(120000);
  before(async () => {
    for (const stack of STACKS) {
      const cost = costOf(await runExample(stack), stackConfigOf(exampleConfig(stack), stack), stack);
      assert.ok(!isAdoptedClusterCost(cost));
      estimates.set(stack, cost);
    }
  });

  it("prod (EKS eu-west-1): node groups per zone, a NAT gateway and an Elastic IP per AZ, the NLB, volumes, keys, logs", () => {
    const e = estimateOf("prod");
    assert.deepEqual(
      [e.cloud, e.region, e.currency, e.pricesDate],
      ["aws", "eu-west-1", "USD", "2026-12-01"],
    );
    assert.deepEqual(linesOf("prod"), [
      // 730 h × $0.10 = $73.00
      "EKS control plane (support type STANDARD) | controlPlane:standard: 730-730 hour × 0.1 = 73-73",
      // 3 groups × 1-6 nodes = 3-18: 2,190 h × $0.214 = $468.66; 13,140 h × $0.214 = $2,811.96
      "node pool general: 3-18 × m6i.xlarge (3 node groups, one per zone) | instance:m6i.xlarge: 2190-13140 hour × 0.214 = 468.66-2811.96",
      // 3-18 × 100 GiB = 300-1,800 GiB-months × $0.088 = $26.40-$158.40
      "node disks of pool general: 100 GiB gp3 × 3-18 | disk:gp3: 300-1800 GiB-month × 0.088 = 26.4-158.4",
      // 3 groups × 0-3 = 0-9: 6,570 h × $0.1819 = $1,195.083 → $1,195.08
      "node pool arm: 0-9 × m7g.xlarge (3 node groups, one per zone) | instance:m7g.xlarge: 0-6570 hour × 0.1819 = 0-1195.08",
      // 0-900 GiB-months × $0.088 = $0.00-$79.20
      "node disks of pool arm: 100 GiB gp3 × 0-9 | disk:gp3: 0-900 GiB-month × 0.088 = 0-79.2",
      // natGateways perAz, 3 AZs: 3 × 730 = 2,190 h × $0.048 = $105.12
      "NAT gateway × 3 | natGateway: 2190-2190 hour × 0.048 = 105.12-105.12",
      // their 3 Elastic IPs: 2,190 h × $0.005 = $10.95
      "public IPv4 addresses × 3 of the NAT gateways | publicIp: 2190-2190 hour × 0.005 = 10.95-10.95",
      // 100 GiB (cost.natDataGiB default) × $0.048 = $4.80
      "NAT data processed | natGateway:data: 100-100 GiB × 0.048 = 4.8-4.8",
      // the ingress NLB: 730 h × $0.0252 = $18.396 → $18.40
      "load balancer of Service ingress/traefik | loadBalancer: 730-730 hour × 0.0252 = 18.4-18.4",
      // internet-facing in the 3 public subnets: 2,190 h × $0.005 = $10.95
      "public IPv4 addresses × 3 of Service ingress/traefik | publicIp: 2190-2190 hour × 0.005 = 10.95-10.95",
      // 1 NLCU (cost.loadBalancerCapacityUnits default) × 730 h × $0.006 = $4.38
      "capacity units of Service ingress/traefik | loadBalancer:capacityUnit: 730-730 hour × 0.006 = 4.38-4.38",
      // gp3 claims: 2 × 100 GiB × $0.088 = $17.60; 3 × 10 GiB = $2.64; 1 × 10 GiB = $0.88
      "Prometheus volume: 100 GiB gp3 × 2 | disk:gp3: 200-200 GiB-month × 0.088 = 17.6-17.6",
      "Alertmanager volume: 10 GiB gp3 × 3 | disk:gp3: 30-30 GiB-month × 0.088 = 2.64-2.64",
      "Grafana volume: 10 GiB gp3 × 1 | disk:gp3: 10-10 GiB-month × 0.088 = 0.88-0.88",
      // Vault HA, 3 servers: data and audit 3 × 10 GiB × $0.088 = $2.64 each
      "Vault data volume: 10 GiB gp3 × 3 | disk:gp3: 30-30 GiB-month × 0.088 = 2.64-2.64",
      "Vault audit volume: 10 GiB gp3 × 3 | disk:gp3: 30-30 GiB-month × 0.088 = 2.64-2.64",
      // the Secrets/log key (the cluster's) and Vault's unseal key: $1.00 each, and each key's
      // 10,000 operations (cost.kmsKeyOperations default) / 10,000 = 1 unit × $0.03 = $0.03
      "customer-managed key | kmsKey: 1-1 month × 1 = 1-1",
      "operations of customer-managed key | kmsKey:operations: 1-1 10k-operations × 0.03 = 0.03-0.03",
      "customer-managed key | kmsKey: 1-1 month × 1 = 1-1",
      "operations of customer-managed key | kmsKey:operations: 1-1 10k-operations × 0.03 = 0.03-0.03",
      // 10 GiB (cost.logIngestionGiB default) × $0.57 = $5.70; kept 90 days: 10 × 90 / 30 = 30 GiB × $0.03 = $0.90
      "control-plane logs (api, audit, authenticator, controllerManager, scheduler): ingestion | logs:ingestion: 10-10 GiB × 0.57 = 5.7-5.7",
      "control-plane logs (api, audit, authenticator, controllerManager, scheduler): storage (90 days kept) | logs:storage: 30-30 GiB-month × 0.03 = 0.9-0.9",
    ]);
    // min: 73 + 468.66 + 26.40 + 0 + 0 + 105.12 + 10.95 + 4.80 + 18.40 + 10.95 + 4.38 + 17.60 + 2.64 + 0.88
    //      + 2.64 + 2.64 + 1 + 0.03 + 1 + 0.03 + 5.70 + 0.90 = 757.72
    // max: 757.72 + (2811.96 − 468.66) + (158.40 − 26.40) + 1195.08 + 79.20 = 4507.30
    assert.deepEqual(e.total, { min: 757.72, max: 4507.3 });
    assert.deepEqual(e.byComponent, {
      // 73 + 468.66 + 26.40 + 105.12 + 10.95 + 4.80 + 1 + 0.03 + 5.70 + 0.90 = 696.56;
      // max 73 + 2811.96 + 158.40 + 1195.08 + 79.20 + 105.12 + 10.95 + 4.80 + 1 + 0.03 + 5.70 + 0.90 = 4446.14
      "EksCluster kp-cluster": { min: 696.56, max: 4446.14 },
      "IngressController kp-addons-ingress": { min: 33.73, max: 33.73 }, // 18.40 + 10.95 + 4.38
      "Monitoring kp-addons-monitoring": { min: 21.12, max: 21.12 }, // 17.60 + 2.64 + 0.88
      "Vault kp-addons-vault": { min: 6.31, max: 6.31 }, // 2.64 + 2.64 + 1 + 0.03
    });
    assert.deepEqual(unpricedOf("prod"), []);
  });

  it("eks-dev (EKS eu-west-1, Karpenter): the system node groups, the NodePool 0-3, one NAT gateway", () => {
    const e = estimateOf("eks-dev");
    assert.deepEqual(linesOf("eks-dev"), [
      "EKS control plane (support type STANDARD) | controlPlane:standard: 730-730 hour × 0.1 = 73-73",
      // 2 groups × 1 node: 1,460 h × $0.0456 = $66.576 → $66.58; disks 2 × 50 GiB × $0.088 = $8.80
      "node pool system: 2-2 × t3.medium (2 node groups, one per zone) | instance:t3.medium: 1460-1460 hour × 0.0456 = 66.58-66.58",
      "node disks of pool system: 50 GiB gp3 × 2-2 | disk:gp3: 100-100 GiB-month × 0.088 = 8.8-8.8",
      // the dearer of t3.large ($0.0912) and t3a.large: 0-3 × 730 = 0-2,190 h → $0-$199.728 → $199.73
      "node pool general: 0-3 × t3.large (Karpenter NodePool, no minimum; the dearest of t3.large, t3a.large) | instance:t3.large: 0-2190 hour × 0.0912 = 0-199.73",
      "node disks of pool general: 100 GiB gp3 × 0-3 | disk:gp3: 0-300 GiB-month × 0.088 = 0-26.4",
      // natGateways single: 730 h × $0.048 = $35.04; its EIP 730 h × $0.005 = $3.65; data 100 × $0.048
      "NAT gateway | natGateway: 730-730 hour × 0.048 = 35.04-35.04",
      "public IPv4 address of the NAT gateway | publicIp: 730-730 hour × 0.005 = 3.65-3.65",
      "NAT data processed | natGateway:data: 100-100 GiB × 0.048 = 4.8-4.8",
      // the NLB in 2 AZs: 2 × 730 = 1,460 h × $0.005 = $7.30
      "load balancer of Service ingress/traefik | loadBalancer: 730-730 hour × 0.0252 = 18.4-18.4",
      "public IPv4 addresses × 2 of Service ingress/traefik | publicIp: 1460-1460 hour × 0.005 = 7.3-7.3",
      "capacity units of Service ingress/traefik | loadBalancer:capacityUnit: 730-730 hour × 0.006 = 4.38-4.38",
      // dev sizes: 10 GiB × $0.088 = $0.88; 1 GiB × $0.088 = $0.088 → $0.09 (twice); Vault in dev mode claims none
      "Prometheus volume: 10 GiB gp3 × 1 | disk:gp3: 10-10 GiB-month × 0.088 = 0.88-0.88",
      "Alertmanager volume: 1 GiB gp3 × 1 | disk:gp3: 1-1 GiB-month × 0.088 = 0.09-0.09",
      "Grafana volume: 1 GiB gp3 × 1 | disk:gp3: 1-1 GiB-month × 0.088 = 0.09-0.09",
      // the cluster's key and Vault's: $1.00 each, 10,000 operations each: 1 unit × $0.03 = $0.03
      "customer-managed key | kmsKey: 1-1 month × 1 = 1-1",
      "operations of customer-managed key | kmsKey:operations: 1-1 10k-operations × 0.03 = 0.03-0.03",
      "customer-managed key | kmsKey: 1-1 month × 1 = 1-1",
      "operations of customer-managed key | kmsKey:operations: 1-1 10k-operations × 0.03 = 0.03-0.03",
      "control-plane logs (api, audit, authenticator, controllerManager, scheduler): ingestion | logs:ingestion: 10-10 GiB × 0.57 = 5.7-5.7",
      "control-plane logs (api, audit, authenticator, controllerManager, scheduler): storage (90 days kept) | logs:storage: 30-30 GiB-month × 0.03 = 0.9-0.9",
    ]);
    // min: 73 + 66.58 + 8.80 + 35.04 + 3.65 + 4.80 + 18.40 + 7.30 + 4.38 + 0.88 + 0.09 + 0.09 + 1 + 0.03 + 1
    //      + 0.03 + 5.70 + 0.90 = 231.67; max: 231.67 + 199.73 + 26.40 = 457.80
    assert.deepEqual(e.total, { min: 231.67, max: 457.8 });
    assert.deepEqual(e.byComponent, {
      // 73 + 66.58 + 8.80 + 35.04 + 3.65 + 4.80 + 1 + 0.03 + 5.70 + 0.90 = 199.50; max + 199.73 + 26.40 = 425.63
      "EksCluster kp-cluster": { min: 199.5, max: 425.63 },
      "IngressController kp-addons-ingress": { min: 30.08, max: 30.08 }, // 18.40 + 7.30 + 4.38
      "Monitoring kp-addons-monitoring": { min: 1.06, max: 1.06 }, // 0.88 + 0.09 + 0.09
      "Vault kp-addons-vault": { min: 1.03, max: 1.03 }, // 1 + 0.03
    });
    assert.deepEqual(unpricedOf("eks-dev"), []);
  });

  it("gke (europe-west1): 3-9 nodes over the region's zones, Cloud NAT per node, the load balancer, volumes, logs", () => {
    const e = estimateOf("gke");
    assert.deepEqual([e.cloud, e.region], ["gcp", "europe-west1"]);
    assert.deepEqual(linesOf("gke"), [
      "GKE cluster management fee | controlPlane:standard: 730-730 hour × 0.1 = 73-73",
      // 3 × 730 = 2,190 h × $0.14743092 = $322.8737 → $322.87; 9 × 730 = 6,570 h → $968.6211 → $968.62
      "node pool general: 3-9 × e2-standard-4 (total over the region's zones) | instance:e2-standard-4: 2190-6570 hour × 0.14743092 = 322.87-968.62",
      "node disks of pool general: 100 GiB pd-balanced × 3-9 | disk:pd-balanced: 300-900 GiB-month × 0.1 = 30-90",
      // per node using it: 2,190 h × $0.0014 = $3.066 → $3.07; 6,570 h → $9.198 → $9.20
      "Cloud NAT gateway (priced per node using it, up to 32: 3-9) | natGateway: 2190-6570 hour × 0.0014 = 3.07-9.2",
      "public IPv4 address of the NAT gateway | publicIp: 730-730 hour × 0.005 = 3.65-3.65",
      "NAT data processed | natGateway:data: 100-100 GiB × 0.045 = 4.5-4.5",
      // forwarding rule 730 h × $0.025 = $18.25; 100 GiB (cost.loadBalancerDataGiB) × $0.008 = $0.80
      "load balancer of Service ingress/traefik | loadBalancer: 730-730 hour × 0.025 = 18.25-18.25",
      "data processed by Service ingress/traefik | loadBalancer:data: 100-100 GiB × 0.008 = 0.8-0.8",
      "Prometheus volume: 100 GiB standard-rwo × 2 | disk:pd-balanced: 200-200 GiB-month × 0.1 = 20-20",
      "Alertmanager volume: 10 GiB standard-rwo × 3 | disk:pd-balanced: 30-30 GiB-month × 0.1 = 3-3",
      "Grafana volume: 10 GiB standard-rwo × 1 | disk:pd-balanced: 10-10 GiB-month × 0.1 = 1-1",
      "Vault data volume: 10 GiB standard-rwo × 3 | disk:pd-balanced: 30-30 GiB-month × 0.1 = 3-3",
      "Vault audit volume: 10 GiB standard-rwo × 3 | disk:pd-balanced: 30-30 GiB-month × 0.1 = 3-3",
      // the cluster's key and Vault's: one key version $0.06 each; 10,000 operations each: 1 unit × $0.03
      "customer-managed key | kmsKey: 1-1 month × 0.06 = 0.06-0.06",
      "operations of customer-managed key | kmsKey:operations: 1-1 10k-operations × 0.03 = 0.03-0.03",
      "customer-managed key | kmsKey: 1-1 month × 0.06 = 0.06-0.06",
      "operations of customer-managed key | kmsKey:operations: 1-1 10k-operations × 0.03 = 0.03-0.03",
      // 10 GiB × $0.50 = $5.00
      "cluster logs (Cloud Logging): ingestion | logs:ingestion: 10-10 GiB × 0.5 = 5-5",
    ]);
    // min: 73 + 322.87 + 30 + 3.07 + 3.65 + 4.50 + 18.25 + 0.80 + 20 + 3 + 1 + 3 + 3 + 0.06 + 0.03 + 0.06
    //      + 0.03 + 5 = 491.32
    // max: 73 + 968.62 + 90 + 9.20 + 3.65 + 4.50 + 18.25 + 0.80 + 30 + 0.18 (keys, 2 × $0.09) + 5 = 1203.20
    assert.deepEqual(e.total, { min: 491.32, max: 1203.2 });
    assert.deepEqual(e.byComponent, {
      // 73 + 322.87 + 30 + 3.07 + 3.65 + 4.50 + 0.06 + 0.03 + 5 = 442.18; max 73 + 968.62 + 90 + 9.20 + 3.65
      // + 4.50 + 0.09 + 5 = 1154.06
      "GkeCluster kp-cluster": { min: 442.18, max: 1154.06 },
      "IngressController kp-addons-ingress": { min: 19.05, max: 19.05 }, // 18.25 + 0.80
      "Monitoring kp-addons-monitoring": { min: 24, max: 24 }, // 20 + 3 + 1
      "Vault kp-addons-vault": { min: 6.09, max: 6.09 }, // 3 + 3 + 0.06 + 0.03
    });
    assert.deepEqual(unpricedOf("gke"), []);
  });

  it("aks (westeurope): Standard tier, both pools with their OS disks, the outbound load balancer, ZRS volumes", () => {
    const e = estimateOf("aks");
    assert.deepEqual([e.cloud, e.region], ["azure", "westeurope"]);
    assert.deepEqual(linesOf("aks"), [
      "AKS control plane (tier Standard) | controlPlane:standard: 730-730 hour × 0.1 = 73-73",
      // 3-5 × 730 h × $0.115 = $251.85-$419.75; OS disks 100 GiB → P10 (128 GiB) 3-5 × $21.68 = $65.04-$108.40
      "node pool system: 3-5 × Standard_D2s_v5 (system pool) | instance:Standard_D2s_v5: 2190-3650 hour × 0.115 = 251.85-419.75",
      "node disks of pool system: 100 GiB premium-lrs × 3-5 (P10, 128 GiB) | disk:premium-lrs:P10: 3-5 month × 21.68 = 65.04-108.4",
      // 3-9 × 730 h × $0.23 = $503.70-$1,511.10; 3-9 × $21.68 = $65.04-$195.12
      "node pool general: 3-9 × Standard_D4s_v5 | instance:Standard_D4s_v5: 2190-6570 hour × 0.23 = 503.7-1511.1",
      "node disks of pool general: 100 GiB premium-lrs × 3-9 (P10, 128 GiB) | disk:premium-lrs:P10: 3-9 month × 21.68 = 65.04-195.12",
      // 730 h × $0.025 = $18.25; its outbound IP $3.65; the nodes' egress 100 GiB (cost.natDataGiB) × $0.005 = $0.50
      "Standard Load Balancer (outbound traffic and LoadBalancer Services) | loadBalancer: 730-730 hour × 0.025 = 18.25-18.25",
      "public IPv4 address of its outbound traffic | publicIp: 730-730 hour × 0.005 = 3.65-3.65",
      "outbound data processed (the nodes' egress) | loadBalancer:data: 100-100 GiB × 0.005 = 0.5-0.5",
      "public IPv4 address of Service ingress/traefik | publicIp: 730-730 hour × 0.005 = 3.65-3.65",
      "data processed by Service ingress/traefik | loadBalancer:data: 100-100 GiB × 0.005 = 0.5-0.5",
      // zonal pools on 1.34: managed-csi makes Standard SSD ZRS disks, billed per tier: 100 GiB → E10
      // (128 GiB) 2 × $14.40 = $28.80; 10 GiB → E3 (16 GiB) 3 × $1.80 = $5.40, 1 × $1.80
      "Prometheus volume: 100 GiB managed-csi × 2 (E10, 128 GiB) | disk:standardssd-zrs:E10: 2-2 month × 14.4 = 28.8-28.8",
      "Alertmanager volume: 10 GiB managed-csi × 3 (E3, 16 GiB) | disk:standardssd-zrs:E3: 3-3 month × 1.8 = 5.4-5.4",
      "Grafana volume: 10 GiB managed-csi × 1 (E3, 16 GiB) | disk:standardssd-zrs:E3: 1-1 month × 1.8 = 1.8-1.8",
      "Vault data volume: 10 GiB managed-csi × 3 (E3, 16 GiB) | disk:standardssd-zrs:E3: 3-3 month × 1.8 = 5.4-5.4",
      "Vault audit volume: 10 GiB managed-csi × 3 (E3, 16 GiB) | disk:standardssd-zrs:E3: 3-3 month × 1.8 = 5.4-5.4",
      // Vault's Key Vault key (RSA 3072, Standard: no per-key charge): 10,000 operations (cost.kmsKeyOperations
      // default) / 10,000 = 1 unit × $0.15 = $0.15
      "operations of customer-managed key | kmsKey:operations: 1-1 10k-operations × 0.15 = 0.15-0.15",
    ]);
    // min: 73 + 251.85 + 65.04 + 503.70 + 65.04 + 18.25 + 3.65 + 0.50 + 3.65 + 0.50 + 28.80 + 5.40 + 1.80 + 5.40
    //      + 5.40 + 0.15 = 1032.13
    // max: 73 + 419.75 + 108.40 + 1511.10 + 195.12 + 18.25 + 3.65 + 0.50 + 3.65 + 0.50 + 46.80 + 0.15 = 2380.87
    assert.deepEqual(e.total, { min: 1032.13, max: 2380.87 });
    assert.deepEqual(e.byComponent, {
      "AksCluster kp-cluster": { min: 981.03, max: 2329.77 },
      "IngressController kp-addons-ingress": { min: 4.15, max: 4.15 }, // 3.65 + 0.50
      "Monitoring kp-addons-monitoring": { min: 36, max: 36 }, // 28.80 + 5.40 + 1.80
      "Vault kp-addons-vault": { min: 10.95, max: 10.95 }, // 5.40 + 5.40 + 0.15
    });
    // nothing left unpriced: the Key Vault key is priced by its operations
    assert.deepEqual(unpricedOf("aks"), []);
  });

  it("doks (ams3): HA control plane, both pools' Droplets, the load balancer, the volumes", () => {
    const e = estimateOf("doks");
    assert.deepEqual([e.cloud, e.region], ["digitalocean", "ams3"]);
    assert.deepEqual(linesOf("doks"), [
      "DOKS control plane (high availability) | controlPlane:ha: 1-1 month × 40 = 40-40",
      // 3-9 × $48 = $144-$432; 0-4 × $168 = $0-$672 (monthly Droplet prices, disks included)
      "node pool general: 3-9 × s-4vcpu-8gb | instance:s-4vcpu-8gb: 3-9 month × 48 = 144-432",
      "node pool batch: 0-4 × c-8 | instance:c-8: 0-4 month × 168 = 0-672",
      "load balancer of Service ingress/traefik | loadBalancer: 1-1 month × 10 = 10-10",
      // $0.10 per GiB-month: 200 GiB $20, 30 GiB $3, 10 GiB $1, 30 GiB $3 twice
      "Prometheus volume: 100 GiB do-block-storage × 2 | disk:volume: 200-200 GiB-month × 0.1 = 20-20",
      "Alertmanager volume: 10 GiB do-block-storage × 3 | disk:volume: 30-30 GiB-month × 0.1 = 3-3",
      "Grafana volume: 10 GiB do-block-storage × 1 | disk:volume: 10-10 GiB-month × 0.1 = 1-1",
      "Vault data volume: 10 GiB do-block-storage × 3 | disk:volume: 30-30 GiB-month × 0.1 = 3-3",
      "Vault audit volume: 10 GiB do-block-storage × 3 | disk:volume: 30-30 GiB-month × 0.1 = 3-3",
    ]);
    // min: 40 + 144 + 0 + 10 + 20 + 3 + 1 + 3 + 3 = 224; max: 40 + 432 + 672 + 10 + 30 = 1184
    assert.deepEqual(e.total, { min: 224, max: 1184 });
    assert.deepEqual(e.byComponent, {
      "DoksCluster kp-cluster": { min: 184, max: 1144 },
      "IngressController kp-addons-ingress": { min: 10, max: 10 },
      "Monitoring kp-addons-monitoring": { min: 24, max: 24 },
      "Vault kp-addons-vault": { min: 6, max: 6 },
    });
    assert.deepEqual(unpricedOf("doks"), []);
  });

  it("every line carries its source page; usage-priced lines their assumption, the others none", () => {
    for (const e of estimates.values()) {
      for (const l of e.lines) {
        assert.match(l.source, /^https:\/\//, `${e.stack}: ${l.resource}`);
        const usage = /:data$|capacityUnit|:operations$|^logs:/.test(l.item);
        if (usage) assert.match(l.assumption ?? "", /\(cost\.\w+\)$/, `${e.stack}: ${l.resource}`);
        else assert.equal(l.assumption, undefined, `${e.stack}: ${l.resource}`);
      }
    }
  });
});
