/**
 * external-dns: publishes a record for every Ingress host (and annotated Service) in the configured
 * zones, owned through the TXT registry by this stack alone. Credentials from the cluster's DNS
 * binding (a workload identity) or, where the target has none, from the API token's Secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { PLATFORM_LABELS } from "../../kube/conventions";
import { durationSeconds, recordsSettleSeconds } from "../../shared/dns-sync";
import { AddonContext, addonNamespace, chartRelease } from "../base";
import { AddonComponent, MetricsEndpoint } from "../contract";
import { DnsSettings } from "../types";
import { DnsAccess, dnsTokenSecret } from "./access";
import {
  AZURE_CONFIG_FILE,
  EXTERNAL_DNS_INTERVAL,
  EXTERNAL_DNS_NAMESPACE,
  EXTERNAL_DNS_POD_LABELS,
  EXTERNAL_DNS_RELEASE,
  EXTERNAL_DNS_SERVICE_ACCOUNT,
  ExternalDnsProvider,
  externalDnsValues,
} from "./values";

export * from "./access";
export * from "./dns01";
export * from "./values";

/** The Secret (token providers) and ConfigMap (Azure) external-dns reads; the values only name them. */
export const EXTERNAL_DNS_TOKEN_SECRET = "external-dns-token";
export const EXTERNAL_DNS_AZURE_CONFIG = "external-dns-azure";

export interface ExternalDnsArgs {
  settings: DnsSettings;
  access: DnsAccess;
  ctx: AddonContext;
}

/**
 * azure.json for workload identity (docs/tutorials/azure.md, "Managed identity using Workload
 * Identity", Helm): tenant, subscription, the zones' resource group; the client id comes from the
 * ServiceAccount annotation through the webhook's AZURE_CLIENT_ID. No secret in it.
 */
export function azureConfigJson(tenantId: string, subscriptionId: string, resourceGroup: string): string {
  return JSON.stringify({ tenantId, subscriptionId, resourceGroup, useWorkloadIdentityExtension: true });
}

/** The one resource group of the zones: external-dns's Azure provider manages one (azure.go `resourceGroup`). */
export function azureResourceGroup(access: DnsAccess): string {
  const groups = [...new Set(access.zones.map((z) => z.id))];
  const [group] = groups;
  if (groups.length !== 1 || !group)
    throw new Error(
      `addons.dns.zones: on aks every zone's id names the same resource group (got ${groups.join(", ")})`,
    );
  return group;
}

/** The metrics Service the chart creates (templates/service.yaml: port `http` → the container's 7979). */
export function externalDnsMetrics(release: pulumi.Resource): MetricsEndpoint[] {
  return [
    {
      name: EXTERNAL_DNS_RELEASE,
      namespace: EXTERNAL_DNS_NAMESPACE,
      selector: { ...EXTERNAL_DNS_POD_LABELS },
      port: "http",
      path: "/metrics",
      release,
    },
  ];
}

/**
 * The wait for external-dns's records (`destroyDuration`, time_sleep: the provider sleeps that long
 * when the resource is deleted, with the duration recorded in state). The Ingresses depend on it and
 * it depends on the release and external-dns's NetworkPolicies: created at once after them (an Ingress
 * is published as soon as it exists), deleted after the Ingresses and before external-dns can no
 * longer work, so it removes their records (policy sync) while it waits.
 */
export function recordsSettle(
  name: string,
  settings: Pick<DnsSettings, "policy" | "values">,
  after: pulumi.Resource[],
  parent: pulumi.Resource,
): time.Sleep {
  // The interval the release runs with: the user's `values.interval` (stack config checks its form).
  const interval =
    typeof settings.values.interval === "string" ? settings.values.interval : EXTERNAL_DNS_INTERVAL;
  const seconds = durationSeconds(interval);
  if (seconds === undefined) throw new Error(`addons.dns.values.interval: "${interval}" is not a duration`);
  return new time.Sleep(
    `${name}-records-settle`,
    { destroyDuration: `${recordsSettleSeconds(seconds, settings.policy)}s` },
    { parent, dependsOn: after },
  );
}

