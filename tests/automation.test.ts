// Unit tests of the pipeline driver's pure parts: argument parsing, the promotion gate, progress
// lines, the report and error classification (automation/). The driver against a fake `pulumi`
// is tested in automation-driver.test.ts.

import * as assert from "assert";
import * as path from "path";
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import {
  UsageError,
  backendUrl,
  executionOrder,
  parseArgs,
  preflightProblems,
  type DriverOptions,
} from "../automation/args";
import { INSTALL_HINT, classifyError, cliErrorLines } from "../automation/errors";
import {
  PROTECTED_TYPES,
  decideGate,
  findProtectedChanges,
  refusalMessage,
  stackProtection,
} from "../automation/gate";
import { ProgressTracker, stripColor } from "../automation/progress";
import { EventStream } from "./helpers/engine-events";
import { EXIT } from "../automation/exit-codes";
import {
  changeCounts,
  createRedactor,
  exitCodeFor,
  redactDeep,
  sanitizeUrl,
  splitOutputs,
  summaryLine,
  type StackReport,
} from "../automation/report";

const CWD = "/work/cwd";
/** The environment parseArgs gets: the default --local directory is this user's state directory. */
const ENV = { HOME: "/home/u" };
const STATE = "/home/u/.local/state/kube-platform";

function parse(...argv: string[]): DriverOptions {
  const r = parseArgs(argv, CWD, ENV);
  assert.ok(!r.help, "unexpected --help");
  return r.options;
}

function usageError(argv: string[], pattern: RegExp): void {
  assert.throws(
    () => parseArgs(argv, CWD, ENV),
    (e: unknown) => e instanceof UsageError && pattern.test(e.message),
    `expected a UsageError matching ${pattern} for ${argv.join(" ")}`,
  );
}

