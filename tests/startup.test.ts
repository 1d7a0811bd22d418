/** Start-up cost: a stack loads only its own target's cloud SDK. */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

/** The cloud SDK packages loaded in a fresh process after running `script`. */
function sdksLoadedBy(script: string): string[] {
  const probe = `(async () => { ${script};
    const sdks = ["@pulumi/aws", "@pulumi/gcp", "@pulumi/azure-native", "@pulumi/digitalocean"];
    const loaded = Object.keys(require.cache);
    console.log(JSON.stringify(sdks.filter((s) => loaded.some((k) => k.includes("/node_modules/" + s + "/")))));
  })().catch((e) => { console.error(e); process.exit(1); });`;
  const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", probe], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!) as string[];
}

describe("start-up", function () {
  this.timeout(60_000);

  it("loads no cloud SDK until a target is chosen, then only that target's", () => {
    assert.deepStrictEqual(sdksLoadedBy(`require("./components/cluster")`), []);
    assert.deepStrictEqual(sdksLoadedBy(`require("./stacks/platform")`), []);
    // The whole program for the local dev stack (existing kind cluster): no cloud SDK at all.
    assert.deepStrictEqual(sdksLoadedBy(`await require("./offline/stacks").runExample("dev")`), []);
    // The GKE example: Google's SDK only.
    assert.deepStrictEqual(sdksLoadedBy(`await require("./offline/stacks").runExample("gke")`), [
      "@pulumi/gcp",
    ]);
  });
});
