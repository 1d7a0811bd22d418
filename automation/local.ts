// `npm run local [-- up | destroy]`: the whole platform on a kind cluster on this machine, in one
// command, with no cloud account and no Pulumi login. It creates the kind cluster from
// examples/kind-cluster.yaml when it does not exist, writes that cluster's kubeconfig where
// Pulumi.dev.yaml reads it (cluster.kubeconfigPath, in the per-user state directory), and runs the
// pipeline driver (./driver) on stack `dev` with the file backend in the per-user state directory
// ($XDG_STATE_HOME/kube-platform, else ~/.local/state/kube-platform: args.ts localStateDir) and the
// passphrase secrets provider (an empty passphrase unless PULUMI_CONFIG_PASSPHRASE or
// PULUMI_CONFIG_PASSPHRASE_FILE is set), after the offline preflight has passed on Pulumi.dev.yaml.
// Nothing is written into the repository. `destroy` destroys the stack, then deletes the kind
// cluster. It only deploys into, and deletes, a cluster it created (./local-kind: the cluster's name
// and node label).

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile } from "../offline/stacks";
import { localStateDir } from "./args";
import { type DriverIO, REPO_ROOT, runDriver } from "./driver";
import { EXIT } from "./exit-codes";
import { exitWith, processIO } from "./process-io";
import {
  KIND_CLUSTER,
  KIND_CONTEXT,
  KIND_NODE,
  clusterState,
  kindVersionWarning,
  refusal,
} from "./local-kind";
import { localPreflight } from "./local-preflight";
import { KIND_KUBECONFIG, kindKubeconfigPath, legacyStateProblem } from "./local-state";
import { INSTALL, KIND_CONFIG, MissingTool, checkPortMappings, run } from "./local-tools";
import type { Report } from "./report";

export { KIND_CLUSTER, KIND_CONTEXT } from "./local-kind";
export { KIND_CONFIG } from "./local-tools";
export { KIND_KUBECONFIG, LEGACY_LOCAL_DIR } from "./local-state";

/** The stack the local path deploys (Pulumi.dev.yaml). */
export const LOCAL_STACK = "dev";
export const LOCAL_USAGE = `Usage: npm run local [-- up | destroy]

Runs the whole platform (stack dev, Pulumi.dev.yaml) on a local kind cluster. Needs Docker,
kind and the Pulumi CLI; no cloud account, no Pulumi login.

  up (default)  run the preflight on Pulumi.${LOCAL_STACK}.yaml, create the kind cluster "${KIND_CLUSTER}" from
                ${KIND_CONFIG} if it does not exist, then pulumi up --refresh on stack ${LOCAL_STACK}
  destroy       pulumi destroy on stack ${LOCAL_STACK}, then delete the kind cluster

Only a cluster this command created (its node has the label set in ${KIND_CONFIG}) is used or deleted.
Nothing is written into the repository: the state is in $XDG_STATE_HOME/kube-platform (else
~/.local/state/kube-platform), the kind kubeconfig where Pulumi.${LOCAL_STACK}.yaml's cluster.kubeconfigPath says
(${KIND_KUBECONFIG}). A state an earlier version kept in the repository's .pulumi-local/ is
found, and the command says how to move it or keep using it.

Secrets use the passphrase in PULUMI_CONFIG_PASSPHRASE (or _FILE); an empty one if neither is set.`;

export interface LocalIO extends DriverIO {
  /** Sets a variable in the environment the Pulumi CLI inherits (the Automation API passes its own). */
  setEnv(name: string, value: string): void;
}

function readReport(file: string): Report | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Report;
  } catch {
    return undefined;
  }
}

/** What one run of the local command works with, once the arguments and this machine are checked. */
interface LocalRun {
  command: "up" | "destroy";
  /** The streams and environment the tools and the driver get (stderr watched for the unreachable hint). */
  io: LocalIO;
  /** Sets a variable for this run and for the Pulumi CLI it starts. */
  setEnv(name: string, value: string): void;
  log(line: string): void;
  repoRoot: string;
  stackFile: string;
  /** The per-user state directory (the file backend). */
  localDir: string;
  /** Where Pulumi.dev.yaml's cluster.kubeconfigPath puts the kind cluster's kubeconfig. */
  kubeconfigFile: string;
  /** The container runtime kind runs on (its provider's CLI), and whether that is Docker. */
  runtime: string;
  usesDocker: boolean;
  /** Whether the output (the engine's diagnostics included) carried the provider's unreachable hint. */
  unreachableHint: { seen: boolean };
}

