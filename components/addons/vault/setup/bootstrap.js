// @ts-check
/**
 * `bootstrap`: initialise Vault once (shares encrypted to the holders' PGP keys, stored first), then
 * with the root token in memory only: the Kubernetes auth method, its config, the configurator's
 * policy and role; then revoke the root token. An initialised Vault is left alone unless the
 * break-glass Secret holds a root token the key holders generated; dev mode uses the dev root token.
 */
"use strict";

const api = require("./vault-api");
const { configuratorPolicy } = require("./policy");
const { waitFor } = require("./vault");
const { NetworkError } = require("./http");

/** @typedef {import("./vault-setup").Context} Context */
/** @typedef {import("./kube").Kube} Kube */

/** Attempts to store the shares before printing them as a last resort, and the pause between. */
const SHARE_ATTEMPTS = 5;
const SHARE_PAUSE_MS = 15000;

/** @param {Context} ctx */
async function bootstrap(ctx) {
  const s = ctx.setup;
  if (s.seal === "dev") return bootstrapDev(ctx);
  const initVault = ctx.vaultAt(s.initAddr);
  let isInitialised = false;
  const probe = async () => {
    isInitialised = await api.initialized(initVault);
    return { done: true, state: "answering" };
  };
  await waitFor(ctx.clock, ctx.log, s.unsealWaitSeconds, probe, (state, seconds) => {
    const pod = "kubectl -n vault get pods; kubectl -n vault logs vault-0";
    return `read the initialisation status: ${s.initAddr} was still ${state} after ${seconds} s: check the server pod (${pod})`;
  });
  const kube = ctx.kube();
  if (isInitialised) return afterInitialised(ctx, kube);

  const kind = s.seal === "auto" ? "recovery" : "unseal";
  ctx.log.info(
    `Vault at ${s.initAddr} is not initialised: initialising (${s.init.shares} ${kind} key shares, threshold ` +
      `${s.init.threshold}, each encrypted to the PGP key of ${s.init.holders.join(", ")})`,
  );
  // Reach the Kubernetes API before the one step that cannot be repeated: a wrong address, CA,
  // token or a missing `get` permission shows here, while nothing is lost yet.
  await kube.getSecret("check access to the shares Secret", s.sharesSecret);
  let answer;
  try {
    answer = await api.initialize(initVault, s.seal === "auto" ? "auto" : "shamir", s.init);
  } catch (e) {
    if (!(e instanceof NetworkError)) throw e;
    throw new Error(
      `${e.message}: the answer to the init request was lost. If Vault is initialised now (GET /v1/sys/init), ` +
        "its shares and root token were lost with it: delete Vault's data volumes and run again",
    );
  }
  const { shares, rootToken } = answer;
  ctx.log.secret(rootToken);
  ctx.log.secret(shares);
  ctx.log.info("Vault initialised; storing the encrypted shares before anything else");
  const stored = await storeShares(ctx, kube, shares);

  /** @type {unknown} */
  let error = null;
  try {
    await waitUnsealed(ctx, initVault).catch((e) => {
      // The root token dies with this pod (it cannot be revoked while Vault is sealed either):
      // say now what sets Vault up later, before the token and this log are gone.
      throw new Error(
        `${e instanceof Error ? e.message : String(e)}. Vault is initialised (shares in ${ref(s.sharesSecret)}) ` +
          `but not set up, and the initial root token is lost with this pod. ${breakGlassSteps(s)}`,
      );
    });
    await setUp(ctx, rootToken);
  } catch (e) {
    error = e;
  }
  const revoked = await tryRevoke(ctx, rootToken, "the initial root token");
  if (error) throw error;
  if (!revoked) throw new Error("revoke the initial root token: failed (see above); revoke it by hand");
  if (!stored)
    throw new Error(
      `store the shares: the Secret ${ref(s.sharesSecret)} could not be written; the encrypted shares are printed ` +
        "above: save them now (docs/addons/vault.md, Initialisation)",
    );
  ctx.log.info("bootstrap complete");
}

/**
 * Vault is initialised already: nothing to do, unless the break-glass Secret holds a root token.
 * @param {Context} ctx
 * @param {Kube} kube
 */
