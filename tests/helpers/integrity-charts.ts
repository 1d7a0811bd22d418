/** Turns the recorded objects of one chart configuration (objects.json) into inventory entries. */
import type { ChartConfiguration, ChartObjects, Labels } from "./chart-objects";
import { Inventory, PolicyRule, selectorsIn } from "./integrity-model";

type ValueOf = (dottedPath: string) => unknown;

const labelMap = (v: unknown): Labels =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Labels) : {};

/** Adds what `config` of `data` creates in a release installed into `releaseNamespace`. */
export function fromChart(
  inv: Inventory,
  data: ChartObjects,
  config: ChartConfiguration,
  releaseNamespace: string,
  valueOf: ValueOf,
): void {
  const where = (template: string) => `chart ${data.chart} ${data.version}, ${template}`;
  const fromValues = (paths: string[] | undefined): Labels =>
    Object.assign({}, ...(paths ?? []).map((p) => labelMap(valueOf(p))));

  for (const w of config.workloads ?? []) {
    const ns = w.namespace ?? releaseNamespace;
    const labels = { ...w.podLabels, ...fromValues(w.podLabelsFromValues) };
    const ports = [
      ...w.ports.map((p) => ({ name: p.name, port: p.containerPort, protocol: p.protocol ?? "TCP" })),
      ...(w.listens ?? []).map((l) => ({ port: l.port, protocol: "TCP" })),
    ];
    const selfSelectors = (w.spreadFromValues ?? []).flatMap((p) => selectorsIn(valueOf(p), p));
    for (const variant of w.runtimeLabelVariants ?? [{}]) {
      const extra = Object.keys(variant).length ? ` with ${JSON.stringify(variant)}` : "";
      inv.pods.push({
        owner: `${w.kind} ${ns}/${w.name}${extra} (${where(w.template)})`,
        namespace: ns,
        labels: { ...labels, ...variant },
        ports,
        selfSelectors,
      });
    }
  }
  for (const s of config.services ?? []) {
    const ns = s.namespace ?? releaseNamespace;
    inv.services.push({
      owner: `Service ${ns}/${s.name} (${where(s.template)})`,
      namespace: ns,
      name: s.name,
      labels: { ...s.labels, ...fromValues(s.labelsFromValues) },
      selector: s.selector,
      ports: s.ports,
    });
  }
  for (const m of config.serviceMonitors ?? []) {
    const ns = m.namespace ?? releaseNamespace;
    inv.monitors.push({
      owner: `${m.kind} ${ns}/${m.name} (${where(m.template)})`,
      kind: m.kind,
      namespace: ns,
      selector: m.selector,
      namespaceSelector: m.namespaceSelector,
      endpoints: m.endpoints,
    });
  }
  for (const n of config.networkPolicies ?? []) {
    const ns = n.namespace ?? releaseNamespace;
    const rules = (path: string | undefined, key: "from" | "to"): PolicyRule[] =>
      (Array.isArray(path && valueOf(path)) ? (valueOf(path!) as Record<string, unknown>[]) : []).map(
        (r) => ({
          peers: r[key] as PolicyRule["peers"],
          ports: r.ports as PolicyRule["ports"],
        }),
      );
    inv.policies.push({
      owner: `NetworkPolicy ${ns}/${n.name} (${where(n.template)})`,
      namespace: ns,
      podSelector: n.podSelector,
      policyTypes: n.policyTypes,
      ingress: rules(n.ingressFromValues, "from"),
      egress: rules(n.egressFromValues, "to"),
    });
  }
  for (const c of config.ingressClasses ?? []) {
    const name = c.name ?? String(valueOf(c.nameFromValues ?? ""));
    inv.ingressClasses.push(name);
  }
}
