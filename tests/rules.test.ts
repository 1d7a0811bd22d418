/**
 * The security rules of ../rules: one compliant and at least one violating resource (or set) per
 * rule, robustness against missing / partial inputs and the evaluate() machinery (waivers, profiles).
 * The rules over the example stacks evaluated through the real program: example-stack-rules.test.ts.
 */
import * as assert from "assert";
import {
  ALL_RULES,
  CLUSTER_RULES,
  SECURITY_RULES,
  ResourceRule,
  ResourceUnderTest,
  RuleContext,
  StackRule,
  WORKLOAD_RESOURCE_RULES,
  evaluate,
  isIgnored,
} from "../rules";
import { imagePinProblem, podTemplateOf, selectorMatches } from "../rules/workload";
import {
  WorkloadTrust,
  irsaTrustPolicy,
  podIdentityTrustStatement,
  workloadTrustDocument,
} from "../components/cluster/eks/iam";

type Inputs = Record<string, unknown>;

const DEV: RuleContext = { profile: "dev" };
const PROD: RuleContext = { profile: "prod" };

function res(type: string, name: string, inputs: Inputs, ignoreChanges: string[] = []): ResourceUnderTest {
  return { type, name, inputs, options: { ignoreChanges } };
}

/** A deep copy of `r` with `inputs.<path>` set to `value` (deleted when undefined). */
function mut(r: ResourceUnderTest, dotted: string, value: unknown): ResourceUnderTest {
  const copy = structuredClone(r);
  const keys = dotted.split(".");
  let cur = copy.inputs as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== "object" || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

/** Several mutations in a row. */
function muts(r: ResourceUnderTest, changes: Record<string, unknown>): ResourceUnderTest {
  return Object.entries(changes).reduce((acc, [p, v]) => mut(acc, p, v), r);
}

function withIgnore(r: ResourceUnderTest, ignoreChanges: string[]): ResourceUnderTest {
  return { ...structuredClone(r), options: { ignoreChanges } };
}

/* ------------------------------------------------------------------------------------------ */
/* Compliant fixtures (shapes as the program registers them)                                   */
/* ------------------------------------------------------------------------------------------ */

const eksCluster = res(
  "aws:eks/cluster:Cluster",
  "kp-cluster-eks",
  {
    name: "kube-platform-prod",
    version: "1.34",
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    encryptionConfig: {
      provider: { keyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc" },
      resources: ["secrets"],
    },
    vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: ["a", "b"] },
  },
  ["accessConfig.bootstrapClusterCreatorAdminPermissions"],
);
const launchTemplate = res("aws:ec2/launchTemplate:LaunchTemplate", "kp-cluster-general", {
  metadataOptions: { httpEndpoint: "enabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
});
const nodeGroup = res(
  "aws:eks/nodeGroup:NodeGroup",
  "kp-cluster-general",
  {
    clusterName: "kube-platform-prod",
    version: "1.34",
    launchTemplate: { id: "lt-1", version: "1" },
    scalingConfig: { desiredSize: 3, maxSize: 12, minSize: 3 },
  },
  ["scalingConfig.desiredSize"],
);
const oidcProvider = res("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "kp-cluster-oidc", {
  clientIdLists: ["sts.amazonaws.com"],
  url: "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE",
});
const autoscalerRelease = res("kubernetes:helm.sh/v3:Release", "kp-addons-cluster-autoscaler", {
  chart: "cluster-autoscaler",
  version: "9.59.0",
});
const EKS_SET = [eksCluster, launchTemplate, nodeGroup, oidcProvider, autoscalerRelease];
/** Karpenter's objects as components/cluster/eks/karpenter/ registers them (ec2NodeClass, nodePool). */
const KARPENTER_CRD_URN =
  "urn:pulumi:dev::kube-platform::kubernetes:helm.sh/v3:Release::kp-cluster-karpenter-crd-release";
const karpenterCrdRelease: ResourceUnderTest = {
  ...res("kubernetes:helm.sh/v3:Release", "kp-cluster-karpenter-crd-release", {
    chart: "oci://public.ecr.aws/karpenter/karpenter-crd",
  }),
  urn: KARPENTER_CRD_URN,
};
const karpenterNodeClass: ResourceUnderTest = {
  ...res("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "kp-cluster-karpenter-general", {
    metadata: { name: "general" },
    spec: {
      metadataOptions: { httpEndpoint: "enabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { volumeSize: "100Gi", volumeType: "gp3", encrypted: true } },
      ],
    },
  }),
  dependsOn: [KARPENTER_CRD_URN],
};
const karpenterNodePool: ResourceUnderTest = {
  ...res("kubernetes:karpenter.sh/v1:NodePool", "kp-cluster-karpenter-general", {
    metadata: { name: "general" },
    spec: {
      template: {
        spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "general" } },
      },
    },
  }),
  dependsOn: [KARPENTER_CRD_URN],
};
/**
 * A Pod Identity binding as eks/identity.ts registers it: the role (trusting Pod Identity and IRSA for
 * the same ServiceAccount), its association, the agent add-on.
 */
const CLUSTER_ARN = "arn:aws:eks:eu-west-1:123456789012:cluster/kube-platform-prod";
const OIDC_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";
const POD_TRUST: WorkloadTrust = {
  mechanism: "podIdentity",
  clusterArn: CLUSTER_ARN,
  oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${OIDC_ISSUER}`,
  issuerUrl: `https://${OIDC_ISSUER}`,
};
const vaultRole: ResourceUnderTest = {
  ...res("aws:iam/role:Role", "vault-irsa", {
    assumeRolePolicy: workloadTrustDocument(POD_TRUST, { namespace: "vault", name: "vault-server" }),
  }),
  urn: "urn:pulumi:prod::kube-platform::aws:iam/role:Role::vault-irsa",
};
const vaultAssociation: ResourceUnderTest = {
  ...res("aws:eks/podIdentityAssociation:PodIdentityAssociation", "vault-pod-identity", {
    clusterName: "kube-platform-prod",
    namespace: "vault",
    serviceAccount: "vault-server",
    roleArn: "arn:aws:iam::123456789012:role/vault",
    disableSessionTags: false,
  }),
  dependsOn: [vaultRole.urn ?? ""],
};
const podIdentityAgent = res("aws:eks/addon:Addon", "kp-eks-pod-identity-agent", {
  addonName: "eks-pod-identity-agent",
});
const ebsRole: ResourceUnderTest = {
  ...res("aws:iam/role:Role", "kp-ebs-csi-irsa", {
    assumeRolePolicy: workloadTrustDocument(POD_TRUST, {
      namespace: "kube-system",
      name: "ebs-csi-controller-sa",
    }),
  }),
  urn: "urn:pulumi:prod::kube-platform::aws:iam/role:Role::kp-ebs-csi-irsa",
};
const ebsCsiAddon: ResourceUnderTest = {
  ...res("aws:eks/addon:Addon", "kp-aws-ebs-csi-driver", {
    addonName: "aws-ebs-csi-driver",
    podIdentityAssociations: [
      { roleArn: "arn:aws:iam::123456789012:role/ebs", serviceAccount: "ebs-csi-controller-sa" },
    ],
  }),
  dependsOn: [ebsRole.urn ?? ""],
};
/** A role's trust with one statement changed (the Pod Identity one unless `index` says; 1: IRSA's). */
function trustWith(
  role: ResourceUnderTest,
  change: (statement: Record<string, unknown>) => void,
  index = 0,
): ResourceUnderTest {
  const doc = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: Record<string, unknown>[] };
  change(doc.Statement[index]);
  return mut(role, "assumeRolePolicy", JSON.stringify(doc));
}
/** A role's trust with `statement` added. */
function trustPlus(role: ResourceUnderTest, statement: Record<string, unknown>): ResourceUnderTest {
  const doc = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: Record<string, unknown>[] };
  return mut(role, "assumeRolePolicy", JSON.stringify({ ...doc, Statement: [...doc.Statement, statement] }));
}
/** The trust with the IRSA statement's change (`trustWith` on statement 1). */
const irsaWith = (role: ResourceUnderTest, change: (statement: Record<string, unknown>) => void) =>
  trustWith(role, change, 1);
