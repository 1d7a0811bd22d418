/**
 * The Vault setup program's policies and roles in setup.json, values.json and durations
 * (components/addons/vault/setup/config.js), and the HCL it writes (setup/policy.js): an app policy
 * reads exactly its paths, the configurator's policy is exactly what configure needs.
 */
import * as assert from "assert";
import { durationSeconds, parseSetup, parseValues } from "../components/addons/vault/setup/config";
import { appPolicy, configuratorPolicy } from "../components/addons/vault/setup/policy";

const POLICY = { name: "kp-app-shop-web", paths: ["secret/data/shop/config"] };
const ROLE = {
  name: "shop-web",
  serviceAccount: "web",
  namespace: "shop",
  policies: ["kp-app-shop-web"],
  tokenTtl: "1h",
};

function base(overrides: object = {}): Record<string, unknown> {
  return {
    seal: "dev",
    unsealWaitSeconds: 600,
    kubernetesHost: "https://kubernetes.default.svc:443",
    authPath: "kubernetes",
    configurator: {
      role: "kube-platform-configurator",
      policy: "kube-platform-configurator",
      serviceAccount: "vault-configurator",
      namespace: "vault",
      tokenTtl: "15m",
    },
    kv: { path: "secret" },
    audit: { path: "file", filePath: "stdout" },
    managedPrefix: "kp-app-",
    policies: [POLICY],
    roles: [ROLE],
    ...overrides,
  };
}
const problems = (overrides: object, forConfigure = true) =>
  parseSetup(base(overrides), forConfigure).problems;
const paths = (...ps: unknown[]) => problems({ policies: [{ name: "kp-app-shop-web", paths: ps }] });
const role = (o: object) => problems({ roles: [{ ...ROLE, ...o }] });

