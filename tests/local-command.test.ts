// The local command (`npm run local`, automation/local.ts) against fakes: `kind` and `docker`
// written into a temporary PATH, and the fake pulumi CLI (tests/fixtures/fake-pulumi) behind a
// wrapper that also records the values of the variables the command sets for Pulumi. The tests
// assert the exact calls, their environment, the files written and the exit codes.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { PULUMI_ROOT_ENV, REPO_ROOT } from "../automation/driver";
import { KIND_CLUSTER, KIND_CONFIG, KIND_KUBECONFIG, LOCAL_STACK, runLocal } from "../automation/local";

const FAKE_PULUMI = path.join(__dirname, "fixtures", "fake-pulumi", "bin", "pulumi");
const KUBECONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: kind-kind\n";
const SHIPPED_PORTS = "30080/tcp -> 127.0.0.1:80\n30443/tcp -> 127.0.0.1:443\n6443/tcp -> 127.0.0.1:41234\n";

/** One fake for both tools: its name is the tool; state (the clusters) lives in $FAKE_TOOLS_DIR. */
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
const clusters = fs.existsSync(clustersFile) ? JSON.parse(fs.readFileSync(clustersFile, "utf8")) : scenario.clusters;
const save = (c) => fs.writeFileSync(clustersFile, JSON.stringify(c));
const done = (code, out, err) => { if (out) process.stdout.write(out); if (err) process.stderr.write(err); process.exitCode = code; };
const cmd = args.slice(0, 2).join(" ");
if (tool === "docker" && args[0] === "info") done(scenario.dockerDown ? 1 : 0, scenario.dockerDown ? "" : "27.3.1\\n", scenario.dockerDown ? "Cannot connect to the Docker daemon\\n" : "");
else if (tool === "docker" && args[0] === "port") done(0, scenario.ports, "");
else if (tool === "kind" && cmd === "get clusters") done(0, clusters.map((c) => c + "\\n").join(""), clusters.length ? "" : "No kind clusters found.\\n");
else if (tool === "kind" && cmd === "create cluster") {
  if (scenario.createFails) done(1, "", "ERROR: failed to create cluster: port is already allocated\\n");
  else { save([...clusters, args[args.indexOf("--name") + 1]]); done(0, "", "Creating cluster \\"kind\\" ...\\n"); }
}
else if (tool === "kind" && cmd === "get kubeconfig") done(0, ${JSON.stringify(KUBECONFIG)}, "");
else if (tool === "kind" && cmd === "delete cluster") { save(clusters.filter((c) => c !== args[args.indexOf("--name") + 1])); done(0, "", "Deleting cluster \\"kind\\" ...\\n"); }
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

interface ToolScenario {
  clusters: string[];
  dockerDown?: boolean;
  createFails?: boolean;
  ports?: string;
}

interface PulumiCall {
  args: string[];
  backendUrl?: string;
  passphrase: string | null;
  deleteUnreachable: string | null;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  tools: string[];
  pulumi: PulumiCall[];
}

class Machine {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-local-"));
  /** A stand-in for the repository (the driver's work dir, where .pulumi-local goes). */
  readonly root = path.join(this.dir, "repo");
  readonly bin = path.join(this.dir, "bin");
  readonly pulumiRoot = path.join(this.dir, "pulumi");

