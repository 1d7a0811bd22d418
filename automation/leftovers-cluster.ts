// What a destroy leaves of the Kubernetes side (./leftovers.ts): whether the cluster goes, and the
// retained namespaces, their claims and the other retained objects. Pure: no I/O, no Pulumi import.
import { RETAINED_CLAIMS_ANNOTATION, retainedClaims } from "../components/addons/volume-retention";
import type { LeftBehind } from "./leftovers";
import { ExportedResource, annotationsOf, metadataField, str, urnName } from "./leftovers-state";

/** A URN as one shell word (it holds `$` and `::`), single-quoted as the engine's own message does. */
export const quoted = (urn: string) => `'${urn}'`;

type Target = "eks" | "gke" | "aks" | "doks" | "existing";

/** The cluster component of each target (components/cluster), and the cloud cluster it creates. */
const TARGETS: Record<Exclude<Target, "existing">, { component: string; cluster: string }> = {
  eks: { component: "kube-platform:cluster:EksCluster", cluster: "aws:eks/cluster:Cluster" },
  gke: { component: "kube-platform:cluster:GkeCluster", cluster: "gcp:container/cluster:Cluster" },
  aks: {
    component: "kube-platform:cluster:AksCluster",
    cluster: "azure-native:containerservice:ManagedCluster",
  },
  doks: {
    component: "kube-platform:cluster:DoksCluster",
    cluster: "digitalocean:index/kubernetesCluster:KubernetesCluster",
  },
};

/** What the export says about the destroy's target: which one, and whether its cluster survives. */
export interface DestroyContext {
  target: Target;
  /** Whether the destroy deletes the cluster: a managed one the destroy does not keep (protected). */
  clusterDeleted: boolean;
  /** The protected cluster's URN, when the destroy keeps it. */
  keptCluster?: string;
  region?: string;
  project?: string;
  /** Names of the namespaces the destroy deletes (in the state, not retained). */
  deletedNamespaces: Set<string>;
}

export function destroyContext(
  resources: ExportedResource[],
  kept: ReadonlyMap<string, unknown>,
): DestroyContext {
  const ofType = (type: string) => resources.find((r) => r.type === type);
  const managed = (Object.keys(TARGETS) as (keyof typeof TARGETS)[]).find(
    (t) => ofType(TARGETS[t].component) !== undefined || ofType(TARGETS[t].cluster) !== undefined,
  );
  const cluster = managed
    ? (ofType(TARGETS[managed].cluster) ?? ofType(TARGETS[managed].component))
    : undefined;
  const keptCluster = cluster && kept.has(cluster.urn) ? cluster.urn : undefined;
  const providerInput = (type: string, key: string) =>
    resources.map((r) => (r.type === type ? str(r.inputs[key]) : undefined)).find((v) => v !== undefined);
  const deletedNamespaces = new Set(
    resources
      .filter(
        (r) =>
          r.type === "kubernetes:core/v1:Namespace" && !r.retainOnDelete && !r.external && !kept.has(r.urn),
      )
      .flatMap((r) => metadataField(r, "name") ?? []),
  );
  return {
    target: managed ?? "existing",
    clusterDeleted: managed !== undefined && keptCluster === undefined,
    ...(keptCluster ? { keptCluster } : {}),
    region: providerInput("pulumi:providers:aws", "region"),
    project: providerInput("pulumi:providers:gcp", "project"),
    deletedNamespaces,
  };
}

/** What becomes of a claim's disk when the cluster goes, and how to find it (the CSI drivers' own tags). */
function diskFate(ctx: DestroyContext, namespace: string, claim: string): { fate: string; hint: string } {
  const pvName = `\`kubectl -n ${namespace} get pvc ${claim} -o jsonpath='{.spec.volumeName}'\` before the destroy names its volume (pvc-…)`;
  switch (ctx.target) {
    case "eks":
      // aws-ebs-csi-driver tags a volume with its claim (kubernetes.io/created-for/pvc/name and
      // /namespace, with the external-provisioner's --extra-create-metadata, which the EKS add-on
      // enables) besides CSIVolumeName and ebs.csi.aws.com/cluster (docs/tagging.md).
      return {
        fate: "its EBS volume stays (EKS deletes no volume with a cluster) and is billed",
        hint:
          `aws ec2 describe-volumes${ctx.region ? ` --region ${ctx.region}` : ""} --filters ` +
          `Name=tag:kubernetes.io/created-for/pvc/namespace,Values=${namespace} ` +
          `Name=tag:kubernetes.io/created-for/pvc/name,Values=${claim} --query 'Volumes[].VolumeId'; ` +
          "once its data is not needed: aws ec2 delete-volume --volume-id <id>",
      };
    case "gke":
      // The PD CSI driver writes the claim into the disk's description (kubernetes-sigs/
      // gcp-compute-persistent-disk-csi-driver pkg/common/parameters.go, tagKeyCreatedForClaimName);
      // GKE tries to delete a cluster's persistent disks with it, without guarantee (gcloud container
      // clusters delete).
      return {
        fate: "GKE may delete its persistent disk with it (not guaranteed): snapshot the disk first to keep the data",
        hint:
          `gcloud compute disks list${ctx.project ? ` --project ${ctx.project}` : ""} ` +
          `--filter='description~"${claim}"'; once its data is not needed: gcloud compute disks delete <disk> --zone <zone>`,
      };
    case "aks":
      // The Azure Disk CSI driver tags a disk kubernetes.io-created-for-pvc-name / -namespace
      // (azuredisk-csi-driver pkg/azureconstants); AKS deletes the node resource group, where the
      // disks of its default StorageClass are, with the cluster (AKS FAQ, node resource group).
      return {
        fate: "its managed disk is in the cluster's node resource group, which AKS deletes with the cluster: snapshot it before the destroy to keep the data",
        hint:
          `az disk list --query "[?tags.\\"kubernetes.io-created-for-pvc-name\\"=='${claim}' && ` +
          `tags.\\"kubernetes.io-created-for-pvc-namespace\\"=='${namespace}'].id" -o tsv; ` +
          "before the destroy: az snapshot create --resource-group <group> --name <snapshot> --source <disk id>",
      };
    case "doks":
      // DigitalOcean keeps a cluster's volumes unless asked (terraform-provider-digitalocean
      // kubernetes_cluster destroy_all_associated_resources, default false).
      return {
        fate: "its DigitalOcean volume stays and is billed",
        hint: `${pvName}; after it: doctl compute volume list, and once its data is not needed: doctl compute volume delete <id>`,
      };
    case "existing":
      return { fate: "", hint: "" };
  }
}

