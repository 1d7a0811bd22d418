// `npm run policy-config -- --stack NAME [--file FILE]`: prints the policy pack config of a stack
// (its profile and waivers, ./pack-config) for plain Pulumi CLI users:
//   npm run --silent policy-config -- --stack prod > pack-config.json
//   pulumi preview --stack prod --policy-pack policy --policy-pack-config pack-config.json
// The same file the pipeline driver writes for --policy-pack, so both gates (the preflight and the
// pack) give the same verdict. Reads the stack file only: no Pulumi CLI, no backend.

import * as fs from "fs";
import * as path from "path";
import { EXAMPLE_STACKS, ROOT, readStackFile } from "../offline/stacks";
import { EXIT } from "./exit-codes";
import { packConfigOf } from "./pack-config";
import { exitWith } from "./process-io";

export const POLICY_CONFIG_USAGE = `Usage: npm run --silent policy-config -- --stack NAME [--file FILE]

Prints the --policy-pack-config of the stack (Pulumi.NAME.yaml, or examples/Pulumi.NAME.yaml):
every policy of the pack with the stack's profile and waivers; a waived policy is advisory, so its
violations are shown and not counted, as in the preflight.

  -s, --stack NAME  the stack
      --file FILE   its stack file elsewhere
  -h, --help        show this help

Exit codes: ${EXIT.success} printed, ${EXIT.usage} bad usage or invalid profile/waivers in the stack file.`;

interface Out {
  stdout(text: string): void;
  stderr(text: string): void;
}

class Usage extends Error {}

function stackFileOf(argv: readonly string[], root: string): { file: string } | { help: true } {
  let stack: string | undefined;
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") return { help: true };
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const name = eq >= 0 ? a.slice(0, eq) : a;
    if (name !== "--stack" && name !== "-s" && name !== "--file") throw new Usage(`unknown argument "${a}"`);
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "" || value.startsWith("-"))
      throw new Usage(`${name} needs a value`);
    if (name === "--file") file = value;
    else stack = value;
  }
  if (stack === undefined) throw new Usage("--stack is required");
  if (file !== undefined) return { file };
  const candidates = [path.join(root, `Pulumi.${stack}.yaml`)];
  if (EXAMPLE_STACKS[stack] !== undefined) candidates.push(path.join(root, EXAMPLE_STACKS[stack]));
  const found = candidates.find((f) => fs.existsSync(f));
  if (found === undefined) throw new Usage(`no stack file for "${stack}": looked for ${candidates[0]}`);
  return { file: found };
}

/** The command: prints the config on stdout; returns the exit code. */
export function runPolicyConfig(argv: readonly string[], out: Out, root: string = ROOT): number {
  let file: string;
  try {
    const parsed = stackFileOf(argv, root);
    if ("help" in parsed) {
      out.stdout(`${POLICY_CONFIG_USAGE}\n`);
      return EXIT.success;
    }
    file = parsed.file;
  } catch (e) {
    if (!(e instanceof Usage)) throw e;
    out.stderr(`error: ${e.message}\n${POLICY_CONFIG_USAGE}\n`);
    return EXIT.usage;
  }
  let raw: Record<string, unknown>;
  try {
    raw = readStackFile(file);
  } catch (e) {
    out.stderr(
      `error: ${file}: not readable as a stack file (${e instanceof Error ? e.message : String(e)})\n`,
    );
    return EXIT.usage;
  }
  const result = packConfigOf(raw);
  if ("problems" in result) {
    out.stderr(`error: ${file} is invalid:\n${result.problems.map((p) => `  - ${p}\n`).join("")}`);
    return EXIT.usage;
  }
  out.stdout(`${JSON.stringify(result.config, null, 2)}\n`);
  return EXIT.success;
}

if (require.main === module) {
  exitWith(
    Promise.resolve(
      runPolicyConfig(process.argv.slice(2), {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
      }),
    ),
  );
}
