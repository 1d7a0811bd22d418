/**
 * NetworkPolicies: per namespace, default deny with DNS egress (and the ACME HTTP-01 solver's way
 * in); per app, only the traffic it declares.
 */
import * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "./deployment";
import { requireIngress, requireMonitoring, requireVault } from "./needs";
import { AppSettings, WorkloadContext } from "./types";
import { VAULT_PORT } from "./vault-agent";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type NetworkPolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/** The label every namespace carries (set by the API server), used to select namespaces. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Pods of every namespace with that name (the API server labels each namespace with its name). */
const namespacePeer = (namespace: string): NetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
});

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
        to: [{ ...namespacePeer("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
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
        from: [namespacePeer(ingressNamespace)],
        ports: [{ port: ACME_SOLVER.port, protocol: "TCP" }],
      },
    ],
  };
}

/** Another app allowed to call this one (it declares egress to this app's namespace and port). */
export interface AppCaller {
  name: string;
  namespace: string;
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
          (e) =>
            e.kind === "namespace" &&
            e.namespace === target.namespace &&
            e.protocol === "TCP" &&
            e.ports.includes(target.port),
        ),
    )
    .map((a) => ({ name: a.name, namespace: a.namespace }));
}

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
    const route = requireIngress(s, ctx);
    ingress.push({ from: [namespacePeer(route.ingress.namespace)], ports: [tcp(s.port)] });
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
    const to: NetworkPolicyPeer =
      rule.kind === "cidr" ? { ipBlock: { cidr: rule.cidr } } : namespacePeer(rule.namespace);
    egress.push({ to: [to], ports: rule.ports.map((port) => ({ port, protocol: rule.protocol })) });
  }

  const policies: NamedPolicy[] = [];
  if (ingress.length > 0)
    policies.push({ suffix: "ingress", spec: { podSelector, policyTypes: ["Ingress"], ingress } });
  if (egress.length > 0)
    policies.push({ suffix: "egress", spec: { podSelector, policyTypes: ["Egress"], egress } });
  return policies;
}
