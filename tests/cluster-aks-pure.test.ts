/** The AKS target's pure functions. */
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import {
  CRITICAL_ADDONS_ONLY_TAINT,
  aksAvailabilityZones,
  aksAzureCliKubeconfig,
  aksNodeTaints,
  aksPoolArgs,
  aksPoolName,
  aksVersionManagedByChannel,
  keyVaultName,
  parseAksKubeconfig,
} from "../components/cluster/aks";
import { aksPrivateDnsZoneName, parseVnetId } from "../components/cluster/aks/ids";
import { serviceAccountSubject } from "../components/cluster/shared";
import { AZURE_MOCK, mockAksUserKubeconfig } from "../offline/mock-state/azure";
import { RUNNER_VNET_ID, prodSettings } from "./helpers/aks-cluster";

describe("AksCluster", function () {
  describe("pure functions", function () {
    const sample = mockAksUserKubeconfig(
      "kp-prod",
      "https://kp-prod-abc.hcp.westeurope.azmk8s.io:443",
      "exec",
    );

    it("parseAksKubeconfig reads server, CA and server id; rejects a non-exec kubeconfig", function () {
      assert.deepEqual(parseAksKubeconfig(sample), {
        server: "https://kp-prod-abc.hcp.westeurope.azmk8s.io:443",
        certificateAuthorityData: AZURE_MOCK.caData,
        serverId: AZURE_MOCK.aksServerId,
      });
      const legacy = mockAksUserKubeconfig("kp-prod", "https://x:443", "azure");
      assert.throws(() => parseAksKubeconfig(legacy), /--server-id/);
    });

    it("aksAzureCliKubeconfig rewrites devicecode login into azurecli login, dropping tenant/client ids", function () {
      const kc = parse(aksAzureCliKubeconfig(sample, "kp-prod"));
      const exec = kc.users[0].user.exec;
      assert.deepEqual(exec.args, [
        "get-token",
        "--login",
        "azurecli",
        "--server-id",
        AZURE_MOCK.aksServerId,
      ]);
      assert.equal(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
      assert.ok(!JSON.stringify(kc).includes("devicecode"));
      assert.equal(kc.contexts[0].context.user, kc.users[0].name);
      assert.equal(kc.contexts[0].context.cluster, kc.clusters[0].name);
    });

    it("keyVaultName: <= 24 valid characters, deterministic, distinct per seed", function () {
      const seeds = ["/subscriptions/a/resourceGroups/rg1/x", "/subscriptions/b/resourceGroups/rg1/x"];
      const [a, b] = seeds.map((s) => keyVaultName("vault-unseal-for-a-very-long-platform", s));
      assert.notEqual(a, b);
      assert.equal(keyVaultName("vault-unseal-for-a-very-long-platform", seeds[0]), a);
      for (const n of [a, b, keyVaultName("9--Weird__Name--", "s"), keyVaultName("", "s")]) {
        assert.ok(n.length >= 3 && n.length <= 24, n);
        assert.match(n, /^[a-z][a-z0-9-]*[a-z0-9]$/);
        assert.ok(!n.includes("--"), n);
      }
    });

    it("aksNodeTaints validates and adds CriticalAddonsOnly to the system pool once", function () {
      assert.deepEqual(aksNodeTaints([], true), [CRITICAL_ADDONS_ONLY_TAINT]);
      assert.deepEqual(aksNodeTaints([CRITICAL_ADDONS_ONLY_TAINT], true), [CRITICAL_ADDONS_ONLY_TAINT]);
      assert.deepEqual(aksNodeTaints(["a=b:NoExecute"], false), ["a=b:NoExecute"]);
      assert.throws(() => aksNodeTaints(["a=b"], false), /invalid taint/);
      assert.throws(() => aksNodeTaints(["a=b:Sometimes"], false), /invalid taint/);
    });

    it("parseVnetId reads a VNet ARM id and rejects anything else", function () {
      assert.deepEqual(parseVnetId(RUNNER_VNET_ID), {
        subscriptionId: AZURE_MOCK.subscriptionId,
        resourceGroup: "ci-runners",
        name: "runner-vnet",
      });
      assert.deepEqual(
        parseVnetId(
          "/subscriptions/AAAAAAAA-0000-0000-0000-000000000000/resourcegroups/Net_RG/providers/microsoft.network/virtualNetworks/hub.vnet_1",
        ),
        {
          subscriptionId: "aaaaaaaa-0000-0000-0000-000000000000",
          resourceGroup: "Net_RG",
          name: "hub.vnet_1",
        },
      );
      for (const bad of [
        "runner-vnet",
        "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
        `${RUNNER_VNET_ID}/subnets/default`,
        RUNNER_VNET_ID.replace("virtualNetworks", "networkSecurityGroups"),
      ]) {
        assert.equal(parseVnetId(bad), undefined, bad);
      }
    });

    it("aksPrivateDnsZoneName drops the host label of the private FQDN", function () {
      assert.equal(
        aksPrivateDnsZoneName(
          "kp-prod-2fc44ihq.ec2ccfad-dd02-4ef6-8ce0-e3f276ae86aa.privatelink.westeurope.azmk8s.io",
        ),
        "ec2ccfad-dd02-4ef6-8ce0-e3f276ae86aa.privatelink.westeurope.azmk8s.io",
      );
      assert.throws(() => aksPrivateDnsZoneName(""), /unexpected AKS private FQDN/);
      assert.throws(() => aksPrivateDnsZoneName("kp-prod-abc.hcp.westeurope.azmk8s.io"), /privatelink/);
    });

    it("aksPoolName rejects names AKS would reject", function () {
      assert.equal(aksPoolName("system1"), "system1");
      for (const bad of ["System", "1pool", "pool-a", "waytoolongname"])
        assert.throws(() => aksPoolName(bad));
    });

    it("aksPoolArgs refuses a system pool below 1 node (as config does) and rejects max < min", function () {
      const base = prodSettings.systemPool;
      assert.throws(
        () => aksPoolArgs({ ...base, minNodes: 0 }, "System", prodSettings),
        /AKS system pool system: minNodes must be ≥ 1: the AKS system pool runs CoreDNS/,
      );
      assert.equal(aksPoolArgs({ ...base, minNodes: 1 }, "System", prodSettings).minCount, 1);
      assert.equal(aksPoolArgs({ ...base, minNodes: 0 }, "User", prodSettings).minCount, 0);
      assert.throws(
        () => aksPoolArgs({ ...base, minNodes: 4, maxNodes: 3 }, "User", prodSettings),
        /maxNodes/,
      );
    });

    it("aksAvailabilityZones normalizes display names", function () {
      assert.deepEqual(aksAvailabilityZones("West Europe"), ["1", "2", "3"]);
      assert.equal(aksAvailabilityZones("northcentralus"), undefined);
    });

    it("serviceAccountSubject and aksVersionManagedByChannel", function () {
      assert.equal(serviceAccountSubject({ namespace: "ns", name: "sa" }), "system:serviceaccount:ns:sa");
      assert.equal(aksVersionManagedByChannel("patch"), false);
      assert.equal(aksVersionManagedByChannel("node-image"), false);
      assert.equal(aksVersionManagedByChannel("rapid"), true);
    });
  });
});
