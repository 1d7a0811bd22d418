/**
 * Day-2 volume changes: the volume settings a stack deploys (exported as the `volumeSettings` stack
 * output), read back from the last deployment, and the changes Kubernetes or the Prometheus
 * Operator would not carry out, refused with their procedure (./volume-procedures.ts). Pure: no
 * Pulumi import; stacks/platform.ts reads the last deployment and wires the refusal.
 *
 * Which changes are refused, and why:
 * - Vault (chart CHARTS.vault, templates/_helpers.tpl "vault.volumeclaims"): its data and audit
 *   volumes are `volumeClaimTemplates` of the `vault` StatefulSet, and Kubernetes forbids updating
 *   them ("updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template',
 *   'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden":
 *   kubernetes pkg/apis/apps/validation/validation.go ValidateStatefulSetUpdate; updatable claim
 *   templates, KEP-4650, are not in any released minor). Any size or StorageClass change in ha
 *   mode fails the Helm upgrade, which rolls back, and every later `pulumi up` fails the same way.
 *   A mode change (the dev server has no volume) replaces the release instead, and loses or starts
 *   over Vault's data: refused until acknowledged too.
 * - Prometheus and Alertmanager (kube-prometheus-stack, the operator's `storage` claim template):
 *   "the operator has to delete/recreate the underlying StatefulSet and the associated PVCs aren't
 *   expanded" (prometheus-operator Documentation/platform/storage.md "Resizing volumes"). Raising
 *   prometheusStorageSize raises retentionSize (85 %) over a disk that stayed small: it fills up
 *   and Prometheus crashes. Kubernetes never shrinks a claim or moves it to another StorageClass.
 * - Grafana (grafana chart, templates/pvc.yaml): one plain PVC, which Helm patches. A larger size
 *   is ALLOWED (Kubernetes expands a bound claim whose StorageClass sets allowVolumeExpansion:
 *   kubernetes plugin/pkg/admission/storage/persistentvolume/resize); a smaller size or another
 *   StorageClass is refused by the API server (a claim's spec is immutable but for its requests,
 *   which cannot go below the previous value).
 * A refused change passes once its procedure is done and acknowledged in the environment
 * variable VOLUME_CHANGES_DONE_ENV (`<path>=<new value>`, e.g. `vault.dataSize=20Gi`) for that run.
 */
import type { MonitoringSettings, VaultSettings } from "../components/addons/types";
import { Problem } from "../components/shared/problems";
import {
  grafanaReplace,
  operatorGrow,
  operatorReplace,
  vaultGrow,
  vaultMode,
  vaultReplace,
} from "./volume-procedures";

/** A volume claim: its size and StorageClass. */
export interface ClaimSettings {
  size: string;
  storageClass: string;
}

/**
 * Vault's volumes: ha mode keeps Raft on a data and an audit volume per server; dev mode runs the
 * dev server in memory and has none (the chart renders no volumeClaimTemplates in dev mode:
 * templates/_helpers.tpl "vault.volumeclaims").
 */
export type VaultVolumeSettings =
  | { mode: "ha"; dataSize: string; auditSize: string; storageClass: string }
  | { mode: "dev"; dataSize: null; auditSize: null; storageClass: null };

/** What the `volumeSettings` stack output records; an add-on that is not installed is null. */
export interface VolumeSettings {
  vault: VaultVolumeSettings | null;
  prometheus: ClaimSettings | null;
  alertmanager: ClaimSettings | null;
  grafana: ClaimSettings | null;
}

/** The environment variable acknowledging refused changes whose procedure is done (one run). */
export const VOLUME_CHANGES_DONE_ENV = "KUBE_PLATFORM_VOLUME_CHANGES_DONE";

/** Every setting the check compares, as `<add-on>.<key>` (the output's paths), with its config key. */
export const VOLUME_PATHS = {
  "vault.mode": "addons.vault.mode",
  "vault.dataSize": "addons.vault.storageSize",
  "vault.auditSize": "addons.vault.auditStorageSize",
  "vault.storageClass": "the cluster's default StorageClass",
  "prometheus.size": "addons.monitoring.prometheusStorageSize",
  "prometheus.storageClass": "the cluster's default StorageClass",
  "alertmanager.size": "addons.monitoring.alertmanagerStorageSize",
  "alertmanager.storageClass": "the cluster's default StorageClass",
  "grafana.size": "addons.monitoring.grafanaStorageSize",
  "grafana.storageClass": "the cluster's default StorageClass",
} as const;

export type VolumePath = keyof typeof VOLUME_PATHS;

/** The add-on settings the record is made of (the typed settings of stacks/config.ts). */
export interface VolumeSources {
  vault: Pick<VaultSettings, "enabled" | "mode" | "storageSize" | "auditStorageSize">;
  monitoring: Pick<
    MonitoringSettings,
    "enabled" | "prometheusStorageSize" | "alertmanagerStorageSize" | "grafanaStorageSize"
  >;
}

/**
 * The volume settings a stack deploys. Every volume uses the cluster's default StorageClass
 * (components/addons/index.ts). Sizes set through an add-on's `values` are not seen: those objects
 * may carry secrets and stay out of this non-secret record.
 */
