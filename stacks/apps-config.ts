/** The `apps` section of the stack config: the workloads each stack deploys. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ADDON_NAMESPACES } from "../components/addons/namespaces";
import { VAULT_SETUP, vaultPolicyName } from "../components/addons/vault/names";
import { ISSUER_NAMES } from "../components/kube/conventions";
import { AppSettings, EgressRule } from "../components/workloads/types";
import type { Profile } from "./config";
import { cidr, dnsLabel } from "./validation";

/** App defaults per profile; every value can be overridden per app. */
export const APP_PROFILE_DEFAULTS = {
  dev: { replicas: 1 }, // apps[].replicas
  prod: { replicas: 2 },
} as const;

/** Namespaces apps may not use: the system's and the add-ons'. */
export const RESERVED_NAMESPACES: readonly string[] = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  ...ADDON_NAMESPACES,
];

const IMAGE =
  /^(?<repo>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/** Why an image reference is not acceptable, or undefined when it is (pinned tag or digest). */
export function imageProblem(image: string): string | undefined {
  const m = IMAGE.exec(image);
  if (!m?.groups) return 'must be an image reference like "ghcr.io/org/app:1.2.3" or "…@sha256:<64 hex>"';
  const { tag, digest } = m.groups;
  if (!tag && !digest) return "must pin a tag or a digest (an untagged image means :latest)";
  if (tag === "latest" && !digest) return 'must not use the "latest" tag: pin a version or a digest';
  return undefined;
}

const CPU = /^(\d+m|\d+(\.\d{1,3})?)$/;
const MEMORY = /^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Bytes of a Kubernetes memory quantity (as validated by MEMORY). */
export function memoryBytes(q: string): number {
  const m = /^(\d+)([A-Za-z]*)$/.exec(q);
  return m ? Number(m[1]) * (MEMORY_UNITS[m[2]] ?? NaN) : NaN;
}

const cpu = z.string().regex(CPU, 'must be a CPU quantity like "250m" or "1"');
const memory = z.string().regex(MEMORY, 'must be a memory quantity like "256Mi" or "1Gi"');
const port = z.number().int().min(1).max(65535);
/**
 * A DNS hostname, or a wildcard host: one leading "*" label, as an Ingress rule's host takes it
 * (Kubernetes "Ingress", "Hostname wildcards": "*.foo.com" matches one label) and as RFC 8555 §7.1.3
 * defines a wildcard identifier ("*." followed by a domain name).
 */
export const HOSTNAME =
  /^(?=.{1,253}$)(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const httpPath = (what: string) =>
  z.string().regex(/^\/[\w\-./~%]*$/, `must be an absolute ${what} path like "/healthz"`);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A key of the `secrets` config object (the rule of stacks/config.ts). */
const SECRET_NAME = /^[A-Za-z][\w-]*$/;
/** A field of a KV v2 secret (the JSON key the template reads, e.g. `.Data.data.password`). */
const KV_FIELD = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
/** The KV v2 data paths the platform's configure Job may write initial values to. */
const KV_DATA_PREFIX = `${VAULT_SETUP.kvPath}/data/`;

/** An egress rule as config holds it: exactly one of cidr or namespace (checked by appSchema). */
interface EgressConfig {
  cidr?: string;
  namespace?: string;
  ports: number[];
  protocol: "TCP" | "UDP";
}

/** The typed rule of a validated egress entry (appSchema has refused any without exactly one peer). */
export function toEgressRule({ cidr, namespace, ports, protocol }: EgressConfig): EgressRule {
  if (cidr !== undefined) return { kind: "cidr", cidr, ports, protocol };
  if (namespace !== undefined) return { kind: "namespace", namespace, ports, protocol };
  throw new Error("apps[].egress: must set exactly one of cidr or namespace");
}

export function appSchema(profile: Profile) {
  const defaults = APP_PROFILE_DEFAULTS[profile];
  return z
    .strictObject({
      name: dnsLabel(40),
      namespace: dnsLabel(63).optional(),
      image: z.string().superRefine((v, ctx) => {
        const problem = imageProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
      args: z.array(z.string()).default([]),
      port,
      servicePort: port.default(80),
      replicas: z.number().int().min(1).max(100).default(defaults.replicas),
      resources: z
        .strictObject({
          requests: z.strictObject({ cpu, memory }),
          limits: z.strictObject({ memory, cpu: cpu.optional() }),
        })
        .default({ requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } }),
      env: z
        .record(z.string().regex(ENV_NAME, "must be an environment variable name"), z.string())
        .default({}),
      secretEnv: z
        .record(z.string().regex(ENV_NAME, "must be an environment variable name"), z.string().min(1))
        .default({}),
      host: z
        .string()
        .regex(
          HOSTNAME,
          'must be a DNS hostname like "shop.example.com", or a wildcard with one leading label like "*.example.com"',
        )
        .optional(),
      // The ClusterIssuer of the host's certificate (app-issuer-config.ts); default: addons.certManager.defaultIssuer.
      issuer: z.enum(ISSUER_NAMES).optional(),
      path: httpPath("URL").default("/"),
      probes: z
        .strictObject({ liveness: httpPath("HTTP"), readiness: httpPath("HTTP") })
        .default({ liveness: "/healthz", readiness: "/readyz" }),
      autoscaling: z
        .strictObject({
          minReplicas: z.number().int().min(1).max(100),
          maxReplicas: z.number().int().min(1).max(1000),
          targetCpuUtilization: z.number().int().min(1).max(100).default(70),
          targetMemoryUtilization: z.number().int().min(1).max(100).optional(),
        })
        .optional(),
      metrics: z.strictObject({ port, path: httpPath("metrics").default("/metrics") }).optional(),
      writablePaths: z
        .array(z.string().regex(/^\/[\w\-./]*$/, 'must be an absolute path like "/tmp"'))
        .default(["/tmp"]),
      egress: z
        .array(
          z.strictObject({
            cidr: cidr().optional(),
            namespace: dnsLabel(63).optional(),
            ports: z.array(port).min(1),
            protocol: z.enum(["TCP", "UDP"]).default("TCP"),
          }),
        )
        .default([]),
      runAsUser: z.number().int().min(1, "must be ≥ 1 (0 is root)").max(2147483647).optional(),
      vault: z
        .strictObject({
          role: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "must be a Vault role name"),
          secrets: z
            .array(
              z.strictObject({
                // ≤ 41: the injector's annotation key vault.hashicorp.com/agent-inject-template-<name> has ≤ 63.
                name: z
                  .string()
                  .regex(
                    /^[a-z0-9][a-z0-9_.-]{0,40}$/,
                    "must be a lowercase file name of at most 41 characters",
                  ),
                path: z
                  .string()
                  .regex(/^[\w-]+(\/[\w.-]+)+$/, 'must be a Vault path like "secret/data/shop/config"'),
                template: z.string().min(1).optional(),
                // field → key of `secrets`: written once to `path` when it holds no secret yet.
                initial: z
                  .record(
                    z.string().regex(KV_FIELD, 'must be a KV field name like "password"'),
                    z
                      .string()
                      .regex(
                        SECRET_NAME,
                        "must name a key of `secrets` (letters, digits, '_', '-'), not the value itself",
                      ),
                  )
                  .refine((r) => Object.keys(r).length > 0, "must give at least one field")
                  .optional(),
              }),
            )
            .min(1),
        })
        .optional(),
    })
    .superRefine(
      (a, ctx) => {
        // Runs on invalid input too (`when`): an entry that is not an object has only its type problem.
        if (!a) return;
        const issue = (path: PropertyKey[], message: string) =>
          ctx.addIssue({ code: "custom", path, message });
        if (
          typeof a.resources?.requests?.memory === "string" &&
          typeof a.resources.limits?.memory === "string"
        ) {
          if (memoryBytes(a.resources.requests.memory) > memoryBytes(a.resources.limits.memory)) {
            issue(
              ["resources", "limits", "memory"],
              `must be ≥ the memory request (${a.resources.requests.memory})`,
            );
          }
        }
        const auto = a.autoscaling;
        if (auto && typeof auto.minReplicas === "number" && auto.minReplicas > auto.maxReplicas) {
          issue(["autoscaling", "minReplicas"], `must be ≤ maxReplicas (${auto.maxReplicas})`);
        }
        if (profile === "prod" && typeof a.replicas === "number" && a.replicas < 2) {
          issue(["replicas"], "must be ≥ 2 in prod (one replica cannot survive a node drain)");
        }
        if (profile === "prod" && auto && typeof auto.minReplicas === "number" && auto.minReplicas < 2) {
          issue(["autoscaling", "minReplicas"], "must be ≥ 2 in prod");
        }
        if (a.metrics && a.metrics.port === a.port) {
          issue(
            ["metrics", "port"],
            `must differ from the app port (${a.port}): metrics are not exposed to the ingress`,
          );
        }
        for (const key of Object.keys(a.secretEnv ?? {})) {
          if (a.env && typeof a.env === "object" && key in a.env)
            issue(["secretEnv", key], "is also set in env; set it in one place only");
        }
        (Array.isArray(a.egress) ? a.egress : []).forEach((e, i) => {
          if (e && (e.cidr === undefined) === (e.namespace === undefined)) {
            issue(["egress", i], "must set exactly one of cidr or namespace");
          }
        });
        (Array.isArray(a.vault?.secrets) ? a.vault.secrets : []).forEach((secret, i) => {
          if (
            secret?.initial !== undefined &&
            typeof secret.path === "string" &&
            !secret.path.startsWith(KV_DATA_PREFIX)
          ) {
            issue(
              ["vault", "secrets", i, "initial"],
              `is written to the platform's KV v2 mount ${VAULT_SETUP.kvPath}/: the path must start with "${KV_DATA_PREFIX}" (got "${secret.path}")`,
            );
          }
        });
        if (a.vault?.role === VAULT_SETUP.configuratorRole) {
          issue(["vault", "role"], "is the platform's own configurator role; choose another name");
        }
        if (a.namespace && RESERVED_NAMESPACES.includes(a.namespace)) {
          issue(["namespace"], `is reserved for the system or an add-on; allowed: any other DNS-1123 name`);
        }
      },
      { when: () => true },
    )
    .transform((a) => ({ ...a, egress: a.egress.map(toEgressRule) }));
}

export type AppConfig = z.output<ReturnType<typeof appSchema>>;

export function appsSchema(profile: Profile) {
  return z
    .array(appSchema(profile))
    .max(1000)
    .default([])
    .superRefine(
      (apps, ctx) => {
        // Runs on invalid input too (`when`): `apps` that is not a list has only its type problem.
        if (!Array.isArray(apps)) return;
        const seen = new Set<string>();
        apps.forEach((a, i) => {
          if (typeof a?.name !== "string") return;
          if (seen.has(a.name))
            ctx.addIssue({ code: "custom", path: [i, "name"], message: "duplicates another app's name" });
          seen.add(a.name);
        });
        checkVaultRoles(apps, ctx);
      },
      { when: () => true },
    );
}

/** What the Vault cross-checks read of one app (raw, possibly invalid config). */
interface VaultAppView {
  name?: unknown;
  namespace?: unknown;
  vault?: { role?: unknown; secrets?: { path?: unknown; initial?: unknown }[] };
}

/**
 * Each Vault role is bound to one app's ServiceAccount: a role two apps declare is refused, and so
 * is an initial value two secrets entries give the same field of the same path.
 */
function checkVaultRoles(apps: VaultAppView[], ctx: z.RefinementCtx): void {
  const roles = new Map<string, string>();
  const fields = new Map<string, string>();
  const policies = new Map<string, string>();
  apps.forEach((a, i) => {
    const role = a?.vault?.role;
    const app = typeof a?.name === "string" ? a.name : `apps[${i}]`;
    if (a?.vault && typeof a.name === "string") {
      // The Vault policy is named from namespace and app joined by "-" (vaultPolicyName): app c in
      // namespace a-b and app b-c in namespace a would share one, which the configure Job refuses.
      const policy = vaultPolicyName(typeof a.namespace === "string" ? a.namespace : a.name, a.name);
      const first = policies.get(policy);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: [i, "name"],
          message: `its Vault policy name ${policy} is app "${first}"'s too (namespace and name joined by "-"): rename this app or its namespace`,
        });
      else policies.set(policy, a.name);
    }
    if (typeof role === "string") {
      const first = roles.get(role);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [i, "vault", "role"],
          message: `duplicates the Vault role of app "${first}": each role is bound to one app's ServiceAccount`,
        });
      } else roles.set(role, app);
    }
    (Array.isArray(a?.vault?.secrets) ? a.vault.secrets : []).forEach((secret, j) => {
      const initial = secret?.initial;
      if (typeof secret?.path !== "string" || typeof initial !== "object" || initial === null) return;
      for (const field of Object.keys(initial)) {
        const key = `${secret.path}#${field}`;
        const first = fields.get(key);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [i, "vault", "secrets", j, "initial", field],
            message: `gives ${secret.path} field ${field} an initial value already given by ${first}; give it once`,
          });
        } else fields.set(key, `app "${app}"`);
      }
    });
  });
}

