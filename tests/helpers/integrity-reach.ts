/**
 * NetworkPolicy reachability over an integrity inventory: whether a flow from one place to another
 * on one port is allowed at both of its ends, the source's egress and the destination's ingress.
 * Kubernetes "Network Policies": a pod is isolated in a direction once any policy of its namespace
 * selects it with that policy type; then a connection is allowed only if some rule of such a policy
 * has a peer matching the other end and a port matching the destination pod's port (policies see
 * pod ports, after a Service's translation). Policies add up; nothing denies explicitly. An
 * `ipBlock` is taken to match addresses outside the pod network only (pod IPs are
 * implementation-defined), and a pod selector never matches such an address. Host-network pods are
 * addresses here (node IPs): policies do not apply to them on most implementations.
 */
import { WEBHOOK_PORTS, chartName } from "../../rules/webhooks";
import { cidrContains } from "../../components/shared/net";
import {
  Inventory,
  LabelSelector,
  PodGroup,
  PolicyRule,
  StackView,
  list,
  rec,
  selects,
} from "./integrity-model";

/** One end of a flow: the pods a selector picks in a namespace, or an address outside the pod network. */
export type Site = { namespace: string; pods: LabelSelector } | { address: string; what: string };

export interface FlowCase {
  from: Site;
  to: Site;
  port: number;
  protocol?: "TCP" | "UDP";
  why: string;
}

type End = { pod: PodGroup } | { address: string; what: string };

const show = (s: unknown) => JSON.stringify(s);

export function siteName(s: Site): string {
  return "address" in s
    ? `${s.what} (${s.address})`
    : `${s.namespace} pods ${show(s.pods.matchLabels ?? s.pods)}`;
}

function ends(inv: Inventory, s: Site): End[] {
  if ("address" in s) return [{ address: s.address, what: s.what }];
  return inv.pods
    .filter((p) => p.namespace === s.namespace && selects(s.pods, p.labels))
    .map((pod) => ({ pod }));
}

function namespaceLabels(inv: Inventory, name: string): Record<string, string> {
  return inv.namespaces.find((n) => n.name === name)?.labels ?? { "kubernetes.io/metadata.name": name };
}

/** Whether one peer of a policy in `policyNamespace` matches the other end. */
function peerMatches(
  inv: Inventory,
  policyNamespace: string,
  peer: Record<string, unknown>,
  other: End,
): boolean {
  if (peer.ipBlock !== undefined) {
    if (!("address" in other)) return false;
    const block = rec(peer.ipBlock);
    const ip = `${other.address}/32`;
    return (
      cidrContains(String(block.cidr), ip) && !list(block.except).some((e) => cidrContains(String(e), ip))
    );
  }
  if ("address" in other) return false;
  const nsSelector = peer.namespaceSelector as LabelSelector | undefined;
  const inNamespace = nsSelector
    ? selects(nsSelector, namespaceLabels(inv, other.pod.namespace))
    : other.pod.namespace === policyNamespace;
  return inNamespace && selects((peer.podSelector as LabelSelector | undefined) ?? {}, other.pod.labels);
}

/** Whether a rule's ports admit `port`/`protocol` on the destination (a named port: the destination pod's). */
function portMatches(rule: PolicyRule, port: number, protocol: string, destination: End): boolean {
  const ports = rule.ports ?? [];
  if (ports.length === 0) return true;
  return ports.some((p) => {
    const q = rec(p);
    if (String(q.protocol ?? "TCP") !== protocol) return false;
    if (q.port === undefined) return true;
    if (typeof q.port === "number") {
      const endPort = typeof q.endPort === "number" ? q.endPort : q.port;
      return port >= q.port && port <= endPort;
    }
    return "pod" in destination && destination.pod.ports.some((d) => d.name === q.port && d.port === port);
  });
}

/**
 * Why the pod at one end refuses the flow in `direction` (undefined: allowed). Egress is judged at
 * the source against the destination, ingress at the destination against the source.
 */
function refusal(
  inv: Inventory,
  direction: "Ingress" | "Egress",
  self: PodGroup,
  other: End,
  port: number,
  protocol: string,
  destination: End,
): string | undefined {
  const isolating = inv.policies.filter(
    (p) =>
      p.namespace === self.namespace &&
      p.policyTypes.includes(direction) &&
      selects(p.podSelector, self.labels),
  );
  if (isolating.length === 0) return undefined;
  const rules = (p: (typeof isolating)[number]) => (direction === "Egress" ? p.egress : p.ingress);
  const allowed = isolating.some((p) =>
    rules(p).some(
      (r) =>
        ((r.peers ?? []).length === 0 ||
          (r.peers ?? []).some((peer) => peerMatches(inv, p.namespace, rec(peer), other))) &&
        portMatches(r, port, protocol, destination),
    ),
  );
  return allowed
    ? undefined
    : `${direction.toLowerCase()} of ${self.owner} (${isolating.map((p) => p.owner).join(", ")})`;
}

