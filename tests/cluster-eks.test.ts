import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import {
  EKS_CONTROL_PLANE_LOG_TYPES,
  EksCluster,
  IAM_ROLE_NAME_PREFIX_MAX,
  KMS_ADMIN_ACTIONS,
  NODE_GROUP_NAME_PREFIX_MAX,
  UNSEAL_KEY_ACTIONS,
  amiTypeFor,
  autoScalingGroupArn,
  buildKubeconfig,
  irsaTrustPolicy,
  issuerHostPath,
  namePrefix,
  parseTaint,
  principalSuffix,
  roleNameFromArn,
  adminPrincipalArnProblem,
  kubeconfigRoleArnProblem,
  perZoneMaxNodes,
  perZoneMinNodes,
  subnetCidrs,
  validateEksSettings,
} from "../components/cluster/eks";
import { BoundIdentity, EksSettings, SealStanza } from "../components/cluster/types";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";
import { MOCK_AWS_ACCOUNT } from "../offline/mock-state/aws";

const ACCOUNT = MOCK_AWS_ACCOUNT;
const ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";
const ISSUER_HOST_PATH = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";
const OIDC_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_HOST_PATH}`;

const prodSettings: EksSettings = {
  clusterName: "kp-prod",
  kubernetesVersion: "1.34",
  protect: true,
  tags: { environment: "prod", "managed-by": "pulumi" },
  nodePools: [
    {
      name: "general",
      machineType: "m7i.large",
      // Pulumi.prod.yaml's general pool: its per-zone split would change with the zone count.
      minNodes: 3,
      maxNodes: 12,
      diskSizeGb: 100,
      labels: { "kube-platform/pool": "general" },
      taints: [],
    },
    {
      name: "batch",
      machineType: "m7g.xlarge",
      minNodes: 0,
      maxNodes: 6,
      diskSizeGb: 80,
      labels: { "kube-platform/pool": "batch" },
      taints: ["dedicated=batch:NoSchedule", "spot:PreferNoSchedule"],
    },
  ],
  region: "eu-west-1",
  vpcCidr: "10.20.0.0/16",
  availabilityZoneCount: 3,
  natGateways: "perAz",
  endpointPublicAccess: false,
  publicAccessCidrs: [],
  // A CI runner in a network connected through a transit gateway, and (later) runners inside the VPC.
  deployerNetwork: {
    cidrs: ["10.100.0.0/16"],
    securityGroupIds: ["sg-0123456789abcdef0"],
    transitGatewayId: "tgw-0123456789abcdef0",
  },
  supportType: "STANDARD",
  adminPrincipalArns: [
    `arn:aws:iam::${ACCOUNT}:role/PlatformAdmin`,
    `arn:aws:iam::${ACCOUNT}:role/BreakGlass`,
  ],
  kubeconfigRoleArn: `arn:aws:iam::${ACCOUNT}:role/PlatformAdmin`,
};

const devSettings: EksSettings = {
  clusterName: "kp-dev",
  kubernetesVersion: "1.34",
  protect: false,
  tags: { environment: "dev" },
  nodePools: [
    {
      name: "general",
      machineType: "t3.large",
      minNodes: 1,
      maxNodes: 3,
      diskSizeGb: 40,
      labels: {},
      taints: [],
    },
  ],
  region: "eu-west-1",
  vpcCidr: "10.30.0.0/16",
  availabilityZoneCount: 2,
  natGateways: "single",
  endpointPublicAccess: true,
  publicAccessCidrs: ["198.51.100.0/24", "203.0.113.7/32"],
  supportType: "EXTENDED",
  adminPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/Developer`],
  kubeconfigProfile: "kp-dev",
};

/** Evaluates the component (plus, optionally, an IRSA binding and an unseal key for Vault). */
function evaluate(settings: EksSettings, stack: string, withVault = false): Promise<ProgramRun> {
  return runResources(
    () => {
      const c = new EksCluster("kp", settings);
      const out: Record<string, unknown> = {
        kubeconfig: c.kubeconfig,
        clusterName: c.clusterName,
        defaultStorageClass: c.defaultStorageClass,
        readyUrns: pulumi.all(c.ready.map((r) => r.urn)),
        storageReadyUrns: pulumi.all(c.storageReady.map((r) => r.urn)),
        asgArns: c.nodeAutoscaling.autoScalingGroupArns,
        autoscalerClusterName: c.nodeAutoscaling.clusterName,
        contract: {
          target: c.target,
          region: c.region,
          loadBalancer: c.loadBalancer,
          hasMetricsApi: c.hasMetricsApi,
          autoscalingKind: c.nodeAutoscaling.kind,
          autoscalingRegion: c.nodeAutoscaling.region,
          mechanism: c.workloadIdentity.mechanism,
        },
      };
      if (withVault) {
        const vault = new pulumi.ComponentResource("test:index:Vault", "vault");
        const identity: BoundIdentity = c.workloadIdentity.bindServiceAccount(
          "vault",
          { namespace: "vault", name: "vault-server" },
          vault,
        );
        out.annotations = identity.serviceAccountAnnotations;
        out.podLabels = identity.podLabels;
        out.principal = identity.principal;
        out.seal = c.unsealKms.createUnsealKey("vault", identity, vault);
        out.vaultUrn = vault.urn;
      }
      return out;
    },
    { stack },
  );
}

type Json = Record<string, unknown>;
const obj = (v: unknown) => v as Json;
const policyOf = (r: RecordedResource, key = "policy") => JSON.parse(String(r.inputs[key])) as Json;
const statements = (policy: Json) => policy.Statement as Json[];
/** The node groups by name ("kp-<pool>.<zone index>"): they register in no fixed order. */
const nodeGroups = (run: ProgramRun) =>
  [...run.ofType("aws:eks/nodeGroup:NodeGroup")].sort((a, b) => a.name.localeCompare(b.name));

