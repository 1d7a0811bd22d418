/**
 * EKS Pod Identity rules: every association has the agent to serve it, and names a role that trusts
 * EKS Pod Identity for exactly that cluster, namespace and ServiceAccount — and, beside it, at most
 * IRSA for the same ServiceAccount (iam.ts workloadTrustDocument keeps it for pods admitted under
 * IRSA). The rules see an association's role through its dependencies (the role's URN), so a role
 * the stack does not manage is out of their sight.
 */
import {
  IRSA_AUDIENCE,
  POD_IDENTITY_PRINCIPAL,
  POD_IDENTITY_SESSION_TAGS,
  POD_IDENTITY_TRUST_ACTIONS,
} from "../../components/cluster/eks/iam";
import { POD_IDENTITY_AGENT_ADDON } from "../../components/cluster/eks/pod-identity-facts";
import { Rec, ResourceUnderTest, defineStackRule, isRec, isTrue, recs, str, strings } from "../types";
import { EKS_ADDON, hasEksAddon } from "./common";

export const POD_IDENTITY_ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
export const IAM_ROLE = "aws:iam/role:Role";

/** One association the stack registers: a resource of its own, or one an EKS add-on owns. */
export interface AssociationUnderTest {
  /** The association, or the add-on that owns it. */
  resource: ResourceUnderTest;
  serviceAccount?: string;
  /** Unknown for an add-on's own associations (the add-on's namespace). */
  namespace?: string;
}

/** The stack's Pod Identity associations (aws.eks.PodIdentityAssociation, and Addon podIdentityAssociations). */
export function podIdentityAssociationsOf(all: ResourceUnderTest[]): AssociationUnderTest[] {
  return all.flatMap((r): AssociationUnderTest[] => {
    if (r.type === POD_IDENTITY_ASSOCIATION)
      return [
        { resource: r, serviceAccount: str(r.inputs.serviceAccount), namespace: str(r.inputs.namespace) },
      ];
    if (r.type === EKS_ADDON)
      return recs(r.inputs.podIdentityAssociations).map((a) => ({
        resource: r,
        serviceAccount: str(a.serviceAccount),
      }));
    return [];
  });
}

