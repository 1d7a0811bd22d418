// The driver's pipeline flags as pure functions: parsing (automation/args.ts), which commands each
// flag applies to, the per-user state directory, the SDK options each operation gets
// (automation/op-options.ts), the per-stack and overall exit codes (automation/report.ts) and the
// --help text's exit codes (automation/usage.ts, from automation/exit-codes.ts).

import * as assert from "assert";
import * as path from "path";
import {
  COMMANDS,
  FLAG_COMMANDS,
  UsageError,
  localStateDir,
  parseArgs,
  type DriverOptions,
} from "../automation/args";
import { EXIT, EXIT_MEANING, type ExitName } from "../automation/exit-codes";
import {
  destroyOptions,
  driftOptions,
  previewDestroyOptions,
  previewOptions,
  refreshOptions,
  upOptions,
} from "../automation/op-options";
import { exitCodeFor, overallStatus, stackExitCode, type StackReport } from "../automation/report";
import { emptyResult } from "../automation/stack-run";
import { USAGE } from "../automation/usage";

const CWD = "/work/cwd";
const ENV = { HOME: "/home/u" };
const URN = "urn:pulumi:prod::kube-platform::aws:eks/cluster:Cluster::kp-cluster";

function parse(...argv: string[]): DriverOptions {
  const r = parseArgs(argv, CWD, ENV);
  assert.ok(!r.help);
  return r.options;
}

function refused(argv: string[], pattern: RegExp): void {
  assert.throws(
    () => parseArgs(argv, CWD, ENV),
    (e: unknown) => e instanceof UsageError && pattern.test(e.message),
    `expected a UsageError matching ${pattern} for ${argv.join(" ")}`,
  );
}

