/**
 * Validates Kubernetes objects (as registered with the engine) against the Kubernetes OpenAPI
 * schemas shipped by kubernetes-models. An object whose kind has no schema here is an error, so
 * a new kind cannot slip through unvalidated.
 */

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Validatable;

/** The kubernetes-models module path of an apiVersion/kind, e.g. apps/v1 Deployment → apps/v1/Deployment. */
export function modelPath(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

export function validateKubernetesObject(obj: Record<string, unknown>): void {
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  let Model: ModelClass | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Model = (require(modelPath(apiVersion, kind)) as Record<string, ModelClass>)[kind];
  } catch {
    Model = undefined;
  }
  if (!Model) throw new Error(`no schema for ${apiVersion} ${kind}: add its model package to the tests`);
  new Model(obj).validate();
}
