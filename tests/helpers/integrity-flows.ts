/**
 * The flow tables the platform's NetworkPolicies are proved against (tests/network-policies.test.ts):
 * per target the addresses outside the pod network, the flows every stack derives from its own
 * objects (DNS, the API server, each ServiceMonitor's scrape, each webhook), the flows each target's
 * stack needs besides, and the flows that must be refused. Sites name pods by the labels the charts
 * give them (objects.json), so a table row that selects nothing fails as such.
 */
import type { ClusterTarget } from "../../components/cluster/types";
import { ADDON_NAMESPACES } from "../../components/addons/namespaces";
import * as assert from "node:assert/strict";
import { runProgram } from "../../offline/mocks";
import { exampleConfig } from "../../offline/stacks";
import { StackView, inventoryOf, stackViewOf } from "./integrity";
import {
  FlowCase,
  Site,
  flowName,
  flowRefusals,
  groupSite,
  scrapeFlows,
  webhookFlows,
} from "./integrity-reach";

type Obj = Record<string, unknown>;

/* ---------------------------------------------------------------------------------------------- */
/* Where the flows start and end, per target.                                                      */
/* ---------------------------------------------------------------------------------------------- */

export const at = (namespace: string, matchLabels: Record<string, string>): Site => ({
  namespace,
  pods: { matchLabels },
});
export const address = (what: string, ip: string): Site => ({ address: ip, what });

/**
 * Addresses outside the pod network, per target: the API server as the pods' packets reach it
 * (EKS endpoint ENIs in the VPC, GKE's control-plane range, AKS/DOKS managed endpoints, kind's
 * control-plane node on 6443 after the `kubernetes` Service's translation) and a node.
 */
export const OUTSIDE: Record<
  ClusterTarget,
  { api: Site; apiPorts: number[]; controlPlane: Site; node: Site }
> = {
  eks: {
    api: address("EKS endpoint", "10.0.64.10"),
    apiPorts: [443],
    controlPlane: address("EKS control plane", "10.0.64.11"),
    node: address("node", "10.0.1.23"),
  },
  gke: {
    api: address("GKE endpoint", "172.16.0.2"),
    apiPorts: [443],
    controlPlane: address("GKE control plane", "172.16.0.2"),
    node: address("node", "10.10.0.5"),
  },
  aks: {
    api: address("AKS endpoint", "20.50.1.2"),
    apiPorts: [443],
    controlPlane: address("AKS control plane (konnectivity)", "10.224.0.200"),
    node: address("node", "10.224.0.4"),
  },
  doks: {
    api: address("DOKS endpoint", "203.0.113.10"),
    apiPorts: [443],
    controlPlane: address("DOKS control plane", "203.0.113.11"),
    node: address("node", "10.110.0.3"),
  },
  existing: {
    api: address("kind control-plane node", "172.18.0.2"),
    apiPorts: [6443, 443],
    controlPlane: address("kind control-plane node", "172.18.0.2"),
    node: address("kind node", "172.18.0.3"),
  },
};
export const CLIENT = address("a client on the internet", "198.51.100.7");
export const ACME = address("acme-v02.api.letsencrypt.org", "198.51.100.80");
export const LOAD_BALANCER = address("the load balancer", "192.0.2.40");
export const RECEIVER = address("hooks.slack.com", "198.51.100.90");
export const CLOUD_API = address("the cloud's KMS / autoscaling API", "198.51.100.100");
export const DNS_API = address("the DNS provider's API", "198.51.100.110");
export const NAME_SERVER = address("an authoritative name server of the zone", "198.51.100.53");

export const PROMETHEUS = at("monitoring", { "app.kubernetes.io/name": "prometheus" });
export const ALERTMANAGER = at("monitoring", { "app.kubernetes.io/name": "alertmanager" });
export const GRAFANA = at("monitoring", { "app.kubernetes.io/name": "grafana" });
export const KSM = at("monitoring", { "app.kubernetes.io/name": "kube-state-metrics" });
export const TRAEFIK = at("ingress", { "app.kubernetes.io/name": "traefik" });
export const NGINX = at("ingress", { "app.kubernetes.io/name": "nginx-ingress" });
export const CM_CONTROLLER = at("cert-manager", { "app.kubernetes.io/component": "controller" });
export const CM_WEBHOOK = at("cert-manager", { "app.kubernetes.io/component": "webhook" });
export const VAULT_SERVER = at("vault", { "app.kubernetes.io/name": "vault", component: "server" });
/** The platform's Vault setup Jobs (components/addons/vault/setup.ts), in their own namespace. */
export const VAULT_BOOTSTRAP = at("vault-setup", {
  "app.kubernetes.io/name": "kube-platform-vault-setup",
  "app.kubernetes.io/component": "bootstrap",
});
export const VAULT_CONFIGURE = at("vault-setup", {
  "app.kubernetes.io/name": "kube-platform-vault-setup",
  "app.kubernetes.io/component": "configure",
});
export const METRICS_SERVER = at("metrics-server", { "app.kubernetes.io/name": "metrics-server" });
export const EXTERNAL_DNS = at("external-dns", { "app.kubernetes.io/name": "external-dns" });
export const AUTOSCALER = at("cluster-autoscaler", { "app.kubernetes.io/name": "aws-cluster-autoscaler" });
export const HELLO = at("hello", { "app.kubernetes.io/name": "hello" });
export const SOLVER = at("hello", { "acme.cert-manager.io/http01-solver": "true" });
export const KUBE_DNS = at("kube-system", { "k8s-app": "kube-dns" });

