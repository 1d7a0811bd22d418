import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LOAD_BALANCER_SERVICE_ANNOTATIONS, capabilitiesOf } from "./capabilities";
import { ClusterComponent } from "./contract";
import { ClusterComponentOptions, ExistingSettings, TOKEN_DNS } from "./types";

/**
 * Adopts a cluster that already exists (kind, minikube, any kubeconfig). Creates no cloud
 * resources: only the Kubernetes provider. The zero-cost way to try the platform.
 */
export class ExistingCluster extends ClusterComponent {
  readonly target = "existing" as const;

  constructor(name: string, settings: ExistingSettings, opts?: ClusterComponentOptions) {
    super("kube-platform:cluster:ExistingCluster", name, opts);
    const kubeconfig = pulumi.secret(settings.kubeconfig);
    const provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig,
        context: settings.context,
        // The adopted cluster's identity does not change when its credentials rotate.
        clusterIdentifier: `existing/${settings.clusterName}`,
      },
      { parent: this },
    );
    // What the adopted cluster provides, as its settings declare it (capabilities.ts).
    const capabilities = capabilitiesOf({ target: "existing", ...settings });
    const lb = {
      addressKind: settings.loadBalancerAddressKind,
      serviceAnnotations: { ...LOAD_BALANCER_SERVICE_ANNOTATIONS.existing },
    };
    this.publish({
      clusterName: pulumi.output(settings.clusterName),
      region: "",
      kubernetesVersion: settings.kubernetesVersion,
      kubeconfig,
      provider,
      ready: [],
      storageReady: [],
      defaultStorageClass: pulumi.output(settings.defaultStorageClass),
      // Without a LoadBalancer implementation (plain kind: "Services stay pending without
      // cloud-provider-kind or MetalLB") Helm's wait never ends (helm pkg/kube/ready.go waits for
      // `status.loadBalancer.ingress` of LoadBalancer Services): the ingress uses fixed node ports.
      loadBalancer:
        settings.loadBalancer === "none"
          ? {
              ...lb,
              available: false,
              nodePorts: settings.ingressNodePorts,
              address: settings.ingressAddress,
            }
          : { ...lb, available: true },
      hasMetricsApi: capabilities.metricsApi,
      kubeletCertsTrusted: capabilities.kubeletCertsTrusted,
      nodeAutoscaling: { kind: "native" },
      workloadIdentity: undefined,
      unsealKms: undefined,
      // No cloud identity to bind: DNS through an API token from `secrets`.
      dns: TOKEN_DNS.existing,
    });
  }
}