/** The command of `argv` ("up" or "destroy"), or the exit code of a help or usage answer. */
function localCommand(argv: readonly string[], io: LocalIO): "up" | "destroy" | number {
  if (argv.length === 1 && (argv[0] === "-h" || argv[0] === "--help")) {
    io.stdout(`${LOCAL_USAGE}\n`);
    return EXIT.success;
  }
  if (argv.length > 1 || (argv.length === 1 && argv[0] !== "up" && argv[0] !== "destroy")) {
    io.stderr(`error: unexpected arguments "${argv.join(" ")}"\n${LOCAL_USAGE}\n`);
    return EXIT.usage;
  }
  return argv[0] === "destroy" ? "destroy" : "up";
}

/**
 * The run's environment and paths: the passphrase, the per-user state directory, the kubeconfig
 * file; EXIT.setup when there is no per-user directory or a state is left in the repository.
 */
function localRun(
  command: "up" | "destroy",
  io: LocalIO,
  repoRoot: string,
  log: (line: string) => void,
): LocalRun | number {
  const env: Record<string, string | undefined> = { ...io.env };
  const setEnv = (name: string, value: string): void => {
    env[name] = value;
    io.setEnv(name, value);
  };
  if (env.PULUMI_CONFIG_PASSPHRASE === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined) {
    log("secrets use an empty passphrase (set PULUMI_CONFIG_PASSPHRASE to choose one)");
    setEnv("PULUMI_CONFIG_PASSPHRASE", "");
  }
  const stackFile = path.join(repoRoot, `Pulumi.${LOCAL_STACK}.yaml`);
  const localDir = localStateDir(env);
  const cluster = readStackFile(stackFile).cluster as { kubeconfigPath?: unknown } | undefined;
  const kubeconfigPath =
    typeof cluster?.kubeconfigPath === "string" ? cluster.kubeconfigPath : KIND_KUBECONFIG;
  const kubeconfigFile = kindKubeconfigPath(kubeconfigPath, env, repoRoot);
  if (localDir === undefined || kubeconfigFile === undefined) {
    log("error: HOME is not set (nor XDG_STATE_HOME): there is no per-user directory for the local state");
    return EXIT.setup;
  }
  const legacy = legacyStateProblem(repoRoot, localDir, LOCAL_STACK, { kubeconfigFile, env });
  if (legacy) {
    for (const line of legacy) log(line);
    return EXIT.setup;
  }
  const unreachableHint = { seen: false };
  const sub: LocalIO = {
    ...io,
    env,
    stderr: (text) => {
      if (text.includes("PULUMI_K8S_DELETE_UNREACHABLE")) unreachableHint.seen = true;
      io.stderr(text);
    },
  };
  // kind can run on podman/nerdctl (KIND_EXPERIMENTAL_PROVIDER); Docker is checked only when used.
  // The node container is inspected with the provider's own CLI: the variable's value is that
  // binary's name (kind pkg/internal/runtime: podman, docker, nerdctl, finch, nerdctl.lima).
  const provider = env.KIND_EXPERIMENTAL_PROVIDER;
  const usesDocker = provider === undefined || provider === "" || provider === "docker";
  return {
    command,
    io: sub,
    setEnv,
    log,
    repoRoot,
    stackFile,
    localDir,
    kubeconfigFile,
    runtime: usesDocker ? "docker" : provider,
    usesDocker,
    unreachableHint,
  };
}

/**
 * Whether the kind cluster exists, once Docker (when used) and kind answer and an existing cluster
 * is a running one this command created; else EXIT.setup.
 */
async function checkMachine(l: LocalRun): Promise<{ exists: boolean } | number> {
  const { io, log } = l;
  if (l.usesDocker) {
    const docker = await run(io, "docker", ["info", "--format", "{{.ServerVersion}}"], true);
    if (docker.code !== 0) {
      log(`error: Docker is not running (docker info: ${docker.stderr.trim().split("\n")[0] ?? ""})`);
      log("  hint: start Docker Desktop or the docker service, then run npm run local again");
      return EXIT.setup;
    }
  }
  if (l.command === "up") {
    const version = await run(io, "kind", ["version"], true);
    const warning = kindVersionWarning(version.stdout);
    if (warning) log(`warning: ${warning}`);
  }
  const clusters = await run(io, "kind", ["get", "clusters"], true);
  if (clusters.code !== 0) {
    log(`error: kind get clusters failed: ${clusters.stderr.trim()}`);
    return EXIT.setup;
  }
  const exists = clusters.stdout.split("\n").some((line) => line.trim() === KIND_CLUSTER);
  if (exists) {
    // Only a running cluster this command created: never a user's own, never a stopped one (whose
    // objects would look gone to the refresh).
    const state = await clusterState((cmd, args) => run(io, cmd, args, true), l.runtime);
    const refused = refusal(state, l.runtime, l.command);
    if (refused) {
      log(`error: ${refused[0]}`);
      for (const line of refused.slice(1)) log(line);
      return EXIT.setup;
    }
  }
  return { exists };
}

