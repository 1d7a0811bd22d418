/**
 * The ingress controller's Service in stack config (stacks/ingress-config.ts): the chart's Service
 * values are refused (the Service is the platform's own Pulumi resource), and
 * `addons.ingress.serviceAnnotations` is the typed key for its annotations, checked as the API
 * server checks annotation keys, without the keys the target or the platform sets.
 */
import * as assert from "node:assert/strict";
import { parseConfig } from "../stacks/config";
import { LOAD_BALANCER_SERVICE_ANNOTATIONS } from "../components/cluster/capabilities";
import { annotationKeyProblem } from "../components/shared/annotations";
import { problemsOf } from "./helpers/config-problems";

const ctx = { project: "kube-platform", stack: "test" };
const DOKS = { target: "doks", region: "ams3", apiAllowedAddresses: ["198.18.0.0/24"] };
const EKS = { target: "eks", region: "eu-west-1", publicAccessCidrs: ["198.18.0.0/24"] };
const withIngress = (ingress: Record<string, unknown>, cluster: Record<string, unknown> = DOKS) => ({
  cluster,
  addons: { ingress },
});

const OWNED =
  "which the platform turns off: the ingress Service is the platform's own (a Pulumi resource, so that a " +
  "destroy waits until the cloud has deleted its load balancer), and a chart Service would be a second one " +
  "of the same name; use addons.ingress.serviceAnnotations for its annotations (e.g. an internal load " +
  "balancer); its type follows cluster.loadBalancer";
const KEY_FORMAT =
  'an optional DNS-subdomain prefix and "/", then a name of at most 63 letters, digits, "-", "_" or "." ' +
  "starting and ending with a letter or digit (e.g. service.beta.kubernetes.io/aws-load-balancer-internal)";