describe("automation: argument parsing", () => {
  it("parses a full command line into typed options", () => {
    const o = parse(
      "up",
      "--stack",
      "dev",
      "-s",
      "org/prod",
      "--parallel",
      "2",
      "--config",
      "cluster.region=eu-west-1",
      "--secret=kube-platform:token=a=b",
      "--allow-replace",
      "--refresh",
      "--message",
      "release 42",
      "--backend",
      "s3://bucket/state",
      "--secrets-provider",
      "awskms://alias/kp",
      "--json",
      "out/report.json",
    );
    assert.deepStrictEqual(o, {
      command: "up",
      stacks: ["dev", "org/prod"],
      parallel: 2,
      config: [
        { key: "cluster.region", value: "eu-west-1", secret: false },
        { key: "kube-platform:token", value: "a=b", secret: true },
      ],
      allowReplace: true,
      refresh: true,
      policyPacks: [],
      targets: [],
      expectNoChanges: false,
      diff: false,
      showSecrets: false,
      message: "release 42",
      backend: "s3://bucket/state",
      secretsProvider: "awskms://alias/kp",
      json: path.resolve(CWD, "out/report.json"),
    });
  });

  it("accepts comma-separated stacks, the command anywhere, and defaults", () => {
    const o = parse("--stack", "dev,staging", "preview", "--stack=prod");
    assert.deepStrictEqual(o.stacks, ["dev", "staging", "prod"]);
    assert.strictEqual(o.command, "preview");
    assert.strictEqual(o.parallel, 1);
    assert.deepStrictEqual(o.config, []);
    assert.strictEqual(o.allowReplace, false);
    assert.strictEqual(o.localDir, undefined);
    assert.strictEqual(o.secretsProvider, undefined);
  });

  it("--local: default directory in the user's state directory, a given directory, passphrase secrets", () => {
    assert.strictEqual(parse("up", "-s", "dev", "--local").localDir, STATE);
    assert.strictEqual(parse("up", "-s", "dev", "--local", "state").localDir, path.join(CWD, "state"));
    assert.strictEqual(parse("up", "-s", "dev", "--local=/abs/state").localDir, "/abs/state");
    // A command after --local is the command, not the directory.
    const o = parse("--local", "up", "-s", "dev");
    assert.strictEqual(o.command, "up");
    assert.strictEqual(o.localDir, STATE);
    assert.strictEqual(o.secretsProvider, "passphrase");
    assert.strictEqual(backendUrl(o), `file://${STATE}`);
    // An explicit provider wins.
    assert.strictEqual(
      parse("up", "-s", "dev", "--local", "--secrets-provider", "awskms://k").secretsProvider,
      "awskms://k",
    );
    assert.strictEqual(backendUrl(parse("up", "-s", "dev", "--backend", "gs://b")), "gs://b");
    assert.strictEqual(backendUrl(parse("up", "-s", "dev")), undefined);
  });

  it("--json - means stdout", () => {
    assert.strictEqual(parse("outputs", "-s", "dev", "--json", "-").json, "-");
  });

  it("--help wins over everything else", () => {
    assert.deepStrictEqual(parseArgs(["--help"], CWD, ENV), { help: true });
    assert.deepStrictEqual(parseArgs(["up", "-h"], CWD, ENV), { help: true });
  });

  it("rejects bad usage with a message naming the problem", () => {
    usageError([], /missing command/);
    usageError(["deploy", "-s", "dev"], /unknown command "deploy"/);
    usageError(["up"], /missing --stack/);
    usageError(["up", "-s", "dev", "--force"], /unknown option "--force"/);
    usageError(["up", "--stack"], /--stack needs a value/);
    usageError(["up", "--stack", "--refresh"], /--stack needs a value/);
    usageError(["up", "-s", "dev", "-p", "0"], /--parallel "0"/);
    usageError(["up", "-s", "dev", "-p", "two"], /--parallel "two"/);
    usageError(["up", "-s", "dev", "-s", "dev"], /given twice/);
    usageError(["up", "-s", "dev prod"], /not a stack name/);
    usageError(["up", "-s", "a/b/c/d"], /not a stack name/);
    usageError(["up", "-s", "dev", "--config", "region"], /expected KEY=VALUE/);
    usageError(["up", "-s", "dev", "--config", "=x"], /key before "=" must be non-empty/);
    usageError(
      ["up", "-s", "dev", "--config", "a=1", "--secret", "kube-platform:a=2"],
      /"kube-platform:a" is given twice/,
    );
    usageError(["up", "-s", "dev", "--local", "--backend", "s3://b"], /exclusive/);
    usageError(["outputs", "-s", "dev", "--config", "a=1"], /no effect on outputs/);
    usageError(["preview", "-s", "dev", "--allow-replace"], /up and destroy only/);
    usageError(["refresh", "-s", "dev", "--refresh"], /preview, up and destroy only/);
    usageError(["up", "-s", "dev", "--refresh=yes"], /takes no value/);
    usageError(["up", "preview", "-s", "dev"], /unexpected argument "preview"/);
  });

  it("never puts a --secret value into a usage error", () => {
    assert.throws(
      () => parseArgs(["up", "-s", "dev", "--secret", "hunter2-no-equals"], CWD, ENV),
      (e: unknown) => e instanceof UsageError && !e.message.includes("hunter2") && /redacted/.test(e.message),
    );
  });

  it("destroy runs the stacks in reverse order; the other commands in the given order", () => {
    assert.deepStrictEqual(executionOrder("destroy", ["a", "b", "c"]), ["c", "b", "a"]);
    assert.deepStrictEqual(executionOrder("up", ["a", "b", "c"]), ["a", "b", "c"]);
  });

  it("preflight: the passphrase provider needs PULUMI_CONFIG_PASSPHRASE or ..._FILE", () => {
    const local = parse("up", "-s", "dev", "--local");
    assert.match(preflightProblems(local, {})[0], /PULUMI_CONFIG_PASSPHRASE/);
    assert.deepStrictEqual(preflightProblems(local, { PULUMI_CONFIG_PASSPHRASE: "" }), []);
    assert.deepStrictEqual(preflightProblems(local, { PULUMI_CONFIG_PASSPHRASE_FILE: "/p" }), []);
    assert.deepStrictEqual(preflightProblems(parse("up", "-s", "dev"), {}), []);
  });
});

// ---------------------------------------------------------------------------------------------

const cfg = (entries: Record<string, string>) =>
  Object.fromEntries(Object.entries(entries).map(([k, value]) => [k, { value, secret: false }]));

type Meta = Partial<StepEventMetadata> & { op: StepEventMetadata["op"]; type: string; name: string };

