/**
 * A fake Vault HTTP API for the setup Jobs' tests, implementing the endpoints they call as Vault's
 * API documentation describes them (hashicorp/vault website/content/api-docs/: system/init, health,
 * seal-status, auth, mounts, audit, policies; auth/kubernetes; auth/token; secret/kv/kv-v2), with
 * ACL enforcement: a token may do only what its policies' path rules allow (exact paths, a trailing
 * `*` glob, `deny`, `sudo` on root-protected paths, allowed/denied parameters (paramsAllowed), "create" vs "update" from the existence checks
 * of KV v2 data and Kubernetes roles, LIST checked on the path with a trailing slash). Two
 * listeners share one state: `url` (the active Service) and `podUrl` (vault-0), so tests see where
 * each request went. Faults: a dropped connection or an error status on chosen requests.
 */
import * as http from "http";
import { AddressInfo } from "net";

export interface Recorded {
  via: "active" | "pod";
  method: string;
  path: string;
  token?: string;
  body: Record<string, unknown> | null;
}
interface Role {
  names: string[];
  namespaces: string[];
  policies: string[];
  ttl: number;
  maxTtl: number;
  noDefault: boolean;
}
interface Fault {
  method?: string;
  path: string | RegExp;
  times: number;
  drop?: boolean;
  status?: number;
}
type Reply = [number, unknown?];
const fail = (status: number, ...errors: string[]): Reply => [status, { errors }];
const UPGRADING =
  "Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.";
const NO_NAMESPACES =
  '"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set';

/** Root-protected paths of the sys backend (vault/logical_system.go PathsSpecial.Root). */
const SUDO = [/^sys\/auth\/.+/, /^sys\/audit\/?$/, /^sys\/audit\/.+/];
const UNAUTHENTICATED = [/^sys\/(init|seal-status|health)$/, /^auth\/[^/]+\/login$/];
/** A subset of Vault's built-in default policy. */
const DEFAULT_POLICY = `path "auth/token/lookup-self" {\n  capabilities = ["read"]\n}\npath "auth/token/revoke-self" {\n  capabilities = ["update"]\n}\n`;
const RULE =
  /path\s+"([^"]+)"\s*\{\s*capabilities\s*=\s*\[([^\]]*)\]\s*((?:(?:allowed|denied)_parameters\s*=\s*\{[^}]*\}\s*)*)\}/g;
const PARAMS = /(allowed|denied)_parameters\s*=\s*\{([^}]*)\}/g;
const PARAM = /"([^"]+)"\s*=\s*\[([^\]]*)\]/g;
const strings = (list: string): string[] => [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? "");

/** Parameter constraints of one path rule (Vault's "Policies" page, "Parameter constraints"). */
export interface ParamRules {
  allowed?: Map<string, string[]>;
  denied?: Map<string, string[]>;
}

/** Capabilities and parameter constraints of an HCL policy of the form the setup program writes; null when it does not parse. */
export function parsePolicyRules(
  text: string,
): { caps: Map<string, string[]>; params: Map<string, ParamRules> } | null {
  const caps = new Map<string, string[]>();
  const params = new Map<string, ParamRules>();
  const rest = text.replace(/#.*$/gm, "").replace(RULE, (_m, path: string, list: string, blocks: string) => {
    caps.set(path, [
      ...(caps.get(path) ?? []),
      ...list.split(",").map((c) => c.trim().replace(/^"|"$/g, "")),
    ]);
    for (const [, kind, body] of blocks.matchAll(PARAMS)) {
      const m = new Map<string, string[]>();
      for (const [, key, values] of (body ?? "").matchAll(PARAM)) m.set(key ?? "", strings(values ?? ""));
      params.set(path, { ...params.get(path), [kind === "allowed" ? "allowed" : "denied"]: m });
    }
    return "";
  });
  return rest.trim() === "" ? { caps, params } : null;
}

/** The capabilities of each path of a policy; null when it does not parse. */
export function parsePolicy(text: string): Map<string, string[]> | null {
  return parsePolicyRules(text)?.caps ?? null;
}

