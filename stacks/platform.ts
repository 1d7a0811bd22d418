import * as pulumi from "@pulumi/pulumi";
import { PlatformAddOns } from "../components/addons";
import { createCluster, ManagedCluster } from "../components/cluster";
import { WorkloadContext, Workloads, vaultClientsOf } from "../components/workloads";
import { PlatformConfig, engineOrganization } from "./config";
import {
  VOLUME_CHANGES_DONE_ENV,
  VolumeSettings,
  parseVolumeChangesDone,
  readVolumeSettings,
  refusedVolumeChanges,
  unusedAcknowledgements,
  volumeChangeError,
  volumeChangesDoneError,
  volumeChanges,
  volumeSettingsOf,
} from "./volume-changes";

/** The stack outputs of one platform. Only the kubeconfig and the Grafana password are secrets. */
export interface PlatformOutputs {
  target: string;
  clusterName: pulumi.Output<string>;
  region: string;
  kubeconfig: pulumi.Output<string>;
  defaultStorageClass: pulumi.Output<string>;
  /** IngressClass workloads use ("" when the ingress add-on is disabled). */
  ingressClass: string;
  /** The ingress load balancer's hostname or IP ("" until the cloud assigns it, or when disabled). */
  loadBalancerAddress: pulumi.Output<string>;
  /** ClusterIssuer workloads use ("" when cert-manager is disabled). */
  clusterIssuer: string;
  /** In-cluster address of Vault ("" when disabled). */
  vaultAddress: string;
  /** Grafana's generated admin password (secret; "" when monitoring is disabled). */
  grafanaAdminPassword: pulumi.Output<string>;
  /** Per app: its public URL ("" without a host) and in-cluster address. */
  apps: pulumi.Output<Record<string, { url: string; serviceHost: string }>>;
  /** The volume settings, recorded once Vault and monitoring are deployed with them (not secret). */
  volumeSettings: pulumi.Output<VolumeSettings>;
}

/** Refusing volume changes against the last deployment (stacks/volume-changes.ts). */
export interface VolumeGuard {
  /** The stack output holding the last deployed volume settings (index.ts exports `volumeSettings`). */
  outputName: string;
  /** Refused changes whose procedure is done (`<path>=<new value>`, VOLUME_CHANGES_DONE_ENV). */
  changesDone: string[];
}

/**
 * One platform: the cluster, its add-ons and the stack's workloads. `name` prefixes every
 * resource, so several platforms can live in one program without colliding.
 */
export class Platform extends pulumi.ComponentResource {
  readonly cluster: ManagedCluster;
  readonly addons: PlatformAddOns;
  readonly workloads: Workloads;
  readonly outputs: PlatformOutputs;

  /**
   * With a `guard`, the last deployment's volume settings are read and a change Kubernetes or the
   * Prometheus Operator would not carry out fails the update before Vault or monitoring changes.
   */
  constructor(
    name: string,
    cfg: PlatformConfig,
    opts?: pulumi.ComponentResourceOptions,
    guard?: VolumeGuard,
  ) {
    super("kube-platform:index:Platform", name, {}, opts);
    this.cluster = createCluster(`${name}-cluster`, cfg.cluster, { parent: this });
    const volumes = this.cluster.defaultStorageClass.apply((sc) => volumeSettingsOf(cfg.addons, sc));
    this.addons = new PlatformAddOns(
      `${name}-addons`,
      {
        cluster: this.cluster,
        settings: cfg.addons,
        volumeCheck: guard ? volumeChangeCheck(name, volumes, guard, this) : undefined,
        vaultClients: vaultClientsOf(cfg.apps),
      },
      { parent: this },
    );
    this.workloads = new Workloads(
      `${name}-workloads`,
      { apps: cfg.apps, ctx: workloadContext(this.cluster, this.addons) },
      { parent: this },
    );
    this.outputs = {
      target: this.cluster.target,
      clusterName: this.cluster.clusterName,
      region: this.cluster.region,
      kubeconfig: this.cluster.kubeconfig,
      defaultStorageClass: this.cluster.defaultStorageClass,
      ingressClass: this.addons.ingressClass ?? "",
      loadBalancerAddress: this.addons.loadBalancerAddress ?? pulumi.output(""),
      clusterIssuer: this.addons.clusterIssuer ?? "",
      vaultAddress: this.addons.vaultAddress ?? "",
      grafanaAdminPassword: this.addons.grafanaAdminPassword ?? pulumi.secret(""),
      apps: this.workloads.endpoints,
      volumeSettings: recordedVolumeSettings(volumes, this.addons),
    };
    this.registerOutputs(this.outputs);
  }
}

