/** The workloads layer (Workloads, App and its object builders), evaluated under mocks. */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podSecurityLabels } from "../components/kube/conventions";
import { vaultValues } from "../components/addons/vault";
import {
  ACME_SOLVER,
  App,
  AppSettings,
  callersOf,
  containerEnv,
  deploymentSpec,
  hpaSpec,
  ingressAnnotations,
  networkPolicies,
  pdbSpec,
  vaultAnnotations,
  WorkloadContext,
  Workloads,
} from "../components/workloads";
import { appSchema, toAppSettings } from "../stacks/apps-config";
import { validateKubernetesObject } from "./helpers/k8s-schemas";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

const T = {
  namespace: "kubernetes:core/v1:Namespace",
  netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  sa: "kubernetes:core/v1:ServiceAccount",
  secret: "kubernetes:core/v1:Secret",
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  serviceMonitor: "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
  certificate: "kubernetes:cert-manager.io/v1:Certificate",
  app: "kube-platform:workloads:App",
  workloads: "kube-platform:workloads:Workloads",
} as const;

const PROVIDER = "pulumi:providers:kubernetes";

/** The value of the one secret env var: it must appear in the Secret only. */
const SECRET_VALUE = "pa55-w0rd-7f3a9c";
const VAULT_ADDRESS = "https://vault-active.vault.svc:8200";
const TEMPLATE = '{{- with secret "secret/data/shop/config" -}}{{ .Data.data.api_key }}{{- end }}';

/** A custom resource of any type (pulumi.CustomResource is abstract). */
class Dummy extends pulumi.CustomResource {
  constructor(type: string, name: string) {
    super(type, name, {}, {});
  }
}

/** Settings as the stack config produces them (schema defaults, secrets from the `secrets` object). */
function fromConfig(profile: "dev" | "prod", raw: Obj): AppSettings {
  return toAppSettings(appSchema(profile).parse(raw), { "shop-db": SECRET_VALUE });
}

/** (a) the minimal dev app: 1 replica, no host, metrics, Vault or autoscaling. */
const DEV_APP = { name: "hello", image: "ghcr.io/acme/hello:1.0.0", port: 8080 };

/** (b) the full prod app. */
const PROD_APP = {
  name: "shop",
  image: "ghcr.io/acme/shop:2.3.1",
  args: ["--listen=:8080"],
  port: 8080,
  host: "shop.example.com",
  path: "/store",
  env: { LOG_LEVEL: "info", APP_MODE: "prod" },
  secretEnv: { DB_PASSWORD: "shop-db" },
  resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi", cpu: "1" } },
  autoscaling: { minReplicas: 2, maxReplicas: 6, targetMemoryUtilization: 80 },
  metrics: { port: 9090 },
  writablePaths: ["/tmp", "/var/cache/shop"],
  egress: [
    { cidr: "10.20.0.0/16", ports: [5432] },
    { namespace: "payments", ports: [8443, 8444], protocol: "TCP" },
  ],
  vault: {
    role: "shop",
    secrets: [
      { name: "config", path: "secret/data/shop/config", template: TEMPLATE },
      { name: "db", path: "database/creds/shop" },
    ],
  },
};

interface CtxParts {
  ingress?: boolean;
  issuer?: boolean;
  monitoring?: boolean;
  vault?: boolean;
}
interface FakeCtx {
  ctx: WorkloadContext;
  provider: k8s.Provider;
}

const ALL: CtxParts = { ingress: true, issuer: true, monitoring: true, vault: true };

/** A platform context made of stand-ins (created inside the mocked run). */
function fakeCtx(p: CtxParts): FakeCtx {
  const provider = new k8s.Provider("k8s", { kubeconfig: "x" });
  const ready = new Dummy("test:index:ClusterReady", "cluster-ready");
  const monitoringRelease = p.monitoring ? new Dummy("test:index:MonitoringRelease", "kps") : undefined;
  const vaultRelease = p.vault ? new Dummy("test:index:VaultRelease", "vault") : undefined;
  const vaultConfigured = p.vault ? new Dummy("test:index:VaultConfigured", "vault-configure") : undefined;
  const ctx: WorkloadContext = {
    provider,
    dependsOn: [ready],
    highAvailability: false,
    kubernetesVersion: "1.34",
    ingress: p.ingress ? { className: "traefik", namespace: "ingress", controller: "traefik" } : undefined,
    clusterIssuer: p.issuer ? "letsencrypt-prod" : undefined,
    monitoring: monitoringRelease ? { namespace: "monitoring", release: monitoringRelease } : undefined,
    vault:
      vaultRelease && vaultConfigured
        ? { address: VAULT_ADDRESS, namespace: "vault", release: vaultRelease, configured: vaultConfigured }
        : undefined,
  };
  return { ctx, provider };
}

interface Run {
  r: ProgramRun;
}

/** Runs Workloads("apps") over `apps` (config objects) with the given context. */
async function runWorkloads(
  apps: { profile: "dev" | "prod"; raw: Obj }[],
  parts: CtxParts = ALL,
): Promise<Run> {
  const r = await runResources(() => {
    const { ctx } = fakeCtx(parts);
    const w = new Workloads("apps", { apps: apps.map((a) => fromConfig(a.profile, a.raw)), ctx });
    return { endpoints: w.endpoints };
  });
  return { r };
}

