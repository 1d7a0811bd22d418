/**
 * The cluster sections' edges: values of the wrong type reach the cross-field checks (they run on
 * invalid input too) without a crash or a second problem, enum and time formats word for word, the
 * issue codes of the cross-field checks, and the DOKS upgrade refusal in full.
 */
import * as assert from "node:assert/strict";
import { doksUpgradeProblems } from "../stacks/cluster/doks";
import { parsedSection, sectionIssueCodes, sectionProblems } from "./helpers/cluster-section";

const GROUP = "00000000-0000-0000-0000-000000000001";
const AKS = { target: "aks", location: "westeurope", adminGroupObjectIds: [GROUP] };
const DOKS = { target: "doks", region: "ams3" };
const GKE = { target: "gke", project: "my-project-1", region: "europe-west1" };
const DAYS = '"monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday"';

describe("AKS section: values of the wrong type reach the cross-field checks", () => {
  it("null admin groups, ranges, system pool or pool: the type error alone", () => {
    assert.deepEqual(
      sectionProblems("dev", { ...AKS, adminGroupObjectIds: null, grantDeployerClusterAdmin: false }),
      ["adminGroupObjectIds: got null; expected array"],
    );
    assert.deepEqual(
      sectionProblems("dev", { ...AKS, adminGroupObjectIds: null, disableLocalAccounts: true }),
      ["adminGroupObjectIds: got null; expected array"],
    );
    assert.deepEqual(sectionProblems("prod", { ...AKS, authorizedIpRanges: null }), [
      "authorizedIpRanges: got null; expected array",
    ]);
    assert.deepEqual(sectionProblems("dev", { ...AKS, systemPool: null }), [
      "systemPool: got null; expected object",
    ]);
    assert.deepEqual(sectionProblems("dev", { ...AKS, nodePools: [null] }), [
      "nodePools[0]: got null; expected object",
    ]);
    assert.deepEqual(sectionProblems("dev", { ...AKS, systemPool: { name: "system", minNodes: "0" } }), [
      'systemPool.minNodes: got "0"; expected number',
    ]);
    assert.deepEqual(sectionProblems("dev", { ...AKS, nodePools: "x" }), [
      'nodePools: got "x"; expected array',
    ]);
  });

  it("ranges given as lists are type errors, not overlaps or an open network", () => {
    assert.deepEqual(sectionProblems("dev", { ...AKS, podCidr: ["10.30.0.0/16"] }), [
      'podCidr: got ["10.30.0.0/16"]; expected string',
    ]);
    assert.deepEqual(
      sectionProblems("prod", { ...AKS, authorizedIpRanges: [["0.0.0.0/0"], "198.18.0.0/24"] }),
      ['authorizedIpRanges[0]: got ["0.0.0.0/0"]; expected string'],
    );
  });

  it("the system pool's name is checked against every user pool, not only the first", () => {
    assert.deepEqual(
      sectionProblems("dev", {
        ...AKS,
        systemPool: { name: "sys" },
        nodePools: [{ name: "user" }, { name: "sys" }],
      }),
      ['systemPool.name: got "sys"; duplicates a user pool\'s name'],
    );
    assert.deepEqual(
      sectionProblems("dev", {
        ...AKS,
        systemPool: { name: "sys" },
        nodePools: [{ name: "sys" }, { name: "sys" }],
      }).length,
      2,
    );
  });

  it("a system pool given without a machine type gets Standard_D2s_v5", () => {
    const c = parsedSection("dev", { ...AKS, systemPool: { name: "sys" } });
    assert.equal((c.systemPool as Record<string, unknown>).machineType, "Standard_D2s_v5");
  });

  it("every cross-field check adds a custom issue", () => {
    const runner =
      "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/ci/providers/Microsoft.Network/virtualNetworks/runner";
    const cases: Record<string, unknown>[] = [
      { target: "aks", location: "westeurope", grantDeployerClusterAdmin: false },
      { target: "aks", location: "westeurope", disableLocalAccounts: true },
      { ...AKS, privateCluster: true },
      { ...AKS, deployerNetwork: { vnetId: runner } },
      {
        ...AKS,
        privateCluster: true,
        deployerNetwork: { vnetId: runner },
        authorizedIpRanges: ["198.18.0.0/24"],
      },
      { ...AKS, systemPool: { name: "general" } },
      { ...AKS, systemPool: { name: "system", minNodes: 0 } },
      { ...AKS, nodeSubnetCidr: "10.29.0.0/20" },
      { ...AKS, podCidr: "10.30.128.0/17" },
      { ...AKS, dnsServiceIp: "10.32.0.10" },
    ];
    for (const c of cases) assert.deepEqual(sectionIssueCodes("dev", c), ["custom"], JSON.stringify(c));
    assert.deepEqual(sectionIssueCodes("prod", AKS), ["custom"]);
    assert.deepEqual(sectionIssueCodes("prod", { ...AKS, authorizedIpRanges: ["0.0.0.0/0"] }), ["custom"]);
    assert.deepEqual(sectionIssueCodes("prod", DOKS), ["custom"]);
    assert.deepEqual(sectionIssueCodes("dev", GKE), ["custom"]);
  });
});