/** A policy document input as an object (it is registered as a JSON string), or undefined. */
function policyDocument(v: unknown): Rec | undefined {
  if (isRec(v)) return v;
  if (typeof v !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(v);
    return isRec(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A condition value as its strings (`"x"` or `["x"]`). */
const values = (v: unknown): string[] => (typeof v === "string" ? [v] : strings(v));

/** A statement's StringEquals conditions (`{}` without). */
const stringEquals = (s: Rec): Rec =>
  isRec(s.Condition) && isRec(s.Condition.StringEquals) ? s.Condition.StringEquals : {};

/** The one value `equals[key]` is pinned to, or a problem. */
function pinnedTo(equals: Rec, key: string, expected: string | undefined): string[] {
  const got = values(equals[key]);
  if (got.length !== 1) return [`${key} is not pinned to one value (StringEquals)`];
  return expected !== undefined && got[0] !== expected
    ? [`${key} is ${JSON.stringify(got[0])}, not ${JSON.stringify(expected)}`]
    : [];
}

/** Whether `s` is an Allow that names the service POD_IDENTITY_PRINCIPAL (among its principals). */
const isPodIdentityStatement = (s: Rec): boolean =>
  s.Effect === "Allow" &&
  values(isRec(s.Principal) ? s.Principal.Service : undefined).includes(POD_IDENTITY_PRINCIPAL);

/** What keeps a Pod Identity statement from trusting exactly `a` (its actions, principal, session tags). */
function podIdentityStatementProblems(s: Rec, a: Omit<AssociationUnderTest, "resource">): string[] {
  const actions = values(s.Action);
  const missing = POD_IDENTITY_TRUST_ACTIONS.filter((x) => !actions.includes(x));
  const principal = isRec(s.Principal) ? s.Principal : {};
  const widened =
    Object.keys(principal).length !== 1 || values(principal.Service).length !== 1
      ? [`the ${POD_IDENTITY_PRINCIPAL} statement trusts other principals too`]
      : [];
  const equals = stringEquals(s);
  const tag = (key: string) => `aws:RequestTag/${key}`;
  return [
    ...(missing.length ? [`the trust does not allow ${missing.join(", ")}`] : []),
    ...widened,
    ...pinnedTo(equals, tag(POD_IDENTITY_SESSION_TAGS.clusterArn), undefined),
    ...pinnedTo(equals, tag(POD_IDENTITY_SESSION_TAGS.namespace), a.namespace),
    ...pinnedTo(equals, tag(POD_IDENTITY_SESSION_TAGS.serviceAccount), a.serviceAccount),
  ];
}

/** The issuer (host and path) an OIDC provider ARN names (`arn:<p>:iam::<account>:oidc-provider/<issuer>`). */
const oidcIssuerOf = (arn: string): string | undefined =>
  /^arn:[^:]+:iam::\d{12}:oidc-provider\/(.+)$/.exec(arn)?.[1];

/**
 * What keeps another Allow statement from being the IRSA statement for exactly `a` (iam.ts
 * irsaTrustStatement): one OIDC provider as its only principal, only sts:AssumeRoleWithWebIdentity,
 * and StringEquals on that issuer's `sub` (system:serviceaccount:<namespace>:<ServiceAccount>; the
 * namespace any one value where the association does not say it) and `aud` (IRSA_AUDIENCE). Nothing
 * else may be trusted beside EKS Pod Identity: this statement only keeps pods admitted under IRSA
 * working (the same ServiceAccount through the cluster's OIDC provider).
 */
function irsaStatementProblems(s: Rec, a: Omit<AssociationUnderTest, "resource">): string[] {
  const principal = isRec(s.Principal) ? s.Principal : {};
  const federated = values(principal.Federated);
  const issuer = federated.length === 1 ? oidcIssuerOf(federated[0]) : undefined;
  if (s.NotPrincipal !== undefined || Object.keys(principal).length !== 1 || issuer === undefined)
    return [
      `it trusts ${JSON.stringify(s.Principal ?? s.NotPrincipal ?? null)} beside ${POD_IDENTITY_PRINCIPAL}: only the IRSA statement of the same ServiceAccount may stay`,
    ];
  const actions = values(s.Action);
  const problems =
    actions.length === 1 && actions[0] === "sts:AssumeRoleWithWebIdentity" && s.NotAction === undefined
      ? []
      : [
          `the IRSA statement allows ${JSON.stringify(s.Action ?? s.NotAction ?? null)}, not only sts:AssumeRoleWithWebIdentity`,
        ];
  const equals = stringEquals(s);
  const sub = values(equals[`${issuer}:sub`]);
  const subject = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(sub.length === 1 ? sub[0] : "");
  const scoped =
    subject !== null &&
    (a.namespace === undefined || subject[1] === a.namespace) &&
    (a.serviceAccount === undefined || subject[2] === a.serviceAccount);
  return [
    ...problems,
    ...(scoped
      ? []
      : [
          `the IRSA statement's ${issuer}:sub is ${JSON.stringify(equals[`${issuer}:sub`] ?? null)}, not system:serviceaccount:${a.namespace ?? "<namespace>"}:${a.serviceAccount ?? "<name>"} (StringEquals)`,
        ]),
    ...pinnedTo(equals, `${issuer}:aud`, IRSA_AUDIENCE).map((p) => `the IRSA statement's ${p}`),
  ];
}

/**
 * What keeps a role trust from being EKS Pod Identity's for exactly `a`: no Allow statement for
 * POD_IDENTITY_PRINCIPAL with both POD_IDENTITY_TRUST_ACTIONS, or one that does not pin the session
 * tags of the cluster, the namespace (to `a.namespace` where known) and the ServiceAccount (to
 * `a.serviceAccount`) with StringEquals; or any other Allow statement but IRSA's for the same
 * ServiceAccount (iam.ts workloadTrustDocument is the compliant form). Deny statements only narrow
 * the trust and are not looked at.
 */
export function podIdentityTrustProblems(
  trust: unknown,
  a: Omit<AssociationUnderTest, "resource">,
): string[] {
  const allows = recs(policyDocument(trust)?.Statement).filter((s) => s.Effect === "Allow");
  const podIdentity = allows.filter(isPodIdentityStatement);
  if (podIdentity.length === 0) return [`the role's trust does not allow ${POD_IDENTITY_PRINCIPAL}`];
  return [
    ...podIdentity.flatMap((s) => podIdentityStatementProblems(s, a)),
    ...allows.filter((s) => !isPodIdentityStatement(s)).flatMap((s) => irsaStatementProblems(s, a)),
  ];
}

export const eksPodIdentityTrust = defineStackRule({
  id: "eks-pod-identity-trust",
  scannerIds: [],
  description: `a Pod Identity association's role trusts ${POD_IDENTITY_PRINCIPAL} (sts:AssumeRole, sts:TagSession) for its cluster, namespace and ServiceAccount only (session-tag conditions), and nobody else but IRSA for the same ServiceAccount (sub and aud conditions)`,
  area: "cluster",
  types: [POD_IDENTITY_ASSOCIATION, EKS_ADDON, IAM_ROLE],
  check(all, _ctx, v) {
    const roles = new Map(all.filter((r) => r.type === IAM_ROLE && r.urn).map((r) => [r.urn, r]));
    return podIdentityAssociationsOf(all).flatMap((a) => {
      const own = (a.resource.dependsOn ?? []).flatMap((urn) => {
        const role = roles.get(urn);
        return role ? [role] : [];
      });
      // Without the session tags the conditions never match (and nothing scopes the trust).
      const untagged = isTrue(a.resource.inputs.disableSessionTags)
        ? [v(a.resource, "disableSessionTags is true: the role's session-tag conditions cannot match")]
        : [];
      return [
        ...untagged,
        ...own.flatMap((role) =>
          podIdentityTrustProblems(role.inputs.assumeRolePolicy, a).map((p) =>
            v(a.resource, `${a.serviceAccount ?? "its ServiceAccount"}: role ${role.name}: ${p}`),
          ),
        ),
      ];
    });
  },
});

export const eksPodIdentityAgent = defineStackRule({
  id: "eks-pod-identity-agent",
  scannerIds: [],
  description: `Pod Identity associations come with the ${POD_IDENTITY_AGENT_ADDON} add-on (without its agent on the nodes no pod gets their credentials)`,
  area: "cluster",
  types: [POD_IDENTITY_ASSOCIATION, EKS_ADDON],
  check(all, _ctx, v) {
    if (hasEksAddon(all, POD_IDENTITY_AGENT_ADDON)) return [];
    const owners = [...new Set(podIdentityAssociationsOf(all).map((a) => a.resource))];
    return owners.map((r) =>
      v(
        r,
        `a Pod Identity association but no ${POD_IDENTITY_AGENT_ADDON} add-on: its pods get no credentials`,
      ),
    );
  },
});
