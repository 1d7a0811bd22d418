// @ts-check
/**
 * One HTTP(S) request with a time limit, and a bounded retry loop with backoff. No keep-alive (each
 * request has its own connection), JSON in and out. A request body is never part of an error.
 */
"use strict";

const http = require("node:http");
const https = require("node:https");

/** @typedef {{ now(): number, sleep(ms: number): Promise<void> }} Clock */
/** @typedef {{ status: number, body: any, text: string }} HttpResponse */

/** Largest response body read (bytes). */
const MAX_BODY = 4 * 1024 * 1024;

/** The real clock. @type {Clock} */
const realClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The server was not reached, or did not answer in time. */
class NetworkError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "NetworkError";
  }
}

/**
 * @param {{ url: string, method: string, headers?: Record<string, string>, body?: unknown,
 *           ca?: string, timeoutMs: number }} o
 * @returns {Promise<HttpResponse>} any HTTP status; rejects with NetworkError only
 */
function send(o) {
  return new Promise((resolve, reject) => {
    const url = new URL(o.url);
    const payload = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body));
    /** @type {Record<string, string | number>} */
    const headers = { accept: "application/json", ...o.headers };
    if (payload) {
      headers["content-type"] = "application/json";
      headers["content-length"] = payload.length;
    }
    const options = { method: o.method, headers, agent: false, timeout: o.timeoutMs };
    /** @param {http.IncomingMessage} res */
    const onResponse = (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      let size = 0;
      res.on("data", (/** @type {Buffer} */ chunk) => {
        size += chunk.length;
        if (size > MAX_BODY) req.destroy(new NetworkError(`response larger than ${MAX_BODY} bytes`));
        else chunks.push(chunk);
      });
      res.on("error", (e) => fail(e));
      res.on("end", () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString("utf8");
        let body = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = null;
        }
        resolve({ status: res.statusCode ?? 0, body, text });
      });
    };
    const req =
      url.protocol === "https:"
        ? https.request(url, { ...options, ...(o.ca ? trustOnly(o.ca) : {}) }, onResponse)
        : http.request(url, options, onResponse);
    /** @param {Error & { code?: string }} e */
    const fail = (e) => {
      clearTimeout(timer);
      reject(e instanceof NetworkError ? e : new NetworkError(e.code ? `${e.code} ${e.message}` : e.message));
    };
    const timer = setTimeout(
      () => req.destroy(new NetworkError(`no answer within ${o.timeoutMs / 1000} s`)),
      o.timeoutMs,
    );
    req.on("timeout", () => req.destroy(new NetworkError(`no answer within ${o.timeoutMs / 1000} s`)));
    req.on("error", fail);
    req.end(payload);
  });
}

/**
 * TLS options trusting exactly `ca`. Vault's CA (the `vault-ca` Certificate) is itself signed by the
 * platform's self-signed root, which cert-manager leaves out of `tls.crt` (pkg/util/pki/parse.go:
 * self-signed certificates are not included in the chain), and that root must not be trusted (any
 * namespace can have it issue certificates). OpenSSL accepts a non-self-signed anchor only with
 * partial-chain verification: Node's `allowPartialTrustChain` (tls.createSecureContext, Node
 * 22.9 / 20.18; Go clients such as Vault's CLI and agent accept such an anchor as is).
 * @param {string} ca PEM
 */
function trustOnly(ca) {
  return { ca, allowPartialTrustChain: true };
}

/**
 * Runs `attempt` until it succeeds, at most `attempts` times, sleeping 1 s, 2 s, 4 s … (at most
 * 10 s) between tries, while `retryable(error)` holds.
 * @template T
 * @param {() => Promise<T>} attempt
 * @param {{ attempts: number, clock: Clock, retryable: (e: unknown) => boolean }} o
 * @returns {Promise<T>}
 */
async function withRetries(attempt, o) {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (i >= o.attempts || !o.retryable(e)) throw e;
      await o.clock.sleep(Math.min(1000 * 2 ** (i - 1), 10000));
    }
  }
}

module.exports = { send, withRetries, NetworkError, realClock };