/** Runs one App (with its namespace made here) and returns its outputs. */
async function runApp(profile: "dev" | "prod", raw: Obj, parts: CtxParts = ALL): Promise<Run> {
  const r = await runResources(() => {
    const fake = fakeCtx(parts);
    const settings = fromConfig(profile, raw);
    const namespace = new k8s.core.v1.Namespace(
      "ns",
      { metadata: { name: settings.namespace } },
      { provider: fake.provider },
    );
    const app = new App("app", { settings, namespace, ctx: fake.ctx });
    return { url: app.url, serviceHost: app.serviceHost, namespace: app.namespace };
  });
  return { r };
}

const get = (o: unknown, path: string): any =>
  path.split(".").reduce<any>((cur, k) => (cur as Obj | undefined)?.[k], o);

/** The objects an App created: "<type> <pulumi name>" (the Secret has a generated Kubernetes name). */
function objectsOf(r: ProgramRun, appName: string): string[] {
  const app = r.resources.find((x) => x.type === T.app && x.name === appName);
  assert.ok(app, `no App ${appName}`);
  return r.resources
    .filter((x) => x.parent === app.urn)
    .map((x) => `${x.type.split(":")[2]} ${x.name}`)
    .sort();
}

const kubeObjects = (r: ProgramRun): RecordedResource[] =>
  r.resources.filter(
    (x) => x.custom && x.type.startsWith("kubernetes:") && x.type !== "pulumi:providers:kubernetes",
  );

const inputs = (x: RecordedResource): Obj => x.inputs as Obj;
const podSpec = (d: RecordedResource): Obj => get(d.inputs, "spec.template.spec");
const container = (d: RecordedResource): Obj => podSpec(d).containers[0];
const policy = (r: ProgramRun, suffix: string): Obj => inputs(r.one(T.netpol, suffix)).spec;

/** A settings object without mocks, for the pure builders. */
function pureSettings(profile: "dev" | "prod", raw: Obj): AppSettings {
  return { ...toAppSettings(appSchema(profile).parse(raw), {}), secretEnv: {} };
}
const pureCtx = (over: Partial<WorkloadContext> = {}): WorkloadContext => ({
  provider: undefined as unknown as k8s.Provider,
  dependsOn: [],
  highAvailability: false,
  kubernetesVersion: "1.34",
  ...over,
});

