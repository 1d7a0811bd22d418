/** cert-manager's DNS-01 issuers: the solvers per provider, the controller's identity or token, when they exist. */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AddonContext } from "../components/addons/base";
import { CertManager, certManagerValues, checkDefaultIssuer } from "../components/addons/cert-manager";
import { DnsAccess, dns01IssuerNames, dns01Solvers } from "../components/addons/dns";
import { CertManagerSettings, HelmValues } from "../components/addons/types";
import { CloudDnsFacts, CloudDnsTarget, DnsZone } from "../components/cluster/types";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";
import { chartValueProblems } from "./helpers/chart-values";
import { validateKubernetesObject } from "./helpers/k8s-schemas";

/** One ServiceAccount annotation, as the bindings return it. */
const annotation = (key: string, value: string): pulumi.Output<Record<string, string>> =>
  pulumi.output(value).apply((v): Record<string, string> => ({ [key]: v }));
const ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer";
const SECRET = "kubernetes:core/v1:Secret";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const TOKEN = "cf-s3cr3t-dns01-token";
const EMAIL = "platform-team@kube-platform.dev";
const ZONES: DnsZone[] = [
  { name: "kube-platform.dev", id: "Z0123456789ABCDEFGHIJ" },
  { name: "dev.kube-platform.dev", id: "Z0987654321JIHGFEDCBA" },
];

class Dummy extends pulumi.CustomResource {
  constructor(type: string, name: string) {
    super(type, name, {});
  }
}

function testCtx(): AddonContext {
  const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
  return {
    provider,
    dependsOn: [new Dummy("test:index:ClusterReady", "ready")],
    highAvailability: false,
    kubernetesVersion: "1.34",
  };
}

function cloudTarget(facts: CloudDnsFacts, bindings: unknown[]): CloudDnsTarget {
  return {
    kind: "cloud",
    provider: facts.provider,
    bindServiceAccount: (name, sa, zones, client) => {
      bindings.push({ name, sa, zones, client });
      const podLabels: Record<string, string> =
        facts.provider === "azure" ? { "azure.workload.identity/use": "true" } : {};
      return {
        serviceAccountAnnotations: annotation("test/identity", `${name}-identity`),
        podLabels,
        principal: pulumi.output(`${name}-principal`),
        facts,
      };
    },
  };
}

const settings = (s: Partial<CertManagerSettings> = {}): CertManagerSettings => ({
  enabled: true,
  email: EMAIL,
  defaultIssuer: "letsencrypt-prod-dns01",
  values: {},
  ...s,
});

async function deploy(dns: DnsAccess | undefined, s = settings()): Promise<ProgramRun> {
  return runResources(() => {
    new CertManager("cm", { settings: s, ctx: testCtx(), ingressClassName: "traefik", dns });
  });
}

const issuer = (run: ProgramRun, name: string): RecordedResource | undefined =>
  run.ofType(ISSUER).find((i) => (i.inputs.metadata as { name: string }).name === name);
const acme = (r: RecordedResource | undefined) => (r?.inputs.spec as { acme: Record<string, unknown> }).acme;

describe("DNS-01 solvers per provider", () => {
  it("route53: one per zone, its hosted zone id, ambient credentials", () => {
    assert.deepEqual(dns01Solvers(ZONES, { provider: "aws", region: "eu-west-1" }), [
      {
        selector: { dnsZones: ["kube-platform.dev"] },
        dns01: { route53: { region: "eu-west-1", hostedZoneID: "Z0123456789ABCDEFGHIJ" } },
      },
      {
        selector: { dnsZones: ["dev.kube-platform.dev"] },
        dns01: { route53: { region: "eu-west-1", hostedZoneID: "Z0987654321JIHGFEDCBA" } },
      },
    ]);
  });

  it("cloudDNS: the project and the managed-zone name, no service account key", () => {
    assert.deepEqual(
      dns01Solvers([{ name: "gke.kube-platform.dev", id: "gke-kube-platform-dev" }], {
        provider: "google",
        project: "p",
      }),
      [
        {
          selector: { dnsZones: ["gke.kube-platform.dev"] },
          dns01: { cloudDNS: { project: "p", hostedZoneName: "gke-kube-platform-dev" } },
        },
      ],
    );
  });

  it("azureDNS: subscription, the zone's resource group and name, the managed identity's client id", () => {
    assert.deepEqual(
      dns01Solvers([{ name: "aks.kube-platform.dev", id: "kube-platform-dns" }], {
        provider: "azure",
        subscriptionId: "sub",
        clientId: "client",
      }),
      [
        {
          selector: { dnsZones: ["aks.kube-platform.dev"] },
          dns01: {
            azureDNS: {
              subscriptionID: "sub",
              resourceGroupName: "kube-platform-dns",
              hostedZoneName: "aks.kube-platform.dev",
              environment: "AzurePublicCloud",
              managedIdentity: { clientID: "client" },
            },
          },
        },
      ],
    );
  });

  it("digitalocean and cloudflare: one solver for all zones, the token Secret by reference", () => {
    const zones = [{ name: "a.dev" }, { name: "b.dev" }];
    assert.deepEqual(dns01Solvers(zones, { provider: "digitalocean", tokenSecret: "s" }), [
      {
        selector: { dnsZones: ["a.dev", "b.dev"] },
        dns01: { digitalocean: { tokenSecretRef: { name: "s", key: "token" } } },
      },
    ]);
    assert.deepEqual(dns01Solvers(zones, { provider: "cloudflare", tokenSecret: "s" }), [
      {
        selector: { dnsZones: ["a.dev", "b.dev"] },
        dns01: { cloudflare: { apiTokenSecretRef: { name: "s", key: "token" } } },
      },
    ]);
  });

  it("a cloud zone without its id is refused", () => {
    assert.throws(
      () => dns01Solvers([{ name: "a.dev" }], { provider: "aws", region: "x" }),
      /^Error: DNS-01: zone a\.dev has no cloud id \(addons\.dns\.zones\[\]\.id\)$/,
    );
  });
});

