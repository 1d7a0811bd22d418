// Waivers mean the same in both gates: the offline preflight (preflight/plan.ts) and the CrossGuard
// policy pack (policy/) with the config the driver and `npm run policy-config` generate
// (automation/pack-config.ts). The same stack and waiver give the same verdict: the same
// violations counted (mandatory ones fail both), the same ones waived (shown, not counted).

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packConfigFromConfigMap, packConfigOf, type PackConfig } from "../automation/pack-config";
import { runPolicyConfig } from "../automation/policy-config";
import { EXIT } from "../automation/exit-codes";
import { runProgram, type ProgramRun } from "../offline/mocks";
import { exampleConfig } from "../offline/stacks";
import { stackPolicyConfig } from "../policy/policies";
import { preflight } from "../preflight/plan";
import { ALL_RULES, splitWaived, waivedMessage, waiverOf } from "../rules";
import { runPack } from "./helpers/policy-pack";

type Obj = Record<string, unknown>;

const OPEN = "eks-endpoint-access";
const REASON = "a throwaway dev cluster reached from changing CI runners (reviewed in PLAT-12)";

/** eks-dev with its public API endpoint open to 0.0.0.0/0 (the dev profile's config allows it): eks-endpoint-access, a mandatory rule, fails. */
function openEndpoint(waivers: Obj[]): Obj {
  const base = exampleConfig("eks-dev");
  return { ...base, cluster: { ...(base.cluster as Obj), publicAccessCidrs: ["0.0.0.0/0"] }, waivers };
}

function configOf(raw: Obj): PackConfig {
  const r = packConfigOf(raw);
  assert.ok("config" in r, JSON.stringify(r));
  return r.config;
}

/** The pack's verdict as the preflight states it: counted (rule, resource) pairs and waived ones. */
function packVerdict(run: ProgramRun, config: PackConfig) {
  const label = (urn?: string) => {
    const r = run.resources.find((x) => x.urn === urn);
    return r ? `${r.type} ${r.name}` : "(stack)";
  };
  const found = runPack(run, config);
  const key = (v: { policy: string; urn?: string }) => `${v.policy} | ${label(v.urn)}`;
  return {
    mandatory: [...new Set(found.filter((v) => v.level === "mandatory").map(key))].sort(),
    waived: [...new Set(found.filter((v) => v.message.startsWith("waived (")).map(key))].sort(),
    all: found,
  };
}

async function bothGates(raw: Obj) {
  const result = await preflight(raw, "eks-dev");
  assert.ok(result.plan, JSON.stringify(result.problems));
  const plan = result.plan;
  const key = (v: { ruleId: string; resource: string }) => `${v.ruleId} | ${v.resource}`;
  const preflightVerdict = {
    exitCode: result.exitCode,
    mandatory: [...new Set(plan.violations.filter((v) => v.severity === "mandatory").map(key))].sort(),
    waived: [...new Set(plan.waived.map(key))].sort(),
  };
  const run = await runProgram(raw, "eks-dev");
  return { preflight: preflightVerdict, pack: packVerdict(run, configOf(raw)) };
}

describe("waivers: the same verdict in the preflight and the policy pack", function () {
  this.timeout(120000);

  it("an unwaived mandatory violation fails both gates, on the same resources", async () => {
    const { preflight: pre, pack } = await bothGates(openEndpoint([]));
    assert.strictEqual(pre.exitCode, EXIT.policy);
    assert.ok(
      pre.mandatory.some((k) => k.startsWith(`${OPEN} | aws:eks/cluster:Cluster`)),
      pre.mandatory.join("\n"),
    );
    assert.deepStrictEqual(pack.mandatory, pre.mandatory);
    assert.deepStrictEqual(pack.waived, []);
    assert.deepStrictEqual(pre.waived, []);
  });

  it("the same violation waived: shown with the reason, counted by neither gate", async () => {
    const { preflight: pre, pack } = await bothGates(openEndpoint([{ rule: OPEN, reason: REASON }]));
    assert.strictEqual(pre.exitCode, EXIT.success);
    assert.deepStrictEqual(pre.mandatory, []);
    assert.deepStrictEqual(pack.mandatory, []);
    assert.ok(pre.waived.length > 0);
    assert.deepStrictEqual(pack.waived, pre.waived);
    const shown = pack.all.filter((v) => v.policy === OPEN);
    assert.ok(shown.length > 0);
    for (const v of shown) {
      assert.strictEqual(v.level, "advisory");
      assert.ok(v.message.startsWith(`waived (${REASON}): `), v.message);
    }
  });

  it("a waiver of another rule changes nothing about this one", async () => {
    const { preflight: pre, pack } = await bothGates(
      openEndpoint([{ rule: "k8s-cpu-limit", reason: "podinfo bursts at start-up on shared dev nodes" }]),
    );
    assert.strictEqual(pre.exitCode, EXIT.policy);
    assert.deepStrictEqual(pack.mandatory, pre.mandatory);
    assert.deepStrictEqual(pack.waived, pre.waived);
    assert.ok(pre.waived.every((k) => k.startsWith("k8s-cpu-limit | ")));
  });
});

