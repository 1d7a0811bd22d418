/**
 * The Vault setup program's validation of setup.json and values.json (components/addons/vault/
 * setup/config.js), key by key: each accepted at its boundary and refused just past it, with the
 * exact message (key, value, what is allowed).
 */
import * as assert from "assert";
import { parseSetup } from "../components/addons/vault/setup/config";

const ROLE = {
  name: "shop-web",
  serviceAccount: "web",
  namespace: "shop",
  policies: ["kp-app-shop-web"],
  tokenTtl: "1h",
};
const CONFIGURATOR = {
  role: "kube-platform-configurator",
  policy: "kube-platform-configurator",
  serviceAccount: "vault-configurator",
  namespace: "vault",
  tokenTtl: "15m",
};
const INIT = {
  shares: 3,
  threshold: 2,
  pgpKeys: ["bXlrZXlB", "bXlrZXlC", "bXlrZXlD"],
  holders: ["a", "b", "c"],
};

function base(overrides: object = {}): Record<string, unknown> {
  return {
    seal: "auto",
    initAddr: "https://vault-0.vault-internal.vault.svc:8200",
    init: INIT,
    unsealWaitSeconds: 600,
    sharesSecret: { namespace: "vault", name: "vault-init-shares" },
    breakGlassSecret: { namespace: "vault", name: "vault-bootstrap-token" },
    kubernetesHost: "https://kubernetes.default.svc:443",
    authPath: "kubernetes",
    configurator: CONFIGURATOR,
    kv: { path: "secret" },
    audit: { path: "file", filePath: "/vault/audit/audit.log" },
    managedPrefix: "kp-app-",
    policies: [{ name: "kp-app-shop-web", paths: ["secret/data/shop/config"] }],
    roles: [ROLE],
    ...overrides,
  };
}
const problems = (overrides: object, forConfigure = true) =>
  parseSetup(base(overrides), forConfigure).problems;
