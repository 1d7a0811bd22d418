/**
 * Scheduling rules over all workloads: replicated Deployments / StatefulSets have a
 * PodDisruptionBudget, and prod Deployments run enough replicas (their HPA's minimum when scaled).
 */
import { ResourceUnderTest, Violation, get, num, defineStackRule } from "../types";
import { HPA } from "../deployability-base";
import { PodTemplate, namespaceOf, workloadTypes, podTemplateOf, selectorMatches } from "./templates";

/** The PodDisruptionBudget token the docs name (the rules match any policy/ API version). */
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

const isPdb = (r: ResourceUnderTest) =>
  r.type.startsWith("kubernetes:policy/") && r.type.endsWith(":PodDisruptionBudget");
const isHpa = (r: ResourceUnderTest) =>
  r.type.startsWith("kubernetes:autoscaling/") && r.type.endsWith(":HorizontalPodAutoscaler");

/** The HPA (if any) scaling the workload of `pt`: same namespace, scaleTargetRef kind and name. */
function hpaFor(pt: PodTemplate, all: ResourceUnderTest[]): ResourceUnderTest | undefined {
  if (!pt.name) return undefined;
  return all.find(
    (h) =>
      isHpa(h) &&
      namespaceOf(h) === pt.namespace &&
      get(h.inputs, "spec.scaleTargetRef.kind") === pt.kind &&
      get(h.inputs, "spec.scaleTargetRef.name") === pt.name,
  );
}

/** Replicas of a Deployment / StatefulSet: `spec.replicas` (default 1), and its HPA's minReplicas (default 1). */
function replicaCounts(w: ResourceUnderTest, pt: PodTemplate, all: ResourceUnderTest[]) {
  const hpa = hpaFor(pt, all);
  return {
    replicas: num(get(w.inputs, "spec.replicas")) ?? 1,
    hpaMin: hpa ? (num(get(hpa.inputs, "spec.minReplicas")) ?? 1) : undefined,
  };
}

const REPLICATED_KINDS = new Set(["Deployment", "StatefulSet"]);

export const pdbCoverage = defineStackRule({
  id: "k8s-pdb-coverage",
  scannerIds: [],
  description:
    "a PodDisruptionBudget in the namespace selects the pods of every Deployment / StatefulSet running more than one replica (spec.replicas or HPA minReplicas)",
  area: "workload",
  types: [...workloadTypes((kind) => REPLICATED_KINDS.has(kind)), PDB, HPA],
  check(all, _ctx, v) {
    const pdbs = all.filter(isPdb);
    const out: Violation[] = [];
    for (const w of all) {
      const pt = podTemplateOf(w);
      if (!pt || !REPLICATED_KINDS.has(pt.kind)) continue;
      const { replicas, hpaMin } = replicaCounts(w, pt, all);
      if (Math.max(replicas, hpaMin ?? 0) <= 1) continue;
      const covered = pdbs.some(
        (p) =>
          namespaceOf(p) === pt.namespace &&
          selectorMatches(get(p.inputs, "spec.selector"), pt.labels, false),
      );
      if (!covered) {
        const count =
          hpaMin !== undefined ? `HPA minReplicas ${hpaMin}, replicas ${replicas}` : `${replicas} replicas`;
        out.push(v(w, `${count} but no PodDisruptionBudget selects its pods`));
      }
    }
    return out;
  },
});

/** Fewest replicas a prod Deployment runs. */
export const PROD_MIN_REPLICAS = 2;

export const prodReplicas = defineStackRule({
  id: "k8s-prod-replicas",
  scannerIds: [],
  description: `Deployments run at least ${PROD_MIN_REPLICAS} replicas in prod (the HPA's minReplicas when an HPA scales it)`,
  profiles: ["prod"],
  area: "workload",
  types: [...workloadTypes((kind) => kind === "Deployment"), HPA],
  check(all, _ctx, v) {
    const out: Violation[] = [];
    for (const w of all) {
      const pt = podTemplateOf(w);
      if (!pt || pt.kind !== "Deployment") continue;
      const { replicas, hpaMin } = replicaCounts(w, pt, all);
      const effective = hpaMin ?? replicas;
      if (effective < PROD_MIN_REPLICAS) {
        const what = hpaMin !== undefined ? `HPA minReplicas is ${hpaMin}` : `replicas is ${replicas}`;
        out.push(v(w, `${what}; prod needs at least ${PROD_MIN_REPLICAS}`));
      }
    }
    return out;
  },
});

/* ------------------------------------------------------------------------------------------ */