  constructor(tools: ToolScenario, stacks: Record<string, unknown> = {}, omit: string[] = []) {
    fs.mkdirSync(path.join(this.root, "examples"), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, KIND_CONFIG), path.join(this.root, KIND_CONFIG));
    fs.mkdirSync(this.bin);
    for (const tool of ["kind", "docker"].filter((t) => !omit.includes(t))) {
      fs.writeFileSync(path.join(this.bin, tool), FAKE_TOOL, { mode: 0o755 });
    }
    fs.mkdirSync(path.join(this.pulumiRoot, "bin"), { recursive: true });
    fs.writeFileSync(path.join(this.pulumiRoot, "bin", "pulumi"), PULUMI_WRAPPER, { mode: 0o755 });
    fs.writeFileSync(path.join(this.dir, "tools.json"), JSON.stringify({ ports: SHIPPED_PORTS, ...tools }));
    fs.writeFileSync(path.join(this.dir, "scenario.json"), JSON.stringify({ stacks }));
  }

  get kubeconfigFile(): string {
    return path.join(this.root, KIND_KUBECONFIG);
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
function operations(r: Result): string[] {
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

const HELLO = {
  apps: { hello: { url: "https://hello.localtest.me", serviceHost: "hello.hello.svc.cluster.local" } },
};

describe("the local command (npm run local) against fake kind, docker and pulumi", function () {
  this.timeout(60000);
  let m: Machine | undefined;
  const machine = (tools: ToolScenario, stacks: Record<string, unknown> = {}, omit: string[] = []): Machine =>
    (m = new Machine(tools, stacks, omit));
  const saved = { ...process.env };
  afterEach(() => {
    m?.cleanup();
    m = undefined;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it("up on a machine without the cluster: creates it from the shipped config, then deploys stack dev", async () => {
    const t = machine({ clusters: [] }, { dev: { outputs: HELLO } });
    const r = await t.run([]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(r.tools, [
      "docker info --format {{.ServerVersion}}",
      "kind get clusters",
      `kind create cluster --name kind --config ${path.join(t.root, "examples/kind-cluster.yaml")} --wait 120s`,
      "kind get kubeconfig --name kind",
    ]);
    // Only the kind cluster's kubeconfig, where Pulumi.dev.yaml reads it, readable by the user only.
    assert.strictEqual(fs.readFileSync(t.kubeconfigFile, "utf8"), KUBECONFIG);
    assert.strictEqual(fs.statSync(t.kubeconfigFile).mode & 0o777, 0o600);
    assert.deepStrictEqual(operations(r), [
      "stack select --stack dev --non-interactive",
      "stack init dev --secrets-provider passphrase --non-interactive",
      "config --show-secrets --json --stack dev --non-interactive",
      "up --yes --skip-preview --refresh --exec-kind auto.local --stack dev --non-interactive",
      "stack output --json --stack dev --non-interactive",
      "stack output --json --show-secrets --stack dev --non-interactive",
      "stack history --json --page-size 1 --page 1 --stack dev --non-interactive",
    ]);
    // Every Pulumi call: the file backend in the repository (set on the workspace, so from `whoami`
    // on), an empty passphrase; the cluster is new, so objects of an earlier one are dropped.
    assert.deepStrictEqual(r.pulumi[0].args, ["version"]);
    for (const c of r.pulumi) {
      if (c.args[0] !== "version") {
        assert.strictEqual(c.backendUrl, `file://${path.join(t.root, ".pulumi-local")}`, c.args.join(" "));
      }
      assert.strictEqual(c.passphrase, "", c.args.join(" "));
      assert.strictEqual(c.deleteUnreachable, "true", c.args.join(" "));
    }
    assert.match(r.stderr, /^\[local\] secrets use an empty passphrase/m);
    assert.match(r.stderr, /^\[local\] creating the kind cluster "kind" from examples\/kind-cluster\.yaml/m);
    assert.match(r.stderr, /^Creating cluster "kind" \.\.\.$/m, "kind's own progress is shown");
    assert.match(r.stderr, /^\[local\]   hello: https:\/\/hello\.localtest\.me \(self-signed certificate/m);
    assert.match(r.stderr, /^\[local\]   tear down: npm run local -- destroy$/m);
    assert.strictEqual(r.stdout, "");
  });

  it("up with the cluster already there: no create, port mappings checked, the stack reused", async () => {
    const t = machine({ clusters: ["other", "kind"] }, { dev: { exists: true } });
    const r = await t.run(["up"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(r.tools, [
      "docker info --format {{.ServerVersion}}",
      "kind get clusters",
      "docker port kind-control-plane",
      "kind get kubeconfig --name kind",
    ]);
    assert.doesNotMatch(r.stderr, /warning/);
    assert.deepStrictEqual(
      operations(r).filter((o) => o.startsWith("stack init")),
      [],
    );
    // The cluster may just be unreachable for a moment: never drop its objects from the state.
    for (const c of r.pulumi) assert.strictEqual(c.deleteUnreachable, null, c.args.join(" "));
    assert.ok(operations(r).some((o) => o.startsWith("up --yes --skip-preview --refresh")));
  });

  it("up on a kind cluster made without the shipped config: warns per missing mapping, still deploys", async () => {
    const t = machine(
      { clusters: ["kind"], ports: "6443/tcp -> 127.0.0.1:41234\n" },
      { dev: { exists: true } },
    );
    const r = await t.run(["up"]);
    assert.strictEqual(r.code, 0, r.stderr);
    const warnings = r.stderr.split("\n").filter((l) => l.startsWith("[local] warning:"));
    assert.strictEqual(warnings.length, 2, r.stderr);
    assert.match(warnings[0], /does not map 127\.0\.0\.1:80 to node port 30080 .*npm run local -- destroy/);
    assert.match(warnings[1], /does not map 127\.0\.0\.1:443 to node port 30443/);
  });

  it("keeps the user's passphrase (or passphrase file) and sets none of its own", async () => {
    const t = machine({ clusters: ["kind"] }, { dev: { exists: true } });
    const r = await t.run(["up"], { PULUMI_CONFIG_PASSPHRASE: "chosen-by-the-user" });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.ok(r.pulumi.length > 0);
    for (const c of r.pulumi) assert.strictEqual(c.passphrase, "chosen-by-the-user");
    assert.doesNotMatch(r.stderr, /empty passphrase/);
    assert.ok(!r.stderr.includes("chosen-by-the-user"), "the passphrase is never printed");
    delete process.env.PULUMI_CONFIG_PASSPHRASE;
    const f = await t.run(["up"], { PULUMI_CONFIG_PASSPHRASE_FILE: path.join(t.dir, "pass") });
    assert.strictEqual(f.code, 0, f.stderr);
    assert.ok(f.pulumi.every((c) => c.passphrase === null));
  });

  it("destroy: destroys the stack, then deletes the cluster and its kubeconfig file", async () => {
    const t = machine({ clusters: ["kind"] }, { dev: { exists: true } });
    fs.mkdirSync(path.dirname(t.kubeconfigFile), { recursive: true });
    fs.writeFileSync(t.kubeconfigFile, "stale");
    const r = await t.run(["destroy"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(r.tools, [
      "docker info --format {{.ServerVersion}}",
      "kind get clusters",
      "kind get kubeconfig --name kind",
      "kind delete cluster --name kind",
    ]);
    assert.deepStrictEqual(
      operations(r).filter((o) => o.startsWith("destroy")),
      ["destroy --yes --skip-preview --exec-kind auto.local --stack dev --non-interactive"],
    );
    for (const c of r.pulumi) assert.strictEqual(c.deleteUnreachable, null);
    assert.ok(!fs.existsSync(t.kubeconfigFile));
    assert.match(r.stderr, /^\[local\] done: the stack is empty and the kind cluster is gone$/m);
  });

  it("destroy after the cluster was deleted by hand: drops the unreachable objects from the state", async () => {
    const t = machine({ clusters: [] }, { dev: { exists: true } });
    const r = await t.run(["destroy"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(r.tools, ["docker info --format {{.ServerVersion}}", "kind get clusters"]);
    assert.deepStrictEqual(
      operations(r).filter((o) => o.startsWith("destroy")),
      ["destroy --yes --skip-preview --refresh --exec-kind auto.local --stack dev --non-interactive"],
    );
    for (const c of r.pulumi) assert.strictEqual(c.deleteUnreachable, "true", c.args.join(" "));
  });

  it("destroy without a stack: nothing to destroy, the cluster is still deleted", async () => {
    const t = machine({ clusters: ["kind"] });
    const r = await t.run(["destroy"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /^\[local\] stack dev does not exist in \.pulumi-local\/: nothing to destroy$/m);
    assert.strictEqual(r.tools[r.tools.length - 1], "kind delete cluster --name kind");
  });

  it("a failed destroy keeps the cluster and exits 1", async () => {
    const t = machine({ clusters: ["kind"] }, { dev: { exists: true, fail: { destroy: "error: boom" } } });
    const r = await t.run(["destroy"]);
    assert.strictEqual(r.code, 1, r.stderr);
    assert.ok(!r.tools.includes("kind delete cluster --name kind"));
    assert.match(r.stderr, /the kind cluster "kind" is kept/);
  });

  it("setup errors stop before Pulumi (exit 3): Docker down, kind missing, kind create failing", async () => {
    const down = await machine({ clusters: [], dockerDown: true }).run([]);
    assert.strictEqual(down.code, 3);
    assert.deepStrictEqual(down.tools, ["docker info --format {{.ServerVersion}}"]);
    assert.match(down.stderr, /Docker is not running \(docker info: Cannot connect to the Docker daemon\)/);
    assert.deepStrictEqual(down.pulumi, []);
    m?.cleanup();

    const noKind = await machine({ clusters: [] }, {}, ["kind"]).run([]);
    assert.strictEqual(noKind.code, 3);
    assert.match(noKind.stderr, /error: kind not found on PATH; install kind: https:\/\/kind\.sigs\.k8s\.io/);
    assert.deepStrictEqual(noKind.pulumi, []);
    m?.cleanup();

    const busy = await machine({ clusters: [], createFails: true }).run([]);
    assert.strictEqual(busy.code, 3);
    assert.match(busy.stderr, /port is already allocated/);
    assert.match(busy.stderr, /hint: ports 80 and 443 on 127\.0\.0\.1 must be free/);
    assert.deepStrictEqual(busy.pulumi, []);
  });

  it("usage: --help prints it (exit 0); anything but up or destroy is refused (exit 64)", async () => {
    const t = machine({ clusters: [] });
    const help = await t.run(["--help"]);
    assert.strictEqual(help.code, 0);
    assert.match(help.stdout, /^Usage: npm run local \[-- up \| destroy\]/);
    const bad = await t.run(["deploy"]);
    assert.strictEqual(bad.code, 64);
    assert.match(bad.stderr, /^error: unexpected arguments "deploy"/);
    assert.deepStrictEqual([...help.tools, ...bad.tools], []);
  });
});

describe("the local command's shipped wiring", () => {
  it("writes the kubeconfig Pulumi.dev.yaml reads, for the context kind names, on stack dev", () => {
    const stack = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as {
      config: Record<string, Record<string, unknown>>;
    };
    const cluster = stack.config["kube-platform:cluster"];
    assert.strictEqual(cluster.kubeconfigPath, KIND_KUBECONFIG);
    assert.strictEqual(cluster.context, `kind-${KIND_CLUSTER}`);
    assert.strictEqual(LOCAL_STACK, "dev");
    assert.ok(fs.existsSync(path.join(REPO_ROOT, KIND_CONFIG)));
  });

  it("is `npm run local`, and its state directory is gitignored", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    assert.strictEqual(pkg.scripts.local, "ts-node --transpile-only automation/local.ts");
    const ignored = fs.readFileSync(path.join(REPO_ROOT, ".gitignore"), "utf8").split("\n");
    assert.ok(ignored.includes(".pulumi-local/"));
  });
});
