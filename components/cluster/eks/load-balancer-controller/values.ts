/**
 * The AWS Load Balancer Controller's Helm values (CHARTS.awsLoadBalancerController), pure: what the
 * chart's templates read (helm/aws-load-balancer-controller values.yaml and templates/ at the tag of
 * the pinned version) set for one EKS cluster.
 */
import type * as pulumi from "@pulumi/pulumi";
import { resources } from "../../../addons/base";
import { spreadAcrossNodesAndZones } from "../../../kube/conventions";
import { identityChecksumAnnotations } from "../../identity-common";
import type { ServiceAccountRef } from "../../types";

export const LBC_RELEASE = "aws-load-balancer-controller";
export const LBC_NAMESPACE = "kube-system";

/**
 * The ServiceAccount the chart creates (serviceaccount.yaml, named by serviceAccount.name); the
 * controller's AWS identity trusts exactly this one.
 */
export const LBC_SERVICE_ACCOUNT: ServiceAccountRef = {
  namespace: LBC_NAMESPACE,
  name: "aws-load-balancer-controller",
};

/** The chart's selector labels (_helpers.tpl selectorLabels: its name and the release name). */
export const LBC_POD_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/name": "aws-load-balancer-controller",
  "app.kubernetes.io/instance": LBC_RELEASE,
};

/**
 * The pods' port the webhook Service (port 443) sends the API server's admission calls to
 * (deployment.yaml `webhook-server`, webhookBindPort unset). On EKS the control plane's network
 * interfaces and the managed nodes share the cluster security group, whose default rule lets its
 * members reach each other on every port (EKS user guide, "View Amazon EKS security group
 * requirements for clusters"), so no rule is needed for it.
 */
export const LBC_WEBHOOK_PORT = 9443;

export interface LoadBalancerControllerValuesArgs {
  clusterName: string;
  region: string;
  vpcId: pulumi.Input<string>;
  /** The binding's annotations (IRSA role ARN; none with Pod Identity): resolve once it is usable. */
  serviceAccountAnnotations: pulumi.Input<Record<string, string>>;
  podLabels: Record<string, string>;
}

/**
 * The controller's values:
 * - `clusterName` (required by deployment.yaml; the `elbv2.k8s.aws/cluster` tag and the subnets' and
 *   security groups' `kubernetes.io/cluster/<name>` tags name it), `region` and `vpcId`: without them
 *   the controller asks the instance metadata service (pkg/aws/cloud.go: region and VPC from EC2
 *   metadata unless --aws-region and --aws-vpc-id are given), which pods cannot reach: the launch
 *   templates require IMDSv2 with a hop limit of 1 (docs/deploy/installation.md, "Using the Amazon EC2
 *   instance metadata server version 2": "specify the AWS Region via --aws-region, and the VPC via
 *   --aws-vpc-id" instead).
 * - Two replicas (one leads; both serve the webhooks), a PodDisruptionBudget (pdb.yaml renders one
 *   with podDisruptionBudget set and more than one replica) and spread over nodes and zones; the
 *   chart's own default affinity (configureDefaultAffinity) prefers other nodes as well.
 * - Pod Security "restricted": the chart's defaults lack the dropped capabilities and the seccomp
 *   profile (values.yaml podSecurityContext/securityContext), set here.
 * - `enableServiceMutatorWebhook: false`: the webhook (webhook.yaml `mservice.elbv2.k8s.aws`, failure
 *   policy Fail, every namespace) would give every new LoadBalancer Service the controller's class,
 *   taking over Services the platform does not make, and while the controller is down the API server
 *   could create no Service at all (the webhook matches every Service CREATE). The ingress Service
 *   names the class itself (ClusterLoadBalancer.loadBalancerClass); others stay the in-tree
 *   provider's, which the rules report (rules/load-balancer-services.ts).
 * - No ALB ingress class and no Ingress validation webhook: the platform routes Ingresses through
 *   its own controller (Traefik or NGINX). `createIngressClassResource: false` renders no `alb`
 *   IngressClass (ingressclass.yaml), so the controller handles no Ingress (with ingressClass kept,
 *   it never takes class-less ones: controllers/ingress/group_controller.go), and
 *   `webhookConfig.disableIngressValidation` drops `vingress.elbv2.k8s.aws`, which every Ingress
 *   CREATE/UPDATE of the cluster would otherwise call with failure policy Fail.
 * - `keepTLSSecret`: an upgrade keeps the webhook's serving certificate (_helpers.tpl webhookCerts
 *   reuses the Secret; otherwise each upgrade makes a new CA, and until the pods see the new Secret
 *   the API server's calls to the webhook fail).
 */
export function loadBalancerControllerValues(a: LoadBalancerControllerValuesArgs): Record<string, unknown> {
  return {
    clusterName: a.clusterName,
    region: a.region,
    vpcId: a.vpcId,
    serviceAccount: {
      create: true,
      name: LBC_SERVICE_ACCOUNT.name,
      annotations: a.serviceAccountAnnotations,
    },
    podLabels: a.podLabels,
    // A changed binding (a switch between IRSA and Pod Identity) rolls the controller: its credentials
    // are injected only when a pod is created (identity-common.ts identityChecksum). The chart adds
    // podAnnotations to the pod template's annotations only (templates/deployment.yaml, after its
    // prometheus.io ones).
    podAnnotations: identityChecksumAnnotations(a),
    replicaCount: 2,
    podDisruptionBudget: { maxUnavailable: 1 },
    topologySpreadConstraints: spreadAcrossNodesAndZones({ ...LBC_POD_LABELS }),
    resources: resources("100m", "128Mi", "512Mi"),
    podSecurityContext: {
      fsGroup: 65534,
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    },
    securityContext: {
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    },
    enableServiceMutatorWebhook: false,
    createIngressClassResource: false,
    webhookConfig: { disableIngressValidation: true },
    keepTLSSecret: true,
  };
}
