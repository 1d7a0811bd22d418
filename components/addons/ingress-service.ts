/**
 * The ingress controller's Service, a Pulumi resource rather than an object of the controller's
 * chart, so that a destroy awaits it before anything it needs goes.
 *
 * A LoadBalancer Service keeps its cloud load balancer until the cluster's service controller has
 * deleted it: the object carries the finalizer `service.kubernetes.io/load-balancer-cleanup` until
 * then (kubernetes staging/src/k8s.io/cloud-provider/controllers/service: the finalizer is removed
 * after EnsureLoadBalancerDeleted; on EKS the AWS Load Balancer Controller's `service.k8s.aws/resources`,
 * removed once it has deleted the NLB, its target groups and the security groups it made:
 * aws-load-balancer-controller pkg/shared_constants/finalizers.go), and a cluster or network (or, on
 * EKS, the controller) deleted before leaves the load balancer, its ENIs and security group rules
 * behind (EKS user guide "Delete a cluster": delete such Services first, or orphaned resources keep
 * the VPC from being deleted). Deleting the Service is awaited by
 * pulumi-kubernetes until the object is gone (provider/pkg/await/await.go Deletion: foreground
 * propagation, 10 minutes unless `customTimeouts.delete`), and a failed or timed-out delete leaves
 * it in the state, so the next destroy deletes and awaits it again. Helm's uninstall also waits for
 * the objects of its manifest (pulumi-kubernetes helm_release.go Delete sets `uninstall.Wait` when
 * `release.Atomic || !release.SkipAwait`, so for the platform's atomic releases; helm
 * pkg/kube/wait.go waitForDeletedResources polls each until NotFound), but a timeout there still
 * purges the release record (helm pkg/action/uninstall.go: the errors are returned after the
 * purge), and a later destroy fails to uninstall it again ("Release not loaded") until a refresh
 * drops the release from the state (the provider's Read answers a missing release as deleted:
 * helm_release.go Read), so `pulumi destroy --refresh` (the driver's `destroy --refresh`) goes on
 * from there. As a Pulumi resource the Service also depends on external-dns's records wait, so a
 * destroy deletes it while external-dns still runs to remove the record of addons.dns.ingressHostname.
 *
 * The chart's own Service is turned off (traefik `service.enabled`, F5 NGINX `controller.service.create`)
 * and this one is what it rendered with the platform's values: the same name, selector (the chart's
 * selector labels), ports, type, traffic policy and annotations (traefik templates/service.yaml and
 * _service.tpl, F5 NGINX templates/controller-service.yaml at the pinned tags).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterLoadBalancer, LoadBalancerAddressKind } from "../cluster/types";
import { EXTERNAL_DNS_HOSTNAME_ANNOTATION, PLATFORM_LABELS } from "../kube/conventions";
import { isSecretValues } from "./base";

/** One port of the controller's Service. */
export interface ControllerServicePort {
  name: string;
  port: number;
  /** The controller pods' port (a name or a number, as the chart renders it). */
  targetPort: string | number;
}

/** The controller's Service as its chart names it for the platform's release. */
export interface ControllerServiceLayout {
  /** The Service's name (the chart's default Service for this release name). */
  name: string;
  /** The chart's selector labels of the controller pods. */
  selector: Record<string, string>;
  /** The HTTP and HTTPS ports, which the node ports map when there is no load balancer. */
  ports: { http: ControllerServicePort; https: ControllerServicePort };
}

/** The node ports and reported address where the cluster has no LoadBalancer implementation. */
export type NodePortExposure = Extract<ClusterLoadBalancer, { available: false }>;

/**
 * The NodePort exposure, or undefined where LoadBalancer Services get an address. Without a
 * LoadBalancer implementation a LoadBalancer Service never gets an address, and both Helm's wait
 * (helm pkg/kube/ready.go) and Pulumi's Service await (pulumi-kubernetes provider/pkg/await/service.go:
 * a LoadBalancer Service is ready once `status.loadBalancer.ingress` is set) would never end. A
 * NodePort Service is ready once its endpoints settle. NodePort, not hostPort: hostPort breaks Pod
 * Security baseline, and the namespace enforces restricted.
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
export const NODE_PORT_SPEC = { type: "NodePort", externalTrafficPolicy: "Cluster" } as const;
/**
 * Local keeps client source IPs and lets the cloud load balancer health-check only the nodes running
 * a replica, where the load balancer targets the nodes' ports. With IP targets (EKS: the AWS Load
 * Balancer Controller's NLB) it reaches the pods directly, and the policy changes nothing on that
 * path: the controller's Local-specific health check is for instance targets only
 * (aws-load-balancer-controller pkg/service/model_build_target_group.go), and clients' addresses come
 * from the target group's client IP preservation (components/cluster/capabilities.ts).
 */
export const LOAD_BALANCER_SPEC = { type: "LoadBalancer", externalTrafficPolicy: "Local" } as const;

