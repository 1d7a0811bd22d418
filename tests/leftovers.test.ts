/**
 * automation/leftovers.ts: what a destroy leaves behind, from literal stack exports (apitype
 * UntypedDeployment version 3, resources as `pulumi stack export` prints them).
 */
import * as assert from "assert";
import { leftBehind, urnName } from "../automation/leftovers";
import { exported } from "./helpers/leftovers-exports";

const S = (stack: string) => `urn:pulumi:${stack}::kube-platform::`;

/** A resource of an export: the fields `pulumi stack export` writes, the optional ones as given. */
function res(stack: string, type: string, name: string, extra: Record<string, unknown> = {}) {
  return { urn: `${S(stack)}${type}::${name}`, custom: !type.startsWith("kube-platform:"), type, ...extra };
}

const CLAIMS = "kube-platform/retained-volume-claims";

function namespace(stack: string, name: string, o: { retain?: boolean; claims?: string } = {}) {
  return res(stack, "kubernetes:core/v1:Namespace", `kp-addons-${name}-ns`, {
    id: name,
    ...(o.retain ? { retainOnDelete: true } : {}),
    inputs: { metadata: { name, ...(o.claims ? { annotations: { [CLAIMS]: o.claims } } : {}) } },
    outputs: { metadata: { name } },
  });
}

const bootstrapJob = (stack: string, ns = "vault-setup") =>
  res(stack, "kubernetes:batch/v1:Job", "kp-addons-vault-setup-bootstrap", {
    id: `${ns}/bootstrap-abc`,
    retainOnDelete: true,
    inputs: { metadata: { namespace: ns } },
    outputs: { metadata: { name: "bootstrap-abc", namespace: ns } },
  });

