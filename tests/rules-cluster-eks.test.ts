/**
 * The EKS cluster rules (rules/cluster/eks.ts, karpenter.ts), called directly on hand-built resources:
 * every check both ways, with the exact message and the boundaries (the minimum minor, one hop).
 */
import * as assert from "assert";
import { ResourceRule, ResourceUnderTest, StackRule, evaluate } from "../rules";
import {
  eksControlPlaneLogs,
  eksEndpointAccess,
  eksImdsv2,
  eksIrsa,
  eksKarpenterImdsv2,
  eksKarpenterInterruption,
  eksKarpenterNodePools,
  eksKarpenterVolumeEncryption,
  eksLogGroupEncryption,
  eksNoImplicitSsh,
  eksNoNodeSshKey,
  eksNodeAutoscaler,
  eksSecretsEncryption,
  eksSqsEncryption,
  eksSupportedVersion,
  kubernetesMinor,
} from "../rules/cluster";

const CLUSTER = "aws:eks/cluster:Cluster";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";

const res = (
  type: string,
  name: string,
  inputs: Record<string, unknown> = {},
  extra: Partial<ResourceUnderTest> = {},
): ResourceUnderTest => ({
  type,
  name,
  inputs,
  ...extra,
});
/** A resource rule's messages for one resource of `type`. */
const check = (rule: ResourceRule, inputs: Record<string, unknown>, type = rule.resourceTypes![0]) => {
  const r = res(type, "x", inputs);
  assert.ok(rule.appliesTo(r), `${rule.id} applies to ${type}`);
  return rule.check(r, { profile: "prod" });
};
/** A stack rule's violations as `<resource>: <message>`. */
const stack = (rule: StackRule, all: ResourceUnderTest[]) =>
  evaluate(all, { profile: "prod" }, [rule]).map((v) => `${v.severity} ${v.resource}: ${v.message}`);

