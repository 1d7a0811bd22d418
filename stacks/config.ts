/**
 * The one place that reads stack configuration. It validates everything with a schema and turns
 * it into typed settings for the components; every problem is reported (all at once, one line
 * each, naming the key, the bad value and what is allowed) before any resource is created. The
 * sections have their own modules: cluster/ (per target), addons-config, apps-config.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AddonsSettings } from "../components/addons/types";
import { ClusterSettings } from "../components/cluster/types";
import { cloudLabelValue } from "../components/cluster/labels";
import { PROFILES, type Profile } from "../components/shared/profile";
import { addonsSchema, toAddonsSettings } from "./addons-config";
import { documentationRangeProblems, documentationRangeWarnings } from "./api-access-config";
import { chartValuesProblems } from "./chart-values-config";
import { namespaceProblems } from "./config-namespaces";
import { ingressAnnotationProblems } from "./ingress-config";
import { checkAlertingSecrets } from "./alerting-config";
import { checkAppIssuers } from "./app-issuer-config";
import { checkDnsFitsCluster } from "./dns-config";
import { appsSchema, checkVaultInitialSecrets, toAppSettings } from "./apps-config";
import { ALWAYS } from "./cluster/common";
import { clusterSchema } from "./cluster";
import { doksAutoUpgrade, doksUpgradeProblems } from "./cluster/doks";
import { clusterAutoscalerWithKarpenterProblems } from "./cluster/eks-karpenter";
import { AppSettings } from "../components/workloads/types";
import { ALL_RULES } from "../rules";
import { formatIssues, report } from "./validation";
import { type CostAssumptions, costSchema } from "./cost-config";

export type { Profile };
export {
  DEFAULT_KUBERNETES_VERSION,
  DEFAULT_MACHINE_TYPES,
  PROFILE_DEFAULTS,
  clusterSchema,
  type ClusterSection,
} from "./cluster";

/** The validated configuration of one stack. */
export interface PlatformConfig {
  project: string;
  stack: string;
  profile: Profile;
  cluster: ClusterSettings;
  addons: AddonsSettings;
  apps: AppSettings[];
  /** Security rules this stack waives, each with its reason (printed by the preflight). */
  waivers: { rule: string; reason: string }[];
  /** What the config accepts but the user should fix (one line each, naming the key); logged once by loadConfig. */
  warnings: string[];
  /** The monthly usage the offline cost estimate assumes (`cost`, stacks/cost-config.ts); deploys nothing. */
  cost: CostAssumptions;
}

/** Top-level keys whose values are secrets: never echoed in error messages. */
export const SECRET_KEYS = ["kubeconfig", "secrets"] as const;

/** The whole stack config schema for a profile. */
export function platformSchema(profile: Profile, defaultClusterName: string) {
  return z
    .strictObject({
      profile: z.enum(PROFILES).default("dev"),
      cluster: clusterSchema(profile, defaultClusterName),
      addons: addonsSchema(profile).prefault({}),
      apps: appsSchema(profile),
      waivers: z
        .array(
          z.strictObject({
            rule: z.enum(ALL_RULES.map((r) => r.id) as [string, ...string[]]),
            reason: z.string().min(10, "must explain the waiver (at least 10 characters)"),
          }),
        )
        .default([]),
      cost: costSchema,
      kubeconfig: z.string().min(1).optional(),
      secrets: z.record(z.string().regex(/^[A-Za-z][\w-]*$/, "must be a secret name"), z.string()).optional(),
      tags: z
        .record(
          z
            .string()
            .regex(
              /^[a-z][a-z0-9_-]{0,62}$/,
              "must be a lowercase tag key (letters, digits, '_', '-'; ≤ 63)",
            ),
          z
            .string()
            .regex(/^[a-z0-9_-]{0,63}$/, "must be a lowercase tag value (letters, digits, '_', '-'; ≤ 63)"),
        )
        .default({}),
    })
    .superRefine((c, ctx) => {
      checkAddonsFitCluster(
        c.cluster?.target,
        (c.cluster as { hasMetricsApi?: unknown } | undefined)?.hasMetricsApi,
        c.addons,
        ctx,
      );
      checkAppsFitAddons(c.apps, c.addons, c.secrets, ctx);
      checkAppIssuers(c.apps, c.addons, ctx);
      checkDnsFitsCluster(c.cluster?.target, c.addons?.dns, c.secrets, ctx, {
        enabled: c.addons?.ingress?.enabled,
        loadBalancer: (c.cluster as { loadBalancer?: unknown } | undefined)?.loadBalancer,
      });
      if (c.cluster?.target === "doks") {
        report(ctx, doksUpgradeProblems(profile, c.cluster.autoUpgrade, c.addons?.vault), ["cluster"]);
      }
      checkAlertingSecrets(c.addons, c.secrets, profile, ctx);
      checkVaultInitialSecrets(c.apps, c.secrets, ctx);
      report(ctx, documentationRangeProblems(profile, c.cluster), ["cluster"]);
      report(ctx, ingressAnnotationProblems(c.cluster?.target, c.addons?.ingress), ["addons", "ingress"]);
      report(ctx, clusterAutoscalerWithKarpenterProblems(c.cluster, c.addons));
    }, ALWAYS);
}

