/**
 * addons.ingress.serviceAnnotations on the platform's ingress Service
 * (components/addons/ingress-service.ts): after the target's own annotations, beside the platform's
 * external-dns record, on both controllers; a secret from a secret `addons` config key; and through
 * the whole program from stack config.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { markSecretValues } from "../components/addons/base";
import {
  EXTERNAL_DNS_HOSTNAME_ANNOTATION,
  IngressController,
  controllerServiceAnnotations,
} from "../components/addons/ingress";
import { IngressSettings } from "../components/addons/types";
import { ClusterLoadBalancer } from "../components/cluster/types";
import { ProgramRun, RecordedResource, runProgram, runResources, secret } from "../offline/mocks";
import { exampleConfig } from "../offline/stacks";

const SERVICE = "kubernetes:core/v1:Service";
/** EKS: the AWS Load Balancer Controller's internet-facing NLB with IP targets. */
const NLB = {
  "service.beta.kubernetes.io/aws-load-balancer-type": "external",
  "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
  "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "preserve_client_ip.enabled=true",
};
const EKS: ClusterLoadBalancer = {
  addressKind: "hostname",
  serviceAnnotations: NLB,
  loadBalancerClass: "service.k8s.aws/nlb",
};
/** The user's: who may reach the NLB, and tags on what the controller creates (config allows both on EKS). */
const INTERNAL = {
  "service.beta.kubernetes.io/load-balancer-source-ranges": "203.0.113.0/24",
  "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": "team=platform",
};
const HOST = "ingress.kube-platform.dev";

function settings(controller: IngressSettings["controller"], serviceAnnotations: Record<string, string>) {
  return { enabled: true, controller, replicas: 1, className: controller, values: {}, serviceAnnotations };
}

async function ingressService(s: IngressSettings, lb: ClusterLoadBalancer, dnsHostname?: string) {
  const run = await runResources(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
    const cluster = new pulumi.ComponentResource("test:index:Cluster", "cluster", {});
    new IngressController("ingress", {
      settings: s,
      ctx: { provider, dependsOn: [cluster], highAvailability: false, kubernetesVersion: "1.34" },
      loadBalancer: lb,
      dnsHostname,
    }).expose();
  });
  return run.one(SERVICE);
}

const annotationsOf = (r: RecordedResource): unknown =>
  (r.inputs.metadata as { annotations?: unknown }).annotations;

describe("addons.ingress.serviceAnnotations on the ingress Service", () => {
  it("come after the target's own, beside the ingress's external-dns record (both controllers)", async () => {
    for (const controller of ["traefik", "nginx"] as const) {
      const service = await ingressService(settings(controller, INTERNAL), EKS, HOST);
      assert.deepEqual(
        annotationsOf(service),
        { ...NLB, ...INTERNAL, "external-dns.alpha.kubernetes.io/hostname": HOST },
        controller,
      );
      assert.equal(service.secretInputs.has("metadata"), false, "plain config stays readable");
    }
  });

  it("merge order: the target's, then the user's, then the platform's record (config refuses overlaps)", () => {
    const user = { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb", "example.com/a": "b" };
    assert.deepEqual(
      controllerServiceAnnotations(EKS, HOST, { ...user, [EXTERNAL_DNS_HOSTNAME_ANNOTATION]: "x" }),
      {
        ...NLB,
        "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
        "example.com/a": "b",
        [EXTERNAL_DNS_HOSTNAME_ANNOTATION]: HOST,
      },
    );
    assert.deepEqual(controllerServiceAnnotations(EKS, undefined), NLB);
  });

  it("none: only the target's", async () => {
    const service = await ingressService(settings("traefik", {}), EKS);
    assert.deepEqual(annotationsOf(service), NLB);
  });

  it("from a secret addons key: the Service's annotations are a secret (its name is not)", async () => {
    const marked: Record<string, string> = { ...INTERNAL };
    markSecretValues(marked);
    const service = await ingressService(settings("traefik", marked), EKS);
    assert.equal(service.secretInputs.has("metadata"), true);
    assert.deepEqual(annotationsOf(service), { ...NLB, ...INTERNAL });
    assert.equal((service.inputs.metadata as { name?: unknown }).name, "traefik");
    // Nothing of the user's to hide: no secret.
    const none: Record<string, string> = {};
    markSecretValues(none);
    const empty = await ingressService(settings("traefik", none), EKS);
    assert.equal(empty.secretInputs.has("metadata"), false);
  });

  it("reach the Service from stack config, and stay secret under a secret addons key", async () => {
    const dev = exampleConfig("dev");
    const addons = { ingress: { serviceAnnotations: { "example.com/team": "platform" } } };
    const plain = (await runProgram({ ...dev, addons })).one(SERVICE, "kp-addons-ingress-lb");
    assert.deepEqual(annotationsOf(plain), { "example.com/team": "platform" });
    assert.equal(plain.secretInputs.has("metadata"), false);
    const run: ProgramRun = await runProgram({ ...dev, addons: secret(addons) });
    const hidden = run.one(SERVICE, "kp-addons-ingress-lb");
    assert.equal(hidden.secretInputs.has("metadata"), true);
    assert.deepEqual(annotationsOf(hidden), { "example.com/team": "platform" });
  });
});
