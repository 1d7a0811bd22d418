/**
 * The rule catalogue, pinned literally: every rule's id, severity and (where it has one) the profiles
 * it is limited to, in ALL_RULES order, and the kind and area of each list. Rule definitions are built
 * at module load, so mutation testing cannot run them: a downgraded severity (`"mandatory"` →
 * `"advisory"`), a dropped or widened profile list or a rule moved out of its list fails here.
 */
import * as assert from "assert";
import {
  ALL_RULES,
  CLUSTER_RESOURCE_RULES,
  CLUSTER_RULES,
  CLUSTER_STACK_RULES,
  DEPLOYABILITY_RULES,
  SECURITY_RULES,
  WORKLOAD_RESOURCE_RULES,
  WORKLOAD_RULES,
  WORKLOAD_STACK_RULES,
} from "../rules";

/** `[id, severity]`, or `[id, severity, profiles]` for a profile-limited rule. */
const CATALOGUE: [string, "mandatory" | "advisory", string[]?][] = [
  ["eks-endpoint-access", "mandatory"],
  ["eks-secrets-encryption", "mandatory"],
  ["eks-control-plane-logs", "mandatory"],
  ["eks-log-group-encryption", "mandatory"],
  ["eks-supported-version", "mandatory"],
  ["eks-imdsv2", "mandatory"],
  ["eks-no-implicit-ssh", "mandatory"],
  ["eks-no-node-ssh-key", "advisory"],
  ["eks-sqs-encryption", "mandatory"],
  ["karpenter-imdsv2", "mandatory"],
  ["karpenter-volume-encryption", "mandatory"],
  ["gke-private-nodes", "mandatory"],
  ["gke-master-authorized-networks", "mandatory"],
  ["gke-legacy-abac-off", "mandatory"],
  ["gke-no-client-cert-basic-auth", "mandatory"],
  ["gke-network-policy", "mandatory"],
  ["gke-shielded-nodes", "mandatory"],
  ["gke-workload-metadata", "mandatory"],
  ["gke-node-auto-repair-upgrade", "mandatory"],
  ["gke-node-service-account", "mandatory"],
  ["gke-release-channel", "mandatory"],
  ["gke-logging-monitoring", "mandatory"],
  ["gke-secrets-encryption", "mandatory"],
  ["gke-workload-identity", "mandatory"],
  ["aks-api-server-access", "mandatory"],
  ["aks-rbac", "mandatory"],
  ["aks-local-accounts-disabled", "mandatory", ["prod"]],
  ["aks-network-policy", "mandatory"],
  ["aks-azure-cni", "mandatory"],
  ["aks-auto-upgrade", "mandatory"],
  ["aks-paid-tier", "mandatory", ["prod"]],
  ["aks-no-node-public-ip", "mandatory"],
  ["aks-system-pool-critical-only", "mandatory"],
  ["aks-workload-identity", "mandatory"],
  ["doks-surge-upgrade", "mandatory"],
  ["doks-ha-control-plane", "mandatory", ["prod"]],
  ["doks-maintenance-window", "mandatory"],
  ["node-pool-autoscaling", "mandatory"],
  ["eks-irsa", "mandatory"],
  ["eks-pod-identity-agent", "mandatory"],
  ["eks-pod-identity-trust", "mandatory"],
  ["eks-node-autoscaler", "mandatory"],
  ["eks-karpenter-interruption", "mandatory"],
  ["karpenter-node-pools", "mandatory"],
  ["doks-auto-upgrade", "mandatory"],
  ["k8s-run-as-non-root", "mandatory"],
  ["k8s-no-root-uid", "mandatory"],
  ["k8s-high-uid", "advisory"],
  ["k8s-no-privilege-escalation", "mandatory"],
  ["k8s-capabilities", "mandatory"],
  ["k8s-seccomp", "mandatory"],
  ["k8s-no-privileged", "mandatory"],
  ["k8s-no-host-namespaces", "mandatory"],
  ["k8s-no-host-path", "mandatory"],
  ["k8s-no-host-port", "mandatory"],
  ["k8s-read-only-root-fs", "mandatory"],
  ["k8s-cpu-request", "mandatory"],
  ["k8s-cpu-limit", "advisory"],
  ["k8s-memory-request", "mandatory"],
  ["k8s-memory-limit", "mandatory"],
  ["k8s-liveness-probe", "mandatory"],
  ["k8s-readiness-probe", "mandatory"],
  ["k8s-image-pinned", "mandatory"],
  ["k8s-no-service-account-token", "mandatory"],
  ["k8s-network-policy-coverage", "mandatory"],
  ["k8s-pdb-coverage", "mandatory"],
  ["k8s-prod-replicas", "mandatory", ["prod"]],
  ["deploy-api-reachable", "mandatory"],
  ["deploy-kubernetes-rbac", "mandatory"],
  ["deploy-webhooks-reachable", "mandatory"],
  ["deploy-loadbalancer-available", "mandatory"],
  ["deploy-metrics-api", "mandatory"],
  ["deploy-kubelet-tls", "mandatory"],
  ["deploy-eks-zones", "mandatory"],
  ["deploy-eks-control-plane-subnets", "mandatory"],
  ["deploy-eks-node-group-per-zone", "mandatory"],
  ["deploy-eks-support-type", "mandatory"],
  ["deploy-eks-principal-arns", "mandatory"],
  ["deploy-eks-load-balancer-controller", "mandatory"],
  ["deploy-gcp-labels", "mandatory"],
  ["deploy-gke-service-agent", "mandatory"],
  ["deploy-aks-maintenance-window", "mandatory"],
  ["deploy-no-placeholders", "advisory"],
];