/** strutil.GlobbedStringsMatch: a leading and/or trailing `*` in `item`. */
export function globMatch(item: string, val: string): boolean {
  if (item.length < 2) return val === item;
  const pre = item.startsWith("*");
  const suf = item.endsWith("*");
  if (pre && suf) return val.includes(item.slice(1, -1));
  if (pre) return val.endsWith(item.slice(1));
  if (suf) return val.startsWith(item.slice(0, -1));
  return val === item;
}
const inList = (v: unknown, list: string[]) => typeof v === "string" && list.some((el) => globMatch(el, v));
/** A list value, or a comma string split as parseutil.ParseCommaStringSlice does. */
const elements = (v: unknown): unknown[] | null =>
  Array.isArray(v) ? v : typeof v === "string" ? v.split(",").map((x) => x.trim()) : null;

/**
 * vault/acl.go AllowOperation's parameter checks (not in legacy mode): a denied key whose value,
 * or any element of it, matches; with allowed keys, a key not listed or a value (every element)
 * not matching. An empty list means any value.
 */
export function paramsAllowed(rules: ParamRules, body: Record<string, unknown>): boolean {
  const entries = Object.entries(body).map(([k, v]) => [k.toLowerCase(), v] as const);
  if (entries.length === 0) return true;
  for (const [k, v] of entries) {
    const list = rules.denied?.get(k);
    if (!list) continue;
    if (list.length === 0 || inList(v, list) || (elements(v) ?? []).some((e) => inList(e, list)))
      return false;
  }
  if (!rules.allowed || rules.allowed.size === 0 || rules.allowed.has("*")) return true;
  for (const [k, v] of entries) {
    const list = rules.allowed.get(k);
    if (!list) return false;
    if (list.length === 0 || inList(v, list)) continue;
    const els = elements(v);
    if (!els || !els.every((e) => inList(e, list))) return false;
  }
  return true;
}

const duration = (v: unknown): number => {
  if (typeof v === "number") return v;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(String(v ?? "")) ?? [];
  return /^\d+$/.test(String(v))
    ? Number(v)
    : Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
};
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === "string" && v ? v.split(",").map((s) => s.trim()) : [];

export class FakeVault {
  url = "";
  podUrl = "";
  initialized: boolean;
  sealed: boolean;
  readonly requests: Recorded[] = [];
  readonly tokens = new Map<string, { policies: string[] }>();
  readonly policies = new Map<string, string>([["default", DEFAULT_POLICY]]);
  readonly auth = new Map<
    string,
    { type: string; config?: Record<string, unknown>; roles: Map<string, Role> }
  >();
  readonly mounts = new Map<string, { type: string; options: Record<string, string> | null }>();
  readonly audit = new Map<string, { type: string; options: Record<string, string> }>();
  readonly kv = new Map<string, { version: number; data: Record<string, unknown> }>();
  readonly jwts = new Map<string, { namespace: string; name: string }>();
  readonly faults: Fault[] = [];
  /** The init request as received, and the answer's root token. */
  initRequest: Record<string, unknown> | null = null;
  rootToken = "";
  /** The encrypted shares the init answer carried (base64). */
  shares: string[] = [];
  /** Every token ever issued (revoked ones included), for the no-secret-in-output checks. */
  readonly issued: string[] = [];
  /** Called with each request before it is served. */
  onRequest?: (r: Recorded) => void;
  private kvUpgrading = new Set<string>();
  private servers: http.Server[] = [];
  private serial = 0;

  constructor(readonly seal: "auto" | "shamir" | "dev") {
    this.initialized = seal === "dev";
    this.sealed = seal !== "dev";
  }

