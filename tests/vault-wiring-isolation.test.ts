/**
 * Vault's setup in its own namespace (components/addons/vault/setup.ts, VAULT_SETUP_NAMESPACE): the
 * chart's injector Role (vault-helm at CHARTS.vault, templates/injector-role.yaml: with leader
 * election and more than one injector replica, get/list/watch on every Secret of the release
 * namespace) must not reach the initial values, the encrypted shares or the break-glass token. On
 * the example stacks: where every setup object lives, who may read Secrets there, which pods mount
 * the initial values; and dev mode's re-apply CronJob.
 */
import * as assert from "node:assert/strict";
import { NetworkPolicyPlan, namespacePolicies, platformFlows } from "../components/addons/network-policies";
import { CHARTS } from "../components/addons/versions";
import { DEV_REAPPLY, devReapplyCronJobSpec } from "../components/addons/vault";
import { RecordedResource } from "../offline/mocks";
import { runExample } from "../offline/stacks";
import { chartObjects } from "./helpers/chart-objects";
import { validateKubernetesObject } from "./helpers/k8s-schemas";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const RBAC = "kubernetes:rbac.authorization.k8s.io/v1:";
const CRON_JOB = "kubernetes:batch/v1:CronJob";
const SECRET = "kubernetes:core/v1:Secret";
const ns = (r: RecordedResource) => (r.inputs.metadata as Obj | undefined)?.namespace as string | undefined;

/** Every object of Vault's setup, by resource name suffix (each example's dev or prod flavour). */
const SETUP_OBJECTS = {
  common: [
    ["kubernetes:batch/v1:Job", "vault-setup-bootstrap"],
    ["kubernetes:batch/v1:Job", "vault-setup-configure"],
    ["kubernetes:core/v1:ServiceAccount", "vault-setup-bootstrap-sa"],
    ["kubernetes:core/v1:ServiceAccount", "vault-setup-configurator-sa"],
    [`${RBAC}Role`, "vault-setup-bootstrap-role"],
    [`${RBAC}RoleBinding`, "vault-setup-bootstrap-rolebinding"],
    ["kubernetes:core/v1:ConfigMap", "vault-setup-program"],
    ["kubernetes:core/v1:ConfigMap", "vault-setup-config"],
    [SECRET, "vault-setup-initial-values"],
  ],
  dev: [
    [SECRET, "vault-setup-dev-root-token"],
    [CRON_JOB, "vault-setup-dev-reapply"],
  ],
} as const;

/** Whether an RBAC rule lets its subject read (get, list or watch) Secrets. */
const readsSecrets = (rule: Obj) =>
  (rule.apiGroups ?? []).some((g: string) => g === "" || g === "*") &&
  (rule.resources ?? []).some((r: string) => r === "secrets" || r === "*") &&
  (rule.verbs ?? []).some((v: string) => ["get", "list", "watch", "*"].includes(v));

