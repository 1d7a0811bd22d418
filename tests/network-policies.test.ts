/**
 * The platform namespaces' NetworkPolicies (components/addons/network-policies): default deny in
 * every add-on namespace, then exactly the flows each component needs. Proved on every example
 * stack with the integrity inventory (tests/helpers/integrity*.ts): every peer selects pods that
 * exist, every required flow is allowed at both ends (the source's egress, the destination's
 * ingress), and the flows that must not happen are refused.
 */
import * as assert from "node:assert/strict";
import type { ClusterTarget } from "../components/cluster/types";
import {
  DEFAULT_DENY,
  NetworkPolicyPlan,
  Rule,
  mergeRules,
  namespacePolicies,
  platformFlows,
  releaseOf,
} from "../components/addons/network-policies";
import { CHARTS } from "../components/addons/versions";
import { EXAMPLE_STACKS, runExample } from "../offline/stacks";
import { HOOK_JOBS } from "./helpers/integrity-hooks";
import { StackView, integrityProblems, inventoryOf, stackViewOf } from "./helpers/integrity";
import {
  CM_WEBHOOK,
  HELLO,
  OUTSIDE,
  PROMETHEUS,
  VAULT_SERVER,
  allowedOf,
  changePolicy,
  deniedFlows,
  derivedFlows,
  flow,
  refusedOf,
  requiredFlows,
  withConfig,
  withoutPlatformPolicies,
} from "./helpers/integrity-flows";
import { flowRefusals, scrapeFlows, webhookFlows } from "./helpers/integrity-reach";
import { validateKubernetesObject } from "./helpers/k8s-schemas";

type Obj = Record<string, unknown>;
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/* ---------------------------------------------------------------------------------------------- */
/* The table and its rendering, on their own.                                                     */
/* ---------------------------------------------------------------------------------------------- */

const DEV_PLAN: NetworkPolicyPlan = {
  target: "existing",
  ingress: { controller: "traefik" },
  certManager: { acme: false },
  vault: { mode: "dev", cloudIdentity: false },
  monitoring: true,
  receiverPorts: [],
  metricsServer: true,
  clusterAutoscaler: false,
};

const names = (plan: NetworkPolicyPlan) =>
  Object.fromEntries(
    [...namespacePolicies(platformFlows(plan), plan.target)].map(([ns, specs]) => [
      ns,
      specs.map((s) => s.name),
    ]),
  );
const specOf = (plan: NetworkPolicyPlan, namespace: string, name: string) =>
  namespacePolicies(platformFlows(plan), plan.target)
    .get(namespace)
    ?.find((s) => s.name === name)?.spec;

