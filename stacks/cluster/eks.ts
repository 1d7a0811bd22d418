/** The `cluster` schema of the `eks` target (Amazon EKS in a VPC this program creates). */
import { z } from "zod";
import type { Profile } from "../../components/shared/profile";
import {
  EKS_AZ_COUNT,
  EKS_VPC_PREFIX,
  SECURITY_GROUP_ID,
  TRANSIT_GATEWAY_ID,
  adminPrincipalArnProblem,
  deployerPathProblems,
  kubeconfigRoleArnProblem,
} from "../../components/cluster/eks/checks";
import { cidr, report } from "../validation";
import {
  ALWAYS,
  DEFAULT_MACHINE_TYPES,
  PROFILE_DEFAULTS,
  checkNodePools,
  checkNotOpenToWorld,
  checkUnique,
  commonClusterFields,
  regionSchema,
} from "./common";
import {
  defaultMinNodes,
  eksNodePools,
  karpenterProblems,
  karpenterSchema,
  resolveKarpenter,
  withNodeCounts,
} from "./eks-karpenter";

const AWS_REGION =
  /^(us|eu|ap|sa|ca|me|af|il|mx)(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|southeast|southwest|northwest)-\d$/;

/** An IAM ARN, checked by one of the EKS ARN rules (components/cluster/eks/checks.ts). */
function iamArn(problemOf: (arn: string) => string | undefined) {
  return z.string().superRefine((arn, ctx) => {
    const message = problemOf(arn);
    if (message) ctx.addIssue({ code: "custom", message });
  });
}

export function eksClusterSchema(profile: Profile, defaultClusterName: string) {
  const preset = PROFILE_DEFAULTS[profile];
  const common = commonClusterFields(preset, defaultClusterName);
  return z
    .strictObject({
      target: z.literal("eks"),
      ...common,
      // The shared pool keys and Karpenter's (./eks-karpenter.ts); minNodes' default follows nodeAutoscaling.
      nodePools: eksNodePools(preset, DEFAULT_MACHINE_TYPES.eks),
      region: regionSchema(AWS_REGION, "eu-west-1"),
      vpcCidr: cidr(EKS_VPC_PREFIX.min, EKS_VPC_PREFIX.max).default("10.0.0.0/16"),
      availabilityZoneCount: z
        .number()
        .int()
        .min(EKS_AZ_COUNT.min)
        .max(EKS_AZ_COUNT.max)
        .default(preset.availabilityZoneCount),
      natGateways: z.enum(["single", "perAz"]).default(preset.natGateways),
      endpointPublicAccess: z.boolean().default(preset.endpointPublicAccess),
      publicAccessCidrs: z.array(cidr()).default([]),
      deployerNetwork: z
        .strictObject({
          cidrs: z.array(cidr()).default([]),
          securityGroupIds: z
            .array(
              z.string().regex(SECURITY_GROUP_ID, 'must be a security group ID like "sg-0123456789abcdef0"'),
            )
            .default([]),
          transitGatewayId: z
            .string()
            .regex(TRANSIT_GATEWAY_ID, 'must be a transit gateway ID like "tgw-0123456789abcdef0"')
            .optional(),
        })
        .optional(),
      supportType: z.enum(["STANDARD", "EXTENDED"]).default("STANDARD"),
      // Pod Identity is what the EKS user guide recommends for new clusters ("Learn how EKS Pod
      // Identity grants pods access to AWS services"); IRSA stays selectable.
      workloadIdentity: z.enum(["podIdentity", "irsa"]).default("podIdentity"),
      nodeAutoscaling: z.enum(["cluster-autoscaler", "karpenter"]).default("cluster-autoscaler"),
      loadBalancerScheme: z.enum(["internet-facing", "internal"]).default("internet-facing"),
      // Karpenter's system node groups, AMIs and migration switch (nodeAutoscaling: karpenter only).
      karpenter: karpenterSchema(profile).optional(),
      adminPrincipalArns: z.array(iamArn(adminPrincipalArnProblem)).default([]).superRefine(checkUnique),
      kubeconfigProfile: z.string().min(1).optional(),
      kubeconfigRoleArn: iamArn(kubeconfigRoleArnProblem).optional(),
    })
    .superRefine((c, ctx) => {
      checkNodePools(
        withNodeCounts(c.nodePools, defaultMinNodes(preset, c.nodeAutoscaling)),
        ["nodePools"],
        ctx,
      );
      report(ctx, karpenterProblems(c));
      // Public endpoint CIDRs, or a private endpoint with a declared deployer network (eks/checks.ts).
      for (const p of deployerPathProblems(c)) ctx.addIssue({ code: "custom", ...p });
      checkNotOpenToWorld(profile, c.publicAccessCidrs, ["publicAccessCidrs"], ctx, "the public endpoint");
      checkNotOpenToWorld(
        profile,
        c.deployerNetwork?.cidrs ?? [],
        ["deployerNetwork", "cidrs"],
        ctx,
        "the deployer network",
      );
    }, ALWAYS)
    .transform((c) => resolveKarpenter(profile, preset, c));
}