/** Runs the driver on the local stack with the file backend; its report is read, then removed. */
async function driver(l: LocalRun, args: string[]): Promise<{ code: number; report?: Report }> {
  const report = path.join(os.tmpdir(), `kp-local-${process.pid}-${Date.now()}.json`);
  const code = await runDriver(
    [args[0], "--stack", LOCAL_STACK, "--local", l.localDir, ...args.slice(1), "--json", report],
    l.io,
    l.repoRoot,
  );
  const r = readReport(report);
  fs.rmSync(report, { force: true });
  return { code, report: r };
}

/** Writes the kind cluster's kubeconfig where the stack reads it; false when kind cannot give it. */
async function writeKubeconfig(l: LocalRun): Promise<boolean> {
  // Only this cluster's credentials reach the stack (and its state), not all of ~/.kube/config.
  const k = await run(l.io, "kind", ["get", "kubeconfig", "--name", KIND_CLUSTER], true);
  if (k.code !== 0) {
    l.log(`error: kind get kubeconfig failed: ${k.stderr.trim()}`);
    return false;
  }
  fs.mkdirSync(path.dirname(l.kubeconfigFile), { recursive: true });
  fs.writeFileSync(l.kubeconfigFile, k.stdout, { mode: 0o600 });
  return true;
}

/** Creates the kind cluster from the shipped config; false when kind fails. */
async function createCluster(l: LocalRun): Promise<boolean> {
  l.log(
    `creating the kind cluster "${KIND_CLUSTER}" from ${KIND_CONFIG} (the first time pulls the node image)`,
  );
  const config = path.join(l.repoRoot, KIND_CONFIG);
  const args = ["create", "cluster", "--name", KIND_CLUSTER, "--config", config, "--wait", "120s"];
  const created = await run(l.io, "kind", args, false);
  if (created.code !== 0) {
    l.log("error: kind create cluster failed (see above)");
    l.log(`  hint: ports 80 and 443 on 127.0.0.1 must be free (or change hostPort in ${KIND_CONFIG})`);
    return false;
  }
  // A new cluster: whatever the state still holds about Kubernetes objects belongs to an earlier
  // one (deleted outside this command). The refresh below reaches that cluster through the
  // provider's old kubeconfig and, with this set, drops those objects instead of failing
  // (pulumi-kubernetes: PULUMI_K8S_DELETE_UNREACHABLE), so that `up` recreates them here.
  l.setEnv("PULUMI_K8S_DELETE_UNREACHABLE", "true");
  return true;
}

/** `up`: the preflight, the kind cluster (created when missing), its kubeconfig, pulumi up --refresh. */
async function localUp(l: LocalRun, exists: boolean): Promise<number> {
  const { log } = l;
  // The deployability and security rules, before anything is created (preflight/plan.ts).
  const checked = await localPreflight(l.stackFile, LOCAL_STACK, log);
  if (checked !== EXIT.success) return checked;
  if (!exists) {
    if (!(await createCluster(l))) return EXIT.setup;
  } else {
    log(`using the existing kind cluster "${KIND_CLUSTER}" (created by this command)`);
    if (l.usesDocker) await checkPortMappings(l.io, l.runtime, l.repoRoot, log);
  }
  if (!(await writeKubeconfig(l))) return EXIT.setup;
  // --refresh: a cluster recreated outside this command leaves state about objects that are gone.
  const { code, report: r } = await driver(l, ["up", "--refresh"]);
  if (code === EXIT.success) printNextSteps(r, l.localDir, log);
  else if (exists && (l.unreachableHint.seen || /unreachable/i.test(r?.stacks[0]?.error?.message ?? ""))) {
    // The provider suggests PULUMI_K8S_DELETE_UNREACHABLE; here the cluster exists and holds
    // every object: dropping them from the state would make the next `up` collide with them.
    log(
      `note: the kind cluster "${KIND_CLUSTER}" exists, so do not set PULUMI_K8S_DELETE_UNREACHABLE: ` +
        "it would drop from the state objects that are still in the cluster",
    );
    log(
      `  hint: check that it answers (kubectl --context ${KIND_CONTEXT} get nodes); if Docker was ` +
        `restarted or paused: ${l.runtime} start ${KIND_NODE}, then npm run local again`,
    );
  }
  return code;
}

