import { createHash } from "crypto";
import { MockTables } from "./types";

/** Fixed identities of the mocked Azure session (`azure-native:authorization:getClientConfig`). */
export const AZURE_MOCK = {
  subscriptionId: "00000000-0000-0000-0000-0000000000aa",
  tenantId: "11111111-2222-3333-4444-555555555555",
  clientId: "99999999-0000-0000-0000-000000000001",
  objectId: "99999999-0000-0000-0000-000000000002",
  /** The AKS AAD server application (`--server-id` in AKS kubeconfigs). */
  aksServerId: "6dae42f8-4368-4678-94ff-3960e28e3630",
  caData: Buffer.from("-----BEGIN CERTIFICATE-----\nMIIAKS\n-----END CERTIFICATE-----\n").toString("base64"),
};

/**
 * The signed-in client of the mocked session, which tests may switch (e.g. to the Azure CLI's app id, as
 * after `az login` as a user) and must restore: getClientConfig returns it as clientId.
 */
export const AZURE_SESSION = { clientId: AZURE_MOCK.clientId };

/**
 * Deployer VNets the mocked `network.getVirtualNetwork` knows, by name; any other name is a VNet with
 * 10.100.0.0/16 and no peerings. Peerings carry the remote VNet's address space, as ARM returns it.
 */
export const AZURE_MOCK_VNETS: Record<
  string,
  { addressPrefixes: string[]; peerings: { name: string; remoteId: string; remotePrefixes: string[] }[] }
> = {
  /** A hub whose own space holds 10.20.128.0/24 (inside the AKS tests' vnetCidr 10.20.0.0/16). */
  "hub-overlap": { addressPrefixes: ["10.100.0.0/16", "10.20.128.0/24"], peerings: [] },
  /** A runner VNet already peered with another stack's cluster VNet on 10.20.0.0/16, and with one on 10.40.0.0/16. */
  "runner-peered": {
    addressPrefixes: ["10.100.0.0/16"],
    peerings: [
      {
        name: "to-staging",
        remoteId:
          "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/platform-staging/providers/Microsoft.Network/virtualNetworks/staging-vnet",
        remotePrefixes: ["10.20.0.0/16"],
      },
      {
        name: "to-tools",
        remoteId:
          "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/tools/providers/Microsoft.Network/virtualNetworks/tools-vnet",
        remotePrefixes: ["10.40.0.0/16"],
      },
    ],
  },
  /** A runner VNet whose only overlapping peering is the AKS tests' own (the mocked VNet id of "kp-vnet"). */
  "runner-own-peering": {
    addressPrefixes: ["10.100.0.0/16"],
    peerings: [
      { name: "kp-from-deployer1a2b3c4d", remoteId: "kp-vnet-id", remotePrefixes: ["10.20.0.0/16"] },
    ],
  },
};

/** A deterministic GUID derived from `seed` (mock client / principal ids). */
export function mockGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The API server host AKS would give a cluster. */
export function mockAksFqdn(dnsPrefix: string, location: string): string {
  return `${dnsPrefix}-k3x9q2ab.hcp.${location}.azmk8s.io`;
}

/**
 * The private API server FQDN AKS gives a private cluster, in its "system" private DNS zone: the shape of a
 * real one, `<dnsPrefix>-<hash>.<zone guid>.privatelink.<region>.azmk8s.io` (zone guid fixed here).
 */
export function mockAksPrivateFqdn(dnsPrefix: string, location: string): string {
  return `${dnsPrefix}-2fc44ihq.ec2ccfad-dd02-4ef6-8ce0-e3f276ae86aa.privatelink.${location}.azmk8s.io`;
}

/**
 * The kubeconfig AKS returns from listClusterUserCredential with format=exec on an Entra ID cluster:
 * an interactive kubelogin (devicecode) exec user. Other formats return the legacy auth-provider config.
 */