const IRSA_SUB = `${OIDC_ISSUER}:sub`;
const IRSA_AUD = `${OIDC_ISSUER}:aud`;
const equalsOf = (s: Record<string, unknown>) =>
  (s.Condition as { StringEquals: Record<string, unknown> }).StringEquals;
/** Karpenter's release and its interruption queue, queue policy and EventBridge rules (eks/karpenter/aws.ts). */
const karpenterRelease = res("kubernetes:helm.sh/v3:Release", "kp-cluster-karpenter", {
  chart: "oci://public.ecr.aws/karpenter/karpenter",
});
const interruptionQueue = res("aws:sqs/queue:Queue", "kp-cluster-karpenter-interruption", {
  name: "kp-prod",
  messageRetentionSeconds: 300,
  sqsManagedSseEnabled: true,
});
const queuePolicy = res("aws:sqs/queuePolicy:QueuePolicy", "kp-cluster-karpenter-interruption", {});
const interruptionRules = [
  ["health", "aws.health", "AWS Health Event"],
  ["spot", "aws.ec2", "EC2 Spot Instance Interruption Warning"],
  ["rebalance", "aws.ec2", "EC2 Instance Rebalance Recommendation"],
  ["state-change", "aws.ec2", "EC2 Instance State-change Notification"],
  ["capacity-reservation", "aws.ec2", "EC2 Capacity Reservation Instance Interruption Warning"],
].map(([key, source, detailType]) =>
  res("aws:cloudwatch/eventRule:EventRule", `kp-cluster-karpenter-${key}`, {
    eventPattern: JSON.stringify({ source: [source], "detail-type": [detailType] }),
  }),
);

const gkeCluster = res(
  "gcp:container/cluster:Cluster",
  "kp-cluster-cluster",
  {
    removeDefaultNodePool: true,
    initialNodeCount: 1,
    databaseEncryption: { keyName: "projects/p/locations/r/keyRings/k/cryptoKeys/s", state: "ENCRYPTED" },
    datapathProvider: "ADVANCED_DATAPATH",
    enableLegacyAbac: false,
    enableShieldedNodes: true,
    loggingService: "logging.googleapis.com/kubernetes",
    monitoringService: "monitoring.googleapis.com/kubernetes",
    masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
    masterAuthorizedNetworksConfig: {
      cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "office" }],
      gcpPublicCidrsAccessEnabled: false,
    },
    privateClusterConfig: {
      enablePrivateEndpoint: false,
      enablePrivateNodes: true,
      masterIpv4CidrBlock: "172.16.0.0/28",
    },
    releaseChannel: { channel: "STABLE" },
    workloadIdentityConfig: { workloadPool: "p.svc.id.goog" },
  },
  ["initialNodeCount", "nodeConfig", "nodePools"],
);
const gkeNodeConfig = {
  serviceAccount: "kube-platform-gke-nodes@p.iam.gserviceaccount.com",
  shieldedInstanceConfig: { enableIntegrityMonitoring: true, enableSecureBoot: true },
  workloadMetadataConfig: { mode: "GKE_METADATA" },
};
const gkePool = res(
  "gcp:container/nodePool:NodePool",
  "kp-cluster-general",
  {
    autoscaling: { locationPolicy: "BALANCED", totalMaxNodeCount: 9, totalMinNodeCount: 3 },
    initialNodeCount: 1,
    management: { autoRepair: true, autoUpgrade: true },
    nodeConfig: gkeNodeConfig,
  },
  ["nodeCount", "initialNodeCount"],
);

const aksSystemPool = {
  name: "system",
  mode: "System",
  count: 3,
  enableAutoScaling: true,
  minCount: 3,
  maxCount: 5,
  enableNodePublicIP: false,
  nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
};
const aksCluster = res(
  "azure-native:containerservice:ManagedCluster",
  "kp-cluster-aks",
  {
    agentPoolProfiles: [aksSystemPool],
    apiServerAccessProfile: { authorizedIPRanges: ["203.0.113.0/24"], enablePrivateCluster: false },
    autoUpgradeProfile: { nodeOSUpgradeChannel: "NodeImage", upgradeChannel: "patch" },
    disableLocalAccounts: true,
    enableRBAC: true,
    networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", networkPolicy: "cilium" },
    oidcIssuerProfile: { enabled: true },
    securityProfile: { workloadIdentity: { enabled: true } },
    sku: { name: "Base", tier: "Standard" },
  },
  ["agentPoolProfiles[0].count"],
);
const aksPool = res(
  "azure-native:containerservice:AgentPool",
  "kp-cluster-pool-general",
  {
    agentPoolName: "general",
    mode: "User",
    count: 3,
    enableAutoScaling: true,
    minCount: 3,
    maxCount: 9,
    enableNodePublicIP: false,
  },
  ["count"],
);

const doksCluster = res(
  "digitalocean:index/kubernetesCluster:KubernetesCluster",
  "kp-cluster-doks",
  {
    autoUpgrade: true,
    surgeUpgrade: true,
    ha: true,
    maintenancePolicy: { day: "sunday", startTime: "03:00" },
    nodePool: {
      autoScale: true,
      minNodes: 3,
      maxNodes: 9,
      nodeCount: 3,
      name: "general",
      size: "s-4vcpu-8gb",
    },
  },
  ["nodePool.nodeCount"],
);
const doksPool = res(
  "digitalocean:index/kubernetesNodePool:KubernetesNodePool",
  "kp-cluster-pool-batch",
  { autoScale: true, minNodes: 0, maxNodes: 4, nodeCount: 1, name: "batch", size: "c-8" },
  ["nodeCount"],
);

const podSpec = {
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
  containers: [
    {
      name: "web",
      image: "ghcr.io/acme/web:1.2.3",
      ports: [{ containerPort: 8080 }],
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      },
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
      livenessProbe: { httpGet: { path: "/healthz", port: 8080 } },
      readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
    },
  ],
};
const LABELS = { "app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop" };
const deployment = res("kubernetes:apps/v1:Deployment", "shop-web", {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop" },
  spec: {
    replicas: 2,
    selector: { matchLabels: LABELS },
    template: { metadata: { labels: LABELS }, spec: podSpec },
  },
});
const networkPolicy = res("kubernetes:networking.k8s.io/v1:NetworkPolicy", "shop-web-netpol", {
  metadata: { name: "web", namespace: "shop" },
  spec: {
    podSelector: { matchLabels: { "app.kubernetes.io/name": "web" } },
    policyTypes: ["Ingress", "Egress"],
  },
});
const pdb = res("kubernetes:policy/v1:PodDisruptionBudget", "shop-web-pdb", {
  metadata: { name: "web", namespace: "shop" },
  spec: { maxUnavailable: 1, selector: { matchLabels: LABELS } },
});
const hpa = (minReplicas: number | undefined) =>
  res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "shop-web-hpa", {
    metadata: { name: "web", namespace: "shop" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      ...(minReplicas === undefined ? {} : { minReplicas }),
      maxReplicas: 10,
    },
  });
const WORKLOAD_SET = [deployment, networkPolicy, pdb];

/** The same pod spec under each workload kind. */
function workloadOfKind(kind: string, spec: unknown = podSpec): ResourceUnderTest {
  const template = { metadata: { labels: LABELS }, spec };
  const metadata = { name: "w", namespace: "shop" };
  switch (kind) {
    case "Pod":
      return res("kubernetes:core/v1:Pod", "w", { metadata: { ...metadata, labels: LABELS }, spec });
    case "CronJob":
      return res("kubernetes:batch/v1:CronJob", "w", {
        metadata,
        spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template } } },
      });
    case "Job":
      return res("kubernetes:batch/v1:Job", "w", { metadata, spec: { template } });
    default:
      return res(`kubernetes:apps/v1:${kind}`, "w", {
        metadata,
        spec: { selector: { matchLabels: LABELS }, template },
      });
  }
}

