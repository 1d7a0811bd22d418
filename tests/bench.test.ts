/** The benchmark's pure logic (bench/*.ts) on small hand-made inputs; the benchmark itself is `npm run bench`. */
import * as assert from "assert";
import {
  DEFAULT_HELM_SECONDS,
  DEFAULT_KUBERNETES_SECONDS,
  DEFAULT_SECONDS,
  DURATIONS,
  INGRESS_CONTROLLER_CHARTS,
  chartName,
  durationOf,
} from "../bench/durations";
import {
  GraphInput,
  PLATFORM_LIMIT_SPEC,
  buildGraph,
  crossGroupEdges,
  groupsOf,
  longestPath,
  modeledAwaitEdges,
  pathCrossings,
  physicalLimit,
  platformClassifier,
  providerUrn,
} from "../bench/graph";
import { renderReport } from "../bench/render";
import { scaledConfig } from "../bench/scale";
import { fmtMinutes, median, slope } from "../bench/stats";
import { BenchReport, RESULT_PREFIX, parseChildOutput } from "../bench/types";

const urn = (name: string) => `urn:pulumi:test::kube-platform::t::${name}`;

interface Spec {
  type?: string;
  deps?: string[];
  parent?: string;
  provider?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
}

/** A registered resource named `name` (URNs derived from names). */
function res(name: string, spec: Spec = {}): GraphInput {
  return {
    type: spec.type ?? "test:index:Thing",
    name,
    urn: urn(name),
    parent: spec.parent ? urn(spec.parent) : "",
    provider: spec.provider ? `${urn(spec.provider)}::${spec.provider}-id` : "",
    custom: spec.custom ?? true,
    dependsOn: (spec.deps ?? []).map(urn),
    inputs: spec.inputs ?? {},
  };
}

function graphOf(resources: GraphInput[], seconds: Record<string, number>) {
  return buildGraph(resources, (r) => (r.custom ? (seconds[r.name] ?? 0) : 0));
}

const names = (path: { node: { name: string } }[]) => path.map((s) => s.node.name);

describe("benchmark: statistics", () => {
  it("takes the median of odd and even counts without reordering the input", () => {
    const values = [5, 1, 3];
    assert.strictEqual(median(values), 3);
    assert.deepStrictEqual(values, [5, 1, 3]);
    assert.strictEqual(median([4, 1, 3, 2]), 2.5);
    assert.strictEqual(median([7]), 7);
    assert.ok(Number.isNaN(median([])));
  });

  it("fits a least-squares slope and formats minutes", () => {
    assert.strictEqual(
      slope([
        { x: 0, y: 1 },
        { x: 2, y: 5 },
        { x: 4, y: 9 },
      ]),
      2,
    );
    assert.ok(Number.isNaN(slope([{ x: 1, y: 1 }])));
    assert.strictEqual(fmtMinutes(905), "15:05");
  });
});

