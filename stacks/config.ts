/**
 * The one place that reads stack configuration. It validates everything with a schema and turns
 * it into typed settings for the components; every problem is reported (all at once, one line
 * each, naming the key, the bad value and what is allowed) before any resource is created.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AddonsSettings } from "../components/addons/types";
import { ClusterSettings, NodePoolSettings } from "../components/cluster/types";
import { parseVnetId } from "../components/cluster/azure-ids";
import { cloudLabelValue } from "../components/cluster/labels";
import {
  SECURITY_GROUP_ID,
  TRANSIT_GATEWAY_ID,
  adminPrincipalArnProblem,
  deployerPathProblems,
  kubeconfigRoleArnProblem,
} from "../components/cluster/eks/checks";
import { addonsSchema, toAddonsSettings } from "./addons-config";
import { appsSchema, toAppSettings } from "./apps-config";
import { existingClusterSchema } from "./existing-config";
import { AppSettings } from "../components/workloads/types";
import { ALL_RULES } from "../rules";
import {
  cidr,
  cidrContains,
  cidrsOverlap,
  dnsLabel,
  formatIssues,
  ipv4,
  isOpenToWorld,
  kubernetesVersion,
  parseCidr,
} from "./validation";

import type { Profile } from "../components/shared/profile";

export type { Profile };

/**
 * Cross-field checks run even when other keys are invalid, so that every problem is reported in
 * one go; they therefore guard against values of the wrong type.
 */
const ALWAYS = { when: () => true };

/** The validated configuration of one stack. */
export interface PlatformConfig {
  project: string;
  stack: string;
  profile: Profile;
  cluster: ClusterSettings;
  addons: AddonsSettings;
  apps: AppSettings[];
  /** Security rules this stack waives, each with its reason (printed by the preflight). */
  waivers: { rule: string; reason: string }[];
}

/**
 * Presets: the defaults each profile gives. Every value here can be overridden by the key named
 * in the comment. All environment differences come from here or from the stack's own config.
 */
export const PROFILE_DEFAULTS = {
  dev: {
    protect: false, // cluster.protect
    minNodes: 1, // cluster.nodePools[].minNodes (and aks systemPool)
    maxNodes: 3, // cluster.nodePools[].maxNodes
    availabilityZoneCount: 2, // cluster.availabilityZoneCount (eks)
    natGateways: "single", // cluster.natGateways (eks)
    endpointPublicAccess: true, // cluster.endpointPublicAccess (eks)
    releaseChannel: "REGULAR", // cluster.releaseChannel (gke)
    deletionProtection: false, // cluster.deletionProtection (gke)
    skuTier: "Free", // cluster.skuTier (aks)
    disableLocalAccounts: false, // cluster.disableLocalAccounts (aks)
    highAvailability: false, // cluster.highAvailability (doks)
  },
  prod: {
    protect: true,
    minNodes: 3,
    maxNodes: 9,
    availabilityZoneCount: 3,
    natGateways: "perAz",
    // Public, limited to publicAccessCidrs (required, never 0.0.0.0/0 in prod): a private endpoint
    // in the VPC this program creates is out of reach of the machine running `pulumi up` unless
    // cluster.deployerNetwork declares its path (EKS user guide, "Cluster API server endpoint").
    endpointPublicAccess: true,
    releaseChannel: "STABLE",
    deletionProtection: true,
    skuTier: "Standard",
    disableLocalAccounts: true,
    highAvailability: true,
  },
} as const;
type Preset = (typeof PROFILE_DEFAULTS)[Profile];

/** Default machine type per target for the default node pool. */
export const DEFAULT_MACHINE_TYPES = {
  eks: "m6i.large",
  gke: "e2-standard-4",
  aks: "Standard_D4s_v5",
  doks: "s-4vcpu-8gb",
} as const;

export const DEFAULT_KUBERNETES_VERSION = "1.34";

/** Top-level keys whose values are secrets: never echoed in error messages. */
export const SECRET_KEYS = ["kubeconfig", "secrets"] as const;

