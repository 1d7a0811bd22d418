/**
 * The offline preflight: the whole program evaluated under mocks for one stack config, summarised
 * as a plan (resources by component and type, Helm releases, apps, what an adopted cluster must
 * provide) plus the violations of the security and the deployability rules. Pure functions over
 * the recorded registrations; preflight/cli.ts does the I/O.
 */
import { EXIT } from "../automation/exit-codes";
import { ConfigError, PlatformConfig, parseConfig } from "../stacks/config";
import { vaultRunsShamirHa } from "../stacks/addons-config";
import { ClusterFacts, Profile, Violation, type Waiver, evaluate, get, splitWaived } from "../rules";
import { capabilitiesOf } from "../components/cluster/capabilities";
import { PROJECT, ProgramRun, RecordedResource, runProgram, underTest } from "../offline/mocks";
import {
  readVolumeSettings,
  refusedVolumeChanges,
  volumeChangeLine,
  volumeChanges,
} from "../stacks/volume-changes";
import { DnsReport, dnsReportOf, renderDns } from "./dns";
import { StackCost, costOf } from "./cost";

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
  /** What the cluster must provide for the first `pulumi up` to finish (an adopted cluster only). */
  requirements: string[];
  violations: Violation[];
  /** Waived rules with their reasons (from the stack config). */
  waivers: Waiver[];
  /** Violations the waivers removed (shown, not counted). */
  waived: Violation[];
  /**
   * Volume changes refused against the last deployment (stacks/volume-changes.ts), one line each;
   * empty when the preflight is not given the stack's outputs (it cannot read the backend).
   */
  volumeChanges: string[];
  /**
   * Per app host, the configured DNS zone covering it or the record to create by hand
   * (preflight/dns.ts); absent when the stack has no ingress. Informational: the exit code ignores it.
   */
  dns?: DnsReport;
}

/** What the stack last deployed, for the preflight to compare with (`pulumi stack output --json`). */
export interface LastDeployment {
  /** The stack's outputs; only `volumeSettings` is read. */
  outputs: Record<string, unknown>;
  /** Refused changes whose procedure is done (`<path>=<new value>`, as for `pulumi up`). */
  changesDone?: string[];
}

/** The preflight's verdicts (automation/exit-codes.ts): ready, a mandatory rule violated, invalid config. */
export type PreflightExitCode = typeof EXIT.success | typeof EXIT.policy | typeof EXIT.usage;

export interface PreflightResult {
  /** EXIT.success ready, EXIT.policy mandatory violations or refused volume changes, EXIT.usage invalid config. */
  exitCode: PreflightExitCode;
  plan?: Plan;
  problems?: string[];
  /** What `pulumi up` would log as warnings for this config (the program's pulumi.log.warn), one line each. */
  warnings: string[];
  /**
   * The monthly cost estimate (preflight/cost/), with `{ cost: true }` and a valid config only;
   * informational: the exit code ignores it.
   */
  cost?: StackCost;
}

/** What the preflight computes beyond the plan. */
export interface PreflightOptions {
  /** Estimate the stack's monthly cost (throws the price file's UnknownRegionError for a region it has no figures for). */
  cost?: boolean;
}

/** What the preflight knows of the stack file beyond the project's config (offline/stacks.ts StackDocument). */
export interface StackFileExtras {
  /** Keys of other namespaces (full keys), passed to the program as `pulumi up` does. */
  otherConfig?: Record<string, unknown>;
  /** What Pulumi itself would refuse in the file. */
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

/** Config values as the program reads them: encrypted values (`{secret: v}`) as their placeholders. */
function plainConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => {
      const secret = (v as { secret?: unknown } | null)?.secret;
      return [k, secret !== undefined ? secret : v];
    }),
  );
}

/** The validated config of a stack (throws ConfigError like the program does). */
export function stackConfigOf(config: Record<string, unknown>, stack: string): PlatformConfig {
  return parseConfig(plainConfig(config), { project: PROJECT, stack });
}

