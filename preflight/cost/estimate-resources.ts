/**
 * What the estimate reads of the preflight's recorded resources: lookups by type and URN, the
 * component each resource belongs to, and the values of its inputs (numbers, strings, sizes).
 */
import type { RecordedResource } from "../../offline/mocks";
import { get } from "../../rules";
import { mebibytes } from "../../stacks/volume-changes";

/** Components that only group others: a resource under one belongs to the component below it. */
const GROUPS = new Set(["kube-platform:addons:PlatformAddOns", "kube-platform:workloads:Workloads"]);

export class Resources {
  private readonly byUrn: Map<string, RecordedResource>;

  constructor(readonly all: RecordedResource[]) {
    this.byUrn = new Map(all.map((r) => [r.urn, r]));
  }

  ofType(...types: string[]): RecordedResource[] {
    return this.all.filter((r) => types.includes(r.type));
  }

  /** The component (or resource) `r` was registered under, if recorded. */
  parentOf(r: RecordedResource): RecordedResource | undefined {
    return this.byUrn.get(r.parent);
  }

  /** The recorded resources `r` depends on (its inputs' and dependsOn's URNs) of `type`. */
  dependencies(r: RecordedResource, type: string): RecordedResource[] {
    return r.dependsOn.flatMap((urn) => {
      const d = this.byUrn.get(urn);
      return d && d.type === type ? [d] : [];
    });
  }

  /**
   * The component a resource belongs to, as "<type> <name>": the ancestor directly under the
   * platform root ("EksCluster kp-cluster"), or, under a group of add-ons or apps, directly under
   * the group ("Vault kp-addons-vault", "App kp-workloads-hello").
   */
  componentOf(r: RecordedResource): string {
    const chain: RecordedResource[] = [];
    for (let cur: RecordedResource | undefined = r; cur; cur = this.byUrn.get(cur.parent)) chain.unshift(cur);
    // chain[0] is the root (the Platform), chain[1] its child.
    if (chain.length < 2) return "(root)";
    const top = chain.length > 2 && GROUPS.has(chain[1].type) ? chain[2] : chain[1];
    return `${top.type.split(":").slice(-1)[0]} ${top.name}`;
  }
}

/** The Services of type LoadBalancer: each one a cloud load balancer (or rules on the cluster's). */
export function loadBalancerServices(res: Resources): RecordedResource[] {
  return res
    .ofType("kubernetes:core/v1:Service")
    .filter((s) => get(s.inputs, "spec.type") === "LoadBalancer");
}

/** "Service <namespace>/<name>" of a recorded Service. */
export function serviceName(svc: RecordedResource): string {
  return `Service ${stringAt(svc.inputs, "metadata.namespace") ?? "default"}/${stringAt(svc.inputs, "metadata.name") ?? svc.name}`;
}

/** A non-negative number at `path`, or undefined. */
export function numberAt(o: unknown, path: string): number | undefined {
  const v = get(o, path);
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** The value under a key that holds dots (an annotation, a tag) of the object at `path`. */
export function keyAt(o: unknown, path: string, key: string): unknown {
  const v = get(o, path);
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)[key]
    : undefined;
}

/** A non-empty string at `path`, or undefined. */
export function stringAt(o: unknown, path: string): string | undefined {
  const v = get(o, path);
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** The strings of a list at `path` (other items and other values: none). */
export function stringsAt(o: unknown, path: string): string[] {
  const v = get(o, path);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** The objects of a list at `path`. */
export function objectsAt(o: unknown, path: string): Record<string, unknown>[] {
  const v = get(o, path);
  return Array.isArray(v)
    ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null)
    : [];
}

/** A Kubernetes size ("10Gi", "512Mi", "1Ti") in GiB; undefined when it is not one of those forms. */
export function gibibytes(size: unknown): number | undefined {
  const mib = typeof size === "string" ? mebibytes(size) : undefined;
  return mib === undefined ? undefined : mib / 1024;
}
