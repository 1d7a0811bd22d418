/**
 * Stack rules receive the whole resource set (their `types` only document what they read): these
 * tests put resources of other types beside the ones a rule checks — the karpenter-crd release with
 * dependencies, a Helm chart without webhooks, non-GCP labels, the cluster an association depends on —
 * and check that each rule looks only at its own, with the exact messages both ways.
 */
import * as assert from "assert";
import { res, stack } from "./helpers/rule-sets";
import { eksKarpenterNodePools } from "../rules/cluster";
import { eksPodIdentityTrust } from "../rules/cluster/eks-identity";
import { deployGcpLabels, deployWebhooksReachable } from "../rules/deployability";

const RELEASE = "kubernetes:helm.sh/v3:Release";

describe("karpenter-node-pools: only NodePools and EC2NodeClasses wait for the CRD release", () => {
  it("the karpenter-crd release and other resources with dependencies are not held to it", () => {
    const CRD = "urn:crd";
    const crd = (dependsOn: string[]) =>
      res(RELEASE, "crd", { chart: "oci://public.ecr.aws/karpenter/karpenter-crd" }, { urn: CRD, dependsOn });
    const karpenter = res(RELEASE, "karpenter", { chart: "karpenter" }, { urn: "urn:k", dependsOn: [CRD] });
    const cm = res("kubernetes:core/v1:ConfigMap", "cm", {}, { urn: "urn:cm", dependsOn: ["urn:ns"] });
    const nodeClass = res(
      "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
      "class",
      { metadata: { name: "general" } },
      { dependsOn: [CRD] },
    );
    const nodePool = (dependsOn: string[]) =>
      res(
        "kubernetes:karpenter.sh/v1:NodePool",
        "pool",
        { spec: { template: { spec: { nodeClassRef: { name: "general" } } } } },
        { dependsOn },
      );
    assert.deepStrictEqual(
      stack(eksKarpenterNodePools, [crd([]), karpenter, cm, nodeClass, nodePool([CRD])]),
      [],
    );
    assert.deepStrictEqual(
      stack(eksKarpenterNodePools, [crd(["urn:ns"]), cm, nodeClass, nodePool([CRD])]),
      [],
    );
    assert.deepStrictEqual(stack(eksKarpenterNodePools, [crd([]), cm, nodeClass, nodePool(["urn:cm"])]), [
      "mandatory kubernetes:karpenter.sh/v1:NodePool pool: does not wait for the karpenter-crd release: on a first deploy its kind does not exist yet",
    ]);
  });
});

describe("deploy-webhooks-reachable: a chart without a known webhook", () => {
  const gke = res("gcp:container/cluster:Cluster", "kp-gke", {
    privateClusterConfig: { enablePrivateNodes: true, masterIpv4CidrBlock: "172.16.0.0/28" },
  });

  it("a release of a chart with no webhook ports on private nodes is no problem; vault's injector is", () => {
    const other = res(RELEASE, "kp-ingress-nginx", { chart: "ingress-nginx", values: {} });
    const noChart = res(RELEASE, "kp-none", { values: {} });
    assert.deepStrictEqual(stack(deployWebhooksReachable, [gke, other, noChart]), []);
    const vault = res(RELEASE, "kp-vault", { chart: "vault", values: {} });
    assert.deepStrictEqual(stack(deployWebhooksReachable, [gke, other, vault]), [
      "mandatory kubernetes:helm.sh/v3:Release kp-vault: the Vault agent injector webhook serves on tcp 8080, " +
        "which GKE's control plane cannot reach on private nodes (only 443 and 10250): serve it on one of " +
        "those (injector.port) or add a firewall rule from 172.16.0.0/28 to the nodes on tcp 8080",
    ]);
  });
});

describe("deploy-gcp-labels: only GCP resources' labels", () => {
  const LONG = "k".repeat(64);
  const labels = { Team: "x", [LONG]: "y", env: "Prod" };

  it("labels of non-GCP resources are not GCP labels", () => {
    assert.deepStrictEqual(
      stack(deployGcpLabels, [
        res("kubernetes:core/v1:Namespace", "ns", { labels, resourceLabels: labels }),
        res("aws:s3/bucket:Bucket", "bucket", { labels, nodeConfig: { resourceLabels: labels } }),
        res("azure-native:resources:ResourceGroup", "rg", { labels }),
      ]),
      [],
    );
  });

  it("the same labels on a GCP resource are refused, key by key", () => {
    assert.deepStrictEqual(stack(deployGcpLabels, [res("gcp:storage/bucket:Bucket", "bucket", { labels })]), [
      'mandatory gcp:storage/bucket:Bucket bucket: labels key "Team" is not a valid GCP label key',
      `mandatory gcp:storage/bucket:Bucket bucket: labels key "${"k".repeat(64)}" is not a valid GCP label key`,
      'mandatory gcp:storage/bucket:Bucket bucket: labels.env "Prod" is not a valid GCP label value (fix it in tags)',
    ]);
  });
});

describe("eks-pod-identity-trust: only the IAM roles an association depends on", () => {
  const ASSOC = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:eu-west-1:123456789012:cluster/kp",
            "aws:RequestTag/kubernetes-namespace": "vault",
            "aws:RequestTag/kubernetes-service-account": "vault-server",
          },
        },
      },
    ],
  });
  const role = (policy: string) =>
    res("aws:iam/role:Role", "vault-role", { assumeRolePolicy: policy }, { urn: "urn:role" });
  const cluster = res("aws:eks/cluster:Cluster", "kp", { name: "kp" }, { urn: "urn:cluster" });
  const agent = res(
    "aws:eks/addon:Addon",
    "agent",
    { addonName: "eks-pod-identity-agent" },
    { urn: "urn:agent" },
  );
  const noUrn = res("aws:eks/addon:Addon", "other", { addonName: "coredns" });
  const assoc = res(
    ASSOC,
    "vault-pia",
    { namespace: "vault", serviceAccount: "vault-server" },
    { dependsOn: ["urn:cluster", "urn:role", "urn:agent"] },
  );

  it("the cluster and the agent add-on it also depends on are not roles", () => {
    assert.deepStrictEqual(stack(eksPodIdentityTrust, [cluster, agent, noUrn, role(trust), assoc]), []);
    assert.deepStrictEqual(
      stack(eksPodIdentityTrust, [cluster, agent, noUrn, role(JSON.stringify({ Statement: [] })), assoc]),
      [
        `mandatory ${ASSOC} vault-pia: vault-server: role vault-role: the role's trust does not allow pods.eks.amazonaws.com`,
      ],
    );
  });
});
