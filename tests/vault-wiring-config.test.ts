/**
 * Vault configured as code, the config side: `addons.vault.init` (the key holders' public PGP keys,
 * the threshold Vault's init accepts) and the apps' `vault.secrets[].initial` values from `secrets`.
 * Every problem is one line naming the key; both directions of every rule, with its boundaries.
 */
import * as assert from "node:assert/strict";
import {
  PGP_PUBLIC_KEY_TAG,
  majorityThreshold,
  pgpPacketTag,
  pgpPublicKeyProblem,
} from "../components/shared/vault-init";
import { parseConfig } from "../stacks/config";
import { problemsOf } from "./helpers/config-problems";
import { RAW_CLUSTERS } from "./helpers/settings";
import { KEY_HOLDERS } from "./helpers/vault-fixtures";

type Obj = Record<string, unknown>;

const ctx = { project: "kube-platform", stack: "test", secretKeys: new Set(["secrets"]) };
const DOKS = { target: "doks", ...RAW_CLUSTERS.doks };
const EMAIL = { email: "platform@kube-platform.dev" };
const [ALICE, BOB, CAROL] = KEY_HOLDERS;

/** A prod (ha, Shamir on DOKS) config with `init` as addons.vault.init. */
const prod = (init: Obj, extra: Obj = {}): Obj => ({
  profile: "prod",
  cluster: DOKS,
  addons: { certManager: EMAIL, vault: { init } },
  ...extra,
});
const vaultInit = (raw: Obj) => parseConfig(raw, ctx).addons.vault.init;

/** A binary OpenPGP packet stream starting with `first` (the packet header's first octet). */
const packet = (first: number, length = 40) =>
  Buffer.concat([Buffer.from([first, length - 2]), Buffer.alloc(length - 2, 4)]).toString("base64");

describe("addons.vault.init: the key holders", () => {
  it("ha mode needs them: one problem naming the key; dev mode (the dev server) needs none", () => {
    assert.deepEqual(problemsOf(prod({}), ctx), [
      "addons.vault.init.keyHolders: is required in ha mode: list the key holders ({name, pgpKey}) whose public PGP keys the bootstrap Job encrypts one key share each to (docs/addons/vault.md)",
    ]);
    assert.deepEqual(problemsOf({ profile: "dev", cluster: DOKS }, ctx), []);
    assert.deepEqual(
      problemsOf(prod({}, { addons: { certManager: EMAIL, vault: { enabled: false } } }), ctx),
      [],
    );
    assert.deepEqual(vaultInit(prod({ keyHolders: [ALICE, BOB, CAROL] })), {
      keyHolders: [ALICE, BOB, CAROL],
      threshold: 2,
      unsealWaitSeconds: 1800,
    });
  });

  it("takes the base64 of a binary public key (gpg --export): the examples' keys start with a public-key packet", () => {
    for (const h of KEY_HOLDERS) {
      assert.equal(pgpPublicKeyProblem(h.pgpKey), undefined, h.name);
      // gpg writes the legacy format: 0x99 = 1, 0 (legacy), tag 6 (bits 5-2), two-octet length.
      assert.equal(Buffer.from(h.pgpKey, "base64")[0], 0x99);
      assert.equal(pgpPacketTag(Buffer.from(h.pgpKey, "base64")), PGP_PUBLIC_KEY_TAG);
    }
    // RFC 9580 §4.2: the OpenPGP (new) format carries the tag in bits 5-0 (0xC6: tag 6).
    assert.equal(pgpPublicKeyProblem(packet(0xc6)), undefined);
    assert.equal(pgpPublicKeyProblem(packet(0x98)), undefined);
  });

  it("refuses what is not one, each with one message saying how to export the key", () => {
    const how = "export it with `gpg --export <key id> | base64 -w0`";
    const armored = Buffer.from("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQGN\n").toString("base64");
    const cases: [string, string][] = [
      // What the example stacks ship: no usable key (nobody could decrypt its share).
      [
        "REPLACE-with-gpg-export-base64",
        `is the example's placeholder: put the key holder's public key here; ${how}`,
      ],
      ["", `must be the base64 (one line, no spaces) of a binary OpenPGP public key: ${how}`],
      ["mQGN BGsO", `must be the base64 (one line, no spaces) of a binary OpenPGP public key: ${how}`],
      ["mQG", `must be the base64 (one line, no spaces) of a binary OpenPGP public key: ${how}`],
      [armored, `is an ASCII-armored key; Vault takes the binary key: ${how} (without --armor)`],
      // 0x95: legacy format, tag 5 (a Secret-Key packet).
      [packet(0x95), `is a SECRET key (OpenPGP packet tag 5): never put it in config; ${how}`],
      [packet(0xc5), `is a SECRET key (OpenPGP packet tag 5): never put it in config; ${how}`],
      // 0x89: legacy format, tag 2 (a signature); 0x19: bit 7 clear, no packet header.
      [packet(0x89), `does not start with an OpenPGP public-key packet (tag 6; got tag 2): ${how}`],
      [
        packet(0x19),
        `does not start with an OpenPGP public-key packet (tag 6; got no packet header): ${how}`,
      ],
      // A header without a key behind it (under 8 bytes).
      [packet(0x99, 6), `does not start with an OpenPGP public-key packet (tag 6; got tag 6): ${how}`],
    ];
    for (const [key, message] of cases) {
      assert.equal(pgpPublicKeyProblem(key), message, JSON.stringify(key));
      const problems = problemsOf(prod({ keyHolders: [{ name: "alice", pgpKey: key }] }), ctx);
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(problems[0], /^addons\.vault\.init\.keyHolders\[0\]\.pgpKey: /);
      assert.ok(problems[0].endsWith(message), problems[0]);
    }
  });

  it("names are lowercase and unique", () => {
    assert.deepEqual(problemsOf(prod({ keyHolders: [ALICE, { ...BOB, name: "alice" }] }), ctx), [
      `addons.vault.init.keyHolders[1].name: got "alice"; duplicates another key holder's name (each holder gets one share)`,
    ]);
    const bad = problemsOf(prod({ keyHolders: [{ ...ALICE, name: "Alice" }] }), ctx);
    assert.equal(bad.length, 1);
    assert.match(
      bad[0],
      /^addons\.vault\.init\.keyHolders\[0\]\.name: got "Alice"; must be a lowercase name like "alice"/,
    );
    assert.deepEqual(problemsOf(prod({ keyHolders: [{ ...ALICE, name: "a.b_c-1" }] }), ctx), []);
  });
});

