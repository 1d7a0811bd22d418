// The machine of the local command's tests (tests/local-*.test.ts): fake `kind` and `docker` written
// into a temporary PATH, and the fake pulumi CLI (tests/fixtures/fake-pulumi) behind a wrapper that
// also records the values of the variables the command sets for Pulumi.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PULUMI_ROOT_ENV, REPO_ROOT } from "../../automation/driver";
import { KIND_CONFIG, runLocal } from "../../automation/local";

const FAKE_PULUMI = path.join(__dirname, "..", "fixtures", "fake-pulumi", "bin", "pulumi");
export const KUBECONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: kind-kube-platform\n";
export const SHIPPED_STACK = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
const SHIPPED_PORTS = "30080/tcp -> 127.0.0.1:80\n30443/tcp -> 127.0.0.1:443\n6443/tcp -> 127.0.0.1:41234\n";

/**
 * One fake for both tools: its name is the tool; state (the clusters) lives in $FAKE_TOOLS_DIR.
 * A cluster is { name, ours, status }: `ours` when its node has the label npm run local sets (a
 * cluster the fake creates gets it when the config passed has it), `status` its node container's.
 */
const FAKE_TOOL = `#!/usr/bin/env node
"use strict";
const fs = require("fs");
const path = require("path");
const tool = path.basename(process.argv[1]);
const args = process.argv.slice(2);
const dir = process.env.FAKE_TOOLS_DIR;
const scenario = JSON.parse(fs.readFileSync(path.join(dir, "tools.json"), "utf8"));
fs.appendFileSync(path.join(dir, "tools.jsonl"), JSON.stringify({ tool, args }) + "\\n");
const clustersFile = path.join(dir, "clusters.json");
const initial = () => scenario.clusters.map((name) => ({
  name, ours: !(scenario.foreign || []).includes(name), status: (scenario.status || {})[name] || "running",
}));
const clusters = fs.existsSync(clustersFile) ? JSON.parse(fs.readFileSync(clustersFile, "utf8")) : initial();
const save = (c) => fs.writeFileSync(clustersFile, JSON.stringify(c));
const done = (code, out, err) => { if (out) process.stdout.write(out); if (err) process.stderr.write(err); process.exitCode = code; };
const byNode = (node) => clusters.find((c) => c.name + "-control-plane" === node);
const cmd = args.slice(0, 2).join(" ");
if (tool === "docker" && args[0] === "info") done(scenario.dockerDown ? 1 : 0, scenario.dockerDown ? "" : "27.3.1\\n", scenario.dockerDown ? "Cannot connect to the Docker daemon\\n" : "");
else if (tool === "docker" && args[0] === "port") done(0, scenario.ports, "");
else if (tool === "docker" && args[0] === "inspect" && args[1] === "--format" && args[2] === "{{.State.Status}}") {
  const c = byNode(args[3]);
  done(c ? 0 : 1, c ? c.status + "\\n" : "", c ? "" : "Error: No such object: " + args[3] + "\\n");
}
else if (tool === "docker" && args[0] === "exec" && args.slice(2).join(" ") === "kubectl --kubeconfig=/etc/kubernetes/admin.conf get nodes --selector kube-platform/created-by=npm-run-local --output name") {
  const c = byNode(args[1]);
  if (scenario.kubectlFails) done(1, "", "The connection to the server localhost:8080 was refused\\n");
  else done(0, c && c.ours ? "node/" + args[1] + "\\n" : "", c && c.ours ? "" : "No resources found\\n");
}
else if (tool === "kind" && args[0] === "version") done(0, (scenario.kindVersion || "kind v0.29.0 go1.24.2 linux/amd64") + "\\n", "");
else if (tool === "kind" && cmd === "get clusters") done(0, clusters.map((c) => c.name + "\\n").join(""), clusters.length ? "" : "No kind clusters found.\\n");
else if (tool === "kind" && cmd === "create cluster") {
  const name = args[args.indexOf("--name") + 1];
  const config = fs.readFileSync(args[args.indexOf("--config") + 1], "utf8");
  if (scenario.createFails) done(1, "", "ERROR: failed to create cluster: port is already allocated\\n");
  else {
    save([...clusters, { name, ours: /kube-platform\\/created-by: npm-run-local/.test(config), status: "running" }]);
    done(0, "", "Creating cluster \\"" + name + "\\" ...\\n");
  }
}
else if (tool === "kind" && cmd === "get kubeconfig") done(0, ${JSON.stringify(KUBECONFIG)}, "");
else if (tool === "kind" && cmd === "delete cluster") {
  const name = args[args.indexOf("--name") + 1];
  save(clusters.filter((c) => c.name !== name));
  done(0, "", "Deleting cluster \\"" + name + "\\" ...\\n");
}
else done(2, "", "fake " + tool + ": unsupported " + args.join(" ") + "\\n");
`;

