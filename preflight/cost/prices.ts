/**
 * The price files (preflight/cost/prices/<cloud>.json): read and checked against PriceFile
 * (./types.ts). A broken file is a PriceFileError naming the file and each bad key; a region the
 * file has no figures for is an UnknownRegionError naming the regions it has.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import type { PriceFile, PriceItem, PricedCloud } from "./types";

/** Where the price files live (one per cloud: `<cloud>.json`). */
export const PRICES_DIR = path.join(__dirname, "prices");

export const PRICED_CLOUDS = [
  "aws",
  "gcp",
  "azure",
  "digitalocean",
] as const satisfies readonly PricedCloud[];

/** The item keys of types.ts PriceFile: one family each, the part after the family as the cloud spells it. */
export const ITEM_KEY =
  /^(controlPlane:[a-z]+|instance:[A-Za-z0-9][\w.-]*|disk:[a-z0-9-]+(:[A-Z]\d+)?|natGateway(:data)?|loadBalancer(:data|:capacityUnit)?|publicIp|kmsKey(:operations)?|logs:(ingestion|storage))$/;

const priceItem = z
  .strictObject({
    unit: z.enum(["hour", "month", "GiB-month", "GiB", "10k-operations"]),
    price: z.number().min(0, "must be a price of 0 or more"),
    source: z.string().regex(/^https:\/\/\S+$/, "must be the https address of the public price page"),
    capacityGiB: z.number().int().positive().optional(),
    note: z.string().min(1).optional(),
  })
  .superRefine((item, ctx) => {
    if (item.capacityGiB !== undefined && item.unit !== "month") {
      ctx.addIssue({
        code: "custom",
        path: ["capacityGiB"],
        message: `is for a disk priced per size tier (unit "month"), not per ${item.unit}`,
      });
    }
  }) satisfies z.ZodType<PriceItem>;

const region = z.record(z.string(), priceItem).superRefine((items, ctx) => {
  for (const key of Object.keys(items)) {
    if (!ITEM_KEY.test(key)) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message:
          "is not a price item key (controlPlane:<tier>, instance:<type>, disk:<class>, disk:<sku>:<tier>, natGateway, natGateway:data, loadBalancer, loadBalancer:data, loadBalancer:capacityUnit, publicIp, kmsKey, kmsKey:operations, logs:ingestion, logs:storage)",
      });
    } else if ((key === "kmsKey:operations") !== (items[key].unit === "10k-operations")) {
      ctx.addIssue({
        code: "custom",
        path: [key, "unit"],
        message:
          key === "kmsKey:operations"
            ? 'must be "10k-operations" (kmsKey:operations is priced per 10,000 operations)'
            : 'is "10k-operations", the unit of kmsKey:operations only',
      });
    } else if (/^disk:[a-z0-9-]+:[A-Z]\d+$/.test(key) && items[key].capacityGiB === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [key, "capacityGiB"],
        message: "is required for a disk size tier",
      });
    }
  }
});

const priceFile = (cloud: PricedCloud) =>
  z.strictObject({
    cloud: z.literal(cloud),
    currency: z.literal("USD"),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "must be the day the figures were read, YYYY-MM-DD")
      .refine((d) => !Number.isNaN(Date.parse(d)), "must be a calendar day"),
    regions: z
      .record(z.string().regex(/^[a-z0-9-]+$/, "must be a region name as the cloud spells it"), region)
      .refine((r) => Object.keys(r).length > 0, "must have at least one region"),
  }) satisfies z.ZodType<PriceFile>;

/** A key path as `regions["eu-west-1"]["instance:m6i.large"].price`. */
export function keyPath(at: PropertyKey[]): string {
  return at
    .map((k, i) =>
      typeof k === "number"
        ? `[${k}]`
        : /^[A-Za-z_]\w*$/.test(String(k))
          ? `${i === 0 ? "" : "."}${String(k)}`
          : `[${JSON.stringify(String(k))}]`,
    )
    .join("");
}

/** A price file that cannot be used: the file and one line per problem (key: what is wrong). */
export class PriceFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid price file ${file}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PriceFileError";
  }
}

/** A region the price file has no figures for. */
export class UnknownRegionError extends Error {
  constructor(
    readonly cloud: PricedCloud,
    readonly region: string,
    readonly known: string[],
  ) {
    super(
      `no ${cloud} prices for region "${region}" (preflight/cost/prices/${cloud}.json has: ${known.join(", ")}); ` +
        "estimate a stack in one of those regions, or add the region's figures to the file",
    );
    this.name = "UnknownRegionError";
  }
}

/** Checks parsed JSON against the price file shape of `cloud`; `file` names it in the error. */
export function parsePrices(cloud: PricedCloud, data: unknown, file: string): PriceFile {
  const parsed = priceFile(cloud).safeParse(data);
  if (parsed.success) return parsed.data;
  throw new PriceFileError(
    file,
    parsed.error.issues.map((i) => `${i.path.length > 0 ? keyPath(i.path) : "(file)"}: ${i.message}`),
  );
}

/** Reads and checks `<dir>/<cloud>.json`. */
export function loadPrices(cloud: PricedCloud, dir: string = PRICES_DIR): PriceFile {
  const file = path.join(dir, `${cloud}.json`);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new PriceFileError(file, [`cannot read it (${(err as Error).message})`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PriceFileError(file, [`is not JSON (${(err as Error).message})`]);
  }
  return parsePrices(cloud, data, file);
}

/** The figures of one region; UnknownRegionError when the file has none. */
export function regionPrices(prices: PriceFile, region: string): Record<string, PriceItem> {
  const items = Object.hasOwn(prices.regions, region) ? prices.regions[region] : undefined;
  if (!items) throw new UnknownRegionError(prices.cloud, region, Object.keys(prices.regions).sort());
  return items;
}
