/**
 * automation/leftovers.ts with protected resources: the engine refuses a protected delete, goes on
 * with the rest and fails at the end, keeping the protected resource and what it depends on
 * (pulumi/pulumi pkg/resource/deploy/step_executor.go, deployment_executor.go). A protected cluster
 * survives the destroy, with the retained namespaces and their claims in it.
 */
import * as assert from "assert";
import { leftBehind } from "../automation/leftovers";
import { runExample } from "../offline/stacks";
import { exported, stateOf } from "./helpers/leftovers-exports";

const S = "urn:pulumi:prod::kube-platform::";
const COMPONENT = `${S}kube-platform:cluster:EksCluster::kp-cluster`;
const CLUSTER = `${S}kube-platform:cluster:EksCluster$aws:eks/cluster:Cluster::kp-cluster-eks`;
const ROLE = `${S}kube-platform:cluster:EksCluster$aws:iam/role:Role::kp-cluster-cluster`;
const K8S = `${S}pulumi:providers:kubernetes::kp-cluster-k8s`;
const VAULT_NS = `${S}kubernetes:core/v1:Namespace::kp-addons-vault-ns`;
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

/** A prod-like EKS export: the cluster protected (or not), a node group and the add-ons after it. */
function eksExport(protect: boolean) {
  return exported([
    { urn: `${S}pulumi:pulumi:Stack::kube-platform-prod`, type: "pulumi:pulumi:Stack", custom: false },
    {
      urn: `${S}pulumi:providers:aws::default`,
      type: "pulumi:providers:aws",
      custom: true,
      id: "p",
      inputs: { region: "eu-west-1" },
    },
    { urn: COMPONENT, type: "kube-platform:cluster:EksCluster", custom: false },
    {
      urn: ROLE,
      type: "aws:iam/role:Role",
      custom: true,
      id: "r",
      parent: COMPONENT,
      provider: `${S}pulumi:providers:aws::default::p`,
    },
    {
      urn: CLUSTER,
      type: "aws:eks/cluster:Cluster",
      custom: true,
      id: "kube-platform",
      parent: COMPONENT,
      protect,
      dependencies: [ROLE],
      provider: `${S}pulumi:providers:aws::default::p`,
    },
    // Depends on the cluster: deleted before it, and not kept.
    {
      urn: `${S}kube-platform:cluster:EksCluster$aws:eks/nodeGroup:NodeGroup::kp-cluster-system`,
      type: "aws:eks/nodeGroup:NodeGroup",
      custom: true,
      id: "ng",
      parent: COMPONENT,
      dependencies: [CLUSTER],
    },
    { urn: K8S, type: "pulumi:providers:kubernetes", custom: true, id: "k", dependencies: [CLUSTER] },
    {
      urn: VAULT_NS,
      type: "kubernetes:core/v1:Namespace",
      custom: true,
      id: "vault",
      retainOnDelete: true,
      provider: `${K8S}::k`,
      inputs: {
        metadata: { name: "vault", annotations: { "kube-platform/retained-volume-claims": "data-vault-0" } },
      },
    },
    {
      urn: `${S}kubernetes:helm.sh/v3:Release::kp-addons-cert-manager-release`,
      type: "kubernetes:helm.sh/v3:Release",
      custom: true,
      id: "cert-manager/cert-manager",
      provider: `${K8S}::k`,
      inputs: { chart: "cert-manager", values: { crds: { enabled: true, keep: true } } },
    },
  ]);
}

