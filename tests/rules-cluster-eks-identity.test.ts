/**
 * The EKS Pod Identity rules (rules/cluster/eks-identity.ts) on hand-written trust documents and
 * associations: every problem of a Pod Identity statement and of the IRSA statement beside it, with
 * the exact message, and the agent rule.
 */
import * as assert from "assert";
import { res, stack } from "./helpers/rule-sets";
import {
  eksPodIdentityAgent,
  eksPodIdentityTrust,
  podIdentityAssociationsOf,
  podIdentityTrustProblems,
} from "../rules/cluster/eks-identity";

type Json = Record<string, unknown>;
const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/ABC";
const OIDC_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;
const SA = { namespace: "vault", serviceAccount: "vault-server" };

const podStatement = (): Json => ({
  Effect: "Allow",
  Principal: { Service: "pods.eks.amazonaws.com" },
  Action: ["sts:AssumeRole", "sts:TagSession"],
  Condition: {
    StringEquals: {
      "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:eu-west-1:123456789012:cluster/kp",
      "aws:RequestTag/kubernetes-namespace": "vault",
      "aws:RequestTag/kubernetes-service-account": "vault-server",
    },
  },
});
const irsaStatement = (): Json => ({
  Effect: "Allow",
  Principal: { Federated: OIDC_ARN },
  Action: "sts:AssumeRoleWithWebIdentity",
  Condition: {
    StringEquals: {
      [`${ISSUER}:sub`]: "system:serviceaccount:vault:vault-server",
      [`${ISSUER}:aud`]: "sts.amazonaws.com",
    },
  },
});
/** A trust document of the given statements (a JSON string, as registered). */
const doc = (...statements: Json[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const withPod = (change: (s: Json) => void) => {
  const s = podStatement();
  change(s);
  return s;
};
const withIrsa = (change: (s: Json) => void) => {
  const s = irsaStatement();
  change(s);
  return s;
};
const equalsOf = (s: Json) => (s.Condition as { StringEquals: Json }).StringEquals;
const problems = (...statements: Json[]) => podIdentityTrustProblems(doc(...statements), SA);

describe("eks-pod-identity-trust: podIdentityTrustProblems on one role", () => {
  it("accepts Pod Identity alone, with IRSA for the same ServiceAccount, an object document, and Deny statements", () => {
    assert.deepStrictEqual(problems(podStatement()), []);
    assert.deepStrictEqual(problems(podStatement(), irsaStatement()), []);
    assert.deepStrictEqual(
      podIdentityTrustProblems(
        { Statement: [podStatement(), { Effect: "Deny", Principal: "*", Action: "*" }] },
        SA,
      ),
      [],
    );
    assert.deepStrictEqual(
      problems(
        withPod((s) => (s.Principal = { Service: ["pods.eks.amazonaws.com"] })),
        withIrsa((s) => (s.Action = ["sts:AssumeRoleWithWebIdentity"])),
      ),
      [],
    );
    // An add-on's association: the namespace is unknown, any one namespace value is accepted.
    const noNs = { serviceAccount: "vault-server" };
    assert.deepStrictEqual(
      podIdentityTrustProblems(
        doc(
          withPod((s) => (equalsOf(s)["aws:RequestTag/kubernetes-namespace"] = "kube-system")),
          withIrsa((s) => (equalsOf(s)[`${ISSUER}:sub`] = "system:serviceaccount:kube-system:vault-server")),
        ),
        noNs,
      ),
      [],
    );
    assert.deepStrictEqual(podIdentityTrustProblems(doc(podStatement(), irsaStatement()), {}), []);
  });

  it("refuses a trust without an Allow for pods.eks.amazonaws.com", () => {
    const none = ["the role's trust does not allow pods.eks.amazonaws.com"];
    assert.deepStrictEqual(problems(irsaStatement()), none);
    assert.deepStrictEqual(problems(withPod((s) => (s.Effect = "Deny"))), none);
    assert.deepStrictEqual(problems(withPod((s) => (s.Principal = { Service: "ec2.amazonaws.com" }))), none);
    assert.deepStrictEqual(problems(withPod((s) => (s.Principal = "pods.eks.amazonaws.com"))), none);
    assert.deepStrictEqual(podIdentityTrustProblems("{not json", SA), none);
    assert.deepStrictEqual(podIdentityTrustProblems('"a string"', SA), none);
    assert.deepStrictEqual(podIdentityTrustProblems(42, SA), none);
    assert.deepStrictEqual(
      podIdentityTrustProblems([doc(podStatement())], SA),
      none,
      "an array is no document",
    );
  });

  it("refuses a Pod Identity statement missing an action, widened, or with conditions unpinned or wrong", () => {
    assert.deepStrictEqual(problems(withPod((s) => (s.Action = "sts:AssumeRole"))), [
      "the trust does not allow sts:TagSession",
    ]);
    assert.deepStrictEqual(problems(withPod((s) => (s.Action = []))), [
      "the trust does not allow sts:AssumeRole, sts:TagSession",
    ]);
    const widened = ["the pods.eks.amazonaws.com statement trusts other principals too"];
    assert.deepStrictEqual(
      problems(withPod((s) => (s.Principal = { Service: "pods.eks.amazonaws.com", AWS: "*" }))),
      widened,
    );
    assert.deepStrictEqual(
      problems(withPod((s) => (s.Principal = { Service: ["pods.eks.amazonaws.com", "ec2.amazonaws.com"] }))),
      widened,
    );
    assert.deepStrictEqual(
      problems(
        withPod((s) => {
          const e = equalsOf(s);
          e["aws:RequestTag/eks-cluster-arn"] = ["arn:a", "arn:b"];
          e["aws:RequestTag/kubernetes-namespace"] = "default";
          e["aws:RequestTag/kubernetes-service-account"] = ["other"];
        }),
      ),
      [
        "aws:RequestTag/eks-cluster-arn is not pinned to one value (StringEquals)",
        'aws:RequestTag/kubernetes-namespace is "default", not "vault"',
        'aws:RequestTag/kubernetes-service-account is "other", not "vault-server"',
      ],
    );
    assert.deepStrictEqual(problems(withPod((s) => (s.Condition = { StringLike: equalsOf(s) }))), [
      "aws:RequestTag/eks-cluster-arn is not pinned to one value (StringEquals)",
      "aws:RequestTag/kubernetes-namespace is not pinned to one value (StringEquals)",
      "aws:RequestTag/kubernetes-service-account is not pinned to one value (StringEquals)",
    ]);
  });

  it("refuses any other Allow beside it but the IRSA statement of the same ServiceAccount", () => {
    const other = (p: string) =>
      `it trusts ${p} beside pods.eks.amazonaws.com: only the IRSA statement of the same ServiceAccount may stay`;
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => (s.Principal = { AWS: "*" })),
      ),
      [other('{"AWS":"*"}')],
    );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => (s.Principal = { Federated: OIDC_ARN, AWS: "arn:x" })),
      ),
      [other(`{"Federated":"${OIDC_ARN}","AWS":"arn:x"}`)],
    );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => (s.Principal = { Federated: [OIDC_ARN, OIDC_ARN] })),
      ),
      [other(`{"Federated":["${OIDC_ARN}","${OIDC_ARN}"]}`)],
    );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => (s.Principal = { Federated: "arn:aws:iam::123:oidc-provider/x" })),
      ),
      [other('{"Federated":"arn:aws:iam::123:oidc-provider/x"}')],
    );
    for (const arn of [`x${OIDC_ARN}`, `${OIDC_ARN}\nx`])
      assert.deepStrictEqual(
        problems(
          podStatement(),
          withIrsa((s) => (s.Principal = { Federated: arn })),
        ),
        [other(JSON.stringify({ Federated: arn }))],
        arn,
      );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => {
          delete s.Principal;
          s.NotPrincipal = { AWS: "arn:x" };
        }),
      ),
      [other('{"AWS":"arn:x"}')],
    );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => (s.NotPrincipal = { AWS: "arn:x" })),
      ),
      [other(`{"Federated":"${OIDC_ARN}"}`)],
    );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => delete s.Principal),
      ),
      [other("null")],
    );
  });

  it("refuses an IRSA statement with other actions, another subject or audience", () => {
    const SUB = `${ISSUER}:sub`;
    const AUD = `${ISSUER}:aud`;
    const actions = (a: string) => `the IRSA statement allows ${a}, not only sts:AssumeRoleWithWebIdentity`;
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => (s.Action = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"])),
      ),
      [actions('["sts:AssumeRoleWithWebIdentity","sts:TagSession"]')],
    );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => (s.Action = "sts:AssumeRole")),
      ),
      [actions('"sts:AssumeRole"')],
    );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => (s.NotAction = "iam:*")),
      ),
      [actions('"sts:AssumeRoleWithWebIdentity"')],
    );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => {
          delete s.Action;
          s.NotAction = "iam:*";
        }),
      ),
      [actions('"iam:*"')],
    );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => delete s.Action),
      ),
      [actions("null")],
    );
    const sub = (got: string) =>
      `the IRSA statement's ${SUB} is ${got}, not system:serviceaccount:vault:vault-server (StringEquals)`;
    for (const value of [
      "system:serviceaccount:vault:other",
      "system:serviceaccount:default:vault-server",
      "system:serviceaccount:vault:vault-server:x",
      "vault:vault-server",
      "evil:system:serviceaccount:vault:vault-server",
    ])
      assert.deepStrictEqual(
        problems(
          podStatement(),
          withIrsa((s) => (equalsOf(s)[SUB] = value)),
        ),
        [sub(JSON.stringify(value))],
        value,
      );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa(
          (s) =>
            (equalsOf(s)[SUB] = [
              "system:serviceaccount:vault:vault-server",
              "system:serviceaccount:vault:x",
            ]),
        ),
      ),
      [sub('["system:serviceaccount:vault:vault-server","system:serviceaccount:vault:x"]')],
    );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => delete equalsOf(s)[SUB]),
      ),
      [sub("null")],
    );
    assert.deepStrictEqual(
      podIdentityTrustProblems(
        doc(
          podStatement(),
          withIrsa((s) => (equalsOf(s)[SUB] = "x")),
        ),
        {},
      ),
      [`the IRSA statement's ${SUB} is "x", not system:serviceaccount:<namespace>:<name> (StringEquals)`],
    );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => (equalsOf(s)[AUD] = "sts.example.com")),
      ),
      [`the IRSA statement's ${AUD} is "sts.example.com", not "sts.amazonaws.com"`],
    );
    assert.deepStrictEqual(
      problems(
        podStatement(),
        withIrsa((s) => delete equalsOf(s)[AUD]),
      ),
      [`the IRSA statement's ${AUD} is not pinned to one value (StringEquals)`],
    );
  });
});

