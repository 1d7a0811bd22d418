/**
 * The real program (index.ts) evaluated under mocks for every example stack.
 */
import * as assert from "assert";
import { ConfigError, parseConfig } from "../stacks/config";
import { Platform } from "../stacks/platform";
import { ProgramRun, RecordedResource, runProgram, runResources } from "../offline/mocks";
import { CHARTS, ChartKey } from "../components/addons/versions";
import { chartValueProblems } from "./helpers/chart-values";
import { validateKubernetesObject } from "./helpers/k8s-schemas";
// The exact resources each example stack registers (type → count), with the component tables.
import { STACK_RESOURCES as EXPECTED_RESOURCES } from "./expected/resources";
import {
  EXAMPLE_STACKS,
  SAMPLE_KUBECONFIG,
  exampleConfig,
  loadStackConfig,
  runExample,
} from "../offline/stacks";
import { exampleForParse } from "./helpers/vault-fixtures";

const run = runExample;

const RELEASE = "kubernetes:helm.sh/v3:Release";

function isKubernetes(r: RecordedResource): boolean {
  return r.type.startsWith("kubernetes:");
}

describe("the program on every example stack", function () {
  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    describe(stack, () => {
      it("evaluates and exports the cluster outputs, the kubeconfig as a secret", async () => {
        const r = await run(stack);
        for (const key of ["target", "clusterName", "kubeconfig", "defaultStorageClass"]) {
          assert.ok(r.outputs[key] !== undefined, `output ${key} missing`);
        }
        assert.ok(r.secretOutputs.has("kubeconfig"), "kubeconfig output is not a secret");
        assert.deepStrictEqual([...r.secretOutputs].sort(), ["grafanaAdminPassword", "kubeconfig"]);
      });

      it("puts every resource under the Platform component with names derived from it", async () => {
        const r = await run(stack);
        const root = r.one("kube-platform:index:Platform");
        assert.strictEqual(root.name, "kp");
        for (const res of r.resources) {
          if (res === root) continue;
          assert.ok(r.dependsOnTransitively(res, root), `${res.type} ${res.name} is not under the platform`);
          assert.match(res.name, /^kp-/, `${res.type} ${res.name} has a hard-coded name`);
        }
        const urns = r.resources.map((x) => x.urn);
        assert.strictEqual(new Set(urns).size, urns.length, "duplicate URNs");
      });

      it("uses the cluster's Kubernetes provider for every Kubernetes object", async () => {
        const r = await run(stack);
        const provider = r.one("pulumi:providers:kubernetes");
        assert.ok(provider.secretInputs.has("kubeconfig"), "the provider's kubeconfig is not a secret");
        for (const res of r.resources.filter(isKubernetes)) {
          assert.strictEqual(
            r.providerUrn(res),
            provider.urn,
            `${res.type} ${res.name} uses another provider`,
          );
        }
      });

      it("registers only Kubernetes objects that satisfy the Kubernetes schemas", async () => {
        const r = await run(stack);
        // A Patch (server-side apply) names only the fields it sets; its content is asserted where it is made.
        const whole = (x: { type: string }) => x.type !== RELEASE && !x.type.endsWith("Patch");
        for (const res of r.resources.filter((x) => isKubernetes(x) && x.custom && whole(x))) {
          assert.doesNotThrow(() => validateKubernetesObject(res.inputs), `${res.type} ${res.name}`);
        }
      });
    });
  }

  it("registers no resource when the config is invalid", async () => {
    const bad = { ...exampleConfig("prod"), profile: "production" };
    await assert.rejects(runProgram(bad, "prod"), (err: ConfigError & { recorded: RecordedResource[] }) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.match(err.message, /profile: got "production"; allowed: "dev" \| "prod"/);
      assert.deepStrictEqual(err.recorded, []);
      return true;
    });
  });
});

