/** The chart-values checker itself must catch what Helm would silently ignore. */
import * as assert from "assert";
import { CHARTS, ChartKey } from "../components/addons/versions";
import { chartData, chartValueProblems, schemaErrors, unknownKeys } from "./helpers/chart-values";

describe("chart values checker", () => {
  it("has data for every pinned chart", () => {
    for (const key of Object.keys(CHARTS) as ChartKey[]) assert.ok(chartData(key).defaults, key);
  });

  it("accepts keys of values.yaml, free-form maps and documented commented-out keys", () => {
    assert.deepStrictEqual(
      unknownKeys("certManager", { crds: { enabled: true }, podAnnotations: { a: "b" } }),
      [],
    );
    assert.deepStrictEqual(unknownKeys("certManager", { global: { revisionHistoryLimit: 2 } }), []);
    assert.deepStrictEqual(unknownKeys("monitoring", { grafana: { admin: { existingSecret: "x" } } }), []);
    // metrics-server documents `# limits:` one level deeper than its parent's other keys.
    assert.deepStrictEqual(unknownKeys("metricsServer", { resources: { limits: { memory: "1Gi" } } }), []);
    // traefik passes service.spec through into the Service.
    assert.deepStrictEqual(
      unknownKeys("traefik", { service: { spec: { externalTrafficPolicy: "Local" } } }),
      [],
    );
  });

  it("only counts a commented-out key inside its own parent's block", () => {
    assert.deepStrictEqual(unknownKeys("metricsServer", { limits: { memory: "1Gi" } }), ["limits"]);
    assert.deepStrictEqual(unknownKeys("certManager", { revisionHistoryLimit: 1 }), ["revisionHistoryLimit"]);
  });

  it("reports unknown keys at any depth, including typos in sub-charts", () => {
    assert.deepStrictEqual(unknownKeys("certManager", { installCRD: true, crds: { enable: true } }), [
      "installCRD",
      "crds.enable",
    ]);
    assert.deepStrictEqual(unknownKeys("monitoring", { grafana: { admin: { existingSecrt: "x" } } }), [
      "grafana.admin.existingSecrt",
    ]);
    assert.deepStrictEqual(unknownKeys("metricsServer", { replicas: 2, replica: 2 }), ["replica"]);
  });

  it("validates against values.schema.json (draft-07, 2019-09 with remote refs, 2020-12)", () => {
    assert.deepStrictEqual(schemaErrors("certManager", {}), []);
    assert.ok(schemaErrors("certManager", { replicaCount: "two" }).length > 0);
    assert.deepStrictEqual(schemaErrors("traefik", {}), []);
    assert.ok(schemaErrors("traefik", { deployment: { replicas: "three" } }).length > 0);
    assert.deepStrictEqual(schemaErrors("nginx", {}), []);
    assert.deepStrictEqual(schemaErrors("vault", {}), []);
    assert.ok(chartValueProblems("vault", { server: { ha: { replicas: "x" } } }).length > 0);
  });
});
