/**
 * What the clouds' identity code has in common: a wait for IAM grants to propagate, ServiceAccount
 * annotations and seal stanzas that carry the grants they depend on, and the checksum of a binding
 * that consumers put on their pods (the add-ons and the EKS target's own controllers alike).
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { BoundIdentity, SealStanza } from "./types";

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

/** JSON with object keys sorted, so equal inputs give the same text whatever their key order. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The SHA-256 (hex) of an identity binding's inputs as its pods see them (ServiceAccount annotations,
 * pod labels; for external-dns on Azure its azure.json): none of them is secret (a role ARN, a service
 * account e-mail, a client id, tenant and subscription ids). Never pass a token here. Put into a pod
 * annotation, it makes a changed binding change the pod template, which rolls the pods: the webhooks
 * that hand out the credentials mutate pods only when they are created (the EKS pod identity webhook
 * deploy/mutatingwebhook.yaml `operations: [ "CREATE" ]`, aws/amazon-eks-pod-identity-webhook; README
 * "All new pods launched using this Service Account will be modified"), so a changed ServiceAccount
 * alone restarts nothing.
 */
export function identityChecksum(inputs: Record<string, pulumi.Input<unknown>>): pulumi.Output<string> {
  return pulumi
    .output(inputs)
    .apply((resolved) => createHash("sha256").update(sortedJson(resolved)).digest("hex"));
}

/**
 * The pod annotation of the platform's own consumers of a cloud identity (cluster-autoscaler, Karpenter,
 * the AWS Load Balancer Controller) carrying identityChecksum of their binding. The mechanism shows in
 * the binding: on EKS, IRSA's `eks.amazonaws.com/role-arn` annotation against none with Pod Identity,
 * so a switch of `cluster.workloadIdentity` rolls them. (external-dns and cert-manager keep their own
 * key, components/addons/dns/access.ts DNS_IDENTITY_ANNOTATION, with the same checksum.)
 */
export const IDENTITY_CHECKSUM_ANNOTATION = "kube-platform/identity-checksum";

/** `podAnnotations` for a consumer of `binding`: IDENTITY_CHECKSUM_ANNOTATION with its checksum. */
export function identityChecksumAnnotations(
  binding: Pick<BoundIdentity, "podLabels"> & { serviceAccountAnnotations: pulumi.Input<unknown> },
): Record<string, pulumi.Output<string>> {
  return {
    [IDENTITY_CHECKSUM_ANNOTATION]: identityChecksum({
      serviceAccountAnnotations: binding.serviceAccountAnnotations,
      podLabels: binding.podLabels,
    }),
  };
}