describe("platform NetworkPolicies: the flow table and its rendering", () => {
  it("gives every add-on namespace a default deny first, then one policy per pod group", () => {
    assert.deepEqual(names(DEV_PLAN), {
      ingress: ["default-deny", "allow-traefik"],
      "cert-manager": [
        "default-deny",
        "allow-cert-manager-controller",
        "allow-cert-manager-webhook",
        "allow-cert-manager-cainjector",
        "allow-helm-hooks",
      ],
      vault: ["default-deny", "allow-vault-server", "allow-vault-injector"],
      monitoring: [
        "default-deny",
        "allow-prometheus",
        "allow-alertmanager",
        "allow-grafana",
        "allow-kube-state-metrics",
        "allow-prometheus-operator",
        "allow-helm-hooks",
      ],
      "monitoring-node-exporter": ["default-deny", "allow-node-exporter"],
      "metrics-server": ["default-deny", "allow-metrics-server"],
      // Vault's setup Jobs in their own namespace (components/addons/vault/setup.ts).
      "vault-setup": ["default-deny", "allow-vault-bootstrap", "allow-vault-configure"],
    });
    assert.deepEqual(DEFAULT_DENY, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    // Without monitoring nothing scrapes: node-exporter's namespace is not there, no policy admits Prometheus.
    const bare = names({ ...DEV_PLAN, monitoring: false });
    assert.equal(bare.monitoring, undefined);
    assert.doesNotMatch(
      JSON.stringify(specOf({ ...DEV_PLAN, monitoring: false }, "ingress", "allow-traefik")),
      /prometheus/,
    );
  });

  it("reaches the API server by port: 443 on the managed clouds, 443 and 6443 on an existing (kind) cluster", () => {
    const apiRule = (target: ClusterTarget) =>
      (specOf({ ...DEV_PLAN, target }, "metrics-server", "allow-metrics-server")?.egress as Obj[])[1];
    assert.deepEqual(apiRule("existing"), {
      ports: [
        { port: 443, protocol: "TCP" },
        { port: 6443, protocol: "TCP" },
        { port: 10250, protocol: "TCP" },
      ],
    });
    assert.deepEqual(apiRule("eks"), {
      ports: [
        { port: 443, protocol: "TCP" },
        { port: 10250, protocol: "TCP" },
      ],
    });
  });

  it("lets Vault reach the GKE metadata server only with a cloud identity on GKE, its peers only in ha mode", () => {
    const egress = (plan: NetworkPolicyPlan) => specOf(plan, "vault", "allow-vault-server")?.egress as Obj[];
    const gke: NetworkPolicyPlan = {
      ...DEV_PLAN,
      target: "gke",
      workloadIdentity: "gke-workload-identity",
      vault: { mode: "ha", cloudIdentity: true },
    };
    assert.deepEqual(egress(gke).slice(1), [
      { ports: [{ port: 443, protocol: "TCP" }] },
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vault" } },
            podSelector: {
              matchLabels: {
                "app.kubernetes.io/name": "vault",
                "app.kubernetes.io/instance": "vault",
                component: "server",
              },
            },
          },
        ],
        ports: [
          { port: 8200, protocol: "TCP" },
          { port: 8201, protocol: "TCP" },
        ],
      },
      { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ port: 80, protocol: "TCP" }] },
      { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ port: 988, protocol: "TCP" }] },
    ]);
    assert.deepEqual(
      egress({ ...gke, target: "aks", workloadIdentity: "azure-workload-identity" }).length,
      3,
      "AKS: DNS, 443, the peers (no link-local endpoint)",
    );
    assert.deepEqual(
      egress({ ...gke, vault: { mode: "dev", cloudIdentity: false } }).length,
      2,
      "dev, Shamir: DNS and the API",
    );
  });

  describe("EKS: the Pod Identity agent, for the pods with a cloud identity, only with Pod Identity", () => {
    const AGENT = {
      to: [{ ipBlock: { cidr: "169.254.170.23/32" } }],
      ports: [{ port: 80, protocol: "TCP" }],
    };
    const eks = (
      workloadIdentity: NetworkPolicyPlan["workloadIdentity"],
      cloudIdentity = true,
    ): NetworkPolicyPlan => ({
      ...DEV_PLAN,
      target: "eks",
      workloadIdentity,
      // No HTTP-01: its self check opens port 80 to any address, which covers the agent's rule.
      certManager: { acme: false, dns01: { cloudIdentity } },
      vault: { mode: "ha", cloudIdentity },
      externalDns: { cloudIdentity },
      clusterAutoscaler: true,
    });
    const egressOf = (plan: NetworkPolicyPlan, namespace: string, policy: string) =>
      (specOf(plan, namespace, policy)?.egress ?? []) as Obj[];
    const identityPods: [string, string][] = [
      ["vault", "allow-vault-server"],
      ["cert-manager", "allow-cert-manager-controller"],
      ["external-dns", "allow-external-dns"],
      ["cluster-autoscaler", "allow-cluster-autoscaler"],
    ];

    it("Pod Identity: Vault's servers, cert-manager's DNS-01 controller, external-dns and cluster-autoscaler reach 169.254.170.23:80", () => {
      for (const [namespace, policy] of identityPods)
        assert.deepEqual(
          egressOf(eks("eks-pod-identity"), namespace, policy).filter((r) =>
            JSON.stringify(r).includes("169.254"),
          ),
          [AGENT],
          `${namespace}/${policy}`,
        );
    });

    it("IRSA: no link-local egress at all (STS over 443)", () => {
      for (const [namespace, policy] of identityPods)
        assert.ok(
          !JSON.stringify(egressOf(eks("irsa"), namespace, policy)).includes("169.254"),
          `${namespace}/${policy}`,
        );
    });

    it("without a cloud identity (tokens, Shamir), not even with Pod Identity; never for pods without one", () => {
      const tokens = eks("eks-pod-identity", false);
      for (const [namespace, policy] of identityPods.slice(0, 3))
        assert.ok(!JSON.stringify(egressOf(tokens, namespace, policy)).includes("169.254"), namespace);
      const all = JSON.stringify([...namespacePolicies(platformFlows(eks("eks-pod-identity")), "eks")]);
      assert.equal(
        all.split("169.254.170.23/32").length - 1,
        identityPods.length,
        "four policies, once each",
      );
    });
  });

  it("lets Alertmanager out to the default receiver ports and to the configured receivers' own", () => {
    const notifications = (plan: NetworkPolicyPlan) =>
      platformFlows(plan)
        .filter((f) => f.why === "notifications")
        .flatMap((f) => f.ports.map((p) => `${p.protocol}/${p.port}`));
    assert.deepStrictEqual(notifications(DEV_PLAN), ["TCP/443", "TCP/25", "TCP/465", "TCP/587"]);
    assert.deepStrictEqual(notifications({ ...DEV_PLAN, receiverPorts: [443, 2525, 8080] }), [
      "TCP/443",
      "TCP/25",
      "TCP/465",
      "TCP/587",
      "TCP/2525",
      "TCP/8080",
    ]);
  });

  it("merges rules with the same peers and leaves out a rule another covers", () => {
    const dns = { namespaceSelector: { matchLabels: { n: "kube-system" } } };
    const allPods = { namespaceSelector: {} };
    const link = { ipBlock: { cidr: "169.254.169.254/32" } };
    const rules: Rule[] = [
      { peers: [], ports: [{ port: 443, protocol: "TCP" }] },
      { peers: [dns], ports: [{ port: 53, protocol: "UDP" }] },
      { peers: [], ports: [{ port: 10250, protocol: "TCP" }] },
      { peers: [allPods], ports: [] },
      { peers: [link], ports: [{ port: 80, protocol: "TCP" }] },
      { peers: [], ports: [{ port: 443, protocol: "TCP" }] },
    ];
    assert.deepEqual(mergeRules(rules), [
      {
        peers: [],
        ports: [
          { port: 443, protocol: "TCP" },
          { port: 10250, protocol: "TCP" },
        ],
      },
      { peers: [allPods], ports: [] },
      // Every pod does not cover an address block; any address on 443/10250 does not cover port 80.
      { peers: [link], ports: [{ port: 80, protocol: "TCP" }] },
    ]);
    // Any port to any address covers everything.
    assert.deepEqual(mergeRules([...rules, { peers: [], ports: [] }]), [{ peers: [], ports: [] }]);
  });

  it("refuses a namespace that no installed add-on's release installs into", () => {
    assert.throws(
      () => releaseOf([], "vault"),
      /^Error: NetworkPolicies: no add-on release installs into namespace "vault"$/,
    );
  });

  it("the setup Jobs' policies moved from vault to vault-setup keep an alias to their former resources", async () => {
    const run = await runExample("dev");
    const moved = run
      .ofType(NETWORK_POLICY)
      .filter((r) => r.name.startsWith("kp-addons-netpol-vault-setup-"))
      .map((r) => [r.name, r.aliases])
      .sort();
    assert.deepEqual(moved, [
      [
        "kp-addons-netpol-vault-setup-allow-vault-bootstrap",
        ["kp-addons-netpol-vault-allow-vault-bootstrap"],
      ],
      [
        "kp-addons-netpol-vault-setup-allow-vault-configure",
        ["kp-addons-netpol-vault-allow-vault-configure"],
      ],
      ["kp-addons-netpol-vault-setup-default-deny", []],
    ]);
  });

  it("records the Helm hook Jobs at the pinned chart versions (a chart bump must re-read them)", () => {
    for (const job of HOOK_JOBS) assert.equal(job.version, CHARTS[job.chart].version, job.job);
  });
});

