/** The external-dns add-on: its values per provider against the chart's recorded keys, its credentials, its objects. */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AddonContext } from "../components/addons/base";
import {
  DnsAccess,
  ExternalDns,
  azureConfigJson,
  azureResourceGroup,
  dnsAccess,
  externalDnsValues,
  recordsSettle,
} from "../components/addons/dns";
import { durationSeconds, recordsSettleSeconds } from "../components/shared/dns-sync";
import { DnsSettings, HelmValues } from "../components/addons/types";
import { CHARTS } from "../components/addons/versions";
import { identityChecksum } from "../components/cluster/identity-common";
import { CloudDnsFacts, CloudDnsTarget, DnsZone, TOKEN_DNS } from "../components/cluster/types";
import { podSecurityLabels } from "../components/kube/conventions";
import { ProgramRun, runResources } from "../offline/mocks";
import { chartValueProblems, unknownKeys } from "./helpers/chart-values";
import { validateKubernetesObject } from "./helpers/k8s-schemas";

/** One ServiceAccount annotation, as the bindings return it. */
const annotation = (key: string, value: string): pulumi.Output<Record<string, string>> =>
  pulumi.output(value).apply((v): Record<string, string> => ({ [key]: v }));
const T = {
  sleep: "time:index/sleep:Sleep",
  release: "kubernetes:helm.sh/v3:Release",
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
};
const TOKEN = "dop_v1_s3cr3t-dns-token";
const ZONES: DnsZone[] = [{ name: "kube-platform.dev", id: "Z0123456789ABCDEFGHIJ" }];
const SETTINGS: DnsSettings = {
  zones: ZONES,
  policy: "upsert-only",
  txtOwnerId: "kube-platform-prod",
  values: {},
};
const IDENTITY = {
  serviceAccountAnnotations: annotation("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/edns"),
  podLabels: {},
};

/** A custom resource of any type. */
class Dummy extends pulumi.CustomResource {
  constructor(type: string, name: string, opts?: pulumi.CustomResourceOptions) {
    super(type, name, {}, opts);
  }
}

function testCtx(): AddonContext {
  const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
  const ready = new Dummy("test:index:ClusterReady", "cluster-ready");
  return { provider, dependsOn: [ready], highAvailability: true, kubernetesVersion: "1.34" };
}

/** A cloud DNS target that records its bindings and returns an identity with `facts`. */
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

async function deploy(access: DnsAccess, settings: DnsSettings = SETTINGS): Promise<ProgramRun> {
  return runResources(() => {
    const c = new ExternalDns("edns", {
      settings: { ...settings, zones: access.zones },
      access,
      ctx: testCtx(),
    });
    return { namespace: c.namespace, principal: c.principal };
  });
}

const values = (run: ProgramRun) => run.one(T.release).inputs.values as HelmValues;
/** The value of an Output. */
const resolve = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((res) => o.apply((v) => res(v)));
const CHECKSUM = "kube-platform/dns-identity-checksum";

