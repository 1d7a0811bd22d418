/**
 * One app (a workload from the `apps` config) and the object builders behind it. The builders are
 * pure functions of the settings, so tests (and readers) can check each object on its own.
 *
 * Every app runs under Pod Security "restricted": non-root, no privilege escalation, no
 * capabilities, seccomp RuntimeDefault, a read-only root filesystem (emptyDirs where it must
 * write), requests and a memory limit, probes, no service account token unless Vault needs it, and
 * NetworkPolicies that allow only what the app declares (its namespace denies everything else).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { spreadAcrossNodesAndZones } from "../addons/base";
import { VAULT_INJECTION_NAMESPACE_LABELS } from "../addons/vault";
import { AppSettings, WorkloadContext } from "./types";

type DeploymentSpec = k8s.types.input.apps.v1.DeploymentSpec;
type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type ServiceSpec = k8s.types.input.core.v1.ServiceSpec;
type IngressSpec = k8s.types.input.networking.v1.IngressSpec;
type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type NetworkPolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type HpaSpec = k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec;
type PdbSpec = k8s.types.input.policy.v1.PodDisruptionBudgetSpec;
type TopologySpreadConstraint = k8s.types.input.core.v1.TopologySpreadConstraint;

/** Port names of the app container and its Service. */
export const HTTP_PORT = "http";
export const METRICS_PORT = "metrics";
/** Vault API port (the agent's only destination in the Vault namespace). */
export const VAULT_PORT = 8200;
/** Where the Vault injector mounts the `vault.hashicorp.com/tls-secret` Secret in its containers. */
export const VAULT_TLS_MOUNT = "/vault/tls";
/** The label every namespace carries (set by the API server), used to select namespaces. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/**
 * Resources of the injected Vault Agent containers (init + sidecar): requests and a memory limit,
 * like every container here. The CPU limit stays the injector's default (agentDefaults.cpuLimit).
 */
export const VAULT_AGENT_RESOURCES = { cpuRequest: "25m", memRequest: "64Mi", memLimit: "128Mi" } as const;

/** Probe timings: a slow start gets up to 150 s (startup probe) before liveness takes over. */
export const PROBE_TIMINGS = {
  startup: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 30 },
  liveness: { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
  readiness: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
} as const;

export const TERMINATION_GRACE_SECONDS = 30;
export const REVISION_HISTORY_LIMIT = 5;
/**
 * fsGroup of the pods: the group volumes are made writable for. emptyDirs are world-writable
 * anyway; it matters for volumes an app may add later. 65532 is the conventional "nonroot" group.
 */
export const POD_FS_GROUP = 65532;

/** Labels of every object of an app. */
export function appLabels(name: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/part-of": "kube-platform",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** Labels selecting an app's pods (Deployment selector, Service, NetworkPolicies, spread, PDB). */
export function selectorLabels(name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name };
}

/** The replica count the app never goes below: autoscaling's minimum, or its fixed replicas. */
export function minReplicas(s: AppSettings): number {
  return s.autoscaling ? s.autoscaling.minReplicas : s.replicas;
}

/** The Secret key of an env var from `secretEnv` (env var names are valid Secret keys). */
export const secretKey = (env: string): string => env;

