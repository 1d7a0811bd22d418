/**
 * The AWS Load Balancer Controller of the EKS target (components/cluster/eks/load-balancer-controller/):
 * its IAM policy, its values, what the cluster publishes for LoadBalancer Services, and how the
 * release is wired (identity, ordering, `ready`), under Pulumi mocks.
 */
import * as assert from "assert";
import {
  INLINE_POLICY_MAX_CHARS,
  LBC_POD_LABELS,
  LBC_SERVICE_ACCOUNT,
  LBC_WEBHOOK_PORT,
  eksLoadBalancer,
  loadBalancerControllerPolicy,
  loadBalancerControllerPolicyDocument,
  loadBalancerControllerValues,
} from "../components/cluster/eks/load-balancer-controller/controller";
import {
  AWS_LOAD_BALANCER_CLASS,
  CONFIGURED_SERVICE_ANNOTATIONS,
  LOAD_BALANCER_SERVICE_ANNOTATIONS,
} from "../components/cluster/capabilities";
import { CHARTS } from "../components/addons/versions";
import { evaluate as evaluateRules } from "../rules";
import { ProgramRun, RecordedResource } from "../offline/mocks";
import { chartValueProblems } from "./helpers/chart-values";
import { evaluate, policyOf, prodSettings, devSettings, prodWith } from "./helpers/eks-cluster";

const T = {
  release: "kubernetes:helm.sh/v3:Release",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  association: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  addon: "aws:eks/addon:Addon",
  access: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  sleep: "time:index/sleep:Sleep",
};

/** The VPC id the mocks give the cluster's VPC (offline/mock-state). */
const VPC_ID = "kp-vpc-id";

/** The reference policy's statements with the `elbv2.k8s.aws/cluster` tag conditions of `cluster` (literal). */
function expectedPolicy(partition: string, cluster: string) {
  const elb = (r: string) => `arn:${partition}:elasticloadbalancing:*:*:${r}`;
  const sg = `arn:${partition}:ec2:*:*:security-group/*`;
  const taggable = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["iam:CreateServiceLinkedRole"],
        Resource: "*",
        Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
      },
      {
        Effect: "Allow",
        Action: [
          "ec2:DescribeAccountAttributes",
          "ec2:DescribeAddresses",
          "ec2:DescribeAvailabilityZones",
          "ec2:DescribeInternetGateways",
          "ec2:DescribeVpcs",
          "ec2:DescribeVpcPeeringConnections",
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeTags",
          "ec2:GetCoipPoolUsage",
          "ec2:DescribeCoipPools",
          "ec2:GetSecurityGroupsForVpc",
          "ec2:DescribeIpamPools",
          "ec2:DescribeRouteTables",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeListenerCertificates",
          "elasticloadbalancing:DescribeSSLPolicies",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetGroupAttributes",
          "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeTags",
          "elasticloadbalancing:DescribeTrustStores",
          "elasticloadbalancing:DescribeListenerAttributes",
          "elasticloadbalancing:DescribeCapacityReservation",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
          "cognito-idp:DescribeUserPoolClient",
          "acm:ListCertificates",
          "acm:DescribeCertificate",
          "iam:ListServerCertificates",
          "iam:GetServerCertificate",
          "waf-regional:GetWebACL",
          "waf-regional:GetWebACLForResource",
          "waf-regional:AssociateWebACL",
          "waf-regional:DisassociateWebACL",
          "wafv2:GetWebACL",
          "wafv2:GetWebACLForResource",
          "wafv2:AssociateWebACL",
          "wafv2:DisassociateWebACL",
          "shield:GetSubscriptionState",
          "shield:DescribeProtection",
          "shield:CreateProtection",
          "shield:DeleteProtection",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
        Resource: "*",
      },
      { Effect: "Allow", Action: ["ec2:CreateSecurityGroup"], Resource: "*" },
      {
        Effect: "Allow",
        Action: ["ec2:CreateTags"],
        Resource: sg,
        Condition: {
          StringEquals: {
            "ec2:CreateAction": "CreateSecurityGroup",
            "aws:RequestTag/elbv2.k8s.aws/cluster": cluster,
          },
        },
      },
      {
        Effect: "Allow",
        Action: ["ec2:CreateTags", "ec2:DeleteTags"],
        Resource: sg,
        Condition: {
          Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true" },
          StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster },
        },
      },
      {
        Effect: "Allow",
        Action: [
          "ec2:AuthorizeSecurityGroupIngress",
          "ec2:RevokeSecurityGroupIngress",
          "ec2:DeleteSecurityGroup",
        ],
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster } },
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
        Resource: "*",
        Condition: { StringEquals: { "aws:RequestTag/elbv2.k8s.aws/cluster": cluster } },
      },
      {
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:DeleteListener",
          "elasticloadbalancing:CreateRule",
          "elasticloadbalancing:DeleteRule",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: taggable,
        Condition: {
          Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true" },
          StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster },
        },
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: [
          elb("listener/net/*/*/*"),
          elb("listener/app/*/*/*"),
          elb("listener-rule/net/*/*/*"),
          elb("listener-rule/app/*/*/*"),
        ],
      },
      {
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:ModifyLoadBalancerAttributes",
          "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets",
          "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes",
          "elasticloadbalancing:DeleteTargetGroup",
          "elasticloadbalancing:ModifyListenerAttributes",
          "elasticloadbalancing:ModifyCapacityReservation",
          "elasticloadbalancing:ModifyIpPools",
        ],
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster } },
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags"],
        Resource: taggable,
        Condition: {
          StringEquals: {
            "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
            "aws:RequestTag/elbv2.k8s.aws/cluster": cluster,
          },
        },
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: elb("targetgroup/*/*"),
      },
      {
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:SetWebAcl",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates",
          "elasticloadbalancing:ModifyRule",
          "elasticloadbalancing:SetRulePriorities",
        ],
        Resource: "*",
      },
    ],
  };
}

