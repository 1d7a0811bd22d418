// The driver's pipeline flags against the fake `pulumi` (tests/helpers/driver-harness.ts): the CLI
// arguments each flag becomes for each operation (the pinned SDK's automation/stack.js builds them),
// policy packs with the stack's generated pack config and violations in the report, drift, the
// exit codes, --show-secrets, and a --local run that writes nothing into the repository.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../automation/driver";
import { EXIT } from "../automation/exit-codes";
import type { Report } from "../automation/report";
import { DriverHarness, commandCalls, flagsOf, snapshot, type Call } from "./helpers/driver-harness";

const CLUSTER = "aws:eks/cluster:Cluster";
const VPC = "aws:ec2/vpc:Vpc";
const PACK = path.join(REPO_ROOT, "policy");
const urn = (stack: string, type: string, name: string) =>
  `urn:pulumi:${stack}::kube-platform::${type}::${name}`;
const cfg = (entries: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(entries).map(([k, v]) => [
      `kube-platform:${k}`,
      { value: typeof v === "string" ? v : JSON.stringify(v), secret: false },
    ]),
  );

const STEPS = [
  { op: "update", type: CLUSTER, name: "kp-cluster", diffs: ["version", "tags.env"] },
  { op: "create", type: VPC, name: "kp-vpc" },
];
const OPEN = "the public endpoint is open to 0.0.0.0/0";
const ENDPOINT_RULE = "the EKS API endpoint is private or limited to known networks [CKV_AWS_38, CKV_AWS_39]";
const POLICY = [
  {
    pack: "kube-platform",
    version: "0.1.0",
    policy: "eks-endpoint-access",
    level: "mandatory",
    description: ENDPOINT_RULE,
    message: OPEN,
    step: "kp-cluster",
  },
  {
    pack: "kube-platform",
    version: "0.1.0",
    policy: "k8s-cpu-limit",
    level: "advisory",
    message: "no CPU limit",
    step: "kp-vpc",
  },
];
const WAIVERS = [
  { rule: "eks-endpoint-access", reason: "a throwaway dev cluster reached from changing CI runners" },
];

/** The values of a repeatable flag in a call, in order. */
function values(call: Call, flag: string): string[] {
  return call.args.flatMap((a, i) => (a === flag ? [call.args[i + 1]] : []));
}