/** `destroy`: pulumi destroy (dropping a deleted cluster's objects), then the kind cluster. */
async function localDestroy(l: LocalRun, exists: boolean): Promise<number> {
  const { log } = l;
  // The cluster, if it exists, is this command's: checked by checkMachine.
  if (exists) {
    if (!(await writeKubeconfig(l))) return EXIT.setup;
  } else {
    // The cluster is gone: drop its objects from the state instead of failing to delete them
    // (pulumi-kubernetes: PULUMI_K8S_DELETE_UNREACHABLE, applied when refreshing).
    log(`the kind cluster "${KIND_CLUSTER}" does not exist: removing its objects from the stack's state`);
    l.setEnv("PULUMI_K8S_DELETE_UNREACHABLE", "true");
  }
  const { code, report: r } = await driver(l, exists ? ["destroy"] : ["destroy", "--refresh"]);
  const missing = r?.stacks[0]?.error?.kind === "missing-stack";
  if (missing) log(`stack ${LOCAL_STACK} does not exist in ${l.localDir}: nothing to destroy`);
  if (code !== EXIT.success && !missing) {
    log(`error: pulumi destroy failed; the kind cluster "${KIND_CLUSTER}" is kept so that you can look`);
    return code;
  }
  if (exists) {
    log(`deleting the kind cluster "${KIND_CLUSTER}" (created by this command)`);
    const deleted = await run(l.io, "kind", ["delete", "cluster", "--name", KIND_CLUSTER], false);
    if (deleted.code !== 0) {
      log("error: kind delete cluster failed (see above)");
      return EXIT.failed;
    }
  }
  fs.rmSync(l.kubeconfigFile, { force: true });
  log("done: the stack is empty and the kind cluster is gone");
  return EXIT.success;
}

/**
 * The local command. Returns the exit code (./exit-codes): the driver's, EXIT.setup when this machine
 * is not ready (Docker, kind), and the preflight's before any change (EXIT.policy mandatory
 * violations, EXIT.usage invalid config).
 */
export async function runLocal(
  argv: readonly string[],
  io: LocalIO,
  repoRoot: string = REPO_ROOT,
): Promise<number> {
  const log = (line: string): void => io.stderr(`[local] ${line}\n`);
  const command = localCommand(argv, io);
  if (typeof command === "number") return command;
  const l = localRun(command, io, repoRoot, log);
  if (typeof l === "number") return l;
  try {
    const machine = await checkMachine(l);
    if (typeof machine === "number") return machine;
    return command === "up" ? await localUp(l, machine.exists) : await localDestroy(l, machine.exists);
  } catch (e) {
    if (e instanceof MissingTool) {
      log(`error: ${e.message} not found on PATH; ${INSTALL[e.message] ?? ""}`);
      return EXIT.setup;
    }
    throw e;
  }
}

function printNextSteps(r: Report | undefined, localDir: string, log: (line: string) => void): void {
  const outputs = r?.stacks[0]?.outputs ?? {};
  const apps = (outputs.apps ?? {}) as Record<string, { url?: string }>;
  log(`the platform runs on kind (kubectl --context ${KIND_CONTEXT}):`);
  for (const [name, a] of Object.entries(apps)) {
    if (a.url) log(`  ${name}: ${a.url} (self-signed certificate: curl -k, or trust the platform's CA)`);
  }
  log(`  Grafana: kubectl --context ${KIND_CONTEXT} -n monitoring port-forward svc/kps-grafana 3000:80`);
  log(
    `  the Pulumi CLI on this stack: PULUMI_BACKEND_URL=file://${localDir} pulumi stack output -s ${LOCAL_STACK} ` +
      "(with the same PULUMI_CONFIG_PASSPHRASE)",
  );
  log("  tear down: npm run local -- destroy");
}

function main(): void {
  exitWith(
    runLocal(process.argv.slice(2), {
      ...processIO(),
      setEnv: (name, value) => {
        process.env[name] = value;
      },
    }),
  );
}

if (require.main === module) main();
