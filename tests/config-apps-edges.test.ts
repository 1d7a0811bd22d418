/**
 * stacks/apps-config.ts at its edges: every path pattern anchored at both ends with its message, the
 * defaults of the optional fields, the cross-field checks on input that is invalid elsewhere (each has
 * only its own problem, never a crash), the issue codes, and the Vault checks on malformed entries.
 */
import * as assert from "assert";
import { z } from "zod";
import { appSchema, appsSchema, checkVaultInitialSecrets, memoryBytes } from "../stacks/apps-config";
import { problemsOf, schemaLines } from "./helpers/config-problems";

const APP = { name: "shop", image: "ghcr.io/x/shop:1.0.0", port: 8080 };
const DOKS = { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] };
const ctx = { project: "kube-platform", stack: "dev" };

/** The raw zod issues (code, path, message) of `data`. */
function issues(schema: z.ZodType, data: unknown): { code: string; path: PropertyKey[]; message: string }[] {
  const r = schema.safeParse(data);
  return r.success ? [] : r.error.issues.map(({ code, path, message }) => ({ code, path, message }));
}
const dev = (app: unknown) =>
  schemaLines(appSchema("dev"), app === null ? null : { ...APP, ...(app as object) });
const prod = (app: object) => schemaLines(appSchema("prod"), { ...APP, ...app });
const list = (apps: unknown[]) => schemaLines(z.strictObject({ apps: appsSchema("dev") }), { apps });
const withVault = (name: unknown, role: string, secrets: unknown[], extra: object = {}) => ({
  ...APP,
  name,
  vault: { role, secrets },
  ...extra,
});

describe("apps config: path patterns are anchored at both ends", () => {
  it("path: an absolute URL path, refused with a prefix or a trailing space", () => {
    assert.deepStrictEqual(dev({ path: "/shop/v1.2/~x%20-_" }), []);
    assert.deepStrictEqual(dev({ path: "x/healthz" }), [
      'path: got "x/healthz"; must be an absolute URL path like "/healthz"',
    ]);
    assert.deepStrictEqual(dev({ path: "/a b" }), [
      'path: got "/a b"; must be an absolute URL path like "/healthz"',
    ]);
  });

  it("probes and metrics paths: absolute HTTP / metrics paths", () => {
    assert.deepStrictEqual(dev({ probes: { liveness: "healthz", readiness: "/ready z" } }), [
      'probes.liveness: got "healthz"; must be an absolute HTTP path like "/healthz"',
      'probes.readiness: got "/ready z"; must be an absolute HTTP path like "/healthz"',
    ]);
    assert.deepStrictEqual(dev({ probes: { liveness: "/live", readiness: "/ready" } }), []);
    assert.deepStrictEqual(dev({ metrics: { port: 9090, path: "m/metrics" } }), [
      'metrics.path: got "m/metrics"; must be an absolute metrics path like "/healthz"',
    ]);
    assert.deepStrictEqual(dev({ metrics: { port: 9090, path: "/m?x" } }), [
      'metrics.path: got "/m?x"; must be an absolute metrics path like "/healthz"',
    ]);
  });

  it("writablePaths: absolute paths without a prefix or a trailing space", () => {
    assert.deepStrictEqual(dev({ writablePaths: ["/var/cache/app-1.2", "/tmp"] }), []);
    assert.deepStrictEqual(dev({ writablePaths: ["x/tmp", "/a b", "/~"] }), [
      'writablePaths[0]: got "x/tmp"; must be an absolute path like "/tmp"',
      'writablePaths[1]: got "/a b"; must be an absolute path like "/tmp"',
      'writablePaths[2]: got "/~"; must be an absolute path like "/tmp"',
    ]);
  });

  it("a Vault secret path: mount/segments, without a leading '/' or a trailing space", () => {
    const v = (...paths: string[]) =>
      dev({ vault: { role: "r", secrets: paths.map((path, i) => ({ name: `s${i}`, path })) } });
    assert.deepStrictEqual(v("secret/data/shop/config.v1", "kv-2/x"), []);
    assert.deepStrictEqual(v("/secret/data/a", "secret/data/a b", "secret"), [
      'vault.secrets[0].path: got "/secret/data/a"; must be a Vault path like "secret/data/shop/config"',
      'vault.secrets[1].path: got "secret/data/a b"; must be a Vault path like "secret/data/shop/config"',
      'vault.secrets[2].path: got "secret"; must be a Vault path like "secret/data/shop/config"',
    ]);
  });

  it("env and secretEnv names: environment variable names", () => {
    assert.deepStrictEqual(dev({ env: { "1X": "a", _OK: "b" }, secretEnv: { "A-B": "k", B_2: "k" } }), [
      'env.1X: the key "1X" is invalid; it must be an environment variable name',
      'secretEnv.A-B: the key "A-B" is invalid; it must be an environment variable name',
    ]);
  });

  it("memoryBytes: the whole quantity or NaN", () => {
    assert.strictEqual(memoryBytes("64Mi"), 67108864);
    assert.ok(Number.isNaN(memoryBytes("x64Mi")));
    assert.ok(Number.isNaN(memoryBytes("64Mi ")));
    assert.ok(Number.isNaN(memoryBytes("64Mi-1")));
  });
});

