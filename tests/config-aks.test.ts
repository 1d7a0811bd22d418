import * as assert from "node:assert/strict";
import { parseConfig } from "../stacks/config";
import { oneProblem as oneProblemIn } from "./helpers/config-problems";
import { VAULT_INIT } from "./helpers/vault-fixtures";

const ctx = { project: "kube-platform", stack: "aks" };
// ha mode (prod's default) needs Vault's key holders.
const PROD = {
  profile: "prod",
  addons: { certManager: { email: "platform@kube-platform.dev" }, vault: { init: VAULT_INIT } },
};
const GROUP = "00000000-0000-0000-0000-000000000001";
const RUNNER_VNET =
  "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/ci-runners/providers/Microsoft.Network/virtualNetworks/runner-vnet";
const base = { target: "aks", location: "westeurope", adminGroupObjectIds: [GROUP] };

const oneProblem = (raw: Record<string, unknown>, ...patterns: RegExp[]): void =>
  oneProblemIn(raw, ctx, ...patterns);

function clusterOf(raw: Record<string, unknown>): Record<string, unknown> {
  return parseConfig(raw, ctx).cluster as unknown as Record<string, unknown>;
}

describe("AKS config: the deployer's path to the API server", () => {
  it("a private cluster needs cluster.deployerNetwork, and names the fix", () => {
    oneProblem(
      { ...PROD, cluster: { ...base, privateCluster: true } },
      /^cluster\.deployerNetwork: is required when privateCluster is true/,
      /set cluster\.deployerNetwork\.vnetId to the ARM id of the runner's VNet/,
      /or use privateCluster: false with authorizedIpRanges/,
    );
  });

  it("a private cluster with a deployer network is accepted (prod needs no authorized ranges then)", () => {
    const c = clusterOf({
      ...PROD,
      cluster: { ...base, privateCluster: true, deployerNetwork: { vnetId: RUNNER_VNET } },
    });
    assert.deepEqual(c.deployerNetwork, { vnetId: RUNNER_VNET });
    assert.equal(c.privateCluster, true);
  });

  it("deployerNetwork.vnetId must be a VNet ARM id", () => {
    oneProblem(
      {
        cluster: {
          ...base,
          privateCluster: true,
          deployerNetwork: { vnetId: "runner-vnet" },
        },
      },
      /^cluster\.deployerNetwork\.vnetId: got "runner-vnet"/,
      /must be the ARM id of a virtual network: \/subscriptions\/<id>\/resourceGroups\/<group>\/providers\/Microsoft\.Network\/virtualNetworks\/<name>/,
    );
    oneProblem(
      { cluster: { ...base, privateCluster: true, deployerNetwork: { vnetId: RUNNER_VNET, cidr: "x" } } },
      /^cluster\.deployerNetwork\.cidr: unknown key; allowed keys here: vnetId/,
    );
  });

  it("deployerNetwork is refused on a public API server", () => {
    oneProblem(
      { cluster: { ...base, deployerNetwork: { vnetId: RUNNER_VNET } } },
      /^cluster\.deployerNetwork: /,
      /is only used with privateCluster: true/,
    );
  });

  it("authorized IP ranges are refused on a private cluster, accepted on a public one", () => {
    oneProblem(
      {
        cluster: {
          ...base,
          privateCluster: true,
          deployerNetwork: { vnetId: RUNNER_VNET },
          authorizedIpRanges: ["198.18.0.0/24"],
        },
      },
      /^cluster\.authorizedIpRanges: got \["198\.18\.0\.0\/24"\]/,
      /apply only to a public API server/,
    );
    assert.deepEqual(
      clusterOf({ ...PROD, cluster: { ...base, authorizedIpRanges: ["198.18.0.0/24"] } }).authorizedIpRanges,
      ["198.18.0.0/24"],
    );
  });
});

describe("AKS config: the deployer's Kubernetes permissions", () => {
  it("grants the deployer cluster admin by default, principal type detected", () => {
    const c = clusterOf({ cluster: { target: "aks", location: "westeurope" } });
    assert.equal(c.grantDeployerClusterAdmin, true);
    assert.equal(c.deployerPrincipalType, undefined);
  });

  it("without the grant, an admin group is required (even in dev with local accounts)", () => {
    oneProblem(
      { cluster: { target: "aks", location: "westeurope", grantDeployerClusterAdmin: false } },
      /^cluster\.adminGroupObjectIds: must list/,
      /at least one Entra ID group when grantDeployerClusterAdmin is false/,
      /include a group of the identity that runs `pulumi up`, or set grantDeployerClusterAdmin: true/,
    );
    assert.equal(
      clusterOf({ cluster: { ...base, grantDeployerClusterAdmin: false } }).grantDeployerClusterAdmin,
      false,
    );
  });

  it("local accounts off still need a group for people, with an accurate reason", () => {
    oneProblem(
      { cluster: { target: "aks", location: "westeurope", disableLocalAccounts: true } },
      /^cluster\.adminGroupObjectIds: must list/,
      /at least one Entra ID group when disableLocalAccounts is true \(there is no local admin account/,
    );
  });

  it("deployerPrincipalType overrides the detection: User or ServicePrincipal only", () => {
    assert.equal(
      clusterOf({ cluster: { ...base, deployerPrincipalType: "User" } }).deployerPrincipalType,
      "User",
    );
    oneProblem(
      { cluster: { ...base, deployerPrincipalType: "Group" } },
      /^cluster\.deployerPrincipalType: got "Group"; allowed: "User" \| "ServicePrincipal"/,
    );
  });
});

describe("AKS config: the maintenance window", () => {
  it("defaults to Sunday 03:00 UTC for 4 hours", () => {
    assert.deepEqual(clusterOf({ cluster: base }).maintenanceWindow, {
      day: "sunday",
      startTime: "03:00",
      durationHours: 4,
      utcOffset: "+00:00",
    });
  });

  it("takes a partial window and fills the rest", () => {
    assert.deepEqual(
      clusterOf({ cluster: { ...base, maintenanceWindow: { day: "saturday", utcOffset: "-05:30" } } })
        .maintenanceWindow,
      { day: "saturday", startTime: "03:00", durationHours: 4, utcOffset: "-05:30" },
    );
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      "a window under 4 hours",
      { durationHours: 3 },
      /^cluster\.maintenanceWindow\.durationHours: got 3; must be ≥ 4/,
    ],
    [
      "a window over 24 hours",
      { durationHours: 25 },
      /^cluster\.maintenanceWindow\.durationHours: got 25; must be ≤ 24/,
    ],
    ["an abbreviated day", { day: "sun" }, /^cluster\.maintenanceWindow\.day: got "sun"; allowed: "monday"/],
    [
      "a start time past 23:59",
      { startTime: "24:00" },
      /^cluster\.maintenanceWindow\.startTime: got "24:00"; must be a time "HH:MM"/,
    ],
    [
      "an offset without sign",
      { utcOffset: "02:00" },
      /^cluster\.maintenanceWindow\.utcOffset: got "02:00"; must be a UTC offset/,
    ],
  ];
  for (const [what, window, pattern] of bad) {
    it(`refuses ${what}`, () => {
      oneProblem({ cluster: { ...base, maintenanceWindow: window } }, pattern);
    });
  }
});