describe("external-dns values", () => {
  it("aws: every value, literally", async () => {
    const { podAnnotations, ...rest } = externalDnsValues({
      settings: SETTINGS,
      provider: { provider: "aws", identity: IDENTITY },
    });
    // sha256 of {"podLabels":{},"serviceAccountAnnotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::123456789012:role/edns"}}
    assert.deepEqual(Object.keys(podAnnotations as object), [CHECKSUM]);
    assert.equal(
      await resolve((podAnnotations as Record<string, pulumi.Output<string>>)[CHECKSUM]),
      "fa682767468c4879e8415a3a973e8c7d271166782f8ecd4349bd7d6c134ab475",
    );
    assert.deepEqual(rest, {
      fullnameOverride: "external-dns",
      serviceAccount: {
        create: true,
        name: "external-dns",
        annotations: IDENTITY.serviceAccountAnnotations,
        automountServiceAccountToken: true,
      },
      podLabels: {},
      sources: ["service", "ingress"],
      domainFilters: ["kube-platform.dev"],
      policy: "upsert-only",
      registry: "txt",
      txtOwnerId: "kube-platform-prod",
      interval: "1m",
      triggerLoopOnEvent: true,
      provider: { name: "aws" },
      extraArgs: { "txt-wildcard-replacement": "wildcard", "zone-id-filter": ["Z0123456789ABCDEFGHIJ"] },
      priorityClassName: "kube-platform-critical",
      resources: { requests: { cpu: "25m", memory: "64Mi" }, limits: { memory: "256Mi" } },
      podSecurityContext: {
        runAsNonRoot: true,
        fsGroup: 65534,
        seccompProfile: { type: "RuntimeDefault" },
      },
      securityContext: {
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        capabilities: { drop: ["ALL"] },
      },
      serviceMonitor: { enabled: false },
    });
  });

  it("google: the project and the managed-zone names", () => {
    const v = externalDnsValues({
      settings: { ...SETTINGS, zones: [{ name: "gke.kube-platform.dev", id: "gke-kube-platform-dev" }] },
      provider: { provider: "google", identity: IDENTITY, project: "my-gcp-project" },
    });
    assert.deepEqual(v.provider, { name: "google" });
    assert.deepEqual(v.extraArgs, {
      "txt-wildcard-replacement": "wildcard",
      "google-project": "my-gcp-project",
      "zone-id-filter": ["gke-kube-platform-dev"],
    });
  });

  it("azure: azure.json from the ConfigMap at the provider's default path, the workload identity label", () => {
    const v = externalDnsValues({
      settings: SETTINGS,
      provider: {
        provider: "azure",
        identity: { ...IDENTITY, podLabels: { "azure.workload.identity/use": "true" } },
        configMap: "external-dns-azure",
        config: "{}",
      },
    });
    assert.deepEqual(v.provider, { name: "azure" });
    assert.deepEqual(v.extraVolumes, [{ name: "azure-config", configMap: { name: "external-dns-azure" } }]);
    assert.deepEqual(v.extraVolumeMounts, [
      { name: "azure-config", mountPath: "/etc/kubernetes", readOnly: true },
    ]);
    assert.deepEqual(v.podLabels, { "azure.workload.identity/use": "true" });
    assert.deepEqual(v.extraArgs, { "txt-wildcard-replacement": "wildcard" });
    assert.equal(
      azureConfigJson("t", "s", "rg"),
      '{"tenantId":"t","subscriptionId":"s","resourceGroup":"rg","useWorkloadIdentityExtension":true}',
    );
  });

  it("cloudflare: CF_API_TOKEN from the Secret, never the token itself", () => {
    const v = externalDnsValues({
      settings: SETTINGS,
      provider: { provider: "cloudflare", tokenSecret: "external-dns-token" },
    });
    assert.deepEqual(v.provider, { name: "cloudflare" });
    assert.deepEqual(v.env, [
      { name: "CF_API_TOKEN", valueFrom: { secretKeyRef: { name: "external-dns-token", key: "token" } } },
    ]);
    assert.deepEqual(v.serviceAccount, {
      create: true,
      name: "external-dns",
      annotations: {},
      automountServiceAccountToken: true,
    });
  });

  it("digitalocean: the webhook sidecar (restricted, pinned, DO_TOKEN from the Secret) on the chart's webhook port", () => {
    const v = externalDnsValues({
      settings: { ...SETTINGS, zones: [{ name: "doks.kube-platform.dev" }, { name: "kube-platform.dev" }] },
      provider: { provider: "digitalocean", tokenSecret: "external-dns-token" },
    });
    assert.deepEqual(v.provider, {
      name: "webhook",
      webhook: {
        image: { repository: "ghcr.io/amoniacou/external-dns-digitalocean-webhook", tag: "0.1.2" },
        env: [
          { name: "DO_TOKEN", valueFrom: { secretKeyRef: { name: "external-dns-token", key: "token" } } },
          { name: "DO_DOMAIN_FILTER", value: "doks.kube-platform.dev,kube-platform.dev" },
        ],
        args: ["--port=8080"],
        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
        securityContext: {
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          runAsUser: 65532,
          runAsGroup: 65532,
          capabilities: { drop: ["ALL"] },
        },
      },
    });
    assert.deepEqual(v.extraArgs, {
      "txt-wildcard-replacement": "wildcard",
      "webhook-provider-url": "http://localhost:8080",
    });
    assert.deepEqual(v.domainFilters, ["doks.kube-platform.dev", "kube-platform.dev"]);
  });

  it("every provider's values are valid for the pinned chart (recorded keys and types)", () => {
    const providers = [
      { provider: "aws", identity: IDENTITY },
      { provider: "google", identity: IDENTITY, project: "p" },
      { provider: "azure", identity: IDENTITY, configMap: "c", config: "{}" },
      { provider: "cloudflare", tokenSecret: "s" },
      { provider: "digitalocean", tokenSecret: "s" },
    ] as const;
    for (const provider of providers) {
      assert.deepEqual(
        chartValueProblems("externalDns", externalDnsValues({ settings: SETTINGS, provider })),
        [],
        provider.provider,
      );
    }
  });

  it("the checker catches what Helm would ignore: unknown keys at any depth, wrong types and enums", () => {
    assert.deepEqual(
      unknownKeys("externalDns", { domainFilter: [], txtOwnerID: "x", provider: { nam: "aws" } }),
      ["domainFilter", "txtOwnerID", "provider.nam"],
    );
    // Kubernetes objects the chart renders whole accept any field; free-form maps any key.
    assert.deepEqual(
      unknownKeys("externalDns", {
        securityContext: { capabilities: { add: ["NET_BIND_SERVICE"] }, seLinuxOptions: {} },
        podSecurityContext: { runAsUser: 1 },
        extraArgs: { anything: true },
        serviceAccount: { annotations: { a: "b" } },
      }),
      [],
    );
    // provider.webhook.limits is in the chart's schema only: no template reads it.
    assert.deepEqual(unknownKeys("externalDns", { provider: { webhook: { limits: {} } } }), [
      "provider.webhook.limits",
    ]);
    assert.ok(chartValueProblems("externalDns", { policy: "delete" }).some((p) => p.includes("/policy")));
    assert.ok(chartValueProblems("externalDns", { interval: 60 }).some((p) => p.includes("/interval")));
    assert.deepEqual(chartValueProblems("externalDns", { policy: "sync" }), []);
  });
});