describe("Vault setup: its own namespace", function () {
  this.timeout(300_000);

  for (const stack of ["prod", "dev"]) {
    it(`${stack}: vault-setup is created by the setup (Pod Security restricted, the platform's labels) and holds every setup object`, async () => {
      const r = await runExample(stack);
      const namespace = r.one("kubernetes:core/v1:Namespace", "kp-addons-vault-setup-ns");
      assert.deepEqual(namespace.inputs.metadata, {
        name: "vault-setup",
        labels: {
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "v1.34",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/warn-version": "v1.34",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/audit-version": "v1.34",
          "app.kubernetes.io/part-of": "kube-platform",
        },
      });
      const setup = r.resources.find((x) => x.type === "kube-platform:addons:VaultSetup");
      assert.equal(namespace.parent, setup?.urn, "created by the setup component");
      const objects = [...SETUP_OBJECTS.common, ...(stack === "dev" ? SETUP_OBJECTS.dev : [])];
      assert.deepEqual(
        objects.map(([type, name]) => [name, ns(r.one(type, name))]),
        objects.map(([, name]) => [name, "vault-setup"]),
      );
      // Nothing of the setup is left in the vault namespace but the CA source and its reader (ha).
      const inVault = r.resources
        .filter((x) => x.parent === setup?.urn && ns(x) === "vault")
        .map((x) => x.name)
        .sort();
      assert.deepEqual(
        inVault,
        stack === "prod"
          ? [
              "kp-addons-vault-setup-ca-reader-role",
              "kp-addons-vault-setup-ca-reader-rolebinding",
              "kp-addons-vault-setup-ca-source",
            ]
          : [],
      );
      // The program writes and reads its Secrets there (setup.json).
      const setupJson = JSON.parse(
        (r.one("kubernetes:core/v1:ConfigMap", "vault-setup-config").inputs.data as Obj)["setup.json"],
      );
      assert.deepEqual(
        [setupJson.sharesSecret, setupJson.breakGlassSecret, setupJson.configurator.namespace],
        [
          { namespace: "vault-setup", name: "vault-init-shares" },
          { namespace: "vault-setup", name: "vault-bootstrap-token" },
          "vault-setup",
        ],
      );
    });

    it(`${stack}: no RoleBinding or ClusterRole the platform creates lets anyone but the setup read Secrets of vault-setup`, async () => {
      const r = await runExample(stack);
      const roles = r.resources.filter((x) => x.type === `${RBAC}Role` || x.type === `${RBAC}ClusterRole`);
      const readers = roles
        .filter((x) => (x.inputs.rules as Obj[] | undefined)?.some(readsSecrets))
        .filter((x) => x.type === `${RBAC}ClusterRole` || ns(x) === "vault-setup")
        .map((x) => x.name);
      assert.deepEqual(readers, ["kp-addons-vault-setup-bootstrap-role"]);
      // Its one binding: the bootstrap Job's ServiceAccount; no ClusterRoleBinding of the platform
      // names a ClusterRole that reads Secrets.
      const bindings = r.resources.filter((x) => x.type === `${RBAC}RoleBinding` && ns(x) === "vault-setup");
      assert.deepEqual(
        bindings.map((b) => [(b.inputs.roleRef as Obj).name, b.inputs.subjects]),
        [
          [
            "vault-bootstrap",
            [{ kind: "ServiceAccount", name: "vault-bootstrap", namespace: "vault-setup" }],
          ],
        ],
      );
      const clusterBindings = r.resources.filter((x) => x.type === `${RBAC}ClusterRoleBinding`);
      const readingClusterRoles = roles
        .filter((x) => x.type === `${RBAC}ClusterRole` && (x.inputs.rules as Obj[]).some(readsSecrets))
        .map((x) => (x.inputs.metadata as Obj).name);
      assert.deepEqual(
        clusterBindings.filter((b) => readingClusterRoles.includes((b.inputs.roleRef as Obj).name)),
        [],
      );
    });
  }

  it("the pinned charts' recorded objects live in their release namespaces, none in vault-setup (their namespaced Roles cannot reach it)", () => {
    // components/addons/chart-data/*/objects.json records workloads, Services, monitors and NetworkPolicies,
    // not RBAC: what they tell is where each chart puts its objects. The vault chart's Secret reader
    // (the injector's leader-election Role) is namespaced to its release namespace, vault.
    const namespaces = Object.fromEntries(
      Object.entries(CHARTS).map(([key, chart]) => {
        const data = chartObjects(key as keyof typeof CHARTS, chart.version);
        const seen = new Set<string>();
        const walk = (v: unknown): void => {
          if (Array.isArray(v)) v.forEach(walk);
          else if (typeof v === "object" && v !== null)
            for (const [k, x] of Object.entries(v)) {
              if (k === "namespace" && typeof x === "string") seen.add(x);
              walk(x);
            }
        };
        walk(data.configurations);
        return [key, [...seen].sort()];
      }),
    );
    assert.deepEqual(namespaces, {
      traefik: ["ingress"],
      nginx: ["ingress"],
      certManager: ["cert-manager"],
      vault: ["vault"],
      monitoring: ["kube-system", "monitoring", "monitoring-node-exporter"],
      metricsServer: ["metrics-server"],
      clusterAutoscaler: ["cluster-autoscaler"],
      externalDns: ["external-dns"],
      // The EKS target's own charts.
      karpenterCrd: ["kube-system"],
      karpenter: ["kube-system"],
      awsLoadBalancerController: ["kube-system"],
    });
  });

  for (const stack of ["prod", "dev"]) {
    it(`${stack}: only the configure step mounts the initial values (the configure Job${stack === "dev" ? " and the re-apply CronJob's configure container" : ""})`, async () => {
      const r = await runExample(stack);
      const values = r.one(SECRET, "vault-setup-initial-values");
      const templateOf = (w: RecordedResource): Obj | undefined =>
        w.type === CRON_JOB
          ? (w.inputs.spec as Obj).jobTemplate.spec.template
          : (w.inputs.spec as Obj | undefined)?.template;
      // The Secret's generated name is an output: a workload naming it depends on it.
      const mounting = r.resources
        .filter((w) => templateOf(w) !== undefined && w.dependsOn.includes(values.urn))
        .map((w) => {
          const spec = templateOf(w)?.spec as Obj;
          const containers = [...(spec.initContainers ?? []), ...spec.containers] as Obj[];
          return [
            w.name,
            containers
              .filter((c) => (c.volumeMounts as Obj[]).some((m) => m.name === "initial"))
              .map((c) => c.name),
          ];
        });
      assert.deepEqual(mounting, [
        ["kp-addons-vault-setup-configure", ["configure"]],
        ...(stack === "dev" ? [["kp-addons-vault-setup-dev-reapply", ["configure"]]] : []),
      ]);
    });
  }
});

