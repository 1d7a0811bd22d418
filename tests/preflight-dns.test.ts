/** The preflight's DNS report (preflight/dns.ts): per app host, its covering zone or the record to create. */
import * as assert from "assert";
import { PlatformConfig } from "../stacks/config";
import { stackConfigOf } from "../preflight/plan";
import {
  ADDRESS_OUTPUT,
  DnsReport,
  IngressAddress,
  dnsReportOf,
  dnsZoneNames,
  hostCoverage,
  ingressAddressOf,
  isApexName,
  recordFor,
  renderDns,
} from "../preflight/dns";
import { SAMPLE_KUBECONFIG, loadStackConfig } from "../offline/stacks";
import { exampleArgs, runPreflight, writeStackFile } from "./helpers/preflight-run";

type Obj = Record<string, unknown>;

const APP = { name: "web", image: "ghcr.io/acme/web:1.0.0", port: 8080, replicas: 2 };

/** An example stack's config with `patch` applied to its top-level keys. */
function exampleWith(stack: string, patch: (c: Obj) => Obj = (c) => c): Obj {
  return patch(loadStackConfig(stack));
}

/** The dev stack's cluster (kind, no load balancer) with a readable kubeconfig, and `cluster` over it. */
function existing(cluster: Obj = {}): Obj {
  const c = loadStackConfig("dev");
  const { kubeconfigPath: _p, ...rest } = c.cluster as Obj;
  return { ...c, kubeconfig: SAMPLE_KUBECONFIG, cluster: { ...rest, ...cluster } };
}

/** The parsed config with `addons.dns` holding `zones` (what the preflight reads of it). */
function withZones(cfg: PlatformConfig, zones: string[]): PlatformConfig {
  const dns = {
    zones: zones.map((name) => ({ name })),
    policy: "sync" as const,
    txtOwnerId: "t",
    values: {},
  };
  return { ...cfg, addons: { ...cfg.addons, dns } };
}

const parsed = (raw: Obj, stack: string): PlatformConfig => stackConfigOf(raw, stack);

describe("preflight dns: the record each target's ingress needs", () => {
  it("EKS: a CNAME to the load balancer's DNS name, held by the loadBalancerAddress output", () => {
    const address = ingressAddressOf(parsed(exampleWith("prod"), "prod").cluster);
    assert.deepStrictEqual(address, { kind: "hostname" });
    assert.deepStrictEqual(recordFor("hello.kube-platform.dev", address), {
      name: "hello.kube-platform.dev",
      type: "CNAME",
      value: "<loadBalancerAddress>",
    });
    assert.strictEqual(ADDRESS_OUTPUT, "loadBalancerAddress");
  });

  for (const stack of ["gke", "aks", "doks"]) {
    it(`${stack}: an A record to the load balancer's IP`, () => {
      const address = ingressAddressOf(parsed(exampleWith(stack), stack).cluster);
      assert.deepStrictEqual(address, { kind: "ip" });
      assert.deepStrictEqual(recordFor("a.example.org", address), {
        name: "a.example.org",
        type: "A",
        value: "<loadBalancerAddress>",
      });
    });
  }

  it("existing with a load balancer: as declared (cluster.loadBalancerAddressKind, default ip)", () => {
    const lb = { loadBalancer: "available" };
    assert.deepStrictEqual(ingressAddressOf(parsed(existing(lb), "dev").cluster), { kind: "ip" });
    assert.deepStrictEqual(
      ingressAddressOf(parsed(existing({ ...lb, loadBalancerAddressKind: "hostname" }), "dev").cluster),
      { kind: "hostname" },
    );
  });

  it("existing without a load balancer: the configured address itself, A for an IP, CNAME for a name", () => {
    const ip = ingressAddressOf(parsed(existing(), "dev").cluster);
    assert.deepStrictEqual(ip, { kind: "ip", known: "127.0.0.1" });
    assert.deepStrictEqual(recordFor("hello.localtest.me", ip), {
      name: "hello.localtest.me",
      type: "A",
      value: "127.0.0.1",
    });
    const name = ingressAddressOf(
      parsed(existing({ ingressAddress: "edge.lan.example.org" }), "dev").cluster,
    );
    assert.deepStrictEqual(name, { kind: "hostname", known: "edge.lan.example.org" });
    assert.strictEqual(recordFor("a.example.org", name).type, "CNAME");
  });
});

