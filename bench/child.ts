/**
 * One measurement in a fresh process (started by bench/run.ts):
 *   child.ts program <apps>      evaluates index.ts for the prod example scaled to <apps> apps;
 *   child.ts floor <resources>   registers <resources> plain Kubernetes objects (bench/floor.ts).
 * Both under the same mocks. The clock runs from just before the program (or the floor module) is
 * required until every registration is done; peak RSS is this process's maxRSS at that point.
 * Prints one line: BENCH_RESULT {"evalMs":…,"maxRssKb":…,"resources":…}.
 */
import { performance } from "perf_hooks";
import { runProgram, runResources, ProgramRun } from "../offline/mocks";
import { exampleConfig } from "../offline/stacks";
import { scaledConfig } from "./scale";
import { ChildResult, RESULT_PREFIX } from "./types";

async function measure(mode: string, n: number): Promise<ChildResult> {
  const config = scaledConfig(exampleConfig("prod"), mode === "program" ? n : 1);
  let run: ProgramRun;
  const t0 = performance.now();
  if (mode === "program") {
    run = await runProgram(config, "prod");
  } else if (mode === "floor") {
    const floor = await import("./floor");
    run = await runResources(() => floor.registerFloor(n), { stack: "prod", config });
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  const evalMs = performance.now() - t0;
  return { evalMs, maxRssKb: process.resourceUsage().maxRSS, resources: run.resources.length };
}

if (require.main === module) {
  const [mode, n] = process.argv.slice(2);
  measure(mode, Number(n)).then(
    (r) => process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(r)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
