/**
 * The AWS Load Balancer Controller of the EKS target (components/cluster/eks/load-balancer-controller/):
 * what the cluster publishes for LoadBalancer Services (the contract's loadBalancer).
 */
import * as assert from "assert";
import {
  POD_READINESS_GATE_NAMESPACE_LABELS,
  eksLoadBalancer,
} from "../components/cluster/eks/load-balancer-controller/controller";
import {
  AWS_LOAD_BALANCER_CLASS,
  CONFIGURED_SERVICE_ANNOTATIONS,
  LOAD_BALANCER_SERVICE_ANNOTATIONS,
} from "../components/cluster/capabilities";

describe("EKS: the AWS Load Balancer Controller", function () {
  describe("what LoadBalancer Services get (the contract's loadBalancer)", function () {
    it("the ingress pods' namespace label of the controller's pod readiness gate (docs/deploy/pod_readiness_gate.md)", function () {
      assert.deepStrictEqual(POD_READINESS_GATE_NAMESPACE_LABELS, {
        "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
      });
      for (const scheme of ["internet-facing", "internal"] as const)
        assert.deepStrictEqual(
          eksLoadBalancer(scheme).controllerNamespaceLabels,
          POD_READINESS_GATE_NAMESPACE_LABELS,
        );
    });

    it("internet-facing: an NLB with IP targets, the controller's class, client addresses kept", function () {
      assert.deepStrictEqual(eksLoadBalancer("internet-facing"), {
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
      });
    });

    it("internal: the same NLB in the private subnets, without client IP preservation", function () {
      assert.deepStrictEqual(eksLoadBalancer("internal"), {
        addressKind: "hostname",
        serviceAnnotations: {
          "service.beta.kubernetes.io/aws-load-balancer-type": "external",
          "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
          "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
          "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes":
            "preserve_client_ip.enabled=false",
        },
        loadBalancerClass: "service.k8s.aws/nlb",
        controllerNamespaceLabels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
      });
    });

    it("the target's own annotations and the configured ones are what stack config refuses", function () {
      assert.strictEqual(AWS_LOAD_BALANCER_CLASS, "service.k8s.aws/nlb");
      assert.deepStrictEqual(LOAD_BALANCER_SERVICE_ANNOTATIONS.eks, {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
      });
      assert.deepStrictEqual(CONFIGURED_SERVICE_ANNOTATIONS.eks, {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "cluster.loadBalancerScheme",
        "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "cluster.loadBalancerScheme",
        "service.beta.kubernetes.io/aws-load-balancer-internal": "cluster.loadBalancerScheme",
      });
      for (const t of ["gke", "aks", "doks", "existing"] as const) {
        assert.deepStrictEqual(LOAD_BALANCER_SERVICE_ANNOTATIONS[t], {}, t);
        assert.deepStrictEqual(CONFIGURED_SERVICE_ANNOTATIONS[t], {}, t);
      }
    });
  });
});