/** Apps may only use what the stack installs, and only secrets it has. */
function checkAppsFitAddons(
  apps: unknown,
  addons: Partial<Record<keyof AddonsSettings, unknown>> | undefined,
  secrets: Record<string, string> | undefined,
  ctx: z.RefinementCtx,
): void {
  if (!Array.isArray(apps)) return;
  const off = (name: keyof AddonsSettings) =>
    (addons?.[name] as { enabled?: unknown } | undefined)?.enabled === false;
  apps.forEach((a: Partial<Record<string, unknown>> | undefined, i) => {
    if (typeof a !== "object" || a === null) return;
    const issue = (key: PropertyKey[], message: string) =>
      ctx.addIssue({ code: "custom", path: ["apps", i, ...key], message });
    if (a.host !== undefined && off("ingress")) {
      issue(["host"], "needs the ingress controller, which is disabled (addons.ingress.enabled: false)");
    }
    if (a.host !== undefined && off("certManager")) {
      issue(
        ["host"],
        "needs cert-manager for its TLS certificate, which is disabled (addons.certManager.enabled: false)",
      );
    }
    if (a.metrics !== undefined && off("monitoring")) {
      issue(
        ["metrics"],
        "needs the monitoring add-on for its ServiceMonitor, which is disabled (addons.monitoring.enabled: false)",
      );
    }
    if (a.vault !== undefined && off("vault")) {
      issue(["vault"], "needs Vault, which is disabled (addons.vault.enabled: false)");
    }
    const secretEnv = a.secretEnv;
    if (typeof secretEnv === "object" && secretEnv !== null) {
      for (const [env, key] of Object.entries(secretEnv)) {
        if (typeof key === "string" && !(secrets && key in secrets)) {
          issue(
            ["secretEnv", env],
            `names the secret "${key}", which is not set; set it with \`pulumi config set --secret --path secrets.${key} <value>\``,
          );
        }
      }
    }
  });
}

/** Targets whose metrics API / node autoscaling is managed by the cloud (installing ours would clash). */
const MANAGED_METRICS_API = ["gke", "aks"];
const NATIVE_NODE_AUTOSCALING = ["gke", "aks", "doks", "existing"];

function checkAddonsFitCluster(
  target: string | undefined,
  hasMetricsApi: unknown,
  addons: { metricsServer?: { enabled?: unknown }; clusterAutoscaler?: { enabled?: unknown } } | undefined,
  ctx: z.RefinementCtx,
): void {
  if (target && MANAGED_METRICS_API.includes(target) && addons?.metricsServer?.enabled === true) {
    ctx.addIssue({
      code: "custom",
      path: ["addons", "metricsServer", "enabled"],
      message: `${target} already serves the metrics API (a second metrics-server would clash); use "auto" or false`,
    });
  }
  if (target === "existing" && hasMetricsApi === true && addons?.metricsServer?.enabled === true) {
    ctx.addIssue({
      code: "custom",
      path: ["addons", "metricsServer", "enabled"],
      message:
        'the cluster already serves the metrics API (cluster.hasMetricsApi: true): a second metrics-server would clash over its APIService; use "auto" or false',
    });
  }
  if (target && NATIVE_NODE_AUTOSCALING.includes(target) && addons?.clusterAutoscaler?.enabled === true) {
    ctx.addIssue({
      code: "custom",
      path: ["addons", "clusterAutoscaler", "enabled"],
      message: `${target} node pools autoscale natively (or are not ours to scale); cluster-autoscaler is for eks; use "auto" or false`,
    });
  }
}

