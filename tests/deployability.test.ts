/**
 * The deployability rules of ../rules/deployability: one compliant and at least one violating set
 * per rule. Every example stack through the real program: example-stack-rules.test.ts.
 */
import * as assert from "assert";
import {
  ClusterFacts,
  DEPLOYABILITY_RULES,
  DeployContext,
  ResourceUnderTest,
  SERVICE_TYPE_VALUES,
  WEBHOOK_PORTS,
  evaluate,
  get,
  loadBalancerValues,
} from "../rules";
import type { ChartKey } from "../components/addons/versions";
import { chartData } from "../components/shared/chart-values";

type Inputs = Record<string, unknown>;

function res(
  type: string,
  name: string,
  inputs: Inputs,
  extra: Partial<Pick<ResourceUnderTest, "urn" | "dependsOn">> & { ignoreChanges?: string[] } = {},
): ResourceUnderTest {
  return {
    type,
    name,
    inputs,
    urn: extra.urn ?? `urn:pulumi:s::p::${type}::${name}`,
    dependsOn: extra.dependsOn ?? [],
    options: { ignoreChanges: extra.ignoreChanges ?? [] },
  };
}

const DEV: DeployContext = { profile: "dev" };
const KIND: ClusterFacts = {
  target: "existing",
  loadBalancer: false,
  metricsApi: false,
  kubeletCertsTrusted: false,
};
const ON_KIND: DeployContext = { profile: "dev", cluster: KIND };

/* ------------------------------------------------------------------------------------------ */
/* Fixtures                                                                                   */
/* ------------------------------------------------------------------------------------------ */

const EKS = "aws:eks/cluster:Cluster";
const eks = (vpcConfig: Inputs, extra: Inputs = {}, ignoreChanges = ["vpcConfig.subnetIds"]) =>
  res(
    EKS,
    "kp-eks",
    {
      vpcConfig,
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
      upgradePolicy: { supportType: "STANDARD" },
      ...extra,
    },
    { ignoreChanges },
  );
const eksPublic = eks({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
const eksPrivate = eks({ endpointPublicAccess: false, endpointPrivateAccess: true });
const sgRule = (from: number, to: number, ipProtocol = "tcp") =>
  res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `kp-deployer-${from}`, {
    securityGroupId: "sg-cluster",
    ipProtocol,
    fromPort: from,
    toPort: to,
    cidrIpv4: "10.100.0.0/16",
  });
const tgwAttachment = res("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "kp-deployer-tgw", {
  transitGatewayId: "tgw-0123456789abcdef0",
  subnetIds: ["subnet-a", "subnet-b"],
});
const tgwRoute = (destinationCidrBlock: string) =>
  res("aws:ec2/route:Route", `kp-private-0-deployer-${destinationCidrBlock}`, {
    destinationCidrBlock,
    transitGatewayId: "tgw-0123456789abcdef0",
  });
const TGW_PATH = [tgwAttachment, tgwRoute("10.100.0.0/16")];
const subnet = (zoneId?: string) =>
  res("aws:ec2/subnet:Subnet", `kp-private-${zoneId ?? "x"}`, {
    cidrBlock: "10.0.0.0/19",
    ...(zoneId ? { availabilityZoneId: zoneId } : { availabilityZone: "eu-west-1a" }),
  });
const nodeGroup = (subnetIds: string[]) =>
  res("aws:eks/nodeGroup:NodeGroup", `kp-general-${subnetIds.length}`, { subnetIds });
const accessEntry = (principalArn: string) =>
  res("aws:eks/accessEntry:AccessEntry", "kp-admin", { principalArn, type: "STANDARD" });

const GKE = "gcp:container/cluster:Cluster";
const gke = (man: unknown, privateNodes = true) =>
  res(GKE, "kp-gke", {
    privateClusterConfig: { enablePrivateNodes: privateNodes, masterIpv4CidrBlock: "172.16.0.0/28" },
    ...(man === undefined ? {} : { masterAuthorizedNetworksConfig: man }),
  });
const office = { cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "office" }] };
const release = (chart: string, values: Inputs = {}) =>
  res("kubernetes:helm.sh/v3:Release", `kp-${chart.split("/").pop()}`, { chart, values });
