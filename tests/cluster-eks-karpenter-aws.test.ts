/**
 * Karpenter's AWS side on EKS (components/cluster/eks/karpenter/): the controller's policy, the
 * interruption queue, its policy and EventBridge rules as pure documents, compared whole; the
 * resources karpenterAws creates (Pulumi mocks); the discovery tags; nothing of it with
 * cluster-autoscaler; the node role's URNs.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { eksAws } from "../components/cluster/eks/account";
import { Binder, KARPENTER_SERVICE_ACCOUNT, karpenterAws } from "../components/cluster/eks/karpenter/aws";
import {
  IAM_ROLE_INLINE_POLICIES_MAX,
  INTERRUPTION_EVENTS,
  KarpenterPolicyScope,
  iamPolicySize,
  interruptionEventPattern,
  interruptionQueuePolicy,
  karpenterControllerPolicy,
} from "../components/cluster/eks/karpenter/iam";
import { interruptionQueueName } from "../components/cluster/eks/karpenter/names";
import { eksNetwork } from "../components/cluster/eks/network";
import { EksSettings, ServiceAccountRef } from "../components/cluster/types";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";
import { ACCOUNT, PROD_EKS, evaluate, obj, prodSettings, prodWith } from "./helpers/eks-cluster";

const QUEUE_ARN = `arn:aws:sqs:eu-west-1:${ACCOUNT}:kp-prod`;
/** The Karpenter node role's name under the mocks (its namePrefix and the mocks' unique suffix). */
const NODE_ROLE_NAME = "kp-prod-karpenter-node-20260101000000000000000001";
const NODE_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${NODE_ROLE_NAME}`;
const SCOPE: KarpenterPolicyScope = {
  partition: "aws",
  region: "eu-west-1",
  accountId: ACCOUNT,
  clusterName: "kp-prod",
  queueArn: QUEUE_ARN,
  nodeRoleArn: NODE_ROLE_ARN,
};

const EC2 = "arn:aws:ec2:eu-west-1";
const CREATED = [
  `${EC2}:*:fleet/*`,
  `${EC2}:*:instance/*`,
  `${EC2}:*:volume/*`,
  `${EC2}:*:network-interface/*`,
  `${EC2}:*:launch-template/*`,
  `${EC2}:*:spot-instances-request/*`,
];
const PROFILES = `arn:aws:iam::${ACCOUNT}:instance-profile/*`;
const CLUSTER_ARN = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/kp-prod`;

/** cloudformation.yaml's six controller policies for ClusterName kp-prod, in eu-west-1 of the mock account. */
const CONTROLLER_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "AllowScopedEC2InstanceAccessActions",
      Effect: "Allow",
      Resource: [
        `${EC2}::image/*`,
        `${EC2}::snapshot/*`,
        `${EC2}:*:security-group/*`,
        `${EC2}:*:subnet/*`,
        `${EC2}:*:capacity-reservation/*`,
        `${EC2}:*:placement-group/*`,
      ],
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
    },
    {
      Sid: "AllowScopedEC2LaunchTemplateAccessActions",
      Effect: "Allow",
      Resource: `${EC2}:*:launch-template/*`,
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Condition: {
        StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/kp-prod": "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedEC2InstanceActionsWithTags",
      Effect: "Allow",
      Resource: CREATED,
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Condition: {
        StringEquals: {
          "aws:RequestTag/kubernetes.io/cluster/kp-prod": "owned",
          "aws:RequestTag/eks:eks-cluster-name": "kp-prod",
        },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceCreationTagging",
      Effect: "Allow",
      Resource: CREATED,
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: {
          "aws:RequestTag/kubernetes.io/cluster/kp-prod": "owned",
          "aws:RequestTag/eks:eks-cluster-name": "kp-prod",
          "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
        },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceTagging",
      Effect: "Allow",
      Resource: `${EC2}:*:instance/*`,
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/kp-prod": "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": "kp-prod" },
        "ForAllValues:StringEquals": {
          "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
        },
      },
    },
    {
      Sid: "AllowScopedDeletion",
      Effect: "Allow",
      Resource: [`${EC2}:*:instance/*`, `${EC2}:*:launch-template/*`],
      Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      Condition: {
        StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/kp-prod": "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowPassingInstanceRole",
      Effect: "Allow",
      Resource: NODE_ROLE_ARN,
      Action: "iam:PassRole",
      Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
    },
    {
      Sid: "AllowScopedInstanceProfileCreationActions",
      Effect: "Allow",
      Resource: PROFILES,
      Action: ["iam:CreateInstanceProfile"],
      Condition: {
        StringEquals: {
          "aws:RequestTag/kubernetes.io/cluster/kp-prod": "owned",
          "aws:RequestTag/eks:eks-cluster-name": "kp-prod",
          "aws:RequestTag/topology.kubernetes.io/region": "eu-west-1",
        },
        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileTagActions",
      Effect: "Allow",
      Resource: PROFILES,
      Action: ["iam:TagInstanceProfile"],
      Condition: {
        StringEquals: {
          "aws:ResourceTag/kubernetes.io/cluster/kp-prod": "owned",
          "aws:ResourceTag/topology.kubernetes.io/region": "eu-west-1",
          "aws:RequestTag/kubernetes.io/cluster/kp-prod": "owned",
          "aws:RequestTag/eks:eks-cluster-name": "kp-prod",
          "aws:RequestTag/topology.kubernetes.io/region": "eu-west-1",
        },
        StringLike: {
          "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
          "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
        },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileActions",
      Effect: "Allow",
      Resource: PROFILES,
      Action: [
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:DeleteInstanceProfile",
      ],
      Condition: {
        StringEquals: {
          "aws:ResourceTag/kubernetes.io/cluster/kp-prod": "owned",
          "aws:ResourceTag/topology.kubernetes.io/region": "eu-west-1",
        },
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowAPIServerEndpointDiscovery",
      Effect: "Allow",
      Resource: CLUSTER_ARN,
      Action: "eks:DescribeCluster",
    },
    {
      Sid: "AllowInterruptionQueueActions",
      Effect: "Allow",
      Resource: QUEUE_ARN,
      Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
    },
    {
      Sid: "AllowZonalShiftStatusReadOnly",
      Effect: "Allow",
      Resource: "*",
      Action: ["arc-zonal-shift:GetManagedResource"],
      Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": CLUSTER_ARN } },
    },
    {
      Sid: "AllowRegionalReadActions",
      Effect: "Allow",
      Resource: "*",
      Action: [
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceStatus",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribePlacementGroups",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
      ],
      Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } },
    },
    {
      Sid: "AllowSSMReadActions",
      Effect: "Allow",
      Resource: "arn:aws:ssm:eu-west-1::parameter/aws/service/*",
      Action: "ssm:GetParameter",
    },
    { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
    {
      Sid: "AllowUnscopedInstanceProfileListAction",
      Effect: "Allow",
      Resource: "*",
      Action: "iam:ListInstanceProfiles",
    },
    {
      Sid: "AllowInstanceProfileReadActions",
      Effect: "Allow",
      Resource: PROFILES,
      Action: "iam:GetInstanceProfile",
    },
  ],
};

/** cloudformation.yaml's KarpenterInterruptionQueuePolicy for the kp-prod queue. */
const QUEUE_POLICY = {
  Version: "2012-10-17",
  Id: "EC2InterruptionPolicy",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
      Action: "sqs:SendMessage",
      Resource: QUEUE_ARN,
    },
    {
      Sid: "DenyHTTP",
      Effect: "Deny",
      Action: "sqs:*",
      Resource: QUEUE_ARN,
      Condition: { Bool: { "aws:SecureTransport": false } },
      Principal: "*",
    },
  ],
};

