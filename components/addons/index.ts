import * as pulumi from "@pulumi/pulumi";
import { clusterDnsOf } from "../cluster/capabilities";
import { ManagedCluster } from "../cluster/types";
import { AddonContext, MetricsEndpoint } from "./base";
import { CertManager } from "./cert-manager";
import { ClusterAutoscaler } from "./cluster-autoscaler";
import { IngressController } from "./ingress";
import { MetricsServer } from "./metrics-server";
import { Monitoring } from "./monitoring";
import { PlatformPriorityClasses } from "./priority";
import { AddonsSettings, AutoToggle } from "./types";
import { Vault } from "./vault";

export * from "./types";

export interface PlatformAddOnsArgs {
  cluster: ManagedCluster;
  settings: AddonsSettings;
}

/** Whether an "auto" add-on is installed: when forced on, or when the cluster needs it. */
export function wanted(toggle: AutoToggle, needed: boolean): boolean {
  return toggle === "auto" ? needed : toggle;
}

/**
 * The platform add-ons on one cluster. They all start once the cluster is ready and install in
 * parallel; the only edges between them are real needs: ClusterIssuers wait for cert-manager's
 * CRDs, Vault's TLS certificate for the internal CA issuer, ServiceMonitors for the monitoring CRDs.
 */
export class PlatformAddOns extends pulumi.ComponentResource {
  readonly ingress?: IngressController;
  readonly certManager?: CertManager;
  readonly vault?: Vault;
  readonly monitoring?: Monitoring;
  readonly metricsServer?: MetricsServer;
  readonly clusterAutoscaler?: ClusterAutoscaler;
  /** The platform's PriorityClasses (always created: the add-on charts name them). */
  readonly priorityClasses: PlatformPriorityClasses;

  /** What workloads use: the IngressClass, the ClusterIssuer, Vault's in-cluster address. */
  readonly ingressClass?: string;
  readonly clusterIssuer?: string;
  readonly vaultAddress?: string;
  readonly loadBalancerAddress?: pulumi.Output<string>;
  readonly grafanaAdminPassword?: pulumi.Output<string>;
  /** Whether the add-ons run highly available (the same setting serves the workloads). */
  readonly highAvailability: boolean;

  constructor(name: string, args: PlatformAddOnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:PlatformAddOns", name, {}, opts);
    const { cluster, settings: s } = args;
    this.highAvailability = s.highAvailability;
    const child = { parent: this };
    const clusterCtx: AddonContext = {
      provider: cluster.provider,
      dependsOn: cluster.ready,
      highAvailability: s.highAvailability,
      kubernetesVersion: cluster.kubernetesVersion,
    };
    // A pod naming a PriorityClass that does not exist yet is rejected at admission: the add-ons wait for them.
    this.priorityClasses = new PlatformPriorityClasses(`${name}-priority`, { ctx: clusterCtx }, child);
    const ctx: AddonContext = {
      ...clusterCtx,
      dependsOn: [...cluster.ready, ...Object.values(this.priorityClasses.classes)],
    };
    // Only the add-ons with persistent volumes wait for the cluster's storage (CSI driver, StorageClass).
    const withVolumes: AddonContext = { ...ctx, dependsOn: [...ctx.dependsOn, ...cluster.storageReady] };

    if (s.ingress.enabled) {
      this.ingress = new IngressController(
        `${name}-ingress`,
        { settings: s.ingress, ctx, loadBalancer: cluster.loadBalancer },
        child,
      );
      this.ingressClass = this.ingress.className;
      this.loadBalancerAddress = this.ingress.loadBalancerAddress;
    }

    if (s.certManager.enabled) {
      this.certManager = new CertManager(
        `${name}-cert-manager`,
        { settings: s.certManager, ctx, ingressClassName: this.ingress?.className },
        child,
      );
      this.clusterIssuer = this.certManager.defaultIssuer;
    }

    if (s.vault.enabled) {
      const ca = this.certManager;
      this.vault = new Vault(
        `${name}-vault`,
        {
          settings: s.vault,
          ctx: withVolumes,
          storageClass: cluster.defaultStorageClass,
          tls:
            s.vault.mode === "ha" && ca
              ? { issuerName: ca.internalCaIssuer, issuer: ca.issuers[ca.internalCaIssuer] }
              : undefined,
          unseal:
            cluster.unsealKms && cluster.workloadIdentity
              ? { kms: cluster.unsealKms, workloadIdentity: cluster.workloadIdentity }
              : undefined,
        },
        child,
      );
      this.vaultAddress = this.vault.address;
    }

    if (s.monitoring.enabled) {
      this.monitoring = new Monitoring(
        `${name}-monitoring`,
        {
          settings: s.monitoring,
          ctx: withVolumes,
          storageClass: cluster.defaultStorageClass,
          clusterDns: clusterDnsOf(cluster.target),
        },
        child,
      );
      this.grafanaAdminPassword = this.monitoring.grafanaAdminPassword;
    }

    if (wanted(s.metricsServer.enabled, !cluster.hasMetricsApi)) {
      this.metricsServer = new MetricsServer(
        `${name}-metrics-server`,
        { values: s.metricsServer.values, ctx, kubeletCertsTrusted: cluster.kubeletCertsTrusted ?? true },
        child,
      );
    }

    const autoscaling = cluster.nodeAutoscaling;
    if (autoscaling.kind === "cluster-autoscaler" && wanted(s.clusterAutoscaler.enabled, true)) {
      this.clusterAutoscaler = new ClusterAutoscaler(
        `${name}-cluster-autoscaler`,
        { values: s.clusterAutoscaler.values, ctx, target: autoscaling },
        child,
      );
    }

    // Every metrics endpoint becomes a ServiceMonitor once the monitoring CRDs exist.
    const endpoints: MetricsEndpoint[] = [
      ...(this.ingress?.metrics ?? []),
      ...(this.certManager?.metrics ?? []),
      ...(this.vault?.metrics ?? []),
      ...(this.metricsServer?.metrics ?? []),
      ...(this.clusterAutoscaler?.metrics ?? []),
    ];
    if (this.monitoring) for (const endpoint of endpoints) this.monitoring.serviceMonitor(endpoint);

    this.registerOutputs({
      ingressClass: this.ingressClass,
      clusterIssuer: this.clusterIssuer,
      vaultAddress: this.vaultAddress,
      loadBalancerAddress: this.loadBalancerAddress,
    });
  }
}
