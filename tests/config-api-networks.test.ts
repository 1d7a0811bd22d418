/**
 * Documentation ranges (RFC 5737) as networks allowed to reach the Kubernetes API server: refused
 * in prod with what to list instead, a warning in dev (that `pulumi up` logs it once:
 * program-config-effects.test.ts); every target's
 * keys; the ranges' boundaries; the example stacks as shipped and as a user fills them in.
 */
import * as assert from "node:assert/strict";
import * as path from "path";
import { DOCUMENTATION_RANGES, documentationRangeOf } from "../components/shared/documentation-ranges";
import { EXAMPLE_STACKS, FILLED_API_NETWORK, ROOT, loadStackConfig, readStackFile } from "../offline/stacks";
import { apiAccessNetworks } from "../stacks/api-access-config";
import { parseConfig } from "../stacks/config";
import { problemsOf } from "./helpers/config-problems";
import { VAULT_INIT } from "./helpers/vault-fixtures";

const ctx = { project: "kube-platform", stack: "test" };
const PROD = {
  profile: "prod",
  addons: { certManager: { email: "platform@kube-platform.dev" }, vault: { init: VAULT_INIT } },
};
const ADMINS = ["00000000-0000-0000-0000-000000000001"];

/** A cluster section of `target` whose API networks are `cidrs` (at each target's own key). */
function clusterWith(target: string, cidrs: string[]): Record<string, unknown> {
  switch (target) {
    case "eks":
      return { target, region: "eu-west-1", publicAccessCidrs: cidrs };
    case "gke":
      return {
        target,
        project: "my-project-1",
        region: "europe-west1",
        masterAuthorizedNetworks: cidrs.map((cidr, i) => ({ name: `n${i}`, cidr })),
      };
    case "aks":
      return { target, location: "westeurope", adminGroupObjectIds: ADMINS, authorizedIpRanges: cidrs };
    default:
      return { target, region: "ams3", apiAllowedAddresses: cidrs };
  }
}

const KEY_OF: Record<string, (i: number) => string> = {
  eks: (i) => `cluster.publicAccessCidrs[${i}]`,
  gke: (i) => `cluster.masterAuthorizedNetworks[${i}].cidr`,
  aks: (i) => `cluster.authorizedIpRanges[${i}]`,
  doks: (i) => `cluster.apiAllowedAddresses[${i}]`,
};

const refusal = (key: string, cidr: string, range: string, name: string) =>
  `${key}: got "${cidr}"; is inside ${name} (${range}), a documentation range (RFC 5737): no machine has these ` +
  "addresses; list the public egress CIDRs of your office, VPN and the machine that runs `pulumi up` " +
  "(this machine's: `curl -s https://checkip.amazonaws.com`, as a /32)";

const warning = (key: string, cidr: string, range: string, name: string) =>
  `${key}: ${cidr} is inside ${name} (${range}), a documentation range (RFC 5737): no machine has these ` +
  "addresses, so only the other networks listed reach the API server and `pulumi up` times out unless it " +
  "runs in one of them; list the public egress CIDRs of your office, VPN and the machine that runs " +
  "`pulumi up` (this machine's: `curl -s https://checkip.amazonaws.com`, as a /32) (prod refuses it)";

describe("documentation ranges (RFC 5737)", () => {
  it("are the three TEST-NET blocks", () => {
    assert.deepEqual(DOCUMENTATION_RANGES, [
      { name: "TEST-NET-1", cidr: "192.0.2.0/24" },
      { name: "TEST-NET-2", cidr: "198.51.100.0/24" },
      { name: "TEST-NET-3", cidr: "203.0.113.0/24" },
    ]);
  });

  it("hold every CIDR and address inside them, nothing outside, and no wider network containing one", () => {
    const inside = [
      "192.0.2.0/24",
      "192.0.2.128/25",
      "192.0.2.255/32",
      "198.51.100.7/32",
      "203.0.113.0/27",
      "203.0.113.9",
    ];
    for (const c of inside) assert.ok(documentationRangeOf(c), c);
    // Just outside each block, and wider networks that contain one: real networks.
    const outside = [
      "192.0.1.0/24",
      "192.0.3.0/24",
      "192.0.0.0/16",
      "192.0.2.0/23",
      "198.51.99.0/24",
      "198.51.101.0/24",
      "203.0.112.0/24",
      "203.0.114.0/24",
      "0.0.0.0/0",
      FILLED_API_NETWORK,
    ];
    for (const c of outside) assert.equal(documentationRangeOf(c), undefined, c);
    assert.equal(documentationRangeOf("192.0.2.128/25")?.name, "TEST-NET-1");
  });
});