describe("cert-manager with DNS zones", function () {
  this.timeout(60_000);

  it("route53: both -dns01 issuers (ACME servers, account keys, the solvers), valid for the CRD", async () => {
    const bindings: unknown[] = [];
    const run = await deploy({
      kind: "cloud",
      target: cloudTarget({ provider: "aws", region: "eu-west-1" }, bindings),
      zones: ZONES,
    });
    assert.deepEqual(acme(issuer(run, "letsencrypt-prod-dns01")), {
      server: "https://acme-v02.api.letsencrypt.org/directory",
      email: EMAIL,
      privateKeySecretRef: { name: "letsencrypt-prod-dns01-account-key" },
      solvers: dns01Solvers(ZONES, { provider: "aws", region: "eu-west-1" }),
    });
    assert.deepEqual(acme(issuer(run, "letsencrypt-staging-dns01")), {
      server: "https://acme-staging-v02.api.letsencrypt.org/directory",
      email: EMAIL,
      privateKeySecretRef: { name: "letsencrypt-staging-dns01-account-key" },
      solvers: dns01Solvers(ZONES, { provider: "aws", region: "eu-west-1" }),
    });
    for (const i of run.ofType(ISSUER)) validateKubernetesObject(i.inputs);
    // The controller's own ServiceAccount carries the identity, bound for cert-manager's calls.
    assert.deepEqual(bindings, [
      {
        name: "cm-dns01",
        sa: { namespace: "cert-manager", name: "cert-manager" },
        zones: ZONES,
        client: "cert-manager",
      },
    ]);
    const v = run.one(RELEASE).inputs.values as HelmValues;
    assert.deepEqual(v.serviceAccount, { annotations: { "test/identity": "cm-dns01-identity" } });
    assert.deepEqual(v.podLabels, {});
    // The binding's checksum on the controller's pods: DNS-01 turned on for a running stack (only the
    // ServiceAccount annotation would change) restarts the controller, which then gets the IRSA
    // credentials. sha256 of {"podLabels":{},"serviceAccountAnnotations":{"test/identity":"cm-dns01-identity"}}
    assert.deepEqual(v.podAnnotations, {
      "kube-platform/dns-identity-checksum":
        "173808e1b31afdd05f66fbc4f3cb1884529a0d60379518a8b6048ad62b18f4b3",
    });
    assert.deepEqual(chartValueProblems("certManager", v), []);
    const release = run.one(RELEASE);
    for (const name of ["letsencrypt-prod-dns01", "letsencrypt-staging-dns01"])
      assert.ok(issuer(run, name)?.dependsOn.includes(release.urn), name);
    // The HTTP-01 pair stays beside them.
    assert.ok(issuer(run, "letsencrypt-prod") && issuer(run, "letsencrypt-staging"));
  });

  it("azure: the solver names the identity's client id; the pods carry the workload identity label", async () => {
    const facts = {
      provider: "azure" as const,
      tenantId: pulumi.output("tenant"),
      subscriptionId: pulumi.output("sub"),
      clientId: pulumi.output("client"),
    };
    const zones = [{ name: "aks.kube-platform.dev", id: "kube-platform-dns" }];
    const run = await deploy({ kind: "cloud", target: cloudTarget(facts, []), zones });
    assert.deepEqual(
      acme(issuer(run, "letsencrypt-prod-dns01")).solvers,
      dns01Solvers(zones, { provider: "azure", subscriptionId: "sub", clientId: "client" }),
    );
    assert.deepEqual((run.one(RELEASE).inputs.values as HelmValues).podLabels, {
      "azure.workload.identity/use": "true",
    });
    for (const i of run.ofType(ISSUER)) validateKubernetesObject(i.inputs);
  });

  for (const provider of ["digitalocean", "cloudflare"] as const) {
    it(`${provider}: the token in a Secret of cert-manager's namespace, the issuers wait for it and only name it`, async () => {
      const zones = [{ name: "doks.kube-platform.dev" }];
      const run = await deploy({ kind: "token", provider, token: pulumi.secret(TOKEN), zones });
      const secret = run.one(SECRET, "-dns01-token");
      assert.deepEqual(secret.inputs.metadata, {
        name: "kube-platform-dns01-token",
        namespace: "cert-manager",
        labels: { "app.kubernetes.io/part-of": "kube-platform", "app.kubernetes.io/managed-by": "pulumi" },
      });
      assert.deepEqual(secret.inputs.stringData, { token: TOKEN });
      assert.ok(secret.secretInputs.has("stringData"));
      for (const name of ["letsencrypt-prod-dns01", "letsencrypt-staging-dns01"]) {
        assert.ok(issuer(run, name)?.dependsOn.includes(secret.urn), name);
        assert.deepEqual(
          acme(issuer(run, name)).solvers,
          dns01Solvers(zones, { provider, tokenSecret: "kube-platform-dns01-token" }),
        );
      }
      for (const r of run.resources.filter((x) => x !== secret))
        assert.ok(
          !JSON.stringify([r.inputs, r.outputs]).includes(TOKEN),
          `${r.type} ${r.name} holds the token`,
        );
      const v = run.one(RELEASE).inputs.values as HelmValues;
      assert.equal(v.serviceAccount, undefined);
      // The solvers read the Secret per challenge: nothing to restart, and no token in an annotation.
      assert.equal(v.podAnnotations, undefined);
      for (const i of run.ofType(ISSUER)) validateKubernetesObject(i.inputs);
    });
  }

  it("no -dns01 issuer, no identity and no token Secret without zones or without the ACME e-mail", async () => {
    const bindings: unknown[] = [];
    const dns: DnsAccess = {
      kind: "cloud",
      target: cloudTarget({ provider: "aws", region: "x" }, bindings),
      zones: ZONES,
    };
    for (const run of [
      await deploy(undefined, settings({ defaultIssuer: "selfsigned" })),
      await deploy(dns, settings({ email: undefined, defaultIssuer: "selfsigned" })),
      await deploy(
        { kind: "token", provider: "cloudflare", token: pulumi.secret(TOKEN), zones: ZONES },
        settings({ email: undefined, defaultIssuer: "selfsigned" }),
      ),
    ]) {
      assert.equal(issuer(run, "letsencrypt-prod-dns01"), undefined);
      assert.equal(issuer(run, "letsencrypt-staging-dns01"), undefined);
      assert.deepEqual(run.ofType(SECRET), []);
      assert.equal((run.one(RELEASE).inputs.values as HelmValues).serviceAccount, undefined);
    }
    assert.deepEqual(bindings, []);
    assert.deepEqual(dns01IssuerNames(EMAIL, true), ["letsencrypt-staging-dns01", "letsencrypt-prod-dns01"]);
    assert.deepEqual(dns01IssuerNames(undefined, true), []);
    assert.deepEqual(dns01IssuerNames(EMAIL, false), []);
  });

  it("a -dns01 default issuer needs the e-mail and the zones (named), and is accepted with both", () => {
    assert.doesNotThrow(() => checkDefaultIssuer("letsencrypt-prod-dns01", EMAIL, undefined, true));
    assert.throws(
      () => checkDefaultIssuer("letsencrypt-prod-dns01", EMAIL, "traefik", false),
      /needs addons\.dns\.zones \(DNS-01 challenges are TXT records in the configured zones\)/,
    );
    assert.throws(
      () => checkDefaultIssuer("letsencrypt-staging-dns01", undefined, "traefik", false),
      /needs addons\.certManager\.email and addons\.dns\.zones/,
    );
    // The HTTP-01 issuers are unchanged by zones.
    assert.doesNotThrow(() => checkDefaultIssuer("letsencrypt-prod", EMAIL, "traefik", false));
  });

  it("without an identity the values carry no serviceAccount or podLabels key", () => {
    const v = certManagerValues(false);
    assert.equal(v.serviceAccount, undefined);
    assert.equal(v.podLabels, undefined);
    assert.equal(v.podAnnotations, undefined);
  });
});
