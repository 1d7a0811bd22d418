/**
 * The EKS target: the EksCluster component, which wires the parts built in this folder (the AWS
 * account, the network, the control plane, the nodes, the core add-ons and the identities it hands
 * out), and the pure helpers of those parts for tests and stack config.
 */
import type * as aws from "@pulumi/aws";
import { IdentityClusterComponent } from "../contract";
import { ClusterAutoscalerTarget, ClusterComponentOptions, EksSettings, UnsealKms } from "../types";
import { eksAws } from "./account";
import { ebsCsiDriver, eksAddon, gp3StorageClass, networkingAddons } from "./addons";
import { eksControlPlane, kubernetesAccess } from "./control-plane";
import { eksDns } from "./dns";
import { bindClusterAutoscaler, bindWithInlinePolicy, createUnsealKey } from "./identity";
import { eksKarpenter, karpenterSettings, systemNodeGroups } from "./karpenter";
import { eksLoadBalancer, loadBalancerController } from "./load-balancer-controller/controller";
import { eksNetwork, eksZones } from "./network";
import { clusterWorkloadIdentity } from "./pod-identity-setup";
import { NodeGroupBase, eksNodeGroups, nodeGroupAsgArns, nodeRole } from "./nodes";
import { validateEksSettings } from "./validate";
import { MANAGED_CAPABILITIES } from "../capabilities";

export * from "./checks";
export * from "./dns";
export * from "./iam";
export * from "./kubeconfig";
export * from "./network";
export * from "./names";
export { EKS_CONTROL_PLANE_LOG_TYPES } from "./control-plane";
export { amiTypeFor, parseTaint } from "./nodes";
export { validateEksSettings } from "./validate";

/**
 * How EKS scales its nodes: cluster-autoscaler on the node groups' Auto Scaling groups, or
 * Karpenter (cluster.nodeAutoscaling: karpenter, eks/karpenter/).
 */
export type EksNodeAutoscaling =
  ({ kind: "cluster-autoscaler" } & ClusterAutoscalerTarget) | { kind: "karpenter" };

/**
 * An EKS cluster in its own VPC: private/public subnets over N zones, NAT, KMS envelope encryption
 * of Secrets, all control-plane logs, API access entries, EKS Pod Identity (or IRSA), managed node
 * groups behind IMDSv2-only launch templates, the core managed add-ons and a gp3 default StorageClass.
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

    const unsealKms: UnsealKms = {
      createUnsealKey: (keyName, identity, parent) =>
        createUnsealKey(settings, env, keyName, identity, parent),
    };

    const addonArgs = { s: settings, env, cluster: cp.cluster };
    const { vpcCni, kubeProxy } = networkingAddons(name, addonArgs);
    // Every identity the cluster hands out goes through EKS Pod Identity or IRSA (eks/identity.ts).
    const {
      issuer: identityIssuer,
      addons: identityAddons,
      workloadIdentity,
    } = clusterWorkloadIdentity(name, {
      ...addonArgs,
      oidcProviderArn: cp.oidcProvider.arn,
      oidcIssuer: cp.oidcIssuer,
    });
    const nodeBase: NodeGroupBase = {
      cluster: cp.cluster,
      privateSubnets: net.privateSubnets,
      nodeRole: nodes.role,
      dependsOn: [...nodes.policies, ...net.privateRouting, vpcCni, kubeProxy, ...identityAddons],
    };
    // With Karpenter: its system node groups, and the pools' groups only while a migration keeps them.
    const systemGroups =
      settings.nodeAutoscaling === "karpenter"
        ? systemNodeGroups(name, settings, karpenterSettings(settings), nodeBase, env.child)
        : [];
    this.nodeGroups = [...systemGroups, ...eksNodeGroups(name, settings, nodeBase, env.child)];
    // Deployments: they need nodes to become ACTIVE.
    const coreDns = eksAddon(name, addonArgs, "coredns", {}, this.nodeGroups);
    const ebsCsi = ebsCsiDriver(name, addonArgs, identityIssuer, this.nodeGroups);

    const k8sAccess = kubernetesAccess(name, settings, cp, this);
    const apiReady = [...cp.adminAccess, ...cp.deployerPath];
    // Karpenter: its AWS side, releases, node classes and NodePools; `capacity` (its releases and
    // Ready NodePools) joins `ready`, so everything in the cluster waits for it and goes before it.
    const capacity =
      settings.nodeAutoscaling === "karpenter"
        ? eksKarpenter(name, settings, {
            env,
            cluster: cp.cluster,
            bind: (b, policy, parent) => bindWithInlinePolicy(identityIssuer, b, policy, parent),
            provider: k8sAccess.provider,
            parent: this,
            // The EBS CSI driver too: a destroy deletes the NodePools (Karpenter drains its nodes,
            // whose volume attachments only the driver releases) before it.
            dependsOn: [...systemGroups, coreDns, ebsCsi, ...apiReady],
          }).ready
        : [];
    // The AWS Load Balancer Controller serves the cluster's LoadBalancer Services (the ingress's):
    // in `ready`, so a destroy deletes the Service (and so its NLB) while the controller runs.
    const lbc = loadBalancerController(
      name,
      {
        clusterName: settings.clusterName,
        region: settings.region,
        partition: env.partition,
        vpcId: net.vpc.id,
        bind: (b, policy, parent) => bindWithInlinePolicy(identityIssuer, b, policy, parent),
        provider: k8sAccess.provider,
        // With Karpenter, once it can launch the nodes the controller's pods go to.
        dependsOn: [...this.nodeGroups, vpcCni, kubeProxy, coreDns, ...apiReady, ...capacity],
      },
      this,
    );
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
        ready: [
          ...this.nodeGroups,
          vpcCni,
          kubeProxy,
          ...identityAddons,
          coreDns,
          ...apiReady,
          ...capacity,
          lbc.release,
        ],
        // Volumes need the CSI driver and gp3; nothing else waits for them.
        storageReady: [ebsCsi, storageClass],
        defaultStorageClass: storageClass.metadata.name,
        loadBalancer: eksLoadBalancer(settings.loadBalancerScheme),
        hasMetricsApi: MANAGED_CAPABILITIES.eks.metricsApi,
        nodeAutoscaling:
          settings.nodeAutoscaling === "karpenter"
            ? { kind: "karpenter" }
            : {
                kind: "cluster-autoscaler",
                clusterName: cp.cluster.name,
                region: settings.region,
                kubernetesVersion: settings.kubernetesVersion,
                bindServiceAccount: (bindName, sa, parent) =>
                  bindClusterAutoscaler(identityIssuer, autoscalerScope, bindName, sa, parent),
                autoScalingGroupArns,
              },
        workloadIdentity,
        unsealKms,
        dns: eksDns(identityIssuer, { partition: env.partition, region: settings.region }),
      },
      { clusterArn: cp.cluster.arn, oidcProviderArn: cp.oidcProvider.arn, vpcId: net.vpc.id },
    );
  }
}
