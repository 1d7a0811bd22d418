/** `addons.dns`: every bad input gives one precise message (key, value, what is allowed); good ones parse. */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { isSecretValues } from "../components/addons/base";
import { DnsSettings } from "../components/addons/types";
import { ConfigContext, parseConfig } from "../stacks/config";
import { TXT_OWNER_ID, TXT_OWNER_ID_MAX, defaultTxtOwnerId, dnsTargetProblems } from "../stacks/dns-config";
import { SAMPLE_KUBECONFIG } from "../offline/stacks";
import { problemsOf } from "./helpers/config-problems";

const ctx: ConfigContext = { project: "kube-platform", stack: "dev", readFile: () => SAMPLE_KUBECONFIG };
type Raw = Record<string, unknown>;

const CLUSTERS: Record<string, Raw> = {
  eks: { target: "eks", region: "eu-west-1", publicAccessCidrs: ["198.18.0.0/24"] },
  gke: {
    target: "gke",
    project: "my-gcp-project",
    region: "europe-west1",
    masterAuthorizedNetworks: [{ name: "office", cidr: "198.18.0.0/24" }],
  },
  aks: { target: "aks", location: "westeurope", authorizedIpRanges: ["198.18.0.0/24"] },
  doks: { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] },
  existing: {
    target: "existing",
    kubeconfigPath: "/kubeconfig",
    defaultStorageClass: "standard",
    loadBalancer: "available",
  },
};
const ID = { eks: "Z0123456789ABCDEFGHIJ", gke: "kube-platform-dev", aks: "kube-platform-dns" } as const;

/** A dev stack on `target` with `dns` (and `secrets`). */
function raw(target: keyof typeof CLUSTERS, dns: Raw, extra: Raw = {}): Raw {
  return { cluster: CLUSTERS[target], addons: { dns }, ...extra };
}
const zone = (name: string, id?: string) => (id === undefined ? { name } : { name, id });
const settingsOf = (r: Raw, c = ctx): DnsSettings | undefined => parseConfig(r, c).addons.dns;
const problems = (r: Raw) => problemsOf(r, ctx);
const TOKEN = { secrets: { dnsToken: "s3cr3t-token" } };

async function resolved<T>(o: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
  return { value: await new Promise<T>((res) => o.apply((v) => res(v))), secret: await pulumi.isSecret(o) };
}

describe("DNS config: zones", () => {
  it("accepts DNS names; no zones (or no section) is no DNS", () => {
    assert.deepEqual(settingsOf(raw("eks", { zones: [zone("kube-platform.dev", ID.eks)] }))?.zones, [
      { name: "kube-platform.dev", id: ID.eks },
    ]);
    assert.equal(settingsOf(raw("eks", { zones: [] })), undefined);
    assert.equal(settingsOf({ cluster: CLUSTERS.eks }), undefined);
    // A 63-character label and a 253-character name are the longest allowed.
    const label63 = "a".repeat(63);
    const name253 = [label63, label63, label63, "b".repeat(57), "dev"].join(".");
    assert.equal(name253.length, 253);
    assert.deepEqual(
      problems(raw("eks", { zones: [zone(`${label63}.dev`, ID.eks), zone(name253, ID.eks)] })),
      [],
    );
  });

  for (const [name, why] of [
    ["Kube-Platform.dev", "uppercase"],
    ["kube-platform.dev.", "a trailing dot"],
    ["*.kube-platform.dev", "a wildcard"],
    ["localhost", "a single label"],
    [`${"a".repeat(64)}.dev`, "a 64-character label"],
    [[..."abcd"].map((c) => c.repeat(63)).join(".") + ".dev", "more than 253 characters"],
    ["-kube.dev", "a label starting with '-'"],
  ]) {
    it(`refuses ${why}`, () => {
      assert.deepEqual(problems(raw("eks", { zones: [zone(name, ID.eks)] })), [
        `addons.dns.zones[0].name: got ${JSON.stringify(name).length > 80 ? `${JSON.stringify(name).slice(0, 77)}...` : JSON.stringify(name)}; must be a lowercase DNS name like "example.com" (no trailing dot, no wildcard)`,
      ]);
    });
  }

  it("refuses a zone listed twice, at the second one", () => {
    assert.deepEqual(problems(raw("eks", { zones: [zone("a.dev", ID.eks), zone("a.dev", "Z2")] })), [
      'addons.dns.zones[1].name: got "a.dev"; is listed twice',
    ]);
  });

  it("refuses unknown keys, naming the allowed ones", () => {
    assert.deepEqual(problems(raw("eks", { zones: [zone("a.dev", ID.eks)], zone: "a.dev" })), [
      "addons.dns.zone: unknown key; allowed keys here: ingressHostname, policy, provider, tokenSecret, txtOwnerId, values, zones",
    ]);
  });
});

