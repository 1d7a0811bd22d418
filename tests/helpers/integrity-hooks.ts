/**
 * The Helm hook Jobs of the pinned charts with the configurations the example stacks use: pods that
 * exist only while Helm installs or upgrades a release, so objects.json (what a release keeps)
 * does not list them, yet NetworkPolicies must let them through. Read from each chart's templates
 * at its pinned tag and confirmed with `helm template` on the stacks' values. Their pods carry the
 * template's labels plus the Job controller's `batch.kubernetes.io/job-name` and `job-name`
 * (Kubernetes "Jobs": labels the Job controller sets on its pods; the prefixed one since 1.27).
 */
import type { ChartKey } from "../../components/addons/versions";
import type { Labels } from "./chart-objects";
import { Inventory } from "./integrity-model";

export interface HookJob {
  chart: ChartKey;
  /** The chart version it was read at (a bump must re-read it: tests/network-policies.test.ts). */
  version: string;
  release: { name: string; namespace: string };
  job: string;
  /** The `helm.sh/hook` annotation: when Helm runs it. */
  hook: string;
  template: string;
  /** Values (dotted path → value) the template renders the Job under. */
  when: Record<string, unknown>;
  /** The pod template's own labels (none: only the Job controller's). */
  podLabels: Labels;
}

const KPS = { name: "kps", namespace: "monitoring" };
const KPS_WEBHOOK_LABELS = {
  "app.kubernetes.io/managed-by": "Helm",
  "app.kubernetes.io/instance": "kps",
  "app.kubernetes.io/version": "88.5.3",
  "app.kubernetes.io/part-of": "kube-prometheus-stack",
  chart: "kube-prometheus-stack-88.5.3",
  release: "kps",
  heritage: "Helm",
  "app.kubernetes.io/name": "kube-prometheus-stack-prometheus-operator",
  "app.kubernetes.io/component": "prometheus-operator-webhook",
};
const KPS_ADMISSION_WHEN = {
  "prometheusOperator.enabled": true,
  "prometheusOperator.admissionWebhooks.enabled": true,
  "prometheusOperator.admissionWebhooks.patch.enabled": true,
  "prometheusOperator.admissionWebhooks.certManager.enabled": false,
};

export const HOOK_JOBS: HookJob[] = [
  {
    chart: "certManager",
    version: "v1.21.1",
    release: { name: "cert-manager", namespace: "cert-manager" },
    job: "cert-manager-startupapicheck",
    hook: "post-install",
    template:
      "deploy/charts/cert-manager/templates/startupapicheck-job.yaml (startupapicheck.jobAnnotations)",
    when: { "startupapicheck.enabled": true },
    podLabels: {
      app: "startupapicheck",
      "app.kubernetes.io/name": "startupapicheck",
      "app.kubernetes.io/instance": "cert-manager",
      "app.kubernetes.io/component": "startupapicheck",
      "app.kubernetes.io/version": "v1.21.1",
      "app.kubernetes.io/managed-by": "Helm",
      "helm.sh/chart": "cert-manager-v1.21.1",
    },
  },
  {
    chart: "monitoring",
    version: "88.5.3",
    release: KPS,
    job: "kps-admission-create",
    hook: "pre-install,pre-upgrade",
    template: "templates/prometheus-operator/admission-webhooks/job-patch/job-createSecret.yaml",
    when: KPS_ADMISSION_WHEN,
    podLabels: { app: "kube-prometheus-stack-admission-create", ...KPS_WEBHOOK_LABELS },
  },
  {
    chart: "monitoring",
    version: "88.5.3",
    release: KPS,
    job: "kps-admission-patch",
    hook: "post-install,post-upgrade",
    template: "templates/prometheus-operator/admission-webhooks/job-patch/job-patchWebhook.yaml",
    when: KPS_ADMISSION_WHEN,
    podLabels: { app: "kube-prometheus-stack-admission-patch", ...KPS_WEBHOOK_LABELS },
  },
  {
    // The crds sub-chart's fullname is "<release>-crds" (no fullnameOverride reaches it); its pod
    // template renders only upgradeJob.podLabels, which the stacks leave empty.
    chart: "monitoring",
    version: "88.5.3",
    release: KPS,
    job: "kps-crds-upgrade",
    hook: "pre-install,pre-upgrade,pre-rollback",
    template: "charts/crds/templates/upgrade/job.yaml",
    when: { "crds.enabled": true, "crds.upgradeJob.enabled": true },
    podLabels: {},
  },
];

/** Whether a hook Job's conditions hold for a release's effective values. */
export function hookRuns(job: HookJob, valueOf: (dotted: string) => unknown): boolean {
  return Object.entries(job.when).every(([path, want]) => valueOf(path) === want);
}

/** The labels of a hook Job's pods. */
export const hookPodLabels = (job: HookJob): Labels => ({
  ...job.podLabels,
  "batch.kubernetes.io/job-name": job.job,
  "job-name": job.job,
});

/** Adds the pods of the hook Jobs a release runs to the inventory. */
export function addHookPods(
  inv: Inventory,
  chart: ChartKey,
  release: { name: string; namespace: string },
  valueOf: (dotted: string) => unknown,
): void {
  for (const job of HOOK_JOBS) {
    if (
      job.chart !== chart ||
      job.release.name !== release.name ||
      job.release.namespace !== release.namespace
    )
      continue;
    if (!hookRuns(job, valueOf)) continue;
    inv.pods.push({
      owner: `Job ${release.namespace}/${job.job} (Helm hook ${job.hook}, ${job.template})`,
      namespace: release.namespace,
      labels: hookPodLabels(job),
      ports: [],
      selfSelectors: [],
    });
  }
}
