/**
 * A fake Kubernetes API serving core/v1 Secrets by name (GET/PUT/DELETE
 * /api/v1/namespaces/{ns}/secrets/{name}, POST /api/v1/namespaces/{ns}/secrets), and ConfigMaps the
 * same way (/api/v1/namespaces/{ns}/configmaps, kept in `configMaps`, verbs "… configmaps/<ns>/<name>"), to one bearer
 * token, recording each request's RBAC verb, with injectable failures; and `runSetup`, which runs
 * the shipped setup program in-process against a FakeVault and a FakeKube: inputs in a temporary
 * directory, a fake clock (sleeping advances it at once), every output line captured.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { main } from "../../components/addons/vault/setup/vault-setup";
import { FakeVault } from "./fake-vault";

export interface KubeSecret {
  metadata: { name: string; namespace: string; resourceVersion: string; labels?: Record<string, string> };
  type?: string;
  data?: Record<string, string>;
}

export class FakeKube {
  url = "";
  readonly token = `eyJfake-kube-sa-token.${"k".repeat(30)}`;
  readonly secrets = new Map<string, KubeSecret>();
  /** ConfigMaps by "<namespace>/<name>" (their `data` as stored: not encoded). */
  readonly configMaps = new Map<string, KubeSecret>();
  /** RBAC verb and object of every request, e.g. "get vault/vault-init-shares", "create vault/*". */
  readonly verbs: string[] = [];
  /** Requests answered with this status before being served (e.g. 403 for every write). */
  failWrites: { times: number; status: number } = { times: 0, status: 500 };
  private server?: http.Server;
  private version = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Data of a Secret, decoded. */
  data(namespace: string, name: string): Record<string, string> | undefined {
    const s = this.secrets.get(`${namespace}/${name}`);
    if (!s) return undefined;
    return Object.fromEntries(
      Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
    );
  }

  put(namespace: string, name: string, data: Record<string, string>): void {
    const encoded = Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
    );
    this.secrets.set(`${namespace}/${name}`, {
      metadata: { name, namespace, resourceVersion: String(++this.version) },
      data: encoded,
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const reply = (code: number, body: unknown) => {
        res.writeHead(code, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const status = (code: number, reason: string, message: string) =>
        reply(code, { kind: "Status", apiVersion: "v1", status: "Failure", reason, message, code });
      if (req.headers.authorization !== `Bearer ${this.token}`)
        return status(401, "Unauthorized", "Unauthorized");
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/(secrets|configmaps)(?:\/([^/]+))?$/.exec(req.url ?? "");
      if (!m) return status(404, "NotFound", "the server could not find the requested resource");
      const [, ns, resource, name] = m;
      const store = resource === "secrets" ? this.secrets : this.configMaps;
      const verb = { GET: "get", POST: "create", PUT: "update", DELETE: "delete" }[req.method ?? ""] ?? "?";
      this.verbs.push(`${verb} ${resource === "secrets" ? "" : "configmaps/"}${ns}/${name ?? "*"}`);
      if ((verb === "create" || verb === "update") && this.failWrites.times > 0) {
        this.failWrites.times--;
        return status(
          this.failWrites.status,
          "Forbidden",
          `${resource} is forbidden: cannot ${verb} resource "${resource}"`,
        );
      }
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as KubeSecret) : undefined;
      const key = `${ns}/${name ?? body?.metadata.name}`;
      const existing = store.get(key);
      if (verb === "get" || verb === "delete") {
        if (!existing) return status(404, "NotFound", `${resource} "${name}" not found`);
        if (verb === "delete") store.delete(key);
        return reply(200, existing);
      }
      if (!body) return status(400, "BadRequest", "no body");
      if (verb === "create" && existing)
        return status(409, "AlreadyExists", `${resource} "${body.metadata.name}" already exists`);
      if (verb === "update" && existing?.metadata.resourceVersion !== body.metadata.resourceVersion)
        return status(409, "Conflict", "the object has been modified");
      const stored = { ...body, metadata: { ...body.metadata, resourceVersion: String(++this.version) } };
      store.set(key, stored);
      reply(verb === "create" ? 201 : 200, stored);
    });
  }
}

