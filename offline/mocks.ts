/**
 * The one shared mocks module (used by the tests, the preflight and the benchmark). It evaluates the real program (or a piece of it) under
 * `pulumi.runtime.setMocks` and records every resource registration as the engine would see it:
 * type, name, URN, parent, provider, options (protect, ignoreChanges, dependsOn, …) and inputs,
 * with secret-ness kept.
 *
 * Per-type mock outputs (ARNs, OIDC issuers, kubeconfigs, …) and `call` results live in
 * ./mock-state.ts; this file is the machinery.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceUnderTest } from "../rules";
import { mockCall, mockResourceState } from "./mock-state";
import { providerUrnOf } from "./urns";

export const PROJECT = "kube-platform";

/** One resource registration as the engine received it. */
export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  /** URN of the parent ("" for the stack root). */
  parent: string;
  /** Provider reference ("<urn>::<id>"), "" for the default provider. */
  provider: string;
  custom: boolean;
  protect: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  deleteBeforeReplace: boolean;
  retainOnDelete: boolean;
  /** The names (or URNs) of the `aliases` option: what the resource was registered as before. */
  aliases: string[];
  /** URNs this resource depends on (explicit dependsOn and input dependencies). */
  dependsOn: string[];
  /** Inputs with secrets unwrapped. */
  inputs: Record<string, unknown>;
  /** What a component passed to registerOutputs (secrets unwrapped; secret keys in `secretOutputs`). */
  outputs: Record<string, unknown>;
  /** Top-level registered output keys whose value was a secret. */
  secretOutputs: Set<string>;
  /** Top-level input keys whose value was a secret. */
  secretInputs: Set<string>;
}

export interface ProgramRun {
  resources: RecordedResource[];
  /** Stack outputs (exports of index.ts), resolved. */
  outputs: Record<string, unknown>;
  /** Stack outputs that are secrets. */
  secretOutputs: Set<string>;
  ofType(type: string): RecordedResource[];
  /** How many resources of each type were registered. */
  typeCounts(): Record<string, number>;
  /** The single resource of `type` (whose name ends with `nameSuffix`, if given); throws otherwise. */
  one(type: string, nameSuffix?: string): RecordedResource;
  byUrn(urn: string): RecordedResource;
  /** URN of the provider the resource uses ("" = default provider). */
  providerUrn(r: RecordedResource): string;
  /** Whether `r` depends on `on`, directly or through a chain of dependencies / parents' dependencies. */
  dependsOnTransitively(r: RecordedResource, on: RecordedResource): boolean;
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

function isSecretValue(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Unwraps secret markers anywhere in a deserialized value. */
function unwrapSecrets(v: unknown): unknown {
  if (isSecretValue(v)) return unwrapSecrets(v.value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

function containsSecret(v: unknown): boolean {
  if (isSecretValue(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsSecret);
  return false;
}

// Internal SDK helpers with no public typings: the mock monitor's request objects and the RPC drain.
/* eslint-disable @typescript-eslint/no-require-imports */
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  deserializeProperties(s: unknown, keepUnknowns?: boolean): Record<string, unknown>;
};
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
/* eslint-enable @typescript-eslint/no-require-imports */

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getDeletebeforereplace(): boolean;
  getRetainondelete(): boolean;
  getAliasurnsList(): string[];
  getAliasesList(): { getUrn(): string; getSpec(): { getName(): string } | undefined }[];
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
  getObject(): unknown;
}

interface MockMonitorLike {
  registerResource(req: RegisterRequest, cb: (err: unknown, res: unknown) => void): void;
  registerResourceOutputs(req: RegisterOutputsRequest, cb: (err: unknown, res: unknown) => void): void;
}

interface RegisterOutputsRequest {
  getUrn(): string;
  getOutputs(): Parameters<typeof rpc.deserializeProperties>[0] | undefined;
}

/** Installs fresh mocks for `stack` and returns the list that registrations are recorded into. */
export function installMocks(stack: string, config: Record<string, unknown> = {}): RecordedResource[] {
  const recorded: RecordedResource[] = [];
  const stringConfig: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const isSecret = pulumi.Output.isInstance(value) || (value as { secret?: unknown })?.secret !== undefined;
    const raw = isSecret ? (value as { secret: unknown }).secret : value;
    const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
    stringConfig[fullKey] = typeof raw === "string" ? raw : JSON.stringify(raw);
    if (isSecret) secretKeys.push(fullKey);
  }
  void pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state = mockResourceState(args.type, args.name, args.inputs);
        return { id: `${args.name}-id`, state: { ...args.inputs, ...state } };
      },
      call: (args) => mockCall(args.token, args.inputs),
    },
    PROJECT,
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(stringConfig, secretKeys);
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const deps = new Set(req.getDependenciesList());
    req.getPropertydependenciesMap().forEach((v) => v.getUrnsList().forEach((u) => deps.add(u)));
    const raw = rpc.deserializeProperties(req.getObject(), true);
    const secretInputs = new Set(Object.keys(raw).filter((k) => containsSecret(raw[k])));
    const entry: RecordedResource = {
      type: req.getType(),
      name: req.getName(),
      urn: "",
      parent: req.getParent(),
      provider: req.getProvider(),
      custom: req.getCustom(),
      protect: req.getProtect(),
      ignoreChanges: req.getIgnorechangesList(),
      replaceOnChanges: req.getReplaceonchangesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      retainOnDelete: req.getRetainondelete(),
      aliases: [
        ...req.getAliasurnsList(),
        ...req.getAliasesList().map((a) => a.getSpec()?.getName() || a.getUrn()),
      ].filter((a) => a !== ""),
      dependsOn: [...deps],
      inputs: unwrapSecrets(raw) as Record<string, unknown>,
      secretInputs,
      outputs: {},
      secretOutputs: new Set(),
    };
    recorded.push(entry);
    original(req, (err, res) => {
      if (!err && res) entry.urn = (res as { getUrn(): string }).getUrn();
      cb(err, res);
    });
  };
  const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const entry = recorded.find((r) => r.urn === req.getUrn());
    const struct = req.getOutputs();
    if (entry && struct) {
      const raw = rpc.deserializeProperties(struct, true);
      entry.outputs = unwrapSecrets(raw) as Record<string, unknown>;
      entry.secretOutputs = new Set(Object.keys(raw).filter((k) => containsSecret(raw[k])));
    }
    originalOutputs(req, cb);
  };
  return recorded;
}

