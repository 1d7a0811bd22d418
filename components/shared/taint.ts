/**
 * The node taint rule, once for stack config and every cluster target: a taint is written
 * `key=value:Effect` (the `=` is required, the value may be empty: `spot=:PreferNoSchedule`).
 * No Pulumi import.
 *
 * Kubernetes takes a qualified-name key (an optional DNS-subdomain prefix and `/`, then at most 63
 * alphanumerics, '-', '_', '.'), a label value (at most 63 of the same, or empty) and one of the
 * three effects; `kubectl taint` also reads `key:Effect` as an empty value. This rule keeps the
 * accepted set stack config has always had: the `=` is always written, and the key's characters
 * are checked but not its length or the shape of its prefix.
 */
import { Problem } from "./problems";

export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

export type TaintEffect = (typeof TAINT_EFFECTS)[number];

/** A Kubernetes node taint. */
export interface Taint {
  key: string;
  value: string;
  effect: TaintEffect;
}

/** Key, value and effect; the effect is any word here and checked against TAINT_EFFECTS after. */
const TAINT_SHAPE =
  /^([A-Za-z0-9](?:[-A-Za-z0-9_./]*[A-Za-z0-9])?)=((?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?):([A-Za-z]+)$/;

/** How a taint string reads: the taint, or why it is not one. */
export type TaintReading =
  | { ok: true; taint: Taint }
  | { ok: false; reason: "shape" }
  | { ok: false; reason: "effect"; effect: string };

function isEffect(effect: string): effect is TaintEffect {
  return TAINT_EFFECTS.some((e) => e === effect);
}

/** Reads a `key=value:Effect` taint. */
export function readTaint(text: string): TaintReading {
  const m = TAINT_SHAPE.exec(text);
  if (!m) return { ok: false, reason: "shape" };
  const [, key, value, effect] = m;
  if (!isEffect(effect)) return { ok: false, reason: "effect", effect };
  return { ok: true, taint: { key, value, effect } };
}

/** What stack config says about a malformed taint. */
export const TAINT_FORMAT = `must be a taint "key=value:Effect" (Effect: ${TAINT_EFFECTS.join(" | ")})`;

/** The problems of one taint string: none, or one saying what the form is. */
export function taintProblems(text: string): Problem[] {
  return readTaint(text).ok ? [] : [{ path: [], message: TAINT_FORMAT }];
}
