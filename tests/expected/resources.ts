/**
 * The exact resources each configuration registers, per type: type → count. One literal table per
 * component fixture and per example stack, each saying which configuration it is for; the tests
 * compare a run's `typeCounts()` with them (a change of the set is a change here, in one place).
 */

/** Resource type → how many of it a configuration registers. */
export type ResourceTable = Readonly<Record<string, number>>;

// ---- cluster components (the fixtures of tests/helpers/<target>-cluster.ts, under Pulumi mocks) ----

/**
 * EksCluster, the prod fixture: 3 zones with a NAT gateway each, 2 pools × 3 zones, 2 admin
 * principals, a private endpoint reached from 1 CIDR and 1 security group through a transit gateway.
 */
export const EKS_PROD_RESOURCES: ResourceTable = {
  "kube-platform:cluster:EksCluster": 1,
  "pulumi:providers:aws": 1,
  "aws:ec2/vpc:Vpc": 1,
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
  "aws:ec2/internetGateway:InternetGateway": 1,
  "aws:ec2/subnet:Subnet": 6,
  "aws:ec2/routeTable:RouteTable": 4,
  // The public and 3 private default routes, and the deployer CIDR to the transit gateway × 3.
  "aws:ec2/route:Route": 7,
  "aws:ec2/routeTableAssociation:RouteTableAssociation": 6,
  "aws:ec2/eip:Eip": 3,
  "aws:ec2/natGateway:NatGateway": 3,
  "aws:kms/key:Key": 1,
  "aws:kms/alias:Alias": 1,
  "aws:cloudwatch/logGroup:LogGroup": 1,
  // + the AWS Load Balancer Controller's role and its inline policy
  "aws:iam/role:Role": 4,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 5,
  // + the nodes' Session Manager policy
  "aws:iam/rolePolicy:RolePolicy": 3,
  "aws:eks/cluster:Cluster": 1,
  "aws:eks/accessEntry:AccessEntry": 2,
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": 2,
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
  // + the EKS Pod Identity agent (cluster.workloadIdentity podIdentity, the default)
  "aws:eks/addon:Addon": 5,
  // the Load Balancer Controller's binding: its association and the wait for it (eks/pod-identity.ts)
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": 1,
  "time:index/sleep:Sleep": 1,
  "aws:ec2/launchTemplate:LaunchTemplate": 2,
  "aws:eks/nodeGroup:NodeGroup": 6,
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 2,
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment": 1,
  "pulumi:providers:kubernetes": 1,
  "kubernetes:storage.k8s.io/v1:StorageClass": 1,
  // the AWS Load Balancer Controller (eks/load-balancer-controller)
  "kubernetes:helm.sh/v3:Release": 1,
};

/**
 * EksCluster, the dev fixture: 2 zones, a single NAT gateway, 1 pool × 2 zones, 1 admin principal, a public
 * endpoint.
 */
export const EKS_DEV_RESOURCES: ResourceTable = {
  "kube-platform:cluster:EksCluster": 1,
  "pulumi:providers:aws": 1,
  "aws:ec2/vpc:Vpc": 1,
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
  "aws:ec2/internetGateway:InternetGateway": 1,
  "aws:ec2/subnet:Subnet": 4,
  "aws:ec2/routeTable:RouteTable": 3,
  "aws:ec2/route:Route": 3,
  "aws:ec2/routeTableAssociation:RouteTableAssociation": 4,
  "aws:ec2/eip:Eip": 1,
  "aws:ec2/natGateway:NatGateway": 1,
  "aws:kms/key:Key": 1,
  "aws:kms/alias:Alias": 1,
  "aws:cloudwatch/logGroup:LogGroup": 1,
  // + the AWS Load Balancer Controller's role and its inline policy
  "aws:iam/role:Role": 4,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 5,
  // + the nodes' Session Manager policy
  "aws:iam/rolePolicy:RolePolicy": 3,
  "aws:eks/cluster:Cluster": 1,
  "aws:eks/accessEntry:AccessEntry": 1,
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": 1,
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
  // + the EKS Pod Identity agent (cluster.workloadIdentity podIdentity, the default)
  "aws:eks/addon:Addon": 5,
  // the Load Balancer Controller's binding: its association and the wait for it (eks/pod-identity.ts)
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": 1,
  "time:index/sleep:Sleep": 1,
  "aws:ec2/launchTemplate:LaunchTemplate": 1,
  "aws:eks/nodeGroup:NodeGroup": 2,
  "pulumi:providers:kubernetes": 1,
  "kubernetes:storage.k8s.io/v1:StorageClass": 1,
  // the AWS Load Balancer Controller (eks/load-balancer-controller)
  "kubernetes:helm.sh/v3:Release": 1,
};