/** env then secretEnv, sorted by name; secret values only as references into the app's Secret. */
export function containerEnv(s: AppSettings, secretName: pulumi.Input<string> | undefined): EnvVar[] {
  const plain: EnvVar[] = Object.entries(s.env).map(([name, value]) => ({ name, value }));
  const secretNames = Object.keys(s.secretEnv);
  if (secretNames.length > 0 && secretName === undefined) {
    throw new Error(`app ${s.name}: secretEnv needs the app's Secret`);
  }
  const secret: EnvVar[] = secretNames.map((name) => ({
    name,
    valueFrom: { secretKeyRef: { name: secretName, key: secretKey(name) } },
  }));
  const all = [...plain, ...secret] as (EnvVar & { name: string })[];
  return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Volume name of the i-th writable path (paths are not valid volume names). */
export const writableVolumeName = (i: number): string => `writable-${i}`;

/**
 * Pod annotations asking the Vault Agent injector for the app's secrets (files under
 * /vault/secrets/<name>). The injected containers get requests and a memory limit, and the
 * injector's own security context (`agent-set-security-context`: uid 100 / gid 1000, non-root,
 * no privilege escalation, ALL capabilities dropped, read-only root filesystem; seccomp comes from
 * the pod), so they pass Pod Security "restricted" too. With TLS, the agent trusts the internal CA
 * from `tlsSecret` (mounted by the injector at /vault/tls).
 */
export function vaultAnnotations(
  s: AppSettings,
  ctx: WorkloadContext,
  tlsSecret?: string,
): Record<string, string> {
  if (!s.vault) return {};
  const vault = requireVault(s, ctx);
  const a: Record<string, string> = {
    "vault.hashicorp.com/agent-inject": "true",
    "vault.hashicorp.com/role": s.vault.role,
    "vault.hashicorp.com/service": vault.address,
    "vault.hashicorp.com/agent-set-security-context": "true",
    "vault.hashicorp.com/agent-requests-cpu": VAULT_AGENT_RESOURCES.cpuRequest,
    "vault.hashicorp.com/agent-requests-mem": VAULT_AGENT_RESOURCES.memRequest,
    "vault.hashicorp.com/agent-limits-mem": VAULT_AGENT_RESOURCES.memLimit,
  };
  for (const secret of s.vault.secrets) {
    // Annotation key names are at most 63 characters: "agent-inject-template-" leaves 41.
    if (`agent-inject-template-${secret.name}`.length > 63) {
      throw new Error(
        `app ${s.name}: Vault secret name ${secret.name} is too long for the injector's annotations (at most 41 characters)`,
      );
    }
    a[`vault.hashicorp.com/agent-inject-secret-${secret.name}`] = secret.path;
    if (secret.template !== undefined) {
      a[`vault.hashicorp.com/agent-inject-template-${secret.name}`] = secret.template;
    }
  }
  if (vault.tls) {
    if (!tlsSecret) throw new Error(`app ${s.name}: Vault TLS needs the Secret holding the CA`);
    a["vault.hashicorp.com/tls-secret"] = tlsSecret;
    a["vault.hashicorp.com/ca-cert"] = `${VAULT_TLS_MOUNT}/ca.crt`;
  }
  return a;
}

/**
 * The label the Vault injector's namespaceSelector matches, for a namespace holding an app with
 * `vault:` (none otherwise: the injector never sees the pods of other namespaces).
 */
export function vaultInjectionNamespaceLabels(
  apps: AppSettings[],
  namespace: string,
): Record<string, string> {
  return apps.some((a) => a.namespace === namespace && a.vault !== undefined)
    ? { ...VAULT_INJECTION_NAMESPACE_LABELS }
    : {};
}

/** The Secret (in the app namespace) whose ca.crt the Vault agents trust. */
export const vaultTlsSecretName = (app: string): string => `${app}-vault-tls`;

/**
 * The cert-manager Certificate that brings the internal CA into the app namespace: the CA issuer
 * writes its own certificate as ca.crt into every Secret it issues. The key pair itself (a client
 * certificate for the app) is not used by the agent.
 */
export function vaultTlsCertificateSpec(s: AppSettings, issuerName: string): Record<string, unknown> {
  return {
    secretName: vaultTlsSecretName(s.name),
    dnsNames: [`${s.name}.${s.namespace}.svc`],
    duration: "2160h", // 90 days
    renewBefore: "360h", // 15 days
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    usages: ["digital signature", "client auth"],
    issuerRef: { name: issuerName, kind: "ClusterIssuer", group: "cert-manager.io" },
  };
}

function requireVault(s: AppSettings, ctx: WorkloadContext): NonNullable<WorkloadContext["vault"]> {
  if (!ctx.vault) {
    throw new Error(
      `app ${s.name} uses Vault (apps[].vault) but the platform has no Vault: enable addons.vault or remove apps[].vault`,
    );
  }
  return ctx.vault;
}

/** What the Deployment refers to by name. */
export interface DeploymentRefs {
  serviceAccountName: pulumi.Input<string>;
  /** The Secret holding secretEnv (when there is any). */
  secretName?: pulumi.Input<string>;
  /** The Secret with the CA that Vault agents trust (Vault with TLS). */
  vaultTlsSecret?: string;
}

/**
 * The Deployment spec. With autoscaling, `replicas` is left out: the HPA owns it (server-side apply
 * leaves a field alone that Pulumi never set), so a `pulumi up` never resets a scaled-out app.
 */
export function deploymentSpec(s: AppSettings, ctx: WorkloadContext, refs: DeploymentRefs): DeploymentSpec {
  const usesVault = s.vault !== undefined;
  const limits: Record<string, string> = { memory: s.resources.limits.memory };
  if (s.resources.limits.cpu) limits.cpu = s.resources.limits.cpu;
  const httpGet = (path: string) => ({ path, port: HTTP_PORT, scheme: "HTTP" });

  const container: Container = {
    name: s.name,
    image: s.image,
    imagePullPolicy: "IfNotPresent",
    ...(s.args.length > 0 ? { args: s.args } : {}),
    ports: [
      { name: HTTP_PORT, containerPort: s.port, protocol: "TCP" },
      ...(s.metrics ? [{ name: METRICS_PORT, containerPort: s.metrics.port, protocol: "TCP" }] : []),
    ],
    env: containerEnv(s, refs.secretName),
    startupProbe: { httpGet: httpGet(s.probes.liveness), ...PROBE_TIMINGS.startup },
    livenessProbe: { httpGet: httpGet(s.probes.liveness), ...PROBE_TIMINGS.liveness },
    readinessProbe: { httpGet: httpGet(s.probes.readiness), ...PROBE_TIMINGS.readiness },
    resources: { requests: { ...s.resources.requests }, limits },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      // Only for images whose USER is a name (the kubelet cannot check a name is non-root).
      ...(s.runAsUser !== undefined ? { runAsUser: s.runAsUser } : {}),
    },
    volumeMounts: s.writablePaths.map((mountPath, i) => ({ name: writableVolumeName(i), mountPath })),
  };

  const spread =
    minReplicas(s) > 1
      ? (spreadAcrossNodesAndZones(selectorLabels(s.name)) as unknown as TopologySpreadConstraint[])
      : undefined;

  return {
    ...(s.autoscaling ? {} : { replicas: s.replicas }),
    revisionHistoryLimit: REVISION_HISTORY_LIMIT,
    selector: { matchLabels: selectorLabels(s.name) },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
    template: {
      metadata: {
        labels: appLabels(s.name),
        ...(usesVault ? { annotations: vaultAnnotations(s, ctx, refs.vaultTlsSecret) } : {}),
      },
      spec: {
        serviceAccountName: refs.serviceAccountName,
        automountServiceAccountToken: usesVault,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
        securityContext: {
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
          fsGroup: POD_FS_GROUP,
          fsGroupChangePolicy: "OnRootMismatch",
        },
        containers: [container],
        volumes: s.writablePaths.map((_, i) => ({ name: writableVolumeName(i), emptyDir: {} })),
        ...(spread ? { topologySpreadConstraints: spread } : {}),
      },
    },
  };
}

