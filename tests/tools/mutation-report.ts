/**
 * Reads Stryker's JSON report (reports/mutation/mutation.json, written by `npm run mutation`) and
 * prints the score per module and the mutants that survived, for docs/mutation.md and for raising
 * the suite:
 *
 *   npm run mutation:report [-- --survivors] [-- --file <path>] [-- --report <json>]
 *
 * The score is Stryker's: (killed + timed out) / (killed + timed out + survived + no coverage);
 * ignored mutants (static, see docs/mutation.md) are counted apart.
 */
import * as fs from "fs";
import * as path from "path";

interface Position {
  line: number;
  column: number;
}

export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  location: { start: Position; end: Position };
  status: string;
  statusReason?: string;
}

export interface Report {
  files: Record<string, { source: string; mutants: ReportMutant[] }>;
}

export interface ModuleScore {
  file: string;
  killed: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  /** Percentage with two decimals, or undefined when nothing was tested. */
  score?: number;
}

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

/** The score of one module: detected / (detected + undetected), as Stryker counts it. */
export function scoreOf(file: string, mutants: ReportMutant[]): ModuleScore {
  const count = (pred: (m: ReportMutant) => boolean) => mutants.filter(pred).length;
  const killed = count((m) => DETECTED.has(m.status));
  const survived = count((m) => m.status === "Survived");
  const noCoverage = count((m) => m.status === "NoCoverage");
  const ignored = count((m) => !DETECTED.has(m.status) && !UNDETECTED.has(m.status));
  const valid = killed + survived + noCoverage;
  return {
    file,
    killed,
    survived,
    noCoverage,
    ignored,
    ...(valid > 0 && { score: Math.floor((killed / valid) * 10000) / 100 }),
  };
}

/** One line per module, lowest score first, and the total. */
export function scoreTable(report: Report): string {
  const rows = Object.entries(report.files)
    .map(([file, f]) => scoreOf(file, f.mutants))
    .sort((a, b) => (a.score ?? 101) - (b.score ?? 101) || a.file.localeCompare(b.file));
  const all = scoreOf(
    "total",
    Object.values(report.files).flatMap((f) => f.mutants),
  );
  const line = (s: ModuleScore) =>
    `| ${s.file} | ${s.score === undefined ? "n/a" : s.score.toFixed(2)} | ${s.killed} | ${s.survived} | ${s.noCoverage} | ${s.ignored} |`;
  return [
    "| module | score % | killed | survived | no coverage | ignored (static) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(line),
    line(all),
  ].join("\n");
}

/** The source text a mutant replaces (its location in `source`, lines and columns 1-based). */
export function originalOf(source: string, m: ReportMutant): string {
  const lines = source.split("\n");
  const { start, end } = m.location;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  const first = lines[start.line - 1].slice(start.column - 1);
  return `${first} …`;
}

/** `file:line:column Mutator: original → replacement` for every undetected mutant. */
export function survivors(report: Report, only?: string): string[] {
  const out: string[] = [];
  for (const [file, f] of Object.entries(report.files)) {
    if (only !== undefined && file !== only) continue;
    for (const m of f.mutants) {
      if (!UNDETECTED.has(m.status)) continue;
      const original = originalOf(f.source, m).replace(/\s+/g, " ").slice(0, 100);
      const replacement = (m.replacement ?? "").replace(/\s+/g, " ").slice(0, 100);
      out.push(
        `${file}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${original} → ${replacement}`,
      );
    }
  }
  return out;
}

function main(argv: string[]): number {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const file = arg("--report") ?? path.join("reports", "mutation", "mutation.json");
  if (!fs.existsSync(file)) {
    process.stderr.write(`${file}: no report; run npm run mutation first\n`);
    return 64;
  }
  const report = JSON.parse(fs.readFileSync(file, "utf8")) as Report;
  process.stdout.write(`${scoreTable(report)}\n`);
  if (argv.includes("--survivors") || arg("--file") !== undefined) {
    process.stdout.write(`\n${survivors(report, arg("--file")).join("\n")}\n`);
  }
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
