/**
 * The cluster security rules (listed in docs/security-rules.md: the API endpoint, Secrets
 * encryption, logs, node hardening and identities of each cloud), checked directly on the
 * registered resources of the prod example stacks (the real program, evaluated under mocks), apart
 * from the rule code in rules/. Each check is named with the scanner IDs it corresponds to.
 */
import * as assert from "assert";
import { ProgramRun } from "../offline/mocks";
import { loadStackConfig, runExample } from "../offline/stacks";
import { get } from "../rules";

type Inputs = Record<string, unknown>;
type Rule = [string, (r: ProgramRun) => void];

const run = runExample;

function all(r: ProgramRun, type: string): Inputs[] {
  const found = r.ofType(type).map((x) => x.inputs);
  assert.ok(found.length > 0, `no ${type} registered`);
  return found;
}

const OPEN = "0.0.0.0/0";

const EKS: Rule[] = [
  [
    "CKV_AWS_38 / AVD-AWS-0041: the public endpoint answers only the listed CIDRs (none is 0.0.0.0/0); the private endpoint is on",
    (r) => {
      const vpc = r.one("aws:eks/cluster:Cluster").inputs.vpcConfig as Inputs;
      assert.deepStrictEqual(
        [vpc.endpointPrivateAccess, vpc.endpointPublicAccess, vpc.publicAccessCidrs],
        [true, true, ["198.18.0.0/24"]],
      );
    },
  ],
  [
    "CKV_AWS_58 / AVD-AWS-0039: Secrets are encrypted with a KMS key",
    (r) => {
      const enc = r.one("aws:eks/cluster:Cluster").inputs.encryptionConfig as Inputs;
      assert.deepStrictEqual(enc.resources, ["secrets"]);
      const key = r.one("aws:kms/key:Key", "cluster-secrets");
      assert.strictEqual(key.inputs.enableKeyRotation, true);
      assert.match(String(get(enc, "provider.keyArn")), /^arn:aws:kms:/);
      assert.ok(
        r.dependsOnTransitively(r.one("aws:eks/cluster:Cluster"), key),
        "the cluster does not use the key",
      );
    },
  ],
  [
    "CKV_AWS_37 / AVD-AWS-0038: all five control-plane log types",
    (r) =>
      assert.deepStrictEqual(
        [...(r.one("aws:eks/cluster:Cluster").inputs.enabledClusterLogTypes as string[])].sort(),
        ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      ),
  ],
  [
    "CKV_AWS_339: a supported Kubernetes version on the cluster and every node group",
    (r) => {
      const versions = [
        r.one("aws:eks/cluster:Cluster").inputs,
        ...all(r, "aws:eks/nodeGroup:NodeGroup"),
      ].map((x) => Number(String(x.version).split(".")[1]));
      assert.ok(
        versions.every((v) => v >= 32),
        String(versions),
      );
    },
  ],
  [
    "CKV_AWS_79 / CKV_AWS_341: launch templates require IMDSv2 with hop limit 1",
    (r) => {
      for (const lt of all(r, "aws:ec2/launchTemplate:LaunchTemplate")) {
        assert.deepStrictEqual(get(lt, "metadataOptions.httpTokens"), "required");
        assert.deepStrictEqual(get(lt, "metadataOptions.httpPutResponseHopLimit"), 1);
      }
    },
  ],
  [
    "CKV_AWS_100: no SSH access to nodes",
    (r) => {
      for (const ng of all(r, "aws:eks/nodeGroup:NodeGroup")) assert.strictEqual(ng.remoteAccess, undefined);
      for (const lt of all(r, "aws:ec2/launchTemplate:LaunchTemplate"))
        assert.strictEqual(lt.keyName, undefined);
    },
  ],
  [
    "IRSA: an OIDC provider for the cluster's issuer",
    (r) =>
      assert.deepStrictEqual(
        r.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider").inputs.clientIdLists,
        ["sts.amazonaws.com"],
      ),
  ],
  [
    "autoscaling: node groups between min and max, desiredSize left to cluster-autoscaler",
    (r) => {
      for (const ng of r.ofType("aws:eks/nodeGroup:NodeGroup")) {
        const s = ng.inputs.scalingConfig as Inputs;
        assert.ok((s.minSize as number) <= (s.maxSize as number));
        assert.deepStrictEqual(ng.ignoreChanges, ["scalingConfig.desiredSize"]);
      }
    },
  ],
];

