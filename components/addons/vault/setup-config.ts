/**
 * What the in-cluster setup Jobs are given (pure: no Pulumi resources): `setup.json`, derived from
 * typed settings (not secret), and `values.json`, the initial secret values (secret). The format is
 * the contract with the program in ./setup/ (its config.js `Setup` and `InitialValues`).
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { MAX_KEY_SHARES, vaultThresholdProblems } from "../../shared/vault-init";
import { VaultClient, VaultInitSettings, VaultSettings } from "../types";
import {
  VAULT_NAMESPACE,
  VAULT_SETUP,
  VAULT_SETUP_NAMESPACE,
  vaultInitAddress,
  vaultPolicyName,
} from "./names";

/** How Vault unseals: a cloud KMS ("auto": recovery shares), key shares ("shamir"), the dev server. */
export type VaultSeal = "auto" | "shamir" | "dev";

export function vaultSeal(mode: VaultSettings["mode"], autoUnseal: boolean): VaultSeal {
  return mode === "dev" ? "dev" : autoUnseal ? "auto" : "shamir";
}

/** setup.json (./setup/config.js `Setup`). */
export interface VaultSetupConfig {
  seal: VaultSeal;
  initAddr: string;
  init: { shares: number; threshold: number; pgpKeys: string[]; holders: string[] };
  unsealWaitSeconds: number;
  sharesSecret: { namespace: string; name: string };
  breakGlassSecret: { namespace: string; name: string };
  kubernetesHost: string;
  authPath: string;
  configurator: { role: string; policy: string; serviceAccount: string; namespace: string; tokenTtl: string };
  kv: { path: string };
  audit: { path: string; filePath: string };
  managedPrefix: string;
  /**
   * ha mode (the bootstrap only): where Vault's CA certificate comes from (`source`, key `key`, a
   * Secret in the vault namespace) and the ConfigMap it is copied to for the configure Job (a pod
   * mounts no Secret of another namespace).
   */
  vaultCa?: {
    source: { namespace: string; name: string };
    key: string;
    configMap: { namespace: string; name: string };
  };
  /** The Pulumi URNs of the bootstrap and configure Jobs: the break-glass steps' `pulumi up --replace`. */
  jobUrns?: { bootstrap: string; configure: string };
  policies: { name: string; paths: string[] }[];
  roles: { name: string; serviceAccount: string; namespace: string; policies: string[]; tokenTtl: string }[];
}

/** Vault policy and role names the program accepts (./setup/config.js VAULT_NAME). */
const VAULT_NAME_MAX = 63;

/**
 * The policy name of an app, at most VAULT_NAME_MAX characters: `kp-app-<namespace>-<app>`, or
 * when that is longer, its first characters and a hash of the whole (still under the managed
 * prefix, so the configure Job manages it).
 */
