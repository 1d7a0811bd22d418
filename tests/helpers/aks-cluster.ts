/**
 * AKS test fixtures: prod, dev and private-cluster settings (built by the config parser, see
 * ./settings.ts), the evaluated component (Pulumi mocks) and accessors of a run.
 */
import * as k8s from "@pulumi/kubernetes";
import { AksCluster } from "../../components/cluster/aks";
import { AksSettings } from "../../components/cluster/types";
import { ProgramRun, RecordedResource, runResources } from "../../offline/mocks";
import { AZURE_MOCK } from "../../offline/mock-state/azure";
import { FixtureOptions, RawAks, RawNodePool, aksSettings } from "./settings";

export const T = {
  rg: "azure-native:resources:ResourceGroup",
  vnet: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  fic: "azure-native:managedidentity:FederatedIdentityCredential",
  role: "azure-native:authorization:RoleAssignment",
  cluster: "azure-native:containerservice:ManagedCluster",
  pool: "azure-native:containerservice:AgentPool",
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  peering: "azure-native:network:VirtualNetworkPeering",
  dnsLink: "azure-native:privatedns:VirtualNetworkLink",
  maintenance: "azure-native:containerservice:MaintenanceConfiguration",
  sleep: "time:index/sleep:Sleep",
  k8s: "pulumi:providers:kubernetes",
  component: "kube-platform:cluster:AksCluster",
};

/** The stack options of the prod and dev fixtures (profile, stack name, top-level tags). */
export const PROD: FixtureOptions = { profile: "prod", stack: "prod", tags: { environment: "prod" } };
export const DEV: FixtureOptions = { profile: "dev", stack: "dev", tags: { environment: "dev" } };

const SYSTEM_POOL = {
  name: "system",
  machineType: "Standard_D4s_v5",
  minNodes: 3,
  maxNodes: 5,
  diskSizeGb: 128,
  labels: { "kube-platform/pool": "system" },
  taints: [],
} satisfies RawNodePool;

const APPS_POOL = {
  name: "apps",
  machineType: "Standard_D8s_v5",
  minNodes: 3,
  maxNodes: 12,
  diskSizeGb: 128,
  labels: { "kube-platform/pool": "apps" },
  taints: [],
} satisfies RawNodePool;

/** The prod fixture's raw `cluster` keys: a public API server limited to two ranges, two user pools. */
export const PROD_AKS: RawAks = {
  clusterName: "kp-prod",
  kubernetesVersion: "1.34",
  protect: true,
  location: "westeurope",
  vnetCidr: "10.20.0.0/16",
  nodeSubnetCidr: "10.20.0.0/20",
  podCidr: "192.168.0.0/16",
  serviceCidr: "10.0.0.0/16",
  dnsServiceIp: "10.0.0.10",
  authorizedIpRanges: ["198.18.113.0/24", "198.19.100.7/32"],
  privateCluster: false,
  skuTier: "Standard",
  upgradeChannel: "patch",
  disableLocalAccounts: true,
  adminGroupObjectIds: ["aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"],
  grantDeployerClusterAdmin: true,
  maintenanceWindow: { day: "sunday", startTime: "03:00", durationHours: 4, utcOffset: "+00:00" },
  systemPool: SYSTEM_POOL,
  nodePools: [
    APPS_POOL,
    {
      name: "batch",
      machineType: "Standard_F8s_v2",
      minNodes: 0,
      maxNodes: 6,
      diskSizeGb: 64,
      labels: { "kube-platform/pool": "batch" },
      taints: ["dedicated=batch:NoSchedule"],
    },
  ],
};

/** The dev fixture's raw `cluster` keys: prod's, smaller, Free tier, in a region without zones. */
export const DEV_AKS: RawAks = {
  ...PROD_AKS,
  clusterName: "kp-dev",
  protect: false,
  location: "westus",
  skuTier: "Free",
  disableLocalAccounts: false,
  systemPool: {
    ...SYSTEM_POOL,
    machineType: "Standard_B2s",
    minNodes: 1,
    maxNodes: 2,
    diskSizeGb: 64,
  },
  nodePools: [{ ...APPS_POOL, machineType: "Standard_B4ms", minNodes: 1, maxNodes: 3 }],
};

/** The runner's VNet (same subscription as the mocked session). */
export const RUNNER_VNET_ID = `/subscriptions/${AZURE_MOCK.subscriptionId}/resourceGroups/ci-runners/providers/Microsoft.Network/virtualNetworks/runner-vnet`;

/** The private-cluster fixture's raw `cluster` keys: prod's, reached from the runner's VNet. */
export const PRIVATE_AKS: RawAks = {
  ...PROD_AKS,
  authorizedIpRanges: [],
  privateCluster: true,
  deployerNetwork: { vnetId: RUNNER_VNET_ID },
};

/** The prod fixture with some raw keys replaced, as config parses it. */
export const prodWith = (cluster: RawAks): AksSettings => aksSettings({ ...PROD_AKS, ...cluster }, PROD);
/** The private-cluster fixture with some raw keys replaced, as config parses it. */
export const privateWith = (cluster: RawAks): AksSettings =>
  aksSettings({ ...PRIVATE_AKS, ...cluster }, PROD);

export const prodSettings: AksSettings = prodWith({});
export const devSettings: AksSettings = aksSettings(DEV_AKS, DEV);
export const privateSettings: AksSettings = privateWith({});

export type Inputs = Record<string, unknown>;
export const obj = (v: unknown): Inputs => v as Inputs;

export async function evaluate(
  settings: AksSettings,
  stack = "prod",
  withIdentity = false,
  probe = false,
): Promise<ProgramRun> {
  return runResources(
    () => {
      const c = new AksCluster("kp", settings);
      if (probe) {
        // Stands for every Kubernetes object the platform creates: they all wait for `ready`.
        new k8s.core.v1.Namespace("probe", {}, { provider: c.provider, dependsOn: c.ready });
      }
      const out: Record<string, unknown> = {
        kubeconfig: c.kubeconfig,
        clusterName: c.clusterName,
        storageClass: c.defaultStorageClass,
      };
      if (withIdentity) {
        const bound = c.workloadIdentity.bindServiceAccount(
          "vault",
          { namespace: "vault", name: "vault" },
          c,
        );
        out.annotations = bound.serviceAccountAnnotations;
        out.principal = bound.principal;
        out.podLabels = bound.podLabels;
        out.seal = c.unsealKms.createUnsealKey("vault-unseal", bound, c);
      }
      return out;
    },
    { stack },
  );
}

export const clusterOf = (run: ProgramRun): RecordedResource => run.one(T.cluster);
export const systemProfile = (run: ProgramRun): Inputs =>
  obj((clusterOf(run).inputs.agentPoolProfiles as unknown[])[0]);
export const poolNamed = (run: ProgramRun, pool: string): RecordedResource =>
  run.one(T.pool, `-pool-${pool}`);
