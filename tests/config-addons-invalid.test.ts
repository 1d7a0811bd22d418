/**
 * stacks/addons-config.ts on ill-typed input (the section's cross-checks run on it too: each must
 * leave only the type problem), the issue codes of its own checks, and the enums and bounds the
 * first addons tests left open (tests/config-addons.test.ts).
 */
import * as assert from "assert";
import { isSecretValues } from "../components/addons/base";
import { addonsSchema, toAddonsSettings } from "../stacks/addons-config";
import { dns01IssuerProblems } from "../stacks/dns-config";
import { existingClusterSchema } from "../stacks/existing-config";
import { problemsOf, schemaLines } from "./helpers/config-problems";
import { VAULT_INIT } from "./helpers/vault-fixtures";

const dev = (a: unknown) => schemaLines(addonsSchema("dev"), a);
const prod = (a: unknown) => schemaLines(addonsSchema("prod"), a);
/** Each issue as `path code`. */
function codes(profile: "dev" | "prod", a: unknown): string[] {
  const r = addonsSchema(profile).safeParse(a);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")} ${i.code}`);
}
const EMAIL = { email: "ops@kube-platform.dev" };
const ctx = { project: "kube-platform", stack: "dev" };
const DOKS = { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] };

describe("addons config: ill-typed input gets its type problem only", () => {
  it("addons that are no object", () => {
    assert.deepStrictEqual(dev(true), [": got true; expected object"]);
    assert.deepStrictEqual(dev("x"), [': got "x"; expected object']);
    assert.deepStrictEqual(prod(5), [": got 5; expected object"]);
    assert.deepStrictEqual(prod([]), [": got []; expected object"]);
  });

  it("certManager: null (it crashed the DNS-01 check with a TypeError)", () => {
    assert.deepStrictEqual(dev({ certManager: null }), ["certManager: got null; expected object"]);
    assert.deepStrictEqual(prod({ certManager: null, vault: { mode: "ha", init: VAULT_INIT } }), [
      "certManager: got null; expected object",
    ]);
    assert.deepStrictEqual(dns01IssuerProblems({ certManager: null }), []);
    assert.deepStrictEqual(problemsOf({ cluster: DOKS, addons: { certManager: null } }, ctx), [
      "addons.certManager: got null; expected object",
    ]);
  });

  it("ingress, vault or monitoring null", () => {
    assert.deepStrictEqual(
      dev({ certManager: { defaultIssuer: "letsencrypt-prod", ...EMAIL }, ingress: null }),
      ["ingress: got null; expected object"],
    );
    assert.deepStrictEqual(prod({ certManager: { enabled: false }, vault: null }), [
      "vault: got null; expected object",
    ]);
    assert.deepStrictEqual(dev({ monitoring: null }), ["monitoring: got null; expected object"]);
    // (alerting: null crashed the alerting section's cross-check with a TypeError.)
    assert.deepStrictEqual(dev({ monitoring: { alerting: null } }), [
      "monitoring.alerting: got null; expected object",
    ]);
    assert.deepStrictEqual(dev({ monitoring: "on" }), ['monitoring: got "on"; expected object']);
  });
});

describe("addons config: the checks' issues", () => {
  it("each check's issue is a custom one at its key", () => {
    assert.deepStrictEqual(codes("prod", { vault: { init: VAULT_INIT } }), ["certManager.email custom"]);
    assert.deepStrictEqual(
      codes("dev", {
        certManager: { defaultIssuer: "letsencrypt-prod", ...EMAIL },
        ingress: { enabled: false },
      }),
      ["certManager.defaultIssuer custom"],
    );
    // (The empty alerting has its own problems at monitoring.alerting.)
    const off = codes("dev", { monitoring: { enabled: false, alerting: { receivers: [] } } });
    assert.deepStrictEqual(
      off.filter((c) => c.startsWith("monitoring.enabled")),
      ["monitoring.enabled custom"],
    );
    assert.deepStrictEqual(codes("prod", { vault: { init: VAULT_INIT }, certManager: { enabled: false } }), [
      "vault.mode custom",
    ]);
    assert.deepStrictEqual(codes("dev", { vault: { init: { keyHolders: [{ name: "a", pgpKey: "x" }] } } }), [
      "vault.init.keyHolders.0.pgpKey custom",
    ]);
  });

  it("ha Vault without cert-manager: refused only with Vault on", () => {
    assert.deepStrictEqual(prod({ vault: { enabled: false }, certManager: { enabled: false } }), []);
    assert.deepStrictEqual(prod({ vault: { mode: "dev" }, certManager: { enabled: false } }), []);
    assert.deepStrictEqual(
      dev({ vault: { mode: "ha", init: VAULT_INIT }, certManager: { enabled: false } }),
      [
        'vault.mode: got "ha"; ha mode serves TLS with certificates from cert-manager, which is disabled (addons.certManager.enabled: false); enable it or use mode dev',
      ],
    );
  });

  it("an example.com address only at the end of the domain", () => {
    assert.deepStrictEqual(dev({ certManager: { email: "ops@example.com.au" } }), []);
    assert.deepStrictEqual(dev({ certManager: { email: "ops@Example.NET" } }), [
      'certManager.email: got "ops@Example.NET"; must be a real address: Let\'s Encrypt rejects example.com',
    ]);
  });
});

