/**
 * The one table of pinned add-on charts: name, repository and version. The data of each pinned
 * version (the chart's own Chart.yaml, values.yaml, values.schema.json) lives in
 * components/addons/chart-data/<dataName>/<version>/, and the tests check every values object against it.
 */
export interface ChartRef {
  /** Chart name, or a full OCI reference for OCI-hosted charts. */
  chart: string;
  /** Classic Helm repository URL; undefined for OCI charts. */
  repo?: string;
  version: string;
  /** Folder name under components/addons/chart-data (the chart's own name). */
  dataName: string;
}

export const CHARTS = {
  traefik: {
    chart: "traefik",
    repo: "https://traefik.github.io/charts",
    version: "41.3.0",
    dataName: "traefik",
  },
  nginx: {
    chart: "oci://ghcr.io/nginx/charts/nginx-ingress",
    version: "2.6.4",
    dataName: "nginx-ingress",
  },
  certManager: {
    chart: "cert-manager",
    repo: "https://charts.jetstack.io",
    version: "v1.21.1",
    dataName: "cert-manager",
  },
  vault: {
    chart: "vault",
    repo: "https://helm.releases.hashicorp.com",
    version: "0.34.1",
    dataName: "vault",
  },
  monitoring: {
    chart: "kube-prometheus-stack",
    repo: "https://prometheus-community.github.io/helm-charts",
    version: "88.5.3",
    dataName: "kube-prometheus-stack",
  },
  metricsServer: {
    chart: "metrics-server",
    repo: "https://kubernetes-sigs.github.io/metrics-server/",
    version: "3.13.1",
    dataName: "metrics-server",
  },
  clusterAutoscaler: {
    chart: "cluster-autoscaler",
    repo: "https://kubernetes.github.io/autoscaler",
    version: "9.59.0",
    dataName: "cluster-autoscaler",
  },
  // Its data is the repository's record of the chart's value keys (keys.json), not its values.yaml.
  externalDns: {
    chart: "external-dns",
    repo: "https://kubernetes-sigs.github.io/external-dns/",
    version: "1.21.1",
    dataName: "external-dns",
  },
  // Installed by the EKS target (components/cluster/eks/load-balancer-controller/), not an add-on; its
  // data is a keys.json record like external-dns's. The chart's source: kubernetes-sigs/aws-load-balancer-controller
  // helm/aws-load-balancer-controller at the tag of its app version (chart and app versions are equal).
  awsLoadBalancerController: {
    chart: "aws-load-balancer-controller",
    repo: "https://aws.github.io/eks-charts",
    version: "3.5.0",
    dataName: "aws-load-balancer-controller",
  },
  // Karpenter, installed by the EKS target with cluster.nodeAutoscaling: karpenter
  // (components/cluster/eks/karpenter/), not an add-on: the CRDs as their own chart (templated, so an
  // upgrade updates them) and the controller with skipCrds. Both are published as OCI charts of
  // aws/karpenter-provider-aws (charts/karpenter-crd, charts/karpenter at tag v<version>); their
  // data is a keys.json record like external-dns's.
  karpenterCrd: {
    chart: "oci://public.ecr.aws/karpenter/karpenter-crd",
    version: "1.14.1",
    dataName: "karpenter-crd",
  },
  karpenter: {
    chart: "oci://public.ecr.aws/karpenter/karpenter",
    version: "1.14.1",
    dataName: "karpenter",
  },
} as const satisfies Record<string, ChartRef>;

export type ChartKey = keyof typeof CHARTS;
