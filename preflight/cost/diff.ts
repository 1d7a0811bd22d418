/**
 * The cost diff for pipelines (`npm run preflight -- --cost-base <stack file>`): a stack's estimate
 * against the same stack with another config (main's), per line, per component and in total, so a
 * pull request shows "+$70.08/month: natGateway × 2 more (…)". Pure: two estimates in, a diff out.
 */
import { CostEstimate, CostLine, HOURS_PER_MONTH, MonthlyRange, PriceUnit, UnpricedItem } from "./types";

/** How a line of the change differs from the base. */
export type LineChange = "added" | "removed" | "changed";

/** One line that differs between the base and the change. */
export interface CostLineDelta {
  change: LineChange;
  component: string;
  item: string;
  /** The change's wording of the line (the base's for a removed line). */
  resource: string;
  /** The base's wording, when it differs from `resource` ("node pool general: 3-12 × …" before "4-12 × …"). */
  baseResource?: string;
  unit: PriceUnit;
  /** The line's monthly amount in the base (absent: added) and in the change (absent: removed). */
  before?: MonthlyRange;
  after?: MonthlyRange;
  /** after − before, rounded to the cent. */
  delta: MonthlyRange;
  /** Units after − units before (hours, GiB, …). */
  quantityDelta: MonthlyRange;
}

export interface CostDiff {
  stack: string;
  currency: CostEstimate["currency"];
  base: { region: string; pricesDate: string; total: MonthlyRange };
  change: { region: string; pricesDate: string; total: MonthlyRange };
  /** The lines that differ: added, removed, or a different quantity or amount. Unchanged lines are left out. */
  lines: CostLineDelta[];
  /** Per component whose amount differs: change − base, rounded to the cent. */
  byComponent: Record<string, MonthlyRange>;
  /** Unpriced items the change has and the base has not, and the other way round. */
  unpricedAdded: UnpricedItem[];
  unpricedRemoved: UnpricedItem[];
  /** change.total − base.total, rounded to the cent. */
  total: MonthlyRange;
}

const cents = (x: number): number => Math.round(x * 100) / 100 + 0;
/** Quantities keep up to 4 decimals (GiB fractions), without binary noise. */
const units = (x: number): number => Math.round(x * 10_000) / 10_000 + 0;
const ZERO: MonthlyRange = { min: 0, max: 0 };

function minus(a: MonthlyRange, b: MonthlyRange, round: (x: number) => number): MonthlyRange {
  return { min: round(a.min - b.min), max: round(a.max - b.max) };
}

/** How big a change is, for ordering: its larger end. */
const magnitude = (r: MonthlyRange): number => Math.max(Math.abs(r.min), Math.abs(r.max));
const isZero = (r: MonthlyRange): boolean => r.min === 0 && r.max === 0;
const lineKey = (l: CostLine): string => `${l.component}\u0000${l.item}\u0000${l.resource}`;
const groupKey = (l: CostLine): string => `${l.component}\u0000${l.item}`;
const unpricedKey = (u: UnpricedItem): string => `${u.component}\u0000${u.resource}\u0000${u.reason}`;

/** The delta of `line`: its base version `before` (none: added) against `after` (none: removed). */
function delta(line: CostLine, before: CostLine | undefined, after: CostLine | undefined): CostLineDelta {
  const d: CostLineDelta = {
    change: before === undefined ? "added" : after === undefined ? "removed" : "changed",
    component: line.component,
    item: line.item,
    resource: line.resource,
    unit: line.unit,
    delta: minus(after?.monthly ?? ZERO, before?.monthly ?? ZERO, cents),
    quantityDelta: minus(after?.quantity ?? ZERO, before?.quantity ?? ZERO, units),
  };
  if (before && after && before.resource !== after.resource) d.baseResource = before.resource;
  if (before) d.before = before.monthly;
  if (after) d.after = after.monthly;
  return d;
}

/** Whether a matched pair of lines differs in what it costs or how much of it there is. */
function differs(d: CostLineDelta, before: CostLine, after: CostLine): boolean {
  return !isZero(d.delta) || !isZero(d.quantityDelta) || before.unitPrice !== after.unitPrice;
}

/**
 * The lines that differ. Lines match by component + item + resource; what is left unmatched on both
 * sides of one component and item, exactly one line each, is the same thing reworded by its size
 * ("node pool general: 3-12 × m6i.xlarge" → "4-12 × m6i.xlarge") and is one changed line.
 */
