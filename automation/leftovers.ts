// What a destroy of a stack leaves behind, read from `stack.exportStack()` taken before the destroy:
// an apitype.UntypedDeployment of version 3, `{ version: 3, deployment: { resources: [...] } }`,
// each resource an apitype.ResourceV3 (pulumi sdk/go/common/apitype/core.go: urn, custom, id, type,
// inputs, outputs, parent, protect, external, retainOnDelete, ...). Pure: no I/O, no Pulumi import.
//
// Left behind:
// - a resource with `retainOnDelete`: the engine removes it from the state without calling the
//   provider's Delete (pulumi.com docs, "Resource option: retainOnDelete"). A Kubernetes object is
//   left only where its cluster and its namespace survive the destroy (an adopted cluster, a retained
//   namespace): the namespace controller deletes what is in a deleted namespace, and a deleted
//   cluster takes its objects with it. The one exception is what the cloud keeps for them: a retained
//   namespace lists the PersistentVolumeClaims it keeps (components/addons/volume-retention.ts), and
//   each claim's disk outlives the cluster on EKS and DigitalOcean, may on GKE, and goes with the
//   node resource group on AKS;
// - a GCP project API with `disableOnDestroy: false` (it stays enabled).
// A protected resource is not listed: the engine refuses to delete it, and the destroy fails.

import { RETAINED_CLAIMS_ANNOTATION, retainedClaims } from "../components/addons/volume-retention";

export interface LeftBehind {
  urn: string;
  type: string;
  name: string;
  reason: string;
  hint: string;
}

/** One resource of the export, as far as this module reads it. */
interface ExportedResource {
  urn: string;
  type: string;
  custom: boolean;
  id: string;
  external: boolean;
  retainOnDelete: boolean;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

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

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The name part of a URN (after its last `::`). */
export function urnName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

function readResources(exported: unknown): ExportedResource[] {
  const deployment = isObj(exported) ? exported.deployment : undefined;
  if (!isObj(exported) || exported.version !== 3 || !isObj(deployment)) {
    throw new Error(
      "leftBehind: the stack export is not an apitype deployment of version 3 ({ version: 3, deployment: { resources } })",
    );
  }
  const resources = deployment.resources ?? [];
  if (!Array.isArray(resources))
    throw new Error("leftBehind: the export's deployment.resources is not a list");
  return resources.filter(isObj).map((r) => ({
    urn: str(r.urn) ?? "",
    type: str(r.type) ?? "",
    custom: r.custom === true,
    id: str(r.id) ?? "",
    external: r.external === true,
    retainOnDelete: r.retainOnDelete === true,
    inputs: isObj(r.inputs) ? r.inputs : {},
    outputs: isObj(r.outputs) ? r.outputs : {},
  }));
}

/** A Kubernetes object's metadata field, from its outputs (the live object) or else its inputs. */
function metadataField(r: ExportedResource, field: "name" | "namespace"): string | undefined {
  const from = (o: Obj) => (isObj(o.metadata) ? str(o.metadata[field]) : undefined);
  return from(r.outputs) ?? from(r.inputs);
}

function annotationsOf(r: ExportedResource): Obj | undefined {
  for (const o of [r.inputs, r.outputs]) {
    const metadata = o.metadata;
    if (isObj(metadata) && isObj(metadata.annotations)) return metadata.annotations;
  }
  return undefined;
}

/** What the export says about the destroy's target: which one, and whether its cluster survives. */
interface DestroyContext {
  target: Target;
  /** Whether the destroy deletes the cluster (a managed target) or leaves it running (existing). */
  clusterDeleted: boolean;
  region?: string;
  project?: string;
  /** Names of the namespaces the destroy deletes (in the state, not retained). */
  deletedNamespaces: Set<string>;
}

function destroyContext(resources: ExportedResource[]): DestroyContext {
  const types = new Set(resources.map((r) => r.type));
  const managed = (Object.keys(TARGETS) as (keyof typeof TARGETS)[]).find(
    (t) => types.has(TARGETS[t].component) || types.has(TARGETS[t].cluster),
  );
  const providerInput = (type: string, key: string) =>
    resources.map((r) => (r.type === type ? str(r.inputs[key]) : undefined)).find((v) => v !== undefined);
  const deletedNamespaces = new Set(
    resources
      .filter((r) => r.type === "kubernetes:core/v1:Namespace" && !r.retainOnDelete && !r.external)
      .flatMap((r) => metadataField(r, "name") ?? []),
  );
  return {
    target: managed ?? "existing",
    clusterDeleted: managed !== undefined,
    region: providerInput("pulumi:providers:aws", "region"),
    project: providerInput("pulumi:providers:gcp", "project"),
    deletedNamespaces,
  };
}

/** Where a retained claim's disk is, per target, and how to find it (the CSI drivers' own tags). */
function claimEntry(ctx: DestroyContext, ns: ExportedResource, namespace: string, claim: string): LeftBehind {
  const kept = `PersistentVolumeClaim ${namespace}/${claim} is retained (addons.volumes.onDestroy: retain)`;
  const base = {
    urn: ns.urn,
    type: "kubernetes:core/v1:PersistentVolumeClaim",
    name: `${namespace}/${claim}`,
  };
  const pvName = `\`kubectl -n ${namespace} get pvc ${claim} -o jsonpath='{.spec.volumeName}'\` before the destroy names its volume (pvc-…)`;
  switch (ctx.target) {
    case "eks":
      // aws-ebs-csi-driver tags a volume with its claim (kubernetes.io/created-for/pvc/name and
      // /namespace, with the external-provisioner's --extra-create-metadata, which the EKS add-on
      // enables) besides CSIVolumeName and ebs.csi.aws.com/cluster (docs/tagging.md).
      return {
        ...base,
        reason: `${kept}; the cluster goes with this destroy, its EBS volume stays (EKS deletes no volume with a cluster) and is billed`,
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
        ...base,
        reason: `${kept}; the cluster goes with this destroy, and GKE may delete its persistent disk with it (not guaranteed): snapshot the disk first to keep the data`,
        hint:
          `gcloud compute disks list${ctx.project ? ` --project ${ctx.project}` : ""} ` +
          `--filter='description~"${claim}"'; once its data is not needed: gcloud compute disks delete <disk> --zone <zone>`,
      };
    case "aks":
      // The Azure Disk CSI driver tags a disk kubernetes.io-created-for-pvc-name / -namespace
      // (azuredisk-csi-driver pkg/azureconstants); AKS deletes the node resource group, where the
      // disks of its default StorageClass are, with the cluster (AKS FAQ, node resource group).
      return {
        ...base,
        reason: `${kept}, but its managed disk is in the cluster's node resource group, which AKS deletes with the cluster: snapshot it before the destroy to keep the data`,
        hint:
          `az disk list --query "[?tags.\\"kubernetes.io-created-for-pvc-name\\"=='${claim}' && ` +
          `tags.\\"kubernetes.io-created-for-pvc-namespace\\"=='${namespace}'].id" -o tsv; ` +
          "before the destroy: az snapshot create --resource-group <group> --name <snapshot> --source <disk id>",
      };
    case "doks":
      // DigitalOcean keeps a cluster's volumes unless asked (terraform-provider-digitalocean
      // kubernetes_cluster destroy_all_associated_resources, default false).
      return {
        ...base,
        reason: `${kept}; the cluster goes with this destroy, its DigitalOcean volume stays and is billed`,
        hint: `${pvName}; after it: doctl compute volume list, and once its data is not needed: doctl compute volume delete <id>`,
      };
    case "existing":
      return {
        ...base,
        reason: `${kept}: it stays in the cluster, in namespace ${namespace}, with its volume`,
        hint: `kubectl -n ${namespace} get pvc ${claim}; to delete it: kubectl -n ${namespace} delete pvc ${claim} (its volume goes as its StorageClass's reclaimPolicy says)`,
      };
  }
}

/** A retained namespace: its claims (their disks), and on a surviving cluster the namespace itself. */
function retainedNamespace(ctx: DestroyContext, r: ExportedResource): LeftBehind[] {
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
      hint: `kubectl get all,pvc -n ${namespace}; a redeploy first deletes it (kubectl delete namespace ${namespace}) or imports it (pulumi import kubernetes:core/v1:Namespace ${urnName(r.urn)} ${namespace})`,
    },
    ...entries,
  ];
}

