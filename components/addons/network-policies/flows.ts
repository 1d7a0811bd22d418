/**
 * The one table of network flows the platform's components need, per component and cluster target.
 * A flow names its two ends and its ports; ./build.ts turns every flow into the egress rule of its
 * source and the ingress rule of its destination where that end is a platform pod group (the
 * other ends — app pods, the cluster DNS, addresses outside the pod network — belong to someone
 * else's policy, or to none). Each namespace of an add-on starts from default deny.
 */
import type { ClusterTarget, WorkloadIdentity } from "../../cluster/types";
import { DEFAULT_RECEIVER_PORTS } from "../../shared/alerting";
import { IngressSettings, VaultSettings } from "../types";
import {
  CERT_MANAGER_PODS,
  CERT_MANAGER_PORTS,
  CLUSTER_AUTOSCALER_METRICS_PORT,
  CLUSTER_AUTOSCALER_PODS,
  EXTERNAL_DNS_METRICS_PORT,
  EXTERNAL_DNS_PODS,
  METRICS_SERVER_PODS,
  METRICS_SERVER_PORT,
  MONITORING_PODS,
  MONITORING_PORTS,
  PodGroup,
  VAULT_PODS,
  VAULT_PORTS,
  ingressControllerPods,
} from "./groups";
import { IDENTITY_ENDPOINTS, TARGET_NETWORK } from "./targets";

/**
 * Where a flow starts or ends.
 * - `pods`: a platform pod group (its namespace's policies are built here);
 * - `cluster-dns`: the DNS pods of kube-system (./targets.ts);
 * - `app-pods`: every pod of a namespace that is not the platform's (apps, and cert-manager's
 *   HTTP-01 solvers that run beside them);
 * - `all-pods`: every pod of the cluster;
 * - `outside`: an address outside the pod network — the API server, the control plane calling a
 *   webhook, clients behind the load balancer, nodes (kubelets, host-network pods), the internet —
 *   which a pod selector cannot name: any address, or `cidr` when the address is fixed.
 */
export type Endpoint =
  | { kind: "pods"; group: PodGroup }
  | { kind: "cluster-dns" }
  | { kind: "app-pods" }
  | { kind: "all-pods" }
  | { kind: "outside"; what: string; cidr?: string };

export interface FlowPort {
  port: number;
  protocol: "TCP" | "UDP";
}

export interface Flow {
  from: Endpoint;
  to: Endpoint;
  /** Empty: every port. */
  ports: FlowPort[];
  why: string;
}

/** What is installed, as the NetworkPolicies see it. */
export interface NetworkPolicyPlan {
  target: ClusterTarget;
  /**
   * The cluster's workload identity mechanism (absent where it has none): the pods that use it may
   * reach its link-local endpoints (./targets.ts IDENTITY_ENDPOINTS).
   */
  workloadIdentity?: WorkloadIdentity["mechanism"];
  ingress?: { controller: IngressSettings["controller"] };
  /**
   * `acme`: Let's Encrypt issuers exist (HTTP-01 through the ingress controller); `dns01`: the DNS-01
   * issuers exist, with `cloudIdentity` when their credentials are a workload identity.
   */
  certManager?: { acme: boolean; dns01?: { cloudIdentity: boolean } };
  /** external-dns runs; `cloudIdentity`: through a workload identity (else an API token). */
  externalDns?: { cloudIdentity: boolean };
  /** `cloudIdentity`: the servers auto-unseal with the cloud's KMS through a workload identity. */
  vault?: { mode: VaultSettings["mode"]; cloudIdentity: boolean };
  monitoring: boolean;
  /** The configured Alertmanager receivers' ports (AlertingSettings.receiverPorts; none without alerting). */
  receiverPorts: number[];
  metricsServer: boolean;
  clusterAutoscaler: boolean;
}

export const tcp = (...ports: number[]): FlowPort[] => ports.map((port) => ({ port, protocol: "TCP" }));
const pods = (group: PodGroup): Endpoint => ({ kind: "pods", group });
const outside = (what: string, cidr?: string): Endpoint => ({
  kind: "outside",
  what,
  ...(cidr ? { cidr } : {}),
});
const flow = (from: Endpoint, to: Endpoint, ports: FlowPort[], why: string): Flow => ({
  from,
  to,
  ports,
  why,
});

const DNS_PORTS: FlowPort[] = [
  { port: 53, protocol: "UDP" },
  { port: 53, protocol: "TCP" },
];

/** Name resolution and the API server: what nearly every platform pod needs. */
function dnsAndApi(target: ClusterTarget, group: PodGroup, api: string): Flow[] {
  return [
    flow(pods(group), { kind: "cluster-dns" }, DNS_PORTS, "name resolution"),
    flow(pods(group), outside("the API server"), tcp(...TARGET_NETWORK[target].apiServerPorts), api),
  ];
}

