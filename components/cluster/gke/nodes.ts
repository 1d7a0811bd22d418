/**
 * The nodes: a dedicated least-privilege service account (CKV2_GCP_1), the shielded node configuration
 * every pool shares, and one autoscaling regional node pool per `settings.nodePools` entry.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GkeSettings } from "../types";
import { apiTaint } from "../shared";
import {
  CLOUD_PLATFORM_SCOPE,
  GKE_NODE_SERVICE_ACCOUNT_ROLES,
  gcpServiceAccountId,
  initialNodeCountPerZone,
} from "./names";
import { GcpScope, ProjectServices, gcpOptions } from "./project";

export interface GkeNodeServiceAccount {
  account: gcp.serviceaccount.Account;
  /** Its project roles: the cluster waits for them. */
  roles: gcp.projects.IAMMember[];
}

/** The node service account with GKE_NODE_SERVICE_ACCOUNT_ROLES in the project. */
export function nodeServiceAccount(
  scope: GcpScope,
  settings: GkeSettings,
  services: ProjectServices,
): GkeNodeServiceAccount {
  const { name } = scope;
  const { project } = settings;
  const account = new gcp.serviceaccount.Account(
    `${name}-nodes-sa`,
    {
      project,
      accountId: gcpServiceAccountId(settings.clusterName, "nodes"),
      displayName: `GKE nodes of ${settings.clusterName}`,
    },
    gcpOptions(scope, { dependsOn: [services["iam.googleapis.com"]] }),
  );
  const member = pulumi.interpolate`serviceAccount:${account.email}`;
  const roles = GKE_NODE_SERVICE_ACCOUNT_ROLES.map(
    (role) =>
      new gcp.projects.IAMMember(
        `${name}-nodes-${role.split("/")[1].replace(/\./g, "-")}`,
        { project, role, member },
        gcpOptions(scope),
      ),
  );
  return { account, roles };
}

/**
 * The shielded, metadata-concealing node configuration shared by every pool (and by the default pool,
 * which GKE creates with the cluster and this program deletes right away).
 */
export function secureNodeConfig(nodeServiceAccountEmail: pulumi.Output<string>) {
  return {
    serviceAccount: nodeServiceAccountEmail,
    oauthScopes: [CLOUD_PLATFORM_SCOPE],
    imageType: "COS_CONTAINERD",
    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    workloadMetadataConfig: { mode: "GKE_METADATA" },
    metadata: { "disable-legacy-endpoints": "true" },
  };
}

/** One autoscaling regional pool per `settings.nodePools` entry, created once Cloud NAT exists (`nat`). */
export function gkeNodePools(
  scope: GcpScope,
  settings: GkeSettings,
  args: {
    cluster: gcp.container.Cluster;
    nodeConfig: ReturnType<typeof secureNodeConfig>;
    nat: gcp.compute.RouterNat;
  },
): gcp.container.NodePool[] {
  return settings.nodePools.map(
    (pool) =>
      new gcp.container.NodePool(
        `${scope.name}-${pool.name}`,
        {
          project: settings.project,
          name: pool.name,
          location: settings.region,
          cluster: args.cluster.name,
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
            ...args.nodeConfig,
            machineType: pool.machineType,
            diskSizeGb: pool.diskSizeGb,
            diskType: "pd-balanced",
            labels: pool.labels,
            taints: pool.taints.map(apiTaint),
            resourceLabels: settings.tags,
          },
        },
        gcpOptions(scope, {
          // Workloads on the pool pull from public registries through Cloud NAT: `ready` implies egress.
          dependsOn: [args.nat],
          // The autoscaler owns the size.
          ignoreChanges: ["nodeCount", "initialNodeCount"],
          // The pool has a fixed name: a replacement must delete the old pool first.
          deleteBeforeReplace: true,
        }),
      ),
  );
}