describe("EksCluster", function () {
  let prod: ProgramRun;
  let dev: ProgramRun;
  let prodVault: ProgramRun;
  let devVault: ProgramRun;

  before(async function () {
    prod = await evaluate(prodSettings, "prod");
    dev = await evaluate(devSettings, "dev");
    prodVault = await evaluate(prodSettings, "prod", true);
    devVault = await evaluate(devSettings, "dev", true);
  });

  describe("resources", function () {
    it("registers exactly the expected resources for prod (3 AZ, NAT per AZ, 2 pools × 3 zones, 2 admins, 2 deployer sources, a transit gateway)", function () {
      assert.deepStrictEqual(prod.typeCounts(), {
        "kube-platform:cluster:EksCluster": 1,
        "pulumi:providers:aws": 1,
        "aws:ec2/vpc:Vpc": 1,
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
        "aws:ec2/internetGateway:InternetGateway": 1,
        "aws:ec2/subnet:Subnet": 6,
        "aws:ec2/routeTable:RouteTable": 4,
        // The public and 3 private default routes, and the deployer CIDR to the transit gateway × 3.
        "aws:ec2/route:Route": 7,
        "aws:ec2/routeTableAssociation:RouteTableAssociation": 6,
        "aws:ec2/eip:Eip": 3,
        "aws:ec2/natGateway:NatGateway": 3,
        "aws:kms/key:Key": 1,
        "aws:kms/alias:Alias": 1,
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:iam/role:Role": 3,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 5,
        "aws:iam/rolePolicy:RolePolicy": 1,
        "aws:eks/cluster:Cluster": 1,
        "aws:eks/accessEntry:AccessEntry": 2,
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": 2,
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
        "aws:eks/addon:Addon": 4,
        "aws:ec2/launchTemplate:LaunchTemplate": 2,
        "aws:eks/nodeGroup:NodeGroup": 6,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 2,
        "aws:ec2transitgateway/vpcAttachment:VpcAttachment": 1,
        "pulumi:providers:kubernetes": 1,
        "kubernetes:storage.k8s.io/v1:StorageClass": 1,
      });
    });

    it("registers exactly the expected resources for dev (2 AZ, single NAT, 1 pool × 2 zones, 1 admin)", function () {
      assert.deepStrictEqual(dev.typeCounts(), {
        "kube-platform:cluster:EksCluster": 1,
        "pulumi:providers:aws": 1,
        "aws:ec2/vpc:Vpc": 1,
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
        "aws:ec2/internetGateway:InternetGateway": 1,
        "aws:ec2/subnet:Subnet": 4,
        "aws:ec2/routeTable:RouteTable": 3,
        "aws:ec2/route:Route": 3,
        "aws:ec2/routeTableAssociation:RouteTableAssociation": 4,
        "aws:ec2/eip:Eip": 1,
        "aws:ec2/natGateway:NatGateway": 1,
        "aws:kms/key:Key": 1,
        "aws:kms/alias:Alias": 1,
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:iam/role:Role": 3,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 5,
        "aws:iam/rolePolicy:RolePolicy": 1,
        "aws:eks/cluster:Cluster": 1,
        "aws:eks/accessEntry:AccessEntry": 1,
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": 1,
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
        "aws:eks/addon:Addon": 4,
        "aws:ec2/launchTemplate:LaunchTemplate": 1,
        "aws:eks/nodeGroup:NodeGroup": 2,
        "pulumi:providers:kubernetes": 1,
        "kubernetes:storage.k8s.io/v1:StorageClass": 1,
      });
    });

    it("derives every child name from the component name and parents it under the component tree", function () {
      const component = prod.one("kube-platform:cluster:EksCluster");
      for (const r of prod.resources) {
        if (r === component) continue;
        assert.ok(r.name.startsWith("kp-"), `${r.type} ${r.name} is not named after the component`);
        assert.strictEqual(r.parent, component.urn, `${r.type} ${r.name} is not a child of the component`);
      }
    });

    it("puts the cluster tags on everything through the provider's defaultTags", function () {
      const p = prod.one("pulumi:providers:aws");
      assert.strictEqual(p.inputs.region, "eu-west-1");
      assert.deepStrictEqual(JSON.parse(String(p.inputs.defaultTags)), { tags: prodSettings.tags });
    });
  });

  describe("security rules (prod bar)", function () {
    it("CKV_AWS_39 / AVD-AWS-0040: the prod API endpoint is private only", function () {
      const vpc = obj(prod.one("aws:eks/cluster:Cluster").inputs.vpcConfig);
      assert.strictEqual(vpc.endpointPrivateAccess, true);
      assert.strictEqual(vpc.endpointPublicAccess, false);
      assert.strictEqual(vpc.publicAccessCidrs, undefined);
    });

    it("CKV_AWS_38 / AVD-AWS-0041: a public endpoint is limited to the configured CIDRs, never 0.0.0.0/0", function () {
      const vpc = obj(dev.one("aws:eks/cluster:Cluster").inputs.vpcConfig);
      assert.strictEqual(vpc.endpointPublicAccess, true);
      assert.strictEqual(vpc.endpointPrivateAccess, true);
      assert.deepStrictEqual(vpc.publicAccessCidrs, devSettings.publicAccessCidrs);
      assert.ok(!(vpc.publicAccessCidrs as string[]).includes("0.0.0.0/0"));
      assert.throws(
        () => validateEksSettings({ ...devSettings, publicAccessCidrs: [] }),
        /publicAccessCidrs/,
        "a public endpoint without CIDRs would default to 0.0.0.0/0",
      );
    });

    it("CKV_AWS_58 / AVD-AWS-0039: Secrets are envelope-encrypted with a rotating customer KMS key", function () {
      const key = prod.one("aws:kms/key:Key");
      assert.strictEqual(key.inputs.enableKeyRotation, true);
      const enc = obj(prod.one("aws:eks/cluster:Cluster").inputs.encryptionConfig);
      assert.deepStrictEqual(enc.resources, ["secrets"]);
      const keyArn = String(obj(enc.provider).keyArn);
      assert.match(keyArn, /^arn:aws:kms:eu-west-1:\d{12}:key\//);
      // The cluster role may use that key (and only that key).
      const rolePolicy = policyOf(prod.one("aws:iam/rolePolicy:RolePolicy"));
      assert.deepStrictEqual(
        statements(rolePolicy).map((s) => s.Resource),
        [keyArn],
      );
      assert.strictEqual(prod.one("aws:kms/alias:Alias").inputs.name, "alias/eks/kp-prod");
    });

    it("CKV_AWS_37 / AVD-AWS-0038: all five control-plane log types go to a Pulumi-owned log group", function () {
      const cluster = prod.one("aws:eks/cluster:Cluster");
      assert.deepStrictEqual([...(cluster.inputs.enabledClusterLogTypes as string[])].sort(), [
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
      ]);
      assert.deepStrictEqual(EKS_CONTROL_PLANE_LOG_TYPES.length, 5);
      const logGroup = prod.one("aws:cloudwatch/logGroup:LogGroup");
      assert.strictEqual(logGroup.inputs.name, "/aws/eks/kp-prod/cluster");
      assert.strictEqual(logGroup.inputs.retentionInDays, 90);
      assert.ok(cluster.dependsOn.includes(logGroup.urn), "EKS would create the log group itself first");
    });

    it("CKV_AWS_339: the cluster and every node group run the configured Kubernetes version", function () {
      assert.strictEqual(prod.one("aws:eks/cluster:Cluster").inputs.version, "1.34");
      for (const ng of prod.ofType("aws:eks/nodeGroup:NodeGroup"))
        assert.strictEqual(ng.inputs.version, "1.34");
    });

    it("CKV_AWS_79 / CKV_AWS_341: node launch templates require IMDSv2 with a hop limit of 1", function () {
      const templates = prod.ofType("aws:ec2/launchTemplate:LaunchTemplate");
      assert.strictEqual(templates.length, 2);
      for (const lt of templates) {
        assert.deepStrictEqual(lt.inputs.metadataOptions, {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
        });
      }
      // Every node group launches from one of these templates, at its latest version.
      for (const ng of prod.ofType("aws:eks/nodeGroup:NodeGroup")) {
        const ltRef = obj(ng.inputs.launchTemplate);
        assert.ok(
          templates.some((lt) => ltRef.id === `${lt.name}-id`),
          `${ng.name} does not use a hardened template`,
        );
        assert.strictEqual(ltRef.version, "1");
      }
    });

    it("CKV_AWS_100: no SSH access to nodes (no remoteAccess, no key pair)", function () {
      for (const ng of prod.ofType("aws:eks/nodeGroup:NodeGroup"))
        assert.strictEqual(ng.inputs.remoteAccess, undefined);
      for (const lt of prod.ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
        assert.strictEqual(lt.inputs.keyName, undefined);
        assert.strictEqual(lt.inputs.vpcSecurityGroupIds, undefined);
      }
    });

    it("IRSA: an IAM OIDC provider trusts the cluster's issuer for sts.amazonaws.com", function () {
      const oidc = prod.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
      assert.strictEqual(oidc.inputs.url, ISSUER);
      assert.deepStrictEqual(oidc.inputs.clientIdLists, ["sts.amazonaws.com"]);
      assert.ok(prod.dependsOnTransitively(oidc, prod.one("aws:eks/cluster:Cluster")));
    });

    it("node root volumes are encrypted gp3 of the pool's disk size", function () {
      const sizes = prod
        .ofType("aws:ec2/launchTemplate:LaunchTemplate")
        .map((lt) => (lt.inputs.blockDeviceMappings as Json[])[0])
        .map((m) => {
          assert.strictEqual(m.deviceName, "/dev/xvda");
          const ebs = obj(m.ebs);
          assert.strictEqual(ebs.encrypted, "true");
          assert.strictEqual(ebs.volumeType, "gp3");
          return ebs.volumeSize;
        });
      assert.deepStrictEqual(sizes, [100, 80]);
    });

    it("nodes and control-plane ENIs live in private subnets; public subnets assign no public IPs", function () {
      const subnets = prod.ofType("aws:ec2/subnet:Subnet");
      const privateIds = subnets.filter((s) => s.name.includes("-private-")).map((s) => `${s.name}-id`);
      assert.strictEqual(privateIds.length, 3);
      assert.deepStrictEqual(obj(prod.one("aws:eks/cluster:Cluster").inputs.vpcConfig).subnetIds, privateIds);
      // One group per pool and zone, each in exactly one private subnet.
      assert.deepStrictEqual(
        nodeGroups(prod).map((ng) => [ng.name, ng.inputs.subnetIds]),
        [
          ["kp-batch.0", [privateIds[0]]],
          ["kp-batch.1", [privateIds[1]]],
          ["kp-batch.2", [privateIds[2]]],
          ["kp-general.0", [privateIds[0]]],
          ["kp-general.1", [privateIds[1]]],
          ["kp-general.2", [privateIds[2]]],
        ],
      );
      for (const s of subnets) assert.strictEqual(s.inputs.mapPublicIpOnLaunch, false);
    });

    it("CKV2_AWS_12: the VPC's default security group has no rules", function () {
      const sg = prod.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
      assert.strictEqual(sg.inputs.vpcId, "kp-vpc-id");
      assert.ok(!sg.inputs.ingress || (sg.inputs.ingress as unknown[]).length === 0);
      assert.ok(!sg.inputs.egress || (sg.inputs.egress as unknown[]).length === 0);
    });

    it("authentication is API access entries only; each admin principal gets cluster-scoped admin", function () {
      const cluster = prod.one("aws:eks/cluster:Cluster");
      assert.deepStrictEqual(cluster.inputs.accessConfig, {
        authenticationMode: "API",
        bootstrapClusterCreatorAdminPermissions: true,
      });
      const entries = prod.ofType("aws:eks/accessEntry:AccessEntry");
      assert.deepStrictEqual(
        entries.map((e) => e.inputs.principalArn),
        prodSettings.adminPrincipalArns,
      );
      const assocs = prod.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
      assert.deepStrictEqual(
        assocs.map((a) => a.inputs.principalArn),
        prodSettings.adminPrincipalArns,
      );
      for (const [i, a] of assocs.entries()) {
        assert.strictEqual(
          a.inputs.policyArn,
          "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        );
        assert.deepStrictEqual(a.inputs.accessScope, { type: "cluster" });
        assert.strictEqual(a.inputs.clusterName, "kp-prod");
        assert.ok(a.dependsOn.includes(entries[i].urn), "the association needs its access entry");
      }
    });

    it("IAM roles carry exactly the managed policies EKS needs, in the caller's partition", function () {
      const attachments = prod.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
      assert.deepStrictEqual(attachments.map((a) => a.inputs.policyArn).sort(), [
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
      ]);
      const roles = prod.ofType("aws:iam/role:Role");
      const trust = (suffix: string) => policyOf(prod.one("aws:iam/role:Role", suffix), "assumeRolePolicy");
      assert.deepStrictEqual(obj(statements(trust("kp-cluster"))[0].Principal), {
        Service: "eks.amazonaws.com",
      });
      assert.deepStrictEqual(obj(statements(trust("kp-node"))[0].Principal), {
        Service: "ec2.amazonaws.com",
      });
      assert.strictEqual(roles.length, 3);
    });
  });

  describe("dev / prod differences", function () {
    it("prod spreads over 3 zones with one NAT gateway per zone", function () {
      const nats = prod.ofType("aws:ec2/natGateway:NatGateway");
      assert.deepStrictEqual(
        nats.map((n) => n.inputs.subnetId),
        ["kp-public-0-id", "kp-public-1-id", "kp-public-2-id"],
      );
      const routes = prod.ofType("aws:ec2/route:Route").filter((r) => r.name.includes("-private-default-"));
      assert.deepStrictEqual(
        routes.map((r) => r.inputs.natGatewayId),
        ["kp-nat-0-id", "kp-nat-1-id", "kp-nat-2-id"],
      );
      const zones = prod.ofType("aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone);
      assert.deepStrictEqual(zones, [
        "eu-west-1a",
        "eu-west-1b",
        "eu-west-1c",
        "eu-west-1a",
        "eu-west-1b",
        "eu-west-1c",
      ]);
    });

    it("dev uses 2 zones and a single NAT gateway shared by every private subnet", function () {
      const nats = dev.ofType("aws:ec2/natGateway:NatGateway");
      assert.deepStrictEqual(
        nats.map((n) => n.inputs.subnetId),
        ["kp-public-0-id"],
      );
      const routes = dev.ofType("aws:ec2/route:Route").filter((r) => r.name.includes("-private-default-"));
      assert.deepStrictEqual(
        routes.map((r) => [r.inputs.destinationCidrBlock, r.inputs.natGatewayId]),
        [
          ["0.0.0.0/0", "kp-nat-0-id"],
          ["0.0.0.0/0", "kp-nat-0-id"],
        ],
      );
      const zones = dev.ofType("aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone);
      assert.deepStrictEqual(zones, ["eu-west-1a", "eu-west-1b", "eu-west-1a", "eu-west-1b"]);
    });

    it("public subnets route to the internet gateway; private subnets only through NAT", function () {
      const publicRoute = prod.one("aws:ec2/route:Route", "public-default");
      assert.strictEqual(publicRoute.inputs.gatewayId, "kp-igw-id");
      const publicAssocs = prod
        .ofType("aws:ec2/routeTableAssociation:RouteTableAssociation")
        .filter((a) => a.inputs.routeTableId === "kp-public-rt-id");
      assert.deepStrictEqual(
        publicAssocs.map((a) => a.inputs.subnetId),
        ["kp-public-0-id", "kp-public-1-id", "kp-public-2-id"],
      );
      for (const r of prod.ofType("aws:ec2/route:Route").filter((x) => x.name.includes("private"))) {
        assert.strictEqual(r.inputs.gatewayId, undefined);
      }
    });

    it("subnets carry the load balancer discovery and cluster tags, and use the CIDR plan", function () {
      const subnets = prod.ofType("aws:ec2/subnet:Subnet");
      const plan = subnetCidrs("10.20.0.0/16", 3);
      for (const s of subnets) {
        const tags = obj(s.inputs.tags);
        assert.strictEqual(tags["kubernetes.io/cluster/kp-prod"], "shared");
        if (s.name.includes("public")) {
          assert.strictEqual(tags["kubernetes.io/role/elb"], "1");
          assert.strictEqual(tags["kubernetes.io/role/internal-elb"], undefined);
        } else {
          assert.strictEqual(tags["kubernetes.io/role/internal-elb"], "1");
          assert.strictEqual(tags["kubernetes.io/role/elb"], undefined);
        }
      }
      assert.deepStrictEqual(
        subnets.map((s) => s.inputs.cidrBlock),
        [...plan.public, ...plan.private],
      );
      assert.strictEqual(prod.one("aws:ec2/vpc:Vpc").inputs.enableDnsHostnames, true);
      assert.strictEqual(prod.one("aws:ec2/vpc:Vpc").inputs.enableDnsSupport, true);
    });
  });

  describe("protection", function () {
    const protectedSet = (run: ProgramRun) =>
      run.resources
        .filter((r) => r.protect)
        .map((r) => `${r.type} ${r.name}`)
        .sort();

    it("protects the VPC, subnets, cluster, secrets key, log group and OIDC provider when settings.protect", function () {
      assert.deepStrictEqual(protectedSet(prod), [
        "aws:cloudwatch/logGroup:LogGroup kp-control-plane-logs",
        "aws:ec2/subnet:Subnet kp-private-0",
        "aws:ec2/subnet:Subnet kp-private-1",
        "aws:ec2/subnet:Subnet kp-private-2",
        "aws:ec2/subnet:Subnet kp-public-0",
        "aws:ec2/subnet:Subnet kp-public-1",
        "aws:ec2/subnet:Subnet kp-public-2",
        "aws:ec2/vpc:Vpc kp-vpc",
        "aws:eks/cluster:Cluster kp-eks",
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider kp-oidc",
        "aws:kms/key:Key kp-secrets",
      ]);
      assert.strictEqual(prod.one("aws:eks/cluster:Cluster").inputs.deletionProtection, true);
    });

    it("protects nothing when settings.protect is false", function () {
      assert.deepStrictEqual(protectedSet(dev), []);
      assert.strictEqual(dev.one("aws:eks/cluster:Cluster").inputs.deletionProtection, false);
    });

    it("never protects node groups", function () {
      for (const ng of prod.ofType("aws:eks/nodeGroup:NodeGroup")) assert.strictEqual(ng.protect, false);
    });
  });

  describe("autoscaling", function () {
    it("node groups scale between min and max, start at min, and ignore the autoscaler's desiredSize", function () {
      const groups = nodeGroups(prod);
      // batch 0-6 and general 3-12 over 3 zones: ceil(min / 3) - ceil(max / 2) per zone.
      assert.deepStrictEqual(
        groups.map((g) => g.inputs.scalingConfig),
        [
          { minSize: 0, maxSize: 3, desiredSize: 0 },
          { minSize: 0, maxSize: 3, desiredSize: 0 },
          { minSize: 0, maxSize: 3, desiredSize: 0 },
          { minSize: 1, maxSize: 6, desiredSize: 1 },
          { minSize: 1, maxSize: 6, desiredSize: 1 },
          { minSize: 1, maxSize: 6, desiredSize: 1 },
        ],
      );
      for (const g of groups) assert.deepStrictEqual(g.ignoreChanges, ["scalingConfig.desiredSize"]);
    });

    it("node groups carry the cluster-autoscaler auto-discovery tags", function () {
      for (const g of prod.ofType("aws:eks/nodeGroup:NodeGroup")) {
        assert.deepStrictEqual(g.inputs.tags, {
          "k8s.io/cluster-autoscaler/enabled": "true",
          "k8s.io/cluster-autoscaler/kp-prod": "owned",
        });
      }
    });

    it("exposes a cluster-autoscaler target with the node groups' Auto Scaling group ARNs", function () {
      assert.strictEqual(prod.outputs.autoscalerClusterName, "kp-prod");
      const arns = prod.outputs.asgArns as string[];
      // Every zone's group of every pool: the autoscaler may scale all six and nothing else.
      assert.strictEqual(arns.length, 6);
      for (const arn of arns) {
        assert.match(
          arn,
          new RegExp(
            `^arn:aws:autoscaling:eu-west-1:${ACCOUNT}:autoScalingGroup:\\*:autoScalingGroupName/eks-`,
          ),
        );
      }
      const prefixes = nodeGroups(prod).map((g) => String(g.inputs.nodeGroupNamePrefix));
      assert.deepStrictEqual(prefixes, [
        "batch-0-",
        "batch-1-",
        "batch-2-",
        "general-0-",
        "general-1-",
        "general-2-",
      ]);
      for (const prefix of prefixes) {
        assert.strictEqual(
          arns.filter((a) => a.includes(`autoScalingGroupName/eks-${prefix}`)).length,
          1,
          prefix,
        );
      }
    });

    it("pools get their instance type, AMI type, labels and parsed taints", function () {
      const [batch, , , general] = nodeGroups(prod);
      assert.deepStrictEqual(general.inputs.instanceTypes, ["m7i.large"]);
      assert.strictEqual(general.inputs.amiType, "AL2023_x86_64_STANDARD");
      assert.deepStrictEqual(general.inputs.taints, []);
      assert.deepStrictEqual(batch.inputs.instanceTypes, ["m7g.xlarge"]);
      assert.strictEqual(batch.inputs.amiType, "AL2023_ARM_64_STANDARD");
      assert.deepStrictEqual(batch.inputs.labels, { "kube-platform/pool": "batch" });
      assert.deepStrictEqual(batch.inputs.taints, [
        { key: "dedicated", value: "batch", effect: "NO_SCHEDULE" },
        { key: "spot", effect: "PREFER_NO_SCHEDULE" },
      ]);
      assert.deepStrictEqual(batch.inputs.updateConfig, { maxUnavailablePercentage: 33 });
    });
  });

  describe("add-ons, storage and ordering", function () {
    const addonNamed = (run: ProgramRun, addonName: string) =>
      run.ofType("aws:eks/addon:Addon").find((a) => a.inputs.addonName === addonName)!;

    it("installs vpc-cni (with NetworkPolicy enforcement), kube-proxy, coredns and the EBS CSI driver", function () {
      const addons = prod.ofType("aws:eks/addon:Addon");
      assert.deepStrictEqual(addons.map((a) => a.inputs.addonName).sort(), [
        "aws-ebs-csi-driver",
        "coredns",
        "kube-proxy",
        "vpc-cni",
      ]);
      for (const a of addons) {
        assert.strictEqual(a.inputs.resolveConflictsOnCreate, "OVERWRITE");
        assert.strictEqual(a.inputs.resolveConflictsOnUpdate, "OVERWRITE");
        assert.strictEqual(a.inputs.clusterName, "kp-prod");
        assert.strictEqual(
          a.inputs.addonVersion,
          "v1.34.0-eksbuild.1",
          "the default version for the cluster version",
        );
      }
      assert.deepStrictEqual(JSON.parse(String(addonNamed(prod, "vpc-cni").inputs.configurationValues)), {
        enableNetworkPolicy: "true",
      });
    });

    it("node groups wait for the networking add-ons, NAT routes and node role policies", function () {
      const routes = prod.ofType("aws:ec2/route:Route").filter((r) => r.name.includes("-private-default-"));
      const nodePolicies = prod
        .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.name.startsWith("kp-node-"));
      assert.strictEqual(nodePolicies.length, 3);
      for (const ng of prod.ofType("aws:eks/nodeGroup:NodeGroup")) {
        for (const dep of [
          addonNamed(prod, "vpc-cni"),
          addonNamed(prod, "kube-proxy"),
          ...routes,
          ...nodePolicies,
        ]) {
          assert.ok(ng.dependsOn.includes(dep.urn), `${ng.name} does not wait for ${dep.name}`);
        }
      }
    });

    it("coredns and the EBS CSI driver wait for the node groups", function () {
      for (const addon of [addonNamed(prod, "coredns"), addonNamed(prod, "aws-ebs-csi-driver")]) {
        for (const ng of prod.ofType("aws:eks/nodeGroup:NodeGroup")) {
          assert.ok(
            addon.dependsOn.includes(ng.urn),
            `${String(addon.inputs.addonName)} does not wait for ${ng.name}`,
          );
        }
      }
    });

    it("the EBS CSI driver uses an IRSA role bound to kube-system/ebs-csi-controller-sa", function () {
      const csi = addonNamed(prod, "aws-ebs-csi-driver");
      const roleArn = String(csi.inputs.serviceAccountRoleArn);
      const role = prod.one("aws:iam/role:Role", "kp-ebs-csi-irsa");
      assert.ok(roleArn.includes(`:role/${String(role.inputs.namePrefix)}`), roleArn);
      const cond = obj(obj(statements(policyOf(role, "assumeRolePolicy"))[0].Condition).StringEquals);
      assert.strictEqual(
        cond[`${ISSUER_HOST_PATH}:sub`],
        "system:serviceaccount:kube-system:ebs-csi-controller-sa",
      );
      const attach = prod.one(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "AmazonEBSCSIDriverPolicy",
      );
      assert.strictEqual(attach.inputs.role, roleNameFromArn(roleArn));
      assert.ok(csi.dependsOn.includes(attach.urn), "the driver needs its policy before it starts");
    });

    it("creates the gp3 default StorageClass after the CSI driver", function () {
      const sc = prod.one("kubernetes:storage.k8s.io/v1:StorageClass");
      assert.deepStrictEqual(sc.inputs.metadata, {
        name: "gp3",
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      });
      assert.strictEqual(sc.inputs.provisioner, "ebs.csi.aws.com");
      assert.deepStrictEqual(sc.inputs.parameters, {
        type: "gp3",
        encrypted: "true",
        "csi.storage.k8s.io/fstype": "ext4",
      });
      assert.strictEqual(sc.inputs.volumeBindingMode, "WaitForFirstConsumer");
      assert.strictEqual(sc.inputs.allowVolumeExpansion, true);
      assert.ok(sc.dependsOn.includes(addonNamed(prod, "aws-ebs-csi-driver").urn));
      for (const a of prod.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) {
        assert.ok(sc.dependsOn.includes(a.urn), "the admin may be the identity the kubeconfig uses");
      }
      assert.strictEqual(prod.outputs.defaultStorageClass, "gp3");
    });

    it("`ready` holds the node groups, the networking/DNS add-ons, the admin access and the deployer's path; `storageReady` the CSI driver and gp3", function () {
      const csi = addonNamed(prod, "aws-ebs-csi-driver");
      const expected = [
        ...prod.ofType("aws:eks/nodeGroup:NodeGroup"),
        ...prod.ofType("aws:eks/addon:Addon").filter((a) => a !== csi),
        ...prod.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"),
        ...prod.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
        prod.one("aws:ec2transitgateway/vpcAttachment:VpcAttachment"),
        ...prod.ofType("aws:ec2/route:Route").filter((r) => r.name.includes("-deployer-")),
      ].map((r) => r.urn);
      assert.deepStrictEqual([...(prod.outputs.readyUrns as string[])].sort(), expected.sort());
      assert.deepStrictEqual(
        [...(prod.outputs.storageReadyUrns as string[])].sort(),
        [csi.urn, prod.one("kubernetes:storage.k8s.io/v1:StorageClass").urn].sort(),
      );
    });

    it("fulfils the rest of the contract (NLB annotation, hostnames, no metrics API, irsa)", function () {
      assert.deepStrictEqual(prod.outputs.contract, {
        target: "eks",
        region: "eu-west-1",
        loadBalancer: {
          addressKind: "hostname",
          serviceAnnotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" },
        },
        hasMetricsApi: false,
        autoscalingKind: "cluster-autoscaler",
        autoscalingRegion: "eu-west-1",
        mechanism: "irsa",
      });
      assert.strictEqual(prod.outputs.clusterName, "kp-prod");
    });
  });

  describe("kubeconfig and providers", function () {
    const execOf = (run: ProgramRun) => {
      const kc = YAML.parse(String(run.outputs.kubeconfig)) as Json;
      const users = kc.users as Json[];
      assert.strictEqual(users.length, 1);
      const user = obj(users[0].user);
      assert.strictEqual(user.token, undefined, "no static token");
      return { kc, exec: obj(user.exec) };
    };

    it("the kubeconfig is a secret", function () {
      assert.ok(prod.secretOutputs.has("kubeconfig"));
      assert.ok(dev.secretOutputs.has("kubeconfig"));
      assert.ok(prod.one("pulumi:providers:kubernetes").secretInputs.has("kubeconfig"));
    });

    it("prod's kubeconfig runs `aws eks get-token` as the configured role", function () {
      const { kc, exec } = execOf(prod);
      assert.strictEqual(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
      assert.strictEqual(exec.command, "aws");
      assert.deepStrictEqual(exec.args, [
        "eks",
        "get-token",
        "--cluster-name",
        "kp-prod",
        "--region",
        "eu-west-1",
        "--role-arn",
        `arn:aws:iam::${ACCOUNT}:role/PlatformAdmin`,
        "--output",
        "json",
      ]);
      const cluster = obj((kc.clusters as Json[])[0].cluster);
      assert.match(String(cluster.server), /^https:\/\/[0-9A-F]+\.gr7\.eu-west-1\.eks\.amazonaws\.com$/);
      assert.ok(cluster["certificate-authority-data"]);
    });

    it("dev's kubeconfig uses the configured AWS CLI profile", function () {
      const { exec } = execOf(dev);
      const args = exec.args as string[];
      assert.deepStrictEqual(args.slice(args.indexOf("--profile"), args.indexOf("--profile") + 2), [
        "--profile",
        "kp-dev",
      ]);
      assert.ok(!args.includes("--role-arn"));
    });

    it("the Kubernetes provider is identified by the cluster ARN", function () {
      const p = prod.one("pulumi:providers:kubernetes");
      assert.strictEqual(p.inputs.clusterIdentifier, `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/kp-prod`);
    });

    it("every AWS resource uses the explicit AWS provider and every Kubernetes object the cluster provider", function () {
      for (const run of [prod, dev, prodVault]) {
        const awsProvider = run.one("pulumi:providers:aws");
        const k8sProvider = run.one("pulumi:providers:kubernetes");
        const awsResources = run.resources.filter((r) => r.type.startsWith("aws:"));
        const k8sResources = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(awsResources.length > 30 && k8sResources.length === 1);
        for (const r of awsResources)
          assert.strictEqual(run.providerUrn(r), awsProvider.urn, `${r.type} ${r.name}`);
        for (const r of k8sResources)
          assert.strictEqual(run.providerUrn(r), k8sProvider.urn, `${r.type} ${r.name}`);
      }
    });
  });

  describe("replacement stability", function () {
    it("node counts and Kubernetes version bumps leave every replacement-forcing input unchanged", async function () {
      const bumped: EksSettings = {
        ...prodSettings,
        kubernetesVersion: "1.35",
        nodePools: prodSettings.nodePools.map((p) => ({
          ...p,
          minNodes: p.minNodes + 2,
          maxNodes: p.maxNodes * 2,
        })),
      };
      const after = await evaluate(bumped, "prod");
      const pick = (r: RecordedResource, keys: string[]) =>
        Object.fromEntries(keys.map((k) => [k, r.inputs[k]]));
      const clusterKeys = [
        "name",
        "roleArn",
        "vpcConfig",
        "encryptionConfig",
        "accessConfig",
        "bootstrapSelfManagedAddons",
        "kubernetesNetworkConfig",
        "outpostConfig",
      ];
      const before = prod.one("aws:eks/cluster:Cluster");
      const now = after.one("aws:eks/cluster:Cluster");
      assert.strictEqual(now.urn, before.urn);
      assert.deepStrictEqual(pick(now, clusterKeys), pick(before, clusterKeys));
      assert.strictEqual(now.inputs.version, "1.35", "the bump itself is an in-place update");

      // The network, the keys, the roles and the node groups' immutable inputs do not move either.
      const stable: [string, string[]][] = [
        ["aws:ec2/vpc:Vpc", ["cidrBlock"]],
        ["aws:ec2/subnet:Subnet", ["vpcId", "cidrBlock", "availabilityZone"]],
        ["aws:kms/key:Key", ["description", "enableKeyRotation"]],
        ["aws:iam/role:Role", ["namePrefix", "assumeRolePolicy"]],
        ["aws:iam/openIdConnectProvider:OpenIdConnectProvider", ["url", "clientIdLists"]],
        [
          "aws:eks/nodeGroup:NodeGroup",
          [
            "clusterName",
            "nodeGroupNamePrefix",
            "nodeRoleArn",
            "subnetIds",
            "amiType",
            "instanceTypes",
            "capacityType",
          ],
        ],
        ["aws:ec2/launchTemplate:LaunchTemplate", ["namePrefix", "metadataOptions", "blockDeviceMappings"]],
      ];
      const byUrn = (run: ProgramRun, type: string, keys: string[]) =>
        run
          .ofType(type)
          .map((r) => [r.urn, pick(r, keys)] as const)
          .sort(([a], [b]) => a.localeCompare(b));
      for (const [type, keys] of stable) {
        assert.deepStrictEqual(byUrn(after, type, keys), byUrn(prod, type, keys), type);
      }
      assert.deepStrictEqual(
        nodeGroups(after).map((g) => g.inputs.version),
        ["1.35", "1.35", "1.35", "1.35", "1.35", "1.35"],
      );
    });
  });

  describe("cluster-autoscaler identity", function () {
    let run: ProgramRun;
    before(async function () {
      run = await runResources(
        () => {
          const c = new EksCluster("kp", prodSettings);
          const id = c.nodeAutoscaling.bindServiceAccount(
            "ca",
            { namespace: "kube-system", name: "cluster-autoscaler" },
            c,
          );
          return {
            annotations: id.serviceAccountAnnotations,
            asgArns: c.nodeAutoscaling.autoScalingGroupArns,
          };
        },
        { stack: "prod" },
      );
    });

    it("trusts only kube-system/cluster-autoscaler and scales only this cluster's Auto Scaling groups", function () {
      const role = run.one("aws:iam/role:Role", "ca-irsa");
      const [trust] = statements(policyOf(role, "assumeRolePolicy"));
      assert.strictEqual(
        obj(obj(trust.Condition).StringEquals)[`${ISSUER_HOST_PATH}:sub`],
        "system:serviceaccount:kube-system:cluster-autoscaler",
      );
      const policy = run.one("aws:iam/rolePolicy:RolePolicy", "ca-autoscaling");
      const [scale, describe, nodegroups] = statements(policyOf(policy));
      assert.deepStrictEqual(scale.Action, [
        "autoscaling:SetDesiredCapacity",
        "autoscaling:TerminateInstanceInAutoScalingGroup",
      ]);
      const asgArns = run.outputs.asgArns as string[];
      assert.ok(asgArns.length > 0);
      assert.deepStrictEqual(scale.Resource, asgArns);
      assert.strictEqual(describe.Resource, "*");
      assert.ok(
        (describe.Action as string[]).every((a) => /:(Describe|Get)/.test(a)),
        "only read calls on *",
      );
      assert.match(String(nodegroups.Resource), /:nodegroup\/kube-platform-prod\/\*$|:nodegroup\/.*\/\*$/);
      assert.ok(run.dependsOnTransitively(run.one("aws:iam/rolePolicy:RolePolicy", "ca-autoscaling"), role));
      assert.deepStrictEqual(Object.keys(run.outputs.annotations as object), ["eks.amazonaws.com/role-arn"]);
    });
  });

  describe("workload identity and unseal KMS", function () {
    it("bindServiceAccount creates a role only vault/vault-server of this cluster can assume", function () {
      const vaultUrn = String(prodVault.outputs.vaultUrn);
      const role = prodVault.one("aws:iam/role:Role", "vault-irsa");
      assert.strictEqual(role.parent, vaultUrn, "the identity is a child of the given parent");
      const [stmt, ...rest] = statements(policyOf(role, "assumeRolePolicy"));
      assert.deepStrictEqual(rest, []);
      assert.strictEqual(stmt.Effect, "Allow");
      assert.strictEqual(stmt.Action, "sts:AssumeRoleWithWebIdentity");
      assert.deepStrictEqual(stmt.Principal, { Federated: OIDC_PROVIDER_ARN });
      assert.deepStrictEqual(stmt.Condition, {
        StringEquals: {
          [`${ISSUER_HOST_PATH}:sub`]: "system:serviceaccount:vault:vault-server",
          [`${ISSUER_HOST_PATH}:aud`]: "sts.amazonaws.com",
        },
      });
      const principal = String(prodVault.outputs.principal);
      assert.match(principal, new RegExp(`^arn:aws:iam::${ACCOUNT}:role/kp-prod-vault-server-`));
      assert.deepStrictEqual(prodVault.outputs.annotations, { "eks.amazonaws.com/role-arn": principal });
      assert.deepStrictEqual(prodVault.outputs.podLabels, {});
    });

    it("createUnsealKey creates a rotating key whose crypto use is granted to that identity only", function () {
      const principal = String(prodVault.outputs.principal);
      const key = prodVault.one("aws:kms/key:Key", "vault-unseal");
      assert.strictEqual(key.parent, String(prodVault.outputs.vaultUrn));
      assert.strictEqual(key.inputs.enableKeyRotation, true);
      const keyStatements = statements(policyOf(key));
      const crypto = [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:CreateGrant",
      ];
      const users = keyStatements.filter((s) =>
        (s.Action as string[]).some((a) => crypto.includes(a) || a === "kms:*" || a === "kms:Create*"),
      );
      assert.deepStrictEqual(
        users.map((s) => s.Principal),
        [{ AWS: principal }],
      );
      assert.deepStrictEqual(users[0].Action, UNSEAL_KEY_ACTIONS);
      const admin = keyStatements.find((s) => s !== users[0])!;
      assert.deepStrictEqual(admin.Principal, { AWS: `arn:aws:iam::${ACCOUNT}:root` });
      assert.deepStrictEqual(admin.Action, KMS_ADMIN_ACTIONS);

      const grant = prodVault.one("aws:iam/rolePolicy:RolePolicy", "vault-unseal");
      assert.strictEqual(grant.inputs.role, roleNameFromArn(principal));
      const [stmt, ...rest] = statements(policyOf(grant));
      assert.deepStrictEqual(rest, []);
      assert.deepStrictEqual(stmt.Action, ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]);
      assert.match(String(stmt.Resource), /^arn:aws:kms:eu-west-1:\d{12}:key\/[0-9a-f-]+$/);
    });

    it("returns the awskms seal stanza for the key", function () {
      const seal = prodVault.outputs.seal as SealStanza;
      assert.strictEqual(seal.type, "awskms");
      assert.deepStrictEqual(Object.keys(seal.attributes).sort(), ["kms_key_id", "region"]);
      assert.strictEqual(seal.attributes.region, "eu-west-1");
      const grant = statements(policyOf(prodVault.one("aws:iam/rolePolicy:RolePolicy", "vault-unseal")))[0];
      assert.ok(
        String(grant.Resource).endsWith(`/${seal.attributes.kms_key_id}`),
        "the stanza names the granted key",
      );
    });

    it("the unseal key is protected exactly when the cluster is", function () {
      assert.strictEqual(prodVault.one("aws:kms/key:Key", "vault-unseal").protect, true);
      assert.strictEqual(devVault.one("aws:kms/key:Key", "vault-unseal").protect, false);
    });
  });

  describe("pure functions", function () {
    it("per-zone sizes: the maximum never depends on the zone count, the minimum only falls as zones are added", function () {
      const zones = [2, 3, 4, 5, 6];
      // Pulumi.prod.yaml (3-12, 0-6), eks-dev (1-3) and an odd pool (4-7).
      assert.deepStrictEqual(
        [12, 6, 3, 7].map((max) => zones.map(() => perZoneMaxNodes(max))),
        [
          [6, 6, 6, 6, 6],
          [3, 3, 3, 3, 3],
          [2, 2, 2, 2, 2],
          [4, 4, 4, 4, 4],
        ],
      );
      assert.deepStrictEqual(
        [3, 0, 1, 4].map((min) => zones.map((z) => perZoneMinNodes(min, z))),
        [
          [2, 1, 1, 1, 1],
          [0, 0, 0, 0, 0],
          [1, 1, 1, 1, 1],
          [2, 2, 1, 1, 1],
        ],
      );
      // Together the zones never start fewer nodes than the pool's minimum, nor allow fewer than its
      // maximum, and no group's minimum exceeds its maximum.
      for (const z of zones) {
        for (const [min, max] of [
          [3, 12],
          [0, 6],
          [1, 3],
          [4, 7],
          [5, 5],
        ]) {
          assert.ok(
            perZoneMinNodes(min, z) * z >= min && perZoneMaxNodes(max) * z >= max,
            `${min}-${max}/${z}`,
          );
          assert.ok(perZoneMinNodes(min, z) <= perZoneMaxNodes(max), `${min}-${max}/${z}`);
        }
      }
    });

    it("subnetCidrs: private /19s and public /22s for a /16", function () {
      assert.deepStrictEqual(subnetCidrs("10.0.0.0/16", 3), {
        private: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
        public: ["10.0.192.0/22", "10.0.196.0/22", "10.0.200.0/22"],
      });
    });

    it("subnetCidrs: adding a zone never moves existing subnets", function () {
      for (let n = 2; n < 6; n++) {
        const a = subnetCidrs("172.16.0.0/18", n);
        const b = subnetCidrs("172.16.0.0/18", n + 1);
        assert.deepStrictEqual(b.private.slice(0, n), a.private);
        assert.deepStrictEqual(b.public.slice(0, n), a.public);
      }
    });

    it("subnetCidrs: subnets never overlap, stay inside the VPC, and private ones are larger", function () {
      const toRange = (cidr: string) => {
        const [ip, len] = cidr.split("/");
        const start = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
        return [start, start + 2 ** (32 - Number(len))];
      };
      for (const vpc of ["10.0.0.0/16", "192.168.0.0/20", "10.1.4.0/22"]) {
        for (let n = 2; n <= 6; n++) {
          const { private: priv, public: pub } = subnetCidrs(vpc, n);
          const [vs, ve] = toRange(vpc);
          const ranges = [...priv, ...pub].map(toRange).sort((x, y) => x[0] - y[0]);
          ranges.forEach(([s, e], i) => {
            assert.ok(s >= vs && e <= ve, `${vpc}/${n}`);
            if (i > 0) assert.ok(s >= ranges[i - 1][1], `overlap in ${vpc}/${n}`);
          });
          assert.ok(Number(priv[0].split("/")[1]) < Number(pub[0].split("/")[1]));
        }
      }
    });

    it("subnetCidrs: rejects bad CIDRs and zone counts", function () {
      assert.throws(() => subnetCidrs("10.0.0.0/8", 3), /between \/16 and \/22/);
      assert.throws(() => subnetCidrs("10.0.0.0/24", 3), /between \/16 and \/22/);
      assert.throws(() => subnetCidrs("10.0.1.0/16", 3), /aligned/);
      assert.throws(() => subnetCidrs("10.0.0/16", 3), /invalid/);
      assert.throws(() => subnetCidrs("10.0.0.0/16", 1), /between 2 and 6/);
      assert.throws(() => subnetCidrs("10.0.0.0/16", 7), /between 2 and 6/);
    });

    it("amiTypeFor: AL2023 x86_64 by default, ARM for Graviton, accelerated AMIs for GPUs/Neuron", function () {
      const cases: Record<string, string> = {
        "m7i.large": "AL2023_x86_64_STANDARD",
        "t3.medium": "AL2023_x86_64_STANDARD",
        "c5n.2xlarge": "AL2023_x86_64_STANDARD",
        "m6a.large": "AL2023_x86_64_STANDARD",
        "m7g.large": "AL2023_ARM_64_STANDARD",
        "c7g.xlarge": "AL2023_ARM_64_STANDARD",
        "t4g.small": "AL2023_ARM_64_STANDARD",
        "r6gd.large": "AL2023_ARM_64_STANDARD",
        "c6gn.large": "AL2023_ARM_64_STANDARD",
        "m8g.large": "AL2023_ARM_64_STANDARD",
        "im4gn.large": "AL2023_ARM_64_STANDARD",
        "a1.large": "AL2023_ARM_64_STANDARD",
        "g5g.xlarge": "AL2023_ARM_64_NVIDIA",
        "g5.xlarge": "AL2023_x86_64_NVIDIA",
        "g4dn.xlarge": "AL2023_x86_64_NVIDIA",
        "p5.48xlarge": "AL2023_x86_64_NVIDIA",
        "inf2.xlarge": "AL2023_x86_64_NEURON",
        "trn1.2xlarge": "AL2023_x86_64_NEURON",
      };
      for (const [t, ami] of Object.entries(cases)) assert.strictEqual(amiTypeFor(t), ami, t);
    });

    it("parseTaint: key=value:Effect and key:Effect into the EKS shape", function () {
      assert.deepStrictEqual(parseTaint("dedicated=gpu:NoSchedule"), {
        key: "dedicated",
        value: "gpu",
        effect: "NO_SCHEDULE",
      });
      assert.deepStrictEqual(parseTaint("example.com/batch=true:NoExecute"), {
        key: "example.com/batch",
        value: "true",
        effect: "NO_EXECUTE",
      });
      assert.deepStrictEqual(parseTaint("spot:PreferNoSchedule"), {
        key: "spot",
        effect: "PREFER_NO_SCHEDULE",
      });
      assert.throws(() => parseTaint("dedicated=gpu"), /expected key=value:Effect/);
      assert.throws(() => parseTaint("dedicated=gpu:NoSchedul"), /invalid taint effect/);
      assert.throws(
        () =>
          validateEksSettings({
            ...devSettings,
            nodePools: [{ ...devSettings.nodePools[0], taints: ["x"] }],
          }),
        /invalid taint/,
      );
    });

    it("namePrefix: keeps short prefixes readable and long ones within the limit and distinct", function () {
      assert.strictEqual(namePrefix(["kp-prod", "node"], IAM_ROLE_NAME_PREFIX_MAX), "kp-prod-node-");
      const long = "a-very-long-cluster-name-for-the-platform-team";
      const a = namePrefix([long, "ebs-csi-controller-sa"], IAM_ROLE_NAME_PREFIX_MAX);
      const b = namePrefix([long, "cluster-autoscaler"], IAM_ROLE_NAME_PREFIX_MAX);
      assert.ok(a.length <= 38 && b.length <= 38, `${a} ${b}`);
      assert.notStrictEqual(a, b);
      assert.ok(a.startsWith("a-very-long-cluster-name") && a.endsWith("-"));
      assert.ok(namePrefix([long, "general"], NODE_GROUP_NAME_PREFIX_MAX).length <= 37);
      // Deterministic: the same parts always give the same prefix (no replacement on re-run).
      assert.strictEqual(namePrefix([long, "ebs-csi-controller-sa"], IAM_ROLE_NAME_PREFIX_MAX), a);
    });

    it("principalSuffix: URN-safe, stable and distinct per ARN", function () {
      const a = principalSuffix(`arn:aws:iam::${ACCOUNT}:role/Admin`);
      const b = principalSuffix("arn:aws:iam::210987654321:role/Admin");
      assert.match(a, /^admin-[0-9a-f]{8}$/);
      assert.notStrictEqual(a, b);
      assert.ok(!a.includes("::"));
      assert.strictEqual(principalSuffix(`arn:aws:iam::${ACCOUNT}:role/Admin`), a);
    });

    it("roleNameFromArn and issuerHostPath", function () {
      assert.strictEqual(roleNameFromArn(`arn:aws:iam::${ACCOUNT}:role/vault`), "vault");
      assert.strictEqual(roleNameFromArn(`arn:aws-cn:iam::${ACCOUNT}:role/team/apps/vault`), "vault");
      assert.throws(() => roleNameFromArn(`arn:aws:iam::${ACCOUNT}:user/alice`), /not an IAM role ARN/);
      assert.strictEqual(issuerHostPath(ISSUER), ISSUER_HOST_PATH);
    });

    it("irsaTrustPolicy names exactly one ServiceAccount and the STS audience", function () {
      const p = JSON.parse(
        irsaTrustPolicy(OIDC_PROVIDER_ARN, ISSUER, { namespace: "ns", name: "sa" }),
      ) as Json;
      assert.deepStrictEqual(p, {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: OIDC_PROVIDER_ARN },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                [`${ISSUER_HOST_PATH}:sub`]: "system:serviceaccount:ns:sa",
                [`${ISSUER_HOST_PATH}:aud`]: "sts.amazonaws.com",
              },
            },
          },
        ],
      });
    });

    it("autoScalingGroupArn", function () {
      assert.strictEqual(
        autoScalingGroupArn("aws-us-gov", "us-gov-west-1", ACCOUNT, "eks-ng-1"),
        `arn:aws-us-gov:autoscaling:us-gov-west-1:${ACCOUNT}:autoScalingGroup:*:autoScalingGroupName/eks-ng-1`,
      );
    });

    it("buildKubeconfig: exec-based, with optional profile and role", function () {
      const base = {
        clusterName: "c",
        endpoint: "https://x.eks.amazonaws.com",
        certificateAuthorityData: "Q0E=",
        region: "us-east-1",
      };
      const plain = YAML.parse(buildKubeconfig(base)) as Json;
      assert.strictEqual(plain["current-context"], "c");
      const exec = obj(obj((plain.users as Json[])[0].user).exec);
      assert.deepStrictEqual(exec.args, [
        "eks",
        "get-token",
        "--cluster-name",
        "c",
        "--region",
        "us-east-1",
        "--output",
        "json",
      ]);
      const full = YAML.parse(
        buildKubeconfig({ ...base, profile: "p", roleArn: "arn:aws:iam::1:role/r" }),
      ) as Json;
      const args = obj(obj((full.users as Json[])[0].user).exec).args as string[];
      assert.deepStrictEqual(args.slice(6, 10), ["--role-arn", "arn:aws:iam::1:role/r", "--profile", "p"]);
      const cluster = obj((full.clusters as Json[])[0].cluster);
      assert.deepStrictEqual(cluster, { server: base.endpoint, "certificate-authority-data": "Q0E=" });
    });

    it("validateEksSettings rejects what EKS would reject mid-deployment", function () {
      assert.doesNotThrow(() => validateEksSettings(prodSettings));
      assert.throws(() => validateEksSettings({ ...prodSettings, clusterName: "-bad" }), /clusterName/);
      const pool = prodSettings.nodePools[0];
      assert.throws(
        () => validateEksSettings({ ...prodSettings, nodePools: [{ ...pool, minNodes: 5, maxNodes: 2 }] }),
        /minNodes <= maxNodes/,
      );
      assert.throws(
        () => validateEksSettings({ ...prodSettings, nodePools: [pool, pool] }),
        /duplicate node pool/,
      );
      assert.throws(
        () =>
          validateEksSettings({
            ...prodSettings,
            adminPrincipalArns: [prodSettings.adminPrincipalArns[0], prodSettings.adminPrincipalArns[0]],
          }),
        /duplicates/,
      );
    });
  });

  describe("the deployer's path to the API (private endpoint)", function () {
    const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    const TGW_ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment";
    const viaTgw: EksSettings = {
      ...prodSettings,
      deployerNetwork: {
        cidrs: ["10.100.0.0/16", "192.168.10.0/24"],
        securityGroupIds: [],
        transitGatewayId: "tgw-0123456789abcdef0",
      },
    };
    let tgw: ProgramRun;
    before(async function () {
      tgw = await evaluate(viaTgw, "prod");
    });

    it("allows tcp 443 on the cluster security group from each deployer CIDR and security group", function () {
      const rules = [...prod.ofType(INGRESS)].sort((a, b) => a.name.localeCompare(b.name));
      assert.deepStrictEqual(
        rules.map((r) => [r.name, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]),
        [
          ["kp-deployer-10-100-0-0-16", "tcp", 443, 443],
          ["kp-deployer-sg-0123456789abcdef0", "tcp", 443, 443],
        ],
      );
      assert.strictEqual(rules[0].inputs.cidrIpv4, "10.100.0.0/16");
      assert.strictEqual(rules[0].inputs.referencedSecurityGroupId, undefined);
      assert.strictEqual(rules[1].inputs.referencedSecurityGroupId, "sg-0123456789abcdef0");
      assert.strictEqual(rules[1].inputs.cidrIpv4, undefined);
      for (const r of rules) {
        // The security group EKS created for the control plane (vpcConfig.clusterSecurityGroupId).
        assert.match(String(r.inputs.securityGroupId), /^sg-[0-9a-f]{17}$/);
        assert.ok(prod.dependsOnTransitively(r, prod.one("aws:eks/cluster:Cluster")));
      }
      assert.strictEqual(rules[0].inputs.securityGroupId, rules[1].inputs.securityGroupId);
      assert.strictEqual(prod.one(TGW_ATTACHMENT).inputs.transitGatewayId, "tgw-0123456789abcdef0");
    });

    it("the Kubernetes provider waits for the admin access entries and the deployer's whole path", function () {
      // pulumi-kubernetes loads the API schema once, in Configure, and marks the cluster unreachable
      // for the whole run if that fails: the provider itself must wait, not only the first object.
      for (const run of [prod, tgw]) {
        const provider = run.one("pulumi:providers:kubernetes");
        const path = [
          ...run.ofType("aws:eks/accessEntry:AccessEntry"),
          ...run.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"),
          ...run.ofType(INGRESS),
          run.one(TGW_ATTACHMENT),
          ...run.ofType("aws:ec2/route:Route").filter((r) => r.name.includes("-deployer-")),
        ];
        assert.strictEqual(path.length, run === prod ? 2 + 2 + 2 + 1 + 3 : 2 + 2 + 2 + 1 + 6);
        for (const r of path) assert.ok(provider.dependsOn.includes(r.urn), `${r.type} ${r.name}`);
      }
      const devProvider = dev.one("pulumi:providers:kubernetes");
      for (const r of dev.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) {
        assert.ok(devProvider.dependsOn.includes(r.urn), r.name);
      }
    });

    it("with a transit gateway: attaches the private subnets and routes each deployer CIDR to it from each private route table", function () {
      const attachment = tgw.one(TGW_ATTACHMENT);
      assert.deepStrictEqual(attachment.inputs.subnetIds, [
        "kp-private-0-id",
        "kp-private-1-id",
        "kp-private-2-id",
      ]);
      assert.strictEqual(attachment.inputs.vpcId, "kp-vpc-id");
      assert.strictEqual(attachment.inputs.transitGatewayId, "tgw-0123456789abcdef0");
      const routes = tgw
        .ofType("aws:ec2/route:Route")
        .filter((r) => r.name.includes("-deployer-"))
        .sort((a, b) => a.name.localeCompare(b.name));
      assert.deepStrictEqual(
        routes.map((r) => [
          r.name,
          r.inputs.routeTableId,
          r.inputs.destinationCidrBlock,
          r.inputs.transitGatewayId,
        ]),
        [
          [
            "kp-private-0-deployer-10-100-0-0-16",
            "kp-private-rt-0-id",
            "10.100.0.0/16",
            "tgw-0123456789abcdef0",
          ],
          [
            "kp-private-0-deployer-192-168-10-0-24",
            "kp-private-rt-0-id",
            "192.168.10.0/24",
            "tgw-0123456789abcdef0",
          ],
          [
            "kp-private-1-deployer-10-100-0-0-16",
            "kp-private-rt-1-id",
            "10.100.0.0/16",
            "tgw-0123456789abcdef0",
          ],
          [
            "kp-private-1-deployer-192-168-10-0-24",
            "kp-private-rt-1-id",
            "192.168.10.0/24",
            "tgw-0123456789abcdef0",
          ],
          [
            "kp-private-2-deployer-10-100-0-0-16",
            "kp-private-rt-2-id",
            "10.100.0.0/16",
            "tgw-0123456789abcdef0",
          ],
          [
            "kp-private-2-deployer-192-168-10-0-24",
            "kp-private-rt-2-id",
            "192.168.10.0/24",
            "tgw-0123456789abcdef0",
          ],
        ],
      );
      // A route to a transit gateway needs the VPC attached to it first.
      for (const r of routes) assert.ok(r.dependsOn.includes(attachment.urn), r.name);
      assert.deepStrictEqual(
        tgw
          .ofType(INGRESS)
          .map((r) => r.inputs.cidrIpv4)
          .sort(),
        ["10.100.0.0/16", "192.168.10.0/24"],
      );
      const ready = tgw.outputs.readyUrns as string[];
      for (const r of [attachment, ...routes]) assert.ok(ready.includes(r.urn), r.name);
    });

    it("a public endpoint registers no deployer path", function () {
      assert.deepStrictEqual(dev.ofType(INGRESS), []);
      assert.deepStrictEqual(dev.ofType(TGW_ATTACHMENT), []);
    });

    it("validateEksSettings refuses a private endpoint without a deployer network, and the reverse", function () {
      const { deployerNetwork: _dn, ...noPath } = prodSettings;
      assert.throws(
        () => validateEksSettings(noPath),
        /^Error: deployerNetwork: is required when endpointPublicAccess is false: this program creates the VPC.*set deployerNetwork\.transitGatewayId.*or set endpointPublicAccess: true with publicAccessCidrs/,
      );
      assert.throws(
        () => validateEksSettings({ ...devSettings, deployerNetwork: prodSettings.deployerNetwork }),
        /^Error: deployerNetwork: is only used with a private endpoint/,
      );
      assert.throws(
        () => validateEksSettings({ ...prodSettings, deployerNetwork: { cidrs: [], securityGroupIds: [] } }),
        /^Error: deployerNetwork\.transitGatewayId: is required when endpointPublicAccess is false/,
      );
      assert.throws(
        () =>
          validateEksSettings({
            ...prodSettings,
            deployerNetwork: {
              cidrs: [],
              securityGroupIds: ["sg-0123456789abcdef0"],
              transitGatewayId: "tgw-0123456789abcdef0",
            },
          }),
        /^Error: deployerNetwork\.cidrs: must list the deployer network's CIDRs: the private subnets route each one to the transit gateway/,
      );
      assert.throws(
        () =>
          validateEksSettings({
            ...prodSettings,
            deployerNetwork: {
              cidrs: ["10.20.8.0/24"],
              securityGroupIds: [],
              transitGatewayId: "tgw-0123456789abcdef0",
            },
          }),
        /deployerNetwork\.cidrs\.0: overlaps vpcCidr \(10\.20\.0\.0\/16\)/,
      );
      assert.throws(
        () =>
          validateEksSettings({
            ...prodSettings,
            deployerNetwork: {
              cidrs: ["10.100.0.0/16", "10.100.0.0/16"],
              securityGroupIds: [],
              transitGatewayId: "tgw-0123456789abcdef0",
            },
          }),
        /deployerNetwork\.cidrs\.1: is listed twice/,
      );
      assert.throws(
        () =>
          validateEksSettings({
            ...prodSettings,
            deployerNetwork: {
              cidrs: ["10.100.0.0/16"],
              securityGroupIds: ["default"],
              transitGatewayId: "tgw-0123456789abcdef0",
            },
          }),
        /deployerNetwork\.securityGroupIds: "default" is not an sg- ID/,
      );
      assert.doesNotThrow(() => validateEksSettings(viaTgw));
      assert.doesNotThrow(() => validateEksSettings(prodSettings));
      // The VPC is created by this program: on the first deploy no runner is inside it, so security
      // groups or CIDRs without a transit gateway are no path, whatever they name.
      for (const deployerNetwork of [
        { cidrs: ["10.20.8.0/24"], securityGroupIds: [] },
        { cidrs: ["10.100.0.0/16"], securityGroupIds: ["sg-0123456789abcdef0"] },
        { cidrs: [], securityGroupIds: ["sg-0123456789abcdef0"] },
      ]) {
        assert.throws(
          () => validateEksSettings({ ...prodSettings, deployerNetwork }),
          /^Error: deployerNetwork\.transitGatewayId: is required when endpointPublicAccess is false: this program creates the VPC, so on the first `pulumi up` nothing is inside it and only a transit gateway connects the deployer to it/,
          JSON.stringify(deployerNetwork),
        );
      }
    });
  });

  describe("zones EKS accepts", function () {
    const inRegion = (region: string): EksSettings => ({ ...prodSettings, region });
    const zonesOf = (run: ProgramRun) =>
      run
        .ofType("aws:ec2/subnet:Subnet")
        .filter((s) => s.name.includes("-private-"))
        .map((s) => s.inputs.availabilityZone);

    it("excludes the AZ IDs where EKS cannot place cluster subnets (use1-az3, usw1-az2, cac1-az3)", async function () {
      // The mock maps zone letters a-d to az1-az4: us-east-1c is use1-az3, ca-central-1c is cac1-az3,
      // us-west-1b is usw1-az2.
      const [east, west, canada] = await Promise.all(
        ["us-east-1", "us-west-1", "ca-central-1"].map((r) => evaluate(inRegion(r), "prod")),
      );
      assert.deepStrictEqual(zonesOf(east), ["us-east-1a", "us-east-1b", "us-east-1d"]);
      assert.deepStrictEqual(zonesOf(west), ["us-west-1a", "us-west-1c", "us-west-1d"]);
      assert.deepStrictEqual(zonesOf(canada), ["ca-central-1a", "ca-central-1b", "ca-central-1d"]);
    });

    it("leaves the zones of other regions where they were", async function () {
      assert.deepStrictEqual(zonesOf(prod), ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
      const tokyo = await evaluate(inRegion("ap-northeast-1"), "prod");
      assert.deepStrictEqual(zonesOf(tokyo), ["ap-northeast-1a", "ap-northeast-1b", "ap-northeast-1c"]);
    });

    it("fails with the zone count when too few accepted zones remain", async function () {
      await assert.rejects(
        evaluate({ ...inRegion("us-east-1"), availabilityZoneCount: 4 }, "prod"),
        /region us-east-1 has 3 availability zones EKS accepts \(excluding use1-az3, usw1-az2, cac1-az3\), availabilityZoneCount is 4/,
      );
    });
  });

  describe("raising availabilityZoneCount", function () {
    let four: ProgramRun;
    before(async function () {
      four = await evaluate({ ...prodSettings, availabilityZoneCount: 4 }, "prod");
    });

    it("keeps the control plane on its creation-time subnets: vpcConfig.subnetIds is ignored after creation", function () {
      const cluster = four.one("aws:eks/cluster:Cluster");
      assert.deepStrictEqual(cluster.ignoreChanges, [
        "accessConfig.bootstrapClusterCreatorAdminPermissions",
        "vpcConfig.subnetIds",
      ]);
      assert.deepStrictEqual(prod.one("aws:eks/cluster:Cluster").ignoreChanges, cluster.ignoreChanges);
      // Everything else of vpcConfig is unchanged, so the update touches nothing of the control plane.
      const { subnetIds: _a, ...before } = obj(prod.one("aws:eks/cluster:Cluster").inputs.vpcConfig);
      const { subnetIds: _b, ...after } = obj(cluster.inputs.vpcConfig);
      assert.deepStrictEqual(after, before);
    });

    it("gives every pool a node group in the new zone and leaves the existing groups untouched", function () {
      const pick = (g: RecordedResource) => [g.urn, g.inputs.subnetIds, g.inputs.scalingConfig];
      const added = nodeGroups(four).filter((g) => g.name.endsWith(".3"));
      assert.deepStrictEqual(
        added.map((g) => [g.name, g.inputs.subnetIds]),
        [
          ["kp-batch.3", ["kp-private-3-id"]],
          ["kp-general.3", ["kp-private-3-id"]],
        ],
      );
      // general 3-12 and batch 0-6 (Pulumi.prod.yaml): ceil(12 / 3) = 4 but ceil(12 / 4) = 3, so a
      // maximum that followed the zone count would shrink the existing groups below a size they may
      // have (EKS refuses it); per zone the maximum is ceil(max / 2) for any zone count.
      assert.deepStrictEqual(
        nodeGroups(four).map((g) => [g.name, g.inputs.scalingConfig]),
        [
          ["kp-batch.0", { minSize: 0, maxSize: 3, desiredSize: 0 }],
          ["kp-batch.1", { minSize: 0, maxSize: 3, desiredSize: 0 }],
          ["kp-batch.2", { minSize: 0, maxSize: 3, desiredSize: 0 }],
          ["kp-batch.3", { minSize: 0, maxSize: 3, desiredSize: 0 }],
          ["kp-general.0", { minSize: 1, maxSize: 6, desiredSize: 1 }],
          ["kp-general.1", { minSize: 1, maxSize: 6, desiredSize: 1 }],
          ["kp-general.2", { minSize: 1, maxSize: 6, desiredSize: 1 }],
          ["kp-general.3", { minSize: 1, maxSize: 6, desiredSize: 1 }],
        ],
      );
      assert.deepStrictEqual(
        nodeGroups(four)
          .filter((g) => !g.name.endsWith(".3"))
          .map(pick),
        nodeGroups(prod).map(pick),
      );
    });
  });

  describe("upgrading from one node group per pool", function () {
    it("the zone-0 group of each pool takes over the former group's URN (an alias), the others are new", async function () {
      const aliases: Record<string, unknown> = {};
      await runResources(
        () => {
          // A (legacy, SDK-side) transformation sees each child's options as the engine gets them.
          const record: pulumi.ResourceTransformation = (args) => {
            if (args.type === "aws:eks/nodeGroup:NodeGroup") aliases[args.name] = args.opts.aliases;
            return undefined;
          };
          new EksCluster("kp", prodSettings, { transformations: [record] });
          return {};
        },
        { stack: "prod" },
      );
      assert.deepStrictEqual(
        Object.fromEntries(Object.entries(aliases).sort(([a], [b]) => a.localeCompare(b))),
        {
          "kp-batch.0": [{ name: "kp-batch" }],
          "kp-batch.1": [],
          "kp-batch.2": [],
          "kp-general.0": [{ name: "kp-general" }],
          "kp-general.1": [],
          "kp-general.2": [],
        },
      );
    });

    it("the zones of a pool share its launch template (cluster-autoscaler balances only groups that look alike)", function () {
      const templates = prod.ofType("aws:ec2/launchTemplate:LaunchTemplate");
      assert.deepStrictEqual(templates.map((t) => t.name).sort(), ["kp-batch", "kp-general"]);
      for (const g of nodeGroups(prod)) {
        const pool = g.name.replace(/^kp-/, "").replace(/\.\d$/, "");
        assert.strictEqual(obj(g.inputs.launchTemplate).id, `kp-${pool}-id`, g.name);
      }
    });
  });

  describe("support type", function () {
    it("sets upgradePolicy.supportType from settings (STANDARD in prod, EXTENDED where asked)", function () {
      assert.deepStrictEqual(prod.one("aws:eks/cluster:Cluster").inputs.upgradePolicy, {
        supportType: "STANDARD",
      });
      assert.deepStrictEqual(dev.one("aws:eks/cluster:Cluster").inputs.upgradePolicy, {
        supportType: "EXTENDED",
      });
      assert.throws(
        () => validateEksSettings({ ...prodSettings, supportType: "LTS" as "STANDARD" }),
        /supportType: "LTS" must be STANDARD or EXTENDED/,
      );
    });
  });

  describe("principal ARNs", function () {
    it("access entries take role or user ARNs of every partition, never an STS session ARN", function () {
      for (const arn of [
        `arn:aws:iam::${ACCOUNT}:role/Admin`,
        `arn:aws:iam::${ACCOUNT}:role/team/platform/Admin`,
        `arn:aws:iam::${ACCOUNT}:user/alice`,
        `arn:aws-cn:iam::${ACCOUNT}:role/Admin`,
        `arn:aws-us-gov:iam::${ACCOUNT}:role/Admin`,
      ]) {
        assert.strictEqual(adminPrincipalArnProblem(arn), undefined, arn);
        assert.doesNotThrow(() => validateEksSettings({ ...prodSettings, adminPrincipalArns: [arn] }), arn);
      }
      assert.strictEqual(
        adminPrincipalArnProblem(`arn:aws:sts::${ACCOUNT}:assumed-role/Admin/alice@example.com`),
        `is an STS assumed-role session ARN, which CreateAccessEntry refuses; use the role's ARN arn:aws:iam::${ACCOUNT}:role/Admin (the form arn:aws:iam::<account>:role/<name> (partition aws, aws-cn or aws-us-gov); add the role's path if it has one)`,
      );
      assert.throws(
        () =>
          validateEksSettings({
            ...prodSettings,
            adminPrincipalArns: [`arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/Admin/s`],
          }),
        new RegExp(`adminPrincipalArns: .*use the role's ARN arn:aws-us-gov:iam::${ACCOUNT}:role/Admin`),
      );
      assert.match(
        String(
          adminPrincipalArnProblem(
            `arn:aws:iam::${ACCOUNT}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS`,
          ),
        ),
        /service-linked role/,
      );
      for (const bad of ["admin", `arn:aws-iso:iam::${ACCOUNT}:role/Admin`, `arn:aws:iam::123:role/Admin`]) {
        assert.match(
          String(adminPrincipalArnProblem(bad)),
          /^must be an IAM role or user ARN like arn:aws:iam::<account>:role\/<name>/,
          bad,
        );
      }
    });

    it("kubeconfigRoleArn must be a role: `aws eks get-token --role-arn` assumes roles only", function () {
      assert.strictEqual(kubeconfigRoleArnProblem(`arn:aws-cn:iam::${ACCOUNT}:role/ops/Deployer`), undefined);
      assert.match(
        String(kubeconfigRoleArnProblem(`arn:aws:iam::${ACCOUNT}:user/alice`)),
        /^is an IAM user ARN; `aws eks get-token --role-arn` can only assume a role: use a role ARN like arn:aws:iam::<account>:role\/<name>.*or kubeconfigProfile/,
      );
      assert.strictEqual(
        kubeconfigRoleArnProblem(`arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci`),
        `is an STS assumed-role session ARN; \`--role-arn\` needs the role's ARN, e.g. arn:aws:iam::${ACCOUNT}:role/Deployer`,
      );
      assert.throws(
        () =>
          validateEksSettings({ ...devSettings, kubeconfigRoleArn: `arn:aws:iam::${ACCOUNT}:user/alice` }),
        /kubeconfigRoleArn: .* is an IAM user ARN/,
      );
    });
  });
});
