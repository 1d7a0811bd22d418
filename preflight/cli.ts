/**
 * `npm run preflight -- --stack prod [--json] [--last-outputs <file>] [--cost [--cost-base <file>]]`: validates a
 * stack's config, evaluates the whole program under mocks (no cloud credentials, no Pulumi CLI), applies the
 * security rules to every registered resource and prints the plan, the DNS record each app host needs
 * (preflight/dns.ts) and the violations; with --cost, the monthly cost estimate (preflight/cost/), and
 * with --cost-base its change against the same stack with another stack file's config.
 *
 * Exit codes (automation/exit-codes.ts): EXIT.success ready; EXIT.policy mandatory violations or
 * refused volume changes; EXIT.usage invalid stack config or bad usage; EXIT.internal a bug.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT, EXIT_MEANING, ExitName } from "../automation/exit-codes";
import { EXAMPLE_STACKS, ROOT, SAMPLE_KUBECONFIG, StackDocument, readStackDocument } from "../offline/stacks";
import {
  VOLUME_CHANGES_DONE_ENV,
  parseVolumeChangesDone,
  volumeChangesDoneError,
} from "../stacks/volume-changes";
import { LastDeployment, PreflightResult, preflight, renderPlan } from "./plan";
import { CostDiff, diffCost, renderCostDiff } from "./cost/diff";
import { renderStackCost } from "./cost/render";
import { UnknownRegionError, isAdoptedClusterCost } from "./cost";

export interface PreflightArgs {
  stack: string;
  file: string;
  json: boolean;
  /** `pulumi stack output --json` of the stack: its volume settings are compared with the config. */
  lastOutputs?: string;
  /** Refused volume changes whose procedure is done (as KUBE_PLATFORM_VOLUME_CHANGES_DONE). */
  changesDone?: string;
  /** Print the monthly cost estimate (`cost` in --json); --cost-base implies it. */
  cost?: boolean;
  /** Diff mode: a stack file (main's) whose config's estimate the estimate is compared with. */
  costBase?: string;
}

/** The exit codes the preflight gives, in the usage's words. */
const PREFLIGHT_EXITS: [ExitName, string][] = [
  ["success", "ready"],
  ["policy", "mandatory violations or refused volume changes"],
  ["usage", "invalid config or bad usage"],
  ["internal", EXIT_MEANING.internal],
];

export const USAGE = `usage: npm run preflight -- --stack <name> [--file <Pulumi.<stack>.yaml>] [--json]
                         [--last-outputs <file> [--changes-done <setting=value,...>]]
                         [--cost [--cost-base <stack file>]]
  -s, --stack     the stack (Pulumi.<name>.yaml, or examples/Pulumi.<name>.yaml for the examples)
  --file          a stack config file elsewhere (the stack name still sets the defaults' names)
  --json          print the plan as JSON (for pipelines)
  --last-outputs  the stack's last outputs (pulumi stack output --json > last.json): volume changes
                  Kubernetes cannot make are refused, as pulumi up would
  --changes-done  refused volume changes whose procedure is done (default: $KUBE_PLATFORM_VOLUME_CHANGES_DONE)
  --cost          print the stack's monthly cost estimate after the plan (offline list prices,
                  preflight/cost/prices/); it never changes the exit code
  --cost-base     diff mode (implies --cost): the estimate against the same stack with this stack
                  file's config (git show origin/main:Pulumi.prod.yaml > main.yaml), per line and in total
  -h, --help      show this help
exit codes: ${PREFLIGHT_EXITS.map(([name, what]) => `${EXIT[name]} ${what}`).join(", ")}`;

export class UsageError extends Error {}

