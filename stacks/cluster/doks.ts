/** The `cluster` schema of the `doks` target (DigitalOcean Kubernetes in a VPC this program creates). */
import { z } from "zod";
import type { Profile } from "../../components/shared/profile";
import { cidr } from "../validation";
import {
  ALWAYS,
  DEFAULT_MACHINE_TYPES,
  PROFILE_DEFAULTS,
  checkNodePools,
  checkNotOpenToWorld,
  checkUnique,
  commonClusterFields,
  nodePools,
  regionSchema,
} from "./common";

const DO_REGION = /^[a-z]{3}\d$/;

export function doksClusterSchema(profile: Profile, defaultClusterName: string) {
  const preset = PROFILE_DEFAULTS[profile];
  const common = commonClusterFields(preset, defaultClusterName);
  return z
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
}
