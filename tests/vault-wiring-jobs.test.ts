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
const VAULT_CA_VOLUME = {
  name: "vault-ca",
  secret: { secretName: "vault-ca", defaultMode: 0o444, items: [{ key: "tls.crt", path: "ca.crt" }] },
};
const mount = (name: string, mountPath: string) => ({ name, mountPath, readOnly: true });

describe("Vault setup: the Jobs' pods", function () {
  this.timeout(300_000);

  it("prod bootstrap: restricted, the pinned Node image, Vault's CA (its certificate only), an explicit SA token for the kube API", async () => {
    const job = (await runExample("prod")).one(JOB, "vault-setup-bootstrap");
    const spec = job.inputs.spec as Obj;
    assert.deepEqual(
      [spec.backoffLimit, spec.activeDeadlineSeconds, spec.ttlSecondsAfterFinished],
      [0, 4200, undefined],
    );
    // A failed Job (an initialisation error) is replaced, so re-run, by the next pulumi up.
    assert.deepEqual([job.replaceOnChanges, job.deleteBeforeReplace], [["*"], false]);
    assert.deepEqual(spec.template.metadata, {
      labels: {
        "app.kubernetes.io/name": "kube-platform-vault-setup",
        "app.kubernetes.io/component": "bootstrap",
        "app.kubernetes.io/part-of": "kube-platform",
      },
      annotations: { "kube-platform/vault-release-revision": "0" },
    });
    const pod = podSpec(job);
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
    assert.deepEqual(c.env, [
      { name: "VAULT_ADDR", value: "https://vault-active.vault.svc:8200" },
      { name: "SETUP_CONFIG", value: "/config/setup.json" },
      { name: "VAULT_CACERT", value: "/vault-ca/ca.crt" },
    ]);
    assert.deepEqual(c.volumeMounts, [
      mount("program", "/setup"),
      mount("config", "/config"),
      mount("kube-api-access", "/var/run/secrets/kubernetes.io/serviceaccount"),
      mount("vault-ca", "/vault-ca"),
    ]);
    // The ConfigMaps' generated names are outputs (unknown under the mocks): the volumes name them.
    assert.deepEqual(pod.volumes, [
      { name: "program", configMap: { defaultMode: 0o444 } },
      { name: "config", configMap: { defaultMode: 0o444 } },
      SA_TOKEN_VOLUME,
      VAULT_CA_VOLUME,
    ]);
    validateKubernetesObject(job.inputs);
  });

  it("prod configure: its SA token (Vault's Kubernetes login) and values.json, group-readable only", async () => {
    const job = (await runExample("prod")).one(JOB, "vault-setup-configure");
    const spec = job.inputs.spec as Obj;
    assert.deepEqual(
      [spec.backoffLimit, spec.activeDeadlineSeconds, spec.ttlSecondsAfterFinished],
      [2, 2400, undefined],
    );
    const pod = podSpec(job);
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

  it("the bootstrap Job may create Secrets (create takes no name), get/update the shares Secret, get/delete the break-glass Secret", async () => {
    const r = await runExample("prod");
    const role = r.one("kubernetes:rbac.authorization.k8s.io/v1:Role", "vault-setup-bootstrap-role");
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
    ]);
    assert.deepEqual(bootstrapRoleRules(), role.inputs.rules);
    const binding = r.one(
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
      "vault-setup-bootstrap-rolebinding",
    );
    assert.deepEqual(binding.inputs.subjects, [
      { kind: "ServiceAccount", name: "vault-bootstrap", namespace: "vault" },
    ]);
    assert.deepEqual(binding.inputs.roleRef, {
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: "vault-bootstrap",
    });
    // No other Role or ClusterRole the program creates grants anything on Secrets.
    const others = r.resources.filter(
      (x) =>
        /rbac.authorization.k8s.io\/v1:(Cluster)?Role$/.test(x.type) &&
        x.urn !== role.urn &&
        JSON.stringify(x.inputs.rules ?? []).includes("secrets"),
    );
    assert.deepEqual(
      others.map((x) => x.name),
      [],
    );
    for (const sa of ["vault-setup-bootstrap-sa", "vault-setup-configurator-sa"]) {
      assert.equal(r.one("kubernetes:core/v1:ServiceAccount", sa).inputs.automountServiceAccountToken, false);
    }
    assert.equal(
      r.resources.filter((x) => x.name.includes("shares-reader")).length,
      0,
      "no reader group configured",
    );
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
    it(`${stack}: release (and injector patch) and the vault namespace's policies → bootstrap → configure → the Vault app's Deployment`, async () => {
      const r = await runExample(stack);
      const release = r.ofType(RELEASE).find((x) => x.name === "kp-addons-vault-release");
      assert.ok(release);
      const bootstrap = r.one(JOB, "vault-setup-bootstrap");
      const configure = r.one(JOB, "vault-setup-configure");
      const urn = (type: string, suffix: string) => r.one(type, suffix).urn;
      const vaultPolicies = r
        .ofType(NETPOL)
        .filter(
          (x) => (x.inputs.metadata as Obj).namespace === "vault" && x.name.startsWith("kp-addons-netpol-"),
        );
      assert.equal(vaultPolicies.length, 5, "default-deny, server, injector, bootstrap, configure");
      const expectBootstrap = [
        release.urn,
        ...vaultPolicies.map((x) => x.urn),
        urn(CONFIG_MAP, "vault-setup-program"),
        urn(CONFIG_MAP, "vault-setup-config"),
        urn("kubernetes:core/v1:ServiceAccount", "vault-setup-bootstrap-sa"),
        urn("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "vault-setup-bootstrap-rolebinding"),
        ...(stack === "prod"
          ? [urn("kubernetes:apps/v1:DeploymentPatch", "vault-injector-ca")]
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
