/**
 * Vault configured as code, the Pulumi side (components/addons/vault/setup*.ts): what the setup
 * Jobs are given (setup.json, values.json), that secrets stay secret, the program's ConfigMap, and
 * the pure parts (the apps' needs, the flows). The Jobs themselves, their RBAC and the order of a
 * `pulumi up`: tests/vault-wiring-jobs.test.ts.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
  RELEASE_REVISION_ANNOTATION,
  SETUP_PROGRAM_DIR,
  appPolicyName,
  setupJobSpec,
  setupProgramFiles,
  vaultInitialValues,
  vaultSetupConfig,
} from "../components/addons/vault";
import { vaultClientsOf } from "../components/workloads";
import { parseConfig } from "../stacks/config";
import { VaultInitSettings } from "../components/addons/types";
import { ProgramRun, runProgram } from "../offline/mocks";
import { mockRandomValue } from "../offline/mock-state/random";
import { exampleConfig, runExample } from "../offline/stacks";
import { KEY_HOLDERS, VAULT_INIT, exampleForParse } from "./helpers/vault-fixtures";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SECRET = "kubernetes:core/v1:Secret";
const RELEASE = "kubernetes:helm.sh/v3:Release";
/** What offline/stacks.ts reads an encrypted example value as (the examples' helloVaultGreeting). */
const PLACEHOLDER = "offline-secret-placeholder";

const setupJson = (r: ProgramRun): Obj =>
  JSON.parse((r.one(CONFIG_MAP, "vault-setup-config").inputs.data as Obj)["setup.json"] as string);

