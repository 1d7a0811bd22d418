/**
 * Karpenter in the cluster: its two releases in kube-system and the node classes and NodePools of
 * the platform's pools, each waiting for what it needs and so deleted, on destroy, before it:
 * NodePools → EC2NodeClasses → the controller release → the CRD release → the system node groups.
 *
 * - `karpenter-crd` (CHARTS.karpenterCrd) holds the CRDs as templates, so a chart upgrade updates
 *   them; the `karpenter` chart (CHARTS.karpenter) is installed with skipCrds: Helm installs a
 *   chart's crds/ once and never upgrades them (website/content/en/v1.14/upgrading/upgrade-guide.md,
 *   "CRD Upgrades": "we recommend using the independent karpenter-crd chart").
 * - The node classes and NodePools wait for both releases (no webhooks: the CRDs are plain
 *   OpenAPI + CEL), and for their Ready condition (pulumi.com/waitFor): an EC2NodeClass is Ready once
 *   the controller resolved its AMIs, subnets, security groups and instance profile; a NodePool once
 *   its node class is (nodepools.md "status.conditions"). So `ready` means capacity can be launched.
 * - Delete: pulumi-kubernetes deletes with foreground propagation and waits until the object is gone
 *   (provider/pkg/await/await.go Deletion, metadata.DeletionPropagation: Foreground by default).
 *   NodeClaims are owned by their NodePool with blockOwnerDeletion (website/content/en/v1.14/concepts/
 *   nodeclaims.md "metadata.ownerReferences"; kubernetes-sigs/karpenter pkg/controllers/provisioning/
 *   scheduling/nodeclaimtemplate.go ToNodeClaim), so a NodePool's deletion completes only after
 *   Karpenter drained and terminated its nodes (disruption.md "NodePool Deletion"), which the timeout
 *   allows for. The EC2NodeClass's finalizer waits for its NodeClaims, then deletes the instance
 *   profile and launch templates Karpenter made (pkg/controllers/nodeclass/controller.go finalize).
 */
import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EksKarpenterSettings, EksSettings } from "../settings";
import { pinnedRelease } from "../../../addons/base";
import type { KarpenterAws } from "./aws";
import { EC2_NODE_CLASS_API, ec2NodeClass, nodePool } from "./node-classes";
import {
  KARPENTER_CRD_RELEASE,
  KARPENTER_NAMESPACE,
  KARPENTER_RELEASE,
  karpenterCrdValues,
  karpenterValues,
} from "./values";

/** The Ready wait of node classes and NodePools (pulumi-kubernetes "pulumi.com/waitFor"). */
export const WAIT_FOR_READY = { "pulumi.com/waitFor": "condition=Ready" } as const;

/** How long a NodePool's deletion may take: Karpenter drains and terminates each of its nodes. */
export const NODE_POOL_TIMEOUTS = { create: "15m", update: "15m", delete: "30m" } as const;
/** An EC2NodeClass: Ready within minutes; deleted once its NodeClaims are, then its instance profile. */
export const NODE_CLASS_TIMEOUTS = { create: "15m", update: "15m", delete: "15m" } as const;

export interface KarpenterInClusterArgs {
  s: EksSettings;
  k: EksKarpenterSettings;
  cluster: aws.eks.Cluster;
  aws: KarpenterAws;
  provider: k8s.Provider;
  parent: pulumi.Resource;
  /** What the controller waits for: the system node groups, CoreDNS, the deployer's API access. */
  dependsOn: pulumi.Resource[];
}

/** The CRD release and the controller release (which waits for the CRDs and the AWS side). */
export function karpenterReleases(
  name: string,
  a: KarpenterInClusterArgs,
): { crds: k8s.helm.v3.Release; controller: k8s.helm.v3.Release } {
  const opts = { provider: a.provider, parent: a.parent };
  const crds = pinnedRelease(
    `${name}-karpenter-crd`,
    {
      chart: "karpenterCrd",
      releaseName: KARPENTER_CRD_RELEASE,
      namespace: KARPENTER_NAMESPACE,
      values: karpenterCrdValues(),
    },
    { ...opts, dependsOn: a.dependsOn },
  );
  const controller = pinnedRelease(
    `${name}-karpenter`,
    {
      chart: "karpenter",
      releaseName: KARPENTER_RELEASE,
      namespace: KARPENTER_NAMESPACE,
      skipCrds: true,
      values: karpenterValues({
        clusterName: a.cluster.name,
        clusterEndpoint: a.cluster.endpoint,
        interruptionQueue: a.aws.interruptionQueueName,
        region: a.s.region,
        serviceAccountAnnotations: a.aws.controller.serviceAccountAnnotations,
        podLabels: a.aws.controller.podLabels,
        highAvailability: a.k.highAvailability,
      }),
    },
    { ...opts, dependsOn: [...a.dependsOn, ...a.aws.ready, crds] },
  );
  return { crds, controller };
}

/**
 * One EC2NodeClass and one NodePool per pool (`<name>-karpenter-<pool>`, both named after the
 * pool in the cluster), after both releases; a NodePool after its node class.
 */
export function karpenterNodePools(
  name: string,
  a: KarpenterInClusterArgs,
  releases: { crds: k8s.helm.v3.Release; controller: k8s.helm.v3.Release },
): { nodeClasses: k8s.apiextensions.CustomResource[]; nodePools: k8s.apiextensions.CustomResource[] } {
  const opts = { parent: a.parent, provider: a.provider };
  const nodeClasses: k8s.apiextensions.CustomResource[] = [];
  const nodePools: k8s.apiextensions.CustomResource[] = [];
  for (const k of a.k.nodePools) {
    const pool = a.s.nodePools.find((p) => p.name === k.pool);
    if (!pool) throw new Error(`karpenter.nodePools: "${k.pool}" is no entry of nodePools`);
    const spec = a.aws.nodeRoleName.apply(
      (role) =>
        ec2NodeClass({ clusterName: a.s.clusterName, role, karpenter: a.k, pool, tags: a.s.tags }).spec,
    );
    const nodeClass = new k8s.apiextensions.CustomResource(
      `${name}-karpenter-${pool.name}`,
      { ...EC2_NODE_CLASS_API, metadata: { name: pool.name, annotations: { ...WAIT_FOR_READY } }, spec },
      { ...opts, dependsOn: [releases.crds, releases.controller], customTimeouts: NODE_CLASS_TIMEOUTS },
    );
    const np = nodePool(pool, k);
    nodePools.push(
      new k8s.apiextensions.CustomResource(
        `${name}-karpenter-${pool.name}`,
        { ...np, metadata: { ...np.metadata, annotations: { ...WAIT_FOR_READY } } },
        {
          ...opts,
          dependsOn: [releases.crds, releases.controller, nodeClass],
          customTimeouts: NODE_POOL_TIMEOUTS,
        },
      ),
    );
    nodeClasses.push(nodeClass);
  }
  return { nodeClasses, nodePools };
}
