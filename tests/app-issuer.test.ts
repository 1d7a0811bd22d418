/**
 * Per-app certificate issuer (apps[].issuer) and wildcard hosts: the config's refusals (both
 * directions, the boundaries), the Ingress annotations and the namespace's HTTP-01 solver policy.
 */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { isDns01Issuer, ISSUER_NAMES, solvesHttp01 } from "../components/kube/conventions";
import {
  AppSettings,
  certificateIssuer,
  ingressAnnotations,
  WorkloadContext,
  Workloads,
} from "../components/workloads";
import { runResources, RecordedResource } from "../offline/mocks";
import { parseConfig } from "../stacks/config";
import { appIssuerProblems } from "../stacks/app-issuer-config";
import { appSchema, toAppSettings } from "../stacks/apps-config";
import { problemsOf as problemsIn } from "./helpers/config-problems";
import { validateKubernetesObject } from "./helpers/k8s-schemas";

type Obj = Record<string, unknown>;

const ctx = { project: "kube-platform", stack: "dev" };
const DOKS = { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] };
const APP = { name: "web", image: "ghcr.io/acme/web:1.0.0", port: 8080 };
const EMAIL = { certManager: { email: "platform@kube-platform.dev" } };
const problemsOf = (raw: Obj): string[] => problemsIn(raw, ctx);
/** A dev stack (default issuer selfsigned) with the ACME e-mail and `app`. */
const dev = (app: Obj, addons: Obj = EMAIL): Obj => ({ cluster: DOKS, addons, apps: [{ ...APP, ...app }] });

/** The end of the refusal of a wildcard `host` with an HTTP-01 issuer. */
const wildcardHttp01 = (host: string) =>
  `it cannot validate the wildcard host "${host}" (Let's Encrypt validates wildcard names only with DNS-01); allowed for a wildcard host: issuer letsencrypt-staging-dns01 or letsencrypt-prod-dns01 (with addons.dns.zones) or selfsigned`;

