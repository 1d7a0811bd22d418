// `--diff`: a step's property changes as progress lines, as pure functions over the engine's step
// metadata. `detailedDiff` maps property paths (Pulumi's PropertyPath syntax: `spec.replicas`,
// `containers[0].image`, `labels["app.kubernetes.io/name"]`) to their kind (add, update, delete,
// and the *-replace kinds when the change forces a replacement) and whether it compares the old
// inputs (inputDiff) or the old outputs with the new inputs (apitype PropertyDiff in pulumi/pulumi
// sdk/go/common/apitype/events.go). Values come from the event's old/new state; secret values are
// already masked there (the CLI writes its event log with showSecrets false: pkg/backend/display
// display.go logJSONEvent, whose blinding encrypter leaves "[secret]").

import type { StepMetadataIn } from "./gate";

/** Values longer than this (as JSON) are shortened: a diff line names the change, not the document. */
export const MAX_VALUE_LENGTH = 60;

/** Pulumi's marker of a serialized secret (pulumi/pulumi sdk/go/common/resource/sig/sig.go Key, Secret). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SIG_SECRET = "1b47061264138c4ac30d75fd1eb44270";

/** A property path's segments: `a.b[0]["c.d"]` → ["a", "b", 0, "c.d"]; undefined if it does not parse. */
export function parsePropertyPath(p: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === ".") {
      if (out.length === 0) return undefined;
      i++;
    } else if (p[i] === "[") {
      const close = p.indexOf("]", i);
      if (close < 0) return undefined;
      const inner = p.slice(i + 1, close);
      if (/^[0-9]+$/.test(inner)) {
        out.push(Number(inner));
        i = close + 1;
        continue;
      }
      // A quoted key: find the closing `"]` (the key may hold ']' or '.').
      const end = p.indexOf('"]', i + 2);
      if (!inner.startsWith('"') || end < 0) return undefined;
      out.push(p.slice(i + 2, end));
      i = end + 2;
      continue;
    }
    const m = /^[^.[]+/.exec(p.slice(i));
    if (!m) return undefined;
    out.push(m[0]);
    i += m[0].length;
  }
  return out;
}

function valueAt(root: unknown, segments: readonly (string | number)[]): unknown {
  let cur = root;
  for (const s of segments) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

function isSecret(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SIG_SECRET;
}

/** A value for a diff line: compact JSON, secrets as [secret], long values shortened. */
export function showValue(v: unknown): string {
  if (v === undefined) return "(none)";
  const text = JSON.stringify(v, (_k, x: unknown) => (isSecret(x) ? "[secret]" : x)) ?? String(v);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** The step's property changes, one line each (without the stack prefix), in path order. */
export function diffLines(meta: StepMetadataIn): string[] {
  const lines: string[] = [];
  for (const [p, d] of Object.entries(meta.detailedDiff ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const segments = parsePropertyPath(p);
    const before = segments && valueAt(d.inputDiff ? meta.old?.inputs : meta.old?.outputs, segments);
    const after = segments && valueAt(meta.new?.inputs, segments);
    const kind = String(d.diffKind);
    const replaces = kind.endsWith("-replace") ? " (forces replacement)" : "";
    if (kind.startsWith("add")) lines.push(`+ ${p}: ${showValue(after)}${replaces}`);
    else if (kind.startsWith("delete")) lines.push(`- ${p}: ${showValue(before)}${replaces}`);
    else if (before === undefined && after === undefined) lines.push(`~ ${p}${replaces}`);
    else lines.push(`~ ${p}: ${showValue(before)} => ${showValue(after)}${replaces}`);
  }
  return lines;
}
