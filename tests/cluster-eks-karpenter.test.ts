/**
 * EksCluster with Karpenter (cluster.nodeAutoscaling: karpenter) against the cluster-autoscaler
 * layout: the resource set of each, the system node groups, the releases and their values. The node
 * classes and pools, what waits for what and the migration: tests/cluster-eks-karpenter-nodepools.test.ts.
 */
import * as assert from "assert";
import { CHARTS } from "../components/addons/versions";
import { karpenterValues } from "../components/cluster/eks/karpenter/values";
import type { ProgramRun } from "../offline/mocks";
import { chartValueProblems } from "./helpers/chart-values";
import { evaluate, nodeGroups } from "./helpers/eks-cluster";
import { T, evaluateDevRuns, karpenterDev, names, obj, release } from "./helpers/eks-karpenter-fixtures";

describe("EksCluster with Karpenter", function () {
  this.timeout(120_000);
  let run: ProgramRun;
  let ca: ProgramRun;
  before(async () => {
    [run, ca] = await evaluateDevRuns();
  });

  describe("the resource set per option", () => {
    it("Karpenter: the system node groups only, its two releases, a node class and a NodePool per pool", () => {
      assert.deepStrictEqual(names(nodeGroups(run)), ["kp-system.0", "kp-system.1"]);
      assert.deepStrictEqual(names(run.ofType("aws:ec2/launchTemplate:LaunchTemplate")), ["kp-system"]);
      assert.deepStrictEqual(names(run.ofType(T.release).filter((r) => /karpenter/.test(r.name))), [
        "kp-karpenter-crd-release",
        "kp-karpenter-release",
      ]);
      assert.deepStrictEqual(names(run.ofType(T.nodeClass)), ["kp-karpenter-general"]);
      assert.deepStrictEqual(names(run.ofType(T.nodePool)), ["kp-karpenter-general"]);
      assert.deepStrictEqual(run.outputs.contract, {
        ...obj(ca.outputs.contract),
        autoscalingKind: "karpenter",
        autoscalingRegion: undefined,
      });
      assert.strictEqual(run.outputs.asgArns, undefined);
    });

    it("no node group carries cluster-autoscaler's discovery tags with Karpenter; every one does with cluster-autoscaler", () => {
      for (const g of nodeGroups(run)) assert.strictEqual(g.inputs.tags, undefined, g.name);
      for (const g of nodeGroups(ca))
        assert.deepStrictEqual(g.inputs.tags, {
          "k8s.io/cluster-autoscaler/enabled": "true",
          "k8s.io/cluster-autoscaler/kp-dev": "owned",
        });
    });

    it("cluster-autoscaler: no Karpenter object, release, role or queue; its pools' groups as before", () => {
      assert.deepStrictEqual(
        ca.resources.filter((r) => /karpenter|system/.test(r.name)).map((r) => r.name),
        [],
      );
      assert.deepStrictEqual(names(nodeGroups(ca)), ["kp-general.0", "kp-general.1"]);
      assert.strictEqual(obj(ca.outputs.contract).autoscalingKind, "cluster-autoscaler");
    });
  });

  describe("the system node groups", () => {
    it("a fixed size per zone (min = desired = max), Pulumi's: no ignoreChanges, no alias", () => {
      for (const g of nodeGroups(run)) {
        assert.deepStrictEqual(g.inputs.scalingConfig, { minSize: 1, maxSize: 1, desiredSize: 1 });
        assert.deepStrictEqual(g.ignoreChanges, []);
        assert.deepStrictEqual(g.aliases, []);
        assert.deepStrictEqual(g.inputs.instanceTypes, ["t3.medium"]);
        assert.strictEqual(g.inputs.amiType, "AL2023_x86_64_STANDARD");
        assert.strictEqual(g.inputs.version, "1.34");
      }
    });

    it("labelled for Karpenter's nodeSelector and tainted CriticalAddonsOnly, unless asked not to", async () => {
      const [g] = nodeGroups(run);
      assert.deepStrictEqual(g.inputs.labels, { "kube-platform/system-nodes": "true" });
      assert.deepStrictEqual(g.inputs.taints, [
        { key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" },
      ]);
      const open = await evaluate(
        karpenterDev({ karpenter: { systemPool: { criticalAddonsOnly: false, nodesPerZone: 2 } } }),
        "dev",
      );
      for (const x of nodeGroups(open)) {
        assert.deepStrictEqual(x.inputs.taints, []);
        assert.deepStrictEqual(x.inputs.scalingConfig, { minSize: 2, maxSize: 2, desiredSize: 2 });
      }
    });
  });

  describe("the releases", () => {
    it("karpenter-crd (templated CRDs) and karpenter with skipCrds, both pinned, in kube-system", () => {
      const crds = release(run, "karpenter-crd");
      const controller = release(run, "karpenter");
      assert.deepStrictEqual(
        [
          crds.inputs.chart,
          crds.inputs.version,
          crds.inputs.namespace,
          crds.inputs.skipCrds,
          crds.inputs.values,
        ],
        [CHARTS.karpenterCrd.chart, CHARTS.karpenterCrd.version, "kube-system", undefined, {}],
      );
      assert.deepStrictEqual(
        [
          controller.inputs.chart,
          controller.inputs.version,
          controller.inputs.namespace,
          controller.inputs.skipCrds,
        ],
        [CHARTS.karpenter.chart, CHARTS.karpenter.version, "kube-system", true],
      );
    });

    it("the controller's values: cluster, endpoint, queue, region, identity, the system nodes only, restricted as charted", () => {
      assert.deepStrictEqual(release(run, "karpenter").inputs.values, {
        settings: {
          clusterName: "kp-dev",
          clusterEndpoint: "https://FA55669B15E3743661333CCC6F1B103B.gr7.eu-west-1.eks.amazonaws.com",
          interruptionQueue: "kp-dev",
        },
        serviceAccount: { create: true, name: "karpenter", annotations: {} },
        podLabels: {},
        // sha256 of {"podLabels":{},"serviceAccountAnnotations":{}} (Pod Identity)
        podAnnotations: {
          "kube-platform/identity-checksum":
            "6f9f05c57c618ddf621ae40b90d87eb95439e04f7a7d8d3e77317c4edaa085e4",
        },
        replicas: 1,
        dnsPolicy: "Default",
        nodeSelector: { "kubernetes.io/os": "linux", "kube-platform/system-nodes": "true" },
        tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
        controller: {
          env: [{ name: "AWS_REGION", value: "eu-west-1" }],
          resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } },
        },
      });
      assert.deepStrictEqual(
        chartValueProblems("karpenter", obj(release(run, "karpenter").inputs.values)),
        [],
      );
      assert.deepStrictEqual(chartValueProblems("karpenterCrd", {}), []);
    });

    it("a switch to IRSA changes the ServiceAccount's annotation and the pods' checksum (which rolls them), nothing else", async () => {
      const irsa = await evaluate(karpenterDev({ workloadIdentity: "irsa" }), "dev");
      const pod = obj(release(run, "karpenter").inputs.values);
      const withIrsa = obj(release(irsa, "karpenter").inputs.values);
      const annotations = obj(obj(withIrsa.serviceAccount).annotations);
      assert.deepStrictEqual(Object.keys(annotations), ["eks.amazonaws.com/role-arn"]);
      assert.notStrictEqual(
        obj(withIrsa.podAnnotations)["kube-platform/identity-checksum"],
        obj(pod.podAnnotations)["kube-platform/identity-checksum"],
      );
      assert.match(String(obj(withIrsa.podAnnotations)["kube-platform/identity-checksum"]), /^[0-9a-f]{64}$/);
      const rest = (v: Record<string, unknown>) => ({
        ...v,
        podAnnotations: undefined,
        serviceAccount: { ...obj(v.serviceAccount), annotations: undefined },
      });
      assert.deepStrictEqual(rest(withIrsa), rest(pod));
    });

    it("two replicas with highAvailability; IRSA's annotation when the cluster binds with IRSA", () => {
      const v = karpenterValues({
        clusterName: "c",
        clusterEndpoint: "https://e",
        interruptionQueue: "q",
        region: "eu-west-1",
        serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/k" },
        podLabels: {},
        highAvailability: true,
      });
      assert.strictEqual(v.replicas, 2);
      assert.deepStrictEqual(v.serviceAccount, {
        create: true,
        name: "karpenter",
        annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/k" },
      });
    });
  });
});
