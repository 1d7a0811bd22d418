/**
 * What cert-manager's DNS-01 issuers need from the cluster's DNS: its controller's ServiceAccount
 * bound to a cloud identity allowed to write challenge records in exactly the configured zones, or the
 * API token's Secret in its namespace, and the solvers naming them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { identityChecksum } from "../../cluster/identity-common";
import type { ServiceAccountRef } from "../../cluster/types";
import { DNS_IDENTITY_ANNOTATION, DnsAccess, dnsTokenSecret } from "./access";
import { DNS01_TOKEN_SECRET, Dns01Solver, dns01Solvers } from "./dns01";

export type { DnsAccess, Dns01Solver };

/** cert-manager's DNS-01 setup: the identity for its values, the solvers, the objects the issuers wait for. */
export interface Dns01Setup {
  /**
   * Cloud providers: the controller ServiceAccount's annotations, the pods' labels, and the pods'
   * annotation with their checksum (DNS_IDENTITY_ANNOTATION: a changed binding restarts the pods).
   */
  identity?: {
    serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    podLabels: Record<string, string>;
    podAnnotations: Record<string, pulumi.Output<string>>;
  };
  solvers: pulumi.Output<Dns01Solver[]>;
  /** Token providers: the token's Secret in cert-manager's namespace (created once it exists). */
  secret(namespace: k8s.core.v1.Namespace): pulumi.Resource[];
}

/** Binds `sa` (cert-manager's controller) for DNS-01 in `access`'s zones, or prepares the token's Secret. */
export function dns01Identity(
  name: string,
  access: DnsAccess,
  sa: ServiceAccountRef,
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
): Dns01Setup {
  const zones = access.zones;
  if (access.kind === "token") {
    return {
      solvers: pulumi.output(
        dns01Solvers(zones, { provider: access.provider, tokenSecret: DNS01_TOKEN_SECRET }),
      ),
      secret: (namespace) => [
        dnsTokenSecret(
          `${name}-dns01-token`,
          { namespace, secretName: DNS01_TOKEN_SECRET, token: access.token },
          opts,
        ),
      ],
    };
  }
  const identity = access.target.bindServiceAccount(`${name}-dns01`, sa, zones, "cert-manager", opts.parent);
  const facts = identity.facts;
  const solvers =
    facts.provider === "azure"
      ? pulumi
          .all([facts.subscriptionId, facts.clientId])
          .apply(([subscriptionId, clientId]) =>
            dns01Solvers(zones, { provider: "azure", subscriptionId, clientId }),
          )
      : pulumi.output(dns01Solvers(zones, facts));
  const { serviceAccountAnnotations, podLabels } = identity;
  return {
    identity: {
      serviceAccountAnnotations,
      podLabels,
      podAnnotations: {
        [DNS_IDENTITY_ANNOTATION]: identityChecksum({ serviceAccountAnnotations, podLabels }),
      },
    },
    solvers,
    secret: () => [],
  };
}
