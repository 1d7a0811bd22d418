/**
 * The ingress controller: Traefik (default) or F5 NGINX Ingress Controller, behind a cloud load
 * balancer (or fixed node ports where the cluster has none), serving the cluster's default
 * IngressClass. The controller's Service is the platform's (./ingress-service.ts), not the chart's.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ManagedCluster } from "../cluster/types";
import { PLATFORM_PRIORITY, spreadAcrossNodesAndZones } from "../kube/conventions";
import { AddonContext, namespacedRelease, resources } from "./base";
import { AddonComponent } from "./contract";
import { ControllerServiceLayout, controllerService, nodePortExposure } from "./ingress-service";
import { HelmValues, IngressSettings } from "./types";
import { ChartKey } from "./versions";

export {
  EXTERNAL_DNS_HOSTNAME_ANNOTATION,
  controllerServiceAnnotations,
  loadBalancerAddressOf,
  nodePortExposure,
} from "./ingress-service";

/** The one namespace of the ingress controller, whichever controller is chosen. */
export const INGRESS_NAMESPACE = "ingress";

/** What the component needs to know about each controller's chart: fixed names and labels. */
interface ControllerLayout {
  chart: ChartKey;
  /** Fixed Helm release name. */
  releaseName: string;
  /**
   * The controller's Service as the chart names it for this release (the platform creates it, the
   * chart's is off); its selector is `podLabels`.
   */
  service: Omit<ControllerServiceLayout, "selector">;
  /**
   * The values leaf that turns the chart's Service off: a change of it replaces the release, deleting
   * it first, so a stack deployed with the chart's Service loses it (Helm's uninstall waits until it
   * is gone) before the platform's of the same name and node ports is created. The provider's
   * detailed diff names each changed values leaf (pulumi-kubernetes helm_release.go Diff), which the
   * engine matches against replaceOnChanges paths (pulumi step_generator.go applyReplaceOnChanges).
   */
  chartServiceToggle: string;
  /** Labels of the controller pods (the chart's selector labels for this release). */
  podLabels: Record<string, string>;
  /** The metrics Service the values below enable. */
  metrics: { selector: Record<string, string>; port: string; path: string };
}

export const INGRESS_CONTROLLERS: Record<IngressSettings["controller"], ControllerLayout> = {
  traefik: {
    chart: "traefik",
    releaseName: "traefik",
    // traefik.service-name: traefik.fullname, the release name when it contains the chart name;
    // _service.tpl: each exposed entry point's exposedPort, its name as targetPort (traefik.portreference).
    service: {
      name: "traefik",
      ports: {
        http: { name: "web", port: 80, targetPort: "web" },
        https: { name: "websecure", port: 443, targetPort: "websecure" },
      },
    },
    chartServiceToggle: "values.service.enabled",
    // traefik.labelselector: the instance label is "<release>-<namespace>".
    podLabels: {
      "app.kubernetes.io/name": "traefik",
      "app.kubernetes.io/instance": `traefik-${INGRESS_NAMESPACE}`,
    },
    // service-metrics.yaml: "<fullname>-metrics", labels traefik.metricslabelselector, port "metrics";
    // the Prometheus handler answers on the metrics entry point at /metrics.
    metrics: {
      selector: {
        "app.kubernetes.io/name": "traefik",
        "app.kubernetes.io/instance": `traefik-${INGRESS_NAMESPACE}`,
        "app.kubernetes.io/component": "metrics",
      },
      port: "metrics",
      path: "/metrics",
    },
  },
  nginx: {
    chart: "nginx",
    releaseName: "nginx-ingress",
    // nginx-ingress.controller.service.name: "<fullname>-<controller.name>"; controller-service.yaml:
    // controller.service.httpPort / httpsPort (port and targetPort 80 / 443, names http / https).
    service: {
      name: "nginx-ingress-controller",
      ports: {
        http: { name: "http", port: 80, targetPort: 80 },
        https: { name: "https", port: 443, targetPort: 443 },
      },
    },
    chartServiceToggle: "values.controller.service.create",
    podLabels: {
      "app.kubernetes.io/name": "nginx-ingress",
      "app.kubernetes.io/instance": "nginx-ingress",
    },
    // prometheus.service.create: "<fullname>-prometheus-service" labelled with prometheus.service.labels
    // (set explicitly below to this selector), port "prometheus".
    metrics: {
      selector: { service: "nginx-ingress-prometheus-service" },
      port: "prometheus",
      path: "/metrics",
    },
  },
};

/** Replicas: the configured count, at least 2 when the platform is highly available. */
export function ingressReplicas(settings: IngressSettings, ha: boolean): number {
  return ha ? Math.max(2, settings.replicas) : settings.replicas;
}

