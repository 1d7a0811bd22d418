/** The reference checks over an inventory; each problem names the object, the reference and why. */
import {
  Inventory,
  LabelSelector,
  Peer,
  PodGroup,
  PortRef,
  PolicyRule,
  list,
  rec,
  selects,
} from "./integrity-model";

const show = (s: unknown) => JSON.stringify(s);

/** Whether a pod group has a port: by name for a string, by number (and protocol) otherwise. */
function hasPort(pods: PodGroup, port: number | string, protocol = "TCP"): boolean {
  return pods.ports.some((p: PortRef) =>
    typeof port === "string" ? p.name === port : p.port === port && p.protocol === protocol,
  );
}

function podsIn(inv: Inventory, namespaces: string[], selector: LabelSelector): PodGroup[] {
  return inv.pods.filter((p) => namespaces.includes(p.namespace) && selects(selector, p.labels));
}

function namespacesMatching(inv: Inventory, selector: LabelSelector): string[] {
  return inv.namespaces.filter((n) => selects(selector, n.labels)).map((n) => n.name);
}

function monitorProblems(inv: Inventory): string[] {
  const out: string[] = [];
  for (const m of inv.monitors) {
    const nsSel = m.namespaceSelector ?? {};
    const namespaces = nsSel.any ? inv.namespaces.map((n) => n.name) : (nsSel.matchNames ?? [m.namespace]);
    if (m.kind === "PodMonitor") {
      const pods = podsIn(inv, namespaces, m.selector);
      if (pods.length === 0)
        out.push(`${m.owner}: selects no pods (${show(m.selector)} in ${namespaces.join(", ")})`);
      for (const e of m.endpoints) {
        const port = e.port ?? e.targetPort;
        if (pods.length > 0 && port !== undefined && !pods.some((p) => hasPort(p, port))) {
          out.push(`${m.owner}: port ${show(port)} is no port of the pods it selects`);
        }
      }
      continue;
    }
    const services = inv.services.filter(
      (s) => namespaces.includes(s.namespace) && selects(m.selector, s.labels),
    );
    if (services.length === 0) {
      out.push(`${m.owner}: selects no Service (${show(m.selector)} in ${namespaces.join(", ")})`);
      continue;
    }
    for (const e of m.endpoints) {
      if (e.port !== undefined && !services.some((s) => s.ports.some((p) => p.name === e.port))) {
        const have = services.map((s) => `${s.name}: ${s.ports.map((p) => p.name ?? p.port).join(", ")}`);
        out.push(
          `${m.owner}: port ${show(e.port)} is no port of the Services it selects (${have.join("; ")})`,
        );
      }
      if (e.targetPort !== undefined) {
        const pods = services.flatMap((s) =>
          s.selector ? podsIn(inv, [s.namespace], { matchLabels: s.selector }) : [],
        );
        if (!pods.some((p) => hasPort(p, e.targetPort!))) {
          out.push(`${m.owner}: targetPort ${show(e.targetPort)} is no port of the selected Services' pods`);
        }
      }
    }
  }
  return out;
}

function serviceProblems(inv: Inventory): string[] {
  const out: string[] = [];
  for (const s of inv.services) {
    if (!s.selector) continue; // endpoints managed elsewhere (the API server, the operator's kubelet controller)
    const pods = podsIn(inv, [s.namespace], { matchLabels: s.selector });
    if (pods.length === 0) {
      out.push(`${s.owner}: its selector ${show(s.selector)} matches no pods in ${s.namespace}`);
      continue;
    }
    for (const p of s.ports) {
      const target = p.targetPort ?? p.port;
      if (!pods.some((g) => hasPort(g, target))) {
        out.push(`${s.owner}: port ${p.name ?? p.port} targets ${show(target)}, which its pods do not have`);
      }
    }
  }
  return out;
}

