/**
 * stacks/volume-changes.ts, the edges the day-2 tests (tests/day2-volumes.test.ts) leave: each field
 * of a recorded entry that makes it unreadable, sizes the check cannot compare, one refused change
 * worded in the singular, and the acknowledgement problems joined into one line.
 */
import * as assert from "node:assert/strict";
import {
  parseVolumeChangesDone,
  readVolumeSettings,
  refusedVolumeChanges,
  unusedAcknowledgements,
  volumeChangeError,
  volumeChanges,
  volumeChangesDoneError,
} from "../stacks/volume-changes";
import { PROD, changed, summary } from "./helpers/volume-settings";

const DEV_VAULT = { mode: "dev", dataSize: null, auditSize: null, storageClass: null };

describe("volume changes: an unreadable record is not compared", () => {
  it("each field of each entry in another form makes the whole record a warning", () => {
    for (const bad of [
      [],
      { ...PROD, vault: { ...PROD.vault, dataSize: "10GB" } },
      { ...PROD, vault: { ...PROD.vault, auditSize: "10GB" } },
      { ...PROD, vault: { ...PROD.vault, storageClass: "" } },
      { ...PROD, vault: { ...PROD.vault, mode: "raft" } },
      { ...PROD, vault: "ha" },
      { ...PROD, vault: undefined },
      // dev: neither a volume (dataSize and storageClass) nor none (both null).
      { ...PROD, vault: { ...DEV_VAULT, storageClass: "standard" } },
      { ...PROD, vault: { ...DEV_VAULT, dataSize: "10Gi", storageClass: "" } },
      { ...PROD, vault: { ...DEV_VAULT, auditSize: undefined } },
      { ...PROD, prometheus: { size: "100Gi", storageClass: "" } },
      { ...PROD, prometheus: { size: "100Gi" } },
      { ...PROD, alertmanager: { size: "1GB", storageClass: "gp3" } },
      { ...PROD, alertmanager: undefined },
      { ...PROD, grafana: { size: 10, storageClass: "gp3" } },
      { ...PROD, grafana: [] },
      { ...PROD, vault: Object.assign([], DEV_VAULT) },
      { ...PROD, prometheus: Object.assign([], PROD.prometheus) },
      { ...PROD, prometheus: { size: ["100Gi"], storageClass: "gp3" } },
      { ...PROD, vault: { ...DEV_VAULT, mode: "raft" } },
      Object.assign([], PROD),
    ]) {
      assert.deepEqual(
        readVolumeSettings(bad),
        {
          warning: `the last deployed volumeSettings output is not in the form this program writes (${JSON.stringify(bad)}): volume changes are not checked in this run`,
        },
        JSON.stringify(bad),
      );
    }
    assert.deepEqual(readVolumeSettings(null), {});
  });

  it("an earlier dev record with file storage reads as the dev record; its form is checked too", () => {
    const dev = { ...PROD, vault: { ...DEV_VAULT, dataSize: "10Gi", storageClass: "standard" } };
    assert.deepEqual(readVolumeSettings(dev), { settings: { ...PROD, vault: DEV_VAULT } });
    const odd = { ...PROD, vault: { ...DEV_VAULT, dataSize: "10GB", storageClass: "standard" } };
    assert.equal(readVolumeSettings(odd).settings, undefined);
  });
});

describe("volume changes: sizes in another form are not compared", () => {
  it("a size the record or the config does not write as Mi/Gi/Ti is no change", () => {
    assert.deepEqual(volumeChanges(PROD, changed(PROD, { prometheus: { size: "200GB" } })), []);
    assert.deepEqual(volumeChanges(changed(PROD, { prometheus: { size: "50GB" } }), PROD), []);
    assert.deepEqual(volumeChanges(PROD, changed(PROD, { vault: { dataSize: "5GB" } })), []);
    assert.deepEqual(volumeChanges(changed(PROD, { grafana: { size: "20G" } }), PROD), []);
  });

  it("only a mode change of Vault is reported when the mode and the volumes change together", () => {
    assert.deepEqual(
      summary(
        volumeChanges(
          changed(PROD, { vault: DEV_VAULT as never }),
          changed(PROD, { vault: { storageClass: "io2" } }),
        ),
      ),
      ["vault.mode: dev -> ha"],
    );
  });

  it("Grafana grown in another StorageClass is refused for the StorageClass", () => {
    assert.deepEqual(
      summary(volumeChanges(PROD, changed(PROD, { grafana: { size: "20Gi", storageClass: "io2" } }))),
      ["grafana.storageClass: gp3 -> io2"],
    );
  });
});

describe("volume changes: the refusal", () => {
  it("one refused change, in the singular, with its acknowledged pulumi up", () => {
    const refused = volumeChanges(PROD, changed(PROD, { grafana: { size: "5Gi" } }));
    const lines = volumeChangeError(refused).split("\n");
    assert.equal(
      lines[0],
      "Refused 1 volume change against what this stack last deployed (its volumeSettings output); nothing of Vault or monitoring was changed:",
    );
    assert.ok(
      lines[1].startsWith("  - grafana.size (addons.monitoring.grafanaStorageSize): 10Gi -> 5Gi: a volume"),
    );
    assert.equal(
      lines[2],
      "Revert the setting, or carry out the procedure and run: KUBE_PLATFORM_VOLUME_CHANGES_DONE=grafana.size=5Gi pulumi up",
    );
    assert.equal(lines.length, 3);
  });

  it("an acknowledgement counts for its setting and value only; the unused ones are listed", () => {
    const changes = volumeChanges(
      PROD,
      changed(PROD, { vault: { dataSize: "20Gi" }, grafana: { size: "5Gi" } }),
    );
    assert.deepEqual(summary(refusedVolumeChanges(changes, ["grafana.size=20Gi", "vault.auditSize=20Gi"])), [
      "vault.dataSize: 10Gi -> 20Gi",
      "grafana.size: 10Gi -> 5Gi",
    ]);
    assert.deepEqual(unusedAcknowledgements(changes, ["grafana.size=5Gi", "vault.auditSize=20Gi"]), [
      "vault.auditSize=20Gi",
    ]);
    assert.deepEqual(unusedAcknowledgements(changes, ["grafana.size=5Gi", "vault.dataSize=20Gi"]), []);
    assert.deepEqual(unusedAcknowledgements([], ["grafana.size=5Gi"]), ["grafana.size=5Gi"]);
  });

  it("every bad acknowledgement is one entry of one line, numbered from 0", () => {
    const { done, problems } = parseVolumeChangesDone("vault.dataSize=20Gi, bad ,=1Gi");
    assert.deepEqual(done, ["vault.dataSize=20Gi"]);
    assert.deepEqual(
      problems.map((p) => p.path),
      [[1], [2]],
    );
    const line = volumeChangesDoneError("--changes-done", problems);
    assert.ok(
      line.startsWith('--changes-done: entry 1: got "bad"; each entry is <setting>=<new value>'),
      line,
    );
    assert.ok(line.includes('grafana.size, grafana.storageClass; entry 2: got "=1Gi"; each entry is'), line);
    assert.ok(
      line.endsWith(
        "the setting one of vault.mode, vault.dataSize, vault.auditSize, vault.storageClass, prometheus.size, prometheus.storageClass, alertmanager.size, alertmanager.storageClass, grafana.size, grafana.storageClass",
      ),
      line,
    );
    assert.equal(volumeChangesDoneError("X", [{ path: [0, "a"], message: "m" }]), "X: entry 0.a: m");
  });
});