export const flow = (
  from: Site,
  to: Site,
  port: number,
  why: string,
  protocol: "TCP" | "UDP" = "TCP",
): FlowCase => ({
  from,
  to,
  port,
  protocol,
  why,
});

/** What an example stack installs (read from its view, so the table follows the stack). */
export function installed(view: StackView) {
  const release = (name: string) => view.releases.find((r) => r.name === name);
  const vault = release("vault");
  return {
    controller: release("traefik")
      ? ("traefik" as const)
      : release("nginx-ingress")
        ? ("nginx" as const)
        : undefined,
    acme: view.objects.some((o) => o.kind === "ClusterIssuer" && o.metadata?.name === "letsencrypt-prod"),
    vault: vault !== undefined,
    vaultHa: vault !== undefined && ((vault.values.server as Obj).ha as Obj).enabled === true,
    // EKS, GKE and AKS give Vault a KMS key and a workload identity (auto-unseal).
    kms: vault !== undefined && ["eks", "gke", "aks"].includes(view.target),
    metricsServer: release("metrics-server") !== undefined,
    externalDns: release("external-dns") !== undefined,
    dns01: view.objects.some(
      (o) => o.kind === "ClusterIssuer" && o.metadata?.name === "letsencrypt-prod-dns01",
    ),
    autoscaler: release("cluster-autoscaler") !== undefined,
  };
}

/** The flows each target's stack needs that the derived ones (DNS, API, scrapes, webhooks) do not cover. */
export function requiredFlows(view: StackView): FlowCase[] {
  const o = OUTSIDE[view.target];
  const i = installed(view);
  const controller =
    i.controller === "nginx"
      ? { pods: NGINX, http: 80, https: 443 }
      : { pods: TRAEFIK, http: 8000, https: 8443 };
  return [
    flow(CLIENT, controller.pods, controller.http, "HTTP from clients"),
    flow(CLIENT, controller.pods, controller.https, "HTTPS from clients"),
    flow(controller.pods, HELLO, 8080, "the app's backend"),
    ...(i.acme
      ? [
          flow(controller.pods, SOLVER, 8089, "ACME HTTP-01 solver"),
          flow(CM_CONTROLLER, ACME, 443, "ACME orders"),
          flow(CM_CONTROLLER, LOAD_BALANCER, 80, "HTTP-01 self check"),
          flow(CM_CONTROLLER, controller.pods, controller.http, "HTTP-01 self check, in-cluster"),
        ]
      : []),
    ...(i.vaultHa
      ? [
          flow(VAULT_SERVER, VAULT_SERVER, 8201, "Raft"),
          flow(VAULT_SERVER, VAULT_SERVER, 8200, "retry_join leader API"),
        ]
      : []),
    ...(i.kms ? [flow(VAULT_SERVER, CLOUD_API, 443, "auto-unseal KMS")] : []),
    ...(i.vault
      ? [
          flow(VAULT_BOOTSTRAP, VAULT_SERVER, 8200, "the bootstrap Job initialises Vault"),
          flow(VAULT_CONFIGURE, VAULT_SERVER, 8200, "the configure Job applies the configuration"),
        ]
      : []),
    ...(i.kms && view.target === "gke"
      ? [
          flow(
            VAULT_SERVER,
            address("GKE metadata server", "169.254.169.254"),
            80,
            "Workload Identity token",
          ),
          flow(
            VAULT_SERVER,
            address("GKE metadata server", "169.254.169.252"),
            988,
            "Workload Identity token",
          ),
        ]
      : []),
    ...(i.kms ? podIdentityFlows(view, VAULT_SERVER, "Vault auto-unseal") : []),
    ...(i.metricsServer ? [flow(METRICS_SERVER, o.node, 10250, "kubelet resource metrics")] : []),
    ...(i.externalDns ? dnsClientFlows(view, EXTERNAL_DNS, "external-dns") : []),
    ...(i.dns01
      ? [
          flow(CM_CONTROLLER, ACME, 443, "ACME orders (DNS-01)"),
          ...dnsClientFlows(view, CM_CONTROLLER, "DNS-01"),
          flow(CM_CONTROLLER, NAME_SERVER, 53, "DNS-01 propagation check", "UDP"),
          flow(CM_CONTROLLER, NAME_SERVER, 53, "DNS-01 propagation check"),
        ]
      : []),
    ...(i.autoscaler
      ? [
          flow(AUTOSCALER, CLOUD_API, 443, "EC2 Auto Scaling API"),
          ...podIdentityFlows(view, AUTOSCALER, "cluster-autoscaler"),
        ]
      : []),
    flow(GRAFANA, PROMETHEUS, 9090, "Prometheus datasource"),
    flow(GRAFANA, ALERTMANAGER, 9093, "Alertmanager datasource"),
    flow(PROMETHEUS, ALERTMANAGER, 9093, "alerts"),
    flow(ALERTMANAGER, ALERTMANAGER, 9094, "gossip"),
    flow(ALERTMANAGER, ALERTMANAGER, 9094, "gossip", "UDP"),
    flow(ALERTMANAGER, RECEIVER, 443, "Slack receiver"),
    flow(ALERTMANAGER, address("smtp.example.com", "198.51.100.25"), 587, "e-mail receiver"),
    // Selector-less scrape targets: the kubelets and the API server; node-exporter on the host network.
    flow(PROMETHEUS, o.node, 10250, "kubelet and cAdvisor"),
    flow(PROMETHEUS, o.node, 9100, "node-exporter (host network)"),
    ...o.apiPorts.map((port) => flow(PROMETHEUS, o.api, port, "the API server's metrics")),
  ];
}

