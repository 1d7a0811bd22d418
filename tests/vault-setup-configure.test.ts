/**
 * `vault-setup.js configure` (components/addons/vault/setup/) against the fake Vault after a real
 * bootstrap: the configurator can do only what the policy bootstrap wrote allows, so a policy that
 * forgets a path fails here. Convergence (create, update, remove undeclared managed items, never
 * overwrite a secret), refusals, a sealed Vault, a permission denied, a network error mid-way then
 * a rerun; no token, JWT or value in any output line.
 */
import * as assert from "assert";
import { FakeVault } from "./helpers/fake-vault";
import { assertClean, FakeKube, Run, runSetup, setupJson } from "./helpers/fake-kube";
import { BREAK_GLASS, BREAK_GLASS_END } from "./helpers/vault-fixtures";

const VALUES = { "secret/data/shop/config": { password: "s3cret-value-1", apiKey: "s3cret-value-2" } };
const SECRET_VALUES = ["s3cret-value-1", "s3cret-value-2"];
const APP_POLICY =
  "# kube-platform app policy (managed by vault-setup.js configure: rewritten or deleted from the stack config).\n" +
  'path "secret/data/shop/config" {\n  capabilities = ["read"]\n}\n';
const SHOP_ROLE = {
  names: ["web"],
  namespaces: ["shop"],
  policies: ["kp-app-shop-web"],
  ttl: 3600,
  maxTtl: 0,
  noDefault: false,
};

const JOB_URNS = {
  bootstrap:
    "urn:pulumi:prod::kube-platform::kube-platform:addons:VaultSetup$kubernetes:batch/v1:Job::kp-addons-vault-setup-bootstrap",
  configure:
    "urn:pulumi:prod::kube-platform::kube-platform:addons:VaultSetup$kubernetes:batch/v1:Job::kp-addons-vault-setup-configure",
};
const MISSING_ROLE =
  "Vault is initialised but the bootstrap Job has not set it up (with a Shamir seal: the key holders unsealed it " +
  "after the bootstrap's 600 s wait; or the bootstrap's pod was lost), and a rerun of it leaves an initialised Vault alone. ";
