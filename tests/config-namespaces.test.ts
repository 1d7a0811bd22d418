/**
 * Config keys under a near miss of the project's namespace (`kube-platfrom:apps`) are problems, as
 * the program sees every namespace's keys under `pulumi up`; providers' namespaces never are. A
 * config error reaches `pulumi up` as a RunError: its problem list once, no stack trace.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { closest, editDistance } from "../components/shared/near-miss";
import { runProgram } from "../offline/mocks";
import { ConfigError, parseConfig } from "../stacks/config";
import { PROVIDER_NAMESPACES, isNearMissNamespace, namespaceProblems } from "../stacks/config-namespaces";
import { problemsOf } from "./helpers/config-problems";

const PROJECT = "kube-platform";
const ctx = { project: PROJECT, stack: "test" };
const DOKS = { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] };

describe("near misses", () => {
  it("count edits, a swap of neighbours as one", () => {
    assert.equal(editDistance("kube-platform", "kube-platform"), 0);
    assert.equal(editDistance("kube-platfrom", "kube-platform"), 1);
    assert.equal(editDistance("kube-platfor", "kube-platform"), 1);
    assert.equal(editDistance("kube-plaform", "kube-platform"), 1);
    assert.equal(editDistance("kbue-pltaform", "kube-platform"), 2);
    assert.equal(editDistance("kubernetes", "kube-platform"), 8);
    assert.equal(editDistance("", "abc"), 3);
  });

  it("closest: the same word but for case and separators, else within two edits (fewer for short words)", () => {
    assert.equal(closest("kube_platform", [PROJECT]), PROJECT);
    assert.equal(closest("kubeplatform", [PROJECT]), PROJECT);
    assert.equal(closest("Kube.Platform", [PROJECT]), PROJECT);
    assert.equal(closest("kbue-pltaform", [PROJECT]), PROJECT);
    assert.equal(closest("kbue-pltafrom", [PROJECT]), undefined);
    assert.equal(closest("kube-platform", [PROJECT]), undefined);
    // A three-letter word has no budget: "gpc" is not "gcp".
    assert.equal(closest("gpc", ["gcp"]), undefined);
    assert.equal(closest("replica", ["replicas", "replicaCount"]), "replicas");
  });
});

describe("config namespaces", () => {
  it("near misses of the project are flagged, providers and unrelated namespaces never", () => {
    for (const ns of [
      "kube-platfrom",
      "kubeplatform",
      "kube_platform",
      "Kube-Platform",
      "kube-platforms",
      "kube-platfor",
    ])
      assert.ok(isNearMissNamespace(ns, PROJECT), ns);
    for (const ns of [PROJECT, ...PROVIDER_NAMESPACES, "myteam", "kube", "platform", "kube-platform-prod"])
      assert.ok(!isNearMissNamespace(ns, PROJECT), ns);
    for (const ns of ["aws", "gcp", "azure-native", "kubernetes", "digitalocean", "pulumi"])
      assert.ok(PROVIDER_NAMESPACES.has(ns), ns);
  });

  it("one problem per key, naming it and the key meant", () => {
    assert.deepEqual(
      namespaceProblems(
        [
          "kube-platfrom:apps",
          "kubeplatform:cluster",
          "kube_platform:addons",
          "kube-platfrom:config:profile",
          "aws:region",
          "kubernetes:context",
          "pulumi:tags",
          "azure-native:location",
          "myteam:owner",
        ],
        PROJECT,
      ),
      [
        "kube-platfrom:apps: not this program's namespace; did you mean kube-platform:apps?",
        "kubeplatform:cluster: not this program's namespace; did you mean kube-platform:cluster?",
        "kube_platform:addons: not this program's namespace; did you mean kube-platform:addons?",
        "kube-platfrom:config:profile: not this program's namespace; did you mean kube-platform:profile?",
      ],
    );
  });

  it("parseConfig reports them with the other problems (otherKeys: what loadConfig passes)", () => {
    assert.deepEqual(
      problemsOf({ cluster: DOKS }, { ...ctx, otherKeys: ["aws:region", "digitalocean:token"] }),
      [],
    );
    assert.deepEqual(
      problemsOf(
        { cluster: DOKS, profile: "staging" },
        { ...ctx, otherKeys: ["kube-platfrom:apps", "aws:region"] },
      ),
      [
        "kube-platfrom:apps: not this program's namespace; did you mean kube-platform:apps?",
        'profile: got "staging"; allowed: "dev" | "prod"',
      ],
    );
  });

  it("under `pulumi up` the program sees every namespace (runtime allConfig) and refuses the near miss", async () => {
    const apps = [{ name: "hello", image: "ghcr.io/stefanprodan/podinfo:6.9.1", port: 8080 }];
    await assert.rejects(
      runProgram({ cluster: DOKS, "kube-platfrom:apps": apps, "digitalocean:token": "t" }, "near-miss"),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.length === 1 &&
        e.problems[0] ===
          "kube-platfrom:apps: not this program's namespace; did you mean kube-platform:apps?",
    );
  });
});

describe("a config error under `pulumi up`", () => {
  it("is a pulumi.RunError (the runtime logs its message alone, without a stack trace) listing each problem once", () => {
    let error: unknown;
    try {
      parseConfig({ profile: "staging", cluster: { target: "doks", region: "mars" } }, ctx);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    assert.ok(pulumi.RunError.isInstance(error));
    assert.ok(error instanceof pulumi.RunError);
    assert.deepEqual(error.problems, [
      'profile: got "staging"; allowed: "dev" | "prod"',
      'cluster.region: got "mars"; must be a region name like "ams3"',
    ]);
    assert.equal(
      error.message,
      "Invalid stack configuration (2 problems):\n" +
        '  - profile: got "staging"; allowed: "dev" | "prod"\n' +
        '  - cluster.region: got "mars"; must be a region name like "ams3"\n' +
        "Keys are under the project namespace (e.g. `pulumi config set --path cluster.region eu-west-1`); see docs/configuration.md.",
    );
    for (const p of error.problems) assert.equal(error.message.split(p).length - 1, 1, p);
  });

  it("reaches the runtime as that RunError when the program loads its config", async () => {
    await assert.rejects(runProgram({ cluster: { target: "doks" } }, "invalid"), (e: unknown) =>
      pulumi.RunError.isInstance(e),
    );
  });
});
