// Command-line parsing for the pipeline driver: argv → a typed options object, or a UsageError
// that names the bad argument. Pure: no I/O, no environment reads (the caller passes cwd and the
// repository root used to resolve relative paths).

import * as path from "path";

export const COMMANDS = ["preview", "up", "refresh", "destroy", "outputs"] as const;
export type Command = (typeof COMMANDS)[number];

/** Default directory of the `--local` file backend, relative to the repository root. */
export const DEFAULT_LOCAL_DIR = ".pulumi-local";

/** One `--config`/`--secret` entry. The value is never printed, logged or reported. */
export interface ConfigEntry {
  key: string;
  value: string;
  secret: boolean;
}

export interface DriverOptions {
  command: Command;
  /** Stacks in the order given on the command line (deduplicated is an error, not a merge). */
  stacks: string[];
  /** How many stacks run at once. */
  parallel: number;
  /** Config applied to every stack before the operation, as property paths (`pulumi config set --path`). */
  config: ConfigEntry[];
  /** Lets `up`/`destroy` proceed when the gate finds protected resources that would be replaced or deleted. */
  allowReplace: boolean;
  /** Refresh state before preview/up/destroy (`pulumi up --refresh`). */
  refresh: boolean;
  /** Message recorded with the update. */
  message?: string;
  /** Explicit state backend URL (`--backend`); otherwise PULUMI_BACKEND_URL or the CLI's login. */
  backend?: string;
  /** Absolute directory of the `--local` file backend. */
  localDir?: string;
  /** Secrets provider for stacks the driver creates. */
  secretsProvider?: string;
  /** Where the JSON report goes: a file path (absolute) or "-" for stdout. */
  json?: string;
}

export type ParseResult = { help: true } | { help: false; options: DriverOptions };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const USAGE = `Usage: npm run platform -- <command> --stack NAME [--stack NAME ...] [options]

Runs this repository's Pulumi program (Pulumi.yaml + index.ts) through the Automation API.

Commands:
  preview   show what up would change; on protected stacks also what the gate would refuse
  up        deploy; a protected stack is previewed first and refused if a protected
            resource would be replaced or deleted (unless --allow-replace)
  refresh   reconcile the state with the cloud (the stack must exist)
  destroy   delete every resource (the stack must exist); several stacks run in reverse
            order; gated like up on protected stacks
  outputs   print the stacks' non-secret outputs (the stack must exist)

Options:
  -s, --stack NAME          stack to operate on; repeat or comma-separate for several
  -p, --parallel N          run up to N stacks at once (default 1)
      --config KEY=VALUE    set a config value before the operation; KEY is a property
                            path: cluster.region=eu-west-1, apps[0].image=...
      --secret KEY=VALUE    the same, stored encrypted; values are never printed
      --allow-replace       let up/destroy replace or delete protected resources
      --refresh             refresh the state first (preview, up, destroy)
      --message TEXT        message recorded with the update
      --backend URL         state backend (default: PULUMI_BACKEND_URL, else the CLI's login)
      --local [DIR]         file backend in DIR (default ${DEFAULT_LOCAL_DIR}) with passphrase
                            secrets (needs PULUMI_CONFIG_PASSPHRASE or ..._FILE)
      --secrets-provider P  secrets provider of stacks the driver creates
                            (passphrase, awskms://..., gcpkms://..., azurekeyvault://...)
      --json FILE|-         write the JSON report to FILE, or to stdout with -
  -h, --help                show this help

Exit codes: 0 success, 1 an operation failed, 2 the promotion gate refused,
            3 setup error (no Pulumi CLI, not logged in, no passphrase),
            64 bad usage, 130 cancelled by SIGINT/SIGTERM.`;

/** Pulumi stack names: `name`, `org/name` or `org/project/name`. */
const STACK_NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/;

/** Flags that take a value, with their short aliases. */
const VALUE_FLAGS: Record<string, string> = {
  "--stack": "--stack",
  "-s": "--stack",
  "--parallel": "--parallel",
  "-p": "--parallel",
  "--config": "--config",
  "--secret": "--secret",
  "--message": "--message",
  "--backend": "--backend",
  "--secrets-provider": "--secrets-provider",
  "--json": "--json",
};
const BOOLEAN_FLAGS = new Set(["--allow-replace", "--refresh", "--help", "-h"]);

/** Parses `KEY=VALUE` of --config/--secret. The error never includes the value. */
export function parseConfigEntry(flag: string, raw: string, secret: boolean): ConfigEntry {
  const eq = raw.indexOf("=");
  const key = eq < 0 ? raw : raw.slice(0, eq);
  if (eq < 0) {
    throw new UsageError(`${flag} ${secret ? "<redacted>" : raw}: expected KEY=VALUE`);
  }
  if (key.trim() === "" || /\s/.test(key)) {
    throw new UsageError(`${flag}: the key before "=" must be non-empty and contain no spaces`);
  }
  return { key, value: raw.slice(eq + 1), secret };
}

/** Normalises a config key to its namespaced top-level form for duplicate detection. */
function normaliseKey(key: string): string {
  return key.includes(":") ? key : `kube-platform:${key}`;
}

/**
 * Parses the driver's arguments (without `node` and the script). `cwd` resolves relative paths
 * the user typed (--json, --local DIR); `repoRoot` anchors the default --local directory.
 */