/** The pulumi wrapper: records the values the command sets, then runs the shared fake. */
const PULUMI_WRAPPER = `#!/usr/bin/env node
"use strict";
require("fs").appendFileSync(process.env.FAKE_TOOLS_DIR + "/pulumi-env.jsonl", JSON.stringify({
  args: process.argv.slice(2),
  passphrase: process.env.PULUMI_CONFIG_PASSPHRASE === undefined ? null : process.env.PULUMI_CONFIG_PASSPHRASE,
  deleteUnreachable: process.env.PULUMI_K8S_DELETE_UNREACHABLE === undefined ? null : process.env.PULUMI_K8S_DELETE_UNREACHABLE,
}) + "\\n");
require(${JSON.stringify(FAKE_PULUMI)});
`;

export interface ToolScenario {
  /** The kind clusters on the machine (by default running, and made by npm run local). */
  clusters: string[];
  /** Clusters whose node lacks npm run local's label (the user's own). */
  foreign?: string[];
  /** Node container status per cluster (docker inspect State.Status), default "running". */
  status?: Record<string, string>;
  kubectlFails?: boolean;
  kindVersion?: string;
  dockerDown?: boolean;
  createFails?: boolean;
  ports?: string;
}

export interface PulumiCall {
  args: string[];
  backendUrl?: string;
  passphrase: string | null;
  deleteUnreachable: string | null;
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
  tools: string[];
  pulumi: PulumiCall[];
}

export class Machine {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-local-"));
  /** A stand-in for the repository (the driver's work dir); the command writes nothing into it. */
  readonly root = path.join(this.dir, "repo");
  /** The user's state directory (HOME is this.dir): the --local backend and the kind kubeconfig. */
  readonly stateDir = path.join(this.dir, ".local", "state", "kube-platform");
  readonly bin = path.join(this.dir, "bin");
  readonly pulumiRoot = path.join(this.dir, "pulumi");

