/**
 * The cluster contract, one suite for every target: each example stack's cluster section, parsed by
 * the real config parser, built by createCluster under mocks. What differs per target is a literal
 * table; what every target must do (the configured cluster name, a secret kubeconfig handed to one
 * Kubernetes provider that is the component's child, every child named from the component and
 * its direct child, `ready` made of registered resources) is asserted once for all, on the example
 * stacks and on each target's test fixtures (tests/helpers/<target>-cluster.ts, configurations the
 * examples do not have: an EKS private endpoint reached through a transit gateway, a private AKS
 * cluster, …). The per-target files test only what is the target's own.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { ClusterComponent } from "../components/cluster/contract";
import { ManagedCluster, createCluster } from "../components/cluster";
import { ClusterSettings } from "../components/cluster/types";
import { parseConfig } from "../stacks/config";
import { PROJECT, ProgramRun, runResources } from "../offline/mocks";
import { exampleConfig } from "../offline/stacks";
import * as aks from "./helpers/aks-cluster";
import * as doks from "./helpers/doks-cluster";
import * as eks from "./helpers/eks-cluster";
import * as gke from "./helpers/gke-cluster";
import * as R from "./expected/resources";
import { exampleForParse } from "./helpers/vault-fixtures";

/** The contract values a target's cluster publishes. */
interface Expected {
  component: string;
  target: string;
  region: string;
  storageClass: string;
  loadBalancer: unknown;
  hasMetricsApi: boolean;
  kubeletCertsTrusted: boolean | undefined;
  autoscaling: string;
  identity: string | undefined;
  unsealKms: boolean;
  storageReady: number;
}

/** Per example stack: the contract values its cluster publishes. */
const EXPECTED: Record<string, Expected> = {
  prod: {
    component: "kube-platform:cluster:EksCluster",
    target: "eks",
    region: "eu-west-1",
    storageClass: "gp3",
    // The AWS Load Balancer Controller's internet-facing NLB with IP targets (cluster.loadBalancerScheme's default).
    loadBalancer: {
      addressKind: "hostname",
      serviceAnnotations: {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
        "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes":
          "preserve_client_ip.enabled=true",
      },
      loadBalancerClass: "service.k8s.aws/nlb",
      controllerNamespaceLabels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
    },
    hasMetricsApi: false,
    kubeletCertsTrusted: undefined,
    autoscaling: "cluster-autoscaler",
    identity: "eks-pod-identity",
    unsealKms: true,
    storageReady: 2,
  },
  gke: {
    component: "kube-platform:cluster:GkeCluster",
    target: "gke",
    region: "europe-west1",
    storageClass: "standard-rwo",
    loadBalancer: { addressKind: "ip", serviceAnnotations: {} },
    hasMetricsApi: true,
    kubeletCertsTrusted: undefined,
    autoscaling: "native",
    identity: "gke-workload-identity",
    unsealKms: true,
    storageReady: 0,
  },
  aks: {
    component: "kube-platform:cluster:AksCluster",
    target: "aks",
    region: "westeurope",
    storageClass: "managed-csi",
    loadBalancer: { addressKind: "ip", serviceAnnotations: {} },
    hasMetricsApi: true,
    kubeletCertsTrusted: undefined,
    autoscaling: "native",
    identity: "azure-workload-identity",
    unsealKms: true,
    storageReady: 0,
  },
  doks: {
    component: "kube-platform:cluster:DoksCluster",
    target: "doks",
    region: "ams3",
    storageClass: "do-block-storage",
    loadBalancer: { addressKind: "ip", serviceAnnotations: {} },
    hasMetricsApi: false,
    kubeletCertsTrusted: undefined,
    autoscaling: "native",
    identity: undefined,
    unsealKms: false,
    storageReady: 0,
  },
  dev: {
    component: "kube-platform:cluster:ExistingCluster",
    target: "existing",
    region: "",
    storageClass: "standard",
    loadBalancer: {
      addressKind: "ip",
      serviceAnnotations: {},
      available: false,
      nodePorts: { http: 30080, https: 30443 },
      address: "127.0.0.1",
    },
    hasMetricsApi: false,
    kubeletCertsTrusted: false,
    autoscaling: "native",
    identity: undefined,
    unsealKms: false,
    storageReady: 0,
  },
};

