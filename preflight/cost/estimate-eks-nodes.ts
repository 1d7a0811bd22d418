/**
 * The EKS row's nodes (./estimate-clouds.ts): the managed node groups (one per pool and zone, each
 * with its own scaling range: the pool runs their sum) and the Karpenter NodePools (no minimum,
 * up to their node limit, on any of their instance types).
 */
import type { RecordedResource } from "../../offline/mocks";
import { get } from "../../rules";
import type { NodeDisk, NodePoolUse } from "./estimate-clouds";
import { Resources, gibibytes, numberAt, objectsAt, stringAt, stringsAt } from "./estimate-resources";

const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

/** The pool a node group belongs to: its name under its component, less the zone index ("general"). */
function poolOf(res: Resources, g: RecordedResource): string {
  const parent = res.parentOf(g)?.name;
  const name = parent && g.name.startsWith(`${parent}-`) ? g.name.slice(parent.length + 1) : g.name;
  return name.replace(/\.\d+$/, "");
}

/** The root volume of a node group's launch template. */
function nodeGroupDisk(res: Resources, g: RecordedResource): NodeDisk {
  const template = res.dependencies(g, LAUNCH_TEMPLATE)[0];
  const ebs = get(objectsAt(template?.inputs, "blockDeviceMappings")[0], "ebs");
  const size = numberAt(ebs, "volumeSize");
  if (size === undefined)
    return { problem: "its node disk is not in the recorded inputs (no launch template volume)" };
  return { diskClass: stringAt(ebs, "volumeType") ?? "gp2", sizeGiB: size };
}

/** The managed node groups, one entry per pool (its per-zone groups summed). */
export function eksNodeGroups(res: Resources): NodePoolUse[] {
  const byPool = new Map<string, RecordedResource[]>();
  for (const g of res.ofType("aws:eks/nodeGroup:NodeGroup")) {
    const key = `${res.componentOf(g)}\n${poolOf(res, g)}`;
    byPool.set(key, [...(byPool.get(key) ?? []), g]);
  }
  return [...byPool.values()].map((groups) => {
    const [first] = groups;
    const sum = (path: string) => groups.reduce((n, g) => n + (numberAt(g.inputs, path) ?? 0), 0);
    const spot = groups.some((g) => get(g.inputs, "capacityType") === "SPOT");
    return {
      component: res.componentOf(first),
      pool: poolOf(res, first),
      machineTypes: [...new Set(groups.flatMap((g) => stringsAt(g.inputs, "instanceTypes")))],
      count: { min: sum("scalingConfig.minSize"), max: sum("scalingConfig.maxSize") },
      ...(groups.length > 1 ? { detail: `${groups.length} node groups, one per zone` } : {}),
      ...(spot ? { capacity: "spot" } : {}),
      disk: nodeGroupDisk(res, first),
    };
  });
}

/** The values a NodePool requirement allows for `key` (operator In). */
function allowed(requirements: Record<string, unknown>[], key: string): string[] {
  return requirements
    .filter((r) => r.key === key && r.operator === "In")
    .flatMap((r) => stringsAt(r, "values"));
}

/** The root volume of the EC2NodeClass a NodePool launches with. */
function nodeClassDisk(res: Resources, pool: RecordedResource): NodeDisk {
  const name = get(pool.inputs, "spec.template.spec.nodeClassRef.name");
  const nodeClass = res
    .ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")
    .find((c) => get(c.inputs, "metadata.name") === name);
  const mappings = objectsAt(nodeClass?.inputs, "spec.blockDeviceMappings");
  const root = mappings.find((m) => m.rootVolume === true) ?? mappings[0];
  const size = gibibytes(get(root, "ebs.volumeSize"));
  if (size === undefined) return { problem: "its node disk is not in the recorded EC2NodeClass" };
  return { diskClass: stringAt(root, "ebs.volumeType") ?? "gp3", sizeGiB: size };
}

/** Why a NodePool's nodes cannot be priced, if they cannot. */
function karpenterProblem(types: string[], families: string[], max: number | undefined): string | undefined {
  if (families.length > 0)
    return `it launches any size of the instance families ${families.join(", ")}: list instanceTypes to price it`;
  if (types.length === 0) return "it lists no instance types";
  if (max === undefined) return "it has no node limit (spec.limits.nodes): no upper bound";
  return undefined;
}

/** The Karpenter NodePools: 0 to their node limit, on the most expensive of their instance types. */
export function karpenterNodePools(res: Resources): NodePoolUse[] {
  return res.ofType("kubernetes:karpenter.sh/v1:NodePool").map((p) => {
    const requirements = objectsAt(p.inputs, "spec.template.spec.requirements");
    const types = allowed(requirements, "node.kubernetes.io/instance-type");
    const families = allowed(requirements, "karpenter.k8s.aws/instance-family");
    const capacityTypes = allowed(requirements, "karpenter.sh/capacity-type");
    const max = numberAt(p.inputs, "spec.limits.nodes");
    const problem = karpenterProblem(types, families, max);
    return {
      component: res.componentOf(p),
      pool: stringAt(p.inputs, "metadata.name") ?? p.name,
      machineTypes: types,
      count: { min: 0, max: max ?? 0 },
      detail: "Karpenter NodePool, no minimum",
      capacity: `karpenter: ${(capacityTypes.length > 0 ? capacityTypes : ["on-demand"]).join(",")}`,
      disk: nodeClassDisk(res, p),
      ...(problem ? { problem } : {}),
    };
  });
}