/**
 * The Service's fields Kubernetes never updates once set: `spec.loadBalancerClass` "may not change
 * once set" on a LoadBalancer Service, from unset to set included (kubernetes
 * pkg/apis/core/validation/validation.go validateLoadBalancerClassField), and the AWS Load Balancer
 * Controller warns against adding or changing the type annotation on an existing Service ("delete the
 * existing Service resource and create a new one": docs/guide/service/nlb.md). A change of the class
 * replaces the Service: the engine turns the field's diff into a replacement (pulumi
 * pkg/resource/deploy/step_generator.go applyReplaceOnChanges), and it deletes the old Service before
 * creating the new one, which must carry the same name. The provider asks for that order only for
 * fields it knows force a replacement (pulumi-kubernetes provider/pkg/provider/provider.go Diff:
 * DeleteBeforeReplace only with `replaces` from its own list, which names `.spec.clusterIP` alone
 * for a Service: provider/pkg/provider/diff.go), so the resource option sets it (step_generator.go:
 * the option overrides the provider's choice). The delete waits until the old load balancer is gone
 * (the cleanup finalizer, above); the new Service gets a new load balancer and a new address.
 */
export const SERVICE_REPLACE_ON_CHANGES = ["spec.loadBalancerClass"];

export { EXTERNAL_DNS_HOSTNAME_ANNOTATION };

/**
 * The controller Service's annotations: the cluster's load balancer ones, the user's
 * (addons.ingress.serviceAnnotations, e.g. an internal load balancer), and the ingress's own record.
 * Stack config refuses user keys the target or the platform sets (stacks/ingress-config.ts).
 */
export function controllerServiceAnnotations(
  lb: ClusterLoadBalancer,
  dnsHostname: string | undefined,
  user: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    ...lb.serviceAnnotations,
    ...user,
    ...(dnsHostname === undefined ? {} : { [EXTERNAL_DNS_HOSTNAME_ANNOTATION]: dnsHostname }),
  };
}

/** The controller Service object (pure): metadata and spec, as the chart rendered them. */
export function controllerServiceObject(
  layout: ControllerServiceLayout,
  namespace: pulumi.Input<string>,
  lb: ClusterLoadBalancer,
  dnsHostname?: string,
  userAnnotations: Readonly<Record<string, string>> = {},
) {
  const np = nodePortExposure(lb);
  const port = (p: ControllerServicePort, nodePort: number | undefined) => ({
    name: p.name,
    port: p.port,
    targetPort: p.targetPort,
    protocol: "TCP",
    ...(nodePort === undefined ? {} : { nodePort }),
  });
  return {
    metadata: {
      name: layout.name,
      namespace,
      labels: { ...layout.selector, ...PLATFORM_LABELS },
      annotations: controllerServiceAnnotations(lb, dnsHostname, userAnnotations),
    },
    spec: {
      ...(np ? NODE_PORT_SPEC : LOAD_BALANCER_SPEC),
      // The controller serving the load balancer (EKS: the AWS Load Balancer Controller); a NodePort
      // Service may not carry one.
      ...(!np && lb.loadBalancerClass !== undefined ? { loadBalancerClass: lb.loadBalancerClass } : {}),
      selector: { ...layout.selector },
      ports: [port(layout.ports.http, np?.nodePorts.http), port(layout.ports.https, np?.nodePorts.https)],
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

export interface ControllerServiceArgs {
  layout: ControllerServiceLayout;
  namespace: k8s.core.v1.Namespace;
  loadBalancer: ClusterLoadBalancer;
  dnsHostname?: string;
  /**
   * The user's annotations (addons.ingress.serviceAnnotations). From a secret `addons` config key
   * (base.ts markSecretValues) the Service's annotations are registered as a secret.
   */
  annotations: Readonly<Record<string, string>>;
  /**
   * What it is created after and deleted before: the controller's release, and external-dns's
   * records wait (a destroy deletes the Service, then waits for its record to go).
   */
  after: pulumi.Input<pulumi.Resource>[];
}

/**
 * The controller's Service `<name>-lb` and the address clients reach: the load balancer's (Pulumi's
 * create awaits it: pulumi-kubernetes await/service.go), or without one the configured address of
 * the node ports. The resource takes the name, and so the URN, of the read (`Service.get`) of the
 * chart's Service it replaces: the engine takes a formerly read URN over as a managed resource
 * (pulumi pkg/resource/deploy/step_generator.go, "wasExternal": create, then drop the read).
 */
export function controllerService(
  name: string,
  a: ControllerServiceArgs,
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
): { service: k8s.core.v1.Service; address: pulumi.Output<string> } {
  const object = controllerServiceObject(
    a.layout,
    a.namespace.metadata.name,
    a.loadBalancer,
    a.dnsHostname,
    a.annotations,
  );
  const secret = Object.keys(a.annotations).length > 0 && isSecretValues(a.annotations);
  const service = new k8s.core.v1.Service(
    `${name}-lb`,
    secret
      ? {
          ...object,
          metadata: { ...object.metadata, annotations: pulumi.secret(object.metadata.annotations) },
        }
      : object,
    {
      ...opts,
      dependsOn: [a.namespace, ...a.after],
      replaceOnChanges: SERVICE_REPLACE_ON_CHANGES,
      deleteBeforeReplace: true,
    },
  );
  const np = nodePortExposure(a.loadBalancer);
  const kind = a.loadBalancer.addressKind;
  const address = np
    ? pulumi.output(np.address)
    : service.status.apply((s) => loadBalancerAddressOf(s, kind));
  return { service, address };
}