/* ---------------------------------------------------------------------------------------------- */
/* Every example stack.                                                                            */
/* ---------------------------------------------------------------------------------------------- */

/** The add-on namespaces each example stack polices. */
const POLICED: Record<string, string[]> = {
  dev: [
    "cert-manager",
    "ingress",
    "metrics-server",
    "monitoring",
    "monitoring-node-exporter",
    "vault",
    "vault-setup",
  ],
  prod: [
    "cert-manager",
    "cluster-autoscaler",
    "external-dns",
    "ingress",
    "metrics-server",
    "monitoring",
    "monitoring-node-exporter",
    "vault",
    "vault-setup",
  ],
  // Karpenter (in kube-system, the cluster's) instead of cluster-autoscaler.
  "eks-dev": [
    "cert-manager",
    "external-dns",
    "ingress",
    "metrics-server",
    "monitoring",
    "monitoring-node-exporter",
    "vault",
    "vault-setup",
  ],
  gke: [
    "cert-manager",
    "external-dns",
    "ingress",
    "monitoring",
    "monitoring-node-exporter",
    "vault",
    "vault-setup",
  ],
  aks: [
    "cert-manager",
    "external-dns",
    "ingress",
    "monitoring",
    "monitoring-node-exporter",
    "vault",
    "vault-setup",
  ],
  doks: [
    "cert-manager",
    "external-dns",
    "ingress",
    "metrics-server",
    "monitoring",
    "monitoring-node-exporter",
    "vault",
    "vault-setup",
  ],
};

