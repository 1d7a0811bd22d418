/**
 * `vault-setup.js bootstrap` (components/addons/vault/setup/) against the fake Vault and the fake
 * Kubernetes API: fresh init with auto-unseal and with Shamir, dev mode, an initialised Vault left
 * alone, the break-glass Secret, and the shares printed as a last resort when no Secret can hold
 * them. Every run's output is checked for tokens, JWTs, shares and values.
 */
import * as assert from "assert";
import { FakeVault, parsePolicy } from "./helpers/fake-vault";
import { assertClean, FakeKube, runSetup, setupJson } from "./helpers/fake-kube";
import { BREAK_GLASS, BREAK_GLASS_END } from "./helpers/vault-fixtures";

const CONFIGURATOR_RULES = new Map([
  ["sys/mounts", ["read"]],
  ["sys/mounts/secret", ["update"]],
  ["sys/audit", ["read", "sudo"]],
  ["sys/audit/file", ["update", "sudo"]],
  ["sys/policies/acl/", ["list"]],
  ["sys/policies/acl/kp-app-*", ["read", "update", "delete"]],
  ["auth/kubernetes/role/", ["list"]],
  ["auth/kubernetes/role/*", ["create", "read", "update", "delete"]],
  ["auth/kubernetes/role/kube-platform-configurator", ["deny"]],
  ["secret/data/*", ["create"]],
  ["secret/metadata/*", ["read"]],
  ["auth/token/revoke-self", ["update"]],
]);

/** The configurator's rule on app roles, as Vault reads it (the fake enforces it: paramsAllowed). */
const ROLE_RULE =
  'path "auth/kubernetes/role/*" {\n  capabilities = ["create", "read", "update", "delete"]\n' +
  "  allowed_parameters = {\n" +
  '    "bound_service_account_names" = []\n    "bound_service_account_namespaces" = []\n' +
  '    "token_policies" = ["kp-app-*"]\n    "token_ttl" = []\n  }\n' +
  "  denied_parameters = {\n" +
  '    "bound_service_account_names" = ["***"]\n    "bound_service_account_namespaces" = ["***", "vault"]\n' +
  '    "token_policies" = ["*,*"]\n  }\n}\n';

/** What a completed bootstrap leaves: the auth method, its config, the configurator policy and role. */
function assertSetUp(vault: FakeVault): void {
  const auth = vault.auth.get("kubernetes/");
  assert.strictEqual(auth?.type, "kubernetes");
  assert.deepStrictEqual(auth.config, { kubernetes_host: "https://kubernetes.default.svc:443" });
  const policy = vault.policies.get("kube-platform-configurator") ?? "";
  assert.deepStrictEqual(parsePolicy(policy), CONFIGURATOR_RULES);
  assert.ok(policy.includes(ROLE_RULE), policy);
  assert.deepStrictEqual(auth.roles.get("kube-platform-configurator"), {
    names: ["vault-configurator"],
    namespaces: ["vault"],
    policies: ["kube-platform-configurator"],
    ttl: 900,
    maxTtl: 900,
    noDefault: true,
  });
}

