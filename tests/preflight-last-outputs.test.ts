/**
 * `npm run preflight -- --last-outputs <file>`: the volume changes `pulumi up` would refuse against
 * the stack's last deployment, found before any cloud time.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT } from "../automation/exit-codes";
import { UsageError, parseArgs } from "../preflight/cli";
import { exampleArgs, runPreflight } from "./helpers/preflight-run";
import { PROD, changed } from "./helpers/volume-settings";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-last-"));

function lastOutputs(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

const run = runPreflight;

describe("preflight --last-outputs", function () {
  this.timeout(120_000);

  it("parses the flags; --changes-done alone is a usage error", () => {
    const args = parseArgs([
      "--stack",
      "prod",
      "--last-outputs",
      "last.json",
      "--changes-done=vault.dataSize=20Gi",
    ]);
    assert.strictEqual(args.lastOutputs, "last.json");
    assert.strictEqual(args.changesDone, "vault.dataSize=20Gi");
    assert.throws(() => parseArgs(["--stack", "prod", "--changes-done", "x=1"]), UsageError);
    assert.throws(() => parseArgs(["--stack", "prod", "--last-outputs"]), /--last-outputs needs a value/);
  });

  it("passes when the last deployment has the same volume settings", async () => {
    const file = lastOutputs("same.json", { volumeSettings: PROD, clusterName: "kp-prod" });
    const r = await run([...exampleArgs("prod"), "--last-outputs", file]);
    assert.strictEqual(r.code, 0, r.err);
  });

  it("refuses (EXIT.policy) a Vault size the StatefulSet cannot change, naming the setting and both values", async () => {
    const file = lastOutputs("bigger.json", {
      volumeSettings: changed(PROD, { vault: { dataSize: "20Gi" } }),
    });
    const r = await run([...exampleArgs("prod"), "--last-outputs", file, "--json"]);
    assert.strictEqual(r.code, EXIT.policy);
    const plan = (JSON.parse(r.out) as { plan: { volumeChanges: string[] } }).plan;
    assert.strictEqual(plan.volumeChanges.length, 1);
    assert.match(plan.volumeChanges[0], /vault\.dataSize/);
    assert.match(plan.volumeChanges[0], /20Gi/);
    assert.match(plan.volumeChanges[0], /10Gi/);
  });

  it("passes once the change is acknowledged with its new value (flag or environment), not with another", async () => {
    const file = lastOutputs("acked.json", {
      volumeSettings: changed(PROD, { vault: { dataSize: "20Gi" } }),
    });
    const ok = await run([
      ...exampleArgs("prod"),
      "--last-outputs",
      file,
      "--changes-done",
      "vault.dataSize=10Gi",
    ]);
    assert.strictEqual(ok.code, 0, ok.err);
    const other = await run([
      ...exampleArgs("prod"),
      "--last-outputs",
      file,
      "--changes-done",
      "vault.dataSize=30Gi",
    ]);
    assert.strictEqual(other.code, EXIT.policy);
  });

  it("a last-outputs file that is not the JSON object of `pulumi stack output --json` is a usage error (EXIT.usage)", async () => {
    const bad = await run([...exampleArgs("prod"), "--last-outputs", lastOutputs("bad.json", "{not json")]);
    assert.strictEqual(bad.code, EXIT.usage);
    assert.match(bad.err, /--last-outputs .*bad\.json: not readable as JSON/);
    const list = await run([...exampleArgs("prod"), "--last-outputs", lastOutputs("list.json", [1, 2])]);
    assert.strictEqual(list.code, EXIT.usage);
    assert.match(list.err, /expected the JSON object/);
    const missing = await run([...exampleArgs("prod"), "--last-outputs", path.join(dir, "nope.json")]);
    assert.strictEqual(missing.code, EXIT.usage);
  });
});
