import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  BoundIdentity,
  ClusterAutoscalerTarget,
  ClusterComponentOptions,
  EksSettings,
  ManagedCluster,
  NodePoolSettings,
  SealStanza,
  ServiceAccountRef,
  UnsealKms,
  WorkloadIdentity,
} from "./types";
import { apiTaint, assertNodePools, shortHash } from "./shared";
import {
  SECURITY_GROUP_ID,
  TRANSIT_GATEWAY_ID,
  adminPrincipalArnProblem,
  deployerPathProblems,
  kubeconfigRoleArnProblem,
  perZoneMaxNodes,
  perZoneMinNodes,
} from "./eks/checks";
import {
  IRSA_AUDIENCE,
  UNSEAL_KEY_ACTIONS,
  autoScalingGroupArn,
  clusterAutoscalerPolicy,
  irsaTrustPolicy,
  kmsKeyUsePolicy,
  principalSuffix,
  roleNameFromArn,
  serviceTrustPolicy,
  unsealKeyPolicy,
} from "./eks/iam";
import { buildKubeconfig } from "./eks/kubeconfig";
import { deployerAccess, eksZones, subnetCidrs } from "./eks/network";

export * from "./eks/checks";
export * from "./eks/iam";
export * from "./eks/kubeconfig";
export * from "./eks/network";

/* ------------------------------------------------------------------------------------------ */
/* Pure helpers (exported for tests).                                                         */
/* ------------------------------------------------------------------------------------------ */

/** The five EKS control-plane log types (CKV_AWS_37). */
export const EKS_CONTROL_PLANE_LOG_TYPES = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
];

/** The in-tree (cloud-controller-manager) annotation that makes a LoadBalancer Service an NLB. */
export const NLB_SERVICE_ANNOTATIONS: Record<string, string> = {
  "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
};

/** The EKS managed node group AMI type (Amazon Linux 2023) for an EC2 instance type. */
export function amiTypeFor(machineType: string): string {
  const family = machineType.toLowerCase().split(".")[0];
  // Graviton families carry a "g" right after the generation digit (m7g, c7gn, r8gd, t4g, x2gd, im4gn,
  // is4gen, g5g); a1 is the first Graviton generation.
  const arm = family === "a1" || /^[a-z]+\d+g[a-z]*$/.test(family);
  const nvidia = /^(p\d+|g\d+|gr\d+)[a-z]*$/.test(family);
  const neuron = /^(inf|trn)\d+[a-z]*$/.test(family);
  if (arm) return nvidia ? "AL2023_ARM_64_NVIDIA" : "AL2023_ARM_64_STANDARD";
  if (nvidia) return "AL2023_x86_64_NVIDIA";
  if (neuron) return "AL2023_x86_64_NEURON";
  return "AL2023_x86_64_STANDARD";
}

/** A taint in the EKS node group shape (the value is omitted when empty). */
export function parseTaint(taint: string): { key: string; value?: string; effect: string } {
  const t = apiTaint(taint);
  return t.value ? t : { key: t.key, effect: t.effect };
}

/**
 * A cloud name prefix `<parts joined by ->-` of at most `maxLen` characters. When the parts are too
 * long they are cut and a short hash of the full name keeps prefixes of different parts distinct.
 */
export function namePrefix(parts: string[], maxLen: number): string {
  const full = `${parts.join("-")}-`;
  if (full.length <= maxLen) return full;
  const hash = shortHash(full, 6);
  const head = full.slice(0, maxLen - hash.length - 2).replace(/[-_.]+$/, "");
  return `${head}-${hash}-`;
}

/** IAM role `namePrefix` is limited to 38 characters (64 minus the 26-character unique suffix). */
export const IAM_ROLE_NAME_PREFIX_MAX = 38;
/** Node group `nodeGroupNamePrefix`: 63 characters minus the 26-character unique suffix. */
export const NODE_GROUP_NAME_PREFIX_MAX = 37;
/** Launch template `namePrefix`: 128 characters minus the 26-character unique suffix. */
export const LAUNCH_TEMPLATE_NAME_PREFIX_MAX = 102;

