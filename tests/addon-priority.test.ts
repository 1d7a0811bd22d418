/**
 * The platform's PriorityClasses: created once, below the system classes, and named by the pods of
 * the ingress controller, cert-manager, Vault and the monitoring stack (so app pods, at priority 0,
 * can neither preempt them nor keep them pending), with every release waiting for the classes.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { nginxValues, traefikValues } from "../components/addons/ingress";
import { PlatformPriorityClasses } from "../components/addons/priority";
import { PLATFORM_PRIORITY } from "../components/kube/conventions";
import { IngressSettings } from "../components/addons/types";
import { ChartKey, CHARTS } from "../components/addons/versions";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";
import { EXAMPLE_STACKS, runExample } from "../offline/stacks";
import { get } from "../rules";
import { chartValueProblems } from "./helpers/chart-values";
import { validateKubernetesObject } from "./helpers/k8s-schemas";

const PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass";
const RELEASE = "kubernetes:helm.sh/v3:Release";
/** Built-in classes (kube-apiserver): system-cluster-critical 2000000000, system-node-critical 2000001000. */
const SYSTEM_CLUSTER_CRITICAL = 2000000000;
/** The highest value a user-defined PriorityClass may have. */
const HIGHEST_USER_DEFINABLE = 1000000000;

class Dummy extends pulumi.CustomResource {
  constructor(type: string, name: string) {
    super(type, name, {}, {});
  }
}

/** Every `priorityClassName` in a values tree, by dotted path. */
function priorityClassNames(values: unknown, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof values !== "object" || values === null || Array.isArray(values)) return out;
  for (const [k, v] of Object.entries(values)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (k === "priorityClassName") out[key] = v;
    else Object.assign(out, priorityClassNames(v, key));
  }
  return out;
}

function chartKeyOf(release: RecordedResource): ChartKey | undefined {
  return (Object.keys(CHARTS) as ChartKey[]).find(
    (k) => CHARTS[k].chart === release.inputs.chart && CHARTS[k].version === release.inputs.version,
  );
}

