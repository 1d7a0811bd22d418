/** The stack's Azure session, and assignments of Azure built-in roles (AZURE_ROLES) to the cluster's principals. */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { AZURE_ROLES, roleDefinitionId } from "./ids";

/** The stack's Azure session (azure-native getClientConfig: tenant, subscription, signed-in principal). */
export type AzureClientConfig = pulumi.Output<authorization.GetClientConfigResult>;

/** Assigns the built-in `role` to `principalId` on `scope` (its definition id in the stack's subscription). */
export function builtInRoleAssignment(
  name: string,
  args: {
    principalId: pulumi.Input<string>;
    principalType: pulumi.Input<"User" | "ServicePrincipal">;
    role: keyof typeof AZURE_ROLES;
    scope: pulumi.Input<string>;
    subscriptionId: pulumi.Output<string>;
  },
  opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      principalId: args.principalId,
      principalType: args.principalType,
      roleDefinitionId: args.subscriptionId.apply((s) => roleDefinitionId(s, AZURE_ROLES[args.role])),
      scope: args.scope,
    },
    opts,
  );
}