/** cloudformation.yaml's five EventBridge rules: [resource-name key, event pattern]. */
const EVENT_PATTERNS: [string, object][] = [
  ["health", { source: ["aws.health"], "detail-type": ["AWS Health Event"] }],
  ["spot", { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] }],
  ["rebalance", { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] }],
  ["state-change", { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] }],
  [
    "capacity-reservation",
    { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
  ],
];

const NODE_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEC2ContainerRegistryReadOnly",
  "AmazonEKS_CNI_Policy",
  "AmazonSSMManagedInstanceCore",
];

/** The prod fixture with Karpenter (its pools keep no minimum: stack config refuses one). */
const karpenterProd = prodWith({
  nodeAutoscaling: "karpenter",
  nodePools: (PROD_EKS.nodePools ?? []).map((pool) => ({ ...pool, minNodes: 0 })),
});

describe("Karpenter's AWS side (EKS)", function () {
  describe("policy documents (pure)", function () {
    it("the controller policy is every statement of the template's six controller policies", function () {
      assert.deepStrictEqual(JSON.parse(karpenterControllerPolicy(SCOPE)), CONTROLLER_POLICY);
    });

    it("the controller policy fits one role's inline quota for the longest names, and is refused over it", function () {
      const longest = "k".repeat(40); // CLUSTER_NAME_MAX
      const worst: KarpenterPolicyScope = {
        partition: "aws-us-gov",
        region: "ap-southeast-5",
        accountId: ACCOUNT,
        clusterName: longest,
        queueArn: `arn:aws-us-gov:sqs:ap-southeast-5:${ACCOUNT}:${longest}`,
        nodeRoleArn: `arn:aws-us-gov:iam::${ACCOUNT}:role/${"r".repeat(64)}`,
      };
      const size = iamPolicySize(karpenterControllerPolicy(worst));
      assert.ok(size < 7000, `${size} characters`);
      assert.strictEqual(IAM_ROLE_INLINE_POLICIES_MAX, 10240);
      assert.throws(
        () => karpenterControllerPolicy({ ...worst, clusterName: "k".repeat(400) }),
        /has \d+ characters, more than the 10240 IAM allows a role's inline policies/,
      );
    });

    it("IAM counts a document without its white space", function () {
      assert.strictEqual(iamPolicySize('{ "a": [ 1,\n\t2 ] }'), 11);
    });

    it("the queue policy lets EventBridge and SQS send and denies every access without TLS", function () {
      assert.deepStrictEqual(JSON.parse(interruptionQueuePolicy(QUEUE_ARN)), QUEUE_POLICY);
    });

    it("one event pattern per rule of the template", function () {
      assert.deepStrictEqual(
        INTERRUPTION_EVENTS.map((e) => [e.key, JSON.parse(interruptionEventPattern(e))]),
        EVENT_PATTERNS,
      );
    });

    it("the queue is named after the cluster, within SQS's name rule", function () {
      assert.strictEqual(interruptionQueueName("kp-prod"), "kp-prod");
      assert.strictEqual(interruptionQueueName("q".repeat(80)), "q".repeat(80));
      assert.throws(() => interruptionQueueName("q".repeat(81)), /not a valid SQS queue name/);
      assert.throws(() => interruptionQueueName("kp.prod"), /not a valid SQS queue name/);
      assert.throws(() => interruptionQueueName(""), /not a valid SQS queue name/);
    });
  });

  describe("resources (mocks)", function () {
    let run: ProgramRun;
    let out: Record<string, unknown>;
    const binds: { name: string; sa: ServiceAccountRef; policyName: string; parent: string }[] = [];
    const component = "urn:pulumi:prod::kube-platform::kube-platform:cluster:EksCluster::kp";

    before(async function () {
      run = await runResources(
        () => {
          const parent = new pulumi.ComponentResource("kube-platform:cluster:EksCluster", "kp");
          const env = eksAws("kp", karpenterProd, parent);
          const cluster = new aws.eks.Cluster(
            "kp-eks",
            {
              name: "kp-prod",
              roleArn: "arn:aws:iam::123456789012:role/cluster",
              vpcConfig: { subnetIds: [] },
            },
            env.child,
          );
          // A binder in the shape of eks/identity.ts bindWithInlinePolicy: a role and its inline policy.
          const bind: Binder = (b, policy, p) => {
            binds.push({ ...b, parent: "" });
            pulumi.output(p.urn).apply((urn) => (binds[binds.length - 1].parent = urn));
            const opts = { parent: p, provider: env.provider };
            const role = new aws.iam.Role(`${b.name}-test`, { assumeRolePolicy: "{}" }, opts);
            const grant = new aws.iam.RolePolicy(b.policyName, { role: role.name, policy }, opts);
            return {
              serviceAccountAnnotations: pulumi
                .all([role.arn, grant.id])
                .apply(([arn]): Record<string, string> => ({ "eks.amazonaws.com/role-arn": arn })),
              podLabels: {},
              principal: role.arn,
            };
          };
          const k = karpenterAws("kp", karpenterProd, env, { cluster, bind });
          return {
            queueName: k.interruptionQueueName,
            nodeRoleName: k.nodeRoleName,
            annotations: k.controller.serviceAccountAnnotations,
            readyUrns: pulumi.all(k.ready.map((r) => r.urn)),
          };
        },
        { stack: "prod" },
      );
      out = run.outputs;
    });

    const named = (type: string, name: string): RecordedResource => {
      const found = run.ofType(type).filter((r) => r.name === name);
      assert.strictEqual(found.length, 1, `${type} ${name}`);
      return found[0];
    };

    it("binds the controller's ServiceAccount kube-system/karpenter with the controller policy, under the component", function () {
      assert.deepStrictEqual(binds, [
        {
          name: "kp-karpenter",
          sa: KARPENTER_SERVICE_ACCOUNT,
          policyName: "kp-karpenter-controller",
          parent: component,
        },
      ]);
      assert.deepStrictEqual(KARPENTER_SERVICE_ACCOUNT, { namespace: "kube-system", name: "karpenter" });
      const grant = named("aws:iam/rolePolicy:RolePolicy", "kp-karpenter-controller");
      assert.deepStrictEqual(JSON.parse(String(grant.inputs.policy)), CONTROLLER_POLICY);
      // The policy names the queue and the node role: it goes before them on destroy.
      assert.ok(grant.dependsOn.includes(named("aws:sqs/queue:Queue", "kp-karpenter-interruption").urn));
      assert.ok(grant.dependsOn.includes(named("aws:iam/role:Role", "kp-karpenter-node").urn));
      assert.deepStrictEqual(out.annotations, {
        "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/kp-karpenter-test-${hex("kp-karpenter-test", 7)}`,
      });
    });

    it("creates the interruption queue as the template does: named after the cluster, 300 s retention, SQS-managed SSE", function () {
      const queue = named("aws:sqs/queue:Queue", "kp-karpenter-interruption");
      assert.deepStrictEqual(queue.inputs, {
        name: "kp-prod",
        messageRetentionSeconds: 300,
        sqsManagedSseEnabled: true,
      });
      assert.strictEqual(out.queueName, "kp-prod");
      const policy = named("aws:sqs/queuePolicy:QueuePolicy", "kp-karpenter-interruption");
      assert.strictEqual(policy.inputs.queueUrl, `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/kp-prod`);
      assert.deepStrictEqual(JSON.parse(String(policy.inputs.policy)), QUEUE_POLICY);
    });

    it("sends every interruption event of the template to the queue through one rule and target each", function () {
      const rules = run.ofType("aws:cloudwatch/eventRule:EventRule");
      assert.deepStrictEqual(
        rules.map((r) => [r.name, JSON.parse(String(r.inputs.eventPattern))]),
        EVENT_PATTERNS.map(([key, pattern]) => [`kp-karpenter-${key}`, pattern]),
      );
      assert.deepStrictEqual(
        rules.map((r) => r.inputs.namePrefix),
        [
          "kp-prod-karpenter-health-",
          "kp-prod-karpenter-spot-",
          "kp-prod-karpenter-rebalance-",
          "kp-prod-karpenter-state-change-",
          `kp-prod-karpenter-capacity-res-${hex("kp-prod-karpenter-capacity-reservation-", 6)}-`,
        ],
      );
      for (const r of rules) assert.ok(String(r.inputs.namePrefix).length <= 38);
      assert.strictEqual(
        rules[1].inputs.description,
        "Karpenter interruption handling of EKS kp-prod: EC2 Spot Instance Interruption Warning",
      );
      const targets = run.ofType("aws:cloudwatch/eventTarget:EventTarget");
      assert.deepStrictEqual(
        targets.map((t) => [t.name, t.inputs]),
        EVENT_PATTERNS.map(([key]) => [
          `kp-karpenter-${key}`,
          {
            rule: `kp-prod-karpenter-${key === "capacity-reservation" ? `capacity-res-${hex("kp-prod-karpenter-capacity-reservation-", 6)}` : key}-20260101000000000000000001`,
            arn: QUEUE_ARN,
            targetId: "KarpenterInterruptionQueueTarget",
          },
        ]),
      );
    });

    it("builds the Karpenter node role with nodeRole: the node policies, EC2 trust, its own name", function () {
      const role = named("aws:iam/role:Role", "kp-karpenter-node");
      assert.strictEqual(role.inputs.namePrefix, "kp-prod-karpenter-node-");
      assert.deepStrictEqual(JSON.parse(String(role.inputs.assumeRolePolicy)), {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      });
      const attachments = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
      assert.deepStrictEqual(
        attachments.map((a) => [a.name, a.inputs.role, a.inputs.policyArn]),
        NODE_POLICIES.map((p) => [`kp-karpenter-node-${p}`, NODE_ROLE_NAME, `arn:aws:iam::aws:policy/${p}`]),
      );
      assert.strictEqual(out.nodeRoleName, NODE_ROLE_NAME);
    });

    it("enters the node role into the cluster as EC2_LINUX nodes", function () {
      const entry = named("aws:eks/accessEntry:AccessEntry", "kp-karpenter-node");
      assert.deepStrictEqual(entry.inputs, {
        clusterName: "kp-prod",
        principalArn: NODE_ROLE_ARN,
        type: "EC2_LINUX",
      });
      assert.ok(entry.dependsOn.includes(named("aws:iam/role:Role", "kp-karpenter-node").urn));
    });

    it("tags the cluster security group EKS created with karpenter.sh/discovery=<cluster>", function () {
      const tag = named("aws:ec2/tag:Tag", "kp-karpenter-discovery-sg");
      assert.deepStrictEqual(tag.inputs, {
        resourceId: `sg-${hex("kp-prod-cluster", 17)}`,
        key: "karpenter.sh/discovery",
        value: "kp-prod",
      });
      assert.ok(tag.dependsOn.includes(named("aws:eks/cluster:Cluster", "kp-eks").urn));
    });

    it("ready holds the node role's policies and access entry, the SG tag, the queue policy, rules and targets", function () {
      const urn = (type: string, name: string) => named(type, name).urn;
      assert.deepStrictEqual(out.readyUrns, [
        ...NODE_POLICIES.map((p) =>
          urn("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `kp-karpenter-node-${p}`),
        ),
        urn("aws:eks/accessEntry:AccessEntry", "kp-karpenter-node"),
        urn("aws:ec2/tag:Tag", "kp-karpenter-discovery-sg"),
        urn("aws:sqs/queuePolicy:QueuePolicy", "kp-karpenter-interruption"),
        ...EVENT_PATTERNS.flatMap(([key]) => [
          urn("aws:cloudwatch/eventRule:EventRule", `kp-karpenter-${key}`),
          urn("aws:cloudwatch/eventTarget:EventTarget", `kp-karpenter-${key}`),
        ]),
      ]);
    });

    it("every resource is a child of the component on its AWS provider, and none is protected", function () {
      const mine = run.resources.filter((r) => r.name.startsWith("kp-karpenter"));
      assert.strictEqual(mine.length, 1 + 1 + 10 + 1 + 4 + 1 + 1 + 2);
      for (const r of mine) {
        assert.strictEqual(r.parent, component, r.name);
        assert.strictEqual(
          run.providerUrn(r),
          `${component.replace("::kp", "$pulumi:providers:aws::kp-aws")}`,
        );
        assert.strictEqual(r.protect, false, r.name);
        assert.strictEqual(r.retainOnDelete, false, r.name);
      }
    });
  });

  describe("the cluster's network and the cluster-autoscaler option", function () {
    const privateSubnetTags = async (settings: EksSettings) => {
      const run = await runResources(
        () => {
          const parent = new pulumi.ComponentResource("kube-platform:cluster:EksCluster", "kp");
          const env = eksAws("kp", settings, parent);
          eksNetwork("kp", settings, pulumi.output(["eu-west-1a", "eu-west-1b", "eu-west-1c"]), env.child);
        },
        { stack: "prod" },
      );
      return run
        .ofType("aws:ec2/subnet:Subnet")
        .map((s) => [s.name, obj(s.inputs.tags)["karpenter.sh/discovery"]]);
    };

    it("tags the private subnets karpenter.sh/discovery=<cluster> with Karpenter only", async function () {
      assert.deepStrictEqual(await privateSubnetTags(karpenterProd), [
        ["kp-public-0", undefined],
        ["kp-public-1", undefined],
        ["kp-public-2", undefined],
        ["kp-private-0", "kp-prod"],
        ["kp-private-1", "kp-prod"],
        ["kp-private-2", "kp-prod"],
      ]);
      assert.strictEqual(prodSettings.nodeAutoscaling, "cluster-autoscaler");
      for (const [, tag] of await privateSubnetTags(prodSettings)) assert.strictEqual(tag, undefined);
    });

    it("with cluster-autoscaler the cluster has nothing of Karpenter, and the node role keeps its URNs", async function () {
      const run = await evaluate(prodSettings, "prod");
      assert.deepStrictEqual(
        run.resources.filter((r) => /karpenter/i.test(r.name) || /^aws:(sqs|cloudwatch\/event)/.test(r.type)),
        [],
      );
      assert.strictEqual(run.ofType("aws:ec2/tag:Tag").length, 0);
      const eks = "urn:pulumi:prod::kube-platform::kube-platform:cluster:EksCluster$";
      assert.strictEqual(run.one("aws:iam/role:Role", "kp-node").urn, `${eks}aws:iam/role:Role::kp-node`);
      assert.deepStrictEqual(
        run
          .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
          .filter((a) => a.name.startsWith("kp-node-"))
          .map((a) => a.urn),
        NODE_POLICIES.map((p) => `${eks}aws:iam/rolePolicyAttachment:RolePolicyAttachment::kp-node-${p}`),
      );
      assert.strictEqual(run.one("aws:iam/role:Role", "kp-node").inputs.namePrefix, "kp-prod-node-");
    });
  });
});

/** The mocks' deterministic hex (offline/mock-state/aws.ts) and names.ts's short hash, for literal names. */
function hex(seed: string, len: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, len);
}
