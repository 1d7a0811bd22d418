// The resource types the promotion gate (./gate.ts) treats as protected in a protected stack, as
// data: one table, each type with the reason the refusal names and, where only some of its changes
// count, a predicate over the change.

/**
 * What a protected type's predicate sees of one resource's planned change: whether it is replaced
 * or deleted, and the inputs of its old and new states (the engine's StepEventStateMetadata
 * `inputs`: pulumi pkg/backend/display/events.go convertStepEventStateMetadata serializes them
 * whole, secrets blinded; absent where the step carries no such state).
 */
export interface ProtectedChange {
  op: "replace" | "delete";
  oldInputs?: Readonly<Record<string, unknown>>;
  newInputs?: Readonly<Record<string, unknown>>;
}

/** A type protected only for some of its changes: those `applies` accepts. */
export interface ConditionalProtection {
  reason: string;
  applies: (change: ProtectedChange) => boolean;
}

/** `spec.type` of a Kubernetes object's inputs, when it is a string. */
function specType(inputs: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const spec = inputs?.spec;
  if (spec === null || typeof spec !== "object") return undefined;
  const type = (spec as { type?: unknown }).type;
  return typeof type === "string" ? type : undefined;
}

/**
 * A LoadBalancer Service's replacement: the old Service is deleted (the platform's ingress Service
 * is replaced delete-first, as its class is immutable: components/addons/ingress-service.ts
 * SERVICE_REPLACE_ON_CHANGES), its cloud load balancer with it (the cleanup finalizers: kubernetes
 * cloud-provider controllers/service, aws-load-balancer-controller pkg/shared_constants/finalizers.go),
 * and the new one gets a new load balancer and address. Of the old or the new state, so a change of
 * the type itself counts too. ClusterIP and NodePort Services have no cloud load balancer.
 */
function replacesLoadBalancer(c: ProtectedChange): boolean {
  return c.op === "replace" && [c.oldInputs, c.newInputs].some((i) => specType(i) === "LoadBalancer");
}

/**
 * Resource types the gate treats as protected in a protected stack even when they do not carry
 * Pulumi's `protect` flag: losing or replacing them loses data, takes everything else with them or
 * takes the platform offline. A string: every replacement and deletion of the type; a
 * ConditionalProtection: those its predicate accepts.
 */
export const PROTECTED_TYPES: Readonly<Record<string, string | ConditionalProtection>> = {
  "aws:eks/cluster:Cluster": "the cluster (replacing it recreates every workload)",
  "gcp:container/cluster:Cluster": "the cluster (replacing it recreates every workload)",
  "azure-native:containerservice:ManagedCluster": "the cluster (replacing it recreates every workload)",
  "digitalocean:index/kubernetesCluster:KubernetesCluster":
    "the cluster (replacing it recreates every workload)",
  "aws:ec2/vpc:Vpc": "the cluster network (replacing it replaces the cluster)",
  "gcp:compute/network:Network": "the cluster network (replacing it replaces the cluster)",
  "azure-native:network:VirtualNetwork": "the cluster network (replacing it replaces the cluster)",
  "digitalocean:index/vpc:Vpc": "the cluster network (replacing it replaces the cluster)",
  "aws:kms/key:Key": "key material (secrets and Vault's seal depend on it)",
  "gcp:kms/cryptoKey:CryptoKey": "key material (secrets and Vault's seal depend on it)",
  "gcp:kms/keyRing:KeyRing": "key material (secrets and Vault's seal depend on it)",
  "azure-native:keyvault:Key": "key material (secrets and Vault's seal depend on it)",
  "azure-native:keyvault:Vault": "key material (secrets and Vault's seal depend on it)",
  "pulumi:providers:kubernetes": "the Kubernetes provider (replacing it replaces every object it manages)",
  "kubernetes:core/v1:Namespace": "a namespace (deleting it deletes everything in it)",
  "kubernetes:core/v1:PersistentVolumeClaim": "a volume claim (its data)",
  "kubernetes:core/v1:PersistentVolume": "a volume (its data)",
  "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition":
    "a CRD (deleting it deletes every object of its kind)",
  "kubernetes:helm.sh/v3:Release": "a platform add-on release (replacing it uninstalls it first)",
  "kubernetes:core/v1:Service": {
    reason:
      "the load balancer's Service: replacing it deletes the cloud load balancer first — minutes without " +
      "ingress — and gives a new address",
    applies: replacesLoadBalancer,
  },
};

/** Why a change of `type` counts as protected by PROTECTED_TYPES, or undefined when it does not. */
export function protectedTypeReason(type: string, change: ProtectedChange): string | undefined {
  const entry = PROTECTED_TYPES[type];
  if (entry === undefined || typeof entry === "string") return entry;
  return entry.applies(change) ? entry.reason : undefined;
}
