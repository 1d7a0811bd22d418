/**
 * Which values of the pinned add-on charts make a Service, and of which type, given a release's
 * values: the chart's default type and the toggles that render the Service are read from each
 * chart's values.yaml and templates at the pinned versions (tests/deployability.test.ts checks every
 * key and default below against components/addons/chart-data). A chart absent here renders no
 * Service whose type its values set (cert-manager v1.21.1's are ClusterIP in its templates,
 * cluster-autoscaler 9.59.0's `service.type` only with its metrics Service). And, on EKS, who serves
 * the LoadBalancer Services the program makes (deploy-eks-load-balancer-controller).
 */
import { AWS_LOAD_BALANCER_CLASS } from "../components/cluster/capabilities";
import { EKS_CLUSTER } from "./cluster/common";
import { HELM_RELEASE, SERVICE, ofType, stackRule } from "./deployability-base";
import { Rec, ResourceUnderTest, Violation, get, isFalse, rec, str } from "./types";
import { chartName } from "./webhooks";

/** One Service a chart renders, whose type a values key sets. */
export interface ServiceTypeValue {
  /** The values key holding the Service's type. */
  key: string;
  /** The type when the key is unset (the chart's values.yaml; the template's own where it has none). */
  chartDefault: string;
  /** Whether the chart renders this Service with these values. */
  rendered(values: Rec): boolean;
  /** What to do instead, for messages (the key is `<configKey>.<key>`). */
  fix: string;
}

export interface ChartServices {
  /** Where a stack sets this chart's values. */
  configKey: string;
  services: readonly ServiceTypeValue[];
}

/** Whether a toggle is on: unset means the chart's default. */
const on = (value: unknown, chartDefault: boolean) => (value === undefined ? chartDefault : !isFalse(value));

/**
 * A vault toggle as its helpers compare it (`eq (x | toString) "true"`): unset means its values.yaml
 * default, "-" follows global.enabled (true by default).
 */
const vaultOn = (values: Rec, key: string, chartDefault: boolean | "-"): boolean => {
  const value = get(values, key) ?? chartDefault;
  return value === "-" ? String(get(values, "global.enabled") ?? true) === "true" : String(value) === "true";
};

/** vault 0.34.1 templates/_helpers.tpl vault.mode: an external Vault address, or no server, renders no Service. */
function vaultServer(values: Rec): boolean {
  if (str(get(values, "injector.externalVaultAddr")) || str(get(values, "global.externalVaultAddr")))
    return false;
  return vaultOn(values, "server.enabled", "-");
}

const internal = (configKey: string) =>
  `set ${configKey}.<key> to ClusterIP (reach it with kubectl port-forward) or NodePort`;

const MONITORING = "addons.monitoring.values";
const VAULT = "addons.vault.values";

export const SERVICE_TYPE_VALUES: Record<string, ChartServices> = {
  // traefik 41.3.0: templates/service.yaml renders the Service when service.enabled; _service.tpl
  // renders service.spec, whose type is LoadBalancer in values.yaml.
  traefik: {
    configKey: "addons.ingress.values",
    services: [
      {
        key: "service.spec.type",
        chartDefault: "LoadBalancer",
        rendered: (v) => on(get(v, "service.enabled"), true),
        fix: "keep the chart's Service off (service.enabled: false): the platform's own ingress Service follows cluster.loadBalancer",
      },
    ],
  },
  // F5 nginx-ingress 2.6.4: templates/controller-service.yaml when controller.service.create, of
  // controller.service.type (LoadBalancer in values.yaml).
  "nginx-ingress": {
    configKey: "addons.ingress.values",
    services: [
      {
        key: "controller.service.type",
        chartDefault: "LoadBalancer",
        rendered: (v) => on(get(v, "controller.service.create"), true),
        fix: "keep the chart's Service off (controller.service.create: false): the platform's own ingress Service follows cluster.loadBalancer",
      },
    ],
  },
  // kube-prometheus-stack 88.5.3: templates/prometheus/service.yaml and alertmanager/service.yaml
  // (when <component>.enabled and <component>.service.enabled), prometheus/serviceThanosSidecarExternal.yaml
  // (when prometheus.thanosServiceExternal.enabled; LoadBalancer in values.yaml); grafana 12.11.1
  // (grafana-community/helm-charts) templates/service.yaml when service.enabled, the sub-chart on
  // grafana.enabled (Chart.yaml condition).
  "kube-prometheus-stack": {
    configKey: MONITORING,
    services: [
      {
        key: "grafana.service.type",
        chartDefault: "ClusterIP",
        rendered: (v) => on(get(v, "grafana.enabled"), true) && on(get(v, "grafana.service.enabled"), true),
        fix: internal(MONITORING),
      },
      {
        key: "prometheus.service.type",
        chartDefault: "ClusterIP",
        rendered: (v) =>
          on(get(v, "prometheus.enabled"), true) && on(get(v, "prometheus.service.enabled"), true),
        fix: internal(MONITORING),
      },
      {
        key: "alertmanager.service.type",
        chartDefault: "ClusterIP",
        rendered: (v) =>
          on(get(v, "alertmanager.enabled"), true) && on(get(v, "alertmanager.service.enabled"), true),
        fix: internal(MONITORING),
      },
      {
        key: "prometheus.thanosServiceExternal.type",
        chartDefault: "LoadBalancer",
        rendered: (v) =>
          on(get(v, "prometheus.enabled"), true) &&
          on(get(v, "prometheus.thanosServiceExternal.enabled"), false),
        fix: `leave ${MONITORING}.prometheus.thanosServiceExternal off, or set its type to ClusterIP or NodePort`,
      },
    ],
  },
  // vault 0.34.1: templates/ui-service.yaml when vault.uiEnabled (ui.enabled, "-" follows
  // global.enabled), of ui.serviceType; server-service.yaml (and the ha active/standby Services) when
  // vault.serverServiceEnabled (server.service.enabled), of server.service.type: unset in values.yaml,
  // so the template renders no type and Kubernetes defaults to ClusterIP.
  vault: {
    configKey: VAULT,
    services: [
      {
        key: "ui.serviceType",
        chartDefault: "ClusterIP",
        rendered: (v) => vaultServer(v) && vaultOn(v, "ui.enabled", false),
        fix: internal(VAULT),
      },
      {
        key: "server.service.type",
        chartDefault: "ClusterIP",
        rendered: (v) => vaultServer(v) && on(get(v, "server.service.enabled"), true),
        fix: internal(VAULT),
      },
    ],
  },
  // metrics-server 3.13.1 (kubernetes-sigs/metrics-server charts/metrics-server): templates/service.yaml,
  // always, of service.type.
  "metrics-server": {
    configKey: "addons.metricsServer.values",
    services: [
      {
        key: "service.type",
        chartDefault: "ClusterIP",
        rendered: () => true,
        fix: "set addons.metricsServer.values.service.type to ClusterIP (the API server reaches it in the cluster)",
      },
    ],
  },
};

