/**
 * Fixtures of the EKS workload identity tests (tests/cluster-eks-identity*.test.ts): the Pod Identity
 * trust of a ServiceAccount, the add-ons' ServiceAccounts, the cluster run with the bindings the add-ons
 * make (Pod Identity and IRSA), and probes of what it records.
 */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster, WorkloadTrust, workloadTrustDocument } from "../../components/cluster/eks";
import { BoundIdentity, EksSettings, ServiceAccountRef } from "../../components/cluster/types";
import { ProgramRun, RecordedResource, runResources } from "../../offline/mocks";
import { ACCOUNT, ISSUER, OIDC_PROVIDER_ARN, Json, prodSettings, prodWith } from "./eks-cluster";

export const CLUSTER_ARN = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/kp-prod`;
/** What the cluster's roles trust with Pod Identity (iam.ts workloadTrustDocument). */
export const POD_TRUST: WorkloadTrust = {
  mechanism: "podIdentity",
  clusterArn: CLUSTER_ARN,
  oidcProviderArn: OIDC_PROVIDER_ARN,
  issuerUrl: ISSUER,
};
export const podTrustOf = (sa: ServiceAccountRef): Json =>
  JSON.parse(workloadTrustDocument(POD_TRUST, sa)) as Json;
export const VAULT_SA: ServiceAccountRef = { namespace: "vault", name: "vault-server" };
export const CA_SA: ServiceAccountRef = { namespace: "cluster-autoscaler", name: "cluster-autoscaler" };
export const DNS_SA: ServiceAccountRef = { namespace: "external-dns", name: "external-dns" };
export const EBS_SA: ServiceAccountRef = { namespace: "kube-system", name: "ebs-csi-controller-sa" };

export const T = {
  addon: "aws:eks/addon:Addon",
  association: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  sleep: "time:index/sleep:Sleep",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  kmsKey: "aws:kms/key:Key",
  oidc: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
};

/**
 * The cluster with the bindings the add-ons make through the contract (Vault's with its unseal key,
 * cluster-autoscaler's, external-dns's), each annotation put on a ServiceAccount so the run records
 * what it waits for.
 */
export function evaluate(settings: EksSettings): Promise<ProgramRun> {
  return runResources(
    () => {
      const c = new EksCluster("kp", settings);
      const addons = new pulumi.ComponentResource("test:index:Addons", "addons");
      const annotate = (name: string, identity: BoundIdentity) =>
        new k8s.core.v1.ServiceAccount(
          name,
          { metadata: { name, namespace: "test", annotations: identity.serviceAccountAnnotations } },
          { parent: addons, provider: c.provider },
        );
      const vault = c.workloadIdentity.bindServiceAccount("vault", VAULT_SA, addons);
      const autoscaling = c.nodeAutoscaling;
      assert.ok(autoscaling.kind === "cluster-autoscaler");
      const ca = autoscaling.bindServiceAccount("ca", CA_SA, addons);
      assert.ok(c.dns.kind === "cloud");
      const dns = c.dns.bindServiceAccount(
        "dns",
        DNS_SA,
        [{ name: "example.com", id: "Z123" }],
        "external-dns",
        addons,
      );
      annotate("vault-sa", vault);
      annotate("ca-sa", ca);
      annotate("dns-sa", dns);
      return {
        mechanism: c.workloadIdentity.mechanism,
        readyUrns: pulumi.all(c.ready.map((r) => r.urn)),
        vaultAnnotations: vault.serviceAccountAnnotations,
        caAnnotations: ca.serviceAccountAnnotations,
        vaultPrincipal: vault.principal,
        podLabels: [vault.podLabels, ca.podLabels, dns.podLabels],
        seal: c.unsealKms.createUnsealKey("vault", vault, addons),
      };
    },
    { stack: "prod" },
  );
}

export const trustOf = (r: RecordedResource) => JSON.parse(String(r.inputs.assumeRolePolicy)) as Json;
export const addonNamed = (run: ProgramRun, addonName: string) =>
  run.ofType(T.addon).find((a) => a.inputs.addonName === addonName);
/** The roles of ServiceAccounts (not the cluster's and nodes' service roles). */
export const workloadRoles = (run: ProgramRun) =>
  run.ofType(T.role).filter((r) => !/Service":"(eks|ec2)\./.test(String(r.inputs.assumeRolePolicy)));

/** The stack's default mechanism (Pod Identity) and the one asking for IRSA. */
export const podIdentitySettings = prodSettings;
export const irsaSettings = prodWith({ workloadIdentity: "irsa" });

let mechanisms: Promise<{ pod: ProgramRun; irsa: ProgramRun }> | undefined;

/**
 * The cluster run with Pod Identity and with IRSA (one after the other), evaluated once for every
 * test file that reads them.
 */
export function evaluateMechanisms(): Promise<{ pod: ProgramRun; irsa: ProgramRun }> {
  mechanisms ??= (async () => {
    const pod = await evaluate(podIdentitySettings);
    const irsa = await evaluate(irsaSettings);
    return { pod, irsa };
  })();
  return mechanisms;
}
