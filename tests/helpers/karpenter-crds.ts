/**
 * Validates Karpenter objects against the v1 schemas of the CRDs of CHARTS.karpenterCrd, as recorded
 * in tests/fixtures/karpenter/crd-schemas-<version>.json (the fields the platform sets, each pruned
 * level closed): the OpenAPI part with Ajv, and every CEL rule (x-kubernetes-validations) of those
 * fields by a predicate written here from the rule's expression at the tag. A rule without a
 * predicate is an error, so a new rule in a bumped CRD cannot pass unchecked. Rules comparing with
 * `oldSelf` (transition rules) are evaluated by the API server on updates only: they hold on create.
 */
import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import { CHARTS } from "../../components/addons/versions";

type Obj = Record<string, unknown>;
interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  "x-kubernetes-validations"?: { rule: string; message: string }[];
}

const FILE = path.join(
  __dirname,
  "..",
  "fixtures",
  "karpenter",
  `crd-schemas-${CHARTS.karpenterCrd.version}.json`,
);
const SCHEMAS = JSON.parse(fs.readFileSync(FILE, "utf8")) as Record<"NodePool" | "EC2NodeClass", Schema>;

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const has = (v: unknown, k: string) => k in obj(v);
const domain = (key: string) => /^([^/]+)/.exec(key)?.[1] ?? "";
const AWS_LABELS = [
  "karpenter.k8s.aws/instance-tenancy",
  "karpenter.k8s.aws/capacity-reservation-type",
  "karpenter.k8s.aws/capacity-reservation-id",
  "karpenter.k8s.aws/capacity-reservation-interruptible",
  "karpenter.k8s.aws/ec2nodeclass",
  "karpenter.k8s.aws/instance-encryption-in-transit-supported",
  "karpenter.k8s.aws/instance-category",
  "karpenter.k8s.aws/instance-hypervisor",
  "karpenter.k8s.aws/instance-family",
  "karpenter.k8s.aws/instance-generation",
  "karpenter.k8s.aws/instance-local-nvme",
  "karpenter.k8s.aws/instance-size",
  "karpenter.k8s.aws/instance-cpu",
  "karpenter.k8s.aws/instance-cpu-manufacturer",
  "karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz",
  "karpenter.k8s.aws/instance-memory",
  "karpenter.k8s.aws/instance-ebs-bandwidth",
  "karpenter.k8s.aws/instance-network-bandwidth",
  "karpenter.k8s.aws/instance-gpu-name",
  "karpenter.k8s.aws/instance-gpu-manufacturer",
  "karpenter.k8s.aws/instance-gpu-count",
  "karpenter.k8s.aws/instance-gpu-memory",
  "karpenter.k8s.aws/instance-accelerator-name",
  "karpenter.k8s.aws/instance-accelerator-manufacturer",
  "karpenter.k8s.aws/instance-accelerator-count",
  "karpenter.k8s.aws/instance-capability-flex",
  "karpenter.k8s.aws/placement-group-id",
  "karpenter.k8s.aws/placement-group-partition",
];
const labelKeyRules = (keys: (v: unknown) => string[]) => ({
  'label domain "karpenter.sh" is restricted': (v: unknown) =>
    keys(v).every(
      (k) =>
        ["karpenter.sh/capacity-type", "karpenter.sh/nodepool"].includes(k) ||
        !domain(k).endsWith("karpenter.sh"),
    ),
  'label "karpenter.sh/nodepool" is restricted': (v: unknown) =>
    keys(v).every((k) => k !== "karpenter.sh/nodepool"),
  'label "kubernetes.io/hostname" is restricted': (v: unknown) =>
    keys(v).every((k) => k !== "kubernetes.io/hostname"),
  'label domain "karpenter.k8s.aws" is restricted': (v: unknown) =>
    keys(v).every((k) => AWS_LABELS.includes(k) || !domain(k).endsWith("karpenter.k8s.aws")),
});
const aliasFamily = (t: unknown) => String(obj(t).alias).split("@")[0];
const WINDOWS = ["windows2019", "windows2022", "windows2025"];
const familyRule = (family: string, amiFamily: string) => (spec: unknown) =>
  !has(spec, "amiFamily") ||
  !arr(obj(spec).amiSelectorTerms).some((t) => has(t, "alias") && aliasFamily(t) === family) ||
  ["Custom", amiFamily].includes(String(obj(spec).amiFamily));
const selectorOnly = (fields: string[]) => (terms: unknown) =>
  arr(terms).every((t) => fields.some((f) => has(t, f)));
const noEmptyTags = (tags: unknown) => Object.entries(obj(tags)).every(([k, v]) => k !== "" && v !== "");