/**
 * Each `apps[].vault.secrets[].initial` value names a key of the `secrets` config object (run on
 * raw config in the top-level refinement, which sees `secrets`): a missing one is named.
 */
export function checkVaultInitialSecrets(
  apps: unknown,
  secrets: Record<string, string> | undefined,
  ctx: z.RefinementCtx,
): void {
  if (!Array.isArray(apps)) return;
  apps.forEach((a: VaultAppView | undefined, i) => {
    (Array.isArray(a?.vault?.secrets) ? a.vault.secrets : []).forEach((secret, j) => {
      const initial = secret?.initial;
      if (typeof initial !== "object" || initial === null) return;
      for (const [field, key] of Object.entries(initial)) {
        if (typeof key !== "string" || !SECRET_NAME.test(key) || (secrets && key in secrets)) continue;
        ctx.addIssue({
          code: "custom",
          path: ["apps", i, "vault", "secrets", j, "initial", field],
          message: `names the secret "${key}", which is not set; set it with \`pulumi config set --secret --path secrets.${key} <value>\``,
        });
      }
    });
  });
}

/** Typed app settings; secret env values come from the `secrets` config object (a Pulumi secret). */
export function toAppSettings(a: AppConfig, secrets: Record<string, string>): AppSettings {
  const secretOf = (key: string) => pulumi.secret(secrets[key]);
  return {
    ...a,
    namespace: a.namespace ?? a.name,
    secretEnv: Object.fromEntries(Object.entries(a.secretEnv).map(([env, key]) => [env, secretOf(key)])),
    vault: a.vault && {
      role: a.vault.role,
      secrets: a.vault.secrets.map(({ initial, ...secret }) => ({
        ...secret,
        ...(initial && {
          initial: Object.fromEntries(Object.entries(initial).map(([field, key]) => [field, secretOf(key)])),
        }),
      })),
    },
  };
}
