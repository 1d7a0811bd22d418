/**
 * The AWS Load Balancer Controller of the EKS target (components/cluster/eks/load-balancer-controller/):
 * its IAM policy, its values, how the release is wired (identity, ordering, `ready`) under Pulumi
 * mocks, and the rule's messages. What LoadBalancer Services get: tests/cluster-eks-lbc-service.test.ts.
 */
import * as assert from "assert";
import type * as pulumi from "@pulumi/pulumi";
import {
  INLINE_POLICY_MAX_CHARS,
  LBC_POD_LABELS,
  LBC_SERVICE_ACCOUNT,
  LBC_NAMESPACE,
  LBC_RELEASE,
  LBC_WEBHOOK_PORT,
  eksLoadBalancer,
  loadBalancerControllerPolicy,
  loadBalancerControllerPolicyDocument,
  loadBalancerControllerValues,
} from "../components/cluster/eks/load-balancer-controller/controller";
import { CHARTS } from "../components/addons/versions";
import { evaluate as evaluateRules } from "../rules";
import { ProgramRun, RecordedResource } from "../offline/mocks";
import { chartValueProblems } from "./helpers/chart-values";
import { chartObjects, effectiveValues, matchConfiguration, valueAt } from "./helpers/chart-objects";
import { evaluate, policyOf, prodSettings, devSettings, prodWith } from "./helpers/eks-cluster";
import { T, VPC_ID, expectedPolicy, expectedValues, obj, resolve } from "./helpers/eks-lbc-fixtures";

