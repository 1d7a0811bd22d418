/**
 * Alert routing rules shared by stack config (`addons.monitoring.alerting`) and the Alertmanager
 * config the monitoring add-on builds from it. No Pulumi import.
 */
import { dnsLabelProblems } from "./dns";
import { Problem } from "./problems";

/**
 * The severities the chart's alerting rules put in the `severity` label, each routable on its own
 * (kube-prometheus-stack templates/prometheus/rules-1.14/: critical, warning, info). Watchdog and
 * InfoInhibitor carry "none" and have routes of their own.
 */
export const ALERT_SEVERITIES = ["critical", "warning", "info"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/**
 * The receiver without integrations that the chart's default config defines (values.yaml
 * `alertmanager.config.receivers: [{name: "null"}]`): alerts routed to it are dropped.
 */
export const NULL_RECEIVER = "null";

/** The integrations a receiver may have (Alertmanager `<kind>_configs`). */
export const RECEIVER_KINDS = ["slack", "webhook", "email", "pagerduty"] as const;
export type ReceiverKind = (typeof RECEIVER_KINDS)[number];

/** Receiver names become Secret keys (`<receiver>.<field>`), so they are short DNS labels. */
const RECEIVER_NAME_MAX = 40;

/** The problems of `name` as a receiver name (a DNS label; "null" is the chart's). */
export function receiverNameProblems(name: string): Problem[] {
  if (name === NULL_RECEIVER) {
    return [
      {
        path: [],
        message: 'is the chart\'s receiver that drops alerts; route to "null" without defining it',
      },
    ];
  }
  return dnsLabelProblems(name, RECEIVER_NAME_MAX);
}

/** What routing needs to know: the receiver names, the severity routes and the default. */
export interface AlertRouting {
  receivers: readonly string[];
  routes: Partial<Record<AlertSeverity, readonly string[]>>;
  defaultReceiver: string;
}

/**
 * The problems of a routing: every route and the default name a defined receiver (or "null"),
 * no receiver is listed twice for one severity, and every defined receiver is used. Paths are
 * relative to the alerting settings.
 */
export function alertRoutingProblems(r: AlertRouting): Problem[] {
  const defined = new Set(r.receivers);
  const names = [...r.receivers].sort().map((n) => JSON.stringify(n));
  const allowed = `allowed: ${names.length > 0 ? `${names.join(", ")} (defined under receivers) or ` : ""}"null" (drops the alerts)`;
  const problems: Problem[] = [];
  const check = (name: string, path: (string | number)[]) => {
    if (name !== NULL_RECEIVER && !defined.has(name)) {
      problems.push({ path, message: `is not a defined receiver; ${allowed}` });
    }
  };
  check(r.defaultReceiver, ["defaultReceiver"]);
  const used = new Set([r.defaultReceiver]);
  for (const severity of ALERT_SEVERITIES) {
    const seen = new Set<string>();
    (r.routes[severity] ?? []).forEach((name, i) => {
      check(name, ["routes", severity, i]);
      if (seen.has(name)) {
        problems.push({ path: ["routes", severity, i], message: `is listed twice for ${severity} alerts` });
      }
      seen.add(name);
      used.add(name);
    });
  }
  for (const name of r.receivers) {
    if (!used.has(name)) {
      problems.push({
        path: ["receivers", name],
        message: "is not used by defaultReceiver or any route; route a severity to it or remove it",
      });
    }
  }
  return problems;
}

/**
 * The ports the monitoring namespace's NetworkPolicy always lets Alertmanager send to: HTTPS (Slack,
 * PagerDuty, webhooks) and SMTP, SMTPS, submission (e-mail). The configured receivers' own ports
 * (receiverPorts) are opened besides.
 */
export const DEFAULT_RECEIVER_PORTS: readonly number[] = [443, 25, 465, 587];

/** The TCP port an http(s) receiver URL connects to (its explicit port, else 443 / 80), or undefined. */
export function urlPort(url: string): number | undefined {
  try {
    const u = new URL(url.trim());
    if (u.port !== "") return Number(u.port);
    return u.protocol === "https:" ? 443 : u.protocol === "http:" ? 80 : undefined;
  } catch {
    return undefined;
  }
}

/** The port of an SMTP smarthost (`host:port`), or undefined. */
export function smarthostPort(smarthost: string): number | undefined {
  const m = /:(\d{1,5})$/.exec(smarthost);
  return m ? Number(m[1]) : undefined;
}

/**
 * What is wrong with a Slack or webhook URL (a secret value: the message never repeats it), or
 * undefined. `requireHttps` (the prod profile) refuses http://, which would send the alerts and
 * any token in the URL unencrypted.
 */
export function notificationUrlProblem(url: string, requireHttps: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return 'must be an http(s) URL like "https://hooks.slack.com/services/…"';
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return "must be an http(s) URL (https:// in the prod profile)";
  }
  if (requireHttps && parsed.protocol !== "https:") {
    return "must be an https:// URL in the prod profile (http:// sends alerts and any token in the URL unencrypted)";
  }
  return undefined;
}

/**
 * What is wrong with a PagerDuty routing key, or undefined: PagerDuty Events API v2 documents
 * `routing_key` as "the 32 character Integration Key for an integration on a service".
 */
export function pagerDutyKeyProblem(key: string): string | undefined {
  return /^\S{32}$/.test(key.trim())
    ? undefined
    : "must be the 32-character Integration Key of a PagerDuty Events API v2 integration";
}

/** What is wrong with an SMTP password, or undefined (Alertmanager trims the file it reads). */
export function smtpPasswordProblem(password: string): string | undefined {
  return password.trim() === "" ? "must not be empty" : undefined;
}
