/**
 * Vault configured as code: how the setup Jobs run (Pod Security restricted, their mounts, env,
 * image, bounds), their RBAC, and the order of a single `pulumi up` (the Vault release → the
 * bootstrap Job → the configure Job → the Deployments of the apps using Vault). On the example stacks.
 */
import * as assert from "node:assert/strict";
import { SETUP_IMAGE, bootstrapRoleRules, setupJobBounds } from "../components/addons/vault";
import { ProgramRun, RecordedResource, runProgram } from "../offline/mocks";
import { exampleConfig, runExample } from "../offline/stacks";
import { VAULT_INIT } from "./helpers/vault-fixtures";
import { validateKubernetesObject } from "./helpers/k8s-schemas";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const JOB = "kubernetes:batch/v1:Job";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SECRET = "kubernetes:core/v1:Secret";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

const podSpec = (job: RecordedResource): Obj => (job.inputs.spec as Obj).template.spec;

/** The dev example with Vault in ha mode on its kind cluster: Shamir (no cloud KMS). */
async function shamirRun(init: Obj = VAULT_INIT): Promise<ProgramRun> {
  const cfg = exampleConfig("dev");
  cfg.addons = { ...(cfg.addons as Obj), vault: { mode: "ha", init } };
  return runProgram(cfg, "dev");
}

/** The restricted-PSA parts every setup pod has. */
const RESTRICTED_POD = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: "RuntimeDefault" },
};
const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
};
const SA_TOKEN_VOLUME = {
  name: "kube-api-access",
  projected: {
    defaultMode: 0o444,
    sources: [
      { serviceAccountToken: { path: "token", expirationSeconds: 3600 } },
      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
    ],
  },
};
/** Vault's CA certificate as the bootstrap copies it into vault-setup (a pod mounts no Secret of `vault`). */
const VAULT_CA_VOLUME = {
  name: "vault-ca",
  configMap: { name: "vault-ca", defaultMode: 0o444, items: [{ key: "ca.crt", path: "ca.crt" }] },
};
const mount = (name: string, mountPath: string) => ({ name, mountPath, readOnly: true });

