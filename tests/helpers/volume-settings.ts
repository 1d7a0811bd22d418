/** Volume settings records for the day-2 volume tests: what the example stacks deploy, and edits. */
import {
  ClaimSettings,
  VaultVolumeSettings,
  VolumeChange,
  VolumeSettings,
} from "../../stacks/volume-changes";

/** What the prod profile deploys on EKS (the prod example's volumeSettings output). */
export const PROD: VolumeSettings = {
  vault: { mode: "ha", dataSize: "10Gi", auditSize: "10Gi", storageClass: "gp3" },
  prometheus: { size: "100Gi", storageClass: "gp3" },
  alertmanager: { size: "10Gi", storageClass: "gp3" },
  grafana: { size: "10Gi", storageClass: "gp3" },
};
/** What the local dev stack deploys (kind, dev profile). */
export const DEV: VolumeSettings = {
  vault: { mode: "dev", dataSize: "10Gi", auditSize: null, storageClass: "standard" },
  prometheus: { size: "10Gi", storageClass: "standard" },
  alertmanager: { size: "1Gi", storageClass: "standard" },
  grafana: { size: "1Gi", storageClass: "standard" },
};

export interface Patch {
  vault?: Partial<VaultVolumeSettings> | null;
  prometheus?: Partial<ClaimSettings> | null;
  alertmanager?: Partial<ClaimSettings> | null;
  grafana?: Partial<ClaimSettings> | null;
}

/** `b` with `p` merged over it (null: the add-on is not installed; undefined: unchanged). */
function merge<T extends object>(b: T | null, p: Partial<T> | null | undefined): T | null {
  if (p === undefined) return b;
  return p === null ? null : ({ ...b, ...p } as T);
}

/** `base` with some settings changed. */
export function changed(base: VolumeSettings, patch: Patch): VolumeSettings {
  return {
    vault: merge(base.vault, patch.vault),
    prometheus: merge(base.prometheus, patch.prometheus),
    alertmanager: merge(base.alertmanager, patch.alertmanager),
    grafana: merge(base.grafana, patch.grafana),
  };
}

export const summary = (cs: VolumeChange[]) => cs.map((c) => `${c.path}: ${c.from} -> ${c.to}`);