describe("stack config: the ingress controller's Service", () => {
  it("refuses the traefik chart's Service values, naming the key, why and what to use", () => {
    assert.deepEqual(
      problemsOf(withIngress({ values: { service: { spec: { type: "LoadBalancer" } } } }), ctx),
      [
        `addons.ingress.values.service: got {"spec":{"type":"LoadBalancer"}}; is the traefik chart's Service, ${OWNED}`,
      ],
    );
    assert.deepEqual(problemsOf(withIngress({ values: { service: { enabled: true } } }), ctx), [
      `addons.ingress.values.service: got {"enabled":true}; is the traefik chart's Service, ${OWNED}`,
    ]);
    // One line for the refused key: none from the chart check for a mistyped key under it.
    assert.deepEqual(problemsOf(withIngress({ values: { service: { enabeld: true } } }), ctx), [
      `addons.ingress.values.service: got {"enabeld":true}; is the traefik chart's Service, ${OWNED}`,
    ]);
  });

  it("refuses the F5 NGINX chart's controller.service values; other controller values pass", () => {
    assert.deepEqual(
      problemsOf(
        withIngress({
          controller: "nginx",
          values: { controller: { service: { create: true }, replicaCount: 2 } },
        }),
        ctx,
      ),
      [
        `addons.ingress.values.controller.service: got {"create":true}; is the nginx chart's Service, ${OWNED}`,
      ],
    );
    assert.deepEqual(
      problemsOf(withIngress({ controller: "nginx", values: { controller: { replicaCount: 2 } } }), ctx),
      [],
    );
    // traefik's other values pass (its chart has no `controller`, which the chart check reports).
    assert.deepEqual(
      problemsOf(withIngress({ values: { ingressRoute: { dashboard: { enabled: false } } } }), ctx),
      [],
    );
  });

  it("takes serviceAnnotations into the typed settings (default: none)", () => {
    const internal = { "service.beta.kubernetes.io/do-loadbalancer-type": "REGIONAL_NETWORK" };
    const cfg = parseConfig(withIngress({ serviceAnnotations: internal }), ctx);
    assert.deepEqual(cfg.addons.ingress.serviceAnnotations, internal);
    assert.deepEqual(parseConfig({ cluster: DOKS }, ctx).addons.ingress.serviceAnnotations, {});
    const eks = {
      "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": "team=platform",
      team: "platform",
    };
    assert.deepEqual(
      parseConfig({ ...withIngress({ serviceAnnotations: eks }, EKS) }, { ...ctx, stack: "eks" }).addons
        .ingress.serviceAnnotations,
      eks,
    );
  });

  it("takes a boolean or an integer value as its text (YAML's unquoted true, `config set --path`)", () => {
    const typed = { "service.beta.kubernetes.io/azure-load-balancer-internal": true, "example.com/ttl": 60 };
    assert.deepEqual(
      parseConfig(withIngress({ serviceAnnotations: typed }), ctx).addons.ingress.serviceAnnotations,
      {
        "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
        "example.com/ttl": "60",
      },
    );
  });

  it("checks each key as the API server does, and the values are strings", () => {
    const bad = {
      "a/b/c": "x",
      "/name": "x",
      "Not_A.Domain/name": "x",
      "example.com/": "x",
      "example.com/-dash": "x",
      ["n".repeat(64)]: "x",
      "example.com/ok": 1.5,
      "example.com/obj": { a: "b" },
    };
    assert.deepEqual(problemsOf(withIngress({ serviceAnnotations: bad }), ctx), [
      `addons.ingress.serviceAnnotations.a/b/c: the key "a/b/c" is invalid; it must be an annotation key (it has more than one "/"): ${KEY_FORMAT}`,
      `addons.ingress.serviceAnnotations./name: the key "/name" is invalid; it must be an annotation key (its prefix before "/" is empty): ${KEY_FORMAT}`,
      `addons.ingress.serviceAnnotations.Not_A.Domain/name: the key "Not_A.Domain/name" is invalid; it must be an annotation key (its prefix "Not_A.Domain" is not a DNS subdomain (letters, digits, "-" and ".", at most 253)): ${KEY_FORMAT}`,
      `addons.ingress.serviceAnnotations.example.com/: the key "example.com/" is invalid; it must be an annotation key (its name is empty): ${KEY_FORMAT}`,
      `addons.ingress.serviceAnnotations.example.com/-dash: the key "example.com/-dash" is invalid; it must be an annotation key (its name "-dash" is not letters, digits, "-", "_" and "." starting and ending with a letter or digit): ${KEY_FORMAT}`,
      `addons.ingress.serviceAnnotations.${"n".repeat(64)}: the key "${"n".repeat(64)}" is invalid; it must be an annotation key (its name is longer than 63 characters): ${KEY_FORMAT}`,
      "addons.ingress.serviceAnnotations.example.com/ok: got 1.5; expected string",
      'addons.ingress.serviceAnnotations.example.com/obj: got {"a":"b"}; expected string',
    ]);
  });

  it("annotation keys: the boundaries of the API server's rule", () => {
    const accepted = [
      "a",
      "n".repeat(63),
      "Example.COM/Name_1.x-y",
      `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}/x`,
      "networking.gke.io/load-balancer-type",
      "service.beta.kubernetes.io/azure-load-balancer-internal",
    ];
    for (const k of accepted) assert.equal(annotationKeyProblem(k), undefined, k);
    const refused = [
      "",
      "_a",
      "a_",
      "a b",
      "n".repeat(64),
      `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(62)}/x`,
      "a..b/x",
      "-a.com/x",
    ];
    for (const k of refused) assert.notEqual(annotationKeyProblem(k), undefined, k);
  });

  it("refuses more than the API server's 256 KiB of annotations", () => {
    const big = { a: "x".repeat(256 * 1024 - 1) };
    assert.deepEqual(problemsOf(withIngress({ serviceAnnotations: big }), ctx), []);
    assert.deepEqual(problemsOf(withIngress({ serviceAnnotations: { ...big, b: "" } }), ctx), [
      `addons.ingress.serviceAnnotations: got {"a":"${"x".repeat(71)}...; holds 262145 bytes of keys and values; the API server takes at most 262144 for all of a Service's annotations`,
    ]);
  });

  it("refuses the keys the target sets (EKS: the controller's NLB type and target type) and the platform's external-dns record", () => {
    assert.deepEqual(LOAD_BALANCER_SERVICE_ANNOTATIONS.eks, {
      "service.beta.kubernetes.io/aws-load-balancer-type": "external",
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    });
    const nlb = { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" };
    assert.deepEqual(problemsOf(withIngress({ serviceAnnotations: nlb }, EKS), { ...ctx, stack: "eks" }), [
      'addons.ingress.serviceAnnotations.service.beta.kubernetes.io/aws-load-balancer-type: got "nlb"; is set by the platform on cluster.target eks (to "external": the load balancer the ingress is reached by); remove it',
    ]);
    // Not the target's on DOKS: the cloud ignores it, the platform sets nothing there.
    assert.deepEqual(problemsOf(withIngress({ serviceAnnotations: nlb }), ctx), []);
    const record = { "external-dns.alpha.kubernetes.io/hostname": "ingress.example.org" };
    for (const [cluster, stack] of [
      [DOKS, "test"],
      [EKS, "eks"],
    ] as const) {
      assert.deepEqual(problemsOf(withIngress({ serviceAnnotations: record }, cluster), { ...ctx, stack }), [
        'addons.ingress.serviceAnnotations.external-dns.alpha.kubernetes.io/hostname: got "ingress.example.org"; is set by the platform from addons.dns.ingressHostname (external-dns\'s record of the ingress); set that instead',
      ]);
    }
    // What the target sets from cluster.loadBalancerScheme, and the in-tree `internal` annotation the
    // controller's scheme would overrule (a stack that set it for an internal load balancer).
    const scheme = {
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
      "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
      "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes":
        "deregistration_delay.timeout_seconds=30",
    };
    assert.deepEqual(problemsOf(withIngress({ serviceAnnotations: scheme }, EKS), { ...ctx, stack: "eks" }), [
      'addons.ingress.serviceAnnotations.service.beta.kubernetes.io/aws-load-balancer-scheme: got "internal"; is set by the platform on cluster.target eks from cluster.loadBalancerScheme (the load balancer the ingress is reached by); remove it and set cluster.loadBalancerScheme',
      'addons.ingress.serviceAnnotations.service.beta.kubernetes.io/aws-load-balancer-internal: got "true"; is set by the platform on cluster.target eks from cluster.loadBalancerScheme (the load balancer the ingress is reached by); remove it and set cluster.loadBalancerScheme',
      'addons.ingress.serviceAnnotations.service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: got "deregistration_delay.timeout_seconds=30"; is set by the platform on cluster.target eks from cluster.loadBalancerScheme (the load balancer the ingress is reached by); remove it and set cluster.loadBalancerScheme',
    ]);
    // Not the target's on DOKS either.
    assert.deepEqual(problemsOf(withIngress({ serviceAnnotations: scheme }), ctx), []);
    // Other external-dns annotations are the user's.
    const ttl = { "external-dns.alpha.kubernetes.io/ttl": "60" };
    assert.deepEqual(problemsOf(withIngress({ serviceAnnotations: ttl }, EKS), { ...ctx, stack: "eks" }), []);
  });
});