describe("benchmark: dependency graph and longest path", () => {
  it("follows dependsOn edges and lists the longest path with start and finish times", () => {
    const g = graphOf([res("a"), res("b", { deps: ["a"] }), res("c", { deps: ["b"] }), res("d")], {
      a: 5,
      b: 10,
      c: 1,
      d: 12,
    });
    const p = longestPath(g);
    assert.strictEqual(p.seconds, 16);
    assert.deepStrictEqual(names(p.path), ["a", "b", "c"]);
    assert.deepStrictEqual(
      p.path.map((s) => [s.start, s.finish, s.via]),
      [
        [0, 5, undefined],
        [5, 15, "dependsOn"],
        [15, 16, "dependsOn"],
      ],
    );
  });

  it("breaks ties by registration order, for predecessors and for the end of the path", () => {
    const g = graphOf([res("x"), res("y"), res("z", { deps: ["y", "x"] }), res("w", { deps: ["y"] })], {
      x: 10,
      y: 10,
      z: 5,
      w: 5,
    });
    const p = longestPath(g);
    assert.strictEqual(p.seconds, 15);
    // z and w both finish at 15: z registered first; x and y both finish at 10: x registered first.
    assert.deepStrictEqual(names(p.path), ["x", "z"]);
  });

  it("gives components zero weight, and depending on a component waits for all its children", () => {
    const g = graphOf(
      [
        res("comp", { custom: false, type: "pkg:index:Comp" }),
        res("slow", { parent: "comp" }),
        res("fast", { parent: "comp" }),
        res("after", { deps: ["comp"] }),
      ],
      { comp: 99, slow: 20, fast: 3, after: 1 },
    );
    assert.strictEqual(g.byUrn.get(urn("comp"))!.seconds, 0);
    const p = longestPath(g);
    assert.strictEqual(p.seconds, 21);
    assert.deepStrictEqual(names(p.path), ["slow", "comp", "after"]);
    assert.deepStrictEqual(
      p.path.map((s) => s.via),
      [undefined, "component", "dependsOn"],
    );
  });

  it("does not make a child wait for its component parent, but does for a custom parent", () => {
    const g = graphOf(
      [
        res("pre"),
        res("comp", { custom: false, deps: ["pre"] }),
        res("child", { parent: "comp" }),
        res("owner"),
        res("owned", { parent: "owner" }),
      ],
      { pre: 50, child: 1, owner: 7, owned: 2 },
    );
    const p = longestPath(g);
    assert.strictEqual(
      p.finish.get(urn("child")),
      1,
      "the component's own dependencies do not hold its child",
    );
    assert.strictEqual(p.finish.get(urn("owned")), 9, "a custom parent is created before its child");
    assert.ok(g.edges.some((e) => e.kind === "parent" && e.from === urn("owner") && e.to === urn("owned")));
  });

  it("adds provider edges: resources on a provider wait for what configures it", () => {
    const g = graphOf(
      [
        res("cluster"),
        res("k8s", { type: "pulumi:providers:kubernetes", deps: ["cluster"] }),
        res("ns", { provider: "k8s" }),
        res("other"),
      ],
      { cluster: 600, ns: 1, other: 30 },
    );
    assert.strictEqual(providerUrn(`${urn("k8s")}::id`), urn("k8s"));
    const p = longestPath(g);
    assert.strictEqual(p.seconds, 601);
    assert.deepStrictEqual(names(p.path), ["cluster", "k8s", "ns"]);
    assert.strictEqual(p.path[2].via, "provider");
  });

  it("keeps one edge per pair, ignores unknown URNs and rejects cycles", () => {
    const g = graphOf([res("a"), res("b", { deps: ["a", "a", "ghost"], provider: "a" })], { a: 1, b: 1 });
    assert.strictEqual(g.edges.length, 1);
    assert.strictEqual(g.edges[0].kind, "dependsOn");
    const cyclic = graphOf([res("p", { deps: ["q"] }), res("q", { deps: ["p"] })], { p: 1, q: 1 });
    assert.throws(() => longestPath(cyclic), /dependency cycle among: p, q/);
  });

  it("restricts the longest path to a subset of nodes", () => {
    const g = graphOf([res("a"), res("b", { deps: ["a"] }), res("c")], { a: 100, b: 5, c: 7 });
    assert.strictEqual(longestPath(g, (n) => n.name !== "a").seconds, 7);
  });
});

