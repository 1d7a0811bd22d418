/**
 * Vault configured as code: the in-cluster Jobs that initialise and configure Vault (Vault is not
 * reachable from the deploying machine) and what they read, all in their own namespace
 * (VAULT_SETUP_NAMESPACE, Pod Security restricted): nothing of it is in the vault namespace, whose
 * Secrets the chart's injector may read.
 *
 * - The program (./setup/, its `*.js` files) in an immutable ConfigMap, `setup.json` (from
 *   typed settings; nothing secret) in another, the initial secret values (`values.json`) in an
 *   immutable Secret only the configure Job mounts. All three are auto-named: a change is a new
 *   object (pulumi-kubernetes replaces ConfigMaps and Secrets on change), so the Jobs mounting it
 *   change their pod template and are replaced, i.e. re-run.
 * - Two steps: the constructor creates the namespace and everything the Jobs read (the platform's
 *   NetworkPolicies of that namespace wait for it); `runJobs` then creates the bootstrap Job, after
 *   the release (and the injector patch) and the NetworkPolicies of both namespaces, and the
 *   configure Job after it; in dev mode a CronJob re-runs both (setup-jobs.ts DEV_REAPPLY). Pulumi waits for each Job to complete and fails
 *   the update when one fails (pulumi-kubernetes Job await, pulumi-kubernetes#633, await/job.go).
 *   Both re-run on every new revision of the Vault release (RELEASE_REVISION_ANNOTATION): an
 *   upgrade that restarts the dev server (in memory) needs the whole setup again; and a Job that
 *   failed is re-run by the next `pulumi up` (replaceOnChanges "*").
 * - Their ServiceAccounts; a Role letting the bootstrap Job write the shares Secret and read and
 *   delete the break-glass Secret (and in ha mode write the ConfigMap of Vault's CA certificate,
 *   read from a Secret of the vault namespace issued for that alone); optionally a group that may
 *   `get` the shares Secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF_PLATFORM, PLATFORM_LABELS } from "../../kube/conventions";
import { AddonContext, addonNamespace } from "../base";
import { VaultClient, VaultInitSettings, VaultSettings } from "../types";
import { VAULT_NAMESPACE, VAULT_SETUP, VAULT_SETUP_NAMESPACE } from "./names";
import { VaultSeal, vaultInitialValues, vaultSetupConfig } from "./setup-config";
import {
  SETUP_FILES,
  SetupStep,
  bootstrapPdbSpec,
  bootstrapRoleRules,
  caSourceReaderRules,
  devReapplyCronJobSpec,
  setupJobBounds,
  setupJobSpec,
  sharesReaderRules,
} from "./setup-jobs";
import { setupProgramFiles } from "./setup-program";
import { VAULT_CA_ISSUER_REF } from "./tls";

/** The Pulumi type tokens of VaultSetup and of its Jobs (their URNs are named in the break-glass steps). */
const VAULT_SETUP_TYPE = "kube-platform:addons:VaultSetup";
const JOB_TYPE = "kubernetes:batch/v1:Job";

export interface VaultSetupArgs {
  mode: VaultSettings["mode"];
  seal: VaultSeal;
  init: VaultInitSettings;
  /** The apps using Vault: one policy and one role each, their initial values. */
  clients: VaultClient[];
  /** The Vault release: its revision re-runs the Jobs. */
  release: k8s.helm.v3.Release;
  /** What the Jobs wait for besides `runJobs`'s policies: the release, the injector patch. */
  after: pulumi.Input<pulumi.Resource>[];
  /** ha mode: Vault's CA Issuer (the Certificate whose ca.crt the bootstrap reads is issued by it). */
  vaultCaIssuer?: pulumi.Resource;
  /** Dev mode: the dev server's root token (a Pulumi secret). */
  devRootToken?: pulumi.Output<string>;
  /** The add-on context: the provider, the cluster's minor (Pod Security labels), what the namespace waits for. */
  ctx: AddonContext;
}

type Child = { parent: pulumi.Resource; provider: k8s.Provider };

/**
 * The setup of one Vault: its namespace and inputs (constructor), then its Jobs (`runJobs`);
 * `configure` is the configure Job, what apps using Vault wait for.
 */
export class VaultSetup extends pulumi.ComponentResource {
  /** VAULT_SETUP_NAMESPACE, created here: the platform's NetworkPolicies of it wait for it. */
  readonly namespace: k8s.core.v1.Namespace;
  /** The Secret holding values.json (only the configure step mounts it). */
  readonly initialValues: k8s.core.v1.Secret;
  private readonly name: string;
  private readonly args: VaultSetupArgs;
  private readonly inputs: SetupInputs;
  private jobs?: { bootstrap: k8s.batch.v1.Job; configure: k8s.batch.v1.Job };

