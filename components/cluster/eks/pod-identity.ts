/**
 * EKS Pod Identity: the agent add-on every node runs, and the association that hands a ServiceAccount
 * an IAM role (with the wait for it to take effect before any pod of that ServiceAccount starts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { ServiceAccountRef, WorkloadIdentity } from "../types";
import { propagationWait } from "../identity-common";
import type { EksWorkloadIdentity } from "./settings";

export { POD_IDENTITY_AGENT_ADDON } from "./pod-identity-facts";

/** The contract's name for each `cluster.workloadIdentity`. */
export const WORKLOAD_IDENTITY_MECHANISMS: Readonly<
  Record<EksWorkloadIdentity, WorkloadIdentity["mechanism"]>
> = {
  irsa: "irsa",
  podIdentity: "eks-pod-identity",
};

/**
 * How long a new association is given before a pod may use it. Associations "are eventually
 * consistent, and may take several seconds to be effective after the initial API call returns"
 * (EKS API reference, CreatePodIdentityAssociation / UpdatePodIdentityAssociation), and the pod
 * mutation happens once, at admission: a pod admitted before EKS knows the association gets no
 * credentials environment until it is replaced (aws/amazon-eks-pod-identity-webhook,
 * pkg/handler/handler.go buildPodPatchConfig: the container-credentials patch only for a known
 * association).
 */
export const POD_IDENTITY_ASSOCIATION_PROPAGATION = "30s";

/** An association and the wait after it (children of `parent`). */
export interface PodIdentityBinding {
  association: aws.eks.PodIdentityAssociation;
  propagated: time.Sleep;
}

/**
 * The association of `sa` in `clusterName` with `roleArn` (EKS user guide "Assign an IAM role to a
 * Kubernetes service account"). Session tags stay on: the role's trust reads them
 * (iam.ts podIdentityTrustStatement). It waits for the agent add-on, so anything that waits for the
 * association (the ServiceAccount annotations of the binding) waits for the agent too.
 */
export function podIdentityAssociation(
  name: string,
  a: {
    clusterName: pulumi.Input<string>;
    sa: ServiceAccountRef;
    roleArn: pulumi.Input<string>;
    agent: aws.eks.Addon;
    provider: aws.Provider;
  },
  parent: pulumi.Resource,
): PodIdentityBinding {
  const association = new aws.eks.PodIdentityAssociation(
    `${name}-pod-identity`,
    {
      clusterName: a.clusterName,
      namespace: a.sa.namespace,
      serviceAccount: a.sa.name,
      roleArn: a.roleArn,
      disableSessionTags: false,
    },
    { parent, provider: a.provider, dependsOn: [a.agent] },
  );
  const propagated = propagationWait(
    `${name}-pod-identity-propagation`,
    POD_IDENTITY_ASSOCIATION_PROPAGATION,
    { association },
    parent,
  );
  return { association, propagated };
}
