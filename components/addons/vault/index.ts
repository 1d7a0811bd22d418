/**
 * HashiCorp Vault (chart CHARTS.vault) with the agent injector.
 *
 * - mode "ha": a Raft cluster of 3 or 5 voters serving TLS with a cert-manager Certificate from
 *   Vault's own CA (a namespaced Issuer: tls.ts), reloaded on renewal by a sidecar (reload.ts), data +
 *   audit volumes, PodDisruptionBudgets, a NetworkPolicy; the injector hands the CA to every agent
 *   (injector.ts).
 * - mode "dev": Vault's dev server (one pod, in memory, initialised and unsealed at start, plain
 *   HTTP) with a generated root token the bootstrap Job revokes. Not for production; its pods and
 *   StatefulSet carry a label/annotation that says so.
 *
 * Auto-unseal through the cluster's cloud KMS (IRSA / Workload Identity) when the cluster offers one,
 * Shamir otherwise. Initialisation and configuration are in-cluster Jobs (setup.ts, `configure()`):
 * the key shares are encrypted to the key holders' PGP keys, the root token lives in the Job's
 * memory only and is revoked; nothing of it reaches state or outputs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { UnsealKms, WorkloadIdentity } from "../../cluster/types";
import { AddonContext, addonNamespace, chartRelease } from "../base";
import { AddonComponent } from "../contract";
import { VaultClient, VaultSettings, VolumeOnDestroy } from "../types";
import { namespaceRetention } from "../volume-retention";
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
import { vaultSeal } from "./setup-config";
import { VaultSetup } from "./setup";
import { VaultTls, VaultTlsIssuer, vaultTls } from "./tls";
import { vaultValues, VaultValuesOptions, vaultVolumeClaims } from "./values";

export * from "./injector";
export * from "./names";
export * from "./reload";
export * from "./server-config";
export * from "./setup";
export * from "./setup-config";
export * from "./setup-program";
export * from "./setup-jobs";
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
  /**
   * What a destroy does with the data and audit claims (addons.volumes.onDestroy): "retain" keeps
   * the namespace with them (../volume-retention.ts); absent or "delete": deleted with it.
   */
  volumesOnDestroy?: VolumeOnDestroy;
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
 * The Vault release changes its server StatefulSet's volumeClaimTemplates (which Kubernetes never
 * updates: stacks/volume-changes.ts) when it switches to or from the dev server, so that switch
 * replaces the release, deleting it first (the new one has the same Helm release name). The
 * provider's detailed diff names each changed values leaf (pulumi-kubernetes helm_release.go Diff,
 * convertPatchToDiff), which the engine matches against replaceOnChanges paths (pulumi
 * pkg/resource/deploy/step_generator.go applyReplaceOnChanges).
 */
export const VAULT_RELEASE_REPLACE_ON = ["values.server.dev.enabled"];

/** What configure() needs besides the component's own state. */
export interface VaultConfigureArgs {
  /** The apps using Vault. */
  clients: VaultClient[];
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
  /** dev mode: the dev server's root token (secret), which the bootstrap Job revokes. */
  readonly devRootToken?: random.RandomPassword;
  private readonly vaultName: string;
  private readonly settings: VaultSettings;
  private readonly ctx: AddonContext;
  private readonly autoUnseal: boolean;
  private setupComponent?: VaultSetup;

  constructor(name: string, args: VaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:Vault", name, opts);
    const { settings, ctx } = args;
    const ha = settings.mode === "ha";
    if (ha && !args.tls) {
      throw new Error(
        "Vault ha mode serves TLS with a cert-manager certificate: pass tls (the internal CA ClusterIssuer)",
      );
    }
    this.vaultName = name;
    this.settings = settings;
    this.ctx = ctx;
    this.autoUnseal = args.unseal !== undefined;
    const child = { parent: this, provider: ctx.provider };

    const retention = namespaceRetention(args.volumesOnDestroy, vaultVolumeClaims(settings));
    const namespace = addonNamespace(name, VAULT_NAMESPACE, "restricted", ctx, this, retention);
    this.tls = ha && args.tls ? vaultTls(name, namespace, args.tls, child) : undefined;
    // The dev server's root token (VAULT_DEV_ROOT_TOKEN_ID): generated, a secret in state.
    this.devRootToken = ha
      ? undefined
      : new random.RandomPassword(`${name}-dev-root-token`, { length: 32, special: false }, { parent: this });

    const values = vaultValues(settings, ctx.highAvailability, {
      storageClass: args.storageClass,
      autoUnseal: this.autoUnseal,
      devRootToken: this.devRootToken && pulumi.secret(this.devRootToken.result),
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
      options: { replaceOnChanges: VAULT_RELEASE_REPLACE_ON, deleteBeforeReplace: true },
    });
    injectorNetworkPolicy(name, namespace, child);
    this.injectorReady = this.tls
      ? injectorTrustsVaultCa(name, release, this.tls.caCertificate, child)
      : release;

    this.address = vaultAddress(settings.mode);
    this.publish({ namespace: VAULT_NAMESPACE, release, metrics: [] }, { address: this.address });
  }

  /**
   * Initialises and configures Vault as code (setup.ts): creates the setup namespace and what the
   * Jobs read; the platform then builds the NetworkPolicies (of that namespace too) and calls the
   * setup's `runJobs` with them. The Jobs wait for the release and the injector patch. Called once.
   */
  configure(a: VaultConfigureArgs): VaultSetup {
    if (this.setupComponent) throw new Error(`Vault ${this.vaultName}: configure() is called once`);
    this.setupComponent = new VaultSetup(
      `${this.vaultName}-setup`,
      {
        mode: this.settings.mode,
        seal: vaultSeal(this.settings.mode, this.autoUnseal),
        init: this.settings.init,
        clients: a.clients,
        release: this.release,
        after: [this.release, this.injectorReady],
        vaultCaIssuer: this.tls?.caIssuer,
        devRootToken: this.devRootToken && pulumi.secret(this.devRootToken.result),
        ctx: this.ctx,
      },
      { parent: this },
    );
    return this.setupComponent;
  }

  /** The setup's namespace (VAULT_SETUP_NAMESPACE), once configure() created it. */
  get setupNamespace(): k8s.core.v1.Namespace | undefined {
    return this.setupComponent?.namespace;
  }

  /** What apps using Vault wait for: the configure Job (their roles and policies exist). */
  get configured(): pulumi.Resource {
    if (!this.setupComponent)
      throw new Error(`Vault ${this.vaultName}: configured is read before configure()`);
    return this.setupComponent.configure;
  }
}
