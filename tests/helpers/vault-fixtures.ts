/**
 * Vault fixtures for tests: the test key holders (tests/fixtures/pgp: public keys generated for the
 * tests, their private keys discarded), which every ha-mode config needs.
 */
import * as fs from "fs";
import * as path from "path";
import { TEST_PGP_KEYS_DIR } from "../../offline/stacks";

export interface RawKeyHolder {
  name: string;
  pgpKey: string;
}

const holder = (name: string): RawKeyHolder => ({
  name,
  pgpKey: fs.readFileSync(path.join(TEST_PGP_KEYS_DIR, `${name}.gpg.b64`), "utf8").trim(),
});

/** alice, bob, carol: three binary OpenPGP public keys (base64), RSA 3072 with an encryption subkey. */
export const KEY_HOLDERS: readonly RawKeyHolder[] = ["alice", "bob", "carol"].map(holder);

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

/** The break-glass steps (bootstrap.js breakGlassSteps) up to the re-run command, and after it. */
export const BREAK_GLASS =
  "Break glass, once Vault is unsealed: (1) a quorum of key holders generate a root token: " +
  "kubectl -n vault exec -ti vault-0 -- vault operator generate-root -init (note the OTP), then each holder: " +
  "kubectl -n vault exec -ti vault-0 -- vault operator generate-root (enters their decrypted share), then " +
  "kubectl -n vault exec -ti vault-0 -- vault operator generate-root -decode=<encoded token> -otp=<OTP> > root-token; " +
  "(2) kubectl -n vault create secret generic vault-bootstrap-token --from-file=token=root-token && rm root-token; ";
export const BREAK_GLASS_END =
  ": the bootstrap sets Vault up with that token, revokes it and deletes the Secret (docs/addons/vault.md, Break glass)";
