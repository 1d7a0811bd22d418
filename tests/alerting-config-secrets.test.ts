/**
 * stacks/alerting-config.ts called directly: the cross-check of the receivers' secret references
 * against `secrets` on raw (possibly invalid) config, the chart values that would bypass alerting,
 * and the typed settings (each secret a Pulumi secret of its trimmed value, the receivers' ports).
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  alertingSchema,
  alertingValuesConflicts,
  checkAlertingSecrets,
  toAlertingSettings,
} from "../stacks/alerting-config";

type Issue = { path: (string | number)[]; message: string; code?: string };

/** The issues checkAlertingSecrets adds for `addons` and `secrets`. */
function issues(addons: unknown, secrets: unknown, profile: "dev" | "prod" = "dev"): Issue[] {
  const out: Issue[] = [];
  const ctx = {
    addIssue: (i: { path?: (string | number)[]; message?: string; code?: string }) => {
      assert.equal(i.code, "custom");
      out.push({ path: i.path ?? [], message: i.message ?? "" });
    },
  } as unknown as z.RefinementCtx;
  checkAlertingSecrets(addons, secrets, profile, ctx);
  return out;
}
const withReceivers = (receivers: unknown) => ({ monitoring: { alerting: { receivers } } });
const R = "addons.monitoring.alerting.receivers";
const PD = "p".repeat(32);

describe("alerting secrets: each reference names a set secret whose value fits", () => {
  it("nothing to check without receivers, or with receivers in another form", () => {
    for (const addons of [
      undefined,
      null,
      "x",
      [],
      { monitoring: null },
      { monitoring: [] },
      { monitoring: { alerting: null } },
      { monitoring: { alerting: [] } },
      withReceivers(null),
      withReceivers("x"),
      withReceivers([{ webhook: { urlSecret: "missing" } }]),
      withReceivers({ a: null, b: "x", c: [], d: 1 }),
    ]) {
      assert.deepEqual(issues(addons, {}), [], JSON.stringify(addons));
    }
  });

  it("a reference that is no secret name is the schema's to report", () => {
    const refs = withReceivers({
      a: { webhook: { urlSecret: "https://x.example/hook" } },
      b: { slack: { urlSecret: 5 } },
      c: { pagerduty: null },
      d: { email: ["x"] },
      e: { webhook: { urlSecret: "" } },
    });
    assert.deepEqual(issues(refs, {}), []);
  });

  it("a secret that is not set, with `secrets` absent or in another form, at the reference", () => {
    const addons = withReceivers({ hook: { webhook: { urlSecret: "hook-url" } } });
    const missing = {
      path: ["addons", "monitoring", "alerting", "receivers", "hook", "webhook", "urlSecret"],
      message:
        'names the secret "hook-url", which is not set; set it with `pulumi config set --secret --path secrets.hook-url <value>`',
    };
    assert.deepEqual(issues(addons, undefined), [missing]);
    assert.deepEqual(issues(addons, null), [missing]);
    assert.deepEqual(issues(addons, ["https://x.example"]), [missing]);
    assert.deepEqual(issues(addons, { other: "https://x.example" }), [missing]);
    assert.deepEqual(issues(addons, { "hook-url": "https://x.example" }), []);
  });

  it("each kind of reference, checked with its own rule, reported at the secret naming the reference", () => {
    const addons = withReceivers({
      chat: { slack: { urlSecret: "slack" } },
      hook: { webhook: { urlSecret: "hook" } },
      mail: { email: { authPasswordSecret: "smtp" } },
      page: { pagerduty: { routingKeySecret: "pd" } },
    });
    const bad = { slack: "no url", hook: "ftp://x.example/", smtp: "  ", pd: "short" };
    assert.deepEqual(issues(addons, bad), [
      {
        path: ["secrets", "slack"],
        message: `must be an http(s) URL like "https://hooks.slack.com/services/…" (named by ${R}.chat.slack.urlSecret)`,
      },
      {
        path: ["secrets", "hook"],
        message: `must be an http(s) URL (https:// in the prod profile) (named by ${R}.hook.webhook.urlSecret)`,
      },
      {
        path: ["secrets", "smtp"],
        message: `must not be empty (named by ${R}.mail.email.authPasswordSecret)`,
      },
      {
        path: ["secrets", "pd"],
        message: `must be the 32-character Integration Key of a PagerDuty Events API v2 integration (named by ${R}.page.pagerduty.routingKeySecret)`,
      },
    ]);
    const good = { slack: "https://hooks.slack.com/x", hook: "http://hook.ops.svc/", smtp: "pw", pd: PD };
    assert.deepEqual(issues(addons, good), []);
  });

  it("http:// is refused in prod only, for Slack and webhooks", () => {
    const addons = withReceivers({
      chat: { slack: { urlSecret: "slack" } },
      hook: { webhook: { urlSecret: "hook" } },
    });
    const http = { slack: "http://hooks.example/x", hook: "http://hook.example/" };
    const https =
      "must be an https:// URL in the prod profile (http:// sends alerts and any token in the URL unencrypted)";
    assert.deepEqual(issues(addons, http, "prod"), [
      { path: ["secrets", "slack"], message: `${https} (named by ${R}.chat.slack.urlSecret)` },
      { path: ["secrets", "hook"], message: `${https} (named by ${R}.hook.webhook.urlSecret)` },
    ]);
    assert.deepEqual(issues(addons, http, "dev"), []);
  });

  it("a value that is not a string is the secrets schema's to report", () => {
    const addons = withReceivers({ hook: { webhook: { urlSecret: "hook" } } });
    assert.deepEqual(issues(addons, { hook: 5 }), []);
    assert.deepEqual(issues(addons, { hook: { url: "x" } }), []);
  });
});

