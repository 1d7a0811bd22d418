/**
 * Renders the platform's flows (./flows.ts) into NetworkPolicy specs: per add-on namespace a
 * default deny of everything in and out, and per pod group one policy with the egress rules of the
 * flows it starts and the ingress rules of the flows it ends. Plain data, no Pulumi resources.
 */
import type * as k8s from "@pulumi/kubernetes";
import { ADDON_NAMESPACES } from "../namespaces";
import { Endpoint, Flow, FlowPort } from "./flows";
import { PodGroup } from "./groups";
import { TARGET_NETWORK } from "./targets";
import type { ClusterTarget } from "../../cluster/types";

type Spec = k8s.types.input.networking.v1.NetworkPolicySpec;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/** A rule as built here: no peers means any address, no ports every port. */
export interface Rule {
  peers: Peer[];
  ports: FlowPort[];
}

/** The label the API server puts on every namespace (its name). */
const NAMESPACE_NAME = "kubernetes.io/metadata.name";

/** Namespaces that hold no apps: the cluster's own and the add-ons'. */
export const NON_APP_NAMESPACES: readonly string[] = [
  "kube-system",
  "kube-public",
  "kube-node-lease",
  ...ADDON_NAMESPACES,
];

const namespaceOf = (namespace: string): Peer["namespaceSelector"] => ({
  matchLabels: { [NAMESPACE_NAME]: namespace },
});

/** The peer an endpoint is seen as from the other end (undefined: any address). */
export function peerOf(e: Endpoint, target: ClusterTarget): Peer | undefined {
  switch (e.kind) {
    case "pods":
      return { namespaceSelector: namespaceOf(e.group.namespace), podSelector: e.group.selector };
    case "cluster-dns": {
      const dns = TARGET_NETWORK[target].dns;
      return { namespaceSelector: namespaceOf(dns.namespace), podSelector: dns.selector };
    }
    case "app-pods":
      return {
        namespaceSelector: {
          matchExpressions: [{ key: NAMESPACE_NAME, operator: "NotIn", values: [...NON_APP_NAMESPACES] }],
        },
      };
    case "all-pods":
      return { namespaceSelector: {} };
    case "outside":
      return e.cidr ? { ipBlock: { cidr: e.cidr } } : undefined;
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const portKey = (p: FlowPort) => `${p.protocol}/${p.port}`;

/** Whether `a`'s ports include every port of `b` (an empty list is every port). */
function portsCover(a: FlowPort[], b: FlowPort[]): boolean {
  if (a.length === 0) return true;
  if (b.length === 0) return false;
  const have = new Set(a.map(portKey));
  return b.every((p) => have.has(portKey(p)));
}

/** Whether `a`'s peers include every address or pod `b`'s do. */
function peersCover(a: Peer[], b: Peer[]): boolean {
  if (a.length === 0) return true;
  if (b.length === 0) return false;
  const allPods = a.some((p) => same(p, { namespaceSelector: {} }));
  return b.every((q) => a.some((p) => same(p, q)) || (allPods && q.ipBlock === undefined));
}

/**
 * Rules with the same peers become one (their ports joined); a rule another one covers (its
 * peers and ports) is left out, so a policy lists each allowance once.
 */
export function mergeRules(rules: Rule[]): Rule[] {
  const merged: Rule[] = [];
  for (const r of rules) {
    const twin = merged.find((m) => same(m.peers, r.peers));
    if (!twin) {
      merged.push({ peers: [...r.peers], ports: [...r.ports] });
      continue;
    }
    if (twin.ports.length === 0 || r.ports.length === 0) twin.ports = [];
    else for (const p of r.ports) if (!twin.ports.some((q) => same(q, p))) twin.ports.push(p);
  }
  const covers = (o: Rule, r: Rule) => peersCover(o.peers, r.peers) && portsCover(o.ports, r.ports);
  // Left out: a rule another covers (of two that cover each other, the later one).
  return merged.filter((r, i) => !merged.some((o, j) => j !== i && covers(o, r) && (!covers(r, o) || j < i)));
}

/** The k8s form of a rule's ports (omitted: every port). */
const k8sPorts = (ports: FlowPort[]) =>
  ports.length > 0 ? { ports: ports.map((p) => ({ port: p.port, protocol: p.protocol })) } : {};

/** One pod group's policy: the egress of the flows it starts, the ingress of those it ends. */
export function groupPolicySpec(group: PodGroup, flows: Flow[], target: ClusterTarget): Spec | undefined {
  const isGroup = (e: Endpoint) =>
    e.kind === "pods" && e.group.id === group.id && e.group.namespace === group.namespace;
  const rule = (other: Endpoint, ports: FlowPort[]): Rule => {
    const peer = peerOf(other, target);
    return { peers: peer ? [peer] : [], ports };
  };
  const egress = mergeRules(flows.filter((f) => isGroup(f.from)).map((f) => rule(f.to, f.ports)));
  const ingress = mergeRules(flows.filter((f) => isGroup(f.to)).map((f) => rule(f.from, f.ports)));
  if (egress.length === 0 && ingress.length === 0) return undefined;
  return {
    podSelector: group.selector,
    policyTypes: [...(ingress.length ? ["Ingress"] : []), ...(egress.length ? ["Egress"] : [])],
    ...(ingress.length
      ? {
          ingress: ingress.map((r) => ({
            ...(r.peers.length ? { from: r.peers } : {}),
            ...k8sPorts(r.ports),
          })),
        }
      : {}),
    ...(egress.length
      ? { egress: egress.map((r) => ({ ...(r.peers.length ? { to: r.peers } : {}), ...k8sPorts(r.ports) })) }
      : {}),
  };
}

/** Every pod of the namespace: nothing in or out unless a policy of one of its groups allows it. */
export const DEFAULT_DENY: Spec = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };

/** A NetworkPolicy to create: its object name and spec. */
export interface NamedSpec {
  name: string;
  spec: Spec;
  /** The namespace this policy was in before (PodGroup.movedFrom). */
  movedFrom?: string;
}

/** The platform pod groups `flows` name, in the order they first appear. */
export function groupsOf(flows: Flow[]): PodGroup[] {
  const out: PodGroup[] = [];
  for (const f of flows)
    for (const e of [f.from, f.to])
      if (e.kind === "pods" && !out.some((g) => g.id === e.group.id && g.namespace === e.group.namespace))
        out.push(e.group);
  return out;
}

/** The policies of every namespace `flows` touch: default deny first, then one per pod group. */
export function namespacePolicies(flows: Flow[], target: ClusterTarget): Map<string, NamedSpec[]> {
  const out = new Map<string, NamedSpec[]>();
  for (const g of groupsOf(flows)) {
    const list = out.get(g.namespace) ?? [{ name: "default-deny", spec: DEFAULT_DENY }];
    const spec = groupPolicySpec(g, flows, target);
    if (spec) list.push({ name: `allow-${g.id}`, spec, ...(g.movedFrom ? { movedFrom: g.movedFrom } : {}) });
    out.set(g.namespace, list);
  }
  return out;
}
