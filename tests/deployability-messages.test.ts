/**
 * The deployability rules' messages, literally: each names the resource, the config key to change
 * and the fix (rules/deployability.ts, deployability-addons.ts, deployability-clouds.ts,
 * load-balancer-services.ts). The inputs each rule reads, both ways: tests/deployability-inputs.test.ts.
 */
import * as assert from "assert";
import { DeployContext, ResourceUnderTest, StackRule, evaluate } from "../rules";
import {
  deployAksMaintenanceWindow,
  deployApiReachable,
  deployEksControlPlaneSubnets,
  deployEksNodeGroupPerZone,
  deployEksPrincipalArns,
  deployEksSupportType,
  deployEksZones,
  deployGcpLabels,
  deployGkeServiceAgent,
  deployKubeletTls,
  deployKubernetesRbac,
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
const ON_KIND: DeployContext = {
  profile: "dev",
  cluster: { target: "existing", loadBalancer: false, metricsApi: false, kubeletCertsTrusted: false },
};

/** `<severity> <resource>: <message>` of each violation of `rule`. */
const found = (rule: StackRule, all: ResourceUnderTest[], ctx = DEV) =>
  evaluate(all, ctx, [rule]).map((v) => `${v.severity} ${v.resource}: ${v.message}`);

const EKS = "aws:eks/cluster:Cluster";
const GKE = "gcp:container/cluster:Cluster";
const AKS = "azure-native:containerservice:ManagedCluster";
const DOKS = "digitalocean:index/kubernetesCluster:KubernetesCluster";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const SERVICE = "kubernetes:core/v1:Service";
const LB_TYPE = "service.beta.kubernetes.io/aws-load-balancer-type";

describe("deployability messages: the deployer's access", () => {
  it("deploy-api-reachable names the key to set on each cloud", () => {
    assert.deepStrictEqual(
      found(deployApiReachable, [res(EKS, "kp-eks", { vpcConfig: { endpointPublicAccess: false } })]),
      [
        `mandatory ${EKS} kp-eks: the API endpoint is private (cluster.endpointPublicAccess: false) and no deployer network is both routed to the VPC through a transit gateway and allowed on tcp 443 of the cluster security group: set cluster.deployerNetwork.transitGatewayId with deployerNetwork.cidrs, or endpointPublicAccess: true with publicAccessCidrs`,
      ],
    );
    assert.deepStrictEqual(
      found(deployApiReachable, [res(GKE, "kp-gke", { masterAuthorizedNetworksConfig: { cidrBlocks: [] } })]),
      [
        `mandatory ${GKE} kp-gke: masterAuthorizedNetworksConfig has no cidrBlocks, which disallows all external access to the API server (GKE authorized networks): list the deployer's network in cluster.masterAuthorizedNetworks`,
      ],
    );
    assert.deepStrictEqual(
      found(deployApiReachable, [
        res(AKS, "kp-aks", { apiServerAccessProfile: { enablePrivateCluster: true } }),
      ]),
      [
        `mandatory ${AKS} kp-aks: the API server is private (cluster.privateCluster: true) and no network of the deployer is peered with the cluster's VNet: set cluster.deployerNetwork to the runner's VNet, or use authorizedIpRanges instead`,
      ],
    );
    assert.deepStrictEqual(
      found(deployApiReachable, [res(DOKS, "kp-doks", { controlPlaneFirewall: { enabled: true } })]),
      [
        `mandatory ${DOKS} kp-doks: the control-plane firewall is on with no allowed address, so nobody reaches the API server: list the deployer's addresses in cluster.apiAllowedAddresses`,
      ],
    );
  });

  it("deploy-kubernetes-rbac names the access entry or the Azure role to grant", () => {
    const eks = res(EKS, "kp-eks", { accessConfig: { bootstrapClusterCreatorAdminPermissions: false } });
    assert.deepStrictEqual(found(deployKubernetesRbac, [eks]), [
      `mandatory ${EKS} kp-eks: the cluster creator gets no admin access entry and no access entry exists: the deployer cannot create Kubernetes objects; keep bootstrapClusterCreatorAdminPermissions or list the deployer in cluster.adminPrincipalArns`,
    ]);
    assert.deepStrictEqual(
      found(deployKubernetesRbac, [res(AKS, "kp-aks", { aadProfile: { enableAzureRBAC: true } })]),
      [
        `mandatory ${AKS} kp-aks: Azure RBAC for Kubernetes is on, the deployer holds no 'Azure Kubernetes Service RBAC Cluster Admin' assignment and no admin group is set: every Kubernetes object would be Forbidden; keep cluster.grantDeployerClusterAdmin true or list the deployer's group in cluster.adminGroupObjectIds`,
      ],
    );
  });

  it("deploy-no-placeholders (advisory) names the allow-list key of each cloud and every placeholder", () => {
    const tail =
      "a documentation range (RFC 5737) that no machine has: replace it with the egress address of the machine that runs `pulumi up`, or every Kubernetes call times out after the cluster is built";
    const set = [
      res(EKS, "kp-eks", { vpcConfig: { publicAccessCidrs: ["192.0.2.0/24", "198.51.100.0/24"] } }),
      res(GKE, "kp-gke", {
        masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "203.0.113.0/24" }] },
      }),
      res(AKS, "kp-aks", { apiServerAccessProfile: { authorizedIPRanges: ["203.0.113.0/24"] } }),
      res(DOKS, "kp-doks", {
        controlPlaneFirewall: { enabled: true, allowedAddresses: ["198.51.100.7/32"] },
      }),
    ];
    assert.deepStrictEqual(found(deployNoPlaceholders, set), [
      `advisory ${EKS} kp-eks: cluster.publicAccessCidrs lists 192.0.2.0/24, 198.51.100.0/24, ${tail}`,
      `advisory ${GKE} kp-gke: cluster.masterAuthorizedNetworks lists 203.0.113.0/24, ${tail}`,
      `advisory ${AKS} kp-aks: cluster.authorizedIpRanges lists 203.0.113.0/24, ${tail}`,
      `advisory ${DOKS} kp-doks: cluster.apiAllowedAddresses lists 198.51.100.7/32, ${tail}`,
    ]);
  });
});

