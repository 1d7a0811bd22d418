/**
 * Issue 10 item 5: secret add-on config stays secret end to end. `pulumi config set --secret --path
 * addons.<x>.values.<…>` makes the whole top-level key `kube-platform:addons` secret (the CLI stores
 * it as a secure object and lists it in PULUMI_CONFIG_SECRET_KEYS); the mocks do the same for a
 * value wrapped in secret().
 */
import * as assert from "assert";
import { ProgramRun, RecordedResource, runProgram, secret } from "../offline/mocks";
import { exampleConfig } from "../offline/stacks";
import { isSecretValues } from "../components/addons/base";
import { addonsSchema, toAddonsSettings } from "../stacks/addons-config";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const WEBHOOK = "https://hooks.slack.com/services/T000/B000/s3cr3t-token";

/** Addons config carrying an Alertmanager webhook URL, as `--path addons.monitoring.values…` sets it. */
const ADDONS = {
  monitoring: { values: { alertmanager: { config: { global: { slack_api_url: WEBHOOK } } } } },
};

function releases(r: ProgramRun): RecordedResource[] {
  return r.resources.filter((x) => x.type === RELEASE);
}

function monitoringRelease(r: ProgramRun): RecordedResource {
  const found = releases(r).filter((x) => x.inputs.chart === "kube-prometheus-stack");
  assert.strictEqual(found.length, 1, "one kube-prometheus-stack release");
  return found[0];
}

describe("secret add-on values", function () {
  this.timeout(120_000);

  it("a stack whose addons config is secret registers every Release with secret values", async () => {
    const r = await runProgram({ ...exampleConfig("dev"), addons: secret(ADDONS) });
    const rel = monitoringRelease(r);
    assert.ok(rel.secretInputs.has("values"), "monitoring Release values are not a secret");
    const cfg = (rel.inputs.values as { alertmanager: { config: { global: Record<string, unknown> } } })
      .alertmanager.config.global;
    assert.strictEqual(cfg.slack_api_url, WEBHOOK, "the user's value still reaches the chart");
    const plain = releases(r).filter((x) => !x.secretInputs.has("values"));
    assert.deepStrictEqual(
      plain.map((x) => x.name),
      [],
      "every Release fed from the secret addons key",
    );
    assert.ok(releases(r).length >= 4, "the dev stack installs its add-ons");
  });

  it("a non-secret stack keeps Release values readable (not secret)", async () => {
    const r = await runProgram({ ...exampleConfig("dev"), addons: ADDONS });
    const rel = monitoringRelease(r);
    assert.strictEqual(rel.secretInputs.has("values"), false);
    // Only the dev Vault's: its dev server's root token is a secret leaf of its values (the rest reads as is).
    assert.deepStrictEqual(
      releases(r)
        .filter((x) => x.secretInputs.has("values"))
        .map((x) => x.name),
      ["kp-addons-vault-release"],
    );
    const vault = releases(r).find((x) => x.name === "kp-addons-vault-release");
    assert.equal((vault?.inputs.values as { server: { ha: { enabled: boolean } } }).server.ha.enabled, false);
  });

  it("config errors under a secret addons key do not echo the value", async () => {
    const cfg = { ...exampleConfig("dev"), addons: secret({ monitoring: { retention: WEBHOOK } }) };
    await assert.rejects(runProgram(cfg), (err: Error) => {
      assert.match(err.message, /addons\.monitoring\.retention: /);
      assert.ok(!err.message.includes("s3cr3t"), `secret echoed: ${err.message}`);
      return true;
    });
    // The same mistake in plaintext config is shown, so the check above is not vacuous.
    const plain = { ...exampleConfig("dev"), addons: { monitoring: { retention: WEBHOOK } } };
    await assert.rejects(runProgram(plain), /s3cr3t/);
  });

  it("a plaintext secrets key is still refused", async () => {
    // The dev example's own secret (its Vault app's initial value) stays set.
    const own = { helloVaultGreeting: "hello" };
    const cfg = { ...exampleConfig("dev"), secrets: { ...own, token: "plain" } };
    await assert.rejects(
      runProgram(cfg),
      /secrets: is stored in plaintext; set every value with `pulumi config set --secret --path secrets.<name> <value>`/,
    );
    await runProgram({ ...exampleConfig("dev"), secrets: secret({ ...own, token: "x" }) });
  });

  it("toAddonsSettings marks every add-on's values only when the key is secret", () => {
    const parse = () => addonsSchema("dev").parse({});
    const secretSettings = toAddonsSettings(parse(), true);
    const plainSettings = toAddonsSettings(parse(), false);
    const keys = [
      "ingress",
      "certManager",
      "vault",
      "monitoring",
      "metricsServer",
      "clusterAutoscaler",
    ] as const;
    assert.deepStrictEqual(
      keys.map((k) => isSecretValues(secretSettings[k].values)),
      [true, true, true, true, true, true],
    );
    assert.deepStrictEqual(
      keys.map((k) => isSecretValues(plainSettings[k].values)),
      [false, false, false, false, false, false],
    );
  });
});
