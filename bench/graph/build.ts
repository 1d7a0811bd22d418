/**
 * The modeled deploy's graph: the registered resources as a dependency graph weighted by
 * provisioning durations, and its longest (critical) path.
 *
 * Edges (A → B: B starts once A is done):
 *   - dependsOn: B's recorded dependencies (explicit dependsOn and the resources behind its input
 *     Outputs — the URNs the engine receives);
 *   - provider: B uses provider A (a provider is configured from its inputs, e.g. a kubeconfig);
 *   - parent: only when A is a *custom* resource: the SDK awaits the parent's URN before registering
 *     B, and a custom resource's URN resolves once it is created. A ComponentResource's URN resolves
 *     at once, so a child does not wait for its component parent unless it depends on it;
 *   - component: a component is complete when its children are, so depending on a component (which
 *     the SDK expands to the component's descendants) waits for all of them. Components weigh 0;
 *   - await: waits the engine does not see but the provider's await logic imposes (a Service waits
 *     for the pods it selects, an Ingress for its controller's load-balancer status).
 */
import type { RecordedResource } from "../../offline/mocks";
import { providerUrnOf } from "../../offline/urns";

export type EdgeKind = "dependsOn" | "provider" | "parent" | "component" | "await";

/** A registered resource as the mocks record it (the fields the model uses). */
export type GraphInput = Pick<
  RecordedResource,
  "type" | "name" | "urn" | "parent" | "provider" | "custom" | "dependsOn" | "inputs"
>;

export interface GraphNode {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  /** Registration order (ties are broken by it). */
  index: number;
  seconds: number;
}

export interface Edge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Why an await edge exists. */
  note?: string;
}

export interface DeployGraph {
  nodes: GraphNode[];
  byUrn: Map<string, GraphNode>;
  edges: Edge[];
  /** Incoming edges per node (deduplicated: one edge per pair, the first kind found wins). */
  preds: Map<string, Edge[]>;
}

/** The URN of a provider reference "<urn>::<id>" ("" for the default provider). */
export const providerUrn = providerUrnOf;

const KIND_ORDER: EdgeKind[] = ["dependsOn", "provider", "parent", "await", "component"];

export function buildGraph(
  resources: GraphInput[],
  weight: (r: GraphInput) => number,
  awaitEdges: Edge[] = [],
): DeployGraph {
  const nodes: GraphNode[] = resources.map((r, index) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    custom: r.custom,
    parent: r.parent,
    index,
    seconds: weight(r),
  }));
  const byUrn = new Map(nodes.map((n) => [n.urn, n]));
  if (byUrn.size !== nodes.length) throw new Error("duplicate URNs in the registered resources");
  const candidates: Edge[] = [];
  for (const r of resources) {
    for (const dep of r.dependsOn) candidates.push({ from: dep, to: r.urn, kind: "dependsOn" });
    const prov = providerUrn(r.provider);
    if (prov) candidates.push({ from: prov, to: r.urn, kind: "provider" });
    const parent = byUrn.get(r.parent);
    if (parent) {
      candidates.push(
        parent.custom
          ? { from: parent.urn, to: r.urn, kind: "parent" }
          : { from: r.urn, to: parent.urn, kind: "component" },
      );
    }
  }
  candidates.push(...awaitEdges);
  candidates.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  const seen = new Set<string>();
  const edges: Edge[] = [];
  const preds = new Map<string, Edge[]>(nodes.map((n) => [n.urn, []]));
  for (const e of candidates) {
    // Dependencies outside the recorded set (e.g. the stack root) and self-edges carry no time.
    if (e.from === e.to || !byUrn.has(e.from) || !byUrn.has(e.to)) continue;
    const key = `${e.from}\n${e.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push(e);
    preds.get(e.to)!.push(e);
  }
  for (const list of preds.values()) list.sort((a, b) => byUrn.get(a.from)!.index - byUrn.get(b.from)!.index);
  return { nodes, byUrn, edges, preds };
}

export interface PathStep {
  node: GraphNode;
  start: number;
  finish: number;
  /** The edge that made this step wait (undefined for the first step). */
  via?: EdgeKind;
}

export interface PathResult {
  seconds: number;
  path: PathStep[];
  /** Finish time of every node considered. */
  finish: Map<string, number>;
}

/** Nodes in an order where every edge goes forward; throws on a cycle. Ties: registration order. */
export function topologicalOrder(
  graph: DeployGraph,
  include: (n: GraphNode) => boolean = () => true,
): GraphNode[] {
  const members = graph.nodes.filter(include);
  const inSet = new Set(members.map((n) => n.urn));
  const indegree = new Map(members.map((n) => [n.urn, 0]));
  const succs = new Map<string, string[]>(members.map((n) => [n.urn, []]));
  for (const e of graph.edges) {
    if (!inSet.has(e.from) || !inSet.has(e.to)) continue;
    indegree.set(e.to, indegree.get(e.to)! + 1);
    succs.get(e.from)!.push(e.to);
  }
  const ready = members.filter((n) => indegree.get(n.urn) === 0);
  const order: GraphNode[] = [];
  while (ready.length) {
    ready.sort((a, b) => a.index - b.index);
    const n = ready.shift()!;
    order.push(n);
    for (const s of succs.get(n.urn)!) {
      const d = indegree.get(s)! - 1;
      indegree.set(s, d);
      if (d === 0) ready.push(graph.byUrn.get(s)!);
    }
  }
  if (order.length !== members.length) {
    const stuck = members.filter((n) => !order.includes(n)).map((n) => n.name);
    throw new Error(`dependency cycle among: ${stuck.join(", ")}`);
  }
  return order;
}

/**
 * The longest weighted path (node weights) through the nodes `include` accepts, using only edges
 * between them. Ties: the earliest-registered predecessor, and the earliest-registered end node.
 * The path ends at a custom resource when there is one (a component's completion adds no time).
 */
export function longestPath(graph: DeployGraph, include: (n: GraphNode) => boolean = () => true): PathResult {
  const order = topologicalOrder(graph, include);
  const inSet = new Set(order.map((n) => n.urn));
  const finish = new Map<string, number>();
  const best = new Map<string, Edge | undefined>();
  for (const n of order) {
    let start = 0;
    let via: Edge | undefined;
    for (const e of graph.preds.get(n.urn)!) {
      if (!inSet.has(e.from)) continue;
      const f = finish.get(e.from)!;
      if (f > start) {
        start = f;
        via = e;
      }
    }
    finish.set(n.urn, start + n.seconds);
    best.set(n.urn, via);
  }
  const ends = order.some((n) => n.custom) ? order.filter((n) => n.custom) : order;
  let end: GraphNode | undefined;
  for (const n of [...ends].sort((a, b) => a.index - b.index)) {
    if (!end || finish.get(n.urn)! > finish.get(end.urn)!) end = n;
  }
  const path: PathStep[] = [];
  for (let cur = end; cur;) {
    const via = best.get(cur.urn);
    const f = finish.get(cur.urn)!;
    path.unshift({ node: cur, start: f - cur.seconds, finish: f, via: via?.kind });
    cur = via ? graph.byUrn.get(via.from) : undefined;
  }
  return { seconds: end ? finish.get(end.urn)! : 0, path, finish };
}