/** Each rule's predicate, by the rule's message (the rule expression it implements in the comment). */
const PREDICATES: Record<string, (self: unknown) => boolean> = {
  // Transition rules (oldSelf): not evaluated on create.
  "Cannot transition NodePool between static (replicas set) and dynamic (replicas unset) provisioning modes":
    () => true,
  "nodeClassRef.group is immutable": () => true,
  "nodeClassRef.kind is immutable": () => true,
  // !has(self.replicas) || limits empty or only 'nodes'
  "only 'limits.nodes' is supported on static NodePools": (s) =>
    !has(s, "replicas") || Object.keys(obj(obj(s).limits)).every((k) => k === "nodes"),
  "'weight' is not supported on static NodePools": (s) => !has(s, "replicas") || !has(s, "weight"),
  // self.all(x, has(x.schedule) == has(x.duration))
  "'schedule' must be set with 'duration'": (b) =>
    arr(b).every((x) => has(x, "schedule") === has(x, "duration")),
  ...labelKeyRules((v) => (typeof v === "string" ? [v] : Object.keys(obj(v)))),
  "group may not be empty": (v) => v !== "",
  "kind may not be empty": (v) => v !== "",
  "name may not be empty": (v) => v !== "",
  "requirements with operator 'In' must have a value defined": (r) =>
    arr(r).every((x) => obj(x).operator !== "In" || arr(obj(x).values).length !== 0),
  "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value": (r) =>
    arr(r).every(
      (x) =>
        !["Gt", "Lt", "Gte", "Lte"].includes(String(obj(x).operator)) ||
        (arr(obj(x).values).length === 1 && Number.parseInt(String(arr(obj(x).values)[0]), 10) >= 0),
    ),
  "requirements with 'minValues' must have at least that many values specified in the 'values' field": (r) =>
    arr(r).every(
      (x) =>
        obj(x).operator !== "In" ||
        !has(x, "minValues") ||
        arr(obj(x).values).length >= Number(obj(x).minValues),
    ),
  "must specify exactly one of ['role', 'instanceProfile']": (s) =>
    has(s, "role") !== has(s, "instanceProfile"),
  "if set, amiFamily must be 'AL2' or 'Custom' when using an AL2 alias": familyRule("al2", "AL2"),
  "if set, amiFamily must be 'AL2023' or 'Custom' when using an AL2023 alias": familyRule("al2023", "AL2023"),
  "if set, amiFamily must be 'Bottlerocket' or 'Custom' when using a Bottlerocket alias": familyRule(
    "bottlerocket",
    "Bottlerocket",
  ),
  "if set, amiFamily must be 'Windows2019' or 'Custom' when using a Windows2019 alias": familyRule(
    "windows2019",
    "Windows2019",
  ),
  "if set, amiFamily must be 'Windows2022' or 'Custom' when using a Windows2022 alias": familyRule(
    "windows2022",
    "Windows2022",
  ),
  "if set, amiFamily must be 'Windows2025' or 'Custom' when using a Windows2025 alias": familyRule(
    "windows2025",
    "Windows2025",
  ),
  "must specify amiFamily if amiSelectorTerms does not contain an alias": (s) =>
    arr(obj(s).amiSelectorTerms).some((t) => has(t, "alias")) || has(s, "amiFamily"),
  "expected at least one, got none, ['tags', 'id', 'name', 'alias', 'ssmParameter']": selectorOnly([
    "tags",
    "id",
    "name",
    "alias",
    "ssmParameter",
  ]),
  "'id' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms": (t) =>
    !arr(t).some((x) => has(x, "id") && ["alias", "tags", "name", "owner"].some((f) => has(x, f))),
  "'alias' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms": (
    t,
  ) => !arr(t).some((x) => has(x, "alias") && ["id", "tags", "name", "owner"].some((f) => has(x, f))),
  "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms": (t) =>
    !(arr(t).some((x) => has(x, "alias")) && arr(t).length !== 1),
  // self.matches('^[a-zA-Z0-9]+@.+$')
  "'alias' is improperly formatted, must match the format 'family@version'": (a) =>
    /^[a-zA-Z0-9]+@.+$/.test(String(a)),
  "family is not supported, must be one of the following: 'al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022', 'windows2025'":
    (a) => ["al2", "al2023", "bottlerocket", ...WINDOWS].includes(String(a).split("@")[0]),
  "windows families may only specify version 'latest'": (a) =>
    !WINDOWS.includes(String(a).split("@")[0]) || String(a).split("@")[1] === "latest",
  "must have only one blockDeviceMappings with rootVolume": (m) =>
    arr(m).filter((x) => obj(x).rootVolume === true).length <= 1,
  "snapshotID or volumeSize must be defined": (e) => has(e, "snapshotID") || has(e, "volumeSize"),
  "snapshotID must be set when volumeInitializationRate is set": (e) =>
    !has(e, "volumeInitializationRate") || (has(e, "snapshotID") && obj(e).snapshotID !== ""),
  "role cannot be empty": (r) => r !== "",
  "securityGroupSelectorTerms cannot be empty": (t) => arr(t).length !== 0,
  "expected at least one, got none, ['tags', 'id', 'name']": selectorOnly(["tags", "id", "name"]),
  // !self.all(x, has(x.id) && (has(x.tags) || has(x.name))), as written (`all`, not `exists`)
  "'id' is mutually exclusive, cannot be set with a combination of other fields in a security group selector term":
    (t) => !arr(t).every((x) => has(x, "id") && (has(x, "tags") || has(x, "name"))),
  "'name' is mutually exclusive, cannot be set with a combination of other fields in a security group selector term":
    (t) => !arr(t).every((x) => has(x, "name") && (has(x, "tags") || has(x, "id"))),
  "empty tag keys or values aren't supported": noEmptyTags,
  "subnetSelectorTerms cannot be empty": (t) => arr(t).length !== 0,
  "expected at least one, got none, ['tags', 'id']": selectorOnly(["tags", "id"]),
  "'id' is mutually exclusive, cannot be set with a combination of other fields in a subnet selector term": (
    t,
  ) => !arr(t).every((x) => has(x, "id") && has(x, "tags")),
  "empty tag keys aren't supported": (t) => Object.keys(obj(t)).every((k) => k !== ""),
  "tag contains a restricted tag matching eks:eks-cluster-name": (t) =>
    Object.keys(obj(t)).every((k) => k !== "eks:eks-cluster-name"),
  "tag contains a restricted tag matching kubernetes.io/cluster/": (t) =>
    Object.keys(obj(t)).every((k) => !k.startsWith("kubernetes.io/cluster")),
  "tag contains a restricted tag matching karpenter.sh/nodepool": (t) =>
    Object.keys(obj(t)).every((k) => k !== "karpenter.sh/nodepool"),
  "tag contains a restricted tag matching karpenter.sh/nodeclaim": (t) =>
    Object.keys(obj(t)).every((k) => k !== "karpenter.sh/nodeclaim"),
  "tag contains a restricted tag matching karpenter.k8s.aws/ec2nodeclass": (t) =>
    Object.keys(obj(t)).every((k) => k !== "karpenter.k8s.aws/ec2nodeclass"),
};