describe("DNS config: per target", () => {
  it("eks, gke, aks: each zone needs its cloud id, in the cloud's form", () => {
    assert.deepEqual(problems(raw("eks", { zones: [zone("a.dev")] })), [
      "addons.dns.zones[0].id: is required on cluster.target eks: the Route 53 hosted zone id",
    ]);
    assert.deepEqual(problems(raw("gke", { zones: [zone("a.dev")] })), [
      "addons.dns.zones[0].id: is required on cluster.target gke: the Cloud DNS managed-zone name",
    ]);
    assert.deepEqual(problems(raw("aks", { zones: [zone("a.dev")] })), [
      "addons.dns.zones[0].id: is required on cluster.target aks: the resource group of the Azure DNS zone",
    ]);
    assert.deepEqual(problems(raw("eks", { zones: [zone("a.dev", "/hostedzone/Z1")] })), [
      'addons.dns.zones[0].id: got "/hostedzone/Z1"; must be a Route 53 hosted zone id like "Z0123456789ABCDEFGHIJ" (without "/hostedzone/")',
    ]);
    assert.deepEqual(problems(raw("gke", { zones: [zone("a.dev", "Kube_Zone")] })), [
      'addons.dns.zones[0].id: got "Kube_Zone"; must be a Cloud DNS managed-zone name like "kube-platform-dev" (1-63 lowercase letters, digits, "-")',
    ]);
    assert.deepEqual(problems(raw("aks", { zones: [zone("a.dev", "rg.")] })), [
      'addons.dns.zones[0].id: got "rg."; must be an Azure resource group name (1-90 letters, digits, "_", "-", ".", "(", ")"; not ending in ".")',
    ]);
    for (const target of ["eks", "gke", "aks"] as const)
      assert.deepEqual(problems(raw(target, { zones: [zone("a.dev", ID[target])] })), [], target);
  });

  it("eks, gke, aks: a token is refused (the workload identity reaches the DNS)", () => {
    assert.deepEqual(
      problems(
        raw(
          "gke",
          { zones: [zone("a.dev", ID.gke)], provider: "cloudflare", tokenSecret: "dnsToken" },
          TOKEN,
        ),
      ),
      [
        'addons.dns.provider: got "cloudflare"; is only for cluster.target doks or existing: gke reaches its DNS through a workload identity; remove it',
        'addons.dns.tokenSecret: got "dnsToken"; is only for cluster.target doks or existing: gke reaches its DNS through a workload identity; remove it',
      ],
    );
  });

  it("aks: every zone in one resource group", () => {
    assert.deepEqual(
      problemsOf(raw("aks", { zones: [zone("a.dev", "rg-a"), zone("b.dev", "rg-b")] }), ctx).map((p) =>
        p.replace(/got .*?; /, ""),
      ),
      [
        "addons.dns.zones: are in 2 resource groups (rg-a, rg-b); on aks every zone must be in one: external-dns manages the zones of one resource group",
      ],
    );
    assert.deepEqual(problems(raw("aks", { zones: [zone("a.dev", "rg-a"), zone("b.dev", "rg-a")] })), []);
  });

  it("doks: no zone id; tokenSecret required and set; provider digitalocean only (the default)", async () => {
    assert.deepEqual(problems(raw("doks", { zones: [zone("a.dev", "x")], tokenSecret: "dnsToken" }, TOKEN)), [
      'addons.dns.zones[0].id: got "x"; is not used on cluster.target doks: the zone is found by its name with the API token; remove it',
    ]);
    assert.deepEqual(problems(raw("doks", { zones: [zone("a.dev")] })), [
      "addons.dns.tokenSecret: is required on cluster.target doks (no cloud identity): the key of `secrets` holding the DNS API token, set with `pulumi config set --secret --path secrets.<name> <token>`",
    ]);
    assert.deepEqual(problems(raw("doks", { zones: [zone("a.dev")], tokenSecret: "dnsToken" })), [
      'addons.dns.tokenSecret: got "dnsToken"; names the secret "dnsToken", which is not set; set it with `pulumi config set --secret --path secrets.dnsToken <token>`',
    ]);
    assert.deepEqual(
      problems(
        raw("doks", { zones: [zone("a.dev")], provider: "cloudflare", tokenSecret: "dnsToken" }, TOKEN),
      ),
      ['addons.dns.provider: got "cloudflare"; is not offered on cluster.target doks; allowed: digitalocean'],
    );
    const s = settingsOf(raw("doks", { zones: [zone("a.dev")], tokenSecret: "dnsToken" }, TOKEN));
    assert.equal(s?.token?.provider, "digitalocean");
    assert.deepEqual(s?.token && (await resolved(s.token.value)), { value: "s3cr3t-token", secret: true });
    assert.deepEqual(
      problems(
        raw("doks", { zones: [zone("a.dev")], provider: "digitalocean", tokenSecret: "dnsToken" }, TOKEN),
      ),
      [],
    );
  });

  it("existing: provider and tokenSecret required; either token service", () => {
    assert.deepEqual(problems(raw("existing", { zones: [zone("a.dev")] })), [
      "addons.dns.provider: is required on cluster.target existing (no cloud identity): the DNS service of the zones; allowed: cloudflare | digitalocean",
      "addons.dns.tokenSecret: is required on cluster.target existing (no cloud identity): the key of `secrets` holding the DNS API token, set with `pulumi config set --secret --path secrets.<name> <token>`",
    ]);
    assert.deepEqual(
      problems(
        raw("existing", { zones: [zone("a.dev")], provider: "route53", tokenSecret: "dnsToken" }, TOKEN),
      ),
      ['addons.dns.provider: got "route53"; allowed: "cloudflare" | "digitalocean"'],
    );
    for (const provider of ["cloudflare", "digitalocean"]) {
      const s = settingsOf(
        raw("existing", { zones: [zone("a.dev")], provider, tokenSecret: "dnsToken" }, TOKEN),
      );
      assert.equal(s?.token?.provider, provider);
    }
  });

  it("a token problem never echoes the token", () => {
    const all = problems(
      raw("existing", { zones: [zone("a.dev")], provider: "x", tokenSecret: "dnsToken" }, TOKEN),
    ).join("\n");
    assert.ok(!all.includes("s3cr3t-token"), all);
  });

  it("the same rule for the preflight: a pure function of target, dns and secrets", () => {
    assert.deepEqual(
      dnsTargetProblems("doks", { zones: [{ name: "a.dev" }], tokenSecret: "t" }, { t: "x" }),
      [],
    );
    assert.deepEqual(dnsTargetProblems("eks", { zones: [] }, undefined), []);
    assert.deepEqual(
      dnsTargetProblems("eks", { zones: [{ name: "a.dev" }] }, undefined).map((p) => p.path),
      [["zones", 0, "id"]],
    );
  });
});

