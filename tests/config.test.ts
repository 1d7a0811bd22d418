import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_MACHINE_TYPES, PROFILE_DEFAULTS, parseConfig } from "../stacks/config";
import { cidrContains, cidrsOverlap, formatPath, parseCidr } from "../stacks/validation";
import { EXAMPLE_STACKS, SAMPLE_KUBECONFIG, loadStackConfig } from "../offline/stacks";
import { problemsOf as problemsIn } from "./helpers/config-problems";
import { VAULT_INIT, exampleForParse } from "./helpers/vault-fixtures";

const ctx = { project: "kube-platform", stack: "dev" };

/** A valid app spec (podinfo). */
const APP = { name: "hello", image: "ghcr.io/stefanprodan/podinfo:6.9.1", port: 8080 };

/** The prod profile needs an ACME e-mail for its default Let's Encrypt issuer. */
// ha mode (prod's default) needs Vault's key holders.
const PROD = {
  profile: "prod",
  addons: { certManager: { email: "platform@kube-platform.dev" }, vault: { init: VAULT_INIT } },
};

const valid: Record<string, Record<string, unknown>> = {
  eks: { target: "eks", region: "eu-west-1", publicAccessCidrs: ["198.18.0.0/24"] },
  gke: {
    target: "gke",
    project: "my-project-1",
    region: "europe-west1",
    masterAuthorizedNetworks: [{ name: "office", cidr: "198.18.0.0/24" }],
  },
  aks: {
    target: "aks",
    location: "westeurope",
    adminGroupObjectIds: ["00000000-0000-0000-0000-000000000001"],
  },
  doks: { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] },
};

const problemsOf = (raw: Record<string, unknown>, c = ctx): string[] => problemsIn(raw, c);

/** [description, raw config, patterns that the single problem must match (key, value, allowed)] */
type BadCase = [string, Record<string, unknown>, RegExp[]];

