/**
 * The EksCluster's workload identity per `cluster.workloadIdentity`: EKS Pod Identity (the default) and
 * IRSA — the agent add-on, the associations, the roles' trust (compared whole), the EBS CSI add-on's
 * identity and what the ServiceAccount annotations wait for. The rules over it and a switch between
 * the mechanisms: tests/cluster-eks-identity-rules.test.ts.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
  POD_IDENTITY_PRINCIPAL,
  WorkloadTrust,
  irsaTrustPolicy,
  workloadTrustDocument,
} from "../components/cluster/eks";
import { ebsCsiIdentityArgs } from "../components/cluster/eks/addons";
import { workloadIdentityIssuer } from "../components/cluster/eks/identity";
import { ServiceAccountRef } from "../components/cluster/types";
import { ProgramRun } from "../offline/mocks";
import {
  ACCOUNT,
  ISSUER,
  ISSUER_HOST_PATH,
  OIDC_PROVIDER_ARN,
  Json,
  nodeGroups,
} from "./helpers/eks-cluster";
import {
  CA_SA,
  CLUSTER_ARN,
  DNS_SA,
  EBS_SA,
  POD_TRUST,
  T,
  VAULT_SA,
  addonNamed,
  evaluateMechanisms,
  podIdentitySettings,
  podTrustOf,
  trustOf,
  workloadRoles,
} from "./helpers/eks-identity-fixtures";

describe("EKS workload identity", function () {
  let pod: ProgramRun;
  let irsa: ProgramRun;

  before(async function () {
    ({ pod, irsa } = await evaluateMechanisms());
  });

  it("is EKS Pod Identity unless the stack asks for IRSA; the contract names the mechanism", function () {
    assert.strictEqual(podIdentitySettings.workloadIdentity, "podIdentity");
    assert.strictEqual(pod.outputs.mechanism, "eks-pod-identity");
    assert.strictEqual(irsa.outputs.mechanism, "irsa");
  });

  describe("trust policies (pure)", function () {
    it("Pod Identity: pods.eks.amazonaws.com pinned to the cluster, namespace and ServiceAccount, and IRSA for the same ServiceAccount", function () {
      assert.strictEqual(POD_IDENTITY_PRINCIPAL, "pods.eks.amazonaws.com");
      assert.deepStrictEqual(JSON.parse(workloadTrustDocument(POD_TRUST, VAULT_SA)), {
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
          {
            Effect: "Allow",
            Principal: { Federated: OIDC_PROVIDER_ARN },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                [`${ISSUER_HOST_PATH}:sub`]: "system:serviceaccount:vault:vault-server",
                [`${ISSUER_HOST_PATH}:aud`]: "sts.amazonaws.com",
              },
            },
          },
        ],
      });
    });

    it("IRSA: the IRSA statement only, the document irsaTrustPolicy builds (an IRSA stack's roles do not change)", function () {
      const irsaTrust: WorkloadTrust = {
        mechanism: "irsa",
        oidcProviderArn: OIDC_PROVIDER_ARN,
        issuerUrl: ISSUER,
      };
      const document = workloadTrustDocument(irsaTrust, VAULT_SA);
      assert.deepStrictEqual(JSON.parse(document), {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: OIDC_PROVIDER_ARN },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                [`${ISSUER_HOST_PATH}:sub`]: "system:serviceaccount:vault:vault-server",
                [`${ISSUER_HOST_PATH}:aud`]: "sts.amazonaws.com",
              },
            },
          },
        ],
      });
      assert.strictEqual(document, irsaTrustPolicy(OIDC_PROVIDER_ARN, ISSUER, VAULT_SA));
    });

    it("both statements fit IAM's default trust policy quota (2,048 characters) for the longest names Kubernetes and EKS allow", function () {
      // A 100-character cluster name, a 63-character namespace (a DNS label), a 253-character
      // ServiceAccount name (a DNS subdomain), in GovCloud (a longer partition and region name).
      const issuer = `oidc.eks.us-gov-west-1.amazonaws.com/id/${"F".repeat(32)}`;
      const longest = workloadTrustDocument(
        {
          mechanism: "podIdentity",
          clusterArn: `arn:aws-us-gov:eks:us-gov-west-1:${ACCOUNT}:cluster/${"c".repeat(100)}`,
          oidcProviderArn: `arn:aws-us-gov:iam::${ACCOUNT}:oidc-provider/${issuer}`,
          issuerUrl: `https://${issuer}`,
        },
        { namespace: "n".repeat(63), name: "s".repeat(253) },
      );
      assert.strictEqual(longest.length, 1578);
      assert.ok(longest.length <= 2048);
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

    it("each role trusts Pod Identity and IRSA for its own ServiceAccount only, nobody else", function () {
      const expected: [string, ServiceAccountRef][] = [
        ["vault-irsa", VAULT_SA],
        ["ca-irsa", CA_SA],
        ["dns-irsa", DNS_SA],
        ["kp-ebs-csi-irsa", EBS_SA],
      ];
      for (const [name, sa] of expected) {
        const role = pod.one(T.role, name);
        assert.deepStrictEqual(trustOf(role), podTrustOf(sa), name);
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
        assert.deepStrictEqual(trustOf(role), podTrustOf(sa), a.name);
      }
      // One role per association, and the EBS CSI driver's.
      assert.strictEqual(workloadRoles(pod).length, pod.ofType(T.association).length + 1);
      // The IRSA statement of each role is the one the same role has with IRSA: nobody new is trusted.
      for (const role of workloadRoles(pod)) {
        const [, irsaStatement, ...others] = trustOf(role).Statement as Json[];
        assert.deepStrictEqual(others, [], role.name);
        assert.deepStrictEqual([irsaStatement], trustOf(irsa.byUrn(role.urn)).Statement, role.name);
      }
      // The OIDC provider stays: every role trusts it for its own ServiceAccount (pods admitted under
      // IRSA), the add-ons' serviceAccountRoleArn and a switch back to IRSA use it.
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
});