describe("automation: pipeline flags against a fake pulumi CLI", function () {
  this.timeout(60000);
  let h: DriverHarness | undefined;
  const harness = (scenario: unknown): DriverHarness => (h = new DriverHarness(scenario));
  afterEach(() => {
    h?.cleanup();
    h = undefined;
  });

  it("--policy-pack: each stack's pack config goes with it; a waived mandatory policy is advisory, an unwaived one exits EXIT.policy", async () => {
    const t = harness({
      stacks: {
        dev: {
          exists: true,
          config: cfg({ profile: "dev", waivers: WAIVERS }),
          steps: { preview: STEPS },
          policy: POLICY,
        },
        qa: { exists: true, config: cfg({ profile: "dev" }), steps: { preview: STEPS }, policy: POLICY },
      },
    });
    const r = await t.run([
      "preview",
      "-s",
      "dev",
      "-s",
      "qa",
      "--policy-pack",
      PACK,
      "--json",
      "report.json",
    ]);
    assert.strictEqual(r.code, EXIT.policy, r.stderr);
    for (const stack of ["dev", "qa"]) {
      const [call] = commandCalls(r.calls, "preview", stack);
      assert.deepStrictEqual(values(call, "--policy-pack"), [PACK]);
      const [configFile] = values(call, "--policy-pack-config");
      assert.match(configFile, /kp-policy-[^/]+\/policy-pack-config\.json$/);
      assert.ok(!fs.existsSync(configFile), "the pack config is removed after the operation");
    }
    // The finding first, the policy's description (the first line of @pulumi/policy's text) under it.
    assert.ok(
      r.stderr.includes(
        "[dev] policy advisory kube-platform/eks-endpoint-access: kp-cluster: the public endpoint is open to 0.0.0.0/0\n" +
          `[dev]     ${ENDPOINT_RULE}\n`,
      ),
      r.stderr,
    );
    assert.match(r.stderr, /^\[qa\] policy mandatory kube-platform\/eks-endpoint-access: kp-cluster: /m);
    const report = t.report();
    assert.deepStrictEqual([report.status, report.exitCode], ["policy-violation", EXIT.policy]);
    const [dev, qa] = report.stacks;
    assert.deepStrictEqual(
      [dev.status, dev.exitCode, qa.status, qa.exitCode],
      ["succeeded", EXIT.success, "failed", EXIT.policy],
    );
    assert.deepStrictEqual(dev.policyViolations, [
      {
        policyPack: "kube-platform",
        policyPackVersion: "0.1.0",
        policyName: "eks-endpoint-access",
        enforcementLevel: "advisory",
        message: `${ENDPOINT_RULE}\n${OPEN}`,
        urn: urn("dev", CLUSTER, "kp-cluster"),
      },
      {
        policyPack: "kube-platform",
        policyPackVersion: "0.1.0",
        policyName: "k8s-cpu-limit",
        enforcementLevel: "advisory",
        message: "k8s-cpu-limit description\nno CPU limit",
        urn: urn("dev", VPC, "kp-vpc"),
      },
    ]);
    assert.deepStrictEqual(
      qa.policyViolations.map((v) => [v.policyName, v.enforcementLevel]),
      [
        ["eks-endpoint-access", "mandatory"],
        ["k8s-cpu-limit", "advisory"],
      ],
    );
    // Without --policy-pack nothing is passed and nothing reported.
    const plain = await t.run(["preview", "-s", "qa", "--json", "plain.json"]);
    assert.strictEqual(plain.code, EXIT.success, plain.stderr);
    assert.ok(!commandCalls(plain.calls, "preview")[0].args.some((a) => a.startsWith("--policy-pack")));
    assert.deepStrictEqual(t.report("plain.json").stacks[0].policyViolations, []);
  });

  it("--policy-pack on up: with the update, and with the gate's preview on a protected stack (which stops before up)", async () => {
    const t = harness({
      stacks: {
        dev: {
          exists: true,
          config: cfg({ profile: "dev", waivers: WAIVERS }),
          steps: { up: STEPS },
          policy: POLICY,
        },
        prod: {
          exists: true,
          config: cfg({ profile: "prod" }),
          steps: { preview: STEPS, up: STEPS },
          policy: POLICY,
        },
      },
    });
    const r = await t.run(["up", "-s", "dev", "-s", "prod", "--policy-pack", PACK, "--json", "report.json"]);
    assert.strictEqual(r.code, EXIT.policy, r.stderr);
    const [devUp] = commandCalls(r.calls, "up", "dev");
    assert.deepStrictEqual(
      flagsOf(devUp).filter((f) => f.includes("policy")),
      ["--policy-pack", PACK, "--policy-pack-config", "<policy-pack-config.json>"],
    );
    const [gate] = commandCalls(r.calls, "preview", "prod");
    assert.deepStrictEqual(values(gate, "--policy-pack"), [PACK]);
    assert.strictEqual(values(gate, "--policy-pack-config").length, 1);
    assert.deepStrictEqual(commandCalls(r.calls, "up", "prod"), [], "nothing applied on prod");
    const report = t.report();
    assert.deepStrictEqual(
      report.stacks.map((s) => [s.stack, s.status, s.exitCode]),
      [
        ["dev", "succeeded", EXIT.success],
        ["prod", "failed", EXIT.policy],
      ],
    );
  });

  it("--policy-pack: not for refresh, destroy, drift or outputs; a directory that is no pack; invalid waivers in the stack", async () => {
    const t = harness({
      stacks: {
        dev: {
          exists: true,
          config: cfg({ waivers: [{ rule: "no-such-rule", reason: "x" }] }),
          steps: { preview: STEPS },
        },
      },
    });
    for (const command of ["refresh", "destroy", "drift", "outputs"]) {
      const r = await t.run([command, "-s", "dev", "--policy-pack", PACK]);
      assert.strictEqual(r.code, EXIT.usage, command);
      assert.match(
        r.stderr,
        new RegExp(`--policy-pack applies to preview and up only; it has no effect on ${command}`),
      );
      assert.deepStrictEqual(r.calls, []);
    }
    const notPack = await t.run(["preview", "-s", "dev", "--policy-pack", t.dir]);
    assert.strictEqual(notPack.code, EXIT.usage);
    assert.match(notPack.stderr, /--policy-pack .*: not a policy pack \(it has no PulumiPolicy\.yaml\)/);
    const invalid = await t.run(["preview", "-s", "dev", "--policy-pack", PACK, "--json", "report.json"]);
    assert.strictEqual(invalid.code, EXIT.usage, invalid.stderr);
    assert.deepStrictEqual(commandCalls(invalid.calls, "preview"), [], "no preview with a wrong pack config");
    assert.match(invalid.stderr, /\[dev\] preview failed: the stack's config is invalid:/);
    assert.match(invalid.stderr, /waivers\[0\]\.rule: got "no-such-rule"; allowed: /);
  });

  it("--target: every operation and the gate's previews get each URN; outputs refuses it", async () => {
    const T1 = urn("prod", CLUSTER, "kp-cluster");
    const T2 = urn("prod", VPC, "kp-vpc");
    const t = harness({
      stacks: {
        prod: {
          exists: true,
          config: cfg({ profile: "prod" }),
          steps: {
            preview: STEPS,
            up: STEPS,
            refresh: [],
            destroy: [{ op: "delete", type: VPC, name: "kp-vpc" }],
          },
        },
      },
    });
    const targets = ["--target", T1, "--target", T2, "--target", T1];
    for (const command of ["preview", "up", "refresh", "drift"]) {
      const r = await t.run([command, "-s", "prod", ...targets]);
      assert.strictEqual(r.code, EXIT.success, `${command}: ${r.stderr}`);
      const cli = command === "drift" ? "refresh" : command;
      const calls = [...commandCalls(r.calls, "preview"), ...commandCalls(r.calls, cli)];
      assert.ok(calls.length >= 1, command);
      for (const c of calls)
        assert.deepStrictEqual(values(c, "--target"), [T1, T2], `${command}: ${c.args.join(" ")}`);
    }
    const destroy = await t.run(["destroy", "-s", "prod", "--target", T2, "--allow-replace"]);
    assert.strictEqual(destroy.code, EXIT.success, destroy.stderr);
    const calls = commandCalls(destroy.calls, "destroy");
    assert.deepStrictEqual(
      calls.map((c) => [c.args.includes("--preview-only"), values(c, "--target")]),
      [
        [true, [T2]],
        [false, [T2]],
      ],
    );
    const outputs = await t.run(["outputs", "-s", "prod", "--target", T1]);
    assert.strictEqual(outputs.code, EXIT.usage);
    const bad = await t.run(["preview", "-s", "prod", "--target", "kp-cluster"]);
    assert.strictEqual(bad.code, EXIT.usage);
    assert.match(bad.stderr, /--target "kp-cluster": expected a resource URN/);
  });

  it("--expect-no-changes: preview, up and refresh; changes exit EXIT.changes, none EXIT.success; not for destroy", async () => {
    const same = [{ op: "same", type: VPC, name: "kp-vpc" }];
    const t = harness({
      stacks: {
        dev: {
          exists: true,
          config: cfg({ profile: "dev" }),
          steps: { preview: STEPS, up: same, refresh: same },
        },
        calm: {
          exists: true,
          config: cfg({ profile: "dev" }),
          steps: { preview: same, up: same, refresh: same },
        },
      },
    });
    const changed = await t.run(["preview", "-s", "dev", "--expect-no-changes", "--json", "report.json"]);
    assert.strictEqual(changed.code, EXIT.changes, changed.stderr);
    assert.ok(commandCalls(changed.calls, "preview")[0].args.includes("--expect-no-changes"));
    assert.deepStrictEqual(t.report().stacks[0].exitCode, EXIT.changes);
    for (const command of ["up", "refresh"]) {
      // The driver's environment (io.env) is the CLI's: a variable given to it reaches Pulumi.
      const r = await t.run([command, "-s", "calm", "--expect-no-changes"], {
        env: { PULUMI_K8S_DELETE_UNREACHABLE: "true" },
      });
      assert.strictEqual(r.code, EXIT.success, `${command}: ${r.stderr}`);
      const [call] = commandCalls(r.calls, command);
      assert.ok(call.args.includes("--expect-no-changes"), command);
      assert.ok(call.env.includes("PULUMI_K8S_DELETE_UNREACHABLE"), `${command}: ${call.env.join(" ")}`);
    }
    assert.ok(
      !("FAKE_PULUMI_LOG" in process.env),
      "the fake's variables went through the driver, not process.env",
    );
    const destroy = await t.run(["destroy", "-s", "dev", "--expect-no-changes"]);
    assert.strictEqual(destroy.code, EXIT.usage);
    assert.match(destroy.stderr, /--expect-no-changes applies to preview, up and refresh only/);
  });

  it("--diff: passed to preview, up and destroy (not the gate's destroy preview); the step's properties under its line", async () => {
    const t = harness({
      stacks: {
        dev: {
          exists: true,
          config: cfg({ profile: "dev" }),
          steps: { preview: STEPS, destroy: [{ op: "delete", type: VPC, name: "kp-vpc" }] },
        },
        prod: {
          exists: true,
          config: cfg({ profile: "prod" }),
          steps: { destroy: [{ op: "delete", type: VPC, name: "kp-vpc" }] },
        },
      },
    });
    const preview = await t.run(["preview", "-s", "dev", "--diff"]);
    assert.strictEqual(preview.code, EXIT.success, preview.stderr);
    assert.ok(commandCalls(preview.calls, "preview")[0].args.includes("--diff"));
    assert.match(
      preview.stderr,
      // The engine's diffs are the top-level keys; the paths come from its detailedDiff.
      /^\[dev\] ~ update aws:eks\/cluster:Cluster "kp-cluster" \(changed: version, tags\)\n\[dev\] {5}~ tags\.env\n\[dev\] {5}~ version\n/m,
    );
    const plain = await t.run(["preview", "-s", "dev"]);
    assert.doesNotMatch(plain.stderr, /^\[dev\] {5}~ version$/m);
    const destroy = await t.run(["destroy", "-s", "prod", "--diff", "--allow-replace"]);
    assert.strictEqual(destroy.code, EXIT.success, destroy.stderr);
    assert.deepStrictEqual(
      commandCalls(destroy.calls, "destroy").map((c) => [
        c.args.includes("--preview-only"),
        c.args.includes("--diff"),
      ]),
      [
        [true, false],
        [false, true],
      ],
    );
    assert.strictEqual((await t.run(["refresh", "-s", "dev", "--diff"])).code, EXIT.usage);
  });

  it("--refresh: preview, up, destroy and the gate's previews get it", async () => {
    const t = harness({
      stacks: {
        prod: {
          exists: true,
          config: cfg({ profile: "prod" }),
          steps: { preview: STEPS, up: STEPS, destroy: [{ op: "delete", type: VPC, name: "kp-vpc" }] },
        },
      },
    });
    for (const command of ["preview", "up", "destroy"]) {
      const r = await t.run(
        [command, "-s", "prod", "--refresh", "--allow-replace"].filter(
          (a) => command !== "preview" || a !== "--allow-replace",
        ),
      );
      assert.strictEqual(r.code, EXIT.success, `${command}: ${r.stderr}`);
      const calls = [
        ...commandCalls(r.calls, "preview"),
        ...commandCalls(r.calls, command === "preview" ? "none" : command),
      ];
      assert.strictEqual(calls.length, command === "preview" ? 1 : 2, command);
      for (const c of calls) assert.ok(c.args.includes("--refresh"), c.args.join(" "));
    }
  });

  it("--show-secrets: the secret outputs on stderr for the operator, never in the report or on stdout", async () => {
    const SECRET = "apiVersion: v1 # the kubeconfig";
    const t = harness({
      stacks: {
        dev: {
          exists: true,
          config: cfg({ profile: "dev" }),
          steps: { up: STEPS },
          outputs: {
            clusterName: "kp-dev",
            kubeconfig: { secret: `${SECRET}\nclusters: []\n` },
            token: { secret: "t0ken-value" },
          },
        },
      },
    });
    const out = await t.run(["outputs", "-s", "dev", "--show-secrets"]);
    assert.strictEqual(out.code, EXIT.success, out.stderr);
    assert.deepStrictEqual(JSON.parse(out.stdout), { dev: { clusterName: "kp-dev" } });
    assert.match(
      out.stderr,
      /^\[dev\] secret output kubeconfig \(--show-secrets; not in the report\):\n\[dev\] {3}apiVersion: v1 # the kubeconfig\n\[dev\] {3}clusters: \[\]\n\[dev\] secret output token \(--show-secrets; not in the report\):\n\[dev\] {3}t0ken-value$/m,
    );
    const up = await t.run(["up", "-s", "dev", "--show-secrets", "--json", "report.json"]);
    assert.strictEqual(up.code, EXIT.success, up.stderr);
    assert.match(up.stderr, /^\[dev\] {3}t0ken-value$/m);
    const text = fs.readFileSync(path.join(t.dir, "report.json"), "utf8");
    assert.ok(!text.includes("t0ken-value") && !text.includes(SECRET), "no secret in the report");
    assert.deepStrictEqual((JSON.parse(text) as Report).stacks[0].secretOutputs, ["kubeconfig", "token"]);
    const history = up.calls.filter((c) => c.args[0] === "stack" && c.args[1] === "history");
    assert.ok(history.length > 0 && history.every((c) => !c.args.includes("--show-secrets")));
    // Without the flag: names only.
    const quiet = await t.run(["outputs", "-s", "dev"]);
    assert.ok(!quiet.stderr.includes("t0ken-value"));
    const preview = await t.run(["preview", "-s", "dev", "--show-secrets"]);
    assert.strictEqual(preview.code, EXIT.usage);
    assert.match(preview.stderr, /--show-secrets applies to up, refresh and outputs only/);
  });

  it("a --local run without DIR keeps its state in the user's state directory and writes nothing into the repository", async () => {
    const t = harness({ stacks: { dev: { exists: false, steps: { preview: STEPS } } } });
    const repo = path.join(t.dir, "repo");
    const home = path.join(t.dir, "home");
    fs.mkdirSync(repo);
    fs.writeFileSync(path.join(repo, "Pulumi.yaml"), "name: kube-platform\nruntime: nodejs\n");
    const before = snapshot(repo);
    const r = await t.run(["preview", "-s", "dev", "--local", "--json", "report.json"], {
      env: { HOME: home },
      repoRoot: repo,
      cwd: t.dir,
    });
    assert.strictEqual(r.code, EXIT.success, r.stderr);
    assert.deepStrictEqual(snapshot(repo), before);
    const state = path.join(home, ".local", "state", "kube-platform");
    assert.ok(fs.statSync(state).isDirectory());
    for (const c of r.calls.slice(1)) assert.strictEqual(c.backendUrl, `file://${state}`);
    assert.ok(fs.existsSync(path.join(t.dir, "report.json")), "the report where --json says");
    // Earlier versions' state in the repository stays usable: --local .pulumi-local.
    const old = await t.run(["preview", "-s", "dev", "--local", ".pulumi-local"], {
      env: { HOME: home },
      repoRoot: repo,
      cwd: repo,
    });
    assert.strictEqual(old.code, EXIT.success, old.stderr);
    assert.strictEqual(old.calls[1].backendUrl, `file://${path.join(repo, ".pulumi-local")}`);
    // No HOME and no XDG_STATE_HOME: a usage error, not a directory somewhere.
    const none = await t.run(["preview", "-s", "dev", "--local"], {
      env: { HOME: undefined },
      repoRoot: repo,
    });
    assert.strictEqual(none.code, EXIT.usage);
    assert.match(none.stderr, /give --local DIR/);
  });
});

describe("automation: destroy reports what it leaves behind", function () {
  this.timeout(60000);
  let h: DriverHarness | undefined;
  afterEach(() => {
    h?.cleanup();
    h = undefined;
  });
  const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
  const resources = [
    { urn: urn("dev", VPC, "kp-vpc"), type: VPC, custom: true, id: "vpc-1", inputs: {}, outputs: {} },
    {
      urn: urn("dev", PVC, "data"),
      type: PVC,
      custom: true,
      id: "apps/data",
      retainOnDelete: true,
      inputs: {},
      outputs: { metadata: { name: "data", namespace: "apps" } },
    },
  ];
  const spec = (deployment: unknown, fail?: string) => ({
    exists: true,
    config: cfg({ profile: "dev" }),
    steps: { destroy: [{ op: "delete", type: VPC, name: "kp-vpc", ...(fail ? { fail } : {}) }] },
    deployment,
  });

  it("the state is exported before the destroy; each left-behind resource is a line and a report entry", async () => {
    const t = (h = new DriverHarness({
      stacks: {
        dev: spec({ version: 3, deployment: { manifest: {}, resources } }),
        qa: spec({ version: 3, deployment: { manifest: {}, resources } }, "AccessDenied"),
      },
    }));
    const r = await t.run(["destroy", "-s", "dev", "--json", "report.json"]);
    assert.strictEqual(r.code, EXIT.success, r.stderr);
    const order = r.calls.map((c) => c.args.slice(0, 2).join(" "));
    assert.ok(
      order.indexOf("stack export") >= 0 &&
        order.indexOf("stack export") < order.findIndex((c) => c.startsWith("destroy")),
    );
    assert.match(
      r.stderr,
      /^\[dev\] left behind: kubernetes:core\/v1:PersistentVolumeClaim "apps\/data": retainOnDelete: [^\n]*; kubectl get persistentvolumeclaim -n apps data[^\n]*$/m,
    );
    assert.match(
      r.stderr,
      /^\[dev\] destroy succeeded in \d+\.\ds: 0 created, 0 updated, 0 replaced, 1 deleted, 0 failed; 1 left behind \(listed above\)$/m,
    );
    const [dev] = t.report().stacks;
    assert.deepStrictEqual(
      dev.leftBehind?.map((l) => [l.urn, l.type, l.name]),
      [[urn("dev", PVC, "data"), PVC, "apps/data"]],
    );
    // --target: only what the targeted destroy touches.
    const targetedRun = await t.run([
      "destroy",
      "-s",
      "dev",
      "--target",
      urn("dev", VPC, "kp-vpc"),
      "--json",
      "t.json",
    ]);
    assert.strictEqual(targetedRun.code, EXIT.success, targetedRun.stderr);
    assert.deepStrictEqual(t.report("t.json").stacks[0].leftBehind, []);
    // A failed destroy still reports what stays whatever happens, and says that more stays.
    const failed = await t.run(["destroy", "-s", "qa", "--json", "f.json"]);
    assert.strictEqual(failed.code, EXIT.failed, failed.stderr);
    assert.deepStrictEqual(
      t.report("f.json").stacks[0].leftBehind?.map((l) => l.name),
      ["apps/data"],
    );
    assert.match(
      failed.stderr,
      /^\[qa\] the destroy failed: besides the above, what it did not delete stays$/m,
    );
  });

  it("an export it cannot read is a warning; the destroy still runs", async () => {
    const t = (h = new DriverHarness({ stacks: { dev: spec({ version: 2, deployment: { resources } }) } }));
    const r = await t.run(["destroy", "-s", "dev", "--json", "report.json"]);
    assert.strictEqual(r.code, EXIT.success, r.stderr);
    assert.match(r.stderr, /^\[dev\] warning: cannot tell what the destroy leaves behind: leftBehind: /m);
    assert.strictEqual(commandCalls(r.calls, "destroy").length, 1);
    assert.strictEqual(t.report().stacks[0].leftBehind, undefined);
  });
});

describe("automation: drift against a fake pulumi CLI", function () {
  this.timeout(60000);
  let h: DriverHarness | undefined;
  afterEach(() => {
    h?.cleanup();
    h = undefined;
  });

  it("drift: a refresh preview per stack, what changed outside Pulumi in the report, exit EXIT.changes; protected stacks without the gate", async () => {
    const t = (h = new DriverHarness({
      stacks: {
        prod: {
          exists: true,
          config: cfg({ profile: "prod" }),
          steps: {
            refresh: [
              { op: "same", type: VPC, name: "kp-vpc" },
              {
                op: "update",
                type: "aws:eks/nodeGroup:NodeGroup",
                name: "general",
                diffs: ["scalingConfig.desiredSize", "tags.owner"],
              },
              { op: "delete", type: "aws:ec2/eip:Eip", name: "nat" },
            ],
          },
        },
        dev: {
          exists: true,
          config: cfg({ profile: "dev" }),
          steps: { refresh: [{ op: "same", type: VPC, name: "kp-vpc" }] },
        },
      },
    }));
    const r = await t.run(["drift", "-s", "prod", "-s", "dev", "--json", "report.json"]);
    assert.strictEqual(r.code, EXIT.changes, r.stderr);
    for (const stack of ["prod", "dev"]) {
      const calls = r.calls
        .filter((c) => c.args.includes(stack))
        .map((c) =>
          c.args[0] === "refresh"
            ? flagsOf(c).filter((a) => a !== "--exec-kind" && a !== "auto.local")
            : c.args.slice(0, 2),
        );
      assert.deepStrictEqual(
        calls,
        [
          ["stack", "select"],
          ["refresh", "--preview-only", "--stack", stack, "--non-interactive"],
        ],
        `${stack}: no config read, no gate, nothing applied`,
      );
    }
    assert.match(
      r.stderr,
      /^\[prod\] drift: ~ aws:eks\/nodeGroup:NodeGroup "general" changed outside Pulumi: scalingConfig\.desiredSize, tags\.owner$/m,
    );
    assert.match(r.stderr, /^\[prod\] drift: - aws:ec2\/eip:Eip "nat" was deleted outside Pulumi$/m);
    assert.match(
      r.stderr,
      /^\[prod\] drift succeeded in \d+\.\ds: 2 resources drifted \(1 changed, 1 deleted\)$/m,
    );
    assert.match(r.stderr, /^\[dev\] drift succeeded in \d+\.\ds: no drift$/m);
    assert.doesNotMatch(r.stderr, /gate|protected stack|refreshed/);
    const report = t.report();
    assert.deepStrictEqual(
      [report.command, report.status, report.exitCode],
      ["drift", "changes", EXIT.changes],
    );
    assert.deepStrictEqual(report.stacks[0].drift, [
      {
        urn: urn("prod", "aws:ec2/eip:Eip", "nat"),
        type: "aws:ec2/eip:Eip",
        name: "nat",
        change: "deleted",
        properties: [],
      },
      {
        urn: urn("prod", "aws:eks/nodeGroup:NodeGroup", "general"),
        type: "aws:eks/nodeGroup:NodeGroup",
        name: "general",
        change: "changed",
        properties: ["scalingConfig.desiredSize", "tags.owner"],
      },
    ]);
    assert.deepStrictEqual(
      [report.stacks[0].exitCode, report.stacks[1].exitCode, report.stacks[1].drift],
      [EXIT.changes, EXIT.success, []],
    );
    const clean = await t.run(["drift", "-s", "dev"]);
    assert.strictEqual(clean.code, EXIT.success, clean.stderr);
  });

  it("drift never creates a stack and takes no config; a missing stack outranks drift in the exit code", async () => {
    const t = (h = new DriverHarness({
      stacks: { dev: { exists: true, steps: { refresh: [{ op: "delete", type: VPC, name: "kp-vpc" }] } } },
    }));
    const r = await t.run(["drift", "-s", "dev", "-s", "ghost"]);
    assert.strictEqual(r.code, EXIT.stackNotFound, r.stderr);
    assert.ok(!r.calls.some((c) => c.args[1] === "init"));
    assert.match(
      r.stderr,
      /^\[ghost\] drift failed in \d+\.\ds: not checked - stack ghost does not exist in this backend$/m,
    );
    const config = await t.run(["drift", "-s", "dev", "--config", "a=b"]);
    assert.strictEqual(config.code, EXIT.usage);
    assert.match(
      config.stderr,
      /--config applies to preview, up, refresh and destroy only; it has no effect on drift/,
    );
    assert.deepStrictEqual(config.calls, []);
  });
});
