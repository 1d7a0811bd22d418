/**
 * An offline check of an Alertmanager config as far as the pieces the program writes go: the
 * field names of each object, read as the prometheus-operator reads the chart's config (it runs
 * Alertmanager's config.Load, then yaml.UnmarshalStrict into its own types, so an unknown key
 * fails the reconcile: pkg/alertmanager/amcfg.go alertmanagerConfigFromBytes), and the checks of
 * Alertmanager's config.Load and UnmarshalYAML methods for those objects. Unknown keys, missing
 * required fields and undefined receivers are reported, one line each.
 *
 * The field lists are the yaml tags of prometheus-operator pkg/alertmanager/types.go at the
 * operator version the pinned chart installs (Chart.yaml appVersion) and of Alertmanager's
 * config/notifiers.go, notify/webhook/config.go, notify/pagerduty/config.go at the Alertmanager
 * image the chart pins (values.yaml alertmanager.alertmanagerSpec.image.tag): AM_SCHEMA_SOURCE.
 */

type Obj = Record<string, unknown>;

/** What the field lists were read from; tests/alerting.test.ts fails when the pinned chart moves. */
export const AM_SCHEMA_SOURCE = { operator: "v0.93.1", alertmanagerImage: "v0.34.0" } as const;

const FIELDS = {
  config: [
    "global",
    "route",
    "inhibit_rules",
    "receivers",
    "mute_time_intervals",
    "time_intervals",
    "templates",
  ],
  global: [
    "resolve_timeout",
    "http_config",
    "smtp_from",
    "smtp_hello",
    "smtp_smarthost",
    "smtp_auth_username",
    "smtp_auth_password",
    "smtp_auth_password_file",
    "smtp_auth_secret",
    "smtp_auth_secret_file",
    "smtp_auth_identity",
    "smtp_require_tls",
    "smtp_tls_config",
    "smtp_force_implicit_tls",
    "slack_api_url",
    "slack_api_url_file",
    "pagerduty_url",
    "hipchat_api_url",
    "hipchat_auth_token",
    "opsgenie_api_url",
    "opsgenie_api_key",
    "opsgenie_api_key_file",
    "wechat_api_url",
    "wechat_api_secret",
    "wechat_api_corp_id",
    "victorops_api_url",
    "victorops_api_key",
    "victorops_api_key_file",
    "telegram_api_url",
    "telegram_bot_token",
    "telegram_bot_token_file",
    "webex_api_url",
    "jira_api_url",
    "rocketchat_api_url",
    "rocketchat_token",
    "rocketchat_token_file",
    "rocketchat_token_id",
    "rocketchat_token_id_file",
    "slack_app_token",
    "slack_app_token_file",
    "slack_app_url",
    "wechat_api_secret_file",
    "mattermost_webhook_url",
    "mattermost_webhook_url_file",
  ],
  route: [
    "receiver",
    "group_by",
    "match",
    "match_re",
    "matchers",
    "continue",
    "routes",
    "group_wait",
    "group_interval",
    "repeat_interval",
    "mute_time_intervals",
    "active_time_intervals",
  ],
  inhibit_rule: [
    "target_match",
    "target_match_re",
    "target_matchers",
    "source_match",
    "source_match_re",
    "source_matchers",
    "equal",
  ],
  receiver: [
    "name",
    "opsgenie_configs",
    "pagerduty_configs",
    "slack_configs",
    "webhook_configs",
    "wechat_configs",
    "email_configs",
    "pushover_configs",
    "victorops_configs",
    "sns_configs",
    "telegram_configs",
    "discord_configs",
    "webex_configs",
    "msteams_configs",
    "msteamsv2_configs",
    "jira_configs",
    "rocketchat_configs",
    "mattermost_configs",
    "incidentio_configs",
  ],
  slack_configs: [
    "send_resolved",
    "http_config",
    "api_url",
    "api_url_file",
    "app_token",
    "app_token_file",
    "app_url",
    "channel",
    "username",
    "color",
    "title",
    "title_link",
    "pretext",
    "text",
    "fields",
    "short_fields",
    "footer",
    "fallback",
    "callback_id",
    "icon_emoji",
    "icon_url",
    "image_url",
    "thumb_url",
    "link_names",
    "mrkdwn_in",
    "actions",
    "timeout",
    "message_text",
    "update_message",
  ],
  webhook_configs: ["send_resolved", "url", "url_file", "http_config", "max_alerts", "timeout", "payload"],
  email_configs: [
    "send_resolved",
    "to",
    "from",
    "hello",
    "smarthost",
    "auth_username",
    "auth_password",
    "auth_password_file",
    "auth_secret",
    "auth_secret_file",
    "auth_identity",
    "headers",
    "html",
    "text",
    "require_tls",
    "tls_config",
    "force_implicit_tls",
    "threading",
  ],
  pagerduty_configs: [
    "send_resolved",
    "http_config",
    "service_key",
    "service_key_file",
    "routing_key",
    "routing_key_file",
    "url",
    "client",
    "client_url",
    "description",
    "details",
    "images",
    "links",
    "severity",
    "class",
    "component",
    "group",
    "source",
    "timeout",
  ],
} as const;

