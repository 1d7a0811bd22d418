/**
 * The Kubernetes conventions the add-ons and the workloads share: the platform's labels, Pod
 * Security namespace labels, how replicas spread, the platform's priority classes, the
 * ClusterIssuer names and the label that opts a namespace in to Vault injection. Plain data and
 * functions (no Pulumi import): both layers build on them, neither imports the other for them.
 */

/** Every object the platform creates carries this label. */
export const PART_OF_PLATFORM: Readonly<Record<string, string>> = {
  "app.kubernetes.io/part-of": "kube-platform",
};

/** Labels of the objects the program manages itself (not a chart). */
export const PLATFORM_LABELS: Readonly<Record<string, string>> = {
  ...PART_OF_PLATFORM,
  "app.kubernetes.io/managed-by": "pulumi",
};

/** Pod Security Standards level enforced on a namespace. */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/**
 * Pod Security admission labels: `enforce` at the strictest level the namespace supports; `warn` and
 * `audit` always at restricted, so anything weaker shows up. Every mode is pinned to the cluster's
 * minor ("v1.34"), not "latest": with "latest" a control-plane upgrade applies the new release's
 * policy checks to pods already running and to every pod recreated later (Kubernetes docs, "Enforce
 * Pod Security Standards with Namespace Labels"); pinned, the policy moves only when the stack's
 * kubernetesVersion does.
 */
export function podSecurityLabels(
  level: PodSecurityLevel,
  kubernetesVersion: string,
): Record<string, string> {
  const version = podSecurityVersion(kubernetesVersion);
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": version,
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": version,
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": version,
  };
}

/** The Pod Security version label value ("v1.34") of a Kubernetes minor ("1.34"). */
export function podSecurityVersion(kubernetesVersion: string): string {
  if (!/^1\.\d+$/.test(kubernetesVersion))
    throw new Error(
      `Pod Security version: expected a Kubernetes minor like "1.34", got "${kubernetesVersion}"`,
    );
  return `v${kubernetesVersion}`;
}

/** A pod topology spread constraint (core/v1 TopologySpreadConstraint), as charts and Deployments take it. */
export interface TopologySpread {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
  labelSelector: { matchLabels: Record<string, string> };
  matchLabelKeys: string[];
  nodeTaintsPolicy: "Honor" | "Ignore";
}

/**
 * Spreads the pods of one workload: evenly across nodes (hard, so a node loss never takes all
 * replicas while another node has room) and across zones (soft, single-zone clusters still
 * schedule). Only the current ReplicaSet counts during a rollout (pod-template-hash), and tainted
 * nodes the pods cannot use are not counted as empty domains.
 */
