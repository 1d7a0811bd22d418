/**
 * One app (a workload from the `apps` config): the component and the free functions that create its
 * objects from the pure builders (deployment.ts, exposure.ts, network-policy.ts, vault-agent.ts).
 *
 * Every app runs under Pod Security "restricted": non-root, no privilege escalation, no
 * capabilities, seccomp RuntimeDefault, a read-only root filesystem (emptyDirs where it must
 * write), requests and a memory limit, probes, no service account token unless Vault needs it, and
 * NetworkPolicies that allow only what the app declares (its namespace denies everything else).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { VaultService } from "../addons/contract";
import {
  appLabels,
  deploymentSpec,
  hpaSpec,
  minReplicas,
  pdbSpec,
  secretKey,
  serviceAccountName,
} from "./deployment";
import { ingressAnnotations, ingressSpec, serviceMonitorSpec, serviceSpec } from "./exposure";
import { requireIngress, requireMonitoring, requireVault } from "./needs";
import { AppCaller, networkPolicies } from "./network-policy";
import { AppSettings, WorkloadContext } from "./types";

/** How every object of one app is named, labelled and parented. */
export interface AppScope {
  /** The App component's name: the Pulumi name of each object starts with it. */
  name: string;
  settings: AppSettings;
  /** Metadata of the object `objName` (the app's name by default) in the app's namespace. */
  metadata(objName?: string): {
    name: string;
    namespace: pulumi.Output<string>;
    labels: Record<string, string>;
  };
  /** Options of an object: the App as parent, the cluster's provider, after the namespace and `dependsOn`. */
  opts(dependsOn?: pulumi.Input<pulumi.Resource>[]): pulumi.CustomResourceOptions;
}

export function appScope(
  name: string,
  settings: AppSettings,
  namespace: k8s.core.v1.Namespace,
  provider: k8s.Provider,
  parent: pulumi.Resource,
): AppScope {
  return {
    name,
    settings,
    metadata: (objName = settings.name) => ({
      name: objName,
      namespace: namespace.metadata.name,
      labels: appLabels(settings.name),
    }),
    opts: (dependsOn = []) => ({ parent, provider, dependsOn: [namespace, ...dependsOn] }),
  };
}

/** What the pods run as and read: the ServiceAccount, the secretEnv Secret, the Vault CA Certificate. */
export interface AppIdentity {
  serviceAccount: k8s.core.v1.ServiceAccount;
  secret?: k8s.core.v1.Secret;
  /** Vault, when the app uses it (its agents get Vault's CA from the injector). */
  vault?: { service: VaultService };
}

export function appIdentity(scope: AppScope, ctx: WorkloadContext): AppIdentity {
  const { name, settings: s } = scope;
  const serviceAccount = new k8s.core.v1.ServiceAccount(
    `${name}-sa`,
    { metadata: scope.metadata(serviceAccountName(s)), automountServiceAccountToken: s.vault !== undefined },
    scope.opts(),
  );

  // secretEnv lives in a Secret with a generated name: the provider replaces Secrets on change
  // (they are immutable by default), so a new value means a new name and a rollout.
  const secret =
    Object.keys(s.secretEnv).length > 0
      ? new k8s.core.v1.Secret(
          `${name}-env`,
          {
            metadata: { namespace: scope.metadata().namespace, labels: appLabels(s.name) },
            type: "Opaque",
            stringData: Object.fromEntries(
              Object.entries(s.secretEnv).map(([env, value]) => [secretKey(env), pulumi.secret(value)]),
            ),
          },
          scope.opts(),
        )
      : undefined;

  if (!s.vault) return { serviceAccount, secret };
  const service = requireVault(s, ctx);
  return { serviceAccount, secret, vault: { service } };
}

/** The app's own NetworkPolicies (networkPolicies), named `<app>-<suffix>`. */
export function appNetworkPolicies(
  scope: AppScope,
  ctx: WorkloadContext,
  callers: AppCaller[],
): k8s.networking.v1.NetworkPolicy[] {
  const s = scope.settings;
  return networkPolicies(s, ctx, callers).map(
    (p) =>
      new k8s.networking.v1.NetworkPolicy(
        `${scope.name}-netpol-${p.suffix}`,
        { metadata: scope.metadata(`${s.name}-${p.suffix}`), spec: p.spec },
        scope.opts(),
      ),
  );
}