const firewall = (ports: string[], sourceRanges = ["172.16.0.0/28"], protocol = "tcp") =>
  res("gcp:compute/firewall:Firewall", "kp-webhooks", {
    direction: "INGRESS",
    sourceRanges,
    allows: [{ protocol, ports }],
  });

const AKS = "azure-native:containerservice:ManagedCluster";
const aks = (inputs: Inputs) =>
  res(AKS, "kp-aks", {
    aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [] },
    apiServerAccessProfile: { enablePrivateCluster: false, authorizedIPRanges: ["203.0.113.0/24"] },
    autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
    ...inputs,
  });
const deployerAdmin = res("azure-native:authorization:RoleAssignment", "kp-deployer-admin", {
  roleDefinitionId:
    "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  principalId: "deployer",
});
const peering = res("azure-native:network:VirtualNetworkPeering", "kp-to-runner", {
  remoteVirtualNetwork: {},
});
const maintenance = (configName: string) =>
  res("azure-native:containerservice:MaintenanceConfiguration", `kp-${configName}`, { configName });
const AKS_WINDOWS = [
  maintenance("aksManagedAutoUpgradeSchedule"),
  maintenance("aksManagedNodeOSUpgradeSchedule"),
];

const doks = (controlPlaneFirewall?: Inputs) =>
  res("digitalocean:index/kubernetesCluster:KubernetesCluster", "kp-doks", {
    ...(controlPlaneFirewall ? { controlPlaneFirewall } : {}),
  });

const service = (type: string) => res("kubernetes:core/v1:Service", `kp-svc-${type}`, { spec: { type } });
/** A LoadBalancer Service with spec fields and annotations; the controller's release on EKS. */
const lbService = (spec: Inputs, annotations: Record<string, string> = {}) =>
  res("kubernetes:core/v1:Service", "kp-ingress-lb", {
    metadata: { annotations },
    spec: { type: "LoadBalancer", ...spec },
  });
const LBC_ANNOTATIONS = {
  "service.beta.kubernetes.io/aws-load-balancer-type": "external",
  "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
};
const lbc = release("aws-load-balancer-controller");
const hpa = res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kp-hello", {
  spec: { minReplicas: 2 },
});

const identity = res("gcp:projects/serviceIdentity:ServiceIdentity", "kp-gke-agent", {
  service: "container.googleapis.com",
});
const agentGrant = (dependsOn: string[]) =>
  res(
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
    "kp-secrets-gke-agent",
    { member: "serviceAccount:service-123@container-engine-robot.iam.gserviceaccount.com" },
    { dependsOn },
  );
const gcpProvider = (defaultLabels: Inputs) => res("pulumi:providers:gcp", "kp-gcp", { defaultLabels });

interface Case {
  ctx?: DeployContext;
  compliant: ResourceUnderTest[][];
  violating: ResourceUnderTest[][];
}

