/**
 * Workload rules (../shared/reference.md "Workload rules"): the Pod Security Standards "restricted"
 * profile plus the scanners' workload checks, over Kubernetes workloads as @pulumi/kubernetes
 * registers them (inputs are the object: apiVersion, kind, metadata, spec).
 *
 * Where the pod spec sits per kind: Pod → `spec`; CronJob → `spec.jobTemplate.spec.template.spec`;
 * Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job → `spec.template.spec`.
 * Helm releases are opaque here (their manifests are not registered resources).
 */
import {
  Rec,
  ResourceRule,
  ResourceUnderTest,
  RuleContext,
  StackRule,
  Violation,
  get,
  isFalse,
  isRec,
  isTrue,
  num,
  rec,
  recs,
  str,
  strings,
  stringMap,
  violationOf,
} from "./types";

/* ------------------------------------------------------------------------------------------ */
/* Pod templates                                                                              */
/* ------------------------------------------------------------------------------------------ */

type TemplatePath = "pod" | "template" | "cronjob";

/** Workload type tokens and where their pod template is. */
export const WORKLOAD_TYPES: Record<string, TemplatePath> = {
  "kubernetes:core/v1:Pod": "pod",
  "kubernetes:core/v1:ReplicationController": "template",
  "kubernetes:apps/v1:Deployment": "template",
  "kubernetes:apps/v1:StatefulSet": "template",
  "kubernetes:apps/v1:DaemonSet": "template",
  "kubernetes:apps/v1:ReplicaSet": "template",
  "kubernetes:batch/v1:Job": "template",
  "kubernetes:batch/v1:CronJob": "cronjob",
};

export const NETWORK_POLICY_TYPE = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

const isPdb = (r: ResourceUnderTest) =>
  r.type.startsWith("kubernetes:policy/") && r.type.endsWith(":PodDisruptionBudget");
const isHpa = (r: ResourceUnderTest) =>
  r.type.startsWith("kubernetes:autoscaling/") && r.type.endsWith(":HorizontalPodAutoscaler");

export function isWorkload(r: ResourceUnderTest): boolean {
  return r.type in WORKLOAD_TYPES;
}

/** The kind (last segment of the type token): Deployment, CronJob, … */
export function kindOf(r: ResourceUnderTest): string {
  return r.type.split(":").pop() ?? "";
}

/** One container of a pod template, with how messages name it. */
export interface ContainerRef {
  /** `container "app"`, `init container "migrate"`, … */
  label: string;
  init: boolean;
  spec: Rec;
}

/** The pod template of a workload: what its pods look like. */
export interface PodTemplate {
  kind: string;
  /** `metadata.name` of the workload (undefined when Pulumi auto-names it). */
  name?: string;
  /** `metadata.namespace`, "default" when unset. */
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Rec;
  podSecurityContext: Rec;
  containers: ContainerRef[];
}

/** The pod template of `r`, or undefined when `r` is not a workload. Missing parts read as empty. */
export function podTemplateOf(r: ResourceUnderTest): PodTemplate | undefined {
  const where = WORKLOAD_TYPES[r.type];
  if (!where) return undefined;
  const inputs = rec(r.inputs);
  const template =
    where === "pod"
      ? inputs
      : where === "cronjob"
        ? get(inputs, "spec.jobTemplate.spec.template")
        : get(inputs, "spec.template");
  const meta = rec(rec(template).metadata);
  const spec = rec(rec(template).spec);
  const named = (kind: string, init: boolean) => (c: Rec, i: number) => ({
    label: `${kind} "${str(c.name) ?? `#${i}`}"`,
    init,
    spec: c,
  });
  return {
    kind: kindOf(r),
    name: str(get(inputs, "metadata.name")),
    namespace: str(get(inputs, "metadata.namespace")) ?? "default",
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
    spec,
    podSecurityContext: rec(spec.securityContext),
    containers: [
      ...recs(spec.initContainers).map(named("init container", true)),
      ...recs(spec.containers).map(named("container", false)),
      ...recs(spec.ephemeralContainers).map(named("ephemeral container", true)),
    ],
  };
}

