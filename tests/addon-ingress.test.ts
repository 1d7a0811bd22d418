import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AddonContext } from "../components/addons/base";
import { podSecurityLabels } from "../components/kube/conventions";
import {
  INGRESS_CONTROLLERS,
  INGRESS_NAMESPACE,
  IngressController,
  ingressReplicas,
  loadBalancerAddressOf,
  nginxValues,
  traefikValues,
} from "../components/addons/ingress";
import { controllerServiceObject } from "../components/addons/ingress-service";
import { HelmValues, IngressSettings } from "../components/addons/types";
import { CHARTS } from "../components/addons/versions";
import { ManagedCluster } from "../components/cluster/types";
import { eksLoadBalancer } from "../components/cluster/eks/load-balancer-controller/controller";
import { chartData, chartValueProblems } from "./helpers/chart-values";
import { validateKubernetesObject } from "./helpers/k8s-schemas";
import { K8S_MOCK } from "../offline/mock-state/kubernetes";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";
import { get } from "../rules";

const T = {
  release: "kubernetes:helm.sh/v3:Release",
  namespace: "kubernetes:core/v1:Namespace",
  service: "kubernetes:core/v1:Service",
  provider: "pulumi:providers:kubernetes",
  component: "kube-platform:addons:IngressController",
  pool: "test:index:NodePool",
};

type LoadBalancer = ManagedCluster["loadBalancer"];
/** EKS: the AWS Load Balancer Controller's internet-facing NLB with IP targets (eks/load-balancer-controller). */
const NLB = {
  "service.beta.kubernetes.io/aws-load-balancer-type": "external",
  "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
  "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "preserve_client_ip.enabled=true",
};
/** The load balancer contract of each target (EKS: the controller's NLB by DNS name; the others: an IP). */
const LOAD_BALANCERS: Record<string, LoadBalancer> = {
  eks: {
    addressKind: "hostname",
    serviceAnnotations: NLB,
    loadBalancerClass: "service.k8s.aws/nlb",
    controllerNamespaceLabels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
  },
  gke: { addressKind: "ip", serviceAnnotations: {} },
  aks: {
    addressKind: "ip",
    serviceAnnotations: {
      "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path": "/ping",
    },
  },
  doks: {
    addressKind: "ip",
    serviceAnnotations: { "service.beta.kubernetes.io/do-loadbalancer-name": "kp-ingress" },
  },
};

function settings(over: Partial<IngressSettings> = {}): IngressSettings {
  return {
    enabled: true,
    controller: "traefik",
    replicas: 1,
    className: "traefik",
    values: {},
    serviceAnnotations: {},
    ...over,
  };
}

interface Read {
  type: string;
  name: string;
  id: string;
  parent: string;
  provider: string;
  dependencies: string[];
}