/**
 * GkeCluster, the prod fixture with two node pools, plus what a Vault add-on adds through the
 * contract (the test's `test:addons:Vault` parent, a bound ServiceAccount and an unseal key).
 */
export const GKE_PROD_RESOURCES: ResourceTable = {
  "kube-platform:cluster:GkeCluster": 1,
  "pulumi:providers:gcp": 1,
  "gcp:projects/service:Service": 4,
  // the GKE service agent, created explicitly
  "gcp:projects/serviceIdentity:ServiceIdentity": 1,
  "gcp:compute/network:Network": 1,
  "gcp:compute/subnetwork:Subnetwork": 1,
  "gcp:compute/router:Router": 1,
  "gcp:compute/routerNat:RouterNat": 1,
  // the node service account + the Vault binding's account
  "gcp:serviceaccount/account:Account": 2,
  // the node service account's two roles + the GKE service agent's role
  "gcp:projects/iAMMember:IAMMember": 3,
  "gcp:serviceaccount/iAMMember:IAMMember": 1,
  "gcp:kms/keyRing:KeyRing": 1,
  // cluster secrets key + Vault unseal key
  "gcp:kms/cryptoKey:CryptoKey": 2,
  // GKE service agent on the secrets key + two Vault grants on the unseal key
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": 3,
  "gcp:container/cluster:Cluster": 1,
  "pulumi:providers:kubernetes": 1,
  // the wait for the GKE service agent's grants to propagate
  "time:index/sleep:Sleep": 1,
  "test:addons:Vault": 1,
  "gcp:container/nodePool:NodePool": 2,
};

/** GkeCluster, the dev fixture (one node pool), with the same Vault binding and unseal key as prod. */
export const GKE_DEV_RESOURCES: ResourceTable = {
  "kube-platform:cluster:GkeCluster": 1,
  "pulumi:providers:gcp": 1,
  "gcp:projects/service:Service": 4,
  // the GKE service agent, created explicitly
  "gcp:projects/serviceIdentity:ServiceIdentity": 1,
  "gcp:compute/network:Network": 1,
  "gcp:compute/subnetwork:Subnetwork": 1,
  "gcp:compute/router:Router": 1,
  "gcp:compute/routerNat:RouterNat": 1,
  // the node service account + the Vault binding's account
  "gcp:serviceaccount/account:Account": 2,
  // the node service account's two roles + the GKE service agent's role
  "gcp:projects/iAMMember:IAMMember": 3,
  "gcp:serviceaccount/iAMMember:IAMMember": 1,
  "gcp:kms/keyRing:KeyRing": 1,
  // cluster secrets key + Vault unseal key
  "gcp:kms/cryptoKey:CryptoKey": 2,
  // GKE service agent on the secrets key + two Vault grants on the unseal key
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": 3,
  "gcp:container/cluster:Cluster": 1,
  "pulumi:providers:kubernetes": 1,
  // the wait for the GKE service agent's grants to propagate
  "time:index/sleep:Sleep": 1,
  "test:addons:Vault": 1,
  "gcp:container/nodePool:NodePool": 1,
};

/**
 * AksCluster, the prod fixture: a public API server with authorized ranges, the system pool and two user
 * pools.
 */
