/**
 * The add-on contract (components/addons/contract.ts), one suite for every add-on on every example
 * stack: each installed add-on publishes its namespace, its Helm release and its metrics endpoints,
 * and what PlatformAddOns hands the workloads is read from those records.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AddonComponent } from "../components/addons/contract";
import { ProgramRun, runResources } from "../offline/mocks";
import { EXAMPLE_STACKS, SAMPLE_KUBECONFIG, exampleConfig } from "../offline/stacks";
import { parseConfig } from "../stacks/config";
import { Platform } from "../stacks/platform";
import { exampleForParse } from "./helpers/vault-fixtures";

const KEYS = ["ingress", "certManager", "vault", "monitoring", "metricsServer", "clusterAutoscaler"] as const;
const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";

interface Published {
  urn: string;
  namespace: string;
  releaseUrn: string;
  metrics: { name: string; namespace: string; ownRelease: boolean }[];
}

const runs = new Map<string, ReturnType<typeof build>>();

/** The contract record of every installed add-on of `stack` (built once per stack). */
function contracts(stack: string): ReturnType<typeof build> {
  const cached = runs.get(stack) ?? build(stack);
  runs.set(stack, cached);
  return cached;
}

async function build(stack: string) {
  // Encrypted values (`secure:`) are held secret, as Pulumi does.
  const { raw, secretKeys } = exampleForParse(exampleConfig(stack));
  const cfg = parseConfig(raw, {
    project: "kube-platform",
    stack,
    secretKeys,
    readFile: () => SAMPLE_KUBECONFIG,
  });
  let platform: Platform | undefined;
  const run: ProgramRun = await runResources(() => {
    platform = new Platform("kp", cfg);
    const out: Record<string, unknown> = {};
    for (const key of KEYS) {
      const addon = platform.addons[key];
      if (!addon) continue;
      out[key] = pulumi.all([addon.urn, addon.release.urn]).apply(([urn, releaseUrn]) => ({
        urn,
        namespace: addon.namespace,
        releaseUrn,
        metrics: addon.metrics.map((m) => ({
          name: m.name,
          namespace: m.namespace,
          ownRelease: m.release === addon.release,
        })),
      }));
    }
    return out;
  });
  assert.ok(platform, "the platform was built");
  return { run, platform, published: run.outputs as Record<string, Published> };
}

describe("the add-on contract", () => {
  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    describe(stack, () => {
      it("every installed add-on publishes its namespace, its release (a child of it, in that namespace) and its endpoints", async () => {
        const { run, published } = await contracts(stack);
        assert.ok(Object.keys(published).length >= 4, "the example installs the core add-ons");
        const namespaces = run.ofType(NAMESPACE).map((n) => (n.inputs.metadata as { name: string }).name);
        for (const [key, p] of Object.entries(published)) {
          assert.equal(
            run.byUrn(p.urn).outputs.namespace,
            p.namespace,
            `${key}: registers its namespace as an output`,
          );
          const release = run.byUrn(p.releaseUrn);
          assert.equal(release.type, RELEASE, key);
          assert.equal(release.parent, p.urn, `${key}: the release is the add-on's child`);
          assert.equal(
            release.inputs.namespace,
            p.namespace,
            `${key}: the release installs into its namespace`,
          );
          assert.ok(namespaces.includes(p.namespace), `${key}: namespace ${p.namespace} is created`);
          for (const m of p.metrics) {
            assert.ok(m.ownRelease, `${key}: endpoint ${m.name} names the add-on's release`);
            assert.equal(m.namespace, p.namespace, `${key}: endpoint ${m.name} is in the add-on's namespace`);
          }
        }
      });

      it("the workloads get the namespaces and releases the add-ons published", async () => {
        const { platform } = await contracts(stack);
        const { addons } = platform;
        const s = addons.services;
        assert.equal(s.ingress?.namespace, addons.ingress?.namespace);
        assert.equal(s.ingress?.className, addons.ingress?.className);
        assert.equal(s.clusterIssuer, addons.certManager?.defaultIssuer);
        assert.equal(s.monitoring?.namespace, addons.monitoring?.namespace);
        assert.equal(s.monitoring?.release, addons.monitoring?.release);
        assert.equal(s.vault?.namespace, addons.vault?.namespace);
        // Pods with agents wait for the injector and, in ha mode, its patch with Vault's CA.
        assert.equal(s.vault?.release, addons.vault?.injectorReady);
        // And for Vault's configuration: the configure Job.
        assert.equal(s.vault?.configured, addons.vault?.configured);
        assert.deepEqual(
          s.vault ? Object.keys(s.vault).sort() : [],
          addons.vault ? ["address", "configured", "namespace", "release"] : [],
          "agents get Vault's CA from the injector, not per app",
        );
      });
    });
  }

  it("reading the contract before publish() is an error naming the component", async () => {
    class Unpublished extends AddonComponent {
      constructor() {
        super("test:addons:Unpublished", "early");
      }
    }
    await runResources(() => {
      const early = new Unpublished();
      assert.throws(
        () => early.namespace,
        /test:addons:Unpublished early: the add-on contract is read before publish\(\)/,
      );
    });
  });
});