function pdbProblems(inv: Inventory): string[] {
  return inv.pdbs
    .filter((b) => podsIn(inv, [b.namespace], b.selector).length === 0)
    .map((b) => `${b.owner}: its selector ${show(b.selector)} matches no pods in ${b.namespace}`);
}

/** The pods a peer selects, seen from a policy in `namespace` (undefined for ipBlock peers). */
function peerPods(inv: Inventory, namespace: string, peer: Peer): PodGroup[] | undefined {
  if (peer.ipBlock !== undefined) return undefined;
  const namespaces = peer.namespaceSelector ? namespacesMatching(inv, peer.namespaceSelector) : [namespace];
  return podsIn(inv, namespaces, peer.podSelector ?? {});
}

function ruleProblems(
  inv: Inventory,
  owner: string,
  namespace: string,
  direction: "ingress" | "egress",
  rule: PolicyRule,
  own: PodGroup[],
): string[] {
  const out: string[] = [];
  const reached: PodGroup[] = [];
  let ipPeers = false;
  for (const peer of rule.peers ?? []) {
    const pods = peerPods(inv, namespace, peer);
    if (!pods) {
      ipPeers = true;
      continue;
    }
    if (pods.length === 0) out.push(`${owner}: ${direction} peer ${show(peer)} selects no pods`);
    reached.push(...pods);
  }
  // Ingress ports are ports of the policy's own pods; egress ports those of the pods it reaches
  // (not checked towards addresses: ipBlock peers, or no peers at all).
  const egressToPodsOnly = direction === "egress" && (rule.peers?.length ?? 0) > 0 && !ipPeers;
  if (direction === "egress" && !egressToPodsOnly) return out;
  const portOwners = direction === "ingress" ? own : reached;
  for (const p of rule.ports ?? []) {
    if (p.port === undefined || portOwners.length === 0) continue;
    if (!portOwners.some((g) => hasPort(g, p.port!, p.protocol ?? "TCP"))) {
      out.push(
        `${owner}: ${direction} port ${show(p.port)}/${p.protocol ?? "TCP"} is no port of the pods it applies to`,
      );
    }
  }
  return out;
}

function policyProblems(inv: Inventory): string[] {
  const out: string[] = [];
  for (const n of inv.policies) {
    const own = podsIn(inv, [n.namespace], n.podSelector);
    const selectsAll =
      Object.keys(n.podSelector.matchLabels ?? {}).length === 0 && !n.podSelector.matchExpressions?.length;
    if (!selectsAll && own.length === 0) {
      out.push(`${n.owner}: its podSelector ${show(n.podSelector)} matches no pods in ${n.namespace}`);
    }
    for (const r of n.ingress) out.push(...ruleProblems(inv, n.owner, n.namespace, "ingress", r, own));
    for (const r of n.egress) out.push(...ruleProblems(inv, n.owner, n.namespace, "egress", r, own));
  }
  return out;
}

function ingressProblems(inv: Inventory): string[] {
  const out: string[] = [];
  for (const ing of inv.ingresses) {
    const ns = ing.metadata?.namespace ?? "default";
    const owner = `Ingress ${ns}/${ing.metadata?.name}`;
    const spec = rec(ing.spec);
    const cls = spec.ingressClassName as string | undefined;
    if (cls !== undefined && !inv.ingressClasses.includes(cls)) {
      out.push(
        `${owner}: IngressClass ${show(cls)} does not exist (${inv.ingressClasses.join(", ") || "none"})`,
      );
    }
    const backends = [
      ...(spec.defaultBackend ? [spec.defaultBackend] : []),
      ...list(spec.rules).flatMap((r) => list(rec(rec(r).http).paths).map((p) => rec(p).backend)),
    ];
    for (const b of backends) {
      const service = rec(rec(b).service);
      const port = rec(service.port);
      const svc = inv.services.find((s) => s.namespace === ns && s.name === service.name);
      if (!svc) {
        out.push(`${owner}: backend Service ${show(service.name)} does not exist in ${ns}`);
      } else if (
        !svc.ports.some((p) => (port.name !== undefined ? p.name === port.name : p.port === port.number))
      ) {
        out.push(`${owner}: backend Service ${svc.name} has no port ${show(port.name ?? port.number)}`);
      }
    }
    const annotations = ing.metadata?.annotations ?? {};
    const ci = annotations["cert-manager.io/cluster-issuer"];
    if (ci !== undefined) out.push(...issuerProblem(inv, owner, { name: ci, kind: "ClusterIssuer" }, ns));
    const iss = annotations["cert-manager.io/issuer"];
    if (iss !== undefined) out.push(...issuerProblem(inv, owner, { name: iss, kind: "Issuer" }, ns));
  }
  return out;
}