export const AKS_PROD_RESOURCES: ResourceTable = {
  "kube-platform:cluster:AksCluster": 1,
  "azure-native:resources:ResourceGroup": 1,
  "azure-native:network:VirtualNetwork": 1,
  "azure-native:network:Subnet": 1,
  "azure-native:managedidentity:UserAssignedIdentity": 1,
  "azure-native:authorization:RoleAssignment": 2,
  "time:index/sleep:Sleep": 1,
  "azure-native:containerservice:ManagedCluster": 1,
  "azure-native:containerservice:MaintenanceConfiguration": 2,
  "azure-native:containerservice:AgentPool": 2,
  "pulumi:providers:kubernetes": 1,
};

/**
 * AksCluster, the dev fixture: the Free tier in a region without zones, the system pool and one user pool.
 */
export const AKS_DEV_RESOURCES: ResourceTable = {
  "kube-platform:cluster:AksCluster": 1,
  "azure-native:resources:ResourceGroup": 1,
  "azure-native:network:VirtualNetwork": 1,
  "azure-native:network:Subnet": 1,
  "azure-native:managedidentity:UserAssignedIdentity": 1,
  "azure-native:authorization:RoleAssignment": 2,
  "time:index/sleep:Sleep": 1,
  "azure-native:containerservice:ManagedCluster": 1,
  "azure-native:containerservice:MaintenanceConfiguration": 2,
  "azure-native:containerservice:AgentPool": 1,
  "pulumi:providers:kubernetes": 1,
};

/** DoksCluster, the prod fixture: two pools (the first inline in the cluster, one KubernetesNodePool). */
export const DOKS_PROD_RESOURCES: ResourceTable = {
  "kube-platform:cluster:DoksCluster": 1,
  "digitalocean:index/vpc:Vpc": 1,
  "digitalocean:index/kubernetesCluster:KubernetesCluster": 1,
  "digitalocean:index/kubernetesNodePool:KubernetesNodePool": 1,
  "pulumi:providers:kubernetes": 1,
};

/** DoksCluster, the dev fixture: one pool, inline in the cluster. */
export const DOKS_DEV_RESOURCES: ResourceTable = {
  "kube-platform:cluster:DoksCluster": 1,
  "digitalocean:index/vpc:Vpc": 1,
  "digitalocean:index/kubernetesCluster:KubernetesCluster": 1,
  "pulumi:providers:kubernetes": 1,
};

// ---- the whole program (index.ts) on each example stack (tests/program.test.ts) ----

/**
 * examples/Pulumi.eks-dev.yaml, the whole program: EKS with the dev profile (2 zones, one NAT gateway, a
 * public endpoint limited to its CIDRs) and the add-ons, apps and policies it configures.
 */
