/**
 * rules/webhooks.ts: the pod ports the control plane must reach for each pinned chart's admission
 * webhooks and aggregated APIs, from its values (the charts' defaults when unset), and chartName.
 */
import * as assert from "assert";
import { WEBHOOK_PORTS, chartName } from "../rules";

const ports = (chart: string, values: Record<string, unknown>) =>
  WEBHOOK_PORTS[chart](values).map((p) => `${p.what} ${p.key}=${p.port}`);

describe("webhook ports of the pinned charts", () => {
  it("chartName: a name, repo/name or an OCI reference", () => {
    assert.strictEqual(chartName("vault"), "vault");
    assert.strictEqual(chartName("hashicorp/vault"), "vault");
    assert.strictEqual(chartName("oci://public.ecr.aws/karpenter/karpenter"), "karpenter");
    assert.strictEqual(chartName(undefined), "");
    assert.strictEqual(chartName(null), "");
  });

  it("the charts listed", () => {
    assert.deepStrictEqual(Object.keys(WEBHOOK_PORTS), [
      "vault",
      "cert-manager",
      "kube-prometheus-stack",
      "traefik",
      "metrics-server",
    ]);
  });

  it("vault: the injector on injector.port (8080), on unless injector.enabled or global.enabled is false", () => {
    const injector = "the Vault agent injector webhook injector.port=8080";
    assert.deepStrictEqual(ports("vault", {}), [injector]);
    assert.deepStrictEqual(ports("vault", { injector: { enabled: "-" }, global: { enabled: "-" } }), [
      injector,
    ]);
    assert.deepStrictEqual(ports("vault", { injector: { enabled: "true", port: 9090 } }), [
      "the Vault agent injector webhook injector.port=9090",
    ]);
    assert.deepStrictEqual(ports("vault", { injector: { port: "8443" } }), [
      "the Vault agent injector webhook injector.port=8443",
    ]);
    assert.deepStrictEqual(ports("vault", { injector: { enabled: false } }), []);
    assert.deepStrictEqual(ports("vault", { injector: { enabled: "false" } }), []);
    assert.deepStrictEqual(ports("vault", { global: { enabled: false } }), []);
    assert.deepStrictEqual(ports("vault", { injector: { enabled: "-" }, global: { enabled: false } }), []);
    assert.deepStrictEqual(ports("vault", { injector: { enabled: true }, global: { enabled: false } }), [
      injector,
    ]);
  });

  it("cert-manager: webhook.config.securePort when set, else webhook.securePort (10250)", () => {
    assert.deepStrictEqual(ports("cert-manager", {}), ["the cert-manager webhook webhook.securePort=10250"]);
    assert.deepStrictEqual(ports("cert-manager", { webhook: { securePort: 10260 } }), [
      "the cert-manager webhook webhook.securePort=10260",
    ]);
    assert.deepStrictEqual(
      ports("cert-manager", { webhook: { securePort: 10260, config: { securePort: 10270 } } }),
      ["the cert-manager webhook webhook.config.securePort=10270"],
    );
    assert.deepStrictEqual(ports("cert-manager", { webhook: { config: { securePort: "x" } } }), [
      "the cert-manager webhook webhook.securePort=10250",
    ]);
  });

  it("kube-prometheus-stack: the operator's webhook (10250, 8080 without TLS), or a separate webhook deployment", () => {
    const what = "the prometheus-operator admission webhook";
    assert.deepStrictEqual(ports("kube-prometheus-stack", {}), [
      `${what} prometheusOperator.tls.internalPort=10250`,
    ]);
    assert.deepStrictEqual(
      ports("kube-prometheus-stack", { prometheusOperator: { tls: { internalPort: 10443 } } }),
      [`${what} prometheusOperator.tls.internalPort=10443`],
    );
    assert.deepStrictEqual(
      ports("kube-prometheus-stack", { prometheusOperator: { tls: { enabled: false } } }),
      [`${what} prometheusOperator.tls.enabled=8080`],
    );
    assert.deepStrictEqual(ports("kube-prometheus-stack", { prometheusOperator: { enabled: false } }), []);
    assert.deepStrictEqual(
      ports("kube-prometheus-stack", { prometheusOperator: { admissionWebhooks: { enabled: false } } }),
      [],
    );
    assert.deepStrictEqual(
      ports("kube-prometheus-stack", {
        prometheusOperator: { admissionWebhooks: { deployment: { enabled: true } }, tls: { enabled: false } },
      }),
      [`${what} prometheusOperator.admissionWebhooks.deployment.tls.internalPort=10250`],
    );
    assert.deepStrictEqual(
      ports("kube-prometheus-stack", {
        prometheusOperator: {
          admissionWebhooks: { deployment: { enabled: true, tls: { internalPort: 9443 } } },
        },
      }),
      [`${what} prometheusOperator.admissionWebhooks.deployment.tls.internalPort=9443`],
    );
    assert.deepStrictEqual(
      ports("kube-prometheus-stack", {
        prometheusOperator: { admissionWebhooks: { deployment: { enabled: false } } },
      }),
      [`${what} prometheusOperator.tls.internalPort=10250`],
    );
  });

  it("traefik: a webhook only with a Hub token and API management, on listenAddr's port (9943)", () => {
    const key = "the Traefik Hub admission webhook hub.apimanagement.admission.listenAddr";
    assert.deepStrictEqual(ports("traefik", {}), []);
    assert.deepStrictEqual(ports("traefik", { hub: { token: "t" } }), []);
    assert.deepStrictEqual(ports("traefik", { hub: { apimanagement: { enabled: true } } }), []);
    assert.deepStrictEqual(ports("traefik", { hub: { token: " ", apimanagement: { enabled: true } } }), []);
    assert.deepStrictEqual(ports("traefik", { hub: { token: "t", apimanagement: { enabled: true } } }), [
      `${key}=9943`,
    ]);
    assert.deepStrictEqual(
      ports("traefik", {
        hub: { token: "t", apimanagement: { enabled: true, admission: { listenAddr: "0.0.0.0:7443" } } },
      }),
      [`${key}=7443`],
    );
    assert.deepStrictEqual(
      ports("traefik", {
        hub: { token: "t", apimanagement: { enabled: true, admission: { listenAddr: "6443" } } },
      }),
      [`${key}=6443`],
    );
    assert.deepStrictEqual(
      ports("traefik", {
        hub: { token: "t", apimanagement: { enabled: true, admission: { listenAddr: "host:" } } },
      }),
      [`${key}=9943`],
    );
  });

  it("metrics-server: the APIService on containerPort (10250)", () => {
    assert.deepStrictEqual(ports("metrics-server", {}), [
      "the metrics-server APIService containerPort=10250",
    ]);
    assert.deepStrictEqual(ports("metrics-server", { containerPort: 4443 }), [
      "the metrics-server APIService containerPort=4443",
    ]);
  });
});
