/**
 * stacks/config.ts on its own: the top-level keys (waivers' default, secret names, tags), the
 * cross-checks on a section that is not an object (no TypeError, only the type problem), the
 * default cluster name, and what loadConfig takes from the engine (secret keys, organization).
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { engineOrganization, loadConfig, parseConfig, platformSchema } from "../stacks/config";
import { problemsOf } from "./helpers/config-problems";

const ctx = { project: "kube-platform", stack: "dev" };
const EKS = { target: "eks", region: "eu-west-1", publicAccessCidrs: ["198.18.0.0/24"] };
const GKE = {
  target: "gke",
  project: "my-project-1",
  region: "europe-west1",
  masterAuthorizedNetworks: [{ name: "office", cidr: "198.18.0.0/24" }],
};
const APP = { name: "shop", image: "ghcr.io/x/shop:1.0.0", port: 8080 };

describe("config: top-level keys", () => {
  it("waivers default to none", () => {
    const r = platformSchema("dev", "shop-dev").safeParse({ cluster: EKS });
    assert.ok(r.success);
    assert.deepStrictEqual(r.data.waivers, []);
    assert.deepStrictEqual(r.data.tags, {});
  });

  it("a secret's name starts with a letter and holds only letters, digits, '_' and '-'", () => {
    const problems = (secrets: Record<string, string>) =>
      problemsOf({ cluster: EKS, secrets }, { ...ctx, secretKeys: new Set(["secrets"]) });
    assert.deepStrictEqual(problems({ "db-password_2": "x" }), []);
    assert.deepStrictEqual(problems({ "db password": "x" }), [
      "secrets.db password: the key [secret] is invalid; it must be a secret name",
    ]);
    assert.deepStrictEqual(problems({ "db!": "x" }), [
      "secrets.db!: the key [secret] is invalid; it must be a secret name",
    ]);
    assert.deepStrictEqual(problems({ "1db": "x" }), [
      "secrets.1db: the key [secret] is invalid; it must be a secret name",
    ]);
  });

  it("a tag key is lowercase, starts with a letter, at most 63 characters", () => {
    const key = "must be a lowercase tag key (letters, digits, '_', '-'; ≤ 63)";
    assert.deepStrictEqual(problemsOf({ cluster: EKS, tags: { "cost_center-1": "x" } }, ctx), []);
    assert.deepStrictEqual(problemsOf({ cluster: EKS, tags: { ["t" + "a".repeat(62)]: "x" } }, ctx), []);
    assert.deepStrictEqual(problemsOf({ cluster: EKS, tags: { "team!": "x", Team: "y" } }, ctx), [
      `tags.team!: the key "team!" is invalid; it ${key}`,
      `tags.Team: the key "Team" is invalid; it ${key}`,
    ]);
    const long = "t" + "a".repeat(63);
    assert.deepStrictEqual(problemsOf({ cluster: EKS, tags: { [long]: "x" } }, ctx), [
      `tags.${long}: the key "${long}" is invalid; it ${key}`,
    ]);
  });

  it("a tag value is lowercase, at most 63 characters, and may be empty", () => {
    const value = "must be a lowercase tag value (letters, digits, '_', '-'; ≤ 63)";
    const cfg = parseConfig(
      { cluster: EKS, tags: { team: "pay-ments_2", empty: "", max: "v".repeat(63) } },
      ctx,
    );
    assert.ok(cfg.cluster.target === "eks");
    assert.deepStrictEqual(cfg.cluster.tags, {
      "managed-by": "pulumi",
      "kube-platform-stack": "dev",
      team: "pay-ments_2",
      empty: "",
      max: "v".repeat(63),
    });
    assert.deepStrictEqual(problemsOf({ cluster: EKS, tags: { team: "Payments" } }, ctx), [
      `tags.team: got "Payments"; ${value}`,
    ]);
    assert.deepStrictEqual(problemsOf({ cluster: EKS, tags: { team: "!pay" } }, ctx), [
      `tags.team: got "!pay"; ${value}`,
    ]);
    assert.deepStrictEqual(problemsOf({ cluster: EKS, tags: { team: "pay!" } }, ctx), [
      `tags.team: got "pay!"; ${value}`,
    ]);
    assert.deepStrictEqual(problemsOf({ cluster: EKS, tags: { team: "v".repeat(64) } }, ctx), [
      `tags.team: got "${"v".repeat(64)}"; ${value}`,
    ]);
  });
});

describe("config: cross-checks on a section that is not an object", () => {
  it("addons that are no object: only the type problem, whatever the apps and the target", () => {
    for (const addons of ["x", null]) {
      assert.deepStrictEqual(
        problemsOf({ cluster: EKS, addons, apps: [{ ...APP, host: "shop.example.dev" }] }, ctx),
        [`addons: got ${JSON.stringify(addons)}; expected object`],
      );
      assert.deepStrictEqual(problemsOf({ cluster: GKE, addons }, ctx), [
        `addons: got ${JSON.stringify(addons)}; expected object`,
      ]);
      assert.deepStrictEqual(
        problemsOf({ cluster: { target: "existing", hasMetricsApi: true }, kubeconfig: "k", addons }, ctx),
        [`addons: got ${JSON.stringify(addons)}; expected object`],
      );
    }
  });

  it("an app that is no object, or whose secretEnv is no record: only the type problem", () => {
    assert.deepStrictEqual(problemsOf({ cluster: EKS, apps: [undefined] }, ctx), [
      "apps[0]: is required (expected object)",
    ]);
    assert.deepStrictEqual(problemsOf({ cluster: EKS, apps: [{ ...APP, secretEnv: null }] }, ctx), [
      "apps[0].secretEnv: got null; expected record",
    ]);
    assert.deepStrictEqual(problemsOf({ cluster: EKS, apps: [{ ...APP, secretEnv: "db" }] }, ctx), [
      'apps[0].secretEnv: got "db"; expected record',
    ]);
  });

  it("a secretEnv entry that is no string names no secret", () => {
    assert.deepStrictEqual(problemsOf({ cluster: EKS, apps: [{ ...APP, secretEnv: { DB: 5 } }] }, ctx), [
      "apps[0].secretEnv.DB: got 5; expected string",
    ]);
  });

  it("the metrics API of an existing cluster is checked only for target existing", () => {
    assert.deepStrictEqual(
      problemsOf(
        {
          cluster: { target: "nomad", hasMetricsApi: true },
          addons: { metricsServer: { enabled: true } },
        },
        ctx,
      ),
      ['cluster.target: got "nomad"; allowed: "eks" | "gke" | "aks" | "doks" | "existing"'],
    );
  });
});

describe("config: the default cluster name", () => {
  it("is <project>-<stack>, lowercase, other characters as '-'", () => {
    assert.equal(
      parseConfig({ cluster: EKS }, { project: "Shop", stack: "Prod.EU" }).cluster.clusterName,
      "shop-prod-eu",
    );
  });

  it("is cut at 40 characters, without the '-'s the cut leaves at the end", () => {
    const cfg = parseConfig(
      { cluster: EKS },
      { project: "payments-platform-europe-west-team-one", stack: "_blue" },
    );
    assert.equal(cfg.cluster.clusterName, "payments-platform-europe-west-team-one");
  });

  it("only a doks cluster gets an autoUpgrade setting", () => {
    assert.equal(Object.hasOwn(parseConfig({ cluster: EKS }, ctx).cluster, "autoUpgrade"), false);
  });
});

/** The engine's state loadConfig reads (project, stack, organization, config and its secret keys), restored after `fn`. */
function withEngine(
  engine: {
    project: string;
    stack: string;
    organization?: string;
    config: Record<string, string>;
    secret: string[];
  },
  fn: () => void,
): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const state = require("@pulumi/pulumi/runtime/state") as {
    getStore: () => {
      config: Record<string, string | undefined>;
      settings: { options: Record<string, unknown> };
    };
  };
  const store = state.getStore();
  const options = store.settings.options;
  const saved = {
    project: options.project,
    stack: options.stack,
    organization: options.organization,
    config: store.config.PULUMI_CONFIG,
    secret: store.config.PULUMI_CONFIG_SECRET_KEYS,
  };
  try {
    options.project = engine.project;
    options.stack = engine.stack;
    options.organization = engine.organization;
    pulumi.runtime.setAllConfig(engine.config, engine.secret);
    fn();
  } finally {
    options.project = saved.project;
    options.stack = saved.stack;
    options.organization = saved.organization;
    store.config.PULUMI_CONFIG = saved.config;
    store.config.PULUMI_CONFIG_SECRET_KEYS = saved.secret;
  }
}