describe("preflight dns: per-host coverage", () => {
  const apps = [
    { ...APP, name: "apex", host: "kube-platform.dev" },
    { ...APP, name: "web", namespace: "shop", host: "web.kube-platform.dev" },
    { ...APP, name: "eu", host: "api.eu.kube-platform.dev" },
    { ...APP, name: "evil", host: "evilkube-platform.dev" },
    { ...APP, name: "internal" },
  ];
  /** The prod example without its zones (the tests set their own), with the apps above. */
  const prod = (patch: Obj = {}) =>
    parsed(
      exampleWith("prod", (c) => {
        const { dns: _dns, ...addons } = c.addons as Obj;
        return { ...c, addons, apps: [...(c.apps as Obj[]), ...apps], ...patch };
      }),
      "prod",
    );

  it("covered hosts name their zone (the longest); the others the record to create; hosts only", () => {
    const report = dnsReportOf(withZones(prod(), ["kube-platform.dev", "eu.kube-platform.dev."]));
    // A name of two labels is a zone apex: no CNAME there.
    const alias = (name: string) => ({ name, type: "ALIAS" as const, value: "<loadBalancerAddress>" });
    assert.deepStrictEqual(report, {
      zones: ["kube-platform.dev", "eu.kube-platform.dev."],
      addressOutput: "loadBalancerAddress",
      hosts: [
        { app: "hello", namespace: "hello", host: "hello.kube-platform.dev", zone: "kube-platform.dev" },
        { app: "apex", namespace: "apex", host: "kube-platform.dev", zone: "kube-platform.dev" },
        { app: "web", namespace: "shop", host: "web.kube-platform.dev", zone: "kube-platform.dev" },
        { app: "eu", namespace: "eu", host: "api.eu.kube-platform.dev", zone: "eu.kube-platform.dev." },
        {
          app: "evil",
          namespace: "evil",
          host: "evilkube-platform.dev",
          record: alias("evilkube-platform.dev"),
        },
      ],
    } satisfies DnsReport);
  });

  it("without zones every host needs its record; without an ingress there is no report", () => {
    const report = dnsReportOf(prod());
    assert.deepStrictEqual(report?.zones, []);
    assert.deepStrictEqual(
      report?.hosts.map((h) => [h.host, h.zone, h.record?.type]),
      [
        ["hello.kube-platform.dev", undefined, "CNAME"],
        ["kube-platform.dev", undefined, "ALIAS"],
        ["web.kube-platform.dev", undefined, "CNAME"],
        ["api.eu.kube-platform.dev", undefined, "CNAME"],
        ["evilkube-platform.dev", undefined, "ALIAS"],
      ],
    );
    const noIngress = parsed(
      exampleWith("prod", (c) => ({
        ...c,
        addons: {
          ...(c.addons as Obj),
          ingress: { enabled: false },
          certManager: { defaultIssuer: "selfsigned" },
        },
        apps: [{ ...APP, name: "internal" }],
      })),
      "prod",
    );
    assert.strictEqual(dnsReportOf(noIngress), undefined);
  });

  it("the zones accessor reads addons.dns.zones[].name, none when unset", () => {
    assert.deepStrictEqual(dnsZoneNames(withZones(prod(), ["a.example.org", "b.example.org"]).addons), [
      "a.example.org",
      "b.example.org",
    ]);
    assert.deepStrictEqual(dnsZoneNames(prod().addons), []);
  });

  it("renders one line per host, and where the address comes from when it is not known yet", () => {
    const report = dnsReportOf(withZones(prod(), ["kube-platform.dev"]));
    assert.ok(report);
    assert.deepStrictEqual(renderDns({ ...report, hosts: report.hosts.filter((h) => h.app !== "eu") }), [
      "DNS (addons.dns.zones: kube-platform.dev):",
      "  hello.kube-platform.dev (hello/hello): zone kube-platform.dev, published by external-dns",
      "  kube-platform.dev (apex/apex): zone kube-platform.dev, published by external-dns",
      "  web.kube-platform.dev (shop/web): zone kube-platform.dev, published by external-dns",
      "  evilkube-platform.dev (evil/evil): in no configured zone; create by hand: evilkube-platform.dev ALIAS <loadBalancerAddress> (a zone apex takes no CNAME: a Route 53 alias A record, or the DNS service's ALIAS/ANAME record)",
      "  <loadBalancerAddress>: the ingress address, known after the first pulumi up: `pulumi stack output loadBalancerAddress`",
    ]);
    assert.deepStrictEqual(
      renderDns({ ...report, hosts: report.hosts.filter((h) => h.zone !== undefined) }).slice(-1),
      [
        "  api.eu.kube-platform.dev (eu/eu): zone kube-platform.dev, published by external-dns; if eu.kube-platform.dev is delegated to its own zone, that zone must be listed in addons.dns.zones (the longest listed zone wins)",
      ],
      "no address line when every host is covered",
    );
    assert.deepStrictEqual(renderDns({ ...report, hosts: [] }), [], "nothing without a host");
  });
});

