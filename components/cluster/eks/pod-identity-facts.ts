/** What EKS Pod Identity is called where the program, stack config and the rules meet (pure, no Pulumi). */

/** The managed add-on of the Pod Identity agent (EKS user guide "Amazon EKS add-ons", EKS Pod Identity Agent). */
export const POD_IDENTITY_AGENT_ADDON = "eks-pod-identity-agent";
