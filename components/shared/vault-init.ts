/**
 * The rules of Vault's initialisation that stack config checks and the setup component asserts:
 * the key holders' public OpenPGP keys and the share threshold. Pure (no Pulumi import).
 */
import { Problem } from "./problems";

/**
 * OpenPGP packet tags (RFC 4880 §4.3, RFC 9580 §5): a Public-Key packet (6) starts an exported
 * public key (`gpg --export`: a Transferable Public Key, RFC 9580 §10.1); a Secret-Key packet (5)
 * starts `gpg --export-secret-keys`.
 */
export const PGP_PUBLIC_KEY_TAG = 6;
export const PGP_SECRET_KEY_TAG = 5;

/**
 * The packet tag of the first packet in `bytes`, or undefined when the first octet is no packet
 * header. RFC 4880 §4.2 / RFC 9580 §4.2: bit 7 of the first octet is always one; bit 6 set is the
 * new ("OpenPGP") format with the tag in bits 5-0, clear the old ("legacy") format with the tag in
 * bits 5-2 (bits 1-0: the length type). `gpg --export` writes the legacy format (0x98/0x99 for a
 * public key), other tools the new one (0xC6).
 */
export function pgpPacketTag(bytes: Uint8Array): number | undefined {
  const first = bytes[0];
  if (first === undefined || (first & 0x80) === 0) return undefined;
  return (first & 0x40) !== 0 ? first & 0x3f : (first >> 2) & 0x0f;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** A public-key packet is at least its header, version, creation time and algorithm (RFC 9580 §5.5.2). */
const MIN_KEY_BYTES = 8;

/** How the example stacks' placeholder keys start (`pgpKey: REPLACE-with-gpg-export-base64`). */
export const PGP_KEY_PLACEHOLDER_PREFIX = "REPLACE";

/**
 * Why `value` is not what Vault's `pgp_keys` / `recovery_pgp_keys` take ("base64-encoded from their
 * original binary representation", Vault API docs, /sys/init), or undefined when it is.
 */
export function pgpPublicKeyProblem(value: string): string | undefined {
  const how = "export it with `gpg --export <key id> | base64 -w0`";
  // The example stacks ship this placeholder (no usable key: a share encrypted to a key whose
  // private key nobody holds is lost).
  if (value.startsWith(PGP_KEY_PLACEHOLDER_PREFIX)) {
    return `is the example's placeholder: put the key holder's public key here; ${how}`;
  }
  if (value.length === 0 || !BASE64.test(value)) {
    return `must be the base64 (one line, no spaces) of a binary OpenPGP public key: ${how}`;
  }
  const bytes = Buffer.from(value, "base64");
  if (bytes.subarray(0, 10).toString("latin1").startsWith("-----BEGIN")) {
    return `is an ASCII-armored key; Vault takes the binary key: ${how} (without --armor)`;
  }
  const tag = pgpPacketTag(bytes);
  if (tag === PGP_SECRET_KEY_TAG) {
    return `is a SECRET key (OpenPGP packet tag 5): never put it in config; ${how}`;
  }
  if (tag !== PGP_PUBLIC_KEY_TAG || bytes.length < MIN_KEY_BYTES) {
    return `does not start with an OpenPGP public-key packet (tag 6; got ${tag === undefined ? "no packet header" : `tag ${tag}`}): ${how}`;
  }
  return undefined;
}

/** Vault's limit on key shares (vault/seal_config.go SealConfig.Validate: "shares must be less than 256"). */
export const MAX_KEY_SHARES = 255;

/** The default threshold: a majority of the holders. */
export function majorityThreshold(shares: number): number {
  return Math.floor(shares / 2) + 1;
}

/**
 * Problems of `threshold` for `shares` key shares (paths: `threshold`), as Vault's init refuses
 * them (vault/seal_config.go SealConfig.Validate, used by sys/init for secret and recovery shares):
 * at least one, at most the number of shares, and more than one when there are several shares.
 */
export function vaultThresholdProblems(shares: number, threshold: number): Problem[] {
  const at = (message: string): Problem[] => [{ path: ["threshold"], message }];
  if (!Number.isInteger(threshold) || threshold < 1) return at("must be a whole number ≥ 1");
  if (threshold > shares) {
    return at(`must be ≤ the number of key holders (${shares}): a threshold above it can never be met`);
  }
  if (shares > 1 && threshold === 1) {
    return at(`must be ≥ 2 with ${shares} key holders (Vault refuses a threshold of 1 for several shares)`);
  }
  return [];
}