/** Requests for scheduling, a memory limit against leaks; both controllers are sized alike. */
const CONTROLLER_RESOURCES = resources("100m", "128Mi", "512Mi");

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Traefik values (CHARTS.traefik). The pods run as 65532 with a read-only root filesystem, no capabilities,
 * seccomp RuntimeDefault and unprivileged ports (8000/8443, published as 80/443 by the Service):
 * Pod Security "restricted" as shipped. There is deliberately NO entry-point-wide HTTP→HTTPS
 * redirect: Traefik applies it to every router on `web`, including cert-manager's HTTP-01 solver
 * Ingress, so ACME HTTP-01 would break; workloads choose HTTPS-only per Ingress instead
 * (`traefik.ingress.kubernetes.io/router.entrypoints: websecure`).
 */
export function traefikValues(
  settings: IngressSettings,
  ha: boolean,
  lb: ManagedCluster["loadBalancer"],
): HelmValues {
  const layout = INGRESS_CONTROLLERS.traefik;
  const np = nodePortExposure(lb);
  return {
    deployment: { replicas: ingressReplicas(settings, ha) },
    resources: CONTROLLER_RESOURCES,
    // traefik _podtemplate.tpl renders `priorityClassName` (apps cannot preempt the ingress:
    // PLATFORM_PRIORITY).
    priorityClassName: PLATFORM_PRIORITY.critical.name,
    ingressClass: { enabled: true, isDefaultClass: true, name: settings.className },
    providers: {
      kubernetesIngress: {
        enabled: true,
        // Copy the load balancer address of the platform's Service into every Ingress status: with
        // the chart's Service off, the chart passes the flag only with a pathOverride
        // (_podtemplate.tpl). A NodePort Service has no address, and Traefik then skips the status
        // (updateIngressStatus), so Pulumi's Ingress await (pulumi-kubernetes await/ingress.go waits
        // for `status.loadBalancer.ingress`) would time out: report the configured address instead.
        ...(np
          ? {
              publishedService: { enabled: false },
              ingressEndpoint: IPV4.test(np.address) ? { ip: np.address } : { hostname: np.address },
            }
          : {
              publishedService: {
                enabled: true,
                pathOverride: `${INGRESS_NAMESPACE}/${layout.service.name}`,
              },
            }),
      },
    },
    // The platform creates the Service (./ingress-service.ts): templates/service.yaml renders none.
    service: { enabled: false },
    metrics: {
      prometheus: {
        entryPoint: "metrics",
        service: { enabled: true },
        // ServiceMonitors are created by the platform once the monitoring CRDs exist.
        serviceMonitor: { enabled: false },
      },
    },
    // The dashboard/API would be readable by any pod on the internal entry point: off.
    api: { dashboard: false },
    // Reject conflicting TLS options instead of falling back to defaults (GHSA-g55h-rg46-x9c5).
    core: { strictTLSOptions: true },
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    ...(ha
      ? {
          podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
          topologySpreadConstraints: spreadAcrossNodesAndZones(layout.podLabels),
        }
      : {}),
  };
}

/**
 * F5 NGINX Ingress Controller values (CHARTS.nginx). Its container runs as 101 with no privilege escalation,
 * all capabilities dropped but NET_BIND_SERVICE (allowed by "restricted"; it binds 80/443) and
 * seccomp RuntimeDefault at pod level; the read-only root filesystem adds an init container with
 * the same restrictions. HTTP→HTTPS redirects are per Ingress with TLS (the controller's default).
 */
export function nginxValues(
  settings: IngressSettings,
  ha: boolean,
  lb: ManagedCluster["loadBalancer"],
): HelmValues {
  const layout = INGRESS_CONTROLLERS.nginx;
  const np = nodePortExposure(lb);
  return {
    controller: {
      replicaCount: ingressReplicas(settings, ha),
      resources: CONTROLLER_RESOURCES,
      // controller-deployment.yaml renders `controller.priorityClassName` (PLATFORM_PRIORITY).
      priorityClassName: PLATFORM_PRIORITY.critical.name,
      initContainerResources: resources("50m", "32Mi", "64Mi"),
      readOnlyRootFilesystem: true,
      ingressClass: { name: settings.className, create: true, setAsDefaultIngress: true },
      // Publish the platform's LoadBalancer Service's address in the status of Ingress resources:
      // with the chart's Service off, `-external-service` only from `externalService` (_helpers.tpl).
      reportIngressStatus: {
        enable: true,
        enableLeaderElection: true,
        ...(np ? {} : { externalService: layout.service.name }),
      },
      // The platform creates the Service (./ingress-service.ts): controller-service.yaml renders none.
      service: { create: false },
      config: {
        entries: {
          "server-tokens": "False",
          // A NodePort Service has no external address to report; `external-status-address` takes
          // precedence over the external Service (F5 internal/k8s/status.go), so Ingresses get one.
          ...(np ? { "external-status-address": np.address } : {}),
        },
      },
      enableSnippets: false,
      // No usage reports to F5 from the cluster.
      telemetryReporting: { enable: false },
      ...(ha
        ? {
            podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
            topologySpreadConstraints: spreadAcrossNodesAndZones(layout.podLabels),
          }
        : {}),
    },
    prometheus: {
      create: true,
      port: 9113,
      service: { create: true, labels: layout.metrics.selector },
      serviceMonitor: { create: false },
    },
  };
}