describe("automation: pipeline flags (parsing)", () => {
  it("parses --policy-pack (resolved, repeatable), --target (repeatable, deduplicated) and the switches", () => {
    const o = parse(
      "up",
      "-s",
      "prod",
      "--policy-pack",
      "policy",
      "--policy-pack=/packs/org",
      "--target",
      URN,
      "--target",
      `${URN}-2`,
      "--target",
      URN,
      "--expect-no-changes",
      "--diff",
      "--show-secrets",
    );
    assert.deepStrictEqual(
      [o.policyPacks, o.targets, o.expectNoChanges, o.diff, o.showSecrets],
      [[path.join(CWD, "policy"), "/packs/org"], [URN, `${URN}-2`], true, true, true],
    );
    const d = parse("drift", "-s", "prod");
    assert.deepStrictEqual(
      [d.command, d.policyPacks, d.targets, d.expectNoChanges, d.diff, d.showSecrets],
      ["drift", [], [], false, false, false],
    );
    refused(["up", "-s", "p", "--policy-pack", "policy", "--policy-pack", `${CWD}/policy`], /given twice/);
    refused(["up", "-s", "p", "--target", "kp-cluster"], /--target "kp-cluster": expected a resource URN/);
    refused(["up", "-s", "p", "--diff=yes"], /--diff takes no value/);
  });

  it("each flag applies to the commands the SDK has the option for, and is refused elsewhere", () => {
    const cases: [string[], readonly string[]][] = [
      [
        ["--policy-pack", "policy"],
        ["preview", "up"],
      ],
      [
        ["--target", URN],
        ["preview", "up", "refresh", "destroy", "drift"],
      ],
      [["--expect-no-changes"], ["preview", "up", "refresh"]],
      [["--diff"], ["preview", "up", "destroy"]],
      [["--refresh"], ["preview", "up", "destroy"]],
      [["--show-secrets"], ["up", "refresh", "outputs"]],
      [["--allow-replace"], ["up", "destroy"]],
      [
        ["--config", "a=b"],
        ["preview", "up", "refresh", "destroy"],
      ],
      [
        ["--message", "m"],
        ["preview", "up", "refresh", "destroy", "drift"],
      ],
    ];
    for (const [flag, allowed] of cases) {
      assert.deepStrictEqual(FLAG_COMMANDS[flag[0]], allowed, flag[0]);
      for (const command of COMMANDS) {
        const argv = [command, "-s", "dev", ...flag];
        if (allowed.includes(command)) assert.strictEqual(parse(...argv).command, command, argv.join(" "));
        else refused(argv, new RegExp(`^${flag[0]} applies to .* only; it has no effect on ${command}$`));
      }
    }
  });

  it("the default --local directory: $XDG_STATE_HOME/kube-platform, else ~/.local/state/kube-platform", () => {
    assert.strictEqual(localStateDir({ HOME: "/home/u" }), "/home/u/.local/state/kube-platform");
    assert.strictEqual(localStateDir({ HOME: "/home/u", XDG_STATE_HOME: "/xdg" }), "/xdg/kube-platform");
    // A relative XDG_STATE_HOME is invalid and ignored (XDG Base Directory Specification).
    assert.strictEqual(
      localStateDir({ HOME: "/home/u", XDG_STATE_HOME: "state" }),
      "/home/u/.local/state/kube-platform",
    );
    assert.strictEqual(
      localStateDir({ HOME: "/home/u", XDG_STATE_HOME: "" }),
      "/home/u/.local/state/kube-platform",
    );
    assert.strictEqual(localStateDir({}), undefined);
    assert.strictEqual(localStateDir({ HOME: "relative" }), undefined);
    const xdg = parseArgs(["up", "-s", "dev", "--local"], CWD, { XDG_STATE_HOME: "/xdg" });
    assert.ok(!xdg.help && xdg.options.localDir === "/xdg/kube-platform");
    // DIR is relative to the current directory, as before (an earlier version's ./.pulumi-local too).
    assert.strictEqual(parse("up", "-s", "dev", "--local", ".pulumi-local").localDir, `${CWD}/.pulumi-local`);
    assert.throws(() => parseArgs(["up", "-s", "dev", "--local"], CWD, {}), /give --local DIR/);
    assert.strictEqual(parseArgs(["up", "-s", "dev"], CWD, {}).help, false, "no --local: no HOME needed");
  });

  it("--help lists every exit code of the table with its meaning (no hand-typed numbers)", () => {
    const lines = USAGE.split("\n");
    const start = lines.findIndex((l) => l.startsWith("Exit codes"));
    const listed = lines.slice(start + 1).map((l) => l.trim());
    assert.deepStrictEqual(
      listed,
      (Object.keys(EXIT) as ExitName[]).map((n) => `${EXIT[n]}  ${EXIT_MEANING[n]}`),
    );
    assert.ok(
      listed.includes("20  the promotion gate refused") &&
        listed.includes("7  changes where none were expected (--expect-no-changes, drift)"),
    );
    assert.match(USAGE, /^ {2}drift {5}what changed outside Pulumi/m);
  });
});

describe("automation: the SDK options of each operation", () => {
  const all = parse(
    "up",
    "-s",
    "p",
    "--policy-pack",
    "/p",
    "--policy-pack",
    "/q",
    "--target",
    URN,
    "--expect-no-changes",
    "--diff",
    "--refresh",
    "--message",
    "m",
  );

  it("preview and up: every flag; each pack with the stack's pack config", () => {
    const expected = {
      message: "m",
      target: [URN],
      refresh: true,
      expectNoChanges: true,
      diff: true,
      policyPacks: ["/p", "/q"],
      policyPackConfigs: ["/tmp/c.json", "/tmp/c.json"],
    };
    assert.deepStrictEqual(previewOptions(all, "/tmp/c.json"), expected);
    assert.deepStrictEqual(upOptions(all, "/tmp/c.json"), { ...expected, showSecrets: false });
    assert.deepStrictEqual(previewOptions(parse("preview", "-s", "p")), {});
  });

  it("destroy: target, refresh, diff (not its preview); refresh: target, expect-no-changes; drift: target only", () => {
    const o = { ...all, command: "destroy" as const };
    assert.deepStrictEqual(previewDestroyOptions(o), { message: "m", target: [URN], refresh: true });
    assert.deepStrictEqual(destroyOptions(o), {
      message: "m",
      target: [URN],
      refresh: true,
      diff: true,
      showSecrets: false,
    });
    assert.deepStrictEqual(refreshOptions(all), {
      message: "m",
      target: [URN],
      expectNoChanges: true,
      showSecrets: false,
    });
    assert.deepStrictEqual(driftOptions(all), { message: "m", target: [URN] });
  });
});

