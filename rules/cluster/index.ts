/**
 * The cluster security rules, per cloud (EKS, GKE, AKS, DOKS) and for every cloud, over the cloud
 * resources as their Pulumi providers register them. docs/security-rules.md lists them (generated
 * from these lists by `npm run docs:rules`).
 */
import { ResourceRule, StackRule } from "../types";
import {
  aksApiServerAccess,
  aksAutoUpgrade,
  aksAzureCni,
  aksLocalAccounts,
  aksNetworkPolicy,
  aksNoNodePublicIp,
  aksPaidTier,
  aksRbac,
  aksSystemPoolCriticalOnly,
  aksWorkloadIdentity,
} from "./aks";
import { nodePoolAutoscaling } from "./autoscaling";
import { doksAutoUpgrade, doksHa, doksMaintenanceWindow, doksSurgeUpgrade } from "./doks";
import {
  eksControlPlaneLogs,
  eksEndpointAccess,
  eksImdsv2,
  eksIrsa,
  eksNoImplicitSsh,
  eksNoNodeSshKey,
  eksNodeAutoscaler,
  eksSecretsEncryption,
  eksSupportedVersion,
} from "./eks";
import {
  gkeLegacyAbac,
  gkeLoggingMonitoring,
  gkeMasterAuthorizedNetworks,
  gkeNetworkPolicy,
  gkeNoClientCert,
  gkeNodeAutoRepairUpgrade,
  gkeNodeServiceAccount,
  gkePrivateNodes,
  gkeReleaseChannel,
  gkeSecretsEncryption,
  gkeShieldedNodes,
  gkeWorkloadIdentity,
  gkeWorkloadMetadata,
} from "./gke";

export * from "./common";
export * from "./eks";
export * from "./gke";
export * from "./aks";
export * from "./doks";
export * from "./autoscaling";

export const CLUSTER_RESOURCE_RULES: ResourceRule[] = [
  eksEndpointAccess,
  eksSecretsEncryption,
  eksControlPlaneLogs,
  eksSupportedVersion,
  eksImdsv2,
  eksNoImplicitSsh,
  eksNoNodeSshKey,
  gkePrivateNodes,
  gkeMasterAuthorizedNetworks,
  gkeLegacyAbac,
  gkeNoClientCert,
  gkeNetworkPolicy,
  gkeShieldedNodes,
  gkeWorkloadMetadata,
  gkeNodeAutoRepairUpgrade,
  gkeNodeServiceAccount,
  gkeReleaseChannel,
  gkeLoggingMonitoring,
  gkeSecretsEncryption,
  gkeWorkloadIdentity,
  aksApiServerAccess,
  aksRbac,
  aksLocalAccounts,
  aksNetworkPolicy,
  aksAzureCni,
  aksAutoUpgrade,
  aksPaidTier,
  aksNoNodePublicIp,
  aksSystemPoolCriticalOnly,
  aksWorkloadIdentity,
  doksSurgeUpgrade,
  doksHa,
  doksMaintenanceWindow,
  nodePoolAutoscaling,
];

export const CLUSTER_STACK_RULES: StackRule[] = [eksIrsa, eksNodeAutoscaler, doksAutoUpgrade];

export const CLUSTER_RULES = [...CLUSTER_RESOURCE_RULES, ...CLUSTER_STACK_RULES];