describe("Vault setup: the Jobs' pods", function () {
  this.timeout(300_000);

  it("prod bootstrap: in vault-setup, restricted, the pinned Node image, an explicit SA token for the kube API (it reads Vault's CA there)", async () => {
    const job = (await runExample("prod")).one(JOB, "vault-setup-bootstrap");
    assert.equal((job.inputs.metadata as Obj).namespace, "vault-setup");
    const spec = job.inputs.spec as Obj;
    assert.deepEqual(
      [spec.backoffLimit, spec.activeDeadlineSeconds, spec.ttlSecondsAfterFinished],
      [0, 4200, undefined],
    );
    // A failed Job (an initialisation error) is replaced, so re-run, by the next pulumi up; the old
    // one is kept (retainOnDelete): its pod's log may hold the last-resort encrypted shares.
    assert.deepEqual(
      [job.replaceOnChanges, job.deleteBeforeReplace, job.retainOnDelete],
      [["*"], false, true],
    );
    assert.deepEqual(spec.template.metadata, {
      labels: {
        "app.kubernetes.io/name": "kube-platform-vault-setup",
        "app.kubernetes.io/component": "bootstrap",
        "app.kubernetes.io/part-of": "kube-platform",
      },
      // Neither the cluster autoscaler nor Karpenter removes its node while it runs.
      annotations: {
        "kube-platform/vault-release-revision": "0",
        "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
        "karpenter.sh/do-not-disrupt": "true",
      },
    });
    const pod = podSpec(job);
    assert.equal(pod.priorityClassName, "kube-platform-critical");
    assert.equal(pod.serviceAccountName, "vault-bootstrap");
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.restartPolicy, "Never");
    assert.equal(pod.enableServiceLinks, false);
    assert.deepEqual(pod.securityContext, RESTRICTED_POD);
    const [c, ...others] = pod.containers;
    assert.deepEqual(others, []);
    assert.deepEqual(
      {
        name: c.name,
        image: c.image,
        command: c.command,
        securityContext: c.securityContext,
        resources: c.resources,
      },
      {
        name: "bootstrap",
        image: "node:24.20.0-alpine3.24",
        command: ["node", "/setup/vault-setup.js", "bootstrap"],
        securityContext: RESTRICTED_CONTAINER,
        resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
      },
    );
    assert.equal(SETUP_IMAGE, "node:24.20.0-alpine3.24");
    // No VAULT_CACERT: the program reads Vault's CA from the kube API (setup.json vaultCa).
    assert.deepEqual(c.env, [
      { name: "VAULT_ADDR", value: "https://vault-active.vault.svc:8200" },
      { name: "SETUP_CONFIG", value: "/config/setup.json" },
    ]);
    assert.deepEqual(c.volumeMounts, [
      mount("program", "/setup"),
      mount("config", "/config"),
      mount("kube-api-access", "/var/run/secrets/kubernetes.io/serviceaccount"),
    ]);
    // The ConfigMaps' generated names are outputs (unknown under the mocks): the volumes name them.
    assert.deepEqual(pod.volumes, [
      { name: "program", configMap: { defaultMode: 0o444 } },
      { name: "config", configMap: { defaultMode: 0o444 } },
      SA_TOKEN_VOLUME,
    ]);
    validateKubernetesObject(job.inputs);
  });

  it("prod configure: its SA token (Vault's Kubernetes login), values.json group-readable only, Vault's CA from the copied ConfigMap", async () => {
    const job = (await runExample("prod")).one(JOB, "vault-setup-configure");
    assert.equal((job.inputs.metadata as Obj).namespace, "vault-setup");
    const spec = job.inputs.spec as Obj;
    assert.deepEqual(
      [spec.backoffLimit, spec.activeDeadlineSeconds, spec.ttlSecondsAfterFinished],
      [2, 2400, undefined],
    );
    // Idempotent (backoffLimit 2): deleted when replaced, evictable, the default priority.
    assert.deepEqual([job.replaceOnChanges, job.retainOnDelete], [["*"], false]);
    assert.deepEqual(spec.template.metadata.annotations, { "kube-platform/vault-release-revision": "0" });
    const pod = podSpec(job);
    assert.equal(pod.priorityClassName, undefined);
    assert.equal(pod.serviceAccountName, "vault-configurator");
    assert.equal(pod.automountServiceAccountToken, false);
    assert.deepEqual(pod.securityContext, RESTRICTED_POD);
    const [c] = pod.containers;
    assert.deepEqual(c.command, ["node", "/setup/vault-setup.js", "configure"]);
    assert.deepEqual(c.securityContext, RESTRICTED_CONTAINER);
    assert.deepEqual(c.env, [
      { name: "VAULT_ADDR", value: "https://vault-active.vault.svc:8200" },
      { name: "SETUP_CONFIG", value: "/config/setup.json" },
      { name: "SETUP_INITIAL_VALUES", value: "/initial/values.json" },
      { name: "VAULT_CACERT", value: "/vault-ca/ca.crt" },
    ]);
    assert.deepEqual(pod.volumes, [
      { name: "program", configMap: { defaultMode: 0o444 } },
      { name: "config", configMap: { defaultMode: 0o444 } },
      { name: "initial", secret: { defaultMode: 0o440 } },
      SA_TOKEN_VOLUME,
      VAULT_CA_VOLUME,
    ]);
    assert.deepEqual(
      c.volumeMounts.map((m: Obj) => m.mountPath),
      ["/setup", "/config", "/initial", "/var/run/secrets/kubernetes.io/serviceaccount", "/vault-ca"],
    );
    validateKubernetesObject(job.inputs);
  });

  it("dev bootstrap: the dev token's Secret, plain HTTP, no CA and no SA token (it calls Vault only)", async () => {
    const r = await runExample("dev");
    const pod = podSpec(r.one(JOB, "vault-setup-bootstrap"));
    assert.deepEqual(pod.containers[0].env, [
      { name: "VAULT_ADDR", value: "http://vault.vault.svc:8200" },
      { name: "SETUP_CONFIG", value: "/config/setup.json" },
      { name: "SETUP_DEV_ROOT_TOKEN", value: "/dev-token/token" },
    ]);
    assert.deepEqual(pod.volumes, [
      { name: "program", configMap: { defaultMode: 0o444 } },
      { name: "config", configMap: { defaultMode: 0o444 } },
      { name: "dev-token", secret: { defaultMode: 0o440 } },
    ]);
    assert.equal(pod.automountServiceAccountToken, false);
    const configure = podSpec(r.one(JOB, "vault-setup-configure"));
    assert.deepEqual(
      configure.volumes.map((v: Obj) => v.name),
      ["program", "config", "initial", "kube-api-access"],
    );
    assert.equal((r.one(JOB, "vault-setup-bootstrap").inputs.spec as Obj).activeDeadlineSeconds, 4200);
  });

  it("a PodDisruptionBudget allows no eviction of a running bootstrap pod, created before the Job", async () => {
    for (const stack of ["prod", "dev"]) {
      const r = await runExample(stack);
      const pdb = r.one("kubernetes:policy/v1:PodDisruptionBudget", "vault-setup-bootstrap-pdb");
      assert.deepEqual(pdb.inputs, {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: {
          name: "vault-bootstrap",
          namespace: "vault-setup",
          labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "kube-platform" },
        },
        spec: {
          maxUnavailable: 0,
          selector: {
            matchLabels: {
              "app.kubernetes.io/name": "kube-platform-vault-setup",
              "app.kubernetes.io/component": "bootstrap",
              "app.kubernetes.io/part-of": "kube-platform",
            },
          },
        },
      });
      assert.ok(r.one(JOB, "vault-setup-bootstrap").dependsOn.includes(pdb.urn), stack);
      validateKubernetesObject(pdb.inputs);
    }
  });

  it("Pulumi waits longer than the Jobs' own deadline, which covers the program's bounded waits (a Shamir unseal)", () => {
    assert.deepEqual(setupJobBounds("bootstrap", 1800), {
      activeDeadlineSeconds: 4200,
      customTimeouts: { create: "75m", update: "75m" },
    });
    assert.deepEqual(setupJobBounds("configure", 1800), {
      activeDeadlineSeconds: 2400,
      customTimeouts: { create: "45m", update: "45m" },
    });
    assert.deepEqual(setupJobBounds("bootstrap", 60).customTimeouts, { create: "17m", update: "17m" });
  });
});

