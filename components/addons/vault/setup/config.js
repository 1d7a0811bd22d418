// @ts-check
/**
 * The Jobs' inputs: environment (paths overridable for tests), `setup.json` (not secret, written by
 * the Pulumi program) and `values.json` (secret, configure only). Every problem is one line naming
 * the key, the value and what is allowed; all are reported at once. Secret values never appear in
 * a message (only their paths).
 */
"use strict";

/**
 * @typedef {{ namespace: string, name: string }} SecretRef
 * @typedef {{ name: string, paths: string[] }} PolicySpec
 * @typedef {{ name: string, serviceAccount: string, namespace: string, policies: string[], tokenTtl: string }} RoleSpec
 * @typedef {{
 *   seal: "auto" | "shamir" | "dev",
 *   initAddr: string,
 *   init: { shares: number, threshold: number, pgpKeys: string[], holders: string[] },
 *   unsealWaitSeconds: number,
 *   sharesSecret: SecretRef,
 *   breakGlassSecret: SecretRef,
 *   kubernetesHost: string,
 *   authPath: string,
 *   configurator: { role: string, policy: string, serviceAccount: string, namespace: string, tokenTtl: string },
 *   kv: { path: string },
 *   audit: { path: string, filePath: string },
 *   managedPrefix: string,
 *   vaultCa?: { source: SecretRef, key: string, configMap: SecretRef },
 *   jobUrns?: { bootstrap: string, configure: string },
 *   policies: PolicySpec[],
 *   roles: RoleSpec[],
 * }} Setup
 * @typedef {Record<string, Record<string, unknown>>} InitialValues
 */

/** Environment variables and their defaults (the in-cluster paths). */
const ENV_DEFAULTS = {
  SETUP_CONFIG: "/config/setup.json",
  SETUP_INITIAL_VALUES: "/initial/values.json",
  SETUP_DEV_ROOT_TOKEN: "/dev-token/token",
  SA_TOKEN: "/var/run/secrets/kubernetes.io/serviceaccount/token",
  KUBE_API: "https://kubernetes.default.svc",
  KUBE_CACERT: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
};

/** A Vault mount or policy path segment list (no globs, no quotes: the HCL stays unambiguous). */
const VAULT_PATH = /^[\w-]+(\/[\w.-]+)+$/;
const MOUNT_PATH = /^[\w-]+(\/[\w-]+)*$/;
const VAULT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Kubernetes object names (DNS-1123 subdomain) and namespaces (DNS-1123 label). */
const KUBE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const KUBE_NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Go-style durations Vault accepts for TTLs: "90s", "15m", "1h30m", or whole seconds. */
const DURATION = /^(\d+|(?=\d)(\d+h)?(\d+m)?(\d+s)?)$/;
const URL_RE = /^https?:\/\/[^\s/]+(:\d+)?\/?$/;

/**
 * @param {unknown} raw parsed setup.json
 * @param {boolean} [forConfigure] policies and roles required (bootstrap ignores them: they may be absent)
 * @returns {{ setup: Setup, problems: string[] }}
 */
