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
/** What the local dev stack deploys (kind, dev profile): the dev Vault server has no volume. */
export const DEV: VolumeSettings = {
  vault: { mode: "dev", dataSize: null, auditSize: null, storageClass: null },
  prometheus: { size: "10Gi", storageClass: "standard" },
  alertmanager: { size: "1Gi", storageClass: "standard" },
  grafana: { size: "1Gi", storageClass: "standard" },
};
/** What the dev stack recorded before Vault's dev server (file storage on one volume). */
export const DEV_FILE_STORAGE = {
  ...DEV,
  vault: { mode: "dev", dataSize: "10Gi", auditSize: null, storageClass: "standard" },
} as const;

/** A Vault record patch (any field; the result may be a record the program never writes). */
export interface VaultPatch {
  mode?: "dev" | "ha";
  dataSize?: string | null;
  auditSize?: string | null;
  storageClass?: string | null;
}

export interface Patch {
  vault?: VaultPatch | null;
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
    vault:
      patch.vault === undefined
        ? base.vault
        : patch.vault === null
          ? null
          : ({ ...base.vault, ...patch.vault } as VaultVolumeSettings),
    prometheus: merge(base.prometheus, patch.prometheus),
    alertmanager: merge(base.alertmanager, patch.alertmanager),
    grafana: merge(base.grafana, patch.grafana),
  };
}

export const summary = (cs: VolumeChange[]) => cs.map((c) => `${c.path}: ${c.from} -> ${c.to}`);
