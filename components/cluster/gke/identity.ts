/**
 * Cloud identities for workloads on the cluster: GKE Workload Identity (a Google service account
 * only one Kubernetes ServiceAccount may impersonate) and Cloud KMS keys for Vault's gcpckms seal.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GkeSettings, UnsealKms, WorkloadIdentity } from "../types";
import { identityAnnotations, sealStanza } from "../identity-common";
import {
  KMS_ENCRYPTER_DECRYPTER,
  KMS_ROTATION_PERIOD,
  KMS_VIEWER,
  gcpServiceAccountId,
  workloadIdentityMember,
} from "./names";

/** What the identities of cluster `name` are built with. */
export interface GkeIdentityScope {
  name: string;
  settings: GkeSettings;
  provider: gcp.Provider;
}

/** Binds a ServiceAccount to its own Google service account; the pool exists once `cluster` does. */
export function gkeWorkloadIdentity(
  scope: GkeIdentityScope,
  cluster: gcp.container.Cluster,
): WorkloadIdentity {
  const { name, settings, provider } = scope;
  const { project } = settings;
  return {
    mechanism: "gke-workload-identity",
    bindServiceAccount: (bindingName, sa, parent) => {
      const account = new gcp.serviceaccount.Account(
        `${name}-${bindingName}-gsa`,
        {
          project,
          accountId: gcpServiceAccountId(settings.clusterName, bindingName),
          displayName: `${sa.namespace}/${sa.name} on ${settings.clusterName}`,
        },
        { parent, provider },
      );
      const binding = new gcp.serviceaccount.IAMMember(
        `${name}-${bindingName}-wi`,
        {
          serviceAccountId: account.name,
          role: "roles/iam.workloadIdentityUser",
          member: workloadIdentityMember(project, sa),
        },
        // The identity pool exists once the cluster with Workload Identity does.
        { parent, provider, dependsOn: [cluster] },
      );
      return {
        // Carries the binding as a dependency: pods annotated with it start once they may use it.
        serviceAccountAnnotations: identityAnnotations("iam.gke.io/gcp-service-account", account.email, [
          binding,
        ]),
        podLabels: {},
        principal: account.email,
      };
    },
  };
}

/** Vault unseal keys in the cluster's key ring, each usable by one bound identity only. */
export function gkeUnsealKms(scope: GkeIdentityScope, keyRing: gcp.kms.KeyRing): UnsealKms {
  const { name, settings, provider } = scope;
  return {
    createUnsealKey: (keyName, identity, parent) => {
      // In the cluster's key ring (same project and region, already protected); access is
      // granted on this key only, so the ring's other keys stay out of the identity's reach.
      const key = new gcp.kms.CryptoKey(
        `${name}-${keyName}-unseal`,
        { keyRing: keyRing.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: KMS_ROTATION_PERIOD },
        { parent, provider, protect: settings.protect },
      );
      const member = pulumi.interpolate`serviceAccount:${identity.principal}`;
      const grants = [KMS_ENCRYPTER_DECRYPTER, KMS_VIEWER].map(
        (role) =>
          new gcp.kms.CryptoKeyIAMMember(
            `${name}-${keyName}-unseal-${role.split(".")[1]}`,
            { cryptoKeyId: key.id, role, member },
            { parent, provider },
          ),
      );
      return sealStanza(
        "gcpckms",
        { project: settings.project, region: keyRing.location, key_ring: keyRing.name, crypto_key: key.name },
        grants,
      );
    },
  };
}
