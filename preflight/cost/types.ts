/**
 * The offline cost estimate's shared shapes: the price files (preflight/cost/prices/<cloud>.json,
 * data, never code) and the estimate the preflight prints (`--cost`, `cost` in `--json`).
 */

/** The clouds with a price file; an adopted cluster (target existing) is not priced. */
export type PricedCloud = "aws" | "gcp" | "azure" | "digitalocean";

/** What one unit of a price is. Hourly figures are turned into months at HOURS_PER_MONTH. */
export type PriceUnit = "hour" | "month" | "GiB-month" | "GiB" | "10k-operations";

/** The hours in a month every cloud's price page uses for monthly figures (730 = 8760 / 12). */
export const HOURS_PER_MONTH = 730;

/** One figure of a price file, with the public page it comes from. */
export interface PriceItem {
  unit: PriceUnit;
  /** Price of one unit in the file's currency, as published (no discounts, no free tier unless `note` says so). */
  price: number;
  /** The public price page the figure was read from. */
  source: string;
  /** For a disk priced per size tier (Azure managed disks): the tier's capacity in GiB. */
  capacityGiB?: number;
  /** What the figure covers or leaves out, when the page's own wording is needed to read it. */
  note?: string;
}

/**
 * One cloud's price file. Item keys (shared by every cloud, each cloud uses a subset):
 * - `controlPlane:<tier>`: the managed control plane (aws standard|extended, gcp standard,
 *   azure free|standard|premium, digitalocean free|ha)
 * - `instance:<machine type>`: one node of that type, on-demand, Linux
 * - `disk:<class>`: block storage (aws gp3, gcp pd-balanced|pd-ssd|pd-standard, digitalocean volume;
 *   azure per size tier: `disk:<sku>:<tier>` with capacityGiB, e.g. disk:premium-lrs:P10)
 * - `natGateway`, `natGateway:data` (per GiB processed)
 * - `loadBalancer`, `loadBalancer:data` (per GiB processed) or `loadBalancer:capacityUnit` (aws NLCU hour)
 * - `publicIp` (one public IPv4 address)
 * - `kmsKey` (one customer-managed key), `kmsKey:operations` (per 10,000 cryptographic operations)
 * - `logs:ingestion` (per GiB), `logs:storage` (per GiB-month)
 */
export interface PriceFile {
  cloud: PricedCloud;
  currency: "USD";
  /** The day the figures were read from the source pages (YYYY-MM-DD). */
  date: string;
  /** Region name as the cloud spells it (eu-west-1, europe-west1, westeurope, ams3) → item key → figure. */
  regions: Record<string, Record<string, PriceItem>>;
}

/** A monthly amount as a range: min with every pool at minNodes, max at maxNodes. */
export interface MonthlyRange {
  min: number;
  max: number;
}

/** One priced line of the estimate. */
export interface CostLine {
  /** The top-level component it belongs to (as in the plan: "EksCluster kp-cluster", "Vault kp-addons-vault"). */
  component: string;
  /** What is priced, in the user's words ("node pool general: 3-12 × m6i.xlarge", "Vault data volume × 3"). */
  resource: string;
  /** The price file item key. */
  item: string;
  /** Units per month as a range (hours × count, GiB × count, …). */
  quantity: MonthlyRange;
  unit: PriceUnit;
  unitPrice: number;
  monthly: MonthlyRange;
  /** Where the figure comes from (the item's source page). */
  source: string;
  /** Capacity that is not on-demand ("spot", "karpenter: on-demand,spot"): priced at on-demand, marked. */
  capacity?: string;
  /** The usage assumption a usage-priced line rests on ("100 GiB/month processed (cost.assumptions.natDataGiB)"). */
  assumption?: string;
}

/** Something the stack creates that costs money and the price file cannot price: listed, never zero. */
export interface UnpricedItem {
  component: string;
  resource: string;
  /** Why it is not priced ("no price for instance:m9.huge in eu-west-1", "usage-priced, no assumption"). */
  reason: string;
}

export interface CostEstimate {
  stack: string;
  cloud: PricedCloud;
  region: string;
  currency: "USD";
  /** The price file's date. */
  pricesDate: string;
  lines: CostLine[];
  unpriced: UnpricedItem[];
  /** Sum of the lines, rounded to the cent. */
  total: MonthlyRange;
  /** Per component: sum of its lines, rounded to the cent. */
  byComponent: Record<string, MonthlyRange>;
}
