/**
 * EksCluster with Karpenter (cluster.nodeAutoscaling: karpenter), continued from
 * tests/cluster-eks-karpenter.test.ts: the EC2NodeClass and NodePool of a pool (literally, and valid by
 * the CRDs' schemas at the pinned tag), what waits for what and so what a destroy deletes first, the
 * migration switch (retainNodeGroups) and the unchanged cluster-autoscaler layout.
 */
import * as assert from "assert";
import {
  NODE_CLASS_TIMEOUTS,
  NODE_POOL_TIMEOUTS,
  WAIT_FOR_READY,
} from "../components/cluster/eks/karpenter/controller";
import {
  blockDeviceMappings,
  ec2NodeClass,
  nodePool,
} from "../components/cluster/eks/karpenter/node-classes";
import type { ProgramRun } from "../offline/mocks";
import { deletionOrder } from "./helpers/deletion-order";
import { PROD, PROD_EKS, evaluate, nodeGroups } from "./helpers/eks-cluster";
import { CEL_PREDICATES, karpenterObjectProblems, recordedCelRules } from "./helpers/karpenter-crds";
import { eksSettings } from "./helpers/settings";
import { GENERAL, T, evaluateDevRuns, karpenterDev, obj, release } from "./helpers/eks-karpenter-fixtures";

