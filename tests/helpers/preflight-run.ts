/** Runs the preflight command line in-process and collects its exit code and output streams. */
import { main } from "../../preflight/cli";

export async function runPreflight(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(
    argv,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}
