/**
 * What each pinned chart creates, as recorded in components/addons/chart-data/<chart>/<version>/objects.json:
 * per configuration (release name and namespace, and the values that change names, labels or ports)
 * the pods of each workload, the Services, the chart's own ServiceMonitors, NetworkPolicies and
 * IngressClasses, each with the template it comes from. The data is read from the chart's templates
 * at its tag and confirmed with `helm template` on the values the example stacks pass.
 */
import * as fs from "fs";
import * as path from "path";
import { CHARTS, ChartKey } from "../../components/addons/versions";
import { isObject, merge } from "../../components/shared/chart-values";
import { CHART_DATA, chartData } from "./chart-values";

/** The file beside each pinned chart's values: the repository's own record, not the chart's data. */
export const OBJECTS_FILE = "objects.json";

export type Labels = Record<string, string>;
export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface ChartPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface ChartWorkload {
  kind: string;
  name: string;
  /** Absent: the release namespace. */
  namespace?: string;
  template: string;
  podLabels: Labels;
  /** Values paths whose maps the chart adds to the pod labels (e.g. server.extraLabels). */
  podLabelsFromValues?: string[];
  /** Label sets the pods get at run time, one pod group per variant (Vault's service registration). */
  runtimeLabelVariants?: Labels[];
  ports: ChartPort[];
  /** Ports the process listens on without a declared containerPort. */
  listens?: { port: number; source: string }[];
  /** Values paths of topology spread constraints / affinity rendered into the pod spec. */
  spreadFromValues?: string[];
}

export interface ChartService {
  name: string;
  namespace?: string;
  template: string;
  labels: Labels;
  labelsFromValues?: string[];
  /** Absent: no selector, see `endpoints`. */
  selector?: Labels;
  endpoints?: string;
  ports: { name?: string; port: number; targetPort?: number | string }[];
}

export interface ChartMonitor {
  kind: "ServiceMonitor" | "PodMonitor";
  name: string;
  namespace?: string;
  template: string;
  selector: LabelSelector;
  namespaceSelector?: { matchNames?: string[]; any?: boolean };
  endpoints: { port?: string; targetPort?: number | string }[];
}

export interface ChartNetworkPolicy {
  name: string;
  namespace?: string;
  template: string;
  podSelector: LabelSelector;
  policyTypes: string[];
  ingressFromValues?: string;
  egressFromValues?: string;
}

export interface ChartConfiguration {
  name: string;
  usedBy: string;
  release: { name: string; namespace: string };
  /**
   * Values (merged over the chart's defaults) this configuration assumes: every key that changes
   * the objects below. `null` means unset or empty.
   */
  values: Record<string, unknown>;
  workloads?: ChartWorkload[];
  services?: ChartService[];
  serviceMonitors?: ChartMonitor[];
  networkPolicies?: ChartNetworkPolicy[];
  ingressClasses?: { name?: string; nameFromValues?: string; template: string }[];
}

/** Pods a chart's controller starts at run time (cert-manager's ACME HTTP-01 solvers). */
export interface ControllerPods {
  name: string;
  for: string;
  source: string;
  podLabels: Labels;
  ports: ChartPort[];
}

export interface ChartObjects {
  chart: string;
  version: string;
  source: string;
  checkedWith: string;
  configurations: ChartConfiguration[];
  controllerPods?: ControllerPods[];
}

/** Where the objects data of a pinned chart lives. */
export function objectsFile(key: ChartKey, version: string = CHARTS[key].version): string {
  return path.join(CHART_DATA, CHARTS[key].dataName, version, OBJECTS_FILE);
}

/** The objects data of a pinned chart at `version` (default: the pinned one); throws when missing. */
export function chartObjects(key: ChartKey, version: string = CHARTS[key].version): ChartObjects {
  const file = objectsFile(key, version);
  if (!fs.existsSync(file)) {
    throw new Error(
      `no objects data for chart ${CHARTS[key].dataName} ${version}: record what it creates in ${path.relative(
        process.cwd(),
        file,
      )} (components/addons/chart-data/README.md)`,
    );
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as ChartObjects;
}

/** The pinned chart a recorded Release installs (by chart reference and version), if any. */
export function chartKeyOf(chart: string, version: string): ChartKey | undefined {
  return (Object.keys(CHARTS) as ChartKey[]).find(
    (k) => CHARTS[k].chart === chart && CHARTS[k].version === version,
  );
}

type Values = Record<string, unknown>;

/** A release's values merged over the chart's defaults (what the templates see). */
export function effectiveValues(key: ChartKey, values: Values): Values {
  return merge(chartData(key).defaults, values);
}

/** The value at a dotted path. */
export function valueAt(values: Values, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), values);
}

/** Where `values` differ from a configuration's assumed values ("" when they fit). */
export function valuesMismatch(assumed: Values, values: Values, prefix = ""): string {
  for (const [k, want] of Object.entries(assumed)) {
    const key = prefix ? `${prefix}.${k}` : k;
    const have = values[k];
    if (want === null) {
      if (have !== undefined && have !== null && have !== "")
        return `${key} is ${JSON.stringify(have)}, not unset`;
    } else if (isObject(want)) {
      const sub = valuesMismatch(want, isObject(have) ? have : {}, key);
      if (sub) return sub;
    } else if (JSON.stringify(have) !== JSON.stringify(want)) {
      return `${key} is ${JSON.stringify(have)}, not ${JSON.stringify(want)}`;
    }
  }
  return "";
}

/**
 * The recorded configuration a release matches, or the reason none does (one line per
 * configuration: what differs).
 */
export function matchConfiguration(
  data: ChartObjects,
  release: { name: string; namespace: string },
  effective: Values,
): { config: ChartConfiguration } | { reasons: string[] } {
  const reasons: string[] = [];
  for (const config of data.configurations) {
    const r = config.release;
    const why =
      r.name !== release.name || r.namespace !== release.namespace
        ? `release ${release.namespace}/${release.name}, not ${r.namespace}/${r.name}`
        : valuesMismatch(config.values, effective);
    if (!why) return { config };
    reasons.push(`${config.name}: ${why}`);
  }
  return { reasons };
}
