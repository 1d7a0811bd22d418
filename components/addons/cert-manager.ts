/**
 * cert-manager and the platform's ClusterIssuers: Let's Encrypt (staging and production, HTTP-01
 * through the platform's ingress class) when an ACME e-mail is configured, Let's Encrypt solving
 * DNS-01 in the configured zones (`-dns01`) when zones are configured too, and always an internal
 * CA ("selfsigned": a self-signed root → CA Certificate → CA issuer) for local clusters and
 * in-cluster TLS. Vault's server identity does not come from it directly: any namespace can name a
 * ClusterIssuer, so Vault has its own CA behind a namespaced Issuer (addons/vault/tls.ts), which
 * this internal CA only signs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceAccountRef } from "../cluster/types";
import {
  ACME_ISSUERS,
  AcmeIssuerName,
  DNS01_ISSUERS,
  Dns01IssuerName,
  INTERNAL_CA_ISSUER,
  IssuerName,
  PLATFORM_LABELS,
  PLATFORM_PRIORITY,
  caCertificateSpec,
  spreadAcrossNodesAndZones,
} from "../kube/conventions";
import { AddonContext, namespacedRelease, resources } from "./base";
import { AddonComponent, MetricsEndpoint } from "./contract";
import { DnsAccess, Dns01Setup, Dns01Solver, dns01Identity } from "./dns/cert-manager";
import { DNS01_ACME_ISSUER, dns01IssuerNames } from "./dns/dns01";
import { CertManagerSettings, HelmValues } from "./types";

export const CERT_MANAGER_NAMESPACE = "cert-manager";
export const CERT_MANAGER_RELEASE = "cert-manager";

/** The controller's ServiceAccount: the chart's fullname for release cert-manager (templates/serviceaccount.yaml). */
export const CERT_MANAGER_SERVICE_ACCOUNT: ServiceAccountRef = {
  namespace: CERT_MANAGER_NAMESPACE,
  name: CERT_MANAGER_RELEASE,
};

/** ACME directory of each Let's Encrypt issuer. */
export const LETSENCRYPT_SERVERS: Readonly<Record<AcmeIssuerName, string>> = {
  "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
  "letsencrypt-prod": "https://acme-v02.api.letsencrypt.org/directory",
};

/** The self-signed ClusterIssuer that signs only the internal root CA. */
export const SELF_SIGNED_ROOT_ISSUER = "kube-platform-selfsigned-root";

/** Certificate and Secret (in the cert-manager namespace) holding the internal root CA. */
export const INTERNAL_CA_SECRET = "kube-platform-root-ca";

/**
 * Every ClusterIssuer by name: the internal pair always, the Let's Encrypt pair with an ACME e-mail,
 * the DNS-01 pair with an ACME e-mail and DNS zones.
 */
export type ClusterIssuers = Record<
  typeof SELF_SIGNED_ROOT_ISSUER | typeof INTERNAL_CA_ISSUER,
  pulumi.Resource
> &
  Partial<Record<AcmeIssuerName | Dns01IssuerName, pulumi.Resource>>;

/** Pulumi waits for the object's Ready condition (pulumi-kubernetes ≥ 4.18) before dependents start. */
const WAIT_FOR_READY = { "pulumi.com/waitFor": "condition=Ready" };

/** Replicas, PodDisruptionBudget and spreading of one component. */
function availability(replicas: number, ha: boolean, component: string): HelmValues {
  return {
    replicaCount: ha ? replicas : 1,
    podDisruptionBudget: ha ? { enabled: true, maxUnavailable: 1 } : { enabled: false },
    topologySpreadConstraints: ha
      ? spreadAcrossNodesAndZones({
          "app.kubernetes.io/instance": CERT_MANAGER_RELEASE,
          "app.kubernetes.io/component": component,
        })
      : [],
  };
}

