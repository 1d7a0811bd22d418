/**
 * Day-2 volume changes (issue 10, day-2 breakers 1 and 2): the volume settings the stack last
 * deployed (its `volumeSettings` output, read back through a StackReference to itself) against
 * the new ones. A change Kubernetes or the Prometheus Operator would not carry out is refused with
 * its procedure before Vault or monitoring is touched; allowed changes and a first deploy pass.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { VolumeChangesRefused, loadVolumeGuard, ownStackReferenceName } from "../stacks/platform";
import {
  VOLUME_CHANGES_DONE_ENV,
  mebibytes,
  parseVolumeChangesDone,
  readVolumeSettings,
  refusedVolumeChanges,
  unusedAcknowledgements,
  volumeChangeError,
  volumeChanges,
  volumeSettingsOf,
} from "../stacks/volume-changes";
import { DEV, DEV_FILE_STORAGE, PROD, changed, summary } from "./helpers/volume-settings";
import type { VolumeSettings } from "../stacks/volume-changes";

describe("day-2 volume changes: the record", () => {
  it("records mode, sizes and StorageClass per volume; dev mode (the in-memory dev server) has none; disabled add-ons are null", () => {
    const vault = { enabled: true, mode: "ha" as const, storageSize: "20Gi", auditStorageSize: "5Gi" };
    const monitoring = {
      enabled: true,
      prometheusStorageSize: "100Gi",
      alertmanagerStorageSize: "10Gi",
      grafanaStorageSize: "2Gi",
    };
    assert.deepEqual(volumeSettingsOf({ vault, monitoring }, "gp3"), {
      vault: { mode: "ha", dataSize: "20Gi", auditSize: "5Gi", storageClass: "gp3" },
      prometheus: { size: "100Gi", storageClass: "gp3" },
      alertmanager: { size: "10Gi", storageClass: "gp3" },
      grafana: { size: "2Gi", storageClass: "gp3" },
    });
    assert.deepEqual(volumeSettingsOf({ vault: { ...vault, mode: "dev" }, monitoring }, "standard").vault, {
      mode: "dev",
      dataSize: null,
      auditSize: null,
      storageClass: null,
    });
    assert.deepEqual(
      volumeSettingsOf(
        { vault: { ...vault, enabled: false }, monitoring: { ...monitoring, enabled: false } },
        "x",
      ),
      { vault: null, prometheus: null, alertmanager: null, grafana: null },
    );
  });

  it("reads the last deployed output back; none is a first deploy; another form is a warning, not a comparison", () => {
    assert.deepEqual(readVolumeSettings(undefined), {});
    assert.deepEqual(readVolumeSettings(PROD), { settings: PROD });
    assert.deepEqual(readVolumeSettings(DEV), { settings: DEV });
    // A dev record of an earlier version (file storage on a volume) reads as today's: nothing to compare.
    assert.deepEqual(readVolumeSettings(DEV_FILE_STORAGE), { settings: DEV });
    const none = { vault: null, prometheus: null, alertmanager: null, grafana: null };
    assert.deepEqual(readVolumeSettings(none), { settings: none });
    for (const bad of [
      "10Gi",
      { ...PROD, vault: { ...PROD.vault, auditSize: null } },
      { ...DEV, vault: { ...DEV.vault, auditSize: "1Gi" } },
      { ...DEV, vault: { ...DEV.vault, dataSize: "10Gi" } },
      { ...PROD, vault: { ...PROD.vault, storageClass: null } },
      { ...PROD, prometheus: { size: "100GB", storageClass: "gp3" } },
      { ...PROD, grafana: undefined },
    ]) {
      const r = readVolumeSettings(bad);
      assert.equal(r.settings, undefined, JSON.stringify(bad));
      assert.match(
        r.warning ?? "",
        /is not in the form this program writes .*: volume changes are not checked in this run$/,
      );
    }
  });

  it("compares sizes as quantities", () => {
    assert.equal(mebibytes("10Gi"), 10240);
    assert.equal(mebibytes("10240Mi"), 10240);
    assert.equal(mebibytes("1Ti"), 1048576);
    assert.equal(mebibytes("10G"), undefined);
  });
});

describe("day-2 volume changes: what is refused", () => {
  it("a first deploy and an unchanged stack pass", () => {
    assert.deepEqual(volumeChanges(undefined, PROD), []);
    assert.deepEqual(volumeChanges(PROD, PROD), []);
    assert.deepEqual(volumeChanges(DEV, DEV), []);
    // The dev stack moving to the dev server: its old volume is not compared (the release is replaced).
    assert.deepEqual(volumeChanges(readVolumeSettings(DEV_FILE_STORAGE).settings, DEV), []);
  });

  /** [what, previous, current, the refused changes] */
  const CASES: [string, VolumeSettings, VolumeSettings, string[]][] = [
    [
      "Vault data raised",
      PROD,
      changed(PROD, { vault: { dataSize: "20Gi" } }),
      ["vault.dataSize: 10Gi -> 20Gi"],
    ],
    [
      "Vault data raised by 1Mi",
      PROD,
      changed(PROD, { vault: { dataSize: "10241Mi" } }),
      ["vault.dataSize: 10Gi -> 10241Mi"],
    ],
    [
      "Vault data lowered",
      PROD,
      changed(PROD, { vault: { dataSize: "5Gi" } }),
      ["vault.dataSize: 10Gi -> 5Gi"],
    ],
    [
      "Vault audit raised",
      PROD,
      changed(PROD, { vault: { auditSize: "20Gi" } }),
      ["vault.auditSize: 10Gi -> 20Gi"],
    ],
    [
      "Vault data and audit raised",
      PROD,
      changed(PROD, { vault: { dataSize: "20Gi", auditSize: "20Gi" } }),
      ["vault.dataSize: 10Gi -> 20Gi", "vault.auditSize: 10Gi -> 20Gi"],
    ],
    [
      "Vault dev -> ha",
      DEV,
      changed(DEV, { vault: { mode: "ha", dataSize: "10Gi", auditSize: "10Gi", storageClass: "standard" } }),
      ["vault.mode: dev -> ha"],
    ],
    [
      "Vault ha -> dev, with another size (the mode change covers it)",
      PROD,
      changed(PROD, { vault: { mode: "dev", auditSize: null, dataSize: null, storageClass: null } }),
      ["vault.mode: ha -> dev"],
    ],
    [
      "another StorageClass, for every volume",
      PROD,
      changed(PROD, {
        vault: { storageClass: "io2" },
        prometheus: { storageClass: "io2" },
        alertmanager: { storageClass: "io2" },
        grafana: { storageClass: "io2" },
      }),
      [
        "vault.storageClass: gp3 -> io2",
        "prometheus.storageClass: gp3 -> io2",
        "alertmanager.storageClass: gp3 -> io2",
        "grafana.storageClass: gp3 -> io2",
      ],
    ],
    [
      "Prometheus raised",
      PROD,
      changed(PROD, { prometheus: { size: "200Gi" } }),
      ["prometheus.size: 100Gi -> 200Gi"],
    ],
    [
      "Prometheus lowered",
      PROD,
      changed(PROD, { prometheus: { size: "50Gi" } }),
      ["prometheus.size: 100Gi -> 50Gi"],
    ],
    [
      "Alertmanager raised",
      PROD,
      changed(PROD, { alertmanager: { size: "20Gi" } }),
      ["alertmanager.size: 10Gi -> 20Gi"],
    ],
    [
      "Alertmanager lowered",
      PROD,
      changed(PROD, { alertmanager: { size: "5Gi" } }),
      ["alertmanager.size: 10Gi -> 5Gi"],
    ],
    ["Grafana lowered", PROD, changed(PROD, { grafana: { size: "9Gi" } }), ["grafana.size: 10Gi -> 9Gi"]],
    // Allowed: Kubernetes grows Grafana's plain PVC in place when Helm patches it.
    ["Grafana raised", PROD, changed(PROD, { grafana: { size: "20Gi" } }), []],
    ["the same size written otherwise", PROD, changed(PROD, { prometheus: { size: "102400Mi" } }), []],
    ["Vault installed", changed(PROD, { vault: null }), PROD, []],
    ["Vault removed", PROD, changed(PROD, { vault: null }), []],
    [
      "monitoring installed",
      changed(PROD, { prometheus: null, alertmanager: null, grafana: null }),
      PROD,
      [],
    ],
  ];
  for (const [what, previous, current, expected] of CASES) {
    it(`${what}: ${expected.length ? expected.join(", ") : "passes"}`, () => {
      assert.deepEqual(summary(volumeChanges(previous, current)), expected);
    });
  }

  const one = (previous: VolumeSettings, current: VolumeSettings): string => {
    const cs = volumeChanges(previous, current);
    assert.equal(cs.length, 1);
    return cs[0].message;
  };
  const has = (message: string, fragments: string[]) => {
    for (const f of fragments) assert.ok(message.includes(f), `missing ${f}\nin: ${message}`);
  };

  it("Vault volumes raised: grow the PVCs in place, orphan the StatefulSet, acknowledged pulumi up", () => {
    has(one(PROD, changed(PROD, { vault: { dataSize: "20Gi" } })), [
      "the vault StatefulSet's volumeClaimTemplates cannot be updated (the Helm upgrade would fail and roll back)",
      "`kubectl get storageclass gp3 -o jsonpath='{.allowVolumeExpansion}'` prints true",
      `\`for c in $(kubectl -n vault get pvc -o name | grep /data-vault-); do kubectl -n vault patch $c -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}'; done\``,
      "`kubectl -n vault delete statefulset vault --cascade=orphan` (the pods keep running)",
      "`KUBE_PLATFORM_VOLUME_CHANGES_DONE=vault.dataSize=20Gi pulumi up` (Helm recreates the StatefulSet, which adopts the pods)",
    ]);
    has(one(PROD, changed(PROD, { vault: { auditSize: "20Gi" } })), [
      "grep /audit-vault-",
      "KUBE_PLATFORM_VOLUME_CHANGES_DONE=vault.auditSize=20Gi pulumi up",
    ]);
  });

  it("Vault volumes lowered or in another StorageClass: new volumes through a Raft snapshot", () => {
    const raft = [
      "a volume cannot shrink or move to another StorageClass: Vault moves to new volumes",
      "`vault operator raft snapshot save vault.snap`",
      "`kubectl -n vault delete statefulset vault`",
      "`kubectl -n vault delete pvc -l app.kubernetes.io/name=vault,app.kubernetes.io/instance=vault,component=server`",
      "`vault operator raft snapshot restore -force vault.snap`",
    ];
    has(one(PROD, changed(PROD, { vault: { dataSize: "5Gi" } })), [
      ...raft,
      "`KUBE_PLATFORM_VOLUME_CHANGES_DONE=vault.dataSize=5Gi pulumi up`",
    ]);
    has(one(PROD, changed(PROD, { vault: { storageClass: "io2" } })), [
      ...raft,
      "`KUBE_PLATFORM_VOLUME_CHANGES_DONE=vault.storageClass=io2 pulumi up`",
    ]);
  });

  it("Vault mode switched: the release is replaced, Vault's data does not carry over", () => {
    const ha = { mode: "ha", dataSize: "10Gi", auditSize: "10Gi", storageClass: "standard" } as const;
    has(one(DEV, changed(DEV, { vault: ha })), [
      "ha mode is a new Vault: the dev server kept its data in memory, nothing carries over",
      "the next `pulumi up` replaces the Vault release",
      "`kubectl -n vault delete pvc -l app.kubernetes.io/name=vault,app.kubernetes.io/instance=vault,component=server`; nothing to delete otherwise",
      "`KUBE_PLATFORM_VOLUME_CHANGES_DONE=vault.mode=ha pulumi up`; the bootstrap Job initialises the new cluster",
    ]);
    const dev = { mode: "dev", dataSize: null, auditSize: null, storageClass: null } as const;
    has(one(PROD, changed(PROD, { vault: dev })), [
      "dev mode runs Vault's dev server in memory: the Raft data does not carry over",
      "`vault operator raft snapshot save vault.snap`",
      "`KUBE_PLATFORM_VOLUME_CHANGES_DONE=vault.mode=dev pulumi up` (the Vault release is replaced",
      "then delete the volumes: `kubectl -n vault delete pvc -l app.kubernetes.io/name=vault,app.kubernetes.io/instance=vault,component=server`",
    ]);
  });

  it("Prometheus raised: the operator's documented resize (pause, patch every PVC, orphan, unpause)", () => {
    has(one(PROD, changed(PROD, { prometheus: { size: "200Gi" } })), [
      "the Prometheus Operator recreates the StatefulSet but does not grow its volumes, while retentionSize grows to 85 % of the new size: the disk would fill up and Prometheus crash",
      'prometheus-operator "Resizing volumes"',
      `\`kubectl -n monitoring patch prometheus kps-prometheus --type merge -p '{"spec":{"paused":true}}'\``,
      `\`for c in $(kubectl -n monitoring get pvc -l operator.prometheus.io/name=kps-prometheus -o name); do kubectl -n monitoring patch $c -p '{"spec":{"resources":{"requests":{"storage":"200Gi"}}}}'; done\``,
      "`kubectl -n monitoring delete statefulset prometheus-kps-prometheus --cascade=orphan`; `KUBE_PLATFORM_VOLUME_CHANGES_DONE=prometheus.size=200Gi pulumi up`; ",
      `\`kubectl -n monitoring patch prometheus kps-prometheus --type merge -p '{"spec":{"paused":false}}'\` (the operator recreates the StatefulSet; the pods keep running)`,
    ]);
  });

  it("Alertmanager raised, Prometheus and Alertmanager lowered: their own objects and what is lost", () => {
    has(one(PROD, changed(PROD, { alertmanager: { size: "20Gi" } })), [
      "they would keep their old size",
      "get pvc -l alertmanager=kps-alertmanager -o name",
      "`kubectl -n monitoring delete statefulset alertmanager-kps-alertmanager --cascade=orphan`",
      "kubectl -n monitoring patch alertmanager kps-alertmanager --type merge",
    ]);
    has(one(PROD, changed(PROD, { prometheus: { size: "50Gi" } })), [
      "the prometheus volumes are replaced and the metrics history on them is lost",
      "`kubectl -n monitoring delete pvc -l operator.prometheus.io/name=kps-prometheus`",
      "`KUBE_PLATFORM_VOLUME_CHANGES_DONE=prometheus.size=50Gi pulumi up`",
    ]);
    has(one(PROD, changed(PROD, { alertmanager: { storageClass: "io2" } })), [
      "silences and the notification log on them is lost",
      "`kubectl -n monitoring delete pvc -l alertmanager=kps-alertmanager`",
    ]);
  });

  it("Grafana lowered or in another StorageClass: a new PVC, the database copied over", () => {
    has(one(PROD, changed(PROD, { grafana: { size: "9Gi" } })), [
      "the API server refuses the Helm upgrade's patch of the kps-grafana PVC",
      "`kubectl -n monitoring cp <grafana pod>:/var/lib/grafana/grafana.db ./grafana.db -c grafana`",
      "`kubectl -n monitoring scale deployment kps-grafana --replicas=0`; `kubectl -n monitoring delete pvc kps-grafana`",
      "`KUBE_PLATFORM_VOLUME_CHANGES_DONE=grafana.size=9Gi pulumi up`",
    ]);
  });

  it("the error lists every refused change with its config key and the combined acknowledged pulumi up", () => {
    const refused = volumeChanges(
      PROD,
      changed(PROD, { vault: { dataSize: "20Gi" }, prometheus: { size: "200Gi" } }),
    );
    const lines = volumeChangeError(refused).split("\n");
    assert.equal(lines.length, 4);
    assert.equal(
      lines[0],
      "Refused 2 volume changes against what this stack last deployed (its volumeSettings output); nothing of Vault or monitoring was changed:",
    );
    assert.ok(
      lines[1].startsWith(
        "  - vault.dataSize (addons.vault.storageSize): 10Gi -> 20Gi: the vault StatefulSet's",
      ),
    );
    assert.ok(
      lines[2].startsWith(
        "  - prometheus.size (addons.monitoring.prometheusStorageSize): 100Gi -> 200Gi: the Prometheus Operator",
      ),
    );
    assert.equal(
      lines[3],
      "Revert the setting, or carry out the procedure and run: KUBE_PLATFORM_VOLUME_CHANGES_DONE=vault.dataSize=20Gi,prometheus.size=200Gi pulumi up",
    );
  });
});