/** external-dns in its own namespace (Pod Security restricted). */
export class ExternalDns extends AddonComponent {
  /** The cloud principal external-dns acts as (token providers: none). */
  readonly principal?: pulumi.Output<string>;
  /** What the Ingresses wait for (settle()); undefined until then. */
  recordsReady?: time.Sleep;
  private readonly resourceName: string;
  private readonly settings: DnsSettings;

  constructor(name: string, args: ExternalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:ExternalDns", name, opts);
    const { settings, access, ctx } = args;
    this.resourceName = name;
    this.settings = settings;
    const child = { parent: this, provider: ctx.provider };
    const namespace = addonNamespace(name, EXTERNAL_DNS_NAMESPACE, "restricted", ctx, this);
    const credentials = externalDnsCredentials(name, access, namespace, child);
    this.principal = credentials.principal;
    const release = chartRelease({
      name,
      chart: "externalDns",
      releaseName: EXTERNAL_DNS_RELEASE,
      namespace,
      values: externalDnsValues({ settings, provider: credentials.provider }),
      extraValues: settings.values,
      ctx,
      parent: this,
      dependsOn: credentials.objects,
    });
    this.publish(
      { namespace: EXTERNAL_DNS_NAMESPACE, release, metrics: externalDnsMetrics(release) },
      { principal: this.principal },
    );
  }

  /**
   * The wait the Ingresses depend on (recordsSettle), after the release and `policies` (external-dns's
   * NetworkPolicies, created once the add-ons exist). Called once.
   */
  settle(policies: pulumi.Resource[]): time.Sleep {
    if (this.recordsReady) throw new Error(`ExternalDns ${this.resourceName}: settle() is called twice`);
    this.recordsReady = recordsSettle(this.resourceName, this.settings, [this.release, ...policies], this);
    return this.recordsReady;
  }
}

/** The identity or Secret (and Azure's ConfigMap) external-dns needs, and how its values name them. */
function externalDnsCredentials(
  name: string,
  access: DnsAccess,
  namespace: k8s.core.v1.Namespace,
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
): { provider: ExternalDnsProvider; objects: pulumi.Resource[]; principal?: pulumi.Output<string> } {
  if (access.kind === "token") {
    const secret = dnsTokenSecret(
      `${name}-token`,
      { namespace, secretName: EXTERNAL_DNS_TOKEN_SECRET, token: access.token },
      opts,
    );
    return {
      provider: { provider: access.provider, tokenSecret: EXTERNAL_DNS_TOKEN_SECRET },
      objects: [secret],
    };
  }
  const sa = EXTERNAL_DNS_SERVICE_ACCOUNT;
  const identity = access.target.bindServiceAccount(name, sa, access.zones, "external-dns", opts.parent);
  const facts = identity.facts;
  switch (facts.provider) {
    case "aws":
      return { provider: { provider: "aws", identity }, objects: [], principal: identity.principal };
    case "google":
      return {
        provider: { provider: "google", identity, project: facts.project },
        objects: [],
        principal: identity.principal,
      };
    case "azure": {
      const resourceGroup = azureResourceGroup(access);
      const json = pulumi
        .all([facts.tenantId, facts.subscriptionId])
        .apply(([tenant, subscription]) => azureConfigJson(tenant, subscription, resourceGroup));
      const config = new k8s.core.v1.ConfigMap(
        `${name}-azure-config`,
        {
          metadata: {
            name: EXTERNAL_DNS_AZURE_CONFIG,
            namespace: namespace.metadata.name,
            labels: { ...PLATFORM_LABELS },
          },
          data: { [AZURE_CONFIG_FILE]: json },
        },
        { ...opts, dependsOn: [namespace] },
      );
      return {
        provider: {
          provider: "azure",
          identity,
          configMap: EXTERNAL_DNS_AZURE_CONFIG,
          config: json,
        },
        objects: [config],
        principal: identity.principal,
      };
    }
  }
}
