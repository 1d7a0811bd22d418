/**
 * The real program (index.ts) evaluated under mocks for every example stack.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, parseConfig } from "../stacks/config";
import { Platform } from "../stacks/platform";
import { ProgramRun, RecordedResource, runProgram, runResources } from "./helpers/mocks";
import { validateKubernetesObject } from "./helpers/k8s-schemas";
import { EXAMPLE_STACKS, SAMPLE_KUBECONFIG, loadStackConfig } from "./helpers/stacks";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kp-test-"));
const kindKubeconfig = path.join(tmp, "config");
fs.writeFileSync(kindKubeconfig, SAMPLE_KUBECONFIG);

/** The example's config, with the kind example pointed at a test kubeconfig file. */
function exampleConfig(stack: string): Record<string, unknown> {
  const cfg = loadStackConfig(stack);
  const cluster = cfg.cluster as Record<string, unknown>;
  if (cluster.kubeconfigPath) cfg.cluster = { ...cluster, kubeconfigPath: kindKubeconfig };
  return cfg;
}

const runs = new Map<string, Promise<ProgramRun>>();
function run(stack: string): Promise<ProgramRun> {
  if (!runs.has(stack)) runs.set(stack, runProgram(exampleConfig(stack), stack));
  return runs.get(stack)!;
}

function isKubernetes(r: RecordedResource): boolean {
  return r.type.startsWith("kubernetes:");
}

describe("the program on every example stack", function () {
  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    describe(stack, () => {
      it("evaluates and exports the cluster outputs, the kubeconfig as a secret", async () => {
        const r = await run(stack);
        for (const key of ["target", "clusterName", "kubeconfig", "defaultStorageClass"]) {
          assert.ok(r.outputs[key] !== undefined, `output ${key} missing`);
        }
        assert.ok(r.secretOutputs.has("kubeconfig"), "kubeconfig output is not a secret");
        assert.deepStrictEqual(
          [...r.secretOutputs].filter((k) => k !== "kubeconfig"),
          [],
          "only the kubeconfig is secret",
        );
      });

      it("puts every resource under the Platform component with names derived from it", async () => {
        const r = await run(stack);
        const root = r.one("kube-platform:index:Platform");
        assert.strictEqual(root.name, "kp");
        for (const res of r.resources) {
          if (res === root) continue;
          assert.ok(r.dependsOnTransitively(res, root), `${res.type} ${res.name} is not under the platform`);
          assert.match(res.name, /^kp-/, `${res.type} ${res.name} has a hard-coded name`);
        }
        const urns = r.resources.map((x) => x.urn);
        assert.strictEqual(new Set(urns).size, urns.length, "duplicate URNs");
      });

      it("uses the cluster's Kubernetes provider for every Kubernetes object", async () => {
        const r = await run(stack);
        const provider = r.one("pulumi:providers:kubernetes");
        assert.ok(provider.secretInputs.has("kubeconfig"), "the provider's kubeconfig is not a secret");
        for (const res of r.resources.filter(isKubernetes)) {
          assert.strictEqual(
            r.providerUrn(res),
            provider.urn,
            `${res.type} ${res.name} uses another provider`,
          );
        }
      });

      it("registers only Kubernetes objects that satisfy the Kubernetes schemas", async () => {
        const r = await run(stack);
        for (const res of r.resources.filter((x) => isKubernetes(x) && x.custom)) {
          assert.doesNotThrow(() => validateKubernetesObject(res.inputs), `${res.type} ${res.name}`);
        }
      });
    });
  }

  it("registers no resource when the config is invalid", async () => {
    const bad = { ...exampleConfig("prod"), profile: "production" };
    await assert.rejects(runProgram(bad, "prod"), (err: ConfigError & { recorded: RecordedResource[] }) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.match(err.message, /profile: got "production"; allowed: "dev" \| "prod"/);
      assert.deepStrictEqual(err.recorded, []);
      return true;
    });
  });
});

describe("existing cluster (kind example)", () => {
  it("creates no cloud resources: only the platform, the cluster component and its provider", async () => {
    const r = await run("kind");
    assert.deepStrictEqual(r.resources.map((x) => x.type).sort(), [
      "kube-platform:cluster:ExistingCluster",
      "kube-platform:index:Platform",
      "pulumi:providers:kubernetes",
    ]);
    const provider = r.one("pulumi:providers:kubernetes");
    assert.strictEqual(provider.inputs.kubeconfig, SAMPLE_KUBECONFIG);
    assert.strictEqual(provider.inputs.context, "kind-kind");
    assert.strictEqual(provider.inputs.clusterIdentifier, "existing/kind");
    assert.deepStrictEqual(
      { storage: r.outputs.defaultStorageClass, target: r.outputs.target, name: r.outputs.clusterName },
      { storage: "standard", target: "existing", name: "kind" },
    );
  });
});

describe("two platforms in one program", () => {
  it("do not collide in names or URNs", async () => {
    const ctx = { project: "kube-platform", stack: "dev", readFile: () => SAMPLE_KUBECONFIG };
    const a = parseConfig(exampleConfig("kind"), ctx);
    const b = parseConfig(
      {
        cluster: { target: "existing", clusterName: "minikube", context: "minikube" },
        kubeconfig: SAMPLE_KUBECONFIG,
      },
      ctx,
    );
    const r = await runResources(() => {
      new Platform("blue", a);
      new Platform("green", b);
    });
    const urns = r.resources.map((x) => x.urn);
    assert.strictEqual(new Set(urns).size, urns.length, `duplicate URNs:\n${urns.join("\n")}`);
    const providers = r.ofType("pulumi:providers:kubernetes");
    assert.deepStrictEqual(providers.map((p) => p.name).sort(), ["blue-cluster-k8s", "green-cluster-k8s"]);
    assert.notStrictEqual(providers[0].inputs.clusterIdentifier, providers[1].inputs.clusterIdentifier);
  });
});
