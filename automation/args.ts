// Command-line parsing for the pipeline driver: argv → a typed options object, or a UsageError
// that names the bad argument. Pure: no I/O, no environment reads (the caller passes cwd, which
// resolves relative paths, and the environment, which places the default --local directory).

import * as path from "path";

export const COMMANDS = ["preview", "up", "refresh", "destroy", "outputs", "drift"] as const;
export type Command = (typeof COMMANDS)[number];

/** The per-user state directory's name under $XDG_STATE_HOME (or ~/.local/state). */
export const STATE_DIR_NAME = "kube-platform";

/**
 * This user's state directory outside any checkout: `$XDG_STATE_HOME/kube-platform`, else
 * `~/.local/state/kube-platform` (XDG Base Directory Specification: $XDG_STATE_HOME defaults to
 * $HOME/.local/state, and a relative value is invalid and ignored). Undefined without either.
 * The default `--local` state directory and the quick start's kind kubeconfig live there.
 */
export function localStateDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const xdg = env.XDG_STATE_HOME;
  if (xdg !== undefined && path.isAbsolute(xdg)) return path.join(xdg, STATE_DIR_NAME);
  const home = env.HOME;
  if (home === undefined || !path.isAbsolute(home)) return undefined;
  return path.join(home, ".local", "state", STATE_DIR_NAME);
}

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
  /** Policy pack directories (absolute) run with preview/up (`--policy-pack`), in the order given. */
  policyPacks: string[];
  /** Resource URNs the operation is limited to (`--target`). */
  targets: string[];
  /** Fail when the operation would change anything (`--expect-no-changes`, exit code 7). */
  expectNoChanges: boolean;
  /** Print each step's property diff in the progress output. */
  diff: boolean;
  /** Print the secret outputs for the operator (never into the report). */
  showSecrets: boolean;
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
  "--policy-pack": "--policy-pack",
  "--target": "--target",
};
const BOOLEAN_FLAGS = new Set([
  "--allow-replace",
  "--refresh",
  "--expect-no-changes",
  "--diff",
  "--show-secrets",
  "--help",
  "-h",
]);

/**
 * The commands each flag applies to: the options the pinned SDK offers per operation
 * (node_modules/@pulumi/pulumi/automation/stack.d.ts: UpOptions, PreviewOptions, RefreshOptions,
 * DestroyOptions). `policyPacks` exist for preview and up only (as `--policy-pack` in the CLI:
 * pulumi/pulumi pkg/cmd/pulumi/operations preview.go, up.go); `expectNoChanges` not for destroy;
 * `diff` not for refresh; drift (a refresh preview) changes nothing, so it takes no config.
 */
export const FLAG_COMMANDS: Readonly<Record<string, readonly Command[]>> = {
  "--config": ["preview", "up", "refresh", "destroy"],
  "--secret": ["preview", "up", "refresh", "destroy"],
  "--allow-replace": ["up", "destroy"],
  "--refresh": ["preview", "up", "destroy"],
  "--message": ["preview", "up", "refresh", "destroy", "drift"],
  "--policy-pack": ["preview", "up"],
  "--target": ["preview", "up", "refresh", "destroy", "drift"],
  "--expect-no-changes": ["preview", "up", "refresh"],
  "--diff": ["preview", "up", "destroy"],
  "--show-secrets": ["up", "refresh", "outputs"],
};

