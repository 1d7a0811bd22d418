/**
 * One App's objects and their order (components/workloads/app.ts), under mocks: which objects an
 * app's settings create, the ServiceAccount token only with Vault, the secretEnv Secret, what each
 * object waits for (namespace, cluster, namespace policies, the app's own policies, Vault's
 * injector and configuration, external-dns, the monitoring release), the outputs, and the refusals
 * before anything is created. Each test runs its own program.
 */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { App, AppSettings, WorkloadContext } from "../components/workloads";
import { appSchema, toAppSettings } from "../stacks/apps-config";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

class Dummy extends pulumi.CustomResource {
  constructor(type: string, name: string) {
    super(type, name, {}, {});
  }
}

const APP = { name: "web", image: "ghcr.io/acme/web:1.0.0", port: 8080 };
const LABELS = {
  "app.kubernetes.io/name": "web",
  "app.kubernetes.io/part-of": "kube-platform",
  "app.kubernetes.io/managed-by": "pulumi",
};
const VAULT = { role: "web", secrets: [{ name: "config", path: "secret/data/web/config" }] };

interface Parts {
  ingress?: boolean;
  monitoring?: boolean;
  vault?: boolean;
  dns?: boolean;
  callers?: boolean;
  nsReady?: boolean;
  /** Catch the App's error and export its message (`error`), keeping what was registered. */
  refused?: boolean;
}

/** One App "a" with `raw` (a dev config object) on a platform of stand-ins. */
function runApp(raw: Obj, p: Parts = {}): Promise<ProgramRun> {
  return runResources(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "x" });
    const d = (name: string) => new Dummy("test:index:Dummy", name);
    const ctx: WorkloadContext = {
      provider,
      dependsOn: [d("cluster-ready")],
      highAvailability: false,
      kubernetesVersion: "1.34",
      ingress: p.ingress ? { className: "traefik", namespace: "ingress", controller: "traefik" } : undefined,
      clusterIssuer: p.ingress ? "letsencrypt-prod" : undefined,
      monitoring: p.monitoring ? { namespace: "monitoring", release: d("kps") } : undefined,
      vault: p.vault
        ? {
            address: "https://vault.vault.svc:8200",
            namespace: "vault",
            release: d("vault"),
            configured: d("vault-cfg"),
          }
        : undefined,
      ...(p.dns ? { dns: { recordsReady: d("dns-ready") } } : {}),
    } as WorkloadContext;
    const settings: AppSettings = toAppSettings(appSchema("dev").parse(raw), { "web-db": "s3cr3t-value-1" });
    const namespace = new k8s.core.v1.Namespace(
      "ns",
      { metadata: { name: settings.namespace } },
      { provider },
    );
    const args = {
      settings,
      namespace,
      ctx,
      callers: p.callers ? [{ name: "front", namespace: "edge" }] : undefined,
      namespaceReady: p.nsReady ? [d("ns-policies")] : undefined,
    };
    if (p.refused) {
      try {
        new App("a", args);
      } catch (e) {
        return { error: (e as Error).message };
      }
      return { error: "" };
    }
    const app = new App("a", args);
    return { url: app.url, serviceHost: app.serviceHost, namespace: app.namespace };
  });
}

const names = (r: ProgramRun) =>
  r.resources
    .filter((x) => x.parent === r.resources.find((a) => a.type === "kube-platform:workloads:App")!.urn)
    .map((x) => x.name)
    .sort();
const byName = (r: ProgramRun, name: string): RecordedResource => r.resources.find((x) => x.name === name)!;
/** The names of what `name` depends on. */
const deps = (r: ProgramRun, name: string) =>
  byName(r, name)
    .dependsOn.map((u) => r.resources.find((x) => x.urn === u)?.name ?? u)
    .sort();