/**
 * An invalid stack config: `problems` has one line per problem. A RunError, so that under `pulumi
 * up` the Node.js runtime logs its message once and no stack trace (@pulumi/pulumi
 * cmd/run/run.js, the uncaught-error handler: `RunError.isInstance(err)` → `log.error(err.message)`,
 * any other error with its stack); the process then exits 32, which the language host answers
 * with a bail, so the CLI prints nothing more (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go,
 * nodeJSProcessExitedAfterShowingUserActionableMessage).
 */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: string[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        "\nKeys are under the project namespace (e.g. `pulumi config set --path cluster.region eu-west-1`); see docs/configuration.md.",
    );
    this.name = "ConfigError";
  }
}

export interface ConfigContext {
  project: string;
  stack: string;
  /** Reads a kubeconfig file named by cluster.kubeconfigPath (injectable for tests). */
  readFile?: (p: string) => string;
  /** Top-level keys whose values Pulumi holds encrypted (`pulumi config set --secret`). */
  secretKeys?: ReadonlySet<string>;
  /** The Pulumi organization of the stack (pulumi.getOrganization()), when the engine gives one. */
  organization?: string;
  /** The stack's config keys of other namespaces (`aws:region`, …): near misses of `project` are problems. */
  otherKeys?: readonly string[];
}

/**
 * A path with the user's home for a leading `~` or `~/` (as a shell does for the current user);
 * `~bob/x` (another user's home) and every other path stay as they are.
 */
export function expandHome(p: string, home: string): string {
  if (p === "~") return home;
  return p.startsWith("~/") ? path.join(home, p.slice(2)) : p;
}

function defaultReadFile(p: string): string {
  return fs.readFileSync(expandHome(p, os.homedir()), "utf8");
}

/**
 * Validates raw config values (as `pulumi config` holds them, objects already parsed) into a
 * PlatformConfig. Throws ConfigError listing every problem.
 */
