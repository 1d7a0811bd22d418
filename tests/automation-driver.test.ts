// Integration tests of the pipeline driver (automation/) against a fake `pulumi` executable
// (tests/fixtures/fake-pulumi/bin/pulumi) that the Automation API runs instead of the real CLI:
// the fake records every call and replays canned engine events, outputs and failures. The tests
// assert the exact CLI calls, the JSON report, the gate, concurrency, signals and exit codes.

import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PULUMI_ROOT_ENV, REPO_ROOT } from "../automation/driver";
import { EXIT } from "../automation/exit-codes";
import type { Report } from "../automation/report";
import { type Call, DriverHarness, FAKE_ROOT, PASSPHRASE, type RunResult } from "./helpers/driver-harness";

const SECRET = "s3cr3t-token-value";

interface Step {
  op: string;
  type: string;
  name: string;
  protect?: boolean;
  oldProtect?: boolean;
  keys?: string[];
  diffs?: string[];
  fail?: string;
}

interface StackSpec {
  exists?: boolean;
  config?: Record<string, { value: string; secret: boolean }>;
  steps?: Partial<Record<"preview" | "up" | "refresh" | "destroy", Step[]>>;
  fail?: Record<string, string>;
  sleepMs?: Record<string, number>;
  onSigint?: "cancel" | "ignore";
  outputs?: Record<string, unknown>;
}

interface Scenario {
  version?: string;
  whoami?: { user: string; url: string } | { error: string };
  stacks: Record<string, StackSpec>;
}

const profile = (p: string) => ({ "kube-platform:profile": { value: p, secret: false } });

const DEV_UP: Step[] = [
  { op: "create", type: "aws:ec2/vpc:Vpc", name: "kp-vpc" },
  { op: "update", type: "aws:eks/cluster:Cluster", name: "kp-cluster", diffs: ["version"] },
  { op: "same", type: "aws:iam/role:Role", name: "kp-role" },
];
const OUTPUTS = {
  clusterName: "kp-dev",
  region: "eu-west-1",
  kubeconfig: { secret: "apiVersion: v1 # kube" },
};

/** The shared harness (tests/helpers/driver-harness.ts) over this file's typed scenarios. */
class Harness extends DriverHarness {
  constructor(scenario: Scenario) {
    super(scenario);
  }
}

/**
 * A call as "<command words> <flags sorted>", flag values kept with their flag and volatile ones
 * (the event log's address) as "*": order-insensitive within a call, exact otherwise.
 */
function describeCall(call: Call): string {
  const head: string[] = [];
  const flags: string[] = [];
  const a = call.args;
  let i = 0;
  while (i < a.length && !a[i].startsWith("-")) head.push(a[i++]);
  for (; i < a.length; i++) {
    if (a[i + 1] !== undefined && !a[i + 1].startsWith("-")) {
      flags.push(`${a[i]} ${a[i] === "--event-log" ? "*" : a[i + 1]}`);
      i++;
    } else {
      flags.push(a[i]);
    }
  }
  return [...head, ...flags.sort()].join(" ");
}

const described = (calls: Call[]) => calls.map(describeCall);
const forStack = (calls: Call[], stack: string) =>
  calls.filter(
    (c) => c.args.includes(stack) && !(c.args[0] === "stack" && c.args[1] === "init" && c.args[2] !== stack),
  );
const ops = (calls: Call[], op: string) =>
  calls.filter((c) => c.args[0] === op && !c.args.includes("--preview-only"));

// The calls the Automation API makes around an operation on stack S.
const SELECT = (s: string) => `stack select --non-interactive --stack ${s}`;
const CONFIG_JSON = (s: string) => `config --json --non-interactive --show-secrets --stack ${s}`;
const OUTPUT_MASKED = (s: string) => `stack output --json --non-interactive --stack ${s}`;
const OUTPUT_PLAIN = (s: string) => `stack output --json --non-interactive --show-secrets --stack ${s}`;
const HISTORY = (s: string) => `stack history --json --non-interactive --page 1 --page-size 1 --stack ${s}`;
const PREVIEW = (s: string) => `preview --event-log * --exec-kind auto.local --non-interactive --stack ${s}`;
const UP = (s: string) =>
  `up --event-log * --exec-kind auto.local --non-interactive --skip-preview --stack ${s} --yes`;