async function afterInitialised(ctx, kube) {
  const s = ctx.setup;
  const secret = await kube.getSecret("read the break-glass Secret", s.breakGlassSecret);
  if (!secret) {
    ctx.log.info(
      `Vault is already initialised: left alone (no break-glass Secret ${ref(s.breakGlassSecret)})`,
    );
    return;
  }
  const token = (secret.data.token ?? "").trim();
  ctx.log.secret(token);
  if (!token)
    throw new Error(
      `read the break-glass Secret: ${ref(s.breakGlassSecret)} has no data key "token" holding a root token`,
    );
  ctx.log.info(
    `break-glass Secret ${ref(s.breakGlassSecret)} found: setting up again with the root token it holds`,
  );
  await ctx.vault.waitActive("wait for Vault", s.unsealWaitSeconds, sealedHint);
  if (!(await api.tokenValid(ctx.vault, token, "check the break-glass token")))
    throw new Error(
      `check the break-glass token: Vault does not accept the token in ${ref(s.breakGlassSecret)} (HTTP 403): ` +
        "generate a new root token (vault operator generate-root) and replace the Secret",
    );
  /** @type {unknown} */
  let error = null;
  try {
    await setUp(ctx, token);
  } catch (e) {
    error = e;
  }
  const revoked = await tryRevoke(ctx, token, "the break-glass root token");
  await kube.deleteSecret("delete the break-glass Secret", s.breakGlassSecret);
  ctx.log.info(`deleted the break-glass Secret ${ref(s.breakGlassSecret)}`);
  if (error) throw error;
  if (!revoked) throw new Error("revoke the break-glass root token: failed (see above); revoke it by hand");
  ctx.log.info("bootstrap complete (break-glass)");
}

/** Dev server: initialised and unsealed, with a known root token. @param {Context} ctx */
async function bootstrapDev(ctx) {
  const s = ctx.setup;
  const token = ctx.readFile("the dev root token", ctx.env.SETUP_DEV_ROOT_TOKEN).trim();
  ctx.log.secret(token);
  await ctx.vault.waitActive(
    "wait for Vault",
    s.unsealWaitSeconds,
    () => "check the dev server pod (kubectl -n vault logs vault-0)",
  );
  if (!(await api.tokenValid(ctx.vault, token, "check the dev root token"))) {
    ctx.log.info("the dev root token is no longer valid (HTTP 403): Vault is already set up, left alone");
    return;
  }
  /** @type {unknown} */
  let error = null;
  try {
    await setUp(ctx, token);
  } catch (e) {
    error = e;
  }
  const revoked = await tryRevoke(ctx, token, "the dev root token");
  if (error) throw error;
  if (!revoked) throw new Error("revoke the dev root token: failed (see above)");
  ctx.log.info("bootstrap complete (dev)");
}

/**
 * The Kubernetes auth method, its config, the configurator's policy and role (each idempotent, so
 * a break-glass rerun completes a partial setup).
 * @param {Context} ctx
 * @param {string} token a root token
 */
async function setUp(ctx, token) {
  const s = ctx.setup;
  const v = ctx.vault;
  const existing = (await api.authMethods(v, token))[`${s.authPath}/`];
  if (existing && existing.type !== "kubernetes")
    throw new Error(
      `enable the Kubernetes auth method: ${s.authPath}/ already holds a ${existing.type} auth method: refused ` +
        "(never replaced); choose another authPath",
    );
  if (existing) ctx.log.info(`auth method ${s.authPath}/ (kubernetes) already enabled`);
  else {
    await api.enableKubernetesAuth(v, token, s.authPath);
    ctx.log.info(`enabled the kubernetes auth method at ${s.authPath}/`);
  }
  await api.configureKubernetesAuth(v, token, s.authPath, s.kubernetesHost);
  ctx.log.info(`configured auth/${s.authPath}/config (kubernetes_host ${s.kubernetesHost})`);
  await api.writePolicy(v, token, s.configurator.policy, configuratorPolicy(s));
  ctx.log.info(`wrote policy ${s.configurator.policy}`);
  const c = s.configurator;
  const role = { ...c, policies: [c.policy], noDefaultPolicy: true };
  await api.writeRole(v, token, s.authPath, c.role, role);
  ctx.log.info(
    `wrote role ${c.role} (bound to ServiceAccount ${c.namespace}/${c.serviceAccount}, policy ${c.policy})`,
  );
}

/**
 * Writes shares.json = [{holder, share}] into the shares Secret, retried; after the last failure
 * prints the shares (PGP-encrypted: only each holder's private key opens one) to stderr.
 * @param {Context} ctx
 * @param {Kube} kube
 * @param {string[]} shares
 * @returns {Promise<boolean>} whether they were stored
 */