describe("EKS: the AWS Load Balancer Controller", function () {
  describe("IAM policy (pure)", function () {
    it("is the controller's reference policy, its cluster-tag conditions naming this cluster", function () {
      assert.deepStrictEqual(
        JSON.parse(loadBalancerControllerPolicy("aws", "kp-prod")),
        expectedPolicy("aws", "kp-prod"),
      );
    });

    it("is a function of the partition: China and GovCloud ARNs", function () {
      for (const partition of ["aws-cn", "aws-us-gov"]) {
        assert.deepStrictEqual(
          loadBalancerControllerPolicyDocument(partition, "kp-prod"),
          expectedPolicy(partition, "kp-prod"),
        );
        assert.doesNotMatch(JSON.stringify(loadBalancerControllerPolicyDocument(partition, "c")), /arn:aws:/);
      }
    });

    it("fits one inline policy (IAM: 10,240 characters) for the longest cluster name, and refuses one that does not", function () {
      assert.strictEqual(INLINE_POLICY_MAX_CHARS, 10_240);
      assert.strictEqual(loadBalancerControllerPolicy("aws-us-gov", "c".repeat(100)).length, 5992);
      assert.throws(
        () => loadBalancerControllerPolicy("aws", "c".repeat(1_000)),
        /^Error: the AWS Load Balancer Controller's policy has 12201 characters, more than IAM's 10240 for a role's inline policies: split it$/,
      );
    });
  });

  describe("values (pure)", function () {
    const values = loadBalancerControllerValues({
      clusterName: "kp-prod",
      region: "eu-west-1",
      vpcId: "vpc-0123",
      serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/x" },
      podLabels: {},
    });

    it("name the cluster, its region and VPC (no metadata service), the ServiceAccount, HA, restricted security, no service webhook", async function () {
      const checksum = (values.podAnnotations as Record<string, pulumi.Output<string>>)[
        "kube-platform/identity-checksum"
      ];
      assert.deepStrictEqual(
        { ...values, podAnnotations: { "kube-platform/identity-checksum": await resolve(checksum) } },
        expectedValues(
          "vpc-0123",
          { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/x" },
          // sha256 of {"podLabels":{},"serviceAccountAnnotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::111122223333:role/x"}}
          "65d4eebb693959c8af7e2f263a2ebac166edaa958a2df902baef68c942f18528",
        ),
      );
    });

    it("every key exists in the pinned chart with the declared type", function () {
      assert.deepStrictEqual(chartValueProblems("awsLoadBalancerController", values), []);
      assert.deepStrictEqual(
        chartValueProblems("awsLoadBalancerController", { enableServiceMutatorWebhok: false }),
        ["unknown key enableServiceMutatorWebhok"],
      );
      assert.ok(chartValueProblems("awsLoadBalancerController", { replicaCount: "2" }).length > 0);
    });

    it("the ServiceAccount, pod labels and webhook port are the chart's", function () {
      assert.deepStrictEqual(LBC_SERVICE_ACCOUNT, {
        namespace: "kube-system",
        name: "aws-load-balancer-controller",
      });
      assert.deepStrictEqual(LBC_POD_LABELS, {
        "app.kubernetes.io/name": "aws-load-balancer-controller",
        "app.kubernetes.io/instance": "aws-load-balancer-controller",
      });
      assert.strictEqual(LBC_WEBHOOK_PORT, 9443);
    });

    it("keep the pod webhook the readiness gate needs as recorded (objects.json): namespaces by label, Ignore, injection on", function () {
      const effective = effectiveValues("awsLoadBalancerController", values);
      assert.deepStrictEqual(
        {
          inject: valueAt(effective, "enablePodReadinessGateInject"),
          namespaceSelectors: valueAt(effective, "webhookNamespaceSelectors"),
          objectSelector: valueAt(effective, "objectSelector"),
          failurePolicy: valueAt(effective, "podMutatorWebhookConfig.failurePolicy"),
        },
        {
          inject: null,
          namespaceSelectors: null,
          objectSelector: { matchExpressions: null, matchLabels: null },
          failurePolicy: "Ignore",
        },
      );
      const data = chartObjects("awsLoadBalancerController");
      const release = { name: LBC_RELEASE, namespace: LBC_NAMESPACE };
      const matched = matchConfiguration(data, release, effective);
      assert.ok("config" in matched && matched.config.name === "eks", JSON.stringify(matched));
      assert.match(
        data.checkedWith,
        /namespaceSelector elbv2\.k8s\.aws\/pod-readiness-gate-inject In \[enabled\]/,
      );
      // Values that would change the webhook no longer fit the record: its facts would need checking again.
      for (const [change, why] of [
        [
          { webhookNamespaceSelectors: [{ key: "x", operator: "Exists" }] },
          /^eks: webhookNamespaceSelectors is/,
        ],
        [{ objectSelector: { matchLabels: { a: "b" } } }, /^eks: objectSelector\.matchLabels is/],
        [
          { podMutatorWebhookConfig: { failurePolicy: "Fail" } },
          /^eks: podMutatorWebhookConfig\.failurePolicy is "Fail"/,
        ],
        [{ enablePodReadinessGateInject: false }, /^eks: enablePodReadinessGateInject is false/],
      ] as const) {
        const m = matchConfiguration(
          data,
          release,
          effectiveValues("awsLoadBalancerController", { ...values, ...change }),
        );
        assert.ok("reasons" in m && why.test(m.reasons[0]), JSON.stringify(m));
      }
    });
  });

  describe("in the EksCluster (Pulumi mocks)", function () {
    let prod: ProgramRun;
    let internal: ProgramRun;
    let irsa: ProgramRun;
    const lbcRelease = (run: ProgramRun): RecordedResource =>
      run.one(T.release, "kp-load-balancer-controller-release");

    before(async function () {
      prod = await evaluate(prodSettings, "prod");
      internal = await evaluate(prodWith({ loadBalancerScheme: "internal" }), "prod");
      irsa = await evaluate(prodWith({ workloadIdentity: "irsa" }), "prod");
    });

    it("installs the pinned chart as release aws-load-balancer-controller in kube-system, atomically", function () {
      const r = lbcRelease(prod);
      assert.strictEqual(r.inputs.name, "aws-load-balancer-controller");
      assert.strictEqual(r.inputs.chart, "aws-load-balancer-controller");
      assert.strictEqual(r.inputs.version, CHARTS.awsLoadBalancerController.version);
      assert.deepStrictEqual(r.inputs.repositoryOpts, { repo: "https://aws.github.io/eks-charts" });
      assert.strictEqual(r.inputs.namespace, "kube-system");
      assert.strictEqual(r.inputs.atomic, true);
      assert.strictEqual(
        r.inputs.skipCrds,
        undefined,
        "the chart's crds/ (TargetGroupBinding…) are installed",
      );
      assert.strictEqual(prod.byUrn(r.parent).type, "kube-platform:cluster:EksCluster");
      assert.strictEqual(prod.providerUrn(r), prod.one("pulumi:providers:kubernetes").urn);
    });

    it("its values name the cluster, region and VPC; Pod Identity: no annotation (the association binds the ServiceAccount)", function () {
      const r = lbcRelease(prod);
      // sha256 of {"podLabels":{},"serviceAccountAnnotations":{}}
      const checksum = "6f9f05c57c618ddf621ae40b90d87eb95439e04f7a7d8d3e77317c4edaa085e4";
      assert.deepStrictEqual(r.inputs.values, expectedValues(VPC_ID, {}, checksum));
      const association = prod.one(T.association, "kp-load-balancer-controller-pod-identity");
      assert.deepStrictEqual(
        { namespace: association.inputs.namespace, serviceAccount: association.inputs.serviceAccount },
        { namespace: "kube-system", serviceAccount: "aws-load-balancer-controller" },
      );
    });

    it("a switch of the mechanism changes the ServiceAccount's annotation and the pods' checksum (which rolls them), nothing else", function () {
      const pod = lbcRelease(prod).inputs.values as Record<string, unknown>;
      const withIrsa = lbcRelease(irsa).inputs.values as Record<string, unknown>;
      const annotations = (withIrsa.serviceAccount as { annotations: Record<string, string> }).annotations;
      assert.deepStrictEqual(
        withIrsa,
        expectedValues(
          VPC_ID,
          annotations,
          (withIrsa.podAnnotations as Record<string, string>)["kube-platform/identity-checksum"],
        ),
      );
      assert.deepStrictEqual(Object.keys(annotations), ["eks.amazonaws.com/role-arn"]);
      const checksumOf = (v: Record<string, unknown>) =>
        (v.podAnnotations as Record<string, string>)["kube-platform/identity-checksum"];
      assert.match(checksumOf(withIrsa), /^[0-9a-f]{64}$/);
      assert.notStrictEqual(checksumOf(withIrsa), checksumOf(pod));
    });

    it("IRSA: the role ARN annotation of the controller's own role", function () {
      const r = lbcRelease(irsa);
      const values = r.inputs.values as { serviceAccount: { annotations: Record<string, string> } };
      const role = irsa.one(T.role, "kp-load-balancer-controller-irsa");
      assert.match(
        values.serviceAccount.annotations["eks.amazonaws.com/role-arn"],
        new RegExp(`^arn:aws:iam::\\d{12}:role/${String(role.inputs.namePrefix)}`),
      );
      assert.match(
        String(role.inputs.assumeRolePolicy),
        /system:serviceaccount:kube-system:aws-load-balancer-controller/,
      );
    });

    it("its role holds exactly the controller's policy, inline", function () {
      for (const run of [prod, irsa]) {
        const policy = run.one(T.rolePolicy, "kp-load-balancer-controller");
        assert.deepStrictEqual(policyOf(policy), expectedPolicy("aws", "kp-prod"));
      }
    });

    it("waits for the nodes, CoreDNS, the API access and its identity; is in `ready`", function () {
      const r = lbcRelease(prod);
      const needs = [
        ...prod.ofType(T.nodeGroup),
        prod.ofType(T.addon).find((a) => a.inputs.addonName === "coredns"),
        ...prod.ofType(T.access),
        prod.one(T.rolePolicy, "kp-load-balancer-controller"),
        // The association's wait: a pod admitted before EKS knows the association gets no credentials.
        prod.one(T.sleep, "kp-load-balancer-controller-pod-identity-propagation"),
      ];
      for (const n of needs) {
        assert.ok(n, "a dependency is missing");
        assert.ok(r.dependsOn.includes(n.urn), `${n.type} ${n.name}`);
      }
      const wait = prod.one(T.sleep, "kp-load-balancer-controller-pod-identity-propagation");
      assert.ok(
        wait.dependsOn.includes(prod.one(T.association, "kp-load-balancer-controller-pod-identity").urn),
      );
      assert.ok((prod.outputs.readyUrns as string[]).includes(r.urn));
    });

    it("the cluster publishes the controller's NLB: internet-facing by default, internal from config", function () {
      assert.deepStrictEqual(obj(prod.outputs.contract).loadBalancer, eksLoadBalancer("internet-facing"));
      assert.deepStrictEqual(obj(internal.outputs.contract).loadBalancer, eksLoadBalancer("internal"));
      assert.strictEqual(prodSettings.loadBalancerScheme, "internet-facing");
    });

    it("the scheme changes nothing of the controller (one release per cluster for every Service)", function () {
      assert.deepStrictEqual(lbcRelease(internal).inputs.values, lbcRelease(prod).inputs.values);
    });

    it("dev installs the same controller (two replicas: it serves the cluster's webhooks)", async function () {
      const dev = await evaluate(devSettings, "dev");
      const values = lbcRelease(dev).inputs.values as Record<string, unknown>;
      assert.strictEqual(values.clusterName, "kp-dev");
      assert.strictEqual(values.replicaCount, 2);
    });
  });

  describe("rule deploy-eks-load-balancer-controller: messages", function () {
    const eks = { type: "aws:eks/cluster:Cluster", name: "kp-eks", inputs: {} };
    const svc = (inputs: Record<string, unknown>) => ({
      type: "kubernetes:core/v1:Service",
      name: "kp-ingress-lb",
      inputs,
    });
    const lbc = { type: T.release, name: "kp-lbc", inputs: { chart: "aws-load-balancer-controller" } };
    const messages = (resources: { type: string; name: string; inputs: Record<string, unknown> }[]) =>
      evaluateRules(resources, { profile: "prod" })
        .filter((v) => v.ruleId === "deploy-eks-load-balancer-controller")
        .map((v) => v.message);

    it("names the in-tree path and the fix, and the missing controller", function () {
      const fix =
        "set spec.loadBalancerClass: service.k8s.aws/nlb and the annotations the EKS target publishes (loadBalancer.serviceAnnotations)";
      assert.deepStrictEqual(messages([eks, lbc, svc({ spec: { type: "LoadBalancer" } })]), [
        `is of type LoadBalancer without the AWS Load Balancer Controller's class: the in-tree cloud provider gives it a Classic Load Balancer; ${fix}`,
      ]);
      assert.deepStrictEqual(
        messages([
          eks,
          lbc,
          svc({
            metadata: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" } },
            spec: { type: "LoadBalancer" },
          }),
        ]),
        [
          `carries service.beta.kubernetes.io/aws-load-balancer-type: nlb, the in-tree cloud provider's load balancer (an NLB with instance targets or a Classic Load Balancer): ${fix}`,
        ],
      );
      assert.deepStrictEqual(
        messages([eks, svc({ spec: { type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb" } })]),
        [
          "is the AWS Load Balancer Controller's (class service.k8s.aws/nlb) but the stack installs no aws-load-balancer-controller release: it never gets an address and Pulumi waits for one until it times out",
        ],
      );
    });

    it("passes the EKS example stacks' resources as the program registers them", function () {
      const svcOf = (lb: ReturnType<typeof eksLoadBalancer>) =>
        svc({
          metadata: { annotations: lb.serviceAnnotations },
          spec: { type: "LoadBalancer", loadBalancerClass: lb.loadBalancerClass },
        });
      assert.deepStrictEqual(messages([eks, lbc, svcOf(eksLoadBalancer("internet-facing"))]), []);
      assert.deepStrictEqual(messages([eks, lbc, svcOf(eksLoadBalancer("internal"))]), []);
    });
  });
});
