/**
 * The EKS managed add-ons the cluster needs before anything runs on it (vpc-cni, kube-proxy, the Pod
 * Identity agent, coredns), the EBS CSI driver with its IAM role, and the gp3 default StorageClass.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EksSettings, ServiceAccountRef } from "../types";
import { EksAws, managedPolicyArn } from "./account";
import { roleNameFromArn } from "./iam";
import { WorkloadIdentityIssuer, workloadRole } from "./identity";
import { POD_IDENTITY_AGENT_ADDON } from "./pod-identity";

const KUBE_SYSTEM_EBS_CSI_SA: ServiceAccountRef = { namespace: "kube-system", name: "ebs-csi-controller-sa" };

/** One managed add-on `<name>-<addonName>` at the default version for the cluster's Kubernetes version. */
export function eksAddon(
  name: string,
  a: { s: EksSettings; env: EksAws; cluster: aws.eks.Cluster },
  addonName: string,
  extra: Partial<aws.eks.AddonArgs>,
  dependsOn: pulumi.Input<pulumi.Resource>[],
): aws.eks.Addon {
  return new aws.eks.Addon(
    `${name}-${addonName}`,
    {
      clusterName: a.cluster.name,
      addonName,
      // The default version for the cluster's Kubernetes version: a version bump upgrades the add-ons.
      addonVersion: aws.eks.getAddonVersionOutput(
        { addonName, kubernetesVersion: a.s.kubernetesVersion, mostRecent: false },
        a.env.child,
      ).version,
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      ...extra,
    },
    { ...a.env.child, dependsOn },
  );
}

/**
 * The networking add-ons. They are DaemonSets: installed before the nodes, so nodes come up with
 * them.
 */
export function networkingAddons(
  name: string,
  a: { s: EksSettings; env: EksAws; cluster: aws.eks.Cluster },
): { vpcCni: aws.eks.Addon; kubeProxy: aws.eks.Addon } {
  const vpcCni = eksAddon(
    name,
    a,
    "vpc-cni",
    // NetworkPolicy enforcement by the VPC CNI's network policy agent (off by default on EKS).
    { configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) },
    [],
  );
  const kubeProxy = eksAddon(name, a, "kube-proxy", {}, []);
  return { vpcCni, kubeProxy };
}

/**
 * The Pod Identity agent (EKS user guide "Set up the Amazon EKS Pod Identity Agent"): a DaemonSet, so
 * installed before the nodes like the networking add-ons, and every node comes up with it. It uses the
 * node role, whose AmazonEKSWorkerNodePolicy allows `eks-auth:AssumeRoleForPodIdentity` (the guide's
 * agent prerequisites; "AWS managed policies for Amazon EKS", AmazonEKSWorkerNodePolicy).
 */
export function podIdentityAgent(
  name: string,
  a: { s: EksSettings; env: EksAws; cluster: aws.eks.Cluster },
): aws.eks.Addon {
  return eksAddon(name, a, POD_IDENTITY_AGENT_ADDON, {}, []);
}

/**
 * How the EBS CSI add-on reaches its role. Pod Identity: an association the add-on owns
 * (`podIdentityAssociations`; EKS user guide "IAM roles for Amazon EKS add-ons": add-on-owned
 * associations are deleted with the add-on, and an add-on cannot take over an association made
 * outside it — so the binding makes none of its own for this ServiceAccount), after the agent.
 * `serviceAccountRoleArn` stays set with both mechanisms: "if the EKS pod identity agent is installed
 * on the cluster, the serviceAccountRoleArn will be ignored" (the same page), and unsetting it on an
 * existing add-on fails — the provider sends an empty role ARN, which UpdateAddon refuses
 * (terraform-provider-aws internal/service/eks/addon.go resourceAddonUpdate; issue #30645). A change
 * of the add-on's associations "initiates a rolling restart of the add-on pods" (same page).
 */
export function ebsCsiIdentityArgs(
  issuer: Pick<WorkloadIdentityIssuer, "mechanism">,
  roleArn: pulumi.Output<string>,
): Pick<aws.eks.AddonArgs, "serviceAccountRoleArn" | "podIdentityAssociations"> {
  return issuer.mechanism === "podIdentity"
    ? {
        serviceAccountRoleArn: roleArn,
        podIdentityAssociations: [{ roleArn, serviceAccount: KUBE_SYSTEM_EBS_CSI_SA.name }],
      }
    : { serviceAccountRoleArn: roleArn };
}

/**
 * The EBS CSI driver add-on under its IAM role (a child of the component) with the managed EBS CSI
 * policy. It is a Deployment: it waits for `nodeGroups` to become ACTIVE (and for the agent).
 */
export function ebsCsiDriver(
  name: string,
  a: { s: EksSettings; env: EksAws; cluster: aws.eks.Cluster },
  issuer: WorkloadIdentityIssuer,
  nodeGroups: aws.eks.NodeGroup[],
): aws.eks.Addon {
  const role = workloadRole(issuer, `${name}-ebs-csi`, KUBE_SYSTEM_EBS_CSI_SA, a.env.child.parent);
  const ebsCsiPolicy = new aws.iam.RolePolicyAttachment(
    `${name}-ebs-csi-AmazonEBSCSIDriverPolicy`,
    {
      role: role.arn.apply(roleNameFromArn),
      policyArn: managedPolicyArn(a.env.partition, "service-role/AmazonEBSCSIDriverPolicy"),
    },
    a.env.child,
  );
  return eksAddon(name, a, "aws-ebs-csi-driver", ebsCsiIdentityArgs(issuer, role.arn), [
    ...nodeGroups,
    ebsCsiPolicy,
    ...(issuer.mechanism === "podIdentity" ? [issuer.agent] : []),
  ]);
}

/** The default StorageClass `gp3`: encrypted gp3 volumes of the EBS CSI driver, bound at first use. */
export function gp3StorageClass(
  name: string,
  opts: { parent: pulumi.Resource; provider: k8s.Provider; dependsOn: pulumi.Resource[] },
): k8s.storage.v1.StorageClass {
  return new k8s.storage.v1.StorageClass(
    `${name}-gp3`,
    {
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    },
    opts,
  );
}