const TAINT =
  /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?=([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?:(NoSchedule|PreferNoSchedule|NoExecute)$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function nodePool(preset: Preset, machineType: string, nameSchema: z.ZodString) {
  return z.strictObject({
    name: nameSchema,
    machineType: z.string().min(1).default(machineType),
    minNodes: z.number().int().min(0).max(1000).default(preset.minNodes),
    maxNodes: z.number().int().min(1).max(1000).default(preset.maxNodes),
    diskSizeGb: z.number().int().min(20).max(16384).default(100),
    labels: z
      .record(
        z.string().regex(LABEL_KEY, "must be a Kubernetes label key like example.com/role"),
        z.string().regex(LABEL_VALUE, "must be a Kubernetes label value (≤ 63 alphanumerics, '-', '_', '.')"),
      )
      .default({}),
    taints: z
      .array(
        z
          .string()
          .regex(
            TAINT,
            'must be a taint "key=value:Effect" (Effect: NoSchedule | PreferNoSchedule | NoExecute)',
          ),
      )
      .default([]),
  });
}

function nodePools(preset: Preset, machineType: string, nameSchema: z.ZodString = dnsLabel(30)) {
  const pool = nodePool(preset, machineType, nameSchema);
  const defaults: NodePoolSettings = {
    name: "general",
    machineType,
    minNodes: preset.minNodes,
    maxNodes: preset.maxNodes,
    diskSizeGb: 100,
    labels: {},
    taints: [],
  };
  return z.array(pool).min(1).default([defaults]);
}

/** minNodes ≤ maxNodes for one pool at `at`. */
function checkPoolSize(p: unknown, at: PropertyKey[], ctx: z.RefinementCtx): void {
  const pool = p as Partial<NodePoolSettings> | undefined;
  if (
    typeof pool?.minNodes === "number" &&
    typeof pool.maxNodes === "number" &&
    pool.minNodes > pool.maxNodes
  ) {
    ctx.addIssue({
      code: "custom",
      path: [...at, "minNodes"],
      message: `must be ≤ maxNodes (${pool.maxNodes})`,
    });
  }
}

/** Items of a list must be unique (each duplicate is reported at its index). */
function checkUnique(items: unknown[], ctx: z.RefinementCtx): void {
  items.forEach((item, i) => {
    if (items.indexOf(item) < i) {
      ctx.addIssue({ code: "custom", path: [i], message: "is listed twice" });
    }
  });
}

/** Cross-field checks on node pools: min ≤ max, unique names. */
function checkNodePools(pools: unknown, at: PropertyKey[], ctx: z.RefinementCtx): void {
  if (!Array.isArray(pools)) return;
  const seen = new Set<string>();
  pools.forEach((p: Partial<NodePoolSettings> | undefined, i) => {
    checkPoolSize(p, [...at, i], ctx);
    if (typeof p?.name !== "string") return;
    if (seen.has(p.name)) {
      ctx.addIssue({
        code: "custom",
        path: [...at, i, "name"],
        message: "duplicates another node pool's name",
      });
    }
    seen.add(p.name);
  });
}

function checkNotOpenToWorld(
  profile: Profile,
  cidrs: string[],
  at: PropertyKey[],
  ctx: z.RefinementCtx,
  what: string,
): void {
  if (profile !== "prod" || !Array.isArray(cidrs)) return;
  cidrs.forEach((c, i) => {
    if (typeof c === "string" && isOpenToWorld(c)) {
      ctx.addIssue({
        code: "custom",
        path: [...at, i],
        message: `${what} must not be open to the whole internet in prod; list your office/VPN/CI CIDRs`,
      });
    }
  });
}

const AWS_REGION =
  /^(us|eu|ap|sa|ca|me|af|il|mx)(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|southeast|southwest|northwest)-\d$/;
const GCP_REGION = /^[a-z]+-[a-z]+\d+$/;
const AZURE_LOCATION = /^[a-z]+[a-z0-9]*$/;
const DO_REGION = /^[a-z]{3}\d$/;
const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** An IAM ARN, checked by one of the EKS ARN rules (components/cluster/eks/checks.ts). */
function iamArn(problemOf: (arn: string) => string | undefined) {
  return z.string().superRefine((arn, ctx) => {
    const message = problemOf(arn);
    if (message) ctx.addIssue({ code: "custom", message });
  });
}
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function regionSchema(re: RegExp, example: string) {
  return z.string().regex(re, `must be a region name like "${example}"`);
}

/** The cluster schemas for a profile (defaults come from the profile's preset). */
export function clusterSchema(profile: Profile, defaultClusterName: string) {
  const preset = PROFILE_DEFAULTS[profile];
  const common = {
    clusterName: dnsLabel(40).default(defaultClusterName),
    kubernetesVersion: kubernetesVersion.default(DEFAULT_KUBERNETES_VERSION),
    protect: z.boolean().default(preset.protect),
  };

  const eks = z
    .strictObject({
      target: z.literal("eks"),
      ...common,
      nodePools: nodePools(preset, DEFAULT_MACHINE_TYPES.eks),
      region: regionSchema(AWS_REGION, "eu-west-1"),
      vpcCidr: cidr(16, 20).default("10.0.0.0/16"),
      availabilityZoneCount: z.number().int().min(2).max(6).default(preset.availabilityZoneCount),
      natGateways: z.enum(["single", "perAz"]).default(preset.natGateways),
      endpointPublicAccess: z.boolean().default(preset.endpointPublicAccess),
      publicAccessCidrs: z.array(cidr()).default([]),
      deployerNetwork: z
        .strictObject({
          cidrs: z.array(cidr()).default([]),
          securityGroupIds: z
            .array(
              z.string().regex(SECURITY_GROUP_ID, 'must be a security group ID like "sg-0123456789abcdef0"'),
            )
            .default([]),
          transitGatewayId: z
            .string()
            .regex(TRANSIT_GATEWAY_ID, 'must be a transit gateway ID like "tgw-0123456789abcdef0"')
            .optional(),
        })
        .optional(),
      supportType: z.enum(["STANDARD", "EXTENDED"]).default("STANDARD"),
      adminPrincipalArns: z.array(iamArn(adminPrincipalArnProblem)).default([]).superRefine(checkUnique),
      kubeconfigProfile: z.string().min(1).optional(),
      kubeconfigRoleArn: iamArn(kubeconfigRoleArnProblem).optional(),
    })
    .superRefine((c, ctx) => {
      checkNodePools(c.nodePools, ["nodePools"], ctx);
      // Public endpoint CIDRs, or a private endpoint with a declared deployer network (eks/checks.ts).
      for (const p of deployerPathProblems(c)) ctx.addIssue({ code: "custom", ...p });
      checkNotOpenToWorld(profile, c.publicAccessCidrs, ["publicAccessCidrs"], ctx, "the public endpoint");
      checkNotOpenToWorld(
        profile,
        c.deployerNetwork?.cidrs ?? [],
        ["deployerNetwork", "cidrs"],
        ctx,
        "the deployer network",
      );
    }, ALWAYS);

  const gke = z
    .strictObject({
      target: z.literal("gke"),
      ...common,
      nodePools: nodePools(preset, DEFAULT_MACHINE_TYPES.gke),
      project: z
        .string()
        .regex(GCP_PROJECT, "must be a Google Cloud project ID (6-30 lowercase letters, digits, '-')"),
      region: regionSchema(GCP_REGION, "europe-west1"),
      nodesCidr: cidr(8, 29).default("10.10.0.0/20"),
      podsCidr: cidr(8, 21).default("10.20.0.0/14"),
      servicesCidr: cidr(8, 27).default("10.24.0.0/20"),
      masterCidr: cidr(28, 28).default("172.16.0.0/28"),
      // GKE API: at most 50 cidrBlocks with a public endpoint (MasterAuthorizedNetworksConfig).
      masterAuthorizedNetworks: z
        .array(z.strictObject({ name: z.string().min(1), cidr: cidr() }))
        .max(50)
        .default([]),
      releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default(preset.releaseChannel),
      deletionProtection: z.boolean().default(preset.deletionProtection),
    })
    .superRefine((c, ctx) => {
      checkNodePools(c.nodePools, ["nodePools"], ctx);
      // GKE always enables authorized networks here; with no cidrBlocks it "disallows all external
      // traffic" to the endpoint (GKE API MasterAuthorizedNetworksConfig; GKE docs "authorized
      // networks"), so `pulumi up` could not create a single Kubernetes object.
      if (Array.isArray(c.masterAuthorizedNetworks) && c.masterAuthorizedNetworks.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["masterAuthorizedNetworks"],
          message:
            "must list at least one network allowed to reach the API server, including the public address of the machine that runs `pulumi up` (e.g. [{name: deployer, cidr: 203.0.113.7/32}]); with none, GKE refuses all external access",
        });
      }
      checkDisjoint(
        {
          nodesCidr: c.nodesCidr,
          podsCidr: c.podsCidr,
          servicesCidr: c.servicesCidr,
          masterCidr: c.masterCidr,
        },
        ctx,
      );
      checkNotOpenToWorld(
        profile,
        Array.isArray(c.masterAuthorizedNetworks) ? c.masterAuthorizedNetworks.map((n) => n?.cidr) : [],
        ["masterAuthorizedNetworks"],
        ctx,
        "a master authorized network",
      );
    }, ALWAYS);

  const aksPoolName = z
    .string()
    .regex(
      /^[a-z][a-z0-9]{0,11}$/,
      "must be an AKS pool name: 1-12 lowercase letters and digits, starting with a letter",
    );
  const aks = z
    .strictObject({
      target: z.literal("aks"),
      ...common,
      nodePools: nodePools(preset, DEFAULT_MACHINE_TYPES.aks, aksPoolName),
      systemPool: nodePool(preset, "Standard_D2s_v5", aksPoolName).default({
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
      checkPoolSize(c.systemPool, ["systemPool"], ctx);
      if (typeof c.systemPool?.minNodes === "number" && c.systemPool.minNodes < 1) {
        ctx.addIssue({
          code: "custom",
          path: ["systemPool", "minNodes"],
          message: "must be ≥ 1: the AKS system pool runs CoreDNS and other critical add-ons",
        });
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

  const doks = z
    .strictObject({
      target: z.literal("doks"),
      ...common,
      nodePools: nodePools(preset, DEFAULT_MACHINE_TYPES.doks),
      region: regionSchema(DO_REGION, "ams3"),
      vpcCidr: cidr(16, 24).default("10.40.0.0/16"),
      highAvailability: z.boolean().default(preset.highAvailability),
      autoUpgrade: z.boolean().default(true),
      surgeUpgrade: z.boolean().default(true),
      maintenanceWindow: z
        .strictObject({
          day: z.enum(["any", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]),
          startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a UTC time "HH:MM"'),
        })
        .default({ day: "sunday", startTime: "03:00" }),
      // The control-plane firewall: empty turns it off (the API server is open to the internet).
      apiAllowedAddresses: z.array(cidr()).default([]).superRefine(checkUnique),
    })
    .superRefine((c, ctx) => {
      checkNodePools(c.nodePools, ["nodePools"], ctx);
      if (profile === "prod" && Array.isArray(c.apiAllowedAddresses) && c.apiAllowedAddresses.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["apiAllowedAddresses"],
          message:
            "prod needs the control-plane firewall: list the public CIDRs allowed to reach the API server, including the address `pulumi up` runs from (with none the API server is open to the internet)",
        });
      }
      checkNotOpenToWorld(
        profile,
        c.apiAllowedAddresses,
        ["apiAllowedAddresses"],
        ctx,
        "an allowed API address",
      );
      const first = Array.isArray(c.nodePools) ? c.nodePools[0] : undefined;
      if (typeof first?.minNodes === "number" && first.minNodes < 1) {
        ctx.addIssue({
          code: "custom",
          path: ["nodePools", 0, "minNodes"],
          message: "must be ≥ 1: the first DOKS pool is the cluster's default pool and cannot scale to zero",
        });
      }
    }, ALWAYS);

  const existing = existingClusterSchema(defaultClusterName);

  return z.discriminatedUnion("target", [eks, gke, aks, doks, existing]);
}

/** Whether every argument is a well-formed CIDR (cross-field checks skip malformed ones). */
function validCidrs(...values: unknown[]): boolean {
  return values.every((v) => typeof v === "string" && parseCidr(v) !== undefined);
}

function checkDisjoint(ranges: Record<string, string>, ctx: z.RefinementCtx): void {
  const entries = Object.entries(ranges).filter(([, v]) => validCidrs(v));
  entries.forEach(([ka, a], i) => {
    for (const [kb, b] of entries.slice(i + 1)) {
      if (cidrsOverlap(a, b)) {
        ctx.addIssue({
          code: "custom",
          path: [kb],
          message: `overlaps ${ka} (${a}); the ranges must be disjoint`,
        });
      }
    }
  });
}

/** The whole stack config schema for a profile. */
export function platformSchema(profile: Profile, defaultClusterName: string) {
  return z
    .strictObject({
      profile: z.enum(["dev", "prod"]).default("dev"),
      cluster: clusterSchema(profile, defaultClusterName),
      addons: addonsSchema(profile).prefault({}),
      apps: appsSchema(profile),
      waivers: z
        .array(
          z.strictObject({
            rule: z.enum(ALL_RULES.map((r) => r.id) as [string, ...string[]]),
            reason: z.string().min(10, "must explain the waiver (at least 10 characters)"),
          }),
        )
        .default([]),
      kubeconfig: z.string().min(1).optional(),
      secrets: z.record(z.string().regex(/^[A-Za-z][\w-]*$/, "must be a secret name"), z.string()).optional(),
      tags: z
        .record(
          z
            .string()
            .regex(
              /^[a-z][a-z0-9_-]{0,62}$/,
              "must be a lowercase tag key (letters, digits, '_', '-'; ≤ 63)",
            ),
          z
            .string()
            .regex(/^[a-z0-9_-]{0,63}$/, "must be a lowercase tag value (letters, digits, '_', '-'; ≤ 63)"),
        )
        .default({}),
    })
    .superRefine((c, ctx) => {
      checkAddonsFitCluster(
        c.cluster?.target,
        (c.cluster as { hasMetricsApi?: unknown } | undefined)?.hasMetricsApi,
        c.addons,
        ctx,
      );
      checkAppsFitAddons(c.apps, c.addons, c.secrets, ctx);
    }, ALWAYS);
}

/** Apps may only use what the stack installs, and only secrets it has. */
function checkAppsFitAddons(
  apps: unknown,
  addons: Partial<Record<keyof AddonsSettings, unknown>> | undefined,
  secrets: Record<string, string> | undefined,
  ctx: z.RefinementCtx,
): void {
  if (!Array.isArray(apps)) return;
  const off = (name: keyof AddonsSettings) =>
    (addons?.[name] as { enabled?: unknown } | undefined)?.enabled === false;
  apps.forEach((a: Partial<Record<string, unknown>> | undefined, i) => {
    if (typeof a !== "object" || a === null) return;
    const issue = (key: PropertyKey[], message: string) =>
      ctx.addIssue({ code: "custom", path: ["apps", i, ...key], message });
    if (a.host !== undefined && off("ingress")) {
      issue(["host"], "needs the ingress controller, which is disabled (addons.ingress.enabled: false)");
    }
    if (a.host !== undefined && off("certManager")) {
      issue(
        ["host"],
        "needs cert-manager for its TLS certificate, which is disabled (addons.certManager.enabled: false)",
      );
    }
    if (a.metrics !== undefined && off("monitoring")) {
      issue(
        ["metrics"],
        "needs the monitoring add-on for its ServiceMonitor, which is disabled (addons.monitoring.enabled: false)",
      );
    }
    if (a.vault !== undefined && off("vault")) {
      issue(["vault"], "needs Vault, which is disabled (addons.vault.enabled: false)");
    }
    const secretEnv = a.secretEnv;
    if (typeof secretEnv === "object" && secretEnv !== null) {
      for (const [env, key] of Object.entries(secretEnv)) {
        if (typeof key === "string" && !(secrets && key in secrets)) {
          issue(
            ["secretEnv", env],
            `names the secret "${key}", which is not set; set it with \`pulumi config set --secret --path secrets.${key} <value>\``,
          );
        }
      }
    }
  });
}

/** Targets whose metrics API / node autoscaling is managed by the cloud (installing ours would clash). */
const MANAGED_METRICS_API = ["gke", "aks"];
const NATIVE_NODE_AUTOSCALING = ["gke", "aks", "doks", "existing"];

function checkAddonsFitCluster(
  target: string | undefined,
  hasMetricsApi: unknown,
  addons: { metricsServer?: { enabled?: unknown }; clusterAutoscaler?: { enabled?: unknown } } | undefined,
  ctx: z.RefinementCtx,
): void {
  if (target && MANAGED_METRICS_API.includes(target) && addons?.metricsServer?.enabled === true) {
    ctx.addIssue({
      code: "custom",
      path: ["addons", "metricsServer", "enabled"],
      message: `${target} already serves the metrics API (a second metrics-server would clash); use "auto" or false`,
    });
  }
  if (target === "existing" && hasMetricsApi === true && addons?.metricsServer?.enabled === true) {
    ctx.addIssue({
      code: "custom",
      path: ["addons", "metricsServer", "enabled"],
      message:
        'the cluster already serves the metrics API (cluster.hasMetricsApi: true): a second metrics-server would clash over its APIService; use "auto" or false',
    });
  }
  if (target && NATIVE_NODE_AUTOSCALING.includes(target) && addons?.clusterAutoscaler?.enabled === true) {
    ctx.addIssue({
      code: "custom",
      path: ["addons", "clusterAutoscaler", "enabled"],
      message: `${target} node pools autoscale natively (or are not ours to scale); cluster-autoscaler is for eks; use "auto" or false`,
    });
  }
}

/** An invalid stack config: `problems` has one line per problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        "\nKeys are under the project namespace (e.g. `pulumi config set --path cluster.region eu-west-1`); see README.md#configuration.",
    );
    this.name = "ConfigError";
  }
}

export interface ConfigContext {
  project: string;
  stack: string;
  /** Reads a kubeconfig file named by cluster.kubeconfigPath (injectable for tests). */
  readFile?: (p: string) => string;
  /** Top-level keys whose values Pulumi holds encrypted (`pulumi config set --secret`). */
  secretKeys?: ReadonlySet<string>;
}

function defaultReadFile(p: string): string {
  const expanded = p.startsWith("~") ? path.join(os.homedir(), p.slice(1)) : p;
  return fs.readFileSync(expanded, "utf8");
}

/**
 * Validates raw config values (as `pulumi config` holds them, objects already parsed) into a
 * PlatformConfig. Throws ConfigError listing every problem.
 */
export function parseConfig(raw: Record<string, unknown>, ctx: ConfigContext): PlatformConfig {
  const problems: string[] = [];
  const profileResult = z.enum(["dev", "prod"]).default("dev").safeParse(raw.profile);
  const profile: Profile = profileResult.success ? profileResult.data : "dev";
  const defaultClusterName = `${ctx.project}-${ctx.stack}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 40)
    // A cut may end on "-", which no cloud accepts at the end of a cluster name.
    .replace(/-+$/, "");
  const schema = platformSchema(profile, defaultClusterName);
  const parsed = schema.safeParse(raw);
  // Values under a key held secret (e.g. `addons` after `--secret --path addons.…`) are never echoed.
  const hidden = [...SECRET_KEYS, ...(ctx.secretKeys ?? [])];
  if (!parsed.success) problems.push(...formatIssues(parsed.error.issues, raw, schema, hidden));

  let cluster: ClusterSettings | undefined;
  if (parsed.success) {
    const c = parsed.data.cluster;
    const tags = {
      "managed-by": "pulumi",
      // Stack names may hold '.' and run to 100 characters; label values may not (labels.ts).
      "kube-platform-stack": cloudLabelValue(ctx.stack),
      ...parsed.data.tags,
    };
    if (c.target === "existing") {
      const kubeconfig = readExistingKubeconfig(raw.kubeconfig, c.kubeconfigPath, ctx, problems);
      const { kubeconfigPath: _path, ...rest } = c;
      if (kubeconfig !== undefined) cluster = { ...rest, kubeconfig: pulumi.secret(kubeconfig) };
    } else {
      if (raw.kubeconfig !== undefined) {
        problems.push(
          `kubeconfig: is only used with cluster.target "existing" (got target "${c.target}"); remove it`,
        );
      }
      cluster = { ...c, tags } as ClusterSettings;
    }
  }
  if (raw.secrets !== undefined && ctx.secretKeys && !ctx.secretKeys.has("secrets")) {
    problems.push(
      "secrets: is stored in plaintext; set every value with `pulumi config set --secret --path secrets.<name> <value>`",
    );
  }
  if (problems.length > 0 || !parsed.success || !cluster) throw new ConfigError(problems);
  return {
    project: ctx.project,
    stack: ctx.stack,
    profile: parsed.data.profile,
    cluster,
    addons: toAddonsSettings(parsed.data.addons, ctx.secretKeys?.has("addons") ?? false),
    apps: parsed.data.apps.map((a) => toAppSettings(a, parsed.data.secrets ?? {})),
    waivers: parsed.data.waivers,
  };
}

function readExistingKubeconfig(
  secretValue: unknown,
  kubeconfigPath: string | undefined,
  ctx: ConfigContext,
  problems: string[],
): string | undefined {
  if (secretValue !== undefined && kubeconfigPath !== undefined) {
    problems.push(
      "cluster.kubeconfigPath: set together with the kubeconfig secret; allowed: exactly one of kubeconfig (secret) or cluster.kubeconfigPath",
    );
    return undefined;
  }
  if (typeof secretValue === "string") return secretValue;
  if (kubeconfigPath === undefined) {
    problems.push(
      "kubeconfig: is required for cluster.target existing; set it with `pulumi config set --secret kubeconfig < file`, or set cluster.kubeconfigPath",
    );
    return undefined;
  }
  try {
    return (ctx.readFile ?? defaultReadFile)(kubeconfigPath);
  } catch (err) {
    problems.push(
      `cluster.kubeconfigPath: got "${kubeconfigPath}"; cannot read it (${(err as Error).message})`,
    );
    return undefined;
  }
}

/** Parses a config value as `pulumi config` stores it (objects and arrays as JSON). */
export function decodeConfigValue(value: string): unknown {
  const t = value.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return value;
    }
  }
  return value;
}

/** Reads this stack's config from Pulumi and validates it. The only reader of pulumi.Config. */
export function loadConfig(): PlatformConfig {
  const project = pulumi.getProject();
  const prefix = `${project}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = decodeConfigValue(value);
  }
  const secretKeys = new Set(Object.keys(raw).filter((k) => isConfigSecret(`${prefix}${k}`)));
  return parseConfig(raw, { project, stack: pulumi.getStack(), secretKeys });
}

/**
 * Whether Pulumi holds a config key encrypted. The SDK keeps this check internal; it reads the
 * secret-key list the engine passes to the program (PULUMI_CONFIG_SECRET_KEYS).
 */
function isConfigSecret(key: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const internal = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
  if (typeof internal.isConfigSecret !== "function") {
    throw new Error("this @pulumi/pulumi version does not expose isConfigSecret; update stacks/config.ts");
  }
  return internal.isConfigSecret(key);
}
