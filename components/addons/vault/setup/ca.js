// @ts-check
/**
 * ha mode, bootstrap: Vault's CA certificate from the kube API. The Jobs run in their own namespace
 * and a pod mounts no Secret of another namespace (Kubernetes docs, "Secrets": a Secret volume names
 * a Secret of the pod's namespace), so the bootstrap reads the certificate from `vaultCa.source`
 * (key `vaultCa.key`, a Secret of the vault namespace holding no key anyone trusts) and copies it
 * into the ConfigMap `vaultCa.configMap`, which the configure Job mounts. Public data only: the
 * certificate is logged by neither step.
 */
"use strict";

const { Vault } = require("./vault");

/** @typedef {import("./vault-setup").Context} Context */

const PEM = /^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+-----END CERTIFICATE-----\s*$/;

/**
 * The context with Vault clients that trust the CA read from the kube API (and the ConfigMap written).
 * @param {Context} ctx
 * @returns {Promise<Context>}
 */
async function withVaultCaFromApi(ctx) {
  const ca = ctx.setup.vaultCa;
  if (!ca) return ctx;
  const kube = ctx.kube();
  const step = "read Vault's CA certificate";
  const secret = await kube.getSecret(step, ca.source);
  const where = `Secret ${ca.source.namespace}/${ca.source.name}`;
  if (!secret)
    throw new Error(`${step}: ${where} does not exist yet (cert-manager issues it from Vault's CA Issuer)`);
  const pem = secret.data[ca.key] ?? "";
  if (!PEM.test(pem)) throw new Error(`${step}: ${where} has no PEM certificate in data key "${ca.key}"`);
  const how = await kube.putConfigMap("copy Vault's CA certificate", ca.configMap, { "ca.crt": pem });
  ctx.log.info(
    `copied Vault's CA certificate from ${where} to ConfigMap ${ca.configMap.namespace}/${ca.configMap.name} (${how})`,
  );
  /** @param {string} addr */
  const vaultAt = (addr) => new Vault({ addr, ca: pem, clock: ctx.clock, log: ctx.log });
  return { ...ctx, vault: vaultAt(ctx.env.VAULT_ADDR), vaultAt };
}

module.exports = { withVaultCaFromApi };
