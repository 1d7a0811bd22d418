/**
 * Turning a count of priced things into estimate lines: the price item of the region (or an
 * unpriced item saying why there is none), the monthly quantity of its unit, the rounding to the
 * cent, and the totals (sums of the rounded lines).
 */
import {
  type CostLine,
  HOURS_PER_MONTH,
  type MonthlyRange,
  type PriceItem,
  type UnpricedItem,
} from "./types";

/** An amount rounded to the cent (half a cent up), free of binary floating-point noise. */
export function cents(amount: number): number {
  return Math.round(Number((amount * 100).toFixed(6))) / 100;
}

/** What is priced, before its price is looked up. */
export interface Priced {
  component: string;
  resource: string;
  item: string;
  /**
   * How many of the item's things run, as a range: nodes, gateways, keys; GiB for the per-GiB
   * items. Hourly items run HOURS_PER_MONTH hours each.
   */
  count: MonthlyRange;
  capacity?: string;
  assumption?: string;
}

/** Lines and unpriced items of one estimate, priced from one region's items. */
export class Pricer {
  readonly lines: CostLine[] = [];
  readonly unpriced: UnpricedItem[] = [];

  constructor(
    private readonly items: Record<string, PriceItem>,
    readonly region: string,
  ) {}

  has(item: string): boolean {
    return Object.hasOwn(this.items, item);
  }

  /** The region's figure for `item`, if it has one. */
  item(item: string): PriceItem | undefined {
    return this.has(item) ? this.items[item] : undefined;
  }

  missing(component: string, resource: string, reason: string): void {
    this.unpriced.push({ component, resource, reason });
  }

  /** Adds the line of `p`; without a figure for its item, an unpriced item naming it. */
  add(p: Priced): void {
    const figure = this.item(p.item);
    if (!figure) {
      this.missing(p.component, p.resource, `no price for ${p.item} in ${this.region}`);
      return;
    }
    const perCount = figure.unit === "hour" ? HOURS_PER_MONTH : 1;
    const quantity = { min: p.count.min * perCount, max: p.count.max * perCount };
    this.lines.push({
      component: p.component,
      resource: p.resource,
      item: p.item,
      quantity,
      unit: figure.unit,
      unitPrice: figure.price,
      monthly: { min: cents(quantity.min * figure.price), max: cents(quantity.max * figure.price) },
      source: figure.source,
      ...(p.capacity !== undefined ? { capacity: p.capacity } : {}),
      ...(p.assumption !== undefined ? { assumption: p.assumption } : {}),
    });
  }

  /**
   * A disk of `sizeGiB` × `count` of class `diskClass`: per GiB-month (`disk:<class>`), or, for a
   * class priced per size tier (`disk:<class>:<tier>`, Azure), the smallest tier that holds it.
   */
  addDisk(p: Omit<Priced, "item" | "count">, diskClass: string, sizeGiB: number, count: MonthlyRange): void {
    const flat = `disk:${diskClass}`;
    if (this.has(flat)) {
      this.add({ ...p, item: flat, count: { min: count.min * sizeGiB, max: count.max * sizeGiB } });
      return;
    }
    const tiers = Object.entries(this.items)
      .filter(([key, f]) => key.startsWith(`${flat}:`) && f.capacityGiB !== undefined)
      .sort(([, a], [, b]) => (a.capacityGiB ?? 0) - (b.capacityGiB ?? 0));
    const tier = tiers.find(([, f]) => (f.capacityGiB ?? 0) >= sizeGiB);
    if (!tier) {
      this.missing(
        p.component,
        p.resource,
        tiers.length === 0
          ? `no price for ${flat} in ${this.region}`
          : `no ${flat} size tier of ${sizeGiB} GiB or more in ${this.region}`,
      );
      return;
    }
    const [item, f] = tier;
    this.add({ ...p, resource: `${p.resource} (${item.split(":")[2]}, ${f.capacityGiB} GiB)`, item, count });
  }
}

/** Sum of rounded amounts, rounded (so that the float sum of cents shows no noise). */
export function sumOf(ranges: MonthlyRange[]): MonthlyRange {
  return {
    min: cents(ranges.reduce((s, r) => s + r.min, 0)),
    max: cents(ranges.reduce((s, r) => s + r.max, 0)),
  };
}

/** The totals of the lines: overall and per component. */
export function totalsOf(lines: CostLine[]): {
  total: MonthlyRange;
  byComponent: Record<string, MonthlyRange>;
} {
  const components = [...new Set(lines.map((l) => l.component))].sort();
  return {
    total: sumOf(lines.map((l) => l.monthly)),
    byComponent: Object.fromEntries(
      components.map((c) => [c, sumOf(lines.filter((l) => l.component === c).map((l) => l.monthly))]),
    ),
  };
}