/** Helm values of the cert-manager chart (CHARTS.certManager). */
export function certManagerValues(highAvailability: boolean, identity?: Dns01Setup["identity"]): HelmValues {
  const ha = highAvailability;
  return {
    // The controller's ServiceAccount (serviceAccount.annotations, templates/serviceaccount.yaml) and
    // pods (podLabels, templates/deployment.yaml) carry the DNS-01 identity: its ambient credentials.
    // The pods' annotation (podAnnotations, the same template) holds the binding's checksum, so a
    // change of it (DNS-01 turned on for a running stack) restarts the controller, which otherwise
    // keeps running without the credentials the EKS webhook injects only into new pods.
    ...(identity
      ? {
          serviceAccount: { annotations: identity.serviceAccountAnnotations },
          podLabels: { ...identity.podLabels },
          podAnnotations: { ...identity.podAnnotations },
        }
      : {}),
    // CRDs from the chart; kept on uninstall so removing the release never deletes every Certificate.
    crds: { enabled: true, keep: true },
    // Leader-election leases in our own namespace, not kube-system (no RBAC there; GKE Autopilot forbids it).
    // global.priorityClassName: every pod (controller, webhook, cainjector, startupapicheck) renders it
    // (templates/*deployment.yaml, startupapicheck-job.yaml); apps cannot preempt the webhook
    // (PLATFORM_PRIORITY).
    global: {
      leaderElection: { namespace: CERT_MANAGER_NAMESPACE },
      priorityClassName: PLATFORM_PRIORITY.critical.name,
    },
    ...availability(2, ha, "controller"),
    resources: resources("50m", "128Mi", "512Mi"),
    // Metrics Services on; the platform creates the ServiceMonitors once the monitoring CRDs exist.
    prometheus: { enabled: true, servicemonitor: { enabled: false }, podmonitor: { enabled: false } },
    webhook: { ...availability(3, ha, "webhook"), resources: resources("25m", "64Mi", "256Mi") },
    cainjector: {
      enabled: true,
      ...availability(2, ha, "cainjector"),
      resources: resources("25m", "128Mi", "512Mi"),
    },
    // The post-install check that the webhook answers: the release is done only when issuers can be created.
    startupapicheck: { enabled: true, resources: resources("10m", "64Mi", "128Mi") },
  };
}

/** The metrics Services the chart creates (prometheus.enabled, no PodMonitor). */
export function certManagerMetrics(release: pulumi.Resource): MetricsEndpoint[] {
  const endpoint = (component: string, appName: string, port: string): MetricsEndpoint => ({
    name: `cert-manager-${component}`,
    namespace: CERT_MANAGER_NAMESPACE,
    selector: {
      "app.kubernetes.io/name": appName,
      "app.kubernetes.io/instance": CERT_MANAGER_RELEASE,
      "app.kubernetes.io/component": component,
    },
    port,
    path: "/metrics",
    release,
  });
  return [
    // The controller's Service names its port http-metrics (9402): deploy/charts/cert-manager
    // templates/service.yaml at CHARTS.certManager (tcp-prometheus-servicemonitor is a port name of
    // older charts).
    endpoint("controller", "cert-manager", "http-metrics"),
    endpoint("webhook", "webhook", "metrics"),
    endpoint("cainjector", "cainjector", "http-metrics"),
  ];
}

/** The ACME account of the Let's Encrypt issuers: both need the e-mail and an ingress class for HTTP-01. */
export interface AcmeAccount {
  email: string;
  ingressClassName: string;
}

/** The ACME account when both its parts are there, else undefined (no Let's Encrypt issuer). */
export function acmeAccount(
  email: string | undefined,
  ingressClassName: string | undefined,
): AcmeAccount | undefined {
  return email && ingressClassName ? { email, ingressClassName } : undefined;
}

/** The Let's Encrypt issuers that can exist: both need the ACME e-mail and an ingress class for HTTP-01. */
export function acmeIssuerNames(
  email: string | undefined,
  ingressClassName: string | undefined,
): AcmeIssuerName[] {
  return acmeAccount(email, ingressClassName) ? [...ACME_ISSUERS] : [];
}

