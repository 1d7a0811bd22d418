/**
 * The shipped stack files hold nothing that cannot work: no ciphertext a stack's secrets provider
 * cannot decrypt (the Pulumi CLI fails on it before the program runs) and no PGP key whose private
 * key nobody holds (its key share would be lost; with Shamir on DOKS, a Vault nobody can unseal).
 * The dev stack keeps its ciphertext: `npm run local` creates its stack with the passphrase secrets
 * provider and the empty passphrase, and a new stack adopts the `encryptionsalt` of an existing stack
 * file (pulumi/pulumi pkg/secrets/passphrase/manager.go NewPromptingPassphraseSecretsManager: "If we
 * have a salt, we can just use it"; pkg/cmd/pulumi/stack/secrets.go createSecretsManagerForNewStack
 * reads the stack file first), so it decrypts there: proved here with Pulumi's own scheme.
 */
import * as assert from "node:assert/strict";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PGP_KEY_PLACEHOLDER_PREFIX, pgpPublicKeyProblem } from "../components/shared/vault-init";
import { EXAMPLE_STACKS, OFFLINE_SECRET, ROOT, fillInExample, readStackFile } from "../offline/stacks";
import { KEY_HOLDERS } from "./helpers/vault-fixtures";

type Obj = Record<string, unknown>;

/** Every `secure:` value and every pgpKey of a stack file, with where it is. */
function collect(v: unknown, at: string, out: { secure: string[]; pgpKeys: string[] }) {
  if (Array.isArray(v)) v.forEach((x, i) => collect(x, `${at}[${i}]`, out));
  else if (typeof v === "object" && v !== null)
    for (const [k, x] of Object.entries(v)) {
      if (k === "secure") out.secure.push(at);
      else if (k === "pgpKey" && typeof x === "string") out.pgpKeys.push(x);
      else collect(x, at ? `${at}.${k}` : k, out);
    }
  return out;
}

/**
 * Pulumi's passphrase crypter (sdk/go/common/resource/config/crypt.go): the key is PBKDF2-SHA256
 * of the passphrase and the salt, 1,000,000 rounds, 32 bytes; a value is "v1:<nonce>:<AES-256-GCM
 * ciphertext and tag>" (base64); the salt state is "v1:<salt>:<the encrypted word pulumi>".
 */
function passphraseDecrypter(passphrase: string, state: string): (value: string) => string {
  const [version, salt] = state.split(":");
  assert.equal(version, "v1");
  const key = crypto.pbkdf2Sync(passphrase, Buffer.from(salt, "base64"), 1_000_000, 32, "sha256");
  const decrypt = (value: string) => {
    const [v, nonce, sealed] = value.split(":");
    assert.equal(v, "v1");
    const bytes = Buffer.from(sealed, "base64");
    const d = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
    d.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([d.update(bytes.subarray(0, bytes.length - 16)), d.final()]).toString("utf8");
  };
  // The passphrase is right when the state's check value decrypts to "pulumi" (manager.go).
  assert.equal(decrypt(state.split(":").slice(2).join(":")), "pulumi");
  return decrypt;
}

describe("the shipped stack files", () => {
  const docs = Object.fromEntries(
    Object.entries(EXAMPLE_STACKS).map(([stack, file]) => [
      stack,
      parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as Obj,
    ]),
  );

  it("carry no ciphertext but the dev stack's, and no PGP key but the placeholder", () => {
    const found = Object.fromEntries(
      Object.entries(docs).map(([stack, doc]) => [
        stack,
        collect(doc.config, "", { secure: [], pgpKeys: [] }),
      ]),
    );
    assert.deepEqual(Object.fromEntries(Object.entries(found).map(([stack, f]) => [stack, f.secure])), {
      dev: ["kube-platform:secrets.helloVaultGreeting"],
      prod: [],
      "eks-dev": [],
      gke: [],
      aks: [],
      doks: [],
    });
    const placeholder = "REPLACE-with-gpg-export-base64";
    assert.deepEqual(Object.fromEntries(Object.entries(found).map(([stack, f]) => [stack, f.pgpKeys])), {
      dev: [],
      prod: [placeholder, placeholder, placeholder],
      "eks-dev": [],
      gke: [placeholder, placeholder, placeholder],
      aks: [placeholder, placeholder, placeholder],
      doks: [placeholder, placeholder, placeholder],
    });
    assert.ok(placeholder.startsWith(PGP_KEY_PLACEHOLDER_PREFIX));
  });

  it("dev: its ciphertext decrypts with the empty passphrase and the file's encryptionsalt (what npm run local uses)", function () {
    this.timeout(30_000);
    const doc = docs.dev as { encryptionsalt: string; config: Obj };
    const decrypt = passphraseDecrypter("", doc.encryptionsalt);
    const secrets = doc.config["kube-platform:secrets"] as { helloVaultGreeting: { secure: string } };
    assert.equal(
      decrypt(secrets.helloVaultGreeting.secure),
      "Hello from Vault: this greeting was written by the platform's configure Job.",
    );
    assert.throws(() => passphraseDecrypter("another", doc.encryptionsalt), /unable to authenticate data/);
  });

  it("offline evaluation fills in what the user sets first: the secrets the config names, the test key of each holder", () => {
    const prod = readStackFile(path.join(ROOT, EXAMPLE_STACKS.prod));
    assert.equal(prod.secrets, undefined);
    const filled = fillInExample(prod);
    assert.deepEqual(filled.secrets, { secret: { helloVaultGreeting: OFFLINE_SECRET } });
    const init = ((filled.addons as Obj).vault as Obj).init as { keyHolders: Obj[] };
    assert.deepEqual(init.keyHolders, KEY_HOLDERS);
    for (const h of KEY_HOLDERS) assert.equal(pgpPublicKeyProblem(h.pgpKey), undefined, h.name);
    const doks = fillInExample(readStackFile(path.join(ROOT, EXAMPLE_STACKS.doks)));
    assert.deepEqual(doks.secrets, { secret: { dnsToken: OFFLINE_SECRET } });
    // An encrypted value (dev) stays as the file has it; a config with nothing to fill stays the same.
    const dev = readStackFile(path.join(ROOT, EXAMPLE_STACKS.dev));
    assert.deepEqual(fillInExample(dev), dev);
  });
});