describe("automation: exit codes of stacks and of the command", () => {
  const stack = (over: Partial<StackReport>): StackReport => ({
    ...emptyResult("dev"),
    status: "succeeded",
    ...over,
  });
  const mandatory = {
    policyPack: "kube-platform",
    policyPackVersion: "0.1.0",
    policyName: "eks-endpoint-access",
    enforcementLevel: "mandatory",
    message: "open",
  };

  it("per stack: drift is EXIT.changes, a mandatory violation EXIT.policy, a failure the CLI's code", () => {
    assert.strictEqual(stackExitCode(stack({})), EXIT.success);
    assert.strictEqual(stackExitCode(stack({ drift: [] })), EXIT.success);
    const d = { urn: URN, type: "t", name: "n", change: "deleted" as const, properties: [] };
    assert.strictEqual(stackExitCode(stack({ drift: [d] })), EXIT.changes);
    assert.strictEqual(
      stackExitCode(stack({ status: "failed", policyViolations: [mandatory] })),
      EXIT.policy,
    );
    const advisory = { ...mandatory, enforcementLevel: "advisory" };
    assert.strictEqual(
      stackExitCode(stack({ status: "succeeded", policyViolations: [advisory] })),
      EXIT.success,
    );
    assert.strictEqual(
      stackExitCode(
        stack({ status: "failed", policyViolations: [advisory], error: { kind: "failed", message: "x" } }),
      ),
      EXIT.failed,
    );
    const missing = { kind: "missing-stack" as const, message: "x", exitCode: EXIT.stackNotFound };
    assert.strictEqual(stackExitCode(stack({ status: "failed", error: missing })), EXIT.stackNotFound);
    assert.strictEqual(stackExitCode(stack({ status: "refused" })), EXIT.refused);
    // Refused by the gate AND a mandatory violation in the gate's preview: SEVERITY ranks policy first.
    assert.strictEqual(
      stackExitCode(stack({ status: "refused", policyViolations: [mandatory] })),
      EXIT.policy,
    );
    assert.strictEqual(
      stackExitCode(stack({ status: "refused", policyViolations: [advisory] })),
      EXIT.refused,
    );
    assert.strictEqual(stackExitCode(stack({ status: "skipped" })), EXIT.cancelled);
  });

  it("the command: the most severe; its status names it", () => {
    const d = { urn: URN, type: "t", name: "n", change: "changed" as const, properties: ["a"] };
    assert.strictEqual(exitCodeFor([stack({ drift: [d] }), stack({})], false), EXIT.changes);
    assert.strictEqual(
      exitCodeFor([stack({ drift: [d] }), stack({ status: "refused" })], false),
      EXIT.refused,
    );
    assert.strictEqual(
      exitCodeFor(
        [stack({ status: "refused" }), stack({ status: "failed", policyViolations: [mandatory] })],
        false,
      ),
      EXIT.policy,
    );
    assert.deepStrictEqual(
      [
        EXIT.success,
        EXIT.changes,
        EXIT.policy,
        EXIT.refused,
        EXIT.cancelled,
        EXIT.setup,
        EXIT.auth,
        EXIT.failed,
        EXIT.usage,
      ].map(overallStatus),
      [
        "succeeded",
        "changes",
        "policy-violation",
        "refused",
        "cancelled",
        "setup-error",
        "setup-error",
        "failed",
        "failed",
      ],
    );
  });
});
