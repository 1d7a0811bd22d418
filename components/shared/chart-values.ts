/**
 * Helm values against the pinned chart's own data (components/addons/chart-data/<chart>/<version>/,
 * shipped with the program): every key must exist in the chart's values.yaml (or be declared by
 * its schema, or be a documented commented-out key, or live under a free-form map: one empty by
 * default such as `annotations: {}`, a Kubernetes map or object, a value the chart hands on whole or
 * a map it reads by name, ./chart-pass-through.ts), and where the chart declares a key's
 * type (values.schema.json, or the repository's keys.json record) the value must have it. Helm
 * ignores unknown keys silently, and refuses a value its schema rejects only when it installs
 * (helm/helm pkg/chart/common/util/jsonschema.go, ValidateAgainstSchema).
 * Stack config checks the user's `addons.<x>.values` with it, the tests the platform's own values.
 * Each chart's data is read once, when first asked for. No Pulumi import.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CHARTS, ChartKey } from "../addons/versions";
import { CHART_KEYED_MAPS, CHART_PASS_THROUGH, kubernetesFreeForm } from "./chart-pass-through";
import { closest } from "./near-miss";

/** Where the pinned charts' data lives (one folder per chart and version). */
export const CHART_DATA = path.resolve(__dirname, "../addons/chart-data");

type Values = Record<string, unknown>;

export interface ChartData {
  defaults: Values;
  /** The raw values.yaml text per sub-tree prefix ("" for the chart itself). */
  texts: { prefix: string; text: string }[];
  schema?: Record<string, unknown>;
  /** Keys whose Kubernetes object the chart renders whole (any field is valid under them). */
  passThrough?: string[];
  /** Which file the declared types come from, for messages. */
  typesFrom?: string;
}

/**
 * A chart whose data is the repository's own record of its value keys (`keys.json`: each key's type,
 * enum, default and the template reading it) instead of its values.yaml.
 */
interface KeyRecord {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  passThrough?: boolean;
  freeForm?: boolean;
  template?: string;
}

/** A plain values object (a map: not an array, not null). */
export function isObject(v: unknown): v is Values {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Values merged as Helm merges them: maps key by key, anything else of `over` replaces `base`'s. */
export function merge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(out[k]) && isObject(v) ? merge(out[k], v) : v;
  return out;
}

/** keys.json as chart data: its defaults, its pass-through objects and a JSON schema of the recorded types. */
function keysData(file: string): ChartData {
  const { keys } = JSON.parse(fs.readFileSync(file, "utf8")) as { keys: Record<string, KeyRecord> };
  const defaults: Values = {};
  const schema: Values = { type: "object", properties: {} };
  for (const [dotted, k] of Object.entries(keys)) {
    const keyPath = dotted.split(".");
    let d = defaults;
    let s = schema;
    for (const part of keyPath.slice(0, -1)) {
      d = (d[part] = isObject(d[part]) ? d[part] : {}) as Values;
      const props = s.properties as Values;
      s = (props[part] = isObject(props[part]) ? props[part] : { properties: {} }) as Values;
      s.properties = isObject(s.properties) ? s.properties : {};
    }
    const last = keyPath[keyPath.length - 1];
    if ("default" in k && !isObject(d[last])) d[last] = k.default;
    const props = s.properties as Values;
    const node = (props[last] = isObject(props[last]) ? props[last] : {}) as Values;
    if (k.type) node.type = k.type;
    if (k.enum) node.enum = k.enum;
  }
  const passThrough = Object.entries(keys)
    .filter(([, k]) => k.passThrough)
    .map(([dotted]) => dotted);
  return {
    defaults,
    texts: [],
    schema: { $schema: "http://json-schema.org/draft-07/schema#", ...schema },
    passThrough,
    typesFrom: "keys.json",
  };
}

/** Sub-charts whose values live under a top-level key of the parent chart. */
const SUBCHARTS: Partial<Record<ChartKey, string[]>> = {
  monitoring: ["grafana", "kube-state-metrics", "prometheus-node-exporter"],
};

const cache = new Map<ChartKey, ChartData>();
const reads: Partial<Record<ChartKey, number>> = {};

/** How many times each chart's data was read from disk (once at most: it runs on every `pulumi up`). */
export function chartDataReads(): Readonly<Partial<Record<ChartKey, number>>> {
  return { ...reads };
}