  constructor(name: string, args: VaultSetupArgs, opts?: pulumi.ComponentResourceOptions) {
    super(VAULT_SETUP_TYPE, name, {}, opts);
    this.name = name;
    this.args = args;
    const child: Child = { parent: this, provider: args.ctx.provider };
    this.namespace = addonNamespace(name, VAULT_SETUP_NAMESPACE, "restricted", args.ctx, this);
    this.inputs = setupInputs(name, args, this.namespace, child);
    this.initialValues = this.inputs.initialValues;
    this.registerOutputs({});
  }

  /** The bootstrap Job (after `runJobs`). */
  get bootstrap(): k8s.batch.v1.Job {
    return this.started().bootstrap;
  }

  /** The configure Job (after `runJobs`): what apps using Vault wait for. */
  get configure(): k8s.batch.v1.Job {
    return this.started().configure;
  }

  private started() {
    if (!this.jobs) throw new Error(`VaultSetup ${this.name}: its Jobs are read before runJobs()`);
    return this.jobs;
  }

  /**
   * The Jobs (and in dev mode the re-apply CronJob), once `policies` exist: the NetworkPolicies of
   * the vault namespace (the servers' ingress) and of VAULT_SETUP_NAMESPACE. Called once.
   */
  runJobs(policies: pulumi.Input<pulumi.Resource>[]): void {
    if (this.jobs) throw new Error(`VaultSetup ${this.name}: runJobs() is called once`);
    const { name, args, inputs: i } = this;
    const child: Child = { parent: this, provider: args.ctx.provider };
    const meta = { namespace: VAULT_SETUP_NAMESPACE, labels: { ...PLATFORM_LABELS } };
    // The revision Helm reports for the release (pulumi-kubernetes Release status.revision).
    const revision = args.release.status.apply((st) => String(st?.revision ?? 0));
    const job = (
      step: SetupStep,
      spec: ReturnType<typeof setupJobSpec>,
      dependsOn: pulumi.Input<pulumi.Resource>[],
    ) =>
      new k8s.batch.v1.Job(
        `${name}-${step}`,
        { metadata: meta, spec },
        {
          ...child,
          dependsOn,
          customTimeouts: setupJobBounds(step, args.init.unsealWaitSeconds).customTimeouts,
          // A Job that failed (its await failed the update) is replaced, i.e. re-run, by the next
          // `pulumi up` ("*" also replaces on initialisation errors: @pulumi/pulumi resource.d.ts
          // replaceOnChanges); any change of it is a new Job anyway (a Job's template is immutable).
          replaceOnChanges: ["*"],
          // The bootstrap Job is kept when Pulumi replaces or deletes it (retainOnDelete: Pulumi does
          // not call the provider's Delete, pulumi.com docs "Resource option: retainOnDelete"): its
          // pod's log may hold the last-resort encrypted shares (./setup/bootstrap.js storeShares),
          // which the next `pulumi up` would otherwise delete with it (Foreground propagation).
          // Kept Jobs are deleted by hand (docs/addons/vault.md) or with the namespace on destroy.
          ...(step === "bootstrap" ? { retainOnDelete: true } : {}),
        },
      );
    const common = {
      mode: args.mode,
      programConfigMap: i.program.metadata.name,
      configConfigMap: i.configMap.metadata.name,
      releaseRevision: revision,
    };
    const bounds = (step: SetupStep) =>
      setupJobBounds(step, args.init.unsealWaitSeconds).activeDeadlineSeconds;
    const bootstrap = job(
      "bootstrap",
      setupJobSpec({
        ...common,
        step: "bootstrap",
        serviceAccount: VAULT_SETUP.bootstrapServiceAccount,
        devTokenSecret: i.devToken?.metadata.name,
        // The dev bootstrap calls only Vault; otherwise it writes the shares Secret (kube API).
        serviceAccountToken: args.seal !== "dev",
        activeDeadlineSeconds: bounds("bootstrap"),
        // No retry: a run that initialised Vault and then failed must not be retried (a retry finds
        // Vault initialised and leaves it alone); the failure fails the update instead.
        backoffLimit: 0,
      }),
      [...args.after, ...policies, ...i.bootstrapNeeds],
    );
    const configure = job(
      "configure",
      setupJobSpec({
        ...common,
        step: "configure",
        serviceAccount: VAULT_SETUP.configuratorServiceAccount,
        initialValuesSecret: i.initialValues.metadata.name,
        // Its token is what it logs in to Vault with (the Kubernetes auth method).
        serviceAccountToken: true,
        activeDeadlineSeconds: bounds("configure"),
        backoffLimit: 2,
      }),
      [bootstrap, i.program, i.configMap, i.initialValues, i.configurator],
    );
    if (i.devToken) {
      new k8s.batch.v1.CronJob(
        `${name}-dev-reapply`,
        {
          metadata: { ...meta, name: VAULT_SETUP.devReapplyCronJob },
          spec: devReapplyCronJobSpec({
            programConfigMap: i.program.metadata.name,
            configConfigMap: i.configMap.metadata.name,
            initialValuesSecret: i.initialValues.metadata.name,
            devTokenSecret: i.devToken.metadata.name,
          }),
        },
        // After the first setup: its runs then only repeat it after a dev server restart.
        { ...child, dependsOn: [configure] },
      );
    }
    this.jobs = { bootstrap, configure };
  }
}

