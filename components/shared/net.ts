/**
 * IPv4 CIDR arithmetic, in one place for config validation (stacks/validation.ts) and the cluster
 * targets' own checks (EKS deployer CIDRs, the AKS deployer VNet). No Pulumi import.
 */

/** Parses an IPv4 CIDR; returns undefined when malformed. */
export function parseCidr(cidr: string): { base: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { base, prefix };
}

export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/** The network address of a parsed CIDR (host bits cleared). */
export function networkOf(c: { base: number; prefix: number }): number {
  return c.base - (c.base % blockSize(c.prefix));
}

/** Whether two canonical CIDRs overlap. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return false;
  const [xs, ys] = [networkOf(x), networkOf(y)];
  return xs < ys + blockSize(y.prefix) && ys < xs + blockSize(x.prefix);
}

/** Whether `inner` lies entirely inside `outer` (an address is a /32). */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner.includes("/") ? inner : `${inner}/32`);
  if (!o || !i) return false;
  const os = networkOf(o);
  return i.prefix >= o.prefix && i.base >= os && i.base < os + blockSize(o.prefix);
}

/** CIDRs that open an endpoint to the whole internet. */
export function isOpenToWorld(c: string): boolean {
  const p = parseCidr(c);
  return p !== undefined && p.prefix === 0;
}

/**
 * The `index`-th block of prefix length `prefix` counted from the address `start`, as a CIDR:
 * `subnetAt(<10.0.0.0>, 19, 2)` is "10.0.64.0/19". `start` should be aligned to `prefix`.
 */
export function subnetAt(start: number, prefix: number, index: number): string {
  return `${formatIp(start + index * blockSize(prefix))}/${prefix}`;
}
