/** The `addons` section of the stack config: schema, profile presets and cross-checks. */
import { z } from "zod";
import { AddonsSettings } from "../components/addons/types";
import { markSecretValues } from "../components/addons/base";
import { isAcmeIssuer, ISSUER_NAMES } from "../components/kube/conventions";
import { Problem, duplicateProblems } from "../components/shared/problems";
import {
  MAX_KEY_SHARES,
  majorityThreshold,
  pgpPublicKeyProblem,
  vaultThresholdProblems,
} from "../components/shared/vault-init";
import { alertingSchema, alertingValuesConflicts, toAlertingSettings } from "./alerting-config";
import { DnsContext, dns01IssuerProblems, dnsSchema, toDnsSettings } from "./dns-config";
import { ingressValuesProblems, serviceAnnotationsSchema } from "./ingress-config";
import { dnsLabel, report } from "./validation";
import type { Profile } from "./config";

/** Add-on defaults per profile; every value can be overridden under `addons`. */
export const ADDON_PROFILE_DEFAULTS = {
  dev: {
    highAvailability: false, // addons.highAvailability
    ingressReplicas: 1, // addons.ingress.replicas
    defaultIssuer: "selfsigned", // addons.certManager.defaultIssuer
    vaultMode: "dev", // addons.vault.mode
    vaultInjectorReplicas: 1, // addons.vault.injectorReplicas
    retention: "3d", // addons.monitoring.retention
    prometheusStorageSize: "10Gi", // addons.monitoring.prometheusStorageSize
    alertmanagerStorageSize: "1Gi", // addons.monitoring.alertmanagerStorageSize
    grafanaStorageSize: "1Gi", // addons.monitoring.grafanaStorageSize
    prometheusReplicas: 1, // addons.monitoring.prometheusReplicas
    alertmanagerReplicas: 1, // addons.monitoring.alertmanagerReplicas
    dnsPolicy: "sync", // addons.dns.policy
    volumesOnDestroy: "delete", // addons.volumes.onDestroy
  },
  prod: {
    highAvailability: true,
    ingressReplicas: 3,
    defaultIssuer: "letsencrypt-prod",
    vaultMode: "ha",
    vaultInjectorReplicas: 2,
    retention: "15d",
    prometheusStorageSize: "100Gi",
    alertmanagerStorageSize: "10Gi",
    grafanaStorageSize: "10Gi",
    prometheusReplicas: 2,
    alertmanagerReplicas: 3,
    dnsPolicy: "upsert-only",
    volumesOnDestroy: "retain",
  },
} as const;

const quantity = z
  .string()
  .regex(/^[1-9]\d*(Mi|Gi|Ti)$/, 'must be a storage size like "10Gi" (Mi, Gi or Ti)');
const duration = z
  .string()
  .regex(/^[1-9]\d*(h|d|w|y)$/, 'must be a Prometheus duration like "15d" (h, d, w or y)');
const email = z
  .string()
  .regex(/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i, 'must be an e-mail address like "ops@example.com"')
  .refine(
    (e) => !/@example\.(com|org|net)$/i.test(e),
    "must be a real address: Let's Encrypt rejects example.com",
  );
const values = z.record(z.string(), z.unknown()).default({});

/** `addons.vault.init`: the key holders the bootstrap Job encrypts the key shares to (ha mode). */
const vaultInitSchema = z
  .strictObject({
    keyHolders: z
      .array(
        z.strictObject({
          name: z
            .string()
            .regex(
              /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/,
              'must be a lowercase name like "alice" (letters, digits, ".", "_", "-"; at most 63)',
            ),
          pgpKey: z.string().superRefine((v, ctx) => {
            const problem = pgpPublicKeyProblem(v);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
          }),
        }),
      )
      .max(MAX_KEY_SHARES)
      .default([]),
    // Vault's init bounds are checked against the holders (vaultInitProblems).
    threshold: z.number().int().optional(),
    unsealWaitSeconds: z.number().int().min(60).max(86400).default(1800),
    sharesReaderGroup: z.string().min(1).max(253).optional(),
  })
  .prefault({});

/** What the Vault cross-checks read of `addons.vault` (raw, possibly invalid config). */
interface VaultView {
  enabled?: unknown;
  mode?: unknown;
  init?: { keyHolders?: unknown; threshold?: unknown };
}

