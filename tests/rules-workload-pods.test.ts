/**
 * The per-workload rules with their exact messages and boundaries (rules/workload/pod-security.ts,
 * containers.ts) and the pod template reader they share (templates.ts podTemplateOf, workloadRule).
 */
import * as assert from "assert";
import { ResourceRule, ResourceUnderTest, RuleContext } from "../rules";
import {
  capabilities,
  cpuRequest,
  highUid,
  imagePinProblem,
  isWorkload,
  kindOf,
  livenessProbe,
  memoryLimit,
  noHostNamespaces,
  noHostPath,
  noHostPort,
  noRootUid,
  noServiceAccountToken,
  podTemplateOf,
  seccomp,
  workloadTypes,
} from "../rules/workload";

const DEV: RuleContext = { profile: "dev" };
type Spec = Record<string, unknown>;

function deployment(spec: Spec, meta: Spec = { name: "web", namespace: "shop" }): ResourceUnderTest {
  return {
    type: "kubernetes:apps/v1:Deployment",
    name: "shop-web",
    inputs: { metadata: meta, spec: { template: { metadata: { labels: { app: "web" } }, spec } } },
  };
}

/** The messages of `rule` on a Deployment whose pod spec is `spec`. */
const check = (rule: ResourceRule, spec: Spec) => rule.check(deployment(spec), DEV);
/** A pod spec with one container "app" of securityContext `sc` (and the pod's `podSc`). */
const one = (sc: Spec, podSc?: Spec, extra: Spec = {}): Spec => ({
  ...(podSc ? { securityContext: podSc } : {}),
  containers: [{ name: "app", securityContext: sc, ...extra }],
});

