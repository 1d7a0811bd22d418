/**
 * The inputs each deployability rule reads, both ways: GCP firewall rules (direction, disabled,
 * sources, protocols, ports), security-group port ranges, transit-gateway routes, the facts of an
 * adopted cluster, label maps, upgrade channels, the chart toggles that render a LoadBalancer Service
 * and who serves one on EKS. Messages: tests/deployability-messages.test.ts.
 */
import * as assert from "assert";
import {
  DeployContext,
  ResourceUnderTest,
  StackRule,
  coversTcp,
  evaluate,
  loadBalancerValues,
} from "../rules";
import {
  deployAksMaintenanceWindow,
  deployApiReachable,
  deployGcpLabels,
  deployLoadBalancerAvailable,
  deployMetricsApi,
  deployNoPlaceholders,
  deployWebhooksReachable,
} from "../rules/deployability";
import { deployEksLoadBalancerController } from "../rules/load-balancer-services";

const res = (type: string, name: string, inputs: Record<string, unknown>): ResourceUnderTest => ({
  type,
  name,
  inputs,
  options: { ignoreChanges: [] },
});
const DEV: DeployContext = { profile: "dev" };
const facts = (over: Partial<NonNullable<DeployContext["cluster"]>> = {}): DeployContext => ({
  profile: "dev",
  cluster: {
    target: "existing",
    loadBalancer: false,
    metricsApi: false,
    kubeletCertsTrusted: false,
    ...over,
  },
});

/** The resources of each violation of `rule`. */
const hits = (rule: StackRule, all: ResourceUnderTest[], ctx = DEV) =>
  evaluate(all, ctx, [rule]).map((v) => v.resource);

const RELEASE = "kubernetes:helm.sh/v3:Release";
const release = (chart: string, values: Record<string, unknown> = {}) =>
  res(RELEASE, `kp-${chart}`, { chart, values });

describe("deploy-webhooks-reachable: which GCP firewall rules open the webhook port", () => {
  const gke = res("gcp:container/cluster:Cluster", "kp-gke", {
    privateClusterConfig: { enablePrivateNodes: true, masterIpv4CidrBlock: "172.16.0.0/28" },
  });
  const vault = release("vault");
  const fw = (inputs: Record<string, unknown>) =>
    res("gcp:compute/firewall:Firewall", "kp-fw", {
      direction: "INGRESS",
      sourceRanges: ["172.16.0.0/28"],
      allows: [{ protocol: "tcp", ports: ["8080"] }],
      ...inputs,
    });
  /** Whether the vault injector (tcp 8080) is reachable with this firewall rule. */
  const open = (inputs: Record<string, unknown>) =>
    hits(deployWebhooksReachable, [gke, vault, fw(inputs)]).length === 0;

  it("ingress rules count (any case, or no direction); egress and disabled ones do not", () => {
    assert.strictEqual(open({}), true);
    assert.strictEqual(open({ direction: "ingress" }), true);
    assert.strictEqual(open({ direction: undefined }), true);
    assert.strictEqual(open({ direction: "EGRESS" }), false);
    assert.strictEqual(open({ disabled: true }), false);
    assert.strictEqual(open({ disabled: false }), true);
  });

  it("the source is the control-plane range or the whole internet, among others", () => {
    assert.strictEqual(open({ sourceRanges: ["10.0.0.0/8", "172.16.0.0/28"] }), true);
    assert.strictEqual(open({ sourceRanges: ["10.0.0.0/8", "::/0"] }), true);
    assert.strictEqual(open({ sourceRanges: ["0.0.0.0/0"] }), true);
    assert.strictEqual(open({ sourceRanges: ["10.0.0.0/8"] }), false);
    assert.strictEqual(open({ sourceRanges: [] }), false);
  });

  it("protocols: all, or tcp; udp alone does not open it; any one allow entry is enough", () => {
    assert.strictEqual(open({ allows: [{ protocol: "all" }] }), true);
    assert.strictEqual(open({ allows: [{ protocol: "ALL", ports: ["1"] }] }), true);
    assert.strictEqual(open({ allows: [{ protocol: "udp", ports: ["8080"] }] }), false);
    assert.strictEqual(open({ allows: [{ ports: ["8080"] }] }), false);
    assert.strictEqual(
      open({
        allows: [
          { protocol: "udp", ports: ["8080"] },
          { protocol: "tcp", ports: ["8080"] },
        ],
      }),
      true,
    );
  });

  it("ports: none means all, a list needs one covering the port, ranges both ends, numbers too", () => {
    assert.strictEqual(open({ allows: [{ protocol: "tcp" }] }), true);
    assert.strictEqual(open({ allows: [{ protocol: "tcp", ports: [] }] }), true);
    assert.strictEqual(open({ allows: [{ protocol: "tcp", ports: ["9090", "8080"] }] }), true);
    assert.strictEqual(open({ allows: [{ protocol: "tcp", ports: [8080] }] }), true);
    assert.strictEqual(open({ allows: [{ protocol: "tcp", ports: ["8080-8080"] }] }), true);
    assert.strictEqual(open({ allows: [{ protocol: "tcp", ports: ["7000"] }] }), false);
    assert.strictEqual(open({ allows: [{ protocol: "tcp", ports: ["9000"] }] }), false);
    assert.strictEqual(open({ allows: [{ protocol: "tcp", ports: ["7000-8079"] }] }), false);
    assert.strictEqual(open({ allows: [{ protocol: "tcp", ports: ["8081-9000"] }] }), false);
  });

  it("public nodes and other clouds need no firewall rule", () => {
    const publicNodes = res("gcp:container/cluster:Cluster", "kp-gke", {
      privateClusterConfig: { enablePrivateNodes: false },
    });
    assert.deepStrictEqual(hits(deployWebhooksReachable, [publicNodes, vault]), []);
    assert.deepStrictEqual(hits(deployWebhooksReachable, [vault]), []);
  });
});

