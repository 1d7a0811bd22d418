/**
 * The cost estimate of persistent volumes over hand-made recorded resources (test price files,
 * tests/fixtures/cost/): every claim read from the recorded Helm values, at the disk type of its
 * StorageClass, Azure's size tiers and zone-redundant disks.
 */
import * as assert from "node:assert/strict";
import type { CostEstimate } from "../preflight/cost";
import { addon, recorded, release } from "./fixtures/cost/recorded";
import { CLUSTER, estimateWith as estimate, summary } from "./helpers/cost-estimate";

describe("cost estimate: persistent volumes from the recorded Helm values", () => {
  const vault = addon("Vault", "kp-addons-vault");
  const monitoring = addon("Monitoring", "kp-addons-monitoring");
  const claim = (size: string, storageClassName?: string) => ({
    volumeClaimTemplate: {
      spec: { resources: { requests: { storage: size } }, ...(storageClassName ? { storageClassName } : {}) },
    },
  });
  const haVault = (extra: Record<string, unknown> = {}) =>
    release(vault, "vault", {
      server: {
        ha: { enabled: true, replicas: 3 },
        dataStorage: { enabled: true, size: "10Gi", storageClass: "gp3" },
        auditStorage: { enabled: true, size: "20Gi", storageClass: "gp3" },
        ...extra,
      },
    });

  it("Vault HA: data and audit volumes per server", () => {
    assert.deepEqual(summary(estimate("eks", [vault, haVault()])), [
      // 3 × 10 GiB × $0.10 = $3.00; 3 × 20 GiB × $0.10 = $6.00
      ["disk:gp3", "Vault data volume: 10 GiB gp3 × 3", 3, 3, undefined],
      ["disk:gp3", "Vault audit volume: 20 GiB gp3 × 3", 6, 6, undefined],
    ]);
  });

  it("Vault in dev mode claims nothing", () => {
    assert.deepEqual(summary(estimate("eks", [vault, haVault({ dev: { enabled: true } })])), []);
  });

  it("Prometheus and Alertmanager per replica, Grafana's one claim; the default StorageClass when none is set", () => {
    const defaultClass = recorded(
      "kubernetes:storage.k8s.io/v1:StorageClass",
      "kp-cluster-gp3",
      {
        metadata: { name: "fast", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        parameters: { type: "io2" },
      },
      CLUSTER("eks").urn,
    );
    const e = estimate("eks", [
      defaultClass,
      monitoring,
      release(monitoring, "kube-prometheus-stack", {
        prometheus: { prometheusSpec: { replicas: 2, storageSpec: claim("100Gi", "gp3") } },
        alertmanager: { alertmanagerSpec: { replicas: 3, storage: claim("512Mi", "gp3") } },
        grafana: { replicas: 2, persistence: { enabled: true, type: "pvc", size: "10Gi" } },
      }),
    ]);
    assert.deepEqual(summary(e).slice(0, 2), [
      // 2 × 100 GiB × $0.10 = $20.00; 3 × 0.5 GiB × $0.10 = $0.15
      ["disk:gp3", "Prometheus volume: 100 GiB gp3 × 2", 20, 20, undefined],
      ["disk:gp3", "Alertmanager volume: 0.5 GiB gp3 × 3", 0.15, 0.15, undefined],
    ]);
    // Grafana: no class → the default StorageClass "fast" (io2), which the file cannot price
    assert.deepEqual(e.unpriced, [
      {
        component: "Monitoring kp-addons-monitoring",
        resource: "Grafana volume: 10 GiB fast × 1",
        reason: "no price for disk:io2 in eu-west-1",
      },
    ]);
  });

  it("lists a storage class of unknown disk type, and a size it cannot read, as unpriced", () => {
    const e = estimate("eks", [
      monitoring,
      release(monitoring, "kube-prometheus-stack", {
        prometheus: { prometheusSpec: { storageSpec: claim("100Gi", "nfs") } },
        alertmanager: { alertmanagerSpec: { storage: claim("1G", "gp3") } },
        grafana: { persistence: { enabled: false } },
      }),
    ]);
    assert.deepEqual(e.lines, []);
    assert.deepEqual(
      e.unpriced.map((u) => [u.resource, u.reason]),
      [
        ["Prometheus volume", 'storage class "nfs": its disk type is not known to the estimate'],
        ["Alertmanager volume", 'size "1G" is not a size in Mi, Gi or Ti'],
      ],
    );
  });

  it("Azure volumes take the smallest size tier that holds them", () => {
    const e = estimate("aks", [
      monitoring,
      release(monitoring, "kube-prometheus-stack", {
        prometheus: { prometheusSpec: { storageSpec: claim("20Gi", "managed-csi") } },
      }),
    ]);
    // 20 GiB → E4 (32 GiB) at $2/month
    assert.deepEqual(summary(e), [
      ["disk:standardssd-lrs:E4", "Prometheus volume: 20 GiB managed-csi × 1 (E4, 32 GiB)", 2, 2, undefined],
    ]);
  });
  it("Azure: from Kubernetes 1.29 in a zonal cluster, the built-in classes make zone-redundant disks", () => {
    const cluster = (kubernetesVersion: string, availabilityZones: string[]) =>
      recorded(
        "azure-native:containerservice:ManagedCluster",
        "kp-cluster-aks",
        {
          kubernetesVersion,
          agentPoolProfiles: [{ name: "system", availabilityZones }],
          networkProfile: { outboundType: "none" },
        },
        CLUSTER("aks").urn,
      );
    const volume = release(monitoring, "kube-prometheus-stack", {
      prometheus: { prometheusSpec: { storageSpec: claim("20Gi", "managed-csi") } },
    });
    const diskOf = (e: CostEstimate) =>
      e.lines.filter((l) => l.resource.startsWith("Prometheus")).map((l) => [l.item, l.monthly.min]);
    // ZRS: E4 at $3/month; LRS (one zone, or before 1.29): E4 at $2/month
    assert.deepEqual(diskOf(estimate("aks", [cluster("1.34", ["1", "2", "3"]), monitoring, volume])), [
      ["disk:standardssd-zrs:E4", 3],
    ]);
    assert.deepEqual(diskOf(estimate("aks", [cluster("1.34", ["1"]), monitoring, volume])), [
      ["disk:standardssd-lrs:E4", 2],
    ]);
    assert.deepEqual(diskOf(estimate("aks", [cluster("1.28", ["1", "2", "3"]), monitoring, volume])), [
      ["disk:standardssd-lrs:E4", 2],
    ]);
  });
});