export function appPolicyName(namespace: string, app: string): string {
  const full = vaultPolicyName(namespace, app);
  if (full.length <= VAULT_NAME_MAX) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 10);
  return `${full.slice(0, VAULT_NAME_MAX - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** The shape of a client setup.json needs (its initial values go to values.json). */
export type VaultClientRef = Omit<VaultClient, "initial">;

/** Throws on what stack config refuses, so no setup.json the Jobs would refuse is ever written. */
export function assertVaultSetupInputs(
  seal: VaultSeal,
  init: VaultInitSettings,
  clients: VaultClientRef[],
): void {
  const holders = init.keyHolders.length;
  if (seal !== "dev") {
    if (holders === 0 || holders > MAX_KEY_SHARES) {
      throw new Error(`Vault setup: ${seal} seal needs 1 to ${MAX_KEY_SHARES} key holders, got ${holders}`);
    }
    const [problem] = vaultThresholdProblems(holders, init.threshold);
    if (problem) throw new Error(`Vault setup: init.threshold ${init.threshold}: ${problem.message}`);
  }
  const roles = new Set<string>();
  for (const c of clients) {
    if (roles.has(c.role) || c.role === VAULT_SETUP.configuratorRole) {
      throw new Error(`Vault setup: role ${c.role} (app ${c.namespace}/${c.app}) is not unique`);
    }
    roles.add(c.role);
  }
}

/** setup.json for `seal` and the apps' needs: one policy (read on exactly its paths) and one role per app. */
export function vaultSetupConfig(o: {
  mode: VaultSettings["mode"];
  seal: VaultSeal;
  init: VaultInitSettings;
  clients: VaultClientRef[];
}): VaultSetupConfig {
  assertVaultSetupInputs(o.seal, o.init, o.clients);
  const secret = (name: string) => ({ namespace: VAULT_SETUP_NAMESPACE, name });
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const apps = o.clients.map((c) => ({ ...c, policy: appPolicyName(c.namespace, c.app) }));
  return {
    seal: o.seal,
    initAddr: vaultInitAddress(o.mode),
    init: {
      shares: o.init.keyHolders.length,
      threshold: o.init.threshold,
      pgpKeys: o.init.keyHolders.map((h) => h.pgpKey),
      holders: o.init.keyHolders.map((h) => h.name),
    },
    unsealWaitSeconds: o.init.unsealWaitSeconds,
    sharesSecret: secret(VAULT_SETUP.sharesSecret),
    breakGlassSecret: secret(VAULT_SETUP.breakGlassSecret),
    kubernetesHost: VAULT_SETUP.kubernetesHost,
    authPath: VAULT_SETUP.authPath,
    configurator: {
      role: VAULT_SETUP.configuratorRole,
      policy: VAULT_SETUP.configuratorPolicy,
      serviceAccount: VAULT_SETUP.configuratorServiceAccount,
      namespace: VAULT_SETUP_NAMESPACE,
      tokenTtl: VAULT_SETUP.configuratorTokenTtl,
    },
    kv: { path: VAULT_SETUP.kvPath },
    audit: {
      path: VAULT_SETUP.auditPath,
      filePath: o.mode === "dev" ? VAULT_SETUP.devAuditFile : VAULT_SETUP.auditFile,
    },
    managedPrefix: VAULT_SETUP.managedPrefix,
    ...(o.mode === "ha"
      ? {
          vaultCa: {
            source: { namespace: VAULT_NAMESPACE, name: VAULT_SETUP.caSourceSecret },
            key: "ca.crt",
            configMap: { namespace: VAULT_SETUP_NAMESPACE, name: VAULT_SETUP.caConfigMap },
          },
        }
      : {}),
    policies: apps.map((a) => ({ name: a.policy, paths: [...new Set(a.paths)].sort() })).sort(byName),
    roles: apps
      .map((a) => ({
        name: a.role,
        serviceAccount: a.serviceAccount,
        namespace: a.namespace,
        policies: [a.policy],
        tokenTtl: VAULT_SETUP.appTokenTtl,
      }))
      .sort(byName),
  };
}

/**
 * values.json: the initial values of every client (KV v2 data path → field → value), a Pulumi
 * secret. A field given twice is refused (stack config reports it first, naming both apps).
 */
export function vaultInitialValues(clients: VaultClient[]): pulumi.Output<string> {
  const entries: [string, string, pulumi.Output<string>][] = [];
  for (const c of clients) {
    for (const [path, fields] of Object.entries(c.initial)) {
      if (!c.paths.includes(path)) {
        throw new Error(
          `Vault setup: app ${c.namespace}/${c.app} gives ${path} initial values but does not read it`,
        );
      }
      for (const [field, value] of Object.entries(fields)) {
        if (entries.some(([p, f]) => p === path && f === field)) {
          throw new Error(`Vault setup: ${path} field ${field} is given an initial value twice`);
        }
        entries.push([path, field, value]);
      }
    }
  }
  const values = pulumi.all(entries.map(([, , v]) => v)).apply((resolved) => {
    const doc: Record<string, Record<string, string>> = {};
    entries.forEach(([path, field], i) => {
      doc[path] = { ...doc[path], [field]: resolved[i] };
    });
    return JSON.stringify(doc, null, 2);
  });
  return pulumi.secret(values);
}