/**
 * What an adopted (existing) cluster must provide, from what the stack says of it; nothing for the
 * managed targets, whose clusters the program builds with all of it.
 */
export function requirementsOf(cfg: PlatformConfig): string[] {
  const c = cfg.cluster;
  if (c.target !== "existing") return [];
  const out: string[] = [];
  const ingress = cfg.addons.ingress.enabled;
  if (ingress && c.loadBalancer === "available") {
    out.push(
      "a LoadBalancer implementation (cloud controller, MetalLB, cloud-provider-kind): the ingress Service is of type LoadBalancer and Helm waits for its address",
    );
  } else if (ingress) {
    out.push(
      "no LoadBalancer needed (cluster.loadBalancer: none): the ingress listens on node ports; on kind, create the cluster with examples/kind-cluster.yaml so localhost:80/443 reach them",
    );
  }
  const volumes = [
    cfg.addons.vault.enabled ? "Vault" : "",
    cfg.addons.monitoring.enabled ? "Prometheus, Alertmanager, Grafana" : "",
  ].filter(Boolean);
  if (volumes.length > 0) {
    out.push(
      `a StorageClass "${c.defaultStorageClass}" (cluster.defaultStorageClass) that provisions volumes: ${volumes.join(", ")} claim persistent volumes`,
    );
  }
  if (vaultRunsShamirHa(cfg.addons.vault)) {
    // The program cannot turn an adopted cluster's node upgrades off (the DOKS target does: doksAutoUpgrade).
    out.push(
      "node upgrades under your control (addons.vault.mode ha): Vault unseals with Shamir keys here, so every node an upgrade recycles brings a Vault pod back sealed, its PodDisruptionBudget blocks the next drain and a forced drain loses the Raft quorum; turn the cluster's automatic node upgrades off and drain one node at a time, unsealing the recycled pod before the next (docs/addons/vault.md)",
    );
  }
  const hpas = cfg.apps.some((a) => a.autoscaling !== undefined);
  if (c.hasMetricsApi) {
    out.push("the metrics API (cluster.hasMetricsApi: true): the platform installs no metrics-server");
  } else if (cfg.addons.metricsServer.enabled !== false) {
    out.push(
      `no metrics API needed: the platform installs metrics-server${c.kubeletServingCerts === "selfSigned" ? " with --kubelet-insecure-tls (cluster.kubeletServingCerts: selfSigned)" : ", which must verify the kubelets' serving certificates (kind: set cluster.kubeletServingCerts: selfSigned)"}`,
    );
  } else if (hpas) out.push("the metrics API: apps autoscale (HPA) and addons.metricsServer is off");
  return out;
}

/** The plan of a recorded run. */
export function planOf(
  run: ProgramRun,
  stack: string,
  profile: Profile,
  waivers: Waiver[],
  cluster?: ClusterFacts,
  requirements: string[] = [],
  volumeChangeLines: string[] = [],
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
  const { counted, waived } = splitWaived(evaluate(resources, { profile, cluster }), waivers);
  return {
    stack,
    profile,
    resourceCount: run.resources.length,
    components,
    releases,
    apps: appsOf(run),
    requirements,
    violations: counted,
    waivers,
    waived,
    volumeChanges: volumeChangeLines,
  };
}

/**
 * The program's refusal of volume changes, offline: the run's `volumeSettings` against the last
 * deployment's (the program itself compares them when `pulumi up` reads its own stack).
 */
export function volumeChangesOf(run: ProgramRun, last: LastDeployment | undefined): string[] {
  if (!last) return [];
  const current = readVolumeSettings(run.outputs.volumeSettings).settings;
  if (!current) return [];
  const changes = volumeChanges(readVolumeSettings(last.outputs.volumeSettings).settings, current);
  return refusedVolumeChanges(changes, last.changesDone ?? []).map(volumeChangeLine);
}

/**
 * The exit code of a plan: mandatory violations and refused volume changes (a rule of the program)
 * fail the preflight with EXIT.policy; advisory violations are shown.
 */
