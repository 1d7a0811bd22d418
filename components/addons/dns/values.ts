/**
 * Helm values of the external-dns chart (CHARTS.externalDns; every key is in its recorded keys,
 * components/addons/chart-data/external-dns/<version>/keys.json) per DNS provider. Plain functions.
 */
import type * as pulumi from "@pulumi/pulumi";
import { identityChecksum } from "../../cluster/identity-common";
import type { BoundIdentity, DnsZone, ServiceAccountRef } from "../../cluster/types";
import { PLATFORM_PRIORITY } from "../../kube/conventions";
import { resources } from "../base";
import type { DnsSettings, HelmValues } from "../types";
import { DNS_IDENTITY_ANNOTATION, DNS_TOKEN_KEY } from "./access";

export const EXTERNAL_DNS_NAMESPACE = "external-dns";
export const EXTERNAL_DNS_RELEASE = "external-dns";

/** The ServiceAccount the chart creates (serviceAccount.name); the cloud identity trusts exactly this one. */
export const EXTERNAL_DNS_SERVICE_ACCOUNT: ServiceAccountRef = {
  namespace: EXTERNAL_DNS_NAMESPACE,
  name: "external-dns",
};

/** The chart's selector labels (templates/_helpers.tpl external-dns.selectorLabels) of our release. */
export const EXTERNAL_DNS_POD_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/name": "external-dns",
  "app.kubernetes.io/instance": EXTERNAL_DNS_RELEASE,
};

/** The container port `http` (templates/deployment.yaml): metrics and /healthz (`--metrics-address` :7979). */
export const EXTERNAL_DNS_METRICS_PORT = 7979;

/**
 * The DigitalOcean provider left external-dns's tree (#6283, before the image of CHARTS.externalDns):
 * the project lists amoniacou/external-dns-digitalocean-webhook in its README as the webhook provider
 * for DigitalOcean. Its images are ghcr.io/amoniacou/external-dns-digitalocean-webhook:<semver>
 * (.github/workflows/release.yml); it reads DO_TOKEN and DO_DOMAIN_FILTER and serves the webhook API,
 * /healthz and /metrics on one `--port` (cmd/webhook/main.go, internal/server/server.go).
 *
 * A third party's image that receives the DigitalOcean token (an account-wide one: DigitalOcean's
 * `domain:*` scopes cover every domain of the team). It is pinned by tag only: no source readable
 * when this was written records its digest (the repository keeps none; the registry was not
 * reachable). To pin it, read the digest (`crane digest <repository>:<tag>`) and set `tag` to
 * `<tag>@sha256:<digest>`: the chart renders `<repository>:<tag>` (templates/_helpers.tpl
 * external-dns.webhookImage), a valid reference with a digest.
 */
export const DIGITALOCEAN_WEBHOOK = {
  repository: "ghcr.io/amoniacou/external-dns-digitalocean-webhook",
  tag: "0.1.2",
  /** The chart's webhook container port `http-webhook` (templates/deployment.yaml) and its probes. */
  port: 8080,
} as const;

/** The DigitalOcean webhook's API as external-dns calls it (`--webhook-provider-url`, default :8888). */
export const DIGITALOCEAN_WEBHOOK_URL = `http://localhost:${DIGITALOCEAN_WEBHOOK.port}`;

/** Where external-dns's Azure provider reads azure.json (`--azure-config-file` default, docs/flags.md). */
export const AZURE_CONFIG_DIR = "/etc/kubernetes";
export const AZURE_CONFIG_FILE = "azure.json";

/**
 * How often external-dns syncs (`--interval`, the chart's `interval`): the longest a change waits
 * when the event that should trigger it is missed (`triggerLoopOnEvent` below).
 */
export const EXTERNAL_DNS_INTERVAL = "1m";

/** What a ServiceAccount bound to a cloud identity needs in the values. */
export type IdentityValues = Pick<BoundIdentity, "serviceAccountAnnotations" | "podLabels">;

/** How external-dns reaches the DNS service. */
export type ExternalDnsProvider =
  | { provider: "aws"; identity: IdentityValues }
  | { provider: "google"; identity: IdentityValues; project: string }
  /** `configMap`: the ConfigMap holding azure.json (`config`, no secret in it: workload identity). */
  | { provider: "azure"; identity: IdentityValues; configMap: string; config: pulumi.Input<string> }
  /** `tokenSecret`: the Secret holding the API token under DNS_TOKEN_KEY. */
  | { provider: "digitalocean" | "cloudflare"; tokenSecret: string };

/** Restricted Pod Security (runAsNonRoot, no privilege escalation, no capabilities, RuntimeDefault). */
const RESTRICTED_CONTAINER = {
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  // The distroless images' nonroot user (external-dns and the DigitalOcean webhook).
  runAsUser: 65532,
  runAsGroup: 65532,
  capabilities: { drop: ["ALL"] },
};

const tokenEnv = (name: string, secret: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key: DNS_TOKEN_KEY } },
});

