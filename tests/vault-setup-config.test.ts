/**
 * What the Pulumi program gives the Vault setup Jobs (components/addons/vault/setup-config.ts):
 * setup.json from typed settings, whole and literal for each mode; the inputs it refuses (the key
 * holders' bounds, the threshold, unique roles); policy names within 63 characters; values.json.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
  appPolicyName,
  assertVaultSetupInputs,
  vaultInitialValues,
  vaultSeal,
  vaultSetupConfig,
} from "../components/addons/vault/setup-config";
import { parseSetup } from "../components/addons/vault/setup/config";
import type { VaultInitSettings } from "../components/addons/types";

const holder = (name: string) => ({ name, pgpKey: `a2V5${name}` });
const init = (n: number, threshold: number): VaultInitSettings => ({
  keyHolders: Array.from({ length: n }, (_, i) => holder(`h${i}`)),
  threshold,
  unsealWaitSeconds: 900,
});
const client = (app: string, role: string, paths: string[], namespace = "shop") => ({
  app,
  namespace,
  serviceAccount: `${app}-sa`,
  role,
  paths,
});
const COMMON = {
  unsealWaitSeconds: 900,
  sharesSecret: { namespace: "vault-setup", name: "vault-init-shares" },
  breakGlassSecret: { namespace: "vault-setup", name: "vault-bootstrap-token" },
  kubernetesHost: "https://kubernetes.default.svc:443",
  authPath: "kubernetes",
  configurator: {
    role: "kube-platform-configurator",
    policy: "kube-platform-configurator",
    serviceAccount: "vault-configurator",
    namespace: "vault-setup",
    tokenTtl: "15m",
  },
  kv: { path: "secret" },
  managedPrefix: "kp-app-",
};

describe("vault setup-config: setup.json from the settings", () => {
  it("vaultSeal: dev mode is the dev server; else a KMS (auto) or key shares (shamir)", () => {
    assert.strictEqual(vaultSeal("dev", true), "dev");
    assert.strictEqual(vaultSeal("dev", false), "dev");
    assert.strictEqual(vaultSeal("ha", true), "auto");
    assert.strictEqual(vaultSeal("ha", false), "shamir");
  });

  it("ha mode, Shamir: the whole setup.json, policies and roles sorted, paths once and sorted", () => {
    const s = vaultSetupConfig({
      mode: "ha",
      seal: "shamir",
      init: init(2, 2),
      clients: [
        client("web", "web", ["secret/data/shop/b", "secret/data/shop/a", "secret/data/shop/b"]),
        client("api", "api", ["secret/data/shop/c"]),
        client("mid", "mid", ["secret/data/shop/m"]),
      ],
    });
    assert.deepStrictEqual(s, {
      seal: "shamir",
      initAddr: "https://vault-0.vault-internal.vault.svc:8200",
      init: { shares: 2, threshold: 2, pgpKeys: ["a2V5h0", "a2V5h1"], holders: ["h0", "h1"] },
      ...COMMON,
      audit: { path: "file", filePath: "/vault/audit/audit.log" },
      vaultCa: {
        source: { namespace: "vault", name: "vault-setup-ca-source" },
        key: "ca.crt",
        configMap: { namespace: "vault-setup", name: "vault-ca" },
      },
      policies: [
        { name: "kp-app-shop-api", paths: ["secret/data/shop/c"] },
        { name: "kp-app-shop-mid", paths: ["secret/data/shop/m"] },
        { name: "kp-app-shop-web", paths: ["secret/data/shop/a", "secret/data/shop/b"] },
      ],
      roles: [
        {
          name: "api",
          serviceAccount: "api-sa",
          namespace: "shop",
          policies: ["kp-app-shop-api"],
          tokenTtl: "1h",
        },
        {
          name: "mid",
          serviceAccount: "mid-sa",
          namespace: "shop",
          policies: ["kp-app-shop-mid"],
          tokenTtl: "1h",
        },
        {
          name: "web",
          serviceAccount: "web-sa",
          namespace: "shop",
          policies: ["kp-app-shop-web"],
          tokenTtl: "1h",
        },
      ],
    });
    // The setup program accepts what the Pulumi program writes.
    assert.deepStrictEqual(parseSetup(JSON.parse(JSON.stringify(s))).problems, []);
  });

  it("dev mode: the dev server's address, stdout audit, no CA to copy", () => {
    const s = vaultSetupConfig({ mode: "dev", seal: "dev", init: init(0, 0), clients: [] });
    assert.deepStrictEqual(s, {
      seal: "dev",
      initAddr: "http://vault.vault.svc:8200",
      init: { shares: 0, threshold: 0, pgpKeys: [], holders: [] },
      ...COMMON,
      audit: { path: "file", filePath: "stdout" },
      policies: [],
      roles: [],
    });
    assert.deepStrictEqual(parseSetup(JSON.parse(JSON.stringify(s))).problems, []);
  });

  it("refuses 0 or more than 255 key holders outside dev, a threshold Vault refuses, a role twice", () => {
    assert.throws(
      () => assertVaultSetupInputs("auto", init(0, 1), []),
      (e: Error) => e.message === "Vault setup: auto seal needs 1 to 255 key holders, got 0",
    );
    assert.throws(
      () => assertVaultSetupInputs("shamir", init(256, 2), []),
      (e: Error) => e.message === "Vault setup: shamir seal needs 1 to 255 key holders, got 256",
    );
    assert.doesNotThrow(() => assertVaultSetupInputs("shamir", init(255, 128), []));
    assert.doesNotThrow(() => assertVaultSetupInputs("auto", init(1, 1), []));
    assert.doesNotThrow(() => assertVaultSetupInputs("dev", init(0, 0), []));
    assert.throws(
      () => assertVaultSetupInputs("shamir", init(3, 1), []),
      (e: Error) =>
        e.message ===
        "Vault setup: init.threshold 1: must be ≥ 2 with 3 key holders (Vault refuses a threshold of 1 for several shares)",
    );
    assert.throws(
      () => vaultSetupConfig({ mode: "ha", seal: "auto", init: init(3, 4), clients: [] }),
      /^Error: Vault setup: init\.threshold 4: must be ≤ the number of key holders \(3\)/,
    );
    const a = client("a", "x", ["secret/data/a"]);
    assert.throws(
      () => assertVaultSetupInputs("dev", init(0, 0), [a, client("b", "x", ["secret/data/b"], "ops")]),
      (e: Error) => e.message === "Vault setup: role x (app ops/b) is not unique",
    );
    assert.throws(
      () => assertVaultSetupInputs("dev", init(0, 0), [client("c", "kube-platform-configurator", [])]),
      (e: Error) => e.message === "Vault setup: role kube-platform-configurator (app shop/c) is not unique",
    );
    assert.doesNotThrow(() => assertVaultSetupInputs("dev", init(0, 0), [a, client("b", "y", [])]));
  });

  it("policy names: kp-app-<namespace>-<app> up to 63 characters, else cut with a hash of the whole", () => {
    const ns = "n".repeat(30);
    const exact = appPolicyName(ns, "a".repeat(25)); // 7 + 30 + 1 + 25 = 63
    assert.strictEqual(exact, `kp-app-${ns}-${"a".repeat(25)}`);
    const long = appPolicyName(ns, "a".repeat(26));
    assert.strictEqual(long, "kp-app-nnnnnnnnnnnnnnnnnnnnnnnnnnnnnn-aaaaaaaaaaaaaa-3e1f23d4c6");
    assert.strictEqual(long.length, 63);
    // A cut ending in dashes drops them (all of them) before the hash.
    assert.strictEqual(
      appPolicyName(`${"n".repeat(43)}-`, "x".repeat(20)),
      "kp-app-nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn-15ae4f97ca",
    );
  });
});

describe("vault setup-config: values.json", () => {
  const withInitial = (app: string, initial: Record<string, Record<string, pulumi.Output<string>>>) => ({
    ...client(app, app, ["secret/data/shop/a", "secret/data/shop/b"]),
    initial,
  });
  const text = (o: pulumi.Output<string>) => new Promise<string>((resolve) => o.apply(resolve));

  it("every field by path, one secret; the same field of two paths and two fields of one path are fine", async () => {
    const values = vaultInitialValues([
      withInitial("web", { "secret/data/shop/a": { x: pulumi.output("1"), y: pulumi.output("2") } }),
      withInitial("api", { "secret/data/shop/b": { x: pulumi.output("3") } }),
    ]);
    assert.strictEqual(await pulumi.isSecret(values), true);
    assert.strictEqual(
      await text(values),
      JSON.stringify({ "secret/data/shop/a": { x: "1", y: "2" }, "secret/data/shop/b": { x: "3" } }, null, 2),
    );
    assert.strictEqual(await text(vaultInitialValues([])), "{}");
  });

  it("refuses a path the app does not read and a field given twice", () => {
    assert.throws(
      () => vaultInitialValues([withInitial("web", { "secret/data/other": { x: pulumi.output("v") } })]),
      (e: Error) =>
        e.message === "Vault setup: app shop/web gives secret/data/other initial values but does not read it",
    );
    assert.throws(
      () =>
        vaultInitialValues([
          withInitial("web", { "secret/data/shop/a": { x: pulumi.output("v") } }),
          withInitial("api", { "secret/data/shop/a": { x: pulumi.output("w") } }),
        ]),
      (e: Error) => e.message === "Vault setup: secret/data/shop/a field x is given an initial value twice",
    );
  });
});
