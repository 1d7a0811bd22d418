/**
 * external-dns's sync interval as `--interval` takes it, and how long a teardown waits for external-dns
 * to remove the records of the Ingresses deleted before it: the rules the stack config (the user's
 * `addons.dns.values.interval`) and the DNS add-on share. Plain functions (no Pulumi import).
 */

/**
 * A duration of hours, minutes and seconds, in that order ("1m", "90s", "1h30m"): the part of Go's
 * time.ParseDuration syntax (`--interval` is a kingpin DurationVar, pkg/apis/externaldns/types.go)
 * the platform reads. Fractions and ms/us/ns units are refused rather than misread.
 */
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

export const DURATION_FORMAT = 'a duration in hours, minutes and seconds like "1m", "90s" or "1h30m"';

/** The seconds `text` stands for, or undefined when it is not of DURATION_FORMAT. */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === "") return undefined;
  const [, hours, minutes, seconds] = m;
  return Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0);
}

/** The time a sync itself may take (the DNS API's list and change calls) on top of the interval. */
export const SYNC_MARGIN_SECONDS = 30;

/**
 * How long a teardown waits between deleting the Ingresses and deleting external-dns. With `sync`,
 * external-dns deletes the records it owns and no longer publishes: the deletion triggers a sync
 * within seconds (`--events`), and the wait covers a missed event too (one full interval and a
 * sync). With `upsert-only` it never deletes a record, so waiting would change nothing: 0.
 */
export function recordsSettleSeconds(intervalSeconds: number, policy: "upsert-only" | "sync"): number {
  return policy === "sync" ? intervalSeconds + SYNC_MARGIN_SECONDS : 0;
}
