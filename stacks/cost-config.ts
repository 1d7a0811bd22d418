/**
 * The `kube-platform:cost` config key: the monthly usage the offline cost estimate (preflight
 * `--cost`, preflight/cost/) assumes for what clouds price by use. Nothing here changes what is
 * deployed; each figure is printed beside the estimate line it prices.
 */
import { z } from "zod";

/** The most GiB (or units) a monthly assumption may state: 1 PiB/month, far above any stack here. */
export const MAX_MONTHLY_ASSUMPTION = 1_048_576;

/**
 * The defaults: a small, mostly idle platform (a few apps, light egress). Raise them to what the
 * stack's traffic really is; the estimate of a busy stack is only as good as these figures.
 */
export const COST_DEFAULTS = {
  /**
   * GiB per month the nodes send out through the NAT gateways together (node egress: image pulls,
   * API calls, updates); on AKS through the outbound rules of the cluster's load balancer.
   */
  natDataGiB: 100,
  /** GiB per month the ingress load balancer processes (both directions). */
  loadBalancerDataGiB: 100,
  /**
   * AWS NLB: average Network Load Balancer Capacity Units (NLCU) in use per hour. One NLCU is the
   * largest of 800 new TCP flows per second, 100,000 active flows or 1 GB processed per hour.
   */
  loadBalancerCapacityUnits: 1,
  /** GiB per month of control-plane logs the cloud's log service ingests (EKS: CloudWatch Logs). */
  logIngestionGiB: 10,
} as const;

const monthly = (fallback: number) => z.number().min(0).max(MAX_MONTHLY_ASSUMPTION).default(fallback);

/** `kube-platform:cost`: every key optional, each with its default (COST_DEFAULTS). */
export const costSchema = z
  .strictObject({
    natDataGiB: monthly(COST_DEFAULTS.natDataGiB),
    loadBalancerDataGiB: monthly(COST_DEFAULTS.loadBalancerDataGiB),
    loadBalancerCapacityUnits: monthly(COST_DEFAULTS.loadBalancerCapacityUnits),
    logIngestionGiB: monthly(COST_DEFAULTS.logIngestionGiB),
  })
  .prefault({});

/** The monthly usage assumptions of the cost estimate (parsed `kube-platform:cost`). */
export type CostAssumptions = z.output<typeof costSchema>;
