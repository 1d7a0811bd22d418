/**
 * A destroy is ordered on every target: the deletion order the engine follows for the registered
 * resources (Pulumi deletes dependents before their dependencies: tests/helpers/deletion-order.ts).
 * The ingress controller's LoadBalancer (or NodePort) Service, the apps' Ingresses and the add-ons
 * with volumes (their releases and namespaces, and so their claims) go first; then the wait for the
 * deleted claims' disks; then the nodes, the CSI driver and its cloud identity; the cluster and its
 * network last. Each example stack is one target (eks-dev and prod: EKS; gke; aks; doks; dev: an
 * existing kind cluster).
 */
import * as assert from "assert";
import { EXAMPLE_STACKS, runExample } from "../offline/stacks";
import type { ProgramRun, RecordedResource } from "../offline/mocks";
import { VOLUME_RELEASE_SECONDS } from "../components/addons/volume-retention";
import { deletionOrder } from "./helpers/deletion-order";

const T = {
  service: "kubernetes:core/v1:Service",
  release: "kubernetes:helm.sh/v3:Release",
  namespace: "kubernetes:core/v1:Namespace",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  sleep: "time:index/sleep:Sleep",
  k8sProvider: "pulumi:providers:kubernetes",
};

/** Per target: its node pools, its cluster, its network, and the CSI driver the platform installs. */
const CLOUD: Record<string, { pools: string[]; cluster: string; network: string; csi?: string }> = {
  eks: {
    pools: ["aws:eks/nodeGroup:NodeGroup"],
    cluster: "aws:eks/cluster:Cluster",
    network: "aws:ec2/vpc:Vpc",
    csi: "aws:eks/addon:Addon",
  },
  gke: {
    pools: ["gcp:container/nodePool:NodePool"],
    cluster: "gcp:container/cluster:Cluster",
    network: "gcp:compute/network:Network",
  },
  aks: {
    pools: ["azure-native:containerservice:AgentPool"],
    cluster: "azure-native:containerservice:ManagedCluster",
    network: "azure-native:network:VirtualNetwork",
  },
  // The first pool is the cluster's own (nodePool inline); the others are separate resources.
  doks: {
    pools: ["digitalocean:index/kubernetesNodePool:KubernetesNodePool"],
    cluster: "digitalocean:index/kubernetesCluster:KubernetesCluster",
    network: "digitalocean:index/vpc:Vpc",
  },
};

const TARGET_OF: Record<string, string> = {
  "eks-dev": "eks",
  prod: "eks",
  gke: "gke",
  aks: "aks",
  doks: "doks",
  dev: "existing",
};

const named = (run: ProgramRun, type: string, suffix: string): RecordedResource => run.one(type, suffix);
const releaseOf = (run: ProgramRun, chart: string): RecordedResource | undefined =>
  run.ofType(T.release).find((r) => r.inputs.chart === chart);
const label = (r: RecordedResource) => `${r.type} ${r.name}`;

