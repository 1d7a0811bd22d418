/**
 * `npm run bench`: measures the program and writes docs/benchmarks.md (see docs/benchmarks.md for
 * the method). Not part of `npm test`. Options:
 *   --runs N        runs per size of the evaluation benchmark (default 5)
 *   --runs-200 N    runs at 200 apps (default: --runs)
 *   --tsc-runs N    tsc runs (default 3)
 *   --apps 1,10     app counts (default 1,10,100,200)
 *   --out FILE      output (default docs/benchmarks.md)
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { runProgram } from "../offline/mocks";
import { EXAMPLE_STACKS, exampleConfig } from "../offline/stacks";
import {
  DEFAULT_HELM_SECONDS,
  DEFAULT_KUBERNETES_SECONDS,
  DEFAULT_SECONDS,
  DURATIONS,
  INGRESS_CONTROLLER_CHARTS,
  chartName,
  durationOf,
} from "./durations";
import {
  buildGraph,
  GraphInput,
  crossGroupEdges,
  groupsOf,
  longestPath,
  modeledAwaitEdges,
  pathCrossings,
  physicalLimit,
  platformClassifier,
} from "./graph";
import { renderReport } from "./render";
import { BenchReport, Machine, PathReport, ScalePoint, TscSample, parseChildOutput } from "./types";

const ROOT = path.resolve(__dirname, "..");

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

function machine(): Machine {
  let distro = "";
  try {
    distro = /PRETTY_NAME="?([^"\n]*)/.exec(fs.readFileSync("/etc/os-release", "utf8"))?.[1] ?? "";
  } catch {
    // not Linux
  }
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${distro ? `${distro}, ` : ""}${os.type()} ${os.release()} ${os.arch()}`,
    loadAvg: os.loadavg(),
  };
}

function child(mode: "program" | "floor", n: number) {
  const res = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(__dirname, "child.ts"), mode, String(n)],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 2 ** 20 },
  );
  if (res.status !== 0) throw new Error(`child ${mode} ${n} failed (${res.status}):\n${res.stderr}`);
  return parseChildOutput(res.stdout);
}

/** Program and floor runs, interleaved (rep by rep) so drift on a shared machine hits both alike. */
function measureScale(apps: number[], runs: (apps: number) => number): ScalePoint[] {
  const points: ScalePoint[] = apps.map((a) => ({ apps: a, resources: 0, program: [], floor: [] }));
  const reps = Math.max(...apps.map(runs));
  for (let rep = 0; rep < reps; rep++) {
    for (const p of points) {
      if (rep >= runs(p.apps)) continue;
      const prog = child("program", p.apps);
      if (p.resources && prog.resources !== p.resources)
        throw new Error("resource count changed between runs");
      p.resources = prog.resources;
      const floor = child("floor", p.resources);
      if (floor.resources !== p.resources) {
        throw new Error(`floor registered ${floor.resources} resources, expected ${p.resources}`);
      }
      p.program.push({ evalMs: prog.evalMs, maxRssKb: prog.maxRssKb });
      p.floor.push({ evalMs: floor.evalMs, maxRssKb: floor.maxRssKb });
      log(
        `run ${rep + 1}: ${p.apps} apps, ${p.resources} resources: program ${Math.round(prog.evalMs)} ms ` +
          `${Math.round(prog.maxRssKb / 1024)} MB, floor ${Math.round(floor.evalMs)} ms ${Math.round(floor.maxRssKb / 1024)} MB`,
      );
    }
  }
  return points;
}

async function criticalPaths(): Promise<PathReport[]> {
  const reports: PathReport[] = [];
  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    const config = exampleConfig(stack);
    const run = await runProgram(config, stack);
    const weight = (r: GraphInput) => durationOf(r).seconds;
    const awaits = modeledAwaitEdges(run.resources, INGRESS_CONTROLLER_CHARTS, chartName);
    const graph = buildGraph(run.resources, weight, awaits);
    const registered = buildGraph(run.resources, weight);
    const longest = longestPath(graph);
    reports.push({
      stack,
      target: String((config.cluster as Record<string, unknown>).target),
      resources: run.resources.length,
      edges: graph.edges.length,
      awaitEdges: graph.edges.filter((e) => e.kind === "await").length,
      longest,
      registeredOnly: longestPath(registered).seconds,
      limit: physicalLimit(graph),
      crossings: pathCrossings(graph, longest.path),
      allCrossings: crossGroupEdges(graph),
      groups: groupsOf(graph, platformClassifier),
    });
    log(`critical path ${stack}: ${longest.seconds} s over ${longest.path.length} resources`);
  }
  return reports;
}

/** Runs TypeScript's tsc.js in a child Node process that reports its own max RSS on exit. */
function tsc(runs: number): TscSample[] {
  const tscJs = require.resolve("typescript/lib/tsc.js", { paths: [ROOT] });
  const wrapper =
    'const fs=require("fs");process.on("exit",()=>fs.writeSync(2,"\\nBENCH_MAXRSS_KB="+process.resourceUsage().maxRSS+"\\n"));' +
    "require(process.argv[1]);";
  const samples: TscSample[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = spawnSync(process.execPath, ["-e", wrapper, tscJs, "--noEmit", "-p", "tsconfig.json"], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 2 ** 20,
    });
    const wallMs = performance.now() - t0;
    const rss = /BENCH_MAXRSS_KB=(\d+)/.exec(res.stderr ?? "");
    if (!rss) throw new Error(`tsc run reported no max RSS:\n${res.stderr}`);
    if (res.status !== 0) log(`tsc exited ${res.status} (measured anyway):\n${res.stdout.slice(0, 2000)}`);
    samples.push({ wallMs, maxRssKb: Number(rss[1]), exitCode: res.status ?? -1 });
    log(`tsc run ${i + 1}: ${Math.round(wallMs)} ms ${Math.round(Number(rss[1]) / 1024)} MB`);
  }
  return samples;
}

async function main(): Promise<void> {
  const start = performance.now();
  const runs = Number(option("runs", "5"));
  const runs200 = Number(option("runs-200", String(runs)));
  const tscRuns = Number(option("tsc-runs", "3"));
  const apps = option("apps", "1,10,100,200").split(",").map(Number);
  const out = path.resolve(ROOT, option("out", "docs/benchmarks.md"));
  const info = machine();
  log(`${info.cpu}, ${info.cores} cores, load ${info.loadAvg.map((l) => l.toFixed(2)).join("/")}`);

  const scale = measureScale(apps, (a) => (a >= 200 ? runs200 : runs));
  const paths = await criticalPaths();
  const tscSamples = tsc(tscRuns);

  const report: BenchReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    machine: info,
    totalMs: performance.now() - start,
    scale,
    paths,
    tsc: tscSamples,
    durations: DURATIONS,
    defaults: {
      seconds: DEFAULT_SECONDS,
      helm: DEFAULT_HELM_SECONDS,
      kubernetes: DEFAULT_KUBERNETES_SECONDS,
    },
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, renderReport(report));
  log(`wrote ${path.relative(ROOT, out)} in ${Math.round(report.totalMs / 1000)} s`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
