/**
 * The AKS user kubeconfig, made non-interactive: AKS returns an interactive kubelogin (devicecode) user
 * for `listClusterUserCredential?format=exec`; Pulumi and CI need one that takes the Azure CLI token.
 */
import { parse as parseYaml } from "yaml";

/** What the AKS-issued kubeconfig says about the API server. */
export interface AksKubeconfigParts {
  server: string;
  certificateAuthorityData: string;
  /** The Entra ID application of the AKS API server (`--server-id` of kubelogin). */
  serverId: string;
}

interface KubeconfigDoc {
  clusters?: { cluster?: { server?: string; "certificate-authority-data"?: string } }[];
  users?: { user?: { exec?: { args?: string[] } } }[];
}

/**
 * Reads server, CA and kubelogin server id from the kubeconfig AKS returns for
 * `listClusterUserCredential?format=exec` (one cluster, one kubelogin exec user).
 */
export function parseAksKubeconfig(kubeconfigYaml: string): AksKubeconfigParts {
  const doc = parseYaml(kubeconfigYaml) as KubeconfigDoc | null;
  const cluster = doc?.clusters?.[0]?.cluster;
  const args = doc?.users?.[0]?.user?.exec?.args ?? [];
  const idIndex = args.indexOf("--server-id");
  const serverId =
    idIndex >= 0 ? args[idIndex + 1] : args.find((a) => a.startsWith("--server-id="))?.split("=")[1];
  const server = cluster?.server;
  const ca = cluster?.["certificate-authority-data"];
  if (!server || !ca || !serverId) {
    throw new Error(
      "unexpected AKS kubeconfig: need clusters[0].cluster.server, certificate-authority-data and a kubelogin " +
        "exec user with --server-id (request the credentials with format=exec on an Entra ID cluster)",
    );
  }
  return { server, certificateAuthorityData: ca, serverId };
}

/**
 * Rewrites the AKS user kubeconfig (interactive `kubelogin --login devicecode`) into a non-interactive one
 * that takes the token of the logged-in Azure CLI (`az login` locally, azure/login in CI):
 * `kubelogin get-token --login azurecli --server-id <id>` — what `kubelogin convert-kubeconfig -l azurecli`
 * produces. No token is stored, so refreshes never change it. Returned as JSON (valid YAML).
 */
export function aksAzureCliKubeconfig(kubeconfigYaml: string, clusterName: string): string {
  const parts = parseAksKubeconfig(kubeconfigYaml);
  const user = `${clusterName}-azurecli`;
  return JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: clusterName,
          cluster: { server: parts.server, "certificate-authority-data": parts.certificateAuthorityData },
        },
      ],
      contexts: [{ name: clusterName, context: { cluster: clusterName, user } }],
      "current-context": clusterName,
      users: [
        {
          name: user,
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "kubelogin",
              args: ["get-token", "--login", "azurecli", "--server-id", parts.serverId],
              interactiveMode: "Never",
              provideClusterInfo: false,
              installHint:
                "kubelogin is required (https://azure.github.io/kubelogin/) and an Azure CLI session (az login).",
            },
          },
        },
      ],
    },
    null,
    2,
  );
}
