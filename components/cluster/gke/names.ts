/**
 * The pure part of the GKE target (no Pulumi import): the project's APIs and roles, the names and
 * sizes the resources are built from, and the Workload Identity principals.
 */
import { ServiceAccountRef } from "../types";
import { apiTaint, shortHash } from "../shared";

/** APIs the cluster needs in its project. They are never disabled on destroy (other users may rely on them). */
export const GKE_PROJECT_SERVICES = [
  "compute.googleapis.com",
  "container.googleapis.com",
  "cloudkms.googleapis.com",
  "iam.googleapis.com",
] as const;

/** One of the project APIs the cluster enables. */
export type GkeProjectService = (typeof GKE_PROJECT_SERVICES)[number];

/**
 * Project roles of the dedicated node service account (CKV2_GCP_1, CIS GKE 5.2.1):
 * `roles/container.defaultNodeServiceAccount` is Google's least-privilege role for node system
 * tasks (logging, monitoring, metadata, autoscaling metrics); `roles/artifactregistry.reader`
 * lets the kubelet pull the project's private images. Workloads get cloud access through
 * Workload Identity, never through the node account.
 */
export const GKE_NODE_SERVICE_ACCOUNT_ROLES = [
  "roles/container.defaultNodeServiceAccount",
  "roles/artifactregistry.reader",
] as const;

/** Zones a regional cluster spreads each node pool over when `nodeLocations` is not set. */
export const GKE_DEFAULT_ZONES_PER_REGION = 3;

/** Rotation period of the KMS keys (90 days: CKV_GCP_43). */
export const KMS_ROTATION_PERIOD = "7776000s";

/** Secondary range names on the node subnetwork. */
export const PODS_RANGE_NAME = "pods";
export const SERVICES_RANGE_NAME = "services";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
export const KMS_ENCRYPTER_DECRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter";
/** Vault's gcpckms seal calls GetCryptoKey at start-up (cloudkms.cryptoKeys.get), which the encrypter role lacks. */
export const KMS_VIEWER = "roles/cloudkms.viewer";

/**
 * The project role the GKE service agent normally gets when GCP creates it: a service agent created on
 * request (services.generateServiceIdentity) may have none ("service agents that are created at a
 * user's request aren't automatically granted roles", IAM "Create and grant roles to service agents").
 */
export const GKE_SERVICE_AGENT_ROLE = "roles/container.serviceAgent";

/**
 * How long the cluster waits after the grants to the GKE service agent: IAM policy changes are
 * eventually consistent, "typically 2 minutes, potentially 7 minutes or longer" (IAM "Access change
 * propagation"), and GKE needs the key at creation ("you must first create a Cloud KMS key and give
 * the GKE service account access to the key"; GKE encrypts every Secret with it from the start, GKE
 * "Encrypt secrets at the application layer").
 */
export const GKE_AGENT_GRANT_PROPAGATION = "2m";

/** A GKE node taint as the API wants it. */
export type GkeTaint = ReturnType<typeof apiTaint>;

/** Parses a Kubernetes taint (the one taint rule: parseTaint, components/cluster/shared.ts) into GKE's form. */
export const parseGkeTaint = apiTaint;

const SERVICE_ACCOUNT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/**
 * A Google service account ID (6-30 characters, `[a-z][a-z0-9-]*[a-z0-9]`) for `name` in the
 * scope of `prefix` (the cluster name, so that stacks sharing a project do not collide). When
 * `prefix-name` is already a valid ID it is used as is; otherwise it is sanitized, truncated and
 * suffixed with a hash of the original, so distinct names always give distinct IDs.
 */
export function gcpServiceAccountId(prefix: string, name: string): string {
  const raw = `${prefix}-${name}`;
  if (SERVICE_ACCOUNT_ID.test(raw)) return raw;
  const hash = shortHash(raw, 8);
  const sanitized = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^a-z]+/, "");
  const head = (sanitized || "sa").slice(0, 30 - hash.length - 1).replace(/-+$/, "");
  return `${head}-${hash}`;
}

/** The Workload Identity principal of a Kubernetes ServiceAccount: `serviceAccount:<project>.svc.id.goog[<ns>/<name>]`. */
export function workloadIdentityMember(project: string, sa: ServiceAccountRef): string {
  return `serviceAccount:${workloadPool(project)}[${sa.namespace}/${sa.name}]`;
}

/** The cluster's Workload Identity pool. */
export function workloadPool(project: string): string {
  return `${project}.svc.id.goog`;
}

/**
 * The node count per zone a pool starts with so that the whole regional pool starts at (or just
 * above) its total minimum. Only used at creation: afterwards the autoscaler owns the size.
 */
export function initialNodeCountPerZone(totalMinNodes: number, zones = GKE_DEFAULT_ZONES_PER_REGION): number {
  return Math.max(1, Math.ceil(totalMinNodes / zones));
}

/**
 * The IAM member of the GKE service agent: the email the ServiceIdentity returned, or the name the
 * GKE docs give it (`service-<project number>@container-engine-robot.iam.gserviceaccount.com`)
 * when the API returned none.
 */
export function gkeServiceAgentMember(email: string | undefined, projectNumber: string): string {
  return `serviceAccount:${email || `service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`}`;
}
