/** The `addons` section of the stack config: schema, profile presets and cross-checks. */
import { z } from "zod";
import { AddonsSettings } from "../components/addons/types";
import { markSecretValues } from "../components/addons/base";
import { isAcmeIssuer, ISSUER_NAMES } from "../components/kube/conventions";
import { alertingSchema, alertingValuesConflicts, toAlertingSettings } from "./alerting-config";
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
          replicas: z.union([z.literal(3), z.literal(5)]).default(3),
          storageSize: quantity.default("10Gi"),
          auditStorageSize: quantity.default("10Gi"),
          injectorReplicas: z.number().int().min(1).max(10).default(p.vaultInjectorReplicas),
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
    })
    .superRefine(
      (a, ctx) => {
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
): AddonsSettings {
  if (secret) {
    const all = [a.ingress, a.certManager, a.vault, a.monitoring, a.metricsServer, a.clusterAutoscaler];
    for (const addon of all) markSecretValues(addon.values);
  }
  const { alerting, ...monitoring } = a.monitoring;
  return {
    ...a,
    ingress: { ...a.ingress, className: a.ingress.className ?? a.ingress.controller },
    monitoring: { ...monitoring, ...(alerting && { alerting: toAlertingSettings(alerting, secrets) }) },
  };
}