export interface IngressControllerArgs {
  settings: IngressSettings;
  ctx: AddonContext;
  loadBalancer: ManagedCluster["loadBalancer"];
  /** A record for the ingress itself, published by external-dns (addons.dns.ingressHostname). */
  dnsHostname?: string;
}

/**
 * The ingress controller in namespace `ingress` (Pod Security restricted), exposed by a
 * LoadBalancer Service (a NodePort Service where the cluster has no LoadBalancer implementation)
 * that `expose()` creates; its IngressClass `settings.className` is the cluster default.
 */
export class IngressController extends AddonComponent {
  /** The IngressClass workloads use (the cluster default). */
  readonly className: string;
  /** Which controller runs (traefik or F5 NGINX). */
  readonly controller: IngressSettings["controller"];
  private readonly ingressName: string;
  private readonly args: IngressControllerArgs;
  private readonly namespaceObject: k8s.core.v1.Namespace;
  private exposed?: { service: k8s.core.v1.Service; address: pulumi.Output<string> };

  constructor(name: string, args: IngressControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:IngressController", name, opts);
    const { settings, ctx, loadBalancer } = args;
    const layout = INGRESS_CONTROLLERS[settings.controller];
    const ha = ctx.highAvailability;
    const { namespace, release } = namespacedRelease({
      name,
      chart: layout.chart,
      releaseName: layout.releaseName,
      namespace: INGRESS_NAMESPACE,
      podSecurity: "restricted",
      // What the cluster's load balancers need of the controller pods' namespace (EKS: the AWS Load
      // Balancer Controller's pod readiness gate, so a rollout or drain waits for healthy targets).
      namespaceLabels: loadBalancer.controllerNamespaceLabels,
      values:
        settings.controller === "traefik"
          ? traefikValues(settings, ha, loadBalancer)
          : nginxValues(settings, ha, loadBalancer),
      extraValues: settings.values,
      ctx,
      parent: this,
      options: { replaceOnChanges: [layout.chartServiceToggle], deleteBeforeReplace: true },
    });
    this.ingressName = name;
    this.args = args;
    this.namespaceObject = namespace;
    this.className = settings.className;
    this.controller = settings.controller;
    const metrics = { name: layout.releaseName, namespace: INGRESS_NAMESPACE, ...layout.metrics, release };
    this.publish(
      { namespace: INGRESS_NAMESPACE, release, metrics: [metrics] },
      { className: this.className },
    );
  }

  /**
   * Creates the controller's Service (./ingress-service.ts) after the release and `after` (external-dns's
   * records wait, when it runs: a destroy deletes the Service while external-dns still removes the
   * ingress's record). Called once, by the platform once external-dns settles.
   */
  expose(after: pulumi.Input<pulumi.Resource>[] = []): k8s.core.v1.Service {
    if (this.exposed) throw new Error(`IngressController ${this.ingressName}: expose() is called once`);
    const { settings, ctx, loadBalancer, dnsHostname } = this.args;
    const layout = INGRESS_CONTROLLERS[settings.controller];
    this.exposed = controllerService(
      this.ingressName,
      {
        layout: { ...layout.service, selector: layout.podLabels },
        namespace: this.namespaceObject,
        loadBalancer,
        dnsHostname,
        annotations: settings.serviceAnnotations,
        after: [this.release, ...after],
      },
      { parent: this, provider: ctx.provider },
    );
    return this.exposed.service;
  }

  /** The controller's Service (after expose()). */
  get service(): k8s.core.v1.Service {
    return this.exposedOrThrow("service").service;
  }

  /**
   * The load balancer's DNS name (AWS) or IP (others), from the controller's Service (after
   * expose()); without a load balancer, the configured address of the node ports.
   */
  get loadBalancerAddress(): pulumi.Output<string> {
    return this.exposedOrThrow("loadBalancerAddress").address;
  }

  private exposedOrThrow(field: string) {
    if (!this.exposed)
      throw new Error(`IngressController ${this.ingressName}: ${field} is read before expose()`);
    return this.exposed;
  }
}