describe("platform priority classes", () => {
  describe("the component", () => {
    let run: ProgramRun;
    before(async () => {
      run = await runResources(() => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
        const ready = new Dummy("test:index:ClusterReady", "cluster-ready");
        new PlatformPriorityClasses("kp-priority", {
          ctx: { provider, dependsOn: [ready], highAvailability: false, kubernetesVersion: "1.34" },
        });
      });
    });

    it("creates kube-platform-critical and kube-platform-high, never the global default", () => {
      const classes = run.ofType(PRIORITY_CLASS).map((r) => ({
        name: r.name,
        object: get(r.inputs, "metadata.name"),
        value: r.inputs.value,
        globalDefault: r.inputs.globalDefault,
        preemptionPolicy: r.inputs.preemptionPolicy,
      }));
      assert.deepEqual(classes, [
        {
          name: "kp-priority-critical",
          object: "kube-platform-critical",
          value: 1000000000,
          globalDefault: false,
          preemptionPolicy: "PreemptLowerPriority",
        },
        {
          name: "kp-priority-high",
          object: "kube-platform-high",
          value: 100000000,
          globalDefault: false,
          preemptionPolicy: "PreemptLowerPriority",
        },
      ]);
    });

    it("stays in the user-definable range, below system-cluster-critical, above apps (0)", () => {
      for (const c of Object.values(PLATFORM_PRIORITY)) {
        assert.ok(c.value <= HIGHEST_USER_DEFINABLE && c.value < SYSTEM_CLUSTER_CRITICAL, c.name);
        assert.ok(c.value > 0, c.name);
        assert.ok(!c.name.startsWith("system-"), "the system- prefix is reserved");
      }
      assert.ok(PLATFORM_PRIORITY.critical.value > PLATFORM_PRIORITY.high.value);
    });

    it("objects are valid, on the cluster's provider, children of the component, after cluster readiness", () => {
      const component = run.one("kube-platform:addons:PlatformPriorityClasses").urn;
      const provider = run.one("pulumi:providers:kubernetes").urn;
      const ready = run.one("test:index:ClusterReady").urn;
      for (const r of run.ofType(PRIORITY_CLASS)) {
        validateKubernetesObject(r.inputs);
        assert.equal(r.parent, component, r.name);
        assert.equal(run.providerUrn(r), provider, r.name);
        assert.deepEqual(r.dependsOn, [ready], r.name);
        // value and preemptionPolicy are immutable in the API: a change replaces the object.
        assert.deepEqual(r.replaceOnChanges, ["value", "preemptionPolicy"], r.name);
        assert.equal(r.deleteBeforeReplace, true, r.name);
      }
    });
  });

  describe("the charts name them with keys the pinned charts render", () => {
    const ingress = (controller: "traefik" | "nginx"): IngressSettings => ({
      enabled: true,
      controller,
      replicas: 1,
      className: controller,
      values: {},
      serviceAnnotations: {},
    });
    const lb = { addressKind: "ip" as const, serviceAnnotations: {} };

    it("traefik: priorityClassName; F5 NGINX: controller.priorityClassName (both critical)", () => {
      const traefik = traefikValues(ingress("traefik"), true, lb);
      assert.deepEqual(priorityClassNames(traefik), { priorityClassName: "kube-platform-critical" });
      assert.deepEqual(chartValueProblems("traefik", traefik), []);
      const nginx = nginxValues(ingress("nginx"), true, lb);
      assert.deepEqual(priorityClassNames(nginx), {
        "controller.priorityClassName": "kube-platform-critical",
      });
      assert.deepEqual(chartValueProblems("nginx", nginx), []);
    });

    /** What each release of the example stacks names, per chart (cluster-autoscaler, metrics-server: chart default). */
    const EXPECTED: Partial<Record<ChartKey, Record<string, string>>> = {
      traefik: { priorityClassName: "kube-platform-critical" },
      certManager: { "global.priorityClassName": "kube-platform-critical" },
      vault: {
        "injector.priorityClassName": "kube-platform-critical",
        "server.priorityClassName": "kube-platform-critical",
      },
      monitoring: {
        "prometheusOperator.priorityClassName": "kube-platform-high",
        "prometheus.prometheusSpec.priorityClassName": "kube-platform-high",
        "alertmanager.alertmanagerSpec.priorityClassName": "kube-platform-high",
      },
      metricsServer: {},
      clusterAutoscaler: {},
      externalDns: { priorityClassName: "kube-platform-critical" },
      // Installed by the EKS target, at the chart's system-cluster-critical (CHARTS.karpenter).
      karpenterCrd: {},
      karpenter: {},
      // Installed by the EKS target, at the chart's system-cluster-critical (CHARTS.awsLoadBalancerController).
      awsLoadBalancerController: {},
    };

    for (const stack of Object.keys(EXAMPLE_STACKS)) {
      it(`${stack}: two PriorityClasses; each release names the expected class and waits for it`, async () => {
        const r = await runExample(stack);
        const classes = r.ofType(PRIORITY_CLASS);
        assert.deepEqual(classes.map((c) => get(c.inputs, "metadata.name")).sort(), [
          "kube-platform-critical",
          "kube-platform-high",
        ]);
        for (const release of r.ofType(RELEASE)) {
          const key = chartKeyOf(release);
          assert.ok(key, release.name);
          const named = priorityClassNames(release.inputs.values);
          assert.deepEqual(named, EXPECTED[key], `${stack} ${key}`);
          // The cluster's own releases (in its `ready`) come before the add-ons and their classes.
          if (release.urn.includes("::kube-platform:cluster:")) continue;
          for (const c of classes)
            assert.ok(r.dependsOnTransitively(release, c), `${stack}: ${release.name} waits for ${c.name}`);
        }
      });
    }
  });
});
