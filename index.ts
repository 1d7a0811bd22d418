import { loadConfig } from "./stacks/config";
import { buildPlatform } from "./stacks/platform";

const platform = buildPlatform("kp", loadConfig());

export const {
  target,
  clusterName,
  region,
  kubeconfig,
  defaultStorageClass,
  ingressClass,
  loadBalancerAddress,
  clusterIssuer,
  vaultAddress,
  grafanaAdminPassword,
  // Per app: its public URL and in-cluster address (README "Stack outputs"; no secrets in it).
  apps,
} = platform.outputs;