/** The pinned chart's data, read on first use and kept. */
export function chartData(key: ChartKey): ChartData {
  const cached = cache.get(key);
  if (cached) return cached;
  reads[key] = (reads[key] ?? 0) + 1;
  const ref = CHARTS[key];
  const dir = path.join(CHART_DATA, ref.dataName, ref.version);
  if (!fs.existsSync(dir))
    throw new Error(`no chart data for ${ref.dataName} ${ref.version} in ${CHART_DATA}`);
  const keysFile = path.join(dir, "keys.json");
  if (fs.existsSync(keysFile)) {
    const recorded = keysData(keysFile);
    cache.set(key, recorded);
    return recorded;
  }
  const text = fs.readFileSync(path.join(dir, "values.yaml"), "utf8");
  let defaults = (parse(text) ?? {}) as Values;
  const texts = [{ prefix: "", text }];
  for (const sub of SUBCHARTS[key] ?? []) {
    const subText = fs.readFileSync(path.join(dir, "charts", sub, "values.yaml"), "utf8");
    defaults = merge(defaults, {
      [sub]: merge((parse(subText) ?? {}) as Values, (defaults[sub] as Values) ?? {}),
    });
    texts.push({ prefix: sub, text: subText });
  }
  const schemaFile = path.join(dir, "values.schema.json");
  const schema = fs.existsSync(schemaFile)
    ? (JSON.parse(fs.readFileSync(schemaFile, "utf8")) as Record<string, unknown>)
    : undefined;
  const data: ChartData = { defaults, texts, schema, ...(schema && { typesFrom: "values.schema.json" }) };
  cache.set(key, data);
  return data;
}

/**
 * The lines of the block under `ancestors` in a values.yaml text (the whole text for none), found
 * by walking the uncommented keys at 2-space indentation; undefined when the block isn't there.
 */
function blockLines(text: string, ancestors: string[]): string[] | undefined {
  const lines = text.split("\n");
  let from = 0;
  let to = lines.length;
  ancestors.forEach((key, depth) => {
    if (from < 0) return;
    const indent = " ".repeat(2 * depth);
    const at = lines.slice(from, to).findIndex((l) => l.startsWith(`${indent}${key}:`));
    if (at < 0) {
      from = -1;
      return;
    }
    from = from + at + 1;
    const end = lines.slice(from, to).findIndex((l) => {
      const m = /^( *)(\S)/.exec(l);
      return m !== null && m[2] !== "#" && m[1].length <= indent.length;
    });
    to = end < 0 ? to : from + end;
  });
  return from < 0 ? undefined : lines.slice(from, to);
}

/** Whether the chart documents `key` as a commented-out example inside its parent's block. */
function documentedInComment(data: ChartData, keyPath: string[]): boolean {
  const key = keyPath[keyPath.length - 1];
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^\\s*#\\s?-?\\s*${escaped}:`);
  return data.texts.some(({ prefix, text }) => {
    const rel = prefix ? (keyPath[0] === prefix ? keyPath.slice(1) : undefined) : keyPath;
    if (!rel || rel.length === 0) return false;
    const block = blockLines(text, rel.slice(0, -1));
    if (!block) return false;
    // At the top level only column-0 comments count (a nested one would be another key's child).
    return block.some((l) => (rel.length === 1 ? /^#/.test(l) : true) && pattern.test(l));
  });
}

/**
 * The schema node of key `k` under `node`: its property, else the schema of the matching
 * `patternProperties` or of `additionalProperties` (a map keyed by name, like traefik's `ports`);
 * undefined where the schema says nothing.
 */
function childSchema(root: Values | undefined, node: Values | undefined, k: string): Values | undefined {
  const asNode = (s: unknown): Values => (isObject(s) ? (resolveRef(root, s) ?? {}) : {});
  const props = node?.properties;
  if (isObject(props) && k in props) return asNode(props[k]);
  const patterns = node?.patternProperties;
  const matching = isObject(patterns)
    ? Object.entries(patterns).find(([re]) => new RegExp(re, "u").test(k))
    : undefined;
  if (matching) return asNode(matching[1]);
  const extra = node?.additionalProperties;
  return extra === true || isObject(extra) ? asNode(extra) : undefined;
}

/** The schema node for a key path, following local $refs; undefined where the schema says nothing. */
function schemaAt(schema: Values | undefined, keyPath: string[]): Values | undefined {
  let cur = resolveRef(schema, schema);
  for (const k of keyPath) {
    cur = childSchema(schema, cur, k);
    if (!cur) return undefined;
  }
  return cur;
}

function resolveRef(root: Values | undefined, node: Values | undefined): Values | undefined {
  let cur = node;
  for (let i = 0; i < 20 && cur && typeof cur.$ref === "string" && cur.$ref.startsWith("#/"); i++) {
    cur = (cur.$ref as string)
      .slice(2)
      .split("/")
      .reduce<unknown>((o, k) => (o as Values | undefined)?.[k], root) as Values | undefined;
  }
  return cur;
}

/** An unknown key: its path and, when one is close, the key of the same level it may stand for. */
export interface UnknownKey {
  path: string[];
  suggestion?: string;
}

/** The keys the chart knows at `keyPath` (its defaults' and its schema's). */
export function knownKeysAt(key: ChartKey, keyPath: string[]): string[] {
  const data = chartData(key);
  const defaults = keyPath.reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), data.defaults);
  const props = schemaAt(data.schema, keyPath)?.properties;
  return [
    ...new Set([
      ...Object.keys(isObject(defaults) ? defaults : {}),
      ...Object.keys(isObject(props) ? props : {}),
    ]),
  ];
}