/** The integrations this check knows field by field (the ones the program writes). */
const CHECKED_INTEGRATIONS = [
  "slack_configs",
  "webhook_configs",
  "email_configs",
  "pagerduty_configs",
] as const;

/** Alertmanager's label matcher: `label op value` (docs/configuration.md, `<matcher>`). */
const MATCHER = /^[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*("([^"\\]|\\.)*"|[^\s"{},]+)$/;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function set(v: unknown): boolean {
  return v !== undefined && v !== "" && v !== null;
}

/** The problems of `cfg` as an Alertmanager config (`[]`: it would load). */
export function alertmanagerConfigProblems(cfg: unknown): string[] {
  const out: string[] = [];
  const keys = (o: Obj, kind: keyof typeof FIELDS, at: string) => {
    const allowed: readonly string[] = FIELDS[kind];
    for (const k of Object.keys(o))
      if (!allowed.includes(k)) out.push(`${at}.${k}: unknown field of ${kind}`);
  };
  if (!isObj(cfg)) return ["config: not a mapping"];
  keys(cfg, "config", "config");
  if (isObj(cfg.global)) keys(cfg.global, "global", "global");

  const receivers = Array.isArray(cfg.receivers) ? cfg.receivers : [];
  const names = new Set<string>();
  receivers.forEach((r: unknown, i) => {
    const at = `receivers[${i}]`;
    if (!isObj(r) || typeof r.name !== "string" || r.name === "") {
      out.push(`${at}: a receiver needs a name`);
      return;
    }
    if (names.has(r.name)) out.push(`${at}: notification config name "${r.name}" is not unique`);
    names.add(r.name);
    keys(r, "receiver", at);
    for (const kind of CHECKED_INTEGRATIONS) {
      const list = r[kind];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        out.push(`${at}.${kind}: must be a list`);
        continue;
      }
      list.forEach((c: unknown, j) => {
        if (!isObj(c)) out.push(`${at}.${kind}[${j}]: missing ${kind} entry`);
        else integrationProblems(kind, c, `${at}.${kind}[${j}]`, cfg.global, out, keys);
      });
    }
  });

  if (!isObj(cfg.route)) {
    out.push("route: no route provided in config");
  } else {
    if (!set(cfg.route.receiver)) out.push("route: root route must specify a default receiver");
    if (set(cfg.route.matchers) || set(cfg.route.match) || set(cfg.route.match_re)) {
      out.push("route: root route must not have any matchers");
    }
    routeProblems(cfg.route, "route", names, out, keys);
  }
  (Array.isArray(cfg.inhibit_rules) ? cfg.inhibit_rules : []).forEach((rule: unknown, i) => {
    if (!isObj(rule)) return;
    keys(rule, "inhibit_rule", `inhibit_rules[${i}]`);
    for (const side of ["source_matchers", "target_matchers"])
      matcherProblems(rule[side], `inhibit_rules[${i}].${side}`, out);
  });
  return out;
}

