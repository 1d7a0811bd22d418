/** The integrity check itself (tests/helpers/integrity.ts), on a small hand-made stack: each reference intact, then broken. */
import * as assert from "assert";
import { CHARTS } from "../components/addons/versions";
import { K8sObject, StackView, integrityProblems } from "./helpers/integrity";

type Obj = Record<string, unknown>;

/* ------------------------------------------------------------------------------------------ */
/* The check itself, on a small hand-made stack: each reference intact, then broken.          */
/* ------------------------------------------------------------------------------------------ */

const WEB = { app: "web" };
const meta = (name: string, namespace?: string, extra: Obj = {}) => ({
  name,
  ...(namespace ? { namespace } : {}),
  ...extra,
});

/** A small stack in which every kind of reference holds. */
function healthy(): K8sObject[] {
  return structuredClone(STACK);
}

const STACK: K8sObject[] = [
  { kind: "Namespace", metadata: meta("shop") },
  {
    kind: "Deployment",
    metadata: meta("web", "shop"),
    spec: {
      selector: { matchLabels: { ...WEB } },
      template: {
        metadata: { labels: { ...WEB, tier: "front" } },
        spec: {
          containers: [
            {
              name: "web",
              ports: [
                { name: "http", containerPort: 8080 },
                { name: "metrics", containerPort: 9090 },
              ],
            },
          ],
          topologySpreadConstraints: [
            { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { ...WEB } } },
          ],
        },
      },
    },
  },
  {
    kind: "Service",
    metadata: meta("web", "shop", { labels: { ...WEB } }),
    spec: {
      selector: { ...WEB },
      ports: [
        { name: "http", port: 80, targetPort: "http" },
        { name: "metrics", port: 9090, targetPort: 9090 },
      ],
    },
  },
  {
    kind: "ServiceMonitor",
    metadata: meta("web", "shop"),
    spec: {
      selector: { matchLabels: { ...WEB } },
      namespaceSelector: { matchNames: ["shop"] },
      endpoints: [{ port: "metrics" }],
    },
  },
  {
    kind: "PodMonitor",
    metadata: meta("web-pods", "shop"),
    spec: { selector: { matchLabels: { ...WEB } }, podMetricsEndpoints: [{ port: "metrics" }] },
  },
  {
    kind: "PodDisruptionBudget",
    metadata: meta("web", "shop"),
    spec: { selector: { matchLabels: { ...WEB } } },
  },
  {
    kind: "NetworkPolicy",
    metadata: meta("web", "shop"),
    spec: {
      podSelector: { matchLabels: { ...WEB } },
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } },
              podSelector: { matchLabels: { ...WEB } },
            },
          ],
          ports: [{ port: 8080, protocol: "TCP" }],
        },
      ],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [{ port: 53, protocol: "UDP" }],
        },
      ],
    },
  },
  { kind: "IngressClass", metadata: meta("traefik") },
  {
    kind: "Ingress",
    metadata: meta("web", "shop", { annotations: { "cert-manager.io/cluster-issuer": "ca" } }),
    spec: {
      ingressClassName: "traefik",
      rules: [{ http: { paths: [{ backend: { service: { name: "web", port: { name: "http" } } } }] } }],
    },
  },
  { kind: "ClusterIssuer", metadata: meta("root"), spec: { selfSigned: {} } },
  {
    kind: "Certificate",
    metadata: meta("root-ca", "cert-manager"),
    spec: { secretName: "root-ca", issuerRef: { name: "root", kind: "ClusterIssuer" } },
  },
  { kind: "ClusterIssuer", metadata: meta("ca"), spec: { ca: { secretName: "root-ca" } } },
  { kind: "Issuer", metadata: meta("local", "shop"), spec: { selfSigned: {} } },
  {
    kind: "Certificate",
    metadata: meta("web-tls", "shop"),
    spec: { secretName: "web-tls", issuerRef: { name: "local" } },
  },
  {
    kind: "HorizontalPodAutoscaler",
    metadata: meta("web", "shop"),
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" } },
  },
];

const view = (objects: K8sObject[]): StackView => ({ target: "existing", objects, releases: [] });

