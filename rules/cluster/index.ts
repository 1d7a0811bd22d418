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
  eksKarpenterInterruption,
  eksLogGroupEncryption,
  eksNoImplicitSsh,
  eksNoNodeSshKey,
  eksNodeAutoscaler,
  eksSecretsEncryption,
  eksSqsEncryption,
  eksSupportedVersion,
} from "./eks";
import { eksPodIdentityAgent, eksPodIdentityTrust } from "./eks-identity";
import { eksKarpenterImdsv2, eksKarpenterNodePools, eksKarpenterVolumeEncryption } from "./karpenter";
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
export * from "./eks-identity";
export * from "./gke";
export * from "./aks";
export * from "./doks";
export * from "./autoscaling";
export * from "./karpenter";

export const CLUSTER_RESOURCE_RULES: ResourceRule[] = [
  eksEndpointAccess,
  eksSecretsEncryption,
  eksControlPlaneLogs,
  eksLogGroupEncryption,
  eksSupportedVersion,
  eksImdsv2,
  eksNoImplicitSsh,
  eksNoNodeSshKey,
  eksSqsEncryption,
  eksKarpenterImdsv2,
  eksKarpenterVolumeEncryption,
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

export const CLUSTER_STACK_RULES: StackRule[] = [
  eksIrsa,
  eksPodIdentityAgent,
  eksPodIdentityTrust,
  eksNodeAutoscaler,
  eksKarpenterInterruption,
  eksKarpenterNodePools,
  doksAutoUpgrade,
];

export const CLUSTER_RULES = [...CLUSTER_RESOURCE_RULES, ...CLUSTER_STACK_RULES];
