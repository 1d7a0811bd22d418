/**
 * stacks/addons-config.ts: the profile presets, the cross-checks of the add-ons (each both ways),
 * the Vault init checks and the boundaries of the add-on fields.
 */
import * as assert from "assert";
import {
  addonsSchema,
  toAddonsSettings,
  vaultInitProblems,
  vaultRunsShamirHa,
} from "../stacks/addons-config";
import { schemaLines } from "./helpers/config-problems";
import { KEY_HOLDERS, VAULT_INIT } from "./helpers/vault-fixtures";

const dev = (a: object) => schemaLines(addonsSchema("dev"), a);
const prod = (a: object) => schemaLines(addonsSchema("prod"), a);
const EMAIL = { email: "ops@kube-platform.dev" };
const ACME_EMAIL =
  'certManager.email: is required for the Let\'s Encrypt issuer "letsencrypt-prod" (the ACME account e-mail); or set certManager.defaultIssuer: selfsigned';

describe("addons config: prod refusals and presets", () => {
  it("prod's Let's Encrypt issuer needs the ACME e-mail; dev's self-signed one does not", () => {
    assert.deepStrictEqual(prod({ vault: { init: VAULT_INIT } }), [ACME_EMAIL]);
    assert.deepStrictEqual(prod({ vault: { init: VAULT_INIT }, certManager: EMAIL }), []);
    assert.deepStrictEqual(dev({}), []);
    assert.deepStrictEqual(dev({ certManager: { defaultIssuer: "letsencrypt-staging" } }), [
      'certManager.email: is required for the Let\'s Encrypt issuer "letsencrypt-staging" (the ACME account e-mail); or set certManager.defaultIssuer: selfsigned',
    ]);
    assert.deepStrictEqual(prod({ vault: { init: VAULT_INIT }, certManager: { enabled: false } }), [
      "vault.mode: ha mode serves TLS with certificates from cert-manager, which is disabled (addons.certManager.enabled: false); enable it or use mode dev",
    ]);
  });

  it("prod's ha Vault needs key holders; dev's dev mode does not", () => {
    assert.deepStrictEqual(prod({ certManager: EMAIL }), [
      "vault.init.keyHolders: is required in ha mode: list the key holders ({name, pgpKey}) whose public PGP keys the bootstrap Job encrypts one key share each to (docs/addons/vault.md)",
    ]);
    assert.deepStrictEqual(prod({ certManager: EMAIL, vault: { mode: "dev" } }), []);
    assert.deepStrictEqual(prod({ certManager: EMAIL, vault: { enabled: false } }), []);
    assert.strictEqual(dev({ vault: { mode: "ha" } }).length, 1);
  });

  it("the presets of each profile", () => {
    const d = addonsSchema("dev").parse({});
    const p = addonsSchema("prod").parse({ certManager: EMAIL, vault: { init: VAULT_INIT } });
    const pick = (a: typeof d) => [
      a.highAvailability,
      a.ingress.replicas,
      a.certManager.defaultIssuer,
      a.vault.mode,
      a.vault.injectorReplicas,
      a.monitoring.retention,
      a.monitoring.prometheusStorageSize,
      a.monitoring.alertmanagerStorageSize,
      a.monitoring.grafanaStorageSize,
      a.monitoring.prometheusReplicas,
      a.monitoring.alertmanagerReplicas,
      a.volumes.onDestroy,
    ];
    assert.deepStrictEqual(pick(d), [
      false,
      1,
      "selfsigned",
      "dev",
      1,
      "3d",
      "10Gi",
      "1Gi",
      "1Gi",
      1,
      1,
      "delete",
    ]);
    assert.deepStrictEqual(pick(p), [
      true,
      3,
      "letsencrypt-prod",
      "ha",
      2,
      "15d",
      "100Gi",
      "10Gi",
      "10Gi",
      2,
      3,
      "retain",
    ]);
    assert.deepStrictEqual(
      [
        d.ingress.enabled,
        d.ingress.controller,
        d.vault.replicas,
        d.vault.storageSize,
        d.vault.auditStorageSize,
      ],
      [true, "traefik", 3, "10Gi", "10Gi"],
    );
    assert.deepStrictEqual([d.metricsServer.enabled, d.clusterAutoscaler.enabled], ["auto", "auto"]);
    assert.deepStrictEqual([d.vault.init.unsealWaitSeconds, d.vault.init.keyHolders], [1800, []]);
  });
});

