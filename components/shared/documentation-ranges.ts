/**
 * The address blocks reserved for documentation (RFC 5737, "IPv4 Address Blocks Reserved for
 * Documentation", section 3): no machine has these addresses, so a network of them in an API
 * allow-list is a placeholder left from an example. Stack config refuses them in prod and warns in
 * dev; the deployability rules advise. No Pulumi import.
 */
import { cidrContains } from "./net";

export interface DocumentationRange {
  /** RFC 5737's name of the block. */
  name: string;
  cidr: string;
}

export const DOCUMENTATION_RANGES: readonly DocumentationRange[] = [
  { name: "TEST-NET-1", cidr: "192.0.2.0/24" },
  { name: "TEST-NET-2", cidr: "198.51.100.0/24" },
  { name: "TEST-NET-3", cidr: "203.0.113.0/24" },
];

/**
 * The documentation range a CIDR (or address) lies entirely inside; undefined otherwise. A wider
 * network that merely contains one (192.0.0.0/16) is a real network and is not one of them.
 */
export function documentationRangeOf(cidr: string): DocumentationRange | undefined {
  return DOCUMENTATION_RANGES.find((r) => cidrContains(r.cidr, cidr.trim()));
}
