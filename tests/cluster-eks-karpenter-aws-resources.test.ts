/**
 * Karpenter's AWS side on EKS (components/cluster/eks/karpenter/): the resources karpenterAws creates
 * (Pulumi mocks) — the roles, the interruption queue and its rules, the instance profile and the
 * bindings — compared with the template's documents (tests/helpers/eks-karpenter-aws-fixtures.ts).
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { eksAws } from "../components/cluster/eks/account";
import { Binder, KARPENTER_SERVICE_ACCOUNT, karpenterAws } from "../components/cluster/eks/karpenter/aws";
import { ServiceAccountRef } from "../components/cluster/types";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";
import { ACCOUNT } from "./helpers/eks-cluster";
import {
  CONTROLLER_POLICY,
  EVENT_PATTERNS,
  NODE_POLICIES,
  NODE_ROLE_ARN,
  NODE_ROLE_NAME,
  QUEUE_ARN,
  QUEUE_POLICY,
  hex,
  karpenterProd,
} from "./helpers/eks-karpenter-aws-fixtures";

describe("Karpenter's AWS side (EKS)", function () {
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
      // Session Manager through the nodes' own inline policy (nodes.ts SESSION_MANAGER_ACTIONS).
      const session = named("aws:iam/rolePolicy:RolePolicy", "kp-karpenter-node-session-manager");
      assert.strictEqual(session.inputs.role, NODE_ROLE_NAME);
      assert.deepStrictEqual(JSON.parse(String(session.inputs.policy)), {
        Version: "2012-10-17",
        Statement: [
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
      });
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
        urn("aws:iam/rolePolicy:RolePolicy", "kp-karpenter-node-session-manager"),
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
});
