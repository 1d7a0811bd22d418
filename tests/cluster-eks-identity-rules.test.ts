/**
 * The EksCluster's workload identity (tests/cluster-eks-identity.test.ts), checked: the Pod Identity
 * rules over what the cluster registers, the trust rule on one role both ways, and a switch of an
 * existing stack between Pod Identity and IRSA that updates the roles in place.
 */
import * as assert from "assert";
import { irsaTrustPolicy, workloadTrustDocument } from "../components/cluster/eks";
import { ProgramRun, underTest } from "../offline/mocks";
import { evaluate as evaluateRules } from "../rules";
import { eksPodIdentityAgent, eksPodIdentityTrust } from "../rules/cluster";
import { podIdentityTrustProblems } from "../rules/cluster/eks-identity";
import { ISSUER, ISSUER_HOST_PATH, OIDC_PROVIDER_ARN, Json } from "./helpers/eks-cluster";
import {
  EBS_SA,
  POD_TRUST,
  T,
  VAULT_SA,
  addonNamed,
  evaluateMechanisms,
  podTrustOf,
  workloadRoles,
} from "./helpers/eks-identity-fixtures";

describe("EKS workload identity", function () {
  let pod: ProgramRun;
  let irsa: ProgramRun;

  before(async function () {
    ({ pod, irsa } = await evaluateMechanisms());
  });

  describe("the Pod Identity rules over what the cluster registers", function () {
    const rules = [eksPodIdentityAgent, eksPodIdentityTrust];
    it("pass with Pod Identity and with IRSA", function () {
      assert.deepStrictEqual(evaluateRules(pod.resources.map(underTest), { profile: "prod" }, rules), []);
      assert.deepStrictEqual(evaluateRules(irsa.resources.map(underTest), { profile: "prod" }, rules), []);
    });

    it("see each association's role: an IRSA-only trust on it, or a missing agent, is reported", function () {
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

  describe("the trust rule on one role (podIdentityTrustProblems), both ways", function () {
    const vault = { namespace: "vault", serviceAccount: "vault-server" };
    const SUB = `${ISSUER_HOST_PATH}:sub`;
    const AUD = `${ISSUER_HOST_PATH}:aud`;
    /** The program's trust of Vault's role with its statement `index` changed. */
    const changed = (index: number, change: (statement: Json) => void): Json => {
      const doc = podTrustOf(VAULT_SA);
      change((doc.Statement as Json[])[index]);
      return doc;
    };
    const equals = (statement: Json) => (statement.Condition as { StringEquals: Json }).StringEquals;

    it("accepts Pod Identity with IRSA for the same ServiceAccount (and an add-on's association, namespace unknown)", function () {
      assert.deepStrictEqual(podIdentityTrustProblems(workloadTrustDocument(POD_TRUST, VAULT_SA), vault), []);
      assert.deepStrictEqual(
        podIdentityTrustProblems(workloadTrustDocument(POD_TRUST, EBS_SA), {
          serviceAccount: "ebs-csi-controller-sa",
        }),
        [],
      );
    });

    it("refuses the IRSA statement of another ServiceAccount, namespace or audience, with more actions or principals", function () {
      const cases: [Json, string[]][] = [
        [
          changed(1, (st) => (equals(st)[SUB] = "system:serviceaccount:vault:other")),
          [
            `the IRSA statement's ${SUB} is "system:serviceaccount:vault:other", not system:serviceaccount:vault:vault-server (StringEquals)`,
          ],
        ],
        [
          changed(1, (st) => (equals(st)[SUB] = "system:serviceaccount:default:vault-server")),
          [
            `the IRSA statement's ${SUB} is "system:serviceaccount:default:vault-server", not system:serviceaccount:vault:vault-server (StringEquals)`,
          ],
        ],
        [
          changed(1, (st) => delete equals(st)[AUD]),
          [`the IRSA statement's ${AUD} is not pinned to one value (StringEquals)`],
        ],
        [
          changed(1, (st) => (st.Action = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"])),
          [
            'the IRSA statement allows ["sts:AssumeRoleWithWebIdentity","sts:TagSession"], not only sts:AssumeRoleWithWebIdentity',
          ],
        ],
        [
          changed(1, (st) => (st.Principal = { AWS: "*" })),
          [
            'it trusts {"AWS":"*"} beside pods.eks.amazonaws.com: only the IRSA statement of the same ServiceAccount may stay',
          ],
        ],
      ];
      for (const [trust, problems] of cases)
        assert.deepStrictEqual(podIdentityTrustProblems(trust, vault), problems);
    });

    it("still refuses Pod Identity without the session-tag conditions, and IRSA alone", function () {
      assert.deepStrictEqual(
        podIdentityTrustProblems(
          changed(0, (st) => delete st.Condition),
          vault,
        ),
        [
          "aws:RequestTag/eks-cluster-arn is not pinned to one value (StringEquals)",
          "aws:RequestTag/kubernetes-namespace is not pinned to one value (StringEquals)",
          "aws:RequestTag/kubernetes-service-account is not pinned to one value (StringEquals)",
        ],
      );
      assert.deepStrictEqual(
        podIdentityTrustProblems(irsaTrustPolicy(OIDC_PROVIDER_ARN, ISSUER, VAULT_SA), vault),
        ["the role's trust does not allow pods.eks.amazonaws.com"],
      );
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