describe("external-dns add-on", function () {
  this.timeout(60_000);

  it("installs the pinned chart as release external-dns in its restricted namespace", async () => {
    const bindings: unknown[] = [];
    const run = await deploy({
      kind: "cloud",
      target: cloudTarget({ provider: "aws", region: "eu-west-1" }, bindings),
      zones: ZONES,
    });
    const rel = run.one(T.release).inputs;
    assert.deepEqual(
      {
        chart: rel.chart,
        version: rel.version,
        repo: rel.repositoryOpts,
        name: rel.name,
        namespace: rel.namespace,
      },
      {
        chart: "external-dns",
        version: "1.21.1",
        repo: { repo: "https://kubernetes-sigs.github.io/external-dns/" },
        name: "external-dns",
        namespace: "external-dns",
      },
    );
    assert.equal(rel.version, CHARTS.externalDns.version);
    const ns = run.one(T.namespace).inputs;
    assert.equal((ns.metadata as { name: string }).name, "external-dns");
    for (const [k, v] of Object.entries(podSecurityLabels("restricted", "1.34")))
      assert.equal((ns.metadata as { labels: Record<string, string> }).labels[k], v);
    validateKubernetesObject(ns);
    assert.deepEqual(bindings, [
      {
        name: "edns",
        sa: { namespace: "external-dns", name: "external-dns" },
        zones: ZONES,
        client: "external-dns",
      },
    ]);
    assert.deepEqual((values(run).serviceAccount as HelmValues).annotations, {
      "test/identity": "edns-identity",
    });
    assert.equal(run.outputs.principal, "edns-principal");
    assert.deepEqual(run.ofType(T.secret), []);
  });

  it("azure: a ConfigMap with azure.json (no secret in it), mounted by the release, which waits for it", async () => {
    const facts = {
      provider: "azure" as const,
      tenantId: pulumi.output("tenant"),
      subscriptionId: pulumi.output("sub"),
      clientId: pulumi.output("client"),
    };
    const zones = [{ name: "aks.kube-platform.dev", id: "kube-platform-dns" }];
    const run = await deploy({ kind: "cloud", target: cloudTarget(facts, []), zones });
    const cm = run.one(T.configMap);
    assert.deepEqual(cm.inputs.data, {
      "azure.json":
        '{"tenantId":"tenant","subscriptionId":"sub","resourceGroup":"kube-platform-dns","useWorkloadIdentityExtension":true}',
    });
    assert.equal((cm.inputs.metadata as { name: string }).name, "external-dns-azure");
    assert.ok(run.one(T.release).dependsOn.includes(cm.urn));
    assert.deepEqual(values(run).podLabels, { "azure.workload.identity/use": "true" });
  });

  it("azure: all zones in one resource group (external-dns manages one)", () => {
    const target = cloudTarget({ provider: "aws", region: "x" }, []);
    const zones = [
      { name: "a.dev", id: "rg-a" },
      { name: "b.dev", id: "rg-b" },
    ];
    assert.throws(
      () => azureResourceGroup({ kind: "cloud", target, zones }),
      /^Error: addons\.dns\.zones: on aks every zone's id names the same resource group \(got rg-a, rg-b\)$/,
    );
    assert.equal(azureResourceGroup({ kind: "cloud", target, zones: [zones[0]] }), "rg-a");
  });

  for (const provider of ["digitalocean", "cloudflare"] as const) {
    it(`${provider}: the token only in a Secret, secret in state; values and every other input name the Secret`, async () => {
      const zones = [{ name: "doks.kube-platform.dev" }];
      const run = await deploy({ kind: "token", provider, token: pulumi.secret(TOKEN), zones });
      const secret = run.one(T.secret);
      assert.deepEqual(secret.inputs.stringData, { token: TOKEN });
      assert.ok(secret.secretInputs.has("stringData"), "the token is a secret in state");
      assert.equal((secret.inputs.metadata as { name: string }).name, "external-dns-token");
      assert.ok(run.one(T.release).dependsOn.includes(secret.urn));
      for (const r of run.resources.filter((x) => x !== secret)) {
        assert.ok(!JSON.stringify(r.inputs).includes(TOKEN), `${r.type} ${r.name} holds the token`);
        assert.ok(!JSON.stringify(r.outputs).includes(TOKEN), `${r.type} ${r.name} outputs the token`);
      }
      assert.equal(run.outputs.principal, undefined);
      assert.deepEqual(chartValueProblems("externalDns", values(run)), []);
    });
  }

  it("publishes its metrics Service for a ServiceMonitor (port http, the chart's selector labels)", async () => {
    let metrics: unknown;
    await runResources(() => {
      const c = new ExternalDns("edns", {
        settings: SETTINGS,
        access: {
          kind: "cloud",
          target: cloudTarget({ provider: "aws", region: "eu-west-1" }, []),
          zones: ZONES,
        },
        ctx: testCtx(),
      });
      metrics = c.metrics.map(({ release: _release, ...m }) => m);
    });
    assert.deepEqual(metrics, [
      {
        name: "external-dns",
        namespace: "external-dns",
        selector: { "app.kubernetes.io/name": "external-dns", "app.kubernetes.io/instance": "external-dns" },
        port: "http",
        path: "/metrics",
      },
    ]);
  });

  it("the user's values are merged last (and checked like the rest)", async () => {
    const run = await deploy(
      { kind: "cloud", target: cloudTarget({ provider: "aws", region: "eu-west-1" }, []), zones: ZONES },
      { ...SETTINGS, values: { interval: "5m", logFormat: "json" } },
    );
    assert.equal(values(run).interval, "5m");
    assert.equal(values(run).logFormat, "json");
  });
});

