/** The exec-based kubeconfig of a GKE cluster (pure). */

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