/**
 * The test fixtures of each managed target: their contract values are the target's (those of its
 * example stack), in the fixture's region.
 */
const FIXTURES: {
  name: string;
  stack: string;
  settings: ClusterSettings;
  resources?: Record<string, number>;
}[] = [
  {
    name: "eks prod fixture",
    stack: "prod",
    settings: { ...eks.prodSettings, target: "eks" },
    resources: R.EKS_PROD_RESOURCES,
  },
  {
    name: "eks dev fixture",
    stack: "dev",
    settings: { ...eks.devSettings, target: "eks" },
    resources: R.EKS_DEV_RESOURCES,
  },
  {
    name: "gke prod fixture",
    stack: "prod",
    settings: { ...gke.prodSettings, target: "gke" },
  },
  {
    name: "gke dev fixture",
    stack: "dev",
    settings: { ...gke.devSettings, target: "gke" },
  },
  {
    name: "aks prod fixture",
    stack: "prod",
    settings: { ...aks.prodSettings, target: "aks" },
    resources: R.AKS_PROD_RESOURCES,
  },
  {
    name: "aks dev fixture",
    stack: "dev",
    settings: { ...aks.devSettings, target: "aks" },
    resources: R.AKS_DEV_RESOURCES,
  },
  {
    name: "aks private-cluster fixture",
    stack: "prod",
    settings: { ...aks.privateSettings, target: "aks" },
  },
  {
    name: "doks prod fixture",
    stack: "prod",
    settings: { ...doks.prodSettings, target: "doks" },
    resources: R.DOKS_PROD_RESOURCES,
  },
  {
    name: "doks dev fixture",
    stack: "dev",
    settings: { ...doks.devSettings, target: "doks" },
    resources: R.DOKS_DEV_RESOURCES,
  },
];

/** The contract values of `settings`' target (from its example stack), in the region of `settings`. */
function expectedFor(settings: ClusterSettings): Expected {
  const example = Object.values(EXPECTED).find((e) => e.target === settings.target);
  if (!example) throw new Error(`no example stack of target ${settings.target}`);
  const region =
    "region" in settings ? settings.region : "location" in settings ? settings.location : example.region;
  return { ...example, region };
}

interface Built {
  run: ProgramRun;
  cluster: ManagedCluster;
  /** The cluster name the settings give. */
  clusterName: string;
}

async function build(settings: ClusterSettings, stack: string): Promise<Built> {
  let cluster: ManagedCluster | undefined;
  const run = await runResources(
    () => {
      const c = createCluster("kp", settings);
      cluster = c;
      return { kubeconfig: c.kubeconfig, clusterName: c.clusterName, storageClass: c.defaultStorageClass };
    },
    { stack },
  );
  assert.ok(cluster);
  return { run, cluster, clusterName: settings.clusterName };
}

