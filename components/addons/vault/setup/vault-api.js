// @ts-check
/**
 * The Vault endpoints the Jobs call, each with the API document it follows (paths of
 * hashicorp/vault website/content/api-docs/ and, for the plugins, their repositories). Sys
 * endpoints answer their data both under `data` and at the top level; `data` is read first.
 */
"use strict";

const { VaultError } = require("./vault");

/** @typedef {import("./vault").Vault} Vault */

/** @param {any} body @returns {any} */
const dataOf = (body) =>
  body && typeof body.data === "object" && body.data !== null ? body.data : (body ?? {});

/** system/init.mdx "Read initialization status". @param {Vault} v @returns {Promise<boolean>} */
async function initialized(v) {
  const r = await v.call("read the initialisation status", "GET", "sys/init");
  return r.body?.initialized === true;
}

/**
 * system/init.mdx "Start initialization". With auto-unseal only `recovery_*` fields are accepted,
 * with Shamir only `secret_*`/`pgp_keys` (http/sys_init.go validateInitParameters refuses the other
 * kind). Never retried: a lost answer cannot be asked for again (the shares exist only in it).
 * @param {Vault} v
 * @param {"auto" | "shamir"} seal
 * @param {{ shares: number, threshold: number, pgpKeys: string[] }} init
 * @returns {Promise<{ shares: string[], rootToken: string }>} the PGP-encrypted shares, base64, in key order
 */
async function initialize(v, seal, init) {
  const body =
    seal === "auto"
      ? { recovery_shares: init.shares, recovery_threshold: init.threshold, recovery_pgp_keys: init.pgpKeys }
      : { secret_shares: init.shares, secret_threshold: init.threshold, pgp_keys: init.pgpKeys };
  const r = await v.call("initialise Vault", "PUT", "sys/init", {
    body,
    idempotent: false,
    timeoutMs: 120000,
  });
  const shares = seal === "auto" ? r.body?.recovery_keys_base64 : r.body?.keys_base64;
  const rootToken = r.body?.root_token;
  if (!Array.isArray(shares) || shares.length !== init.shares || typeof rootToken !== "string")
    throw new Error(
      `initialise Vault: PUT /v1/sys/init answered without ${init.shares} shares and a root token`,
    );
  return { shares: shares.map(String), rootToken };
}

/** system/seal-status.mdx (unauthenticated). @param {Vault} v */
async function sealStatus(v) {
  const r = await v.call("read the seal status", "GET", "sys/seal-status", { idempotent: false });
  return /** @type {{ sealed?: boolean, t?: number, progress?: number }} */ (r.body ?? {});
}

/**
 * auth/token.mdx "Lookup a token (self)". A token Vault does not know answers 403.
 * @param {Vault} v @param {string} token @param {string} step
 * @returns {Promise<boolean>} false on 403
 */
async function tokenValid(v, token, step) {
  const r = await v.call(step, "GET", "auth/token/lookup-self", { token, accept: [403] });
  return r.status !== 403;
}

/** auth/token.mdx "Revoke a token (self)": 204. @param {Vault} v @param {string} token @param {string} step */
async function revokeSelf(v, token, step) {
  await v.call(step, "POST", "auth/token/revoke-self", { token, idempotent: false });
}

/** system/auth.mdx "List auth methods" (no sudo: only sys/auth/* is root-protected). @param {Vault} v @param {string} token */
async function authMethods(v, token) {
  const r = await v.call("list auth methods", "GET", "sys/auth", { token });
  return /** @type {Record<string, { type?: string }>} */ (dataOf(r.body));
}

/** system/auth.mdx "Enable auth method" (sudo). @param {Vault} v @param {string} token @param {string} path */
async function enableKubernetesAuth(v, token, path) {
  const body = { type: "kubernetes", description: "Kubernetes service accounts (kube-platform)" };
  await v.call("enable the Kubernetes auth method", "POST", `sys/auth/${path}`, { token, body });
}

/**
 * auth/kubernetes.mdx "Configure method": only `kubernetes_host`; Vault runs in the cluster and
 * uses its own CA file and ServiceAccount token for TokenReview.
 * @param {Vault} v @param {string} token @param {string} path @param {string} host
 */
async function configureKubernetesAuth(v, token, path, host) {
  const step = "configure the Kubernetes auth method";
  await v.call(step, "POST", `auth/${path}/config`, {
    token,
    body: { kubernetes_host: host },
    idempotent: true,
  });
}

