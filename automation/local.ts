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

import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { readStackFile } from "../offline/stacks";
import { localStateDir } from "./args";
import { type DriverIO, REPO_ROOT, runDriver } from "./driver";
import { EXIT } from "./exit-codes";
import { exitWith, processIO } from "./process-io";
import {
  KIND_CLUSTER,
  KIND_CONTEXT,
  KIND_NODE,
  type RunResult,
  clusterState,
  kindVersionWarning,
  refusal,
} from "./local-kind";
import { localPreflight } from "./local-preflight";
import { KIND_KUBECONFIG, kindKubeconfigPath, legacyStateProblem } from "./local-state";
import type { Report } from "./report";

export { KIND_CLUSTER, KIND_CONTEXT } from "./local-kind";
export { KIND_KUBECONFIG, LEGACY_LOCAL_DIR } from "./local-state";

/** The stack the local path deploys (Pulumi.dev.yaml). */
export const LOCAL_STACK = "dev";
/** The shipped kind cluster config, relative to the repository. */
export const KIND_CONFIG = "examples/kind-cluster.yaml";
export const LOCAL_USAGE = `Usage: npm run local [-- up | destroy]

Runs the whole platform (stack dev, Pulumi.dev.yaml) on a local kind cluster. Needs Docker,
kind and the Pulumi CLI; no cloud account, no Pulumi login.

  up (default)  run the preflight on Pulumi.${LOCAL_STACK}.yaml, create the kind cluster "${KIND_CLUSTER}" from
                ${KIND_CONFIG} if it does not exist, then pulumi up --refresh on stack ${LOCAL_STACK}
  destroy       pulumi destroy on stack ${LOCAL_STACK}, then delete the kind cluster

Only a cluster this command created (its node has the label set in ${KIND_CONFIG}) is used or deleted.
Nothing is written into the repository: the state is in $XDG_STATE_HOME/kube-platform (else
~/.local/state/kube-platform), the kind kubeconfig where Pulumi.${LOCAL_STACK}.yaml's cluster.kubeconfigPath says
(${KIND_KUBECONFIG}). A state kept in the repository's .pulumi-local/ by an earlier
version: npm run platform -- <command> --stack ${LOCAL_STACK} --local .pulumi-local

Secrets use the passphrase in PULUMI_CONFIG_PASSPHRASE (or _FILE); an empty one if neither is set.`;

export interface LocalIO extends DriverIO {
  /** Sets a variable in the environment the Pulumi CLI inherits (the Automation API passes its own). */
  setEnv(name: string, value: string): void;
}

class MissingTool extends Error {}

/** Runs a command; its stderr (and stdout unless captured) goes to `io.stderr` as it comes. */
function run(io: LocalIO, cmd: string, args: string[], capture: boolean): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: io.env as NodeJS.ProcessEnv,
      cwd: io.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: string[] = [];
    const err: string[] = [];
    child.stdout.on("data", (d: Buffer) => (capture ? out.push(d.toString()) : io.stderr(d.toString())));
    child.stderr.on("data", (d: Buffer) => {
      err.push(d.toString());
      if (!capture) io.stderr(d.toString());
    });
    child.on("error", (e: NodeJS.ErrnoException) => reject(e.code === "ENOENT" ? new MissingTool(cmd) : e));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout: out.join(""), stderr: err.join("") }));
  });
}

const INSTALL: Record<string, string> = {
  docker: "install Docker: https://docs.docker.com/get-docker/",
  kind: "install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation",
};

/** The host ports the shipped kind config maps: containerPort → "listenAddress:hostPort". */
function expectedPortMappings(repoRoot: string): Map<number, string> {
  const doc = parse(fs.readFileSync(path.join(repoRoot, KIND_CONFIG), "utf8")) as {
    nodes?: { extraPortMappings?: { containerPort: number; hostPort: number; listenAddress?: string }[] }[];
  };
  const mappings = (doc.nodes ?? []).flatMap((n) => n.extraPortMappings ?? []);
  return new Map(mappings.map((m) => [m.containerPort, `${m.listenAddress ?? "0.0.0.0"}:${m.hostPort}`]));
}