describe("vault-setup validation: policies, roles and values", () => {
  it("policies: a list of prefixed names, each once, each with exact paths", () => {
    assert.deepStrictEqual(problems({ policies: [], roles: [] }), []);
    assert.deepStrictEqual(problems({ policies: {}, roles: "x" }), [
      "setup.json policies: {} is not allowed: a list (possibly empty)",
      'setup.json roles: "x" is not allowed: a list (possibly empty)',
    ]);
    // Bootstrap ignores them, whatever they are.
    assert.deepStrictEqual(problems({ policies: {}, roles: "x" }, false), []);
    assert.deepStrictEqual(parseSetup(base({ policies: {}, roles: "x" }), false).setup.policies, []);
    assert.deepStrictEqual(parseSetup(base(), false).setup.roles, [ROLE]);
    assert.deepStrictEqual(problems({ policies: [POLICY, { ...POLICY, name: "Kp-app-x" }, POLICY] }), [
      'setup.json policies[1].name: "Kp-app-x" is not allowed: a Vault policy name',
      'setup.json policies[1].name: "Kp-app-x" is not allowed: a name starting with "kp-app-"',
      'setup.json policies[2].name: "kp-app-shop-web" is not allowed: a name declared once',
    ]);
    assert.deepStrictEqual(problems({ policies: [{ name: "kp-app-shop-web" }] }), [
      "setup.json policies[0].paths: missing (expected a non-empty list)",
    ]);
    assert.deepStrictEqual(paths(), ["setup.json policies[0].paths: [] is not allowed: a non-empty list"]);
    assert.deepStrictEqual(problems({ policies: [{ ...POLICY, name: 5 }], roles: [] }), [
      "setup.json policies[0].name: 5 is not allowed: a Vault policy name",
      'setup.json policies[0].name: "" is not allowed: a name starting with "kp-app-"',
    ]);
  });

  it("policy paths: a Vault path of two segments or more, no globs, no . or .. segments", () => {
    assert.deepStrictEqual(
      paths("secret/data/shop/config", "secret/a", "secret/data/.x", "secret/data/..x", "kv/a.b"),
      [],
    );
    const refused = [
      ["secret/data/shop/config"],
      "secret",
      "secret/data/..",
      "secret/data/../x",
      "secret/./x",
      "secret/.",
      "secret/data/*",
      7,
    ];
    assert.deepStrictEqual(
      paths(...refused),
      refused.map(
        (p, j) =>
          `setup.json policies[0].paths[${j}]: ${JSON.stringify(p)} is not allowed: a Vault path like "secret/data/shop/config" (no globs)`,
      ),
    );
  });

  it("roles: unique names, not the configurator's; one ServiceAccount and namespace; only declared policies", () => {
    assert.deepStrictEqual(role({ tokenTtl: "1h30m" }), []);
    assert.deepStrictEqual(problems({ roles: [ROLE, ROLE] }), [
      'setup.json roles[1].name: "shop-web" is not allowed: a name used once, not the configurator\'s',
    ]);
    assert.deepStrictEqual(role({ name: "Shop", serviceAccount: "web*", namespace: "*", tokenTtl: "1d" }), [
      'setup.json roles[0].name: "Shop" is not allowed: a Vault role name',
      'setup.json roles[0].serviceAccount: "web*" is not allowed: one ServiceAccount name (no globs)',
      'setup.json roles[0].namespace: "*" is not allowed: one namespace name (no globs)',
      'setup.json roles[0].tokenTtl: "1d" is not allowed: a duration such as "1h"',
    ]);
    const allowed = "is not allowed: a non-empty list of policies declared in setup.json policies";
    assert.deepStrictEqual(role({ policies: [] }), [`setup.json roles[0].policies: [] ${allowed}`]);
    assert.deepStrictEqual(role({ policies: "kp-app-shop-web" }), [
      `setup.json roles[0].policies: "kp-app-shop-web" ${allowed}`,
    ]);
    assert.deepStrictEqual(role({ policies: ["kp-app-shop-web", 1] }), [
      `setup.json roles[0].policies: ["kp-app-shop-web",1] ${allowed}`,
    ]);
    assert.deepStrictEqual(role({ policies: ["kp-app-shop-web", "kp-app-other"] }), [
      `setup.json roles[0].policies: ["kp-app-shop-web","kp-app-other"] ${allowed}`,
    ]);
    assert.deepStrictEqual(role({ policies: undefined }), [
      "setup.json roles[0].policies: missing (expected a non-empty list of policies declared in setup.json policies)",
    ]);
  });

  it("not an object: every key missing", () => {
    for (const raw of [null, [], "setup"]) {
      const p = parseSetup(raw).problems;
      assert.strictEqual(p[0], 'setup.json seal: missing (expected "auto", "shamir" or "dev")');
      assert.ok(p.includes("setup.json roles: missing (expected a list (possibly empty))"));
    }
  });

  it("values.json: an object of declared KV v2 data paths, each a non-empty object of fields", () => {
    const setup = parseSetup(base()).setup;
    assert.deepStrictEqual(parseValues({}, setup).problems, []);
    assert.deepStrictEqual(parseValues({ "secret/data/shop/config": { a: "1" } }, setup), {
      values: { "secret/data/shop/config": { a: "1" } },
      problems: [],
    });
    for (const raw of [null, [], "x", 3])
      assert.deepStrictEqual(parseValues(raw, setup).problems, [
        "values.json: must be an object { <kv data path>: { <field>: <value> } }",
      ]);
    assert.deepStrictEqual(
      parseValues(
        {
          "secret/data/": { a: "1" },
          "secret/metadata/shop/config": { a: "1" },
          "xsecret/data/shop/config": { a: "1" },
          "secret/data/shop/other": { a: "1" },
          "secret/data/shop/config": [],
        },
        setup,
      ).problems,
      [
        'values.json "secret/data/": not a KV v2 data path under "secret/data/"',
        'values.json "secret/metadata/shop/config": not a KV v2 data path under "secret/data/"',
        'values.json "xsecret/data/shop/config": not a KV v2 data path under "secret/data/"',
        'values.json "secret/data/shop/other": not a path any policy in setup.json declares',
        'values.json "secret/data/shop/config": the value must be a non-empty object of fields',
      ],
    );
    for (const data of [null, "v", {}])
      assert.deepStrictEqual(parseValues({ "secret/data/shop/config": data }, setup).problems, [
        'values.json "secret/data/shop/config": the value must be a non-empty object of fields',
      ]);
  });

  it("durations as Vault reads them", () => {
    assert.deepStrictEqual(
      ["0", "45", "45s", "2m", "3h", "12h", "1h30m15s", "1h15s", "2m5s"].map(durationSeconds),
      [0, 45, 45, 120, 10800, 43200, 5415, 3615, 125],
    );
    for (const d of ["1d", "m5", "1.5h", "15 m", "1e3", " 5", "+5"])
      assert.ok(Number.isNaN(durationSeconds(d)), d);
  });
});

