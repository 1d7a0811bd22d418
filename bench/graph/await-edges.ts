/** The waits pulumi-kubernetes' await logic adds to the deploy graph (await edges). */
import type { Edge, GraphInput } from "./build";

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
