/**
 * The procedures carried out by hand before a refused volume change (./volume-changes.ts) is
 * deployed, as the text of its refusal. Each takes `up`, the acknowledged `pulumi up` of the change,
 * and places it at its step. Sources:
 * - Vault (chart CHARTS.vault): the `vault` StatefulSet's claim templates `data` and `audit`
 *   (templates/_helpers.tpl "vault.volumeclaims"), so its PVCs are `data-vault-<n>` and
 *   `audit-vault-<n>`, labelled with the StatefulSet's selector (SERVER_LABELS); they are retained
 *   when the StatefulSet goes (persistentVolumeClaimRetentionPolicy, components/addons/vault/values.ts).
 *   Helm's upgrade creates an object of the new manifest that is missing in the cluster (helm
 *   pkg/kube/client.go Update), so a StatefulSet deleted with `--cascade=orphan` comes back with the
 *   new templates and adopts the running pods.
 * - Prometheus, Alertmanager: prometheus-operator Documentation/platform/storage.md "Resizing
 *   volumes" (pause the resource, patch every PVC, delete the StatefulSet with the orphan strategy,
 *   unpause). The operator names the StatefulSets prometheus-<name> and alertmanager-<name> and
 *   labels the PVCs with the pods' selector labels (pkg/prometheus/server/operator.go and
 *   pkg/alertmanager/operator.go makeSelectorLabels). Helm's upgrade patches a custom resource from
 *   the previous manifest to the new one without reading the live object, so a `paused: true` set
 *   by hand survives the `pulumi up` in between.
 * - Grafana: its PVC and Deployment are named like the Service, `<release>-grafana` (grafana chart,
 *   templates/pvc.yaml, deployment.yaml); its database is /var/lib/grafana/grafana.db.
 */
import { MONITORING_NAMESPACE, MONITORING_RELEASE } from "../components/addons/monitoring";
import { SERVER_LABELS, VAULT_NAMESPACE, VAULT_RELEASE } from "../components/addons/vault/names";

type Procedure = (up: string) => string;

const labels = (l: Record<string, string>) =>
  Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
const vault = `kubectl -n ${VAULT_NAMESPACE}`;
const mon = `kubectl -n ${MONITORING_NAMESPACE}`;
const resizeTo = (size: string) => `'{"spec":{"resources":{"requests":{"storage":"${size}"}}}}'`;
const expandable = (storageClass: string) =>
  `the StorageClass must allow it: \`kubectl get storageclass ${storageClass} -o jsonpath='{.allowVolumeExpansion}'\` prints true`;

const VAULT_CLAIMS = `${vault} delete pvc -l ${labels(SERVER_LABELS)}`;
const NOT_UPDATABLE = `the ${VAULT_RELEASE} StatefulSet's volumeClaimTemplates cannot be updated (the Helm upgrade would fail and roll back)`;

/** A larger Vault data or audit volume: grow the PVCs in place, recreate the StatefulSet around the pods. */
export function vaultGrow(volume: "data" | "audit", size: string, storageClass: string): Procedure {
  return (up) =>
    `${NOT_UPDATABLE}. Grow the volumes in place (${expandable(storageClass)}): ` +
    `\`for c in $(${vault} get pvc -o name | grep /${volume}-${VAULT_RELEASE}-); do ${vault} patch $c -p ${resizeTo(size)}; done\`; ` +
    `wait until \`${vault} get pvc\` shows the new capacity; ` +
    `\`${vault} delete statefulset ${VAULT_RELEASE} --cascade=orphan\` (the pods keep running); ` +
    `\`${up}\` (Helm recreates the StatefulSet, which adopts the pods). ` +
    "Without volume expansion, move Vault to new volumes as for a StorageClass change (docs/addons/vault.md)";
}

/** Smaller volumes or another StorageClass (ha): Vault moves to new volumes through a Raft snapshot. */
export function vaultReplace(): Procedure {
  return (up) =>
    `${NOT_UPDATABLE}, and a volume cannot shrink or move to another StorageClass: Vault moves to new volumes. ` +
    "Save a Raft snapshot (`vault operator raft snapshot save vault.snap`); " +
    `\`${vault} delete statefulset ${VAULT_RELEASE}\`; \`${VAULT_CLAIMS}\` (they are retained otherwise); \`${up}\`; ` +
    "the bootstrap Job initialises the new cluster (the key holders get new shares; with Shamir they unseal it), " +
    "then `vault operator raft snapshot restore -force vault.snap` (docs/addons/vault.md)";
}

/**
 * dev ↔ ha: the release is replaced (the dev server has no volume, ha a data and an audit volume
 * per server: components/addons/vault VAULT_RELEASE_REPLACE_ON), and Vault's data does not carry
 * over either way (the dev server keeps it in memory; a Raft snapshot restores only into Raft).
 */