/**
 * Checks what the cloud would only reject halfway through a deployment. Throws on the first problem.
 */
export function validateEksSettings(s: EksSettings): void {
  subnetCidrs(s.vpcCidr, s.availabilityZoneCount);
  if (!/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(s.clusterName)) {
    throw new Error(
      `clusterName "${s.clusterName}": 1-100 letters, digits, "-" or "_", starting alphanumeric`,
    );
  }
  // The same rules stack config reports per key (eks/checks.ts).
  const [problem] = deployerPathProblems(s);
  if (problem) throw new Error(`${problem.path.join(".")}: ${problem.message}`);
  const dn = s.deployerNetwork;
  for (const sg of dn?.securityGroupIds ?? []) {
    if (!SECURITY_GROUP_ID.test(sg))
      throw new Error(`deployerNetwork.securityGroupIds: "${sg}" is not an sg- ID`);
  }
  if (dn?.transitGatewayId !== undefined && !TRANSIT_GATEWAY_ID.test(dn.transitGatewayId)) {
    throw new Error(`deployerNetwork.transitGatewayId: "${dn.transitGatewayId}" is not a tgw- ID`);
  }
  assertNodePools("EKS", s.nodePools);
  if (new Set(s.adminPrincipalArns).size !== s.adminPrincipalArns.length) {
    throw new Error("adminPrincipalArns contains duplicates");
  }
  for (const arn of s.adminPrincipalArns) {
    const p = adminPrincipalArnProblem(arn);
    if (p) throw new Error(`adminPrincipalArns: "${arn}" ${p}`);
  }
  const roleProblem = s.kubeconfigRoleArn && kubeconfigRoleArnProblem(s.kubeconfigRoleArn);
  if (roleProblem) throw new Error(`kubeconfigRoleArn: "${s.kubeconfigRoleArn}" ${roleProblem}`);
  if (s.supportType !== "STANDARD" && s.supportType !== "EXTENDED") {
    throw new Error(`supportType: "${String(s.supportType)}" must be STANDARD or EXTENDED`);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* The component.                                                                             */
/* ------------------------------------------------------------------------------------------ */

const KUBE_SYSTEM_EBS_CSI_SA: ServiceAccountRef = { namespace: "kube-system", name: "ebs-csi-controller-sa" };

/**
 * An EKS cluster in its own VPC: private/public subnets over N zones, NAT, KMS envelope encryption
 * of Secrets, all control-plane logs, API access entries, IRSA, managed node groups behind
 * IMDSv2-only launch templates, the core managed add-ons and a gp3 default StorageClass.
 */
export class EksCluster extends pulumi.ComponentResource implements ManagedCluster {
  readonly target = "eks" as const;
  readonly clusterName: pulumi.Output<string>;
  readonly region: string;
  readonly kubernetesVersion: string;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly ready: pulumi.Resource[];
  readonly storageReady: pulumi.Resource[];
  readonly defaultStorageClass: pulumi.Output<string>;
  readonly loadBalancer: ManagedCluster["loadBalancer"];
  readonly hasMetricsApi = false;
  readonly nodeAutoscaling: { kind: "cluster-autoscaler" } & ClusterAutoscalerTarget;
  readonly workloadIdentity: WorkloadIdentity;
  readonly unsealKms: UnsealKms;

  /** The AWS provider every AWS resource of this cluster (and of its bindings) uses. */
  readonly awsProvider: aws.Provider;
  readonly cluster: aws.eks.Cluster;
  readonly vpc: aws.ec2.Vpc;
  readonly privateSubnets: aws.ec2.Subnet[];
  readonly publicSubnets: aws.ec2.Subnet[];
  readonly oidcProvider: aws.iam.OpenIdConnectProvider;
  readonly nodeGroups: aws.eks.NodeGroup[];

  private readonly settings: EksSettings;
  private readonly partition: pulumi.Output<string>;
  private readonly accountId: pulumi.Output<string>;
  private readonly oidcIssuer: pulumi.Output<string>;

  constructor(name: string, settings: EksSettings, opts?: ClusterComponentOptions) {
    super("kube-platform:cluster:EksCluster", name, {}, opts);
    validateEksSettings(settings);
    this.settings = settings;
    this.region = settings.region;
    this.kubernetesVersion = settings.kubernetesVersion;
    const protect = settings.protect;
    const clusterName = settings.clusterName;
    const cidrs = subnetCidrs(settings.vpcCidr, settings.availabilityZoneCount);
    const azCount = settings.availabilityZoneCount;

    const provider = new aws.Provider(
      `${name}-aws`,
      { region: settings.region, defaultTags: { tags: settings.tags } },
      { parent: this },
    );
    this.awsProvider = provider;
    const child = { parent: this, provider };
    const invokeOpts = { parent: this, provider };

    const partitionInfo = aws.getPartitionOutput({}, invokeOpts);
    this.partition = partitionInfo.partition;
    const dnsSuffix = partitionInfo.dnsSuffix;
    this.accountId = aws.getCallerIdentityOutput({}, invokeOpts).accountId;
    const partition = this.partition;
    const managedPolicy = (policy: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;

    /* ---------------------------------- network ---------------------------------- */
    // Regular zones EKS accepts for cluster subnets (eks/network.ts).
    const zones = eksZones(settings.region, azCount, invokeOpts);
    const zone = (i: number) => zones.apply((z) => z[i]);
    const clusterTag = `kubernetes.io/cluster/${clusterName}`;

    this.vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: settings.vpcCidr,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        tags: { Name: clusterName },
      },
      { ...child, protect },
    );
    // Strip every rule from the VPC's default security group (CKV2_AWS_12): nothing here uses it.
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: this.vpc.id, tags: { Name: `${clusterName}-default-deny` } },
      child,
    );
    const igw = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { vpcId: this.vpc.id, tags: { Name: clusterName } },
      child,
    );

    this.publicSubnets = cidrs.public.map(
      (cidrBlock, i) =>
        new aws.ec2.Subnet(
          `${name}-public-${i}`,
          {
            vpcId: this.vpc.id,
            cidrBlock,
            availabilityZone: zone(i),
            mapPublicIpOnLaunch: false,
            tags: {
              Name: pulumi.interpolate`${clusterName}-public-${zone(i)}`,
              "kubernetes.io/role/elb": "1",
              [clusterTag]: "shared",
            },
          },
          { ...child, protect },
        ),
    );
    this.privateSubnets = cidrs.private.map(
      (cidrBlock, i) =>
        new aws.ec2.Subnet(
          `${name}-private-${i}`,
          {
            vpcId: this.vpc.id,
            cidrBlock,
            availabilityZone: zone(i),
            mapPublicIpOnLaunch: false,
            tags: {
              Name: pulumi.interpolate`${clusterName}-private-${zone(i)}`,
              "kubernetes.io/role/internal-elb": "1",
              [clusterTag]: "shared",
            },
          },
          { ...child, protect },
        ),
    );

    const publicRt = new aws.ec2.RouteTable(
      `${name}-public-rt`,
      { vpcId: this.vpc.id, tags: { Name: `${clusterName}-public` } },
      child,
    );
    const publicDefault = new aws.ec2.Route(
      `${name}-public-default`,
      { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
      child,
    );
    const publicAssocs = this.publicSubnets.map(
      (s, i) =>
        new aws.ec2.RouteTableAssociation(
          `${name}-public-${i}`,
          { subnetId: s.id, routeTableId: publicRt.id },
          child,
        ),
    );

    const natCount = settings.natGateways === "perAz" ? azCount : 1;
    const nats = [...Array(natCount).keys()].map((i) => {
      const eip = new aws.ec2.Eip(
        `${name}-nat-${i}`,
        { domain: "vpc", tags: { Name: `${clusterName}-nat-${i}` } },
        { ...child, dependsOn: [igw] },
      );
      return new aws.ec2.NatGateway(
        `${name}-nat-${i}`,
        {
          allocationId: eip.allocationId,
          subnetId: this.publicSubnets[i].id,
          tags: { Name: `${clusterName}-nat-${i}` },
        },
        { ...child, dependsOn: [igw, publicDefault, ...publicAssocs] },
      );
    });
    // One private route table per zone in both modes, so switching single <-> perAz only edits routes.
    const privateRouting: pulumi.Resource[] = [];
    const privateRouteTables = this.privateSubnets.map((s, i) => {
      const rt = new aws.ec2.RouteTable(
        `${name}-private-rt-${i}`,
        { vpcId: this.vpc.id, tags: { Name: pulumi.interpolate`${clusterName}-private-${zone(i)}` } },
        child,
      );
      privateRouting.push(
        rt,
        new aws.ec2.Route(
          `${name}-private-default-${i}`,
          { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nats[i % natCount].id },
          child,
        ),
        new aws.ec2.RouteTableAssociation(
          `${name}-private-${i}`,
          { subnetId: s.id, routeTableId: rt.id },
          child,
        ),
      );
      return rt;
    });

    /* -------------------------- encryption and logging --------------------------- */
    const secretsKey = new aws.kms.Key(
      `${name}-secrets`,
      {
        description: `EKS ${clusterName}: envelope encryption of Kubernetes Secrets`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      },
      { ...child, protect },
    );
    new aws.kms.Alias(
      `${name}-secrets`,
      { name: `alias/eks/${clusterName}`, targetKeyId: secretsKey.keyId },
      child,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      { name: `/aws/eks/${clusterName}/cluster`, retentionInDays: 90 },
      { ...child, protect },
    );

    /* ------------------------------------ IAM ------------------------------------ */
    const clusterRole = new aws.iam.Role(
      `${name}-cluster`,
      {
        namePrefix: namePrefix([clusterName, "cluster"], IAM_ROLE_NAME_PREFIX_MAX),
        assumeRolePolicy: serviceTrustPolicy("eks.amazonaws.com"),
      },
      child,
    );
    const clusterPolicy = new aws.iam.RolePolicyAttachment(
      `${name}-cluster-AmazonEKSClusterPolicy`,
      { role: clusterRole.name, policyArn: managedPolicy("AmazonEKSClusterPolicy") },
      child,
    );
    const clusterEncryption = new aws.iam.RolePolicy(
      `${name}-cluster-encryption`,
      {
        role: clusterRole.name,
        policy: secretsKey.arn.apply((arn) =>
          kmsKeyUsePolicy(arn, ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]),
        ),
      },
      child,
    );

    const nodeRole = new aws.iam.Role(
      `${name}-node`,
      {
        namePrefix: namePrefix([clusterName, "node"], IAM_ROLE_NAME_PREFIX_MAX),
        assumeRolePolicy: dnsSuffix.apply((suffix) => serviceTrustPolicy(`ec2.${suffix}`)),
      },
      child,
    );
    const nodePolicies = [
      "AmazonEKSWorkerNodePolicy",
      "AmazonEC2ContainerRegistryReadOnly",
      "AmazonEKS_CNI_Policy",
    ].map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-node-${policy}`,
          { role: nodeRole.name, policyArn: managedPolicy(policy) },
          child,
        ),
    );

    /* ---------------------------------- cluster ---------------------------------- */
    this.cluster = new aws.eks.Cluster(
      `${name}-eks`,
      {
        name: clusterName,
        version: settings.kubernetesVersion,
        roleArn: clusterRole.arn,
        vpcConfig: {
          subnetIds: this.privateSubnets.map((s) => s.id),
          endpointPrivateAccess: true,
          endpointPublicAccess: settings.endpointPublicAccess,
          publicAccessCidrs: settings.endpointPublicAccess ? settings.publicAccessCidrs : undefined,
        },
        encryptionConfig: { resources: ["secrets"], provider: { keyArn: secretsKey.arn } },
        enabledClusterLogTypes: EKS_CONTROL_PLANE_LOG_TYPES,
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        // Unset, EKS puts the cluster on EXTENDED support (and pricing) when standard support ends
        // (EKS user guide, "Cluster upgrade policy"); STANDARD upgrades it instead.
        upgradePolicy: { supportType: settings.supportType },
        deletionProtection: protect,
      },
      {
        ...child,
        protect,
        dependsOn: [clusterPolicy, clusterEncryption, logGroup],
        ignoreChanges: [
          // Only read at creation; EKS reports false afterwards (pulumi-eks ignores it too).
          "accessConfig.bootstrapClusterCreatorAdminPermissions",
          // The control plane keeps its creation-time subnets: terraform-provider-aws updates
          // vpc_config.subnet_ids in place (UpdateClusterConfig), and EKS rejects subnets outside the
          // AZs given at creation (EKS user guide, "VPC and subnet requirements"), so a raised
          // availabilityZoneCount reaches the node groups only.
          "vpcConfig.subnetIds",
        ],
      },
    );
    const cluster = this.cluster;
    this.clusterName = cluster.name;

    // A private endpoint: the declared deployer network's path to it (none with a public endpoint).
    const deployerPath =
      !settings.endpointPublicAccess && settings.deployerNetwork
        ? deployerAccess(
            name,
            {
              network: settings.deployerNetwork,
              clusterSecurityGroupId: cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId),
              vpcId: this.vpc.id,
              privateSubnetIds: this.privateSubnets.map((sn) => sn.id),
              privateRouteTableIds: privateRouteTables.map((rt) => rt.id),
              clusterName,
            },
            child,
          )
        : [];

    const adminEntries: aws.eks.AccessEntry[] = [];
    const adminAccess = settings.adminPrincipalArns.map((principalArn) => {
      const suffix = principalSuffix(principalArn);
      const entry = new aws.eks.AccessEntry(
        `${name}-admin-${suffix}`,
        { clusterName: cluster.name, principalArn, type: "STANDARD" },
        child,
      );
      adminEntries.push(entry);
      return new aws.eks.AccessPolicyAssociation(
        `${name}-admin-${suffix}`,
        {
          clusterName: cluster.name,
          principalArn,
          policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
          accessScope: { type: "cluster" },
        },
        { ...child, dependsOn: [entry] },
      );
    });

    this.oidcIssuer = cluster.identities.apply((ids) => {
      const issuer = ids?.[0]?.oidcs?.[0]?.issuer;
      if (!issuer) throw new Error(`EKS cluster ${clusterName} reports no OIDC issuer`);
      return issuer;
    });
    this.oidcProvider = new aws.iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: this.oidcIssuer, clientIdLists: [IRSA_AUDIENCE] },
      { ...child, protect },
    );

    this.workloadIdentity = {
      mechanism: "irsa",
      bindServiceAccount: (bindName, sa, parent) => this.bindServiceAccount(bindName, sa, parent),
    };
    this.unsealKms = {
      createUnsealKey: (keyName, identity, parent) => this.createUnsealKey(keyName, identity, parent),
    };

    /* ---------------------------------- add-ons ---------------------------------- */
    const addon = (
      addonName: string,
      extra: Partial<aws.eks.AddonArgs>,
      dependsOn: pulumi.Input<pulumi.Resource>[],
    ) =>
      new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: cluster.name,
          addonName,
          // The default version for the cluster's Kubernetes version: a version bump upgrades the add-ons.
          addonVersion: aws.eks.getAddonVersionOutput(
            { addonName, kubernetesVersion: settings.kubernetesVersion, mostRecent: false },
            invokeOpts,
          ).version,
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
          ...extra,
        },
        { ...child, dependsOn },
      );
    // Networking add-ons are DaemonSets: install them before the nodes so nodes come up with them.
    const vpcCni = addon(
      "vpc-cni",
      // NetworkPolicy enforcement by the VPC CNI's network policy agent (off by default on EKS).
      { configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) },
      [],
    );
    const kubeProxy = addon("kube-proxy", {}, []);

    /* -------------------------------- node groups -------------------------------- */
    this.nodeGroups = settings.nodePools.flatMap((pool) =>
      this.zonalNodeGroups(name, pool, nodeRole, [...nodePolicies, ...privateRouting, vpcCni, kubeProxy]),
    );

    // Deployments: they need nodes to become ACTIVE.
    const coreDns = addon("coredns", {}, this.nodeGroups);
    const ebsCsiIdentity = this.bindServiceAccount(`${name}-ebs-csi`, KUBE_SYSTEM_EBS_CSI_SA, this);
    const ebsCsiPolicy = new aws.iam.RolePolicyAttachment(
      `${name}-ebs-csi-AmazonEBSCSIDriverPolicy`,
      {
        role: ebsCsiIdentity.principal.apply(roleNameFromArn),
        policyArn: managedPolicy("service-role/AmazonEBSCSIDriverPolicy"),
      },
      child,
    );
    const ebsCsi = addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsCsiIdentity.principal }, [
      ...this.nodeGroups,
      ebsCsiPolicy,
    ]);

    /* ------------------------------ Kubernetes access ----------------------------- */
    this.kubeconfig = pulumi.secret(
      pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority]).apply(([n, endpoint, ca]) =>
        buildKubeconfig({
          clusterName: n,
          endpoint,
          certificateAuthorityData: ca.data ?? "",
          region: settings.region,
          profile: settings.kubeconfigProfile,
          roleArn: settings.kubeconfigRoleArn,
        }),
      ),
    );
    // The provider is configured only once the deployer can reach and use the API: pulumi-kubernetes
    // loads the API schema once in Configure and, if that fails, marks the cluster unreachable for the
    // whole run (provider/pkg/provider/provider.go, Configure: clusterUnreachable, "unable to load
    // schema information from the API server"), so a later dependsOn on single objects cannot help.
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: this.kubeconfig,
        // The cluster ARN is stable: credential or endpoint changes never replace the provider.
        clusterIdentifier: cluster.arn,
      },
      { parent: this, dependsOn: [...adminEntries, ...adminAccess, ...deployerPath] },
    );

    const storageClass = new k8s.storage.v1.StorageClass(
      `${name}-gp3`,
      {
        metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
        reclaimPolicy: "Delete",
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
      },
      { parent: this, provider: this.provider, dependsOn: [ebsCsi, ...adminAccess, ...deployerPath] },
    );

    // Volumes need the CSI driver and gp3; nothing else waits for them.
    this.ready = [...this.nodeGroups, vpcCni, kubeProxy, coreDns, ...adminAccess, ...deployerPath];
    this.storageReady = [ebsCsi, storageClass];
    this.defaultStorageClass = storageClass.metadata.name;
    this.loadBalancer = { addressKind: "hostname", serviceAnnotations: { ...NLB_SERVICE_ANNOTATIONS } };

    const accountId = this.accountId;
    this.nodeAutoscaling = {
      kind: "cluster-autoscaler",
      clusterName: cluster.name,
      region: settings.region,
      kubernetesVersion: settings.kubernetesVersion,
      bindServiceAccount: (bindName, sa, parent) => this.bindClusterAutoscaler(bindName, sa, parent),
      autoScalingGroupArns: pulumi
        .all([partition, accountId, pulumi.all(this.nodeGroups.map((ng) => ng.resources))])
        .apply(([p, account, groups]) =>
          groups
            .flat()
            .flatMap((r) => r.autoscalingGroups ?? [])
            .map((asg) => autoScalingGroupArn(p, settings.region, account, asg.name)),
        ),
    };

    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      clusterArn: cluster.arn,
      oidcProviderArn: this.oidcProvider.arn,
      vpcId: this.vpc.id,
    });
  }

  /**
   * One managed node group per zone for `pool`, all from one launch template. A group spanning
   * zones lets cluster-autoscaler add a node in any of them, not in the zone of a pending pod's EBS
   * volume (EKS best practices, "Cluster Autoscaler": one node group per AZ, with
   * --balance-similar-node-groups). The groups are alike but for the zone, which cluster-autoscaler
   * ignores when balancing (it ignores eks.amazonaws.com/nodegroup and zone labels; the shared
   * launch template keeps the other EKS labels equal).
   */
  private zonalNodeGroups(
    name: string,
    pool: NodePoolSettings,
    nodeRole: aws.iam.Role,
    dependsOn: pulumi.Resource[],
  ): aws.eks.NodeGroup[] {
    const s = this.settings;
    const child = { parent: this, provider: this.awsProvider };
    const instanceTags = { ...s.tags, Name: `${s.clusterName}-${pool.name}` };
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-${pool.name}`,
      {
        namePrefix: namePrefix([s.clusterName, pool.name], LAUNCH_TEMPLATE_NAME_PREFIX_MAX),
        description: `EKS ${s.clusterName} node pool ${pool.name}`,
        // IMDSv2 only, one hop: pods cannot reach the node's credentials (CKV_AWS_79, CKV_AWS_341).
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              volumeSize: pool.diskSizeGb,
              volumeType: "gp3",
              encrypted: "true",
              deleteOnTermination: "true",
            },
          },
        ],
        // No key pair and no remote access: nodes are reached through SSM if ever (CKV_AWS_100).
        tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
          resourceType,
          tags: instanceTags,
        })),
      },
      child,
    );
    // A raised availabilityZoneCount never lowers an existing group's maximum (eks/checks.ts).
    const minSize = perZoneMinNodes(pool.minNodes, this.privateSubnets.length);
    const maxSize = perZoneMaxNodes(pool.maxNodes);
    return this.privateSubnets.map(
      (subnet, i) =>
        new aws.eks.NodeGroup(
          // "." cannot occur in a pool name (a DNS label), so no pool's group can take another's name.
          `${name}-${pool.name}.${i}`,
          {
            clusterName: this.cluster.name,
            nodeGroupNamePrefix: namePrefix([pool.name, String(i)], NODE_GROUP_NAME_PREFIX_MAX),
            nodeRoleArn: nodeRole.arn,
            subnetIds: [subnet.id],
            version: s.kubernetesVersion,
            amiType: amiTypeFor(pool.machineType),
            instanceTypes: [pool.machineType],
            capacityType: "ON_DEMAND",
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
            scalingConfig: { minSize, maxSize, desiredSize: minSize },
            updateConfig: { maxUnavailablePercentage: 33 },
            nodeRepairConfig: { enabled: true },
            labels: pool.labels,
            taints: pool.taints.map(parseTaint),
            tags: {
              "k8s.io/cluster-autoscaler/enabled": "true",
              [`k8s.io/cluster-autoscaler/${s.clusterName}`]: "owned",
            },
          },
          {
            ...child,
            dependsOn,
            // cluster-autoscaler owns the current size; Pulumi only sets min/max. On a min/max change
            // the provider sends the whole scaling config with the desired size of the *state*
            // (pulumi-terraform-bridge drops the ignored path from the diff; terraform-provider-aws
            // node_group.go expandNodegroupScalingConfig): run such changes with `pulumi up --refresh`
            // so that it is the live size, not the one of the last refresh (Pulumi docs, ignoreChanges).
            ignoreChanges: ["scalingConfig.desiredSize"],
            // The zone-0 group takes over the URN of the former one-group-per-pool layout: subnetIds
            // force a new group (terraform-provider-aws node_group: subnet_ids ForceNew), so an
            // upgrade replaces that group (create first, delete last) instead of deleting it.
            aliases: i === 0 ? [{ name: `${name}-${pool.name}` }] : [],
          },
        ),
    );
  }

  /** IRSA: an IAM role only `sa` (through this cluster's OIDC provider) can assume. */
  bindServiceAccount(name: string, sa: ServiceAccountRef, parent: pulumi.Resource): BoundIdentity {
    const role = new aws.iam.Role(
      `${name}-irsa`,
      {
        namePrefix: namePrefix([this.settings.clusterName, sa.name], IAM_ROLE_NAME_PREFIX_MAX),
        description: `IRSA for ServiceAccount ${sa.namespace}/${sa.name} of EKS ${this.settings.clusterName}`,
        assumeRolePolicy: pulumi
          .all([this.oidcProvider.arn, this.oidcIssuer])
          .apply(([providerArn, issuer]) => irsaTrustPolicy(providerArn, issuer, sa)),
      },
      { parent, provider: this.awsProvider },
    );
    return {
      serviceAccountAnnotations: role.arn.apply((arn): Record<string, string> => ({
        "eks.amazonaws.com/role-arn": arn,
      })),
      podLabels: {},
      principal: role.arn,
    };
  }

  /**
   * IRSA for cluster-autoscaler: it may change the size of this cluster's node groups' Auto Scaling
   * groups only; the Describe calls auto-discovery needs cannot be scoped to resources in IAM.
   */
  private bindClusterAutoscaler(name: string, sa: ServiceAccountRef, parent: pulumi.Resource): BoundIdentity {
    const identity = this.bindServiceAccount(name, sa, parent);
    const policy = new aws.iam.RolePolicy(
      `${name}-autoscaling`,
      {
        role: identity.principal.apply(roleNameFromArn),
        policy: pulumi
          .all([this.nodeAutoscaling.autoScalingGroupArns, this.cluster.arn])
          .apply(([asgArns, clusterArn]) => clusterAutoscalerPolicy(asgArns, clusterArn)),
      },
      { parent, provider: this.awsProvider },
    );
    return {
      ...identity,
      // Wait for the permissions: an autoscaler started before them fails its first scale-ups.
      serviceAccountAnnotations: pulumi
        .all([identity.serviceAccountAnnotations, policy.id])
        .apply(([annotations]) => annotations),
    };
  }

  /** A KMS key for Vault's awskms seal that only `identity` (an IRSA role) may use. */
  createUnsealKey(name: string, identity: BoundIdentity, parent: pulumi.Resource): pulumi.Output<SealStanza> {
    const opts = { parent, provider: this.awsProvider };
    const key = new aws.kms.Key(
      `${name}-unseal`,
      {
        description: `EKS ${this.settings.clusterName}: Vault auto-unseal (${name})`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi
          .all([this.partition, this.accountId, identity.principal])
          .apply(([p, account, roleArn]) => unsealKeyPolicy(p, account, roleArn)),
      },
      { ...opts, protect: this.settings.protect },
    );
    const grant = new aws.iam.RolePolicy(
      `${name}-unseal`,
      {
        role: identity.principal.apply(roleNameFromArn),
        policy: key.arn.apply((arn) => kmsKeyUsePolicy(arn, UNSEAL_KEY_ACTIONS)),
      },
      opts,
    );
    return pulumi.all([key.keyId, grant.id]).apply(([keyId]): SealStanza => ({
      type: "awskms",
      attributes: { region: this.settings.region, kms_key_id: keyId },
    }));
  }
}
