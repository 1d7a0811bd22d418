/**
 * The ingress controller on a cluster without a LoadBalancer implementation (plain kind): a
 * NodePort Service (the platform's, components/addons/ingress-service.ts) on fixed node ports, the
 * configured address in every Ingress status, and no wait for a load balancer address. Both
 * controllers, checked against the pinned charts.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AddonContext } from "../components/addons/base";
import {
  IngressController,
  nginxValues,
  nodePortExposure,
  traefikValues,
} from "../components/addons/ingress";
import { IngressSettings } from "../components/addons/types";
import { ClusterLoadBalancer } from "../components/cluster/types";
import { chartValueProblems } from "./helpers/chart-values";
import { ProgramRun, runResources } from "../offline/mocks";
import { get } from "../rules";

const NONE: ClusterLoadBalancer = {
  available: false,
  addressKind: "ip",
  serviceAnnotations: {},
  nodePorts: { http: 30080, https: 30443 },
  address: "127.0.0.1",
};
const AVAILABLE: ClusterLoadBalancer = { available: true, addressKind: "ip", serviceAnnotations: {} };
/** Cloud targets do not set `available` at all. */
const CLOUD: ClusterLoadBalancer = { addressKind: "ip", serviceAnnotations: {} };

function settings(controller: IngressSettings["controller"]): IngressSettings {
  return {
    enabled: true,
    controller,
    replicas: 1,
    className: controller,
    values: {},
    serviceAnnotations: {},
  };
}

/** Every key named `key` anywhere in a values tree. */
function keysNamed(v: unknown, key: string): unknown[] {
  if (Array.isArray(v)) return v.flatMap((x) => keysNamed(x, key));
  if (typeof v !== "object" || v === null) return [];
  return Object.entries(v).flatMap(([k, x]) => [...(k === key ? [x] : []), ...keysNamed(x, key)]);
}

async function deploy(
  controller: IngressSettings["controller"],
  lb: ClusterLoadBalancer,
): Promise<{ run: ProgramRun; reads: string[] }> {
  const reads: string[] = [];
  const run = await runResources(() => {
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      readResource(req: { getType(): string; getId(): string }, cb: (e: unknown, r: unknown) => void): void;
    };
    const original = monitor.readResource.bind(monitor);
    monitor.readResource = (req, cb) => {
      reads.push(`${req.getType()} ${req.getId()}`);
      original(req, cb);
    };
    const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
    const ctx: AddonContext = { provider, dependsOn: [], highAvailability: false, kubernetesVersion: "1.34" };
    const c = new IngressController("ingress", { settings: settings(controller), ctx, loadBalancer: lb });
    c.expose();
    return { loadBalancerAddress: c.loadBalancerAddress };
  });
  return { run, reads };
}

/** The type, traffic policy and node ports of the controller's Service. */
function serviceOf(run: ProgramRun): { type: unknown; policy: unknown; nodePorts: unknown[] } {
  const spec = run.one("kubernetes:core/v1:Service").inputs.spec as Record<string, unknown>;
  const ports = spec.ports as Record<string, unknown>[];
  return { type: spec.type, policy: spec.externalTrafficPolicy, nodePorts: ports.map((p) => p.nodePort) };
}

