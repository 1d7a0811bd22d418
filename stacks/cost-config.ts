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
  /**
   * Cryptographic operations per month on each customer-managed key (Vault's unseal key: one
   * decrypt when a Vault server starts; the cluster's Secrets key: the API server's data keys).
   * One billing unit of 10,000 on every cloud.
   */
  kmsKeyOperations: 10_000,
} as const;

/** The most operations per key per month `kmsKeyOperations` may state: a billion, about 385 a second. */
export const MAX_KMS_KEY_OPERATIONS = 1_000_000_000;

const monthly = (fallback: number) => z.number().min(0).max(MAX_MONTHLY_ASSUMPTION).default(fallback);

/** `kube-platform:cost`: every key optional, each with its default (COST_DEFAULTS). */
export const costSchema = z
  .strictObject({
    natDataGiB: monthly(COST_DEFAULTS.natDataGiB),
    loadBalancerDataGiB: monthly(COST_DEFAULTS.loadBalancerDataGiB),
    loadBalancerCapacityUnits: monthly(COST_DEFAULTS.loadBalancerCapacityUnits),
    logIngestionGiB: monthly(COST_DEFAULTS.logIngestionGiB),
    kmsKeyOperations: z
      .number()
      .int()
      .min(0)
      .max(MAX_KMS_KEY_OPERATIONS)
      .default(COST_DEFAULTS.kmsKeyOperations),
  })
  .prefault({});

/** The monthly usage assumptions of the cost estimate (parsed `kube-platform:cost`). */
export type CostAssumptions = z.output<typeof costSchema>;