/** Kinds that run to completion: no probes. */
const RUN_TO_COMPLETION = new Set(["Job", "CronJob"]);

/**
 * A per-workload rule: `perPod` sees the template, `perContainer` each container (init and
 * ephemeral containers included unless `mainOnly`).
 */
function workloadRule(def: {
  id: string;
  scannerIds: string[];
  description: string;
  severity?: ResourceRule["severity"];
  kinds?: (kind: string) => boolean;
  mainOnly?: boolean;
  perPod?: (pt: PodTemplate) => string[];
  perContainer?: (c: ContainerRef, pt: PodTemplate) => string | undefined;
}): ResourceRule {
  return {
    kind: "resource",
    id: def.id,
    scannerIds: def.scannerIds,
    description: def.description,
    severity: def.severity ?? "mandatory",
    appliesTo: (r) => isWorkload(r) && (def.kinds?.(kindOf(r)) ?? true),
    check(r: ResourceUnderTest, _ctx: RuleContext): string[] {
      const pt = podTemplateOf(r);
      if (!pt) return [];
      const out = def.perPod?.(pt) ?? [];
      if (def.perContainer) {
        const containers = pt.containers.filter((c) => !(def.mainOnly && c.init));
        for (const c of containers) {
          const problem = def.perContainer(c, pt);
          if (problem) out.push(`${c.label}: ${problem}`);
        }
      }
      return out;
    },
  };
}

const sc = (c: ContainerRef): Rec => rec(c.spec.securityContext);

/* ------------------------------------------------------------------------------------------ */
/* Security context                                                                           */
/* ------------------------------------------------------------------------------------------ */

export const runAsNonRoot = workloadRule({
  id: "k8s-run-as-non-root",
  scannerIds: ["CKV_K8S_23", "PSS:restricted"],
  description:
    "runAsNonRoot: true on the pod or on every container (a container's false overrides the pod's true)",
  perContainer(c, pt) {
    const own = sc(c).runAsNonRoot;
    if (isFalse(own)) return "securityContext.runAsNonRoot is false";
    if (isTrue(own) || isTrue(pt.podSecurityContext.runAsNonRoot)) return undefined;
    return "runAsNonRoot is not true (set it in the pod's or the container's securityContext)";
  },
});

export const noRootUid = workloadRule({
  id: "k8s-no-root-uid",
  scannerIds: ["PSS:restricted"],
  description: "runAsUser is never 0 (pod or container)",
  perPod: (pt) =>
    num(pt.podSecurityContext.runAsUser) === 0 ? ["pod securityContext.runAsUser is 0 (root)"] : [],
  perContainer: (c) => (num(sc(c).runAsUser) === 0 ? "securityContext.runAsUser is 0 (root)" : undefined),
});

/** The UID floor of CKV_K8S_40 (UIDs below are likely to exist on the host). */
export const HIGH_UID = 10000;

export const highUid = workloadRule({
  id: "k8s-high-uid",
  scannerIds: ["CKV_K8S_40"],
  description: `containers run as a UID >= ${HIGH_UID} (pod or container runAsUser)`,
  severity: "advisory",
  perContainer(c, pt) {
    const uid = num(sc(c).runAsUser) ?? num(pt.podSecurityContext.runAsUser);
    if (uid === undefined) return `runAsUser is not set (the image's USER decides); use a UID >= ${HIGH_UID}`;
    return uid >= HIGH_UID ? undefined : `runAsUser ${uid} is below ${HIGH_UID}`;
  },
});

export const noPrivilegeEscalation = workloadRule({
  id: "k8s-no-privilege-escalation",
  scannerIds: ["CKV_K8S_20", "PSS:restricted"],
  description: "allowPrivilegeEscalation: false on every container",
  perContainer: (c) =>
    isFalse(sc(c).allowPrivilegeEscalation)
      ? undefined
      : "securityContext.allowPrivilegeEscalation is not false",
});

/** The only capability a container may add back (binding ports below 1024). */
export const ALLOWED_ADDED_CAPABILITIES = ["NET_BIND_SERVICE"];