/** ClusterIP Service: servicePort → the http port, and the metrics port when declared. */
export function serviceSpec(s: AppSettings): ServiceSpec {
  return {
    type: "ClusterIP",
    selector: selectorLabels(s.name),
    ports: [
      { name: HTTP_PORT, port: s.servicePort, targetPort: HTTP_PORT, protocol: "TCP" },
      ...(s.metrics
        ? [{ name: METRICS_PORT, port: s.metrics.port, targetPort: METRICS_PORT, protocol: "TCP" }]
        : []),
    ],
  };
}

/** The Secret cert-manager writes the Ingress certificate into. */
export const ingressTlsSecretName = (app: string): string => `${app}-tls`;

/**
 * Annotations of an app's Ingress: the ClusterIssuer its certificate comes from, and with F5 NGINX
 * HTTP-01 solved inside this Ingress (that controller admits one Ingress per host, so cert-manager's
 * separate solver Ingress would be rejected).
 */
export function ingressAnnotations(ctx: WorkloadContext): Record<string, string> {
  return {
    "cert-manager.io/cluster-issuer": ctx.clusterIssuer!,
    ...(ctx.ingress?.controller === "nginx" ? { "acme.cert-manager.io/http01-edit-in-place": "true" } : {}),
  };
}

/** Ingress of an app with a host: TLS from the ClusterIssuer (cert-manager's ingress-shim). */
export function ingressSpec(
  s: AppSettings,
  ctx: WorkloadContext,
  serviceName: pulumi.Input<string>,
): IngressSpec {
  const host = s.host;
  if (!host) throw new Error(`app ${s.name}: an Ingress needs apps[].host`);
  requireIngress(s, ctx);
  return {
    ingressClassName: ctx.ingress!.className,
    tls: [{ hosts: [host], secretName: ingressTlsSecretName(s.name) }],
    rules: [
      {
        host,
        http: {
          paths: [
            {
              path: s.path,
              pathType: "Prefix",
              backend: { service: { name: serviceName, port: { name: HTTP_PORT } } },
            },
          ],
        },
      },
    ],
  };
}

