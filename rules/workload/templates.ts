/**
 * What the workload rules share: where a Kubernetes workload's pod template sits, as
 * @pulumi/kubernetes registers it (inputs are the object: apiVersion, kind, metadata, spec), the
 * per-workload rule builder and label selectors.
 *
 * Where the pod spec sits per kind: Pod → `spec`; CronJob → `spec.jobTemplate.spec.template.spec`;
 * Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job → `spec.template.spec`.
 * Helm releases are opaque here (their manifests are not registered resources).
 */
import {
  RuleDefinition,
  ruleFields,
  Rec,
  ResourceRule,
  ResourceUnderTest,
  RuleContext,
  get,
  rec,
  recs,
  str,
  strings,
  stringMap,
} from "../types";

type TemplatePath = "pod" | "template" | "cronjob";

/** Workload type tokens and where their pod template is. */
export const WORKLOAD_TYPES: Record<string, TemplatePath> = {
  "kubernetes:core/v1:Pod": "pod",
  "kubernetes:core/v1:ReplicationController": "template",
  "kubernetes:apps/v1:Deployment": "template",
  "kubernetes:apps/v1:StatefulSet": "template",
  "kubernetes:apps/v1:DaemonSet": "template",
  "kubernetes:apps/v1:ReplicaSet": "template",
  "kubernetes:batch/v1:Job": "template",
  "kubernetes:batch/v1:CronJob": "cronjob",
};

export const NETWORK_POLICY_TYPE = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

export function isWorkload(r: ResourceUnderTest): boolean {
  return r.type in WORKLOAD_TYPES;
}

/** The kind (last segment of the type token): Deployment, CronJob, … */
export function kindOf(r: Pick<ResourceUnderTest, "type">): string {
  return r.type.slice(r.type.lastIndexOf(":") + 1);
}

/** The workload type tokens whose kind `kinds` accepts (all when absent), in WORKLOAD_TYPES order. */
export function workloadTypes(kinds?: (kind: string) => boolean): string[] {
  return Object.keys(WORKLOAD_TYPES).filter((type) => kinds?.(kindOf({ type })) ?? true);
}

/** One container of a pod template, with how messages name it. */
export interface ContainerRef {
  /** `container "app"`, `init container "migrate"`, … */
  label: string;
  init: boolean;
  spec: Rec;
}

/** The pod template of a workload: what its pods look like. */
export interface PodTemplate {
  kind: string;
  /** `metadata.name` of the workload (undefined when Pulumi auto-names it). */
  name?: string;
  /** `metadata.namespace`, "default" when unset. */
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Rec;
  podSecurityContext: Rec;
  containers: ContainerRef[];
}

/** The pod template of `r`, or undefined when `r` is not a workload. Missing parts read as empty. */
export function podTemplateOf(r: ResourceUnderTest): PodTemplate | undefined {
  const where = WORKLOAD_TYPES[r.type];
  if (!where) return undefined;
  const inputs = rec(r.inputs);
  const template =
    where === "pod"
      ? inputs
      : where === "cronjob"
        ? get(inputs, "spec.jobTemplate.spec.template")
        : get(inputs, "spec.template");
  const meta = rec(rec(template).metadata);
  const spec = rec(rec(template).spec);
  const named = (kind: string, init: boolean) => (c: Rec, i: number) => ({
    label: `${kind} "${str(c.name) ?? `#${i}`}"`,
    init,
    spec: c,
  });
  return {
    kind: kindOf(r),
    name: str(get(inputs, "metadata.name")),
    namespace: str(get(inputs, "metadata.namespace")) ?? "default",
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
    spec,
    podSecurityContext: rec(spec.securityContext),
    containers: [
      ...recs(spec.initContainers).map(named("init container", true)),
      ...recs(spec.containers).map(named("container", false)),
      ...recs(spec.ephemeralContainers).map(named("ephemeral container", true)),
    ],
  };
}

/** Kinds that run to completion: no probes. */
export const RUN_TO_COMPLETION = new Set(["Job", "CronJob"]);

/**
 * A per-workload rule: `perPod` sees the template, `perContainer` each container (init and
 * ephemeral containers included unless `mainOnly`).
 */
export function workloadRule(
  def: RuleDefinition & {
    kinds?: (kind: string) => boolean;
    mainOnly?: boolean;
    perPod?: (pt: PodTemplate) => string[];
    perContainer?: (c: ContainerRef, pt: PodTemplate) => string | undefined;
  },
): ResourceRule {
  return {
    kind: "resource",
    ...ruleFields(def, "workload", workloadTypes(def.kinds)),
    appliesTo: (r) => isWorkload(r) && (def.kinds?.(kindOf(r)) ?? true),
    check(r: ResourceUnderTest, _ctx: RuleContext): string[] {
      const pt = podTemplateOf(r);
      if (!pt) return [];
      const out = def.perPod?.(pt) ?? [];
      if (def.perContainer) {
        const containers = pt.containers.filter((c) => !(def.mainOnly && c.init));
        for (const c of containers) {
          const problem = def.perContainer(c, pt);
          if (problem) out.push(`${c.label}: ${problem}`);
        }
      }
      return out;
    },
  };
}

export const sc = (c: ContainerRef): Rec => rec(c.spec.securityContext);

/**
 * Whether a label selector selects `labels`. `matchLabels` and `matchExpressions` (In, NotIn,
 * Exists, DoesNotExist) are ANDed; an empty selector selects everything. A missing selector selects
 * everything when `missingSelectsAll` (NetworkPolicy podSelector), nothing otherwise (PDB).
 */
export function selectorMatches(
  selector: unknown,
  labels: Record<string, string>,
  missingSelectsAll: boolean,
): boolean {
  if (selector === undefined || selector === null) return missingSelectsAll;
  const s = rec(selector);
  for (const [k, v] of Object.entries(stringMap(s.matchLabels))) if (labels[k] !== v) return false;
  for (const e of recs(s.matchExpressions)) {
    const key = str(e.key) ?? "";
    const values = strings(e.values);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(labels[key])) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export const namespaceOf = (r: ResourceUnderTest) => str(get(r.inputs, "metadata.namespace")) ?? "default";
