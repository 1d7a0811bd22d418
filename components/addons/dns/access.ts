/**
 * How external-dns and cert-manager's DNS-01 solver reach the DNS service: through the cluster's
 * cloud DNS binding (a workload identity per ServiceAccount), or, where the target has none, with the
 * configured API token, which only ever lives in a Kubernetes Secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CloudDnsTarget, DnsTarget, DnsZone, TokenDnsProvider } from "../../cluster/types";
import { PLATFORM_LABELS } from "../../kube/conventions";
import type { DnsSettings } from "../types";

/** The cluster's DNS as the add-ons use it, with the zones they manage. */
export type DnsAccess =
  | { kind: "cloud"; target: CloudDnsTarget; zones: DnsZone[] }
  | { kind: "token"; provider: TokenDnsProvider; token: pulumi.Output<string>; zones: DnsZone[] };

/**
 * The access `settings` give on a cluster whose DNS is `target`. Stack config checks the same pairing
 * (stacks/dns-config.ts); a mismatch here is a programming error, named with the keys to fix.
 */
export function dnsAccess(target: DnsTarget, settings: DnsSettings): DnsAccess {
  const zones = settings.zones;
  if (target.kind === "cloud") {
    if (settings.token)
      throw new Error(
        `addons.dns: ${target.provider} DNS is reached through a workload identity, not a token`,
      );
    return { kind: "cloud", target, zones };
  }
  const token = settings.token;
  if (!token) throw new Error("addons.dns: this target has no cloud identity: set provider and tokenSecret");
  if (!target.providers.includes(token.provider)) {
    throw new Error(
      `addons.dns.provider: "${token.provider}" is not offered on this target (allowed: ${target.providers.join(", ")})`,
    );
  }
  return { kind: "token", provider: token.provider, token: token.value, zones };
}

/** The key of the API token in the Secrets below. */
export const DNS_TOKEN_KEY = "token";

/**
 * A Secret holding the DNS API token for the pods of `namespace` (Pulumi stores Secret data
 * encrypted; the token is a Pulumi secret from `secrets` already). Values and ConfigMaps only ever
 * name it.
 */
export function dnsTokenSecret(
  resourceName: string,
  a: { namespace: k8s.core.v1.Namespace; secretName: string; token: pulumi.Output<string> },
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    resourceName,
    {
      metadata: { name: a.secretName, namespace: a.namespace.metadata.name, labels: { ...PLATFORM_LABELS } },
      type: "Opaque",
      stringData: { [DNS_TOKEN_KEY]: pulumi.secret(a.token) },
    },
    { ...opts, dependsOn: [a.namespace] },
  );
}

/**
 * The pod annotation of external-dns and cert-manager carrying the checksum of their identity binding's
 * inputs (components/cluster/identity-common.ts identityChecksum: the webhooks that hand out cloud
 * credentials mutate pods only when they are created, and external-dns reads azure.json once, at
 * start: a changed ServiceAccount annotation or azure.json alone changes no pod template, so Helm
 * restarts nothing). With the checksum in the pod template, every such change rolls the pods. The key
 * predates the shared IDENTITY_CHECKSUM_ANNOTATION and is kept: a new key would roll the pods once for
 * nothing.
 */
export const DNS_IDENTITY_ANNOTATION = "kube-platform/dns-identity-checksum";
