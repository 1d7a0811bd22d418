// The driver's forced stop (a second signal) against the fake `pulumi`: the driver sends the
// signal on to the Pulumi CLI, which takes its own terminate path (exit 8, the state saved, the
// lock released); the driver waits for it (bounded), never runs `pulumi cancel` while the CLI
// lives, runs it only for a CLI that died without releasing the lock, and removes the policy pack
// config on every path (automation/forced-stop.ts, driver.ts).

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../automation/driver";
import { EXIT } from "../automation/exit-codes";
import { cliChildren, parentOf, runsCommand } from "../automation/forced-stop";
import { DriverHarness, commandCalls, type Call } from "./helpers/driver-harness";

const profile = { "kube-platform:profile": { value: "dev", secret: false } };
const UP = [{ op: "create", type: "aws:ec2/vpc:Vpc", name: "kp-vpc" }];
const PACK = path.join(REPO_ROOT, "policy");
const cancels = (calls: readonly Call[]) =>
  calls.filter((c) => c.args[0] === "cancel").map((c) => c.args.join(" "));
const packConfigOf = (calls: readonly Call[]) => {
  const [up] = commandCalls(calls, "up");
  return up.args[up.args.indexOf("--policy-pack-config") + 1];
};

describe("automation: a second signal forces the stop the way the Pulumi CLI does", function () {
  this.timeout(30000);
  let h: DriverHarness | undefined;
  const harness = (spec: object): DriverHarness =>
    (h = new DriverHarness({
      stacks: { dev: { exists: true, config: profile, steps: { up: UP }, ...spec } },
    }));
  afterEach(() => {
    h?.cleanup();
    h = undefined;
  });

  /** Runs `up` on dev, sends two SIGTERMs 100 ms apart once the fake runs, and returns the result. */
  async function forced(t: DriverHarness, forcedWaitMs: number) {
    const running = t.run(["up", "-s", "dev", "--policy-pack", PACK, "--json", "report.json"], {
      forcedWaitMs,
    });
    await t.started("up", "dev");
    const sentAt = Date.now();
    t.signal("SIGTERM");
    await new Promise((r) => setTimeout(r, 100));
    t.signal("SIGTERM");
    const r = await running;
    return { ...r, took: Date.now() - sentAt };
  }

  it("the second signal goes on to the CLI, which terminates (exit 8, its lock released): no pulumi cancel, the pack config removed", async () => {
    // The graceful cancel would wait 5 s for the operations in flight; the second signal ends it.
    const t = harness({ sleepMs: { up: 8000 }, cancelMs: { up: 5000 } });
    const r = await forced(t, 20000);
    assert.strictEqual(r.code, EXIT.cancelled, r.stderr);
    assert.ok(r.took < 4000, `the driver returned once the CLI ended (${r.took} ms)`);
    const [up] = commandCalls(r.calls, "up");
    // The SDK's interrupt on the first signal, then the driver's own on the second.
    assert.deepStrictEqual([up.signals, up.code], [["SIGINT", "SIGTERM"], 8]);
    assert.deepStrictEqual(cancels(r.calls), [], "the CLI released its own lock");
    assert.ok(!fs.existsSync(packConfigOf(r.calls)), "the pack config is removed");
    assert.match(r.stderr, /SIGTERM received again: forcing; .*\(sent to 1 Pulumi process\(es\)\)/);
    const [report] = t.report().stacks;
    assert.deepStrictEqual([report.status, report.exitCode], ["cancelled", EXIT.cancelled]);
  });

  it("a CLI that does not end in time: the driver exits after the wait, leaves the lock alone and says so", async () => {
    const t = harness({ sleepMs: { up: 2000 }, onSigint: "ignore" });
    const r = await forced(t, 300);
    assert.strictEqual(r.code, EXIT.cancelled, r.stderr);
    assert.ok(r.took < 1800, `returned after the bounded wait (${r.took} ms)`);
    assert.deepStrictEqual(commandCalls(r.calls, "up"), [], "the CLI was still running");
    assert.deepStrictEqual(cancels(r.calls), [], "no pulumi cancel while the CLI lives");
    assert.match(
      r.stderr,
      /^\[dev\] warning: the Pulumi CLI \(pid \d+\) is still running; the stack stays locked until it ends\. If it never ends, stop it, then run pulumi cancel --stack dev and refresh$/m,
    );
    const [report] = t.report().stacks;
    assert.match(
      report.error?.message ?? "",
      /^cancelled by a signal \(forced\) \(the Pulumi CLI, pid \d+, is still running\)$/,
    );
    const [up] = await t.ended("up");
    assert.ok(
      !fs.existsSync(packConfigOf([up])),
      "the pack config is removed although its CLI outlived the driver",
    );
    assert.deepStrictEqual(cancels(t.calls()), []);
  });

  it("a CLI killed before it released the lock: pulumi cancel then, once it is gone", async () => {
    const t = harness({ sleepMs: { up: 8000 }, cancelMs: { up: 5000 }, onSigint: "die" });
    const r = await forced(t, 20000);
    assert.strictEqual(r.code, EXIT.cancelled, r.stderr);
    const [up] = commandCalls(r.calls, "up");
    assert.deepStrictEqual([up.signals, up.code], [["SIGINT", "SIGTERM"], null]);
    assert.deepStrictEqual(cancels(r.calls), ["cancel --yes --stack dev --non-interactive"]);
    const cancel = r.calls.findIndex((c) => c.args[0] === "cancel");
    assert.ok(cancel > r.calls.indexOf(up), "after the CLI died");
    assert.match(
      r.stderr,
      /^\[dev\] the Pulumi CLI was killed \(SIGKILL\) before it released the stack's lock: pulumi cancel$/m,
    );
  });
});

