// The driver copes with the real CLI's behaviour: the Automation API's CommandError for each of the
// CLI's exit codes (the SDK running the fake `pulumi`, which exits as the real one does) is
// classified by code and text into the driver's exit-code table, and the driver's per-stack exit
// code, kind and failure text (no line twice) follow it for a bail, a missing login, a missing
// stack and a cancellation.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { PULUMI_ROOT_ENV, REPO_ROOT, runDriver } from "../automation/driver";
import { classifyError, cliExitCode, type ClassifiedError } from "../automation/errors";
import { EXIT } from "../automation/exit-codes";
import type { Report } from "../automation/report";
import { fakeRoot } from "./helpers/driver-harness";

const FAKE_ROOT = path.join(__dirname, "fixtures", "fake-pulumi");
const PASSPHRASE = "pass-phrase-never-printed";
const profile = { "kube-platform:profile": { value: "dev", secret: false } };
const FAILING_UP = [
  { op: "create", type: "aws:ec2/vpc:Vpc", name: "vpc" },
  {
    op: "create",
    type: "aws:eks/cluster:Cluster",
    name: "kp",
    fail: "creating EKS Cluster: AccessDeniedException",
  },
];

/** A temporary directory holding a scenario for the fake. */
class Scenario {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-fidelity-"));
  constructor(scenario: object) {
    fs.writeFileSync(path.join(this.dir, "scenario.json"), JSON.stringify(scenario));
  }
  env(): Record<string, string> {
    return { FAKE_PULUMI_SCENARIO: path.join(this.dir, "scenario.json"), FAKE_PULUMI_STATE: this.dir };
  }
  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

type Call = "up" | "up --expect-no-changes" | "whoami" | "select";

/** The error the Automation API throws for this call (the SDK's own run of the fake CLI). */
async function sdkError(scenario: object, call: Call): Promise<unknown> {
  const s = new Scenario(scenario);
  try {
    const pulumiCommand = await PulumiCommand.get({ root: FAKE_ROOT, skipVersionCheck: true });
    const ws = await LocalWorkspace.create({ workDir: REPO_ROOT, pulumiCommand, envVars: s.env() });
    if (call === "whoami") await ws.whoAmI();
    else if (call === "select") await Stack.select("dev", ws);
    else await (await Stack.select("dev", ws)).up({ expectNoChanges: call !== "up" });
  } catch (e) {
    return e;
  } finally {
    s.cleanup();
  }
  throw new Error(`${call} succeeded`);
}

const brief = (c: ClassifiedError) => [c.kind, c.exitCode];
const failing = (stderr: string, code: number, version?: string) => ({
  ...(version !== undefined ? { version } : {}),
  stacks: { dev: { exists: true, fail: { up: { stderr, code } } } },
});

describe("automation: the CLI's exit codes → the driver's errors (through the SDK)", function () {
  this.timeout(30000);

  it("reads the CLI's exit code from the SDK's CommandError (execa's exitCode; the SDK's code is -2)", async () => {
    const e = await sdkError(failing("error: boom", 9), "up");
    assert.strictEqual((e as { commandResult: { code: number } }).commandResult.code, -2);
    assert.strictEqual(cliExitCode(e), 9);
  });

  it("the bail path (exit 1, nothing on stderr) is a failure without the CLI's argv or stdout", async () => {
    const e = await sdkError({ stacks: { dev: { exists: true, steps: { up: FAILING_UP } } } }, "up");
    assert.deepStrictEqual(classifyError(e, "dev"), {
      kind: "failed",
      message: "the Pulumi CLI exited with code 1 without an error message",
      exitCode: EXIT.failed,
    });
  });

  it("each distinct CLI code maps to its kind and the driver's code", async () => {
    const cases: [object, Call, [string, number]][] = [
      [failing("error: unknown flag: --bogus", 2), "up", ["usage", EXIT.usage]],
      [
        {
          whoami: { error: "error: this command requires logging in; try running `pulumi login` first" },
          stacks: {},
        },
        "whoami",
        ["not-logged-in", EXIT.auth],
      ],
      [failing("error: policy violations", 5), "up", ["policy", EXIT.policy]],
      [{ stacks: { dev: { exists: false } } }, "select", ["missing-stack", EXIT.stackNotFound]],
      [
        { stacks: { dev: { exists: true, steps: { up: [FAILING_UP[0]] } } } },
        "up --expect-no-changes",
        ["unexpected-changes", EXIT.changes],
      ],
      [failing("error: update cancelled", 8), "up", ["cancelled", EXIT.cancelled]],
      [failing("error: timed out", 9), "up", ["timeout", EXIT.timeout]],
      [
        failing("error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE", 1),
        "up",
        ["passphrase", EXIT.usage],
      ],
    ];
    for (const [scenario, call, expected] of cases) {
      assert.deepStrictEqual(brief(classifyError(await sdkError(scenario, call), "dev")), expected, call);
    }
    const changes = classifyError(await sdkError(cases[4][0], cases[4][1]), "dev");
    assert.strictEqual(
      changes.message,
      "changes where none were expected (stack dev): error: no changes were expected for update but changes were proposed",
    );
    const cancelled = classifyError(await sdkError(cases[5][0], cases[5][1]), "dev");
    assert.strictEqual(cancelled.message, "cancelled (stack dev): error: update cancelled");
  });

  it("a CLI before distinct codes (255 for everything): the text decides; a distinct CLI's 1 is not read as text", async () => {
    const old = (stderr: string) => sdkError(failing(stderr, 1, "v3.225.0"), "up");
    assert.strictEqual(cliExitCode(await old("error: update canceled")), 255);
    assert.deepStrictEqual(brief(classifyError(await old("error: update canceled"))), [
      "cancelled",
      EXIT.cancelled,
    ]);
    assert.deepStrictEqual(
      brief(classifyError(await old("error: no changes were expected for update but changes were proposed"))),
      ["unexpected-changes", EXIT.changes],
    );
    assert.deepStrictEqual(brief(classifyError(await old("error: boom"))), ["failed", EXIT.failed]);
    const distinct = await sdkError(failing("error: creating X: update canceled by the provider", 1), "up");
    assert.deepStrictEqual(brief(classifyError(distinct)), ["failed", EXIT.failed]);
  });

  it("no CLI at all: setup", async () => {
    let error: unknown;
    try {
      const cmd = await PulumiCommand.get({
        root: path.join(os.tmpdir(), "kp-no-such-pulumi"),
        skipVersionCheck: true,
      });
      await (await LocalWorkspace.create({ workDir: REPO_ROOT, pulumiCommand: cmd })).whoAmI();
    } catch (e) {
      error = e;
    }
    assert.deepStrictEqual(brief(classifyError(error)), ["cli-missing", EXIT.setup]);
  });
});

describe("automation: the driver's exit code, kind and failure text follow the real CLI", function () {
  this.timeout(30000);
  let s: Scenario | undefined;
  afterEach(() => s?.cleanup());

  async function drive(
    scenario: object,
    argv: string[],
  ): Promise<{ code: number; stderr: string; report: Report }> {
    s = new Scenario(scenario);
    const stderr: string[] = [];
    const reportFile = path.join(s.dir, "report.json");
    const code = await runDriver([...argv, "--json", reportFile], {
      stdout: () => undefined,
      stderr: (t) => stderr.push(t),
      // The fake's variables go with its root, never through this process's environment.
      env: { [PULUMI_ROOT_ENV]: fakeRoot(s.dir, s.env()), PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
      cwd: s.dir,
      onSignal: () => () => undefined,
    });
    return {
      code,
      stderr: stderr.join(""),
      report: JSON.parse(fs.readFileSync(reportFile, "utf8")) as Report,
    };
  }

  it("a bail: exit 1, the engine's diagnostics once each as the text, even with --diff repeating them on stderr", async () => {
    for (const extra of [[], ["--diff"]]) {
      const r = await drive(
        { stacks: { dev: { exists: true, config: profile, steps: { up: FAILING_UP } } } },
        ["up", "-s", "dev", ...extra],
      );
      assert.strictEqual(r.code, EXIT.failed, r.stderr);
      const error = r.report.stacks[0].error;
      assert.deepStrictEqual(error, {
        kind: "failed",
        message: "creating EKS Cluster: AccessDeniedException\nupdate failed",
        exitCode: EXIT.failed,
      });
      assert.match(
        r.stderr,
        /^\[dev\] up failed: creating EKS Cluster: AccessDeniedException\n\[dev\] {3}update failed$/m,
      );
      assert.ok(!/without an error message/.test(r.stderr), "no placeholder when the engine said why");
    }
  });

  it("a provider's error naming [401] or PULUMI_CONFIG_PASSPHRASE, repeated on stderr by --diff, is a failure (exit 1), not a login or passphrase problem", async () => {
    const errors = [
      "reading chart index https://charts.example/index.yaml: [401] Unauthorized",
      "creating Secret: the value of PULUMI_CONFIG_PASSPHRASE is not allowed in a label",
    ];
    for (const fail of errors) {
      const up = [{ op: "create", type: "kubernetes:helm.sh/v3:Release", name: "ingress", fail }];
      for (const extra of [[], ["--diff"]]) {
        const r = await drive({ stacks: { dev: { exists: true, config: profile, steps: { up } } } }, [
          "up",
          "-s",
          "dev",
          ...extra,
        ]);
        assert.strictEqual(r.code, EXIT.failed, `${fail} ${extra.join(" ")}: ${r.stderr}`);
        assert.deepStrictEqual(r.report.stacks[0].error, {
          kind: "failed",
          message: `${fail}\nupdate failed`,
          exitCode: EXIT.failed,
        });
      }
    }
    // The CLI's own words still count: a [401] before any engine event is a login problem.
    const r = await drive(
      {
        stacks: {
          dev: {
            exists: true,
            config: profile,
            fail: { up: "error: getting stack: [401] Unauthorized: No credentials provided" },
          },
        },
      },
      ["up", "-s", "dev", "--diff"],
    );
    assert.deepStrictEqual([r.code, r.report.stacks[0].error?.kind], [EXIT.auth, "not-logged-in"]);
  });

  it("not logged in: exit 3 (auth) before any stack runs", async () => {
    const whoami = {
      error: "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions",
    };
    const r = await drive({ whoami, stacks: { dev: { exists: true } } }, ["up", "-s", "dev"]);
    assert.strictEqual(r.code, EXIT.auth, r.stderr);
    assert.deepStrictEqual(brief(r.report.error ?? { kind: "failed", message: "" }), [
      "not-logged-in",
      EXIT.auth,
    ]);
  });

  it("a missing stack: exit 6 (stack not found)", async () => {
    const r = await drive({ stacks: { dev: { exists: false } } }, ["refresh", "-s", "dev"]);
    assert.strictEqual(r.code, EXIT.stackNotFound, r.stderr);
    const error = r.report.stacks[0].error;
    assert.deepStrictEqual([error?.kind, error?.exitCode], ["missing-stack", EXIT.stackNotFound]);
  });

  it("an update cancelled outside the driver (the CLI's exit 8): exit 8, status cancelled", async () => {
    const r = await drive(
      {
        stacks: {
          dev: {
            exists: true,
            config: profile,
            fail: { up: { stderr: "error: update cancelled", code: 8 } },
          },
        },
      },
      ["up", "-s", "dev"],
    );
    assert.strictEqual(r.code, EXIT.cancelled, r.stderr);
    assert.deepStrictEqual(
      [r.report.stacks[0].status, r.report.stacks[0].error?.kind, r.report.stacks[0].error?.exitCode],
      ["cancelled", "cancelled", EXIT.cancelled],
    );
  });
});
