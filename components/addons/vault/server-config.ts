/** The Vault server configuration (HCL): listener, storage, service registration, seal, telemetry. */
import { SealStanza } from "../../cluster/types";
import { VaultSettings } from "../types";
import { VAULT_CA_FILE, VAULT_RELEASE, VAULT_TLS_DIR } from "./names";

const HCL_KEY = /^[a-z][a-z0-9_]*$/;

/** A quoted HCL string; rejects what the chart's template/sed passes or HCL could misread. */
function hclString(value: string, what: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value) || value.includes("{{")) {
    throw new Error(`Vault config: ${what} contains a control character or "{{": ${JSON.stringify(value)}`);
  }
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The HCL `seal "<type>" { ... }` block of an auto-unseal stanza. */
export function sealHcl(stanza: SealStanza): string {
  const entries = Object.entries(stanza.attributes);
  if (!HCL_KEY.test(stanza.type) || entries.length === 0) {
    throw new Error(`Vault seal stanza: invalid type or no attributes: ${JSON.stringify(stanza)}`);
  }
  const width = Math.max(...entries.map(([k]) => k.length));
  const lines = entries.map(([key, value]) => {
    if (!HCL_KEY.test(key))
      throw new Error(`Vault seal stanza: invalid attribute name ${JSON.stringify(key)}`);
    return `  ${key.padEnd(width)} = ${hclString(value, `seal attribute ${key}`)}`;
  });
  return [`seal "${stanza.type}" {`, ...lines, "}"].join("\n");
}

export interface VaultServerConfigOptions {
  mode: VaultSettings["mode"];
  /** Raft voters (ha mode): one retry_join block per pod. */
  replicas: number;
  /** Auto-unseal stanza; Shamir when absent. */
  seal?: SealStanza;
}

/** The Vault server configuration (HCL) the chart renders into its ConfigMap. */
export function vaultServerConfig(o: VaultServerConfigOptions): string {
  const ha = o.mode === "ha";
  const listener = ha
    ? [
        'listener "tcp" {',
        '  address         = "[::]:8200"',
        '  cluster_address = "[::]:8201"',
        `  tls_cert_file   = "${VAULT_TLS_DIR}/tls.crt"`,
        `  tls_key_file    = "${VAULT_TLS_DIR}/tls.key"`,
        '  tls_min_version = "tls12"',
        "}",
      ]
    : [
        'listener "tcp" {',
        '  address         = "[::]:8200"',
        '  cluster_address = "[::]:8201"',
        "  tls_disable     = true",
        "}",
      ];
  const retryJoin = Array.from({ length: o.replicas }, (_, i) => [
    "  retry_join {",
    `    leader_api_addr     = "https://${VAULT_RELEASE}-${i}.${VAULT_RELEASE}-internal:8200"`,
    // Vault's own CA, not the Secret's ca.crt (the root of the chain: the cluster-wide internal CA, tls.ts).
    `    leader_ca_cert_file = "${VAULT_CA_FILE}"`,
    "  }",
  ]);
  const storage = ha
    ? ['storage "raft" {', '  path = "/vault/data"', ...retryJoin.flatMap((b) => ["", ...b]), "}"]
    : ['storage "file" {', '  path = "/vault/data"', "}"];
  const blocks = [
    [
      "ui = true",
      "# Raft/BoltDB and dropped capabilities: no mlock (node swap is off on Kubernetes).",
      "disable_mlock = true",
    ],
    listener,
    storage,
    ...(ha ? [['service_registration "kubernetes" {}']] : []),
    ...(o.seal ? [sealHcl(o.seal).split("\n")] : []),
    // /v1/sys/metrics in Prometheus format (it still needs a Vault token: see docs/addons/vault.md).
    ["telemetry {", '  prometheus_retention_time = "30s"', "  disable_hostname          = true", "}"],
  ];
  return blocks.map((b) => b.join("\n")).join("\n\n") + "\n";
}