function assertNoSecrets(r: RunResult, ...files: string[]): void {
  const texts = [r.stdout, r.stderr, ...files.map((f) => fs.readFileSync(f, "utf8"))];
  for (const t of texts) {
    for (const secret of [SECRET, PASSPHRASE, "apiVersion: v1 # kube"]) {
      assert.ok(!t.includes(secret), `a secret value leaked: ${secret}`);
    }
  }
}

describe("automation: the driver against a fake pulumi CLI", function () {
  this.timeout(30000);
  let h: Harness | undefined;
  const harness = (scenario: Scenario): Harness => (h = new Harness(scenario));
  afterEach(() => {
    h?.cleanup();
    h = undefined;
  });

  it("up: the exact CLI calls, progress lines, summary, JSON report with non-secret outputs", async () => {
    const t = harness({
      stacks: { dev: { exists: true, config: profile("dev"), steps: { up: DEV_UP }, outputs: OUTPUTS } },
    });
    const r = await t.run(["up", "--stack", "dev", "--json", "report.json"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(described(r.calls), [
      "version",
      "whoami --json --non-interactive",
      SELECT("dev"),
      CONFIG_JSON("dev"),
      UP("dev"),
      OUTPUT_MASKED("dev"),
      OUTPUT_PLAIN("dev"),
      HISTORY("dev"),
    ]);
    // The same program the CLI runs: the repository root with Pulumi.yaml.
    for (const c of r.calls) assert.strictEqual(c.cwd, REPO_ROOT);
    assert.ok(fs.existsSync(path.join(REPO_ROOT, "Pulumi.yaml")));
    assert.ok(ops(r.calls, "up")[0].env.includes("PULUMI_SKIP_UPDATE_CHECK"));

    assert.match(r.stderr, /^\[dev\] \+ created aws:ec2\/vpc:Vpc "kp-vpc" \(\d+\.\ds\)$/m);
    assert.match(r.stderr, /^\[dev\] ~ updated aws:eks\/cluster:Cluster "kp-cluster" \(changed: version\)/m);
    assert.doesNotMatch(r.stderr, /kp-role/);
    assert.match(
      r.stderr,
      /^\[dev\] up succeeded in \d+\.\ds: 1 created, 1 updated, 0 replaced, 0 deleted, 0 failed$/m,
    );
    assert.strictEqual(r.stdout, "");

    const report = t.report();
    assert.strictEqual(report.command, "up");
    assert.strictEqual(report.status, "succeeded");
    assert.strictEqual(report.exitCode, 0);
    assert.strictEqual(report.backend, "file:///fake");
    assert.strictEqual(report.stacks.length, 1);
    const dev = report.stacks[0];
    assert.strictEqual(dev.status, "succeeded");
    assert.strictEqual(dev.stackCreated, false);
    assert.deepStrictEqual(dev.changes, {
      created: 1,
      updated: 1,
      replaced: 0,
      deleted: 0,
      same: 1,
      failed: 0,
    });
    assert.deepStrictEqual(dev.outputs, { clusterName: "kp-dev", region: "eu-west-1" });
    assert.deepStrictEqual(dev.secretOutputs, ["kubeconfig"]);
    assert.strictEqual(dev.gate?.outcome, "not-protected");
    assert.ok(typeof dev.durationSeconds === "number" && typeof report.durationSeconds === "number");
    assertNoSecrets(r, path.join(t.dir, "report.json"));
  });

  it("preview with --local: file backend, stack created on first use with passphrase secrets", async () => {
    const t = harness({
      stacks: {
        dev: {
          exists: false,
          steps: { preview: [{ op: "create", type: "aws:ec2/vpc:Vpc", name: "kp-vpc" }] },
        },
      },
    });
    const state = path.join(t.dir, "state");
    const r = await t.run(["preview", "-s", "dev", "--local", state, "--json", "-"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(described(r.calls), [
      "version",
      "whoami --json --non-interactive",
      SELECT("dev"),
      "stack init dev --non-interactive --secrets-provider passphrase",
      CONFIG_JSON("dev"),
      PREVIEW("dev"),
    ]);
    assert.ok(fs.statSync(state).isDirectory(), "--local creates its directory");
    for (const c of r.calls.slice(1)) {
      assert.strictEqual(c.backendUrl, `file://${state}`);
      assert.ok(c.env.includes("PULUMI_BACKEND_URL"));
    }
    assert.match(r.stderr, /^\[dev\] created stack dev \(secrets provider passphrase\)$/m);
    assert.match(r.stderr, /^\[dev\] \+ create aws:ec2\/vpc:Vpc "kp-vpc"$/m);
    // --json -: stdout is exactly the report.
    const report = JSON.parse(r.stdout) as Report;
    assert.strictEqual(report.stacks[0].stackCreated, true);
    assert.deepStrictEqual(report.stacks[0].changes.created, 1);
  });

  it("--config/--secret are applied before the operation with path semantics and never echoed", async () => {
    const t = harness({
      stacks: {
        dev: {
          exists: true,
          config: profile("dev"),
          steps: { up: DEV_UP },
          outputs: { ...OUTPUTS, echoed: `token is ${SECRET}` },
        },
        qa: {
          exists: true,
          fail: { "set-all": `error: invalid value for kube-platform:token: "${SECRET}"` },
        },
      },
    });
    const r = await t.run(
      [
        "up",
        "-s",
        "dev",
        "-s",
        "qa",
        "--config",
        "apps[0].image=ghcr.io/x:v2",
        "--secret",
        `kube-platform:token=${SECRET}`,
        "--json",
        "-",
      ],
      { env: { PULUMI_ACCESS_TOKEN: "pul-token-never-printed" } },
    );
    assert.strictEqual(r.code, 1);
    const dev = forStack(r.calls, "dev");
    assert.deepStrictEqual(described(dev).slice(0, 3), [
      SELECT("dev"),
      `config set-all --non-interactive --path --plaintext apps[0].image=ghcr.io/x:v2 --secret kube-platform:token=${SECRET} --stack dev`,
      CONFIG_JSON("dev"),
    ]);
    assert.ok(dev.findIndex((c) => c.args[0] === "up") > 1, "config is set before up");
    assert.match(r.stderr, /\[dev\] setting config: apps\[0\]\.image, kube-platform:token \(secret\)/);
    assert.doesNotMatch(r.stderr, /ghcr\.io\/x:v2/, "config values are not echoed either");
    // The CLI's error echoed the secret: the driver redacts it.
    assert.match(r.stderr, /\[qa\] up failed: error: invalid value for kube-platform:token: "\[secret\]"/);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepStrictEqual(report.stacks[0].configKeys, ["apps[0].image", "kube-platform:token"]);
    assert.strictEqual(report.stacks[0].outputs?.echoed, "token is [secret]");
    assert.strictEqual(report.stacks[1].status, "failed");
    assertNoSecrets(r);
    assert.ok(!r.stderr.includes("pul-token-never-printed") && !r.stdout.includes("pul-token-never-printed"));
  });

  it("gate: up on a protected stack refuses (EXIT.refused), naming each protected resource, and applies nothing", async () => {
    const t = harness({
      stacks: {
        prod: {
          exists: true,
          config: profile("prod"),
          steps: {
            preview: [
              {
                op: "replace",
                type: "aws:eks/cluster:Cluster",
                name: "kp-cluster",
                protect: true,
                keys: ["name"],
              },
              { op: "delete", type: "kubernetes:core/v1:Namespace", name: "vault" },
              { op: "update", type: "kubernetes:apps/v1:Deployment", name: "hello" },
            ],
          },
        },
      },
    });
    const r = await t.run(["up", "-s", "prod", "--json", "report.json"]);
    assert.strictEqual(r.code, EXIT.refused, r.stderr);
    assert.deepStrictEqual(described(r.calls), [
      "version",
      "whoami --json --non-interactive",
      SELECT("prod"),
      CONFIG_JSON("prod"),
      PREVIEW("prod"),
    ]);
    assert.match(r.stderr, /\[prod\] protected stack \(profile is prod\)/);
    assert.match(
      r.stderr,
      /\[prod\] up refused on protected stack prod \(profile is prod\): 2 protected resources/,
    );
    assert.match(
      r.stderr,
      /aws:eks\/cluster:Cluster "kp-cluster" would be replaced \(replacement forced by: name\): protect: true;.*\[urn:pulumi:prod::kube-platform::aws:eks\/cluster:Cluster::kp-cluster\]/,
    );
    assert.match(
      r.stderr,
      /kubernetes:core\/v1:Namespace "vault" would be deleted: protected type: a namespace/,
    );
    assert.match(
      r.stderr,
      /^\[prod\] up refused in \d+\.\ds: 2 protected resources would be replaced or deleted/m,
    );
    const report = t.report();
    assert.strictEqual(report.status, "refused");
    assert.strictEqual(report.exitCode, EXIT.refused);
    const gate = report.stacks[0].gate;
    assert.strictEqual(gate?.outcome, "refused");
    assert.deepStrictEqual(
      gate?.findings.map((f) => [f.name, f.op, f.refusedByPulumi]),
      [
        ["kp-cluster", "replace", true],
        ["vault", "delete", false],
      ],
    );
  });

  it("gate: --allow-replace lets a reviewed replacement through; an unprotected change passes silently", async () => {
    const replaceNs: Step[] = [
      { op: "replace", type: "kubernetes:core/v1:Namespace", name: "monitoring", keys: ["metadata.name"] },
    ];
    const scenario: Scenario = {
      stacks: {
        prod: { exists: true, config: profile("prod"), steps: { preview: replaceNs, up: replaceNs } },
        staging: {
          exists: true,
          config: {
            ...profile("dev"),
            "kube-platform:cluster": { value: '{"protect":true}', secret: false },
          },
          steps: { preview: DEV_UP, up: DEV_UP },
        },
      },
    };
    const t = harness(scenario);
    const refused = await t.run(["up", "-s", "prod"]);
    assert.strictEqual(refused.code, EXIT.refused);
    assert.strictEqual(ops(refused.calls, "up").length, 0);

    const allowed = await t.run(["up", "-s", "prod", "-s", "staging", "--allow-replace", "--json", "r.json"]);
    assert.strictEqual(allowed.code, 0, allowed.stderr);
    const prodCalls = described(forStack(allowed.calls, "prod"));
    assert.deepStrictEqual(prodCalls, [
      SELECT("prod"),
      CONFIG_JSON("prod"),
      PREVIEW("prod"),
      UP("prod"),
      OUTPUT_MASKED("prod"),
      OUTPUT_PLAIN("prod"),
      HISTORY("prod"),
    ]);
    assert.match(allowed.stderr, /\[prod\] gate: --allow-replace given; proceeding with 1 protected change/);
    assert.match(
      allowed.stderr,
      /\[staging\] gate passed: no protected resource would be replaced or deleted/,
    );
    const report = t.report("r.json");
    assert.deepStrictEqual(
      report.stacks.map((s) => [s.stack, s.status, s.gate?.outcome]),
      [
        ["prod", "succeeded", "allowed"],
        ["staging", "succeeded", "passed"],
      ],
    );
    assert.strictEqual(report.stacks[0].changes.replaced, 1);
  });

  it("preview on a protected stack reports what up would refuse, and still succeeds", async () => {
    const replaceProvider: Step[] = [
      { op: "replace", type: "pulumi:providers:kubernetes", name: "kp-k8s", keys: ["kubeconfig"] },
    ];
    const t = harness({
      stacks: {
        prod: { exists: true, config: profile("prod"), steps: { preview: replaceProvider } },
        dev: { exists: true, config: profile("dev"), steps: { preview: replaceProvider } },
      },
    });
    // cluster.protect=true is applied before the gate reads the config: dev becomes protected too.
    const r = await t.run([
      "preview",
      "-s",
      "prod",
      "-s",
      "dev",
      "--config",
      "cluster.protect=true",
      "--json",
      "-",
    ]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /\[prod\] warning: up would be refused on protected stack prod \(profile is prod\)/,
    );
    assert.match(
      r.stderr,
      /\[dev\] warning: up would be refused on protected stack dev \(cluster\.protect is true\)/,
    );
    assert.match(
      r.stderr,
      /pulumi:providers:kubernetes "kp-k8s" would be replaced \(replacement forced by: kubeconfig\)/,
    );
    const report = JSON.parse(r.stdout) as Report;
    assert.deepStrictEqual(
      report.stacks.map((s) => [s.stack, s.status, s.gate?.outcome, s.changes.replaced]),
      [
        ["prod", "succeeded", "would-refuse", 1],
        ["dev", "succeeded", "would-refuse", 1],
      ],
    );
  });

  it("a resource Pulumi itself protects: preview fails but reports the gate; --allow-replace stops before up", async () => {
    const t = harness({
      stacks: {
        prod: {
          exists: true,
          config: profile("prod"),
          steps: {
            preview: [
              {
                op: "replace",
                type: "aws:kms/key:Key",
                name: "kp-secrets",
                protect: true,
                keys: ["keyUsage"],
              },
            ],
          },
        },
      },
    });
    const preview = await t.run(["preview", "-s", "prod", "--json", "preview.json"]);
    assert.strictEqual(preview.code, 1);
    const previewReport = t.report("preview.json").stacks[0];
    assert.strictEqual(previewReport.gate?.outcome, "would-refuse");
    assert.strictEqual(previewReport.gate?.findings[0].refusedByPulumi, true);
    assert.match(previewReport.error?.message ?? "", /unable to replace resource .*kp-secrets/);

    const up = await t.run(["up", "-s", "prod", "--allow-replace", "--json", "up.json"]);
    assert.strictEqual(up.code, 1);
    assert.strictEqual(ops(up.calls, "up").length, 0, "nothing applied");
    const error = t.report("up.json").stacks[0].error;
    // The engine's diagnostics once each (the CLI's bail path prints nothing on stderr).
    assert.strictEqual(
      error?.message,
      'unable to replace resource "urn:pulumi:prod::kube-platform::aws:kms/key:Key::kp-secrets"\n' +
        "as it is currently marked for protection. To unprotect the resource, remove the `protect` flag " +
        "from the resource in your Pulumi program and run `pulumi up`\npreview failed",
    );
    assert.match(
      error?.hint ?? "",
      /set cluster\.protect: false in a reviewed change, then run up --allow-replace/,
    );
    assert.match(up.stderr, /\[prod\]   hint: Pulumi refuses to replace or delete/);
  });

  it("--parallel 2 runs two stacks at once", async () => {
    const spec = (name: string): StackSpec => ({
      exists: true,
      config: profile("dev"),
      sleepMs: { up: 600 },
      steps: { up: [{ op: "create", type: "aws:ec2/vpc:Vpc", name: `${name}-vpc` }] },
    });
    const t = harness({ stacks: { a: spec("a"), b: spec("b") } });
    const overlap = (calls: Call[]) => {
      const [x, y] = ops(calls, "up");
      return x.start < y.end && y.start < x.end;
    };
    const parallel = await t.run(["up", "-s", "a", "-s", "b", "-p", "2"]);
    assert.strictEqual(parallel.code, 0, parallel.stderr);
    assert.strictEqual(ops(parallel.calls, "up").length, 2);
    assert.ok(overlap(parallel.calls), "with --parallel 2 the two updates overlap");
  });

  it("a failing stack does not hide the other's result (exit 1, both in the report)", async () => {
    const t = harness({
      stacks: {
        dev: {
          exists: true,
          config: profile("dev"),
          steps: {
            up: [
              { op: "create", type: "aws:ec2/vpc:Vpc", name: "kp-vpc" },
              {
                op: "create",
                type: "aws:eks/cluster:Cluster",
                name: "kp-cluster",
                fail: "creating EKS Cluster: AccessDeniedException",
              },
            ],
          },
        },
        qa: { exists: true, config: profile("dev"), steps: { up: DEV_UP }, outputs: OUTPUTS },
      },
    });
    const r = await t.run(["up", "-s", "dev", "-s", "qa", "-p", "2", "--json", "report.json"]);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /\[dev\] x failed to create aws:eks\/cluster:Cluster "kp-cluster"/);
    assert.match(r.stderr, /\[dev\] up failed: creating EKS Cluster: AccessDeniedException/);
    assert.match(r.stderr, /^\[qa\] up succeeded/m);
    const report = t.report();
    assert.strictEqual(report.status, "failed");
    const [dev, qa] = report.stacks;
    assert.strictEqual(dev.status, "failed");
    assert.strictEqual(dev.error?.kind, "failed");
    assert.strictEqual(dev.error?.message, "creating EKS Cluster: AccessDeniedException\nupdate failed");
    assert.deepStrictEqual([dev.changes.created, dev.changes.failed], [1, 1]);
    assert.strictEqual(qa.status, "succeeded");
    assert.deepStrictEqual(qa.outputs, { clusterName: "kp-dev", region: "eu-west-1" });
  });

  it("destroy runs the stacks in reverse order and never creates a missing stack", async () => {
    const gone: StackSpec = {
      exists: true,
      config: profile("dev"),
      steps: { destroy: [{ op: "delete", type: "aws:ec2/vpc:Vpc", name: "vpc" }] },
    };
    const t = harness({ stacks: { a: gone, b: { exists: false }, c: gone } });
    const r = await t.run(["destroy", "-s", "a", "-s", "b", "-s", "c", "--json", "report.json"]);
    assert.strictEqual(r.code, EXIT.stackNotFound);
    assert.deepStrictEqual(
      r.calls
        .filter((c) => c.args[0] === "stack" && c.args[1] === "select")
        .map((c) => c.args[c.args.indexOf("--stack") + 1]),
      ["c", "b", "a"],
    );
    assert.deepStrictEqual(described(forStack(r.calls, "c")), [
      SELECT("c"),
      CONFIG_JSON("c"),
      // The state before the destroy, for what it leaves behind (automation/leftovers.ts).
      "stack export --non-interactive --show-secrets --stack c",
      "destroy --event-log * --exec-kind auto.local --non-interactive --skip-preview --stack c --yes",
      HISTORY("c"),
    ]);
    assert.ok(!r.calls.some((c) => c.args[1] === "init"), "destroy never creates a stack");
    // The default --parallel 1: each stack's calls end before the next stack's begin.
    const [c, a] = [forStack(r.calls, "c"), forStack(r.calls, "a")];
    assert.ok(
      c[c.length - 1].end <= forStack(r.calls, "b")[0].start && forStack(r.calls, "b")[0].end <= a[0].start,
    );
    const report = t.report();
    assert.deepStrictEqual(
      report.stacks.map((s) => [s.stack, s.status, s.error?.kind]),
      [
        ["c", "succeeded", undefined],
        ["b", "failed", "missing-stack"],
        ["a", "succeeded", undefined],
      ],
    );
    assert.strictEqual(report.stacks[0].changes.deleted, 1);
    assert.match(r.stderr, /\[b\] destroy failed: stack b does not exist in this backend/);
    assert.match(r.stderr, /hint: create it with `up`/);
  });

  it("destroy of a protected stack is gated like up (destroy --preview-only first)", async () => {
    const t = harness({
      stacks: {
        prod: {
          exists: true,
          config: profile("prod"),
          steps: { destroy: [{ op: "delete", type: "aws:kms/key:Key", name: "kp-secrets", protect: true }] },
        },
      },
    });
    const r = await t.run(["destroy", "-s", "prod"]);
    assert.strictEqual(r.code, EXIT.refused, r.stderr);
    assert.deepStrictEqual(described(r.calls).slice(-1), [
      "destroy --event-log * --exec-kind auto.local --non-interactive --preview-only --stack prod",
    ]);
    assert.match(r.stderr, /destroy refused on protected stack prod/);
    assert.match(
      r.stderr,
      /aws:kms\/key:Key "kp-secrets" would be deleted: protect: true; protected type: key material/,
    );
  });

  it("refresh and outputs need an existing stack; outputs prints non-secret outputs on stdout", async () => {
    const t = harness({
      stacks: {
        dev: {
          exists: true,
          steps: {
            refresh: [
              {
                op: "refresh",
                type: "aws:eks/nodeGroup:NodeGroup",
                name: "general",
                diffs: ["scalingConfig"],
              },
            ],
          },
          outputs: OUTPUTS,
        },
      },
    });
    const refresh = await t.run(["refresh", "-s", "dev", "-s", "ghost"]);
    assert.strictEqual(refresh.code, EXIT.stackNotFound);
    assert.deepStrictEqual(described(forStack(refresh.calls, "dev")), [
      SELECT("dev"),
      "refresh --event-log * --exec-kind auto.local --non-interactive --skip-preview --stack dev --yes",
      HISTORY("dev"),
      OUTPUT_MASKED("dev"),
      OUTPUT_PLAIN("dev"),
    ]);
    assert.match(
      refresh.stderr,
      /\[dev\] ~ refreshed aws:eks\/nodeGroup:NodeGroup "general" \(changed: scalingConfig\)/,
    );
    assert.match(refresh.stderr, /\[ghost\] refresh failed: stack ghost does not exist/);
    assert.ok(!refresh.calls.some((c) => c.args[1] === "init"));

    fs.rmSync(t.logFile);
    const outputs = await t.run(["outputs", "-s", "dev"]);
    assert.strictEqual(outputs.code, 0, outputs.stderr);
    assert.deepStrictEqual(described(outputs.calls).slice(2), [
      SELECT("dev"),
      OUTPUT_MASKED("dev"),
      OUTPUT_PLAIN("dev"),
    ]);
    assert.deepStrictEqual(JSON.parse(outputs.stdout), {
      dev: { clusterName: "kp-dev", region: "eu-west-1" },
    });
    assert.match(
      outputs.stderr,
      /\[dev\] outputs succeeded in \d+\.\ds: 2 outputs \(\+1 secret, not shown\)/,
    );
    assertNoSecrets(outputs);
  });

  it("concurrent update: the lock is reported clearly (exit 1)", async () => {
    const t = harness({
      stacks: {
        prod: {
          exists: true,
          config: profile("dev"),
          fail: {
            up:
              "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
              "  s3://state/.pulumi/locks/organization/kube-platform/prod/1.json: created by ci@runner-7 (pid 42) at 2026-01-01T00:00:00Z",
          },
        },
      },
    });
    const r = await t.run(["up", "-s", "prod", "--json", "-"]);
    assert.strictEqual(r.code, 1);
    const report = JSON.parse(r.stdout) as Report;
    assert.strictEqual(report.stacks[0].error?.kind, "concurrent-update");
    assert.match(
      r.stderr,
      /\[prod\] up failed: another update is running on the stack \(stack prod\): error: the stack is currently locked/,
    );
    assert.match(r.stderr, /created by ci@runner-7/);
    assert.match(r.stderr, /hint: wait for the other update to finish/);
  });

  it("setup errors exit before any stack runs (EXIT.auth, EXIT.setup): not logged in, no CLI, no passphrase", async () => {
    const t = harness({
      whoami: {
        error: "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions",
      },
      stacks: { dev: { exists: true } },
    });
    const login = await t.run(["up", "-s", "dev", "--json", "report.json"]);
    assert.strictEqual(login.code, EXIT.auth);
    assert.deepStrictEqual(described(login.calls), ["version", "whoami --json --non-interactive"]);
    assert.match(
      login.stderr,
      /error: not logged in to a Pulumi backend: error: PULUMI_ACCESS_TOKEN must be set/,
    );
    assert.match(login.stderr, /hint: set PULUMI_ACCESS_TOKEN .*--local/);
    const report = t.report();
    assert.strictEqual(report.status, "setup-error");
    assert.strictEqual(report.error?.kind, "not-logged-in");
    assert.deepStrictEqual(
      report.stacks.map((s) => s.status),
      ["skipped"],
    );

    const noCli = await t.run(["up", "-s", "dev"], {
      env: { [PULUMI_ROOT_ENV]: path.join(t.dir, "no-such-install") },
    });
    assert.strictEqual(noCli.code, EXIT.setup);
    assert.match(noCli.stderr, /error: the Pulumi CLI was not found/);
    assert.match(
      noCli.stderr,
      /curl -fsSL https:\/\/get\.pulumi\.com \| sh .*https:\/\/www\.pulumi\.com\/docs\/install\//,
    );

    // Each run's calls are its own (the harness clears the call log).
    const noPassphrase = await t.run(["up", "-s", "dev", "--local", path.join(t.dir, "s")], {
      env: { PULUMI_CONFIG_PASSPHRASE: undefined },
    });
    assert.strictEqual(noPassphrase.code, EXIT.setup);
    assert.match(noPassphrase.stderr, /needs PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE/);
    assert.deepStrictEqual(noPassphrase.calls, [], "no CLI call before the environment is right");

    const usage = await t.run(["up"]);
    assert.strictEqual(usage.code, EXIT.usage);
    assert.match(usage.stderr, /error: missing --stack/);
  });

  it("a signal cancels cleanly: Pulumi is interrupted, the rest skipped, EXIT.cancelled, report says cancelled", async () => {
    const t = harness({
      stacks: {
        dev: { exists: true, config: profile("dev"), sleepMs: { up: 5000 }, steps: { up: DEV_UP } },
        qa: { exists: true, config: profile("dev"), steps: { up: DEV_UP } },
      },
    });
    const running = t.run(["up", "-s", "dev", "-s", "qa", "--json", "report.json"]);
    await t.started("up", "dev");
    const sentAt = Date.now();
    t.signal("SIGINT");
    const r = await running;
    assert.strictEqual(r.code, EXIT.cancelled, r.stderr);
    assert.ok(Date.now() - sentAt < 4000, "the driver does not wait for the whole update");
    const up = ops(r.calls, "up");
    assert.strictEqual(up.length, 1, "qa never starts");
    assert.deepStrictEqual(up[0].signals, ["SIGINT"], "Pulumi got an interrupt (its clean cancellation)");
    assert.ok(!r.calls.some((c) => c.args[0] === "cancel"), "no forced cancel on the first signal");
    assert.match(r.stderr, /SIGINT received: cancelling/);
    const report = t.report();
    assert.strictEqual(report.status, "cancelled");
    assert.deepStrictEqual(
      report.stacks.map((s) => [s.stack, s.status]),
      [
        ["dev", "cancelled"],
        ["qa", "skipped"],
      ],
    );
  });

  it("works with CLIs that write engine events to a file (Pulumi <= 3.205)", async () => {
    const t = harness({
      version: "v3.200.0",
      stacks: { dev: { exists: true, config: profile("dev"), steps: { preview: DEV_UP } } },
    });
    const r = await t.run(["preview", "-s", "dev", "--json", "-"]);
    assert.strictEqual(r.code, 0, r.stderr);
    const log = ops(r.calls, "preview")[0].args;
    assert.ok(!log[log.indexOf("--event-log") + 1].startsWith("tcp://"), "a file event log");
    assert.match(r.stderr, /\[dev\] \+ create aws:ec2\/vpc:Vpc "kp-vpc"/);
    assert.deepStrictEqual((JSON.parse(r.stdout) as Report).stacks[0].changes.created, 1);
  });
});

describe("automation: the CLI entry point (npm run platform)", function () {
  this.timeout(30000);
  let dir: string | undefined;
  afterEach(() => dir !== undefined && fs.rmSync(dir, { recursive: true, force: true }));

  function cli(args: string[], env: Record<string, string>) {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(REPO_ROOT, "automation/cli.ts"), ...args],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on("close", (code) => resolve({ code, stdout, stderr })),
    );
    return { child, done };
  }

  it("SIGTERM to the process cancels the update and exits EXIT.cancelled", async function () {
    this.timeout(90_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-automation-cli-"));
    fs.writeFileSync(
      path.join(dir, "scenario.json"),
      JSON.stringify({
        stacks: {
          dev: { exists: true, config: profile("dev"), sleepMs: { up: 8000 }, steps: { up: DEV_UP } },
        },
      }),
    );
    const env = {
      [PULUMI_ROOT_ENV]: FAKE_ROOT,
      FAKE_PULUMI_LOG: path.join(dir, "calls.jsonl"),
      FAKE_PULUMI_SCENARIO: path.join(dir, "scenario.json"),
      FAKE_PULUMI_STATE: dir,
    };
    const { child, done } = cli(["up", "--stack", "dev", "--json", path.join(dir, "report.json")], env);
    const marker = path.join(dir, "fake-started-up-dev");
    // The CLI starts under ts-node: on a loaded machine that takes well over 15 s. A signal sent
    // before the fake pulumi runs would kill the driver before it handles signals.
    const until = Date.now() + 45000;
    while (!fs.existsSync(marker) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    assert.ok(fs.existsSync(marker), "the fake pulumi up never started");
    child.kill("SIGTERM");
    const r = await done;
    assert.strictEqual(r.code, EXIT.cancelled, r.stderr);
    assert.match(r.stderr, /SIGTERM received: cancelling/);
    const report = JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8")) as Report;
    assert.strictEqual(report.status, "cancelled");
  });
});