export const EKS_DEV_STACK_RESOURCES: ResourceTable = {
  // Karpenter's interruption rules and their queue targets (components/cluster/eks/karpenter/aws.ts)
  "aws:cloudwatch/eventRule:EventRule": 5,
  "aws:cloudwatch/eventTarget:EventTarget": 5,
  "aws:cloudwatch/logGroup:LogGroup": 1,
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
  "aws:ec2/eip:Eip": 1,
  "aws:ec2/internetGateway:InternetGateway": 1,
  "aws:ec2/launchTemplate:LaunchTemplate": 1,
  "aws:ec2/natGateway:NatGateway": 1,
  "aws:ec2/route:Route": 3,
  "aws:ec2/routeTable:RouteTable": 3,
  "aws:ec2/routeTableAssociation:RouteTableAssociation": 4,
  "aws:ec2/subnet:Subnet": 4,
  // Karpenter's discovery tag on the cluster security group
  "aws:ec2/tag:Tag": 1,
  "aws:ec2/vpc:Vpc": 1,
  // Karpenter's node role's access entry
  "aws:eks/accessEntry:AccessEntry": 1,
  // + the EKS Pod Identity agent
  "aws:eks/addon:Addon": 5,
  "aws:eks/cluster:Cluster": 1,
  // nodeAutoscaling karpenter: Karpenter's system node group per zone, no pool node groups
  "aws:eks/nodeGroup:NodeGroup": 2,
  // Vault, external-dns, the Load Balancer Controller, Karpenter
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": 4,
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
  // + Karpenter's controller and node roles, the Load Balancer Controller's; no cluster-autoscaler's
  "aws:iam/role:Role": 8,
  // + the node groups' and Karpenter's node roles' Session Manager policies
  "aws:iam/rolePolicy:RolePolicy": 7,
  // the node groups' role and Karpenter's node role: 3 managed policies each; the EBS CSI role, the cluster role
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 8,
  "aws:kms/alias:Alias": 1,
  "aws:kms/key:Key": 2,
  // Karpenter's interruption queue and its policy
  "aws:sqs/queue:Queue": 1,
  "aws:sqs/queuePolicy:QueuePolicy": 1,
  "kube-platform:addons:CertManager": 1,
  "kube-platform:addons:ExternalDns": 1,
  "kube-platform:addons:IngressController": 1,
  "kube-platform:addons:MetricsServer": 1,
  "kube-platform:addons:Monitoring": 1,
  "kube-platform:addons:PlatformAddOns": 1,
  "kube-platform:addons:PlatformNetworkPolicies": 1,
  "kube-platform:addons:PlatformPriorityClasses": 1,
  "kube-platform:addons:Vault": 1,
  "kube-platform:addons:VaultSetup": 1,
  "kube-platform:cluster:EksCluster": 1,
  "kube-platform:index:Platform": 1,
  "kube-platform:workloads:App": 1,
  "kube-platform:workloads:Workloads": 1,
  "kubernetes:apps/v1:Deployment": 1,
  "kubernetes:batch/v1:CronJob": 1,
  "kubernetes:batch/v1:Job": 2,
  "kubernetes:cert-manager.io/v1:Certificate": 1,
  "kubernetes:cert-manager.io/v1:ClusterIssuer": 2,
  "kubernetes:core/v1:ConfigMap": 2,
  // no cluster-autoscaler namespace (Karpenter runs in kube-system)
  "kubernetes:core/v1:Namespace": 9,
  "kubernetes:core/v1:ResourceQuota": 1,
  "kubernetes:core/v1:Secret": 3,
  // +1: the ingress controller's Service (components/addons/ingress-service.ts)
  "kubernetes:core/v1:Service": 2,
  "kubernetes:core/v1:ServiceAccount": 3,
  // + karpenter-crd, karpenter and the Load Balancer Controller; no cluster-autoscaler
  "kubernetes:helm.sh/v3:Release": 9,
  // one EC2NodeClass and one NodePool per pool (components/cluster/eks/karpenter/controller.ts)
  "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": 1,
  "kubernetes:karpenter.sh/v1:NodePool": 1,
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": 6,
  "kubernetes:networking.k8s.io/v1:Ingress": 1,
  // No ACME HTTP-01 solver policy: these stacks issue from the internal CA (no solver pods).
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": 30,
  "kubernetes:policy/v1:PodDisruptionBudget": 1,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": 1,
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 1,
  "kubernetes:scheduling.k8s.io/v1:PriorityClass": 2,
  "kubernetes:storage.k8s.io/v1:StorageClass": 1,
  "pulumi:providers:aws": 1,
  "pulumi:providers:kubernetes": 1,
  "random:index/randomPassword:RandomPassword": 2,
  // external-dns's teardown wait (ExternalDns.settle: the app Ingresses depend on it), the volumes' (volumes.ts)
  // + the Pod Identity associations' propagation waits (4)
  "time:index/sleep:Sleep": 6,
};

/**
 * Pulumi.prod.yaml, the whole program: EKS with the prod profile (3 zones, a NAT gateway per zone, two node
 * pools) and the add-ons, apps and policies it configures.
 */
