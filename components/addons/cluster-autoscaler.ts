/**
 * cluster-autoscaler for targets whose node pools do not scale by themselves (EKS managed node
 * groups): it discovers the cluster's Auto Scaling groups by tag and scales them between min and max.
 */
import * as pulumi from "@pulumi/pulumi";
import { identityChecksumAnnotations } from "../cluster/identity-common";
import { ClusterAutoscalerTarget, ServiceAccountRef } from "../cluster/types";
import { spreadAcrossNodesAndZones } from "../kube/conventions";
import { AddonContext, namespacedRelease, resources } from "./base";
import { AddonComponent } from "./contract";
import { HelmValues } from "./types";

export const CLUSTER_AUTOSCALER_RELEASE = "cluster-autoscaler";

/** The ServiceAccount the chart creates; the cloud identity trusts exactly this one. */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT: ServiceAccountRef = {
  namespace: "cluster-autoscaler",
  name: "cluster-autoscaler",
};

/** The chart's selector labels (cluster-autoscaler.instance-name) for our release on AWS. */
export const CLUSTER_AUTOSCALER_POD_LABELS = {
  "app.kubernetes.io/instance": CLUSTER_AUTOSCALER_RELEASE,
  "app.kubernetes.io/name": "aws-cluster-autoscaler",
};

/**
 * The cluster-autoscaler release per Kubernetes minor. Its scheduler simulation is built from that minor's
 * Kubernetes code, and the project tests each minor only against the same Kubernetes minor and asks for "the
 * latest Cluster Autoscaler release that corresponds to the minor version of Kubernetes that their cluster is
 * running" (kubernetes/autoscaler cluster-autoscaler/README.md, "Releases"); the chart's default image
 * (values.yaml `image.tag` of CHARTS.clusterAutoscaler: v1.35.0) fits only 1.35. Patches: the newest tag
 * cluster-autoscaler-1.<minor>.<patch> of kubernetes/autoscaler as of 2026-08-22 (1.33.6, 1.34.5, 1.35.2,
 * 1.36.1 promoted to registry.k8s.io in kubernetes/k8s.io#9760, 2026-07-22; 1.32.7 tagged 2026-02-13). Keys:
 * the minors stacks/validation.ts accepts (1.32 and newer) that have a release; a newer minor needs a row
 * here (or addons.clusterAutoscaler.values.image.tag).
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
  "1.32": "v1.32.7",
  "1.33": "v1.33.6",
  "1.34": "v1.34.5",
  "1.35": "v1.35.2",
  "1.36": "v1.36.1",
};

/** The image tag for a Kubernetes minor ("1.34" → "v1.34.5"); throws for a minor the table lacks. */
export function clusterAutoscalerImageTag(kubernetesVersion: string): string {
  const tag = CLUSTER_AUTOSCALER_IMAGE_TAGS[kubernetesVersion];
  if (tag === undefined) {
    const listed = Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(", ");
    throw new Error(
      `cluster-autoscaler: no release is listed for Kubernetes ${kubernetesVersion} (cluster.kubernetesVersion); ` +
        `listed: ${listed}. Use one of those, or pin a cluster-autoscaler release of that minor with ` +
        `addons.clusterAutoscaler.values.image.tag (e.g. "v${kubernetesVersion}.0").`,
    );
  }
  return tag;
}

export interface ClusterAutoscalerValuesArgs {
  clusterName: pulumi.Input<string>;
  region: string;
  /** The image tag (clusterAutoscalerImageTag of the cluster's minor). */
  imageTag: string;
  /** Annotations binding the ServiceAccount to its cloud identity (IRSA role ARN; none with Pod Identity). */
  serviceAccountAnnotations: pulumi.Input<Record<string, string>>;
  /** Labels the pods need for the identity (none for IRSA). */
  podLabels: Record<string, string>;
  ha: boolean;
}

/**
 * cluster-autoscaler values (CHARTS.clusterAutoscaler, AWS). The chart sets no security context by default;
 * these values run it as nobody (65534) with seccomp RuntimeDefault, no capabilities, no privilege escalation
 * and a read-only root filesystem: Pod Security "restricted".
 */
