/**
 * Typical provisioning durations (seconds) per resource type, the weights of the modeled deploy
 * critical path. Each entry says what the figure rests on:
 *   - "vendor": a figure the cloud/project states or its maintainers reported;
 *   - "observed": the typical range reported from real runs; a link shows a run log or what the
 *     provider waits for, not necessarily the figure;
 *   - "estimate": our estimate, with the reasoning (API calls that return at once, or a rollout).
 * What counts is what `pulumi up` waits for: the provider's create call plus its await logic
 * (cloud "ACTIVE"/"available" states, pulumi-kubernetes readiness, Helm's --wait).
 */

export type Basis = "vendor" | "observed" | "estimate";

export interface DurationEntry {
  /** Pulumi type token, e.g. "aws:eks/cluster:Cluster". */
  type: string;
  /** Only when this input has this value (Helm chart name — last path segment —, EKS add-on name). */
  when?: { input: "chart" | "addonName" | "createDuration"; equals: string };
  seconds: number;
  /** The typical range the figure is taken from. */
  range: string;
  basis: Basis;
  /** Where the figure comes from (URL and what it says, or the reasoning). */
  source: string;
}

/** Weight of a resource type that is not in the table (a stated default, not a guess per type). */
export const DEFAULT_SECONDS = 10;
/** Weight of a Helm release whose chart is not in the table. */
export const DEFAULT_HELM_SECONDS = 60;
/** Weight of a plain Kubernetes object not in the table: one API write, no await logic. */
export const DEFAULT_KUBERNETES_SECONDS = 1;

const HELM = "kubernetes:helm.sh/v3:Release";
const EKS_ADDON = "aws:eks/addon:Addon";

const EKS_ROADMAP = "https://github.com/aws/containers-roadmap/issues/1227";
const TF_EKS_LOG = "https://github.com/terraform-aws-modules/terraform-aws-eks/issues/2203";
const HELM_WAIT = "https://helm.sh/docs/helm/helm_install/";
const PULUMI_K8S_AWAIT = "https://www.pulumi.com/registry/packages/kubernetes/api-docs/apps/v1/deployment/";

/** An entry of our own estimate: the figure and the reasoning behind it, no outside source. */
function estimate(type: string, seconds: number, range: string, source: string): DurationEntry {
  return { type, seconds, range, basis: "estimate", source };
}