describe("leftBehind: what a destroy leaves behind", () => {
  it("EKS, retained volumes: each claim's EBS volume, found by its claim tags; nothing of the deleted cluster", () => {
    const out = leftBehind(
      exported([
        res("prod", "pulumi:pulumi:Stack", "kube-platform-prod", { custom: false }),
        res("prod", "pulumi:providers:aws", "kp-cluster-aws", { id: "p1", inputs: { region: "eu-west-1" } }),
        res("prod", "kube-platform:cluster:EksCluster", "kp-cluster"),
        res("prod", "aws:eks/cluster:Cluster", "kp-cluster-eks", { id: "kube-platform", protect: false }),
        namespace("prod", "vault", { retain: true, claims: "data-vault-0,audit-vault-0" }),
        namespace("prod", "monitoring", { retain: true, claims: "kps-grafana" }),
        namespace("prod", "vault-setup"),
        bootstrapJob("prod"),
      ]),
    );
    const vaultNs = `${S("prod")}kubernetes:core/v1:Namespace::kp-addons-vault-ns`;
    assert.deepStrictEqual(
      out.map((l) => [l.urn, l.type, l.name]),
      [
        [vaultNs, "kubernetes:core/v1:PersistentVolumeClaim", "vault/data-vault-0"],
        [vaultNs, "kubernetes:core/v1:PersistentVolumeClaim", "vault/audit-vault-0"],
        [
          `${S("prod")}kubernetes:core/v1:Namespace::kp-addons-monitoring-ns`,
          "kubernetes:core/v1:PersistentVolumeClaim",
          "monitoring/kps-grafana",
        ],
      ],
    );
    assert.deepStrictEqual(out[0], {
      urn: vaultNs,
      type: "kubernetes:core/v1:PersistentVolumeClaim",
      name: "vault/data-vault-0",
      reason:
        "PersistentVolumeClaim vault/data-vault-0 is retained (addons.volumes.onDestroy: retain); the cluster goes with this destroy: its EBS volume stays (EKS deletes no volume with a cluster) and is billed",
      hint:
        "aws ec2 describe-volumes --region eu-west-1 --filters Name=tag:kubernetes.io/created-for/pvc/namespace,Values=vault " +
        "Name=tag:kubernetes.io/created-for/pvc/name,Values=data-vault-0 --query 'Volumes[].VolumeId'; " +
        "once its data is not needed: aws ec2 delete-volume --volume-id <id>",
    });
  });

  it("deleted volumes (onDestroy: delete): nothing is left", () => {
    assert.deepStrictEqual(
      leftBehind(
        exported([
          res("eks-dev", "kube-platform:cluster:EksCluster", "kp-cluster"),
          namespace("eks-dev", "vault"),
          namespace("eks-dev", "monitoring"),
          namespace("eks-dev", "vault-setup"),
          // The bootstrap Job is retained, but its namespace is deleted with it.
          bootstrapJob("eks-dev"),
        ]),
      ),
      [],
    );
  });

  it("existing cluster: the retained namespace stays with its claims; a retained object stays unless its namespace is deleted", () => {
    const out = leftBehind(
      exported([
        res("dev", "kube-platform:cluster:ExistingCluster", "kp-cluster"),
        res("dev", "pulumi:providers:kubernetes", "kp-cluster-k8s", { id: "k8s" }),
        namespace("dev", "monitoring", { retain: true, claims: "kps-grafana" }),
        namespace("dev", "vault-setup"),
        bootstrapJob("dev"),
        // A retained Job whose namespace is not the program's.
        bootstrapJob("dev", "elsewhere"),
      ]),
    );
    assert.deepStrictEqual(
      out.map((l) => [l.type, l.name]),
      [
        ["kubernetes:core/v1:Namespace", "monitoring"],
        ["kubernetes:core/v1:PersistentVolumeClaim", "monitoring/kps-grafana"],
        ["kubernetes:batch/v1:Job", "elsewhere/bootstrap-abc"],
      ],
    );
    // No `pulumi import`: a root-level import with the default provider is another resource than the
    // program's namespace, and the next up would delete it with the claims.
    assert.strictEqual(
      out[0].hint,
      "kubectl get all,pvc -n monitoring; a later pulumi up of the stack fails on it (AlreadyExists) " +
        "unless run with PULUMI_K8S_UPSERT_EXISTING_OBJECTS=true, which takes it over with its claims; " +
        "or delete it first: kubectl delete namespace monitoring (its volumes go as their StorageClass's reclaimPolicy says)",
    );
    assert.strictEqual(
      out[1].reason,
      "PersistentVolumeClaim monitoring/kps-grafana is retained (addons.volumes.onDestroy: retain): it stays in the cluster, in namespace monitoring, with its volume",
    );
    assert.strictEqual(
      out[2].hint,
      "kubectl get job -n elsewhere bootstrap-abc; delete it when it is no longer needed: kubectl delete job -n elsewhere bootstrap-abc",
    );
  });

  it("GKE: the retained agent role and the APIs left enabled, and the claims' disks by their description", () => {
    const out = leftBehind(
      exported([
        res("gke", "pulumi:providers:gcp", "kp-cluster-gcp", {
          id: "g",
          inputs: { project: "my-project-1" },
        }),
        res("gke", "gcp:container/cluster:Cluster", "kp-cluster-cluster", { id: "c" }),
        res("gke", "gcp:projects/service:Service", "kp-cluster-container.googleapis.com", {
          id: "s",
          inputs: { project: "my-project-1", service: "container.googleapis.com", disableOnDestroy: false },
        }),
        res("gke", "gcp:projects/iAMMember:IAMMember", "kp-cluster-gke-agent-role", {
          id: "m",
          retainOnDelete: true,
          inputs: {
            project: "my-project-1",
            role: "roles/container.serviceAgent",
            member: "serviceAccount:service-1@container-engine-robot.iam.gserviceaccount.com",
          },
        }),
        namespace("gke", "vault", { retain: true, claims: "data-vault-0" }),
      ]),
    );
    assert.deepStrictEqual(
      out.map((l) => l.name),
      ["kp-cluster-container.googleapis.com", "kp-cluster-gke-agent-role", "vault/data-vault-0"],
    );
    assert.strictEqual(
      out[0].hint,
      "gcloud services disable container.googleapis.com --project my-project-1 (only when nothing else in the project uses it)",
    );
    assert.strictEqual(
      out[1].hint,
      "gcloud projects remove-iam-policy-binding my-project-1 --member=serviceAccount:service-1@container-engine-robot.iam.gserviceaccount.com --role=roles/container.serviceAgent (only when nothing else in the project needs it)",
    );
    assert.match(out[2].reason, /GKE may delete its persistent disk with it \(not guaranteed\)/);
    assert.strictEqual(
      out[2].hint,
      "gcloud compute disks list --project my-project-1 --filter='description~\"data-vault-0\"'; once its data is not needed: gcloud compute disks delete <disk> --zone <zone>",
    );
  });

  it("AKS: the disk goes with the node resource group (snapshot first); DOKS: the volume stays", () => {
    const [aks] = leftBehind(
      exported([
        res("aks", "kube-platform:cluster:AksCluster", "kp-cluster"),
        namespace("aks", "vault", { retain: true, claims: "data-vault-0" }),
      ]),
    );
    assert.match(aks.reason, /node resource group, which AKS deletes with the cluster: snapshot it/);
    assert.match(aks.hint, /tags\.\\"kubernetes\.io-created-for-pvc-name\\"=='data-vault-0'/);
    const [doks] = leftBehind(
      exported([
        res("doks", "digitalocean:index/kubernetesCluster:KubernetesCluster", "kp-cluster-doks", { id: "d" }),
        namespace("doks", "vault", { retain: true, claims: "data-vault-0" }),
      ]),
    );
    assert.match(doks.reason, /its DigitalOcean volume stays and is billed/);
    assert.match(
      doks.hint,
      /^`kubectl -n vault get pvc data-vault-0 -o jsonpath='\{\.spec\.volumeName\}'` before/,
    );
  });

  it("another retained cloud resource: kept in the cloud, with its id", () => {
    const [kept] = leftBehind(
      exported([res("x", "aws:s3/bucket:Bucket", "logs", { id: "logs-123", retainOnDelete: true })]),
    );
    assert.deepStrictEqual(kept, {
      urn: `${S("x")}aws:s3/bucket:Bucket::logs`,
      type: "aws:s3/bucket:Bucket",
      name: "logs",
      reason: "retainOnDelete: the destroy drops it from the state and leaves it in the cloud",
      hint: "delete it with its cloud's console or CLI when it is no longer needed (id logs-123)",
    });
  });

  it("an empty stack leaves nothing; an export that is no version 3 deployment is refused", () => {
    assert.deepStrictEqual(leftBehind({ version: 3, deployment: {} }), []);
    assert.deepStrictEqual(leftBehind(exported([])), []);
    for (const bad of [undefined, "{}", { version: 2, deployment: { resources: [] } }, { version: 3 }]) {
      assert.throws(() => leftBehind(bad), /not an apitype deployment of version 3/);
    }
    assert.throws(
      () => leftBehind({ version: 3, deployment: { resources: {} } }),
      /deployment\.resources is not a list/,
    );
  });

  it("urnName: the part after the last ::", () => {
    assert.strictEqual(
      urnName(`${S("a")}kubernetes:core/v1:Namespace::kp-addons-vault-ns`),
      "kp-addons-vault-ns",
    );
  });
});