describe("apps config: defaults", () => {
  it("args [], probes /healthz and /readyz, path /, writablePaths [/tmp]", () => {
    const a = appSchema("dev").parse(APP);
    assert.deepStrictEqual(a.args, []);
    assert.deepStrictEqual(a.probes, { liveness: "/healthz", readiness: "/readyz" });
    assert.strictEqual(a.path, "/");
    assert.deepStrictEqual(a.writablePaths, ["/tmp"]);
    assert.strictEqual(a.servicePort, 80);
    assert.deepStrictEqual(a.env, {});
    assert.deepStrictEqual(a.secretEnv, {});
    assert.deepStrictEqual(a.egress, []);
    assert.deepStrictEqual(a.resources, {
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { memory: "256Mi" },
    });
  });
});

describe("apps config: cross-field checks on input invalid elsewhere", () => {
  it("an app that is no object has its type problem only", () => {
    for (const bad of [5, "shop", true, []]) {
      assert.deepStrictEqual(schemaLines(appSchema("prod"), bad), [
        `: got ${JSON.stringify(bad)}; expected object`,
      ]);
    }
    assert.deepStrictEqual(dev(null), [": got null; expected object"]);
  });

  it("a malformed list field gets its type problem, not a crash (egress, vault.secrets, env)", () => {
    assert.deepStrictEqual(dev({ egress: "10.0.0.0/8" }), ['egress: got "10.0.0.0/8"; expected array']);
    assert.deepStrictEqual(dev({ egress: { cidr: "10.0.0.0/8", ports: [443] } }), [
      'egress: got {"cidr":"10.0.0.0/8","ports":[443]}; expected array',
    ]);
    assert.deepStrictEqual(dev({ vault: { role: "r", secrets: { name: "db", path: "secret/data/a" } } }), [
      'vault.secrets: got {"name":"db","path":"secret/data/a"}; expected array',
    ]);
    assert.deepStrictEqual(dev({ env: "A=1", secretEnv: { A: "a" } }), ['env: got "A=1"; expected record']);
    assert.deepStrictEqual(dev({ env: null, secretEnv: { A: "a" } }), ["env: got null; expected record"]);
    // The whole config: a problem line, not a TypeError.
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, apps: [{ ...APP, egress: "10.0.0.0/8" }] }, ctx), [
      'apps[0].egress: got "10.0.0.0/8"; expected array',
    ]);
  });

  it("memory: no comparison while a request or a limit is missing or no string", () => {
    const res = (requests: unknown, limits: unknown) => dev({ resources: { requests, limits } });
    assert.deepStrictEqual(res({ cpu: "100m", memory: 5e12 }, { memory: "256Mi" }), [
      "resources.requests.memory: got 5000000000000; expected string",
    ]);
    assert.deepStrictEqual(res({ cpu: "100m", memory: "512Mi" }, { memory: 1 }), [
      "resources.limits.memory: got 1; expected string",
    ]);
    assert.deepStrictEqual(res(undefined, { memory: "1Gi" }), [
      "resources.requests: is required (expected object)",
    ]);
    assert.deepStrictEqual(res({ cpu: "100m", memory: "1Gi" }, undefined), [
      "resources.limits: is required (expected object)",
    ]);
  });

  it("replicas and autoscaling: compared only when numbers", () => {
    assert.deepStrictEqual(dev({ autoscaling: { minReplicas: "5", maxReplicas: 4 } }), [
      'autoscaling.minReplicas: got "5"; expected number',
    ]);
    assert.deepStrictEqual(prod({ replicas: "1" }), ['replicas: got "1"; expected number']);
    assert.deepStrictEqual(prod({ replicas: null }), ["replicas: got null; expected number"]);
    assert.deepStrictEqual(prod({ autoscaling: { minReplicas: "1", maxReplicas: 4 } }), [
      'autoscaling.minReplicas: got "1"; expected number',
    ]);
  });

  it("each check still runs beside another field's problem", () => {
    // A type problem (port) would otherwise skip the object's refinement; a pattern problem (name) does not.
    assert.deepStrictEqual(prod({ port: "x", replicas: 1, namespace: "kube-system" }), [
      'port: got "x"; expected number',
      "replicas: got 1; must be ≥ 2 in prod (one replica cannot survive a node drain)",
      'namespace: got "kube-system"; is reserved for the system or an add-on; allowed: any other DNS-1123 name',
    ]);
    assert.deepStrictEqual(prod({ name: "Bad_Name", replicas: 1 }), [
      "name: got \"Bad_Name\"; must be a DNS-1123 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
      "replicas: got 1; must be ≥ 2 in prod (one replica cannot survive a node drain)",
    ]);
    assert.deepStrictEqual(list([{ ...APP, port: "x" }, APP]), [
      'apps[0].port: got "x"; expected number',
      'apps[1].name: got "shop"; duplicates another app\'s name',
    ]);
  });

  it("a Vault secret that is no object, or has no string path, has its type problem only", () => {
    const v = (secret: unknown) => dev({ vault: { role: "r", secrets: [secret] } });
    assert.deepStrictEqual(v(null), ["vault.secrets[0]: got null; expected object"]);
    assert.deepStrictEqual(v({ name: "db", path: 5, initial: { password: "pw" } }), [
      "vault.secrets[0].path: got 5; expected string",
    ]);
    assert.deepStrictEqual(v({ name: "db", path: "secret/data/a", initial: null }), [
      "vault.secrets[0].initial: got null; expected record",
    ]);
  });
});

