/**
 * The DNS-1123 label rule (RFC 1123) as stack config applies it to cluster, node pool and storage
 * class names: lowercase alphanumerics and '-', starting with a letter. No Pulumi import.
 */
import { Problem } from "./problems";

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const DNS_LABEL_FORMAT =
  "must be a DNS-1123 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit";

/** The problems of `name` as a DNS-1123 label of at most `max` characters (both may be reported). */
export function dnsLabelProblems(name: string, max: number): Problem[] {
  const problems: Problem[] = [];
  if (!DNS_LABEL.test(name)) problems.push({ path: [], message: DNS_LABEL_FORMAT });
  if (name.length > max) problems.push({ path: [], message: `must be at most ${max} characters` });
  return problems;
}

/** Cluster names: a DNS label of at most this many characters on every target (cloud names derive from it). */
export const CLUSTER_NAME_MAX = 40;
