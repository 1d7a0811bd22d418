/**
 * `addons.monitoring.alerting`: Alertmanager receivers and routing by severity. Secret values are
 * never written here: each receiver names keys of the `secrets` config object (always held
 * encrypted, like `apps[].secretEnv`), so the `addons` key stays plaintext and previews of every
 * add-on's values stay readable.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { RECEIVERS_SECRET } from "../components/addons/alerting";
import { AlertReceiver, AlertingSettings } from "../components/addons/types";
import {
  alertRoutingProblems,
  notificationUrlProblem,
  smarthostPort,
  urlPort,
  pagerDutyKeyProblem,
  receiverNameProblems,
  smtpPasswordProblem,
} from "../components/shared/alerting";
import { Problem } from "../components/shared/problems";
import type { Profile } from "../components/shared/profile";
import { report } from "./validation";

/** A key of the `secrets` config object (the same rule as there). */
const SECRET_NAME = /^[A-Za-z][\w-]*$/;
const secretName = z
  .string()
  .regex(SECRET_NAME, "must name a key of `secrets` (letters, digits, '_', '-'), not the value itself");
const address = z
  .string()
  .regex(/^[^@\s,]+@[^@\s,]+\.[a-z]{2,}$/i, 'must be an e-mail address like "ops@corp.example"');
// Alertmanager parses smarthost with net.SplitHostPort and refuses an empty port (config.go, HostPort).
const smarthost = z
  .string()
  .regex(
    /^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):([1-9]\d{0,4})$/,
    'must be host:port like "smtp.corp.example:587" (Alertmanager needs the port)',
  )
  .refine((h) => !/:\d+$/.test(h) || Number(h.split(":").pop()) <= 65535, "must have a port ≤ 65535");