/** The ingress controller: clients in, routes out to the apps (and ACME solvers), metrics. */
export function ingressFlows(target: ClusterTarget, controller: IngressSettings["controller"]): Flow[] {
  const c = ingressControllerPods(controller);
  return [
    ...dnsAndApi(target, c.group, "watches Ingresses, Services, EndpointSlices and TLS Secrets"),
    // The Service's 80/443 reach these pod ports from the LoadBalancer (client addresses kept:
    // externalTrafficPolicy Local) or from any node's NodePort (SNAT to the node): any source.
    flow(
      outside("clients through the load balancer or node ports"),
      pods(c.group),
      tcp(c.http, c.https),
      "HTTP(S) from clients",
    ),
    // Backends are the Service endpoints of Ingresses in any app namespace, on the apps' own
    // ports (and cert-manager's HTTP-01 solver pods on 8089): every port.
    flow(pods(c.group), { kind: "app-pods" }, [], "routes to the apps' pods and the ACME HTTP-01 solvers"),
  ];
}

/** cert-manager: the API for everything, ACME over the internet, the webhook called by the control plane. */
export function certManagerFlows(
  target: ClusterTarget,
  acme: boolean,
  controller: IngressSettings["controller"] | undefined,
  dns01?: { cloudIdentity: boolean },
  mechanism?: WorkloadIdentity["mechanism"],
): Flow[] {
  const p = CERT_MANAGER_PODS;
  const ic = controller ? ingressControllerPods(controller) : undefined;
  // The HTTP-01 self check asks http://<host>/.well-known/… of the load balancer's address; from
  // inside the cluster kube-proxy short-circuits a LoadBalancer IP to the controller pods.
  const selfCheck = ic
    ? [flow(pods(p.controller), pods(ic.group), tcp(ic.http), "HTTP-01 self check (in-cluster path)")]
    : [];
  return [
    ...dnsAndApi(target, p.controller, "reconciles Certificates, Orders, Challenges, Secrets"),
    ...(acme
      ? [
          flow(
            pods(p.controller),
            outside("the ACME server"),
            tcp(443),
            "ACME (Let's Encrypt) directory, orders",
          ),
          // pkg/issuer/acme/http/http.go: the controller checks the challenge URL itself before
          // asking the ACME server to validate it.
          flow(pods(p.controller), outside("the load balancer"), tcp(80), "HTTP-01 self check"),
          ...selfCheck,
        ]
      : []),
    ...(dns01 ? dns01Flows(dns01.cloudIdentity ? mechanism : undefined) : []),
    ...dnsAndApi(target, p.webhook, "reads its serving CA Secret (dynamic serving)"),
    flow(outside("the control plane"), pods(p.webhook), tcp(CERT_MANAGER_PORTS.webhook), "admission webhook"),
    ...dnsAndApi(target, p.cainjector, "injects CA bundles into webhook configurations and CRDs"),
    // startupapicheck (post-install hook) asks the API server, which calls the webhook.
    ...dnsAndApi(target, p.hooks, "Helm hook Jobs (startupapicheck)"),
  ];
}

/**
 * The workload identity's endpoints beyond HTTPS (GKE's metadata server, the EKS Pod Identity agent),
 * for a pod with a cloud identity.
 */
function identityFlows(mechanism: WorkloadIdentity["mechanism"] | undefined, group: PodGroup): Flow[] {
  return (mechanism ? IDENTITY_ENDPOINTS[mechanism] : []).map((e) =>
    flow(pods(group), outside(e.what, e.cidr), tcp(e.port), "workload identity credentials"),
  );
}

/**
 * cert-manager's DNS-01: the ACME server and the DNS API over HTTPS, then its self check asks the
 * zone's authoritative name servers for the TXT record on port 53 (pkg/issuer/acme/dns/util/wait.go
 * of CHARTS.certManager: checkDNSPropagation queries each authoritative server at <ns>:53).
 */
function dns01Flows(mechanism: WorkloadIdentity["mechanism"] | undefined): Flow[] {
  const controller = CERT_MANAGER_PODS.controller;
  return [
    flow(
      pods(controller),
      outside("the ACME server and the DNS API"),
      tcp(443),
      "DNS-01 orders and TXT records",
    ),
    flow(pods(controller), outside("the zones' name servers"), DNS_PORTS, "DNS-01 propagation self check"),
    ...identityFlows(mechanism, controller),
  ];
}

/**
 * external-dns: the API (its sources), the DNS provider's API, its metrics scraped by Prometheus;
 * `mechanism`: its credentials are a workload identity's.
 */
