// Entry point: `npm run platform -- <command> --stack NAME ...` (see --help and the README).

import { runDriver } from "./driver";

function main(): void {
  const signals = ["SIGINT", "SIGTERM"] as const;
  runDriver(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    onSignal: (handler) => {
      const listeners = signals.map((signal) => {
        // Ctrl-C in a terminal interrupts the whole foreground process group, Pulumi included; a
        // second interrupt from the driver would make Pulumi stop without cleaning up.
        const listener = (): void => handler(signal, signal === "SIGINT" && process.stdin.isTTY === true);
        process.on(signal, listener);
        return [signal, listener] as const;
      });
      return () => {
        for (const [signal, listener] of listeners) process.off(signal, listener);
      };
    },
  }).then(
    (code) => {
      // Flush stdout (the JSON report may be large) before exiting; exit explicitly because a
      // forced stop leaves Pulumi processes that were told to cancel.
      process.stdout.write("", () => process.exit(code));
    },
    (error: unknown) => {
      process.stderr.write(
        `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}

main();
