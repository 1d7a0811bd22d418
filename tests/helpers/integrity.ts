/**
 * Cross-object reference integrity of one stack: everything the program registers, everything its
 * Helm releases create (components/addons/chart-data/<chart>/<version>/objects.json) and what the target's
 * cluster runs by itself (./cluster-objects.ts), checked reference by reference:
 * - a ServiceMonitor selects a Service in the namespaces it selects and names a port it has (and
 *   a PodMonitor a pod port);
 * - a Service selects pods, and each targetPort is a port of those pods;
 * - a PodDisruptionBudget, a NetworkPolicy's podSelector and each of its peers select pods that
 *   exist, and a rule's ports are ports of the pods it is about;
 * - an Ingress names an IngressClass that exists and backends that are Services with that port;
 * - a Certificate (or an Ingress's cert-manager annotation) names an issuer that exists, and a CA
 *   issuer's Secret is issued by a Certificate;
 * - an HPA scales a Deployment that exists; a topology spread / affinity selector selects its own pods.
 */
import type { ClusterTarget } from "../../components/cluster/types";
import type { ProgramRun } from "../../offline/mocks";
import { chartKeyOf, chartObjects, effectiveValues, matchConfiguration, valueAt } from "./chart-objects";
import { API_SERVER_SERVICE, CLUSTER_NAMESPACES, CLUSTER_PODS } from "./cluster-objects";
import { fromChart } from "./integrity-charts";
import { addHookPods } from "./integrity-hooks";
import { inventoryProblems } from "./integrity-checks";
import {
  Inventory,
  K8sObject,
  LabelSelector,
  MonitorRec,
  Peer,
  PodGroup,
  PolicyRule,
  ServiceRec,
  StackView,
  labelsOf,
  list,
  rec,
  selectorsIn,
} from "./integrity-model";

export * from "./integrity-model";

function podGroupOf(owner: string, namespace: string, template: Record<string, unknown>): PodGroup {
  const spec = rec(template.spec);
  const ports = list(spec.containers).flatMap((c) =>
    list(rec(c).ports).map((p) => {
      const q = rec(p);
      return {
        name: q.name as string | undefined,
        port: Number(q.containerPort),
        protocol: String(q.protocol ?? "TCP"),
      };
    }),
  );
  return {
    owner,
    namespace,
    labels: labelsOf(rec(template.metadata).labels),
    ports,
    selfSelectors: [
      ...selectorsIn(spec.topologySpreadConstraints, "topologySpreadConstraints"),
      ...selectorsIn(spec.affinity, "affinity"),
    ],
  };
}

function policyRules(v: unknown, peerKey: "from" | "to"): PolicyRule[] {
  return list(v).map((r) => ({
    peers: rec(r)[peerKey] as Peer[] | undefined,
    ports: rec(r).ports as PolicyRule["ports"],
  }));
}

/** Adds the program's own objects to an inventory. */
function addObjects(inv: Inventory, objects: K8sObject[]): void {
  for (const o of objects) {
    const ns = o.metadata?.namespace ?? "default";
    const name = o.metadata?.name ?? "?";
    const owner = `${o.kind} ${o.kind === "Namespace" ? name : `${ns}/${name}`}`;
    const spec = rec(o.spec);
    switch (o.kind) {
      case "Namespace":
        inv.namespaces.push({ name, labels: { ...o.metadata?.labels, "kubernetes.io/metadata.name": name } });
        break;
      case "Deployment":
      case "StatefulSet":
      case "DaemonSet":
      // The program's own Jobs (Vault's setup Jobs) run pods the NetworkPolicies must let through.
      case "Job":
        inv.pods.push(podGroupOf(owner, ns, rec(spec.template)));
        if (o.kind === "Deployment") inv.deployments.push({ namespace: ns, name });
        break;
      // And its CronJobs (dev mode's Vault setup re-apply): their Jobs' pods.
      case "CronJob":
        inv.pods.push(podGroupOf(owner, ns, rec(rec(rec(spec.jobTemplate).spec).template)));
        break;
      case "Service":
        inv.services.push({
          owner,
          namespace: ns,
          name,
          labels: o.metadata?.labels ?? {},
          selector: spec.selector ? labelsOf(spec.selector) : undefined,
          ports: list(spec.ports).map((p) => rec(p) as ServiceRec["ports"][number]),
        });
        break;
      case "ServiceMonitor":
      case "PodMonitor":
        inv.monitors.push({
          owner,
          kind: o.kind,
          namespace: ns,
          selector: rec(spec.selector) as LabelSelector,
          namespaceSelector: spec.namespaceSelector as MonitorRec["namespaceSelector"],
          endpoints: list(o.kind === "ServiceMonitor" ? spec.endpoints : spec.podMetricsEndpoints).map(
            (e) => rec(e) as MonitorRec["endpoints"][number],
          ),
        });
        break;
      case "PodDisruptionBudget":
        inv.pdbs.push({ owner, namespace: ns, selector: rec(spec.selector) as LabelSelector });
        break;
      case "NetworkPolicy":
        inv.policies.push({
          owner,
          namespace: ns,
          podSelector: rec(spec.podSelector) as LabelSelector,
          policyTypes: Array.isArray(spec.policyTypes)
            ? spec.policyTypes.map(String)
            : ["Ingress", ...(list(spec.egress).length > 0 ? ["Egress"] : [])],
          ingress: policyRules(spec.ingress, "from"),
          egress: policyRules(spec.egress, "to"),
        });
        break;
      case "Ingress":
        inv.ingresses.push(o);
        break;
      case "IngressClass":
        inv.ingressClasses.push(name);
        break;
      case "Certificate":
        inv.certificates.push(o);
        break;
      case "ClusterIssuer":
      case "Issuer":
        inv.issuers.push(o);
        break;
      case "HorizontalPodAutoscaler":
        inv.hpas.push(o);
        break;
    }
  }
}

