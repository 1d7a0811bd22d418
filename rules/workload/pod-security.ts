/**
 * Pod security rules: the Pod Security Standards "restricted" profile (non-root, no privilege
 * escalation, dropped capabilities, seccomp) and "baseline" controls (no privileged containers,
 * host namespaces, hostPath volumes or host ports), plus a read-only root filesystem and high UIDs.
 */
import { get, isFalse, isTrue, num, rec, recs, str, strings } from "../types";
import { sc, workloadRule } from "./templates";

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
