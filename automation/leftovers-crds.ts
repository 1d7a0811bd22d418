// The CustomResourceDefinitions a destroy leaves in a cluster that survives it (an adopted cluster,
// or a protected one the destroy keeps): Helm installs a chart's crds/ directory on install and
// never upgrades or deletes it (helm/helm pkg/action/install.go installCRDs; the uninstall deletes
// the objects of the release's manifest only, pkg/action/uninstall.go; Helm docs "Custom Resource
// Definitions"), and cert-manager's CRDs, templates of its chart, carry `helm.sh/resource-policy:
// keep` with `crds.keep` (templates/crd-*.yaml), which the uninstall leaves too. Read from the
// Release inputs of the export (`chart`, `skipCrds`, `values.crds`). Pure: no I/O, no Pulumi import.
import type { LeftBehind } from "./leftovers";
import { ExportedResource, field, isObj, releasesOf } from "./leftovers-state";

interface ChartCrds {
  /** The API groups of the chart's CRDs (each CRD is named `<plural>.<group>`). */
  groups: string[];
  /** Whether the release installed them and its uninstall leaves them, from its inputs. */
  left: (release: ExportedResource) => boolean;
  source: string;
}

const crdsValue = (r: ExportedResource, key: "enabled" | "keep"): unknown => {
  const crds = field(r, "values", "crds");
  return isObj(crds) ? crds[key] : undefined;
};
const fromCrdsDirectory = (r: ExportedResource) => field(r, "skipCrds") !== true;

/** The pinned charts with CRDs, by chart name (the sources listed in components/addons/chart-data/README.md). */
const CHART_CRDS: Record<string, ChartCrds> = {
  traefik: {
    groups: ["traefik.io", "hub.traefik.io"],
    left: fromCrdsDirectory,
    source: "its crds/ directory",
  },
  "nginx-ingress": {
    groups: ["k8s.nginx.org", "appprotect.f5.com", "appprotectdos.f5.com", "externaldns.nginx.org"],
    left: fromCrdsDirectory,
    source: "its crds/ directory",
  },
  // The crds sub-chart (charts/crds/crds/), a dependency with condition crds.enabled (default true).
  "kube-prometheus-stack": {
    groups: ["monitoring.coreos.com"],
    left: (r) => fromCrdsDirectory(r) && crdsValue(r, "enabled") !== false,
    source: "its crds sub-chart's crds/ directory",
  },
  "external-dns": {
    groups: ["externaldns.k8s.io"],
    left: fromCrdsDirectory,
    source: "its crds/ directory",
  },
  // crds.enabled (or the older installCRDs) and crds.keep default to false and true (values.yaml).
  "cert-manager": {
    groups: ["cert-manager.io", "acme.cert-manager.io"],
    left: (r) =>
      (crdsValue(r, "enabled") === true || field(r, "values", "installCRDs") === true) &&
      crdsValue(r, "keep") !== false,
    source: "crds.keep: helm.sh/resource-policy: keep",
  },
  // The EKS target's AWS Load Balancer Controller (CHARTS.awsLoadBalancerController): crds/crds.yaml
  // (elbv2.k8s.aws: TargetGroupBinding, IngressClassParams, ALBTargetControlConfig; aga.k8s.aws:
  // GlobalAccelerator) and crds/gateway-crds.yaml (gateway.k8s.aws) at the chart's tag.
  "aws-load-balancer-controller": {
    groups: ["elbv2.k8s.aws", "aga.k8s.aws", "gateway.k8s.aws"],
    left: fromCrdsDirectory,
    source: "its crds/ directory",
  },
};

/** One entry per release whose CRDs stay in the surviving cluster. */
export function leftCrds(resources: ExportedResource[]): LeftBehind[] {
  return Object.entries(CHART_CRDS).flatMap(([chart, crds]) =>
    releasesOf(resources, chart)
      .filter((r) => crds.left(r))
      .map((r) => {
        const pattern = crds.groups.map((g) => g.replaceAll(".", "\\.")).join("|");
        return {
          urn: r.urn,
          type: "apiextensions.k8s.io/v1:CustomResourceDefinition",
          name: `${chart}: ${crds.groups.map((g) => `*.${g}`).join(", ")}`,
          reason: `the uninstall of chart ${chart} leaves its CustomResourceDefinitions (${crds.source}) in the cluster, which stays`,
          hint:
            `kubectl get crd -o name | grep -E '\\.(${pattern})$'; delete them only when nothing else in the cluster uses them ` +
            "(it deletes every custom resource of their kinds): kubectl delete <each name listed>",
        };
      }),
  );
}
