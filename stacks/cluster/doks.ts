/** The `cluster` schema of the `doks` target (DigitalOcean Kubernetes in a VPC this program creates). */
import { z } from "zod";
import type { Profile } from "../../components/shared/profile";
import { keepsANodeProblems } from "../../components/shared/node-pools";
import type { Problem } from "../../components/shared/problems";
import { VaultUpgradeView, vaultRunsShamirHa } from "../addons-config";
import { cidr, report } from "../validation";
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
      // Default: doksAutoUpgrade() below (off while Vault runs ha with Shamir).
      autoUpgrade: z.boolean().optional(),
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
      if (typeof first?.minNodes === "number") {
        report(ctx, keepsANodeProblems(first.minNodes, "doks"), ["nodePools", 0, "minNodes"]);
      }
    }, ALWAYS);
}

/**
 * `cluster.autoUpgrade` on DOKS: as set, else on unless Vault runs ha with Shamir (then upgrades are
 * started by hand, one node at a time, unsealing each recycled Vault pod: docs/targets.md, DOKS).
 */
export function doksAutoUpgrade(set: boolean | undefined, vault: VaultUpgradeView | undefined): boolean {
  return set ?? !vaultRunsShamirHa(vault);
}

/**
 * Prod refuses `cluster.autoUpgrade: true` with Vault ha (Shamir) on DOKS, naming both keys and the
 * ways out. Dev may choose it (no quorum worth keeping there).
 */
export function doksUpgradeProblems(
  profile: Profile,
  autoUpgrade: unknown,
  vault: VaultUpgradeView | undefined,
): Problem[] {
  if (profile !== "prod" || autoUpgrade !== true || !vaultRunsShamirHa(vault)) return [];
  return [
    {
      path: ["autoUpgrade"],
      message:
        "with addons.vault.mode ha Vault unseals with Shamir keys on DOKS (no KMS), and every node an " +
        "automatic upgrade recycles brings a Vault pod back sealed: the PodDisruptionBudget blocks the next drain " +
        "and a forced drain loses the Raft quorum. Leave cluster.autoUpgrade unset (false with Vault ha) and " +
        "upgrade by hand (docs/targets.md, DOKS), or set addons.vault.mode dev or addons.vault.enabled false",
    },
  ];
}