describe("app issuer: config", () => {
  it("the issuer names are the HTTP-01 pair, the DNS-01 pair and the internal CA", () => {
    assert.deepStrictEqual(
      [...ISSUER_NAMES],
      [
        "letsencrypt-staging",
        "letsencrypt-prod",
        "letsencrypt-staging-dns01",
        "letsencrypt-prod-dns01",
        "selfsigned",
      ],
    );
    assert.deepStrictEqual(
      ISSUER_NAMES.map((i) => [isDns01Issuer(i), solvesHttp01(i)]),
      [
        [false, true],
        [false, true],
        [true, false],
        [true, false],
        [false, false],
      ],
    );
  });

  it("accepts an app's own issuer and passes it to the app's settings; none means the default", () => {
    const cfg = parseConfig(dev({ host: "shop.example.org", issuer: "letsencrypt-staging" }), ctx);
    assert.strictEqual(cfg.apps[0].issuer, "letsencrypt-staging");
    assert.strictEqual(cfg.addons.certManager.defaultIssuer, "selfsigned");
    assert.strictEqual(parseConfig(dev({ host: "shop.example.org" }), ctx).apps[0].issuer, undefined);
  });

  it("accepts a wildcard host (one leading label) with the internal CA, which validates no challenge", () => {
    assert.deepStrictEqual(problemsOf(dev({ host: "*.example.org" })), []);
    assert.deepStrictEqual(problemsOf(dev({ host: "*.shop.example.org", issuer: "selfsigned" })), []);
  });

  it("refuses a wildcard that is not one leading label", () => {
    for (const host of ["*.*.example.org", "shop.*.example.org", "*example.org", "*.org", "*"]) {
      assert.deepStrictEqual(problemsOf(dev({ host })), [
        `apps[0].host: got "${host}"; must be a DNS hostname like "shop.example.com", or a wildcard with one leading label like "*.example.com"`,
      ]);
    }
  });

  it("refuses a wildcard host with an HTTP-01 issuer, its own or the default", () => {
    assert.deepStrictEqual(problemsOf(dev({ host: "*.example.org", issuer: "letsencrypt-prod" })), [
      `apps[0].issuer: got "letsencrypt-prod"; is an HTTP-01 issuer: ${wildcardHttp01("*.example.org")}`,
    ]);
    const prod = {
      profile: "prod",
      cluster: DOKS,
      // Vault off: only the issuer is under test here.
      addons: { ...EMAIL, vault: { enabled: false } },
      apps: [{ ...APP, replicas: 2, host: "*.example.org" }],
    };
    assert.deepStrictEqual(problemsOf(prod), [
      `apps[0].host: got "*.example.org"; uses the default issuer "letsencrypt-prod" (addons.certManager.defaultIssuer), which is an HTTP-01 issuer: ${wildcardHttp01("*.example.org")}`,
    ]);
    // The same prod app with a plain host is fine: the boundary is the "*" label.
    assert.deepStrictEqual(
      problemsOf({ ...prod, apps: [{ ...APP, replicas: 2, host: "a.example.org" }] }),
      [],
    );
  });

  it("refuses a DNS-01 issuer without addons.dns.zones, naming what is allowed for the host", () => {
    assert.deepStrictEqual(problemsOf(dev({ host: "shop.example.org", issuer: "letsencrypt-prod-dns01" })), [
      'apps[0].issuer: got "letsencrypt-prod-dns01"; names a DNS-01 issuer, which exists only with addons.dns.zones (none is set); set addons.dns.zones with the zone of "shop.example.org", or use letsencrypt-staging, letsencrypt-prod (HTTP-01) or selfsigned',
    ]);
    assert.deepStrictEqual(problemsOf(dev({ host: "*.example.org", issuer: "letsencrypt-staging-dns01" })), [
      'apps[0].issuer: got "letsencrypt-staging-dns01"; names a DNS-01 issuer, which exists only with addons.dns.zones (none is set); set addons.dns.zones with the zone of "*.example.org", or use selfsigned',
    ]);
  });

  it("refuses a Let's Encrypt issuer without the ACME e-mail, an issuer without a host, an unknown one", () => {
    assert.deepStrictEqual(problemsOf(dev({ host: "shop.example.org", issuer: "letsencrypt-staging" }, {})), [
      'apps[0].issuer: got "letsencrypt-staging"; names a Let\'s Encrypt issuer, which exists only with addons.certManager.email (the ACME account e-mail); set it, or use selfsigned',
    ]);
    assert.deepStrictEqual(problemsOf(dev({ host: "shop.example.org", issuer: "selfsigned" }, {})), []);
    assert.deepStrictEqual(problemsOf(dev({ issuer: "selfsigned" })), [
      'apps[0].issuer: got "selfsigned"; is set but the app has no host (no certificate); set host or remove issuer',
    ]);
    assert.deepStrictEqual(problemsOf(dev({ host: "shop.example.org", issuer: "vault" })), [
      'apps[0].issuer: got "vault"; allowed: "letsencrypt-staging" | "letsencrypt-prod" | "letsencrypt-staging-dns01" | "letsencrypt-prod-dns01" | "selfsigned"',
    ]);
  });
});

describe("app issuer: DNS-01 and the configured zones, in the stack config", () => {
  const EKS = { target: "eks", region: "eu-west-1", publicAccessCidrs: ["198.18.0.0/24"] };
  const ZONES = { zones: [{ name: "kube-platform.dev", id: "Z0123456789ABCDEFGHIJ" }] };
  const eks = (app: Obj, certManager: Obj = {}): Obj => ({
    cluster: EKS,
    addons: { certManager: { ...EMAIL.certManager, ...certManager }, dns: ZONES },
    apps: [{ ...APP, ...app }],
  });

  it("accepts a DNS-01 issuer for a covered host and a covered wildcard", () => {
    assert.deepStrictEqual(
      problemsOf(eks({ host: "shop.kube-platform.dev", issuer: "letsencrypt-prod-dns01" })),
      [],
    );
    assert.deepStrictEqual(
      problemsOf(eks({ host: "*.kube-platform.dev", issuer: "letsencrypt-staging-dns01" })),
      [],
    );
  });

  it("refuses it for an uncovered host, the app's own issuer or the default", () => {
    assert.deepStrictEqual(
      problemsOf(eks({ host: "evilkube-platform.dev", issuer: "letsencrypt-prod-dns01" })),
      [
        'apps[0].issuer: got "letsencrypt-prod-dns01"; is a DNS-01 issuer, but no zone of addons.dns.zones (kube-platform.dev) covers the host "evilkube-platform.dev": its challenge record can only be published there; add the host\'s zone to addons.dns.zones, or use letsencrypt-staging, letsencrypt-prod (HTTP-01) or selfsigned',
      ],
    );
    assert.deepStrictEqual(
      problemsOf(eks({ host: "shop.example.org" }, { defaultIssuer: "letsencrypt-prod-dns01" })),
      [
        'apps[0].host: got "shop.example.org"; uses the default issuer "letsencrypt-prod-dns01" (addons.certManager.defaultIssuer), which is a DNS-01 issuer, but no zone of addons.dns.zones (kube-platform.dev) covers the host "shop.example.org": its challenge record can only be published there; add the host\'s zone to addons.dns.zones, or use letsencrypt-staging, letsencrypt-prod (HTTP-01) or selfsigned',
      ],
    );
  });

  it("still refuses a covered wildcard with an HTTP-01 issuer", () => {
    assert.deepStrictEqual(problemsOf(eks({ host: "*.kube-platform.dev", issuer: "letsencrypt-prod" })), [
      `apps[0].issuer: got "letsencrypt-prod"; is an HTTP-01 issuer: ${wildcardHttp01("*.kube-platform.dev")}`,
    ]);
  });
});

