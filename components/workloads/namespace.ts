/**
 * The namespaces the workloads layer creates: Pod Security "restricted", default deny with DNS
 * egress (and the ACME solver's way in), no pods at the platform's priority classes.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_LABELS, PLATFORM_PRIORITY, podSecurityLabels, solvesHttp01 } from "../kube/conventions";
import { certificateIssuer } from "./exposure";
import { acmeSolverSpec, defaultDenySpec, dnsEgressSpec } from "./network-policy";
import { AppSettings, WorkloadContext } from "./types";
import { vaultInjectionNamespaceLabels } from "./vault-agent";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

/** Labels of the namespaces the workloads layer creates (Pod Security pinned to the cluster's minor). */
export function appNamespaceLabels(kubernetesVersion: string): Record<string, string> {
  return { ...podSecurityLabels("restricted", kubernetesVersion), ...PLATFORM_LABELS };
}

/** One app namespace and what its pods must wait for (its NetworkPolicies). */
export interface AppNamespace {
  namespace: k8s.core.v1.Namespace;
  ready: pulumi.Resource[];
}

/**
 * Namespace `namespace` of `apps` (`<name>-ns-<namespace>`) with its NetworkPolicies and its
 * zero-pod quota for the platform's priority classes.
 */
export function appNamespace(
  name: string,
  namespace: string,
  apps: AppSettings[],
  ctx: WorkloadContext,
  parent: pulumi.Resource,
): AppNamespace {
  const opts = (dependsOn: pulumi.Input<pulumi.Resource>[]): pulumi.CustomResourceOptions => ({
    parent,
    provider: ctx.provider,
    dependsOn,
  });
  const prefix = `${name}-ns-${namespace}`;
  const ns = new k8s.core.v1.Namespace(
    prefix,
    {
      metadata: {
        name: namespace,
        labels: {
          ...appNamespaceLabels(ctx.kubernetesVersion),
          ...vaultInjectionNamespaceLabels(apps, namespace),
        },
      },
    },
    opts(ctx.dependsOn),
  );
  const metadata = (objName: string) => ({
    name: objName,
    namespace: ns.metadata.name,
    labels: { ...PLATFORM_LABELS },
  });
  const policy = (suffix: string, spec: NetworkPolicySpec) =>
    new k8s.networking.v1.NetworkPolicy(
      `${prefix}-${suffix}`,
      { metadata: metadata(suffix), spec },
      opts([ns]),
    );
  const ready = [policy("default-deny", defaultDenySpec()), policy("allow-dns", dnsEgressSpec())];
  // Solver pods exist only for HTTP-01 ACME issuers (cert-manager at CHARTS.certManager,
  // pkg/issuer/acme/http/pod.go), per app's own issuer: with the internal CA or a DNS-01 issuer the
  // policy would select nothing (tests/integrity.test.ts).
  const http01 = apps.some((a) => {
    const issuer = a.namespace === namespace ? certificateIssuer(a, ctx) : undefined;
    return issuer !== undefined && solvesHttp01(issuer);
  });
  if (ctx.ingress && http01) {
    ready.push(policy("allow-acme-http01-solver", acmeSolverSpec(ctx.ingress.namespace)));
  }
  // Apps must not run at the platform's priorities (they would preempt the ingress, cert-manager,
  // Vault and monitoring): zero pods for those classes (Kubernetes "Resource Quotas", "Resource
  // Quota Per PriorityClass": a quota with a PriorityClass scopeSelector counts only such pods).
  new k8s.core.v1.ResourceQuota(
    `${prefix}-platform-priority`,
    {
      metadata: metadata("no-platform-priority"),
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
    opts([ns]),
  );
  return { namespace: ns, ready };
}