describe("stack config: documentation ranges as API-access networks", () => {
  for (const target of ["eks", "gke", "aks", "doks"]) {
    it(`${target}: refused in prod, naming key, value, range and what to list instead`, () => {
      const cluster = clusterWith(target, ["192.0.3.0/24", "192.0.2.128/25", "198.51.100.7/32"]);
      assert.deepEqual(problemsOf({ ...PROD, cluster }, ctx), [
        refusal(KEY_OF[target](1), "192.0.2.128/25", "192.0.2.0/24", "TEST-NET-1"),
        refusal(KEY_OF[target](2), "198.51.100.7/32", "198.51.100.0/24", "TEST-NET-2"),
      ]);
      assert.deepEqual(
        problemsOf({ ...PROD, cluster: clusterWith(target, ["192.0.3.0/24", "192.0.0.0/16"]) }, ctx),
        [],
      );
    });

    it(`${target}: accepted in dev with one warning per range`, () => {
      const cfg = parseConfig({ cluster: clusterWith(target, ["203.0.113.0/24", "192.0.3.0/24"]) }, ctx);
      assert.deepEqual(cfg.warnings, [
        warning(KEY_OF[target](0), "203.0.113.0/24", "203.0.113.0/24", "TEST-NET-3"),
      ]);
      assert.deepEqual(parseConfig({ cluster: clusterWith(target, ["192.0.3.0/24"]) }, ctx).warnings, []);
    });
  }

  it("eks: the deployer network's CIDRs count too", () => {
    const cluster = {
      target: "eks",
      region: "eu-west-1",
      endpointPublicAccess: false,
      deployerNetwork: {
        cidrs: ["10.8.0.0/16", "203.0.113.0/24"],
        transitGatewayId: "tgw-0123456789abcdef0",
      },
    };
    // Private networks behind the transit gateway: no public egress CIDR to suggest.
    assert.deepEqual(problemsOf({ ...PROD, cluster }, ctx), [
      'cluster.deployerNetwork.cidrs[1]: got "203.0.113.0/24"; is inside TEST-NET-3 (203.0.113.0/24), a documentation ' +
        "range (RFC 5737): no machine has these addresses; list the private CIDRs of the networks that run `pulumi up` " +
        "(the CI runners' subnets, the VPN's address pool) as the transit gateway reaches them, not overlapping vpcCidr",
    ]);
    assert.deepEqual(apiAccessNetworks(cluster), [
      { path: ["deployerNetwork", "cidrs", 0], cidr: "10.8.0.0/16" },
      { path: ["deployerNetwork", "cidrs", 1], cidr: "203.0.113.0/24" },
    ]);
  });

  it("an existing cluster lists no API networks", () => {
    assert.deepEqual(apiAccessNetworks({ target: "existing", kubeconfigPath: "/k" }), []);
  });
});

describe("the example stacks' API networks", () => {
  it("ship TEST-NET-3 as the placeholder: prod-profile files are refused as they are, eks-dev (dev) warns", () => {
    for (const [stack, file] of Object.entries(EXAMPLE_STACKS)) {
      const raw = readStackFile(path.join(ROOT, file));
      const networks = apiAccessNetworks(raw.cluster).map((n) => n.cidr);
      if (stack === "dev") assert.deepEqual(networks, [], stack);
      else assert.deepEqual(networks, ["203.0.113.0/24"], stack);
    }
  });

  it("as a user fills them in (fillInExample): the prod files list a real network, eks-dev keeps its placeholder", () => {
    for (const stack of ["prod", "gke", "aks", "doks"]) {
      assert.deepEqual(
        apiAccessNetworks(loadStackConfig(stack).cluster).map((n) => n.cidr),
        [FILLED_API_NETWORK],
        stack,
      );
    }
    assert.deepEqual(
      apiAccessNetworks(loadStackConfig("eks-dev").cluster).map((n) => n.cidr),
      ["203.0.113.0/24"],
    );
  });
});
