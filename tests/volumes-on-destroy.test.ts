/**
 * addons.volumes.onDestroy: the config key (both values, the default of each profile, a bad value's
 * message) and what each value deploys: "retain" keeps the Vault and monitoring namespaces, with the
 * claims they list, and Grafana's claim out of the uninstall; "delete" deletes them with the
 * namespaces, and the destroy waits for their disks (components/addons/volume-retention.ts).
 */
import * as assert from "assert";
import { parseConfig } from "../stacks/config";
import { runExample } from "../offline/stacks";
import type { ProgramRun } from "../offline/mocks";
import {
  RETAINED_CLAIMS_ANNOTATION,
  VOLUME_RELEASE_SECONDS,
  monitoringVolumeClaims,
  namespaceRetention,
  retainedClaims,
  statefulSetClaims,
  volumeReleaseSeconds,
} from "../components/addons/volume-retention";
import { vaultVolumeClaims } from "../components/addons/vault/values";
import { problemsOf } from "./helpers/config-problems";
import { VAULT_INIT } from "./helpers/vault-fixtures";

const ctx = { project: "kube-platform", stack: "dev" };
const DOKS = { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] };
const PROD = {
  profile: "prod",
  addons: { certManager: { email: "platform@kube-platform.dev" }, vault: { init: VAULT_INIT } },
};

