// @ts-check
/**
 * The Kubernetes API calls of the bootstrap Job: one Secret at a time, by name (core/v1 Secret:
 * GET/PUT/DELETE /api/v1/namespaces/{ns}/secrets/{name}, POST /api/v1/namespaces/{ns}/secrets),
 * and in ha mode one ConfigMap the same way (core/v1 ConfigMap: /api/v1/namespaces/{ns}/configmaps).
 * Errors name the step, the method, the path, the status and the API server's `message`.
 */
"use strict";

const { send, withRetries, NetworkError } = require("./http");
const { serverText } = require("./log");

/** @typedef {import("./http").Clock} Clock */
/** @typedef {import("./config").SecretRef} SecretRef */

/** Label on the Secrets this program creates. */
const MANAGED_BY = { "app.kubernetes.io/managed-by": "kube-platform-vault-setup" };

/** The API server answered with an error status. */
class KubeError extends Error {
  /** @param {string} message @param {number} status */
  constructor(message, status) {
    super(message);
    this.name = "KubeError";
    this.status = status;
  }
}

/** @param {unknown} e */
const transient = (e) => e instanceof NetworkError || (e instanceof KubeError && e.status >= 500);

class Kube {
  /** @param {{ api: string, token: string, ca?: string, clock: Clock, timeoutMs?: number }} o */
  constructor(o) {
    this.api = o.api.replace(/\/+$/, "");
    this.token = o.token;
    this.ca = o.ca;
    this.clock = o.clock;
    this.timeoutMs = o.timeoutMs ?? 15000;
  }

  /**
   * @param {string} step @param {string} method @param {string} path @param {unknown} [body]
   * @param {number[]} [accept]
   * @returns {Promise<{ status: number, body: any }>}
   */
  async call(step, method, path, body, accept = []) {
    const attempt = async () => {
      const res = await send({
        url: `${this.api}${path}`,
        method,
        headers: { authorization: `Bearer ${this.token}` },
        body,
        ca: this.ca,
        timeoutMs: this.timeoutMs,
      });
      if ((res.status >= 200 && res.status < 300) || accept.includes(res.status)) return res;
      const message = serverText(String(res.body?.message ?? res.text ?? ""));
      throw new KubeError(`${step}: ${method} ${path} answered HTTP ${res.status}: ${message}`, res.status);
    };
    try {
      return await withRetries(attempt, { attempts: 3, clock: this.clock, retryable: transient });
    } catch (e) {
      if (e instanceof NetworkError)
        throw new NetworkError(`${step}: ${method} ${path} at ${this.api} failed: ${e.message}`);
      throw e;
    }
  }

  /**
   * The Secret's data (decoded), or null when it does not exist.
   * @param {string} step @param {SecretRef} ref
   * @returns {Promise<{ data: Record<string, string>, resourceVersion: string } | null>}
   */
  async getSecret(step, ref) {
    const r = await this.call(step, "GET", secretPath(ref), undefined, [404]);
    if (r.status === 404) return null;
    /** @type {Record<string, string>} */
    const data = {};
    for (const [k, v] of Object.entries(r.body?.data ?? {}))
      data[k] = Buffer.from(String(v), "base64").toString("utf8");
    return { data, resourceVersion: String(r.body?.metadata?.resourceVersion ?? "") };
  }

  /**
   * Creates the Secret with `data`, or replaces the data of the existing one (PUT with its
   * resourceVersion; a conflict is retried from a new read).
   * @param {string} step @param {SecretRef} ref @param {Record<string, string>} data
   * @returns {Promise<"created" | "updated">}
   */
  async putSecret(step, ref, data) {
    /** @type {Record<string, string>} */
    const encoded = {};
    for (const [k, v] of Object.entries(data)) encoded[k] = Buffer.from(v, "utf8").toString("base64");
    return this.put(step, "secrets", ref, { kind: "Secret", type: "Opaque" }, encoded);
  }

  /**
   * Creates the ConfigMap with `data`, or replaces the data of the existing one (as putSecret).
   * @param {string} step @param {SecretRef} ref @param {Record<string, string>} data
   * @returns {Promise<"created" | "updated">}
   */
  async putConfigMap(step, ref, data) {
    return this.put(step, "configmaps", ref, { kind: "ConfigMap" }, data);
  }

  /**
   * @param {string} step @param {"secrets" | "configmaps"} resource @param {SecretRef} ref
   * @param {Record<string, string>} head @param {Record<string, string>} data
   * @returns {Promise<"created" | "updated">}
   */
  async put(step, resource, ref, head, data) {
    const path = objectPath(resource, ref);
    for (let i = 0; ; i++) {
      const existing = await this.call(step, "GET", path, undefined, [404]);
      const metadata = { name: ref.name, namespace: ref.namespace, labels: MANAGED_BY };
      if (existing.status === 404) {
        const body = { apiVersion: "v1", ...head, metadata, data };
        const r = await this.call(
          step,
          "POST",
          `/api/v1/namespaces/${ref.namespace}/${resource}`,
          body,
          [409],
        );
        if (r.status !== 409) return "created";
      } else {
        const old = existing.body ?? {};
        const resourceVersion = String(old.metadata?.resourceVersion ?? "");
        const body = {
          ...old,
          metadata: { ...old.metadata, resourceVersion },
          data: { ...old.data, ...data },
        };
        const r = await this.call(step, "PUT", path, body, [409]);
        if (r.status !== 409) return "updated";
      }
      if (i >= 3) throw new KubeError(`${step}: ${path} kept changing (HTTP 409 four times)`, 409);
    }
  }

  /** @param {string} step @param {SecretRef} ref */
  async deleteSecret(step, ref) {
    await this.call(step, "DELETE", secretPath(ref), undefined, [404]);
  }
}

/** @param {"secrets" | "configmaps"} resource @param {SecretRef} ref */
const objectPath = (resource, ref) => `/api/v1/namespaces/${ref.namespace}/${resource}/${ref.name}`;
/** @param {SecretRef} ref */
const secretPath = (ref) => objectPath("secrets", ref);

module.exports = { Kube, KubeError, MANAGED_BY };
