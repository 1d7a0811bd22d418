/**
 * EKS test fixtures: prod and dev settings (built by the config parser, see ./settings.ts), the
 * evaluated component (Pulumi mocks), JSON helpers.
 */
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "../../components/cluster/eks";
import { BoundIdentity, EksSettings } from "../../components/cluster/types";
import { ProgramRun, RecordedResource, runResources } from "../../offline/mocks";
import { MOCK_AWS_ACCOUNT } from "../../offline/mock-state/aws";
import { FixtureOptions, RawEks, eksSettings } from "./settings";

export const ACCOUNT = MOCK_AWS_ACCOUNT;
export const ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";
export const ISSUER_HOST_PATH = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";
export const OIDC_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_HOST_PATH}`;

/** The stack options of the prod and dev fixtures (profile, stack name, top-level tags). */
export const PROD: FixtureOptions = { profile: "prod", stack: "prod", tags: { environment: "prod" } };
export const DEV: FixtureOptions = { profile: "dev", stack: "dev", tags: { environment: "dev" } };

/** The prod fixture's raw `cluster` keys: a private endpoint reached through a transit gateway. */
export const PROD_EKS: RawEks = {
  clusterName: "kp-prod",
  kubernetesVersion: "1.34",
  protect: true,
  nodePools: [
    {
      name: "general",
      machineType: "m7i.large",
      // Pulumi.prod.yaml's general pool: its per-zone split would change with the zone count.
      minNodes: 3,
      maxNodes: 12,
      diskSizeGb: 100,
      labels: { "kube-platform/pool": "general" },
      taints: [],
    },
    {
      name: "batch",
      machineType: "m7g.xlarge",
      minNodes: 0,
      maxNodes: 6,
      diskSizeGb: 80,
      labels: { "kube-platform/pool": "batch" },
      taints: ["dedicated=batch:NoSchedule", "spot=:PreferNoSchedule"],
    },
  ],
  region: "eu-west-1",
  vpcCidr: "10.20.0.0/16",
  availabilityZoneCount: 3,
  natGateways: "perAz",
  endpointPublicAccess: false,
  publicAccessCidrs: [],
  // A CI runner in a network connected through a transit gateway, and (later) runners inside the VPC.
  deployerNetwork: {
    cidrs: ["10.100.0.0/16"],
    securityGroupIds: ["sg-0123456789abcdef0"],
    transitGatewayId: "tgw-0123456789abcdef0",
  },
  supportType: "STANDARD",
  adminPrincipalArns: [
    `arn:aws:iam::${ACCOUNT}:role/PlatformAdmin`,
    `arn:aws:iam::${ACCOUNT}:role/BreakGlass`,
  ],
  kubeconfigRoleArn: `arn:aws:iam::${ACCOUNT}:role/PlatformAdmin`,
};

/** The dev fixture's raw `cluster` keys: a public endpoint limited to two CIDRs. */
export const DEV_EKS: RawEks = {
  clusterName: "kp-dev",
  kubernetesVersion: "1.34",
  protect: false,
  nodePools: [
    {
      name: "general",
      machineType: "t3.large",
      minNodes: 1,
      maxNodes: 3,
      diskSizeGb: 40,
      labels: {},
      taints: [],
    },
  ],
  region: "eu-west-1",
  vpcCidr: "10.30.0.0/16",
  availabilityZoneCount: 2,
  natGateways: "single",
  endpointPublicAccess: true,
  publicAccessCidrs: ["198.19.100.0/24", "198.18.113.7/32"],
  supportType: "EXTENDED",
  adminPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/Developer`],
  kubeconfigProfile: "kp-dev",
};

/** The prod fixture with some raw keys replaced, as config parses it. */
export const prodWith = (cluster: RawEks): EksSettings => eksSettings({ ...PROD_EKS, ...cluster }, PROD);

export const prodSettings: EksSettings = prodWith({});
export const devSettings: EksSettings = eksSettings(DEV_EKS, DEV);

/** Evaluates the component (plus, optionally, an IRSA binding and an unseal key for Vault). */
export function evaluate(settings: EksSettings, stack: string, withVault = false): Promise<ProgramRun> {
  return runResources(
    () => {
      const c = new EksCluster("kp", settings);
      const autoscaling = c.nodeAutoscaling;
      const ca = autoscaling.kind === "cluster-autoscaler" ? autoscaling : undefined;
      const out: Record<string, unknown> = {
        kubeconfig: c.kubeconfig,
        clusterName: c.clusterName,
        defaultStorageClass: c.defaultStorageClass,
        readyUrns: pulumi.all(c.ready.map((r) => r.urn)),
        storageReadyUrns: pulumi.all(c.storageReady.map((r) => r.urn)),
        asgArns: ca?.autoScalingGroupArns,
        autoscalerClusterName: ca?.clusterName,
        contract: {
          target: c.target,
          region: c.region,
          loadBalancer: c.loadBalancer,
          hasMetricsApi: c.hasMetricsApi,
          autoscalingKind: c.nodeAutoscaling.kind,
          autoscalingRegion: ca?.region,
          mechanism: c.workloadIdentity.mechanism,
        },
      };
      if (withVault) {
        const vault = new pulumi.ComponentResource("test:index:Vault", "vault");
        const identity: BoundIdentity = c.workloadIdentity.bindServiceAccount(
          "vault",
          { namespace: "vault", name: "vault-server" },
          vault,
        );
        out.annotations = identity.serviceAccountAnnotations;
        out.podLabels = identity.podLabels;
        out.principal = identity.principal;
        out.seal = c.unsealKms.createUnsealKey("vault", identity, vault);
        out.vaultUrn = vault.urn;
      }
      return out;
    },
    { stack },
  );
}

export type Json = Record<string, unknown>;
export const obj = (v: unknown) => v as Json;
export const policyOf = (r: RecordedResource, key = "policy") => JSON.parse(String(r.inputs[key])) as Json;
export const statements = (policy: Json) => policy.Statement as Json[];
/** The node groups by name ("kp-<pool>.<zone index>"): they register in no fixed order. */
export const nodeGroups = (run: ProgramRun) =>
  [...run.ofType("aws:eks/nodeGroup:NodeGroup")].sort((a, b) => a.name.localeCompare(b.name));