/** Whether the command line asks for the usage (`--help` or `-h` anywhere). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === "--help" || a === "-h");
}

type ValueFlag = keyof Omit<PreflightArgs, "json" | "cost">;

const VALUE_FLAGS: Record<string, ValueFlag> = {
  "--stack": "stack",
  // As the pipeline driver's (automation/args.ts): `-s NAME`, no `-s=NAME`.
  "-s": "stack",
  "--file": "file",
  "--last-outputs": "lastOutputs",
  "--changes-done": "changesDone",
  "--cost-base": "costBase",
};

/** Parses the command line; throws UsageError with what is wrong. */
export function parseArgs(argv: string[], root = ROOT): PreflightArgs {
  const given: Partial<Record<ValueFlag, string>> = {};
  let json = false;
  let cost = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const name = eq < 0 ? a : a.slice(0, eq);
    const field = VALUE_FLAGS[name];
    if (a === "--json") json = true;
    else if (a === "--cost") cost = true;
    else if (a === "--help" || a === "-h") continue;
    else if (field === undefined) throw new UsageError(`unknown argument ${a}`);
    else if (eq >= 0) given[field] = a.slice(eq + 1);
    else {
      const v = argv[++i];
      if (!v || v.startsWith("-")) throw new UsageError(`${a} needs a value`);
      given[field] = v;
    }
  }
  const { stack, lastOutputs, changesDone, costBase } = given;
  let file = given.file;
  if (!stack) throw new UsageError("--stack is required");
  if (file !== undefined && !fs.existsSync(file)) {
    throw new UsageError(`--file ${file}: no such file`);
  }
  if (costBase !== undefined && !fs.existsSync(costBase)) {
    throw new UsageError(`--cost-base ${costBase}: no such file`);
  }
  if (!file) {
    const candidates = [
      path.join(root, `Pulumi.${stack}.yaml`),
      path.join(root, EXAMPLE_STACKS[stack] ?? ""),
    ];
    file = candidates.find((f) => f.endsWith(".yaml") && fs.existsSync(f));
    if (!file) throw new UsageError(`no stack file for "${stack}": looked for ${candidates[0]}`);
  }
  if (changesDone !== undefined && lastOutputs === undefined)
    throw new UsageError("--changes-done needs --last-outputs");
  return {
    stack,
    file,
    json,
    ...(lastOutputs !== undefined && { lastOutputs }),
    ...(changesDone !== undefined && { changesDone }),
    ...((cost || costBase !== undefined) && { cost: true }),
    ...(costBase !== undefined && { costBase }),
  };
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

/** The stack file, or a UsageError naming it and its flag (not YAML, a folder, unreadable). */
function readStack(file: string, flag = "--file"): StackDocument {
  try {
    return readStackDocument(file);
  } catch (e) {
    throw new UsageError(
      `${flag} ${file}: not readable as a stack file (${e instanceof Error ? e.message : String(e)})`,
    );
  }
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

/**
 * What an `environment:` import means offline: Pulumi opens the ESC environments at `pulumi up`
 * and merges their pulumiConfig under the file's values (pulumi/pulumi pkg/workspace/config.go
 * mergeConfig); the preflight has no backend to open them with.
 */
export function environmentNote(environments: string[]): string {
  return (
    `the stack imports the ESC environment${environments.length === 1 ? "" : "s"} ${environments.join(", ")} ` +
    "(environment:), which the preflight cannot open offline: at `pulumi up` Pulumi merges their " +
    "pulumiConfig under this file's values (the file's values win, objects are merged key by key). " +
    "This verdict covers the file's own config only: what the environments set is not checked, and a " +
    "key reported as required may be theirs to set; `pulumi preview` checks the merged config"
  );
}

/** How the preflight evaluates a stack (plan.ts preflight; injectable for tests). */
export type Evaluate = typeof preflight;

/** Runs the preflight; returns the exit code and writes to the given streams. */
export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
  evaluate: Evaluate = preflight,
): Promise<number> {
  if (wantsHelp(argv)) {
    out(`${USAGE}\n`);
    return EXIT.success;
  }
  let args: PreflightArgs;
  let last: LastDeployment | undefined;
  let doc: StackDocument;
  let base: StackDocument | undefined;
  try {
    args = parseArgs(argv);
    last = lastDeploymentOf(args);
    doc = readStack(args.file);
    if (args.costBase !== undefined) base = readStack(args.costBase, "--cost-base");
  } catch (e) {
    if (!(e instanceof UsageError)) return internalError(e, err);
    err(`${e.message}\n${USAGE}\n`);
    return EXIT.usage;
  }
  try {
    return await report(args, doc, base, last, out, err, evaluate);
  } catch (e) {
    if (!(e instanceof UnknownRegionError)) return internalError(e, err);
    // A stack in a region the price file lacks: the config is fine, the estimate cannot be made.
    err(`--cost: ${e.message}\n`);
    return EXIT.usage;
  }
}

