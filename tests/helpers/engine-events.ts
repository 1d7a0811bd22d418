// The Pulumi engine's events, typed field by field as the engine writes them: one interface per
// event type mirroring the Go struct's json tags in pulumi/pulumi sdk/go/common/apitype/events.go
// (the SDK's own TypeScript types differ: `policyPacks` for the summary's "PolicyPacks", no
// `isPreview`/`result`, `enforcementLevel: "warning"`), and builders that put streams together in
// the engine's order (the recorded streams of pkg/engine/lifecycletest/testdata/output/*/
// eventstream.json). Used by the unit tests of the gate, the progress output and the driver.

/** apitype.OpType (the engine's step ops, sdk/go/common/apitype/history.go). */
export type OpType =
  | "same"
  | "create"
  | "update"
  | "delete"
  | "replace"
  | "create-replacement"
  | "delete-replaced"
  | "read"
  | "read-replacement"
  | "refresh"
  | "discard"
  | "discard-replaced"
  | "remove-pending-replace"
  | "import"
  | "import-replacement";

/** apitype.OperationResult: the summary's high-level outcome. */
export type OperationResult = "succeeded" | "failed" | "canceled";

/** apitype.EnforcementLevel as policy events carry it. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** apitype.CancelEvent: the last event of every stream (success too). */
export type CancelEvent = Record<string, never>;

/** apitype.StdoutEngineEvent. */
export interface StdoutEngineEvent {
  message: string;
  color: string;
}

/** apitype.DiagnosticEvent. */
export interface DiagnosticEvent {
  urn?: string;
  prefix?: string;
  message: string;
  color: string;
  severity: "debug" | "info" | "info#err" | "warning" | "error";
  streamID?: number;
  ephemeral?: boolean;
}

/** apitype.PolicyEvent. */
export interface PolicyEvent {
  resourceUrn?: string;
  message: string;
  color: string;
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  policyPackVersionTag: string;
  enforcementLevel: EnforcementLevel;
  severity?: "low" | "medium" | "high" | "critical";
}

/** apitype.PolicyAnalyzeSummaryEvent. */
export interface PolicyAnalyzeSummaryEvent {
  resourceUrn: string;
  policyPackName: string;
  policyPackVersion: string;
  policyPackVersionTag: string;
  passed?: string[];
  failed?: string[];
}

/** apitype.PolicyLoadEvent. */
export type PolicyLoadEvent = Record<string, never>;

/** apitype.PreludeEvent. */
export interface PreludeEvent {
  config: Record<string, string>;
}

/** apitype.SummaryEvent: note the capitalised "PolicyPacks" json tag. */
export interface SummaryEvent {
  maybeCorrupt: boolean;
  durationSeconds: number;
  resourceChanges: Partial<Record<OpType, number>>;
  PolicyPacks: Record<string, string>;
  isPreview: boolean;
  result: OperationResult;
}

/** apitype.DiffKind. */
export type DiffKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

/** apitype.PropertyDiff. */
export interface PropertyDiff {
  diffKind: DiffKind;
  inputDiff: boolean;
}

/** apitype.StepEventStateMetadata. */
export interface StepEventStateMetadata {
  type: string;
  urn: string;
  custom?: boolean;
  delete?: boolean;
  id: string;
  parent: string;
  protect?: boolean;
  taint?: boolean;
  external?: boolean;
  retainOnDelete?: boolean;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  provider: string;
  initErrors?: string[];
}

/** apitype.StepEventMetadata: `old`/`new` are null (Go nil pointers), not absent. */
export interface StepEventMetadata {
  op: OpType;
  urn: string;
  type: string;
  old: StepEventStateMetadata | null;
  new: StepEventStateMetadata | null;
  keys?: string[];
  diffs?: string[];
  detailedDiff: Record<string, PropertyDiff> | null;
  logical?: boolean;
  provider: string;
}

/** apitype.ResourcePreEvent. */
export interface ResourcePreEvent {
  metadata: StepEventMetadata;
  planning?: boolean;
}

/** apitype.ResOutputsEvent. */
export interface ResOutputsEvent {
  metadata: StepEventMetadata;
  planning?: boolean;
}

/** apitype.ResOpFailedEvent. */
export interface ResOpFailedEvent {
  metadata: StepEventMetadata;
  status: number;
  steps: number;
}