describe("leftBehind with --target: only what the targeted destroy touches", () => {
  const state = () =>
    exported([
      res("prod", "pulumi:providers:aws", "kp-cluster-aws", { id: "p1", inputs: { region: "eu-west-1" } }),
      res("prod", "kube-platform:cluster:EksCluster", "kp-cluster"),
      res("prod", "aws:eks/cluster:Cluster", "kp-cluster-eks", { id: "kube-platform", protect: false }),
      namespace("prod", "vault", { retain: true, claims: "data-vault-0" }),
      namespace("prod", "monitoring", { retain: true, claims: "kps-grafana" }),
    ]);
  const vaultNs = `${S("prod")}kubernetes:core/v1:Namespace::kp-addons-vault-ns`;

  it("a targeted retained namespace on a cluster that stays: its claim stays in that cluster", () => {
    const out = leftBehind(state(), [vaultNs]);
    assert.deepStrictEqual(
      out.map((l) => [l.urn, l.name]),
      [
        [vaultNs, "vault"],
        [vaultNs, "vault/data-vault-0"],
      ],
    );
    for (const l of out) assert.doesNotMatch(l.reason, /the cluster goes with this destroy/);
  });

  it("without targets the same state's cluster goes, and both namespaces' claims are listed", () => {
    const out = leftBehind(state());
    assert.deepStrictEqual(
      out.map((l) => l.name),
      ["vault/data-vault-0", "monitoring/kps-grafana"],
    );
    assert.match(out[0].reason, /the cluster goes with this destroy/);
  });

  it("globs follow Pulumi's rule: `*` stops at a colon, `**` does not", () => {
    assert.deepStrictEqual(
      leftBehind(state(), [`${S("prod")}*::kp-addons-vault-ns`]).map((l) => l.name),
      [],
    );
    assert.deepStrictEqual(
      leftBehind(state(), [`${S("prod")}**::kp-addons-vault-ns`]).map((l) => l.name),
      ["vault", "vault/data-vault-0"],
    );
  });
});