describe("destroy order on every target", function () {
  this.timeout(120_000);

  it("covers every example stack and every target", () => {
    assert.deepStrictEqual(Object.keys(TARGET_OF).sort(), Object.keys(EXAMPLE_STACKS).sort());
    assert.deepStrictEqual([...new Set(Object.values(TARGET_OF))].sort(), [
      "aks",
      "doks",
      "eks",
      "existing",
      "gke",
    ]);
  });

  for (const stack of Object.keys(TARGET_OF)) {
    const target = TARGET_OF[stack];
    describe(`${stack} (${target})`, () => {
      let run: ProgramRun;
      let order: ReturnType<typeof deletionOrder>;
      /** Asserts that each of `first` is deleted before each of `then`, and never the other way round. */
      const goesBefore = (first: RecordedResource[], then: RecordedResource[]) => {
        assert.ok(first.length > 0 && then.length > 0, "nothing to compare");
        for (const a of first)
          for (const b of then) {
            assert.ok(order.before(a, b), `${label(a)} is not deleted before ${label(b)}`);
            assert.ok(!order.before(b, a), `${label(b)} is deleted before ${label(a)}`);
          }
      };
      before(async () => {
        run = await runExample(stack);
        order = deletionOrder(run);
      });
      const cloud = () => CLOUD[target];
      const pools = () => cloud().pools.flatMap((t) => run.ofType(t));
      const clusterAndNetwork = () => [run.one(cloud().cluster), run.one(cloud().network)];
      const provider = () => [run.one(T.k8sProvider)];
      const volumesWait = () => named(run, T.sleep, "-volumes-released");
      const volumeAddons = () =>
        [releaseOf(run, "vault"), releaseOf(run, "kube-prometheus-stack")].filter(
          (r): r is RecordedResource => r !== undefined,
        );

      it("the ingress Service and the apps' Ingresses go first: before the ingress release, external-dns and its wait, the nodes, the cluster", () => {
        const service = named(run, T.service, "-ingress-lb");
        goesBefore(run.ofType(T.ingress), [
          ...(target === "existing"
            ? provider()
            : [named(run, T.sleep, "-external-dns-records-settle"), ...pools(), ...clusterAndNetwork()]),
        ]);
        const after = [releaseOf(run, "traefik"), ...provider()].filter(
          (r): r is RecordedResource => r !== undefined,
        );
        const dns = releaseOf(run, "external-dns");
        if (target !== "existing") {
          assert.ok(dns, "the example configures DNS zones");
          after.push(
            dns,
            named(run, T.sleep, "-external-dns-records-settle"),
            ...pools(),
            ...clusterAndNetwork(),
          );
        }
        goesBefore([service], after);
      });

      if (target === "eks") {
        it("the ingress Service (its NLB) goes while the AWS Load Balancer Controller runs: before its release, identity, nodes and network", () => {
          const service = named(run, T.service, "-ingress-lb");
          const lbc = named(run, T.release, "-load-balancer-controller-release");
          assert.strictEqual(lbc.inputs.chart, "aws-load-balancer-controller");
          // The controller deletes the NLB, its target groups and security groups when the Service
          // goes (finalizer service.k8s.aws/resources): it must still run, with its permissions.
          const identity = [
            named(run, "aws:iam/role:Role", "-load-balancer-controller-irsa"),
            named(run, "aws:iam/rolePolicy:RolePolicy", "-load-balancer-controller"),
          ];
          goesBefore([service, ...run.ofType(T.ingress)], [lbc, ...identity]);
          goesBefore([lbc], [...identity, ...pools(), ...clusterAndNetwork()]);
          // Every add-on release waits for the controller (it is in the contract's `ready`).
          const addons = run
            .ofType(T.release)
            .filter((r) => r !== lbc && r.inputs.namespace !== "kube-system");
          assert.ok(addons.length >= 5);
          goesBefore(addons, [lbc]);
        });
      }

      it("each add-on with volumes, then its namespace (and so its claims), then the volumes' wait", () => {
        const releases = volumeAddons();
        assert.strictEqual(releases.length, 2, "the example runs Vault and monitoring");
        for (const release of releases) {
          const ns = run
            .ofType(T.namespace)
            .find((n) => (n.inputs.metadata as { name: string }).name === release.inputs.namespace);
          assert.ok(ns, `the namespace of ${label(release)}`);
          goesBefore([release], [ns, volumesWait()]);
          goesBefore([ns], [volumesWait()]);
        }
      });

      it("the volumes' wait goes before the nodes, the CSI driver and its identity, the cluster and the network", () => {
        const after = [...provider()];
        if (target !== "existing") after.push(...pools(), ...clusterAndNetwork());
        const csi = cloud()?.csi;
        if (csi) {
          after.push(
            named(run, csi, "-aws-ebs-csi-driver"),
            named(run, "aws:iam/role:Role", "-ebs-csi-irsa"),
            named(run, "kubernetes:storage.k8s.io/v1:StorageClass", "-gp3"),
          );
        }
        goesBefore([volumesWait()], after);
      });

      if (target !== "existing") {
        it("every object in the cluster goes before every node pool and the cluster; the pools before the cluster", () => {
          const k8s = provider()[0];
          const objects = run.resources.filter((r) => r.custom && run.providerUrn(r) === k8s.urn);
          assert.ok(objects.includes(named(run, T.service, "-ingress-lb")));
          assert.ok(objects.length > 20);
          // The volumes' wait too: nothing of the cluster outlives the nodes.
          goesBefore([volumesWait()], pools());
          goesBefore(objects, [...pools(), ...clusterAndNetwork()]);
          goesBefore(pools(), clusterAndNetwork());
          goesBefore([run.one(cloud().cluster)], [run.one(cloud().network)]);
        });
      }

      if (stack === "eks-dev") {
        // Karpenter (cluster.nodeAutoscaling: karpenter): its NodePools go after everything that runs on
        // their nodes (Karpenter drains and terminates them: components/cluster/eks/karpenter/controller.ts),
        // then the node classes, the controller that does it, the CRDs, the system node groups.
        it("Karpenter: every add-on and workload, then NodePools, EC2NodeClasses, the controller, its CRDs, the system node groups", () => {
          const nodePools = run.ofType("kubernetes:karpenter.sh/v1:NodePool");
          const nodeClasses = run.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass");
          const controller = [named(run, T.release, "-karpenter-release")];
          const crds = [named(run, T.release, "-karpenter-crd-release")];
          const karpenter = new Set([...nodePools, ...nodeClasses, ...controller, ...crds]);
          const k8s = provider()[0];
          const above = run.resources.filter(
            (r) => r.custom && run.providerUrn(r) === k8s.urn && !r.urn.includes("::kube-platform:cluster:"),
          );
          assert.ok(above.includes(named(run, T.service, "-ingress-lb")) && above.length > 20);
          assert.ok(!above.some((r) => karpenter.has(r)));
          goesBefore([...above, volumesWait()], nodePools);
          goesBefore(nodePools, nodeClasses);
          goesBefore(nodeClasses, controller);
          goesBefore(controller, crds);
          goesBefore(crds, pools());
          // Karpenter drains its nodes on a NodePool's deletion; volume attachments there are released
          // by the EBS CSI driver, which must still run then.
          goesBefore(nodePools, [named(run, "aws:eks/addon:Addon", "-aws-ebs-csi-driver")]);
          assert.deepStrictEqual(
            pools()
              .map((p) => p.name)
              .sort(),
            ["kp-cluster-system.0", "kp-cluster-system.1"],
          );
        });
      }

      it("waits for the disks of deleted claims only where a destroy deletes them and the nodes", () => {
        const profile = stack === "dev" || stack === "eks-dev" ? "dev" : "prod";
        const seconds = profile === "prod" || target === "existing" ? 0 : VOLUME_RELEASE_SECONDS;
        assert.strictEqual(volumesWait().inputs.destroyDuration, `${seconds}s`);
      });
    });
  }

  it("the wait is a bound: 180 seconds", () => {
    assert.strictEqual(VOLUME_RELEASE_SECONDS, 180);
  });
});
