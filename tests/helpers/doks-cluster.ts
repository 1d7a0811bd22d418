/**
 * DOKS test fixtures: prod and dev settings (built by the config parser, see ./settings.ts), the
 * evaluated component (Pulumi mocks) and accessors of a run.
 */
import { DoksCluster } from "../../components/cluster/doks";
import { DoksSettings } from "../../components/cluster/types";
import { ProgramRun, RecordedResource, runResources } from "../../offline/mocks";
import { FixtureOptions, RawDoks, RawNodePool, doksSettings } from "./settings";

export const T = {
  vpc: "digitalocean:index/vpc:Vpc",
  cluster: "digitalocean:index/kubernetesCluster:KubernetesCluster",
  pool: "digitalocean:index/kubernetesNodePool:KubernetesNodePool",
  k8s: "pulumi:providers:kubernetes",
  component: "kube-platform:cluster:DoksCluster",
};

/** The stack options of the prod and dev fixtures (profile, stack name, top-level tags). */
export const PROD: FixtureOptions = {
  profile: "prod",
  stack: "prod",
  tags: { environment: "prod", team: "platform" },
  // No Shamir ha Vault beside this cluster: with one, prod refuses autoUpgrade true (config-doks.test.ts).
  config: { addons: { certManager: { email: "platform@kube-platform.dev" }, vault: { mode: "dev" } } },
};
export const DEV: FixtureOptions = { profile: "dev", stack: "dev", tags: { environment: "dev" } };

const SYSTEM_POOL = {
  name: "system",
  machineType: "s-4vcpu-8gb",
  minNodes: 2,
  maxNodes: 4,
  // No diskSizeGb: the droplet size fixes the disk on DOKS (config's default is ignored).
  labels: { "kube-platform/pool": "system" },
  taints: [],
} satisfies RawNodePool;

/** The prod fixture's raw `cluster` keys: HA, surge upgrades, a control-plane firewall, two pools. */
export const PROD_DOKS: RawDoks = {
  clusterName: "kp-prod",
  kubernetesVersion: "1.34",
  protect: true,
  region: "fra1",
  vpcCidr: "10.30.0.0/20",
  highAvailability: true,
  autoUpgrade: true,
  surgeUpgrade: true,
  maintenanceWindow: { day: "sunday", startTime: "03:00" },
  apiAllowedAddresses: ["198.18.113.0/24", "198.19.100.7/32"],
  nodePools: [
    SYSTEM_POOL,
    {
      name: "apps",
      machineType: "s-8vcpu-16gb",
      minNodes: 2,
      maxNodes: 10,
      labels: { "kube-platform/pool": "apps" },
      taints: ["dedicated=apps:NoSchedule"],
    },
  ],
};

/** The dev fixture's raw `cluster` keys: prod's without HA, surge upgrades or firewall; one small pool. */
export const DEV_DOKS: RawDoks = {
  ...PROD_DOKS,
  clusterName: "kp-dev",
  protect: false,
  highAvailability: false,
  surgeUpgrade: false,
  apiAllowedAddresses: [],
  nodePools: [{ ...SYSTEM_POOL, machineType: "s-2vcpu-4gb", minNodes: 1, maxNodes: 3 }],
};

/** The prod fixture with some raw keys replaced, as config parses it. */
export const prodWith = (cluster: RawDoks): DoksSettings => doksSettings({ ...PROD_DOKS, ...cluster }, PROD);

export const prodSettings: DoksSettings = prodWith({});
export const devSettings: DoksSettings = doksSettings(DEV_DOKS, DEV);

export type Inputs = Record<string, unknown>;
export const obj = (v: unknown): Inputs => v as Inputs;

export async function evaluate(settings: DoksSettings, stack = "prod"): Promise<ProgramRun> {
  return runResources(
    () => {
      const c = new DoksCluster("kp", settings);
      return {
        kubeconfig: c.kubeconfig,
        clusterName: c.clusterName,
        storageClass: c.defaultStorageClass,
        hasMetricsApi: c.hasMetricsApi,
        loadBalancer: c.loadBalancer,
        autoscaling: c.nodeAutoscaling,
        ready: c.ready.length,
      };
    },
    { stack },
  );
}

export const clusterOf = (run: ProgramRun): RecordedResource => run.one(T.cluster);
export const inlinePool = (run: ProgramRun): Inputs => obj(clusterOf(run).inputs.nodePool);
