/**
 * stacks/apps-config.ts: the prod-only refusals (replicas, autoscaling minimum), each cross-field
 * check with a failing and a passing case, and the boundaries of the app fields.
 */
import * as assert from "assert";
import { appSchema, memoryBytes, toEgressRule } from "../stacks/apps-config";
import { schemaLines } from "./helpers/config-problems";

const APP = { name: "shop", image: "ghcr.io/x/shop:1.0.0", port: 8080 };

const dev = (app: object) => schemaLines(appSchema("dev"), { ...APP, ...app });
const prod = (app: object) => schemaLines(appSchema("prod"), { ...APP, ...app });

describe("apps config: prod-only refusals", () => {
  it("replicas: 1 refused in prod, 2 accepted; 1 accepted in dev", () => {
    assert.deepStrictEqual(prod({ replicas: 1 }), [
      "replicas: got 1; must be ≥ 2 in prod (one replica cannot survive a node drain)",
    ]);
    assert.deepStrictEqual(prod({ replicas: 2 }), []);
    assert.deepStrictEqual(dev({ replicas: 1 }), []);
  });

  it("the profile's default replicas: 2 in prod, 1 in dev", () => {
    assert.strictEqual(appSchema("prod").parse(APP).replicas, 2);
    assert.strictEqual(appSchema("dev").parse(APP).replicas, 1);
  });

  it("autoscaling.minReplicas: 1 refused in prod, 2 accepted; 1 accepted in dev", () => {
    const auto = (minReplicas: number) => ({ autoscaling: { minReplicas, maxReplicas: 4 } });
    assert.deepStrictEqual(prod(auto(1)), ["autoscaling.minReplicas: got 1; must be ≥ 2 in prod"]);
    assert.deepStrictEqual(prod(auto(2)), []);
    assert.deepStrictEqual(dev(auto(1)), []);
  });
});

