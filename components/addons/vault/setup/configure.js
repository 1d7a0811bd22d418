// @ts-check
/**
 * `configure`: log in as the configurator role and converge Vault to setup.json: the KV v2 mount,
 * the audit device, one policy and one role per app (created when missing, updated when changed,
 * deleted when setup.json no longer declares them and they are ours), the initial secret values
 * (written only where no secret exists); then revoke its own token.
 */
"use strict";

const api = require("./vault-api");
const { appPolicy } = require("./policy");
const { VaultError } = require("./vault");
const { sealedHint, breakGlassSteps } = require("./bootstrap");
const { durationSeconds } = require("./config");

/** @typedef {import("./vault-setup").Context} Context */

/** @param {Context} ctx */
async function configure(ctx) {
  const s = ctx.setup;
  const v = ctx.vault;
  await v.waitActive("wait for Vault", s.unsealWaitSeconds, (state) =>
    state.startsWith("not initialised")
      ? "the bootstrap Job initialises Vault; check its log"
      : sealedHint(state),
  );
  const jwt = ctx.readFile("the ServiceAccount token", ctx.env.SA_TOKEN).trim();
  ctx.log.secret(jwt);
  const token = await login(ctx, jwt);
  ctx.log.secret(token);
  ctx.log.info(`logged in as role ${s.configurator.role}`);
  /** @type {unknown} */
  let error = null;
  try {
    await ensureKv(ctx, token);
    await ensureAudit(ctx, token);
    await ensurePolicies(ctx, token);
    await ensureRoles(ctx, token);
    await removeUndeclared(ctx, token);
    await writeInitialValues(ctx, token);
  } catch (e) {
    error = e;
  }
  try {
    await api.revokeSelf(v, token, "revoke the configurator token");
    ctx.log.info("revoked the configurator token");
  } catch (e) {
    if (!error) error = e;
    else ctx.log.error(e instanceof Error ? e.message : String(e));
  }
  if (error) throw error;
  ctx.log.info("configuration applied");
}

/** @param {Context} ctx @param {string} jwt @returns {Promise<string>} */
async function login(ctx, jwt) {
  const s = ctx.setup;
  const c = s.configurator;
  try {
    return await api.kubernetesLogin(ctx.vault, s.authPath, c.role, jwt);
  } catch (e) {
    if (!(e instanceof VaultError)) throw e;
    const hint =
      e.status === 400 && e.errors.some((x) => x.includes("invalid role name"))
        ? "Vault is initialised but the bootstrap Job has not set it up (with a Shamir seal: the key holders " +
          `unsealed it after the bootstrap's ${s.unsealWaitSeconds} s wait; or the bootstrap's pod was lost), ` +
          `and a rerun of it leaves an initialised Vault alone. ${breakGlassSteps(s)}`
        : e.status === 403
          ? `the Job must run as ServiceAccount ${c.namespace}/${c.serviceAccount}, the only one the role accepts`
          : "";
    throw new VaultError(hint ? `${e.message}: ${hint}` : e.message, e.status, e.errors);
  }
}

/** The KV v2 mount: enabled when missing; another type or version is refused, never remounted. @param {Context} ctx @param {string} token */
async function ensureKv(ctx, token) {
  const path = ctx.setup.kv.path;
  const m = (await api.mounts(ctx.vault, token))[`${path}/`];
  if (!m) {
    await api.enableKv2(ctx.vault, token, path);
    ctx.log.info(`enabled the KV v2 secrets engine at ${path}/`);
    return;
  }
  const version = m.options?.version ?? "1";
  if (m.type !== "kv" || version !== "2")
    throw new Error(
      `ensure the KV v2 secrets engine: ${path}/ is ${m.type === "kv" ? `kv version ${version}` : `a ${m.type} engine`}: ` +
        "refused (never remounted: that would hide or lose its data); migrate it by hand " +
        `(kv version 1: vault kv enable-versioning ${path}/) or choose another kv.path`,
    );
  ctx.log.info(`KV v2 secrets engine at ${path}/ already enabled`);
}

