/** Vault add-on: dev and ha values, TLS from cert-manager, auto-unseal through the cluster contract. */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  INJECTOR_CA_ENV,
  injectorCaPatchArgs,
  sealHcl,
  TLS_RELOAD_SCRIPT,
  TLS_RELOAD_SECURITY_CONTEXT,
  Vault,
  VAULT_RELEASE_REPLACE_ON,
  VaultArgs,
  vaultServerConfig,
  vaultTlsDnsNames,
  vaultValues,
  VAULT_SERVER_IMAGE,
  VAULT_TLS_SECRET,
} from "../components/addons/vault";
import { VAULT_INJECTION_NAMESPACE_LABELS } from "../components/kube/conventions";
import { AddonContext } from "../components/addons/base";
import { VaultSettings } from "../components/addons/types";
import { CHARTS } from "../components/addons/versions";
import {
  BoundIdentity,
  SealStanza,
  ServiceAccountRef,
  UnsealKms,
  WorkloadIdentity,
} from "../components/cluster/types";
import { chartData, chartValueProblems } from "./helpers/chart-values";
import { validateKubernetesObject } from "./helpers/k8s-schemas";
import { ProgramRun, runResources } from "../offline/mocks";
import { mockRandomValue } from "../offline/mock-state/random";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A custom resource of any type (pulumi.CustomResource is abstract). */
class Dummy extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}
type Values = Record<string, any>;

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";
const ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer";
const NAMESPACED_ISSUER = "kubernetes:cert-manager.io/v1:Issuer";
const PATCH = "kubernetes:apps/v1:DeploymentPatch";

function settings(overrides: Partial<VaultSettings> = {}): VaultSettings {
  return {
    enabled: true,
    mode: "dev",
    replicas: 3,
    storageSize: "10Gi",
    auditStorageSize: "5Gi",
    injectorReplicas: 1,
    init: { keyHolders: [], threshold: 1, unsealWaitSeconds: 1800 },
    values: {},
    ...overrides,
  };
}
const HA = (o: Partial<VaultSettings> = {}) => settings({ mode: "ha", injectorReplicas: 1, ...o });

function testCtx(highAvailability: boolean): AddonContext {
  const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
  const ready = new Dummy("test:index:ClusterReady", "cluster-ready", {});
  return { provider, dependsOn: [ready], highAvailability, kubernetesVersion: "1.34" };
}

const STANZA: SealStanza = {
  type: "azurekeyvault",
  attributes: { tenant_id: "00000000-aaaa", vault_name: "kp-unseal", key_name: "vault-unseal" },
};

/** A fake cloud: each call creates a dummy resource and returns Outputs that depend on it. */
function fakeCloud(calls: {
  bind?: [string, ServiceAccountRef, pulumi.Resource];
  key?: [string, pulumi.Resource];
}) {
  const workloadIdentity: WorkloadIdentity = {
    mechanism: "azure-workload-identity",
    bindServiceAccount(name, sa, parent): BoundIdentity {
      calls.bind = [name, sa, parent];
      const identity = new Dummy(
        "test:index:Identity",
        name,
        { subject: `system:serviceaccount:${sa.namespace}:${sa.name}` },
        { parent },
      );
      return {
        serviceAccountAnnotations: identity.urn.apply((): Record<string, string> => ({
          "azure.workload.identity/client-id": "11111111-2222",
        })),
        podLabels: { "azure.workload.identity/use": "true" },
        principal: identity.urn.apply(() => "principal-1"),
      };
    },
  };
  const kms: UnsealKms = {
    createUnsealKey(name, identity, parent) {
      calls.key = [name, parent];
      const key = new Dummy("test:index:UnsealKey", `${name}-unseal`, {}, { parent });
      return pulumi.all([key.urn, identity.principal]).apply(() => STANZA);
    },
  };
  return { workloadIdentity, kms };
}

interface RunOptions {
  ha?: boolean;
  tls?: boolean;
  unseal?: boolean;
}