const init = (o: object) => ({ init: { ...INIT, ...o } });
const keys = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`);

describe("vault-setup validation: setup.json key by key", () => {
  it("seal: auto, shamir and dev; dev needs no init, the others do", () => {
    assert.deepStrictEqual(problems({ seal: "shamir" }), []);
    assert.deepStrictEqual(
      problems({ seal: "dev", init: undefined, initAddr: undefined, sharesSecret: 1 }),
      [],
    );
    assert.deepStrictEqual(problems({ seal: undefined }), [
      'setup.json seal: missing (expected "auto", "shamir" or "dev")',
    ]);
    assert.deepStrictEqual(
      problems({
        seal: "shamir",
        init: undefined,
        initAddr: "ftp://x",
        sharesSecret: undefined,
        breakGlassSecret: [],
      }),
      [
        'setup.json initAddr: "ftp://x" is not allowed: an http(s) URL of one Vault server',
        "setup.json init.shares: missing (expected an integer from 1 to 255)",
        "setup.json init.threshold: missing (expected an integer from 1 to 255)",
        "setup.json init.pgpKeys: missing (expected 0 non-empty strings (one per share))",
        "setup.json init.holders: missing (expected 0 non-empty strings (one per share))",
        "setup.json sharesSecret.namespace: missing (expected a Kubernetes namespace name)",
        "setup.json sharesSecret.name: missing (expected a Kubernetes object name)",
        "setup.json breakGlassSecret.namespace: missing (expected a Kubernetes namespace name)",
        "setup.json breakGlassSecret.name: missing (expected a Kubernetes object name)",
      ],
    );
  });

  it("init.shares from 1 to 255, integers only", () => {
    assert.deepStrictEqual(
      problems(init({ shares: 255, threshold: 2, pgpKeys: keys(255), holders: keys(255) })),
      [],
    );
    assert.deepStrictEqual(
      problems(init({ shares: 256, threshold: 2, pgpKeys: keys(256), holders: keys(256) })),
      ["setup.json init.shares: 256 is not allowed: an integer from 1 to 255"],
    );
    assert.deepStrictEqual(problems(init({ shares: 0, threshold: 1, pgpKeys: [], holders: [] })), [
      "setup.json init.shares: 0 is not allowed: an integer from 1 to 255",
      "setup.json init.threshold: 1 is not allowed: from 2 to init.shares (0), or 1 with one share",
    ]);
    assert.deepStrictEqual(problems(init({ shares: 2.5, threshold: 2 })), [
      "setup.json init.shares: 2.5 is not allowed: an integer from 1 to 255",
      'setup.json init.pgpKeys: "3 entries" is not allowed: 2.5 non-empty strings (one per share)',
      'setup.json init.holders: "3 entries" is not allowed: 2.5 non-empty strings (one per share)',
    ]);
    assert.deepStrictEqual(problems(init({ shares: "3" })), [
      'setup.json init.shares: "3" is not allowed: an integer from 1 to 255',
      "setup.json init.threshold: 2 is not allowed: from 2 to init.shares (0), or 1 with one share",
      'setup.json init.pgpKeys: "3 entries" is not allowed: 0 non-empty strings (one per share)',
      'setup.json init.holders: "3 entries" is not allowed: 0 non-empty strings (one per share)',
    ]);
  });

  it("init.threshold: 1 with one share, else from 2 to the shares", () => {
    const one = { shares: 1, pgpKeys: ["a"], holders: ["x"] };
    const two = { shares: 2, pgpKeys: ["a", "b"], holders: ["x", "y"] };
    assert.deepStrictEqual(problems(init({ ...one, threshold: 1 })), []);
    assert.deepStrictEqual(problems(init({ ...one, threshold: 2 })), [
      "setup.json init.threshold: 2 is not allowed: from 2 to init.shares (1), or 1 with one share",
    ]);
    assert.deepStrictEqual(problems(init({ ...two, threshold: 2 })), []);
    assert.deepStrictEqual(problems(init({ ...two, threshold: 1 })), [
      "setup.json init.threshold: 1 is not allowed: from 2 to init.shares (2), or 1 with one share",
    ]);
    assert.deepStrictEqual(problems(init({ threshold: 3 })), []);
    assert.deepStrictEqual(problems(init({ threshold: 0 })), [
      "setup.json init.threshold: 0 is not allowed: an integer from 1 to 255",
      "setup.json init.threshold: 0 is not allowed: from 2 to init.shares (3), or 1 with one share",
    ]);
    assert.deepStrictEqual(problems(init({ threshold: 256 })), [
      "setup.json init.threshold: 256 is not allowed: an integer from 1 to 255",
      "setup.json init.threshold: 256 is not allowed: from 2 to init.shares (3), or 1 with one share",
    ]);
  });

  it("init.pgpKeys and init.holders: one non-empty string per share; keys in base64", () => {
    assert.deepStrictEqual(problems(init({ holders: "abc" })), [
      'setup.json init.holders: "abc" is not allowed: 3 non-empty strings (one per share)',
    ]);
    assert.deepStrictEqual(problems(init({ holders: ["a", "", "c"] })), [
      'setup.json init.holders: "3 entries" is not allowed: 3 non-empty strings (one per share)',
    ]);
    assert.deepStrictEqual(problems(init({ pgpKeys: ["bXlr", {}, "bXlr"] })), [
      'setup.json init.pgpKeys: "3 entries" is not allowed: 3 non-empty strings (one per share)',
    ]);
    assert.deepStrictEqual(problems(init({ pgpKeys: ["bXlr", 7, "bXlr"] })), [
      'setup.json init.pgpKeys: "3 entries" is not allowed: 3 non-empty strings (one per share)',
    ]);
    assert.deepStrictEqual(problems(init({ holders: ["a", "b", "c", "d"] })), [
      'setup.json init.holders: "4 entries" is not allowed: 3 non-empty strings (one per share)',
    ]);
    assert.deepStrictEqual(problems(init({ pgpKeys: ["ab+/cd==", "x=", "Zz9"] })), []);
    assert.deepStrictEqual(problems(init({ pgpKeys: ["=abc", "ab=c", "abcdefghijklmn opq"] })), [
      'setup.json init.pgpKeys[0]: "=abc…" is not allowed: a base64-encoded binary PGP public key',
      'setup.json init.pgpKeys[1]: "ab=c…" is not allowed: a base64-encoded binary PGP public key',
      'setup.json init.pgpKeys[2]: "abcdefghijkl…" is not allowed: a base64-encoded binary PGP public key',
    ]);
  });

  it("the secrets' references, the wait, the hosts and the prefix", () => {
    assert.deepStrictEqual(problems({ sharesSecret: { namespace: "Vault", name: "-x" } }), [
      'setup.json sharesSecret.namespace: "Vault" is not allowed: a Kubernetes namespace name',
      'setup.json sharesSecret.name: "-x" is not allowed: a Kubernetes object name',
    ]);
    assert.deepStrictEqual(problems({ unsealWaitSeconds: 1 }), []);
    assert.deepStrictEqual(problems({ unsealWaitSeconds: 604800 }), []);
    assert.deepStrictEqual(problems({ unsealWaitSeconds: 604801 }), [
      "setup.json unsealWaitSeconds: 604801 is not allowed: an integer from 1 to 604800",
    ]);
    assert.deepStrictEqual(problems({ kubernetesHost: "kubernetes", authPath: "/kubernetes" }), [
      'setup.json kubernetesHost: "kubernetes" is not allowed: the Kubernetes API URL Vault uses',
      'setup.json authPath: "/kubernetes" is not allowed: a Vault mount path such as kubernetes',
    ]);
    for (const prefix of ["x", "kp_app-0"])
      assert.deepStrictEqual(problems({ managedPrefix: prefix, policies: [], roles: [] }), [], prefix);
    for (const prefix of ["-kp", "Kp", "kp app", "kp*", 7])
      assert.deepStrictEqual(problems({ managedPrefix: prefix, policies: [], roles: [] }), [
        `setup.json managedPrefix: ${JSON.stringify(prefix)} is not allowed: a policy name prefix`,
      ]);
    // A prefix that is not a string checks no name.
    assert.deepStrictEqual(problems({ managedPrefix: 7 }), [
      "setup.json managedPrefix: 7 is not allowed: a policy name prefix",
    ]);
    // Without a valid prefix, names are not checked against it.
    assert.deepStrictEqual(
      problems({ managedPrefix: "", configurator: { ...CONFIGURATOR, policy: "kp-x" } }),
      ['setup.json managedPrefix: "" is not allowed: a policy name prefix'],
    );
  });

  it("the configurator: names, one ServiceAccount, one namespace, a duration, outside the prefix", () => {
    const c = (o: object) => problems({ configurator: { ...CONFIGURATOR, ...o } });
    assert.deepStrictEqual(c({ policy: "kp-appx" }), []);
    assert.deepStrictEqual(c({ policy: "kp-app-" }), [
      'setup.json configurator.policy: "kp-app-" is not allowed: a name outside managedPrefix "kp-app-" (configure would delete it)',
    ]);
    assert.deepStrictEqual(c({ role: "Role", namespace: "a.b", tokenTtl: "15x" }), [
      'setup.json configurator.role: "Role" is not allowed: a Vault role name',
      'setup.json configurator.namespace: "a.b" is not allowed: one namespace name (no globs)',
      'setup.json configurator.tokenTtl: "15x" is not allowed: a duration such as "15m"',
    ]);
    assert.deepStrictEqual(
      problems({ kv: { path: "secret/" }, audit: { path: "a b", filePath: "stdout" } }),
      [
        'setup.json kv.path: "secret/" is not allowed: a Vault mount path such as secret',
        'setup.json audit.path: "a b" is not allowed: a Vault audit device path such as file',
      ],
    );
  });

  it("audit.filePath: stdout, discard or an absolute path", () => {
    for (const filePath of ["stdout", "discard", "/a", "/vault/audit/a-b_c.log"])
      assert.deepStrictEqual(problems({ audit: { path: "file", filePath } }), [], filePath);
    for (const filePath of ["audit.log", "stdoutx", "xstdout", "discard/", "/a b", "/", ""])
      assert.deepStrictEqual(
        problems({ audit: { path: "file", filePath } }),
        [
          `setup.json audit.filePath: ${JSON.stringify(filePath)} is not allowed: an absolute file path or "stdout"`,
        ],
        filePath,
      );
  });

  it("vaultCa and jobUrns: optional, checked when given", () => {
    const ca = {
      source: { namespace: "vault", name: "vault-tls" },
      key: "ca.crt",
      configMap: { namespace: "vault", name: "vault-ca" },
    };
    assert.deepStrictEqual(problems({ vaultCa: ca }), []);
    assert.deepStrictEqual(problems({ vaultCa: { ...ca, key: "A-b_c.9" } }), []);
    assert.deepStrictEqual(problems({ vaultCa: { ...ca, key: "ca crt" } }), [
      'setup.json vaultCa.key: "ca crt" is not allowed: a data key of that Secret such as ca.crt',
    ]);
    assert.deepStrictEqual(problems({ vaultCa: { ...ca, key: "" } }), [
      'setup.json vaultCa.key: "" is not allowed: a data key of that Secret such as ca.crt',
    ]);
    assert.deepStrictEqual(problems({ vaultCa: {} }), [
      "setup.json vaultCa.source.namespace: missing (expected a Kubernetes namespace name)",
      "setup.json vaultCa.source.name: missing (expected a Kubernetes object name)",
      "setup.json vaultCa.key: missing (expected a data key of that Secret such as ca.crt)",
      "setup.json vaultCa.configMap.namespace: missing (expected a Kubernetes namespace name)",
      "setup.json vaultCa.configMap.name: missing (expected a Kubernetes object name)",
    ]);
    const urn = "urn:pulumi:prod::kube-platform::kubernetes:batch/v1:Job::vault-setup";
    assert.deepStrictEqual(problems({ jobUrns: { bootstrap: urn, configure: `${urn}-c` } }), []);
    assert.deepStrictEqual(problems({ jobUrns: { bootstrap: `${urn} x`, configure: `${urn}'` } }), [
      `setup.json jobUrns.bootstrap: ${JSON.stringify(`${urn} x`)} is not allowed: a Pulumi URN (no spaces or quotes)`,
      `setup.json jobUrns.configure: ${JSON.stringify(`${urn}'`)} is not allowed: a Pulumi URN (no spaces or quotes)`,
    ]);
    assert.deepStrictEqual(problems({ jobUrns: { bootstrap: `x${urn}`, configure: "urn:pulumi:" } }), [
      `setup.json jobUrns.bootstrap: ${JSON.stringify(`x${urn}`)} is not allowed: a Pulumi URN (no spaces or quotes)`,
      'setup.json jobUrns.configure: "urn:pulumi:" is not allowed: a Pulumi URN (no spaces or quotes)',
    ]);
  });
});
