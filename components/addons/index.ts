import * as pulumi from "@pulumi/pulumi";
import { clusterDnsOf } from "../cluster/capabilities";
import { ManagedCluster } from "../cluster/types";
import { AddonContext } from "./base";
import { CertManager } from "./cert-manager";
import { ClusterAutoscaler } from "./cluster-autoscaler";
import { AddonComponent, AddonServices } from "./contract";
import { EXTERNAL_DNS_NAMESPACE, ExternalDns, dnsAccess } from "./dns";
import { IngressController } from "./ingress";
import { MetricsServer } from "./metrics-server";
import { Monitoring } from "./monitoring";
import { PlatformNetworkPolicies, addonNetworkPolicies } from "./network-policies";
import { PlatformPriorityClasses } from "./priority";
import { AddonsSettings, AutoToggle, VaultClient } from "./types";
import { Vault, VAULT_NAMESPACE, VAULT_SETUP_NAMESPACE } from "./vault";
import { volumesReleased } from "./volumes";

export * from "./contract";
export * from "./types";

export interface PlatformAddOnsArgs {
  cluster: ManagedCluster;
  settings: AddonsSettings;
  /**
   * The check of the volume settings against the last deployment (stacks/volume-changes.ts): it
   * rejects a change Kubernetes would refuse, and everything of Vault and monitoring waits for it.
   */
  volumeCheck?: pulumi.Input<pulumi.Resource>;
  /** The apps using Vault (their policies, roles and initial values are Vault's configuration). */
  vaultClients?: VaultClient[];
}

/** Whether an "auto" add-on is installed: when forced on, or when the cluster needs it. */
export function wanted(toggle: AutoToggle, needed: boolean): boolean {
  return toggle === "auto" ? needed : toggle;
}