describe("alerting schema: on partly invalid input", () => {
  const problems = (a: unknown) => {
    const r = alertingSchema.safeParse(a);
    return r.success ? [] : r.error.issues.map((i) => `${i.code} ${i.path.join(".")}: ${i.message}`);
  };
  const mail = { to: ["ops@corp.example"], from: "am@corp.example", smarthost: "smtp.corp.example:25" };

  it("a smarthost without port is one problem, an IPv6 one too", () => {
    assert.deepEqual(
      problems({ receivers: { m: { email: { ...mail, smarthost: "[2001:1::]" } } }, defaultReceiver: "m" }),
      [
        'invalid_format receivers.m.email.smarthost: must be host:port like "smtp.corp.example:587" (Alertmanager needs the port)',
      ],
    );
    assert.deepEqual(
      problems({
        receivers: { m: { email: { ...mail, smarthost: "[2001:1::]:25" } } },
        defaultReceiver: "m",
      }),
      [],
    );
  });

  it("SMTP authentication and receiver names are custom problems", () => {
    assert.deepEqual(
      problems({ receivers: { m: { email: { ...mail, authUsername: "u" } } }, defaultReceiver: "m" }),
      [
        "custom receivers.m.email.authPasswordSecret: is required when authUsername is set (SMTP authentication needs both)",
      ],
    );
    assert.deepEqual(
      problems({ receivers: { "a b": { email: mail } }, defaultReceiver: "a b" }).map((p) => p.split(" ")[0]),
      ["custom"],
    );
  });

  it("a receiver whose only integration is absent has none", () => {
    assert.deepEqual(problems({ receivers: { m: { slack: undefined } }, defaultReceiver: "m" }), [
      "custom receivers.m: must set at least one of slack, webhook, email, pagerduty",
    ]);
  });

  it("receivers missing or null, a route entry not a string: only the schema's own problem", () => {
    assert.deepEqual(problems({ defaultReceiver: "m" }), [
      "invalid_type receivers: Invalid input: expected record, received undefined",
    ]);
    assert.deepEqual(problems({ receivers: null, defaultReceiver: "m" }), [
      "invalid_type receivers: Invalid input: expected record, received null",
    ]);
    assert.deepEqual(
      problems({ receivers: { m: { email: mail } }, routes: { critical: ["m", 5] }, defaultReceiver: "m" }),
      ["invalid_type routes.critical.1: Invalid input: expected string, received number"],
    );
  });
});

