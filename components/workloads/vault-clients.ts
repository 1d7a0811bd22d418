/** What the apps with `vault:` need of Vault's configuration (the setup Jobs apply it: addons/vault/setup.ts). */
import type { VaultClient } from "../addons/types";
import { serviceAccountName } from "./deployment";
import { AppSettings } from "./types";

/**
 * What the apps need of Vault's configuration: per app with `vault:`, a policy reading exactly its
 * secrets' paths and its role bound to exactly its ServiceAccount in its namespace, and the
 * initial values of its secrets (path → field → value).
 */
export function vaultClientsOf(apps: AppSettings[]): VaultClient[] {
  return apps.flatMap((s) => {
    if (!s.vault) return [];
    const initial: VaultClient["initial"] = {};
    for (const secret of s.vault.secrets) {
      if (secret.initial) initial[secret.path] = { ...initial[secret.path], ...secret.initial };
    }
    return [
      {
        app: s.name,
        namespace: s.namespace,
        serviceAccount: serviceAccountName(s),
        role: s.vault.role,
        paths: [...new Set(s.vault.secrets.map((x) => x.path))],
        initial,
      },
    ];
  });
}
