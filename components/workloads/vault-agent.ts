/**
 * Vault for an app: the pod annotations asking the injector for its secrets and the label that opts
 * its namespace in to injection. Which CA the agents trust: the platform's Vault (ha mode) serves a
 * certificate from Vault's own CA, which the injector hands to every agent it injects
 * (VAULT_CACERT_BYTES), so an app needs no CA of its own: no cluster-wide issuer any namespace can
 * use is ever what Vault clients trust.
 */
import { VAULT_INJECTION_NAMESPACE_LABELS } from "../kube/conventions";
import { requireVault } from "./needs";
import { AppSettings, WorkloadContext } from "./types";

/** Vault API port (the agent's only destination in the Vault namespace). */
export const VAULT_PORT = 8200;
/**
 * Resources of the injected Vault Agent containers (init + sidecar): requests and a memory limit,
 * like every container here. The CPU limit stays the injector's default (agentDefaults.cpuLimit).
 */
export const VAULT_AGENT_RESOURCES = { cpuRequest: "25m", memRequest: "64Mi", memLimit: "128Mi" } as const;

/**
 * Pod annotations asking the Vault Agent injector for the app's secrets (files under
 * /vault/secrets/<name>). The injected containers get requests and a memory limit, and the
 * injector's own security context (`agent-set-security-context`: uid 100 / gid 1000, non-root,
 * no privilege escalation, ALL capabilities dropped, read-only root filesystem; seccomp comes from
 * the pod), so they pass Pod Security "restricted" too. The agent trusts the CA the injector gives
 * every agent; no `ca-cert` annotation is set (it would take precedence: vault-k8s agent.go).
 */
export function vaultAnnotations(s: AppSettings, ctx: WorkloadContext): Record<string, string> {
  if (!s.vault) return {};
  const vault = requireVault(s, ctx);
  const a: Record<string, string> = {
    "vault.hashicorp.com/agent-inject": "true",
    "vault.hashicorp.com/role": s.vault.role,
    "vault.hashicorp.com/service": vault.address,
    "vault.hashicorp.com/agent-set-security-context": "true",
    "vault.hashicorp.com/agent-requests-cpu": VAULT_AGENT_RESOURCES.cpuRequest,
    "vault.hashicorp.com/agent-requests-mem": VAULT_AGENT_RESOURCES.memRequest,
    "vault.hashicorp.com/agent-limits-mem": VAULT_AGENT_RESOURCES.memLimit,
  };
  for (const secret of s.vault.secrets) {
    // Annotation key names are at most 63 characters: "agent-inject-template-" leaves 41.
    if (`agent-inject-template-${secret.name}`.length > 63) {
      throw new Error(
        `app ${s.name}: Vault secret name ${secret.name} is too long for the injector's annotations (at most 41 characters)`,
      );
    }
    a[`vault.hashicorp.com/agent-inject-secret-${secret.name}`] = secret.path;
    if (secret.template !== undefined) {
      a[`vault.hashicorp.com/agent-inject-template-${secret.name}`] = secret.template;
    }
  }
  return a;
}

/**
 * The label the Vault injector's namespaceSelector matches, for a namespace holding an app with
 * `vault:` (none otherwise: the injector never sees the pods of other namespaces).
 */
export function vaultInjectionNamespaceLabels(
  apps: AppSettings[],
  namespace: string,
): Record<string, string> {
  return apps.some((a) => a.namespace === namespace && a.vault !== undefined)
    ? { ...VAULT_INJECTION_NAMESPACE_LABELS }
    : {};
}
