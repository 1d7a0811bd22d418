/**
 * The TLS identity of the Vault servers (ha mode): Vault's own CA in the vault namespace, and the
 * server certificate it alone issues.
 *
 * A ClusterIssuer serves every namespace: anyone allowed to create a Certificate anywhere could have
 * the internal CA mint `vault.vault.svc`. So the server certificate comes from a namespaced CA Issuer
 * in the vault namespace (cert-manager docs, "Issuer": an Issuer issues Certificates of its own
 * namespace only), backed by Vault's own CA, and every Vault client trusts that CA alone (index.ts:
 * the injector hands it to every agent; the servers read it for raft joins and their CLI).
 *
 * Vault's CA is itself signed by the internal CA. Clients do not rely on that (an agent trusts Vault's
 * CA as its anchor: Go's crypto/x509 accepts any certificate in the root pool as one), but it keeps a
 * running platform's existing clients working through the switch: they still trust the internal CA,
 * and the new server chain (server certificate + Vault's CA, which cert-manager's CA issuer writes
 * into tls.crt) leads to it. The key of Vault's CA stays in the vault namespace.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF_PLATFORM, caCertificateSpec } from "../../kube/conventions";
import { VAULT_CA, VAULT_NAMESPACE, VAULT_RELEASE, VAULT_TLS_SECRET } from "./names";

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

/** cert-manager's issuerRef of Vault's namespaced CA Issuer. */
export const VAULT_CA_ISSUER_REF = { name: VAULT_CA, kind: "Issuer", group: "cert-manager.io" } as const;

/** Pulumi waits for the object's Ready condition (pulumi-kubernetes ≥ 4.18) before dependents start. */
const WAIT_FOR_READY = { "pulumi.com/waitFor": "condition=Ready" };

/** The cert-manager Certificate of the Vault servers, issued by Vault's own CA Issuer. */
export function vaultCertificateSpec(): Record<string, unknown> {
  return {
    secretName: VAULT_TLS_SECRET,
    commonName: `${VAULT_RELEASE}.${VAULT_NAMESPACE}.svc`,
    dnsNames: vaultTlsDnsNames(),
    // VAULT_ADDR inside the pods is https://127.0.0.1:8200 (the CLI, `vault operator init`).
    ipAddresses: ["127.0.0.1"],
    // Renewed 30 days before expiry; the tls-reload sidecar hands the new key pair to Vault (reload.ts).
    duration: "8760h", // 1 year
    renewBefore: "720h", // 30 days
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    usages: ["digital signature", "server auth", "client auth"],
    issuerRef: { ...VAULT_CA_ISSUER_REF },
  };
}

/**
 * Vault's CA: a CA certificate in the vault namespace, signed by the internal CA ClusterIssuer
 * `issuerName`. Renewal keeps the key (rotationPolicy Never), so certificates it issued and clients
 * holding its previous certificate keep verifying until that one expires.
 */
export function vaultCaCertificateSpec(issuerName: string): Record<string, unknown> {
  return caCertificateSpec({
    commonName: "kube-platform Vault CA",
    secretName: VAULT_CA,
    duration: "43800h", // 5 years
    renewBefore: "8760h", // 1 year
    clusterIssuer: issuerName,
  });
}

/** The internal CA ClusterIssuer, which signs Vault's CA (ha mode); `issuer` is its object, to wait for. */
export interface VaultTlsIssuer {
  issuerName: string;
  issuer: pulumi.Resource;
}

/** Vault's CA (Certificate and namespaced Issuer) and the server Certificate it issues. */
export interface VaultTls {
  caCertificate: k8s.apiextensions.CustomResource;
  caIssuer: k8s.apiextensions.CustomResource;
  certificate: k8s.apiextensions.CustomResource;
}

/**
 * Vault's CA in `namespace` (its Certificate, then its Issuer) and the server Certificate. Each waits
 * for the one before it to be Ready; the release starts once the server's Secret exists
 * (pulumi-kubernetes waitFor).
 */
export function vaultTls(
  name: string,
  namespace: k8s.core.v1.Namespace,
  internalCa: VaultTlsIssuer,
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
): VaultTls {
  const meta = (objName: string) => ({
    name: objName,
    namespace: namespace.metadata.name,
    labels: { ...PART_OF_PLATFORM },
    annotations: WAIT_FOR_READY,
  });
  const certificate = (
    resourceName: string,
    objName: string,
    spec: Record<string, unknown>,
    after: pulumi.Resource,
  ) =>
    new k8s.apiextensions.CustomResource(
      resourceName,
      { apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: meta(objName), spec },
      { ...opts, dependsOn: [after] },
    );
  const caCertificate = certificate(
    `${name}-ca`,
    VAULT_CA,
    vaultCaCertificateSpec(internalCa.issuerName),
    internalCa.issuer,
  );
  const caIssuer = new k8s.apiextensions.CustomResource(
    `${name}-ca-issuer`,
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Issuer",
      metadata: meta(VAULT_CA),
      // An Issuer of type ca reads its Secret from its own namespace (cert-manager docs, "CA").
      spec: { ca: { secretName: VAULT_CA } },
    },
    { ...opts, dependsOn: [caCertificate] },
  );
  // The server Certificate keeps its resource name (`<name>-tls`): on a running platform only its
  // issuerRef changes, and cert-manager re-issues it (the Secret's issuer annotations no longer match).
  return {
    caCertificate,
    caIssuer,
    certificate: certificate(`${name}-tls`, VAULT_TLS_SECRET, vaultCertificateSpec(), caIssuer),
  };
}
