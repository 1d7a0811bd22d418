// What a destroy of a stack leaves behind, read from `stack.exportStack()` taken before the destroy
// (./leftovers-state.ts reads it). Pure: no I/O, no Pulumi import.
//
// Left behind:
// - a protected resource and everything it depends on: the engine refuses the protected delete,
//   goes on with the rest and fails at the end (./leftovers-state.ts). A protected cluster therefore
//   survives the destroy (its node pools, which depend on it, go), and with it what the destroy
//   did not delete in it;
// - a resource with `retainOnDelete`: the engine removes it from the state without calling the
//   provider's Delete (pulumi.com docs, "Resource option: retainOnDelete"). A Kubernetes object is
//   left only where its cluster and its namespace survive the destroy (an adopted cluster, a kept
//   cluster, a retained namespace): the namespace controller deletes what is in a deleted namespace,
//   and a deleted cluster takes its objects with it. The one exception is what the cloud keeps for
//   them: a retained namespace lists the PersistentVolumeClaims it keeps (components/addons/
//   volume-retention.ts), and each claim's disk outlives the cluster on EKS and DigitalOcean, may on
//   GKE, and goes with the node resource group on AKS. Claims left earlier by a scale-down (a
//   StatefulSet keeps a removed replica's claims) are not in that list, so not reported;
// - a GCP project API with `disableOnDestroy: false` (it stays enabled);
// - DNS records that external-dns does not delete (./leftovers-dns.ts);
// - in a cluster that survives, the charts' CustomResourceDefinitions (./leftovers-crds.ts).

import {
  DestroyContext,
  destroyContext,
  quoted,
  retainedNamespace,
  retainedObject,
} from "./leftovers-cluster";
import { leftCrds } from "./leftovers-crds";
import { leftDnsRecords } from "./leftovers-dns";
import { ExportedResource, keptByProtection, readResources, str, urnName } from "./leftovers-state";

export { urnName } from "./leftovers-state";

export interface LeftBehind {
  urn: string;
  type: string;
  name: string;
  reason: string;
  hint: string;
}

/** Packages whose resources live in the state only: providers, the stack, time's sleeps, random values. */
const STATE_ONLY = ["pulumi:", "time:", "random:"];

/**
 * A resource the destroy keeps in the state and the cloud: protected, or something a protected
 * resource depends on. Component resources, providers and the stack are not listed (nothing of
 * them is in the cloud).
 */
function keptResource(r: ExportedResource, guard: ExportedResource): LeftBehind | undefined {
  if (!r.custom || STATE_ONLY.some((prefix) => r.type.startsWith(prefix))) return undefined;
  const unprotect = `pulumi state unprotect ${quoted(guard.urn)}`;
  if (r.urn === guard.urn) {
    return {
      urn: r.urn,
      type: r.type,
      name: urnName(r.urn),
      reason:
        "protect: true: the destroy refuses to delete it, deletes the rest it can and fails at the end, " +
        "keeping it and everything it depends on, in the state and in the cloud",
      hint: `when you mean to delete it: ${unprotect} (or set cluster.protect: false and run pulumi up), then destroy again`,
    };
  }
  return {
    urn: r.urn,
    type: r.type,
    name: urnName(r.urn),
    reason: `protected ${guard.type} "${urnName(guard.urn)}" depends on it: the destroy keeps it, in the state and in the cloud`,
    hint: `it goes with the destroy after ${unprotect}`,
  };
}

