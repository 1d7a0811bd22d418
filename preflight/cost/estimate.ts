/**
 * The offline monthly cost estimate of a stack: pure functions over the preflight's recorded
 * resources and the parsed config, priced from a price file. What each cloud's priced things
 * are is one table (./estimate-clouds.ts), priced the same way for all (./estimate-items.ts):
 * control plane, nodes per pool from minNodes to maxNodes (as the cloud runs them), node disks,
 * NAT gateways, load balancers, public IPv4 addresses, persistent volumes, KMS keys and logs.
 * Usage-priced items rest on the `kube-platform:cost` assumptions. What costs money and has no
 * price is listed as unpriced, never as zero.
 */
import type { ProgramRun, RecordedResource } from "../../offline/mocks";
import type { PlatformConfig } from "../../stacks/config";
import type { CostAssumptions } from "../../stacks/cost-config";
import { CLOUD_ROWS } from "./estimate-clouds";
import {
  controlPlaneLines,
  kmsKeyLines,
  loadBalancerLines,
  logLines,
  natLines,
  nodePoolLines,
  volumeLines,
} from "./estimate-items";
import { Pricer, totalsOf } from "./estimate-lines";
import { Resources, gibibytes, loadBalancerServices, serviceName } from "./estimate-resources";
import { claimsOf } from "./estimate-volumes";
import { loadPrices, regionPrices } from "./prices";
import type { CostEstimate, PriceFile, PricedCloud, UnpricedItem } from "./types";

export interface EstimateInput {
  stack: string;
  config: PlatformConfig;
  /** The preflight's run of the stack (offline/mocks.ts runProgram). */
  resources: RecordedResource[];
  prices: PriceFile;
  /** The usage assumptions; the stack's `kube-platform:cost` (config.cost) by default. */
  assumptions?: CostAssumptions;
}

/**
 * An adopted cluster (target existing): the platform cannot know its cloud nor its prices, so
 * nothing is priced; what the stack makes the cluster pay for (its volumes, its load balancer)
 * is listed as unpriced.
 */
export interface AdoptedClusterCost {
  stack: string;
  target: "existing";
  unpriced: UnpricedItem[];
}

export type StackCost = CostEstimate | AdoptedClusterCost;

export function isAdoptedClusterCost(c: StackCost): c is AdoptedClusterCost {
  return "target" in c;
}

/** The price file each managed target is priced from. */
const CLOUDS = { eks: "aws", gke: "gcp", aks: "azure", doks: "digitalocean" } as const satisfies Record<
  keyof typeof CLOUD_ROWS,
  PricedCloud
>;

/** The cloud whose price file prices the stack; undefined for an adopted cluster. */
export function cloudOf(config: PlatformConfig): PricedCloud | undefined {
  const t = config.cluster.target;
  return t === "existing" ? undefined : CLOUDS[t];
}

/** The region (or location) of a managed cluster, as its cloud spells it. */
function regionOf(cluster: PlatformConfig["cluster"]): string {
  if (cluster.target === "aks") return cluster.location;
  return cluster.target === "existing" ? "" : cluster.region;
}

/**
 * The estimate of a managed stack. Throws UnknownRegionError when the price file has no figures
 * for the stack's region, and an Error for an adopted cluster (costOf answers for it).
 */
export function estimateCost(input: EstimateInput): CostEstimate {
  const cluster = input.config.cluster;
  if (cluster.target === "existing")
    throw new Error(
      `stack "${input.stack}" adopts an existing cluster: it has no cloud to price (use costOf)`,
    );
  const row = CLOUD_ROWS[cluster.target];
  if (input.prices.cloud !== row.cloud)
    throw new Error(
      `stack "${input.stack}" runs on ${row.cloud}: it cannot be priced from the ${input.prices.cloud} prices`,
    );
  const region = regionOf(cluster);
  const pricer = new Pricer(regionPrices(input.prices, region), region);
  const ctx = {
    row,
    res: new Resources(input.resources),
    pricer,
    assumptions: input.assumptions ?? input.config.cost,
  };
  controlPlaneLines(ctx);
  const pools = nodePoolLines(ctx);
  natLines(ctx, pools);
  loadBalancerLines(ctx);
  volumeLines(ctx);
  kmsKeyLines(ctx);
  logLines(ctx);
  return {
    stack: input.stack,
    cloud: row.cloud,
    region,
    currency: input.prices.currency,
    pricesDate: input.prices.date,
    lines: pricer.lines,
    unpriced: pricer.unpriced,
    ...totalsOf(pricer.lines),
  };
}

/** What an adopted cluster's stack makes the cluster pay for, none of it priceable here. */
export function adoptedClusterCost(stack: string, resources: RecordedResource[]): AdoptedClusterCost {
  const res = new Resources(resources);
  const why = "an adopted cluster (target existing): its cloud and prices are unknown to the estimate";
  const volumes = claimsOf(res).map((c) => ({
    component: c.component,
    resource: `${c.resource}: ${gibibytes(c.size) ?? String(c.size)} GiB × ${c.count}`,
    reason: why,
  }));
  const balancers = loadBalancerServices(res).map((s) => ({
    component: res.componentOf(s),
    resource: `load balancer of ${serviceName(s)}`,
    reason: why,
  }));
  return { stack, target: "existing", unpriced: [...volumes, ...balancers] };
}

/**
 * What the CLI calls: the estimate of the preflight's run of `stack` with its parsed config, from
 * the price file of its cloud (in `pricesDir`, preflight/cost/prices by default). Throws
 * UnknownRegionError (a region the file lacks) and PriceFileError (a broken file).
 */
export function costOf(
  run: Pick<ProgramRun, "resources">,
  config: PlatformConfig,
  stack: string,
  pricesDir?: string,
): StackCost {
  const cloud = cloudOf(config);
  if (!cloud) return adoptedClusterCost(stack, run.resources);
  return estimateCost({ stack, config, resources: run.resources, prices: loadPrices(cloud, pricesDir) });
}