describe("preflight dns: a zone apex, a sub-domain that may be delegated", () => {
  const hostname: IngressAddress = { kind: "hostname" };

  it("to a DNS name: ALIAS at an apex (two labels), CNAME below it, with the apex caveat once; A to an IP anywhere", () => {
    assert.deepStrictEqual(recordFor("example.org", hostname), {
      name: "example.org",
      type: "ALIAS",
      value: "<loadBalancerAddress>",
    });
    assert.strictEqual(recordFor("example.org.", hostname).type, "ALIAS");
    assert.strictEqual(recordFor("www.example.org", hostname).type, "CNAME");
    assert.strictEqual(recordFor("example.org", { kind: "ip" }).type, "A");
    assert.strictEqual(isApexName("example.org"), true);
    assert.strictEqual(isApexName("shop.example.co.uk"), false);
    const report: DnsReport = {
      zones: [],
      addressOutput: "loadBalancerAddress",
      hosts: [
        { app: "a", namespace: "a", host: "example.org", record: recordFor("example.org", hostname) },
        { app: "b", namespace: "b", host: "example.co.uk", record: recordFor("example.co.uk", hostname) },
      ],
    };
    assert.deepStrictEqual(renderDns(report), [
      "DNS (no addons.dns.zones: each host's record is created by hand):",
      "  example.org (a/a): in no configured zone; create by hand: example.org ALIAS <loadBalancerAddress> (a zone apex takes no CNAME: a Route 53 alias A record, or the DNS service's ALIAS/ANAME record)",
      "  example.co.uk (b/b): in no configured zone; create by hand: example.co.uk CNAME <loadBalancerAddress>",
      "  <loadBalancerAddress>: the ingress address, known after the first pulumi up: `pulumi stack output loadBalancerAddress`",
      "  CNAME: where the name is a zone apex (its zone's own name), create an alias record (ALIAS) instead: an apex takes no CNAME",
    ]);
    const noCname = renderDns({ ...report, hosts: report.hosts.slice(0, 1) });
    assert.ok(!noCname.some((l) => l.startsWith("  CNAME:")), "the caveat only with a CNAME");
  });

  it("a host below a sub-domain of its zone names each sub-domain that may be delegated; a name right under the zone none", () => {
    const app = { name: "x", namespace: "x" };
    const zones = ["kube-platform.dev"];
    assert.deepStrictEqual(hostCoverage(app, "x.dev.kube-platform.dev", zones, hostname), {
      app: "x",
      namespace: "x",
      host: "x.dev.kube-platform.dev",
      zone: "kube-platform.dev",
      delegable: ["dev.kube-platform.dev"],
    });
    assert.deepStrictEqual(hostCoverage(app, "a.b.c.kube-platform.dev", zones, hostname).delegable, [
      "c.kube-platform.dev",
      "b.c.kube-platform.dev",
    ]);
    assert.strictEqual(hostCoverage(app, "x.kube-platform.dev", zones, hostname).delegable, undefined);
    assert.strictEqual(hostCoverage(app, "kube-platform.dev", zones, hostname).delegable, undefined);
    // With the sub-zone listed it wins, and nothing is left between.
    assert.deepStrictEqual(
      hostCoverage(app, "x.dev.kube-platform.dev", [...zones, "dev.kube-platform.dev"], hostname),
      { app: "x", namespace: "x", host: "x.dev.kube-platform.dev", zone: "dev.kube-platform.dev" },
    );
    const report: DnsReport = {
      zones,
      addressOutput: "loadBalancerAddress",
      hosts: [hostCoverage(app, "a.b.c.kube-platform.dev", zones, hostname)],
    };
    assert.deepStrictEqual(renderDns(report), [
      "DNS (addons.dns.zones: kube-platform.dev):",
      "  a.b.c.kube-platform.dev (x/x): zone kube-platform.dev, published by external-dns; if c.kube-platform.dev or b.c.kube-platform.dev is delegated to its own zone, that zone must be listed in addons.dns.zones (the longest listed zone wins)",
    ]);
  });
});

