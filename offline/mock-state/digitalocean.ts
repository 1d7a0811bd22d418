import { createHash } from "crypto";
import { MockTables } from "./types";

/** DOKS releases the mocked API knows, newest first per minor. */
export const DOKS_MOCK_VERSIONS = ["1.35.0-do.0", "1.34.1-do.0", "1.34.0-do.2", "1.33.5-do.1", "1.32.9-do.3"];

export const DO_MOCK = {
  caCertificate: Buffer.from("-----BEGIN CERTIFICATE-----\nMIIDOKS\n-----END CERTIFICATE-----\n").toString(
    "base64",
  ),
  /** The short-lived token the provider stores in kubeConfigs (expires after 7 days). */
  token: "dop_v1_mocktoken_expires_in_seven_days",
};

function mockUuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The API endpoint DigitalOcean gives the cluster registered as `name`. */
export function mockDoksEndpoint(name: string): string {
  return `https://${mockUuid(`doks/${name}`)}.k8s.ondigitalocean.com`;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export const digitalocean: MockTables = {
  resources: {
    "digitalocean:index/vpc:Vpc": (name, inputs) => ({
      name: str(inputs.name) ?? name,
      vpcUrn: `do:vpc:${mockUuid(`vpc/${name}`)}`,
      default: false,
    }),
    "digitalocean:index/kubernetesCluster:KubernetesCluster": (name, inputs) => {
      const clusterName = str(inputs.name) ?? name;
      const endpoint = mockDoksEndpoint(name);
      const pool = (inputs.nodePool as Record<string, unknown>) ?? {};
      const rawConfig = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${DO_MOCK.caCertificate}
    server: ${endpoint}
  name: do-${str(inputs.region)}-${clusterName}
contexts:
- context:
    cluster: do-${str(inputs.region)}-${clusterName}
    user: do-${str(inputs.region)}-${clusterName}-admin
  name: do-${str(inputs.region)}-${clusterName}
current-context: do-${str(inputs.region)}-${clusterName}
users:
- name: do-${str(inputs.region)}-${clusterName}-admin
  user:
    token: ${DO_MOCK.token}
`;
      return {
        name: clusterName,
        endpoint,
        ipv4Address: "203.0.113.10",
        status: "running",
        clusterSubnet: "10.244.0.0/16",
        serviceSubnet: "10.245.0.0/16",
        clusterUrn: `do:kubernetes:${mockUuid(`doks/${name}`)}`,
        nodePool: { ...pool, id: mockUuid(`pool/${name}`), actualNodeCount: pool.nodeCount ?? pool.minNodes },
        kubeConfigs: [
          {
            clusterCaCertificate: DO_MOCK.caCertificate,
            host: endpoint,
            rawConfig,
            token: DO_MOCK.token,
            expiresAt: "2026-09-01T00:00:00Z",
            clientCertificate: "",
            clientKey: "",
          },
        ],
      };
    },
    "digitalocean:index/kubernetesNodePool:KubernetesNodePool": (name, inputs) => ({
      name: str(inputs.name) ?? name,
      actualNodeCount: inputs.nodeCount ?? inputs.minNodes,
    }),
  },
  calls: {
    "digitalocean:index/getKubernetesVersions:getKubernetesVersions": (inputs) => {
      const prefix = str(inputs.versionPrefix) ?? "";
      const validVersions = DOKS_MOCK_VERSIONS.filter((v) => v.startsWith(prefix));
      return {
        id: `versions-${prefix}`,
        versionPrefix: prefix,
        latestVersion: validVersions[0] ?? "",
        validVersions,
      };
    },
  },
};
