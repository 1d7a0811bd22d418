/** The TLS certificate of the Vault servers (ha mode), issued by cert-manager's internal CA. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF_PLATFORM } from "../../kube/conventions";
import { VAULT_NAMESPACE, VAULT_RELEASE, VAULT_TLS_SECRET } from "./names";

/**
 * DNS names of the server certificate: the chart's Services (vault, vault-active, vault-standby,
 * vault-internal) and every pod behind the headless Service (vault-N.vault-internal), in short,
 * namespaced, .svc and cluster.local forms.
 */
export function vaultTlsDnsNames(): string[] {
  const forms = (host: string) => [
    host,
    `${host}.${VAULT_NAMESPACE}`,
    `${host}.${VAULT_NAMESPACE}.svc`,
    `${host}.${VAULT_NAMESPACE}.svc.cluster.local`,
  ];
  const services = ["", "-active", "-standby", "-internal"].map((s) => `${VAULT_RELEASE}${s}`);
  return [...services.flatMap(forms), ...forms(`*.${VAULT_RELEASE}-internal`)];
}

/** The cert-manager Certificate of the Vault servers, issued by the internal CA ClusterIssuer. */
export function vaultCertificateSpec(issuerName: string): Record<string, unknown> {
  return {
    secretName: VAULT_TLS_SECRET,
    commonName: `${VAULT_RELEASE}.${VAULT_NAMESPACE}.svc`,
    dnsNames: vaultTlsDnsNames(),
    // VAULT_ADDR inside the pods is https://127.0.0.1:8200 (the CLI, `vault operator init`).
    ipAddresses: ["127.0.0.1"],
    // Vault reads the key pair at start and on SIGHUP only: a long lifetime keeps renewals rare (README).
    duration: "8760h", // 1 year
    renewBefore: "720h", // 30 days
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    usages: ["digital signature", "server auth", "client auth"],
    issuerRef: { name: issuerName, kind: "ClusterIssuer", group: "cert-manager.io" },
  };
}

/** The internal CA ClusterIssuer the server certificate comes from. */
export interface VaultTlsIssuer {
  issuerName: string;
  issuer: pulumi.Resource;
}

/**
 * The server Certificate in `namespace`. Vault TLS waits only for it; it waits for its issuer, and
 * the release starts once its Secret exists (pulumi-kubernetes waitFor).
 */
export function vaultCertificate(
  name: string,
  namespace: k8s.core.v1.Namespace,
  tls: VaultTlsIssuer,
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    `${name}-tls`,
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: {
        name: VAULT_TLS_SECRET,
        namespace: namespace.metadata.name,
        labels: { ...PART_OF_PLATFORM },
        annotations: { "pulumi.com/waitFor": "condition=Ready" },
      },
      spec: vaultCertificateSpec(tls.issuerName),
    },
    { ...opts, dependsOn: [tls.issuer] },
  );
}