describe("addons config: cross-checks", () => {
  it("Let's Encrypt needs the ingress controller (HTTP-01)", () => {
    assert.deepStrictEqual(
      dev({ certManager: { defaultIssuer: "letsencrypt-prod", ...EMAIL }, ingress: { enabled: false } }),
      [
        'certManager.defaultIssuer: got "letsencrypt-prod"; Let\'s Encrypt issuers solve HTTP-01 challenges through the ingress controller, which is disabled (addons.ingress.enabled: false); use selfsigned or enable the ingress',
      ],
    );
    assert.deepStrictEqual(dev({ ingress: { enabled: false } }), []);
    assert.deepStrictEqual(
      dev({
        certManager: { enabled: false, defaultIssuer: "letsencrypt-prod" },
        ingress: { enabled: false },
      }),
      [],
    );
  });

  it("alerting needs monitoring", () => {
    const alerting = { receivers: [] };
    const off = dev({ monitoring: { enabled: false, alerting } });
    assert.ok(
      off.includes(
        "monitoring.enabled: got false; turns monitoring off, but addons.monitoring.alerting is set; enable it or remove alerting",
      ),
      off.join("\n"),
    );
    assert.ok(!dev({ monitoring: { alerting } }).some((l) => l.startsWith("monitoring.enabled")));
  });

  it("the chart's ingress Service values are refused", () => {
    const [line] = dev({ ingress: { values: { service: { type: "NodePort" } } } });
    assert.match(
      line,
      /^ingress\.values\.service: got .*; is the traefik chart's Service, which the platform turns off/,
    );
  });

  it("an e-mail must be real", () => {
    assert.deepStrictEqual(dev({ certManager: { email: "ops@example.com" } }), [
      'certManager.email: got "ops@example.com"; must be a real address: Let\'s Encrypt rejects example.com',
    ]);
    assert.deepStrictEqual(dev({ certManager: { email: "ops" } }), [
      'certManager.email: got "ops"; must be an e-mail address like "ops@example.com"',
    ]);
    assert.deepStrictEqual(dev({ certManager: { email: "ops@example.dev" } }), []);
  });
});

describe("addons config: Vault init", () => {
  const holders = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `h${i}` }));

  it("a threshold without key holders; none needed off ha or with Vault off", () => {
    assert.deepStrictEqual(vaultInitProblems({ init: { threshold: 2 } }), [
      { path: ["init", "threshold"], message: "needs addons.vault.init.keyHolders (one share per holder)" },
    ]);
    assert.deepStrictEqual(vaultInitProblems({ mode: "dev" }), []);
    assert.deepStrictEqual(vaultInitProblems(undefined), []);
    assert.deepStrictEqual(vaultInitProblems({ enabled: false, mode: "ha" }), []);
    assert.deepStrictEqual(vaultInitProblems({ mode: "ha", init: { keyHolders: holders(1) } }), []);
  });

  it("key holders' names are unique; the threshold defaults to a majority", () => {
    assert.deepStrictEqual(
      vaultInitProblems({ init: { keyHolders: [{ name: "a" }, { name: "b" }, { name: "a" }] } }),
      [
        {
          path: ["init", "keyHolders", 2, "name"],
          message: "duplicates another key holder's name (each holder gets one share)",
        },
      ],
    );
    assert.deepStrictEqual(vaultInitProblems({ init: { keyHolders: [null, 5] } }), []);
    assert.deepStrictEqual(vaultInitProblems({ init: { keyHolders: holders(3), threshold: 4 } }), [
      {
        path: ["init", "threshold"],
        message: "must be ≤ the number of key holders (3): a threshold above it can never be met",
      },
    ]);
    assert.deepStrictEqual(vaultInitProblems({ init: { keyHolders: holders(3), threshold: 3 } }), []);
  });

  it("the settings' threshold: the configured one, else a majority", () => {
    const parse = (init: object) =>
      toAddonsSettings(addonsSchema("dev").parse({ vault: { init } })).vault.init.threshold;
    assert.strictEqual(parse({ keyHolders: KEY_HOLDERS }), 2);
    assert.strictEqual(parse({ keyHolders: KEY_HOLDERS, threshold: 3 }), 3);
    assert.strictEqual(parse({}), 1);
  });

  it("Shamir ha: Vault on, mode ha", () => {
    assert.strictEqual(vaultRunsShamirHa({ mode: "ha" }), true);
    assert.strictEqual(vaultRunsShamirHa({ mode: "ha", enabled: false }), false);
    assert.strictEqual(vaultRunsShamirHa({ mode: "dev" }), false);
    assert.strictEqual(vaultRunsShamirHa(undefined), false);
  });
});

