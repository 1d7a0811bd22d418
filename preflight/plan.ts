/**
 * The offline preflight: the whole program evaluated under mocks for one stack config, summarised
 * as a plan (resources by component and type, Helm releases, apps) plus the security rules'
 * violations. Pure functions over the recorded registrations; preflight/cli.ts does the I/O.
 */
import { ConfigError } from "../stacks/config";
import { Profile, Violation, evaluate, get } from "../rules";
import { ProgramRun, RecordedResource, runProgram, underTest } from "../offline/mocks";

export interface ReleaseSummary {
  name: string;
  chart: string;
  version: string;
  namespace: string;
}

export interface AppSummary {
  name: string;
  namespace: string;
  image: string;
  replicas: string;
  host: string;
}

export interface Plan {
  stack: string;
  profile: Profile;
  resourceCount: number;
  /** Top-level component (child of the Platform) → resource type → count. */
  components: Record<string, Record<string, number>>;
  releases: ReleaseSummary[];
  apps: AppSummary[];
  violations: Violation[];
  /** Waived rules with their reasons (from the stack config). */
  waivers: { rule: string; reason: string }[];
  /** Violations the waivers removed (shown, not counted). */
  waived: Violation[];
}

export interface PreflightResult {
  /** 0 ready, 1 mandatory violations, 2 invalid config. */
  exitCode: 0 | 1 | 2;
  plan?: Plan;
  problems?: string[];
}

type Obj = Record<string, unknown>;

/** The component a resource belongs to: the ancestor directly under the platform root. */
export function componentOf(r: RecordedResource, byUrn: Map<string, RecordedResource>): string {
  let cur = r;
  for (;;) {
    const parent = byUrn.get(cur.parent);
    if (!parent || !parent.parent || !byUrn.has(parent.parent)) {
      return parent ? `${cur.type.split(":").slice(-1)[0]} ${cur.name}` : "(root)";
    }
    cur = parent;
  }
}

function appsOf(run: ProgramRun): AppSummary[] {
  const hpas = new Map(
    run
      .ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
      .map((h) => [
        `${String(get(h.inputs, "metadata.namespace"))}/${String(get(h.inputs, "spec.scaleTargetRef.name"))}`,
        h,
      ]),
  );
  const ingresses = run.ofType("kubernetes:networking.k8s.io/v1:Ingress");
  return run.ofType("kubernetes:apps/v1:Deployment").map((d) => {
    const name = String(get(d.inputs, "metadata.name"));
    const namespace = String(get(d.inputs, "metadata.namespace"));
    const hpa = hpas.get(`${namespace}/${name}`);
    const containers = (get(d.inputs, "spec.template.spec.containers") as Obj[] | undefined) ?? [];
    const ingress = ingresses.find(
      (i) => get(i.inputs, "metadata.namespace") === namespace && get(i.inputs, "metadata.name") === name,
    );
    const rules = (get(ingress?.inputs, "spec.rules") as Obj[] | undefined) ?? [];
    return {
      name,
      namespace,
      image: String(containers[0]?.image ?? ""),
      replicas: hpa
        ? `${String(get(hpa.inputs, "spec.minReplicas"))}-${String(get(hpa.inputs, "spec.maxReplicas"))} (HPA)`
        : String(get(d.inputs, "spec.replicas") ?? 1),
      host: rules.map((r) => String(r.host)).join(", "),
    };
  });
}