describe("security-group port ranges (coversTcp) and the EKS deployer path", () => {
  it("tcp ranges cover the port at both ends; all protocols cover every port; others none", () => {
    assert.strictEqual(coversTcp("tcp", 443, 443, 443), true);
    assert.strictEqual(coversTcp("TCP", 400, 500, 443), true);
    assert.strictEqual(coversTcp("tcp", 443, undefined, 443), true);
    assert.strictEqual(coversTcp("tcp", "443", "443", 443), true);
    assert.strictEqual(coversTcp("tcp", 444, 500, 443), false);
    assert.strictEqual(coversTcp("tcp", 400, 442, 443), false);
    assert.strictEqual(coversTcp("tcp", 400, undefined, 443), false);
    assert.strictEqual(coversTcp("tcp", undefined, undefined, 443), false);
    assert.strictEqual(coversTcp("-1", 0, 0, 443), true);
    assert.strictEqual(coversTcp("all", 0, 0, 443), true);
    assert.strictEqual(coversTcp("udp", 443, 443, 443), false);
    assert.strictEqual(coversTcp(undefined, 443, 443, 443), false);
  });

  const eks = res("aws:eks/cluster:Cluster", "kp-eks", { vpcConfig: { endpointPublicAccess: false } });
  const sg = res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "kp-sg", {
    ipProtocol: "tcp",
    fromPort: 443,
    toPort: 443,
    cidrIpv4: "10.100.0.0/16",
  });
  const attachment = (transitGatewayId?: string) =>
    res("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "kp-tgw", { transitGatewayId });
  const route = (via: Record<string, string>) =>
    res("aws:ec2/route:Route", "kp-route", { destinationCidrBlock: "10.100.0.0/16", ...via });

  it("the route must go through the transit gateway, and the attachment name one", () => {
    const tgw = "tgw-0123456789abcdef0";
    assert.deepStrictEqual(
      hits(deployApiReachable, [eks, sg, attachment(tgw), route({ transitGatewayId: tgw })]),
      [],
    );
    assert.deepStrictEqual(
      hits(deployApiReachable, [eks, sg, attachment(tgw), route({ natGatewayId: "nat-1" })]),
      ["aws:eks/cluster:Cluster kp-eks"],
    );
    const noCidr = {
      ...sg,
      inputs: { ...sg.inputs, cidrIpv4: undefined, referencedSecurityGroupId: "sg-1" },
    };
    const noDestination = res("aws:ec2/route:Route", "kp-route", { transitGatewayId: tgw });
    assert.deepStrictEqual(hits(deployApiReachable, [eks, noCidr, attachment(tgw), noDestination]), [
      "aws:eks/cluster:Cluster kp-eks",
    ]);
    assert.deepStrictEqual(
      hits(deployApiReachable, [eks, sg, attachment(), route({ transitGatewayId: tgw })]),
      ["aws:eks/cluster:Cluster kp-eks"],
    );
  });
});

