/**
 * Container rules: resource requests and limits, liveness and readiness probes, pinned images, and
 * no ServiceAccount token unless the Vault Agent needs it.
 */
import { ResourceRule, get, isFalse, isRec, isTrue, str } from "../types";
import { ContainerRef, RUN_TO_COMPLETION, workloadRule } from "./templates";

function quantity(c: ContainerRef, path: string): string | undefined {
  const v = get(c.spec.resources, path);
  return typeof v === "number" ? String(v) : str(v);
}

const resourceRule = (id: string, scannerId: string, path: string, severity?: ResourceRule["severity"]) =>
  workloadRule({
    id,
    scannerIds: [scannerId],
    description: `resources.${path} set on every container`,
    severity,
    perContainer: (c) => (quantity(c, path) ? undefined : `resources.${path} is not set`),
  });

export const cpuRequest = resourceRule("k8s-cpu-request", "CKV_K8S_10", "requests.cpu");
/** Advisory: a CPU limit throttles latency-sensitive apps; the memory limit is what protects the node. */
export const cpuLimit = resourceRule("k8s-cpu-limit", "CKV_K8S_11", "limits.cpu", "advisory");
export const memoryRequest = resourceRule("k8s-memory-request", "CKV_K8S_12", "requests.memory");
export const memoryLimit = resourceRule("k8s-memory-limit", "CKV_K8S_13", "limits.memory");

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