/** Problems of `addons.vault.init` against the mode (paths relative to `addons.vault`). */
export function vaultInitProblems(v: VaultView | undefined): Problem[] {
  if (v?.enabled === false) return [];
  const holders = Array.isArray(v?.init?.keyHolders) ? v.init.keyHolders : [];
  const threshold = v?.init?.threshold;
  if (holders.length === 0) {
    if (v?.mode === "ha") {
      return [
        {
          path: ["init", "keyHolders"],
          message:
            "is required in ha mode: list the key holders ({name, pgpKey}) whose public PGP keys the bootstrap Job encrypts one key share each to (docs/addons/vault.md)",
        },
      ];
    }
    return typeof threshold === "number"
      ? [
          {
            path: ["init", "threshold"],
            message: "needs addons.vault.init.keyHolders (one share per holder)",
          },
        ]
      : [];
  }
  // Only the well-formed names count (a missing one is reported by the schema).
  const names = holders.map((h: unknown, i) => {
    const n: unknown = typeof h === "object" && h !== null ? Reflect.get(h, "name") : undefined;
    return typeof n === "string" ? n : `#${i}`;
  });
  const dup = duplicateProblems(names).map((p) => ({
    path: ["init", "keyHolders", ...p.path, "name"],
    message: "duplicates another key holder's name (each holder gets one share)",
  }));
  const t = typeof threshold === "number" ? threshold : majorityThreshold(holders.length);
  return [
    ...dup,
    ...vaultThresholdProblems(holders.length, t).map((p) => ({ ...p, path: ["init", ...p.path] })),
  ];
}
const autoToggle = z.union([z.literal("auto"), z.boolean()]).default("auto");

export function addonsSchema(profile: Profile) {
  const p = ADDON_PROFILE_DEFAULTS[profile];
  return z
    .strictObject({
      highAvailability: z.boolean().default(p.highAvailability),
      ingress: z
        .strictObject({
          enabled: z.boolean().default(true),
          controller: z.enum(["traefik", "nginx"]).default("traefik"),
          replicas: z.number().int().min(1).max(20).default(p.ingressReplicas),
          className: dnsLabel(63).optional(),
          // The platform's ingress Service's (stacks/ingress-config.ts).
          serviceAnnotations: serviceAnnotationsSchema,
          values,
        })
        .prefault({}),
      certManager: z
        .strictObject({
          enabled: z.boolean().default(true),
          email: email.optional(),
          defaultIssuer: z.enum(ISSUER_NAMES).default(p.defaultIssuer),
          values,
        })
        .prefault({}),
      vault: z
        .strictObject({
          enabled: z.boolean().default(true),
          mode: z.enum(["dev", "ha"]).default(p.vaultMode),
          replicas: z.literal([3, 5]).default(3),
          storageSize: quantity.default("10Gi"),
          auditStorageSize: quantity.default("10Gi"),
          injectorReplicas: z.number().int().min(1).max(10).default(p.vaultInjectorReplicas),
          init: vaultInitSchema,
          values,
        })
        .prefault({}),
      monitoring: z
        .strictObject({
          enabled: z.boolean().default(true),
          retention: duration.default(p.retention),
          prometheusStorageSize: quantity.default(p.prometheusStorageSize),
          alertmanagerStorageSize: quantity.default(p.alertmanagerStorageSize),
          grafanaStorageSize: quantity.default(p.grafanaStorageSize),
          prometheusReplicas: z.number().int().min(1).max(5).default(p.prometheusReplicas),
          alertmanagerReplicas: z.number().int().min(1).max(5).default(p.alertmanagerReplicas),
          alerting: alertingSchema.optional(),
          values,
        })
        .prefault({}),
      metricsServer: z.strictObject({ enabled: autoToggle, values }).prefault({}),
      clusterAutoscaler: z.strictObject({ enabled: autoToggle, values }).prefault({}),
      dns: dnsSchema(p.dnsPolicy).optional(),
      // What a destroy does with the add-ons' volumes (components/addons/volume-retention.ts).
      volumes: z
        .strictObject({ onDestroy: z.enum(["delete", "retain"]).default(p.volumesOnDestroy) })
        .prefault({}),
    })
    .superRefine(
      (a, ctx) => {
        // Runs on invalid input too (`when`): `addons: null` has only its type problem.
        if (!a) return;
        report(ctx, dns01IssuerProblems(a));
        report(ctx, ingressValuesProblems(a.ingress), ["ingress"]);
        const cm = a.certManager;
        const acme = cm?.defaultIssuer !== undefined && isAcmeIssuer(cm.defaultIssuer);
        if (cm?.enabled !== false && acme && cm.email === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["certManager", "email"],
            message: `is required for the Let's Encrypt issuer "${cm.defaultIssuer}" (the ACME account e-mail); or set certManager.defaultIssuer: selfsigned`,
          });
        }
        if (cm?.enabled !== false && acme && a.ingress?.enabled === false) {
          ctx.addIssue({
            code: "custom",
            path: ["certManager", "defaultIssuer"],
            message:
              "Let's Encrypt issuers solve HTTP-01 challenges through the ingress controller, which is disabled (addons.ingress.enabled: false); use selfsigned or enable the ingress",
          });
        }
        const mon = a.monitoring;
        if (mon?.alerting !== undefined && mon.enabled === false) {
          ctx.addIssue({
            code: "custom",
            path: ["monitoring", "enabled"],
            message:
              "turns monitoring off, but addons.monitoring.alerting is set; enable it or remove alerting",
          });
        }
        if (mon?.alerting !== undefined && mon.values) {
          report(ctx, alertingValuesConflicts(mon.values), ["monitoring", "values"]);
        }
        report(ctx, vaultInitProblems(a.vault), ["vault"]);
        if (a.vault?.enabled !== false && a.vault?.mode === "ha" && cm?.enabled === false) {
          ctx.addIssue({
            code: "custom",
            path: ["vault", "mode"],
            message:
              "ha mode serves TLS with certificates from cert-manager, which is disabled (addons.certManager.enabled: false); enable it or use mode dev",
          });
        }
      },
      { when: () => true },
    );
}

