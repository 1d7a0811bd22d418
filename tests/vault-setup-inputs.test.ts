/**
 * The Vault setup program's inputs and plumbing (components/addons/vault/setup/): setup.json and
 * values.json checks (each accepted and refused, at the boundaries), exit code 2 on bad input,
 * redaction, TLS with the CA file, and the shipped file run by `node` as the Job runs it.
 */
import * as assert from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as https from "https";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { durationSeconds, parseSetup, parseValues } from "../components/addons/vault/setup/config";
import { send } from "../components/addons/vault/setup/http";
import { Log } from "../components/addons/vault/setup/log";
import { main } from "../components/addons/vault/setup/vault-setup";
import { FakeVault } from "./helpers/fake-vault";
import { FakeKube, runSetup, setupJson } from "./helpers/fake-kube";

const SCRIPT = path.join(__dirname, "..", "components", "addons", "vault", "setup", "vault-setup.js");
const vaultStub = { podUrl: "https://vault-0.vault-internal.vault.svc:8200" } as FakeVault;
const problems = (overrides: object, seal: "auto" | "shamir" | "dev" = "auto") =>
  parseSetup(setupJson(seal, vaultStub, overrides)).problems;

describe("vault-setup inputs", () => {
  it("accepts the contract's setup.json, and a dev one without init", () => {
    assert.deepStrictEqual(problems({}), []);
    assert.deepStrictEqual(
      problems({ init: undefined, initAddr: undefined, sharesSecret: undefined }, "dev"),
      [],
    );
  });

  it("refuses each bad key with one message naming key, value and what is allowed", () => {
    const init = { shares: 3, threshold: 2, pgpKeys: ["a", "b", "c"], holders: ["x", "y", "z"] };
    const cases: [object, string][] = [
      [{ seal: "transit" }, 'setup.json seal: "transit" is not allowed: "auto", "shamir" or "dev"'],
      [
        { init: { ...init, pgpKeys: ["a", "b"] } },
        'setup.json init.pgpKeys: "2 entries" is not allowed: 3 non-empty strings (one per share)',
      ],
      [
        { init: { ...init, threshold: 1 } },
        "setup.json init.threshold: 1 is not allowed: from 2 to init.shares (3), or 1 with one share",
      ],
      [
        { init: { ...init, threshold: 4 } },
        "setup.json init.threshold: 4 is not allowed: from 2 to init.shares (3), or 1 with one share",
      ],
      [
        { init: { ...init, pgpKeys: ["a", "b", "not base64!"] } },
        'setup.json init.pgpKeys[2]: "not base64!…" is not allowed: a base64-encoded binary PGP public key',
      ],
      [
        { unsealWaitSeconds: 0 },
        "setup.json unsealWaitSeconds: 0 is not allowed: an integer from 1 to 604800",
      ],
      [
        { configurator: { ...setupConfigurator(), serviceAccount: "*" } },
        'setup.json configurator.serviceAccount: "*" is not allowed: one ServiceAccount name (no globs)',
      ],
      [
        { configurator: { ...setupConfigurator(), policy: "kp-app-admin" } },
        'setup.json configurator.policy: "kp-app-admin" is not allowed: a name outside managedPrefix "kp-app-" (configure would delete it)',
      ],
      [
        { configurator: { ...setupConfigurator(), tokenTtl: "" } },
        'setup.json configurator.tokenTtl: "" is not allowed: a duration such as "15m"',
      ],
      [
        { policies: [{ name: "ops", paths: ["secret/data/ops"] }], roles: [] },
        'setup.json policies[0].name: "ops" is not allowed: a name starting with "kp-app-"',
      ],
      [
        { policies: [{ name: "kp-app-x", paths: ['secret/data/x" {'] }], roles: [] },
        'setup.json policies[0].paths[0]: "secret/data/x\\" {" is not allowed: a Vault path like "secret/data/shop/config" (no globs)',
      ],
      [
        { policies: [{ name: "kp-app-x", paths: ["secret/data/*"] }], roles: [] },
        'setup.json policies[0].paths[0]: "secret/data/*" is not allowed: a Vault path like "secret/data/shop/config" (no globs)',
      ],
      [
        {
          roles: [
            {
              name: "r",
              serviceAccount: "web",
              namespace: "shop",
              policies: ["kube-platform-configurator"],
              tokenTtl: "1h",
            },
          ],
        },
        'setup.json roles[0].policies: ["kube-platform-configurator"] is not allowed: a non-empty list of policies declared in setup.json policies',
      ],
      [
        {
          roles: [
            {
              name: "kube-platform-configurator",
              serviceAccount: "web",
              namespace: "shop",
              policies: ["kp-app-shop-web"],
              tokenTtl: "1h",
            },
          ],
        },
        `setup.json roles[0].name: "kube-platform-configurator" is not allowed: a name used once, not the configurator's`,
      ],
    ];
    for (const [overrides, message] of cases) assert.deepStrictEqual(problems(overrides), [message]);
    assert.deepStrictEqual(problems({ init: { ...init, threshold: 3 } }), [], "threshold = shares");
    assert.deepStrictEqual(
      problems({ init: { shares: 1, threshold: 1, pgpKeys: ["a"], holders: ["x"] } }),
      [],
      "one share",
    );
    assert.deepStrictEqual(problems({ unsealWaitSeconds: 604800 }), []);
    const withoutLists = setupJson("auto", vaultStub, { policies: undefined, roles: undefined });
    assert.deepStrictEqual(
      parseSetup(withoutLists, false).problems,
      [],
      "bootstrap ignores policies and roles",
    );
    assert.deepStrictEqual(parseSetup(withoutLists).problems, [
      "setup.json policies: missing (expected a list (possibly empty))",
      "setup.json roles: missing (expected a list (possibly empty))",
    ]);
  });

  it("reads durations as Vault does", () => {
    assert.deepStrictEqual(
      ["15m", "1h30m", "90s", "90", "1h"].map(durationSeconds),
      [900, 5400, 90, 90, 3600],
    );
  });

  it("checks values.json paths without ever quoting a value", () => {
    const setup = parseSetup(setupJson("auto", vaultStub)).setup;
    assert.deepStrictEqual(
      parseValues({ "secret/data/shop/config": { a: "value-xyz" } }, setup).problems,
      [],
    );
    assert.deepStrictEqual(
      parseValues(
        {
          "kv/data/shop/config": { a: "value-xyz" },
          "secret/data/other": { b: "v" },
          "secret/data/shop/config": {},
        },
        setup,
      ).problems,
      [
        'values.json "kv/data/shop/config": not a KV v2 data path under "secret/data/"',
        'values.json "secret/data/other": not a path any policy in setup.json declares',
        'values.json "secret/data/shop/config": the value must be a non-empty object of fields',
      ],
    );
  });

  it("exits 2 on bad input, printing every problem and never the content of values.json", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-setup-in-"));
    const write = (name: string, text: string) => (
      fs.writeFileSync(path.join(dir, name), text),
      path.join(dir, name)
    );
    const err: string[] = [];
    const run = (argv: string[], env: Record<string, string>) =>
      main({ argv, env, out: () => {}, err: (l) => err.push(l) });
    assert.strictEqual(await run([], {}), 2);
    assert.deepStrictEqual(err.splice(0), ["usage: node vault-setup.js bootstrap|configure"]);
    const env = {
      VAULT_ADDR: "http://127.0.0.1:9",
      SETUP_CONFIG: write("setup.json", JSON.stringify({ seal: "dev" })),
    };
    assert.strictEqual(await run(["configure"], env), 2);
    assert.deepStrictEqual(
      err.splice(0),
      [
        "unsealWaitSeconds: missing (expected an integer from 1 to 604800)",
        "kubernetesHost: missing (expected the Kubernetes API URL Vault uses)",
        "authPath: missing (expected a Vault mount path such as kubernetes)",
        "managedPrefix: missing (expected a policy name prefix)",
        "configurator.role: missing (expected a Vault role name)",
        "configurator.policy: missing (expected a Vault policy name)",
        "configurator.serviceAccount: missing (expected one ServiceAccount name (no globs))",
        "configurator.namespace: missing (expected one namespace name (no globs))",
        'configurator.tokenTtl: missing (expected a duration such as "15m")',
        "kv.path: missing (expected a Vault mount path such as secret)",
        "audit.path: missing (expected a Vault audit device path such as file)",
        'audit.filePath: missing (expected an absolute file path or "stdout")',
        "policies: missing (expected a list (possibly empty))",
        "roles: missing (expected a list (possibly empty))",
      ].map((m) => `vault-setup configure: ERROR: setup.json ${m}`),
      "every problem at once, one line each",
    );
    const good = { ...env, SETUP_CONFIG: write("good.json", JSON.stringify(setupJson("dev", vaultStub))) };
    const values = write("values.json", '{"secret/data/shop/config": {"password": "do-not-print-me"');
    assert.strictEqual(await run(["configure"], { ...good, SETUP_INITIAL_VALUES: values }), 2);
    assert.deepStrictEqual(err.splice(0), [
      `vault-setup configure: ERROR: read values.json at ${values}: not valid JSON`,
    ]);
    assert.strictEqual(await run(["bootstrap"], { ...good, VAULT_CACERT: path.join(dir, "none.crt") }), 2);
    assert.match(err.splice(0)[0] ?? "", /ERROR: read the Vault CA \(VAULT_CACERT\) at .*none\.crt: ENOENT/);
    assert.strictEqual(await run(["bootstrap"], { SETUP_CONFIG: good.SETUP_CONFIG }), 2);
    assert.deepStrictEqual(err.splice(0), [
      "vault-setup bootstrap: ERROR: VAULT_ADDR: undefined is not an http(s) URL",
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("redacts registered secrets of 6 characters or more", () => {
    const lines: string[] = [];
    const log = new Log(
      "configure",
      (l) => lines.push(l),
      (l) => lines.push(l),
    );
    log.secret({ a: "short", b: ["long-secret-1"], c: { d: "long-secret-2" } });
    log.info("x long-secret-1 y long-secret-2 short");
    log.error("long-secret-1");
    assert.deepStrictEqual(lines, [
      "vault-setup configure: x [redacted] y [redacted] short",
      "vault-setup configure: ERROR: [redacted]",
    ]);
  });

  it("verifies the server against the CA file (https)", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-setup-tls-"));
    try {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:P-256",
          "-nodes",
          "-days",
          "1",
          "-subj",
          "/CN=127.0.0.1",
          "-addext",
          "subjectAltName=IP:127.0.0.1",
          "-keyout",
          path.join(dir, "k.pem"),
          "-out",
          path.join(dir, "c.pem"),
        ],
        { stdio: "ignore" },
      );
    } catch {
      this.skip();
    }
    const cert = fs.readFileSync(path.join(dir, "c.pem"), "utf8");
    const server = https.createServer({ key: fs.readFileSync(path.join(dir, "k.pem")), cert }, (_q, r) =>
      r.end('{"initialized":true}'),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/sys/init`;
    try {
      assert.deepStrictEqual((await send({ url, method: "GET", ca: cert, timeoutMs: 5000 })).body, {
        initialized: true,
      });
      await assert.rejects(send({ url, method: "GET", timeoutMs: 5000 }), { name: "NetworkError" });
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs as the Job runs it: `node vault-setup.js configure`, exit code 0", async () => {
    const vault = await new FakeVault("auto").start();
    const kube = await new FakeKube().start();
    try {
      assert.strictEqual(
        (await runSetup({ command: "bootstrap", vault, kube, setup: setupJson("auto", vault) })).code,
        0,
      );
      vault.mounts.set("secret/", { type: "kv", options: { version: "2" } });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-setup-node-"));
      const file = (name: string, text: string) => (
        fs.writeFileSync(path.join(dir, name), text),
        path.join(dir, name)
      );
      const env = {
        PATH: process.env.PATH ?? "",
        VAULT_ADDR: vault.url,
        SETUP_CONFIG: file("setup.json", JSON.stringify(setupJson("auto", vault))),
        SETUP_INITIAL_VALUES: path.join(dir, "none.json"),
        SA_TOKEN: file("token", vault.jwt("vault", "vault-configurator")),
      };
      const child = spawn(process.execPath, [SCRIPT, "configure"], { env });
      let stdout = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      const code = await new Promise((resolve) => child.on("close", resolve));
      fs.rmSync(dir, { recursive: true, force: true });
      assert.strictEqual(code, 0, stdout);
      assert.strictEqual(stdout.trim().split("\n").at(-1), "vault-setup configure: configuration applied");
      assert.deepStrictEqual(vault.auth.get("kubernetes/")?.roles.get("shop-web")?.names, ["web"]);
    } finally {
      await vault.stop();
      await kube.stop();
    }
  });
});

function setupConfigurator() {
  return {
    role: "kube-platform-configurator",
    policy: "kube-platform-configurator",
    serviceAccount: "vault-configurator",
    namespace: "vault",
    tokenTtl: "15m",
  };
}