describe("addons config: enums and bounds", () => {
  it("Vault runs 3 or 5 replicas", () => {
    assert.strictEqual(addonsSchema("dev").parse({ vault: { replicas: 5 } }).vault.replicas, 5);
    assert.strictEqual(addonsSchema("dev").parse({ vault: { replicas: 3 } }).vault.replicas, 3);
    assert.deepStrictEqual(dev({ vault: { replicas: 4 } }), ["vault.replicas: got 4; allowed: 3 | 5"]);
  });

  it("Prometheus runs 1 to 5 replicas", () => {
    assert.strictEqual(
      addonsSchema("prod").parse({
        certManager: EMAIL,
        vault: { init: VAULT_INIT },
        monitoring: { prometheusReplicas: 1 },
      }).monitoring.prometheusReplicas,
      1,
    );
    assert.deepStrictEqual(dev({ monitoring: { prometheusReplicas: 6 } }), [
      "monitoring.prometheusReplicas: got 6; must be ≤ 5",
    ]);
    assert.deepStrictEqual(dev({ monitoring: { prometheusReplicas: 0 } }), [
      "monitoring.prometheusReplicas: got 0; must be ≥ 1",
    ]);
  });

  it("volumes on destroy: delete or retain, either profile", () => {
    assert.strictEqual(
      addonsSchema("dev").parse({ volumes: { onDestroy: "retain" } }).volumes.onDestroy,
      "retain",
    );
    const p = addonsSchema("prod").parse({
      certManager: EMAIL,
      vault: { init: VAULT_INIT },
      volumes: { onDestroy: "delete" },
    });
    assert.strictEqual(p.volumes.onDestroy, "delete");
    assert.deepStrictEqual(dev({ volumes: { onDestroy: "keep" } }), [
      'volumes.onDestroy: got "keep"; allowed: "delete" | "retain"',
    ]);
  });

  it("the settings' values are secret only when the addons key is", () => {
    const a = addonsSchema("dev").parse({ ingress: { values: { podLabels: { team: "web" } } } });
    assert.strictEqual(isSecretValues(toAddonsSettings(a).ingress.values), false);
    const b = addonsSchema("dev").parse({ ingress: { values: { podLabels: { team: "web" } } } });
    assert.strictEqual(isSecretValues(toAddonsSettings(b, true).ingress.values), true);
  });
});

describe("existing cluster config: the node-port check beside other problems", () => {
  it("equal node ports are reported when another field is ill-typed or invalid too", () => {
    // An ill-typed field (a type problem) would skip a refinement without `when`.
    assert.deepStrictEqual(
      schemaLines(existingClusterSchema("local"), {
        target: "existing",
        hasMetricsApi: "yes",
        ingressNodePorts: { http: 30080, https: 30080 },
      }),
      [
        'hasMetricsApi: got "yes"; expected boolean',
        "ingressNodePorts.https: got 30080; must differ from ingressNodePorts.http (30080): one Service cannot use a node port twice",
      ],
    );
    assert.deepStrictEqual(
      schemaLines(existingClusterSchema("local"), {
        target: "existing",
        clusterName: "Bad_",
        ingressNodePorts: { http: 30080, https: 30080 },
      }),
      [
        "clusterName: got \"Bad_\"; must be a DNS-1123 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
        "ingressNodePorts.https: got 30080; must differ from ingressNodePorts.http (30080): one Service cannot use a node port twice",
      ],
    );
  });
});