/** The healthy stack with one change made by `edit` on the object of `kind` named `name`. */
function broken(kind: string, name: string, edit: (o: Obj) => void): string[] {
  const objects = healthy();
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  assert.ok(o, `${kind} ${name}`);
  edit(o as unknown as Obj);
  return integrityProblems(view(objects));
}

const at = (o: Obj, dotted: string): Obj =>
  dotted.split(".").reduce<Obj>((v, k) => (Array.isArray(v) ? v[Number(k)] : v[k]) as Obj, o);

describe("integrity: the check catches each kind of broken reference", () => {
  it("accepts the intact stack", () => {
    assert.deepStrictEqual(integrityProblems(view(healthy())), []);
  });

  const cases: [string, string, string, (o: Obj) => void, string][] = [
    [
      "ServiceMonitor selector",
      "ServiceMonitor",
      "web",
      (o) => (at(o, "spec.selector.matchLabels").app = "api"),
      'ServiceMonitor shop/web: selects no Service ({"matchLabels":{"app":"api"}} in shop)',
    ],
    [
      "ServiceMonitor namespace",
      "ServiceMonitor",
      "web",
      (o) => (at(o, "spec.namespaceSelector").matchNames = ["blog"]),
      'ServiceMonitor shop/web: selects no Service ({"matchLabels":{"app":"web"}} in blog)',
    ],
    [
      "ServiceMonitor port",
      "ServiceMonitor",
      "web",
      (o) => (at(o, "spec.endpoints.0").port = "http-metrics"),
      'ServiceMonitor shop/web: port "http-metrics" is no port of the Services it selects (web: http, metrics)',
    ],
    [
      "PodMonitor port",
      "PodMonitor",
      "web-pods",
      (o) => (at(o, "spec.podMetricsEndpoints.0").port = "prom"),
      'PodMonitor shop/web-pods: port "prom" is no port of the pods it selects',
    ],
    [
      "Service selector",
      "Service",
      "web",
      (o) => (at(o, "spec").selector = { app: "api" }),
      'Service shop/web: its selector {"app":"api"} matches no pods in shop',
    ],
    [
      "Service targetPort",
      "Service",
      "web",
      (o) => (at(o, "spec.ports.1").targetPort = 9100),
      "Service shop/web: port metrics targets 9100, which its pods do not have",
    ],
    [
      "PDB selector",
      "PodDisruptionBudget",
      "web",
      (o) => (at(o, "spec.selector.matchLabels").app = "api"),
      'PodDisruptionBudget shop/web: its selector {"matchLabels":{"app":"api"}} matches no pods in shop',
    ],
    [
      "NetworkPolicy podSelector",
      "NetworkPolicy",
      "web",
      (o) => (at(o, "spec.podSelector.matchLabels").app = "api"),
      'NetworkPolicy shop/web: its podSelector {"matchLabels":{"app":"api"}} matches no pods in shop',
    ],
    [
      "NetworkPolicy peer podSelector",
      "NetworkPolicy",
      "web",
      (o) => (at(o, "spec.egress.0.to.0.podSelector.matchLabels")["k8s-app"] = "coredns"),
      'NetworkPolicy shop/web: egress peer {"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"kube-system"}},"podSelector":{"matchLabels":{"k8s-app":"coredns"}}} selects no pods',
    ],
    [
      "NetworkPolicy peer namespaceSelector",
      "NetworkPolicy",
      "web",
      (o) =>
        (at(o, "spec.ingress.0.from.0.namespaceSelector.matchLabels")["kubernetes.io/metadata.name"] =
          "shops"),
      'NetworkPolicy shop/web: ingress peer {"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"shops"}},"podSelector":{"matchLabels":{"app":"web"}}} selects no pods',
    ],
    [
      "NetworkPolicy ingress port",
      "NetworkPolicy",
      "web",
      (o) => (at(o, "spec.ingress.0.ports.0").port = 8081),
      "NetworkPolicy shop/web: ingress port 8081/TCP is no port of the pods it applies to",
    ],
    [
      "NetworkPolicy egress port",
      "NetworkPolicy",
      "web",
      (o) => (at(o, "spec.egress.0.ports.0").port = 5353),
      "NetworkPolicy shop/web: egress port 5353/UDP is no port of the pods it applies to",
    ],
    [
      "Ingress backend Service",
      "Ingress",
      "web",
      (o) => (at(o, "spec.rules.0.http.paths.0.backend.service").name = "api"),
      'Ingress shop/web: backend Service "api" does not exist in shop',
    ],
    [
      "Ingress backend port",
      "Ingress",
      "web",
      (o) => (at(o, "spec.rules.0.http.paths.0.backend.service").port = { number: 8080 }),
      "Ingress shop/web: backend Service web has no port 8080",
    ],
    [
      "Ingress class",
      "Ingress",
      "web",
      (o) => (at(o, "spec").ingressClassName = "nginx"),
      'Ingress shop/web: IngressClass "nginx" does not exist (traefik)',
    ],
    [
      "Ingress issuer annotation",
      "Ingress",
      "web",
      (o) => (at(o, "metadata.annotations")["cert-manager.io/cluster-issuer"] = "letsencrypt-prod"),
      'Ingress shop/web: ClusterIssuer "letsencrypt-prod" does not exist',
    ],
    [
      "Certificate ClusterIssuer",
      "Certificate",
      "root-ca",
      (o) => (at(o, "spec.issuerRef").name = "selfsigned"),
      'Certificate cert-manager/root-ca: ClusterIssuer "selfsigned" does not exist',
    ],
    [
      "Certificate Issuer of another namespace",
      "Certificate",
      "web-tls",
      (o) => (at(o, "metadata").namespace = "blog"),
      'Certificate blog/web-tls: Issuer "local" does not exist in blog',
    ],
    [
      "CA issuer Secret",
      "ClusterIssuer",
      "ca",
      (o) => (at(o, "spec.ca").secretName = "other-ca"),
      'ClusterIssuer ca: its CA Secret "other-ca" is issued by no Certificate in cert-manager',
    ],
    [
      "HPA target",
      "HorizontalPodAutoscaler",
      "web",
      (o) => (at(o, "spec.scaleTargetRef").name = "api"),
      'HorizontalPodAutoscaler shop/web: Deployment "api" does not exist',
    ],
    [
      "spread selector",
      "Deployment",
      "web",
      (o) => (at(o, "spec.template.spec.topologySpreadConstraints.0.labelSelector.matchLabels").app = "api"),
      'Deployment shop/web: its topologySpreadConstraints selector {"matchLabels":{"app":"api"}} does not select its own pods',
    ],
  ];
  for (const [what, kind, name, edit, problem] of cases) {
    it(`catches a broken ${what}`, () => assert.deepStrictEqual(broken(kind, name, edit), [problem]));
  }

  it("matchExpressions select like the API server (In, NotIn, Exists, DoesNotExist)", () => {
    const expr = (operator: string, values?: string[]) => (o: Obj) =>
      (at(o, "spec").selector = {
        matchExpressions: [{ key: "tier", operator, ...(values ? { values } : {}) }],
      });
    assert.deepStrictEqual(broken("PodDisruptionBudget", "web", expr("In", ["front"])), []);
    assert.deepStrictEqual(broken("PodDisruptionBudget", "web", expr("Exists")), []);
    assert.strictEqual(broken("PodDisruptionBudget", "web", expr("NotIn", ["front"])).length, 1);
    assert.strictEqual(broken("PodDisruptionBudget", "web", expr("DoesNotExist")).length, 1);
  });

  it("a release whose values fit no recorded configuration, or of an unpinned chart, is a problem", () => {
    const release = (version: string, values: Obj) => ({
      name: "traefik",
      namespace: "ingress",
      chart: "traefik",
      version,
      values,
    });
    const problems = (version: string, values: Obj) =>
      integrityProblems({ target: "existing", objects: [], releases: [release(version, values)] });
    assert.deepStrictEqual(problems(CHARTS.traefik.version, { fullnameOverride: "edge" }), [
      "Release ingress/traefik (traefik 41.3.0): no configuration in its objects.json fits these values; " +
        'record what the chart creates with them (traefik: fullnameOverride is "edge", not unset)',
    ]);
    assert.deepStrictEqual(problems("40.0.0", {}), [
      "Release ingress/traefik: traefik 40.0.0 is no pinned chart",
    ]);
  });
});