describe("deployability messages: what the add-ons need", () => {
  const gke = (masterIpv4CidrBlock?: string) =>
    res(GKE, "kp-gke", { privateClusterConfig: { enablePrivateNodes: true, masterIpv4CidrBlock } });
  const vault = res(RELEASE, "kp-vault", { chart: "vault" });

  it("deploy-webhooks-reachable names the port, the values key and the firewall source", () => {
    const tail =
      "which GKE's control plane cannot reach on private nodes (only 443 and 10250): serve it on one of those (injector.port) or add a firewall rule from";
    assert.deepStrictEqual(found(deployWebhooksReachable, [gke("172.16.0.0/28"), vault]), [
      `mandatory ${RELEASE} kp-vault: the Vault agent injector webhook serves on tcp 8080, ${tail} 172.16.0.0/28 to the nodes on tcp 8080`,
    ]);
    assert.deepStrictEqual(found(deployWebhooksReachable, [gke(), vault]), [
      `mandatory ${RELEASE} kp-vault: the Vault agent injector webhook serves on tcp 8080, ${tail} the control-plane range to the nodes on tcp 8080`,
    ]);
  });

  it("deploy-loadbalancer-available on a plain Service names cluster.loadBalancer", () => {
    assert.deepStrictEqual(
      found(
        deployLoadBalancerAvailable,
        [res(SERVICE, "kp-svc", { spec: { type: "LoadBalancer" } })],
        ON_KIND,
      ),
      [
        `mandatory ${SERVICE} kp-svc: is of type LoadBalancer but the cluster has none (cluster.loadBalancer: none): it never gets an address; use a NodePort Service, or install MetalLB / cloud-provider-kind and set cluster.loadBalancer: available`,
      ],
    );
  });

  it("deploy-metrics-api names addons.metricsServer and cluster.hasMetricsApi", () => {
    const hpa = res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kp-hpa", {});
    assert.deepStrictEqual(
      found(deployMetricsApi, [hpa, res(RELEASE, "kp-traefik", { chart: "traefik" })], ON_KIND),
      [
        "mandatory kubernetes:autoscaling/v2:HorizontalPodAutoscaler kp-hpa: scales on CPU but the cluster serves no metrics API: enable addons.metricsServer (or set cluster.hasMetricsApi: true if the cluster has one)",
      ],
    );
  });

  it("deploy-kubelet-tls names the flag and where it goes", () => {
    assert.deepStrictEqual(
      found(deployKubeletTls, [res(RELEASE, "kp-ms", { chart: "metrics-server" })], ON_KIND),
      [
        `mandatory ${RELEASE} kp-ms: the kubelets' serving certificates are self-signed (cluster.kubeletServingCerts: selfSigned) and metrics-server runs without --kubelet-insecure-tls: it never becomes ready; keep the flag in addons.metricsServer.values.args (it replaces the list the platform sets)`,
      ],
    );
  });

  it("deploy-eks-load-balancer-controller tells the in-tree provider's Services from the controller's", () => {
    const lb = (name: string, spec: Record<string, unknown>, annotations?: Record<string, string>) =>
      res(SERVICE, name, { metadata: { annotations }, spec: { type: "LoadBalancer", ...spec } });
    const fix =
      "set spec.loadBalancerClass: service.k8s.aws/nlb and the annotations the EKS target publishes (loadBalancer.serviceAnnotations)";
    const missing =
      "but the stack installs no aws-load-balancer-controller release: it never gets an address and Pulumi waits for one until it times out";
    const set = [
      res(EKS, "kp-eks", {}),
      lb("kp-a", { loadBalancerClass: "service.k8s.aws/nlb" }),
      lb("kp-b", {}, { [LB_TYPE]: "external" }),
      lb("kp-c", {}),
      lb("kp-d", {}, { [LB_TYPE]: "nlb" }),
    ];
    assert.deepStrictEqual(found(deployEksLoadBalancerController, set), [
      `mandatory ${SERVICE} kp-a: is the AWS Load Balancer Controller's (class service.k8s.aws/nlb) ${missing}`,
      `mandatory ${SERVICE} kp-b: is the AWS Load Balancer Controller's (${LB_TYPE}: external) ${missing}`,
      `mandatory ${SERVICE} kp-c: is of type LoadBalancer without the AWS Load Balancer Controller's class: the in-tree cloud provider gives it a Classic Load Balancer; ${fix}`,
      `mandatory ${SERVICE} kp-d: carries ${LB_TYPE}: nlb, the in-tree cloud provider's load balancer (an NLB with instance targets or a Classic Load Balancer): ${fix}`,
    ]);
  });
});