describe("Vault setup: dev mode re-applies itself (the dev server keeps everything in memory)", function () {
  this.timeout(300_000);

  it("a CronJob in vault-setup runs the bootstrap (init container) then configure every 5 minutes, one at a time", async () => {
    const r = await runExample("dev");
    const cron = r.one(CRON_JOB, "vault-setup-dev-reapply");
    assert.deepEqual(cron.inputs.metadata, {
      name: "vault-setup-reapply",
      namespace: "vault-setup",
      labels: { "app.kubernetes.io/part-of": "kube-platform", "app.kubernetes.io/managed-by": "pulumi" },
    });
    const spec = cron.inputs.spec as Obj;
    assert.deepEqual(
      [
        spec.schedule,
        spec.concurrencyPolicy,
        spec.startingDeadlineSeconds,
        spec.successfulJobsHistoryLimit,
        spec.failedJobsHistoryLimit,
      ],
      ["*/5 * * * *", "Forbid", 120, 1, 1],
    );
    const job = spec.jobTemplate.spec;
    assert.deepEqual([job.backoffLimit, job.activeDeadlineSeconds], [0, 240]);
    assert.ok(DEV_REAPPLY.activeDeadlineSeconds < 300, "a run ends before the next is due");
    // The configure Job's labels: the same NetworkPolicy (DNS and Vault's API only).
    assert.deepEqual(job.template.metadata, {
      labels: {
        "app.kubernetes.io/name": "kube-platform-vault-setup",
        "app.kubernetes.io/component": "configure",
        "app.kubernetes.io/part-of": "kube-platform",
      },
    });
    const pod = job.template.spec;
    assert.deepEqual(
      [pod.serviceAccountName, pod.automountServiceAccountToken, pod.restartPolicy, pod.enableServiceLinks],
      ["vault-configurator", false, "Never", false],
    );
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const restricted = {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    };
    const [init, ...moreInit] = pod.initContainers;
    const [main, ...more] = pod.containers;
    assert.deepEqual([moreInit, more], [[], []]);
    const view = (c: Obj) => ({
      name: c.name,
      image: c.image,
      command: c.command,
      env: c.env,
      mounts: (c.volumeMounts as Obj[]).map((m) => `${m.name}:${m.mountPath}:${m.readOnly}`),
      securityContext: c.securityContext,
      resources: c.resources,
    });
    const resources = { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } };
    assert.deepEqual(view(init), {
      name: "bootstrap",
      image: "node:24.20.0-alpine3.24",
      command: ["node", "/setup/vault-setup.js", "bootstrap"],
      env: [
        { name: "VAULT_ADDR", value: "http://vault.vault.svc:8200" },
        { name: "SETUP_CONFIG", value: "/config/setup.json" },
        { name: "SETUP_DEV_ROOT_TOKEN", value: "/dev-token/token" },
      ],
      mounts: ["program:/setup:true", "config:/config:true", "dev-token:/dev-token:true"],
      securityContext: restricted,
      resources,
    });
    assert.deepEqual(view(main), {
      name: "configure",
      image: "node:24.20.0-alpine3.24",
      command: ["node", "/setup/vault-setup.js", "configure"],
      env: [
        { name: "VAULT_ADDR", value: "http://vault.vault.svc:8200" },
        { name: "SETUP_CONFIG", value: "/config/setup.json" },
        { name: "SETUP_INITIAL_VALUES", value: "/initial/values.json" },
      ],
      mounts: [
        "program:/setup:true",
        "config:/config:true",
        "initial:/initial:true",
        "kube-api-access:/var/run/secrets/kubernetes.io/serviceaccount:true",
      ],
      securityContext: restricted,
      resources,
    });
    assert.deepEqual(
      (pod.volumes as Obj[]).map((v) => v.name),
      ["program", "config", "initial", "dev-token", "kube-api-access"],
    );
    assert.ok(cron.dependsOn.includes(r.one("kubernetes:batch/v1:Job", "vault-setup-configure").urn));
    validateKubernetesObject(cron.inputs);
  });

  it("exists in dev mode only", async () => {
    assert.equal((await runExample("prod")).ofType(CRON_JOB).length, 0);
    assert.equal((await runExample("dev")).ofType(CRON_JOB).length, 1);
    const spec = devReapplyCronJobSpec({
      programConfigMap: "p",
      configConfigMap: "c",
      initialValuesSecret: "i",
      devTokenSecret: "d",
    });
    assert.deepEqual((spec.jobTemplate as Obj).spec.template.spec.volumes.slice(2, 4), [
      { name: "initial", secret: { secretName: "i", defaultMode: 0o440 } },
      { name: "dev-token", secret: { secretName: "d", defaultMode: 0o440 } },
    ]);
  });
});

