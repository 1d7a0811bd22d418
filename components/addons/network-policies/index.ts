/**
 * The platform namespaces' NetworkPolicies: default deny in every add-on namespace, then exactly
 * the flows of ./flows.ts. One component under PlatformAddOns, so no add-on's resources move.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ManagedCluster } from "../../cluster/types";
import { PLATFORM_LABELS } from "../../kube/conventions";
import { acmeIssuerNames } from "../cert-manager";
import { dns01IssuerNames } from "../dns/dns01";
import type { CertManager } from "../cert-manager";
import type { ClusterAutoscaler } from "../cluster-autoscaler";
import type { ExternalDns } from "../dns";
import type { IngressController } from "../ingress";
import type { MetricsServer } from "../metrics-server";
import { NODE_EXPORTER_NAMESPACE } from "../monitoring";
import type { Monitoring } from "../monitoring";
import type { AddonsSettings } from "../types";
import type { Vault } from "../vault";
import { VAULT_SETUP_NAMESPACE } from "../vault/names";
import { NamedSpec, namespacePolicies } from "./build";
import { NetworkPolicyPlan, platformFlows } from "./flows";

export * from "./build";
export * from "./flows";
export * from "./groups";
export * from "./targets";

/** An add-on namespace and the release whose pods live there. */
export interface PolicedNamespace {
  namespace: string;
  release: pulumi.Resource;
}

export interface PlatformNetworkPoliciesArgs {
  plan: NetworkPolicyPlan;
  /** The add-on namespaces and their releases; a namespace of the plan without one is an error. */
  namespaces: PolicedNamespace[];
  provider: k8s.Provider;
}

/** The release a namespace's policies wait for; throws for a namespace nothing installs into. */
export function releaseOf(namespaces: PolicedNamespace[], namespace: string): pulumi.Resource {
  const found = namespaces.find((n) => n.namespace === namespace);
  if (!found) throw new Error(`NetworkPolicies: no add-on release installs into namespace "${namespace}"`);
  return found.release;
}

/**
 * Creates the policies. Each namespace's policies wait for the release of its add-on: the chart's
 * first install (and its pre-/post-install hooks) runs before any of them exists, so a wrong rule
 * can never stall a first deploy; upgrades run under them, which is why the Helm hook Jobs have
 * their own allowances.
 */
export class PlatformNetworkPolicies extends pulumi.ComponentResource {
  /** The policies by namespace, then by object name. */
  readonly policies: Record<string, Record<string, k8s.networking.v1.NetworkPolicy>> = {};

  constructor(name: string, args: PlatformNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:PlatformNetworkPolicies", name, {}, opts);
    const byNamespace = namespacePolicies(platformFlows(args.plan), args.plan.target);
    for (const [namespace, specs] of byNamespace) {
      const release = releaseOf(args.namespaces, namespace);
      this.policies[namespace] = Object.fromEntries(
        specs.map((s) => [
          s.name,
          networkPolicy(`${name}-${namespace}-${s.name}`, namespace, s, release, args.provider, this),
        ]),
      );
    }
    this.registerOutputs({});
  }
}

/** One NetworkPolicy, created after `release`. */
export function networkPolicy(
  resourceName: string,
  namespace: string,
  s: NamedSpec,
  release: pulumi.Resource,
  provider: k8s.Provider,
  parent: pulumi.Resource,
): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(
    resourceName,
    { metadata: { name: s.name, namespace, labels: { ...PLATFORM_LABELS } }, spec: s.spec },
    {
      parent,
      provider,
      dependsOn: [release],
      // A group that moved namespace: the resource of its former policy becomes this one (replaced).
      ...(s.movedFrom
        ? { aliases: [{ name: resourceName.replace(`-${namespace}-`, `-${s.movedFrom}-`) }] }
        : {}),
    },
  );
}

/** The installed add-ons (PlatformAddOns' fields). */
export interface InstalledAddons {
  ingress?: IngressController;
  certManager?: CertManager;
  vault?: Vault;
  monitoring?: Monitoring;
  metricsServer?: MetricsServer;
  clusterAutoscaler?: ClusterAutoscaler;
  externalDns?: ExternalDns;
}

export interface AddonNetworkPoliciesArgs {
  cluster: Pick<ManagedCluster, "target" | "provider" | "unsealKms" | "workloadIdentity" | "dns">;
  settings: AddonsSettings;
  installed: InstalledAddons;
}

/** What the policies need to know of the installed add-ons. */
export function networkPolicyPlan(a: AddonNetworkPoliciesArgs): NetworkPolicyPlan {
  const { cluster, settings: s, installed: i } = a;
  const cloudIdentity = cluster.dns.kind === "cloud";
  return {
    target: cluster.target,
    ...(cluster.workloadIdentity ? { workloadIdentity: cluster.workloadIdentity.mechanism } : {}),
    ingress: i.ingress ? { controller: i.ingress.controller } : undefined,
    certManager: i.certManager
      ? {
          acme: acmeIssuerNames(s.certManager.email, i.ingress?.className).length > 0,
          // The same condition as the DNS-01 issuers (CertManager: the ACME e-mail and DNS zones).
          ...(dns01IssuerNames(s.certManager.email, s.dns !== undefined).length > 0
            ? { dns01: { cloudIdentity } }
            : {}),
        }
      : undefined,
    externalDns: i.externalDns ? { cloudIdentity } : undefined,
    // The same condition as Vault's `unseal` argument (PlatformAddOns).
    vault: i.vault
      ? { mode: s.vault.mode, cloudIdentity: Boolean(cluster.unsealKms && cluster.workloadIdentity) }
      : undefined,
    monitoring: i.monitoring !== undefined,
    receiverPorts: s.monitoring.alerting?.receiverPorts ?? [],
    metricsServer: i.metricsServer !== undefined,
    clusterAutoscaler: i.clusterAutoscaler !== undefined,
  };
}

/**
 * Every add-on namespace and its release (node-exporter's namespace is the monitoring release's;
 * Vault's setup namespace is its own object, created by Vault's configure()).
 */
export function policedNamespaces(i: InstalledAddons): PolicedNamespace[] {
  const addons = [
    i.ingress,
    i.certManager,
    i.vault,
    i.monitoring,
    i.metricsServer,
    i.clusterAutoscaler,
    i.externalDns,
  ];
  return [
    ...addons.flatMap((addon) => (addon ? [{ namespace: addon.namespace, release: addon.release }] : [])),
    ...(i.monitoring ? [{ namespace: NODE_EXPORTER_NAMESPACE, release: i.monitoring.release }] : []),
    // Vault's setup namespace holds no release: its policies wait for the namespace itself.
    ...(i.vault?.setupNamespace
      ? [{ namespace: VAULT_SETUP_NAMESPACE, release: i.vault.setupNamespace }]
      : []),
  ];
}

/** The platform's NetworkPolicies for the installed add-ons. */
export function addonNetworkPolicies(
  name: string,
  a: AddonNetworkPoliciesArgs,
  opts: pulumi.ComponentResourceOptions,
): PlatformNetworkPolicies {
  return new PlatformNetworkPolicies(
    name,
    { plan: networkPolicyPlan(a), namespaces: policedNamespaces(a.installed), provider: a.cluster.provider },
    opts,
  );
}
