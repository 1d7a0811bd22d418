/**
 * The stack profiles: "prod" refuses what is only acceptable for a throw-away cluster (open API
 * endpoints, single replicas, no protection); "dev" allows it. Config, rules and components share
 * this one declaration.
 */
export const PROFILES = ["dev", "prod"] as const;

export type Profile = (typeof PROFILES)[number];
