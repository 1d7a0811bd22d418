/** The data the benchmark collects (bench/run.ts) and renders (bench/render.ts). */
import type { DurationEntry } from "./durations";
import type { Crossing, Group, PathResult, PhysicalLimit } from "./graph";

/** Prefix of the one result line a measurement child prints. */
export const RESULT_PREFIX = "BENCH_RESULT ";

/** What one measurement child reports. */
export interface ChildResult {
  evalMs: number;
  maxRssKb: number;
  resources: number;
}

/** The result line of a child's stdout; throws when there is none. */
export function parseChildOutput(stdout: string): ChildResult {
  const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
  if (!line) throw new Error(`no ${RESULT_PREFIX.trim()} line in child output:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult;
}

export interface Sample {
  evalMs: number;
  maxRssKb: number;
}

/** One size of the evaluation benchmark: the program and the floor with the same resource count. */
export interface ScalePoint {
  apps: number;
  resources: number;
  program: Sample[];
  floor: Sample[];
}

/** The modeled critical path of one example stack. */
export interface PathReport {
  stack: string;
  target: string;
  resources: number;
  edges: number;
  awaitEdges: number;
  longest: PathResult;
  /** Longest path with the registered edges only (no modeled await edges). */
  registeredOnly: number;
  limit: PhysicalLimit;
  /** Edges between add-ons/apps on the critical path. */
  crossings: Crossing[];
  /** Every edge between add-ons/apps in the graph. */
  allCrossings: Crossing[];
  groups: Map<string, Group | undefined>;
}

export interface TscSample {
  wallMs: number;
  maxRssKb: number;
  exitCode: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryBytes: number;
  node: string;
  os: string;
  /** 1/5/15-minute load averages when the benchmark started (the machine may be shared). */
  loadAvg: number[];
}

export interface BenchReport {
  date: string;
  machine: Machine;
  /** Wall time of the whole benchmark. */
  totalMs: number;
  scale: ScalePoint[];
  paths: PathReport[];
  tsc: TscSample[];
  durations: DurationEntry[];
  defaults: { seconds: number; helm: number; kubernetes: number };
}
