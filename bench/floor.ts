/**
 * The SDK floor of the evaluation benchmark: `count` registrations of plain Kubernetes objects —
 * one k8s.Provider and count-1 ConfigMaps on it — with no components, no config and no validation.
 */
import * as k8s from "@pulumi/kubernetes";

export function registerFloor(count: number): void {
  if (count < 1) return;
  const provider = new k8s.Provider("floor", { kubeconfig: "{}" });
  for (let i = 1; i < count; i++) {
    new k8s.core.v1.ConfigMap(
      `floor-${i}`,
      {
        metadata: { name: `cm-${i}`, namespace: `ns-${Math.floor(i / 10)}`, labels: { app: `cm-${i}` } },
        data: { key: `value-${i}` },
      },
      { provider },
    );
  }
}
