/**
 * What a destroy does with the add-ons' PersistentVolumeClaims (addons.volumes.onDestroy), as plain
 * data and functions (no Pulumi import: the add-ons, the volume wait and the destroy report of
 * automation/leftovers.ts share them).
 *
 * Who deletes a claim, and what is awaited:
 * - The claims of a StatefulSet's `volumeClaimTemplates` (Vault, Prometheus, Alertmanager) are not
 *   objects of any Helm release: Helm's uninstall deletes and waits for the objects of the release's
 *   manifest only (helm pkg/action/uninstall.go deleteRelease, then kube.Client WaitForDelete, which
 *   polls a GET of each of those objects until NotFound: pkg/kube/wait.go waitForDeletedResources).
 *   With the StatefulSet retention policy `whenDeleted: Delete` the garbage collector would delete
 *   them after the StatefulSet, awaited by nobody; the platform keeps `Retain` there (Kubernetes'
 *   default) and lets the namespace decide.
 * - The add-on's namespace: Pulumi deletes it after the release and awaits its disappearance
 *   (pulumi-kubernetes provider/pkg/await/await.go Deletion: foreground propagation, until the object
 *   is gone), and the namespace controller deletes every object in it first, claims included. So
 *   "delete" deletes the namespace (as before), and "retain" keeps it: `retainOnDelete` (Pulumi drops
 *   it from the state without calling the provider's Delete), annotated with the claims it keeps.
 * - Grafana's claim is an object of the monitoring release (grafana chart templates/pvc.yaml), which
 *   Helm's uninstall deletes, unless it carries `helm.sh/resource-policy: keep` (helm
 *   pkg/action/uninstall.go filterManifestsToKeep): "retain" sets it.
 * - The disk behind a deleted claim goes later still: with the StorageClass's reclaimPolicy Delete,
 *   the CSI driver's external-provisioner deletes the volume in the cloud, then the PersistentVolume;
 *   nobody awaits that, so the destroy waits VOLUME_RELEASE_SECONDS (a bound, not a check) before
 *   the nodes, the CSI driver, its cloud identity and the cluster go (components/addons/volumes.ts).
 */
import type { ClusterTarget } from "../cluster/types";
import type { MonitoringSettings, VolumeOnDestroy } from "./types";

/**
 * The annotation of a retained namespace: the claims it keeps, comma-separated. It lists the
 * claims of the current replica counts and claim templates: a claim a scale-down left behind (a
 * StatefulSet keeps a removed replica's claims with `whenScaled: Retain`, Kubernetes' default) or
 * one of a template renamed in the user's chart values is in the namespace but not in the list, so
 * the destroy report (automation/leftovers.ts) does not name it; `kubectl get pvc -n <namespace>`
 * before the destroy shows them all.
 */
export const RETAINED_CLAIMS_ANNOTATION = "kube-platform/retained-volume-claims";

/** Helm's annotation that keeps an object of a release on uninstall (helm pkg/kube ResourcePolicyAnno). */
export const HELM_KEEP = { "helm.sh/resource-policy": "keep" } as const;

/**
 * How long a destroy waits, after the add-ons' claims are deleted, before the nodes and the cluster
 * go: the external-provisioner deletes a released volume once the attach-detach controller has
 * detached it from its node (the pod is gone by then: the claim's kubernetes.io/pvc-protection
 * finalizer holds it until no pod uses it), retrying a failed delete with exponential backoff
 * (sig-storage-lib-external-provisioner controller: ExponentialBackOffOnError, on by default). A detach
 * takes seconds to a minute on EBS, Persistent Disk, Azure Disk and DigitalOcean Volumes, which this
 * bound leaves room for. A disk whose deletion takes longer is left behind: the destroy report's
 * hint finds it.
 */
export const VOLUME_RELEASE_SECONDS = 180;

/**
 * The wait of a destroy for the disks of deleted claims: none when the claims are kept, and none on
 * an adopted cluster (`existing`), where the destroy deletes no node, CSI driver or cluster, so the
 * provisioner finishes in the running cluster whatever comes after.
 */
export function volumeReleaseSeconds(onDestroy: VolumeOnDestroy, target: ClusterTarget): number {
  return onDestroy === "retain" || target === "existing" ? 0 : VOLUME_RELEASE_SECONDS;
}

/** What an add-on namespace holding `claims` gets: kept, with them, when the volumes are retained. */
export interface NamespaceRetention {
  annotations: Record<string, string>;
}

/** The retention of a namespace holding `claims` (undefined: it is deleted on destroy, with them). */
export function namespaceRetention(
  onDestroy: VolumeOnDestroy | undefined,
  claims: string[],
): NamespaceRetention | undefined {
  if (onDestroy !== "retain" || claims.length === 0) return undefined;
  return { annotations: { [RETAINED_CLAIMS_ANNOTATION]: claims.join(",") } };
}

/** The claims a retained namespace lists (its RETAINED_CLAIMS_ANNOTATION), in order. */
export function retainedClaims(annotations: Record<string, unknown> | undefined): string[] {
  const value = annotations?.[RETAINED_CLAIMS_ANNOTATION];
  return typeof value === "string" ? value.split(",").filter((c) => c !== "") : [];
}

/**
 * The claims of a StatefulSet's volumeClaimTemplates: `<template>-<statefulSet>-<ordinal>` for each
 * template and each of `replicas` ordinals (Kubernetes "StatefulSets", stable storage).
 */
export function statefulSetClaims(templates: string[], statefulSet: string, replicas: number): string[] {
  return templates.flatMap((t) => Array.from({ length: replicas }, (_, i) => `${t}-${statefulSet}-${i}`));
}

/**
 * The claims of the monitoring namespace of release `release`: the operator's StatefulSets
 * prometheus-<name> and alertmanager-<name>, each with the claim template `<prefix>-<name>-db`
 * (prometheus-operator pkg/prometheus/common.go VolumeName, pkg/alertmanager/statefulset.go
 * volumeName; kube-prometheus-stack names the custom resources `<release>-prometheus` and
 * `<release>-alertmanager`), and Grafana's own claim, named like its Service (grafana chart
 * templates/pvc.yaml).
 */
export function monitoringVolumeClaims(
  release: string,
  settings: Pick<MonitoringSettings, "prometheusReplicas" | "alertmanagerReplicas">,
): string[] {
  const operated = (prefix: string, name: string, replicas: number) =>
    statefulSetClaims([`${prefix}-${name}-db`], `${prefix}-${name}`, replicas);
  return [
    ...operated("prometheus", `${release}-prometheus`, settings.prometheusReplicas),
    ...operated("alertmanager", `${release}-alertmanager`, settings.alertmanagerReplicas),
    `${release}-grafana`,
  ];
}