function requireIngress(s: AppSettings, ctx: WorkloadContext): void {
  if (!ctx.ingress || !ctx.clusterIssuer) {
    const missing = [!ctx.ingress && "no ingress controller", !ctx.clusterIssuer && "no ClusterIssuer"]
      .filter(Boolean)
      .join(" and ");
    throw new Error(
      `app ${s.name} has a host (${s.host}) but the platform has ${missing}: enable addons.ingress and addons.certManager, or remove apps[].host`,
    );
  }
}

/** HPA (autoscaling/v2): CPU (and optionally memory) utilization, slow scale-down. */
export function hpaSpec(s: AppSettings, deploymentName: pulumi.Input<string>): HpaSpec {
  const a = s.autoscaling;
  if (!a) throw new Error(`app ${s.name}: an HPA needs apps[].autoscaling`);
  const utilization = (name: string, averageUtilization: number) => ({
    type: "Resource",
    resource: { name, target: { type: "Utilization", averageUtilization } },
  });
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [
      utilization("cpu", a.targetCpuUtilization),
      ...(a.targetMemoryUtilization !== undefined ? [utilization("memory", a.targetMemoryUtilization)] : []),
    ],
    behavior: {
      // Scale down only on 5 minutes of lower load, and by at most half the pods a minute.
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: "Max",
        policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
      },
      // Scale up at once: double, or +4 pods, a minute (whichever is more).
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: "Max",
        policies: [
          { type: "Percent", value: 100, periodSeconds: 60 },
          { type: "Pods", value: 4, periodSeconds: 60 },
        ],
      },
    },
  };
}

/**
 * PodDisruptionBudget: one pod down at a time. maxUnavailable (not minAvailable) never blocks a
 * drain when the app is scaled to its minimum, and unhealthy pods may always be evicted.
 */
export function pdbSpec(s: AppSettings): PdbSpec {
  return {
    maxUnavailable: 1,
    selector: { matchLabels: selectorLabels(s.name) },
    unhealthyPodEvictionPolicy: "AlwaysAllow",
  };
}

/** Another app allowed to call this one (it declares egress to this app's namespace and port). */
export interface AppCaller {
  name: string;
  namespace: string;
}