export function externalDnsFlows(target: ClusterTarget, mechanism?: WorkloadIdentity["mechanism"]): Flow[] {
  const p = EXTERNAL_DNS_PODS;
  return [
    ...dnsAndApi(target, p, "watches Ingresses, Services, EndpointSlices, Pods and Nodes"),
    // Route 53, Cloud DNS, Azure Resource Manager, the DigitalOcean or Cloudflare API (and STS /
    // Entra ID for the workload identity): HTTPS endpoints a selector cannot name.
    flow(pods(p), outside("the DNS provider's API"), tcp(443), "reads and changes the zones' records"),
    ...identityFlows(mechanism, p),
  ];
}

/**
 * Vault: the servers (API, cluster port, KMS), the injector webhook, the setup Jobs; `mechanism`:
 * the servers auto-unseal through a workload identity.
 */
export function vaultFlows(
  target: ClusterTarget,
  mode: VaultSettings["mode"],
  mechanism?: WorkloadIdentity["mechanism"],
): Flow[] {
  const { server, injector, bootstrap, configure } = VAULT_PODS;
  return [
    // Kubernetes auth TokenReviews; in ha mode the service registration labels its own pod.
    ...dnsAndApi(target, server, "Kubernetes auth (TokenReview), service registration"),
    // Apps' Vault agents in every app namespace call the API; their egress is the app's policy.
    flow({ kind: "app-pods" }, pods(server), tcp(VAULT_PORTS.api), "Vault clients (agents of the apps)"),
    ...(mode === "ha"
      ? [
          // retry_join's leader_api_addr (:8200) and the Raft / request-forwarding cluster port.
          flow(
            pods(server),
            pods(server),
            tcp(VAULT_PORTS.api, VAULT_PORTS.cluster),
            "Raft join, replication and forwarding",
          ),
        ]
      : []),
    ...(mechanism
      ? [
          flow(pods(server), outside("the cloud KMS and token endpoints"), tcp(443), "auto-unseal"),
          ...identityFlows(mechanism, server),
        ]
      : []),
    // vault-k8s generates its TLS certificate and patches its webhook configuration's caBundle.
    ...dnsAndApi(target, injector, "webhook certificate and configuration, leader election"),
    flow(outside("the control plane"), pods(injector), tcp(VAULT_PORTS.injector), "agent injector webhook"),
    // The setup Jobs (vault/setup.ts, the program in vault/setup/kube.js and vault.js): the
    // bootstrap initialises Vault (vault-0 through the headless Service, then the active server)
    // and writes the shares Secret; configure calls Vault only (its login is reviewed by Vault).
    ...dnsAndApi(target, bootstrap, "the shares Secret, the break-glass Secret, Vault's CA certificate"),
    flow(
      pods(bootstrap),
      pods(server),
      tcp(VAULT_PORTS.api),
      "initialises Vault, sets up its Kubernetes auth",
    ),
    flow(pods(configure), { kind: "cluster-dns" }, DNS_PORTS, "name resolution"),
    flow(pods(configure), pods(server), tcp(VAULT_PORTS.api), "applies the configuration"),
  ];
}

/** Prometheus' scrapes of one add-on's metrics port (the destination's side; Prometheus may reach every pod). */
const scrape = (group: PodGroup, ...ports: number[]): Flow =>
  flow(pods(MONITORING_PODS.prometheus), pods(group), tcp(...ports), "metrics scrape");