  async start(): Promise<this> {
    const listen = async (via: "active" | "pod") => {
      const server = http.createServer((req, res) => this.handle(via, req, res));
      this.servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    this.url = await listen("active");
    this.podUrl = await listen("pod");
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }

  /** A token with these policies (`root` for a root token). */
  token(policies: string[], id = `hvs.fake-${++this.serial}-${"x".repeat(20)}`): string {
    this.tokens.set(id, { policies });
    this.issued.push(id);
    return id;
  }

  /** A projected ServiceAccount token the fake TokenReview accepts. */
  jwt(namespace: string, name: string): string {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const claims = {
      iss: "https://kubernetes.default.svc",
      "kubernetes.io": { namespace, serviceaccount: { name } },
    };
    const token = `${b64({ alg: "RS256" })}.${b64(claims)}.sig-${++this.serial}-${"y".repeat(24)}`;
    this.jwts.set(token, { namespace, name });
    return token;
  }

  fault(f: Fault): void {
    this.faults.push(f);
  }

  private handle(via: "active" | "pod", req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const listing = req.method === "GET" && url.searchParams.get("list") === "true";
      const method = listing ? "LIST" : (req.method ?? "GET");
      let path = url.pathname.replace(/^\/v1\//, "");
      if (listing && !path.endsWith("/")) path += "/"; // http/logical.go
      const token = req.headers["x-vault-token"];
      let body: Record<string, unknown> | null = null;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : null;
      } catch {
        return this.send(res, fail(400, "failed to parse JSON input"));
      }
      const recorded = { via, method, path, token: typeof token === "string" ? token : undefined, body };
      this.requests.push(recorded);
      this.onRequest?.(recorded);
      const fault = this.faults.find(
        (f) =>
          f.times > 0 &&
          (!f.method || f.method === method) &&
          (typeof f.path === "string" ? path.startsWith(f.path) : f.path.test(path)),
      );
      if (fault) {
        fault.times--;
        if (fault.drop) return void req.socket.destroy();
        return this.send(res, [fault.status ?? 500, { errors: ["injected fault"] }]);
      }
      this.send(res, this.route(method, path, typeof token === "string" ? token : "", body ?? {}));
    });
  }

  private send(res: http.ServerResponse, [status, body]: Reply): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body === undefined ? "" : JSON.stringify(body));
  }

  private route(method: string, path: string, token: string, body: Record<string, unknown>): Reply {
    if (path === "sys/health") return [!this.initialized ? 501 : this.sealed ? 503 : 200, this.sealStatus()];
    if (path === "sys/seal-status") return [200, this.sealStatus()];
    if (path === "sys/init" && method === "GET") return [200, { initialized: this.initialized }];
    if (path === "sys/init" && (method === "PUT" || method === "POST")) return this.init(body);
    if (this.sealed) return fail(503, "Vault is sealed");
    if (!UNAUTHENTICATED.some((r) => r.test(path))) {
      const denied = this.check(method, path, token, body);
      if (denied) return denied;
    }
    const parts = path.split("/");
    if (path === "auth/token/lookup-self")
      return [200, { data: { policies: this.tokens.get(token)?.policies } }];
    if (path === "auth/token/revoke-self") return (this.tokens.delete(token), [204]);
    if (path === "sys/auth") return [200, this.table(this.auth, { "token/": { type: "token" } })];
    if (parts[0] === "sys" && parts[1] === "auth")
      return this.enable(this.auth, parts.slice(2).join("/"), body);
    if (path === "sys/mounts") return [200, this.table(this.mounts, {})];
    if (parts[0] === "sys" && parts[1] === "mounts")
      return this.enable(this.mounts, parts.slice(2).join("/"), body);
    if (path === "sys/audit") return [200, this.table(this.audit, {})];
    if (parts[0] === "sys" && parts[1] === "audit")
      return this.enable(this.audit, parts.slice(2).join("/"), body);
    if (path.startsWith("sys/policies/acl/")) return this.policy(method, parts[3] ?? "", body);
    const auth = parts[0] === "auth" ? this.auth.get(`${parts[1]}/`) : undefined;
    if (auth?.type === "kubernetes") return this.kubernetes(method, auth, parts.slice(2), body);
    const kv = this.mounts.get(`${parts[0]}/`);
    if (kv?.type === "kv" && kv.options?.version === "2") return this.kv2(method, parts, body);
    return fail(404, `no handler for route "${path}"`);
  }

  private sealStatus() {
    const r = this.initRequest ?? {};
    const n = Number(r.secret_shares ?? r.recovery_shares ?? 0);
    const t = Number(r.secret_threshold ?? r.recovery_threshold ?? 0);
    const type = this.seal === "auto" ? "awskms" : "shamir";
    return { type, initialized: this.initialized, sealed: this.sealed, t, n, progress: 0 };
  }

  /** http/sys_init.go: parameter checks by seal kind, shares encrypted in key order. */
  private init(body: Record<string, unknown>): Reply {
    if (this.initialized) return fail(400, "Vault is already initialized");
    const recovery = "recovery_shares" in body || "recovery_threshold" in body || "recovery_pgp_keys" in body;
    const barrier = "secret_shares" in body || "secret_threshold" in body || "pgp_keys" in body;
    if (this.seal === "auto" && barrier)
      return fail(400, "parameters not specific to auto unseal seals present");
    if (this.seal === "shamir" && recovery)
      return fail(400, "parameters specific to auto unseal seals present");
    const n = Number(this.seal === "auto" ? body.recovery_shares : body.secret_shares);
    const keys = list(this.seal === "auto" ? body.recovery_pgp_keys : body.pgp_keys);
    if (keys.length !== n) return fail(400, "incorrect number of PGP keys");
    this.initRequest = body;
    this.initialized = true;
    this.sealed = this.seal === "shamir";
    this.rootToken = this.token(["root"], `hvs.root-${"r".repeat(24)}`);
    const shares = keys.map((k, i) => Buffer.from(`pgp-encrypted-share-${i}-for-${k}`).toString("base64"));
    this.shares = shares;
    const keysHex = shares.map((s) => Buffer.from(s, "base64").toString("hex"));
    return this.seal === "auto"
      ? [
          200,
          {
            keys: [],
            keys_base64: [],
            recovery_keys: keysHex,
            recovery_keys_base64: shares,
            root_token: this.rootToken,
          },
        ]
      : [200, { keys: keysHex, keys_base64: shares, root_token: this.rootToken }];
  }

  /** The ACL check of one request (capabilities, then parameter constraints): a 403 reply, or null when allowed. */
  private check(method: string, path: string, token: string, body: Record<string, unknown>): Reply | null {
    const entry = this.tokens.get(token);
    const denied: Reply = fail(403, "1 error occurred:\n\t* permission denied\n\n");
    if (!entry) return denied;
    if (entry.policies.includes("root")) return null;
    const rules = new Map<string, Set<string>>();
    const params = new Map<string, ParamRules>();
    for (const name of entry.policies) {
      const parsed = parsePolicyRules(this.policies.get(name) ?? "");
      for (const [p, caps] of parsed?.caps ?? []) rules.set(p, new Set([...(rules.get(p) ?? []), ...caps]));
      for (const [p, r] of parsed?.params ?? []) params.set(p, r);
    }
    const exact = rules.get(path);
    const glob = [...rules.keys()]
      .filter((p) => p.endsWith("*") && path.startsWith(p.slice(0, -1)))
      .sort((a, b) => b.length - a.length)[0];
    const caps = exact ?? (glob ? rules.get(glob) : undefined) ?? new Set<string>();
    const need =
      { GET: "read", LIST: "list", DELETE: "delete" }[method] ??
      (this.exists(path) === false ? "create" : "update");
    if (caps.has("deny") || !caps.has(need) || (SUDO.some((r) => r.test(path)) && !caps.has("sudo")))
      return denied;
    const constraints = params.get(exact ? path : (glob ?? ""));
    if ((need === "create" || need === "update") && constraints && !paramsAllowed(constraints, body))
      return denied;
    return null;
  }

  /** Existence checks (KV v2 data, Kubernetes roles); undefined for paths without one. */
  private exists(path: string): boolean | undefined {
    const parts = path.split("/");
    const auth = parts[0] === "auth" ? this.auth.get(`${parts[1]}/`) : undefined;
    if (auth?.type === "kubernetes" && parts[2] === "role" && parts[3]) return auth.roles.has(parts[3]);
    const kv = this.mounts.get(`${parts[0]}/`);
    if (kv?.type === "kv" && parts[1] === "data")
      return this.kv.has(`${parts[0]}/${parts.slice(2).join("/")}`);
    return undefined;
  }

  private table(m: Map<string, object>, extra: Record<string, object>): object {
    const data = { ...extra, ...Object.fromEntries(m) };
    return { ...data, data };
  }

  private enable(m: Map<string, { type: string }>, at: string, body: Record<string, unknown>): Reply {
    if (m.has(`${at}/`)) return fail(400, `path is already in use at ${at}/`);
    if (typeof body.type !== "string") return fail(400, "missing type");
    const options = (body.options as Record<string, string> | undefined) ?? null;
    m.set(`${at}/`, { type: body.type, options, roles: new Map() } as { type: string });
    if (body.type === "kv" && options?.version === "2") this.kvUpgrading.add(at);
    return [204];
  }

  private policy(method: string, name: string, body: Record<string, unknown>): Reply {
    if (method === "LIST") return [200, { data: { keys: ["root", ...this.policies.keys()].sort() } }];
    if (method === "GET") {
      const text = this.policies.get(name);
      return text === undefined ? fail(404) : [200, { data: { name, rules: text, policy: text } }];
    }
    if (method === "DELETE") {
      if (name === "root" || name === "default") return fail(400, `cannot delete "${name}" policy`);
      return (this.policies.delete(name), [204]);
    }
    if (name === "root") return fail(400, 'cannot update "root" policy');
    if (typeof body.policy !== "string" || !parsePolicy(body.policy))
      return fail(400, "failed to parse policy");
    this.policies.set(name, body.policy);
    return [204];
  }

  /** vault-plugin-auth-kubernetes: config, role (path_role.go), login (path_login.go). */
  private kubernetes(
    method: string,
    auth: { config?: Record<string, unknown>; roles: Map<string, Role> },
    parts: string[],
    body: Record<string, unknown>,
  ): Reply {
    const [what, name] = parts;
    if (what === "config") {
      if (method === "GET") return [200, { data: auth.config ?? {} }];
      if (!body.kubernetes_host) return fail(400, "no host provided");
      return ((auth.config = body), [204]);
    }
    if (what === "login") return this.login(auth.roles, body);
    if (what !== "role") return fail(404);
    if (method === "LIST")
      return [auth.roles.size ? 200 : 404, { data: { keys: [...auth.roles.keys()].sort() } }];
    const role = name ? auth.roles.get(name) : undefined;
    if (method === "GET") {
      if (!role) return fail(404);
      const d = {
        bound_service_account_names: role.names,
        bound_service_account_namespaces: role.namespaces,
      };
      const t = { token_policies: role.policies, token_ttl: role.ttl, token_max_ttl: role.maxTtl };
      return [200, { data: { ...d, ...t, token_no_default_policy: role.noDefault } }];
    }
    if (method === "DELETE") return (auth.roles.delete(name ?? ""), [204]);
    const field = <T>(key: string, read: (v: unknown) => T, was: T): T =>
      key in body ? read(body[key]) : was;
    const next: Role = {
      names: field("bound_service_account_names", list, role?.names ?? []),
      namespaces: field("bound_service_account_namespaces", list, role?.namespaces ?? []),
      policies: field("token_policies", list, role?.policies ?? []),
      ttl: field("token_ttl", duration, role?.ttl ?? 0),
      maxTtl: field("token_max_ttl", duration, role?.maxTtl ?? 0),
      noDefault: field("token_no_default_policy", (v) => v === true, role?.noDefault ?? false),
    };
    if (!next.names.length) return fail(400, '"bound_service_account_names" can not be empty');
    if (!next.namespaces.length) return fail(400, NO_NAMESPACES);
    auth.roles.set(name ?? "", next);
    return [200, { warnings: [`Role ${name} does not have an audience configured.`] }];
  }

  private login(roles: Map<string, Role>, body: Record<string, unknown>): Reply {
    const role = roles.get(String(body.role));
    if (!role) return fail(400, `invalid role name "${String(body.role)}"`);
    const sa = this.jwts.get(String(body.jwt));
    if (!sa) return fail(403, "permission denied");
    const allows = (bound: string[], v: string) =>
      (bound.length === 1 && bound[0] === "*") || bound.includes(v);
    if (!allows(role.names, sa.name)) return fail(403, "service account name not authorized");
    if (!allows(role.namespaces, sa.namespace)) return fail(403, "namespace not authorized");
    const policies = [...(role.noDefault ? [] : ["default"]), ...role.policies];
    const auth = { client_token: this.token(policies), policies, token_policies: policies };
    return [200, { auth: { ...auth, lease_duration: role.ttl, renewable: true } }];
  }

  /** vault-plugin-secrets-kv: data (cas), metadata; 400 while "upgrading" right after enabling. */
  private kv2(method: string, parts: string[], body: Record<string, unknown>): Reply {
    const [mount, what] = parts;
    if (this.kvUpgrading.delete(mount ?? "")) return fail(400, UPGRADING);
    const key = `${mount}/${parts.slice(2).join("/")}`;
    const entry = this.kv.get(key);
    if (what === "metadata" && method === "GET")
      return entry ? [200, { data: { current_version: entry.version, versions: {} } }] : fail(404);
    if (what !== "data") return fail(404);
    if (method === "GET")
      return entry ? [200, { data: { data: entry.data, metadata: { version: entry.version } } }] : fail(404);
    if (typeof body.data !== "object" || body.data === null) return fail(400, "no data provided");
    const cas = (body.options as { cas?: number } | undefined)?.cas;
    if (cas !== undefined && cas !== (entry?.version ?? 0))
      return fail(400, "check-and-set parameter did not match the current version");
    const version = (entry?.version ?? 0) + 1;
    this.kv.set(key, { version, data: body.data as Record<string, unknown> });
    return [
      200,
      { data: { version, created_time: "2026-01-01T00:00:00Z", deletion_time: "", destroyed: false } },
    ];
  }
}
