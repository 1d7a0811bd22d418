/** The inventory the integrity check works on: objects by kind, and label-selector matching. */
import type { ClusterTarget } from "../../components/cluster/types";
import type { LabelSelector, Labels } from "./chart-objects";

export type { LabelSelector, Labels };

/** A Kubernetes object as the program registers it (inputs of a kubernetes:* resource). */
export interface K8sObject {
  apiVersion?: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Labels; annotations?: Labels };
  spec?: Record<string, unknown>;
}

/** A Helm release as registered (name, chart, version, namespace, values). */
export interface ReleaseRecord {
  name: string;
  namespace: string;
  chart: string;
  version: string;
  values: Record<string, unknown>;
}

/** What the check looks at: the program's objects, its releases and the target. */
export interface StackView {
  target: ClusterTarget;
  objects: K8sObject[];
  releases: ReleaseRecord[];
}

export interface PortRef {
  name?: string;
  port: number;
  protocol: string;
}
export interface PodGroup {
  owner: string;
  namespace: string;
  labels: Labels;
  ports: PortRef[];
  /** Spread / affinity selectors of the pod spec, which must select these pods. */
  selfSelectors: { where: string; selector: LabelSelector }[];
}
export interface ServiceRec {
  owner: string;
  namespace: string;
  name: string;
  labels: Labels;
  selector?: Labels;
  ports: { name?: string; port: number; targetPort?: number | string }[];
}
export interface MonitorRec {
  owner: string;
  kind: "ServiceMonitor" | "PodMonitor";
  namespace: string;
  selector: LabelSelector;
  namespaceSelector?: { matchNames?: string[]; any?: boolean };
  endpoints: { port?: string; targetPort?: number | string }[];
}
export interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: unknown;
}
export interface PolicyRule {
  peers?: Peer[];
  ports?: { port?: number | string; protocol?: string }[];
}
export interface PolicyRec {
  owner: string;
  namespace: string;
  podSelector: LabelSelector;
  /** Which directions isolate the selected pods (Kubernetes' default: Ingress, plus Egress with egress rules). */
  policyTypes: string[];
  ingress: PolicyRule[];
  egress: PolicyRule[];
}

export interface Inventory {
  namespaces: { name: string; labels: Labels }[];
  pods: PodGroup[];
  services: ServiceRec[];
  monitors: MonitorRec[];
  pdbs: { owner: string; namespace: string; selector: LabelSelector }[];
  policies: PolicyRec[];
  ingresses: K8sObject[];
  ingressClasses: string[];
  certificates: K8sObject[];
  issuers: K8sObject[];
  hpas: K8sObject[];
  deployments: { namespace: string; name: string }[];
  /** Problems found while building the inventory (a release without chart data). */
  problems: string[];
  /** The objects.json configuration each release matched: "<namespace>/<release>" → its name. */
  configurations: Record<string, string>;
}

export const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const labelsOf = (v: unknown): Labels => rec(v) as Labels;

/** Whether `labels` satisfy a label selector (matchLabels and matchExpressions; {} selects all). */
export function selects(selector: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = (e.values ?? []).includes(labels[e.key]);
    const ok =
      e.operator === "In"
        ? has && inValues
        : e.operator === "NotIn"
          ? !has || !inValues
          : e.operator === "Exists"
            ? has
            : e.operator === "DoesNotExist"
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

/** Every `labelSelector` under a spread-constraint list or an affinity object. */
export function selectorsIn(v: unknown, where: string): { where: string; selector: LabelSelector }[] {
  if (Array.isArray(v)) return v.flatMap((x) => selectorsIn(x, where));
  const o = rec(v);
  return Object.entries(o).flatMap(([k, x]) =>
    k === "labelSelector" ? [{ where, selector: x as LabelSelector }] : selectorsIn(x, where),
  );
}