/** Everything the Jobs read, and what the bootstrap Job must wait for. */
interface SetupInputs {
  program: k8s.core.v1.ConfigMap;
  configMap: k8s.core.v1.ConfigMap;
  initialValues: k8s.core.v1.Secret;
  devToken?: k8s.core.v1.Secret;
  configurator: k8s.core.v1.ServiceAccount;
  bootstrapNeeds: pulumi.Resource[];
}

/** The program and setup.json ConfigMaps, the Secrets, the accounts and RBAC, Vault's CA source (ha). */
function setupInputs(
  name: string,
  args: VaultSetupArgs,
  namespace: k8s.core.v1.Namespace,
  child: Child,
): SetupInputs {
  const opts = { ...child, dependsOn: [namespace] };
  const meta = { namespace: VAULT_SETUP_NAMESPACE, labels: { ...PLATFORM_LABELS } };
  const config = vaultSetupConfig({
    mode: args.mode,
    seal: args.seal,
    init: args.init,
    clients: args.clients,
  });
  const program = new k8s.core.v1.ConfigMap(
    `${name}-program`,
    { metadata: meta, immutable: true, data: setupProgramFiles() },
    opts,
  );
  // The Jobs' URNs, computed (not read from the Jobs, which mount this ConfigMap): what the
  // break-glass steps re-run (`pulumi up --replace`).
  // A URN's type is qualified by its parent's type only (`<parent type>$<type>`, as in
  // tests/fixtures/urns), so the Jobs' URNs need not wait for this component's URN.
  const jobUrn = (step: SetupStep) => pulumi.createUrn(`${name}-${step}`, `${VAULT_SETUP_TYPE}$${JOB_TYPE}`);
  const setupJson = pulumi
    .all([jobUrn("bootstrap"), jobUrn("configure")])
    .apply(([bootstrap, configure]) =>
      JSON.stringify({ ...config, jobUrns: { bootstrap, configure } }, null, 2),
    );
  const configMap = new k8s.core.v1.ConfigMap(
    `${name}-config`,
    { metadata: meta, immutable: true, data: { [SETUP_FILES.config]: setupJson } },
    opts,
  );
  const initialValues = new k8s.core.v1.Secret(
    `${name}-initial-values`,
    {
      metadata: meta,
      type: "Opaque",
      immutable: true,
      stringData: { [SETUP_FILES.initial]: vaultInitialValues(args.clients) },
    },
    opts,
  );
  const devToken = args.devRootToken
    ? new k8s.core.v1.Secret(
        `${name}-dev-root-token`,
        {
          metadata: meta,
          type: "Opaque",
          immutable: true,
          stringData: { [SETUP_FILES.devToken]: pulumi.secret(args.devRootToken) },
        },
        opts,
      )
    : undefined;
  const accounts = setupAccounts(name, args.init, args.mode, opts);
  // Before the bootstrap pod exists: no voluntary eviction of it (setup-jobs.ts bootstrapPdbSpec).
  const bootstrapPdb = new k8s.policy.v1.PodDisruptionBudget(
    `${name}-bootstrap-pdb`,
    { metadata: { ...meta, name: VAULT_SETUP.bootstrapServiceAccount }, spec: bootstrapPdbSpec() },
    opts,
  );
  const caSource = args.mode === "ha" ? vaultCaSource(name, args, opts) : [];
  return {
    program,
    configMap,
    initialValues,
    devToken,
    configurator: accounts.configurator,
    bootstrapNeeds: [
      program,
      configMap,
      accounts.bootstrap,
      accounts.bootstrapBinding,
      bootstrapPdb,
      ...(devToken ? [devToken] : []),
      ...caSource,
    ],
  };
}