export function parseConfig(raw: Record<string, unknown>, ctx: ConfigContext): PlatformConfig {
  const problems: string[] = [];
  const profileResult = z.enum(PROFILES).default("dev").safeParse(raw.profile);
  const profile: Profile = profileResult.success ? profileResult.data : "dev";
  const defaultClusterName = `${ctx.project}-${ctx.stack}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 40)
    // A cut may end on "-", which no cloud accepts at the end of a cluster name.
    .replace(/-+$/, "");
  const schema = platformSchema(profile, defaultClusterName);
  const parsed = schema.safeParse(raw);
  // Values under a key held secret (e.g. `addons` after `--secret --path addons.…`) are never echoed.
  const hidden = [...SECRET_KEYS, ...(ctx.secretKeys ?? [])];
  problems.push(...namespaceProblems(ctx.otherKeys ?? [], ctx.project));
  if (!parsed.success) problems.push(...formatIssues(parsed.error.issues, raw, schema, hidden));
  // A key the platform already refuses (addons.ingress.values.service, …) gets no line from its chart, nor under it.
  const reported = problems.map((p) => p.slice(0, p.indexOf(":")));
  const under = (key: string) => reported.some((r) => key === r || key.startsWith(`${r}.`));
  problems.push(
    ...chartValuesProblems(raw.addons, hidden.includes("addons")).filter(
      (p) => !under(p.slice(0, p.indexOf(":"))),
    ),
  );

  let cluster: ClusterSettings | undefined;
  if (parsed.success) {
    const c = parsed.data.cluster;
    const tags = {
      "managed-by": "pulumi",
      // Stack names may hold '.' and run to 100 characters; label values may not (labels.ts).
      "kube-platform-stack": cloudLabelValue(ctx.stack),
      ...parsed.data.tags,
    };
    if (c.target === "existing") {
      const kubeconfig = readExistingKubeconfig(raw.kubeconfig, c.kubeconfigPath, ctx, problems);
      const { kubeconfigPath: _path, ...rest } = c;
      if (kubeconfig !== undefined) cluster = { ...rest, kubeconfig: pulumi.secret(kubeconfig) };
    } else {
      if (raw.kubeconfig !== undefined) {
        problems.push(
          `kubeconfig: is only used with cluster.target "existing" (got target "${c.target}"); remove it`,
        );
      }
      const section =
        c.target === "doks"
          ? { ...c, autoUpgrade: doksAutoUpgrade(c.autoUpgrade, parsed.data.addons.vault) }
          : c;
      cluster = { ...section, tags };
    }
  }
  if (raw.secrets !== undefined && ctx.secretKeys && !ctx.secretKeys.has("secrets")) {
    problems.push(
      "secrets: is stored in plaintext; set every value with `pulumi config set --secret --path secrets.<name> <value>`",
    );
  }
  if (problems.length > 0 || !parsed.success || !cluster) throw new ConfigError(problems);
  return {
    project: ctx.project,
    stack: ctx.stack,
    profile: parsed.data.profile,
    cluster,
    addons: toAddonsSettings(
      parsed.data.addons,
      ctx.secretKeys?.has("addons") ?? false,
      parsed.data.secrets ?? {},
      {
        project: ctx.project,
        stack: ctx.stack,
        organization: ctx.organization,
        clusterName: cluster.clusterName,
        target: cluster.target,
      },
    ),
    apps: parsed.data.apps.map((a) => toAppSettings(a, parsed.data.secrets ?? {})),
    waivers: parsed.data.waivers,
    warnings: documentationRangeWarnings(parsed.data.profile, raw.cluster),
    cost: parsed.data.cost,
  };
}

function readExistingKubeconfig(
  secretValue: unknown,
  kubeconfigPath: string | undefined,
  ctx: ConfigContext,
  problems: string[],
): string | undefined {
  if (secretValue !== undefined && kubeconfigPath !== undefined) {
    problems.push(
      "cluster.kubeconfigPath: set together with the kubeconfig secret; allowed: exactly one of kubeconfig (secret) or cluster.kubeconfigPath",
    );
    return undefined;
  }
  if (typeof secretValue === "string") return secretValue;
  if (kubeconfigPath === undefined) {
    problems.push(
      "kubeconfig: is required for cluster.target existing; set it with `pulumi config set --secret kubeconfig < file`, or set cluster.kubeconfigPath",
    );
    return undefined;
  }
  try {
    return (ctx.readFile ?? defaultReadFile)(kubeconfigPath);
  } catch (err) {
    problems.push(
      `cluster.kubeconfigPath: got "${kubeconfigPath}"; cannot read it (${(err as Error).message})`,
    );
    return undefined;
  }
}

/** Parses a config value as `pulumi config` stores it (objects and arrays as JSON). */
export function decodeConfigValue(value: string): unknown {
  const t = value.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return value;
    }
  }
  return value;
}

/** Reads this stack's config from Pulumi and validates it. The only reader of pulumi.Config. */
export function loadConfig(): PlatformConfig {
  const project = pulumi.getProject();
  const prefix = `${project}:`;
  const raw: Record<string, unknown> = {};
  const otherKeys: string[] = [];
  // Every key of every namespace (stacks/config-namespaces.ts says where Pulumi passes them).
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = decodeConfigValue(value);
    else otherKeys.push(key);
  }
  const secretKeys = new Set(Object.keys(raw).filter((k) => isConfigSecret(`${prefix}${k}`)));
  const cfg = parseConfig(raw, {
    project,
    stack: pulumi.getStack(),
    secretKeys,
    organization: engineOrganization(),
    otherKeys,
  });
  // Once per run: the program reads its config once (index.ts).
  for (const w of cfg.warnings) void pulumi.log.warn(w);
  return cfg;
}

/** The stack's Pulumi organization; undefined when the engine gives none (an older engine, mocks without one). */
export function engineOrganization(): string | undefined {
  try {
    return pulumi.getOrganization();
  } catch {
    return undefined;
  }
}

/**
 * Whether Pulumi holds a config key encrypted. The SDK keeps this check internal; it reads the
 * secret-key list the engine passes to the program (PULUMI_CONFIG_SECRET_KEYS).
 */
function isConfigSecret(key: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const internal = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
  if (typeof internal.isConfigSecret !== "function") {
    throw new Error("this @pulumi/pulumi version does not expose isConfigSecret; update stacks/config.ts");
  }
  return internal.isConfigSecret(key);
}