export const DURATIONS: DurationEntry[] = [
  // --- AWS / EKS -------------------------------------------------------------------------------
  {
    type: "aws:eks/cluster:Cluster",
    seconds: 600,
    range: "9–15 min",
    basis: "vendor",
    source: `${EKS_ROADMAP}: AWS reported creating "an EKS control plane in 9 minutes on an average" after its 2021 speed-up; users report 10–14 min`,
  },
  {
    type: "aws:eks/nodeGroup:NodeGroup",
    seconds: 240,
    range: "3–5 min",
    basis: "observed",
    source: `EC2 launch + kubelet join until the group is ACTIVE; typical of eksctl/Terraform runs (comments on ${EKS_ROADMAP} put control plane + nodes at ~14 min)`,
  },
  {
    type: EKS_ADDON,
    when: { input: "addonName", equals: "vpc-cni" },
    seconds: 30,
    range: "20–60 s",
    basis: "estimate",
    source: "DaemonSet; created before the node groups, so ACTIVE without waiting for pods",
  },
  {
    type: EKS_ADDON,
    when: { input: "addonName", equals: "kube-proxy" },
    seconds: 30,
    range: "20–60 s",
    basis: "estimate",
    source: "DaemonSet; created before the node groups, so ACTIVE without waiting for pods",
  },
  {
    type: EKS_ADDON,
    when: { input: "addonName", equals: "coredns" },
    seconds: 60,
    range: "30–90 s",
    basis: "estimate",
    source: "Deployment of 2 pods on the new nodes; the add-on turns ACTIVE once they are ready",
  },
  {
    type: EKS_ADDON,
    when: { input: "addonName", equals: "aws-ebs-csi-driver" },
    seconds: 90,
    range: "60–120 s",
    basis: "estimate",
    source: "controller Deployment + node DaemonSet (several images) must be ready before ACTIVE",
  },
  estimate(EKS_ADDON, 60, "30–90 s", "other EKS managed add-ons"),
  {
    type: "aws:ec2/natGateway:NatGateway",
    seconds: 120,
    range: "1–2 min",
    basis: "observed",
    source:
      "the provider waits for state `available` (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html); typically 1–2 min in Terraform/Pulumi logs",
  },
  {
    type: "aws:ec2/subnet:Subnet",
    seconds: 10,
    range: "5–10 s",
    basis: "observed",
    source: `${TF_EKS_LOG}: "aws_subnet.public[1]: Creation complete after 10s"`,
  },
  {
    type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    seconds: 1,
    range: "1 s",
    basis: "observed",
    source: `${TF_EKS_LOG}: "aws_route_table_association.public[0]: Creation complete after 1s"`,
  },
  estimate("aws:ec2/vpc:Vpc", 5, "2–10 s", "one API call + state poll"),
  estimate("aws:ec2/internetGateway:InternetGateway", 3, "1–5 s", "create + attach"),
  estimate("aws:ec2/routeTable:RouteTable", 3, "1–5 s", "one API call"),
  estimate("aws:ec2/route:Route", 3, "1–5 s", "one API call"),
  estimate("aws:ec2/eip:Eip", 2, "1–3 s", "one API call"),
  estimate("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", 3, "1–5 s", "adopt + revoke rules"),
  estimate("aws:ec2/launchTemplate:LaunchTemplate", 3, "1–5 s", "one API call"),
  estimate(
    "aws:iam/role:Role",
    3,
    "1–5 s",
    "one API call (the provider retries on IAM eventual consistency)",
  ),
  estimate("aws:iam/rolePolicy:RolePolicy", 2, "1–3 s", "one API call"),
  estimate("aws:iam/rolePolicyAttachment:RolePolicyAttachment", 2, "1–3 s", "one API call"),
  estimate("aws:iam/openIdConnectProvider:OpenIdConnectProvider", 2, "1–3 s", "one API call"),
  estimate("aws:kms/key:Key", 10, "5–15 s", "create + key policy + rotation"),
  estimate("aws:kms/alias:Alias", 2, "1–3 s", "one API call"),
  estimate("aws:cloudwatch/logGroup:LogGroup", 2, "1–3 s", "one API call"),
  estimate("aws:eks/accessEntry:AccessEntry", 5, "2–10 s", "EKS API call"),
  estimate("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", 5, "2–10 s", "EKS API call"),
  // --- Google Cloud / GKE ----------------------------------------------------------------------
  {
    type: "gcp:container/cluster:Cluster",
    seconds: 420,
    range: "5–8 min",
    basis: "observed",
    source:
      "regional control plane (the provider polls the long-running operation, https://cloud.google.com/kubernetes-engine/docs/how-to/creating-a-regional-cluster); typically 5–8 min, more when the default pool is created and removed",
  },
  {
    type: "gcp:container/nodePool:NodePool",
    seconds: 240,
    range: "3–5 min",
    basis: "observed",
    source: "managed instance groups in each zone + node registration; typical of Terraform/Pulumi runs",
  },
  estimate(
    "gcp:projects/service:Service",
    60,
    "30–90 s",
    "API enablement is a Service Usage long-running operation (instant when already enabled)",
  ),
  estimate("gcp:compute/network:Network", 30, "20–40 s", "Compute global operation"),
  estimate("gcp:compute/subnetwork:Subnetwork", 20, "10–30 s", "Compute regional operation"),
  estimate("gcp:compute/router:Router", 15, "10–20 s", "Compute operation"),
  estimate("gcp:compute/routerNat:RouterNat", 30, "20–40 s", "router patch operation"),
  estimate("gcp:kms/keyRing:KeyRing", 2, "1–3 s", "one API call"),
  estimate("gcp:kms/cryptoKey:CryptoKey", 3, "1–5 s", "one API call"),
  estimate("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", 10, "5–15 s", "IAM policy read-modify-write"),
  estimate("gcp:projects/iAMMember:IAMMember", 10, "5–15 s", "IAM policy read-modify-write"),
  estimate("gcp:serviceaccount/iAMMember:IAMMember", 10, "5–15 s", "IAM policy read-modify-write"),
  estimate("gcp:serviceaccount/account:Account", 5, "2–10 s", "one API call"),
  // --- Azure / AKS -----------------------------------------------------------------------------
  {
    type: "time:index/sleep:Sleep",
    when: { input: "createDuration", equals: "5m" },
    seconds: 300,
    range: "300 s",
    basis: "vendor",
    source:
      "the AKS deployer grant's propagation wait (createDuration 5m): Azure RBAC role assignments take up to five minutes to propagate (https://learn.microsoft.com/azure/aks/manage-azure-rbac)",
  },
  {
    type: "time:index/sleep:Sleep",
    when: { input: "createDuration", equals: "2m" },
    seconds: 120,
    range: "120 s",
    basis: "vendor",
    source:
      "the GKE service agent's IAM propagation wait (createDuration 2m): IAM changes typically propagate in 2 minutes (https://cloud.google.com/iam/docs/access-change-propagation)",
  },
  {
    type: "azure-native:containerservice:ManagedCluster",
    seconds: 480,
    range: "5–10 min",
    basis: "observed",
    source:
      "ARM long-running operation incl. the system pool (https://learn.microsoft.com/azure/aks/learn/quick-kubernetes-deploy-cli); typically 5–10 min",
  },
  {
    type: "azure-native:containerservice:AgentPool",
    seconds: 240,
    range: "3–5 min",
    basis: "observed",
    source: "VM scale set + node registration; typical of Terraform/Pulumi runs",
  },
  estimate("azure-native:keyvault:Vault", 60, "30–90 s", "ARM operation incl. DNS name registration"),
  estimate("azure-native:keyvault:Key", 5, "2–10 s", "one API call"),
  estimate("azure-native:resources:ResourceGroup", 3, "1–5 s", "one API call"),
  estimate("azure-native:network:VirtualNetwork", 10, "5–15 s", "ARM operation"),
  estimate("azure-native:network:Subnet", 10, "5–15 s", "ARM operation"),
  estimate("azure-native:managedidentity:UserAssignedIdentity", 5, "2–10 s", "one API call"),
  estimate("azure-native:managedidentity:FederatedIdentityCredential", 5, "2–10 s", "one API call"),
  estimate(
    "azure-native:authorization:RoleAssignment",
    10,
    "5–15 s",
    "one API call (+ principal replication retries)",
  ),
  // --- DigitalOcean / DOKS ---------------------------------------------------------------------
  {
    type: "digitalocean:index/kubernetesCluster:KubernetesCluster",
    seconds: 360,
    range: "4–7 min",
    basis: "observed",
    source:
      "the provider waits until the cluster and its default pool are running (https://docs.digitalocean.com/products/kubernetes/how-to/create-clusters/); typically ~5–6 min",
  },
  {
    type: "digitalocean:index/kubernetesNodePool:KubernetesNodePool",
    seconds: 180,
    range: "2–4 min",
    basis: "observed",
    source: "Droplets boot + join; typical of Terraform/Pulumi runs",
  },
  estimate("digitalocean:index/vpc:Vpc", 5, "2–10 s", "one API call"),
  // --- Helm releases (pulumi-kubernetes waits like `helm install --wait` unless skipAwait) -------
  {
    type: HELM,
    when: { input: "chart", equals: "kube-prometheus-stack" },
    seconds: 150,
    range: "2–3 min",
    basis: "observed",
    source: `CRDs, operator, Prometheus/Alertmanager StatefulSets with PVCs (volume provisioning), Grafana; --wait waits for all of it (${HELM_WAIT}); typically 2–3 min`,
  },
  {
    type: HELM,
    when: { input: "chart", equals: "cert-manager" },
    seconds: 60,
    range: "45–90 s",
    basis: "estimate",
    source:
      'three Deployments + the post-install startupapicheck Job (chart default timeout 1m) that --wait includes; https://cert-manager.io/docs/installation/verify/: the webhook "might take a little longer to successfully provision than the others"',
  },
  {
    type: HELM,
    when: { input: "chart", equals: "traefik" },
    seconds: 120,
    range: "1–3 min",
    basis: "observed",
    source: `--wait includes the LoadBalancer Service getting an address (${HELM_WAIT}): a cloud load balancer takes 1–3 min (AWS NLB ~2–3 min)`,
  },
  {
    type: HELM,
    when: { input: "chart", equals: "nginx-ingress" },
    seconds: 120,
    range: "1–3 min",
    basis: "observed",
    source: "as traefik: controller rollout + cloud load balancer",
  },
  {
    type: HELM,
    when: { input: "chart", equals: "vault" },
    seconds: 90,
    range: "1–2 min",
    basis: "estimate",
    source: "server pods (raft, OnDelete StatefulSet) + injector Deployment rollout",
  },
  {
    type: HELM,
    when: { input: "chart", equals: "metrics-server" },
    seconds: 45,
    range: "30–60 s",
    basis: "estimate",
    source: "one Deployment rollout",
  },
  {
    type: HELM,
    when: { input: "chart", equals: "cluster-autoscaler" },
    seconds: 45,
    range: "30–60 s",
    basis: "estimate",
    source: "one Deployment rollout",
  },
  // --- Kubernetes objects with await logic -----------------------------------------------------
  {
    type: "kubernetes:apps/v1:Deployment",
    seconds: 45,
    range: "30–60 s",
    basis: "observed",
    source: `pulumi-kubernetes waits until the Deployment is Available (${PULUMI_K8S_AWAIT}): image pull + readiness probes, typically 30–60 s`,
  },
  {
    type: "kubernetes:cert-manager.io/v1:Certificate",
    seconds: 30,
    range: "5–60 s",
    basis: "estimate",
    source:
      "annotated pulumi.com/waitFor condition=Ready; CA issuance takes seconds, ACME 30–60 s (https://cert-manager.io/docs/usage/certificate/)",
  },
  estimate(
    "kubernetes:cert-manager.io/v1:ClusterIssuer",
    5,
    "1–10 s",
    "waitFor Ready: CA issuers check their secret, ACME issuers register an account",
  ),
  {
    type: "kubernetes:core/v1:Service",
    seconds: 1,
    range: "1 s + endpoints",
    basis: "estimate",
    source:
      "pulumi-kubernetes waits for ready endpoints (core/v1/service.d.ts): modeled as an await edge to the Deployment it selects, not as a weight",
  },
  {
    type: "kubernetes:networking.k8s.io/v1:Ingress",
    seconds: 2,
    range: "1–5 s + controller",
    basis: "estimate",
    source:
      "pulumi-kubernetes waits for status.loadBalancer (networking/v1/ingress.d.ts): modeled as an await edge to the ingress controller release",
  },
  // --- Local / bookkeeping -----------------------------------------------------------------------
  estimate("random:index/randomPassword:RandomPassword", 0, "0 s", "computed by the engine, no API"),
];

