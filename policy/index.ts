/**
 * kube-platform's policy pack: `pulumi preview --policy-pack policy` (after `npm ci` at the
 * repository root). Profile-dependent rules follow the `profile` config (default prod) and the
 * stack's waivers apply as in the preflight when the pack config carries them: `npm run
 * policy-config -- --stack <name> > pack.json`, then `--policy-pack-config pack.json` (the driver
 * writes it itself). `policy/dev.json` is the profile-only config of dev stacks without waivers.
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_RULES } from "../rules";
import { toPolicies } from "./policies";

new PolicyPack("kube-platform", { policies: toPolicies(ALL_RULES) });