export type AddonsConfig = z.output<ReturnType<typeof addonsSchema>>;

/** What the node-upgrade checks read of `addons.vault` (as parsed, or raw in a refinement). */
export interface VaultUpgradeView {
  enabled?: unknown;
  mode?: unknown;
}

/**
 * Whether Vault runs ha with Shamir unsealing on a target without a cloud KMS (DOKS, existing): the
 * platform auto-unseals only through a cloud KMS, so ha there always means Shamir keys. Each node an
 * upgrade recycles brings its Vault pod back sealed (docs/addons/vault.md, "Unsealing"): the
 * PodDisruptionBudget (maxUnavailable 1) then blocks the next drain until someone unseals it, and a
 * drain forced past it seals a second voter and loses the Raft quorum.
 */
export function vaultRunsShamirHa(vault: VaultUpgradeView | undefined): boolean {
  return vault?.enabled !== false && vault?.mode === "ha";
}

/**
 * The typed settings the add-on components take (the IngressClass is named after the controller by
 * default). `secret`: the `addons` config key is secret (some path set with `--secret`); every
 * add-on's values are then marked so its Helm release's `values` input is a Pulumi secret.
 * `secrets`: the `secrets` config object, where alerting's secret references point.
 */
export function toAddonsSettings(
  a: AddonsConfig,
  secret = false,
  secrets: Record<string, string> = {},
  dns?: Omit<DnsContext, "secrets">,
): AddonsSettings {
  if (secret) {
    const all = [
      a.ingress,
      a.certManager,
      a.vault,
      a.monitoring,
      a.metricsServer,
      a.clusterAutoscaler,
      a.dns,
    ];
    for (const addon of all) if (addon) markSecretValues(addon.values);
    // The ingress Service's annotations come from the same secret key (ingress-service.ts).
    markSecretValues(a.ingress.serviceAnnotations);
  }
  if (a.dns && a.dns.zones.length > 0 && !dns)
    throw new Error("toAddonsSettings: addons.dns needs the project, stack and target (DnsContext)");
  const dnsSettings = dns && toDnsSettings(a.dns, { ...dns, secrets });
  const { alerting, ...monitoring } = a.monitoring;
  const init = a.vault.init;
  return {
    ...a,
    ingress: { ...a.ingress, className: a.ingress.className ?? a.ingress.controller },
    vault: {
      ...a.vault,
      init: { ...init, threshold: init.threshold ?? majorityThreshold(init.keyHolders.length) },
    },
    monitoring: { ...monitoring, ...(alerting && { alerting: toAlertingSettings(alerting, secrets) }) },
    dns: dnsSettings,
  };
}
