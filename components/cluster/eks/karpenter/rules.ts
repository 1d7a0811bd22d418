/**
 * The rules of Karpenter's settings, once for stack config and the component (pure, no Pulumi):
 * the formats the CRDs of CHARTS.karpenterCrd accept (aws/karpenter-provider-aws at that tag,
 * charts/karpenter-crd/templates/karpenter.sh_nodepools.yaml: the OpenAPI `pattern`s and CEL rules
 * quoted below), the AMI alias versions (website/content/en/v1.14/concepts/nodeclasses.md,
 * "spec.amiSelectorTerms"), and what one NodePool may mix.
 */
import { Problem } from "../../../shared/problems";
import { INSTANCE_FAMILY, INSTANCE_TYPE, instanceArchitecture } from "../instance-types";
import type { KarpenterAmiFamily, KarpenterArchitecture } from "../settings";

/** spec.disruption.consolidateAfter and spec.template.spec.expireAfter: a duration or "Never". */
export const DURATION_OR_NEVER = /^(([0-9]+(s|m|h))+|Never)$/;
/** spec.disruption.budgets[].nodes: a count or a percentage up to 100%. */
export const BUDGET_NODES = /^((100|[0-9]{1,2})%|[0-9]+)$/;
/** spec.disruption.budgets[].schedule: a cron macro or five fields (the CRD's pattern, as written). */
export const BUDGET_SCHEDULE =
  /^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$/;
/** spec.disruption.budgets[].duration: hours and/or minutes ("8h", "30m", "1h30m"). */
export const BUDGET_DURATION = /^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/;
/** spec.limits values: a Kubernetes resource quantity (the CRD's pattern). */
export const QUANTITY =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
/** The most budgets a NodePool holds (budgets maxItems). */
export const MAX_BUDGETS = 50;

/**
 * AMI alias versions: "latest", or the family's release tag: AL2023 releases are dates
 * ("al2023@v20240807"), Bottlerocket releases semantic versions, with or without the "v"
 * ("bottlerocket@v1.20.4"; pkg/providers/amifamily/bottlerocket.go trims the "v").
 */
export const AMI_VERSIONS: Readonly<Record<KarpenterAmiFamily, { pattern: RegExp; example: string }>> = {
  al2023: { pattern: /^v\d{8}$/, example: "v20250807" },
  bottlerocket: { pattern: /^v?\d+\.\d+\.\d+$/, example: "v1.42.0" },
};
export const AMI_VERSION_LATEST = "latest";

/** The alias term of an EC2NodeClass (amiSelectorTerms[].alias: `family@version`). */
export function amiAlias(family: KarpenterAmiFamily, version: string): string {
  return `${family}@${version}`;
}

/** Problems of an AMI version for a family (none for "latest"). */
export function amiVersionProblems(family: KarpenterAmiFamily, version: string): Problem[] {
  if (version === AMI_VERSION_LATEST) return [];
  const { pattern, example } = AMI_VERSIONS[family];
  return pattern.test(version)
    ? []
    : [
        {
          path: [],
          message: `must be "latest" or a release tag of ${family} like "${example}" (the EC2NodeClass alias ${family}@<version>)`,
        },
      ];
}

/** Problems of a budget: its formats, and schedule and duration both or neither (the CRD's CEL rule). */
export function budgetProblems(b: { nodes: string; schedule?: string; duration?: string }): Problem[] {
  const out: Problem[] = [];
  if (!BUDGET_NODES.test(b.nodes))
    out.push({ path: ["nodes"], message: 'must be a node count ("2") or a percentage up to 100% ("10%")' });
  if (b.schedule !== undefined && !BUDGET_SCHEDULE.test(b.schedule))
    out.push({
      path: ["schedule"],
      message: 'must be a cron schedule ("0 9 * * mon-fri") or a macro ("@daily")',
    });
  if (b.duration !== undefined && !BUDGET_DURATION.test(b.duration))
    out.push({ path: ["duration"], message: 'must be hours and/or minutes ("8h", "30m", "1h30m")' });
  if ((b.schedule === undefined) !== (b.duration === undefined)) {
    const missing = b.schedule === undefined ? "schedule" : "duration";
    out.push({
      path: [missing],
      message: "is required: a budget sets schedule and duration together or neither",
    });
  }
  return out;
}

/** A quantity limit: the CRD's format, not negative. */
export function quantityProblems(q: string): Problem[] {
  return QUANTITY.test(q) && !q.startsWith("-")
    ? []
    : [{ path: [], message: 'must be a non-negative Kubernetes quantity ("100", "500m", "400Gi")' }];
}

/** Problems of an instance type or family name. */
export function instanceNameProblems(kind: "types" | "families", name: string): Problem[] {
  const [re, example] = kind === "types" ? [INSTANCE_TYPE, "m7i.large"] : [INSTANCE_FAMILY, "m7i"];
  return re.test(name)
    ? []
    : [
        {
          path: [],
          message: `must be an EC2 instance ${kind === "types" ? "type" : "family"} like "${example}"`,
        },
      ];
}

/**
 * The one architecture of a pool's instance types or families, or the problem of a mix (a pool's
 * labels and taints name one architecture, and its workloads' images are built for it).
 */
export function poolArchitecture(
  names: readonly string[],
): { architecture: KarpenterArchitecture } | { problem: string } {
  const byArch = new Map<KarpenterArchitecture, string[]>();
  for (const n of names)
    byArch.set(instanceArchitecture(n), [...(byArch.get(instanceArchitecture(n)) ?? []), n]);
  const arches = [...byArch.keys()];
  if (arches.length === 1) return { architecture: arches[0] };
  const listed = arches.map((a) => `${a} (${(byArch.get(a) ?? []).join(", ")})`).join(" and ");
  return { problem: `mixes ${listed}: one pool has one architecture; split it into two pools` };
}

/** Label keys the NodePool CRD refuses in spec.template.metadata.labels (its CEL rules). */
export function restrictedLabelProblem(key: string): string | undefined {
  const domain = /^([^/]+)\//.exec(key)?.[1];
  if (key === "kubernetes.io/hostname") return 'label "kubernetes.io/hostname" is restricted';
  if (key === "karpenter.sh/nodepool") return 'label "karpenter.sh/nodepool" is restricted';
  if (domain?.endsWith("karpenter.sh") && key !== "karpenter.sh/capacity-type")
    return 'label domain "karpenter.sh" is restricted';
  if (domain?.endsWith("karpenter.k8s.aws")) return 'label domain "karpenter.k8s.aws" is restricted';
  return undefined;
}
