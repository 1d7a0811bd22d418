/**
 * The networks a stack allows to reach the Kubernetes API server, per target, and the
 * documentation ranges among them (components/shared/documentation-ranges.ts): refused in prod, a
 * warning in dev (the API server would answer only the other networks listed).
 */
import { DocumentationRange, documentationRangeOf } from "../components/shared/documentation-ranges";
import type { Problem } from "../components/shared/problems";
import type { Profile } from "../components/shared/profile";
import { formatPath } from "./validation";

/** One listed network: where it is under `cluster` and its value. */
export interface ApiNetwork {
  path: (string | number)[];
  cidr: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** The strings of a list at `path` (other items are the schema's to report). */
function listAt(list: unknown, path: string[], field?: string): ApiNetwork[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown, i) => {
    const v = field === undefined ? item : obj(item)[field];
    return typeof v === "string"
      ? [{ path: [...path, i, ...(field === undefined ? [] : [field])], cidr: v }]
      : [];
  });
}

/**
 * The API-access networks of a (raw) `cluster` section: EKS's public endpoint CIDRs and deployer
 * network, GKE's master authorized networks, AKS's authorized IP ranges, the DOKS control-plane
 * firewall; an existing cluster lists none.
 */
export function apiAccessNetworks(cluster: unknown): ApiNetwork[] {
  const c = obj(cluster);
  switch (c.target) {
    case "eks":
      return [
        ...listAt(c.publicAccessCidrs, ["publicAccessCidrs"]),
        ...listAt(obj(c.deployerNetwork).cidrs, ["deployerNetwork", "cidrs"]),
      ];
    case "gke":
      return listAt(c.masterAuthorizedNetworks, ["masterAuthorizedNetworks"], "cidr");
    case "aks":
      return listAt(c.authorizedIpRanges, ["authorizedIpRanges"]);
    case "doks":
      return listAt(c.apiAllowedAddresses, ["apiAllowedAddresses"]);
    default:
      return [];
  }
}

/** The listed networks that lie inside a documentation range, with the range. */
export function documentationNetworks(cluster: unknown): (ApiNetwork & { range: DocumentationRange })[] {
  return apiAccessNetworks(cluster).flatMap((n) => {
    const range = documentationRangeOf(n.cidr);
    return range ? [{ ...n, range }] : [];
  });
}

const WHAT = (r: DocumentationRange) =>
  `is inside ${r.name} (${r.cidr}), a documentation range (RFC 5737): no machine has these addresses`;

/**
 * What to list instead, for both messages. The lists of a public endpoint hold public addresses;
 * EKS's `deployerNetwork.cidrs` are the deployer's networks behind the transit gateway, routed to it
 * from the private subnets (components/cluster/eks/checks.ts), private addresses as a rule.
 */
function instead(n: ApiNetwork): string {
  if (n.path[0] === "deployerNetwork") {
    return (
      "the private CIDRs of the networks that run `pulumi up` (the CI runners' subnets, the VPN's address pool) " +
      "as the transit gateway reaches them, not overlapping vpcCidr"
    );
  }
  return (
    "the public egress CIDRs of your office, VPN and the machine that runs `pulumi up` (this machine's: " +
    "`curl -s https://checkip.amazonaws.com`, as a /32)"
  );
}

/** Prod: each documentation range is a problem (paths relative to `cluster`), saying what to list instead. */
export function documentationRangeProblems(profile: Profile, cluster: unknown): Problem[] {
  if (profile !== "prod") return [];
  return documentationNetworks(cluster).map((n) => ({
    path: n.path,
    message: `${WHAT(n.range)}; list ${instead(n)}`,
  }));
}

/** Dev: each documentation range is a warning line naming the key (prod refuses them). */
export function documentationRangeWarnings(profile: Profile, cluster: unknown): string[] {
  if (profile !== "dev") return [];
  return documentationNetworks(cluster).map(
    (n) =>
      `${formatPath(["cluster", ...n.path])}: ${n.cidr} ${WHAT(n.range)}, so only the other networks listed ` +
      `reach the API server and \`pulumi up\` times out unless it runs in one of them; list ${instead(n)} ` +
      "(prod refuses it)",
  );
}
