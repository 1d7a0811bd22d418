// @ts-check
/**
 * The ACL policies the Jobs write, as HCL text (system/policies.mdx; the rule syntax of Vault's
 * "Policies" concept page). Every path comes from setup.json, checked against a pattern without
 * quotes, braces or globs, so no input can add a rule.
 *
 * Capabilities (vault/request_handling.go): a POST/PUT on a path without an existence check is an
 * "update"; a path with one (a KV v2 secret: vault-plugin-secrets-kv path_data.go
 * dataExistenceCheck; a Kubernetes auth role: vault-plugin-auth-kubernetes path_role.go
 * pathRoleExistenceCheck) is a "create" when the object does not exist yet, an "update" otherwise.
 * A LIST is checked on the path with a trailing slash (http/logical.go). Root-protected paths also
 * need "sudo": sys/auth/*, sys/audit, sys/audit/* (vault/logical_system.go PathsSpecial.Root;
 * system/auth.mdx and system/audit.mdx "sudo required").
 */
"use strict";

/** @typedef {import("./config").Setup} Setup */

/** @param {string} path @param {string[]} capabilities @returns {string} */
const rule = (path, capabilities) =>
  `path "${path}" {\n  capabilities = [${capabilities.map((c) => `"${c}"`).join(", ")}]\n}\n`;

/**
 * A rule with parameter constraints (Vault's "Policies" concept page, "Parameter constraints"):
 * with `allowed_parameters`, a request carrying a key not listed is refused; `[]` allows any value
 * of a listed key; values are matched with a leading and/or trailing `*` glob
 * (strutil.GlobbedStringsMatch); a list value is allowed when every element matches, and denied
 * when any element matches `denied_parameters` (vault/acl.go valueInAllowedParameterList,
 * valueInDeniedParameterList; a comma string is split the same way, but a whole comma string that
 * matches an allowed glob passes first: hence the `*,*` denial below).
 * @param {string} path @param {string[]} capabilities
 * @param {Record<string, string[]>} allowed @param {Record<string, string[]>} denied
 * @returns {string}
 */
const constrained = (path, capabilities, allowed, denied) => {
  const q = (/** @type {string} */ v) => `"${v}"`;
  const block = (/** @type {string} */ key, /** @type {Record<string, string[]>} */ m) =>
    `  ${key} = {\n${Object.entries(m)
      .map(([k, vs]) => `    ${q(k)} = [${vs.map(q).join(", ")}]\n`)
      .join("")}  }\n`;
  return (
    `path "${path}" {\n  capabilities = [${capabilities.map(q).join(", ")}]\n` +
    block("allowed_parameters", allowed) +
    block("denied_parameters", denied) +
    "}\n"
  );
};

/**
 * Exactly what `configure` does; `deny` on its own role so it can never rebind or widen it, and
 * the app roles it writes constrained: only the keys configure sends, only `managedPrefix`
 * policies (one name per element: no comma string), never a ServiceAccount of its own namespace
 * nor a glob (`***` matches any value containing `*`). What it keeps: it writes the contents of the
 * managed policies (docs/addons/vault.md, "What the configurator may do"). Written once by
 * `bootstrap` with the root token.
 * @param {Setup} s
 * @returns {string}
 */
function configuratorPolicy(s) {
  const auth = `auth/${s.authPath}`;
  return [
    "# kube-platform configurator (vault-setup.js configure): exactly what it needs.\n",
    "# KV v2 mount: see whether it exists, enable it (sys/mounts is not root-protected).\n",
    rule("sys/mounts", ["read"]),
    rule(`sys/mounts/${s.kv.path}`, ["update"]),
    "# The audit device (root-protected: sudo).\n",
    rule("sys/audit", ["read", "sudo"]),
    rule(`sys/audit/${s.audit.path}`, ["update", "sudo"]),
    "# App policies: only the names under the managed prefix.\n",
    rule("sys/policies/acl/", ["list"]),
    rule(`sys/policies/acl/${s.managedPrefix}*`, ["read", "update", "delete"]),
    "# App roles of the Kubernetes auth method (constrained), never this role itself.\n",
    rule(`${auth}/role/`, ["list"]),
    constrained(
      `${auth}/role/*`,
      ["create", "read", "update", "delete"],
      {
        bound_service_account_names: [],
        bound_service_account_namespaces: [],
        token_policies: [`${s.managedPrefix}*`],
        token_ttl: [],
      },
      {
        bound_service_account_names: ["***"],
        bound_service_account_namespaces: ["***", s.configurator.namespace],
        token_policies: ["*,*"],
      },
    ),
    rule(`${auth}/role/${s.configurator.role}`, ["deny"]),
    "# Initial values: create only (an existing secret is never overwritten); existence from metadata.\n",
    rule(`${s.kv.path}/data/*`, ["create"]),
    rule(`${s.kv.path}/metadata/*`, ["read"]),
    "# Its own token.\n",
    rule("auth/token/revoke-self", ["update"]),
  ].join("");
}

/**
 * An app policy: `read` on exactly its declared paths.
 * @param {string[]} paths
 * @returns {string}
 */
function appPolicy(paths) {
  return [
    "# kube-platform app policy (managed by vault-setup.js configure: rewritten or deleted from the stack config).\n",
    ...[...paths].sort().map((p) => rule(p, ["read"])),
  ].join("");
}

module.exports = { configuratorPolicy, appPolicy };
