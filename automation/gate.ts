// The promotion gate, as pure functions: whether a stack is protected (from its config) and which
// replacements/deletions in a preview's engine events touch protected resources.

import type { ConfigMap, EngineEvent, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";

export const PROJECT = "kube-platform";

/**
 * Resource types the gate treats as protected in a protected stack even when they do not carry
 * Pulumi's `protect` flag: losing or replacing them loses data or takes everything else with them.
 */
export const PROTECTED_TYPES: Readonly<Record<string, string>> = {
  "aws:eks/cluster:Cluster": "the cluster (replacing it recreates every workload)",
  "gcp:container/cluster:Cluster": "the cluster (replacing it recreates every workload)",
  "azure-native:containerservice:ManagedCluster": "the cluster (replacing it recreates every workload)",
  "digitalocean:index/kubernetesCluster:KubernetesCluster":
    "the cluster (replacing it recreates every workload)",
  "aws:ec2/vpc:Vpc": "the cluster network (replacing it replaces the cluster)",
  "gcp:compute/network:Network": "the cluster network (replacing it replaces the cluster)",
  "azure-native:network:VirtualNetwork": "the cluster network (replacing it replaces the cluster)",
  "digitalocean:index/vpc:Vpc": "the cluster network (replacing it replaces the cluster)",
  "aws:kms/key:Key": "key material (secrets and Vault's seal depend on it)",
  "gcp:kms/cryptoKey:CryptoKey": "key material (secrets and Vault's seal depend on it)",
  "gcp:kms/keyRing:KeyRing": "key material (secrets and Vault's seal depend on it)",
  "azure-native:keyvault:Key": "key material (secrets and Vault's seal depend on it)",
  "azure-native:keyvault:Vault": "key material (secrets and Vault's seal depend on it)",
  "pulumi:providers:kubernetes": "the Kubernetes provider (replacing it replaces every object it manages)",
  "kubernetes:core/v1:Namespace": "a namespace (deleting it deletes everything in it)",
  "kubernetes:core/v1:PersistentVolumeClaim": "a volume claim (its data)",
  "kubernetes:core/v1:PersistentVolume": "a volume (its data)",
  "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition":
    "a CRD (deleting it deletes every object of its kind)",
  "kubernetes:helm.sh/v3:Release": "a platform add-on release (replacing it uninstalls it first)",
};

export interface StackProtection {
  protected: boolean;
  /** Human-readable reason, e.g. `profile is prod`. */
  reason: string;
}

/** A project config value by its key without the namespace (`profile`, `cluster`). */
function configValue(config: ConfigMap, key: string): string | undefined {
  return config[`${PROJECT}:${key}`]?.value;
}

/** `cluster.protect` from the `cluster` object (its JSON string in `pulumi config --json`). */
function clusterProtect(config: ConfigMap): boolean | undefined {
  const raw = configValue(config, "cluster");
  if (raw === undefined) return undefined;
  try {
    const cluster: unknown = JSON.parse(raw);
    if (cluster !== null && typeof cluster === "object" && "protect" in cluster) {
      const protect = (cluster as { protect: unknown }).protect;
      if (typeof protect === "boolean") return protect;
      if (protect === "true" || protect === "false") return protect === "true";
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The gate's rule: a stack is protected when its `profile` is `prod` or its `cluster.protect`
 * is true. A prod stack stays protected when `cluster.protect` is switched off, so unprotecting
 * and replacing the cluster in one update is still caught.
 */
export function stackProtection(config: ConfigMap): StackProtection {
  const profile = configValue(config, "profile") ?? "dev";
  const protect = clusterProtect(config);
  if (profile === "prod") {
    return { protected: true, reason: "profile is prod" };
  }
  if (protect === true) {
    return { protected: true, reason: "cluster.protect is true" };
  }
  return {
    protected: false,
    reason: `profile is ${profile}${protect === false ? ", cluster.protect is false" : ""}`,
  };
}

const REPLACE_OPS: ReadonlySet<OpType> = new Set<OpType>([
  "replace",
  "create-replacement",
  "delete-replaced",
]);
const DELETE_OPS: ReadonlySet<OpType> = new Set<OpType>(["delete"]);

export interface GateFinding {
  urn: string;
  type: string;
  name: string;
  op: "replace" | "delete";
  /** Why the resource counts as protected (protect flag, protected type). */
  reasons: string[];
  /** Properties whose change forces the replacement, when the engine reports them. */
  replaceKeys: string[];
  /**
   * True when Pulumi itself refuses the step (protected in state and still protected in the
   * program): --allow-replace cannot help; unprotect it first in a reviewed change.
   */
  refusedByPulumi: boolean;
}

/** The resource's name: the URN's last `::` segment. */
export function urnName(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i < 0 ? urn : urn.slice(i + 2);
}

function stepMetadata(event: EngineEvent): StepEventMetadata | undefined {
  return event.resourcePreEvent?.metadata ?? event.resOutputsEvent?.metadata;
}

interface Accumulated {
  urn: string;
  type: string;
  replacing: boolean;
  oldProtect: boolean;
  newProtect: boolean;
  /** Some step carried the resource's new state (so `newProtect` is meaningful). */
  sawNew: boolean;
  keys: string[];
}

/**
 * Replacements and deletions of protected resources in a preview's events. A resource is
 * protected when its old or new state carries `protect` or its type is in PROTECTED_TYPES. The
 * engine reports a replacement as several steps (create-replacement, replace, delete-replaced);
 * they are merged per URN.
 */
export function findProtectedChanges(events: readonly EngineEvent[]): GateFinding[] {
  const byUrn = new Map<string, Accumulated>();
  for (const event of events) {
    const meta = stepMetadata(event);
    if (meta === undefined) continue;
    const replacing = REPLACE_OPS.has(meta.op);
    if (!replacing && !DELETE_OPS.has(meta.op)) continue;
    let acc = byUrn.get(meta.urn);
    if (acc === undefined) {
      acc = {
        urn: meta.urn,
        type: meta.type || meta.old?.type || meta.new?.type || "",
        replacing: false,
        oldProtect: false,
        newProtect: false,
        sawNew: false,
        keys: [],
      };
      byUrn.set(meta.urn, acc);
    }
    acc.replacing = acc.replacing || replacing;
    acc.oldProtect = acc.oldProtect || meta.old?.protect === true;
    acc.newProtect = acc.newProtect || meta.new?.protect === true;
    acc.sawNew = acc.sawNew || meta.new !== undefined;
    for (const k of meta.keys ?? []) if (!acc.keys.includes(k)) acc.keys.push(k);
  }

  const findings: GateFinding[] = [];
  for (const acc of byUrn.values()) {
    const reasons: string[] = [];
    if (acc.oldProtect || acc.newProtect) {
      const unprotecting = acc.replacing && acc.oldProtect && acc.sawNew && !acc.newProtect;
      reasons.push(
        unprotecting ? "protect: true in the state (this update removes the flag)" : "protect: true",
      );
    }
    const typeReason = PROTECTED_TYPES[acc.type];
    if (typeReason !== undefined) reasons.push(`protected type: ${typeReason}`);
    if (reasons.length === 0) continue;
    findings.push({
      urn: acc.urn,
      type: acc.type,
      name: urnName(acc.urn),
      op: acc.replacing ? "replace" : "delete",
      reasons,
      replaceKeys: acc.keys,
      refusedByPulumi: acc.replacing ? acc.oldProtect && acc.newProtect : acc.oldProtect,
    });
  }
  return findings.sort((a, b) => a.urn.localeCompare(b.urn));
}

export interface GateDecision {
  /** The stack was protected, so the gate ran. */
  checked: boolean;
  protection: StackProtection;
  findings: GateFinding[];
  allowReplace: boolean;
  /** The operation must not run. */
  refused: boolean;
}

export function decideGate(
  protection: StackProtection,
  findings: readonly GateFinding[],
  allowReplace: boolean,
): GateDecision {
  const checked = protection.protected;
  return {
    checked,
    protection,
    findings: checked ? [...findings] : [],
    allowReplace,
    refused: checked && findings.length > 0 && !allowReplace,
  };
}

/** One line per finding: what would happen to which resource and why it is protected. */
export function describeFinding(f: GateFinding): string {
  const action = f.op === "replace" ? "would be replaced" : "would be deleted";
  const keys = f.replaceKeys.length > 0 ? ` (replacement forced by: ${f.replaceKeys.join(", ")})` : "";
  const pulumi = f.refusedByPulumi
    ? "; Pulumi refuses this step itself: unprotect the resource first in a reviewed change"
    : "";
  return `${f.type} "${f.name}" ${action}${keys}: ${f.reasons.join("; ")}${pulumi} [${f.urn}]`;
}

/** The refusal text for the log and the report. */
export function refusalMessage(stack: string, decision: GateDecision, command: "up" | "destroy"): string {
  const n = decision.findings.length;
  const lines = [
    `${command} refused on protected stack ${stack} (${decision.protection.reason}): ` +
      `${n} protected resource${n === 1 ? "" : "s"} would be replaced or deleted. ` +
      `Review the preview and re-run with --allow-replace to proceed.`,
    ...decision.findings.map((f) => `  - ${describeFinding(f)}`),
  ];
  return lines.join("\n");
}
