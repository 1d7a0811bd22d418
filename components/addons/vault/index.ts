/**
 * HashiCorp Vault (chart CHARTS.vault) with the agent injector.
 *
 * - mode "ha": a Raft cluster of 3 or 5 voters serving TLS with a cert-manager Certificate from
 *   Vault's own CA (a namespaced Issuer: tls.ts), reloaded on renewal by a sidecar (reload.ts), data +
 *   audit volumes, PodDisruptionBudgets, a NetworkPolicy; the injector hands the CA to every agent
 *   (injector.ts).
 * - mode "dev": ONE server with file storage on a persistent volume, plain HTTP. Not for production;
 *   its pods and StatefulSet carry a label/annotation that says so.
 *
 * Auto-unseal through the cluster's cloud KMS (IRSA / Workload Identity) when the cluster offers one,
 * Shamir otherwise. Initialisation (`vault operator init`) is a manual step: nothing secret (root
 * token, unseal or recovery keys) is ever created or exported here.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { UnsealKms, WorkloadIdentity } from "../../cluster/types";
import { AddonContext, addonNamespace, chartRelease } from "../base";
import { AddonComponent } from "../contract";
import { VaultSettings } from "../types";
import {
  INJECTOR_LABELS,
  VAULT_INJECTOR_PORT,
  VAULT_NAMESPACE,
  VAULT_RELEASE,
  VAULT_SERVICE_ACCOUNT,
  vaultAddress,
} from "./names";
import { vaultServerConfig } from "./server-config";
import { injectorTrustsVaultCa } from "./injector";
import { VaultTls, VaultTlsIssuer, vaultTls } from "./tls";
import { vaultValues, VaultValuesOptions } from "./values";

export * from "./injector";
export * from "./names";
export * from "./reload";
export * from "./server-config";
export * from "./tls";
export * from "./values";

/** Auto-unseal with the cluster's cloud KMS, through the server ServiceAccount's cloud identity. */
export interface VaultUnseal {
  workloadIdentity: WorkloadIdentity;
  kms: UnsealKms;
}

export interface VaultArgs {
  settings: VaultSettings;
  ctx: AddonContext;
  /** StorageClass of the data and audit volumes. */
  storageClass: pulumi.Input<string>;
  /** The internal CA ClusterIssuer, which signs Vault's own CA (required in ha mode, ignored in dev mode). */
  tls?: VaultTlsIssuer;
  /** Auto-unseal with the cluster's cloud KMS; Shamir when absent. */
  unseal?: VaultUnseal;
}

/** What the server needs from the cloud: its config (with the seal stanza) and the identity binding. */
type ServerIdentity = Pick<VaultValuesOptions, "serverConfig" | "serviceAccountAnnotations" | "podLabels">;

/**
 * The server config and identity: Shamir (no seal stanza, no cloud identity) without `unseal`; with
 * it, the server ServiceAccount bound to the cloud identity and a KMS unseal key for it.
 */
export function vaultServerIdentity(
  name: string,
  settings: VaultSettings,
  unseal: VaultUnseal | undefined,
  parent: pulumi.Resource,
): ServerIdentity {
  const configOptions = { mode: settings.mode, replicas: settings.replicas };
  if (!unseal) return { serverConfig: vaultServerConfig(configOptions) };
  const identity = unseal.workloadIdentity.bindServiceAccount(
    `${name}-server`,
    { namespace: VAULT_NAMESPACE, name: VAULT_SERVICE_ACCOUNT },
    parent,
  );
  const stanza = unseal.kms.createUnsealKey(name, identity, parent);
  return {
    serverConfig: stanza.apply((seal) => vaultServerConfig({ ...configOptions, seal })),
    serviceAccountAnnotations: identity.serviceAccountAnnotations,
    podLabels: identity.podLabels,
  };
}

/**
 * The injector's NetworkPolicy: the chart's selects the servers only, so the injector gets its own
 * (webhook port only; the API server calling it is not a pod, so no narrower source can be named
 * portably).
 */
export function injectorNetworkPolicy(
  name: string,
  namespace: k8s.core.v1.Namespace,
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(
    `${name}-injector-netpol`,
    {
      metadata: { name: "vault-agent-injector", namespace: namespace.metadata.name },
      spec: {
        podSelector: { matchLabels: INJECTOR_LABELS },
        policyTypes: ["Ingress"],
        ingress: [{ ports: [{ port: VAULT_INJECTOR_PORT, protocol: "TCP" }] }],
      },
    },
    opts,
  );
}

/**
 * Vault and its injector. No metrics endpoint: /v1/sys/metrics requires a Vault token unless
 * `unauthenticated_metrics_access` is turned on, and in ha mode it is served over TLS only;
 * MetricsEndpoint has no scheme, CA or credentials.
 */
export class Vault extends AddonComponent {
  /** In-cluster address: https://vault-active.vault.svc:8200 (ha), http://vault.vault.svc:8200 (dev). */
  readonly address: string;
  /** Vault's CA, its Issuer and the server Certificate (ha mode). */
  readonly tls?: VaultTls;
  /**
   * What pods with injected agents wait for: the injector, and in ha mode its patch with Vault's CA
   * (injector.ts), so no agent is injected without the CA.
   */
  readonly injectorReady: pulumi.Resource;

  constructor(name: string, args: VaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:Vault", name, opts);
    const { settings, ctx } = args;
    const ha = settings.mode === "ha";
    if (ha && !args.tls) {
      throw new Error(
        "Vault ha mode serves TLS with a cert-manager certificate: pass tls (the internal CA ClusterIssuer)",
      );
    }
    const child = { parent: this, provider: ctx.provider };

    const namespace = addonNamespace(name, VAULT_NAMESPACE, "restricted", ctx, this);
    this.tls = ha && args.tls ? vaultTls(name, namespace, args.tls, child) : undefined;

    const values = vaultValues(settings, ctx.highAvailability, {
      storageClass: args.storageClass,
      autoUnseal: args.unseal !== undefined,
      ...vaultServerIdentity(name, settings, args.unseal, this),
    });
    const release = chartRelease({
      name,
      chart: "vault",
      releaseName: VAULT_RELEASE,
      namespace,
      values,
      extraValues: settings.values,
      ctx,
      parent: this,
      dependsOn: this.tls ? [this.tls.certificate] : [],
    });
    injectorNetworkPolicy(name, namespace, child);
    this.injectorReady = this.tls
      ? injectorTrustsVaultCa(name, release, this.tls.caCertificate, child)
      : release;

    this.address = vaultAddress(settings.mode);
    this.publish({ namespace: VAULT_NAMESPACE, release, metrics: [] }, { address: this.address });
  }
}
