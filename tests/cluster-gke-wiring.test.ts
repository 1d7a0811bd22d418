/**
 * The GkeCluster's dev/prod differences and protection, autoscaling, kubeconfig and provider,
 * replacement stability, workload identity and Vault unseal key (Pulumi mocks).
 */
import * as assert from "assert/strict";
import { parse } from "yaml";
import { KMS_ROTATION_PERIOD, initialNodeCountPerZone } from "../components/cluster/gke";
import { GkeSettings } from "../components/cluster/types";
import { ProgramRun, runResources } from "../offline/mocks";
import { MOCK_GKE_CA, MOCK_GKE_ENDPOINT } from "../offline/mock-state/gcp";
import {
  T,
  build,
  cluster,
  devSettings,
  idOf,
  obj,
  pools,
  prodSettings,
  prodWith,
  secretsKey,
} from "./helpers/gke-cluster";

describe("GkeCluster", function () {
  let prod: ProgramRun;
  let dev: ProgramRun;

  before(async () => {
    prod = await runResources(build(prodSettings), { stack: "prod" });
    dev = await runResources(build(devSettings), { stack: "dev" });
  });

  describe("dev / prod differences and protection", () => {
    const critical = (run: ProgramRun) => [
      run.one(T.network),
      run.one(T.subnetwork),
      cluster(run),
      run.one(T.keyRing),
      secretsKey(run),
      run.one(T.cryptoKey, "-vault-unseal"),
    ];

    it("prod protects network, subnetwork, cluster, key ring and keys; dev protects nothing", () => {
      for (const r of critical(prod)) assert.equal(r.protect, true, `${r.type} ${r.name}`);
      for (const r of dev.resources) assert.equal(r.protect, false, `${r.type} ${r.name}`);
    });

    it("node pools and other resources are not protected in prod", () => {
      const protectedUrns = new Set(critical(prod).map((r) => r.urn));
      for (const r of prod.resources) {
        if (!protectedUrns.has(r.urn)) assert.equal(r.protect, false, `${r.type} ${r.name}`);
      }
    });

    it("deletion protection follows settings (prod on, dev off)", () => {
      assert.equal(cluster(prod).inputs.deletionProtection, true);
      assert.equal(cluster(dev).inputs.deletionProtection, false);
    });
  });

  describe("autoscaling", () => {
    it("node pools autoscale between the regional totals min/max; no fixed size", () => {
      for (const [run, s] of [
        [prod, prodSettings],
        [dev, devSettings],
      ] as const) {
        assert.equal(pools(run).length, s.nodePools.length);
        for (const np of s.nodePools) {
          const p = run.one(T.nodePool, `-${np.name}`);
          assert.equal(p.inputs.name, np.name);
          assert.equal(p.inputs.location, s.region);
          assert.equal(p.inputs.cluster, s.clusterName);
          assert.deepEqual(p.inputs.autoscaling, {
            totalMinNodeCount: np.minNodes,
            totalMaxNodeCount: np.maxNodes,
            locationPolicy: "BALANCED",
          });
          assert.equal(p.inputs.nodeCount, undefined);
          assert.equal(p.inputs.initialNodeCount, initialNodeCountPerZone(np.minNodes));
        }
      }
    });

    it("ignores the autoscaled size fields on node pools", () => {
      for (const p of [...pools(prod), ...pools(dev)]) {
        assert.ok(p.ignoreChanges.includes("nodeCount"), p.name);
        assert.ok(p.ignoreChanges.includes("initialNodeCount"), p.name);
        assert.equal(p.deleteBeforeReplace, true, "fixed pool names need delete-before-replace");
      }
    });

    it("ignores the cluster drift GKE causes (default pool size, first pool's node config, inline pools)", () => {
      assert.deepEqual([...cluster(prod).ignoreChanges].sort(), [
        "initialNodeCount",
        "nodeConfig",
        "nodePools",
      ]);
    });

    it("maps the pool settings into the node config (machine, disk, labels, taints)", () => {
      const sys = prod.one(T.nodePool, "-system");
      const nc = obj(sys.inputs.nodeConfig);
      assert.equal(nc.machineType, "e2-standard-2");
      assert.equal(nc.diskSizeGb, 50);
      assert.equal(nc.diskType, "pd-balanced");
      assert.deepEqual(nc.labels, { "example.com/role": "system" });
      assert.deepEqual(nc.resourceLabels, prodSettings.tags);
      assert.deepEqual(nc.taints, [
        { key: "dedicated", value: "system", effect: "NO_SCHEDULE" },
        { key: "example.com/maintenance", value: "", effect: "PREFER_NO_SCHEDULE" },
      ]);
      assert.deepEqual(sys.inputs.upgradeSettings, { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 });
    });

    it("node pools are what in-cluster objects wait for", () => {
      assert.equal(obj(prod.outputs.contract).readyCount, 2);
      assert.equal(obj(dev.outputs.contract).readyCount, 1);
    });
  });

  describe("kubeconfig and Kubernetes provider", () => {
    it("the kubeconfig is exec-based (gke-gcloud-auth-plugin) with the cluster endpoint and CA", () => {
      const kc = parse(String(prod.outputs.kubeconfig));
      const ctx = "gke_acme-prod_europe-west1_kp-prod";
      assert.equal(kc["current-context"], ctx);
      assert.equal(kc.clusters[0].cluster.server, `https://${MOCK_GKE_ENDPOINT}`);
      assert.equal(kc.clusters[0].cluster["certificate-authority-data"], MOCK_GKE_CA);
      const user = kc.users[0].user;
      assert.equal(user.exec.command, "gke-gcloud-auth-plugin");
      assert.equal(user.exec.apiVersion, "client.authentication.k8s.io/v1beta1");
      assert.equal(user.exec.provideClusterInfo, true);
      assert.equal(user.token, undefined);
      assert.equal(user["client-certificate-data"], undefined);
    });

    it("the Kubernetes provider uses the kubeconfig and the cluster's stable id as clusterIdentifier", () => {
      const p = prod.one(T.k8sProvider);
      assert.equal(p.inputs.kubeconfig, prod.outputs.kubeconfig);
      assert.equal(p.inputs.clusterIdentifier, idOf(cluster(prod)));
    });

    it("creates no Kubernetes objects itself: everything in-cluster goes through its provider", () => {
      // Add-ons receive `provider`; the component must not create in-cluster objects with another one.
      assert.deepEqual(
        prod.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.type),
        [],
      );
    });

    it("fulfils the rest of the contract", () => {
      assert.deepEqual(prod.outputs.contract, {
        target: "gke",
        region: "europe-west1",
        loadBalancer: { addressKind: "ip", serviceAnnotations: {} },
        hasMetricsApi: true,
        nodeAutoscaling: { kind: "native" },
        mechanism: "gke-workload-identity",
        podLabels: {},
        readyCount: 2,
      });
    });
  });

  describe("replacement stability", () => {
    it("node counts and Kubernetes version bumps leave every replacement-forcing input unchanged", async () => {
      const bumped: GkeSettings = prodWith({
        kubernetesVersion: "1.35",
        nodePools: prodSettings.nodePools.map((p) => ({
          ...p,
          minNodes: p.minNodes + 2,
          maxNodes: p.maxNodes + 10,
        })),
      });
      const after = await runResources(build(bumped), { stack: "prod" });
      // Same resources (URNs) before and after.
      assert.deepEqual(after.resources.map((r) => r.urn).sort(), prod.resources.map((r) => r.urn).sort());
      // Cluster: only minMasterVersion (updated in place) differs.
      const before = cluster(prod).inputs;
      const now = cluster(after).inputs;
      assert.equal(now.minMasterVersion, "1.35");
      const stableKeys = [
        "name",
        "location",
        "project",
        "network",
        "subnetwork",
        "networkingMode",
        "ipAllocationPolicy",
        "privateClusterConfig",
        "databaseEncryption",
        "datapathProvider",
        "workloadIdentityConfig",
        "nodeConfig",
        "initialNodeCount",
        "removeDefaultNodePool",
        "releaseChannel",
      ];
      for (const k of stableKeys) assert.deepEqual(now[k], before[k], `cluster.${k}`);
      assert.deepEqual({ ...now, minMasterVersion: undefined }, { ...before, minMasterVersion: undefined });
      // Node pools: only the autoscaling bounds and the (ignored) initial count differ.
      for (const np of prodSettings.nodePools) {
        const a = prod.one(T.nodePool, `-${np.name}`).inputs;
        const b = after.one(T.nodePool, `-${np.name}`).inputs;
        for (const k of ["name", "cluster", "location", "nodeConfig", "management", "version"]) {
          assert.deepEqual(b[k], a[k], `nodePool.${k}`);
        }
      }
      // Network and keys unchanged.
      for (const t of [T.network, T.subnetwork, T.keyRing, T.gcpProvider]) {
        assert.deepEqual(after.one(t).inputs, prod.one(t).inputs, t);
      }
      assert.deepEqual(secretsKey(after).inputs, secretsKey(prod).inputs);
    });
  });

  describe("workload identity and Vault unseal key", () => {
    const vaultEmail = "kp-prod-vault@acme-prod.iam.gserviceaccount.com";

    it("bindServiceAccount creates a Google service account under the caller's parent", () => {
      const gsa = prod.one(T.account, "-vault-gsa");
      assert.equal(gsa.inputs.accountId, "kp-prod-vault");
      assert.equal(gsa.inputs.project, "acme-prod");
      assert.equal(gsa.parent, prod.one("test:addons:Vault").urn);
    });

    it("only the named Kubernetes ServiceAccount may impersonate it (workloadIdentityUser)", () => {
      const b = prod.one(T.saIam);
      assert.equal(b.inputs.role, "roles/iam.workloadIdentityUser");
      assert.equal(b.inputs.member, "serviceAccount:acme-prod.svc.id.goog[vault/vault]");
      assert.equal(b.inputs.serviceAccountId, `projects/acme-prod/serviceAccounts/${vaultEmail}`);
      assert.equal(b.inputs.condition, undefined);
      assert.ok(
        prod.dependsOnTransitively(b, cluster(prod)),
        "the identity pool exists once the cluster does",
      );
    });

    it("returns the GSA annotation, no pod labels, and the email as principal", () => {
      assert.deepEqual(prod.outputs.annotations, { "iam.gke.io/gcp-service-account": vaultEmail });
      assert.equal(prod.outputs.principal, vaultEmail);
      assert.deepEqual(obj(prod.outputs.contract).podLabels, {});
    });

    it("createUnsealKey grants the identity encrypt/decrypt + viewer on that key only", () => {
      const key = prod.one(T.cryptoKey, "-vault-unseal");
      assert.equal(key.inputs.keyRing, idOf(prod.one(T.keyRing)));
      assert.equal(key.inputs.purpose, "ENCRYPT_DECRYPT");
      assert.equal(key.inputs.rotationPeriod, KMS_ROTATION_PERIOD);
      assert.equal(key.parent, prod.one("test:addons:Vault").urn);
      const grants = prod.ofType(T.keyIam).filter((g) => g.inputs.cryptoKeyId === idOf(key));
      assert.deepEqual(grants.map((g) => g.inputs.role).sort(), [
        "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        "roles/cloudkms.viewer",
      ]);
      for (const g of grants) assert.equal(g.inputs.member, `serviceAccount:${vaultEmail}`);
      // Nothing else grants the Vault identity anything.
      const elsewhere = prod.resources.filter(
        (r) =>
          /IAMMember/.test(r.type) && !grants.includes(r) && String(r.inputs.member).includes(vaultEmail),
      );
      assert.deepEqual(elsewhere, []);
      // And the unseal key grants nobody else.
      assert.equal(prod.ofType(T.keyIam).filter((g) => g.inputs.cryptoKeyId === idOf(key)).length, 2);
    });

    it("returns the gcpckms seal stanza for that key", () => {
      assert.deepEqual(prod.outputs.seal, {
        type: "gcpckms",
        attributes: {
          project: "acme-prod",
          region: "europe-west1",
          key_ring: prod.one(T.keyRing).name,
          crypto_key: prod.one(T.cryptoKey, "-vault-unseal").name,
        },
      });
    });

    it("the unseal key is protected in prod and not in dev", () => {
      assert.equal(prod.one(T.cryptoKey, "-vault-unseal").protect, true);
      assert.equal(dev.one(T.cryptoKey, "-vault-unseal").protect, false);
    });
  });
});