describe("app issuer: DNS-01 and the configured zones", () => {
  const zones = (...names: string[]) => ({ ...EMAIL, dns: { zones: names.map((name) => ({ name })) } });
  const dns01 = "letsencrypt-prod-dns01";

  it("accepts a DNS-01 issuer for a host a zone covers: apex, sub-domain, wildcard, uppercase/dotted zone", () => {
    for (const host of [
      "kube-platform.dev",
      "shop.kube-platform.dev",
      "a.b.kube-platform.dev",
      "*.kube-platform.dev",
    ]) {
      assert.deepStrictEqual(
        appIssuerProblems({ host, issuer: dns01 }, zones("kube-platform.dev")),
        [],
        host,
      );
    }
    assert.deepStrictEqual(
      appIssuerProblems({ host: "shop.kube-platform.dev", issuer: dns01 }, zones("Kube-Platform.DEV.")),
      [],
    );
  });

  it("refuses it for a host no zone covers, a suffix off the label boundary included", () => {
    assert.deepStrictEqual(
      appIssuerProblems(
        { host: "evilkube-platform.dev", issuer: dns01 },
        zones("kube-platform.dev", "example.org"),
      ),
      [
        {
          path: ["issuer"],
          message:
            'is a DNS-01 issuer, but no zone of addons.dns.zones (kube-platform.dev, example.org) covers the host "evilkube-platform.dev": its challenge record can only be published there; add the host\'s zone to addons.dns.zones, or use letsencrypt-staging, letsencrypt-prod (HTTP-01) or selfsigned',
        },
      ],
    );
  });

  it("checks the host against a DNS-01 default issuer (at the host); the default's own zones check is the default's", () => {
    const addons = (zoneNames: string[]) => ({
      ...zones(...zoneNames),
      certManager: { email: "platform@kube-platform.dev", defaultIssuer: dns01 },
    });
    assert.deepStrictEqual(
      appIssuerProblems({ host: "*.kube-platform.dev" }, addons(["kube-platform.dev"])),
      [],
    );
    assert.deepStrictEqual(appIssuerProblems({ host: "shop.example.org" }, addons(["kube-platform.dev"])), [
      {
        path: ["host"],
        message:
          'uses the default issuer "letsencrypt-prod-dns01" (addons.certManager.defaultIssuer), which is a DNS-01 issuer, but no zone of addons.dns.zones (kube-platform.dev) covers the host "shop.example.org": its challenge record can only be published there; add the host\'s zone to addons.dns.zones, or use letsencrypt-staging, letsencrypt-prod (HTTP-01) or selfsigned',
      },
    ]);
    assert.deepStrictEqual(appIssuerProblems({ host: "shop.example.org" }, addons([])), []);
  });

  it("nothing to check without cert-manager (the host itself is refused then)", () => {
    assert.deepStrictEqual(
      appIssuerProblems(
        { host: "*.example.org", issuer: "letsencrypt-prod" },
        { certManager: { enabled: false } },
      ),
      [],
    );
  });
});

/* ------------------------------------------------------------------------------------------ */
/* The workloads: Ingress annotations and the namespace's solver policy.                       */
/* ------------------------------------------------------------------------------------------ */

const settings = (raw: Obj): AppSettings => toAppSettings(appSchema("dev").parse({ ...APP, ...raw }), {});