const GKE: Rule[] = [
  [
    "CKV_GCP_25 / CKV_GCP_64: private nodes",
    (r) =>
      assert.strictEqual(
        get(r.one("gcp:container/cluster:Cluster").inputs, "privateClusterConfig.enablePrivateNodes"),
        true,
      ),
  ],
  [
    "CKV_GCP_20 / CKV_GCP_18: master authorized networks without 0.0.0.0/0",
    (r) => {
      const blocks = get(
        r.one("gcp:container/cluster:Cluster").inputs,
        "masterAuthorizedNetworksConfig.cidrBlocks",
      ) as Inputs[];
      assert.ok(Array.isArray(blocks) && blocks.length > 0);
      assert.ok(blocks.every((b) => b.cidrBlock !== OPEN));
    },
  ],
  [
    "CKV_GCP_7: legacy ABAC off",
    (r) => assert.strictEqual(r.one("gcp:container/cluster:Cluster").inputs.enableLegacyAbac, false),
  ],
  [
    "CKV_GCP_13: no client certificate or basic auth",
    (r) => {
      const auth = r.one("gcp:container/cluster:Cluster").inputs.masterAuth as Inputs;
      assert.strictEqual(get(auth, "clientCertificateConfig.issueClientCertificate"), false);
      assert.strictEqual(auth.username, undefined);
    },
  ],
  [
    "CKV_GCP_12: network policy through Dataplane V2",
    (r) =>
      assert.strictEqual(r.one("gcp:container/cluster:Cluster").inputs.datapathProvider, "ADVANCED_DATAPATH"),
  ],
  [
    "CKV_GCP_71 / CKV_GCP_68 / CKV_GCP_72 / CKV_GCP_69 / CKV2_GCP_1: shielded, secure boot, integrity, GKE metadata, dedicated SA",
    (r) => {
      const sa = r.one("gcp:serviceaccount/account:Account", "nodes-sa");
      assert.strictEqual(r.one("gcp:container/cluster:Cluster").inputs.enableShieldedNodes, true);
      for (const pool of all(r, "gcp:container/nodePool:NodePool")) {
        const nc = pool.nodeConfig as Inputs;
        assert.deepStrictEqual(nc.shieldedInstanceConfig, {
          enableIntegrityMonitoring: true,
          enableSecureBoot: true,
        });
        assert.strictEqual(get(nc, "workloadMetadataConfig.mode"), "GKE_METADATA");
        assert.match(String(nc.serviceAccount), new RegExp(`^${String(sa.inputs.accountId)}@`));
      }
    },
  ],
  [
    "CKV_GCP_9 / CKV_GCP_10: auto-repair and auto-upgrade",
    (r) => {
      for (const pool of all(r, "gcp:container/nodePool:NodePool")) {
        assert.deepStrictEqual(pool.management, { autoRepair: true, autoUpgrade: true });
      }
    },
  ],
  [
    "CKV_GCP_70: a release channel",
    (r) =>
      assert.strictEqual(
        get(r.one("gcp:container/cluster:Cluster").inputs, "releaseChannel.channel"),
        "STABLE",
      ),
  ],
  [
    "CKV_GCP_1 / CKV_GCP_8: logging and monitoring on",
    (r) => {
      const c = r.one("gcp:container/cluster:Cluster").inputs;
      assert.strictEqual(c.loggingService, "logging.googleapis.com/kubernetes");
      assert.strictEqual(c.monitoringService, "monitoring.googleapis.com/kubernetes");
    },
  ],
  [
    "Secrets encrypted with a Cloud KMS key",
    (r) =>
      assert.strictEqual(
        get(r.one("gcp:container/cluster:Cluster").inputs, "databaseEncryption.state"),
        "ENCRYPTED",
      ),
  ],
  [
    "autoscaling: pools between min and max, sizes left to the autoscaler",
    (r) => {
      for (const pool of r.ofType("gcp:container/nodePool:NodePool")) {
        const a = pool.inputs.autoscaling as Inputs;
        assert.ok((a.totalMinNodeCount as number) <= (a.totalMaxNodeCount as number));
        assert.ok(pool.ignoreChanges.includes("nodeCount"));
      }
    },
  ],
];