async function storeShares(ctx, kube, shares) {
  const s = ctx.setup;
  const doc = JSON.stringify(
    s.init.holders.map((holder, i) => ({ holder, share: shares[i] })),
    null,
    2,
  );
  for (let i = 1; ; i++) {
    try {
      const how = await kube.putSecret("store the shares", s.sharesSecret, { "shares.json": doc });
      ctx.log.info(
        `stored ${shares.length} encrypted shares in Secret ${ref(s.sharesSecret)} (${how}), key shares.json`,
      );
      return true;
    } catch (e) {
      ctx.log.error(`${e instanceof Error ? e.message : String(e)} (attempt ${i} of ${SHARE_ATTEMPTS})`);
      if (i >= SHARE_ATTEMPTS) break;
      await ctx.clock.sleep(SHARE_PAUSE_MS);
    }
  }
  ctx.log.lastResort([
    "=== VAULT KEY SHARES (LAST RESORT) ===",
    `The Secret ${ref(s.sharesSecret)} could not be written, and Vault will never give these shares again.`,
    "Each is encrypted to one holder's PGP key (only that holder's private key decrypts it). Save this block",
    `now (kubectl -n ${s.sharesSecret.namespace} logs job/<this Job>), then give each holder their line. Without a quorum of them Vault`,
    "cannot be unsealed (Shamir) or recovered (generate-root, rekey). This Job and its pod are kept when `pulumi up`",
    `replaces it; once the shares are saved, delete it (kubectl -n ${s.sharesSecret.namespace} get jobs; kubectl -n ${s.sharesSecret.namespace} delete job <name>).`,
    doc,
    "=== END OF VAULT KEY SHARES ===",
  ]);
  return false;
}

/** Waits for the active unsealed Vault after init (humans unseal with Shamir). @param {Context} ctx @param {import("./vault").Vault} initVault */
async function waitUnsealed(ctx, initVault) {
  const s = ctx.setup;
  if (s.seal === "shamir")
    ctx.log.info(
      `Shamir seal: waiting up to ${s.unsealWaitSeconds} s for the key holders to unseal Vault ` +
        `(${s.init.threshold} of ${s.init.shares} shares, on every server pod)`,
    );
  const progress = async () => {
    const st = await api.sealStatus(initVault);
    return st.sealed
      ? ` (vault-0: sealed, unseal progress ${st.progress ?? 0} of ${st.t ?? "?"})`
      : " (vault-0: unsealed)";
  };
  await ctx.vault.waitActive("wait until Vault is unsealed", s.unsealWaitSeconds, sealedHint, progress);
}

/** @param {string} state @returns {string} */
function sealedHint(state) {
  if (state.startsWith("sealed") || state.includes("vault-0: sealed"))
    return (
      "the key holders must unseal every server pod (kubectl -n vault exec -ti vault-N -- vault operator unseal, " +
      "once per share up to the threshold); with auto-unseal, check the KMS access (kubectl -n vault logs vault-0)"
    );
  return "check the server pods (kubectl -n vault get pods; kubectl -n vault logs vault-0)";
}

/**
 * @param {Context} ctx @param {string} token @param {string} what
 * @returns {Promise<boolean>}
 */
async function tryRevoke(ctx, token, what) {
  try {
    await api.revokeSelf(ctx.vault, token, `revoke ${what}`);
    ctx.log.info(`revoked ${what}`);
    return true;
  } catch (e) {
    ctx.log.error(e instanceof Error ? e.message : String(e));
    return false;
  }
}

/**
 * The break-glass steps that set up an initialised Vault the bootstrap could not set up (its
 * configurator role is missing): the key holders generate a root token (Vault's `operator
 * generate-root`, with a quorum of unseal or recovery shares), put it into the break-glass Secret
 * (data key `token`), and re-run both Jobs (setup.json `jobUrns`, the Jobs' Pulumi URNs).
 * @param {import("./config").Setup} s
 * @returns {string}
 */
function breakGlassSteps(s) {
  const bg = s.breakGlassSecret;
  const vault = "kubectl -n vault exec -ti vault-0 -- vault operator generate-root";
  const rerun = s.jobUrns
    ? `pulumi up --replace '${s.jobUrns.bootstrap}' --replace '${s.jobUrns.configure}'`
    : "pulumi up --replace <the bootstrap Job's URN> --replace <the configure Job's URN> (pulumi stack --show-urns)";
  return (
    "Break glass, once Vault is unsealed: (1) a quorum of key holders generate a root token: " +
    `${vault} -init (note the OTP), then each holder: ${vault} (enters their decrypted share), then ` +
    `${vault} -decode=<encoded token> -otp=<OTP> > root-token; (2) kubectl -n ${bg.namespace} create secret generic ` +
    `${bg.name} --from-file=token=root-token && rm root-token; (3) ${rerun}: the bootstrap sets Vault up with ` +
    "that token, revokes it and deletes the Secret (docs/addons/vault.md, Break glass)"
  );
}

/** @param {{ namespace: string, name: string }} r */
const ref = (r) => `${r.namespace}/${r.name}`;

module.exports = { bootstrap, sealedHint, breakGlassSteps };