/** system/policies.mdx "List ACL policies" (LIST). @param {Vault} v @param {string} token @returns {Promise<string[]>} */
async function listPolicies(v, token) {
  const r = await v.call("list ACL policies", "LIST", "sys/policies/acl", { token });
  return keysOf(r.body);
}

/** system/policies.mdx "Read ACL policy": the raw text, or null (404). @param {Vault} v @param {string} token @param {string} name */
async function readPolicy(v, token, name) {
  const r = await v.call(`read policy ${name}`, "GET", `sys/policies/acl/${name}`, { token, accept: [404] });
  return r.status === 404 ? null : String(dataOf(r.body).policy ?? "");
}

/** system/policies.mdx "Create/Update ACL policy" (ACL "update": no existence check). @param {Vault} v @param {string} token @param {string} name @param {string} policy */
async function writePolicy(v, token, name, policy) {
  await v.call(`write policy ${name}`, "PUT", `sys/policies/acl/${name}`, {
    token,
    body: { policy },
    idempotent: true,
  });
}

/** system/policies.mdx "Delete ACL policy". @param {Vault} v @param {string} token @param {string} name */
async function deletePolicy(v, token, name) {
  await v.call(`delete policy ${name}`, "DELETE", `sys/policies/acl/${name}`, { token, idempotent: true });
}

/** auth/kubernetes.mdx "List roles". @param {Vault} v @param {string} token @param {string} path @returns {Promise<string[]>} */
async function listRoles(v, token, path) {
  const r = await v.call("list Kubernetes auth roles", "LIST", `auth/${path}/role`, { token });
  return keysOf(r.body);
}

/**
 * auth/kubernetes.mdx "Read role" (vault-plugin-auth-kubernetes path_role.go pathRoleRead:
 * `token_ttl` in seconds, `token_policies`), or null (404).
 * @param {Vault} v @param {string} token @param {string} path @param {string} name
 * @returns {Promise<{ names: string[], namespaces: string[], policies: string[], ttl: number } | null>}
 */
async function readRole(v, token, path, name) {
  const r = await v.call(`read role ${name}`, "GET", `auth/${path}/role/${name}`, { token, accept: [404] });
  if (r.status === 404) return null;
  const d = dataOf(r.body);
  /** @param {unknown} x @returns {string[]} */
  const list = (x) => (Array.isArray(x) ? x.map(String) : typeof x === "string" && x ? x.split(",") : []);
  return {
    names: list(d.bound_service_account_names),
    namespaces: list(d.bound_service_account_namespaces),
    policies: list(d.token_policies ?? d.policies),
    ttl: Number(d.token_ttl ?? 0),
  };
}

/**
 * auth/kubernetes.mdx "Create/Update role" (ACL "create" for a new role, "update" for an existing
 * one: path_role.go has an existence check). Bound to exactly one ServiceAccount and namespace.
 * @param {Vault} v @param {string} token @param {string} path @param {string} name
 * @param {{ serviceAccount: string, namespace: string, policies: string[], tokenTtl: string, noDefaultPolicy?: boolean }} role
 */
async function writeRole(v, token, path, name, role) {
  const body = {
    bound_service_account_names: [role.serviceAccount],
    bound_service_account_namespaces: [role.namespace],
    token_policies: role.policies,
    token_ttl: role.tokenTtl,
    ...(role.noDefaultPolicy ? { token_max_ttl: role.tokenTtl, token_no_default_policy: true } : {}),
  };
  await v.call(`write role ${name}`, "POST", `auth/${path}/role/${name}`, { token, body, idempotent: true });
}

/** auth/kubernetes.mdx "Delete role". @param {Vault} v @param {string} token @param {string} path @param {string} name */
async function deleteRole(v, token, path, name) {
  await v.call(`delete role ${name}`, "DELETE", `auth/${path}/role/${name}`, { token, idempotent: true });
}

/**
 * auth/kubernetes.mdx "Login" (unauthenticated): the client token, or the error.
 * @param {Vault} v @param {string} path @param {string} role @param {string} jwt
 * @returns {Promise<string>}
 */
async function kubernetesLogin(v, path, role, jwt) {
  const r = await v.call(`log in as role ${role}`, "POST", `auth/${path}/login`, {
    body: { role, jwt },
    idempotent: true,
  });
  const token = r.body?.auth?.client_token;
  if (typeof token !== "string")
    throw new Error(`log in as role ${role}: POST /v1/auth/${path}/login gave no client_token`);
  return token;
}

