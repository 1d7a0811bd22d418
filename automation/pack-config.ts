// The policy pack's config of one stack (`--policy-pack-config`), as pure functions: the stack's
// profile and waivers, validated by the stack config's own schema (stacks/config.ts), become one
// entry per policy (policy/policies.ts stackPolicyConfig). The driver writes it for every stack it
// runs with --policy-pack; `npm run policy-config` prints it (./policy-config).

import type { ConfigMap } from "@pulumi/pulumi/automation";
import { z } from "zod";
import { stackPolicyConfig, type PolicyConfigEntry } from "../policy/policies";
import { ALL_RULES } from "../rules";
import { decodeConfigValue, platformSchema } from "../stacks/config";
import { formatIssues } from "../stacks/validation";
import { PROJECT } from "./gate";

export type PackConfig = Record<string, PolicyConfigEntry>;
export type PackConfigResult = { config: PackConfig } | { problems: string[] };

/** The keys the pack needs, with the stack config schema's own rules and defaults (profile dev). */
function packSettingsSchema() {
  const shape = platformSchema("dev", PROJECT).shape;
  return z.object({ profile: shape.profile, waivers: shape.waivers });
}

/** From a stack's project config (keys without the namespace, values decoded: a stack file's). */
export function packConfigOf(raw: Readonly<Record<string, unknown>>): PackConfigResult {
  const data = { profile: raw.profile, waivers: raw.waivers };
  const schema = packSettingsSchema();
  const parsed = schema.safeParse(data);
  if (!parsed.success) return { problems: formatIssues(parsed.error.issues, data, schema) };
  return { config: stackPolicyConfig(ALL_RULES, parsed.data.profile, parsed.data.waivers) };
}

/** From `stack.getAllConfig()` (`pulumi config --json`: objects as their JSON text). */
export function packConfigFromConfigMap(config: ConfigMap): PackConfigResult {
  const raw: Record<string, unknown> = {};
  for (const key of ["profile", "waivers"]) {
    const entry = config[`${PROJECT}:${key}`];
    if (entry !== undefined) raw[key] = decodeConfigValue(entry.value);
  }
  return packConfigOf(raw);
}
