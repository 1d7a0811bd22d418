import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import {
  BoundIdentity,
  ClusterComponentOptions,
  GkeSettings,
  ManagedCluster,
  SealStanza,
  ServiceAccountRef,
  UnsealKms,
  WorkloadIdentity,
} from "./types";
import { apiTaint, assertNodePools, shortHash } from "./shared";

/** APIs the cluster needs in its project. They are never disabled on destroy (other users may rely on them). */
export const GKE_PROJECT_SERVICES = [
  "compute.googleapis.com",
  "container.googleapis.com",
  "cloudkms.googleapis.com",
  "iam.googleapis.com",
] as const;

/**
 * Project roles of the dedicated node service account (CKV2_GCP_1, CIS GKE 5.2.1):
 * `roles/container.defaultNodeServiceAccount` is Google's least-privilege role for node system
 * tasks (logging, monitoring, metadata, autoscaling metrics); `roles/artifactregistry.reader`
 * lets the kubelet pull the project's private images. Workloads get cloud access through
 * Workload Identity, never through the node account.
 */
export const GKE_NODE_SERVICE_ACCOUNT_ROLES = [
  "roles/container.defaultNodeServiceAccount",
  "roles/artifactregistry.reader",
] as const;

/** Zones a regional cluster spreads each node pool over when `nodeLocations` is not set. */
export const GKE_DEFAULT_ZONES_PER_REGION = 3;

/** Rotation period of the KMS keys (90 days: CKV_GCP_43). */
export const KMS_ROTATION_PERIOD = "7776000s";

/** Secondary range names on the node subnetwork. */
export const PODS_RANGE_NAME = "pods";
export const SERVICES_RANGE_NAME = "services";

const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const KMS_ENCRYPTER_DECRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter";
/** Vault's gcpckms seal calls GetCryptoKey at start-up (cloudkms.cryptoKeys.get), which the encrypter role lacks. */
const KMS_VIEWER = "roles/cloudkms.viewer";

/**
 * The project role the GKE service agent normally gets when GCP creates it: a service agent created on
 * request (services.generateServiceIdentity) may have none ("service agents that are created at a
 * user's request aren't automatically granted roles", IAM "Create and grant roles to service agents").
 */
export const GKE_SERVICE_AGENT_ROLE = "roles/container.serviceAgent";

/**
 * How long the cluster waits after the grants to the GKE service agent: IAM policy changes are
 * eventually consistent, "typically 2 minutes, potentially 7 minutes or longer" (IAM "Access change
 * propagation"), and GKE needs the key at creation ("you must first create a Cloud KMS key and give
 * the GKE service account access to the key"; GKE encrypts every Secret with it from the start, GKE
 * "Encrypt secrets at the application layer").
 */
export const GKE_AGENT_GRANT_PROPAGATION = "2m";

/* ------------------------------------------------------------------------------------------ */
/* Pure helpers                                                                               */
/* ------------------------------------------------------------------------------------------ */

/** A GKE node taint as the API wants it. */
export type GkeTaint = ReturnType<typeof apiTaint>;

/** Parses a Kubernetes taint `key=value:Effect` (or `key:Effect`) into GKE's form. */
export const parseGkeTaint = apiTaint;

const SERVICE_ACCOUNT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/**
 * A Google service account ID (6-30 characters, `[a-z][a-z0-9-]*[a-z0-9]`) for `name` in the
 * scope of `prefix` (the cluster name, so that stacks sharing a project do not collide). When
 * `prefix-name` is already a valid ID it is used as is; otherwise it is sanitized, truncated and
 * suffixed with a hash of the original, so distinct names always give distinct IDs.
 */
export function gcpServiceAccountId(prefix: string, name: string): string {
  const raw = `${prefix}-${name}`;
  if (SERVICE_ACCOUNT_ID.test(raw)) return raw;
  const hash = shortHash(raw, 8);
  const sanitized = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^a-z]+/, "");
  const head = (sanitized || "sa").slice(0, 30 - hash.length - 1).replace(/-+$/, "");
  return `${head}-${hash}`;
}

