import * as assert from "node:assert/strict";
import { parseConfig } from "../stacks/config";
import { oneProblem as oneProblemIn } from "./helpers/config-problems";
import { SAMPLE_KUBECONFIG } from "../offline/stacks";
import { requirementsOf } from "../preflight/plan";
import { ResourceUnderTest, evaluate } from "../rules";
import { doksAutoUpgrade, isShamirHaVault } from "../rules/cluster/doks";
import { VAULT_INIT } from "./helpers/vault-fixtures";

const ctx = { project: "kube-platform", stack: "doks" };
// ha mode (prod's default) needs Vault's key holders.
const PROD = {
  profile: "prod",
  addons: { certManager: { email: "platform@kube-platform.dev" }, vault: { init: VAULT_INIT } },
};
const base = { target: "doks", region: "ams3" };

const oneProblem = (raw: Record<string, unknown>, ...patterns: RegExp[]): void =>
  oneProblemIn(raw, ctx, ...patterns);

const allowedOf = (raw: Record<string, unknown>): unknown =>
  (parseConfig(raw, ctx).cluster as unknown as { apiAllowedAddresses: unknown }).apiAllowedAddresses;

describe("DOKS config: the control-plane firewall (cluster.apiAllowedAddresses)", () => {
  it("prod refuses an API server open to the internet (no allowed address)", () => {
    oneProblem(
      { ...PROD, cluster: base },
      /^cluster\.apiAllowedAddresses: prod needs the control-plane firewall/,
      /including the address `pulumi up` runs from/,
    );
  });

  it("prod refuses 0.0.0.0/0 as an allowed address", () => {
    oneProblem(
      { ...PROD, cluster: { ...base, apiAllowedAddresses: ["198.18.0.0/24", "0.0.0.0/0"] } },
      /^cluster\.apiAllowedAddresses\[1\]: got "0\.0\.0\.0\/0"/,
      /must not be open to the whole internet in prod/,
    );
  });

  it("prod accepts listed addresses", () => {
    assert.deepEqual(allowedOf({ ...PROD, cluster: { ...base, apiAllowedAddresses: ["198.18.0.0/24"] } }), [
      "198.18.0.0/24",
    ]);
  });

  it("dev defaults to none (firewall off, API server open) and may list any", () => {
    assert.deepEqual(allowedOf({ cluster: base }), []);
    assert.deepEqual(allowedOf({ cluster: { ...base, apiAllowedAddresses: ["0.0.0.0/0"] } }), ["0.0.0.0/0"]);
  });

  it("each address is a CIDR, listed once", () => {
    oneProblem(
      { cluster: { ...base, apiAllowedAddresses: ["198.18.0.7"] } },
      /^cluster\.apiAllowedAddresses\[0\]: got "198\.18\.0\.7"; must be an IPv4 CIDR/,
    );
    oneProblem(
      { cluster: { ...base, apiAllowedAddresses: ["198.18.0.0/24", "198.18.0.0/24"] } },
      /^cluster\.apiAllowedAddresses\[1\]: got "198\.18\.0\.0\/24"; is listed twice/,
    );
  });
});

