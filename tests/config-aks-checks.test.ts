/**
 * The AKS `cluster` section through its schema: the defaults per profile, the address-range checks
 * (disjoint VNet, pod and service ranges; the node subnet inside the VNet; the DNS service IP
 * inside the service range), the prefix boundaries, the system pool and the prod-only refusals.
 */
import * as assert from "node:assert/strict";
import { parsedSection, sectionProblems } from "./helpers/cluster-section";

const GROUP = "00000000-0000-0000-0000-000000000001";
const AKS = { target: "aks", location: "westeurope", adminGroupObjectIds: [GROUP] };
const OPEN =
  "an authorized IP range must not be open to the whole internet in prod; list your office/VPN/CI CIDRs";

describe("AKS section: defaults per profile", () => {
  it("dev: the whole parsed section", () => {
    assert.deepEqual(parsedSection("dev", { target: "aks", location: "westeurope" }), {
      target: "aks",
      clusterName: "kp-test",
      kubernetesVersion: "1.34",
      protect: false,
      nodePools: [
        {
          name: "general",
          machineType: "Standard_D4s_v5",
          minNodes: 1,
          maxNodes: 3,
          diskSizeGb: 100,
          labels: {},
          taints: [],
        },
      ],
      systemPool: {
        name: "system",
        machineType: "Standard_D2s_v5",
        minNodes: 1,
        maxNodes: 3,
        diskSizeGb: 100,
        labels: {},
        taints: [],
      },
      location: "westeurope",
      vnetCidr: "10.30.0.0/16",
      nodeSubnetCidr: "10.30.0.0/20",
      podCidr: "192.168.0.0/16",
      serviceCidr: "10.31.0.0/16",
      dnsServiceIp: "10.31.0.10",
      authorizedIpRanges: [],
      privateCluster: false,
      skuTier: "Free",
      upgradeChannel: "patch",
      disableLocalAccounts: false,
      adminGroupObjectIds: [],
      grantDeployerClusterAdmin: true,
      maintenanceWindow: { day: "sunday", startTime: "03:00", durationHours: 4, utcOffset: "+00:00" },
    });
  });

  it("prod: protected, Standard tier, no local accounts, pools of 3 to 9 (the system pool too)", () => {
    const c = parsedSection("prod", { ...AKS, authorizedIpRanges: ["198.18.0.0/24"] });
    assert.equal(c.protect, true);
    assert.equal(c.skuTier, "Standard");
    assert.equal(c.disableLocalAccounts, true);
    assert.deepEqual(
      [c.nodePools, c.systemPool].flat().map((p) => {
        const { name, minNodes, maxNodes } = p as Record<string, unknown>;
        return [name, minNodes, maxNodes];
      }),
      [
        ["general", 3, 9],
        ["system", 3, 9],
      ],
    );
  });
});

