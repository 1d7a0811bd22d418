import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AddonContext } from "../components/addons/base";
import { podSecurityLabels } from "../components/kube/conventions";
import {
  CLUSTER_AUTOSCALER_IMAGE_TAGS,
  CLUSTER_AUTOSCALER_POD_LABELS,
  CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
  ClusterAutoscaler,
  clusterAutoscalerImageTag,
  clusterAutoscalerValues,
} from "../components/addons/cluster-autoscaler";
import { HelmValues } from "../components/addons/types";
import { CHARTS } from "../components/addons/versions";
import { BoundIdentity, ClusterAutoscalerTarget, ServiceAccountRef } from "../components/cluster/types";
import { chartData, chartValueProblems } from "./helpers/chart-values";
import { DEFAULT_KUBERNETES_VERSION } from "../stacks/config";
import { MIN_KUBERNETES_MINOR } from "../stacks/validation";
import { validateKubernetesObject } from "./helpers/k8s-schemas";
import { ProgramRun, runResources } from "../offline/mocks";
import { runExample } from "../offline/stacks";
import { get } from "../rules";

const T = {
  release: "kubernetes:helm.sh/v3:Release",
  namespace: "kubernetes:core/v1:Namespace",
  provider: "pulumi:providers:kubernetes",
  component: "kube-platform:addons:ClusterAutoscaler",
  pool: "test:index:NodePool",
  role: "aws:iam/role:Role",
};

const ROLE_ARN = "arn:aws:iam::123456789012:role/kp-prod-cluster-autoscaler";

/** A plain custom resource (the mocks accept any type). */
class TestResource extends pulumi.CustomResource {
  constructor(type: string, name: string, opts?: pulumi.CustomResourceOptions) {
    super(type, name, {}, opts);
  }
}

function testCtx(ha: boolean): AddonContext {
  const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
  const cluster = new pulumi.ComponentResource("test:index:Cluster", "cluster", {});
  new TestResource(T.pool, "pool", { parent: cluster });
  return { provider, dependsOn: [cluster], highAvailability: ha, kubernetesVersion: "1.34" };
}

interface Binding {
  name: string;
  sa: ServiceAccountRef;
  parent: pulumi.Resource;
}

/** An EKS-like target: bindServiceAccount creates an IAM role (child of `parent`) and returns its ARN. */
function testTarget(bindings: Binding[], kubernetesVersion: string): ClusterAutoscalerTarget {
  return {
    clusterName: pulumi.output("kp-prod"),
    region: "eu-west-1",
    kubernetesVersion,
    autoScalingGroupArns: pulumi.output([]),
    bindServiceAccount(name: string, sa: ServiceAccountRef, parent: pulumi.Resource): BoundIdentity {
      bindings.push({ name, sa, parent });
      const role = new TestResource(T.role, `${name}-irsa`, { parent });
      const arn = role.id.apply(() => ROLE_ARN);
      return {
        serviceAccountAnnotations: arn.apply((a): Record<string, string> => ({
          "eks.amazonaws.com/role-arn": a,
        })),
        podLabels: {},
        principal: arn,
      };
    },
  };
}

interface CaRun {
  run: ProgramRun;
  component: ClusterAutoscaler;
  bindings: Binding[];
}

async function deploy(ha: boolean, values: HelmValues = {}, kubernetesVersion = "1.34"): Promise<CaRun> {
  let component: ClusterAutoscaler | undefined;
  const bindings: Binding[] = [];
  const run = await runResources(() => {
    new TestResource("test:index:Unrelated", "unrelated");
    component = new ClusterAutoscaler("cluster-autoscaler", {
      values,
      ctx: testCtx(ha),
      target: testTarget(bindings, kubernetesVersion),
    });
    return { namespace: component.namespace, principal: component.principal };
  });
  return { run, component: component!, bindings };
}

const releaseValues = (run: ProgramRun): HelmValues => run.one(T.release).inputs.values as HelmValues;
const resolve = <V>(o: pulumi.Output<V>): Promise<V> => new Promise((res) => o.apply((v) => res(v)));