describe("external-dns: a changed identity binding restarts its pod (checksum annotation)", function () {
  this.timeout(60_000);
  const aws = (zones = ZONES): DnsAccess => ({
    kind: "cloud",
    target: cloudTarget({ provider: "aws", region: "eu-west-1" }, []),
    zones,
  });
  const checksumOf = (run: ProgramRun) => (values(run).podAnnotations as Record<string, string>)[CHECKSUM];

  it("aws: the checksum of the ServiceAccount annotations and pod labels, literally, and valid for the chart", async () => {
    const run = await deploy(aws());
    // sha256 of {"podLabels":{},"serviceAccountAnnotations":{"test/identity":"edns-identity"}}
    assert.deepEqual(values(run).podAnnotations, {
      [CHECKSUM]: "943fab362563814009eb95573859998d689b38ccd2c7fafe01ed1b3e9f058926",
    });
    assert.deepEqual(chartValueProblems("externalDns", values(run)), []);
  });

  it("the checksum follows the annotation, and ignores the order of keys", async () => {
    const one = identityChecksum({ serviceAccountAnnotations: { a: "1", b: "2" }, podLabels: {} });
    const reordered = identityChecksum({ podLabels: {}, serviceAccountAnnotations: { b: "2", a: "1" } });
    const changed = identityChecksum({ serviceAccountAnnotations: { a: "1", b: "3" }, podLabels: {} });
    assert.equal(await resolve(one), await resolve(reordered));
    assert.notEqual(await resolve(one), await resolve(changed));
  });

  it("azure: azure.json is in the checksum (another resource group restarts the pod)", async () => {
    const facts = {
      provider: "azure" as const,
      tenantId: pulumi.output("tenant"),
      subscriptionId: pulumi.output("sub"),
      clientId: pulumi.output("client"),
    };
    const at = (group: string) =>
      deploy({
        kind: "cloud",
        target: cloudTarget(facts, []),
        zones: [{ name: "aks.kube-platform.dev", id: group }],
      });
    assert.equal(
      checksumOf(await at("kube-platform-dns")),
      "b15646e1a34b1c6ba7fba5d82cc206f9807b17c44993fab087eff0532bdc71ac",
    );
    assert.equal(
      checksumOf(await at("other-dns")),
      "95ca00b8644eefc10b0ef3f7b60f205faf3062bd767bcf92ab5cb47a8c94c783",
    );
  });

  it("token providers: no identity, no checksum (the token is never hashed into an annotation)", async () => {
    const run = await deploy({
      kind: "token",
      provider: "cloudflare",
      token: pulumi.secret(TOKEN),
      zones: [{ name: "doks.kube-platform.dev" }],
    });
    assert.equal(values(run).podAnnotations, undefined);
  });
});

