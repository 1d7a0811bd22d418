/**
 * Vault fixtures for tests: the example key holders of the prod stack (public keys generated for
 * Pulumi.prod.yaml, their private keys discarded), which every ha-mode config needs.
 */
import { loadStackConfig } from "../../offline/stacks";

export interface RawKeyHolder {
  name: string;
  pgpKey: string;
}

function exampleKeyHolders(): RawKeyHolder[] {
  const addons = loadStackConfig("prod").addons as { vault?: { init?: { keyHolders?: RawKeyHolder[] } } };
  const holders = addons.vault?.init?.keyHolders;
  if (!holders || holders.length === 0) throw new Error("Pulumi.prod.yaml: no addons.vault.init.keyHolders");
  return holders;
}

/** alice, bob, carol: three binary OpenPGP public keys (base64), RSA 3072 with an encryption subkey. */
export const KEY_HOLDERS: readonly RawKeyHolder[] = exampleKeyHolders();

/** The `addons.vault.init` an ha-mode config needs (three holders, the default threshold 2). */
export const VAULT_INIT = { keyHolders: [...KEY_HOLDERS] };

/**
 * An example stack's config as `parseConfig` takes it: encrypted values (offline/stacks.ts wraps
 * them as `{ secret }`) unwrapped, their keys listed as Pulumi lists secret keys.
 */
export function exampleForParse(config: Record<string, unknown>): {
  raw: Record<string, unknown>;
  secretKeys: Set<string>;
} {
  const isSecret = (v: unknown): v is { secret: unknown } =>
    typeof v === "object" && v !== null && "secret" in v;
  const entries = Object.entries(config);
  return {
    raw: Object.fromEntries(entries.map(([k, v]) => [k, isSecret(v) ? v.secret : v])),
    secretKeys: new Set(entries.filter(([, v]) => isSecret(v)).map(([k]) => k)),
  };
}