/** Path of the first container inside the Deployment fixture. */
const C0 = "spec.template.spec.containers.0";
const POD = "spec.template.spec";

/** `deployment` with its container mutated through `mut` (arrays are cloned as objects otherwise). */
function dep(changes: Record<string, unknown>): ResourceUnderTest {
  const copy = structuredClone(deployment);
  for (const [dotted, value] of Object.entries(changes)) {
    const keys = dotted.split(".");
    let cur: Record<string, unknown> | unknown[] = copy.inputs;
    for (const k of keys.slice(0, -1)) {
      const next: unknown = (cur as Record<string, unknown>)[k];
      if (typeof next !== "object" || next === null) (cur as Record<string, unknown>)[k] = {};
      cur = (cur as Record<string, unknown>)[k] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1];
    if (value === undefined) delete (cur as Record<string, unknown>)[last];
    else (cur as Record<string, unknown>)[last] = value;
  }
  return copy;
}

/* ------------------------------------------------------------------------------------------ */
/* One case per rule                                                                          */
/* ------------------------------------------------------------------------------------------ */

type SetOrOne = ResourceUnderTest | ResourceUnderTest[];
interface Case {
  ctx?: RuleContext;
  /** Sets that must yield no violation of the rule. */
  compliant: SetOrOne[];
  /** Sets that must yield at least one violation, all of the rule. */
  violating: SetOrOne[];
}