/** A retained cloud resource. */
function retainedCloudResource(ctx: DestroyContext, r: ExportedResource): LeftBehind {
  const name = urnName(r.urn);
  if (r.type === "gcp:projects/iAMMember:IAMMember") {
    const [project, role, member] = [r.inputs.project, r.inputs.role, r.inputs.member].map(str);
    return {
      urn: r.urn,
      type: r.type,
      name,
      reason: `retainOnDelete: the project IAM binding${role ? ` ${role}` : ""} stays (other clusters of the project may rely on it)`,
      hint: `gcloud projects remove-iam-policy-binding ${project ?? ctx.project ?? "<project>"} --member=${member ?? "<member>"} --role=${role ?? "<role>"} (only when nothing else in the project needs it)`,
    };
  }
  return {
    urn: r.urn,
    type: r.type,
    name,
    reason: "retainOnDelete: the destroy drops it from the state and leaves it in the cloud",
    hint: `delete it with its cloud's console or CLI when it is no longer needed (id ${r.id || "unknown"})`,
  };
}

/** A GCP project API the destroy leaves enabled. */
function enabledService(ctx: DestroyContext, r: ExportedResource): LeftBehind {
  const service = str(r.inputs.service) ?? urnName(r.urn);
  const project = str(r.inputs.project) ?? ctx.project;
  return {
    urn: r.urn,
    type: r.type,
    name: urnName(r.urn),
    reason: `disableOnDestroy: false: the API ${service} stays enabled in ${project ? `project ${project}` : "the project"}`,
    hint: `gcloud services disable ${service}${project ? ` --project ${project}` : ""} (only when nothing else in the project uses it)`,
  };
}

/** What the destroy leaves of `r` by its own options: retainOnDelete, or an API left enabled. */
function ownEntries(ctx: DestroyContext, r: ExportedResource): LeftBehind[] {
  if (r.type === "gcp:projects/service:Service" && r.inputs.disableOnDestroy === false) {
    return [enabledService(ctx, r)];
  }
  if (!r.retainOnDelete) return [];
  if (r.type === "kubernetes:core/v1:Namespace") return retainedNamespace(ctx, r);
  if (r.type.startsWith("kubernetes:")) return retainedObject(ctx, r);
  return [retainedCloudResource(ctx, r)];
}

/**
 * What a destroy of the exported state leaves behind: one entry per resource (per claim of a
 * retained namespace) in the export's order, then the DNS records external-dns leaves and, in a
 * cluster that survives, the charts' CRDs. Throws when `exported` is not a version 3 deployment.
 */
export function leftBehind(exported: unknown, targets: readonly string[] = []): LeftBehind[] {
  const all = readResources(exported);
  const kept = keptByProtection(all);
  // With --target only the targeted resources are destroyed: the others stay like kept ones (the
  // cluster too, unless targeted), and only what the targeted destroy touches is listed.
  const inScope = (urn: string) => targets.length === 0 || matchesTarget(urn, targets);
  const untargeted = all.filter((r) => !inScope(r.urn)).map((r): [string, ExportedResource] => [r.urn, r]);
  const ctx = destroyContext(all, new Map([...untargeted, ...kept]));
  const perResource = all.flatMap((r): LeftBehind[] => {
    if (r.external) return [];
    const own = r.custom ? ownEntries(ctx, r) : [];
    const guard = kept.get(r.urn);
    // What stays anyway (retainOnDelete, an API left enabled) is told as such, kept or not.
    if (!guard || (own.length > 0 && guard !== r)) return own;
    const entry = keptResource(r, guard);
    return entry ? [entry] : [];
  });
  return [...perResource, ...leftDnsRecords(all), ...(ctx.clusterDeleted ? [] : leftCrds(all))].filter((l) =>
    inScope(l.urn),
  );
}

/**
 * Whether `urn` is one of the --target URNs, by Pulumi's own rule (pulumi/pulumi
 * pkg/resource/deploy/deployment.go UrnTargets.getMatcher): `**` matches anything, `*` anything
 * but a colon, every other character itself.
 */
export function matchesTarget(urn: string, targets: readonly string[]): boolean {
  const quote = (t: string) => t.replace(/[.+?^${}()|[\]\\*]/g, "\\$&");
  return targets.some((t) =>
    new RegExp(
      `^${t
        .split("**")
        .map((seg) => seg.split("*").map(quote).join("[^:]*"))
        .join(".*")}$`,
    ).test(urn),
  );
}
