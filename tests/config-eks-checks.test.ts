/**
 * The EKS `cluster` section through its schema: defaults per profile, boundaries (VPC prefix, zone
 * count), node counts resolved per autoscaler before the pool checks, and the prod-only refusals.
 */
import * as assert from "node:assert/strict";
import { parsedSection, sectionProblems } from "./helpers/cluster-section";

const EKS = { target: "eks", region: "eu-west-1", publicAccessCidrs: ["198.18.0.0/24"] };
const OPEN = "must not be open to the whole internet in prod; list your office/VPN/CI CIDRs";
const ROLE = "arn:aws:iam::123456789012:role/admin";

describe("EKS section: defaults per profile", () => {
  const common = {
    target: "eks",
    clusterName: "kp-test",
    kubernetesVersion: "1.34",
    region: "eu-west-1",
    vpcCidr: "10.0.0.0/16",
    endpointPublicAccess: true,
    publicAccessCidrs: ["198.18.0.0/24"],
    supportType: "STANDARD",
    workloadIdentity: "podIdentity",
    nodeAutoscaling: "cluster-autoscaler",
    loadBalancerScheme: "internet-facing",
    adminPrincipalArns: [],
  };
  const pool = { name: "general", machineType: "m6i.large", diskSizeGb: 100, labels: {}, taints: [] };

  it("dev: unprotected, two zones, one NAT gateway, pools of 1 to 3", () => {
    assert.deepEqual(parsedSection("dev", EKS), {
      ...common,
      protect: false,
      availabilityZoneCount: 2,
      natGateways: "single",
      nodePools: [{ ...pool, minNodes: 1, maxNodes: 3 }],
    });
  });

  it("prod: protected, three zones, a NAT gateway per zone, pools of 3 to 9", () => {
    assert.deepEqual(parsedSection("prod", EKS), {
      ...common,
      protect: true,
      availabilityZoneCount: 3,
      natGateways: "perAz",
      nodePools: [{ ...pool, minNodes: 3, maxNodes: 9 }],
    });
  });
});

describe("EKS section: boundaries", () => {
  it("the VPC is /16 to /20", () => {
    assert.deepEqual(sectionProblems("dev", { ...EKS, vpcCidr: "10.0.0.0/16" }), []);
    assert.deepEqual(sectionProblems("dev", { ...EKS, vpcCidr: "10.0.0.0/20" }), []);
    assert.deepEqual(sectionProblems("dev", { ...EKS, vpcCidr: "10.0.0.0/15" }), [
      'vpcCidr: got "10.0.0.0/15"; must have a prefix length between /16 and /20',
    ]);
    assert.deepEqual(sectionProblems("dev", { ...EKS, vpcCidr: "10.0.0.0/21" }), [
      'vpcCidr: got "10.0.0.0/21"; must have a prefix length between /16 and /20',
    ]);
  });

  it("two to six availability zones", () => {
    assert.deepEqual(sectionProblems("dev", { ...EKS, availabilityZoneCount: 2 }), []);
    assert.deepEqual(sectionProblems("dev", { ...EKS, availabilityZoneCount: 6 }), []);
    assert.deepEqual(sectionProblems("dev", { ...EKS, availabilityZoneCount: 1 }), [
      "availabilityZoneCount: got 1; must be ≥ 2",
    ]);
    assert.deepEqual(sectionProblems("dev", { ...EKS, availabilityZoneCount: 7 }), [
      "availabilityZoneCount: got 7; must be ≤ 6",
    ]);
  });

  it("region names of the AWS partitions", () => {
    for (const region of ["eu-west-1", "us-gov-west-1", "ap-southeast-2", "il-central-1"]) {
      assert.deepEqual(sectionProblems("dev", { ...EKS, region }), [], region);
    }
    assert.deepEqual(sectionProblems("dev", { ...EKS, region: "eu-west1" }), [
      'region: got "eu-west1"; must be a region name like "eu-west-1"',
    ]);
  });

  it("admin principals: each once", () => {
    assert.deepEqual(sectionProblems("dev", { ...EKS, adminPrincipalArns: [ROLE] }), []);
    assert.deepEqual(sectionProblems("dev", { ...EKS, adminPrincipalArns: [ROLE, ROLE] }), [
      `adminPrincipalArns[1]: got "${ROLE}"; is listed twice`,
    ]);
  });
});

describe("EKS section: node counts per autoscaler", () => {
  it("cluster-autoscaler: an unset minNodes is the preset's, checked against maxNodes", () => {
    assert.deepEqual(sectionProblems("prod", { ...EKS, nodePools: [{ name: "a", maxNodes: 2 }] }), [
      "nodePools[0].minNodes: must be ≤ maxNodes (2)",
    ]);
    assert.deepEqual(sectionProblems("prod", { ...EKS, nodePools: [{ name: "a", maxNodes: 3 }] }), []);
    assert.deepEqual(
      sectionProblems("dev", { ...EKS, nodePools: [{ name: "a", minNodes: 2, maxNodes: 1 }] }),
      ["nodePools[0].minNodes: got 2; must be ≤ maxNodes (1)"],
    );
  });

  it("karpenter: an unset minNodes is 0 (resolved in the settings)", () => {
    const c = parsedSection("prod", {
      ...EKS,
      nodeAutoscaling: "karpenter",
      nodePools: [{ name: "a", maxNodes: 2 }],
    });
    assert.deepEqual(
      (c.nodePools as Record<string, unknown>[]).map((p) => [p.name, p.minNodes, p.maxNodes]),
      [["a", 0, 2]],
    );
  });

  it("unique pool names", () => {
    assert.deepEqual(sectionProblems("dev", { ...EKS, nodePools: [{ name: "a" }, { name: "a" }] }), [
      'nodePools[1].name: got "a"; duplicates another node pool\'s name',
    ]);
  });
});

describe("EKS section: prod-only refusals", () => {
  it("prod refuses 0.0.0.0/0 on the public endpoint, at its index; dev accepts it", () => {
    const cidrs = ["198.18.0.0/24", "0.0.0.0/0"];
    assert.deepEqual(sectionProblems("prod", { ...EKS, publicAccessCidrs: cidrs }), [
      `publicAccessCidrs[1]: got "0.0.0.0/0"; the public endpoint ${OPEN}`,
    ]);
    assert.deepEqual(sectionProblems("dev", { ...EKS, publicAccessCidrs: cidrs }), []);
  });

  it("prod refuses 0.0.0.0/0 in the deployer network; dev does not", () => {
    const cluster = {
      target: "eks",
      region: "eu-west-1",
      endpointPublicAccess: false,
      deployerNetwork: { cidrs: ["10.8.0.0/16", "0.0.0.0/0"], transitGatewayId: "tgw-0123456789abcdef0" },
    };
    // 0.0.0.0/0 also overlaps any VPC (a check of both profiles): the prod refusal comes on top of it.
    const overlap =
      'deployerNetwork.cidrs[1]: got "0.0.0.0/0"; overlaps vpcCidr (10.0.0.0/16): traffic to it stays in the VPC, ' +
      "a route to the transit gateway cannot carry it";
    assert.deepEqual(sectionProblems("prod", cluster), [
      overlap,
      `deployerNetwork.cidrs[1]: got "0.0.0.0/0"; the deployer network ${OPEN}`,
    ]);
    assert.deepEqual(sectionProblems("dev", cluster), [overlap]);
  });
});
