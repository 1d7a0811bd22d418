import { loadConfig } from "./stacks/config";
import { buildPlatform, loadVolumeGuard } from "./stacks/platform";

// The volume add-ons wait for a check of their volume settings against this stack's last deployment.
const platform = buildPlatform("kp", loadConfig(), loadVolumeGuard());

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
  // The volume settings the guard compares (README "Stack outputs"; not secret).
  volumeSettings,
} = platform.outputs;
