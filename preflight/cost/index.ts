/**
 * The offline cost estimate of a stack (issue 16): what the preflight's CLI calls. The estimate is
 * built from the recorded resources of the preflight's program run and the parsed stack config,
 * priced from the cloud's price file (./prices/<cloud>.json); see ./estimate.ts.
 */
export {
  type AdoptedClusterCost,
  type EstimateInput,
  type StackCost,
  cloudOf,
  costOf,
  estimateCost,
  isAdoptedClusterCost,
} from "./estimate";
export { PRICES_DIR, PriceFileError, UnknownRegionError, loadPrices, parsePrices } from "./prices";
export { COST_DEFAULTS, type CostAssumptions } from "../../stacks/cost-config";
export * from "./types";
