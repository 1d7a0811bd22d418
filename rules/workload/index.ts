/**
 * The workload security rules: the Pod Security Standards "restricted" profile plus the scanners'
 * workload checks, over Kubernetes workloads as @pulumi/kubernetes registers them.
 * docs/security-rules.md lists them (generated from these lists by `npm run docs:rules`).
 */
import { ResourceRule, StackRule } from "../types";
import {
  cpuLimit,
  cpuRequest,
  imagePinned,
  livenessProbe,
  memoryLimit,
  memoryRequest,
  noServiceAccountToken,
  readinessProbe,
} from "./containers";
import { networkPolicyCoverage } from "./network";
import {
  capabilities,
  highUid,
  noHostNamespaces,
  noHostPath,
  noHostPort,
  noPrivilegeEscalation,
  noPrivileged,
  noRootUid,
  readOnlyRootFilesystem,
  runAsNonRoot,
  seccomp,
} from "./pod-security";
import { pdbCoverage, prodReplicas } from "./scheduling";

export * from "./templates";
export * from "./pod-security";
export * from "./containers";
export * from "./network";
export * from "./scheduling";

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
