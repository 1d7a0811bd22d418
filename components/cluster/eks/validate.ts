/**
 * The component's own check of its settings, for use without stack config: the rules of checks.ts,
 * the subnet plan and the shared node-pool rules, throwing the first problem.
 */
import { CLUSTER_NAME_MAX, dnsLabelProblems } from "../../shared/dns";
import { parseCidr } from "../../shared/net";
import { duplicateProblems } from "../../shared/problems";
import { EksSettings } from "../types";
import { assertNodePools } from "../shared";
import {
  EKS_VPC_PREFIX,
  SECURITY_GROUP_ID,
  TRANSIT_GATEWAY_ID,
  adminPrincipalArnProblem,
  deployerPathProblems,
  kubeconfigRoleArnProblem,
} from "./checks";
import { subnetCidrs } from "./network";

/**
 * Checks what the cloud would only reject halfway through a deployment. Throws on the first problem.
 */
export function validateEksSettings(s: EksSettings): void {
  // The settings rules stack config applies (eks/checks.ts, shared/dns.ts), then the subnet plan.
  const vpc = parseCidr(s.vpcCidr);
  if (vpc && (vpc.prefix < EKS_VPC_PREFIX.min || vpc.prefix > EKS_VPC_PREFIX.max)) {
    throw new Error(
      `vpcCidr "${s.vpcCidr}": the prefix must be between /${EKS_VPC_PREFIX.min} and /${EKS_VPC_PREFIX.max}`,
    );
  }
  subnetCidrs(s.vpcCidr, s.availabilityZoneCount);
  const [name] = dnsLabelProblems(s.clusterName, CLUSTER_NAME_MAX);
  if (name) throw new Error(`clusterName "${s.clusterName}" ${name.message}`);
  // The same rules stack config reports per key (eks/checks.ts).
  const [problem] = deployerPathProblems(s);
  if (problem) throw new Error(`${problem.path.join(".")}: ${problem.message}`);
  const dn = s.deployerNetwork;
  for (const sg of dn?.securityGroupIds ?? []) {
    if (!SECURITY_GROUP_ID.test(sg))
      throw new Error(`deployerNetwork.securityGroupIds: "${sg}" is not an sg- ID`);
  }
  if (dn?.transitGatewayId !== undefined && !TRANSIT_GATEWAY_ID.test(dn.transitGatewayId)) {
    throw new Error(`deployerNetwork.transitGatewayId: "${dn.transitGatewayId}" is not a tgw- ID`);
  }
  assertNodePools("EKS", s.nodePools);
  const [repeated] = duplicateProblems(s.adminPrincipalArns);
  if (repeated) {
    throw new Error(
      `adminPrincipalArns contains duplicates: [${repeated.path.join(".")}] ${repeated.message}`,
    );
  }
  for (const arn of s.adminPrincipalArns) {
    const p = adminPrincipalArnProblem(arn);
    if (p) throw new Error(`adminPrincipalArns: "${arn}" ${p}`);
  }
  const roleProblem = s.kubeconfigRoleArn && kubeconfigRoleArnProblem(s.kubeconfigRoleArn);
  if (roleProblem) throw new Error(`kubeconfigRoleArn: "${s.kubeconfigRoleArn}" ${roleProblem}`);
  if (s.supportType !== "STANDARD" && s.supportType !== "EXTENDED") {
    throw new Error(`supportType: "${String(s.supportType)}" must be STANDARD or EXTENDED`);
  }
}
