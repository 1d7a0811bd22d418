#!/usr/bin/env node
// @ts-check
/**
 * The program of the in-cluster Vault setup Jobs: `node /setup/vault-setup.js bootstrap` or
 * `node /setup/vault-setup.js configure` (Node built-ins only; the files of this folder are shipped
 * together). Exit code 0: done or nothing to do; 1: a step failed (the message names it); 2: bad
 * input (setup.json, values.json, environment). Inputs, defaults and the contract with the Pulumi
 * side: `ENV_DEFAULTS` and the `Setup` type in config.js.
 */
"use strict";

const fs = require("node:fs");
const { Log } = require("./log");
const { realClock } = require("./http");
const { ENV_DEFAULTS, parseSetup, parseValues } = require("./config");
const { Vault } = require("./vault");
const { Kube } = require("./kube");
const { bootstrap } = require("./bootstrap");
const { configure } = require("./configure");
const { withVaultCaFromApi } = require("./ca");

/** @typedef {import("./http").Clock} Clock */
/** @typedef {typeof ENV_DEFAULTS & { VAULT_ADDR: string, VAULT_CACERT?: string }} Env */
/**
 * @typedef {{
 *   setup: import("./config").Setup,
 *   values: import("./config").InitialValues,
 *   env: Env,
 *   log: Log,
 *   clock: Clock,
 *   vault: Vault,
 *   vaultAt: (addr: string) => Vault,
 *   kube: () => Kube,
 *   readFile: (what: string, path: string) => string,
 * }} Context
 */

/** Bad input: reported, exit code 2. */
class InputError extends Error {}

/**
 * @param {{ argv: string[], env: Record<string, string | undefined>, clock?: Clock,
 *           out?: (line: string) => void, err?: (line: string) => void }} o
 * @returns {Promise<number>} the exit code
 */
async function main(o) {
  const out = o.out ?? ((line) => void process.stdout.write(`${line}\n`));
  const err = o.err ?? ((line) => void process.stderr.write(`${line}\n`));
  const command = o.argv[0];
  if (command !== "bootstrap" && command !== "configure") {
    err("usage: node vault-setup.js bootstrap|configure");
    return 2;
  }
  const log = new Log(command, out, err);
  try {
    const ctx = context(command, o.env, log, o.clock ?? realClock);
    // ha mode: the bootstrap trusts Vault's CA as read from the kube API (./ca.js), not a file.
    await (command === "bootstrap" ? bootstrap(await withVaultCaFromApi(ctx)) : configure(ctx));
    return 0;
  } catch (e) {
    for (const line of (e instanceof Error ? e.message : String(e)).split("\n")) log.error(line);
    return e instanceof InputError ? 2 : 1;
  }
}

/**
 * Reads and checks every input before anything is called.
 * @param {"bootstrap" | "configure"} command
 * @param {Record<string, string | undefined>} rawEnv
 * @param {Log} log
 * @param {Clock} clock
 * @returns {Context}
 */
function context(command, rawEnv, log, clock) {
  /** @param {keyof typeof ENV_DEFAULTS} k */
  const envOr = (k) => rawEnv[k] || ENV_DEFAULTS[k];
  const addr = rawEnv.VAULT_ADDR;
  if (!addr || !/^https?:\/\/\S+$/.test(addr))
    throw new InputError(`VAULT_ADDR: ${JSON.stringify(addr)} is not an http(s) URL`);
  /** @type {Env} */
  const env = {
    VAULT_ADDR: addr,
    ...(rawEnv.VAULT_CACERT ? { VAULT_CACERT: rawEnv.VAULT_CACERT } : {}),
    SETUP_CONFIG: envOr("SETUP_CONFIG"),
    SETUP_INITIAL_VALUES: envOr("SETUP_INITIAL_VALUES"),
    SETUP_DEV_ROOT_TOKEN: envOr("SETUP_DEV_ROOT_TOKEN"),
    SA_TOKEN: envOr("SA_TOKEN"),
    KUBE_API: envOr("KUBE_API"),
    KUBE_CACERT: envOr("KUBE_CACERT"),
  };
  /** @param {string} what @param {string} path */
  const readFile = (what, path) => {
    try {
      return fs.readFileSync(path, "utf8");
    } catch (e) {
      throw new InputError(`read ${what} at ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  /** @param {string} what @param {string} path @returns {unknown} */
  const readJson = (what, path) => {
    const text = readFile(what, path);
    try {
      return JSON.parse(text);
    } catch {
      // Not the parser's message: it can quote the input.
      throw new InputError(`read ${what} at ${path}: not valid JSON`);
    }
  };
  const { setup, problems } = parseSetup(readJson("setup.json", env.SETUP_CONFIG), command === "configure");
  if (problems.length) throw new InputError(problems.join("\n"));
  /** @type {import("./config").InitialValues} */
  let values = {};
  if (command === "configure" && fs.existsSync(env.SETUP_INITIAL_VALUES)) {
    const parsed = parseValues(readJson("values.json", env.SETUP_INITIAL_VALUES), setup);
    log.secret(parsed.values);
    if (parsed.problems.length) throw new InputError(parsed.problems.join("\n"));
    values = parsed.values;
  }
  const vaultCa = env.VAULT_CACERT ? readFile("the Vault CA (VAULT_CACERT)", env.VAULT_CACERT) : undefined;
  /** @param {string} a */
  const vaultAt = (a) => new Vault({ addr: a, ca: vaultCa, clock, log });
  const kube = () => {
    const token = readFile("the ServiceAccount token", env.SA_TOKEN).trim();
    log.secret(token);
    const ca = env.KUBE_API.startsWith("https:")
      ? readFile("the Kubernetes API CA", env.KUBE_CACERT)
      : undefined;
    return new Kube({ api: env.KUBE_API, token, ca, clock });
  };
  return { setup, values, env, log, clock, vault: vaultAt(addr), vaultAt, kube, readFile };
}

module.exports = { main };

if (require.main === module) {
  void main({ argv: process.argv.slice(2), env: process.env }).then((code) => {
    process.exitCode = code;
  });
}
