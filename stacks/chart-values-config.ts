/**
 * The user's own Helm values (`addons.<add-on>.values`) against the pinned chart's data
 * (components/shared/chart-values.ts): one problem per key the chart does not have (Helm ignores
 * it, or refuses the release where the chart's schema closes the map) and per value of a type the chart's schema refuses (Helm would refuse the
 * release only once the cluster exists). Only the charts with values are read.
 */
import { CHARTS, ChartKey } from "../components/addons/versions";
import { illTypedValues, unknownKeyReports } from "../components/shared/chart-values";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** The chart each add-on's `values` go to (the ingress's by its controller); undefined when not known yet. */
function chartOf(addon: string, section: Obj): ChartKey | undefined {
  switch (addon) {
    case "ingress": {
      const controller = section.controller ?? "traefik";
      return controller === "traefik" ? "traefik" : controller === "nginx" ? "nginx" : undefined;
    }
    case "dns":
      return "externalDns";
    case "certManager":
    case "vault":
    case "monitoring":
    case "metricsServer":
    case "clusterAutoscaler":
      return addon;
    default:
      return undefined;
  }
}

/**
 * One line per unknown or ill-typed key of the raw `addons` section's values, naming the key, the
 * chart and its version. With `hideValues` (the `addons` key is a secret) no value is echoed.
 */
export function chartValuesProblems(addons: unknown, hideValues = false): string[] {
  const out: string[] = [];
  for (const [addon, raw] of Object.entries(obj(addons))) {
    const section = obj(raw);
    const values = obj(section.values);
    const chart = chartOf(addon, section);
    if (!chart || Object.keys(values).length === 0) continue;
    const { dataName, version } = CHARTS[chart];
    const key = (p: string[]) => ["addons", addon, "values", ...p].join(".");
    for (const u of unknownKeyReports(chart, values)) {
      out.push(
        `${key(u.path)}: not a value of chart ${dataName} ${version} (nothing in the chart reads it)` +
          (u.suggestion ? `; did you mean ${u.suggestion}?` : ""),
      );
    }
    for (const t of illTypedValues(chart, values)) {
      const got = t.path.reduce<unknown>((o, k) => obj(o)[k], values);
      out.push(
        `${key(t.path)}: got ${hideValues ? "[secret]" : JSON.stringify(got)}; chart ${dataName} ${version} ` +
          `expects ${t.expected} here (its ${t.from}), and Helm would refuse the release`,
      );
    }
  }
  return out;
}
