/**
 * Karpenter's AWS side on EKS (components/cluster/eks/karpenter/): the controller's policy, the
 * interruption queue, its policy and EventBridge rules as pure documents, compared whole; the
 * discovery tags; nothing of it with cluster-autoscaler; the node role's URNs. The resources
 * karpenterAws creates: tests/cluster-eks-karpenter-aws-resources.test.ts.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { eksAws } from "../components/cluster/eks/account";
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
import { EksSettings } from "../components/cluster/types";
import { runResources } from "../offline/mocks";
import { ACCOUNT, evaluate, obj, prodSettings } from "./helpers/eks-cluster";
import {
  CONTROLLER_POLICY,
  EVENT_PATTERNS,
  NODE_POLICIES,
  QUEUE_ARN,
  QUEUE_POLICY,
  SCOPE,
  karpenterProd,
} from "./helpers/eks-karpenter-aws-fixtures";

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
