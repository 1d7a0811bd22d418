/**
 * A Helm release the EKS target installs itself (Karpenter, the AWS Load Balancer Controller): a
 * pinned chart (CHARTS) in a namespace of the cluster, through the cluster's provider, with the
 * add-ons' release settings (upgrades roll back on failure, a short history:
 * components/addons/base.ts RELEASE_DEFAULTS). The resource is `<name>-release`, as an add-on's.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RELEASE_DEFAULTS } from "../../addons/base";
import { CHARTS, ChartKey } from "../../addons/versions";

export interface ClusterReleaseArgs {
  /** The part's name: the release resource is `<name>-release`. */
  name: string;
  /** The chart (CHARTS). */
  chart: ChartKey;
  /** The Helm release name. */
  releaseName: string;
  /** An existing namespace (kube-system). */
  namespace: string;
  values: Record<string, unknown>;
  /** Leave the chart's crds/ out (another release manages them). */
  skipCrds?: boolean;
  provider: k8s.Provider;
  parent: pulumi.Resource;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The release of a pinned chart, a child of `a.parent` through the cluster's provider. */
export function clusterRelease(a: ClusterReleaseArgs): k8s.helm.v3.Release {
  const chart: { chart: string; version: string; repo?: string } = CHARTS[a.chart];
  return new k8s.helm.v3.Release(
    `${a.name}-release`,
    {
      name: a.releaseName,
      chart: chart.chart,
      version: chart.version,
      repositoryOpts: chart.repo ? { repo: chart.repo } : undefined,
      namespace: a.namespace,
      values: a.values,
      ...(a.skipCrds ? { skipCrds: true } : {}),
      ...RELEASE_DEFAULTS,
    },
    { parent: a.parent, provider: a.provider, dependsOn: a.dependsOn },
  );
}