/** What every target does, whatever its configuration. */
function itKeepsTheContract(expected: Expected, built: () => Built): void {
  it("publishes the target's contract values", () => {
    const c = built().cluster;
    assert.deepEqual(
      {
        target: c.target,
        region: c.region,
        storageClass: built().run.outputs.storageClass,
        loadBalancer: c.loadBalancer,
        hasMetricsApi: c.hasMetricsApi,
        kubeletCertsTrusted: c.kubeletCertsTrusted,
        autoscaling: c.nodeAutoscaling.kind,
        identity: c.workloadIdentity?.mechanism,
        unsealKms: c.unsealKms !== undefined,
        storageReady: c.storageReady.length,
      },
      {
        target: expected.target,
        region: expected.region,
        storageClass: expected.storageClass,
        loadBalancer: expected.loadBalancer,
        hasMetricsApi: expected.hasMetricsApi,
        kubeletCertsTrusted: expected.kubeletCertsTrusted,
        autoscaling: expected.autoscaling,
        identity: expected.identity,
        unsealKms: expected.unsealKms,
        storageReady: expected.storageReady,
      },
    );
    assert.equal(c.kubernetesVersion, "1.34");
  });

  it("publishes the configured cluster name", () => {
    assert.equal(built().run.outputs.clusterName, built().clusterName);
  });

  it("exports the kubeconfig only as a secret, and hands it to the Kubernetes provider as one", () => {
    assert.ok(built().run.secretOutputs.has("kubeconfig"));
    assert.equal(built().run.secretOutputs.has("clusterName"), false);
    assert.ok(built().run.one("pulumi:providers:kubernetes").secretInputs.has("kubeconfig"));
  });

  it("registers the cluster name and the kubeconfig, as a secret, as the component's outputs", () => {
    const component = built().run.one(expected.component);
    assert.equal(component.outputs.clusterName, built().clusterName);
    assert.match(String(component.outputs.kubeconfig), /"?apiVersion"?:\s*"?v1/);
    assert.ok(component.secretOutputs.has("kubeconfig"));
    assert.equal(component.secretOutputs.has("clusterName"), false);
  });

  it("has exactly one Kubernetes provider, the component's child kp-k8s, and it is the contract's", () => {
    const component = built().run.one(expected.component);
    const providers = built().run.ofType("pulumi:providers:kubernetes");
    assert.deepEqual(
      providers.map((p) => [p.name, p.parent]),
      [["kp-k8s", component.urn]],
    );
    assert.ok(built().cluster.provider instanceof k8s.Provider);
  });

  it("names every child from the component name and makes it the component's direct child", () => {
    const component = built().run.one(expected.component);
    for (const r of built().run.resources.filter((x) => x !== component)) {
      assert.ok(r.name.startsWith("kp-"), `${r.type} ${r.name}`);
      assert.equal(r.parent, component.urn, `${r.type} ${r.name} parent ${r.parent}`);
    }
  });

  it("makes in-cluster objects wait only for resources it registered (none on an adopted cluster)", async () => {
    const urns = await Promise.all(
      [...built().cluster.ready, ...built().cluster.storageReady].map(
        (r) => new Promise<string>((res) => r.urn.apply(res)),
      ),
    );
    const registered = new Set(built().run.resources.map((r) => r.urn));
    for (const u of urns) assert.ok(registered.has(u), u);
    assert.equal(urns.length === 0, expected.target === "existing");
  });
}

describe("the cluster contract, every target", function () {
  this.timeout(60_000);
  for (const [stack, expected] of Object.entries(EXPECTED)) {
    describe(`${expected.target} (example stack ${stack})`, () => {
      let built: Built;
      before(async () => {
        // Encrypted values (`secure:`) are held secret, as Pulumi does.
        const { raw, secretKeys } = exampleForParse(exampleConfig(stack));
        const config = parseConfig(raw, { project: PROJECT, stack, secretKeys });
        built = await build(config.cluster, stack);
      });
      itKeepsTheContract(expected, () => built);
    });
  }
  for (const fixture of FIXTURES) {
    describe(`${fixture.settings.target} (${fixture.name})`, () => {
      let built: Built;
      before(async () => {
        built = await build(fixture.settings, fixture.stack);
      });
      itKeepsTheContract(expectedFor(fixture.settings), () => built);
      const resources = fixture.resources;
      if (resources) {
        it("registers exactly the resource types of its table (tests/expected/resources.ts)", () => {
          assert.deepEqual(built.run.typeCounts(), resources);
        });
      }
    });
  }
});

describe("ClusterComponent", () => {
  class Unpublished extends ClusterComponent {
    readonly target = "existing" as const;
    constructor() {
      super("kube-platform:cluster:Test", "unpublished");
    }
  }

  it("refuses to hand out the contract before the target published it, naming the component", async () => {
    await runResources(() => {
      const c = new Unpublished();
      assert.throws(
        () => c.provider,
        /kube-platform:cluster:Test unpublished: the cluster contract is read before publish\(\)/,
      );
      assert.throws(() => c.ready, /read before publish/);
    });
  });
});
