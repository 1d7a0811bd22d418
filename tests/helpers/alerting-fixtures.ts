/**
 * Fixtures of the alerting tests (tests/alerting*.test.ts): a stack config with one receiver of each
 * kind and the secrets it names, and probes of what config makes of it.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RECEIVERS_SECRET_DIR } from "../../components/addons/alerting";
import { AlertingSettings } from "../../components/addons/types";
import { parseConfig } from "../../stacks/config";
import { VAULT_INIT } from "./vault-fixtures";

export type Obj = Record<string, unknown>;

export const ctx = { project: "kube-platform", stack: "dev", secretKeys: new Set(["secrets"]) };
export const DOKS = { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] };
export const PROD = { profile: "prod", certManager: { email: "platform@kube-platform.dev" } };

export const SLACK_URL = "https://hooks.slack.com/services/T000/B000/s3cr3t-slack";
export const HOOK_URL = "https://alerts.corp.example/hook?token=s3cr3t-hook";
export const PD_KEY = `s3cr3t${"p".repeat(26)}`;
export const SMTP_PASSWORD = "s3cr3t-smtp-password";
export const SECRETS = {
  "slack-url": SLACK_URL,
  "hook-url": HOOK_URL,
  "pd-key": PD_KEY,
  "smtp-password": SMTP_PASSWORD,
};

/** One receiver of each kind; critical pages and mails, warnings go to Slack, info to the webhook. */
export const ALERTING = {
  receivers: {
    oncall: {
      pagerduty: { routingKeySecret: "pd-key" },
      slack: { urlSecret: "slack-url", channel: "#oncall" },
    },
    chat: { slack: { urlSecret: "slack-url", sendResolved: false } },
    mail: {
      email: {
        to: ["ops@corp.example", "sre@corp.example"],
        from: "alertmanager@corp.example",
        smarthost: "smtp.corp.example:587",
        authUsername: "alertmanager",
        authPasswordSecret: "smtp-password",
      },
    },
    hook: { webhook: { urlSecret: "hook-url" } },
  },
  routes: { critical: ["oncall", "mail"], warning: ["chat"], info: ["hook"] },
  defaultReceiver: "chat",
};

export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A stack config with `alerting` (changed by `edit`) and `secrets`. */
export function raw(
  edit: (a: Obj) => void = () => {},
  extra: { profile?: string; secrets?: Obj; monitoring?: Obj } = {},
) {
  const alerting = clone(ALERTING) as Obj;
  edit(alerting);
  const { certManager, profile } =
    extra.profile === "prod" ? PROD : { certManager: undefined, profile: "dev" };
  return {
    profile,
    cluster: DOKS,
    secrets: extra.secrets ?? SECRETS,
    // prod: Vault runs ha, which needs its key holders.
    addons: {
      ...(certManager && { certManager, vault: { init: VAULT_INIT } }),
      monitoring: { alerting, ...extra.monitoring },
    },
  };
}

/** Sets `value` at the dotted `path` of `o` (undefined deletes). */
export function put(o: Obj, path: string, value: unknown): void {
  const keys = path.split(".");
  const last = keys.pop() as string;
  let cur = o;
  for (const k of keys) cur = cur[k] as Obj;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

/** Settings with each Output replaced by `{ secret: value }` or its value. */
export async function plain(v: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(v)) {
    const value = await new Promise((res) => (v as pulumi.Output<unknown>).apply(res));
    return (await pulumi.isSecret(v)) ? { secret: value } : value;
  }
  if (Array.isArray(v)) return Promise.all(v.map(plain));
  if (typeof v === "object" && v !== null) {
    const entries = await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await plain(x)] as const));
    return Object.fromEntries(entries);
  }
  return v;
}

export function settingsOf(config: Obj): AlertingSettings {
  const alerting = parseConfig(config, ctx).addons.monitoring.alerting;
  assert.ok(alerting, "alerting settings");
  return alerting;
}

export const ALLOWED =
  'allowed: "chat", "hook", "mail", "oncall" (defined under receivers) or "null" (drops the alerts)';
export const FILE = (key: string) => `${RECEIVERS_SECRET_DIR}/${key}`;
