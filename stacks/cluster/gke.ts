/** The `cluster` schema of the `gke` target (a private, VPC-native GKE cluster). */
import { z } from "zod";
import type { Profile } from "../../components/shared/profile";
import { cidr } from "../validation";
import {
  ALWAYS,
  DEFAULT_MACHINE_TYPES,
  PROFILE_DEFAULTS,
  checkDisjoint,
  checkNodePools,
  checkNotOpenToWorld,
  commonClusterFields,
  nodePools,
  regionSchema,
} from "./common";

const GCP_REGION = /^[a-z]+-[a-z]+\d+$/;
const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

export function gkeClusterSchema(profile: Profile, defaultClusterName: string) {
  const preset = PROFILE_DEFAULTS[profile];
  const common = commonClusterFields(preset, defaultClusterName);
  return z
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
            "must list at least one network allowed to reach the API server, including the public address of the machine that runs `pulumi up` (e.g. [{name: deployer, cidr: <its address>/32}], the address `curl -s https://checkip.amazonaws.com` prints there); with none, GKE refuses all external access",
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
}