/** The cloud's cluster resource of each managed example. */
const CLUSTER_TYPES: Record<string, string> = {
  "eks-dev": "aws:eks/cluster:Cluster",
  prod: "aws:eks/cluster:Cluster",
  gke: "gcp:container/cluster:Cluster",
  aks: "azure-native:containerservice:ManagedCluster",
  doks: "digitalocean:index/kubernetesCluster:KubernetesCluster",
};

describe("exact resource set per example stack", () => {
  it("has an expectation for every example", () => {
    assert.deepStrictEqual(Object.keys(EXPECTED_RESOURCES).sort(), Object.keys(EXAMPLE_STACKS).sort());
  });
  for (const stack of Object.keys(EXPECTED_RESOURCES)) {
    it(stack, async () => {
      const r = await run(stack);
      assert.deepStrictEqual(r.typeCounts(), EXPECTED_RESOURCES[stack]);
    });
  }
});

describe("dev and prod differ only through config", () => {
  it("prod protects the cluster of every managed example; dev protects nothing", async () => {
    for (const [stack, type] of Object.entries(CLUSTER_TYPES)) {
      const r = await run(stack);
      const profile = loadStackConfig(stack).profile;
      assert.strictEqual(r.one(type).protect, profile === "prod", `${stack}: cluster protect`);
    }
    const dev = await run("eks-dev");
    assert.deepStrictEqual(
      dev.resources.filter((x) => x.protect).map((x) => x.name),
      [],
    );
  });

  it("EKS dev: 2 zones, one NAT, CIDR-limited public endpoint; prod: 3 zones, NAT per zone, CIDR-limited public endpoint; both: a node group per pool and zone, STANDARD support", async () => {
    const [dev, prod] = await Promise.all([run("eks-dev"), run("prod")]);
    const summary = (r: ProgramRun) => {
      const cluster = r.one("aws:eks/cluster:Cluster").inputs;
      const vpcConfig = cluster.vpcConfig as Record<string, unknown>;
      return {
        subnets: r.ofType("aws:ec2/subnet:Subnet").length,
        nats: r.ofType("aws:ec2/natGateway:NatGateway").length,
        public: vpcConfig.endpointPublicAccess,
        private: vpcConfig.endpointPrivateAccess,
        cidrs: vpcConfig.publicAccessCidrs,
        nodeGroups: r.ofType("aws:eks/nodeGroup:NodeGroup").length,
        subnetsPerNodeGroup: [
          ...new Set(
            r.ofType("aws:eks/nodeGroup:NodeGroup").map((g) => (g.inputs.subnetIds as unknown[]).length),
          ),
        ],
        supportType: (cluster.upgradePolicy as Record<string, unknown>).supportType,
      };
    };
    assert.deepStrictEqual(summary(dev), {
      subnets: 4,
      nats: 1,
      public: true,
      private: true,
      cidrs: ["203.0.113.0/24"],
      nodeGroups: 2,
      subnetsPerNodeGroup: [1],
      supportType: "STANDARD",
    });
    assert.deepStrictEqual(summary(prod), {
      subnets: 6,
      nats: 3,
      public: true,
      private: true,
      cidrs: ["198.18.0.0/24"],
      nodeGroups: 6,
      subnetsPerNodeGroup: [1],
      supportType: "STANDARD",
    });
  });
});

/**
 * What the cluster's own releases wait for among themselves: the Karpenter controller for its CRDs,
 * the Load Balancer Controller for Karpenter (its pods run on Karpenter's nodes) where it runs.
 */
const CLUSTER_RELEASE_EDGES: Partial<Record<ChartKey, ChartKey[]>> = {
  karpenter: ["karpenterCrd"],
  awsLoadBalancerController: ["karpenterCrd", "karpenter"],
};

/** The pinned chart a recorded release installs. */
function chartKeyOf(release: RecordedResource): ChartKey {
  const key = (Object.keys(CHARTS) as ChartKey[]).find((k) => CHARTS[k].chart === release.inputs.chart);
  assert.ok(key, `release ${release.name} installs an unpinned chart ${String(release.inputs.chart)}`);
  return key;
}

