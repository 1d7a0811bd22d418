/**
 * The order in which the engine deletes the resources of a recorded program (a destroy, or the
 * deletions of an update): Pulumi deletes a resource only after every resource that depends on it.
 * The engine's edges are a resource's `dependencies`, its `propertyDependencies`, its provider and its
 * parent (pulumi pkg/resource/state.go GetAllDependencies; pkg/resource/graph/dependency_graph.go
 * DependenciesOf, which also counts the children of a component dependency), and
 * pkg/resource/deploy/step_generator.go ScheduleDeletes runs the deletions in reverse topological
 * order of those edges. The harness records the SDK's dependency lists, in which a component in
 * `dependsOn` is already expanded to its custom children (@pulumi/pulumi runtime/dependsOn.js
 * getAllTransitivelyReferencedResourceURNs).
 */
import type { ProgramRun, RecordedResource } from "../../offline/mocks";

export interface DeletionOrder {
  /** Whether a destroy deletes `first` before `then` (`first` depends on `then`, transitively). */
  before(first: RecordedResource, then: RecordedResource): boolean;
  /** The resources `r` must outlive no one of: every resource deleted after it. */
  deletedAfter(r: RecordedResource): Set<string>;
}

/** The deletion order of a recorded run. */
export function deletionOrder(run: ProgramRun): DeletionOrder {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const children = new Map<string, string[]>();
  for (const r of run.resources) {
    if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
  }
  const descendants = (urn: string): string[] =>
    (children.get(urn) ?? []).flatMap((c) => [c, ...descendants(c)]);
  const direct = (r: RecordedResource): string[] => {
    const deps = [...r.dependsOn, run.providerUrn(r), r.parent].filter((u) => u !== "");
    // A component dependency stands for its children too (DependenciesOf).
    return deps.flatMap((u) =>
      byUrn.get(u)?.custom === false && u !== r.parent ? [u, ...descendants(u)] : [u],
    );
  };
  const memo = new Map<string, Set<string>>();
  const deletedAfter = (r: RecordedResource): Set<string> => {
    const known = memo.get(r.urn);
    if (known) return known;
    const out = new Set<string>();
    memo.set(r.urn, out);
    const stack = direct(r);
    while (stack.length) {
      const urn = stack.pop() as string;
      if (out.has(urn)) continue;
      out.add(urn);
      const next = byUrn.get(urn);
      if (next) stack.push(...direct(next));
    }
    return out;
  };
  return {
    before: (first, then) => deletedAfter(first).has(then.urn),
    deletedAfter,
  };
}
