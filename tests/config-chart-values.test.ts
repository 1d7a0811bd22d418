/**
 * The user's own Helm values (`addons.<add-on>.values`) are checked against the pinned chart's data
 * by stack config, with the rules the tests apply to the platform's values (sub-charts, free-form
 * maps, pass-through objects, documented commented-out keys), and each chart's data is read once.
 */
import * as assert from "node:assert/strict";
import { CHARTS } from "../components/addons/versions";
import { chartDataReads } from "../components/shared/chart-values";
import { chartValuesProblems } from "../stacks/chart-values-config";
import { problemsOf } from "./helpers/config-problems";

const ctx = { project: "kube-platform", stack: "test" };
const DOKS = { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] };
const withAddons = (addons: Record<string, unknown>) => ({ cluster: DOKS, addons });

const ignored = (key: string, chart: string, version: string) =>
  `${key}: not a value of chart ${chart} ${version} (nothing in the chart reads it)`;
const KPS = ["kube-prometheus-stack", CHARTS.monitoring.version] as const;

describe("stack config: the user's chart values against the pinned charts", () => {
  it("an unknown key is a problem naming key, chart and version, with the key of that level it may mean", () => {
    assert.deepEqual(
      problemsOf(
        withAddons({ monitoring: { values: { grafana: { foo: 1, persistence: { enabeld: true } } } } }),
        ctx,
      ),
      [
        ignored("addons.monitoring.values.grafana.foo", ...KPS),
        `${ignored("addons.monitoring.values.grafana.persistence.enabeld", ...KPS)}; did you mean grafana.persistence.enabled?`,
      ],
    );
    assert.deepEqual(problemsOf(withAddons({ metricsServer: { values: { replica: 2 } } }), ctx), [
      `${ignored("addons.metricsServer.values.replica", "metrics-server", CHARTS.metricsServer.version)}; did you mean replicas?`,
    ]);
    assert.deepEqual(
      problemsOf(
        withAddons({
          dns: { zones: [{ name: "dev.kube-platform.dev" }], tokenSecret: "t", values: { intervall: "1m" } },
        }),
        { ...ctx },
      ).filter((p) => p.includes("intervall")),
      [
        `${ignored("addons.dns.values.intervall", "external-dns", CHARTS.externalDns.version)}; did you mean interval?`,
      ],
    );
  });

  it("accepts what the chart has: sub-chart keys, free-form maps, pass-through objects, documented commented-out keys, null", () => {
    const addons = {
      monitoring: {
        values: {
          grafana: {
            admin: { existingSecret: "x" },
            podAnnotations: { "example.com/a": "b" },
            // Rendered whole by the chart (components/shared/chart-pass-through.ts): any key.
            "grafana.ini": { "auth.generic_oauth": { enabled: true } },
          },
          alertmanager: { config: { global: { slack_api_url: "https://hooks.slack.com/x" } } },
          prometheus: { prometheusSpec: { retentionSize: "9GB" } },
        },
      },
      certManager: {
        values: { podAnnotations: { a: "b" }, global: { revisionHistoryLimit: 2 }, replicaCount: null },
      },
      ingress: {
        values: {
          livenessProbe: { initialDelaySeconds: 5 },
          ports: { metrics2: { port: 9101 } },
        },
      },
      clusterAutoscaler: { values: { extraArgs: { "scale-down-delay-after-add": "5m" } } },
      metricsServer: { values: { resources: { limits: { memory: "1Gi" } } } },
      vault: { values: { injector: { port: 8443 } } },
    };
    assert.deepEqual(problemsOf(withAddons(addons), ctx), []);
  });

  it("maps that ship with an entry take the user's keys where the chart renders them whole", () => {
    const addons = {
      certManager: {
        values: {
          nodeSelector: { "node-role": "infra" },
          webhook: { nodeSelector: { "node-role": "infra" } },
          cainjector: { nodeSelector: { "node-role": "infra" } },
          startupapicheck: { nodeSelector: { "node-role": "infra" } },
        },
      },
      monitoring: {
        values: {
          "prometheus-node-exporter": {
            podLabels: { team: "platform" },
            service: { labels: { team: "platform" } },
          },
          crds: {
            upgradeJob: {
              podSecurityContext: { fsGroup: 2000 },
              containerSecurityContext: { runAsUser: 1000 },
            },
          },
          prometheusOperator: {
            admissionWebhooks: {
              createSecretJob: { securityContext: { runAsUser: 1000 } },
              patchWebhookJob: { securityContext: { runAsUser: 1000 } },
            },
          },
        },
      },
    };
    assert.deepEqual(problemsOf(withAddons(addons), ctx), []);
  });

  it("keys no template reads (or the schema refuses) stay problems", () => {
    const traefik = { logs: { general: { level: "DEBUG" } }, globalArguments: ["--x"] };
    assert.deepEqual(problemsOf(withAddons({ ingress: { values: traefik } }), ctx), [
      ignored("addons.ingress.values.logs", "traefik", CHARTS.traefik.version),
      ignored("addons.ingress.values.globalArguments", "traefik", CHARTS.traefik.version),
    ]);
    const nginx = { controller: "nginx", values: { controller: { extraArgs: { v: 2 } } } };
    assert.deepEqual(problemsOf(withAddons({ ingress: nginx }), ctx), [
      ignored("addons.ingress.values.controller.extraArgs", "nginx-ingress", CHARTS.nginx.version),
    ]);
    const rules = { defaultRules: { rules: { kubeScheduler: false } } };
    assert.deepEqual(problemsOf(withAddons({ monitoring: { values: rules } }), ctx), [
      ignored("addons.monitoring.values.defaultRules.rules.kubeScheduler", ...KPS),
    ]);
    // vault's securityContext is { pod, container }, not a Kubernetes object.
    const vault = { injector: { securityContext: { runAsUser: 100 } } };
    assert.deepEqual(problemsOf(withAddons({ vault: { values: vault } }), ctx), [
      ignored("addons.vault.values.injector.securityContext.runAsUser", "vault", CHARTS.vault.version),
    ]);
  });

  it("a value of a type (or outside an enum) the chart's schema refuses is a problem", () => {
    assert.deepEqual(
      problemsOf(
        withAddons({
          certManager: { values: { replicaCount: "two", crds: { enabled: "yes" } } },
          vault: { values: { server: { ha: { replicas: "x" } } } },
        }),
        ctx,
      ),
      [
        `addons.certManager.values.replicaCount: got "two"; chart cert-manager ${CHARTS.certManager.version} expects number here (its values.schema.json), and Helm would refuse the release`,
        `addons.certManager.values.crds.enabled: got "yes"; chart cert-manager ${CHARTS.certManager.version} expects boolean here (its values.schema.json), and Helm would refuse the release`,
        `addons.vault.values.server.ha.replicas: got "x"; chart vault ${CHARTS.vault.version} expects integer here (its values.schema.json), and Helm would refuse the release`,
      ],
    );
    assert.deepEqual(
      problemsOf(
        withAddons({
          ingress: { controller: "nginx", values: { controller: { kind: "pod", replicaCount: 2 } } },
        }),
        ctx,
      ),
      [
        `addons.ingress.values.controller.kind: got "pod"; chart nginx-ingress ${CHARTS.nginx.version} expects "deployment" | "daemonset" | "statefulset" here (its values.schema.json), and Helm would refuse the release`,
      ],
    );
  });

  it("the ingress values go to the chart of its controller", () => {
    const traefikKey = { ingressRoute: { dashboard: { enabled: false } } };
    assert.deepEqual(problemsOf(withAddons({ ingress: { values: traefikKey } }), ctx), []);
    assert.deepEqual(problemsOf(withAddons({ ingress: { controller: "nginx", values: traefikKey } }), ctx), [
      ignored("addons.ingress.values.ingressRoute", "nginx-ingress", CHARTS.nginx.version),
    ]);
  });

  it("echoes no value when the addons key is a secret", () => {
    assert.deepEqual(chartValuesProblems({ certManager: { values: { replicaCount: "two" } } }, true), [
      `addons.certManager.values.replicaCount: got [secret]; chart cert-manager ${CHARTS.certManager.version} expects number here (its values.schema.json), and Helm would refuse the release`,
    ]);
    const problems = problemsOf(withAddons({ certManager: { values: { replicaCount: "two" } } }), {
      ...ctx,
      secretKeys: new Set(["addons"]),
    });
    assert.ok(
      problems.every((p) => !p.includes('"two"')),
      problems.join("\n"),
    );
  });

  it("reads each chart's data once, and only the charts the user gives values", () => {
    const before = chartDataReads();
    for (let i = 0; i < 3; i++) problemsOf({ cluster: DOKS }, ctx);
    assert.deepEqual(chartDataReads(), before, "no values: no chart read");
    for (let i = 0; i < 3; i++)
      problemsOf(withAddons({ clusterAutoscaler: { values: { extraArgs: { v: 4 } } } }), ctx);
    const after = chartDataReads();
    assert.equal(after.clusterAutoscaler, 1);
    for (const [chart, n] of Object.entries(after)) assert.ok(n <= 1, `${chart} read ${n} times`);
  });
});
