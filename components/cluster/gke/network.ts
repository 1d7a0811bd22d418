/**
 * The cluster's network: a custom-mode VPC, one regional subnetwork with the pod and service ranges,
 * and Cloud NAT so that private nodes (no external IPs) can reach registries and Google APIs.
 */
import * as gcp from "@pulumi/gcp";
import { GkeSettings } from "../types";
import { PODS_RANGE_NAME, SERVICES_RANGE_NAME } from "./names";
import { GcpScope, ProjectServices, gcpOptions } from "./project";

export interface GkeNetwork {
  network: gcp.compute.Network;
  subnetwork: gcp.compute.Subnetwork;
  router: gcp.compute.Router;
  /** Node pools wait for it: workloads pull from public registries through it. */
  nat: gcp.compute.RouterNat;
}

export function gkeNetwork(scope: GcpScope, settings: GkeSettings, services: ProjectServices): GkeNetwork {
  const { name } = scope;
  const { project, region, protect, clusterName } = settings;
  const network = new gcp.compute.Network(
    `${name}-vpc`,
    { project, name: `${clusterName}-vpc`, autoCreateSubnetworks: false, routingMode: "REGIONAL" },
    gcpOptions(scope, { protect, dependsOn: [services["compute.googleapis.com"]] }),
  );
  const subnetwork = new gcp.compute.Subnetwork(
    `${name}-nodes`,
    {
      project,
      region,
      name: `${clusterName}-nodes`,
      network: network.id,
      ipCidrRange: settings.nodesCidr,
      privateIpGoogleAccess: true,
      secondaryIpRanges: [
        { rangeName: PODS_RANGE_NAME, ipCidrRange: settings.podsCidr },
        { rangeName: SERVICES_RANGE_NAME, ipCidrRange: settings.servicesCidr },
      ],
    },
    gcpOptions(scope, { protect }),
  );
  const router = new gcp.compute.Router(
    `${name}-router`,
    { project, region, name: `${clusterName}-router`, network: network.id },
    gcpOptions(scope),
  );
  const nat = new gcp.compute.RouterNat(
    `${name}-nat`,
    {
      project,
      region,
      name: `${clusterName}-nat`,
      router: router.name,
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
      subnetworks: [{ name: subnetwork.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    },
    gcpOptions(scope),
  );
  return { network, subnetwork, router, nat };
}