/** A Service a release would render as a LoadBalancer, with where it is set. */
export interface LoadBalancerValue {
  /** `<configKey>.<key>`: where the stack sets it. */
  key: string;
  /** Whether it is the chart's default (no value set). */
  byDefault: boolean;
  fix: string;
}

/** The Services of type LoadBalancer that `chart` (its name) renders with `values`. */
export function loadBalancerValues(chart: string, values: Rec): LoadBalancerValue[] {
  const entry = SERVICE_TYPE_VALUES[chart];
  if (!entry) return [];
  return entry.services
    .filter((s) => s.rendered(values) && (get(values, s.key) ?? s.chartDefault) === "LoadBalancer")
    .map((s) => ({
      key: `${entry.configKey}.${s.key}`,
      byDefault: get(values, s.key) === undefined,
      fix: s.fix.replace("<key>", s.key),
    }));
}

/* ------------------------------------------------------------------------------------------ */
/* On EKS, LoadBalancer Services are the AWS Load Balancer Controller's                        */
/* ------------------------------------------------------------------------------------------ */

/** The annotation naming the controller of an AWS load balancer (in-tree values `nlb`, `clb`…). */
const AWS_LB_TYPE = "service.beta.kubernetes.io/aws-load-balancer-type";
/** The type annotation's values the controller takes (annotations.md "lb-type"); others are in-tree. */
const CONTROLLER_TYPES = ["external", "nlb-ip"];
/** The controller's chart (CHARTS.awsLoadBalancerController). */
const LBC_CHART = "aws-load-balancer-controller";

/** Who serves a LoadBalancer Service on EKS, from its class and type annotation. */
function eksServiceProblem(s: ResourceUnderTest, controller: boolean): string | undefined {
  const cls = str(get(s.inputs, "spec.loadBalancerClass"));
  const type = str(rec(get(s.inputs, "metadata.annotations"))[AWS_LB_TYPE]);
  const fix = `set spec.loadBalancerClass: ${AWS_LOAD_BALANCER_CLASS} and the annotations the EKS target publishes (loadBalancer.serviceAnnotations)`;
  if (cls !== undefined && cls !== AWS_LOAD_BALANCER_CLASS) return undefined; // another controller's class
  if (type !== undefined && !CONTROLLER_TYPES.includes(type)) {
    return `carries ${AWS_LB_TYPE}: ${type}, the in-tree cloud provider's load balancer (an NLB with instance targets or a Classic Load Balancer): ${fix}`;
  }
  if (cls === undefined && type === undefined) {
    return `is of type LoadBalancer without the AWS Load Balancer Controller's class: the in-tree cloud provider gives it a Classic Load Balancer; ${fix}`;
  }
  if (!controller) {
    return `is the AWS Load Balancer Controller's (${cls !== undefined ? `class ${cls}` : `${AWS_LB_TYPE}: ${String(type)}`}) but the stack installs no ${LBC_CHART} release: it never gets an address and Pulumi waits for one until it times out`;
  }
  return undefined;
}

export const deployEksLoadBalancerController = stackRule({
  id: "deploy-eks-load-balancer-controller",
  description:
    "on EKS every LoadBalancer Service is the AWS Load Balancer Controller's (its class, no in-tree type annotation) and the controller is installed",
  source:
    "aws-load-balancer-controller docs/guide/service/nlb.md (LoadBalancerClass; the in-tree controller serves Services without it) and docs/deploy/installation.md (the controller instead of the in-tree provider)",
  types: [EKS_CLUSTER, SERVICE, HELM_RELEASE],
  check(all, _ctx, v) {
    if (ofType(all, EKS_CLUSTER).length === 0) return [];
    const controller = ofType(all, HELM_RELEASE).some((r) => chartName(r.inputs.chart) === LBC_CHART);
    const out: Violation[] = [];
    for (const s of ofType(all, SERVICE)) {
      if (get(s.inputs, "spec.type") !== "LoadBalancer") continue;
      const problem = eksServiceProblem(s, controller);
      if (problem) out.push(v(s, problem));
    }
    return out;
  },
});
