/**
 * The deployer's VNet of a private AKS cluster, read before anything is built. ARM refuses the peering
 * from it when its address space overlaps the cluster VNet, and when it is already peered with another VNet
 * that overlaps the cluster VNet: `VnetAddressSpaceOverlapsWithAlreadyPeeredVnet` (Azure/ResourceModules #731,
 * alan-turing-institute/data-safe-haven #2152; Azure "Create, change, or delete a virtual network peering":
 * address spaces of peered networks must not overlap). The peerings wait for the cluster, so without this
 * check the error would come only after the cluster build of about 10 minutes.
 */
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { VnetRef, parseVnetId } from "./ids";
import { cidrsOverlap } from "../../shared/net";
import { AksSettings } from "../types";
import { deployerVnetResourceGroup } from "./access";

/**
 * The deployer's VNet of a private cluster (which needs one: the API server has only a private endpoint,
 * AKS "Create a private AKS cluster"), parsed; undefined for a public API server.
 */
export function aksDeployerVnet(
  settings: Pick<AksSettings, "privateCluster" | "deployerNetwork">,
): { id: string; ref: VnetRef } | undefined {
  if (!settings.privateCluster) return undefined;
  const id = settings.deployerNetwork?.vnetId;
  const ref = id === undefined ? undefined : parseVnetId(id);
  if (id === undefined || !ref) {
    throw new Error(
      `AKS privateCluster needs cluster.deployerNetwork.vnetId, the ARM id of the VNet \`pulumi up\` runs in (got ${JSON.stringify(id)})`,
    );
  }
  return { id, ref };
}

/** What the check needs from the deployer's VNet (azure-native network.getVirtualNetwork). */
export interface DeployerVnetFacts {
  /** ARM id of the deployer's VNet, as configured (cluster.deployerNetwork.vnetId). */
  id: string;
  addressPrefixes: string[];
  peerings: { name: string; remoteVnetId: string; remotePrefixes: string[] }[];
}

/** The facts from a getVirtualNetwork result (remote prefixes: peered and current address space). */
export function deployerVnetFacts(id: string, vnet: network.GetVirtualNetworkResult): DeployerVnetFacts {
  return {
    id,
    addressPrefixes: vnet.addressSpace?.addressPrefixes ?? [],
    peerings: (vnet.virtualNetworkPeerings ?? []).map((p) => ({
      name: p.name ?? "",
      remoteVnetId: p.remoteVirtualNetwork?.id ?? "",
      remotePrefixes: [
        ...new Set([
          ...(p.remoteAddressSpace?.addressPrefixes ?? []),
          ...(p.remoteVirtualNetworkAddressSpace?.addressPrefixes ?? []),
        ]),
      ],
    })),
  };
}

/** The prefixes in `prefixes` that overlap `cidr`. */
export function overlappingPrefixes(prefixes: string[], cidr: string): string[] {
  // cidrsOverlap is false for anything that is not IPv4 (the IPv6 prefixes of a dual-stack VNet).
  return prefixes.filter((p) => cidrsOverlap(p, cidr));
}

/**
 * One line per conflict between the deployer's VNet and `vnetCidr`. Peerings are checked only once the
 * cluster VNet's id is known (`clusterVnetId`): the deployer VNet's peering to it (this stack's own, on a
 * later run) overlaps by definition and is not a conflict.
 */
export function deployerVnetProblems(
  facts: DeployerVnetFacts,
  vnetCidr: string,
  clusterVnetId?: string,
): string[] {
  const problems: string[] = [];
  const own = overlappingPrefixes(facts.addressPrefixes, vnetCidr);
  if (own.length > 0) {
    problems.push(
      `cluster.vnetCidr: got "${vnetCidr}"; it overlaps the address space of cluster.deployerNetwork.vnetId ` +
        `(${facts.id}: ${own.join(", ")}), and Azure cannot peer overlapping VNets: choose a vnetCidr ` +
        "outside the deployer VNet's address space",
    );
  }
  if (clusterVnetId === undefined) return problems;
  const ours = clusterVnetId.toLowerCase();
  for (const p of facts.peerings) {
    if (p.remoteVnetId.toLowerCase() === ours) continue;
    const hit = overlappingPrefixes(p.remotePrefixes, vnetCidr);
    if (hit.length === 0) continue;
    problems.push(
      `cluster.vnetCidr: got "${vnetCidr}"; cluster.deployerNetwork.vnetId (${facts.id}) is already peered ` +
        `(peering "${p.name}") with ${p.remoteVnetId} (${hit.join(", ")}), which overlaps it, and Azure refuses ` +
        "a peering to a VNet that overlaps an already peered one (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet): " +
        "choose a vnetCidr outside the address spaces the deployer VNet is peered with (each AKS stack peered " +
        "with the same runner VNet needs its own vnetCidr), or remove that peering",
    );
  }
  return problems;
}

/**
 * Reads the deployer's VNet (in `resourceGroupName`, the output that already refuses another subscription)
 * and returns an output that rejects with every conflict. The own address space is checked at preview; the
 * peerings as soon as the cluster VNet's id is known: at preview of every later run, and on the run that
 * creates the VNet right after it, before the cluster (the caller makes the cluster's input wait for this).
 */
export function checkDeployerVnet(
  args: {
    deployer: VnetRef;
    deployerVnetId: string;
    resourceGroupName: pulumi.Output<string>;
    vnetCidr: string;
    clusterVnetId: pulumi.Output<string>;
  },
  parent: pulumi.Resource,
): pulumi.Output<true> {
  const facts = network
    .getVirtualNetworkOutput(
      { resourceGroupName: args.resourceGroupName, virtualNetworkName: args.deployer.name },
      { parent },
    )
    .apply((v) => deployerVnetFacts(args.deployerVnetId, v));
  const fail = (problems: string[]): true => {
    if (problems.length > 0) throw new Error(problems.join("\n"));
    return true;
  };
  const ownSpace = facts.apply((f) => fail(deployerVnetProblems(f, args.vnetCidr)));
  const peerings = pulumi
    .all([facts, args.clusterVnetId])
    .apply(([f, id]) => fail(deployerVnetProblems(f, args.vnetCidr, id)));
  return pulumi.all([ownSpace, peerings]).apply((): true => true);
}

/**
 * The check of a private cluster's deployer VNet (`deployerVnet`, from aksDeployerVnet), in the deployer
 * VNet's resource group of the stack's subscription; a public cluster has nothing to check. The cluster's
 * tags wait for the output, so a peering Azure would refuse fails before the cluster build.
 */
export function deployerVnetReady(
  deployerVnet: { id: string; ref: VnetRef } | undefined,
  args: { vnetCidr: string; subscriptionId: pulumi.Output<string>; clusterVnetId: pulumi.Output<string> },
  parent: pulumi.Resource,
): pulumi.Output<true> {
  if (!deployerVnet) return pulumi.output(true as const);
  return checkDeployerVnet(
    {
      deployer: deployerVnet.ref,
      deployerVnetId: deployerVnet.id,
      resourceGroupName: args.subscriptionId.apply((s) => deployerVnetResourceGroup(s, deployerVnet.ref)),
      vnetCidr: args.vnetCidr,
      clusterVnetId: args.clusterVnetId,
    },
    parent,
  );
}
