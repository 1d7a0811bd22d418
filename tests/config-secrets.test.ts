/**
 * The config's secret checks (stacks/config.ts, stacks/validation.ts formatIssues): `secrets` stored
 * in plaintext is refused, and no problem line ever echoes a value under a secret key (`kubeconfig`,
 * `secrets`, or any top-level key Pulumi holds encrypted). Each check both ways.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { isSecretValues } from "../components/addons/base";
import { addonsSchema, toAddonsSettings } from "../stacks/addons-config";
import { parseConfig } from "../stacks/config";
import { problemsOf } from "./helpers/config-problems";

const ctx = { project: "kube-platform", stack: "dev" };
const DOKS = { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] };
const KUBECONFIG = "apiVersion: v1\nkind: Config\n";
const PLAINTEXT =
  "secrets: is stored in plaintext; set every value with `pulumi config set --secret --path secrets.<name> <value>`";

describe("config secret checks: `secrets` stored in plaintext", () => {
  it("refuses `secrets` when Pulumi does not hold it encrypted (the value is not echoed)", () => {
    const problems = problemsOf(
      { cluster: DOKS, secrets: { token: "hunter2" } },
      { ...ctx, secretKeys: new Set(["addons"]) },
    );
    assert.deepStrictEqual(problems, [PLAINTEXT]);
  });

  it("refuses plaintext `secrets` with no other secret key at all", () => {
    assert.deepStrictEqual(
      problemsOf({ cluster: DOKS, secrets: {} }, { ...ctx, secretKeys: new Set<string>() }),
      [PLAINTEXT],
    );
  });

  it("accepts `secrets` held encrypted", () => {
    const cfg = parseConfig(
      { cluster: DOKS, secrets: { token: "hunter2" } },
      { ...ctx, secretKeys: new Set(["secrets"]) },
    );
    assert.strictEqual(cfg.cluster.target, "doks");
  });

  it("accepts a stack without `secrets` whatever the secret keys", () => {
    assert.deepStrictEqual(problemsOf({ cluster: DOKS }, { ...ctx, secretKeys: new Set<string>() }), []);
  });

  it("does not judge `secrets` when the caller gives no secret-key list (unit tests, no engine)", () => {
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, secrets: { token: "x" } }, ctx), []);
  });

  it("the plaintext problem comes with the other problems, after them", () => {
    const problems = problemsOf(
      { cluster: { ...DOKS, region: "mars1" }, secrets: { token: "x" } },
      { ...ctx, secretKeys: new Set<string>() },
    );
    assert.strictEqual(problems.length, 2);
    assert.match(problems[0], /^cluster\.region: got "mars1"/);
    assert.strictEqual(problems[1], PLAINTEXT);
  });
});

describe("config secret checks: values under secret keys are never echoed", () => {
  it("a value of the wrong type under `secrets`", () => {
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, secrets: { token: 5 } }, ctx), [
      "secrets.token: got [secret]; expected string",
    ]);
  });

  it("a bad key of `secrets` (a pasted value in the key's place)", () => {
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, secrets: { "1hunter2": "x" } }, ctx), [
      "secrets.1hunter2: the key [secret] is invalid; it must be a secret name",
    ]);
  });

  it("a bad key of a plaintext map is shown", () => {
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, tags: { Team: "a" } }, ctx), [
      `tags.Team: the key "Team" is invalid; it must be a lowercase tag key (letters, digits, '_', '-'; ≤ 63)`,
    ]);
  });

  it("a kubeconfig of the wrong type, and an empty one", () => {
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, kubeconfig: 5 }, ctx), [
      "kubeconfig: got [secret]; expected string",
    ]);
    assert.deepStrictEqual(problemsOf({ cluster: { target: "existing" }, kubeconfig: "" }, ctx), [
      "kubeconfig: got [secret]; must be at least 1 character(s)",
    ]);
  });

  it("a key Pulumi holds encrypted (`addons` after `--secret --path addons.…`) is hidden; in plaintext it is shown", () => {
    const raw = { cluster: DOKS, addons: { ingress: { replicas: "hunter2" } } };
    assert.deepStrictEqual(problemsOf(raw, { ...ctx, secretKeys: new Set(["addons"]) }), [
      "addons.ingress.replicas: got [secret]; expected number",
    ]);
    assert.deepStrictEqual(problemsOf(raw, { ...ctx, secretKeys: new Set(["cluster"]) }), [
      'addons.ingress.replicas: got "hunter2"; expected number',
    ]);
    assert.deepStrictEqual(problemsOf(raw, ctx), ['addons.ingress.replicas: got "hunter2"; expected number']);
  });

  it("an ill-typed chart value under a secret `addons` is hidden; in plaintext it is shown", () => {
    const raw = { cluster: DOKS, addons: { certManager: { values: { replicaCount: "hunter2" } } } };
    const [hidden] = problemsOf(raw, { ...ctx, secretKeys: new Set(["addons"]) });
    assert.match(hidden, /^addons\.certManager\.values\.replicaCount: got \[secret\]; chart cert-manager /);
    const [shown] = problemsOf(raw, { ...ctx, secretKeys: new Set(["secrets"]) });
    assert.match(shown, /^addons\.certManager\.values\.replicaCount: got "hunter2"; chart cert-manager /);
  });

  it("a kubeconfig on a cloud target is refused without its value", () => {
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, kubeconfig: KUBECONFIG }, ctx), [
      'kubeconfig: is only used with cluster.target "existing" (got target "doks"); remove it',
    ]);
  });
});

describe("config secret values reach the settings as Pulumi secrets", () => {
  it("the existing cluster's kubeconfig (the value itself, a secret)", async () => {
    const cfg = parseConfig({ cluster: { target: "existing" }, kubeconfig: KUBECONFIG }, ctx);
    assert.ok(cfg.cluster.target === "existing");
    assert.strictEqual(await pulumi.isSecret(cfg.cluster.kubeconfig), true);
    const kubeconfig = cfg.cluster.kubeconfig;
    const value = await new Promise((resolve) => kubeconfig.apply(resolve));
    assert.strictEqual(value, KUBECONFIG);
    assert.strictEqual("kubeconfigPath" in cfg.cluster, false);
  });

  it("an app's secretEnv value comes from `secrets`", async () => {
    const cfg = parseConfig(
      {
        cluster: DOKS,
        secrets: { "db-password": "hunter2" },
        apps: [{ name: "shop", image: "ghcr.io/x/shop:1.0.0", port: 8080, secretEnv: { DB: "db-password" } }],
      },
      { ...ctx, secretKeys: new Set(["secrets"]) },
    );
    const out = cfg.apps[0].secretEnv.DB;
    assert.strictEqual(await pulumi.isSecret(out), true);
    assert.strictEqual(await new Promise((resolve) => out.apply(resolve)), "hunter2");
  });

  it("a secret `addons` key marks the add-ons' values secret; a plaintext one, or no secret-key list, does not", () => {
    const values = (c: typeof ctx & { secretKeys?: Set<string> }) =>
      isSecretValues(parseConfig({ cluster: DOKS }, c).addons.vault.values);
    assert.strictEqual(values({ ...ctx, secretKeys: new Set(["addons"]) }), true);
    assert.strictEqual(values({ ...ctx, secretKeys: new Set(["cluster"]) }), false);
    assert.strictEqual(values(ctx), false);
  });

  it("toAddonsSettings with `secret` marks every add-on's values and the ingress annotations; without, none", () => {
    const dns = { project: "kube-platform", stack: "dev", clusterName: "c", target: "doks" as const };
    const of = (secret: boolean) => {
      const parsed = addonsSchema("dev").parse({ dns: { zones: [{ name: "shop.dev" }] } });
      const a = toAddonsSettings(parsed, secret, {}, dns);
      return [
        a.ingress.values,
        a.certManager.values,
        a.vault.values,
        a.monitoring.values,
        a.metricsServer.values,
        a.clusterAutoscaler.values,
        a.dns?.values ?? {},
        a.ingress.serviceAnnotations,
      ].map((v) => isSecretValues(v));
    };
    assert.deepStrictEqual(of(true), [true, true, true, true, true, true, true, true]);
    assert.deepStrictEqual(of(false), [false, false, false, false, false, false, false, false]);
  });
});