/** A retained claim: in the cluster that survives, or its disk's fate with the cluster. */
function claimEntry(ctx: DestroyContext, ns: ExportedResource, namespace: string, claim: string): LeftBehind {
  const kept = `PersistentVolumeClaim ${namespace}/${claim} is retained (addons.volumes.onDestroy: retain)`;
  const base = {
    urn: ns.urn,
    type: "kubernetes:core/v1:PersistentVolumeClaim",
    name: `${namespace}/${claim}`,
  };
  const inCluster = `kubectl -n ${namespace} get pvc ${claim}`;
  const { fate, hint } = diskFate(ctx, namespace, claim);
  if (ctx.clusterDeleted)
    return { ...base, reason: `${kept}; the cluster goes with this destroy: ${fate}`, hint };
  if (ctx.keptCluster) {
    return {
      ...base,
      reason: `${kept}: the destroy keeps the protected cluster, and the claim stays in it, in namespace ${namespace}, with its volume; once the cluster goes too: ${fate}`,
      hint: `${inCluster}; when the cluster goes (pulumi state unprotect ${quoted(ctx.keptCluster)}, then destroy again): ${hint}`,
    };
  }
  return {
    ...base,
    reason: `${kept}: it stays in the cluster, in namespace ${namespace}, with its volume`,
    hint: `${inCluster}; to delete it: kubectl -n ${namespace} delete pvc ${claim} (its volume goes as its StorageClass's reclaimPolicy says)`,
  };
}

/**
 * A retained namespace: its claims (their disks), and on a surviving cluster the namespace itself.
 * A later `pulumi up` of the stack creates the namespace again, which fails while this one exists
 * (AlreadyExists: pulumi-kubernetes creates with a client-side create, provider/pkg/await/await.go,
 * CHANGELOG "Use client-side create for new resources") unless the provider may take over existing objects (`upsertExistingObjects`, or
 * PULUMI_K8S_UPSERT_EXISTING_OBJECTS=true in its environment: provider/pkg/provider/provider.go).
 * `pulumi import` is no way back: the program's namespace has a parent component and an explicit
 * provider, which the destroy deleted, and a root-level import with the default provider is another
 * resource, which the next `up` deletes, claims included.
 */
export function retainedNamespace(ctx: DestroyContext, r: ExportedResource): LeftBehind[] {
  const namespace = metadataField(r, "name") ?? urnName(r.urn);
  const claims = retainedClaims(annotationsOf(r));
  const entries = claims.map((c) => claimEntry(ctx, r, namespace, c));
  if (ctx.clusterDeleted) return entries;
  return [
    {
      urn: r.urn,
      type: r.type,
      name: namespace,
      reason: `namespace ${namespace} is retained${claims.length ? ` with the claims it lists (${RETAINED_CLAIMS_ANNOTATION})` : ""}: it stays in the cluster with what the destroy did not delete in it`,
      hint:
        `kubectl get all,pvc -n ${namespace}; a later pulumi up of the stack fails on it (AlreadyExists) ` +
        `unless run with PULUMI_K8S_UPSERT_EXISTING_OBJECTS=true, which takes it over with its claims; ` +
        `or delete it first: kubectl delete namespace ${namespace} (its volumes go as their StorageClass's reclaimPolicy says)`,
    },
    ...entries,
  ];
}

/** A retained Kubernetes object other than a namespace: left only where its cluster and namespace survive. */
export function retainedObject(ctx: DestroyContext, r: ExportedResource): LeftBehind[] {
  if (ctx.clusterDeleted) return [];
  const namespace = metadataField(r, "namespace");
  if (namespace !== undefined && ctx.deletedNamespaces.has(namespace)) return [];
  const name = metadataField(r, "name") ?? urnName(r.urn);
  const kind = r.type.split(":").pop() ?? r.type;
  const where = namespace ? ` -n ${namespace}` : "";
  return [
    {
      urn: r.urn,
      type: r.type,
      name: namespace ? `${namespace}/${name}` : name,
      reason: `retainOnDelete: the destroy drops the ${kind} from the state and leaves it in the cluster`,
      hint: `kubectl get ${kind.toLowerCase()}${where} ${name}; delete it when it is no longer needed: kubectl delete ${kind.toLowerCase()}${where} ${name}`,
    },
  ];
}
