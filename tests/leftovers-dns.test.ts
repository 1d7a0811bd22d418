/**
 * automation/leftovers.ts: the DNS records external-dns leaves (any policy but sync), with each
 * provider's delete command, and the CRDs the charts leave in a cluster that survives.
 */
import * as assert from "assert";
import { leftBehind } from "../automation/leftovers";
import { txtName } from "../automation/leftovers-dns";
import { exported } from "./helpers/leftovers-exports";

const S = "urn:pulumi:s::kube-platform::";
const INGRESS = `${S}kubernetes:networking.k8s.io/v1:Ingress::kp-workloads-hello-ingress`;
const SERVICE = `${S}kubernetes:core/v1:Service::kp-addons-ingress-service`;

function externalDns(values: Record<string, unknown>) {
  return {
    urn: `${S}kubernetes:helm.sh/v3:Release::kp-addons-external-dns-release`,
    type: "kubernetes:helm.sh/v3:Release",
    custom: true,
    id: "external-dns/external-dns",
    inputs: { chart: "external-dns", values },
  };
}

const ingress = (hosts: string[], tls: string[] = []) => ({
  urn: INGRESS,
  type: "kubernetes:networking.k8s.io/v1:Ingress",
  custom: true,
  id: "hello/hello",
  inputs: { spec: { rules: hosts.map((host) => ({ host })), tls: [{ hosts: tls }] } },
});

const ingressService = (hostname: string) => ({
  urn: SERVICE,
  type: "kubernetes:core/v1:Service",
  custom: true,
  id: "ingress/traefik",
  inputs: { metadata: { annotations: { "external-dns.alpha.kubernetes.io/hostname": hostname } } },
});

/** The DNS entries only (the export has no cluster: an existing one, whose CRDs stay too). */
const records = (e: unknown) => leftBehind(e).filter((l) => l.type === "dns:record");

const aws = {
  policy: "upsert-only",
  provider: { name: "aws" },
  domainFilters: ["kube-platform.dev"],
  extraArgs: { "txt-wildcard-replacement": "wildcard", "zone-id-filter": ["Z0123456789ABCDEFGHIJ"] },
};