const HOLDER_NAMES = ["alice", "bob", "carol"];
const HELLO_VAULT_POLICY = {
  name: "kp-app-hello-vault-hello-vault",
  paths: ["secret/data/hello-vault/greeting"],
};
const HELLO_VAULT_ROLE = {
  name: "hello-vault",
  serviceAccount: "hello-vault",
  namespace: "hello-vault",
  policies: ["kp-app-hello-vault-hello-vault"],
  tokenTtl: "1h",
};
/** What every setup.json holds besides seal, initAddr, init, the audit file and the apps. */
const COMMON = {
  unsealWaitSeconds: 1800,
  // In the setup's own namespace: the chart's injector may read every Secret of `vault`.
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

/** The setup Jobs' URNs in a stack: what the break-glass steps re-run (`pulumi up --replace`). */
const jobUrns = (stack: string) => ({
  bootstrap: `urn:pulumi:${stack}::kube-platform::kube-platform:addons:VaultSetup$kubernetes:batch/v1:Job::kp-addons-vault-setup-bootstrap`,
  configure: `urn:pulumi:${stack}::kube-platform::kube-platform:addons:VaultSetup$kubernetes:batch/v1:Job::kp-addons-vault-setup-configure`,
});

/** The dev example with Vault in ha mode on its kind cluster: Shamir (no cloud KMS). */
async function shamirRun(init: Obj = VAULT_INIT): Promise<ProgramRun> {
  const cfg = exampleConfig("dev");
  cfg.addons = { ...(cfg.addons as Obj), vault: { mode: "ha", init } };
  return runProgram(cfg, "dev");
}

describe("Vault setup: setup.json (not secret) from typed settings", function () {
  this.timeout(300_000);

  it("prod (EKS, auto-unseal through its KMS): recovery shares to the three holders, one policy and one role per Vault app", async () => {
    assert.deepEqual(setupJson(await runExample("prod")), {
      seal: "auto",
      initAddr: "https://vault-0.vault-internal.vault.svc:8200",
      init: { shares: 3, threshold: 2, pgpKeys: KEY_HOLDERS.map((h) => h.pgpKey), holders: HOLDER_NAMES },
      ...COMMON,
      audit: { path: "file", filePath: "/vault/audit/audit.log" },
      // ha: the bootstrap copies Vault's CA certificate for the configure Job (no cross-namespace mount).
      vaultCa: {
        source: { namespace: "vault", name: "vault-setup-ca-source" },
        key: "ca.crt",
        configMap: { namespace: "vault-setup", name: "vault-ca" },
      },
      jobUrns: jobUrns("prod"),
      // read on exactly the app's declared path; the role bound to exactly its ServiceAccount and namespace
      policies: [HELLO_VAULT_POLICY],
      roles: [HELLO_VAULT_ROLE],
    });
  });

  it("dev (the dev server): no shares, the active address, audit to stdout (no audit volume)", async () => {
    assert.deepEqual(setupJson(await runExample("dev")), {
      seal: "dev",
      initAddr: "http://vault.vault.svc:8200",
      init: { shares: 0, threshold: 1, pgpKeys: [], holders: [] },
      ...COMMON,
      audit: { path: "file", filePath: "stdout" },
      jobUrns: jobUrns("dev"),
      policies: [HELLO_VAULT_POLICY],
      roles: [HELLO_VAULT_ROLE],
    });
  });

  it("ha without a cloud KMS: Shamir unseal shares, with a configured threshold", async () => {
    const s = setupJson(await shamirRun({ ...VAULT_INIT, threshold: 3, unsealWaitSeconds: 3600 }));
    assert.equal(s.seal, "shamir");
    assert.deepEqual(s.init, {
      shares: 3,
      threshold: 3,
      pgpKeys: KEY_HOLDERS.map((h) => h.pgpKey),
      holders: HOLDER_NAMES,
    });
    assert.equal(s.unsealWaitSeconds, 3600);
  });

  it("sorts policies and roles by name and keeps each path once; asserts what config refuses", () => {
    const init: VaultInitSettings = { keyHolders: [...KEY_HOLDERS], threshold: 2, unsealWaitSeconds: 1800 };
    const client = (app: string, role: string, paths: string[]) => ({
      app,
      namespace: "shop",
      serviceAccount: app,
      role,
      paths,
    });
    const s = vaultSetupConfig({
      mode: "ha",
      seal: "shamir",
      init,
      clients: [
        client("web", "web", ["secret/data/b", "secret/data/a", "secret/data/b"]),
        client("api", "api", ["secret/data/c"]),
      ],
    });
    assert.deepEqual(s.policies, [
      { name: "kp-app-shop-api", paths: ["secret/data/c"] },
      { name: "kp-app-shop-web", paths: ["secret/data/a", "secret/data/b"] },
    ]);
    assert.deepEqual(
      s.roles.map((r) => [r.name, r.serviceAccount, r.namespace, r.policies]),
      [
        ["api", "api", "shop", ["kp-app-shop-api"]],
        ["web", "web", "shop", ["kp-app-shop-web"]],
      ],
    );
    const args = { mode: "ha" as const, init, clients: [] };
    assert.throws(
      () => vaultSetupConfig({ ...args, seal: "shamir", init: { ...init, keyHolders: [] } }),
      /shamir seal needs 1 to 255 key holders, got 0/,
    );
    assert.throws(
      () => vaultSetupConfig({ ...args, seal: "auto", init: { ...init, threshold: 4 } }),
      /init\.threshold 4: must be ≤ the number of key holders \(3\)/,
    );
    assert.throws(
      () =>
        vaultSetupConfig({
          ...args,
          seal: "auto",
          clients: [client("a", "x", ["secret/data/a"]), client("b", "x", ["secret/data/b"])],
        }),
      /role x \(app shop\/b\) is not unique/,
    );
    assert.doesNotThrow(() =>
      vaultSetupConfig({ ...args, mode: "dev", seal: "dev", init: { ...init, keyHolders: [] } }),
    );
  });

  it("policy names fit the program's 63 characters: long ones end with a hash of the whole, under the managed prefix", () => {
    assert.equal(appPolicyName("shop", "web"), "kp-app-shop-web");
    const long = appPolicyName("n".repeat(63), "a".repeat(40));
    assert.equal(long.length, 63);
    assert.match(long, /^kp-app-n+-[0-9a-f]{10}$/);
    assert.notEqual(long, appPolicyName("n".repeat(63), `${"a".repeat(39)}b`));
  });
});

describe("Vault setup: secrets stay secret", function () {
  this.timeout(300_000);

  it("values.json is in a Secret only, a Pulumi secret, with the app's initial value for its declared path", async () => {
    const r = await runExample("prod");
    const values = r.one(SECRET, "vault-setup-initial-values");
    assert.ok(values.secretInputs.has("stringData"));
    assert.deepEqual(values.inputs.immutable, true);
    assert.deepEqual(JSON.parse((values.inputs.stringData as Obj)["values.json"]), {
      "secret/data/hello-vault/greeting": { message: PLACEHOLDER },
    });
    assert.equal((values.inputs.metadata as Obj).name, undefined, "auto-named: a new value is a new Secret");
  });

  for (const stack of ["prod", "dev"]) {
    it(`${stack}: no secret value in any plain input (ConfigMaps, Jobs, annotations, the release's other values)`, async () => {
      const r = await runExample(stack);
      const token = mockRandomValue("kp-addons-vault-dev-root-token", 32);
      const leaks = r.resources.flatMap((x) =>
        Object.entries(x.inputs)
          .filter(
            ([k, v]) =>
              !x.secretInputs.has(k) && [PLACEHOLDER, token].some((s) => JSON.stringify(v ?? "").includes(s)),
          )
          .map(([k]) => `${x.type} ${x.name}.${k}`),
      );
      assert.deepEqual(leaks, []);
      for (const cm of r.ofType(CONFIG_MAP).filter((x) => x.name.startsWith("kp-addons-vault-setup"))) {
        assert.deepEqual([...cm.secretInputs], [], `${cm.name} holds nothing secret`);
      }
      // The non-vacuous side: the value is there, in the Secret (and the dev token in the dev Secret and values).
      const holders = r.resources.filter((x) =>
        [...x.secretInputs].some((k) => JSON.stringify(x.inputs[k]).includes(PLACEHOLDER)),
      );
      assert.ok(holders.some((x) => x.name === "kp-addons-vault-setup-initial-values"));
    });
  }

  it("dev: the dev server's root token is a RandomPassword, kept secret in the release values and in the bootstrap Job's Secret", async () => {
    const r = await runExample("dev");
    const token = mockRandomValue("kp-addons-vault-dev-root-token", 32);
    const release = r.ofType(RELEASE).find((x) => x.name === "kp-addons-vault-release");
    assert.ok(release?.secretInputs.has("values"));
    assert.equal((release?.inputs.values as Obj).server.dev.devRootToken, token);
    const devToken = r.one(SECRET, "vault-setup-dev-root-token");
    assert.ok(devToken.secretInputs.has("stringData"));
    assert.deepEqual(devToken.inputs.stringData, { token });
    assert.equal(r.ofType(SECRET).filter((x) => x.name.includes("dev-root-token")).length, 1);
    assert.equal(
      (await runExample("prod")).ofType(SECRET).filter((x) => x.name.includes("dev-root-token")).length,
      0,
    );
  });
});

describe("Vault setup: the program ConfigMap", function () {
  this.timeout(300_000);

  it("ships every file of components/addons/vault/setup/, immutable and auto-named", async () => {
    const cm = (await runExample("prod")).one(CONFIG_MAP, "vault-setup-program");
    const names = fs
      .readdirSync(SETUP_PROGRAM_DIR)
      .filter((n) => fs.statSync(path.join(SETUP_PROGRAM_DIR, n)).isFile());
    const data = cm.inputs.data as Record<string, string>;
    assert.deepEqual(Object.keys(data).sort(), names.sort());
    assert.ok(names.includes("vault-setup.js"));
    assert.equal(
      data["vault-setup.js"],
      fs.readFileSync(path.join(SETUP_PROGRAM_DIR, "vault-setup.js"), "utf8"),
    );
    assert.equal(cm.inputs.immutable, true);
    assert.equal((cm.inputs.metadata as Obj).name, undefined);
    const config = (await runExample("prod")).one(CONFIG_MAP, "vault-setup-config");
    assert.deepEqual([config.inputs.immutable, (config.inputs.metadata as Obj).name], [true, undefined]);
  });

  it("refuses a folder without the entry point", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-setup-"));
    fs.writeFileSync(path.join(dir, "other.js"), "");
    assert.throws(() => setupProgramFiles(dir), /the Jobs' program .*vault-setup\.js is missing/);
    fs.writeFileSync(path.join(dir, "vault-setup.js"), "'use strict';");
    fs.mkdirSync(path.join(dir, "sub"));
    assert.deepEqual(setupProgramFiles(dir), { "other.js": "", "vault-setup.js": "'use strict';" });
  });

  it("ships only the *.js files: an editor's swap, backup or dotfile never changes the ConfigMap", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-setup-"));
    fs.writeFileSync(path.join(dir, "vault-setup.js"), "'use strict';");
    for (const junk of [
      ".vault-setup.js.swp",
      ".DS_Store",
      "vault-setup.js~",
      "notes.txt",
      ".hidden.js",
      "x.json",
    ])
      fs.writeFileSync(path.join(dir, junk), "junk");
    assert.deepEqual(setupProgramFiles(dir), { "vault-setup.js": "'use strict';" });
  });
});