/** What the workloads get from the cluster and the add-ons (only what is installed). */
export function workloadContext(cluster: ManagedCluster, addons: PlatformAddOns): WorkloadContext {
  return {
    provider: cluster.provider,
    dependsOn: cluster.ready,
    highAvailability: addons.highAvailability,
    kubernetesVersion: cluster.kubernetesVersion,
    ...addons.services,
  };
}

/**
 * This stack's name for a StackReference to itself. Pulumi Cloud takes only
 * `<organization>/<project>/<stack>` (pulumi pkg/backend/httpstate/backend.go,
 * httpstateBackendClient.GetStackOutputs). The DIY backend's organization is always "organization"
 * (pkg/backend/diy/state.go); its legacy store takes only a bare stack name and its project store
 * resolves one in the current project (pkg/backend/diy/store.go ParseReference).
 */
export function ownStackReferenceName(
  organization: string | undefined,
  project: string,
  stack: string,
): string {
  return organization === undefined || organization === "organization"
    ? stack
    : `${organization}/${project}/${stack}`;
}

/**
 * The refusal: a RunError (the CLI prints its message alone, without a stack trace: @pulumi/pulumi
 * cmd/run/run.js uncaughtHandler) whose message stays as written. The SDK prefixes the message of
 * the one error instance every waiting resource rejects with ("error serializing property …":
 * runtime/rpc.js serializeFilteredProperties) before its handler reports it once.
 */
export class VolumeChangesRefused extends pulumi.RunError {
  constructor(text: string) {
    super(text);
    Object.defineProperty(this, "message", {
      get: () => text,
      set: () => undefined,
      enumerable: false,
      configurable: true,
    });
  }
}

/**
 * Reads this stack's last deployed outputs (a StackReference to itself: the engine answers from the
 * backend's last checkpoint, whose stack outputs change only when the update registers new ones at
 * its end; a first deploy has none) and compares its `guard.outputName` with `current`. Resolves to
 * the reference when nothing is refused; rejects with every refused change otherwise, so that what
 * waits for it (Vault, monitoring) is never registered and the update fails, in preview too (reads
 * run during previews: pulumi pkg/resource/deploy/step.go ReadStep).
 */
export function volumeChangeCheck(
  name: string,
  current: pulumi.Output<VolumeSettings>,
  guard: VolumeGuard,
  parent: pulumi.Resource,
): pulumi.Output<pulumi.Resource> {
  const lastDeployed = new pulumi.StackReference(
    `${name}-last-deployed`,
    { name: ownStackReferenceName(engineOrganization(), pulumi.getProject(), pulumi.getStack()) },
    { parent },
  );
  return pulumi.all([lastDeployed.getOutput(guard.outputName), current]).apply(([value, settings]) => {
    const previous = readVolumeSettings(value);
    if (previous.warning) void pulumi.log.warn(previous.warning, parent);
    const changes = volumeChanges(previous.settings, settings);
    for (const entry of unusedAcknowledgements(changes, guard.changesDone)) {
      void pulumi.log.warn(
        `${VOLUME_CHANGES_DONE_ENV}: ${entry} matches no refused change of this run`,
        parent,
      );
    }
    const refused = refusedVolumeChanges(changes, guard.changesDone);
    if (refused.length > 0) throw new VolumeChangesRefused(volumeChangeError(refused));
    return lastDeployed as pulumi.Resource;
  });
}

/**
 * The volume settings once the releases owning the volumes are deployed with them: when one fails
 * or is refused, the output does not resolve and the stack keeps the last deployment's record.
 */
function recordedVolumeSettings(
  volumes: pulumi.Output<VolumeSettings>,
  addons: PlatformAddOns,
): pulumi.Output<VolumeSettings> {
  const owners = [addons.vault?.release, addons.monitoring?.release].flatMap((r) => (r ? [r.urn] : []));
  return pulumi.all(owners).apply(() => volumes);
}

/** The guard of the program's own stack: its `volumeSettings` output and VOLUME_CHANGES_DONE_ENV. */
export function loadVolumeGuard(env: Record<string, string | undefined> = process.env): VolumeGuard {
  const { done, problems } = parseVolumeChangesDone(env[VOLUME_CHANGES_DONE_ENV]);
  if (problems.length > 0) {
    throw new Error(volumeChangesDoneError(VOLUME_CHANGES_DONE_ENV, problems));
  }
  return { outputName: "volumeSettings", changesDone: done };
}

export function buildPlatform(name: string, cfg: PlatformConfig, guard?: VolumeGuard): Platform {
  return new Platform(name, cfg, undefined, guard);
}