describe("DNS config: policy, owner id, issuers, secrecy", () => {
  it("policy: sync in dev, upsert-only in prod, either when set", () => {
    const zones = [zone("a.dev", ID.eks)];
    assert.equal(settingsOf(raw("eks", { zones }))?.policy, "sync");
    const prodProblems = problems({ ...raw("eks", { zones }), profile: "prod" }).filter((p) =>
      p.startsWith("addons.dns"),
    );
    assert.deepEqual(prodProblems, []);
    assert.equal(settingsOf(raw("eks", { zones, policy: "upsert-only" }))?.policy, "upsert-only");
    assert.deepEqual(problems(raw("eks", { zones, policy: "create-only" })), [
      'addons.dns.policy: got "create-only"; allowed: "upsert-only" | "sync"',
    ]);
  });

  it("txtOwnerId: by default the project, stack, cluster and organization with a hash; set: letters, digits, '.', '_', '-', at most 63", () => {
    const zones = [zone("a.dev", ID.eks)];
    // The cluster name is the default (<project>-<stack>): not repeated, but in the hash.
    assert.equal(settingsOf(raw("eks", { zones }))?.txtOwnerId, "kube-platform-dev-9433226e");
    assert.equal(
      settingsOf(raw("eks", { zones }), { ...ctx, stack: "prod" })?.txtOwnerId,
      "kube-platform-prod-fe86bd1c",
    );
    // A Pulumi Cloud organization is part of it; the DIY backend's fixed "organization" is not.
    assert.equal(
      settingsOf(raw("eks", { zones }), { ...ctx, stack: "prod", organization: "acme" })?.txtOwnerId,
      "acme-kube-platform-prod-be6934b0",
    );
    assert.equal(
      settingsOf(raw("eks", { zones }), { ...ctx, organization: "organization" })?.txtOwnerId,
      "kube-platform-dev-9433226e",
    );
    // Another cluster name: in the readable part and in the hash.
    const named = { ...raw("eks", { zones }), cluster: { ...CLUSTERS.eks, clusterName: "shop-eu" } };
    assert.equal(
      settingsOf(named, { ...ctx, stack: "prod", organization: "acme" })?.txtOwnerId,
      "acme-kube-platform-prod-shop-eu-cfa44474",
    );
    // Set explicitly: taken as it is, whatever the scope.
    assert.equal(
      settingsOf(raw("eks", { zones, txtOwnerId: "shop-prod" }), { ...ctx, organization: "acme" })
        ?.txtOwnerId,
      "shop-prod",
    );
    const max = "a".repeat(TXT_OWNER_ID_MAX);
    assert.equal(settingsOf(raw("eks", { zones, txtOwnerId: max }))?.txtOwnerId, max);
    for (const bad of [`${max}b`, "a,b", "a=b", "-a", ""]) {
      assert.deepEqual(problems(raw("eks", { zones, txtOwnerId: bad })), [
        `addons.dns.txtOwnerId: got ${JSON.stringify(bad)}; must be letters, digits, ".", "_" or "-" (no "," or "="), at most 63`,
      ]);
    }
  });

  it("the default owner id stays valid and unique for long or odd names", () => {
    const scope = { project: "kube-platform", stack: "eks-dev", clusterName: "kube-platform-eks-dev" };
    assert.match(defaultTxtOwnerId(scope), /^kube-platform-eks-dev-[0-9a-f]{8}$/);
    const long = defaultTxtOwnerId({ ...scope, stack: "x".repeat(100), clusterName: "c" });
    assert.equal(long.length, TXT_OWNER_ID_MAX);
    assert.match(long, /^kube-platform-x+-[0-9a-f]{8}$/);
    assert.match(long, TXT_OWNER_ID);
    assert.notEqual(long, defaultTxtOwnerId({ ...scope, stack: `${"x".repeat(100)}y`, clusterName: "c" }));
    assert.equal(
      defaultTxtOwnerId({ project: "Kube Platform", stack: "dev/eu", clusterName: "kube-platform-dev-eu" }),
      "kube-platform-dev-eu-cb2bc784",
    );
    // Parts that read alike once joined still differ (the hash is of the parts).
    assert.notEqual(
      defaultTxtOwnerId({ project: "a", stack: "b-c", clusterName: "x" }),
      defaultTxtOwnerId({ project: "a-b", stack: "c", clusterName: "x" }),
    );
    assert.notEqual(defaultTxtOwnerId(scope), defaultTxtOwnerId({ ...scope, clusterName: "other" }));
    assert.notEqual(defaultTxtOwnerId(scope), defaultTxtOwnerId({ ...scope, organization: "acme" }));
  });

  it("a DNS-01 default issuer needs the ACME e-mail and the zones", () => {
    const zones = [zone("a.dev", ID.eks)];
    assert.deepEqual(
      problems({
        cluster: CLUSTERS.eks,
        addons: { certManager: { defaultIssuer: "letsencrypt-prod-dns01" }, dns: { zones } },
      }),
      [
        'addons.certManager.email: is required for the DNS-01 issuer "letsencrypt-prod-dns01" (the ACME account e-mail); or choose another certManager.defaultIssuer',
      ],
    );
    assert.deepEqual(
      problems({
        cluster: CLUSTERS.eks,
        addons: {
          certManager: { defaultIssuer: "letsencrypt-staging-dns01", email: "ops@kube-platform.dev" },
        },
      }),
      [
        'addons.certManager.defaultIssuer: got "letsencrypt-staging-dns01"; "letsencrypt-staging-dns01" solves DNS-01 in addons.dns.zones, which are not set; configure the zones or choose another issuer',
      ],
    );
    assert.deepEqual(
      problems({
        cluster: CLUSTERS.eks,
        addons: {
          certManager: { defaultIssuer: "letsencrypt-prod-dns01", email: "ops@kube-platform.dev" },
          dns: { zones },
        },
      }),
      [],
    );
  });

  it("a secret addons key makes the external-dns values secret too", () => {
    const cfg = parseConfig(raw("eks", { zones: [zone("a.dev", ID.eks)], values: { logLevel: "debug" } }), {
      ...ctx,
      secretKeys: new Set(["addons"]),
    });
    assert.ok(cfg.addons.dns && isSecretValues(cfg.addons.dns.values));
  });
});