/**
 * ha mode: the Certificate (vault namespace) whose Secret's ca.crt is Vault's CA certificate
 * (cert-manager's CA issuer writes the issuing CA there), issued for that alone: no key usage a
 * TLS peer accepts (no server or client auth) and a name in the `.invalid` TLD (RFC 6761: never
 * resolved); and the Role and binding letting the bootstrap's ServiceAccount `get` exactly it.
 */
function vaultCaSource(name: string, args: VaultSetupArgs, opts: pulumi.CustomResourceOptions) {
  const meta = (objName: string) => ({
    name: objName,
    namespace: VAULT_NAMESPACE,
    labels: { ...PART_OF_PLATFORM },
  });
  const certificate = new k8s.apiextensions.CustomResource(
    `${name}-ca-source`,
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: {
        ...meta(VAULT_SETUP.caSourceSecret),
        // Pulumi waits for the Ready condition (pulumi-kubernetes ≥ 4.18): the Secret exists then.
        annotations: { "pulumi.com/waitFor": "condition=Ready" },
      },
      spec: {
        secretName: VAULT_SETUP.caSourceSecret,
        commonName: `${VAULT_SETUP.caSourceSecret}.invalid`,
        dnsNames: [`${VAULT_SETUP.caSourceSecret}.invalid`],
        duration: "8760h",
        renewBefore: "720h",
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        usages: ["digital signature"],
        issuerRef: { ...VAULT_CA_ISSUER_REF },
      },
    },
    { ...opts, dependsOn: args.vaultCaIssuer ? [args.vaultCaIssuer] : [] },
  );
  const readerName = `${VAULT_SETUP.bootstrapServiceAccount}-ca-reader`;
  const role = new k8s.rbac.v1.Role(
    `${name}-ca-reader-role`,
    { metadata: meta(readerName), rules: caSourceReaderRules() },
    opts,
  );
  const binding = new k8s.rbac.v1.RoleBinding(
    `${name}-ca-reader-rolebinding`,
    {
      metadata: meta(readerName),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
      subjects: [
        {
          kind: "ServiceAccount",
          name: VAULT_SETUP.bootstrapServiceAccount,
          namespace: VAULT_SETUP_NAMESPACE,
        },
      ],
    },
    { ...opts, dependsOn: [role] },
  );
  return [certificate, binding];
}

type Subject = k8s.types.input.rbac.v1.Subject;

/** The Jobs' ServiceAccounts, the bootstrap Job's Role and binding, the key holders' optional Role. */
function setupAccounts(
  name: string,
  init: VaultInitSettings,
  mode: VaultSettings["mode"],
  opts: pulumi.CustomResourceOptions,
) {
  const meta = (objName: string) => ({
    name: objName,
    namespace: VAULT_SETUP_NAMESPACE,
    labels: { ...PLATFORM_LABELS },
  });
  const account = (resourceName: string, objName: string) =>
    new k8s.core.v1.ServiceAccount(
      resourceName,
      { metadata: meta(objName), automountServiceAccountToken: false },
      opts,
    );
  const bootstrap = account(`${name}-bootstrap-sa`, VAULT_SETUP.bootstrapServiceAccount);
  const configurator = account(`${name}-configurator-sa`, VAULT_SETUP.configuratorServiceAccount);
  const role = (resourceName: string, objName: string, rules: k8s.types.input.rbac.v1.PolicyRule[]) =>
    new k8s.rbac.v1.Role(resourceName, { metadata: meta(objName), rules }, opts);
  const binding = (resourceName: string, objName: string, r: k8s.rbac.v1.Role, subject: Subject) =>
    new k8s.rbac.v1.RoleBinding(
      resourceName,
      {
        metadata: meta(objName),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: r.metadata.name },
        subjects: [subject],
      },
      { ...opts, dependsOn: [r] },
    );
  const bootstrapName = VAULT_SETUP.bootstrapServiceAccount;
  const bootstrapRole = role(`${name}-bootstrap-role`, bootstrapName, bootstrapRoleRules(mode));
  const bootstrapBinding = binding(`${name}-bootstrap-rolebinding`, bootstrapName, bootstrapRole, {
    kind: "ServiceAccount",
    name: VAULT_SETUP.bootstrapServiceAccount,
    namespace: VAULT_SETUP_NAMESPACE,
  });
  if (init.sharesReaderGroup !== undefined) {
    const readerName = `${VAULT_SETUP.sharesSecret}-reader`;
    const reader = role(`${name}-shares-reader-role`, readerName, sharesReaderRules());
    binding(`${name}-shares-reader-rolebinding`, readerName, reader, {
      kind: "Group",
      apiGroup: "rbac.authorization.k8s.io",
      name: init.sharesReaderGroup,
    });
  }
  return { bootstrap, configurator, bootstrapBinding };
}