describe("DOKS with Vault ha (Shamir): node auto-upgrades", () => {
  const autoUpgradeOf = (raw: Record<string, unknown>): unknown =>
    (parseConfig(raw, ctx).cluster as unknown as { autoUpgrade: unknown }).autoUpgrade;
  const PROD_DOKS = { ...PROD, cluster: { ...base, apiAllowedAddresses: ["198.18.0.0/24"] } };
  const withVault = (raw: Record<string, unknown>, vault: Record<string, unknown>) => ({
    ...raw,
    addons: { ...((raw.addons as Record<string, unknown>) ?? {}), vault: { init: VAULT_INIT, ...vault } },
  });

  it("defaults to false while Vault runs ha (prod's default mode), true otherwise", () => {
    assert.equal(autoUpgradeOf(PROD_DOKS), false, "prod: Vault ha by default, Shamir on DOKS");
    assert.equal(autoUpgradeOf(withVault(PROD_DOKS, { mode: "ha" })), false);
    assert.equal(autoUpgradeOf(withVault(PROD_DOKS, { mode: "dev" })), true);
    assert.equal(autoUpgradeOf(withVault(PROD_DOKS, { enabled: false })), true);
    assert.equal(autoUpgradeOf({ cluster: base }), true, "dev: Vault dev mode by default");
    assert.equal(autoUpgradeOf(withVault({ cluster: base }, { mode: "ha" })), false);
  });

  it("an explicit value wins where it is safe or chosen: false always, true in dev", () => {
    assert.equal(
      autoUpgradeOf({ ...PROD_DOKS, cluster: { ...PROD_DOKS.cluster, autoUpgrade: false } }),
      false,
    );
    const devHa = withVault({ cluster: { ...base, autoUpgrade: true } }, { mode: "ha" });
    assert.equal(autoUpgradeOf(devHa), true, "dev may choose automatic upgrades with Vault ha");
    const prodDev = withVault(
      { ...PROD_DOKS, cluster: { ...PROD_DOKS.cluster, autoUpgrade: true } },
      { mode: "dev" },
    );
    assert.equal(autoUpgradeOf(prodDev), true);
  });

  it("prod refuses autoUpgrade true with Vault ha, naming both keys and the ways out", () => {
    oneProblem(
      { ...PROD_DOKS, cluster: { ...PROD_DOKS.cluster, autoUpgrade: true } },
      /^cluster\.autoUpgrade: got true; with addons\.vault\.mode ha /,
      /addons\.vault\.mode ha/,
      /Shamir/,
      /a forced drain loses the Raft quorum/,
      /Leave cluster\.autoUpgrade unset/,
      /addons\.vault\.mode dev or addons\.vault\.enabled false/,
    );
  });

  it("security rule AVD-DIG-0008 (doks-auto-upgrade) accepts autoUpgrade false only beside a Shamir ha Vault", () => {
    const cluster = (autoUpgrade: unknown): ResourceUnderTest => ({
      type: "digitalocean:index/kubernetesCluster:KubernetesCluster",
      name: "kp-cluster-doks",
      inputs: { autoUpgrade },
    });
    const vault = (values: Record<string, unknown>): ResourceUnderTest => ({
      type: "kubernetes:helm.sh/v3:Release",
      name: "kp-addons-vault-release",
      inputs: { chart: "vault", values },
    });
    const shamirHa = vault({ server: { ha: { enabled: true, raft: { config: 'storage "raft" {}' } } } });
    const kmsHa = vault({
      server: { ha: { enabled: true, raft: { config: 'storage "raft" {}\nseal "awskms" {\n}' } } },
    });
    const dev = vault({ server: { ha: { enabled: false }, standalone: { enabled: true } } });
    const ids = (set: ResourceUnderTest[]) =>
      evaluate(set, { profile: "prod" }, [doksAutoUpgrade]).map((v) => [v.ruleId, v.message]);
    const refused = [["doks-auto-upgrade", "autoUpgrade is not true"]];
    assert.deepEqual(ids([cluster(true)]), []);
    assert.deepEqual(ids([cluster(false), shamirHa]), [], "the documented combination");
    assert.deepEqual(ids([cluster(false)]), refused);
    assert.deepEqual(ids([cluster(undefined), dev]), refused);
    assert.deepEqual(ids([cluster(false), kmsHa]), refused, "an auto-unsealed Vault survives upgrades");
    assert.ok(isShamirHaVault(shamirHa) && !isShamirHaVault(kmsHa) && !isShamirHaVault(dev));
  });

  it("the existing target cannot turn node upgrades off: the preflight names the requirement with Vault ha", () => {
    const existing = (vault: Record<string, unknown>) =>
      requirementsOf(
        parseConfig(
          {
            ...PROD,
            addons: { ...PROD.addons, vault: { init: VAULT_INIT, ...vault } },
            cluster: { target: "existing" },
            kubeconfig: SAMPLE_KUBECONFIG,
          },
          { project: "kube-platform", stack: "existing" },
        ),
      ).filter((line) => line.startsWith("node upgrades under your control"));
    assert.equal(existing({ mode: "ha" }).length, 1);
    assert.match(existing({ mode: "ha" })[0], /brings a Vault pod back sealed/);
    assert.match(existing({ mode: "ha" })[0], /turn the cluster's automatic node upgrades off/);
    assert.deepEqual(existing({ mode: "dev" }), []);
    assert.deepEqual(existing({ enabled: false }), []);
  });
});