/** The Deployment: after `ready` (cluster, namespace policies, the app's own policies) and its identity. */
export function appDeployment(
  scope: AppScope,
  ctx: WorkloadContext,
  identity: AppIdentity,
  ready: pulumi.Input<pulumi.Resource>[],
): k8s.apps.v1.Deployment {
  const { serviceAccount, secret, vault } = identity;
  return new k8s.apps.v1.Deployment(
    `${scope.name}-deploy`,
    {
      metadata: scope.metadata(),
      spec: deploymentSpec(scope.settings, ctx, {
        serviceAccountName: serviceAccount.metadata.name,
        secretName: secret?.metadata.name,
      }),
    },
    scope.opts([
      ...ready,
      serviceAccount,
      ...(secret ? [secret] : []),
      // The injector must run first (its webhook fails open, and pods would start without secrets),
      // and Vault's configuration: the app's role and policy, its initial secrets.
      ...(vault ? [vault.service.release, vault.service.configured] : []),
    ]),
  );
}

/** What the settings ask for besides the pods and the Service: Ingress, HPA, PDB, ServiceMonitor. */
export function appExtras(
  scope: AppScope,
  ctx: WorkloadContext,
  deployment: k8s.apps.v1.Deployment,
  service: k8s.core.v1.Service,
): void {
  const { name, settings: s } = scope;
  if (s.host) {
    new k8s.networking.v1.Ingress(
      `${name}-ingress`,
      {
        metadata: { ...scope.metadata(), annotations: ingressAnnotations(ctx, s) },
        spec: ingressSpec(s, ctx, service.metadata.name),
      },
      // With DNS zones: created once external-dns runs (its record follows at once), and on teardown
      // deleted while external-dns still runs to remove that record (ExternalDns.settle).
      scope.opts(ctx.dns ? [ctx.dns.recordsReady] : []),
    );
  }
  if (s.autoscaling) {
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      `${name}-hpa`,
      { metadata: scope.metadata(), spec: hpaSpec(s, deployment.metadata.name) },
      scope.opts(),
    );
  }
  if (minReplicas(s) > 1) {
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      { metadata: scope.metadata(), spec: pdbSpec(s) },
      scope.opts(),
    );
  }
  if (s.metrics) {
    const monitoring = requireMonitoring(s, ctx);
    new k8s.apiextensions.CustomResource(
      `${name}-servicemonitor`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: scope.metadata(),
        spec: serviceMonitorSpec(s),
      },
      // The release brings the ServiceMonitor CRD.
      scope.opts([monitoring.release, service]),
    );
  }
}

export interface AppArgs {
  settings: AppSettings;
  /** The app's namespace (created once per namespace by Workloads). */
  namespace: k8s.core.v1.Namespace;
  ctx: WorkloadContext;
  /** Apps allowed in to this app's http port (they declared egress to it). */
  callers?: AppCaller[];
  /** What the pods need before they start: the namespace's NetworkPolicies (DNS egress). */
  namespaceReady?: pulumi.Input<pulumi.Resource>[];
}

/** A workload: ServiceAccount, Secret, Deployment, Service, Ingress, HPA, PDB, NetworkPolicies, ServiceMonitor. */
export class App extends pulumi.ComponentResource {
  /** https://<host><path>, or "" without a host. */
  readonly url: pulumi.Output<string>;
  /** <name>.<namespace>.svc.cluster.local:<servicePort> */
  readonly serviceHost: pulumi.Output<string>;
  readonly namespace: pulumi.Output<string>;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;

  constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:workloads:App", name, {}, opts);
    const { settings: s, ctx, namespace } = args;
    // Fail before creating anything when the platform lacks what the app needs.
    if (s.host) requireIngress(s, ctx);
    if (s.vault) requireVault(s, ctx);
    if (s.metrics) requireMonitoring(s, ctx);

    const scope = appScope(name, s, namespace, ctx.provider, this);
    const identity = appIdentity(scope, ctx);
    const policies = appNetworkPolicies(scope, ctx, args.callers ?? []);
    this.deployment = appDeployment(scope, ctx, identity, [
      ...ctx.dependsOn,
      ...(args.namespaceReady ?? []),
      ...policies,
    ]);
    this.service = new k8s.core.v1.Service(
      `${name}-svc`,
      { metadata: scope.metadata(), spec: serviceSpec(s) },
      scope.opts(),
    );
    appExtras(scope, ctx, this.deployment, this.service);

    const ns = namespace.metadata.name;
    this.url = pulumi.output(s.host ? `https://${s.host}${s.path}` : "");
    this.serviceHost = pulumi.interpolate`${this.service.metadata.name}.${ns}.svc.cluster.local:${s.servicePort}`;
    this.namespace = ns;
    this.registerOutputs({ url: this.url, serviceHost: this.serviceHost, namespace: this.namespace });
  }
}