describe("add-ons on every example stack", () => {
  for (const stack of Object.keys(EXAMPLE_STACKS)) {
    describe(stack, () => {
      it("installs pinned charts whose values all exist in the chart and satisfy its schema", async () => {
        const r = await run(stack);
        const releases = r.ofType(RELEASE);
        assert.ok(releases.length >= 4, "ingress, cert-manager, vault and monitoring at least");
        for (const release of releases) {
          const key = chartKeyOf(release);
          const chart: { version: string; repo?: string } = CHARTS[key];
          assert.strictEqual(release.inputs.version, chart.version, release.name);
          assert.deepStrictEqual(
            chartValueProblems(key, release.inputs.values as Record<string, unknown>),
            [],
            release.name,
          );
        }
      });

      it("starts every release once the cluster is ready; only Vault's TLS waits, for its certificate", async () => {
        const r = await run(stack);
        const releases = r.ofType(RELEASE);
        // The cluster's own releases (EKS: Karpenter, the Load Balancer Controller) are in its `ready`:
        // every add-on waits for them, they wait for no add-on, and among them only for what they need.
        const ofCluster = (x: RecordedResource) => x.urn.includes("::kube-platform:cluster:");
        const nodes = r.resources.filter((x) =>
          /nodeGroup:NodeGroup|nodePool:NodePool|containerservice:AgentPool|kubernetesCluster:KubernetesCluster/.test(
            x.type,
          ),
        );
        const vaultCert = r
          .ofType("kubernetes:cert-manager.io/v1:Certificate")
          .find((c) => /vault-tls$/.test(c.name));
        for (const release of releases) {
          for (const node of nodes)
            assert.ok(r.dependsOnTransitively(release, node), `${release.name} → ${node.name}`);
          for (const other of releases) {
            if (other === release) continue;
            const edges = CLUSTER_RELEASE_EDGES[chartKeyOf(release)] ?? [];
            // Vault in ha mode serves TLS: its certificate needs cert-manager, nothing else does.
            const allowed = ofCluster(other)
              ? !ofCluster(release) || edges.includes(chartKeyOf(other))
              : vaultCert && chartKeyOf(release) === "vault" && chartKeyOf(other) === "certManager";
            assert.strictEqual(
              r.dependsOnTransitively(release, other),
              Boolean(allowed),
              `${release.name} / ${other.name}`,
            );
          }
        }
        if (vaultCert) {
          const vault = releases.find((x) => chartKeyOf(x) === "vault")!;
          assert.ok(vault.dependsOn.includes(vaultCert.urn), "Vault waits for its certificate");
          const issuers = r.ofType("kubernetes:cert-manager.io/v1:ClusterIssuer").map((x) => x.urn);
          assert.deepStrictEqual(
            vault.dependsOn.filter((u) => issuers.includes(u)),
            [],
            "Vault does not wait for issuers directly",
          );
        }
      });

      it("orders the CRD users after the release that installs their CRDs", async () => {
        const r = await run(stack);
        const release = (chart: ChartKey) => r.ofType(RELEASE).find((x) => chartKeyOf(x) === chart)!;
        for (const issuer of r.ofType("kubernetes:cert-manager.io/v1:ClusterIssuer")) {
          assert.ok(r.dependsOnTransitively(issuer, release("certManager")), issuer.name);
        }
        for (const sm of r.ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor")) {
          assert.ok(r.dependsOnTransitively(sm, release("monitoring")), sm.name);
        }
      });
    });
  }

  it("on EKS, only the add-ons and apps with volumes wait for the CSI driver and the StorageClass", async () => {
    const r = await run("prod");
    const csi = r.ofType("aws:eks/addon:Addon").find((a) => a.inputs.addonName === "aws-ebs-csi-driver")!;
    const waits = (x: RecordedResource) => r.dependsOnTransitively(x, csi);
    const release = (chart: ChartKey) => r.ofType(RELEASE).find((x) => chartKeyOf(x) === chart)!;
    assert.deepStrictEqual(
      (
        ["vault", "monitoring", "traefik", "certManager", "metricsServer", "clusterAutoscaler"] as ChartKey[]
      ).map((c) => [c, waits(release(c))]),
      [
        ["vault", true],
        ["monitoring", true],
        ["traefik", false],
        ["certManager", false],
        ["metricsServer", false],
        ["clusterAutoscaler", false],
      ],
    );
    assert.strictEqual(
      waits(r.one("kubernetes:apps/v1:Deployment", "-hello-deploy")),
      false,
      "the app only uses emptyDir",
    );
    // An app using Vault waits for Vault's configuration, and so for Vault's volumes.
    assert.strictEqual(waits(r.one("kubernetes:apps/v1:Deployment", "-hello-vault-deploy")), true);
  });

  it("exports what workloads use, per stack", async () => {
    const summary = async (stack: string) => {
      const o = (await run(stack)).outputs;
      return [o.ingressClass, o.clusterIssuer, o.vaultAddress, o.loadBalancerAddress];
    };
    assert.deepStrictEqual(await summary("dev"), [
      "traefik",
      "selfsigned",
      "http://vault.vault.svc:8200",
      (await run("dev")).outputs.loadBalancerAddress,
    ]);
    assert.deepStrictEqual((await summary("prod")).slice(0, 3), [
      "traefik",
      "letsencrypt-prod",
      "https://vault-active.vault.svc:8200",
    ]);
    assert.match(
      String((await run("prod")).outputs.loadBalancerAddress),
      /[a-z]/,
      "EKS load balancers are hostnames",
    );
    assert.match(
      String((await run("gke")).outputs.loadBalancerAddress),
      /^\d+\.\d+\.\d+\.\d+$/,
      "GKE: an IP",
    );
  });
});

