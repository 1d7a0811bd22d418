/** docs/security-rules.md is what the rule table generates, and the table carries what the page needs. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { EXIT } from "../automation/exit-codes";
import { ALL_RULES, Rule } from "../rules";
import { DOCS_RULES_COMMAND, SECURITY_RULES_DOC, cloudsOf, securityRulesMarkdown } from "../rules/docs";

const ROOT = path.resolve(__dirname, "..");

/** The first line where two texts differ (1-based), with both versions of it. */
function firstDifference(committed: string, generated: string): string {
  const a = committed.split("\n");
  const b = generated.split("\n");
  const line = a.findIndex((l, i) => l !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at])}, generated ${JSON.stringify(b[at])}`;
}

describe("docs/security-rules.md", () => {
  const generated = securityRulesMarkdown(ALL_RULES);

  it("is the text the rule table generates", () => {
    const file = path.join(ROOT, SECURITY_RULES_DOC);
    assert.ok(fs.existsSync(file), `${SECURITY_RULES_DOC} is missing: run ${DOCS_RULES_COMMAND}`);
    const committed = fs.readFileSync(file, "utf8");
    assert.ok(
      committed === generated,
      `${SECURITY_RULES_DOC} differs from the rule table (${firstDifference(committed, generated)}): ` +
        `run ${DOCS_RULES_COMMAND} and commit the result`,
    );
  });

  it("lists every rule once, with its severity, what it checks and its scanner ids", () => {
    for (const rule of ALL_RULES) {
      const heading = new RegExp(`^#+ \`${rule.id}\`$`, "gm");
      assert.strictEqual(generated.match(heading)?.length, 1, `${rule.id} has one section`);
      const section = generated.slice(generated.search(heading)).split(/\n#+ /)[0];
      assert.ok(section.includes(`- Severity: ${rule.severity}`), `${rule.id}: severity`);
      assert.ok(section.includes(`- Checks: ${rule.description}`), `${rule.id}: description`);
      for (const id of rule.scannerIds) assert.ok(section.includes(`\`${id}\``), `${rule.id}: names ${id}`);
      for (const t of rule.resourceTypes ?? [])
        assert.ok(section.includes(`\`${t}\``), `${rule.id}: names ${t}`);
      if (rule.profiles) assert.ok(section.includes(rule.profiles.join(" and ")), `${rule.id}: profiles`);
    }
  });

  it("draws on a rule table where every rule states its area and the resource types it reads", () => {
    for (const rule of ALL_RULES) {
      assert.ok(rule.area, `${rule.id} has no area`);
      assert.ok((rule.resourceTypes ?? []).length > 0, `${rule.id} names no resource type`);
    }
  });

  it("groups the cloud rules by the clouds of the resources they read", () => {
    const clouds = (id: string) => cloudsOf(ALL_RULES.find((r) => r.id === id) as Rule);
    assert.deepStrictEqual(clouds("eks-endpoint-access"), ["EKS"]);
    assert.deepStrictEqual(clouds("gke-private-nodes"), ["GKE"]);
    assert.deepStrictEqual(clouds("aks-rbac"), ["AKS"]);
    assert.deepStrictEqual(clouds("doks-ha-control-plane"), ["DOKS"]);
    assert.deepStrictEqual(clouds("node-pool-autoscaling"), ["EKS", "GKE", "AKS", "DOKS"]);
    assert.deepStrictEqual(clouds("deploy-gcp-labels"), ["GKE"]);
    assert.deepStrictEqual(clouds("k8s-run-as-non-root"), []);
    for (const rule of ALL_RULES.filter((r) => /^(eks|gke|aks|doks)-/.test(r.id))) {
      const prefix = rule.id.split("-")[0].toUpperCase();
      assert.deepStrictEqual(cloudsOf(rule), [prefix], `${rule.id} reads ${prefix} resources only`);
    }
  });

  it("gives the preflight's exit codes as automation/exit-codes.ts has them", () => {
    assert.ok(
      generated.includes(
        "A mandatory violation fails it (exit code 5, Pulumi's\n  code for a policy violation; an invalid stack config: 2)",
      ),
      generated.slice(0, 800),
    );
    assert.deepStrictEqual([EXIT.policy, EXIT.usage], [5, 2]);
  });

  it("stands alone: no link or path outside the repository", () => {
    assert.ok(!/\.\.\//.test(generated), "no ../ path");
    for (const [, target] of generated.matchAll(/\]\(([^)]+)\)/g)) {
      assert.ok(target.startsWith("#"), `link ${target} stays on the page`);
    }
  });
});