/** The file audit device: enabled when missing; different options are refused. @param {Context} ctx @param {string} token */
async function ensureAudit(ctx, token) {
  const { path, filePath } = ctx.setup.audit;
  const devices = await api.auditDevices(ctx.vault, token);
  const d = devices[`${path}/`] ?? devices[path];
  if (!d) {
    await api.enableFileAudit(ctx.vault, token, path, filePath);
    ctx.log.info(`enabled the file audit device ${path}/ (file_path ${filePath})`);
    return;
  }
  if (d.type !== "file" || d.options?.file_path !== filePath)
    throw new Error(
      `ensure the audit device: ${path}/ is a ${d.type} device with file_path ${d.options?.file_path ?? "(none)"}, ` +
        `not file ${filePath}: refused (disabling an audit device loses its HMAC salt); disable it by hand ` +
        `(vault audit disable ${path}) to let this Job enable it again`,
    );
  ctx.log.info(`audit device ${path}/ (file ${filePath}) already enabled`);
}

/** @param {Context} ctx @param {string} token */
async function ensurePolicies(ctx, token) {
  for (const p of ctx.setup.policies) {
    const want = appPolicy(p.paths);
    const have = await api.readPolicy(ctx.vault, token, p.name);
    if (have === want) {
      ctx.log.info(`policy ${p.name} unchanged`);
      continue;
    }
    await api.writePolicy(ctx.vault, token, p.name, want);
    ctx.log.info(
      `policy ${p.name} ${have === null ? "created" : "updated"} (read on ${[...p.paths].sort().join(", ")})`,
    );
  }
}

/** @param {Context} ctx @param {string} token */
async function ensureRoles(ctx, token) {
  const authPath = ctx.setup.authPath;
  for (const r of ctx.setup.roles) {
    const have = await api.readRole(ctx.vault, token, authPath, r.name);
    const same =
      have !== null &&
      same1(have.names, r.serviceAccount) &&
      same1(have.namespaces, r.namespace) &&
      [...have.policies].sort().join(",") === [...r.policies].sort().join(",") &&
      have.ttl === durationSeconds(r.tokenTtl);
    if (same) {
      ctx.log.info(`role ${r.name} unchanged`);
      continue;
    }
    await api.writeRole(ctx.vault, token, authPath, r.name, r);
    ctx.log.info(
      `role ${r.name} ${have === null ? "created" : "updated"} (ServiceAccount ${r.namespace}/${r.serviceAccount}, ` +
        `policies ${r.policies.join(", ")}, token ttl ${r.tokenTtl})`,
    );
  }
}

/**
 * Deletes the roles setup.json no longer declares whose policies are all managed ones (a role of
 * anyone else is left alone), then the managed policies it no longer declares.
 * @param {Context} ctx @param {string} token
 */
async function removeUndeclared(ctx, token) {
  const s = ctx.setup;
  const roles = new Set(s.roles.map((r) => r.name));
  for (const name of await api.listRoles(ctx.vault, token, s.authPath)) {
    if (roles.has(name) || name === s.configurator.role) continue;
    const role = await api.readRole(ctx.vault, token, s.authPath, name);
    if (!role) continue;
    if (role.policies.length === 0 || !role.policies.every((p) => p.startsWith(s.managedPrefix))) {
      ctx.log.info(`role ${name} left alone (not managed: its policies are not all ${s.managedPrefix}*)`);
      continue;
    }
    await api.deleteRole(ctx.vault, token, s.authPath, name);
    ctx.log.info(`role ${name} deleted (no longer declared)`);
  }
  const policies = new Set(s.policies.map((p) => p.name));
  for (const name of await api.listPolicies(ctx.vault, token)) {
    if (!name.startsWith(s.managedPrefix) || policies.has(name)) continue;
    await api.deletePolicy(ctx.vault, token, name);
    ctx.log.info(`policy ${name} deleted (no longer declared)`);
  }
}

/** Each initial value, where no secret exists yet (never overwritten). @param {Context} ctx @param {string} token */
async function writeInitialValues(ctx, token) {
  const kv = ctx.setup.kv.path;
  for (const [dataPath, data] of Object.entries(ctx.values)) {
    const rest = dataPath.slice(`${kv}/data/`.length);
    if (await api.kvExists(ctx.vault, token, `${kv}/metadata/${rest}`, dataPath)) {
      ctx.log.info(`secret ${dataPath} exists: left as it is (never overwritten)`);
      continue;
    }
    const how = await api.kvCreate(ctx.vault, token, dataPath, data);
    ctx.log.info(
      how === "created"
        ? `secret ${dataPath} written (${Object.keys(data).length} fields)`
        : `secret ${dataPath} exists: left as it is (never overwritten)`,
    );
  }
}

/** @param {string[]} list @param {string} one */
const same1 = (list, one) => list.length === 1 && list[0] === one;

module.exports = { configure };