describe("the API allow-lists and firewalls the rules read", () => {
  it("a null masterAuthorizedNetworksConfig restricts nothing", () => {
    const gke = res("gcp:container/cluster:Cluster", "kp-gke", { masterAuthorizedNetworksConfig: null });
    assert.deepStrictEqual(hits(deployApiReachable, [gke]), []);
  });

  it("only a DOKS cluster's firewall is read, and only when it is on", () => {
    const firewall = { enabled: true, allowedAddresses: [] };
    const notACluster = res("digitalocean:index/kubernetesNodePool:KubernetesNodePool", "kp-pool", {
      controlPlaneFirewall: { enabled: true, allowedAddresses: ["198.51.100.7/32"] },
    });
    assert.deepStrictEqual(
      hits(deployApiReachable, [{ ...notACluster, inputs: { controlPlaneFirewall: firewall } }]),
      [],
    );
    assert.deepStrictEqual(hits(deployNoPlaceholders, [notACluster]), []);
    const off = res("digitalocean:index/kubernetesCluster:KubernetesCluster", "kp-doks", {
      controlPlaneFirewall: { enabled: false, allowedAddresses: ["198.51.100.7/32"] },
    });
    assert.deepStrictEqual(hits(deployNoPlaceholders, [off]), []);
  });
});

describe("the facts of an adopted cluster", () => {
  const hpa = res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kp-hpa", {});
  const lb = res("kubernetes:core/v1:Service", "kp-svc", { spec: { type: "LoadBalancer" } });

  it("deploy-metrics-api: only a metrics-server release or the cluster's own API serves HPAs", () => {
    assert.deepStrictEqual(hits(deployMetricsApi, [hpa, release("traefik")], facts()), [
      "kubernetes:autoscaling/v2:HorizontalPodAutoscaler kp-hpa",
    ]);
    assert.deepStrictEqual(hits(deployMetricsApi, [hpa, release("metrics-server")], facts()), []);
    assert.deepStrictEqual(hits(deployMetricsApi, [hpa], facts({ metricsApi: true })), []);
    assert.deepStrictEqual(hits(deployMetricsApi, [hpa], DEV), []);
  });

  it("deploy-loadbalancer-available: silent when the cluster has a LoadBalancer implementation", () => {
    assert.deepStrictEqual(hits(deployLoadBalancerAvailable, [lb], facts()), [
      "kubernetes:core/v1:Service kp-svc",
    ]);
    assert.deepStrictEqual(
      hits(deployLoadBalancerAvailable, [lb, release("traefik")], facts({ loadBalancer: true })),
      [],
    );
  });
});

