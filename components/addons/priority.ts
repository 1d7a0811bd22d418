/**
 * The platform's PriorityClass objects (PLATFORM_PRIORITY: why these classes and values), created
 * once per cluster before the add-ons whose pods name them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_LABELS, PLATFORM_PRIORITY, PlatformPriority } from "../kube/conventions";
import { AddonContext } from "./base";

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
            labels: { ...PLATFORM_LABELS },
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