describe("EKS cluster rules: exact messages, both ways", () => {
  it("eks-endpoint-access: private, or public to listed CIDRs none of them open", () => {
    assert.deepStrictEqual(check(eksEndpointAccess, { vpcConfig: { endpointPublicAccess: false } }), []);
    assert.deepStrictEqual(check(eksEndpointAccess, { vpcConfig: { endpointPublicAccess: "false" } }), []);
    assert.deepStrictEqual(
      check(eksEndpointAccess, {
        vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
      }),
      [],
    );
    assert.deepStrictEqual(check(eksEndpointAccess, {}), [
      "the public endpoint has no publicAccessCidrs (EKS opens it to 0.0.0.0/0)",
    ]);
    assert.deepStrictEqual(
      check(eksEndpointAccess, { vpcConfig: { publicAccessCidrs: ["10.0.0.0/8", "0.0.0.0/0", "::/0"] } }),
      ["the public endpoint is open to 0.0.0.0/0, ::/0"],
    );
  });

  it("eks-secrets-encryption: an encryptionConfig for secrets with a key ARN", () => {
    const ok = { encryptionConfig: [{ resources: ["secrets"], provider: { keyArn: "arn:k" } }] };
    assert.deepStrictEqual(check(eksSecretsEncryption, ok), []);
    assert.deepStrictEqual(
      check(eksSecretsEncryption, {
        encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:k" } },
      }),
      [],
    );
    assert.deepStrictEqual(check(eksSecretsEncryption, {}), ["no encryptionConfig for secrets"]);
    assert.deepStrictEqual(
      check(eksSecretsEncryption, {
        encryptionConfig: [{ resources: ["configmaps"], provider: { keyArn: "arn:k" } }],
      }),
      ["no encryptionConfig for secrets"],
    );
    assert.deepStrictEqual(
      check(eksSecretsEncryption, {
        encryptionConfig: [{ resources: ["secrets"], provider: { keyArn: " " } }],
      }),
      ["encryptionConfig has no provider.keyArn"],
    );
  });

  it("eks-control-plane-logs: all five log types", () => {
    const all = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
    assert.deepStrictEqual(check(eksControlPlaneLogs, { enabledClusterLogTypes: all }), []);
    assert.deepStrictEqual(check(eksControlPlaneLogs, { enabledClusterLogTypes: ["audit", "api"] }), [
      "control-plane logs not enabled: authenticator, controllerManager, scheduler",
    ]);
    assert.deepStrictEqual(check(eksControlPlaneLogs, {}), [
      "control-plane logs not enabled: api, audit, authenticator, controllerManager, scheduler",
    ]);
  });

  it("eks-log-group-encryption: a customer KMS key", () => {
    assert.deepStrictEqual(check(eksLogGroupEncryption, { kmsKeyId: "arn:k" }), []);
    assert.deepStrictEqual(check(eksLogGroupEncryption, { kmsKeyId: "" }), [
      "no kmsKeyId: the log events are encrypted with a key the account does not control",
    ]);
  });

  it("kubernetesMinor parses major.minor, with a v prefix or a suffix", () => {
    assert.deepStrictEqual(kubernetesMinor("1.34"), [1, 34]);
    assert.deepStrictEqual(kubernetesMinor("v1.32.2-eks-abc"), [1, 32]);
    assert.deepStrictEqual(kubernetesMinor(2.1), [2, 1]);
    assert.deepStrictEqual(kubernetesMinor("10.5"), [10, 5]);
    assert.strictEqual(kubernetesMinor("latest"), undefined);
    assert.strictEqual(kubernetesMinor("x1.34"), undefined);
    assert.strictEqual(kubernetesMinor(undefined), undefined);
    assert.strictEqual(kubernetesMinor("1"), undefined);
  });

  it("eks-supported-version: 1.32 accepted, 1.31 refused, unset left to EKS, on clusters and node groups", () => {
    assert.deepStrictEqual(check(eksSupportedVersion, { version: "1.32" }), []);
    assert.deepStrictEqual(check(eksSupportedVersion, { version: "1.33" }, NODE_GROUP), []);
    assert.deepStrictEqual(check(eksSupportedVersion, { version: "2.0" }), []);
    assert.deepStrictEqual(check(eksSupportedVersion, {}), []);
    assert.deepStrictEqual(check(eksSupportedVersion, { version: null }), []);
    assert.deepStrictEqual(check(eksSupportedVersion, { version: "1.31" }), [
      "version 1.31 is below 1.32 (out of standard support)",
    ]);
    assert.deepStrictEqual(check(eksSupportedVersion, { version: "0.40" }, NODE_GROUP), [
      "version 0.40 is below 1.32 (out of standard support)",
    ]);
    assert.deepStrictEqual(check(eksSupportedVersion, { version: "latest" }), [
      'unparseable version "latest"',
    ]);
  });

  it("eks-imdsv2: launch templates require tokens with one hop; node groups use a launch template", () => {
    const md = (m: Record<string, unknown>) => check(eksImdsv2, { metadataOptions: m }, LT);
    assert.deepStrictEqual(md({ httpTokens: "required", httpPutResponseHopLimit: 1 }), []);
    assert.deepStrictEqual(md({ httpTokens: "required", httpPutResponseHopLimit: "1" }), []);
    assert.deepStrictEqual(md({ httpEndpoint: "disabled" }), []);
    assert.deepStrictEqual(
      md({ httpEndpoint: "enabled", httpTokens: "optional", httpPutResponseHopLimit: 2 }),
      [
        'metadataOptions.httpTokens is "optional", not "required"',
        "metadataOptions.httpPutResponseHopLimit is 2, not 1",
      ],
    );
    assert.deepStrictEqual(md({ httpTokens: "required", httpPutResponseHopLimit: 0 }), [
      "metadataOptions.httpPutResponseHopLimit is 0, not 1",
    ]);
    assert.deepStrictEqual(md({}), [
      'metadataOptions.httpTokens is undefined, not "required"',
      "metadataOptions.httpPutResponseHopLimit is undefined, not 1",
    ]);
    assert.deepStrictEqual(check(eksImdsv2, { launchTemplate: { id: "lt" } }, NODE_GROUP), []);
    for (const launchTemplate of [undefined, null])
      assert.deepStrictEqual(check(eksImdsv2, { launchTemplate }, NODE_GROUP), [
        "no launchTemplate: the EKS-generated one's metadata options are not ours to check",
      ]);
  });

  it("eks-no-implicit-ssh: an SSH key only with source security groups", () => {
    assert.deepStrictEqual(check(eksNoImplicitSsh, {}), []);
    assert.deepStrictEqual(
      check(eksNoImplicitSsh, { remoteAccess: { ec2SshKey: "k", sourceSecurityGroupIds: ["sg-1"] } }),
      [],
    );
    assert.deepStrictEqual(check(eksNoImplicitSsh, { remoteAccess: [{ ec2SshKey: "k" }] }), [
      "remoteAccess.ec2SshKey k without sourceSecurityGroupIds",
    ]);
  });

  it("eks-no-node-ssh-key (advisory): no key on node groups or launch templates", () => {
    assert.deepStrictEqual(check(eksNoNodeSshKey, {}, NODE_GROUP), []);
    assert.deepStrictEqual(check(eksNoNodeSshKey, { keyName: "k" }, NODE_GROUP), []);
    assert.deepStrictEqual(check(eksNoNodeSshKey, { remoteAccess: { ec2SshKey: "k" } }, LT), []);
    assert.deepStrictEqual(check(eksNoNodeSshKey, { remoteAccess: [{ ec2SshKey: "k1" }] }, NODE_GROUP), [
      "SSH key pair k1 on the nodes",
    ]);
    assert.deepStrictEqual(check(eksNoNodeSshKey, { keyName: "k2" }, LT), ["SSH key pair k2 on the nodes"]);
  });

  it("eks-sqs-encryption: SQS-managed SSE or a KMS key", () => {
    assert.deepStrictEqual(check(eksSqsEncryption, { sqsManagedSseEnabled: true }), []);
    assert.deepStrictEqual(check(eksSqsEncryption, { kmsMasterKeyId: "alias/k" }), []);
    assert.deepStrictEqual(check(eksSqsEncryption, { sqsManagedSseEnabled: false, kmsMasterKeyId: "" }), [
      "neither sqsManagedSseEnabled nor kmsMasterKeyId is set",
    ]);
  });
});