/** apitype.EngineEvent: exactly one payload field is set. */
export interface EngineEvent {
  sequence: number;
  timestamp: number;
  cancelEvent?: CancelEvent;
  stdoutEvent?: StdoutEngineEvent;
  diagnosticEvent?: DiagnosticEvent;
  preludeEvent?: PreludeEvent;
  summaryEvent?: SummaryEvent;
  resourcePreEvent?: ResourcePreEvent;
  resOutputsEvent?: ResOutputsEvent;
  resOpFailedEvent?: ResOpFailedEvent;
  policyEvent?: PolicyEvent;
  policyLoadEvent?: PolicyLoadEvent;
  policyAnalyzeSummaryEvent?: PolicyAnalyzeSummaryEvent;
}

export const PROJECT = "kube-platform";

export const urnOf = (stack: string, type: string, name: string): string =>
  `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;

/** The engine's diagnostics are wrapped in colour resets with a trailing newline (sdk/go/common/diag). */
export const colored = (message: string): string => `<{%reset%}>${message}<{%reset%}>\n`;

/** pkg/resource/deploy/step_generator.go: replacing a resource protected in the state and the program. */
export function protectedReplaceMessage(urn: string): string {
  return (
    `unable to replace resource ${JSON.stringify(urn)}\nas it is currently marked for protection. To unprotect ` +
    "the resource, remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`"
  );
}

/** pkg/resource/deploy/step.go deleteProtectedError ("Preview failed: " first in a preview: diag.GetPreviewFailedError). */
export function protectedDeleteMessage(urn: string, preview = false): string {
  return (
    `${preview ? "Preview failed: " : ""}resource ${JSON.stringify(urn)} cannot be deleted\nbecause it is ` +
    "protected. To unprotect the resource, either remove the `protect` flag from the resource in your Pulumi " +
    `program and run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${urn}'\``
  );
}

export interface StepOptions {
  /** `protect` in the old state (the program's `protect` when not given). */
  oldProtect?: boolean;
  /** `protect` in the program (the new state). */
  protect?: boolean;
  /** The old state's inputs (the new state's when not given). */
  oldInputs?: Record<string, unknown>;
  /** The new state's inputs (the program's), e.g. a Service's `{ spec: { type } }`. */
  inputs?: Record<string, unknown>;
  keys?: string[];
  diffs?: string[];
  planning?: boolean;
}

type Payload = Omit<EngineEvent, "sequence" | "timestamp">;

/** Builds one stack's event stream in order, numbering the events as the engine does. */
export class EventStream {
  readonly events: EngineEvent[] = [];

  constructor(readonly stack = "dev") {}

  urn(type: string, name: string): string {
    return urnOf(this.stack, type, name);
  }

  private push(payload: Payload): this {
    this.events.push({ sequence: this.events.length + 1, timestamp: 1767225600, ...payload });
    return this;
  }

  state(
    type: string,
    name: string,
    protect: boolean,
    inputs: Record<string, unknown> = {},
  ): StepEventStateMetadata {
    return {
      type,
      urn: this.urn(type, name),
      custom: true,
      id: `${name}-id`,
      parent: this.urn("pulumi:pulumi:Stack", `${PROJECT}-${this.stack}`),
      ...(protect ? { protect: true } : {}),
      inputs,
      outputs: {},
      provider: "",
    };
  }

  /** The metadata of one engine step on resource type/name. */
  metadata(op: OpType, type: string, name: string, o: StepOptions = {}): StepEventMetadata {
    const newProtect = o.protect === true;
    const oldProtect = o.oldProtect ?? newProtect;
    const creating = op === "create" || op === "create-replacement";
    const deleting = op === "delete" || op === "delete-replaced";
    const replacing = op === "replace" || op === "create-replacement";
    return {
      op,
      urn: this.urn(type, name),
      type,
      old: creating ? null : this.state(type, name, oldProtect, o.oldInputs ?? o.inputs),
      new: deleting ? null : this.state(type, name, newProtect, o.inputs),
      ...(replacing ? { keys: o.keys ?? [] } : {}),
      ...(o.diffs !== undefined ? { diffs: o.diffs } : {}),
      detailedDiff:
        o.diffs !== undefined
          ? Object.fromEntries(o.diffs.map((d) => [d, { diffKind: "update" as const, inputDiff: true }]))
          : null,
      ...(op === "create-replacement" || op === "delete-replaced" ? {} : { logical: true }),
      provider: "",
    };
  }