describe("waivers: the shared rule and the pack config", () => {
  const waivers = [{ rule: OPEN, reason: REASON }];

  it("splitWaived / waiverOf / waivedMessage: only the named rule is waived", () => {
    const v = (ruleId: string) => ({ ruleId, resource: "r" });
    assert.deepStrictEqual(splitWaived([v(OPEN), v("k8s-seccomp")], waivers), {
      counted: [v("k8s-seccomp")],
      waived: [v(OPEN)],
    });
    assert.deepStrictEqual(splitWaived([v(OPEN)], undefined), { counted: [v(OPEN)], waived: [] });
    assert.strictEqual(waiverOf("k8s-seccomp", waivers), undefined);
    assert.strictEqual(waivedMessage("m", waivers[0]), `waived (${REASON}): m`);
  });

  it("every policy gets the profile and the waivers; only a waived one is made advisory", () => {
    const config = stackPolicyConfig(ALL_RULES, "prod", waivers);
    assert.deepStrictEqual(Object.keys(config).sort(), ALL_RULES.map((r) => r.id).sort());
    assert.deepStrictEqual(config[OPEN], { profile: "prod", waivers, enforcementLevel: "advisory" });
    assert.deepStrictEqual(config["k8s-seccomp"], { profile: "prod", waivers });
  });

  it("reads profile and waivers from a stack file's config or `pulumi config --json`, with the stack schema's default", () => {
    assert.deepStrictEqual(configOf({})[OPEN], { profile: "dev", waivers: [] });
    const fromCli = packConfigFromConfigMap({
      "kube-platform:profile": { value: "prod", secret: false },
      "kube-platform:waivers": { value: JSON.stringify(waivers), secret: false },
      "kube-platform:cluster": { value: "{}", secret: false },
    });
    assert.ok("config" in fromCli);
    assert.deepStrictEqual(fromCli.config[OPEN], { profile: "prod", waivers, enforcementLevel: "advisory" });
  });

  it("refuses what the stack config refuses: an unknown rule, a reason too short, a bad profile", () => {
    const bad = packConfigOf({
      profile: "staging",
      waivers: [{ rule: "k8s-no-such-rule", reason: "short" }],
    });
    assert.ok("problems" in bad);
    assert.strictEqual(bad.problems.length, 3, bad.problems.join("\n"));
    assert.match(bad.problems.join("\n"), /^profile: got "staging"; allowed: "dev" \| "prod"$/m);
    assert.match(bad.problems.join("\n"), /^waivers\[0\]\.rule: got "k8s-no-such-rule"; allowed: /m);
    assert.match(bad.problems.join("\n"), /^waivers\[0\]\.reason: .*10 characters/m);
  });
});

describe("npm run policy-config", () => {
  const run = (argv: string[], root?: string) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runPolicyConfig(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, root);
    return { code, stdout: out.join(""), stderr: err.join("") };
  };

  it("prints the stack's pack config: the same as the driver writes (eks-dev waives k8s-cpu-limit)", () => {
    const r = run(["--stack", "eks-dev"]);
    assert.strictEqual(r.code, EXIT.success, r.stderr);
    const printed = JSON.parse(r.stdout) as PackConfig;
    assert.deepStrictEqual(printed, configOf(exampleConfig("eks-dev")));
    assert.strictEqual(printed["k8s-cpu-limit"].enforcementLevel, "advisory");
    assert.strictEqual(printed["k8s-seccomp"].enforcementLevel, undefined);
    assert.deepStrictEqual(run(["-s", "eks-dev"]).stdout, r.stdout);
  });

  it("usage and invalid waivers are exit code 2 with the problem named; --help is 0", () => {
    assert.strictEqual(run(["--help"]).code, EXIT.success);
    assert.match(run(["--help"]).stdout, /^Usage: npm run --silent policy-config -- --stack NAME/);
    const none = run([]);
    assert.deepStrictEqual([none.code, /--stack is required/.test(none.stderr)], [EXIT.usage, true]);
    assert.strictEqual(run(["--stack", "nope"]).code, EXIT.usage);
    assert.match(run(["--stack", "nope"]).stderr, /no stack file for "nope"/);
    assert.strictEqual(run(["--stack", "dev", "--json"]).code, EXIT.usage);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-policy-config-"));
    try {
      fs.writeFileSync(
        path.join(dir, "Pulumi.x.yaml"),
        "config:\n  kube-platform:waivers:\n    - rule: k8s-image-pinned\n      reason: short\n",
      );
      const bad = run(["--stack", "x"], dir);
      assert.strictEqual(bad.code, EXIT.usage);
      assert.match(bad.stderr, /Pulumi\.x\.yaml is invalid:\n {2}- waivers\[0\]\.reason: /);
      assert.strictEqual(bad.stdout, "");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
