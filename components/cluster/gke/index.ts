/**
 * The GKE target: a regional, private-node GKE Standard cluster. The class wires the free functions of
 * this folder: project.ts (provider, APIs, GKE service agent), network.ts, nodes.ts, kms.ts,
 * cluster.ts, identity.ts, and the pure names.ts and kubeconfig.ts.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { ClusterComponentOptions, GkeSettings } from "../types";
import { assertNodePools } from "../shared";
import { IdentityClusterComponent } from "../contract";
import { assertMasterAuthorizedNetworks, gkeCluster, gkeClusterAccess } from "./cluster";
import { gkeWorkloadIdentity, gkeUnsealKms } from "./identity";
import { gkeDns } from "./dns";
import { gkeSecretsKey } from "./kms";
import { gkeNetwork } from "./network";
import { gkeNodePools, nodeServiceAccount, secureNodeConfig } from "./nodes";
import { GcpScope, gcpProvider, projectServices, serviceAgentGrants } from "./project";
import { LOAD_BALANCER_SERVICE_ANNOTATIONS, MANAGED_CAPABILITIES } from "../capabilities";

export * from "./names";
export {
  CLOUD_DNS_RECORD_PERMISSIONS,
  CLOUD_DNS_ZONE_LIST_PERMISSIONS,
  dnsCustomRoleId,
  managedZoneNames,
} from "./dns";
export { gkeContextName, gkeKubeconfig } from "./kubeconfig";

/**
 * A regional, private-node GKE Standard cluster with its own VPC, Cloud NAT, a least-privilege
 * node service account, KMS application-layer secrets encryption, Dataplane V2 and Workload
 * Identity, plus one autoscaling node pool per `settings.nodePools` entry.
 */
export class GkeCluster extends IdentityClusterComponent {
  readonly target = "gke" as const;
  /** The explicit Google provider every GCP resource and invoke of this cluster uses. */
  readonly gcpProvider: gcp.Provider;
  readonly network: gcp.compute.Network;
  readonly subnetwork: gcp.compute.Subnetwork;
  readonly nodeServiceAccount: gcp.serviceaccount.Account;
  /** The GKE service agent (service-<number>@container-engine-robot), created explicitly. */
  readonly gkeServiceAgent: gcp.projects.ServiceIdentity;
  readonly keyRing: gcp.kms.KeyRing;
  readonly secretsKey: gcp.kms.CryptoKey;
  readonly cluster: gcp.container.Cluster;
  readonly nodePools: gcp.container.NodePool[];

  constructor(name: string, settings: GkeSettings, opts?: ClusterComponentOptions) {
    super("kube-platform:cluster:GkeCluster", name, opts);
    assertNodePools("GKE", settings.nodePools);
    assertMasterAuthorizedNetworks(settings);
    const { project } = settings;

    this.gcpProvider = gcpProvider(name, settings, this);
    const scope: GcpScope = { name, parent: this, provider: this.gcpProvider };
    const services = projectServices(scope, project);
    const net = gkeNetwork(scope, settings, services);
    this.network = net.network;
    this.subnetwork = net.subnetwork;
    const nodeSa = nodeServiceAccount(scope, settings, services);
    this.nodeServiceAccount = nodeSa.account;
    const kms = gkeSecretsKey(scope, settings, services);
    this.keyRing = kms.keyRing;
    this.secretsKey = kms.secretsKey;
    const agent = serviceAgentGrants(scope, project, services, kms.secretsKey);
    this.gkeServiceAgent = agent.agent;

    const nodeConfig = secureNodeConfig(nodeSa.account.email);
    this.cluster = gkeCluster(scope, settings, {
      network: net.network,
      subnetwork: net.subnetwork,
      nodeConfig,
      secretsKey: kms.secretsKey,
      dependsOn: [
        services["container.googleapis.com"],
        agent.secretsKeyGrant,
        agent.agentRole,
        agent.propagated,
        ...nodeSa.roles,
      ],
    });
    this.nodePools = gkeNodePools(scope, settings, { cluster: this.cluster, nodeConfig, nat: net.nat });
    const { kubeconfig, provider } = gkeClusterAccess(name, settings, this.cluster, this);
    const identityScope = { name, settings, provider: this.gcpProvider };
    const workloadIdentity = gkeWorkloadIdentity(identityScope, this.cluster);

    this.publish(
      {
        clusterName: this.cluster.name,
        region: settings.region,
        kubernetesVersion: settings.kubernetesVersion,
        kubeconfig,
        provider,
        ready: [...this.nodePools],
        // The cloud ships the CSI driver and the default StorageClass.
        storageReady: [],
        defaultStorageClass: pulumi.output("standard-rwo"),
        loadBalancer: { addressKind: "ip", serviceAnnotations: { ...LOAD_BALANCER_SERVICE_ANNOTATIONS.gke } },
        // GKE runs metrics-server itself.
        hasMetricsApi: MANAGED_CAPABILITIES.gke.metricsApi,
        // GKE node pools autoscale natively.
        nodeAutoscaling: { kind: "native" },
        workloadIdentity,
        unsealKms: gkeUnsealKms(identityScope, this.keyRing),
        dns: gkeDns(identityScope, workloadIdentity),
      },
      { endpoint: this.cluster.endpoint, network: this.network.id, secretsKey: this.secretsKey.id },
    );
  }
}
