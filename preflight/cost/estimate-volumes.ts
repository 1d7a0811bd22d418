/**
 * The persistent volumes a stack claims: read from what is really deployed, the recorded Helm
 * releases' values (Vault's data and audit claims per server, Prometheus's and Alertmanager's per
 * replica, Grafana's one claim), plus any PersistentVolumeClaim or StatefulSet claim template the
 * program registers itself. Sizes and storage classes are the values'; a value the chart leaves
 * unset is the chart's default (cited per entry).
 */
import type { RecordedResource } from "../../offline/mocks";
import { get } from "../../rules";
import { Resources, numberAt, objectsAt, stringAt } from "./estimate-resources";

/** One kind of claim: `count` claims of `size` each. */
export interface Claim {
  component: string;
  resource: string;
  size: unknown;
  storageClass?: string;
  count: number;
}

interface ChartClaim {
  what: string;
  /** Whether the values create the claim. */
  enabled(values: unknown): boolean;
  size(values: unknown): unknown;
  storageClass(values: unknown): string | undefined;
  count(values: unknown): number;
}

const on = (v: unknown, fallback: boolean) => (typeof v === "boolean" ? v : fallback);

/** Vault's servers: one replica standalone, `server.ha.replicas` (chart default 3) with HA; none in dev mode. */
function vaultServers(values: unknown): number {
  if (get(values, "server.dev.enabled") === true) return 0;
  return get(values, "server.ha.enabled") === true ? (numberAt(values, "server.ha.replicas") ?? 3) : 1;
}

/** The claims of a StatefulSet template at `at` (a PersistentVolumeClaim spec), per replica. */
function templateClaim(what: string, at: string, enabled: string, replicas: string): ChartClaim {
  return {
    what,
    enabled: (v) => on(get(v, enabled), true) && get(v, at) !== undefined,
    size: (v) => get(v, `${at}.resources.requests.storage`),
    storageClass: (v) => stringAt(v, `${at}.storageClassName`),
    count: (v) => numberAt(v, replicas) ?? 1,
  };
}

/**
 * Chart → its claims. Defaults: vault chart values.yaml (server.dataStorage enabled, 10Gi;
 * auditStorage disabled, 10Gi); kube-prometheus-stack (no storageSpec: no claim; replicas 1);
 * grafana chart (persistence disabled, type pvc, 10Gi; one claim whatever its replicas).
 */
const CHART_CLAIMS: Record<string, ChartClaim[]> = {
  vault: (["dataStorage", "auditStorage"] as const).map((key) => ({
    what: `Vault ${key === "dataStorage" ? "data" : "audit"} volume`,
    enabled: (v) => on(get(v, `server.${key}.enabled`), key === "dataStorage") && vaultServers(v) > 0,
    size: (v) => get(v, `server.${key}.size`) ?? "10Gi",
    storageClass: (v) => stringAt(v, `server.${key}.storageClass`),
    count: vaultServers,
  })),
  "kube-prometheus-stack": [
    templateClaim(
      "Prometheus volume",
      "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec",
      "prometheus.enabled",
      "prometheus.prometheusSpec.replicas",
    ),
    templateClaim(
      "Alertmanager volume",
      "alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec",
      "alertmanager.enabled",
      "alertmanager.alertmanagerSpec.replicas",
    ),
    {
      what: "Grafana volume",
      enabled: (v) =>
        on(get(v, "grafana.enabled"), true) &&
        get(v, "grafana.persistence.enabled") === true &&
        (stringAt(v, "grafana.persistence.type") ?? "pvc") === "pvc",
      size: (v) => get(v, "grafana.persistence.size") ?? "10Gi",
      storageClass: (v) => stringAt(v, "grafana.persistence.storageClassName"),
      count: () => 1,
    },
  ],
};

function releaseClaims(res: Resources, r: RecordedResource): Claim[] {
  const values = r.inputs.values;
  return (CHART_CLAIMS[String(r.inputs.chart)] ?? [])
    .filter((c) => c.enabled(values))
    .map((c) => ({
      component: res.componentOf(r),
      resource: c.what,
      size: c.size(values),
      count: c.count(values),
      ...(c.storageClass(values) !== undefined ? { storageClass: c.storageClass(values) } : {}),
    }))
    .filter((c) => c.count > 0);
}

function specClaim(res: Resources, r: RecordedResource, spec: unknown, what: string, count: number): Claim {
  const storageClass = stringAt(spec, "storageClassName");
  return {
    component: res.componentOf(r),
    resource: what,
    size: get(spec, "resources.requests.storage"),
    count,
    ...(storageClass !== undefined ? { storageClass } : {}),
  };
}

/** Every claim of the stack. */
export function claimsOf(res: Resources): Claim[] {
  const releases = res.ofType("kubernetes:helm.sh/v3:Release").flatMap((r) => releaseClaims(res, r));
  const pvcs = res
    .ofType("kubernetes:core/v1:PersistentVolumeClaim")
    .map((r) =>
      specClaim(res, r, get(r.inputs, "spec"), `volume ${String(get(r.inputs, "metadata.name"))}`, 1),
    );
  const templates = res
    .ofType("kubernetes:apps/v1:StatefulSet")
    .flatMap((r) =>
      objectsAt(r.inputs, "spec.volumeClaimTemplates").map((t) =>
        specClaim(
          res,
          r,
          t.spec,
          `volume ${String(get(t, "metadata.name"))} of ${String(get(r.inputs, "metadata.name"))}`,
          numberAt(r.inputs, "spec.replicas") ?? 1,
        ),
      ),
    );
  return [...releases, ...pvcs, ...templates];
}