describe("alerting values: what would bypass alerting, on values in any form", () => {
  it("values without an alertmanager object, or an alertmanager in another form, conflict with nothing", () => {
    assert.deepEqual(alertingValuesConflicts({}), []);
    assert.deepEqual(alertingValuesConflicts({ alertmanager: null }), []);
    assert.deepEqual(alertingValuesConflicts({ alertmanager: "x" }), []);
    assert.deepEqual(alertingValuesConflicts({ alertmanager: { config: null, alertmanagerSpec: 1 } }), []);
  });

  it("the receivers Secret's mount list must be a list holding it", () => {
    const message =
      'replaces the list that mounts the Secret of addons.monitoring.alerting; include "kps-alertmanager-receivers"';
    const path = ["alertmanager", "alertmanagerSpec", "secrets"];
    const of = (secrets: unknown) =>
      alertingValuesConflicts({ alertmanager: { alertmanagerSpec: { secrets } } });
    assert.deepEqual(of("kps-alertmanager-receivers"), [{ path, message }]);
    assert.deepEqual(of([]), [{ path, message }]);
    assert.deepEqual(of(["kps-alertmanager-receivers"]), []);
  });

  it("several conflicts, each at its path in the order of the list", () => {
    const conflicts = alertingValuesConflicts({
      alertmanager: { enabled: false, stringConfig: "x", alertmanagerSpec: { configSecret: "" } },
    });
    assert.deepEqual(
      conflicts.map((c) => c.path.join(".")),
      ["alertmanager.enabled", "alertmanager.stringConfig", "alertmanager.alertmanagerSpec.configSecret"],
    );
  });
});

describe("alerting settings: the typed receivers", () => {
  const unwrap = async (o: pulumi.Output<string>) =>
    new Promise<[string, boolean]>((resolve) =>
      o.apply(async (v) => {
        resolve([v, await pulumi.isSecret(o)]);
        return v;
      }),
    );

  it("an e-mail receiver without SMTP authentication has neither user nor password; a Slack one no channel", () => {
    const a = alertingSchema.parse({
      receivers: {
        mail: {
          email: { to: ["ops@corp.example"], from: "am@corp.example", smarthost: "smtp.corp.example:25" },
        },
        chat: { slack: { urlSecret: "slack" } },
      },
      routes: { warning: ["chat"] },
      defaultReceiver: "mail",
    });
    const s = toAlertingSettings(a, { slack: "https://hooks.slack.com:8443/x" });
    assert.deepEqual(Object.keys(s.receivers.mail.email ?? {}).sort(), [
      "from",
      "sendResolved",
      "smarthost",
      "to",
    ]);
    assert.deepEqual(Object.keys(s.receivers.chat.slack ?? {}).sort(), ["sendResolved", "url"]);
    assert.deepEqual(Object.keys(s.receivers.mail), ["email"]);
    assert.deepEqual(s.receiverPorts, [25, 8443]);
    assert.deepEqual(s.routes, { warning: ["chat"] });
    assert.equal(s.defaultReceiver, "mail");
  });

  it("each secret becomes the Pulumi secret of its trimmed value; a missing one is an error naming it", async () => {
    const a = alertingSchema.parse({
      receivers: {
        hook: { webhook: { urlSecret: "hook" } },
        page: { pagerduty: { routingKeySecret: "pd" } },
      },
      defaultReceiver: "hook",
      routes: { critical: ["page"] },
    });
    const s = toAlertingSettings(a, { hook: " https://hook.example:9443/x\n", pd: ` ${PD} ` });
    const url = s.receivers.hook.webhook?.url;
    const key = s.receivers.page.pagerduty?.routingKey;
    assert.ok(url && key);
    assert.deepEqual(await unwrap(url), ["https://hook.example:9443/x", true]);
    assert.deepEqual(await unwrap(key), [PD, true]);
    assert.deepEqual(s.receiverPorts, [443, 9443]);
    assert.throws(
      () => toAlertingSettings(a, { hook: "https://hook.example/" }),
      /^Error: secrets\.pd is not set \(named by addons\.monitoring\.alerting\)$/,
    );
  });

  it("a webhook URL that is no URL has no port to open; ports are sorted as numbers, each once", () => {
    const a = alertingSchema.parse({
      receivers: {
        a: { webhook: { urlSecret: "a" } },
        b: { webhook: { urlSecret: "b" } },
        c: { webhook: { urlSecret: "c" } },
      },
      routes: { info: ["b", "c"] },
      defaultReceiver: "a",
    });
    const ports = (secrets: Record<string, string>) => toAlertingSettings(a, secrets).receiverPorts;
    assert.deepEqual(
      ports({ a: "not a url", b: "http://x.example:9000/", c: "http://y.example:10000/" }),
      [9000, 10000],
    );
    assert.deepEqual(
      ports({ a: "http://x.example/", b: "http://x.example:80/", c: "https://z.example:100/" }),
      [80, 100],
    );
  });
});
