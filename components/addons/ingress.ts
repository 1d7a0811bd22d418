/**
 * The ingress controller: Traefik (default) or F5 NGINX Ingress Controller, behind a cloud load
 * balancer (or fixed node ports where the cluster has none), serving the cluster's default
 * IngressClass.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterLoadBalancer, LoadBalancerAddressKind, ManagedCluster } from "../cluster/types";
import { PLATFORM_PRIORITY, spreadAcrossNodesAndZones } from "../kube/conventions";
import { AddonContext, namespacedRelease, resources } from "./base";
import { AddonComponent } from "./contract";
import { HelmValues, IngressSettings } from "./types";
import { ChartKey } from "./versions";

/** The one namespace of the ingress controller, whichever controller is chosen. */
export const INGRESS_NAMESPACE = "ingress";

/** What the component needs to know about each controller's chart: fixed names and labels. */
interface ControllerLayout {
  chart: ChartKey;
  /** Fixed Helm release name. */
  releaseName: string;
  /** Name of the LoadBalancer Service the chart creates for this release name. */
  serviceName: string;
  /** Labels of the controller pods (the chart's selector labels for this release). */
  podLabels: Record<string, string>;
  /** The metrics Service the values below enable. */
  metrics: { selector: Record<string, string>; port: string; path: string };
}

export const INGRESS_CONTROLLERS: Record<IngressSettings["controller"], ControllerLayout> = {
  traefik: {
    chart: "traefik",
    releaseName: "traefik",
    // traefik.fullname is the release name when it contains the chart name.
    serviceName: "traefik",
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
    // nginx-ingress.controller.service.name: "<fullname>-<controller.name>".
    serviceName: "nginx-ingress-controller",
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

/** The node ports and reported address where the cluster has no LoadBalancer implementation. */
type NodePortExposure = Extract<ClusterLoadBalancer, { available: false }>;

/**
 * The NodePort exposure, or undefined where LoadBalancer Services get an address. Without a
 * LoadBalancer implementation Helm's wait never returns (helm pkg/kube/ready.go: a LoadBalancer
 * Service is ready once `status.loadBalancer.ingress` is set), so the release would time out and
 * roll back. A NodePort Service is ready once it has a cluster IP. NodePort, not hostPort: hostPort
 * breaks Pod Security baseline, and the namespace enforces restricted.
 */
export function nodePortExposure(lb: ClusterLoadBalancer): NodePortExposure | undefined {
  return lb.available === false ? lb : undefined;
}

/**
 * The NodePort Service spec: traffic to the node port of ANY node reaches a controller pod. kind
 * maps host ports to one node only (kind "Extra Port Mappings": the node's containerPort must equal
 * the Service's nodePort), and with `externalTrafficPolicy: Local` a node without a controller pod
 * drops the traffic (Kubernetes "Service", traffic policies).
 */
const NODE_PORT_SPEC = { type: "NodePort", externalTrafficPolicy: "Cluster" } as const;
const LOAD_BALANCER_SPEC = { type: "LoadBalancer", externalTrafficPolicy: "Local" } as const;

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * external-dns's hostname annotation (docs/annotations/annotations.md at the image of
 * CHARTS.externalDns): on a LoadBalancer Service, a record of that name pointing at its address
 * (external-dns reads Services: `sources`, addons/dns/values.ts). It names the ingress itself.
 */
export const EXTERNAL_DNS_HOSTNAME_ANNOTATION = "external-dns.alpha.kubernetes.io/hostname";

/** The controller Service's annotations: the cluster's load balancer ones, and the ingress's own record. */
export function controllerServiceAnnotations(
  lb: ManagedCluster["loadBalancer"],
  dnsHostname: string | undefined,
): Record<string, string> {
  return {
    ...lb.serviceAnnotations,
    ...(dnsHostname === undefined ? {} : { [EXTERNAL_DNS_HOSTNAME_ANNOTATION]: dnsHostname }),
  };
}

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
  dnsHostname?: string,
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
        // Copy the load balancer address of the chart's Service into every Ingress status. A
        // NodePort Service has none, and Traefik then skips the status (updateIngressStatus), so
        // Pulumi's Ingress await (pulumi-kubernetes await/ingress.go waits for
        // `status.loadBalancer.ingress`) would time out: report the configured address instead.
        ...(np
          ? {
              publishedService: { enabled: false },
              ingressEndpoint: IPV4.test(np.address) ? { ip: np.address } : { hostname: np.address },
            }
          : { publishedService: { enabled: true } }),
      },
    },
    service: {
      enabled: true,
      // The default Service's annotations (templates/service.yaml renders `service.annotations`).
      annotations: controllerServiceAnnotations(lb, dnsHostname),
      // `service.spec` passes through into the ServiceSpec (traefik _service.tpl). Local keeps client
      // source IPs (as the nginx option does) and lets the cloud LB health-check only the nodes
      // running a replica.
      spec: { ...(np ? NODE_PORT_SPEC : LOAD_BALANCER_SPEC) },
    },
    // Fixed node ports (rendered as `nodePort` of each exposed port, traefik _service.tpl).
    ...(np
      ? { ports: { web: { nodePort: np.nodePorts.http }, websecure: { nodePort: np.nodePorts.https } } }
      : {}),
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
  dnsHostname?: string,
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
      // Publish the LoadBalancer Service's address in the status of Ingress resources.
      reportIngressStatus: { enable: true, enableLeaderElection: true },
      service: {
        create: true,
        ...(np ? NODE_PORT_SPEC : LOAD_BALANCER_SPEC),
        // templates/controller-service.yaml renders `controller.service.annotations`.
        annotations: controllerServiceAnnotations(lb, dnsHostname),
        // controller-service.yaml renders these for type NodePort or LoadBalancer.
        ...(np
          ? { httpPort: { nodePort: np.nodePorts.http }, httpsPort: { nodePort: np.nodePorts.https } }
          : {}),
      },
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

