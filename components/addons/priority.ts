/**
 * Priority classes for the platform's own pods, so that app pods (priority 0 unless they name a
 * class) can neither preempt them when the cluster is full nor be kept running while they stay
 * pending. Both sit below the built-in system-cluster-critical (2000000000) and system-node-critical
 * (2000001000): 1000000000 is the highest value a user-defined PriorityClass may have (Kubernetes
 * docs, "Pod Priority and Preemption": "any 32-bit integer value smaller than or equal to 1 billion").
 * cluster-autoscaler and metrics-server keep their charts' default, system-cluster-critical.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AddonContext } from "./base";

/** The platform's priority classes: name, value and what each is for. */
export const PLATFORM_PRIORITY = {
  /** On the request path or in admission: the ingress controller, cert-manager, Vault and its injector. */
  critical: {
    name: "kube-platform-critical",
    value: 1000000000,
    description:
      "kube-platform components on the request or admission path (ingress, cert-manager, Vault); apps cannot preempt them",
  },
  /** Observability: the Prometheus operator, Prometheus and Alertmanager. */
  high: {
    name: "kube-platform-high",
    value: 100000000,
    description: "kube-platform monitoring (operator, Prometheus, Alertmanager); apps cannot preempt them",
  },
} as const;

export type PlatformPriority = keyof typeof PLATFORM_PRIORITY;

/** The PriorityClass objects, created once per cluster before the add-ons that use them. */
export class PlatformPriorityClasses extends pulumi.ComponentResource {
  /** Per class, the object (add-on releases depend on these: a pod naming a missing class is rejected). */
  readonly classes: Record<PlatformPriority, k8s.scheduling.v1.PriorityClass>;

  constructor(name: string, args: { ctx: AddonContext }, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:addons:PlatformPriorityClasses", name, {}, opts);
    const { ctx } = args;
    const create = (key: PlatformPriority) => {
      const c = PLATFORM_PRIORITY[key];
      return new k8s.scheduling.v1.PriorityClass(
        `${name}-${key}`,
        {
          metadata: {
            name: c.name,
            labels: {
              "app.kubernetes.io/part-of": "kube-platform",
              "app.kubernetes.io/managed-by": "pulumi",
            },
          },
          value: c.value,
          // Never the default: app pods without a class keep priority 0.
          globalDefault: false,
          preemptionPolicy: "PreemptLowerPriority",
          description: c.description,
        },
        {
          parent: this,
          provider: ctx.provider,
          dependsOn: ctx.dependsOn,
          // The API server refuses to update value and preemptionPolicy (scheduling
          // ValidatePriorityClassUpdate): replace instead, deleting first as the name is fixed.
          replaceOnChanges: ["value", "preemptionPolicy"],
          deleteBeforeReplace: true,
        },
      );
    };
    this.classes = { critical: create("critical"), high: create("high") };
    this.registerOutputs({});
  }
}