describe("Vault setup: the NetworkPolicies of vault-setup (the flow table)", () => {
  it("NetworkPolicies: in vault-setup, default deny; the bootstrap Job reaches DNS, the API server and Vault's API; configure DNS and Vault's API; the servers let both in", () => {
    const plan: NetworkPolicyPlan = {
      target: "existing",
      vault: { mode: "dev", cloudIdentity: false },
      monitoring: false,
      receiverPorts: [],
      metricsServer: false,
      clusterAutoscaler: false,
    };
    const policies = namespacePolicies(platformFlows(plan), "existing");
    assert.deepEqual(
      (policies.get("vault") ?? []).map((s) => s.name),
      ["default-deny", "allow-vault-server", "allow-vault-injector"],
    );
    const specs = policies.get("vault-setup") ?? [];
    assert.deepEqual(
      specs.map((s) => [s.name, s.movedFrom]),
      [
        ["default-deny", undefined],
        ["allow-vault-bootstrap", "vault"],
        ["allow-vault-configure", "vault"],
      ],
    );
    const spec = (name: string) => specs.find((s) => s.name === name)?.spec;
    assert.deepEqual(spec("default-deny"), { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const dns = {
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
    };
    const server = {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vault" } },
      podSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "vault",
          "app.kubernetes.io/instance": "vault",
          component: "server",
        },
      },
    };
    const job = (step: string) => ({
      matchLabels: {
        "app.kubernetes.io/name": "kube-platform-vault-setup",
        "app.kubernetes.io/component": step,
        "app.kubernetes.io/part-of": "kube-platform",
      },
    });
    assert.deepEqual(spec("allow-vault-bootstrap"), {
      podSelector: job("bootstrap"),
      policyTypes: ["Egress"],
      egress: [
        dns,
        {
          ports: [
            { port: 443, protocol: "TCP" },
            { port: 6443, protocol: "TCP" },
          ],
        },
        { to: [server], ports: [{ port: 8200, protocol: "TCP" }] },
      ],
    });
    assert.deepEqual(spec("allow-vault-configure"), {
      podSelector: job("configure"),
      policyTypes: ["Egress"],
      egress: [dns, { to: [server], ports: [{ port: 8200, protocol: "TCP" }] }],
    });
    const serverSpec = (policies.get("vault") ?? []).find((s) => s.name === "allow-vault-server")?.spec;
    const ingress = (serverSpec?.ingress ?? []) as Obj[];
    for (const step of ["bootstrap", "configure"]) {
      assert.ok(
        ingress.some((r) =>
          (r.from as Obj[]).some(
            (p) =>
              JSON.stringify(p) ===
              JSON.stringify({
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vault-setup" } },
                podSelector: job(step),
              }),
          ),
        ),
        `the servers accept the ${step} Job (from vault-setup) on 8200`,
      );
    }
  });
});