function issuerProblem(inv: Inventory, owner: string, ref: Record<string, unknown>, ns: string): string[] {
  const kind = String(ref.kind ?? "Issuer"); // cert-manager's default issuerRef kind
  const group = String(ref.group ?? "cert-manager.io");
  if (group !== "cert-manager.io") return []; // an external issuer: not modelled
  const found = inv.issuers.some(
    (i) =>
      i.kind === kind &&
      i.metadata?.name === ref.name &&
      (kind === "ClusterIssuer" || i.metadata?.namespace === ns),
  );
  return found
    ? []
    : [`${owner}: ${kind} ${show(ref.name)} does not exist${kind === "Issuer" ? ` in ${ns}` : ""}`];
}

/** cert-manager's cluster resource namespace (its chart's `clusterResourceNamespace` default: its own). */
const CLUSTER_RESOURCE_NAMESPACE = "cert-manager";

function certificateProblems(inv: Inventory): string[] {
  const out: string[] = [];
  for (const c of inv.certificates) {
    const ns = c.metadata?.namespace ?? "default";
    out.push(...issuerProblem(inv, `Certificate ${ns}/${c.metadata?.name}`, rec(rec(c.spec).issuerRef), ns));
  }
  for (const i of inv.issuers) {
    const secret = rec(rec(i.spec).ca).secretName;
    if (secret === undefined) continue;
    const ns = i.kind === "ClusterIssuer" ? CLUSTER_RESOURCE_NAMESPACE : (i.metadata?.namespace ?? "default");
    const issued = inv.certificates.some(
      (c) => c.metadata?.namespace === ns && rec(c.spec).secretName === secret,
    );
    if (!issued)
      out.push(
        `${i.kind} ${i.metadata?.name}: its CA Secret ${show(secret)} is issued by no Certificate in ${ns}`,
      );
  }
  return out;
}

function hpaProblems(inv: Inventory): string[] {
  return inv.hpas.flatMap((h) => {
    const ns = h.metadata?.namespace ?? "default";
    const ref = rec(rec(h.spec).scaleTargetRef);
    const ok =
      ref.kind !== "Deployment" || inv.deployments.some((d) => d.namespace === ns && d.name === ref.name);
    return ok
      ? []
      : [`HorizontalPodAutoscaler ${ns}/${h.metadata?.name}: Deployment ${show(ref.name)} does not exist`];
  });
}

function spreadProblems(inv: Inventory): string[] {
  return inv.pods.flatMap((p) =>
    p.selfSelectors
      .filter((s) => !selects(s.selector, p.labels))
      .map((s) => `${p.owner}: its ${s.where} selector ${show(s.selector)} does not select its own pods`),
  );
}

/** Every broken reference of an inventory. */
export function inventoryProblems(inv: Inventory): string[] {
  return [
    ...inv.problems,
    ...monitorProblems(inv),
    ...serviceProblems(inv),
    ...pdbProblems(inv),
    ...policyProblems(inv),
    ...ingressProblems(inv),
    ...certificateProblems(inv),
    ...hpaProblems(inv),
    ...spreadProblems(inv),
  ];
}