const AKS: Rule[] = [
  [
    "CKV_AZURE_6 / CKV_AZURE_115: API server limited to authorized ranges (no 0.0.0.0/0) or private",
    (r) => {
      const p = r.one("azure-native:containerservice:ManagedCluster").inputs.apiServerAccessProfile as Inputs;
      const ranges = (p.authorizedIPRanges as string[] | undefined) ?? [];
      assert.ok(p.enablePrivateCluster === true || (ranges.length > 0 && !ranges.includes(OPEN)));
    },
  ],
  [
    "CKV_AZURE_5: RBAC",
    (r) => assert.strictEqual(r.one("azure-native:containerservice:ManagedCluster").inputs.enableRBAC, true),
  ],
  [
    "CKV_AZURE_141: local accounts disabled",
    (r) =>
      assert.strictEqual(
        r.one("azure-native:containerservice:ManagedCluster").inputs.disableLocalAccounts,
        true,
      ),
  ],
  [
    "CKV_AZURE_7 / CKV2_AZURE_29: Azure CNI with network policy",
    (r) => {
      const n = r.one("azure-native:containerservice:ManagedCluster").inputs.networkProfile as Inputs;
      assert.strictEqual(n.networkPlugin, "azure");
      assert.ok(n.networkPolicy, "no network policy");
    },
  ],
  [
    "CKV_AZURE_171: an auto-upgrade channel",
    (r) =>
      assert.ok(
        get(
          r.one("azure-native:containerservice:ManagedCluster").inputs,
          "autoUpgradeProfile.upgradeChannel",
        ),
      ),
  ],
  [
    "CKV_AZURE_170: Standard tier",
    (r) =>
      assert.strictEqual(
        get(r.one("azure-native:containerservice:ManagedCluster").inputs, "sku.tier"),
        "Standard",
      ),
  ],
  [
    "CKV_AZURE_143 / CKV_AZURE_232: no node public IPs; the system pool is for critical add-ons only",
    (r) => {
      const cluster = r.one("azure-native:containerservice:ManagedCluster").inputs;
      const [system] = cluster.agentPoolProfiles as Inputs[];
      assert.strictEqual(system.mode, "System");
      assert.ok((system.nodeTaints as string[]).includes("CriticalAddonsOnly=true:NoSchedule"));
      for (const pool of [system, ...all(r, "azure-native:containerservice:AgentPool")]) {
        assert.strictEqual(pool.enableNodePublicIP, false);
      }
    },
  ],
  [
    "OIDC issuer and workload identity",
    (r) => {
      const c = r.one("azure-native:containerservice:ManagedCluster").inputs;
      assert.strictEqual(get(c, "oidcIssuerProfile.enabled"), true);
      assert.strictEqual(get(c, "securityProfile.workloadIdentity.enabled"), true);
    },
  ],
  [
    "autoscaling: every pool between min and max, count left to the autoscaler",
    (r) => {
      const cluster = r.one("azure-native:containerservice:ManagedCluster");
      assert.ok(cluster.ignoreChanges.includes("agentPoolProfiles[0].count"));
      for (const pool of r.ofType("azure-native:containerservice:AgentPool")) {
        assert.strictEqual(pool.inputs.enableAutoScaling, true);
        assert.ok(pool.ignoreChanges.includes("count"));
      }
    },
  ],
];

const DOKS: Rule[] = [
  [
    // Vault runs ha with Shamir there (no KMS on DOKS): automatic upgrades would reseal its pods, so
    // they are off and doks-auto-upgrade accepts that (config-doks.test.ts has both directions).
    "AVD-DIG-0008: auto-upgrade off beside a Shamir ha Vault",
    (r) =>
      assert.strictEqual(
        r.one("digitalocean:index/kubernetesCluster:KubernetesCluster").inputs.autoUpgrade,
        false,
      ),
  ],
  [
    "AVD-DIG-0005: surge upgrade",
    (r) =>
      assert.strictEqual(
        r.one("digitalocean:index/kubernetesCluster:KubernetesCluster").inputs.surgeUpgrade,
        true,
      ),
  ],
  [
    "HA control plane",
    (r) =>
      assert.strictEqual(r.one("digitalocean:index/kubernetesCluster:KubernetesCluster").inputs.ha, true),
  ],
  [
    "maintenance window set",
    (r) =>
      assert.deepStrictEqual(
        r.one("digitalocean:index/kubernetesCluster:KubernetesCluster").inputs.maintenancePolicy,
        {
          day: "sunday",
          startTime: "03:00",
        },
      ),
  ],
  [
    "autoscaling: every pool between min and max, node counts left to the autoscaler",
    (r) => {
      const cluster = r.one("digitalocean:index/kubernetesCluster:KubernetesCluster");
      assert.strictEqual(get(cluster.inputs, "nodePool.autoScale"), true);
      assert.ok(cluster.ignoreChanges.includes("nodePool.nodeCount"));
      for (const pool of all(r, "digitalocean:index/kubernetesNodePool:KubernetesNodePool")) {
        assert.strictEqual(pool.autoScale, true);
      }
    },
  ],
];

const RULES: Record<string, Rule[]> = { prod: EKS, gke: GKE, aks: AKS, doks: DOKS };

describe("cluster security rules on the prod example stacks", () => {
  for (const [stack, rules] of Object.entries(RULES)) {
    describe(stack, () => {
      it("is a prod-profile stack", () => assert.strictEqual(loadStackConfig(stack).profile, "prod"));
      for (const [name, check] of rules) {
        it(name, async () => check(await run(stack)));
      }
    });
  }
});