describe("day-2 volume changes: acknowledging a procedure that is done", () => {
  it("an entry naming the setting and the exact new value lets that change through, only that one", () => {
    const changes = volumeChanges(
      PROD,
      changed(PROD, { vault: { dataSize: "20Gi" }, prometheus: { size: "200Gi" } }),
    );
    assert.deepEqual(summary(refusedVolumeChanges(changes, ["vault.dataSize=20Gi"])), [
      "prometheus.size: 100Gi -> 200Gi",
    ]);
    assert.deepEqual(refusedVolumeChanges(changes, ["vault.dataSize=20Gi", "prometheus.size=200Gi"]), []);
    // Another value than the one deployed is no acknowledgement (the volumes were grown to 30Gi? 20Gi?).
    assert.deepEqual(
      summary(refusedVolumeChanges(changes, ["vault.dataSize=30Gi", "prometheus.size=200Gi"])),
      ["vault.dataSize: 10Gi -> 20Gi"],
    );
    assert.deepEqual(unusedAcknowledgements(changes, ["vault.dataSize=30Gi", "prometheus.size=200Gi"]), [
      "vault.dataSize=30Gi",
    ]);
  });

  it(`${VOLUME_CHANGES_DONE_ENV}: comma-separated <setting>=<new value>; anything else is one problem each`, () => {
    assert.deepEqual(parseVolumeChangesDone(undefined), { done: [], problems: [] });
    assert.deepEqual(parseVolumeChangesDone(" vault.dataSize=20Gi, prometheus.size=200Gi ,"), {
      done: ["vault.dataSize=20Gi", "prometheus.size=200Gi"],
      problems: [],
    });
    const bad = parseVolumeChangesDone(
      "vault.storageSize=20Gi,prometheus.size,grafana.size=1Gi=2Gi,vault.mode=",
    );
    assert.deepEqual(bad.done, []);
    assert.deepEqual(
      bad.problems.map((p) => [p.path, p.message.split(";")[0]]),
      [
        [[0], 'got "vault.storageSize=20Gi"'],
        [[1], 'got "prometheus.size"'],
        [[2], 'got "grafana.size=1Gi=2Gi"'],
        [[3], 'got "vault.mode="'],
      ],
    );
    assert.match(
      bad.problems[0].message,
      /each entry is <setting>=<new value> \(e\.g\. vault\.dataSize=20Gi\), the setting one of vault\.mode, vault\.dataSize, /,
    );
  });

  it("loadVolumeGuard reads the environment once: the program's own output, the acknowledgements, a bad value refused", () => {
    assert.deepEqual(loadVolumeGuard({}), { outputName: "volumeSettings", changesDone: [] });
    assert.deepEqual(loadVolumeGuard({ [VOLUME_CHANGES_DONE_ENV]: "vault.mode=ha" }), {
      outputName: "volumeSettings",
      changesDone: ["vault.mode=ha"],
    });
    assert.throws(
      () => loadVolumeGuard({ [VOLUME_CHANGES_DONE_ENV]: "vault=ha" }),
      /^Error: KUBE_PLATFORM_VOLUME_CHANGES_DONE: entry 0: got "vault=ha"; each entry is/,
    );
  });
});

describe("day-2 volume changes: reading the stack's own last deployment", () => {
  it("refuses with a RunError (printed without a stack trace) whose message the SDK's prefixing leaves alone", () => {
    const e = new VolumeChangesRefused("Refused 1 volume change");
    // What @pulumi/pulumi runtime/rpc.js does to an error met while serializing a dependent's inputs.
    e.message = `error serializing property "outputs": ${e.message}`;
    assert.equal(e.message, "Refused 1 volume change");
    assert.equal(pulumi.RunError.isInstance(e), true);
  });

  it("names itself <organization>/<project>/<stack> on Pulumi Cloud, by its stack name on a DIY backend", () => {
    assert.equal(ownStackReferenceName("acme", "kube-platform", "prod"), "acme/kube-platform/prod");
    assert.equal(ownStackReferenceName("organization", "kube-platform", "prod"), "prod");
    assert.equal(ownStackReferenceName(undefined, "kube-platform", "dev"), "dev");
  });
});