describe("workloads: App objects", () => {
  it("(a) minimal dev app: ServiceAccount, Deployment, Service and one egress-free setup, all valid", async () => {
    const { r } = await runWorkloads([{ profile: "dev", raw: DEV_APP }], {});
    assert.deepStrictEqual(objectsOf(r, "apps-hello"), [
      "Deployment apps-hello-deploy",
      "Service apps-hello-svc",
      "ServiceAccount apps-hello-sa",
    ]);
    assert.strictEqual(r.ofType(T.hpa).length, 0, "no HPA without autoscaling");
    assert.strictEqual(r.ofType(T.pdb).length, 0, "no PDB for one replica");
    assert.strictEqual(r.ofType(T.ingress).length, 0);
    assert.strictEqual(r.ofType(T.secret).length, 0, "no Secret without secretEnv");
    const d = r.one(T.deployment);
    assert.strictEqual(get(d.inputs, "spec.replicas"), 1);
    assert.strictEqual(podSpec(d).topologySpreadConstraints, undefined, "no spread for one replica");
    assert.strictEqual(container(d).image, "ghcr.io/acme/hello:1.0.0");
    assert.deepStrictEqual(container(d).ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    assert.deepStrictEqual(get(r.one(T.service).inputs, "spec.ports"), [
      { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
    ]);
    for (const o of kubeObjects(r)) {
      validateKubernetesObject(o.inputs);
      assert.strictEqual(r.providerUrn(o), r.one(PROVIDER).urn, `${o.name} uses the cluster provider`);
    }
    assert.deepStrictEqual(r.outputs.endpoints, {
      hello: { url: "", serviceHost: "hello.hello.svc.cluster.local:80" },
    });
  });

  it("(b) full prod app: every object, all valid, all in the app namespace with the app labels", async () => {
    const { r } = await runWorkloads([{ profile: "prod", raw: PROD_APP }]);
    assert.deepStrictEqual(objectsOf(r, "apps-shop"), [
      "Deployment apps-shop-deploy",
      "HorizontalPodAutoscaler apps-shop-hpa",
      "Ingress apps-shop-ingress",
      "NetworkPolicy apps-shop-netpol-egress",
      "NetworkPolicy apps-shop-netpol-ingress",
      "PodDisruptionBudget apps-shop-pdb",
      "Secret apps-shop-env",
      "Service apps-shop-svc",
      "ServiceAccount apps-shop-sa",
      "ServiceMonitor apps-shop-servicemonitor",
    ]);
    const app = r.one(T.app);
    const ns = r.one(T.namespace);
    for (const o of kubeObjects(r)) {
      validateKubernetesObject(o.inputs);
      assert.strictEqual(r.providerUrn(o), r.one(PROVIDER).urn, `${o.name} uses the cluster provider`);
      if (o.parent !== app.urn) continue;
      assert.strictEqual(get(o.inputs, "metadata.namespace"), "shop", o.name);
      assert.deepStrictEqual(
        get(o.inputs, "metadata.labels"),
        {
          "app.kubernetes.io/name": "shop",
          "app.kubernetes.io/part-of": "kube-platform",
          "app.kubernetes.io/managed-by": "pulumi",
        },
        o.name,
      );
      assert.ok(o.dependsOn.includes(ns.urn), `${o.name} depends on the namespace`);
    }
    assert.strictEqual(r.one(T.app).parent, r.one(T.workloads).urn, "App is a child of Workloads");
    assert.deepStrictEqual(r.outputs.endpoints, {
      shop: { url: "https://shop.example.com/store", serviceHost: "shop.shop.svc.cluster.local:80" },
    });
  });

  it("outputs url, serviceHost and namespace", async () => {
    const prod = await runApp("prod", PROD_APP);
    assert.strictEqual(prod.r.outputs.url, "https://shop.example.com/store");
    assert.strictEqual(prod.r.outputs.serviceHost, "shop.shop.svc.cluster.local:80");
    assert.strictEqual(prod.r.outputs.namespace, "shop");
    const dev = await runApp("dev", { ...DEV_APP, namespace: "team-a", servicePort: 8081 }, {});
    assert.strictEqual(dev.r.outputs.url, "");
    assert.strictEqual(dev.r.outputs.serviceHost, "hello.team-a.svc.cluster.local:8081");
    assert.strictEqual(dev.r.outputs.namespace, "team-a");
  });

  it("runs under the full restricted security context, without runAsUser", async () => {
    const { r } = await runApp("prod", PROD_APP);
    const d = r.one(T.deployment);
    const pod = podSpec(d).securityContext;
    assert.strictEqual(pod.runAsNonRoot, true);
    assert.deepStrictEqual(pod.seccompProfile, { type: "RuntimeDefault" });
    assert.strictEqual(typeof pod.fsGroup, "number");
    assert.strictEqual(pod.runAsUser, undefined, "the image chooses its non-root user");
    const c = container(d).securityContext;
    assert.deepStrictEqual(c, {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    const spec = podSpec(d);
    for (const forbidden of ["hostNetwork", "hostPID", "hostIPC"]) assert.ok(!spec[forbidden], forbidden);
    assert.ok(!JSON.stringify(spec).includes("hostPath"));
    assert.strictEqual(spec.terminationGracePeriodSeconds, 30);
    assert.strictEqual(spec.serviceAccountName, "shop");
  });

  it("runs as apps[].runAsUser when given (images whose USER is a name)", async () => {
    const { r } = await runApp("dev", { ...DEV_APP, runAsUser: 10001 }, {});
    const d = r.one(T.deployment);
    assert.strictEqual(container(d).securityContext.runAsUser, 10001);
    assert.strictEqual(container(d).securityContext.runAsNonRoot, true);
    assert.strictEqual(podSpec(d).securityContext.runAsUser, undefined);
    validateKubernetesObject(d.inputs);
  });

  it("keeps secretEnv in a Secret (a Pulumi secret) and only references it from the Deployment", async () => {
    const { r } = await runApp("prod", PROD_APP);
    const secret = r.one(T.secret);
    assert.strictEqual(inputs(secret).type, "Opaque");
    assert.deepStrictEqual(inputs(secret).stringData, { DB_PASSWORD: SECRET_VALUE });
    assert.ok(secret.secretInputs.has("stringData"), "stringData is recorded as a secret");
    const holders = r.resources.filter((x) => JSON.stringify(x.inputs).includes(SECRET_VALUE));
    assert.deepStrictEqual(
      holders.map((x) => x.name),
      [secret.name],
      "the value appears in the Secret only",
    );
    const d = r.one(T.deployment);
    assert.ok(!JSON.stringify(d.inputs).includes(SECRET_VALUE), "no plaintext secret in the Deployment");
    assert.ok(d.dependsOn.includes(secret.urn), "the Deployment refers to the Secret");
    const env = container(d).env as Obj[];
    assert.deepStrictEqual(
      env.map((e) => e.name),
      ["APP_MODE", "DB_PASSWORD", "LOG_LEVEL"],
      "env sorted by name",
    );
    const db = env.find((e) => e.name === "DB_PASSWORD")!;
    assert.strictEqual(db.value, undefined);
    assert.strictEqual(db.valueFrom.secretKeyRef.key, "DB_PASSWORD");
    assert.deepStrictEqual(env[0], { name: "APP_MODE", value: "prod" });
  });

  it("containerEnv is deterministic and refuses secretEnv without a Secret", () => {
    const s = { ...pureSettings("dev", { ...DEV_APP, env: { ZED: "1", ALPHA: "2", MID: "3" } }) };
    assert.deepStrictEqual(
      containerEnv(s, undefined).map((e) => (e as Obj).name),
      ["ALPHA", "MID", "ZED"],
    );
    const withSecret = { ...s, secretEnv: { BETA: pulumi.output("x") } };
    assert.throws(() => containerEnv(withSecret, undefined), /needs the app's Secret/);
  });

  it("turns the service account token off, unless Vault needs it", async () => {
    const dev = await runApp("dev", DEV_APP, {});
    assert.strictEqual(inputs(dev.r.one(T.sa)).automountServiceAccountToken, false);
    assert.strictEqual(podSpec(dev.r.one(T.deployment)).automountServiceAccountToken, false);
    const prod = await runApp("prod", PROD_APP);
    assert.strictEqual(inputs(prod.r.one(T.sa)).automountServiceAccountToken, true);
    assert.strictEqual(podSpec(prod.r.one(T.deployment)).automountServiceAccountToken, true);
  });

  it("probes the settings' paths on the http port, with a startup probe", async () => {
    const { r } = await runApp("dev", { ...DEV_APP, probes: { liveness: "/live", readiness: "/ready" } }, {});
    const c = container(r.one(T.deployment));
    assert.deepStrictEqual(c.livenessProbe.httpGet, { path: "/live", port: "http", scheme: "HTTP" });
    assert.deepStrictEqual(c.readinessProbe.httpGet, { path: "/ready", port: "http", scheme: "HTTP" });
    assert.deepStrictEqual(c.startupProbe.httpGet, { path: "/live", port: "http", scheme: "HTTP" });
    assert.ok(
      c.startupProbe.failureThreshold * c.startupProbe.periodSeconds >= 60,
      "a slow start is tolerated",
    );
    for (const p of [c.livenessProbe, c.readinessProbe]) {
      assert.ok(p.periodSeconds > 0 && p.timeoutSeconds > 0 && p.failureThreshold >= 3);
    }
  });

  it("resources: requests and a memory limit; a CPU limit only when given", async () => {
    const dev = container((await runApp("dev", DEV_APP, {})).r.one(T.deployment));
    assert.deepStrictEqual(dev.resources, {
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { memory: "256Mi" },
    });
    const prod = container((await runApp("prod", PROD_APP)).r.one(T.deployment));
    assert.deepStrictEqual(prod.resources.limits, { memory: "512Mi", cpu: "1" });
  });

  it("mounts an emptyDir at each writable path (the root filesystem is read-only)", async () => {
    const { r } = await runApp("prod", PROD_APP);
    const d = r.one(T.deployment);
    const volumes = podSpec(d).volumes as Obj[];
    const mounts = container(d).volumeMounts as Obj[];
    assert.deepStrictEqual(
      mounts.map((m) => m.mountPath),
      ["/tmp", "/var/cache/shop"],
    );
    for (const m of mounts) {
      const v = volumes.find((x) => x.name === m.name);
      assert.ok(v, `volume ${m.name}`);
      assert.deepStrictEqual(v.emptyDir, {});
    }
    assert.strictEqual(volumes.length, 2);
  });

  it("rolls out without losing capacity and keeps a short history", async () => {
    const d = (await runApp("prod", PROD_APP)).r.one(T.deployment);
    assert.deepStrictEqual(get(d.inputs, "spec.strategy"), {
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" },
    });
    assert.ok(get(d.inputs, "spec.revisionHistoryLimit") > 0);
    assert.deepStrictEqual(get(d.inputs, "spec.selector.matchLabels"), { "app.kubernetes.io/name": "shop" });
  });
});

describe("workloads: scaling and disruption", () => {
  it("autoscaling: an HPA owns the replicas (none in the Deployment), CPU + memory targets, slow scale-down", async () => {
    const { r } = await runApp("prod", PROD_APP);
    const d = r.one(T.deployment);
    assert.strictEqual(get(d.inputs, "spec.replicas"), undefined, "the HPA owns spec.replicas");
    const hpa = inputs(r.one(T.hpa)).spec;
    assert.deepStrictEqual(hpa.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "shop" });
    assert.strictEqual(hpa.minReplicas, 2);
    assert.strictEqual(hpa.maxReplicas, 6);
    assert.deepStrictEqual(
      hpa.metrics.map((m: Obj) => [m.resource.name, m.resource.target.averageUtilization]),
      [
        ["cpu", 70],
        ["memory", 80],
      ],
    );
    assert.ok(hpa.behavior.scaleDown.stabilizationWindowSeconds >= 60);
  });

  it("fixed replicas > 1: replicas set, PDB with maxUnavailable 1 and AlwaysAllow, spread across nodes and zones", async () => {
    const { r } = await runApp("prod", { ...DEV_APP, replicas: 3 }, {});
    const d = r.one(T.deployment);
    assert.strictEqual(get(d.inputs, "spec.replicas"), 3);
    assert.strictEqual(r.ofType(T.hpa).length, 0);
    const pdb = inputs(r.one(T.pdb)).spec;
    assert.deepStrictEqual(pdb, {
      maxUnavailable: 1,
      selector: { matchLabels: { "app.kubernetes.io/name": "hello" } },
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    });
    const spread = podSpec(d).topologySpreadConstraints as Obj[];
    assert.deepStrictEqual(
      spread.map((t) => [t.topologyKey, t.whenUnsatisfiable]),
      [
        ["kubernetes.io/hostname", "DoNotSchedule"],
        ["topology.kubernetes.io/zone", "ScheduleAnyway"],
      ],
    );
    for (const t of spread)
      assert.deepStrictEqual(t.labelSelector.matchLabels, { "app.kubernetes.io/name": "hello" });
  });

  it("autoscaling with minReplicas 1: no PDB, no spread; minReplicas 2: both", () => {
    const one = pureSettings("dev", { ...DEV_APP, autoscaling: { minReplicas: 1, maxReplicas: 3 } });
    const spec = deploymentSpec(one, pureCtx(), { serviceAccountName: "hello" }) as Obj;
    assert.strictEqual(spec.replicas, undefined);
    assert.strictEqual(spec.template.spec.topologySpreadConstraints, undefined);
    const two = pureSettings("dev", {
      ...DEV_APP,
      replicas: 1,
      autoscaling: { minReplicas: 2, maxReplicas: 3 },
    });
    const spec2 = deploymentSpec(two, pureCtx(), { serviceAccountName: "hello" }) as Obj;
    assert.strictEqual(spec2.template.spec.topologySpreadConstraints.length, 2);
    assert.strictEqual((pdbSpec(two) as Obj).maxUnavailable, 1);
    assert.throws(() => hpaSpec(pureSettings("dev", DEV_APP), "hello"), /autoscaling/);
  });

  it("PDB presence in a run: only when the app never goes below 2 pods", async () => {
    const auto1 = await runApp("dev", { ...DEV_APP, autoscaling: { minReplicas: 1, maxReplicas: 4 } }, {});
    assert.strictEqual(auto1.r.ofType(T.pdb).length, 0);
    assert.strictEqual(auto1.r.ofType(T.hpa).length, 1);
  });
});

describe("workloads: traffic", () => {
  it("Service: http → targetPort http, and the metrics port when declared", async () => {
    const { r } = await runApp("prod", PROD_APP);
    assert.deepStrictEqual(inputs(r.one(T.service)).spec, {
      type: "ClusterIP",
      selector: { "app.kubernetes.io/name": "shop" },
      ports: [
        { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
        { name: "metrics", port: 9090, targetPort: "metrics", protocol: "TCP" },
      ],
    });
    const ports = container(r.one(T.deployment)).ports as Obj[];
    assert.deepStrictEqual(
      ports.map((p) => [p.name, p.containerPort]),
      [
        ["http", 8080],
        ["metrics", 9090],
      ],
    );
  });

  it("Ingress annotations: the issuer; with F5 NGINX, HTTP-01 solved in the app's own Ingress", () => {
    const ingress = (controller: "traefik" | "nginx") => ({
      className: controller,
      namespace: "ingress",
      controller,
    });
    assert.deepStrictEqual(
      ingressAnnotations(pureCtx({ clusterIssuer: "letsencrypt-prod", ingress: ingress("traefik") })),
      {
        "cert-manager.io/cluster-issuer": "letsencrypt-prod",
      },
    );
    assert.deepStrictEqual(
      ingressAnnotations(pureCtx({ clusterIssuer: "letsencrypt-prod", ingress: ingress("nginx") })),
      {
        "cert-manager.io/cluster-issuer": "letsencrypt-prod",
        "acme.cert-manager.io/http01-edit-in-place": "true",
      },
    );
  });

  it("Ingress: class, host/path Prefix → service http port, TLS from the cluster issuer", async () => {
    const { r } = await runApp("prod", PROD_APP);
    const ing = inputs(r.one(T.ingress));
    assert.strictEqual(ing.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
    assert.deepStrictEqual(ing.spec, {
      ingressClassName: "traefik",
      tls: [{ hosts: ["shop.example.com"], secretName: "shop-tls" }],
      rules: [
        {
          host: "shop.example.com",
          http: {
            paths: [
              {
                path: "/store",
                pathType: "Prefix",
                backend: { service: { name: "shop", port: { name: "http" } } },
              },
            ],
          },
        },
      ],
    });
  });

  it("NetworkPolicies: ingress from the ingress controller (http) and monitoring (metrics); egress to Vault and declared peers", async () => {
    const { r } = await runApp("prod", PROD_APP);
    const nsPeer = (ns: string) => ({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
    });
    const pods = { matchLabels: { "app.kubernetes.io/name": "shop" } };
    assert.deepStrictEqual(policy(r, "netpol-ingress"), {
      podSelector: pods,
      policyTypes: ["Ingress"],
      ingress: [
        { from: [nsPeer("ingress")], ports: [{ port: 8080, protocol: "TCP" }] },
        { from: [nsPeer("monitoring")], ports: [{ port: 9090, protocol: "TCP" }] },
      ],
    });
    assert.deepStrictEqual(policy(r, "netpol-egress"), {
      podSelector: pods,
      policyTypes: ["Egress"],
      egress: [
        { to: [nsPeer("vault")], ports: [{ port: 8200, protocol: "TCP" }] },
        { to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ port: 5432, protocol: "TCP" }] },
        {
          to: [nsPeer("payments")],
          ports: [
            { port: 8443, protocol: "TCP" },
            { port: 8444, protocol: "TCP" },
          ],
        },
      ],
    });
    const d = r.one(T.deployment);
    for (const p of r.ofType(T.netpol)) assert.ok(d.dependsOn.includes(p.urn), `pods start after ${p.name}`);
  });

  it("NetworkPolicies: none of its own for an app that takes and makes no traffic; UDP egress kept", () => {
    assert.deepStrictEqual(networkPolicies(pureSettings("dev", DEV_APP), pureCtx()), []);
    const udp = pureSettings("dev", {
      ...DEV_APP,
      egress: [{ cidr: "192.0.2.10/32", ports: [514], protocol: "UDP" }],
    });
    const [egress] = networkPolicies(udp, pureCtx());
    assert.strictEqual(egress.suffix, "egress");
    assert.deepStrictEqual((egress.spec as Obj).egress, [
      { to: [{ ipBlock: { cidr: "192.0.2.10/32" } }], ports: [{ port: 514, protocol: "UDP" }] },
    ]);
  });

  it("an app that declares egress to another app's namespace and port is let in by that app", async () => {
    const api = { ...DEV_APP, name: "api", namespace: "shop", port: 8080 };
    const web = {
      ...DEV_APP,
      name: "web",
      namespace: "front",
      egress: [{ namespace: "shop", ports: [8080] }],
    };
    const other = {
      ...DEV_APP,
      name: "batch",
      namespace: "shop",
      egress: [{ namespace: "shop", ports: [9999] }],
    };
    const settings = [api, web, other].map((a) => pureSettings("dev", a));
    assert.deepStrictEqual(callersOf(settings, settings[0]), [{ name: "web", namespace: "front" }]);
    const { r } = await runWorkloads(
      [api, web, other].map((raw) => ({ profile: "dev" as const, raw })),
      {},
    );
    const apiIngress = inputs(r.one(T.netpol, "apps-api-netpol-ingress")).spec;
    assert.deepStrictEqual(apiIngress.ingress, [
      {
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "front" } },
            podSelector: { matchLabels: { "app.kubernetes.io/name": "web" } },
          },
        ],
        ports: [{ port: 8080, protocol: "TCP" }],
      },
    ]);
  });

  it("ServiceMonitor: the app Service's metrics port and path, after the monitoring release", async () => {
    const { r } = await runApp("prod", { ...PROD_APP, metrics: { port: 9102, path: "/prom" } });
    const sm = r.one(T.serviceMonitor);
    assert.deepStrictEqual(inputs(sm).spec, {
      selector: { matchLabels: { "app.kubernetes.io/name": "shop" } },
      namespaceSelector: { matchNames: ["shop"] },
      endpoints: [{ port: "metrics", path: "/prom" }],
    });
    const release = r.resources.find((x) => x.type === "test:index:MonitoringRelease")!;
    assert.ok(sm.dependsOn.includes(release.urn), "the ServiceMonitor waits for the CRD's release");
    assert.ok(sm.dependsOn.includes(r.one(T.service).urn));
  });
});

