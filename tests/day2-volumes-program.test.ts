/**
 * Day-2 volume changes through the program under mocks (the pure rules: day2-volumes.test.ts): the
 * last deployment is served by the mocked StackReference read (offline/mock-state/stack-references.ts);
 * a refused change keeps Vault and monitoring from being registered, an allowed one deploys them.
 */
import * as assert from "node:assert/strict";
import { EXIT } from "../automation/exit-codes";
import { ProgramRun, runProgram, runResources } from "../offline/mocks";
import { clearStackOutputs, setStackOutputs } from "../offline/mock-state/stack-references";
import { exampleConfig, runExample } from "../offline/stacks";
import { preflight, renderPlan, stackConfigOf } from "../preflight/plan";
import { VolumeGuard, buildPlatform } from "../stacks/platform";
import { VOLUME_CHANGES_DONE_ENV, VolumeSettings } from "../stacks/volume-changes";
import { DEV, DEV_FILE_STORAGE, changed } from "./helpers/volume-settings";
import { VAULT_INIT } from "./helpers/vault-fixtures";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const STACK_REF =
  "urn:pulumi:dev::kube-platform::kube-platform:index:Platform$pulumi:pulumi:StackReference::kp-last-deployed";

/** The dev stack's config with `addons` changed. */
function devConfig(addons: Record<string, unknown> = {}): Record<string, unknown> {
  const cfg = exampleConfig("dev");
  const current = (cfg.addons ?? {}) as Record<string, Record<string, unknown>>;
  const merged: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(addons)) merged[k] = { ...(current[k] ?? {}), ...(v as object) };
  return { ...cfg, addons: merged };
}

/**
 * The platform of the dev stack evaluated under mocks, its last deployment serving `previous`
 * (undefined: a first deploy), with the guard of the program; the errors it fails with.
 */
async function deployDev(
  previous: unknown,
  addons: Record<string, unknown> = {},
  changesDone: string[] = [],
): Promise<{ run: ProgramRun; errors: string[] }> {
  const config = devConfig(addons);
  if (previous !== undefined) setStackOutputs("dev", { volumeSettings: previous, kubeconfig: "not read" });
  const errors = new Set<string>();
  const collect = (reason: unknown) => errors.add(reason instanceof Error ? reason.message : String(reason));
  process.on("unhandledRejection", collect);
  try {
    const guard: VolumeGuard = { outputName: "volumeSettings", changesDone };
    const run = await runResources(() => void buildPlatform("kp", stackConfigOf(config, "dev"), guard), {
      stack: "dev",
      config,
    });
    await new Promise((resolve) => setImmediate(resolve));
    return { run, errors: [...errors] };
  } finally {
    process.off("unhandledRejection", collect);
    clearStackOutputs();
  }
}

const releases = (run: ProgramRun) =>
  run
    .ofType(RELEASE)
    .map((r) => r.name)
    .sort();
const ALL_RELEASES = [
  "kp-addons-cert-manager-release",
  "kp-addons-ingress-release",
  "kp-addons-metrics-server-release",
  "kp-addons-monitoring-release",
  "kp-addons-vault-release",
];