describe("Vault setup: pure parts", () => {
  it("the apps' needs: per app with vault:, its paths, its ServiceAccount (the app's name), its role, its initial values", async () => {
    const cfg = exampleForParse(exampleConfig("dev"));
    const apps = parseConfig(cfg.raw, {
      project: "kube-platform",
      stack: "dev",
      secretKeys: cfg.secretKeys,
    }).apps;
    const clients = vaultClientsOf(apps);
    assert.deepEqual(
      clients.map(({ initial: _i, ...c }) => c),
      [
        {
          app: "hello-vault",
          namespace: "hello-vault",
          serviceAccount: "hello-vault",
          role: "hello-vault",
          paths: ["secret/data/hello-vault/greeting"],
        },
      ],
    );
    assert.deepEqual(Object.keys(clients[0].initial), ["secret/data/hello-vault/greeting"]);
    const value = clients[0].initial["secret/data/hello-vault/greeting"].message;
    assert.equal(await pulumi.isSecret(value), true);
  });

  it("values.json: every client's initial values by path and field, a secret; refuses a path the app does not read or a field twice", async () => {
    const client = (app: string, initial: Record<string, Record<string, pulumi.Output<string>>>) => ({
      app,
      namespace: "shop",
      serviceAccount: app,
      role: app,
      paths: ["secret/data/shop/a", "secret/data/shop/b"],
      initial,
    });
    const v = pulumi.output("v");
    const values = vaultInitialValues([
      client("web", { "secret/data/shop/a": { user: pulumi.output("u"), password: pulumi.output("p") } }),
      client("api", { "secret/data/shop/b": { token: pulumi.output("t") } }),
    ]);
    assert.equal(await pulumi.isSecret(values), true);
    const text = await new Promise<string>((resolve) => values.apply(resolve));
    assert.deepEqual(JSON.parse(text), {
      "secret/data/shop/a": { user: "u", password: "p" },
      "secret/data/shop/b": { token: "t" },
    });
    assert.throws(
      () => vaultInitialValues([client("web", { "secret/data/other": { x: v } })]),
      /app shop\/web gives secret\/data\/other initial values but does not read it/,
    );
    assert.throws(
      () =>
        vaultInitialValues([
          client("web", { "secret/data/shop/a": { x: v } }),
          client("api", { "secret/data/shop/a": { x: v } }),
        ]),
      /secret\/data\/shop\/a field x is given an initial value twice/,
    );
  });

  it("each new revision of the Vault release re-runs the Jobs (a pod-template annotation)", () => {
    const spec = setupJobSpec({
      step: "configure",
      mode: "dev",
      serviceAccount: "vault-configurator",
      programConfigMap: "p",
      configConfigMap: "c",
      initialValuesSecret: "i",
      serviceAccountToken: true,
      releaseRevision: "7",
      activeDeadlineSeconds: 60,
      backoffLimit: 2,
    });
    assert.deepEqual((spec.template as Obj).metadata, {
      labels: {
        "app.kubernetes.io/name": "kube-platform-vault-setup",
        "app.kubernetes.io/component": "configure",
        "app.kubernetes.io/part-of": "kube-platform",
      },
      annotations: { [RELEASE_REVISION_ANNOTATION]: "7" },
    });
    assert.equal(RELEASE_REVISION_ANNOTATION, "kube-platform/vault-release-revision");
  });
});