const slackChannel = z
  .string()
  .regex(
    /^(#?[a-z0-9][a-z0-9._-]{0,79}|@[\w.-]{1,80}|[CDG][A-Z0-9]{8,})$/,
    'must be a channel like "#alerts", a user like "@oncall" or a channel ID like "C0123456789"',
  );
// Alertmanager's defaults differ per integration (slack and email false); resolved messages are on.
const sendResolved = z.boolean().default(true);
const receiverList = z.array(z.string()).min(1);

const receiverSchema = z
  .strictObject({
    slack: z
      .strictObject({ urlSecret: secretName, channel: slackChannel.optional(), sendResolved })
      .optional(),
    webhook: z.strictObject({ urlSecret: secretName, sendResolved }).optional(),
    email: z
      .strictObject({
        to: z.array(address).min(1),
        from: address,
        smarthost,
        authUsername: z.string().min(1).optional(),
        authPasswordSecret: secretName.optional(),
        sendResolved,
      })
      .superRefine((e, ctx) => {
        const [user, password] = [e.authUsername !== undefined, e.authPasswordSecret !== undefined];
        if (user !== password) {
          ctx.addIssue({
            code: "custom",
            path: [user ? "authPasswordSecret" : "authUsername"],
            message: `is required when ${user ? "authUsername" : "authPasswordSecret"} is set (SMTP authentication needs both)`,
          });
        }
      })
      .optional(),
    pagerduty: z.strictObject({ routingKeySecret: secretName, sendResolved }).optional(),
  })
  .refine(
    (r) => Object.values(r).some((v) => v !== undefined),
    "must set at least one of slack, webhook, email, pagerduty",
  );

export const alertingSchema = z
  .strictObject({
    receivers: z
      .record(z.string(), receiverSchema)
      .refine((r) => Object.keys(r).length > 0, "must define at least one receiver"),
    routes: z
      .strictObject({
        critical: receiverList.optional(),
        warning: receiverList.optional(),
        info: receiverList.optional(),
      })
      .default({}),
    defaultReceiver: z.string(),
  })
  .superRefine(
    (a, ctx) => {
      // Runs on partly invalid input too (all problems at once): only the well-formed parts count;
      // `alerting: null` has only its type problem.
      if (!a) return;
      const names = (v: unknown) => (Array.isArray(v) ? v.filter((n) => typeof n === "string") : undefined);
      const routes = a.routes ?? {};
      if (typeof a.receivers !== "object" || a.receivers === null) return;
      // Names are checked here, not as record keys: zod drops a refused key, and every route to it
      // would be reported again.
      for (const name of Object.keys(a.receivers)) {
        for (const p of receiverNameProblems(name)) {
          ctx.addIssue({
            code: "custom",
            path: ["receivers", name],
            message: `the name ${JSON.stringify(name)} ${p.message}`,
          });
        }
      }
      if (typeof a.defaultReceiver !== "string") return;
      report(
        ctx,
        alertRoutingProblems({
          receivers: Object.keys(a.receivers),
          routes: {
            critical: names(routes.critical),
            warning: names(routes.warning),
            info: names(routes.info),
          },
          defaultReceiver: a.defaultReceiver,
        }),
      );
    },
    { when: () => true },
  );

export type AlertingConfig = z.output<typeof alertingSchema>;

/** Chart values that would replace or bypass what `alerting` builds: [path under values, when, problem]. */
const OVERRIDDEN_BY_VALUES: [string[], (v: unknown) => boolean, string][] = [
  [
    ["alertmanager", "enabled"],
    (v) => v === false,
    "turns Alertmanager off, but addons.monitoring.alerting is set; remove one of them",
  ],
  [
    ["alertmanager", "config", "route"],
    () => true,
    "replaces the routes addons.monitoring.alerting builds; configure routing there only",
  ],
  [
    ["alertmanager", "config", "receivers"],
    () => true,
    "replaces the receivers addons.monitoring.alerting builds; configure receivers there only",
  ],
  [
    ["alertmanager", "stringConfig"],
    (v) => v !== "",
    "replaces the config addons.monitoring.alerting builds; remove it",
  ],
  [
    ["alertmanager", "alertmanagerSpec", "useExistingSecret"],
    (v) => v === true,
    "makes the chart ignore the config addons.monitoring.alerting builds; remove it",
  ],
  [
    ["alertmanager", "alertmanagerSpec", "configSecret"],
    () => true,
    "makes Alertmanager read another config than the one addons.monitoring.alerting builds; remove it",
  ],
  [
    ["alertmanager", "alertmanagerSpec", "secrets"],
    (v) => !(Array.isArray(v) && v.includes(RECEIVERS_SECRET)),
    `replaces the list that mounts the Secret of addons.monitoring.alerting; include "${RECEIVERS_SECRET}"`,
  ],
];

/** Problems of `values` (addons.monitoring.values) next to `alerting`, paths relative to `values`. */
export function alertingValuesConflicts(values: Record<string, unknown>): Problem[] {
  const at = (path: string[]) =>
    path.reduce<unknown>(
      (v, k) => (typeof v === "object" && v !== null ? Reflect.get(v, k) : undefined),
      values,
    );
  return OVERRIDDEN_BY_VALUES.filter(([path, when]) => at(path) !== undefined && when(at(path))).map(
    ([path, , message]) => ({ path, message }),
  );
}

/** Each secret reference of a receiver: integration, field, and the rule for its value. */
const SECRET_REFS = [
  ["slack", "urlSecret", (v: string, prod: boolean) => notificationUrlProblem(v, prod)],
  ["webhook", "urlSecret", (v: string, prod: boolean) => notificationUrlProblem(v, prod)],
  ["email", "authPasswordSecret", (v: string) => smtpPasswordProblem(v)],
  ["pagerduty", "routingKeySecret", (v: string) => pagerDutyKeyProblem(v)],
] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Cross-checks alerting against the `secrets` config (run on raw, possibly invalid config): each
 * named secret is set, and its value fits (never shown: the problem is reported at `secrets.<name>`,
 * whose values are hidden, naming the key that refers to it).
 */
export function checkAlertingSecrets(
  addons: unknown,
  secrets: unknown,
  profile: Profile,
  ctx: z.RefinementCtx,
): void {
  const monitoring = isRecord(addons) ? addons.monitoring : undefined;
  const alerting = isRecord(monitoring) ? monitoring.alerting : undefined;
  const receivers = isRecord(alerting) ? alerting.receivers : undefined;
  if (!isRecord(receivers)) return;
  const base = ["addons", "monitoring", "alerting", "receivers"];
  for (const [name, receiver] of Object.entries(receivers)) {
    if (!isRecord(receiver)) continue;
    for (const [kind, field, rule] of SECRET_REFS) {
      const integration = receiver[kind];
      const ref = isRecord(integration) ? integration[field] : undefined;
      if (typeof ref !== "string" || !SECRET_NAME.test(ref)) continue; // the schema reports a bad name
      const value = isRecord(secrets) ? secrets[ref] : undefined;
      if (value === undefined) {
        ctx.addIssue({
          code: "custom",
          path: [...base, name, kind, field],
          message: `names the secret "${ref}", which is not set; set it with \`pulumi config set --secret --path secrets.${ref} <value>\``,
        });
        continue;
      }
      const problem = typeof value === "string" ? rule(value, profile === "prod") : undefined;
      if (problem) {
        const by = [...base, name, kind, field].join(".");
        ctx.addIssue({ code: "custom", path: ["secrets", ref], message: `${problem} (named by ${by})` });
      }
    }
  }
}

/** The typed alerting settings: each secret reference becomes the Pulumi secret of its value. */
export function toAlertingSettings(a: AlertingConfig, secrets: Record<string, string>): AlertingSettings {
  const secretOf = (name: string): pulumi.Output<string> => {
    const value = secrets[name];
    if (value === undefined)
      throw new Error(`secrets.${name} is not set (named by addons.monitoring.alerting)`);
    return pulumi.secret(value.trim());
  };
  const receivers: Record<string, AlertReceiver> = {};
  for (const [name, r] of Object.entries(a.receivers)) {
    const { email } = r;
    receivers[name] = {
      ...(r.slack && {
        slack: {
          url: secretOf(r.slack.urlSecret),
          sendResolved: r.slack.sendResolved,
          ...(r.slack.channel !== undefined && { channel: r.slack.channel }),
        },
      }),
      ...(r.webhook && {
        webhook: { url: secretOf(r.webhook.urlSecret), sendResolved: r.webhook.sendResolved },
      }),
      ...(email && {
        email: {
          to: email.to,
          from: email.from,
          smarthost: email.smarthost,
          sendResolved: email.sendResolved,
          ...(email.authUsername !== undefined && { authUsername: email.authUsername }),
          ...(email.authPasswordSecret !== undefined && { authPassword: secretOf(email.authPasswordSecret) }),
        },
      }),
      ...(r.pagerduty && {
        pagerduty: {
          sendResolved: r.pagerduty.sendResolved,
          routingKey: secretOf(r.pagerduty.routingKeySecret),
        },
      }),
    };
  }
  // Every named secret is set here: secretOf above threw otherwise.
  const ports = Object.values(a.receivers).flatMap((r) => [
    r.slack && urlPort(secrets[r.slack.urlSecret]),
    r.webhook && urlPort(secrets[r.webhook.urlSecret]),
    r.email && smarthostPort(r.email.smarthost),
    r.pagerduty && 443, // events.pagerduty.com (Alertmanager's default pagerduty url)
  ]);
  const receiverPorts = [...new Set(ports.filter((p): p is number => typeof p === "number"))].sort(
    (x, y) => x - y,
  );
  return { receivers, routes: a.routes, defaultReceiver: a.defaultReceiver, receiverPorts };
}