/** The provider-specific values. */
function providerValues(p: ExternalDnsProvider, zones: DnsZone[]): HelmValues {
  const ids = zones.flatMap((z) => (z.id ? [z.id] : []));
  switch (p.provider) {
    case "aws":
      // --zone-id-filter: only the configured hosted zones, even if another zone has the same name.
      return { provider: { name: "aws" }, extraArgs: { "zone-id-filter": ids } };
    case "google":
      // google.go matches --zone-id-filter against a zone's id or name (the managed-zone names here).
      return {
        provider: { name: "google" },
        extraArgs: { "google-project": p.project, "zone-id-filter": ids },
      };
    case "azure":
      return {
        provider: { name: "azure" },
        extraVolumes: [{ name: "azure-config", configMap: { name: p.configMap } }],
        extraVolumeMounts: [{ name: "azure-config", mountPath: AZURE_CONFIG_DIR, readOnly: true }],
      };
    case "cloudflare":
      // The in-tree provider prefers CF_API_TOKEN (docs/tutorials/cloudflare.md).
      return { provider: { name: "cloudflare" }, env: [tokenEnv("CF_API_TOKEN", p.tokenSecret)] };
    case "digitalocean":
      return {
        provider: {
          name: "webhook",
          webhook: {
            image: { repository: DIGITALOCEAN_WEBHOOK.repository, tag: DIGITALOCEAN_WEBHOOK.tag },
            env: [
              tokenEnv("DO_TOKEN", p.tokenSecret),
              { name: "DO_DOMAIN_FILTER", value: zones.map((z) => z.name).join(",") },
            ],
            args: [`--port=${DIGITALOCEAN_WEBHOOK.port}`],
            resources: resources("10m", "32Mi", "128Mi"),
            securityContext: RESTRICTED_CONTAINER,
          },
        },
        extraArgs: { "webhook-provider-url": DIGITALOCEAN_WEBHOOK_URL },
      };
  }
}

export interface ExternalDnsValuesArgs {
  settings: Pick<DnsSettings, "zones" | "policy" | "txtOwnerId">;
  provider: ExternalDnsProvider;
}

/** The values external-dns runs with (the user's `addons.dns.values` are merged over them). */
export function externalDnsValues(a: ExternalDnsValuesArgs): HelmValues {
  const { settings: s, provider: p } = a;
  const identity = "identity" in p ? p.identity : undefined;
  const specific = providerValues(p, s.zones);
  const annotations: pulumi.Input<Record<string, string>> = identity?.serviceAccountAnnotations ?? {};
  const podLabels = { ...(identity?.podLabels ?? {}) };
  // A changed identity (or azure.json) rolls the pod (DNS_IDENTITY_ANNOTATION).
  const checksum = identity
    ? identityChecksum({
        serviceAccountAnnotations: annotations,
        podLabels,
        ...(p.provider === "azure" ? { azureConfig: p.config } : {}),
      })
    : undefined;
  return {
    fullnameOverride: EXTERNAL_DNS_RELEASE,
    serviceAccount: {
      create: true,
      name: EXTERNAL_DNS_SERVICE_ACCOUNT.name,
      annotations,
      // It watches the API (sources): the token is needed.
      automountServiceAccountToken: true,
    },
    podLabels,
    ...(checksum ? { podAnnotations: { [DNS_IDENTITY_ANNOTATION]: checksum } } : {}),
    // Records for every Ingress host and annotated Service, only in the configured zones.
    sources: ["service", "ingress"],
    domainFilters: s.zones.map((z) => z.name),
    policy: s.policy,
    // The TXT registry marks each record with the owner id (registry/txt.go): records of another
    // owner are never changed. Its names carry the record type ("a-", "cname-", docs/registry/txt.md,
    // v0.18+), so no prefix is needed beside a CNAME; a wildcard's "*" becomes a valid label.
    registry: "txt",
    txtOwnerId: s.txtOwnerId,
    interval: EXTERNAL_DNS_INTERVAL,
    // `--events` (templates/deployment.yaml): a sync also runs when an Ingress or Service is added,
    // changed or deleted (source/source.go eventHandlerFunc: OnAdd, OnUpdate, OnDelete), at most every
    // `--min-event-sync-interval` (5s; controller/controller.go ScheduleRunOnce). A new host's
    // record exists seconds after its Ingress, and a deleted Ingress's record goes as fast (sync).
    triggerLoopOnEvent: true,
    ...specific,
    extraArgs: { "txt-wildcard-replacement": "wildcard", ...(specific.extraArgs as HelmValues | undefined) },
    // One replica (the chart renders `replicas: 1`, no leader election); Recreate (the chart's
    // default strategy) so two never run at once.
    priorityClassName: PLATFORM_PRIORITY.critical.name,
    resources: resources("25m", "64Mi", "256Mi"),
    // fsGroup: the projected token files (IRSA, workload identity) readable by the non-root user.
    podSecurityContext: { runAsNonRoot: true, fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
    securityContext: RESTRICTED_CONTAINER,
    // The platform creates the ServiceMonitor once the monitoring CRDs exist.
    serviceMonitor: { enabled: false },
  };
}