describe("pod security rules: messages and boundaries", () => {
  it("k8s-no-root-uid: uid 0 on the pod or a container, not 1", () => {
    assert.deepStrictEqual(check(noRootUid, one({}, { runAsUser: 0 })), [
      "pod securityContext.runAsUser is 0 (root)",
    ]);
    assert.deepStrictEqual(check(noRootUid, one({ runAsUser: 0 })), [
      'container "app": securityContext.runAsUser is 0 (root)',
    ]);
    assert.deepStrictEqual(check(noRootUid, one({ runAsUser: 1 }, { runAsUser: 1 })), []);
  });

  it("k8s-high-uid: 10000 accepted, 9999 refused, unset named; the container's uid wins", () => {
    assert.deepStrictEqual(check(highUid, one({ runAsUser: 10000 })), []);
    assert.deepStrictEqual(check(highUid, one({}, { runAsUser: 10000 })), []);
    assert.deepStrictEqual(check(highUid, one({ runAsUser: 9999 })), [
      'container "app": runAsUser 9999 is below 10000',
    ]);
    assert.deepStrictEqual(check(highUid, one({ runAsUser: 9999 }, { runAsUser: 20000 })), [
      'container "app": runAsUser 9999 is below 10000',
    ]);
    assert.deepStrictEqual(check(highUid, one({})), [
      `container "app": runAsUser is not set (the image's USER decides); use a UID >= 10000`,
    ]);
  });

  it("k8s-capabilities: drop ALL, add at most NET_BIND_SERVICE (with or without CAP_)", () => {
    const caps = (capabilities: Spec) => one({ capabilities });
    assert.deepStrictEqual(check(capabilities, caps({ drop: ["ALL"], add: ["NET_BIND_SERVICE"] })), []);
    assert.deepStrictEqual(check(capabilities, caps({ drop: ["ALL"], add: ["CAP_NET_BIND_SERVICE"] })), []);
    assert.deepStrictEqual(check(capabilities, caps({ drop: ["ALL"], add: ["NET_BIND_SERVICECAP_"] })), [
      'container "app": capabilities.add has NET_BIND_SERVICECAP_ (only NET_BIND_SERVICE allowed)',
    ]);
    assert.deepStrictEqual(check(capabilities, caps({ drop: ["NET_RAW"], add: ["NET_ADMIN", "SYS_TIME"] })), [
      'container "app": capabilities.drop does not include "ALL"; capabilities.add has NET_ADMIN, SYS_TIME (only NET_BIND_SERVICE allowed)',
    ]);
  });

  it("k8s-seccomp: RuntimeDefault, Localhost with a profile; others named", () => {
    const profile = (seccompProfile: Spec) => one({ seccompProfile });
    assert.deepStrictEqual(check(seccomp, profile({ type: "RuntimeDefault" })), []);
    assert.deepStrictEqual(check(seccomp, profile({ type: "Localhost", localhostProfile: "p.json" })), []);
    assert.deepStrictEqual(check(seccomp, profile({ type: "Localhost" })), [
      'container "app": seccompProfile Localhost without localhostProfile',
    ]);
    assert.deepStrictEqual(check(seccomp, profile({ type: "Unconfined", localhostProfile: "p.json" })), [
      'container "app": seccompProfile type Unconfined (RuntimeDefault or Localhost required)',
    ]);
    assert.deepStrictEqual(check(seccomp, one({})), [
      'container "app": no seccompProfile (set type RuntimeDefault on the pod or the container)',
    ]);
  });

  it("k8s-no-host-namespaces names each host namespace", () => {
    assert.deepStrictEqual(check(noHostNamespaces, { ...one({}), hostPID: true, hostNetwork: "true" }), [
      "hostPID is true",
      "hostNetwork is true",
    ]);
    assert.deepStrictEqual(check(noHostNamespaces, { ...one({}), hostIPC: false }), []);
  });

  it("k8s-no-host-path names the volume and path; a null hostPath is none", () => {
    const volumes = (...v: Spec[]) => ({ ...one({}), volumes: v });
    assert.deepStrictEqual(
      check(
        noHostPath,
        volumes({ name: "logs", hostPath: { path: "/var/log" } }, { name: "tmp", emptyDir: {} }),
      ),
      ['volume "logs" is a hostPath (/var/log)'],
    );
    assert.deepStrictEqual(check(noHostPath, volumes({ hostPath: {} })), ['volume "?" is a hostPath (?)']);
    assert.deepStrictEqual(check(noHostPath, volumes({ name: "x", hostPath: null })), []);
  });

  it("k8s-no-host-port lists the host ports; hostPort 0 is none", () => {
    const ports = (...p: Spec[]) => one({}, undefined, { ports: p });
    assert.deepStrictEqual(
      check(noHostPort, ports({ containerPort: 80, hostPort: 80 }, { hostPort: "8443" })),
      ['container "app": hostPort 80, 8443'],
    );
    assert.deepStrictEqual(
      check(noHostPort, ports({ containerPort: 80, hostPort: 0 }, { containerPort: 81 })),
      [],
    );
  });
});

describe("container rules: messages and inputs", () => {
  it("resources: a number or a quantity string is set; the message names the path", () => {
    const resources = (r: Spec) => ({ containers: [{ name: "app", resources: r }] });
    assert.deepStrictEqual(check(cpuRequest, resources({ requests: { cpu: 1 } })), []);
    assert.deepStrictEqual(check(cpuRequest, resources({ requests: { cpu: "250m" } })), []);
    assert.deepStrictEqual(check(cpuRequest, resources({ requests: { cpu: "" } })), [
      'container "app": resources.requests.cpu is not set',
    ]);
    assert.deepStrictEqual(check(memoryLimit, resources({ limits: { memory: 512 } })), []);
    assert.deepStrictEqual(check(memoryLimit, resources({ requests: { memory: "1Gi" } })), [
      'container "app": resources.limits.memory is not set',
    ]);
  });

  it("image references: digests anchored, tags on the last segment", () => {
    const digest = "0".repeat(64);
    assert.strictEqual(imagePinProblem(`nginx@sha256:${digest}`), undefined);
    assert.strictEqual(
      imagePinProblem(`nginx@xsha256:${digest}`),
      `image nginx@xsha256:${digest} has a malformed digest`,
    );
    assert.strictEqual(
      imagePinProblem(`nginx@sha256:${digest}0`),
      `image nginx@sha256:${digest}0 has a malformed digest`,
    );
    assert.strictEqual(imagePinProblem("registry.local/:1.2"), undefined);
    assert.strictEqual(
      imagePinProblem("localhost:5000/nginx"),
      "image localhost:5000/nginx has no tag (means :latest); pin a version or a digest",
    );
    assert.strictEqual(
      imagePinProblem("nginx:latest"),
      'image nginx:latest uses the "latest" tag; pin a version or a digest',
    );
    assert.strictEqual(imagePinProblem(""), "no image");
  });

  it("k8s-no-service-account-token: false passes, true and unset are named, the Vault Agent is exempt", () => {
    assert.deepStrictEqual(check(noServiceAccountToken, { automountServiceAccountToken: false }), []);
    assert.deepStrictEqual(check(noServiceAccountToken, { automountServiceAccountToken: true }), [
      "automountServiceAccountToken is true (waive the rule if the app calls the Kubernetes API)",
    ]);
    assert.deepStrictEqual(check(noServiceAccountToken, {}), ["automountServiceAccountToken is not false"]);
  });
});

