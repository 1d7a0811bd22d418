/**
 * stacks/volume-procedures.ts called directly: the whole text of every procedure a refused volume
 * change prints, with the acknowledged `pulumi up` ("UP" here) at its step. Each command is what
 * an operator runs by hand against user data, so every word is compared.
 */
import * as assert from "node:assert/strict";
import {
  grafanaReplace,
  operatorGrow,
  operatorReplace,
  vaultGrow,
  vaultMode,
  vaultReplace,
} from "../stacks/volume-procedures";

describe("volume procedures: the text of each", () => {
  it("a larger Vault data volume: grow its PVCs in place, orphan the StatefulSet", () => {
    assert.equal(
      vaultGrow("data", "20Gi", "gp3")("UP"),
      'the vault StatefulSet\'s volumeClaimTemplates cannot be updated (the Helm upgrade would fail and roll back). Grow the volumes in place (the StorageClass must allow it: `kubectl get storageclass gp3 -o jsonpath=\'{.allowVolumeExpansion}\'` prints true): `for c in $(kubectl -n vault get pvc -o name | grep /data-vault-); do kubectl -n vault patch $c -p \'{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}\'; done`; wait until `kubectl -n vault get pvc` shows the new capacity; `kubectl -n vault delete statefulset vault --cascade=orphan` (the pods keep running); `UP` (Helm recreates the StatefulSet, which adopts the pods). Without volume expansion, move Vault to new volumes as for a StorageClass change (docs/addons/vault.md)',
    );
  });

  it("a larger Vault audit volume: its own PVCs, the new StorageClass's expansion", () => {
    assert.equal(
      vaultGrow("audit", "5Gi", "io2")("UP"),
      'the vault StatefulSet\'s volumeClaimTemplates cannot be updated (the Helm upgrade would fail and roll back). Grow the volumes in place (the StorageClass must allow it: `kubectl get storageclass io2 -o jsonpath=\'{.allowVolumeExpansion}\'` prints true): `for c in $(kubectl -n vault get pvc -o name | grep /audit-vault-); do kubectl -n vault patch $c -p \'{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}\'; done`; wait until `kubectl -n vault get pvc` shows the new capacity; `kubectl -n vault delete statefulset vault --cascade=orphan` (the pods keep running); `UP` (Helm recreates the StatefulSet, which adopts the pods). Without volume expansion, move Vault to new volumes as for a StorageClass change (docs/addons/vault.md)',
    );
  });

  it("smaller Vault volumes or another StorageClass: a Raft snapshot onto new volumes", () => {
    assert.equal(
      vaultReplace()("UP"),
      "the vault StatefulSet's volumeClaimTemplates cannot be updated (the Helm upgrade would fail and roll back), and a volume cannot shrink or move to another StorageClass: Vault moves to new volumes. Save a Raft snapshot (`vault operator raft snapshot save vault.snap`); `kubectl -n vault delete statefulset vault`; `kubectl -n vault delete pvc -l app.kubernetes.io/name=vault,app.kubernetes.io/instance=vault,component=server` (they are retained otherwise); `UP`; the bootstrap Job initialises the new cluster (the key holders get new shares; with Shamir they unseal it), then `vault operator raft snapshot restore -force vault.snap` (docs/addons/vault.md)",
    );
  });

  it("dev -> ha: a new Vault, the old dev volume deleted", () => {
    assert.equal(
      vaultMode("ha")("UP"),
      "ha mode is a new Vault: the dev server kept its data in memory, nothing carries over (copy out what you need first), and the next `pulumi up` replaces the Vault release. A dev Vault of an earlier version kept file storage on a volume the new StatefulSet would reuse by name: delete what is left of it (`kubectl -n vault delete pvc -l app.kubernetes.io/name=vault,app.kubernetes.io/instance=vault,component=server`; nothing to delete otherwise); `UP`; the bootstrap Job initialises the new cluster (the key holders get their shares; with Shamir they unseal it)",
    );
  });

  it("ha -> dev: the Raft data stays behind, the volumes deleted after the up", () => {
    assert.equal(
      vaultMode("dev")("UP"),
      "dev mode runs Vault's dev server in memory: the Raft data does not carry over (a Raft snapshot restores only into a Raft cluster). Save one if you may come back (`vault operator raft snapshot save vault.snap`); `UP` (the Vault release is replaced: its StatefulSet and pods go, their volumes are retained); then delete the volumes: `kubectl -n vault delete pvc -l app.kubernetes.io/name=vault,app.kubernetes.io/instance=vault,component=server`",
    );
  });

  it("a larger Prometheus volume: pause, patch every PVC, orphan, up, unpause", () => {
    assert.equal(
      operatorGrow("prometheus", "200Gi", "gp3")("UP"),
      'the Prometheus Operator recreates the StatefulSet but does not grow its volumes, while retentionSize grows to 85 % of the new size: the disk would fill up and Prometheus crash. Grow them first (prometheus-operator "Resizing volumes"; the StorageClass must allow it: `kubectl get storageclass gp3 -o jsonpath=\'{.allowVolumeExpansion}\'` prints true): `kubectl -n monitoring patch prometheus kps-prometheus --type merge -p \'{"spec":{"paused":true}}\'`; `for c in $(kubectl -n monitoring get pvc -l operator.prometheus.io/name=kps-prometheus -o name); do kubectl -n monitoring patch $c -p \'{"spec":{"resources":{"requests":{"storage":"200Gi"}}}}\'; done`; wait until `kubectl -n monitoring get pvc -l operator.prometheus.io/name=kps-prometheus` shows the new capacity; `kubectl -n monitoring delete statefulset prometheus-kps-prometheus --cascade=orphan`; `UP`; `kubectl -n monitoring patch prometheus kps-prometheus --type merge -p \'{"spec":{"paused":false}}\'` (the operator recreates the StatefulSet; the pods keep running)',
    );
  });

  it("a larger Alertmanager volume: its own objects and why", () => {
    assert.equal(
      operatorGrow("alertmanager", "20Gi", "gp3")("UP"),
      'the Prometheus Operator recreates the StatefulSet but does not grow its volumes: they would keep their old size. Grow them first (prometheus-operator "Resizing volumes"; the StorageClass must allow it: `kubectl get storageclass gp3 -o jsonpath=\'{.allowVolumeExpansion}\'` prints true): `kubectl -n monitoring patch alertmanager kps-alertmanager --type merge -p \'{"spec":{"paused":true}}\'`; `for c in $(kubectl -n monitoring get pvc -l alertmanager=kps-alertmanager -o name); do kubectl -n monitoring patch $c -p \'{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}\'; done`; wait until `kubectl -n monitoring get pvc -l alertmanager=kps-alertmanager` shows the new capacity; `kubectl -n monitoring delete statefulset alertmanager-kps-alertmanager --cascade=orphan`; `UP`; `kubectl -n monitoring patch alertmanager kps-alertmanager --type merge -p \'{"spec":{"paused":false}}\'` (the operator recreates the StatefulSet; the pods keep running)',
    );
  });

  it("smaller Prometheus volumes: replaced, the metrics history lost", () => {
    assert.equal(
      operatorReplace("prometheus")("UP"),
      'a volume cannot shrink or move to another StorageClass: the prometheus volumes are replaced and the metrics history on them is lost (keep the setting to keep it). To replace them: `kubectl -n monitoring patch prometheus kps-prometheus --type merge -p \'{"spec":{"paused":true}}\'`; `kubectl -n monitoring delete statefulset prometheus-kps-prometheus`; `kubectl -n monitoring delete pvc -l operator.prometheus.io/name=kps-prometheus`; `UP`; `kubectl -n monitoring patch prometheus kps-prometheus --type merge -p \'{"spec":{"paused":false}}\'`',
    );
  });

  it("smaller Alertmanager volumes: replaced, silences and the notification log lost", () => {
    assert.equal(
      operatorReplace("alertmanager")("UP"),
      'a volume cannot shrink or move to another StorageClass: the alertmanager volumes are replaced and silences and the notification log on them is lost (keep the setting to keep it). To replace them: `kubectl -n monitoring patch alertmanager kps-alertmanager --type merge -p \'{"spec":{"paused":true}}\'`; `kubectl -n monitoring delete statefulset alertmanager-kps-alertmanager`; `kubectl -n monitoring delete pvc -l alertmanager=kps-alertmanager`; `UP`; `kubectl -n monitoring patch alertmanager kps-alertmanager --type merge -p \'{"spec":{"paused":false}}\'`',
    );
  });

  it("Grafana's PVC smaller or in another StorageClass: the database copied over", () => {
    assert.equal(
      grafanaReplace("UP"),
      "a volume cannot shrink or move to another StorageClass (the API server refuses the Helm upgrade's patch of the kps-grafana PVC): it is replaced. Keep Grafana's database (users, dashboards made in the UI): `kubectl -n monitoring cp <grafana pod>:/var/lib/grafana/grafana.db ./grafana.db -c grafana`; `kubectl -n monitoring scale deployment kps-grafana --replicas=0`; `kubectl -n monitoring delete pvc kps-grafana`; `UP` (Helm creates the new volume and scales Grafana back up); `kubectl -n monitoring cp ./grafana.db <grafana pod>:/var/lib/grafana/grafana.db -c grafana`; `kubectl -n monitoring rollout restart deployment kps-grafana`",
    );
  });
});