describe("vault-setup bootstrap", () => {
  let vault: FakeVault;
  let kube: FakeKube;
  afterEach(async () => {
    await vault.stop();
    await kube.stop();
  });

  describe("fresh Vault with auto-unseal", () => {
    it("initialises with recovery_* fields, stores the shares first, sets up and revokes the root token", async () => {
      vault = await new FakeVault("auto").start();
      kube = await new FakeKube().start();
      const beforeShares: string[] = [];
      vault.onRequest = (r) => {
        if (vault.initialized && !kube.secrets.has("vault/vault-init-shares")) beforeShares.push(r.path);
      };
      const run = await runSetup({ command: "bootstrap", vault, kube, setup: setupJson("auto", vault) });
      assert.strictEqual(run.code, 0, run.err.join("\n"));
      assert.deepStrictEqual(vault.initRequest, {
        recovery_shares: 3,
        recovery_threshold: 2,
        recovery_pgp_keys: ["bXlrZXlB", "bXlrZXlC", "bXlrZXlD"],
      });
      assert.deepStrictEqual(
        vault.requests.filter((r) => r.path === "sys/init").map((r) => `${r.via} ${r.method}`),
        ["pod GET", "pod PUT"],
      );
      assert.deepStrictEqual(beforeShares, [], "no Vault request between init and storing the shares");
      assert.deepStrictEqual(JSON.parse(kube.data("vault", "vault-init-shares")?.["shares.json"] ?? ""), [
        { holder: "alice", share: vault.shares[0] },
        { holder: "bob", share: vault.shares[1] },
        { holder: "carol", share: vault.shares[2] },
      ]);
      assert.deepStrictEqual(kube.secrets.get("vault/vault-init-shares")?.metadata.labels, {
        "app.kubernetes.io/managed-by": "kube-platform-vault-setup",
      });
      assert.deepStrictEqual(kube.verbs, [
        "get vault/vault-init-shares",
        "get vault/vault-init-shares",
        "create vault/*",
      ]);
      assertSetUp(vault);
      const rootCalls = vault.requests.filter((r) => r.token === vault.rootToken);
      assert.strictEqual(rootCalls.at(-1)?.path, "auth/token/revoke-self");
      assert.strictEqual(vault.tokens.has(vault.rootToken), false, "root token revoked");
      assert.deepStrictEqual(run.out, [
        `vault-setup bootstrap: Vault at ${vault.podUrl} is not initialised: initialising (3 recovery key shares, threshold 2, each encrypted to the PGP key of alice, bob, carol)`,
        "vault-setup bootstrap: Vault initialised; storing the encrypted shares before anything else",
        "vault-setup bootstrap: stored 3 encrypted shares in Secret vault/vault-init-shares (created), key shares.json",
        "vault-setup bootstrap: enabled the kubernetes auth method at kubernetes/",
        "vault-setup bootstrap: configured auth/kubernetes/config (kubernetes_host https://kubernetes.default.svc:443)",
        "vault-setup bootstrap: wrote policy kube-platform-configurator",
        "vault-setup bootstrap: wrote role kube-platform-configurator (bound to ServiceAccount vault/vault-configurator, policy kube-platform-configurator)",
        "vault-setup bootstrap: revoked the initial root token",
        "vault-setup bootstrap: bootstrap complete",
      ]);
      assert.deepStrictEqual(run.err, []);
      assertClean(run, vault, kube);
    });

    it("replaces old shares in an existing shares Secret (update, with its resourceVersion)", async () => {
      vault = await new FakeVault("auto").start();
      kube = await new FakeKube().start();
      kube.put("vault", "vault-init-shares", { "shares.json": "[]", note: "kept" });
      const run = await runSetup({ command: "bootstrap", vault, kube, setup: setupJson("auto", vault) });
      assert.strictEqual(run.code, 0, run.err.join("\n"));
      assert.deepStrictEqual(kube.verbs, [
        "get vault/vault-init-shares",
        "get vault/vault-init-shares",
        "update vault/vault-init-shares",
      ]);
      assert.strictEqual(kube.data("vault", "vault-init-shares")?.note, "kept");
      assert.strictEqual(
        JSON.parse(kube.data("vault", "vault-init-shares")?.["shares.json"] ?? "").length,
        3,
      );
    });
    it("does not initialise when the Kubernetes API refuses it (nothing lost yet)", async () => {
      vault = await new FakeVault("auto").start();
      kube = await new FakeKube().start();
      const run = await runSetup({
        command: "bootstrap",
        vault,
        kube,
        setup: setupJson("auto", vault),
        saToken: "wrong-token-123",
      });
      assert.strictEqual(run.code, 1);
      assert.deepStrictEqual(run.err, [
        "vault-setup bootstrap: ERROR: check access to the shares Secret: GET /api/v1/namespaces/vault/secrets/vault-init-shares answered HTTP 401: Unauthorized",
      ]);
      assert.strictEqual(vault.initRequest, null);
      assert.strictEqual(vault.initialized, false);
    });

    it("never retries the init request; a lost answer is explained", async () => {
      vault = await new FakeVault("auto").start();
      kube = await new FakeKube().start();
      vault.fault({ method: "PUT", path: "sys/init", times: 1, drop: true });
      const run = await runSetup({ command: "bootstrap", vault, kube, setup: setupJson("auto", vault) });
      assert.strictEqual(run.code, 1);
      assert.strictEqual(vault.requests.filter((r) => r.method === "PUT").length, 1);
      assert.deepStrictEqual(run.err, [
        `vault-setup bootstrap: ERROR: initialise Vault: PUT /v1/sys/init at ${vault.podUrl} failed: ECONNRESET socket hang up: the answer to the init request was lost. If Vault is initialised now (GET /v1/sys/init), its shares and root token were lost with it: delete Vault's data volumes and run again`,
      ]);
    });
  });

  describe("fresh Vault with Shamir", () => {
    it("initialises with secret_shares/pgp_keys and waits until the holders unseal it", async () => {
      vault = await new FakeVault("shamir").start();
      kube = await new FakeKube().start();
      const onSleep = (slept: number) => {
        if (slept >= 120_000) vault.sealed = false;
      };
      const run = await runSetup({
        command: "bootstrap",
        vault,
        kube,
        setup: setupJson("shamir", vault),
        onSleep,
      });
      assert.strictEqual(run.code, 0, run.err.join("\n"));
      assert.deepStrictEqual(vault.initRequest, {
        secret_shares: 3,
        secret_threshold: 2,
        pgp_keys: ["bXlrZXlB", "bXlrZXlC", "bXlrZXlD"],
      });
      assert.strictEqual(run.slept, 120_000);
      assert.ok(
        run.out.includes(
          "vault-setup bootstrap: Shamir seal: waiting up to 600 s for the key holders to unseal Vault (2 of 3 shares, on every server pod)",
        ),
      );
      assert.ok(
        run.out.includes(
          "vault-setup bootstrap: waiting (up to 600 s): Vault is sealed (vault-0: sealed, unseal progress 0 of 2)",
        ),
      );
      assert.strictEqual(
        JSON.parse(kube.data("vault", "vault-init-shares")?.["shares.json"] ?? "").length,
        3,
      );
      assertSetUp(vault);
      assert.strictEqual(vault.tokens.has(vault.rootToken), false);
      assertClean(run, vault, kube);
    });

    it("gives up after unsealWaitSeconds with a message saying what the holders must do", async () => {
      vault = await new FakeVault("shamir").start();
      kube = await new FakeKube().start();
      const run = await runSetup({ command: "bootstrap", vault, kube, setup: setupJson("shamir", vault) });
      assert.strictEqual(run.code, 1);
      assert.strictEqual(run.slept, 600_000, "bounded by unsealWaitSeconds");
      assert.deepStrictEqual(run.err, [
        "vault-setup bootstrap: ERROR: revoke the initial root token: POST /v1/auth/token/revoke-self answered HTTP 503: Vault is sealed",
        `vault-setup bootstrap: ERROR: wait until Vault is unsealed: Vault at ${vault.url} was still sealed (vault-0: sealed, unseal progress 0 of 2) after 600 s: the key holders must unseal every server pod (kubectl -n vault exec -ti vault-N -- vault operator unseal, once per share up to the threshold); with auto-unseal, check the KMS access (kubectl -n vault logs vault-0). ` +
          "Vault is initialised (shares in vault/vault-init-shares) but not set up, and the initial root token is lost with this pod. " +
          BREAK_GLASS +
          "(3) pulumi up --replace <the bootstrap Job's URN> --replace <the configure Job's URN> (pulumi stack --show-urns)" +
          BREAK_GLASS_END,
      ]);
      assert.strictEqual(
        JSON.parse(kube.data("vault", "vault-init-shares")?.["shares.json"] ?? "").length,
        3,
      );
      assertClean(run, vault, kube);
    });
  });

  describe("dev mode", () => {
    it("sets up with the dev root token, revokes it, and a rerun (403 on it) leaves Vault alone", async () => {
      vault = await new FakeVault("dev").start();
      kube = await new FakeKube().start();
      const devToken = vault.token(["root"], "dev-root-token-abcdef");
      const setup = setupJson("dev", vault);
      const run = await runSetup({ command: "bootstrap", vault, setup, devToken: `${devToken}\n` });
      assert.strictEqual(run.code, 0, run.err.join("\n"));
      assertSetUp(vault);
      assert.strictEqual(vault.tokens.has(devToken), false, "dev root token revoked");
      assert.strictEqual(vault.initRequest, null);
      assert.strictEqual(run.out.at(-1), "vault-setup bootstrap: bootstrap complete (dev)");
      assertClean(run, vault);
      const again = await runSetup({ command: "bootstrap", vault, setup, devToken });
      assert.strictEqual(again.code, 0);
      assert.deepStrictEqual(again.out, [
        "vault-setup bootstrap: the dev root token is no longer valid (HTTP 403): Vault is already set up, left alone",
      ]);
      assert.deepStrictEqual(kube.verbs, [], "dev mode never calls the Kubernetes API");
    });
  });

  describe("Vault already initialised", () => {
    it("is left alone without a break-glass Secret: no init call, only the Secret read", async () => {
      vault = await new FakeVault("auto").start();
      kube = await new FakeKube().start();
      vault.initialized = true;
      vault.sealed = false;
      const run = await runSetup({ command: "bootstrap", vault, kube, setup: setupJson("auto", vault) });
      assert.strictEqual(run.code, 0);
      assert.deepStrictEqual(
        vault.requests.map((r) => `${r.method} ${r.path}`),
        ["GET sys/init"],
      );
      assert.deepStrictEqual(kube.verbs, ["get vault/vault-bootstrap-token"]);
      assert.deepStrictEqual(run.out, [
        "vault-setup bootstrap: Vault is already initialised: left alone (no break-glass Secret vault/vault-bootstrap-token)",
      ]);
    });

    it("with a break-glass Secret: sets up with its root token, revokes it and deletes the Secret", async () => {
      vault = await new FakeVault("shamir").start();
      kube = await new FakeKube().start();
      vault.initialized = true;
      vault.sealed = false;
      const breakGlass = vault.token(["root"]);
      kube.put("vault", "vault-bootstrap-token", { token: `${breakGlass}\n` });
      const run = await runSetup({ command: "bootstrap", vault, kube, setup: setupJson("shamir", vault) });
      assert.strictEqual(run.code, 0, run.err.join("\n"));
      assertSetUp(vault);
      assert.strictEqual(vault.tokens.has(breakGlass), false, "break-glass token revoked");
      assert.strictEqual(kube.secrets.has("vault/vault-bootstrap-token"), false);
      assert.deepStrictEqual(kube.verbs, [
        "get vault/vault-bootstrap-token",
        "delete vault/vault-bootstrap-token",
      ]);
      assert.strictEqual(vault.initRequest, null);
      assert.strictEqual(run.out.at(-1), "vault-setup bootstrap: bootstrap complete (break-glass)");
      assertClean(run, vault, kube);
    });

    it("refuses a break-glass token Vault does not accept, and keeps the Secret", async () => {
      vault = await new FakeVault("auto").start();
      kube = await new FakeKube().start();
      vault.initialized = true;
      vault.sealed = false;
      kube.put("vault", "vault-bootstrap-token", { token: "hvs.not-a-valid-token-123" });
      const run = await runSetup({ command: "bootstrap", vault, kube, setup: setupJson("auto", vault) });
      assert.strictEqual(run.code, 1);
      assert.deepStrictEqual(run.err, [
        "vault-setup bootstrap: ERROR: check the break-glass token: Vault does not accept the token in vault/vault-bootstrap-token (HTTP 403): generate a new root token (vault operator generate-root) and replace the Secret",
      ]);
      assert.strictEqual(kube.secrets.has("vault/vault-bootstrap-token"), true);
      assert.ok(!run.all.some((l) => l.includes("hvs.not-a-valid-token-123")));
    });
  });

  describe("shares Secret cannot be written", () => {
    it("prints the encrypted shares as a last resort, completes the setup and fails", async () => {
      vault = await new FakeVault("auto").start();
      kube = await new FakeKube().start();
      kube.failWrites = { times: 100, status: 403 };
      const run = await runSetup({ command: "bootstrap", vault, kube, setup: setupJson("auto", vault) });
      assert.strictEqual(run.code, 1);
      assert.strictEqual(kube.verbs.filter((v) => v === "create vault/*").length, 5);
      const start = run.err.indexOf("=== VAULT KEY SHARES (LAST RESORT) ===");
      const end = run.err.indexOf("=== END OF VAULT KEY SHARES ===");
      assert.ok(start >= 0 && end > start);
      const block = run.err.slice(start + 1, end).join("\n");
      for (const share of vault.shares) assert.ok(block.includes(share));
      const outside = [...run.out, ...run.err.slice(0, start), ...run.err.slice(end + 1)];
      assertClean({ ...run, all: outside }, vault, kube);
      // Where to read it again, that the Job is kept (retainOnDelete), how to delete it afterwards.
      assert.deepStrictEqual(run.err.slice(start + 1, start + 6), [
        "The Secret vault/vault-init-shares could not be written, and Vault will never give these shares again.",
        "Each is encrypted to one holder's PGP key (only that holder's private key decrypts it). Save this block",
        "now (kubectl -n vault logs job/<this Job>), then give each holder their line. Without a quorum of them Vault",
        "cannot be unsealed (Shamir) or recovered (generate-root, rekey). This Job and its pod are kept when `pulumi up`",
        "replaces it; once the shares are saved, delete it (kubectl -n vault get jobs; kubectl -n vault delete job <name>).",
      ]);
      assert.deepStrictEqual(JSON.parse(run.err.slice(start + 6, end).join("\n")), [
        { holder: "alice", share: vault.shares[0] },
        { holder: "bob", share: vault.shares[1] },
        { holder: "carol", share: vault.shares[2] },
      ]);
      assertSetUp(vault);
      assert.strictEqual(vault.tokens.has(vault.rootToken), false);
      assert.strictEqual(
        run.err.at(-1),
        "vault-setup bootstrap: ERROR: store the shares: the Secret vault/vault-init-shares could not be written; the encrypted shares are printed above: save them now (docs/addons/vault.md, Initialisation)",
      );
      assert.strictEqual(
        run.err[0],
        `vault-setup bootstrap: ERROR: store the shares: POST /api/v1/namespaces/vault/secrets answered HTTP 403: secrets is forbidden: cannot create resource "secrets" (attempt 1 of 5)`,
      );
    });
  });
});