describe("label maps and upgrade channels", () => {
  it("deploy-gcp-labels: only string values are checked", () => {
    const net = res("gcp:compute/network:Network", "kp-net", { labels: { ratio: 1.5, ok: "fine" } });
    assert.deepStrictEqual(hits(deployGcpLabels, [net]), []);
  });

  it("deploy-aks-maintenance-window: no window for the none, None and Unmanaged channels", () => {
    const aks = (autoUpgradeProfile: Record<string, string>) =>
      res("azure-native:containerservice:ManagedCluster", "kp-aks", { autoUpgradeProfile });
    const found = (p: Record<string, string>) => evaluate([aks(p)], DEV, [deployAksMaintenanceWindow]).length;
    assert.strictEqual(found({ upgradeChannel: "none", nodeOSUpgradeChannel: "Unmanaged" }), 0);
    assert.strictEqual(found({ upgradeChannel: "none", nodeOSUpgradeChannel: "None" }), 0);
    assert.strictEqual(found({ upgradeChannel: "none", nodeOSUpgradeChannel: "SecurityPatch" }), 1);
    assert.strictEqual(found({ upgradeChannel: "stable" }), 1);
  });
});

describe("the chart toggles that render a LoadBalancer Service", () => {
  const keys = (chart: string, values: Record<string, unknown>) =>
    loadBalancerValues(chart, values).map((l) => l.key);
  const LB = { type: "LoadBalancer" };

  it("vault: an external Vault, server.enabled false or server.service.enabled false render no server Service", () => {
    const server = { service: LB };
    assert.deepStrictEqual(keys("vault", { server }), ["addons.vault.values.server.service.type"]);
    assert.deepStrictEqual(
      keys("vault", { global: { externalVaultAddr: "https://vault.example" }, server }),
      [],
    );
    assert.deepStrictEqual(keys("vault", { server: { enabled: false, service: LB } }), []);
    assert.deepStrictEqual(keys("vault", { server: { enabled: "true", service: LB } }), [
      "addons.vault.values.server.service.type",
    ]);
    assert.deepStrictEqual(
      keys("vault", { server: { service: { enabled: false, type: "LoadBalancer" } } }),
      [],
    );
  });

  it("nginx-ingress: controller.service.create false renders none", () => {
    assert.deepStrictEqual(keys("nginx-ingress", { controller: { service: { create: false } } }), []);
    assert.deepStrictEqual(keys("nginx-ingress", { controller: { service: { create: true } } }), [
      "addons.ingress.values.controller.service.type",
    ]);
  });

  it("kube-prometheus-stack: each component's enabled and service.enabled", () => {
    const kps = (values: Record<string, unknown>) => keys("kube-prometheus-stack", values);
    assert.deepStrictEqual(kps({ grafana: { service: { enabled: false, type: "LoadBalancer" } } }), []);
    for (const c of ["prometheus", "alertmanager"]) {
      assert.deepStrictEqual(kps({ [c]: { service: LB } }), [`addons.monitoring.values.${c}.service.type`]);
      assert.deepStrictEqual(kps({ [c]: { enabled: false, service: LB } }), [], `${c}.enabled`);
      assert.deepStrictEqual(kps({ [c]: { service: { enabled: false, type: "LoadBalancer" } } }), [], c);
    }
    assert.deepStrictEqual(
      kps({ prometheus: { enabled: false, thanosServiceExternal: { enabled: true } } }),
      [],
    );
  });
});

describe("deploy-eks-load-balancer-controller: who serves the Service", () => {
  const eks = res("aws:eks/cluster:Cluster", "kp-eks", {});
  const svc = res("kubernetes:core/v1:Service", "kp-lb", {
    spec: { type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb" },
  });

  it("the controller's class alone (no type annotation) is the controller's, served once it is installed", () => {
    assert.deepStrictEqual(
      hits(deployEksLoadBalancerController, [eks, svc, release("aws-load-balancer-controller")]),
      [],
    );
  });

  it("another release is not the controller", () => {
    assert.deepStrictEqual(hits(deployEksLoadBalancerController, [eks, svc, release("traefik")]), [
      "kubernetes:core/v1:Service kp-lb",
    ]);
  });
});
