/** The real process behind the command-line entry points (`npm run platform`, `npm run local`). */
import type { DriverIO } from "./driver";
import { EXIT } from "./exit-codes";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** This process's streams, environment and cancellation signals, as the driver takes them. */
export function processIO(): DriverIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    onSignal: (handler) => {
      const listeners = SIGNALS.map((signal) => {
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
  };
}

/**
 * Exits with the command's code once stdout is flushed (a JSON report may be large), or
 * EXIT.internal on a crash (a bug of this program, not a failed operation).
 */
export function exitWith(run: Promise<number>): void {
  run.then(
    // Exit explicitly: a forced stop leaves Pulumi processes that were told to cancel.
    (code) => process.stdout.write("", () => process.exit(code)),
    (error: unknown) => {
      process.stderr.write(
        `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(EXIT.internal);
    },
  );
}
