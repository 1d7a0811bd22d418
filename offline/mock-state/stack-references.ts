import { MockTables } from "./types";

/**
 * What a mocked StackReference read returns, per referenced stack name: the outputs a test gives
 * with `setStackOutputs` (kept until `clearStackOutputs`); none by default, as on a first deploy.
 * The SDK reads a StackReference (`pulumi:pulumi:StackReference`, a resource read whose id is the
 * stack name); the engine's builtin provider answers with `name`, `outputs` and
 * `secretOutputNames` (pulumi pkg/resource/deploy/builtins.go readStackReference).
 */
const outputsByStack = new Map<string, Record<string, unknown>>();

/** Serves `outputs` as the last deployed outputs of the stack referenced as `stack`. */
export function setStackOutputs(stack: string, outputs: Record<string, unknown>): void {
  outputsByStack.set(stack, outputs);
}

/** Forgets every served output: each stack reads as never deployed again. */
export function clearStackOutputs(): void {
  outputsByStack.clear();
}

export const stackReferences: MockTables = {
  resources: {
    "pulumi:pulumi:StackReference": (_name, inputs) => ({
      name: inputs.name,
      outputs: outputsByStack.get(String(inputs.name)) ?? {},
      secretOutputNames: [],
    }),
  },
  calls: {},
};
