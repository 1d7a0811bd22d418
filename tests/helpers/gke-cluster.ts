/**
 * GKE test fixtures: prod and dev settings (built by the config parser, see ./settings.ts), the
 * program that builds the component with a Vault-like binding (Pulumi mocks), and accessors of a run.
 */
import * as pulumi from "@pulumi/pulumi";
import { GkeCluster } from "../../components/cluster/gke";
import { GkeSettings } from "../../components/cluster/types";
import { ProgramRun, RecordedResource } from "../../offline/mocks";
import { FixtureOptions, RawGke, gkeSettings } from "./settings";

export const T = {
  component: "kube-platform:cluster:GkeCluster",
  gcpProvider: "pulumi:providers:gcp",
  k8sProvider: "pulumi:providers:kubernetes",
  service: "gcp:projects/service:Service",
  serviceIdentity: "gcp:projects/serviceIdentity:ServiceIdentity",
  network: "gcp:compute/network:Network",
  subnetwork: "gcp:compute/subnetwork:Subnetwork",
  router: "gcp:compute/router:Router",
  nat: "gcp:compute/routerNat:RouterNat",
  account: "gcp:serviceaccount/account:Account",
  projectIam: "gcp:projects/iAMMember:IAMMember",
  saIam: "gcp:serviceaccount/iAMMember:IAMMember",
  keyRing: "gcp:kms/keyRing:KeyRing",
  cryptoKey: "gcp:kms/cryptoKey:CryptoKey",
  keyIam: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  cluster: "gcp:container/cluster:Cluster",
  nodePool: "gcp:container/nodePool:NodePool",
  sleep: "time:index/sleep:Sleep",
};

/** The stack options of the prod and dev fixtures (profile, stack name, top-level tags). */
export const PROD: FixtureOptions = {
  profile: "prod",
  stack: "prod",
  tags: { env: "prod", team: "platform" },
};
export const DEV: FixtureOptions = { profile: "dev", stack: "dev", tags: { env: "dev" } };

/** The prod fixture's raw `cluster` keys: two node pools, two authorized networks. */
export const PROD_GKE: RawGke = {
  clusterName: "kp-prod",
  kubernetesVersion: "1.34",
  protect: true,
  project: "acme-prod",
  region: "europe-west1",
  nodesCidr: "10.10.0.0/20",
  podsCidr: "10.20.0.0/14",
  servicesCidr: "10.24.0.0/20",
  masterCidr: "172.16.0.0/28",
  masterAuthorizedNetworks: [
    { name: "office", cidr: "198.19.100.0/24" },
    { name: "vpn", cidr: "198.18.113.0/27" },
  ],
  releaseChannel: "STABLE",
  deletionProtection: true,
  nodePools: [
    {
      name: "general",
      machineType: "e2-standard-4",
      minNodes: 3,
      maxNodes: 9,
      diskSizeGb: 100,
      labels: { "example.com/role": "general" },
      taints: [],
    },
    {
      name: "system",
      machineType: "e2-standard-2",
      minNodes: 2,
      maxNodes: 4,
      diskSizeGb: 50,
      labels: { "example.com/role": "system" },
      taints: ["dedicated=system:NoSchedule", "example.com/maintenance=:PreferNoSchedule"],
    },
  ],
};

/** The dev fixture's raw `cluster` keys: prod's, with one small pool and an API open to all. */
export const DEV_GKE: RawGke = {
  ...PROD_GKE,
  clusterName: "kp-dev",
  protect: false,
  project: "acme-dev",
  masterAuthorizedNetworks: [{ name: "anywhere", cidr: "0.0.0.0/0" }],
  releaseChannel: "REGULAR",
  deletionProtection: false,
  nodePools: [
    {
      name: "general",
      machineType: "e2-standard-2",
      minNodes: 1,
      maxNodes: 3,
      diskSizeGb: 50,
      labels: {},
      taints: [],
    },
  ],
};

/** The prod fixture with some raw keys replaced, as config parses it. */
export const prodWith = (cluster: RawGke): GkeSettings => gkeSettings({ ...PROD_GKE, ...cluster }, PROD);

export const prodSettings: GkeSettings = prodWith({});
export const devSettings: GkeSettings = gkeSettings(DEV_GKE, DEV);

export const VAULT_SA = { namespace: "vault", name: "vault" };

/** Builds the cluster and, like the Vault add-on would, binds a ServiceAccount and creates an unseal key. */
export function build(settings: GkeSettings) {
  return () => {
    const c = new GkeCluster("kp", settings);
    const vault = new pulumi.ComponentResource("test:addons:Vault", "vault");
    const identity = c.workloadIdentity.bindServiceAccount("vault", VAULT_SA, vault);
    const seal = c.unsealKms.createUnsealKey("vault", identity, vault);
    return {
      kubeconfig: c.kubeconfig,
      clusterName: c.clusterName,
      storageClass: c.defaultStorageClass,
      annotations: identity.serviceAccountAnnotations,
      principal: identity.principal,
      seal,
      contract: pulumi.output({
        target: c.target,
        region: c.region,
        loadBalancer: c.loadBalancer,
        hasMetricsApi: c.hasMetricsApi,
        nodeAutoscaling: c.nodeAutoscaling,
        mechanism: c.workloadIdentity.mechanism,
        podLabels: identity.podLabels,
        readyCount: c.ready.length,
      }),
    };
  };
}

/** Under the test mocks a custom resource's ID is `<pulumi name>-id`. */
export const idOf = (r: RecordedResource): string => `${r.name}-id`;

export type Obj = Record<string, unknown>;
export const obj = (v: unknown): Obj => v as Obj;
export const arr = (v: unknown): Obj[] => v as Obj[];

/** What a run registered: the cluster, its node pools, the node service account, the secrets key. */
export const cluster = (run: ProgramRun) => run.one(T.cluster);
export const pools = (run: ProgramRun) => run.ofType(T.nodePool);
export const nodeSa = (run: ProgramRun) => run.one(T.account, "-nodes-sa");
export const nodeSaEmail = (run: ProgramRun) =>
  `${String(nodeSa(run).inputs.accountId)}@${String(nodeSa(run).inputs.project)}.iam.gserviceaccount.com`;
export const secretsKey = (run: ProgramRun) => run.one(T.cryptoKey, "-secrets");
export const allNodeConfigs = (run: ProgramRun): Obj[] => [
  obj(cluster(run).inputs.nodeConfig),
  ...pools(run).map((p) => obj(p.inputs.nodeConfig)),
];
