/**
 * Groups of the deploy graph (the cluster, each add-on, each app), the physical limit of a deploy
 * they give, and the edges from one group to another.
 */
import {
  longestPath,
  type DeployGraph,
  type Edge,
  type EdgeKind,
  type GraphNode,
  type PathStep,
} from "./build";

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
