import { MockTables } from "./types";

/** The project number getProject returns under mocks. */
export const MOCK_GCP_PROJECT_NUMBER = "123456789012";
/** The public endpoint and CA every mocked GKE cluster reports. */
export const MOCK_GKE_ENDPOINT = "203.0.113.10";
export const MOCK_GKE_CA = Buffer.from("mock-gke-cluster-ca").toString("base64");

/**
 * The email the mocked ServiceIdentity of the container API returns. The real agent is
 * service-<project number>@container-engine-robot.iam.gserviceaccount.com, the name the component
 * falls back to when the API returns none; the mock's local part differs from that fallback so that
 * tests can tell which of the two the component used.
 */
export const MOCK_GKE_SERVICE_AGENT_EMAIL = `service-${MOCK_GCP_PROJECT_NUMBER}-identity@container-engine-robot.iam.gserviceaccount.com`;

/** Service agent emails of the APIs whose ServiceIdentity the mocks answer with an email. */
const SERVICE_AGENT_EMAILS: Record<string, string> = {
  "container.googleapis.com": MOCK_GKE_SERVICE_AGENT_EMAIL,
};

const str = (v: unknown, fallback: string): string => (typeof v === "string" && v !== "" ? v : fallback);

/** Resource names the provider would auto-name (KMS keys and rings): the Pulumi name under mocks. */
const nameOf = (name: string, inputs: Record<string, unknown>): string => str(inputs.name, name);

export const gcp: MockTables = {
  resources: {
    "gcp:container/cluster:Cluster": (name, inputs) => {
      const project = str(inputs.project, "mock-project");
      const location = str(inputs.location, "europe-west1");
      const clusterName = nameOf(name, inputs);
      const masterAuth = (inputs.masterAuth ?? {}) as Record<string, unknown>;
      return {
        name: clusterName,
        id: `projects/${project}/locations/${location}/clusters/${clusterName}`,
        selfLink: `https://container.googleapis.com/v1/projects/${project}/locations/${location}/clusters/${clusterName}`,
        endpoint: MOCK_GKE_ENDPOINT,
        masterVersion: `${str(inputs.minMasterVersion, "1.34")}.1-gke.1000000`,
        masterAuth: { ...masterAuth, clusterCaCertificate: MOCK_GKE_CA },
      };
    },
    "gcp:container/nodePool:NodePool": (name, inputs) => ({
      name: nameOf(name, inputs),
      instanceGroupUrls: [],
      managedInstanceGroupUrls: [],
    }),
    "gcp:serviceaccount/account:Account": (name, inputs) => {
      const project = str(inputs.project, "mock-project");
      const accountId = str(inputs.accountId, name);
      const email = `${accountId}@${project}.iam.gserviceaccount.com`;
      return {
        email,
        name: `projects/${project}/serviceAccounts/${email}`,
        member: `serviceAccount:${email}`,
        uniqueId: "100000000000000000001",
      };
    },
    // services.generateServiceIdentity: the service agent's email where the API returns one.
    "gcp:projects/serviceIdentity:ServiceIdentity": (_name, inputs) => {
      const project = str(inputs.project, "mock-project");
      const service = str(inputs.service, "");
      const email: string | undefined = SERVICE_AGENT_EMAILS[service];
      return {
        project,
        ...(email ? { email, member: `serviceAccount:${email}` } : {}),
      };
    },
    "gcp:kms/keyRing:KeyRing": (name, inputs) => {
      const project = str(inputs.project, "mock-project");
      const ringName = nameOf(name, inputs);
      return {
        name: ringName,
        id: `projects/${project}/locations/${str(inputs.location, "global")}/keyRings/${ringName}`,
      };
    },
    "gcp:kms/cryptoKey:CryptoKey": (name, inputs) => {
      const keyName = nameOf(name, inputs);
      return { name: keyName, id: `${str(inputs.keyRing, "mock-keyring")}/cryptoKeys/${keyName}` };
    },
    "gcp:compute/network:Network": (name, inputs) => {
      const project = str(inputs.project, "mock-project");
      const netName = nameOf(name, inputs);
      return {
        name: netName,
        id: `projects/${project}/global/networks/${netName}`,
        selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/global/networks/${netName}`,
      };
    },
    "gcp:compute/subnetwork:Subnetwork": (name, inputs) => {
      const project = str(inputs.project, "mock-project");
      const region = str(inputs.region, "europe-west1");
      const subName = nameOf(name, inputs);
      return {
        name: subName,
        id: `projects/${project}/regions/${region}/subnetworks/${subName}`,
        selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}/subnetworks/${subName}`,
      };
    },
    "gcp:compute/router:Router": (name, inputs) => {
      const project = str(inputs.project, "mock-project");
      const region = str(inputs.region, "europe-west1");
      const routerName = nameOf(name, inputs);
      return {
        name: routerName,
        id: `projects/${project}/regions/${region}/routers/${routerName}`,
        selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}/routers/${routerName}`,
      };
    },
  },
  calls: {
    "gcp:organizations/getProject:getProject": (inputs) => {
      const projectId = str(inputs.projectId, "mock-project");
      return {
        projectId,
        name: projectId,
        number: MOCK_GCP_PROJECT_NUMBER,
        id: `projects/${projectId}`,
        labels: {},
        effectiveLabels: {},
        pulumiLabels: {},
        tags: {},
      };
    },
    "gcp:organizations/getClientConfig:getClientConfig": () => ({
      id: "mock-client-config",
      project: "mock-project",
      region: "europe-west1",
      zone: "europe-west1-b",
      accessToken: "mock-access-token",
      defaultLabels: {},
    }),
  },
};