describe("ingress add-on without a LoadBalancer implementation (cluster.loadBalancer: none)", () => {
  it("nodePortExposure: only where the contract says no load balancer", () => {
    assert.equal(nodePortExposure(NONE), NONE);
    assert.equal(nodePortExposure(AVAILABLE), undefined);
    assert.equal(nodePortExposure(CLOUD), undefined);
  });

  it("a NodePort Service names no load balancer class (Kubernetes allows one on LoadBalancer Services only)", async () => {
    const { run } = await deploy("traefik", { ...NONE, loadBalancerClass: "service.k8s.aws/nlb" });
    const spec = run.one("kubernetes:core/v1:Service").inputs.spec as Record<string, unknown>;
    assert.equal(spec.type, "NodePort");
    assert.equal(spec.loadBalancerClass, undefined);
  });

  describe("traefik", () => {
    it("a NodePort Service on the fixed node ports, traffic from any node; the chart's Service off", async () => {
      for (const ha of [false, true]) {
        const v = traefikValues(settings("traefik"), ha, NONE);
        assert.deepEqual(v.service, { enabled: false });
        assert.equal(v.ports, undefined);
        assert.deepEqual(chartValueProblems("traefik", v), []);
      }
      const { run } = await deploy("traefik", NONE);
      assert.deepEqual(serviceOf(run), { type: "NodePort", policy: "Cluster", nodePorts: [30080, 30443] });
    });

    it("reports the configured address in Ingress status (an IP as ip, a name as hostname)", () => {
      const v = traefikValues(settings("traefik"), false, NONE);
      assert.deepEqual(get(v, "providers.kubernetesIngress"), {
        enabled: true,
        publishedService: { enabled: false },
        ingressEndpoint: { ip: "127.0.0.1" },
      });
      const named = traefikValues(settings("traefik"), false, { ...NONE, address: "kind.lab.example.net" });
      assert.deepEqual(get(named, "providers.kubernetesIngress.ingressEndpoint"), {
        hostname: "kind.lab.example.net",
      });
      assert.deepEqual(chartValueProblems("traefik", named), []);
    });

    it("with a load balancer: LoadBalancer Service, published Service status, no fixed ports", async () => {
      for (const lb of [AVAILABLE, CLOUD]) {
        const v = traefikValues(settings("traefik"), false, lb);
        assert.deepEqual(v.service, { enabled: false });
        assert.equal(v.ports, undefined);
        assert.deepEqual(get(v, "providers.kubernetesIngress"), {
          enabled: true,
          publishedService: { enabled: true, pathOverride: "ingress/traefik" },
        });
        const { run } = await deploy("traefik", lb);
        assert.deepEqual(serviceOf(run), {
          type: "LoadBalancer",
          policy: "Local",
          nodePorts: [undefined, undefined],
        });
      }
    });
  });

  describe("nginx (F5)", () => {
    it("a NodePort Service on the fixed node ports, traffic from any node; the chart's Service off", async () => {
      for (const ha of [false, true]) {
        const v = nginxValues(settings("nginx"), ha, NONE);
        assert.deepEqual(get(v, "controller.service"), { create: false });
        assert.deepEqual(chartValueProblems("nginx", v), []);
      }
      const { run } = await deploy("nginx", NONE);
      assert.deepEqual(serviceOf(run), { type: "NodePort", policy: "Cluster", nodePorts: [30080, 30443] });
    });

    it("reports the configured address in Ingress status (external-status-address)", () => {
      const v = nginxValues(settings("nginx"), false, NONE);
      assert.deepEqual(get(v, "controller.config.entries"), {
        "server-tokens": "False",
        "external-status-address": "127.0.0.1",
      });
      assert.equal(get(v, "controller.reportIngressStatus.enable"), true);
      // The status address, not a Service's: no -external-service.
      assert.equal(get(v, "controller.reportIngressStatus.externalService"), undefined);
    });

    it("with a load balancer: LoadBalancer Service, no fixed ports, no fixed status address", async () => {
      for (const lb of [AVAILABLE, CLOUD]) {
        const v = nginxValues(settings("nginx"), false, lb);
        assert.deepEqual(get(v, "controller.service"), { create: false });
        assert.equal(get(v, "controller.reportIngressStatus.externalService"), "nginx-ingress-controller");
        assert.deepEqual(get(v, "controller.config.entries"), { "server-tokens": "False" });
        const { run } = await deploy("nginx", lb);
        assert.deepEqual(serviceOf(run), {
          type: "LoadBalancer",
          policy: "Local",
          nodePorts: [undefined, undefined],
        });
      }
    });
  });

  it("never uses hostPort or hostNetwork (Pod Security restricted stays enforced)", () => {
    for (const v of [
      traefikValues(settings("traefik"), false, NONE),
      nginxValues(settings("nginx"), false, NONE),
    ]) {
      assert.deepEqual(keysNamed(v, "hostPort"), []);
      assert.deepEqual(keysNamed(v, "hostNetwork"), []);
    }
  });

  it("the component reads no Service and exports the configured address (a load balancer's from its Service)", async () => {
    for (const controller of ["traefik", "nginx"] as const) {
      const none = await deploy(controller, NONE);
      assert.deepEqual(none.reads, []);
      assert.equal(none.run.outputs.loadBalancerAddress, "127.0.0.1");
      assert.equal(serviceOf(none.run).type, "NodePort");
      const lb = await deploy(controller, AVAILABLE);
      assert.deepEqual(lb.reads, [], "the address comes from the platform's Service, not a read");
      assert.equal(lb.run.outputs.loadBalancerAddress, "203.0.113.80");
    }
  });
});
