/**
 * Issue 10, "Operations people expect": Alertmanager receivers (Slack, webhook, e-mail, PagerDuty)
 * from secret config, routed by severity (addons.monitoring.alerting). Config names keys of the
 * `secrets` object; the values reach only the Secret the monitoring add-on creates, and the
 * config the chart renders reads them from the mounted files.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { RECEIVERS_SECRET, alertmanagerConfig, receiverSecretData } from "../components/addons/alerting";
import { deepMerge } from "../components/addons/base";
import { CHARTS } from "../components/addons/versions";
import { ProgramRun, runProgram, secret } from "../offline/mocks";
import { exampleConfig, runExample } from "../offline/stacks";
import { get } from "../rules";
import { CHART_DATA, chartData, chartValueProblems } from "./helpers/chart-values";
import { AM_SCHEMA_SOURCE, alertmanagerConfigProblems, referencedFiles } from "./helpers/alertmanager-config";
import {
  ALERTING,
  ALLOWED,
  FILE,
  HOOK_URL,
  Obj,
  PD_KEY,
  SECRETS,
  SLACK_URL,
  SMTP_PASSWORD,
  clone,
  put,
  raw,
  settingsOf,
} from "./helpers/alerting-fixtures";

/** Alertmanager's routing of an alert with `labels` (equality matchers, `continue`): the receivers it notifies. */
function route(config: Obj, labels: Record<string, string>): string[] {
  const matches = (r: Obj) =>
    ((r.matchers as string[] | undefined) ?? []).every((m) => {
      const [, name, value] = /^(\w+) = "?([^"]*)"?$/.exec(m) ?? [];
      return labels[name] === value;
    });
  const walk = (node: Obj): string[] => {
    const out: string[] = [];
    for (const child of (node.routes as Obj[] | undefined) ?? []) {
      if (!matches(child)) continue;
      out.push(...walk(child));
      if (child.continue !== true) return out;
    }
    return out.length > 0 ? out : [node.receiver as string];
  };
  return walk(config.route as Obj);
}

