/**
 * Cloud label values (no Pulumi imports: stack config and the deployability rules share it).
 *
 * GCP labels doc (https://cloud.google.com/resource-manager/docs/labels-overview#requirements):
 * values hold only lowercase letters, digits, '_' and '-', at most 63 characters. The other clouds'
 * tags accept such values too (AWS, Azure: more characters and longer; DigitalOcean tags: letters,
 * digits, ':', '-', '_'), so one sanitised value serves every target.
 */
import { shortHash } from "./shared";

/** A valid GCP label value (empty allowed). */
export const CLOUD_LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
export const CLOUD_LABEL_VALUE_MAX = 63;

/**
 * `value` as a label value: unchanged (lowercased) when it is already valid; otherwise every other
 * character becomes '-', and the result is cut to leave room for '-' and an 8-character hash of
 * the original, so that distinct inputs stay distinct (a Pulumi stack name may hold '.' and run to
 * 100 characters: "team.prod" and "team-prod" get different values).
 */
export function cloudLabelValue(value: string): string {
  const lower = value.toLowerCase();
  if (CLOUD_LABEL_VALUE.test(lower)) return lower;
  const hash = shortHash(value, 8);
  const head = lower
    .replace(/[^a-z0-9_-]/g, "-")
    .slice(0, CLOUD_LABEL_VALUE_MAX - hash.length - 1)
    .replace(/-+$/, "");
  return head ? `${head}-${hash}` : hash;
}