describe("benchmark: physical limit and waits between add-ons", () => {
  // A miniature platform: cluster (control plane + pool), add-ons A (slow) and B (depends on A), one app.
  const resources: GraphInput[] = [
    res("cluster", { custom: false, type: "kube-platform:cluster:EksCluster" }),
    res("cp", { parent: "cluster", type: "aws:eks/cluster:Cluster" }),
    res("pool", { parent: "cluster", type: "aws:eks/nodeGroup:NodeGroup", deps: ["cp"] }),
    res("addons", { custom: false, type: "kube-platform:addons:PlatformAddOns" }),
    res("a", { custom: false, parent: "addons", type: "kube-platform:addons:CertManager" }),
    res("a-release", { parent: "a", deps: ["pool"] }),
    res("a-issuer", { parent: "a", deps: ["a-release"] }),
    res("b", { custom: false, parent: "addons", type: "kube-platform:addons:Vault" }),
    res("b-cert", { parent: "b", deps: ["a-issuer", "pool"] }),
    res("b-release", { parent: "b", deps: ["b-cert"] }),
    res("app", { custom: false, type: "kube-platform:workloads:App" }),
    res("app-deploy", { parent: "app", deps: ["pool"] }),
  ];
  const seconds = {
    cp: 600,
    pool: 240,
    "a-release": 60,
    "a-issuer": 5,
    "b-cert": 30,
    "b-release": 90,
    "app-deploy": 45,
  };

  it("groups resources by their nearest add-on, app or cluster component", () => {
    const groups = groupsOf(graphOf(resources, seconds), platformClassifier);
    assert.strictEqual(groups.get(urn("a-issuer"))?.name, "a");
    assert.strictEqual(groups.get(urn("pool"))?.kind, "cluster");
    assert.strictEqual(groups.get(urn("app-deploy"))?.kind, "app");
    assert.strictEqual(groups.get(urn("addons")), undefined);
  });

  it("sums control plane, node pool, the slowest add-on (alone) and the app rollout", () => {
    const g = graphOf(resources, seconds);
    const limit = physicalLimit(g, PLATFORM_LIMIT_SPEC);
    assert.deepStrictEqual(limit.cluster, { seconds: 600, what: "cp" });
    assert.deepStrictEqual(limit.nodePool, { seconds: 240, what: "pool" });
    // b alone: 30 + 90 = 120 (its wait for a is not its own time); a alone: 65.
    assert.deepStrictEqual(limit.addon, { seconds: 120, what: "b" });
    assert.deepStrictEqual(limit.app, { seconds: 45, what: "app" });
    assert.strictEqual(limit.total, 1005);
    assert.strictEqual(limit.parallel, 960);
    const p = longestPath(g);
    assert.strictEqual(p.seconds, 600 + 240 + 60 + 5 + 30 + 90);
  });

  it("finds the edges between add-ons, and the ones the critical path takes", () => {
    const g = graphOf(resources, seconds);
    const all = crossGroupEdges(g);
    assert.deepStrictEqual(
      all.map((c) => [c.fromGroup.name, c.toGroup.name, c.from.name, c.to.name]),
      [["a", "b", "a-issuer", "b-cert"]],
    );
    const onPath = pathCrossings(g, longestPath(g).path);
    assert.deepStrictEqual(
      onPath.map((c) => `${c.from.name}->${c.to.name}`),
      ["a-issuer->b-cert"],
    );
  });

  it("is zero for the cluster parts when there is no managed cluster", () => {
    const limit = physicalLimit(
      graphOf([res("app", { custom: false, type: "kube-platform:workloads:App" })], {}),
    );
    assert.strictEqual(limit.total, 0);
    assert.strictEqual(limit.cluster.what, "");
  });
});

