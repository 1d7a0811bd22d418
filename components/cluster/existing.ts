import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterComponentOptions, ExistingSettings, ManagedCluster } from "./types";

/**
 * Adopts a cluster that already exists (kind, minikube, any kubeconfig). Creates no cloud
 * resources: only the Kubernetes provider. The zero-cost way to try the platform.
 */
export class ExistingCluster extends pulumi.ComponentResource implements ManagedCluster {
  readonly target = "existing" as const;
  readonly clusterName: pulumi.Output<string>;
  readonly region = "";
  readonly kubernetesVersion: string;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly ready: pulumi.Resource[] = [];
  readonly storageReady: pulumi.Resource[] = [];
  readonly defaultStorageClass: pulumi.Output<string>;
  readonly loadBalancer: ManagedCluster["loadBalancer"];
  readonly hasMetricsApi: boolean;
  readonly kubeletCertsTrusted: boolean;
  readonly nodeAutoscaling = { kind: "native" } as const;
  readonly workloadIdentity = undefined;
  readonly unsealKms = undefined;

  constructor(name: string, settings: ExistingSettings, opts?: ClusterComponentOptions) {
    super("kube-platform:cluster:ExistingCluster", name, {}, opts);
    this.kubeconfig = pulumi.secret(settings.kubeconfig);
    this.clusterName = pulumi.output(settings.clusterName);
    this.kubernetesVersion = settings.kubernetesVersion;
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: this.kubeconfig,
        context: settings.context,
        // The adopted cluster's identity does not change when its credentials rotate.
        clusterIdentifier: `existing/${settings.clusterName}`,
      },
      { parent: this },
    );
    this.defaultStorageClass = pulumi.output(settings.defaultStorageClass);
    const lb = { addressKind: settings.loadBalancerAddressKind, serviceAnnotations: {} };
    // Without a LoadBalancer implementation (plain kind: "Services stay pending without
    // cloud-provider-kind or MetalLB") Helm's wait never ends (helm pkg/kube/ready.go waits for
    // `status.loadBalancer.ingress` of LoadBalancer Services): the ingress uses fixed node ports.
    this.loadBalancer =
      settings.loadBalancer === "none"
        ? { ...lb, available: false, nodePorts: settings.ingressNodePorts, address: settings.ingressAddress }
        : { ...lb, available: true };
    this.hasMetricsApi = settings.hasMetricsApi;
    this.kubeletCertsTrusted = settings.kubeletServingCerts === "trusted";
    this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig });
  }
}
