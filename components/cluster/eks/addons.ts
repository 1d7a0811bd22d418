/**
 * The EKS managed add-ons the cluster needs before anything runs on it (vpc-cni, kube-proxy,
 * coredns), the EBS CSI driver with its IRSA role, and the gp3 default StorageClass.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EksSettings, ServiceAccountRef, WorkloadIdentity } from "../types";
import { EksAws, managedPolicyArn } from "./account";
import { roleNameFromArn } from "./iam";

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
 * The EBS CSI driver add-on under an IRSA role (bound through `identity`, a child of the component)
 * with the managed EBS CSI policy. It is a Deployment: it waits for `nodeGroups` to become ACTIVE.
 */
export function ebsCsiDriver(
  name: string,
  a: { s: EksSettings; env: EksAws; cluster: aws.eks.Cluster },
  identity: WorkloadIdentity,
  nodeGroups: aws.eks.NodeGroup[],
): aws.eks.Addon {
  const ebsCsiIdentity = identity.bindServiceAccount(
    `${name}-ebs-csi`,
    KUBE_SYSTEM_EBS_CSI_SA,
    a.env.child.parent,
  );
  const ebsCsiPolicy = new aws.iam.RolePolicyAttachment(
    `${name}-ebs-csi-AmazonEBSCSIDriverPolicy`,
    {
      role: ebsCsiIdentity.principal.apply(roleNameFromArn),
      policyArn: managedPolicyArn(a.env.partition, "service-role/AmazonEBSCSIDriverPolicy"),
    },
    a.env.child,
  );
  return eksAddon(name, a, "aws-ebs-csi-driver", { serviceAccountRoleArn: ebsCsiIdentity.principal }, [
    ...nodeGroups,
    ebsCsiPolicy,
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
