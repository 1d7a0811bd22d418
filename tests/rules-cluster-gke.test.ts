/**
 * The GKE cluster rules (rules/cluster/gke.ts) on hand-built clusters and node pools: every check
 * both ways with its exact message, and the pools a cluster defines (inline, default, Autopilot).
 */
import * as assert from "assert";
import { ResourceRule, ResourceUnderTest } from "../rules";
import {
  gkeLegacyAbac,
  gkeLoggingMonitoring,
  gkeMasterAuthorizedNetworks,
  gkeNetworkPolicy,
  gkeNoClientCert,
  gkeNodeAutoRepairUpgrade,
  gkeNodeServiceAccount,
  gkePools,
  gkePrivateNodes,
  gkeReleaseChannel,
  gkeSecretsEncryption,
  gkeShieldedNodes,
  gkeWorkloadIdentity,
  gkeWorkloadMetadata,
} from "../rules/cluster";

const CLUSTER = "gcp:container/cluster:Cluster";
const POOL = "gcp:container/nodePool:NodePool";
const res = (type: string, inputs: Record<string, unknown>): ResourceUnderTest => ({
  type,
  name: "x",
  inputs,
});
const check = (rule: ResourceRule, inputs: Record<string, unknown>, type = CLUSTER) => {
  const r = res(type, inputs);
  assert.ok(rule.appliesTo(r), `${rule.id} applies to ${type}`);
  return rule.check(r, { profile: "prod" });
};
/** A good pool's nodeConfig. */
const NODE_CONFIG = {
  serviceAccount: "kp-nodes@proj.iam.gserviceaccount.com",
  shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
  workloadMetadataConfig: { mode: "GKE_METADATA" },
};

describe("GKE pools", () => {
  it("gkePools: a NodePool itself; a cluster's inline pools and its default pool unless removed; none on Autopilot", () => {
    const shape = (r: ResourceUnderTest) =>
      gkePools(r).map((p) => [p.label, p.nodeConfig, p.management, p.autoscaling, p.nodeCount, p.sizePath]);
    assert.deepStrictEqual(
      shape(
        res(POOL, {
          nodeConfig: { a: 1 },
          management: { autoRepair: true },
          autoscaling: { maxNodeCount: 3 },
          nodeCount: 2,
        }),
      ),
      [["", { a: 1 }, { autoRepair: true }, { maxNodeCount: 3 }, 2, "nodeCount"]],
    );
    assert.deepStrictEqual(shape(res(POOL, { autoscaling: null })), [
      ["", {}, {}, undefined, undefined, "nodeCount"],
    ]);
    assert.deepStrictEqual(
      shape(
        res(CLUSTER, {
          nodePools: [{ name: "general", nodeCount: 1 }, { autoscaling: {} }],
          nodeConfig: { b: 2 },
          initialNodeCount: 4,
        }),
      ),
      [
        ['node pool "general"', {}, {}, undefined, 1, "nodePools[0].nodeCount"],
        ['node pool "1"', {}, {}, {}, undefined, "nodePools[1].nodeCount"],
        ["default node pool", { b: 2 }, {}, undefined, 4, "initialNodeCount"],
      ],
    );
    assert.deepStrictEqual(shape(res(CLUSTER, { removeDefaultNodePool: true, nodePools: [{ name: "" }] })), [
      ['node pool "0"', {}, {}, undefined, undefined, "nodePools[0].nodeCount"],
    ]);
    assert.deepStrictEqual(shape(res(CLUSTER, { enableAutopilot: true, nodePools: [{ name: "a" }] })), []);
    assert.deepStrictEqual(shape(res("gcp:container/other:Other", { nodePools: [{ name: "a" }] })), []);
  });
});

