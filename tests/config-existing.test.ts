/**
 * Config of the `existing` target: what an adopted cluster provides (a LoadBalancer
 * implementation or not, the ingress node ports and their address, the kubelets' serving
 * certificates), and the shipped local stack (Pulumi.dev.yaml) with its kind cluster config.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError, parseConfig } from "../stacks/config";
import { ExistingSettings } from "../components/cluster/types";
import { ROOT, SAMPLE_KUBECONFIG, loadStackConfig } from "../offline/stacks";
import { exampleForParse } from "./helpers/vault-fixtures";

const ctx = { project: "kube-platform", stack: "dev" };

function problemsOf(cluster: Record<string, unknown>): string[] {
  try {
    parseConfig({ cluster: { target: "existing", ...cluster }, kubeconfig: SAMPLE_KUBECONFIG }, ctx);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
  return [];
}

function existing(cluster: Record<string, unknown>): ExistingSettings {
  const cfg = parseConfig(
    { cluster: { target: "existing", ...cluster }, kubeconfig: SAMPLE_KUBECONFIG },
    ctx,
  );
  assert.ok(cfg.cluster.target === "existing");
  return cfg.cluster;
}

describe("existing cluster config: what the adopted cluster provides", () => {
  it("defaults: a LoadBalancer implementation and CA-signed kubelet certificates; node ports 30080/30443 at 127.0.0.1", () => {
    const c = existing({});
    assert.deepStrictEqual(
      {
        loadBalancer: c.loadBalancer,
        ingressNodePorts: c.ingressNodePorts,
        ingressAddress: c.ingressAddress,
        kubeletServingCerts: c.kubeletServingCerts,
        hasMetricsApi: c.hasMetricsApi,
      },
      {
        loadBalancer: "available",
        ingressNodePorts: { http: 30080, https: 30443 },
        ingressAddress: "127.0.0.1",
        kubeletServingCerts: "trusted",
        hasMetricsApi: false,
      },
    );
  });

  it("passes the declared values through", () => {
    const c = existing({
      loadBalancer: "none",
      ingressNodePorts: { http: 31080, https: 31443 },
      ingressAddress: "node1.lab.example.net",
      kubeletServingCerts: "selfSigned",
    });
    assert.deepStrictEqual(
      [c.loadBalancer, c.ingressNodePorts, c.ingressAddress, c.kubeletServingCerts],
      ["none", { http: 31080, https: 31443 }, "node1.lab.example.net", "selfSigned"],
    );
    assert.deepStrictEqual(existing({ ingressNodePorts: { https: 32000 } }).ingressNodePorts, {
      http: 30080,
      https: 32000,
    });
  });

  it("refuses an unknown loadBalancer or kubeletServingCerts value, naming the allowed ones", () => {
    assert.deepStrictEqual(problemsOf({ loadBalancer: "metallb" }), [
      'cluster.loadBalancer: got "metallb"; allowed: "available" | "none"',
    ]);
    assert.deepStrictEqual(problemsOf({ kubeletServingCerts: "insecure" }), [
      'cluster.kubeletServingCerts: got "insecure"; allowed: "trusted" | "selfSigned"',
    ]);
  });

  it("node ports must lie in the API server's default NodePort range and differ", () => {
    assert.deepStrictEqual(problemsOf({ ingressNodePorts: { http: 80, https: 40000 } }), [
      "cluster.ingressNodePorts.http: got 80; must be a node port in the default range 30000-32767",
      "cluster.ingressNodePorts.https: got 40000; must be a node port in the default range 30000-32767",
    ]);
    assert.deepStrictEqual(problemsOf({ ingressNodePorts: { http: 30080, https: 30080 } }), [
      "cluster.ingressNodePorts.https: got 30080; must differ from ingressNodePorts.http (30080): one Service cannot use a node port twice",
    ]);
    assert.deepStrictEqual(problemsOf({ ingressNodePorts: { http: 30000, https: 32767 } }), []);
    assert.deepStrictEqual(problemsOf({ ingressNodePorts: { http: 30080, tls: 30443 } }), [
      "cluster.ingressNodePorts.tls: unknown key; allowed keys here: http, https",
    ]);
  });

  it("ingressAddress is an IPv4 address or a DNS name", () => {
    assert.deepStrictEqual(problemsOf({ ingressAddress: "Not An Address" }), [
      'cluster.ingressAddress: got "Not An Address"; must be an IPv4 address or a lowercase DNS name, like "127.0.0.1"',
    ]);
    assert.deepStrictEqual(problemsOf({ ingressAddress: "192.168.49.2" }), []);
    assert.deepStrictEqual(problemsOf({ ingressAddress: "localhost" }), []);
  });
});

describe("the local dev stack (Pulumi.dev.yaml) and its kind cluster (examples/kind-cluster.yaml)", () => {
  // Encrypted values (`secure:`) are held secret, as Pulumi does.
  const { raw, secretKeys } = exampleForParse(loadStackConfig("dev"));
  const cluster = raw.cluster as Record<string, unknown>;
  const kind = parse(fs.readFileSync(path.join(ROOT, "examples/kind-cluster.yaml"), "utf8")) as {
    kind: string;
    apiVersion: string;
    name: string;
    nodes: { role: string; labels?: Record<string, string>; extraPortMappings?: Record<string, unknown>[] }[];
  };

  it("declares kind as it is: no LoadBalancer, self-signed kubelet certificates, no metrics API", () => {
    const read: string[] = [];
    const cfg = parseConfig(raw, {
      ...ctx,
      secretKeys,
      readFile: (p) => {
        read.push(p);
        return SAMPLE_KUBECONFIG;
      },
    });
    assert.ok(cfg.cluster.target === "existing");
    const c = cfg.cluster;
    assert.deepStrictEqual(
      [
        c.clusterName,
        c.context,
        c.defaultStorageClass,
        c.loadBalancer,
        c.kubeletServingCerts,
        c.hasMetricsApi,
      ],
      ["kube-platform", "kind-kube-platform", "standard", "none", "selfSigned", false],
    );
    assert.deepStrictEqual(
      [c.ingressNodePorts, c.ingressAddress],
      [{ http: 30080, https: 30443 }, "127.0.0.1"],
    );
    // Only the kind cluster's own kubeconfig (written by `npm run local`), not ~/.kube/config.
    assert.deepStrictEqual(read, ["~/.local/state/kube-platform/kind-kubeconfig.yaml"]);
  });

  it("the kind config maps exactly the stack's node ports to 127.0.0.1:80 and :443 on its one node", () => {
    assert.deepStrictEqual(
      [kind.kind, kind.apiVersion, kind.name],
      ["Cluster", "kind.x-k8s.io/v1alpha4", "kube-platform"],
    );
    assert.deepStrictEqual(
      kind.nodes.map((n) => n.role),
      ["control-plane"],
    );
    const ports = cluster.ingressNodePorts as { http: number; https: number };
    assert.deepStrictEqual(kind.nodes[0].extraPortMappings, [
      { containerPort: ports.http, hostPort: 80, listenAddress: "127.0.0.1", protocol: "TCP" },
      { containerPort: ports.https, hostPort: 443, listenAddress: "127.0.0.1", protocol: "TCP" },
    ]);
    assert.strictEqual(cluster.ingressAddress, "127.0.0.1");
  });

  it("the context is the one kind names after the cluster (kind-<name>)", () => {
    assert.strictEqual(cluster.context, `kind-${kind.name}`);
    assert.strictEqual(cluster.clusterName, kind.name);
  });

  it("the cluster is not kind's default one, and its node carries the label npm run local checks", () => {
    // "kind" is the name `kind create cluster` gives when none is passed: a user's own cluster.
    assert.notStrictEqual(kind.name, "kind");
    assert.deepStrictEqual(kind.nodes[0].labels, { "kube-platform/created-by": "npm-run-local" });
  });
});
