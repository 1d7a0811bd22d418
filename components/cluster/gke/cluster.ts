/**
 * The GKE Standard cluster (private nodes, Dataplane V2, Workload Identity, KMS-encrypted Secrets) and
 * the access to it: the exec kubeconfig and the Kubernetes provider.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GkeSettings } from "../types";
import { gkeContextName, gkeKubeconfig } from "./kubeconfig";
import { PODS_RANGE_NAME, SERVICES_RANGE_NAME, workloadPool } from "./names";
import { GcpScope, gcpOptions } from "./project";
import { secureNodeConfig } from "./nodes";

/**
 * Authorized networks are always on: with no cidrBlocks GKE "disallows all external traffic" to the
 * endpoint (GKE API MasterAuthorizedNetworksConfig), so the deployer could not create a single
 * Kubernetes object. Stack config reports it first (cluster.masterAuthorizedNetworks).
 */
export function assertMasterAuthorizedNetworks(
  settings: Pick<GkeSettings, "masterAuthorizedNetworks">,
): void {
  if (settings.masterAuthorizedNetworks.length === 0) {
    throw new Error(
      "GKE: masterAuthorizedNetworks must list at least one network, the public address of the machine running `pulumi up` among them: with none, GKE refuses all external access to the API server",
    );
  }
}

/** The cluster, created after everything in `dependsOn` (the APIs, the agent's grants and the node roles). */
export function gkeCluster(
  scope: GcpScope,
  settings: GkeSettings,
  args: {
    network: gcp.compute.Network;
    subnetwork: gcp.compute.Subnetwork;
    nodeConfig: ReturnType<typeof secureNodeConfig>;
    secretsKey: gcp.kms.CryptoKey;
    dependsOn: pulumi.Resource[];
  },
): gcp.container.Cluster {
  const { project, region } = settings;
  return new gcp.container.Cluster(
    `${scope.name}-cluster`,
    {
      project,
      name: settings.clusterName,
      location: region,
      network: args.network.id,
      subnetwork: args.subnetwork.id,
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: {
        clusterSecondaryRangeName: PODS_RANGE_NAME,
        servicesSecondaryRangeName: SERVICES_RANGE_NAME,
      },
      // Node pools are separate resources; the default pool is deleted after creation.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      nodeConfig: args.nodeConfig,
      // Private nodes (CKV_GCP_25/64); the public endpoint only answers the authorized networks
      // (CKV_GCP_20/18).
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: false,
        masterIpv4CidrBlock: settings.masterCidr,
      },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: settings.masterAuthorizedNetworks.map((n) => ({
          cidrBlock: n.cidr,
          displayName: n.name,
        })),
        gcpPublicCidrsAccessEnabled: false,
      },
      releaseChannel: { channel: settings.releaseChannel },
      minMasterVersion: settings.kubernetesVersion,
      workloadIdentityConfig: { workloadPool: workloadPool(project) },
      // Dataplane V2 enforces NetworkPolicy itself; the Calico add-on must stay off (CKV_GCP_12).
      datapathProvider: "ADVANCED_DATAPATH",
      networkPolicy: { enabled: false },
      addonsConfig: {
        networkPolicyConfig: { disabled: true },
        gcePersistentDiskCsiDriverConfig: { enabled: true },
        httpLoadBalancing: { disabled: false },
        horizontalPodAutoscaling: { disabled: false },
      },
      enableShieldedNodes: true,
      databaseEncryption: { state: "ENCRYPTED", keyName: args.secretsKey.id },
      enableLegacyAbac: false,
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      loggingService: "logging.googleapis.com/kubernetes",
      monitoringService: "monitoring.googleapis.com/kubernetes",
      deletionProtection: settings.deletionProtection,
    },
    gcpOptions(scope, {
      protect: settings.protect,
      dependsOn: args.dependsOn,
      // The API reports the first node pool's config as the cluster's nodeConfig once the default
      // pool is gone, and the size of the deleted default pool: neither may trigger a replacement.
      ignoreChanges: ["initialNodeCount", "nodeConfig", "nodePools"],
    }),
  );
}

/** The secret exec kubeconfig of `cluster` and the Kubernetes provider that uses it. */
export function gkeClusterAccess(
  name: string,
  settings: GkeSettings,
  cluster: gcp.container.Cluster,
  parent: pulumi.Resource,
): { kubeconfig: pulumi.Output<string>; provider: k8s.Provider } {
  const contextName = gkeContextName(settings.project, settings.region, settings.clusterName);
  const kubeconfig = pulumi.secret(
    pulumi
      .all([cluster.endpoint, cluster.masterAuth])
      .apply(([endpoint, masterAuth]) =>
        gkeKubeconfig({ contextName, endpoint, caCertificate: masterAuth.clusterCaCertificate ?? "" }),
      ),
  );
  const provider = new k8s.Provider(
    `${name}-k8s`,
    {
      kubeconfig,
      // projects/<p>/locations/<l>/clusters/<name>: stable for the cluster's life, so a CA or
      // endpoint change updates the provider instead of replacing every Kubernetes object.
      clusterIdentifier: cluster.id,
    },
    { parent },
  );
  return { kubeconfig, provider };
}