/** Throws unless the configured default issuer will exist. */
export function checkDefaultIssuer(
  defaultIssuer: IssuerName,
  email: string | undefined,
  ingressClassName: string | undefined,
  dnsZones = false,
): void {
  if (defaultIssuer === INTERNAL_CA_ISSUER) return;
  if (dns01IssuerNames(email, dnsZones).some((issuer) => issuer === defaultIssuer)) return;
  if ((DNS01_ISSUERS as readonly string[]).includes(defaultIssuer)) {
    const missing = [
      email ? undefined : "addons.certManager.email",
      dnsZones ? undefined : "addons.dns.zones",
    ]
      .filter(Boolean)
      .join(" and ");
    throw new Error(
      `cert-manager: the default issuer "${defaultIssuer}" needs ${missing} (DNS-01 challenges are TXT records ` +
        `in the configured zones); set them or use defaultIssuer "${INTERNAL_CA_ISSUER}"`,
    );
  }
  if (!acmeIssuerNames(email, ingressClassName).some((issuer) => issuer === defaultIssuer)) {
    const missing = [
      email ? undefined : "addons.certManager.email",
      ingressClassName ? undefined : "an ingress controller",
    ]
      .filter(Boolean)
      .join(" and ");
    throw new Error(
      `cert-manager: the default issuer "${defaultIssuer}" needs ${missing} (Let's Encrypt issuers solve ` +
        `HTTP-01 challenges through the ingress class); set them or use defaultIssuer "${INTERNAL_CA_ISSUER}"`,
    );
  }
}

/** An ACME ClusterIssuer solving HTTP-01 challenges through `ingressClassName`. */
export function acmeClusterIssuer(issuer: AcmeIssuerName, { email, ingressClassName }: AcmeAccount) {
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "ClusterIssuer",
    metadata: { name: issuer, labels: PLATFORM_LABELS },
    spec: {
      acme: {
        server: LETSENCRYPT_SERVERS[issuer],
        email,
        // The ACME account key cert-manager generates and keeps in its namespace.
        privateKeySecretRef: { name: `${issuer}-account-key` },
        solvers: [{ http01: { ingress: { ingressClassName } } }],
      },
    },
  };
}

/** A Let's Encrypt ClusterIssuer solving DNS-01 challenges with `solvers` (the configured zones). */
export function dns01ClusterIssuer(
  issuer: Dns01IssuerName,
  email: string,
  solvers: pulumi.Input<Dns01Solver[]>,
) {
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "ClusterIssuer",
    metadata: { name: issuer, labels: PLATFORM_LABELS },
    spec: {
      acme: {
        server: LETSENCRYPT_SERVERS[DNS01_ACME_ISSUER[issuer]],
        email,
        privateKeySecretRef: { name: `${issuer}-account-key` },
        solvers,
      },
    },
  };
}

export interface CertManagerArgs {
  settings: CertManagerSettings;
  ctx: AddonContext;
  /** The platform's IngressClass; without it no Let's Encrypt issuer is created. */
  ingressClassName?: string;
  /** The DNS zones and how to reach them; with the ACME e-mail, the DNS-01 issuers exist. */
  dns?: DnsAccess;
}

/** The DNS-01 issuers' account e-mail, solvers and what they wait for (the token's Secret). */
export interface Dns01Issuers {
  email: string;
  solvers: pulumi.Input<Dns01Solver[]>;
  after: pulumi.Resource[];
}

/** The internal CA ClusterIssuer, for in-cluster TLS (it signs Vault's own CA, addons/vault/tls.ts). */
export interface InternalCa {
  issuerName: typeof INTERNAL_CA_ISSUER;
  issuer: pulumi.Resource;
}

/**
 * The internal CA (self-signed root issuer → CA Certificate → CA issuer) and, with an ACME account,
 * the Let's Encrypt issuers. Every object needs the CRDs and the webhook: all depend on the release
 * (pulumi-kubernetes #861/#1164).
 */
