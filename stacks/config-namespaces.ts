/**
 * Config keys outside the program's namespace. Pulumi passes the program every key of the stack,
 * of every namespace (the engine's RunRequest config; the Node.js language host serialises it
 * into PULUMI_CONFIG, pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go constructConfig,
 * and @pulumi/pulumi runtime/config.js allConfig() returns it whole). A key under a near miss of
 * the project's name (`kube-platfrom:apps`) would silently configure nothing: it is a problem.
 * Providers' namespaces are never one.
 */
import { closest } from "../components/shared/near-miss";

/**
 * Namespaces of providers and of Pulumi itself: never a near miss, however close. The program's
 * own providers, and the ones a stack of this project commonly configures beside them.
 */
export const PROVIDER_NAMESPACES: ReadonlySet<string> = new Set([
  "pulumi",
  "aws",
  "awsx",
  "eks",
  "gcp",
  "google-native",
  "azure",
  "azure-native",
  "azuread",
  "kubernetes",
  "digitalocean",
  "random",
  "time",
  "tls",
  "command",
  "docker",
  "cloudflare",
  "vault",
]);

/** A config key's namespace and name (`<namespace>:<name>`, or the older `<namespace>:config:<name>`). */
export function splitConfigKey(key: string): { namespace: string; name: string } | undefined {
  const parts = key.split(":");
  if (parts.length === 2) return { namespace: parts[0], name: parts[1] };
  if (parts.length === 3 && parts[1] === "config") return { namespace: parts[0], name: parts[2] };
  return undefined;
}

/** Whether `namespace` looks like a mistyped `project` (case and separators aside, or a couple of edits). */
export function isNearMissNamespace(namespace: string, project: string): boolean {
  // closest() never answers the word itself: the project's own namespace is no near miss.
  if (PROVIDER_NAMESPACES.has(namespace)) return false;
  return closest(namespace, [project]) === project;
}

/** One problem per key (of `keys`, full `<namespace>:<name>` keys) under a near miss of `project`. */
export function namespaceProblems(keys: readonly string[], project: string): string[] {
  return keys.flatMap((key) => {
    const k = splitConfigKey(key);
    if (!k || !isNearMissNamespace(k.namespace, project)) return [];
    return [`${key}: not this program's namespace; did you mean ${project}:${k.name}?`];
  });
}