/** The monitoring stack, and Prometheus' scrapes of the other add-ons installed with it. */
export function monitoringFlows(plan: NetworkPolicyPlan): Flow[] {
  const { target } = plan;
  const m = MONITORING_PODS;
  const p = MONITORING_PORTS;
  const ic = plan.ingress ? ingressControllerPods(plan.ingress.controller) : undefined;
  const others: Flow[] = [
    ...(ic ? [scrape(ic.group, ic.metrics)] : []),
    ...(plan.certManager
      ? [CERT_MANAGER_PODS.controller, CERT_MANAGER_PODS.webhook, CERT_MANAGER_PODS.cainjector].map((g) =>
          scrape(g, CERT_MANAGER_PORTS.metrics),
        )
      : []),
    ...(plan.clusterAutoscaler ? [scrape(CLUSTER_AUTOSCALER_PODS, CLUSTER_AUTOSCALER_METRICS_PORT)] : []),
    ...(plan.externalDns ? [scrape(EXTERNAL_DNS_PODS, EXTERNAL_DNS_METRICS_PORT)] : []),
  ];
  return [
    ...dnsAndApi(target, m.prometheus, "Kubernetes service discovery, the API server's metrics"),
    // ServiceMonitors and PodMonitors in every namespace are selected (monitoring.ts
    // SELECT_EVERYTHING): any pod on any port; the destinations' policies decide.
    flow(pods(m.prometheus), { kind: "all-pods" }, [], "scrapes of every ServiceMonitor/PodMonitor"),
    // Kubelets (metrics, cAdvisor, probes) and node-exporter listen on the nodes' addresses.
    flow(
      pods(m.prometheus),
      outside("the nodes"),
      tcp(10250, p.nodeExporter),
      "kubelet and node-exporter scrapes",
    ),
    scrape(m.prometheus, p.prometheus, p.reloader),
    scrape(m.alertmanager, p.alertmanager, p.reloader),
    scrape(m.grafana, p.grafana),
    scrape(m.kubeStateMetrics, p.kubeStateMetrics),
    scrape(m.operator, p.operator),
    // node-exporter runs on the host network: NetworkPolicies do not apply to such pods on most
    // implementations (Kubernetes "Network Policies", hostNetwork pods); where one does, this rule
    // lets Prometheus in, and the egress above already allows the node address.
    scrape(m.nodeExporter, p.nodeExporter),
    ...others,
    flow(pods(m.prometheus), pods(m.alertmanager), tcp(p.alertmanager), "alerts"),
    // Receivers: Slack, PagerDuty and webhooks over HTTPS, e-mail over SMTP (25, 465, 587).
    flow(pods(m.alertmanager), { kind: "cluster-dns" }, DNS_PORTS, "name resolution"),
    flow(
      pods(m.alertmanager),
      outside("the receivers"),
      tcp(...new Set([...DEFAULT_RECEIVER_PORTS, ...plan.receiverPorts])),
      "notifications",
    ),
    flow(
      pods(m.alertmanager),
      pods(m.alertmanager),
      [...tcp(p.alertmanagerMesh), { port: p.alertmanagerMesh, protocol: "UDP" }],
      "cluster gossip",
    ),
    // Dashboards and datasources come from ConfigMaps its sidecars watch.
    ...dnsAndApi(target, m.grafana, "dashboard and datasource sidecars"),
    flow(pods(m.grafana), pods(m.prometheus), tcp(p.prometheus), "Prometheus datasource"),
    flow(pods(m.grafana), pods(m.alertmanager), tcp(p.alertmanager), "Alertmanager datasource"),
    ...dnsAndApi(target, m.kubeStateMetrics, "lists and watches every object it reports"),
    ...dnsAndApi(target, m.operator, "reconciles Prometheus, Alertmanager and their monitors"),
    flow(outside("the control plane"), pods(m.operator), tcp(p.operator), "admission webhook"),
    ...dnsAndApi(target, m.hooks, "Helm hook Jobs (CRD upgrade, admission create/patch)"),
  ];
}

export function metricsServerFlows(target: ClusterTarget): Flow[] {
  return [
    ...dnsAndApi(target, METRICS_SERVER_PODS, "nodes and pods to report, TokenReview/SubjectAccessReview"),
    flow(pods(METRICS_SERVER_PODS), outside("the nodes' kubelets"), tcp(10250), "kubelet resource metrics"),
    flow(
      outside("the control plane"),
      pods(METRICS_SERVER_PODS),
      tcp(METRICS_SERVER_PORT),
      "the metrics.k8s.io APIService",
    ),
  ];
}

/** cluster-autoscaler, always through the cluster's workload identity (`mechanism`). */
export function clusterAutoscalerFlows(
  target: ClusterTarget,
  mechanism?: WorkloadIdentity["mechanism"],
): Flow[] {
  return [
    ...dnsAndApi(target, CLUSTER_AUTOSCALER_PODS, "pending pods, nodes, leader election"),
    // EC2 Auto Scaling, EC2 and STS (IRSA) regional endpoints.
    flow(pods(CLUSTER_AUTOSCALER_PODS), outside("the cloud API"), tcp(443), "scales the node groups"),
    ...identityFlows(mechanism, CLUSTER_AUTOSCALER_PODS),
  ];
}

/** Every flow of what `plan` installs. */
export function platformFlows(plan: NetworkPolicyPlan): Flow[] {
  const t = plan.target;
  const id = plan.workloadIdentity;
  const when = (cloudIdentity: boolean) => (cloudIdentity ? id : undefined);
  return [
    ...(plan.ingress ? ingressFlows(t, plan.ingress.controller) : []),
    ...(plan.certManager
      ? certManagerFlows(t, plan.certManager.acme, plan.ingress?.controller, plan.certManager.dns01, id)
      : []),
    ...(plan.vault ? vaultFlows(t, plan.vault.mode, when(plan.vault.cloudIdentity)) : []),
    ...(plan.monitoring ? monitoringFlows(plan) : []),
    ...(plan.metricsServer ? metricsServerFlows(t) : []),
    ...(plan.clusterAutoscaler ? clusterAutoscalerFlows(t, id) : []),
    ...(plan.externalDns ? externalDnsFlows(t, when(plan.externalDns.cloudIdentity)) : []),
  ];
}
