// The kind cluster of `npm run local` (./local): its name, the mark that says this command created
// it, its state (running, stopped, someone else's) and the kind version check. Pure functions over
// an injected command runner, so that the tests drive them with fake `kind` and `docker` binaries.

/** The cluster's name: not kind's default ("kind"), so that a user's own default cluster is never ours. */
export const KIND_CLUSTER = "kube-platform";
/** kind names the single node's container (and the Kubernetes node) `<cluster>-control-plane`. */
export const KIND_NODE = `${KIND_CLUSTER}-control-plane`;
/** kind names the kubeconfig context `kind-<cluster>` (Pulumi.dev.yaml's cluster.context). */
export const KIND_CONTEXT = `kind-${KIND_CLUSTER}`;

/**
 * The node label examples/kind-cluster.yaml sets (kind config `nodes[].labels`, kind ≥ v0.11: "Extra
 * Labels" in kind's configuration docs; kind passes them to the kubelet as --node-labels). Only a
 * cluster whose node carries it is deployed into or deleted by this command.
 */
export const OWNER_LABEL = { key: "kube-platform/created-by", value: "npm-run-local" } as const;

/**
 * The oldest kind release whose kindnet does not drop kubelet probes to pods under NetworkPolicies:
 * kind ≤ v0.27 ships kindnetd with kube-network-policies v0.6.1-2024…, v0.28 with v0.8.0
 * (kind images/kindnetd/go.mod), the code on which the upstream probe regression test passed
 * (kube-network-policies#150, #160). kind#3875 is still open, so this is a warning, not a refusal.
 */
export const MIN_KIND_VERSION = [0, 28, 0] as const;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command and captures its output (./local's runner). */
export type Exec = (cmd: string, args: string[]) => Promise<RunResult>;

/** `kind version` prints "kind v0.29.0 go1.24.2 linux/amd64" (kind pkg/cmd/kind/version DisplayVersion). */
export function parseKindVersion(output: string): [number, number, number] | undefined {
  const m = /\bkind v(\d+)\.(\d+)\.(\d+)/.exec(output);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** The warning for a kind older than MIN_KIND_VERSION (or of unknown version); undefined when current. */
export function kindVersionWarning(output: string): string | undefined {
  const v = parseKindVersion(output);
  const min = `v${MIN_KIND_VERSION.join(".")}`;
  const upgrade = "upgrade: https://kind.sigs.k8s.io/docs/user/quick-start/#installation";
  if (!v)
    return `could not read kind's version from "${output.trim()}"; this command needs kind ${min} or newer (${upgrade})`;
  const older = v[0] !== MIN_KIND_VERSION[0] ? v[0] < MIN_KIND_VERSION[0] : v[1] < MIN_KIND_VERSION[1];
  if (!older) return undefined;
  return (
    `kind v${v.join(".")} is older than ${min}: its kindnet can block kubelet probes to pods that ` +
    "NetworkPolicies select (kubernetes-sigs/kind#3875), so Vault and the apps may never become ready " +
    `and the deploy times out after 15 minutes; ${upgrade}, then delete and recreate the cluster ` +
    "(npm run local -- destroy; npm run local)"
  );
}

export type ClusterState =
  | { state: "ours" }
  | { state: "stopped"; status: string }
  | { state: "foreign" }
  | { state: "unknown"; detail: string };

/**
 * The state of the existing cluster KIND_CLUSTER: its node container's status (`docker inspect`,
 * State.Status: running, exited, paused, …) and, when it runs, whether its node has OWNER_LABEL
 * (kubectl inside the node with the admin kubeconfig, as kind itself does: kind
 * pkg/cluster/internal/create/actions/installcni, `kubectl --kubeconfig=/etc/kubernetes/admin.conf`).
 * `runtime` is the container CLI kind uses (docker, or KIND_EXPERIMENTAL_PROVIDER: podman, nerdctl).
 */
export async function clusterState(exec: Exec, runtime: string): Promise<ClusterState> {
  const inspect = await exec(runtime, ["inspect", "--format", "{{.State.Status}}", KIND_NODE]);
  if (inspect.code !== 0) {
    return { state: "unknown", detail: `${runtime} inspect ${KIND_NODE}: ${firstLine(inspect.stderr)}` };
  }
  const status = inspect.stdout.trim();
  if (status !== "running") return { state: "stopped", status };
  const selector = `${OWNER_LABEL.key}=${OWNER_LABEL.value}`;
  const nodes = await exec(runtime, [
    "exec",
    KIND_NODE,
    "kubectl",
    "--kubeconfig=/etc/kubernetes/admin.conf",
    "get",
    "nodes",
    "--selector",
    selector,
    "--output",
    "name",
  ]);
  if (nodes.code !== 0) {
    return { state: "unknown", detail: `kubectl get nodes in ${KIND_NODE}: ${firstLine(nodes.stderr)}` };
  }
  const names = nodes.stdout.split("\n").map((l) => l.trim());
  return names.includes(`node/${KIND_NODE}`) ? { state: "ours" } : { state: "foreign" };
}

/** What to tell the user about a cluster the command must not use; undefined when it is ours. */
export function refusal(s: ClusterState, runtime: string, command: "up" | "destroy"): string[] | undefined {
  switch (s.state) {
    case "ours":
      return undefined;
    case "stopped": {
      const how = s.status === "paused" ? "unpause" : "start";
      return [
        `the kind cluster "${KIND_CLUSTER}" is not running (its node container is ${s.status || "not running"})`,
        `  hint: ${how} it with \`${runtime} ${how} ${KIND_NODE}\`, then run npm run local${command === "destroy" ? " -- destroy" : ""} again`,
      ];
    }
    case "foreign":
      return [
        `the kind cluster "${KIND_CLUSTER}" was not created by npm run local (its node lacks the label ` +
          `${OWNER_LABEL.key}=${OWNER_LABEL.value}): nothing was ${command === "up" ? "deployed" : "destroyed or deleted"}`,
        `  hint: this command only ${command === "up" ? "deploys into" : "deletes"} a cluster it created; ` +
          `rename or delete that cluster yourself (kind delete cluster --name ${KIND_CLUSTER}) if you no longer need it`,
      ];
    case "unknown":
      return [
        `cannot tell whether the kind cluster "${KIND_CLUSTER}" was created by npm run local (${s.detail}): nothing was done`,
        `  hint: check it with \`kubectl --context ${KIND_CONTEXT} get nodes --show-labels\``,
      ];
  }
}

function firstLine(s: string): string {
  return s.trim().split("\n")[0] ?? "";
}