describe("AKS section: upgrade channel and maintenance window formats", () => {
  it("the four upgrade channels, nothing else", () => {
    for (const upgradeChannel of ["patch", "stable", "rapid", "node-image"]) {
      assert.deepEqual(sectionProblems("dev", { ...AKS, upgradeChannel }), [], upgradeChannel);
    }
    assert.deepEqual(sectionProblems("dev", { ...AKS, upgradeChannel: "none" }), [
      'upgradeChannel: got "none"; allowed: "patch" | "stable" | "rapid" | "node-image"',
    ]);
  });

  it("days, start times and UTC offsets, anchored at both ends", () => {
    const window = (w: Record<string, unknown>) => sectionProblems("dev", { ...AKS, maintenanceWindow: w });
    assert.deepEqual(window({ day: "someday" }), [`maintenanceWindow.day: got "someday"; allowed: ${DAYS}`]);
    for (const day of ["tuesday", "wednesday", "thursday", "friday"])
      assert.deepEqual(window({ day }), [], day);
    for (const startTime of ["x03:00", "03:00x"]) {
      assert.deepEqual(window({ startTime }), [
        `maintenanceWindow.startTime: got "${startTime}"; must be a time "HH:MM" (in utcOffset)`,
      ]);
    }
    assert.deepEqual(window({ utcOffset: "+14:00" }), []);
    for (const utcOffset of ["+15:00", "x+01:00", "+01:00x"]) {
      assert.deepEqual(window({ utcOffset }), [
        `maintenanceWindow.utcOffset: got "${utcOffset}"; must be a UTC offset like "+00:00" or "-05:30"`,
      ]);
    }
  });
});

describe("shared pool keys: labels, whole counts, pool names per target", () => {
  it("label keys and values are checked with their own messages", () => {
    assert.deepEqual(
      sectionProblems("dev", { ...DOKS, nodePools: [{ name: "a", labels: { "-x": "ok" } }] }),
      [
        'nodePools[0].labels.-x: the key "-x" is invalid; it must be a Kubernetes label key like example.com/role',
      ],
    );
    assert.deepEqual(
      sectionProblems("dev", { ...DOKS, nodePools: [{ name: "a", labels: { role: "-x" } }] }),
      [
        "nodePools[0].labels.role: got \"-x\"; must be a Kubernetes label value (≤ 63 alphanumerics, '-', '_', '.')",
      ],
    );
  });

  it("a count that is not whole stops the checks after it (no range problem on top)", () => {
    assert.deepEqual(
      sectionProblems("dev", { ...DOKS, nodePools: [{ name: "a", minNodes: 1, maxNodes: -0.5 }] }),
      ["nodePools[0].maxNodes: got -0.5; expected int"],
    );
  });

  it("GKE and DOKS pools take DNS-label names (longer than AKS's, with '-')", () => {
    const pools = [{ name: "user-pool-number-1" }];
    assert.deepEqual(sectionProblems("dev", { ...DOKS, nodePools: pools }), []);
    assert.deepEqual(
      sectionProblems("dev", {
        ...GKE,
        masterAuthorizedNetworks: [{ name: "o", cidr: "198.18.0.0/24" }],
        nodePools: pools,
      }),
      [],
    );
  });
});

describe("DOKS section: maintenance window and the Vault upgrade refusal", () => {
  it("days include any; start times anchored at both ends", () => {
    const window = (w: Record<string, unknown>) =>
      sectionProblems("dev", { ...DOKS, maintenanceWindow: { day: "sunday", startTime: "03:00", ...w } });
    for (const day of ["any", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]) {
      assert.deepEqual(window({ day }), [], day);
    }
    assert.deepEqual(window({ day: "someday" }), [
      `maintenanceWindow.day: got "someday"; allowed: "any" | ${DAYS}`,
    ]);
    for (const startTime of ["x03:00", "03:00x"]) {
      assert.deepEqual(window({ startTime }), [
        `maintenanceWindow.startTime: got "${startTime}"; must be a UTC time "HH:MM"`,
      ]);
    }
  });

  it("prod with Vault ha refuses autoUpgrade true, word for word; dev, false or Vault dev do not", () => {
    assert.deepEqual(doksUpgradeProblems("prod", true, { mode: "ha" }), [
      {
        path: ["autoUpgrade"],
        message:
          "with addons.vault.mode ha Vault unseals with Shamir keys on DOKS (no KMS), and every node an automatic " +
          "upgrade recycles brings a Vault pod back sealed: the PodDisruptionBudget blocks the next drain and a " +
          "forced drain loses the Raft quorum. Leave cluster.autoUpgrade unset (false with Vault ha) and upgrade " +
          "by hand (docs/targets.md, DOKS), or set addons.vault.mode dev or addons.vault.enabled false",
      },
    ]);
    assert.deepEqual(doksUpgradeProblems("dev", true, { mode: "ha" }), []);
    assert.deepEqual(doksUpgradeProblems("prod", false, { mode: "ha" }), []);
    assert.deepEqual(doksUpgradeProblems("prod", true, { mode: "dev" }), []);
  });
});