export function clusterIssuers(
  name: string,
  acme: AcmeAccount | undefined,
  release: k8s.helm.v3.Release,
  namespace: k8s.core.v1.Namespace,
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
  dns01?: Dns01Issuers,
): ClusterIssuers {
  const objectOpts = (dependsOn: pulumi.Resource[]): pulumi.CustomResourceOptions => ({
    ...opts,
    dependsOn: [release, ...dependsOn],
  });
  const letsEncrypt: Partial<Record<AcmeIssuerName | Dns01IssuerName, pulumi.Resource>> = {};
  if (acme) {
    for (const issuer of ACME_ISSUERS) {
      letsEncrypt[issuer] = new k8s.apiextensions.CustomResource(
        `${name}-issuer-${issuer}`,
        acmeClusterIssuer(issuer, acme),
        objectOpts([]),
      );
    }
  }

  if (dns01) {
    for (const issuer of DNS01_ISSUERS) {
      letsEncrypt[issuer] = new k8s.apiextensions.CustomResource(
        `${name}-issuer-${issuer}`,
        dns01ClusterIssuer(issuer, dns01.email, dns01.solvers),
        objectOpts(dns01.after),
      );
    }
  }

  // Internal CA: self-signed root issuer → CA certificate → CA issuer.
  const root = new k8s.apiextensions.CustomResource(
    `${name}-issuer-${SELF_SIGNED_ROOT_ISSUER}`,
    {
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: SELF_SIGNED_ROOT_ISSUER, labels: PLATFORM_LABELS },
      spec: { selfSigned: {} },
    },
    objectOpts([]),
  );
  const caCertificate = new k8s.apiextensions.CustomResource(
    `${name}-root-ca`,
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: {
        name: INTERNAL_CA_SECRET,
        // A ClusterIssuer of type ca reads its Secret from cert-manager's own namespace.
        namespace: namespace.metadata.name,
        labels: PLATFORM_LABELS,
        annotations: WAIT_FOR_READY,
      },
      spec: caCertificateSpec({
        commonName: "kube-platform internal root CA",
        secretName: INTERNAL_CA_SECRET,
        duration: "87600h", // 10 years
        renewBefore: "8760h", // 1 year
        clusterIssuer: SELF_SIGNED_ROOT_ISSUER,
      }),
    },
    objectOpts([root]),
  );
  const ca = new k8s.apiextensions.CustomResource(
    `${name}-issuer-${INTERNAL_CA_ISSUER}`,
    {
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: INTERNAL_CA_ISSUER, labels: PLATFORM_LABELS, annotations: WAIT_FOR_READY },
      spec: { ca: { secretName: INTERNAL_CA_SECRET } },
    },
    objectOpts([caCertificate]),
  );
  return { ...letsEncrypt, [SELF_SIGNED_ROOT_ISSUER]: root, [INTERNAL_CA_ISSUER]: ca };
}

export class CertManager extends AddonComponent {
  /** The ClusterIssuer workloads use by default. */
  readonly defaultIssuer: IssuerName;
  /** The internal CA ClusterIssuer, for in-cluster TLS (it signs Vault's own CA). */
  readonly internalCaIssuer = INTERNAL_CA_ISSUER;
  /** The internal CA issuer's name and object, to depend on. */
  readonly internalCa: InternalCa;
  /** Where the internal root CA certificate lives (ca.crt / tls.crt), for trust bundles. */
  readonly internalCaSecret = { namespace: CERT_MANAGER_NAMESPACE, name: INTERNAL_CA_SECRET };
  /** Every ClusterIssuer by name, to depend on. */
  readonly issuers: ClusterIssuers;

  constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:CertManager", name, opts);
    const { settings, ctx, ingressClassName } = args;
    checkDefaultIssuer(settings.defaultIssuer, settings.email, ingressClassName, args.dns !== undefined);
    const child = { parent: this, provider: ctx.provider };
    // DNS-01 only with the ACME account: the identity is bound (or the token's Secret made) only then.
    const dns =
      settings.email && args.dns
        ? dns01Identity(name, args.dns, CERT_MANAGER_SERVICE_ACCOUNT, child)
        : undefined;

    const { namespace, release } = namespacedRelease({
      name,
      chart: "certManager",
      releaseName: CERT_MANAGER_RELEASE,
      namespace: CERT_MANAGER_NAMESPACE,
      podSecurity: "restricted",
      values: certManagerValues(ctx.highAvailability, dns?.identity),
      extraValues: settings.values,
      ctx,
      parent: this,
    });
    const metrics = certManagerMetrics(release);
    const dns01 =
      dns && settings.email
        ? { email: settings.email, solvers: dns.solvers, after: dns.secret(namespace) }
        : undefined;
    this.issuers = clusterIssuers(
      name,
      acmeAccount(settings.email, ingressClassName),
      release,
      namespace,
      child,
      dns01,
    );
    this.internalCa = { issuerName: INTERNAL_CA_ISSUER, issuer: this.issuers[INTERNAL_CA_ISSUER] };
    this.defaultIssuer = settings.defaultIssuer;
    this.publish(
      { namespace: CERT_MANAGER_NAMESPACE, release, metrics },
      { defaultIssuer: this.defaultIssuer, internalCaIssuer: this.internalCaIssuer },
    );
  }
}