function readReport(file: string): Report | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Report;
  } catch {
    return undefined;
  }
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
  if (argv.length === 1 && (argv[0] === "-h" || argv[0] === "--help")) {
    io.stdout(`${LOCAL_USAGE}\n`);
    return EXIT.success;
  }
  if (argv.length > 1 || (argv.length === 1 && argv[0] !== "up" && argv[0] !== "destroy")) {
    io.stderr(`error: unexpected arguments "${argv.join(" ")}"\n${LOCAL_USAGE}\n`);
    return EXIT.usage;
  }
  const command = argv[0] === "destroy" ? "destroy" : "up";
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
  const legacy = legacyStateProblem(repoRoot, localDir, LOCAL_STACK);
  if (legacy) {
    for (const line of legacy) log(line);
    return EXIT.setup;
  }
  // Whether the output (the engine's diagnostics included) carried the provider's unreachable hint.
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
  const runtime = usesDocker ? "docker" : provider;

  try {
    if (usesDocker) {
      const docker = await run(sub, "docker", ["info", "--format", "{{.ServerVersion}}"], true);
      if (docker.code !== 0) {
        log(`error: Docker is not running (docker info: ${docker.stderr.trim().split("\n")[0] ?? ""})`);
        log("  hint: start Docker Desktop or the docker service, then run npm run local again");
        return EXIT.setup;
      }
    }
    if (command === "up") {
      const version = await run(sub, "kind", ["version"], true);
      const warning = kindVersionWarning(version.stdout);
      if (warning) log(`warning: ${warning}`);
    }
    const clusters = await run(sub, "kind", ["get", "clusters"], true);
    if (clusters.code !== 0) {
      log(`error: kind get clusters failed: ${clusters.stderr.trim()}`);
      return EXIT.setup;
    }
    const exists = clusters.stdout.split("\n").some((l) => l.trim() === KIND_CLUSTER);
    if (exists) {
      // Only a running cluster this command created: never a user's own, never a stopped one (whose
      // objects would look gone to the refresh).
      const state = await clusterState((cmd, args) => run(sub, cmd, args, true), runtime);
      const refused = refusal(state, runtime, command);
      if (refused) {
        log(`error: ${refused[0]}`);
        for (const line of refused.slice(1)) log(line);
        return EXIT.setup;
      }
    }
    const report = path.join(os.tmpdir(), `kp-local-${process.pid}-${Date.now()}.json`);
    const driver = async (args: string[]): Promise<{ code: number; report?: Report }> => {
      const code = await runDriver(
        [args[0], "--stack", LOCAL_STACK, "--local", localDir, ...args.slice(1), "--json", report],
        sub,
        repoRoot,
      );
      const r = readReport(report);
      fs.rmSync(report, { force: true });
      return { code, report: r };
    };
    const writeKubeconfig = async (): Promise<boolean> => {
      // Only this cluster's credentials reach the stack (and its state), not all of ~/.kube/config.
      const k = await run(sub, "kind", ["get", "kubeconfig", "--name", KIND_CLUSTER], true);
      if (k.code !== 0) {
        log(`error: kind get kubeconfig failed: ${k.stderr.trim()}`);
        return false;
      }
      fs.mkdirSync(path.dirname(kubeconfigFile), { recursive: true });
      fs.writeFileSync(kubeconfigFile, k.stdout, { mode: 0o600 });
      return true;
    };

    if (command === "up") {
      // The deployability and security rules, before anything is created (preflight/plan.ts).
      const checked = await localPreflight(stackFile, LOCAL_STACK, log);
      if (checked !== EXIT.success) return checked;
      if (!exists) {
        log(
          `creating the kind cluster "${KIND_CLUSTER}" from ${KIND_CONFIG} (the first time pulls the node image)`,
        );
        const created = await run(
          sub,
          "kind",
          [
            "create",
            "cluster",
            "--name",
            KIND_CLUSTER,
            "--config",
            path.join(repoRoot, KIND_CONFIG),
            "--wait",
            "120s",
          ],
          false,
        );
        if (created.code !== 0) {
          log("error: kind create cluster failed (see above)");
          log(`  hint: ports 80 and 443 on 127.0.0.1 must be free (or change hostPort in ${KIND_CONFIG})`);
          return EXIT.setup;
        }
        // A new cluster: whatever the state still holds about Kubernetes objects belongs to an
        // earlier one (deleted outside this command). The refresh below reaches that cluster through
        // the provider's old kubeconfig and, with this set, drops those objects instead of failing
        // (pulumi-kubernetes: PULUMI_K8S_DELETE_UNREACHABLE), so that `up` recreates them here.
        setEnv("PULUMI_K8S_DELETE_UNREACHABLE", "true");
      } else {
        log(`using the existing kind cluster "${KIND_CLUSTER}" (created by this command)`);
        if (usesDocker) await checkPortMappings(sub, runtime, repoRoot, log);
      }
      if (!(await writeKubeconfig())) return EXIT.setup;
      // --refresh: a cluster recreated outside this command leaves state about objects that are gone.
      const { code, report: r } = await driver(["up", "--refresh"]);
      if (code === EXIT.success) printNextSteps(r, localDir, log);
      else if (exists && (unreachableHint.seen || /unreachable/i.test(r?.stacks[0]?.error?.message ?? ""))) {
        // The provider suggests PULUMI_K8S_DELETE_UNREACHABLE; here the cluster exists and holds
        // every object: dropping them from the state would make the next `up` collide with them.
        log(
          `note: the kind cluster "${KIND_CLUSTER}" exists, so do not set PULUMI_K8S_DELETE_UNREACHABLE: ` +
            "it would drop from the state objects that are still in the cluster",
        );
        log(
          `  hint: check that it answers (kubectl --context ${KIND_CONTEXT} get nodes); if Docker was ` +
            `restarted or paused: ${runtime} start ${KIND_NODE}, then npm run local again`,
        );
      }
      return code;
    }

    // destroy (the cluster, if it exists, is this command's: checked above)
    if (exists) {
      if (!(await writeKubeconfig())) return EXIT.setup;
    } else {
      // The cluster is gone: drop its objects from the state instead of failing to delete them
      // (pulumi-kubernetes: PULUMI_K8S_DELETE_UNREACHABLE, applied when refreshing).
      log(`the kind cluster "${KIND_CLUSTER}" does not exist: removing its objects from the stack's state`);
      setEnv("PULUMI_K8S_DELETE_UNREACHABLE", "true");
    }
    const { code, report: r } = await driver(exists ? ["destroy"] : ["destroy", "--refresh"]);
    const missing = r?.stacks[0]?.error?.kind === "missing-stack";
    if (missing) log(`stack ${LOCAL_STACK} does not exist in ${localDir}: nothing to destroy`);
    if (code !== EXIT.success && !missing) {
      log(`error: pulumi destroy failed; the kind cluster "${KIND_CLUSTER}" is kept so that you can look`);
      return code;
    }
    if (exists) {
      log(`deleting the kind cluster "${KIND_CLUSTER}" (created by this command)`);
      const deleted = await run(sub, "kind", ["delete", "cluster", "--name", KIND_CLUSTER], false);
      if (deleted.code !== 0) {
        log("error: kind delete cluster failed (see above)");
        return EXIT.failed;
      }
    }
    fs.rmSync(kubeconfigFile, { force: true });
    log("done: the stack is empty and the kind cluster is gone");
    return EXIT.success;
  } catch (e) {
    if (e instanceof MissingTool) {
      log(`error: ${e.message} not found on PATH; ${INSTALL[e.message] ?? ""}`);
      return EXIT.setup;
    }
    throw e;
  }
}

/** Warns when an existing cluster lacks the shipped port mappings (the ingress is then not on localhost). */
async function checkPortMappings(
  io: LocalIO,
  runtime: string,
  repoRoot: string,
  log: (line: string) => void,
): Promise<void> {
  const ports = await run(io, runtime, ["port", KIND_NODE], true);
  const published = ports.stdout.split("\n").map((l) => l.trim());
  for (const [containerPort, host] of expectedPortMappings(repoRoot)) {
    if (!published.includes(`${containerPort}/tcp -> ${host}`)) {
      log(
        `warning: the cluster does not map ${host} to node port ${containerPort} (it was not created from ` +
          `${KIND_CONFIG}): the deploy completes, but the ingress is not reachable on localhost; ` +
          "npm run local -- destroy, then npm run local, recreates it",
      );
    }
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