async function run(s: VaultSettings, o: RunOptions = {}) {
  let component: Vault | undefined;
  const calls: Parameters<typeof fakeCloud>[0] = {};
  const r = await runResources(() => {
    const ctx = testCtx(o.ha ?? false);
    let tls: VaultArgs["tls"];
    if (o.tls ?? s.mode === "ha") {
      const issuer = new k8s.apiextensions.CustomResource(
        "internal-ca",
        {
          apiVersion: "cert-manager.io/v1",
          kind: "ClusterIssuer",
          metadata: { name: "selfsigned" },
          spec: {},
        },
        { provider: ctx.provider },
      );
      tls = { issuerName: "selfsigned", issuer };
    }
    component = new Vault("vault", {
      settings: s,
      ctx,
      storageClass: pulumi.output("fast-ssd"),
      tls,
      unseal: o.unseal ? fakeCloud(calls) : undefined,
    });
    return { address: component.address, namespace: component.namespace };
  });
  return { r, component: component!, calls };
}

const values = (r: ProgramRun): Values => r.one(RELEASE).inputs.values as Values;
const config = (v: Values): string =>
  v.server.ha.enabled ? v.server.ha.raft.config : v.server.standalone.config;

describe("Vault add-on", () => {
  it("installs the pinned chart as release vault in namespace vault (Pod Security restricted)", async () => {
    const { r } = await run(settings());
    const rel = r.one(RELEASE);
    assert.strictEqual(rel.inputs.chart, CHARTS.vault.chart);
    assert.strictEqual(rel.inputs.version, "0.34.1");
    assert.deepStrictEqual(rel.inputs.repositoryOpts, { repo: "https://helm.releases.hashicorp.com" });
    assert.strictEqual(rel.inputs.name, "vault");
    assert.strictEqual(rel.inputs.namespace, "vault");
    const ns = r.one("kubernetes:core/v1:Namespace").inputs.metadata as {
      name: string;
      labels: Record<string, string>;
    };
    assert.strictEqual(ns.name, "vault");
    assert.strictEqual(ns.labels["pod-security.kubernetes.io/enforce"], "restricted");
  });

  it("dev: Vault's dev server (in memory, no volume), plain HTTP, a generated root token kept secret, labelled not for production", async () => {
    const { r, component } = await run(settings({ storageSize: "2Gi" }));
    const v = values(r);
    assert.strictEqual(v.global.tlsDisable, true);
    const token = r.one("random:index/randomPassword:RandomPassword");
    assert.strictEqual(token.name, "vault-dev-root-token");
    assert.deepStrictEqual(token.inputs, { length: 32, special: false });
    // templates/_helpers.tpl: mode "dev" renders `vault server -dev` with VAULT_DEV_ROOT_TOKEN_ID = devRootToken.
    assert.deepStrictEqual(v.server.dev, {
      enabled: true,
      devRootToken: mockRandomValue("vault-dev-root-token", 32),
    });
    assert.ok(
      r.one(RELEASE).secretInputs.has("values"),
      "the root token leaf keeps the values secret in state",
    );
    assert.deepStrictEqual(v.server.standalone, { enabled: false });
    assert.strictEqual(v.server.ha.enabled, false);
    // No volumeClaimTemplates in dev mode; the audit mount would be rendered in any mode if enabled.
    assert.deepStrictEqual(v.server.dataStorage, { enabled: false });
    assert.deepStrictEqual(v.server.auditStorage, { enabled: false });
    assert.strictEqual(v.server.extraLabels["kube-platform/not-for-production"], "true");
    assert.match(
      v.server.annotations["kube-platform/not-for-production"],
      /dev server, in memory \(a restart loses everything\)/,
    );
    assert.match(v.server.statefulSet.annotations["kube-platform/not-for-production"], /not for production/);
    assert.strictEqual(v.injector.replicas, 1);
    assert.deepStrictEqual(v.injector.podDisruptionBudget, {});
    assert.strictEqual(v.server.updateStrategyType, "RollingUpdate");
    assert.strictEqual(r.ofType(CERTIFICATE).length, 0);
    assert.strictEqual(component.address, "http://vault.vault.svc:8200");
    assert.ok(component.devRootToken, "the component exposes the token for the bootstrap Job");
  });

  it("ha: no dev server, no dev root token", async () => {
    const { r, component } = await run(HA());
    assert.deepStrictEqual(values(r).server.dev, { enabled: false });
    assert.strictEqual(r.ofType("random:index/randomPassword:RandomPassword").length, 0);
    assert.strictEqual(component.devRootToken, undefined);
    assert.strictEqual(r.one(RELEASE).secretInputs.has("values"), false, "ha values stay readable");
  });

  it("dev mode needs its root token (the values builder refuses to render the dev server without one)", () => {
    const opts = { storageClass: "standard", serverConfig: "", autoUnseal: false };
    assert.throws(
      () => vaultValues(settings(), false, opts),
      /dev mode runs the dev server: pass devRootToken/,
    );
    assert.doesNotThrow(() => vaultValues(HA(), false, opts));
  });

  it("switching to or from the dev server replaces the release, deleting it first (same Helm release name)", async () => {
    for (const s of [settings(), HA()]) {
      const rel = (await run(s)).r.one(RELEASE);
      assert.deepStrictEqual(rel.replaceOnChanges, ["values.server.dev.enabled"]);
      assert.strictEqual(rel.deleteBeforeReplace, true);
    }
    assert.deepStrictEqual(VAULT_RELEASE_REPLACE_ON, ["values.server.dev.enabled"]);
  });

  it("dev on an HA platform still runs one server but two injectors with a PDB", async () => {
    const v = values((await run(settings(), { ha: true })).r);
    assert.strictEqual(v.server.dev.enabled, true);
    assert.strictEqual(v.server.ha.enabled, false);
    assert.strictEqual(v.injector.replicas, 2);
    assert.deepStrictEqual(v.injector.podDisruptionBudget, { maxUnavailable: 1 });
  });

  it("dev ignores tls: no Certificate, no TLS volume, no reload sidecar", async () => {
    const { r } = await run(settings(), { tls: true });
    assert.strictEqual(r.ofType(CERTIFICATE).length, 0);
    const v = values(r);
    assert.ok(!v.server.volumes.some((x: { name: string }) => x.name === "tls"));
    assert.strictEqual(v.server.shareProcessNamespace, false);
    assert.strictEqual(v.server.extraContainers, null);
  });

  it("ha: a tls-reload sidecar (pinned server image, restricted, the TLS Secret read-only) and one process namespace", async () => {
    for (const o of [{}, { unseal: true }]) {
      const v = values((await run(HA(), o)).r);
      // Rendered by templates/server-statefulset.yaml (checked with helm template at CHARTS.vault).
      assert.strictEqual(v.server.shareProcessNamespace, true);
      assert.deepStrictEqual(v.server.extraContainers, [
        {
          name: "tls-reload",
          image: "hashicorp/vault:2.0.4",
          imagePullPolicy: "IfNotPresent",
          command: ["/bin/sh", "-c", TLS_RELOAD_SCRIPT],
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 100,
            runAsGroup: 1000,
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: ["ALL"] },
            readOnlyRootFilesystem: true,
            seccompProfile: { type: "RuntimeDefault" },
          },
          resources: { requests: { cpu: "5m", memory: "16Mi" }, limits: { memory: "32Mi" } },
          volumeMounts: [{ name: "tls", mountPath: "/vault/userconfig/tls", readOnly: true }],
        },
      ]);
      // The same uid as the server (it may signal only its own uid) and the volume the server mounts.
      assert.strictEqual(
        TLS_RELOAD_SECURITY_CONTEXT.runAsUser,
        v.server.statefulSet.securityContext.pod.runAsUser,
      );
      assert.ok(v.server.volumes.some((x: { name: string }) => x.name === "tls"));
      validateKubernetesObject({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "vault-0" },
        spec: { shareProcessNamespace: true, containers: v.server.extraContainers },
      });
    }
  });

  it("the sidecar's image is the server image of the pinned chart (values.yaml server.image)", () => {
    const server = chartData("vault").defaults.server as { image: { repository: string; tag: string } };
    assert.deepStrictEqual(
      { repository: server.image.repository, tag: server.image.tag },
      { ...VAULT_SERVER_IMAGE },
      "CHARTS.vault changed its server image: update VAULT_SERVER_IMAGE",
    );
  });

  it("ha: Raft with node ids, replicas, TLS on, data + audit volumes, PDBs, anti-affinity", async () => {
    const { r, component } = await run(HA({ replicas: 5, auditStorageSize: "20Gi" }));
    const v = values(r);
    assert.strictEqual(v.global.tlsDisable, false);
    assert.strictEqual(v.server.ha.enabled, true);
    assert.strictEqual(v.server.ha.replicas, 5);
    assert.deepStrictEqual(v.server.ha.raft, { enabled: true, setNodeId: true, config: config(v) });
    assert.strictEqual(v.server.standalone.enabled, false);
    assert.strictEqual(v.server.dataStorage.storageClass, "fast-ssd");
    assert.deepStrictEqual(v.server.auditStorage, {
      enabled: true,
      size: "20Gi",
      storageClass: "fast-ssd",
      accessMode: "ReadWriteOnce",
    });
    assert.deepStrictEqual(v.server.ha.disruptionBudget, { enabled: true, maxUnavailable: 1 });
    assert.strictEqual(v.injector.replicas, 2, "at least 2 injectors in ha mode");
    assert.deepStrictEqual(v.injector.podDisruptionBudget, { maxUnavailable: 1 });
    assert.deepStrictEqual(
      v.injector.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey),
      ["kubernetes.io/hostname", "topology.kubernetes.io/zone"],
    );
    const anti = v.server.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
    assert.strictEqual(anti.topologyKey, "kubernetes.io/hostname");
    assert.strictEqual(anti.labelSelector.matchLabels.component, "server");
    assert.strictEqual(v.server.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
    assert.strictEqual(v.server.extraLabels["kube-platform/not-for-production"], undefined);
    assert.strictEqual(component.address, "https://vault-active.vault.svc:8200");
  });

  it("ha config: TLS listener, raft retry_join per pod with the CA, kubernetes service registration", async () => {
    const v = values((await run(HA({ replicas: 3 }))).r);
    const hcl = config(v);
    assert.match(hcl, /tls_cert_file {3}= "\/vault\/userconfig\/tls\/tls.crt"/);
    assert.match(hcl, /tls_key_file {4}= "\/vault\/userconfig\/tls\/tls.key"/);
    assert.doesNotMatch(hcl, /tls_disable/);
    assert.match(hcl, /storage "raft" \{/);
    assert.strictEqual(hcl.match(/retry_join \{/g)?.length, 3);
    for (const i of [0, 1, 2])
      assert.ok(hcl.includes(`leader_api_addr     = "https://vault-${i}.vault-internal:8200"`));
    // Raft joins trust Vault's CA, not the Secret's ca.crt (the cluster-wide internal CA at the chain's root).
    assert.strictEqual(
      hcl.match(/leader_ca_cert_file = "\/vault\/userconfig\/vault-ca\/ca.crt"/g)?.length,
      3,
    );
    assert.doesNotMatch(hcl, /userconfig\/tls\/ca\.crt/);
    assert.match(hcl, /service_registration "kubernetes" \{\}/);
    assert.doesNotMatch(hcl, /seal "/, "Shamir: no seal stanza without unseal");
    // The TLS Secret is mounted where the config reads it; Vault's CA certificate (never its key) beside it.
    assert.deepStrictEqual(
      v.server.volumes.find((x: { name: string }) => x.name === "tls"),
      { name: "tls", secret: { secretName: VAULT_TLS_SECRET, defaultMode: 0o440 } },
    );
    assert.deepStrictEqual(
      v.server.volumes.find((x: { name: string }) => x.name === "vault-ca"),
      {
        name: "vault-ca",
        secret: { secretName: "vault-ca", defaultMode: 0o440, items: [{ key: "tls.crt", path: "ca.crt" }] },
      },
    );
    assert.deepStrictEqual(
      v.server.volumeMounts.filter((x: { name: string }) => x.name === "tls" || x.name === "vault-ca"),
      [
        { name: "tls", mountPath: "/vault/userconfig/tls", readOnly: true },
        { name: "vault-ca", mountPath: "/vault/userconfig/vault-ca", readOnly: true },
      ],
    );
    // The CLI in the pods trusts Vault's CA only.
    assert.strictEqual(v.server.extraEnvironmentVars.VAULT_CACERT, "/vault/userconfig/vault-ca/ca.crt");
    assert.strictEqual(v.server.ha.apiAddr, "https://$(VAULT_K8S_POD_NAME).vault-internal.vault.svc:8200");
  });

  it("ha without auto-unseal: OnDelete updates (a restarted pod stays sealed); with it: RollingUpdate", async () => {
    assert.strictEqual(values((await run(HA())).r).server.updateStrategyType, "OnDelete");
    assert.strictEqual(
      values((await run(HA(), { unseal: true })).r).server.updateStrategyType,
      "RollingUpdate",
    );
    const v = values((await run(HA(), { unseal: true })).r);
    assert.match(v.server.readinessProbe.path, /^\/v1\/sys\/health\?standbyok=true/);
    assert.doesNotMatch(v.server.readinessProbe.path, /sealedcode/, "a sealed pod is not Ready in ha mode");
    assert.match(v.server.livenessProbe.path, /sealedcode=204&uninitcode=204/);
  });

  it("ha TLS: a cert-manager Certificate from Vault's own CA Issuer for every name the chart's pods and Services use", async () => {
    const { r } = await run(HA());
    const cert = r.one(CERTIFICATE, "vault-tls");
    validateKubernetesObject(cert.inputs);
    const meta = cert.inputs.metadata as {
      name: string;
      namespace: string;
      annotations: Record<string, string>;
    };
    assert.strictEqual(meta.namespace, "vault");
    assert.strictEqual(meta.name, VAULT_TLS_SECRET);
    assert.strictEqual(meta.annotations["pulumi.com/waitFor"], "condition=Ready");
    const spec = cert.inputs.spec as Values;
    assert.strictEqual(spec.secretName, VAULT_TLS_SECRET);
    // A namespaced Issuer: a Certificate elsewhere cannot name it (the internal CA ClusterIssuer could).
    assert.deepStrictEqual(spec.issuerRef, { name: "vault-ca", kind: "Issuer", group: "cert-manager.io" });
    assert.deepStrictEqual([spec.duration, spec.renewBefore], ["8760h", "720h"]);
    for (const n of [
      "vault",
      "vault.vault.svc",
      "vault.vault.svc.cluster.local",
      "vault-active.vault.svc",
      "vault-standby.vault.svc",
      "vault-internal",
      "*.vault-internal",
      "*.vault-internal.vault.svc",
    ]) {
      assert.ok(spec.dnsNames.includes(n), n);
    }
    assert.deepStrictEqual(spec.ipAddresses, ["127.0.0.1"]);
    assert.deepStrictEqual(spec.dnsNames, vaultTlsDnsNames());
    assert.strictEqual(new Set(spec.dnsNames).size, spec.dnsNames.length);
  });

  it("ha TLS: Vault's own CA in the vault namespace, signed by the internal CA, behind a namespaced CA Issuer", async () => {
    const { r } = await run(HA());
    const ca = r.one(CERTIFICATE, "vault-ca");
    const issuer = r.one(NAMESPACED_ISSUER);
    for (const o of [ca, issuer]) validateKubernetesObject(o.inputs);
    assert.deepStrictEqual(ca.inputs.metadata, {
      name: "vault-ca",
      namespace: "vault",
      labels: { "app.kubernetes.io/part-of": "kube-platform" },
      annotations: { "pulumi.com/waitFor": "condition=Ready" },
    });
    assert.deepStrictEqual(ca.inputs.spec, {
      isCA: true,
      commonName: "kube-platform Vault CA",
      subject: { organizations: ["kube-platform"] },
      secretName: "vault-ca",
      duration: "43800h",
      renewBefore: "8760h",
      // Renewal keeps the key: issued certificates and agents holding the previous CA keep verifying.
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Never" },
      issuerRef: { name: "selfsigned", kind: "ClusterIssuer", group: "cert-manager.io" },
    });
    assert.deepStrictEqual(issuer.inputs.metadata, {
      name: "vault-ca",
      namespace: "vault",
      labels: { "app.kubernetes.io/part-of": "kube-platform" },
      annotations: { "pulumi.com/waitFor": "condition=Ready" },
    });
    assert.deepStrictEqual(issuer.inputs.spec, { ca: { secretName: "vault-ca" } });
    assert.strictEqual(r.ofType(ISSUER).length, 1, "no ClusterIssuer of Vault's own");
  });

  it("order: internal CA → Vault's CA → its Issuer → server Certificate → release → injector patch", async () => {
    const { r } = await run(HA());
    const rel = r.one(RELEASE);
    const cert = r.one(CERTIFICATE, "vault-tls");
    const ca = r.one(CERTIFICATE, "vault-ca");
    const caIssuer = r.one(NAMESPACED_ISSUER);
    const internal = r.one(ISSUER);
    const patch = r.one(PATCH);
    const ns = r.one("kubernetes:core/v1:Namespace");
    const ready = r.one("test:index:ClusterReady");
    assert.deepStrictEqual(new Set(rel.dependsOn), new Set([ns.urn, ready.urn, cert.urn]));
    assert.ok(!rel.dependsOn.includes(internal.urn));
    assert.ok(ca.dependsOn.includes(internal.urn), "Vault's CA waits for the internal CA issuer");
    assert.ok(caIssuer.dependsOn.includes(ca.urn), "the Issuer waits for its CA Secret");
    assert.ok(cert.dependsOn.includes(caIssuer.urn), "the server Certificate waits for its issuer");
    for (const o of [ca, caIssuer, cert])
      assert.ok(o.dependsOn.includes(ns.urn), `${o.name} is in the vault namespace`);
    assert.ok(!r.dependsOnTransitively(cert, rel));
    assert.deepStrictEqual(new Set(patch.dependsOn), new Set([rel.urn, ca.urn]));
  });

  it("ha: the injector hands Vault's CA certificate (never its key) to every agent; pods wait for that patch", async () => {
    const { r, component } = await run(HA());
    const patch = r.one(PATCH);
    assert.strictEqual(patch.name, "vault-injector-ca");
    assert.deepStrictEqual(patch.inputs.metadata, {
      name: "vault-agent-injector",
      namespace: "vault",
      // Re-applied on every new release revision (a reinstalled release drops the patched env).
      annotations: { "kube-platform/injector-ca-release-revision": "0" },
    });
    assert.deepStrictEqual((injectorCaPatchArgs("7").metadata as { annotations: unknown }).annotations, {
      "kube-platform/injector-ca-release-revision": "7",
    });
    assert.deepStrictEqual(patch.inputs.spec, {
      template: {
        spec: {
          containers: [
            {
              name: "sidecar-injector",
              env: [
                {
                  name: "AGENT_INJECT_VAULT_CACERT_BYTES",
                  valueFrom: { secretKeyRef: { name: "vault-ca", key: "tls.crt" } },
                },
              ],
            },
          ],
        },
      },
    });
    assert.strictEqual(INJECTOR_CA_ENV, "AGENT_INJECT_VAULT_CACERT_BYTES");
    assert.ok(k8s.apps.v1.DeploymentPatch.isInstance(component.injectorReady), "pods wait for the patch");
    assert.notStrictEqual(component.injectorReady, component.release);
  });

  it("dev: no Vault CA, no patch; pods wait for the release itself", async () => {
    const { r, component } = await run(settings(), { tls: true });
    assert.strictEqual(r.ofType(PATCH).length, 0);
    assert.strictEqual(r.ofType(NAMESPACED_ISSUER).length, 0);
    assert.strictEqual(component.injectorReady, component.release);
  });

  it("ha mode without tls is an error", async () => {
    await runResources(() => {
      assert.throws(
        () => new Vault("vault", { settings: HA(), ctx: testCtx(true), storageClass: "gp3" }),
        /ha mode serves TLS with a cert-manager certificate/,
      );
    });
  });

  it("auto-unseal: binds the server ServiceAccount, renders the KMS seal stanza, labels and annotates", async () => {
    const { r, component, calls } = await run(HA(), { unseal: true });
    const [bindName, sa, bindParent] = calls.bind!;
    assert.strictEqual(bindName, "vault-server");
    assert.deepStrictEqual(sa, { namespace: "vault", name: "vault" });
    assert.strictEqual(bindParent, component);
    assert.deepStrictEqual(calls.key!, ["vault", component]);

    const v = values(r);
    assert.strictEqual(v.server.serviceAccount.name, sa.name, "the chart's SA is the one bound");
    assert.deepStrictEqual(v.server.serviceAccount.annotations, {
      "azure.workload.identity/client-id": "11111111-2222",
    });
    assert.strictEqual(v.server.extraLabels["azure.workload.identity/use"], "true");
    assert.ok(config(v).includes(sealHcl(STANZA)), config(v));
    const rel = r.one(RELEASE);
    assert.ok(r.dependsOnTransitively(rel, r.one("test:index:UnsealKey")), "values wait for the key");
    assert.ok(r.dependsOnTransitively(rel, r.one("test:index:Identity")), "values wait for the identity");
  });

  it("auto-unseal in dev mode: the dev server renders no config (and needs no seal), the KMS key is kept for ha", async () => {
    const { r } = await run(settings(), { unseal: true });
    const v = values(r);
    assert.deepStrictEqual(v.server.standalone, { enabled: false });
    assert.strictEqual(v.server.ha.enabled, false);
    assert.strictEqual(r.ofType("test:index:UnsealKey").length, 1);
  });

  it("Shamir without unseal: no seal stanza, no identity annotations", async () => {
    const dev = values((await run(settings())).r);
    assert.deepStrictEqual(dev.server.standalone, { enabled: false }, "the dev server has no config at all");
    assert.deepStrictEqual(dev.server.serviceAccount.annotations, {});
    const v = values((await run(HA())).r);
    assert.doesNotMatch(config(v), /seal "/);
    assert.deepStrictEqual(v.server.serviceAccount.annotations, {});
  });

  it("every values object is valid for the pinned chart (recorded release inputs)", async () => {
    const variants: [VaultSettings, RunOptions][] = [
      [settings(), {}],
      [settings(), { ha: true, unseal: true }],
      [HA(), {}],
      [HA({ replicas: 5 }), { ha: true, unseal: true }],
    ];
    for (const [s, o] of variants) {
      assert.deepStrictEqual(
        chartValueProblems("vault", values((await run(s, o)).r)),
        [],
        JSON.stringify([s.mode, o]),
      );
    }
    const pure = vaultValues(HA(), true, {
      storageClass: "gp3",
      serverConfig: vaultServerConfig({ mode: "ha", replicas: 3 }),
      autoUnseal: false,
    });
    assert.deepStrictEqual(chartValueProblems("vault", pure), []);
  });

  it("merges settings.values last, and the checker reports an unknown key in them", async () => {
    const { r } = await run(HA({ values: { injector: { replicas: 4 }, server: { logFormat: "json" } } }));
    const v = values(r);
    assert.strictEqual(v.injector.replicas, 4);
    assert.strictEqual(v.server.logFormat, "json");
    assert.strictEqual(v.server.ha.enabled, true);
    assert.deepStrictEqual(chartValueProblems("vault", v), []);
    const typo = values((await run(HA({ values: { server: { ha: { raft: { setNodeID: true } } } } }))).r);
    assert.ok(chartValueProblems("vault", typo).includes("unknown key server.ha.raft.setNodeID"));
  });

  it("restricted Pod Security contexts and resources for the server and the injector", async () => {
    for (const s of [settings(), HA()]) {
      const v = values((await run(s)).r);
      for (const sc of [v.server.statefulSet.securityContext, v.injector.securityContext]) {
        assert.strictEqual(sc.pod.runAsNonRoot, true);
        assert.deepStrictEqual(sc.pod.seccompProfile, { type: "RuntimeDefault" });
        assert.strictEqual(sc.container.allowPrivilegeEscalation, false);
        assert.deepStrictEqual(sc.container.capabilities, { drop: ["ALL"] });
        assert.strictEqual(sc.container.readOnlyRootFilesystem, true);
      }
      assert.ok(v.server.volumeMounts.some((m: { mountPath: string }) => m.mountPath === "/tmp"));
      for (const res of [v.server.resources, v.injector.resources]) {
        assert.ok(res.requests.cpu && res.requests.memory && res.limits.memory);
      }
      // The dev server disables mlock itself; the ha config says so.
      if (s.mode === "ha") assert.match(config(v), /disable_mlock = true/);
    }
  });

  it("network policies: API from every namespace, cluster port only between servers; the injector's own", async () => {
    const { r } = await run(HA());
    const np = values(r).server.networkPolicy;
    assert.strictEqual(np.enabled, true);
    assert.deepStrictEqual(np.ingress[0], {
      from: [{ namespaceSelector: {} }],
      ports: [{ port: 8200, protocol: "TCP" }],
    });
    assert.deepStrictEqual(np.ingress[1].ports, [{ port: 8201, protocol: "TCP" }]);
    assert.deepStrictEqual(np.ingress[1].from, [
      {
        podSelector: {
          matchLabels: {
            "app.kubernetes.io/name": "vault",
            "app.kubernetes.io/instance": "vault",
            component: "server",
          },
        },
      },
    ]);
    const injector = r.one("kubernetes:networking.k8s.io/v1:NetworkPolicy");
    validateKubernetesObject({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      ...injector.inputs,
    });
    const spec = injector.inputs.spec as Values;
    assert.strictEqual(spec.podSelector.matchLabels["app.kubernetes.io/name"], "vault-agent-injector");
    assert.deepStrictEqual(spec.ingress, [{ ports: [{ port: 10250, protocol: "TCP" }] }]);
  });

  it("injector webhook on 10250 (GKE private nodes: control plane reaches 443/10250 only), scoped to labelled namespaces", async () => {
    for (const s of [settings(), HA()]) {
      const v = values((await run(s)).r);
      // injector.port sets AGENT_INJECT_LISTEN, the probes and the Service's targetPort (vault-helm v0.34.1).
      assert.strictEqual(v.injector.port, 10250);
      assert.strictEqual(v.injector.hostNetwork, undefined, "not on the host network (kubelet's 10250)");
      assert.deepStrictEqual(v.injector.webhook, {
        namespaceSelector: { matchLabels: { "kube-platform/vault-injection": "enabled" } },
      });
      // The deprecated key is left alone (the chart prefers webhook.namespaceSelector).
      assert.strictEqual(v.injector.namespaceSelector, undefined);
    }
    assert.deepStrictEqual(VAULT_INJECTION_NAMESPACE_LABELS, { "kube-platform/vault-injection": "enabled" });
  });

  it("is a kube-platform:addons:Vault component: children parented, on the cluster's provider, nothing secret", async () => {
    const { r, component } = await run(HA(), { unseal: true });
    const comp = r.one("kube-platform:addons:Vault");
    const provider = r.one("pulumi:providers:kubernetes");
    const mine = r.resources.filter((x) => x.parent === comp.urn);
    assert.deepStrictEqual(mine.map((x) => x.type).sort(), [
      "kubernetes:apps/v1:DeploymentPatch",
      "kubernetes:cert-manager.io/v1:Certificate",
      "kubernetes:cert-manager.io/v1:Certificate",
      "kubernetes:cert-manager.io/v1:Issuer",
      "kubernetes:core/v1:Namespace",
      "kubernetes:helm.sh/v3:Release",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "test:index:Identity",
      "test:index:UnsealKey",
    ]);
    for (const k of mine.filter((x) => x.type.startsWith("kubernetes:"))) {
      assert.strictEqual(r.providerUrn(k), provider.urn, k.name);
      assert.ok(k.name.startsWith("vault-"), k.name);
    }
    assert.strictEqual(r.ofType("kubernetes:core/v1:Secret").length, 0);
    assert.deepStrictEqual(r.outputs, { address: "https://vault-active.vault.svc:8200", namespace: "vault" });
    assert.deepStrictEqual(
      component.metrics,
      [],
      "no scrape target without a Vault token (see docs/addons/vault.md)",
    );
  });
});

describe("Vault pure functions", () => {
  it("sealHcl renders the stanza and escapes or rejects what HCL or the chart would misread", () => {
    assert.strictEqual(
      sealHcl({
        type: "awskms",
        attributes: { region: "eu-west-1", kms_key_id: "arn:aws:kms:eu-west-1:1:key/a" },
      }),
      'seal "awskms" {\n  region     = "eu-west-1"\n  kms_key_id = "arn:aws:kms:eu-west-1:1:key/a"\n}',
    );
    assert.strictEqual(
      sealHcl({ type: "gcpckms", attributes: { key_ring: 'a"b\\c' } }),
      'seal "gcpckms" {\n  key_ring = "a\\"b\\\\c"\n}',
    );
    assert.throws(() => sealHcl({ type: "awskms", attributes: { region: "a\nb" } }), /control character/);
    assert.throws(
      () => sealHcl({ type: "awskms", attributes: { region: "{{ .Values }}" } }),
      /control character or "\{\{"/,
    );
    assert.throws(
      () => sealHcl({ type: "awskms", attributes: { "bad key": "x" } }),
      /invalid attribute name/,
    );
    assert.throws(() => sealHcl({ type: "awskms", attributes: {} }), /no attributes/);
  });

  it("vaultServerConfig: dev file storage over HTTP, ha raft over TLS, seal when given", () => {
    const dev = vaultServerConfig({ mode: "dev", replicas: 3 });
    assert.match(dev, /storage "file"/);
    assert.doesNotMatch(dev, /raft|retry_join|service_registration|tls_cert_file/);
    const ha = vaultServerConfig({ mode: "ha", replicas: 5, seal: STANZA });
    assert.strictEqual(ha.match(/retry_join \{/g)?.length, 5);
    assert.ok(ha.includes(sealHcl(STANZA)));
    // Nothing the chart's template (tpl) or its sed placeholders would rewrite.
    for (const c of [dev, ha]) {
      assert.doesNotMatch(c, /\{\{|HOST_IP|POD_IP|HOSTNAME|API_ADDR|TRANSIT_ADDR|RAFT_ADDR/);
    }
  });
});
