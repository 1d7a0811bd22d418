/**
 * The component's own check of its settings, for use without stack config: the rules of checks.ts,
 * the subnet plan and the shared node-pool rules, throwing the first problem.
 */
import { EksSettings } from "../types";
import { assertNodePools } from "../shared";
import {
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
  subnetCidrs(s.vpcCidr, s.availabilityZoneCount);
  if (!/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(s.clusterName)) {
    throw new Error(
      `clusterName "${s.clusterName}": 1-100 letters, digits, "-" or "_", starting alphanumeric`,
    );
  }
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
  if (new Set(s.adminPrincipalArns).size !== s.adminPrincipalArns.length) {
    throw new Error("adminPrincipalArns contains duplicates");
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
