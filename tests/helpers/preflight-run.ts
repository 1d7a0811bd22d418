/** Runs the preflight command line in-process and collects its exit code and output streams. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { main } from "../../preflight/cli";
import { loadStackConfig } from "../../offline/stacks";

export async function runPreflight(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(
    argv,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kp-preflight-stacks-"));

/** Each leaf of a secret value as a stack file holds it: `{ secure: <ciphertext> }` (read back as a placeholder). */
function secure(v: unknown): unknown {
  if (typeof v === "object" && v !== null && !Array.isArray(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, secure(x)]));
  return { secure: "v1:offline-test:c2VjcmV0" };
}

/**
 * Writes `config` (keys without the project prefix, secret values as offline/stacks.ts reads them:
 * `{ secret: v }`) as the stack file Pulumi.<name>.yaml in a temporary folder; returns its path.
 */
export function writeStackFile(name: string, config: Record<string, unknown>): string {
  const file = path.join(tmp, `Pulumi.${name}.yaml`);
  const value = (v: unknown) =>
    typeof v === "object" && v !== null && "secret" in v ? secure((v as { secret: unknown }).secret) : v;
  const doc = {
    config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`kube-platform:${k}`, value(v)])),
  };
  fs.writeFileSync(file, stringify(doc));
  return file;
}

/**
 * The preflight's arguments for an example stack as a user deploys it: the shipped file with what
 * it leaves to the user filled in (offline/stacks.ts fillInExample: the secrets, the key holders' keys).
 */
export function exampleArgs(stack: string): string[] {
  return ["--stack", stack, "--file", writeStackFile(`${stack}-filled`, loadStackConfig(stack))];
}