describe("benchmark: modeled await edges", () => {
  const deploy = (name: string, ns: string, labels: Record<string, string>) =>
    res(name, {
      type: "kubernetes:apps/v1:Deployment",
      inputs: { metadata: { namespace: ns }, spec: { template: { metadata: { labels } } } },
    });
  const service = (name: string, ns: string, selector: Record<string, string>) =>
    res(name, {
      type: "kubernetes:core/v1:Service",
      inputs: { metadata: { namespace: ns }, spec: { selector } },
    });

  it("makes a Service wait for the workloads it selects in its namespace, and an Ingress for its controller", () => {
    const resources = [
      deploy("web", "shop", { app: "web", tier: "front" }),
      deploy("web-elsewhere", "other", { app: "web" }),
      deploy("api", "shop", { app: "api" }),
      service("web-svc", "shop", { app: "web" }),
      res("traefik", { type: "kubernetes:helm.sh/v3:Release", inputs: { chart: "traefik" } }),
      res("monitoring", {
        type: "kubernetes:helm.sh/v3:Release",
        inputs: { chart: "kube-prometheus-stack" },
      }),
      res("web-ing", {
        type: "kubernetes:networking.k8s.io/v1:Ingress",
        inputs: { metadata: { namespace: "shop" } },
      }),
    ];
    const edges = modeledAwaitEdges(resources, INGRESS_CONTROLLER_CHARTS, chartName);
    assert.deepStrictEqual(
      edges.map((e) => [e.from, e.to, e.kind]),
      [
        [urn("web"), urn("web-svc"), "await"],
        [urn("traefik"), urn("web-ing"), "await"],
      ],
    );
    const g = buildGraph(resources, (r) => durationOf(r).seconds, edges);
    assert.strictEqual(longestPath(g).finish.get(urn("web-ing")), 120 + 2);
  });
});

describe("benchmark: duration table", () => {
  it("weighs components and providers 0, and picks chart- and add-on-specific entries", () => {
    const r = (type: string, inputs: Record<string, unknown> = {}, custom = true) => ({
      type,
      inputs,
      custom,
    });
    assert.strictEqual(durationOf(r("kube-platform:addons:Vault", {}, false)).seconds, 0);
    assert.strictEqual(durationOf(r("pulumi:providers:kubernetes")).seconds, 0);
    assert.strictEqual(durationOf(r("aws:eks/cluster:Cluster")).seconds, 600);
    const helm = "kubernetes:helm.sh/v3:Release";
    assert.strictEqual(durationOf(r(helm, { chart: "kube-prometheus-stack" })).seconds, 150);
    assert.strictEqual(
      durationOf(r(helm, { chart: "oci://ghcr.io/nginx/charts/nginx-ingress" })).seconds,
      120,
    );
    assert.strictEqual(durationOf(r(helm, { chart: "something-else" })).seconds, DEFAULT_HELM_SECONDS);
    assert.strictEqual(durationOf(r("aws:eks/addon:Addon", { addonName: "coredns" })).seconds, 60);
    assert.strictEqual(durationOf(r("aws:eks/addon:Addon", { addonName: "new-addon" })).seconds, 60);
    assert.strictEqual(durationOf(r("kubernetes:core/v1:ConfigMap")).seconds, DEFAULT_KUBERNETES_SECONDS);
    assert.deepStrictEqual(durationOf(r("vendor:index:Unknown")), {
      seconds: DEFAULT_SECONDS,
      rule: "default",
    });
  });

  it("documents every entry once, with a source", () => {
    const keys = DURATIONS.map((e) => `${e.type}|${e.when?.input ?? ""}=${e.when?.equals ?? ""}`);
    assert.strictEqual(new Set(keys).size, keys.length);
    for (const e of DURATIONS) {
      assert.ok(e.seconds >= 0 && e.source.length > 10 && e.range, `${e.type} lacks a figure or a source`);
    }
  });
});

describe("benchmark: scaled stack and child protocol", () => {
  it("clones the first app with distinct names and hosts, 10 apps per namespace", () => {
    const base = { profile: "prod", apps: [{ name: "hello", host: "hello.example.dev", port: 8080 }] };
    const cfg = scaledConfig(base, 21);
    const apps = cfg.apps as Record<string, unknown>[];
    assert.strictEqual(apps.length, 21);
    assert.strictEqual(new Set(apps.map((a) => a.name)).size, 21);
    assert.strictEqual(new Set(apps.map((a) => a.host)).size, 21);
    assert.deepStrictEqual([...new Set(apps.map((a) => a.namespace))], ["apps-00", "apps-01", "apps-02"]);
    assert.strictEqual(apps[20].host, "hello-020.example.dev");
    assert.strictEqual(apps[0].port, 8080);
    assert.strictEqual(cfg.profile, "prod");
    assert.throws(() => scaledConfig({ apps: [] }, 1), /no app/);
  });

  it("reads the one result line of a child", () => {
    const out = `noise\n${RESULT_PREFIX}{"evalMs":1.5,"maxRssKb":2048,"resources":3}\n`;
    assert.deepStrictEqual(parseChildOutput(out), { evalMs: 1.5, maxRssKb: 2048, resources: 3 });
    assert.throws(() => parseChildOutput("nothing"), /no BENCH_RESULT line/);
  });
});