  constructor(
    tools: ToolScenario,
    stacks: Record<string, unknown> = {},
    omit: string[] = [],
    stackFile: string = SHIPPED_STACK,
  ) {
    fs.mkdirSync(path.join(this.root, "examples"), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, KIND_CONFIG), path.join(this.root, KIND_CONFIG));
    // The stack file the preflight reads (the shipped one unless a test edits it).
    fs.writeFileSync(path.join(this.root, "Pulumi.dev.yaml"), stackFile);
    fs.mkdirSync(this.bin);
    for (const tool of ["kind", "docker"].filter((t) => !omit.includes(t))) {
      fs.writeFileSync(path.join(this.bin, tool), FAKE_TOOL, { mode: 0o755 });
    }
    fs.mkdirSync(path.join(this.pulumiRoot, "bin"), { recursive: true });
    fs.writeFileSync(path.join(this.pulumiRoot, "bin", "pulumi"), PULUMI_WRAPPER, { mode: 0o755 });
    fs.writeFileSync(path.join(this.dir, "tools.json"), JSON.stringify({ ports: SHIPPED_PORTS, ...tools }));
    fs.writeFileSync(path.join(this.dir, "scenario.json"), JSON.stringify({ stacks }));
  }

  /** Where the shipped Pulumi.dev.yaml's cluster.kubeconfigPath (~/.local/state/...) points. */
  get kubeconfigFile(): string {
    return path.join(this.stateDir, "kind-kubeconfig.yaml");
  }

  async run(argv: string[], env: Record<string, string> = {}): Promise<Result> {
    // The fake pulumi is run by the Automation API with this process's environment, which in
    // `npm run local` is also the command's own (io.env): the user's variables go to both.
    const fakeEnv = {
      FAKE_TOOLS_DIR: this.dir,
      FAKE_PULUMI_LOG: path.join(this.dir, "pulumi.jsonl"),
      FAKE_PULUMI_SCENARIO: path.join(this.dir, "scenario.json"),
      FAKE_PULUMI_STATE: this.dir,
    };
    Object.assign(process.env, fakeEnv, env);
    for (const log of ["tools.jsonl", "pulumi.jsonl", "pulumi-env.jsonl"])
      fs.rmSync(path.join(this.dir, log), { force: true });
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runLocal(
      argv,
      {
        stdout: (t) => stdout.push(t),
        stderr: (t) => stderr.push(t),
        // kind and docker are found on this PATH only (plus node for their shebang).
        env: {
          PATH: `${this.bin}${path.delimiter}${path.dirname(process.execPath)}`,
          HOME: this.dir,
          [PULUMI_ROOT_ENV]: this.pulumiRoot,
          ...fakeEnv,
          ...env,
        },
        cwd: this.dir,
        setEnv: (name, value) => {
          process.env[name] = value;
        },
        onSignal: () => () => undefined,
      },
      this.root,
    );
    const lines = (f: string): unknown[] =>
      fs.existsSync(path.join(this.dir, f))
        ? fs
            .readFileSync(path.join(this.dir, f), "utf8")
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as unknown)
        : [];
    const fake = lines("pulumi.jsonl") as { args: string[]; backendUrl?: string }[];
    const values = lines("pulumi-env.jsonl") as PulumiCall[];
    return {
      code,
      stdout: stdout.join(""),
      stderr: stderr.join(""),
      tools: (lines("tools.jsonl") as { tool: string; args: string[] }[]).map(
        (c) => `${c.tool} ${c.args.join(" ")}`,
      ),
      pulumi: values.map((v, i) => ({ ...v, backendUrl: fake[i]?.backendUrl })),
    };
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The operation calls (up/destroy) without the Automation API's volatile event-log flags. */
export function operations(r: Result): string[] {
  return r.pulumi
    .filter(
      (c) => c.args[0] === "up" || c.args[0] === "destroy" || c.args[0] === "stack" || c.args[0] === "config",
    )
    .map((c) => {
      const a = [...c.args];
      const i = a.indexOf("--event-log");
      if (i >= 0) a.splice(i, 2);
      return a.join(" ");
    });
}

/** The status calls for an existing cluster named kube-platform (container state, then the label). */
export const CLUSTER_CHECKS = [
  "docker inspect --format {{.State.Status}} kube-platform-control-plane",
  "docker exec kube-platform-control-plane kubectl --kubeconfig=/etc/kubernetes/admin.conf get nodes " +
    "--selector kube-platform/created-by=npm-run-local --output name",
];

/** A describe block's machine: created per test, cleaned up after it with the environment restored. */
export function useMachine(): (
  tools: ToolScenario,
  stacks?: Record<string, unknown>,
  omit?: string[],
  stackFile?: string,
) => Machine {
  let m: Machine | undefined;
  const saved = { ...process.env };
  afterEach(() => {
    m?.cleanup();
    m = undefined;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });
  return (tools, stacks = {}, omit = [], stackFile) => {
    m?.cleanup();
    return (m = new Machine(tools, stacks, omit, stackFile));
  };
}
