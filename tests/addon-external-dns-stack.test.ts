/** external-dns and the DNS-01 issuers on the example stacks: the token's secrecy, the NetworkPolicies. */
import * as assert from "node:assert/strict";
import { runProgram, secret } from "../offline/mocks";
import { exampleConfig, runExample } from "../offline/stacks";
import { stackViewOf } from "./helpers/integrity";
import {
  CM_CONTROLLER,
  DNS_API,
  EXTERNAL_DNS,
  NAME_SERVER,
  address,
  changePolicy,
  flow,
  refusedOf,
  withConfig,
} from "./helpers/integrity-flows";

describe("external-dns on the DOKS example stack: the token stays secret end to end", function () {
  this.timeout(120_000);

  it("only the two token Secrets hold it, as secret inputs; no value, ConfigMap, annotation or output does", async () => {
    const token = "dop_v1_example-stack-token";
    const cfg = exampleConfig("doks");
    const run = await runProgram({ ...cfg, secrets: secret({ dnsToken: token }) }, "doks");
    const holders = run.resources.filter((r) => JSON.stringify(r.inputs).includes(token));
    assert.deepEqual(holders.map((r) => `${r.type} ${r.name}`).sort(), [
      "kubernetes:core/v1:Secret kp-addons-cert-manager-dns01-token",
      "kubernetes:core/v1:Secret kp-addons-external-dns-token",
    ]);
    for (const r of holders) assert.ok(r.secretInputs.has("stringData"), r.name);
    assert.ok(!JSON.stringify(run.outputs).includes(token));
    for (const r of run.resources)
      assert.ok(!JSON.stringify(r.outputs).includes(token) || holders.includes(r), r.name);
  });
});

describe("external-dns and DNS-01 NetworkPolicies (proved against the chart's pods)", function () {
  this.timeout(120_000);
  const apiFlow = flow(EXTERNAL_DNS, DNS_API, 443, "the zones' records");
  const checks = [
    flow(CM_CONTROLLER, NAME_SERVER, 53, "DNS-01 propagation check", "UDP"),
    flow(CM_CONTROLLER, NAME_SERVER, 53, "DNS-01 propagation check"),
  ];

  it("external-dns reaches its DNS API; without its allowance (default deny alone) it cannot", async () => {
    const view = stackViewOf(await runExample("prod"));
    assert.deepEqual(refusedOf(view, [apiFlow]), []);
    const denied = changePolicy(view, "external-dns", "allow-external-dns", (spec) => {
      spec.egress = [];
    });
    assert.equal(refusedOf(denied, [apiFlow]).length, 1);
  });

  it("GKE: external-dns and cert-manager reach the metadata server for their Workload Identity tokens", async () => {
    const view = stackViewOf(await runExample("gke"));
    const metadata = address("GKE metadata server", "169.254.169.254");
    assert.deepEqual(
      refusedOf(view, [
        flow(EXTERNAL_DNS, metadata, 80, "token"),
        flow(CM_CONTROLLER, metadata, 80, "token"),
      ]),
      [],
    );
  });

  it("cert-manager asks the zones' name servers on 53 only where DNS-01 issuers exist", async () => {
    assert.deepEqual(refusedOf(stackViewOf(await runExample("doks")), checks), []);
    const withoutZones = await withConfig("doks", (cfg) => {
      const addons = cfg.addons as Record<string, unknown>;
      delete addons.dns;
    });
    assert.equal(refusedOf(withoutZones, checks).length, 2);
  });
});

describe("external-dns and the apps' Ingresses: create after it, delete before it (the teardown wait)", function () {
  this.timeout(120_000);
  const SLEEP = "time:index/sleep:Sleep";
  const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
  const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

  for (const [stack, destroyDuration] of [
    ["eks-dev", "90s"], // dev profile: policy sync, external-dns deletes the records it owns
    ["prod", "0s"], // prod profile: upsert-only never deletes a record, so there is nothing to wait for
  ] as const) {
    it(`${stack}: every app Ingress depends on the wait, the wait on the release and every external-dns policy (${destroyDuration})`, async () => {
      const run = await runExample(stack);
      const sleep = run.one(SLEEP, "external-dns-records-settle");
      assert.equal(sleep.name, "kp-addons-external-dns-records-settle");
      assert.deepEqual(sleep.inputs, { destroyDuration });
      const release = run.one("kubernetes:helm.sh/v3:Release", "external-dns-release");
      const policies = run
        .ofType(POLICY)
        .filter((p) => (p.inputs.metadata as { namespace?: string }).namespace === "external-dns");
      assert.ok(policies.length >= 2, "default deny and the allowance");
      assert.deepEqual([...sleep.dependsOn].sort(), [release.urn, ...policies.map((p) => p.urn)].sort());
      const ingresses = run.ofType(INGRESS);
      assert.ok(ingresses.length > 0);
      for (const ingress of ingresses) assert.ok(ingress.dependsOn.includes(sleep.urn), ingress.name);
    });
  }

  it("without zones there is no wait, and the Ingresses depend on no Sleep", async () => {
    const cfg = exampleConfig("eks-dev");
    delete (cfg.addons as Record<string, unknown>).dns;
    const run = await runProgram(cfg, "eks-dev");
    assert.deepEqual(
      run.ofType(SLEEP).filter((r) => r.name.includes("records-settle")),
      [],
    );
    const sleeps = new Set(run.ofType(SLEEP).map((r) => r.urn));
    for (const ingress of run.ofType(INGRESS))
      assert.ok(!ingress.dependsOn.some((u) => sleeps.has(u)), ingress.name);
  });
});