const ids = (rules: readonly { id: string }[]) => rules.map((r) => r.id);

describe("the rule catalogue (every id, severity and profile list, literally)", () => {
  it("ALL_RULES holds exactly these rules, in this order, with these severities and profiles", () => {
    assert.deepStrictEqual(
      ALL_RULES.map((r) => (r.profiles ? [r.id, r.severity, r.profiles] : [r.id, r.severity])),
      CATALOGUE,
    );
  });

  it("the advisory rules are exactly these four; every other rule is mandatory", () => {
    assert.deepStrictEqual(
      ALL_RULES.filter((r) => r.severity === "advisory").map((r) => r.id),
      ["eks-no-node-ssh-key", "k8s-high-uid", "k8s-cpu-limit", "deploy-no-placeholders"],
    );
    assert.strictEqual(ALL_RULES.filter((r) => r.severity === "mandatory").length, 79);
  });

  it("the prod-only rules are exactly these four, limited to prod alone", () => {
    assert.deepStrictEqual(
      ALL_RULES.filter((r) => r.profiles !== undefined).map((r) => [r.id, r.profiles]),
      [
        ["aks-local-accounts-disabled", ["prod"]],
        ["aks-paid-tier", ["prod"]],
        ["doks-ha-control-plane", ["prod"]],
        ["k8s-prod-replicas", ["prod"]],
      ],
    );
  });

  it("each list holds its kind and area: cluster, workload, deployability; security = cluster + workload", () => {
    const shape = (rules: readonly { kind: string; area?: string }[]) => [
      ...new Set(rules.map((r) => `${r.kind} ${r.area}`)),
    ];
    assert.deepStrictEqual(shape(CLUSTER_RESOURCE_RULES), ["resource cluster"]);
    assert.deepStrictEqual(shape(CLUSTER_STACK_RULES), ["stack cluster"]);
    assert.deepStrictEqual(shape(WORKLOAD_RESOURCE_RULES), ["resource workload"]);
    assert.deepStrictEqual(shape(WORKLOAD_STACK_RULES), ["stack workload"]);
    assert.deepStrictEqual(shape(DEPLOYABILITY_RULES), ["stack deployability"]);
    assert.deepStrictEqual(ids(CLUSTER_RULES), [...ids(CLUSTER_RESOURCE_RULES), ...ids(CLUSTER_STACK_RULES)]);
    assert.deepStrictEqual(ids(SECURITY_RULES), [...ids(CLUSTER_RULES), ...ids(WORKLOAD_RULES)]);
    assert.deepStrictEqual(ids(ALL_RULES), [...ids(SECURITY_RULES), ...ids(DEPLOYABILITY_RULES)]);
    assert.deepStrictEqual(
      [CLUSTER_RESOURCE_RULES, CLUSTER_STACK_RULES, WORKLOAD_RULES, DEPLOYABILITY_RULES].map((l) => l.length),
      [38, 7, 22, 16],
    );
  });

  it("every rule states the resource types it reads", () => {
    for (const r of ALL_RULES) assert.ok((r.resourceTypes ?? []).length > 0, r.id);
  });
});