export const PROD_STACK_RESOURCES: ResourceTable = {
  "aws:cloudwatch/logGroup:LogGroup": 1,
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
  "aws:ec2/eip:Eip": 3,
  "aws:ec2/internetGateway:InternetGateway": 1,
  "aws:ec2/launchTemplate:LaunchTemplate": 2,
  "aws:ec2/natGateway:NatGateway": 3,
  "aws:ec2/route:Route": 4,
  "aws:ec2/routeTable:RouteTable": 4,
  "aws:ec2/routeTableAssociation:RouteTableAssociation": 6,
  "aws:ec2/subnet:Subnet": 6,
  "aws:ec2/vpc:Vpc": 1,
  "aws:eks/accessEntry:AccessEntry": 1,
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": 1,
  // + the EKS Pod Identity agent
  "aws:eks/addon:Addon": 5,
  "aws:eks/cluster:Cluster": 1,
  "aws:eks/nodeGroup:NodeGroup": 6,
  // Vault, cluster-autoscaler, external-dns, cert-manager's DNS-01, the Load Balancer Controller
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": 5,
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
  // + the AWS Load Balancer Controller's role and its inline policy (eks/load-balancer-controller)
  "aws:iam/role:Role": 8,
  // + the nodes' Session Manager policy
  "aws:iam/rolePolicy:RolePolicy": 7,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 5,
  "aws:kms/alias:Alias": 1,
  "aws:kms/key:Key": 2,
  "kube-platform:addons:CertManager": 1,
  "kube-platform:addons:ClusterAutoscaler": 1,
  "kube-platform:addons:ExternalDns": 1,
  "kube-platform:addons:IngressController": 1,
  "kube-platform:addons:MetricsServer": 1,
  "kube-platform:addons:Monitoring": 1,
  "kube-platform:addons:PlatformAddOns": 1,
  "kube-platform:addons:PlatformNetworkPolicies": 1,
  "kube-platform:addons:PlatformPriorityClasses": 1,
  "kube-platform:addons:Vault": 1,
  "kube-platform:addons:VaultSetup": 1,
  "kube-platform:cluster:EksCluster": 1,
  "kube-platform:index:Platform": 1,
  "kube-platform:workloads:App": 2,
  "kube-platform:workloads:Workloads": 1,
  "kubernetes:apps/v1:Deployment": 2,
  // Vault ha: the injector patch with Vault's CA, Vault's CA and its namespaced Issuer.
  "kubernetes:apps/v1:DeploymentPatch": 1,
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": 1,
  "kubernetes:batch/v1:Job": 2,
  "kubernetes:cert-manager.io/v1:Certificate": 4,
  "kubernetes:cert-manager.io/v1:ClusterIssuer": 6,
  "kubernetes:cert-manager.io/v1:Issuer": 1,
  "kubernetes:core/v1:ConfigMap": 2,
  "kubernetes:core/v1:Namespace": 11,
  "kubernetes:core/v1:ResourceQuota": 2,
  "kubernetes:core/v1:Secret": 2,
  // +1: the ingress controller's Service (components/addons/ingress-service.ts)
  "kubernetes:core/v1:Service": 3,
  "kubernetes:core/v1:ServiceAccount": 4,
  // + the AWS Load Balancer Controller (kube-system)
  "kubernetes:helm.sh/v3:Release": 8,
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": 7,
  "kubernetes:networking.k8s.io/v1:Ingress": 1,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": 36,
  "kubernetes:policy/v1:PodDisruptionBudget": 3,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": 2,
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 2,
  "kubernetes:scheduling.k8s.io/v1:PriorityClass": 2,
  "kubernetes:storage.k8s.io/v1:StorageClass": 1,
  "pulumi:providers:aws": 1,
  "pulumi:providers:kubernetes": 1,
  "random:index/randomPassword:RandomPassword": 1,
  // external-dns's teardown wait (ExternalDns.settle: the app Ingresses depend on it), the volumes' (volumes.ts)
  // + the Pod Identity associations' propagation waits (5)
  "time:index/sleep:Sleep": 7,
};

/**
 * examples/Pulumi.gke.yaml, the whole program: GKE with the prod profile and the add-ons, apps and policies
 * it configures.
 */