describe("Vault setup: RBAC", function () {
  this.timeout(300_000);

  it("the bootstrap Job (in vault-setup) may create Secrets (create takes no name), get/update the shares Secret, get/delete the break-glass Secret, write the CA ConfigMap (ha)", async () => {
    const r = await runExample("prod");
    const role = r.one("kubernetes:rbac.authorization.k8s.io/v1:Role", "vault-setup-bootstrap-role");
    assert.equal((role.inputs.metadata as Obj).namespace, "vault-setup");
    assert.deepEqual(role.inputs.rules, [
      { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
      {
        apiGroups: [""],
        resources: ["secrets"],
        resourceNames: ["vault-init-shares"],
        verbs: ["get", "update"],
      },
      {
        apiGroups: [""],
        resources: ["secrets"],
        resourceNames: ["vault-bootstrap-token"],
        verbs: ["get", "delete"],
      },
      { apiGroups: [""], resources: ["configmaps"], verbs: ["create"] },
      { apiGroups: [""], resources: ["configmaps"], resourceNames: ["vault-ca"], verbs: ["get", "update"] },
    ]);
    assert.deepEqual(bootstrapRoleRules("ha"), role.inputs.rules);
    assert.deepEqual(bootstrapRoleRules("dev"), (role.inputs.rules as Obj[]).slice(0, 3));
    const binding = r.one(
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
      "vault-setup-bootstrap-rolebinding",
    );
    assert.equal((binding.inputs.metadata as Obj).namespace, "vault-setup");
    assert.deepEqual(binding.inputs.subjects, [
      { kind: "ServiceAccount", name: "vault-bootstrap", namespace: "vault-setup" },
    ]);
    assert.deepEqual(binding.inputs.roleRef, {
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: "vault-bootstrap",
    });
    // In the vault namespace the bootstrap's ServiceAccount may get exactly the CA source Secret.
    const reader = r.one("kubernetes:rbac.authorization.k8s.io/v1:Role", "vault-setup-ca-reader-role");
    assert.deepEqual(reader.inputs.metadata, {
      name: "vault-bootstrap-ca-reader",
      namespace: "vault",
      labels: { "app.kubernetes.io/part-of": "kube-platform" },
    });
    assert.deepEqual(reader.inputs.rules, [
      { apiGroups: [""], resources: ["secrets"], resourceNames: ["vault-setup-ca-source"], verbs: ["get"] },
    ]);
    assert.deepEqual(
      r.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "vault-setup-ca-reader-rolebinding").inputs
        .subjects,
      [{ kind: "ServiceAccount", name: "vault-bootstrap", namespace: "vault-setup" }],
    );
    // No other Role or ClusterRole the program creates grants anything on Secrets.
    const others = r.resources.filter(
      (x) =>
        /rbac.authorization.k8s.io\/v1:(Cluster)?Role$/.test(x.type) &&
        x.urn !== role.urn &&
        x.urn !== reader.urn &&
        JSON.stringify(x.inputs.rules ?? []).includes("secrets"),
    );
    assert.deepEqual(
      others.map((x) => x.name),
      [],
    );
    for (const sa of ["vault-setup-bootstrap-sa", "vault-setup-configurator-sa"]) {
      const account = r.one("kubernetes:core/v1:ServiceAccount", sa);
      assert.equal(account.inputs.automountServiceAccountToken, false);
      assert.equal((account.inputs.metadata as Obj).namespace, "vault-setup");
    }
    assert.equal(
      r.resources.filter((x) => x.name.includes("shares-reader")).length,
      0,
      "no reader group configured",
    );
    // dev: no TLS, so no CA source and no reader in the vault namespace.
    const dev = await runExample("dev");
    assert.equal(
      dev.resources.filter((x) => x.name.includes("ca-source") || x.name.includes("ca-reader")).length,
      0,
    );
  });

  it("ha: Vault's CA source is a Certificate of the vault namespace issued by Vault's CA for nothing but its ca.crt", async () => {
    const r = await runExample("prod");
    const cert = r.one("kubernetes:cert-manager.io/v1:Certificate", "vault-setup-ca-source");
    assert.deepEqual(cert.inputs.metadata, {
      name: "vault-setup-ca-source",
      namespace: "vault",
      labels: { "app.kubernetes.io/part-of": "kube-platform" },
      annotations: { "pulumi.com/waitFor": "condition=Ready" },
    });
    assert.deepEqual(cert.inputs.spec, {
      secretName: "vault-setup-ca-source",
      commonName: "vault-setup-ca-source.invalid",
      dnsNames: ["vault-setup-ca-source.invalid"],
      duration: "8760h",
      renewBefore: "720h",
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      usages: ["digital signature"],
      issuerRef: { name: "vault-ca", kind: "Issuer", group: "cert-manager.io" },
    });
    const issuer = r.one("kubernetes:cert-manager.io/v1:Issuer", "kp-addons-vault-ca-issuer");
    assert.ok(cert.dependsOn.includes(issuer.urn), "issued once Vault's CA Issuer exists");
    assert.ok(r.one(JOB, "vault-setup-bootstrap").dependsOn.includes(cert.urn), "the bootstrap waits for it");
  });

  it("an optional group of key holders may get the shares Secret, nothing else", async () => {
    const r = await shamirRun({ ...VAULT_INIT, sharesReaderGroup: "vault-key-holders" });
    const role = r.one("kubernetes:rbac.authorization.k8s.io/v1:Role", "vault-setup-shares-reader-role");
    assert.deepEqual((role.inputs.metadata as Obj).name, "vault-init-shares-reader");
    assert.deepEqual(role.inputs.rules, [
      { apiGroups: [""], resources: ["secrets"], resourceNames: ["vault-init-shares"], verbs: ["get"] },
    ]);
    const binding = r.one(
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
      "vault-setup-shares-reader-rolebinding",
    );
    assert.deepEqual(binding.inputs.subjects, [
      { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "vault-key-holders" },
    ]);
  });
});