/**
 * On EKS, a pod with a cloud identity gets its credentials from the node's Pod Identity agent (the EKS
 * example stacks use the default, cluster.workloadIdentity podIdentity).
 */
function podIdentityFlows(view: StackView, client: Site, what: string): FlowCase[] {
  return view.target === "eks"
    ? [flow(client, address("EKS Pod Identity agent", "169.254.170.23"), 80, `${what}: Pod Identity`)]
    : [];
}

/** A DNS client's calls: the provider's API, and on GKE its Workload Identity tokens from the metadata server. */
function dnsClientFlows(view: StackView, client: Site, what: string): FlowCase[] {
  return [
    flow(client, DNS_API, 443, `${what}: the zones' records`),
    ...podIdentityFlows(view, client, what),
    ...(view.target === "gke"
      ? [
          flow(client, address("GKE metadata server", "169.254.169.254"), 80, `${what}: Workload Identity`),
          flow(client, address("GKE metadata server", "169.254.169.252"), 988, `${what}: Workload Identity`),
        ]
      : []),
  ];
}

/** Flows that must be refused at one end at least. */
export function deniedFlows(view: StackView): FlowCase[] {
  const i = installed(view);
  const controller = i.controller === "nginx" ? NGINX : TRAEFIK;
  return [
    flow(HELLO, VAULT_SERVER, 8201, "an app on Vault's cluster port"),
    flow(PROMETHEUS, VAULT_SERVER, 8201, "a platform pod on Vault's cluster port"),
    flow(HELLO, PROMETHEUS, 9090, "an app querying Prometheus"),
    flow(HELLO, ALERTMANAGER, 9093, "an app on Alertmanager"),
    flow(HELLO, GRAFANA, 3000, "an app on Grafana"),
    flow(HELLO, KSM, 8080, "an app on kube-state-metrics"),
    flow(CLIENT, PROMETHEUS, 9090, "the internet on Prometheus"),
    flow(CLIENT, GRAFANA, 3000, "the internet on Grafana"),
    flow(CLIENT, VAULT_SERVER, 8200, "the internet on Vault"),
    flow(controller, VAULT_SERVER, 8200, "the ingress controller on Vault"),
    flow(controller, PROMETHEUS, 9090, "the ingress controller on Prometheus"),
    flow(CM_CONTROLLER, VAULT_SERVER, 8200, "cert-manager on Vault"),
    flow(GRAFANA, KSM, 8080, "Grafana on kube-state-metrics"),
    flow(ALERTMANAGER, PROMETHEUS, 9090, "Alertmanager on Prometheus"),
    flow(CLIENT, CM_CONTROLLER, 9402, "the internet on cert-manager's metrics"),
    ...(i.metricsServer ? [flow(METRICS_SERVER, VAULT_SERVER, 8200, "metrics-server on Vault")] : []),
    ...(i.externalDns
      ? [
          flow(HELLO, EXTERNAL_DNS, 7979, "an app on external-dns"),
          flow(CLIENT, EXTERNAL_DNS, 7979, "the internet on external-dns"),
          flow(EXTERNAL_DNS, VAULT_SERVER, 8200, "external-dns on Vault"),
        ]
      : []),
    ...(i.vault
      ? [
          ...OUTSIDE[view.target].apiPorts.map((port) =>
            flow(VAULT_CONFIGURE, OUTSIDE[view.target].api, port, "the configure Job on the API server"),
          ),
          flow(VAULT_BOOTSTRAP, VAULT_SERVER, 8201, "a setup Job on Vault's cluster port"),
          flow(VAULT_BOOTSTRAP, HELLO, 8080, "a setup Job on an app"),
          flow(VAULT_CONFIGURE, PROMETHEUS, 9090, "a setup Job on Prometheus"),
          flow(VAULT_CONFIGURE, CLIENT, 443, "a setup Job on the internet"),
        ]
      : []),
    ...(i.autoscaler ? [flow(AUTOSCALER, PROMETHEUS, 9090, "cluster-autoscaler on Prometheus")] : []),
  ];
}