/** The address clients reach: the first load balancer ingress entry, "" while it is pending. */
export function loadBalancerAddressOf(
  status: k8s.types.output.core.v1.ServiceStatus | undefined,
  kind: LoadBalancerAddressKind,
): string {
  const first = status?.loadBalancer?.ingress?.[0];
  return (kind === "hostname" ? first?.hostname : first?.ip) ?? "";
}

export interface IngressControllerArgs {
  settings: IngressSettings;
  ctx: AddonContext;
  loadBalancer: ManagedCluster["loadBalancer"];
  /** A record for the ingress itself, published by external-dns (addons.dns.ingressHostname). */
  dnsHostname?: string;
}

/**
 * The address clients reach: with a load balancer, read from the chart's LoadBalancer Service once the
 * release is deployed (Helm's wait, atomic, returns only once the Service has an address); without
 * one, the configured address of the node ports.
 */
export function ingressAddress(
  name: string,
  service: { namespace: k8s.core.v1.Namespace; name: string; release: k8s.helm.v3.Release },
  loadBalancer: ManagedCluster["loadBalancer"],
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
): pulumi.Output<string> {
  const np = nodePortExposure(loadBalancer);
  if (np) return pulumi.output(np.address);
  const read = k8s.core.v1.Service.get(
    `${name}-lb`,
    pulumi.interpolate`${service.namespace.metadata.name}/${service.name}`,
    { provider: opts.provider, parent: opts.parent, dependsOn: [service.release] },
  );
  return read.status.apply((s) => loadBalancerAddressOf(s, loadBalancer.addressKind));
}

/**
 * The ingress controller in namespace `ingress` (Pod Security restricted), exposed by a
 * LoadBalancer Service (a NodePort Service where the cluster has no LoadBalancer implementation);
 * its IngressClass `settings.className` is the cluster default.
 */
export class IngressController extends AddonComponent {
  /** The IngressClass workloads use (the cluster default). */
  readonly className: string;
  /** Which controller runs (traefik or F5 NGINX). */
  readonly controller: IngressSettings["controller"];
  /**
   * The load balancer's DNS name (AWS) or IP (others), read after the release is deployed; without
   * a load balancer, the configured address of the node ports.
   */
  readonly loadBalancerAddress: pulumi.Output<string>;

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
      values:
        settings.controller === "traefik"
          ? traefikValues(settings, ha, loadBalancer, args.dnsHostname)
          : nginxValues(settings, ha, loadBalancer, args.dnsHostname),
      extraValues: settings.values,
      ctx,
      parent: this,
    });
    const service = { namespace, name: layout.serviceName, release };
    this.loadBalancerAddress = ingressAddress(name, service, loadBalancer, {
      parent: this,
      provider: ctx.provider,
    });
    this.className = settings.className;
    this.controller = settings.controller;
    const metrics = { name: layout.releaseName, namespace: INGRESS_NAMESPACE, ...layout.metrics, release };
    this.publish(
      { namespace: INGRESS_NAMESPACE, release, metrics: [metrics] },
      { className: this.className, loadBalancerAddress: this.loadBalancerAddress },
    );
  }
}