/** The plan of a recorded run. */
export function planOf(
  run: ProgramRun,
  stack: string,
  profile: Profile,
  waivers: { rule: string; reason: string }[],
): Plan {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const components: Record<string, Record<string, number>> = {};
  for (const r of run.resources) {
    const c = componentOf(r, byUrn);
    components[c] ??= {};
    components[c][r.type] = (components[c][r.type] ?? 0) + 1;
  }
  const releases = run.ofType("kubernetes:helm.sh/v3:Release").map((r) => ({
    name: String(r.inputs.name),
    chart: String(r.inputs.chart),
    version: String(r.inputs.version),
    namespace: String(r.inputs.namespace),
  }));
  const resources = run.resources.map(underTest);
  const all = evaluate(resources, { profile });
  const waivedIds = waivers.map((w) => w.rule);
  return {
    stack,
    profile,
    resourceCount: run.resources.length,
    components,
    releases,
    apps: appsOf(run),
    violations: all.filter((v) => !waivedIds.includes(v.ruleId)),
    waivers,
    waived: all.filter((v) => waivedIds.includes(v.ruleId)),
  };
}

/** The exit code of a plan: mandatory violations fail the preflight; advisory ones are shown. */
export function exitCodeOf(plan: Plan): 0 | 1 {
  return plan.violations.some((v) => v.severity === "mandatory") ? 1 : 0;
}

/** Evaluates `config` (a stack's project config) for `stack` and builds its plan. */
export async function preflight(config: Record<string, unknown>, stack: string): Promise<PreflightResult> {
  let run: ProgramRun;
  try {
    run = await runProgram(config, stack);
  } catch (err) {
    if (err instanceof ConfigError) return { exitCode: 2, problems: err.problems };
    throw err;
  }
  const profile: Profile = config.profile === "prod" ? "prod" : "dev";
  const waivers = Array.isArray(config.waivers) ? (config.waivers as { rule: string; reason: string }[]) : [];
  const plan = planOf(run, stack, profile, waivers);
  return { exitCode: exitCodeOf(plan), plan };
}

/** The human-readable report. */
export function renderPlan(plan: Plan): string {
  const lines: string[] = [];
  lines.push(`Preflight of stack "${plan.stack}" (profile ${plan.profile}): ${plan.resourceCount} resources`);
  lines.push("");
  lines.push("Resources by component:");
  for (const [component, types] of Object.entries(plan.components).sort()) {
    const total = Object.values(types).reduce((a, b) => a + b, 0);
    lines.push(`  ${component} (${total})`);
    for (const [type, n] of Object.entries(types).sort()) lines.push(`    ${String(n).padStart(4)}  ${type}`);
  }
  lines.push("");
  lines.push("Helm releases:");
  for (const r of plan.releases) lines.push(`  ${r.namespace}/${r.name}: ${r.chart} ${r.version}`);
  if (plan.releases.length === 0) lines.push("  (none)");
  lines.push("");
  lines.push("Apps:");
  for (const a of plan.apps) {
    lines.push(
      `  ${a.namespace}/${a.name}: ${a.image}, replicas ${a.replicas}${a.host ? `, https://${a.host}` : ""}`,
    );
  }
  if (plan.apps.length === 0) lines.push("  (none)");
  lines.push("");
  const mandatory = plan.violations.filter((v) => v.severity === "mandatory");
  const advisory = plan.violations.filter((v) => v.severity === "advisory");
  lines.push(`Violations: ${mandatory.length} mandatory, ${advisory.length} advisory`);
  for (const v of [...mandatory, ...advisory]) {
    const ids = v.scannerIds.length ? ` [${v.scannerIds.join(", ")}]` : "";
    lines.push(`  ${v.severity.toUpperCase()} ${v.ruleId}${ids} ${v.resource}: ${v.message}`);
  }
  if (plan.waivers.length > 0) {
    lines.push("");
    lines.push("Waivers (from the stack config):");
    for (const w of plan.waivers) {
      const n = plan.waived.filter((v) => v.ruleId === w.rule).length;
      lines.push(`  ${w.rule}: ${w.reason} (${n} finding${n === 1 ? "" : "s"} waived)`);
    }
  }
  lines.push("");
  lines.push(exitCodeOf(plan) === 0 ? "Preflight passed." : "Preflight FAILED: mandatory violations.");
  return lines.join("\n");
}