export function mockAksUserKubeconfig(
  clusterName: string,
  server: string,
  format: string | undefined,
): string {
  const user = `clusterUser_rg_${clusterName}`;
  const head = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${AZURE_MOCK.caData}
    server: ${server}
  name: ${clusterName}
contexts:
- context:
    cluster: ${clusterName}
    user: ${user}
  name: ${clusterName}
current-context: ${clusterName}
kind: Config
preferences: {}
users:
- name: ${user}
  user:
`;
  if (format !== "exec") {
    return (
      head +
      `    auth-provider:
      config:
        apiserver-id: ${AZURE_MOCK.aksServerId}
        client-id: 80faf920-1908-4b52-b5ef-a8e7bedfc67a
        config-mode: "1"
        environment: AzurePublicCloud
        tenant-id: ${AZURE_MOCK.tenantId}
      name: azure
`
    );
  }
  return (
    head +
    `    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - get-token
      - --environment
      - AzurePublicCloud
      - --server-id
      - ${AZURE_MOCK.aksServerId}
      - --client-id
      - 80faf920-1908-4b52-b5ef-a8e7bedfc67a
      - --tenant-id
      - ${AZURE_MOCK.tenantId}
      - --login
      - devicecode
      command: kubelogin
      env: null
      installHint: |2

        kubelogin is not installed which is required to connect to AAD enabled cluster.

        To learn more, please go to https://aka.ms/aks/kubelogin
      provideClusterInfo: false
`
  );
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export const azure: MockTables = {
  resources: {
    "azure-native:resources:ResourceGroup": (name, inputs) => ({
      name: str(inputs.resourceGroupName) ?? name,
    }),
    "azure-native:network:VirtualNetwork": (name, inputs) => ({
      name: str(inputs.virtualNetworkName) ?? name,
    }),
    "azure-native:network:Subnet": (name, inputs) => ({
      name: str(inputs.subnetName) ?? name,
    }),
    "azure-native:managedidentity:UserAssignedIdentity": (name, inputs) => ({
      name: str(inputs.resourceName) ?? name,
      clientId: mockGuid(`client/${name}`),
      principalId: mockGuid(`principal/${name}`),
      tenantId: AZURE_MOCK.tenantId,
    }),
    "azure-native:managedidentity:FederatedIdentityCredential": (name, inputs) => ({
      name: str(inputs.federatedIdentityCredentialResourceName) ?? name,
    }),
    "azure-native:authorization:RoleAssignment": (name, inputs) => ({
      name: str(inputs.roleAssignmentName) ?? mockGuid(`ra/${name}`),
    }),
    "azure-native:containerservice:ManagedCluster": (name, inputs) => {
      const clusterName = str(inputs.resourceName) ?? name;
      const location = str(inputs.location) ?? "westeurope";
      const dnsPrefix = str(inputs.dnsPrefix) ?? clusterName;
      const fqdn = mockAksFqdn(dnsPrefix, location);
      const access = (inputs.apiServerAccessProfile as Record<string, unknown> | undefined) ?? {};
      return {
        name: clusterName,
        fqdn,
        azurePortalFQDN: fqdn,
        // AKS sets privateFQDN only on private clusters: "<prefix>-<hash>.<guid>.privatelink.<region>.azmk8s.io".
        privateFQDN: access.enablePrivateCluster === true ? mockAksPrivateFqdn(dnsPrefix, location) : "",
        // The default node resource group name, MC_<group>_<cluster>_<location>.
        nodeResourceGroup: `MC_${str(inputs.resourceGroupName) ?? "rg"}_${clusterName}_${location}`,
        currentKubernetesVersion: `${str(inputs.kubernetesVersion) ?? "1.34"}.3`,
        oidcIssuerProfile: {
          enabled: true,
          issuerURL: `https://${location}.oic.prod-aks.azure.com/${AZURE_MOCK.tenantId}/${mockGuid(`oidc/${name}`)}/`,
        },
        provisioningState: "Succeeded",
      };
    },
    "azure-native:containerservice:AgentPool": (name, inputs) => ({
      name: str(inputs.agentPoolName) ?? name,
      provisioningState: "Succeeded",
    }),
    "azure-native:keyvault:Vault": (name, inputs) => {
      const vaultName = str(inputs.vaultName) ?? name;
      return {
        name: vaultName,
        properties: {
          ...((inputs.properties as Record<string, unknown>) ?? {}),
          vaultUri: `https://${vaultName}.vault.azure.net/`,
        },
      };
    },
    "azure-native:keyvault:Key": (name, inputs) => {
      const keyName = str(inputs.keyName) ?? name;
      const vaultUri = `https://${str(inputs.vaultName) ?? "vault"}.vault.azure.net`;
      return {
        name: keyName,
        keyUri: `${vaultUri}/keys/${keyName}`,
        keyUriWithVersion: `${vaultUri}/keys/${keyName}/0123456789abcdef0123456789abcdef`,
      };
    },
  },
  calls: {
    "azure-native:authorization:getClientConfig": () => ({
      clientId: AZURE_SESSION.clientId,
      objectId: AZURE_MOCK.objectId,
      subscriptionId: AZURE_MOCK.subscriptionId,
      tenantId: AZURE_MOCK.tenantId,
    }),
    "azure-native:network:getVirtualNetwork": (inputs) => {
      const name = str(inputs.virtualNetworkName) ?? "vnet";
      const known = AZURE_MOCK_VNETS[name] ?? { addressPrefixes: ["10.100.0.0/16"], peerings: [] };
      return {
        name,
        addressSpace: { addressPrefixes: known.addressPrefixes },
        virtualNetworkPeerings: known.peerings.map((p) => ({
          name: p.name,
          remoteVirtualNetwork: { id: p.remoteId },
          remoteAddressSpace: { addressPrefixes: p.remotePrefixes },
          remoteVirtualNetworkAddressSpace: { addressPrefixes: p.remotePrefixes },
        })),
      };
    },
    "azure-native:containerservice:listManagedClusterUserCredentials": (inputs) => {
      const clusterName = str(inputs.resourceName) ?? "cluster";
      const server = `https://${mockAksFqdn(clusterName, "westeurope")}:443`;
      const kubeconfig = mockAksUserKubeconfig(clusterName, server, str(inputs.format));
      return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(kubeconfig).toString("base64") }] };
    },
  },
};
