/** GKE stack config: the deployer's path to the API server, and label values from the stack name. */
import * as assert from "assert";
import { parseConfig } from "../stacks/config";
import { CLOUD_LABEL_VALUE, cloudLabelValue } from "../components/cluster/labels";
import { loadStackConfig } from "../offline/stacks";
import { problemsOf as problemsIn } from "./helpers/config-problems";
import { VAULT_INIT } from "./helpers/vault-fixtures";

const ctx = { project: "kube-platform", stack: "gke" };
// ha mode (prod's default) needs Vault's key holders.
const PROD = {
  profile: "prod",
  addons: { certManager: { email: "platform@kube-platform.dev" }, vault: { init: VAULT_INIT } },
};
const GKE = { target: "gke", project: "my-project-1", region: "europe-west1" };
const OFFICE = { name: "office", cidr: "198.18.0.0/24" };

const problemsOf = (raw: Record<string, unknown>, c = ctx): string[] => problemsIn(raw, c);

describe("GKE config: the deployer's path to the API server (masterAuthorizedNetworks)", () => {
  for (const [profile, base] of [
    ["dev", {}],
    ["prod", PROD],
  ] as const) {
    it(`${profile}: no authorized network is one error naming the key and the fix`, () => {
      const problems = problemsOf({ ...base, cluster: GKE });
      assert.deepStrictEqual(problems, [
        "cluster.masterAuthorizedNetworks: must list at least one network allowed to reach the API server, including the public address of the machine that runs `pulumi up` (e.g. [{name: deployer, cidr: <its address>/32}], the address `curl -s https://checkip.amazonaws.com` prints there); with none, GKE refuses all external access",
      ]);
    });

    it(`${profile}: an empty list is the same error, with the value`, () => {
      const problems = problemsOf({ ...base, cluster: { ...GKE, masterAuthorizedNetworks: [] } });
      assert.strictEqual(problems.length, 1, problems.join("\n"));
      assert.match(
        problems[0],
        /^cluster\.masterAuthorizedNetworks: got \[\]; must list at least one network/,
      );
    });

    it(`${profile}: one network is enough and is passed through`, () => {
      const cfg = parseConfig({ ...base, cluster: { ...GKE, masterAuthorizedNetworks: [OFFICE] } }, ctx);
      assert.ok(cfg.cluster.target === "gke");
      assert.deepStrictEqual(cfg.cluster.masterAuthorizedNetworks, [OFFICE]);
    });
  }

  it("refuses more than the 50 networks the GKE API accepts", () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ name: `n${i}`, cidr: `198.18.1.${i}/32` }));
    const problems = problemsOf({ cluster: { ...GKE, masterAuthorizedNetworks: many } });
    assert.strictEqual(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /^cluster\.masterAuthorizedNetworks: .*at most 50 item/);
    assert.deepStrictEqual(
      problemsOf({ cluster: { ...GKE, masterAuthorizedNetworks: many.slice(0, 50) } }),
      [],
    );
  });

  it("the GKE example stack declares the deployer's network", () => {
    const cfg = parseConfig(loadStackConfig("gke"), ctx);
    assert.ok(cfg.cluster.target === "gke");
    assert.ok(cfg.cluster.masterAuthorizedNetworks.length >= 1);
  });
});

describe("label values from the stack name (GCP labels: [a-z0-9_-], at most 63)", () => {
  const cluster = { ...GKE, masterAuthorizedNetworks: [OFFICE] };
  const stackTag = (stack: string): string => {
    const cfg = parseConfig({ cluster: { ...cluster, clusterName: "kp" } }, { ...ctx, stack });
    assert.ok(cfg.cluster.target === "gke");
    return cfg.cluster.tags["kube-platform-stack"];
  };

  it("a 100-character stack name with dots becomes a valid, distinct label value", () => {
    const stack = "team.platform.europe-west1.".repeat(4).slice(0, 99) + "x";
    assert.strictEqual(stack.length, 100);
    const other = stack.slice(0, 99) + "y";
    const a = stackTag(stack);
    const b = stackTag(other);
    assert.match(a, CLOUD_LABEL_VALUE);
    assert.ok(a.length <= 63, `${a.length} characters`);
    assert.strictEqual(a, "team-platform-europe-west1-team-platform-europe-west1-6052fc94");
    assert.match(b, CLOUD_LABEL_VALUE);
    assert.notStrictEqual(a, b, "stacks differing after the cut keep distinct values");
  });

  it("valid stack names keep their value (lowercased, as before)", () => {
    assert.strictEqual(stackTag("dev"), "dev");
    assert.strictEqual(stackTag("Prod"), "prod");
    assert.strictEqual(stackTag("eu_prod-2"), "eu_prod-2");
  });

  it("cloudLabelValue: sanitises, truncates with a hash, keeps names apart that sanitising would merge", () => {
    assert.strictEqual(cloudLabelValue("a".repeat(63)), "a".repeat(63));
    const long = cloudLabelValue("a".repeat(64));
    assert.strictEqual(long.length, 63);
    assert.match(long, /^a{54}-[0-9a-f]{8}$/);
    assert.notStrictEqual(cloudLabelValue("team.prod"), cloudLabelValue("team-prod"));
    assert.match(cloudLabelValue("team.prod"), /^team-prod-[0-9a-f]{8}$/);
    for (const v of ["...", ".", "a.b.c", "Ünïcode.stack", "x".repeat(100)]) {
      assert.match(cloudLabelValue(v), CLOUD_LABEL_VALUE, v);
    }
    assert.strictEqual(cloudLabelValue("a.b"), cloudLabelValue("a.b"), "deterministic");
  });
});