describe("EksCluster with Karpenter", function () {
  this.timeout(120_000);
  let run: ProgramRun;
  let ca: ProgramRun;
  before(async () => {
    [run, ca] = await evaluateDevRuns();
  });

  describe("the node class and NodePool of a pool", () => {
    it("EC2NodeClass: the alias, the node role, the discovery tag, IMDSv2 with one hop, an encrypted gp3 volume, tags", () => {
      const nc = run.one(T.nodeClass);
      assert.deepStrictEqual(nc.inputs, {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: "general", annotations: { "pulumi.com/waitFor": "condition=Ready" } },
        spec: {
          role: "kp-dev-karpenter-node-20260101000000000000000001",
          amiSelectorTerms: [{ alias: "al2023@latest" }],
          subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "kp-dev" } }],
          securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": "kp-dev" } }],
          metadataOptions: {
            httpEndpoint: "enabled",
            httpProtocolIPv6: "disabled",
            httpPutResponseHopLimit: 1,
            httpTokens: "required",
          },
          blockDeviceMappings: [
            {
              deviceName: "/dev/xvda",
              rootVolume: true,
              ebs: { volumeSize: "40Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true },
            },
          ],
          tags: {
            environment: "dev",
            "kube-platform-stack": "dev",
            "managed-by": "pulumi",
            Name: "kp-dev-general",
          },
        },
      });
    });

    it("NodePool: requirements, the pool's labels and taints, maxNodes as the node limit, disruption, expiry, its class", () => {
      assert.deepStrictEqual(run.one(T.nodePool).inputs, {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: "general", annotations: { "pulumi.com/waitFor": "condition=Ready" } },
        spec: {
          template: {
            metadata: { labels: { "kube-platform/pool": "general" } },
            spec: {
              nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "general" },
              requirements: [
                { key: "node.kubernetes.io/instance-type", operator: "In", values: ["t3.large"] },
                { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
                { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
                { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
              ],
              taints: [{ key: "dedicated", value: "general", effect: "NoSchedule" }],
              expireAfter: "720h",
            },
          },
          limits: { nodes: 3 },
          disruption: {
            consolidationPolicy: "WhenEmptyOrUnderutilized",
            consolidateAfter: "1m",
            budgets: [{ nodes: "10%" }],
          },
        },
      });
    });

    it("Bottlerocket: an OS volume of the family's default size and a data volume of the pool's", () => {
      assert.deepStrictEqual(blockDeviceMappings("bottlerocket", 80), [
        {
          deviceName: "/dev/xvda",
          ebs: { volumeSize: "4Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true },
        },
        {
          deviceName: "/dev/xvdb",
          ebs: { volumeSize: "80Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true },
        },
      ]);
    });
  });

  describe("valid by the CRDs of CHARTS.karpenterCrd", () => {
    it("every recorded CEL rule has its predicate, and no predicate is for a rule not recorded", () => {
      assert.deepStrictEqual([...new Set(recordedCelRules())].sort(), Object.keys(CEL_PREDICATES).sort());
    });

    it("the objects of every option: types or families, spot, limits, budgets, Bottlerocket pinned, an empty taint value", async () => {
      const wide = karpenterDev({
        karpenter: { amiFamily: "bottlerocket", amiVersion: "v1.42.0" },
        nodePools: [
          GENERAL,
          {
            name: "batch",
            instanceFamilies: ["c7g", "m7g"],
            capacityTypes: ["spot", "on-demand"],
            limits: { cpu: 64, memory: "256Gi" },
            disruption: {
              consolidationPolicy: "WhenEmpty",
              consolidateAfter: "Never",
              budgets: [
                { nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h", reasons: ["Drifted", "Empty"] },
              ],
            },
            expireAfter: "Never",
            taints: ["spot=:PreferNoSchedule"],
          },
        ],
      });
      const r = await evaluate(wide, "dev");
      const objects = [...r.ofType(T.nodeClass), ...r.ofType(T.nodePool)];
      assert.strictEqual(objects.length, 4);
      for (const o of [...objects, run.one(T.nodeClass), run.one(T.nodePool)])
        assert.deepStrictEqual(karpenterObjectProblems(o.inputs), [], o.name);
      assert.deepStrictEqual(obj(obj(r.one(T.nodePool, "-batch").inputs.spec).template).spec, {
        nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "batch" },
        requirements: [
          { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["c7g", "m7g"] },
          { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
          { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] },
          { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
        ],
        taints: [{ key: "spot", effect: "PreferNoSchedule" }],
        expireAfter: "Never",
      });
    });

    it("the check refuses what the API server would: an unknown field, a broken alias, a budget without duration, an empty value", () => {
      const pool = {
        name: "p",
        machineType: "m7i.large",
        minNodes: 0,
        maxNodes: 2,
        diskSizeGb: 20,
        labels: {},
        taints: [],
      };
      const k = karpenterDev().karpenter;
      assert.ok(k);
      const np = nodePool(pool, k.nodePools[0]);
      const nc = ec2NodeClass({ clusterName: "c", role: "r", karpenter: k, pool, tags: {} });
      assert.deepStrictEqual(karpenterObjectProblems(np), []);
      assert.ok(
        karpenterObjectProblems({ ...np, spec: { ...np.spec, weigth: 1 } }).some((p) => /additional/.test(p)),
      );
      assert.deepStrictEqual(
        karpenterObjectProblems({ ...nc, spec: { ...nc.spec, amiSelectorTerms: [{ alias: "al2023" }] } }),
        [
          "EC2NodeClass.spec.amiSelectorTerms[0].alias: 'alias' is improperly formatted, must match the format 'family@version'",
        ],
      );
      assert.deepStrictEqual(
        karpenterObjectProblems({
          ...np,
          spec: {
            ...np.spec,
            disruption: { ...np.spec.disruption, budgets: [{ nodes: "1", schedule: "@daily" }] },
          },
        }),
        ["NodePool.spec.disruption.budgets: 'schedule' must be set with 'duration'"],
      );
      const emptyValue = {
        ...np.spec.template.spec,
        taints: [{ key: "a", value: "", effect: "NoSchedule" }],
      };
      assert.strictEqual(
        karpenterObjectProblems({
          ...np,
          spec: { ...np.spec, template: { ...np.spec.template, spec: emptyValue } },
        }).length,
        1,
      );
    });
  });

  describe("what waits for what (and so what a destroy deletes first)", () => {
    it("the controller waits for the CRDs, the system node groups, CoreDNS, the API access and Karpenter's AWS side", () => {
      const controller = release(run, "karpenter");
      const crds = release(run, "karpenter-crd");
      for (const dep of [
        crds,
        ...nodeGroups(run),
        run.one(T.coreDns, "-coredns"),
        run.one("aws:eks/accessEntry:AccessEntry", "-karpenter-node"),
        run.one("aws:sqs/queuePolicy:QueuePolicy"),
        run.one("aws:ec2/tag:Tag", "-karpenter-discovery-sg"),
      ])
        assert.ok(run.dependsOnTransitively(controller, dep), `controller → ${dep.name}`);
      assert.ok(!run.dependsOnTransitively(crds, controller));
    });

    it("node classes and NodePools after both releases, a NodePool after its class; all of them in `ready`", () => {
      const nc = run.one(T.nodeClass);
      const np = run.one(T.nodePool);
      for (const r of [release(run, "karpenter-crd"), release(run, "karpenter")]) {
        assert.ok(nc.dependsOn.includes(r.urn), `${nc.name} → ${r.name}`);
        assert.ok(np.dependsOn.includes(r.urn), `${np.name} → ${r.name}`);
      }
      assert.ok(np.dependsOn.includes(nc.urn));
      const ready = run.outputs.readyUrns as string[];
      for (const r of [release(run, "karpenter-crd"), release(run, "karpenter"), nc, np, ...nodeGroups(run)])
        assert.ok(ready.includes(r.urn), `${r.name} is in ready`);
    });

    it("destroy: NodePool → EC2NodeClass → controller → CRDs → system node groups", () => {
      const order = deletionOrder(run);
      const chain = [
        run.one(T.nodePool),
        run.one(T.nodeClass),
        release(run, "karpenter"),
        release(run, "karpenter-crd"),
        ...nodeGroups(run),
      ];
      for (let i = 0; i < chain.length - 1; i++)
        for (const later of chain
          .slice(i + 1)
          .filter((x) => x.type !== chain[i].type || x.name !== chain[i].name))
          if (!(chain[i].type === T.nodeGroup && later.type === T.nodeGroup))
            assert.ok(order.before(chain[i], later), `${chain[i].name} before ${later.name}`);
    });

    it("the Ready waits and the delete timeouts that allow for draining", () => {
      assert.deepStrictEqual(WAIT_FOR_READY, { "pulumi.com/waitFor": "condition=Ready" });
      assert.deepStrictEqual(NODE_POOL_TIMEOUTS, { create: "15m", update: "15m", delete: "30m" });
      assert.deepStrictEqual(NODE_CLASS_TIMEOUTS, { create: "15m", update: "15m", delete: "15m" });
    });
  });

  describe("migration from cluster-autoscaler (retainNodeGroups) and the unchanged layout", () => {
    it("retainNodeGroups keeps the pools' groups at their URNs, unscaled: no cluster-autoscaler tags, minimum 0, size left alone", async () => {
      const kept = await evaluate(karpenterDev({ karpenter: { retainNodeGroups: true } }), "dev");
      const pools = nodeGroups(kept).filter((g) => !g.name.startsWith("kp-system"));
      assert.deepStrictEqual(
        pools.map((g) => g.urn),
        nodeGroups(ca).map((g) => g.urn),
      );
      for (const g of pools) {
        assert.strictEqual(g.inputs.tags, undefined);
        assert.deepStrictEqual(g.inputs.scalingConfig, { minSize: 0, maxSize: 2, desiredSize: 0 });
        assert.deepStrictEqual(g.ignoreChanges, ["scalingConfig.desiredSize"]);
      }
      assert.deepStrictEqual(pools[0].aliases, nodeGroups(ca)[0].aliases);
      // The kept groups are nodes too: CoreDNS (and so everything after it) waits for them.
      for (const g of pools) assert.ok(kept.dependsOnTransitively(kept.one(T.coreDns, "-coredns"), g));
    });

    it("cluster-autoscaler's groups are as before: min/max per zone, desired size ignored, the zone-0 alias, the tags", async () => {
      const prod = await evaluate(eksSettings(PROD_EKS, PROD), "prod");
      const general = nodeGroups(prod).filter((g) => g.name.startsWith("kp-general"));
      assert.deepStrictEqual(
        general.map((g) => [g.name, g.inputs.scalingConfig, g.ignoreChanges, g.aliases]),
        [0, 1, 2].map((i) => [
          `kp-general.${i}`,
          { minSize: 1, maxSize: 6, desiredSize: 1 },
          ["scalingConfig.desiredSize"],
          i === 0 ? ["kp-general"] : [],
        ]),
      );
      assert.strictEqual(prod.ofType(T.nodePool).length + prod.ofType(T.nodeClass).length, 0);
    });
  });
});