export function spreadAcrossNodesAndZones(matchLabels: Record<string, string>): TopologySpread[] {
  const common: Omit<TopologySpread, "topologyKey" | "whenUnsatisfiable"> = {
    maxSkew: 1,
    labelSelector: { matchLabels },
    matchLabelKeys: ["pod-template-hash"],
    nodeTaintsPolicy: "Honor",
  };
  return [
    { ...common, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule" },
    { ...common, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" },
  ];
}

/**
 * Priority classes for the platform's own pods, so that app pods (priority 0 unless they name a
 * class) can neither preempt them when the cluster is full nor be kept running while they stay
 * pending. Both sit below the built-in system-cluster-critical (2000000000) and system-node-critical
 * (2000001000): 1000000000 is the highest value a user-defined PriorityClass may have (Kubernetes
 * docs, "Pod Priority and Preemption": "any 32-bit integer value smaller than or equal to 1 billion").
 * cluster-autoscaler and metrics-server keep their charts' default, system-cluster-critical. The
 * add-ons run at them; the app namespaces forbid them.
 */
export const PLATFORM_PRIORITY = {
  /** On the request path or in admission: the ingress controller, cert-manager, Vault and its injector. */
  critical: {
    name: "kube-platform-critical",
    value: 1000000000,
    description:
      "kube-platform components on the request or admission path (ingress, cert-manager, Vault); apps cannot preempt them",
  },
  /** Observability: the Prometheus operator, Prometheus and Alertmanager. */
  high: {
    name: "kube-platform-high",
    value: 100000000,
    description: "kube-platform monitoring (operator, Prometheus, Alertmanager); apps cannot preempt them",
  },
} as const;

export type PlatformPriority = keyof typeof PLATFORM_PRIORITY;

/** The Let's Encrypt ClusterIssuers (ACME, HTTP-01 through the platform's ingress class). */
export const ACME_ISSUERS = ["letsencrypt-staging", "letsencrypt-prod"] as const;
export type AcmeIssuerName = (typeof ACME_ISSUERS)[number];
/**
 * The Let's Encrypt ClusterIssuers solving DNS-01 in the configured zones (addons.dns.zones): they
 * exist only with those zones and the ACME e-mail. The only ones for wildcard hosts: "It is not
 * possible to obtain certificates for wildcard domain names (e.g., `*.example.com`) using the HTTP01
 * challenge mechanism" (cert-manager API reference, ACMEChallengeSolver.http01); Let's Encrypt
 * validates a wildcard name only with DNS-01 (its "Challenge Types" page; RFC 8555 §7.1.3 defines
 * the wildcard identifier, "*." followed by a domain name).
 */
export const DNS01_ISSUERS = ["letsencrypt-staging-dns01", "letsencrypt-prod-dns01"] as const;
export type Dns01IssuerName = (typeof DNS01_ISSUERS)[number];
/** The CA ClusterIssuer backed by the internal root CA (the issuer called "selfsigned" in config). */
export const INTERNAL_CA_ISSUER = "selfsigned";
/** The ClusterIssuers workloads can get their certificates from (addons.certManager.defaultIssuer, apps[].issuer). */
export const ISSUER_NAMES = [...ACME_ISSUERS, ...DNS01_ISSUERS, INTERNAL_CA_ISSUER] as const;
export type IssuerName = (typeof ISSUER_NAMES)[number];

/** Whether `issuer` is a DNS-01 issuer (its challenges are TXT records in a configured zone). */
export function isDns01Issuer(issuer: string): issuer is Dns01IssuerName {
  return (DNS01_ISSUERS as readonly string[]).includes(issuer);
}

/**
 * Whether certificates from `issuer` are validated through HTTP-01: cert-manager then starts
 * solver pods in the Ingress's namespace (which its NetworkPolicies must let the ingress reach).
 */
export function solvesHttp01(issuer: string): boolean {
  return isAcmeIssuer(issuer) && !isDns01Issuer(issuer);
}

/** Whether `issuer` is a Let's Encrypt issuer (cert-manager then starts HTTP-01 solver pods). */
export function isAcmeIssuer(issuer: string): issuer is AcmeIssuerName {
  return (ACME_ISSUERS as readonly string[]).includes(issuer);
}

/**
 * The Vault injector only serves namespaces with this label (its webhook's namespaceSelector): the
 * workloads set it on the namespaces of apps with `vault:`. Pods elsewhere are never sent to the
 * webhook, so an unreachable injector cannot delay (30 s timeout) every pod of the cluster.
 */
export const VAULT_INJECTION_LABEL = "kube-platform/vault-injection";
export const VAULT_INJECTION_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  [VAULT_INJECTION_LABEL]: "enabled",
};

/**
 * A cert-manager CA Certificate spec (the internal root CA, Vault's CA). Renewal keeps the key
 * (rotationPolicy Never), so certificates the CA issued, and clients holding its previous
 * certificate, keep verifying until that one expires. ECDSA P-256, issued by the ClusterIssuer named.
 */
export function caCertificateSpec(ca: {
  commonName: string;
  secretName: string;
  duration: string;
  renewBefore: string;
  clusterIssuer: string;
}): Record<string, unknown> {
  return {
    isCA: true,
    commonName: ca.commonName,
    subject: { organizations: ["kube-platform"] },
    secretName: ca.secretName,
    duration: ca.duration,
    renewBefore: ca.renewBefore,
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Never" },
    issuerRef: { name: ca.clusterIssuer, kind: "ClusterIssuer", group: "cert-manager.io" },
  };
}

/**
 * external-dns's hostname annotation (docs/annotations/annotations.md at the image of
 * CHARTS.externalDns): on a LoadBalancer Service, a record of that name pointing at its address
 * (external-dns reads Services: `sources`, addons/dns/values.ts). The ingress Service carries it for
 * addons.dns.ingressHostname.
 */
export const EXTERNAL_DNS_HOSTNAME_ANNOTATION = "external-dns.alpha.kubernetes.io/hostname";
