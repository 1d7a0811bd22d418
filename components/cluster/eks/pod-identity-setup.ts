/**
 * The cluster's workload identity as `cluster.workloadIdentity` sets it: with Pod Identity its agent
 * add-on (before the node groups), the issuer every binding of the cluster goes through, and the
 * contract's `workloadIdentity`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksSettings, WorkloadIdentity } from "../types";
import { EksAws } from "./account";
import { podIdentityAgent } from "./addons";
import { WorkloadIdentityIssuer, bindServiceAccount, workloadIdentityIssuer } from "./identity";
import { WORKLOAD_IDENTITY_MECHANISMS } from "./pod-identity";

export interface ClusterWorkloadIdentity {
  issuer: WorkloadIdentityIssuer;
  /** The agent add-on with Pod Identity, none with IRSA: node groups and `ready` include them. */
  addons: aws.eks.Addon[];
  /** The contract's binding. */
  workloadIdentity: WorkloadIdentity;
}

export function clusterWorkloadIdentity(
  name: string,
  a: {
    s: EksSettings;
    env: EksAws;
    cluster: aws.eks.Cluster;
    oidcProviderArn: pulumi.Output<string>;
    oidcIssuer: pulumi.Output<string>;
  },
): ClusterWorkloadIdentity {
  const agent = a.s.workloadIdentity === "podIdentity" ? podIdentityAgent(name, a) : undefined;
  const issuer = workloadIdentityIssuer(a.s, { ...a, agent, provider: a.env.provider });
  return {
    issuer,
    addons: agent ? [agent] : [],
    workloadIdentity: {
      mechanism: WORKLOAD_IDENTITY_MECHANISMS[a.s.workloadIdentity],
      bindServiceAccount: (bindName, sa, parent) => bindServiceAccount(issuer, bindName, sa, parent),
    },
  };
}
