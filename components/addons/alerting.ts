/**
 * Alertmanager receivers (Slack, webhook, e-mail, PagerDuty) and routing by severity for the
 * monitoring add-on (kube-prometheus-stack).
 *
 * The secret values (webhook URLs, the SMTP password, the PagerDuty key) never enter the Helm
 * values: they live only in a Secret made here from Pulumi secrets, which the Alertmanager pods
 * mount (`alertmanager.alertmanagerSpec.secrets`). The chart renders `alertmanager.config` into
 * its own Secret (templates/alertmanager/secret.yaml, key alertmanager.yaml); that config names
 * the mounted files with Alertmanager's `*_file` fields (`api_url_file`, `url_file`,
 * `auth_password_file`, `routing_key_file`), which Alertmanager reads at every notification
 * (notify/slack, webhook, email, pagerduty: os.ReadFile in Notify), so a rotated value applies
 * without a restart. The Release values stay readable in previews and hold no secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF_PLATFORM } from "../kube/conventions";
import { ALERT_SEVERITIES, NULL_RECEIVER, alertRoutingProblems } from "../shared/alerting";
import { AlertReceiver, AlertingSettings, HelmValues } from "./types";

/** The Secret holding the receivers' secret values (the release's fullnameOverride, "kps", first). */
export const RECEIVERS_SECRET = "kps-alertmanager-receivers";

/**
 * Where the Alertmanager pods see RECEIVERS_SECRET: the operator mounts each
 * `alertmanagerSpec.secrets` entry at /etc/alertmanager/secrets/<name> (prometheus-operator
 * pkg/alertmanager/statefulset.go, `secretsDir`), and its config reloader watches it.
 */
export const RECEIVERS_SECRET_DIR = `/etc/alertmanager/secrets/${RECEIVERS_SECRET}`;

/** The secret field of each integration, as the suffix of its Secret key. */
type SecretField = "slack-url" | "webhook-url" | "email-password" | "pagerduty-routing-key";

/** The Secret key of a receiver's secret value: `<receiver>.<field>` (receiver names have no "."). */
export function receiverSecretKey(receiver: string, field: SecretField): string {
  return `${receiver}.${field}`;
}

function secretFile(receiver: string, field: SecretField): string {
  return `${RECEIVERS_SECRET_DIR}/${receiverSecretKey(receiver, field)}`;
}

/**
 * The chart's own routes for alerts that must never notify: Watchdog (always firing, a dead man's
 * switch) as in the chart's default `alertmanager.config.route.routes`, and InfoInhibitor (only
 * there to inhibit info alerts) as kube-prometheus routes it (jsonnet/kube-prometheus/components/
 * alertmanager.libsonnet); the chart's inhibit rules stay as they are.
 */
export const SILENT_ROUTES = [
  { receiver: NULL_RECEIVER, matchers: ['alertname = "Watchdog"'] },
  { receiver: NULL_RECEIVER, matchers: ['alertname = "InfoInhibitor"'] },
] as const;

/** A receiver's Alertmanager config (docs/configuration.md of Alertmanager: `<receiver>`). */
export function receiverConfig(name: string, r: AlertReceiver): HelmValues {
  const out: HelmValues = { name };
  if (r.slack) {
    out.slack_configs = [
      {
        send_resolved: r.slack.sendResolved,
        api_url_file: secretFile(name, "slack-url"),
        ...(r.slack.channel !== undefined ? { channel: r.slack.channel } : {}),
      },
    ];
  }
  if (r.webhook) {
    out.webhook_configs = [
      { send_resolved: r.webhook.sendResolved, url_file: secretFile(name, "webhook-url") },
    ];
  }
  if (r.email) {
    const e = r.email;
    out.email_configs = [
      {
        send_resolved: e.sendResolved,
        // `to` takes a comma separated list of addresses.
        to: e.to.join(", "),
        from: e.from,
        smarthost: e.smarthost,
        ...(e.authUsername !== undefined ? { auth_username: e.authUsername } : {}),
        ...(e.authPassword !== undefined ? { auth_password_file: secretFile(name, "email-password") } : {}),
      },
    ];
  }
  if (r.pagerduty) {
    out.pagerduty_configs = [
      {
        send_resolved: r.pagerduty.sendResolved,
        routing_key_file: secretFile(name, "pagerduty-routing-key"),
      },
    ];
  }
  return out;
}

/** Throws on the first routing problem (stack config reports them all, with the same rule). */
function assertRouting(a: AlertingSettings): void {
  const [problem] = alertRoutingProblems({
    receivers: Object.keys(a.receivers),
    routes: a.routes,
    defaultReceiver: a.defaultReceiver,
  });
  if (problem) throw new Error(`alerting.${problem.path.join(".")}: ${problem.message}`);
}

/**
 * The `alertmanager.config` keys this builds; Helm merges them over the chart's default config,
 * whose `global`, `inhibit_rules`, `templates` and route timings (`group_by`, `group_wait`, …)
 * stay. The lists replace the chart's: `routes` starts with SILENT_ROUTES, `receivers` with "null".
 * A severity with several receivers gets one route each, all but the last with `continue: true`.
 */
export function alertmanagerConfig(a: AlertingSettings): HelmValues {
  assertRouting(a);
  const severityRoutes = ALERT_SEVERITIES.flatMap((severity) => {
    const receivers = a.routes[severity] ?? [];
    return receivers.map((receiver, i) => ({
      receiver,
      matchers: [`severity = "${severity}"`],
      ...(i < receivers.length - 1 ? { continue: true } : {}),
    }));
  });
  const names = Object.keys(a.receivers).sort();
  return {
    route: { receiver: a.defaultReceiver, routes: [...SILENT_ROUTES, ...severityRoutes] },
    receivers: [{ name: NULL_RECEIVER }, ...names.map((n) => receiverConfig(n, a.receivers[n]))],
  };
}

/** The `alertmanager` values for `alerting` (none without it: the chart's default config). */
export function alertingValues(alerting: AlertingSettings | undefined): {
  config?: HelmValues;
  secrets?: string[];
} {
  return alerting ? { config: alertmanagerConfig(alerting), secrets: [RECEIVERS_SECRET] } : {};
}

/** The secret values of every receiver, by Secret key, each a Pulumi secret. */
export function receiverSecretData(a: AlertingSettings): Record<string, pulumi.Output<string>> {
  const data: Record<string, pulumi.Output<string>> = {};
  for (const [name, r] of Object.entries(a.receivers)) {
    if (r.slack) data[receiverSecretKey(name, "slack-url")] = pulumi.secret(r.slack.url);
    if (r.webhook) data[receiverSecretKey(name, "webhook-url")] = pulumi.secret(r.webhook.url);
    if (r.email?.authPassword !== undefined) {
      data[receiverSecretKey(name, "email-password")] = pulumi.secret(r.email.authPassword);
    }
    if (r.pagerduty)
      data[receiverSecretKey(name, "pagerduty-routing-key")] = pulumi.secret(r.pagerduty.routingKey);
  }
  return data;
}

/** The Secret RECEIVERS_SECRET in `namespace` (the release mounts it, so it waits for it). */
export function receiversSecret(
  name: string,
  namespace: k8s.core.v1.Namespace,
  alerting: AlertingSettings,
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    `${name}-alertmanager-receivers`,
    {
      metadata: {
        name: RECEIVERS_SECRET,
        namespace: namespace.metadata.name,
        labels: { ...PART_OF_PLATFORM },
      },
      type: "Opaque",
      stringData: receiverSecretData(alerting),
    },
    opts,
  );
}
