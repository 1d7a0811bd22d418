/**
 * The agent injector hands Vault's CA to every agent it injects (ha mode).
 *
 * vault-k8s reads `AGENT_INJECT_VAULT_CACERT_BYTES` ("the CA cert to trust for TLS with Vault as a
 * PEM-encoded certificate or bundle", subcommand/injector/flags.go at the injector image of
 * CHARTS.vault) and sets it as `VAULT_CACERT_BYTES` on every agent container it injects
 * (agent-inject/agent/container_env.go), which the agents' Vault client reads (Vault api,
 * ReadEnvironment). One value serves the platform's apps and every other namespace labelled for
 * injection, and no copy of the CA lives outside the vault namespace.
 *
 * The chart renders only literal values into the injector's environment
 * (`injector.extraEnvironmentVars`, templates/injector-deployment.yaml), and the CA exists only in
 * the cluster, so a server-side-apply patch adds the variable from the CA Secret's tls.crt (its
 * certificate; a secretKeyRef copies that one key, never tls.key). Helm's three-way merge keeps a
 * field it never rendered on later upgrades and rollbacks; the patch waits for the injector's
 * rollout, so pods created after it get the CA. The patch carries the release's revision as an
 * annotation of the Deployment, so every new revision (each Helm upgrade or rollback) re-applies it
 * (an annotation of the Deployment, not of its pods: an unchanged patch never restarts the
 * injector). A release reinstalled at the same revision number (an uninstall by hand) is not seen:
 * re-apply with `pulumi up --replace` on this patch (docs/addons/vault.md).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { INJECTOR_CONTAINER, INJECTOR_DEPLOYMENT, VAULT_CA, VAULT_NAMESPACE } from "./names";

/** The injector's environment variable holding the CA its agents trust (vault-k8s). */
export const INJECTOR_CA_ENV = "AGENT_INJECT_VAULT_CACERT_BYTES";

/** The Deployment annotation holding the release revision the patch was applied after. */
export const INJECTOR_CA_REVISION_ANNOTATION = "kube-platform/injector-ca-release-revision";

/** The patch of the chart's injector Deployment: the env variable from Vault's CA Secret. */
export function injectorCaPatchArgs(releaseRevision: pulumi.Input<string>): k8s.apps.v1.DeploymentPatchArgs {
  return {
    metadata: {
      name: INJECTOR_DEPLOYMENT,
      namespace: VAULT_NAMESPACE,
      annotations: { [INJECTOR_CA_REVISION_ANNOTATION]: releaseRevision },
    },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: INJECTOR_CONTAINER,
              env: [
                { name: INJECTOR_CA_ENV, valueFrom: { secretKeyRef: { name: VAULT_CA, key: "tls.crt" } } },
              ],
            },
          ],
        },
      },
    },
  };
}

/** Patches the injector once the release installed it and Vault's CA exists. */
export function injectorTrustsVaultCa(
  name: string,
  release: k8s.helm.v3.Release,
  caCertificate: pulumi.Resource,
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
): k8s.apps.v1.DeploymentPatch {
  // The revision Helm reports for the release (pulumi-kubernetes Release status.revision).
  const revision = release.status.apply((st) => String(st?.revision ?? 0));
  return new k8s.apps.v1.DeploymentPatch(`${name}-injector-ca`, injectorCaPatchArgs(revision), {
    ...opts,
    dependsOn: [release, caCertificate],
  });
}
