// Where `npm run local` keeps its files, outside the repository: the kind cluster's kubeconfig (where
// Pulumi.dev.yaml's cluster.kubeconfigPath says) and the local state (args.ts localStateDir), and
// the state an earlier version left in the repository.

import * as fs from "fs";
import * as path from "path";

/**
 * The shipped Pulumi.dev.yaml's cluster.kubeconfigPath: the kind cluster's kubeconfig in the
 * per-user state directory (outside the repository). The command writes it where the stack file
 * says (kindKubeconfigPath), so an edited path is honoured.
 */
export const KIND_KUBECONFIG = "~/.local/state/kube-platform/kind-kubeconfig.yaml";

/**
 * Where Pulumi.dev.yaml's cluster.kubeconfigPath points: `~` is the user's home and a relative path
 * is relative to the project directory, as stacks/config.ts reads it at `pulumi up`.
 */
export function kindKubeconfigPath(
  kubeconfigPath: string,
  env: Readonly<Record<string, string | undefined>>,
  repoRoot: string,
): string | undefined {
  if (kubeconfigPath === "~" || kubeconfigPath.startsWith("~/")) {
    return env.HOME ? path.join(env.HOME, kubeconfigPath.slice(1)) : undefined;
  }
  return path.resolve(repoRoot, kubeconfigPath);
}

/** Where versions before the per-user state directory kept the local state: in the repository. */
export const LEGACY_LOCAL_DIR = ".pulumi-local";

/**
 * The local state of an earlier version, still in the repository while the state directory has
 * none: running on would start an empty stack next to the cluster's objects (and `destroy` would
 * find nothing to destroy). The lines that say how to move it or keep using it; undefined if none.
 */
export function legacyStateProblem(repoRoot: string, localDir: string, stack: string): string[] | undefined {
  const legacy = path.join(repoRoot, LEGACY_LOCAL_DIR);
  // A file backend keeps its stacks under <dir>/.pulumi (pulumi/pulumi pkg/backend/diy store.go,
  // workspace.BookkeepingDir).
  if (!fs.existsSync(path.join(legacy, ".pulumi")) || fs.existsSync(path.join(localDir, ".pulumi"))) {
    return undefined;
  }
  return [
    `error: the local state of an earlier version is in ${legacy}; this version keeps it in ${localDir}`,
    `  hint: move it: mkdir -p ${localDir} && mv ${path.join(legacy, ".pulumi")} ${localDir}/ ` +
      "(then npm run local again); or keep it where it is with the driver: " +
      `npm run platform -- up --stack ${stack} --local ${LEGACY_LOCAL_DIR} --refresh`,
  ];
}
