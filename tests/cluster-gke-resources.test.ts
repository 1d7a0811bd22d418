/** The GkeCluster's resources, its security rules and the deployer's path to the API server (Pulumi mocks). */
import * as assert from "assert/strict";
import {
  GKE_AGENT_GRANT_PROPAGATION,
  GKE_NODE_SERVICE_ACCOUNT_ROLES,
  GKE_SERVICE_AGENT_ROLE,
  KMS_ROTATION_PERIOD,
} from "../components/cluster/gke";
import { ProgramRun, runResources } from "../offline/mocks";
import { MOCK_GCP_PROJECT_NUMBER, MOCK_GKE_SERVICE_AGENT_EMAIL } from "../offline/mock-state/gcp";
import { GKE_DEV_RESOURCES, GKE_PROD_RESOURCES } from "./expected/resources";
import {
  T,
  allNodeConfigs,
  arr,
  build,
  cluster,
  devSettings,
  idOf,
  nodeSa,
  nodeSaEmail,
  obj,
  pools,
  prodSettings,
  secretsKey,
} from "./helpers/gke-cluster";

describe("GkeCluster", function () {
  let prod: ProgramRun;
  let dev: ProgramRun;

  before(async () => {
    prod = await runResources(build(prodSettings), { stack: "prod" });
    dev = await runResources(build(devSettings), { stack: "dev" });
  });

  describe("resources", () => {
    it("registers exactly the expected resource types (prod: two node pools)", () => {
      assert.deepEqual(prod.typeCounts(), GKE_PROD_RESOURCES);
    });

    it("registers exactly the expected resource types (dev: one node pool)", () => {
      assert.deepEqual(dev.typeCounts(), GKE_DEV_RESOURCES);
    });

    it("enables the required project APIs and never disables them on destroy", () => {
      const services = prod.ofType(T.service);
      assert.deepEqual(services.map((s) => s.inputs.service).sort(), [
        "cloudkms.googleapis.com",
        "compute.googleapis.com",
        "container.googleapis.com",
        "iam.googleapis.com",
      ]);
      for (const s of services) {
        assert.equal(s.inputs.disableOnDestroy, false);
        assert.equal(s.inputs.project, "acme-prod");
      }
    });

    it("configures the explicit gcp provider with project, region and the tags as default labels", () => {
      const p = prod.one(T.gcpProvider);
      assert.equal(p.inputs.project, "acme-prod");
      assert.equal(p.inputs.region, "europe-west1");
      // Provider configuration objects are passed to the provider as JSON.
      const labels = p.inputs.defaultLabels;
      assert.deepEqual(typeof labels === "string" ? JSON.parse(labels) : labels, prodSettings.tags);
    });

    it("every GCP resource uses the explicit gcp provider", () => {
      for (const run of [prod, dev]) {
        const providerUrn = run.one(T.gcpProvider).urn;
        const gcpResources = run.resources.filter((r) => r.type.startsWith("gcp:"));
        assert.ok(gcpResources.length > 15);
        for (const r of gcpResources) assert.equal(run.providerUrn(r), providerUrn, `${r.type} ${r.name}`);
      }
    });

    it("every child is parented under the component (or the caller's parent) and named from the component name", () => {
      const component = prod.one(T.component);
      const vault = prod.one("test:addons:Vault");
      for (const r of prod.resources) {
        if (r === component || r === vault) continue;
        assert.ok(r.name.startsWith("kp-"), r.name);
        assert.ok([component.urn, vault.urn].includes(r.parent), `${r.type} ${r.name}`);
      }
    });

    it("builds a custom-mode VPC, a subnetwork with pod/service secondary ranges and Private Google Access", () => {
      const net = prod.one(T.network);
      assert.equal(net.inputs.autoCreateSubnetworks, false);
      assert.equal(net.inputs.name, "kp-prod-vpc");
      const sub = prod.one(T.subnetwork);
      assert.equal(sub.inputs.network, idOf(net));
      assert.equal(sub.inputs.region, "europe-west1");
      assert.equal(sub.inputs.ipCidrRange, "10.10.0.0/20");
      assert.equal(sub.inputs.privateIpGoogleAccess, true);
      assert.deepEqual(sub.inputs.secondaryIpRanges, [
        { rangeName: "pods", ipCidrRange: "10.20.0.0/14" },
        { rangeName: "services", ipCidrRange: "10.24.0.0/20" },
      ]);
      const ipPolicy = obj(cluster(prod).inputs.ipAllocationPolicy);
      assert.equal(ipPolicy.clusterSecondaryRangeName, "pods");
      assert.equal(ipPolicy.servicesSecondaryRangeName, "services");
      assert.equal(cluster(prod).inputs.network, idOf(net));
      assert.equal(cluster(prod).inputs.subnetwork, idOf(sub));
    });

    it("gives the private nodes egress through Cloud NAT on the node subnetwork (all ranges)", () => {
      const router = prod.one(T.router);
      assert.equal(router.inputs.network, idOf(prod.one(T.network)));
      const nat = prod.one(T.nat);
      assert.equal(nat.inputs.router, router.inputs.name);
      assert.equal(nat.inputs.region, "europe-west1");
      assert.equal(nat.inputs.sourceSubnetworkIpRangesToNat, "LIST_OF_SUBNETWORKS");
      assert.deepEqual(nat.inputs.subnetworks, [
        { name: idOf(prod.one(T.subnetwork)), sourceIpRangesToNats: ["ALL_IP_RANGES"] },
      ]);
      // In-cluster objects wait for the node pools, which wait for egress.
      for (const p of pools(prod)) assert.ok(prod.dependsOnTransitively(p, nat), p.name);
    });

    it("creates the regional cluster with its stable name, version and the default pool removed", () => {
      const c = cluster(prod);
      assert.equal(c.inputs.name, "kp-prod");
      assert.equal(c.inputs.location, "europe-west1");
      assert.equal(c.inputs.project, "acme-prod");
      assert.equal(c.inputs.minMasterVersion, "1.34");
      assert.equal(c.inputs.removeDefaultNodePool, true);
      assert.equal(c.inputs.initialNodeCount, 1);
      assert.equal(c.inputs.nodePools, undefined);
    });
  });

  describe("security rules (docs/security-rules.md, GKE)", () => {
    it("CKV_GCP_25 / CKV_GCP_64: private cluster with private nodes", () => {
      for (const [run, s] of [
        [prod, prodSettings],
        [dev, devSettings],
      ] as const) {
        const pcc = obj(cluster(run).inputs.privateClusterConfig);
        assert.equal(pcc.enablePrivateNodes, true);
        assert.equal(pcc.masterIpv4CidrBlock, s.masterCidr);
      }
    });

    it("CKV_GCP_20 / CKV_GCP_18: master authorized networks are exactly the configured ones, no 0.0.0.0/0 in prod", () => {
      const man = obj(cluster(prod).inputs.masterAuthorizedNetworksConfig);
      assert.deepEqual(man.cidrBlocks, [
        { cidrBlock: "198.19.100.0/24", displayName: "office" },
        { cidrBlock: "198.18.113.0/27", displayName: "vpn" },
      ]);
      assert.ok(arr(man.cidrBlocks).every((b) => b.cidrBlock !== "0.0.0.0/0"));
      assert.equal(man.gcpPublicCidrsAccessEnabled, false);
      // dev passes its (validated) networks through unchanged
      assert.deepEqual(obj(cluster(dev).inputs.masterAuthorizedNetworksConfig).cidrBlocks, [
        { cidrBlock: "0.0.0.0/0", displayName: "anywhere" },
      ]);
    });

    it("CKV_GCP_7: legacy ABAC is disabled", () => {
      assert.equal(cluster(prod).inputs.enableLegacyAbac, false);
      assert.equal(cluster(dev).inputs.enableLegacyAbac, false);
    });

    it("CKV_GCP_13: no client certificate and no basic auth", () => {
      const auth = obj(cluster(prod).inputs.masterAuth);
      assert.deepEqual(auth.clientCertificateConfig, { issueClientCertificate: false });
      assert.equal(auth.username, undefined);
      assert.equal(auth.password, undefined);
    });

    it("CKV_GCP_12: Dataplane V2 (ADVANCED_DATAPATH) enforces network policy; Calico stays off", () => {
      const c = cluster(prod);
      assert.equal(c.inputs.datapathProvider, "ADVANCED_DATAPATH");
      assert.deepEqual(c.inputs.networkPolicy, { enabled: false });
      assert.deepEqual(obj(c.inputs.addonsConfig).networkPolicyConfig, { disabled: true });
    });

    it("CKV_GCP_71 / CKV_GCP_68 / CKV_GCP_72: shielded nodes with secure boot and integrity monitoring", () => {
      assert.equal(cluster(prod).inputs.enableShieldedNodes, true);
      for (const nc of allNodeConfigs(prod)) {
        assert.deepEqual(nc.shieldedInstanceConfig, {
          enableSecureBoot: true,
          enableIntegrityMonitoring: true,
        });
      }
    });

    it("CKV_GCP_69: GKE metadata server on every node config, Workload Identity pool set", () => {
      for (const nc of allNodeConfigs(prod)) {
        assert.deepEqual(nc.workloadMetadataConfig, { mode: "GKE_METADATA" });
        assert.deepEqual(nc.metadata, { "disable-legacy-endpoints": "true" });
      }
      assert.deepEqual(cluster(prod).inputs.workloadIdentityConfig, {
        workloadPool: "acme-prod.svc.id.goog",
      });
    });

    it("CKV_GCP_9 / CKV_GCP_10: auto-repair and auto-upgrade on every pool, no pinned node version", () => {
      for (const p of [...pools(prod), ...pools(dev)]) {
        assert.deepEqual(p.inputs.management, { autoRepair: true, autoUpgrade: true });
        assert.equal(p.inputs.version, undefined);
      }
      assert.equal(cluster(prod).inputs.nodeVersion, undefined);
    });

    it("CKV_GCP_70: release channel from settings (STABLE prod, REGULAR dev)", () => {
      assert.deepEqual(cluster(prod).inputs.releaseChannel, { channel: "STABLE" });
      assert.deepEqual(cluster(dev).inputs.releaseChannel, { channel: "REGULAR" });
    });

    it("CKV_GCP_1 / CKV_GCP_8: Cloud Logging and Cloud Monitoring are on", () => {
      const c = cluster(prod);
      assert.equal(c.inputs.loggingService, "logging.googleapis.com/kubernetes");
      assert.equal(c.inputs.monitoringService, "monitoring.googleapis.com/kubernetes");
    });

    it("CKV2_GCP_1: every node config uses the dedicated node service account with only the node roles", () => {
      for (const run of [prod, dev]) {
        const email = nodeSaEmail(run);
        for (const nc of allNodeConfigs(run)) {
          assert.equal(nc.serviceAccount, email);
          assert.doesNotMatch(String(nc.serviceAccount), /-compute@developer\.gserviceaccount\.com$/);
          assert.deepEqual(nc.oauthScopes, ["https://www.googleapis.com/auth/cloud-platform"]);
        }
        const grants = run.ofType(T.projectIam).filter((g) => g.name.startsWith("kp-nodes-"));
        assert.deepEqual(grants.map((g) => g.inputs.role).sort(), [...GKE_NODE_SERVICE_ACCOUNT_ROLES].sort());
        for (const g of grants) assert.equal(g.inputs.member, `serviceAccount:${email}`);
        // the cluster (hence its default pool) is created only once the node account has its roles
        for (const g of grants) assert.ok(run.dependsOnTransitively(cluster(run), g));
      }
      assert.equal(nodeSa(prod).inputs.accountId, "kp-prod-nodes");
    });

    it("CKV_GCP_22: Container-Optimized OS images", () => {
      for (const nc of allNodeConfigs(prod)) assert.equal(nc.imageType, "COS_CONTAINERD");
    });

    it("database (secrets) encryption with a rotated KMS key the GKE service agent may use", () => {
      const c = cluster(prod);
      const key = secretsKey(prod);
      assert.deepEqual(c.inputs.databaseEncryption, { state: "ENCRYPTED", keyName: idOf(key) });
      assert.equal(key.inputs.rotationPeriod, KMS_ROTATION_PERIOD);
      assert.ok(parseInt(KMS_ROTATION_PERIOD, 10) <= 90 * 24 * 3600);
      const ring = prod.one(T.keyRing);
      assert.equal(key.inputs.keyRing, idOf(ring));
      assert.equal(ring.inputs.location, "europe-west1");
      const grant = prod.ofType(T.keyIam).filter((g) => g.inputs.cryptoKeyId === idOf(key));
      assert.equal(grant.length, 1);
      assert.equal(grant[0].inputs.role, "roles/cloudkms.cryptoKeyEncrypterDecrypter");
      assert.equal(grant[0].inputs.member, `serviceAccount:${MOCK_GKE_SERVICE_AGENT_EMAIL}`);
      assert.ok(prod.dependsOnTransitively(c, grant[0]), "cluster must wait for the key grant");
    });

    it("creates the GKE service agent explicitly (fresh project) and grants the key only after it", () => {
      const agent = prod.one(T.serviceIdentity);
      assert.equal(agent.name, "kp-gke-agent");
      assert.equal(agent.inputs.service, "container.googleapis.com");
      assert.equal(agent.inputs.project, "acme-prod");
      assert.ok(agent.dependsOn.includes(prod.one(T.service, "-container-api").urn), "after the API");
      const grant = prod.one(T.keyIam, "-secrets-gke-agent");
      assert.ok(grant.dependsOn.includes(agent.urn), "the grant waits for the service agent");
      // the member is the email the ServiceIdentity returned, not the documented fallback name
      assert.equal(
        grant.inputs.member,
        "serviceAccount:service-123456789012-identity@container-engine-robot.iam.gserviceaccount.com",
      );
      assert.notEqual(
        grant.inputs.member,
        `serviceAccount:service-${MOCK_GCP_PROJECT_NUMBER}@container-engine-robot.iam.gserviceaccount.com`,
      );
    });

    it("grants the service agent its project role explicitly, kept on destroy (an agent created on request has none)", () => {
      for (const run of [prod, dev]) {
        const agent = run.one(T.serviceIdentity);
        const role = run.one(T.projectIam, "-gke-agent-role");
        assert.equal(role.name, "kp-gke-agent-role");
        assert.deepEqual(
          [role.inputs.project, role.inputs.role, role.inputs.member],
          [
            agent.inputs.project,
            "roles/container.serviceAgent",
            "serviceAccount:service-123456789012-identity@container-engine-robot.iam.gserviceaccount.com",
          ],
        );
        assert.equal(GKE_SERVICE_AGENT_ROLE, "roles/container.serviceAgent");
        assert.ok(role.dependsOn.includes(agent.urn), "the role waits for the service agent");
        // Other clusters of the project rely on the agent's role: destroying this stack keeps it.
        assert.equal(role.retainOnDelete, true);
        assert.ok(cluster(run).dependsOn.includes(role.urn), "the cluster waits for the role");
      }
    });

    it("the cluster is created only after the agent's grants had time to propagate (IAM is eventually consistent)", () => {
      for (const run of [prod, dev]) {
        const sleep = run.one(T.sleep);
        const keyGrant = run.one(T.keyIam, "-secrets-gke-agent");
        const role = run.one(T.projectIam, "-gke-agent-role");
        assert.equal(sleep.name, "kp-gke-agent-propagation");
        assert.equal(sleep.inputs.createDuration, "2m");
        assert.equal(GKE_AGENT_GRANT_PROPAGATION, "2m");
        // A new grant (new key, new agent) changes the trigger and waits again.
        assert.deepEqual(sleep.inputs.triggers, { keyGrant: idOf(keyGrant), agentRole: idOf(role) });
        assert.ok(sleep.dependsOn.includes(keyGrant.urn) && sleep.dependsOn.includes(role.urn));
        assert.equal(sleep.parent, run.one(T.component).urn);
        assert.ok(cluster(run).dependsOn.includes(sleep.urn), "the cluster waits for the propagation");
      }
    });
  });

  describe("the deployer's path to the API server", () => {
    it("refuses settings without any authorized network (GKE would refuse all external access)", async () => {
      await assert.rejects(
        runResources(build({ ...devSettings, masterAuthorizedNetworks: [] }), { stack: "dev" }),
        /masterAuthorizedNetworks must list at least one network/,
      );
    });

    it("keeps the public endpoint (the deployer outside the VPC reaches it through the authorized networks)", () => {
      for (const run of [prod, dev]) {
        assert.equal(obj(cluster(run).inputs.privateClusterConfig).enablePrivateEndpoint, false);
        assert.ok(arr(obj(cluster(run).inputs.masterAuthorizedNetworksConfig).cidrBlocks).length > 0);
      }
    });
  });
});