function meta(m: Meta): StepEventMetadata {
  const urn = `urn:pulumi:prod::kube-platform::${m.type}::${m.name}`;
  return { provider: "", urn, ...m } as StepEventMetadata;
}
function state(type: string, name: string, protect?: boolean) {
  return {
    type,
    urn: `urn:pulumi:prod::kube-platform::${type}::${name}`,
    id: "",
    parent: "",
    inputs: {},
    outputs: {},
    provider: "",
    ...(protect !== undefined ? { protect } : {}),
  };
}
let seq = 0;
const pre = (m: StepEventMetadata, planning = true): EngineEvent => ({
  sequence: ++seq,
  timestamp: 0,
  resourcePreEvent: { metadata: m, planning },
});
const outs = (m: StepEventMetadata): EngineEvent => ({
  sequence: ++seq,
  timestamp: 0,
  resOutputsEvent: { metadata: m },
});

/** The engine's three steps of a create-before-delete replacement. */
function replacement(
  type: string,
  name: string,
  oldProtect: boolean,
  newProtect: boolean,
  keys: string[] = [],
) {
  return [
    meta({
      op: "create-replacement",
      type,
      name,
      old: state(type, name, oldProtect),
      new: state(type, name, newProtect),
      keys,
    }),
    meta({
      op: "replace",
      type,
      name,
      old: state(type, name, oldProtect),
      new: state(type, name, newProtect),
      keys,
    }),
    meta({ op: "delete-replaced", type, name, old: state(type, name, oldProtect) }),
  ];
}