describe("Vault setup: the order of one pulumi up", function () {
  this.timeout(300_000);

  for (const stack of ["prod", "dev"]) {
    it(`${stack}: release (and injector patch) and the vault and vault-setup namespaces' policies → bootstrap → configure → the Vault app's Deployment`, async () => {
      const r = await runExample(stack);
      const release = r.ofType(RELEASE).find((x) => x.name === "kp-addons-vault-release");
      assert.ok(release);
      const bootstrap = r.one(JOB, "vault-setup-bootstrap");
      const configure = r.one(JOB, "vault-setup-configure");
      const urn = (type: string, suffix: string) => r.one(type, suffix).urn;
      const policiesIn = (ns: string) =>
        r
          .ofType(NETPOL)
          .filter(
            (x) => (x.inputs.metadata as Obj).namespace === ns && x.name.startsWith("kp-addons-netpol-"),
          );
      assert.equal(policiesIn("vault").length, 3, "default-deny, server, injector");
      assert.equal(policiesIn("vault-setup").length, 3, "default-deny, bootstrap, configure");
      const vaultPolicies = [...policiesIn("vault"), ...policiesIn("vault-setup")];
      const setupNs = r.one("kubernetes:core/v1:Namespace", "vault-setup-ns");
      for (const p of policiesIn("vault-setup"))
        assert.ok(p.dependsOn.includes(setupNs.urn), `${p.name} after the vault-setup namespace`);
      const expectBootstrap = [
        release.urn,
        ...vaultPolicies.map((x) => x.urn),
        urn(CONFIG_MAP, "vault-setup-program"),
        urn(CONFIG_MAP, "vault-setup-config"),
        urn("kubernetes:core/v1:ServiceAccount", "vault-setup-bootstrap-sa"),
        urn("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "vault-setup-bootstrap-rolebinding"),
        ...(stack === "prod"
          ? [
              urn("kubernetes:apps/v1:DeploymentPatch", "vault-injector-ca"),
              urn("kubernetes:cert-manager.io/v1:Certificate", "vault-setup-ca-source"),
              urn("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "vault-setup-ca-reader-rolebinding"),
            ]
          : [urn(SECRET, "vault-setup-dev-root-token")]),
      ];
      for (const u of expectBootstrap) assert.ok(bootstrap.dependsOn.includes(u), `bootstrap after ${u}`);
      for (const u of [
        bootstrap.urn,
        urn(CONFIG_MAP, "vault-setup-program"),
        urn(CONFIG_MAP, "vault-setup-config"),
        urn(SECRET, "vault-setup-initial-values"),
        urn("kubernetes:core/v1:ServiceAccount", "vault-setup-configurator-sa"),
      ]) {
        assert.ok(configure.dependsOn.includes(u), `configure after ${u}`);
      }
      const app = r.one(DEPLOYMENT, "-hello-vault-deploy");
      assert.ok(app.dependsOn.includes(configure.urn), "the Vault app starts once its role and policy exist");
      assert.ok(r.dependsOnTransitively(app, release));
      assert.ok(
        !r.dependsOnTransitively(bootstrap, configure) && !r.dependsOnTransitively(release, bootstrap),
      );
      const hello = r.one(DEPLOYMENT, "-hello-deploy");
      assert.ok(
        !r.dependsOnTransitively(hello, configure),
        "an app without vault: does not wait for Vault's setup",
      );
    });
  }
});