describe("existing cluster (the local dev stack on kind)", () => {
  it("creates no cloud resources: the cluster is only a component and its Kubernetes provider", async () => {
    const r = await run("dev");
    const cluster = r.one("kube-platform:cluster:ExistingCluster");
    assert.deepStrictEqual(
      r.resources.filter((x) => x.parent === cluster.urn).map((x) => x.type),
      ["pulumi:providers:kubernetes"],
    );
    assert.deepStrictEqual(
      r.resources.filter((x) => /^(aws|gcp|azure-native|digitalocean):/.test(x.type)).map((x) => x.type),
      [],
    );
    const provider = r.one("pulumi:providers:kubernetes");
    assert.strictEqual(provider.inputs.kubeconfig, SAMPLE_KUBECONFIG);
    // The command's own kind cluster, not kind's default "kind" (which may be a user's own).
    assert.strictEqual(provider.inputs.context, "kind-kube-platform");
    assert.strictEqual(provider.inputs.clusterIdentifier, "existing/kube-platform");
    assert.deepStrictEqual(
      { storage: r.outputs.defaultStorageClass, target: r.outputs.target, name: r.outputs.clusterName },
      { storage: "standard", target: "existing", name: "kube-platform" },
    );
  });

  it("kind has no LoadBalancer: the ingress is a NodePort Service on 30080/30443 reporting 127.0.0.1", async () => {
    const [dev, eks] = await Promise.all([run("dev"), run("eks-dev")]);
    const ingress = (r: ProgramRun) =>
      r.ofType("kubernetes:helm.sh/v3:Release").find((x) => x.inputs.chart === "traefik")!.inputs
        .values as Record<string, Record<string, unknown>>;
    // The platform's Service (components/addons/ingress-service.ts), the chart's off.
    const service = (r: ProgramRun) => {
      const spec = r.one("kubernetes:core/v1:Service", "-ingress-lb").inputs.spec as Record<string, unknown>;
      const ports = spec.ports as Record<string, unknown>[];
      return { type: spec.type, policy: spec.externalTrafficPolicy, nodePorts: ports.map((p) => p.nodePort) };
    };
    const v = ingress(dev);
    assert.deepStrictEqual(
      { service: v.service, ports: v.ports, status: v.providers.kubernetesIngress },
      {
        service: { enabled: false },
        ports: undefined,
        status: { enabled: true, publishedService: { enabled: false }, ingressEndpoint: { ip: "127.0.0.1" } },
      },
    );
    assert.deepStrictEqual(service(dev), { type: "NodePort", policy: "Cluster", nodePorts: [30080, 30443] });
    assert.strictEqual(dev.outputs.loadBalancerAddress, "127.0.0.1");
    // A cloud keeps its LoadBalancer Service.
    assert.deepStrictEqual(service(eks), {
      type: "LoadBalancer",
      policy: "Local",
      nodePorts: [undefined, undefined],
    });
    assert.strictEqual(ingress(eks).ports, undefined);
  });

  it("kind's kubelets serve self-signed certificates: metrics-server runs with --kubelet-insecure-tls", async () => {
    const [dev, eks] = await Promise.all([run("dev"), run("eks-dev")]);
    const args = (r: ProgramRun) =>
      (
        r.ofType("kubernetes:helm.sh/v3:Release").find((x) => x.inputs.chart === "metrics-server")!.inputs
          .values as Record<string, unknown>
      ).args;
    assert.deepStrictEqual(args(dev), ["--kubelet-insecure-tls"]);
    assert.strictEqual(args(eks), undefined);
  });
});