describe("platform NetworkPolicies on every example stack", () => {
  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    describe(stack, () => {
      it("gives every add-on namespace a default deny, each policy valid, labelled and after its release", async () => {
        const run = await runExample(stack);
        const ours = run.ofType(NETWORK_POLICY).filter((r) => r.name.startsWith("kp-addons-netpol-"));
        const ns = (r: (typeof ours)[number]) => String((r.inputs.metadata as Obj).namespace);
        assert.deepEqual([...new Set(ours.map(ns))].sort(), POLICED[stack]);
        for (const namespace of POLICED[stack]) {
          const deny = ours.find(
            (r) => ns(r) === namespace && (r.inputs.metadata as Obj).name === "default-deny",
          );
          assert.deepEqual(deny?.inputs.spec, DEFAULT_DENY, namespace);
        }
        const releases = run.ofType("kubernetes:helm.sh/v3:Release");
        const setupNamespace = run.one("kubernetes:core/v1:Namespace", "kp-addons-vault-setup-ns");
        for (const r of ours) {
          assert.doesNotThrow(() => validateKubernetesObject(r.inputs), r.name);
          assert.deepEqual((r.inputs.metadata as Obj).labels, {
            "app.kubernetes.io/part-of": "kube-platform",
            "app.kubernetes.io/managed-by": "pulumi",
          });
          // vault-setup holds no release: its policies wait for the namespace (created by Vault's setup).
          if (ns(r) === "vault-setup") {
            assert.ok(r.dependsOn.includes(setupNamespace.urn), `${r.name} waits for its namespace`);
            continue;
          }
          const namespace = ns(r) === "monitoring-node-exporter" ? "monitoring" : ns(r);
          const release = releases.find((x) => x.inputs.namespace === namespace);
          assert.ok(
            release && r.dependsOn.includes(release.urn),
            `${r.name} waits for the release in ${namespace}`,
          );
        }
      });

      it("every peer and pod selector selects pods that exist", async () => {
        const problems = integrityProblems(stackViewOf(await runExample(stack)));
        assert.deepEqual(
          problems.filter((p) => p.startsWith("NetworkPolicy")),
          [],
        );
      });

      it("allows every required flow at both ends: DNS, the API, scrapes, webhooks, hooks, the table", async () => {
        const view = stackViewOf(await runExample(stack));
        assert.deepEqual(refusedOf(view, [...derivedFlows(view), ...requiredFlows(view)]), []);
        // Selector-less scrape targets are the table's node and API server rows.
        assert.deepEqual(scrapeFlows(inventoryOf(view), PROMETHEUS).selectorless, [
          "default/kubernetes:https",
          "kube-system/kps-kubelet:https-metrics",
        ]);
      });

      it("refuses the flows that must not happen", async () => {
        const view = stackViewOf(await runExample(stack));
        assert.deepEqual(allowedOf(view, deniedFlows(view)), []);
      });
    });
  }

  for (const stack of ["dev", "prod"]) {
    it(`${stack} with F5 NGINX: every required flow allowed, every forbidden one refused`, async () => {
      const view = await withConfig(stack, (cfg) => {
        const addons = (cfg.addons ?? {}) as Obj;
        cfg.addons = { ...addons, ingress: { ...((addons.ingress as Obj) ?? {}), controller: "nginx" } };
      });
      assert.deepEqual(refusedOf(view, [...derivedFlows(view), ...requiredFlows(view)]), []);
      assert.deepEqual(allowedOf(view, deniedFlows(view)), []);
    });

    it(`${stack} with an app using Vault: its agent reaches the API port, never the cluster port`, async () => {
      const view = await withConfig(stack, (cfg) => {
        const [hello, ...rest] = cfg.apps as Obj[];
        cfg.apps = [
          {
            ...hello,
            vault: { role: "hello", secrets: [{ name: "config", path: "secret/data/hello/config" }] },
          },
          ...rest,
        ];
      });
      assert.deepEqual(refusedOf(view, [flow(HELLO, VAULT_SERVER, 8200, "Vault agent")]), []);
      assert.deepEqual(allowedOf(view, [flow(HELLO, VAULT_SERVER, 8201, "Vault cluster port")]), []);
    });
  }
});

