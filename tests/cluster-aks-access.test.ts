/**
 * The AksCluster's workload identity and Key Vault unseal key, the deployer's Kubernetes
 * permissions, its path to a private API server and the check of its VNet (Pulumi mocks).
 */
import * as assert from "node:assert/strict";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as pulumi from "@pulumi/pulumi";
import { AZURE_ROLES, AksCluster } from "../components/cluster/aks";
import {
  deployerGrantNotice,
  deployerPrincipalType,
  deployerVnetResourceGroup,
  grantDeployerClusterAdmin,
} from "../components/cluster/aks/access";
import { deployerVnetProblems, overlappingPrefixes } from "../components/cluster/aks/deployer-vnet";
import { parseVnetId } from "../components/cluster/aks/ids";
import { AksSettings } from "../components/cluster/types";
import { ProgramRun, runResources } from "../offline/mocks";
import { AZURE_MOCK, AZURE_SESSION, mockGuid } from "../offline/mock-state/azure";
import {
  RUNNER_VNET_ID,
  T,
  clusterOf,
  devSettings,
  evaluate,
  obj,
  privateSettings,
  privateWith,
  prodSettings,
  prodWith,
} from "./helpers/aks-cluster";

describe("AksCluster", function () {
  let prod: ProgramRun;
  before(async function () {
    prod = await evaluate(prodSettings, "prod");
  });

  describe("workload identity and Key Vault unseal", function () {
    let run: ProgramRun;
    before(async function () {
      run = await evaluate(prodSettings, "prod", true);
    });

    it("binds exactly system:serviceaccount:<ns>:<name> to a new user-assigned identity", function () {
      const fic = run.one(T.fic);
      const identity = run.one(T.identity, "vault-identity");
      assert.equal(fic.inputs.subject, "system:serviceaccount:vault:vault");
      assert.deepEqual(fic.inputs.audiences, ["api://AzureADTokenExchange"]);
      assert.match(fic.inputs.issuer as string, /^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//);
      assert.equal(fic.inputs.resourceName, identity.name);
      assert.equal(fic.inputs.resourceGroupName, "kp-rg");
    });

    it("returns the client-id annotation, the use label and the principal id", function () {
      const identity = run.one(T.identity, "vault-identity");
      assert.deepEqual(run.outputs.annotations, {
        "azure.workload.identity/client-id": mockGuid(`client/${identity.name}`),
      });
      assert.deepEqual(run.outputs.podLabels, { "azure.workload.identity/use": "true" });
      assert.equal(run.outputs.principal, mockGuid(`principal/${identity.name}`));
    });

    it("creates an RBAC Key Vault with purge protection and 90-day soft delete, protected in prod", function () {
      const vault = run.one(T.vault);
      const props = obj(vault.inputs.properties);
      assert.equal(props.enableRbacAuthorization, true);
      assert.equal(props.enablePurgeProtection, true);
      assert.equal(props.enableSoftDelete, true);
      assert.equal(props.softDeleteRetentionInDays, 90);
      assert.equal(props.tenantId, AZURE_MOCK.tenantId);
      assert.equal(props.accessPolicies, undefined);
      const name = vault.inputs.vaultName as string;
      assert.ok(name.length <= 24 && /^[a-z][a-z0-9-]*[a-z0-9]$/.test(name), name);
      assert.equal(vault.protect, true);
      assert.equal(run.one(T.key).protect, true);
    });

    it("creates an RSA key usable only for wrapKey/unwrapKey", function () {
      const key = run.one(T.key);
      assert.deepEqual(obj(key.inputs.properties).keyOps, ["wrapKey", "unwrapKey"]);
      assert.equal(obj(key.inputs.properties).kty, "RSA");
      assert.equal(key.inputs.vaultName, run.one(T.vault).inputs.vaultName);
    });

    it("grants Key Vault Crypto User on that key to that identity only", function () {
      const grants = run.ofType(T.role).filter((r) => r.name.endsWith("-crypto-user"));
      assert.equal(grants.length, 1);
      const g = grants[0].inputs;
      assert.equal(g.principalId, run.outputs.principal);
      assert.equal(g.principalType, "ServicePrincipal");
      assert.equal(g.scope, `${run.one(T.key).name}-id`);
      assert.equal(
        g.roleDefinitionId,
        `/subscriptions/${AZURE_MOCK.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${AZURE_ROLES.keyVaultCryptoUser}`,
      );
    });

    it("returns the azurekeyvault seal stanza", function () {
      assert.deepEqual(run.outputs.seal, {
        type: "azurekeyvault",
        attributes: {
          tenant_id: AZURE_MOCK.tenantId,
          vault_name: run.one(T.vault).inputs.vaultName,
          key_name: "vault-unseal",
        },
      });
    });

    it("is not protected when settings.protect is false", async function () {
      const devRun = await evaluate(devSettings, "dev", true);
      assert.equal(devRun.one(T.vault).protect, false);
      assert.equal(devRun.one(T.key).protect, false);
    });
  });

  describe("the deployer's Kubernetes permissions (Azure RBAC for Kubernetes)", function () {
    let run: ProgramRun;
    before(async function () {
      run = await evaluate(prodSettings, "prod", false, true);
    });

    it("grants the deploying identity AKS RBAC Cluster Admin on the cluster, with its principal type", function () {
      const grant = run.one(T.role, "-deployer-admin");
      assert.deepEqual(grant.inputs, {
        principalId: AZURE_MOCK.objectId,
        // The mocked session signs in with its own client id: a service principal, as in CI.
        principalType: "ServicePrincipal",
        roleDefinitionId: `/subscriptions/${AZURE_MOCK.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b`,
        scope: `${clusterOf(run).name}-id`,
      });
    });

    it("keeps the grant with the identity that created it: a later deployer does not replace it", function () {
      // principalId forces a replacement (azure-native replacement.go): without this, B's `pulumi up`
      // would delete A's grant.
      assert.deepEqual(run.one(T.role, "-deployer-admin").ignoreChanges, ["principalId", "principalType"]);
      for (const r of run.ofType(T.role).filter((x) => !x.name.endsWith("-deployer-admin"))) {
        assert.deepEqual(r.ignoreChanges, [], r.name);
      }
    });

    it("waits 5 minutes for the assignment to propagate, again only when the assignment changes", function () {
      const sleep = run.one(T.sleep);
      const grant = run.one(T.role, "-deployer-admin");
      assert.equal(sleep.name, "kp-deployer-admin-propagation");
      assert.deepEqual(sleep.inputs, {
        createDuration: "5m",
        triggers: { roleAssignmentId: "kp-deployer-admin-id" },
      });
      assert.ok(run.dependsOnTransitively(sleep, grant), "the sleep starts after the assignment");
    });

    it("every Kubernetes object waits for the propagation (cluster ready)", function () {
      const probe = run.one("kubernetes:core/v1:Namespace");
      assert.ok(run.dependsOnTransitively(probe, run.one(T.sleep)), "waits for the sleep");
      assert.ok(run.dependsOnTransitively(probe, run.one(T.role, "-deployer-admin")), "waits for the grant");
    });

    it("the k8s provider itself waits for the grant and its propagation (it is configured once)", function () {
      const deps = run.one(T.k8s).dependsOn;
      assert.ok(deps.includes(run.one(T.role, "-deployer-admin").urn), "provider dependsOn the grant");
      assert.ok(deps.includes(run.one(T.sleep).urn), "provider dependsOn the propagation wait");
      // …and not on the other grants (the control plane's subnet role is no concern of the deployer).
      assert.ok(!deps.includes(run.one(T.role, "-cp-subnet").urn));
    });

    it("warns when another identity runs `pulumi up` and no admin group exists; quiet otherwise", async function () {
      const warned: unknown[] = [];
      const original = console.warn;
      console.warn = (...args: unknown[]) => void warned.push(args.join(" "));
      try {
        const notices = await runResources(() => {
          const cluster = new containerservice.ManagedCluster("c", { resourceGroupName: "rg" });
          const notice = (current: string, groups: string[]) =>
            grantDeployerClusterAdmin(
              `g-${current}-${groups.length}`,
              {
                cluster,
                principalId: "aaaaaaaa-0000-0000-0000-00000000000a",
                principalType: "User",
                subscriptionId: pulumi.output(AZURE_MOCK.subscriptionId),
                currentPrincipalId: current,
                adminGroupObjectIds: groups,
              },
              cluster,
            ).notice;
          return {
            other: notice("bbbbbbbb-0000-0000-0000-00000000000b", []),
            otherWithGroup: notice("bbbbbbbb-0000-0000-0000-00000000000b", [
              "cccccccc-0000-0000-0000-00000000000c",
            ]),
            creator: notice("AAAAAAAA-0000-0000-0000-00000000000A", []),
          };
        });
        const expected =
          "AKS: the deployer grant (AKS RBAC Cluster Admin) belongs to aaaaaaaa-0000-0000-0000-00000000000a, the " +
          "identity that created it; this run is by bbbbbbbb-0000-0000-0000-00000000000b, and " +
          "cluster.adminGroupObjectIds is empty, so its Kubernetes calls will be Forbidden: add an Entra ID group " +
          "of this identity to cluster.adminGroupObjectIds, or run `pulumi up` as the granted identity";
        assert.equal(notices.outputs.other, expected);
        assert.equal(notices.outputs.otherWithGroup, undefined);
        assert.equal(notices.outputs.creator, undefined);
        assert.deepEqual(warned, [`warning: [runtime] ${expected}`]);
      } finally {
        console.warn = original;
      }
      assert.equal(deployerGrantNotice("a", "A", 0), undefined);
      assert.equal(deployerGrantNotice("a", "b", 1), undefined);
      assert.match(deployerGrantNotice("a", "b", 0) ?? "", /^AKS: the deployer grant .* belongs to a,/);
    });

    it("detects a user signed in through the Azure CLI or Visual Studio; any other client is a service principal", function () {
      assert.equal(deployerPrincipalType("04b07795-8ddb-461a-bbee-02f9e1bf7b46"), "User");
      assert.equal(deployerPrincipalType("04B07795-8DDB-461A-BBEE-02F9E1BF7B46"), "User");
      assert.equal(deployerPrincipalType("872cd9fa-d31f-45e0-9eab-6e460a02d1f1"), "User");
      assert.equal(deployerPrincipalType("3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"), "ServicePrincipal");
    });

    it("the grant's principal type follows the session's client: `az login` as a user gives User", async function () {
      AZURE_SESSION.clientId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
      try {
        const asUser = await evaluate(prodSettings);
        assert.equal(asUser.one(T.role, "-deployer-admin").inputs.principalType, "User");
      } finally {
        AZURE_SESSION.clientId = AZURE_MOCK.clientId;
      }
      // The default mocked session is a CI service principal (its own app id).
      assert.equal(run.one(T.role, "-deployer-admin").inputs.principalType, "ServicePrincipal");
    });

    it("deployerPrincipalType overrides the detection", async function () {
      const user = await evaluate(prodWith({ deployerPrincipalType: "User" }));
      assert.equal(user.one(T.role, "-deployer-admin").inputs.principalType, "User");
    });

    it("grantDeployerClusterAdmin false: no grant and no wait; it then needs an admin group", async function () {
      const off = await evaluate(prodWith({ grantDeployerClusterAdmin: false }));
      assert.deepEqual(
        off.ofType(T.role).map((r) => r.name),
        ["kp-cp-subnet"],
      );
      assert.deepEqual(off.ofType(T.sleep), []);
      await assert.rejects(
        evaluate({ ...prodSettings, grantDeployerClusterAdmin: false, adminGroupObjectIds: [] }),
        /grantDeployerClusterAdmin false, adminGroupObjectIds must name a group/,
      );
    });
  });

  describe("the deployer's path to a private API server", function () {
    let run: ProgramRun;
    before(async function () {
      run = await evaluate(privateSettings, "prod", false, true);
    });

    it("keeps the AKS-managed private DNS zone", function () {
      assert.deepEqual(clusterOf(run).inputs.apiServerAccessProfile, {
        enablePrivateCluster: true,
        privateDNSZone: "system",
      });
    });

    it("peers the cluster VNet with the runner's VNet both ways (VNet access only), after the cluster", function () {
      const to = run.one(T.peering, "-to-deployer");
      const from = run.one(T.peering, "-from-deployer");
      const flags = {
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: false,
        allowGatewayTransit: false,
        useRemoteGateways: false,
      };
      assert.deepEqual(to.inputs, {
        resourceGroupName: "kp-rg",
        virtualNetworkName: "kp-vnet",
        remoteVirtualNetwork: { id: RUNNER_VNET_ID },
        ...flags,
      });
      assert.deepEqual(from.inputs, {
        resourceGroupName: "ci-runners",
        virtualNetworkName: "runner-vnet",
        remoteVirtualNetwork: { id: "kp-vnet-id" },
        ...flags,
      });
      for (const p of [to, from]) assert.ok(run.dependsOnTransitively(p, clusterOf(run)), p.name);
    });

    it("links the cluster's private DNS zone (node resource group) to the runner's VNet", function () {
      // The mocked cluster reports privateFQDN "kp-prod-2fc44ihq.ec2ccfad-dd02-4ef6-8ce0-e3f276ae86aa.
      // privatelink.westeurope.azmk8s.io", the shape AKS gives a private cluster's API server.
      assert.deepEqual(run.one(T.dnsLink).inputs, {
        resourceGroupName: "MC_kp-rg_kp-prod_westeurope",
        privateZoneName: "ec2ccfad-dd02-4ef6-8ce0-e3f276ae86aa.privatelink.westeurope.azmk8s.io",
        virtualNetwork: { id: RUNNER_VNET_ID },
        registrationEnabled: false,
        location: "global",
      });
    });

    it("every Kubernetes object waits for both peerings and the DNS link", function () {
      const probe = run.one("kubernetes:core/v1:Namespace");
      for (const r of [...run.ofType(T.peering), run.one(T.dnsLink)]) {
        assert.ok(run.dependsOnTransitively(probe, r), r.name);
      }
    });

    it("the k8s provider waits for both peerings, the DNS link and the deployer grant before it is configured", function () {
      // pulumi-kubernetes marks the cluster unreachable for the whole run when its Configure cannot
      // reach the API server; the objects' own dependsOn cannot undo that.
      const deps = run.one(T.k8s).dependsOn;
      const expected = [
        run.one(T.peering, "-to-deployer"),
        run.one(T.peering, "-from-deployer"),
        run.one(T.dnsLink),
        run.one(T.role, "-deployer-admin"),
        run.one(T.sleep),
      ];
      for (const r of expected) assert.ok(deps.includes(r.urn), `provider dependsOn ${r.name}`);
    });

    it("a public API server gets no peering and no DNS link", function () {
      assert.deepEqual(prod.ofType(T.peering), []);
      assert.deepEqual(prod.ofType(T.dnsLink), []);
    });

    it("refuses a private cluster without a deployer network, or with a runner VNet in another subscription", async function () {
      await assert.rejects(
        evaluate({ ...privateSettings, deployerNetwork: undefined }),
        /privateCluster needs cluster\.deployerNetwork\.vnetId/,
      );
      const elsewhere = RUNNER_VNET_ID.replace(
        AZURE_MOCK.subscriptionId,
        "12345678-0000-0000-0000-000000000000",
      );
      assert.throws(
        () => deployerVnetResourceGroup(AZURE_MOCK.subscriptionId, parseVnetId(elsewhere)!),
        /cluster\.deployerNetwork\.vnetId is in subscription 12345678-0000-0000-0000-000000000000, but this stack deploys to subscription 00000000-0000-0000-0000-0000000000aa/,
      );
      assert.equal(
        deployerVnetResourceGroup(AZURE_MOCK.subscriptionId.toUpperCase(), parseVnetId(RUNNER_VNET_ID)!),
        "ci-runners",
      );
    });
  });

  describe("the deployer's VNet is checked before the cluster is built", function () {
    const vnetNamed = (name: string) => RUNNER_VNET_ID.replace("runner-vnet", name);
    /** Registers the component only: a refused check leaves the cluster (and what follows) unregistered. */
    const register = (settings: AksSettings) =>
      runResources(() => {
        new AksCluster("kp", settings);
      });
    /** Registers and returns the run with the program errors Pulumi reports (logged, as in a real run). */
    async function registerLoggingErrors(settings: AksSettings) {
      const errors: string[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => void errors.push(args.join(" "));
      try {
        return { run: await register(settings), errors: errors.join("\n") };
      } finally {
        console.error = original;
      }
    }
    const withRunner = (name: string, vnetCidr = "10.20.0.0/16"): AksSettings =>
      privateWith({
        vnetCidr,
        nodeSubnetCidr: vnetCidr.replace(/\/16$/, "/20"),
        deployerNetwork: { vnetId: vnetNamed(name) },
      });

    it("a runner VNet clear of vnetCidr: the cluster is registered, its tags unchanged", async function () {
      const run = await register(withRunner("runner-vnet"));
      assert.deepEqual(clusterOf(run).inputs.tags, prodSettings.tags);
    });

    it("a runner VNet whose own space overlaps vnetCidr: no cluster is built", async function () {
      const { run, errors } = await registerLoggingErrors(withRunner("hub-overlap"));
      assert.deepEqual(run.ofType(T.cluster), []);
      assert.match(
        errors,
        /cluster\.vnetCidr: got "10\.20\.0\.0\/16"; it overlaps the address space of cluster\.deployerNetwork\.vnetId \(\S+\/virtualNetworks\/hub-overlap: 10\.20\.128\.0\/24\)/,
      );
      assert.equal(run.ofType(T.vnet).length, 1, "only what precedes the cluster is registered");
      // The same runner VNet with a vnetCidr outside 10.20.128.0/24 passes.
      const clear = await register(withRunner("hub-overlap", "10.50.0.0/16"));
      assert.equal(clear.ofType(T.cluster).length, 1);
    });

    it("a runner VNet already peered with an overlapping VNet (another stack's): no cluster is built", async function () {
      const { run: refused, errors } = await registerLoggingErrors(withRunner("runner-peered"));
      assert.deepEqual(refused.ofType(T.cluster), []);
      assert.match(
        errors,
        /is already peered \(peering "to-staging"\) with \S+\/virtualNetworks\/staging-vnet \(10\.20\.0\.0\/16\)/,
      );
      assert.doesNotMatch(errors, /to-tools/);
      const clear = await register(withRunner("runner-peered", "10.50.0.0/16"));
      assert.equal(clear.ofType(T.cluster).length, 1);
    });

    it("the runner VNet's peering to this cluster's own VNet (a later run) is not a conflict", async function () {
      const run = await register(withRunner("runner-own-peering"));
      assert.equal(run.ofType(T.cluster).length, 1);
    });

    it("a public API server reads no deployer VNet", async function () {
      const run = await register(prodWith({ vnetCidr: "10.20.0.0/16" }));
      assert.equal(run.ofType(T.cluster).length, 1);
    });

    const facts = {
      id: vnetNamed("runner-peered"),
      addressPrefixes: ["10.100.0.0/16", "fd00:db8::/48"],
      peerings: [
        {
          name: "to-staging",
          remoteVnetId:
            "/subscriptions/x/resourceGroups/platform-staging/providers/Microsoft.Network/virtualNetworks/staging-vnet",
          remotePrefixes: ["10.30.0.0/16"],
        },
        { name: "to-self", remoteVnetId: "KP-VNET-ID", remotePrefixes: ["10.30.0.0/16"] },
      ],
    };

    it("deployerVnetProblems names vnetCidr, the deployer VNet and the conflicting range", function () {
      assert.deepEqual(
        deployerVnetProblems({ ...facts, addressPrefixes: ["10.30.4.0/24"] }, "10.30.0.0/16"),
        [
          `cluster.vnetCidr: got "10.30.0.0/16"; it overlaps the address space of cluster.deployerNetwork.vnetId (${vnetNamed("runner-peered")}: 10.30.4.0/24), and Azure cannot peer overlapping VNets: choose a vnetCidr outside the deployer VNet's address space`,
        ],
      );
      assert.deepEqual(deployerVnetProblems(facts, "10.30.0.0/16", "kp-vnet-id"), [
        `cluster.vnetCidr: got "10.30.0.0/16"; cluster.deployerNetwork.vnetId (${vnetNamed("runner-peered")}) is already peered (peering "to-staging") with /subscriptions/x/resourceGroups/platform-staging/providers/Microsoft.Network/virtualNetworks/staging-vnet (10.30.0.0/16), which overlaps it, and Azure refuses a peering to a VNet that overlaps an already peered one (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet): choose a vnetCidr outside the address spaces the deployer VNet is peered with (each AKS stack peered with the same runner VNet needs its own vnetCidr), or remove that peering`,
      ]);
      // Peerings wait for the cluster VNet's id (its own peering overlaps by definition).
      assert.deepEqual(deployerVnetProblems(facts, "10.30.0.0/16"), []);
      assert.deepEqual(deployerVnetProblems(facts, "10.31.0.0/16", "kp-vnet-id"), []);
    });

    it("overlappingPrefixes: any shared address, both directions; IPv6 prefixes skipped", function () {
      assert.deepEqual(
        overlappingPrefixes(["10.0.0.0/8", "10.31.0.0/16", "10.30.255.0/24"], "10.30.0.0/16"),
        ["10.0.0.0/8", "10.30.255.0/24"],
      );
      assert.deepEqual(
        overlappingPrefixes(["10.29.255.255/32", "10.31.0.0/16", "fd00::/8"], "10.30.0.0/16"),
        [],
      );
      assert.deepEqual(overlappingPrefixes(["10.30.0.0/16"], "fd00::/8"), []);
    });
  });
});