describe("two platforms in one program", () => {
  it("two EKS platforms (prod and dev configs) share no URN and no cloud name", async () => {
    const ctx = { project: "kube-platform", stack: "shared" };
    const parsed = (stack: string) => {
      const { raw, secretKeys } = exampleForParse(exampleConfig(stack));
      return parseConfig(raw, { ...ctx, secretKeys });
    };
    const prod = parsed("prod");
    const dev = parsed("eks-dev");
    const r = await runResources(() => {
      new Platform("blue", prod);
      new Platform("green", dev);
    });
    const urns = r.resources.map((x) => x.urn);
    assert.strictEqual(new Set(urns).size, urns.length, "duplicate URNs");
    const cloudNames = (type: string, key: string) => r.ofType(type).map((x) => String(x.inputs[key]));
    for (const [type, key] of [
      ["aws:eks/cluster:Cluster", "name"],
      ["aws:cloudwatch/logGroup:LogGroup", "name"],
      ["aws:kms/alias:Alias", "name"],
      ["aws:iam/role:Role", "namePrefix"],
      ["aws:ec2/launchTemplate:LaunchTemplate", "namePrefix"],
    ]) {
      const names = cloudNames(type, key);
      assert.strictEqual(new Set(names).size, names.length, `${type}.${key} collides: ${names.join(", ")}`);
    }
  });

  it("do not collide in names or URNs", async () => {
    const ctx = { project: "kube-platform", stack: "dev", readFile: () => SAMPLE_KUBECONFIG };
    const example = exampleForParse(exampleConfig("dev"));
    const a = parseConfig(example.raw, { ...ctx, secretKeys: example.secretKeys });
    const b = parseConfig(
      {
        cluster: { target: "existing", clusterName: "minikube", context: "minikube" },
        kubeconfig: SAMPLE_KUBECONFIG,
      },
      ctx,
    );
    const r = await runResources(() => {
      new Platform("blue", a);
      new Platform("green", b);
    });
    const urns = r.resources.map((x) => x.urn);
    assert.strictEqual(new Set(urns).size, urns.length, `duplicate URNs:\n${urns.join("\n")}`);
    const providers = r.ofType("pulumi:providers:kubernetes");
    assert.deepStrictEqual(providers.map((p) => p.name).sort(), ["blue-cluster-k8s", "green-cluster-k8s"]);
    assert.notStrictEqual(providers[0].inputs.clusterIdentifier, providers[1].inputs.clusterIdentifier);
  });
});
