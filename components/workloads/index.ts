/**
 * The workloads layer: the apps of the stack config, each an `App`, in namespaces labelled for Pod
 * Security "restricted" that deny all traffic but DNS unless an app's NetworkPolicies allow it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podSecurityLabels } from "../addons/base";
import { LETSENCRYPT_SERVERS } from "../addons/cert-manager";
import { PLATFORM_PRIORITY } from "../addons/priority";
import { App, AppCaller, NAMESPACE_NAME_LABEL, vaultInjectionNamespaceLabels } from "./app";
import { AppSettings, WorkloadContext } from "./types";

export * from "./app";
export * from "./types";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

/** Labels of the namespaces the workloads layer creates (Pod Security pinned to the cluster's minor). */
export function appNamespaceLabels(kubernetesVersion: string): Record<string, string> {
  return {
    ...podSecurityLabels("restricted", kubernetesVersion),
    "app.kubernetes.io/part-of": "kube-platform",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** Every pod of the namespace: no traffic in or out unless another policy allows it. */
export function defaultDenySpec(): NetworkPolicySpec {
  return { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
}

/** Every pod of the namespace may resolve names with the cluster DNS (kube-dns / CoreDNS). */
export function dnsEgressSpec(): NetworkPolicySpec {
  return {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [
          { port: 53, protocol: "UDP" },
          { port: 53, protocol: "TCP" },
        ],
      },
    ],
  };
}

/** Label and port of the pods cert-manager starts to answer ACME HTTP-01 challenges. */
export const ACME_SOLVER = { label: "acme.cert-manager.io/http01-solver", port: 8089 } as const;

/**
 * cert-manager's ACME HTTP-01 solver pods run in the namespace of the Ingress they answer for; the
 * ingress controller must reach them, or default deny stalls every certificate (silently).
 */
export function acmeSolverSpec(ingressNamespace: string): NetworkPolicySpec {
  return {
    podSelector: { matchLabels: { [ACME_SOLVER.label]: "true" } },
    policyTypes: ["Ingress"],
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ingressNamespace } } }],
        ports: [{ port: ACME_SOLVER.port, protocol: "TCP" }],
      },
    ],
  };
}

/**
 * The apps that may call `target`: those declaring TCP egress to its namespace on its container
 * port (NetworkPolicies see pod ports, after the Service's translation).
 */
export function callersOf(apps: AppSettings[], target: AppSettings): AppCaller[] {
  return apps
    .filter(
      (a) =>
        a.name !== target.name &&
        a.egress.some(
          (e) => e.namespace === target.namespace && e.protocol === "TCP" && e.ports.includes(target.port),
        ),
    )
    .map((a) => ({ name: a.name, namespace: a.namespace }));
}

export interface WorkloadsArgs {
  apps: AppSettings[];
  ctx: WorkloadContext;
}

/** All apps: one namespace (with default deny + DNS) per distinct namespace, one App per app. */
export class Workloads extends pulumi.ComponentResource {
  readonly apps: App[] = [];
  readonly namespaces: Record<string, k8s.core.v1.Namespace> = {};
  /** Per app: its public URL ("" without a host) and in-cluster address. */
  readonly endpoints: pulumi.Output<Record<string, { url: string; serviceHost: string }>>;

  constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:workloads:Workloads", name, {}, opts);
    const { apps, ctx } = args;
    const seen = new Set<string>();
    for (const app of apps) {
      if (seen.has(app.name)) throw new Error(`apps: the name ${app.name} is used twice`);
      seen.add(app.name);
    }

    const child = (dependsOn: pulumi.Input<pulumi.Resource>[]): pulumi.CustomResourceOptions => ({
      parent: this,
      provider: ctx.provider,
      dependsOn,
    });
    const namespaceReady: Record<string, pulumi.Resource[]> = {};
    for (const namespace of [...new Set(apps.map((a) => a.namespace))]) {
      const ns = new k8s.core.v1.Namespace(
        `${name}-ns-${namespace}`,
        {
          metadata: {
            name: namespace,
            labels: {
              ...appNamespaceLabels(ctx.kubernetesVersion),
              ...vaultInjectionNamespaceLabels(apps, namespace),
            },
          },
        },
        child(ctx.dependsOn),
      );
      this.namespaces[namespace] = ns;
      const policy = (suffix: string, spec: NetworkPolicySpec) =>
        new k8s.networking.v1.NetworkPolicy(
          `${name}-ns-${namespace}-${suffix}`,
          {
            metadata: {
              name: suffix,
              namespace: ns.metadata.name,
              labels: {
                "app.kubernetes.io/part-of": "kube-platform",
                "app.kubernetes.io/managed-by": "pulumi",
              },
            },
            spec,
          },
          child([ns]),
        );
      const ready = [policy("default-deny", defaultDenySpec()), policy("allow-dns", dnsEgressSpec())];
      // Solver pods exist only for ACME issuers (cert-manager v1.21.1 pkg/issuer/acme/http/pod.go):
      // with the internal CA the policy would select nothing (tests/integrity.test.ts).
      const acme = ctx.clusterIssuer !== undefined && Object.hasOwn(LETSENCRYPT_SERVERS, ctx.clusterIssuer);
      if (ctx.ingress && acme && apps.some((a) => a.namespace === namespace && a.host)) {
        ready.push(policy("allow-acme-http01-solver", acmeSolverSpec(ctx.ingress.namespace)));
      }
      // Apps must not run at the platform's priorities (they would preempt the ingress, cert-manager,
      // Vault and monitoring): zero pods for those classes (Kubernetes "Resource Quotas", "Resource
      // Quota Per PriorityClass": a quota with a PriorityClass scopeSelector counts only such pods).
      new k8s.core.v1.ResourceQuota(
        `${name}-ns-${namespace}-platform-priority`,
        {
          metadata: {
            name: "no-platform-priority",
            namespace: ns.metadata.name,
            labels: {
              "app.kubernetes.io/part-of": "kube-platform",
              "app.kubernetes.io/managed-by": "pulumi",
            },
          },
          spec: {
            hard: { pods: "0" },
            scopeSelector: {
              matchExpressions: [
                {
                  scopeName: "PriorityClass",
                  operator: "In",
                  values: Object.values(PLATFORM_PRIORITY).map((c) => c.name),
                },
              ],
            },
          },
        },
        child([ns]),
      );
      namespaceReady[namespace] = ready;
    }

    for (const settings of apps) {
      this.apps.push(
        new App(
          `${name}-${settings.name}`,
          {
            settings,
            namespace: this.namespaces[settings.namespace],
            ctx,
            callers: callersOf(apps, settings),
            namespaceReady: namespaceReady[settings.namespace],
          },
          { parent: this },
        ),
      );
    }

    this.endpoints = pulumi
      .all(
        this.apps.map((app, i) =>
          pulumi.all([app.url, app.serviceHost]).apply(([url, serviceHost]) => ({
            name: apps[i].name,
            url,
            serviceHost,
          })),
        ),
      )
      .apply((list) => Object.fromEntries(list.map(({ name: n, ...e }) => [n, e])));
    this.registerOutputs({ endpoints: this.endpoints });
  }
}
