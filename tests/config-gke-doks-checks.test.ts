/**
 * The GKE and DOKS `cluster` sections through their schemas: defaults per profile, the disjoint
 * GKE ranges, prefix boundaries, the first DOKS pool, and the prod-only refusals.
 */
import * as assert from "node:assert/strict";
import { parsedSection, sectionProblems } from "./helpers/cluster-section";

const OFFICE = { name: "office", cidr: "198.18.0.0/24" };
const GKE = {
  target: "gke",
  project: "my-project-1",
  region: "europe-west1",
  masterAuthorizedNetworks: [OFFICE],
};
const DOKS = { target: "doks", region: "ams3" };
const OPEN = "must not be open to the whole internet in prod; list your office/VPN/CI CIDRs";
const POOL = { diskSizeGb: 100, labels: {}, taints: [] };

describe("GKE section: defaults per profile", () => {
  it("dev and prod: the whole parsed section", () => {
    const common = {
      target: "gke",
      clusterName: "kp-test",
      kubernetesVersion: "1.34",
      project: "my-project-1",
      region: "europe-west1",
      nodesCidr: "10.10.0.0/20",
      podsCidr: "10.20.0.0/14",
      servicesCidr: "10.24.0.0/20",
      masterCidr: "172.16.0.0/28",
      masterAuthorizedNetworks: [OFFICE],
    };
    assert.deepEqual(parsedSection("dev", GKE), {
      ...common,
      protect: false,
      nodePools: [{ name: "general", machineType: "e2-standard-4", minNodes: 1, maxNodes: 3, ...POOL }],
      releaseChannel: "REGULAR",
      deletionProtection: false,
    });
    assert.deepEqual(parsedSection("prod", GKE), {
      ...common,
      protect: true,
      nodePools: [{ name: "general", machineType: "e2-standard-4", minNodes: 3, maxNodes: 9, ...POOL }],
      releaseChannel: "STABLE",
      deletionProtection: true,
    });
  });
});

describe("GKE section: ranges and names", () => {
  it("refuses overlapping ranges at the later key, naming the earlier one; disjoint ones pass", () => {
    assert.deepEqual(
      sectionProblems("dev", { ...GKE, masterCidr: "10.10.0.0/28", servicesCidr: "10.20.0.0/20" }),
      [
        'masterCidr: got "10.10.0.0/28"; overlaps nodesCidr (10.10.0.0/20); the ranges must be disjoint',
        'servicesCidr: got "10.20.0.0/20"; overlaps podsCidr (10.20.0.0/14); the ranges must be disjoint',
      ],
    );
    assert.deepEqual(
      sectionProblems("dev", { ...GKE, nodesCidr: "10.10.16.0/20", masterCidr: "10.10.15.240/28" }),
      [],
    );
  });

  it("prefix boundaries: nodes /8-/29, pods /8-/21, services /8-/27, the master a /28", () => {
    const at = (key: string, value: string) => sectionProblems("dev", { ...GKE, [key]: value });
    assert.deepEqual(at("nodesCidr", "10.10.0.0/29"), []);
    assert.deepEqual(at("nodesCidr", "10.10.0.0/30"), [
      'nodesCidr: got "10.10.0.0/30"; must have a prefix length between /8 and /29',
    ]);
    assert.deepEqual(at("podsCidr", "10.20.0.0/21"), []);
    assert.deepEqual(at("podsCidr", "10.20.0.0/22"), [
      'podsCidr: got "10.20.0.0/22"; must have a prefix length between /8 and /21',
    ]);
    assert.deepEqual(at("servicesCidr", "10.24.0.0/27"), []);
    assert.deepEqual(at("servicesCidr", "10.24.0.0/28"), [
      'servicesCidr: got "10.24.0.0/28"; must have a prefix length between /8 and /27',
    ]);
    assert.deepEqual(at("masterCidr", "172.16.0.0/27"), [
      'masterCidr: got "172.16.0.0/27"; must be a /28 block',
    ]);
  });

  it("project IDs of 6 to 30 characters, region names", () => {
    assert.deepEqual(sectionProblems("dev", { ...GKE, project: "abcdef" }), []);
    assert.deepEqual(sectionProblems("dev", { ...GKE, project: `a${"b".repeat(29)}` }), []);
    const project = (p: string) => [
      `project: got "${p}"; must be a Google Cloud project ID (6-30 lowercase letters, digits, '-')`,
    ];
    for (const p of ["abcde", `a${"b".repeat(30)}`, "My-project", "my-project-", "1my-project"]) {
      assert.deepEqual(sectionProblems("dev", { ...GKE, project: p }), project(p), p);
    }
    assert.deepEqual(sectionProblems("dev", { ...GKE, region: "europe-west" }), [
      'region: got "europe-west"; must be a region name like "europe-west1"',
    ]);
  });

  it("user pools: DNS-label names, each once", () => {
    assert.deepEqual(sectionProblems("dev", { ...GKE, nodePools: [{ name: "a" }, { name: "a" }] }), [
      'nodePools[1].name: got "a"; duplicates another node pool\'s name',
    ]);
  });

  it("prod refuses 0.0.0.0/0 as a master authorized network; dev accepts it", () => {
    const nets = [{ name: "all", cidr: "0.0.0.0/0" }, OFFICE, { name: "all2", cidr: "0.0.0.0/0" }];
    assert.deepEqual(sectionProblems("prod", { ...GKE, masterAuthorizedNetworks: nets }), [
      `masterAuthorizedNetworks[0]: got {"name":"all","cidr":"0.0.0.0/0"}; a master authorized network ${OPEN}`,
      `masterAuthorizedNetworks[2]: got {"name":"all2","cidr":"0.0.0.0/0"}; a master authorized network ${OPEN}`,
    ]);
    assert.deepEqual(sectionProblems("dev", { ...GKE, masterAuthorizedNetworks: nets }), []);
    assert.deepEqual(sectionProblems("prod", { ...GKE, masterAuthorizedNetworks: [null] }), [
      "masterAuthorizedNetworks[0]: got null; expected object",
    ]);
  });
});