describe("pod templates: the reader and the rule builder", () => {
  it("labels containers by kind, name or index; defaults the namespace", () => {
    const spec = {
      initContainers: [{ name: "migrate" }],
      containers: [{ name: "app" }, { image: "x:1" }],
      ephemeralContainers: [{ name: "debug" }],
    };
    const pt = podTemplateOf(deployment(spec, {}))!;
    assert.deepStrictEqual(
      pt.containers.map((c) => [c.label, c.init]),
      [
        ['init container "migrate"', true],
        ['container "app"', false],
        ['container "#1"', false],
        ['ephemeral container "debug"', true],
      ],
    );
    assert.deepStrictEqual([pt.kind, pt.name, pt.namespace], ["Deployment", undefined, "default"]);
  });

  it("probes are checked on main containers only (not init, not ephemeral)", () => {
    const spec = {
      initContainers: [{ name: "migrate" }],
      containers: [{ name: "app" }],
      ephemeralContainers: [{ name: "debug" }],
    };
    assert.deepStrictEqual(check(livenessProbe, spec), ['container "app": no livenessProbe']);
    assert.deepStrictEqual(check(livenessProbe, { containers: [{ name: "app", livenessProbe: {} }] }), []);
  });

  it("a rule's check on a non-workload finds nothing; kinds and types", () => {
    const svc = { type: "kubernetes:core/v1:Service", name: "svc", inputs: { spec: { containers: [{}] } } };
    assert.deepStrictEqual(noHostPort.check(svc, DEV), []);
    assert.deepStrictEqual(livenessProbe.check(svc, DEV), []);
    assert.strictEqual(podTemplateOf(svc), undefined);
    assert.strictEqual(isWorkload(svc), false);
    assert.strictEqual(kindOf({ type: "kubernetes:batch/v1:CronJob" }), "CronJob");
    assert.strictEqual(kindOf({ type: "Plain" }), "Plain");
    assert.deepStrictEqual(workloadTypes(), [
      "kubernetes:core/v1:Pod",
      "kubernetes:core/v1:ReplicationController",
      "kubernetes:apps/v1:Deployment",
      "kubernetes:apps/v1:StatefulSet",
      "kubernetes:apps/v1:DaemonSet",
      "kubernetes:apps/v1:ReplicaSet",
      "kubernetes:batch/v1:Job",
      "kubernetes:batch/v1:CronJob",
    ]);
    assert.deepStrictEqual(
      workloadTypes((k) => k.startsWith("Replica")),
      ["kubernetes:core/v1:ReplicationController", "kubernetes:apps/v1:ReplicaSet"],
    );
    const job = {
      type: "kubernetes:batch/v1:Job",
      name: "j",
      inputs: { spec: { template: { spec: { containers: [{ name: "c" }] } } } },
    };
    assert.strictEqual(livenessProbe.appliesTo(job), false);
    assert.strictEqual(livenessProbe.appliesTo(deployment({})), true);
    assert.strictEqual(livenessProbe.appliesTo(svc), false);
  });
});
