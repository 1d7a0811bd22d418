// The local command (`npm run local`, automation/local.ts) against fakes (tests/helpers/local-machine):
// creating its kind cluster, deploying, destroying, setup errors and usage. The tests assert the
// exact calls, their environment, the files written and the exit codes.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { REPO_ROOT } from "../automation/driver";
import { EXIT } from "../automation/exit-codes";
import { KIND_CONFIG, KIND_KUBECONFIG, LOCAL_STACK } from "../automation/local";
import { runExample } from "../offline/stacks";
import { snapshot } from "./helpers/driver-harness";
import { CLUSTER_CHECKS, KUBECONFIG, SHIPPED_STACK, operations, useMachine } from "./helpers/local-machine";

describe("the local command (npm run local) against fake kind, docker and pulumi", function () {
  this.timeout(60000);
  const machine = useMachine();

  it("up next to the user's own default cluster: creates kube-platform from the shipped config, deploys stack dev", async () => {
    // The fake CLI returns what the real program exports for stack dev (its `apps` output).
    const { outputs } = await runExample("dev");
    const t = machine({ clusters: ["kind"] }, { dev: { outputs: { apps: outputs.apps } } });
    const r = await t.run([]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(r.tools, [
      "docker info --format {{.ServerVersion}}",
      "kind version",
      "kind get clusters",
      `kind create cluster --name kube-platform --config ${path.join(t.root, "examples/kind-cluster.yaml")} --wait 120s`,
      "kind get kubeconfig --name kube-platform",
    ]);
    // The user's cluster "kind" is never looked into, deployed into or deleted.
    assert.ok(
      r.tools.every((c) => !/--name kind\b|kind-control-plane/.test(c)),
      r.tools.join("\n"),
    );
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
    // Every Pulumi call: the file backend in the user's state directory (set on the workspace, so
    // from `whoami` on), an empty passphrase; the cluster is new, so objects of an earlier one are dropped.
    assert.deepStrictEqual(r.pulumi[0].args, ["version"]);
    for (const c of r.pulumi) {
      if (c.args[0] !== "version") {
        assert.strictEqual(c.backendUrl, `file://${t.stateDir}`, c.args.join(" "));
      }
      assert.strictEqual(c.passphrase, "", c.args.join(" "));
      assert.strictEqual(c.deleteUnreachable, "true", c.args.join(" "));
    }
    assert.match(r.stderr, /^\[local\] secrets use an empty passphrase/m);
    assert.match(r.stderr, /^\[local\] preflight of Pulumi\.dev\.yaml: passed \(\d+ resources\)$/m);
    assert.match(
      r.stderr,
      /^\[local\] creating the kind cluster "kube-platform" from examples\/kind-cluster\.yaml/m,
    );
    assert.match(r.stderr, /^Creating cluster "kube-platform" \.\.\.$/m, "kind's own progress is shown");
    assert.match(
      r.stderr,
      /^\[local\] the platform runs on kind \(kubectl --context kind-kube-platform\):$/m,
    );
    assert.match(
      r.stderr,
      /^\[local\] {3}hello: https:\/\/hello\.localtest\.me\/ \(self-signed certificate/m,
    );
    assert.match(r.stderr, /^\[local\] {3}tear down: npm run local -- destroy$/m);
    assert.doesNotMatch(r.stderr, /warning/);
    assert.strictEqual(r.stdout, "");
  });

  it("up with its own cluster already there: checks it runs and is ours, no create, the stack reused", async () => {
    const t = machine({ clusters: ["other", "kube-platform"] }, { dev: { exists: true } });
    const r = await t.run(["up"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(r.tools, [
      "docker info --format {{.ServerVersion}}",
      "kind version",
      "kind get clusters",
      ...CLUSTER_CHECKS,
      "docker port kube-platform-control-plane",
      "kind get kubeconfig --name kube-platform",
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

  it("up on its cluster made without the shipped port mappings: warns per missing mapping, still deploys", async () => {
    const t = machine(
      { clusters: ["kube-platform"], ports: "6443/tcp -> 127.0.0.1:41234\n" },
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
    const t = machine({ clusters: ["kube-platform"] }, { dev: { exists: true } });
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

  it("destroy: destroys the stack, then deletes its cluster and the kubeconfig file", async () => {
    const t = machine({ clusters: ["kind", "kube-platform"] }, { dev: { exists: true } });
    fs.mkdirSync(path.dirname(t.kubeconfigFile), { recursive: true });
    fs.writeFileSync(t.kubeconfigFile, "stale");
    const r = await t.run(["destroy"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(r.tools, [
      "docker info --format {{.ServerVersion}}",
      "kind get clusters",
      ...CLUSTER_CHECKS,
      "kind get kubeconfig --name kube-platform",
      "kind delete cluster --name kube-platform",
    ]);
    assert.deepStrictEqual(
      operations(r).filter((o) => o.startsWith("destroy")),
      ["destroy --yes --skip-preview --exec-kind auto.local --stack dev --non-interactive"],
    );
    for (const c of r.pulumi) assert.strictEqual(c.deleteUnreachable, null);
    assert.ok(!fs.existsSync(t.kubeconfigFile));
    assert.match(r.stderr, /^\[local\] done: the stack is empty and the kind cluster is gone$/m);
    // The user's default cluster survives.
    assert.deepStrictEqual((await t.run(["destroy"])).tools.slice(0, 2), [
      "docker info --format {{.ServerVersion}}",
      "kind get clusters",
    ]);
    const left = JSON.parse(fs.readFileSync(path.join(t.dir, "clusters.json"), "utf8")) as { name: string }[];
    assert.deepStrictEqual(
      left.map((c) => c.name),
      ["kind"],
    );
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

  it("destroy without a stack: deletes the cluster only because npm run local created it", async () => {
    const m = machine({ clusters: ["kube-platform"] });
    const ours = await m.run(["destroy"]);
    assert.strictEqual(ours.code, 0, ours.stderr);
    assert.ok(
      ours.stderr.includes(`[local] stack dev does not exist in ${m.stateDir}: nothing to destroy\n`),
      ours.stderr,
    );
    assert.strictEqual(ours.tools[ours.tools.length - 1], "kind delete cluster --name kube-platform");
    const theirs = await machine({ clusters: ["kube-platform"], foreign: ["kube-platform"] }).run([
      "destroy",
    ]);
    assert.strictEqual(theirs.code, EXIT.setup, theirs.stderr);
    assert.ok(!theirs.tools.some((c) => c.startsWith("kind delete")), theirs.tools.join("\n"));
  });

  it("a failed destroy keeps the cluster and exits 1", async () => {
    const t = machine(
      { clusters: ["kube-platform"] },
      { dev: { exists: true, fail: { destroy: "error: boom" } } },
    );
    const r = await t.run(["destroy"]);
    assert.strictEqual(r.code, EXIT.failed, r.stderr);
    assert.ok(!r.tools.includes("kind delete cluster --name kube-platform"));
    assert.match(r.stderr, /the kind cluster "kube-platform" is kept/);
  });

  it("setup errors stop before Pulumi (EXIT.setup): Docker down, kind missing, kind create failing", async () => {
    const down = await machine({ clusters: [], dockerDown: true }).run([]);
    assert.strictEqual(down.code, EXIT.setup);
    assert.deepStrictEqual(down.tools, ["docker info --format {{.ServerVersion}}"]);
    assert.match(down.stderr, /Docker is not running \(docker info: Cannot connect to the Docker daemon\)/);
    assert.deepStrictEqual(down.pulumi, []);

    const noKind = await machine({ clusters: [] }, {}, ["kind"]).run([]);
    assert.strictEqual(noKind.code, EXIT.setup);
    assert.match(noKind.stderr, /error: kind not found on PATH; install kind: https:\/\/kind\.sigs\.k8s\.io/);
    assert.deepStrictEqual(noKind.pulumi, []);

    const busy = await machine({ clusters: [], createFails: true }).run([]);
    assert.strictEqual(busy.code, EXIT.setup);
    assert.match(busy.stderr, /port is already allocated/);
    assert.match(busy.stderr, /hint: ports 80 and 443 on 127\.0\.0\.1 must be free/);
    assert.deepStrictEqual(busy.pulumi, []);
  });

  it("usage: --help prints it (exit 0); anything but up or destroy is refused (EXIT.usage)", async () => {
    const t = machine({ clusters: [] });
    const help = await t.run(["--help"]);
    assert.strictEqual(help.code, 0);
    assert.match(help.stdout, /^Usage: npm run local \[-- up \| destroy\]/);
    assert.match(help.stdout, /create the kind cluster "kube-platform"/);
    const bad = await t.run(["deploy"]);
    assert.strictEqual(bad.code, EXIT.usage);
    assert.match(bad.stderr, /^error: unexpected arguments "deploy"/);
    assert.deepStrictEqual([...help.tools, ...bad.tools], []);
  });
});

describe("the local command leaves no files in the repository", function () {
  this.timeout(60000);
  const machine = useMachine();

  it("up and destroy: the repository unchanged; state and kubeconfig in ~/.local/state/kube-platform", async () => {
    const t = machine({ clusters: [] }, { dev: {} });
    const before = snapshot(t.root);
    assert.deepStrictEqual(Object.keys(before).sort(), ["Pulumi.dev.yaml", "examples/kind-cluster.yaml"]);
    const up = await t.run([]);
    assert.strictEqual(up.code, EXIT.success, up.stderr);
    assert.deepStrictEqual(snapshot(t.root), before);
    assert.ok(fs.statSync(t.stateDir).isDirectory(), "the --local backend directory");
    assert.strictEqual(fs.readFileSync(t.kubeconfigFile, "utf8"), KUBECONFIG);
    assert.ok(up.pulumi.slice(1).every((c) => c.backendUrl === `file://${t.stateDir}`));
    const down = await t.run(["destroy"]);
    assert.strictEqual(down.code, EXIT.success, down.stderr);
    assert.deepStrictEqual(snapshot(t.root), before);
    assert.ok(!fs.existsSync(t.kubeconfigFile));
  });

  it("an earlier version's state in the repository: says how to move or keep it, changes nothing", async () => {
    const t = machine({ clusters: ["kube-platform"] }, { dev: { exists: true } });
    fs.mkdirSync(path.join(t.root, ".pulumi-local", ".pulumi", "stacks"), { recursive: true });
    for (const command of ["up", "destroy"]) {
      const r = await t.run([command]);
      assert.strictEqual(r.code, EXIT.setup, r.stderr);
      assert.deepStrictEqual([r.tools, r.pulumi], [[], []], "nothing run, nothing deleted");
      assert.ok(
        r.stderr.includes(
          `[local] error: the local state of an earlier version is in ${path.join(t.root, ".pulumi-local")}; ` +
            `this version keeps it in ${t.stateDir}\n[local]   hint: move it: mkdir -p ${t.stateDir} && mv ` +
            `${path.join(t.root, ".pulumi-local", ".pulumi")} ${t.stateDir}/ (then npm run local, or npm run ` +
            "local -- destroy, again)\n",
        ),
        r.stderr,
      );
      // Keeping it: the kubeconfig where the stack reads it, then the driver for up and for destroy.
      assert.match(r.stderr, /kind get kubeconfig --name kube-platform > \S+kind-kubeconfig\.yaml\)\n/);
      assert.match(
        r.stderr,
        /^\[local\] {5}then up: (PULUMI_CONFIG_PASSPHRASE= )?npm run platform -- up --stack dev --local \.pulumi-local --refresh$/m,
      );
      assert.match(
        r.stderr,
        /^\[local\] {5}or destroy: (PULUMI_CONFIG_PASSPHRASE= )?npm run platform -- destroy --stack dev --local \.pulumi-local && kind delete cluster --name kube-platform$/m,
      );
    }
    // Moved: the command runs on it.
    fs.mkdirSync(path.join(t.stateDir, ".pulumi"), { recursive: true });
    assert.strictEqual((await t.run(["up"])).code, EXIT.success);
  });

  it("XDG_STATE_HOME (absolute) holds the state; the kubeconfig goes where Pulumi.dev.yaml says", async () => {
    const t = machine({ clusters: [] }, { dev: {} });
    const xdg = path.join(t.dir, "xdg");
    const r = await t.run([], { XDG_STATE_HOME: xdg });
    assert.strictEqual(r.code, EXIT.success, r.stderr);
    assert.ok(r.pulumi.slice(1).every((c) => c.backendUrl === `file://${path.join(xdg, "kube-platform")}`));
    assert.strictEqual(fs.readFileSync(t.kubeconfigFile, "utf8"), KUBECONFIG);
    // An edited kubeconfigPath (relative: to the project directory) is honoured, even in the repository.
    const edited = machine(
      { clusters: [] },
      { dev: {} },
      [],
      SHIPPED_STACK.replace(KIND_KUBECONFIG, ".kube/kind.yaml"),
    );
    const e = await edited.run([]);
    assert.strictEqual(e.code, EXIT.success, e.stderr);
    assert.strictEqual(fs.readFileSync(path.join(edited.root, ".kube/kind.yaml"), "utf8"), KUBECONFIG);
  });
});

describe("the local command's shipped wiring", () => {
  it("writes the kubeconfig Pulumi.dev.yaml reads, for the context kind names, on stack dev", () => {
    const stack = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as {
      config: Record<string, Record<string, unknown>>;
    };
    const cluster = stack.config["kube-platform:cluster"];
    assert.strictEqual(cluster.kubeconfigPath, KIND_KUBECONFIG);
    assert.strictEqual(cluster.context, "kind-kube-platform");
    assert.strictEqual(LOCAL_STACK, "dev");
    assert.ok(fs.existsSync(path.join(REPO_ROOT, KIND_CONFIG)));
  });

  it("is `npm run local`; the repository directory of earlier versions' state stays gitignored", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    assert.strictEqual(pkg.scripts.local, "ts-node --transpile-only automation/local.ts");
    const ignored = fs.readFileSync(path.join(REPO_ROOT, ".gitignore"), "utf8").split("\n");
    assert.ok(ignored.includes(".pulumi-local/"));
  });
});
