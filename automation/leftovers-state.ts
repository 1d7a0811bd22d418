// The stack export as ./leftovers.ts reads it, and what a destroy keeps because of protected
// resources. Pure: no I/O, no Pulumi import.
//
// The export is an apitype.UntypedDeployment of version 3, `{ version: 3, deployment: { resources } }`,
// each resource an apitype.ResourceV3 (pulumi/pulumi sdk/go/common/apitype/core.go: urn, custom, id,
// type, inputs, outputs, parent, protect, external, retainOnDelete, dependencies, propertyDependencies,
// provider as "<urn>::<id>", deletedWith).
//
// A protected resource: the engine refuses its delete (pulumi/pulumi pkg/resource/deploy/step.go
// DeleteStep.Apply, deleteProtectedError) and always continues past that error
// (step_executor.go cancelDueToError), so the destroy deletes everything else it can and fails at
// the end. Every later group of deletes skips what a failed delete depends on
// (deployment_executor.go, `TransitiveDependenciesOf` of each errored step): its provider, its
// dependencies, its parents and theirs (pkg/resource/graph/dependency_graph.go markAsDependency).
// Those stay, in the state and in the cloud. This holds for a destroy without preview, as the
// Automation API runs it (`destroy --yes --skip-preview`, @pulumi/pulumi automation/stack.js); a
// `pulumi destroy` that previews first stops at the preview's error, before any delete
// (pkg/backend/apply.go PreviewThenPromptThenExecute).

/** One resource of the export, as far as ./leftovers.ts reads it. */
export interface ExportedResource {
  urn: string;
  type: string;
  custom: boolean;
  id: string;
  external: boolean;
  retainOnDelete: boolean;
  protect: boolean;
  parent: string;
  /** The URNs it depends on: its provider, `dependencies`, `propertyDependencies`, `deletedWith`. */
  dependsOn: string[];
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap((s) => str(s) ?? []) : []);

/** The name part of a URN (after its last `::`). */
export function urnName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The URN of a provider reference `<urn>::<id>` (the engine's providers.ParseReference). */
function providerUrn(reference: string): string {
  const at = reference.lastIndexOf("::");
  return at < 0 ? reference : reference.slice(0, at);
}

function dependenciesOf(r: Obj): string[] {
  const byProperty = isObj(r.propertyDependencies) ? Object.values(r.propertyDependencies) : [];
  const provider = str(r.provider);
  const deletedWith = str(r.deletedWith);
  return [
    ...(provider ? [providerUrn(provider)] : []),
    ...strings(r.dependencies),
    ...byProperty.flatMap(strings),
    ...(deletedWith ? [deletedWith] : []),
  ];
}

/** The export's resources; throws when it is not a version 3 deployment. */
export function readResources(exported: unknown): ExportedResource[] {
  const deployment = isObj(exported) ? exported.deployment : undefined;
  if (!isObj(exported) || exported.version !== 3 || !isObj(deployment)) {
    throw new Error(
      "leftBehind: the stack export is not an apitype deployment of version 3 ({ version: 3, deployment: { resources } })",
    );
  }
  const resources = deployment.resources ?? [];
  if (!Array.isArray(resources))
    throw new Error("leftBehind: the export's deployment.resources is not a list");
  return resources.filter(isObj).map((r) => ({
    urn: str(r.urn) ?? "",
    type: str(r.type) ?? "",
    custom: r.custom === true,
    id: str(r.id) ?? "",
    external: r.external === true,
    retainOnDelete: r.retainOnDelete === true,
    protect: r.protect === true,
    parent: str(r.parent) ?? "",
    dependsOn: dependenciesOf(r),
    inputs: isObj(r.inputs) ? r.inputs : {},
    outputs: isObj(r.outputs) ? r.outputs : {},
  }));
}

/**
 * What the destroy keeps because of protected resources: each protected resource and everything it
 * depends on, transitively (see the header), each mapped to the protected resource that keeps it
 * (the first in the export's order).
 */
export function keptByProtection(resources: ExportedResource[]): Map<string, ExportedResource> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const kept = new Map<string, ExportedResource>();
  for (const guard of resources.filter((r) => r.protect && !r.external)) {
    const pending = [guard.urn];
    while (pending.length > 0) {
      const urn = pending.pop() ?? "";
      const r = byUrn.get(urn);
      if (!r || kept.has(urn)) continue;
      kept.set(urn, guard);
      pending.push(...r.dependsOn, ...(r.parent ? [r.parent] : []));
    }
  }
  return kept;
}

/** A Kubernetes object's metadata field, from its outputs (the live object) or else its inputs. */
export function metadataField(r: ExportedResource, field: "name" | "namespace"): string | undefined {
  const from = (o: Obj) => (isObj(o.metadata) ? str(o.metadata[field]) : undefined);
  return from(r.outputs) ?? from(r.inputs);
}

/** A Kubernetes object's annotations, from its inputs or else its outputs. */
export function annotationsOf(r: ExportedResource): Obj | undefined {
  for (const o of [r.inputs, r.outputs]) {
    const metadata = o.metadata;
    if (isObj(metadata) && isObj(metadata.annotations)) return metadata.annotations;
  }
  return undefined;
}

/** A value under `path` of a resource's inputs (else outputs). */
export function field(r: ExportedResource, ...path: string[]): unknown {
  for (const o of [r.inputs, r.outputs]) {
    const v = path.reduce<unknown>((at, k) => (isObj(at) ? at[k] : undefined), o);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The Helm releases of the export whose chart is `chart` (by its last path segment, OCI or not). */
export function releasesOf(resources: ExportedResource[], chart: string): ExportedResource[] {
  return resources.filter(
    (r) =>
      r.type.startsWith("kubernetes:helm.sh/") &&
      r.type.endsWith(":Release") &&
      (str(field(r, "chart")) ?? "").split("/").pop() === chart,
  );
}
