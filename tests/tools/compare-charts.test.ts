/** The maintainer's chart-data comparison (npm run charts:compare), on temporary directories. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compareChartData, filesUnder, formatDiff, isIdentical, main } from "./compare-charts";

/** Writes `files` (relative path → content) below a new temporary directory and returns it. */
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "kp-charts-"));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}

const DATA = {
  "README.md": "# charts\n",
  "vault/0.34.1/Chart.yaml": "name: vault\n",
  "vault/0.34.1/values.yaml": "server: {}\n",
  "kube-prometheus-stack/88.5.3/charts/grafana/values.yaml": "admin: {}\n",
};

describe("charts:compare (tests/tools/compare-charts.ts)", () => {
  const made: string[] = [];
  const mk = (files: Record<string, string>) => {
    const dir = tree(files);
    made.push(dir);
    return dir;
  };
  after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("lists files recursively, sorted, with / separators", () => {
    assert.deepStrictEqual(filesUnder(mk(DATA)), [
      "README.md",
      "kube-prometheus-stack/88.5.3/charts/grafana/values.yaml",
      "vault/0.34.1/Chart.yaml",
      "vault/0.34.1/values.yaml",
    ]);
  });

  it("finds identical copies identical, whatever objects.json holds on either side", () => {
    const repo = mk({ ...DATA, "vault/0.34.1/objects.json": "{}" });
    const other = mk({ ...DATA, "vault/0.34.1/objects.json": '{"other": true}', "x/1/objects.json": "{}" });
    const diff = compareChartData(repo, other);
    assert.ok(isIdentical(diff), JSON.stringify(diff));
    assert.deepStrictEqual(formatDiff(diff, "repo", "other"), [
      "repo matches other (objects.json not compared)",
    ]);
  });

  it("reports files only in the repository, only in the other copy, and differing bytes", () => {
    const repo = mk({ ...DATA, "vault/0.34.1/values.schema.json": "{}" });
    const other = mk({
      ...DATA,
      "vault/0.34.1/values.yaml": "server: { ha: {} }\n",
      "traefik/41.3.0/values.yaml": "ports: {}\n",
    });
    const diff = compareChartData(repo, other);
    assert.deepStrictEqual(diff, {
      onlyInRepo: ["vault/0.34.1/values.schema.json"],
      onlyInOther: ["traefik/41.3.0/values.yaml"],
      differing: ["vault/0.34.1/values.yaml"],
    });
    assert.ok(!isIdentical(diff));
    assert.deepStrictEqual(formatDiff(diff, "repo", "other"), [
      "only in repo: vault/0.34.1/values.schema.json",
      "only in other: traefik/41.3.0/values.yaml",
      "differs: vault/0.34.1/values.yaml",
    ]);
  });

  it("exits 0 when identical, 1 on differences, 64 on bad usage", () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => errors.push(l) };
    const repo = mk(DATA);
    assert.strictEqual(main([mk(DATA), "--repo", repo], io), 0);
    assert.strictEqual(lines.length, 1);
    assert.strictEqual(main([mk({ ...DATA, "README.md": "changed\n" }), "--repo", repo], io), 1);
    assert.match(lines[lines.length - 1], /^differs: README\.md$/);
    assert.strictEqual(errors.length, 0);
    assert.strictEqual(main([], io), 64);
    assert.strictEqual(main([repo, repo], io), 64);
    assert.strictEqual(main(["--bogus", repo], io), 64);
    assert.strictEqual(main([path.join(repo, "missing")], io), 64);
    assert.strictEqual(main([repo, "--repo"], io), 64);
    assert.strictEqual(errors.length, 5);
    assert.ok(errors.every((e) => e.startsWith("charts:compare: ") && e.includes("Usage:")));
  });
});