/** What the target's cluster runs by itself. */
function addCluster(inv: Inventory, target: ClusterTarget): void {
  for (const name of CLUSTER_NAMESPACES) {
    inv.namespaces.push({ name, labels: { "kubernetes.io/metadata.name": name } });
  }
  const api = API_SERVER_SERVICE;
  inv.services.push({ owner: `Service ${api.namespace}/${api.name} (cluster)`, ...api });
  for (const p of CLUSTER_PODS[target]) {
    inv.pods.push({
      owner: `${p.name} pods ${p.namespace} (${target} cluster)`,
      namespace: p.namespace,
      labels: p.labels,
      ports: p.ports.map((q) => ({ name: q.name, port: q.port, protocol: q.protocol ?? "TCP" })),
      selfSelectors: [],
    });
  }
}

/** The inventory of a stack: program objects, chart objects of its releases, the cluster's own. */
export function inventoryOf(view: StackView): Inventory {
  const inv: Inventory = {
    namespaces: [],
    pods: [],
    services: [],
    monitors: [],
    pdbs: [],
    policies: [],
    ingresses: [],
    ingressClasses: [],
    certificates: [],
    issuers: [],
    hpas: [],
    deployments: [],
    problems: [],
    configurations: {},
  };
  addObjects(inv, view.objects);
  addCluster(inv, view.target);
  for (const r of view.releases) {
    const key = chartKeyOf(r.chart, r.version);
    if (!key) {
      inv.problems.push(`Release ${r.namespace}/${r.name}: ${r.chart} ${r.version} is no pinned chart`);
      continue;
    }
    const data = chartObjects(key, r.version);
    const values = effectiveValues(key, r.values);
    const m = matchConfiguration(data, r, values);
    if ("reasons" in m) {
      inv.problems.push(
        `Release ${r.namespace}/${r.name} (${data.chart} ${data.version}): no configuration in its objects.json ` +
          `fits these values; record what the chart creates with them (${m.reasons.join("; ")})`,
      );
      continue;
    }
    inv.configurations[`${r.namespace}/${r.name}`] = m.config.name;
    fromChart(inv, data, m.config, r.namespace, (p) => valueAt(values, p));
    addHookPods(inv, key, r, (p) => valueAt(values, p));
  }
  // cert-manager's HTTP-01 solver pods run where an Ingress or Certificate uses an ACME HTTP-01 issuer.
  const solverTemplate = view.releases
    .map((r) => chartKeyOf(r.chart, r.version))
    .filter((k) => k === "certManager")
    .flatMap((k) => chartObjects(k!).controllerPods ?? []);
  for (const ns of acmeNamespaces(inv)) {
    for (const t of solverTemplate) {
      inv.pods.push({
        owner: `${t.name} pods ${ns} (cert-manager, ${t.source})`,
        namespace: ns,
        labels: t.podLabels,
        ports: t.ports.map((p) => ({ name: p.name, port: p.containerPort, protocol: p.protocol ?? "TCP" })),
        selfSelectors: [],
      });
    }
  }
  return inv;
}

/** Whether a ClusterIssuer/Issuer solves ACME challenges over HTTP-01. */
function isHttp01(issuer: K8sObject | undefined): boolean {
  const acme = rec(rec(issuer?.spec).acme);
  return list(acme.solvers).some((s) => rec(s).http01 !== undefined);
}

/** Namespaces whose Ingresses or Certificates use an ACME HTTP-01 issuer. */
function acmeNamespaces(inv: Inventory): string[] {
  const clusterIssuer = (name: string) =>
    inv.issuers.find((i) => i.kind === "ClusterIssuer" && i.metadata?.name === name);
  const out = new Set<string>();
  for (const ing of inv.ingresses) {
    const name = ing.metadata?.annotations?.["cert-manager.io/cluster-issuer"];
    if (name && isHttp01(clusterIssuer(name))) out.add(ing.metadata?.namespace ?? "default");
  }
  for (const c of inv.certificates) {
    const ref = rec(rec(c.spec).issuerRef);
    if (ref.kind === "ClusterIssuer" && isHttp01(clusterIssuer(String(ref.name)))) {
      out.add(c.metadata?.namespace ?? "default");
    }
  }
  return [...out];
}

/** The view of a recorded program run: its Kubernetes objects, releases and target. */
export function stackViewOf(run: ProgramRun): StackView {
  const k8s = run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.custom);
  const releases = k8s
    .filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
    .map((r) => {
      const i = r.inputs;
      return {
        name: String(i.name),
        namespace: String(i.namespace),
        chart: String(i.chart),
        version: String(i.version),
        values: rec(i.values),
      };
    });
  const objects = k8s
    // A `…Patch` resource (server-side apply of some fields) changes an object the chart created, which the
    // chart data already holds: it is no object of its own.
    .filter(
      (r) =>
        r.type !== "kubernetes:helm.sh/v3:Release" &&
        !r.type.endsWith("Patch") &&
        typeof r.inputs.kind === "string",
    )
    .map((r) => r.inputs as unknown as K8sObject);
  return { target: run.outputs.target as ClusterTarget, objects, releases };
}

/** Every broken reference of a stack (see the top of this file). */
export function integrityProblems(view: StackView): string[] {
  return inventoryProblems(inventoryOf(view));
}