/** The values of the prod fixture's release (kp-prod, eu-west-1), with `annotations` for the ServiceAccount. */
const expectedValues = (vpcId: unknown, annotations: Record<string, string>) => ({
  clusterName: "kp-prod",
  region: "eu-west-1",
  vpcId,
  serviceAccount: { create: true, name: "aws-load-balancer-controller", annotations },
  podLabels: {},
  replicaCount: 2,
  podDisruptionBudget: { maxUnavailable: 1 },
  topologySpreadConstraints: [
    {
      maxSkew: 1,
      labelSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "aws-load-balancer-controller",
          "app.kubernetes.io/instance": "aws-load-balancer-controller",
        },
      },
      matchLabelKeys: ["pod-template-hash"],
      nodeTaintsPolicy: "Honor",
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "DoNotSchedule",
    },
    {
      maxSkew: 1,
      labelSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "aws-load-balancer-controller",
          "app.kubernetes.io/instance": "aws-load-balancer-controller",
        },
      },
      matchLabelKeys: ["pod-template-hash"],
      nodeTaintsPolicy: "Honor",
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "ScheduleAnyway",
    },
  ],
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
  podSecurityContext: { fsGroup: 65534, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
  securityContext: {
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
  },
  enableServiceMutatorWebhook: false,
  createIngressClassResource: false,
  webhookConfig: { disableIngressValidation: true },
  keepTLSSecret: true,
});

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

    it("name the cluster, its region and VPC (no metadata service), the ServiceAccount, HA, restricted security, no service webhook", function () {
      assert.deepStrictEqual(
        values,
        expectedValues("vpc-0123", { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/x" }),
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
  });

  describe("what LoadBalancer Services get (the contract's loadBalancer)", function () {
    it("internet-facing: an NLB with IP targets, the controller's class, client addresses kept", function () {
      assert.deepStrictEqual(eksLoadBalancer("internet-facing"), {
        addressKind: "hostname",
        serviceAnnotations: {
          "service.beta.kubernetes.io/aws-load-balancer-type": "external",
          "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
          "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
          "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes":
            "preserve_client_ip.enabled=true",
        },
        loadBalancerClass: "service.k8s.aws/nlb",
      });
    });

    it("internal: the same NLB in the private subnets, without client IP preservation", function () {
      assert.deepStrictEqual(eksLoadBalancer("internal"), {
        addressKind: "hostname",
        serviceAnnotations: {
          "service.beta.kubernetes.io/aws-load-balancer-type": "external",
          "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
          "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
          "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes":
            "preserve_client_ip.enabled=false",
        },
        loadBalancerClass: "service.k8s.aws/nlb",
      });
    });

    it("the target's own annotations and the configured ones are what stack config refuses", function () {
      assert.strictEqual(AWS_LOAD_BALANCER_CLASS, "service.k8s.aws/nlb");
      assert.deepStrictEqual(LOAD_BALANCER_SERVICE_ANNOTATIONS.eks, {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
      });
      assert.deepStrictEqual(CONFIGURED_SERVICE_ANNOTATIONS.eks, {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "cluster.loadBalancerScheme",
        "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "cluster.loadBalancerScheme",
        "service.beta.kubernetes.io/aws-load-balancer-internal": "cluster.loadBalancerScheme",
      });
      for (const t of ["gke", "aks", "doks", "existing"] as const) {
        assert.deepStrictEqual(LOAD_BALANCER_SERVICE_ANNOTATIONS[t], {}, t);
        assert.deepStrictEqual(CONFIGURED_SERVICE_ANNOTATIONS[t], {}, t);
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
      assert.deepStrictEqual(r.inputs.values, expectedValues(VPC_ID, {}));
      const association = prod.one(T.association, "kp-load-balancer-controller-pod-identity");
      assert.deepStrictEqual(
        { namespace: association.inputs.namespace, serviceAccount: association.inputs.serviceAccount },
        { namespace: "kube-system", serviceAccount: "aws-load-balancer-controller" },
      );
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

const obj = (v: unknown) => v as Record<string, unknown>;
