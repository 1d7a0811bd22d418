/** The EKS target's pure functions and principal ARN rules. */
import * as assert from "assert";
import * as YAML from "yaml";
import {
  IAM_ROLE_NAME_PREFIX_MAX,
  NODE_GROUP_NAME_PREFIX_MAX,
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
import {
  ACCOUNT,
  ISSUER,
  ISSUER_HOST_PATH,
  OIDC_PROVIDER_ARN,
  prodSettings,
  devSettings,
  Json,
  obj,
} from "./helpers/eks-cluster";

describe("EksCluster", function () {
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

    it("parseTaint: key=value:Effect and key=:Effect (empty value) into the EKS shape", function () {
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
      assert.deepStrictEqual(parseTaint("spot=:PreferNoSchedule"), {
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

    it("validateEksSettings applies config's VPC prefix, zone count and cluster-name bounds (both sides)", function () {
      assert.doesNotThrow(() => validateEksSettings({ ...prodSettings, vpcCidr: "10.0.0.0/20" }));
      assert.throws(
        () => validateEksSettings({ ...prodSettings, vpcCidr: "10.0.0.0/21" }),
        /vpcCidr "10.0.0.0\/21": the prefix must be between \/16 and \/20/,
      );
      assert.throws(
        () => validateEksSettings({ ...prodSettings, vpcCidr: "10.0.0.0/15" }),
        /between \/16 and \/20/,
      );
      assert.doesNotThrow(() => validateEksSettings({ ...prodSettings, availabilityZoneCount: 6 }));
      assert.throws(
        () => validateEksSettings({ ...prodSettings, availabilityZoneCount: 7 }),
        /between 2 and 6/,
      );
      assert.throws(
        () => validateEksSettings({ ...prodSettings, availabilityZoneCount: 1 }),
        /between 2 and 6/,
      );
      assert.doesNotThrow(() => validateEksSettings({ ...prodSettings, clusterName: "a".repeat(40) }));
      assert.throws(
        () => validateEksSettings({ ...prodSettings, clusterName: "a".repeat(41) }),
        /clusterName "a{41}" must be at most 40 characters/,
      );
      assert.throws(
        () => validateEksSettings({ ...prodSettings, clusterName: "kp_prod" }),
        /clusterName "kp_prod"/,
      );
      assert.throws(
        () =>
          validateEksSettings({
            ...prodSettings,
            adminPrincipalArns: ["arn:aws:iam::111122223333:role/A", "arn:aws:iam::111122223333:role/A"],
          }),
        /adminPrincipalArns contains duplicates: \[1\] is listed twice/,
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
