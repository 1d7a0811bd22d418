/**
 * stacks/api-access-config.ts called directly: which keys list API-access networks per target,
 * which of them are documentation ranges, and the prod problems / dev warnings, word for word.
 */
import * as assert from "node:assert/strict";
import {
  apiAccessNetworks,
  documentationNetworks,
  documentationRangeProblems,
  documentationRangeWarnings,
} from "../stacks/api-access-config";

const PUBLIC =
  "the public egress CIDRs of your office, VPN and the machine that runs `pulumi up` (this machine's: " +
  "`curl -s https://checkip.amazonaws.com`, as a /32)";
const PRIVATE =
  "the private CIDRs of the networks that run `pulumi up` (the CI runners' subnets, the VPN's address pool) " +
  "as the transit gateway reaches them, not overlapping vpcCidr";
const WHAT =
  "is inside TEST-NET-3 (203.0.113.0/24), a documentation range (RFC 5737): no machine has these addresses";

describe("apiAccessNetworks: each target's keys", () => {
  it("eks: the public endpoint CIDRs, then the deployer network's; other items skipped", () => {
    assert.deepEqual(
      apiAccessNetworks({
        target: "eks",
        publicAccessCidrs: ["198.18.0.0/24", 7, "203.0.113.0/24"],
        deployerNetwork: { cidrs: ["10.8.0.0/16"] },
      }),
      [
        { path: ["publicAccessCidrs", 0], cidr: "198.18.0.0/24" },
        { path: ["publicAccessCidrs", 2], cidr: "203.0.113.0/24" },
        { path: ["deployerNetwork", "cidrs", 0], cidr: "10.8.0.0/16" },
      ],
    );
    assert.deepEqual(
      apiAccessNetworks({ target: "eks", publicAccessCidrs: "x", deployerNetwork: ["x"] }),
      [],
    );
  });

  it("gke: the master authorized networks' cidr field; aks and doks their lists", () => {
    assert.deepEqual(
      apiAccessNetworks({
        target: "gke",
        masterAuthorizedNetworks: [{ name: "a", cidr: "198.18.0.0/24" }, { name: "b" }, null, "1.2.3.4/32"],
      }),
      [{ path: ["masterAuthorizedNetworks", 0, "cidr"], cidr: "198.18.0.0/24" }],
    );
    assert.deepEqual(apiAccessNetworks({ target: "aks", authorizedIpRanges: ["1.2.3.4/32"] }), [
      { path: ["authorizedIpRanges", 0], cidr: "1.2.3.4/32" },
    ]);
    assert.deepEqual(apiAccessNetworks({ target: "doks", apiAllowedAddresses: ["1.2.3.4/32"] }), [
      { path: ["apiAllowedAddresses", 0], cidr: "1.2.3.4/32" },
    ]);
  });

  it("a target's keys only: another target's key, an existing cluster and a non-object list nothing", () => {
    assert.deepEqual(apiAccessNetworks({ target: "aks", apiAllowedAddresses: ["1.2.3.4/32"] }), []);
    assert.deepEqual(apiAccessNetworks({ target: "doks", authorizedIpRanges: ["1.2.3.4/32"] }), []);
    assert.deepEqual(apiAccessNetworks({ target: "gke", publicAccessCidrs: ["1.2.3.4/32"] }), []);
    assert.deepEqual(apiAccessNetworks({ target: "existing", authorizedIpRanges: ["1.2.3.4/32"] }), []);
    assert.deepEqual(apiAccessNetworks(null), []);
    assert.deepEqual(apiAccessNetworks(["eks"]), []);
  });
});

describe("documentation ranges among them", () => {
  const cluster = {
    target: "eks",
    publicAccessCidrs: ["198.18.0.0/24", "203.0.113.8/29"],
    deployerNetwork: { cidrs: ["203.0.113.0/24"] },
  };

  it("documentationNetworks names the range of each", () => {
    assert.deepEqual(documentationNetworks(cluster), [
      {
        path: ["publicAccessCidrs", 1],
        cidr: "203.0.113.8/29",
        range: { name: "TEST-NET-3", cidr: "203.0.113.0/24" },
      },
      {
        path: ["deployerNetwork", "cidrs", 0],
        cidr: "203.0.113.0/24",
        range: { name: "TEST-NET-3", cidr: "203.0.113.0/24" },
      },
    ]);
  });

  it("prod: a problem each, public or private advice by key; dev: none", () => {
    assert.deepEqual(documentationRangeProblems("prod", cluster), [
      { path: ["publicAccessCidrs", 1], message: `${WHAT}; list ${PUBLIC}` },
      { path: ["deployerNetwork", "cidrs", 0], message: `${WHAT}; list ${PRIVATE}` },
    ]);
    assert.deepEqual(documentationRangeProblems("dev", cluster), []);
  });

  it("dev: a warning line each naming the key; prod: none", () => {
    assert.deepEqual(documentationRangeWarnings("dev", cluster), [
      `cluster.publicAccessCidrs[1]: 203.0.113.8/29 ${WHAT}, so only the other networks listed reach the API server ` +
        `and \`pulumi up\` times out unless it runs in one of them; list ${PUBLIC} (prod refuses it)`,
      `cluster.deployerNetwork.cidrs[0]: 203.0.113.0/24 ${WHAT}, so only the other networks listed reach the API ` +
        `server and \`pulumi up\` times out unless it runs in one of them; list ${PRIVATE} (prod refuses it)`,
    ]);
    assert.deepEqual(documentationRangeWarnings("prod", cluster), []);
  });
});
