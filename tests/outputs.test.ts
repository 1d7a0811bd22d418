/**
 * The stack outputs the program really exports (index.ts evaluated under mocks) are the ones the
 * README's "Stack outputs" table documents, `apps` and `volumeSettings` included, and only the
 * kubeconfig and the Grafana password are secrets.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { EXAMPLE_STACKS, ROOT, runExample } from "../offline/stacks";

/** The output names of the README's "Stack outputs" table. */
function documentedOutputs(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.split(/^## Stack outputs$/m)[1]?.split(/^## /m)[0] ?? "";
  return [...section.matchAll(/^\| `([A-Za-z]+)` +\|/gm)].map((m) => m[1]);
}

describe("stack outputs", () => {
  it("the README documents twelve outputs, apps and volumeSettings among them", () => {
    assert.deepEqual(documentedOutputs(), [
      "target",
      "clusterName",
      "region",
      "kubeconfig",
      "defaultStorageClass",
      "ingressClass",
      "loadBalancerAddress",
      "clusterIssuer",
      "vaultAddress",
      "grafanaAdminPassword",
      "apps",
      "volumeSettings",
    ]);
  });

  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    it(`${stack}: index.ts exports exactly the documented outputs; apps is not a secret`, async () => {
      const r = await runExample(stack);
      assert.deepEqual(Object.keys(r.outputs).sort(), documentedOutputs().sort());
      assert.equal(r.secretOutputs.has("apps"), false);
      assert.deepEqual([...r.secretOutputs].sort(), ["grafanaAdminPassword", "kubeconfig"]);
    });
  }

  it("volumeSettings: not secret, exactly the volume keys per add-on (EKS prod: Vault ha, gp3)", async () => {
    const prod = await runExample("prod");
    assert.equal(prod.secretOutputs.has("volumeSettings"), false);
    assert.deepEqual(prod.outputs.volumeSettings, {
      vault: { mode: "ha", dataSize: "10Gi", auditSize: "10Gi", storageClass: "gp3" },
      prometheus: { size: "100Gi", storageClass: "gp3" },
      alertmanager: { size: "10Gi", storageClass: "gp3" },
      grafana: { size: "10Gi", storageClass: "gp3" },
    });
  });

  it("apps: per app its public URL and in-cluster address (local kind stack and EKS prod)", async () => {
    const [dev, prod] = await Promise.all([runExample("dev"), runExample("prod")]);
    // hello-vault: the example Vault app (no host: its secret stays in the cluster).
    const helloVault = { url: "", serviceHost: "hello-vault.hello-vault.svc.cluster.local:80" };
    assert.deepEqual(dev.outputs.apps, {
      hello: { url: "https://hello.localtest.me/", serviceHost: "hello.hello.svc.cluster.local:80" },
      "hello-vault": helloVault,
    });
    assert.deepEqual(prod.outputs.apps, {
      hello: { url: "https://hello.kube-platform.dev/", serviceHost: "hello.hello.svc.cluster.local:80" },
      "hello-vault": helloVault,
    });
  });
});