describe("cluster-autoscaler add-on", () => {
  let dev: CaRun;
  let prod: CaRun;
  before(async () => {
    dev = await deploy(false);
    prod = await deploy(true);
  });

  it("installs the pinned chart as release 'cluster-autoscaler' in its own namespace", () => {
    const r = dev.run.one(T.release).inputs;
    assert.equal(r.chart, "cluster-autoscaler");
    assert.equal(r.chart, CHARTS.clusterAutoscaler.chart);
    assert.equal(r.version, "9.59.0");
    assert.equal(r.version, CHARTS.clusterAutoscaler.version);
    assert.deepEqual(r.repositoryOpts, { repo: "https://kubernetes.github.io/autoscaler" });
    assert.equal(r.name, "cluster-autoscaler");
    assert.equal(r.namespace, "cluster-autoscaler");
  });

  it("names the cluster and region for ASG auto-discovery on AWS", () => {
    for (const v of [releaseValues(dev.run), releaseValues(prod.run)]) {
      assert.equal(v.cloudProvider, "aws");
      assert.equal(v.awsRegion, "eu-west-1");
      assert.deepEqual(v.autoDiscovery, { clusterName: "kp-prod" });
    }
  });

  it("runs the cluster-autoscaler release of the cluster's Kubernetes minor, not the chart's default", async () => {
    // The chart's own default (9.59.0 values.yaml image.tag) fits only Kubernetes 1.35.
    assert.equal(get(chartData("clusterAutoscaler").defaults, "image.tag"), "v1.35.0");
    assert.equal(get(releaseValues(dev.run), "image.tag"), "v1.34.5");
    assert.equal(get(releaseValues(prod.run), "image.tag"), "v1.34.5");
    assert.equal(
      get(releaseValues(dev.run), "image.repository"),
      undefined,
      "the chart's registry.k8s.io image",
    );
    const older = await deploy(false, {}, "1.32");
    assert.equal(get(releaseValues(older.run), "image.tag"), "v1.32.7");
    assert.deepEqual(chartValueProblems("clusterAutoscaler", releaseValues(older.run)), []);
  });

  it("lists a v1.<minor>.<patch> release for every minor config accepts, from the oldest to the newest listed", () => {
    assert.deepEqual(CLUSTER_AUTOSCALER_IMAGE_TAGS, {
      "1.32": "v1.32.7",
      "1.33": "v1.33.6",
      "1.34": "v1.34.5",
      "1.35": "v1.35.2",
      "1.36": "v1.36.1",
    });
    const minors = Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).map((k) => Number(k.split(".")[1]));
    assert.equal(minors[0], MIN_KUBERNETES_MINOR, "the oldest minor config accepts has a release");
    minors.forEach((m, i) => assert.equal(m, MIN_KUBERNETES_MINOR + i, "no minor skipped"));
    assert.ok(DEFAULT_KUBERNETES_VERSION in CLUSTER_AUTOSCALER_IMAGE_TAGS, "the default minor has a release");
    for (const [minor, tag] of Object.entries(CLUSTER_AUTOSCALER_IMAGE_TAGS))
      assert.match(tag, new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+$`), minor);
  });

  it("refuses a minor the table lacks, naming the key and the way out; a tag pinned in values is used instead", async () => {
    const message =
      "cluster-autoscaler: no release is listed for Kubernetes 1.37 (cluster.kubernetesVersion); " +
      "listed: 1.32, 1.33, 1.34, 1.35, 1.36. Use one of those, or pin a cluster-autoscaler release of " +
      'that minor with addons.clusterAutoscaler.values.image.tag (e.g. "v1.37.0").';
    assert.throws(() => clusterAutoscalerImageTag("1.37"), { message });
    await assert.rejects(deploy(false, {}, "1.37"), { message });
    const pinned = await deploy(false, { image: { tag: "v1.37.0" } }, "1.37");
    assert.equal(get(releaseValues(pinned.run), "image.tag"), "v1.37.0");
  });

  it("binds exactly its ServiceAccount to the cloud identity, created under the component", () => {
    assert.equal(dev.bindings.length, 1);
    const [b] = dev.bindings;
    assert.equal(b.name, "cluster-autoscaler");
    assert.deepEqual(b.sa, { namespace: "cluster-autoscaler", name: "cluster-autoscaler" });
    assert.equal(b.parent, dev.component);
    assert.equal(dev.run.one(T.role).parent, dev.run.one(T.component).urn);
    assert.equal(dev.run.outputs.principal, ROLE_ARN);
  });

  it("the chart's ServiceAccount carries the identity annotation (and the pods its labels)", () => {
    const v = releaseValues(dev.run);
    assert.deepEqual(get(v, "rbac.serviceAccount"), {
      create: true,
      name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name,
      annotations: { "eks.amazonaws.com/role-arn": ROLE_ARN },
      automountServiceAccountToken: true,
    });
    assert.deepEqual(v.podLabels, {});
    const azureLike = clusterAutoscalerValues({
      clusterName: "c",
      region: "r",
      imageTag: "v1.34.5",
      serviceAccountAnnotations: { "azure.workload.identity/client-id": "id" },
      podLabels: { "azure.workload.identity/use": "true" },
      ha: false,
    });
    assert.deepEqual(azureLike.podLabels, { "azure.workload.identity/use": "true" });
  });

  it("its pods carry the checksum of the binding: a switch between IRSA and Pod Identity rolls them", async () => {
    // sha256 of {"podLabels":{},"serviceAccountAnnotations":{"eks.amazonaws.com/role-arn":ROLE_ARN}}
    assert.deepEqual(releaseValues(dev.run).podAnnotations, {
      "kube-platform/identity-checksum": "724d453b67f30d84b521a6d557c72a703801b359bc93d37fa4f03b6f2fce5423",
    });
    const valuesWith = (serviceAccountAnnotations: Record<string, string>) =>
      clusterAutoscalerValues({
        clusterName: "kp-prod",
        region: "eu-west-1",
        imageTag: "v1.34.5",
        serviceAccountAnnotations,
        podLabels: {},
        ha: true,
      });
    const irsa = valuesWith({ "eks.amazonaws.com/role-arn": ROLE_ARN });
    const podIdentity = valuesWith({});
    const checksum = (v: HelmValues) =>
      resolve((v.podAnnotations as Record<string, pulumi.Output<string>>)["kube-platform/identity-checksum"]);
    assert.equal(await checksum(irsa), "724d453b67f30d84b521a6d557c72a703801b359bc93d37fa4f03b6f2fce5423");
    // sha256 of {"podLabels":{},"serviceAccountAnnotations":{}}
    assert.equal(
      await checksum(podIdentity),
      "6f9f05c57c618ddf621ae40b90d87eb95439e04f7a7d8d3e77317c4edaa085e4",
    );
    // Nothing else differs but the ServiceAccount's annotation.
    const rest = (v: HelmValues): HelmValues => {
      const rbac = v.rbac as { serviceAccount: HelmValues };
      return {
        ...v,
        podAnnotations: undefined,
        rbac: { ...rbac, serviceAccount: { ...rbac.serviceAccount, annotations: undefined } },
      };
    };
    assert.deepEqual(rest(podIdentity), rest(irsa));
    assert.deepEqual(get(podIdentity, "rbac.serviceAccount.annotations"), {});
  });

  it("scales with balanced similar groups, least-waste expander, and emptyDir nodes removable", () => {
    const v = releaseValues(dev.run);
    assert.deepEqual(v.extraArgs, {
      "balance-similar-node-groups": true,
      expander: "least-waste",
      "skip-nodes-with-local-storage": false,
    });
  });

  it("dev: one replica; HA: two replicas spread across nodes and zones; a PDB in both", () => {
    const d = releaseValues(dev.run);
    assert.equal(d.replicaCount, 1);
    assert.equal(d.topologySpreadConstraints, undefined);
    assert.deepEqual(d.podDisruptionBudget, { maxUnavailable: 1 });
    const p = releaseValues(prod.run);
    assert.equal(p.replicaCount, 2);
    assert.deepEqual(p.podDisruptionBudget, { maxUnavailable: 1 });
    const spread = p.topologySpreadConstraints as Record<string, unknown>[];
    assert.equal(spread.length, 2);
    for (const c of spread)
      assert.deepEqual(get(c, "labelSelector.matchLabels"), CLUSTER_AUTOSCALER_POD_LABELS);
  });

  it("sets requests and a memory limit", () => {
    assert.deepEqual(releaseValues(dev.run).resources, {
      requests: { cpu: "100m", memory: "300Mi" },
      limits: { memory: "600Mi" },
    });
  });

  it("runs non-root, read-only, without capabilities or privilege escalation (Pod Security restricted)", () => {
    for (const v of [releaseValues(dev.run), releaseValues(prod.run)]) {
      assert.equal(get(v, "securityContext.runAsNonRoot"), true);
      assert.notEqual(get(v, "securityContext.runAsUser"), 0);
      assert.equal(get(v, "securityContext.seccompProfile.type"), "RuntimeDefault");
      assert.equal(get(v, "containerSecurityContext.allowPrivilegeEscalation"), false);
      assert.equal(get(v, "containerSecurityContext.readOnlyRootFilesystem"), true);
      assert.deepEqual(get(v, "containerSecurityContext.capabilities.drop"), ["ALL"]);
      assert.equal(v.hostNetwork, undefined);
    }
  });

  it("exposes its metrics Service (port http, /metrics), without a chart ServiceMonitor", () => {
    assert.equal(get(releaseValues(dev.run), "serviceMonitor.enabled"), false);
    const [m] = dev.component.metrics;
    assert.equal(dev.component.metrics.length, 1);
    assert.equal(m.namespace, "cluster-autoscaler");
    assert.deepEqual(m.selector, {
      "app.kubernetes.io/instance": "cluster-autoscaler",
      "app.kubernetes.io/name": "aws-cluster-autoscaler",
    });
    assert.equal(m.port, "http");
    assert.equal(m.path, "/metrics");
    assert.equal(m.release, dev.component.release);
  });

  it("every values object is valid for the pinned chart (dev, prod, pure)", () => {
    assert.deepEqual(chartValueProblems("clusterAutoscaler", releaseValues(dev.run)), []);
    assert.deepEqual(chartValueProblems("clusterAutoscaler", releaseValues(prod.run)), []);
    const pure = clusterAutoscalerValues({
      clusterName: "kp",
      region: "us-east-1",
      imageTag: "v1.34.5",
      serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": ROLE_ARN },
      podLabels: {},
      ha: true,
    });
    assert.deepEqual(chartValueProblems("clusterAutoscaler", pure), []);
  });

  it("values are merged last; an unknown key among them is reported", async () => {
    const { run } = await deploy(true, {
      extraArgs: { expander: "priority", "scale-down-unneeded-time": "5m" },
      image: { tag: "v1.34.2" },
    });
    const v = releaseValues(run);
    assert.deepEqual(v.extraArgs, {
      "balance-similar-node-groups": true,
      expander: "priority",
      "skip-nodes-with-local-storage": false,
      "scale-down-unneeded-time": "5m",
    });
    assert.equal(get(v, "image.tag"), "v1.34.2");
    assert.equal(v.replicaCount, 2);
    assert.deepEqual(chartValueProblems("clusterAutoscaler", v), []);
    const typo = await deploy(false, { autoDiscovery: { clustername: "x" } });
    assert.deepEqual(chartValueProblems("clusterAutoscaler", releaseValues(typo.run)), [
      "unknown key autoDiscovery.clustername",
    ]);
  });

  it("namespace 'cluster-autoscaler' enforces Pod Security restricted and is a valid object", () => {
    const ns = dev.run.one(T.namespace).inputs;
    const metadata = ns.metadata as { name: string; labels: Record<string, string> };
    assert.equal(metadata.name, "cluster-autoscaler");
    for (const [k, val] of Object.entries(podSecurityLabels("restricted", "1.34")))
      assert.equal(metadata.labels[k], val);
    validateKubernetesObject(ns);
    assert.equal(dev.run.outputs.namespace, "cluster-autoscaler");
  });

  it("objects are on the cluster's provider, children of the component", () => {
    const provider = dev.run.one(T.provider).urn;
    const component = dev.run.one(T.component).urn;
    const objects = dev.run.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.deepEqual(objects.map((r) => r.type).sort(), [T.namespace, T.release].sort());
    for (const r of objects) {
      assert.equal(dev.run.providerUrn(r), provider, r.name);
      assert.equal(r.parent, component, r.name);
    }
  });

  it("the release depends on its namespace, cluster readiness and its identity, and on nothing else", () => {
    const release = dev.run.one(T.release);
    assert.deepEqual(
      [...new Set(release.dependsOn)].sort(),
      [dev.run.one(T.namespace).urn, dev.run.one(T.pool).urn, dev.run.one(T.role).urn].sort(),
    );
    assert.equal(dev.run.dependsOnTransitively(release, dev.run.one("test:index:Unrelated")), false);
  });
});

describe("cluster-autoscaler only where it is the cluster's autoscaler", function () {
  this.timeout(120_000);

  it("EKS with cluster-autoscaler (prod) gets it; with Karpenter (eks-dev) neither it nor its namespace, identity or monitor", async () => {
    const [prod, dev] = await Promise.all([runExample("prod"), runExample("eks-dev")]);
    const autoscaler = (r: ProgramRun) =>
      r.resources.filter((x) => x.name.includes("cluster-autoscaler")).map((x) => x.type);
    assert.deepEqual(autoscaler(dev), []);
    assert.ok(autoscaler(prod).includes(T.release) && autoscaler(prod).includes(T.component));
    assert.equal(
      dev.ofType(T.release).some((x) => x.inputs.chart === CHARTS.clusterAutoscaler.chart),
      false,
    );
  });
});