describe("external-dns: the wait for its records on teardown (records-settle)", function () {
  this.timeout(60_000);

  it("durations: h/m/s parts, refused otherwise; sync waits one interval and a sync, upsert-only none", () => {
    assert.equal(durationSeconds("1m"), 60);
    assert.equal(durationSeconds("90s"), 90);
    assert.equal(durationSeconds("1h30m"), 5400);
    assert.equal(durationSeconds("1m30s"), 90);
    for (const bad of ["", "1.5m", "500ms", "m", "1d", "30s1m", " 1m"])
      assert.equal(durationSeconds(bad), undefined, bad);
    assert.equal(recordsSettleSeconds(60, "sync"), 90);
    assert.equal(recordsSettleSeconds(60, "upsert-only"), 0);
  });

  async function settled(settings: DnsSettings): Promise<ProgramRun> {
    return runResources(() => {
      const c = new ExternalDns("edns", {
        settings,
        access: {
          kind: "cloud",
          target: cloudTarget({ provider: "aws", region: "eu-west-1" }, []),
          zones: ZONES,
        },
        ctx: testCtx(),
      });
      c.settle([new Dummy("kubernetes:networking.k8s.io/v1:NetworkPolicy", "edns-policy")]);
    });
  }

  it("after the release and the policies given, a child of the component; sync: 90s (the default interval)", async () => {
    const run = await settled({ ...SETTINGS, policy: "sync" });
    const sleep = run.one(T.sleep);
    assert.equal(sleep.name, "edns-records-settle");
    assert.deepEqual(sleep.inputs, { destroyDuration: "90s" });
    assert.deepEqual(
      [...sleep.dependsOn].sort(),
      [run.one(T.release).urn, run.one("kubernetes:networking.k8s.io/v1:NetworkPolicy").urn].sort(),
    );
    assert.equal(sleep.parent, run.one("kube-platform:addons:ExternalDns").urn);
  });

  it("the user's interval sizes it; upsert-only: 0s", async () => {
    const slow = await settled({ ...SETTINGS, policy: "sync", values: { interval: "5m" } });
    assert.deepEqual(slow.one(T.sleep).inputs, { destroyDuration: "330s" });
    const upsert = await settled({ ...SETTINGS, policy: "upsert-only" });
    assert.deepEqual(upsert.one(T.sleep).inputs, { destroyDuration: "0s" });
  });

  it("an interval it cannot read is a programming error (stack config refuses it first)", async () => {
    await assert.rejects(
      runResources(() => {
        recordsSettle(
          "edns",
          { policy: "sync", values: { interval: "1.5m" } },
          [],
          new Dummy("test:index:P", "p"),
        );
      }),
      /addons\.dns\.values\.interval: "1\.5m" is not a duration/,
    );
  });
});

