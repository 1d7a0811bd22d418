/**
 * The modeled deploy: the registered resources as a dependency graph weighted by provisioning
 * durations, its longest (critical) path and the physical limit it is compared with.
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

import type { RecordedResource } from "../offline/mocks";
import { providerUrnOf } from "../offline/urns";

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

export type GroupKind = "cluster" | "addon" | "app";

export interface Group {
  kind: GroupKind;
  /** URN and name of the component that forms the group. */
  urn: string;
  name: string;
}

/** Which component types form groups (an add-on, an app, the cluster). */
export type Classifier = (type: string) => GroupKind | undefined;

/** The platform's components: each add-on, each app, the cluster. */
export const platformClassifier: Classifier = (type) => {
  if (type === "kube-platform:workloads:App") return "app";
  if (type.startsWith("kube-platform:cluster:")) return "cluster";
  if (type.startsWith("kube-platform:addons:") && type !== "kube-platform:addons:PlatformAddOns")
    return "addon";
  return undefined;
};

/** Each node's group: its nearest ancestor (itself included) whose type the classifier names. */
export function groupsOf(graph: DeployGraph, classify: Classifier): Map<string, Group | undefined> {
  const memo = new Map<string, Group | undefined>();
  const resolve = (urn: string, depth: number): Group | undefined => {
    if (memo.has(urn)) return memo.get(urn);
    const n = graph.byUrn.get(urn);
    let g: Group | undefined;
    if (n && depth < 1000) {
      const kind = classify(n.type);
      g = kind ? { kind, urn: n.urn, name: n.name } : resolve(n.parent, depth + 1);
    }
    memo.set(urn, g);
    return g;
  };
  for (const n of graph.nodes) resolve(n.urn, 0);
  return new Map(graph.nodes.map((n) => [n.urn, memo.get(n.urn)]));
}

export interface LimitPart {
  seconds: number;
  /** What the figure is (resource or group name), "" when there is none. */
  what: string;
}

export interface PhysicalLimit {
  cluster: LimitPart;
  nodePool: LimitPart;
  addon: LimitPart;
  app: LimitPart;
  /** cluster + node pool + slowest add-on + app rollout. */
  total: number;
  /** cluster + node pool + max(slowest add-on, app rollout): add-ons and apps fully in parallel. */
  parallel: number;
}

export interface LimitSpec {
  classify: Classifier;
  isControlPlane: (type: string) => boolean;
  isNodePool: (type: string) => boolean;
}

export const PLATFORM_LIMIT_SPEC: LimitSpec = {
  classify: platformClassifier,
  isControlPlane: (t) =>
    [
      "aws:eks/cluster:Cluster",
      "gcp:container/cluster:Cluster",
      "azure-native:containerservice:ManagedCluster",
      "digitalocean:index/kubernetesCluster:KubernetesCluster",
    ].includes(t),
  isNodePool: (t) =>
    [
      "aws:eks/nodeGroup:NodeGroup",
      "gcp:container/nodePool:NodePool",
      "azure-native:containerservice:AgentPool",
      "digitalocean:index/kubernetesNodePool:KubernetesNodePool",
    ].includes(t),
};

function slowest(graph: DeployGraph, pick: (n: GraphNode) => boolean): LimitPart {
  let part: LimitPart = { seconds: 0, what: "" };
  for (const n of graph.nodes)
    if (pick(n) && n.seconds > part.seconds) part = { seconds: n.seconds, what: n.name };
  return part;
}

/** The slowest group of `kind`, timed by the longest path inside it (edges leaving it ignored). */
function slowestGroup(
  graph: DeployGraph,
  groups: Map<string, Group | undefined>,
  kind: GroupKind,
): LimitPart {
  const seen = new Map<string, Group>();
  for (const g of groups.values()) if (g?.kind === kind) seen.set(g.urn, g);
  let part: LimitPart = { seconds: 0, what: "" };
  for (const g of seen.values()) {
    const s = longestPath(graph, (n) => groups.get(n.urn)?.urn === g.urn).seconds;
    if (s > part.seconds) part = { seconds: s, what: g.name };
  }
  return part;
}

/**
 * The physical limit of a deploy: the slowest control plane, then the slowest node pool, then the
 * slowest add-on and an app rollout — each add-on and app timed on its own (the longest path through
 * its own resources), as if nothing else held it back.
 */
