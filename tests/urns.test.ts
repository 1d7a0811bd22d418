/**
 * Every URN of every example stack, and the provider each resource uses, against a recorded list
 * (tests/fixtures/urns/<stack>.txt). A URN that moves makes Pulumi delete the old resource and create
 * a new one (a new cluster, a new Vault volume); a provider that changes can replace in-cluster objects.
 * A change that adds or removes resources on purpose rewrites the list with
 * `UPDATE_URNS=1 npx mocha tests/urns.test.ts` and shows the difference in review; a move needs `aliases`.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { EXAMPLE_STACKS, runExample } from "../offline/stacks";

const DIR = path.join(__dirname, "fixtures", "urns");

async function urnLines(stack: string): Promise<string[]> {
  const run = await runExample(stack);
  return run.resources
    .map((r) => `${r.urn}${r.custom ? ` provider=${run.providerUrn(r) || "default"}` : ""}`)
    .sort();
}

describe("URNs and providers are stable on every example stack", function () {
  this.timeout(60_000);
  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    it(stack, async () => {
      const file = path.join(DIR, `${stack}.txt`);
      const actual = await urnLines(stack);
      if (process.env.UPDATE_URNS === "1") fs.writeFileSync(file, `${actual.join("\n")}\n`);
      const expected = fs.readFileSync(file, "utf8").trimEnd().split("\n");
      const gone = expected.filter((u) => !actual.includes(u));
      const added = actual.filter((u) => !expected.includes(u));
      assert.deepStrictEqual({ gone, added }, { gone: [], added: [] });
    });
  }
});
