// The promotion gate's own preview, when it fails as well as being refused (automation/stack-run.ts
// runGate), against the fake `pulumi` (tests/helpers/driver-harness.ts): the engine reports the
// failure as diagnostics and the CLI's bail path exits 1 with nothing on stderr, so the line about
// the preview names the engine's diagnostic, not "exited with code 1 without an error message".

import * as assert from "assert";
import { EXIT } from "../automation/exit-codes";
import { DriverHarness } from "./helpers/driver-harness";

const profile = (p: string) => ({ "kube-platform:profile": { value: p, secret: false } });
const CLUSTER_URN = "urn:pulumi:prod::kube-platform::aws:eks/cluster:Cluster::kp-cluster";

describe("automation: the gate's preview fails too", function () {
  this.timeout(60000);
  let t: DriverHarness | undefined;
  afterEach(() => t?.cleanup());

  it("a refused up whose preview Pulumi failed names the engine's reason (the protected replace)", async () => {
    t = new DriverHarness({
      stacks: {
        prod: {
          exists: true,
          config: profile("prod"),
          steps: {
            preview: [
              {
                op: "replace",
                type: "aws:eks/cluster:Cluster",
                name: "kp-cluster",
                protect: true,
                keys: ["name"],
              },
            ],
          },
        },
      },
    });
    const r = await t.run(["up", "-s", "prod"]);
    assert.strictEqual(r.code, EXIT.refused, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `^\\[prod\\] \\(the preview itself also failed: unable to replace resource "${CLUSTER_URN.replace(/[$.]/g, "\\$&")}"\\)$`,
        "m",
      ),
    );
    assert.doesNotMatch(r.stderr, /without an error message/);
  });
});
