import * as assert from "assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import {
  GKE_AGENT_GRANT_PROPAGATION,
  GKE_NODE_SERVICE_ACCOUNT_ROLES,
  GKE_SERVICE_AGENT_ROLE,
  GkeCluster,
  KMS_ROTATION_PERIOD,
  gcpServiceAccountId,
  gkeContextName,
  gkeServiceAgentMember,
  gkeKubeconfig,
  initialNodeCountPerZone,
  parseGkeTaint,
  workloadIdentityMember,
} from "../components/cluster/gke";
import { GkeSettings } from "../components/cluster/types";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";
import {
  MOCK_GCP_PROJECT_NUMBER,
  MOCK_GKE_CA,
  MOCK_GKE_ENDPOINT,
  MOCK_GKE_SERVICE_AGENT_EMAIL,
} from "../offline/mock-state/gcp";

const T = {
  component: "kube-platform:cluster:GkeCluster",
  gcpProvider: "pulumi:providers:gcp",
  k8sProvider: "pulumi:providers:kubernetes",
  service: "gcp:projects/service:Service",
  serviceIdentity: "gcp:projects/serviceIdentity:ServiceIdentity",
  network: "gcp:compute/network:Network",
  subnetwork: "gcp:compute/subnetwork:Subnetwork",
  router: "gcp:compute/router:Router",
  nat: "gcp:compute/routerNat:RouterNat",
  account: "gcp:serviceaccount/account:Account",
  projectIam: "gcp:projects/iAMMember:IAMMember",
  saIam: "gcp:serviceaccount/iAMMember:IAMMember",
  keyRing: "gcp:kms/keyRing:KeyRing",
  cryptoKey: "gcp:kms/cryptoKey:CryptoKey",
  keyIam: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  cluster: "gcp:container/cluster:Cluster",
  nodePool: "gcp:container/nodePool:NodePool",
  sleep: "time:index/sleep:Sleep",
};

const prodSettings: GkeSettings = {
  clusterName: "kp-prod",
  kubernetesVersion: "1.34",
  protect: true,
  tags: { env: "prod", team: "platform" },
  project: "acme-prod",
  region: "europe-west1",
  nodesCidr: "10.10.0.0/20",
  podsCidr: "10.20.0.0/14",
  servicesCidr: "10.24.0.0/20",
  masterCidr: "172.16.0.0/28",
  masterAuthorizedNetworks: [
    { name: "office", cidr: "198.51.100.0/24" },
    { name: "vpn", cidr: "203.0.113.0/27" },
  ],
  releaseChannel: "STABLE",
  deletionProtection: true,
  nodePools: [
    {
      name: "general",
      machineType: "e2-standard-4",
      minNodes: 3,
      maxNodes: 9,
      diskSizeGb: 100,
      labels: { "example.com/role": "general" },
      taints: [],
    },
    {
      name: "system",
      machineType: "e2-standard-2",
      minNodes: 2,
      maxNodes: 4,
      diskSizeGb: 50,
      labels: { "example.com/role": "system" },
      taints: ["dedicated=system:NoSchedule", "example.com/maintenance=:PreferNoSchedule"],
    },
  ],
};

const devSettings: GkeSettings = {
  ...prodSettings,
  clusterName: "kp-dev",
  protect: false,
  tags: { env: "dev" },
  project: "acme-dev",
  masterAuthorizedNetworks: [{ name: "anywhere", cidr: "0.0.0.0/0" }],
  releaseChannel: "REGULAR",
  deletionProtection: false,
  nodePools: [
    {
      name: "general",
      machineType: "e2-standard-2",
      minNodes: 1,
      maxNodes: 3,
      diskSizeGb: 50,
      labels: {},
      taints: [],
    },
  ],
};

const VAULT_SA = { namespace: "vault", name: "vault" };

/** Builds the cluster and, like the Vault add-on would, binds a ServiceAccount and creates an unseal key. */
function build(settings: GkeSettings) {
  return () => {
    const c = new GkeCluster("kp", settings);
    const vault = new pulumi.ComponentResource("test:addons:Vault", "vault");
    const identity = c.workloadIdentity.bindServiceAccount("vault", VAULT_SA, vault);
    const seal = c.unsealKms.createUnsealKey("vault", identity, vault);
    return {
      kubeconfig: c.kubeconfig,
      clusterName: c.clusterName,
      storageClass: c.defaultStorageClass,
      annotations: identity.serviceAccountAnnotations,
      principal: identity.principal,
      seal,
      contract: pulumi.output({
        target: c.target,
        region: c.region,
        loadBalancer: c.loadBalancer,
        hasMetricsApi: c.hasMetricsApi,
        nodeAutoscaling: c.nodeAutoscaling,
        mechanism: c.workloadIdentity.mechanism,
        podLabels: identity.podLabels,
        readyCount: c.ready.length,
      }),
    };
  };
}

