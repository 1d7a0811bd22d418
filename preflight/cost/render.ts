/**
 * The estimate as the preflight prints it (`npm run preflight -- --cost`): per component a table of
 * its lines (resource, quantity, unit price, monthly min–max, the assumption beside a usage-priced
 * figure, a mark on capacity priced at on-demand), the unpriced items, the total, the currency, the
 * prices' date and the pages they come from. Pure.
 */
import { amounts, range } from "./diff";
import { StackCost, isAdoptedClusterCost } from "./estimate";
import { CostEstimate, CostLine, MonthlyRange, PriceUnit } from "./types";

const PLURAL: Record<PriceUnit, string> = {
  hour: "hours",
  month: "months",
  "GiB-month": "GiB-months",
  GiB: "GiB",
  "10k-operations": "× 10,000 operations",
};

/** How a unit is printed after a count: "10k-operations" reads "1 × 10,000 operations". */
const SINGULAR: Record<PriceUnit, string> = {
  hour: "hour",
  month: "month",
  "GiB-month": "GiB-month",
  GiB: "GiB",
  "10k-operations": "× 10,000 operations",
};

/** "1,234.5" (up to 4 decimals, as quantities of GiB can be). */
function amount(x: number): string {
  return x.toLocaleString("en-US", { maximumFractionDigits: 4 });
}

/** "2,190 hours", "2,190–8,760 hours", "1 month". */
export function quantityText(q: MonthlyRange, unit: PriceUnit): string {
  const word = q.max === 1 ? SINGULAR[unit] : PLURAL[unit];
  return q.min === q.max ? `${amount(q.max)} ${word}` : `${amount(q.min)}–${amount(q.max)} ${word}`;
}

/** "$0.10/hour", "$0.0456/hour", "$0.000166/GiB": the price as published, at least to the cent. */
export function unitPriceText(price: number, unit: PriceUnit): string {
  const digits = Math.max(2, Math.min(6, (/\.(\d+)$/.exec(String(price))?.[1] ?? "").length));
  const per = unit === "10k-operations" ? "10,000 operations" : unit;
  return `$${price.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}/${per}`;
}

/** What is printed after a line's figures: the capacity mark and the usage assumption. */
function remarks(l: CostLine): string {
  const out: string[] = [];
  if (l.capacity !== undefined) out.push(`[${l.capacity}: priced at on-demand]`);
  if (l.assumption !== undefined) out.push(`assumes ${l.assumption}`);
  return out.join(" ");
}

/** Rows padded to their columns' widths; the last column (remarks) is not padded. */
function table(rows: string[][], rightAligned: Set<number>): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((cell, i) =>
        i === r.length - 1 ? cell : rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]),
      )
      .join("  ")
      .trimEnd(),
  );
}

/** The estimate as text. */
export function renderCost(e: CostEstimate): string {
  const out: string[] = [];
  out.push(
    `Monthly cost estimate of stack "${e.stack}" (${e.cloud} ${e.region}, ${e.currency}, prices of ${e.pricesDate}): ${range(e.total)}`,
  );
  const components = [...new Set([...Object.keys(e.byComponent), ...e.lines.map((l) => l.component)])].sort();
  const header = ["resource", "quantity", "unit price", "monthly", ""];
  const rows = [header];
  const componentRows = new Map<number, string>();
  for (const c of components) {
    componentRows.set(rows.length, `  ${c}: ${range(e.byComponent[c] ?? { min: 0, max: 0 })}`);
    rows.push(["", "", "", "", ""]);
    for (const l of e.lines.filter((x) => x.component === c)) {
      rows.push([
        l.resource,
        quantityText(l.quantity, l.unit),
        unitPriceText(l.unitPrice, l.unit),
        amounts(l.monthly),
        remarks(l),
      ]);
    }
  }
  if (components.length === 0) out.push("  (nothing priced)");
  else {
    // One set of column widths for every component, so the figures line up down the page.
    table(rows, new Set([1, 2, 3])).forEach((text, i) => out.push(componentRows.get(i) ?? `    ${text}`));
  }
  if (e.unpriced.length > 0) {
    out.push(
      "",
      `Unpriced (not in the total; they cost money, the price file has no figure): ${e.unpriced.length}`,
    );
    for (const u of e.unpriced) out.push(`  - ${u.component}: ${u.resource}: ${u.reason}`);
  }
  out.push("", `Total: ${range(e.total)} (${e.currency}; min with every pool at minNodes, max at maxNodes)`);
  out.push(
    `Prices: ${e.cloud} ${e.region} list prices of ${e.pricesDate}, on-demand, before discounts and taxes, from:`,
  );
  for (const s of [...new Set(e.lines.map((l) => l.source))].sort()) out.push(`  ${s}`);
  return out.join("\n");
}

/** A stack's cost as text: the estimate, or why an adopted cluster has none. */
export function renderStackCost(c: StackCost): string {
  if (!isAdoptedClusterCost(c)) return renderCost(c);
  const out = [
    `Monthly cost estimate of stack "${c.stack}": not estimated: the cluster is adopted (cluster.target existing): ` +
      "what it runs on is billed where it runs, outside this program's price files",
  ];
  if (c.unpriced.length > 0) {
    out.push(`Unpriced: ${c.unpriced.length}`);
    for (const u of c.unpriced) out.push(`  - ${u.component}: ${u.resource}: ${u.reason}`);
  }
  return out.join("\n");
}