export function physicalLimit(graph: DeployGraph, spec: LimitSpec = PLATFORM_LIMIT_SPEC): PhysicalLimit {
  const groups = groupsOf(graph, spec.classify);
  const cluster = slowest(graph, (n) => spec.isControlPlane(n.type));
  const nodePool = slowest(graph, (n) => spec.isNodePool(n.type));
  const addon = slowestGroup(graph, groups, "addon");
  const app = slowestGroup(graph, groups, "app");
  const base = cluster.seconds + nodePool.seconds;
  return {
    cluster,
    nodePool,
    addon,
    app,
    total: base + addon.seconds + app.seconds,
    parallel: base + Math.max(addon.seconds, app.seconds),
  };
}

export interface Crossing {
  from: GraphNode;
  to: GraphNode;
  kind: EdgeKind;
  fromGroup: Group;
  toGroup: Group;
}

/** Edges from one add-on/app to another add-on/app (the waits between them). */
export function crossGroupEdges(
  graph: DeployGraph,
  classify: Classifier = platformClassifier,
  edges: Edge[] = graph.edges,
): Crossing[] {
  const groups = groupsOf(graph, classify);
  const out: Crossing[] = [];
  for (const e of edges) {
    if (e.kind === "component") continue;
    const fromGroup = groups.get(e.from);
    const toGroup = groups.get(e.to);
    if (!fromGroup || !toGroup || fromGroup.urn === toGroup.urn) continue;
    if (fromGroup.kind === "cluster" || toGroup.kind === "cluster") continue;
    out.push({
      from: graph.byUrn.get(e.from)!,
      to: graph.byUrn.get(e.to)!,
      kind: e.kind,
      fromGroup,
      toGroup,
    });
  }
  return out;
}

/** The cross-group edges a path takes (where the critical path goes from one add-on/app to another). */
export function pathCrossings(
  graph: DeployGraph,
  path: PathStep[],
  classify: Classifier = platformClassifier,
): Crossing[] {
  const onPath: Edge[] = [];
  for (let i = 1; i < path.length; i++) {
    onPath.push({ from: path[i - 1].node.urn, to: path[i].node.urn, kind: path[i].via ?? "dependsOn" });
  }
  return crossGroupEdges(graph, classify, onPath);
}

/** Labels of a Kubernetes object's pod template, and its namespace. */
function podTemplate(inputs: Record<string, unknown>): { ns: string; labels: Record<string, unknown> } {
  const spec = (inputs.spec ?? {}) as { template?: { metadata?: { labels?: Record<string, unknown> } } };
  return { ns: namespaceOf(inputs), labels: spec.template?.metadata?.labels ?? {} };
}

function namespaceOf(inputs: Record<string, unknown>): string {
  const meta = (inputs.metadata ?? {}) as { namespace?: unknown };
  return typeof meta.namespace === "string" ? meta.namespace : "default";
}

const WORKLOAD_TYPES = [
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
];

/**
 * The waits pulumi-kubernetes' await logic adds beyond the registered dependencies:
 *   - a Service with a selector waits for ready endpoints: the workloads in its namespace whose pod
 *     template labels match the selector;
 *   - an Ingress waits for status.loadBalancer, which its ingress controller publishes once running:
 *     the Helm releases of `controllerCharts`.
 */
export function modeledAwaitEdges(
  resources: GraphInput[],
  controllerCharts: string[],
  chartOf: (inputs: Record<string, unknown>) => string,
): Edge[] {
  const edges: Edge[] = [];
  const workloads = resources.filter((r) => WORKLOAD_TYPES.includes(r.type));
  const controllers = resources.filter(
    (r) => r.type === "kubernetes:helm.sh/v3:Release" && controllerCharts.includes(chartOf(r.inputs)),
  );
  for (const r of resources) {
    if (r.type === "kubernetes:core/v1:Service") {
      const spec = (r.inputs.spec ?? {}) as { selector?: Record<string, unknown>; type?: string };
      const selector = spec.selector ?? {};
      if (Object.keys(selector).length === 0 || spec.type === "ExternalName") continue;
      const ns = namespaceOf(r.inputs);
      for (const w of workloads) {
        const t = podTemplate(w.inputs);
        if (t.ns === ns && Object.entries(selector).every(([k, v]) => t.labels[k] === v)) {
          edges.push({ from: w.urn, to: r.urn, kind: "await", note: "Service waits for ready endpoints" });
        }
      }
    }
    if (r.type === "kubernetes:networking.k8s.io/v1:Ingress") {
      for (const c of controllers) {
        edges.push({
          from: c.urn,
          to: r.urn,
          kind: "await",
          note: "Ingress waits for its load-balancer status",
        });
      }
    }
  }
  return edges;
}