export const GKE_STACK_RESOURCES: ResourceTable = {
  "gcp:compute/network:Network": 1,
  "gcp:compute/router:Router": 1,
  "gcp:compute/routerNat:RouterNat": 1,
  "gcp:compute/subnetwork:Subnetwork": 1,
  "gcp:container/cluster:Cluster": 1,
  "gcp:container/nodePool:NodePool": 1,
  "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember": 2,
  "gcp:kms/cryptoKey:CryptoKey": 2,
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": 3,
  "gcp:kms/keyRing:KeyRing": 1,
  "gcp:projects/iAMCustomRole:IAMCustomRole": 3,
  "gcp:projects/iAMMember:IAMMember": 4,
  "gcp:projects/service:Service": 4,
  "gcp:projects/serviceIdentity:ServiceIdentity": 1,
  "gcp:serviceaccount/account:Account": 4,
  "gcp:serviceaccount/iAMMember:IAMMember": 3,
  "kube-platform:addons:CertManager": 1,
  "kube-platform:addons:ExternalDns": 1,
  "kube-platform:addons:IngressController": 1,
  "kube-platform:addons:Monitoring": 1,
  "kube-platform:addons:PlatformAddOns": 1,
  "kube-platform:addons:PlatformNetworkPolicies": 1,
  "kube-platform:addons:PlatformPriorityClasses": 1,
  "kube-platform:addons:Vault": 1,
  "kube-platform:addons:VaultSetup": 1,
  "kube-platform:cluster:GkeCluster": 1,
  "kube-platform:index:Platform": 1,
  "kube-platform:workloads:App": 1,
  "kube-platform:workloads:Workloads": 1,
  "kubernetes:apps/v1:Deployment": 1,
  // Vault ha: the injector patch with Vault's CA, Vault's CA and its namespaced Issuer.
  "kubernetes:apps/v1:DeploymentPatch": 1,
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": 1,
  "kubernetes:batch/v1:Job": 2,
  "kubernetes:cert-manager.io/v1:Certificate": 4,
  "kubernetes:cert-manager.io/v1:ClusterIssuer": 6,
  "kubernetes:cert-manager.io/v1:Issuer": 1,
  "kubernetes:core/v1:ConfigMap": 2,
  "kubernetes:core/v1:Namespace": 8,
  "kubernetes:core/v1:ResourceQuota": 1,
  "kubernetes:core/v1:Secret": 2,
  // +1: the ingress controller's Service (components/addons/ingress-service.ts)
  "kubernetes:core/v1:Service": 2,
  "kubernetes:core/v1:ServiceAccount": 3,
  "kubernetes:helm.sh/v3:Release": 5,
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": 6,
  "kubernetes:networking.k8s.io/v1:Ingress": 1,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": 29,
  "kubernetes:policy/v1:PodDisruptionBudget": 2,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": 2,
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 2,
  "kubernetes:scheduling.k8s.io/v1:PriorityClass": 2,
  "pulumi:providers:gcp": 1,
  "pulumi:providers:kubernetes": 1,
  "random:index/randomPassword:RandomPassword": 1,
  // the IAM propagation wait, external-dns's teardown wait (ExternalDns.settle), the volumes' (volumes.ts)
  "time:index/sleep:Sleep": 3,
};

/**
 * examples/Pulumi.aks.yaml, the whole program: AKS with the prod profile and the add-ons, apps and policies
 * it configures.
 */