function internalError(e: unknown, err: (s: string) => void): number {
  err(
    `preflight failed (internal error, a bug): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  return EXIT.internal;
}

/** The diff mode's outcome: the diff, or why there is none (the base config invalid, a cluster not priced). */
interface CostChange {
  diff?: CostDiff;
  none?: string;
}

/**
 * Diff mode: the base stack file's config evaluated as this stack's, both estimates diffed. The
 * base's verdict is not this run's: only its estimate is used.
 */
async function costChangeOf(
  args: PreflightArgs,
  base: StackDocument,
  change: PreflightResult,
  evaluate: Evaluate,
): Promise<CostChange | undefined> {
  const file = args.costBase;
  if (file === undefined || change.cost === undefined) return undefined;
  const config = withReadableKubeconfig(base.config, []);
  const extras = { otherConfig: base.otherConfig, problems: base.problems };
  let baseResult: PreflightResult;
  try {
    baseResult = await evaluate(config, args.stack, undefined, extras, { cost: true });
  } catch (e) {
    if (e instanceof UnknownRegionError) return { none: `--cost-base ${file}: ${e.message}: no cost diff` };
    throw e;
  }
  if (baseResult.problems || baseResult.cost === undefined) {
    const problems = (baseResult.problems ?? []).join("; ");
    return { none: `--cost-base ${file}: not a valid config for this program (${problems}): no cost diff` };
  }
  if (isAdoptedClusterCost(baseResult.cost) || isAdoptedClusterCost(change.cost)) {
    return {
      none: `--cost-base ${file}: an adopted cluster (cluster.target existing) is not priced: no cost diff`,
    };
  }
  return { diff: diffCost(baseResult.cost, change.cost) };
}

async function report(
  args: PreflightArgs,
  doc: StackDocument,
  base: StackDocument | undefined,
  last: LastDeployment | undefined,
  out: (s: string) => void,
  err: (s: string) => void,
  evaluate: Evaluate,
): Promise<number> {
  const notes: string[] = [];
  if (doc.environments.length > 0) notes.push(environmentNote(doc.environments));
  const config = withReadableKubeconfig(doc.config, notes);
  const extras = { otherConfig: doc.otherConfig, problems: doc.problems };
  const result = await evaluate(config, args.stack, last, extras, { cost: args.cost === true });
  const change = base ? await costChangeOf(args, base, result, evaluate) : undefined;
  if (change?.none !== undefined) notes.push(change.none);
  if (args.json) {
    const { environments } = doc;
    const costDiff = change?.diff && { costBase: args.costBase, costDiff: change.diff };
    out(
      `${JSON.stringify({ stack: args.stack, file: args.file, environments, notes, ...result, ...costDiff }, null, 2)}\n`,
    );
    return result.exitCode;
  }
  for (const n of notes) err(`note: ${n}\n`);
  for (const w of result.warnings) err(`warning: ${w}\n`);
  if (result.problems || !result.plan) {
    err(`Preflight of stack "${args.stack}" (${args.file}): invalid configuration\n`);
    for (const p of result.problems ?? []) err(`  - ${p}\n`);
    return result.exitCode;
  }
  out(`${renderPlan(result.plan)}\n`);
  if (result.cost) out(`\n${renderStackCost(result.cost)}\n`);
  if (change?.diff) out(`\n${renderCostDiff(change.diff, args.costBase)}\n`);
  return result.exitCode;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`preflight failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(EXIT.internal);
    },
  );
}