/** Every platform pod (host-network node-exporter aside) resolves names; all but Alertmanager and Vault's configure Job reach the API. */
export function derivedFlows(view: StackView): FlowCase[] {
  const inv = inventoryOf(view);
  const o = OUTSIDE[view.target];
  const platformPods = inv.pods.filter(
    (p) => ADDON_NAMESPACES.includes(p.namespace) && p.namespace !== "monitoring-node-exporter",
  );
  // Alertmanager and Vault's configure Job (it calls Vault only) never call the API server.
  const needsApi = platformPods.filter(
    (p) =>
      p.labels["app.kubernetes.io/name"] !== "alertmanager" &&
      !(
        p.labels["app.kubernetes.io/name"] === "kube-platform-vault-setup" &&
        p.labels["app.kubernetes.io/component"] === "configure"
      ),
  );
  return [
    ...platformPods.flatMap((p) => [
      flow(groupSite(p), KUBE_DNS, 53, `DNS of ${p.owner}`, "UDP"),
      flow(groupSite(p), KUBE_DNS, 53, `DNS of ${p.owner}`),
    ]),
    ...needsApi.flatMap((p) =>
      o.apiPorts.map((port) => flow(groupSite(p), o.api, port, `API of ${p.owner}`)),
    ),
    ...scrapeFlows(inv, PROMETHEUS).flows,
    ...webhookFlows(inv, view, o.controlPlane),
  ];
}

export const refusedOf = (view: StackView, flows: FlowCase[]) => {
  const inv = inventoryOf(view);
  return flows.flatMap((f) => {
    const r = flowRefusals(inv, f);
    return r.length ? [`${flowName(f)}: ${r.join("; ")}`] : [];
  });
};
export const allowedOf = (view: StackView, flows: FlowCase[]) => {
  const inv = inventoryOf(view);
  return flows.filter((f) => flowRefusals(inv, f).length === 0).map(flowName);
};

/** A stack view without the platform namespaces' policies (the program before this change). */
export function withoutPlatformPolicies(view: StackView): StackView {
  const ours = (o: StackView["objects"][number]) =>
    o.kind === "NetworkPolicy" &&
    ADDON_NAMESPACES.includes(o.metadata?.namespace ?? "") &&
    /^(default-deny|allow-)/.test(o.metadata?.name ?? "");
  return { ...view, objects: view.objects.filter((o) => !ours(o)) };
}

export async function withConfig(stack: string, change: (cfg: Obj) => void): Promise<StackView> {
  const cfg = exampleConfig(stack);
  change(cfg);
  return stackViewOf(await runProgram(cfg, stack));
}

/** The view with one platform policy's spec changed (or the policy removed). */
export function changePolicy(
  view: StackView,
  namespace: string,
  name: string,
  change?: (spec: Obj) => void,
): StackView {
  const objects = structuredClone(view.objects).filter(
    (o) =>
      change ||
      !(o.kind === "NetworkPolicy" && o.metadata?.namespace === namespace && o.metadata?.name === name),
  );
  const target = objects.find(
    (o) => o.kind === "NetworkPolicy" && o.metadata?.namespace === namespace && o.metadata?.name === name,
  );
  assert.ok(change === undefined || target, `${namespace}/${name} exists`);
  if (change && target?.spec) change(target.spec);
  return { ...view, objects };
}
