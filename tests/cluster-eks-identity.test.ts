/**
 * The EksCluster's workload identity per `cluster.workloadIdentity`: EKS Pod Identity (the default) and
 * IRSA — the agent add-on, the associations, the roles' trust (compared whole), the EBS CSI add-on's
 * identity, what the ServiceAccount annotations wait for, and a switch that updates the roles in place.
 */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  EksCluster,
  POD_IDENTITY_PRINCIPAL,
  irsaTrustPolicy,
  podIdentityTrustPolicy,
} from "../components/cluster/eks";
import { ebsCsiIdentityArgs } from "../components/cluster/eks/addons";
import { workloadIdentityIssuer } from "../components/cluster/eks/identity";
import { BoundIdentity, EksSettings, ServiceAccountRef } from "../components/cluster/types";
import { ProgramRun, RecordedResource, runResources, underTest } from "../offline/mocks";
import { evaluate as evaluateRules } from "../rules";
import { eksPodIdentityAgent, eksPodIdentityTrust } from "../rules/cluster";
import {
  ACCOUNT,
  ISSUER,
  OIDC_PROVIDER_ARN,
  Json,
  nodeGroups,
  prodSettings,
  prodWith,
} from "./helpers/eks-cluster";

const CLUSTER_ARN = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/kp-prod`;
const VAULT_SA: ServiceAccountRef = { namespace: "vault", name: "vault-server" };
const CA_SA: ServiceAccountRef = { namespace: "cluster-autoscaler", name: "cluster-autoscaler" };
const DNS_SA: ServiceAccountRef = { namespace: "external-dns", name: "external-dns" };
const EBS_SA: ServiceAccountRef = { namespace: "kube-system", name: "ebs-csi-controller-sa" };

const T = {
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
function evaluate(settings: EksSettings): Promise<ProgramRun> {
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

const trustOf = (r: RecordedResource) => JSON.parse(String(r.inputs.assumeRolePolicy)) as Json;
const addonNamed = (run: ProgramRun, addonName: string) =>
  run.ofType(T.addon).find((a) => a.inputs.addonName === addonName);
/** The roles of ServiceAccounts (not the cluster's and nodes' service roles). */
const workloadRoles = (run: ProgramRun) =>
  run.ofType(T.role).filter((r) => !/Service":"(eks|ec2)\./.test(String(r.inputs.assumeRolePolicy)));

describe("EKS workload identity", function () {
  const podIdentitySettings = prodSettings;
  const irsaSettings = prodWith({ workloadIdentity: "irsa" });
  let pod: ProgramRun;
  let irsa: ProgramRun;

  before(async function () {
    pod = await evaluate(podIdentitySettings);
    irsa = await evaluate(irsaSettings);
  });

  it("is EKS Pod Identity unless the stack asks for IRSA; the contract names the mechanism", function () {
    assert.strictEqual(podIdentitySettings.workloadIdentity, "podIdentity");
    assert.strictEqual(pod.outputs.mechanism, "eks-pod-identity");
    assert.strictEqual(irsa.outputs.mechanism, "irsa");
  });

  describe("trust policies (pure)", function () {
    it("Pod Identity: pods.eks.amazonaws.com, AssumeRole and TagSession, pinned to the cluster, namespace and ServiceAccount", function () {
      assert.strictEqual(POD_IDENTITY_PRINCIPAL, "pods.eks.amazonaws.com");
      assert.deepStrictEqual(JSON.parse(podIdentityTrustPolicy(CLUSTER_ARN, VAULT_SA)), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EksPodIdentityForOneServiceAccount",
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: {
              StringEquals: {
                "aws:RequestTag/eks-cluster-arn": CLUSTER_ARN,
                "aws:RequestTag/kubernetes-namespace": "vault",
                "aws:RequestTag/kubernetes-service-account": "vault-server",
              },
            },
          },
        ],
      });
    });
  });

  describe("with Pod Identity", function () {
    it("installs the agent add-on before the node groups, and puts it in `ready`", function () {
      const agent = addonNamed(pod, "eks-pod-identity-agent");
      assert.ok(agent);
      assert.strictEqual(agent.name, "kp-eks-pod-identity-agent");
      assert.strictEqual(agent.inputs.clusterName, "kp-prod");
      assert.strictEqual(
        agent.inputs.addonVersion,
        "v1.34.0-eksbuild.1",
        "the default for the cluster version",
      );
      assert.strictEqual(agent.inputs.serviceAccountRoleArn, undefined, "it uses the node role");
      for (const ng of nodeGroups(pod)) assert.ok(ng.dependsOn.includes(agent.urn), ng.name);
      assert.ok((pod.outputs.readyUrns as string[]).includes(agent.urn));
      assert.strictEqual(addonNamed(irsa, "eks-pod-identity-agent"), undefined);
    });

    it("associates each bound ServiceAccount with its role, session tags on, after the agent", function () {
      const agent = addonNamed(pod, "eks-pod-identity-agent");
      assert.ok(agent);
      const associations = pod.ofType(T.association);
      const names = associations.map((a) => a.name);
      for (const name of ["ca-pod-identity", "dns-pod-identity", "vault-pod-identity"])
        assert.ok(names.includes(name), name);
      const vault = pod.one(T.association, "vault-pod-identity");
      assert.deepStrictEqual(vault.inputs, {
        clusterName: "kp-prod",
        namespace: "vault",
        serviceAccount: "vault-server",
        roleArn: pod.outputs.vaultPrincipal,
        disableSessionTags: false,
      });
      assert.strictEqual(pod.byUrn(vault.parent).name, "addons", "a child of the binding's parent");
      assert.strictEqual(pod.providerUrn(vault), pod.one("pulumi:providers:aws").urn);
      for (const a of associations) {
        assert.ok(a.dependsOn.includes(agent.urn), `${a.name} waits for the agent`);
        const role = pod.one(T.role, `${a.name.replace(/-pod-identity$/, "")}-irsa`);
        assert.ok(a.dependsOn.includes(role.urn), `${a.name} after its role`);
      }
    });

    it("each role trusts Pod Identity for its own ServiceAccount only; no role trusts the OIDC provider", function () {
      const expected: [string, ServiceAccountRef][] = [
        ["vault-irsa", VAULT_SA],
        ["ca-irsa", CA_SA],
        ["dns-irsa", DNS_SA],
        ["kp-ebs-csi-irsa", EBS_SA],
      ];
      for (const [name, sa] of expected) {
        const role = pod.one(T.role, name);
        assert.deepStrictEqual(trustOf(role), JSON.parse(podIdentityTrustPolicy(CLUSTER_ARN, sa)), name);
        assert.strictEqual(
          role.inputs.description,
          `EKS Pod Identity for ServiceAccount ${sa.namespace}/${sa.name} of EKS kp-prod`,
        );
      }
      // The cluster's own bindings (its controllers') too: every association's role trusts exactly it.
      for (const a of pod.ofType(T.association)) {
        const [role, ...more] = pod.ofType(T.role).filter((r) => a.dependsOn.includes(r.urn));
        assert.deepStrictEqual(more, [], a.name);
        const sa = { namespace: String(a.inputs.namespace), name: String(a.inputs.serviceAccount) };
        assert.deepStrictEqual(trustOf(role), JSON.parse(podIdentityTrustPolicy(CLUSTER_ARN, sa)), a.name);
      }
      // One role per association, and the EBS CSI driver's.
      assert.strictEqual(workloadRoles(pod).length, pod.ofType(T.association).length + 1);
      for (const role of pod.ofType(T.role))
        assert.doesNotMatch(String(role.inputs.assumeRolePolicy), /Federated/);
      // The OIDC provider stays: the add-ons' serviceAccountRoleArn and a switch back to IRSA use it.
      assert.strictEqual(pod.one(T.oidc).inputs.url, ISSUER);
    });

    it("the EBS CSI add-on owns its association (no association of the program's for its ServiceAccount)", function () {
      const csi = addonNamed(pod, "aws-ebs-csi-driver");
      const agent = addonNamed(pod, "eks-pod-identity-agent");
      assert.ok(csi && agent);
      const roleArn = `arn:aws:iam::${ACCOUNT}:role/${String(pod.one(T.role, "kp-ebs-csi-irsa").inputs.namePrefix)}`;
      assert.match(String(csi.inputs.serviceAccountRoleArn), new RegExp(`^${roleArn}`));
      assert.deepStrictEqual(csi.inputs.podIdentityAssociations, [
        { roleArn: csi.inputs.serviceAccountRoleArn, serviceAccount: "ebs-csi-controller-sa" },
      ]);
      assert.ok(csi.dependsOn.includes(agent.urn), "the driver's pods need the agent");
      assert.ok(
        pod.ofType(T.association).every((a) => a.inputs.serviceAccount !== "ebs-csi-controller-sa"),
        "never an EKS-owned and a program-owned association for one ServiceAccount",
      );
    });

    it("the annotations are empty and resolve only after the association has propagated (and the inline policy exists)", function () {
      assert.deepStrictEqual(pod.outputs.vaultAnnotations, {});
      assert.deepStrictEqual(pod.outputs.caAnnotations, {});
      assert.deepStrictEqual(pod.outputs.podLabels, [{}, {}, {}]);
      for (const binding of ["vault", "ca", "dns"]) {
        const association = pod.one(T.association, `${binding}-pod-identity`);
        const wait = pod.one(T.sleep, `${binding}-pod-identity-propagation`);
        assert.deepStrictEqual(wait.inputs, {
          createDuration: "30s",
          triggers: { association: `${association.name}-id` },
        });
        assert.ok(wait.dependsOn.includes(association.urn));
        const sa = pod.one(T.serviceAccount, `${binding}-sa`);
        assert.ok(sa.dependsOn.includes(wait.urn), `${binding}: the annotations wait for the propagation`);
      }
      for (const [binding, policy] of [
        ["ca", "ca-autoscaling"],
        ["dns", "dns-route53"],
      ]) {
        const sa = pod.one(T.serviceAccount, `${binding}-sa`);
        assert.ok(sa.dependsOn.includes(pod.one(T.rolePolicy, policy).urn), `${binding}: after its policy`);
      }
    });

    it("the issuer refuses Pod Identity without the agent", function () {
      const issuerArgs = {
        cluster: undefined as never,
        oidcProviderArn: pulumi.output(OIDC_PROVIDER_ARN),
        oidcIssuer: pulumi.output(ISSUER),
        agent: undefined,
        provider: undefined as never,
      };
      assert.throws(
        () => workloadIdentityIssuer({ clusterName: "kp-prod", workloadIdentity: "podIdentity" }, issuerArgs),
        /^Error: EKS kp-prod: cluster.workloadIdentity podIdentity needs the eks-pod-identity-agent add-on$/,
      );
      assert.strictEqual(
        workloadIdentityIssuer({ clusterName: "kp-prod", workloadIdentity: "irsa" }, issuerArgs).mechanism,
        "irsa",
      );
    });
  });

  describe("with IRSA", function () {
    it("creates no agent, association or wait; the roles trust the cluster's OIDC provider for their ServiceAccount", function () {
      for (const t of [T.association, T.sleep]) assert.deepStrictEqual(irsa.ofType(t), [], t);
      const expected: [string, ServiceAccountRef][] = [
        ["vault-irsa", VAULT_SA],
        ["ca-irsa", CA_SA],
        ["dns-irsa", DNS_SA],
        ["kp-ebs-csi-irsa", EBS_SA],
      ];
      for (const [name, sa] of expected) {
        const role = irsa.one(T.role, name);
        assert.deepStrictEqual(
          trustOf(role),
          JSON.parse(irsaTrustPolicy(OIDC_PROVIDER_ARN, ISSUER, sa)),
          name,
        );
        assert.strictEqual(
          role.inputs.description,
          `IRSA for ServiceAccount ${sa.namespace}/${sa.name} of EKS kp-prod`,
        );
      }
    });

    it("annotates the ServiceAccounts with the role ARN, once the inline policy exists", function () {
      assert.deepStrictEqual(irsa.outputs.vaultAnnotations, {
        "eks.amazonaws.com/role-arn": irsa.outputs.vaultPrincipal,
      });
      const sa = irsa.one(T.serviceAccount, "ca-sa");
      assert.ok(sa.dependsOn.includes(irsa.one(T.rolePolicy, "ca-autoscaling").urn));
    });

    it("the EBS CSI add-on names its role and has no associations", function () {
      const csi = addonNamed(irsa, "aws-ebs-csi-driver");
      assert.ok(csi);
      assert.match(
        String(csi.inputs.serviceAccountRoleArn),
        /^arn:aws:iam::\d{12}:role\/kp-prod-ebs-csi-controller-sa-/,
      );
      assert.strictEqual(csi.inputs.podIdentityAssociations, undefined);
    });

    it("ebsCsiIdentityArgs: the role ARN with both mechanisms, the add-on's association with Pod Identity only", function () {
      const arn = pulumi.output("arn:aws:iam::111122223333:role/ebs");
      assert.deepStrictEqual(Object.keys(ebsCsiIdentityArgs({ mechanism: "irsa" }, arn)), [
        "serviceAccountRoleArn",
      ]);
      assert.deepStrictEqual(Object.keys(ebsCsiIdentityArgs({ mechanism: "podIdentity" }, arn)), [
        "serviceAccountRoleArn",
        "podIdentityAssociations",
      ]);
    });
  });

  describe("the Pod Identity rules over what the cluster registers", function () {
    const rules = [eksPodIdentityAgent, eksPodIdentityTrust];
    it("pass with Pod Identity and with IRSA", function () {
      assert.deepStrictEqual(evaluateRules(pod.resources.map(underTest), { profile: "prod" }, rules), []);
      assert.deepStrictEqual(evaluateRules(irsa.resources.map(underTest), { profile: "prod" }, rules), []);
    });

    it("see each association's role: an IRSA trust left on it, or a missing agent, is reported", function () {
      const swapped = pod.resources
        .map(underTest)
        .map((r) => (r.name === "vault-irsa" ? { ...r, inputs: irsa.one(T.role, "vault-irsa").inputs } : r));
      assert.deepStrictEqual(
        evaluateRules(swapped, { profile: "prod" }, rules).map((v) => [v.ruleId, v.resource]),
        [
          [
            "eks-pod-identity-trust",
            "aws:eks/podIdentityAssociation:PodIdentityAssociation vault-pod-identity",
          ],
        ],
      );
      const noAgent = pod.resources
        .map(underTest)
        .filter((r) => r.inputs.addonName !== "eks-pod-identity-agent");
      const found = evaluateRules(noAgent, { profile: "prod" }, rules);
      assert.ok(found.length > 0 && found.every((v) => v.ruleId === "eks-pod-identity-agent"));
      assert.ok(found.some((v) => v.resource === "aws:eks/addon:Addon kp-aws-ebs-csi-driver"));
    });
  });

  describe("switching an existing stack between the mechanisms", function () {
    const byUrn = (run: ProgramRun, type: string, keys: string[]) =>
      Object.fromEntries(
        run.ofType(type).map((r) => [r.urn, Object.fromEntries(keys.map((k) => [k, r.inputs[k]]))] as const),
      );

    it("updates every role in place: same URNs and name prefixes (same ARNs), only trust and description change", function () {
      const before = byUrn(irsa, T.role, ["namePrefix"]);
      const after = byUrn(pod, T.role, ["namePrefix"]);
      assert.deepStrictEqual(after, before);
      assert.strictEqual(pod.outputs.vaultPrincipal, irsa.outputs.vaultPrincipal);
      const changed = pod
        .ofType(T.role)
        .filter((r) => r.inputs.assumeRolePolicy !== irsa.byUrn(r.urn).inputs.assumeRolePolicy)
        .map((r) => r.name)
        .sort();
      assert.deepStrictEqual(
        changed,
        workloadRoles(pod)
          .map((r) => r.name)
          .sort(),
      );
      for (const name of ["ca-irsa", "dns-irsa", "kp-ebs-csi-irsa", "vault-irsa"])
        assert.ok(changed.includes(name));
    });

    it("keeps the unseal key, its policy and the add-ons (the same resources, updated in place)", function () {
      assert.deepStrictEqual(byUrn(pod, T.kmsKey, ["policy"]), byUrn(irsa, T.kmsKey, ["policy"]));
      assert.deepStrictEqual(pod.outputs.seal, irsa.outputs.seal);
      const addonUrns = (run: ProgramRun) => run.ofType(T.addon).map((a) => a.urn);
      assert.deepStrictEqual(
        addonUrns(pod).filter((u) => !u.endsWith("::kp-eks-pod-identity-agent")),
        addonUrns(irsa),
      );
      const csi = (run: ProgramRun) => addonNamed(run, "aws-ebs-csi-driver")?.inputs.serviceAccountRoleArn;
      assert.strictEqual(
        csi(pod),
        csi(irsa),
        "the role ARN stays set: unsetting it fails on an existing add-on",
      );
    });
  });
});