function lineDeltas(base: CostLine[], change: CostLine[]): CostLineDelta[] {
  // Each key's base lines in order, so that two lines worded alike match one each.
  const baseByKey = new Map<string, CostLine[]>();
  for (const l of base) baseByKey.set(lineKey(l), [...(baseByKey.get(lineKey(l)) ?? []), l]);
  const out: CostLineDelta[] = [];
  const unmatchedAfter: CostLine[] = [];
  for (const after of change) {
    const before = baseByKey.get(lineKey(after))?.shift();
    if (before === undefined) unmatchedAfter.push(after);
    else {
      const d = delta(after, before, after);
      if (differs(d, before, after)) out.push(d);
    }
  }
  const unmatchedBefore = [...baseByKey.values()].flat();
  const count = (lines: CostLine[], key: string) => lines.filter((l) => groupKey(l) === key).length;
  const paired = new Set<CostLine>();
  for (const after of unmatchedAfter) {
    const key = groupKey(after);
    const before = unmatchedBefore.find((l) => groupKey(l) === key);
    if (before && count(unmatchedBefore, key) === 1 && count(unmatchedAfter, key) === 1) {
      paired.add(before);
      const d = delta(after, before, after);
      if (differs(d, before, after)) out.push(d);
    } else out.push(delta(after, undefined, after));
  }
  for (const before of unmatchedBefore) if (!paired.has(before)) out.push(delta(before, before, undefined));
  return out;
}

function componentDeltas(base: CostEstimate, change: CostEstimate): Record<string, MonthlyRange> {
  const names = [...new Set([...Object.keys(base.byComponent), ...Object.keys(change.byComponent)])].sort();
  const out: Record<string, MonthlyRange> = {};
  for (const name of names) {
    const d = minus(change.byComponent[name] ?? ZERO, base.byComponent[name] ?? ZERO, cents);
    if (!isZero(d)) out[name] = d;
  }
  return out;
}

/** The estimate of `change` (this branch's config) against `base` (e.g. main's), for the same stack. */
export function diffCost(base: CostEstimate, change: CostEstimate): CostDiff {
  const baseUnpriced = new Set(base.unpriced.map(unpricedKey));
  const changeUnpriced = new Set(change.unpriced.map(unpricedKey));
  return {
    stack: change.stack,
    currency: change.currency,
    base: { region: base.region, pricesDate: base.pricesDate, total: base.total },
    change: { region: change.region, pricesDate: change.pricesDate, total: change.total },
    lines: lineDeltas(base.lines, change.lines),
    byComponent: componentDeltas(base, change),
    unpricedAdded: change.unpriced.filter((u) => !baseUnpriced.has(unpricedKey(u))),
    unpricedRemoved: base.unpriced.filter((u) => !changeUnpriced.has(unpricedKey(u))),
    total: minus(change.total, base.total, cents),
  };
}

