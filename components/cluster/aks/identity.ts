/**
 * The cluster's identities: the user-assigned control-plane identity (Network Contributor on the node
 * subnet), Azure workload identity for ServiceAccounts (a managed identity federated with the cluster's
 * OIDC issuer), and Key Vault keys for Vault's azurekeyvault seal.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { AksSettings, UnsealKms, WorkloadIdentity } from "../types";
import { serviceAccountSubject } from "../shared";
import { identityAnnotations, sealStanza } from "../identity-common";
import { keyVaultName } from "./ids";
import { AzureClientConfig, builtInRoleAssignment } from "./roles";

/** The audience Entra ID expects on projected service account tokens (Azure workload identity). */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** The ServiceAccount annotation Azure workload identity reads the managed identity's client id from. */
export const AZURE_CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";

/** The control plane's identity and its Network Contributor role on the node subnet (the cluster waits for it). */
export function controlPlaneIdentity(
  name: string,
  settings: AksSettings,
  args: { resourceGroupName: pulumi.Input<string>; subnet: network.Subnet; clientConfig: AzureClientConfig },
  parent: pulumi.Resource,
): {
  identity: managedidentity.UserAssignedIdentity;
  subnetNetworkContributor: authorization.RoleAssignment;
} {
  const identity = new managedidentity.UserAssignedIdentity(
    `${name}-cp`,
    { resourceGroupName: args.resourceGroupName, location: settings.location, tags: { ...settings.tags } },
    { parent },
  );
  const subnetNetworkContributor = builtInRoleAssignment(
    `${name}-cp-subnet`,
    {
      principalId: identity.principalId,
      principalType: "ServicePrincipal",
      role: "networkContributor",
      scope: args.subnet.id,
      subscriptionId: args.clientConfig.subscriptionId,
    },
    { parent },
  );
  return { identity, subnetNetworkContributor };
}

/** Binds a ServiceAccount to its own managed identity, federated with the cluster's OIDC issuer. */
export function aksWorkloadIdentity(
  settings: AksSettings,
  cluster: containerservice.ManagedCluster,
  resourceGroup: resources.ResourceGroup,
): WorkloadIdentity {
  const tags = { ...settings.tags };
  return {
    mechanism: "azure-workload-identity",
    bindServiceAccount: (idName, sa, parent) => {
      const identity = new managedidentity.UserAssignedIdentity(
        `${idName}-identity`,
        { resourceGroupName: resourceGroup.name, location: settings.location, tags },
        { parent },
      );
      const federation = new managedidentity.FederatedIdentityCredential(
        `${idName}-federation`,
        {
          resourceGroupName: resourceGroup.name,
          resourceName: identity.name,
          issuer: cluster.oidcIssuerProfile.apply((p) => {
            if (!p?.issuerURL) throw new Error(`AKS cluster ${settings.clusterName} has no OIDC issuer URL`);
            return p.issuerURL;
          }),
          subject: serviceAccountSubject(sa),
          audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
        },
        { parent },
      );
      return {
        // Wait for the federation: a pod started before it exists gets token-exchange errors.
        serviceAccountAnnotations: identityAnnotations(AZURE_CLIENT_ID_ANNOTATION, identity.clientId, [
          federation,
        ]),
        podLabels: { "azure.workload.identity/use": "true" },
        principal: identity.principalId,
      };
    },
  };
}

/** Vault unseal keys, each in its own RBAC-mode Key Vault and usable by one bound identity only. */
export function aksUnsealKms(
  settings: AksSettings,
  resourceGroup: resources.ResourceGroup,
  clientConfig: AzureClientConfig,
): UnsealKms {
  const { protect } = settings;
  const tags = { ...settings.tags };
  return {
    createUnsealKey: (keyName, identity, parent) => {
      const vault = new keyvault.Vault(
        `${keyName}-kv`,
        {
          resourceGroupName: resourceGroup.name,
          location: settings.location,
          vaultName: pulumi.interpolate`${resourceGroup.id}/${keyName}`.apply((seed) =>
            keyVaultName(keyName, seed),
          ),
          properties: {
            tenantId: clientConfig.tenantId,
            sku: { family: "A", name: "standard" },
            enableRbacAuthorization: true,
            enableSoftDelete: true,
            softDeleteRetentionInDays: 90,
            enablePurgeProtection: true,
          },
          tags,
        },
        { parent, protect },
      );
      const key = new keyvault.Key(
        `${keyName}-key`,
        {
          resourceGroupName: resourceGroup.name,
          vaultName: vault.name,
          keyName: "vault-unseal",
          properties: { kty: "RSA", keySize: 3072, keyOps: ["wrapKey", "unwrapKey"] },
          tags,
        },
        { parent, protect },
      );
      const grant = builtInRoleAssignment(
        `${keyName}-crypto-user`,
        {
          principalId: identity.principal,
          principalType: "ServicePrincipal",
          role: "keyVaultCryptoUser",
          // Scoped to the one key, not the vault.
          scope: key.id,
          subscriptionId: clientConfig.subscriptionId,
        },
        { parent },
      );
      return sealStanza(
        "azurekeyvault",
        { tenant_id: clientConfig.tenantId, vault_name: vault.name, key_name: key.name },
        [grant],
      );
    },
  };
}