describe("apps config: issue codes", () => {
  it("every refinement issue is a custom one", () => {
    assert.deepStrictEqual(issues(appSchema("prod"), { ...APP, image: "shop", replicas: 1 }), [
      {
        code: "custom",
        path: ["image"],
        message: "must pin a tag or a digest (an untagged image means :latest)",
      },
      {
        code: "custom",
        path: ["replicas"],
        message: "must be ≥ 2 in prod (one replica cannot survive a node drain)",
      },
    ]);
    const init = [{ name: "db", path: "secret/data/x", initial: { pw: "k" } }];
    assert.deepStrictEqual(
      issues(appsSchema("dev"), [
        withVault("c", "r", init, { namespace: "a-b" }),
        withVault("b-c", "r", init, { namespace: "a" }),
        { ...APP, name: "c", namespace: "x" },
      ]),
      [
        { code: "custom", path: [2, "name"], message: "duplicates another app's name" },
        {
          code: "custom",
          path: [1, "name"],
          message:
            'its Vault policy name kp-app-a-b-c is app "c"\'s too (namespace and name joined by "-"): rename this app or its namespace',
        },
        {
          code: "custom",
          path: [1, "vault", "role"],
          message: 'duplicates the Vault role of app "c": each role is bound to one app\'s ServiceAccount',
        },
        {
          code: "custom",
          path: [1, "vault", "secrets", 0, "initial", "pw"],
          message: 'gives secret/data/x field pw an initial value already given by app "c"; give it once',
        },
      ],
    );
  });
});