export const capabilities = workloadRule({
  id: "k8s-capabilities",
  scannerIds: ["CKV_K8S_28", "CKV_K8S_37", "PSS:restricted"],
  description: "every container drops ALL capabilities and adds back at most NET_BIND_SERVICE",
  perContainer(c) {
    const caps = rec(sc(c).capabilities);
    const problems: string[] = [];
    if (!strings(caps.drop).includes("ALL")) problems.push('capabilities.drop does not include "ALL"');
    const extra = strings(caps.add).filter(
      (x) => !ALLOWED_ADDED_CAPABILITIES.includes(x.replace(/^CAP_/, "")),
    );
    if (extra.length)
      problems.push(`capabilities.add has ${extra.join(", ")} (only NET_BIND_SERVICE allowed)`);
    return problems.length ? problems.join("; ") : undefined;
  },
});

export const seccomp = workloadRule({
  id: "k8s-seccomp",
  scannerIds: ["CKV_K8S_31", "PSS:restricted"],
  description: "seccompProfile RuntimeDefault or Localhost, on the pod or on every container",
  perContainer(c, pt) {
    const profile =
      rec(sc(c).seccompProfile).type !== undefined
        ? rec(sc(c).seccompProfile)
        : rec(pt.podSecurityContext.seccompProfile);
    const type = profile.type;
    if (type === "RuntimeDefault") return undefined;
    if (type === "Localhost")
      return str(profile.localhostProfile) ? undefined : "seccompProfile Localhost without localhostProfile";
    return type === undefined
      ? "no seccompProfile (set type RuntimeDefault on the pod or the container)"
      : `seccompProfile type ${String(type)} (RuntimeDefault or Localhost required)`;
  },
});

export const noPrivileged = workloadRule({
  id: "k8s-no-privileged",
  scannerIds: ["CKV_K8S_16", "PSS:baseline"],
  description: "no privileged container",
  perContainer: (c) => (isTrue(sc(c).privileged) ? "securityContext.privileged is true" : undefined),
});

export const noHostNamespaces = workloadRule({
  id: "k8s-no-host-namespaces",
  scannerIds: ["CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19", "PSS:baseline"],
  description: "no hostPID, hostIPC or hostNetwork",
  perPod: (pt) =>
    (["hostPID", "hostIPC", "hostNetwork"] as const)
      .filter((k) => isTrue(pt.spec[k]))
      .map((k) => `${k} is true`),
});

export const noHostPath = workloadRule({
  id: "k8s-no-host-path",
  scannerIds: ["PSS:baseline"],
  description: "no hostPath volumes",
  perPod: (pt) =>
    recs(pt.spec.volumes)
      .filter((v) => v.hostPath !== undefined && v.hostPath !== null)
      .map((v) => `volume "${str(v.name) ?? "?"}" is a hostPath (${String(get(v, "hostPath.path") ?? "?")})`),
});

export const noHostPort = workloadRule({
  id: "k8s-no-host-port",
  scannerIds: ["CKV_K8S_26", "PSS:baseline"],
  description: "no container port bound to a hostPort",
  perContainer(c) {
    const ports = recs(c.spec.ports)
      .map((p) => num(p.hostPort))
      .filter((p): p is number => p !== undefined && p !== 0);
    return ports.length ? `hostPort ${ports.join(", ")}` : undefined;
  },
});

export const readOnlyRootFilesystem = workloadRule({
  id: "k8s-read-only-root-fs",
  scannerIds: ["CKV_K8S_22"],
  description: "readOnlyRootFilesystem: true on every container (writable paths as emptyDir volumes)",
  perContainer: (c) =>
    isTrue(sc(c).readOnlyRootFilesystem) ? undefined : "securityContext.readOnlyRootFilesystem is not true",
});

/* ------------------------------------------------------------------------------------------ */
/* Resources, probes, images, tokens                                                          */
/* ------------------------------------------------------------------------------------------ */

function quantity(c: ContainerRef, path: string): string | undefined {
  const v = get(c.spec.resources, path);
  return typeof v === "number" ? String(v) : str(v);
}

