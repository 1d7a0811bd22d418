/**
 * The cost estimate's network items over hand-made recorded resources (test price files,
 * tests/fixtures/cost/): NAT gateways and their data, load balancers and public IPv4 addresses.
 * Volumes: cost-estimate-volumes.test.ts; KMS keys and logs: cost-estimate-keys.test.ts.
 */
import * as assert from "node:assert/strict";
import { addon, loadBalancerService, recorded } from "./fixtures/cost/recorded";
import { CLUSTER, estimateWith as estimate, summary } from "./helpers/cost-estimate";

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
