/**
 * The documentation stands alone: every relative Markdown link in the README, CONTRIBUTING.md,
 * CHANGELOG.md, docs/ and tests/fixtures/README.md points at a file of the repository (and, with an
 * anchor, at a heading of that file), and every repository path written in backticks
 * (`components/addons/versions.ts`, `stacks/`) exists. Fenced code blocks are examples and are not
 * checked; a path with a placeholder segment (`components/addons/chart-data/<chart>/<version>/`) is checked
 * up to the placeholder.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { EXIT } from "../automation/exit-codes";

const ROOT = path.resolve(__dirname, "..");

/** The top-level folders whose paths the docs name as repository paths. */
const SOURCE_ROOTS = [
  ".ci",
  "automation",
  "bench",
  "components",
  "docs",
  "examples",
  "offline",
  "policy",
  "preflight",
  "rules",
  "stacks",
  "tests",
];
/** Files at the repository root the docs may name without a folder. */
const ROOT_FILE = /^(index\.ts|package\.json|tsconfig\.json|Pulumi(\.[a-z0-9-]+)?\.yaml|[A-Z]+\.md)$/;

/** The Markdown files checked, relative to the repository root. */
export function docFiles(root = ROOT): string[] {
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(path.join(root, dir), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
      .filter((f) => f.endsWith(".md"));
  return [
    "README.md",
    "CONTRIBUTING.md",
    "CHANGELOG.md",
    path.join("tests", "fixtures", "README.md"),
    ...walk("docs"),
  ]
    .filter((f) => fs.existsSync(path.join(root, f)))
    .sort();
}

/** A line of a Markdown file outside fenced code blocks, with its 1-based number. */
interface ProseLine {
  line: number;
  text: string;
}

/** The lines outside fenced code blocks (``` or ~~~). */
export function proseLines(markdown: string): ProseLine[] {
  const out: ProseLine[] = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((text, i) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(text);
    if (m) {
      if (fence === undefined) fence = m[1][0];
      else if (m[1][0] === fence) fence = undefined;
      return;
    }
    if (fence === undefined) out.push({ line: i + 1, text });
  });
  return out;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to '-'. */
export function headingSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a Markdown file's ATX headings give (duplicates numbered as GitHub does). */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text } of proseLines(markdown)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!m) continue;
    const base = headingSlug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Inline code spans of a prose line (single or double backticks). */
function codeSpans(text: string): string[] {
  return [...text.matchAll(/(`+)(.+?)\1/g)].map((m) => m[2].trim());
}

/** The text of a prose line with its code spans removed (links inside code are not links). */
function withoutCode(text: string): string {
  return text.replace(/(`+)(.+?)\1/g, "");
}

/** Relative link targets of a prose line: `[text](target)`, without external URLs. */
export function relativeLinks(text: string): string[] {
  return [...withoutCode(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1])
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/**
 * The part of a code span to check as a repository path, or undefined when the span is no
 * repository path: one token, under a source folder (or a known root file), cut before the first
 * placeholder segment.
 */
export function repositoryPath(span: string): string | undefined {
  if (!/^[\w.@/<>*…{}-]+$/.test(span)) return undefined;
  const segments = span.split("/");
  if (segments.length === 1) return ROOT_FILE.test(span) ? span : undefined;
  if (!SOURCE_ROOTS.includes(segments[0])) return undefined;
  const concrete: string[] = [];
  for (const s of segments) {
    if (/[<>*…{}]/.test(s)) break;
    concrete.push(s);
  }
  return concrete.filter((s) => s !== "").join("/");
}

interface Finding {
  file: string;
  line: number;
  what: string;
}

/** Broken links and missing paths in the docs below `root`. */
export function docProblems(root = ROOT): { links: Finding[]; paths: Finding[]; outside: Finding[] } {
  const links: Finding[] = [];
  const paths: Finding[] = [];
  const outside: Finding[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    let a = anchorCache.get(file);
    if (!a) anchorCache.set(file, (a = anchorsOf(fs.readFileSync(file, "utf8"))));
    return a;
  };
  for (const rel of docFiles(root)) {
    const file = path.join(root, rel);
    for (const { line, text } of proseLines(fs.readFileSync(file, "utf8"))) {
      for (const target of relativeLinks(text)) {
        const [pathPart, anchor] = target.split("#", 2);
        const dest = pathPart === "" ? file : path.resolve(path.dirname(file), decodeURI(pathPart));
        if (path.relative(root, dest).startsWith("..")) outside.push({ file: rel, line, what: target });
        else if (!fs.existsSync(dest) || !fs.statSync(dest).isFile())
          links.push({ file: rel, line, what: `${target}: no such file` });
        else if (anchor !== undefined && dest.endsWith(".md") && !anchors(dest).has(anchor))
          links.push({ file: rel, line, what: `${target}: no heading with anchor #${anchor}` });
      }
      for (const span of codeSpans(text)) {
        if (pointsOutside(span)) outside.push({ file: rel, line, what: span });
        const p = repositoryPath(span);
        if (p !== undefined && !fs.existsSync(path.join(root, p)))
          paths.push({ file: rel, line, what: span === p ? p : `${p} (in ${span})` });
      }
    }
  }
  return { links, paths, outside };
}

/** Whether a code span names a file beside or above the checkout (`../shared/…`, `../../x`). */
export function pointsOutside(span: string): boolean {
  return /(^|[\s"'(=])\.\.\/[\w.-]/.test(span);
}

const show = (fs_: Finding[]) => fs_.map((f) => `${f.file}:${f.line}: ${f.what}`).join("\n");

describe("docs", () => {
  describe("the checker", () => {
    it("slugs headings as GitHub does", () => {
      assert.strictEqual(headingSlug("`cluster` — eks"), "cluster--eks");
      assert.strictEqual(
        headingSlug("Secret add-on values (`pulumi config set --secret --path addons…`)"),
        "secret-add-on-values-pulumi-config-set---secret---path-addons",
      );
      assert.strictEqual(
        headingSlug("The local stack (`Pulumi.dev.yaml`, target `existing` on kind)"),
        "the-local-stack-pulumidevyaml-target-existing-on-kind",
      );
      assert.deepStrictEqual(
        [...anchorsOf("# A\n## A\n```\n# not a heading\n```\n### B c")],
        ["a", "a-1", "b-c"],
      );
    });

    it("finds relative links outside code, and no URLs", () => {
      assert.deepStrictEqual(
        relativeLinks("see [a](docs/a.md#x), [b](https://x.y/z), [c](#top) and `[d](nope.md)`"),
        ["docs/a.md#x", "#top"],
      );
    });

    it("takes repository paths from code spans, up to a placeholder", () => {
      assert.strictEqual(repositoryPath("components/addons/versions.ts"), "components/addons/versions.ts");
      assert.strictEqual(repositoryPath("stacks/"), "stacks");
      assert.strictEqual(
        repositoryPath("components/addons/chart-data/<chart>/<version>/"),
        "components/addons/chart-data",
      );
      assert.strictEqual(repositoryPath("index.ts"), "index.ts");
      assert.strictEqual(repositoryPath("Pulumi.<stack>.yaml"), undefined);
      assert.strictEqual(repositoryPath("ingress/traefik"), undefined);
      assert.strictEqual(repositoryPath(".github/workflows/platform.yml"), undefined);
      assert.strictEqual(repositoryPath("npm run local"), undefined);
      assert.strictEqual(repositoryPath("cert-manager/kube-platform-root-ca"), undefined);
    });
  });

  it("flags paths that leave the repository", () => {
    assert.strictEqual(pointsOutside("../shared/reference.md"), true);
    assert.strictEqual(pointsOutside("cat ../../notes.md"), true);
    assert.strictEqual(pointsOutside("components/addons/vault/index.ts"), false);
    assert.strictEqual(pointsOutside('import { x } from "./net"'), false);
    assert.strictEqual(pointsOutside("a...b"), false);
  });

  it("nothing links or points outside the repository", () => {
    const { outside } = docProblems();
    assert.ok(outside.length === 0, `outside the repository:\n${show(outside)}`);
  });

  it("checks README, CONTRIBUTING, CHANGELOG and docs/", () => {
    const files = docFiles();
    for (const f of ["README.md", "CONTRIBUTING.md", "CHANGELOG.md", path.join("docs", "first-deploy.md")])
      assert.ok(files.includes(f), f);
  });

  it("every relative link points at a file of the repository (and an anchor at a heading)", () => {
    const { links } = docProblems();
    assert.ok(links.length === 0, `broken links:\n${show(links)}`);
  });

  it("every repository path written in backticks exists", () => {
    const { paths } = docProblems();
    assert.ok(paths.length === 0, `missing paths:\n${show(paths)}`);
  });
});

describe("docs: the exit codes", () => {
  const read = (f: string): string => fs.readFileSync(path.join(ROOT, f), "utf8");
  /** The Markdown files a user reads for the commands' behaviour: README.md and docs/. */
  const userDocs = (): string[] =>
    docFiles().filter((f) => f === "README.md" || f.startsWith(`docs${path.sep}`));

  it("docs/pipelines.md's table lists every code of automation/exit-codes.ts with its name, and no other", () => {
    const text = read(path.join("docs", "pipelines.md"));
    const start = text.indexOf("\n## Exit codes\n");
    assert.ok(start >= 0, "an Exit codes section");
    const section = text.slice(start + 1, text.indexOf("\n## ", start + 1));
    const rows = section
      .split("\n")
      .map((l) => /^\| (\d+) +\| `(\w+)` +\|/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [Number(m[1]), m[2]]);
    const expected = Object.entries(EXIT)
      .map(([name, code]) => [code, name])
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    assert.deepStrictEqual(rows, expected);
  });

  it("every exit code the docs name is one of the table's; the old 64 (usage) and 130 (cancelled) are gone", () => {
    const codes = new Set<number>(Object.values(EXIT));
    const wrong: string[] = [];
    for (const f of userDocs()) {
      read(f)
        .split("\n")
        .forEach((line, i) => {
          for (const m of line.matchAll(/\bexit(?:s|ed)?(?: with)?(?: code)? (\d+)\b/gi)) {
            if (!codes.has(Number(m[1]))) wrong.push(`${f}:${i + 1}: ${m[0]}`);
          }
          if (/(?<![\w./-])(64|130)(?![\w./-])/.test(line) && /exit|code|usage|cancel/i.test(line)) {
            wrong.push(`${f}:${i + 1}: an old exit code: ${line.trim()}`);
          }
        });
    }
    assert.deepStrictEqual(wrong, []);
    // The checks find what they look for.
    assert.ok(/\bexit(?:s|ed)?(?: with)?(?: code)? (\d+)\b/i.test("a bad flag exits 64"));
    assert.ok(/(?<![\w./-])(64|130)(?![\w./-])/.test("a cancellation 130 (now 8)"));
    assert.ok(!/(?<![\w./-])(64|130)(?![\w./-])/.test("base64 -w0, arm64, v1.30.4"));
  });

  it("docs/ci-examples.md: a refusal by the gate is exit code 20 wherever a code is named", () => {
    const refusals = read(path.join("docs", "ci-examples.md"))
      .split("\n")
      .filter((l) => /refus/i.test(l))
      .flatMap((l) => [...l.matchAll(/\bexit(?: code)? (\d+)\b/gi)].map((m) => Number(m[1])));
    assert.ok(refusals.length >= 3, `refusals with a code: ${refusals.join(", ")}`);
    assert.deepStrictEqual([...new Set(refusals)], [EXIT.refused]);
  });
});