const resourceRule = (id: string, scannerId: string, path: string, severity: ResourceRule["severity"]) =>
  workloadRule({
    id,
    scannerIds: [scannerId],
    description: `resources.${path} set on every container`,
    severity,
    perContainer: (c) => (quantity(c, path) ? undefined : `resources.${path} is not set`),
  });

export const cpuRequest = resourceRule("k8s-cpu-request", "CKV_K8S_10", "requests.cpu", "mandatory");
/** Advisory: a CPU limit throttles latency-sensitive apps; the memory limit is what protects the node. */
export const cpuLimit = resourceRule("k8s-cpu-limit", "CKV_K8S_11", "limits.cpu", "advisory");
export const memoryRequest = resourceRule("k8s-memory-request", "CKV_K8S_12", "requests.memory", "mandatory");
export const memoryLimit = resourceRule("k8s-memory-limit", "CKV_K8S_13", "limits.memory", "mandatory");

const probeRule = (id: string, scannerId: string, probe: string) =>
  workloadRule({
    id,
    scannerIds: [scannerId],
    description: `${probe} on every container of long-running workloads (not Jobs / CronJobs)`,
    kinds: (kind) => !RUN_TO_COMPLETION.has(kind),
    mainOnly: true,
    perContainer: (c) => (isRec(c.spec[probe]) ? undefined : `no ${probe}`),
  });

export const livenessProbe = probeRule("k8s-liveness-probe", "CKV_K8S_8", "livenessProbe");
export const readinessProbe = probeRule("k8s-readiness-probe", "CKV_K8S_9", "readinessProbe");

/** Why an image reference is not pinned, or undefined when it has a version tag or a digest. */
export function imagePinProblem(image: unknown): string | undefined {
  const ref = str(image);
  if (!ref) return "no image";
  const [name, digest] = ref.split("@", 2);
  if (digest !== undefined) {
    return /^sha256:[a-f0-9]{64}$/.test(digest) ? undefined : `image ${ref} has a malformed digest`;
  }
  const lastSegment = name.slice(name.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : "";
  if (!tag) return `image ${ref} has no tag (means :latest); pin a version or a digest`;
  if (tag === "latest") return `image ${ref} uses the "latest" tag; pin a version or a digest`;
  return undefined;
}

export const imagePinned = workloadRule({
  id: "k8s-image-pinned",
  scannerIds: ["CKV_K8S_14"],
  description: "every image has a version tag other than latest, or a digest",
  perContainer: (c) => imagePinProblem(c.spec.image),
});

/** The Vault Agent injector annotation: an injected agent logs in with the pod's ServiceAccount token. */
export const VAULT_AGENT_INJECT = "vault.hashicorp.com/agent-inject";

export const noServiceAccountToken = workloadRule({
  id: "k8s-no-service-account-token",
  scannerIds: ["CKV_K8S_38"],
  description:
    "automountServiceAccountToken: false on the pod, unless the Vault Agent is injected (it needs the token)",
  perPod(pt) {
    if (isFalse(pt.spec.automountServiceAccountToken)) return [];
    if (isTrue(pt.annotations[VAULT_AGENT_INJECT])) return [];
    return [
      isTrue(pt.spec.automountServiceAccountToken)
        ? "automountServiceAccountToken is true (waive the rule if the app calls the Kubernetes API)"
        : "automountServiceAccountToken is not false",
    ];
  },
});

/* ------------------------------------------------------------------------------------------ */
/* Stack rules: NetworkPolicy coverage, PDBs, replicas                                        */
/* ------------------------------------------------------------------------------------------ */

/**
 * Whether a label selector selects `labels`. `matchLabels` and `matchExpressions` (In, NotIn,
 * Exists, DoesNotExist) are ANDed; an empty selector selects everything. A missing selector selects
 * everything when `missingSelectsAll` (NetworkPolicy podSelector), nothing otherwise (PDB).
 */
export function selectorMatches(
  selector: unknown,
  labels: Record<string, string>,
  missingSelectsAll: boolean,
): boolean {
  if (selector === undefined || selector === null) return missingSelectsAll;
  const s = rec(selector);
  for (const [k, v] of Object.entries(stringMap(s.matchLabels))) if (labels[k] !== v) return false;
  for (const e of recs(s.matchExpressions)) {
    const key = str(e.key) ?? "";
    const values = strings(e.values);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(labels[key])) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const namespaceOf = (r: ResourceUnderTest) => str(get(r.inputs, "metadata.namespace")) ?? "default";

export const networkPolicyCoverage: StackRule = {
  kind: "stack",
  id: "k8s-network-policy-coverage",
  scannerIds: ["CKV2_K8S_6"],
  description:
    "a NetworkPolicy in the workload's namespace selects its pods (empty podSelector, or a selector matching the pod labels)",
  severity: "mandatory",
  check(all: ResourceUnderTest[]): Violation[] {
    const policies = all.filter((r) => r.type === NETWORK_POLICY_TYPE);
    const out: Violation[] = [];
    for (const w of all) {
      const pt = podTemplateOf(w);
      if (!pt) continue;
      const covered = policies.some(
        (p) =>
          namespaceOf(p) === pt.namespace &&
          selectorMatches(get(p.inputs, "spec.podSelector"), pt.labels, true),
      );
      if (!covered) {
        out.push(
          violationOf(
            networkPolicyCoverage,
            w,
            `no NetworkPolicy in namespace ${pt.namespace} selects pods labelled ${JSON.stringify(pt.labels)}`,
          ),
        );
      }
    }
    return out;
  },
};

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

export const pdbCoverage: StackRule = {
  kind: "stack",
  id: "k8s-pdb-coverage",
  scannerIds: [],
  description:
    "a PodDisruptionBudget in the namespace selects the pods of every Deployment / StatefulSet running more than one replica (spec.replicas or HPA minReplicas)",
  severity: "mandatory",
  check(all: ResourceUnderTest[]): Violation[] {
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
        out.push(violationOf(pdbCoverage, w, `${count} but no PodDisruptionBudget selects its pods`));
      }
    }
    return out;
  },
};

