/**
 * The cost estimate over hand-made recorded resources (tests/fixtures/cost/recorded.ts), priced
 * from the test price files (tests/fixtures/cost/: figures for easy arithmetic), as the
 * cost-estimate-*.test.ts files use it: the estimate of a target's resources, one line by its item,
 * every line as literals, and the cloud resources the control-plane and node tests record.
 */
import * as assert from "node:assert/strict";
import { estimateCost, loadPrices } from "../../preflight/cost";
import type { CostEstimate, CostLine, PricedCloud } from "../../preflight/cost";
import type { RecordedResource } from "../../offline/mocks";
import {
  ADDONS,
  FIXTURE_PRICES,
  ROOT,
  clusterComponent,
  configOf,
  recorded,
} from "../fixtures/cost/recorded";

export const KINDS = {
  eks: "EksCluster",
  gke: "GkeCluster",
  aks: "AksCluster",
  doks: "DoksCluster",
} as const;
const CLOUDS = { eks: "aws", gke: "gcp", aks: "azure", doks: "digitalocean" } as const;
export type Target = keyof typeof KINDS;
/** The target's cluster component ("EksCluster kp-cluster"). */
export const CLUSTER = (t: Target) => clusterComponent(KINDS[t]);

/** The estimate of `make(cluster component)` (under the target's cluster component) with the target's dev config. */
export function estimateUnder(
  target: Target,
  make: (cluster: RecordedResource) => RecordedResource[],
  cluster = {},
): CostEstimate {
  const component = clusterComponent(KINDS[target]);
  return estimateCost({
    stack: "test",
    config: configOf(target, cluster),
    resources: [ROOT, component, ...make(component)],
    prices: loadPrices(CLOUDS[target] as PricedCloud, FIXTURE_PRICES),
  });
}

/** The estimate of `resources` beside the target's cluster component and PlatformAddOns; `cost` is kube-platform:cost. */
export function estimateWith(target: Target, resources: RecordedResource[], cost?: unknown): CostEstimate {
  return estimateCost({
    stack: "test",
    config: configOf(target, {}, cost),
    resources: [ROOT, CLUSTER(target), ADDONS, ...resources],
    prices: loadPrices(CLOUDS[target] as PricedCloud, FIXTURE_PRICES),
  });
}

/** The one line of `item` (fails unless there is exactly one). */
export const line = (e: CostEstimate, item: string) => {
  const found = e.lines.filter((l) => l.item === item);
  assert.equal(found.length, 1, `one line of ${item}, got ${found.length}`);
  return found[0];
};

/** item → [resource, monthly min, monthly max, assumption] of every line, for literal comparison. */
export const summary = (e: CostEstimate) =>
  e.lines.map((l: CostLine) => [l.item, l.resource, l.monthly.min, l.monthly.max, l.assumption]);

/** The EKS cluster, with its support type. */
export function eksCluster(c: RecordedResource, supportType: string) {
  return recorded("aws:eks/cluster:Cluster", "kp-cluster-eks", { upgradePolicy: { supportType } }, c.urn);
}
/** The AKS managed cluster of a tier, with its agent pool profiles (outbound routed elsewhere). */
export function aksCluster(c: RecordedResource, tier: string, profiles: unknown[] = []) {
  return recorded(
    "azure-native:containerservice:ManagedCluster",
    "kp-cluster-aks",
    {
      sku: { name: "Base", tier },
      agentPoolProfiles: profiles,
      networkProfile: { outboundType: "userDefinedRouting" },
    },
    c.urn,
  );
}
/** The DOKS cluster, HA or not, with its first node pool. */
export function doksCluster(c: RecordedResource, ha: boolean, nodePool: unknown = undefined) {
  return recorded(
    "digitalocean:index/kubernetesCluster:KubernetesCluster",
    "kp-cluster-doks",
    { ha, nodePool },
    c.urn,
  );
}

/** An EKS managed node group of the pool, with its launch template's root volume. */
export function nodeGroup(
  c: RecordedResource,
  pool: string,
  zone: number,
  type: string,
  min: number,
  max: number,
  capacityType = "ON_DEMAND",
) {
  const template = recorded(
    "aws:ec2/launchTemplate:LaunchTemplate",
    `kp-cluster-${pool}`,
    {
      blockDeviceMappings: [{ ebs: { volumeSize: 100, volumeType: "gp3" } }],
    },
    c.urn,
  );
  const group = recorded(
    "aws:eks/nodeGroup:NodeGroup",
    `kp-cluster-${pool}.${zone}`,
    {
      instanceTypes: [type],
      capacityType,
      scalingConfig: { minSize: min, maxSize: max, desiredSize: min },
    },
    c.urn,
  );
  return [template, { ...group, dependsOn: [template.urn] }];
}
