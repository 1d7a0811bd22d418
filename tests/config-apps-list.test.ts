/**
 * stacks/apps-config.ts: checks across apps (names, Vault roles, initial values), the initial
 * values' secrets, image references, the boundaries of the app fields, and the typed settings.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { appSchema, appsSchema, imageProblem, toAppSettings } from "../stacks/apps-config";
import { problemsOf, schemaLines } from "./helpers/config-problems";

const APP = { name: "shop", image: "ghcr.io/x/shop:1.0.0", port: 8080 };
const DOKS = { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] };
const ctx = { project: "kube-platform", stack: "dev" };

const list = (apps: unknown[]) => schemaLines(z.strictObject({ apps: appsSchema("dev") }), { apps });
const dev = (app: object) => schemaLines(appSchema("dev"), { ...APP, ...app });
const withVault = (name: string, role: string, secrets: object[]) => ({
  ...APP,
  name,
  vault: { role, secrets },
});

describe("apps config: across apps", () => {
  it("app names are unique", () => {
    assert.deepStrictEqual(list([APP, { ...APP, name: "b" }, APP]), [
      'apps[2].name: got "shop"; duplicates another app\'s name',
    ]);
    assert.deepStrictEqual(list([APP, { ...APP, name: "b" }]), []);
  });

  it("a Vault role is bound to one app", () => {
    const s = [{ name: "db", path: "secret/data/a" }];
    assert.deepStrictEqual(list([withVault("a", "r", s), withVault("b", "q", s), withVault("c", "r", s)]), [
      'apps[2].vault.role: got "r"; duplicates the Vault role of app "a": each role is bound to one app\'s ServiceAccount',
    ]);
    assert.deepStrictEqual(list([withVault("a", "r", s), withVault("b", "q", s)]), []);
  });

  it("two Vault apps never share a policy name (namespace and name joined by -)", () => {
    const s = [{ name: "db", path: "secret/data/a" }];
    const c = { ...withVault("c", "rc", s), namespace: "a-b" };
    const bc = { ...withVault("b-c", "rbc", s), namespace: "a" };
    assert.deepStrictEqual(list([c, bc]), [
      'apps[1].name: got "b-c"; its Vault policy name kp-app-a-b-c is app "c"\'s too (namespace and name joined by "-"): rename this app or its namespace',
    ]);
    // The default namespace is the app's name: b-c in b-c and c-b-c in b are both kp-app-b-c-b-c.
    assert.deepStrictEqual(
      list([withVault("b-c", "r1", s), { ...withVault("c-b-c", "r2", s), namespace: "b" }]),
      [
        'apps[1].name: got "c-b-c"; its Vault policy name kp-app-b-c-b-c is app "b-c"\'s too (namespace and name joined by "-"): rename this app or its namespace',
      ],
    );
    assert.deepStrictEqual(list([c, { ...bc, namespace: "b" }]), []);
    // Apps without Vault have no policy.
    assert.deepStrictEqual(list([c, { ...APP, name: "b-c", namespace: "a" }]), []);
  });

  it("an initial value of one path's field is given once", () => {
    const init = (path: string, field: string) => ({ name: "db", path, initial: { [field]: "pw" } });
    assert.deepStrictEqual(
      list([
        withVault("a", "ra", [init("secret/data/x", "password")]),
        withVault("b", "rb", [init("secret/data/x", "user"), init("secret/data/x", "password")]),
      ]),
      [
        'apps[1].vault.secrets[1].initial.password: got "pw"; gives secret/data/x field password an initial value already given by app "a"; give it once',
      ],
    );
    assert.deepStrictEqual(
      list([
        withVault("a", "ra", [init("secret/data/x", "password")]),
        withVault("b", "rb", [init("secret/data/y", "password")]),
      ]),
      [],
    );
  });

  it("at most 1000 apps", () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ ...APP, name: `app${i}` }));
    assert.deepStrictEqual(list(many(1000)), []);
    assert.strictEqual(list(many(1001)).length, 1);
    assert.match(list(many(1001))[0], /^apps: got .*; must have at most 1000 item\(s\)$/);
  });
});

describe("apps config: initial Vault values name set secrets", () => {
  const raw = (secrets?: object) => ({
    cluster: DOKS,
    apps: [
      withVault("shop", "shop", [
        { name: "db", path: "secret/data/shop", initial: { password: "db-pw", user: "db-user" } },
      ]),
    ],
    ...(secrets && { secrets }),
  });

  it("each missing one named; a set one accepted", () => {
    const missing = (key: string, field: string) =>
      `apps[0].vault.secrets[0].initial.${field}: got "${key}"; names the secret "${key}", which is not set; set it with \`pulumi config set --secret --path secrets.${key} <value>\``;
    assert.deepStrictEqual(problemsOf(raw(), ctx), [
      missing("db-pw", "password"),
      missing("db-user", "user"),
    ]);
    assert.deepStrictEqual(problemsOf(raw({ "db-pw": "x" }), ctx), [missing("db-user", "user")]);
    assert.deepStrictEqual(problemsOf(raw({ "db-pw": "x", "db-user": "y" }), ctx), []);
  });

  it("a value that is no secret name gets the format line only", () => {
    const bad = {
      cluster: DOKS,
      apps: [
        withVault("shop", "shop", [
          { name: "db", path: "secret/data/shop", initial: { password: "hunter 2" } },
        ]),
      ],
    };
    assert.deepStrictEqual(problemsOf(bad, ctx), [
      "apps[0].vault.secrets[0].initial.password: got \"hunter 2\"; must name a key of `secrets` (letters, digits, '_', '-'), not the value itself",
    ]);
  });
});

describe("apps config: image references", () => {
  it("a pinned tag or a digest", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    assert.strictEqual(imageProblem("ghcr.io/org/app:1.2.3"), undefined);
    assert.strictEqual(imageProblem(`ghcr.io/org/app@${digest}`), undefined);
    assert.strictEqual(imageProblem(`ghcr.io/org/app:latest@${digest}`), undefined);
    assert.strictEqual(imageProblem("localhost:5000/app:1"), undefined);
    assert.strictEqual(
      imageProblem("ghcr.io/org/app"),
      "must pin a tag or a digest (an untagged image means :latest)",
    );
    assert.strictEqual(
      imageProblem("app:latest"),
      'must not use the "latest" tag: pin a version or a digest',
    );
    for (const bad of ["Ghcr.io/app:1", "app:", `app@sha256:${"a".repeat(63)}`, "app:1 ", ""]) {
      assert.strictEqual(
        imageProblem(bad),
        'must be an image reference like "ghcr.io/org/app:1.2.3" or "…@sha256:<64 hex>"',
        bad,
      );
    }
  });

  it("the tag runs to 128 characters", () => {
    assert.strictEqual(imageProblem(`app:v${"1".repeat(127)}`), undefined);
    assert.notStrictEqual(imageProblem(`app:v${"1".repeat(128)}`), undefined);
  });
});

describe("apps config: boundaries", () => {
  it("the app name: a DNS label of at most 40", () => {
    assert.deepStrictEqual(dev({ name: "a".repeat(40) }), []);
    assert.strictEqual(dev({ name: "a".repeat(41) }).length, 1);
  });

  it("runAsUser: 1 to 2147483647; 0 (root) refused", () => {
    assert.deepStrictEqual(dev({ runAsUser: 1 }), []);
    assert.deepStrictEqual(dev({ runAsUser: 2147483647 }), []);
    assert.deepStrictEqual(dev({ runAsUser: 0 }), ["runAsUser: got 0; must be ≥ 1 (0 is root)"]);
    assert.deepStrictEqual(dev({ runAsUser: 2147483648 }), [
      "runAsUser: got 2147483648; must be ≤ 2147483647",
    ]);
  });

  it("ports 1 to 65535; replicas 1 to 100", () => {
    assert.deepStrictEqual(dev({ port: 1, servicePort: 65535 }), []);
    assert.deepStrictEqual(dev({ port: 0 }), ["port: got 0; must be ≥ 1"]);
    assert.deepStrictEqual(dev({ servicePort: 65536 }), ["servicePort: got 65536; must be ≤ 65535"]);
    assert.deepStrictEqual(dev({ replicas: 100 }), []);
    assert.deepStrictEqual(dev({ replicas: 101 }), ["replicas: got 101; must be ≤ 100"]);
    assert.deepStrictEqual(dev({ replicas: 0 }), ["replicas: got 0; must be ≥ 1"]);
  });

  it("a Vault secret's file name runs to 41 characters, the role to 63", () => {
    const v = (role: string, name: string) =>
      dev({ vault: { role, secrets: [{ name, path: "secret/data/shop" }] } });
    assert.deepStrictEqual(v("r".repeat(63), "n".repeat(41)), []);
    assert.deepStrictEqual(v("r", "n".repeat(42)), [
      `vault.secrets[0].name: got "${"n".repeat(42)}"; must be a lowercase file name of at most 41 characters`,
    ]);
    assert.deepStrictEqual(v("r".repeat(64), "n"), [
      `vault.role: got "${"r".repeat(64)}"; must be a Vault role name`,
    ]);
  });

  it("an initial value names at least one field", () => {
    assert.deepStrictEqual(
      dev({ vault: { role: "r", secrets: [{ name: "n", path: "secret/data/s", initial: {} }] } }),
      ["vault.secrets[0].initial: got {}; must give at least one field"],
    );
  });
});

describe("apps config: typed settings", () => {
  it("the namespace defaults to the name; secret env and initial values are Pulumi secrets", async () => {
    const a = appSchema("dev").parse({
      ...APP,
      secretEnv: { DB: "db-pw" },
      vault: {
        role: "shop",
        secrets: [
          { name: "db", path: "secret/data/shop", initial: { password: "db-pw" } },
          { name: "tls", path: "secret/data/tls" },
        ],
      },
    });
    const s = toAppSettings(a, { "db-pw": "hunter2" });
    assert.strictEqual(s.namespace, "shop");
    const value = (o: pulumi.Output<string>) => new Promise((r) => o.apply(r));
    assert.strictEqual(await pulumi.isSecret(s.secretEnv.DB), true);
    assert.strictEqual(await value(s.secretEnv.DB), "hunter2");
    const [db, tls] = s.vault?.secrets ?? [];
    assert.strictEqual(db.initial && (await pulumi.isSecret(db.initial.password)), true);
    assert.strictEqual(db.initial && (await value(db.initial.password)), "hunter2");
    assert.strictEqual("initial" in tls, false);
    assert.strictEqual(
      toAppSettings(appSchema("dev").parse({ ...APP, namespace: "web" }), {}).namespace,
      "web",
    );
    assert.strictEqual(toAppSettings(appSchema("dev").parse(APP), {}).vault, undefined);
  });
});