const namespacePeer = (namespace: string): NetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
});

/** A NetworkPolicy of an app, by the suffix of its name. */
export interface NamedPolicy {
  suffix: string;
  spec: NetworkPolicySpec;
}

/**
 * The app's NetworkPolicies (on top of its namespace's default deny and DNS egress):
 * - ingress: the ingress controller's namespace to the http port (with a host), the monitoring
 *   namespace to the metrics port (with metrics), and the apps that declare egress to this one;
 * - egress: Vault's namespace on 8200 (with Vault), and each apps[].egress rule.
 * A policy without rules is left out.
 */
export function networkPolicies(
  s: AppSettings,
  ctx: WorkloadContext,
  callers: AppCaller[] = [],
): NamedPolicy[] {
  const podSelector = { matchLabels: selectorLabels(s.name) };
  const tcp = (port: number) => ({ port, protocol: "TCP" });

  const ingress: NonNullable<NetworkPolicySpec["ingress"]> = [];
  if (s.host) {
    requireIngress(s, ctx);
    ingress.push({ from: [namespacePeer(ctx.ingress!.namespace)], ports: [tcp(s.port)] });
  }
  if (s.metrics) {
    const monitoring = requireMonitoring(s, ctx);
    ingress.push({ from: [namespacePeer(monitoring.namespace)], ports: [tcp(s.metrics.port)] });
  }
  if (callers.length > 0) {
    ingress.push({
      from: callers.map((c) => ({
        ...namespacePeer(c.namespace),
        podSelector: { matchLabels: selectorLabels(c.name) },
      })),
      ports: [tcp(s.port)],
    });
  }

  const egress: NonNullable<NetworkPolicySpec["egress"]> = [];
  if (s.vault) {
    egress.push({ to: [namespacePeer(requireVault(s, ctx).namespace)], ports: [tcp(VAULT_PORT)] });
  }
  for (const rule of s.egress) {
    const to: NetworkPolicyPeer = rule.cidr
      ? { ipBlock: { cidr: rule.cidr } }
      : namespacePeer(rule.namespace!);
    egress.push({ to: [to], ports: rule.ports.map((port) => ({ port, protocol: rule.protocol })) });
  }

  const policies: NamedPolicy[] = [];
  if (ingress.length > 0)
    policies.push({ suffix: "ingress", spec: { podSelector, policyTypes: ["Ingress"], ingress } });
  if (egress.length > 0)
    policies.push({ suffix: "egress", spec: { podSelector, policyTypes: ["Egress"], egress } });
  return policies;
}

function requireMonitoring(s: AppSettings, ctx: WorkloadContext): NonNullable<WorkloadContext["monitoring"]> {
  if (!ctx.monitoring) {
    throw new Error(
      `app ${s.name} declares metrics (apps[].metrics) but the platform has no monitoring: enable addons.monitoring or remove apps[].metrics`,
    );
  }
  return ctx.monitoring;
}