describe("workloads: Vault", () => {
  it("annotates the pod template for the injector with role, secrets, templates, address and agent resources", async () => {
    const { r } = await runApp("prod", PROD_APP);
    const a = get(r.one(T.deployment).inputs, "spec.template.metadata.annotations");
    assert.deepStrictEqual(a, {
      "vault.hashicorp.com/agent-inject": "true",
      "vault.hashicorp.com/role": "shop",
      "vault.hashicorp.com/service": VAULT_ADDRESS,
      "vault.hashicorp.com/agent-set-security-context": "true",
      "vault.hashicorp.com/agent-requests-cpu": "25m",
      "vault.hashicorp.com/agent-requests-mem": "64Mi",
      "vault.hashicorp.com/agent-limits-mem": "128Mi",
      "vault.hashicorp.com/agent-inject-secret-config": "secret/data/shop/config",
      "vault.hashicorp.com/agent-inject-template-config": TEMPLATE,
      "vault.hashicorp.com/agent-inject-secret-db": "database/creds/shop",
    });
    assert.strictEqual((a as Obj)["vault.hashicorp.com/agent-inject-template-db"], undefined);
  });

  it("Vault whose injector hands out the CA (the platform's ha mode): no Certificate, no CA annotations; no Vault: none", async () => {
    const { r } = await runApp("prod", PROD_APP, ALL);
    assert.strictEqual(r.ofType(T.certificate).length, 0, "no copy of any CA in the app namespace");
    const deployment = r.one(T.deployment);
    const a = get(deployment.inputs, "spec.template.metadata.annotations");
    assert.strictEqual(a["vault.hashicorp.com/service"], VAULT_ADDRESS, "still https");
    assert.strictEqual(a["vault.hashicorp.com/tls-secret"], undefined);
    // An explicit ca-cert would override the CA the injector gives every agent (VAULT_CACERT_BYTES).
    assert.strictEqual(a["vault.hashicorp.com/ca-cert"], undefined);
    assert.ok(
      deployment.dependsOn.includes(r.resources.find((x) => x.name === "vault")!.urn),
      "pods wait for what VaultService.release names (the injector and its CA patch)",
    );
    assert.ok(
      deployment.dependsOn.includes(r.resources.find((x) => x.name === "vault-configure")!.urn),
      "and for VaultService.configured (the configure Job: the app's role and policy exist)",
    );
    assert.ok(
      deployment.dependsOn.includes(r.resources.find((x) => x.name === "cluster-ready")!.urn),
      "and after ctx.dependsOn",
    );
    const plain = await runApp("dev", DEV_APP, ALL);
    const d = plain.r.one(T.deployment);
    assert.strictEqual(get(d.inputs, "spec.template.metadata.annotations"), undefined);
    const vaultRelease = plain.r.resources.find((x) => x.name === "vault")!;
    assert.ok(!d.dependsOn.includes(vaultRelease.urn));
    const configured = plain.r.resources.find((x) => x.name === "vault-configure")!;
    assert.ok(!d.dependsOn.includes(configured.urn), "an app without vault: does not wait for Vault's setup");
    assert.deepStrictEqual(vaultAnnotations(pureSettings("dev", DEV_APP), pureCtx()), {});
  });

  it("refuses a secret name too long for an annotation key (63 characters)", () => {
    const ctx = pureCtx({
      vault: {
        address: VAULT_ADDRESS,
        namespace: "vault",
        release: {} as pulumi.Resource,
        configured: {} as pulumi.Resource,
      },
    });
    const named = (name: string) =>
      pureSettings("dev", {
        ...DEV_APP,
        vault: { role: "hello", secrets: [{ name, path: "secret/data/x" }] },
      });
    const ok = vaultAnnotations(named("a".repeat(41)), ctx);
    assert.strictEqual(ok[`vault.hashicorp.com/agent-inject-secret-${"a".repeat(41)}`], "secret/data/x");
    // Config validation refuses it before the component sees it.
    assert.throws(() => vaultAnnotations(named("a".repeat(42)), ctx), /at most 41 characters/);
  });
});