/* ---------------------------------------------------------------------------------------------- */
/* The proofs fail when the policies are missing or wrong.                                         */
/* ---------------------------------------------------------------------------------------------- */

describe("platform NetworkPolicies: the proofs are not vacuous", () => {
  it("without them (before this change) the platform pods are open: the forbidden flows go through", async () => {
    // Vault's cluster port and the internet's way to Vault stay shut by the chart's own policy (values.ts).
    const view = withoutPlatformPolicies(stackViewOf(await runExample("prod")));
    assert.deepEqual(allowedOf(view, deniedFlows(view)), [
      'a client on the internet (198.51.100.7) → monitoring pods {"app.kubernetes.io/name":"prometheus"} TCP/9090 (the internet on Prometheus)',
      'a client on the internet (198.51.100.7) → monitoring pods {"app.kubernetes.io/name":"grafana"} TCP/3000 (the internet on Grafana)',
      'ingress pods {"app.kubernetes.io/name":"traefik"} → vault pods {"app.kubernetes.io/name":"vault","component":"server"} TCP/8200 (the ingress controller on Vault)',
      'ingress pods {"app.kubernetes.io/name":"traefik"} → monitoring pods {"app.kubernetes.io/name":"prometheus"} TCP/9090 (the ingress controller on Prometheus)',
      'cert-manager pods {"app.kubernetes.io/component":"controller"} → vault pods {"app.kubernetes.io/name":"vault","component":"server"} TCP/8200 (cert-manager on Vault)',
      'monitoring pods {"app.kubernetes.io/name":"grafana"} → monitoring pods {"app.kubernetes.io/name":"kube-state-metrics"} TCP/8080 (Grafana on kube-state-metrics)',
      'monitoring pods {"app.kubernetes.io/name":"alertmanager"} → monitoring pods {"app.kubernetes.io/name":"prometheus"} TCP/9090 (Alertmanager on Prometheus)',
      'a client on the internet (198.51.100.7) → cert-manager pods {"app.kubernetes.io/component":"controller"} TCP/9402 (the internet on cert-manager\'s metrics)',
      'metrics-server pods {"app.kubernetes.io/name":"metrics-server"} → vault pods {"app.kubernetes.io/name":"vault","component":"server"} TCP/8200 (metrics-server on Vault)',
      'a client on the internet (198.51.100.7) → external-dns pods {"app.kubernetes.io/name":"external-dns"} TCP/7979 (the internet on external-dns)',
      'external-dns pods {"app.kubernetes.io/name":"external-dns"} → vault pods {"app.kubernetes.io/name":"vault","component":"server"} TCP/8200 (external-dns on Vault)',
      'vault-setup pods {"app.kubernetes.io/name":"kube-platform-vault-setup","app.kubernetes.io/component":"configure"} → EKS endpoint (10.0.64.10) TCP/443 (the configure Job on the API server)',
      'vault-setup pods {"app.kubernetes.io/name":"kube-platform-vault-setup","app.kubernetes.io/component":"configure"} → monitoring pods {"app.kubernetes.io/name":"prometheus"} TCP/9090 (a setup Job on Prometheus)',
      'vault-setup pods {"app.kubernetes.io/name":"kube-platform-vault-setup","app.kubernetes.io/component":"configure"} → a client on the internet (198.51.100.7) TCP/443 (a setup Job on the internet)',
      'cluster-autoscaler pods {"app.kubernetes.io/name":"aws-cluster-autoscaler"} → monitoring pods {"app.kubernetes.io/name":"prometheus"} TCP/9090 (cluster-autoscaler on Prometheus)',
    ]);
  });

  it("a Helm hook Job without its allowance cannot reach the API server (a stalled upgrade)", async () => {
    const prod = stackViewOf(await runExample("prod"));
    const hookFlows = (view: StackView) =>
      derivedFlows(view).filter((f) => f.why.includes("Helm hook") && f.why.includes("Job monitoring/"));
    assert.equal(
      hookFlows(prod).length,
      3 * 3,
      "three hook Jobs in monitoring: DNS over UDP and TCP, the API",
    );
    assert.deepEqual(refusedOf(prod, hookFlows(prod)), []);
    const view = changePolicy(prod, "monitoring", "allow-helm-hooks");
    const refused = hookFlows(view).filter((f) => flowRefusals(inventoryOf(view), f).length > 0);
    assert.deepEqual(
      refused.map((f) => `${/Job monitoring\/([\w-]+)/.exec(f.why)?.[1]} ${f.protocol}/${f.port}`),
      [
        "kps-admission-create UDP/53",
        "kps-admission-create TCP/53",
        "kps-admission-patch UDP/53",
        "kps-admission-patch TCP/53",
        "kps-crds-upgrade UDP/53",
        "kps-crds-upgrade TCP/53",
        "kps-admission-create TCP/443",
        "kps-admission-patch TCP/443",
        "kps-crds-upgrade TCP/443",
      ],
    );
  });

  it("a metrics port without Prometheus' ingress rule is a refused scrape", async () => {
    const view = changePolicy(stackViewOf(await runExample("prod")), "ingress", "allow-traefik", (spec) => {
      spec.ingress = (spec.ingress as Obj[]).filter((r) => !JSON.stringify(r).includes("prometheus"));
    });
    assert.deepEqual(refusedOf(view, scrapeFlows(inventoryOf(view), PROMETHEUS).flows), [
      'monitoring pods {"app.kubernetes.io/name":"prometheus"} → ingress pods {"app.kubernetes.io/instance":"traefik-ingress","app.kubernetes.io/managed-by":"Helm","app.kubernetes.io/name":"traefik","helm.sh/chart":"traefik-41.3.0"} TCP/9100 (scrape ServiceMonitor ingress/traefik): ingress of Deployment ingress/traefik (chart traefik 41.3.0, templates/deployment.yaml) (NetworkPolicy ingress/default-deny, NetworkPolicy ingress/allow-traefik)',
    ]);
  });

  it("the control plane cannot call a webhook whose pods lost their ingress rule", async () => {
    const view = changePolicy(
      stackViewOf(await runExample("prod")),
      "cert-manager",
      "allow-cert-manager-webhook",
      (spec) => {
        spec.ingress = (spec.ingress as Obj[]).filter((r) => r.from !== undefined);
      },
    );
    const refused = refusedOf(view, webhookFlows(inventoryOf(view), view, OUTSIDE.eks.controlPlane));
    assert.equal(refused.length, 1, refused.join("\n"));
    assert.match(
      refused[0],
      /^EKS control plane \(10\.0\.64\.11\) → cert-manager pods .*"app\.kubernetes\.io\/component":"webhook".* TCP\/10250 \(the cert-manager webhook \(webhook\.securePort\)\): ingress of Deployment cert-manager\/cert-manager-webhook/,
    );
    // And the required-flow check names the same path from the table's own site.
    assert.deepEqual(allowedOf(view, [flow(OUTSIDE.eks.controlPlane, CM_WEBHOOK, 10250, "webhook")]), []);
  });

  it("a peer naming pods that do not exist is an integrity problem", async () => {
    const view = changePolicy(stackViewOf(await runExample("dev")), "monitoring", "allow-grafana", (spec) => {
      const egress = spec.egress as Obj[];
      egress[2] = {
        ...egress[2],
        to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus-server" } } }],
      };
    });
    assert.deepEqual(integrityProblems(view), [
      'NetworkPolicy monitoring/allow-grafana: egress peer {"podSelector":{"matchLabels":{"app.kubernetes.io/name":"prometheus-server"}}} selects no pods',
    ]);
  });
});
