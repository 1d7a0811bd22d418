/** Reads stack files (Pulumi.<stack>.yaml, examples/Pulumi.<name>.yaml) as config for offline evaluation. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { PGP_KEY_PLACEHOLDER_PREFIX } from "../components/shared/vault-init";
import { documentationNetworks } from "../stacks/api-access-config";
import { PROVIDER_NAMESPACES, splitConfigKey } from "../stacks/config-namespaces";
import { PROJECT, ProgramRun, runProgram } from "./mocks";

export const ROOT = path.resolve(__dirname, "..");

/**
 * Every example stack: name → file. dev is the local (kind) stack, prod the EKS prod stack; the
 * others are one per cloud under examples/ (eks-dev: the dev profile on EKS).
 */
export const EXAMPLE_STACKS: Record<string, string> = {
  dev: "Pulumi.dev.yaml",
  prod: "Pulumi.prod.yaml",
  "eks-dev": "examples/Pulumi.eks-dev.yaml",
  gke: "examples/Pulumi.gke.yaml",
  aks: "examples/Pulumi.aks.yaml",
  doks: "examples/Pulumi.doks.yaml",
};

/** Replaces encrypted (`secure:`) values by a placeholder; reports whether any was found. */
function placeholdSecrets(v: unknown): { value: unknown; secret: boolean } {
  if (Array.isArray(v)) {
    const items = v.map(placeholdSecrets);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.secure === "string") {
      return { value: OFFLINE_SECRET, secret: true };
    }
    const entries = Object.entries(o).map(([k, x]) => [k, placeholdSecrets(x)] as const);
    return {
      value: Object.fromEntries(entries.map(([k, x]) => [k, x.value])),
      secret: entries.some(([, x]) => x.secret),
    };
  }
  return { value: v, secret: false };
}

/** A stack file as the preflight reads it. */
export interface StackDocument {
  /** The project-namespace config, keys without the `kube-platform:` prefix (readStackFile). */
  config: Record<string, unknown>;
  /**
   * Config of other namespaces that is no provider's (full keys, secrets as placeholders): what the
   * program sees beside its own and reports when it is a near miss (stacks/config-namespaces.ts).
   */
  otherConfig: Record<string, unknown>;
  /**
   * The ESC environments the stack imports (`environment:`, a list or a definition's `imports`; an
   * inline definition's own values count as "(inline values)"): Pulumi opens them at `pulumi up`
   * and merges their `pulumiConfig` under the file's values (pulumi/pulumi pkg/workspace/config.go
   * mergeConfig: stack values win, objects merged key by key); offline they cannot be opened.
   */
  environments: string[];
  /** What Pulumi itself refuses in the file: a key without a namespace (sdk/go/common/resource/config/key.go ParseKey). */
  problems: string[];
}

/** The environment names of a stack file's `environment:` (pulumi/pulumi sdk/go/common/workspace/project.go Environment). */
function environmentsOf(env: unknown): string[] {
  if (env === undefined || env === null) return [];
  if (Array.isArray(env)) return env.map(String);
  const def = env as { imports?: unknown; values?: unknown };
  const imports = Array.isArray(def.imports) ? def.imports : [];
  const names = imports.map((i: unknown) =>
    typeof i === "object" && i !== null ? (Object.keys(i)[0] ?? "") : String(i),
  );
  return [...names, ...(def.values !== undefined ? ["(inline values)"] : [])];
}

/**
 * A stack file: the project's config (encrypted values as placeholders, still marked secret), the
 * other namespaces' keys, the ESC environments it imports and what Pulumi would refuse in it.
 */
export function readStackDocument(file: string): StackDocument {
  const doc = parse(fs.readFileSync(file, "utf8")) as {
    config?: Record<string, unknown>;
    environment?: unknown;
  } | null;
  const out: StackDocument = {
    config: {},
    otherConfig: {},
    environments: environmentsOf(doc?.environment),
    problems: [],
  };
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    const k = splitConfigKey(key);
    const { value: v, secret: isSecret } = placeholdSecrets(value);
    const read = isSecret ? { secret: v } : v;
    if (!k) {
      out.problems.push(
        `${key}: not a config key Pulumi reads (keys are <namespace>:<name>)` +
          (key.includes(":") ? "" : `; did you mean ${PROJECT}:${key}?`),
      );
    } else if (k.namespace === PROJECT) out.config[k.name] = read;
    // Provider config (aws:region, …) is not ours: it configures the providers only.
    else if (!PROVIDER_NAMESPACES.has(k.namespace)) out.otherConfig[key] = read;
  }
  return out;
}

/**
 * The project-namespace config of a stack file, keys without the `kube-platform:` prefix.
 * Encrypted values cannot be read offline: they become placeholders, still marked secret.
 */
export function readStackFile(file: string): Record<string, unknown> {
  return readStackDocument(file).config;
}

/** What offline evaluation reads an encrypted or missing secret as. */
export const OFFLINE_SECRET = "offline-secret-placeholder";
/** The test key holders' public keys (`<name>.gpg.b64`, their private keys discarded). */
export const TEST_PGP_KEYS_DIR = path.join(ROOT, "tests/fixtures/pgp");

