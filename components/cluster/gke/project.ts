/**
 * The cluster's Google project: the explicit provider every GCP resource uses, the project APIs, and
 * the GKE service agent with the grants it needs before the cluster exists (and their propagation wait).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { GkeSettings } from "../types";
import { propagationWait } from "../identity-common";
import {
  GKE_AGENT_GRANT_PROPAGATION,
  GKE_PROJECT_SERVICES,
  GKE_SERVICE_AGENT_ROLE,
  GkeProjectService,
  KMS_ENCRYPTER_DECRYPTER,
  gkeServiceAgentMember,
} from "./names";

/** Where the cluster's GCP resources go: the component's name, the parent and the Google provider. */
export interface GcpScope {
  name: string;
  parent: pulumi.Resource;
  provider: gcp.Provider;
}

/** The options of a GCP resource in `scope`, plus `extra`. */
export function gcpOptions(
  scope: GcpScope,
  extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
  return { parent: scope.parent, provider: scope.provider, ...extra };
}

/** The explicit Google provider of the cluster (project, region, and the stack's tags as default labels). */
export function gcpProvider(name: string, settings: GkeSettings, parent: pulumi.Resource): gcp.Provider {
  return new gcp.Provider(
    `${name}-gcp`,
    { project: settings.project, region: settings.region, defaultLabels: settings.tags },
    { parent },
  );
}

/** The project APIs, by service name. */
export type ProjectServices = Record<GkeProjectService, gcp.projects.Service>;

/**
 * Project APIs. disableOnDestroy false: destroying this stack must not switch off an API
 * something else in the project uses.
 */
export function projectServices(scope: GcpScope, project: string): ProjectServices {
  const entries = GKE_PROJECT_SERVICES.map((service) => {
    const api = new gcp.projects.Service(
      `${scope.name}-${service.split(".")[0]}-api`,
      { project, service, disableOnDestroy: false },
      gcpOptions(scope),
    );
    return [service, api] as const;
  });
  return Object.fromEntries(entries) as ProjectServices;
}

/** The GKE service agent and what the cluster waits for: its grants, propagated. */
export interface ServiceAgentGrants {
  agent: gcp.projects.ServiceIdentity;
  secretsKeyGrant: gcp.kms.CryptoKeyIAMMember;
  agentRole: gcp.projects.IAMMember;
  propagated: time.Sleep;
}

/**
 * The GKE service agent, allowed to use the secrets key and holding its project role, and a wait for
 * those grants to propagate (GKE_AGENT_GRANT_PROPAGATION).
 */
export function serviceAgentGrants(
  scope: GcpScope,
  project: string,
  services: ProjectServices,
  secretsKey: gcp.kms.CryptoKey,
): ServiceAgentGrants {
  const { name, parent, provider } = scope;
  const projectInfo = gcp.organizations.getProjectOutput({ projectId: project }, { parent, provider });
  // In a fresh project the GKE service agent is created lazily, some time after the container
  // API is enabled: a grant to it right away fails with "service account does not exist". The
  // Service Usage API's services.generateServiceIdentity creates it now (google_project_service_identity;
  // the provider notes the API may return no email, hence the documented name as fallback).
  const agent = new gcp.projects.ServiceIdentity(
    `${name}-gke-agent`,
    { project, service: "container.googleapis.com" },
    gcpOptions(scope, { dependsOn: [services["container.googleapis.com"]] }),
  );
  const member = pulumi
    .all([agent.email, projectInfo.number])
    .apply(([email, number]) => gkeServiceAgentMember(email, number));
  const secretsKeyGrant = new gcp.kms.CryptoKeyIAMMember(
    `${name}-secrets-gke-agent`,
    { cryptoKeyId: secretsKey.id, role: KMS_ENCRYPTER_DECRYPTER, member },
    gcpOptions(scope, { dependsOn: [agent] }),
  );
  // Kept on destroy: other clusters of the project rely on the agent's project role.
  const agentRole = new gcp.projects.IAMMember(
    `${name}-gke-agent-role`,
    { project, role: GKE_SERVICE_AGENT_ROLE, member },
    gcpOptions(scope, { dependsOn: [agent], retainOnDelete: true }),
  );
  // Created once with the grants; new grants (a new key, a new agent) change the trigger and wait again.
  const propagated = propagationWait(
    `${name}-gke-agent-propagation`,
    GKE_AGENT_GRANT_PROPAGATION,
    { keyGrant: secretsKeyGrant, agentRole },
    parent,
  );
  return { agent, secretsKeyGrant, agentRole, propagated };
}
