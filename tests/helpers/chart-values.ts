/**
 * Checks Helm values against the pinned chart's own data (components/addons/chart-data/<chart>/<version>/):
 * every key we set must exist in the chart's values.yaml (or be declared by its schema, or be a
 * documented commented-out key, or live under a free-form map such as `annotations: {}`), and the
 * merged values must satisfy values.schema.json where the chart has one. Helm ignores unknown keys
 * silently, so an unknown key here is a bug.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { CHARTS, ChartKey } from "../../components/addons/versions";

/**
 * The pinned charts' data (each chart's own Chart.yaml, values.yaml and values.schema.json at its
 * release tag), kept in the repository so the suite runs wherever it is cloned. How to add a bumped
 * chart's data, and `npm run charts:compare` to check a copy: CONTRIBUTING.md, "Bumping a chart".
 */
export const CHART_DATA = path.resolve(__dirname, "../../components/addons/chart-data");

type Values = Record<string, unknown>;

interface ChartData {
  defaults: Values;
  /** The raw values.yaml text per sub-tree prefix ("" for the chart itself). */
  texts: { prefix: string; text: string }[];
  schema?: Record<string, unknown>;
  /** Keys whose Kubernetes object the chart renders whole (any field is valid under them). */
  passThrough?: string[];
}

/**
 * A chart whose data is the repository's own record of its value keys (`keys.json`: each key's type,
 * enum, default and the template reading it) instead of its values.yaml: its defaults, its pass-through
 * objects and a JSON schema of the recorded types.
 */
interface KeyRecord {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  passThrough?: boolean;
  freeForm?: boolean;
  template?: string;
}

function keysData(file: string): ChartData {
  const { keys } = JSON.parse(fs.readFileSync(file, "utf8")) as { keys: Record<string, KeyRecord> };
  const defaults: Values = {};
  const schema: Values = { type: "object", properties: {} };
  for (const [dotted, k] of Object.entries(keys)) {
    const path = dotted.split(".");
    let d = defaults;
    let s = schema;
    for (const part of path.slice(0, -1)) {
      d = (d[part] = isObject(d[part]) ? d[part] : {}) as Values;
      const props = s.properties as Values;
      s = (props[part] = isObject(props[part]) ? props[part] : { properties: {} }) as Values;
      s.properties = isObject(s.properties) ? s.properties : {};
    }
    const last = path[path.length - 1];
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
  };
}

/** Sub-charts whose values live under a top-level key of the parent chart. */
const SUBCHARTS: Partial<Record<ChartKey, string[]>> = {
  monitoring: ["grafana", "kube-state-metrics", "prometheus-node-exporter"],
};

const cache = new Map<ChartKey, ChartData>();

function isObject(v: unknown): v is Values {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function merge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(out[k]) && isObject(v) ? merge(out[k], v) : v;
  return out;
}

export function chartData(key: ChartKey): ChartData {
  const cached = cache.get(key);
  if (cached) return cached;
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
  const data = { defaults, texts, schema };
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
 * Values the chart passes through verbatim into a Kubernetes object (documented in the chart's
 * values.yaml), so any field of that object is valid under them.
 */
const PASS_THROUGH: Partial<Record<ChartKey, string[]>> = {
  // "Additional entries here will be added to the Service spec" (traefik 41.3.0 values.yaml).
  traefik: ["service.spec"],
};

/** The schema node for a key path, following local $refs; undefined where the schema says nothing. */
function schemaAt(schema: Values | undefined, keyPath: string[]): Values | undefined {
  const root = schema;
  const resolve = (node: Values | undefined): Values | undefined => {
    let cur = node;
    for (let i = 0; i < 20 && cur && typeof cur.$ref === "string" && cur.$ref.startsWith("#/"); i++) {
      cur = (cur.$ref as string)
        .slice(2)
        .split("/")
        .reduce<unknown>((o, k) => (o as Values | undefined)?.[k], root) as Values | undefined;
    }
    return cur;
  };
  let cur = resolve(root);
  for (const k of keyPath) {
    const props = cur?.properties as Values | undefined;
    cur = resolve(props?.[k] as Values | undefined);
    if (!cur) return undefined;
  }
  return cur;
}

/** Unknown keys in `values` (paths like `a.b.c`). */
export function unknownKeys(key: ChartKey, values: Values): string[] {
  const data = chartData(key);
  const problems: string[] = [];
  const walk = (ours: Values, defaults: unknown, keyPath: string[]) => {
    for (const [k, v] of Object.entries(ours)) {
      const p = [...keyPath, k];
      const d = isObject(defaults) ? defaults[k] : undefined;
      const known =
        (isObject(defaults) && k in defaults) ||
        schemaAt(data.schema, p) !== undefined ||
        documentedInComment(data, p) ||
        [...(PASS_THROUGH[key] ?? []), ...(data.passThrough ?? [])].some(
          (object) => keyPath.join(".") === object || keyPath.join(".").startsWith(`${object}.`),
        );
      if (!known) {
        problems.push(p.join("."));
        continue;
      }
      // Under a free-form map (an empty map by default, e.g. annotations) anything goes.
      if (isObject(v) && isObject(d) && Object.keys(d).length > 0) walk(v, d, p);
      else if (isObject(v) && d === undefined) {
        const s = schemaAt(data.schema, p);
        if (s?.properties) walk(v, {}, p);
      }
    }
  };
  walk(values, data.defaults, []);
  return problems;
}

/** Replaces remote $refs (unreachable offline) by an empty schema and returns a validator's errors. */
function stubRemoteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stubRemoteRefs);
  if (!isObject(node)) return node;
  if (typeof node.$ref === "string" && /^https?:/.test(node.$ref)) return {};
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, stubRemoteRefs(v)]));
}

/** Violations of the chart's values.schema.json by `values` merged over the chart defaults. */
export function schemaErrors(key: ChartKey, values: Values): string[] {
  const data = chartData(key);
  if (!data.schema) return [];
  const { $schema, ...rest } = data.schema;
  const schema = stubRemoteRefs(rest) as Values;
  const draft = String($schema ?? "");
  const ajv = draft.includes("2020-12")
    ? new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
    : draft.includes("2019-09")
      ? new Ajv2019({ strict: false, allErrors: true, validateFormats: false })
      : new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(schema);
  const merged = merge(data.defaults, values);
  if (validate(merged)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
  );
}

/** All problems of a values object for a chart: unknown keys and schema violations. */
export function chartValueProblems(key: ChartKey, values: Values): string[] {
  return [...unknownKeys(key, values).map((k) => `unknown key ${k}`), ...schemaErrors(key, values)];
}
