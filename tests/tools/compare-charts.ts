/**
 * Maintainer check: is the repository's chart data (components/addons/chart-data) a verbatim copy of the
 * chart data in another directory with the same `<chart>/<version>/` layout? Used when a chart is
 * bumped (CONTRIBUTING.md, "Bumping a chart"):
 *
 *   npm run charts:compare -- <dir-with-chart-data>
 *
 * Exit codes: 0 identical, 1 differences (each one listed), 64 bad usage. `objects.json` is the
 * repository's own record of what each chart creates (tests/helpers/chart-objects.ts) and is never
 * compared.
 */
import * as fs from "fs";
import * as path from "path";
import { CHART_DATA } from "../helpers/chart-values";
import { OBJECTS_FILE } from "../helpers/chart-objects";

/** What differs between the repository's chart data and another copy (relative paths, sorted). */
export interface ChartDataDiff {
  /** Files only the repository has. */
  onlyInRepo: string[];
  /** Files only the other directory has. */
  onlyInOther: string[];
  /** Files both have, with different bytes. */
  differing: string[];
}

/** Every file below `root`, as sorted paths relative to it (with `/` separators). */
export function filesUnder(root: string, dir = root): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? filesUnder(root, path.join(dir, e.name))
        : [path.relative(root, path.join(dir, e.name)).split(path.sep).join("/")],
    )
    .sort();
}

/** Compares two chart-data trees file by file; `objects.json` is left out on both sides. */
export function compareChartData(repoDir: string, otherDir: string): ChartDataDiff {
  const compared = (root: string) => filesUnder(root).filter((f) => path.posix.basename(f) !== OBJECTS_FILE);
  const repo = compared(repoDir);
  const other = compared(otherDir);
  const inOther = new Set(other);
  const inRepo = new Set(repo);
  return {
    onlyInRepo: repo.filter((f) => !inOther.has(f)),
    onlyInOther: other.filter((f) => !inRepo.has(f)),
    differing: repo
      .filter((f) => inOther.has(f))
      .filter((f) => !fs.readFileSync(path.join(repoDir, f)).equals(fs.readFileSync(path.join(otherDir, f)))),
  };
}

/** Whether the two trees hold the same data. */
export function isIdentical(diff: ChartDataDiff): boolean {
  return diff.onlyInRepo.length + diff.onlyInOther.length + diff.differing.length === 0;
}

/** The report the command prints: one line per difference, or one line saying the copies match. */
export function formatDiff(diff: ChartDataDiff, repoDir: string, otherDir: string): string[] {
  if (isIdentical(diff)) return [`${repoDir} matches ${otherDir} (${OBJECTS_FILE} not compared)`];
  return [
    ...diff.onlyInRepo.map((f) => `only in ${repoDir}: ${f}`),
    ...diff.onlyInOther.map((f) => `only in ${otherDir}: ${f}`),
    ...diff.differing.map((f) => `differs: ${f}`),
  ];
}

export const USAGE = `Usage: npm run charts:compare -- <dir-with-chart-data> [--repo <dir>]
Compares the repository's chart data (default ${path.relative(process.cwd(), CHART_DATA) || CHART_DATA})
with <dir-with-chart-data>, laid out the same way: <chart>/<version>/{Chart.yaml,values.yaml,...}.
${OBJECTS_FILE} is not compared. Exit 0: identical; 1: differences; 64: bad usage.`;

/** Where the command writes: results to `out`, usage errors to `err`. */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const PROCESS_IO: Io = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** Runs the command on `argv` (without node and script); returns the exit code. */
export function main(argv: string[], io: Io = PROCESS_IO): number {
  const { out } = io;
  let repoDir = CHART_DATA;
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      out(USAGE);
      return 0;
    }
    if (arg === "--repo") {
      const value = argv[++i];
      if (value === undefined) return usageError("--repo needs a directory", io);
      repoDir = path.resolve(value);
    } else if (arg.startsWith("-")) return usageError(`unknown option ${arg}`, io);
    else dirs.push(path.resolve(arg));
  }
  if (dirs.length !== 1) return usageError("give exactly one directory to compare with", io);
  const otherDir = dirs[0];
  for (const dir of [repoDir, otherDir])
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
      return usageError(`${dir} is not a directory`, io);
  const diff = compareChartData(repoDir, otherDir);
  formatDiff(diff, repoDir, otherDir).forEach((line) => out(line));
  return isIdentical(diff) ? 0 : 1;
}

function usageError(message: string, io: Io): number {
  io.err(`charts:compare: ${message}\n${USAGE}`);
  return 64;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