/** Fewest replicas a prod Deployment runs. */
export const PROD_MIN_REPLICAS = 2;

export const prodReplicas: StackRule = {
  kind: "stack",
  id: "k8s-prod-replicas",
  scannerIds: [],
  description: `Deployments run at least ${PROD_MIN_REPLICAS} replicas in prod (the HPA's minReplicas when an HPA scales it)`,
  severity: "mandatory",
  profiles: ["prod"],
  check(all: ResourceUnderTest[]): Violation[] {
    const out: Violation[] = [];
    for (const w of all) {
      const pt = podTemplateOf(w);
      if (!pt || pt.kind !== "Deployment") continue;
      const { replicas, hpaMin } = replicaCounts(w, pt, all);
      const effective = hpaMin ?? replicas;
      if (effective < PROD_MIN_REPLICAS) {
        const what = hpaMin !== undefined ? `HPA minReplicas is ${hpaMin}` : `replicas is ${replicas}`;
        out.push(violationOf(prodReplicas, w, `${what}; prod needs at least ${PROD_MIN_REPLICAS}`));
      }
    }
    return out;
  },
};

/* ------------------------------------------------------------------------------------------ */

export const WORKLOAD_RESOURCE_RULES: ResourceRule[] = [
  runAsNonRoot,
  noRootUid,
  highUid,
  noPrivilegeEscalation,
  capabilities,
  seccomp,
  noPrivileged,
  noHostNamespaces,
  noHostPath,
  noHostPort,
  readOnlyRootFilesystem,
  cpuRequest,
  cpuLimit,
  memoryRequest,
  memoryLimit,
  livenessProbe,
  readinessProbe,
  imagePinned,
  noServiceAccountToken,
];

export const WORKLOAD_STACK_RULES: StackRule[] = [networkPolicyCoverage, pdbCoverage, prodReplicas];

export const WORKLOAD_RULES = [...WORKLOAD_RESOURCE_RULES, ...WORKLOAD_STACK_RULES];