const bad: BadCase[] = [
  [
    "unknown profile",
    { profile: "staging", cluster: valid.doks },
    [/^profile:/, /"staging"/, /"dev" \| "prod"/],
  ],
  ["profile of wrong type", { profile: 3, cluster: valid.doks }, [/^profile:/, /3/, /"dev" \| "prod"/]],
  ["missing cluster", { profile: "dev" }, [/^cluster: is required/, /object/]],
  ["cluster not an object", { cluster: "eks" }, [/^cluster:/, /"eks"/, /expected object/]],
  [
    "unknown target",
    { cluster: { target: "ecs", region: "eu-west-1" } },
    [/^cluster\.target:/, /"ecs"/, /"eks" \| "gke" \| "aks" \| "doks" \| "existing"/],
  ],
  [
    "unknown top-level key",
    { cluster: valid.doks, clsuter: {} },
    [
      /^clsuter: unknown key/,
      /allowed keys here: addons, apps, cluster, cost, kubeconfig, profile, secrets, tags, waivers/,
    ],
  ],
  [
    "unknown cluster key",
    { cluster: { ...valid.doks, regoin: "ams3" } },
    [/^cluster\.regoin: unknown key/, /allowed keys here: .*region/],
  ],
  [
    "unknown node pool key",
    { cluster: { ...valid.doks, nodePools: [{ name: "a", size: "s-2vcpu-4gb" }] } },
    [/^cluster\.nodePools\[0\]\.size: unknown key/, /machineType/],
  ],
  [
    "min > max nodes",
    { cluster: { ...valid.eks, nodePools: [{ name: "a", minNodes: 5, maxNodes: 3 }] } },
    [/^cluster\.nodePools\[0\]\.minNodes:/, /got 5/, /≤ maxNodes \(3\)/],
  ],
  [
    "zero max nodes",
    { cluster: { ...valid.gke, nodePools: [{ name: "a", minNodes: 0, maxNodes: 0 }] } },
    [/maxNodes:/, /got 0/, /≥ 1/],
  ],
  [
    "negative min nodes",
    { cluster: { ...valid.gke, nodePools: [{ name: "a", minNodes: -1 }] } },
    [/minNodes:/, /got -1/, /≥ 0/],
  ],
  [
    "fractional node count",
    { cluster: { ...valid.gke, nodePools: [{ name: "a", maxNodes: 2.5 }] } },
    [/maxNodes:/, /got 2.5/, /int/],
  ],
  [
    "disk too small",
    { cluster: { ...valid.eks, nodePools: [{ name: "a", diskSizeGb: 0 }] } },
    [/diskSizeGb:/, /got 0/, /≥ 20/],
  ],
  [
    "node count as string",
    { cluster: { ...valid.eks, nodePools: [{ name: "a", minNodes: "2" }] } },
    [/minNodes:/, /"2"/, /expected number/],
  ],
  [
    "empty node pool list",
    { cluster: { ...valid.doks, nodePools: [] } },
    [/^cluster\.nodePools:/, /\[\]/, /at least 1/],
  ],
  [
    "duplicate node pool names",
    { cluster: { ...valid.doks, nodePools: [{ name: "a" }, { name: "a" }] } },
    [/^cluster\.nodePools\[1\]\.name:/, /"a"/, /duplicates/],
  ],
  [
    "node pool name not DNS-1123",
    { cluster: { ...valid.eks, nodePools: [{ name: "Web_Pool" }] } },
    [/name:/, /"Web_Pool"/, /DNS-1123/],
  ],
  [
    "AKS pool name with a dash",
    { cluster: { ...valid.aks, nodePools: [{ name: "user-1" }] } },
    [/nodePools\[0\]\.name:/, /"user-1"/, /AKS pool name/],
  ],
  [
    "malformed taint",
    { cluster: { ...valid.eks, nodePools: [{ name: "a", taints: ["gpu:NoSchedule"] }] } },
    [/taints\[0\]:/, /"gpu:NoSchedule"/, /key=value:Effect/],
  ],
  [
    "malformed Kubernetes version",
    { cluster: { ...valid.eks, kubernetesVersion: "v1.34.2" } },
    [/^cluster\.kubernetesVersion:/, /"v1\.34\.2"/, /like "1\.34"/],
  ],
  [
    "Kubernetes version as number",
    { cluster: { ...valid.eks, kubernetesVersion: 1.34 } },
    [/kubernetesVersion:/, /1\.34/, /expected string/],
  ],
  [
    "unsupported Kubernetes version",
    { cluster: { ...valid.gke, kubernetesVersion: "1.27" } },
    [/kubernetesVersion:/, /"1\.27"/, /1\.32 or newer/],
  ],
  [
    "AWS region malformed",
    { cluster: { ...valid.eks, region: "eu-west" } },
    [/^cluster\.region:/, /"eu-west"/, /like "eu-west-1"/],
  ],
  [
    "GCP region given as zone",
    { cluster: { ...valid.gke, region: "europe-west1-b" } },
    [/region:/, /"europe-west1-b"/, /like "europe-west1"/],
  ],
  [
    "DO region malformed",
    { cluster: { ...valid.doks, region: "amsterdam" } },
    [/region:/, /"amsterdam"/, /like "ams3"/],
  ],
  [
    "Azure location with spaces",
    { cluster: { ...valid.aks, location: "West Europe" } },
    [/location:/, /"West Europe"/, /like "westeurope"/],
  ],
  [
    "missing required cloud key (region)",
    { cluster: { target: "eks", publicAccessCidrs: ["198.18.0.0/24"] } },
    [/^cluster\.region: is required/],
  ],
  [
    "missing required cloud key (project)",
    { cluster: { ...valid.gke, project: undefined } },
    [/^cluster\.project: is required/],
  ],
  [
    "GCP project ID malformed",
    { cluster: { ...valid.gke, project: "My Project" } },
    [/project:/, /"My Project"/, /project ID/],
  ],
  [
    "CIDR not a CIDR",
    { cluster: { ...valid.eks, vpcCidr: "10.0.0.0" } },
    [/vpcCidr:/, /"10\.0\.0\.0"/, /IPv4 CIDR like/],
  ],
  [
    "CIDR with host bits",
    { cluster: { ...valid.eks, publicAccessCidrs: ["198.18.0.7/24"] } },
    [/publicAccessCidrs\[0\]:/, /"198\.18\.0\.7\/24"/, /"198\.18\.0\.0\/24"/],
  ],
  [
    "CIDR octet out of range",
    { cluster: { ...valid.doks, vpcCidr: "10.300.0.0/16" } },
    [/vpcCidr:/, /"10\.300\.0\.0\/16"/, /IPv4 CIDR/],
  ],
  [
    "VPC CIDR too small for subnets",
    { cluster: { ...valid.eks, vpcCidr: "10.0.0.0/24" } },
    [/vpcCidr:/, /\/24/, /between \/16 and \/20/],
  ],
  [
    "GKE master CIDR not a /28",
    { cluster: { ...valid.gke, masterCidr: "172.16.0.0/24" } },
    [/masterCidr:/, /\/24/, /\/28 block/],
  ],
  [
    "GKE ranges overlap",
    { cluster: { ...valid.gke, podsCidr: "10.10.0.0/16" } },
    [/podsCidr:/, /"10\.10\.0\.0\/16"/, /overlaps nodesCidr/],
  ],
  [
    "AKS subnet outside the VNet",
    { cluster: { ...valid.aks, nodeSubnetCidr: "10.99.0.0/20" } },
    [/nodeSubnetCidr:/, /"10\.99\.0\.0\/20"/, /inside vnetCidr/],
  ],
  [
    "AKS DNS service IP outside the service CIDR",
    { cluster: { ...valid.aks, dnsServiceIp: "10.0.0.10" } },
    [/dnsServiceIp:/, /"10\.0\.0\.10"/, /inside serviceCidr/],
  ],
  [
    "0.0.0.0/0 as EKS public CIDR in prod",
    {
      ...PROD,
      cluster: { ...valid.eks, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
    },
    [/publicAccessCidrs\[0\]:/, /"0\.0\.0\.0\/0"/, /not be open to the whole internet in prod/],
  ],
  [
    "0.0.0.0/0 as GKE authorized network in prod",
    {
      ...PROD,
      cluster: { ...valid.gke, masterAuthorizedNetworks: [{ name: "all", cidr: "0.0.0.0/0" }] },
    },
    [/masterAuthorizedNetworks\[0\]:/, /"0\.0\.0\.0\/0"/, /in prod/],
  ],
  [
    "0.0.0.0/0 as AKS authorized range in prod",
    { ...PROD, cluster: { ...valid.aks, authorizedIpRanges: ["0.0.0.0/0"] } },
    [/authorizedIpRanges\[0\]:/, /"0\.0\.0\.0\/0"/, /in prod/],
  ],
  [
    "AKS without local accounts and without admin groups",
    { cluster: { ...valid.aks, disableLocalAccounts: true, adminGroupObjectIds: [] } },
    [/^cluster\.adminGroupObjectIds:/, /got \[\]/, /at least one Entra ID group when disableLocalAccounts/],
  ],
  [
    "AKS system pool that may scale to zero",
    { cluster: { ...valid.aks, systemPool: { name: "system", minNodes: 0, maxNodes: 3 } } },
    [/^cluster\.systemPool\.minNodes:/, /got 0/, /≥ 1: the AKS system pool/],
  ],
  [
    "DOKS default pool that may scale to zero",
    { cluster: { ...valid.doks, nodePools: [{ name: "a", minNodes: 0 }] } },
    [/^cluster\.nodePools\[0\]\.minNodes:/, /got 0/, /first DOKS pool/],
  ],
  [
    "unknown add-on",
    { cluster: valid.doks, addons: { istio: { enabled: true } } },
    [
      /^addons\.istio: unknown key/,
      /allowed keys here: certManager, clusterAutoscaler, dns, highAvailability, ingress/,
    ],
  ],
  [
    "retired ingress-nginx as controller",
    { cluster: valid.doks, addons: { ingress: { controller: "ingress-nginx" } } },
    [/^addons\.ingress\.controller:/, /"ingress-nginx"/, /"traefik" \| "nginx"/],
  ],
  [
    "ingress replicas zero",
    { cluster: valid.doks, addons: { ingress: { replicas: 0 } } },
    [/^addons\.ingress\.replicas:/, /got 0/, /≥ 1/],
  ],
  [
    "ACME e-mail malformed",
    { cluster: valid.doks, addons: { certManager: { email: "ops-at-acme" } } },
    [/^addons\.certManager\.email:/, /"ops-at-acme"/, /e-mail address/],
  ],
  [
    "ACME e-mail at example.com",
    { cluster: valid.doks, addons: { certManager: { email: "ops@example.com" } } },
    [/^addons\.certManager\.email:/, /example\.com/, /real address/],
  ],
  [
    "Let's Encrypt issuer without an e-mail",
    { cluster: valid.doks, addons: { certManager: { defaultIssuer: "letsencrypt-prod" } } },
    [/^addons\.certManager\.email: is required for the Let's Encrypt issuer "letsencrypt-prod"/],
  ],
  [
    "unknown issuer",
    { cluster: valid.doks, addons: { certManager: { defaultIssuer: "zerossl" } } },
    [
      /^addons\.certManager\.defaultIssuer:/,
      /"zerossl"/,
      /"letsencrypt-staging" \| "letsencrypt-prod" \| "letsencrypt-staging-dns01" \| "letsencrypt-prod-dns01" \| "selfsigned"/,
    ],
  ],
  [
    "Let's Encrypt with the ingress disabled",
    {
      cluster: valid.doks,
      addons: {
        ingress: { enabled: false },
        certManager: { email: "ops@acme.io", defaultIssuer: "letsencrypt-staging" },
      },
    },
    [/^addons\.certManager\.defaultIssuer:/, /HTTP-01/, /ingress\.enabled: false/],
  ],
  [
    "Vault HA without cert-manager",
    {
      cluster: valid.doks,
      addons: { certManager: { enabled: false }, vault: { mode: "ha", init: VAULT_INIT } },
    },
    [/^addons\.vault\.mode:/, /"ha"/, /cert-manager/],
  ],
  [
    "Vault with 4 raft voters",
    { cluster: valid.doks, addons: { vault: { replicas: 4 } } },
    [/^addons\.vault\.replicas:/, /got 4/],
  ],
  [
    "storage size without unit",
    { cluster: valid.doks, addons: { vault: { storageSize: "10" } } },
    [/^addons\.vault\.storageSize:/, /"10"/, /like "10Gi"/],
  ],
  [
    "retention malformed",
    { cluster: valid.doks, addons: { monitoring: { retention: "2 weeks" } } },
    [/^addons\.monitoring\.retention:/, /"2 weeks"/, /like "15d"/],
  ],
  [
    "metrics-server toggle not auto/boolean",
    { cluster: valid.doks, addons: { metricsServer: { enabled: "yes" } } },
    [/^addons\.metricsServer\.enabled:/, /"yes"/],
  ],
  [
    "extra values not an object",
    { cluster: valid.doks, addons: { monitoring: { values: "grafana.enabled=false" } } },
    [/^addons\.monitoring\.values:/, /expected record/],
  ],
  [
    "metrics-server forced on GKE",
    { cluster: valid.gke, addons: { metricsServer: { enabled: true } } },
    [/^addons\.metricsServer\.enabled:/, /got true/, /gke already serves the metrics API/],
  ],
  [
    "metrics-server forced on an existing cluster that serves the metrics API",
    {
      cluster: { target: "existing", hasMetricsApi: true },
      kubeconfig: "apiVersion: v1",
      addons: { metricsServer: { enabled: true } },
    },
    [/^addons\.metricsServer\.enabled:/, /got true/, /cluster\.hasMetricsApi: true/, /"auto" or false/],
  ],
  [
    "cluster-autoscaler forced on DOKS",
    { cluster: valid.doks, addons: { clusterAutoscaler: { enabled: true } } },
    [/^addons\.clusterAutoscaler\.enabled:/, /got true/, /cluster-autoscaler is for eks/],
  ],
  [
    "app names duplicated",
    { cluster: valid.doks, apps: [APP, APP] },
    [/^apps\[1\]\.name:/, /"hello"/, /duplicates another app's name/],
  ],
  [
    "app name not DNS-1123",
    { cluster: valid.doks, apps: [{ ...APP, name: "Hello_World" }] },
    [/^apps\[0\]\.name:/, /"Hello_World"/, /DNS-1123/],
  ],
  [
    "app port out of range",
    { cluster: valid.doks, apps: [{ ...APP, port: 70000 }] },
    [/^apps\[0\]\.port:/, /got 70000/, /≤ 65535/],
  ],
  [
    "app image with the latest tag",
    { cluster: valid.doks, apps: [{ ...APP, image: "ghcr.io/stefanprodan/podinfo:latest" }] },
    [/^apps\[0\]\.image:/, /podinfo:latest/, /must not use the "latest" tag/],
  ],
  [
    "app image without a tag",
    { cluster: valid.doks, apps: [{ ...APP, image: "ghcr.io/stefanprodan/podinfo" }] },
    [/^apps\[0\]\.image:/, /must pin a tag or a digest/],
  ],
  [
    "app image malformed",
    { cluster: valid.doks, apps: [{ ...APP, image: "Ghcr.io/x y:1" }] },
    [/^apps\[0\]\.image:/, /must be an image reference/],
  ],
  [
    "app autoscaling min > max",
    { cluster: valid.doks, apps: [{ ...APP, autoscaling: { minReplicas: 5, maxReplicas: 3 } }] },
    [/^apps\[0\]\.autoscaling\.minReplicas:/, /got 5/, /≤ maxReplicas \(3\)/],
  ],
  [
    "app host not a hostname",
    { cluster: valid.doks, apps: [{ ...APP, host: "https://hello.example.com" }] },
    [/^apps\[0\]\.host:/, /https:/, /DNS hostname/],
  ],
  [
    "app CPU request malformed",
    {
      cluster: valid.doks,
      apps: [
        { ...APP, resources: { requests: { cpu: "half", memory: "64Mi" }, limits: { memory: "128Mi" } } },
      ],
    },
    [/^apps\[0\]\.resources\.requests\.cpu:/, /"half"/, /CPU quantity/],
  ],
  [
    "app memory limit below its request",
    {
      cluster: valid.doks,
      apps: [{ ...APP, resources: { requests: { cpu: "50m", memory: "1Gi" }, limits: { memory: "512Mi" } } }],
    },
    [/^apps\[0\]\.resources\.limits\.memory:/, /"512Mi"/, /≥ the memory request \(1Gi\)/],
  ],
  [
    "app without a memory limit",
    {
      cluster: valid.doks,
      apps: [{ ...APP, resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: {} } }],
    },
    [/^apps\[0\]\.resources\.limits\.memory: is required/],
  ],
  [
    "unknown app key",
    { cluster: valid.doks, apps: [{ ...APP, replica: 2 }] },
    [/^apps\[0\]\.replica: unknown key/, /replicas/],
  ],
  [
    "app in an add-on's namespace",
    { cluster: valid.doks, apps: [{ ...APP, namespace: "vault" }] },
    [/^apps\[0\]\.namespace:/, /"vault"/, /reserved/],
  ],
  [
    "one replica in prod",
    { ...PROD, cluster: valid.doks, apps: [{ ...APP, replicas: 1 }] },
    [/^apps\[0\]\.replicas:/, /got 1/, /≥ 2 in prod/],
  ],
  [
    "app metrics on the app port",
    { cluster: valid.doks, apps: [{ ...APP, metrics: { port: 8080 } }] },
    [/^apps\[0\]\.metrics\.port:/, /got 8080/, /must differ from the app port/],
  ],
  [
    "app asks for Vault secrets with Vault disabled",
    {
      cluster: valid.doks,
      addons: { vault: { enabled: false } },
      apps: [
        { ...APP, vault: { role: "hello", secrets: [{ name: "config", path: "secret/data/hello/config" }] } },
      ],
    },
    [/^apps\[0\]\.vault:/, /needs Vault, which is disabled/],
  ],
  [
    "app host with the ingress disabled",
    {
      cluster: valid.doks,
      addons: { ingress: { enabled: false } },
      apps: [{ ...APP, host: "hello.acme.io" }],
    },
    [/^apps\[0\]\.host:/, /"hello\.acme\.io"/, /needs the ingress controller/],
  ],
  [
    "app secret env naming a missing secret",
    { cluster: valid.doks, apps: [{ ...APP, secretEnv: { API_KEY: "helloApiKey" } }] },
    [
      /^apps\[0\]\.secretEnv\.API_KEY:/,
      /"helloApiKey"/,
      /pulumi config set --secret --path secrets\.helloApiKey/,
    ],
  ],
  [
    "app env value not a string",
    { cluster: valid.doks, apps: [{ ...APP, env: { WORKERS: 4 } }] },
    [/^apps\[0\]\.env\.WORKERS:/, /got 4/, /expected string/],
  ],
  [
    "app egress with both cidr and namespace",
    {
      cluster: valid.doks,
      apps: [{ ...APP, egress: [{ cidr: "10.0.0.0/8", namespace: "db", ports: [5432] }] }],
    },
    [/^apps\[0\]\.egress\[0\]:/, /exactly one of cidr or namespace/],
  ],
  [
    "app running as root",
    { cluster: valid.doks, apps: [{ ...APP, runAsUser: 0 }] },
    [/^apps\[0\]\.runAsUser:/, /got 0/, /0 is root/],
  ],
  [
    "waiver of an unknown rule",
    { cluster: valid.doks, waivers: [{ rule: "no-such-rule", reason: "because we can" }] },
    [/^waivers\[0\]\.rule:/, /"no-such-rule"/, /allowed: .*"k8s-run-as-non-root"/],
  ],
  [
    "waiver without a reason",
    { cluster: valid.doks, waivers: [{ rule: "k8s-cpu-limit", reason: "" }] },
    [/^waivers\[0\]\.reason:/, /must explain the waiver/],
  ],
  [
    "duplicate admin principal",
    {
      cluster: {
        ...valid.eks,
        adminPrincipalArns: ["arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/a"],
      },
    },
    [/^cluster\.adminPrincipalArns\[1\]:/, /role\/a/, /listed twice/],
  ],
  [
    "AKS prod with a public unrestricted API server",
    { ...PROD, cluster: valid.aks },
    [/authorizedIpRanges:/, /privateCluster/],
  ],
  [
    "EKS public endpoint without CIDRs",
    { cluster: { target: "eks", region: "eu-west-1" } },
    [
      /^cluster\.publicAccessCidrs: must list at least one CIDR/,
      /at least one CIDR when endpointPublicAccess/,
    ],
  ],
  [
    "EKS public CIDRs with a private endpoint",
    {
      ...PROD,
      cluster: {
        ...valid.eks,
        endpointPublicAccess: false,
        deployerNetwork: { cidrs: ["10.100.0.0/16"], transitGatewayId: "tgw-0123456789abcdef0" },
      },
    },
    [/publicAccessCidrs:/, /only used when endpointPublicAccess is true/],
  ],
  [
    "EKS AZ count of 1",
    { cluster: { ...valid.eks, availabilityZoneCount: 1 } },
    [/availabilityZoneCount:/, /got 1/, /≥ 2/],
  ],
  [
    "unknown NAT mode",
    { cluster: { ...valid.eks, natGateways: "none" } },
    [/natGateways:/, /"none"/, /"single" \| "perAz"/],
  ],
  [
    "admin ARN malformed",
    { cluster: { ...valid.eks, adminPrincipalArns: ["admin"] } },
    [/adminPrincipalArns\[0\]:/, /"admin"/, /IAM role or user ARN/],
  ],
  [
    "unknown GKE release channel",
    { cluster: { ...valid.gke, releaseChannel: "EXTENDED" } },
    [/releaseChannel:/, /"EXTENDED"/, /"RAPID" \| "REGULAR" \| "STABLE"/],
  ],
  [
    "unknown AKS SKU tier",
    { cluster: { ...valid.aks, skuTier: "Gold" } },
    [/skuTier:/, /"Gold"/, /"Free" \| "Standard" \| "Premium"/],
  ],
  [
    "AKS admin group not a UUID",
    { cluster: { ...valid.aks, adminGroupObjectIds: ["admins"] } },
    [/adminGroupObjectIds\[0\]:/, /"admins"/, /UUID/],
  ],
  [
    "DOKS maintenance time malformed",
    { cluster: { ...valid.doks, maintenanceWindow: { day: "sunday", startTime: "25:00" } } },
    [/maintenanceWindow\.startTime:/, /"25:00"/, /HH:MM/],
  ],
  [
    "DOKS maintenance day unknown",
    { cluster: { ...valid.doks, maintenanceWindow: { day: "sun", startTime: "03:00" } } },
    [/maintenanceWindow\.day:/, /"sun"/, /"sunday"/],
  ],
  [
    "cluster name not DNS-1123",
    { cluster: { ...valid.doks, clusterName: "Prod_Cluster" } },
    [/clusterName:/, /"Prod_Cluster"/, /DNS-1123/],
  ],
  [
    "cluster name too long",
    { cluster: { ...valid.doks, clusterName: "a".repeat(41) } },
    [/clusterName:/, /at most 40/],
  ],
  [
    "protect not a boolean",
    { cluster: { ...valid.doks, protect: "yes" } },
    [/protect:/, /"yes"/, /expected boolean/],
  ],
  [
    "tag key uppercase",
    { cluster: valid.doks, tags: { Team: "platform" } },
    [/^tags\.Team:/, /key "Team" is invalid/, /must be a lowercase tag key/],
  ],
  [
    "existing cluster without a kubeconfig",
    { cluster: { target: "existing" } },
    [/^kubeconfig: is required/, /--secret/],
  ],
  [
    "existing cluster with both kubeconfig sources",
    { cluster: { target: "existing", kubeconfigPath: "/tmp/k" }, kubeconfig: SAMPLE_KUBECONFIG },
    [/kubeconfigPath:/, /exactly one of/],
  ],
  [
    "kubeconfig with a managed target",
    { cluster: valid.doks, kubeconfig: SAMPLE_KUBECONFIG },
    [/^kubeconfig:/, /"existing"/, /"doks"/],
  ],
];

describe("stack config validation", () => {
  it(`covers at least 25 distinct bad inputs (has ${bad.length})`, () => {
    assert.ok(bad.length >= 25);
  });

  for (const [what, raw, patterns] of bad) {
    it(`rejects ${what} with one clear message`, () => {
      const problems = problemsOf(raw);
      assert.strictEqual(problems.length, 1, `expected exactly one problem, got:\n${problems.join("\n")}`);
      for (const p of patterns) assert.match(problems[0], p);
    });
  }

  it("reports every problem together, one line each", () => {
    const problems = problemsOf({
      ...PROD,
      extra: true,
      cluster: {
        target: "eks",
        region: "eu-west",
        kubernetesVersion: "1.2",
        endpointPublicAccess: true,
        publicAccessCidrs: ["0.0.0.0/0"],
        nodePools: [{ name: "a", minNodes: 4, maxNodes: 2 }],
      },
    });
    assert.strictEqual(problems.length, 5, problems.join("\n"));
    for (const key of [
      "extra",
      "cluster.region",
      "cluster.kubernetesVersion",
      "cluster.publicAccessCidrs[0]",
      "cluster.nodePools[0].minNodes",
    ]) {
      assert.ok(
        problems.some((p) => p.startsWith(`${key}:`)),
        `no problem for ${key}:\n${problems.join("\n")}`,
      );
    }
    const err = (() => {
      try {
        parseConfig({ cluster: { target: "eks", publicAccessCidrs: ["198.18.0.0/24"] } }, ctx);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    assert.match(
      err?.message ?? "",
      /Invalid stack configuration \(1 problem\):\n {2}- cluster\.region: is required/,
    );
  });

  it("never echoes the kubeconfig secret in a message", () => {
    const problems = problemsOf({ cluster: { target: "existing" }, kubeconfig: 42 });
    assert.strictEqual(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /^kubeconfig: got \[secret\]/);
    const unknown = problemsOf({ cluster: valid.doks, kubeconfg: "super-secret-token" });
    assert.ok(!unknown.join("\n").includes("super-secret-token"), unknown.join("\n"));
  });

  it("fills defaults from the dev profile", () => {
    const cfg = parseConfig({ cluster: valid.eks }, ctx);
    assert.strictEqual(cfg.profile, "dev");
    assert.ok(cfg.cluster.target === "eks");
    assert.strictEqual(cfg.cluster.clusterName, "kube-platform-dev");
    assert.strictEqual(cfg.cluster.kubernetesVersion, "1.34");
    assert.strictEqual(cfg.cluster.protect, false);
    assert.strictEqual(cfg.cluster.availabilityZoneCount, 2);
    assert.strictEqual(cfg.cluster.natGateways, "single");
    assert.strictEqual(cfg.cluster.endpointPublicAccess, true);
    assert.deepStrictEqual(cfg.cluster.nodePools, [
      {
        name: "general",
        machineType: DEFAULT_MACHINE_TYPES.eks,
        minNodes: 1,
        maxNodes: 3,
        diskSizeGb: 100,
        labels: {},
        taints: [],
      },
    ]);
    assert.deepStrictEqual(cfg.cluster.tags, { "managed-by": "pulumi", "kube-platform-stack": "dev" });
  });

  it("fills defaults from the prod profile", () => {
    const cfg = parseConfig(
      { ...PROD, cluster: { target: "eks", region: "eu-west-1", publicAccessCidrs: ["198.18.0.0/24"] } },
      { ...ctx, stack: "prod" },
    );
    assert.ok(cfg.cluster.target === "eks");
    assert.strictEqual(cfg.cluster.protect, PROFILE_DEFAULTS.prod.protect);
    assert.strictEqual(cfg.cluster.availabilityZoneCount, 3);
    assert.strictEqual(cfg.cluster.natGateways, "perAz");
    assert.strictEqual(cfg.cluster.endpointPublicAccess, true);
    assert.strictEqual(cfg.cluster.nodePools[0].minNodes, 3);
    const gke = parseConfig({ ...PROD, cluster: valid.gke }, ctx).cluster;
    assert.ok(gke.target === "gke");
    assert.strictEqual(gke.releaseChannel, "STABLE");
    assert.strictEqual(gke.deletionProtection, true);
    const runnerVnet =
      "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/ci/providers/Microsoft.Network/virtualNetworks/runners";
    const aks = parseConfig(
      { ...PROD, cluster: { ...valid.aks, privateCluster: true, deployerNetwork: { vnetId: runnerVnet } } },
      ctx,
    ).cluster;
    assert.ok(aks.target === "aks");
    assert.strictEqual(aks.skuTier, "Standard");
    assert.strictEqual(aks.disableLocalAccounts, true);
    const doks = parseConfig({ ...PROD, cluster: valid.doks }, ctx).cluster;
    assert.ok(doks.target === "doks");
    assert.strictEqual(doks.highAvailability, true);
  });

  it("fills add-on defaults from the profile", () => {
    const dev = parseConfig({ cluster: valid.doks }, ctx).addons;
    assert.strictEqual(dev.highAvailability, false);
    assert.deepStrictEqual(dev.ingress, {
      enabled: true,
      controller: "traefik",
      replicas: 1,
      className: "traefik",
      serviceAnnotations: {},
      values: {},
    });
    assert.strictEqual(dev.certManager.defaultIssuer, "selfsigned");
    assert.strictEqual(dev.vault.mode, "dev");
    assert.strictEqual(dev.monitoring.retention, "3d");
    assert.strictEqual(dev.metricsServer.enabled, "auto");
    const prod = parseConfig({ ...PROD, cluster: valid.doks }, ctx).addons;
    assert.strictEqual(prod.highAvailability, true);
    assert.strictEqual(prod.ingress.replicas, 3);
    assert.strictEqual(prod.certManager.defaultIssuer, "letsencrypt-prod");
    assert.deepStrictEqual([prod.vault.mode, prod.vault.replicas, prod.vault.injectorReplicas], ["ha", 3, 2]);
    assert.deepStrictEqual(
      [prod.monitoring.retention, prod.monitoring.prometheusReplicas, prod.monitoring.alertmanagerReplicas],
      ["15d", 2, 3],
    );
    const nginx = parseConfig(
      {
        cluster: valid.doks,
        addons: { ingress: { controller: "nginx", replicas: 2 }, vault: { enabled: false } },
      },
      ctx,
    ).addons;
    assert.deepStrictEqual(
      [nginx.ingress.className, nginx.ingress.replicas, nginx.vault.enabled],
      ["nginx", 2, false],
    );
  });

  it("lets every preset value be overridden", () => {
    const cfg = parseConfig(
      {
        ...PROD,
        cluster: {
          target: "eks",
          region: "eu-west-1",
          protect: false,
          availabilityZoneCount: 2,
          natGateways: "single",
          endpointPublicAccess: true,
          publicAccessCidrs: ["198.18.1.0/24"],
          nodePools: [{ name: "general", minNodes: 1, maxNodes: 2 }],
        },
      },
      ctx,
    );
    assert.ok(cfg.cluster.target === "eks");
    assert.strictEqual(cfg.cluster.protect, false);
    assert.strictEqual(cfg.cluster.availabilityZoneCount, 2);
    assert.strictEqual(cfg.cluster.natGateways, "single");
    assert.strictEqual(cfg.cluster.endpointPublicAccess, true);
    assert.strictEqual(cfg.cluster.nodePools[0].minNodes, 1);
    const dev = parseConfig(
      { cluster: { ...valid.gke, releaseChannel: "STABLE", deletionProtection: true, protect: true } },
      ctx,
    );
    assert.ok(dev.cluster.target === "gke");
    assert.deepStrictEqual(
      [dev.cluster.releaseChannel, dev.cluster.deletionProtection, dev.cluster.protect],
      ["STABLE", true, true],
    );
  });

  it("allows 0.0.0.0/0 outside prod (explicitly configured)", () => {
    const cfg = parseConfig({ cluster: { ...valid.eks, publicAccessCidrs: ["0.0.0.0/0"] } }, ctx);
    assert.ok(cfg.cluster.target === "eks");
    assert.deepStrictEqual(cfg.cluster.publicAccessCidrs, ["0.0.0.0/0"]);
  });

  it("keeps an existing cluster's kubeconfig a secret", async () => {
    const cfg = parseConfig({ cluster: { target: "existing" }, kubeconfig: SAMPLE_KUBECONFIG }, ctx);
    assert.ok(cfg.cluster.target === "existing");
    assert.strictEqual(await pulumi.isSecret(cfg.cluster.kubeconfig), true);
  });

  it("reads cluster.kubeconfigPath into a secret and reports an unreadable path", async () => {
    const cfg = parseConfig(
      { cluster: { target: "existing", kubeconfigPath: "/k/config", context: "kind-kind" } },
      { ...ctx, readFile: (p) => (p === "/k/config" ? SAMPLE_KUBECONFIG : "") },
    );
    assert.ok(cfg.cluster.target === "existing");
    assert.strictEqual(cfg.cluster.context, "kind-kind");
    assert.strictEqual(await pulumi.isSecret(cfg.cluster.kubeconfig), true);
    const problems = problemsOf({ cluster: { target: "existing", kubeconfigPath: "/nope" } }, {
      ...ctx,
      readFile: () => {
        throw new Error("ENOENT: no such file");
      },
    } as typeof ctx);
    assert.deepStrictEqual(problems, [
      'cluster.kubeconfigPath: got "/nope"; cannot read it (ENOENT: no such file)',
    ]);
  });

  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    it(`accepts the example stack ${stack}`, () => {
      // Encrypted values (`secure:`) are held secret, as Pulumi does.
      const { raw, secretKeys } = exampleForParse(loadStackConfig(stack));
      const cfg = parseConfig(raw, { ...ctx, stack, secretKeys, readFile: () => SAMPLE_KUBECONFIG });
      assert.ok(cfg.cluster);
    });
  }
});

describe("CIDR helpers", () => {
  it("parses, compares and contains", () => {
    assert.deepStrictEqual(parseCidr("10.0.0.0/16"), { base: 167772160, prefix: 16 });
    assert.strictEqual(parseCidr("10.0.0.0/33"), undefined);
    assert.strictEqual(cidrsOverlap("10.0.0.0/16", "10.0.128.0/17"), true);
    assert.strictEqual(cidrsOverlap("10.0.0.0/16", "10.1.0.0/16"), false);
    assert.strictEqual(cidrContains("10.31.0.0/16", "10.31.0.10"), true);
    assert.strictEqual(cidrContains("10.31.0.0/16", "10.32.0.10"), false);
    assert.strictEqual(formatPath(["cluster", "nodePools", 0, "name"]), "cluster.nodePools[0].name");
  });
});