type Obj = Record<string, unknown>;
const objects = (v: unknown): Obj[] =>
  Array.isArray(v) ? v.filter((x): x is Obj => typeof x === "object" && x !== null) : [];
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** The keys of `secrets` a config names (apps' secretEnv and Vault initial values, the DNS token). */
function secretReferences(config: Obj): string[] {
  const refs = objects(config.apps).flatMap((a) => [
    ...Object.values(obj(a.secretEnv)),
    ...objects(obj(a.vault).secrets).flatMap((x) => Object.values(obj(x.initial))),
  ]);
  const token = obj(obj(config.addons).dns).tokenSecret;
  return [...refs, token].filter((r): r is string => typeof r === "string");
}

/**
 * What the tests list in place of an example's documentation range (RFC 5737) in a prod stack:
 * from the benchmarking block (RFC 2544, 198.18.0.0/15), which is no documentation range and no
 * one's office either.
 */
export const FILLED_API_NETWORK = "198.18.0.0/24";

/** `value` with `at` (keys and indices) set to `leaf`, copying only the objects and arrays on the way. */
function setAt(value: unknown, at: (string | number)[], leaf: unknown): unknown {
  if (at.length === 0) return leaf;
  const [head, ...rest] = at;
  if (Array.isArray(value) && typeof head === "number") {
    return value.map((v: unknown, i) => (i === head ? setAt(v, rest, leaf) : v));
  }
  const o = obj(value);
  return { ...o, [head]: setAt(o[head], rest, leaf) };
}

/** A prod stack's documentation ranges (refused there) replaced by FILLED_API_NETWORK; dev keeps them (a warning). */
function fillInApiNetworks(config: Obj): Obj {
  if (config.profile !== "prod") return config;
  let cluster: unknown = config.cluster;
  for (const n of documentationNetworks(cluster)) cluster = setAt(cluster, n.path, FILLED_API_NETWORK);
  return { ...config, cluster };
}

/**
 * An example stack as a user deploys it: the example files ship no usable secret or key (a stack's
 * secrets are encrypted by its own provider; a PGP key whose private key nobody holds loses its
 * share) and, in prod, a documentation range as the network that reaches the API server, so what
 * the user sets before the first `pulumi up` is filled in: each `secrets` key the config names
 * (OFFLINE_SECRET, marked secret), each placeholder pgpKey (the test key of the holder's name,
 * TEST_PGP_KEYS_DIR) and each prod API network (FILLED_API_NETWORK).
 */
export function fillInExample(config: Obj): Obj {
  const out: Obj = { ...fillInApiNetworks(config) };
  const wrapped = obj(config.secrets);
  const secrets = { ...obj("secret" in wrapped ? wrapped.secret : wrapped) };
  for (const ref of secretReferences(config)) if (!(ref in secrets)) secrets[ref] = OFFLINE_SECRET;
  if (Object.keys(secrets).length > 0) out.secrets = { secret: secrets };
  const addons = obj(config.addons);
  const vault = obj(addons.vault);
  const holders = objects(obj(vault.init).keyHolders);
  if (holders.some((h) => String(h.pgpKey).startsWith(PGP_KEY_PLACEHOLDER_PREFIX))) {
    const keyOf = (name: unknown) =>
      fs.readFileSync(path.join(TEST_PGP_KEYS_DIR, `${String(name)}.gpg.b64`), "utf8").trim();
    const filled = holders.map((h) =>
      String(h.pgpKey).startsWith(PGP_KEY_PLACEHOLDER_PREFIX) ? { ...h, pgpKey: keyOf(h.name) } : h,
    );
    out.addons = { ...addons, vault: { ...vault, init: { ...obj(vault.init), keyHolders: filled } } };
  }
  return out;
}

/** The config of an example stack (see EXAMPLE_STACKS), filled in as a user deploys it (fillInExample). */
export function loadStackConfig(stack: string): Record<string, unknown> {
  return fillInExample(readStackFile(path.join(ROOT, EXAMPLE_STACKS[stack])));
}

/** A minimal kind-style kubeconfig for tests of the existing target. */
export const SAMPLE_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: kind-kind
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: Q0E=
contexts:
- name: kind-kind
  context: {cluster: kind-kind, user: kind-kind}
current-context: kind-kind
users:
- name: kind-kind
  user: {token: sample-token}
`;

let kindKubeconfig: string | undefined;

/**
 * An example stack's config ready to evaluate here: the kind example's kubeconfigPath points at a
 * sample kubeconfig in a temporary file.
 */
export function exampleConfig(stack: string): Record<string, unknown> {
  const cfg = loadStackConfig(stack);
  const cluster = cfg.cluster as Record<string, unknown>;
  if (cluster.kubeconfigPath) {
    if (!kindKubeconfig) {
      kindKubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kp-kind-")), "config");
      fs.writeFileSync(kindKubeconfig, SAMPLE_KUBECONFIG);
    }
    cfg.cluster = { ...cluster, kubeconfigPath: kindKubeconfig };
  }
  return cfg;
}

const exampleRuns = new Map<string, Promise<ProgramRun>>();

/** The real program evaluated once per example stack (shared by every test file). */
export function runExample(stack: string): Promise<ProgramRun> {
  if (!exampleRuns.has(stack)) exampleRuns.set(stack, runProgram(exampleConfig(stack), stack));
  return exampleRuns.get(stack)!;
}
