/** The chart-values checker itself must catch what Helm would silently ignore. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CHARTS, ChartKey } from "../components/addons/versions";
import {
  CHART_DATA,
  SHARED_CHART_DATA,
  chartData,
  chartValueProblems,
  schemaErrors,
  unknownKeys,
} from "./helpers/chart-values";
import { OBJECTS_FILE } from "./helpers/chart-objects";

/** Every file below `root`, as sorted paths relative to it. */
function filesUnder(root: string, dir = root): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? filesUnder(root, path.join(dir, e.name))
        : [path.relative(root, path.join(dir, e.name))],
    )
    .sort();
}

describe("chart values checker", () => {
  it("uses a copy of ../shared/charts that is current", function () {
    if (!fs.existsSync(SHARED_CHART_DATA)) this.skip();
    const shared = filesUnder(SHARED_CHART_DATA);
    // objects.json (what each chart creates, tests/helpers/chart-objects.ts) is the repo's own data.
    const copied = filesUnder(CHART_DATA).filter((f) => path.basename(f) !== OBJECTS_FILE);
    assert.deepStrictEqual(copied, shared);
    for (const f of shared) {
      assert.ok(
        fs.readFileSync(path.join(CHART_DATA, f)).equals(fs.readFileSync(path.join(SHARED_CHART_DATA, f))),
        `${f} differs from ../shared/charts`,
      );
    }
  });

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
