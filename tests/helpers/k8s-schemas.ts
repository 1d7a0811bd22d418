/**
 * Validates Kubernetes objects (as registered with the engine) against the Kubernetes OpenAPI
 * schemas shipped by kubernetes-models. An object whose kind has no schema here is an error, so
 * a new kind cannot slip through unvalidated.
 */

import { karpenterObjectProblems } from "./karpenter-crds";

/** The API groups of Karpenter's CRDs (CHARTS.karpenterCrd). */
const KARPENTER_GROUPS = ["karpenter.sh", "karpenter.k8s.aws"];

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Validatable;

/** Packages holding the models of CRD groups (the rest are Kubernetes' own, in kubernetes-models). */
const CRD_PACKAGES: Record<string, string> = {
  "cert-manager.io": "@kubernetes-models/cert-manager",
  "acme.cert-manager.io": "@kubernetes-models/cert-manager",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

/** The module path of an apiVersion/kind, e.g. apps/v1 Deployment → kubernetes-models/apps/v1/Deployment. */
export function modelPath(apiVersion: string, kind: string): string {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  return `${CRD_PACKAGES[group] ?? "kubernetes-models"}/${apiVersion}/${kind}`;
}

export function validateKubernetesObject(obj: Record<string, unknown>): void {
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  // Karpenter's kinds have no model package: their CRDs' schemas at the pinned tag (./karpenter-crds.ts).
  if (KARPENTER_GROUPS.includes(apiVersion.split("/")[0])) {
    const problems = karpenterObjectProblems(obj);
    if (problems.length > 0) throw new Error(`${apiVersion} ${kind}: ${problems.join("; ")}`);
    return;
  }
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
