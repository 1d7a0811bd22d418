// The fake `pulumi` (tests/fixtures/fake-pulumi) as the real CLI: --policy-pack-config levels,
// `config set-all --path` typing, `stack export`, and the exit codes of a missing stack or login.
// Each expectation is the real CLI's (pulumi/pulumi sources named in tests/fixtures/fake-pulumi/lib/*.js).

import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FAKE, fake, kinds } from "./helpers/fake-pulumi";

const CLUSTER = { op: "create", type: "aws:eks/cluster:Cluster", name: "kp" };
const UP = ["up", "--yes", "--skip-preview", "--stack", "dev"];
const stacks = (spec: object) => ({ stacks: { dev: { exists: true, ...spec } } });

describe("the fake pulumi: policy pack config, config typing, export and setup exit codes", function () {
  this.timeout(30000);

  it('--policy-pack-config: per-policy and "all" levels as Pulumi applies them; an invalid level fails', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-fake-packcfg-"));
    try {
      const cfg = (o: object): string => {
        const f = path.join(dir, `${Object.keys(o).join("-")}.json`);
        fs.writeFileSync(f, JSON.stringify(o));
        return f;
      };
      const policy = [{ policy: "eks-endpoint-access", level: "mandatory", message: "public", step: "kp" }];
      const spec = stacks({ steps: { up: [CLUSTER] }, policy });
      const run = (file: string) =>
        fake(spec, [...UP, "--policy-pack", "policy", "--policy-pack-config", file]);
      const advisory = await run(
        cfg({ "eks-endpoint-access": { enforcementLevel: "advisory", profile: "dev" } }),
      );
      assert.deepStrictEqual(
        [advisory.code, kinds(advisory.events).filter((k) => k.startsWith("policy:"))],
        [0, ["policy:advisory:eks-endpoint-access"]],
      );
      const disabled = await run(cfg({ all: "disabled" }));
      assert.deepStrictEqual(
        [disabled.code, kinds(disabled.events).filter((k) => k.startsWith("policy:"))],
        [0, []],
      );
      const back = await run(cfg({ all: "disabled", "eks-endpoint-access": "mandatory" }));
      assert.strictEqual(back.code, 1);
      const invalid = await run(cfg({ "eks-endpoint-access": "fatal" }));
      assert.deepStrictEqual(
        [invalid.code, invalid.stderr],
        [
          1,
          'error: parsing enforcement level for "eks-endpoint-access": "fatal" is not a valid enforcement level\n',
        ],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("config set-all --path: only integers become numbers (and true/false booleans); export prints the deployment", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-fake-config-"));
    try {
      const scenario = path.join(dir, "scenario.json");
      const deployment = {
        version: 3,
        deployment: {
          manifest: { time: "2026-01-01T00:00:00Z", magic: "m", version: "v3.259.0" },
          resources: [
            {
              urn: "urn:pulumi:dev::kube-platform::aws:ec2/vpc:Vpc::vpc",
              type: "aws:ec2/vpc:Vpc",
              custom: true,
              id: "vpc-1",
              retainOnDelete: true,
            },
          ],
        },
      };
      fs.writeFileSync(scenario, JSON.stringify(stacks({ deployment })));
      const env = { ...process.env, FAKE_PULUMI_SCENARIO: scenario, FAKE_PULUMI_STATE: dir };
      const run = (args: string[]) =>
        new Promise<string>((resolve) => {
          const c = spawn(process.execPath, [FAKE, ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
          let out = "";
          c.stdout.on("data", (d: Buffer) => (out += d.toString()));
          c.on("close", () => resolve(out));
        });
      await run([
        "config",
        "set-all",
        "--stack",
        "dev",
        "--path",
        "--plaintext",
        "cluster.protect=true",
        "--plaintext",
        "cluster.nodes=3",
        "--plaintext",
        "cluster.ratio=1.5",
        "--plaintext",
        "cluster.zone=0123",
        "--secret",
        "cluster.token=42",
        "--plaintext",
        "profile=7",
      ]);
      const config = JSON.parse(
        await run(["config", "--json", "--show-secrets", "--stack", "dev"]),
      ) as Record<string, unknown>;
      const cluster = { protect: true, nodes: 3, ratio: "1.5", zone: "0123", token: "42" };
      assert.deepStrictEqual(config, {
        "kube-platform:cluster": { value: JSON.stringify(cluster), objectValue: cluster, secret: true },
        "kube-platform:profile": { value: "7", secret: false },
      });
      assert.deepStrictEqual(
        JSON.parse(await run(["stack", "export", "--show-secrets", "--stack", "dev"])),
        deployment,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stack not found exits 6, not logged in 3 (and 255 for both before 3.226)", async () => {
    const missing = await fake({ stacks: { dev: { exists: false } } }, ["stack", "select", "--stack", "dev"]);
    assert.deepStrictEqual([missing.code, missing.stderr], [6, "error: no stack named 'dev' found\n"]);
    const whoami = {
      error: "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions",
    };
    const login = await fake({ whoami, stacks: {} }, ["whoami", "--json"]);
    assert.strictEqual(login.code, 3);
    const old = await fake({ version: "v3.220.0", whoami, stacks: {} }, ["whoami", "--json"]);
    assert.strictEqual(old.code, 255);
  });
});
