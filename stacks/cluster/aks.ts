/** The `cluster` schema of the `aks` target (AKS with Azure CNI Overlay in a VNet this program creates). */
import { z } from "zod";
import type { Profile } from "../../components/shared/profile";
import { parseVnetId } from "../../components/cluster/aks/ids";
import { keepsANodeProblems, poolSizeProblems } from "../../components/shared/node-pools";
import { cidr, cidrContains, ipv4, report } from "../validation";
import {
  ALWAYS,
  DEFAULT_MACHINE_TYPES,
  PROFILE_DEFAULTS,
  checkDisjoint,
  checkNodePools,
  checkNotOpenToWorld,
  checkUnique,
  commonClusterFields,
  nodePool,
  nodePools,
  validCidrs,
} from "./common";

const AZURE_LOCATION = /^[a-z]+[a-z0-9]*$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function aksClusterSchema(profile: Profile, defaultClusterName: string) {
  const preset = PROFILE_DEFAULTS[profile];
  const common = commonClusterFields(preset, defaultClusterName);
  return z
    .strictObject({
      target: z.literal("aks"),
      ...common,
      nodePools: nodePools(preset, DEFAULT_MACHINE_TYPES.aks, "aks"),
      systemPool: nodePool(preset, "Standard_D2s_v5", "aks").default({
        name: "system",
        machineType: "Standard_D2s_v5",
        minNodes: preset.minNodes,
        maxNodes: preset.maxNodes,
        diskSizeGb: 100,
        labels: {},
        taints: [],
      }),
      location: z.string().regex(AZURE_LOCATION, 'must be an Azure location name like "westeurope"'),
      vnetCidr: cidr(8, 24).default("10.30.0.0/16"),
      nodeSubnetCidr: cidr(8, 28).default("10.30.0.0/20"),
      podCidr: cidr(8, 24).default("192.168.0.0/16"),
      serviceCidr: cidr(8, 28).default("10.31.0.0/16"),
      dnsServiceIp: ipv4.default("10.31.0.10"),
      authorizedIpRanges: z.array(cidr()).default([]),
      privateCluster: z.boolean().default(false),
      // The existing VNet `pulumi up` runs in, for a private cluster (peered, linked to its private DNS zone).
      deployerNetwork: z
        .strictObject({
          vnetId: z
            .string()
            .refine(
              (v) => parseVnetId(v) !== undefined,
              "must be the ARM id of a virtual network: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>",
            ),
        })
        .optional(),
      skuTier: z.enum(["Free", "Standard", "Premium"]).default(preset.skuTier),
      upgradeChannel: z.enum(["patch", "stable", "rapid", "node-image"]).default("patch"),
      disableLocalAccounts: z.boolean().default(preset.disableLocalAccounts),
      adminGroupObjectIds: z
        .array(z.string().regex(UUID, "must be an Entra ID group object ID (a UUID)"))
        .default([])
        .superRefine(checkUnique),
      grantDeployerClusterAdmin: z.boolean().default(true),
      deployerPrincipalType: z.enum(["User", "ServicePrincipal"]).optional(),
      // AKS planned maintenance: a weekly window of 4-24 hours for cluster and node OS upgrades.
      maintenanceWindow: z
        .strictObject({
          day: z
            .enum(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
            .default("sunday"),
          startTime: z
            .string()
            .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time "HH:MM" (in utcOffset)')
            .default("03:00"),
          durationHours: z.number().int().min(4).max(24).default(4),
          utcOffset: z
            .string()
            .regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, 'must be a UTC offset like "+00:00" or "-05:30"')
            .default("+00:00"),
        })
        .prefault({}),
    })
    .superRefine((c, ctx) => {
      checkNodePools(c.nodePools, ["nodePools"], ctx);
      // With Azure RBAC for Kubernetes, Kubernetes permissions come only from Azure role assignments and
      // the admin groups (AKS "Use Azure RBAC for Kubernetes Authorization").
      if (c.grantDeployerClusterAdmin === false && c.adminGroupObjectIds?.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["adminGroupObjectIds"],
          message:
            "must list at least one Entra ID group when grantDeployerClusterAdmin is false (with Azure RBAC for Kubernetes, `pulumi up` has no Kubernetes permissions otherwise); include a group of the identity that runs `pulumi up`, or set grantDeployerClusterAdmin: true",
        });
      } else if (c.disableLocalAccounts === true && c.adminGroupObjectIds?.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["adminGroupObjectIds"],
          message:
            "must list at least one Entra ID group when disableLocalAccounts is true (there is no local admin account to fall back on; people other than the identity that runs `pulumi up` reach the cluster through these groups)",
        });
      }
      // A private API server has only a private endpoint: `pulumi up` must run in a network that reaches
      // and resolves it (AKS "Establish network connectivity to a private AKS cluster"); authorized IP
      // ranges apply to the public endpoint only (AKS "Create a private AKS cluster", limitations).
      if (c.privateCluster === true && c.deployerNetwork === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["deployerNetwork"],
          message:
            "is required when privateCluster is true: `pulumi up` must run in a network that reaches and resolves the private API server; set cluster.deployerNetwork.vnetId to the ARM id of the runner's VNet (same subscription; it is peered with the cluster VNet and linked to the cluster's private DNS zone), or use privateCluster: false with authorizedIpRanges",
        });
      }
      if (c.privateCluster === false && c.deployerNetwork !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["deployerNetwork"],
          message:
            "is only used with privateCluster: true (a public API server is reached through authorizedIpRanges); remove it or set privateCluster: true",
        });
      }
      if (
        c.privateCluster === true &&
        Array.isArray(c.authorizedIpRanges) &&
        c.authorizedIpRanges.length > 0
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["authorizedIpRanges"],
          message:
            "apply only to a public API server, not to a private cluster's endpoint; remove them or set privateCluster: false",
        });
      }
      if (
        c.systemPool &&
        Array.isArray(c.nodePools) &&
        c.nodePools.some((p) => p?.name === c.systemPool.name)
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["systemPool", "name"],
          message: "duplicates a user pool's name",
        });
      }
      report(ctx, poolSizeProblems(c.systemPool), ["systemPool"]);
      if (typeof c.systemPool?.minNodes === "number") {
        report(ctx, keepsANodeProblems(c.systemPool.minNodes, "aks"), ["systemPool", "minNodes"]);
      }
      if (validCidrs(c.vnetCidr, c.nodeSubnetCidr) && !cidrContains(c.vnetCidr, c.nodeSubnetCidr)) {
        ctx.addIssue({
          code: "custom",
          path: ["nodeSubnetCidr"],
          message: `must lie inside vnetCidr (${c.vnetCidr})`,
        });
      }
      checkDisjoint({ vnetCidr: c.vnetCidr, podCidr: c.podCidr, serviceCidr: c.serviceCidr }, ctx);
      if (validCidrs(c.serviceCidr, `${c.dnsServiceIp}/32`) && !cidrContains(c.serviceCidr, c.dnsServiceIp)) {
        ctx.addIssue({
          code: "custom",
          path: ["dnsServiceIp"],
          message: `must lie inside serviceCidr (${c.serviceCidr})`,
        });
      }
      checkNotOpenToWorld(
        profile,
        c.authorizedIpRanges,
        ["authorizedIpRanges"],
        ctx,
        "an authorized IP range",
      );
      if (profile === "prod" && c.privateCluster === false && c.authorizedIpRanges?.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["authorizedIpRanges"],
          message:
            "prod needs a private cluster (privateCluster: true) or authorized IP ranges for the API server",
        });
      }
    }, ALWAYS);
}