describe("vault-setup bootstrap: Vault's CA from the kube API (ha mode, the setup in its own namespace)", () => {
  let vault: FakeVault;
  let kube: FakeKube;
  afterEach(async () => {
    await vault.stop();
    await kube.stop();
  });
  const CA = "-----BEGIN CERTIFICATE-----\nTUlJQmZha2VWYXVsdENB\n-----END CERTIFICATE-----\n";
  const vaultCa = {
    source: { namespace: "vault", name: "vault-setup-ca-source" },
    key: "ca.crt",
    configMap: { namespace: "vault-setup", name: "vault-ca" },
  };

  it("reads ca.crt of the source Secret first, copies it into the ConfigMap, then bootstraps", async () => {
    vault = await new FakeVault("auto").start();
    kube = await new FakeKube().start();
    kube.put("vault", "vault-setup-ca-source", { "ca.crt": CA, "tls.key": "not-read-into-output" });
    const run = await runSetup({
      command: "bootstrap",
      vault,
      kube,
      setup: setupJson("auto", vault, { vaultCa }),
    });
    assert.strictEqual(run.code, 0, run.err.join("\n"));
    assert.deepStrictEqual(kube.verbs.slice(0, 3), [
      "get vault/vault-setup-ca-source",
      "get configmaps/vault-setup/vault-ca",
      "create configmaps/vault-setup/*",
    ]);
    assert.deepStrictEqual(kube.configMaps.get("vault-setup/vault-ca")?.data, { "ca.crt": CA });
    assert.strictEqual(
      run.out[0],
      "vault-setup bootstrap: copied Vault's CA certificate from Secret vault/vault-setup-ca-source to ConfigMap vault-setup/vault-ca (created)",
    );
    assert.ok(!run.all.some((l) => l.includes("TUlJQmZha2VWYXVsdENB") || l.includes("not-read-into-output")));
    assertSetUp(vault);
  });

  it("fails before touching Vault when the source Secret is missing or holds no certificate", async () => {
    vault = await new FakeVault("auto").start();
    kube = await new FakeKube().start();
    const missing = await runSetup({
      command: "bootstrap",
      vault,
      kube,
      setup: setupJson("auto", vault, { vaultCa }),
    });
    assert.strictEqual(missing.code, 1);
    assert.deepStrictEqual(missing.err, [
      "vault-setup bootstrap: ERROR: read Vault's CA certificate: Secret vault/vault-setup-ca-source does not exist yet (cert-manager issues it from Vault's CA Issuer)",
    ]);
    kube.put("vault", "vault-setup-ca-source", { "tls.crt": CA });
    const noKey = await runSetup({
      command: "bootstrap",
      vault,
      kube,
      setup: setupJson("auto", vault, { vaultCa }),
    });
    assert.deepStrictEqual(noKey.err, [
      'vault-setup bootstrap: ERROR: read Vault\'s CA certificate: Secret vault/vault-setup-ca-source has no PEM certificate in data key "ca.crt"',
    ]);
    assert.deepStrictEqual(vault.requests, [], "Vault is never called");
    assert.strictEqual(kube.configMaps.size, 0);
  });

  it("setup.json vaultCa: each part checked, one line each", async () => {
    vault = await new FakeVault("auto").start();
    kube = await new FakeKube().start();
    const bad = { source: { namespace: "Vault", name: "x" }, key: "ca crt", configMap: {} };
    const run = await runSetup({
      command: "bootstrap",
      vault,
      kube,
      setup: setupJson("auto", vault, { vaultCa: bad }),
    });
    assert.strictEqual(run.code, 2);
    assert.deepStrictEqual(run.err, [
      'vault-setup bootstrap: ERROR: setup.json vaultCa.source.namespace: "Vault" is not allowed: a Kubernetes namespace name',
      'vault-setup bootstrap: ERROR: setup.json vaultCa.key: "ca crt" is not allowed: a data key of that Secret such as ca.crt',
      "vault-setup bootstrap: ERROR: setup.json vaultCa.configMap.namespace: missing (expected a Kubernetes namespace name)",
      "vault-setup bootstrap: ERROR: setup.json vaultCa.configMap.name: missing (expected a Kubernetes object name)",
    ]);
  });
});