describe("benchmark: report", () => {
  it("renders the machine, the three sections, the ratios and the duration table", () => {
    const resources = [
      res("cluster", { custom: false, type: "kube-platform:cluster:EksCluster" }),
      res("cp", { parent: "cluster", type: "aws:eks/cluster:Cluster" }),
      res("app", { custom: false, type: "kube-platform:workloads:App" }),
      res("deploy", { parent: "app", type: "kubernetes:apps/v1:Deployment", deps: ["cp"] }),
    ];
    const g = buildGraph(resources, (r) => durationOf(r).seconds);
    const longest = longestPath(g);
    const report: BenchReport = {
      date: "2026-01-01T00:00:00Z",
      machine: {
        cpu: "Test CPU",
        cores: 2,
        memoryBytes: 4 * 2 ** 30,
        node: "v22.0.0",
        os: "Linux",
        loadAvg: [1, 2, 3],
      },
      totalMs: 1234,
      scale: [
        {
          apps: 1,
          resources: 100,
          program: [{ evalMs: 2000, maxRssKb: 200 * 1024 }],
          floor: [{ evalMs: 500, maxRssKb: 100 * 1024 }],
        },
        {
          apps: 10,
          resources: 200,
          program: [{ evalMs: 3000, maxRssKb: 300 * 1024 }],
          floor: [{ evalMs: 700, maxRssKb: 120 * 1024 }],
        },
      ],
      paths: [
        {
          stack: "prod",
          target: "eks",
          resources: resources.length,
          edges: g.edges.length,
          awaitEdges: 0,
          longest,
          registeredOnly: longest.seconds,
          limit: physicalLimit(g),
          crossings: [],
          allCrossings: [],
          groups: groupsOf(g, platformClassifier),
        },
      ],
      tsc: [{ wallMs: 9000, maxRssKb: 1024 * 1024, exitCode: 0 }],
      durations: DURATIONS,
      defaults: {
        seconds: DEFAULT_SECONDS,
        helm: DEFAULT_HELM_SECONDS,
        kubernetes: DEFAULT_KUBERNETES_SECONDS,
      },
    };
    const md = renderReport(report);
    assert.ok(md.startsWith("# Benchmarks\n"));
    for (const heading of [
      "## Machine",
      "## Summary",
      "## 1. Program evaluation vs the SDK floor",
      "## 2. Modeled deploy critical path",
      "### prod (eks)",
      "### Duration table",
      "## 3. Typecheck",
    ]) {
      assert.ok(md.includes(`\n${heading}\n`), `missing ${heading}`);
    }
    assert.match(md, /\| Test CPU \| 2 \| 4\.0 GiB \| v22\.0\.0 \|/);
    assert.match(md, /\| 1 \| 100 \| 1 \| 2000 ms \| 500 ms \| 4\.00× \| 200 MB \| 100 MB \| 2\.00× \|/);
    assert.match(md, /time ratio goes from 4\.00× to 4\.29×/);
    assert.match(md, /Longest path \*\*645 s \(10:45\)\*\*/);
    assert.match(md, /ratio \*\*1\.00×\*\*/);
    assert.match(md, /`aws:eks\/cluster:Cluster` \|  \| 600 \|/);
    assert.match(md, /\| 1 \| 9000 ms \| 1024 MB \|/);
  });
});
