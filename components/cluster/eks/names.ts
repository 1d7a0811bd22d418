/** Cloud name prefixes of the EKS target and their length limits (pure functions, no Pulumi). */
import { shortHash } from "../shared";

/**
 * A cloud name prefix `<parts joined by ->-` of at most `maxLen` characters. When the parts are too
 * long they are cut and a short hash of the full name keeps prefixes of different parts distinct.
 */
export function namePrefix(parts: string[], maxLen: number): string {
  const full = `${parts.join("-")}-`;
  if (full.length <= maxLen) return full;
  const hash = shortHash(full, 6);
  const head = full.slice(0, maxLen - hash.length - 2).replace(/[-_.]+$/, "");
  return `${head}-${hash}-`;
}

/** IAM role `namePrefix` is limited to 38 characters (64 minus the 26-character unique suffix). */
export const IAM_ROLE_NAME_PREFIX_MAX = 38;
/** Node group `nodeGroupNamePrefix`: 63 characters minus the 26-character unique suffix. */
export const NODE_GROUP_NAME_PREFIX_MAX = 37;
/** Launch template `namePrefix`: 128 characters minus the 26-character unique suffix. */
export const LAUNCH_TEMPLATE_NAME_PREFIX_MAX = 102;
