/**
 * Application-layer secrets encryption: a KMS key in the cluster's region, usable by the GKE service
 * agent only (the grant is the agent's, in project.ts). Key rings cannot be deleted in Cloud KMS, so
 * their names are left to Pulumi's auto-naming (a random suffix): a re-created stack never collides
 * with the old ring.
 */
import * as gcp from "@pulumi/gcp";
import { GkeSettings } from "../types";
import { KMS_ROTATION_PERIOD } from "./names";
import { GcpScope, ProjectServices, gcpOptions } from "./project";

export interface GkeSecretsKey {
  keyRing: gcp.kms.KeyRing;
  secretsKey: gcp.kms.CryptoKey;
}

export function gkeSecretsKey(
  scope: GcpScope,
  settings: GkeSettings,
  services: ProjectServices,
): GkeSecretsKey {
  const { protect } = settings;
  const keyRing = new gcp.kms.KeyRing(
    `${scope.name}-keyring`,
    { project: settings.project, location: settings.region },
    gcpOptions(scope, { protect, dependsOn: [services["cloudkms.googleapis.com"]] }),
  );
  const secretsKey = new gcp.kms.CryptoKey(
    `${scope.name}-secrets`,
    { keyRing: keyRing.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: KMS_ROTATION_PERIOD },
    gcpOptions(scope, { protect }),
  );
  return { keyRing, secretsKey };
}