export const AKS_STACK_RESOURCES: ResourceTable = {
  "azure-native:authorization:RoleAssignment": 6,
  "azure-native:containerservice:AgentPool": 1,
  "azure-native:containerservice:MaintenanceConfiguration": 2,
  "azure-native:containerservice:ManagedCluster": 1,
  "azure-native:keyvault:Key": 1,
  "azure-native:keyvault:Vault": 1,
  "azure-native:managedidentity:FederatedIdentityCredential": 3,
  "azure-native:managedidentity:UserAssignedIdentity": 4,
  "azure-native:network:Subnet": 1,
  "azure-native:network:VirtualNetwork": 1,
  "azure-native:resources:ResourceGroup": 1,
  "kube-platform:addons:CertManager": 1,
  "kube-platform:addons:ExternalDns": 1,
  "kube-platform:addons:IngressController": 1,
  "kube-platform:addons:Monitoring": 1,
  "kube-platform:addons:PlatformAddOns": 1,
  "kube-platform:addons:PlatformNetworkPolicies": 1,
  "kube-platform:addons:PlatformPriorityClasses": 1,
  "kube-platform:addons:Vault": 1,
  "kube-platform:addons:VaultSetup": 1,
  "kube-platform:cluster:AksCluster": 1,
  "kube-platform:index:Platform": 1,
  "kube-platform:workloads:App": 1,
  "kube-platform:workloads:Workloads": 1,
  "kubernetes:apps/v1:Deployment": 1,
  // Vault ha: the injector patch with Vault's CA, Vault's CA and its namespaced Issuer.
  "kubernetes:apps/v1:DeploymentPatch": 1,
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": 1,
  "kubernetes:batch/v1:Job": 2,
  "kubernetes:cert-manager.io/v1:Certificate": 4,
  "kubernetes:cert-manager.io/v1:ClusterIssuer": 6,
  "kubernetes:cert-manager.io/v1:Issuer": 1,
  "kubernetes:core/v1:ConfigMap": 3,
  "kubernetes:core/v1:Namespace": 8,
  "kubernetes:core/v1:ResourceQuota": 1,
  "kubernetes:core/v1:Secret": 2,
  // +1: the ingress controller's Service (components/addons/ingress-service.ts)
  "kubernetes:core/v1:Service": 2,
  "kubernetes:core/v1:ServiceAccount": 3,
  "kubernetes:helm.sh/v3:Release": 5,
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": 6,
  "kubernetes:networking.k8s.io/v1:Ingress": 1,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": 29,
  "kubernetes:policy/v1:PodDisruptionBudget": 2,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": 2,
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 2,
  "kubernetes:scheduling.k8s.io/v1:PriorityClass": 2,
  "pulumi:providers:kubernetes": 1,
  "random:index/randomPassword:RandomPassword": 1,
  // the IAM propagation wait, external-dns's teardown wait (ExternalDns.settle), the volumes' (volumes.ts)
  "time:index/sleep:Sleep": 3,
};

/**
 * examples/Pulumi.doks.yaml, the whole program: DOKS with the prod profile and the add-ons, apps and policies
 * it configures.
 */
export const DOKS_STACK_RESOURCES: ResourceTable = {
  "digitalocean:index/kubernetesCluster:KubernetesCluster": 1,
  "digitalocean:index/kubernetesNodePool:KubernetesNodePool": 1,
  "digitalocean:index/vpc:Vpc": 1,
  "kube-platform:addons:CertManager": 1,
  "kube-platform:addons:ExternalDns": 1,
  "kube-platform:addons:IngressController": 1,
  "kube-platform:addons:MetricsServer": 1,
  "kube-platform:addons:Monitoring": 1,
  "kube-platform:addons:PlatformAddOns": 1,
  "kube-platform:addons:PlatformNetworkPolicies": 1,
  "kube-platform:addons:PlatformPriorityClasses": 1,
  "kube-platform:addons:Vault": 1,
  "kube-platform:addons:VaultSetup": 1,
  "kube-platform:cluster:DoksCluster": 1,
  "kube-platform:index:Platform": 1,
  "kube-platform:workloads:App": 1,
  "kube-platform:workloads:Workloads": 1,
  "kubernetes:apps/v1:Deployment": 1,
  // Vault ha: the injector patch with Vault's CA, Vault's CA and its namespaced Issuer.
  "kubernetes:apps/v1:DeploymentPatch": 1,
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": 1,
  "kubernetes:batch/v1:Job": 2,
  "kubernetes:cert-manager.io/v1:Certificate": 4,
  "kubernetes:cert-manager.io/v1:ClusterIssuer": 6,
  "kubernetes:cert-manager.io/v1:Issuer": 1,
  "kubernetes:core/v1:ConfigMap": 2,
  "kubernetes:core/v1:Namespace": 9,
  "kubernetes:core/v1:ResourceQuota": 1,
  "kubernetes:core/v1:Secret": 4,
  // +1: the ingress controller's Service (components/addons/ingress-service.ts)
  "kubernetes:core/v1:Service": 2,
  "kubernetes:core/v1:ServiceAccount": 3,
  "kubernetes:helm.sh/v3:Release": 6,
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": 6,
  "kubernetes:networking.k8s.io/v1:Ingress": 1,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": 31,
  "kubernetes:policy/v1:PodDisruptionBudget": 2,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": 2,
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 2,
  "kubernetes:scheduling.k8s.io/v1:PriorityClass": 2,
  "pulumi:providers:kubernetes": 1,
  "random:index/randomPassword:RandomPassword": 1,
  // external-dns's teardown wait (ExternalDns.settle: the app Ingresses depend on it), the volumes' (volumes.ts)
  "time:index/sleep:Sleep": 2,
};

