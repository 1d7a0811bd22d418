/** The test harness itself: a check that cannot fail proves nothing, so prove the checks fail. */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { runResources } from "../offline/mocks";
import { validateKubernetesObject } from "./helpers/k8s-schemas";

describe("test harness", () => {
  it("records options, providers, dependencies and secret inputs as the engine receives them", async () => {
    const r = await runResources(() => {
      const provider = new k8s.Provider("p", { kubeconfig: pulumi.secret("kc") });
      const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: "a" } }, { provider, protect: true });
      new k8s.core.v1.ConfigMap(
        "cm",
        { metadata: { namespace: ns.metadata.name }, data: { k: "v" } },
        { provider, dependsOn: [ns], ignoreChanges: ["data"] },
      );
      return { secretOut: pulumi.secret("s"), plainOut: "p" };
    });
    const provider = r.one("pulumi:providers:kubernetes");
    const ns = r.one("kubernetes:core/v1:Namespace");
    const cm = r.one("kubernetes:core/v1:ConfigMap");
    assert.ok(provider.secretInputs.has("kubeconfig"));
    assert.strictEqual(provider.inputs.kubeconfig, "kc");
    assert.strictEqual(ns.protect, true);
    assert.strictEqual(cm.protect, false);
    assert.deepStrictEqual(cm.ignoreChanges, ["data"]);
    assert.strictEqual(r.providerUrn(cm), provider.urn);
    assert.ok(r.dependsOnTransitively(cm, ns));
    assert.ok(!r.dependsOnTransitively(ns, cm));
    assert.deepStrictEqual([...r.secretOutputs], ["secretOut"]);
    assert.throws(() => r.one("kubernetes:apps/v1:Deployment"), /expected exactly one/);
  });

  it("runs started together run one after the other: each records only its own resources, under its stack", async () => {
    // A resource that registers once another one has (as most of the program's do), in two stacks at once.
    const later = (name: string) => () => {
      const first = new k8s.core.v1.Namespace(`${name}-first`, { metadata: { name } });
      new k8s.core.v1.ConfigMap(
        `${name}-later`,
        { data: { ns: first.metadata.name } },
        { dependsOn: [first] },
      );
    };
    const [a, b] = await Promise.all([
      runResources(later("a"), { stack: "one" }),
      runResources(later("b"), { stack: "two" }),
    ]);
    assert.deepStrictEqual(
      a.resources.map((r) => r.urn),
      [
        "urn:pulumi:one::kube-platform::kubernetes:core/v1:Namespace::a-first",
        "urn:pulumi:one::kube-platform::kubernetes:core/v1:ConfigMap::a-later",
      ],
    );
    assert.deepStrictEqual(
      b.resources.map((r) => r.urn),
      [
        "urn:pulumi:two::kube-platform::kubernetes:core/v1:Namespace::b-first",
        "urn:pulumi:two::kube-platform::kubernetes:core/v1:ConfigMap::b-later",
      ],
    );
  });

  it("rejects Kubernetes objects that break the schema, and kinds it has no schema for", () => {
    const good = {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "gp3" },
      provisioner: "ebs.csi.aws.com",
      volumeBindingMode: "WaitForFirstConsumer",
    };
    validateKubernetesObject(good);
    assert.throws(
      () => validateKubernetesObject({ ...good, volumeBindingMode: "Later" }),
      /volumeBindingMode/,
    );
    assert.throws(() => validateKubernetesObject({ ...good, apiVersion: "example.com/v1" }), /no schema/);
    const issuer = { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "ca" } };
    validateKubernetesObject({ ...issuer, spec: { ca: { secretName: "ca" } } });
    assert.throws(() => validateKubernetesObject({ ...issuer, spec: { ca: {} } }), /secretName/);
    const sm = { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "m" } };
    validateKubernetesObject({ ...sm, spec: { selector: {}, endpoints: [{ port: "metrics" }] } });
    assert.throws(() => validateKubernetesObject({ ...sm, spec: { endpoints: [] } }), /selector/);
  });
});
