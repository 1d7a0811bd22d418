/**
 * The preflight's command line and what it reads of a stack file beyond the project's keys: the
 * usage (`--help`, `-s`, a missing `--file`), the exit codes (automation/exit-codes.ts), near-miss
 * namespaces and keys without one, ESC `environment:` imports it cannot open, the warnings `pulumi
 * up` would log, and the user's chart values.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { EXIT } from "../automation/exit-codes";
import { loadStackConfig, readStackDocument } from "../offline/stacks";
import { USAGE, environmentNote, main } from "../preflight/cli";
import { exampleArgs, runPreflight } from "./helpers/preflight-run";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-preflight-file-"));

/** Writes a stack file whose `config` keys are given in full (`kube-platform:cluster`, `aws:region`, …). */
function rawStackFile(name: string, doc: Record<string, unknown>): string {
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, stringify(doc));
  return file;
}

/** The dev example's keys in full, with `extra` keys (full) added. */
function devWith(
  extra: Record<string, unknown>,
  rest: Record<string, unknown> = {},
): Record<string, unknown> {
  const dev = loadStackConfig("dev");
  const { secrets: _secrets, apps: _apps, ...plain } = dev;
  return {
    ...rest,
    config: {
      ...Object.fromEntries(Object.entries(plain).map(([k, v]) => [`kube-platform:${k}`, v])),
      ...extra,
    },
  };
}

const problemLines = (err: string) =>
  err
    .split("\n")
    .filter((l) => l.startsWith("  - "))
    .map((l) => l.slice(4));

