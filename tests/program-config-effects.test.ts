/**
 * What a config choice does once the real program runs it (under mocks): the dev warning for a
 * documentation range that `pulumi up` logs, and the DOKS example's node upgrades beside Vault ha.
 * The config checks themselves are unit-tested in config-api-networks.test.ts and
 * config-doks.test.ts; program evaluations live here, outside the mutation run's spec
 * (stryker.config.json), as they are slow and memoised per process.
 */
import * as assert from "node:assert/strict";
import { runProgram, underTest } from "../offline/mocks";
import { runExample } from "../offline/stacks";
import { evaluate } from "../rules";
import { doksAutoUpgrade } from "../rules/cluster/doks";

const DOCUMENTATION_RANGE_ADVICE =
  "a documentation range (RFC 5737): no machine has these addresses, so only the other networks listed " +
  "reach the API server and `pulumi up` times out unless it runs in one of them; list the public egress " +
  "CIDRs of your office, VPN and the machine that runs `pulumi up` (this machine's: " +
  "`curl -s https://checkip.amazonaws.com`, as a /32) (prod refuses it)";

describe("config effects in the real program (under mocks)", function () {
  this.timeout(120000);

  it("pulumi up logs each dev documentation-range warning once, with pulumi.log.warn (console.warn under mocks)", async () => {
    const warned: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warned.push(args.map(String).join(" "));
    try {
      await runProgram(
        {
          cluster: {
            target: "doks",
            region: "ams3",
            apiAllowedAddresses: ["203.0.113.0/24", "192.0.2.0/24"],
          },
        },
        "warned",
      );
    } finally {
      console.warn = original;
    }
    assert.deepEqual(
      warned.filter((w) => w.includes("documentation range")),
      [
        "warning: [runtime] cluster.apiAllowedAddresses[0]: 203.0.113.0/24 is inside TEST-NET-3 (203.0.113.0/24), " +
          DOCUMENTATION_RANGE_ADVICE,
        "warning: [runtime] cluster.apiAllowedAddresses[1]: 192.0.2.0/24 is inside TEST-NET-1 (192.0.2.0/24), " +
          DOCUMENTATION_RANGE_ADVICE,
      ],
    );
  });

  it("the DOKS example (prod, Vault ha) deploys with autoUpgrade false and no mandatory violation of it", async () => {
    const r = await runExample("doks");
    const c = r.one("digitalocean:index/kubernetesCluster:KubernetesCluster");
    assert.equal(c.inputs.autoUpgrade, false);
    assert.deepEqual(evaluate(r.resources.map(underTest), { profile: "prod" }, [doksAutoUpgrade]), []);
  });
});