describe("workloads: namespaces", () => {
  it("forbids app pods at the platform's priority classes: one zero-pod quota per namespace", async () => {
    const apps = [
      { ...DEV_APP, name: "api", namespace: "shop" },
      { ...DEV_APP, name: "web", namespace: "shop" },
      { ...DEV_APP, name: "blog" },
    ];
    const { r } = await runWorkloads(apps.map((raw) => ({ profile: "dev" as const, raw })));
    const quotas = r.ofType("kubernetes:core/v1:ResourceQuota");
    assert.deepStrictEqual(quotas.map((q) => q.name).sort(), [
      "apps-ns-blog-platform-priority",
      "apps-ns-shop-platform-priority",
    ]);
    for (const q of quotas) {
      validateKubernetesObject(q.inputs);
      assert.strictEqual(r.providerUrn(q), r.one(PROVIDER).urn);
      assert.deepStrictEqual(inputs(q).spec, {
        hard: { pods: "0" },
        scopeSelector: {
          matchExpressions: [
            {
              scopeName: "PriorityClass",
              operator: "In",
              values: ["kube-platform-critical", "kube-platform-high"],
            },
          ],
        },
      });
    }
    assert.deepStrictEqual(quotas.map((q) => inputs(q).metadata.namespace).sort(), ["blog", "shop"]);
  });

  it("creates each namespace once, restricted, with default deny and DNS egress; apps share it", async () => {
    const apps = [
      { ...DEV_APP, name: "api", namespace: "shop" },
      { ...DEV_APP, name: "web", namespace: "shop", host: "web.example.com" },
      { ...DEV_APP, name: "blog" },
    ];
    const { r } = await runWorkloads(apps.map((raw) => ({ profile: "dev" as const, raw })));
    const namespaces = r.ofType(T.namespace);
    assert.deepStrictEqual(namespaces.map((n) => inputs(n).metadata.name).sort(), ["blog", "shop"]);
    const workloads = r.one(T.workloads);
    for (const ns of namespaces) {
      validateKubernetesObject(ns.inputs);
      assert.strictEqual(ns.parent, workloads.urn);
      assert.strictEqual(r.providerUrn(ns), r.one(PROVIDER).urn);
      assert.ok(
        ns.dependsOn.includes(r.one("test:index:ClusterReady").urn),
        "namespaces wait for the cluster",
      );
      for (const [k, v] of Object.entries(podSecurityLabels("restricted", "1.34"))) {
        assert.strictEqual(inputs(ns).metadata.labels[k], v, k);
      }
      assert.strictEqual(inputs(ns).metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    }
    const nsPolicies = (ns: string) =>
      r
        .ofType(T.netpol)
        .filter((p) => p.parent === workloads.urn && inputs(p).metadata.namespace === ns)
        .map((p) => inputs(p).metadata.name)
        .sort();
    assert.deepStrictEqual(nsPolicies("shop"), ["allow-acme-http01-solver", "allow-dns", "default-deny"]);
    assert.deepStrictEqual(
      nsPolicies("blog"),
      ["allow-dns", "default-deny"],
      "no solver policy without a host",
    );

    const deny = r.one(T.netpol, "apps-ns-shop-default-deny");
    assert.deepStrictEqual(inputs(deny).spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const dns = r.one(T.netpol, "apps-ns-shop-allow-dns");
    assert.deepStrictEqual(inputs(dns).spec, {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { port: 53, protocol: "UDP" },
            { port: 53, protocol: "TCP" },
          ],
        },
      ],
    });
    const solver = inputs(r.one(T.netpol, "apps-ns-shop-allow-acme-http01-solver")).spec;
    assert.deepStrictEqual(solver.podSelector, { matchLabels: { [ACME_SOLVER.label]: "true" } });
    assert.deepStrictEqual(solver.ingress[0].ports, [{ port: 8089, protocol: "TCP" }]);
    for (const p of r.ofType(T.netpol)) validateKubernetesObject(p.inputs);

    // Both shop apps live in the one shop namespace, and their pods start after its DNS policy.
    const shopNs = namespaces.find((n) => inputs(n).metadata.name === "shop")!;
    for (const app of ["api", "web"]) {
      const d = r.one(T.deployment, `apps-${app}-deploy`);
      assert.strictEqual(inputs(d).metadata.namespace, "shop");
      assert.ok(d.dependsOn.includes(shopNs.urn));
      assert.ok(d.dependsOn.includes(dns.urn), `${app} starts after DNS is allowed`);
    }
  });

  it("no ACME solver policy with the internal CA issuer: cert-manager starts no solver pods then", async () => {
    const r = await runResources(() => {
      const { ctx } = fakeCtx(ALL);
      const app = fromConfig("dev", { ...DEV_APP, host: "web.example.com" });
      new Workloads("apps", { apps: [app], ctx: { ...ctx, clusterIssuer: "selfsigned" } });
    });
    const names = r.ofType(T.netpol).map((p) => inputs(p).metadata.name);
    assert.deepStrictEqual(
      names.filter((n) => n.startsWith("allow-")),
      ["allow-dns"],
    );
  });
});

