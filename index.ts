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
} = platform.outputs;
