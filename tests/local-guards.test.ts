// The guards of the local command (automation/local.ts, ./local-kind, ./local-preflight) against
// fakes (tests/helpers/local-machine): a cluster it did not create, a stopped one, an old kind, the
// provider's unreachable hint, and the preflight that gates `up`.

import * as assert from "assert";
import { EXIT } from "../automation/exit-codes";
import { CLUSTER_CHECKS, SHIPPED_STACK, useMachine } from "./helpers/local-machine";

describe("the local command's guards (npm run local) against fake kind, docker and pulumi", function () {
  this.timeout(60000);
  const machine = useMachine();

  it("up and destroy refuse a cluster named kube-platform that npm run local did not create (EXIT.setup)", async () => {
    const t = machine({ clusters: ["kube-platform"], foreign: ["kube-platform"] }, { dev: { exists: true } });
    for (const command of ["up", "destroy"]) {
      const r = await t.run([command]);
      assert.strictEqual(r.code, EXIT.setup, r.stderr);
      assert.deepStrictEqual(r.pulumi, [], `${command}: no Pulumi call`);
      assert.deepStrictEqual(r.tools.slice(-2), CLUSTER_CHECKS);
      assert.match(
        r.stderr,
        /^\[local\] error: the kind cluster "kube-platform" was not created by npm run local \(its node lacks the label kube-platform\/created-by=npm-run-local\)/m,
      );
    }
    const destroy = await t.run(["destroy"]);
    assert.match(destroy.stderr, /nothing was destroyed or deleted$/m);
    assert.ok(!destroy.tools.some((c) => c.startsWith("kind delete")), "the user's cluster is kept");
  });

  it("a cluster whose label cannot be read is not used either (EXIT.setup)", async () => {
    const t = machine({ clusters: ["kube-platform"], kubectlFails: true }, { dev: { exists: true } });
    const r = await t.run(["destroy"]);
    assert.strictEqual(r.code, EXIT.setup, r.stderr);
    assert.deepStrictEqual(r.pulumi, []);
    assert.match(
      r.stderr,
      /cannot tell whether the kind cluster "kube-platform" was created by npm run local/,
    );
    assert.ok(!r.tools.some((c) => c.startsWith("kind delete")));
  });

  it("a stopped cluster: says to start it, checks no port mapping, calls no Pulumi (EXIT.setup)", async () => {
    const t = machine(
      { clusters: ["kube-platform"], status: { "kube-platform": "exited" } },
      { dev: { exists: true } },
    );
    for (const command of ["up", "destroy"]) {
      const r = await t.run([command]);
      assert.strictEqual(r.code, EXIT.setup, r.stderr);
      assert.deepStrictEqual(r.tools.slice(-1), [CLUSTER_CHECKS[0]]);
      assert.deepStrictEqual(r.pulumi, []);
      assert.match(
        r.stderr,
        /^\[local\] error: the kind cluster "kube-platform" is not running \(its node container is exited\)$/m,
      );
      assert.match(r.stderr, /hint: start it with `docker start kube-platform-control-plane`/);
      assert.doesNotMatch(r.stderr, /warning|PULUMI_K8S_DELETE_UNREACHABLE/);
    }
    const paused = await machine({ clusters: ["kube-platform"], status: { "kube-platform": "paused" } }).run(
      [],
    );
    assert.strictEqual(paused.code, EXIT.setup);
    assert.match(paused.stderr, /hint: unpause it with `docker unpause kube-platform-control-plane`/);
  });

  it("a failed up on an existing cluster counters the provider's PULUMI_K8S_DELETE_UNREACHABLE hint", async () => {
    const unreachable =
      "error: configured Kubernetes cluster is unreachable: unable to load schema information from the API " +
      'server: Get "https://127.0.0.1:41234/openapi/v2": dial tcp 127.0.0.1:41234: connect: connection refused\n' +
      "If the cluster has been deleted, you can edit the pulumi state to remove this resource or retry with " +
      "the PULUMI_K8S_DELETE_UNREACHABLE environment variable set to true.";
    const t = machine({ clusters: ["kube-platform"] }, { dev: { exists: true, fail: { up: unreachable } } });
    const r = await t.run(["up"]);
    assert.strictEqual(r.code, EXIT.failed, r.stderr);
    for (const c of r.pulumi) assert.strictEqual(c.deleteUnreachable, null);
    assert.match(
      r.stderr,
      /^\[local\] note: the kind cluster "kube-platform" exists, so do not set PULUMI_K8S_DELETE_UNREACHABLE: /m,
    );
    assert.match(r.stderr, /docker start kube-platform-control-plane, then npm run local again$/m);
    // Another failure gets no such note.
    const other = await machine(
      { clusters: ["kube-platform"] },
      { dev: { exists: true, fail: { up: "error: boom" } } },
    ).run(["up"]);
    assert.strictEqual(other.code, EXIT.failed);
    assert.doesNotMatch(other.stderr, /do not set PULUMI_K8S_DELETE_UNREACHABLE/);
  });

  it("kind older than v0.28 (or of unknown version): warns with the upgrade hint, still deploys", async () => {
    const old = await machine({ clusters: [], kindVersion: "kind v0.27.0 go1.23.6 linux/amd64" }).run([]);
    assert.strictEqual(old.code, 0, old.stderr);
    assert.match(
      old.stderr,
      /^\[local\] warning: kind v0\.27\.0 is older than v0\.28\.0: its kindnet can block kubelet probes .*kubernetes-sigs\/kind#3875.*upgrade: https:\/\/kind\.sigs\.k8s\.io\/docs\/user\/quick-start\/#installation/m,
    );
    const current = await machine({ clusters: [], kindVersion: "kind v0.28.0 go1.24.2 linux/amd64" }).run([]);
    assert.doesNotMatch(current.stderr, /warning/);
    const unknown = await machine({ clusters: [], kindVersion: "something else" }).run([]);
    assert.match(unknown.stderr, /^\[local\] warning: could not read kind's version from "something else"/m);
  });

  it("the preflight gates up: a mandatory violation (a LoadBalancer Service on kind) is refused (EXIT.policy) before any change", async () => {
    // Valid config that a mandatory rule refuses: Grafana's Service made a LoadBalancer, which kind
    // never gives an address (deploy-loadbalancer-available).
    const lb =
      SHIPPED_STACK.replace(/\n*$/, "\n") +
      "  kube-platform:addons:\n    monitoring:\n      values:\n        grafana:\n          service:\n            type: LoadBalancer\n";
    const t = machine({ clusters: [] }, {}, [], lb);
    const r = await t.run([]);
    assert.strictEqual(r.code, EXIT.policy, r.stderr);
    assert.deepStrictEqual(r.tools, [
      "docker info --format {{.ServerVersion}}",
      "kind version",
      "kind get clusters",
    ]);
    assert.deepStrictEqual(r.pulumi, []);
    assert.match(
      r.stderr,
      /^\[local\] error: the preflight refuses Pulumi\.dev\.yaml \(1 mandatory violation\(s\)\); nothing was deployed:$/m,
    );
    assert.match(
      r.stderr,
      /^\[local\] {3}deploy-loadbalancer-available kubernetes:helm\.sh\/v3:Release kp-addons-monitoring-release: creates a LoadBalancer Service \(addons\.monitoring\.values\.grafana\.service\.type: LoadBalancer\)/m,
    );
    assert.match(
      r.stderr,
      /hint: fix Pulumi\.dev\.yaml; the whole report: npm run preflight -- --stack dev$/m,
    );
  });

  it("the preflight gates up: the chart's ingress Service turned back on is refused by config (EXIT.usage)", async () => {
    const chartService =
      SHIPPED_STACK.replace(/\n*$/, "\n") +
      "  kube-platform:addons:\n    ingress:\n      values:\n        service:\n          spec:\n            type: LoadBalancer\n";
    const r = await machine({ clusters: [] }, {}, [], chartService).run([]);
    assert.strictEqual(r.code, EXIT.usage, r.stderr);
    assert.deepStrictEqual(r.pulumi, []);
    assert.ok(!r.tools.some((c) => c.startsWith("kind create")));
    assert.match(r.stderr, /^\[local\] error: Pulumi\.dev\.yaml is invalid:$/m);
    assert.match(
      r.stderr,
      /^\[local\] {3}- addons\.ingress\.values\.service: got \{"spec":\{"type":"LoadBalancer"\}\}; is the traefik chart's Service, which the platform turns off: the ingress Service is the platform's own \(a Pulumi resource, so that a destroy waits until the cloud has deleted its load balancer\)/m,
    );
  });

  it("the preflight gates up: an invalid Pulumi.dev.yaml stops with its problems (EXIT.usage)", async () => {
    const bad = SHIPPED_STACK.replace("loadBalancer: none", "loadBalancer: metallb");
    assert.notStrictEqual(bad, SHIPPED_STACK);
    const r = await machine({ clusters: [] }, {}, [], bad).run([]);
    assert.strictEqual(r.code, EXIT.usage, r.stderr);
    assert.deepStrictEqual(r.pulumi, []);
    assert.ok(!r.tools.some((c) => c.startsWith("kind create")));
    assert.match(r.stderr, /^\[local\] error: Pulumi\.dev\.yaml is invalid:$/m);
    assert.match(
      r.stderr,
      /^\[local\] {3}- cluster\.loadBalancer: got "metallb"; allowed: "available" \| "none"$/m,
    );
  });
});