/** "$1,234.56". */
export function money(x: number): string {
  const abs = Math.abs(x).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${x < 0 ? "-" : ""}$${abs}`;
}

/** "+$70.08", "-$35.04", "+$0.00". */
export function signedMoney(x: number): string {
  return x < 0 ? money(x) : `+${money(x)}`;
}

/** "+$70.08/month"; "+$140.16/month min, +$560.64/month max" (min at every pool's minNodes, max at maxNodes). */
export function signedRange(r: MonthlyRange): string {
  return r.min === r.max
    ? `${signedMoney(r.min)}/month`
    : `${signedMoney(r.min)}/month min, ${signedMoney(r.max)}/month max`;
}

/** "$468.66", "$468.66–$1,874.64". */
export function amounts(r: MonthlyRange): string {
  return r.min === r.max ? money(r.max) : `${money(r.min)}–${money(r.max)}`;
}

/** "$1,234.56/month", "$1,234.56–$2,345.67/month". */
export function range(r: MonthlyRange): string {
  return `${amounts(r)}/month`;
}

/** One group of the rendered diff: the lines of one component and item that changed the same way. */
interface Group {
  component: string;
  item: string;
  change: LineChange;
  lines: CostLineDelta[];
  delta: MonthlyRange;
}

function groupsOf(lines: CostLineDelta[]): Group[] {
  const groups = new Map<string, Group>();
  for (const l of lines) {
    // Changed lines stay one each: each has its own before and after.
    const key = `${l.component}\u0000${l.item}\u0000${l.change}\u0000${l.change === "changed" ? l.resource : ""}`;
    const g = groups.get(key) ?? {
      component: l.component,
      item: l.item,
      change: l.change,
      lines: [],
      delta: ZERO,
    };
    g.lines.push(l);
    g.delta = { min: cents(g.delta.min + l.delta.min), max: cents(g.delta.max + l.delta.max) };
    groups.set(key, g);
  }
  // The biggest change first, as a reviewer reads it.
  return [...groups.values()].sort(
    (a, b) =>
      magnitude(b.delta) - magnitude(a.delta) ||
      a.component.localeCompare(b.component) ||
      a.item.localeCompare(b.item),
  );
}

/** Units of a price that are one thing each: an hour-priced thing runs 730 hours a month, a month-priced one 1. */
const UNITS_PER_THING: Partial<Record<PriceUnit, number>> = { hour: HOURS_PER_MONTH, month: 1 };

/**
 * How many more things (NAT gateways, nodes, keys) the lines add, when their quantity says so: a
 * whole number of 730-hour months (or months) the same at min and max; undefined otherwise (GiB).
 */
function thingsDelta(lines: CostLineDelta[]): number | undefined {
  let sum = 0;
  for (const l of lines) {
    const per = UNITS_PER_THING[l.unit];
    const n = per === undefined ? NaN : l.quantityDelta.max / per;
    if (l.quantityDelta.min !== l.quantityDelta.max || !Number.isInteger(n)) return undefined;
    sum += n;
  }
  return sum;
}

function groupLine(g: Group): string {
  const n = thingsDelta(g.lines);
  const count = n === undefined || n === 0 ? "" : ` × ${Math.abs(n)} ${n > 0 ? "more" : "fewer"}`;
  const what = g.lines.map((l) => l.resource).join(", ");
  if (g.change === "added") return `${signedRange(g.delta)}: ${g.item}${count || " new"} (${what})`;
  if (g.change === "removed") return `${signedRange(g.delta)}: ${g.item}${count || " gone"} (${what})`;
  const l = g.lines[0];
  const was = l.baseResource !== undefined ? `${l.baseResource} → ${l.resource}` : l.resource;
  return `${signedRange(g.delta)}: ${g.item}${count} (${was}): ${amounts(l.before ?? ZERO)} → ${amounts(l.after ?? ZERO)}`;
}

/** The diff as text: the total change, one line per change (biggest first, with its component), unpriced items. */
export function renderCostDiff(diff: CostDiff, baseLabel = "the base config"): string {
  const out: string[] = [];
  const where =
    diff.base.region === diff.change.region ? "" : ` (region ${diff.base.region} → ${diff.change.region})`;
  out.push(
    `Cost change of stack "${diff.stack}" against ${baseLabel}${where}: ${signedRange(diff.total)} (${diff.currency})`,
  );
  out.push(`  ${range(diff.base.total)} → ${range(diff.change.total)}`);
  const groups = groupsOf(diff.lines);
  if (groups.length === 0 && diff.unpricedAdded.length === 0 && diff.unpricedRemoved.length === 0) {
    out.push("  no priced line changes");
    return out.join("\n");
  }
  // Components by the size of their change, each with its groups biggest first.
  const size = (c: string) => magnitude(diff.byComponent[c] ?? ZERO);
  const order = [...new Set(groups.map((g) => g.component))].sort(
    (a, b) => size(b) - size(a) || a.localeCompare(b),
  );
  let component: string | undefined;
  for (const g of [...groups].sort((a, b) => order.indexOf(a.component) - order.indexOf(b.component))) {
    if (g.component !== component) {
      component = g.component;
      const c = diff.byComponent[g.component];
      out.push(`  ${g.component}: ${c ? signedRange(c) : signedRange(ZERO)}`);
    }
    out.push(`    ${groupLine(g)}`);
  }
  for (const u of diff.unpricedAdded)
    out.push(`  newly unpriced: ${u.component}: ${u.resource} (${u.reason})`);
  for (const u of diff.unpricedRemoved) out.push(`  no longer unpriced: ${u.component}: ${u.resource}`);
  return out.join("\n");
}