function context(
  clusterIssuer: WorkloadContext["clusterIssuer"],
  controller: "traefik" | "nginx" = "traefik",
) {
  return {
    provider: new k8s.Provider("k8s", { kubeconfig: "x" }),
    dependsOn: [],
    highAvailability: false,
    kubernetesVersion: "1.34",
    ingress: { className: controller, namespace: "ingress", controller },
    clusterIssuer,
  } satisfies WorkloadContext;
}

/** Runs Workloads over `apps` with the platform default `clusterIssuer`. */
async function run(apps: Obj[], clusterIssuer: WorkloadContext["clusterIssuer"]) {
  return runResources(() => {
    new Workloads("apps", { apps: apps.map(settings), ctx: context(clusterIssuer) });
  });
}

const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const inputs = (x: RecordedResource): Obj => x.inputs as Obj;
const meta = (x: RecordedResource): Obj => inputs(x).metadata as Obj;

describe("app issuer: workloads", () => {
  it("the certificate's issuer: the app's own, else the platform's; none without a host", () => {
    assert.strictEqual(
      certificateIssuer(
        { host: "a.example.org", issuer: "letsencrypt-prod" },
        { clusterIssuer: "selfsigned" },
      ),
      "letsencrypt-prod",
    );
    assert.strictEqual(
      certificateIssuer({ host: "a.example.org" }, { clusterIssuer: "selfsigned" }),
      "selfsigned",
    );
    assert.strictEqual(
      certificateIssuer({ issuer: "letsencrypt-prod" }, { clusterIssuer: "selfsigned" }),
      undefined,
    );
  });

  it("Ingress annotations name the app's issuer; F5 NGINX edits the Ingress for HTTP-01 only", async () => {
    await runResources(() => {
      const nginx = context("letsencrypt-prod", "nginx");
      assert.deepStrictEqual(ingressAnnotations(nginx, { issuer: "letsencrypt-prod-dns01" }), {
        "cert-manager.io/cluster-issuer": "letsencrypt-prod-dns01",
      });
      assert.deepStrictEqual(ingressAnnotations(nginx, {}), {
        "cert-manager.io/cluster-issuer": "letsencrypt-prod",
        "acme.cert-manager.io/http01-edit-in-place": "true",
      });
      assert.deepStrictEqual(ingressAnnotations(context("selfsigned"), { issuer: "letsencrypt-staging" }), {
        "cert-manager.io/cluster-issuer": "letsencrypt-staging",
      });
    });
  });

  it("a wildcard host's Ingress: the wildcard in the rule and the TLS hosts, valid for Kubernetes", async () => {
    const r = await run(
      [{ host: "*.kube-platform.dev", issuer: "letsencrypt-prod-dns01" }],
      "letsencrypt-prod",
    );
    const ingress = r.one(INGRESS);
    validateKubernetesObject(inputs(ingress));
    const spec = inputs(ingress).spec as { tls: Obj[]; rules: Obj[] };
    assert.deepStrictEqual(spec.tls, [{ hosts: ["*.kube-platform.dev"], secretName: "web-tls" }]);
    assert.strictEqual(spec.rules[0].host, "*.kube-platform.dev");
    assert.deepStrictEqual(meta(ingress).annotations, {
      "cert-manager.io/cluster-issuer": "letsencrypt-prod-dns01",
    });
  });

  it("the HTTP-01 solver policy follows each app's issuer, not only the platform default", async () => {
    const solverPolicies = async (apps: Obj[], def: WorkloadContext["clusterIssuer"]) =>
      (await run(apps, def))
        .ofType(NETPOL)
        .map((p) => `${String(meta(p).namespace)}/${String(meta(p).name)}`)
        .filter((n) => n.endsWith("/allow-acme-http01-solver"))
        .sort();
    // An HTTP-01 app in a stack whose default is the internal CA: its solver must be reachable.
    assert.deepStrictEqual(
      await solverPolicies(
        [
          { host: "a.example.org", issuer: "letsencrypt-prod" },
          { name: "blog", host: "blog.example.org" },
        ],
        "selfsigned",
      ),
      ["web/allow-acme-http01-solver"],
    );
    // A DNS-01 app in an HTTP-01 stack starts no solver pod: no policy selecting nothing.
    assert.deepStrictEqual(
      await solverPolicies(
        [
          { host: "*.kube-platform.dev", issuer: "letsencrypt-prod-dns01" },
          { name: "blog", host: "blog.example.org" },
        ],
        "letsencrypt-prod",
      ),
      ["blog/allow-acme-http01-solver"],
    );
  });
});