function matcherProblems(list: unknown, at: string, out: string[]): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    out.push(`${at}: must be a list of matchers`);
    return;
  }
  list.forEach((m: unknown, i) => {
    if (typeof m !== "string" || !MATCHER.test(m)) out.push(`${at}[${i}]: bad matcher ${JSON.stringify(m)}`);
  });
}

function routeProblems(
  route: Obj,
  at: string,
  receivers: Set<string>,
  out: string[],
  keys: (o: Obj, kind: keyof typeof FIELDS, at: string) => void,
): void {
  keys(route, "route", at);
  if (route.receiver !== undefined && !receivers.has(String(route.receiver))) {
    out.push(`${at}: undefined receiver "${String(route.receiver)}" used in route`);
  }
  if (route.continue !== undefined && typeof route.continue !== "boolean")
    out.push(`${at}.continue: not a boolean`);
  matcherProblems(route.matchers, `${at}.matchers`, out);
  (Array.isArray(route.routes) ? route.routes : []).forEach((r: unknown, i) => {
    if (isObj(r)) routeProblems(r, `${at}.routes[${i}]`, receivers, out, keys);
  });
}

/** Alertmanager's UnmarshalYAML and config.Load checks of one integration entry. */
function integrationProblems(
  kind: (typeof CHECKED_INTEGRATIONS)[number],
  c: Obj,
  at: string,
  global: unknown,
  out: string[],
  keys: (o: Obj, kind: keyof typeof FIELDS, at: string) => void,
): void {
  keys(c, kind, at);
  const g = isObj(global) ? global : {};
  if (c.send_resolved !== undefined && typeof c.send_resolved !== "boolean")
    out.push(`${at}.send_resolved: not a boolean`);
  const exclusive = (a: string, b: string) => {
    if (set(c[a]) && set(c[b])) out.push(`${at}: at most one of ${a} & ${b} must be configured`);
  };
  switch (kind) {
    case "slack_configs":
      exclusive("api_url", "api_url_file");
      if (
        ![
          c.api_url,
          c.api_url_file,
          c.app_token,
          c.app_token_file,
          g.slack_api_url,
          g.slack_api_url_file,
        ].some(set)
      ) {
        out.push(`${at}: no Slack API URL nor App token set either inline or in a file`);
      }
      break;
    case "webhook_configs":
      if (!set(c.url) && !set(c.url_file)) out.push(`${at}: one of url or url_file must be configured`);
      exclusive("url", "url_file");
      break;
    case "email_configs":
      if (!set(c.to)) out.push(`${at}: missing to address in email config`);
      if (!set(c.smarthost) && !set(g.smtp_smarthost)) out.push(`${at}: no global SMTP smarthost set`);
      else if (set(c.smarthost) && !/^.+:\d+$/.test(String(c.smarthost))) {
        out.push(`${at}.smarthost: address ${JSON.stringify(c.smarthost)}: missing port in address`);
      }
      if (!set(c.from) && !set(g.smtp_from)) out.push(`${at}: no global SMTP from set`);
      exclusive("auth_password", "auth_password_file");
      break;
    case "pagerduty_configs":
      if (![c.routing_key, c.routing_key_file, c.service_key, c.service_key_file].some(set)) {
        out.push(`${at}: missing service or routing key in PagerDuty config`);
      }
      exclusive("routing_key", "routing_key_file");
      exclusive("service_key", "service_key_file");
      break;
  }
}

/** Every `*_file` path of the integrations in `cfg` (what the Alertmanager pods must be able to read). */
export function referencedFiles(cfg: unknown): string[] {
  const files: string[] = [];
  const receivers = isObj(cfg) && Array.isArray(cfg.receivers) ? cfg.receivers : [];
  for (const r of receivers) {
    if (!isObj(r)) continue;
    for (const kind of CHECKED_INTEGRATIONS) {
      for (const c of Array.isArray(r[kind]) ? r[kind] : []) {
        if (!isObj(c)) continue;
        for (const [k, v] of Object.entries(c))
          if (k.endsWith("_file") && typeof v === "string") files.push(v);
      }
    }
  }
  return files;
}
