import * as assert from "node:assert/strict";
import { parseConfig } from "../stacks/config";
import { oneProblem as oneProblemIn } from "./helpers/config-problems";

const ctx = { project: "kube-platform", stack: "doks" };
const PROD = { profile: "prod", addons: { certManager: { email: "platform@kube-platform.dev" } } };
const base = { target: "doks", region: "ams3" };

const oneProblem = (raw: Record<string, unknown>, ...patterns: RegExp[]): void =>
  oneProblemIn(raw, ctx, ...patterns);

const allowedOf = (raw: Record<string, unknown>): unknown =>
  (parseConfig(raw, ctx).cluster as unknown as { apiAllowedAddresses: unknown }).apiAllowedAddresses;

describe("DOKS config: the control-plane firewall (cluster.apiAllowedAddresses)", () => {
  it("prod refuses an API server open to the internet (no allowed address)", () => {
    oneProblem(
      { ...PROD, cluster: base },
      /^cluster\.apiAllowedAddresses: prod needs the control-plane firewall/,
      /including the address `pulumi up` runs from/,
    );
  });

  it("prod refuses 0.0.0.0/0 as an allowed address", () => {
    oneProblem(
      { ...PROD, cluster: { ...base, apiAllowedAddresses: ["203.0.113.0/24", "0.0.0.0/0"] } },
      /^cluster\.apiAllowedAddresses\[1\]: got "0\.0\.0\.0\/0"/,
      /must not be open to the whole internet in prod/,
    );
  });

  it("prod accepts listed addresses", () => {
    assert.deepEqual(allowedOf({ ...PROD, cluster: { ...base, apiAllowedAddresses: ["203.0.113.0/24"] } }), [
      "203.0.113.0/24",
    ]);
  });

  it("dev defaults to none (firewall off, API server open) and may list any", () => {
    assert.deepEqual(allowedOf({ cluster: base }), []);
    assert.deepEqual(allowedOf({ cluster: { ...base, apiAllowedAddresses: ["0.0.0.0/0"] } }), ["0.0.0.0/0"]);
  });

  it("each address is a CIDR, listed once", () => {
    oneProblem(
      { cluster: { ...base, apiAllowedAddresses: ["203.0.113.7"] } },
      /^cluster\.apiAllowedAddresses\[0\]: got "203\.0\.113\.7"; must be an IPv4 CIDR/,
    );
    oneProblem(
      { cluster: { ...base, apiAllowedAddresses: ["203.0.113.0/24", "203.0.113.0/24"] } },
      /^cluster\.apiAllowedAddresses\[1\]: got "203\.0\.113\.0\/24"; is listed twice/,
    );
  });
});