export function vaultMode(to: "dev" | "ha"): Procedure {
  if (to === "ha") {
    return (up) =>
      "ha mode is a new Vault: the dev server kept its data in memory, nothing carries over (copy out what you need " +
      "first), and the next `pulumi up` replaces the Vault release. A dev Vault of an earlier version kept file " +
      "storage on a volume the new StatefulSet would reuse by name: delete what is left of it " +
      `(\`${VAULT_CLAIMS}\`; nothing to delete otherwise); \`${up}\`; the bootstrap Job initialises the new cluster ` +
      "(the key holders get their shares; with Shamir they unseal it)";
  }
  return (up) =>
    "dev mode runs Vault's dev server in memory: the Raft data does not carry over (a Raft snapshot restores only " +
    "into a Raft cluster). Save one if you may come back (`vault operator raft snapshot save vault.snap`); " +
    `\`${up}\` (the Vault release is replaced: its StatefulSet and pods go, their volumes are retained); ` +
    `then delete the volumes: \`${VAULT_CLAIMS}\``;
}

/** What the operator names the custom resource, its StatefulSet and the selector of its PVCs. */
function operatorObjects(name: "prometheus" | "alertmanager") {
  const resource = `${MONITORING_RELEASE}-${name}`;
  const pause = (paused: boolean) =>
    `${mon} patch ${name} ${resource} --type merge -p '{"spec":{"paused":${paused}}}'`;
  return {
    statefulSet: `${name}-${resource}`,
    claims: name === "prometheus" ? `operator.prometheus.io/name=${resource}` : `alertmanager=${resource}`,
    pause: pause(true),
    unpause: pause(false),
  };
}

/** A larger Prometheus or Alertmanager volume: the operator's documented resize. */
export function operatorGrow(
  name: "prometheus" | "alertmanager",
  size: string,
  storageClass: string,
): Procedure {
  const o = operatorObjects(name);
  const why =
    name === "prometheus"
      ? "the Prometheus Operator recreates the StatefulSet but does not grow its volumes, while retentionSize grows to 85 % of the new size: the disk would fill up and Prometheus crash"
      : "the Prometheus Operator recreates the StatefulSet but does not grow its volumes: they would keep their old size";
  return (up) =>
    `${why}. Grow them first (prometheus-operator "Resizing volumes"; ${expandable(storageClass)}): ` +
    `\`${o.pause}\`; ` +
    `\`for c in $(${mon} get pvc -l ${o.claims} -o name); do ${mon} patch $c -p ${resizeTo(size)}; done\`; ` +
    `wait until \`${mon} get pvc -l ${o.claims}\` shows the new capacity; ` +
    `\`${mon} delete statefulset ${o.statefulSet} --cascade=orphan\`; \`${up}\`; ` +
    `\`${o.unpause}\` (the operator recreates the StatefulSet; the pods keep running)`;
}

/** Smaller Prometheus or Alertmanager volumes, or another StorageClass: new volumes, their data lost. */
export function operatorReplace(name: "prometheus" | "alertmanager"): Procedure {
  const o = operatorObjects(name);
  const data = name === "prometheus" ? "the metrics history" : "silences and the notification log";
  return (up) =>
    `a volume cannot shrink or move to another StorageClass: the ${name} volumes are replaced and ${data} on them is lost ` +
    `(keep the setting to keep it). To replace them: \`${o.pause}\`; \`${mon} delete statefulset ${o.statefulSet}\`; ` +
    `\`${mon} delete pvc -l ${o.claims}\`; \`${up}\`; \`${o.unpause}\``;
}

/** Grafana's PVC in another StorageClass or smaller: a new volume, its database copied over. */
export function grafanaReplace(up: string): string {
  const grafana = `${MONITORING_RELEASE}-grafana`;
  return (
    "a volume cannot shrink or move to another StorageClass (the API server refuses the Helm upgrade's patch of " +
    `the ${grafana} PVC): it is replaced. Keep Grafana's database (users, dashboards made in the UI): ` +
    `\`${mon} cp <grafana pod>:/var/lib/grafana/grafana.db ./grafana.db -c grafana\`; ` +
    `\`${mon} scale deployment ${grafana} --replicas=0\`; \`${mon} delete pvc ${grafana}\`; ` +
    `\`${up}\` (Helm creates the new volume and scales Grafana back up); ` +
    `\`${mon} cp ./grafana.db <grafana pod>:/var/lib/grafana/grafana.db -c grafana\`; ` +
    `\`${mon} rollout restart deployment ${grafana}\``
  );
}
