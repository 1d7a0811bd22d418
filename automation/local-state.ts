// Where `npm run local` keeps its files, outside the repository: the kind cluster's kubeconfig (where
// Pulumi.dev.yaml's cluster.kubeconfigPath says) and the local state (args.ts localStateDir), and
// the state an earlier version left in the repository.

import * as fs from "fs";
import * as path from "path";
import { expandHome } from "../stacks/config";
import { KIND_CLUSTER } from "./local-kind";

/**
 * The shipped Pulumi.dev.yaml's cluster.kubeconfigPath: the kind cluster's kubeconfig in the
 * per-user state directory (outside the repository). The command writes it where the stack file
 * says (kindKubeconfigPath), so an edited path is honoured.
 */
export const KIND_KUBECONFIG = "~/.local/state/kube-platform/kind-kubeconfig.yaml";

/**
 * Where Pulumi.dev.yaml's cluster.kubeconfigPath points: a leading `~` or `~/` is the user's home
 * and a relative path is relative to the project directory, as stacks/config.ts reads it at
 * `pulumi up` (expandHome; `~bob/x` is a relative path there too). Undefined without a HOME.
 */
export function kindKubeconfigPath(
  kubeconfigPath: string,
  env: Readonly<Record<string, string | undefined>>,
  repoRoot: string,
): string | undefined {
  if (kubeconfigPath !== "~" && !kubeconfigPath.startsWith("~/")) {
    return path.resolve(repoRoot, kubeconfigPath);
  }
  return env.HOME ? expandHome(kubeconfigPath, env.HOME) : undefined;
}

/** Where versions before the per-user state directory kept the local state: in the repository. */
export const LEGACY_LOCAL_DIR = ".pulumi-local";

/** How to name a path in a shell command: as is when it needs no quoting (a leading `~/` expands). */
function shellPath(p: string): string {
  return /^[\w@%+=:,./~-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`;
}

/** What the quick start's state file needs besides the state: the kubeconfig file and the passphrase. */
export interface LegacyStateContext {
  /** The kubeconfig file the stack reads (cluster.kubeconfigPath); default: the shipped KIND_KUBECONFIG. */
  kubeconfigFile?: string;
  /**
   * The environment the quick start runs with: an empty PULUMI_CONFIG_PASSPHRASE (the quick start's
   * own, or the user's) is repeated in the driver command, which needs one set.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The local state of an earlier version, still in the repository while the state directory has
 * none: running on would start an empty stack next to the cluster's objects (and `destroy` would
 * find nothing to destroy). The lines that say how to move it, or to keep using it with the driver
 * for up and for destroy: the driver reads the kind kubeconfig where the stack file says, so it is
 * written there first (`kind get kubeconfig`; the earlier version kept it in the repository).
 * Undefined if there is no such state.
 */
export function legacyStateProblem(
  repoRoot: string,
  localDir: string,
  stack: string,
  o: LegacyStateContext = {},
): string[] | undefined {
  const legacy = path.join(repoRoot, LEGACY_LOCAL_DIR);
  // A file backend keeps its stacks under <dir>/.pulumi (pulumi/pulumi pkg/backend/diy store.go,
  // workspace.BookkeepingDir).
  if (!fs.existsSync(path.join(legacy, ".pulumi")) || fs.existsSync(path.join(localDir, ".pulumi"))) {
    return undefined;
  }
  const kubeconfig = o.kubeconfigFile ?? KIND_KUBECONFIG;
  const passphrase = o.env?.PULUMI_CONFIG_PASSPHRASE === "" ? "PULUMI_CONFIG_PASSPHRASE= " : "";
  const driver = `${passphrase}npm run platform -- <command> --stack ${stack} --local ${LEGACY_LOCAL_DIR}`;
  return [
    `error: the local state of an earlier version is in ${legacy}; this version keeps it in ${localDir}`,
    `  hint: move it: mkdir -p ${shellPath(localDir)} && mv ${shellPath(path.join(legacy, ".pulumi"))} ` +
      `${shellPath(localDir)}/ (then npm run local, or npm run local -- destroy, again)`,
    `  hint: or keep it where it is, with the driver, from ${repoRoot}: first write the kind ` +
      `cluster's kubeconfig where Pulumi.${stack}.yaml reads it: mkdir -p ` +
      `${shellPath(path.dirname(kubeconfig))} && (umask 077; kind get kubeconfig --name ${KIND_CLUSTER} > ` +
      `${shellPath(kubeconfig)})`,
    `    then up: ${driver.replace("<command>", "up")} --refresh`,
    `    or destroy: ${driver.replace("<command>", "destroy")} && kind delete cluster --name ${KIND_CLUSTER}`,
  ];
}
