/** The EksCluster's resources, its security rules, dev/prod differences and protection (Pulumi mocks). */
import * as assert from "assert";
import { EKS_CONTROL_PLANE_LOG_TYPES, subnetCidrs, validateEksSettings } from "../components/cluster/eks";
import { ProgramRun } from "../offline/mocks";
import {
  ISSUER,
  prodSettings,
  devSettings,
  evaluate,
  Json,
  obj,
  policyOf,
  statements,
  nodeGroups,
} from "./helpers/eks-cluster";

describe("EksCluster", function () {
  let prod: ProgramRun;
  let dev: ProgramRun;

  before(async function () {
    prod = await evaluate(prodSettings, "prod");
    dev = await evaluate(devSettings, "dev");
  });

  describe("resources", function () {
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
      const rolePolicy = policyOf(prod.one("aws:iam/rolePolicy:RolePolicy", "-encryption"));
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

    it("CKV_AWS_158: the control-plane log group is encrypted with the cluster's key, which CloudWatch Logs may use for it only", function () {
      const key = prod.one("aws:kms/key:Key");
      const keyArn = String(
        obj(obj(prod.one("aws:eks/cluster:Cluster").inputs.encryptionConfig).provider).keyArn,
      );
      assert.strictEqual(prod.one("aws:cloudwatch/logGroup:LogGroup").inputs.kmsKeyId, keyArn);
      assert.deepStrictEqual(JSON.parse(String(key.inputs.policy)), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountAdministersTheKeyThroughIam",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::123456789012:root" },
            Action: "kms:*",
            Resource: "*",
          },
          {
            Sid: "CloudWatchLogsEncryptsTheControlPlaneLogGroup",
            Effect: "Allow",
            Principal: { Service: "logs.eu-west-1.amazonaws.com" },
            Action: [
              "kms:Encrypt*",
              "kms:Decrypt*",
              "kms:ReEncrypt*",
              "kms:GenerateDataKey*",
              "kms:Describe*",
            ],
            Resource: "*",
            Condition: {
              ArnEquals: {
                "kms:EncryptionContext:aws:logs:arn":
                  "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/kp-prod/cluster",
              },
            },
          },
        ],
      });
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
      // Session Manager instead of SSH, not AmazonSSMManagedInstanceCore (every SSM parameter).
      assert.deepStrictEqual(
        statements(policyOf(prod.one("aws:iam/rolePolicy:RolePolicy", "kp-node-session-manager"))),
        [
          {
            Effect: "Allow",
            Action: [
              "ssm:UpdateInstanceInformation",
              "ssmmessages:CreateControlChannel",
              "ssmmessages:CreateDataChannel",
              "ssmmessages:OpenControlChannel",
              "ssmmessages:OpenDataChannel",
            ],
            Resource: "*",
          },
        ],
      );
      const roles = prod.ofType("aws:iam/role:Role");
      const trust = (suffix: string) => policyOf(prod.one("aws:iam/role:Role", suffix), "assumeRolePolicy");
      assert.deepStrictEqual(obj(statements(trust("kp-cluster"))[0].Principal), {
        Service: "eks.amazonaws.com",
      });
      assert.deepStrictEqual(obj(statements(trust("kp-node"))[0].Principal), {
        Service: "ec2.amazonaws.com",
      });
      // The cluster's, the nodes', the EBS CSI driver's and the Load Balancer Controller's.
      assert.strictEqual(roles.length, 4);
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
});