function list(items: readonly string[]): string {
  return items.length < 2
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** Throws when `flag` (given on the command line) does not apply to `command`. */
function checkApplies(flag: string, command: Command): void {
  const commands = FLAG_COMMANDS[flag] ?? COMMANDS;
  if (!commands.includes(command)) {
    throw new UsageError(`${flag} applies to ${list(commands)} only; it has no effect on ${command}`);
  }
}

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

/** What the command line gave so far (parseArgs' accumulator). */
interface Given {
  stacks: string[];
  config: ConfigEntry[];
  policyPacks: string[];
  targets: string[];
  parallel: number;
  message?: string;
  backend?: string;
  secretsProvider?: string;
  json?: string;
}

/** Takes the value of one value flag (VALUE_FLAGS) into `g`; throws a UsageError naming a bad one. */
function takeValue(g: Given, flag: string, value: string, cwd: string): void {
  switch (flag) {
    case "--stack":
      for (const part of value.split(",")) {
        const stack = part.trim();
        if (!STACK_NAME.test(stack)) {
          throw new UsageError(
            `--stack "${part}": not a stack name (letters, digits, "-", "_", ".", optionally org/project/)`,
          );
        }
        if (g.stacks.includes(stack)) {
          throw new UsageError(`--stack ${stack} is given twice`);
        }
        g.stacks.push(stack);
      }
      break;
    case "--parallel": {
      if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 64) {
        throw new UsageError(`--parallel "${value}": expected a whole number from 1 to 64`);
      }
      g.parallel = Number(value);
      break;
    }
    case "--config":
    case "--secret": {
      const entry = parseConfigEntry(flag, value, flag === "--secret");
      if (g.config.some((c) => normaliseKey(c.key) === normaliseKey(entry.key))) {
        throw new UsageError(`config key "${entry.key}" is given twice`);
      }
      g.config.push(entry);
      break;
    }
    case "--message":
      g.message = value;
      break;
    case "--backend":
      if (value.trim() === "") throw new UsageError(`--backend needs a URL`);
      g.backend = value;
      break;
    case "--secrets-provider":
      if (value.trim() === "") throw new UsageError(`--secrets-provider needs a value`);
      g.secretsProvider = value;
      break;
    case "--json":
      g.json = value === "-" ? "-" : path.resolve(cwd, value);
      break;
    case "--policy-pack": {
      const dir = path.resolve(cwd, value);
      if (g.policyPacks.includes(dir)) throw new UsageError(`--policy-pack ${value} is given twice`);
      g.policyPacks.push(dir);
      break;
    }
    case "--target":
      // A URN, or a URN pattern with `*` / `**` (Pulumi's --target globs).
      if (!value.startsWith("urn:pulumi:")) {
        throw new UsageError(
          `--target "${value}": expected a resource URN (urn:pulumi:<stack>::<project>::...)`,
        );
      }
      if (!g.targets.includes(value)) g.targets.push(value);
      break;
  }
}

/**
 * Parses the driver's arguments (without `node` and the script). `cwd` resolves relative paths
 * the user typed (--json, --local DIR, --policy-pack DIR); `env` places the default --local
 * directory (localStateDir).
 */
export function parseArgs(
  argv: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): ParseResult {
  let command: Command | undefined;
  const g: Given = { stacks: [], config: [], policyPacks: [], targets: [], parallel: 1 };
  const given = new Set<string>();
  const booleans = new Set<string>();
  let local: string | undefined | null = null; // null: not given; undefined: given without DIR
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
      if (name === "--help" || name === "-h") help = true;
      else booleans.add(name);
      continue;
    }
    const flag = VALUE_FLAGS[name];
    if (flag === undefined) {
      throw new UsageError(`unknown option "${name}"`);
    }
    given.add(flag);
    let value = inline;
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith("-") && value !== "-")) {
        throw new UsageError(`${name} needs a value`);
      }
      i++;
    }
    takeValue(g, flag, value, cwd);
  }

  if (help) {
    return { help: true };
  }
  if (command === undefined) {
    throw new UsageError(`missing command; expected one of ${COMMANDS.join(", ")}`);
  }
  if (g.stacks.length === 0) {
    throw new UsageError(`missing --stack (which stack should ${command} run on?)`);
  }
  if (local !== null && g.backend !== undefined) {
    throw new UsageError(`--local and --backend are exclusive (--local is --backend file://DIR)`);
  }
  for (const flag of [...given, ...booleans]) checkApplies(flag, command);

  let localDir: string | undefined;
  if (local !== null) {
    const dir = local === undefined ? localStateDir(env) : path.resolve(cwd, local);
    if (dir === undefined) {
      throw new UsageError(
        "--local without DIR keeps the state in $XDG_STATE_HOME/kube-platform or ~/.local/state/kube-platform, " +
          "but neither XDG_STATE_HOME nor HOME is set to an absolute path: give --local DIR",
      );
    }
    localDir = dir;
  }
  const { message, backend, secretsProvider, json } = g;
  return {
    help: false,
    options: {
      command,
      stacks: g.stacks,
      parallel: g.parallel,
      config: g.config,
      allowReplace: booleans.has("--allow-replace"),
      refresh: booleans.has("--refresh"),
      policyPacks: g.policyPacks,
      targets: g.targets,
      expectNoChanges: booleans.has("--expect-no-changes"),
      diff: booleans.has("--diff"),
      showSecrets: booleans.has("--show-secrets"),
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

/** Environment problems found before any CLI call (the exit code is EXIT.setup). */
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