describe("addons config: boundaries and settings", () => {
  it("replicas and waits at both ends", () => {
    assert.deepStrictEqual(dev({ ingress: { replicas: 20 }, vault: { injectorReplicas: 10 } }), []);
    assert.deepStrictEqual(dev({ ingress: { replicas: 21 } }), ["ingress.replicas: got 21; must be ≤ 20"]);
    assert.deepStrictEqual(dev({ ingress: { replicas: 0 } }), ["ingress.replicas: got 0; must be ≥ 1"]);
    assert.deepStrictEqual(dev({ vault: { injectorReplicas: 11 } }), [
      "vault.injectorReplicas: got 11; must be ≤ 10",
    ]);
    assert.deepStrictEqual(dev({ monitoring: { prometheusReplicas: 5, alertmanagerReplicas: 5 } }), []);
    assert.deepStrictEqual(dev({ monitoring: { alertmanagerReplicas: 6 } }), [
      "monitoring.alertmanagerReplicas: got 6; must be ≤ 5",
    ]);
    assert.deepStrictEqual(dev({ vault: { init: { unsealWaitSeconds: 60 } } }), []);
    assert.deepStrictEqual(dev({ vault: { init: { unsealWaitSeconds: 86400 } } }), []);
    assert.deepStrictEqual(dev({ vault: { init: { unsealWaitSeconds: 59 } } }), [
      "vault.init.unsealWaitSeconds: got 59; must be ≥ 60",
    ]);
    assert.deepStrictEqual(dev({ vault: { init: { unsealWaitSeconds: 86401 } } }), [
      "vault.init.unsealWaitSeconds: got 86401; must be ≤ 86400",
    ]);
  });

  it("sizes and durations", () => {
    assert.deepStrictEqual(dev({ vault: { storageSize: "512Mi" }, monitoring: { retention: "2w" } }), []);
    assert.deepStrictEqual(dev({ vault: { storageSize: "10GB" } }), [
      'vault.storageSize: got "10GB"; must be a storage size like "10Gi" (Mi, Gi or Ti)',
    ]);
    assert.deepStrictEqual(dev({ monitoring: { retention: "0d" } }), [
      'monitoring.retention: got "0d"; must be a Prometheus duration like "15d" (h, d, w or y)',
    ]);
  });

  it("the IngressClass is named after the controller unless set; dns needs its context", () => {
    const a = addonsSchema("dev").parse({ ingress: { controller: "nginx" } });
    assert.strictEqual(toAddonsSettings(a).ingress.className, "nginx");
    const b = addonsSchema("dev").parse({ ingress: { className: "public" } });
    assert.strictEqual(toAddonsSettings(b).ingress.className, "public");
    assert.strictEqual(toAddonsSettings(a).dns, undefined);
    const withDns = addonsSchema("dev").parse({ dns: { zones: [{ name: "shop.dev" }] } });
    assert.throws(
      () => toAddonsSettings(withDns),
      /^Error: toAddonsSettings: addons\.dns needs the project, stack and target \(DnsContext\)$/,
    );
    const noZones = addonsSchema("dev").parse({ dns: {} });
    assert.strictEqual(toAddonsSettings(noZones).dns, undefined);
  });
});