export function clusterAutoscalerValues(a: ClusterAutoscalerValuesArgs): HelmValues {
  return {
    cloudProvider: "aws",
    awsRegion: a.region,
    // Discovers the ASGs tagged k8s.io/cluster-autoscaler/enabled and k8s.io/cluster-autoscaler/<name>.
    autoDiscovery: { clusterName: a.clusterName },
    fullnameOverride: CLUSTER_AUTOSCALER_RELEASE,
    // The release of the cluster's minor, not the chart's default (see CLUSTER_AUTOSCALER_IMAGE_TAGS).
    image: { tag: a.imageTag },
    rbac: {
      create: true,
      serviceAccount: {
        create: true,
        name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name,
        annotations: a.serviceAccountAnnotations,
        automountServiceAccountToken: true,
      },
    },
    podLabels: a.podLabels,
    // A changed binding (on EKS a switch between IRSA and Pod Identity) rolls the pods: the credentials
    // are injected only when a pod is created (identity-common.ts identityChecksum). `podAnnotations`
    // reaches the pod template only (templates/deployment.yaml of CHARTS.clusterAutoscaler: under
    // spec.template.metadata.annotations), never the Deployment's immutable selector, as podLabels do.
    podAnnotations: identityChecksumAnnotations(a),
    extraArgs: {
      // EKS has one node group per pool and zone (a pending pod with a zonal EBS volume needs a node in
      // that zone): keep a pool's zone groups at similar sizes (EKS best practices, "Cluster
      // Autoscaler"; the chart's values.yaml lists it under extraArgs). The AWS comparator ignores
      // the eks.amazonaws.com/nodegroup and zone labels when matching groups (nodegroupset/aws_nodegroups.go).
      "balance-similar-node-groups": true,
      // Pick the node group that leaves the least idle CPU/memory after scale-up.
      expander: "least-waste",
      // emptyDir is scratch space: it must not pin a node forever.
      "skip-nodes-with-local-storage": false,
    },
    replicaCount: a.ha ? 2 : 1,
    resources: resources("100m", "300Mi", "600Mi"),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      // Makes the projected IRSA web-identity token readable by the non-root user.
      fsGroup: 65534,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containerSecurityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    },
    // One replica leads (leader election); the PDB keeps one running through node drains.
    podDisruptionBudget: { maxUnavailable: 1 },
    serviceMonitor: { enabled: false },
    ...(a.ha ? { topologySpreadConstraints: spreadAcrossNodesAndZones(CLUSTER_AUTOSCALER_POD_LABELS) } : {}),
  };
}

export interface ClusterAutoscalerArgs {
  /** Extra Helm values, merged last. */
  values: HelmValues;
  ctx: AddonContext;
  target: ClusterAutoscalerTarget;
}

/** cluster-autoscaler in its own namespace (Pod Security restricted) with a scoped cloud identity. */
export class ClusterAutoscaler extends AddonComponent {
  /** The cloud principal (IAM role ARN) the autoscaler acts as. */
  readonly principal: pulumi.Output<string>;

  constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:ClusterAutoscaler", name, opts);
    const { ctx, target } = args;
    const sa = CLUSTER_AUTOSCALER_SERVICE_ACCOUNT;
    // A tag pinned in values wins (and a minor the table lacks is then no error); checked before any resource.
    const pinned = (args.values.image as HelmValues | undefined)?.tag;
    const imageTag =
      typeof pinned === "string" ? pinned : clusterAutoscalerImageTag(target.kubernetesVersion);
    const identity = target.bindServiceAccount(name, sa, this);
    const { release } = namespacedRelease({
      name,
      chart: "clusterAutoscaler",
      releaseName: CLUSTER_AUTOSCALER_RELEASE,
      namespace: sa.namespace,
      podSecurity: "restricted",
      values: clusterAutoscalerValues({
        clusterName: target.clusterName,
        region: target.region,
        imageTag,
        serviceAccountAnnotations: identity.serviceAccountAnnotations,
        podLabels: identity.podLabels,
        ha: ctx.highAvailability,
      }),
      extraValues: args.values,
      ctx,
      parent: this,
    });
    this.principal = identity.principal;
    // service.yaml: port service.portName ("http") → container port 8085.
    const metrics = {
      name: CLUSTER_AUTOSCALER_RELEASE,
      namespace: sa.namespace,
      selector: CLUSTER_AUTOSCALER_POD_LABELS,
      port: "http",
      path: "/metrics",
      release,
    };
    this.publish({ namespace: sa.namespace, release, metrics: [metrics] }, { principal: this.principal });
  }
}