describe("DOKS section", () => {
  it("dev and prod defaults: the whole parsed section", () => {
    const common = {
      target: "doks",
      clusterName: "kp-test",
      kubernetesVersion: "1.34",
      region: "ams3",
      vpcCidr: "10.40.0.0/16",
      surgeUpgrade: true,
      maintenanceWindow: { day: "sunday", startTime: "03:00" },
    };
    assert.deepEqual(parsedSection("dev", DOKS), {
      ...common,
      protect: false,
      nodePools: [{ name: "general", machineType: "s-4vcpu-8gb", minNodes: 1, maxNodes: 3, ...POOL }],
      highAvailability: false,
      apiAllowedAddresses: [],
    });
    assert.deepEqual(parsedSection("prod", { ...DOKS, apiAllowedAddresses: ["198.18.0.0/24"] }), {
      ...common,
      protect: true,
      nodePools: [{ name: "general", machineType: "s-4vcpu-8gb", minNodes: 3, maxNodes: 9, ...POOL }],
      highAvailability: true,
      apiAllowedAddresses: ["198.18.0.0/24"],
    });
  });

  it("the first pool keeps a node (only the first), the VPC is /16 to /24, a region like ams3", () => {
    assert.deepEqual(
      sectionProblems("dev", {
        ...DOKS,
        nodePools: [
          { name: "a", minNodes: 1 },
          { name: "b", minNodes: 0 },
        ],
      }),
      [],
    );
    assert.deepEqual(
      sectionProblems("dev", {
        ...DOKS,
        nodePools: [
          { name: "a", minNodes: 0 },
          { name: "b", minNodes: 0 },
        ],
      }),
      [
        "nodePools[0].minNodes: got 0; must be ≥ 1: the first DOKS pool is the cluster's default pool and cannot scale to zero",
      ],
    );
    assert.deepEqual(sectionProblems("dev", { ...DOKS, nodePools: [] }), [
      "nodePools: got []; must have at least 1 item(s)",
    ]);
    assert.deepEqual(sectionProblems("dev", { ...DOKS, vpcCidr: "10.40.0.0/24" }), []);
    assert.deepEqual(sectionProblems("dev", { ...DOKS, vpcCidr: "10.40.0.0/15" }), [
      'vpcCidr: got "10.40.0.0/15"; must have a prefix length between /16 and /24',
    ]);
    assert.deepEqual(sectionProblems("dev", { ...DOKS, region: "ams33" }), [
      'region: got "ams33"; must be a region name like "ams3"',
    ]);
    assert.deepEqual(
      sectionProblems("dev", {
        ...DOKS,
        nodePools: [{ name: "a", minNodes: 3, maxNodes: 2 }, { name: "a" }],
      }),
      [
        "nodePools[0].minNodes: got 3; must be ≤ maxNodes (2)",
        'nodePools[1].name: got "a"; duplicates another node pool\'s name',
      ],
    );
  });

  it("prod needs the control-plane firewall and refuses 0.0.0.0/0 in it; dev accepts both", () => {
    assert.deepEqual(sectionProblems("prod", DOKS), [
      "apiAllowedAddresses: prod needs the control-plane firewall: list the public CIDRs allowed to reach the API server, including the address `pulumi up` runs from (with none the API server is open to the internet)",
    ]);
    assert.deepEqual(
      sectionProblems("prod", { ...DOKS, apiAllowedAddresses: ["198.18.0.0/24", "0.0.0.0/0"] }),
      [`apiAllowedAddresses[1]: got "0.0.0.0/0"; an allowed API address ${OPEN}`],
    );
    assert.deepEqual(sectionProblems("prod", { ...DOKS, apiAllowedAddresses: "x" }), [
      'apiAllowedAddresses: got "x"; expected array',
    ]);
    assert.deepEqual(sectionProblems("dev", { ...DOKS, apiAllowedAddresses: ["0.0.0.0/0"] }), []);
  });
});