export function exitCodeOf(plan: Plan): typeof EXIT.success | typeof EXIT.policy {
  return plan.violations.some((v) => v.severity === "mandatory") || plan.volumeChanges.length > 0
    ? EXIT.policy
    : EXIT.success;
}

/** What the SDK prefixes a warning with when no engine receives it (@pulumi/pulumi log/index.js, warn). */
const NO_ENGINE_WARNING = "warning: [runtime] ";

/**
 * Runs `fn` collecting the program's warnings: under mocks there is no engine, and the SDK's
 * pulumi.log.warn writes them with console.warn (NO_ENGINE_WARNING); anything else passes through.
 */
async function collectingWarnings<T>(warnings: string[], fn: () => Promise<T>): Promise<T> {
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    const line = args.map(String).join(" ");
    if (line.startsWith(NO_ENGINE_WARNING)) warnings.push(line.slice(NO_ENGINE_WARNING.length));
    else original(...args);
  };
  try {
    return await fn();
  } finally {
    console.warn = original;
  }
}

/**
 * Evaluates `config` (a stack's project config) for `stack` and builds its plan; with `last` (what
 * the stack last deployed), the volume changes the deployment would refuse are part of it; with
 * `options.cost`, the stack's monthly cost estimate.
 */
export async function preflight(
  config: Record<string, unknown>,
  stack: string,
  last?: LastDeployment,
  file: StackFileExtras = {},
  options: PreflightOptions = {},
): Promise<PreflightResult> {
  const warnings: string[] = [];
  const fileProblems = file.problems ?? [];
  let run: ProgramRun;
  try {
    run = await collectingWarnings(warnings, () => runProgram({ ...config, ...file.otherConfig }, stack));
  } catch (err) {
    if (err instanceof ConfigError)
      return { exitCode: EXIT.usage, problems: [...fileProblems, ...err.problems], warnings };
    throw err;
  }
  if (fileProblems.length > 0) return { exitCode: EXIT.usage, problems: fileProblems, warnings };
  const cfg = stackConfigOf(config, stack);
  const plan = planOf(
    run,
    stack,
    cfg.profile,
    cfg.waivers,
    capabilitiesOf(cfg.cluster),
    requirementsOf(cfg),
    volumeChangesOf(run, last),
  );
  const dns = dnsReportOf(cfg);
  if (dns) plan.dns = dns;
  const result: PreflightResult = { exitCode: exitCodeOf(plan), plan, warnings };
  if (options.cost) result.cost = costOf(run, cfg, stack);
  return result;
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
  const dns = plan.dns ? renderDns(plan.dns) : [];
  if (dns.length > 0) lines.push(...dns, "");
  if (plan.requirements.length > 0) {
    lines.push("The adopted cluster must provide:");
    for (const r of plan.requirements) lines.push(`  - ${r}`);
    lines.push("");
  }
  const mandatory = plan.violations.filter((v) => v.severity === "mandatory");
  const advisory = plan.violations.filter((v) => v.severity === "advisory");
  lines.push(`Violations: ${mandatory.length} mandatory, ${advisory.length} advisory`);
  for (const v of [...mandatory, ...advisory]) {
    const ids = v.scannerIds.length ? ` [${v.scannerIds.join(", ")}]` : "";
    lines.push(`  ${v.severity.toUpperCase()} ${v.ruleId}${ids} ${v.resource}: ${v.message}`);
  }
  if (plan.volumeChanges.length > 0) {
    lines.push("");
    lines.push(`Volume changes refused against the last deployment: ${plan.volumeChanges.length}`);
    for (const c of plan.volumeChanges) lines.push(`  - ${c}`);
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
  const failed = [
    mandatory.length > 0 ? "mandatory violations" : "",
    plan.volumeChanges.length > 0 ? "refused volume changes" : "",
  ].filter((r) => r !== "");
  lines.push(
    exitCodeOf(plan) === EXIT.success ? "Preflight passed." : `Preflight FAILED: ${failed.join(" and ")}.`,
  );
  return lines.join("\n");
}