describe("apps config: the Vault cross-checks on malformed apps", () => {
  it("an app without a name is named by its index", () => {
    const s = [{ name: "db", path: "secret/data/x", initial: { p: "pw" } }];
    assert.deepStrictEqual(list([{ ...withVault("a", "r", s), name: undefined }, withVault("b", "r", s)]), [
      "apps[0].name: is required (expected string)",
      'apps[1].vault.role: got "r"; duplicates the Vault role of app "apps[0]": each role is bound to one app\'s ServiceAccount',
      'apps[1].vault.secrets[0].initial.p: got "pw"; gives secret/data/x field p an initial value already given by app "apps[0]"; give it once',
    ]);
  });

  it("no policy name for an app whose name is no string", () => {
    const s = [{ name: "db", path: "secret/data/a" }];
    assert.deepStrictEqual(
      list([withVault(5, "r1", s, { namespace: "x" }), withVault(5, "r2", s, { namespace: "x" })]),
      ["apps[0].name: got 5; expected string", "apps[1].name: got 5; expected string"],
    );
  });

  it("a secret that is no object, has no string path or a null initial is skipped", () => {
    assert.deepStrictEqual(list([withVault("a", "r", [null])]), [
      "apps[0].vault.secrets[0]: got null; expected object",
    ]);
    const p5 = [{ name: "db", path: 5, initial: { password: "pw" } }];
    assert.deepStrictEqual(list([withVault("a", "r1", p5), withVault("b", "r2", p5)]), [
      "apps[0].vault.secrets[0].path: got 5; expected string",
      "apps[1].vault.secrets[0].path: got 5; expected string",
    ]);
    const n = [{ name: "db", path: "secret/data/a", initial: null }];
    assert.deepStrictEqual(list([withVault("a", "r1", n), withVault("b", "r2", n)]), [
      "apps[0].vault.secrets[0].initial: got null; expected record",
      "apps[1].vault.secrets[0].initial: got null; expected record",
    ]);
  });

  it("checkVaultInitialSecrets: a key that is no string, a secret that is no object, a null initial", () => {
    const check = (apps: unknown, secrets?: Record<string, string>) =>
      issues(
        z.unknown().superRefine((v, c) => checkVaultInitialSecrets(v, secrets, c)),
        apps,
      );
    const missing = (i: number, field: string, key: string) => ({
      code: "custom",
      path: ["apps", i, "vault", "secrets", 0, "initial", field],
      message: `names the secret "${key}", which is not set; set it with \`pulumi config set --secret --path secrets.${key} <value>\``,
    });
    assert.deepStrictEqual(
      check(
        [undefined, { vault: { secrets: [{ initial: { a: true, b: "bad value", c: "set", d: "k" } }] } }],
        {
          set: "x",
        },
      ),
      [missing(1, "d", "k")],
    );
    assert.deepStrictEqual(check([{ vault: { secrets: [{ initial: { a: "k" } }] } }]), [
      missing(0, "a", "k"),
    ]);
    assert.deepStrictEqual(check([{ vault: { secrets: [null, { initial: null }, "s"] } }]), []);
    assert.deepStrictEqual(check({ vault: {} }), []);
  });
});
