/**
 * stacks/config.ts's own checks, each with a failing and a passing case: apps against the add-ons
 * the stack installs, add-ons against the cluster (managed metrics API, native node autoscaling),
 * the kubeconfig of an existing cluster, and the error every problem is thrown in.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, decodeConfigValue, expandHome, parseConfig } from "../stacks/config";
import { problemsOf } from "./helpers/config-problems";

const ctx = { project: "kube-platform", stack: "dev" };
const DOKS = { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] };
const GKE = {
  target: "gke",
  project: "my-project-1",
  region: "europe-west1",
  masterAuthorizedNetworks: [{ name: "office", cidr: "198.18.0.0/24" }],
};
const AKS = {
  target: "aks",
  location: "westeurope",
  adminGroupObjectIds: ["00000000-0000-0000-0000-000000000001"],
};
const EKS = { target: "eks", region: "eu-west-1", publicAccessCidrs: ["198.18.0.0/24"] };
const EXISTING = { target: "existing" };
const KC = "apiVersion: v1\nkind: Config\n";
const APP = { name: "shop", image: "ghcr.io/x/shop:1.0.0", port: 8080 };
const VAULT_APP = { ...APP, vault: { role: "shop", secrets: [{ name: "db", path: "secret/data/shop" }] } };

describe("config: apps use only what the stack installs", () => {
  it("a host needs the ingress controller and cert-manager", () => {
    assert.deepStrictEqual(
      problemsOf(
        {
          cluster: DOKS,
          addons: { ingress: { enabled: false }, certManager: { enabled: false } },
          apps: [{ ...APP, host: "shop.example.dev" }],
        },
        ctx,
      ),
      [
        'apps[0].host: got "shop.example.dev"; needs the ingress controller, which is disabled (addons.ingress.enabled: false)',
        'apps[0].host: got "shop.example.dev"; needs cert-manager for its TLS certificate, which is disabled (addons.certManager.enabled: false)',
      ],
    );
    // Only cert-manager off: only its line (at index 1 of the apps).
    assert.deepStrictEqual(
      problemsOf(
        {
          cluster: DOKS,
          addons: { certManager: { enabled: false } },
          apps: [APP, { ...APP, name: "b", host: "b.shop.dev" }],
        },
        ctx,
      ),
      [
        'apps[1].host: got "b.shop.dev"; needs cert-manager for its TLS certificate, which is disabled (addons.certManager.enabled: false)',
      ],
    );
  });

  it("a host is accepted with both enabled; disabled add-ons are fine for an app without a host", () => {
    assert.deepStrictEqual(
      problemsOf({ cluster: DOKS, apps: [{ ...APP, host: "shop.example.dev" }] }, ctx),
      [],
    );
    assert.deepStrictEqual(
      problemsOf(
        {
          cluster: DOKS,
          addons: {
            ingress: { enabled: false },
            certManager: { enabled: false },
            monitoring: { enabled: false },
            vault: { enabled: false },
          },
          apps: [APP],
        },
        ctx,
      ),
      [],
    );
  });

  it("metrics need the monitoring add-on", () => {
    assert.deepStrictEqual(
      problemsOf(
        {
          cluster: DOKS,
          addons: { monitoring: { enabled: false } },
          apps: [{ ...APP, metrics: { port: 9090 } }],
        },
        ctx,
      ),
      [
        'apps[0].metrics: got {"port":9090}; needs the monitoring add-on for its ServiceMonitor, which is disabled (addons.monitoring.enabled: false)',
      ],
    );
    assert.deepStrictEqual(
      problemsOf({ cluster: DOKS, apps: [{ ...APP, metrics: { port: 9090 } }] }, ctx),
      [],
    );
  });

  it("vault needs Vault", () => {
    const [line] = problemsOf(
      { cluster: DOKS, addons: { vault: { enabled: false } }, apps: [VAULT_APP] },
      ctx,
    );
    assert.match(
      line,
      /^apps\[0\]\.vault: got .*; needs Vault, which is disabled \(addons\.vault\.enabled: false\)$/,
    );
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, apps: [VAULT_APP] }, ctx), []);
  });

  it("a secretEnv entry names a key of `secrets`", () => {
    const raw = { cluster: DOKS, apps: [{ ...APP, secretEnv: { DB: "db-pass", API: "api-key" } }] };
    assert.deepStrictEqual(problemsOf(raw, ctx), [
      'apps[0].secretEnv.DB: got "db-pass"; names the secret "db-pass", which is not set; set it with `pulumi config set --secret --path secrets.db-pass <value>`',
      'apps[0].secretEnv.API: got "api-key"; names the secret "api-key", which is not set; set it with `pulumi config set --secret --path secrets.api-key <value>`',
    ]);
    assert.deepStrictEqual(problemsOf({ ...raw, secrets: { "db-pass": "x" } }, ctx), [
      'apps[0].secretEnv.API: got "api-key"; names the secret "api-key", which is not set; set it with `pulumi config set --secret --path secrets.api-key <value>`',
    ]);
    assert.deepStrictEqual(problemsOf({ ...raw, secrets: { "db-pass": "x", "api-key": "y" } }, ctx), []);
  });

  // These four threw a TypeError (the refinements run on invalid input) until mutation testing found them.
  it("an app, an egress entry or `addons` that is null, or `apps` that is no list, gets its type problem only (no crash)", () => {
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, apps: [null] }, ctx), [
      "apps[0]: got null; expected object",
    ]);
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, apps: [{ ...APP, egress: [null] }] }, ctx), [
      "apps[0].egress[0]: got null; expected object",
    ]);
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, addons: null }, ctx), [
      "addons: got null; expected object",
    ]);
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, apps: "shop" }, ctx), [
      'apps: got "shop"; expected array',
    ]);
  });
});

describe("config: add-ons against the cluster", () => {
  const ms = (cluster: object, enabled: unknown, more: object = {}) =>
    problemsOf({ cluster, addons: { metricsServer: { enabled } }, ...more }, ctx);
  const ca = (cluster: object, enabled: unknown, more: object = {}) =>
    problemsOf({ cluster, addons: { clusterAutoscaler: { enabled } }, ...more }, ctx);

  it("metrics-server: refused where the cloud serves the metrics API (gke, aks)", () => {
    assert.deepStrictEqual(ms(GKE, true), [
      'addons.metricsServer.enabled: got true; gke already serves the metrics API (a second metrics-server would clash); use "auto" or false',
    ]);
    assert.deepStrictEqual(ms(AKS, true), [
      'addons.metricsServer.enabled: got true; aks already serves the metrics API (a second metrics-server would clash); use "auto" or false',
    ]);
    assert.deepStrictEqual(ms(GKE, "auto"), []);
    assert.deepStrictEqual(ms(AKS, false), []);
    assert.deepStrictEqual(ms(EKS, true), []);
    assert.deepStrictEqual(ms(DOKS, true), []);
  });

  it("metrics-server: refused on an existing cluster that serves the metrics API, accepted on one that does not", () => {
    assert.deepStrictEqual(ms({ ...EXISTING, hasMetricsApi: true }, true, { kubeconfig: KC }), [
      'addons.metricsServer.enabled: got true; the cluster already serves the metrics API (cluster.hasMetricsApi: true): a second metrics-server would clash over its APIService; use "auto" or false',
    ]);
    assert.deepStrictEqual(ms({ ...EXISTING, hasMetricsApi: true }, "auto", { kubeconfig: KC }), []);
    assert.deepStrictEqual(ms({ ...EXISTING, hasMetricsApi: false }, true, { kubeconfig: KC }), []);
    assert.deepStrictEqual(ms(EXISTING, true, { kubeconfig: KC }), []);
  });

  it("cluster-autoscaler: only on eks", () => {
    for (const [target, cluster, more] of [
      ["gke", GKE, {}],
      ["aks", AKS, {}],
      ["doks", DOKS, {}],
      ["existing", EXISTING, { kubeconfig: KC }],
    ] as const) {
      assert.deepStrictEqual(ca(cluster, true, more), [
        `addons.clusterAutoscaler.enabled: got true; ${target} node pools autoscale natively (or are not ours to scale); cluster-autoscaler is for eks; use "auto" or false`,
      ]);
      assert.deepStrictEqual(ca(cluster, "auto", more), []);
    }
    assert.deepStrictEqual(ca(EKS, true), []);
  });

  it("no cluster: only its own problem", () => {
    assert.deepStrictEqual(
      problemsOf({ addons: { metricsServer: { enabled: true }, clusterAutoscaler: { enabled: true } } }, ctx),
      ["cluster: is required (expected object)"],
    );
  });
});

describe("config: an existing cluster's kubeconfig", () => {
  it("exactly one of the kubeconfig secret and cluster.kubeconfigPath", () => {
    assert.deepStrictEqual(
      problemsOf({ cluster: { ...EXISTING, kubeconfigPath: "/k" }, kubeconfig: KC }, ctx),
      [
        "cluster.kubeconfigPath: set together with the kubeconfig secret; allowed: exactly one of kubeconfig (secret) or cluster.kubeconfigPath",
      ],
    );
    assert.deepStrictEqual(problemsOf({ cluster: EXISTING }, ctx), [
      "kubeconfig: is required for cluster.target existing; set it with `pulumi config set --secret kubeconfig < file`, or set cluster.kubeconfigPath",
    ]);
  });

  it("the path is read with the injected reader, or from the file system (a leading ~ is the home)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-config-"));
    const file = path.join(dir, "config");
    fs.writeFileSync(file, KC);
    try {
      const cfg = parseConfig({ cluster: { ...EXISTING, kubeconfigPath: file } }, ctx);
      assert.ok(cfg.cluster.target === "existing");
      const kubeconfig = cfg.cluster.kubeconfig;
      assert.strictEqual(await new Promise((r) => kubeconfig.apply(r)), KC);
      const read: string[] = [];
      const injected = parseConfig(
        { cluster: { ...EXISTING, kubeconfigPath: "~/kube" } },
        { ...ctx, readFile: (p) => (read.push(p), "injected") },
      );
      assert.ok(injected.cluster.target === "existing");
      assert.deepStrictEqual(read, ["~/kube"]);
      const injectedKubeconfig = injected.cluster.kubeconfig;
      assert.strictEqual(await new Promise((r) => injectedKubeconfig.apply(r)), "injected");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const missing = path.join(os.tmpdir(), "kp-config-none", "config");
    const [line] = problemsOf({ cluster: { ...EXISTING, kubeconfigPath: missing } }, ctx);
    assert.match(
      line,
      /^cluster\.kubeconfigPath: got ".*kp-config-none\/config"; cannot read it \(ENOENT: no such file/,
    );
  });

  it("expandHome: ~ and ~/ only", () => {
    assert.strictEqual(expandHome("~", "/home/ann"), "/home/ann");
    assert.strictEqual(expandHome("~/.kube/config", "/home/ann"), "/home/ann/.kube/config");
    assert.strictEqual(expandHome("~bob/config", "/home/ann"), "~bob/config");
    assert.strictEqual(expandHome("/etc/~/config", "/home/ann"), "/etc/~/config");
    assert.strictEqual(expandHome("~~", "/home/ann"), "~~");
  });
});

describe("config: values as Pulumi stores them, and the error they are reported in", () => {
  it("decodeConfigValue: objects and arrays as JSON, anything else as it is", () => {
    assert.deepStrictEqual(decodeConfigValue('{"a":1}'), { a: 1 });
    assert.deepStrictEqual(decodeConfigValue("  [1, 2]\n"), [1, 2]);
    assert.strictEqual(decodeConfigValue(" {not json"), " {not json");
    assert.strictEqual(decodeConfigValue("[x"), "[x");
    assert.strictEqual(decodeConfigValue(" 42 "), " 42 ");
    assert.strictEqual(decodeConfigValue("true"), "true");
  });

  it("ConfigError: the count, one indented line per problem, and where keys live", () => {
    const one = new ConfigError(["cluster: is required (expected object)"]);
    assert.strictEqual(one.name, "ConfigError");
    assert.deepStrictEqual(one.problems, ["cluster: is required (expected object)"]);
    assert.strictEqual(
      one.message,
      "Invalid stack configuration (1 problem):\n  - cluster: is required (expected object)\n" +
        "Keys are under the project namespace (e.g. `pulumi config set --path cluster.region eu-west-1`); see docs/configuration.md.",
    );
    const two = new ConfigError(["a: x", "b: y"]);
    assert.strictEqual(
      two.message.split("\n").slice(0, 3).join("\n"),
      "Invalid stack configuration (2 problems):\n  - a: x\n  - b: y",
    );
  });

  it("parseConfig throws a ConfigError naming every problem", () => {
    assert.throws(
      () => parseConfig({ cluster: { ...DOKS, region: "mars1" }, tags: { Team: "a" } }, ctx),
      (err: unknown) =>
        err instanceof ConfigError && err.problems.length === 2 && /\(2 problems\)/.test(err.message),
    );
  });
});