describe("apps config: cross-field checks", () => {
  it("autoscaling: minReplicas ≤ maxReplicas (equal accepted)", () => {
    assert.deepStrictEqual(dev({ autoscaling: { minReplicas: 5, maxReplicas: 4 } }), [
      "autoscaling.minReplicas: got 5; must be ≤ maxReplicas (4)",
    ]);
    assert.deepStrictEqual(dev({ autoscaling: { minReplicas: 4, maxReplicas: 4 } }), []);
    const parsed = appSchema("dev").parse({ ...APP, autoscaling: { minReplicas: 1, maxReplicas: 3 } });
    assert.strictEqual(parsed.autoscaling?.targetCpuUtilization, 70);
  });

  it("memory: the limit ≥ the request, across units (equal accepted)", () => {
    const res = (request: string, limit: string) => ({
      resources: { requests: { cpu: "100m", memory: request }, limits: { memory: limit } },
    });
    assert.deepStrictEqual(dev(res("512Mi", "256Mi")), [
      'resources.limits.memory: got "256Mi"; must be ≥ the memory request (512Mi)',
    ]);
    assert.deepStrictEqual(dev(res("1Gi", "1024Mi")), []);
    assert.deepStrictEqual(dev(res("1025Mi", "1Gi")), [
      'resources.limits.memory: got "1Gi"; must be ≥ the memory request (1025Mi)',
    ]);
    assert.deepStrictEqual(dev(res("1G", "1Gi")), []);
    assert.deepStrictEqual(dev(res("1Gi", "1G")), [
      'resources.limits.memory: got "1G"; must be ≥ the memory request (1Gi)',
    ]);
  });

  it("memoryBytes: every unit", () => {
    const got = ["5", "5k", "5M", "5G", "5T", "5Ki", "5Mi", "5Gi", "5Ti"].map(memoryBytes);
    assert.deepStrictEqual(got, [5, 5e3, 5e6, 5e9, 5e12, 5120, 5242880, 5368709120, 5497558138880]);
    assert.ok(Number.isNaN(memoryBytes("5Xi")));
    assert.ok(Number.isNaN(memoryBytes("Mi")));
  });

  it("the metrics port differs from the app port", () => {
    assert.deepStrictEqual(dev({ metrics: { port: 8080 } }), [
      "metrics.port: got 8080; must differ from the app port (8080): metrics are not exposed to the ingress",
    ]);
    assert.deepStrictEqual(dev({ metrics: { port: 9090 } }), []);
    assert.strictEqual(appSchema("dev").parse({ ...APP, metrics: { port: 9090 } }).metrics?.path, "/metrics");
  });

  it("a variable in env and secretEnv both is refused", () => {
    assert.deepStrictEqual(dev({ env: { DB: "x", A: "y" }, secretEnv: { DB: "db", B: "b" } }), [
      'secretEnv.DB: got "db"; is also set in env; set it in one place only',
    ]);
    assert.deepStrictEqual(dev({ env: { A: "y" }, secretEnv: { B: "b" } }), []);
  });

  it("an egress rule has exactly one of cidr and namespace", () => {
    const rule = (peer: object) => dev({ egress: [{ ports: [443], ...peer }] });
    assert.deepStrictEqual(rule({}), [
      'egress[0]: got {"ports":[443]}; must set exactly one of cidr or namespace',
    ]);
    assert.deepStrictEqual(rule({ cidr: "10.0.0.0/8", namespace: "db" }), [
      'egress[0]: got {"ports":[443],"cidr":"10.0.0.0/8","namespace":"db"}; must set exactly one of cidr or namespace',
    ]);
    assert.deepStrictEqual(rule({ cidr: "10.0.0.0/8" }), []);
    assert.deepStrictEqual(rule({ namespace: "db" }), []);
    const parsed = appSchema("dev").parse({
      ...APP,
      egress: [
        { ports: [443], cidr: "10.0.0.0/8" },
        { ports: [5432], namespace: "db", protocol: "UDP" },
      ],
    });
    assert.deepStrictEqual(parsed.egress, [
      { kind: "cidr", cidr: "10.0.0.0/8", ports: [443], protocol: "TCP" },
      { kind: "namespace", namespace: "db", ports: [5432], protocol: "UDP" },
    ]);
    assert.throws(
      () => toEgressRule({ ports: [1], protocol: "TCP" }),
      /^Error: apps\[\]\.egress: must set exactly one of cidr or namespace$/,
    );
  });

  it("an initial Vault value goes to the platform's KV v2 mount", () => {
    const secret = (path: string) => ({
      vault: { role: "shop", secrets: [{ name: "db", path, initial: { password: "db-password" } }] },
    });
    assert.deepStrictEqual(dev(secret("kv/data/shop")), [
      'vault.secrets[0].initial: got {"password":"db-password"}; is written to the platform\'s KV v2 mount secret/: the path must start with "secret/data/" (got "kv/data/shop")',
    ]);
    assert.strictEqual(dev(secret("secret/shop")).length, 1);
    assert.deepStrictEqual(dev(secret("secret/data/shop")), []);
    assert.deepStrictEqual(
      dev({ vault: { role: "shop", secrets: [{ name: "db", path: "kv/data/shop" }] } }),
      [],
    );
  });

  it("the configurator's Vault role is the platform's", () => {
    const vault = (role: string) => ({
      vault: { role, secrets: [{ name: "db", path: "secret/data/shop" }] },
    });
    assert.deepStrictEqual(dev(vault("kube-platform-configurator")), [
      'vault.role: got "kube-platform-configurator"; is the platform\'s own configurator role; choose another name',
    ]);
    assert.deepStrictEqual(dev(vault("kube-platform")), []);
  });

  it("reserved namespaces: the system's and every add-on's", () => {
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease", "vault", "external-dns"]) {
      assert.deepStrictEqual(
        dev({ namespace: ns }),
        [`namespace: got "${ns}"; is reserved for the system or an add-on; allowed: any other DNS-1123 name`],
        ns,
      );
    }
    assert.deepStrictEqual(dev({ namespace: "shop" }), []);
  });
});
