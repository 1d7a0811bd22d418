// @ts-check
/**
 * A small Vault HTTP API client: every call names the step it belongs to, and every error names
 * the step, the method, the path, the HTTP status and Vault's own `errors` text (redacted when
 * logged; request bodies are never included). Reads are retried on connection errors and 5xx;
 * writes only when the caller says they are idempotent.
 */
"use strict";

const { send, withRetries, NetworkError } = require("./http");
const { serverText } = require("./log");

/** @typedef {import("./http").Clock} Clock */
/** @typedef {import("./log").Log} Log */
/** @typedef {"GET" | "PUT" | "POST" | "DELETE" | "LIST"} Method */

/** Poll interval of the wait loops. */
const POLL_MS = 5000;
/** Attempts of a retried call (connection errors, 500/502/504). */
const ATTEMPTS = 4;

/** Vault answered with an error status. */
class VaultError extends Error {
  /** @param {string} message @param {number} status @param {string[]} errors */
  constructor(message, status, errors) {
    super(message);
    this.name = "VaultError";
    this.status = status;
    this.errors = errors;
  }
}

/** @param {unknown} e */
const transient = (e) =>
  e instanceof NetworkError || (e instanceof VaultError && [500, 502, 504].includes(e.status));

class Vault {
  /**
   * @param {{ addr: string, ca?: string, clock: Clock, log: Log, timeoutMs?: number }} o
   */
  constructor(o) {
    this.addr = o.addr.replace(/\/+$/, "");
    this.ca = o.ca;
    this.clock = o.clock;
    this.log = o.log;
    this.timeoutMs = o.timeoutMs ?? 15000;
  }

  /**
   * One API call. LIST is sent as `GET ?list=true`, which Vault's HTTP layer treats as LIST
   * (http/logical.go: both add a trailing slash to the path; an empty list answers 404, returned
   * here as `{ keys: [] }`).
   * @param {string} step what the program is doing
   * @param {Method} method
   * @param {string} path API path without `/v1/`
   * @param {{ token?: string, body?: unknown, idempotent?: boolean, accept?: number[], timeoutMs?: number }} [o]
   * @returns {Promise<{ status: number, body: any }>}
   */
  async call(step, method, path, o = {}) {
    const list = method === "LIST";
    const url = `${this.addr}/v1/${path}${list ? "?list=true" : ""}`;
    const shown = `${method} /v1/${path}`;
    const retry = o.idempotent ?? (method === "GET" || list);
    const attempt = async () => {
      const res = await send({
        url,
        method: list ? "GET" : method,
        headers: o.token ? { "x-vault-token": o.token } : {},
        body: o.body,
        ca: this.ca,
        timeoutMs: o.timeoutMs ?? this.timeoutMs,
      });
      if (list && res.status === 404) return { status: 200, body: { data: { keys: [] } } };
      if ((res.status >= 200 && res.status < 300) || (o.accept ?? []).includes(res.status))
        return { status: res.status, body: res.body };
      const errors = vaultErrors(res.body, res.text);
      throw new VaultError(
        `${step}: ${shown} answered HTTP ${res.status}: ${errors.join("; ") || "(no error text)"}`,
        res.status,
        errors,
      );
    };
    try {
      return await withRetries(attempt, {
        attempts: retry ? ATTEMPTS : 1,
        clock: this.clock,
        retryable: transient,
      });
    } catch (e) {
      if (e instanceof NetworkError)
        throw new NetworkError(
          `${step}: ${shown} at ${this.addr} failed: ${e.message}${retry ? ` (${ATTEMPTS} attempts)` : ""}`,
        );
      throw e;
    }
  }

  /**
   * Waits until Vault at this address is initialised, unsealed and active: `GET /v1/sys/health`
   * answers 200 (api-docs/system/health.mdx: 429 unsealed standby, 472/473 DR secondary or
   * performance standby, 501 not initialised, 503 sealed).
   * @param {string} step
   * @param {number} deadlineSeconds
   * @param {(state: string) => string} hint what the operator does, given the last state seen
   * @param {(() => Promise<string>)} [detail] extra state for the log (e.g. unseal progress)
   */
  async waitActive(step, deadlineSeconds, hint, detail) {
    const states = /** @type {Record<number, string>} */ ({
      429: "an unsealed standby",
      472: "a disaster-recovery secondary",
      473: "a performance standby",
      501: "not initialised",
      503: "sealed",
    });
    const probe = async () => {
      let state;
      try {
        const url = `${this.addr}/v1/sys/health`;
        const res = await send({ url, method: "GET", ca: this.ca, timeoutMs: this.timeoutMs });
        if (res.status === 200) return { done: true, state: "active" };
        state = states[res.status] ?? `answering HTTP ${res.status}`;
      } catch (e) {
        state = `not reachable (${e instanceof Error ? e.message : String(e)})`;
      }
      const extra = detail ? await detail().catch(() => "") : "";
      return { done: false, state: `${state}${extra}` };
    };
    await waitFor(this.clock, this.log, deadlineSeconds, probe, (state, seconds) => {
      return `${step}: Vault at ${this.addr} was still ${state} after ${seconds} s: ${hint(state)}`;
    });
  }
}

/**
 * Polls `probe` every POLL_MS until it reports done, logging each change of state; a connection
 * error is a state too. Throws `timeout(state, seconds)` once `deadlineSeconds` have passed.
 * @param {Clock} clock
 * @param {Log} log
 * @param {number} deadlineSeconds
 * @param {() => Promise<{ done: boolean, state: string }>} probe
 * @param {(state: string, seconds: number) => string} timeout
 */
async function waitFor(clock, log, deadlineSeconds, probe, timeout) {
  const start = clock.now();
  let last = "";
  for (;;) {
    let state;
    try {
      const r = await probe();
      if (r.done) return;
      state = r.state;
    } catch (e) {
      state = `not reachable (${e instanceof Error ? e.message : String(e)})`;
    }
    if (state !== last) log.info(`waiting (up to ${deadlineSeconds} s): Vault is ${state}`);
    last = state;
    if (clock.now() - start + POLL_MS > deadlineSeconds * 1000)
      throw new Error(timeout(state, deadlineSeconds));
    await clock.sleep(POLL_MS);
  }
}

/**
 * Vault's error texts: `{"errors": [...]}` (api-docs/index.mdx "Error response").
 * @param {any} body
 * @param {string} text
 * @returns {string[]}
 */
function vaultErrors(body, text) {
  if (body && Array.isArray(body.errors))
    return body.errors.map((/** @type {unknown} */ e) => serverText(String(e)));
  return text ? [serverText(text)] : [];
}

module.exports = { Vault, VaultError, waitFor, POLL_MS };