/**
 * Pulumi.dev.yaml, the whole program: the existing target (the local kind cluster, no cloud resources) with
 * the dev profile and the add-ons, apps and policies it configures.
 */
export const DEV_STACK_RESOURCES: ResourceTable = {
  "kube-platform:addons:CertManager": 1,
  "kube-platform:addons:IngressController": 1,
  "kube-platform:addons:MetricsServer": 1,
  "kube-platform:addons:Monitoring": 1,
  "kube-platform:addons:PlatformAddOns": 1,
  "kube-platform:addons:PlatformNetworkPolicies": 1,
  "kube-platform:addons:PlatformPriorityClasses": 1,
  "kube-platform:addons:Vault": 1,
  "kube-platform:addons:VaultSetup": 1,
  "kube-platform:cluster:ExistingCluster": 1,
  "kube-platform:index:Platform": 1,
  "kube-platform:workloads:App": 2,
  "kube-platform:workloads:Workloads": 1,
  "kubernetes:apps/v1:Deployment": 2,
  "kubernetes:batch/v1:CronJob": 1,
  "kubernetes:batch/v1:Job": 2,
  "kubernetes:cert-manager.io/v1:Certificate": 1,
  "kubernetes:cert-manager.io/v1:ClusterIssuer": 2,
  "kubernetes:core/v1:ConfigMap": 2,
  "kubernetes:core/v1:Namespace": 9,
  "kubernetes:core/v1:ResourceQuota": 2,
  "kubernetes:core/v1:Secret": 3,
  // +1: the ingress controller's Service (components/addons/ingress-service.ts)
  "kubernetes:core/v1:Service": 3,
  "kubernetes:core/v1:ServiceAccount": 4,
  "kubernetes:helm.sh/v3:Release": 5,
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": 5,
  "kubernetes:networking.k8s.io/v1:Ingress": 1,
  // No ACME HTTP-01 solver policy: these stacks issue from the internal CA (no solver pods).
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": 31,
  "kubernetes:policy/v1:PodDisruptionBudget": 1,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": 1,
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 1,
  "kubernetes:scheduling.k8s.io/v1:PriorityClass": 2,
  "pulumi:providers:kubernetes": 1,
  "random:index/randomPassword:RandomPassword": 2,
  // the volumes' teardown wait (volumes.ts; no wait on an adopted cluster)
  "time:index/sleep:Sleep": 1,
};

/** Every example stack (offline/stacks.ts EXAMPLE_STACKS) by name: the table of its whole program. */
export const STACK_RESOURCES: Record<string, ResourceTable> = {
  "eks-dev": EKS_DEV_STACK_RESOURCES,
  prod: PROD_STACK_RESOURCES,
  gke: GKE_STACK_RESOURCES,
  aks: AKS_STACK_RESOURCES,
  doks: DOKS_STACK_RESOURCES,
  dev: DEV_STACK_RESOURCES,
};