describe("EKS stack rules: IRSA, the node autoscaler, Karpenter's interruption handling", () => {
  const cluster = res(CLUSTER, "c");
  const oidc = (inputs: Record<string, unknown>) =>
    res("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "oidc", inputs);

  it("eks-irsa: an OIDC provider for sts.amazonaws.com on an EKS issuer, or the Pod Identity agent", () => {
    const missing =
      "mandatory aws:eks/cluster:Cluster c: no IAM OIDC provider (sts.amazonaws.com) nor Pod Identity agent: pods cannot get IAM roles";
    assert.deepStrictEqual(
      stack(eksIrsa, [
        cluster,
        oidc({ clientIdLists: ["sts.amazonaws.com"], url: "https://oidc.eks.eu-west-1.amazonaws.com/id/X" }),
      ]),
      [],
    );
    assert.deepStrictEqual(
      stack(eksIrsa, [cluster, oidc({ clientIdLists: ["sts.amazonaws.com"] })]),
      [],
      "url unknown (preview)",
    );
    assert.deepStrictEqual(
      stack(eksIrsa, [cluster, res("aws:eks/addon:Addon", "a", { addonName: "eks-pod-identity-agent" })]),
      [],
    );
    assert.deepStrictEqual(
      stack(eksIrsa, [
        cluster,
        oidc({ clientIdLists: ["sts.amazonaws.com"], url: "https://token.actions.githubusercontent.com" }),
      ]),
      [missing],
    );
    assert.deepStrictEqual(
      stack(eksIrsa, [cluster, oidc({ clientIdLists: ["other"], url: "https://oidc.eks.x/id/X" })]),
      [missing],
    );
    assert.deepStrictEqual(
      stack(eksIrsa, [cluster, res(CLUSTER, "d", { clientIdLists: ["sts.amazonaws.com"] })]),
      [missing, missing.replace(" c:", " d:")],
    );
    assert.deepStrictEqual(stack(eksIrsa, [res("aws:eks/addon:Addon", "a", { addonName: "vpc-cni" })]), []);
  });

  it("eks-node-autoscaler: node groups need a cluster-autoscaler or Karpenter release", () => {
    const group = res(NODE_GROUP, "g");
    const msg = "node groups but no cluster-autoscaler / Karpenter release: min/max are never used";
    assert.deepStrictEqual(stack(eksNodeAutoscaler, [cluster]), []);
    for (const chart of [
      "cluster-autoscaler",
      "autoscaler/cluster-autoscaler",
      "oci://public.ecr.aws/karpenter/karpenter",
    ])
      assert.deepStrictEqual(
        stack(eksNodeAutoscaler, [cluster, group, res(RELEASE, "r", { chart })]),
        [],
        chart,
      );
    assert.deepStrictEqual(
      stack(eksNodeAutoscaler, [
        cluster,
        group,
        res("kubernetes:helm.sh/v4:Chart", "r", { chart: "karpenter" }),
      ]),
      [],
    );
    assert.deepStrictEqual(
      stack(eksNodeAutoscaler, [cluster, group, res(RELEASE, "r", { chart: "karpenter-crd" })]),
      [`mandatory aws:eks/cluster:Cluster c: ${msg}`],
    );
    assert.deepStrictEqual(
      stack(eksNodeAutoscaler, [cluster, group, res(RELEASE, "r", { chart: "my-cluster-autoscaler" })]),
      [`mandatory aws:eks/cluster:Cluster c: ${msg}`],
    );
    assert.deepStrictEqual(
      stack(eksNodeAutoscaler, [
        cluster,
        group,
        res("kubernetes:core/v1:ConfigMap", "r", { chart: "karpenter" }),
      ]),
      [`mandatory aws:eks/cluster:Cluster c: ${msg}`],
    );
    assert.deepStrictEqual(stack(eksNodeAutoscaler, [group, res(NODE_GROUP, "h"), res(RELEASE, "r", {})]), [
      `mandatory aws:eks/nodeGroup:NodeGroup g: ${msg}`,
    ]);
  });

  it("eks-karpenter-interruption: a queue, its policy and a rule for every interruption event", () => {
    const karpenter = res(RELEASE, "karpenter", { chart: "oci://public.ecr.aws/karpenter/karpenter" });
    const queue = res("aws:sqs/queue:Queue", "q");
    const policy = res("aws:sqs/queuePolicy:QueuePolicy", "qp");
    const rule = (source: string, types: string[], asString = true) => {
      const pattern = { source: [source], "detail-type": types };
      return res("aws:cloudwatch/eventRule:EventRule", `rule-${types[0]}`, {
        eventPattern: asString ? JSON.stringify(pattern) : pattern,
      });
    };
    const rules = [
      rule("aws.health", ["AWS Health Event"]),
      rule(
        "aws.ec2",
        ["EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation"],
        false,
      ),
      rule("aws.ec2", ["EC2 Instance State-change Notification"]),
      rule("aws.ec2", ["EC2 Capacity Reservation Instance Interruption Warning"]),
    ];
    const prefix =
      "mandatory kubernetes:helm.sh/v3:Release karpenter: Karpenter without interruption handling: ";
    assert.deepStrictEqual(stack(eksKarpenterInterruption, [karpenter, queue, policy, ...rules]), []);
    assert.deepStrictEqual(
      stack(eksKarpenterInterruption, [res(RELEASE, "crd", { chart: "karpenter-crd" })]),
      [],
    );
    assert.deepStrictEqual(
      stack(eksKarpenterInterruption, [res("kubernetes:core/v1:Secret", "s", { chart: "karpenter" })]),
      [],
    );
    assert.deepStrictEqual(stack(eksKarpenterInterruption, [karpenter, ...rules]), [
      `${prefix}no SQS queue; no SQS queue policy (EventBridge may not send to the queue)`,
    ]);
    assert.deepStrictEqual(
      stack(eksKarpenterInterruption, [
        karpenter,
        queue,
        policy,
        rules[0],
        rules[2],
        rule("aws.health", ["EC2 Capacity Reservation Instance Interruption Warning"]),
        res("aws:cloudwatch/eventRule:EventRule", "bad", { eventPattern: "{not json" }),
        res("aws:cloudwatch/eventRule:EventRule", "arr", { eventPattern: "[1]" }),
        res("aws:cloudwatch/eventRule:EventRule", "null", { eventPattern: "null" }),
        res("aws:cloudwatch/eventRule:EventRule", "none", { eventPattern: null }),
        // Not an EventBridge rule: its pattern does not count.
        { ...rules[1], type: "aws:cloudwatch/eventTarget:EventTarget" },
        { ...rules[3], type: "aws:cloudwatch/eventTarget:EventTarget" },
      ]),
      [
        `${prefix}no EventBridge rule for "EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation", "EC2 Capacity Reservation Instance Interruption Warning"`,
      ],
    );
  });
});

describe("Karpenter's objects: IMDSv2, volume encryption, NodePools after the CRDs", () => {
  it("karpenter-imdsv2: httpTokens required and one hop, unless the endpoint is off", () => {
    const md = (m: Record<string, unknown>) => check(eksKarpenterImdsv2, { spec: { metadataOptions: m } });
    assert.deepStrictEqual(md({ httpTokens: "required", httpPutResponseHopLimit: 1 }), []);
    assert.deepStrictEqual(md({ httpEndpoint: "disabled", httpTokens: "optional" }), []);
    assert.deepStrictEqual(
      md({ httpEndpoint: "enabled", httpTokens: "optional", httpPutResponseHopLimit: 2 }),
      [
        'spec.metadataOptions.httpTokens is "optional", not "required"',
        "spec.metadataOptions.httpPutResponseHopLimit is 2, not 1",
      ],
    );
    assert.deepStrictEqual(md({ httpTokens: "required" }), [
      "spec.metadataOptions.httpPutResponseHopLimit is undefined, not 1",
    ]);
  });

  it("karpenter-volume-encryption: block devices declared, each EBS volume encrypted", () => {
    const bdm = (v: unknown) => check(eksKarpenterVolumeEncryption, { spec: { blockDeviceMappings: v } });
    assert.deepStrictEqual(bdm([{ ebs: { encrypted: true } }, { ebs: { encrypted: true } }]), []);
    assert.deepStrictEqual(bdm([]), [
      "no spec.blockDeviceMappings: the volumes' encryption is left to the AMI family's defaults",
    ]);
    assert.deepStrictEqual(bdm([{ ebs: { encrypted: true } }, { ebs: { encrypted: "true" } }, {}]), [
      "spec.blockDeviceMappings[1].ebs.encrypted is not true",
      "spec.blockDeviceMappings[2].ebs.encrypted is not true",
    ]);
  });

  it("karpenter-node-pools: after the karpenter-crd release, each NodePool naming a node class of the stack", () => {
    const CRD = "urn:crd";
    const crd = res(RELEASE, "crd", { chart: "oci://public.ecr.aws/karpenter/karpenter-crd" }, { urn: CRD });
    const nodeClass = (name: string, dependsOn?: string[]) =>
      res(NODE_CLASS, `class-${name}`, { metadata: { name } }, { dependsOn });
    const nodePool = (ref: string | undefined, dependsOn?: string[]) =>
      res(
        NODE_POOL,
        "pool",
        { spec: { template: { spec: { nodeClassRef: { name: ref } } } } },
        { dependsOn },
      );
    assert.deepStrictEqual(stack(eksKarpenterNodePools, [crd]), []);
    assert.deepStrictEqual(
      stack(eksKarpenterNodePools, [crd, nodeClass("general", [CRD]), nodePool("general", ["urn:x", CRD])]),
      [],
    );
    assert.deepStrictEqual(
      stack(eksKarpenterNodePools, [nodeClass("general"), nodePool("general")]),
      [],
      "dependencies unknown",
    );
    const wait = "does not wait for the karpenter-crd release: on a first deploy its kind does not exist yet";
    assert.deepStrictEqual(
      stack(eksKarpenterNodePools, [
        res(RELEASE, "other", { chart: "karpenter" }, { urn: "urn:k" }),
        res("kubernetes:core/v1:ConfigMap", "cm", { chart: "karpenter-crd" }, { urn: "urn:cm" }),
        nodeClass("general", ["urn:k", "urn:cm"]),
        nodePool("spot", []),
      ]),
      [
        `mandatory kubernetes:karpenter.k8s.aws/v1:EC2NodeClass class-general: ${wait}`,
        `mandatory kubernetes:karpenter.sh/v1:NodePool pool: ${wait}`,
        'mandatory kubernetes:karpenter.sh/v1:NodePool pool: nodeClassRef names EC2NodeClass "spot", which the stack does not create',
      ],
    );
    assert.deepStrictEqual(stack(eksKarpenterNodePools, [crd, nodePool(undefined, [CRD])]), [
      "mandatory kubernetes:karpenter.sh/v1:NodePool pool: nodeClassRef names EC2NodeClass undefined, which the stack does not create",
    ]);
  });
});