/** A retained Kubernetes object other than a namespace: left only where its cluster and namespace survive. */
function retainedObject(ctx: DestroyContext, r: ExportedResource): LeftBehind[] {
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

/** A retained cloud resource. */
function retainedCloudResource(ctx: DestroyContext, r: ExportedResource): LeftBehind {
  const name = urnName(r.urn);
  if (r.type === "gcp:projects/iAMMember:IAMMember") {
    const [project, role, member] = [r.inputs.project, r.inputs.role, r.inputs.member].map(str);
    return {
      urn: r.urn,
      type: r.type,
      name,
      reason: `retainOnDelete: the project IAM binding${role ? ` ${role}` : ""} stays (other clusters of the project may rely on it)`,
      hint: `gcloud projects remove-iam-policy-binding ${project ?? ctx.project ?? "<project>"} --member=${member ?? "<member>"} --role=${role ?? "<role>"} (only when nothing else in the project needs it)`,
    };
  }
  return {
    urn: r.urn,
    type: r.type,
    name,
    reason: "retainOnDelete: the destroy drops it from the state and leaves it in the cloud",
    hint: `delete it with its cloud's console or CLI when it is no longer needed (id ${r.id || "unknown"})`,
  };
}

/** A GCP project API the destroy leaves enabled. */
function enabledService(ctx: DestroyContext, r: ExportedResource): LeftBehind {
  const service = str(r.inputs.service) ?? urnName(r.urn);
  const project = str(r.inputs.project) ?? ctx.project;
  return {
    urn: r.urn,
    type: r.type,
    name: urnName(r.urn),
    reason: `disableOnDestroy: false: the API ${service} stays enabled in ${project ? `project ${project}` : "the project"}`,
    hint: `gcloud services disable ${service}${project ? ` --project ${project}` : ""} (only when nothing else in the project uses it)`,
  };
}

/**
 * What a destroy of the exported state leaves behind, one entry per resource (per claim of a retained
 * namespace), in the export's order. Throws when `exported` is not a version 3 deployment.
 */
export function leftBehind(exported: unknown): LeftBehind[] {
  const all = readResources(exported);
  const ctx = destroyContext(all);
  return all.flatMap((r): LeftBehind[] => {
    if (!r.custom || r.external) return [];
    if (r.type === "gcp:projects/service:Service" && r.inputs.disableOnDestroy === false) {
      return [enabledService(ctx, r)];
    }
    if (!r.retainOnDelete) return [];
    if (r.type === "kubernetes:core/v1:Namespace") return retainedNamespace(ctx, r);
    if (r.type.startsWith("kubernetes:")) return retainedObject(ctx, r);
    return [retainedCloudResource(ctx, r)];
  });
}