/** Under the test mocks a custom resource's ID is `<pulumi name>-id`. */
const idOf = (r: RecordedResource): string => `${r.name}-id`;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => v as Obj;
const arr = (v: unknown): Obj[] => v as Obj[];

describe("GkeCluster", function () {
  let prod: ProgramRun;
  let dev: ProgramRun;

  before(async () => {
    prod = await runResources(build(prodSettings), { stack: "prod" });
    dev = await runResources(build(devSettings), { stack: "dev" });
  });

  const cluster = (run: ProgramRun) => run.one(T.cluster);
  const pools = (run: ProgramRun) => run.ofType(T.nodePool);
  const nodeSa = (run: ProgramRun) => run.one(T.account, "-nodes-sa");
  const nodeSaEmail = (run: ProgramRun) =>
    `${String(nodeSa(run).inputs.accountId)}@${String(nodeSa(run).inputs.project)}.iam.gserviceaccount.com`;
  const secretsKey = (run: ProgramRun) => run.one(T.cryptoKey, "-secrets");
  const allNodeConfigs = (run: ProgramRun): Obj[] => [
    obj(cluster(run).inputs.nodeConfig),
    ...pools(run).map((p) => obj(p.inputs.nodeConfig)),
  ];

  describe("resources", () => {
    const common = {
      [T.component]: 1,
      [T.gcpProvider]: 1,
      [T.service]: 4,
      // the GKE service agent, created explicitly
      [T.serviceIdentity]: 1,
      [T.network]: 1,
      [T.subnetwork]: 1,
      [T.router]: 1,
      [T.nat]: 1,
      // the node service account + the Vault binding's account
      [T.account]: 2,
      // the node service account's two roles + the GKE service agent's role
      [T.projectIam]: 3,
      [T.saIam]: 1,
      [T.keyRing]: 1,
      // cluster secrets key + Vault unseal key
      [T.cryptoKey]: 2,
      // GKE service agent on the secrets key + two Vault grants on the unseal key
      [T.keyIam]: 3,
      [T.cluster]: 1,
      [T.k8sProvider]: 1,
      // the wait for the GKE service agent's grants to propagate
      [T.sleep]: 1,
      "test:addons:Vault": 1,
    };

    it("registers exactly the expected resource types (prod: two node pools)", () => {
      assert.deepEqual(prod.typeCounts(), { ...common, [T.nodePool]: 2 });
    });

    it("registers exactly the expected resource types (dev: one node pool)", () => {
      assert.deepEqual(dev.typeCounts(), { ...common, [T.nodePool]: 1 });
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
        { cidrBlock: "198.51.100.0/24", displayName: "office" },
        { cidrBlock: "203.0.113.0/27", displayName: "vpn" },
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
    it("the kubeconfig is a secret", () => {
      assert.ok(prod.secretOutputs.has("kubeconfig"));
      assert.ok(prod.one(T.k8sProvider).secretInputs.has("kubeconfig"));
    });

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
      assert.equal(p.parent, prod.one(T.component).urn);
    });

    it("creates no Kubernetes objects itself: everything in-cluster goes through its provider", () => {
      // Add-ons receive `provider`; the component must not create in-cluster objects with another one.
      assert.deepEqual(
        prod.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.type),
        [],
      );
      assert.equal(prod.ofType(T.k8sProvider).length, 1);
    });

    it("fulfils the rest of the contract", () => {
      assert.equal(prod.outputs.clusterName, "kp-prod");
      assert.equal(prod.outputs.storageClass, "standard-rwo");
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
      const bumped: GkeSettings = {
        ...prodSettings,
        kubernetesVersion: "1.35",
        nodePools: prodSettings.nodePools.map((p) => ({
          ...p,
          minNodes: p.minNodes + 2,
          maxNodes: p.maxNodes + 10,
        })),
      };
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

describe("GKE pure helpers", () => {
  it("parseGkeTaint maps Kubernetes effects to GKE's", () => {
    assert.deepEqual(parseGkeTaint("dedicated=system:NoSchedule"), {
      key: "dedicated",
      value: "system",
      effect: "NO_SCHEDULE",
    });
    assert.deepEqual(parseGkeTaint("example.com/spot=true:PreferNoSchedule"), {
      key: "example.com/spot",
      value: "true",
      effect: "PREFER_NO_SCHEDULE",
    });
    assert.deepEqual(parseGkeTaint("gpu=:NoExecute"), { key: "gpu", value: "", effect: "NO_EXECUTE" });
    assert.deepEqual(parseGkeTaint("gpu=:NoExecute"), { key: "gpu", value: "", effect: "NO_EXECUTE" });
  });

  it("parseGkeTaint rejects malformed taints", () => {
    assert.throws(() => parseGkeTaint("dedicated=system"), /invalid taint/);
    assert.throws(() => parseGkeTaint("dedicated=system:NoWay"), /invalid taint/);
    assert.throws(() => parseGkeTaint("=system:NoSchedule"), /invalid taint/);
  });

  it("gcpServiceAccountId keeps valid IDs as they are", () => {
    assert.equal(gcpServiceAccountId("kp-prod", "vault"), "kp-prod-vault");
    assert.equal(gcpServiceAccountId("kp-prod", "nodes"), "kp-prod-nodes");
  });

  it("gcpServiceAccountId always yields a valid ID (6-30 chars, [a-z][a-z0-9-]*[a-z0-9])", () => {
    const valid = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
    for (const [prefix, name] of [
      ["kp-prod", "external-secrets-operator-controller"],
      ["a-very-long-cluster-name-for-production", "vault"],
      ["kp", "a"],
      ["kp", "Cert_Manager"],
      ["1-cluster", "x"],
      ["kp", "trailing-"],
    ]) {
      const id = gcpServiceAccountId(prefix, name);
      assert.match(id, valid, `${prefix}/${name} -> ${id}`);
    }
  });

  it("gcpServiceAccountId is unique per name even when truncated or sanitized", () => {
    const long = "external-secrets-operator-controller";
    const a = gcpServiceAccountId("kp-prod", `${long}-a`);
    const b = gcpServiceAccountId("kp-prod", `${long}-b`);
    assert.notEqual(a, b);
    assert.notEqual(gcpServiceAccountId("kp", "Vault_x"), gcpServiceAccountId("kp", "vault-x"));
    assert.equal(gcpServiceAccountId("kp-prod", long), gcpServiceAccountId("kp-prod", long), "deterministic");
  });

  it("gkeServiceAgentMember uses the returned email, else the documented agent name", () => {
    assert.equal(
      gkeServiceAgentMember("agent@example.iam.gserviceaccount.com", "42"),
      "serviceAccount:agent@example.iam.gserviceaccount.com",
    );
    for (const none of [undefined, ""]) {
      assert.equal(
        gkeServiceAgentMember(none, "42"),
        "serviceAccount:service-42@container-engine-robot.iam.gserviceaccount.com",
      );
    }
  });

  it("initialNodeCountPerZone spreads the total minimum over the default three zones", () => {
    assert.equal(initialNodeCountPerZone(0), 1);
    assert.equal(initialNodeCountPerZone(1), 1);
    assert.equal(initialNodeCountPerZone(3), 1);
    assert.equal(initialNodeCountPerZone(4), 2);
    assert.equal(initialNodeCountPerZone(9), 3);
    assert.equal(initialNodeCountPerZone(4, 2), 2);
  });

  it("workloadIdentityMember names exactly <project>.svc.id.goog[<ns>/<name>]", () => {
    assert.equal(
      workloadIdentityMember("acme", { namespace: "cert-manager", name: "cert-manager" }),
      "serviceAccount:acme.svc.id.goog[cert-manager/cert-manager]",
    );
  });

  it("gkeKubeconfig builds an exec kubeconfig with no credentials in it", () => {
    const ctx = gkeContextName("p", "europe-west1", "c");
    assert.equal(ctx, "gke_p_europe-west1_c");
    const kc = parse(gkeKubeconfig({ contextName: ctx, endpoint: "10.0.0.2", caCertificate: "Q0E=" }));
    assert.equal(kc.apiVersion, "v1");
    assert.equal(kc.kind, "Config");
    assert.deepEqual(kc.contexts, [{ name: ctx, context: { cluster: ctx, user: ctx } }]);
    assert.deepEqual(kc.clusters, [
      { name: ctx, cluster: { server: "https://10.0.0.2", "certificate-authority-data": "Q0E=" } },
    ]);
    assert.deepEqual(Object.keys(kc.users[0].user), ["exec"]);
    assert.equal(kc.users[0].user.exec.command, "gke-gcloud-auth-plugin");
    assert.equal(kc.users[0].user.exec.args, undefined);
  });
});
