/** The offline preflight: plan, rules, exit codes, for every example stack and for bad ones. */
import * as assert from "assert";
import * as path from "path";
import { EXIT } from "../automation/exit-codes";
import { UsageError, parseArgs } from "../preflight/cli";
import { exampleArgs, runPreflight, writeStackFile } from "./helpers/preflight-run";
import { EXAMPLE_STACKS, ROOT, loadStackConfig } from "../offline/stacks";

/** Writes a stack file with `config` (keys without the project prefix) and returns its path. */
const stackFile = writeStackFile;

const preflight = runPreflight;

describe("preflight", function () {
  this.timeout(120_000);

  it("parses its arguments and finds the stack file", () => {
    assert.deepStrictEqual(parseArgs(["--stack", "prod"]), {
      stack: "prod",
      file: path.join(ROOT, "Pulumi.prod.yaml"),
      json: false,
    });
    assert.strictEqual(
      parseArgs(["--stack=gke", "--json"]).file,
      path.join(ROOT, "examples/Pulumi.gke.yaml"),
    );
    assert.throws(
      () => parseArgs([]),
      (e: Error) => e instanceof UsageError && /--stack is required/.test(e.message),
    );
    assert.throws(() => parseArgs(["--stack", "nope"]), /no stack file for "nope"/);
    assert.throws(() => parseArgs(["--stack", "prod", "--frobnicate"]), /unknown argument --frobnicate/);
    // -s as the pipeline driver's (automation/args.ts): `-s NAME`, never `-s=NAME`.
    assert.deepStrictEqual(parseArgs(["-s", "gke"]), {
      stack: "gke",
      file: path.join(ROOT, "examples/Pulumi.gke.yaml"),
      json: false,
    });
    assert.throws(() => parseArgs(["-s=gke"]), /unknown argument -s=gke/);
    assert.throws(() => parseArgs(["-s"]), /-s needs a value/);
    assert.throws(() => parseArgs(["-s", "--json"]), /-s needs a value/);
    assert.throws(
      () => parseArgs(["-s", "prod", "--file", "/nonexistent/Pulumi.prod.yaml"]),
      (e: Error) =>
        e instanceof UsageError && e.message === "--file /nonexistent/Pulumi.prod.yaml: no such file",
    );
    assert.strictEqual(
      parseArgs(["-s", "x", `--file=${path.join(ROOT, "Pulumi.dev.yaml")}`]).file,
      path.join(ROOT, "Pulumi.dev.yaml"),
    );
  });

  it("exits EXIT.usage (2) with the usage on bad arguments", async () => {
    const r = await preflight(["--stak", "prod"]);
    assert.strictEqual(r.code, EXIT.usage);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /unknown argument --stak/);
    assert.match(r.err, /usage: npm run preflight/);
  });

  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    it(`passes on the example stack ${stack} with zero mandatory violations, printing the plan`, async () => {
      const r = await preflight(exampleArgs(stack));
      assert.strictEqual(r.code, 0, r.out + r.err);
      // eks-dev ships a documentation range as the deployer's network: advised (and warned), not
      // refused; in the prod examples the user lists a real one first (fillInExample).
      const advisory = stack === "eks-dev" ? 1 : 0;
      for (const section of [
        "Resources by component:",
        "Helm releases:",
        "Apps:",
        `Violations: 0 mandatory, ${advisory} advisory`,
      ]) {
        assert.ok(r.out.includes(section), section);
      }
      if (advisory > 0)
        assert.match(r.out, /ADVISORY deploy-no-placeholders .*a documentation range \(RFC 5737\)/);
      assert.match(r.out, /kube-prometheus-stack 88\.5\.3/);
      assert.match(r.out, /hello\/hello: ghcr\.io\/stefanprodan\/podinfo:6\.9\.1/);
      assert.match(r.out, /Preflight passed\./);
    });
  }

  it("refuses the shipped prod and cloud example files as they are: one problem per value the user must set first (the API network, a key holder's key, a secret)", async () => {
    const how = "export it with `gpg --export <key id> | base64 -w0`";
    const keys = [0, 1, 2].map(
      (i) =>
        `addons.vault.init.keyHolders[${i}].pgpKey: got "REPLACE-with-gpg-export-base64"; is the example's placeholder: put the key holder's public key here; ${how}`,
    );
    const secret = (path: string, name: string, what: string) =>
      `${path}: got "${name}"; names the secret "${name}", which is not set; set it with \`pulumi config set --secret --path secrets.${name} ${what}\``;
    const network = (key: string) =>
      `cluster.${key}: got "203.0.113.0/24"; is inside TEST-NET-3 (203.0.113.0/24), a documentation range (RFC 5737): ` +
      "no machine has these addresses; list the public egress CIDRs of your office, VPN and the machine that runs " +
      "`pulumi up` (this machine's: `curl -s https://checkip.amazonaws.com`, as a /32)";
    const expected: Record<string, string[]> = {
      prod: [
        network("publicAccessCidrs[0]"),
        ...keys,
        secret("apps[1].vault.secrets[0].initial.message", "helloVaultGreeting", "<value>"),
      ],
      gke: [network("masterAuthorizedNetworks[0].cidr"), ...keys],
      aks: [network("authorizedIpRanges[0]"), ...keys],
      doks: [
        network("apiAllowedAddresses[0]"),
        secret("addons.dns.tokenSecret", "dnsToken", "<token>"),
        ...keys,
      ],
    };
    for (const [stack, problems] of Object.entries(expected)) {
      const r = await preflight(["--stack", stack]);
      assert.strictEqual(r.code, EXIT.usage, `${stack}: ${r.out}`);
      const listed = r.err
        .split("\n")
        .filter((l) => l.startsWith("  - "))
        .map((l) => l.slice(4));
      assert.deepStrictEqual(listed.sort(), [...problems].sort(), stack);
    }
    // The dev stacks deploy unchanged (dev: its ciphertext is the local stack's, tests/vault-wiring-stacks.test.ts).
    for (const stack of ["dev", "eks-dev"])
      assert.strictEqual((await preflight(["--stack", stack])).code, 0, stack);
  });

  it("prints the eks-dev stack's documented waivers and what they waive", async () => {
    const r = await preflight(exampleArgs("eks-dev"));
    assert.match(r.out, /Waivers \(from the stack config\):\n {2}k8s-cpu-limit: .+\(1 finding waived\)/);
  });

  it("tells what the adopted cluster of the local stack must provide", async () => {
    const r = await preflight(["--stack", "dev"]);
    assert.match(r.out, /The adopted cluster must provide:\n/);
    assert.match(r.out, /no LoadBalancer needed \(cluster\.loadBalancer: none\)/);
    assert.match(r.out, /a StorageClass "standard" \(cluster\.defaultStorageClass\)/);
    assert.match(r.out, /metrics-server with --kubelet-insecure-tls/);
    const managed = await preflight(exampleArgs("prod"));
    assert.ok(
      !managed.out.includes("The adopted cluster must provide"),
      "nothing to provide on a managed target",
    );
  });

  it("asks for a LoadBalancer implementation when the adopted cluster says it has one", async () => {
    const dev = loadStackConfig("dev");
    const file = stackFile("lb", {
      ...dev,
      cluster: { ...(dev.cluster as object), loadBalancer: "available" },
    });
    const r = await preflight(["--stack", "lb", "--file", file]);
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /a LoadBalancer implementation \(cloud controller, MetalLB, cloud-provider-kind\)/);
  });

  it("exits EXIT.policy (5) on a deployability rule: a LoadBalancer Service on a cluster without one", async () => {
    const dev = loadStackConfig("dev");
    const file = stackFile("lb-override", {
      ...dev,
      cluster: { ...(dev.cluster as object) },
      // Valid config a mandatory rule refuses: a chart's Service made a LoadBalancer.
      addons: { vault: { values: { ui: { enabled: true, serviceType: "LoadBalancer" } } } },
    });
    const r = await preflight(["--stack", "lb-override", "--file", file]);
    assert.strictEqual(r.code, EXIT.policy, r.out + r.err);
    assert.strictEqual(r.code, 5);
    assert.match(
      r.out,
      /MANDATORY deploy-loadbalancer-available kubernetes:helm\.sh\/v3:Release kp-addons-vault-release: creates a LoadBalancer Service \(addons\.vault\.values\.ui\.serviceType: LoadBalancer\) .*cluster\.loadBalancer: none/,
    );
  });

  it("exits EXIT.usage (2) when the chart's ingress Service is turned back on (the platform owns it)", async () => {
    const dev = loadStackConfig("dev");
    const file = stackFile("chart-service", {
      ...dev,
      addons: { ingress: { values: { service: { enabled: true, spec: { type: "LoadBalancer" } } } } },
    });
    const r = await preflight(["--stack", "chart-service", "--file", file]);
    assert.strictEqual(r.code, EXIT.usage, r.out + r.err);
    assert.match(
      r.err,
      /addons\.ingress\.values\.service: got \{"enabled":true,"spec":\{"type":"LoadBalancer"\}\}; is the traefik chart's Service, which the platform turns off/,
    );
  });

  it("exits EXIT.policy on a deployability rule on GKE: the Vault injector moved to a port the control plane cannot reach", async () => {
    const gke = loadStackConfig("gke");
    const file = stackFile("gke-8080", {
      ...gke,
      addons: {
        ...(gke.addons as object),
        vault: { ...(gke.addons as { vault: object }).vault, values: { injector: { port: 8080 } } },
      },
    });
    const r = await preflight(["--stack", "gke-8080", "--file", file]);
    assert.strictEqual(r.code, EXIT.policy, r.out + r.err);
    assert.match(
      r.out,
      /MANDATORY deploy-webhooks-reachable .*the Vault agent injector webhook serves on tcp 8080/,
    );
  });

  it("exits EXIT.usage naming the key and the fix for a private EKS endpoint without a deployer network", async () => {
    const prod = loadStackConfig("prod");
    const { publicAccessCidrs: _cidrs, ...rest } = prod.cluster as Record<string, unknown>;
    const cluster = { ...rest, endpointPublicAccess: false };
    const r = await preflight(["--stack", "private", "--file", stackFile("private", { ...prod, cluster })]);
    assert.strictEqual(r.code, EXIT.usage, r.out + r.err);
    assert.match(r.err, /cluster\.deployerNetwork: is required when endpointPublicAccess is false/);
    assert.match(r.err, /set endpointPublicAccess: true with publicAccessCidrs/);
  });

  it("exits EXIT.usage naming the key for a GKE stack without an authorized network", async () => {
    const gke = loadStackConfig("gke");
    const cluster = { ...(gke.cluster as Record<string, unknown>), masterAuthorizedNetworks: [] };
    const r = await preflight(["--stack", "gke-open", "--file", stackFile("gke-open", { ...gke, cluster })]);
    assert.strictEqual(r.code, EXIT.usage, r.out + r.err);
    assert.match(
      r.err,
      /cluster\.masterAuthorizedNetworks: got \[\]; must list at least one network allowed to reach the API server/,
    );
  });

  it("gives pipelines JSON", async () => {
    const r = await preflight([...exampleArgs("prod"), "--json"]);
    const report = JSON.parse(r.out) as {
      exitCode: number;
      environments: string[];
      warnings: string[];
      plan: { releases: unknown[]; violations: unknown[] };
    };
    assert.strictEqual(report.exitCode, EXIT.success);
    assert.deepStrictEqual([report.environments, report.warnings], [[], []]);
    // ingress, cert-manager, Vault, monitoring, metrics-server, cluster-autoscaler, external-dns, and
    // the EKS target's AWS Load Balancer Controller.
    assert.strictEqual(report.plan.releases.length, 8);
    assert.deepStrictEqual(
      (report.plan.violations as { ruleId: string; severity: string }[]).map((v) => [v.ruleId, v.severity]),
      [],
    );
  });

  it("exits EXIT.usage and lists every problem on an invalid config, before evaluating anything", async () => {
    const file = stackFile("broken", {
      profile: "prod",
      cluster: { target: "eks", region: "mars-1" },
      extra: 1,
    });
    const r = await preflight(["--stack", "broken", "--file", file]);
    assert.strictEqual(r.code, EXIT.usage);
    assert.match(r.err, /invalid configuration/);
    assert.match(r.err, /cluster\.region: got "mars-1"/);
    assert.match(r.err, /extra: unknown key/);
  });

  it("exits EXIT.policy on a mandatory violation and names the rule and resource", async () => {
    const aks = loadStackConfig("aks");
    const file = stackFile("aks-free", { ...aks, cluster: { ...(aks.cluster as object), skuTier: "Free" } });
    const r = await preflight(["--stack", "aks-free", "--file", file]);
    assert.strictEqual(r.code, EXIT.policy, r.out);
    assert.match(
      r.out,
      /MANDATORY aks-paid-tier \[CKV_AZURE_170\] azure-native:containerservice:ManagedCluster/,
    );
    assert.match(r.out, /Preflight FAILED/);
  });

  it("evaluates encrypted values as placeholders that stay secret", async () => {
    const dev = loadStackConfig("dev");
    const [hello] = dev.apps as Record<string, unknown>[];
    const file = stackFile("with-secret", {
      ...dev,
      secrets: { helloToken: { secure: "v1:AAAAencrypted" } },
      apps: [{ ...hello, secretEnv: { TOKEN: "helloToken" } }],
    });
    const r = await preflight(["--stack", "with-secret", "--file", file, "--json"]);
    assert.strictEqual(r.code, 0, r.out);
    assert.ok(!r.out.includes("offline-secret-placeholder"), "the placeholder never reaches the report");
  });
});