/** Every reason the flow is refused; empty when both ends allow it for every pod they select. */
export function flowRefusals(inv: Inventory, flow: FlowCase): string[] {
  const protocol = flow.protocol ?? "TCP";
  const from = ends(inv, flow.from);
  const to = ends(inv, flow.to);
  const out: string[] = [];
  if (from.length === 0) out.push(`no pods at the source: ${siteName(flow.from)}`);
  if (to.length === 0) out.push(`no pods at the destination: ${siteName(flow.to)}`);
  for (const src of from)
    for (const dst of to) {
      const egress =
        "pod" in src ? refusal(inv, "Egress", src.pod, dst, flow.port, protocol, dst) : undefined;
      const ingress =
        "pod" in dst ? refusal(inv, "Ingress", dst.pod, src, flow.port, protocol, dst) : undefined;
      for (const r of [egress, ingress]) if (r && !out.includes(r)) out.push(r);
    }
  return out;
}

/** A flow's one-line name in messages. */
export function flowName(f: FlowCase): string {
  return `${siteName(f.from)} → ${siteName(f.to)} ${f.protocol ?? "TCP"}/${f.port} (${f.why})`;
}

/** The pods of exactly one pod group, as a site. */
export const groupSite = (g: PodGroup): Site => ({ namespace: g.namespace, pods: { matchLabels: g.labels } });

/**
 * Prometheus' scrape of every ServiceMonitor endpoint whose Service selects pods: Prometheus →
 * each selected pod on the endpoint's target port. Selector-less Services (the API server's,
 * the operator's kubelet endpoints) are returned apart: their addresses are the target's.
 */
export function scrapeFlows(inv: Inventory, prometheus: Site): { flows: FlowCase[]; selectorless: string[] } {
  const flows: FlowCase[] = [];
  const selectorless: string[] = [];
  for (const m of inv.monitors.filter((x) => x.kind === "ServiceMonitor")) {
    const nsSel = m.namespaceSelector ?? {};
    const namespaces = nsSel.any ? inv.namespaces.map((n) => n.name) : (nsSel.matchNames ?? [m.namespace]);
    const services = inv.services.filter(
      (s) => namespaces.includes(s.namespace) && selects(m.selector, s.labels),
    );
    for (const s of services)
      for (const e of m.endpoints) {
        const sp = s.ports.find((p) => p.name === e.port);
        if (!sp) continue;
        if (!s.selector) {
          selectorless.push(`${s.namespace}/${s.name}:${sp.name}`);
          continue;
        }
        const target = sp.targetPort ?? sp.port;
        for (const pod of inv.pods.filter(
          (p) => p.namespace === s.namespace && selects({ matchLabels: s.selector }, p.labels),
        )) {
          const port = typeof target === "number" ? target : pod.ports.find((p) => p.name === target)?.port;
          if (port === undefined) continue;
          flows.push({ from: prometheus, to: groupSite(pod), port, why: `scrape ${m.owner}` });
        }
      }
  }
  return { flows, selectorless: [...new Set(selectorless)].sort() };
}

/**
 * The control plane's calls to every admission webhook and aggregated API of the releases
 * (rules/webhooks.ts on each release's values): from `controlPlane` to each pod of the release's
 * namespace that listens on the port.
 */
export function webhookFlows(inv: Inventory, view: StackView, controlPlane: Site): FlowCase[] {
  return view.releases.flatMap((r) =>
    (WEBHOOK_PORTS[chartName(r.chart)]?.(r.values) ?? []).flatMap((w) => {
      const pods = inv.pods.filter(
        (p) => p.namespace === r.namespace && p.ports.some((q) => q.port === w.port),
      );
      const why = `${w.what} (${w.key})`;
      return pods.length > 0
        ? pods.map((p) => ({ from: controlPlane, to: groupSite(p), port: w.port, why }))
        : [
            {
              from: controlPlane,
              to: { namespace: r.namespace, pods: { matchLabels: { "no-pod-listens": String(w.port) } } },
              port: w.port,
              why,
            },
          ];
    }),
  );
}
