/**
 * EKS Pod Identity rules: every association has the agent to serve it, and names a role that trusts
 * EKS Pod Identity for exactly that cluster, namespace and ServiceAccount. The rules see an
 * association's role through its dependencies (the role's URN), so a role the stack does not manage
 * is out of their sight.
 */
import {
  POD_IDENTITY_PRINCIPAL,
  POD_IDENTITY_SESSION_TAGS,
  POD_IDENTITY_TRUST_ACTIONS,
} from "../../components/cluster/eks/iam";
import { POD_IDENTITY_AGENT_ADDON } from "../../components/cluster/eks/pod-identity-facts";
import { Rec, ResourceUnderTest, defineStackRule, isRec, isTrue, recs, str, strings } from "../types";
import { EKS_ADDON } from "./common";

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

/**
 * What keeps a role trust from being EKS Pod Identity's for exactly `a`: no Allow statement for
 * POD_IDENTITY_PRINCIPAL with both POD_IDENTITY_TRUST_ACTIONS, or one that does not pin the session
 * tags of the cluster, the namespace (to `a.namespace` where known) and the ServiceAccount (to
 * `a.serviceAccount`) with StringEquals (iam.ts podIdentityTrustPolicy is the compliant form).
 */
export function podIdentityTrustProblems(
  trust: unknown,
  a: Omit<AssociationUnderTest, "resource">,
): string[] {
  const doc = policyDocument(trust);
  const statements = recs(doc?.Statement).filter(
    (s) =>
      s.Effect === "Allow" &&
      values(isRec(s.Principal) ? s.Principal.Service : undefined).includes(POD_IDENTITY_PRINCIPAL),
  );
  if (statements.length === 0) return [`the role's trust does not allow ${POD_IDENTITY_PRINCIPAL}`];
  return statements.flatMap((s) => {
    const actions = values(s.Action);
    const missing = POD_IDENTITY_TRUST_ACTIONS.filter((x) => !actions.includes(x));
    const equals = isRec(s.Condition) && isRec(s.Condition.StringEquals) ? s.Condition.StringEquals : {};
    const pinned = (key: string, expected?: string): string[] => {
      const got = values(equals[`aws:RequestTag/${key}`]);
      if (got.length !== 1) return [`aws:RequestTag/${key} is not pinned to one value (StringEquals)`];
      return expected !== undefined && got[0] !== expected
        ? [`aws:RequestTag/${key} is ${JSON.stringify(got[0])}, not ${JSON.stringify(expected)}`]
        : [];
    };
    return [
      ...(missing.length ? [`the trust does not allow ${missing.join(", ")}`] : []),
      ...pinned(POD_IDENTITY_SESSION_TAGS.clusterArn),
      ...pinned(POD_IDENTITY_SESSION_TAGS.namespace, a.namespace),
      ...pinned(POD_IDENTITY_SESSION_TAGS.serviceAccount, a.serviceAccount),
    ];
  });
}

export const eksPodIdentityTrust = defineStackRule({
  id: "eks-pod-identity-trust",
  scannerIds: [],
  description: `a Pod Identity association's role trusts ${POD_IDENTITY_PRINCIPAL} (sts:AssumeRole, sts:TagSession) for its cluster, namespace and ServiceAccount only (session-tag conditions)`,
  severity: "mandatory",
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
  severity: "mandatory",
  area: "cluster",
  types: [POD_IDENTITY_ASSOCIATION, EKS_ADDON],
  check(all, _ctx, v) {
    const agent = all.some((r) => r.type === EKS_ADDON && r.inputs.addonName === POD_IDENTITY_AGENT_ADDON);
    if (agent) return [];
    const owners = [...new Set(podIdentityAssociationsOf(all).map((a) => a.resource))];
    return owners.map((r) =>
      v(
        r,
        `a Pod Identity association but no ${POD_IDENTITY_AGENT_ADDON} add-on: its pods get no credentials`,
      ),
    );
  },
});
