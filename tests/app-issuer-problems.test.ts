/**
 * stacks/app-issuer-config.ts called directly on raw config: each refusal of an app's certificate
 * issuer with its whole message and path, the accepted neighbour of each, and raw input in other
 * forms (no host, zones without names, apps that are not objects).
 */
import * as assert from "node:assert/strict";
import { z } from "zod";
import { appIssuerProblems, checkAppIssuers } from "../stacks/app-issuer-config";

const EMAIL = "platform@kube-platform.dev";
const ZONES = { zones: [{ name: "kube-platform.dev" }] };
const HTTP01_OTHERS = "letsencrypt-staging, letsencrypt-prod (HTTP-01) or selfsigned";

describe("app issuer problems: an app without a host", () => {
  it("an issuer without a host is refused; neither is fine", () => {
    assert.deepEqual(appIssuerProblems({ issuer: "selfsigned" }, {}), [
      {
        path: ["issuer"],
        message: "is set but the app has no host (no certificate); set host or remove issuer",
      },
    ]);
    assert.deepEqual(appIssuerProblems({ host: 5, issuer: "selfsigned" }, {}).length, 1);
    assert.deepEqual(appIssuerProblems({}, { certManager: { defaultIssuer: "letsencrypt-prod" } }), []);
    assert.deepEqual(appIssuerProblems({ issuer: 5 }, {}), []);
  });
});