/** The Workload Identity principal of a Kubernetes ServiceAccount: `serviceAccount:<project>.svc.id.goog[<ns>/<name>]`. */
export function workloadIdentityMember(project: string, sa: ServiceAccountRef): string {
  return `serviceAccount:${workloadPool(project)}[${sa.namespace}/${sa.name}]`;
}

/** The cluster's Workload Identity pool. */
export function workloadPool(project: string): string {
  return `${project}.svc.id.goog`;
}

/**
 * The node count per zone a pool starts with so that the whole regional pool starts at (or just
 * above) its total minimum. Only used at creation: afterwards the autoscaler owns the size.
 */
export function initialNodeCountPerZone(totalMinNodes: number, zones = GKE_DEFAULT_ZONES_PER_REGION): number {
  return Math.max(1, Math.ceil(totalMinNodes / zones));
}

/**
 * The IAM member of the GKE service agent: the email the ServiceIdentity returned, or the name the
 * GKE docs give it (`service-<project number>@container-engine-robot.iam.gserviceaccount.com`)
 * when the API returned none.
 */
export function gkeServiceAgentMember(email: string | undefined, projectNumber: string): string {
  return `serviceAccount:${email || `service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`}`;
}

/** The kubeconfig context name gcloud uses. */
export function gkeContextName(project: string, location: string, clusterName: string): string {
  return `gke_${project}_${location}_${clusterName}`;
}

/**
 * An exec-based kubeconfig: kubectl / the Kubernetes provider get a fresh token from
 * `gke-gcloud-auth-plugin` on every use, so the kubeconfig holds no credential and never
 * changes when tokens rotate. JSON is valid YAML, and a valid kubeconfig.
 */
export function gkeKubeconfig(args: {
  contextName: string;
  endpoint: string;
  caCertificate: string;
}): string {
  const { contextName, endpoint, caCertificate } = args;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: contextName,
        cluster: { server: `https://${endpoint}`, "certificate-authority-data": caCertificate },
      },
    ],
    contexts: [{ name: contextName, context: { cluster: contextName, user: contextName } }],
    "current-context": contextName,
    preferences: {},
    users: [
      {
        name: contextName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "gke-gcloud-auth-plugin",
            installHint:
              "Install gke-gcloud-auth-plugin for use with kubectl by following " +
              "https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin",
            provideClusterInfo: true,
          },
        },
      },
    ],
  });
}

/* ------------------------------------------------------------------------------------------ */
/* Component                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/**
 * A regional, private-node GKE Standard cluster with its own VPC, Cloud NAT, a least-privilege
 * node service account, KMS application-layer secrets encryption, Dataplane V2 and Workload
 * Identity, plus one autoscaling node pool per `settings.nodePools` entry.
 */
export class GkeCluster extends pulumi.ComponentResource implements ManagedCluster {
  readonly target = "gke" as const;
  readonly clusterName: pulumi.Output<string>;
  readonly region: string;
  readonly kubernetesVersion: string;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly ready: pulumi.Resource[];
  /** The cloud ships the CSI driver and the default StorageClass. */
  readonly storageReady: pulumi.Resource[] = [];
  readonly defaultStorageClass: pulumi.Output<string>;
  readonly loadBalancer: ManagedCluster["loadBalancer"] = { addressKind: "ip", serviceAnnotations: {} };
  /** GKE runs metrics-server itself. */
  readonly hasMetricsApi = true;
  /** GKE node pools autoscale natively. */
  readonly nodeAutoscaling = { kind: "native" } as const;
  readonly workloadIdentity: WorkloadIdentity;
  readonly unsealKms: UnsealKms;

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
    super("kube-platform:cluster:GkeCluster", name, {}, opts);
    assertNodePools("GKE", settings.nodePools);
    // Authorized networks are always on: with no cidrBlocks GKE "disallows all external traffic" to
    // the endpoint (GKE API MasterAuthorizedNetworksConfig), so the deployer could not create a
    // single Kubernetes object. Stack config reports it first (cluster.masterAuthorizedNetworks).
    if (settings.masterAuthorizedNetworks.length === 0) {
      throw new Error(
        "GKE: masterAuthorizedNetworks must list at least one network, the public address of the machine running `pulumi up` among them: with none, GKE refuses all external access to the API server",
      );
    }
    const { project, region, protect } = settings;
    this.region = region;
    this.kubernetesVersion = settings.kubernetesVersion;