export function parseArgs(argv: readonly string[], cwd: string, repoRoot: string): ParseResult {
  let command: Command | undefined;
  const stacks: string[] = [];
  const config: ConfigEntry[] = [];
  let parallel = 1;
  let allowReplace = false;
  let refresh = false;
  let message: string | undefined;
  let backend: string | undefined;
  let local: string | undefined | null = null; // null: not given; undefined: given without DIR
  let secretsProvider: string | undefined;
  let json: string | undefined;
  let help = false;

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--") {
      throw new UsageError(`unexpected "--"`);
    }
    if (!token.startsWith("-")) {
      if (command !== undefined) {
        throw new UsageError(`unexpected argument "${token}" (the command is already "${command}")`);
      }
      if (!(COMMANDS as readonly string[]).includes(token)) {
        throw new UsageError(`unknown command "${token}"; expected one of ${COMMANDS.join(", ")}`);
      }
      command = token as Command;
      continue;
    }
    const eq = token.startsWith("--") ? token.indexOf("=") : -1;
    const name = eq >= 0 ? token.slice(0, eq) : token;
    const inline = eq >= 0 ? token.slice(eq + 1) : undefined;

    if (name === "--local") {
      if (inline !== undefined) {
        local = inline;
      } else {
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith("-") && !(COMMANDS as readonly string[]).includes(next)) {
          local = next;
          i++;
        } else {
          local = undefined;
        }
      }
      if (local === "") {
        throw new UsageError(`--local: the directory must not be empty`);
      }
      continue;
    }
    if (BOOLEAN_FLAGS.has(name)) {
      if (inline !== undefined) {
        throw new UsageError(`${name} takes no value`);
      }
      if (name === "--allow-replace") allowReplace = true;
      else if (name === "--refresh") refresh = true;
      else help = true;
      continue;
    }
    const flag = VALUE_FLAGS[name];
    if (flag === undefined) {
      throw new UsageError(`unknown option "${name}"`);
    }
    let value = inline;
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith("-") && value !== "-")) {
        throw new UsageError(`${name} needs a value`);
      }
      i++;
    }
    switch (flag) {
      case "--stack":
        for (const part of value.split(",")) {
          const stack = part.trim();
          if (!STACK_NAME.test(stack)) {
            throw new UsageError(
              `--stack "${part}": not a stack name (letters, digits, "-", "_", ".", optionally org/project/)`,
            );
          }
          if (stacks.includes(stack)) {
            throw new UsageError(`--stack ${stack} is given twice`);
          }
          stacks.push(stack);
        }
        break;
      case "--parallel": {
        if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 64) {
          throw new UsageError(`--parallel "${value}": expected a whole number from 1 to 64`);
        }
        parallel = Number(value);
        break;
      }
      case "--config":
      case "--secret": {
        const entry = parseConfigEntry(flag, value, flag === "--secret");
        if (config.some((c) => normaliseKey(c.key) === normaliseKey(entry.key))) {
          throw new UsageError(`config key "${entry.key}" is given twice`);
        }
        config.push(entry);
        break;
      }
      case "--message":
        message = value;
        break;
      case "--backend":
        if (value.trim() === "") throw new UsageError(`--backend needs a URL`);
        backend = value;
        break;
      case "--secrets-provider":
        if (value.trim() === "") throw new UsageError(`--secrets-provider needs a value`);
        secretsProvider = value;
        break;
      case "--json":
        json = value === "-" ? "-" : path.resolve(cwd, value);
        break;
    }
  }

  if (help) {
    return { help: true };
  }
  if (command === undefined) {
    throw new UsageError(`missing command; expected one of ${COMMANDS.join(", ")}`);
  }
  if (stacks.length === 0) {
    throw new UsageError(`missing --stack (which stack should ${command} run on?)`);
  }
  if (local !== null && backend !== undefined) {
    throw new UsageError(`--local and --backend are exclusive (--local is --backend file://DIR)`);
  }
  if (config.length > 0 && command === "outputs") {
    throw new UsageError(`--config/--secret have no effect on outputs`);
  }
  if (allowReplace && command !== "up" && command !== "destroy") {
    throw new UsageError(`--allow-replace applies to up and destroy only`);
  }
  if (refresh && command !== "preview" && command !== "up" && command !== "destroy") {
    throw new UsageError(`--refresh applies to preview, up and destroy only`);
  }
  if (message !== undefined && command === "outputs") {
    throw new UsageError(`--message has no effect on outputs`);
  }

  const localDir =
    local === null
      ? undefined
      : path.resolve(local === undefined ? repoRoot : cwd, local ?? DEFAULT_LOCAL_DIR);
  return {
    help: false,
    options: {
      command,
      stacks,
      parallel,
      config,
      allowReplace,
      refresh,
      ...(message !== undefined ? { message } : {}),
      ...(backend !== undefined ? { backend } : {}),
      ...(localDir !== undefined ? { localDir } : {}),
      ...(secretsProvider !== undefined
        ? { secretsProvider }
        : localDir !== undefined
          ? { secretsProvider: "passphrase" }
          : {}),
      ...(json !== undefined ? { json } : {}),
    },
  };
}

/** The stacks in the order they start: destroy runs the given order backwards. */
export function executionOrder(command: Command, stacks: readonly string[]): string[] {
  return command === "destroy" ? [...stacks].reverse() : [...stacks];
}

/** The backend URL the driver sets for the CLI (PULUMI_BACKEND_URL), if a flag chose one. */
export function backendUrl(options: DriverOptions): string | undefined {
  if (options.localDir !== undefined) {
    return `file://${options.localDir}`;
  }
  return options.backend;
}

/** Environment problems found before any CLI call (the exit code is 3). */
export function preflightProblems(
  options: DriverOptions,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const problems: string[] = [];
  const passphraseSet =
    env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined;
  if (options.secretsProvider === "passphrase" && !passphraseSet) {
    problems.push(
      `the passphrase secrets provider${options.localDir !== undefined ? " (used by --local)" : ""} needs ` +
        `PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE in the environment ` +
        `(an empty PULUMI_CONFIG_PASSPHRASE="" is allowed for throwaway local stacks)`,
    );
  }
  return problems;
}