export function volumeSettingsOf(addons: VolumeSources, storageClass: string): VolumeSettings {
  const { vault: v, monitoring: m } = addons;
  const claim = (size: string): ClaimSettings => ({ size, storageClass });
  return {
    vault: !v.enabled
      ? null
      : v.mode === "ha"
        ? { mode: "ha", dataSize: v.storageSize, auditSize: v.auditStorageSize, storageClass }
        : DEV_VAULT_VOLUMES,
    prometheus: m.enabled ? claim(m.prometheusStorageSize) : null,
    alertmanager: m.enabled ? claim(m.alertmanagerStorageSize) : null,
    grafana: m.enabled ? claim(m.grafanaStorageSize) : null,
  };
}

const SIZE = /^([1-9]\d*)(Mi|Gi|Ti)$/;
const MEBIBYTES: Record<string, number> = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

/** A size like "10Gi" in MiB; undefined when it is not in the config's form (Mi, Gi, Ti). */
export function mebibytes(size: string): number | undefined {
  const m = SIZE.exec(size);
  return m ? Number(m[1]) * MEBIBYTES[m[2]] : undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isSize = (v: unknown): v is string => typeof v === "string" && mebibytes(v) !== undefined;
const isName = (v: unknown): v is string => typeof v === "string" && v.length > 0;

function readClaim(v: unknown): ClaimSettings | null | undefined {
  if (v === null) return null;
  if (!isObj(v) || !isSize(v.size) || !isName(v.storageClass)) return undefined;
  return { size: v.size, storageClass: v.storageClass };
}

/** dev mode: the dev server keeps everything in memory, on no volume. */
const DEV_VAULT_VOLUMES: VaultVolumeSettings = {
  mode: "dev",
  dataSize: null,
  auditSize: null,
  storageClass: null,
};

/**
 * A recorded Vault entry. A dev record of an earlier version (file storage on a data volume:
 * `dataSize` and `storageClass` set) reads as today's dev record: nothing of it is compared.
 */
function readVault(v: unknown): VaultVolumeSettings | null | undefined {
  if (v === null) return null;
  if (!isObj(v)) return undefined;
  if (v.mode === "ha") {
    if (!isSize(v.dataSize) || !isSize(v.auditSize) || !isName(v.storageClass)) return undefined;
    return { mode: "ha", dataSize: v.dataSize, auditSize: v.auditSize, storageClass: v.storageClass };
  }
  if (v.mode !== "dev" || v.auditSize !== null) return undefined;
  const fileStorage = isSize(v.dataSize) && isName(v.storageClass);
  const none = v.dataSize === null && v.storageClass === null;
  return fileStorage || none ? DEV_VAULT_VOLUMES : undefined;
}

/** The last deployed record: absent (undefined) on a first deploy, `warning` when unreadable. */
export interface PreviousVolumeSettings {
  settings?: VolumeSettings;
  warning?: string;
}

/**
 * Reads the `volumeSettings` output of the last deployment. Nothing to compare when there is none
 * (a first deploy, or a stack last deployed before the output existed). A value in another form
 * (state edited by hand, a later version of the program) is not compared: a warning says so.
 */
export function readVolumeSettings(value: unknown): PreviousVolumeSettings {
  if (value === undefined || value === null) return {};
  if (isObj(value)) {
    const settings = {
      vault: readVault(value.vault),
      prometheus: readClaim(value.prometheus),
      alertmanager: readClaim(value.alertmanager),
      grafana: readClaim(value.grafana),
    };
    const { vault, prometheus, alertmanager, grafana } = settings;
    if (
      vault !== undefined &&
      prometheus !== undefined &&
      alertmanager !== undefined &&
      grafana !== undefined
    ) {
      return { settings: { vault, prometheus, alertmanager, grafana } };
    }
  }
  return {
    warning:
      `the last deployed volumeSettings output is not in the form this program writes (${JSON.stringify(value)}): ` +
      "volume changes are not checked in this run",
  };
}

/** A change of a volume setting that Kubernetes or the operator would not carry out. */
export interface VolumeChange {
  path: VolumePath;
  from: string;
  to: string;
  /** Why it is refused and the procedure that makes it, ending with the acknowledged `pulumi up`. */
  message: string;
}

/** The `pulumi up` acknowledging `entries` (`<path>=<value>`). */
export function acknowledgedUp(entries: string[]): string {
  return `${VOLUME_CHANGES_DONE_ENV}=${entries.join(",")} pulumi up`;
}

function change(path: VolumePath, from: string, to: string, text: (up: string) => string): VolumeChange {
  return { path, from, to, message: text(acknowledgedUp([`${path}=${to}`])) };
}

/** Size changes of a claim: `grow` is the procedure for a larger size (undefined: allowed as is). */
function sizeChange(
  path: VolumePath,
  from: string,
  to: string,
  grow: ((up: string) => string) | undefined,
  replace: (up: string) => string,
): VolumeChange[] {
  const [a, b] = [mebibytes(from), mebibytes(to)];
  if (a === undefined || b === undefined || a === b) return [];
  if (b > a) return grow ? [change(path, from, to, grow)] : [];
  return [change(path, from, to, replace)];
}

function vaultChanges(p: VaultVolumeSettings, c: VaultVolumeSettings): VolumeChange[] {
  // A mode switch replaces the release (components/addons/vault: VAULT_RELEASE_REPLACE_ON) and so
  // every volume, and drops Raft's data (to dev) or starts a new Vault (to ha): its procedure
  // covers the sizes. Between two dev records there is no volume to compare.
  if (p.mode !== c.mode) return [change("vault.mode", p.mode, c.mode, vaultMode(c.mode))];
  if (p.mode !== "ha" || c.mode !== "ha") return [];
  if (p.storageClass !== c.storageClass) {
    return [change("vault.storageClass", p.storageClass, c.storageClass, vaultReplace())];
  }
  const replace = vaultReplace();
  const grow = (volume: "data" | "audit", size: string) => vaultGrow(volume, size, c.storageClass);
  return [
    ...sizeChange("vault.dataSize", p.dataSize, c.dataSize, grow("data", c.dataSize), replace),
    ...sizeChange("vault.auditSize", p.auditSize, c.auditSize, grow("audit", c.auditSize), replace),
  ];
}

function claimChanges(
  name: "prometheus" | "alertmanager" | "grafana",
  p: ClaimSettings,
  c: ClaimSettings,
): VolumeChange[] {
  const replace = name === "grafana" ? grafanaReplace : operatorReplace(name);
  if (p.storageClass !== c.storageClass) {
    return [change(`${name}.storageClass`, p.storageClass, c.storageClass, replace)];
  }
  // Grafana's claim is a plain PVC that Helm patches: Kubernetes grows it in place.
  const grow = name === "grafana" ? undefined : operatorGrow(name, c.size, c.storageClass);
  return sizeChange(`${name}.size`, p.size, c.size, grow, replace);
}

/**
 * The forbidden changes from `previous` (the last deployment; undefined: nothing deployed, nothing
 * to compare) to `current`. An add-on installed or removed is no change of its volumes.
 */
export function volumeChanges(previous: VolumeSettings | undefined, current: VolumeSettings): VolumeChange[] {
  if (!previous) return [];
  const out: VolumeChange[] = [];
  if (previous.vault && current.vault) out.push(...vaultChanges(previous.vault, current.vault));
  for (const name of ["prometheus", "alertmanager", "grafana"] as const) {
    const [p, c] = [previous[name], current[name]];
    if (p && c) out.push(...claimChanges(name, p, c));
  }
  return out;
}

/** The acknowledgements of VOLUME_CHANGES_DONE_ENV: `<path>=<value>` entries, comma-separated. */
export function parseVolumeChangesDone(value: string | undefined): { done: string[]; problems: Problem[] } {
  const done: string[] = [];
  const problems: Problem[] = [];
  const entries = (value ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  entries.forEach((entry, i) => {
    const [path, to, ...rest] = entry.split("=");
    if (rest.length > 0 || to === undefined || to === "" || !(path in VOLUME_PATHS)) {
      problems.push({
        path: [i],
        message: `got "${entry}"; each entry is <setting>=<new value> (e.g. vault.dataSize=20Gi), the setting one of ${Object.keys(VOLUME_PATHS).join(", ")}`,
      });
    } else done.push(entry);
  });
  return { done, problems };
}

/** The problems of parseVolumeChangesDone as one line, after `source` (the variable or the flag). */
export function volumeChangesDoneError(source: string, problems: Problem[]): string {
  return `${source}: ${problems.map((p) => `entry ${p.path.join(".")}: ${p.message}`).join("; ")}`;
}

/** The changes not acknowledged by `done` (an entry names the path and the exact new value). */
export function refusedVolumeChanges(changes: VolumeChange[], done: string[]): VolumeChange[] {
  return changes.filter((c) => !done.includes(`${c.path}=${c.to}`));
}

/** Acknowledgements that match no forbidden change of this run (a typo, or a change already deployed). */
export function unusedAcknowledgements(changes: VolumeChange[], done: string[]): string[] {
  return done.filter((d) => !changes.some((c) => d === `${c.path}=${c.to}`));
}

/** One line per refused change: the setting (and its config key), old -> new, why, the procedure. */
export function volumeChangeLine(c: VolumeChange): string {
  return `${c.path} (${VOLUME_PATHS[c.path]}): ${c.from} -> ${c.to}: ${c.message}`;
}

/** The error that stops the deployment of the volume add-ons, listing every refused change. */
export function volumeChangeError(refused: VolumeChange[]): string {
  return [
    `Refused ${refused.length} volume change${refused.length === 1 ? "" : "s"} against what this stack last deployed (its volumeSettings output); nothing of Vault or monitoring was changed:`,
    ...refused.map((c) => `  - ${volumeChangeLine(c)}`),
    `Revert the setting, or carry out the procedure and run: ${acknowledgedUp(refused.map((c) => `${c.path}=${c.to}`))}`,
  ].join("\n");
}
