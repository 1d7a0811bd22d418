/**
 * The destroy's wait for the disks of the add-ons' deleted claims (addons.volumes.onDestroy,
 * ./volume-retention.ts): a time Sleep between the cluster's nodes and storage and everything with a
 * volume.
 */
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import type { ClusterTarget } from "../cluster/types";
import type { VolumeOnDestroy } from "./types";
import { volumeReleaseSeconds } from "./volume-retention";

export interface VolumesReleasedArgs {
  onDestroy: VolumeOnDestroy;
  target: ClusterTarget;
  /**
   * What must outlive the disks' deletion: the cluster's Kubernetes provider, the nodes (where the
   * EBS CSI controller runs) and the cluster's storage (the CSI driver, its cloud identity, the
   * StorageClass).
   */
  after: pulumi.Input<pulumi.Resource>[];
}

/**
 * The wait (`destroyDuration`: the time provider sleeps that long when the Sleep is deleted, with the
 * duration recorded in state, and never on create). Everything with a volume depends on it, and it
 * depends on `after`: Pulumi deletes dependents before their dependencies (pulumi
 * pkg/resource/deploy/step_generator.go ScheduleDeletes), so a destroy deletes the add-ons and their
 * namespaces (and so the claims), then waits here, then deletes the nodes, the CSI driver and the
 * cluster. A destroy sleeps what was last deployed: change addons.volumes.onDestroy with a
 * `pulumi up` before the `pulumi destroy`. A `pulumi up` that turns off both Vault and monitoring
 * deletes the Sleep too (./index.ts creates it only for them), so it waits as long
 * (VOLUME_RELEASE_SECONDS of ./volume-retention.ts, or none where volumeReleaseSeconds says so)
 * after deleting their releases and namespaces; changing the duration is an update, which waits
 * nothing.
 */
export function volumesReleased(name: string, a: VolumesReleasedArgs, parent: pulumi.Resource): time.Sleep {
  return new time.Sleep(
    `${name}-volumes-released`,
    { destroyDuration: `${volumeReleaseSeconds(a.onDestroy, a.target)}s` },
    { parent, dependsOn: a.after },
  );
}