describe("automation: the promotion gate", () => {
  it("a stack is protected when its profile is prod or cluster.protect is true", () => {
    assert.deepStrictEqual(stackProtection({}), { protected: false, reason: "profile is dev" });
    assert.deepStrictEqual(stackProtection(cfg({ "kube-platform:profile": "prod" })), {
      protected: true,
      reason: "profile is prod",
    });
    // prod stays protected when cluster.protect is switched off (unprotect + replace in one update).
    assert.strictEqual(
      stackProtection(cfg({ "kube-platform:profile": "prod", "kube-platform:cluster": '{"protect":false}' }))
        .protected,
      true,
    );
    assert.deepStrictEqual(
      stackProtection(
        cfg({ "kube-platform:profile": "dev", "kube-platform:cluster": '{"target":"eks","protect":true}' }),
      ),
      { protected: true, reason: "cluster.protect is true" },
    );
    assert.strictEqual(
      stackProtection(cfg({ "kube-platform:cluster": '{"protect":"true"}' })).protected,
      true,
    );
    assert.deepStrictEqual(stackProtection(cfg({ "kube-platform:cluster": '{"protect":false}' })), {
      protected: false,
      reason: "profile is dev, cluster.protect is false",
    });
    assert.strictEqual(stackProtection(cfg({ "kube-platform:cluster": "not json" })).protected, false);
    // Another project's keys do not count.
    assert.strictEqual(stackProtection(cfg({ "other:profile": "prod" })).protected, false);
  });

  it("finds the replacement of a protected resource once, with the keys that force it", () => {
    const events = replacement("aws:eks/cluster:Cluster", "kp-cluster", true, true, ["name"]).flatMap((m) => [
      pre(m),
      outs(m),
    ]);
    const findings = findProtectedChanges(events);
    assert.strictEqual(findings.length, 1);
    assert.deepStrictEqual(findings[0], {
      urn: "urn:pulumi:prod::kube-platform::aws:eks/cluster:Cluster::kp-cluster",
      type: "aws:eks/cluster:Cluster",
      name: "kp-cluster",
      op: "replace",
      reasons: ["protect: true", `protected type: ${PROTECTED_TYPES["aws:eks/cluster:Cluster"]}`],
      replaceKeys: ["name"],
      refusedByPulumi: true,
    });
  });

  it("finds deletions of protect-flagged resources and of protected types; ignores the rest", () => {
    const events = [
      pre(
        meta({
          op: "delete",
          type: "aws:ec2/subnet:Subnet",
          name: "private-a",
          old: state("aws:ec2/subnet:Subnet", "private-a", true),
        }),
      ),
      pre(
        meta({
          op: "delete",
          type: "kubernetes:core/v1:Namespace",
          name: "vault",
          old: state("kubernetes:core/v1:Namespace", "vault"),
        }),
      ),
      pre(
        meta({
          op: "delete",
          type: "kubernetes:apps/v1:Deployment",
          name: "web",
          old: state("kubernetes:apps/v1:Deployment", "web"),
        }),
      ),
      pre(
        meta({
          op: "create",
          type: "aws:kms/key:Key",
          name: "new-key",
          new: state("aws:kms/key:Key", "new-key", true),
        }),
      ),
      pre(
        meta({
          op: "update",
          type: "aws:eks/cluster:Cluster",
          name: "c",
          old: state("aws:eks/cluster:Cluster", "c", true),
          new: state("aws:eks/cluster:Cluster", "c", true),
        }),
      ),
      pre(meta({ op: "same", type: "kubernetes:core/v1:Namespace", name: "ingress" })),
      ...replacement("kubernetes:apps/v1:Deployment", "api", false, false).map((m) => pre(m)),
    ];
    const findings = findProtectedChanges(events);
    assert.deepStrictEqual(
      findings.map((f) => [f.name, f.op, f.refusedByPulumi, f.reasons.length]),
      [
        ["private-a", "delete", true, 1],
        ["vault", "delete", false, 1],
      ],
    );
    assert.match(findings[1].reasons[0], /protected type: a namespace/);
  });

  it("catches a replacement that removes the protect flag in the same update", () => {
    const findings = findProtectedChanges(
      replacement("gcp:kms/cryptoKey:CryptoKey", "vault-unseal", true, false).map((m) => pre(m)),
    );
    assert.strictEqual(findings.length, 1);
    assert.match(findings[0].reasons[0], /protect: true in the state \(this update removes the flag\)/);
    assert.strictEqual(findings[0].refusedByPulumi, false);
  });

  it("refuses only protected stacks with findings and no --allow-replace", () => {
    const findings = findProtectedChanges(
      replacement("pulumi:providers:kubernetes", "k8s", false, false).map((m) => pre(m)),
    );
    const prod = { protected: true, reason: "profile is prod" };
    const dev = { protected: false, reason: "profile is dev" };
    assert.strictEqual(decideGate(prod, findings, false).refused, true);
    assert.strictEqual(decideGate(prod, findings, true).refused, false);
    assert.strictEqual(decideGate(prod, [], false).refused, false);
    const unprotected = decideGate(dev, findings, false);
    assert.strictEqual(unprotected.refused, false);
    assert.strictEqual(unprotected.checked, false);
    assert.deepStrictEqual(unprotected.findings, []);
  });

  it("the refusal names each resource (type, name, URN) and why", () => {
    const findings = findProtectedChanges([
      ...replacement("aws:eks/cluster:Cluster", "kp", true, true, ["vpcConfig.subnetIds"]).map((m) => pre(m)),
      pre(
        meta({
          op: "delete",
          type: "kubernetes:helm.sh/v3:Release",
          name: "vault",
          old: state("kubernetes:helm.sh/v3:Release", "vault"),
        }),
      ),
    ]);
    const text = refusalMessage(
      "prod",
      decideGate({ protected: true, reason: "profile is prod" }, findings, false),
      "up",
    );
    assert.match(text, /^up refused on protected stack prod \(profile is prod\): 2 protected resources/);
    assert.match(text, /--allow-replace/);
    assert.match(
      text,
      /aws:eks\/cluster:Cluster "kp" would be replaced \(replacement forced by: vpcConfig\.subnetIds\): protect: true;.*Pulumi refuses this step itself.*\[urn:pulumi:prod::kube-platform::aws:eks\/cluster:Cluster::kp\]/,
    );
    assert.match(
      text,
      /kubernetes:helm.sh\/v3:Release "vault" would be deleted: protected type: a platform add-on release/,
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe("automation: progress lines", () => {
  it("preview: one line per planned change, none for unchanged resources or duplicate steps", () => {
    const t = new ProgressTracker("dev", "preview");
    const lines = [
      pre(meta({ op: "create", type: "aws:ec2/vpc:Vpc", name: "vpc" })),
      outs(meta({ op: "create", type: "aws:ec2/vpc:Vpc", name: "vpc" })),
      pre(meta({ op: "same", type: "aws:iam/role:Role", name: "r" })),
      pre(meta({ op: "update", type: "aws:eks/cluster:Cluster", name: "c", diffs: ["version"] })),
      ...replacement("kubernetes:core/v1:Namespace", "ns", false, false, ["metadata.name"]).map((m) =>
        pre(m),
      ),
      pre(meta({ op: "delete", type: "aws:ec2/eip:Eip", name: "nat" })),
    ].flatMap((e) => t.handle(e));
    assert.deepStrictEqual(lines, [
      `[dev] + create aws:ec2/vpc:Vpc "vpc"`,
      `[dev] ~ update aws:eks/cluster:Cluster "c" (changed: version)`,
      `[dev] +- replace kubernetes:core/v1:Namespace "ns" (replacement forced by: metadata.name)`,
      `[dev] - delete aws:ec2/eip:Eip "nat"`,
    ]);
  });

  it("apply: a line when each operation completes, with its duration; failures and diagnostics", () => {
    let clock = 1000;
    const t = new ProgressTracker("prod", "apply", () => clock);
    const vpc = meta({ op: "create", type: "aws:ec2/vpc:Vpc", name: "vpc" });
    const cluster = meta({ op: "create", type: "aws:eks/cluster:Cluster", name: "kp" });
    const lines: string[] = [];
    lines.push(...t.handle(pre(vpc, false)), ...t.handle(pre(cluster, false)));
    clock = 3500;
    lines.push(...t.handle(outs(vpc)));
    lines.push(
      ...t.handle({
        sequence: 9,
        timestamp: 0,
        diagnosticEvent: {
          urn: cluster.urn,
          severity: "error",
          color: "raw",
          message: "<{%fg 1%}>creating EKS Cluster: AccessDenied\n  status code: 403<{%reset%}>\n",
        },
      }),
    );
    lines.push(
      ...t.handle({
        sequence: 10,
        timestamp: 0,
        resOpFailedEvent: { metadata: cluster, status: 1, steps: 0 },
      }),
    );
    lines.push(
      ...t.handle({
        sequence: 11,
        timestamp: 0,
        diagnosticEvent: { severity: "info", color: "raw", message: "noise" },
      }),
    );
    lines.push(
      ...t.handle({
        sequence: 12,
        timestamp: 0,
        summaryEvent: {
          maybeCorrupt: false,
          durationSeconds: 3,
          resourceChanges: { create: 1 },
          policyPacks: {},
        },
      }),
    );
    assert.deepStrictEqual(lines, [
      `[prod] + created aws:ec2/vpc:Vpc "vpc" (2.5s)`,
      `[prod] error: kp: creating EKS Cluster: AccessDenied`,
      `[prod]       status code: 403`,
      `[prod] x failed to create aws:eks/cluster:Cluster "kp"`,
    ]);
    assert.deepStrictEqual(t.summary, { create: 1 });
    assert.deepStrictEqual([...t.failedUrns], [cluster.urn]);
    assert.deepStrictEqual(t.errors, ["creating EKS Cluster: AccessDenied\n  status code: 403"]);
  });

  it("refresh: only drift gets a line (the engine's refresh steps: pre op refresh, outputs op found)", () => {
    const t = new ProgressTracker("dev", "apply", () => 0, "refresh");
    const s = new EventStream("dev")
      .refresh("same", "aws:ec2/vpc:Vpc", "vpc")
      .refresh("update", "aws:eks/nodeGroup:NodeGroup", "general", { diffs: ["scalingConfig"] })
      .refresh("delete", "aws:ec2/eip:Eip", "nat");
    assert.deepStrictEqual(
      s.events.flatMap((e) => t.handle(e)),
      [
        `[dev] ~ refreshed aws:eks/nodeGroup:NodeGroup "general" (changed: scalingConfig) (0.0s)`,
        `[dev] - refreshed aws:ec2/eip:Eip "nat": deleted outside Pulumi, removed from the state (0.0s)`,
      ],
    );
  });

  it("strips the CLI's colour markup", () => {
    assert.strictEqual(stripColor("<{%bold%}>a<{%reset%}> b\n"), "a b");
  });
});

// ---------------------------------------------------------------------------------------------

function stackReport(over: Partial<StackReport>): StackReport {
  return {
    stack: "dev",
    status: "succeeded",
    exitCode: EXIT.success,
    stackCreated: false,
    configKeys: [],
    changes: changeCounts({ create: 2, update: 1, replace: 1, delete: 1, same: 7 }, 0),
    resourceChanges: {},
    durationSeconds: 12.34,
    policyViolations: [],
    ...over,
  };
}

describe("automation: report", () => {
  it("change counts from the engine's operation map", () => {
    assert.deepStrictEqual(
      changeCounts({ create: 2, import: 1, update: 3, replace: 1, delete: 4, same: 9 }, 2),
      {
        created: 3,
        updated: 3,
        replaced: 1,
        deleted: 4,
        same: 9,
        failed: 2,
      },
    );
    assert.deepStrictEqual(changeCounts(undefined, 0), {
      created: 0,
      updated: 0,
      replaced: 0,
      deleted: 0,
      same: 0,
      failed: 0,
    });
  });

  it("keeps non-secret outputs and only the names of secret ones", () => {
    assert.deepStrictEqual(
      splitOutputs({
        clusterName: { value: "kp-dev", secret: false },
        kubeconfig: { value: "apiVersion: v1", secret: true },
        grafanaAdminPassword: { value: "pw", secret: true },
        region: { value: "eu-west-1", secret: false },
      }),
      {
        outputs: { clusterName: "kp-dev", region: "eu-west-1" },
        secretOutputs: ["grafanaAdminPassword", "kubeconfig"],
      },
    );
  });

  it("exit code: the most severe stack's (exit-codes.ts SEVERITY); cancelled > failed > refused > success", () => {
    const s = (status: StackReport["status"]) => stackReport({ status });
    assert.strictEqual(exitCodeFor([s("succeeded"), s("succeeded")], false), EXIT.success);
    assert.strictEqual(exitCodeFor([s("succeeded"), s("refused")], false), EXIT.refused);
    assert.strictEqual(exitCodeFor([s("refused"), s("failed")], false), EXIT.failed);
    assert.strictEqual(exitCodeFor([s("failed"), s("cancelled")], false), EXIT.cancelled);
    assert.strictEqual(exitCodeFor([s("succeeded"), s("skipped")], false), EXIT.cancelled);
    assert.strictEqual(exitCodeFor([s("succeeded")], true), EXIT.cancelled);
    assert.deepStrictEqual(
      [EXIT.success, EXIT.failed, EXIT.usage, EXIT.policy, EXIT.changes, EXIT.cancelled, EXIT.refused],
      [0, 1, 2, 5, 7, 8, 20],
    );
  });

  it("summary lines per command and status", () => {
    assert.strictEqual(
      summaryLine("up", stackReport({})),
      "[dev] up succeeded in 12.3s: 2 created, 1 updated, 1 replaced, 1 deleted, 0 failed",
    );
    assert.strictEqual(
      summaryLine("preview", stackReport({})),
      "[dev] preview succeeded in 12.3s: planned 2 to create, 1 to update, 1 to replace, 1 to delete",
    );
    assert.strictEqual(
      summaryLine("outputs", stackReport({ outputs: { a: 1, b: 2 }, secretOutputs: ["kubeconfig"] })),
      "[dev] outputs succeeded in 12.3s: 2 outputs (+1 secret, not shown)",
    );
    assert.strictEqual(
      summaryLine(
        "up",
        stackReport({ status: "failed", error: { kind: "concurrent-update", message: "locked\nmore" } }),
      ),
      "[dev] up failed in 12.3s: 2 created, 1 updated, 1 replaced, 1 deleted, 0 failed - locked",
    );
    assert.strictEqual(
      summaryLine(
        "up",
        stackReport({
          status: "refused",
          gate: { protected: true, reason: "", outcome: "refused", findings: [] },
        }),
      ),
      "[dev] up refused in 12.3s: 0 protected resources would be replaced or deleted (nothing applied)",
    );
  });

  it("backend URLs lose credentials and query strings", () => {
    assert.strictEqual(
      sanitizeUrl("postgres://user:pw@db:5432/state?sslmode=require"),
      "postgres://db:5432/state",
    );
    assert.strictEqual(sanitizeUrl("azblob://state?sas=token"), "azblob://state");
    assert.strictEqual(sanitizeUrl("https://api.pulumi.com"), "https://api.pulumi.com");
    assert.strictEqual(sanitizeUrl("file:///home/ci/.pulumi-local"), "file:///home/ci/.pulumi-local");
  });

  it("redacts every secret value (longest first) in strings and nested report values", () => {
    const redact = createRedactor(["abcd", "abcdefgh", "", undefined]);
    assert.strictEqual(redact("x abcdefgh y abcd z"), "x [secret] y [secret] z");
    assert.deepStrictEqual(redactDeep({ a: ["abcd", 1, { abcd: "abcdefgh" }], n: null }, redact), {
      a: ["[secret]", 1, { "[secret]": "[secret]" }],
      n: null,
    });
  });

  it("does not garble output with values too short to be secrets", () => {
    const redact = createRedactor(["x", "ab", "abc"]);
    assert.strictEqual(redact("exit code 3 (abc)"), "exit code 3 (abc)");
  });
});

// ---------------------------------------------------------------------------------------------

/** An error shaped like the Automation API's CommandError (execa's stderr inside). */
function commandError(name: string, stderr: string, extra: Record<string, unknown> = {}): Error {
  const e = new Error(
    `code: 255\n stdout: \n stderr: Command failed with exit code 255: pulumi up --secret x\n${stderr}`,
  );
  e.name = name;
  return Object.assign(e, {
    commandResult: {
      stdout: "",
      stderr: `Command failed with exit code 255: pulumi ...\n${stderr}`,
      code: -2,
      err: { stderr, ...extra },
    },
  });
}

describe("automation: error classification", () => {
  it("no Pulumi CLI: says how to install it", () => {
    const e = commandError("CommandError", "", { code: "ENOENT", message: "spawn pulumi ENOENT" });
    const c = classifyError(e);
    assert.strictEqual(c.kind, "cli-missing");
    assert.strictEqual(c.hint, INSTALL_HINT);
    assert.match(INSTALL_HINT, /curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
    assert.match(INSTALL_HINT, /https:\/\/www\.pulumi\.com\/docs\/install\//);
  });

  it("concurrent update, missing stack, not logged in, passphrase, cancelled", () => {
    const locked = classifyError(
      commandError(
        "ConcurrentUpdateError",
        "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  file:///s/.pulumi/locks/x.json: created by ci@runner (pid 42)\n",
      ),
      "prod",
    );
    assert.strictEqual(locked.kind, "concurrent-update");
    assert.match(
      locked.message,
      /another update is running on the stack \(stack prod\): error: the stack is currently locked/,
    );
    assert.match(locked.message, /created by ci@runner/);
    assert.match(locked.hint ?? "", /pulumi cancel/);

    const missing = classifyError(
      commandError("StackNotFoundError", "error: no stack named 'qa' found\n"),
      "qa",
    );
    assert.strictEqual(missing.kind, "missing-stack");
    assert.strictEqual(missing.message, "stack qa does not exist in this backend");

    const login = classifyError(
      commandError(
        "CommandError",
        "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions\n",
      ),
    );
    assert.strictEqual(login.kind, "not-logged-in");
    assert.match(login.hint ?? "", /PULUMI_ACCESS_TOKEN.*PULUMI_BACKEND_URL.*--local/);

    const pass = classifyError(
      commandError(
        "CommandError",
        "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables\n",
      ),
    );
    assert.strictEqual(pass.kind, "passphrase");

    assert.strictEqual(
      classifyError(commandError("CommandError", "error: update canceled\n")).kind,
      "cancelled",
    );
  });

  it("other failures: the CLI's error lines, not the argv", () => {
    const c = classifyError(
      commandError("CommandError", "Updating (dev)\nerror: update failed\n  details here\nResources:\n"),
    );
    assert.deepStrictEqual(c, { kind: "failed", message: "error: update failed\ndetails here", exitCode: 1 });
    assert.deepStrictEqual(cliErrorLines("a\nerror: x\n  y\nb\nerror: x\n"), ["error: x", "y"]);
    assert.deepStrictEqual(classifyError(new Error("plain")), {
      kind: "failed",
      message: "plain",
      exitCode: 1,
    });
  });
});