    const provider = new gcp.Provider(
      `${name}-gcp`,
      { project, region, defaultLabels: settings.tags },
      { parent: this },
    );
    this.gcpProvider = provider;
    const gopts = (extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions => ({
      parent: this,
      provider,
      ...extra,
    });

    // Project APIs. disableOnDestroy false: destroying this stack must not switch off an API
    // something else in the project uses.
    const services = Object.fromEntries(
      GKE_PROJECT_SERVICES.map((service) => [
        service,
        new gcp.projects.Service(
          `${name}-${service.split(".")[0]}-api`,
          { project, service, disableOnDestroy: false },
          gopts(),
        ),
      ]),
    ) as Record<(typeof GKE_PROJECT_SERVICES)[number], gcp.projects.Service>;

    // Network: a custom-mode VPC, one regional subnetwork with the pod and service ranges, and
    // Cloud NAT so that private nodes (no external IPs) can reach registries and Google APIs.
    this.network = new gcp.compute.Network(
      `${name}-vpc`,
      {
        project,
        name: `${settings.clusterName}-vpc`,
        autoCreateSubnetworks: false,
        routingMode: "REGIONAL",
      },
      gopts({ protect, dependsOn: [services["compute.googleapis.com"]] }),
    );
    this.subnetwork = new gcp.compute.Subnetwork(
      `${name}-nodes`,
      {
        project,
        region,
        name: `${settings.clusterName}-nodes`,
        network: this.network.id,
        ipCidrRange: settings.nodesCidr,
        privateIpGoogleAccess: true,
        secondaryIpRanges: [
          { rangeName: PODS_RANGE_NAME, ipCidrRange: settings.podsCidr },
          { rangeName: SERVICES_RANGE_NAME, ipCidrRange: settings.servicesCidr },
        ],
      },
      gopts({ protect }),
    );
    const router = new gcp.compute.Router(
      `${name}-router`,
      { project, region, name: `${settings.clusterName}-router`, network: this.network.id },
      gopts(),
    );
    const nat = new gcp.compute.RouterNat(
      `${name}-nat`,
      {
        project,
        region,
        name: `${settings.clusterName}-nat`,
        router: router.name,
        natIpAllocateOption: "AUTO_ONLY",
        sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
        subnetworks: [{ name: this.subnetwork.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
        logConfig: { enable: true, filter: "ERRORS_ONLY" },
      },
      gopts(),
    );

    // Dedicated least-privilege node service account (CKV2_GCP_1).
    this.nodeServiceAccount = new gcp.serviceaccount.Account(
      `${name}-nodes-sa`,
      {
        project,
        accountId: gcpServiceAccountId(settings.clusterName, "nodes"),
        displayName: `GKE nodes of ${settings.clusterName}`,
      },
      gopts({ dependsOn: [services["iam.googleapis.com"]] }),
    );
    const nodeSaMember = pulumi.interpolate`serviceAccount:${this.nodeServiceAccount.email}`;
    const nodeSaRoles = GKE_NODE_SERVICE_ACCOUNT_ROLES.map(
      (role) =>
        new gcp.projects.IAMMember(
          `${name}-nodes-${role.split("/")[1].replace(/\./g, "-")}`,
          { project, role, member: nodeSaMember },
          gopts(),
        ),
    );

    // Application-layer secrets encryption: a KMS key in the cluster's region, usable by the GKE
    // service agent only. Key rings cannot be deleted in Cloud KMS, so their names are left to
    // Pulumi's auto-naming (a random suffix): a re-created stack never collides with the old ring.
    this.keyRing = new gcp.kms.KeyRing(
      `${name}-keyring`,
      { project, location: region },
      gopts({ protect, dependsOn: [services["cloudkms.googleapis.com"]] }),
    );
    this.secretsKey = new gcp.kms.CryptoKey(
      `${name}-secrets`,
      { keyRing: this.keyRing.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: KMS_ROTATION_PERIOD },
      gopts({ protect }),
    );
    const projectInfo = gcp.organizations.getProjectOutput(
      { projectId: project },
      { parent: this, provider },
    );
    // In a fresh project the GKE service agent is created lazily, some time after the container
    // API is enabled: a grant to it right away fails with "service account does not exist". The
    // Service Usage API's services.generateServiceIdentity creates it now (google_project_service_identity;
    // the provider notes the API may return no email, hence the documented name as fallback).
    this.gkeServiceAgent = new gcp.projects.ServiceIdentity(
      `${name}-gke-agent`,
      { project, service: "container.googleapis.com" },
      gopts({ dependsOn: [services["container.googleapis.com"]] }),
    );
    const gkeServiceAgent = pulumi
      .all([this.gkeServiceAgent.email, projectInfo.number])
      .apply(([email, number]) => gkeServiceAgentMember(email, number));
    const secretsKeyGrant = new gcp.kms.CryptoKeyIAMMember(
      `${name}-secrets-gke-agent`,
      { cryptoKeyId: this.secretsKey.id, role: KMS_ENCRYPTER_DECRYPTER, member: gkeServiceAgent },
      gopts({ dependsOn: [this.gkeServiceAgent] }),
    );
    // Kept on destroy: other clusters of the project rely on the agent's project role.
    const agentRole = new gcp.projects.IAMMember(
      `${name}-gke-agent-role`,
      { project, role: GKE_SERVICE_AGENT_ROLE, member: gkeServiceAgent },
      gopts({ dependsOn: [this.gkeServiceAgent], retainOnDelete: true }),
    );
    // Created once with the grants; new grants (a new key, a new agent) change the trigger and wait again.
    const agentGrantsPropagated = new time.Sleep(
      `${name}-gke-agent-propagation`,
      {
        createDuration: GKE_AGENT_GRANT_PROPAGATION,
        triggers: { keyGrant: secretsKeyGrant.id, agentRole: agentRole.id },
      },
      { parent: this, dependsOn: [secretsKeyGrant, agentRole] },
    );

    // The shielded, metadata-concealing node configuration shared by every pool (and by the
    // default pool, which GKE creates with the cluster and this program deletes right away).
    const secureNodeConfig = {
      serviceAccount: this.nodeServiceAccount.email,
      oauthScopes: [CLOUD_PLATFORM_SCOPE],
      imageType: "COS_CONTAINERD",
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      workloadMetadataConfig: { mode: "GKE_METADATA" },
      metadata: { "disable-legacy-endpoints": "true" },
    };

    this.cluster = new gcp.container.Cluster(
      `${name}-cluster`,
      {
        project,
        name: settings.clusterName,
        location: region,
        network: this.network.id,
        subnetwork: this.subnetwork.id,
        networkingMode: "VPC_NATIVE",
        ipAllocationPolicy: {
          clusterSecondaryRangeName: PODS_RANGE_NAME,
          servicesSecondaryRangeName: SERVICES_RANGE_NAME,
        },
        // Node pools are separate resources; the default pool is deleted after creation.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        nodeConfig: secureNodeConfig,
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
        databaseEncryption: { state: "ENCRYPTED", keyName: this.secretsKey.id },
        enableLegacyAbac: false,
        masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
        loggingService: "logging.googleapis.com/kubernetes",
        monitoringService: "monitoring.googleapis.com/kubernetes",
        deletionProtection: settings.deletionProtection,
      },
      gopts({
        protect,
        dependsOn: [
          services["container.googleapis.com"],
          secretsKeyGrant,
          agentRole,
          agentGrantsPropagated,
          ...nodeSaRoles,
        ],
        // The API reports the first node pool's config as the cluster's nodeConfig once the default
        // pool is gone, and the size of the deleted default pool: neither may trigger a replacement.
        ignoreChanges: ["initialNodeCount", "nodeConfig", "nodePools"],
      }),
    );
    this.clusterName = this.cluster.name;

    this.nodePools = settings.nodePools.map(
      (pool) =>
        new gcp.container.NodePool(
          `${name}-${pool.name}`,
          {
            project,
            name: pool.name,
            location: region,
            cluster: this.cluster.name,
            initialNodeCount: initialNodeCountPerZone(pool.minNodes),
            // Totals over all zones of the regional pool (per-zone min/max would multiply by the zone count).
            autoscaling: {
              totalMinNodeCount: pool.minNodes,
              totalMaxNodeCount: pool.maxNodes,
              locationPolicy: "BALANCED",
            },
            management: { autoRepair: true, autoUpgrade: true },
            upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
            nodeConfig: {
              ...secureNodeConfig,
              machineType: pool.machineType,
              diskSizeGb: pool.diskSizeGb,
              diskType: "pd-balanced",
              labels: pool.labels,
              taints: pool.taints.map(parseGkeTaint),
              resourceLabels: settings.tags,
            },
          },
          gopts({
            // Workloads on the pool pull from public registries through Cloud NAT: `ready` implies egress.
            dependsOn: [nat],
            // The autoscaler owns the size.
            ignoreChanges: ["nodeCount", "initialNodeCount"],
            // The pool has a fixed name: a replacement must delete the old pool first.
            deleteBeforeReplace: true,
          }),
        ),
    );
    this.ready = [...this.nodePools];

    const contextName = gkeContextName(project, region, settings.clusterName);
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([this.cluster.endpoint, this.cluster.masterAuth])
        .apply(([endpoint, masterAuth]) =>
          gkeKubeconfig({ contextName, endpoint, caCertificate: masterAuth.clusterCaCertificate ?? "" }),
        ),
    );
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: this.kubeconfig,
        // projects/<p>/locations/<l>/clusters/<name>: stable for the cluster's life, so a CA or
        // endpoint change updates the provider instead of replacing every Kubernetes object.
        clusterIdentifier: this.cluster.id,
      },
      { parent: this },
    );
    this.defaultStorageClass = pulumi.output("standard-rwo");