/** ServiceMonitor spec: the app's Service, its metrics port and path. */
export function serviceMonitorSpec(s: AppSettings): Record<string, unknown> {
  if (!s.metrics) throw new Error(`app ${s.name}: a ServiceMonitor needs apps[].metrics`);
  return {
    selector: { matchLabels: selectorLabels(s.name) },
    namespaceSelector: { matchNames: [s.namespace] },
    endpoints: [{ port: METRICS_PORT, path: s.metrics.path }],
  };
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

    const provider = ctx.provider;
    const child = (dependsOn: pulumi.Input<pulumi.Resource>[] = []): pulumi.CustomResourceOptions => ({
      parent: this,
      provider,
      dependsOn: [namespace, ...dependsOn],
    });
    const ns = namespace.metadata.name;
    const metadata = (objName: string = s.name) => ({
      name: objName,
      namespace: ns,
      labels: appLabels(s.name),
    });

    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: metadata(), automountServiceAccountToken: s.vault !== undefined },
      child(),
    );

    // secretEnv lives in a Secret with a generated name: the provider replaces Secrets on change
    // (they are immutable by default), so a new value means a new name and a rollout.
    let secret: k8s.core.v1.Secret | undefined;
    if (Object.keys(s.secretEnv).length > 0) {
      secret = new k8s.core.v1.Secret(
        `${name}-env`,
        {
          metadata: { namespace: ns, labels: appLabels(s.name) },
          type: "Opaque",
          stringData: Object.fromEntries(
            Object.entries(s.secretEnv).map(([env, value]) => [secretKey(env), pulumi.secret(value)]),
          ),
        },
        child(),
      );
    }

    let vaultTls: k8s.apiextensions.CustomResource | undefined;
    const vault = s.vault ? requireVault(s, ctx) : undefined;
    if (vault?.tls) {
      vaultTls = new k8s.apiextensions.CustomResource(
        `${name}-vault-tls`,
        {
          apiVersion: "cert-manager.io/v1",
          kind: "Certificate",
          metadata: {
            ...metadata(vaultTlsSecretName(s.name)),
            // The pods start once the Secret exists (pulumi-kubernetes waitFor).
            annotations: { "pulumi.com/waitFor": "condition=Ready" },
          },
          spec: vaultTlsCertificateSpec(s, vault.tls.issuerName),
        },
        child([vault.tls.issuer]),
      );
    }

    const policies = networkPolicies(s, ctx, args.callers ?? []).map(
      (p) =>
        new k8s.networking.v1.NetworkPolicy(
          `${name}-netpol-${p.suffix}`,
          { metadata: metadata(`${s.name}-${p.suffix}`), spec: p.spec },
          child(),
        ),
    );

    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deploy`,
      {
        metadata: metadata(),
        spec: deploymentSpec(s, ctx, {
          serviceAccountName: serviceAccount.metadata.name,
          secretName: secret?.metadata.name,
          vaultTlsSecret: vaultTls ? vaultTlsSecretName(s.name) : undefined,
        }),
      },
      child([
        ...ctx.dependsOn,
        ...(args.namespaceReady ?? []),
        ...policies,
        serviceAccount,
        ...(secret ? [secret] : []),
        ...(vaultTls ? [vaultTls] : []),
        // The injector must run first: its webhook fails open, and pods would start without secrets.
        ...(vault ? [vault.release] : []),
      ]),
    );

    this.service = new k8s.core.v1.Service(
      `${name}-svc`,
      { metadata: metadata(), spec: serviceSpec(s) },
      child(),
    );

    if (s.host) {
      new k8s.networking.v1.Ingress(
        `${name}-ingress`,
        {
          metadata: {
            ...metadata(),
            annotations: ingressAnnotations(ctx),
          },
          spec: ingressSpec(s, ctx, this.service.metadata.name),
        },
        child(),
      );
    }

    if (s.autoscaling) {
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${name}-hpa`,
        { metadata: metadata(), spec: hpaSpec(s, this.deployment.metadata.name) },
        child(),
      );
    }

    if (minReplicas(s) > 1) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        { metadata: metadata(), spec: pdbSpec(s) },
        child(),
      );
    }

    if (s.metrics) {
      const monitoring = requireMonitoring(s, ctx);
      new k8s.apiextensions.CustomResource(
        `${name}-servicemonitor`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "ServiceMonitor",
          metadata: metadata(),
          spec: serviceMonitorSpec(s),
        },
        // The release brings the ServiceMonitor CRD.
        child([monitoring.release, this.service]),
      );
    }

    this.url = pulumi.output(s.host ? `https://${s.host}${s.path}` : "");
    this.serviceHost = pulumi.interpolate`${this.service.metadata.name}.${ns}.svc.cluster.local:${s.servicePort}`;
    this.namespace = ns;
    this.registerOutputs({ url: this.url, serviceHost: this.serviceHost, namespace: this.namespace });
  }
}