/** A config value that must be set as a secret (`pulumi config set --secret`). */
export function secret(value: unknown): { secret: unknown } {
  return { secret: value };
}

async function resolve(v: unknown): Promise<{ value: unknown; secret: boolean }> {
  if (pulumi.Output.isInstance(v)) {
    const out = v as pulumi.Output<unknown>;
    const isSecret = await pulumi.isSecret(out);
    const value = await new Promise((res) => out.apply((x) => res(x)));
    return { value, secret: isSecret };
  }
  return { value: v, secret: false };
}

function makeRun(
  resources: RecordedResource[],
  outputs: Record<string, unknown>,
  secretOutputs: Set<string>,
): ProgramRun {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const run: ProgramRun = {
    resources,
    outputs,
    secretOutputs,
    ofType: (type) => resources.filter((r) => r.type === type),
    typeCounts() {
      const counts: Record<string, number> = {};
      for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
      return counts;
    },
    one(type, nameSuffix) {
      const found = resources.filter((r) => r.type === type && (!nameSuffix || r.name.endsWith(nameSuffix)));
      if (found.length !== 1) {
        throw new Error(
          `expected exactly one ${type}${nameSuffix ? ` named *${nameSuffix}` : ""}, found ${found.length}: ` +
            found.map((r) => r.name).join(", "),
        );
      }
      return found[0];
    },
    byUrn(urn) {
      const r = byUrn.get(urn);
      if (!r) throw new Error(`no resource with URN ${urn}`);
      return r;
    },
    providerUrn: (r) => providerUrnOf(r.provider),
    dependsOnTransitively(r, on) {
      const seen = new Set<string>();
      const stack = [r];
      while (stack.length) {
        const cur = stack.pop()!;
        for (const urn of [...cur.dependsOn, cur.parent]) {
          if (!urn || seen.has(urn)) continue;
          if (urn === on.urn) return true;
          seen.add(urn);
          const next = byUrn.get(urn);
          if (next) stack.push(next);
        }
      }
      return false;
    },
  };
  return run;
}

/**
 * Evaluates `fn` (which creates resources) under fresh mocks and returns what it registered.
 * `fn` may return a record of outputs, resolved like stack outputs.
 */
export function runResources(
  fn: () => Record<string, unknown> | void,
  opts: { stack?: string; config?: Record<string, unknown> } = {},
): Promise<ProgramRun> {
  return oneAtATime(() => {
    const recorded = installMocks(opts.stack ?? "test", opts.config ?? {});
    const exported = fn() ?? {};
    return finish(recorded, exported);
  });
}

/** The end of the last run queued (oneAtATime). */
let runQueue: Promise<void> = Promise.resolve();

/**
 * Runs `evaluate` once every run started before it has finished. The mocks, the config and the stack
 * name are the runtime's global state: a run started while another one still registers would record
 * (and name) the other's resources, as two runs awaited together (`Promise.all`) did.
 */
function oneAtATime(evaluate: () => Promise<ProgramRun>): Promise<ProgramRun> {
  const run = runQueue.then(evaluate);
  runQueue = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

async function finish(recorded: RecordedResource[], exported: Record<string, unknown>): Promise<ProgramRun> {
  const outputs: Record<string, unknown> = {};
  const secretOutputs = new Set<string>();
  for (const [k, v] of Object.entries(exported)) {
    const { value, secret: isSecret } = await resolve(v);
    outputs[k] = value;
    if (isSecret) secretOutputs.add(k);
  }
  await settings.waitForRPCs();
  return makeRun(recorded, outputs, secretOutputs);
}

const PROGRAM = path.resolve(__dirname, "../index.ts");

/**
 * Evaluates the real program (index.ts) for `stack` with `config` (keys without the project
 * prefix; objects are serialized like `pulumi config set --path`; wrap secrets with `secret()`).
 * Rejects with the program's error; `recorded` on the error lists what was registered before it.
 */
export function runProgram(config: Record<string, unknown>, stack = "dev"): Promise<ProgramRun> {
  return oneAtATime(() => evaluateProgram(config, stack));
}

async function evaluateProgram(config: Record<string, unknown>, stack: string): Promise<ProgramRun> {
  const recorded = installMocks(stack, config);
  delete require.cache[PROGRAM];
  let exported: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = { ...(require(PROGRAM) as Record<string, unknown>) };
  } catch (err) {
    await settings.waitForRPCs();
    throw Object.assign(err as Error, { recorded });
  }
  return finish(recorded, exported);
}

/** A recorded registration in the shape the security rules take. */
export function underTest(r: RecordedResource): ResourceUnderTest {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    inputs: r.inputs,
    options: { ignoreChanges: r.ignoreChanges, protect: r.protect },
    dependsOn: r.dependsOn,
  };
}