describe("AKS section: address ranges", () => {
  it("accepts disjoint VNet, pod and service ranges, adjacent ones included", () => {
    const c = { ...AKS, podCidr: "10.31.0.0/16", serviceCidr: "10.32.0.0/16", dnsServiceIp: "10.32.0.10" };
    assert.deepEqual(sectionProblems("dev", c), []);
  });

  it("refuses each overlapping pair, at the later key, naming the earlier one", () => {
    assert.deepEqual(sectionProblems("dev", { ...AKS, podCidr: "10.30.128.0/17" }), [
      'podCidr: got "10.30.128.0/17"; overlaps vnetCidr (10.30.0.0/16); the ranges must be disjoint',
    ]);
    assert.deepEqual(
      sectionProblems("dev", { ...AKS, serviceCidr: "10.30.64.0/18", dnsServiceIp: "10.30.64.10" }),
      ['serviceCidr: got "10.30.64.0/18"; overlaps vnetCidr (10.30.0.0/16); the ranges must be disjoint'],
    );
    assert.deepEqual(
      sectionProblems("dev", { ...AKS, podCidr: "10.31.0.0/16", serviceCidr: "10.31.255.0/24" }),
      [
        'serviceCidr: got "10.31.255.0/24"; overlaps podCidr (10.31.0.0/16); the ranges must be disjoint',
        "dnsServiceIp: must lie inside serviceCidr (10.31.255.0/24)",
      ],
    );
  });

  it("skips the overlap check for a malformed range (its own error stands alone)", () => {
    assert.deepEqual(sectionProblems("dev", { ...AKS, podCidr: "10.30.0.0" }), [
      'podCidr: got "10.30.0.0"; must be an IPv4 CIDR like "10.0.0.0/16"',
    ]);
  });

  it("the node subnet lies inside the VNet: the whole VNet is accepted, a subnet outside is refused", () => {
    assert.deepEqual(sectionProblems("dev", { ...AKS, nodeSubnetCidr: "10.30.0.0/16" }), []);
    assert.deepEqual(sectionProblems("dev", { ...AKS, nodeSubnetCidr: "10.30.240.0/20" }), []);
    assert.deepEqual(sectionProblems("dev", { ...AKS, nodeSubnetCidr: "10.29.240.0/20" }), [
      'nodeSubnetCidr: got "10.29.240.0/20"; must lie inside vnetCidr (10.30.0.0/16)',
    ]);
    assert.deepEqual(sectionProblems("dev", { ...AKS, nodeSubnetCidr: "10.0.0.0/8" }), [
      'nodeSubnetCidr: got "10.0.0.0/8"; must lie inside vnetCidr (10.30.0.0/16)',
    ]);
  });

  it("the DNS service IP lies inside the service range: its last address is accepted, the next refused", () => {
    assert.deepEqual(sectionProblems("dev", { ...AKS, dnsServiceIp: "10.31.255.255" }), []);
    assert.deepEqual(sectionProblems("dev", { ...AKS, dnsServiceIp: "10.32.0.0" }), [
      'dnsServiceIp: got "10.32.0.0"; must lie inside serviceCidr (10.31.0.0/16)',
    ]);
    assert.deepEqual(sectionProblems("dev", { ...AKS, dnsServiceIp: "10.31.0" }), [
      'dnsServiceIp: got "10.31.0"; must be an IPv4 address like "10.0.0.10"',
    ]);
  });

  it("prefix boundaries: VNet and pods /8 to /24, node subnet and services /8 to /28", () => {
    const at = (key: string, value: string, more: Record<string, unknown> = {}) =>
      sectionProblems("dev", { ...AKS, ...more, [key]: value });
    const far = { podCidr: "172.16.0.0/12", serviceCidr: "192.168.0.0/16", dnsServiceIp: "192.168.0.10" };
    assert.deepEqual(at("vnetCidr", "10.0.0.0/8", { ...far, nodeSubnetCidr: "10.0.0.0/28" }), []);
    assert.deepEqual(at("vnetCidr", "10.30.0.0/24", { nodeSubnetCidr: "10.30.0.0/28" }), []);
    assert.deepEqual(at("vnetCidr", "10.30.0.0/25", { nodeSubnetCidr: "10.30.0.0/28" }), [
      'vnetCidr: got "10.30.0.0/25"; must have a prefix length between /8 and /24',
    ]);
    assert.deepEqual(at("nodeSubnetCidr", "10.30.0.0/29"), [
      'nodeSubnetCidr: got "10.30.0.0/29"; must have a prefix length between /8 and /28',
    ]);
    assert.deepEqual(at("podCidr", "192.168.0.0/24"), []);
    assert.deepEqual(at("podCidr", "192.168.0.0/25"), [
      'podCidr: got "192.168.0.0/25"; must have a prefix length between /8 and /24',
    ]);
    assert.deepEqual(at("serviceCidr", "10.31.0.0/28", { dnsServiceIp: "10.31.0.10" }), []);
    assert.deepEqual(at("serviceCidr", "10.31.0.0/29", { dnsServiceIp: "10.31.0.6" }), [
      'serviceCidr: got "10.31.0.0/29"; must have a prefix length between /8 and /28',
    ]);
  });
});