describe("leftBehind: DNS records external-dns does not delete", () => {
  it("upsert-only on Route 53: one entry per host, Ingress rules and TLS hosts and the hostname annotation", () => {
    const out = records(
      exported([
        externalDns(aws),
        ingress(
          ["hello.kube-platform.dev", "other.example.org"],
          ["hello.kube-platform.dev", "*.kube-platform.dev"],
        ),
        ingressService("lb.kube-platform.dev"),
      ]),
    );
    // other.example.org is outside the domain filters: external-dns never wrote it.
    assert.deepStrictEqual(
      out.map((l) => [l.urn, l.type, l.name]),
      [
        [INGRESS, "dns:record", "hello.kube-platform.dev"],
        [INGRESS, "dns:record", "*.kube-platform.dev"],
        [SERVICE, "dns:record", "lb.kube-platform.dev"],
      ],
    );
    assert.deepStrictEqual(out[0], {
      urn: INGRESS,
      type: "dns:record",
      name: "hello.kube-platform.dev",
      reason:
        "external-dns never deletes a record with policy upsert-only (addons.dns.policy): the record of hello.kube-platform.dev " +
        "and its TXT ownership records (cname-hello.kube-platform.dev, aaaa-hello.kube-platform.dev, a-hello.kube-platform.dev) " +
        "stays, pointing at the deleted load balancer",
      hint:
        "aws route53 list-resource-record-sets --hosted-zone-id Z0123456789ABCDEFGHIJ --query \"ResourceRecordSets[?Name == 'hello.kube-platform.dev.' || " +
        "Name == 'cname-hello.kube-platform.dev.' || Name == 'aaaa-hello.kube-platform.dev.' || Name == 'a-hello.kube-platform.dev.']\"; " +
        "delete each: aws route53 change-resource-record-sets --hosted-zone-id Z0123456789ABCDEFGHIJ " +
        '--change-batch \'{"Changes":[{"Action":"DELETE","ResourceRecordSet":<the set as listed>}]}\'',
    });
    assert.match(
      out[1].reason,
      /\(cname-wildcard\.kube-platform\.dev, aaaa-wildcard\.kube-platform\.dev, a-wildcard/,
    );
  });

  it("sync deletes the records (nothing left); create-only and the chart's default policy leave them", () => {
    const objects = [ingress(["hello.kube-platform.dev"])];
    assert.deepStrictEqual(records(exported([externalDns({ ...aws, policy: "sync" }), ...objects])), []);
    const createOnly = records(exported([externalDns({ ...aws, policy: "create-only" }), ...objects]));
    assert.match(createOnly[0].reason, /^external-dns never deletes a record with policy create-only /);
    const { policy: _default, ...noPolicy } = aws;
    assert.deepStrictEqual(
      records(exported([externalDns(noPolicy), ...objects])).map((l) => l.name),
      ["hello.kube-platform.dev"],
    );
    // No external-dns release: no record.
    assert.deepStrictEqual(records(exported(objects)), []);
  });

  it("only the sources external-dns reads; no TXT records without the TXT registry", () => {
    const objects = [ingress(["hello.kube-platform.dev"]), ingressService("lb.kube-platform.dev")];
    assert.deepStrictEqual(
      records(exported([externalDns({ ...aws, sources: ["ingress"] }), ...objects])).map((l) => l.name),
      ["hello.kube-platform.dev"],
    );
    const [noop] = records(
      exported([externalDns({ ...aws, registry: "noop", sources: ["service"] }), ...objects]),
    );
    assert.strictEqual(noop.name, "lb.kube-platform.dev");
    assert.match(noop.reason, /the record of lb\.kube-platform\.dev stays, pointing/);
  });

  it("Cloud DNS, Azure DNS, DigitalOcean and Cloudflare: their own delete commands", () => {
    const hosts = (values: Record<string, unknown>, zone: string, extra: unknown[] = []) =>
      records(
        exported([
          externalDns({ policy: "upsert-only", domainFilters: [zone], ...values }),
          ingress([`hello.${zone}`]),
          ...extra,
        ]),
      )[0].hint;
    assert.strictEqual(
      hosts(
        {
          provider: { name: "google" },
          extraArgs: { "google-project": "my-gcp-project", "zone-id-filter": ["gke-kube-platform-dev"] },
        },
        "gke.kube-platform.dev",
      ),
      "gcloud dns record-sets list --zone=gke-kube-platform-dev --project=my-gcp-project --name=hello.gke.kube-platform.dev.; " +
        "gcloud dns record-sets delete hello.gke.kube-platform.dev. --type=A --zone=gke-kube-platform-dev --project=my-gcp-project; " +
        "gcloud dns record-sets delete a-hello.gke.kube-platform.dev. --type=TXT --zone=gke-kube-platform-dev --project=my-gcp-project",
    );
    const azureConfig = {
      urn: `${S}kubernetes:core/v1:ConfigMap::kp-addons-external-dns-azure-config`,
      type: "kubernetes:core/v1:ConfigMap",
      custom: true,
      id: "external-dns/azure",
      inputs: { data: { "azure.json": JSON.stringify({ resourceGroup: "kube-platform-dns" }) } },
    };
    assert.strictEqual(
      hosts({ provider: { name: "azure" } }, "aks.kube-platform.dev", [azureConfig]),
      "az network dns record-set a delete --resource-group kube-platform-dns --zone-name aks.kube-platform.dev --name hello --yes; " +
        "az network dns record-set txt delete --resource-group kube-platform-dns --zone-name aks.kube-platform.dev --name a-hello --yes",
    );
    const webhook = {
      name: "webhook",
      webhook: { env: [{ name: "DO_TOKEN", valueFrom: { secretKeyRef: { key: "token", name: "t" } } }] },
    };
    assert.strictEqual(
      hosts({ provider: webhook }, "doks.kube-platform.dev"),
      "doctl compute domain records list doks.kube-platform.dev --format ID,Type,Name (the records named hello, a-hello); " +
        "delete each: doctl compute domain records delete doks.kube-platform.dev <record id> --force",
    );
    assert.strictEqual(
      hosts({ provider: { name: "cloudflare" } }, "example.org"),
      "delete the records hello.example.org, a-hello.example.org in the Cloudflare dashboard, or with its API (DELETE /zones/<zone id>/dns_records/<record id>)",
    );
  });

  it("txtName: external-dns's AffixNameMapper (type prefix, affixes, %{record_type}, wildcard)", () => {
    const plain = { prefix: "", suffix: "", wildcard: "" };
    assert.strictEqual(txtName("hello.example.org", "a", plain), "a-hello.example.org");
    assert.strictEqual(txtName("example", "cname", plain), "cname-example");
    assert.strictEqual(
      txtName("hello.example.org", "a", { ...plain, prefix: "txt." }),
      "txt.a-hello.example.org",
    );
    assert.strictEqual(
      txtName("hello.example.org", "a", { ...plain, prefix: "%{record_type}-own." }),
      "a-own.hello.example.org",
    );
    assert.strictEqual(
      txtName("hello.example.org", "aaaa", { ...plain, suffix: "-%{record_type}" }),
      "hello-aaaa.example.org",
    );
    assert.strictEqual(
      txtName("*.example.org", "a", { ...plain, wildcard: "wildcard" }),
      "a-wildcard.example.org",
    );
    assert.strictEqual(txtName("*.example.org", "a", plain), "a-*.example.org");
  });
});

describe("leftBehind: CRDs in a cluster that survives", () => {
  const release = (chart: string, inputs: Record<string, unknown> = {}) => ({
    urn: `${S}kubernetes:helm.sh/v3:Release::${chart.split("/").pop()}`,
    type: "kubernetes:helm.sh/v3:Release",
    custom: true,
    id: chart,
    inputs: { chart, ...inputs },
  });

  it("each chart's CRD groups, by its name (OCI too), with a kubectl lookup", () => {
    const out = leftBehind(
      exported([
        release("oci://ghcr.io/nginx/charts/nginx-ingress"),
        release("cert-manager", { values: { crds: { enabled: true, keep: true } } }),
      ]),
    );
    assert.deepStrictEqual(
      out.map((l) => l.name),
      [
        "nginx-ingress: *.k8s.nginx.org, *.appprotect.f5.com, *.appprotectdos.f5.com, *.externaldns.nginx.org",
        "cert-manager: *.cert-manager.io, *.acme.cert-manager.io",
      ],
    );
    assert.deepStrictEqual(out[1], {
      urn: `${S}kubernetes:helm.sh/v3:Release::cert-manager`,
      type: "apiextensions.k8s.io/v1:CustomResourceDefinition",
      name: "cert-manager: *.cert-manager.io, *.acme.cert-manager.io",
      reason:
        "the uninstall of chart cert-manager leaves its CustomResourceDefinitions (crds.keep: helm.sh/resource-policy: keep) in the cluster, which stays",
      hint:
        "kubectl get crd -o name | grep -E '\\.(cert-manager\\.io|acme\\.cert-manager\\.io)$'; delete them only when nothing else in the cluster uses them " +
        "(it deletes every custom resource of their kinds): kubectl delete <each name listed>",
    });
  });

  it("none where the release installed none or its uninstall deletes them", () => {
    assert.deepStrictEqual(
      leftBehind(
        exported([
          release("traefik", { skipCrds: true }),
          release("kube-prometheus-stack", { values: { crds: { enabled: false } } }),
          release("cert-manager", { values: { crds: { enabled: true, keep: false } } }),
          release("cert-manager", { values: {} }),
          release("vault"),
        ]),
      ),
      [],
    );
    assert.deepStrictEqual(
      leftBehind(exported([release("cert-manager", { values: { installCRDs: true } })])).map((l) => l.name),
      ["cert-manager: *.cert-manager.io, *.acme.cert-manager.io"],
    );
  });

  it("none when the cluster goes with the destroy", () => {
    assert.deepStrictEqual(
      leftBehind(
        exported([
          {
            urn: `${S}kube-platform:cluster:DoksCluster::kp-cluster`,
            type: "kube-platform:cluster:DoksCluster",
            custom: false,
          },
          release("traefik"),
        ]),
      ),
      [],
    );
  });
});
