/**
 * stacks/dns-config.ts and stacks/dns-values-config.ts called directly on raw `addons.dns`: each
 * target's rules with their whole messages, the accepted neighbour of each refusal, raw input in
 * other forms, and the typed settings.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  defaultTxtOwnerId,
  dns01IssuerProblems,
  dnsSchema,
  dnsTargetProblems,
  ingressHostnameZoneProblems,
  toDnsSettings,
  zoneNameProblems,
} from "../stacks/dns-config";
import { dnsValuesProblems } from "../stacks/dns-values-config";

const A = { name: "a.dev" };
const NO_TOKEN = (t: string) =>
  `is only for cluster.target doks or existing: ${t} reaches its DNS through a workload identity; remove it`;
const messages = (ps: { path: unknown[]; message: string }[]) =>
  ps.map((p) => `${p.path.join(".")}: ${p.message}`);

describe("DNS targets: nothing to check", () => {
  it("without zones, with zones in another form, or without a target", () => {
    assert.deepEqual(dnsTargetProblems("eks", undefined, undefined), []);
    assert.deepEqual(dnsTargetProblems("eks", { zones: "a.dev" }, undefined), []);
    assert.deepEqual(dnsTargetProblems("eks", { zones: [null, "a.dev", 1] }, undefined), []);
    assert.deepEqual(dnsTargetProblems(undefined, { zones: [A] }, undefined), []);
    assert.deepEqual(dnsTargetProblems(5, { zones: [A], values: { provider: {} } }, undefined), []);
    assert.deepEqual(dnsTargetProblems("kind", { zones: [A], provider: "cloudflare" }, undefined), []);
  });
});

describe("DNS targets: the cloud targets", () => {
  it("each zone needs its cloud handle, in its form; a handle in another type is the schema's", () => {
    assert.deepEqual(
      messages(dnsTargetProblems("eks", { zones: [A, { ...A, id: "z1" }, { ...A, id: 5 }] }, {})),
      [
        "zones.0.id: is required on cluster.target eks: the Route 53 hosted zone id",
        'zones.1.id: must be a Route 53 hosted zone id like "Z0123456789ABCDEFGHIJ" (without "/hostedzone/")',
      ],
    );
    assert.deepEqual(messages(dnsTargetProblems("gke", { zones: [A, { ...A, id: "Dev" }] }, {})), [
      "zones.0.id: is required on cluster.target gke: the Cloud DNS managed-zone name",
      'zones.1.id: must be a Cloud DNS managed-zone name like "kube-platform-dev" (1-63 lowercase letters, digits, "-")',
    ]);
    assert.deepEqual(messages(dnsTargetProblems("aks", { zones: [A, { ...A, id: "rg." }] }, {})), [
      "zones.0.id: is required on cluster.target aks: the resource group of the Azure DNS zone",
      'zones.1.id: must be an Azure resource group name (1-90 letters, digits, "_", "-", ".", "(", ")"; not ending in ".")',
    ]);
    assert.deepEqual(dnsTargetProblems("eks", { zones: [{ ...A, id: "Z0123" }] }, {}), []);
    assert.deepEqual(dnsTargetProblems("gke", { zones: [{ ...A, id: 5 }] }, {}), []);
  });

  it("a token service or its secret is refused on each, each at its key", () => {
    for (const t of ["eks", "gke", "aks"]) {
      const zones = [{ ...A, id: t === "eks" ? "Z1" : "dns" }];
      assert.deepEqual(
        messages(dnsTargetProblems(t, { zones, provider: "cloudflare", tokenSecret: "t" }, {})),
        [`provider: ${NO_TOKEN(t)}`, `tokenSecret: ${NO_TOKEN(t)}`],
      );
      assert.deepEqual(messages(dnsTargetProblems(t, { zones, tokenSecret: "t" }, {})), [
        `tokenSecret: ${NO_TOKEN(t)}`,
      ]);
    }
  });

  it("aks: every zone in one resource group; the same group twice is one", () => {
    const zones = (...ids: unknown[]) => ids.map((id, i) => ({ name: `z${i}.dev`, id }));
    assert.deepEqual(
      messages(dnsTargetProblems("aks", { zones: zones("rg-a", "rg-b", "rg-a", "rg-c") }, {})),
      [
        "zones: are in 3 resource groups (rg-a, rg-b, rg-c); on aks every zone must be in one: external-dns manages the zones of one resource group",
      ],
    );
    assert.deepEqual(dnsTargetProblems("aks", { zones: zones("rg-a", "rg-a") }, {}), []);
    assert.deepEqual(messages(dnsTargetProblems("aks", { zones: zones("rg-a", 5) }, {})), []);
    assert.deepEqual(dnsTargetProblems("gke", { zones: zones("rg-a", "rg-b") }, {}), []);
  });
});

describe("DNS targets: the token targets", () => {
  it("doks: a zone id is refused, the provider defaults to DigitalOcean, Cloudflare is not offered", () => {
    const secrets = { t: "x" };
    assert.deepEqual(
      messages(dnsTargetProblems("doks", { zones: [A, { ...A, id: "z" }], tokenSecret: "t" }, secrets)),
      [
        "zones.1.id: is not used on cluster.target doks: the zone is found by its name with the API token; remove it",
      ],
    );
    assert.deepEqual(
      dnsTargetProblems("doks", { zones: [A], tokenSecret: "t", provider: "digitalocean" }, secrets),
      [],
    );
    assert.deepEqual(
      messages(dnsTargetProblems("doks", { zones: [A], tokenSecret: "t", provider: "cloudflare" }, secrets)),
      ["provider: is not offered on cluster.target doks; allowed: digitalocean"],
    );
    // A provider outside the token services is the schema's to report.
    assert.deepEqual(
      dnsTargetProblems("doks", { zones: [A], tokenSecret: "t", provider: "route53" }, secrets),
      [],
    );
  });

  it("existing: the provider is required, either service offered", () => {
    assert.deepEqual(messages(dnsTargetProblems("existing", { zones: [A], tokenSecret: "t" }, { t: "x" })), [
      "provider: is required on cluster.target existing (no cloud identity): the DNS service of the zones; allowed: cloudflare | digitalocean",
    ]);
    for (const provider of ["cloudflare", "digitalocean"]) {
      assert.deepEqual(
        dnsTargetProblems("existing", { zones: [A], tokenSecret: "t", provider }, { t: "x" }),
        [],
      );
    }
  });

  it("the token's secret: required, and set in `secrets`", () => {
    const dns = (tokenSecret: unknown) => ({ zones: [A], provider: "cloudflare", tokenSecret });
    assert.deepEqual(messages(dnsTargetProblems("existing", dns(undefined), {})), [
      "tokenSecret: is required on cluster.target existing (no cloud identity): the key of `secrets` holding the DNS API token, set with `pulumi config set --secret --path secrets.<name> <token>`",
    ]);
    const notSet =
      'tokenSecret: names the secret "cf", which is not set; set it with `pulumi config set --secret --path secrets.cf <token>`';
    assert.deepEqual(messages(dnsTargetProblems("existing", dns("cf"), undefined)), [notSet]);
    assert.deepEqual(messages(dnsTargetProblems("existing", dns("cf"), { other: "x" })), [notSet]);
    assert.deepEqual(dnsTargetProblems("existing", dns("cf"), { cf: "x" }), []);
    assert.deepEqual(dnsTargetProblems("existing", dns(5), {}), []);
  });
});

describe("DNS targets: the ingress's own record", () => {
  const dns = { zones: [{ ...A, id: "Z1" }], ingressHostname: "in.a.dev" };

  it("needs the ingress controller and LoadBalancer Services; either unknown is no refusal", () => {
    assert.deepEqual(messages(dnsTargetProblems("eks", dns, {}, { enabled: false, loadBalancer: "none" })), [
      "ingressHostname: needs the ingress controller (addons.ingress.enabled is false); remove it",
    ]);
    assert.deepEqual(messages(dnsTargetProblems("eks", dns, {}, { enabled: true, loadBalancer: "none" })), [
      'ingressHostname: needs a LoadBalancer Service (cluster.loadBalancer is "none": the ingress runs on node ports); remove it and create the record by hand',
    ]);
    assert.deepEqual(dnsTargetProblems("eks", dns, {}, { enabled: true, loadBalancer: "available" }), []);
    assert.deepEqual(dnsTargetProblems("eks", dns, {}), []);
    assert.deepEqual(dnsTargetProblems("eks", { zones: dns.zones }, {}, { enabled: false }), []);
  });

  it("must be in a configured zone, naming the zones or none", () => {
    assert.deepEqual(
      ingressHostnameZoneProblems({ zones: [A, { name: "b.dev" }], ingressHostname: "in.c.dev" }),
      [
        {
          path: ["ingressHostname"],
          message:
            "is in no configured zone (addons.dns.zones: a.dev, b.dev); allowed: a host one of the zones covers (its apex or a name under it)",
        },
      ],
    );
    assert.deepEqual(messages(ingressHostnameZoneProblems({ zones: [], ingressHostname: "in.c.dev" })), [
      "ingressHostname: is in no configured zone (addons.dns.zones: none); allowed: a host one of the zones covers (its apex or a name under it)",
    ]);
    assert.deepEqual(ingressHostnameZoneProblems({ zones: [A], ingressHostname: "a.dev" }), []);
    assert.deepEqual(ingressHostnameZoneProblems({ zones: [] }), []);
  });

  it("zone names once each, at the second one's name", () => {
    assert.deepEqual(zoneNameProblems([A, { name: "b.dev" }, A]), [
      { path: [2, "name"], message: "is listed twice" },
    ]);
    assert.deepEqual(zoneNameProblems([A, { name: "b.dev" }]), []);
  });
});

describe("DNS: a DNS-01 default issuer", () => {
  const issuer = (certManager: Record<string, unknown>, zones: unknown = [A]) =>
    messages(dns01IssuerProblems({ certManager, dns: { zones } }));

  it("needs the ACME e-mail and the zones, both reported", () => {
    assert.deepEqual(issuer({ defaultIssuer: "letsencrypt-staging-dns01" }, []), [
      'certManager.email: is required for the DNS-01 issuer "letsencrypt-staging-dns01" (the ACME account e-mail); or choose another certManager.defaultIssuer',
      'certManager.defaultIssuer: "letsencrypt-staging-dns01" solves DNS-01 in addons.dns.zones, which are not set; configure the zones or choose another issuer',
    ]);
    assert.deepEqual(issuer({ defaultIssuer: "letsencrypt-prod-dns01", email: "a@b.dev" }), []);
    assert.deepEqual(issuer({ defaultIssuer: "letsencrypt-prod-dns01", email: "a@b.dev" }, null).length, 1);
  });

  it("nothing for another issuer or without cert-manager", () => {
    assert.deepEqual(issuer({ defaultIssuer: "letsencrypt-prod" }, []), []);
    assert.deepEqual(issuer({ defaultIssuer: "letsencrypt-prod-dns01", enabled: false }, []), []);
    assert.deepEqual(dns01IssuerProblems(undefined), []);
    assert.deepEqual(
      messages(
        dns01IssuerProblems({ certManager: { defaultIssuer: "letsencrypt-prod-dns01", enabled: true } }),
      ).length,
      2,
    );
  });
});

describe("DNS values: raw values in other forms", () => {
  it("values or a nested key in another form hold nothing", () => {
    assert.deepEqual(dnsValuesProblems(null, { target: "aks", provider: undefined }), []);
    assert.deepEqual(dnsValuesProblems(["provider"], { target: "aks", provider: undefined }), []);
    assert.deepEqual(
      dnsValuesProblems({ podLabels: null, podAnnotations: "x" }, { target: "aks", provider: undefined }),
      [],
    );
    assert.deepEqual(
      dnsValuesProblems(
        { podLabels: ["azure.workload.identity/use"] },
        { target: "aks", provider: undefined },
      ),
      [],
    );
    assert.deepEqual(
      messages(
        dnsValuesProblems({ provider: null, interval: "1m" }, { target: "existing", provider: "cloudflare" }),
      ),
      [
        "values.provider: is set by the platform from cluster.target existing and addons.dns.provider (the DigitalOcean webhook holds the API token); remove it",
      ],
    );
    assert.deepEqual(
      dnsValuesProblems(
        { podLabels: { "azure.workload.identity/use": "true" } },
        { target: "eks", provider: undefined },
      ),
      [],
    );
    assert.deepEqual(
      messages(dnsValuesProblems({ interval: ["1m"] }, { target: "eks", provider: undefined })),
      [
        'values.interval: must be a duration in hours, minutes and seconds like "1m", "90s" or "1h30m" (external-dns\'s sync interval; a teardown waits one interval for external-dns)',
      ],
    );
    assert.deepEqual(messages(dnsValuesProblems({ provider: 1 }, { target: "gke", provider: undefined })), [
      "values.provider: is set by the platform from cluster.target gke; remove it",
    ]);
  });
});

describe("DNS schema and owner id", () => {
  it("zones default to none; tokenSecret must be a whole key of `secrets`", () => {
    assert.deepEqual(dnsSchema("sync").parse({}).zones, []);
    assert.equal(dnsSchema("upsert-only").parse({}).policy, "upsert-only");
    assert.equal(dnsSchema("sync").parse({ tokenSecret: "dns-token_1" }).tokenSecret, "dns-token_1");
    for (const bad of ["1token", "token!", "my token", ""]) {
      const r = dnsSchema("sync").safeParse({ tokenSecret: bad });
      assert.deepEqual(
        r.success ? [] : r.error.issues.map((i) => i.message),
        ["must be a key of `secrets`"],
        bad,
      );
    }
  });

  it("the readable part: runs of other characters become one '-', none at either end, cut before the hash", () => {
    const id = (project: string, stack = "s", clusterName = `${project}-${stack}`) =>
      defaultTxtOwnerId({ project, stack, clusterName });
    assert.match(id("Kube!!Platform"), /^kube-platform-s-[0-9a-f]{8}$/);
    assert.match(id("._kube_.", "._dev._"), /^kube_.-._dev-[0-9a-f]{8}$/);
    assert.match(id(`${"a".repeat(52)}._b`), /^a{52}-[0-9a-f]{8}$/);
    assert.match(id("!!!", "***"), /^[0-9a-f]{8}$/);
  });
});

describe("DNS settings: typed", () => {
  const scope = { project: "kube-platform", stack: "dev", clusterName: "kube-platform-dev" };
  const config = (dns: Record<string, unknown>) => ({
    zones: [A],
    policy: "sync" as const,
    values: {},
    ...dns,
  });

  it("none without zones; the zone id only when set; the owner id given or the default", () => {
    assert.equal(toDnsSettings(undefined, { ...scope, target: "eks", secrets: {} }), undefined);
    assert.equal(toDnsSettings(config({ zones: [] }), { ...scope, target: "eks", secrets: {} }), undefined);
    const s = toDnsSettings(config({ zones: [A, { name: "b.dev", id: "Z1" }], txtOwnerId: "own" }), {
      ...scope,
      target: "eks",
      secrets: {},
    });
    assert.deepEqual(s, {
      zones: [{ name: "a.dev" }, { name: "b.dev", id: "Z1" }],
      policy: "sync",
      txtOwnerId: "own",
      values: {},
    });
    assert.ok(!("token" in (s ?? {})));
  });

  it("the token: the configured service or DigitalOcean on doks, its value a Pulumi secret; none without the secret", async () => {
    const on = (target: string, dns: Record<string, unknown>, secrets: Record<string, string>) =>
      toDnsSettings(config({ txtOwnerId: "o", ...dns }), { ...scope, target, secrets });
    const doks = on("doks", { tokenSecret: "t" }, { t: "tok" })?.token;
    assert.equal(doks?.provider, "digitalocean");
    assert.ok(doks);
    assert.equal(await pulumi.isSecret(doks.value), true);
    assert.equal(await new Promise((res) => doks.value.apply(res)), "tok");
    assert.equal(
      on("doks", { tokenSecret: "t", provider: "cloudflare" }, { t: "tok" })?.token?.provider,
      "cloudflare",
    );
    assert.equal(
      on("existing", { tokenSecret: "t", provider: "cloudflare" }, { t: "tok" })?.token?.provider,
      "cloudflare",
    );
    assert.equal(on("existing", { tokenSecret: "t" }, { t: "tok" })?.token, undefined);
    assert.equal(on("doks", { tokenSecret: "t" }, {})?.token, undefined);
    assert.equal(on("doks", {}, { t: "tok" })?.token, undefined);
    assert.equal(on("doks", {}, { undefined: "tok" })?.token, undefined);
    assert.equal(on("doks", { ingressHostname: "in.a.dev" }, {})?.ingressHostname, "in.a.dev");
  });
});
