/**
 * What a waiver does, in one place for both gates: the offline preflight (preflight/plan.ts) and the
 * CrossGuard policy pack (policy/policies.ts). A stack waives a rule in its config
 * (`kube-platform:waivers`: one `{ rule, reason }` per rule); the waived rule still runs and its
 * violations are shown with the reason, but they are not counted: they never fail the preflight or
 * the update.
 */

/** A stack's documented exception to one rule. */
export interface Waiver {
  /** The rule id (a Rule's `id`). */
  rule: string;
  /** Why the stack may break the rule (shown with every waived violation). */
  reason: string;
}

/** The stack's waiver of `ruleId`, if it has one. */
export function waiverOf(ruleId: string, waivers: readonly Waiver[] | undefined): Waiver | undefined {
  return (waivers ?? []).find((w) => w.rule === ruleId);
}

/** Splits violations into the counted ones and the waived ones (shown, not counted). */
export function splitWaived<V extends { ruleId: string }>(
  violations: readonly V[],
  waivers: readonly Waiver[] | undefined,
): { counted: V[]; waived: V[] } {
  const counted: V[] = [];
  const waived: V[] = [];
  for (const v of violations) (waiverOf(v.ruleId, waivers) ? waived : counted).push(v);
  return { counted, waived };
}

/** A waived violation's message: the waiver's reason first, so that nobody mistakes it for a new finding. */
export function waivedMessage(message: string, waiver: Waiver): string {
  return `waived (${waiver.reason}): ${message}`;
}
