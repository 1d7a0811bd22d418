/**
 * What the clouds' identity code has in common: a wait for IAM grants to propagate, ServiceAccount
 * annotations and seal stanzas that carry the grants they depend on.
 */
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { SealStanza } from "./types";

/**
 * A time.Sleep of `createDuration` after `grants` (IAM changes are eventually consistent). Created once
 * with the grants; a replaced grant changes its trigger (the grant's id, under its key) and waits again.
 */
export function propagationWait(
  name: string,
  createDuration: string,
  grants: Record<string, pulumi.CustomResource>,
  parent: pulumi.Resource,
): time.Sleep {
  const triggers = Object.fromEntries(Object.entries(grants).map(([key, grant]) => [key, grant.id]));
  return new time.Sleep(name, { createDuration, triggers }, { parent, dependsOn: Object.values(grants) });
}

/** The ids of `resources`: an output that is known once every one of them exists. */
function allExist(resources: pulumi.CustomResource[]): pulumi.Output<string[]> {
  return pulumi.all(resources.map((r) => r.id));
}

/**
 * The one ServiceAccount annotation `{[key]: value}` that names a workload's cloud identity, carrying
 * `after` (the federation or binding) as dependencies: pods annotated with it start once they may use it.
 */
export function identityAnnotations(
  key: string,
  value: pulumi.Output<string>,
  after: pulumi.CustomResource[],
): pulumi.Output<Record<string, string>> {
  return pulumi.all([value, allExist(after)]).apply(([v]): Record<string, string> => ({ [key]: v }));
}

/** A Vault seal stanza, resolved once the key's grants (`after`) exist: Vault may use the key when it starts. */
export function sealStanza(
  type: SealStanza["type"],
  attributes: Record<string, pulumi.Input<string>>,
  after: pulumi.CustomResource[],
): pulumi.Output<SealStanza> {
  return pulumi
    .all([pulumi.output(attributes), allExist(after)])
    .apply(([resolved]): SealStanza => ({ type, attributes: resolved }));
}