describe("DNS config: the ingress's own record (ingressHostname)", () => {
  const zones = [zone("kube-platform.dev", ID.eks)];

  it("a host a configured zone covers (its apex, a name or a wildcard under it) is taken; absent: none", () => {
    for (const host of ["ingress.kube-platform.dev", "kube-platform.dev", "*.apps.kube-platform.dev"]) {
      assert.deepEqual(problems(raw("eks", { zones, ingressHostname: host })), [], host);
      assert.equal(settingsOf(raw("eks", { zones, ingressHostname: host }))?.ingressHostname, host);
    }
    assert.equal(settingsOf(raw("eks", { zones }))?.ingressHostname, undefined);
  });

  it("a host in no configured zone, or not a hostname, is refused naming the zones", () => {
    assert.deepEqual(problems(raw("eks", { zones, ingressHostname: "ingress.example.org" })), [
      'addons.dns.ingressHostname: got "ingress.example.org"; is in no configured zone (addons.dns.zones: kube-platform.dev); allowed: a host one of the zones covers (its apex or a name under it)',
    ]);
    assert.deepEqual(problems(raw("eks", { zones, ingressHostname: "evilkube-platform.dev" })).length, 1);
    assert.deepEqual(problems(raw("eks", { zones, ingressHostname: "Ingress_1.kube-platform.dev" })), [
      'addons.dns.ingressHostname: got "Ingress_1.kube-platform.dev"; must be a DNS hostname like "ingress.example.com", or a wildcard with one leading label like "*.example.com"',
    ]);
  });

  it("needs the ingress controller and a LoadBalancer Service", () => {
    const host = "ingress.kube-platform.dev";
    assert.deepEqual(
      problems({
        cluster: CLUSTERS.eks,
        addons: { dns: { zones, ingressHostname: host }, ingress: { enabled: false } },
      }).filter((p) => p.startsWith("addons.dns")),
      [
        'addons.dns.ingressHostname: got "ingress.kube-platform.dev"; needs the ingress controller (addons.ingress.enabled is false); remove it',
      ],
    );
    const existing = (loadBalancer: string) =>
      problems(
        raw(
          "existing",
          {
            zones: [zone("kube-platform.dev")],
            provider: "cloudflare",
            tokenSecret: "dnsToken",
            ingressHostname: host,
          },
          {
            ...TOKEN,
            cluster: {
              ...CLUSTERS.existing,
              loadBalancer,
              ...(loadBalancer === "none" ? { ingressAddress: "127.0.0.1" } : {}),
            },
          },
        ),
      ).filter((p) => p.startsWith("addons.dns"));
    assert.deepEqual(existing("none"), [
      'addons.dns.ingressHostname: got "ingress.kube-platform.dev"; needs a LoadBalancer Service (cluster.loadBalancer is "none": the ingress runs on node ports); remove it and create the record by hand',
    ]);
    assert.deepEqual(existing("available"), []);
  });
});

