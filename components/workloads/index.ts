/**
 * The workloads layer: the apps of the stack config, each an `App`, in namespaces labelled for Pod
 * Security "restricted" that deny all traffic but DNS unless an app's NetworkPolicies allow it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { App } from "./app";
import { appNamespace } from "./namespace";
import { callersOf } from "./network-policy";
import { AppSettings, WorkloadContext } from "./types";

export * from "./app";
export * from "./deployment";
export * from "./exposure";
export * from "./namespace";
export * from "./needs";
export * from "./network-policy";
export * from "./types";
export * from "./vault-agent";
export * from "./vault-clients";

export interface WorkloadsArgs {
  apps: AppSettings[];
  ctx: WorkloadContext;
}

/** All apps: one namespace (with default deny + DNS) per distinct namespace, one App per app. */
export class Workloads extends pulumi.ComponentResource {
  readonly apps: App[] = [];
  readonly namespaces: Record<string, k8s.core.v1.Namespace> = {};
  /** Per app: its public URL ("" without a host) and in-cluster address. */
  readonly endpoints: pulumi.Output<Record<string, { url: string; serviceHost: string }>>;

  constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kube-platform:workloads:Workloads", name, {}, opts);
    const { apps, ctx } = args;
    const seen = new Set<string>();
    for (const app of apps) {
      if (seen.has(app.name)) throw new Error(`apps: the name ${app.name} is used twice`);
      seen.add(app.name);
    }

    const namespaceReady: Record<string, pulumi.Resource[]> = {};
    for (const namespace of [...new Set(apps.map((a) => a.namespace))]) {
      const created = appNamespace(name, namespace, apps, ctx, this);
      this.namespaces[namespace] = created.namespace;
      namespaceReady[namespace] = created.ready;
    }

    for (const settings of apps) {
      this.apps.push(
        new App(
          `${name}-${settings.name}`,
          {
            settings,
            namespace: this.namespaces[settings.namespace],
            ctx,
            callers: callersOf(apps, settings),
            namespaceReady: namespaceReady[settings.namespace],
          },
          { parent: this },
        ),
      );
    }

    this.endpoints = pulumi
      .all(
        this.apps.map((app, i) =>
          pulumi.all([app.url, app.serviceHost]).apply(([url, serviceHost]) => ({
            name: apps[i].name,
            url,
            serviceHost,
          })),
        ),
      )
      .apply((list) => Object.fromEntries(list.map(({ name: n, ...e }) => [n, e])));
    this.registerOutputs({ endpoints: this.endpoints });
  }
}
