/**
 * Fixtures of the EksCluster-with-Karpenter tests (tests/cluster-eks-karpenter*.test.ts): the resource
 * types, a general pool, dev settings with Karpenter, the dev runs with Karpenter and with
 * cluster-autoscaler, and probes of what they record.
 */
import { EksSettings } from "../../components/cluster/types";
import type { ProgramRun, RecordedResource } from "../../offline/mocks";
import { DEV, DEV_EKS, evaluate } from "./eks-cluster";
import { RawNodePool, eksSettings } from "./settings";

export const T = {
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  release: "kubernetes:helm.sh/v3:Release",
  nodeClass: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
  nodePool: "kubernetes:karpenter.sh/v1:NodePool",
  coreDns: "aws:eks/addon:Addon",
};

export const GENERAL: RawNodePool = {
  name: "general",
  machineType: "t3.large",
  maxNodes: 3,
  diskSizeGb: 40,
  labels: { "kube-platform/pool": "general" },
  taints: ["dedicated=general:NoSchedule"],
};
export const karpenterDev = (extra: Record<string, unknown> = {}): EksSettings =>
  eksSettings({ ...DEV_EKS, nodeAutoscaling: "karpenter", nodePools: [GENERAL], ...extra }, DEV);

export const names = (rs: RecordedResource[]) => rs.map((r) => r.name).sort();
export const release = (run: ProgramRun, name: string) => run.one(T.release, `-${name}-release`);

let devRuns: Promise<[ProgramRun, ProgramRun]> | undefined;

/**
 * The dev cluster with Karpenter and with cluster-autoscaler (the same pools otherwise), evaluated
 * once for every test file that reads them.
 */
export function evaluateDevRuns(): Promise<[ProgramRun, ProgramRun]> {
  devRuns ??= Promise.all([evaluate(karpenterDev(), "dev"), evaluate(eksSettings(DEV_EKS, DEV), "dev")]);
  return devRuns;
}

export function obj(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
}