describe("workloads: Vault injection label", () => {
  it("labels exactly the namespaces with a Vault app, the label the injector's namespaceSelector matches", async () => {
    const vault = { role: "hello", secrets: [{ name: "config", path: "secret/data/x" }] };
    const apps = [
      { ...DEV_APP, name: "api", namespace: "shop", vault },
      { ...DEV_APP, name: "web", namespace: "shop" },
      { ...DEV_APP, name: "blog" },
    ];
    const { r } = await runWorkloads(apps.map((raw) => ({ profile: "dev" as const, raw })));
    const label = (ns: string) =>
      inputs(r.one(T.namespace, `apps-ns-${ns}`)).metadata.labels["kube-platform/vault-injection"];
    assert.strictEqual(label("shop"), "enabled", "a Vault app shares the namespace: its pods are injected");
    assert.strictEqual(label("blog"), undefined, "no Vault app: the injector never sees these pods");
    const values = vaultValues(
      {
        enabled: true,
        mode: "dev",
        replicas: 3,
        storageSize: "1Gi",
        auditStorageSize: "1Gi",
        injectorReplicas: 1,
        init: { keyHolders: [], threshold: 1, unsealWaitSeconds: 1800 },
        values: {},
      },
      false,
      { storageClass: "standard", serverConfig: "", autoUnseal: false, devRootToken: "root" },
    ) as Obj;
    assert.deepStrictEqual(values.injector.webhook.namespaceSelector.matchLabels, {
      "kube-platform/vault-injection": label("shop"),
    });
  });
});