const CASES: Record<string, Case> = {
  "deploy-api-reachable": {
    compliant: [
      [eksPublic],
      [eksPrivate, sgRule(443, 443), ...TGW_PATH],
      [eksPrivate, sgRule(0, 65535), ...TGW_PATH],
      [eksPrivate, sgRule(-1, -1, "-1"), ...TGW_PATH],
      [gke(office)],
      [gke(undefined)],
      [gke({ cidrBlocks: [], gcpPublicCidrsAccessEnabled: true })],
      [aks({})],
      [aks({ apiServerAccessProfile: { enablePrivateCluster: true } }), peering],
      [doks()],
      [doks({ enabled: false, allowedAddresses: [] })],
      [doks({ enabled: true, allowedAddresses: ["203.0.113.0/24"] })],
    ],
    violating: [
      [eksPrivate],
      [eksPrivate, sgRule(443, 443)],
      [eksPrivate, sgRule(443, 443), tgwAttachment],
      [eksPrivate, sgRule(443, 443), tgwAttachment, tgwRoute("10.200.0.0/16")],
      [eksPrivate, sgRule(443, 443), tgwRoute("10.100.0.0/16")],
      [eksPrivate, sgRule(22, 22), ...TGW_PATH],
      [eksPrivate, sgRule(443, 443, "udp"), ...TGW_PATH],
      [gke({ cidrBlocks: [] })],
      [gke({})],
      [aks({ apiServerAccessProfile: { enablePrivateCluster: true } })],
      [doks({ enabled: true, allowedAddresses: [] })],
    ],
  },
  "deploy-kubernetes-rbac": {
    compliant: [
      [eksPublic],
      [
        eks(
          { endpointPublicAccess: true },
          { accessConfig: { bootstrapClusterCreatorAdminPermissions: false } },
        ),
        accessEntry("arn:aws:iam::111122223333:role/admins"),
      ],
      [aks({}), deployerAdmin],
      [
        aks({
          aadProfile: {
            enableAzureRBAC: true,
            adminGroupObjectIDs: ["00000000-0000-0000-0000-000000000001"],
          },
        }),
      ],
      [aks({ aadProfile: { enableAzureRBAC: false } })],
    ],
    violating: [
      [
        eks(
          { endpointPublicAccess: true },
          { accessConfig: { bootstrapClusterCreatorAdminPermissions: false } },
        ),
      ],
      [aks({})],
      [
        aks({}),
        res("azure-native:authorization:RoleAssignment", "kp-reader", {
          roleDefinitionId:
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
        }),
      ],
    ],
  },
  "deploy-webhooks-reachable": {
    compliant: [
      [gke(office), release("vault", { injector: { port: 10250 } }), release("cert-manager")],
      [gke(office), release("vault"), firewall(["8080"])],
      [gke(office), release("vault"), firewall(["8000-9000"])],
      [gke(office), release("vault", { injector: { enabled: false } })],
      [gke(office), release("vault", { global: { enabled: false } })],
      [gke(office, false), release("vault")],
      [gke(office), release("kube-prometheus-stack"), release("metrics-server"), release("traefik")],
      [gke(office), release("traefik", { hub: { apimanagement: { enabled: true } } })],
      [
        gke(office),
        release("cert-manager", { webhook: { securePort: 9443, config: { securePort: 10250 } } }),
      ],
      [eksPublic, release("vault")],
    ],
    violating: [
      [gke(office), release("vault")],
      [gke(office), release("vault", { injector: { enabled: true, port: 8443 } })],
      [gke(office), release("vault"), firewall(["8080"], ["10.0.0.0/8"])],
      [gke(office), release("vault"), firewall(["9090"])],
      [gke(office), release("cert-manager", { webhook: { securePort: 9443 } })],
      [
        gke(office),
        release("kube-prometheus-stack", { prometheusOperator: { tls: { internalPort: 8443 } } }),
      ],
      [gke(office), release("metrics-server", { containerPort: 4443 })],
      [
        gke(office),
        release("cert-manager", { webhook: { securePort: 10250, config: { securePort: 6443 } } }),
      ],
      [gke(office), release("kube-prometheus-stack", { prometheusOperator: { tls: { enabled: false } } })],
      [gke(office), release("traefik", { hub: { token: "hub-token", apimanagement: { enabled: true } } })],
    ],
  },
  "deploy-loadbalancer-available": {
    ctx: ON_KIND,
    compliant: [
      [release("traefik", { service: { spec: { type: "NodePort" } } })],
      [
        release("oci://ghcr.io/nginx/charts/nginx-ingress", {
          controller: { service: { type: "NodePort" } },
        }),
      ],
      [release("traefik", { service: { enabled: false } })],
      [service("ClusterIP"), service("NodePort")],
      [release("kube-prometheus-stack"), release("vault"), release("metrics-server")],
      [release("kube-prometheus-stack", { grafana: { service: { type: "NodePort" } } })],
      [release("kube-prometheus-stack", { grafana: { enabled: false, service: { type: "LoadBalancer" } } })],
      [release("kube-prometheus-stack", { prometheus: { thanosServiceExternal: { enabled: false } } })],
      // The UI Service is off by default: its type alone renders nothing.
      [release("vault", { ui: { serviceType: "LoadBalancer" } })],
      [release("vault", { global: { enabled: false }, ui: { enabled: "-", serviceType: "LoadBalancer" } })],
      [
        release("vault", {
          injector: { externalVaultAddr: "https://vault.example" },
          server: { service: { type: "LoadBalancer" } },
        }),
      ],
      [release("cert-manager", { service: { type: "LoadBalancer" } })],
    ],
    violating: [
      [release("traefik")],
      [release("traefik", { service: { spec: { type: "LoadBalancer" } } })],
      [release("traefik", { service: { type: "NodePort" } })],
      [release("oci://ghcr.io/nginx/charts/nginx-ingress")],
      [service("LoadBalancer")],
      [release("kube-prometheus-stack", { grafana: { service: { type: "LoadBalancer" } } })],
      [release("kube-prometheus-stack", { prometheus: { service: { type: "LoadBalancer" } } })],
      [release("kube-prometheus-stack", { alertmanager: { service: { type: "LoadBalancer" } } })],
      [release("kube-prometheus-stack", { prometheus: { thanosServiceExternal: { enabled: true } } })],
      [release("vault", { ui: { enabled: true, serviceType: "LoadBalancer" } })],
      [release("vault", { ui: { enabled: "-", serviceType: "LoadBalancer" } })],
      [release("vault", { server: { service: { type: "LoadBalancer" } } })],
      [release("metrics-server", { service: { type: "LoadBalancer" } })],
    ],
  },
  "deploy-metrics-api": {
    ctx: ON_KIND,
    compliant: [[hpa, release("metrics-server")], [release("traefik")]],
    violating: [[hpa]],
  },
  "deploy-kubelet-tls": {
    ctx: ON_KIND,
    compliant: [[release("metrics-server", { args: ["--kubelet-insecure-tls"] })], [release("traefik")]],
    violating: [[release("metrics-server")], [release("metrics-server", { args: ["--v=2"] })]],
  },
  "deploy-eks-zones": {
    compliant: [[eksPublic, subnet("euw1-az1")], [eksPublic, subnet()], [subnet("use1-az3")]],
    violating: [
      [eksPublic, subnet("use1-az3")],
      [eksPublic, subnet("usw1-az2")],
      [eksPublic, subnet("cac1-az3")],
    ],
  },
  "deploy-eks-control-plane-subnets": {
    compliant: [[eksPublic], [eks({ endpointPublicAccess: true }, {}, ["vpcConfig"])]],
    violating: [
      [eks({ endpointPublicAccess: true }, {}, [])],
      [eks({ endpointPublicAccess: true }, {}, ["tags"])],
    ],
  },
  "deploy-eks-node-group-per-zone": {
    compliant: [[eksPublic, nodeGroup(["subnet-a"]), nodeGroup(["subnet-b"])]],
    violating: [[eksPublic, nodeGroup(["subnet-a", "subnet-b", "subnet-c"])]],
  },
  "deploy-eks-support-type": {
    compliant: [[eksPublic], [eks({}, { upgradePolicy: { supportType: "EXTENDED" } })]],
    violating: [[eks({}, { upgradePolicy: undefined })], [eks({}, { upgradePolicy: {} })]],
  },
  "deploy-eks-principal-arns": {
    compliant: [
      [accessEntry("arn:aws:iam::111122223333:role/platform-admins")],
      [accessEntry("arn:aws:iam::111122223333:user/ci")],
    ],
    violating: [[accessEntry("arn:aws:sts::111122223333:assumed-role/platform-admins/alice")]],
  },
  "deploy-gcp-labels": {
    compliant: [
      [gcpProvider({ "managed-by": "pulumi", "kube-platform-stack": "team_a-prod-1" })],
      [
        res("gcp:container/nodePool:NodePool", "kp-pool", {
          nodeConfig: { resourceLabels: { env: "prod" } },
        }),
      ],
      [res("aws:ec2/vpc:Vpc", "kp-vpc", { tags: { Stack: "Team.A" } })],
    ],
    violating: [
      [gcpProvider({ "kube-platform-stack": "team.a-prod" })],
      [gcpProvider({ "kube-platform-stack": "x".repeat(64) })],
      [gcpProvider({ Env: "prod" })],
      [
        res("gcp:container/nodePool:NodePool", "kp-pool", {
          nodeConfig: { resourceLabels: { env: "Prod" } },
        }),
      ],
      [res("gcp:compute/network:Network", "kp-net", { labels: { team: "a b" } })],
    ],
  },
  "deploy-gke-service-agent": {
    compliant: [
      [identity, agentGrant([identity.urn!])],
      [
        res("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "kp-unseal", {
          member: "serviceAccount:vault@p.iam.gserviceaccount.com",
        }),
      ],
    ],
    violating: [
      [identity, agentGrant([])],
      [agentGrant(["urn:pulumi:s::p::gcp:projects/service:Service::container"])],
    ],
  },
  "deploy-no-placeholders": {
    compliant: [
      [eks({ endpointPublicAccess: true, publicAccessCidrs: ["198.18.0.0/15", "100.64.1.0/24"] })],
      [gke({ cidrBlocks: [{ cidrBlock: "198.52.0.0/16" }] })],
      [aks({ apiServerAccessProfile: { enablePrivateCluster: false, authorizedIPRanges: ["8.8.8.0/24"] } })],
      [doks({ enabled: false, allowedAddresses: ["0.0.0.0/0"] })],
      [doks({ enabled: true, allowedAddresses: ["192.0.3.0/24"] })],
      // Wider networks that merely contain a documentation range are real ones (as stack config reads them).
      [doks({ enabled: true, allowedAddresses: ["192.0.2.0/23", "203.0.112.0/22"] })],
    ],
    violating: [
      [eksPublic],
      [gke(office)],
      [aks({})],
      [doks({ enabled: true, allowedAddresses: ["198.51.100.7/32"] })],
      [doks({ enabled: true, allowedAddresses: ["192.0.2.0/24"] })],
      [doks({ enabled: true, allowedAddresses: ["192.0.2.128/25"] })],
      [doks({ enabled: true, allowedAddresses: ["203.0.113.9"] })],
    ],
  },
  "deploy-eks-load-balancer-controller": {
    compliant: [
      [eksPublic, lbc, lbService({ loadBalancerClass: "service.k8s.aws/nlb" }, LBC_ANNOTATIONS)],
      // The controller's legacy way (no class, type external or nlb-ip) is the controller's too.
      [eksPublic, lbc, lbService({}, { "service.beta.kubernetes.io/aws-load-balancer-type": "external" })],
      [eksPublic, lbc, lbService({}, { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb-ip" })],
      // Another controller's class: not the in-tree provider's, not this rule's.
      [eksPublic, lbService({ loadBalancerClass: "example.com/metallb" })],
      // Not EKS: other clouds' Services need no class; other types none either.
      [gke(office), service("LoadBalancer")],
      [eksPublic, service("ClusterIP"), service("NodePort")],
    ],
    violating: [
      // The in-tree provider's: no class and no annotation (a Classic Load Balancer), or `nlb`.
      [eksPublic, lbc, service("LoadBalancer")],
      [eksPublic, lbc, lbService({}, { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" })],
      [
        eksPublic,
        lbc,
        lbService(
          { loadBalancerClass: "service.k8s.aws/nlb" },
          { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" },
        ),
      ],
      // The controller's Service without the controller: no address ever.
      [eksPublic, lbService({ loadBalancerClass: "service.k8s.aws/nlb" }, LBC_ANNOTATIONS)],
      [eksPublic, lbService({}, { "service.beta.kubernetes.io/aws-load-balancer-type": "external" })],
    ],
  },
  "deploy-aks-maintenance-window": {
    compliant: [
      [aks({}), ...AKS_WINDOWS],
      [aks({ autoUpgradeProfile: { upgradeChannel: "none", nodeOSUpgradeChannel: "None" } })],
    ],
    violating: [[aks({})], [aks({}), AKS_WINDOWS[0]], [aks({}), AKS_WINDOWS[1]]],
  },
};

describe("deployability rules: one compliant and one violating case per rule", () => {
  it("every rule has a case and names its source", () => {
    assert.deepStrictEqual(DEPLOYABILITY_RULES.map((r) => r.id).sort(), Object.keys(CASES).sort());
    for (const rule of DEPLOYABILITY_RULES) {
      assert.match(rule.id, /^deploy-[a-z0-9-]+$/, rule.id);
      assert.match(rule.description, /\(.{10,}\)$/, `${rule.id} names its source`);
    }
  });

  for (const rule of DEPLOYABILITY_RULES) {
    describe(`${rule.id} [${rule.severity}]`, () => {
      const c = CASES[rule.id];
      if (!c) return;
      const ctx = c.ctx ?? DEV;
      it("compliant sets yield no violation", () => {
        for (const [i, set] of c.compliant.entries()) {
          assert.deepStrictEqual(evaluate(set, ctx, [rule]), [], `compliant set #${i}`);
        }
      });
      it("violating sets yield violations of this rule only", () => {
        for (const [i, set] of c.violating.entries()) {
          const found = evaluate(set, ctx, [rule]);
          assert.ok(found.length > 0, `violating set #${i} passed`);
          for (const v of found) {
            assert.strictEqual(v.ruleId, rule.id);
            assert.strictEqual(v.severity, rule.id === "deploy-no-placeholders" ? "advisory" : "mandatory");
            assert.ok(!v.message.startsWith("rule failed"), v.message);
          }
        }
      });
    });
  }

  it("the facts-dependent rules are silent without facts (the policy pack sees only resources)", () => {
    const set = [release("traefik"), release("metrics-server"), hpa, service("LoadBalancer")];
    assert.deepStrictEqual(evaluate(set, DEV, DEPLOYABILITY_RULES), []);
    const ids = evaluate(set, ON_KIND, DEPLOYABILITY_RULES).map((v) => v.ruleId);
    assert.deepStrictEqual([...new Set(ids)].sort(), ["deploy-kubelet-tls", "deploy-loadbalancer-available"]);
  });

  it("a managed cluster has a load balancer and trusted kubelet certificates", () => {
    const set = [release("traefik"), release("metrics-server"), hpa];
    const onEks: DeployContext = {
      profile: "prod",
      cluster: { ...KIND, target: "eks", loadBalancer: true, kubeletCertsTrusted: true },
    };
    assert.deepStrictEqual(evaluate(set, onEks, DEPLOYABILITY_RULES), []);
  });

  it("messages name the config key to change", () => {
    const [v] = evaluate([eksPrivate], DEV, DEPLOYABILITY_RULES);
    assert.match(v.message, /cluster\.deployerNetwork\.transitGatewayId/);
    assert.match(v.message, /cluster\.endpointPublicAccess: false/);
    const [g] = evaluate([gke({ cidrBlocks: [] })], DEV, DEPLOYABILITY_RULES);
    assert.match(g.message, /cluster\.masterAuthorizedNetworks/);
    const [w] = evaluate([gke(office), release("vault")], DEV, DEPLOYABILITY_RULES);
    assert.match(w.message, /tcp 8080/);
    assert.match(w.message, /injector\.port/);
  });
});

describe("Service types of the pinned charts (rules/load-balancer-services.ts)", () => {
  it("names the config key of the value that makes the LoadBalancer, and the fix", () => {
    const grafana = release("kube-prometheus-stack", { grafana: { service: { type: "LoadBalancer" } } });
    assert.deepStrictEqual(
      evaluate([grafana], ON_KIND, DEPLOYABILITY_RULES).map((v) => v.message),
      [
        "creates a LoadBalancer Service (addons.monitoring.values.grafana.service.type: LoadBalancer) but the " +
          "cluster has no LoadBalancer implementation (cluster.loadBalancer: none): the release would wait for an " +
          "address until it times out and rolls back; set addons.monitoring.values.grafana.service.type to " +
          "ClusterIP (reach it with kubectl port-forward) or NodePort, or install MetalLB / cloud-provider-kind " +
          "and set cluster.loadBalancer: available",
      ],
    );
    assert.deepStrictEqual(
      evaluate([release("traefik", { service: { enabled: true } })], ON_KIND, DEPLOYABILITY_RULES).map(
        (v) => v.message,
      ),
      [
        "creates a LoadBalancer Service (addons.ingress.values.service.spec.type: LoadBalancer, the chart's " +
          "default) but the cluster has no LoadBalancer implementation (cluster.loadBalancer: none): the release " +
          "would wait for an address until it times out and rolls back; keep the chart's Service off " +
          "(service.enabled: false): the platform's own ingress Service follows cluster.loadBalancer, or install " +
          "MetalLB / cloud-provider-kind and set cluster.loadBalancer: available",
      ],
    );
  });

  it("one violation per LoadBalancer Service of a release", () => {
    const values = {
      grafana: { service: { type: "LoadBalancer" } },
      alertmanager: { service: { type: "LoadBalancer" } },
      prometheus: { service: { type: "NodePort" }, thanosServiceExternal: { enabled: true } },
    };
    assert.deepStrictEqual(
      loadBalancerValues("kube-prometheus-stack", values).map((l) => [l.key, l.byDefault]),
      [
        ["addons.monitoring.values.grafana.service.type", false],
        ["addons.monitoring.values.alertmanager.service.type", false],
        ["addons.monitoring.values.prometheus.thanosServiceExternal.type", true],
      ],
    );
    assert.deepStrictEqual(loadBalancerValues("cert-manager", values), []);
  });

  it("every Service type key and toggle default is the pinned chart's (components/addons/chart-data)", () => {
    const chartKey: Record<string, ChartKey> = {
      traefik: "traefik",
      "nginx-ingress": "nginx",
      "kube-prometheus-stack": "monitoring",
      vault: "vault",
      "metrics-server": "metricsServer",
    };
    assert.deepStrictEqual(Object.keys(SERVICE_TYPE_VALUES).sort(), Object.keys(chartKey).sort());
    const defaults = (chart: string) => chartData(chartKey[chart]).defaults;
    const at = (chart: string, key: string) => get(defaults(chart), key);
    const types = Object.entries(SERVICE_TYPE_VALUES).flatMap(([chart, c]) =>
      c.services.map((s) => [chart, s.key, s.chartDefault, at(chart, s.key) ?? "unset"]),
    );
    assert.deepStrictEqual(types, [
      ["traefik", "service.spec.type", "LoadBalancer", "LoadBalancer"],
      ["nginx-ingress", "controller.service.type", "LoadBalancer", "LoadBalancer"],
      ["kube-prometheus-stack", "grafana.service.type", "ClusterIP", "ClusterIP"],
      ["kube-prometheus-stack", "prometheus.service.type", "ClusterIP", "ClusterIP"],
      ["kube-prometheus-stack", "alertmanager.service.type", "ClusterIP", "ClusterIP"],
      ["kube-prometheus-stack", "prometheus.thanosServiceExternal.type", "LoadBalancer", "LoadBalancer"],
      ["vault", "ui.serviceType", "ClusterIP", "ClusterIP"],
      // Commented out in values.yaml: the template renders no type (Kubernetes: ClusterIP).
      ["vault", "server.service.type", "ClusterIP", "unset"],
      ["metrics-server", "service.type", "ClusterIP", "ClusterIP"],
    ]);
    // The toggles the rule reads, with the defaults it assumes when they are unset.
    const toggles: [string, string, unknown][] = [
      ["traefik", "service.enabled", true],
      ["nginx-ingress", "controller.service.create", true],
      ["kube-prometheus-stack", "grafana.enabled", true],
      ["kube-prometheus-stack", "grafana.service.enabled", true],
      ["kube-prometheus-stack", "prometheus.enabled", true],
      ["kube-prometheus-stack", "prometheus.service.enabled", true],
      ["kube-prometheus-stack", "alertmanager.enabled", true],
      ["kube-prometheus-stack", "alertmanager.service.enabled", true],
      ["kube-prometheus-stack", "prometheus.thanosServiceExternal.enabled", false],
      ["vault", "global.enabled", true],
      ["vault", "server.enabled", "-"],
      ["vault", "server.service.enabled", true],
      ["vault", "ui.enabled", false],
      ["vault", "injector.externalVaultAddr", ""],
      ["vault", "global.externalVaultAddr", ""],
    ];
    for (const [chart, key, expected] of toggles)
      assert.deepStrictEqual(at(chart, key), expected, `${chart} ${key}`);
    // The rule's reading of those defaults: only the ingress charts make a LoadBalancer by default.
    assert.deepStrictEqual(
      Object.keys(chartKey).map((chart) => [chart, loadBalancerValues(chart, {}).length]),
      [
        ["traefik", 1],
        ["nginx-ingress", 1],
        ["kube-prometheus-stack", 0],
        ["vault", 0],
        ["metrics-server", 0],
      ],
    );
  });
});

describe("webhook ports of the pinned charts (defaults read from the charts' values.yaml)", () => {
  it("has the defaults of each chart literally", () => {
    assert.deepStrictEqual(WEBHOOK_PORTS.vault({}), [
      { what: "the Vault agent injector webhook", key: "injector.port", port: 8080 },
    ]);
    assert.deepStrictEqual(
      WEBHOOK_PORTS["cert-manager"]({}).map((w) => w.port),
      [10250],
    );
    assert.deepStrictEqual(
      WEBHOOK_PORTS["kube-prometheus-stack"]({}).map((w) => w.port),
      [10250],
    );
    assert.deepStrictEqual(
      WEBHOOK_PORTS["metrics-server"]({}).map((w) => w.port),
      [10250],
    );
    assert.deepStrictEqual(
      WEBHOOK_PORTS["kube-prometheus-stack"]({
        prometheusOperator: { admissionWebhooks: { enabled: false } },
      }),
      [],
    );
  });
});
