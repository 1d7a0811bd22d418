/**
 * cert-manager's DNS-01 solvers for the configured zones, one per provider as its ClusterIssuer spec
 * takes it (cert-manager.io/v1 ACMEChallengeSolver, pkg/apis/acme/v1/types_issuer.go of
 * CHARTS.certManager: `selector.dnsZones`, `dns01.route53|cloudDNS|azureDNS|digitalocean|cloudflare`),
 * and the credentials each uses: cert-manager's own ServiceAccount bound to a cloud identity
 * (ambient credentials, which ClusterIssuers may use by default: `--cluster-issuer-ambient-credentials`),
 * or the API token's Secret in cert-manager's namespace (where a ClusterIssuer's Secret references
 * resolve: the cluster resource namespace). Plain functions.
 */
import type { DnsZone } from "../../cluster/types";
import { AcmeIssuerName, DNS01_ISSUERS, Dns01IssuerName } from "../../kube/conventions";
import { DNS_TOKEN_KEY } from "./access";

/** The Let's Encrypt directory (of its HTTP-01 sibling) each DNS-01 issuer uses. */
export const DNS01_ACME_ISSUER: Readonly<Record<Dns01IssuerName, AcmeIssuerName>> = {
  "letsencrypt-staging-dns01": "letsencrypt-staging",
  "letsencrypt-prod-dns01": "letsencrypt-prod",
};

/** The DNS-01 issuers that can exist: both need the ACME e-mail and configured DNS zones. */
export function dns01IssuerNames(email: string | undefined, dnsZones: boolean): Dns01IssuerName[] {
  return email && dnsZones ? [...DNS01_ISSUERS] : [];
}

/** The DNS-01 credentials of the solvers, resolved (no Outputs: the issuer spec is built in an apply). */
export type Dns01Credentials =
  | { provider: "aws"; region: string }
  | { provider: "google"; project: string }
  | { provider: "azure"; subscriptionId: string; clientId: string }
  | { provider: "digitalocean" | "cloudflare"; tokenSecret: string };

/** One ACME challenge solver: its zones and its DNS-01 provider block. */
export interface Dns01Solver {
  selector: { dnsZones: string[] };
  dns01: Record<string, unknown>;
}

/** The Secret (cert-manager's namespace) holding the DNS API token for the DNS-01 solvers. */
export const DNS01_TOKEN_SECRET = "kube-platform-dns01-token";

const zoneId = (z: DnsZone): string => {
  if (!z.id) throw new Error(`DNS-01: zone ${z.name} has no cloud id (addons.dns.zones[].id)`);
  return z.id;
};

/**
 * The solvers for `zones`: one per zone where the provider needs the zone's handle (Route 53
 * hostedZoneID, Cloud DNS hostedZoneName, the Azure zone's resource group), one for all zones with a
 * token. Each names its zones in `selector.dnsZones`: cert-manager picks the most specific zone
 * match for a name (a wildcard's "*.example.com" matches "example.com").
 */
export function dns01Solvers(zones: DnsZone[], c: Dns01Credentials): Dns01Solver[] {
  const perZone = (dns01: (z: DnsZone) => Record<string, unknown>): Dns01Solver[] =>
    zones.map((z) => ({ selector: { dnsZones: [z.name] }, dns01: dns01(z) }));
  const tokenRef = (secret: string) => ({ name: secret, key: DNS_TOKEN_KEY });
  switch (c.provider) {
    case "aws":
      // No credentials in the spec: the ambient role of cert-manager's ServiceAccount (EKS Pod Identity
      // or IRSA). The zone id spares ListHostedZonesByName (cert-manager "Route53"). `region` is
      // ignored once the pod has AWS_REGION (the CRD's description at CHARTS.certManager), which the EKS
      // pod identity webhook sets with both mechanisms (aws/amazon-eks-pod-identity-webhook
      // pkg/handler/handler.go addEnvToContainer: AWS_REGION and AWS_DEFAULT_REGION for web-identity
      // and container credentials alike); older CRD schemas (and the models the tests validate with)
      // still require it.
      return perZone((z) => ({ route53: { region: c.region, hostedZoneID: zoneId(z) } }));
    case "google":
      // No serviceAccountSecretRef: ambient Workload Identity credentials.
      return perZone((z) => ({ cloudDNS: { project: c.project, hostedZoneName: zoneId(z) } }));
    case "azure":
      // managedIdentity.clientID: the workload identity of cert-manager's ServiceAccount (azuredns.go
      // uses it with AZURE_FEDERATED_TOKEN_FILE); hostedZoneName spares the zone lookup.
      return perZone((z) => ({
        azureDNS: {
          subscriptionID: c.subscriptionId,
          resourceGroupName: zoneId(z),
          hostedZoneName: z.name,
          environment: "AzurePublicCloud",
          managedIdentity: { clientID: c.clientId },
        },
      }));
    case "digitalocean":
      return [
        {
          selector: { dnsZones: zones.map((z) => z.name) },
          dns01: { digitalocean: { tokenSecretRef: tokenRef(c.tokenSecret) } },
        },
      ];
    case "cloudflare":
      return [
        {
          selector: { dnsZones: zones.map((z) => z.name) },
          dns01: { cloudflare: { apiTokenSecretRef: tokenRef(c.tokenSecret) } },
        },
      ];
  }
}