describe("workloads: errors", () => {
  it("a host without an ingress controller or ClusterIssuer is a clear error", async () => {
    await assert.rejects(
      runApp("prod", PROD_APP, { ...ALL, ingress: false }),
      /app shop has a host \(shop\.example\.com\) but the platform has no ingress controller:/,
    );
    await assert.rejects(
      runApp("prod", PROD_APP, { ...ALL, issuer: false }),
      /app shop has a host .* has no ClusterIssuer:/,
    );
  });

  it("Vault settings without Vault on the platform is a clear error", async () => {
    await assert.rejects(
      runApp("prod", PROD_APP, { ...ALL, vault: false }),
      /app shop uses Vault \(apps\[\]\.vault\) but the platform has no Vault/,
    );
  });

  it("metrics without monitoring is a clear error (config validation forbids it too)", async () => {
    await assert.rejects(
      runApp("prod", PROD_APP, { ...ALL, monitoring: false }),
      /app shop declares metrics .* no monitoring/,
    );
  });

  it("the same app name twice is a clear error", async () => {
    await assert.rejects(
      runWorkloads(
        [
          { profile: "dev", raw: DEV_APP },
          { profile: "dev", raw: { ...DEV_APP, namespace: "other" } },
        ],
        {},
      ),
      /the name hello is used twice/,
    );
  });
});