describe("app issuer problems: the issuer against the host", () => {
  it("nothing to check without an issuer, or without cert-manager", () => {
    assert.deepEqual(appIssuerProblems({ host: "*.kube-platform.dev" }, undefined), []);
    assert.deepEqual(
      appIssuerProblems({ host: "*.kube-platform.dev" }, { certManager: { defaultIssuer: 5 } }),
      [],
    );
    assert.deepEqual(
      appIssuerProblems(
        { host: "*.kube-platform.dev", issuer: "letsencrypt-prod" },
        { certManager: { enabled: false } },
      ),
      [],
    );
  });

  it("a wildcard host with the default HTTP-01 issuer: at the host, naming the default", () => {
    assert.deepEqual(
      appIssuerProblems(
        { host: "*.kube-platform.dev" },
        { certManager: { email: EMAIL, defaultIssuer: "letsencrypt-prod", enabled: true } },
      ),
      [
        {
          path: ["host"],
          message:
            'uses the default issuer "letsencrypt-prod" (addons.certManager.defaultIssuer), which is an HTTP-01 issuer: it cannot validate the wildcard host "*.kube-platform.dev" (Let\'s Encrypt validates wildcard names only with DNS-01); allowed for a wildcard host: issuer letsencrypt-staging-dns01 or letsencrypt-prod-dns01 (with addons.dns.zones) or selfsigned',
        },
      ],
    );
  });

  it("a wildcard host with the internal CA or a covering DNS-01 issuer passes; a plain host with HTTP-01 too", () => {
    assert.deepEqual(appIssuerProblems({ host: "*.kube-platform.dev", issuer: "selfsigned" }, {}), []);
    assert.deepEqual(
      appIssuerProblems(
        { host: "*.kube-platform.dev", issuer: "letsencrypt-prod-dns01" },
        { certManager: { email: EMAIL }, dns: ZONES },
      ),
      [],
    );
    assert.deepEqual(
      appIssuerProblems(
        { host: "web.kube-platform.dev", issuer: "letsencrypt-staging" },
        { certManager: { email: EMAIL } },
      ),
      [],
    );
  });

  it("an app's own DNS-01 issuer without zones: the allowed issuers for a plain host and for a wildcard", () => {
    const own = (host: string) =>
      appIssuerProblems({ host, issuer: "letsencrypt-staging-dns01" }, { certManager: { email: EMAIL } });
    assert.deepEqual(own("web.kube-platform.dev"), [
      {
        path: ["issuer"],
        message: `names a DNS-01 issuer, which exists only with addons.dns.zones (none is set); set addons.dns.zones with the zone of "web.kube-platform.dev", or use ${HTTP01_OTHERS}`,
      },
    ]);
    assert.deepEqual(own("*.kube-platform.dev"), [
      {
        path: ["issuer"],
        message:
          'names a DNS-01 issuer, which exists only with addons.dns.zones (none is set); set addons.dns.zones with the zone of "*.kube-platform.dev", or use selfsigned',
      },
    ]);
  });

  it("the default DNS-01 issuer without zones is the default's to report; zones without names are none", () => {
    const addons = (zones: unknown) => ({
      certManager: { email: EMAIL, defaultIssuer: "letsencrypt-prod-dns01" },
      dns: { zones },
    });
    assert.deepEqual(appIssuerProblems({ host: "web.kube-platform.dev" }, addons([])), []);
    assert.deepEqual(appIssuerProblems({ host: "web.kube-platform.dev" }, addons("x")), []);
    assert.deepEqual(
      appIssuerProblems({ host: "web.kube-platform.dev" }, addons([null, { name: 5 }, {}])),
      [],
    );
  });

  it("a host no zone covers: every zone named, at the issuer or at the host", () => {
    const zones = { zones: [null, { name: "a.dev" }, { name: 1 }, { name: "b.dev" }] };
    assert.deepEqual(
      appIssuerProblems(
        { host: "web.kube-platform.dev", issuer: "letsencrypt-prod-dns01" },
        { certManager: { email: EMAIL }, dns: zones },
      ),
      [
        {
          path: ["issuer"],
          message: `is a DNS-01 issuer, but no zone of addons.dns.zones (a.dev, b.dev) covers the host "web.kube-platform.dev": its challenge record can only be published there; add the host's zone to addons.dns.zones, or use ${HTTP01_OTHERS}`,
        },
      ],
    );
    assert.deepEqual(
      appIssuerProblems(
        { host: "*.kube-platform.dev" },
        { certManager: { email: EMAIL, defaultIssuer: "letsencrypt-prod-dns01" }, dns: zones },
      ),
      [
        {
          path: ["host"],
          message:
            'uses the default issuer "letsencrypt-prod-dns01" (addons.certManager.defaultIssuer), which is a DNS-01 issuer, but no zone of addons.dns.zones (a.dev, b.dev) covers the host "*.kube-platform.dev": its challenge record can only be published there; add the host\'s zone to addons.dns.zones, or use selfsigned',
        },
      ],
    );
  });

  it("an app's own Let's Encrypt issuer needs the ACME e-mail, HTTP-01 and DNS-01 alike; the default's is the default's", () => {
    const message =
      "names a Let's Encrypt issuer, which exists only with addons.certManager.email (the ACME account e-mail); set it, or use selfsigned";
    for (const issuer of [
      "letsencrypt-staging",
      "letsencrypt-prod",
      "letsencrypt-staging-dns01",
      "letsencrypt-prod-dns01",
    ]) {
      assert.deepEqual(
        appIssuerProblems({ host: "web.kube-platform.dev", issuer }, { certManager: {}, dns: ZONES }),
        [{ path: ["issuer"], message }],
        issuer,
      );
      assert.deepEqual(
        appIssuerProblems(
          { host: "web.kube-platform.dev", issuer },
          { certManager: { email: EMAIL }, dns: ZONES },
        ),
        [],
      );
    }
    assert.deepEqual(appIssuerProblems({ host: "web.kube-platform.dev", issuer: "selfsigned" }, {}), []);
    assert.deepEqual(appIssuerProblems({ host: "web.kube-platform.dev", issuer: "letsencrypt-prod" }, {}), [
      { path: ["issuer"], message },
    ]);
    assert.deepEqual(
      appIssuerProblems({ host: "web.kube-platform.dev", issuer: "letsencrypt-prod-dns01" }, undefined).map(
        (p) => p.message.slice(0, 30),
      ),
      ["names a DNS-01 issuer, which e", "names a Let's Encrypt issuer, "],
    );
    assert.deepEqual(
      appIssuerProblems(
        { host: "web.kube-platform.dev" },
        { certManager: { defaultIssuer: "letsencrypt-prod" } },
      ),
      [],
    );
  });
});

describe("app issuer problems: every app of the raw list", () => {
  const issues = (apps: unknown) => {
    const out: { path: unknown; message: unknown }[] = [];
    const ctx = {
      addIssue: (i: { path?: unknown; message?: unknown }) => out.push({ path: i.path, message: i.message }),
    };
    checkAppIssuers(apps, {}, ctx as unknown as z.RefinementCtx);
    return out;
  };

  it("at apps[i], skipping what is not an app", () => {
    assert.deepEqual(issues([null, "x", { issuer: "selfsigned" }]), [
      {
        path: ["apps", 2, "issuer"],
        message: "is set but the app has no host (no certificate); set host or remove issuer",
      },
    ]);
    assert.deepEqual(issues({ 0: { issuer: "selfsigned" } }), []);
    assert.deepEqual(issues(undefined), []);
  });
});