describe("leftBehind: protected resources", () => {
  it("a protected cluster stays with what it depends on; the claims stay in it, with the cloud's hint for later", () => {
    const out = leftBehind(eksExport(true));
    assert.deepStrictEqual(
      out.map((l) => [l.type, l.name]),
      [
        ["aws:iam/role:Role", "kp-cluster-cluster"],
        ["aws:eks/cluster:Cluster", "kp-cluster-eks"],
        ["kubernetes:core/v1:Namespace", "vault"],
        [PVC, "vault/data-vault-0"],
        [
          "apiextensions.k8s.io/v1:CustomResourceDefinition",
          "cert-manager: *.cert-manager.io, *.acme.cert-manager.io",
        ],
      ],
    );
    assert.deepStrictEqual(out[1], {
      urn: CLUSTER,
      type: "aws:eks/cluster:Cluster",
      name: "kp-cluster-eks",
      reason:
        "protect: true: the destroy refuses to delete it, deletes the rest it can and fails at the end, " +
        "keeping it and everything it depends on, in the state and in the cloud",
      hint: `when you mean to delete it: pulumi state unprotect '${CLUSTER}' (or set cluster.protect: false and run pulumi up), then destroy again`,
    });
    assert.deepStrictEqual(out[0], {
      urn: ROLE,
      type: "aws:iam/role:Role",
      name: "kp-cluster-cluster",
      reason:
        'protected aws:eks/cluster:Cluster "kp-cluster-eks" depends on it: the destroy keeps it, in the state and in the cloud',
      hint: `it goes with the destroy after pulumi state unprotect '${CLUSTER}'`,
    });
    assert.deepStrictEqual(out[3], {
      urn: VAULT_NS,
      type: PVC,
      name: "vault/data-vault-0",
      reason:
        "PersistentVolumeClaim vault/data-vault-0 is retained (addons.volumes.onDestroy: retain): the destroy keeps the protected cluster, " +
        "and the claim stays in it, in namespace vault, with its volume; once the cluster goes too: its EBS volume stays (EKS deletes no volume with a cluster) and is billed",
      hint:
        `kubectl -n vault get pvc data-vault-0; when the cluster goes (pulumi state unprotect '${CLUSTER}', then destroy again): ` +
        "aws ec2 describe-volumes --region eu-west-1 --filters Name=tag:kubernetes.io/created-for/pvc/namespace,Values=vault " +
        "Name=tag:kubernetes.io/created-for/pvc/name,Values=data-vault-0 --query 'Volumes[].VolumeId'; " +
        "once its data is not needed: aws ec2 delete-volume --volume-id <id>",
    });
  });

  it("unprotected, the cluster goes: only the claim's disk is left, no namespace and no CRD", () => {
    const out = leftBehind(eksExport(false));
    assert.deepStrictEqual(
      out.map((l) => [l.type, l.name]),
      [[PVC, "vault/data-vault-0"]],
    );
    assert.match(out[0].reason, /; the cluster goes with this destroy: its EBS volume stays/);
  });

  describe("the example stacks' states", function () {
    this.timeout(120_000);

    const CRDS = [
      "apiextensions.k8s.io/v1:CustomResourceDefinition traefik: *.traefik.io, *.hub.traefik.io",
      "apiextensions.k8s.io/v1:CustomResourceDefinition kube-prometheus-stack: *.monitoring.coreos.com",
      "apiextensions.k8s.io/v1:CustomResourceDefinition external-dns: *.externaldns.k8s.io",
      "apiextensions.k8s.io/v1:CustomResourceDefinition cert-manager: *.cert-manager.io, *.acme.cert-manager.io",
    ];
    const NAMESPACES = ["kubernetes:core/v1:Namespace vault", "kubernetes:core/v1:Namespace monitoring"];
    const CLAIMS = [
      "vault/data-vault-0",
      "vault/data-vault-1",
      "vault/data-vault-2",
      "vault/audit-vault-0",
      "vault/audit-vault-1",
      "vault/audit-vault-2",
      "monitoring/prometheus-kps-prometheus-db-prometheus-kps-prometheus-0",
      "monitoring/prometheus-kps-prometheus-db-prometheus-kps-prometheus-1",
      "monitoring/alertmanager-kps-alertmanager-db-alertmanager-kps-alertmanager-0",
      "monitoring/alertmanager-kps-alertmanager-db-alertmanager-kps-alertmanager-1",
      "monitoring/alertmanager-kps-alertmanager-db-alertmanager-kps-alertmanager-2",
      "monitoring/kps-grafana",
    ];
    const unprotected = (r: Record<string, unknown>) => ({ ...r, protect: false });

    const cases: [string, string[], RegExp, RegExp][] = [
      [
        "prod",
        [
          // In the state's order: the log group now after the key it is encrypted with.
          "aws:iam/role:Role kp-cluster-cluster",
          "aws:ec2/vpc:Vpc kp-cluster-vpc",
          "aws:iam/rolePolicyAttachment:RolePolicyAttachment kp-cluster-cluster-AmazonEKSClusterPolicy",
          "aws:kms/key:Key kp-cluster-secrets",
          "aws:ec2/subnet:Subnet kp-cluster-public-0",
          "aws:ec2/subnet:Subnet kp-cluster-public-1",
          "aws:ec2/subnet:Subnet kp-cluster-public-2",
          "aws:ec2/subnet:Subnet kp-cluster-private-0",
          "aws:ec2/subnet:Subnet kp-cluster-private-1",
          "aws:ec2/subnet:Subnet kp-cluster-private-2",
          "aws:cloudwatch/logGroup:LogGroup kp-cluster-control-plane-logs",
          "aws:iam/rolePolicy:RolePolicy kp-cluster-cluster-encryption",
          "aws:eks/cluster:Cluster kp-cluster-eks",
          "aws:iam/openIdConnectProvider:OpenIdConnectProvider kp-cluster-oidc",
          "aws:iam/role:Role kp-addons-vault-server-irsa",
          "aws:kms/key:Key kp-addons-vault-unseal",
          ...NAMESPACES,
          "dns:record hello.kube-platform.dev",
          ...CRDS,
          // The EKS target's AWS Load Balancer Controller, in the kept cluster.
          "apiextensions.k8s.io/v1:CustomResourceDefinition aws-load-balancer-controller: *.elbv2.k8s.aws, *.aga.k8s.aws, *.gateway.k8s.aws",
        ],
        /its EBS volume stays/,
        /aws ec2 describe-volumes --region eu-west-1 /,
      ],
      [
        "gke",
        [
          "gcp:projects/service:Service kp-cluster-compute-api",
          "gcp:projects/service:Service kp-cluster-container-api",
          "gcp:projects/service:Service kp-cluster-cloudkms-api",
          "gcp:projects/service:Service kp-cluster-iam-api",
          "gcp:projects/serviceIdentity:ServiceIdentity kp-cluster-gke-agent",
          "gcp:kms/keyRing:KeyRing kp-cluster-keyring",
          "gcp:compute/network:Network kp-cluster-vpc",
          "gcp:serviceaccount/account:Account kp-cluster-nodes-sa",
          "gcp:kms/cryptoKey:CryptoKey kp-cluster-secrets",
          "gcp:kms/cryptoKey:CryptoKey kp-cluster-kp-addons-vault-unseal",
          "gcp:projects/iAMMember:IAMMember kp-cluster-gke-agent-role",
          "gcp:compute/subnetwork:Subnetwork kp-cluster-nodes",
          "gcp:projects/iAMMember:IAMMember kp-cluster-nodes-container-defaultNodeServiceAccount",
          "gcp:projects/iAMMember:IAMMember kp-cluster-nodes-artifactregistry-reader",
          "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember kp-cluster-secrets-gke-agent",
          "gcp:container/cluster:Cluster kp-cluster-cluster",
          ...NAMESPACES,
          "dns:record hello.gke.kube-platform.dev",
          ...CRDS,
        ],
        /GKE may delete its persistent disk with it \(not guaranteed\)/,
        /gcloud compute disks list --project my-gcp-project /,
      ],
      [
        "aks",
        [
          "azure-native:resources:ResourceGroup kp-cluster-rg",
          "azure-native:managedidentity:UserAssignedIdentity kp-cluster-cp",
          "azure-native:keyvault:Vault kp-addons-vault-kv",
          "azure-native:keyvault:Key kp-addons-vault-key",
          "azure-native:network:VirtualNetwork kp-cluster-vnet",
          "azure-native:network:Subnet kp-cluster-nodes",
          "azure-native:authorization:RoleAssignment kp-cluster-cp-subnet",
          "azure-native:containerservice:ManagedCluster kp-cluster-aks",
          ...NAMESPACES,
          "dns:record hello.aks.kube-platform.dev",
          ...CRDS,
        ],
        /node resource group, which AKS deletes with the cluster: snapshot it/,
        /az disk list --query /,
      ],
      [
        "doks",
        [
          "digitalocean:index/vpc:Vpc kp-cluster-vpc",
          "digitalocean:index/kubernetesCluster:KubernetesCluster kp-cluster-doks",
          ...NAMESPACES,
          "dns:record hello.doks.kube-platform.dev",
          ...CRDS,
        ],
        /its DigitalOcean volume stays and is billed/,
        /doctl compute volume list/,
      ],
    ];
    for (const [stack, kept, fate, lookup] of cases) {
      it(`${stack}: the protected cluster and its dependencies stay, the claims in it; unprotected, the cloud keeps the disks`, async () => {
        const run = await runExample(stack);
        const out = leftBehind(stateOf(run));
        const claims = out.filter((l) => l.type === PVC);
        assert.deepStrictEqual(
          out.filter((l) => l.type !== PVC).map((l) => `${l.type} ${l.name}`),
          kept,
        );
        assert.deepStrictEqual(
          claims.map((l) => l.name),
          CLAIMS,
        );
        for (const l of claims) {
          assert.match(
            l.reason,
            /: the destroy keeps the protected cluster, and the claim stays in it, in namespace /,
          );
          assert.match(l.reason, fate);
          assert.match(l.hint, /; when the cluster goes \(pulumi state unprotect 'urn:pulumi:/);
          assert.match(l.hint, lookup);
        }
        const gone = leftBehind(stateOf(run, unprotected)).filter((l) => l.type === PVC);
        assert.deepStrictEqual(
          gone.map((l) => l.name),
          CLAIMS,
        );
        for (const l of gone) {
          assert.match(l.reason, /; the cluster goes with this destroy: /);
          assert.match(l.reason, fate);
          assert.match(l.hint, lookup);
        }
      });
    }

    it("eks-dev (delete, unprotected): nothing; dev (existing): the charts' CRDs stay in the cluster", async () => {
      assert.deepStrictEqual(leftBehind(stateOf(await runExample("eks-dev"))), []);
      const dev = leftBehind(stateOf(await runExample("dev")));
      assert.deepStrictEqual(
        dev.map((l) => `${l.type} ${l.name}`),
        [CRDS[0], CRDS[1], CRDS[3]],
      );
    });
  });
});
