/**
 * components/shared/vault-init.ts called directly: the OpenPGP packet header (both formats), the
 * public-key checks with their boundaries, and Vault's init bounds on the threshold
 * (vault/seal_config.go SealConfig.Validate), each refused and accepted next to its boundary.
 */
import * as assert from "node:assert/strict";
import { pgpPacketTag, pgpPublicKeyProblem, vaultThresholdProblems } from "../components/shared/vault-init";

const HOW = "export it with `gpg --export <key id> | base64 -w0`";
/** The base64 of `length` bytes starting with the header octet `first`. */
const key = (first: number, length: number) =>
  Buffer.concat([Buffer.from([first]), Buffer.alloc(length - 1, 4)]).toString("base64");

describe("vault-init: the OpenPGP packet tag of the first octet", () => {
  it("bit 7 clear, or no octet at all: no packet header", () => {
    assert.equal(pgpPacketTag(new Uint8Array([])), undefined);
    assert.equal(pgpPacketTag(new Uint8Array([0x7f])), undefined);
    assert.equal(pgpPacketTag(new Uint8Array([0x00])), undefined);
  });

  it("legacy format (bit 6 clear): the tag in bits 5-2, the length type in bits 1-0", () => {
    assert.equal(pgpPacketTag(new Uint8Array([0x80])), 0);
    assert.equal(pgpPacketTag(new Uint8Array([0x98])), 6);
    assert.equal(pgpPacketTag(new Uint8Array([0x9b])), 6);
    assert.equal(pgpPacketTag(new Uint8Array([0x95])), 5);
    assert.equal(pgpPacketTag(new Uint8Array([0xbf])), 15);
  });

  it("OpenPGP format (bit 6 set): the tag in bits 5-0", () => {
    assert.equal(pgpPacketTag(new Uint8Array([0xc0])), 0);
    assert.equal(pgpPacketTag(new Uint8Array([0xc6])), 6);
    assert.equal(pgpPacketTag(new Uint8Array([0xd6])), 22);
    assert.equal(pgpPacketTag(new Uint8Array([0xff])), 63);
  });
});

describe("vault-init: a key holder's public key", () => {
  it("takes a public-key packet of 8 bytes (header, version, creation time, algorithm), refuses 7", () => {
    assert.equal(pgpPublicKeyProblem(key(0x99, 8)), undefined);
    assert.equal(pgpPublicKeyProblem(key(0xc6, 8)), undefined);
    assert.equal(
      pgpPublicKeyProblem(key(0x99, 7)),
      `does not start with an OpenPGP public-key packet (tag 6; got tag 6): ${HOW}`,
    );
    assert.equal(
      pgpPublicKeyProblem(key(0xc6, 7)),
      `does not start with an OpenPGP public-key packet (tag 6; got tag 6): ${HOW}`,
    );
  });

  it("a secret key is refused as one whatever its length", () => {
    assert.equal(
      pgpPublicKeyProblem(key(0x95, 3)),
      `is a SECRET key (OpenPGP packet tag 5): never put it in config; ${HOW}`,
    );
  });

  it("another packet is refused naming its tag, the new format's too", () => {
    assert.equal(
      pgpPublicKeyProblem(key(0xce, 40)),
      `does not start with an OpenPGP public-key packet (tag 6; got tag 14): ${HOW}`,
    );
    assert.equal(
      pgpPublicKeyProblem(key(0x7f, 40)),
      `does not start with an OpenPGP public-key packet (tag 6; got no packet header): ${HOW}`,
    );
  });

  it("the placeholder is refused only at the start; base64 padding is accepted", () => {
    assert.equal(
      pgpPublicKeyProblem("REPLACE"),
      `is the example's placeholder: put the key holder's public key here; ${HOW}`,
    );
    // "REPLACE" elsewhere in a key is just base64.
    const tail = `${key(0x99, 39)}REPLACE=`;
    assert.equal(pgpPublicKeyProblem(tail), undefined);
    assert.equal(pgpPublicKeyProblem(key(0x99, 40)), undefined);
    assert.equal(key(0x99, 40).endsWith("="), true);
  });

  it("an armored key is recognised by its first bytes only", () => {
    const armor = Buffer.from("-----BEGIN PGP PUBLIC KEY BLOCK-----").toString("base64");
    assert.equal(
      pgpPublicKeyProblem(armor),
      `is an ASCII-armored key; Vault takes the binary key: ${HOW} (without --armor)`,
    );
    const later = Buffer.concat([Buffer.from([0x99, 0, 0, 0, 0, 0, 0, 0]), Buffer.from("-----BEGIN")]);
    assert.equal(pgpPublicKeyProblem(later.toString("base64")), undefined);
  });
});

describe("vault-init: the threshold against the number of key shares", () => {
  const at = (message: string) => [{ path: ["threshold"], message }];
  const WHOLE = "must be a whole number ≥ 1";

  it("refuses a threshold under 1 or not whole, whatever the shares", () => {
    assert.deepEqual(vaultThresholdProblems(3, 0), at(WHOLE));
    assert.deepEqual(vaultThresholdProblems(3, -1), at(WHOLE));
    assert.deepEqual(vaultThresholdProblems(3, 2.5), at(WHOLE));
    assert.deepEqual(vaultThresholdProblems(1, 0.5), at(WHOLE));
    assert.deepEqual(vaultThresholdProblems(3, Number.NaN), at(WHOLE));
  });

  it("refuses more than the shares, accepts exactly the shares", () => {
    assert.deepEqual(
      vaultThresholdProblems(3, 4),
      at("must be ≤ the number of key holders (3): a threshold above it can never be met"),
    );
    assert.deepEqual(
      vaultThresholdProblems(1, 2),
      at("must be ≤ the number of key holders (1): a threshold above it can never be met"),
    );
    assert.deepEqual(
      vaultThresholdProblems(0, 1),
      at("must be ≤ the number of key holders (0): a threshold above it can never be met"),
    );
    assert.deepEqual(vaultThresholdProblems(3, 3), []);
    assert.deepEqual(vaultThresholdProblems(255, 255), []);
  });

  it("refuses 1 with two or more shares, accepts 1 with one share and 2 with two", () => {
    assert.deepEqual(
      vaultThresholdProblems(2, 1),
      at("must be ≥ 2 with 2 key holders (Vault refuses a threshold of 1 for several shares)"),
    );
    assert.deepEqual(
      vaultThresholdProblems(5, 1),
      at("must be ≥ 2 with 5 key holders (Vault refuses a threshold of 1 for several shares)"),
    );
    assert.deepEqual(vaultThresholdProblems(1, 1), []);
    assert.deepEqual(vaultThresholdProblems(2, 2), []);
    assert.deepEqual(vaultThresholdProblems(5, 2), []);
  });
});
