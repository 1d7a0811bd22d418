/**
 * kube-platform's policy pack: `pulumi preview --policy-pack policy` (after `npm ci` at the
 * repository root). Profile-dependent rules follow the `profile` config (default prod):
 * `--policy-pack-config policy/dev.json` for dev stacks; a rule can be waived there with
 * `"<rule-id>": "disabled"`.
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_RULES } from "../rules";
import { toPolicies } from "./policies";

new PolicyPack("kube-platform", { policies: toPolicies(ALL_RULES) });