/** The setup.json of the tests (the contract's example). */
export function setupJson(seal: "auto" | "shamir" | "dev", vault: FakeVault, overrides: object = {}): object {
  return {
    seal,
    initAddr: vault.podUrl,
    init: {
      shares: 3,
      threshold: 2,
      pgpKeys: ["bXlrZXlB", "bXlrZXlC", "bXlrZXlD"],
      holders: ["alice", "bob", "carol"],
    },
    unsealWaitSeconds: 600,
    sharesSecret: { namespace: "vault", name: "vault-init-shares" },
    breakGlassSecret: { namespace: "vault", name: "vault-bootstrap-token" },
    kubernetesHost: "https://kubernetes.default.svc:443",
    authPath: "kubernetes",
    configurator: {
      role: "kube-platform-configurator",
      policy: "kube-platform-configurator",
      serviceAccount: "vault-configurator",
      namespace: "vault",
      tokenTtl: "15m",
    },
    kv: { path: "secret" },
    audit: { path: "file", filePath: "/vault/audit/audit.log" },
    managedPrefix: "kp-app-",
    policies: [{ name: "kp-app-shop-web", paths: ["secret/data/shop/config"] }],
    roles: [
      {
        name: "shop-web",
        serviceAccount: "web",
        namespace: "shop",
        policies: ["kp-app-shop-web"],
        tokenTtl: "1h",
      },
    ],
    ...overrides,
  };
}

export interface Run {
  code: number;
  out: string[];
  err: string[];
  /** Every line, stdout then stderr. */
  all: string[];
  /** Milliseconds the fake clock advanced. */
  slept: number;
}

/**
 * Runs `node vault-setup.js <command>` in-process. `onSleep` is called at each sleep with the time
 * slept so far (to unseal Vault after a while, clear a fault …).
 */
export async function runSetup(o: {
  command: "bootstrap" | "configure";
  vault: FakeVault;
  kube?: FakeKube;
  setup: object;
  values?: object;
  saToken?: string;
  devToken?: string;
  onSleep?: (slept: number) => void;
}): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-setup-"));
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const env: Record<string, string> = {
    VAULT_ADDR: o.vault.url,
    SETUP_CONFIG: file("setup.json", JSON.stringify(o.setup)),
    SETUP_INITIAL_VALUES: o.values
      ? file("values.json", JSON.stringify(o.values))
      : path.join(dir, "absent.json"),
    SETUP_DEV_ROOT_TOKEN: file("dev-token", o.devToken ?? ""),
    SA_TOKEN: file("sa-token", o.saToken ?? o.kube?.token ?? ""),
    KUBE_API: o.kube?.url ?? "http://127.0.0.1:9",
    KUBE_CACERT: path.join(dir, "absent-ca.crt"),
  };
  let now = 1_000_000;
  const clock = {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      o.onSleep?.(now - 1_000_000);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await main({
      argv: [o.command],
      env,
      clock,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out, err, all: [...out, ...err], slept: now - 1_000_000 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** No token, JWT, share or listed value in any line of the run (the last-resort block is cut out by the caller). */
export function assertClean(
  run: Pick<Run, "all">,
  vault: FakeVault,
  kube?: FakeKube,
  values: string[] = [],
): void {
  const secrets = [
    ...vault.issued,
    ...vault.jwts.keys(),
    ...vault.shares,
    ...(kube ? [kube.token] : []),
    ...values,
  ];
  for (const line of run.all)
    for (const s of secrets)
      assert.ok(!line.includes(s), `a secret appears in the output line: ${line.slice(0, 60)}`);
}