/** system/mounts.mdx "List mounted secrets engines" (ACL read on sys/mounts). @param {Vault} v @param {string} token */
async function mounts(v, token) {
  const r = await v.call("list secrets engines", "GET", "sys/mounts", { token });
  return /** @type {Record<string, { type?: string, options?: { version?: string } | null }>} */ (
    dataOf(r.body)
  );
}

/** system/mounts.mdx "Enable secrets engine": kv with options.version "2". @param {Vault} v @param {string} token @param {string} path */
async function enableKv2(v, token, path) {
  const body = { type: "kv", options: { version: "2" }, description: "KV version 2 (kube-platform)" };
  await v.call("enable the KV v2 secrets engine", "POST", `sys/mounts/${path}`, { token, body });
}

/** system/audit.mdx "List enabled audit devices" (sudo). @param {Vault} v @param {string} token */
async function auditDevices(v, token) {
  const r = await v.call("list audit devices", "GET", "sys/audit", { token });
  return /** @type {Record<string, { type?: string, options?: { file_path?: string } }>} */ (dataOf(r.body));
}

/** system/audit.mdx "Enable audit device" (sudo): type file. @param {Vault} v @param {string} token @param {string} path @param {string} filePath */
async function enableFileAudit(v, token, path, filePath) {
  const body = { type: "file", options: { file_path: filePath }, description: "audit log (kube-platform)" };
  await v.call("enable the audit device", "PUT", `sys/audit/${path}`, { token, body });
}

/**
 * secret/kv/kv-v2.mdx "Read Secret Metadata": whether a secret exists (404 = no), without reading
 * its value.
 * @param {Vault} v @param {string} token @param {string} metadataPath @param {string} shown
 */
async function kvExists(v, token, metadataPath, shown) {
  const r = await kvUpgradeRetry(v, () =>
    v.call(`check secret ${shown}`, "GET", metadataPath, { token, accept: [404] }),
  );
  return r.status !== 404;
}

/**
 * secret/kv/kv-v2.mdx "Create/Update Secret" with `options.cas: 0`: written only if the key does
 * not exist; otherwise 400 "check-and-set parameter did not match the current version"
 * (vault-plugin-secrets-kv path_data.go validateCheckAndSetOption).
 * @param {Vault} v @param {string} token @param {string} dataPath @param {Record<string, unknown>} data
 * @returns {Promise<"created" | "exists">}
 */
async function kvCreate(v, token, dataPath, data) {
  const body = { options: { cas: 0 }, data };
  try {
    await kvUpgradeRetry(v, () =>
      v.call(`write secret ${dataPath}`, "POST", dataPath, { token, body, idempotent: false }),
    );
    return "created";
  } catch (e) {
    if (
      e instanceof VaultError &&
      e.status === 400 &&
      e.errors.some((x) => x.includes("check-and-set parameter did not match"))
    )
      return "exists";
    throw e;
  }
}

/**
 * A KV v2 mount answers 400 "Upgrading from non-versioned to versioned data…" for a moment after it
 * is enabled (vault-plugin-secrets-kv upgrade.go upgradeCheck): retried for up to a minute.
 * @template T
 * @param {Vault} v
 * @param {() => Promise<T>} call
 * @returns {Promise<T>}
 */
async function kvUpgradeRetry(v, call) {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (e) {
      const upgrading =
        e instanceof VaultError &&
        e.status === 400 &&
        e.errors.some((x) => /non-versioned to versioned/i.test(x));
      if (!upgrading || i >= 12) throw e;
      await v.clock.sleep(5000);
    }
  }
}

/** @param {any} body @returns {string[]} */
function keysOf(body) {
  const keys = dataOf(body).keys;
  return Array.isArray(keys) ? keys.map(String) : [];
}

module.exports = {
  initialized,
  initialize,
  sealStatus,
  tokenValid,
  revokeSelf,
  authMethods,
  enableKubernetesAuth,
  configureKubernetesAuth,
  listPolicies,
  readPolicy,
  writePolicy,
  deletePolicy,
  listRoles,
  readRole,
  writeRole,
  deleteRole,
  kubernetesLogin,
  mounts,
  enableKv2,
  auditDevices,
  enableFileAudit,
  kvExists,
  kvCreate,
};