describe("external-dns: the cluster's DNS and the settings", () => {
  const token = { provider: "digitalocean" as const, value: pulumi.output(TOKEN) };
  const target = cloudTarget({ provider: "aws", region: "eu-west-1" }, []);

  it("a cloud target takes no token; a token target needs one of the services it offers", () => {
    assert.equal(dnsAccess(target, SETTINGS).kind, "cloud");
    assert.throws(
      () => dnsAccess(target, { ...SETTINGS, token }),
      /^Error: addons\.dns: aws DNS is reached through a workload identity, not a token$/,
    );
    assert.throws(
      () => dnsAccess(TOKEN_DNS.doks, SETTINGS),
      /^Error: addons\.dns: this target has no cloud identity: set provider and tokenSecret$/,
    );
    assert.equal(dnsAccess(TOKEN_DNS.doks, { ...SETTINGS, token }).kind, "token");
    assert.throws(
      () => dnsAccess(TOKEN_DNS.doks, { ...SETTINGS, token: { ...token, provider: "cloudflare" } }),
      /^Error: addons\.dns\.provider: "cloudflare" is not offered on this target \(allowed: digitalocean\)$/,
    );
    assert.equal(
      dnsAccess(TOKEN_DNS.existing, { ...SETTINGS, token: { ...token, provider: "cloudflare" } }).kind,
      "token",
    );
  });

  it("DOKS and existing clusters publish token DNS, with their services literally", () => {
    assert.deepEqual(TOKEN_DNS, {
      doks: { kind: "token", providers: ["digitalocean"] },
      existing: { kind: "token", providers: ["cloudflare", "digitalocean"] },
    });
  });
});
