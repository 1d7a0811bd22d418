/**
 * The cluster contract, one suite for every target: each example stack's cluster section, parsed by
 * the real config parser, built by createCluster under mocks. What differs per target is a literal
 * table; what every target must do (a secret kubeconfig, one Kubernetes provider that is the
 * component's child, every child named from and parented to the component, `ready` made of
 * registered resources) is asserted once for all.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { ClusterComponent } from "../components/cluster/contract";
import { ManagedCluster, createCluster } from "../components/cluster";
import { parseConfig } from "../stacks/config";
import { PROJECT, ProgramRun, runResources } from "../offline/mocks";
import { exampleConfig } from "../offline/stacks";

/** Per target: the contract values an example stack's cluster publishes. */
const EXPECTED: Record<
  string,
  {
    component: string;
    target: string;
    region: string;
    storageClass: string;
    loadBalancer: unknown;
    hasMetricsApi: boolean;
    kubeletCertsTrusted: boolean | undefined;
    autoscaling: string;
    identity: string | undefined;
    unsealKms: boolean;
    storageReady: number;
  }
> = {
  prod: {
    component: "kube-platform:cluster:EksCluster",
    target: "eks",
    region: "eu-west-1",
    storageClass: "gp3",
    loadBalancer: {
      addressKind: "hostname",
      serviceAnnotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" },
    },
    hasMetricsApi: false,
    kubeletCertsTrusted: undefined,
    autoscaling: "cluster-autoscaler",
    identity: "irsa",
    unsealKms: true,
    storageReady: 2,
  },
  gke: {
    component: "kube-platform:cluster:GkeCluster",
    target: "gke",
    region: "europe-west1",
    storageClass: "standard-rwo",
    loadBalancer: { addressKind: "ip", serviceAnnotations: {} },
    hasMetricsApi: true,
    kubeletCertsTrusted: undefined,
    autoscaling: "native",
    identity: "gke-workload-identity",
    unsealKms: true,
    storageReady: 0,
  },
  aks: {
    component: "kube-platform:cluster:AksCluster",
    target: "aks",
    region: "westeurope",
    storageClass: "managed-csi",
    loadBalancer: { addressKind: "ip", serviceAnnotations: {} },
    hasMetricsApi: true,
    kubeletCertsTrusted: undefined,
    autoscaling: "native",
    identity: "azure-workload-identity",
    unsealKms: true,
    storageReady: 0,
  },
  doks: {
    component: "kube-platform:cluster:DoksCluster",
    target: "doks",
    region: "ams3",
    storageClass: "do-block-storage",
    loadBalancer: { addressKind: "ip", serviceAnnotations: {} },
    hasMetricsApi: false,
    kubeletCertsTrusted: undefined,
    autoscaling: "native",
    identity: undefined,
    unsealKms: false,
    storageReady: 0,
  },
  dev: {
    component: "kube-platform:cluster:ExistingCluster",
    target: "existing",
    region: "",
    storageClass: "standard",
    loadBalancer: {
      addressKind: "ip",
      serviceAnnotations: {},
      available: false,
      nodePorts: { http: 30080, https: 30443 },
      address: "127.0.0.1",
    },
    hasMetricsApi: false,
    kubeletCertsTrusted: false,
    autoscaling: "native",
    identity: undefined,
    unsealKms: false,
    storageReady: 0,
  },
};

interface Built {
  run: ProgramRun;
  cluster: ManagedCluster;
}

async function build(stack: string): Promise<Built> {
  const config = parseConfig(exampleConfig(stack), { project: PROJECT, stack });
  let cluster: ManagedCluster | undefined;
  const run = await runResources(
    () => {
      const c = createCluster("kp", config.cluster);
      cluster = c;
      return { kubeconfig: c.kubeconfig, clusterName: c.clusterName, storageClass: c.defaultStorageClass };
    },
    { stack },
  );
  assert.ok(cluster);
  return { run, cluster };
}

describe("the cluster contract, every target", function () {
  this.timeout(60_000);
  for (const [stack, expected] of Object.entries(EXPECTED)) {
    describe(`${expected.target} (example stack ${stack})`, () => {
      let built: Built;
      before(async () => {
        built = await build(stack);
      });

      it("publishes the target's contract values", () => {
        const c = built.cluster;
        assert.deepEqual(
          {
            target: c.target,
            region: c.region,
            storageClass: built.run.outputs.storageClass,
            loadBalancer: c.loadBalancer,
            hasMetricsApi: c.hasMetricsApi,
            kubeletCertsTrusted: c.kubeletCertsTrusted,
            autoscaling: c.nodeAutoscaling.kind,
            identity: c.workloadIdentity?.mechanism,
            unsealKms: c.unsealKms !== undefined,
            storageReady: c.storageReady.length,
          },
          {
            target: expected.target,
            region: expected.region,
            storageClass: expected.storageClass,
            loadBalancer: expected.loadBalancer,
            hasMetricsApi: expected.hasMetricsApi,
            kubeletCertsTrusted: expected.kubeletCertsTrusted,
            autoscaling: expected.autoscaling,
            identity: expected.identity,
            unsealKms: expected.unsealKms,
            storageReady: expected.storageReady,
          },
        );
        assert.equal(c.kubernetesVersion, "1.34");
      });

      it("exports the kubeconfig only as a secret", () => {
        assert.ok(built.run.secretOutputs.has("kubeconfig"));
        assert.equal(built.run.secretOutputs.has("clusterName"), false);
      });

      it("has exactly one Kubernetes provider, the component's child kp-k8s, and it is the contract's", () => {
        const component = built.run.one(expected.component);
        const providers = built.run.ofType("pulumi:providers:kubernetes");
        assert.deepEqual(
          providers.map((p) => [p.name, p.parent]),
          [["kp-k8s", component.urn]],
        );
        assert.ok(built.cluster.provider instanceof k8s.Provider);
      });

      it("names every child from the component name and parents it to the component", () => {
        const component = built.run.one(expected.component);
        const ids = new Set(built.run.resources.map((r) => r.urn));
        for (const r of built.run.resources.filter((x) => x !== component)) {
          assert.ok(r.name.startsWith("kp-"), `${r.type} ${r.name}`);
          assert.ok(
            r.parent === component.urn || ids.has(r.parent),
            `${r.type} ${r.name} parent ${r.parent}`,
          );
        }
      });

      it("makes in-cluster objects wait only for resources it registered (none on an adopted cluster)", async () => {
        const urns = await Promise.all(
          [...built.cluster.ready, ...built.cluster.storageReady].map(
            (r) => new Promise<string>((res) => r.urn.apply(res)),
          ),
        );
        const registered = new Set(built.run.resources.map((r) => r.urn));
        for (const u of urns) assert.ok(registered.has(u), u);
        assert.equal(urns.length === 0, expected.target === "existing");
      });
    });
  }
});

describe("ClusterComponent", () => {
  class Unpublished extends ClusterComponent {
    readonly target = "existing" as const;
    constructor() {
      super("kube-platform:cluster:Test", "unpublished");
    }
  }

  it("refuses to hand out the contract before the target published it, naming the component", async () => {
    await runResources(() => {
      const c = new Unpublished();
      assert.throws(
        () => c.provider,
        /kube-platform:cluster:Test unpublished: the cluster contract is read before publish\(\)/,
      );
      assert.throws(() => c.ready, /read before publish/);
    });
  });
});
