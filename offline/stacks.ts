/** Reads stack files (Pulumi.<stack>.yaml, examples/Pulumi.<name>.yaml) as config for offline evaluation. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { PGP_KEY_PLACEHOLDER_PREFIX } from "../components/shared/vault-init";
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

/**
 * The project-namespace config of a stack file, keys without the `kube-platform:` prefix.
 * Encrypted values cannot be read offline: they become placeholders, still marked secret.
 */
export function readStackFile(file: string): Record<string, unknown> {
  const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    if (!key.startsWith(`${PROJECT}:`)) continue; // provider config (aws:region, …) is not ours
    const { value: v, secret: isSecret } = placeholdSecrets(value);
    out[key.slice(PROJECT.length + 1)] = isSecret ? { secret: v } : v;
  }
  return out;
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
 * An example stack as a user deploys it: the example files ship no usable secret or key (a stack's
 * secrets are encrypted by its own provider; a PGP key whose private key nobody holds loses its
 * share), so what the user sets before the first `pulumi up` is filled in: each `secrets` key the
 * config names (OFFLINE_SECRET, marked secret) and each placeholder pgpKey (the test key of the
 * holder's name, TEST_PGP_KEYS_DIR).
 */
export function fillInExample(config: Obj): Obj {
  const out: Obj = { ...config };
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