describe("automation: finding the Pulumi CLI processes (forced-stop)", () => {
  it("reads the parent pid from /proc/<pid>/stat, whatever the command name holds", () => {
    assert.strictEqual(parentOf("4242 (node) S 4100 4242 4100 0 -1"), 4100);
    assert.strictEqual(parentOf("4242 (my (odd) name) R 17 4242 17 0"), 17);
    assert.strictEqual(parentOf("garbage"), undefined);
  });

  it("knows the CLI as the program or as an interpreter's script, not as an argument", () => {
    const fake = "/repo/tests/fixtures/fake-pulumi/bin/pulumi";
    assert.ok(runsCommand(["pulumi", "up", "--stack", "dev"], "pulumi"));
    assert.ok(runsCommand(["/home/u/.pulumi/bin/pulumi", "preview"], "pulumi"));
    assert.ok(runsCommand(["node", fake, "up"], fake));
    assert.ok(!runsCommand(["node", "cli.ts", "pulumi"], "pulumi"));
    assert.ok(!runsCommand(["kind", "get", "kubeconfig"], "pulumi"));
  });

  it("lists only this process's children running the command, with their stack", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-proc-"));
    try {
      const proc = (pid: number, ppid: number, argv: string[]) => {
        fs.mkdirSync(path.join(dir, String(pid)));
        fs.writeFileSync(path.join(dir, String(pid), "stat"), `${pid} (x) S ${ppid} 1 1 0`);
        fs.writeFileSync(path.join(dir, String(pid), "cmdline"), `${argv.join("\0")}\0`);
      };
      proc(11, 10, ["pulumi", "up", "--stack", "dev"]);
      proc(12, 10, ["pulumi", "whoami"]);
      proc(13, 99, ["pulumi", "up", "--stack", "prod"]);
      proc(14, 10, ["node", "other.js"]);
      fs.mkdirSync(path.join(dir, "self"));
      assert.deepStrictEqual(cliChildren("pulumi", 10, dir), [{ pid: 11, stack: "dev" }, { pid: 12 }]);
      assert.deepStrictEqual(cliChildren("pulumi", 10, path.join(dir, "missing")), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