const CASES: Record<string, Case> = {
  /* EKS */
  "eks-endpoint-access": {
    compliant: [
      eksCluster,
      muts(eksCluster, {
        "vpcConfig.endpointPublicAccess": true,
        "vpcConfig.publicAccessCidrs": ["203.0.113.0/24"],
      }),
    ],
    violating: [
      mut(eksCluster, "vpcConfig.endpointPublicAccess", true),
      muts(eksCluster, {
        "vpcConfig.endpointPublicAccess": true,
        "vpcConfig.publicAccessCidrs": ["0.0.0.0/0"],
      }),
      mut(eksCluster, "vpcConfig", undefined),
    ],
  },
  "eks-secrets-encryption": {
    compliant: [eksCluster, mut(eksCluster, "encryptionConfig", [eksCluster.inputs.encryptionConfig])],
    violating: [
      mut(eksCluster, "encryptionConfig", undefined),
      mut(eksCluster, "encryptionConfig.provider", {}),
      mut(eksCluster, "encryptionConfig.resources", []),
    ],
  },
  "eks-control-plane-logs": {
    compliant: [eksCluster],
    violating: [
      mut(eksCluster, "enabledClusterLogTypes", ["api", "audit"]),
      mut(eksCluster, "enabledClusterLogTypes", undefined),
    ],
  },
  "eks-log-group-encryption": {
    compliant: [
      res("aws:cloudwatch/logGroup:LogGroup", "kp-control-plane-logs", {
        name: "/aws/eks/kube-platform-prod/cluster",
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abc",
      }),
    ],
    violating: [
      res("aws:cloudwatch/logGroup:LogGroup", "kp-control-plane-logs", {
        name: "/aws/eks/kube-platform-prod/cluster",
      }),
      res("aws:cloudwatch/logGroup:LogGroup", "kp-control-plane-logs", {
        name: "/aws/eks/kube-platform-prod/cluster",
        kmsKeyId: "",
      }),
    ],
  },
  "eks-supported-version": {
    compliant: [
      eksCluster,
      nodeGroup,
      mut(eksCluster, "version", "1.32"),
      mut(nodeGroup, "version", undefined),
    ],
    violating: [
      mut(eksCluster, "version", "1.31"),
      mut(nodeGroup, "version", "1.29"),
      mut(eksCluster, "version", "latest"),
    ],
  },
  "eks-imdsv2": {
    compliant: [
      launchTemplate,
      nodeGroup,
      mut(launchTemplate, "metadataOptions", { httpEndpoint: "disabled" }),
    ],
    violating: [
      mut(launchTemplate, "metadataOptions.httpTokens", "optional"),
      mut(launchTemplate, "metadataOptions.httpPutResponseHopLimit", 2),
      mut(launchTemplate, "metadataOptions", undefined),
      mut(nodeGroup, "launchTemplate", undefined),
    ],
  },
  "eks-no-implicit-ssh": {
    compliant: [
      nodeGroup,
      mut(nodeGroup, "remoteAccess", { ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-1"] }),
    ],
    violating: [mut(nodeGroup, "remoteAccess", { ec2SshKey: "ops" })],
  },
  "eks-no-node-ssh-key": {
    compliant: [nodeGroup, launchTemplate],
    violating: [
      mut(launchTemplate, "keyName", "ops"),
      mut(nodeGroup, "remoteAccess", { ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-1"] }),
    ],
  },
  "eks-irsa": {
    compliant: [
      EKS_SET,
      [eksCluster, res("aws:eks/addon:Addon", "pod-identity", { addonName: "eks-pod-identity-agent" })],
      [launchTemplate],
    ],
    violating: [[eksCluster], [eksCluster, mut(oidcProvider, "clientIdLists", ["sigstore"])]],
  },
  "eks-pod-identity-agent": {
    compliant: [
      [vaultAssociation, vaultRole, podIdentityAgent],
      [ebsCsiAddon, podIdentityAgent],
      EKS_SET,
      [mut(ebsCsiAddon, "podIdentityAssociations", undefined)],
    ],
    violating: [
      [vaultAssociation, vaultRole],
      [ebsCsiAddon],
      [vaultAssociation, mut(podIdentityAgent, "addonName", "kube-proxy")],
    ],
  },
  "eks-pod-identity-trust": {
    compliant: [
      [vaultAssociation, vaultRole, podIdentityAgent],
      [ebsCsiAddon, ebsRole],
      // Pod Identity alone (no IRSA statement), and with a Deny beside it (it only narrows).
      [
        vaultAssociation,
        mut(
          vaultRole,
          "assumeRolePolicy",
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [podIdentityTrustStatement(CLUSTER_ARN, { namespace: "vault", name: "vault-server" })],
          }),
        ),
      ],
      [vaultAssociation, trustPlus(vaultRole, { Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:*" })],
      // The IRSA statement as one value lists; an add-on's association (namespace unknown) with its own.
      [vaultAssociation, irsaWith(vaultRole, (st) => (st.Action = ["sts:AssumeRoleWithWebIdentity"]))],
      [ebsCsiAddon, irsaWith(ebsRole, (st) => (equalsOf(st)[IRSA_AUD] = ["sts.amazonaws.com"]))],
      // A role the stack does not manage is out of sight.
      [vaultAssociation],
      // IRSA roles (no association) are not this rule's.
      [
        mut(
          vaultRole,
          "assumeRolePolicy",
          irsaTrustPolicy("arn:aws:iam::123456789012:oidc-provider/x", "https://x", {
            namespace: "vault",
            name: "vault-server",
          }),
        ),
      ],
    ],
    violating: [
      // The IRSA trust left on a role that an association names.
      [
        vaultAssociation,
        mut(
          vaultRole,
          "assumeRolePolicy",
          irsaTrustPolicy("arn:aws:iam::123456789012:oidc-provider/x", "https://x", {
            namespace: "vault",
            name: "vault-server",
          }),
        ),
      ],
      // The documented minimum: any association in the account could use it.
      [vaultAssociation, trustWith(vaultRole, (st) => delete st.Condition)],
      [vaultAssociation, trustWith(vaultRole, (st) => (st.Action = "sts:AssumeRole"))],
      [vaultAssociation, trustWith(vaultRole, (st) => delete equalsOf(st)["aws:RequestTag/eks-cluster-arn"])],
      [
        vaultAssociation,
        trustWith(vaultRole, (st) => (equalsOf(st)["aws:RequestTag/kubernetes-namespace"] = "default")),
      ],
      [
        vaultAssociation,
        trustWith(
          vaultRole,
          (st) => (equalsOf(st)["aws:RequestTag/kubernetes-service-account"] = ["vault-server", "other"]),
        ),
      ],
      [mut(ebsCsiAddon, "podIdentityAssociations", [{ roleArn: "r", serviceAccount: "other-sa" }]), ebsRole],
      [vaultAssociation, trustWith(vaultRole, (st) => (st.Effect = "Deny"))],
      [mut(vaultAssociation, "disableSessionTags", true), vaultRole],
      // Without the session-tag conditions, with the IRSA statement beside it.
      [
        vaultAssociation,
        trustWith(vaultRole, (st) => delete equalsOf(st)["aws:RequestTag/kubernetes-namespace"]),
      ],
      // The Pod Identity statement trusting more than pods.eks.amazonaws.com.
      [
        vaultAssociation,
        trustWith(
          vaultRole,
          (st) => (st.Principal = { Service: ["pods.eks.amazonaws.com", "ec2.amazonaws.com"] }),
        ),
      ],
      // The IRSA statement for another ServiceAccount, namespace, audience, or any ServiceAccount.
      [
        vaultAssociation,
        irsaWith(vaultRole, (st) => (equalsOf(st)[IRSA_SUB] = "system:serviceaccount:vault:other")),
      ],
      [
        vaultAssociation,
        irsaWith(vaultRole, (st) => (equalsOf(st)[IRSA_SUB] = "system:serviceaccount:default:vault-server")),
      ],
      [
        ebsCsiAddon,
        irsaWith(ebsRole, (st) => (equalsOf(st)[IRSA_SUB] = "system:serviceaccount:kube-system:other")),
      ],
      [vaultAssociation, irsaWith(vaultRole, (st) => (equalsOf(st)[IRSA_AUD] = "sigstore"))],
      [vaultAssociation, irsaWith(vaultRole, (st) => delete equalsOf(st)[IRSA_AUD])],
      [
        vaultAssociation,
        irsaWith(vaultRole, (st) => {
          delete equalsOf(st)[IRSA_SUB];
          st.Condition = {
            ...(st.Condition as object),
            StringLike: { [IRSA_SUB]: "system:serviceaccount:*" },
          };
        }),
      ],
      [vaultAssociation, irsaWith(vaultRole, (st) => delete st.Condition)],
      // Conditions on another issuer than the provider's, more actions, more principals.
      [
        vaultAssociation,
        irsaWith(vaultRole, (st) => {
          const equals = equalsOf(st);
          st.Condition = {
            StringEquals: Object.fromEntries(
              Object.entries(equals).map(([k, v]) => [k.replace("EXAMPLE", "OTHER"), v]),
            ),
          };
        }),
      ],
      [
        vaultAssociation,
        irsaWith(vaultRole, (st) => (st.Action = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"])),
      ],
      [
        vaultAssociation,
        irsaWith(
          vaultRole,
          (st) => (st.Principal = { ...(st.Principal as object), AWS: "arn:aws:iam::123456789012:root" }),
        ),
      ],
      // Anybody else beside Pod Identity: an account, a SAML provider, NotPrincipal.
      [
        vaultAssociation,
        trustPlus(vaultRole, { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }),
      ],
      [
        vaultAssociation,
        irsaWith(
          vaultRole,
          (st) => (st.Principal = { Federated: "arn:aws:iam::123456789012:saml-provider/x" }),
        ),
      ],
      [
        vaultAssociation,
        irsaWith(vaultRole, (st) => {
          st.NotPrincipal = st.Principal;
          delete st.Principal;
        }),
      ],
    ],
  },
  "eks-node-autoscaler": {
    compliant: [
      EKS_SET,
      [eksCluster, nodeGroup, mut(autoscalerRelease, "chart", "oci://public.ecr.aws/karpenter/karpenter")],
      [eksCluster],
    ],
    violating: [
      [eksCluster, nodeGroup],
      [nodeGroup, mut(autoscalerRelease, "chart", "metrics-server")],
    ],
  },
  "eks-sqs-encryption": {
    compliant: [
      mut(interruptionQueue, "sqsManagedSseEnabled", true),
      muts(interruptionQueue, { sqsManagedSseEnabled: undefined, kmsMasterKeyId: "alias/aws/sqs" }),
    ],
    violating: [
      mut(interruptionQueue, "sqsManagedSseEnabled", undefined),
      mut(interruptionQueue, "sqsManagedSseEnabled", false),
      muts(interruptionQueue, { sqsManagedSseEnabled: false, kmsMasterKeyId: "" }),
    ],
  },
  "karpenter-imdsv2": {
    compliant: [karpenterNodeClass, mut(karpenterNodeClass, "spec.metadataOptions.httpEndpoint", "disabled")],
    violating: [
      mut(karpenterNodeClass, "spec.metadataOptions.httpTokens", "optional"),
      mut(karpenterNodeClass, "spec.metadataOptions.httpPutResponseHopLimit", 2),
      mut(karpenterNodeClass, "spec.metadataOptions", undefined),
    ],
  },
  "karpenter-volume-encryption": {
    compliant: [karpenterNodeClass],
    violating: [
      mut(karpenterNodeClass, "spec.blockDeviceMappings", undefined),
      mut(karpenterNodeClass, "spec.blockDeviceMappings", [
        { deviceName: "/dev/xvda", ebs: { volumeSize: "4Gi", encrypted: true } },
        { deviceName: "/dev/xvdb", ebs: { volumeSize: "100Gi" } },
      ]),
    ],
  },
  "karpenter-node-pools": {
    compliant: [
      [karpenterCrdRelease, karpenterNodeClass, karpenterNodePool],
      // No dependencies known (the policy pack): only the names are checked.
      [
        { ...karpenterNodeClass, dependsOn: undefined },
        { ...karpenterNodePool, dependsOn: undefined },
      ],
      [autoscalerRelease],
    ],
    violating: [
      [karpenterCrdRelease, karpenterNodeClass, { ...karpenterNodePool, dependsOn: [] }],
      [karpenterCrdRelease, { ...karpenterNodeClass, dependsOn: [] }, karpenterNodePool],
      [karpenterCrdRelease, karpenterNodePool],
      [
        karpenterCrdRelease,
        karpenterNodeClass,
        mut(karpenterNodePool, "spec.template.spec.nodeClassRef.name", "gpu"),
      ],
    ],
  },
  "eks-karpenter-interruption": {
    compliant: [
      [karpenterRelease, interruptionQueue, queuePolicy, ...interruptionRules],
      // Without a Karpenter release nothing is required; the CRD chart is not the controller.
      [autoscalerRelease],
      [mut(karpenterRelease, "chart", "oci://public.ecr.aws/karpenter/karpenter-crd")],
    ],
    violating: [
      [karpenterRelease],
      [karpenterRelease, queuePolicy, ...interruptionRules],
      [karpenterRelease, interruptionQueue, ...interruptionRules],
      [karpenterRelease, interruptionQueue, queuePolicy, ...interruptionRules.slice(1)],
      [
        karpenterRelease,
        interruptionQueue,
        queuePolicy,
        ...interruptionRules.slice(1),
        mut(interruptionRules[0], "eventPattern", "{not json"),
      ],
    ],
  },

  /* GKE */
  "gke-private-nodes": {
    compliant: [gkeCluster, gkePool],
    violating: [
      mut(gkeCluster, "privateClusterConfig", undefined),
      mut(gkeCluster, "privateClusterConfig.enablePrivateNodes", false),
      mut(gkePool, "networkConfig", { enablePrivateNodes: false }),
    ],
  },
  "gke-master-authorized-networks": {
    compliant: [
      gkeCluster,
      muts(gkeCluster, {
        masterAuthorizedNetworksConfig: undefined,
        "privateClusterConfig.enablePrivateEndpoint": true,
      }),
    ],
    violating: [
      mut(gkeCluster, "masterAuthorizedNetworksConfig", undefined),
      mut(gkeCluster, "masterAuthorizedNetworksConfig.cidrBlocks", [{ cidrBlock: "0.0.0.0/0" }]),
      mut(gkeCluster, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", true),
    ],
  },
  "gke-legacy-abac-off": {
    compliant: [gkeCluster, mut(gkeCluster, "enableLegacyAbac", undefined)],
    violating: [mut(gkeCluster, "enableLegacyAbac", true)],
  },
  "gke-no-client-cert-basic-auth": {
    compliant: [gkeCluster, mut(gkeCluster, "masterAuth", undefined)],
    violating: [
      mut(gkeCluster, "masterAuth.clientCertificateConfig.issueClientCertificate", true),
      mut(gkeCluster, "masterAuth", { username: "admin", password: "x" }),
    ],
  },
  "gke-network-policy": {
    compliant: [
      gkeCluster,
      muts(gkeCluster, {
        datapathProvider: undefined,
        "networkPolicy.enabled": true,
        addonsConfig: undefined,
      }),
    ],
    violating: [
      mut(gkeCluster, "datapathProvider", "LEGACY_DATAPATH"),
      muts(gkeCluster, {
        datapathProvider: undefined,
        "networkPolicy.enabled": true,
        "addonsConfig.networkPolicyConfig.disabled": true,
      }),
    ],
  },
  "gke-shielded-nodes": {
    compliant: [
      gkeCluster,
      gkePool,
      mut(gkePool, "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", undefined),
    ],
    violating: [
      mut(gkeCluster, "enableShieldedNodes", false),
      mut(gkePool, "nodeConfig.shieldedInstanceConfig", undefined),
      mut(gkePool, "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", false),
      muts(gkeCluster, {
        removeDefaultNodePool: false,
        nodeConfig: { workloadMetadataConfig: { mode: "GKE_METADATA" } },
      }),
    ],
  },
  "gke-workload-metadata": {
    compliant: [gkePool, gkeCluster],
    violating: [
      mut(gkePool, "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA"),
      mut(gkePool, "nodeConfig.workloadMetadataConfig", undefined),
      mut(gkeCluster, "nodePools", [{ name: "inline", nodeConfig: {} }]),
    ],
  },
  "gke-node-auto-repair-upgrade": {
    compliant: [gkePool, mut(gkePool, "management", undefined)],
    violating: [mut(gkePool, "management.autoRepair", false), mut(gkePool, "management.autoUpgrade", false)],
  },
  "gke-node-service-account": {
    compliant: [gkePool],
    violating: [
      mut(gkePool, "nodeConfig.serviceAccount", undefined),
      mut(gkePool, "nodeConfig.serviceAccount", "123456789-compute@developer.gserviceaccount.com"),
      mut(gkePool, "nodeConfig.serviceAccount", "default"),
    ],
  },
  "gke-release-channel": {
    compliant: [gkeCluster],
    violating: [
      mut(gkeCluster, "releaseChannel", undefined),
      mut(gkeCluster, "releaseChannel.channel", "UNSPECIFIED"),
    ],
  },
  "gke-logging-monitoring": {
    compliant: [gkeCluster, muts(gkeCluster, { loggingService: undefined, monitoringService: undefined })],
    violating: [
      mut(gkeCluster, "loggingService", "none"),
      mut(gkeCluster, "monitoringService", "none"),
      mut(gkeCluster, "loggingConfig", { enableComponents: [] }),
    ],
  },
  "gke-secrets-encryption": {
    compliant: [gkeCluster],
    violating: [
      mut(gkeCluster, "databaseEncryption", undefined),
      mut(gkeCluster, "databaseEncryption.state", "DECRYPTED"),
      mut(gkeCluster, "databaseEncryption.keyName", undefined),
    ],
  },
  "gke-workload-identity": {
    compliant: [gkeCluster],
    violating: [mut(gkeCluster, "workloadIdentityConfig", undefined)],
  },

  /* AKS */
  "aks-api-server-access": {
    compliant: [aksCluster, mut(aksCluster, "apiServerAccessProfile", { enablePrivateCluster: true })],
    violating: [
      mut(aksCluster, "apiServerAccessProfile", undefined),
      mut(aksCluster, "apiServerAccessProfile.authorizedIPRanges", ["0.0.0.0/0"]),
    ],
  },
  "aks-rbac": {
    compliant: [aksCluster],
    violating: [mut(aksCluster, "enableRBAC", false), mut(aksCluster, "enableRBAC", undefined)],
  },
  "aks-local-accounts-disabled": {
    ctx: PROD,
    compliant: [aksCluster],
    violating: [
      mut(aksCluster, "disableLocalAccounts", false),
      mut(aksCluster, "disableLocalAccounts", undefined),
    ],
  },
  "aks-network-policy": {
    compliant: [aksCluster, mut(aksCluster, "networkProfile.networkPolicy", "calico")],
    violating: [
      mut(aksCluster, "networkProfile.networkPolicy", "none"),
      mut(aksCluster, "networkProfile", undefined),
    ],
  },
  "aks-azure-cni": {
    compliant: [aksCluster],
    violating: [
      mut(aksCluster, "networkProfile.networkPlugin", "kubenet"),
      mut(aksCluster, "networkProfile", undefined),
    ],
  },
  "aks-auto-upgrade": {
    compliant: [aksCluster],
    violating: [
      mut(aksCluster, "autoUpgradeProfile.upgradeChannel", "none"),
      mut(aksCluster, "autoUpgradeProfile", undefined),
    ],
  },
  "aks-paid-tier": {
    ctx: PROD,
    compliant: [aksCluster, mut(aksCluster, "sku.tier", "Premium")],
    violating: [mut(aksCluster, "sku.tier", "Free"), mut(aksCluster, "sku", undefined)],
  },
  "aks-no-node-public-ip": {
    compliant: [aksCluster, aksPool, mut(aksPool, "enableNodePublicIP", undefined)],
    violating: [
      mut(aksPool, "enableNodePublicIP", true),
      mut(aksCluster, "agentPoolProfiles", [{ ...aksSystemPool, enableNodePublicIP: true }]),
    ],
  },
  "aks-system-pool-critical-only": {
    compliant: [aksCluster, aksPool],
    violating: [
      mut(aksCluster, "agentPoolProfiles", [{ ...aksSystemPool, nodeTaints: [] }]),
      muts(aksPool, { mode: "System", nodeTaints: ["dedicated=infra:NoSchedule"] }),
    ],
  },
  "aks-workload-identity": {
    compliant: [aksCluster],
    violating: [
      mut(aksCluster, "oidcIssuerProfile", undefined),
      mut(aksCluster, "securityProfile.workloadIdentity.enabled", false),
    ],
  },

  /* DOKS */
  "doks-auto-upgrade": {
    compliant: [doksCluster],
    violating: [mut(doksCluster, "autoUpgrade", false), mut(doksCluster, "autoUpgrade", undefined)],
  },
  "doks-surge-upgrade": {
    compliant: [doksCluster],
    violating: [mut(doksCluster, "surgeUpgrade", false), mut(doksCluster, "surgeUpgrade", undefined)],
  },
  "doks-ha-control-plane": {
    ctx: PROD,
    compliant: [doksCluster],
    violating: [mut(doksCluster, "ha", false), mut(doksCluster, "ha", undefined)],
  },
  "doks-maintenance-window": {
    compliant: [doksCluster, mut(doksCluster, "maintenancePolicy", [{ day: "any", startTime: "23:30" }])],
    violating: [
      mut(doksCluster, "maintenancePolicy", undefined),
      mut(doksCluster, "maintenancePolicy.day", "someday"),
      mut(doksCluster, "maintenancePolicy.startTime", "3am"),
    ],
  },

  /* All clouds */
  "node-pool-autoscaling": {
    compliant: [
      nodeGroup,
      gkeCluster,
      gkePool,
      aksCluster,
      aksPool,
      doksCluster,
      doksPool,
      withIgnore(aksCluster, ["agentPoolProfiles[*].count"]),
      withIgnore(aksCluster, ["agentPoolProfiles"]),
      mut(gkeCluster, "enableAutopilot", true),
      // A fixed size (Karpenter's system node groups): nothing scales it, nothing to ignore.
      withIgnore(mut(nodeGroup, "scalingConfig", { desiredSize: 1, minSize: 1, maxSize: 1 }), []),
    ],
    violating: [
      withIgnore(nodeGroup, []),
      withIgnore(mut(nodeGroup, "scalingConfig", { desiredSize: 1, minSize: 1, maxSize: 2 }), []),
      withIgnore(mut(nodeGroup, "scalingConfig", { desiredSize: 0, minSize: 0, maxSize: 0 }), []),
      mut(nodeGroup, "scalingConfig", { desiredSize: 3, minSize: 5, maxSize: 2 }),
      mut(nodeGroup, "scalingConfig", { maxSize: 0, minSize: 0 }),
      mut(gkePool, "autoscaling", undefined),
      withIgnore(mut(gkePool, "nodeCount", 3), []),
      mut(gkeCluster, "removeDefaultNodePool", false),
      mut(gkeCluster, "nodePools", [{ name: "inline", nodeCount: 3 }]),
      mut(aksPool, "enableAutoScaling", false),
      withIgnore(aksPool, []),
      withIgnore(aksCluster, ["agentPoolProfiles[1].count"]),
      mut(aksCluster, "agentPoolProfiles", [{ ...aksSystemPool, minCount: undefined }]),
      mut(doksCluster, "nodePool.autoScale", false),
      withIgnore(doksCluster, []),
      mut(doksPool, "minNodes", 10),
      withIgnore(doksPool, []),
    ],
  },

  /* Workloads: security context */
  "k8s-run-as-non-root": {
    compliant: [
      deployment,
      dep({
        [`${POD}.securityContext.runAsNonRoot`]: undefined,
        [`${C0}.securityContext.runAsNonRoot`]: true,
      }),
    ],
    violating: [
      dep({ [`${POD}.securityContext.runAsNonRoot`]: undefined }),
      dep({ [`${C0}.securityContext.runAsNonRoot`]: false }),
      dep({ [`${POD}.securityContext.runAsNonRoot`]: false }),
    ],
  },
  "k8s-no-root-uid": {
    compliant: [deployment, dep({ [`${POD}.securityContext.runAsUser`]: undefined })],
    violating: [
      dep({ [`${C0}.securityContext.runAsUser`]: 0 }),
      dep({ [`${POD}.securityContext.runAsUser`]: 0 }),
    ],
  },
  "k8s-high-uid": {
    compliant: [
      deployment,
      dep({ [`${POD}.securityContext.runAsUser`]: undefined, [`${C0}.securityContext.runAsUser`]: 65532 }),
    ],
    violating: [
      dep({ [`${POD}.securityContext.runAsUser`]: 1000 }),
      dep({ [`${POD}.securityContext.runAsUser`]: undefined }),
    ],
  },
  "k8s-no-privilege-escalation": {
    compliant: [deployment],
    violating: [
      dep({ [`${C0}.securityContext.allowPrivilegeEscalation`]: undefined }),
      dep({ [`${C0}.securityContext.allowPrivilegeEscalation`]: true }),
    ],
  },
  "k8s-capabilities": {
    compliant: [deployment, dep({ [`${C0}.securityContext.capabilities.add`]: ["NET_BIND_SERVICE"] })],
    violating: [
      dep({ [`${C0}.securityContext.capabilities`]: undefined }),
      dep({ [`${C0}.securityContext.capabilities.drop`]: ["NET_RAW"] }),
      dep({ [`${C0}.securityContext.capabilities.add`]: ["SYS_ADMIN"] }),
    ],
  },
  "k8s-seccomp": {
    compliant: [
      deployment,
      dep({
        [`${POD}.securityContext.seccompProfile`]: undefined,
        [`${C0}.securityContext.seccompProfile`]: {
          type: "Localhost",
          localhostProfile: "profiles/web.json",
        },
      }),
    ],
    violating: [
      dep({ [`${POD}.securityContext.seccompProfile`]: undefined }),
      dep({ [`${C0}.securityContext.seccompProfile`]: { type: "Unconfined" } }),
      dep({ [`${POD}.securityContext.seccompProfile`]: { type: "Localhost" } }),
    ],
  },
  "k8s-no-privileged": {
    compliant: [deployment, dep({ [`${C0}.securityContext.privileged`]: false })],
    violating: [dep({ [`${C0}.securityContext.privileged`]: true })],
  },
  "k8s-no-host-namespaces": {
    compliant: [deployment, dep({ [`${POD}.hostNetwork`]: false })],
    violating: [
      dep({ [`${POD}.hostNetwork`]: true }),
      dep({ [`${POD}.hostPID`]: true }),
      dep({ [`${POD}.hostIPC`]: true }),
    ],
  },
  "k8s-no-host-path": {
    compliant: [deployment, dep({ [`${POD}.volumes`]: [{ name: "tmp", emptyDir: {} }] })],
    violating: [
      dep({ [`${POD}.volumes`]: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }] }),
    ],
  },
  "k8s-no-host-port": {
    compliant: [deployment],
    violating: [dep({ [`${C0}.ports`]: [{ containerPort: 8080, hostPort: 80 }] })],
  },
  "k8s-read-only-root-fs": {
    compliant: [deployment],
    violating: [
      dep({ [`${C0}.securityContext.readOnlyRootFilesystem`]: false }),
      dep({ [`${C0}.securityContext`]: undefined }),
    ],
  },

  /* Workloads: resources, probes, image, token */
  "k8s-cpu-request": {
    compliant: [deployment],
    violating: [
      dep({ [`${C0}.resources.requests.cpu`]: undefined }),
      dep({ [`${C0}.resources`]: undefined }),
    ],
  },
  "k8s-cpu-limit": {
    compliant: [deployment],
    violating: [dep({ [`${C0}.resources.limits.cpu`]: undefined })],
  },
  "k8s-memory-request": {
    compliant: [deployment],
    violating: [dep({ [`${C0}.resources.requests.memory`]: undefined })],
  },
  "k8s-memory-limit": {
    compliant: [deployment],
    violating: [dep({ [`${C0}.resources.limits.memory`]: undefined })],
  },
  "k8s-liveness-probe": {
    compliant: [
      deployment,
      workloadOfKind("Job", {
        ...podSpec,
        containers: [{ ...podSpec.containers[0], livenessProbe: undefined }],
      }),
    ],
    violating: [dep({ [`${C0}.livenessProbe`]: undefined })],
  },
  "k8s-readiness-probe": {
    compliant: [
      deployment,
      workloadOfKind("CronJob", {
        ...podSpec,
        containers: [{ ...podSpec.containers[0], readinessProbe: undefined }],
      }),
    ],
    violating: [dep({ [`${C0}.readinessProbe`]: undefined })],
  },
  "k8s-image-pinned": {
    compliant: [
      deployment,
      dep({ [`${C0}.image`]: `ghcr.io/acme/web@sha256:${"a".repeat(64)}` }),
      dep({ [`${C0}.image`]: "registry.local:5000/web:2.0" }),
    ],
    violating: [
      dep({ [`${C0}.image`]: "ghcr.io/acme/web:latest" }),
      dep({ [`${C0}.image`]: "ghcr.io/acme/web" }),
      dep({ [`${C0}.image`]: "registry.local:5000/web" }),
      dep({ [`${C0}.image`]: undefined }),
    ],
  },
  "k8s-no-service-account-token": {
    compliant: [
      deployment,
      dep({
        [`${POD}.automountServiceAccountToken`]: undefined,
        "spec.template.metadata.annotations": { "vault.hashicorp.com/agent-inject": "true" },
      }),
    ],
    violating: [
      dep({ [`${POD}.automountServiceAccountToken`]: undefined }),
      dep({ [`${POD}.automountServiceAccountToken`]: true }),
      dep({
        [`${POD}.automountServiceAccountToken`]: undefined,
        "spec.template.metadata.annotations": { "vault.hashicorp.com/agent-inject": "false" },
      }),
    ],
  },

  /* Workloads: stack rules */
  "k8s-network-policy-coverage": {
    compliant: [
      WORKLOAD_SET,
      [deployment, mut(networkPolicy, "spec.podSelector", {})],
      [
        deployment,
        mut(networkPolicy, "spec.podSelector", {
          matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["web", "api"] }],
        }),
      ],
      [networkPolicy],
    ],
    violating: [
      [deployment],
      [deployment, mut(networkPolicy, "metadata.namespace", "other")],
      [deployment, mut(networkPolicy, "spec.podSelector.matchLabels", { "app.kubernetes.io/name": "api" })],
      [
        workloadOfKind("CronJob"),
        mut(networkPolicy, "spec.podSelector.matchExpressions", [{ key: "tier", operator: "Exists" }]),
      ],
    ],
  },
  "k8s-pdb-coverage": {
    compliant: [
      WORKLOAD_SET,
      [dep({ "spec.replicas": 1 })],
      [dep({ "spec.replicas": undefined }), hpa(1)],
      [dep({ "spec.replicas": undefined }), hpa(3), pdb],
    ],
    violating: [
      [deployment],
      [dep({ "spec.replicas": undefined }), hpa(2)],
      [deployment, mut(pdb, "spec.selector", undefined)],
      [deployment, mut(pdb, "metadata.namespace", "other")],
      [workloadOfKind("StatefulSet"), mut(pdb, "spec.selector.matchLabels", { app: "other" })].map((r) =>
        r.type.endsWith("StatefulSet") ? mut(r, "spec.replicas", 3) : r,
      ),
    ],
  },
  "k8s-prod-replicas": {
    ctx: PROD,
    compliant: [WORKLOAD_SET, [dep({ "spec.replicas": undefined }), hpa(2)], [workloadOfKind("StatefulSet")]],
    violating: [
      [dep({ "spec.replicas": 1 })],
      [dep({ "spec.replicas": undefined })],
      [dep({ "spec.replicas": 3 }), hpa(undefined)],
      [dep({ "spec.replicas": 3 }), hpa(1)],
    ],
  },
};

const asSet = (s: SetOrOne): ResourceUnderTest[] => (Array.isArray(s) ? s : [s]);
const describeSet = (s: SetOrOne) =>
  asSet(s)
    .map((r) => r.name)
    .join(", ");

describe("security rules: one compliant and one violating case per rule", () => {
  it("every rule has a case, ids are unique, and every rule is documented", () => {
    const ids = ALL_RULES.map((r) => r.id);
    assert.strictEqual(new Set(ids).size, ids.length, "duplicate rule ids");
    assert.deepStrictEqual(SECURITY_RULES.map((r) => r.id).sort(), Object.keys(CASES).sort());
    for (const rule of ALL_RULES) {
      assert.ok(rule.description.length > 10, rule.id);
      assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)+$/, rule.id);
      for (const s of rule.scannerIds)
        assert.match(s, /^(CKV2?_[A-Z0-9]+_\d+|AVD-[A-Z]+-\d{4}|PSS:(baseline|restricted))$/, s);
    }
  });

  const ADVISORY_SECURITY_RULES = ["eks-no-node-ssh-key", "k8s-high-uid", "k8s-cpu-limit"];
  for (const rule of SECURITY_RULES) {
    describe(`${rule.id} [${rule.severity}${rule.profiles ? `, ${rule.profiles.join("/")}` : ""}] ${rule.scannerIds.join(" ")}`, () => {
      const c = CASES[rule.id];
      if (!c) return;
      const ctx = c.ctx ?? DEV;
      it("compliant sets yield no violation", () => {
        for (const set of c.compliant)
          assert.deepStrictEqual(evaluate(asSet(set), ctx, [rule]), [], describeSet(set));
      });
      it("violating sets yield violations of this rule only", () => {
        for (const [i, set] of c.violating.entries()) {
          const found = evaluate(asSet(set), ctx, [rule]);
          assert.ok(found.length > 0, `violating set #${i} (${describeSet(set)}) passed`);
          for (const v of found) {
            assert.strictEqual(v.ruleId, rule.id);
            // The advisory security rules, written out (tests/rules-catalogue.test.ts pins every rule's).
            assert.strictEqual(
              v.severity,
              ADVISORY_SECURITY_RULES.includes(rule.id) ? "advisory" : "mandatory",
            );
            assert.deepStrictEqual(v.scannerIds, rule.scannerIds);
            assert.ok(!v.message.startsWith("rule failed"), v.message);
            assert.match(v.resource, /^\S+:\S+ \S+$/, v.resource);
          }
        }
      });
    });
  }

  it("the compliant fixtures pass every rule together, in prod", () => {
    const all = [
      ...EKS_SET,
      gkeCluster,
      gkePool,
      aksCluster,
      aksPool,
      doksCluster,
      doksPool,
      ...WORKLOAD_SET,
    ];
    assert.deepStrictEqual(evaluate(all, PROD, SECURITY_RULES), []);
  });
});

/* ------------------------------------------------------------------------------------------ */

const FIXTURE_TYPES = [
  ...new Set(
    [
      ...EKS_SET,
      gkeCluster,
      gkePool,
      aksCluster,
      aksPool,
      doksCluster,
      doksPool,
      ...WORKLOAD_SET,
      hpa(2),
    ].map((r) => r.type),
  ),
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:apps/v1:ReplicaSet",
  "kubernetes:batch/v1:Job",
  "kubernetes:batch/v1:CronJob",
  "kubernetes:core/v1:Pod",
  "kubernetes:core/v1:ReplicationController",
  "aws:eks/addon:Addon",
];

/** Odd inputs a preview or a hand-written resource may carry. */
const ODD_INPUTS: Inputs[] = [
  {},
  { spec: null, metadata: null, vpcConfig: null, nodePool: null, agentPoolProfiles: null, nodeConfig: null },
  {
    spec: { template: { spec: { containers: [null, 3, "x", { securityContext: null, resources: "big" }] } } },
  },
  { spec: { jobTemplate: null, containers: {} }, encryptionConfig: "secrets", enabledClusterLogTypes: "api" },
  { scalingConfig: [], autoscaling: 3, maintenancePolicy: [null], remoteAccess: [{}], masterAuth: [] },
];

describe("security rules on missing or partial inputs", () => {
  it("no rule throws, whatever the inputs", () => {
    for (const type of FIXTURE_TYPES) {
      for (const inputs of ODD_INPUTS) {
        const r = res(type, "odd", inputs);
        for (const rule of ALL_RULES) {
          assert.doesNotThrow(
            () => {
              if (rule.kind === "resource") {
                if (rule.appliesTo(r)) rule.check(r, PROD);
              } else rule.check([r, res(type, "odd2", {}), eksCluster, deployment], PROD);
            },
            `${rule.id} on ${type} ${JSON.stringify(inputs)}`,
          );
        }
      }
    }
  });

  it("a workload with nothing set violates every mandatory security-context rule, and each rule only once per container", () => {
    const bare = res("kubernetes:apps/v1:Deployment", "bare", {
      spec: { template: { spec: { containers: [{ name: "c", image: "nginx" }] } } },
    });
    const ids = evaluate([bare], PROD, WORKLOAD_RESOURCE_RULES).map((v) => v.ruleId);
    assert.deepStrictEqual(
      [...ids].sort(),
      WORKLOAD_RESOURCE_RULES.filter(
        (r) =>
          ![
            "k8s-no-root-uid",
            "k8s-no-privileged",
            "k8s-no-host-namespaces",
            "k8s-no-host-path",
            "k8s-no-host-port",
          ].includes(r.id),
      )
        .map((r) => r.id)
        .sort(),
    );
  });

  it("a cluster resource with no inputs violates the rules whose secure value must be explicit", () => {
    const found = (type: string) =>
      new Set(evaluate([res(type, "empty", {})], PROD, CLUSTER_RULES).map((v) => v.ruleId));
    assert.deepStrictEqual([...found("aws:eks/cluster:Cluster")].sort(), [
      "eks-control-plane-logs",
      "eks-endpoint-access",
      "eks-irsa",
      "eks-secrets-encryption",
    ]);
    assert.ok(found("gcp:container/cluster:Cluster").has("gke-private-nodes"));
    assert.ok(found("azure-native:containerservice:ManagedCluster").has("aks-rbac"));
    assert.ok(
      found("azure-native:containerservice/v20240901:ManagedCluster").has("aks-rbac"),
      "versioned token",
    );
    assert.ok(found("digitalocean:index/kubernetesCluster:KubernetesCluster").has("doks-auto-upgrade"));
  });
});

describe("pod templates and helpers", () => {
  for (const kind of ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]) {
    it(`${kind}: reads the pod spec where the kind keeps it`, () => {
      const w = workloadOfKind(kind);
      const pt = podTemplateOf(w)!;
      assert.deepStrictEqual(
        [pt.kind, pt.namespace, pt.labels, pt.containers.length],
        [kind, "shop", LABELS, 1],
      );
      assert.deepStrictEqual(evaluate([w], DEV, WORKLOAD_RESOURCE_RULES), []);
      const privileged = structuredClone(podSpec);
      Object.assign(privileged.containers[0].securityContext, { privileged: true });
      privileged.securityContext.runAsNonRoot = false;
      const ids = evaluate([workloadOfKind(kind, privileged)], DEV, WORKLOAD_RESOURCE_RULES).map(
        (v) => v.ruleId,
      );
      assert.deepStrictEqual(ids.sort(), ["k8s-no-privileged", "k8s-run-as-non-root"]);
    });
  }

  it("checks init containers too, but probes only on main containers", () => {
    const init = { name: "migrate", image: "ghcr.io/acme/migrate:1", securityContext: { privileged: true } };
    const w = dep({ [`${POD}.initContainers`]: [init] });
    const msgs = evaluate([w], DEV, WORKLOAD_RESOURCE_RULES).map((v) => `${v.ruleId}: ${v.message}`);
    assert.ok(
      msgs.includes('k8s-no-privileged: init container "migrate": securityContext.privileged is true'),
      msgs.join("\n"),
    );
    assert.ok(!msgs.some((m) => m.startsWith("k8s-liveness-probe")), msgs.join("\n"));
  });

  it("label selectors: matchLabels, every expression operator, null and empty", () => {
    const labels = { app: "web", tier: "front" };
    assert.ok(selectorMatches({}, labels, false));
    assert.ok(selectorMatches(undefined, labels, true));
    assert.ok(!selectorMatches(undefined, labels, false));
    assert.ok(selectorMatches({ matchLabels: { app: "web" } }, labels, false));
    assert.ok(!selectorMatches({ matchLabels: { app: "web", x: "y" } }, labels, false));
    const expr = (operator: string, values?: string[]) => ({
      matchExpressions: [{ key: "tier", operator, values }],
    });
    assert.ok(selectorMatches(expr("In", ["front", "back"]), labels, false));
    assert.ok(!selectorMatches(expr("NotIn", ["front"]), labels, false));
    assert.ok(selectorMatches(expr("Exists"), labels, false));
    assert.ok(!selectorMatches(expr("DoesNotExist"), labels, false));
    assert.ok(!selectorMatches(expr("Bogus"), labels, false));
  });

  it("image references", () => {
    assert.strictEqual(imagePinProblem("nginx:1.27"), undefined);
    assert.strictEqual(imagePinProblem(`nginx@sha256:${"0".repeat(64)}`), undefined);
    assert.strictEqual(imagePinProblem(`nginx:latest@sha256:${"0".repeat(64)}`), undefined);
    assert.match(imagePinProblem("nginx@sha256:short")!, /malformed digest/);
    assert.match(imagePinProblem("localhost:5000/nginx")!, /no tag/);
  });

  it("ignoreChanges paths: exact, parent, index and wildcard", () => {
    const r = (ignoreChanges: string[]) => res("t:t:t", "n", {}, ignoreChanges);
    assert.ok(isIgnored(r(["nodePool.nodeCount"]), "nodePool.nodeCount"));
    assert.ok(isIgnored(r(["nodePool"]), "nodePool.nodeCount"));
    assert.ok(isIgnored(r(["agentPoolProfiles[*].count"]), "agentPoolProfiles[2].count"));
    assert.ok(!isIgnored(r(["agentPoolProfiles[1].count"]), "agentPoolProfiles[0].count"));
    assert.ok(!isIgnored(r(["nodePool.nodeCount"]), "nodePool"));
    assert.ok(!isIgnored({ type: "t", name: "n", inputs: {} }, "count"));
  });
});

describe("evaluate()", () => {
  const bad = [mut(eksCluster, "enabledClusterLogTypes", []), mut(aksCluster, "disableLocalAccounts", false)];

  it("drops waived rules", () => {
    const ids = (ctx: RuleContext) => evaluate(bad, ctx).map((v) => v.ruleId);
    assert.ok(ids(PROD).includes("eks-control-plane-logs"));
    assert.ok(!ids({ ...PROD, waivers: ["eks-control-plane-logs"] }).includes("eks-control-plane-logs"));
  });

  it("applies profile-bound rules only in their profiles", () => {
    assert.ok(evaluate(bad, PROD).some((v) => v.ruleId === "aks-local-accounts-disabled"));
    assert.ok(!evaluate(bad, DEV).some((v) => v.ruleId === "aks-local-accounts-disabled"));
    assert.deepStrictEqual(evaluate([dep({ "spec.replicas": 1 }), networkPolicy], DEV), []);
  });

  it("reports a throwing rule as a violation instead of aborting", () => {
    const throwing: ResourceRule = {
      kind: "resource",
      id: "throws",
      scannerIds: [],
      description: "a broken rule",
      severity: "advisory",
      appliesTo: () => true,
      check: () => {
        throw new Error("boom");
      },
    };
    const throwingStack: StackRule = {
      ...throwing,
      kind: "stack",
      check: () => {
        throw new Error("bang");
      },
    };
    const found = evaluate([eksCluster], DEV, [throwing, throwingStack]);
    assert.deepStrictEqual(
      found.map((v) => [v.ruleId, v.resource, v.message]),
      [
        ["throws", "aws:eks/cluster:Cluster kp-cluster-eks", "rule failed: boom"],
        ["throws", "stack *", "rule failed: bang"],
      ],
    );
  });

  it("keeps rule order, then resource order", () => {
    const found = evaluate(
      [mut(gkePool, "management.autoRepair", false), mut(gkeCluster, "enableLegacyAbac", true)],
      DEV,
      SECURITY_RULES,
    );
    assert.deepStrictEqual(
      found.map((v) => v.ruleId),
      ["gke-legacy-abac-off", "gke-node-auto-repair-upgrade"],
    );
  });
});