/** What the installed add-ons hand the workloads (see AddonServices). */
export function addonServices(a: {
  ingress?: IngressController;
  certManager?: CertManager;
  monitoring?: Monitoring;
  vault?: Vault;
  externalDns?: ExternalDns;
}): AddonServices {
  const { ingress, certManager, monitoring, vault, externalDns } = a;
  const recordsReady = externalDns?.recordsReady;
  return {
    ingress: ingress
      ? { className: ingress.className, namespace: ingress.namespace, controller: ingress.controller }
      : undefined,
    clusterIssuer: certManager?.defaultIssuer,
    // The apps' Ingresses wait for external-dns, and on teardown go while it still removes records.
    dns: recordsReady ? { recordsReady } : undefined,
    monitoring: monitoring ? { namespace: monitoring.namespace, release: monitoring.release } : undefined,
    // No CA for the agents to fetch: the injector hands them Vault's CA (vault/injector.ts), so their
    // pods wait for the injector and its CA patch, and for the configuration (their roles).
    vault: vault
      ? {
          address: vault.address,
          namespace: vault.namespace,
          release: vault.injectorReady,
          configured: vault.configured,
        }
      : undefined,
  };
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
  /** external-dns, with DNS zones configured (addons.dns). */
  readonly externalDns?: ExternalDns;
  /** The platform's PriorityClasses (always created: the add-on charts name them). */
  readonly priorityClasses: PlatformPriorityClasses;
  /** Default deny in every add-on namespace, then exactly the flows each add-on needs. */
  readonly networkPolicies: PlatformNetworkPolicies;
  /** What the workloads use: the ingress controller, the ClusterIssuer, monitoring, Vault. */
  readonly services: AddonServices;

  /** The stack outputs: the IngressClass, the ClusterIssuer, Vault's in-cluster address, … */
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
    // Only the add-ons with persistent volumes wait for the cluster's storage (CSI driver, StorageClass)
    // and for the volume check, and a destroy deletes them (and their claims), then waits for the
    // claims' disks, before the nodes and the storage go (./volumes.ts, addons.volumes.onDestroy).
    const released =
      s.vault.enabled || s.monitoring.enabled
        ? volumesReleased(
            name,
            {
              onDestroy: s.volumes.onDestroy,
              target: cluster.target,
              after: [cluster.provider, ...cluster.ready, ...cluster.storageReady],
            },
            this,
          )
        : undefined;
    const withVolumes: AddonContext = {
      ...ctx,
      dependsOn: [
        ...ctx.dependsOn,
        ...cluster.storageReady,
        ...(released ? [released] : []),
        ...(args.volumeCheck ? [args.volumeCheck] : []),
      ],
    };

    if (s.ingress.enabled) {
      this.ingress = new IngressController(
        `${name}-ingress`,
        {
          settings: s.ingress,
          ctx,
          loadBalancer: cluster.loadBalancer,
          dnsHostname: s.dns?.ingressHostname,
        },
        child,
      );
    }

    // With DNS zones: external-dns publishes the app hosts there, and cert-manager solves DNS-01 in them.
    const dns = s.dns ? dnsAccess(cluster.dns, s.dns) : undefined;
    if (s.dns && dns) {
      this.externalDns = new ExternalDns(
        `${name}-external-dns`,
        { settings: s.dns, access: dns, ctx },
        child,
      );
    }

    if (s.certManager.enabled) {
      this.certManager = new CertManager(
        `${name}-cert-manager`,
        { settings: s.certManager, ctx, ingressClassName: this.ingress?.className, dns },
        child,
      );
    }

    if (s.vault.enabled) {
      this.vault = new Vault(
        `${name}-vault`,
        {
          settings: s.vault,
          ctx: withVolumes,
          storageClass: cluster.defaultStorageClass,
          tls: s.vault.mode === "ha" ? this.certManager?.internalCa : undefined,
          unseal:
            cluster.unsealKms && cluster.workloadIdentity
              ? { kms: cluster.unsealKms, workloadIdentity: cluster.workloadIdentity }
              : undefined,
          volumesOnDestroy: s.volumes.onDestroy,
        },
        child,
      );
    }

    if (s.monitoring.enabled) {
      this.monitoring = new Monitoring(
        `${name}-monitoring`,
        {
          settings: s.monitoring,
          ctx: withVolumes,
          storageClass: cluster.defaultStorageClass,
          clusterDns: clusterDnsOf(cluster.target),
          volumesOnDestroy: s.volumes.onDestroy,
        },
        child,
      );
    }

    if (wanted(s.metricsServer.enabled, !cluster.hasMetricsApi)) {
      this.metricsServer = new MetricsServer(
        `${name}-metrics-server`,
        { values: s.metricsServer.values, ctx, kubeletCertsTrusted: cluster.kubeletCertsTrusted ?? true },
        child,
      );
    }

    // Only where it is the cluster's autoscaler: never beside Karpenter (stack config refuses
    // addons.clusterAutoscaler.enabled: true there) nor on a target that scales natively.
    const autoscaling = cluster.nodeAutoscaling;
    if (autoscaling.kind === "cluster-autoscaler" && wanted(s.clusterAutoscaler.enabled, true)) {
      this.clusterAutoscaler = new ClusterAutoscaler(
        `${name}-cluster-autoscaler`,
        { values: s.clusterAutoscaler.values, ctx, target: autoscaling },
        child,
      );
    }

    // Every metrics endpoint becomes a ServiceMonitor once the monitoring CRDs exist.
    const installed: (AddonComponent | undefined)[] = [
      this.ingress,
      this.certManager,
      this.vault,
      this.metricsServer,
      this.clusterAutoscaler,
      this.externalDns,
    ];
    const monitoring = this.monitoring;
    for (const addon of installed)
      for (const endpoint of addon?.metrics ?? []) monitoring?.serviceMonitor(endpoint);

    // Vault's setup namespace (and what its Jobs read) exists before the policies that police it.
    const vaultSetup = this.vault?.configure({ clients: args.vaultClients ?? [] });
    const policyArgs = { cluster, settings: s, installed: this };
    this.networkPolicies = addonNetworkPolicies(`${name}-netpol`, policyArgs, child);
    // The setup Jobs run under the policies of both namespaces (the servers' ingress admits them).
    const policies = this.networkPolicies.policies;
    // external-dns runs under its policies before any Ingress exists, and outlives them on destroy.
    const records = this.externalDns?.settle(Object.values(policies[EXTERNAL_DNS_NAMESPACE] ?? {}));
    // The ingress's Service too: a destroy deletes it (and awaits its load balancer's deletion) while
    // external-dns still runs to remove its record (ingress-service.ts).
    this.ingress?.expose(records ? [records] : []);
    vaultSetup?.runJobs(
      [VAULT_NAMESPACE, VAULT_SETUP_NAMESPACE].flatMap((ns) => Object.values(policies[ns] ?? {})),
    );
    this.services = addonServices(this);
    this.ingressClass = this.ingress?.className;
    this.loadBalancerAddress = this.ingress?.loadBalancerAddress;
    this.clusterIssuer = this.certManager?.defaultIssuer;
    this.vaultAddress = this.vault?.address;
    this.grafanaAdminPassword = this.monitoring?.grafanaAdminPassword;
    this.registerOutputs({
      ingressClass: this.ingressClass,
      clusterIssuer: this.clusterIssuer,
      vaultAddress: this.vaultAddress,
      loadBalancerAddress: this.loadBalancerAddress,
    });
  }
}