describe("DNS config: chart values the platform owns are refused, one message each", () => {
  const cloudZones = (target: keyof typeof ID) => [zone("kube-platform.dev", ID[target])];
  const valuesProblems = (target: keyof typeof CLUSTERS, values: Raw, dns: Raw = {}) =>
    problems(
      raw(
        target,
        {
          zones: target in ID ? cloudZones(target as keyof typeof ID) : [zone("kube-platform.dev")],
          ...(target === "doks" || target === "existing" ? { tokenSecret: "dnsToken" } : {}),
          ...(target === "existing" ? { provider: "cloudflare" } : {}),
          ...dns,
          values,
        },
        TOKEN,
      ),
    );

  it("provider, everywhere", () => {
    assert.deepEqual(valuesProblems("eks", { provider: { name: "google" } }), [
      'addons.dns.values.provider: got {"name":"google"}; is set by the platform from cluster.target eks; remove it',
    ]);
    assert.deepEqual(valuesProblems("doks", { provider: { webhook: { env: [] } } }), [
      'addons.dns.values.provider: got {"webhook":{"env":[]}}; is set by the platform from cluster.target doks and addons.dns.provider (the DigitalOcean webhook holds the API token); remove it',
    ]);
  });

  it("the ServiceAccount and the identity's checksum on cloud targets; free on token targets", () => {
    for (const target of ["eks", "gke", "aks"] as const) {
      assert.deepEqual(valuesProblems(target, { serviceAccount: { annotations: { a: "b" } } }), [
        `addons.dns.values.serviceAccount: got {"annotations":{"a":"b"}}; is set by the platform on cluster.target ${target}: the ServiceAccount its cloud identity trusts, annotated with that identity; a value here replaces the annotation and leaves external-dns without credentials; remove it`,
      ]);
      assert.deepEqual(valuesProblems(target, { serviceAccount: { labels: { a: "b" } } }).length, 1);
      assert.deepEqual(
        valuesProblems(target, { podAnnotations: { "kube-platform/dns-identity-checksum": "x" } }),
        [
          'addons.dns.values.podAnnotations.kube-platform/dns-identity-checksum: got "x"; is set by the platform: the checksum of the cloud identity that restarts external-dns when it changes; remove it',
        ],
      );
      assert.deepEqual(valuesProblems(target, { podAnnotations: { "example.com/team": "dns" } }), []);
    }
    assert.deepEqual(valuesProblems("doks", { serviceAccount: { annotations: { a: "b" } } }), []);
  });

  it("aks: the workload identity label and the azure.json mount", () => {
    assert.deepEqual(valuesProblems("aks", { podLabels: { "azure.workload.identity/use": "false" } }), [
      'addons.dns.values.podLabels.azure.workload.identity/use: got "false"; is set by the platform on cluster.target aks: the Azure workload identity webhook gives credentials only to pods with it; remove it',
    ]);
    assert.deepEqual(valuesProblems("aks", { podLabels: { team: "dns" } }), []);
    assert.deepEqual(valuesProblems("aks", { extraVolumes: [], extraVolumeMounts: [] }), [
      "addons.dns.values.extraVolumes: got []; is set by the platform on cluster.target aks: it mounts azure.json (tenant, subscription, the zones' resource group), and a list here replaces it; remove it",
      "addons.dns.values.extraVolumeMounts: got []; is set by the platform on cluster.target aks: it mounts azure.json (tenant, subscription, the zones' resource group), and a list here replaces it; remove it",
    ]);
    assert.deepEqual(valuesProblems("eks", { extraVolumes: [], extraVolumeMounts: [] }), []);
  });

  it("env with the Cloudflare token; free with DigitalOcean (its token is in the webhook's env)", () => {
    assert.deepEqual(valuesProblems("existing", { env: [{ name: "HTTP_PROXY", value: "x" }] }), [
      `addons.dns.values.env: got [{"name":"HTTP_PROXY","value":"x"}]; is set by the platform with addons.dns.provider cloudflare: it holds CF_API_TOKEN from the token's Secret, and a list here replaces it; remove it`,
    ]);
    assert.deepEqual(valuesProblems("doks", { env: [{ name: "HTTP_PROXY", value: "x" }] }), []);
  });

  it("what addons.dns sets: policy, txtOwnerId, domainFilters", () => {
    assert.deepEqual(valuesProblems("eks", { policy: "sync", txtOwnerId: "x", domainFilters: ["a.dev"] }), [
      'addons.dns.values.policy: got "sync"; is set from addons.dns.policy (upsert-only or sync); set that instead',
      `addons.dns.values.txtOwnerId: got "x"; is set from addons.dns.txtOwnerId (the TXT registry's owner id); set that instead`,
      'addons.dns.values.domainFilters: got ["a.dev"]; is set from addons.dns.zones; set those instead',
    ]);
  });

  it("interval: a duration the platform reads (h/m/s), or refused", () => {
    for (const ok of ["1m", "5m", "90s", "1h"])
      assert.deepEqual(valuesProblems("eks", { interval: ok }), [], ok);
    for (const bad of ["1.5m", 60, "500ms"]) {
      assert.deepEqual(valuesProblems("eks", { interval: bad }), [
        `addons.dns.values.interval: got ${JSON.stringify(bad)}; must be a duration in hours, minutes and seconds like "1m", "90s" or "1h30m" (external-dns's sync interval; a teardown waits one interval for external-dns)`,
      ]);
    }
  });

  it("other values pass, and nothing is checked without zones (no external-dns)", () => {
    assert.deepEqual(
      valuesProblems("eks", { logLevel: "debug", extraArgs: { "aws-batch-change-size": 100 } }),
      [],
    );
    assert.deepEqual(problems(raw("eks", { zones: [], values: { provider: { name: "x" } } })), []);
  });
});
