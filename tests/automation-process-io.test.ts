// The process adapter of the command-line entry points (automation/process-io.ts): the command's
// code once stdout is flushed, and EXIT.internal (not the "operation failed" code) on a crash.

import * as assert from "assert";
import { EXIT } from "../automation/exit-codes";
import { exitWith } from "../automation/process-io";

/** Runs `exitWith(run)` with process.exit and stderr captured; resolves with the code it exits with. */
async function exitCodeOf(run: Promise<number>): Promise<{ code: number | undefined; stderr: string }> {
  const exit = process.exit;
  const write = process.stderr.write;
  const stderr: string[] = [];
  try {
    return await new Promise((resolve) => {
      process.exit = ((code?: number) => resolve({ code, stderr: stderr.join("") })) as typeof process.exit;
      process.stderr.write = ((text: string) => {
        stderr.push(text);
        return true;
      }) as typeof process.stderr.write;
      exitWith(run);
    });
  } finally {
    process.exit = exit;
    process.stderr.write = write;
  }
}

describe("automation: the process adapter's exit codes", () => {
  it("exits with the command's own code", async () => {
    assert.deepStrictEqual(await exitCodeOf(Promise.resolve(EXIT.refused)), { code: 20, stderr: "" });
    assert.deepStrictEqual(await exitCodeOf(Promise.resolve(EXIT.success)), { code: 0, stderr: "" });
  });

  it("a crash exits EXIT.internal (255) with the error, not EXIT.failed", async () => {
    const r = await exitCodeOf(Promise.reject(new Error("boom")));
    assert.strictEqual(r.code, EXIT.internal);
    assert.strictEqual(r.code, 255);
    assert.match(r.stderr, /^error: Error: boom\n/);
    const thrown = await exitCodeOf(Promise.reject("not an Error"));
    assert.deepStrictEqual(thrown, { code: 255, stderr: "error: not an Error\n" });
  });
});