function parseSetup(raw, forConfigure = true) {
  /** @type {string[]} */
  const problems = [];
  const root = { ...record(raw) };
  /** @param {string} key @param {unknown} value @param {string} allowed */
  const bad = (key, value, allowed) =>
    problems.push(
      value === undefined
        ? `setup.json ${key}: missing (expected ${allowed})`
        : `setup.json ${key}: ${JSON.stringify(value)} is not allowed: ${allowed}`,
    );
  /** @param {Record<string, unknown>} o @param {string} key @param {string} at @param {RegExp} re @param {string} allowed */
  const str = (o, key, at, re, allowed) => {
    const v = o[key];
    if (typeof v !== "string" || !re.test(v)) bad(at, v, allowed);
    return typeof v === "string" ? v : "";
  };
  /** @param {Record<string, unknown>} o @param {string} key @param {string} at @param {number} min @param {number} max */
  const int = (o, key, at, min, max) => {
    const v = o[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      bad(at, v, `an integer from ${min} to ${max}`);
    return typeof v === "number" ? v : 0;
  };
  /** @param {Record<string, unknown>} o @param {string} at */
  const ref = (o, at) => {
    const r = record(o);
    str(r, "namespace", `${at}.namespace`, KUBE_NAMESPACE, "a Kubernetes namespace name");
    str(r, "name", `${at}.name`, KUBE_NAME, "a Kubernetes object name");
  };

  const seal = root.seal;
  if (seal !== "auto" && seal !== "shamir" && seal !== "dev") bad("seal", seal, '"auto", "shamir" or "dev"');
  if (seal !== "dev") {
    str(root, "initAddr", "initAddr", URL_RE, "an http(s) URL of one Vault server");
    const init = record(root.init);
    const shares = int(init, "shares", "init.shares", 1, 255);
    const threshold = int(init, "threshold", "init.threshold", 1, 255);
    // Vault's Shamir split needs a threshold of at least 2 when there are several shares, and at
    // most the number of shares (vault/seal_config.go, shamir/shamir.go).
    if (threshold > shares || (shares > 1 && threshold < 2))
      bad("init.threshold", threshold, `from 2 to init.shares (${shares}), or 1 with one share`);
    // Every share is encrypted to one holder: without a PGP key per share it would be stored in clear.
    for (const key of ["pgpKeys", "holders"]) {
      const list = init[key];
      if (!Array.isArray(list) || list.length !== shares || list.some((k) => typeof k !== "string" || !k))
        bad(
          `init.${key}`,
          Array.isArray(list) ? `${list.length} entries` : list,
          `${shares} non-empty strings (one per share)`,
        );
    }
    const pgp = Array.isArray(init.pgpKeys) ? init.pgpKeys : [];
    pgp.forEach((k, i) => {
      if (typeof k === "string" && !/^[A-Za-z0-9+/]+=*$/.test(k))
        bad(`init.pgpKeys[${i}]`, `${k.slice(0, 12)}…`, "a base64-encoded binary PGP public key");
    });
    ref(record(root.sharesSecret), "sharesSecret");
    ref(record(root.breakGlassSecret), "breakGlassSecret");
  }
  int(root, "unsealWaitSeconds", "unsealWaitSeconds", 1, 7 * 24 * 3600);
  str(root, "kubernetesHost", "kubernetesHost", URL_RE, "the Kubernetes API URL Vault uses");
  str(root, "authPath", "authPath", MOUNT_PATH, "a Vault mount path such as kubernetes");
  const prefix = str(root, "managedPrefix", "managedPrefix", /^[a-z0-9][a-z0-9_-]*$/, "a policy name prefix");
  const c = record(root.configurator);
  str(c, "role", "configurator.role", VAULT_NAME, "a Vault role name");
  const cPolicy = str(c, "policy", "configurator.policy", VAULT_NAME, "a Vault policy name");
  if (prefix && cPolicy.startsWith(prefix))
    bad(
      "configurator.policy",
      cPolicy,
      `a name outside managedPrefix "${prefix}" (configure would delete it)`,
    );
  str(c, "serviceAccount", "configurator.serviceAccount", KUBE_NAME, "one ServiceAccount name (no globs)");
  str(c, "namespace", "configurator.namespace", KUBE_NAMESPACE, "one namespace name (no globs)");
  str(c, "tokenTtl", "configurator.tokenTtl", DURATION, 'a duration such as "15m"');
  str(record(root.kv), "path", "kv.path", MOUNT_PATH, "a Vault mount path such as secret");
  const audit = record(root.audit);
  str(audit, "path", "audit.path", MOUNT_PATH, "a Vault audit device path such as file");
  str(
    audit,
    "filePath",
    "audit.filePath",
    /^(stdout|discard|\/[\w./-]+)$/,
    'an absolute file path or "stdout"',
  );

  // Optional (ha mode): the bootstrap copies Vault's CA certificate from a Secret of the vault
  // namespace into a ConfigMap of its own namespace (a pod mounts no Secret of another namespace).
  if (root.vaultCa !== undefined) {
    const ca = record(root.vaultCa);
    ref(record(ca.source), "vaultCa.source");
    str(ca, "key", "vaultCa.key", /^[-._a-zA-Z0-9]+$/, "a data key of that Secret such as ca.crt");
    ref(record(ca.configMap), "vaultCa.configMap");
  }

  // Optional: the Pulumi URNs of the two Jobs, named in the break-glass steps (`pulumi up --replace`).
  if (root.jobUrns !== undefined) {
    const urns = record(root.jobUrns);
    for (const step of ["bootstrap", "configure"])
      str(urns, step, `jobUrns.${step}`, /^urn:pulumi:[^\s']+$/, "a Pulumi URN (no spaces or quotes)");
  }

  if (!forConfigure) {
    root.policies = Array.isArray(root.policies) ? root.policies : [];
    root.roles = Array.isArray(root.roles) ? root.roles : [];
  }
  const policies = Array.isArray(root.policies) ? root.policies.map(record) : [];
  if (!Array.isArray(root.policies)) bad("policies", root.policies, "a list (possibly empty)");
  const declared = new Set();
  policies.forEach((p, i) => {
    const name = str(p, "name", `policies[${i}].name`, VAULT_NAME, "a Vault policy name");
    if (prefix && !name.startsWith(prefix))
      bad(`policies[${i}].name`, name, `a name starting with "${prefix}"`);
    if (declared.has(name)) bad(`policies[${i}].name`, name, "a name declared once");
    declared.add(name);
    const paths = p.paths;
    if (!Array.isArray(paths) || paths.length === 0) bad(`policies[${i}].paths`, paths, "a non-empty list");
    else
      paths.forEach((path, j) => {
        if (typeof path !== "string" || !VAULT_PATH.test(path) || /(^|\/)\.\.?(\/|$)/.test(path))
          bad(`policies[${i}].paths[${j}]`, path, 'a Vault path like "secret/data/shop/config" (no globs)');
      });
  });
  const roles = Array.isArray(root.roles) ? root.roles.map(record) : [];
  if (!Array.isArray(root.roles)) bad("roles", root.roles, "a list (possibly empty)");
  const roleNames = new Set();
  roles.forEach((r, i) => {
    const name = str(r, "name", `roles[${i}].name`, VAULT_NAME, "a Vault role name");
    if (name === c.role || roleNames.has(name))
      bad(`roles[${i}].name`, name, "a name used once, not the configurator's");
    roleNames.add(name);
    str(r, "serviceAccount", `roles[${i}].serviceAccount`, KUBE_NAME, "one ServiceAccount name (no globs)");
    str(r, "namespace", `roles[${i}].namespace`, KUBE_NAMESPACE, "one namespace name (no globs)");
    str(r, "tokenTtl", `roles[${i}].tokenTtl`, DURATION, 'a duration such as "1h"');
    const ps = r.policies;
    // An app role may carry only policies this program manages: never the configurator's or another's.
    if (!Array.isArray(ps) || ps.length === 0 || ps.some((p) => typeof p !== "string" || !declared.has(p)))
      bad(`roles[${i}].policies`, ps, "a non-empty list of policies declared in setup.json policies");
  });
  return { setup: /** @type {Setup} */ (root), problems };
}

/**
 * @param {unknown} raw parsed values.json
 * @param {Setup} setup
 * @returns {{ values: InitialValues, problems: string[] }}
 */
function parseValues(raw, setup) {
  /** @type {string[]} */
  const problems = [];
  const values = record(raw);
  const declared = new Set(setup.policies.flatMap((p) => p.paths));
  const dataPrefix = `${setup.kv.path}/data/`;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    problems.push("values.json: must be an object { <kv data path>: { <field>: <value> } }");
  for (const [path, data] of Object.entries(values)) {
    if (!path.startsWith(dataPrefix) || !VAULT_PATH.test(path))
      problems.push(`values.json ${JSON.stringify(path)}: not a KV v2 data path under "${dataPrefix}"`);
    else if (!declared.has(path))
      problems.push(`values.json ${JSON.stringify(path)}: not a path any policy in setup.json declares`);
    if (data === null || typeof data !== "object" || Array.isArray(data) || Object.keys(data).length === 0)
      problems.push(`values.json ${JSON.stringify(path)}: the value must be a non-empty object of fields`);
  }
  return { values: /** @type {InitialValues} */ (values), problems };
}

/** @param {unknown} v @returns {Record<string, unknown>} */
function record(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? /** @type {Record<string, unknown>} */ (v)
    : {};
}

/**
 * Seconds of a duration accepted by DURATION.
 * @param {string} d
 * @returns {number}
 */
function durationSeconds(d) {
  if (/^\d+$/.test(d)) return Number(d);
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : NaN;
}

module.exports = { ENV_DEFAULTS, parseSetup, parseValues, durationSeconds };