describe("the Alertmanager config built from alerting", () => {
  const settings = () => settingsOf(raw());
  /** The chart's default `alertmanager.config` (values.yaml) with ours merged over it, as Helm does. */
  const chartDefault = () => (chartData("monitoring").defaults.alertmanager as Obj).config as Obj;
  const rendered = () => deepMerge(chartDefault(), alertmanagerConfig(settings()));

  it("names the mounted files, never a secret value", () => {
    const cfg = alertmanagerConfig(settings());
    assert.deepStrictEqual(cfg, {
      route: {
        receiver: "chat",
        routes: [
          { receiver: "null", matchers: ['alertname = "Watchdog"'] },
          { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
          { receiver: "oncall", matchers: ['severity = "critical"'], continue: true },
          { receiver: "mail", matchers: ['severity = "critical"'] },
          { receiver: "chat", matchers: ['severity = "warning"'] },
          { receiver: "hook", matchers: ['severity = "info"'] },
        ],
      },
      receivers: [
        { name: "null" },
        { name: "chat", slack_configs: [{ send_resolved: false, api_url_file: FILE("chat.slack-url") }] },
        { name: "hook", webhook_configs: [{ send_resolved: true, url_file: FILE("hook.webhook-url") }] },
        {
          name: "mail",
          email_configs: [
            {
              send_resolved: true,
              to: "ops@corp.example, sre@corp.example",
              from: "alertmanager@corp.example",
              smarthost: "smtp.corp.example:587",
              auth_username: "alertmanager",
              auth_password_file: FILE("mail.email-password"),
            },
          ],
        },
        {
          name: "oncall",
          slack_configs: [
            { send_resolved: true, api_url_file: FILE("oncall.slack-url"), channel: "#oncall" },
          ],
          pagerduty_configs: [
            { send_resolved: true, routing_key_file: FILE("oncall.pagerduty-routing-key") },
          ],
        },
      ],
    });
    assert.strictEqual(FILE("x"), "/etc/alertmanager/secrets/kps-alertmanager-receivers/x");
    for (const s of Object.values(SECRETS)) assert.ok(!JSON.stringify(cfg).includes(s));
  });

  it("keeps the chart's global settings, inhibit rules, templates and route timings (as helm template renders it)", () => {
    const cfg = rendered();
    assert.deepStrictEqual(cfg.global, { resolve_timeout: "5m" });
    assert.deepStrictEqual(cfg.templates, ["/etc/alertmanager/config/*.tmpl"]);
    assert.deepStrictEqual(cfg.inhibit_rules, [
      {
        source_matchers: ["severity = critical"],
        target_matchers: ["severity =~ warning|info"],
        equal: ["namespace", "alertname"],
      },
      {
        source_matchers: ["severity = warning"],
        target_matchers: ["severity = info"],
        equal: ["namespace", "alertname"],
      },
      {
        source_matchers: ["alertname = InfoInhibitor"],
        target_matchers: ["severity = info"],
        equal: ["namespace"],
      },
      { target_matchers: ["alertname = InfoInhibitor"] },
    ]);
    const r = cfg.route as Obj;
    assert.deepStrictEqual(
      [r.group_by, r.group_wait, r.group_interval, r.repeat_interval, r.receiver],
      [["namespace"], "30s", "5m", "12h", "chat"],
    );
  });

  it("routes by severity; Watchdog and InfoInhibitor never notify", () => {
    const cfg = rendered();
    assert.deepStrictEqual(route(cfg, { alertname: "KubePodCrashLooping", severity: "critical" }), [
      "oncall",
      "mail",
    ]);
    assert.deepStrictEqual(route(cfg, { alertname: "KubeMemoryOvercommit", severity: "warning" }), ["chat"]);
    assert.deepStrictEqual(route(cfg, { alertname: "CPUThrottlingHigh", severity: "info" }), ["hook"]);
    assert.deepStrictEqual(route(cfg, { alertname: "Watchdog", severity: "none" }), ["null"]);
    assert.deepStrictEqual(route(cfg, { alertname: "InfoInhibitor", severity: "none" }), ["null"]);
    assert.deepStrictEqual(route(cfg, { alertname: "MyAppDown" }), ["chat"]);
    // Without alerting, the chart's default drops everything (receiver "null").
    assert.deepStrictEqual(
      route(chartDefault(), { alertname: "KubePodCrashLooping", severity: "critical" }),
      ["null"],
    );
  });

  it("is a valid Alertmanager config for the pinned Alertmanager and operator", () => {
    assert.deepStrictEqual(alertmanagerConfigProblems(chartDefault()), []);
    assert.deepStrictEqual(alertmanagerConfigProblems(rendered()), []);
    const minimal = settingsOf(
      raw((a) => {
        put(a, "receivers", { pager: { pagerduty: { routingKeySecret: "pd-key" } } });
        put(a, "routes", { critical: ["pager"] });
        put(a, "defaultReceiver", "null");
      }),
    );
    assert.deepStrictEqual(
      alertmanagerConfigProblems(deepMerge(chartDefault(), alertmanagerConfig(minimal))),
      [],
    );
  });

  it("the offline check refuses what Alertmanager or the operator would refuse", () => {
    const bad = (edit: (c: Obj) => void) => {
      const c = clone(rendered());
      edit(c);
      return alertmanagerConfigProblems(c);
    };
    const receivers = (c: Obj) => c.receivers as Obj[];
    const configOf = (c: Obj, name: string, kind: string) =>
      (receivers(c).find((r) => r.name === name)?.[kind] as Obj[])[0];
    assert.deepStrictEqual(
      bad((c) => (configOf(c, "chat", "slack_configs").api_url_fle = "/x")),
      ["receivers[1].slack_configs[0].api_url_fle: unknown field of slack_configs"],
    );
    assert.deepStrictEqual(
      bad((c) => delete configOf(c, "chat", "slack_configs").api_url_file),
      ["receivers[1].slack_configs[0]: no Slack API URL nor App token set either inline or in a file"],
    );
    assert.deepStrictEqual(
      bad((c) => (configOf(c, "hook", "webhook_configs").url = "https://x")),
      ["receivers[2].webhook_configs[0]: at most one of url & url_file must be configured"],
    );
    assert.deepStrictEqual(
      bad((c) => (configOf(c, "mail", "email_configs").smarthost = "smtp.corp.example")),
      ['receivers[3].email_configs[0].smarthost: address "smtp.corp.example": missing port in address'],
    );
    assert.deepStrictEqual(
      bad((c) => delete configOf(c, "mail", "email_configs").from),
      ["receivers[3].email_configs[0]: no global SMTP from set"],
    );
    assert.deepStrictEqual(
      bad((c) => delete configOf(c, "oncall", "pagerduty_configs").routing_key_file),
      ["receivers[4].pagerduty_configs[0]: missing service or routing key in PagerDuty config"],
    );
    assert.deepStrictEqual(
      bad((c) => ((c.route as Obj).receiver = "gone")),
      ['route: undefined receiver "gone" used in route'],
    );
    assert.deepStrictEqual(
      bad((c) => ((c.route as Obj).matchers = ['severity = "critical"'])),
      ["route: root route must not have any matchers"],
    );
    assert.deepStrictEqual(
      bad((c) => receivers(c).push({ name: "chat" })),
      ['receivers[5]: notification config name "chat" is not unique'],
    );
    assert.deepStrictEqual(
      bad((c) => (((c.route as Obj).routes as Obj[])[2].matchers = ["severity == critical"])),
      ['route.routes[2].matchers[0]: bad matcher "severity == critical"'],
    );
  });

  it("every file the config names is a key of the receivers' Secret, and every key is named", () => {
    const data = Object.keys(receiverSecretData(settings())).sort();
    assert.deepStrictEqual(data, [
      "chat.slack-url",
      "hook.webhook-url",
      "mail.email-password",
      "oncall.pagerduty-routing-key",
      "oncall.slack-url",
    ]);
    assert.deepStrictEqual(referencedFiles(rendered()).sort(), data.map(FILE));
  });

  it("the component refuses an undefined receiver with the rule config uses", () => {
    const s = settings();
    assert.throws(
      () => alertmanagerConfig({ ...s, routes: { critical: ["pagr"] } }),
      new Error(`alerting.routes.critical.0: is not a defined receiver; ${ALLOWED}`),
    );
  });

  it("the field lists were read at the Alertmanager and operator versions the pinned chart installs", () => {
    const values = chartData("monitoring").defaults.alertmanager as Obj;
    assert.strictEqual(
      ((values.alertmanagerSpec as Obj).image as Obj).tag,
      AM_SCHEMA_SOURCE.alertmanagerImage,
      "the chart pins another Alertmanager: re-read the field lists of tests/helpers/alertmanager-config.ts",
    );
    const chartYaml = parse(
      fs.readFileSync(
        path.join(CHART_DATA, CHARTS.monitoring.dataName, CHARTS.monitoring.version, "Chart.yaml"),
        "utf8",
      ),
    ) as Obj;
    assert.strictEqual(
      chartYaml.appVersion,
      AM_SCHEMA_SOURCE.operator,
      "the chart installs another prometheus-operator: re-read the field lists of tests/helpers/alertmanager-config.ts",
    );
  });
});

describe("alerting in the program: secret values only in the receivers' Secret", function () {
  this.timeout(180_000);
  const SECRET = "kubernetes:core/v1:Secret";
  const RELEASE = "kubernetes:helm.sh/v3:Release";
  const stackWithAlerting = () => {
    const cfg = exampleConfig("prod");
    const addons = cfg.addons as Obj;
    return {
      ...cfg,
      addons: { ...addons, monitoring: { ...(addons.monitoring as Obj), alerting: ALERTING } },
      // The example's own secrets (its Vault app's initial value) and the receivers'.
      secrets: secret({ ...((cfg.secrets as { secret?: Obj } | undefined)?.secret ?? {}), ...SECRETS }),
    };
  };
  let run: ProgramRun;
  before(async () => {
    run = await runProgram(stackWithAlerting(), "prod");
  });
  const receiversSecret = () => {
    const found = run.ofType(SECRET).filter((r) => get(r.inputs, "metadata.name") === RECEIVERS_SECRET);
    assert.strictEqual(found.length, 1, "one receivers Secret");
    return found[0];
  };
  const monitoringRelease = () => {
    const found = run.ofType(RELEASE).filter((r) => r.inputs.chart === CHARTS.monitoring.chart);
    assert.strictEqual(found.length, 1);
    return found[0];
  };

  it("creates the receivers' Secret in the monitoring namespace with the secret values, as a Pulumi secret", () => {
    const s = receiversSecret();
    assert.strictEqual(s.name, "kp-addons-monitoring-alertmanager-receivers");
    assert.strictEqual(get(s.inputs, "metadata.namespace"), "monitoring");
    assert.strictEqual(s.inputs.type, "Opaque");
    assert.deepStrictEqual(s.inputs.stringData, {
      "oncall.slack-url": SLACK_URL,
      "oncall.pagerduty-routing-key": PD_KEY,
      "chat.slack-url": SLACK_URL,
      "mail.email-password": SMTP_PASSWORD,
      "hook.webhook-url": HOOK_URL,
    });
    assert.ok(s.secretInputs.has("stringData"), "stringData is a Pulumi secret (encrypted in state)");
  });

  it("no secret value is in any other resource's inputs, nor in a plain input anywhere (no ConfigMap, no Release)", () => {
    const leaks: string[] = [];
    for (const r of run.resources) {
      for (const [key, value] of Object.entries(r.inputs)) {
        if (r.secretInputs.has(key) && r === receiversSecret()) continue;
        const text = JSON.stringify(value) ?? "";
        for (const v of Object.values(SECRETS))
          if (text.includes(v)) leaks.push(`${r.type} ${r.name}.${key}`);
      }
    }
    assert.deepStrictEqual(leaks, []);
  });

  it("the monitoring Release stays readable, mounts the Secret, waits for it, and its values fit the chart", () => {
    const rel = monitoringRelease();
    assert.strictEqual(rel.secretInputs.has("values"), false, "previews keep showing the values");
    const values = rel.inputs.values as Obj;
    assert.deepStrictEqual(get(values, "alertmanager.alertmanagerSpec.secrets"), [RECEIVERS_SECRET]);
    assert.deepStrictEqual(get(values, "alertmanager.config"), alertmanagerConfig(settingsOf(raw())));
    assert.ok(rel.dependsOn.includes(receiversSecret().urn));
    assert.deepStrictEqual(chartValueProblems("monitoring", values), []);
  });

  it("an example stack without alerting has no receivers' Secret and keeps the chart's default config", async () => {
    const plainRun = await runExample("prod");
    const secrets = plainRun
      .ofType(SECRET)
      .filter((r) => get(r.inputs, "metadata.name") === RECEIVERS_SECRET);
    assert.deepStrictEqual(secrets, []);
    const rel = plainRun.ofType(RELEASE).find((r) => r.inputs.chart === CHARTS.monitoring.chart);
    assert.ok(rel);
    assert.strictEqual(get(rel.inputs.values, "alertmanager.config"), undefined);
    assert.strictEqual(get(rel.inputs.values, "alertmanager.alertmanagerSpec.secrets"), undefined);
  });
});