    const cluster = this.cluster;
    const keyRing = this.keyRing;
    this.workloadIdentity = {
      mechanism: "gke-workload-identity",
      bindServiceAccount(bindingName: string, sa: ServiceAccountRef, parent: pulumi.Resource): BoundIdentity {
        const account = new gcp.serviceaccount.Account(
          `${name}-${bindingName}-gsa`,
          {
            project,
            accountId: gcpServiceAccountId(settings.clusterName, bindingName),
            displayName: `${sa.namespace}/${sa.name} on ${settings.clusterName}`,
          },
          { parent, provider },
        );
        const binding = new gcp.serviceaccount.IAMMember(
          `${name}-${bindingName}-wi`,
          {
            serviceAccountId: account.name,
            role: "roles/iam.workloadIdentityUser",
            member: workloadIdentityMember(project, sa),
          },
          // The identity pool exists once the cluster with Workload Identity does.
          { parent, provider, dependsOn: [cluster] },
        );
        return {
          // Carries the binding as a dependency: pods annotated with it start once they may use it.
          serviceAccountAnnotations: pulumi
            .all([account.email, binding.id])
            .apply(([email]): Record<string, string> => ({ "iam.gke.io/gcp-service-account": email })),
          podLabels: {},
          principal: account.email,
        };
      },
    };