describe("vault-setup configure", () => {
  let vault: FakeVault;
  let kube: FakeKube;
  const roles = () => vault.auth.get("kubernetes/")?.roles ?? new Map();
  const configure = async (o: { setup?: object; values?: object; saToken?: string } = {}): Promise<Run> => {
    const run = await runSetup({
      command: "configure",
      vault,
      setup: o.setup ?? setupJson("auto", vault),
      values: o.values ?? VALUES,
      saToken: o.saToken ?? vault.jwt("vault", "vault-configurator"),
    });
    assertClean(run, vault, kube, SECRET_VALUES);
    return run;
  };

  beforeEach(async () => {
    vault = await new FakeVault("auto").start();
    kube = await new FakeKube().start();
    const run = await runSetup({ command: "bootstrap", vault, kube, setup: setupJson("auto", vault) });
    assert.strictEqual(run.code, 0, run.err.join("\n"));
  });
  afterEach(async () => {
    await vault.stop();
    await kube.stop();
  });

  it("converges a fresh Vault and revokes its token", async () => {
    const run = await configure();
    assert.strictEqual(run.code, 0, run.err.join("\n"));
    assert.deepStrictEqual(vault.mounts.get("secret/"), {
      type: "kv",
      options: { version: "2" },
      roles: new Map(),
    });
    assert.deepStrictEqual(vault.audit.get("file/")?.options, { file_path: "/vault/audit/audit.log" });
    assert.strictEqual(vault.policies.get("kp-app-shop-web"), APP_POLICY);
    assert.deepStrictEqual(roles().get("shop-web"), SHOP_ROLE);
    assert.deepStrictEqual(vault.kv.get("secret/shop/config"), {
      version: 1,
      data: VALUES["secret/data/shop/config"],
    });
    assert.deepStrictEqual(
      [...vault.tokens.values()].filter((t) => t.policies.includes("kube-platform-configurator")),
      [],
      "configurator token revoked",
    );
    assert.deepStrictEqual(run.out, [
      "vault-setup configure: logged in as role kube-platform-configurator",
      "vault-setup configure: enabled the KV v2 secrets engine at secret/",
      "vault-setup configure: enabled the file audit device file/ (file_path /vault/audit/audit.log)",
      "vault-setup configure: policy kp-app-shop-web created (read on secret/data/shop/config)",
      "vault-setup configure: role shop-web created (ServiceAccount shop/web, policies kp-app-shop-web, token ttl 1h)",
      "vault-setup configure: secret secret/data/shop/config written (2 fields)",
      "vault-setup configure: revoked the configurator token",
      "vault-setup configure: configuration applied",
    ]);
    assert.ok(run.slept >= 5000, "the first KV request met the upgrade answer and was retried");

    const again = await configure();
    assert.strictEqual(again.code, 0);
    assert.deepStrictEqual(again.out.slice(1, 6), [
      "vault-setup configure: KV v2 secrets engine at secret/ already enabled",
      "vault-setup configure: audit device file/ (file /vault/audit/audit.log) already enabled",
      "vault-setup configure: policy kp-app-shop-web unchanged",
      "vault-setup configure: role shop-web unchanged",
      "vault-setup configure: secret secret/data/shop/config exists: left as it is (never overwritten)",
    ]);
  });

  it("never overwrites an existing secret value", async () => {
    vault.mounts.set("secret/", { type: "kv", options: { version: "2" } });
    vault.kv.set("secret/shop/config", { version: 3, data: { password: "kept-by-the-operator" } });
    const run = await configure();
    assert.strictEqual(run.code, 0, run.err.join("\n"));
    assert.deepStrictEqual(vault.kv.get("secret/shop/config"), {
      version: 3,
      data: { password: "kept-by-the-operator" },
    });
    assert.ok(
      run.out.includes(
        "vault-setup configure: secret secret/data/shop/config exists: left as it is (never overwritten)",
      ),
    );
    assert.deepStrictEqual(
      vault.requests.filter((r) => r.path === "secret/data/shop/config"),
      [],
      "no write attempted (the configurator could not update it anyway: create only)",
    );
  });

  it("updates a changed role and policy, removes undeclared managed ones, leaves the others alone", async () => {
    const other = (policies: string[]) => ({ ...SHOP_ROLE, names: ["x"], namespaces: ["x"], policies });
    vault.policies.set("kp-app-shop-web", 'path "secret/data/old" {\n  capabilities = ["read"]\n}\n');
    vault.policies.set("kp-app-gone", 'path "secret/data/gone" {\n  capabilities = ["read"]\n}\n');
    vault.policies.set("ops-read", 'path "secret/data/ops" {\n  capabilities = ["read"]\n}\n');
    roles().set("shop-web", { ...SHOP_ROLE, names: ["default"], ttl: 7200 });
    roles().set("gone-app", other(["kp-app-gone"]));
    roles().set("ops", other(["ops-read"]));
    roles().set("mixed", other(["kp-app-gone", "ops-read"]));
    const run = await configure();
    assert.strictEqual(run.code, 0, run.err.join("\n"));
    assert.strictEqual(vault.policies.get("kp-app-shop-web"), APP_POLICY);
    assert.deepStrictEqual(roles().get("shop-web"), SHOP_ROLE);
    assert.deepStrictEqual([...roles().keys()].sort(), [
      "kube-platform-configurator",
      "mixed",
      "ops",
      "shop-web",
    ]);
    assert.deepStrictEqual([...vault.policies.keys()].sort(), [
      "default",
      "kp-app-shop-web",
      "kube-platform-configurator",
      "ops-read",
    ]);
    assert.deepStrictEqual(run.out.slice(3, 10), [
      "vault-setup configure: policy kp-app-shop-web updated (read on secret/data/shop/config)",
      "vault-setup configure: role shop-web updated (ServiceAccount shop/web, policies kp-app-shop-web, token ttl 1h)",
      "vault-setup configure: role gone-app deleted (no longer declared)",
      "vault-setup configure: role mixed left alone (not managed: its policies are not all kp-app-*)",
      "vault-setup configure: role ops left alone (not managed: its policies are not all kp-app-*)",
      "vault-setup configure: policy kp-app-gone deleted (no longer declared)",
      "vault-setup configure: secret secret/data/shop/config written (2 fields)",
    ]);
  });

  it("refuses a KV mount of another version or type (never remounts)", async () => {
    vault.mounts.set("secret/", { type: "kv", options: { version: "1" } });
    const run = await configure();
    assert.strictEqual(run.code, 1);
    assert.deepStrictEqual(run.err, [
      "vault-setup configure: ERROR: ensure the KV v2 secrets engine: secret/ is kv version 1: refused (never remounted: that would hide or lose its data); migrate it by hand (kv version 1: vault kv enable-versioning secret/) or choose another kv.path",
    ]);
    assert.ok(!vault.requests.some((r) => r.path.startsWith("sys/mounts/")));
    assert.strictEqual(run.out.at(-1), "vault-setup configure: revoked the configurator token");
    vault.mounts.set("secret/", { type: "transit", options: null });
    const transit = await configure();
    assert.match(transit.err[0] ?? "", /secret\/ is a transit engine: refused/);
  });

  it("refuses an audit device at the path with other options", async () => {
    vault.audit.set("file/", { type: "file", options: { file_path: "/tmp/elsewhere.log" } });
    const run = await configure();
    assert.strictEqual(run.code, 1);
    assert.deepStrictEqual(run.err, [
      "vault-setup configure: ERROR: ensure the audit device: file/ is a file device with file_path /tmp/elsewhere.log, not file /vault/audit/audit.log: refused (disabling an audit device loses its HMAC salt); disable it by hand (vault audit disable file) to let this Job enable it again",
    ]);
  });

  it("waits for a sealed Vault, then completes once it is unsealed", async () => {
    vault.sealed = true;
    const run = await runSetup({
      command: "configure",
      vault,
      setup: setupJson("auto", vault),
      saToken: vault.jwt("vault", "vault-configurator"),
      onSleep: (slept) => {
        if (slept >= 30_000) vault.sealed = false;
      },
    });
    assert.strictEqual(run.code, 0, run.err.join("\n"));
    assert.strictEqual(run.out[0], "vault-setup configure: waiting (up to 600 s): Vault is sealed");
  });

  it("fails after unsealWaitSeconds when Vault stays sealed, before logging in", async () => {
    vault.sealed = true;
    const run = await configure({ setup: setupJson("auto", vault, { unsealWaitSeconds: 60 }) });
    assert.strictEqual(run.code, 1);
    assert.strictEqual(run.slept, 60_000);
    assert.deepStrictEqual(run.err, [
      `vault-setup configure: ERROR: wait for Vault: Vault at ${vault.url} was still sealed after 60 s: the key holders must unseal every server pod (kubectl -n vault exec -ti vault-N -- vault operator unseal, once per share up to the threshold); with auto-unseal, check the KMS access (kubectl -n vault logs vault-0)`,
    ]);
    assert.ok(!vault.requests.some((r) => r.path.endsWith("/login")));
  });

  it("names the step, the path and Vault's text on a permission denied", async () => {
    const policy = vault.policies.get("kube-platform-configurator") ?? "";
    vault.policies.set(
      "kube-platform-configurator",
      policy.replace(
        'path "sys/audit" {\n  capabilities = ["read", "sudo"]',
        'path "sys/audit" {\n  capabilities = ["read"]',
      ),
    );
    const run = await configure();
    assert.strictEqual(run.code, 1);
    assert.deepStrictEqual(run.err, [
      "vault-setup configure: ERROR: list audit devices: GET /v1/sys/audit answered HTTP 403: 1 error occurred: * permission denied",
    ]);
  });

  it("the configurator cannot touch its own role or a policy outside the managed prefix", async () => {
    const token = vault.token(["kube-platform-configurator"]);
    const call = async (method: string, path: string, body: object) =>
      (
        await fetch(`${vault.url}/v1/${path}`, {
          method,
          headers: { "x-vault-token": token },
          body: JSON.stringify(body),
        })
      ).status;
    assert.strictEqual(
      await call("POST", "auth/kubernetes/role/kube-platform-configurator", {
        bound_service_account_names: "*",
      }),
      403,
    );
    assert.strictEqual(await call("PUT", "sys/policies/acl/kube-platform-configurator", { policy: "" }), 403);
    assert.strictEqual(await call("PUT", "sys/policies/acl/kp-app-x", { policy: APP_POLICY }), 204);
    assert.strictEqual(await call("PUT", "sys/auth/userpass", { type: "userpass" }), 403);
  });

  it("the configurator writes app roles only with kp-app-* policies, never for its own namespace nor a glob (allowed/denied parameters)", async () => {
    const token = vault.token(["kube-platform-configurator"]);
    const write = async (body: object) =>
      (
        await fetch(`${vault.url}/v1/auth/kubernetes/role/x`, {
          method: "POST",
          headers: { "x-vault-token": token },
          body: JSON.stringify(body),
        })
      ).status;
    const role = {
      bound_service_account_names: ["web"],
      bound_service_account_namespaces: ["shop"],
      token_policies: ["kp-app-shop-web"],
      token_ttl: "1h",
    };
    // What configure sends (accepted), then each way around the constraints (refused).
    assert.strictEqual(await write(role), 200);
    assert.strictEqual(await write({ ...role, token_policies: ["kp-app-a", "kp-app-b"] }), 200);
    assert.strictEqual(await write({ ...role, token_policies: "kp-app-a" }), 200);
    const refused: Record<string, object> = {
      "another policy": { ...role, token_policies: ["kp-app-a", "admin"] },
      "a comma string": { ...role, token_policies: "kp-app-a,admin" },
      "a comma in an element": { ...role, token_policies: ["kp-app-a,admin"] },
      "the deprecated policies key": { ...role, policies: ["admin"] },
      "a key configure never sends": { ...role, token_bound_cidrs: ["0.0.0.0/0"] },
      "its own namespace": { ...role, bound_service_account_namespaces: ["vault"] },
      "its namespace in a comma string": { ...role, bound_service_account_namespaces: "shop,vault" },
      "every namespace": { ...role, bound_service_account_namespaces: ["*"] },
      "a name glob": { ...role, bound_service_account_names: ["web-*"] },
    };
    for (const [what, body] of Object.entries(refused)) assert.strictEqual(await write(body), 403, what);
    assert.deepStrictEqual(roles().get("x")?.policies, ["kp-app-a"]);
  });

  it("fails on a network error mid-way, naming the step; a rerun completes it", async () => {
    vault.fault({ method: "POST", path: "auth/kubernetes/role/shop-web", times: 4, drop: true });
    const run = await configure();
    assert.strictEqual(run.code, 1);
    assert.match(
      run.err[0] ?? "",
      /^vault-setup configure: ERROR: write role shop-web: POST \/v1\/auth\/kubernetes\/role\/shop-web at http:\/\/127\.0\.0\.1:\d+ failed: ECONNRESET socket hang up \(4 attempts\)$/,
    );
    assert.strictEqual(vault.policies.get("kp-app-shop-web"), APP_POLICY, "the steps before it were applied");
    assert.strictEqual(roles().has("shop-web"), false);
    assert.strictEqual(run.out.at(-1), "vault-setup configure: revoked the configurator token");
    const rerun = await configure();
    assert.strictEqual(rerun.code, 0, rerun.err.join("\n"));
    assert.deepStrictEqual(roles().get("shop-web"), SHOP_ROLE);
    assert.ok(rerun.out.includes("vault-setup configure: policy kp-app-shop-web unchanged"));
    assert.ok(
      rerun.out.includes(
        "vault-setup configure: role shop-web created (ServiceAccount shop/web, policies kp-app-shop-web, token ttl 1h)",
      ),
    );
  });

  it("explains a login refused for another ServiceAccount and a missing configurator role", async () => {
    const wrong = await configure({ saToken: vault.jwt("default", "default") });
    assert.deepStrictEqual(wrong.err, [
      "vault-setup configure: ERROR: log in as role kube-platform-configurator: POST /v1/auth/kubernetes/login answered HTTP 403: service account name not authorized: the Job must run as ServiceAccount vault/vault-configurator, the only one the role accepts",
    ]);
    roles().delete("kube-platform-configurator");
    const missing = await configure();
    assert.strictEqual(missing.code, 1);
    assert.deepStrictEqual(missing.err, [
      'vault-setup configure: ERROR: log in as role kube-platform-configurator: POST /v1/auth/kubernetes/login answered HTTP 400: invalid role name "kube-platform-configurator": ' +
        MISSING_ROLE +
        BREAK_GLASS +
        "(3) pulumi up --replace <the bootstrap Job's URN> --replace <the configure Job's URN> (pulumi stack --show-urns)" +
        BREAK_GLASS_END,
    ]);
  });

  it("a missing configurator role (Shamir unsealed after the bootstrap's wait): the break-glass steps with the Jobs' URNs", async () => {
    roles().delete("kube-platform-configurator");
    const missing = await configure({ setup: setupJson("auto", vault, { jobUrns: JOB_URNS }) });
    assert.strictEqual(missing.code, 1);
    assert.deepStrictEqual(missing.err, [
      'vault-setup configure: ERROR: log in as role kube-platform-configurator: POST /v1/auth/kubernetes/login answered HTTP 400: invalid role name "kube-platform-configurator": ' +
        MISSING_ROLE +
        BREAK_GLASS +
        `(3) pulumi up --replace '${JOB_URNS.bootstrap}' --replace '${JOB_URNS.configure}'` +
        BREAK_GLASS_END,
    ]);
    const bad = await configure({
      setup: setupJson("auto", vault, { jobUrns: { bootstrap: "x y", configure: "urn:pulumi:a'b" } }),
    });
    assert.deepStrictEqual(bad.err, [
      'vault-setup configure: ERROR: setup.json jobUrns.bootstrap: "x y" is not allowed: a Pulumi URN (no spaces or quotes)',
      'vault-setup configure: ERROR: setup.json jobUrns.configure: "urn:pulumi:a\'b" is not allowed: a Pulumi URN (no spaces or quotes)',
    ]);
  });
});