describe("deployability messages: one cloud's constraints", () => {
  it("the EKS rules name the zone, the subnets, the support type and the ARN", () => {
    const eks = res(EKS, "kp-eks", {});
    assert.deepStrictEqual(
      found(deployEksZones, [
        eks,
        res("aws:ec2/subnet:Subnet", "kp-sub", { availabilityZoneId: "use1-az3" }),
      ]),
      [
        "mandatory aws:ec2/subnet:Subnet kp-sub: is in use1-az3, where EKS cannot place cluster subnets: CreateCluster fails",
      ],
    );
    assert.deepStrictEqual(found(deployEksControlPlaneSubnets, [eks]), [
      `mandatory ${EKS} kp-eks: vpcConfig.subnetIds follows every new zone: raising cluster.availabilityZoneCount would hand EKS a subnet outside the creation-time zones, which it rejects`,
    ]);
    assert.deepStrictEqual(
      found(deployEksNodeGroupPerZone, [
        res("aws:eks/nodeGroup:NodeGroup", "kp-ng", { subnetIds: ["a", "b"] }),
      ]),
      [
        "mandatory aws:eks/nodeGroup:NodeGroup kp-ng: spans 2 subnets: after a node loss a pod bound to a zonal volume may find no node in its zone; use one node group per zone",
      ],
    );
    assert.deepStrictEqual(found(deployEksSupportType, [eks]), [
      `mandatory ${EKS} kp-eks: upgradePolicy.supportType is unset: set cluster.supportType (STANDARD or EXTENDED)`,
    ]);
    const arn = "arn:aws:sts::111122223333:assumed-role/admins/alice";
    assert.deepStrictEqual(
      found(deployEksPrincipalArns, [res("aws:eks/accessEntry:AccessEntry", "kp-ae", { principalArn: arn })]),
      [
        `mandatory aws:eks/accessEntry:AccessEntry kp-ae: principalArn ${arn} is a session ARN, which CreateAccessEntry refuses: list the role (arn:aws:iam::<account>:role/<name>) in cluster.adminPrincipalArns`,
      ],
    );
  });

  it("deploy-gcp-labels names the label map, the key and the value", () => {
    const set = [
      res("gcp:compute/network:Network", "kp-net", {
        labels: { Team: "a", env: "Prod" },
        resourceLabels: { "a.b": "c" },
      }),
      res("gcp:container/nodePool:NodePool", "kp-pool", { nodeConfig: { resourceLabels: { tier: "Gold" } } }),
      res("pulumi:providers:gcp", "kp-gcp", { defaultLabels: { a: "B" } }),
    ];
    assert.deepStrictEqual(found(deployGcpLabels, set), [
      'mandatory gcp:compute/network:Network kp-net: labels key "Team" is not a valid GCP label key',
      'mandatory gcp:compute/network:Network kp-net: labels.env "Prod" is not a valid GCP label value (fix it in tags)',
      'mandatory gcp:compute/network:Network kp-net: resourceLabels key "a.b" is not a valid GCP label key',
      'mandatory gcp:container/nodePool:NodePool kp-pool: nodeConfig.resourceLabels.tier "Gold" is not a valid GCP label value (fix it in tags)',
      'mandatory pulumi:providers:gcp kp-gcp: defaultLabels.a "B" is not a valid GCP label value (fix it in tags)',
    ]);
  });

  it("deploy-gke-service-agent names the missing dependency", () => {
    const member = "serviceAccount:service-1@container-engine-robot.iam.gserviceaccount.com";
    assert.deepStrictEqual(
      found(deployGkeServiceAgent, [
        res("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "kp-m", { member }),
      ]),
      [
        "mandatory gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember kp-m: grants the GKE service agent before gcp.projects.ServiceIdentity has created it (fresh projects fail)",
      ],
    );
  });

  it("deploy-aks-maintenance-window names each missing schedule", () => {
    const aks = res(AKS, "kp-aks", {
      autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
    });
    assert.deepStrictEqual(found(deployAksMaintenanceWindow, [aks]), [
      `mandatory ${AKS} kp-aks: cluster upgrades have no aksManagedAutoUpgradeSchedule maintenance configuration: set cluster.maintenanceWindow`,
      `mandatory ${AKS} kp-aks: node OS upgrades have no aksManagedNodeOSUpgradeSchedule maintenance configuration: set cluster.maintenanceWindow`,
    ]);
  });
});