/** Helm charts whose controller publishes Ingress status (an Ingress waits for them). */
export const INGRESS_CONTROLLER_CHARTS = ["traefik", "nginx-ingress"];

/** The chart name of a Helm release: the last path segment of its `chart` input. */
export function chartName(inputs: Record<string, unknown>): string {
  const chart = typeof inputs.chart === "string" ? inputs.chart : "";
  return chart.split("/").pop() ?? "";
}

export interface Weighted {
  type: string;
  custom: boolean;
  inputs: Record<string, unknown>;
}

/** The duration of one resource and the table entry it came from (undefined: a default applied). */
export function durationOf(
  r: Weighted,
  table: DurationEntry[] = DURATIONS,
): { seconds: number; entry?: DurationEntry; rule: string } {
  if (!r.custom) return { seconds: 0, rule: "component (no provisioning)" };
  if (r.type.startsWith("pulumi:providers:")) return { seconds: 0, rule: "provider (local configuration)" };
  const discriminator = (input: "chart" | "addonName" | "createDuration"): string =>
    input === "chart" ? chartName(r.inputs) : String(r.inputs[input] ?? "");
  const specific = table.find(
    (e) => e.type === r.type && e.when && discriminator(e.when.input) === e.when.equals,
  );
  const entry = specific ?? table.find((e) => e.type === r.type && !e.when);
  if (entry) return { seconds: entry.seconds, entry, rule: "table" };
  if (r.type === HELM) return { seconds: DEFAULT_HELM_SECONDS, rule: "default Helm release" };
  if (r.type.startsWith("kubernetes:"))
    return { seconds: DEFAULT_KUBERNETES_SECONDS, rule: "default Kubernetes object" };
  return { seconds: DEFAULT_SECONDS, rule: "default" };
}