const ASSOC = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const ADDON = "aws:eks/addon:Addon";
const ROLE = "aws:iam/role:Role";

describe("eks-pod-identity-trust and eks-pod-identity-agent over associations", () => {
  const role = res(
    ROLE,
    "vault-role",
    { assumeRolePolicy: doc(podStatement(), irsaStatement()) },
    { urn: "urn:role" },
  );
  const badRole = res(ROLE, "bad-role", { assumeRolePolicy: doc(irsaStatement()) }, { urn: "urn:bad" });
  const assoc = (inputs: Json, dependsOn?: string[]) =>
    res(ASSOC, "vault-pia", { namespace: "vault", serviceAccount: "vault-server", ...inputs }, { dependsOn });
  const addon = res(
    ADDON,
    "ebs",
    {
      addonName: "aws-ebs-csi-driver",
      podIdentityAssociations: [
        { serviceAccount: "ebs-csi-controller-sa", roleArn: "arn" },
        "odd",
        { roleArn: "arn" },
      ],
    },
    { dependsOn: ["urn:bad"] },
  );
  const agent = res(ADDON, "agent", { addonName: "eks-pod-identity-agent" });

  it("podIdentityAssociationsOf: own associations and an add-on's", () => {
    assert.deepStrictEqual(
      podIdentityAssociationsOf([
        assoc({}),
        addon,
        agent,
        role,
        res("aws:eks/cluster:Cluster", "c", { podIdentityAssociations: [{ serviceAccount: "x" }] }),
      ]).map((a) => [a.resource.name, a.serviceAccount, a.namespace]),
      [
        ["vault-pia", "vault-server", "vault"],
        ["ebs", "ebs-csi-controller-sa", undefined],
        ["ebs", undefined, undefined],
      ],
    );
  });

  it("the trust rule checks each association's own role, and session tags", () => {
    assert.deepStrictEqual(
      stack(eksPodIdentityTrust, [role, badRole, assoc({}, ["urn:role", "urn:other"])]),
      [],
    );
    assert.deepStrictEqual(
      stack(eksPodIdentityTrust, [role, badRole, assoc({})]),
      [],
      "no dependencies known",
    );
    assert.deepStrictEqual(
      stack(eksPodIdentityTrust, [role, { ...badRole, urn: undefined }, assoc({}, ["urn:role"])]),
      [],
    );
    assert.deepStrictEqual(
      stack(eksPodIdentityTrust, [role, badRole, assoc({ disableSessionTags: true }, ["urn:bad"]), addon]),
      [
        `mandatory ${ASSOC} vault-pia: disableSessionTags is true: the role's session-tag conditions cannot match`,
        `mandatory ${ASSOC} vault-pia: vault-server: role bad-role: the role's trust does not allow pods.eks.amazonaws.com`,
        `mandatory ${ADDON} ebs: ebs-csi-controller-sa: role bad-role: the role's trust does not allow pods.eks.amazonaws.com`,
        `mandatory ${ADDON} ebs: its ServiceAccount: role bad-role: the role's trust does not allow pods.eks.amazonaws.com`,
      ],
    );
    assert.deepStrictEqual(
      stack(eksPodIdentityTrust, [
        badRole,
        assoc({ serviceAccount: undefined, disableSessionTags: false }, ["urn:bad"]),
      ]),
      [
        `mandatory ${ASSOC} vault-pia: its ServiceAccount: role bad-role: the role's trust does not allow pods.eks.amazonaws.com`,
      ],
    );
  });

  it("the agent rule: associations need the eks-pod-identity-agent add-on, reported once per owner", () => {
    assert.deepStrictEqual(stack(eksPodIdentityAgent, [assoc({}), addon, agent]), []);
    assert.deepStrictEqual(stack(eksPodIdentityAgent, [role]), []);
    assert.deepStrictEqual(
      stack(eksPodIdentityAgent, [assoc({}), addon, res(ADDON, "cni", { addonName: "vpc-cni" })]),
      [
        `mandatory ${ASSOC} vault-pia: a Pod Identity association but no eks-pod-identity-agent add-on: its pods get no credentials`,
        `mandatory ${ADDON} ebs: a Pod Identity association but no eks-pod-identity-agent add-on: its pods get no credentials`,
      ],
    );
  });
});
