/** The exec-based kubeconfig of an EKS cluster (pure). */
export interface KubeconfigArgs {
  clusterName: string;
  endpoint: string;
  certificateAuthorityData: string;
  region: string;
  profile?: string;
  roleArn?: string;
}

/**
 * An exec-based kubeconfig: kubectl / the Kubernetes provider run `aws eks get-token` for a
 * short-lived token at every use, so the kubeconfig itself never changes when credentials rotate.
 */
export function buildKubeconfig(a: KubeconfigArgs): string {
  const args = ["eks", "get-token", "--cluster-name", a.clusterName, "--region", a.region];
  if (a.roleArn) args.push("--role-arn", a.roleArn);
  if (a.profile) args.push("--profile", a.profile);
  // Guard against a user-level `output = text|yaml` in ~/.aws/config.
  args.push("--output", "json");
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: a.clusterName,
        cluster: { server: a.endpoint, "certificate-authority-data": a.certificateAuthorityData },
      },
    ],
    contexts: [{ name: a.clusterName, context: { cluster: a.clusterName, user: a.clusterName } }],
    "current-context": a.clusterName,
    users: [
      {
        name: a.clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args,
            interactiveMode: "Never",
          },
        },
      },
    ],
    preferences: {},
  });
}