describe("addons.vault.init.threshold: Vault's init bounds (vault/seal_config.go SealConfig.Validate)", () => {
  it("defaults to a majority of the holders", () => {
    assert.deepEqual([1, 2, 3, 4, 5].map(majorityThreshold), [1, 2, 2, 3, 3]);
    assert.equal(vaultInit(prod({ keyHolders: [ALICE] })).threshold, 1);
    assert.equal(vaultInit(prod({ keyHolders: [ALICE, BOB] })).threshold, 2);
  });

  it("accepts 2 to the number of holders, or 1 with one holder", () => {
    const three = [ALICE, BOB, CAROL];
    assert.equal(vaultInit(prod({ keyHolders: three, threshold: 2 })).threshold, 2);
    assert.equal(vaultInit(prod({ keyHolders: three, threshold: 3 })).threshold, 3);
    assert.equal(vaultInit(prod({ keyHolders: [ALICE], threshold: 1 })).threshold, 1);
  });

  it("refuses more than the holders, 1 with several holders, less than 1, and a threshold without holders", () => {
    const three = [ALICE, BOB, CAROL];
    assert.deepEqual(problemsOf(prod({ keyHolders: three, threshold: 4 }), ctx), [
      "addons.vault.init.threshold: got 4; must be ≤ the number of key holders (3): a threshold above it can never be met",
    ]);
    assert.deepEqual(problemsOf(prod({ keyHolders: three, threshold: 1 }), ctx), [
      "addons.vault.init.threshold: got 1; must be ≥ 2 with 3 key holders (Vault refuses a threshold of 1 for several shares)",
    ]);
    assert.deepEqual(problemsOf(prod({ keyHolders: [ALICE], threshold: 0 }), ctx), [
      "addons.vault.init.threshold: got 0; must be a whole number ≥ 1",
    ]);
    assert.deepEqual(
      problemsOf({ profile: "dev", cluster: DOKS, addons: { vault: { init: { threshold: 2 } } } }, ctx),
      ["addons.vault.init.threshold: got 2; needs addons.vault.init.keyHolders (one share per holder)"],
    );
  });

  it("bounds the unseal wait (60 s to a day) and takes an optional group for the shares Secret", () => {
    const holders = [ALICE];
    assert.deepEqual(problemsOf(prod({ keyHolders: holders, unsealWaitSeconds: 60 }), ctx), []);
    assert.equal(problemsOf(prod({ keyHolders: holders, unsealWaitSeconds: 59 }), ctx).length, 1);
    assert.equal(problemsOf(prod({ keyHolders: holders, unsealWaitSeconds: 86401 }), ctx).length, 1);
    const init = vaultInit(prod({ keyHolders: holders, sharesReaderGroup: "vault-key-holders" }));
    assert.equal(init.sharesReaderGroup, "vault-key-holders");
    assert.match(
      problemsOf(prod({ keyHolders: holders, shares: 3 }), ctx)[0],
      /^addons\.vault\.init\.shares: unknown key; allowed keys here: keyHolders, sharesReaderGroup, threshold, unsealWaitSeconds$/,
    );
  });
});

