/**
 * Vault configured as code: the in-cluster Jobs that initialise and configure Vault (Vault is not
 * reachable from the deploying machine) and what they read.
 *
 * - The program (./setup/, every file of the folder) in an immutable ConfigMap, `setup.json` (from
 *   typed settings; nothing secret) in another, the initial secret values (`values.json`) in an
 *   immutable Secret only the configure Job mounts. All three are auto-named: a change is a new
 *   object (pulumi-kubernetes replaces ConfigMaps and Secrets on change), so the Jobs mounting it
 *   change their pod template and are replaced, i.e. re-run.
 * - The bootstrap Job, after the release (and the injector patch) and the vault namespace's
 *   NetworkPolicies; the configure Job after it. Pulumi waits for each Job to complete and fails
 *   the update when one fails (pulumi-kubernetes Job await, pulumi-kubernetes#633, await/job.go).
 *   Both re-run on every new revision of the Vault release (RELEASE_REVISION_ANNOTATION): an
 *   upgrade that restarts the dev server (in memory) needs the whole setup again; and a Job that
 *   failed is re-run by the next `pulumi up` (replaceOnChanges "*").
 * - Their ServiceAccounts; a Role letting the bootstrap Job write the shares Secret and read and
 *   delete the break-glass Secret; optionally a group that may `get` the shares Secret.
 */
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_LABELS } from "../../kube/conventions";
import { VaultClient, VaultInitSettings, VaultSettings } from "../types";
import { VAULT_NAMESPACE, VAULT_SETUP } from "./names";
import { VaultSeal, vaultInitialValues, vaultSetupConfig } from "./setup-config";
import {
  SETUP_FILES,
  SetupStep,
  bootstrapRoleRules,
  setupJobBounds,
  setupJobSpec,
  sharesReaderRules,
} from "./setup-jobs";

/** The folder of the Jobs' program (CommonJS, Node built-ins only), shipped whole. */
export const SETUP_PROGRAM_DIR = path.join(__dirname, "setup");
export const SETUP_ENTRY = "vault-setup.js";
/** A ConfigMap holds at most 1 MiB of data (Kubernetes docs, "ConfigMaps"). */
const CONFIGMAP_LIMIT = 1024 * 1024;

/** Every file of `dir` (not its sub-folders), by name; throws when the entry point is missing. */
export function setupProgramFiles(dir: string = SETUP_PROGRAM_DIR): Record<string, string> {
  const names = fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort()
    : [];
  if (!names.includes(SETUP_ENTRY)) {
    throw new Error(`Vault setup: the Jobs' program ${path.join(dir, SETUP_ENTRY)} is missing`);
  }
  const files = Object.fromEntries(names.map((n) => [n, fs.readFileSync(path.join(dir, n), "utf8")]));
  const size = Object.entries(files).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
  if (size > CONFIGMAP_LIMIT)
    throw new Error(`Vault setup: ${dir} holds ${size} bytes, over a ConfigMap's 1 MiB`);
  return files;
}

export interface VaultSetupArgs {
  mode: VaultSettings["mode"];
  seal: VaultSeal;
  init: VaultInitSettings;
  /** The apps using Vault: one policy and one role each, their initial values. */
  clients: VaultClient[];
  /** The Vault release: its revision re-runs the Jobs. */
  release: k8s.helm.v3.Release;
  /** What the bootstrap Job waits for: the release, the injector patch, the namespace's NetworkPolicies. */
  after: pulumi.Input<pulumi.Resource>[];
  /** Dev mode: the dev server's root token (a Pulumi secret). */
  devRootToken?: pulumi.Output<string>;
  provider: k8s.Provider;
}

/** The setup of one Vault: `configured` is the configure Job, what apps using Vault wait for. */
export class VaultSetup extends pulumi.ComponentResource {
  readonly bootstrap: k8s.batch.v1.Job;
  readonly configure: k8s.batch.v1.Job;
  /** The Secret holding values.json (only the configure Job mounts it). */
  readonly initialValues: k8s.core.v1.Secret;

  constructor(name: string, args: VaultSetupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:VaultSetup", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const meta = { namespace: VAULT_NAMESPACE, labels: { ...PLATFORM_LABELS } };
    const config = vaultSetupConfig({
      mode: args.mode,
      seal: args.seal,
      init: args.init,
      clients: args.clients,
    });

    const program = new k8s.core.v1.ConfigMap(
      `${name}-program`,
      { metadata: meta, immutable: true, data: setupProgramFiles() },
      child,
    );
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta, immutable: true, data: { [SETUP_FILES.config]: JSON.stringify(config, null, 2) } },
      child,
    );
    this.initialValues = new k8s.core.v1.Secret(
      `${name}-initial-values`,
      {
        metadata: meta,
        type: "Opaque",
        immutable: true,
        stringData: { [SETUP_FILES.initial]: vaultInitialValues(args.clients) },
      },
      child,
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
          child,
        )
      : undefined;

    const accounts = setupAccounts(name, args.init, child);
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
        },
      );
    const common = {
      mode: args.mode,
      programConfigMap: program.metadata.name,
      configConfigMap: configMap.metadata.name,
      releaseRevision: revision,
    };
    const bounds = (step: SetupStep) =>
      setupJobBounds(step, args.init.unsealWaitSeconds).activeDeadlineSeconds;
    this.bootstrap = job(
      "bootstrap",
      setupJobSpec({
        ...common,
        step: "bootstrap",
        serviceAccount: VAULT_SETUP.bootstrapServiceAccount,
        devTokenSecret: devToken?.metadata.name,
        // The dev bootstrap calls only Vault; otherwise it writes the shares Secret (kube API).
        serviceAccountToken: args.seal !== "dev",
        activeDeadlineSeconds: bounds("bootstrap"),
        // No retry: a run that initialised Vault and then failed must not be retried (a retry finds
        // Vault initialised and leaves it alone); the failure fails the update instead.
        backoffLimit: 0,
      }),
      [
        ...args.after,
        program,
        configMap,
        accounts.bootstrap,
        accounts.bootstrapBinding,
        ...(devToken ? [devToken] : []),
      ],
    );
    this.configure = job(
      "configure",
      setupJobSpec({
        ...common,
        step: "configure",
        serviceAccount: VAULT_SETUP.configuratorServiceAccount,
        initialValuesSecret: this.initialValues.metadata.name,
        // Its token is what it logs in to Vault with (the Kubernetes auth method).
        serviceAccountToken: true,
        activeDeadlineSeconds: bounds("configure"),
        backoffLimit: 2,
      }),
      [this.bootstrap, program, configMap, this.initialValues, accounts.configurator],
    );
    this.registerOutputs({});
  }
}

type Subject = k8s.types.input.rbac.v1.Subject;

/** The Jobs' ServiceAccounts, the bootstrap Job's Role and binding, the key holders' optional Role. */
function setupAccounts(
  name: string,
  init: VaultInitSettings,
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
) {
  const meta = (objName: string) => ({
    name: objName,
    namespace: VAULT_NAMESPACE,
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
  const bootstrapRole = role(`${name}-bootstrap-role`, bootstrapName, bootstrapRoleRules());
  const bootstrapBinding = binding(`${name}-bootstrap-rolebinding`, bootstrapName, bootstrapRole, {
    kind: "ServiceAccount",
    name: VAULT_SETUP.bootstrapServiceAccount,
    namespace: VAULT_NAMESPACE,
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
