/** Stack exports for the leftovers tests: apitype UntypedDeployment version 3, as `pulumi stack export` prints it. */
import type { ProgramRun } from "../../offline/mocks";

export const exported = (resources: unknown[]) => ({ version: 3, deployment: { manifest: {}, resources } });

/**
 * A recorded program as the state its `pulumi up` would leave: inputs as outputs, made-up ids, and
 * the fields the engine's dependency graph reads (parent, provider, dependencies).
 */
export const stateOf = (
  run: ProgramRun,
  edit: (r: Record<string, unknown>) => Record<string, unknown> = (r) => r,
) =>
  exported(
    run.resources.map((r) =>
      edit({
        urn: r.urn,
        type: r.type,
        custom: r.custom,
        id: `${r.name}-id`,
        ...(r.parent ? { parent: r.parent } : {}),
        ...(r.provider ? { provider: r.provider } : {}),
        dependencies: r.dependsOn,
        ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
        ...(r.protect ? { protect: true } : {}),
        inputs: r.inputs,
        outputs: r.inputs,
      }),
    ),
  );
