/**
 * `npm run preflight -- --stack prod [--json] [--last-outputs <file>]`: validates a stack's config, evaluates the whole
 * program under mocks (no cloud credentials, no Pulumi CLI), applies the security rules to every
 * registered resource and prints the plan, the DNS record each app host needs (preflight/dns.ts) and
 * the violations.
 *
 * Exit codes: 0 ready; 1 mandatory violations; 2 invalid stack config; 64 bad usage.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXAMPLE_STACKS, ROOT, SAMPLE_KUBECONFIG, readStackFile } from "../offline/stacks";
import {
  VOLUME_CHANGES_DONE_ENV,
  parseVolumeChangesDone,
  volumeChangesDoneError,
} from "../stacks/volume-changes";
import { LastDeployment, preflight, renderPlan } from "./plan";

export interface PreflightArgs {
  stack: string;
  file: string;
  json: boolean;
  /** `pulumi stack output --json` of the stack: its volume settings are compared with the config. */
  lastOutputs?: string;
  /** Refused volume changes whose procedure is done (as KUBE_PLATFORM_VOLUME_CHANGES_DONE). */
  changesDone?: string;
}

export const USAGE = `usage: npm run preflight -- --stack <name> [--file <Pulumi.<stack>.yaml>] [--json]
                         [--last-outputs <file> [--changes-done <setting=value,...>]]
  --stack         the stack (Pulumi.<name>.yaml, or examples/Pulumi.<name>.yaml for the examples)
  --file          a stack config file elsewhere (the stack name still sets the defaults' names)
  --json          print the plan as JSON (for pipelines)
  --last-outputs  the stack's last outputs (pulumi stack output --json > last.json): volume changes
                  Kubernetes cannot make are refused, as pulumi up would
  --changes-done  refused volume changes whose procedure is done (default: $KUBE_PLATFORM_VOLUME_CHANGES_DONE)
exit codes: 0 ready, 1 mandatory violations, 2 invalid config, 64 bad usage`;

export class UsageError extends Error {}

/** Parses the command line; throws UsageError with what is wrong. */
export function parseArgs(argv: string[], root = ROOT): PreflightArgs {
  let stack: string | undefined;
  let file: string | undefined;
  let json = false;
  const extra: { lastOutputs?: string; changesDone?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") json = true;
    else if (a === "--stack" || a === "--file" || a === "--last-outputs" || a === "--changes-done") {
      const v = argv[++i];
      if (!v || v.startsWith("--")) throw new UsageError(`${a} needs a value`);
      if (a === "--stack") stack = v;
      else if (a === "--file") file = v;
      else if (a === "--last-outputs") extra.lastOutputs = v;
      else extra.changesDone = v;
    } else if (a.startsWith("--stack=")) stack = a.slice(8);
    else if (a.startsWith("--file=")) file = a.slice(7);
    else if (a.startsWith("--last-outputs=")) extra.lastOutputs = a.slice(15);
    else if (a.startsWith("--changes-done=")) extra.changesDone = a.slice(15);
    else if (a === "--help" || a === "-h") throw new UsageError("");
    else throw new UsageError(`unknown argument ${a}`);
  }
  if (!stack) throw new UsageError("--stack is required");
  if (!file) {
    const candidates = [
      path.join(root, `Pulumi.${stack}.yaml`),
      path.join(root, EXAMPLE_STACKS[stack] ?? ""),
    ];
    file = candidates.find((f) => f.endsWith(".yaml") && fs.existsSync(f));
    if (!file) throw new UsageError(`no stack file for "${stack}": looked for ${candidates[0]}`);
  }
  if (extra.changesDone !== undefined && extra.lastOutputs === undefined)
    throw new UsageError("--changes-done needs --last-outputs");
  return { stack, file, json, ...extra };
}

/** The last deployment to compare with, from --last-outputs / --changes-done; throws UsageError. */
export function lastDeploymentOf(
  args: PreflightArgs,
  env: Record<string, string | undefined> = process.env,
): LastDeployment | undefined {
  if (args.lastOutputs === undefined) return undefined;
  let outputs: unknown;
  try {
    outputs = JSON.parse(fs.readFileSync(args.lastOutputs, "utf8"));
  } catch (e) {
    throw new UsageError(
      `--last-outputs ${args.lastOutputs}: not readable as JSON (${e instanceof Error ? e.message : String(e)}); ` +
        "write it with `pulumi stack output --json > last.json`",
    );
  }
  if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs))
    throw new UsageError(
      `--last-outputs ${args.lastOutputs}: expected the JSON object of \`pulumi stack output --json\``,
    );
  const { done, problems } = parseVolumeChangesDone(args.changesDone ?? env[VOLUME_CHANGES_DONE_ENV]);
  if (problems.length > 0) {
    throw new UsageError(volumeChangesDoneError("--changes-done", problems));
  }
  return { outputs: outputs as Record<string, unknown>, changesDone: done };
}

/**
 * A kubeconfigPath that cannot be read here (an existing cluster's file on another machine) is
 * evaluated with a placeholder, and said so: the preflight needs no credentials.
 */
function withReadableKubeconfig(config: Record<string, unknown>, notes: string[]): Record<string, unknown> {
  const cluster = config.cluster as Record<string, unknown> | undefined;
  const p = typeof cluster?.kubeconfigPath === "string" ? cluster.kubeconfigPath : undefined;
  if (!p) return config;
  const expanded = p.startsWith("~") ? path.join(process.env.HOME ?? "", p.slice(1)) : p;
  if (fs.existsSync(expanded)) return config;
  const stub = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kp-preflight-")), "config");
  fs.writeFileSync(stub, SAMPLE_KUBECONFIG);
  notes.push(`cluster.kubeconfigPath ${p} is not readable here: evaluated with a placeholder kubeconfig`);
  return { ...config, cluster: { ...cluster, kubeconfigPath: stub } };
}

/** Runs the preflight; returns the exit code and writes to the given streams. */
export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  let args: PreflightArgs;
  let last: LastDeployment | undefined;
  try {
    args = parseArgs(argv);
    last = lastDeploymentOf(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${e.message ? `${e.message}\n` : ""}${USAGE}\n`);
    return 64;
  }
  const notes: string[] = [];
  const config = withReadableKubeconfig(readStackFile(args.file), notes);
  const result = await preflight(config, args.stack, last);
  if (args.json) {
    out(`${JSON.stringify({ stack: args.stack, file: args.file, notes, ...result }, null, 2)}\n`);
    return result.exitCode;
  }
  for (const n of notes) err(`note: ${n}\n`);
  if (result.problems) {
    err(`Preflight of stack "${args.stack}" (${args.file}): invalid configuration\n`);
    for (const p of result.problems) err(`  - ${p}\n`);
    return result.exitCode;
  }
  out(`${renderPlan(result.plan!)}\n`);
  return result.exitCode;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`preflight failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(70);
    },
  );
}
