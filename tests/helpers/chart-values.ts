/**
 * Checks Helm values against the pinned chart's own data (components/addons/chart-data/<chart>/<version>/):
 * the key rules are the program's own (components/shared/chart-values.ts, which stack config applies
 * to the user's `addons.<x>.values` too): every key we set must exist in the chart's values.yaml (or
 * be declared by its schema, or be a documented commented-out key, or live under a free-form map such
 * as `annotations: {}`). Here, in addition, the merged values must satisfy values.schema.json where the
 * chart has one (a full JSON Schema validator, a devDependency). Helm ignores unknown keys silently,
 * so an unknown key here is a bug. How to add a bumped chart's data, and `npm run charts:compare` to
 * check a copy: CONTRIBUTING.md, "Bumping a chart".
 */
import Ajv from "ajv";
import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";
import { ChartKey } from "../../components/addons/versions";
import { chartData, isObject, merge, unknownKeys } from "../../components/shared/chart-values";

export { CHART_DATA, chartData, unknownKeys } from "../../components/shared/chart-values";

type Values = Record<string, unknown>;

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