interface ReadRequest {
  getType(): string;
  getName(): string;
  getId(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
}

/** Records the mock monitor's reads (`Resource.get`), which the shared harness does not record. */
function recordReads(): Read[] {
  const reads: Read[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    readResource(req: ReadRequest, cb: (err: unknown, res: unknown) => void): void;
  };
  const original = monitor.readResource.bind(monitor);
  monitor.readResource = (req, cb) => {
    reads.push({
      type: req.getType(),
      name: req.getName(),
      id: req.getId(),
      parent: req.getParent(),
      provider: req.getProvider(),
      dependencies: req.getDependenciesList(),
    });
    original(req, cb);
  };
  return reads;
}

/** A plain custom resource (the mocks accept any type). */
class TestResource extends pulumi.CustomResource {
  constructor(type: string, name: string, opts?: pulumi.CustomResourceOptions) {
    super(type, name, {}, opts);
  }
}

/** The add-on context of a test: a k8s provider and a "cluster ready" component with a node pool. */
function testCtx(ha: boolean): AddonContext {
  const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
  const cluster = new pulumi.ComponentResource("test:index:Cluster", "cluster", {});
  new TestResource(T.pool, "pool", { parent: cluster });
  return { provider, dependsOn: [cluster], highAvailability: ha, kubernetesVersion: "1.34" };
}

interface IngressRun {
  run: ProgramRun;
  reads: Read[];
  component: IngressController;
}

async function deploy(
  s: IngressSettings,
  ha: boolean,
  lb: LoadBalancer = LOAD_BALANCERS.eks,
): Promise<IngressRun> {
  let component: IngressController | undefined;
  let reads: Read[] = [];
  const run = await runResources(() => {
    reads = recordReads();
    // Unrelated to the ingress: its release must not wait for it.
    new TestResource("test:index:Unrelated", "unrelated");
    component = new IngressController("ingress", { settings: s, ctx: testCtx(ha), loadBalancer: lb });
    component.expose();
    return {
      className: component.className,
      namespace: component.namespace,
      loadBalancerAddress: component.loadBalancerAddress,
    };
  });
  return { run, reads, component: component! };
}

const releaseValues = (run: ProgramRun): HelmValues => run.one(T.release).inputs.values as HelmValues;
/** The controller's Service as registered (metadata and spec). */
const serviceInputs = (run: ProgramRun): HelmValues => run.one(T.service).inputs;
const serviceAnnotations = (run: ProgramRun): unknown => get(serviceInputs(run), "metadata.annotations");

/** What each chart rendered as its default Service for the platform's values (their objects.json). */
const CHART_SERVICES = {
  traefik: {
    name: "traefik",
    selector: { "app.kubernetes.io/instance": "traefik-ingress", "app.kubernetes.io/name": "traefik" },
    ports: [
      { name: "web", port: 80, targetPort: "web", protocol: "TCP" },
      { name: "websecure", port: 443, targetPort: "websecure", protocol: "TCP" },
    ],
  },
  nginx: {
    name: "nginx-ingress-controller",
    selector: { "app.kubernetes.io/instance": "nginx-ingress", "app.kubernetes.io/name": "nginx-ingress" },
    ports: [
      { name: "http", port: 80, targetPort: 80, protocol: "TCP" },
      { name: "https", port: 443, targetPort: 443, protocol: "TCP" },
    ],
  },
} as const;

describe("ingress add-on", () => {
  describe("traefik (default)", () => {
    let dev: IngressRun;
    let prod: IngressRun;
    before(async () => {
      dev = await deploy(settings(), false);
      prod = await deploy(settings({ replicas: 3 }), true);
    });

    it("installs the pinned Traefik chart as release 'traefik' in namespace 'ingress'", () => {
      const r = dev.run.one(T.release).inputs;
      assert.equal(r.chart, "traefik");
      assert.equal(r.chart, CHARTS.traefik.chart);
      assert.equal(r.version, "41.3.0");
      assert.equal(r.version, CHARTS.traefik.version);
      assert.deepEqual(r.repositoryOpts, { repo: CHARTS.traefik.repo });
      assert.equal(r.name, "traefik");
      assert.equal(r.namespace, "ingress");
      assert.equal(r.atomic, true);
    });

    it("dev: configured replicas, no PDB, no spread constraints", () => {
      const v = releaseValues(dev.run);
      assert.equal(get(v, "deployment.replicas"), 1);
      assert.equal(v.podDisruptionBudget, undefined);
      assert.equal(v.topologySpreadConstraints, undefined);
    });

    it("prod (HA): configured replicas, a PDB and spread across nodes (hard) and zones (soft)", () => {
      const v = releaseValues(prod.run);
      assert.equal(get(v, "deployment.replicas"), 3);
      assert.deepEqual(v.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
      const spread = v.topologySpreadConstraints as Record<string, unknown>[];
      assert.deepEqual(
        spread.map((c) => [c.topologyKey, c.whenUnsatisfiable]),
        [
          ["kubernetes.io/hostname", "DoNotSchedule"],
          ["topology.kubernetes.io/zone", "ScheduleAnyway"],
        ],
      );
      // The chart's selector labels for release "traefik" in namespace "ingress".
      for (const c of spread) {
        assert.deepEqual(get(c, "labelSelector.matchLabels"), {
          "app.kubernetes.io/name": "traefik",
          "app.kubernetes.io/instance": "traefik-ingress",
        });
      }
    });

    it("HA never runs a single replica", () => {
      assert.equal(ingressReplicas(settings({ replicas: 1 }), true), 2);
      assert.equal(ingressReplicas(settings({ replicas: 1 }), false), 1);
      assert.equal(
        get(traefikValues(settings({ replicas: 1 }), true, LOAD_BALANCERS.gke), "deployment.replicas"),
        2,
      );
    });

    it("sets requests and a memory limit", () => {
      for (const v of [releaseValues(dev.run), releaseValues(prod.run)]) {
        assert.deepEqual(v.resources, {
          requests: { cpu: "100m", memory: "128Mi" },
          limits: { memory: "512Mi" },
        });
      }
    });

    it("creates the IngressClass settings.className and marks it the cluster default", async () => {
      const named = await deploy(settings({ className: "public" }), false);
      assert.deepEqual(releaseValues(named.run).ingressClass, {
        enabled: true,
        isDefaultClass: true,
        name: "public",
      });
      assert.equal(named.run.outputs.className, "public");
      assert.equal(named.component.className, "public");
    });

    it("publishes the platform's LoadBalancer Service address in Ingress status, the chart's Service off", () => {
      const v = releaseValues(dev.run);
      assert.deepEqual(get(v, "providers.kubernetesIngress.publishedService"), {
        enabled: true,
        pathOverride: "ingress/traefik",
      });
      assert.deepEqual(v.service, { enabled: false });
      assert.equal(get(serviceInputs(dev.run), "spec.type"), "LoadBalancer");
      assert.equal(get(serviceInputs(dev.run), "spec.externalTrafficPolicy"), "Local");
    });

    it("does not redirect HTTP to HTTPS globally (cert-manager's HTTP-01 solver must stay reachable)", () => {
      const v = releaseValues(prod.run);
      assert.equal(get(v, "ports.web.http.redirections"), undefined);
      assert.equal(get(v, "ports.web.redirections"), undefined);
      assert.equal(get(v, "ports.web.redirectTo"), undefined);
    });

    it("exposes Prometheus metrics on a metrics Service, without a chart ServiceMonitor", () => {
      const v = releaseValues(dev.run);
      assert.equal(get(v, "metrics.prometheus.entryPoint"), "metrics");
      assert.equal(get(v, "metrics.prometheus.service.enabled"), true);
      assert.equal(get(v, "metrics.prometheus.serviceMonitor.enabled"), false);
      // The metrics port stays off the load balancer.
      assert.equal(get(chartData("traefik").defaults, "ports.metrics.expose.default"), false);
      assert.equal(get(v, "ports.metrics.expose"), undefined);
      const [m] = dev.component.metrics;
      assert.equal(dev.component.metrics.length, 1);
      assert.equal(m.namespace, "ingress");
      assert.deepEqual(m.selector, {
        "app.kubernetes.io/name": "traefik",
        "app.kubernetes.io/instance": "traefik-ingress",
        "app.kubernetes.io/component": "metrics",
      });
      assert.equal(m.port, "metrics");
      assert.equal(m.path, "/metrics");
      assert.equal(m.release, dev.component.release);
    });

    it("hardens what the chart leaves open: no dashboard, no version check, strict TLS options", () => {
      const v = releaseValues(dev.run);
      assert.equal(get(v, "api.dashboard"), false);
      assert.equal(get(v, "global.checkNewVersion"), false);
      assert.equal(get(v, "global.sendAnonymousUsage"), false);
      assert.equal(get(v, "core.strictTLSOptions"), true);
    });

    it("the chart's pod security defaults (kept as they are) satisfy Pod Security restricted", () => {
      const d = chartData("traefik").defaults;
      assert.equal(get(d, "podSecurityContext.runAsNonRoot"), true);
      assert.notEqual(get(d, "podSecurityContext.runAsUser"), 0);
      assert.equal(get(d, "podSecurityContext.seccompProfile.type"), "RuntimeDefault");
      assert.equal(get(d, "securityContext.allowPrivilegeEscalation"), false);
      assert.deepEqual(get(d, "securityContext.capabilities.drop"), ["ALL"]);
      assert.equal(get(d, "securityContext.readOnlyRootFilesystem"), true);
      assert.equal(get(d, "hostNetwork"), false);
      // Unprivileged container ports: no NET_BIND_SERVICE needed.
      assert.ok((get(d, "ports.web.port") as number) >= 1024);
      assert.ok((get(d, "ports.websecure.port") as number) >= 1024);
      for (const v of [releaseValues(dev.run), releaseValues(prod.run)]) {
        assert.equal(v.securityContext, undefined);
        assert.equal(v.podSecurityContext, undefined);
        assert.equal(v.hostNetwork, undefined);
      }
    });

    it("every values object is valid for the pinned chart (dev, prod)", () => {
      assert.deepEqual(chartValueProblems("traefik", releaseValues(dev.run)), []);
      assert.deepEqual(chartValueProblems("traefik", releaseValues(prod.run)), []);
    });
  });

  describe("nginx (F5 NGINX Ingress Controller)", () => {
    let dev: IngressRun;
    let prod: IngressRun;
    before(async () => {
      dev = await deploy(settings({ controller: "nginx", className: "nginx" }), false, LOAD_BALANCERS.gke);
      prod = await deploy(settings({ controller: "nginx", className: "nginx", replicas: 3 }), true);
    });

    it("installs the pinned OCI chart as release 'nginx-ingress' in namespace 'ingress'", () => {
      const r = dev.run.one(T.release).inputs;
      assert.equal(r.chart, "oci://ghcr.io/nginx/charts/nginx-ingress");
      assert.equal(r.chart, CHARTS.nginx.chart);
      assert.equal(r.version, "2.6.4");
      assert.equal(r.repositoryOpts, undefined);
      assert.equal(r.name, "nginx-ingress");
      assert.equal(r.namespace, "ingress");
    });

    it("dev: configured replicas, no PDB; prod: replicas, PDB and spread", () => {
      const d = releaseValues(dev.run);
      assert.equal(get(d, "controller.replicaCount"), 1);
      assert.equal(get(d, "controller.podDisruptionBudget"), undefined);
      assert.equal(get(d, "controller.topologySpreadConstraints"), undefined);
      const p = releaseValues(prod.run);
      assert.equal(get(p, "controller.replicaCount"), 3);
      assert.deepEqual(get(p, "controller.podDisruptionBudget"), { enabled: true, maxUnavailable: 1 });
      const spread = get(p, "controller.topologySpreadConstraints") as Record<string, unknown>[];
      assert.equal(spread.length, 2);
      for (const c of spread) {
        assert.deepEqual(get(c, "labelSelector.matchLabels"), {
          "app.kubernetes.io/name": "nginx-ingress",
          "app.kubernetes.io/instance": "nginx-ingress",
        });
      }
    });

    it("creates the default IngressClass settings.className and reports the LB address in Ingress status", async () => {
      const named = await deploy(settings({ controller: "nginx", className: "public" }), false);
      const v = releaseValues(named.run);
      assert.deepEqual(get(v, "controller.ingressClass"), {
        name: "public",
        create: true,
        setAsDefaultIngress: true,
      });
      assert.equal(get(v, "controller.reportIngressStatus.enable"), true);
      // The chart's Service is off: -external-service names the platform's.
      assert.equal(get(v, "controller.reportIngressStatus.externalService"), "nginx-ingress-controller");
      assert.deepEqual(get(v, "controller.service"), { create: false });
      assert.equal(get(serviceInputs(named.run), "spec.type"), "LoadBalancer");
      assert.equal(get(serviceInputs(named.run), "spec.externalTrafficPolicy"), "Local");
      assert.equal(named.run.outputs.className, "public");
    });

    it("sets requests and a memory limit for the controller and its init container", () => {
      const v = releaseValues(prod.run);
      assert.deepEqual(get(v, "controller.resources"), {
        requests: { cpu: "100m", memory: "128Mi" },
        limits: { memory: "512Mi" },
      });
      assert.ok(get(v, "controller.initContainerResources.limits.memory"));
    });

    it("exposes Prometheus metrics on a metrics Service, without a chart ServiceMonitor", () => {
      const v = releaseValues(dev.run);
      assert.equal(get(v, "prometheus.create"), true);
      assert.equal(get(v, "prometheus.service.create"), true);
      assert.equal(get(v, "prometheus.serviceMonitor.create"), false);
      const [m] = dev.component.metrics;
      assert.equal(m.namespace, "ingress");
      // The Service carries exactly the labels the endpoint selects on.
      assert.deepEqual(get(v, "prometheus.service.labels"), m.selector);
      assert.equal(m.port, "prometheus");
      assert.equal(m.path, "/metrics");
      assert.equal(m.release, dev.component.release);
    });

    it("keeps the chart's restricted security context, with a read-only root filesystem and no telemetry", () => {
      const d = chartData("nginx").defaults;
      assert.equal(get(d, "controller.podSecurityContext.seccompProfile.type"), "RuntimeDefault");
      assert.equal(get(d, "controller.hostNetwork"), false);
      assert.equal(get(d, "controller.hostPort.enable"), false);
      for (const v of [releaseValues(dev.run), releaseValues(prod.run)]) {
        // Empty controller.securityContext → the chart's built-in non-root, drop ALL (+NET_BIND_SERVICE) context.
        assert.equal(get(v, "controller.securityContext"), undefined);
        assert.equal(get(v, "controller.readOnlyRootFilesystem"), true);
        assert.equal(get(v, "controller.enableSnippets"), false);
        assert.equal(get(v, "controller.telemetryReporting.enable"), false);
      }
    });

    it("every values object is valid for the pinned chart (dev, prod)", () => {
      assert.deepEqual(chartValueProblems("nginx", releaseValues(dev.run)), []);
      assert.deepEqual(chartValueProblems("nginx", releaseValues(prod.run)), []);
    });
  });

  describe("per-cloud load balancer", () => {
    for (const [target, lb] of Object.entries(LOAD_BALANCERS)) {
      it(`${target}: the LB annotations reach the controller's Service (both controllers), whose values stay valid`, () => {
        for (const controller of ["traefik", "nginx"] as const) {
          const layout = INGRESS_CONTROLLERS[controller];
          const object = controllerServiceObject(
            { ...layout.service, selector: layout.podLabels },
            "ingress",
            lb,
          );
          assert.deepEqual(object.metadata.annotations, lb.serviceAnnotations, controller);
          for (const ha of [false, true]) {
            assert.deepEqual(chartValueProblems("traefik", traefikValues(settings(), ha, lb)), []);
            const n = nginxValues(settings({ controller: "nginx" }), ha, lb);
            assert.deepEqual(chartValueProblems("nginx", n), []);
          }
        }
      });
    }

    it("addons.dns.ingressHostname: external-dns's hostname annotation beside the LB ones, on both controllers; absent: none", async () => {
      const host = "ingress.kube-platform.dev";
      for (const controller of ["traefik", "nginx"] as const) {
        const run = await runResources(() => {
          new IngressController("ingress", {
            settings: settings({ controller }),
            ctx: testCtx(false),
            loadBalancer: LOAD_BALANCERS.eks,
            dnsHostname: host,
          }).expose();
        });
        assert.deepEqual(
          serviceAnnotations(run),
          { ...NLB, "external-dns.alpha.kubernetes.io/hostname": host },
          controller,
        );
        const none = await deploy(settings({ controller }), false, LOAD_BALANCERS.gke);
        assert.deepEqual(serviceAnnotations(none.run), {}, controller);
      }
    });

    it("EKS: the controller's NLB annotations and its class are on the controller's Service", async () => {
      for (const controller of ["traefik", "nginx"] as const) {
        const { run } = await deploy(settings({ controller }), true, LOAD_BALANCERS.eks);
        assert.deepEqual(serviceAnnotations(run), NLB);
        assert.equal(get(serviceInputs(run), "spec.loadBalancerClass"), "service.k8s.aws/nlb");
        validateKubernetesObject({ apiVersion: "v1", kind: "Service", ...serviceInputs(run) });
      }
    });

    it("the other targets' Services name no class (the cloud's own controller serves them)", async () => {
      for (const target of ["gke", "aks", "doks"]) {
        const { run } = await deploy(settings(), false, LOAD_BALANCERS[target]);
        assert.equal(get(serviceInputs(run), "spec.loadBalancerClass"), undefined, target);
      }
    });

    it("a class change replaces the Service, deleting the old one first (the class is immutable, the name the same)", async () => {
      for (const target of ["eks", "gke"]) {
        const { run } = await deploy(settings(), false, LOAD_BALANCERS[target]);
        const svc = run.one(T.service);
        assert.deepEqual(svc.replaceOnChanges, ["spec.loadBalancerClass"], target);
        assert.equal(svc.deleteBeforeReplace, true, target);
      }
    });

    it("loadBalancerAddress is the hostname on hostname targets, the IP on the others", async () => {
      const eks = await deploy(settings(), false, LOAD_BALANCERS.eks);
      assert.equal(eks.run.outputs.loadBalancerAddress, K8S_MOCK.loadBalancerHostname);
      const gke = await deploy(settings({ controller: "nginx" }), false, LOAD_BALANCERS.gke);
      assert.equal(gke.run.outputs.loadBalancerAddress, K8S_MOCK.loadBalancerIp);
    });

    it("loadBalancerAddressOf: first ingress entry of the right kind, '' while pending", () => {
      const status = { loadBalancer: { ingress: [{ hostname: "lb.example.net", ip: "192.0.2.1" }] } };
      assert.equal(loadBalancerAddressOf(status as never, "hostname"), "lb.example.net");
      assert.equal(loadBalancerAddressOf(status as never, "ip"), "192.0.2.1");
      assert.equal(loadBalancerAddressOf({ loadBalancer: {} } as never, "ip"), "");
      assert.equal(
        loadBalancerAddressOf({ loadBalancer: { ingress: [{ ip: "192.0.2.1" }] } } as never, "hostname"),
        "",
      );
      assert.equal(loadBalancerAddressOf(undefined, "hostname"), "");
    });
  });

  describe("the controller's Service (the platform's, not the chart's)", () => {
    for (const controller of ["traefik", "nginx"] as const) {
      it(`${controller}: the Service the chart rendered, created after the release on the cluster provider`, async () => {
        const { run, reads } = await deploy(settings({ controller }), false, LOAD_BALANCERS.gke);
        assert.deepEqual(reads, [], "no Service is read any more");
        const svc = run.one(T.service);
        const expected = CHART_SERVICES[controller];
        // The URN of the former read of the chart's Service (`<component>-lb`).
        assert.equal(svc.name, "ingress-lb");
        assert.equal(get(svc.inputs, "metadata.name"), expected.name);
        assert.equal(get(svc.inputs, "metadata.namespace"), "ingress");
        assert.deepEqual(get(svc.inputs, "metadata.labels"), {
          ...expected.selector,
          "app.kubernetes.io/part-of": "kube-platform",
          "app.kubernetes.io/managed-by": "pulumi",
        });
        assert.deepEqual(get(svc.inputs, "spec"), {
          type: "LoadBalancer",
          externalTrafficPolicy: "Local",
          selector: expected.selector,
          ports: expected.ports,
        });
        validateKubernetesObject({ apiVersion: "v1", kind: "Service", ...svc.inputs });
        assert.ok(
          svc.dependsOn.includes(run.one(T.release).urn),
          "created after (deleted before) the release",
        );
        assert.ok(svc.dependsOn.includes(run.one(T.namespace).urn));
        assert.equal(svc.parent, run.one(T.component).urn);
        assert.equal(run.providerUrn(svc), run.one(T.provider).urn);
      });
    }

    it("waits for what expose() is given (external-dns's records wait): deleted before it on destroy", async () => {
      const run = await runResources(() => {
        const records = new TestResource("test:index:RecordsSettle", "records");
        new IngressController("ingress", {
          settings: settings(),
          ctx: testCtx(false),
          loadBalancer: LOAD_BALANCERS.gke,
        }).expose([records]);
      });
      assert.ok(run.one(T.service).dependsOn.includes(run.one("test:index:RecordsSettle").urn));
    });

    it("turning the chart's Service off replaces the release, deleting it first (its Service goes before the platform's)", async () => {
      for (const controller of ["traefik", "nginx"] as const) {
        const { run } = await deploy(settings({ controller }), false);
        const release = run.one(T.release);
        const toggle =
          controller === "traefik" ? "values.service.enabled" : "values.controller.service.create";
        assert.deepEqual(release.replaceOnChanges, [toggle]);
        assert.equal(release.deleteBeforeReplace, true);
        assert.equal(get(release.inputs, toggle), false);
      }
    });

    it("expose() once; the Service and the address are read after it", async () => {
      await runResources(() => {
        const c = new IngressController("ingress", {
          settings: settings(),
          ctx: testCtx(false),
          loadBalancer: LOAD_BALANCERS.gke,
        });
        assert.throws(() => c.loadBalancerAddress, /loadBalancerAddress is read before expose\(\)/);
        assert.throws(() => c.service, /service is read before expose\(\)/);
        c.expose();
        assert.throws(() => c.expose(), /expose\(\) is called once/);
      });
    });
  });

  describe("settings.values escape hatch", () => {
    it("is merged last, over the computed values", async () => {
      const { run } = await deploy(
        settings({
          values: {
            deployment: { replicas: 5, podAnnotations: { "example.com/extra": "yes" } },
            ingressClass: { isDefaultClass: false },
          },
        }),
        true,
      );
      const v = releaseValues(run);
      assert.equal(get(v, "deployment.replicas"), 5);
      assert.deepEqual(get(v, "deployment.podAnnotations"), { "example.com/extra": "yes" });
      assert.deepEqual(v.ingressClass, { enabled: true, isDefaultClass: false, name: "traefik" });
      // The rest of the computed values survive the merge.
      assert.equal(get(v, "providers.kubernetesIngress.publishedService.enabled"), true);
      assert.deepEqual(chartValueProblems("traefik", v), []);
    });

    it("an unknown key in settings.values is reported by the chart check", async () => {
      const t = await deploy(settings({ values: { deployment: { replica: 2 } } }), false);
      assert.ok(
        chartValueProblems("traefik", releaseValues(t.run)).includes("unknown key deployment.replica"),
      );
      const n = await deploy(
        settings({ controller: "nginx", values: { controller: { replicas: 2 } } }),
        false,
      );
      assert.ok(
        chartValueProblems("nginx", releaseValues(n.run)).includes("unknown key controller.replicas"),
      );
    });
  });

  describe("namespace, provider and dependencies", () => {
    let dev: IngressRun;
    before(async () => {
      dev = await deploy(settings(), false);
    });

    it("namespace 'ingress' enforces Pod Security restricted and is a valid object", () => {
      const ns = dev.run.one(T.namespace).inputs;
      const metadata = ns.metadata as { name: string; labels: Record<string, string> };
      assert.equal(metadata.name, INGRESS_NAMESPACE);
      assert.equal(metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
      for (const [k, val] of Object.entries(podSecurityLabels("restricted", "1.34")))
        assert.equal(metadata.labels[k], val);
      validateKubernetesObject(ns);
      assert.equal(dev.run.outputs.namespace, "ingress");
    });

    it("every Kubernetes object is on the cluster's provider and a child of the component", () => {
      const provider = dev.run.one(T.provider).urn;
      const component = dev.run.one(T.component).urn;
      const objects = dev.run.resources.filter((r) => r.type.startsWith("kubernetes:"));
      assert.deepEqual(objects.map((r) => r.type).sort(), [T.namespace, T.release, T.service].sort());
      for (const r of objects) {
        assert.equal(dev.run.providerUrn(r), provider, r.name);
        assert.equal(r.parent, component, r.name);
      }
    });

    it("the release depends on its namespace and cluster readiness, and on nothing else", () => {
      const release = dev.run.one(T.release);
      const expected = [dev.run.one(T.namespace).urn, dev.run.one(T.pool).urn].sort();
      assert.deepEqual([...new Set(release.dependsOn)].sort(), expected);
      const unrelated = dev.run.one("test:index:Unrelated") as RecordedResource;
      assert.equal(dev.run.dependsOnTransitively(release, unrelated), false);
    });

    it("EKS: the controller's pod readiness gate label beside the Pod Security labels; the other targets: only those", async () => {
      const platformLabels = {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "v1.34",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "v1.34",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "v1.34",
        "app.kubernetes.io/part-of": "kube-platform",
      };
      const labelsOf = (run: ProgramRun) => get(run.one(T.namespace).inputs, "metadata.labels");
      // The fixture is what the EKS target publishes.
      assert.deepEqual(LOAD_BALANCERS.eks, eksLoadBalancer("internet-facing"));
      for (const controller of ["traefik", "nginx"] as const) {
        const eks = await deploy(settings({ controller }), true, LOAD_BALANCERS.eks);
        assert.deepEqual(labelsOf(eks.run), {
          "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
          ...platformLabels,
        });
        for (const target of ["gke", "aks", "doks"]) {
          const other = await deploy(settings({ controller }), true, LOAD_BALANCERS[target]);
          assert.deepEqual(labelsOf(other.run), platformLabels, `${controller} ${target}`);
        }
      }
    });

    it("the load balancer's namespace labels cannot change the Pod Security labels", async () => {
      const lb: LoadBalancer = {
        ...LOAD_BALANCERS.eks,
        controllerNamespaceLabels: {
          "pod-security.kubernetes.io/enforce": "privileged",
          "app.kubernetes.io/part-of": "other",
        },
      };
      const { run } = await deploy(settings(), false, lb);
      const labels = get(run.one(T.namespace).inputs, "metadata.labels") as Record<string, string>;
      assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
      assert.equal(labels["app.kubernetes.io/part-of"], "kube-platform");
    });

    it("the namespace waits for cluster readiness", () => {
      const ns = dev.run.one(T.namespace);
      assert.ok(ns.dependsOn.includes(dev.run.one(T.pool).urn));
    });
  });
});