describe("config: loadConfig", () => {
  const config = {
    "kube-platform:cluster": JSON.stringify(EKS),
    "kube-platform:secrets": JSON.stringify({ db: "s3cret" }),
    "aws:region": "eu-west-1",
  };

  it("secrets held encrypted by Pulumi are accepted", () => {
    withEngine({ project: "kube-platform", stack: "dev", config, secret: ["kube-platform:secrets"] }, () => {
      const cfg = loadConfig();
      assert.equal(cfg.project, "kube-platform");
      assert.equal(cfg.stack, "dev");
      assert.equal(cfg.cluster.clusterName, "kube-platform-dev");
    });
  });

  it("secrets in plaintext are refused; the engine's other secret keys do not count", () => {
    withEngine({ project: "kube-platform", stack: "dev", config, secret: ["kube-platform:cluster"] }, () => {
      assert.throws(
        () => loadConfig(),
        (err: { problems?: string[] }) => {
          assert.deepStrictEqual(err.problems, [
            "secrets: is stored in plaintext; set every value with `pulumi config set --secret --path secrets.<name> <value>`",
          ]);
          return true;
        },
      );
    });
  });

  it("fails clearly on a @pulumi/pulumi without isConfigSecret", () => {
    const id = require.resolve("@pulumi/pulumi/runtime/config");
    const mod = require.cache[id];
    assert.ok(mod);
    const exports = mod.exports as object;
    withEngine({ project: "kube-platform", stack: "dev", config, secret: [] }, () => {
      mod.exports = {};
      try {
        assert.throws(
          () => loadConfig(),
          /^Error: this @pulumi\/pulumi version does not expose isConfigSecret; update stacks\/config\.ts$/,
        );
      } finally {
        mod.exports = exports;
      }
    });
  });

  it("engineOrganization: the engine's organization, undefined when it gives none", () => {
    withEngine(
      { project: "kube-platform", stack: "dev", organization: "acme", config: {}, secret: [] },
      () => {
        assert.equal(engineOrganization(), "acme");
      },
    );
    withEngine({ project: "kube-platform", stack: "dev", config: {}, secret: [] }, () => {
      assert.equal(engineOrganization(), undefined);
    });
  });
});
