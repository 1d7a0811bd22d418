/**
 * The EKS target: the EksCluster component, which wires the parts built in this folder (the AWS
 * account, the network, the control plane, the nodes, the core add-ons and the identities it hands
 * out), and the pure helpers of those parts for tests and stack config.
 */
import type * as aws from "@pulumi/aws";
import { IdentityClusterComponent } from "../contract";
import {
  ClusterAutoscalerTarget,
  ClusterComponentOptions,
  EksSettings,
  UnsealKms,
  WorkloadIdentity,
} from "../types";
import { eksAws } from "./account";
import { ebsCsiDriver, eksAddon, gp3StorageClass, networkingAddons } from "./addons";
import { eksControlPlane, kubernetesAccess } from "./control-plane";
import { eksDns } from "./dns";
import { IrsaIssuer, bindClusterAutoscaler, bindServiceAccount, createUnsealKey } from "./identity";
import { eksNetwork, eksZones } from "./network";
import { eksNodeGroups, nodeGroupAsgArns, nodeRole } from "./nodes";
import { validateEksSettings } from "./validate";
import { LOAD_BALANCER_SERVICE_ANNOTATIONS, MANAGED_CAPABILITIES } from "../capabilities";

export * from "./checks";
export * from "./dns";
export * from "./iam";
export * from "./kubeconfig";
export * from "./network";
export * from "./names";
export { EKS_CONTROL_PLANE_LOG_TYPES } from "./control-plane";
export { amiTypeFor, parseTaint } from "./nodes";
export { validateEksSettings } from "./validate";

/** The in-tree (cloud-controller-manager) annotation that makes a LoadBalancer Service an NLB. */
export const NLB_SERVICE_ANNOTATIONS: Record<string, string> = { ...LOAD_BALANCER_SERVICE_ANNOTATIONS.eks };

/** How EKS scales its nodes: cluster-autoscaler on the node groups' Auto Scaling groups. */
export type EksNodeAutoscaling = { kind: "cluster-autoscaler" } & ClusterAutoscalerTarget;

/**
 * An EKS cluster in its own VPC: private/public subnets over N zones, NAT, KMS envelope encryption
 * of Secrets, all control-plane logs, API access entries, IRSA, managed node groups behind
 * IMDSv2-only launch templates, the core managed add-ons and a gp3 default StorageClass.
 */
export class EksCluster extends IdentityClusterComponent<EksNodeAutoscaling> {
  readonly target = "eks" as const;

  /** The AWS provider every AWS resource of this cluster (and of its bindings) uses. */
  readonly awsProvider: aws.Provider;
  readonly cluster: aws.eks.Cluster;
  readonly vpc: aws.ec2.Vpc;
  readonly privateSubnets: aws.ec2.Subnet[];
  readonly publicSubnets: aws.ec2.Subnet[];
  readonly oidcProvider: aws.iam.OpenIdConnectProvider;
  readonly nodeGroups: aws.eks.NodeGroup[];

  constructor(name: string, settings: EksSettings, opts?: ClusterComponentOptions) {
    super("kube-platform:cluster:EksCluster", name, opts);
    validateEksSettings(settings);
    const env = eksAws(name, settings, this);
    this.awsProvider = env.provider;

    // Regular zones EKS accepts for cluster subnets (eks/network.ts).
    const zones = eksZones(settings.region, settings.availabilityZoneCount, env.child);
    const net = eksNetwork(name, settings, zones, env.child);
    this.vpc = net.vpc;
    this.publicSubnets = net.publicSubnets;
    this.privateSubnets = net.privateSubnets;

    const nodes = nodeRole(name, settings, env);
    const cp = eksControlPlane(name, settings, env, net);
    this.cluster = cp.cluster;
    this.oidcProvider = cp.oidcProvider;

    const irsa: IrsaIssuer = {
      clusterName: settings.clusterName,
      oidcProviderArn: cp.oidcProvider.arn,
      oidcIssuer: cp.oidcIssuer,
      provider: env.provider,
    };
    const workloadIdentity: WorkloadIdentity = {
      mechanism: "irsa",
      bindServiceAccount: (bindName, sa, parent) => bindServiceAccount(irsa, bindName, sa, parent),
    };
    const unsealKms: UnsealKms = {
      createUnsealKey: (keyName, identity, parent) =>
        createUnsealKey(settings, env, keyName, identity, parent),
    };

    const addonArgs = { s: settings, env, cluster: cp.cluster };
    const { vpcCni, kubeProxy } = networkingAddons(name, addonArgs);
    this.nodeGroups = eksNodeGroups(
      name,
      settings,
      {
        cluster: cp.cluster,
        privateSubnets: net.privateSubnets,
        nodeRole: nodes.role,
        dependsOn: [...nodes.policies, ...net.privateRouting, vpcCni, kubeProxy],
      },
      env.child,
    );
    // Deployments: they need nodes to become ACTIVE.
    const coreDns = eksAddon(name, addonArgs, "coredns", {}, this.nodeGroups);
    const ebsCsi = ebsCsiDriver(name, addonArgs, workloadIdentity, this.nodeGroups);

    const k8sAccess = kubernetesAccess(name, settings, cp, this);
    const apiReady = [...cp.adminAccess, ...cp.deployerPath];
    const storageClass = gp3StorageClass(name, {
      parent: this,
      provider: k8sAccess.provider,
      dependsOn: [ebsCsi, ...apiReady],
    });

    const autoScalingGroupArns = nodeGroupAsgArns(this.nodeGroups, settings.region, env);
    const autoscalerScope = { autoScalingGroupArns, clusterArn: cp.cluster.arn };
    this.publish(
      {
        clusterName: cp.cluster.name,
        region: settings.region,
        kubernetesVersion: settings.kubernetesVersion,
        kubeconfig: k8sAccess.kubeconfig,
        provider: k8sAccess.provider,
        ready: [...this.nodeGroups, vpcCni, kubeProxy, coreDns, ...apiReady],
        // Volumes need the CSI driver and gp3; nothing else waits for them.
        storageReady: [ebsCsi, storageClass],
        defaultStorageClass: storageClass.metadata.name,
        loadBalancer: { addressKind: "hostname", serviceAnnotations: { ...NLB_SERVICE_ANNOTATIONS } },
        hasMetricsApi: MANAGED_CAPABILITIES.eks.metricsApi,
        nodeAutoscaling: {
          kind: "cluster-autoscaler",
          clusterName: cp.cluster.name,
          region: settings.region,
          kubernetesVersion: settings.kubernetesVersion,
          bindServiceAccount: (bindName, sa, parent) =>
            bindClusterAutoscaler(irsa, autoscalerScope, bindName, sa, parent),
          autoScalingGroupArns,
        },
        workloadIdentity,
        unsealKms,
        dns: eksDns(irsa, { partition: env.partition, region: settings.region }),
      },
      { clusterArn: cp.cluster.arn, oidcProviderArn: cp.oidcProvider.arn, vpcId: net.vpc.id },
    );
  }
}