describe("preflight command line", function () {
  this.timeout(120_000);

  it("--help and -h print the usage on stdout and exit 0, whatever else is given", async () => {
    for (const argv of [["--help"], ["-h"], ["--stak", "x", "-h"]]) {
      const r = await runPreflight(argv);
      assert.deepEqual([r.code, r.out, r.err], [EXIT.success, `${USAGE}\n`, ""], argv.join(" "));
    }
    assert.match(USAGE, /^ {2}-s, --stack /m);
    assert.match(USAGE, /^ {2}-h, --help /m);
    assert.match(
      USAGE,
      /exit codes: 0 ready, 5 mandatory violations or refused volume changes, 2 invalid config or bad usage, 255 internal error \(a bug\)$/,
    );
  });

  it("a --file that does not exist is a usage error naming it, not a stack trace", async () => {
    const r = await runPreflight(["-s", "dev", "--file", path.join(dir, "Pulumi.nope.yaml")]);
    assert.equal(r.code, EXIT.usage);
    assert.ok(r.err.startsWith(`--file ${path.join(dir, "Pulumi.nope.yaml")}: no such file\nusage: `), r.err);
    assert.doesNotMatch(r.err, /\n\s+at /);
    const notYaml = rawStackFile("not-yaml", {});
    fs.writeFileSync(notYaml, "config: [unclosed\n");
    const bad = await runPreflight(["-s", "dev", "--file", notYaml]);
    assert.equal(bad.code, EXIT.usage);
    assert.match(bad.err, /^--file .*Pulumi\.not-yaml\.yaml: not readable as a stack file \(/);
  });

  it("-s works like --stack", async () => {
    const r = await runPreflight(["-s", "dev", "--json"]);
    assert.equal(r.code, EXIT.success, r.err);
    assert.equal((JSON.parse(r.out) as { stack: string }).stack, "dev");
  });

  it("a crash is EXIT.internal with the stack trace, marked as a bug", async () => {
    let err = "";
    const code = await main(
      ["-s", "dev"],
      () => undefined,
      (s) => (err += s),
      () => Promise.reject(new Error("boom")),
    );
    assert.equal(code, EXIT.internal);
    assert.match(err, /^preflight failed \(internal error, a bug\): Error: boom\n\s+at /);
  });
});

describe("preflight: the stack file beyond the project's keys", function () {
  this.timeout(120_000);

  it("a near-miss namespace is a config problem; providers' and others' namespaces are not", async () => {
    const apps = loadStackConfig("dev").apps;
    const file = rawStackFile(
      "near-miss",
      devWith({
        "kube-platfrom:apps": apps,
        "kubeplatform:waivers": [],
        "aws:region": "eu-west-1",
        "kubernetes:context": "kind-kube-platform",
        "pulumi:disable-default-providers": ["*"],
        "myteam:owner": "platform",
      }),
    );
    const r = await runPreflight(["--stack", "near-miss", "--file", file]);
    assert.equal(r.code, EXIT.usage, r.out + r.err);
    assert.deepEqual(problemLines(r.err), [
      "kube-platfrom:apps: not this program's namespace; did you mean kube-platform:apps?",
      "kubeplatform:waivers: not this program's namespace; did you mean kube-platform:waivers?",
    ]);
    const fine = rawStackFile(
      "providers",
      devWith({ "aws:region": "eu-west-1", "myteam:owner": "platform" }),
    );
    assert.equal((await runPreflight(["--stack", "providers", "--file", fine])).code, EXIT.success);
  });

  it("a key without a namespace is what Pulumi itself refuses: a config problem", async () => {
    const file = rawStackFile("no-namespace", devWith({ apps: [] }));
    const r = await runPreflight(["--stack", "no-namespace", "--file", file]);
    assert.equal(r.code, EXIT.usage);
    assert.deepEqual(problemLines(r.err), [
      "apps: not a config key Pulumi reads (keys are <namespace>:<name>); did you mean kube-platform:apps?",
    ]);
  });

  it("an ESC environment import is named in a note saying what the verdict covers, in text and JSON", async () => {
    const list = rawStackFile("esc-list", devWith({}, { environment: ["platform/dev", "shared/dns"] }));
    const text = await runPreflight(["--stack", "esc-list", "--file", list]);
    assert.equal(text.code, EXIT.success, text.err);
    assert.ok(text.err.includes(`note: ${environmentNote(["platform/dev", "shared/dns"])}\n`), text.err);
    assert.match(
      environmentNote(["platform/dev", "shared/dns"]),
      /^the stack imports the ESC environments platform\/dev, shared\/dns \(environment:\), which the preflight cannot open offline: .* This verdict covers the file's own config only: .*`pulumi preview` checks the merged config$/,
    );
    const def = rawStackFile(
      "esc-def",
      devWith(
        {},
        { environment: { imports: ["platform/dev", { "shared/dns": { merge: false } }], values: { a: 1 } } },
      ),
    );
    const json = JSON.parse((await runPreflight(["--stack", "esc-def", "--file", def, "--json"])).out) as {
      environments: string[];
      notes: string[];
    };
    assert.deepEqual(json.environments, ["platform/dev", "shared/dns", "(inline values)"]);
    assert.equal(json.notes[0], environmentNote(["platform/dev", "shared/dns", "(inline values)"]));
    assert.deepEqual(readStackDocument(list).environments, ["platform/dev", "shared/dns"]);
    assert.deepEqual(readStackDocument(path.join(dir, "Pulumi.providers.yaml")).environments, []);
  });

  it("prints the warnings `pulumi up` would log (a documentation range in dev), once, and lists them in JSON", async () => {
    const text = await runPreflight(exampleArgs("eks-dev"));
    assert.equal(text.code, EXIT.success, text.err);
    const warnings = text.err.split("\n").filter((l) => l.startsWith("warning: "));
    assert.equal(warnings.length, 1, text.err);
    assert.match(
      warnings[0],
      /^warning: cluster\.publicAccessCidrs\[0\]: 203\.0\.113\.0\/24 is inside TEST-NET-3 /,
    );
    const json = JSON.parse((await runPreflight([...exampleArgs("eks-dev"), "--json"])).out) as {
      warnings: string[];
    };
    assert.deepEqual(json.warnings, [warnings[0].slice("warning: ".length)]);
  });

  it("checks the user's chart values as `pulumi up` does", async () => {
    const file = rawStackFile(
      "values",
      devWith({
        "kube-platform:addons": { monitoring: { values: { grafana: { persistence: { enabeld: true } } } } },
      }),
    );
    const r = await runPreflight(["--stack", "values", "--file", file]);
    assert.equal(r.code, EXIT.usage, r.out + r.err);
    assert.deepEqual(problemLines(r.err), [
      "addons.monitoring.values.grafana.persistence.enabeld: not a value of chart kube-prometheus-stack 88.5.3 (nothing in the chart reads it); did you mean grafana.persistence.enabled?",
    ]);
  });
});
