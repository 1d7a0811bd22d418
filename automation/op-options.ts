// The Automation API options of each operation from the driver's flags, as pure functions. Only the
// options the pinned SDK has for that operation (node_modules/@pulumi/pulumi/automation/stack.d.ts
// and stack.js, which turns them into CLI flags); args.ts FLAG_COMMANDS refuses the others.
// `showSecrets: false` keeps the SDK from asking `stack history --show-secrets` for the summary
// (stack.js up/refresh/destroy: `this.info(showSecrets)`): the driver's --show-secrets only prints
// the stack's secret outputs, which the SDK reads anyway (localWorkspace.js stackOutputs).

import type { DestroyOptions, PreviewOptions, RefreshOptions, UpOptions } from "@pulumi/pulumi/automation";
import type { DriverOptions } from "./args";

type Flags = Pick<
  DriverOptions,
  "message" | "targets" | "refresh" | "expectNoChanges" | "diff" | "policyPacks"
>;

function common(o: Flags): { message?: string; target?: string[] } {
  return {
    ...(o.message !== undefined ? { message: o.message } : {}),
    ...(o.targets.length > 0 ? { target: [...o.targets] } : {}),
  };
}

/**
 * The policy packs, each with the stack's pack config: the CLI pairs the n-th --policy-pack-config
 * with the n-th --policy-pack and wants one for each (pulumi/pulumi pkg/cmd/pulumi/operations/up.go
 * validatePolicyPackConfig); entries naming another pack's policies are simply unused there
 * (pkg/resource/analyzer/config.go applyConfig configures policies by name).
 */
function policy(
  o: Flags,
  packConfig: string | undefined,
): Pick<PreviewOptions, "policyPacks" | "policyPackConfigs"> {
  if (o.policyPacks.length === 0) return {};
  return {
    policyPacks: [...o.policyPacks],
    ...(packConfig !== undefined ? { policyPackConfigs: o.policyPacks.map(() => packConfig) } : {}),
  };
}

/** preview, and the promotion gate's preview before up. */
export function previewOptions(o: Flags, packConfig?: string): PreviewOptions {
  return {
    ...common(o),
    ...(o.refresh ? { refresh: true } : {}),
    ...(o.expectNoChanges ? { expectNoChanges: true } : {}),
    ...(o.diff ? { diff: true } : {}),
    ...policy(o, packConfig),
  };
}

export function upOptions(o: Flags, packConfig?: string): UpOptions {
  return { ...previewOptions(o, packConfig), showSecrets: false };
}

/** destroy --preview-only (the gate before destroy): the SDK's previewDestroy takes no diff. */
export function previewDestroyOptions(o: Flags): DestroyOptions {
  return { ...common(o), ...(o.refresh ? { refresh: true } : {}) };
}

export function destroyOptions(o: Flags): DestroyOptions {
  return { ...previewDestroyOptions(o), ...(o.diff ? { diff: true } : {}), showSecrets: false };
}

export function refreshOptions(o: Flags): RefreshOptions {
  return { ...common(o), ...(o.expectNoChanges ? { expectNoChanges: true } : {}), showSecrets: false };
}

/** drift: `refresh --preview-only` (stack.previewRefresh); it changes nothing. */
export function driftOptions(o: Flags): RefreshOptions {
  return common(o);
}