  prelude(config: Record<string, string> = {}): this {
    return this.push({ preludeEvent: { config } });
  }

  policyLoad(): this {
    return this.push({ policyLoadEvent: {} });
  }

  pre(metadata: StepEventMetadata, planning?: boolean): this {
    return this.push({ resourcePreEvent: { metadata, ...(planning === true ? { planning } : {}) } });
  }

  outputs(metadata: StepEventMetadata, planning?: boolean): this {
    return this.push({ resOutputsEvent: { metadata, ...(planning === true ? { planning } : {}) } });
  }

  failed(metadata: StepEventMetadata): this {
    return this.push({ resOpFailedEvent: { metadata, status: 0, steps: 0 } });
  }

  /** A whole step: resourcePreEvent then resOutputsEvent. */
  step(op: OpType, type: string, name: string, o: StepOptions = {}): this {
    const m = this.metadata(op, type, name, o);
    return this.pre(m, o.planning).outputs(m, o.planning);
  }

  /** A replacement as the engine reports it: create-replacement, replace, delete-replaced. */
  replace(type: string, name: string, o: StepOptions = {}): this {
    for (const op of ["create-replacement", "replace", "delete-replaced"] as const)
      this.step(op, type, name, o);
    return this;
  }

  /** A refresh step: pre op "refresh", outputs op what it found (same, update with diffs, delete). */
  refresh(found: "same" | "update" | "delete", type: string, name: string, o: StepOptions = {}): this {
    const pre = { ...this.metadata("refresh", type, name, {}), detailedDiff: null };
    const out = this.metadata(found === "delete" ? "delete" : found, type, name, found === "update" ? o : {});
    return this.pre(pre, o.planning).outputs(out, o.planning);
  }

  diagnostic(message: string, o: { urn?: string; severity?: DiagnosticEvent["severity"] } = {}): this {
    const severity = o.severity ?? "error";
    return this.push({
      diagnosticEvent: {
        ...(o.urn !== undefined ? { urn: o.urn } : {}),
        prefix: severity === "error" ? "<{%fg 1%}>error: <{%reset%}>" : `<{%fg 3%}>${severity}: <{%reset%}>`,
        message: colored(message),
        color: "raw",
        severity,
      },
    });
  }

  stdout(message: string): this {
    return this.push({ stdoutEvent: { message, color: "always" } });
  }

  /**
   * A policyEvent. With `description`, the message is the text @pulumi/policy sends for a violation
   * reported as a string: "<description>\n<message>" (server.js makeReportViolationFun).
   */
  policy(
    urn: string,
    v: {
      pack?: string;
      version?: string;
      policy: string;
      level: EnforcementLevel;
      message: string;
      description?: string;
    },
  ): this {
    return this.push({
      policyEvent: {
        resourceUrn: urn,
        message: colored(v.description !== undefined ? `${v.description}\n${v.message}` : v.message),
        color: "raw",
        policyName: v.policy,
        policyPackName: v.pack ?? PROJECT,
        policyPackVersion: v.version ?? "0.1.0",
        policyPackVersionTag: v.version ?? "0.1.0",
        enforcementLevel: v.level,
      },
    });
  }

  policySummary(urn: string, failed: string[], pack = PROJECT, version = "0.1.0"): this {
    return this.push({
      policyAnalyzeSummaryEvent: {
        resourceUrn: urn,
        policyPackName: pack,
        policyPackVersion: version,
        policyPackVersionTag: version,
        ...(failed.length > 0 ? { failed } : {}),
      },
    });
  }

  summary(
    resourceChanges: SummaryEvent["resourceChanges"],
    o: { isPreview: boolean; result: OperationResult; policyPacks?: Record<string, string> },
  ): this {
    return this.push({
      summaryEvent: {
        maybeCorrupt: false,
        durationSeconds: 1,
        resourceChanges,
        PolicyPacks: o.policyPacks ?? {},
        isPreview: o.isPreview,
        result: o.result,
      },
    });
  }

  cancel(): this {
    return this.push({ cancelEvent: {} });
  }
}