    this.unsealKms = {
      createUnsealKey(
        keyName: string,
        identity: BoundIdentity,
        parent: pulumi.Resource,
      ): pulumi.Output<SealStanza> {
        // In the cluster's key ring (same project and region, already protected); access is
        // granted on this key only, so the ring's other keys stay out of the identity's reach.
        const key = new gcp.kms.CryptoKey(
          `${name}-${keyName}-unseal`,
          { keyRing: keyRing.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: KMS_ROTATION_PERIOD },
          { parent, provider, protect },
        );
        const member = pulumi.interpolate`serviceAccount:${identity.principal}`;
        const grants = [KMS_ENCRYPTER_DECRYPTER, KMS_VIEWER].map(
          (role) =>
            new gcp.kms.CryptoKeyIAMMember(
              `${name}-${keyName}-unseal-${role.split(".")[1]}`,
              { cryptoKeyId: key.id, role, member },
              { parent, provider },
            ),
        );
        return pulumi
          .all([keyRing.name, keyRing.location, key.name, ...grants.map((g) => g.id)])
          .apply(([ring, location, cryptoKey]): SealStanza => ({
            type: "gcpckms",
            attributes: { project, region: location, key_ring: ring, crypto_key: cryptoKey },
          }));
      },
    };

    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      endpoint: this.cluster.endpoint,
      network: this.network.id,
      secretsKey: this.secretsKey.id,
    });
  }
}