/** A dev config with one app reading secret/data/shop/config, its `initial` and `secrets`. */
const APP = {
  name: "shop",
  image: "ghcr.io/acme/shop:1.0.0",
  port: 8080,
  vault: {
    role: "shop",
    secrets: [{ name: "config", path: "secret/data/shop/config", initial: { password: "shopPassword" } }],
  },
};
const withApps = (apps: Obj[], secrets: Obj | null = { shopPassword: "s3cr3t-shop" }): Obj => ({
  profile: "dev",
  cluster: DOKS,
  apps,
  ...(secrets ? { secrets } : {}),
});

describe("apps[].vault.secrets[].initial: first values from `secrets`", () => {
  it("names a key of `secrets`; its value becomes a Pulumi secret of the app's settings", async () => {
    const cfg = parseConfig(withApps([APP]), ctx);
    const [secret] = cfg.apps[0].vault?.secrets ?? [];
    const value = secret.initial?.password;
    assert.ok(value);
    const { isSecret } = await import("@pulumi/pulumi");
    assert.equal(await isSecret(value), true);
  });

  it("a missing secret is one problem naming it and the command that sets it", () => {
    assert.deepEqual(problemsOf(withApps([APP], { other: "x" }), ctx), [
      'apps[0].vault.secrets[0].initial.password: got "shopPassword"; names the secret "shopPassword", which is not set; set it with `pulumi config set --secret --path secrets.shopPassword <value>`',
    ]);
    assert.equal(problemsOf(withApps([APP], null), ctx).length, 1, "no secrets at all");
  });

  it("is written to the platform's KV v2 mount only: the path must be under secret/data/", () => {
    const db = {
      ...APP,
      vault: { role: "shop", secrets: [{ ...APP.vault.secrets[0], path: "database/creds/shop" }] },
    };
    assert.deepEqual(problemsOf(withApps([db]), ctx), [
      'apps[0].vault.secrets[0].initial: got {"password":"shopPassword"}; is written to the platform\'s KV v2 mount secret/: the path must start with "secret/data/" (got "database/creds/shop")',
    ]);
    // Without initial values any path is fine (a dynamic secrets engine the app reads).
    const { initial: _i, ...plain } = db.vault.secrets[0];
    assert.deepEqual(problemsOf(withApps([{ ...db, vault: { role: "shop", secrets: [plain] } }]), ctx), []);
  });

  it("refuses a field name a template cannot read, an empty object and a value instead of a secret's name", () => {
    const initial = (i: Obj) => ({
      ...APP,
      vault: { role: "shop", secrets: [{ ...APP.vault.secrets[0], initial: i }] },
    });
    assert.match(
      problemsOf(withApps([initial({ "bad field": "shopPassword" })]), ctx)[0],
      /must be a KV field name/,
    );
    assert.match(problemsOf(withApps([initial({})]), ctx)[0], /must give at least one field/);
    assert.match(
      problemsOf(withApps([initial({ password: "not a name!" })]), ctx)[0],
      /must name a key of `secrets`/,
    );
  });

  it("gives a field of a path its first value once (two apps reading one path cannot both)", () => {
    const other = { ...APP, name: "admin", vault: { ...APP.vault, role: "admin" } };
    assert.deepEqual(problemsOf(withApps([APP, other]), ctx), [
      'apps[1].vault.secrets[0].initial.password: got "shopPassword"; gives secret/data/shop/config field password an initial value already given by app "shop"; give it once',
    ]);
    const { initial: _i, ...reads } = APP.vault.secrets[0];
    assert.deepEqual(
      problemsOf(withApps([APP, { ...other, vault: { role: "admin", secrets: [reads] } }]), ctx),
      [],
    );
  });
});

describe("apps[].vault.role: one role per app", () => {
  it("refuses a role another app declares, and the platform's own configurator role", () => {
    const other = {
      ...APP,
      name: "admin",
      vault: { role: "shop", secrets: [{ name: "x", path: "secret/data/admin/x" }] },
    };
    assert.deepEqual(problemsOf(withApps([APP, other]), ctx), [
      'apps[1].vault.role: got "shop"; duplicates the Vault role of app "shop": each role is bound to one app\'s ServiceAccount',
    ]);
    assert.deepEqual(
      problemsOf(withApps([APP, { ...other, vault: { ...other.vault, role: "admin" } }]), ctx),
      [],
    );
    const own = { ...APP, vault: { ...APP.vault, role: "kube-platform-configurator" } };
    assert.deepEqual(problemsOf(withApps([own]), ctx), [
      'apps[0].vault.role: got "kube-platform-configurator"; is the platform\'s own configurator role; choose another name',
    ]);
  });
});