describe("vault-setup policies: the HCL written", () => {
  it("an app policy: read on exactly its paths, sorted, nothing else", () => {
    const input = ["secret/data/shop/z", "secret/data/shop/a"];
    assert.strictEqual(
      appPolicy(input),
      "# kube-platform app policy (managed by vault-setup.js configure: rewritten or deleted from the stack config).\n" +
        'path "secret/data/shop/a" {\n  capabilities = ["read"]\n}\n' +
        'path "secret/data/shop/z" {\n  capabilities = ["read"]\n}\n',
    );
    assert.deepStrictEqual(
      input,
      ["secret/data/shop/z", "secret/data/shop/a"],
      "the input is not sorted in place",
    );
  });

  it("the configurator's policy: exactly what configure needs", () => {
    const setup = parseSetup(
      base({
        authPath: "k8s",
        kv: { path: "kv" },
        audit: { path: "aud", filePath: "stdout" },
        managedPrefix: "mp-",
      }),
    ).setup;
    const cfg = {
      ...setup,
      configurator: { ...setup.configurator, role: "conf-role", namespace: "conf-ns" },
    };
    assert.strictEqual(
      configuratorPolicy(cfg),
      [
        "# kube-platform configurator (vault-setup.js configure): exactly what it needs.",
        "# KV v2 mount: see whether it exists, enable it (sys/mounts is not root-protected).",
        'path "sys/mounts" {\n  capabilities = ["read"]\n}',
        'path "sys/mounts/kv" {\n  capabilities = ["update"]\n}',
        "# The audit device (root-protected: sudo).",
        'path "sys/audit" {\n  capabilities = ["read", "sudo"]\n}',
        'path "sys/audit/aud" {\n  capabilities = ["update", "sudo"]\n}',
        "# App policies: only the names under the managed prefix.",
        'path "sys/policies/acl/" {\n  capabilities = ["list"]\n}',
        'path "sys/policies/acl/mp-*" {\n  capabilities = ["read", "update", "delete"]\n}',
        "# App roles of the Kubernetes auth method (constrained), never this role itself.",
        'path "auth/k8s/role/" {\n  capabilities = ["list"]\n}',
        'path "auth/k8s/role/*" {\n  capabilities = ["create", "read", "update", "delete"]\n' +
          "  allowed_parameters = {\n" +
          '    "bound_service_account_names" = []\n' +
          '    "bound_service_account_namespaces" = []\n' +
          '    "token_policies" = ["mp-*"]\n' +
          '    "token_ttl" = []\n' +
          "  }\n" +
          "  denied_parameters = {\n" +
          '    "bound_service_account_names" = ["***"]\n' +
          '    "bound_service_account_namespaces" = ["***", "conf-ns"]\n' +
          '    "token_policies" = ["*,*"]\n' +
          "  }\n}",
        'path "auth/k8s/role/conf-role" {\n  capabilities = ["deny"]\n}',
        "# Initial values: create only (an existing secret is never overwritten); existence from metadata.",
        'path "kv/data/*" {\n  capabilities = ["create"]\n}',
        'path "kv/metadata/*" {\n  capabilities = ["read"]\n}',
        "# Its own token.",
        'path "auth/token/revoke-self" {\n  capabilities = ["update"]\n}',
        "",
      ].join("\n"),
    );
  });
});
