import * as assert from "node:assert/strict";
import { parse } from "yaml";
import {
  doTags,
  doctlExecArgs,
  doksControlPlaneFirewall,
  doksExecKubeconfig,
  doksPoolArgs,
  doksVersionPrefix,
} from "../components/cluster/doks";
import { parseTaint } from "../components/cluster/shared";
import { DoksSettings } from "../components/cluster/types";
import { ProgramRun } from "../offline/mocks";
import { DO_MOCK, mockDoksEndpoint } from "../offline/mock-state/digitalocean";
import {
  T,
  clusterOf,
  devSettings,
  evaluate,
  inlinePool,
  prodSettings,
  prodWith,
} from "./helpers/doks-cluster";

describe("DoksCluster", function () {
  let prod: ProgramRun;
  let dev: ProgramRun;
  before(async function () {
    prod = await evaluate(prodSettings, "prod");
    dev = await evaluate(devSettings, "dev");
  });

  describe("resources", function () {
    it("puts the cluster in its own VPC in the configured region", function () {
      const vpc = prod.one(T.vpc);
      assert.equal(vpc.inputs.region, "fra1");
      assert.equal(vpc.inputs.ipRange, "10.30.0.0/20");
      const c = clusterOf(prod).inputs;
      assert.equal(c.vpcUuid, `${vpc.name}-id`);
      assert.equal(c.region, "fra1");
      assert.equal(c.name, "kp-prod");
      assert.deepEqual(c.tags, [
        "environment:prod",
        "kube-platform-stack:prod",
        "managed-by:pulumi",
        "team:platform",
      ]);
    });

    it("runs the latest DigitalOcean release of the configured minor", function () {
      assert.equal(clusterOf(prod).inputs.version, "1.34.1-do.0");
    });

    it("fails clearly when DigitalOcean offers no release of the configured minor", async function () {
      await assert.rejects(
        evaluate({ ...devSettings, kubernetesVersion: "1.20" }),
        /no Kubernetes 1.20 release/,
      );
    });

    it("exposes native autoscaling (nothing but its kind) and `ready` of the cluster and its extra pool", function () {
      assert.deepEqual(prod.outputs.autoscaling, { kind: "native" });
      assert.equal(prod.outputs.ready, 2);
    });
  });

  describe("security rules (docs/security-rules.md, DOKS)", function () {
    it("AVD-DIG-0008: automatic upgrades are on", function () {
      assert.equal(clusterOf(prod).inputs.autoUpgrade, true);
    });

    it("AVD-DIG-0005: surge upgrades are on", function () {
      assert.equal(clusterOf(prod).inputs.surgeUpgrade, true);
    });

    it("HA control plane in prod", function () {
      assert.equal(clusterOf(prod).inputs.ha, true);
    });

    it("the control-plane firewall admits only the allowed addresses (prod)", function () {
      assert.deepEqual(clusterOf(prod).inputs.controlPlaneFirewall, {
        enabled: true,
        allowedAddresses: ["198.18.113.0/24", "198.19.100.7/32"],
      });
    });

    it("no allowed addresses: the firewall is explicitly off, the API server open (dev), with a non-empty list", function () {
      // Never `allowedAddresses: []`: the provider would send `"allowed_addresses": null` for the Required list.
      assert.deepEqual(clusterOf(dev).inputs.controlPlaneFirewall, {
        enabled: false,
        allowedAddresses: ["0.0.0.0/0"],
      });
    });

    it("a maintenance window is set (day normalized to the API's lowercase)", async function () {
      assert.deepEqual(clusterOf(prod).inputs.maintenancePolicy, { day: "sunday", startTime: "03:00" });
      // Config gives the day in lowercase; the component lowercases whatever it is given.
      const capitalized = await evaluate({
        ...prodSettings,
        maintenanceWindow: { day: "Sunday", startTime: "03:00" },
      });
      assert.deepEqual(clusterOf(capitalized).inputs.maintenancePolicy, {
        day: "sunday",
        startTime: "03:00",
      });
    });
  });

  describe("dev vs prod", function () {
    it("dev has no HA control plane, no surge upgrade and a smaller single pool", function () {
      const c = clusterOf(dev).inputs;
      assert.equal(c.ha, false);
      assert.equal(c.surgeUpgrade, false);
      assert.equal(c.autoUpgrade, true);
      assert.equal(inlinePool(dev).size, "s-2vcpu-4gb");
      assert.deepEqual([inlinePool(dev).minNodes, inlinePool(dev).maxNodes], [1, 3]);
      assert.equal(inlinePool(prod).size, "s-4vcpu-8gb");
    });
  });

  describe("protect", function () {
    it("protects the VPC and the cluster, not the node pools, when settings.protect", function () {
      assert.equal(prod.one(T.vpc).protect, true);
      assert.equal(clusterOf(prod).protect, true);
      for (const p of prod.ofType(T.pool)) assert.equal(p.protect, false, p.name);
    });

    it("protects nothing when settings.protect is false", function () {
      for (const r of dev.resources) assert.equal(r.protect, false, `${r.type} ${r.name}`);
    });
  });

  describe("node pools and autoscaling", function () {
    it("the first pool is inline and autoscales between min and max", function () {
      assert.deepEqual(inlinePool(prod), {
        name: "system",
        size: "s-4vcpu-8gb",
        autoScale: true,
        minNodes: 2,
        maxNodes: 4,
        nodeCount: 2,
        labels: { "kube-platform/pool": "system" },
        taints: [],
        tags: ["environment:prod", "kube-platform-stack:prod", "managed-by:pulumi", "team:platform"],
      });
    });

    it("every further pool is a KubernetesNodePool of the cluster that autoscales", function () {
      const pool = prod.one(T.pool, "-pool-apps");
      assert.equal(pool.inputs.clusterId, `${clusterOf(prod).name}-id`);
      assert.deepEqual(
        [
          pool.inputs.name,
          pool.inputs.size,
          pool.inputs.autoScale,
          pool.inputs.minNodes,
          pool.inputs.maxNodes,
        ],
        ["apps", "s-8vcpu-16gb", true, 2, 10],
      );
      assert.deepEqual(pool.inputs.taints, [{ key: "dedicated", value: "apps", effect: "NoSchedule" }]);
      assert.deepEqual(pool.inputs.labels, { "kube-platform/pool": "apps" });
      assert.ok(prod.dependsOnTransitively(pool, clusterOf(prod)));
    });

    it("ignores the autoscaled node counts", function () {
      assert.deepEqual(clusterOf(prod).ignoreChanges, ["nodePool.nodeCount"]);
      for (const p of prod.ofType(T.pool)) assert.deepEqual(p.ignoreChanges, ["nodeCount"], p.name);
    });

    it("does not ignore the version: a minor bump in settings must reach the cluster", function () {
      assert.ok(!clusterOf(prod).ignoreChanges.includes("version"));
    });

    it("replaces an extra pool delete-first (its name is fixed)", function () {
      for (const p of prod.ofType(T.pool)) assert.equal(p.deleteBeforeReplace, true, p.name);
    });

    it("rejects settings without node pools or with duplicate pool names", async function () {
      await assert.rejects(evaluate({ ...prodSettings, nodePools: [] }), /at least one node pool/);
      await assert.rejects(
        evaluate({ ...prodSettings, nodePools: [prodSettings.nodePools[0], prodSettings.nodePools[0]] }),
        /duplicate/,
      );
    });
  });

  describe("kubeconfig and provider", function () {
    it("runs doctl exec-credential for the cluster id and stores no token", function () {
      const kc = parse(prod.outputs.kubeconfig as string);
      const clusterId = `${clusterOf(prod).name}-id`;
      assert.equal(kc.clusters[0].cluster.server, mockDoksEndpoint(clusterOf(prod).name));
      assert.equal(kc.clusters[0].cluster["certificate-authority-data"], DO_MOCK.caCertificate);
      const user = kc.users[0].user;
      assert.equal(user.exec.command, "doctl");
      assert.deepEqual(user.exec.args, [
        "kubernetes",
        "cluster",
        "kubeconfig",
        "exec-credential",
        "--version=v1beta1",
        clusterId,
      ]);
      assert.equal(user.exec.apiVersion, "client.authentication.k8s.io/v1beta1");
      assert.equal(user.token, undefined);
      assert.ok(!(prod.outputs.kubeconfig as string).includes(DO_MOCK.token));
    });

    it("the k8s provider uses the secret kubeconfig and the cluster id as its identity", function () {
      const provider = prod.one(T.k8s);
      assert.equal(provider.inputs.kubeconfig, prod.outputs.kubeconfig);
      assert.equal(provider.inputs.clusterIdentifier, `${clusterOf(prod).name}-id`);
    });

    it("DigitalOcean resources use the default provider; no Kubernetes object is created here", function () {
      for (const r of prod.resources.filter((x) => x.type.startsWith("digitalocean:"))) {
        const p = prod.providerUrn(r);
        assert.ok(p === "" || p.includes("pulumi:providers:digitalocean"), `${r.name}: ${p}`);
      }
      assert.deepEqual(
        prod.resources.filter((r) => r.type.startsWith("kubernetes:")),
        [],
      );
    });
  });

  describe("replacement stability", function () {
    it("node counts and the Kubernetes version never change replacement-forcing inputs", async function () {
      const bumped: DoksSettings = prodWith({
        kubernetesVersion: "1.35",
        nodePools: prodSettings.nodePools.map((p) => ({
          ...p,
          minNodes: p.minNodes + 1,
          maxNodes: p.maxNodes + 4,
        })),
      });
      const b = await evaluate(bumped);
      const stable = (run: ProgramRun) => {
        const c = clusterOf(run).inputs;
        return {
          urns: run.resources.map((r) => r.urn).sort(),
          cluster: [c.name, c.region, c.vpcUuid, c.clusterSubnet, c.serviceSubnet, inlinePool(run).size],
          pools: run.ofType(T.pool).map((p) => [p.inputs.clusterId, p.inputs.size, p.inputs.name]),
          vpc: [run.one(T.vpc).inputs.region, run.one(T.vpc).inputs.ipRange],
          providerIdentity: run.one(T.k8s).inputs.clusterIdentifier,
        };
      };
      assert.deepEqual(stable(b), stable(prod));
      // The version only moves up (a lower version is what would replace a DOKS cluster).
      assert.equal(clusterOf(prod).inputs.version, "1.34.1-do.0");
      assert.equal(clusterOf(b).inputs.version, "1.35.0-do.0");
      assert.equal(inlinePool(b).maxNodes, 8);
    });
  });

  describe("pure functions", function () {
    it("parseTaint", function () {
      assert.deepEqual(parseTaint("dedicated=gpu:NoExecute"), {
        key: "dedicated",
        value: "gpu",
        effect: "NoExecute",
      });
      assert.deepEqual(parseTaint("example.com/spot=:PreferNoSchedule"), {
        key: "example.com/spot",
        value: "",
        effect: "PreferNoSchedule",
      });
      for (const bad of ["nokey", "a=b", "a=b:Never", "=b:NoSchedule"])
        assert.throws(() => parseTaint(bad), bad);
    });

    it("doTags makes valid, stable DigitalOcean tag names", function () {
      assert.deepEqual(doTags({ team: "platform", "cost center": "R&D 1", k8s: "x", empty: "" }), [
        "cost-center:R-D-1",
        "empty",
        "team:platform",
      ]);
      for (const t of doTags({ "terraform:x": "y", a: "b".repeat(300) })) {
        assert.ok(t.length <= 255 && /^[A-Za-z0-9_:-]+$/.test(t), t);
        assert.ok(!t.startsWith("terraform:"));
      }
    });

    it("doksVersionPrefix", function () {
      assert.equal(doksVersionPrefix("1.34"), "1.34.");
      assert.throws(() => doksVersionPrefix("1.34.1"));
      assert.throws(() => doksVersionPrefix("latest"));
    });

    it("doksExecKubeconfig builds a doctl exec kubeconfig from endpoint and CA", function () {
      const kc = parse(
        doksExecKubeconfig({
          clusterName: "c1",
          clusterId: "0f1e2d3c-aaaa-bbbb-cccc-000000000001",
          endpoint: "https://x.k8s.ondigitalocean.com",
          caCertificate: "Q0E=",
        }),
      );
      assert.deepEqual(kc.clusters, [
        {
          name: "c1",
          cluster: { server: "https://x.k8s.ondigitalocean.com", "certificate-authority-data": "Q0E=" },
        },
      ]);
      assert.equal(kc["current-context"], "c1");
      assert.equal(kc.contexts[0].context.user, kc.users[0].name);
      assert.deepEqual(kc.users[0].user.exec.args, doctlExecArgs("0f1e2d3c-aaaa-bbbb-cccc-000000000001"));
      assert.equal(kc.users[0].user.exec.interactiveMode, "Never");
    });

    it("doksControlPlaneFirewall: on with addresses, off without, never on with an empty list", function () {
      assert.deepEqual(doksControlPlaneFirewall(["192.0.2.1/32"]), {
        enabled: true,
        allowedAddresses: ["192.0.2.1/32"],
      });
      assert.deepEqual(doksControlPlaneFirewall([]), { enabled: false, allowedAddresses: ["0.0.0.0/0"] });
      assert.deepEqual(doksControlPlaneFirewall(["0.0.0.0/0"]), {
        enabled: true,
        allowedAddresses: ["0.0.0.0/0"],
      });
    });

    it("doksPoolArgs refuses an inline pool below 1 node (as config does) and rejects max < min", function () {
      const base = prodSettings.nodePools[1];
      assert.throws(
        () => doksPoolArgs({ ...base, minNodes: 0 }, true, {}),
        /DOKS pool apps: minNodes must be ≥ 1: the first DOKS pool is the cluster's default pool/,
      );
      assert.equal(doksPoolArgs({ ...base, minNodes: 1 }, true, {}).minNodes, 1);
      assert.equal(doksPoolArgs({ ...base, minNodes: 0 }, false, {}).minNodes, 0);
      assert.equal(doksPoolArgs({ ...base, minNodes: 0 }, false, {}).nodeCount, 1);
      assert.throws(() => doksPoolArgs({ ...base, minNodes: 5, maxNodes: 4 }, false, {}), /maxNodes/);
    });
  });
});
