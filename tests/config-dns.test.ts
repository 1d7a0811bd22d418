/** `addons.dns`: every bad input gives one precise message (key, value, what is allowed); good ones parse. */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { isSecretValues } from "../components/addons/base";
import { DnsSettings } from "../components/addons/types";
import { parseConfig } from "../stacks/config";
import { TXT_OWNER_ID_MAX, defaultTxtOwnerId, dnsTargetProblems } from "../stacks/dns-config";
import { SAMPLE_KUBECONFIG } from "../offline/stacks";
import { problemsOf } from "./helpers/config-problems";

const ctx = { project: "kube-platform", stack: "dev", readFile: () => SAMPLE_KUBECONFIG };
type Raw = Record<string, unknown>;

const CLUSTERS: Record<string, Raw> = {
  eks: { target: "eks", region: "eu-west-1", publicAccessCidrs: ["203.0.113.0/24"] },
  gke: {
    target: "gke",
    project: "my-gcp-project",
    region: "europe-west1",
    masterAuthorizedNetworks: [{ name: "office", cidr: "203.0.113.0/24" }],
  },
  aks: { target: "aks", location: "westeurope", authorizedIpRanges: ["203.0.113.0/24"] },
  doks: { target: "doks", region: "ams3", apiAllowedAddresses: ["203.0.113.0/24"] },
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
      "addons.dns.zone: unknown key; allowed keys here: policy, provider, tokenSecret, txtOwnerId, values, zones",
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

  it("txtOwnerId: <project>-<stack> by default; set: letters, digits, '.', '_', '-', at most 63", () => {
    const zones = [zone("a.dev", ID.eks)];
    assert.equal(settingsOf(raw("eks", { zones }))?.txtOwnerId, "kube-platform-dev");
    assert.equal(
      settingsOf(raw("eks", { zones }), { ...ctx, stack: "prod" })?.txtOwnerId,
      "kube-platform-prod",
    );
    const max = "a".repeat(TXT_OWNER_ID_MAX);
    assert.equal(settingsOf(raw("eks", { zones, txtOwnerId: max }))?.txtOwnerId, max);
    for (const bad of [`${max}b`, "a,b", "a=b", "-a", ""]) {
      assert.deepEqual(problems(raw("eks", { zones, txtOwnerId: bad })), [
        `addons.dns.txtOwnerId: got ${JSON.stringify(bad)}; must be letters, digits, ".", "_" or "-" (no "," or "="), at most 63`,
      ]);
    }
  });

  it("the default owner id stays valid and unique for long or odd project and stack names", () => {
    assert.equal(defaultTxtOwnerId("kube-platform", "eks-dev"), "kube-platform-eks-dev");
    const long = defaultTxtOwnerId("kube-platform", "x".repeat(100));
    assert.equal(long.length, TXT_OWNER_ID_MAX);
    assert.match(long, /^kube-platform-x+-[0-9a-f]{8}$/);
    assert.notEqual(long, defaultTxtOwnerId("kube-platform", `${"x".repeat(100)}y`));
    assert.match(defaultTxtOwnerId("Kube Platform", "dev/eu"), /^kube-platform-dev-eu-[0-9a-f]{8}$/);
    assert.notEqual(defaultTxtOwnerId("a", "b-c"), defaultTxtOwnerId("a-b", "c-x"));
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