describe("preflight dns: in the command's output", function () {
  this.timeout(180_000);
  // The example's secrets as a stack file holds them (encrypted: read back as placeholders).
  const stackFile = writeStackFile;

  it("text: the dev stack's host and its A record to the configured address; the exit code stays 0", async () => {
    const r = await runPreflight(["--stack", "dev"]);
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.ok(
      r.out.includes(
        "DNS (no addons.dns.zones: each host's record is created by hand):\n" +
          "  hello.localtest.me (hello/hello): in no configured zone; create by hand: hello.localtest.me A 127.0.0.1\n",
      ),
      r.out,
    );
    assert.ok(!r.out.includes("<loadBalancerAddress>"), "the address is known: no placeholder");
  });

  it("text and --json with addons.dns.zones: a covered host and an uncovered one", async () => {
    const config = exampleWith("prod", (c) => ({
      ...c,
      addons: {
        ...(c.addons as Obj),
        dns: { zones: [{ name: "kube-platform.dev", id: "Z0123456789ABCDEFGHIJ" }] },
      },
      apps: [...(c.apps as Obj[]), { ...APP, host: "web.example.org" }],
    }));
    const file = stackFile("prod-zones", config);
    const text = await runPreflight(["--stack", "prod", "--file", file]);
    assert.ok(
      text.out.includes(
        [
          "DNS (addons.dns.zones: kube-platform.dev):",
          "  hello.kube-platform.dev (hello/hello): zone kube-platform.dev, published by external-dns",
          "  web.example.org (web/web): in no configured zone; create by hand: web.example.org CNAME <loadBalancerAddress>",
          "  <loadBalancerAddress>: the ingress address, known after the first pulumi up: `pulumi stack output loadBalancerAddress`",
        ].join("\n"),
      ),
      text.out + text.err,
    );
    const json = await runPreflight(["--stack", "prod", "--file", file, "--json"]);
    const plan = (JSON.parse(json.out) as { plan?: { dns?: DnsReport } }).plan;
    assert.deepStrictEqual(plan?.dns?.hosts, [
      { app: "hello", namespace: "hello", host: "hello.kube-platform.dev", zone: "kube-platform.dev" },
      {
        app: "web",
        namespace: "web",
        host: "web.example.org",
        record: { name: "web.example.org", type: "CNAME", value: "<loadBalancerAddress>" },
      },
    ]);
    assert.strictEqual(json.code, text.code, "the DNS report does not change the exit code");
  });

  it("--json: plan.dns for the prod example (its zone covers its host); none without an ingress", async () => {
    const r = await runPreflight([...exampleArgs("prod"), "--json"]);
    assert.strictEqual(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { exitCode: number; plan: { dns?: DnsReport } };
    assert.deepStrictEqual(json.plan.dns, {
      zones: ["kube-platform.dev"],
      addressOutput: "loadBalancerAddress",
      hosts: [
        { app: "hello", namespace: "hello", host: "hello.kube-platform.dev", zone: "kube-platform.dev" },
      ],
    });

    const file = stackFile("no-ingress", {
      ...existing(),
      addons: { ingress: { enabled: false } },
      apps: [{ ...APP, name: "internal", replicas: 1 }],
    });
    const off = await runPreflight(["--stack", "no-ingress", "--file", file, "--json"]);
    assert.strictEqual(off.code, 0, off.out + off.err);
    assert.strictEqual((JSON.parse(off.out) as { plan: Obj }).plan.dns, undefined);
  });
});
