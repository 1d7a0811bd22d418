/** The EksCluster's autoscaling, add-ons, Kubernetes access, replacement stability and identities (Pulumi mocks). */
import * as assert from "assert";
import * as YAML from "yaml";
import {
  EksCluster,
  KMS_ADMIN_ACTIONS,
  UNSEAL_KEY_ACTIONS,
  roleNameFromArn,
} from "../components/cluster/eks";
import { EksSettings, SealStanza } from "../components/cluster/types";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";
import {
  ACCOUNT,
  ISSUER_HOST_PATH,
  OIDC_PROVIDER_ARN,
  prodSettings,
  devSettings,
  evaluate,
  Json,
  obj,
  policyOf,
  statements,
  nodeGroups,
  prodWith,
} from "./helpers/eks-cluster";

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

    it("installs vpc-cni (with NetworkPolicy enforcement), kube-proxy, the Pod Identity agent, coredns and the EBS CSI driver", function () {
      const addons = prod.ofType("aws:eks/addon:Addon");
      assert.deepStrictEqual(addons.map((a) => a.inputs.addonName).sort(), [
        "aws-ebs-csi-driver",
        "coredns",
        "eks-pod-identity-agent",
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
          addonNamed(prod, "eks-pod-identity-agent"),
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

    it("the EBS CSI driver uses a role bound to kube-system/ebs-csi-controller-sa (Pod Identity by default)", function () {
      const csi = addonNamed(prod, "aws-ebs-csi-driver");
      const roleArn = String(csi.inputs.serviceAccountRoleArn);
      const role = prod.one("aws:iam/role:Role", "kp-ebs-csi-irsa");
      assert.ok(roleArn.includes(`:role/${String(role.inputs.namePrefix)}`), roleArn);
      const cond = obj(obj(statements(policyOf(role, "assumeRolePolicy"))[0].Condition).StringEquals);
      assert.strictEqual(cond["aws:RequestTag/kubernetes-service-account"], "ebs-csi-controller-sa");
      assert.strictEqual(cond["aws:RequestTag/kubernetes-namespace"], "kube-system");
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
        // The AWS Load Balancer Controller: everything in the cluster waits for it, and goes before it.
        prod.one("kubernetes:helm.sh/v3:Release", "kp-load-balancer-controller-release"),
      ].map((r) => r.urn);
      assert.deepStrictEqual([...(prod.outputs.readyUrns as string[])].sort(), expected.sort());
      assert.deepStrictEqual(
        [...(prod.outputs.storageReadyUrns as string[])].sort(),
        [csi.urn, prod.one("kubernetes:storage.k8s.io/v1:StorageClass").urn].sort(),
      );
    });

    it("fulfils the rest of the contract (the controller's NLB, hostnames, no metrics API, Pod Identity)", function () {
      assert.deepStrictEqual(prod.outputs.contract, {
        target: "eks",
        region: "eu-west-1",
        loadBalancer: {
          addressKind: "hostname",
          serviceAnnotations: {
            "service.beta.kubernetes.io/aws-load-balancer-type": "external",
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes":
              "preserve_client_ip.enabled=true",
          },
          loadBalancerClass: "service.k8s.aws/nlb",
          controllerNamespaceLabels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
        },
        hasMetricsApi: false,
        autoscalingKind: "cluster-autoscaler",
        autoscalingRegion: "eu-west-1",
        mechanism: "eks-pod-identity",
      });
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
        // The gp3 StorageClass and the AWS Load Balancer Controller's release.
        assert.ok(awsResources.length > 30 && k8sResources.length === 2);
        for (const r of awsResources)
          assert.strictEqual(run.providerUrn(r), awsProvider.urn, `${r.type} ${r.name}`);
        for (const r of k8sResources)
          assert.strictEqual(run.providerUrn(r), k8sProvider.urn, `${r.type} ${r.name}`);
      }
    });
  });

  describe("replacement stability", function () {
    it("node counts and Kubernetes version bumps leave every replacement-forcing input unchanged", async function () {
      const bumped: EksSettings = prodWith({
        kubernetesVersion: "1.35",
        nodePools: prodSettings.nodePools.map((p) => ({
          ...p,
          minNodes: p.minNodes + 2,
          maxNodes: p.maxNodes * 2,
        })),
      });
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
          const ca = c.nodeAutoscaling;
          assert.strictEqual(ca.kind, "cluster-autoscaler");
          if (ca.kind !== "cluster-autoscaler") return {};
          const id = ca.bindServiceAccount("ca", { namespace: "kube-system", name: "cluster-autoscaler" }, c);
          return {
            annotations: id.serviceAccountAnnotations,
            asgArns: ca.autoScalingGroupArns,
          };
        },
        { stack: "prod" },
      );
    });

    it("trusts only kube-system/cluster-autoscaler and scales only this cluster's Auto Scaling groups", function () {
      const role = run.one("aws:iam/role:Role", "ca-irsa");
      const [trust] = statements(policyOf(role, "assumeRolePolicy"));
      assert.deepStrictEqual(obj(obj(trust.Condition).StringEquals), {
        "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/kp-prod`,
        "aws:RequestTag/kubernetes-namespace": "kube-system",
        "aws:RequestTag/kubernetes-service-account": "cluster-autoscaler",
      });
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
      // Pod Identity: no annotation; the association names the ServiceAccount (cluster-eks-identity.test.ts).
      assert.deepStrictEqual(run.outputs.annotations, {});
    });
  });

  describe("workload identity and unseal KMS", function () {
    it("bindServiceAccount creates a role only vault/vault-server of this cluster can assume", function () {
      const vaultUrn = String(prodVault.outputs.vaultUrn);
      const role = prodVault.one("aws:iam/role:Role", "vault-irsa");
      assert.strictEqual(role.parent, vaultUrn, "the identity is a child of the given parent");
      const [stmt, irsaStmt, ...rest] = statements(policyOf(role, "assumeRolePolicy"));
      assert.deepStrictEqual(rest, []);
      // IRSA for the same ServiceAccount stays trusted: pods admitted under IRSA keep working (iam.ts workloadTrustDocument).
      assert.deepStrictEqual(irsaStmt, {
        Effect: "Allow",
        Principal: { Federated: OIDC_PROVIDER_ARN },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${ISSUER_HOST_PATH}:sub`]: "system:serviceaccount:vault:vault-server",
            [`${ISSUER_HOST_PATH}:aud`]: "sts.amazonaws.com",
          },
        },
      });
      assert.deepStrictEqual(stmt, {
        Sid: "EksPodIdentityForOneServiceAccount",
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/kp-prod`,
            "aws:RequestTag/kubernetes-namespace": "vault",
            "aws:RequestTag/kubernetes-service-account": "vault-server",
          },
        },
      });
      const principal = String(prodVault.outputs.principal);
      assert.match(principal, new RegExp(`^arn:aws:iam::${ACCOUNT}:role/kp-prod-vault-server-`));
      assert.deepStrictEqual(prodVault.outputs.annotations, {});
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
});