describe("AKS section: the system pool and the user pools", () => {
  it("the system pool keeps a node, is no larger than its maximum, and has its own name", () => {
    assert.deepEqual(
      sectionProblems("dev", { ...AKS, systemPool: { name: "system", minNodes: 1, maxNodes: 1 } }),
      [],
    );
    assert.deepEqual(
      sectionProblems("dev", {
        ...AKS,
        systemPool: { name: "general", minNodes: 0 },
        nodePools: [{ name: "general" }],
      }),
      [
        'systemPool.name: got "general"; duplicates a user pool\'s name',
        "systemPool.minNodes: got 0; must be ≥ 1: the AKS system pool runs CoreDNS and other critical add-ons",
      ],
    );
    assert.deepEqual(
      sectionProblems("dev", { ...AKS, systemPool: { name: "system", minNodes: 4, maxNodes: 3 } }),
      ["systemPool.minNodes: got 4; must be ≤ maxNodes (3)"],
    );
  });

  it("user pools: AKS pool names, unique, minNodes ≤ maxNodes", () => {
    assert.deepEqual(
      sectionProblems("dev", {
        ...AKS,
        nodePools: [{ name: "user1" }, { name: "user1" }, { name: "user-2", minNodes: 5, maxNodes: 4 }],
      }),
      [
        'nodePools[2].name: got "user-2"; must be an AKS pool name: 1-12 lowercase letters and digits, starting with a letter',
        'nodePools[1].name: got "user1"; duplicates another node pool\'s name',
        "nodePools[2].minNodes: got 5; must be ≤ maxNodes (4)",
      ],
    );
  });
});

describe("AKS section: locations, groups and the deployer's access", () => {
  it("location: an Azure location name", () => {
    assert.deepEqual(sectionProblems("dev", { ...AKS, location: "uksouth2" }), []);
    for (const bad of ["West Europe", "2westeurope", "west-europe"]) {
      assert.deepEqual(
        sectionProblems("dev", { ...AKS, location: bad }),
        [`location: got "${bad}"; must be an Azure location name like "westeurope"`],
        bad,
      );
    }
  });

  it("admin groups: UUIDs, each once", () => {
    assert.deepEqual(sectionProblems("dev", { ...AKS, adminGroupObjectIds: ["x", GROUP, GROUP] }), [
      'adminGroupObjectIds[0]: got "x"; must be an Entra ID group object ID (a UUID)',
      `adminGroupObjectIds[2]: got "${GROUP}"; is listed twice`,
    ]);
  });

  it("without the grant and without local accounts, one problem: the grant's", () => {
    const problems = sectionProblems("dev", {
      target: "aks",
      location: "westeurope",
      grantDeployerClusterAdmin: false,
      disableLocalAccounts: true,
    });
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(
      problems[0],
      /^adminGroupObjectIds: must list at least one Entra ID group when grantDeployerClusterAdmin is false/,
    );
    assert.deepEqual(
      sectionProblems("dev", { ...AKS, grantDeployerClusterAdmin: false, disableLocalAccounts: true }),
      [],
    );
  });

  it("prod refuses 0.0.0.0/0 at its index; dev accepts it", () => {
    assert.deepEqual(
      sectionProblems("prod", { ...AKS, authorizedIpRanges: ["0.0.0.0/0", "198.18.0.0/24", "0.0.0.0/0"] }),
      [`authorizedIpRanges[0]: got "0.0.0.0/0"; ${OPEN}`, `authorizedIpRanges[2]: got "0.0.0.0/0"; ${OPEN}`],
    );
    assert.deepEqual(sectionProblems("dev", { ...AKS, authorizedIpRanges: ["0.0.0.0/0"] }), []);
  });

  it("prod refuses a public API server without authorized ranges; dev accepts it, a private one passes", () => {
    assert.deepEqual(sectionProblems("prod", AKS), [
      "authorizedIpRanges: prod needs a private cluster (privateCluster: true) or authorized IP ranges for the API server",
    ]);
    assert.deepEqual(sectionProblems("dev", AKS), []);
    const runner =
      "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/ci/providers/Microsoft.Network/virtualNetworks/runner";
    assert.deepEqual(
      sectionProblems("prod", { ...AKS, privateCluster: true, deployerNetwork: { vnetId: runner } }),
      [],
    );
  });
});