describe("GKE cluster rules: exact messages, both ways", () => {
  it("gke-private-nodes: the cluster's private nodes; a pool may not opt out", () => {
    assert.deepStrictEqual(
      check(gkePrivateNodes, { privateClusterConfig: { enablePrivateNodes: true } }),
      [],
    );
    assert.deepStrictEqual(check(gkePrivateNodes, { privateClusterConfig: { enablePrivateNodes: false } }), [
      "privateClusterConfig.enablePrivateNodes is not true",
    ]);
    assert.deepStrictEqual(check(gkePrivateNodes, {}, POOL), []);
    assert.deepStrictEqual(check(gkePrivateNodes, { networkConfig: { enablePrivateNodes: false } }, POOL), [
      "networkConfig.enablePrivateNodes is false",
    ]);
  });

  it("gke-master-authorized-networks: listed networks none open, no Google CIDRs, or a private endpoint", () => {
    const man = (cidrBlocks: unknown[], extra: Record<string, unknown> = {}) => ({
      masterAuthorizedNetworksConfig: { cidrBlocks, ...extra },
    });
    assert.deepStrictEqual(check(gkeMasterAuthorizedNetworks, man([{ cidrBlock: "203.0.113.0/24" }])), []);
    assert.deepStrictEqual(
      check(gkeMasterAuthorizedNetworks, { privateClusterConfig: { enablePrivateEndpoint: true } }),
      [],
    );
    const none = ["public endpoint without masterAuthorizedNetworksConfig cidrBlocks"];
    assert.deepStrictEqual(check(gkeMasterAuthorizedNetworks, {}), none);
    assert.deepStrictEqual(
      check(gkeMasterAuthorizedNetworks, { masterAuthorizedNetworksConfig: null }),
      none,
    );
    assert.deepStrictEqual(check(gkeMasterAuthorizedNetworks, man([])), none);
    assert.deepStrictEqual(
      check(
        gkeMasterAuthorizedNetworks,
        man([{ cidrBlock: "0.0.0.0/0" }, {}, { cidrBlock: "::/0" }], { gcpPublicCidrsAccessEnabled: true }),
      ),
      ["master authorized networks include 0.0.0.0/0, ::/0", "gcpPublicCidrsAccessEnabled is true"],
    );
    assert.deepStrictEqual(
      check(gkeMasterAuthorizedNetworks, {
        ...man([{ cidrBlock: "0.0.0.0/0" }]),
        privateClusterConfig: { enablePrivateEndpoint: true },
      }),
      ["master authorized networks include 0.0.0.0/0"],
    );
  });

  it("gke-legacy-abac-off and gke-no-client-cert-basic-auth", () => {
    assert.deepStrictEqual(check(gkeLegacyAbac, {}), []);
    assert.deepStrictEqual(check(gkeLegacyAbac, { enableLegacyAbac: "true" }), ["enableLegacyAbac is true"]);
    assert.deepStrictEqual(
      check(gkeNoClientCert, { masterAuth: { clientCertificateConfig: { issueClientCertificate: false } } }),
      [],
    );
    assert.deepStrictEqual(
      check(gkeNoClientCert, {
        masterAuth: { clientCertificateConfig: { issueClientCertificate: true }, username: "admin" },
      }),
      ["masterAuth issues a client certificate", "masterAuth sets basic auth (username/password)"],
    );
    assert.deepStrictEqual(check(gkeNoClientCert, { masterAuth: { password: "p" } }), [
      "masterAuth sets basic auth (username/password)",
    ]);
  });

  it("gke-network-policy: Dataplane V2, Autopilot, or the add-on enabled and not disabled", () => {
    const no = ["neither datapathProvider ADVANCED_DATAPATH nor networkPolicy enabled"];
    assert.deepStrictEqual(check(gkeNetworkPolicy, { datapathProvider: "ADVANCED_DATAPATH" }), []);
    assert.deepStrictEqual(check(gkeNetworkPolicy, { enableAutopilot: true }), []);
    assert.deepStrictEqual(check(gkeNetworkPolicy, { networkPolicy: { enabled: true } }), []);
    assert.deepStrictEqual(check(gkeNetworkPolicy, { datapathProvider: "LEGACY_DATAPATH" }), no);
    assert.deepStrictEqual(
      check(gkeNetworkPolicy, {
        networkPolicy: { enabled: true },
        addonsConfig: { networkPolicyConfig: { disabled: true } },
      }),
      no,
    );
  });

  it("gke-shielded-nodes: shielded nodes on the cluster, secure boot and integrity monitoring on every pool", () => {
    assert.deepStrictEqual(
      check(gkeShieldedNodes, { removeDefaultNodePool: true, nodePools: [{ nodeConfig: NODE_CONFIG }] }),
      [],
    );
    assert.deepStrictEqual(check(gkeShieldedNodes, { nodeConfig: NODE_CONFIG }, POOL), []);
    assert.deepStrictEqual(
      check(gkeShieldedNodes, {
        enableShieldedNodes: false,
        nodeConfig: { shieldedInstanceConfig: { enableIntegrityMonitoring: false } },
      }),
      [
        "enableShieldedNodes is false",
        "default node pool: shieldedInstanceConfig.enableSecureBoot is not true",
        "default node pool: shieldedInstanceConfig.enableIntegrityMonitoring is false",
      ],
    );
    assert.deepStrictEqual(
      check(
        gkeShieldedNodes,
        { enableShieldedNodes: false, nodeConfig: { shieldedInstanceConfig: { enableSecureBoot: true } } },
        POOL,
      ),
      [],
    );
    assert.deepStrictEqual(check(gkeShieldedNodes, {}, POOL), [
      "shieldedInstanceConfig.enableSecureBoot is not true",
    ]);
  });

  it("gke-workload-metadata: GKE_METADATA (or its old name) on every pool", () => {
    assert.deepStrictEqual(check(gkeWorkloadMetadata, { nodeConfig: NODE_CONFIG }, POOL), []);
    assert.deepStrictEqual(
      check(
        gkeWorkloadMetadata,
        { nodeConfig: { workloadMetadataConfig: { mode: "GKE_METADATA_SERVER" } } },
        POOL,
      ),
      [],
    );
    assert.deepStrictEqual(
      check(gkeWorkloadMetadata, {
        removeDefaultNodePool: true,
        nodePools: [{ name: "a", nodeConfig: { workloadMetadataConfig: { mode: "GCE_METADATA" } } }],
      }),
      ['node pool "a": workloadMetadataConfig.mode is "GCE_METADATA", not GKE_METADATA'],
    );
    assert.deepStrictEqual(check(gkeWorkloadMetadata, {}, POOL), [
      "workloadMetadataConfig.mode is undefined, not GKE_METADATA",
    ]);
  });

  it("gke-node-auto-repair-upgrade: neither turned off", () => {
    assert.deepStrictEqual(check(gkeNodeAutoRepairUpgrade, {}, POOL), []);
    assert.deepStrictEqual(
      check(gkeNodeAutoRepairUpgrade, { management: { autoRepair: "false", autoUpgrade: false } }, POOL),
      ["management.autoRepair is false", "management.autoUpgrade is false"],
    );
    assert.deepStrictEqual(check(gkeNodeAutoRepairUpgrade, { management: { autoUpgrade: false } }, POOL), [
      "management.autoUpgrade is false",
    ]);
  });

  it("gke-node-service-account: a dedicated account, not the Compute Engine default", () => {
    assert.deepStrictEqual(check(gkeNodeServiceAccount, { nodeConfig: NODE_CONFIG }, POOL), []);
    assert.deepStrictEqual(
      check(
        gkeNodeServiceAccount,
        {
          nodeConfig: {
            serviceAccount: "123-compute@developer.gserviceaccount.com.evil@proj.iam.gserviceaccount.com",
          },
        },
        POOL,
      ),
      [],
    );
    const unset = ["nodeConfig.serviceAccount not set: the Compute Engine default account"];
    assert.deepStrictEqual(check(gkeNodeServiceAccount, {}, POOL), unset);
    assert.deepStrictEqual(
      check(gkeNodeServiceAccount, { nodeConfig: { serviceAccount: "default" } }, POOL),
      unset,
    );
    assert.deepStrictEqual(
      check(
        gkeNodeServiceAccount,
        { nodeConfig: { serviceAccount: "123-compute@developer.gserviceaccount.com" } },
        POOL,
      ),
      ["nodeConfig.serviceAccount 123-compute@developer.gserviceaccount.com is the Compute Engine default"],
    );
  });

  it("gke-release-channel: one of the four channels", () => {
    for (const channel of ["RAPID", "REGULAR", "STABLE", "EXTENDED"])
      assert.deepStrictEqual(check(gkeReleaseChannel, { releaseChannel: { channel } }), [], channel);
    assert.deepStrictEqual(check(gkeReleaseChannel, { releaseChannel: { channel: "UNSPECIFIED" } }), [
      'releaseChannel.channel is "UNSPECIFIED"',
    ]);
  });

  it("gke-logging-monitoring: neither turned off, no empty component list", () => {
    assert.deepStrictEqual(check(gkeLoggingMonitoring, {}), []);
    assert.deepStrictEqual(
      check(gkeLoggingMonitoring, { loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS"] } }),
      [],
    );
    assert.deepStrictEqual(
      check(gkeLoggingMonitoring, {
        loggingService: "none",
        monitoringService: "none",
        loggingConfig: { enableComponents: [] },
      }),
      ['loggingService is "none"', 'monitoringService is "none"', "loggingConfig.enableComponents is empty"],
    );
  });

  it("gke-secrets-encryption and gke-workload-identity", () => {
    assert.deepStrictEqual(
      check(gkeSecretsEncryption, { databaseEncryption: { state: "ENCRYPTED", keyName: "projects/p/k" } }),
      [],
    );
    assert.deepStrictEqual(check(gkeSecretsEncryption, { databaseEncryption: { state: "DECRYPTED" } }), [
      'databaseEncryption.state is "DECRYPTED", not ENCRYPTED',
    ]);
    assert.deepStrictEqual(check(gkeSecretsEncryption, { databaseEncryption: { state: "ENCRYPTED" } }), [
      "databaseEncryption has no keyName",
    ]);
    assert.deepStrictEqual(
      check(gkeWorkloadIdentity, { workloadIdentityConfig: { workloadPool: "p.svc.id.goog" } }),
      [],
    );
    assert.deepStrictEqual(check(gkeWorkloadIdentity, { enableAutopilot: true }), []);
    assert.deepStrictEqual(check(gkeWorkloadIdentity, {}), ["no workloadIdentityConfig.workloadPool"]);
  });
});