describe("addons.volumes.onDestroy", () => {
  describe("config", () => {
    it("defaults to delete in dev and retain in prod", () => {
      assert.strictEqual(parseConfig({ cluster: DOKS }, ctx).addons.volumes.onDestroy, "delete");
      assert.strictEqual(parseConfig({ ...PROD, cluster: DOKS }, ctx).addons.volumes.onDestroy, "retain");
    });

    it("takes either value in either profile", () => {
      for (const onDestroy of ["delete", "retain"] as const) {
        const dev = parseConfig({ cluster: DOKS, addons: { volumes: { onDestroy } } }, ctx);
        assert.strictEqual(dev.addons.volumes.onDestroy, onDestroy);
        const prod = parseConfig(
          { ...PROD, cluster: DOKS, addons: { ...PROD.addons, volumes: { onDestroy } } },
          ctx,
        );
        assert.strictEqual(prod.addons.volumes.onDestroy, onDestroy);
      }
    });

    it("refuses another value, naming the key, the value and what is allowed", () => {
      assert.deepStrictEqual(problemsOf({ cluster: DOKS, addons: { volumes: { onDestroy: "keep" } } }, ctx), [
        'addons.volumes.onDestroy: got "keep"; allowed: "delete" | "retain"',
      ]);
    });

    it("refuses an unknown key beside it", () => {
      const problems = problemsOf({ cluster: DOKS, addons: { volumes: { ondestroy: "retain" } } }, ctx);
      assert.strictEqual(problems.length, 1);
      assert.match(problems[0], /^addons\.volumes(\.ondestroy)?: .*unknown key/);
    });
  });

  describe("the claims each add-on keeps", () => {
    it("Vault: data and audit per server in ha mode, none in dev mode", () => {
      assert.deepStrictEqual(vaultVolumeClaims({ mode: "ha", replicas: 3 }), [
        "data-vault-0",
        "data-vault-1",
        "data-vault-2",
        "audit-vault-0",
        "audit-vault-1",
        "audit-vault-2",
      ]);
      assert.deepStrictEqual(vaultVolumeClaims({ mode: "dev", replicas: 3 }), []);
    });

    it("monitoring: the operator's Prometheus and Alertmanager claims per replica, Grafana's one", () => {
      assert.deepStrictEqual(
        monitoringVolumeClaims("kps", { prometheusReplicas: 1, alertmanagerReplicas: 2 }),
        [
          "prometheus-kps-prometheus-db-prometheus-kps-prometheus-0",
          "alertmanager-kps-alertmanager-db-alertmanager-kps-alertmanager-0",
          "alertmanager-kps-alertmanager-db-alertmanager-kps-alertmanager-1",
          "kps-grafana",
        ],
      );
      assert.deepStrictEqual(statefulSetClaims(["a", "b"], "s", 0), []);
    });

    it("a namespace is retained only with retain and claims; the annotation reads back", () => {
      assert.strictEqual(namespaceRetention("delete", ["x-0"]), undefined);
      assert.strictEqual(namespaceRetention(undefined, ["x-0"]), undefined);
      assert.strictEqual(namespaceRetention("retain", []), undefined);
      const kept = namespaceRetention("retain", ["x-0", "y-0"]);
      assert.deepStrictEqual(kept, { annotations: { [RETAINED_CLAIMS_ANNOTATION]: "x-0,y-0" } });
      assert.deepStrictEqual(retainedClaims(kept?.annotations), ["x-0", "y-0"]);
      assert.deepStrictEqual(retainedClaims({}), []);
      assert.deepStrictEqual(retainedClaims(undefined), []);
    });

    it("the destroy waits for the disks only with delete, and not on an adopted cluster", () => {
      assert.strictEqual(volumeReleaseSeconds("delete", "eks"), VOLUME_RELEASE_SECONDS);
      assert.strictEqual(volumeReleaseSeconds("delete", "doks"), VOLUME_RELEASE_SECONDS);
      assert.strictEqual(volumeReleaseSeconds("retain", "eks"), 0);
      assert.strictEqual(volumeReleaseSeconds("delete", "existing"), 0);
    });
  });

  describe("what each value deploys (example stacks)", function () {
    this.timeout(120_000);
    const namespace = (run: ProgramRun, name: string) =>
      run.one("kubernetes:core/v1:Namespace", `-${name}-ns`);
    const grafanaPersistence = (run: ProgramRun) => {
      const kps = run
        .ofType("kubernetes:helm.sh/v3:Release")
        .find((r) => r.inputs.chart === "kube-prometheus-stack");
      return (kps?.inputs.values as { grafana: { persistence: Record<string, unknown> } }).grafana
        .persistence;
    };

    it("retain (prod): the Vault and monitoring namespaces are kept with the claims they list; Grafana's claim is kept by the uninstall", async () => {
      const run = await runExample("prod");
      const vault = namespace(run, "vault");
      assert.strictEqual(vault.retainOnDelete, true);
      assert.deepStrictEqual((vault.inputs.metadata as { annotations: unknown }).annotations, {
        [RETAINED_CLAIMS_ANNOTATION]:
          "data-vault-0,data-vault-1,data-vault-2,audit-vault-0,audit-vault-1,audit-vault-2",
      });
      const monitoring = namespace(run, "monitoring");
      assert.strictEqual(monitoring.retainOnDelete, true);
      assert.deepStrictEqual((monitoring.inputs.metadata as { annotations: unknown }).annotations, {
        [RETAINED_CLAIMS_ANNOTATION]: [
          "prometheus-kps-prometheus-db-prometheus-kps-prometheus-0",
          "prometheus-kps-prometheus-db-prometheus-kps-prometheus-1",
          "alertmanager-kps-alertmanager-db-alertmanager-kps-alertmanager-0",
          "alertmanager-kps-alertmanager-db-alertmanager-kps-alertmanager-1",
          "alertmanager-kps-alertmanager-db-alertmanager-kps-alertmanager-2",
          "kps-grafana",
        ].join(","),
      });
      assert.deepStrictEqual(grafanaPersistence(run).annotations, { "helm.sh/resource-policy": "keep" });
      // No other namespace is kept.
      const kept = run.ofType("kubernetes:core/v1:Namespace").filter((n) => n.retainOnDelete);
      assert.deepStrictEqual(kept.map((n) => n.name).sort(), [monitoring.name, vault.name].sort());
      assert.strictEqual(run.one("time:index/sleep:Sleep", "-volumes-released").inputs.destroyDuration, "0s");
    });

    it("delete (eks-dev): every namespace is deleted, Grafana's claim with the release; the destroy waits for the disks", async () => {
      const run = await runExample("eks-dev");
      assert.deepStrictEqual(
        run.ofType("kubernetes:core/v1:Namespace").filter((n) => n.retainOnDelete),
        [],
      );
      assert.strictEqual(
        (namespace(run, "monitoring").inputs.metadata as { annotations?: unknown }).annotations,
        undefined,
      );
      assert.strictEqual(grafanaPersistence(run).annotations, undefined);
      assert.strictEqual(
        run.one("time:index/sleep:Sleep", "-volumes-released").inputs.destroyDuration,
        `${VOLUME_RELEASE_SECONDS}s`,
      );
    });
  });
});
