/**
 * The cluster's resource group and network: a VNet with a separate node Subnet (the pods use the
 * overlay's podCidr, not VNet addresses).
 */
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { AksSettings } from "../types";

export interface AksNetwork {
  resourceGroup: resources.ResourceGroup;
  vnet: network.VirtualNetwork;
  subnet: network.Subnet;
}

export function aksNetwork(name: string, settings: AksSettings, parent: pulumi.Resource): AksNetwork {
  const { location, protect } = settings;
  const tags = { ...settings.tags };
  const resourceGroup = new resources.ResourceGroup(`${name}-rg`, { location, tags }, { parent, protect });
  // Subnets are separate resources, never inline `subnets` on the VNet: azure-native keeps existing
  // subnets when the property is absent (pulumi-azure-native #611), so VNet updates don't touch them.
  const vnet = new network.VirtualNetwork(
    `${name}-vnet`,
    {
      resourceGroupName: resourceGroup.name,
      location,
      addressSpace: { addressPrefixes: [settings.vnetCidr] },
      tags,
    },
    { parent, protect },
  );
  const subnet = new network.Subnet(
    `${name}-nodes`,
    {
      resourceGroupName: resourceGroup.name,
      virtualNetworkName: vnet.name,
      addressPrefix: settings.nodeSubnetCidr,
    },
    { parent, protect },
  );
  return { resourceGroup, vnet, subnet };
}