/** The messages of the CEL rules a value breaks, walking the schema beside it. */
function celProblems(schema: Schema, value: unknown, at: string): string[] {
  const out: string[] = [];
  for (const { message } of schema["x-kubernetes-validations"] ?? []) {
    const predicate = PREDICATES[message];
    if (!predicate) out.push(`${at}: no predicate for the CEL rule "${message}"`);
    else if (!predicate(value)) out.push(`${at}: ${message}`);
  }
  if (Array.isArray(value) && schema.items)
    value.forEach((v, i) => out.push(...celProblems(schema.items as Schema, v, `${at}[${i}]`)));
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      const child =
        schema.properties?.[k] ??
        (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
      if (child) out.push(...celProblems(child, v, `${at}.${k}`));
    }
  }
  return out;
}

// Formats (int64, date-time) are the API server's types, not JSON Schema's: left to `type`.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const VALIDATORS = {
  NodePool: ajv.compile(SCHEMAS.NodePool),
  EC2NodeClass: ajv.compile(SCHEMAS.EC2NodeClass),
};

/** Every problem of a Karpenter object (NodePool or EC2NodeClass) by its CRD's v1 schema; [] when valid. */
export function karpenterObjectProblems(o: Obj): string[] {
  const kind = o.kind === "NodePool" || o.kind === "EC2NodeClass" ? o.kind : undefined;
  if (!kind) return [`not a Karpenter kind: ${String(o.kind)}`];
  const schema = SCHEMAS[kind];
  const validate = VALIDATORS[kind];
  const openApi = validate(o)
    ? []
    : (validate.errors ?? []).map(
        (e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
      );
  return [...openApi, ...celProblems(schema, o, kind)];
}

/** Every CEL rule of the recorded schemas (messages): each has a predicate above. */
export function recordedCelRules(): string[] {
  const out: string[] = [];
  const walk = (s: Schema) => {
    for (const r of s["x-kubernetes-validations"] ?? []) out.push(r.message);
    for (const c of Object.values(s.properties ?? {})) walk(c);
    if (s.items) walk(s.items);
    if (typeof s.additionalProperties === "object") walk(s.additionalProperties);
  };
  walk(SCHEMAS.NodePool);
  walk(SCHEMAS.EC2NodeClass);
  return out;
}

export const CEL_PREDICATES: Readonly<Record<string, unknown>> = PREDICATES;