/**
 * Unknown keys in `values`, each with its path. A map is checked key by key when the chart gives
 * it default entries or schema properties, unless it is free-form: a map without default entries,
 * a Kubernetes map or object, or a value the chart hands on whole (./chart-pass-through.ts); under
 * it anything goes. A map the chart reads by name takes any new key as an entry. Where
 * the schema closes a map (`additionalProperties: false`) only its declared keys are valid, free-form
 * or not: Helm refuses any other (helm/helm pkg/chart/common/util/jsonschema.go).
 */
export function unknownKeyPaths(key: ChartKey, values: Values): string[][] {
  const data = chartData(key);
  const found: string[][] = [];
  const passThrough = [...(CHART_PASS_THROUGH[key] ?? []), ...(data.passThrough ?? [])].map(keyPattern);
  const keyed = (CHART_KEYED_MAPS[key] ?? []).map(keyPattern);
  const walk = (ours: Values, defaults: unknown, keyPath: string[], open: boolean) => {
    const node = schemaAt(data.schema, keyPath);
    const closed = node?.additionalProperties === false;
    const byName = keyed.some((m) => m.test(keyPath.join(".")));
    for (const [k, v] of Object.entries(ours)) {
      const p = [...keyPath, k];
      const d = isObject(defaults) ? defaults[k] : undefined;
      const s = node && childSchema(data.schema, node, k);
      const known = closed
        ? s !== undefined
        : open ||
          byName ||
          (isObject(defaults) && k in defaults) ||
          s !== undefined ||
          documentedInComment(data, p);
      if (!known) {
        found.push(p);
        continue;
      }
      if (!isObject(v)) continue;
      const structured = isObject(d) ? Object.keys(d).length > 0 : d === undefined && isObject(s?.properties);
      const free =
        open || !structured || passThrough.some((o) => o.test(p.join("."))) || kubernetesFreeForm(k, d);
      // Under a free-form value the schema may still close a map further down.
      if (!free || s !== undefined) walk(v, isObject(d) ? d : {}, p, free);
    }
  };
  walk(values, data.defaults, [], false);
  return found;
}

/** A dotted key path of ./chart-pass-through.ts as a pattern, `*` standing for any one key. */
function keyPattern(dotted: string): RegExp {
  const parts = dotted.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join("[^.]+")}$`, "u");
}

/** Unknown keys in `values` (paths like `a.b.c`). */
export function unknownKeys(key: ChartKey, values: Values): string[] {
  return unknownKeyPaths(key, values).map((p) => p.join("."));
}

/** Unknown keys in `values`, with the known key of the same level each may be a typo of. */
export function unknownKeyReports(key: ChartKey, values: Values): UnknownKey[] {
  return unknownKeyPaths(key, values).map((p) => {
    const suggestion = closest(p[p.length - 1], knownKeysAt(key, p.slice(0, -1)));
    return suggestion === undefined
      ? { path: p }
      : { path: p, suggestion: [...p.slice(0, -1), suggestion].join(".") };
  });
}

/** A value whose type (or enum) the chart declares otherwise. */
export interface IllTypedValue {
  path: string[];
  /** What the chart allows, like `integer` or `"Local" | "Cluster"`. */
  expected: string;
  /** The file declaring it (values.schema.json or keys.json). */
  from: string;
}

const JSON_TYPES: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === "number",
  boolean: (v) => typeof v === "boolean",
  object: isObject,
  array: Array.isArray,
  null: (v) => v === null,
};

/**
 * Values in `values` of a type, or outside an enum, that the chart declares for the key. Only a
 * node's own `type` and `enum` are read (a key under `anyOf`/`oneOf`/`allOf` is not checked), and
 * null is always accepted: in user values it deletes the chart's default (Helm's coalescing,
 * helm/helm pkg/chart/common/util/coalesce.go).
 */
export function illTypedValues(key: ChartKey, values: Values): IllTypedValue[] {
  const data = chartData(key);
  const root = data.schema;
  if (!root) return [];
  const from = data.typesFrom ?? "values.schema.json";
  const found: IllTypedValue[] = [];
  const walk = (ours: Values, node: Values | undefined, keyPath: string[]) => {
    const props = node?.properties;
    if (!isObject(props)) return;
    for (const [k, v] of Object.entries(ours)) {
      const child = resolveRef(root, props[k] as Values | undefined);
      if (!child || v === null) continue;
      const p = [...keyPath, k];
      const types =
        typeof child.type === "string" ? [child.type] : Array.isArray(child.type) ? child.type : [];
      const known = types.filter((t): t is string => typeof t === "string" && t in JSON_TYPES);
      if (known.length > 0 && !known.some((t) => JSON_TYPES[t](v))) {
        found.push({ path: p, expected: known.join(" | "), from });
        continue;
      }
      if (Array.isArray(child.enum) && !child.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
        found.push({ path: p, expected: child.enum.map((e) => JSON.stringify(e)).join(" | "), from });
        continue;
      }
      if (isObject(v)) walk(v, child, p);
    }
  };
  walk(values, resolveRef(root, root), []);
  return found;
}
