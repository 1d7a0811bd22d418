/**
 * Issue 10, "Operations people expect": the `addons.monitoring.alerting` config. Receivers name keys
 * of the `secrets` object; every problem is one message naming the key, the value (never a secret
 * value) and what is allowed.
 */
import * as assert from "assert";
import { RECEIVERS_SECRET } from "../components/addons/alerting";
import { parseConfig } from "../stacks/config";
import { problemsOf } from "./helpers/config-problems";
import {
  ALLOWED,
  DOKS,
  HOOK_URL,
  Obj,
  PD_KEY,
  SECRETS,
  SLACK_URL,
  SMTP_PASSWORD,
  ctx,
  plain,
  put,
  raw,
  settingsOf,
} from "./helpers/alerting-fixtures";

describe("alerting config (addons.monitoring.alerting)", () => {
  it("turns each secret reference into the Pulumi secret of its value, the rest stays plain", async () => {
    assert.deepStrictEqual(await plain(settingsOf(raw())), {
      receivers: {
        oncall: {
          slack: { url: { secret: SLACK_URL }, sendResolved: true, channel: "#oncall" },
          pagerduty: { sendResolved: true, routingKey: { secret: PD_KEY } },
        },
        chat: { slack: { url: { secret: SLACK_URL }, sendResolved: false } },
        mail: {
          email: {
            to: ["ops@corp.example", "sre@corp.example"],
            from: "alertmanager@corp.example",
            smarthost: "smtp.corp.example:587",
            sendResolved: true,
            authUsername: "alertmanager",
            authPassword: { secret: SMTP_PASSWORD },
          },
        },
        hook: { webhook: { url: { secret: HOOK_URL }, sendResolved: true } },
      },
      routes: { critical: ["oncall", "mail"], warning: ["chat"], info: ["hook"] },
      defaultReceiver: "chat",
      receiverPorts: [443, 587],
    });
  });

  it("records the receivers' ports for the NetworkPolicy: explicit, or 443 / 80 by scheme, and the smarthost's", () => {
    const withPorts = raw(() => {}, {
      secrets: { ...SECRETS, "hook-url": "http://alertmanager-webhook.ops.svc:8080/alerts" },
    });
    const mail = raw((a) => put(a, "receivers.mail.email.smarthost", "smtp.corp.example:2525"));
    const plainHttp = raw(() => {}, {
      secrets: { ...SECRETS, "hook-url": "http://hooks.corp.example/alerts" },
    });
    assert.deepStrictEqual(settingsOf(withPorts).receiverPorts, [443, 587, 8080]);
    assert.deepStrictEqual(settingsOf(mail).receiverPorts, [443, 2525]);
    assert.deepStrictEqual(settingsOf(plainHttp).receiverPorts, [80, 443, 587]);
  });

  it("without alerting the settings have none (the chart's default config stays)", () => {
    const c = parseConfig({ cluster: DOKS }, ctx);
    assert.strictEqual(c.addons.monitoring.alerting, undefined);
    assert.ok(!("alerting" in c.addons.monitoring));
  });

  const R = "addons.monitoring.alerting.receivers";
  /** [case, config, the one problem] */
  const BAD: [string, Obj, string][] = [
    [
      "unknown receiver in a route",
      raw((a) => put(a, "routes.critical", ["oncall", "mail", "pagr"])),
      `addons.monitoring.alerting.routes.critical[2]: got "pagr"; is not a defined receiver; ${ALLOWED}`,
    ],
    [
      "unknown default receiver",
      raw((a) => put(a, "defaultReceiver", "nobody")),
      `addons.monitoring.alerting.defaultReceiver: got "nobody"; is not a defined receiver; ${ALLOWED}`,
    ],
    [
      "a receiver twice for one severity",
      raw((a) => put(a, "routes.warning", ["chat", "chat"])),
      'addons.monitoring.alerting.routes.warning[1]: got "chat"; is listed twice for warning alerts',
    ],
    [
      "a receiver nothing routes to",
      raw((a) => put(a, "receivers.spare", { webhook: { urlSecret: "hook-url" } })),
      `${R}.spare: got {"webhook":{"urlSecret":"hook-url"}}; is not used by defaultReceiver or any route; route a severity to it or remove it`,
    ],
    [
      "an unknown severity",
      raw((a) => put(a, "routes.page", ["oncall"])),
      "addons.monitoring.alerting.routes.page: unknown key; allowed keys here: critical, info, warning",
    ],
    [
      "a receiver named null",
      raw((a) => {
        put(a, "receivers.null", { webhook: { urlSecret: "hook-url" } });
        put(a, "routes.info", ["hook", "null"]);
      }),
      `${R}.null: got {"webhook":{"urlSecret":"hook-url"}}; the name "null" is the chart's receiver that drops alerts; route to "null" without defining it`,
    ],
    [
      "a receiver without integrations",
      raw((a) => put(a, "receivers.chat", {})),
      `${R}.chat: got {}; must set at least one of slack, webhook, email, pagerduty`,
    ],
    [
      "an unknown integration",
      raw((a) => put(a, "receivers.chat.teams", { urlSecret: "hook-url" })),
      `${R}.chat.teams: unknown key; allowed keys here: email, pagerduty, slack, webhook`,
    ],
    [
      "no receivers",
      raw((a) => {
        put(a, "receivers", {});
        put(a, "routes", {});
        put(a, "defaultReceiver", "null");
      }),
      "addons.monitoring.alerting.receivers: got {}; must define at least one receiver",
    ],
    [
      "a missing required field",
      raw((a) => put(a, "receivers.mail.email.from", undefined)),
      `${R}.mail.email.from: is required (expected string)`,
    ],
    [
      "no default receiver",
      raw((a) => put(a, "defaultReceiver", undefined)),
      "addons.monitoring.alerting.defaultReceiver: is required (expected string)",
    ],
    [
      "an SMTP user without password",
      raw((a) => put(a, "receivers.mail.email.authPasswordSecret", undefined)),
      `${R}.mail.email.authPasswordSecret: is required when authUsername is set (SMTP authentication needs both)`,
    ],
    [
      "an SMTP password without user",
      raw((a) => put(a, "receivers.mail.email.authUsername", undefined)),
      `${R}.mail.email.authUsername: is required when authPasswordSecret is set (SMTP authentication needs both)`,
    ],
    [
      "a smarthost without port",
      raw((a) => put(a, "receivers.mail.email.smarthost", "smtp.corp.example")),
      `${R}.mail.email.smarthost: got "smtp.corp.example"; must be host:port like "smtp.corp.example:587" (Alertmanager needs the port)`,
    ],
    [
      "a smarthost port above 65535",
      raw((a) => put(a, "receivers.mail.email.smarthost", "smtp.corp.example:65536")),
      `${R}.mail.email.smarthost: got "smtp.corp.example:65536"; must have a port ≤ 65535`,
    ],
    [
      "no e-mail recipient",
      raw((a) => put(a, "receivers.mail.email.to", [])),
      `${R}.mail.email.to: got []; must have at least 1 item(s)`,
    ],
    [
      "a bad recipient",
      raw((a) => put(a, "receivers.mail.email.to", ["ops"])),
      `${R}.mail.email.to[0]: got "ops"; must be an e-mail address like "ops@corp.example"`,
    ],
    [
      "a bad Slack channel",
      raw((a) => put(a, "receivers.oncall.slack.channel", "#On Call")),
      `${R}.oncall.slack.channel: got "#On Call"; must be a channel like "#alerts", a user like "@oncall" or a channel ID like "C0123456789"`,
    ],
    [
      "a URL where a secret name belongs",
      raw((a) => put(a, "receivers.hook.webhook.urlSecret", "https://alerts.corp.example/hook")),
      `${R}.hook.webhook.urlSecret: got "https://alerts.corp.example/hook"; must name a key of \`secrets\` (letters, digits, '_', '-'), not the value itself`,
    ],
    [
      "a secret that is not set",
      raw((a) => put(a, "receivers.oncall.pagerduty.routingKeySecret", "pd-kee")),
      `${R}.oncall.pagerduty.routingKeySecret: got "pd-kee"; names the secret "pd-kee", which is not set; set it with \`pulumi config set --secret --path secrets.pd-kee <value>\``,
    ],
    [
      "an http:// webhook URL in prod",
      raw(() => {}, {
        profile: "prod",
        secrets: { ...SECRETS, "hook-url": "http://alerts.corp.example/s3cr3t" },
      }),
      `secrets.hook-url: got [secret]; must be an https:// URL in the prod profile (http:// sends alerts and any token in the URL unencrypted) (named by ${R}.hook.webhook.urlSecret)`,
    ],
    [
      "a Slack URL that is no URL",
      raw((a) => put(a, "receivers.oncall.slack", undefined), {
        secrets: { ...SECRETS, "slack-url": "hooks.slack.com/s3cr3t" },
      }),
      `secrets.slack-url: got [secret]; must be an http(s) URL like "https://hooks.slack.com/services/…" (named by ${R}.chat.slack.urlSecret)`,
    ],
    [
      "a PagerDuty key of 31 characters",
      raw(() => {}, { secrets: { ...SECRETS, "pd-key": PD_KEY.slice(1) } }),
      `secrets.pd-key: got [secret]; must be the 32-character Integration Key of a PagerDuty Events API v2 integration (named by ${R}.oncall.pagerduty.routingKeySecret)`,
    ],
    [
      "a PagerDuty key of 33 characters",
      raw(() => {}, { secrets: { ...SECRETS, "pd-key": `${PD_KEY}x` } }),
      `secrets.pd-key: got [secret]; must be the 32-character Integration Key of a PagerDuty Events API v2 integration (named by ${R}.oncall.pagerduty.routingKeySecret)`,
    ],
    [
      "an empty SMTP password",
      raw(() => {}, { secrets: { ...SECRETS, "smtp-password": " " } }),
      `secrets.smtp-password: got [secret]; must not be empty (named by ${R}.mail.email.authPasswordSecret)`,
    ],
    [
      "alerting with monitoring off",
      raw(() => {}, { monitoring: { enabled: false } }),
      "addons.monitoring.enabled: got false; turns monitoring off, but addons.monitoring.alerting is set; enable it or remove alerting",
    ],
  ];

  for (const [name, config, expected] of BAD) {
    it(`refuses ${name} with one message`, () => {
      assert.deepStrictEqual(problemsOf(config, ctx), [expected]);
    });
  }

  it("never shows a secret value in a message", () => {
    for (const [, config] of BAD) {
      for (const p of problemsOf(config, ctx)) assert.ok(!p.includes("s3cr3t"), p);
    }
  });

  it("accepts the boundaries: http:// in dev, https:// in prod, a 32-character key, port 65535, a 40-character name", () => {
    const http = { ...SECRETS, "hook-url": "http://alertmanager-webhook.ops.svc:8080/alerts" };
    assert.deepStrictEqual(
      problemsOf(
        raw(() => {}, { secrets: http }),
        ctx,
      ),
      [],
    );
    assert.deepStrictEqual(
      problemsOf(
        raw(() => {}, { profile: "prod" }),
        ctx,
      ),
      [],
    );
    assert.strictEqual(PD_KEY.length, 32);
    assert.deepStrictEqual(
      problemsOf(
        raw((a) => put(a, "receivers.mail.email.smarthost", "smtp.corp.example:65535")),
        ctx,
      ),
      [],
    );
    const long = "r".repeat(40);
    const withLong = raw((a) => {
      put(a, `receivers.${long}`, { webhook: { urlSecret: "hook-url" } });
      put(a, "routes.info", ["hook", long]);
    });
    assert.deepStrictEqual(problemsOf(withLong, ctx), []);
    const tooLong = raw((a) => {
      put(a, `receivers.${long}r`, { webhook: { urlSecret: "hook-url" } });
      put(a, "routes.info", ["hook", `${long}r`]);
    });
    assert.deepStrictEqual(problemsOf(tooLong, ctx), [
      `${R}.${long}r: got {"webhook":{"urlSecret":"hook-url"}}; the name "${long}r" must be at most 40 characters`,
    ]);
    // "null" drops: as default receiver and in a route, without being defined.
    const dropping = raw((a) => {
      put(a, "defaultReceiver", "null");
      put(a, "routes.warning", ["chat", "null"]);
    });
    assert.deepStrictEqual(problemsOf(dropping, ctx), []);
  });

  it("refuses chart values that would replace or bypass what alerting builds, and accepts the harmless ones", () => {
    const V = "addons.monitoring.values.alertmanager";
    const cases: [Obj, string | undefined][] = [
      [
        { enabled: false },
        `${V}.enabled: got false; turns Alertmanager off, but addons.monitoring.alerting is set; remove one of them`,
      ],
      [{ enabled: true }, undefined],
      [
        { config: { route: { group_wait: "1m" } } },
        `${V}.config.route: got {"group_wait":"1m"}; replaces the routes addons.monitoring.alerting builds; configure routing there only`,
      ],
      [
        { config: { receivers: [] } },
        `${V}.config.receivers: got []; replaces the receivers addons.monitoring.alerting builds; configure receivers there only`,
      ],
      [{ config: { global: { resolve_timeout: "10m" } } }, undefined],
      [
        { stringConfig: "route: {}" },
        `${V}.stringConfig: got "route: {}"; replaces the config addons.monitoring.alerting builds; remove it`,
      ],
      [{ stringConfig: "" }, undefined],
      [
        { alertmanagerSpec: { useExistingSecret: true } },
        `${V}.alertmanagerSpec.useExistingSecret: got true; makes the chart ignore the config addons.monitoring.alerting builds; remove it`,
      ],
      [{ alertmanagerSpec: { useExistingSecret: false } }, undefined],
      [
        { alertmanagerSpec: { configSecret: "mine" } },
        `${V}.alertmanagerSpec.configSecret: got "mine"; makes Alertmanager read another config than the one addons.monitoring.alerting builds; remove it`,
      ],
      [
        { alertmanagerSpec: { secrets: ["tls"] } },
        `${V}.alertmanagerSpec.secrets: got ["tls"]; replaces the list that mounts the Secret of addons.monitoring.alerting; include "kps-alertmanager-receivers"`,
      ],
      [{ alertmanagerSpec: { secrets: ["tls", RECEIVERS_SECRET] } }, undefined],
    ];
    for (const [alertmanager, expected] of cases) {
      const config = raw(() => {}, { monitoring: { values: { alertmanager } } });
      assert.deepStrictEqual(
        problemsOf(config, ctx),
        expected ? [expected] : [],
        JSON.stringify(alertmanager),
      );
    }
    // Without alerting, the same values are the user's own business.
    const own = {
      cluster: DOKS,
      addons: { monitoring: { values: { alertmanager: { config: { route: {} } } } } },
    };
    assert.deepStrictEqual(problemsOf(own, ctx), []);
  });
});