describe("workloads: one App's objects and their order", () => {
  it("a bare app: ServiceAccount without a token, Deployment, Service; each after the namespace", async () => {
    const r = await runApp(APP);
    assert.deepStrictEqual(names(r), ["a-deploy", "a-sa", "a-svc"]);
    const sa = byName(r, "a-sa").inputs as Obj;
    assert.deepStrictEqual(sa, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "web", namespace: "web", labels: LABELS },
      automountServiceAccountToken: false,
    });
    assert.deepStrictEqual(deps(r, "a-sa"), ["ns"]);
    assert.deepStrictEqual(deps(r, "a-svc"), ["ns"]);
    assert.deepStrictEqual(deps(r, "a-deploy"), ["a-sa", "cluster-ready", "ns"]);
    assert.deepStrictEqual((byName(r, "a-deploy").inputs as Obj).metadata, {
      name: "web",
      namespace: "web",
      labels: LABELS,
    });
    assert.strictEqual(byName(r, "a-deploy").provider.split("::")[3], "k8s");
    assert.deepStrictEqual(r.outputs, {
      url: "",
      serviceHost: "web.web.svc.cluster.local:80",
      namespace: "web",
    });
    const app = r.resources.find((x) => x.type === "kube-platform:workloads:App")!;
    assert.deepStrictEqual(app.outputs, r.outputs);
  });

  it("secretEnv: one Opaque Secret with a generated name, a secret, that the Deployment waits for", async () => {
    const r = await runApp({ ...APP, secretEnv: { DB_PASSWORD: "web-db" } });
    assert.deepStrictEqual(names(r), ["a-deploy", "a-env", "a-sa", "a-svc"]);
    const secret = byName(r, "a-env");
    assert.deepStrictEqual(secret.inputs, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { namespace: "web", labels: LABELS },
      type: "Opaque",
      stringData: { DB_PASSWORD: "s3cr3t-value-1" },
    });
    assert.ok(secret.secretInputs.has("stringData"));
    assert.deepStrictEqual(deps(r, "a-env"), ["ns"]);
    assert.deepStrictEqual(deps(r, "a-deploy"), ["a-env", "a-sa", "cluster-ready", "ns"]);
  });

  it("Vault: the ServiceAccount token, and the Deployment after the injector and Vault's configuration", async () => {
    const r = await runApp({ ...APP, vault: VAULT }, { vault: true });
    assert.strictEqual((byName(r, "a-sa").inputs as Obj).automountServiceAccountToken, true);
    assert.deepStrictEqual(deps(r, "a-deploy"), [
      "a-netpol-egress",
      "a-sa",
      "cluster-ready",
      "ns",
      "vault",
      "vault-cfg",
    ]);
  });

  it("the Deployment waits for the namespace's policies and the app's own; callers get an ingress policy", async () => {
    const r = await runApp(
      { ...APP, egress: [{ cidr: "10.0.0.0/16", ports: [5432] }] },
      { nsReady: true, callers: true },
    );
    assert.deepStrictEqual(names(r), ["a-deploy", "a-netpol-egress", "a-netpol-ingress", "a-sa", "a-svc"]);
    assert.deepStrictEqual((byName(r, "a-netpol-egress").inputs as Obj).metadata, {
      name: "web-egress",
      namespace: "web",
      labels: LABELS,
    });
    assert.deepStrictEqual(deps(r, "a-netpol-ingress"), ["ns"]);
    assert.deepStrictEqual(deps(r, "a-deploy"), [
      "a-netpol-egress",
      "a-netpol-ingress",
      "a-sa",
      "cluster-ready",
      "ns",
      "ns-policies",
    ]);
  });

  it("a host: an Ingress, after external-dns's records when there are DNS zones; the URL", async () => {
    const raw = { ...APP, host: "web.example.com", path: "/app" };
    const r = await runApp(raw, { ingress: true, dns: true });
    assert.deepStrictEqual(names(r), ["a-deploy", "a-ingress", "a-netpol-ingress", "a-sa", "a-svc"]);
    assert.deepStrictEqual(deps(r, "a-ingress").includes("dns-ready"), true);
    assert.deepStrictEqual(deps(r, "a-ingress").includes("ns"), true);
    const ingress = byName(r, "a-ingress").inputs as Obj;
    assert.strictEqual(ingress.metadata.name, "web");
    assert.deepStrictEqual(ingress.metadata.labels, LABELS);
    assert.strictEqual(ingress.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
    assert.strictEqual(r.outputs.url, "https://web.example.com/app");
    const noDns = await runApp(raw, { ingress: true });
    assert.deepStrictEqual(deps(noDns, "a-ingress").includes("dns-ready"), false);
  });

  it("autoscaling: an HPA on the Deployment; a PDB from 2 replicas, none for 1", async () => {
    const r = await runApp({ ...APP, autoscaling: { minReplicas: 2, maxReplicas: 4 } });
    assert.deepStrictEqual(names(r), ["a-deploy", "a-hpa", "a-pdb", "a-sa", "a-svc"]);
    assert.strictEqual((byName(r, "a-hpa").inputs as Obj).spec.scaleTargetRef.name, "web");
    assert.deepStrictEqual((byName(r, "a-hpa").inputs as Obj).metadata.labels, LABELS);
    assert.deepStrictEqual((byName(r, "a-pdb").inputs as Obj).metadata.name, "web");
    assert.deepStrictEqual(names(await runApp({ ...APP, replicas: 2 })), [
      "a-deploy",
      "a-pdb",
      "a-sa",
      "a-svc",
    ]);
    assert.deepStrictEqual(names(await runApp({ ...APP, replicas: 1 })), ["a-deploy", "a-sa", "a-svc"]);
  });

  it("metrics: a ServiceMonitor after the monitoring release and the Service", async () => {
    const r = await runApp({ ...APP, metrics: { port: 9090 } }, { monitoring: true });
    assert.deepStrictEqual(names(r), ["a-deploy", "a-netpol-ingress", "a-sa", "a-servicemonitor", "a-svc"]);
    const sm = byName(r, "a-servicemonitor");
    assert.strictEqual(sm.type, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor");
    assert.strictEqual((sm.inputs as Obj).apiVersion, "monitoring.coreos.com/v1");
    assert.strictEqual((sm.inputs as Obj).kind, "ServiceMonitor");
    assert.deepStrictEqual((sm.inputs as Obj).metadata, { name: "web", namespace: "web", labels: LABELS });
    assert.deepStrictEqual(deps(r, "a-servicemonitor"), ["a-svc", "kps", "ns"]);
  });

  it("refuses before creating anything when the platform lacks what the app needs", async () => {
    const refused = async (raw: Obj, message: RegExp) => {
      const r = await runApp(raw, { refused: true });
      assert.match(String(r.outputs.error), message);
      assert.deepStrictEqual(names(r), [], "nothing of the app is created");
    };
    await refused(
      { ...APP, host: "web.example.com" },
      /^app web has a host \(web\.example\.com\) but the platform has/,
    );
    await refused(
      { ...APP, vault: VAULT },
      /^app web uses Vault \(apps\[\]\.vault\) but the platform has no Vault/,
    );
    await refused(
      { ...APP, metrics: { port: 9090 } },
      /^app web declares metrics \(apps\[\]\.metrics\) but the platform has no monitoring/,
    );
  });
});