describe("day-2 volume changes: the program", () => {
  afterEach(clearStackOutputs);

  it("the Vault and monitoring releases (and namespaces) wait for the check: the read of the last deployment", async () => {
    const run = await runExample("dev");
    for (const name of [
      "kp-addons-vault-release",
      "kp-addons-monitoring-release",
      "kp-addons-vault-ns",
      "kp-addons-monitoring-ns",
    ]) {
      const r = run.resources.find((x) => x.name === name);
      assert.ok(r?.dependsOn.includes(STACK_REF), `${name} must wait for ${STACK_REF}`);
    }
    for (const name of ["kp-addons-ingress-release", "kp-addons-cert-manager-release"]) {
      assert.equal(run.one(RELEASE, name).dependsOn.includes(STACK_REF), false, name);
    }
  });

  it("exports what it deployed as volumeSettings, not secret (the local dev stack)", async () => {
    const run = await runExample("dev");
    assert.deepEqual(run.outputs.volumeSettings, DEV);
    assert.equal(run.secretOutputs.has("volumeSettings"), false);
  });

  it("a first deploy (no outputs) and an unchanged stack deploy everything", async () => {
    const first = await deployDev(undefined);
    assert.deepEqual([releases(first.run), first.errors], [ALL_RELEASES, []]);
    const same = await deployDev(DEV);
    assert.deepEqual([releases(same.run), same.errors], [ALL_RELEASES, []]);
  });

  it("allowed changes deploy: replicas, retention, a larger Grafana volume", async () => {
    const r = await deployDev(DEV, {
      vault: { replicas: 5, injectorReplicas: 2 },
      monitoring: {
        retention: "30d",
        prometheusReplicas: 2,
        alertmanagerReplicas: 2,
        grafanaStorageSize: "5Gi",
      },
    });
    assert.deepEqual([releases(r.run), r.errors], [ALL_RELEASES, []]);
    const prometheus = r.run.one(RELEASE, "kp-addons-monitoring-release").inputs.values as {
      prometheus: { prometheusSpec: { retention: string; replicas: number } };
    };
    assert.deepEqual(prometheus.prometheus.prometheusSpec.retention, "30d");
  });

  it("a larger Prometheus volume is refused before Helm runs: neither Vault nor monitoring is registered", async () => {
    const r = await deployDev(DEV, { monitoring: { prometheusStorageSize: "20Gi" } });
    assert.deepEqual(releases(r.run), [
      "kp-addons-cert-manager-release",
      "kp-addons-ingress-release",
      "kp-addons-metrics-server-release",
    ]);
    assert.equal(r.errors.length, 1);
    assert.ok(
      r.errors[0].startsWith(
        "Refused 1 volume change against what this stack last deployed (its volumeSettings output); nothing of Vault or monitoring was changed:\n" +
          "  - prometheus.size (addons.monitoring.prometheusStorageSize): 10Gi -> 20Gi: the Prometheus Operator recreates the StatefulSet but does not grow its volumes",
      ),
      r.errors[0],
    );
    assert.ok(r.errors[0].endsWith("run: KUBE_PLATFORM_VOLUME_CHANGES_DONE=prometheus.size=20Gi pulumi up"));
  });

  it("Vault dev -> ha is refused; the same change passes once acknowledged, another value does not", async () => {
    const ha = { vault: { mode: "ha", init: VAULT_INIT } };
    const refused = await deployDev(DEV, ha);
    assert.equal(releases(refused.run).includes("kp-addons-vault-release"), false);
    assert.match(
      refused.errors.join("\n"),
      /- vault\.mode \(addons\.vault\.mode\): dev -> ha: ha mode is a new Vault/,
    );
    const done = await deployDev(DEV, ha, ["vault.mode=ha"]);
    assert.deepEqual([releases(done.run), done.errors], [ALL_RELEASES, []]);
    const wrong = await deployDev(DEV, ha, ["vault.mode=dev"]);
    assert.equal(releases(wrong.run).includes("kp-addons-vault-release"), false);
  });

  it("a larger Prometheus volume and another StorageClass are refused, every change in one error", async () => {
    const config = { monitoring: { prometheusStorageSize: "20Gi" } };
    const r = await deployDev(changed(DEV, { alertmanager: { storageClass: "fast" } }), config);
    assert.equal(r.errors.length, 1);
    const lines = r.errors[0].split("\n").map((l) => l.split(": ").slice(0, 2).join(": "));
    assert.deepEqual(lines, [
      "Refused 2 volume changes against what this stack last deployed (its volumeSettings output); nothing of Vault or monitoring was changed:",
      "  - prometheus.size (addons.monitoring.prometheusStorageSize): 10Gi -> 20Gi",
      "  - alertmanager.storageClass (the cluster's default StorageClass): fast -> standard",
      "Revert the setting, or carry out the procedure and run: KUBE_PLATFORM_VOLUME_CHANGES_DONE=prometheus.size=20Gi,alertmanager.storageClass=standard pulumi up",
    ]);
  });

  it("dev mode's Vault has no volume: its size and the stack's StorageClass are not compared", async () => {
    const r = await deployDev(DEV, { vault: { storageSize: "20Gi" } });
    assert.deepEqual([releases(r.run), r.errors], [ALL_RELEASES, []]);
    // A dev stack of an earlier version recorded its file-storage volume: moving to the dev server passes.
    const old = await deployDev(DEV_FILE_STORAGE);
    assert.deepEqual([releases(old.run), old.errors], [ALL_RELEASES, []]);
  });

  it("a last deployment in another form is not compared: the stack deploys", async () => {
    const r = await deployDev({ vault: "?" }, { vault: { storageSize: "20Gi" } });
    assert.deepEqual([releases(r.run), r.errors], [ALL_RELEASES, []]);
  });

  it("the real program (index.ts) reads the guard's acknowledgements from the environment", async () => {
    setStackOutputs("dev", { volumeSettings: DEV });
    const before = process.env[VOLUME_CHANGES_DONE_ENV];
    process.env[VOLUME_CHANGES_DONE_ENV] = "prometheus.size=20Gi";
    try {
      const run = await runProgram(devConfig({ monitoring: { prometheusStorageSize: "20Gi" } }), "dev");
      assert.deepEqual(releases(run), ALL_RELEASES);
      assert.deepEqual((run.outputs.volumeSettings as VolumeSettings).prometheus, {
        size: "20Gi",
        storageClass: "standard",
      });
    } finally {
      if (before === undefined) delete process.env[VOLUME_CHANGES_DONE_ENV];
      else process.env[VOLUME_CHANGES_DONE_ENV] = before;
    }
  });
});

describe("day-2 volume changes: the offline preflight", () => {
  it("given the last deployment's outputs, refuses what the deployment would refuse (EXIT.policy); without them it cannot", async () => {
    const config = devConfig({ monitoring: { prometheusStorageSize: "20Gi" } });
    const blind = await preflight(config, "dev");
    assert.deepEqual([blind.exitCode, blind.plan?.volumeChanges], [0, []]);
    const r = await preflight(config, "dev", { outputs: { volumeSettings: DEV } });
    assert.equal(r.exitCode, EXIT.policy);
    assert.equal(r.plan?.volumeChanges.length, 1);
    assert.ok(
      r.plan?.volumeChanges[0].startsWith(
        "prometheus.size (addons.monitoring.prometheusStorageSize): 10Gi -> 20Gi: ",
      ),
    );
    const text = renderPlan(r.plan ?? assert.fail("no plan"));
    assert.match(text, /\nVolume changes refused against the last deployment: 1\n {2}- prometheus\.size /);
    assert.match(text, /\nPreflight FAILED: refused volume changes\.$/);
    const done = await preflight(config, "dev", {
      outputs: { volumeSettings: DEV },
      changesDone: ["prometheus.size=20Gi"],
    });
    assert.deepEqual([done.exitCode, done.plan?.volumeChanges], [0, []]);
  });
});
